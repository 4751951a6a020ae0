"""Resumable streaming decoding: ``Decompressor`` and ``open()`` (see docs/python.md,
"Resumable decoding").

The decoding loop runs in C (``_s4codec._StreamDecoder``, GIL released); this module adds
the input buffering, the zlib/lzma-style interface, and the seekable file object.
"""

import io
import os
import threading

import _s4codec  # type: ignore  # the extension module ships no stub of its own
from _s4codec import (  # type: ignore
    S4IoError,
    S4NotAtCheckpointError,
    S4StateError,
    _CheckpointIndex,
    _StreamDecoder,
)

__all__ = ["Decompressor", "open", "build_index", "inspect_state", "CHECKPOINT_INDEX_SUFFIX"]

#: The suffix of a checkpoint index beside its file: ``data.zst`` → ``data.zst.s4ci``.
CHECKPOINT_INDEX_SUFFIX = ".s4ci"

#: Bytes of a stream's start that saved states fingerprint (at most).
FINGERPRINT_BYTES = 4096

_KINDS = {"cpu-zstd": 1, "cpu-gzip": 7, "cpu-lz4": 64}
_NAMES = {v: k for k, v in _KINDS.items()}


def _detect(head):
    """The codec kind of a stream from its first bytes (zstd also after skippable frames), or
    None when more bytes are needed; S4IoError for anything else."""
    return _s4codec._detect_kind(head)


def inspect_state(blob):
    """What a saved state says about itself (envelope checked: magic, version, size, CRC32C):
    ``{codec, version, consumed, produced, resume_offset, resume_produced, fingerprint_len,
    at_checkpoint}``. Raises ``S4StateError`` (or a subclass) for a bad blob."""
    return _s4codec._state_inspect(blob)


