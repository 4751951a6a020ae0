"""s4_codec's exception tree (s4-compat.md §7.4): classes, bases, module, and the exact
messages, each triggered for real through the codecs."""

import pytest

import s4_codec
from conftest import CODEC_FACTORIES, RAW_DICT, text_data

TREE = {
    "S4Error": ValueError,
    "S4CrcMismatchError": "S4Error",
    "S4SizeMismatchError": "S4Error",
    "S4CodecMismatchError": "S4Error",
    "S4UnregisteredCodecError": "S4Error",
    "S4ManifestSizeExceedsLimitError": "S4Error",
    "S4ManifestSizeMismatchError": "S4Error",
    "S4BackendError": RuntimeError,
    "S4IoError": OSError,
    "S4FrameError": "S4Error",
    "S4IndexError": "S4Error",
}


@pytest.mark.parametrize("name", sorted(TREE))
def test_exception_class_base_and_module(name):
    cls = getattr(s4_codec, name)
    base = TREE[name]
    base = getattr(s4_codec, base) if isinstance(base, str) else base
    assert cls.__bases__ == (base,)
    assert cls.__module__ == "s4_codec"
    assert cls.__name__ == name
    assert issubclass(cls, Exception)


def test_io_and_backend_errors_are_not_s4error():
    assert not issubclass(s4_codec.S4IoError, s4_codec.S4Error)
    assert not issubclass(s4_codec.S4BackendError, s4_codec.S4Error)
    assert issubclass(s4_codec.S4Error, ValueError)


# Bomb-message prefixes of S4 (§1.4); cpu-lz4 is ours and follows the same form ("lz4").
BOMB_PREFIX = {"cpu-zstd": "zstd", "cpu-gzip": "gzip", "cpu-zstd-dict": "zstd-dict", "cpu-lz4": "lz4"}


def _payload(codec, size=300_000):
    data = text_data(size)
    return (data,) + codec.compress(data)


def test_crc_flip(codec):
    data, payload, n, crc = _payload(codec)
    bad = crc ^ 0x00000100
    with pytest.raises(s4_codec.S4CrcMismatchError) as ei:
        codec.decompress(payload, n, bad)
    assert str(ei.value) == "crc32c mismatch: expected 0x%08x, got 0x%08x" % (bad, crc)
    assert (ei.value.expected, ei.value.got) == (bad, crc)
    assert ei.value.status == "S4C_ERROR_CRC_MISMATCH"
    assert isinstance(ei.value, ValueError)


def test_crc_message_pads_to_8_hex_digits(codec):
    payload, n, crc = codec.compress(b"x")
    with pytest.raises(s4_codec.S4CrcMismatchError, match=r"^crc32c mismatch: expected 0x00000007, got 0x[0-9a-f]{8}$"):
        codec.decompress(payload, n, 7)


def test_original_size_too_large_is_size_mismatch(codec):
    data, payload, n, crc = _payload(codec)
    for claimed in (n + 1, n + 5000):
        with pytest.raises(s4_codec.S4SizeMismatchError) as ei:
            codec.decompress(payload, claimed, crc)
        assert str(ei.value) == f"size mismatch: expected {claimed}, got {n}"
        assert (ei.value.expected, ei.value.got) == (claimed, n)


def test_original_size_one_too_small_is_a_bomb(codec_name, codec):
    data, payload, n, crc = _payload(codec)
    with pytest.raises(s4_codec.S4IoError) as ei:
        codec.decompress(payload, n - 1, crc)
    msg = str(ei.value)
    assert ei.value.status == "S4C_ERROR_DECOMPRESSION_BOMB"
    assert isinstance(ei.value, OSError)
    if codec_name in BOMB_PREFIX:
        assert msg == (
            f"io: {BOMB_PREFIX[codec_name]} decompression bomb detected: produced at least {n} bytes "
            f"(truncated at cap = manifest.original_size + 1024 = {n - 1 + 1024}); manifest claimed {n - 1}"
        )
    else:
        assert msg.startswith("io: ") and "decompression bomb detected" in msg


