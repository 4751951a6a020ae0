"""s4_codec: drop-in for S4's Python module (abyo-software/s4 v1.5.2) on libs4codec.

Codec classes return ``(payload, original_size, crc32c)`` from ``compress`` and run S4's
manifest checks, in S4's order, in ``decompress``. Everything here comes from the
``_s4codec`` extension module; see docs/python.md for the differences from upstream.
"""

from _s4codec import (
    FRAME_HEADER_BYTES,
    FRAME_MAGIC,
    MAX_DECOMPRESSED_BYTES,
    PADDING_MAGIC,
    SIDECAR_SUFFIX,
    CpuGzip,
    CpuLz4,
    CpuZstd,
    CpuZstdDict,
    S4BackendError,
    S4CodecMismatchError,
    S4CrcMismatchError,
    S4Error,
    S4FrameError,
    S4IndexError,
    S4IoError,
    S4ManifestSizeExceedsLimitError,
    S4ManifestSizeMismatchError,
    S4SizeMismatchError,
    S4UnregisteredCodecError,
    bind_index,
    crc32c,
    decode_index,
    encode_s4_object,
    frame_iter,
    gpu_available,
    pick_chunk_size,
    read_frame,
    s4codec_version,
    train_dictionary,
)

#: S4's version: this package is a drop-in for ``s4_codec`` 1.5.2.
__version__ = "1.5.2"

__all__ = [
    "CpuGzip",
    "CpuLz4",
    "CpuZstd",
    "CpuZstdDict",
    "FRAME_HEADER_BYTES",
    "FRAME_MAGIC",
    "MAX_DECOMPRESSED_BYTES",
    "PADDING_MAGIC",
    "SIDECAR_SUFFIX",
    "S4BackendError",
    "S4CodecMismatchError",
    "S4CrcMismatchError",
    "S4Error",
    "S4FrameError",
    "S4IndexError",
    "S4IoError",
    "S4ManifestSizeExceedsLimitError",
    "S4ManifestSizeMismatchError",
    "S4SizeMismatchError",
    "S4UnregisteredCodecError",
    "__version__",
    "bind_index",
    "crc32c",
    "decode_index",
    "encode_s4_object",
    "frame_iter",
    "gpu_available",
    "pick_chunk_size",
    "read_frame",
    "s4codec_version",
    "train_dictionary",
]
