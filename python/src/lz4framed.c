/*
 * lz4framed.c — the C level of the `lz4framed` drop-in package (py-lz4framed
 * 0.14.0 API, spec lz4framed-compat.md §1, §4), as the submodule object
 * `_s4codec._lz4framed`.
 *
 * Compression goes straight to liblz4's LZ4F encoder (byte-identical frames to
 * the original, which wrapped the same API). Decompression uses our own frame
 * decoder (src/codecs/lz4_frame_decoder.h), whose hints match LZ4F's; its
 * statuses are mapped to the LZ4F error codes the original raised. The
 * submodule keeps its exceptions in its own module state; contexts are
 * capsules, each with its own lock, taken with the GIL released.
 */
#include "s4py.h" /* Python.h first */

#include <lz4.h>
#include <lz4frame.h>
#include <lz4hc.h> /* LZ4HC_CLEVEL_MIN, LZ4HC_CLEVEL_MAX */
#include <string.h>

#include "codecs/lz4_frame_decoder.h"

#define CCTX_NAME "_lz4fcctx"
#define DCTX_NAME "_lz4fdctx"

/* LZ4F error codes the original exports (lz4 1.9.2's enum). */
enum {
    E_GENERIC = 1,
    E_maxBlockSize_invalid = 2,
    E_headerVersion_wrong = 6,
    E_blockChecksum_invalid = 7,
    E_reservedFlag_set = 8,
    E_allocation_failed = 9,
    E_frameType_unknown = 13,
    E_frameSize_wrong = 14,
    E_srcPtr_wrong = 15,
    E_decompressionFailed = 16,
    E_headerChecksum_invalid = 17,
    E_contentChecksum_invalid = 18,
    E_frameDecoding_alreadyStarted = 19,
    E_COUNT = 20
};

static const char *const error_names[E_COUNT] = {
    "OK_NoError",
    "ERROR_GENERIC",
    "ERROR_maxBlockSize_invalid",
    "ERROR_blockMode_invalid",
    "ERROR_contentChecksumFlag_invalid",
    "ERROR_compressionLevel_invalid",
    "ERROR_headerVersion_wrong",
    "ERROR_blockChecksum_invalid",
    "ERROR_reservedFlag_set",
    "ERROR_allocation_failed",
    "ERROR_srcSize_tooLarge",
    "ERROR_dstMaxSize_tooSmall",
    "ERROR_frameHeader_incomplete",
    "ERROR_frameType_unknown",
    "ERROR_frameSize_wrong",
    "ERROR_srcPtr_wrong",
    "ERROR_decompressionFailed",
    "ERROR_headerChecksum_invalid",
    "ERROR_contentChecksum_invalid",
    "ERROR_frameDecoding_alreadyStarted",
};

typedef struct lzf_state {
    PyObject *Lz4FramedError;
    PyObject *Lz4FramedNoDataError;
} lzf_state;

static lzf_state *lzf_get_state(PyObject *self) { return (lzf_state *)PyModule_GetState(self); }

/* ---------------------------------------------------------------- errors */

static PyObject *raise_code(PyObject *self, int code) {
    if (code <= 0 || code >= E_COUNT) code = E_GENERIC;
    PyObject *args = Py_BuildValue("(si)", error_names[code], code);
    if (!args) {
        PyErr_Clear();
        PyErr_Format(lzf_get_state(self)->Lz4FramedError, "[%d] %s", code, error_names[code]);
        return NULL;
    }
    PyErr_SetObject(lzf_get_state(self)->Lz4FramedError, args);
    Py_DECREF(args);
    return NULL;
}

/* An LZ4F function's error result. */
static PyObject *raise_lz4f(PyObject *self, size_t result) {
    if (LZ4F_isError(result) && -(ptrdiff_t)result == E_allocation_failed) return PyErr_NoMemory();
    return raise_code(self, (int)-(ptrdiff_t)result);
}

static PyObject *raise_nodata(PyObject *self) {
    PyErr_SetNone(lzf_get_state(self)->Lz4FramedNoDataError);
    return NULL;
}

