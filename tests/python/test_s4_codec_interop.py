"""Differential checks: our codecs against python-zstandard, stdlib gzip, python-lz4
(lz4.frame) and the zstd/gzip/lz4 command-line tools, in both directions."""

import gzip
import shutil
import subprocess

import pytest

import s4_codec
from conftest import RAW_DICT, noisy_data, text_data

zstandard = pytest.importorskip("zstandard")
lz4_frame = pytest.importorskip("lz4.frame")

INTEROP_SIZES = [0, 1, 777, 65536, 65537, 300_001]


def _inputs():
    for size in INTEROP_SIZES:
        yield text_data(size, seed=size)
    yield noisy_data(200_000)


def _ours_decodes(codec, payload, data):
    assert codec.decompress(payload, len(data), s4_codec.crc32c(data)) == data


# ------------------------------------------------------------------ zstd


@pytest.mark.parametrize("level", [1, 3, 19])
def test_cpu_zstd_output_decoded_by_python_zstandard(level):
    c = s4_codec.CpuZstd(level)
    d = zstandard.ZstdDecompressor()
    for data in _inputs():
        payload = c.compress(data)[0]
        assert d.decompressobj().decompress(payload) == data
        assert d.decompress(payload, max_output_size=max(len(data), 1)) == data


@pytest.mark.parametrize("level", [1, 3, 19])
def test_python_zstandard_output_decoded_by_cpu_zstd(level):
    c = s4_codec.CpuZstd()
    for kw in ({}, {"write_content_size": False}, {"write_checksum": True}):
        z = zstandard.ZstdCompressor(level=level, **kw)
        for data in _inputs():
            _ours_decodes(c, z.compress(data), data)


def test_python_zstandard_multi_frame_payload_decoded_by_cpu_zstd():
    # S4 decodes concatenated frames (§2.1); python-zstandard writes one per call.
    z = zstandard.ZstdCompressor(level=3)
    a, b = text_data(70_000, 1), text_data(30_000, 2)
    _ours_decodes(s4_codec.CpuZstd(), z.compress(a) + z.compress(b), a + b)


def test_cpu_zstd_dict_interop_with_python_zstandard():
    samples = [b"id=%d name=user%d role=%s\n" % (i, i, b"admin" if i % 7 == 0 else b"user") * 3 for i in range(3000)]
    zdict = s4_codec.train_dictionary(samples, 8192)
    data = b"".join(samples[100:140])
    for d in (zdict, RAW_DICT):
        ours = s4_codec.CpuZstdDict(d, level=5)
        cdict = zstandard.ZstdCompressionDict(
            d, dict_type=zstandard.DICT_TYPE_AUTO if d is zdict else zstandard.DICT_TYPE_RAWCONTENT
        )
        payload = ours.compress(data)[0]
        assert zstandard.ZstdDecompressor(dict_data=cdict).decompressobj().decompress(payload) == data
        theirs = zstandard.ZstdCompressor(level=5, dict_data=cdict).compress(data)
        _ours_decodes(ours, theirs, data)


def test_zstd_frame_header_matches_s4():
    # S4 never pledges a size: no Frame_Content_Size, window descriptor for the level (§2.1).
    for level, wd in ((1, 0x48), (3, 0x58), (19, 0x68)):
        payload = s4_codec.CpuZstd(level).compress(noisy_data(100_000))[0]
        assert payload[:6] == bytes.fromhex("28b52ffd00") + bytes([wd]), level
        params = zstandard.get_frame_parameters(payload)
        assert params.content_size == zstandard.CONTENTSIZE_UNKNOWN
        assert not params.has_checksum


# ------------------------------------------------------------------ gzip


@pytest.mark.parametrize("level", [0, 1, 6, 9])
def test_cpu_gzip_output_decoded_by_stdlib_gzip(level):
    c = s4_codec.CpuGzip(level)
    for data in _inputs():
        assert gzip.decompress(c.compress(data)[0]) == data


