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
#include "s4codec_resume.h"
#include "stream/stream_internal.h" /* the cpu-lz4 decoder's s4c_lz4d (hints, stages) */

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

/*
 * A decompression context holds a generic cpu-lz4 s4c_decoder (single-frame):
 * its state can be cloned and saved with the public resume API (the FORK's
 * clone/marshal functions), and its codec state is our s4c_lz4d, read for the
 * LZ4F-style hints, stages and frame info.
 */
typedef struct dctx {
    PyThread_type_lock lock;
    s4c_decoder *dec;
} dctx;

static s4c_lz4d *dctx_lz4d(const dctx *c) { return (s4c_lz4d *)c->dec->impl; }

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
    s4c_decoder_free(c->dec);
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

static void dctx_options(s4c_decoder_options *o) {
    s4c_decoder_options_init(o);
    o->single_frame = 1; /* LZ4F: one frame per context until reset */
}

/* Wraps a decoder (taken over, freed on failure) in a new capsule. */
static PyObject *wrap_decoder(s4c_decoder *dec) {
    dctx *c = PyMem_RawCalloc(1, sizeof *c);
    if (!c) {
        s4c_decoder_free(dec);
        return PyErr_NoMemory();
    }
    c->dec = dec;
    if (!(c->lock = PyThread_allocate_lock())) {
        s4c_decoder_free(dec);
        PyMem_RawFree(c);
        PyErr_SetString(PyExc_RuntimeError, "Failed to allocate lock");
        return NULL;
    }
    PyObject *cap = PyCapsule_New(c, DCTX_NAME, dctx_destroy);
    if (!cap) {
        s4c_decoder_free(dec);
        PyThread_free_lock(c->lock);
        PyMem_RawFree(c);
    }
    return cap;
}

