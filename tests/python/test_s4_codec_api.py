"""s4_codec's public surface (s4-compat.md §7.1-7.3): names, defaults, keyword rules,
return shapes, repr, bytes-like inputs, constants."""

import array
import mmap

import pytest

import s4_codec
from conftest import CODEC_FACTORIES, RAW_DICT, SIZES, noisy_data, text_data

# ------------------------------------------------------------------ names and constants


def test_exported_names_exist():
    for name in s4_codec.__all__:
        assert hasattr(s4_codec, name), name
    for cls in ("CpuZstd", "CpuGzip", "CpuZstdDict", "CpuLz4"):
        assert getattr(s4_codec, cls).__module__ == "s4_codec"


def test_constants_of_spec_7_3():
    assert s4_codec.FRAME_MAGIC == b"S4F2"
    assert s4_codec.PADDING_MAGIC == b"S4P1"
    assert s4_codec.FRAME_HEADER_BYTES == 28
    assert s4_codec.SIDECAR_SUFFIX == ".s4index"
    assert s4_codec.__version__ == "1.5.2"
    assert s4_codec.MAX_DECOMPRESSED_BYTES == 5 * 1024**3


def test_our_version_is_the_library_version():
    parts = s4_codec.s4codec_version.split(".")
    assert len(parts) == 3 and all(p.isdigit() for p in parts)


def test_gpu_available_is_false_without_a_gpu():
    # True only where libcudart/libnvcomp load and a device answers (docs/gpu.md)
    assert s4_codec.gpu_available() is (s4_codec.gpu_unavailable_reason() == "")


# ------------------------------------------------------------------ crc32c


def test_crc32c_check_values():
    assert s4_codec.crc32c(b"123456789") == 0xE3069283
    assert s4_codec.crc32c(b"") == 0
    assert s4_codec.crc32c(data=b"123456789") == 0xE3069283


def test_crc32c_chains_and_accepts_large_inputs():
    data = noisy_data(1 << 20)
    whole = s4_codec.crc32c(data)
    assert s4_codec.crc32c(data[5000:], s4_codec.crc32c(data[:5000])) == whole
    assert s4_codec.crc32c(data[5000:], value=s4_codec.crc32c(data[:5000])) == whole


def test_crc32c_argument_errors():
    with pytest.raises(TypeError):
        s4_codec.crc32c("text")
    with pytest.raises(TypeError):
        s4_codec.crc32c()
    with pytest.raises(OverflowError):
        s4_codec.crc32c(b"x", -1)


# ------------------------------------------------------------------ constructors and defaults


def test_defaults():
    assert s4_codec.CpuZstd().level == 3
    assert s4_codec.CpuGzip().level == 6
    assert s4_codec.CpuZstdDict(RAW_DICT).level == 3
    lz4 = s4_codec.CpuLz4()
    assert lz4.level == 0
    assert lz4.block_size_id == 4  # 0 (default) means 64 KiB, id 4
    assert (lz4.block_linked, lz4.content_checksum, lz4.block_checksum, lz4.content_size) == (
        False,
        False,
        False,
        False,
    )


def test_codec_names():
    assert s4_codec.CpuZstd().codec == "cpu-zstd"
    assert s4_codec.CpuGzip().codec == "cpu-gzip"
    assert s4_codec.CpuZstdDict(RAW_DICT).codec == "cpu-zstd-dict"
    assert s4_codec.CpuLz4().codec == "cpu-lz4"


@pytest.mark.parametrize(
    "given, effective", [(1, 1), (3, 3), (19, 19), (22, 22), (0, 1), (-7, 1), (23, 22), (1000, 22)]
)
def test_zstd_level_is_clamped_to_1_22(given, effective):
    assert s4_codec.CpuZstd(given).level == effective
    assert s4_codec.CpuZstdDict(RAW_DICT, given).level == effective