/* Our decoder's status → the LZ4F code liblz4 gives for the same input. */
static int decoder_code(const s4c_lz4d *d, s4c_status st, const s4c_error_detail *e) {
    const char *m = e->message;
    switch (st) {
    case S4C_ERROR_UNKNOWN_FORMAT:
    case S4C_ERROR_TRAILING_DATA:
        return E_frameType_unknown;
    case S4C_ERROR_UNSUPPORTED:
        if (d->stage != S4C_LZ4D_HEADER) return E_frameType_unknown; /* legacy magic */
        if ((d->hdr[4] >> 6) != 1) return E_headerVersion_wrong;
        if (strstr(m, "reserved bits")) return E_reservedFlag_set;
        return E_maxBlockSize_invalid;
    case S4C_ERROR_CORRUPT_DATA:
        if (strstr(m, "header checksum")) return E_headerChecksum_invalid;
        if (strstr(m, "maximum block size")) return E_maxBlockSize_invalid;
        if (strstr(m, "content size")) return E_frameSize_wrong;
        return E_decompressionFailed;
    case S4C_ERROR_CHECKSUM_MISMATCH:
        return strstr(m, "block checksum") ? E_blockChecksum_invalid : E_contentChecksum_invalid;
    default:
        return E_GENERIC;
    }
}

static PyObject *raise_decoder(PyObject *self, const s4c_lz4d *d, s4c_status st,
                               const s4c_error_detail *e) {
    if (st == S4C_ERROR_OUT_OF_MEMORY) return PyErr_NoMemory();
    return raise_code(self, decoder_code(d, st, e));
}

/* ---------------------------------------------------------------- contexts */

typedef struct cctx {
    PyThread_type_lock lock;
    LZ4F_cctx *c;
    LZ4F_preferences_t prefs;
    int begun;
} cctx;

typedef struct dctx {
    PyThread_type_lock lock;
    s4c_lz4d d;
} dctx;

static void lock_ctx(PyThread_type_lock lock) {
    if (!PyThread_acquire_lock(lock, NOWAIT_LOCK)) {
        Py_BEGIN_ALLOW_THREADS PyThread_acquire_lock(lock, WAIT_LOCK);
        Py_END_ALLOW_THREADS
    }
}

static void cctx_destroy(PyObject *cap) {
    cctx *c = PyCapsule_GetPointer(cap, CCTX_NAME);
    if (!c) return;
    LZ4F_freeCompressionContext(c->c);
    PyThread_free_lock(c->lock);
    PyMem_RawFree(c);
}

static void dctx_destroy(PyObject *cap) {
    dctx *c = PyCapsule_GetPointer(cap, DCTX_NAME);
    if (!c) return;
    s4c_lz4d_release(&c->d);
    PyThread_free_lock(c->lock);
    PyMem_RawFree(c);
}

static void *get_ctx(PyObject *o, const char *name) {
    if (!PyCapsule_IsValid(o, name)) {
        PyErr_SetString(PyExc_ValueError, "ctx invalid");
        return NULL;
    }
    return PyCapsule_GetPointer(o, name);
}

static PyObject *create_compression_context(PyObject *self, PyObject *unused) {
    (void)self, (void)unused;
    cctx *c = PyMem_RawCalloc(1, sizeof *c);
    if (!c) return PyErr_NoMemory();
    if (!(c->lock = PyThread_allocate_lock())) {
        PyMem_RawFree(c);
        PyErr_SetString(PyExc_RuntimeError, "Failed to allocate lock");
        return NULL;
    }
    if (LZ4F_isError(LZ4F_createCompressionContext(&c->c, LZ4F_VERSION))) {
        PyThread_free_lock(c->lock);
        PyMem_RawFree(c);
        return PyErr_NoMemory();
    }
    PyObject *cap = PyCapsule_New(c, CCTX_NAME, cctx_destroy);
    if (!cap) {
        LZ4F_freeCompressionContext(c->c);
        PyThread_free_lock(c->lock);
        PyMem_RawFree(c);
    }
    return cap;
}

static PyObject *create_decompression_context(PyObject *self, PyObject *unused) {
    (void)self, (void)unused;
    dctx *c = PyMem_RawCalloc(1, sizeof *c);
    if (!c) return PyErr_NoMemory();
    if (!(c->lock = PyThread_allocate_lock())) {
        PyMem_RawFree(c);
        PyErr_SetString(PyExc_RuntimeError, "Failed to allocate lock");
        return NULL;
    }
    s4c_lz4d_init(&c->d, 1);
    PyObject *cap = PyCapsule_New(c, DCTX_NAME, dctx_destroy);
    if (!cap) {
        PyThread_free_lock(c->lock);
        PyMem_RawFree(c);
    }
    return cap;
}