static PyObject *create_decompression_context(PyObject *self, PyObject *unused) {
    (void)self, (void)unused;
    s4c_decoder_options o;
    dctx_options(&o);
    s4c_decoder *dec = NULL;
    s4c_status st = s4c_decoder_create(S4C_KIND_CPU_LZ4, &o, &dec, NULL);
    if (st != S4C_OK) return st == S4C_ERROR_OUT_OF_MEMORY ? PyErr_NoMemory() : raise_code(self, E_GENERIC);
    return wrap_decoder(dec);
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

/* Runs a context's decoder, the GIL released when `big`. */
static s4c_status run_stream(s4c_decoder *dec, s4c_in_buffer *in, s4c_out_buffer *o, int big) {
    s4c_status st;
    if (big) {
        Py_BEGIN_ALLOW_THREADS st = s4c_decoder_stream(dec, in, o, NULL);
        Py_END_ALLOW_THREADS
    } else {
        st = s4c_decoder_stream(dec, in, o, NULL);
    }
    return st;
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
    const s4c_lz4d *d = dctx_lz4d(c);
    const s4c_lz4_frame_info *fi = s4c_lz4d_frame_info(d);
    int started = s4c_lz4d_consumed(d) != 0;
    s4c_lz4_frame_info info;
    size_t hint = s4c_lz4d_hint(d);
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
    s4c_lz4d *d = dctx_lz4d(c);
    if (d->stage == S4C_LZ4D_DONE) s4c_decoder_reset(c->dec); /* a new frame, as LZ4F */
    s4c_in_buffer in = {b.buf, (size_t)b.len, 0};
    int failed = 0;
    for (;;) {
        if (!(chunk = PyBytes_FromStringAndSize(NULL, chunk_len))) {
            failed = 1;
            break;
        }
        s4c_out_buffer o = {PyBytes_AS_STRING(chunk), (size_t)chunk_len, 0};
        s4c_status st = run_stream(c->dec, &in, &o, chunk_len >= S4PY_GIL_RELEASE_MIN);
        if (st != S4C_OK) {
            raise_decoder(self, d, st, s4c_decoder_error(c->dec));
            s4c_decoder_reset(c->dec); /* usable for a new frame, as LZ4F after an error */
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

/* ---------------------------------------------------------------- FORK: continuation */

/*
 * The ph4r05 fork's clone / marshal functions (spec lz4framed-compat.md §1.5),
 * over the library's resume API: blobs are S4CS saved states (docs/formats/
 * state.md), exact anywhere (partial blocks, pending output, linked windows),
 * validated on load. Argument-parse failures are ValueError('invalid params'),
 * as the fork; state errors are Lz4FramedError('ERROR_GENERIC', 1, message)
 * with a `status` attribute (the library status name).
 */

static PyObject *invalid_params(void) {
    PyErr_Clear();
    PyErr_SetString(PyExc_ValueError, "invalid params");
    return NULL;
}

/* Lz4FramedError('ERROR_GENERIC', 1, message), .status = the library status name. */
static PyObject *raise_state(PyObject *self, s4c_status st, const char *message) {
    if (st == S4C_ERROR_OUT_OF_MEMORY) return PyErr_NoMemory();
    PyObject *type = lzf_get_state(self)->Lz4FramedError;
    PyObject *exc = PyObject_CallFunction(type, "sis", error_names[E_GENERIC], E_GENERIC,
                                          message && *message ? message : s4c_strerror(st));
    if (!exc) return NULL;
    PyObject *name = PyUnicode_FromString(s4c_status_name(st));
    int rc = name ? PyObject_SetAttrString(exc, "status", name) : -1;
    Py_XDECREF(name);
    if (rc == 0) PyErr_SetObject(type, exc);
    Py_DECREF(exc);
    return NULL;
}

static PyObject *clone_decompression_context(PyObject *self, PyObject *args, PyObject *kw) {
    static char *names[] = {"ctx", NULL};
    PyObject *cap;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O:clone_decompression_context", names, &cap))
        return invalid_params();
    dctx *c = get_ctx(cap, DCTX_NAME);
    if (!c) return NULL;
    s4c_error_detail e;
    memset(&e, 0, sizeof e);
    s4c_decoder *copy = NULL;
    lock_ctx(c->lock);
    s4c_status st = s4c_decoder_clone(c->dec, &copy, &e);
    PyThread_release_lock(c->lock);
    if (st != S4C_OK) return raise_state(self, st, e.message);
    return wrap_decoder(copy);
}

/* The saved state of a context's decoder, as bytes (its lock held by the caller). */
static PyObject *save_locked(PyObject *self, dctx *c) {
    s4c_error_detail e;
    memset(&e, 0, sizeof e);
    size_t need = 0;
    s4c_status st = s4c_decoder_save(c->dec, NULL, 0, &need, &e);
    if (st != S4C_ERROR_DST_TOO_SMALL) return raise_state(self, st, e.message);
    PyObject *out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)need);
    if (!out) return NULL;
    size_t got = 0;
    st = s4c_decoder_save(c->dec, PyBytes_AS_STRING(out), need, &got, &e);
    if (st != S4C_OK || got != need) {
        Py_DECREF(out);
        return raise_state(self, st != S4C_OK ? st : S4C_ERROR_STAGE, e.message);
    }
    return out;
}

static PyObject *marshal_decompression_context(PyObject *self, PyObject *args, PyObject *kw) {
    static char *names[] = {"ctx", NULL};
    PyObject *cap;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O:marshal_decompression_context", names, &cap))
        return invalid_params();
    dctx *c = get_ctx(cap, DCTX_NAME);
    if (!c) return NULL;
    lock_ctx(c->lock);
    PyObject *out = save_locked(self, c);
    PyThread_release_lock(c->lock);
    return out;
}

/*
 * unmarshal_decompression_context(ctx, head=None): `ctx` is the blob (the
 * fork's parameter name). With `head` (the stream's first bytes, at least as
 * many as the blob's fingerprint covers, up to 4096), a blob saved for another
 * stream is refused (status S4C_ERROR_STATE_FOREIGN). Without it the
 * fingerprint is not checked (the fork's one-argument form): the envelope is
 * still verified (magic, version, size, CRC32C) and every field validated,
 * and the new context carries no fingerprint (its own blobs then load with
 * any head).
 */
static PyObject *unmarshal_decompression_context(PyObject *self, PyObject *args, PyObject *kw) {
    static char *names[] = {"ctx", "head", NULL};
    Py_buffer blob, head = {0};
    PyObject *head_obj = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "y*|O:unmarshal_decompression_context", names,
                                     &blob, &head_obj))
        return invalid_params();
    if (head_obj != Py_None && PyObject_GetBuffer(head_obj, &head, PyBUF_SIMPLE) < 0) {
        PyBuffer_Release(&blob);
        return invalid_params();
    }
    PyObject *result = NULL;
    uint8_t *copy = NULL;
    s4c_error_detail e;
    memset(&e, 0, sizeof e);
    s4c_state_info info;
    s4c_status st = s4c_state_inspect(blob.buf, (size_t)blob.len, &info, &e);
    if (st != S4C_OK) {
        raise_state(self, st, e.message);
        goto done;
    }
    if (info.kind != S4C_KIND_CPU_LZ4) {
        const char *kname = s4c_kind_name(info.kind);
        char msg[160];
        PyOS_snprintf(msg, sizeof msg,
                      "the saved state is a %s decoder's, not an LZ4 decompression context",
                      kname ? kname : "unknown");
        raise_state(self, S4C_ERROR_STATE_INVALID, msg);
        goto done;
    }
    const void *src = blob.buf;
    const void *hp = head.buf;
    size_t hn = head_obj != Py_None ? (size_t)head.len : 0;
    if (head_obj == Py_None && info.fingerprint_len) {
        /* No head to check against: load a copy whose envelope covers 0 bytes
         * of the stream (docs/formats/state.md: fingerprint_len at 44, XXH64
         * at 48, CRC32C of everything before the last 4 bytes). */
        if (!(copy = PyMem_RawMalloc((size_t)blob.len))) {
            PyErr_NoMemory();
            goto done;
        }
        memcpy(copy, blob.buf, (size_t)blob.len);
        s4c_store_le32(copy + 44, 0);
        s4c_store_le64(copy + 48, XXH64(NULL, 0, 0));
        s4c_store_le32(copy + blob.len - 4, s4c_crc32c(0, copy, (size_t)blob.len - 4));
        src = copy;
        hp = NULL;
        hn = 0;
    }
    if (!hp) hp = ""; /* the library copies hn (0) bytes from it: never from NULL */
    s4c_decoder_options o;
    dctx_options(&o);
    s4c_decoder *dec = NULL;
    st = s4c_decoder_load(src, (size_t)blob.len, hp, hn, &o, &dec, &e);
    if (st != S4C_OK) {
        raise_state(self, st, e.message);
        goto done;
    }
    result = wrap_decoder(dec);
done:
    PyMem_RawFree(copy);
    if (head_obj != Py_None) PyBuffer_Release(&head);
    PyBuffer_Release(&blob);
    return result;
}