@pytest.mark.parametrize("level", [0, 1, 6, 9])
def test_stdlib_gzip_output_decoded_by_cpu_gzip(level):
    c = s4_codec.CpuGzip()
    for data in _inputs():
        _ours_decodes(c, gzip.compress(data, compresslevel=level), data)
        _ours_decodes(c, gzip.compress(data, compresslevel=level, mtime=0), data)


def test_cpu_gzip_reads_only_the_first_member_as_s4():
    # flate2's GzDecoder stops after one member and ignores the rest (§2.3).
    a, b = text_data(5000, 1), text_data(5000, 2)
    _ours_decodes(s4_codec.CpuGzip(), gzip.compress(a) + gzip.compress(b), a)


def test_cpu_gzip_reads_headers_with_optional_fields():
    import io

    data = text_data(10_000)
    buf = io.BytesIO()
    with gzip.GzipFile(filename="named.txt", mode="wb", fileobj=buf, mtime=1234567890) as f:
        f.write(data)
    _ours_decodes(s4_codec.CpuGzip(), buf.getvalue(), data)


# ------------------------------------------------------------------ lz4


BLOCK_BYTES = {4: 64 << 10, 5: 256 << 10, 6: 1 << 20, 7: 4 << 20}

LZ4_OPTIONS = [
    {},
    {"block_linked": True},
    {"content_checksum": True, "block_checksum": True},
    {"content_size": True},
    {"block_size_id": 7, "level": 9},
    {"level": -3, "block_size_id": 5},
]


@pytest.mark.parametrize("kw", LZ4_OPTIONS, ids=lambda kw: ",".join(kw) or "defaults")
def test_cpu_lz4_output_decoded_by_python_lz4(kw):
    c = s4_codec.CpuLz4(**kw)
    for data in _inputs():
        payload = c.compress(data)[0]
        assert lz4_frame.decompress(payload) == data
        info = lz4_frame.get_frame_info(payload)
        assert info["content_checksum"] == kw.get("content_checksum", False)
        assert info["block_checksum"] == kw.get("block_checksum", False)
        # liblz4 marks a frame of a single block independent, whatever was asked.
        one_block = len(data) <= BLOCK_BYTES[kw.get("block_size_id", 4)]
        assert info["block_linked"] == (kw.get("block_linked", False) and not one_block)
        if kw.get("content_size") and data:
            assert info["content_size"] == len(data)


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"block_linked": False},
        {"content_checksum": True, "block_checksum": True},
        {"store_size": False},
        {"block_size": lz4_frame.BLOCKSIZE_MAX4MB, "compression_level": 9},
    ],
    ids=lambda kw: ",".join(kw) or "defaults",
)
def test_python_lz4_output_decoded_by_cpu_lz4(kw):
    c = s4_codec.CpuLz4()
    for data in _inputs():
        _ours_decodes(c, lz4_frame.compress(data, **kw), data)


def test_cpu_lz4_defaults_to_independent_64k_blocks_without_checksums():
    payload = s4_codec.CpuLz4().compress(text_data(500_000))[0]
    info = lz4_frame.get_frame_info(payload)
    assert info["block_size_id"] == 4
    assert info["block_linked"] is False
    assert info["content_checksum"] is False and info["block_checksum"] is False
    assert info["content_size"] == 0


# ------------------------------------------------------------------ command-line tools


def _cli(tool, args, stdin):
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed")
    return subprocess.run([tool, *args], input=stdin, capture_output=True, check=True).stdout


@pytest.mark.parametrize("cls, tool", [("CpuZstd", "zstd"), ("CpuGzip", "gzip"), ("CpuLz4", "lz4")])
def test_cli_tools_both_ways(cls, tool):
    codec = getattr(s4_codec, cls)()
    data = text_data(300_000)
    assert _cli(tool, ["-d", "-c"], codec.compress(data)[0]) == data
    _ours_decodes(codec, _cli(tool, ["-c"], data), data)
