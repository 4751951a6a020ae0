"""lz4framed: repeated calls, success and error paths, leave no Python allocations behind
(tracemalloc) and do not grow the process (RSS, which also sees liblz4's and our decoder's
malloc)."""

import gc
import io
import tracemalloc

import lz4framed as L

DATA = b"".join(b"leak check %d " % i for i in range(20000))
FRAME = L.compress(DATA, checksum=True)


def _round():
    assert L.decompress(L.compress(DATA)) == DATA
    try:
        L.decompress(FRAME[:-7])
    except ValueError:
        pass
    try:
        L.decompress(b"garbage garbage")
    except L.Lz4FramedError:
        pass
    try:
        L.compress(b"")
    except L.Lz4FramedNoDataError:
        pass
    c = L.create_compression_context()
    L.compress_begin(c, checksum=True)
    L.compress_update(c, DATA)
    L.compress_end(c)
    d = L.create_decompression_context()
    L.decompress_update(d, FRAME, chunk_len=5000)
    L.get_frame_info(d)
    try:
        L.decompress_update(d, b"\xff" * 20)
    except L.Lz4FramedError:
        pass
    try:
        L.get_frame_info(L.create_decompression_context())
    except L.Lz4FramedError:
        pass
    buf = io.BytesIO()
    with L.Compressor(buf) as comp:
        comp.update(DATA)
    b"".join(L.Decompressor(io.BytesIO(buf.getvalue())))


def _rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def test_no_leaks():
    for _ in range(20):
        _round()
    gc.collect()
    rss0 = _rss_kib()
    tracemalloc.start()
    snap0 = tracemalloc.take_snapshot()
    for _ in range(300):
        _round()
    gc.collect()
    snap1 = tracemalloc.take_snapshot()
    tracemalloc.stop()
    grown = sum(s.size_diff for s in snap1.compare_to(snap0, "filename"))
    assert grown < 64 * 1024, grown
    assert _rss_kib() - rss0 < 8 * 1024
