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
    S4StateError,
    S4StateForeignError,
    S4StateVersionError,
    S4CheckpointIndexError,
    S4NotAtCheckpointError,
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

def _point_at_nvidia_wheels():
    """libs4codec dlopen()s libnvcomp / libcudart on first GPU use; when the PyPI wheels
    nvidia-libnvcomp-cu13 / nvidia-cuda-runtime are installed, name their files
    (S4C_NVCOMP_LIB / S4C_CUDART_LIB, unless already set). docs/gpu.md."""
    import glob
    import importlib.util
    import os

    for env, module, pattern in (
        ("S4C_NVCOMP_LIB", "nvidia.libnvcomp", "lib*/libnvcomp.so.*"),
        ("S4C_CUDART_LIB", "nvidia.cuda_runtime", "lib*/libcudart.so.*"),  # CUDA 12 wheels
        ("S4C_CUDART_LIB", "nvidia.cu13", "lib*/libcudart.so.*"),  # nvidia-cuda-runtime 13.x
    ):
        if os.environ.get(env):
            continue
        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError):
            continue
        for root in (spec.submodule_search_locations or []) if spec else []:
            hits = sorted(glob.glob(os.path.join(root, pattern)))
            if hits:
                os.environ[env] = hits[0]
                break


_point_at_nvidia_wheels()

# GPU codecs through nvCOMP (S4's kind names, never exposed by upstream, and our NvcompLz4):
# docs/gpu.md. Without a GPU, NvcompZstd/NvcompBitcomp/NvcompGDeflate() raise S4BackendError.
from _s4codec import (  # noqa: E402
    NvcompBitcomp,
    NvcompGDeflate,
    NvcompLz4,
    NvcompZstd,
    gpu_unavailable_reason,
)

# Resumable streaming decoding and random access (ours): docs/python.md, "Resumable decoding".
from s4_codec._stream import (  # noqa: E402
    CHECKPOINT_INDEX_SUFFIX,
    Decompressor,
    build_index,
    inspect_state,
    open,
)

#: S4's version: this package is a drop-in for ``s4_codec`` 1.5.2.
__version__ = "1.5.2"

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