/* ---------------------------------------------------------------- preferences */

static int set_prefs(LZ4F_preferences_t *p, int block_id, int linked, int checksum, int autoflush,
                     int level, int block_checksum) {
    if (!(block_id == 0 || (block_id >= 4 && block_id <= 7))) {
        PyErr_Format(PyExc_ValueError, "block_size_id (%d) invalid", block_id);
        return -1;
    }
    if (level > LZ4HC_CLEVEL_MAX) {
        PyErr_Format(PyExc_ValueError, "level (%d) invalid", level);
        return -1;
    }
    memset(p, 0, sizeof *p);
    p->frameInfo.blockSizeID = (LZ4F_blockSizeID_t)block_id;
    p->frameInfo.blockMode = linked ? LZ4F_blockLinked : LZ4F_blockIndependent;
    p->frameInfo.contentChecksumFlag =
        checksum ? LZ4F_contentChecksumEnabled : LZ4F_noContentChecksum;
    p->frameInfo.blockChecksumFlag =
        block_checksum ? LZ4F_blockChecksumEnabled : LZ4F_noBlockChecksum;
    p->autoFlush = autoflush ? 1u : 0u;
    p->compressionLevel = level;
    return 0;
}

/* ---------------------------------------------------------------- one-shot */

static PyObject *compress(PyObject *self, PyObject *args, PyObject *kw) {
    static char *names[] = {
        "b", "block_size_id", "block_mode_linked", "checksum", "level", "block_checksum", NULL};
    Py_buffer b;
    int block_id = 0, linked = 1, checksum = 0, level = 0, block_checksum = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "y*|ippip:compress", names, &b, &block_id, &linked,
                                     &checksum, &level, &block_checksum))
        return NULL;
    PyObject *out = NULL;
    LZ4F_preferences_t prefs;
    if (b.len == 0) {
        raise_nodata(self);
        goto done;
    }
    if (set_prefs(&prefs, block_id, linked, checksum, 0, level, block_checksum) < 0) goto done;
    prefs.frameInfo.contentSize = (unsigned long long)b.len;
    size_t bound = LZ4F_compressFrameBound((size_t)b.len, &prefs);
    if (!(out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)bound))) goto done;
    size_t r;
    if (b.len >= S4PY_GIL_RELEASE_MIN) {
        Py_BEGIN_ALLOW_THREADS r =
            LZ4F_compressFrame(PyBytes_AS_STRING(out), bound, b.buf, (size_t)b.len, &prefs);
        Py_END_ALLOW_THREADS
    } else {
        r = LZ4F_compressFrame(PyBytes_AS_STRING(out), bound, b.buf, (size_t)b.len, &prefs);
    }
    if (LZ4F_isError(r)) {
        Py_CLEAR(out);
        raise_lz4f(self, r);
    } else {
        _PyBytes_Resize(&out, (Py_ssize_t)r);
    }
done:
    PyBuffer_Release(&b);
    return out;
}

/* Runs the decoder, the GIL released when `big`. */
static s4c_status run_decoder(s4c_lz4d *d, s4c_in_buffer *in, s4c_out_buffer *o,
                              s4c_error_detail *e, int big) {
    s4c_status st;
    if (big) {
        Py_BEGIN_ALLOW_THREADS st = s4c_lz4d_decode(d, in, o, e);
        Py_END_ALLOW_THREADS
    } else {
        st = s4c_lz4d_decode(d, in, o, e);
    }
    return st;
}

