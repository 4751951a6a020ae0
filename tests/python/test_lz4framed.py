"""lz4framed drop-in (py-lz4framed 0.14.0 API, spec lz4framed-compat.md §1): constants,
exceptions, one-shot and context functions, Compressor/Decompressor, python-lz4 interop."""

import io
import os
import random
import shutil
import struct
import subprocess

import lz4.frame
import pytest

import lz4framed as L

DATA = b"".join(b"line %d of some fairly compressible text; " % i for i in range(20000))
RAND = random.Random(7).randbytes(300000)


# ---------------------------------------------------------------- constants, exceptions

def test_constants():
    assert L.__version__ == "0.14.0"
    assert isinstance(L.LZ4_VERSION, str) and L.LZ4_VERSION.count(".") == 2
    assert L.LZ4F_VERSION == 100
    assert (L.LZ4F_BLOCKSIZE_DEFAULT, L.LZ4F_BLOCKSIZE_MAX64KB, L.LZ4F_BLOCKSIZE_MAX256KB,
            L.LZ4F_BLOCKSIZE_MAX1MB, L.LZ4F_BLOCKSIZE_MAX4MB) == (0, 4, 5, 6, 7)
    assert (L.LZ4F_COMPRESSION_MIN, L.LZ4F_COMPRESSION_MIN_HC, L.LZ4F_COMPRESSION_MAX) == (0, 3, 12)
    names = ["GENERIC", "maxBlockSize_invalid", "blockMode_invalid", "contentChecksumFlag_invalid",
             "compressionLevel_invalid", "headerVersion_wrong", "blockChecksum_invalid",
             "reservedFlag_set", "allocation_failed", "srcSize_tooLarge", "dstMaxSize_tooSmall",
             "frameHeader_incomplete", "frameType_unknown", "frameSize_wrong", "srcPtr_wrong",
             "decompressionFailed", "headerChecksum_invalid", "contentChecksum_invalid",
             "frameDecoding_alreadyStarted"]
    for code, name in enumerate(names, 1):
        assert getattr(L, "LZ4F_ERROR_" + name) == code


def test_exception_bases():
    assert L.Lz4FramedError.__bases__ == (Exception,)
    assert L.Lz4FramedNoDataError.__bases__ == (Exception,)
    assert not issubclass(L.Lz4FramedNoDataError, L.Lz4FramedError)


# ---------------------------------------------------------------- one-shot

@pytest.mark.parametrize("block_size_id", [0, 4, 5, 6, 7])
@pytest.mark.parametrize("linked", [True, False])
@pytest.mark.parametrize("checksum", [True, False])
def test_roundtrip_options(block_size_id, linked, checksum):
    for level in (-1, 0, 3, 12) if block_size_id in (0, 7) else (0,):
        for data in (b"x", DATA[:70000], RAND[:100000]):
            c = L.compress(data, block_size_id=block_size_id, block_mode_linked=linked,
                           checksum=checksum, level=level, block_checksum=checksum)
            assert L.decompress(c) == data
            assert lz4.frame.decompress(c) == data


def test_compress_writes_content_size():
    c = L.compress(DATA)
    assert c[:4] == b"\x04\x22\x4d\x18" and c[4] & 0x08
    assert struct.unpack("<Q", c[6:14])[0] == len(DATA)


def test_bytes_like_inputs():
    c = L.compress(memoryview(bytearray(DATA)))
    assert L.decompress(bytearray(c)) == DATA
    with pytest.raises(TypeError):
        L.compress("text")
    with pytest.raises(BufferError):
        L.compress(memoryview(DATA)[::2])


def test_empty_inputs():
    for f in (L.compress, L.decompress):
        with pytest.raises(L.Lz4FramedNoDataError) as ei:
            f(b"")
        assert ei.value.args == ()