/*
 * The running content checksum (XXH32) as the fork's 48-byte layout: 11 LE
 * u32 (total_len_32, large_len, v1..v4, the 16 buffered bytes, memsize), then
 * 4 reserved bytes, zero (the fork left them uninitialised).
 */
#define CHECKSUM_BLOB 48

static PyObject *marshal_decompression_checksum_context(PyObject *self, PyObject *args,
                                                        PyObject *kw) {
    static char *names[] = {"ctx", NULL};
    (void)self;
    PyObject *cap;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O:marshal_decompression_checksum_context", names,
                                     &cap))
        return invalid_params();
    dctx *c = get_ctx(cap, DCTX_NAME);
    if (!c) return NULL;
    uint8_t b[CHECKSUM_BLOB];
    memset(b, 0, sizeof b);
    lock_ctx(c->lock);
    const XXH32_state_t *x = &dctx_lz4d(c)->content_xxh;
    s4c_store_le32(b + 0, x->total_len_32);
    s4c_store_le32(b + 4, x->large_len);
    for (int i = 0; i < 4; i++) s4c_store_le32(b + 8 + 4 * i, x->v[i]);
    memcpy(b + 24, x->mem32, 16);
    s4c_store_le32(b + 40, x->memsize);
    PyThread_release_lock(c->lock);
    return PyBytes_FromStringAndSize((const char *)b, sizeof b);
}