static PyObject *decompress(PyObject *self, PyObject *args, PyObject *kw) {
    static char *names[] = {"b", "buffer_size", NULL};
    Py_buffer b;
    Py_ssize_t buffer_size = 1024;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "y*|n:decompress", names, &b, &buffer_size))
        return NULL;
    PyObject *out = NULL;
    s4c_lz4d d;
    s4c_lz4d_init(&d, 1);
    s4c_error_detail e;
    memset(&e, 0, sizeof e);
    if (b.len == 0) {
        raise_nodata(self);
        goto done;
    }
    if (buffer_size <= 0) {
        PyErr_Format(PyExc_ValueError, "buffer_size (%zd) invalid", buffer_size);
        goto done;
    }
    s4c_in_buffer in = {b.buf, (size_t)b.len, 0};
    s4c_out_buffer o = {NULL, 0, 0};
    /* Parse the header first (no output room needed) to learn the content size. */
    s4c_status st = s4c_lz4d_decode(&d, &in, &o, &e);
    if (st != S4C_OK) {
        raise_decoder(self, &d, st, &e);
        goto done;
    }
    const s4c_lz4_frame_info *fi = s4c_lz4d_frame_info(&d);
    size_t cap = (size_t)buffer_size;
    if (fi && fi->has_content_size) {
        /* Pre-size to the declared size, but no further than the rest of the input could
         * decode to (LZ4 expands at most ~255x): a forged size costs no huge allocation. */
        uint64_t most = (uint64_t)(in.size - in.pos) * 256 + 65536;
        uint64_t want = fi->content_size < most ? fi->content_size : most;
        cap = want ? (size_t)want : 1;
    } else if (in.size - in.pos > cap) {
        cap = in.size - in.pos;
    }
    if (!(out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)cap))) goto done;
    for (;;) {
        o.dst = PyBytes_AS_STRING(out);
        o.size = cap;
        if (s4c_lz4d_hint(&d) == 0) break;
        st = run_decoder(&d, &in, &o, &e, in.size - in.pos >= (size_t)S4PY_GIL_RELEASE_MIN);
        if (st != S4C_OK) {
            Py_CLEAR(out);
            raise_decoder(self, &d, st, &e);
            goto done;
        }
        if (s4c_lz4d_hint(&d) == 0) break;
        if (o.pos < o.size) { /* stopped for want of input */
            Py_CLEAR(out);
            PyErr_SetString(PyExc_ValueError, "frame incomplete");
            goto done;
        }
        if (cap > (size_t)PY_SSIZE_T_MAX / 2) {
            Py_CLEAR(out);
            PyErr_NoMemory();
            goto done;
        }
        cap *= 2;
        if (_PyBytes_Resize(&out, (Py_ssize_t)cap) < 0) goto done;
    }
    _PyBytes_Resize(&out, (Py_ssize_t)o.pos);
done:
    s4c_lz4d_release(&d);
    PyBuffer_Release(&b);
    return out;
}

static PyObject *get_block_size(PyObject *self, PyObject *args) {
    (void)self;
    int id = 0;
    if (!PyArg_ParseTuple(args, "|i:get_block_size", &id)) return NULL;
    if (id == 0) id = 4;
    uint32_t size = id >= 4 && id <= 7 ? s4c_lz4_block_max_size((unsigned)id) : 0;
    if (!size) {
        PyErr_Format(PyExc_ValueError, "id (%d) invalid", id);
        return NULL;
    }
    return PyLong_FromUnsignedLong(size);
}

/* ---------------------------------------------------------------- compression context */

static PyObject *compress_begin(PyObject *self, PyObject *args, PyObject *kw) {
    static char *names[] = {"ctx",       "block_size_id", "block_mode_linked", "checksum",
                            "autoflush", "level",         "block_checksum",    NULL};
    PyObject *cap;
    int block_id = 0, linked = 1, checksum = 0, autoflush = 0, level = 0, block_checksum = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|ipppip:compress_begin", names, &cap, &block_id,
                                     &linked, &checksum, &autoflush, &level, &block_checksum))
        return NULL;
    cctx *c = get_ctx(cap, CCTX_NAME);
    if (!c) return NULL;
    LZ4F_preferences_t prefs;
    if (set_prefs(&prefs, block_id, linked, checksum, autoflush, level, block_checksum) < 0)
        return NULL;
    char hdr[LZ4F_HEADER_SIZE_MAX];
    lock_ctx(c->lock);
    c->prefs = prefs;
    size_t r = LZ4F_compressBegin(c->c, hdr, sizeof hdr, &c->prefs);
    c->begun = !LZ4F_isError(r);
    PyThread_release_lock(c->lock);
    if (LZ4F_isError(r)) return raise_lz4f(self, r);
    return PyBytes_FromStringAndSize(hdr, (Py_ssize_t)r);
}

