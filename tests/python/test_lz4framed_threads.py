"""lz4framed threads (spec §4): codec calls on big inputs release the GIL, and one context
shared by threads is serialised by its own lock (no corruption)."""

import threading
import time

import lz4framed as L

BIG = b"".join(b"thread test line %d; " % i for i in range(1_500_000))  # ~33 MB


def _ticks_during(fn):
    """Pure-Python ticks counted while fn runs in another thread."""
    done = threading.Event()
    t = threading.Thread(target=lambda: (fn(), done.set()))
    ticks = 0
    t.start()
    while not done.is_set():
        time.perf_counter()
        ticks += 1
    t.join()
    return ticks


def _tick_rate():
    ticks, end = 0, time.perf_counter() + 0.05
    while time.perf_counter() < end:
        ticks += 1
    return ticks / 0.05


def test_gil_released_on_big_calls():
    frame = L.compress(BIG)
    ctx = L.create_compression_context()
    L.compress_begin(ctx)
    dctx = L.create_decompression_context()
    calls = [lambda: L.compress(BIG), lambda: L.decompress(frame),
             lambda: L.compress_update(ctx, BIG),
             lambda: L.decompress_update(dctx, frame, chunk_len=1 << 22)]
    for call in calls:
        start = time.perf_counter()
        call()
        alone = time.perf_counter() - start
        ticks = _ticks_during(call)
        # A caller holding the GIL would leave the ticker almost nothing (a few
        # switch intervals); released, it ticks at a good part of its free rate.
        assert ticks > 0.1 * _tick_rate() * alone, (ticks, alone)


def test_shared_context_is_serialised():
    ctx = L.create_decompression_context()
    frame = L.compress(BIG[:4_000_000], block_mode_linked=False)
    errors = []

    def worker(part):
        try:
            L.get_frame_info(ctx)
        except L.Lz4FramedError:
            pass
        except Exception as e:  # pragma: no cover
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    out = L.decompress_update(ctx, frame)
    for t in threads:
        t.join()
    assert not errors
    assert out[-1] == 0 and b"".join(out[:-1]) == BIG[:4_000_000]


def test_separate_contexts_in_parallel():
    frames = [L.compress(BIG[i::4]) for i in range(4)]
    results = [None] * 4

    def work(i):
        ctx = L.create_decompression_context()
        out = L.decompress_update(ctx, frames[i], chunk_len=1 << 20)
        results[i] = b"".join(out[:-1])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [BIG[i::4] for i in range(4)]


def _two_threads(fn):
    """(wall seconds, process CPU seconds) of fn run in two threads at once."""
    threads = [threading.Thread(target=fn) for _ in range(2)]
    w, c = time.perf_counter(), time.process_time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - w, time.process_time() - c


def test_two_threads_run_at_once():
    import hashlib
    import pytest
    frame = L.compress(BIG)
    tries = []
    def decompress_a_while():
        for _ in range(8):
            L.decompress(frame)

    for _ in range(3):
        wall, cpu = _two_threads(decompress_a_while)
        hwall, hcpu = _two_threads(lambda: hashlib.sha256(BIG * 2).digest())
        tries.append((round(cpu / wall, 2), round(hcpu / hwall, 2)))
        if cpu / wall > 1.3:  # impossible while one thread holds the GIL
            return
    # Fail only when the GIL-free control clearly ran two threads at once every
    # time and decompress clearly never did; on a busy machine, skip with the numbers.
    if all(h > 1.5 and d < 1.15 for d, h in tries):
        pytest.fail("the GIL-free control ran two threads at once, decompress did not: %s"
                    % tries)
    pytest.skip("no idle CPU to show parallelism: (decompress, sha256) CPU/wall %s" % tries)