@pytest.mark.parametrize("given, effective", [(0, 0), (1, 1), (6, 6), (9, 9), (10, 9), (2**32 - 1, 9)])
def test_gzip_level_is_min_level_9(given, effective):
    assert s4_codec.CpuGzip(given).level == effective


def test_gzip_negative_level_is_overflow_error_as_upstream():
    with pytest.raises(OverflowError):
        s4_codec.CpuGzip(-1)
    with pytest.raises(OverflowError):
        s4_codec.CpuGzip(level=-6)
    with pytest.raises(OverflowError):
        s4_codec.CpuGzip(2**32)


def test_level_type_and_range_errors():
    with pytest.raises(TypeError):
        s4_codec.CpuZstd("3")
    with pytest.raises(TypeError):
        s4_codec.CpuZstd(3.0)
    with pytest.raises(OverflowError):
        s4_codec.CpuZstd(2**31)
    with pytest.raises(TypeError):
        s4_codec.CpuGzip(None)


def test_keyword_rules():
    assert s4_codec.CpuZstd(level=9).level == 9
    assert s4_codec.CpuGzip(level=1).level == 1
    assert s4_codec.CpuZstdDict(dict_bytes=RAW_DICT, level=7).level == 7
    assert s4_codec.CpuZstdDict(RAW_DICT, level=7).level == 7
    with pytest.raises(TypeError):
        s4_codec.CpuZstd(lvl=3)
    with pytest.raises(TypeError):
        s4_codec.CpuZstd(3, 4)
    with pytest.raises(TypeError):
        s4_codec.CpuZstd(3, level=3)
    with pytest.raises(TypeError):
        s4_codec.CpuZstdDict()
    with pytest.raises(TypeError):
        s4_codec.CpuZstdDict(level=3)
    with pytest.raises(TypeError):
        s4_codec.CpuLz4(checksum=True)


def test_classes_are_final_like_upstream():
    for cls in (s4_codec.CpuZstd, s4_codec.CpuGzip, s4_codec.CpuZstdDict, s4_codec.CpuLz4):
        with pytest.raises(TypeError):
            type("Sub", (cls,), {})


# ------------------------------------------------------------------ repr shows the real level


def test_repr():
    assert repr(s4_codec.CpuZstd()) == "CpuZstd(level=3)"
    assert repr(s4_codec.CpuZstd(9)) == "CpuZstd(level=9)"
    assert repr(s4_codec.CpuZstd(0)) == "CpuZstd(level=1)"
    assert repr(s4_codec.CpuGzip()) == "CpuGzip(level=6)"
    assert repr(s4_codec.CpuGzip(1)) == "CpuGzip(level=1)"
    assert repr(s4_codec.CpuGzip(42)) == "CpuGzip(level=9)"
    assert repr(s4_codec.CpuZstdDict(RAW_DICT, 30)) == f"CpuZstdDict(dict_len={len(RAW_DICT)}, level=22)"
    assert repr(s4_codec.CpuLz4()) == (
        "CpuLz4(level=0, block_size_id=4, block_linked=False, content_checksum=False, "
        "block_checksum=False, content_size=False)"
    )
    r = repr(s4_codec.CpuLz4(block_size_id=6, block_linked=True, content_checksum=True))
    assert "block_size_id=6, block_linked=True, content_checksum=True" in r


def test_repr_round_trips_through_eval():
    for c in (s4_codec.CpuZstd(12), s4_codec.CpuGzip(2), s4_codec.CpuLz4(level=9, block_checksum=True)):
        again = eval(repr(c), vars(s4_codec))
        assert repr(again) == repr(c)


# ------------------------------------------------------------------ return shapes and round trips


@pytest.mark.parametrize("size", SIZES)
def test_round_trip_and_return_shape(codec, size):
    data = text_data(size)
    result = codec.compress(data)
    assert type(result) is tuple and len(result) == 3
    payload, original_size, crc = result
    assert type(payload) is bytes and type(original_size) is int and type(crc) is int
    assert original_size == len(data)
    assert crc == s4_codec.crc32c(data)
    out = codec.decompress(payload, original_size, crc)
    assert type(out) is bytes and out == data


