"""s4_codec's resumable decoding: the streaming Decompressor (positions, checkpoints, save →
load in this and in a fresh process, clone), forged and foreign states, and open() — random reads
through a .s4ci checkpoint index or by forward decoding — against slices of the original."""

import gzip
import hashlib
import io
import os
import random
import subprocess
import sys
import textwrap

import lz4.frame
import pytest
import zstandard

import s4_codec
from conftest import text_data

DATA = text_data(3 * 1024 * 1024 + 54321, seed=11)
HALF = len(DATA) // 2
SPACING = 256 * 1024
CODECS = ["cpu-lz4", "cpu-gzip", "cpu-zstd"]


def compress(codec, data=DATA):
    """A multi-frame/multi-member stream of `data` in the codec's standard format."""
    half = len(data) // 2
    if codec == "cpu-lz4":
        # a linked frame with a content checksum, then an independent one with 256 KiB blocks
        return (lz4.frame.compress(data[:half], block_size=lz4.frame.BLOCKSIZE_MAX64KB,
                                   block_linked=True, content_checksum=True)
                + lz4.frame.compress(data[half:], block_size=lz4.frame.BLOCKSIZE_MAX256KB,
                                     block_linked=False))
    if codec == "cpu-gzip":
        return gzip.compress(data[:half], 6) + gzip.compress(data[half:], 9)
    if codec == "cpu-zstd":
        # 512 KiB frames (a seekable-style stream), then one large frame
        cctx = zstandard.ZstdCompressor(level=3)
        parts = [cctx.compress(data[i:min(i + 512 * 1024, half)]) for i in range(0, half, 512 * 1024)]
        return b"".join(parts) + cctx.compress(data[half:])
    raise AssertionError(codec)


STREAMS = {}


def stream_of(codec):
    if codec not in STREAMS:
        STREAMS[codec] = compress(codec)
    return STREAMS[codec]


def drain(d, data=b""):
    """Feeds `data` and collects output until the decoder needs input."""
    out = [d.decompress(data)]
    while not d.needs_input:
        out.append(d.decompress(b""))
    return b"".join(out)


# ---------------------------------------------------------------- basic streaming


@pytest.mark.parametrize("codec", CODECS)
def test_streaming_decode_detection_and_bounds(codec):
    c = stream_of(codec)
    d = s4_codec.Decompressor()
    assert d.codec is None and d.needs_input and not d.eof
    out = bytearray()
    rng = random.Random(1)
    i = 0
    while i < len(c) or not d.needs_input:
        n = rng.randrange(1, 300000)
        chunk = c[i:i + n] if d.needs_input else b""
        i += len(chunk)
        limit = rng.choice([-1, 1, 1000, 70000])
        got = d.decompress(chunk, max_length=limit)
        assert limit < 0 or len(got) <= limit
        out += got
    d.finish()
    assert d.codec == codec
    assert bytes(out) == DATA
    assert d.eof and d.unused_input == 0


@pytest.mark.parametrize("codec", CODECS)
def test_max_length_is_a_bound(codec):
    d = s4_codec.Decompressor(codec)
    got = d.decompress(stream_of(codec), max_length=12345)
    assert len(got) == 12345 and not d.needs_input and d.unused_input > 0
    assert d.decompress(b"", 0) == b"" and not d.needs_input
    rest = drain(d)
    assert got + rest == DATA and d.needs_input and d.eof


@pytest.mark.parametrize("codec", CODECS)
def test_truncated_stream_and_bad_input(codec):
    c = stream_of(codec)
    d = s4_codec.Decompressor(codec)
    d.decompress(c[:len(c) - 3])
    with pytest.raises(s4_codec.S4IoError):
        d.finish()
    with pytest.raises(s4_codec.S4IoError):
        s4_codec.Decompressor().decompress(b"not a compressed stream at all")
    with pytest.raises(ValueError, match="codec must be"):
        s4_codec.Decompressor("cpu-brotli")


# ---------------------------------------------------------------- checkpoints


def run_to_checkpoints(codec):
    """Decodes the whole stream stopping at every checkpoint: [(position, output so far, blob,
    clone)]."""
    c = stream_of(codec)
    d = s4_codec.Decompressor(codec, checkpoint_spacing=SPACING, stop_at_checkpoint=True)
    out = bytearray()
    stops = []
    out += d.decompress(c)
    while not d.needs_input:
        assert d.at_checkpoint
        pos = d.checkpoint()
        assert pos["produced"] == len(out) == d.produced
        assert pos["resume_offset"] == pos["consumed"] == d.consumed
        assert pos["resume_produced"] == pos["produced"]
        assert d.consumed + d.unused_input == len(c)
        stops.append((pos, len(out), d.save(), d.clone()))
        out += d.decompress(b"")
    d.finish()
    assert bytes(out) == DATA
    return stops


