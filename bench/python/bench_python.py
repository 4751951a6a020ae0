#!/usr/bin/env python3
"""bench/python/bench_python.py — the Python side of the benchmarks (issue 3).

Measures, in one run and on the shared corpus (docs/benchmarks.md, "Python"):

  A. each s4_codec class (compress, decompress) vs libs4codec's C API on the same
     input (64 MiB by default), the C API called in-process through ctypes on
     libs4codec.so; target: Python >= 0.95x the C API's speed;
  B. the same calls vs python-lz4 (lz4.frame), python-zstandard and stdlib gzip at
     matching settings (and lz4framed vs lz4.frame); target: faster than each;
  C. a 4 KiB round trip (compress + decompress) per call; target: less time
     than python-lz4 and python-zstandard;
  D. 2 threads vs 1 on 8 MiB inputs, every class; target: >= 1.8x.

Every figure is the best of N rounds; within a round every contender of a group
runs once, the order reversing each round, so a burst of load hits all alike.
Calls shorter than --min-sample are repeated inside a sample. Targets are
printed as PASS/MISS, never asserted; the exit status is non-zero only when an
output is wrong (a round trip that does not give the input back, or Python and
C payloads that differ).

  .venv/bin/python bench/python/bench_python.py --corpus corpus/ --lib build-bench/libs4codec.so
  bench/python/run.sh            # builds libs4codec.so and the corpus first, then runs this
  ... --quick                    # 1 MiB inputs, 3 rounds: a smoke run
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import gzip
import math
import os
import platform
import sys
import threading
import time
import zlib
from pathlib import Path

import s4_codec

try:
    import lz4framed
except ImportError:  # pragma: no cover - the package ships with s4_codec
    lz4framed = None
try:
    import lz4
    import lz4.frame
except ImportError:
    lz4 = None
try:
    import zstandard
except ImportError:
    zstandard = None

ROOT = Path(__file__).resolve().parents[2]
MiB = 1 << 20
KiB = 1 << 10

# ----------------------------------------------------------------- helpers


def parse_size(text: str) -> int:
    text = text.strip().upper()
    mult = 1
    for suffix, m in (("K", KiB), ("M", MiB), ("G", 1 << 30)):
        if text.endswith(suffix):
            text, mult = text[:-1], m
            break
    return int(float(text) * mult)


def fmt_size(n: int) -> str:
    if n >= MiB:
        v = n / MiB
        return f"{v:.0f} MiB" if v == int(v) else f"{v:.1f} MiB"
    if n >= KiB:
        return f"{n / KiB:.0f} KiB"
    return f"{n} B"


def mbps(nbytes: int, seconds: float) -> float:
    return nbytes / seconds / 1e6


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


class Timer:
    """Best-of-N, interleaved timing of groups of contenders."""

    def __init__(self, rounds: int, min_sample: float):
        self.rounds = rounds
        self.min_sample = min_sample

    def best(self, contenders: list[tuple[str, object]]) -> dict[str, float]:
        """contenders: [(name, fn)]; returns {name: best seconds per call}."""
        reps = {}
        for name, fn in contenders:  # warm-up and calibration
            t0 = time.perf_counter()
            fn()
            t = time.perf_counter() - t0
            reps[name] = max(1, math.ceil(self.min_sample / max(t, 1e-7)))
        best = {name: math.inf for name, _ in contenders}
        gc_was = gc.isenabled()
        gc.disable()
        try:
            for r in range(self.rounds):
                order = contenders if r % 2 == 0 else contenders[::-1]
                for name, fn in order:
                    n = reps[name]
                    t0 = time.perf_counter_ns()
                    for _ in range(n):
                        fn()
                    dt = (time.perf_counter_ns() - t0) / 1e9 / n
                    if dt < best[name]:
                        best[name] = dt
        finally:
            if gc_was:
                gc.enable()
        return best


class Failures:
    def __init__(self):
        self.items: list[str] = []

    def check(self, ok: bool, what: str) -> None:
        if not ok:
            self.items.append(what)
            print(f"ERROR: {what}", file=sys.stderr)


def print_table(title: str, note: str, header: list[str], rows: list[list[str]]) -> None:
    print(f"\n### {title}\n")
    if note:
        print(note + "\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


# ------------------------------------------------------------- the C API


class CApi:
    """libs4codec's public C API through ctypes: s4c_compress / s4c_decompress
    with codecs created once and output buffers allocated once (pre-faulted),
    as a C program calls it in a loop. `fresh=True` calls allocate the output
    with malloc per call instead (what the Python binding must do: every call
    returns a new bytes object)."""

    KINDS = {"cpu-zstd": 1, "cpu-gzip": 7, "cpu-zstd-dict": 8, "cpu-lz4": 64}

    class Manifest(ctypes.Structure):
        _fields_ = [
            ("codec", ctypes.c_uint32),
            ("original_size", ctypes.c_uint64),
            ("compressed_size", ctypes.c_uint64),
            ("crc32c", ctypes.c_uint32),
        ]

    # The stable prefix of s4c_codec_options; later fields (appended over time)
    # stay as s4c_codec_options_init() set them, in the bytes that follow.
    class OptionsPrefix(ctypes.Structure):
        _fields_ = [
            ("struct_size", ctypes.c_size_t),
            ("level", ctypes.c_int),
            ("dict", ctypes.c_void_p),
            ("dict_size", ctypes.c_size_t),
            ("lz4_block_size_id", ctypes.c_int),
            ("lz4_block_linked", ctypes.c_int),
            ("lz4_content_checksum", ctypes.c_int),
            ("lz4_block_checksum", ctypes.c_int),
            ("lz4_content_size", ctypes.c_int),
        ]

    def __init__(self, path: Path):
        self.path = path
        lib = ctypes.CDLL(str(path))
        self.lib = lib
        vp, sz = ctypes.c_void_p, ctypes.c_size_t
        lib.s4c_version_string.restype = ctypes.c_char_p
        lib.s4c_status_name.restype = ctypes.c_char_p
        lib.s4c_status_name.argtypes = [ctypes.c_int]
        lib.s4c_codec_options_init.argtypes = [vp]
        lib.s4c_codec_create.argtypes = [ctypes.c_uint32, vp, ctypes.POINTER(vp), vp]
        lib.s4c_codec_create.restype = ctypes.c_int
        lib.s4c_codec_free.argtypes = [vp]
        lib.s4c_codec_level.argtypes = [vp]
        lib.s4c_compress_bound.argtypes = [vp, sz]
        lib.s4c_compress_bound.restype = sz
        lib.s4c_compress.argtypes = [vp, ctypes.c_char_p, sz, vp, sz, vp, vp]
        lib.s4c_compress.restype = ctypes.c_int
        lib.s4c_decompress.argtypes = [vp, vp, ctypes.c_char_p, sz, vp, sz, vp, vp]
        lib.s4c_decompress.restype = ctypes.c_int
        self.version = lib.s4c_version_string().decode()
        libc = ctypes.CDLL(None)
        libc.malloc.restype = vp
        libc.malloc.argtypes = [sz]
        libc.free.argtypes = [vp]
        self.libc = libc
        self.detail = ctypes.create_string_buffer(4096)  # > sizeof(s4c_error_detail)
        self._keep: list[object] = []
        self.build_type = None
        cache = path.resolve().parent / "CMakeCache.txt"
        if cache.is_file():
            for line in cache.read_text(errors="replace").splitlines():
                if line.startswith("CMAKE_BUILD_TYPE:"):
                    self.build_type = line.split("=", 1)[1] or "(empty)"

    def _status(self, rc: int) -> str:
        return self.lib.s4c_status_name(rc).decode()

    def codec(self, name: str, level: int, dict_bytes: bytes | None = None) -> "CCodec":
        probe = ctypes.create_string_buffer(4096)
        self.lib.s4c_codec_options_init(probe)
        size = ctypes.c_size_t.from_buffer(probe).value
        if not ctypes.sizeof(self.OptionsPrefix) <= size <= 4096:
            raise RuntimeError(f"{self.path}: unexpected sizeof(s4c_codec_options) = {size}")
        opts = ctypes.create_string_buffer(probe.raw[:size], size)
        prefix = self.OptionsPrefix.from_buffer(opts)
        prefix.level = level
        if dict_bytes is not None:
            dbuf = ctypes.create_string_buffer(dict_bytes, len(dict_bytes))
            self._keep.append(dbuf)
            prefix.dict = ctypes.cast(dbuf, ctypes.c_void_p)
            prefix.dict_size = len(dict_bytes)
        handle = ctypes.c_void_p()
        rc = self.lib.s4c_codec_create(self.KINDS[name], opts, ctypes.byref(handle), self.detail)
        if rc != 0:
            raise RuntimeError(f"s4c_codec_create({name}): {self._status(rc)}")
        return CCodec(self, handle, name)


class CCodec:
    def __init__(self, api: CApi, handle: ctypes.c_void_p, name: str):
        self.api, self.handle, self.name = api, handle, name
        self.level = api.lib.s4c_codec_level(handle)
        self.manifest = CApi.Manifest()
        self.written = ctypes.c_size_t()
        self.dst: ctypes.Array | None = None
        self.out: ctypes.Array | None = None

    def prepare(self, src_size: int) -> None:
        """Allocates (and touches) the reused output buffers for `src_size` inputs."""
        bound = self.api.lib.s4c_compress_bound(self.handle, src_size)
        self.dst = ctypes.create_string_buffer(bound)
        self.out = ctypes.create_string_buffer(max(src_size, 1))

    def compress(self, data: bytes) -> tuple[int, int]:
        lib, m = self.api.lib, self.manifest
        rc = lib.s4c_compress(self.handle, data, len(data), self.dst, len(self.dst),
                              ctypes.byref(m), self.api.detail)
        if rc != 0:
            raise RuntimeError(f"s4c_compress: {self.api._status(rc)}")
        return m.compressed_size, m.crc32c

    def compress_fresh(self, data: bytes) -> None:
        lib, m = self.api.lib, self.manifest
        bound = lib.s4c_compress_bound(self.handle, len(data))
        dst = self.api.libc.malloc(bound)
        rc = lib.s4c_compress(self.handle, data, len(data), dst, bound, ctypes.byref(m), self.api.detail)
        self.api.libc.free(dst)
        if rc != 0:
            raise RuntimeError(f"s4c_compress: {self.api._status(rc)}")

    def payload(self) -> bytes:
        return self.dst.raw[: self.manifest.compressed_size]

    def set_manifest(self, payload: bytes, original_size: int, crc: int) -> None:
        m = self.manifest
        m.codec = CApi.KINDS[self.name]
        m.original_size, m.compressed_size, m.crc32c = original_size, len(payload), crc

    def decompress(self, payload: bytes) -> None:
        lib, m = self.api.lib, self.manifest
        rc = lib.s4c_decompress(self.handle, ctypes.byref(m), payload, len(payload), self.out,
                                len(self.out), ctypes.byref(self.written), self.api.detail)
        if rc != 0:
            raise RuntimeError(f"s4c_decompress: {self.api._status(rc)}")

    def decompress_fresh(self, payload: bytes) -> None:
        lib, m = self.api.lib, self.manifest
        n = max(m.original_size, 1)
        out = self.api.libc.malloc(n)
        rc = lib.s4c_decompress(self.handle, ctypes.byref(m), payload, len(payload), out, n,
                                ctypes.byref(self.written), self.api.detail)
        self.api.libc.free(out)
        if rc != 0:
            raise RuntimeError(f"s4c_decompress: {self.api._status(rc)}")

    def output(self) -> bytes:
        return self.out.raw[: self.written.value]


def find_lib(explicit: str | None) -> Path | None:
    cands = []
    if explicit:
        cands.append(Path(explicit))
    elif os.environ.get("S4C_LIB"):
        cands.append(Path(os.environ["S4C_LIB"]))
    else:
        cands += [ROOT / "build-bench" / "libs4codec.so", ROOT / "build" / "libs4codec.so"]
    for c in cands:
        if c.is_file():
            return c
    return None


# ----------------------------------------------------------------- peers


def peer_for(name: str, level: int, dict_bytes: bytes | None):
    """(label, compress(data) -> blob, decompress(blob, n) -> bytes) at matching settings."""
    if name in ("cpu-zstd", "cpu-zstd-dict") and zstandard is not None:
        if dict_bytes is not None:
            zd = zstandard.ZstdCompressionDict(dict_bytes)
            zd.precompute_compress(level=level)
            cctx = zstandard.ZstdCompressor(level=level, dict_data=zd)
            dctx = zstandard.ZstdDecompressor(dict_data=zd)
        else:
            cctx = zstandard.ZstdCompressor(level=level)  # content size, no checksum: S4's frame
            dctx = zstandard.ZstdDecompressor()
        return (f"zstandard {zstandard.__version__}", cctx.compress,
                lambda blob, n: dctx.decompress(blob, max_output_size=n))
    if name == "cpu-lz4" and lz4 is not None:
        # Our frame: 64 KiB independent blocks, no checksums. python-lz4's frame adds the
        # content size (store_size=True, its default), so its decompress sizes the output at
        # once, as ours does from original_size; the blocks are the same.
        def comp(data):
            return lz4.frame.compress(data, compression_level=level, block_size=lz4.frame.BLOCKSIZE_MAX64KB,
                                      block_linked=False, content_checksum=False, store_size=True)
        return f"lz4.frame {lz4.__version__}", comp, lambda blob, n: lz4.frame.decompress(blob)
    if name == "cpu-gzip":
        return (f"gzip (zlib {zlib.ZLIB_RUNTIME_VERSION})",
                lambda data: gzip.compress(data, compresslevel=level, mtime=0),
                lambda blob, n: gzip.decompress(blob))
    return None


# ---------------------------------------------------------------- sections


def make_codecs(dict_bytes: bytes):
    return [
        ("cpu-zstd", s4_codec.CpuZstd(level=3), None),
        ("cpu-gzip", s4_codec.CpuGzip(level=6), None),
        ("cpu-zstd-dict", s4_codec.CpuZstdDict(dict_bytes, level=3), dict_bytes),
        ("cpu-lz4", s4_codec.CpuLz4(), None),
    ]


def train_dict(sample_source: bytes) -> bytes:
    """16 KiB ZDICT dictionary from up to 2048 4 KiB records spread over the input."""
    n = len(sample_source) // 4096
    step = max(1, n // 2048)
    samples = [sample_source[i * 4096:(i + 1) * 4096] for i in range(0, n, step)][:2048]
    return s4_codec.train_dictionary(samples, 16 * KiB)


def bench_big(args, timer, capi, inputs, dicts, fails):
    rows_a, rows_b = [], []
    for fname, data in inputs:
        n = len(data)
        for name, codec, dict_bytes in make_codecs(dicts[fname]):
            level = codec.level
            payload, osize, crc = codec.compress(data)
            fails.check(osize == n and crc == s4_codec.crc32c(data), f"{fname} {name}: manifest")
            cc = None
            if capi is not None:
                cc = capi.codec(name, level, dict_bytes)
                cc.prepare(n)
                cc.compress(data)
                fails.check(cc.payload() == payload, f"{fname} {name}: C and Python payloads differ")
                cc.set_manifest(payload, n, crc)
            peer = peer_for(name, level, dict_bytes)
            pblob = peer[1](data) if peer else None
            into = bytearray(data)  # decompress_into's reused, already faulted-in output
            for op in ("compress", "decompress"):
                cont = []
                if op == "compress":
                    cont.append(("py", lambda: codec.compress(data)))
                    if cc:
                        cont.append(("c", lambda: cc.compress(data)))
                        cont.append(("c_fresh", lambda: cc.compress_fresh(data)))
                    if peer:
                        cont.append(("peer", lambda: peer[1](data)))
                else:
                    cont.append(("py", lambda: codec.decompress(payload, n, crc)))
                    cont.append(("py_into", lambda: codec.decompress_into(payload, n, crc, into)))
                    if cc:
                        cont.append(("c", lambda: cc.decompress(payload)))
                        cont.append(("c_fresh", lambda: cc.decompress_fresh(payload)))
                    if peer:
                        cont.append(("peer", lambda: peer[2](pblob, n)))
                best = timer.best(cont)
                py = mbps(n, best["py"])
                if cc:
                    c, cf = mbps(n, best["c"]), mbps(n, best["c_fresh"])
                    r = py / c
                    pi = mbps(n, best["py_into"]) if "py_into" in best else None
                    rows_a.append([fname, fmt_size(n), name, str(level), op, f"{py:.1f}", f"{c:.1f}",
                                   f"{r:.3f}", verdict(r >= 0.95), f"{cf:.1f}", f"{py / cf:.3f}",
                                   f"{pi:.1f}" if pi else "-", f"{pi / c:.3f}" if pi else "-"])
                if peer:
                    p = mbps(n, best["peer"])
                    r = py / p
                    rows_b.append([fname, fmt_size(n), name, str(level), op, f"{py:.1f}", peer[0],
                                   f"{p:.1f}", f"{r:.2f}", verdict(r > 1.0),
                                   str(len(payload)) if op == "compress" else "",
                                   str(len(pblob)) if op == "compress" else ""])
            # correctness of every contender's output, after timing
            fails.check(codec.decompress(payload, n, crc) == data, f"{fname} {name}: Python round trip")
            into[:] = bytes(n)
            codec.decompress_into(payload, n, crc, into)
            fails.check(into == data, f"{fname} {name}: decompress_into round trip")
            if cc:
                cc.decompress(payload)
                fails.check(cc.output() == data, f"{fname} {name}: C round trip")
            if peer:
                fails.check(peer[2](pblob, n) == data, f"{fname} {name}: peer round trip")
        if lz4framed is not None and lz4 is not None:
            # lz4framed (ours) vs lz4.frame, both at lz4framed's defaults: level 0, 64 KiB linked
            # blocks, content size, no checksum. Same liblz4 frame encoder on both sides.
            blob = lz4framed.compress(data)
            pblob = lz4.frame.compress(data, compression_level=0, block_size=lz4.frame.BLOCKSIZE_MAX64KB,
                                       block_linked=True, content_checksum=False, store_size=True)
            for op, ours, theirs in (
                ("compress", lambda: lz4framed.compress(data),
                 lambda: lz4.frame.compress(data, compression_level=0, block_size=lz4.frame.BLOCKSIZE_MAX64KB,
                                            block_linked=True, content_checksum=False, store_size=True)),
                ("decompress", lambda: lz4framed.decompress(blob), lambda: lz4.frame.decompress(pblob)),
            ):
                best = timer.best([("py", ours), ("peer", theirs)])
                py, p = mbps(n, best["py"]), mbps(n, best["peer"])
                rows_b.append([fname, fmt_size(n), "lz4framed", "0", op, f"{py:.1f}",
                               f"lz4.frame {lz4.__version__}", f"{p:.1f}", f"{py / p:.2f}", verdict(py > p),
                               str(len(blob)) if op == "compress" else "",
                               str(len(pblob)) if op == "compress" else ""])
            fails.check(lz4framed.decompress(blob) == data and lz4.frame.decompress(blob) == data,
                        f"{fname} lz4framed: round trip")
    if capi is not None:
        print_table(
            "A. s4_codec classes vs the C API (same library, same input)",
            "MB/s = 10^6 bytes of uncompressed data per second, best of N interleaved rounds. "
            "py = `codec.compress(data)` / `codec.decompress(payload, n, crc)` (a new bytes object "
            "per call); C = `s4c_compress` / `s4c_decompress` through ctypes into output buffers "
            "allocated once (as a C loop); both compute/check the CRC32C. Target: py/C >= 0.95. "
            "C fresh = the C call with a malloc'ed output per call (informative: the part of the "
            "gap that is the new output's page faults). py into = `codec.decompress_into(payload, "
            "n, crc, buf)` into one bytearray reused, as the C side reuses its buffer (informative).",
            ["input", "size", "codec", "level", "op", "py MB/s", "C MB/s", "py/C", "target >= 0.95",
             "C fresh MB/s", "py/C fresh", "py into MB/s", "into/C"], rows_a)
    else:
        print("\n### A. s4_codec classes vs the C API: skipped (no libs4codec.so; pass --lib)")
    print_table(
        "B. s4_codec / lz4framed vs python-lz4, python-zstandard, stdlib gzip",
        "Same input and timing. Ours includes S4's CRC32C (computed in compress, checked in "
        "decompress); the zstd and lz4 peers compute no checksum at these settings (frames without "
        "content checksum), stdlib gzip computes and checks its CRC-32 (zlib). Peers: zstandard "
        "`ZstdCompressor(level)` / `ZstdDecompressor()` reused (dict: the same dictionary, "
        "precomputed); `lz4.frame.compress(level, 64 KiB independent blocks, no checksum, "
        "store_size=True)`; `gzip.compress(compresslevel, mtime=0)` / `gzip.decompress`. "
        "Target: ours/peer > 1.",
        ["input", "size", "codec", "level", "op", "ours MB/s", "peer", "peer MB/s", "ours/peer",
         "target > 1", "bytes ours", "bytes peer"], rows_b)


def bench_small(args, timer, records, dict_bytes, fails):
    rows = []
    nrec = len(records)
    total = sum(len(r) for r in records)

    def per_call(fn):
        def run():
            for r in records:
                fn(r)
        return run

    groups = []
    z = s4_codec.CpuZstd(level=3)
    l4 = s4_codec.CpuLz4()
    zd = s4_codec.CpuZstdDict(dict_bytes, level=3)
    gz = s4_codec.CpuGzip(level=6)
    if lz4 is not None:
        groups.append(("cpu-lz4", lambda r: l4.decompress(*l4.compress(r)),
                       f"lz4.frame {lz4.__version__}",
                       lambda r: lz4.frame.decompress(lz4.frame.compress(r, block_linked=False)), True))
        if lz4framed is not None:
            groups.append(("lz4framed", lambda r: lz4framed.decompress(lz4framed.compress(r)),
                           f"lz4.frame {lz4.__version__}",
                           lambda r: lz4.frame.decompress(lz4.frame.compress(r)), True))
    if zstandard is not None:
        zc, zdc = zstandard.ZstdCompressor(level=3), zstandard.ZstdDecompressor()
        groups.append(("cpu-zstd", lambda r: z.decompress(*z.compress(r)),
                       f"zstandard {zstandard.__version__}", lambda r: zdc.decompress(zc.compress(r)), True))
        zdict = zstandard.ZstdCompressionDict(dict_bytes)
        zdict.precompute_compress(level=3)
        zdc_c = zstandard.ZstdCompressor(level=3, dict_data=zdict)
        zdc_d = zstandard.ZstdDecompressor(dict_data=zdict)
        groups.append(("cpu-zstd-dict", lambda r: zd.decompress(*zd.compress(r)),
                       f"zstandard {zstandard.__version__} (dict)",
                       lambda r: zdc_d.decompress(zdc_c.compress(r)), True))
    groups.append(("cpu-gzip", lambda r: gz.decompress(*gz.compress(r)),
                   f"gzip (zlib {zlib.ZLIB_RUNTIME_VERSION})",
                   lambda r: gzip.decompress(gzip.compress(r, compresslevel=6, mtime=0)), False))
    for name, ours, peer, theirs, targeted in groups:
        for r in records[:8]:
            fails.check(ours(r) == r and theirs(r) == r, f"4 KiB {name}: round trip")
        best = timer.best([("py", per_call(ours)), ("peer", per_call(theirs))])
        o_us, p_us = best["py"] / nrec * 1e6, best["peer"] / nrec * 1e6
        r = o_us / p_us
        rows.append([name, f"{o_us:.2f}", peer, f"{p_us:.2f}", f"{r:.2f}",
                     verdict(r < 1.0) if targeted else "-"])
    print_table(
        f"C. {fmt_size(len(records[0]))} round trip per call ({nrec} records, {total} bytes)",
        "µs per record for `decompress(compress(record))`, one call each, objects reused, "
        "best of N interleaved rounds over the same records. Ours: S4 shape (payload, size, CRC32C "
        "computed and checked); peers at their defaults (lz4.frame: content size; zstandard: "
        "content size, no checksum). Target: ours/peer < 1 for python-lz4 and python-zstandard "
        "(gzip informative).",
        ["codec", "ours µs/call", "peer", "peer µs/call", "ours/peer", "target < 1"], rows)


class TwoWorkers:
    """Two parked threads; run(j0, j1) starts both jobs at once and returns the
    wall time until both finished."""

    def __init__(self):
        self.jobs = [None, None]
        self.errors: list[BaseException] = []
        self.start = threading.Barrier(3)
        self.done = threading.Barrier(3)
        self.threads = [threading.Thread(target=self._loop, args=(i,), daemon=True) for i in range(2)]
        for t in self.threads:
            t.start()

    def _loop(self, i):
        while True:
            self.start.wait()
            job = self.jobs[i]
            if job is None:
                return
            try:
                job()
            except BaseException as e:  # reported by run()
                self.errors.append(e)
            self.done.wait()

    def run(self, j0, j1):
        self.jobs = [j0, j1]
        self.start.wait()
        self.done.wait()
        if self.errors:
            raise self.errors[0]

    def close(self):
        self.jobs = [None, None]
        self.start.wait()
        for t in self.threads:
            t.join()


def bench_threads(args, timer, data, dict_bytes, fails):
    rows = []
    n = len(data)
    workers = TwoWorkers()
    try:
        for name, _, _ in make_codecs(dict_bytes):
            make = {
                "cpu-zstd": lambda: s4_codec.CpuZstd(level=3),
                "cpu-gzip": lambda: s4_codec.CpuGzip(level=6),
                "cpu-zstd-dict": lambda: s4_codec.CpuZstdDict(dict_bytes, level=3),
                "cpu-lz4": lambda: s4_codec.CpuLz4(),
            }[name]
            ca, cb = make(), make()  # one object per thread (a shared one works too; see tests)
            payload, _, crc = ca.compress(data)
            bufa, bufb = bytearray(data), bytearray(data)  # decompress_into's outputs, faulted in
            for op in ("compress", "decompress", "decompress_into"):
                if op == "compress":
                    fa, fb = (lambda: ca.compress(data)), (lambda: cb.compress(data))
                elif op == "decompress":
                    fa, fb = (lambda: ca.decompress(payload, n, crc)), (lambda: cb.decompress(payload, n, crc))
                else:
                    fa = lambda: ca.decompress_into(payload, n, crc, bufa)  # noqa: E731
                    fb = lambda: cb.decompress_into(payload, n, crc, bufb)  # noqa: E731
                t0 = time.perf_counter()
                fa()
                one = time.perf_counter() - t0
                k = max(1, math.ceil(args.thread_sample / max(one, 1e-7)))

                def ja(f=fa, k=k):
                    for _ in range(k):
                        f()

                def jb(f=fb, k=k):
                    for _ in range(k):
                        f()

                best = timer.best([("serial", lambda: (ja(), jb())), ("parallel", lambda: workers.run(ja, jb))])
                s = mbps(2 * k * n, best["serial"])
                p = mbps(2 * k * n, best["parallel"])
                r = best["serial"] / best["parallel"]
                rows.append([name, op, f"{s:.1f}", f"{p:.1f}", f"{r:.2f}",
                             verdict(r >= 1.8) if op != "decompress_into" else "-"])
            fails.check(cb.decompress(payload, n, crc) == data, f"threads {name}: round trip")
            fails.check(bufa == data and bufb == data, f"threads {name}: decompress_into round trip")
    finally:
        workers.close()
    print_table(
        f"D. 2 threads vs 1, {fmt_size(n)} inputs",
        f"The same work (2 x k calls, k so that one call repeated k times lasts >= {args.thread_sample} s, "
        "--thread-sample) run by one thread, "
        "then by two parked threads at once (one codec object each); MB/s of uncompressed data "
        f"in all; speedup = time(1 thread) / time(2 threads). This machine: {os.cpu_count()} CPUs. "
        "Target: >= 1.8 (needs two idle cores). decompress_into (informative): the same into one "
        "reused bytearray per thread, to tell the binding from the machine's memory bandwidth.",
        ["codec", "op", "1 thread MB/s", "2 threads MB/s", "speedup", "target >= 1.8"], rows)


# ------------------------------------------------------------------- main


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(ROOT / "corpus"), help="corpus directory (default: corpus/)")
    ap.add_argument("--files", default="linux.tar,binaries.bin,packages.txt",
                    help="comma-separated corpus files for sections A and B")
    ap.add_argument("--lib", help="libs4codec.so for section A (default: $S4C_LIB, build-bench/, build/)")
    ap.add_argument("--no-capi", action="store_true", help="skip the C API side of section A")
    ap.add_argument("--size", default="64M", help="input size for A and B (first N bytes of each file)")
    ap.add_argument("--small", default="4K", help="record size for C")
    ap.add_argument("--records", type=int, default=256, help="records for C")
    ap.add_argument("--thread-size", default="8M", help="input size for D")
    ap.add_argument("--thread-sample", type=float, default=0.5,
                    help="seconds: D repeats a call k times to last this long (short samples "
                         "measured the shared host's scheduling more than the threads)")
    ap.add_argument("--rounds", type=int, default=5, help="best of N rounds")
    ap.add_argument("--min-sample", type=float, default=0.05, help="seconds: shorter calls repeat inside a sample")
    ap.add_argument("--sections", default="ABCD", help="which sections to run (e.g. AB)")
    ap.add_argument("--quick", action="store_true", help="1 MiB inputs, 3 rounds (a smoke run)")
    args = ap.parse_args(argv)
    if args.quick:  # only where the option was not given
        for opt, value in (("size", "1M"), ("thread_size", "1M"), ("rounds", 3), ("records", 64),
                           ("thread_sample", 0.05)):
            if getattr(args, opt) == ap.get_default(opt):
                setattr(args, opt, value)
    size, small, tsize = parse_size(args.size), parse_size(args.small), parse_size(args.thread_size)
    sections = args.sections.upper()
    corpus = Path(args.corpus)
    files = [f for f in args.files.split(",") if f]

    fails = Failures()
    inputs = []
    for f in files:
        p = corpus / f
        if not p.is_file():
            print(f"bench_python: {p} is missing (bench/python/run.sh builds the corpus)", file=sys.stderr)
            return 2
        with open(p, "rb") as fh:
            inputs.append((f, fh.read(size)))
    dicts = {f: train_dict(d) for f, d in inputs}

    capi = None
    if "A" in sections and not args.no_capi:
        lib = find_lib(args.lib)
        if lib is None:
            print("bench_python: no libs4codec.so (pass --lib, or run bench/python/run.sh); "
                  "section A runs without the C side", file=sys.stderr)
        else:
            capi = CApi(lib)

    print("# bench_python\n")
    print(f"Python {platform.python_version()} ({sys.executable}), {platform.system()} "
          f"{platform.release()} {platform.machine()}, {os.cpu_count()} CPUs, "
          f"{time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}; load before: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"s4_codec {s4_codec.__version__} on libs4codec {s4_codec.s4codec_version} "
          f"({Path(s4_codec.__file__).parent})")
    if capi:
        print(f"C API: {capi.path} (libs4codec {capi.version}, CMAKE_BUILD_TYPE={capi.build_type})")
        if capi.build_type not in ("Release",):
            print("WARNING: the C library is not a Release build; the wheel is (-O3)")
    print(f"peers: python-lz4 {lz4.__version__ if lz4 else 'MISSING'}"
          f"{' (liblz4 ' + lz4.library_version_string() + ')' if lz4 else ''}, "
          f"python-zstandard {zstandard.__version__ if zstandard else 'MISSING'}"
          f"{' (libzstd ' + '.'.join(map(str, zstandard.ZSTD_VERSION)) + ', ' + zstandard.backend + ')' if zstandard else ''}, "
          f"stdlib gzip (zlib {zlib.ZLIB_RUNTIME_VERSION})"
          f"{', lz4framed on liblz4 ' + lz4framed.LZ4_VERSION if lz4framed else ''}")
    print(f"corpus: {corpus.resolve()}; inputs: " + ", ".join(f"{f} {fmt_size(len(d))}" for f, d in inputs)
          + f"; rounds: {args.rounds}, min sample {args.min_sample} s")

    timer = Timer(args.rounds, args.min_sample)
    if "A" in sections or "B" in sections:
        bench_big(args, timer, capi, inputs, dicts, fails)
    first_name, first = inputs[0]
    if "C" in sections:
        nrec = max(1, min(args.records, len(first) // small))
        step = max(small, (len(first) // nrec) // small * small)
        records = [first[i * step:i * step + small] for i in range(nrec)]
        records = [r for r in records if len(r) == small] or [first[:small]]
        bench_small(args, timer, records, dicts[first_name], fails)
    if "D" in sections:
        reps = -(-tsize // max(1, len(first)))
        bench_threads(args, timer, (first * reps)[:tsize], dicts[first_name], fails)
    print(f"\nload after the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if fails.items:
        print(f"\n{len(fails.items)} wrong outputs: " + "; ".join(fails.items))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
