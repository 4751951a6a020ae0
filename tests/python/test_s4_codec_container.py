"""S4's container functions of s4_codec (s4-compat.md §3-4, §7.2): read_frame, frame_iter,
decode_index, encode_s4_object, bind_index, pick_chunk_size; golden bytes, key orders, every
frame and index error with its message, frame counts at the chunk-size edges."""

import os
import re
import shutil
import struct
import subprocess
import sys

import pytest

import s4_codec
from conftest import text_data

MiB = 1 << 20

#: s4-compat.md §3.1: encode_s4_object(b"hello") -> this 42-byte body.
HELLO_BODY = bytes.fromhex(
    "53344632 01000000 0500000000000000 0e00000000000000 4cbb719a 28b52ffd005829000068656c6c6f"
    .replace(" ", "")
)
HELLO_HEADER = {"codec": "cpu-zstd", "original_size": 5, "compressed_size": 14, "crc32c": 2591144780}


def index_header(version, n, total_original=0, total_padded=0):
    return b"S4IX" + struct.pack("<IQQQ", version, n, total_original, total_padded)


def entry(orig_off, orig_size, comp_off, comp_size):
    return struct.pack("<QQQQ", orig_off, orig_size, comp_off, comp_size)


#: s4-compat.md §4.1: an unbound v2 sidecar, 2 entries, total_orig 180, padded 200, 108 bytes.
V2_ENTRIES = [(0, 100, 0, 60), (100, 80, 60, 50)]
V2_SIDECAR = (
    index_header(2, 2, 180, 200)
    + struct.pack("<QI", 0, 0)
    + b"".join(entry(*e) for e in V2_ENTRIES)
)
V2_DECODED = {
    "total_padded_size": 200,
    "total_original_size": 180,
    "source_etag": None,
    "source_compressed_size": None,
    "entries": [
        {"original_offset": 0, "original_size": 100, "compressed_offset": 0, "compressed_size": 60},
        {"original_offset": 100, "original_size": 80, "compressed_offset": 60, "compressed_size": 50},
    ],
    "sse": None,
}


# ---------------------------------------------------------------- constants


def test_constants():
    assert s4_codec.FRAME_MAGIC == b"S4F2"
    assert s4_codec.PADDING_MAGIC == b"S4P1"
    assert s4_codec.FRAME_HEADER_BYTES == 28
    assert s4_codec.SIDECAR_SUFFIX == ".s4index"


# ---------------------------------------------------------------- encode_s4_object


def test_encode_hello_golden_body():
    r = s4_codec.encode_s4_object(b"hello")
    assert list(r) == ["body", "sidecar", "metadata"]
    assert r["body"] == HELLO_BODY and len(r["body"]) == 42
    assert r["sidecar"] is None
    assert list(r["metadata"].items()) == [
        ("s4-codec", "cpu-zstd"),
        ("s4-original-size", "5"),
        ("s4-compressed-size", "42"),
        ("s4-crc32c", "2591144780"),
        ("s4-framed", "true"),
    ]


@pytest.mark.parametrize("kind", [bytearray, memoryview])
def test_encode_accepts_bytes_like(kind):
    assert s4_codec.encode_s4_object(kind(b"hello"))["body"] == HELLO_BODY
    assert s4_codec.encode_s4_object(data=kind(b"hello"), codec="cpu-zstd", level=3)["body"] == HELLO_BODY


def test_encode_empty():
    r = s4_codec.encode_s4_object(b"")
    assert r == {
        "body": b"",
        "sidecar": None,
        "metadata": {
            "s4-codec": "cpu-zstd",
            "s4-original-size": "0",
            "s4-compressed-size": "0",
            "s4-crc32c": "0",
            "s4-framed": "true",
        },
    }
    assert s4_codec.frame_iter(r["body"]) == []


def test_encode_passthrough_is_raw_and_unframed():
    data = text_data(3000)
    r = s4_codec.encode_s4_object(data, codec="passthrough")
    assert r["body"] == data
    assert r["sidecar"] is None
    assert list(r["metadata"].items()) == [
        ("s4-codec", "passthrough"),
        ("s4-original-size", "3000"),
        ("s4-compressed-size", "3000"),
        ("s4-crc32c", str(s4_codec.crc32c(data))),
    ]


@pytest.mark.parametrize("codec", ["cpu-gzip", "cpu-zstd-dict", "cpu-lz4", "nvcomp-zstd", "zstd", ""])
def test_encode_other_codecs_not_implemented(codec):
    with pytest.raises(NotImplementedError) as ei:
        s4_codec.encode_s4_object(b"hello", codec=codec)
    msg = str(ei.value)
    assert '"%s"' % codec in msg
    assert "must be written through the S4 gateway" in msg


