"""python -m lz4framed: round trips through files and pipes, and the exit codes
(0 ok, 1 usage, 2 input, 4 output, 8 LZ4 error or truncated input, 16 I/O error)."""

import os
import subprocess
import sys

import lz4.frame
import pytest

import lz4framed

DATA = b"".join(b"cli line %d\n" % i for i in range(30000))


def run(*args, stdin=b""):
    return subprocess.run([sys.executable, "-m", "lz4framed", *args], input=stdin,
                          capture_output=True, timeout=60)


def test_roundtrip_files(tmp_path):
    src, lz, out = tmp_path / "a", tmp_path / "a.lz4", tmp_path / "b"
    src.write_bytes(DATA)
    assert run("compress", str(src), str(lz)).returncode == 0
    assert lz4.frame.decompress(lz.read_bytes()) == DATA
    # truncates instead of appending
    assert run("compress", str(src), str(lz)).returncode == 0
    assert lz4.frame.decompress(lz.read_bytes()) == DATA
    r = run("decompress", str(lz), str(out))
    assert r.returncode == 0, r.stderr
    assert out.read_bytes() == DATA


def test_roundtrip_pipes():
    r = run("compress", "-", stdin=DATA)
    assert r.returncode == 0 and lz4.frame.decompress(r.stdout) == DATA
    r = run("decompress", "-", stdin=lz4.frame.compress(DATA))
    assert r.returncode == 0 and r.stdout == DATA


def test_empty_input_gives_valid_frame():
    r = run("compress", "-", stdin=b"")
    assert r.returncode == 0 and lz4.frame.decompress(r.stdout) == b""


def test_usage():
    assert run().returncode == 1
    assert run("compress").returncode == 1
    assert run("explode", "-").returncode == 1
    assert run("compress", "-", "a", "b").returncode == 1


def test_open_failures(tmp_path):
    r = run("compress", str(tmp_path / "missing"))
    assert r.returncode == 2 and b"Failed to open input file for reading" in r.stderr
    (tmp_path / "a").write_bytes(DATA)
    r = run("compress", str(tmp_path / "a"), str(tmp_path / "nodir" / "x"))
    assert r.returncode == 4


def test_truncated_and_corrupt(tmp_path):
    frame = lz4.frame.compress(DATA)
    r = run("decompress", "-", stdin=frame[:-20])
    assert r.returncode == 8
    assert r.stderr.strip().count(b"\n") == 0 and b"truncated" in r.stderr
    r = run("decompress", "-", stdin=b"definitely not lz4")
    assert r.returncode == 8 and b"ERROR_frameType_unknown" in r.stderr
    assert r.stderr.strip().count(b"\n") == 0


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_io_error_is_nonzero():
    r = run("compress", "-", "/dev/full", stdin=DATA)
    assert r.returncode == 16 and b"I/O failure" in r.stderr
