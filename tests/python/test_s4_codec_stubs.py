"""The shipped type stubs (s4_codec/__init__.pyi) match the runtime module: mypy's stubtest
compares every exported name, signature, base class and @final marker."""

import os
import subprocess
import sys

import pytest

import s4_codec


def test_package_ships_stubs_and_py_typed():
    pkg = os.path.dirname(s4_codec.__file__)
    assert os.path.isfile(os.path.join(pkg, "__init__.pyi"))
    assert os.path.isfile(os.path.join(pkg, "py.typed"))


def test_stubtest_agrees_with_the_runtime(tmp_path):
    pytest.importorskip("mypy.stubtest")
    # Run outside the source tree so that the installed package is what is checked.
    r = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "s4_codec", "--mypy-config-file", os.devnull],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "MYPY_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_runtime_signatures_are_introspectable():
    import inspect

    assert str(inspect.signature(s4_codec.CpuZstd)) == "(level=3)"
    assert str(inspect.signature(s4_codec.CpuZstdDict)) == "(dict_bytes, level=3)"
    assert str(inspect.signature(s4_codec.CpuZstd.decompress)) == "(self, /, data, original_size, crc32c)"
    assert str(inspect.signature(s4_codec.train_dictionary)) == "(samples, size)"
