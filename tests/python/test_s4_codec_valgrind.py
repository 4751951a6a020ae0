"""A short run of every call path under valgrind: no invalid access, uninitialised use or
definite leak inside the extension or libs4codec.

CPython itself (not built for valgrind) reports uninitialised reads of its own; only
reports whose stack passes through our code count. Skipped when valgrind is missing.
"""

import os
import re
import shutil
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    import s4_codec
    data = bytes(range(256)) * 40 + b"tail" * 3000
    raw_dict = b"".join(b"dictionary words %d " % i for i in range(300))
    codecs = [s4_codec.CpuZstd(5), s4_codec.CpuGzip(6), s4_codec.CpuZstdDict(raw_dict),
              s4_codec.CpuLz4(block_linked=True, content_checksum=True)]
    for c in codecs:
        p, n, crc = c.compress(bytearray(data))
        assert c.decompress(memoryview(p), n, crc) == data
        out = bytearray(n + 5)
        assert c.decompress_into(p, n, crc, memoryview(out)) == n and out[:n] == data
        for args in ((p, n, crc ^ 1, out), (p, n, crc, bytearray(3)), (p, n, crc, b"ro")):
            try:
                c.decompress_into(*args)
            except (s4_codec.S4Error, s4_codec.S4IoError, ValueError, TypeError):
                pass
        for args in ((p, n, crc ^ 1), (p, n + 1, crc), (p, n - 1, crc), (p, 10, crc),
                     (p, 6 << 30, crc), (b"xx" * 9, n, crc), (b"", 0, 0), (p[:-3], n, crc)):
            try:
                c.decompress(*args)
            except (s4_codec.S4Error, s4_codec.S4IoError):
                pass
        repr(c)
    for bad in (lambda: s4_codec.CpuZstdDict(b""), lambda: s4_codec.CpuLz4(block_size_id=2),
                lambda: s4_codec.train_dictionary([b"a"], 100), lambda: s4_codec.CpuGzip(-1)):
        try:
            bad()
        except (ValueError, RuntimeError, OSError, OverflowError):
            pass
    s4_codec.crc32c(data)
    print("done")
    """
)

OURS = re.compile(r"\b(s4c_|s4py_|_s4codec|PyInit__s4codec|codec_(compress|decompress|decompress_into|dealloc)|run_decompress)")


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_short_run_under_valgrind(tmp_path):
    script = tmp_path / "run.py"
    script.write_text(SCRIPT)
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
    # valgrind separates reports with a line holding only "==PID== ".
    reports = re.split(r"^==\d+== ?\n", r.stderr, flags=re.M)
    ours = [rep for rep in reports if OURS.search(rep) and re.search(
        r"Invalid|uninitialised|Conditional jump|definitely lost|Mismatched|overlap", rep)]
    assert not ours, "\n".join(ours)[:8000]
