"""Repeated calls, including every error path, must not leak: Python objects
(tracemalloc, reference counts) or native memory (the process's resident set)."""

import gc
import sys
import tracemalloc

import pytest

import s4_codec
from conftest import CODEC_FACTORIES, text_data

ROUNDS = 400


def _exercise(codec, data, payload, n, crc, factory):
    """One round of every call shape, valid and failing, and a codec's whole life."""
    factory().compress(data)
    codec.compress(data)
    codec.compress(bytearray(data))
    codec.compress(memoryview(data))
    codec.decompress(payload, n, crc)
    out = bytearray(n)
    codec.decompress_into(payload, n, crc, out)
    for args, exc in (((payload, n, crc ^ 1, out), s4_codec.S4CrcMismatchError),
                      ((payload, n, crc, bytearray(n - 1)), ValueError),
                      ((payload, n, crc, data), TypeError)):
        try:
            codec.decompress_into(*args)
        except exc:
            pass
        else:
            raise AssertionError(f"decompress_into{args[1:3]} did not raise {exc}")
    s4_codec.crc32c(data)
    repr(codec)
    for args, exc in (
        ((payload, n, crc ^ 1), s4_codec.S4CrcMismatchError),
        ((payload, n + 1, crc), s4_codec.S4SizeMismatchError),
        ((payload, n - 1, crc), s4_codec.S4IoError),
        ((payload, 5 * 1024**3 + 1, crc), s4_codec.S4ManifestSizeExceedsLimitError),
        ((b"garbage!" * 4, n, crc), s4_codec.S4IoError),
        ((payload, -1, crc), OverflowError),
        (("text", n, crc), TypeError),
        ((payload,), TypeError),
    ):
        try:
            codec.decompress(*args)
        except exc:
            pass
        else:
            raise AssertionError(f"{args[1:]} did not raise {exc}")
    for ctor, exc in ((lambda: s4_codec.CpuZstdDict(b""), s4_codec.S4BackendError),
                      (lambda: s4_codec.CpuGzip(-1), OverflowError),
                      (lambda: s4_codec.CpuZstd(level="x"), TypeError)):
        try:
            ctor()
        except exc:
            pass


def _rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


@pytest.mark.parametrize("name", sorted(CODEC_FACTORIES))
def test_no_leaks_over_repeated_calls(name):
    codec = CODEC_FACTORIES[name]()
    data = text_data(20_000)
    payload, n, crc = codec.compress(data)
    gc.collect()  # objects of earlier tests (kept by tracebacks) must not go away mid-test
    refs_before = [sys.getrefcount(o) for o in (data, payload, codec, type(codec))]

    for _ in range(50):  # warm up caches, free lists and the context pool
        _exercise(codec, data, payload, n, crc, CODEC_FACTORIES[name])
    gc.collect()
    tracemalloc.start()
    snap_before = tracemalloc.take_snapshot()
    rss_before = _rss_bytes() if sys.platform.startswith("linux") else 0
    for _ in range(ROUNDS):
        _exercise(codec, data, payload, n, crc, CODEC_FACTORIES[name])
    gc.collect()
    snap_after = tracemalloc.take_snapshot()
    rss_after = _rss_bytes() if sys.platform.startswith("linux") else 0
    tracemalloc.stop()

    grown = sum(s.size_diff for s in snap_after.compare_to(snap_before, "filename"))
    assert grown < 64 * 1024, f"Python allocations grew by {grown} bytes over {ROUNDS} rounds"
    # Each round allocates about 20 codec calls' worth of native memory; a leak of even a
    # few bytes per call would show as ROUNDS * 20 * that. Allow for allocator noise.
    assert rss_after - rss_before < 4 * 1024 * 1024, f"RSS grew by {rss_after - rss_before} bytes"
    refs_after = [sys.getrefcount(o) for o in (data, payload, codec, type(codec))]
    assert refs_after == refs_before


def test_codec_objects_are_freed():
    import weakref

    # Every instance holds a reference to its (heap) type, so the type's reference count
    # tells how many instances are alive.
    cls = s4_codec.CpuZstd
    gc.collect()
    before = sys.getrefcount(cls)
    keep = [cls(level % 9 + 1) for level in range(100)]
    assert sys.getrefcount(cls) == before + 100
    for c in keep:
        c.compress(text_data(10_000))
    del keep, c
    gc.collect()
    assert sys.getrefcount(cls) == before
    with pytest.raises(TypeError):
        weakref.ref(cls())
