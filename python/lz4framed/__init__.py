"""lz4framed: drop-in for py-lz4framed 0.14.0 (Iotic-Labs) on libs4codec.

The functions and constants come from the ``_s4codec._lz4framed`` submodule of the one
extension module (compression: liblz4's LZ4F; decompression: libs4codec's LZ4 frame decoder).
``Compressor`` and ``Decompressor`` are the original's pure-Python classes, with the
documented defects fixed (see docs/python.md, "lz4framed").
"""

from collections.abc import Iterable as _Iterable
import sys as _sys
from threading import Lock

import _s4codec

# The submodule object is not importable by name until registered (the extension is one file).
_sys.modules.setdefault('_s4codec._lz4framed', _s4codec._lz4framed)

from _s4codec._lz4framed import (  # noqa: F401
    LZ4_VERSION,
    LZ4F_BLOCKSIZE_DEFAULT,
    LZ4F_BLOCKSIZE_MAX1MB,
    LZ4F_BLOCKSIZE_MAX4MB,
    LZ4F_BLOCKSIZE_MAX64KB,
    LZ4F_BLOCKSIZE_MAX256KB,
    LZ4F_COMPRESSION_MAX,
    LZ4F_COMPRESSION_MIN,
    LZ4F_COMPRESSION_MIN_HC,
    LZ4F_ERROR_GENERIC,
    LZ4F_ERROR_allocation_failed,
    LZ4F_ERROR_blockChecksum_invalid,
    LZ4F_ERROR_blockMode_invalid,
    LZ4F_ERROR_compressionLevel_invalid,
    LZ4F_ERROR_contentChecksum_invalid,
    LZ4F_ERROR_contentChecksumFlag_invalid,
    LZ4F_ERROR_decompressionFailed,
    LZ4F_ERROR_dstMaxSize_tooSmall,
    LZ4F_ERROR_frameDecoding_alreadyStarted,
    LZ4F_ERROR_frameHeader_incomplete,
    LZ4F_ERROR_frameSize_wrong,
    LZ4F_ERROR_frameType_unknown,
    LZ4F_ERROR_headerChecksum_invalid,
    LZ4F_ERROR_headerVersion_wrong,
    LZ4F_ERROR_maxBlockSize_invalid,
    LZ4F_ERROR_reservedFlag_set,
    LZ4F_ERROR_srcPtr_wrong,
    LZ4F_ERROR_srcSize_tooLarge,
    LZ4F_VERSION,
    Lz4FramedError,
    Lz4FramedNoDataError,
    clone_decompression_context,
    compress,
    compress_begin,
    compress_end,
    compress_update,
    create_compression_context,
    create_decompression_context,
    decompress,
    decompress_dump,
    decompress_update,
    get_block_size,
    get_decompression_position,
    get_frame_info,
    marshal_decompression_checksum_context,
    marshal_decompression_context,
    unmarshal_decompression_checksum_context,
    unmarshal_decompression_context,
)

__version__ = "0.14.0"

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

_HEADER_MAX = 15  # magic + FLG + BD + content size + header checksum


class Compressor(object):
    """Compresses into one LZ4 frame, written to ``fp`` or returned by update()/end().

    Fixes over the original: end() without any update() gives a valid (empty) frame, and
    leaving a ``with`` block by an exception does not finish the frame.
    """

    def __init__(self, fp=None, block_size_id=LZ4F_BLOCKSIZE_DEFAULT, block_mode_linked=True,
                 checksum=False, autoflush=False, level=LZ4F_COMPRESSION_MIN, block_checksum=False):
        if fp is not None:
            write = fp.write
            if not callable(write):
                raise TypeError('fp.write not callable')
            self.__write = write
        else:
            self.__write = None
        self.__lock = Lock()
        self.__ctx = create_compression_context()
        self.__header = compress_begin(self.__ctx, block_size_id=block_size_id,
                                       block_mode_linked=block_mode_linked, checksum=checksum,
                                       autoflush=autoflush, level=level,
                                       block_checksum=block_checksum)

    def __enter__(self):
        if self.__write is None:
            raise ValueError('Context only usable when fp supplied')
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        if exc_type is None:
            self.end()
        return False

    def __take_header(self):
        header, self.__header = self.__header, b''
        return header

    def update(self, b):
        """Compresses b; writes to fp (returns None) or returns the bytes made so far (may be
        empty). Empty b raises Lz4FramedNoDataError."""
        with self.__lock:
            body = compress_update(self.__ctx, b)  # first: an error keeps the header pending
            out = self.__take_header() + body
            if self.__write is None:
                return out
            self.__write(out)
            return None

    def end(self):
        """Finishes the frame (header too when nothing was compressed)."""
        with self.__lock:
            body = compress_end(self.__ctx)
            out = self.__take_header() + body
            if self.__write is None:
                return out
            self.__write(out)
            return None


