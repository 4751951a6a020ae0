#!/usr/bin/env python3
"""bench_indexed_gzip.py — the peer of table 6's cpu-gzip random reads.

indexed_gzip (PyPI; zran-style index: a 32 KiB window every `spacing` bytes
of output) on the same .gz file and the same 1 MiB reads at the same offsets
as s4c_bench's table 6 (the same xorshift64 sequence), so the medians compare
directly with `s4c_ckindex_read`. Prints the index build time, the exported
index size and the read latencies (median, p90).

    python3 bench/python/bench_indexed_gzip.py FILE.gz [--reads 200] [--spacing 4M]
        [--verify PLAIN]

Make FILE.gz as table 6 does (docs/benchmarks.md, "Resumable decoding").
"""
import argparse
import io
import os
import statistics
import sys
import time

MIB = 1 << 20


def parse_size(text):
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    if text[-1:].upper() in mult:
        return int(text[:-1]) * mult[text[-1:].upper()]
    return int(text)


def offsets(size, reads):
    """The offsets of table 6: xorshift64 from 0x9E3779B97F4A7C15, x % (size - 1 MiB)."""
    x = 0x9E3779B97F4A7C15
    mask = (1 << 64) - 1
    for _ in range(reads):
        x ^= (x << 13) & mask
        x ^= x >> 7
        x ^= (x << 17) & mask
        yield x % (size - MIB) if size > MIB else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gz")
    ap.add_argument("--reads", type=int, default=200)
    ap.add_argument("--spacing", default="4M")
    ap.add_argument("--verify", metavar="PLAIN", help="compare every read with this file")
    a = ap.parse_args()
    try:
        import indexed_gzip
    except ImportError:
        sys.exit("indexed_gzip is not installed (pip install indexed_gzip)")
    spacing = parse_size(a.spacing)
    t0 = time.perf_counter()
    f = indexed_gzip.IndexedGzipFile(a.gz, spacing=spacing, readbuf_size=MIB)
    f.build_full_index()
    t_build = time.perf_counter() - t0
    f.seek(0, os.SEEK_END)
    size = f.tell()
    exported = io.BytesIO()
    f.export_index(fileobj=exported)
    plain = open(a.verify, "rb") if a.verify else None
    lat = []
    for off in offsets(size, a.reads):
        t0 = time.perf_counter()
        f.seek(off)
        data = f.read(MIB)
        lat.append(time.perf_counter() - t0)
        if plain:
            plain.seek(off)
            if plain.read(MIB) != data:
                sys.exit(f"read at {off} differs from {a.verify}")
    lat.sort()
    comp = os.path.getsize(a.gz)
    print(f"indexed_gzip {indexed_gzip.__version__}: {a.gz}: {size} -> {comp} bytes, "
          f"spacing {spacing}")
    print(f"  index build {t_build:.2f} s, exported index {len(exported.getvalue())} bytes "
          f"({100.0 * len(exported.getvalue()) / comp:.3f}% of the compressed size)")
    print(f"  {a.reads} x 1 MiB reads: median {statistics.median(lat) * 1e3:.2f} ms, "
          f"p90 {lat[(len(lat) * 9) // 10] * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