class Decompressor(object):
    """A streaming decoder for zstd (multi-frame), gzip (multi-member) and LZ4 frames
    (concatenated), with resumable state.

    ``Decompressor(codec=None, checkpoint_spacing=0, stop_at_checkpoint=False)``: ``codec`` is
    ``"cpu-zstd"``, ``"cpu-gzip"``, ``"cpu-lz4"`` or ``None`` (recognised from the first bytes);
    ``dictionary``: a zstd dictionary (raw or ZDICT) for zstd frames that need one.
    ``checkpoint_spacing``: output bytes between recorded checkpoints (0 = 4 MiB, 1 = every
    checkpoint). With ``stop_at_checkpoint``, ``decompress()`` returns as soon as the decoder
    records a checkpoint (``at_checkpoint`` is then true; call again with ``b""`` to go on).

    ``decompress(data, max_length=-1)`` works as ``lzma.LZMADecompressor.decompress``: input
    the decoder has not used yet stays inside (never pass it again); ``needs_input`` says
    whether more input is needed before more output can come.
    """

    def __init__(self, codec=None, checkpoint_spacing=0, stop_at_checkpoint=False, dictionary=None):
        if codec is not None and codec not in _KINDS:
            raise ValueError("codec must be None, 'cpu-zstd', 'cpu-gzip' or 'cpu-lz4', not %r" % (codec,))
        self._lock = threading.Lock()
        self._spacing = checkpoint_spacing
        self._stop = bool(stop_at_checkpoint)
        self._dictionary = dictionary
        self._pending = bytearray()
        self._hint = 1
        self._needs_input = True
        self._stopped = False
        self._dec = None
        if codec is not None:
            self._dec = _StreamDecoder(_KINDS[codec], checkpoint_spacing, self._stop, dictionary)

    @classmethod
    def _wrap(cls, dec, spacing, stop):
        self = cls.__new__(cls)
        self._lock = threading.Lock()
        self._spacing = spacing
        self._stop = stop
        self._dictionary = None
        self._pending = bytearray()
        self._hint = 1
        self._needs_input = True
        self._stopped = False
        self._dec = dec
        return self

    # ------------------------------------------------------------ decoding

    def decompress(self, data, max_length=-1):
        """Decodes ``data`` (any bytes-like) after the input held from earlier calls; returns at
        most ``max_length`` bytes when it is >= 0."""
        with self._lock:
            if self._dec is not None and not self._pending and max_length != 0:
                # nothing held: decode straight from the caller's buffer, keep only the rest
                with memoryview(data) as mv, mv.cast("B") as view:
                    out, used, hint, stopped = self._dec.stream(view, max_length)
                    if used < len(view):
                        self._pending += view[used:]
                return self._after(out, hint, stopped, max_length)
            if data:
                self._pending += data
            if self._dec is None:
                kind = _detect(self._pending)
                if kind is None:
                    return b""
                self._dec = _StreamDecoder(kind, self._spacing, self._stop, self._dictionary)
            if max_length == 0:
                self._needs_input = False
                return b""
            src = self._pending
            with memoryview(src) as view:
                out, used, hint, stopped = self._dec.stream(view, max_length)
            del src[:used]
            return self._after(out, hint, stopped, max_length)

    def _after(self, out, hint, stopped, max_length):
        self._hint = hint
        self._stopped = stopped
        full = max_length >= 0 and len(out) == max_length
        self._needs_input = not (full or stopped)
        return out

    def finish(self):
        """Declares the end of input: raises ``S4IoError`` when the stream ended inside a
        frame, or when input remains unused."""
        with self._lock:
            if self._dec is None:
                if self._pending:
                    raise S4IoError("io: input ended before the format could be recognised")
                return
            self._dec.finish()

    @property
    def codec(self):
        """The stream's codec name, or None until it was recognised."""
        return None if self._dec is None else _NAMES.get(self._dec.kind)

    @property
    def needs_input(self):
        """False when the last call stopped at ``max_length`` or at a checkpoint: call again
        (with ``b""``) for more output before feeding more input."""
        return self._needs_input

    @property
    def eof(self):
        """True when the decoder stands at the end of a frame/member with every byte of
        output delivered and no input held: a valid place for the stream to end (another
        frame may still follow)."""
        return self._dec is not None and self._hint == 0 and not self._pending

    @property
    def unused_input(self):
        """Bytes of input held inside, not yet consumed by the decoder (do not feed them
        again; they are not part of a saved state: see ``resume_offset``)."""
        return len(self._pending)

    def _position(self):
        if self._dec is None:
            return (0, 0, True, 0, 0, 0)
        return self._dec.position()

    @property
    def consumed(self):
        """Compressed bytes the decoder consumed: the absolute offset of the next byte it
        reads (input held in ``unused_input`` comes after)."""
        return self._position()[0]

    @property
    def produced(self):
        """Uncompressed bytes delivered: the absolute offset of the next output byte."""
        return self._position()[1]

    @property
    def at_checkpoint(self):
        """The decoder stands at a checkpoint (a save here needs no replay; a zstd clone works)."""
        return self._position()[2]

    def checkpoint(self):
        """Where the decoder stands: ``{consumed, produced, at_checkpoint, checkpoints,
        resume_offset, resume_produced}``. A state saved now is fed from ``resume_offset``
        (== ``consumed`` at a checkpoint, and always for LZ4)."""
        names = ("consumed", "produced", "at_checkpoint", "checkpoints", "resume_offset",
                 "resume_produced")
        return dict(zip(names, self._position()))

    # ------------------------------------------------------------ state

    def save(self):
        """The decoder's state as bytes (an S4CS blob, docs/formats/state.md). Load it with
        ``Decompressor.load(blob, head)`` and feed the stream from ``resume_offset`` on."""
        with self._lock:
            if self._dec is None:
                raise S4StateError("a decoder that has not recognised its stream yet has no state to save")
            return self._dec.save()

    def clone(self):
        """An independent copy: both go on from here (input held inside is copied too).
        zstd decoders clone only at a checkpoint (``S4NotAtCheckpointError`` elsewhere)."""
        with self._lock:
            copy = Decompressor._wrap(None if self._dec is None else self._dec.clone(),
                                      self._spacing, self._stop)
            copy._pending = bytearray(self._pending)
            copy._dictionary = self._dictionary
            copy._hint = self._hint
            copy._needs_input = self._needs_input
            copy._stopped = self._stopped
            return copy

    @classmethod
    def load(cls, blob, head, checkpoint_spacing=0, stop_at_checkpoint=False, dictionary=None):
        """A decoder from a saved state. ``head``: the stream's first bytes (at least the
        blob's ``fingerprint_len``, i.e. min(4096, stream size); more are ignored): a state
        saved for another stream raises ``S4StateForeignError``; a corrupt or forged one
        ``S4StateError``. Feed it the stream from ``resume_offset`` on (it stands there:
        ``consumed``); its output continues at the saved ``produced``. A zstd state made with a
        ``dictionary`` needs the same one (checked by id and hash)."""
        dec = _s4codec._decoder_load(blob, head, checkpoint_spacing, bool(stop_at_checkpoint),
                                     dictionary)
        return cls._wrap(dec, checkpoint_spacing, bool(stop_at_checkpoint))

    @property
    def resume_offset(self):
        """The compressed offset a decoder loaded from a state saved now reads from."""
        return self._position()[4]


