"""Type stubs for s4_codec (drop-in for S4's s4_codec 1.5.2, on libs4codec)."""

import sys
import io
from typing import Dict, Final, Iterable, List, Optional, Tuple, TypedDict, final

if sys.version_info >= (3, 12):
    from collections.abc import Buffer as _BytesLike
    from collections.abc import Buffer as _WritableBuffer
else:
    from typing import Union
    from array import array
    from mmap import mmap

    _BytesLike = Union[bytes, bytearray, memoryview, array, mmap]
    _WritableBuffer = Union[bytearray, memoryview, array, mmap]

__all__ = [
    "NvcompBitcomp",
    "NvcompGDeflate",
    "NvcompLz4",
    "NvcompZstd",
    "gpu_unavailable_reason",
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
    "S4StateError",
    "S4StateForeignError",
    "S4StateVersionError",
    "S4CheckpointIndexError",
    "S4NotAtCheckpointError",
    "CHECKPOINT_INDEX_SUFFIX",
    "Decompressor",
    "build_index",
    "inspect_state",
    "open",
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

__version__: Final[str]
s4codec_version: Final[str]

FRAME_MAGIC: Final[bytes]
PADDING_MAGIC: Final[bytes]
FRAME_HEADER_BYTES: Final[int]
SIDECAR_SUFFIX: Final[str]
MAX_DECOMPRESSED_BYTES: Final[int]

class _Codec:
    @property
    def level(self) -> int:
        """The effective level, after clamping."""
    @property
    def codec(self) -> str:
        """S4's codec name, e.g. 'cpu-zstd'."""
    def compress(self, data: _BytesLike) -> Tuple[bytes, int, int]:
        """Returns (payload, original_size, crc32c of data)."""
    def decompress(self, data: _BytesLike, original_size: int, crc32c: int) -> bytes:
        """Decodes with S4's manifest checks (compressed_size = len(data))."""
    def decompress_into(
        self, data: _BytesLike, original_size: int, crc32c: int, out: _WritableBuffer
    ) -> int:
        """decompress() into `out` (at least original_size bytes); returns original_size."""

@final
class CpuZstd(_Codec):
    def __new__(cls, level: int = 3) -> "CpuZstd": ...

@final
class CpuGzip(_Codec):
    def __new__(cls, level: int = 6) -> "CpuGzip": ...

@final
class CpuZstdDict(_Codec):
    def __new__(cls, dict_bytes: _BytesLike, level: int = 3) -> "CpuZstdDict": ...
    @property
    def dict_len(self) -> int: ...

@final
class CpuLz4(_Codec):
    def __new__(
        cls,
        level: int = 0,
        block_size_id: int = 0,
        block_linked: bool = False,
        content_checksum: bool = False,
        block_checksum: bool = False,
        content_size: bool = False,
    ) -> "CpuLz4": ...
    @property
    def block_size_id(self) -> int: ...
    @property
    def block_linked(self) -> bool: ...
    @property
    def content_checksum(self) -> bool: ...
    @property
    def block_checksum(self) -> bool: ...
    @property
    def content_size(self) -> bool: ...

# GPU codecs through nvCOMP (docs/gpu.md): FCG1 blobs of 64 KiB chunks.

class _GpuCodec(_Codec):
    def compress_batch(self, data: Iterable[_BytesLike]) -> List[Tuple[bytes, int, int]]:
        """Compresses every object in one nvCOMP launch; each result equals compress()'s."""
    def decompress_batch(self, items: Iterable[Tuple[_BytesLike, int, int]]) -> List[bytes]:
        """Decodes (data, original_size, crc32c) items in one launch, with decompress()'s checks."""

@final
class NvcompZstd(_GpuCodec):
    """Raises S4BackendError without a GPU."""
    def __new__(cls) -> "NvcompZstd": ...

@final
class NvcompBitcomp(_GpuCodec):
    """Raises S4BackendError without a GPU. data_type: char (default), u8, u16, u32, u64,
    i8, i16, i32, i64, f32, f64, bf16, or 0..11."""
    def __new__(cls, data_type: "str | int" = "char") -> "NvcompBitcomp": ...
    @property
    def data_type(self) -> str: ...

@final
class NvcompGDeflate(_GpuCodec):
    """Raises S4BackendError without a GPU."""
    def __new__(cls) -> "NvcompGDeflate": ...

@final
class NvcompLz4(_GpuCodec):
    """Constructs without a GPU: decompress then runs on the CPU, compress raises S4BackendError."""
    def __new__(cls) -> "NvcompLz4": ...

def gpu_unavailable_reason() -> str: ...
def crc32c(data: _BytesLike, value: int = 0) -> int: ...
def gpu_available() -> bool: ...
def train_dictionary(samples: Iterable[_BytesLike], size: int) -> bytes: ...

# S4 container functions (s4-compat.md §3-4, §7.2).

_FrameHeader = TypedDict(
    "_FrameHeader", {"codec": str, "original_size": int, "compressed_size": int, "crc32c": int}
)
_IndexEntry = TypedDict(
    "_IndexEntry",
    {"original_offset": int, "original_size": int, "compressed_offset": int, "compressed_size": int},
)
_SseBinding = TypedDict(
    "_SseBinding",
    {
        "enc_chunk_size": int,
        "enc_chunk_count": int,
        "enc_key_id": int,
        "enc_salt": bytes,
        "enc_plaintext_len": int,
        "enc_header_bytes": int,
    },
)
_SidecarIndex = TypedDict(
    "_SidecarIndex",
    {
        "total_padded_size": int,
        "total_original_size": int,
        "source_etag": Optional[str],
        "source_compressed_size": Optional[int],
        "entries": List[_IndexEntry],
        "sse": Optional[_SseBinding],
    },
)
_EncodedObject = TypedDict(
    "_EncodedObject", {"body": bytes, "sidecar": Optional[bytes], "metadata": Dict[str, str]}
)

def read_frame(data: _BytesLike) -> Tuple[_FrameHeader, bytes, bytes]: ...
def frame_iter(data: _BytesLike) -> List[Tuple[_FrameHeader, bytes]]: ...
def decode_index(data: _BytesLike) -> _SidecarIndex: ...
def encode_s4_object(
    data: _BytesLike, codec: str = "cpu-zstd", level: int = 3, threads: int = 0
) -> _EncodedObject: ...
def bind_index(
    sidecar: _BytesLike, source_compressed_size: int, source_etag: Optional[str] = None
) -> bytes: ...
def pick_chunk_size(content_length: int) -> int: ...

class S4Error(ValueError):
    status: str
class S4CrcMismatchError(S4Error):
    expected: int
    got: int
class S4SizeMismatchError(S4Error):
    expected: int
    got: int
class S4CodecMismatchError(S4Error): ...
class S4UnregisteredCodecError(S4Error): ...
class S4ManifestSizeExceedsLimitError(S4Error):
    requested: int
    limit: int
class S4ManifestSizeMismatchError(S4Error): ...
class S4FrameError(S4Error): ...
class S4IndexError(S4Error): ...

class S4BackendError(RuntimeError):
    status: str

class S4IoError(OSError):
    status: str

# Resumable streaming decoding and random access (ours).

class S4StateError(S4IoError): ...
class S4StateForeignError(S4StateError): ...
class S4StateVersionError(S4StateError): ...
class S4CheckpointIndexError(S4StateError): ...
class S4NotAtCheckpointError(S4Error): ...

CHECKPOINT_INDEX_SUFFIX: str

_Position = TypedDict(
    "_Position",
    {
        "consumed": int,
        "produced": int,
        "at_checkpoint": bool,
        "checkpoints": int,
        "resume_offset": int,
        "resume_produced": int,
    },
)
_StateInfo = TypedDict(
    "_StateInfo",
    {
        "codec": str,
        "version": int,
        "consumed": int,
        "produced": int,
        "resume_offset": int,
        "resume_produced": int,
        "fingerprint_len": int,
        "at_checkpoint": bool,
    },
)

class Decompressor:
    def __init__(
        self,
        codec: Optional[str] = None,
        checkpoint_spacing: int = 0,
        stop_at_checkpoint: bool = False,
        dictionary: Optional[_BytesLike] = None,
    ) -> None: ...
    def decompress(self, data: _BytesLike, max_length: int = -1) -> bytes: ...
    def finish(self) -> None: ...
    @property
    def codec(self) -> Optional[str]: ...
    @property
    def needs_input(self) -> bool: ...
    @property
    def eof(self) -> bool: ...
    @property
    def unused_input(self) -> int: ...
    @property
    def consumed(self) -> int: ...
    @property
    def produced(self) -> int: ...
    @property
    def at_checkpoint(self) -> bool: ...
    @property
    def resume_offset(self) -> int: ...
    def checkpoint(self) -> _Position: ...
    def save(self) -> bytes: ...
    def clone(self) -> "Decompressor": ...
    @classmethod
    def load(
        cls,
        blob: _BytesLike,
        head: _BytesLike,
        checkpoint_spacing: int = 0,
        stop_at_checkpoint: bool = False,
        dictionary: Optional[_BytesLike] = None,
    ) -> "Decompressor": ...

def inspect_state(blob: _BytesLike) -> _StateInfo: ...
def build_index(path: str, spacing: int = 0, index_path: Optional[str] = None) -> str: ...
def open(path: str, mode: str = "rb", index: bool = True, checkpoint_spacing: int = 0, threads: int = 0) -> io.BufferedIOBase: ...