static PyObject *unmarshal_decompression_checksum_context(PyObject *self, PyObject *args,
                                                          PyObject *kw) {
    static char *names[] = {"ctx", "checksum", NULL};
    PyObject *cap;
    Py_buffer blob;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "Oy*:unmarshal_decompression_checksum_context",
                                     names, &cap, &blob))
        return invalid_params();
    PyObject *result = NULL;
    dctx *c = get_ctx(cap, DCTX_NAME);
    if (!c) goto done;
    const uint8_t *b = blob.buf;
    if (blob.len != CHECKSUM_BLOB) {
        char msg[96];
        PyOS_snprintf(msg, sizeof msg, "a checksum state is %d bytes, not %zd", CHECKSUM_BLOB,
                      blob.len);
        raise_state(self, S4C_ERROR_STATE_INVALID, msg);
        goto done;
    }
    XXH32_state_t x;
    memset(&x, 0, sizeof x);
    x.total_len_32 = s4c_load_le32(b + 0);
    x.large_len = s4c_load_le32(b + 4);
    for (int i = 0; i < 4; i++) x.v[i] = s4c_load_le32(b + 8 + 4 * i);
    memcpy(x.mem32, b + 24, 16);
    x.memsize = s4c_load_le32(b + 40);
    uint32_t reserved = s4c_load_le32(b + 44);
    const char *why = NULL;
    if (x.memsize > 15 || x.memsize != x.total_len_32 % 16)
        why = "checksum state: buffered byte count is inconsistent";
    else if (x.large_len > 1 || (x.total_len_32 >= 16 && !x.large_len))
        why = "checksum state: large_len flag is inconsistent";
    else if (reserved)
        why = "checksum state: reserved bytes are not zero";
    if (why) {
        raise_state(self, S4C_ERROR_STATE_INVALID, why);
        goto done;
    }
    lock_ctx(c->lock);
    dctx_lz4d(c)->content_xxh = x;
    PyThread_release_lock(c->lock);
    Py_INCREF(Py_None);
    result = Py_None;
done:
    PyBuffer_Release(&blob);
    return result;
}

static PyObject *decompress_dump(PyObject *self, PyObject *args, PyObject *kw) {
    static char *names[] = {"ctx", NULL};
    (void)self;
    PyObject *cap;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O:decompress_dump", names, &cap))
        return invalid_params();
    dctx *c = get_ctx(cap, DCTX_NAME);
    if (!c) return NULL;
    char line[320];
    lock_ctx(c->lock);
    const s4c_lz4d *d = dctx_lz4d(c);
    s4c_decoder_position pos;
    s4c_decoder_get_position(c->dec, &pos);
    PyOS_snprintf(line, sizeof line,
                  "StateDump: stage: %u, consumed: %llu, produced: %llu, stage_have: %u, "
                  "stage_need: %u, block_size: %u, left: %u, hist_len: %u, pend_len: %u, "
                  "hint: %zu, at_checkpoint: %d\n",
                  (unsigned)d->stage, (unsigned long long)pos.consumed,
                  (unsigned long long)pos.produced, d->stage_have, d->stage_need, d->block_size,
                  d->left, d->hist_len, d->pend_len, s4c_lz4d_hint(d), pos.at_checkpoint);
    PyThread_release_lock(c->lock);
    PySys_WriteStderr("%s", line);
    Py_RETURN_NONE;
}