static PyObject *compress_update(PyObject *self, PyObject *args) {
    PyObject *cap;
    Py_buffer b;
    if (!PyArg_ParseTuple(args, "Oy*:compress_update", &cap, &b)) return NULL;
    PyObject *out = NULL;
    cctx *c = get_ctx(cap, CCTX_NAME);
    if (!c) goto done;
    if (b.len == 0) {
        raise_nodata(self);
        goto done;
    }
    lock_ctx(c->lock);
    if (!c->begun) {
        PyThread_release_lock(c->lock);
        raise_code(self, E_GENERIC);
        goto done;
    }
    size_t bound = LZ4F_compressBound((size_t)b.len, &c->prefs);
    out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)bound);
    if (out) {
        size_t r;
        if (b.len >= S4PY_GIL_RELEASE_MIN) {
            Py_BEGIN_ALLOW_THREADS r = LZ4F_compressUpdate(c->c, PyBytes_AS_STRING(out), bound,
                                                           b.buf, (size_t)b.len, NULL);
            Py_END_ALLOW_THREADS
        } else {
            r = LZ4F_compressUpdate(c->c, PyBytes_AS_STRING(out), bound, b.buf, (size_t)b.len,
                                    NULL);
        }
        if (LZ4F_isError(r)) {
            c->begun = 0;
            Py_CLEAR(out);
            raise_lz4f(self, r);
        } else {
            _PyBytes_Resize(&out, (Py_ssize_t)r);
        }
    }
    PyThread_release_lock(c->lock);
done:
    PyBuffer_Release(&b);
    return out;
}

static PyObject *compress_end(PyObject *self, PyObject *args) {
    PyObject *cap;
    if (!PyArg_ParseTuple(args, "O:compress_end", &cap)) return NULL;
    cctx *c = get_ctx(cap, CCTX_NAME);
    if (!c) return NULL;
    PyObject *out = NULL;
    lock_ctx(c->lock);
    if (!c->begun) {
        raise_code(self, E_GENERIC);
    } else {
        size_t bound = LZ4F_compressBound(0, &c->prefs);
        out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)bound);
        if (out) {
            size_t r = LZ4F_compressEnd(c->c, PyBytes_AS_STRING(out), bound, NULL);
            c->begun = 0;
            if (LZ4F_isError(r)) {
                Py_CLEAR(out);
                raise_lz4f(self, r);
            } else {
                _PyBytes_Resize(&out, (Py_ssize_t)r);
            }
        }
    }
    PyThread_release_lock(c->lock);
    return out;
}

/* ---------------------------------------------------------------- decompression context */

static PyObject *get_frame_info(PyObject *self, PyObject *args) {
    PyObject *cap;
    if (!PyArg_ParseTuple(args, "O:get_frame_info", &cap)) return NULL;
    dctx *c = get_ctx(cap, DCTX_NAME);
    if (!c) return NULL;
    lock_ctx(c->lock);
    const s4c_lz4_frame_info *fi = s4c_lz4d_frame_info(&c->d);
    int started = s4c_lz4d_consumed(&c->d) != 0;
    s4c_lz4_frame_info info;
    size_t hint = s4c_lz4d_hint(&c->d);
    if (fi) info = *fi;
    PyThread_release_lock(c->lock);
    if (!fi) return raise_code(self, started ? E_frameDecoding_alreadyStarted : E_srcPtr_wrong);
    return Py_BuildValue("{s:n,s:K,s:I,s:O,s:O}", "input_hint", (Py_ssize_t)hint, "length",
                         (unsigned long long)(info.has_content_size ? info.content_size : 0),
                         "block_size_id", (unsigned)info.block_size_id, "block_mode_linked",
                         info.linked ? Py_True : Py_False, "checksum",
                         info.content_checksum ? Py_True : Py_False);
}

/* Appends chunk[0..len) to list (resizing it); steals `chunk`. */
static int append_chunk(PyObject *list, PyObject *chunk, size_t len) {
    if (_PyBytes_Resize(&chunk, (Py_ssize_t)len) < 0) return -1;
    int r = PyList_Append(list, chunk);
    Py_DECREF(chunk);
    return r;
}