def test_bomb_with_more_beyond_the_cap(codec_name, codec):
    data, payload, n, crc = _payload(codec)
    with pytest.raises(s4_codec.S4IoError) as ei:
        codec.decompress(payload, 10, crc)
    msg = str(ei.value)
    if codec_name in BOMB_PREFIX:
        assert msg == (
            f"io: {BOMB_PREFIX[codec_name]} decompression bomb detected: produced at least 1034 bytes "
            "(truncated at cap = manifest.original_size + 1024 = 1034); manifest claimed 10"
            "; decoder had more bytes available beyond the cap"
        )
    else:
        assert msg.startswith("io: ") and msg.endswith("; decoder had more bytes available beyond the cap")


def test_empty_payload_claiming_zero_bytes(codec_name, codec):
    # S4: an empty payload is not a valid stream for any codec (zstd: "incomplete frame").
    with pytest.raises(s4_codec.S4IoError) as ei:
        codec.decompress(b"", 0, 0)
    assert str(ei.value).startswith("io: ")
    if codec_name in ("cpu-zstd", "cpu-zstd-dict"):
        assert str(ei.value) == "io: incomplete frame"


@pytest.mark.parametrize("claimed", [5 * 1024**3 + 1, 2**40, 2**64 - 1])
def test_over_5_gib_is_refused_before_decoding(codec, claimed):
    with pytest.raises(s4_codec.S4ManifestSizeExceedsLimitError) as ei:
        codec.decompress(b"not even a valid payload", claimed, 0)
    assert str(ei.value) == f"manifest claims {claimed} bytes but limit is 5368709120"
    assert (ei.value.requested, ei.value.limit) == (claimed, 5368709120)
    assert isinstance(ei.value, s4_codec.S4Error)


def test_exactly_5_gib_is_allowed_and_reports_the_short_output():
    z = s4_codec.CpuZstd()
    payload, n, crc = z.compress(b"abc")
    try:
        with pytest.raises(s4_codec.S4SizeMismatchError) as ei:
            z.decompress(payload, 5 * 1024**3, crc)
    except MemoryError:
        pytest.skip("this machine refuses a 5 GiB (lazily committed) allocation")
    assert str(ei.value) == f"size mismatch: expected {5 * 1024**3}, got 3"


def test_empty_dictionary_is_backend_error():
    for empty in (b"", bytearray(), memoryview(b"")):
        with pytest.raises(s4_codec.S4BackendError) as ei:
            s4_codec.CpuZstdDict(empty)
        assert str(ei.value) == (
            "backend: zstd dictionary is empty (0 bytes) — refusing to build cpu-zstd-dict codec"
        )
        assert isinstance(ei.value, RuntimeError)
        assert ei.value.status == "S4C_ERROR_EMPTY_DICTIONARY"


