"""s4_codec.open(path).read() of a whole indexed file on 1 thread and on all cores.

    .venv/bin/python bench/python/bench_open_threads.py FILE.zst [FILE.gz FILE.lz4 ...]

Each FILE needs FILE.s4ci (`s4codec compress --index`, or `s4codec build-index`). Best of
--rounds alternating runs; prints MB/s of decompressed data and the speedup. The read returns a
new bytes object each time (its pages are faulted in by the decode), as a user's read() does.
"""
import argparse
import os
import time

import s4_codec


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    print(f"CPUs: {os.cpu_count()}")
    print("| file | size | threads=1 MB/s | threads=0 MB/s | speedup |")
    print("|---|--:|--:|--:|--:|")
    for path in args.files:
        best = {1: float("inf"), 0: float("inf")}
        size = 0
        for _ in range(args.rounds):
            for threads in (1, 0):
                with s4_codec.open(path, threads=threads) as f:
                    t0 = time.perf_counter()
                    data = f.read()
                    best[threads] = min(best[threads], time.perf_counter() - t0)
                size = len(data)
                del data
        print(f"| {os.path.basename(path)} | {size} | {size / best[1] / 1e6:.0f} | "
              f"{size / best[0] / 1e6:.0f} | {best[1] / best[0]:.2f} |")


if __name__ == "__main__":
    main()
