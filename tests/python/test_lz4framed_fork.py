"""lz4framed: the ph4r05 fork's continuation API (spec lz4framed-compat.md §1.5, §1.7, §2) on
Python 3 — Decompressor.setfp/setctx and its position properties, clone / marshal / unmarshal of
decompression contexts (our S4CS blobs), the checksum state, decompress_dump — and the fork's
marshal/clone bugs (§2.6) shown fixed."""

import io
import os
import random
import subprocess
import sys
import textwrap

import pytest

import lz4framed as L
from conftest import text_data

DATA = text_data(3 * 1024 * 1024 + 12345, seed=7)

# (block_size_id, linked) — 64 KiB and 256 KiB blocks, independent and linked.
MODES = [(4, False), (4, True), (5, False), (5, True)]


def frame_of(block_id, linked, checksum=True):
    return L.compress(DATA, block_size_id=block_id, block_mode_linked=linked, checksum=checksum)


class Source(object):
    """An fp over `data` from `start` that returns at most `step` bytes per read (a socket) and,
    after `fail_after` bytes, raises ConnectionError (or returns b"" when `eof`)."""

    def __init__(self, data, start=0, step=None, fail_after=None, eof=False):
        self.data, self.pos, self.step = data, start, step
        self.left = fail_after
        self.eof = eof

    def read(self, n):
        if self.step:
            n = min(n, self.step)
        if self.left is not None:
            if self.left <= 0:
                if self.eof:
                    return b""
                raise ConnectionError("connection dropped")
            n = min(n, self.left)
            self.left -= n
        out = self.data[self.pos:self.pos + n]
        self.pos += len(out)
        return out


def run_marshalling(frame):
    """Iterates a Decompressor over `frame`, marshalling at every aligned read:
    [(next_data_block, output so far, blob)], and the output."""
    d = L.Decompressor(io.BytesIO(frame))
    out = bytearray()
    points = []
    for chunk in d:
        out += chunk
        if d.last_read_aligned:
            assert d.next_data_block == d.data_read
            points.append((d.next_data_block, len(out), L.marshal_decompression_context(d.ctx)))
    return points, bytes(out)


@pytest.mark.parametrize("block_id,linked", MODES)
def test_marshal_at_every_block_boundary_and_resume_with_setctx(block_id, linked):
    frame = frame_of(block_id, linked)
    points, out = run_marshalling(frame)
    assert out == DATA
    assert len(points) >= len(DATA) // L.get_block_size(block_id) - 1
    sizes = [len(b) for _, _, b in points]
    if not linked:
        # the fork: 184 B at every boundary of independent blocks; ours at most 128
        assert max(sizes) <= 128, sizes
    else:
        # the 64 KiB window travels compressed: well under half of it on text
        assert sum(sizes) / len(sizes) <= 32 * 1024, sizes
    for k, (pos, produced, blob) in enumerate(points):
        if k % 3 and k != len(points) - 1:
            continue
        head = frame[:4096] if k % 2 else None
        ctx = L.unmarshal_decompression_context(blob, head)
        d = L.Decompressor(io.BytesIO(frame[pos:]))
        d.setctx(ctx)
        assert d.data_read == pos
        assert b"".join(d) == DATA[produced:]
        assert d.data_read == len(frame)