def test_encode_argument_errors():
    with pytest.raises(TypeError):
        s4_codec.encode_s4_object("hello")
    with pytest.raises(TypeError):
        s4_codec.encode_s4_object(b"hello", codec=b"cpu-zstd")
    with pytest.raises(OverflowError):
        s4_codec.encode_s4_object(b"hello", threads=-1)
    with pytest.raises(OverflowError):
        s4_codec.encode_s4_object(b"hello", level=2**31)
    with pytest.raises(TypeError):
        s4_codec.encode_s4_object()


def test_encode_levels_clamp_like_cpuzstd():
    data = text_data(50000)
    for level in (-5, 0, 1, 3, 19, 22, 40):
        body = s4_codec.encode_s4_object(data, level=level)["body"]
        [(hdr, payload)] = s4_codec.frame_iter(body)
        assert payload == s4_codec.CpuZstd(level).compress(data)[0]


def _check_object(data, r, chunk):
    body = r["body"]
    frames = s4_codec.frame_iter(body)
    expected_frames = -(-len(data) // chunk)
    assert len(frames) == expected_frames
    out = b""
    for i, (hdr, payload) in enumerate(frames):
        piece = data[i * chunk : (i + 1) * chunk]
        assert hdr == {
            "codec": "cpu-zstd",
            "original_size": len(piece),
            "compressed_size": len(payload),
            "crc32c": s4_codec.crc32c(piece),
        }
        out += s4_codec.CpuZstd().decompress(payload, hdr["original_size"], hdr["crc32c"])
    assert out == data
    meta = r["metadata"]
    assert meta["s4-original-size"] == str(len(data))
    assert meta["s4-compressed-size"] == str(len(body))
    assert meta["s4-crc32c"] == str(s4_codec.crc32c(data))
    if expected_frames > 1:
        idx = s4_codec.decode_index(r["sidecar"])
        assert idx["total_padded_size"] == len(body)
        assert idx["total_original_size"] == len(data)
        assert idx["source_etag"] is None and idx["source_compressed_size"] is None
        assert len(idx["entries"]) == expected_frames
        pos = 0
        for i, (e, (hdr, payload)) in enumerate(zip(idx["entries"], frames)):
            assert e == {
                "original_offset": i * chunk,
                "original_size": hdr["original_size"],
                "compressed_offset": pos,
                "compressed_size": 28 + len(payload),
            }
            pos += 28 + len(payload)
    else:
        assert r["sidecar"] is None


@pytest.mark.parametrize(
    "size,chunk",
    [
        (1, MiB),
        (MiB - 1, MiB),
        (MiB, MiB),
        (MiB + 1, 4 * MiB),
        (4 * MiB, 4 * MiB),
        (4 * MiB + 1, 4 * MiB),
        (8 * MiB + 1, 4 * MiB),
    ],
)
def test_encode_frame_counts_at_chunk_edges(size, chunk):
    data = text_data(size, seed=size)
    _check_object(data, s4_codec.encode_s4_object(data), chunk)


def test_encode_threads_byte_identical():
    data = text_data(9 * MiB, seed=7)
    one = s4_codec.encode_s4_object(data, threads=1)
    two = s4_codec.encode_s4_object(data, threads=2)
    default = s4_codec.encode_s4_object(data)
    assert one == two == default
    assert len(s4_codec.frame_iter(one["body"])) == 3


# ---------------------------------------------------------------- read_frame / frame_iter


def test_read_frame_hello():
    hdr, payload, rest = s4_codec.read_frame(HELLO_BODY + b"tail")
    assert list(hdr) == ["codec", "original_size", "compressed_size", "crc32c"]
    assert hdr == HELLO_HEADER
    assert payload == HELLO_BODY[28:]
    assert rest == b"tail"
    assert s4_codec.read_frame(memoryview(bytearray(HELLO_BODY)))[2] == b""


def test_frame_iter_skips_padding():
    pad = b"S4P1" + struct.pack("<Q", 5) + bytes(5)
    frames = s4_codec.frame_iter(pad + HELLO_BODY + pad + pad + HELLO_BODY + pad)
    assert [list(h) for h, _ in frames] == [list(HELLO_HEADER)] * 2
    assert frames == [(HELLO_HEADER, HELLO_BODY[28:])] * 2
    assert s4_codec.frame_iter(pad) == []
    assert s4_codec.frame_iter(b"") == []
    assert s4_codec.frame_iter(bytearray(HELLO_BODY)) == [(HELLO_HEADER, HELLO_BODY[28:])]


def _replace(b, off, new):
    return b[:off] + new + b[off + len(new) :]


FRAME_ERRORS = [
    (b"abc", "FRAME_TOO_SHORT", "frame too short: need at least 28 bytes, have 3"),
    (HELLO_BODY[:27], "FRAME_TOO_SHORT", "frame too short: need at least 28 bytes, have 27"),
    (
        _replace(HELLO_BODY, 0, b"S4F1"),
        "FRAME_BAD_MAGIC",
        "bad frame magic: expected [83, 52, 70, 50], got [83, 52, 70, 49]",
    ),
    (
        _replace(HELLO_BODY, 4, struct.pack("<I", 9)),
        "FRAME_UNKNOWN_CODEC",
        "unknown codec id 9 in frame header (decoder out of date?)",
    ),
    (HELLO_BODY[:-1], "FRAME_PAYLOAD_TRUNCATED", "frame compressed_size 14 exceeds remaining buffer 13"),
    (
        _replace(HELLO_BODY, 16, struct.pack("<Q", 2**64 - 1)),
        "FRAME_PAYLOAD_TRUNCATED",
        "frame compressed_size 18446744073709551615 exceeds remaining buffer 14",
    ),
]


@pytest.mark.parametrize("data,status,text", FRAME_ERRORS)
def test_read_frame_errors(data, status, text):
    with pytest.raises(s4_codec.S4FrameError) as ei:
        s4_codec.read_frame(data)
    assert str(ei.value) == "frame error: " + text
    assert ei.value.status == "S4C_ERROR_" + status
    assert isinstance(ei.value, s4_codec.S4Error) and isinstance(ei.value, ValueError)
    # frame_iter reports the same error for the same bytes after a good frame.
    with pytest.raises(s4_codec.S4FrameError) as ei2:
        s4_codec.frame_iter(HELLO_BODY + data)
    assert str(ei2.value) == str(ei.value)


ITER_ERRORS = [
    (b"S4", "FRAME_TOO_SHORT", "frame too short: need at least 28 bytes, have 2"),
    (b"S4P1abc", "FRAME_TOO_SHORT", "frame too short: need at least 28 bytes, have 7"),
    (
        b"S4P1" + struct.pack("<Q", 5) + b"ab",
        "FRAME_PAYLOAD_TRUNCATED",
        "frame compressed_size 5 exceeds remaining buffer 2",
    ),
]


@pytest.mark.parametrize("tail,status,text", ITER_ERRORS)
def test_frame_iter_errors_raise_without_partial_list(tail, status, text):
    with pytest.raises(s4_codec.S4FrameError) as ei:
        s4_codec.frame_iter(HELLO_BODY + HELLO_BODY + tail)
    assert str(ei.value) == "frame error: " + text
    assert ei.value.status == "S4C_ERROR_" + status


def test_frame_iter_stops_at_a_bad_frame_mid_body():
    bad = _replace(HELLO_BODY, 0, b"XXXX")
    with pytest.raises(s4_codec.S4FrameError, match=r"^frame error: bad frame magic: "):
        s4_codec.frame_iter(HELLO_BODY + bad + HELLO_BODY)


def test_frame_functions_argument_types():
    for f in (s4_codec.read_frame, s4_codec.frame_iter, s4_codec.decode_index):
        with pytest.raises(TypeError):
            f("S4F2")
        with pytest.raises(TypeError):
            f()


# ---------------------------------------------------------------- decode_index


def test_decode_index_v2_example():
    assert len(V2_SIDECAR) == 108
    assert V2_SIDECAR.hex().startswith(
        "53344958" "02000000" "0200000000000000" "b400000000000000" "c800000000000000"
        "0000000000000000" "00000000"
    )
    d = s4_codec.decode_index(V2_SIDECAR)
    assert d == V2_DECODED
    assert list(d) == list(V2_DECODED)
    for e in d["entries"]:
        assert list(e) == ["original_offset", "original_size", "compressed_offset", "compressed_size"]
    assert s4_codec.decode_index(bytearray(V2_SIDECAR)) == V2_DECODED


def test_decode_index_v1_and_total_original_recomputed():
    v1 = index_header(1, 2, 999, 200) + b"".join(entry(*e) for e in V2_ENTRIES)
    assert s4_codec.decode_index(v1) == V2_DECODED


def test_decode_index_v3_sse():
    etag = b'"abc"'
    sse = struct.pack("<IIH", 65536, 3, 7) + b"saltsalt" + struct.pack("<QI", 150000, 24)
    v3 = index_header(3, 2, 180, 200) + struct.pack("<QI", 200, len(etag)) + etag + sse
    v3 += b"".join(entry(*e) for e in V2_ENTRIES)
    d = s4_codec.decode_index(v3)
    assert list(d) == list(V2_DECODED)
    assert d["source_etag"] == '"abc"'
    assert d["source_compressed_size"] == 200
    assert list(d["sse"].items()) == [
        ("enc_chunk_size", 65536),
        ("enc_chunk_count", 3),
        ("enc_key_id", 7),
        ("enc_salt", b"saltsalt"),
        ("enc_plaintext_len", 150000),
        ("enc_header_bytes", 24),
    ]
    # A zero chunk size means no binding; a non-UTF-8 etag decodes as None.
    v3_none = _replace(v3, 44 + len(etag), struct.pack("<I", 0))
    assert s4_codec.decode_index(v3_none)["sse"] is None
    bad_etag = _replace(v3, 44, b"\xff")
    assert s4_codec.decode_index(bad_etag)["source_etag"] is None


INDEX_ERRORS = [
    (b"S4IX", "INDEX_TOO_SHORT", "index too short: 4 bytes"),
    (b"S4IY" + bytes(28), "INDEX_BAD_MAGIC", "bad index magic: [83, 52, 73, 89]"),
    (
        index_header(2, 2**24 + 1),
        "INDEX_TOO_MANY_FRAMES",
        "frame index entry count 16777217 exceeds MAX_FRAMES=16777216",
    ),
    (index_header(2, 0) + bytes(11), "INDEX_TOO_SHORT", "index too short: 11 bytes"),
    (
        index_header(2, 0) + struct.pack("<QI", 0, 4097),
        "INDEX_ETAG_TOO_LONG",
        "sidecar etag_len 4097 exceeds MAX_ETAG_BYTES=4096",
    ),
    (index_header(2, 0) + struct.pack("<QI", 0, 5) + b"ab", "INDEX_TOO_SHORT", "index too short: 2 bytes"),
    (index_header(3, 0) + struct.pack("<QI", 0, 0) + bytes(29), "INDEX_TOO_SHORT", "index too short: 29 bytes"),
    (index_header(4, 0), "INDEX_UNSUPPORTED_VERSION", "unsupported index version 4 (this build supports 3)"),
    (index_header(1, 1) + bytes(31), "INDEX_ENTRY_COUNT_MISMATCH", "entry count 1 doesn't match buffer remaining 31"),
    (
        index_header(1, 1) + entry(2**64 - 1, 1, 0, 1),
        "INDEX_ENTRY_OVERFLOW",
        "index entry 0 overflows u64: original offset 18446744073709551615 + size 1",
    ),
    (
        index_header(1, 2) + entry(0, 10, 0, 10) + entry(5, 10, 10, 10),
        "INDEX_NON_MONOTONIC",
        "index entries not monotonic: entry 1 original offset 5 < previous end 10",
    ),
]


@pytest.mark.parametrize("data,status,text", INDEX_ERRORS)
def test_decode_index_errors(data, status, text):
    with pytest.raises(s4_codec.S4IndexError) as ei:
        s4_codec.decode_index(data)
    assert str(ei.value) == "index error: " + text
    assert ei.value.status == "S4C_ERROR_" + status
    assert isinstance(ei.value, s4_codec.S4Error)
    # bind_index decodes first: the same error.
    with pytest.raises(s4_codec.S4IndexError) as ei2:
        s4_codec.bind_index(data, 1)
    assert str(ei2.value) == str(ei.value)


# ---------------------------------------------------------------- bind_index


def test_bind_index_round_trip():
    bound = s4_codec.bind_index(V2_SIDECAR, 200, '"etag-1"')
    assert len(bound) == 108 + len('"etag-1"')
    d = s4_codec.decode_index(bound)
    assert d == {**V2_DECODED, "source_etag": '"etag-1"', "source_compressed_size": 200}
    assert list(d) == list(V2_DECODED)
    # Re-binding replaces the binding; 0 and "" round-trip to None.
    assert s4_codec.bind_index(bound, 0, "") == V2_SIDECAR
    assert s4_codec.bind_index(bound, 0) == V2_SIDECAR
    assert s4_codec.bind_index(sidecar=bytearray(V2_SIDECAR), source_compressed_size=0) == V2_SIDECAR
    # Non-ASCII etags are stored as UTF-8.
    assert s4_codec.decode_index(s4_codec.bind_index(V2_SIDECAR, 5, "é"))["source_etag"] == "é"


def test_bind_index_v1_becomes_v2_and_v3_keeps_sse():
    v1 = index_header(1, 2, 180, 200) + b"".join(entry(*e) for e in V2_ENTRIES)
    assert s4_codec.bind_index(v1, 0) == V2_SIDECAR
    sse = struct.pack("<IIH", 65536, 3, 7) + b"saltsalt" + struct.pack("<QI", 150000, 24)
    v3 = index_header(3, 2, 180, 200) + struct.pack("<QI", 0, 0) + sse + b"".join(entry(*e) for e in V2_ENTRIES)
    b = s4_codec.bind_index(v3, 200, "x")
    assert b[4:8] == struct.pack("<I", 3)
    d = s4_codec.decode_index(b)
    assert d["sse"] == s4_codec.decode_index(v3)["sse"] and d["source_etag"] == "x"


def test_bind_index_encoded_object_sidecar():
    data = text_data(5 * MiB, seed=3)
    r = s4_codec.encode_s4_object(data)
    bound = s4_codec.bind_index(r["sidecar"], len(r["body"]), '"0123"')
    d = s4_codec.decode_index(bound)
    assert d["source_compressed_size"] == len(r["body"])
    assert d["entries"] == s4_codec.decode_index(r["sidecar"])["entries"]


def test_bind_index_argument_errors():
    with pytest.raises(OverflowError):
        s4_codec.bind_index(V2_SIDECAR, -1)
    with pytest.raises(TypeError):
        s4_codec.bind_index(V2_SIDECAR, 1, b"etag")
    with pytest.raises(TypeError):
        s4_codec.bind_index(V2_SIDECAR)
    with pytest.raises(s4_codec.S4IndexError, match="^index error: sidecar etag_len 4097"):
        s4_codec.bind_index(V2_SIDECAR, 1, "e" * 4097)


# ---------------------------------------------------------------- pick_chunk_size


@pytest.mark.parametrize(
    "n,chunk",
    [
        (0, MiB),
        (1, MiB),
        (MiB, MiB),
        (MiB + 1, 4 * MiB),
        (100 * MiB, 4 * MiB),
        (100 * MiB + 1, 16 * MiB),
        (2**64 - 1, 16 * MiB),
    ],
)
def test_pick_chunk_size_table(n, chunk):
    assert s4_codec.pick_chunk_size(n) == chunk
    assert s4_codec.pick_chunk_size(content_length=n) == chunk


def test_pick_chunk_size_argument_errors():
    with pytest.raises(OverflowError):
        s4_codec.pick_chunk_size(-1)
    with pytest.raises(OverflowError):
        s4_codec.pick_chunk_size(2**64)
    with pytest.raises(TypeError):
        s4_codec.pick_chunk_size(1.0)


# ---------------------------------------------------------------- GIL and leaks


def test_python_threads_run_during_encode():
    from test_s4_codec_threads import _long_call, _python_ran_during

    base = text_data(2 * MiB, seed=11)
    for threads in (1, 2):
        call = _long_call(lambda k, t=threads: (lambda big=base * k: s4_codec.encode_s4_object(big, threads=t)))
        assert _python_ran_during(call), "encode_s4_object holds the GIL (threads=%d)" % threads


def _exercise_container(body, sidecar):
    s4_codec.encode_s4_object(b"hello")
    s4_codec.encode_s4_object(bytearray(b"hello"), codec="passthrough")
    s4_codec.read_frame(body)
    s4_codec.frame_iter(body)
    s4_codec.decode_index(sidecar)
    s4_codec.bind_index(sidecar, 7, '"e"')
    s4_codec.pick_chunk_size(12345)
    for call, exc in (
        (lambda: s4_codec.encode_s4_object(b"x", codec="cpu-gzip"), NotImplementedError),
        (lambda: s4_codec.encode_s4_object(b"x", level="3"), TypeError),
        (lambda: s4_codec.read_frame(body[:30]), s4_codec.S4FrameError),
        (lambda: s4_codec.frame_iter(body + b"S4"), s4_codec.S4FrameError),
        (lambda: s4_codec.frame_iter(body + _replace(body, 0, b"XXXX")), s4_codec.S4FrameError),
        (lambda: s4_codec.decode_index(sidecar[:-1]), s4_codec.S4IndexError),
        (lambda: s4_codec.bind_index(sidecar[:20], 1), s4_codec.S4IndexError),
        (lambda: s4_codec.bind_index(sidecar, 1, "e" * 5000), s4_codec.S4IndexError),
        (lambda: s4_codec.pick_chunk_size(-1), OverflowError),
    ):
        try:
            call()
        except exc:
            pass
        else:
            raise AssertionError("did not raise %s" % exc)


def test_container_functions_do_not_leak():
    import gc
    import sys
    import tracemalloc

    body = HELLO_BODY * 3
    sidecar = V2_SIDECAR
    refs_before = [sys.getrefcount(o) for o in (body, sidecar)]
    tracemalloc.start()
    try:
        for _ in range(200):  # warm-up: free lists, caches, the interpreter's lazy allocations
            _exercise_container(body, sidecar)
        # A leak grows in every window; a one-time allocation of the interpreter (seen once,
        # about 1 MB, at a varying point) lands in one window only.
        grown = []
        gc.collect()
        before = tracemalloc.take_snapshot()
        for _ in range(2):
            for _ in range(300):
                _exercise_container(body, sidecar)
            gc.collect()
            after = tracemalloc.take_snapshot()
            grown.append(sum(s.size_diff for s in after.compare_to(before, "filename")))
            before = after
    finally:
        tracemalloc.stop()
    assert min(grown) < 64 * 1024, "Python allocations grew by %s bytes per 300 rounds" % grown
    assert [sys.getrefcount(o) for o in (body, sidecar)] == refs_before


# ---------------------------------------------------------------- valgrind

VALGRIND_SCRIPT = """
import struct
import s4_codec
data = bytes(range(256)) * 40 + b"tail" * 3000
for threads in (1, 2):
    r = s4_codec.encode_s4_object(bytearray(data * 120), threads=threads)
    assert r["sidecar"] is None
r = s4_codec.encode_s4_object(data, codec="passthrough")
body = s4_codec.encode_s4_object(data)["body"]
hdr, payload, rest = s4_codec.read_frame(memoryview(body))
frames = s4_codec.frame_iter(body + b"S4P1" + struct.pack("<Q", 3) + bytes(3) + body)
assert len(frames) == 2
side = (b"S4IX" + struct.pack("<IQQQ", 2, 2, 180, 200) + struct.pack("<QI", 0, 0)
        + struct.pack("<QQQQ", 0, 100, 0, 60) + struct.pack("<QQQQ", 100, 80, 60, 50))
d = s4_codec.decode_index(side)
b = s4_codec.bind_index(side, 200, '"etag"')
assert s4_codec.decode_index(b)["source_etag"] == '"etag"'
s4_codec.pick_chunk_size(5)
for bad in (lambda: s4_codec.read_frame(body[:-1]), lambda: s4_codec.read_frame(b"abc"),
            lambda: s4_codec.frame_iter(body + b"S4"), lambda: s4_codec.decode_index(side[:-1]),
            lambda: s4_codec.decode_index(side[:40]), lambda: s4_codec.bind_index(side[:33], 1),
            lambda: s4_codec.bind_index(side, 1, "e" * 5000),
            lambda: s4_codec.encode_s4_object(b"x", codec="cpu-gzip")):
    try:
        bad()
    except (ValueError, NotImplementedError):
        pass
print("done")
"""

_OURS = re.compile(
    r"\b(s4c_|s4py_|_s4codec|container\.c|py_(read_frame|frame_iter|decode_index|encode_s4_object|"
    r"bind_index|pick_chunk_size))"
)


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_container_functions_under_valgrind(tmp_path):
    # As test_s4_codec_valgrind.py: only reports whose stack passes through our code count.
    script = tmp_path / "run.py"
    script.write_text(VALGRIND_SCRIPT)
    r = subprocess.run(
        ["valgrind", "--leak-check=full", "--show-leak-kinds=definite", "--num-callers=40",
         sys.executable, str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONMALLOC": "malloc"},
        timeout=300,
    )
    assert r.returncode == 0 and r.stdout.strip() == "done", r.stdout + r.stderr[-4000:]
    reports = re.split(r"^==\d+== ?\n", r.stderr, flags=re.M)
    ours = [rep for rep in reports if _OURS.search(rep) and re.search(
        r"Invalid|uninitialised|Conditional jump|definitely lost|Mismatched|overlap", rep)]
    assert not ours, "\n".join(ours)[:8000]