def test_zstd_corrupt_and_truncated_data():
    z = s4_codec.CpuZstd()
    data, payload, n, crc = _payload(z)
    with pytest.raises(s4_codec.S4IoError) as ei:
        z.decompress(payload[: len(payload) // 2], n, crc)
    assert str(ei.value) == "io: incomplete frame"
    with pytest.raises(s4_codec.S4IoError) as ei:
        z.decompress(b"this is not zstd at all", n, crc)
    assert str(ei.value) == "io: Unknown frame descriptor"
    with pytest.raises(s4_codec.S4IoError) as ei:
        z.decompress(payload + b"trailing garbage", n, crc)
    assert str(ei.value) == "io: Unknown frame descriptor"


def test_zstd_dict_frame_without_its_dictionary():
    d = s4_codec.train_dictionary(
        [b"key=%d value=%d flag=yes\n" % (i, i * i) * 3 for i in range(3000)], 4096
    )
    payload, n, crc = s4_codec.CpuZstdDict(d).compress(b"key=1 value=1 flag=yes\n" * 20)
    with pytest.raises(s4_codec.S4IoError) as ei:
        s4_codec.CpuZstd().decompress(payload, n, crc)
    assert str(ei.value) == "io: Dictionary mismatch"


def test_wrong_raw_dictionary_gives_crc_mismatch():
    data = text_data(20_000)
    payload, n, crc = s4_codec.CpuZstdDict(RAW_DICT).compress(data)
    other = bytes(reversed(RAW_DICT))
    try:
        s4_codec.CpuZstdDict(other).decompress(payload, n, crc)
    except (s4_codec.S4CrcMismatchError, s4_codec.S4IoError, s4_codec.S4SizeMismatchError):
        pass
    else:  # decoding the same bytes with another raw dictionary is possible only by luck
        pytest.fail("a wrong raw dictionary decoded to the right bytes")


def test_gzip_corrupt_trailer_and_garbage():
    g = s4_codec.CpuGzip()
    data, payload, n, crc = _payload(g)
    broken = bytearray(payload)
    broken[-5] ^= 0xFF  # trailer CRC-32
    with pytest.raises(s4_codec.S4IoError) as ei:
        g.decompress(bytes(broken), n, crc)
    assert str(ei.value) == "io: corrupt gzip stream does not have a matching checksum"
    for bad in (b"\x1f\x8b", b"definitely not gzip", payload[:-12]):
        with pytest.raises(s4_codec.S4IoError) as ei:
            g.decompress(bad, n, crc)
        assert str(ei.value).startswith("io: ")


def test_lz4_corrupt_and_truncated():
    c = s4_codec.CpuLz4(content_checksum=True)
    data, payload, n, crc = _payload(c)
    for bad in (payload[:-7], b"\x04\x22\x4d\x18garbage", b"not lz4 at all", payload[:5]):
        with pytest.raises(s4_codec.S4IoError) as ei:
            c.decompress(bad, n, crc)
        assert str(ei.value).startswith("io: ")
    broken = bytearray(payload)
    broken[len(broken) // 2] ^= 0x55
    with pytest.raises((s4_codec.S4IoError, s4_codec.S4CrcMismatchError, s4_codec.S4SizeMismatchError)):
        c.decompress(bytes(broken), n, crc)


@pytest.mark.parametrize("flip_at", [0.25, 0.5, 0.9])
def test_corrupted_payload_never_passes(codec, flip_at):
    data, payload, n, crc = _payload(codec, 100_000)
    broken = bytearray(payload)
    broken[int(len(broken) * flip_at)] ^= 0x10
    try:
        out = codec.decompress(bytes(broken), n, crc)
    except (s4_codec.S4Error, s4_codec.S4IoError):
        return
    assert out == data  # a flip in padding bits may decode to the same bytes


def test_usage_errors_are_value_errors_not_s4_errors():
    with pytest.raises(ValueError) as ei:
        s4_codec.CpuLz4(block_size_id=1)
    assert not isinstance(ei.value, s4_codec.S4Error)
    assert ei.value.status == "S4C_ERROR_INVALID_ARGUMENT"


# ------------------------------------------------------------------ every status → its class

import _s4codec  # noqa: E402  (the extension: its _raise_status test hook)

# (status value, name, exception): the S4 class of each status in include/s4codec.h.
STATUS_EXCEPTIONS = [
    (1, "S4C_ERROR_INVALID_ARGUMENT", ValueError),
    (2, "S4C_ERROR_OUT_OF_MEMORY", MemoryError),
    (3, "S4C_ERROR_UNKNOWN_CODEC", ValueError),
    (4, "S4C_ERROR_CODEC_UNAVAILABLE", s4_codec.S4UnregisteredCodecError),
    (5, "S4C_ERROR_CODEC_MISMATCH", s4_codec.S4CodecMismatchError),
    (6, "S4C_ERROR_MANIFEST_SIZE_EXCEEDS_LIMIT", s4_codec.S4ManifestSizeExceedsLimitError),
    (7, "S4C_ERROR_MANIFEST_SIZE_MISMATCH", s4_codec.S4ManifestSizeMismatchError),
    (8, "S4C_ERROR_SIZE_MISMATCH", s4_codec.S4SizeMismatchError),
    (9, "S4C_ERROR_CRC_MISMATCH", s4_codec.S4CrcMismatchError),
    (10, "S4C_ERROR_DECOMPRESSION_BOMB", s4_codec.S4IoError),
    (11, "S4C_ERROR_CORRUPT_DATA", s4_codec.S4IoError),
    (12, "S4C_ERROR_TRUNCATED_INPUT", s4_codec.S4IoError),
    (13, "S4C_ERROR_DICTIONARY_MISMATCH", s4_codec.S4IoError),
    (14, "S4C_ERROR_CHECKSUM_MISMATCH", s4_codec.S4IoError),
    (15, "S4C_ERROR_UNKNOWN_FORMAT", s4_codec.S4IoError),
    (16, "S4C_ERROR_UNSUPPORTED", s4_codec.S4IoError),
    (17, "S4C_ERROR_DST_TOO_SMALL", ValueError),
    (18, "S4C_ERROR_EMPTY_DICTIONARY", s4_codec.S4BackendError),
    (19, "S4C_ERROR_BACKEND", s4_codec.S4BackendError),
    (20, "S4C_ERROR_STAGE", ValueError),
    (21, "S4C_ERROR_FAILED_STATE", ValueError),
    (22, "S4C_ERROR_TRAILING_DATA", s4_codec.S4IoError),
    (23, "S4C_ERROR_DICTIONARY_TRAINING", s4_codec.S4IoError),
    (24, "S4C_ERROR_NOT_AT_CHECKPOINT", ValueError),
    (25, "S4C_ERROR_STATE_INVALID", s4_codec.S4IoError),
    (26, "S4C_ERROR_STATE_VERSION", s4_codec.S4IoError),
    (27, "S4C_ERROR_STATE_FOREIGN", s4_codec.S4IoError),
    (28, "S4C_ERROR_CKINDEX_INVALID", s4_codec.S4IoError),
]


@pytest.mark.parametrize("value, name, exc", STATUS_EXCEPTIONS, ids=[s[1] for s in STATUS_EXCEPTIONS])
def test_every_status_maps_to_its_exception(value, name, exc):
    with pytest.raises(exc) as ei:
        _s4codec._raise_status(value, "some text")
    assert type(ei.value) is exc
    if exc is not MemoryError:
        assert ei.value.status == name


def test_statuses_beyond_the_list_are_s4error_codec_error():
    with pytest.raises(s4_codec.S4Error) as ei:
        _s4codec._raise_status(999, "whatever happened")
    assert type(ei.value) is s4_codec.S4Error
    assert str(ei.value) == "codec error: whatever happened"


@pytest.mark.parametrize(
    "value, message, offset, expected_text",
    [
        (5, "codec mismatch: expected CpuZstd, got CpuGzip", 0, "codec mismatch: expected CpuZstd, got CpuGzip"),
        (7, "manifest compressed_size 10 does not match payload length 9", 0,
         "manifest compressed_size 10 does not match payload length 9"),
        (4, "codec NvcompZstd is not registered in this CodecRegistry", 0,
         "codec NvcompZstd is not registered in this CodecRegistry"),
        (11, "io error: Unknown frame descriptor", len("io error: "), "io: Unknown frame descriptor"),
        (19, "compression backend error: nvcomp zstd decompress: oops", len("compression backend error: "),
         "backend: nvcomp zstd decompress: oops"),
        (1, "level out of range", 0, "level out of range"),
    ],
)
def test_message_forms(value, message, offset, expected_text):
    with pytest.raises(Exception) as ei:
        _s4codec._raise_status(value, message, cause_offset=offset)
    assert str(ei.value) == expected_text


def test_messages_built_from_values():
    with pytest.raises(s4_codec.S4CrcMismatchError, match=r"^crc32c mismatch: expected 0x0000abcd, got 0xffffffff$"):
        _s4codec._raise_status(9, "ignored", expected=0xABCD, got=0xFFFFFFFF)
    with pytest.raises(s4_codec.S4SizeMismatchError, match=r"^size mismatch: expected 7, got 3$"):
        _s4codec._raise_status(8, "ignored", expected=7, got=3)
    with pytest.raises(s4_codec.S4ManifestSizeExceedsLimitError,
                       match=r"^manifest claims 6442450944 bytes but limit is 5368709120$"):
        _s4codec._raise_status(6, "ignored", got=6 << 30, limit=5 << 30)


def test_missing_detail_text_falls_back_to_the_status_message():
    with pytest.raises(s4_codec.S4IoError) as ei:
        _s4codec._raise_status(12)
    assert str(ei.value) == "io: truncated compressed data"