/* Ours: (consumed, produced) of a context, absolute from the stream's start. */
static PyObject *get_decompression_position(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *cap;
    if (!PyArg_ParseTuple(args, "O:get_decompression_position", &cap)) return NULL;
    dctx *c = get_ctx(cap, DCTX_NAME);
    if (!c) return NULL;
    s4c_decoder_position pos;
    lock_ctx(c->lock);
    s4c_decoder_get_position(c->dec, &pos);
    PyThread_release_lock(c->lock);
    return Py_BuildValue("(KK)", (unsigned long long)pos.consumed,
                         (unsigned long long)pos.produced);
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
    {"clone_decompression_context", (PyCFunction)(void (*)(void))clone_decompression_context,
     METH_VARARGS | METH_KEYWORDS,
     "clone_decompression_context($module, /, ctx)\n--\n\nAn independent deep copy of a "
     "decompression context."},
    {"marshal_decompression_context", (PyCFunction)(void (*)(void))marshal_decompression_context,
     METH_VARARGS | METH_KEYWORDS,
     "marshal_decompression_context($module, /, ctx)\n--\n\nThe context's state as bytes (an "
     "S4CS saved state)."},
    {"unmarshal_decompression_context",
     (PyCFunction)(void (*)(void))unmarshal_decompression_context, METH_VARARGS | METH_KEYWORDS,
     "unmarshal_decompression_context($module, /, ctx, head=None)\n--\n\nA new context from "
     "a marshalled state (ctx); head: the stream's first bytes, to refuse a foreign state."},
    {"marshal_decompression_checksum_context",
     (PyCFunction)(void (*)(void))marshal_decompression_checksum_context,
     METH_VARARGS | METH_KEYWORDS,
     "marshal_decompression_checksum_context($module, /, ctx)\n--\n\nThe running content "
     "checksum state (48 bytes)."},
    {"unmarshal_decompression_checksum_context",
     (PyCFunction)(void (*)(void))unmarshal_decompression_checksum_context,
     METH_VARARGS | METH_KEYWORDS,
     "unmarshal_decompression_checksum_context($module, /, ctx, checksum)\n--\n\nReplaces "
     "the running content checksum state of ctx."},
    {"decompress_dump", (PyCFunction)(void (*)(void))decompress_dump, METH_VARARGS | METH_KEYWORDS,
     "decompress_dump($module, /, ctx)\n--\n\nOne line of the context's state on stderr."},
    {"get_decompression_position", get_decompression_position, METH_VARARGS,
     "get_decompression_position($module, ctx, /)\n--\n\n(consumed, produced): absolute "
     "stream offsets of a decompression context."},
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
#ifdef Py_GIL_DISABLED
    /* Free-threaded builds: this submodule, like _s4codec (module.c), needs no GIL
     * (its contexts carry their own locks). Only the imported module's flag is checked
     * today; this keeps the submodule's own flag truthful. */
    if (PyUnstable_Module_SetGIL(sub, Py_MOD_GIL_NOT_USED) < 0) {
        Py_DECREF(sub);
        return -1;
    }
#endif
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
    /* The original's names: its exceptions live in its C extension `_lz4framed`
     * (spec §1.2); python/_lz4framed.py makes that name importable (pickles). */
    if (add_exception(sub, "_lz4framed.Lz4FramedError",
                      "An LZ4F error: args are (name, code), e.g. ('ERROR_frameType_unknown', 13).",
                      &st->Lz4FramedError) < 0 ||
        add_exception(sub, "_lz4framed.Lz4FramedNoDataError",
                      "No (more) input: raised for empty inputs.", &st->Lz4FramedNoDataError) < 0)
        goto fail;
    if (add_ref(module, "_lz4framed", sub) < 0) goto fail;
    Py_DECREF(sub);
    return 0;
fail:
    Py_DECREF(sub);
    return -1;
}
