"""GPU codec classes (docs/gpu.md): NvcompZstd, NvcompBitcomp, NvcompGDeflate, NvcompLz4.

Always: the no-GPU behaviour (S4BackendError naming the reason, NvcompLz4 decoding FCG1
on the CPU, batches), FCG1 blobs built here from LZ4 literal blocks and python-zstandard
frames. With a device: round trips, batches equal to singles, GPU -> CPU cross-decode;
those tests skip with the loader's reason otherwise.
"""

import struct

import pytest
import zstandard

import s4_codec

GPU = s4_codec.gpu_available()
REASON = s4_codec.gpu_unavailable_reason()
needs_gpu = pytest.mark.skipif(not GPU, reason=f"no GPU: {REASON}")
without_gpu = pytest.mark.skipif(GPU, reason="a GPU is present")
CHUNK = 65536


def lz4_literals(b: bytes) -> bytes:
    """A raw LZ4 block holding `b` as one literal run (valid for any length)."""
    n = len(b)
    if n < 15:
        return bytes([n << 4]) + b
    ext, rest = bytearray([0xF0]), n - 15
    while rest >= 255:
        ext.append(255)
        rest -= 255
    ext.append(rest)
    return bytes(ext) + b


def fcg1(tag: int, data: bytes, chunk: int = CHUNK, dtype: int = 0) -> bytes:
    chunks = [data[i : i + chunk] for i in range(0, len(data), chunk)]
    if tag == 2:
        enc = [lz4_literals(c) for c in chunks]
    else:
        enc = [zstandard.ZstdCompressor(level=3).compress(c) for c in chunks]
    head = b"FCG1" + bytes([tag, dtype, 0, 0]) + struct.pack("<QII", len(data), chunk, len(enc))
    return head + b"".join(struct.pack("<I", len(e)) for e in enc) + b"".join(enc)


DATA = (b"the quick brown fox jumps over the lazy dog " * 5000)[:200_000]


def test_reason_is_consistent():
    assert isinstance(GPU, bool)
    assert (REASON == "") == GPU


@without_gpu
@pytest.mark.parametrize("cls", [s4_codec.NvcompZstd, s4_codec.NvcompGDeflate,
                                 s4_codec.NvcompBitcomp])
def test_s4_kinds_need_a_gpu(cls):
    with pytest.raises(s4_codec.S4BackendError) as e:
        cls()
    assert str(e.value) == f"backend: {cls.__name__} needs a GPU: {REASON}"
    assert isinstance(e.value, RuntimeError)


@without_gpu
def test_nvcomp_lz4_decodes_on_the_cpu():
    c = s4_codec.NvcompLz4()
    assert repr(c) == "NvcompLz4()"
    assert c.codec == "nvcomp-lz4"
    blob = fcg1(2, DATA)
    assert c.decompress(blob, len(DATA), s4_codec.crc32c(DATA)) == DATA
    # the algorithm comes from the FCG1 header: a zstd blob decodes too
    assert c.decompress(fcg1(3, DATA), len(DATA), s4_codec.crc32c(DATA)) == DATA
    with pytest.raises(s4_codec.S4BackendError) as e:
        c.compress(b"abc")
    assert REASON in str(e.value)
    with pytest.raises(s4_codec.S4BackendError):
        c.compress_batch([b"abc"])