# ---------------------------------------------------------------- index


def build_index(path, spacing=0, index_path=None):
    """Builds the checkpoint index of a whole .zst/.gz/.lz4 file by one scan and writes it to
    ``index_path`` (default ``path + ".s4ci"``); returns that path. ``spacing``: output bytes
    between checkpoints (0 = 4 MiB)."""
    if index_path is None:
        index_path = os.fspath(path) + CHECKPOINT_INDEX_SUFFIX
    with io.open(path, "rb") as f:
        data = _s4codec._ckindex_build(f, spacing)
    tmp = index_path + ".tmp"
    with io.open(tmp, "wb") as out:
        out.write(data)
    os.replace(tmp, index_path)
    return index_path


# ---------------------------------------------------------------- open()

_READ_CHUNK = 256 * 1024
_PEEK = 64 * 1024


class _S4File(io.BufferedIOBase):
    """A read-only, seekable file of the decompressed content of a .zst/.gz/.lz4 file."""

    def __init__(self, path, index=True, checkpoint_spacing=0, threads=0):
        self._lock = threading.RLock()
        self._raw = io.open(path, "rb", buffering=0)
        self.name = path
        self._pos = 0
        self._ahead = b""      # decoded bytes at [self._pos, self._pos + len)
        self._size = None      # uncompressed size when known
        self._index = None
        self._dec = None
        self._checkpoints = []  # (produced, consumed, blob or decoder) for seeking back
        self._spacing = checkpoint_spacing
        if not isinstance(threads, int) or isinstance(threads, bool) or threads < 0:
            self._raw.close()
            raise ValueError("threads must be an int >= 0, not %r" % (threads,))
        self._threads = threads
        try:
            self._head = self._pread(0, FINGERPRINT_BYTES)
            ipath = os.fspath(path) + CHECKPOINT_INDEX_SUFFIX
            if index and os.path.exists(ipath):
                with io.open(ipath, "rb") as f:
                    idx = _CheckpointIndex(f.read())
                idx.check_stream(self._raw)
                self._index = idx
                self._size = idx.uncompressed_size
            else:
                self._restart()
        except BaseException:
            self._raw.close()
            raise

    # ------------------------------------------------------------ helpers

    def _pread(self, offset, n):
        return os.pread(self._raw.fileno(), n, offset)

    def _restart(self, produced=None):
        """Positions the forward decoder at the last remembered checkpoint at or before
        ``produced`` (the stream's start when None or none fits)."""
        best = None
        if produced is not None:
            for cp in self._checkpoints:
                if cp[0] <= produced and (best is None or cp[0] > best[0]):
                    best = cp
        if best is None:
            self._dec = Decompressor(None, self._spacing, stop_at_checkpoint=True)
            self._in_off = 0
            self._out_off = 0
            return
        self._out_off, _, saved = best
        if isinstance(saved, bytes):
            dec = Decompressor.load(saved, self._head, self._spacing, stop_at_checkpoint=True)
        else:
            dec = saved.clone()
        self._dec = dec
        self._in_off = dec.consumed + dec.unused_input

    def _remember(self, dec):
        """Keeps the decoder's state at a checkpoint (a saved blob; a clone when the codec
        cannot save)."""
        pos = dec.checkpoint()
        if self._checkpoints and self._checkpoints[-1][0] >= pos["produced"]:
            return
        try:
            saved = dec.save()
            if _s4codec._state_inspect(saved)["resume_produced"] != pos["produced"]:
                saved = dec.clone()
        except (S4StateError, S4NotAtCheckpointError, S4IoError, ValueError):
            try:
                saved = dec.clone()
            except (S4StateError, S4NotAtCheckpointError, S4IoError, ValueError):
                return
        self._checkpoints.append((pos["produced"], pos["consumed"], saved))

    def _decode_forward(self, offset, n):
        """Decoded bytes [offset, offset + n) by the forward decoder (shorter at the end)."""
        dec = self._dec
        if self._out_off > offset:
            self._restart(offset)
            dec = self._dec
        parts = []
        want = n
        skip = offset - self._out_off
        while want > 0:
            if dec.needs_input:
                data = self._pread(self._in_off, _READ_CHUNK)
                if not data:
                    dec.finish()  # raises when the stream is truncated
                    self._size = self._out_off
                    break
                self._in_off += len(data)
            else:
                data = b""
            limit = skip if skip > 0 else want
            out = dec.decompress(data, min(limit, 16 * 1024 * 1024))
            self._out_off += len(out)
            if dec.at_checkpoint and dec.checkpoint()["checkpoints"]:
                self._remember(dec)
            if skip > 0:
                skip -= len(out)
                continue
            parts.append(out)
            want -= len(out)
        return b"".join(parts)

    def _decode(self, offset, n):
        if self._index is not None:
            return self._index.read(self._raw, offset, n, self._threads)
        return self._decode_forward(offset, n)

    def _checked(self):
        if self._raw.closed:
            raise ValueError("I/O operation on closed file.")

    # ------------------------------------------------------------ io interface

    def readable(self):
        self._checked()
        return True

    def seekable(self):
        self._checked()
        return True

    def writable(self):
        return False

    def tell(self):
        self._checked()
        return self._pos

    def _total_size(self):
        if self._size is None:
            with self._lock:
                self._decode_forward(max(self._pos, self._out_off), 1 << 62)
        return self._size

    def seek(self, offset, whence=io.SEEK_SET):
        self._checked()
        with self._lock:
            if whence == io.SEEK_SET:
                target = offset
            elif whence == io.SEEK_CUR:
                target = self._pos + offset
            elif whence == io.SEEK_END:
                target = self._total_size() + offset
            else:
                raise ValueError("invalid whence (%r, should be 0, 1 or 2)" % (whence,))
            if target < 0:
                raise ValueError("negative seek position %d" % (target,))
            if target != self._pos:
                delta = target - self._pos
                self._ahead = self._ahead[delta:] if 0 < delta < len(self._ahead) else b""
                self._pos = target
            return self._pos

    def read(self, size=-1):
        self._checked()
        with self._lock:
            if size is None or size < 0:
                size = 1 << 62 if self._size is None else max(0, self._size - self._pos)
            if size <= len(self._ahead):
                out, self._ahead = self._ahead[:size], self._ahead[size:]
            else:
                out = self._ahead + self._decode(self._pos + len(self._ahead), size - len(self._ahead))
                self._ahead = b""
            self._pos += len(out)
            return out

    read1 = read

    def readinto(self, b):
        with memoryview(b) as view, view.cast("B") as dst:
            data = self.read(len(dst))
            dst[:len(data)] = data
            return len(data)

    readinto1 = readinto

    def peek(self, size=0):
        self._checked()
        with self._lock:
            if not self._ahead:
                self._ahead = self._decode(self._pos, max(size, _PEEK))
            return self._ahead

    def close(self):
        with self._lock:
            self._dec = None
            self._checkpoints = []
            self._raw.close()
        super().close()

    def detach(self):
        raise io.UnsupportedOperation("detach")

    def fileno(self):
        raise io.UnsupportedOperation("fileno: the decompressed content has no descriptor")


def open(path, mode="rb", index=True, checkpoint_spacing=0, threads=0):
    """Opens a .zst/.gz/.lz4 file for reading its decompressed content: a seekable
    ``io.BufferedIOBase``. With ``PATH.s4ci`` beside it (and ``index`` true), reads and seeks
    go through the checkpoint index (random access; an index of another file raises
    ``S4StateForeignError``), and a read that spans several of its checkpoints decodes them on
    up to ``threads`` threads (0 = all cores, 1 = none), each in place; otherwise the file is
    decoded forward, remembering a checkpoint every ``checkpoint_spacing`` output bytes
    (0 = 4 MiB) so that seeking back restarts from the nearest one."""
    if mode not in ("rb", "r"):
        raise ValueError("mode must be 'rb', not %r" % (mode,))
    return _S4File(path, index=index, checkpoint_spacing=checkpoint_spacing, threads=threads)
