"""Smoke test of bench/python/bench_python.py, so that it cannot rot: every section on a
tiny generated corpus, one round, no timing asserted — only that it runs, prints every
table with a PASS/MISS verdict per target line, and finds no wrong output (the script
exits 1 when a round trip fails or Python and C payloads differ).

The C-API side of section A needs a libs4codec.so built from the same sources: set
S4C_LIB=/path/to/libs4codec.so to include it (bench/python/run.sh builds one in
build-bench/); without it the test runs the script with --no-capi.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import noisy_data, text_data

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "bench" / "python" / "bench_python.py"

pytest.importorskip("lz4.frame")
pytest.importorskip("zstandard")


def test_bench_python_smoke(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "text.bin").write_bytes(text_data(256 * 1024))
    (corpus / "noisy.bin").write_bytes(noisy_data(256 * 1024))
    cmd = [sys.executable, str(SCRIPT), "--corpus", str(corpus), "--files", "text.bin,noisy.bin",
           "--size", "256K", "--thread-size", "256K", "--records", "8", "--rounds", "1",
           "--min-sample", "0.001"]
    lib = os.environ.get("S4C_LIB")
    if lib:
        cmd += ["--lib", lib]
    else:
        cmd += ["--no-capi"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout
    if lib:
        assert "### A. s4_codec classes vs the C API" in out
        assert "C and Python payloads differ" not in r.stderr
    else:
        assert "### A. s4_codec classes vs the C API: skipped" in out
    for title in ("### B.", "### C. 4 KiB round trip", "### D. 2 threads vs 1, 256 KiB"):
        assert title in out
    # Every data line of the tables ends with a verdict (or '-' for untargeted lines).
    lines = [l for l in out.splitlines() if l.startswith("| ") and not l.startswith("| input")
             and not l.startswith("| codec")]
    assert lines
    for line in lines:
        assert re.search(r"\| (PASS|MISS|-) \|", line), line
    # Section B covers every class and the three peers; D every class both ways.
    for name in ("cpu-zstd", "cpu-gzip", "cpu-zstd-dict", "cpu-lz4", "lz4framed"):
        assert f"| text.bin | 256 KiB | {name} |" in out
    for peer in ("zstandard", "lz4.frame", "gzip (zlib"):
        assert peer in out
    assert len([l for l in lines if re.match(r"\| cpu-[a-z0-9-]+ \| (compress|decompress) \|", l)]) == 8


def test_bench_python_missing_corpus(tmp_path):
    r = subprocess.run([sys.executable, str(SCRIPT), "--corpus", str(tmp_path), "--no-capi"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "is missing" in r.stderr