def test_invalid_arguments():
    with pytest.raises(ValueError, match=r"block_size_id \(3\) invalid"):
        L.compress(DATA, block_size_id=3)
    with pytest.raises(ValueError):
        L.compress(DATA, level=13)
    assert L.decompress(L.compress(DATA, level=-5)) == DATA
    with pytest.raises(ValueError):
        L.decompress(L.compress(DATA), buffer_size=0)
    with pytest.raises(TypeError):
        L.compress(DATA, nonsense=1)


def test_decompress_trailing_and_truncated():
    c = L.compress(DATA)
    assert L.decompress(c + b"garbage" + c) == DATA
    for cut in (5, 20, len(c) // 2, len(c) - 1):
        with pytest.raises(ValueError, match="frame incomplete"):
            L.decompress(c[:cut])


def test_decompress_no_content_size_grows():
    c = lz4.frame.compress(DATA, store_size=False)
    for bs in (1, 1024, 10 ** 7):
        assert L.decompress(c, buffer_size=bs) == DATA
    assert L.decompress(c, 7) == DATA  # positional


def _error(data):
    with pytest.raises(L.Lz4FramedError) as ei:
        L.decompress(data)
    return ei.value.args


def test_error_codes():
    assert _error(b"not an lz4 frame") == ("ERROR_frameType_unknown", 13)
    c = bytearray(L.compress(RAND[:1000], checksum=True, block_mode_linked=False))
    bad = bytearray(c); bad[14] ^= 1  # header checksum byte (15-byte header)
    assert _error(bytes(bad)) == ("ERROR_headerChecksum_invalid", 17)
    bad = bytearray(c); bad[-1] ^= 1
    assert _error(bytes(bad)) == ("ERROR_contentChecksum_invalid", 18)
    c = bytearray(L.compress(DATA[:5000], block_checksum=True))
    bad = bytearray(c); bad[-9] ^= 1  # the block checksum (before end mark)
    assert _error(bytes(bad)) == ("ERROR_blockChecksum_invalid", 7)
    c = L.compress(DATA[:5000])
    bad = bytearray(c); bad[20] ^= 0xFF  # inside the compressed block
    code = _error(bytes(bad))[1]
    assert code in (16, 14)  # decompressionFailed or frameSize_wrong


def test_get_block_size():
    assert L.get_block_size() == 65536
    assert [L.get_block_size(i) for i in (0, 4, 5, 6, 7)] == [65536, 65536, 262144, 1 << 20, 1 << 22]
    with pytest.raises(ValueError, match=r"id \(3\) invalid"):
        L.get_block_size(3)
    with pytest.raises(TypeError):
        L.get_block_size(id=4)


# ---------------------------------------------------------------- contexts

def test_compress_context_stream():
    ctx = L.create_compression_context()
    header = L.compress_begin(ctx, checksum=True)
    assert len(header) == 7
    body = b"".join(L.compress_update(ctx, DATA[i:i + 3000]) for i in range(0, len(DATA), 3000))
    frame = header + body + L.compress_end(ctx)
    assert lz4.frame.decompress(frame) == DATA
    # reusable for a new frame
    frame2 = L.compress_begin(ctx) + L.compress_update(ctx, b"abc") + L.compress_end(ctx)
    assert L.decompress(frame2) == b"abc"


def test_compress_context_edges():
    ctx = L.create_compression_context()
    with pytest.raises(L.Lz4FramedError) as ei:
        L.compress_update(ctx, b"abc")
    assert ei.value.args == ("ERROR_GENERIC", 1)
    L.compress_begin(ctx)
    assert L.compress_update(ctx, b"abc") == b""
    with pytest.raises(L.Lz4FramedNoDataError):
        L.compress_update(ctx, b"")
    ctx2 = L.create_compression_context()
    L.compress_begin(ctx2, autoflush=True)
    assert len(L.compress_update(ctx2, b"abc")) == 7
    # header + end alone is a valid empty frame
    ctx3 = L.create_compression_context()
    assert L.decompress(L.compress_begin(ctx3) + L.compress_end(ctx3), 10) == b""
    with pytest.raises(ValueError, match="ctx invalid"):
        L.compress_begin(L.create_decompression_context())
    with pytest.raises(ValueError, match="ctx invalid"):
        L.decompress_update(ctx, b"x")
    with pytest.raises(ValueError, match="ctx invalid"):
        L.get_frame_info(object())
    with pytest.raises(TypeError):
        L.compress_update(ctx=ctx, b=b"x")


@pytest.mark.parametrize("chunk_len", [1, 1000, 65536, 1 << 20])
def test_decompress_update_chunks(chunk_len):
    frame = lz4.frame.compress(DATA[:200000])
    ctx = L.create_decompression_context()
    out = []
    feed = 4099 if chunk_len > 1 else 50000
    hint = None
    for i in range(0, len(frame), feed):
        r = L.decompress_update(ctx, frame[i:i + feed], chunk_len=chunk_len)
        hint = r.pop()
        assert isinstance(hint, int)
        assert all(isinstance(c, bytes) and 0 < len(c) <= chunk_len for c in r)
        assert all(len(c) == chunk_len for c in r[:-1])
        out += r
    assert hint == 0
    assert b"".join(out) == DATA[:200000]


def test_decompress_update_edges():
    ctx = L.create_decompression_context()
    with pytest.raises(L.Lz4FramedNoDataError):
        L.decompress_update(ctx, b"")
    for bad in (0, -1, -(1 << 40)):
        with pytest.raises(ValueError):
            L.decompress_update(ctx, b"abc", chunk_len=bad)
    frame = L.compress(DATA[:1000])
    r = L.decompress_update(ctx, frame + b"trailing junk")
    assert r[-1] == 0 and b"".join(r[:-1]) == DATA[:1000]
    # the context decodes the next frame afterwards
    r = L.decompress_update(ctx, frame)
    assert r[-1] == 0 and b"".join(r[:-1]) == DATA[:1000]
    with pytest.raises(L.Lz4FramedError) as ei:
        L.decompress_update(ctx, b"\x00" * 8)
    assert ei.value.args == ("ERROR_frameType_unknown", 13)


def test_get_frame_info():
    ctx = L.create_decompression_context()
    with pytest.raises(L.Lz4FramedError) as ei:
        L.get_frame_info(ctx)
    assert ei.value.args[1] == L.LZ4F_ERROR_srcPtr_wrong
    frame = L.compress(DATA, block_size_id=5, block_mode_linked=False, checksum=True)
    L.decompress_update(ctx, frame[:5])
    with pytest.raises(L.Lz4FramedError) as ei:
        L.get_frame_info(ctx)
    assert ei.value.args[1] == L.LZ4F_ERROR_frameDecoding_alreadyStarted
    r = L.decompress_update(ctx, frame[5:15])
    assert r == [4]
    info = L.get_frame_info(ctx)
    assert info == {"input_hint": 4, "length": len(DATA), "block_size_id": 5,
                    "block_mode_linked": False, "checksum": True}


# ---------------------------------------------------------------- classes

def test_compressor_fp_and_return():
    buf = io.BytesIO()
    with L.Compressor(buf, checksum=True, level=3) as c:
        for i in range(0, len(DATA), 10000):
            assert c.update(DATA[i:i + 10000]) is None
    assert lz4.frame.decompress(buf.getvalue()) == DATA
    c = L.Compressor()
    out = c.update(DATA) + c.end()
    assert L.decompress(out) == DATA
    with pytest.raises(L.Lz4FramedNoDataError):
        c.update(b"")


def test_compressor_end_without_update_is_valid():
    frame = L.Compressor().end()
    assert lz4.frame.decompress(frame) == b""
    assert b"".join(L.Decompressor(io.BytesIO(frame))) == b""
    buf = io.BytesIO()
    with L.Compressor(buf):
        pass
    assert lz4.frame.decompress(buf.getvalue()) == b""


def test_compressor_nodata_loop_terminator_keeps_header():
    for first in (b"", b"abc"):
        c = L.Compressor()
        out = b""
        for piece in (first, b""):
            try:
                out += c.update(piece)
            except L.Lz4FramedNoDataError:
                break
        out += c.end()
        assert lz4.frame.decompress(out) == first


def test_compressor_exit_on_exception_does_not_finish():
    buf = io.BytesIO()
    with pytest.raises(KeyError):
        with L.Compressor(buf) as c:
            c.update(DATA[:100])
            raise KeyError("x")
    assert buf.getvalue()[-4:] != b"\x00\x00\x00\x00"


def test_compressor_argument_checks():
    with pytest.raises(ValueError, match="Context only usable when fp supplied"):
        with L.Compressor():
            pass

    class W:
        write = 3
    with pytest.raises(TypeError, match="fp.write not callable"):
        L.Compressor(W())
    with pytest.raises(AttributeError, match="has no attribute 'write'"):
        L.Compressor(object())


class Trickle(io.RawIOBase):
    """Returns at most n bytes per read (a pipe)."""

    def __init__(self, data, n):
        self.data, self.n, self.pos = data, n, 0

    def readable(self):
        return True

    def read(self, size=-1):
        k = min(self.n, size if size >= 0 else self.n)
        out = self.data[self.pos:self.pos + k]
        self.pos += len(out)
        return out


@pytest.mark.parametrize("linked", [True, False])
@pytest.mark.parametrize("block_size_id", [4, 6])
def test_decompressor(linked, block_size_id):
    frame = L.compress(DATA, block_size_id=block_size_id, block_mode_linked=linked, checksum=True)
    d = L.Decompressor(io.BytesIO(frame + b"next frame bytes"))
    assert d.frame_info is None
    chunks = list(d)
    assert all(chunks)
    assert b"".join(chunks) == DATA
    assert d.frame_info["block_size_id"] == block_size_id
    # short reads, including a first read shorter than the header (ORIG aborted there)
    assert b"".join(L.Decompressor(Trickle(frame, 3))) == DATA


def test_decompressor_truncated_and_args():
    frame = L.compress(DATA)
    with pytest.raises(L.Lz4FramedNoDataError):
        list(L.Decompressor(io.BytesIO(frame[:-10])))
    with pytest.raises(TypeError, match="fp"):
        L.Decompressor(None)

    class R:
        read = 1
    with pytest.raises(TypeError, match="fp.read not callable"):
        L.Decompressor(R())
    with pytest.raises(AttributeError):
        L.Decompressor(object())
    from collections.abc import Iterable
    assert isinstance(L.Decompressor(io.BytesIO(frame)), Iterable)


def test_interop_python_lz4_streaming():
    enc = lz4.frame.LZ4FrameCompressor(block_linked=True, content_checksum=True)
    frame = enc.begin() + enc.compress(RAND) + enc.compress(DATA) + enc.flush()
    assert b"".join(L.Decompressor(io.BytesIO(frame))) == RAND + DATA
    c = L.Compressor()
    ours = c.update(RAND) + c.update(DATA) + c.end()
    dec = lz4.frame.LZ4FrameDecompressor()
    assert dec.decompress(ours) == RAND + DATA and dec.eof


# ---------------------------------------------------------------- stubs, signatures

def test_stubs_shipped_and_stubtest(tmp_path):
    import subprocess
    import sys
    pkg = os.path.dirname(L.__file__)
    assert os.path.isfile(os.path.join(pkg, "__init__.pyi"))
    assert os.path.isfile(os.path.join(pkg, "py.typed"))
    pytest.importorskip("mypy.stubtest")
    r = subprocess.run([sys.executable, "-m", "mypy.stubtest", "lz4framed", "--mypy-config-file",
                        os.devnull], cwd=tmp_path, capture_output=True, text=True,
                       env={**os.environ, "MYPY_CACHE_DIR": str(tmp_path / "cache")})
    assert r.returncode == 0, r.stdout + r.stderr


def test_signatures():
    import inspect
    assert str(inspect.signature(L.compress)) == (
        "(b, block_size_id=0, block_mode_linked=True, checksum=False, level=0, "
        "block_checksum=False)")
    assert str(inspect.signature(L.get_block_size)) == "(id=0, /)"
    assert str(inspect.signature(L.decompress_update)) == "(ctx, b, chunk_len=65536)"


def test_forged_content_size_does_not_allocate_it():
    data = b"abc" * 100
    header = lz4.frame.LZ4FrameCompressor().begin(source_size=1 << 50)
    c2 = lz4.frame.LZ4FrameCompressor()
    body = c2.begin()[7:] + c2.compress(data) + c2.flush()
    with pytest.raises(L.Lz4FramedError) as ei:
        L.decompress(header + body)  # would need 1 PiB if pre-sized to the header's claim
    assert ei.value.args == ("ERROR_frameSize_wrong", 14)
    with pytest.raises(ValueError, match="frame incomplete"):
        L.decompress(header + body[:-8])


@pytest.mark.skipif(shutil.which("lz4") is None, reason="needs the lz4 CLI")
def test_interop_lz4_cli():
    ours = L.compress(DATA, checksum=True, block_checksum=True)
    r = subprocess.run(["lz4", "-d", "-c"], input=ours, capture_output=True, check=True)
    assert r.stdout == DATA
    for opts in ([], ["-BD"], ["-B7", "--content-size"], ["--no-frame-crc", "-BX"]):
        r = subprocess.run(["lz4", "-c", *opts], input=RAND + DATA, capture_output=True, check=True)
        assert L.decompress(r.stdout) == RAND + DATA
        assert b"".join(L.Decompressor(io.BytesIO(r.stdout))) == RAND + DATA


# ---------------------------------------------------------------- names as the original's

def test_lz4_version_is_the_linked_liblz4():
    """LZ4_VERSION is LZ4_versionString() of the liblz4 the extension runs with, read at
    import time (the original reported its bundled 1.9.2)."""
    import ctypes

    maps = open("/proc/self/maps").read().split()
    libs = sorted({p for p in maps if "/liblz4.so" in p})
    if not libs:
        pytest.skip("liblz4 not mapped as a shared library")
    lib = ctypes.CDLL(libs[0])
    lib.LZ4_versionString.restype = ctypes.c_char_p
    assert L.LZ4_VERSION == lib.LZ4_versionString().decode()


def test_exceptions_module_and_pickles_as_the_original():
    """The exceptions report the original's module, `_lz4framed` (spec §1.2), and that name
    imports: pickles name `_lz4framed.Lz4FramedError` in both directions, and a fresh
    process unpickles them without importing lz4framed first (multiprocessing does this)."""
    import pickle
    import sys

    import _lz4framed

    assert L.Lz4FramedError.__module__ == "_lz4framed"
    assert L.Lz4FramedNoDataError.__module__ == "_lz4framed"
    assert _lz4framed.Lz4FramedError is L.Lz4FramedError
    assert _lz4framed.compress is L.compress and _lz4framed.LZ4_VERSION == L.LZ4_VERSION
    for exc in (L.Lz4FramedError("ERROR_frameType_unknown", 13), L.Lz4FramedNoDataError()):
        blob = pickle.dumps(exc)
        assert b"_lz4framed" in blob
        back = pickle.loads(blob)
        assert type(back) is type(exc) and back.args == exc.args
        code = ("import pickle, sys; e = pickle.loads(sys.stdin.buffer.read()); "
                "print(type(e).__module__, type(e).__name__, e.args)")
        r = subprocess.run([sys.executable, "-c", code], input=blob, capture_output=True, timeout=60)
        assert r.returncode == 0, r.stderr
        assert r.stdout.decode().split(" ", 2)[:2] == ["_lz4framed", type(exc).__name__]