def test_keywords_on_compress_and_decompress(codec):
    data = text_data(1000)
    payload, n, crc = codec.compress(data=data)
    assert codec.decompress(data=payload, original_size=n, crc32c=crc) == data
    assert codec.decompress(payload, crc32c=crc, original_size=n) == data
    with pytest.raises(TypeError):
        codec.compress()
    with pytest.raises(TypeError):
        codec.compress(data, data)
    with pytest.raises(TypeError):
        codec.compress(bytes_=data)
    with pytest.raises(TypeError):
        codec.decompress(payload, n)
    with pytest.raises(TypeError):
        codec.decompress(payload, n, crc, original_size=n)


@pytest.mark.parametrize("size", [0, 1, 4096, 300_000])
def test_decompress_into_writable_buffers(codec, size):
    data = text_data(size)
    payload, n, crc = codec.compress(data)
    out = bytearray(b"\xee" * (n + 7))
    assert codec.decompress_into(payload, n, crc, out) == n
    assert bytes(out[:n]) == data and out[n:] == b"\xee" * 7  # nothing past original_size
    view = memoryview(bytearray(n))
    assert codec.decompress_into(data=payload, original_size=n, crc32c=crc, out=view) == n
    assert view.tobytes() == data
    arr = array.array("B", bytes(n))
    assert codec.decompress_into(payload, n, crc, arr) == n and arr.tobytes() == data
    # the same buffer again, as a loop reusing it would
    assert codec.decompress_into(payload, n, crc, out) == n and bytes(out[:n]) == data


def test_decompress_into_errors(codec):
    data = text_data(5000)
    payload, n, crc = codec.compress(data)
    with pytest.raises(ValueError, match="out holds 4999 bytes; original_size is 5000"):
        codec.decompress_into(payload, n, crc, bytearray(n - 1))
    with pytest.raises(TypeError, match="writable"):
        codec.decompress_into(payload, n, crc, bytes(n))
    with pytest.raises(TypeError):
        codec.decompress_into(payload, n, crc)
    with pytest.raises(OverflowError):
        codec.decompress_into(payload, -1, crc, bytearray(n))
    # the same S4 errors as decompress(), in the same order
    for args in [(payload, n, crc ^ 1), (payload[:-1], n, crc), (payload, n + 1, crc)]:
        with pytest.raises(Exception) as want:
            codec.decompress(*args)
        with pytest.raises(type(want.value)) as got:
            codec.decompress_into(*args, bytearray(n + 1))
        assert str(got.value) == str(want.value)
    # over S4's 5 GiB manifest limit: S4's error, not ours about `out`
    with pytest.raises(Exception) as want:
        codec.decompress(payload, 5 * 2**30 + 1, crc)
    with pytest.raises(type(want.value)):
        codec.decompress_into(payload, 5 * 2**30 + 1, crc, bytearray(10))


def test_unsigned_arguments_of_decompress(codec):
    payload, n, crc = codec.compress(b"abc")
    with pytest.raises(OverflowError):
        codec.decompress(payload, -1, crc)
    with pytest.raises(OverflowError):
        codec.decompress(payload, n, -1)
    with pytest.raises(OverflowError):
        codec.decompress(payload, n, 2**32)
    with pytest.raises(OverflowError):
        codec.decompress(payload, 2**64, crc)
    with pytest.raises(TypeError):
        codec.decompress(payload, float(n), crc)


@pytest.mark.parametrize("level", [1, 9, 19])
def test_zstd_levels_round_trip(level):
    data = noisy_data(200_000)
    c = s4_codec.CpuZstd(level)
    assert c.decompress(*c.compress(data)) == data