@pytest.mark.parametrize("block_id,linked", MODES)
@pytest.mark.parametrize("eof", [False, True], ids=["raises", "ends"])
def test_setfp_after_a_dropped_connection(block_id, linked, eof):
    frame = frame_of(block_id, linked)
    rng = random.Random(block_id * 2 + linked + 10 * eof)
    d = L.Decompressor(Source(frame, step=rng.randrange(1, 70000), fail_after=rng.randrange(len(frame)),
                              eof=eof))
    out = bytearray()
    drops = 0
    while True:
        try:
            for chunk in d:
                out += chunk
            break
        except (ConnectionError, L.Lz4FramedNoDataError):
            drops += 1
            # reconnect: a new source from where the context stands, dropping again later
            d.setfp(Source(frame, start=d.data_read, step=rng.randrange(1, 70000),
                           fail_after=rng.randrange(1, len(frame) // 4 + 2), eof=eof))
    assert bytes(out) == DATA
    assert drops >= 1
    assert d.data_read == len(frame)


@pytest.mark.parametrize("block_id,linked", MODES)
def test_clone_then_both_go_on(block_id, linked):
    frame = frame_of(block_id, linked)
    d = L.Decompressor(io.BytesIO(frame))
    it = iter(d)
    out = bytearray()
    for _ in range(7):
        out += next(it)
    it.close()  # releases the Decompressor's lock
    pos = d.data_read
    clone = L.clone_decompression_context(d.ctx)
    rest = b"".join(d)  # the original goes on
    assert bytes(out) + rest == DATA
    d2 = L.Decompressor(io.BytesIO(frame[pos:]))
    d2.setctx(clone)
    assert bytes(out) + b"".join(d2) == DATA


def test_marshal_is_deterministic_and_clones_marshal_alike():
    frame = frame_of(4, True)
    ctx = L.create_decompression_context()
    L.decompress_update(ctx, frame[:200001])
    a = L.marshal_decompression_context(ctx)
    assert a == L.marshal_decompression_context(ctx)
    assert L.marshal_decompression_context(L.clone_decompression_context(ctx)) == a
    again = L.marshal_decompression_context(L.unmarshal_decompression_context(a, frame[:4096]))
    assert again == a


@pytest.mark.parametrize("block_id,linked", MODES)
def test_fork_bug_partial_blocks_and_small_chunks(block_id, linked):
    """§2.6: the fork's blob was truncated when output was partly flushed (chunk_len smaller
    than the block); ours is exact at any cut, with any chunk_len."""
    frame = frame_of(block_id, linked)
    rng = random.Random(block_id + 7 * linked)
    for _ in range(6):
        cut = rng.randrange(1, len(frame))
        ctx = L.create_decompression_context()
        first = L.decompress_update(ctx, frame[:cut], chunk_len=1000)
        assert first.pop() > 0
        blob = L.marshal_decompression_context(ctx)
        ctx2 = L.unmarshal_decompression_context(blob)
        rest = L.decompress_update(ctx2, frame[cut:], chunk_len=777)
        assert rest.pop() == 0
        assert b"".join(first + rest) == DATA


@pytest.mark.parametrize("block_id", [4, 5, 6])
def test_fork_bug_linked_after_the_last_block(block_id):
    """§2.6: in linked mode the fork could neither marshal nor clone after the last block."""
    frame = frame_of(block_id, True)
    for tail in (8, 4, 0):  # before the end mark, before the checksum, after the end
        ctx = L.create_decompression_context()
        out = L.decompress_update(ctx, frame[:len(frame) - tail])
        hint = out.pop()
        assert (hint == 0) == (tail == 0)
        clone = L.clone_decompression_context(ctx)
        ctx2 = L.unmarshal_decompression_context(L.marshal_decompression_context(ctx))
        for c in (clone, ctx2):
            if tail:
                rest = L.decompress_update(c, frame[len(frame) - tail:])
                assert rest.pop() == 0
            else:
                rest = []
            assert b"".join(out + rest) == DATA


def test_checksum_context_roundtrip_and_mismatch():
    frame = frame_of(4, False)
    cut = len(frame) // 2
    ctx = L.create_decompression_context()
    out = L.decompress_update(ctx, frame[:cut])
    out.pop()
    cs = L.marshal_decompression_checksum_context(ctx)
    assert isinstance(cs, bytes) and len(cs) == 48 and cs[44:] == b"\0\0\0\0"
    # a wrong running checksum makes the frame's content checksum fail at the end
    other = L.create_decompression_context()
    L.decompress_update(other, frame[:cut // 2])
    L.unmarshal_decompression_checksum_context(ctx, L.marshal_decompression_checksum_context(other))
    with pytest.raises(L.Lz4FramedError) as ei:
        L.decompress_update(ctx, frame[cut:])
    assert ei.value.args[:2] == ("ERROR_contentChecksum_invalid", 18)
    # the right one restores it
    ctx = L.create_decompression_context()
    first = L.decompress_update(ctx, frame[:cut])
    first.pop()
    L.unmarshal_decompression_checksum_context(ctx, L.marshal_decompression_checksum_context(other))
    L.unmarshal_decompression_checksum_context(ctx=ctx, checksum=cs)
    rest = L.decompress_update(ctx, frame[cut:])
    assert rest.pop() == 0 and b"".join(first + rest) == DATA


def test_checksum_context_validation():
    ctx = L.create_decompression_context()
    good = L.marshal_decompression_checksum_context(ctx)
    bad = []
    bad.append(good[:47])
    b = bytearray(good); b[40] = 17; bad.append(bytes(b))           # memsize > 16
    b = bytearray(good); b[40] = 3; bad.append(bytes(b))            # memsize != total % 16
    b = bytearray(good); b[4] = 2; bad.append(bytes(b))             # large_len not 0/1
    b = bytearray(good); b[0] = 20; b[40] = 4; bad.append(bytes(b)) # large_len must be 1
    b = bytearray(good); b[46] = 1; bad.append(bytes(b))            # reserved bytes
    for blob in bad:
        with pytest.raises(L.Lz4FramedError) as ei:
            L.unmarshal_decompression_checksum_context(ctx, blob)
        assert ei.value.args[:2] == ("ERROR_GENERIC", 1)
        assert ei.value.status == "S4C_ERROR_STATE_INVALID"
        assert "checksum state" in ei.value.args[2] or "48 bytes" in ei.value.args[2]


def fix_crc(blob):
    import s4_codec
    b = bytearray(blob)
    b[-4:] = s4_codec.crc32c(bytes(b[:-4])).to_bytes(4, "little")
    return bytes(b)


def test_forged_and_foreign_blobs():
    frame = frame_of(4, False)
    ctx = L.create_decompression_context()
    L.decompress_update(ctx, frame[:100000])
    blob = L.marshal_decompression_context(ctx)
    cases = {
        "S4C_ERROR_STATE_INVALID": [blob[:-1], blob + b"\0", b"XXXX" + blob[4:], b"",
                                    blob[:20]],
        "S4C_ERROR_STATE_VERSION": [blob[:4] + b"\x09" + blob[5:]],
    }
    for i in range(len(blob)):  # every single-byte corruption is caught (CRC32C)
        b = bytearray(blob)
        b[i] ^= 0x40
        cases["S4C_ERROR_STATE_INVALID"].append(bytes(b))
    for status, blobs in cases.items():
        for b in blobs:
            with pytest.raises(L.Lz4FramedError) as ei:
                L.unmarshal_decompression_context(b)
            assert ei.value.args[:2] == ("ERROR_GENERIC", 1), b
            assert ei.value.status in (status, "S4C_ERROR_STATE_VERSION"), (ei.value.status, b)
            assert len(ei.value.args) == 3 and ei.value.args[2]
    # semantic forgeries with a valid CRC: specific messages, never a crash
    rng = random.Random(3)
    for _ in range(300):
        b = bytearray(blob)
        for _ in range(rng.randrange(1, 4)):
            b[rng.randrange(56, len(b) - 4)] = rng.randrange(256)
        try:
            c = L.unmarshal_decompression_context(fix_crc(b))
        except L.Lz4FramedError as e:
            assert e.status.startswith("S4C_ERROR_STATE"), e.args
            continue
        try:
            L.decompress_update(c, frame[100000:])
        except (L.Lz4FramedError, ValueError):
            pass
    # a blob of another stream is refused when the head is given, and loads without it
    other = L.compress(DATA[::-1], block_mode_linked=False)
    with pytest.raises(L.Lz4FramedError) as ei:
        L.unmarshal_decompression_context(blob, other[:4096])
    assert ei.value.status == "S4C_ERROR_STATE_FOREIGN"
    assert "another stream" in ei.value.args[2]
    with pytest.raises(L.Lz4FramedError) as ei:
        L.unmarshal_decompression_context(blob, frame[:10])  # too short a head
    assert ei.value.status == "S4C_ERROR_STATE_FOREIGN"
    L.unmarshal_decompression_context(blob, frame[:4096])
    L.unmarshal_decompression_context(ctx=blob, head=memoryview(frame))


def test_state_of_another_codec_is_refused():
    import gzip
    import s4_codec
    d = s4_codec.Decompressor("cpu-gzip")
    gz = gzip.compress(DATA[:300000])
    d.decompress(gz[:1000])
    blob = d.save()
    with pytest.raises(L.Lz4FramedError) as ei:
        L.unmarshal_decompression_context(blob)
    assert "cpu-gzip" in ei.value.args[2] and "not an LZ4" in ei.value.args[2]


def test_argument_errors_are_the_forks():
    ctx = L.create_decompression_context()
    for f in (L.clone_decompression_context, L.marshal_decompression_context,
              L.marshal_decompression_checksum_context, L.decompress_dump):
        with pytest.raises(ValueError, match="^invalid params$"):
            f()
        with pytest.raises(ValueError, match="^ctx invalid$"):
            f(L.create_compression_context())
        with pytest.raises(ValueError, match="^ctx invalid$"):
            f(ctx=object())
    with pytest.raises(ValueError, match="^invalid params$"):
        L.unmarshal_decompression_context(12)
    with pytest.raises(ValueError, match="^invalid params$"):
        L.unmarshal_decompression_context(b"x", 12)
    with pytest.raises(ValueError, match="^invalid params$"):
        L.unmarshal_decompression_checksum_context(ctx)
    with pytest.raises(ValueError, match="^ctx invalid$"):
        L.unmarshal_decompression_checksum_context(object(), b"\0" * 48)
    with pytest.raises(ValueError, match="^ctx invalid$"):
        L.Decompressor(io.BytesIO(b"")).setctx(L.create_compression_context())


def test_decompress_dump(capsys):
    ctx = L.create_decompression_context()
    L.decompress_update(ctx, frame_of(4, False)[:5000])
    assert L.decompress_dump(ctx=ctx) is None
    err = capsys.readouterr().err
    assert err.startswith("StateDump: ") and "consumed: 5000" in err and err.endswith("\n")


def test_decompressor_properties_and_fresh_context():
    frame = frame_of(4, False)
    d = L.Decompressor(io.BytesIO(frame))
    assert (d.data_read, d.next_data_block, d.last_hint, d.last_read_aligned, d.first15) == \
        (0, 0, 0, False, None)
    it = iter(d)
    next(it)
    assert d.first15 == frame[:15]
    assert d.frame_info["block_size_id"] == 4
    assert d.last_hint > 0 and d.data_read > 15
    it.close()
    # a fresh context set on a Decompressor: the stream starts over from its header
    d.setctx(L.create_decompression_context())
    assert d.frame_info is None and d.data_read == 0
    d.setfp(io.BytesIO(frame))
    assert b"".join(d) == DATA
    # iterating a finished frame again yields nothing
    assert b"".join(d) == b""
    with pytest.raises(TypeError, match="fp.read not callable"):
        d.setfp(type("R", (), {"read": 1})())


def test_resume_in_a_fresh_process(tmp_path):
    frame = frame_of(5, True)
    points, _ = run_marshalling(frame)
    pos, produced, blob = points[len(points) // 2]
    (tmp_path / "frame.lz4").write_bytes(frame)
    (tmp_path / "state").write_bytes(blob)
    script = textwrap.dedent("""
        import hashlib, sys, lz4framed as L
        frame = open(sys.argv[1], "rb").read()
        blob = open(sys.argv[2], "rb").read()
        ctx = L.unmarshal_decompression_context(blob, frame[:4096])
        f = open(sys.argv[1], "rb")
        f.seek(int(sys.argv[3]))
        d = L.Decompressor(f)
        d.setctx(ctx)
        h = hashlib.sha256()
        for chunk in d:
            h.update(chunk)
        print(h.hexdigest(), d.data_read)
    """)
    r = subprocess.run([sys.executable, "-c", script, str(tmp_path / "frame.lz4"),
                        str(tmp_path / "state"), str(pos)], capture_output=True, text=True,
                       cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    import hashlib
    assert r.stdout.split() == [hashlib.sha256(DATA[produced:]).hexdigest(), str(len(frame))]
