"""Type stubs for lz4framed (drop-in for py-lz4framed 0.14.0, on libs4codec)."""

import sys
from collections.abc import Iterable, Iterator
from threading import Lock as Lock
from typing import Any, Protocol, Union

if sys.version_info >= (3, 12):
    from collections.abc import Buffer as _BytesLike
else:
    from array import array
    from mmap import mmap

    _BytesLike = Union[bytes, bytearray, memoryview, array, mmap]

__all__ = [
    "Compressor",
    "Decompressor",
    "Lz4FramedError",
    "Lz4FramedNoDataError",
    "clone_decompression_context",
    "compress",
    "compress_begin",
    "compress_end",
    "compress_update",
    "create_compression_context",
    "create_decompression_context",
    "decompress",
    "decompress_dump",
    "decompress_update",
    "get_block_size",
    "get_decompression_position",
    "get_frame_info",
    "marshal_decompression_checksum_context",
    "marshal_decompression_context",
    "unmarshal_decompression_checksum_context",
    "unmarshal_decompression_context",
]

__version__: str
LZ4_VERSION: str
LZ4F_VERSION: int
LZ4F_BLOCKSIZE_DEFAULT: int
LZ4F_BLOCKSIZE_MAX64KB: int
LZ4F_BLOCKSIZE_MAX256KB: int
LZ4F_BLOCKSIZE_MAX1MB: int
LZ4F_BLOCKSIZE_MAX4MB: int
LZ4F_COMPRESSION_MIN: int
LZ4F_COMPRESSION_MIN_HC: int
LZ4F_COMPRESSION_MAX: int
LZ4F_ERROR_GENERIC: int
LZ4F_ERROR_maxBlockSize_invalid: int
LZ4F_ERROR_blockMode_invalid: int
LZ4F_ERROR_contentChecksumFlag_invalid: int
LZ4F_ERROR_compressionLevel_invalid: int
LZ4F_ERROR_headerVersion_wrong: int
LZ4F_ERROR_blockChecksum_invalid: int
LZ4F_ERROR_reservedFlag_set: int
LZ4F_ERROR_allocation_failed: int
LZ4F_ERROR_srcSize_tooLarge: int
LZ4F_ERROR_dstMaxSize_tooSmall: int
LZ4F_ERROR_frameHeader_incomplete: int
LZ4F_ERROR_frameType_unknown: int
LZ4F_ERROR_frameSize_wrong: int
LZ4F_ERROR_srcPtr_wrong: int
LZ4F_ERROR_decompressionFailed: int
LZ4F_ERROR_headerChecksum_invalid: int
LZ4F_ERROR_contentChecksum_invalid: int
LZ4F_ERROR_frameDecoding_alreadyStarted: int

class Lz4FramedError(Exception): ...
class Lz4FramedNoDataError(Exception): ...

_Ctx = Any  # a PyCapsule ("_lz4fcctx" / "_lz4fdctx")

def compress(
    b: _BytesLike,
    block_size_id: int = 0,
    block_mode_linked: bool = True,
    checksum: bool = False,
    level: int = 0,
    block_checksum: bool = False,
) -> bytes: ...
def decompress(b: _BytesLike, buffer_size: int = 1024) -> bytes: ...
def get_block_size(id: int = 0, /) -> int: ...
def create_compression_context() -> _Ctx: ...
def compress_begin(
    ctx: _Ctx,
    block_size_id: int = 0,
    block_mode_linked: bool = True,
    checksum: bool = False,
    autoflush: bool = False,
    level: int = 0,
    block_checksum: bool = False,
) -> bytes: ...
def compress_update(ctx: _Ctx, b: _BytesLike, /) -> bytes: ...
def compress_end(ctx: _Ctx, /) -> bytes: ...
def create_decompression_context() -> _Ctx: ...
def get_frame_info(ctx: _Ctx, /) -> dict[str, Union[int, bool]]: ...
def decompress_update(ctx: _Ctx, b: _BytesLike, chunk_len: int = 65536) -> list[Union[bytes, int]]: ...

# The ph4r05 fork's continuation API (blobs are S4CS saved states).
def clone_decompression_context(ctx: _Ctx) -> _Ctx: ...
def marshal_decompression_context(ctx: _Ctx) -> bytes: ...
def unmarshal_decompression_context(ctx: _BytesLike, head: Union[_BytesLike, None] = None) -> _Ctx: ...
def marshal_decompression_checksum_context(ctx: _Ctx) -> bytes: ...
def unmarshal_decompression_checksum_context(ctx: _Ctx, checksum: _BytesLike) -> None: ...
def decompress_dump(ctx: _Ctx) -> None: ...
def get_decompression_position(ctx: _Ctx, /) -> tuple[int, int]: ...

class _Writer(Protocol):
    def write(self, b: bytes, /) -> Any: ...

class _Reader(Protocol):
    def read(self, n: int, /) -> bytes: ...

class Compressor:
    def __init__(
        self,
        fp: Union[_Writer, None] = None,
        block_size_id: int = 0,
        block_mode_linked: bool = True,
        checksum: bool = False,
        autoflush: bool = False,
        level: int = 0,
        block_checksum: bool = False,
    ) -> None: ...
    def __enter__(self) -> Compressor: ...
    def __exit__(self, exc_type: Any, exc_value: Any, traceback: Any) -> bool: ...
    def update(self, b: _BytesLike) -> Union[bytes, None]: ...
    def end(self) -> Union[bytes, None]: ...

class Decompressor(Iterable[bytes]):
    def __init__(self, fp: _Reader) -> None: ...
    def setfp(self, fp: _Reader) -> None: ...
    def setctx(self, ctx: _Ctx) -> None: ...
    @property
    def frame_info(self) -> Union[dict[str, Union[int, bool]], None]: ...
    @property
    def ctx(self) -> _Ctx: ...
    @property
    def data_read(self) -> int: ...
    @property
    def last_hint(self) -> int: ...
    @property
    def next_data_block(self) -> int: ...
    @property
    def last_read_aligned(self) -> bool: ...
    @property
    def first15(self) -> Union[bytes, None]: ...
    def _read(self, read: Any, hint: int) -> bytes: ...
    def __iter__(self) -> Iterator[bytes]: ...