@pytest.mark.parametrize("level", range(10))
def test_gzip_levels_round_trip(level):
    data = text_data(100_000)
    c = s4_codec.CpuGzip(level)
    assert c.decompress(*c.compress(data)) == data


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"level": 9},
        {"level": 12},
        {"level": -5},
        {"block_size_id": 5},
        {"block_size_id": 6, "block_linked": True},
        {"block_size_id": 7, "content_checksum": True, "block_checksum": True, "content_size": True},
    ],
)
def test_lz4_options_round_trip(kw):
    data = text_data(600_000)
    c = s4_codec.CpuLz4(**kw)
    assert c.decompress(*c.compress(data)) == data


def test_lz4_invalid_block_size_id_is_value_error():
    with pytest.raises(ValueError):
        s4_codec.CpuLz4(block_size_id=3)
    with pytest.raises(ValueError):
        s4_codec.CpuLz4(block_size_id=8)


# ------------------------------------------------------------------ golden bytes from the spec


def test_zstd_golden_frames():
    z = s4_codec.CpuZstd()
    assert z.compress(b"hello")[0] == bytes.fromhex("28b52ffd005829000068656c6c6f")
    assert z.compress(b"")[0] == bytes.fromhex("28b52ffd2000010000")


@pytest.mark.parametrize("level, xfl", [(0, 0x04), (1, 0x04), (2, 0x00), (6, 0x00), (8, 0x00), (9, 0x02)])
def test_gzip_header_as_s4(level, xfl):
    payload = s4_codec.CpuGzip(level).compress(b"test data" * 100)[0]
    assert payload[:10] == bytes([0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, xfl, 0xFF])
    assert payload[-8:] == bytes.fromhex("f80811e6") + (900).to_bytes(4, "little")


def test_gzip_golden_vectors():
    g = s4_codec.CpuGzip
    assert g(6).compress(b"")[0] == bytes.fromhex("1f8b08000000000000ff03000000000000000000")
    assert g(1).compress(b"")[0] == bytes.fromhex("1f8b08000000000004ff03000000000000000000")
    assert g(6).compress(b"hello")[0] == bytes.fromhex(
        "1f8b08000000000000ff" "cb48cdc9c90700" "86a61036" "05000000"
    )


# ------------------------------------------------------------------ bytes-like inputs (ours)


def _bytes_likes(data):
    yield bytearray(data)
    yield memoryview(data)
    yield memoryview(b"xx" + data + b"yy")[2 : 2 + len(data)]
    if len(data) % 4 == 0:
        yield array.array("I", data)
        yield memoryview(data).cast("I")


def test_bytes_like_inputs(codec):
    data = text_data(4096 * 4)
    payload, n, crc = codec.compress(data)
    for obj in _bytes_likes(data):
        assert codec.compress(obj) == (payload, n, crc), type(obj)
        assert s4_codec.crc32c(obj) == crc
    for obj in _bytes_likes(payload + b"\0" * (-len(payload) % 4)):
        view = memoryview(obj).cast("B")[: len(payload)]
        assert codec.decompress(view, n, crc) == data


def test_mmap_input(codec, tmp_path):
    data = text_data(50_000)
    path = tmp_path / "in.bin"
    path.write_bytes(data)
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
        payload, n, crc = codec.compress(m)
    assert codec.decompress(payload, n, crc) == data


def test_str_and_non_contiguous_inputs_are_refused(codec):
    with pytest.raises(TypeError):
        codec.compress("text")
    with pytest.raises(TypeError):
        codec.compress(12)
    with pytest.raises(BufferError):
        codec.compress(memoryview(b"abcdef")[::2])
    payload, n, crc = codec.compress(b"abc")
    with pytest.raises(TypeError):
        codec.decompress(payload.decode("latin-1"), n, crc)


