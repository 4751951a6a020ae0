"""A short run of every lz4framed call path under valgrind: no invalid access, uninitialised
use or definite leak inside the extension, libs4codec or liblz4. Only reports whose stack passes
through that code count (CPython itself is not built for valgrind). Skipped without valgrind."""

import os
import re
import shutil
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    import io
    import lz4framed as L
    data = bytes(range(256)) * 200 + b"tail" * 30000
    for kw in ({}, dict(block_mode_linked=False, checksum=True, block_checksum=True, level=9)):
        c = L.compress(bytearray(data), **kw)
        assert L.decompress(memoryview(c)) == data
        for bad in (c[:-3], c[:9], b"x" * 20, c[:30] + b"\\xff" * 40 + c[70:]):
            try:
                L.decompress(bad)
            except (ValueError, L.Lz4FramedError):
                pass
        ctx = L.create_compression_context()
        f = L.compress_begin(ctx, autoflush=True, **kw) + L.compress_update(ctx, data)
        f += L.compress_end(ctx)
        d = L.create_decompression_context()
        out = []
        for i in range(0, len(f), 777):
            r = L.decompress_update(d, f[i:i + 777], chunk_len=1000)
            r.pop()
            out += r
        assert b"".join(out) == data
        L.get_frame_info(d)
        try:
            L.decompress_update(d, b"\\x04\\x22\\x4d\\x18\\x60\\x40\\x00" + b"\\x00" * 9)
        except L.Lz4FramedError:
            pass
        assert b"".join(L.Decompressor(io.BytesIO(f))) == data
        comp = L.Compressor()
        assert L.decompress(comp.update(data) + comp.end()) == data
    try:
        L.get_frame_info(L.create_decompression_context())
    except L.Lz4FramedError:
        pass
    print("done")
    """
)

OURS = re.compile(r"\b(s4c_|s4py_|LZ4F_|LZ4_|_s4codec|compress|decompress|get_frame_info|"
                  r"raise_code|raise_decoder|append_chunk|run_decoder)")


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_short_run_under_valgrind(tmp_path):
    script = tmp_path / "run.py"
    script.write_text(SCRIPT)
    r = subprocess.run(
        ["valgrind", "--leak-check=full", "--show-leak-kinds=definite", "--num-callers=40",
         sys.executable, str(script)],
        cwd=tmp_path, capture_output=True, text=True,
        env={**os.environ, "PYTHONMALLOC": "malloc"}, timeout=300,
    )
    assert r.returncode == 0 and r.stdout.strip() == "done", r.stdout + r.stderr[-4000:]
    reports = re.split(r"^==\d+== ?\n", r.stderr, flags=re.M)
    ours = [rep for rep in reports if OURS.search(rep) and re.search(
        r"Invalid|uninitialised|Conditional jump|definitely lost|Mismatched|overlap", rep)]
    assert not ours, "\n".join(ours)[:8000]