class Decompressor(_Iterable):
    """Iterates over the decompressed chunks of the first LZ4 frame read from ``fp``.

    With the ph4r05 fork's continuation API: ``setfp`` swaps the input source (e.g. after a
    dropped connection), ``setctx`` the decompression context (a clone, or one from
    ``unmarshal_decompression_context``); a finished or aborted iteration can simply be
    started again. ``data_read``, ``next_data_block``, ``last_read_aligned`` and
    ``last_hint`` say where the input stands.
    """

    def __init__(self, fp):
        self.__lock = Lock()
        self.__read = None
        self.__ctx = create_decompression_context()
        self.__frame_info = None
        self.__data_read = 0
        self.__last_hint = 0
        self.__next_data_block = 0
        self.__last_read_aligned = False
        self.__first15 = None
        self.setfp(fp)

    @staticmethod
    def __reader(fp):
        if fp is None:
            raise TypeError('fp')
        read = fp.read
        if not callable(read):
            raise TypeError('fp.read not callable')
        return read

    def setfp(self, fp):
        """Reads the rest of the stream from ``fp`` (positioned where the context stands:
        ``data_read``)."""
        read = self.__reader(fp)
        with self.__lock:
            self.__read = read

    def setctx(self, ctx):
        """Continues with decompression context ``ctx`` (a clone or an unmarshalled one);
        ``data_read`` becomes the context's absolute input position."""
        consumed, _ = get_decompression_position(ctx)  # ValueError('ctx invalid') for others
        with self.__lock:
            self.__ctx = ctx
            self.__data_read = consumed
            self.__next_data_block = consumed
            self.__last_hint = 0
            self.__last_read_aligned = True
            try:
                self.__frame_info = get_frame_info(ctx)
            except Lz4FramedError:
                self.__frame_info = None

    @property
    def frame_info(self):
        """get_frame_info()'s dict once the header was read, else None."""
        return self.__frame_info

    @property
    def ctx(self):
        """The decompression context (capsule): clone or marshal it."""
        return self.__ctx

    @property
    def data_read(self):
        """Compressed bytes the context has consumed: the absolute input offset it stands at
        (a context from setctx() keeps its own position)."""
        return self.__data_read

    @property
    def last_hint(self):
        """Bytes the last read asked for (the decoder's hint)."""
        return self.__last_hint

    @property
    def next_data_block(self):
        """Input offset at which the last read was meant to end: just after the next block's
        4-byte header, where that block's payload begins. Equal to ``data_read`` when the
        last read was aligned; a state marshalled then continues from this offset."""
        return self.__next_data_block

    @property
    def last_read_aligned(self):
        """The last read returned exactly the bytes asked for: the context stands on a block
        boundary (its marshalled state is smallest there)."""
        return self.__last_read_aligned

    @property
    def first15(self):
        """The bytes of the read during which the header was parsed (at most 15), or None."""
        return self.__first15

    def _read(self, read, hint):
        data = read(hint)
        if not data:
            raise Lz4FramedNoDataError()
        self.__last_hint = hint
        self.__next_data_block = self.__data_read + hint
        self.__data_read += len(data)
        self.__last_read_aligned = len(data) == hint
        return data

    def __iter__(self):
        with self.__lock:
            read = self.__read
            ctx = self.__ctx
            chunk_len = 32
            hint = _HEADER_MAX
            if self.__frame_info is None:
                try:
                    self.__frame_info = get_frame_info(ctx)
                except Lz4FramedError:
                    pass
            while self.__frame_info is None:
                data = self._read(read, hint)
                if self.__first15 is None:
                    self.__first15 = bytes(data[:_HEADER_MAX])
                out = decompress_update(ctx, data, chunk_len)
                hint = out.pop()
                try:
                    self.__frame_info = get_frame_info(ctx)
                except Lz4FramedError as e:
                    # a short first read (pipe, socket): keep reading the header
                    if e.args[1] not in (LZ4F_ERROR_frameHeader_incomplete,
                                         LZ4F_ERROR_frameDecoding_alreadyStarted):
                        raise
                    if hint == 0:
                        return
                    continue
                chunk_len = get_block_size(self.__frame_info['block_size_id'])
                for chunk in out:
                    yield chunk
                break
            else:
                # continuing (a later iteration, or a context from setctx): follow its hint
                chunk_len = get_block_size(self.__frame_info['block_size_id'])
                hint = get_frame_info(ctx)['input_hint']
            while hint:
                out = decompress_update(ctx, self._read(read, hint), chunk_len)
                hint = out.pop()
                for chunk in out:
                    yield chunk