def test_bytearray_cannot_be_resized_while_pinned():
    # The buffer stays exported for the whole call; after it, the bytearray is free again.
    data = bytearray(text_data(100_000))
    s4_codec.CpuZstd().compress(data)
    data += b"more"


def test_zstd_dict_accepts_bytes_like_dictionaries():
    data = text_data(10_000)
    a = s4_codec.CpuZstdDict(RAW_DICT)
    b = s4_codec.CpuZstdDict(bytearray(RAW_DICT))
    c = s4_codec.CpuZstdDict(memoryview(RAW_DICT))
    assert a.compress(data) == b.compress(data) == c.compress(data)
    assert b.dict_len == len(RAW_DICT)


# ------------------------------------------------------------------ train_dictionary (ours)


def _samples():
    return [b"user=%d name=person%d city=%s status=active\n" % (i, i * 7, b"paris" if i % 3 else b"oslo") * 4 for i in range(2000)]


def test_train_dictionary_builds_a_zdict_dictionary():
    d = s4_codec.train_dictionary(_samples(), 4096)
    assert type(d) is bytes and 0 < len(d) <= 4096
    assert d[:4] == bytes.fromhex("37a430ec")  # ZDICT magic
    c = s4_codec.CpuZstdDict(d, level=5)
    sample = _samples()[7]
    payload, n, crc = c.compress(sample)
    assert c.decompress(payload, n, crc) == sample
    assert len(payload) < len(s4_codec.CpuZstd(5).compress(sample)[0])


def test_train_dictionary_accepts_iterables_of_bytes_like():
    samples = _samples()
    d1 = s4_codec.train_dictionary(samples, 4096)
    d2 = s4_codec.train_dictionary((bytearray(s) for s in samples), size=4096)
    d3 = s4_codec.train_dictionary(samples=[memoryview(s) for s in samples], size=4096)
    assert d1 == d2 == d3


def test_train_dictionary_errors():
    with pytest.raises(TypeError):
        s4_codec.train_dictionary(b"not a list of samples", 4096)
    with pytest.raises(TypeError):
        s4_codec.train_dictionary(["str"], 4096)
    with pytest.raises(ValueError):
        s4_codec.train_dictionary(_samples(), 0)
    with pytest.raises(OverflowError):
        s4_codec.train_dictionary(_samples(), -1)
    # S4 §2.2: a ZDICT error is Io (an empty result would be Backend).
    with pytest.raises(s4_codec.S4IoError, match=r"^io: "):
        s4_codec.train_dictionary([b"a", b"b"], 4096)  # far too little to train on


def test_train_dictionary_survives_samples_that_mutate_their_list():
    samples = _samples()

    class Evil:
        """A bytes-like sample whose buffer export empties the caller's list."""

        def __init__(self, data):
            self.data = data

        def __buffer__(self, flags):
            samples.clear()
            return memoryview(self.data)

    import sys

    if sys.version_info < (3, 12):
        pytest.skip("__buffer__ needs Python 3.12")
    samples.append(Evil(b"x" * 100))
    assert len(s4_codec.train_dictionary(samples, 4096)) > 0


# ------------------------------------------------------------------ interpreters


def test_module_loads_in_subinterpreters():
    # Multi-phase init and module state: each interpreter gets its own module and classes.
    testcapi = pytest.importorskip("_testcapi")
    code = (
        "import s4_codec\n"
        "c = s4_codec.CpuZstd(4)\n"
        "p, n, crc = c.compress(b'sub' * 1000)\n"
        "assert c.decompress(p, n, crc) == b'sub' * 1000\n"
        "try:\n"
        "    c.decompress(p, n, crc ^ 1)\n"
        "except s4_codec.S4CrcMismatchError:\n"
        "    pass\n"
        "else:\n"
        "    raise SystemExit(1)\n"
    )
    for _ in range(3):
        assert testcapi.run_in_subinterp(code) == 0
    assert s4_codec.CpuZstd(4).level == 4  # the main interpreter's module is untouched