static PyObject *decompress_update(PyObject *self, PyObject *args, PyObject *kw) {
    static char *names[] = {"ctx", "b", "chunk_len", NULL};
    PyObject *cap;
    Py_buffer b;
    Py_ssize_t chunk_len = 65536;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "Oy*|n:decompress_update", names, &cap, &b,
                                     &chunk_len))
        return NULL;
    PyObject *list = NULL, *chunk = NULL;
    dctx *c = get_ctx(cap, DCTX_NAME);
    if (!c) goto done;
    if (b.len == 0) {
        raise_nodata(self);
        goto done;
    }
    if (chunk_len <= 0) {
        PyErr_Format(PyExc_ValueError, "chunk_len (%zd) invalid", chunk_len);
        goto done;
    }
    if (!(list = PyList_New(0))) goto done;
    lock_ctx(c->lock);
    s4c_lz4d *d = &c->d;
    if (d->stage == S4C_LZ4D_DONE) s4c_lz4d_reset(d); /* a new frame, as LZ4F */
    s4c_in_buffer in = {b.buf, (size_t)b.len, 0};
    s4c_error_detail e;
    memset(&e, 0, sizeof e);
    int failed = 0;
    for (;;) {
        if (!(chunk = PyBytes_FromStringAndSize(NULL, chunk_len))) {
            failed = 1;
            break;
        }
        s4c_out_buffer o = {PyBytes_AS_STRING(chunk), (size_t)chunk_len, 0};
        s4c_status st = run_decoder(d, &in, &o, &e, chunk_len >= S4PY_GIL_RELEASE_MIN);
        if (st != S4C_OK) {
            raise_decoder(self, d, st, &e);
            s4c_lz4d_reset(d); /* usable for a new frame, as LZ4F after an error */
            failed = 1;
            break;
        }
        int full = o.pos == o.size;
        if (o.pos) {
            int r = append_chunk(list, chunk, o.pos);
            chunk = NULL;
            if (r < 0) {
                failed = 1;
                break;
            }
        }
        Py_CLEAR(chunk);
        if (s4c_lz4d_hint(d) == 0 || !full) break;
    }
    Py_CLEAR(chunk);
    size_t hint = s4c_lz4d_hint(d);
    PyThread_release_lock(c->lock);
    if (failed) {
        Py_CLEAR(list);
        goto done;
    }
    PyObject *h = PyLong_FromSize_t(hint);
    if (!h || PyList_Append(list, h) < 0) Py_CLEAR(list);
    Py_XDECREF(h);
done:
    PyBuffer_Release(&b);
    return list;
}

/* ---------------------------------------------------------------- submodule */

static PyMethodDef lzf_methods[] = {
    {"compress", (PyCFunction)(void (*)(void))compress, METH_VARARGS | METH_KEYWORDS,
     "compress($module, /, b, block_size_id=0, block_mode_linked=True, checksum=False, level=0, "
     "block_checksum=False)\n--\n\nOne LZ4 frame of b, with the content size in its header."},
    {"decompress", (PyCFunction)(void (*)(void))decompress, METH_VARARGS | METH_KEYWORDS,
     "decompress($module, /, b, buffer_size=1024)\n--\n\nThe content of the first frame of b."},
    {"get_block_size", get_block_size, METH_VARARGS,
     "get_block_size($module, id=0, /)\n--\n\nBytes of a block size id."},
    {"create_compression_context", create_compression_context, METH_NOARGS,
     "create_compression_context($module, /)\n--\n\nA new compression context (capsule)."},
    {"compress_begin", (PyCFunction)(void (*)(void))compress_begin, METH_VARARGS | METH_KEYWORDS,
     "compress_begin($module, /, ctx, block_size_id=0, block_mode_linked=True, checksum=False, "
     "autoflush=False, level=0, block_checksum=False)\n--\n\nStarts a frame: its 7-byte header."},
    {"compress_update", compress_update, METH_VARARGS,
     "compress_update($module, ctx, b, /)\n--\n\nCompressed bytes of b (may be empty)."},
    {"compress_end", compress_end, METH_VARARGS,
     "compress_end($module, ctx, /)\n--\n\nFlushes; the end mark (and content checksum)."},
    {"create_decompression_context", create_decompression_context, METH_NOARGS,
     "create_decompression_context($module, /)\n--\n\nA new decompression context (capsule)."},
    {"get_frame_info", get_frame_info, METH_VARARGS,
     "get_frame_info($module, ctx, /)\n--\n\nThe frame header's values and the input hint."},
    {"decompress_update", (PyCFunction)(void (*)(void))decompress_update,
     METH_VARARGS | METH_KEYWORDS,
     "decompress_update($module, /, ctx, b, chunk_len=65536)\n--\n\nDecoded chunks, then the "
     "next-input hint."},
    {NULL, NULL, 0, NULL},
};