@pytest.mark.parametrize("codec", CODECS)
def test_stop_at_every_checkpoint_and_continue(codec):
    c = stream_of(codec)
    stops = run_to_checkpoints(codec)
    # zstd records checkpoints at frame ends only (the large last frame has none inside); gzip
    # at the first deflate block boundary after each spacing (blocks span tens of KiB)
    least = {"cpu-zstd": 3, "cpu-gzip": len(DATA) // (2 * SPACING), "cpu-lz4": len(DATA) // SPACING - 2}
    assert len(stops) >= least[codec], len(stops)
    assert [s[1] for s in stops] == sorted(s[1] for s in stops)
    for k, (pos, produced, blob, clone) in enumerate(stops):
        info = s4_codec.inspect_state(blob)
        assert info["codec"] == codec and info["at_checkpoint"]
        assert info["produced"] == produced and info["resume_offset"] == pos["consumed"]
        if codec == "cpu-zstd":
            assert len(blob) <= 128, len(blob)
        # via save -> load: fed from a new source at resume_offset
        d = s4_codec.Decompressor.load(blob, c[:4096])
        assert d.consumed == info["resume_offset"] and d.produced == produced
        rest = drain(d, c[d.consumed:])
        d.finish()
        assert rest == DATA[produced:], (k, produced)
        # via the clone taken there (it holds the rest of the input)
        rest = drain(clone)
        clone.finish()
        assert rest == DATA[produced:]


@pytest.mark.parametrize("codec", CODECS)
def test_random_offsets_save_load_clone_and_new_source(codec):
    c = stream_of(codec)
    rng = random.Random(CODECS.index(codec))
    for _ in range(8):
        stop = rng.randrange(1, len(DATA))
        d = s4_codec.Decompressor(codec)
        out = bytearray()
        fed = 0
        while len(out) < stop:
            if d.needs_input:
                n = rng.randrange(1, 200000)
                chunk = c[fed:fed + n]
                fed += len(chunk)
            else:
                chunk = b""
            out += d.decompress(chunk, stop - len(out))
        assert len(out) == stop == d.produced
        # continuation from another source: the same decoder, fed from a copy of the stream
        other = bytearray(c)
        blob = d.save()
        info = s4_codec.inspect_state(blob)
        assert info["produced"] == stop and info["resume_offset"] <= d.consumed
        if codec == "cpu-lz4":
            assert info["resume_offset"] == d.consumed and info["at_checkpoint"]
        try:
            clone = d.clone()
        except s4_codec.S4NotAtCheckpointError:
            assert codec == "cpu-zstd" and not d.at_checkpoint
            clone = None
        rest = drain(d, memoryview(other)[fed:])
        d.finish()
        assert bytes(out) + rest == DATA
        loaded = s4_codec.Decompressor.load(blob, memoryview(other)[:4096])
        assert loaded.consumed == info["resume_offset"]
        assert drain(loaded, other[loaded.consumed:]) == DATA[stop:]
        loaded.finish()
        if clone is not None:
            assert drain(clone, c[fed:]) == DATA[stop:]
            clone.finish()


@pytest.mark.parametrize("codec", CODECS)
def test_save_load_in_a_fresh_process(codec, tmp_path):
    c = stream_of(codec)
    path = tmp_path / "stream"
    path.write_bytes(c)
    stops = run_to_checkpoints(codec)
    rng = random.Random(99)
    cases = [(s[2], s[1]) for s in stops[::max(1, len(stops) // 3)]]
    for _ in range(3):  # and at random offsets
        stop = rng.randrange(1, len(DATA))
        d = s4_codec.Decompressor(codec)
        assert len(d.decompress(c, stop)) == stop
        cases.append((d.save(), stop))
    args = []
    for i, (blob, produced) in enumerate(cases):
        (tmp_path / ("state%d" % i)).write_bytes(blob)
        args.append(str(tmp_path / ("state%d" % i)))
    script = textwrap.dedent("""
        import hashlib, sys, s4_codec
        stream = sys.argv[1]
        with open(stream, "rb") as f:
            head = f.read(4096)
        for state in sys.argv[2:]:
            d = s4_codec.Decompressor.load(open(state, "rb").read(), head)
            h = hashlib.sha256()
            with open(stream, "rb") as f:
                f.seek(d.consumed)
                while True:
                    chunk = f.read(65536)
                    h.update(d.decompress(chunk))
                    while not d.needs_input:
                        h.update(d.decompress(b""))
                    if not chunk:
                        break
            d.finish()
            print(h.hexdigest())
    """)
    r = subprocess.run([sys.executable, "-c", script, str(path)] + args, capture_output=True,
                       text=True, cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [hashlib.sha256(DATA[p:]).hexdigest() for _, p in cases]


# ---------------------------------------------------------------- forged and foreign states


def fix_crc(b):
    b = bytearray(b)
    b[-4:] = s4_codec.crc32c(bytes(b[:-4])).to_bytes(4, "little")
    return bytes(b)


@pytest.mark.parametrize("codec", CODECS)
def test_forged_truncated_and_foreign_states(codec):
    c = stream_of(codec)
    d = s4_codec.Decompressor(codec, checkpoint_spacing=SPACING, stop_at_checkpoint=True)
    d.decompress(c)
    blob = d.save()
    head = c[:4096]
    for b in (blob[:-1], blob[:59], blob[:3], blob + b"\0", b"S4CX" + blob[4:]):
        with pytest.raises(s4_codec.S4StateError) as ei:
            s4_codec.Decompressor.load(b, head)
        assert type(ei.value) is s4_codec.S4StateError
        assert ei.value.status == "S4C_ERROR_STATE_INVALID"
    # every single-byte change is caught (CRC32C over the whole blob)
    positions = range(len(blob)) if len(blob) < 300 else random.Random(5).sample(range(len(blob)), 300)
    for i in positions:
        b = bytearray(blob)
        b[i] ^= 0x01
        with pytest.raises(s4_codec.S4StateError):
            s4_codec.Decompressor.load(bytes(b), head)
    with pytest.raises(s4_codec.S4StateVersionError) as ei:
        s4_codec.Decompressor.load(fix_crc(blob[:4] + b"\x02" + blob[5:]), head)
    assert ei.value.status == "S4C_ERROR_STATE_VERSION" and "version 2" in str(ei.value)
    # the envelope's kind changed (CRC fixed): the body does not parse as the other codec's
    for kind in (1, 7, 64, 3, 999):
        if kind == {"cpu-zstd": 1, "cpu-gzip": 7, "cpu-lz4": 64}[codec]:
            continue
        b = bytearray(blob)
        b[6:8] = kind.to_bytes(2, "little")
        with pytest.raises(s4_codec.S4StateError):
            s4_codec.Decompressor.load(fix_crc(b), head)
    # another stream's head
    other = compress(codec, DATA[::-1])
    with pytest.raises(s4_codec.S4StateForeignError) as ei:
        s4_codec.Decompressor.load(blob, other[:4096])
    assert ei.value.status == "S4C_ERROR_STATE_FOREIGN" and "another stream" in str(ei.value)
    with pytest.raises(s4_codec.S4StateForeignError):
        s4_codec.Decompressor.load(blob, head[:100])
    assert isinstance(ei.value, s4_codec.S4IoError)  # `except S4IoError` still catches it
    # random body mutations with a valid CRC: an S4StateError or a working decoder, never a crash
    rng = random.Random(CODECS.index(codec) + 40)
    for _ in range(300):
        b = bytearray(blob)
        for _ in range(rng.randrange(1, 4)):
            b[rng.randrange(12, len(b) - 4)] = rng.randrange(256)
        try:
            x = s4_codec.Decompressor.load(fix_crc(b), head)
        except s4_codec.S4StateError:
            continue
        try:
            x.decompress(c[x.consumed:x.consumed + 300000], 1 << 20)
        except (s4_codec.S4Error, s4_codec.S4IoError):
            pass
    with pytest.raises(s4_codec.S4StateError):
        s4_codec.inspect_state(b"garbage")


# ---------------------------------------------------------------- open()


@pytest.mark.parametrize("codec", CODECS)
@pytest.mark.parametrize("use_index", [False, True], ids=["forward", "index"])
def test_open_random_reads(codec, use_index, tmp_path):
    path = str(tmp_path / ("data." + {"cpu-lz4": "lz4", "cpu-gzip": "gz", "cpu-zstd": "zst"}[codec]))
    with open(path, "wb") as f:
        f.write(stream_of(codec))
    if use_index:
        assert s4_codec.build_index(path, spacing=SPACING) == path + ".s4ci"
        assert os.path.getsize(path + ".s4ci") > 0
    rng = random.Random(len(codec) + use_index)
    with s4_codec.open(path, "rb", checkpoint_spacing=SPACING) as f:
        assert isinstance(f, io.BufferedIOBase)
        assert f.readable() and f.seekable() and not f.writable()
        assert (f._index is not None) == use_index
        for _ in range(25):
            off = rng.randrange(len(DATA) + 10)
            n = rng.choice([0, 1, 100, 4096, 1 << 20, rng.randrange(300000)])
            assert f.seek(off) == off and f.tell() == off
            assert f.read(n) == DATA[off:off + n]
            assert f.tell() == min(off + n, max(off, len(DATA)))
        f.seek(0)
        assert f.readline() == DATA[:DATA.index(b"\n") + 1]
        lines = [next(f) for _ in range(3)]
        assert b"".join(lines) == DATA[len(DATA[:DATA.index(b"\n") + 1]):][:sum(map(len, lines))]
        assert f.seek(-100, io.SEEK_END) == len(DATA) - 100
        assert f.read() == DATA[-100:]
        assert f.read(10) == b""
        f.seek(-200, io.SEEK_CUR)
        buf = bytearray(150)
        assert f.readinto(buf) == 150 and bytes(buf) == DATA[-200:-50]
        f.seek(HALF)
        assert f.read() == DATA[HALF:]
    with pytest.raises(ValueError):
        f.read(1)
    with s4_codec.open(path) as f:
        assert f.read() == DATA


@pytest.mark.parametrize("codec", CODECS)
def test_open_threads(codec, tmp_path):
    # Reads that span several checkpoints decode them on `threads` threads, in place: the
    # same bytes for every count; a bad count is refused before anything is opened.
    path = str(tmp_path / "data.bin")
    with open(path, "wb") as f:
        f.write(stream_of(codec))
    s4_codec.build_index(path, spacing=SPACING)
    rng = random.Random(7)
    for threads in (0, 1, 2, 3):
        with s4_codec.open(path, threads=threads) as f:
            assert f.read() == DATA
            for _ in range(6):
                off = rng.randrange(len(DATA))
                n = rng.choice([1, 3 * SPACING, len(DATA)])
                f.seek(off)
                assert f.read(n) == DATA[off:off + n]
    for bad in (-1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="threads"):
            s4_codec.open(path, threads=bad)


def test_open_with_a_foreign_or_corrupt_index(tmp_path):
    a, b = str(tmp_path / "a.lz4"), str(tmp_path / "b.lz4")
    with open(a, "wb") as f:
        f.write(stream_of("cpu-lz4"))
    with open(b, "wb") as f:
        f.write(compress("cpu-lz4", DATA[::-1]))
    s4_codec.build_index(b, index_path=a + ".s4ci")
    with pytest.raises(s4_codec.S4StateForeignError):
        s4_codec.open(a)
    with s4_codec.open(a, index=False) as f:  # the index ignored
        assert f.read(1000) == DATA[:1000]
    s4_codec.build_index(a)
    idx = bytearray(open(a + ".s4ci", "rb").read())
    idx[len(idx) // 2] ^= 0xFF
    with open(a + ".s4ci", "wb") as f:
        f.write(idx)
    with pytest.raises(s4_codec.S4StateError):
        s4_codec.open(a)
    with pytest.raises(ValueError, match="mode"):
        s4_codec.open(a, "wb")


def test_forward_reader_remembers_checkpoints_for_seeking_back(tmp_path):
    path = str(tmp_path / "x.lz4")
    with open(path, "wb") as f:
        f.write(stream_of("cpu-lz4"))
    with s4_codec.open(path, checkpoint_spacing=SPACING) as f:
        f.seek(len(DATA) - 10)
        assert f.read() == DATA[-10:]
        cps = list(f._checkpoints)
        assert len(cps) >= len(DATA) // SPACING - 2
        assert all(isinstance(cp[2], bytes) and len(cp[2]) < 40000 for cp in cps)
        f.seek(HALF)
        assert f.read(5000) == DATA[HALF:HALF + 5000]
        # restarted from the nearest remembered checkpoint, not from the start
        assert f._out_off - 5000 - HALF < SPACING + 300 * 1024


# ---------------------------------------------------------------- memory


VALGRIND_SCRIPT = textwrap.dedent(
    """
    import gzip, io, os, sys, tempfile
    import lz4framed as L, s4_codec as S
    data = b"".join(b"line %d of the valgrind run\\n" % i for i in range(20000))
    for linked in (False, True):
        f = L.compress(data, block_mode_linked=linked, checksum=True)
        d = L.Decompressor(io.BytesIO(f))
        it = iter(d); next(it); it.close()
        blob = L.marshal_decompression_context(d.ctx)
        for head in (None, f[:4096], b"x" * 4096):
            try:
                c = L.unmarshal_decompression_context(blob, head)
            except L.Lz4FramedError:
                continue
            d2 = L.Decompressor(io.BytesIO(f[d.data_read:])); d2.setctx(c); b"".join(d2)
        c = L.clone_decompression_context(d.ctx)
        L.unmarshal_decompression_checksum_context(c, L.marshal_decompression_checksum_context(d.ctx))
        for bad in (blob[:-1], blob[:30], b"S4CS" + blob[4:12] + b"\\xff" * (len(blob) - 12)):
            try:
                L.unmarshal_decompression_context(bad)
            except L.Lz4FramedError:
                pass
    streams = {"cpu-lz4": L.compress(data), "cpu-gzip": gzip.compress(data)}
    try:
        import zstandard
        streams["cpu-zstd"] = zstandard.ZstdCompressor().compress(data)
    except ImportError:
        pass
    tmp = tempfile.mkdtemp()
    for codec, c in streams.items():
        d = S.Decompressor(checkpoint_spacing=1, stop_at_checkpoint=True)
        out = d.decompress(c[:len(c) // 2], 100000)
        try:
            blob = d.save()
            d2 = S.Decompressor.load(blob, c[:4096])
            d2.decompress(c[d2.consumed:])
            d.clone().decompress(c[len(c) // 2:])
            try:
                S.Decompressor.load(blob[:-1] + b"\\0", c[:4096])
            except S.S4StateError:
                pass
        except (S.S4IoError, S.S4Error):
            pass
        p = os.path.join(tmp, "x")
        open(p, "wb").write(c)
        try:
            S.build_index(p, spacing=65536)
        except S.S4IoError:
            pass
        with S.open(p) as fh:
            fh.seek(300000); fh.read(1000); fh.seek(10); fh.readline()
        if os.path.exists(p + ".s4ci"):
            os.remove(p + ".s4ci")
    print("done")
    """
)

OURS = __import__("re").compile(r"\b(s4c_|s4py_|LZ4F_|LZ4_|_s4codec|sd_|ck_|py_|dctx|wrap_decoder|"
                                r"marshal|unmarshal|clone|save_locked|raise_state|raise_resume)")


@pytest.mark.skipif(__import__("shutil").which("valgrind") is None, reason="valgrind is not installed")
def test_short_run_under_valgrind(tmp_path):
    import re
    script = tmp_path / "run.py"
    script.write_text(VALGRIND_SCRIPT)
    r = subprocess.run(
        ["valgrind", "--leak-check=full", "--show-leak-kinds=definite", "--num-callers=40",
         sys.executable, str(script)],
        cwd=tmp_path, capture_output=True, text=True,
        env={**os.environ, "PYTHONMALLOC": "malloc"}, timeout=600,
    )
    assert r.returncode == 0 and r.stdout.strip() == "done", r.stdout + r.stderr[-4000:]
    reports = re.split(r"^==\d+== ?\n", r.stderr, flags=re.M)
    ours = [rep for rep in reports if OURS.search(rep) and re.search(
        r"Invalid|uninitialised|Conditional jump|definitely lost|Mismatched|overlap", rep)]
    assert not ours, "\n".join(ours)[:8000]


def test_no_growth_over_repeated_save_load_clone():
    import resource
    import lz4framed as L
    c = stream_of("cpu-lz4")
    frame = L.compress(DATA[:500000], block_mode_linked=True)

    def round_trip():
        d = s4_codec.Decompressor("cpu-lz4")
        d.decompress(c[:300000], 200000)
        blob = d.save()
        x = s4_codec.Decompressor.load(blob, c[:4096])
        x.decompress(c[x.consumed:x.consumed + 100000])
        d.clone().decompress(c[300000:400000])
        try:
            s4_codec.Decompressor.load(blob[:-1], c[:4096])
        except s4_codec.S4StateError:
            pass
        ctx = L.create_decompression_context()
        L.decompress_update(ctx, frame[:100000])
        L.unmarshal_decompression_context(L.marshal_decompression_context(ctx))
        L.clone_decompression_context(ctx)
        try:
            L.unmarshal_decompression_context(b"S4CS" + b"\0" * 80)
        except L.Lz4FramedError:
            pass

    for _ in range(50):
        round_trip()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(300):
        round_trip()
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 8 * 1024, grown_kib


# ---------------------------------------------------------------- GIL


@pytest.mark.parametrize("codec", CODECS)
def test_python_threads_run_during_streaming_decode_and_index_reads(codec, tmp_path):
    from test_s4_codec_threads import _long_call, _python_ran_during

    def decode_call(k):
        c = compress(codec, DATA * k)
        return lambda: s4_codec.Decompressor(codec).decompress(c)

    assert _python_ran_during(_long_call(decode_call)), "Decompressor.decompress holds the GIL"
    path = str(tmp_path / "big")
    with open(path, "wb") as f:
        f.write(compress(codec, DATA * 4))
    s4_codec.build_index(path, spacing=8 << 20)  # few checkpoints: long reads
    f = s4_codec.open(path)

    def read_call(k):
        n = min(len(DATA) * k, len(DATA) * 4)
        return lambda: (f.seek(1), f.read(n))

    assert _python_ran_during(_long_call(read_call)), "index reads hold the GIL"
    f.close()


def test_zstd_with_a_dictionary():
    from conftest import RAW_DICT
    zd = zstandard.ZstdCompressionDict(RAW_DICT, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
    cctx = zstandard.ZstdCompressor(level=3, dict_data=zd)
    part = 256 * 1024
    c = b"".join(cctx.compress(DATA[i:i + part]) for i in range(0, len(DATA), part))
    with pytest.raises(s4_codec.S4IoError):
        s4_codec.Decompressor("cpu-zstd").decompress(c)
    d = s4_codec.Decompressor("cpu-zstd", checkpoint_spacing=1, stop_at_checkpoint=True,
                              dictionary=RAW_DICT)
    out = d.decompress(c)
    for _ in range(3):
        out += d.decompress(b"")
    assert d.at_checkpoint and out == DATA[:len(out)]
    blob = d.save()
    with pytest.raises(s4_codec.S4StateError) as ei:
        s4_codec.Decompressor.load(blob, c[:4096])
    assert "dictionary" in str(ei.value)
    with pytest.raises(s4_codec.S4StateError):
        s4_codec.Decompressor.load(blob, c[:4096], dictionary=RAW_DICT[:-1] + b"?")
    x = s4_codec.Decompressor.load(blob, c[:4096], dictionary=bytearray(RAW_DICT))
    assert drain(x, c[x.consumed:]) == DATA[len(out):]
    y = s4_codec.Decompressor(dictionary=RAW_DICT).clone()  # not yet recognised: keeps it
    assert drain(y, c) == DATA


def test_threads_share_a_decompressor_and_read_one_file(tmp_path):
    import threading
    c = stream_of("cpu-lz4")
    d = s4_codec.Decompressor("cpu-lz4", checkpoint_spacing=SPACING)
    out = bytearray()
    stop = threading.Event()
    errors = []

    def observer():
        while not stop.is_set():
            try:
                s4_codec.inspect_state(d.save())
                d.clone()
                d.checkpoint()
            except Exception as e:  # pragma: no cover - reported below
                errors.append(e)

    watchers = [threading.Thread(target=observer) for _ in range(2)]
    for t in watchers:
        t.start()
    for i in range(0, len(c), 50000):
        out += d.decompress(c[i:i + 50000])
    stop.set()
    for t in watchers:
        t.join()
    assert not errors and bytes(out) == DATA

    path = str(tmp_path / "x.lz4")
    with open(path, "wb") as f:
        f.write(c)
    s4_codec.build_index(path, spacing=SPACING)
    results = {}

    def reader(k):
        rng = random.Random(k)
        with s4_codec.open(path) as f:
            ok = True
            for _ in range(20):
                off, n = rng.randrange(len(DATA)), rng.randrange(200000)
                f.seek(off)
                ok &= f.read(n) == DATA[off:off + n]
            results[k] = ok

    threads = [threading.Thread(target=reader, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {k: True for k in range(4)}