def test_decompress_checks_in_s4_order():
    if not GPU:
        c = s4_codec.NvcompLz4()
    else:
        c = s4_codec.NvcompLz4()
    blob = fcg1(2, b"helloworld", chunk=5)
    assert blob[:8] == b"FCG1\x02\x00\x00\x00"
    crc = s4_codec.crc32c(b"helloworld")
    assert c.decompress(blob, 10, crc) == b"helloworld"
    with pytest.raises(s4_codec.S4CrcMismatchError):
        c.decompress(blob, 10, crc ^ 1)
    with pytest.raises(s4_codec.S4SizeMismatchError) as e:
        c.decompress(blob, 9, crc)
    assert str(e.value) == "size mismatch: expected 9, got 10"
    with pytest.raises(s4_codec.S4ManifestSizeExceedsLimitError):
        c.decompress(blob, s4_codec.MAX_DECOMPRESSED_BYTES + 1, crc)
    with pytest.raises(s4_codec.S4BackendError) as e:
        c.decompress(blob[:30], 10, crc)
    assert "nvcomp lz4 decompress: FCG1: " in str(e.value)
    bad = bytearray(blob)
    bad[0] = ord("X")
    with pytest.raises(s4_codec.S4BackendError, match="bad magic"):
        c.decompress(bytes(bad), 10, crc)
    # empty: the 24-byte header alone
    empty = fcg1(2, b"")
    assert len(empty) == 24
    assert c.decompress(empty, 0, 0) == b""


def test_decompress_batch_reports_the_first_failing_object():
    c = s4_codec.NvcompLz4()
    objs = [DATA[i * 1000 : i * 1000 + 8192] for i in range(20)]
    items = [(fcg1(2, o), len(o), s4_codec.crc32c(o)) for o in objs]
    assert c.decompress_batch(items) == objs
    assert c.decompress_batch([]) == []
    items[7] = (items[7][0], items[7][1], items[7][2] ^ 1)
    with pytest.raises(s4_codec.S4CrcMismatchError):
        c.decompress_batch(items)
    with pytest.raises(TypeError):
        c.decompress_batch([b"not a tuple"])


def test_bitcomp_data_type_argument():
    with pytest.raises(ValueError, match="data_type must be one of"):
        s4_codec.NvcompBitcomp(data_type="u128")
    with pytest.raises(ValueError):
        s4_codec.NvcompBitcomp(data_type=12)
    if not GPU:
        with pytest.raises(s4_codec.S4BackendError):
            s4_codec.NvcompBitcomp(data_type="u32")


# ------------------------------------------------------------------ with a device

ALL = ["NvcompZstd", "NvcompBitcomp", "NvcompGDeflate", "NvcompLz4"]


@needs_gpu
@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("size", [0, 1, CHUNK, CHUNK + 1, 1 << 20])
def test_gpu_round_trip(name, size):
    c = getattr(s4_codec, name)()
    data = DATA * (size // len(DATA) + 1)
    data = data[:size]
    payload, n, crc = c.compress(data)
    assert payload[:4] == b"FCG1"
    assert n == size and crc == s4_codec.crc32c(data)
    assert struct.unpack_from("<QI", payload, 8) == (size, CHUNK)
    assert c.decompress(payload, n, crc) == data


@needs_gpu
@pytest.mark.parametrize("name", ALL)
def test_gpu_batch_equals_singles(name):
    c = getattr(s4_codec, name)()
    objs = [DATA[i * 8192 : (i + 1) * 8192] for i in range(24)]
    batch = c.compress_batch(objs)
    assert batch == [c.compress(o) for o in objs]
    assert c.decompress_batch(batch) == objs


@needs_gpu
def test_gpu_to_cpu_cross_decode():
    data = DATA * 3
    payload, n, crc = s4_codec.NvcompZstd().compress(data)
    assert payload[4] == 3
    k = struct.unpack_from("<I", payload, 20)[0]
    sizes = struct.unpack_from(f"<{k}I", payload, 24)
    pos, out = 24 + 4 * k, b""
    for s in sizes:  # every chunk is a standard zstd frame
        out += zstandard.ZstdDecompressor().decompress(payload[pos : pos + s], max_output_size=CHUNK)
        pos += s
    assert out == data
    payload, n, crc = s4_codec.NvcompLz4().compress(data)
    assert payload[4] == 2


@needs_gpu
def test_gpu_bitcomp_data_types():
    import array

    ints = array.array("I", range(100_000)).tobytes()
    for dt in ("char", "u32", 3):
        c = s4_codec.NvcompBitcomp(data_type=dt)
        payload, n, crc = c.compress(ints)
        assert payload[5] == (0 if dt == "char" else 3)
        assert c.decompress(payload, n, crc) == ints