static int lzf_traverse(PyObject *m, visitproc visit, void *arg) {
    lzf_state *st = lzf_get_state(m);
    Py_VISIT(st->Lz4FramedError);
    Py_VISIT(st->Lz4FramedNoDataError);
    return 0;
}

static int lzf_clear(PyObject *m) {
    lzf_state *st = lzf_get_state(m);
    Py_CLEAR(st->Lz4FramedError);
    Py_CLEAR(st->Lz4FramedNoDataError);
    return 0;
}

static void lzf_free(void *m) { lzf_clear((PyObject *)m); }

static struct PyModuleDef lzf_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_s4codec._lz4framed",
    .m_doc = "C level of the lz4framed package (py-lz4framed 0.14.0 API).",
    .m_size = sizeof(lzf_state),
    .m_methods = lzf_methods,
    .m_traverse = lzf_traverse,
    .m_clear = lzf_clear,
    .m_free = lzf_free,
};

/* PyModule_AddObjectRef is 3.10+; this builds on 3.9 too. */
static int add_ref(PyObject *m, const char *name, PyObject *o) {
    Py_INCREF(o);
    if (PyModule_AddObject(m, name, o) < 0) {
        Py_DECREF(o);
        return -1;
    }
    return 0;
}

static int add_exception(PyObject *sub, const char *name, const char *doc, PyObject **slot) {
    *slot = PyErr_NewExceptionWithDoc(name, doc, NULL, NULL);
    if (!*slot) return -1;
    return add_ref(sub, strrchr(name, '.') + 1, *slot);
}

int s4py_exec_lz4framed(PyObject *module) {
    PyObject *sub = PyModule_Create(&lzf_def);
    if (!sub) return -1;
    lzf_state *st = lzf_get_state(sub);
    static const struct {
        const char *name;
        long value;
    } ints[] = {
        {"LZ4F_VERSION", LZ4F_VERSION},
        {"LZ4F_BLOCKSIZE_DEFAULT", 0},
        {"LZ4F_BLOCKSIZE_MAX64KB", 4},
        {"LZ4F_BLOCKSIZE_MAX256KB", 5},
        {"LZ4F_BLOCKSIZE_MAX1MB", 6},
        {"LZ4F_BLOCKSIZE_MAX4MB", 7},
        {"LZ4F_COMPRESSION_MIN", 0},
        {"LZ4F_COMPRESSION_MIN_HC", LZ4HC_CLEVEL_MIN},
        {"LZ4F_COMPRESSION_MAX", LZ4HC_CLEVEL_MAX},
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        if (PyModule_AddIntConstant(sub, ints[i].name, ints[i].value) < 0) goto fail;
    for (int code = 1; code < E_COUNT; code++) {
        char name[64];
        snprintf(name, sizeof name, "LZ4F_%s", error_names[code]);
        if (PyModule_AddIntConstant(sub, name, code) < 0) goto fail;
    }
    if (PyModule_AddStringConstant(sub, "LZ4_VERSION", LZ4_versionString()) < 0) goto fail;
    if (add_exception(sub, "lz4framed.Lz4FramedError",
                      "An LZ4F error: args are (name, code), e.g. ('ERROR_frameType_unknown', 13).",
                      &st->Lz4FramedError) < 0 ||
        add_exception(sub, "lz4framed.Lz4FramedNoDataError",
                      "No (more) input: raised for empty inputs.", &st->Lz4FramedNoDataError) < 0)
        goto fail;
    if (add_ref(module, "_lz4framed", sub) < 0) goto fail;
    Py_DECREF(sub);
    return 0;
fail:
    Py_DECREF(sub);
    return -1;
}
