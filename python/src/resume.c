/*
 * resume.c — the C level of s4_codec's resumable streaming decoding
 * (s4codec_resume.h): `_s4codec._StreamDecoder` (a generic s4c_decoder with
 * position, clone, save and load), state inspection, and `_CheckpointIndex`
 * (.s4ci checkpoint indexes: build, decode, random reads). The Python classes
 * s4_codec.Decompressor and s4_codec.open() (python/s4_codec/_stream.py) sit
 * on top; the input buffering lives there, the decoding loop here.
 *
 * Every object has its own PyThread lock, taken with the GIL released; the
 * library calls that decode (stream, index reads and builds) run with the GIL
 * released. Saved-state and index errors raise S4StateError (an S4IoError)
 * or its subclasses, with the library's message and the `status` attribute.
 */
#include "s4py.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "s4codec_resume.h"
#include "stream/stream_internal.h" /* skip_to: the output offset a loaded decoder resumes at */

/* ---------------------------------------------------------------- errors */

static PyObject *raise_resume(s4py_state *st, s4c_status status, const s4c_error_detail *d) {
    PyObject *type = NULL;
    switch (status) {
    case S4C_ERROR_STATE_FOREIGN: type = st->S4StateForeignError; break;
    case S4C_ERROR_STATE_VERSION: type = st->S4StateVersionError; break;
    case S4C_ERROR_STATE_INVALID: type = st->S4StateError; break;
    case S4C_ERROR_CKINDEX_INVALID: type = st->S4CheckpointIndexError; break;
    case S4C_ERROR_NOT_AT_CHECKPOINT: type = st->S4NotAtCheckpointError; break;
    default: return s4py_raise_status(st, status, d);
    }
    const char *msg = d && d->status != S4C_OK && d->message[0] ? d->message : s4c_strerror(status);
    PyObject *exc = PyObject_CallFunction(type, "s", msg);
    if (!exc) return NULL;
    PyObject *name = PyUnicode_FromString(s4c_status_name(status));
    int rc = name ? PyObject_SetAttrString(exc, "status", name) : -1;
    Py_XDECREF(name);
    if (rc == 0) PyErr_SetObject(type, exc);
    Py_DECREF(exc);
    return NULL;
}

static void lock_wait(PyThread_type_lock lock) {
    if (!PyThread_acquire_lock(lock, NOWAIT_LOCK)) {
        Py_BEGIN_ALLOW_THREADS PyThread_acquire_lock(lock, WAIT_LOCK);
        Py_END_ALLOW_THREADS
    }
}

/* ---------------------------------------------------------------- _StreamDecoder */

typedef struct {
    PyObject_HEAD
    PyThread_type_lock lock;
    s4c_decoder *dec;
    uint32_t kind;
} stream_decoder;

static void sd_dealloc(PyObject *op) {
    stream_decoder *self = (stream_decoder *)op;
    PyTypeObject *tp = Py_TYPE(op);
    s4c_decoder_free(self->dec);
    if (self->lock) PyThread_free_lock(self->lock);
    tp->tp_free(op);
    Py_DECREF(tp);
}

/* A new object owning `dec` (freed on failure). */
static PyObject *sd_wrap(s4py_state *st, s4c_decoder *dec, uint32_t kind) {
    stream_decoder *self = PyObject_New(stream_decoder, st->stream_decoder_type);
    if (!self) {
        s4c_decoder_free(dec);
        return NULL;
    }
    self->dec = dec;
    self->kind = kind;
    if (!(self->lock = PyThread_allocate_lock())) {
        Py_DECREF(self);
        PyErr_SetString(PyExc_RuntimeError, "Failed to allocate lock");
        return NULL;
    }
    return (PyObject *)self;
}

static int parse_options(PyObject *spacing, PyObject *stop, s4c_decoder_options *o) {
    s4c_decoder_options_init(o);
    if (spacing && spacing != Py_None && s4py_as_u64(spacing, "checkpoint_spacing",
                                                     &o->checkpoint_spacing) < 0)
        return -1;
    if (stop) {
        int b = PyObject_IsTrue(stop);
        if (b < 0) return -1;
        o->stop_at_checkpoint = b;
    }
    return 0;
}

/* A zstd dictionary for the options (None: none); `view->obj` NULL when none. */
static int get_dictionary(PyObject *o, Py_buffer *view, s4c_decoder_options *opts) {
    memset(view, 0, sizeof *view);
    if (!o || o == Py_None) return 0;
    if (s4py_get_bytes_like(o, "dictionary", view) < 0) return -1;
    opts->dict = view->buf;
    opts->dict_size = (size_t)view->len;
    return 0;
}

static void release_dictionary(Py_buffer *view) {
    if (view->obj) PyBuffer_Release(view);
}

/* _StreamDecoder(kind, checkpoint_spacing=0, stop_at_checkpoint=False, dictionary=None) */
static PyObject *sd_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    static const char *const names[] = {"kind", "checkpoint_spacing", "stop_at_checkpoint",
                                        "dictionary"};
    PyObject *argv[4];
    if (s4py_bind_args_tuple("_StreamDecoder", args, kwargs, names, 4, 1, argv) < 0) return NULL;
    s4py_state *st = PyType_GetModuleState(type);
    uint32_t kind;
    if (s4py_as_u32(argv[0], "kind", &kind) < 0) return NULL;
    s4c_decoder_options o;
    if (parse_options(argv[1], argv[2], &o) < 0) return NULL;
    Py_buffer dict;
    if (get_dictionary(argv[3], &dict, &o) < 0) return NULL;
    s4c_decoder *dec = NULL;
    s4c_error_detail d;
    s4c_status rc = s4c_decoder_create(kind, &o, &dec, &d); /* copies the dictionary */
    release_dictionary(&dict);
    if (rc != S4C_OK) return s4py_raise_status(st, rc, &d);
    return sd_wrap(st, dec, kind);
}

static void get_position(const stream_decoder *self, s4c_decoder_position *pos) {
    s4c_decoder_get_position(self->dec, pos);
    /* A loaded decoder re-decoding towards its saved point: its caller sees
     * output from the saved point on. */
    if (self->dec->skip_to > pos->produced) pos->produced = self->dec->skip_to;
}

#define OUT_START ((size_t)64 * 1024)
#define OUT_MAX_START ((size_t)16 * 1024 * 1024)

/*
 * stream(data, max_length=-1) -> (output, used, hint, at_checkpoint_stop)
 * Runs the decoder over `data` until it is used up (or no progress), the
 * output reaches max_length (>= 0), or — with stop_at_checkpoint — a
 * checkpoint was recorded. `used`: bytes of data consumed; `hint`: the
 * decoder's last hint (0 = at a clean frame end).
 */
static PyObject *sd_stream(PyObject *op, PyTypeObject *cls, PyObject *const *args,
                           Py_ssize_t nargs, PyObject *kwnames) {
    static const char *const names[] = {"data", "max_length"};
    s4py_state *st = PyType_GetModuleState(cls);
    stream_decoder *self = (stream_decoder *)op;
    PyObject *argv[2];
    if (s4py_bind_args("stream", args, nargs, kwnames, names, 2, 1, argv) < 0) return NULL;
    Py_ssize_t max_length = -1;
    if (argv[1] && argv[1] != Py_None) {
        max_length = PyLong_AsSsize_t(argv[1]);
        if (max_length == -1 && PyErr_Occurred()) return NULL;
    }
    Py_buffer view;
    if (s4py_get_bytes_like(argv[0], "data", &view) < 0) return NULL;

    /* Unbounded: start at the input times the ratio seen so far (4 before any), at most
     * 16 MiB, and double as needed. */
    size_t cap = max_length >= 0 ? (size_t)max_length : OUT_START;
    if (max_length < 0) {
        s4c_decoder_position p0;
        s4c_decoder_get_position(self->dec, &p0);
        double ratio = p0.consumed ? (double)p0.produced / (double)p0.consumed * 1.05 : 4.0;
        double want = (double)view.len * (ratio < 1.0 ? 1.0 : ratio) + (double)OUT_START;
        cap = want >= (double)OUT_MAX_START ? OUT_MAX_START : (size_t)want;
    }
    PyObject *out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(cap ? cap : 1));
    PyObject *result = NULL;
    if (!out) goto done;

    lock_wait(self->lock);
    s4c_in_buffer in = {view.buf, (size_t)view.len, 0};
    s4c_out_buffer o = {PyBytes_AS_STRING(out), cap, 0};
    size_t hint = 1;
    int stopped = 0;
    s4c_status rc = S4C_OK;
    int grow_failed = 0;
    s4c_decoder_position pos;
    s4c_decoder_get_position(self->dec, &pos);
    uint64_t checkpoints = pos.checkpoints;
    for (;;) {
        size_t in_before = in.pos, out_before = o.pos;
        if (in.size - in.pos + (o.size - o.pos) >= (size_t)S4PY_GIL_RELEASE_MIN) {
            Py_BEGIN_ALLOW_THREADS rc = s4c_decoder_stream(self->dec, &in, &o, &hint);
            Py_END_ALLOW_THREADS
        } else {
            rc = s4c_decoder_stream(self->dec, &in, &o, &hint);
        }
        if (rc != S4C_OK) break;
        if (self->dec->opts.stop_at_checkpoint) {
            s4c_decoder_get_position(self->dec, &pos);
            if (pos.checkpoints != checkpoints && pos.at_checkpoint) {
                stopped = 1;
                break;
            }
        }
        if (o.pos == o.size) {
            if (max_length >= 0) break;
            /* unbounded: grow and go on */
            size_t ncap = cap * 2;
            if (ncap > (size_t)PY_SSIZE_T_MAX || _PyBytes_Resize(&out, (Py_ssize_t)ncap) < 0) {
                grow_failed = 1;
                break;
            }
            cap = ncap;
            o.dst = PyBytes_AS_STRING(out);
            o.size = cap;
            continue;
        }
        if (in.pos == in_before && o.pos == out_before) break; /* needs input */
    }
    PyThread_release_lock(self->lock);
    if (grow_failed) {
        if (!PyErr_Occurred()) PyErr_NoMemory();
        Py_CLEAR(out);
        goto done;
    }
    if (rc != S4C_OK) {
        Py_CLEAR(out);
        s4py_raise_status(st, rc, s4c_decoder_error(self->dec));
        goto done;
    }
    if (_PyBytes_Resize(&out, (Py_ssize_t)o.pos) < 0) goto done;
    result = Py_BuildValue("(NnnO)", out, (Py_ssize_t)in.pos, (Py_ssize_t)hint,
                           stopped ? Py_True : Py_False);
    out = NULL;
done:
    Py_XDECREF(out);
    PyBuffer_Release(&view);
    return result;
}

static PyObject *sd_finish(PyObject *op, PyTypeObject *cls, PyObject *const *args,
                           Py_ssize_t nargs, PyObject *kwnames) {
    s4py_state *st = PyType_GetModuleState(cls);
    stream_decoder *self = (stream_decoder *)op;
    if (s4py_bind_args("finish", args, nargs, kwnames, NULL, 0, 0, NULL) < 0) return NULL;
    lock_wait(self->lock);
    s4c_status rc = s4c_decoder_finish(self->dec);
    s4c_error_detail d = *s4c_decoder_error(self->dec);
    PyThread_release_lock(self->lock);
    if (rc != S4C_OK) return s4py_raise_status(st, rc, &d);
    Py_RETURN_NONE;
}

/* position() -> (consumed, produced, at_checkpoint, checkpoints, resume_offset, resume_produced) */
static PyObject *sd_position(PyObject *op, PyObject *unused) {
    (void)unused;
    stream_decoder *self = (stream_decoder *)op;
    s4c_decoder_position pos;
    lock_wait(self->lock);
    get_position(self, &pos);
    PyThread_release_lock(self->lock);
    return Py_BuildValue("(KKOKKK)", (unsigned long long)pos.consumed,
                         (unsigned long long)pos.produced, pos.at_checkpoint ? Py_True : Py_False,
                         (unsigned long long)pos.checkpoints,
                         (unsigned long long)pos.resume_offset,
                         (unsigned long long)pos.resume_produced);
}

static PyObject *sd_save(PyObject *op, PyTypeObject *cls, PyObject *const *args, Py_ssize_t nargs,
                         PyObject *kwnames) {
    s4py_state *st = PyType_GetModuleState(cls);
    stream_decoder *self = (stream_decoder *)op;
    if (s4py_bind_args("save", args, nargs, kwnames, NULL, 0, 0, NULL) < 0) return NULL;
    s4c_error_detail d;
    size_t need = 0, got = 0;
    PyObject *out = NULL;
    lock_wait(self->lock);
    s4c_status rc = s4c_decoder_save(self->dec, NULL, 0, &need, &d);
    if (rc == S4C_ERROR_DST_TOO_SMALL) {
        PyThread_release_lock(self->lock);
        out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)need);
        if (!out) return NULL;
        lock_wait(self->lock);
        rc = s4c_decoder_save(self->dec, PyBytes_AS_STRING(out), need, &got, &d);
        if (rc == S4C_OK && got != need) rc = S4C_ERROR_DST_TOO_SMALL; /* changed meanwhile */
    } else if (rc == S4C_OK) {
        rc = S4C_ERROR_STAGE; /* a save into no buffer cannot succeed */
        s4c_detail_clear(&d);
    }
    PyThread_release_lock(self->lock);
    if (rc != S4C_OK) {
        Py_XDECREF(out);
        return raise_resume(st, rc, &d);
    }
    return out;
}

static PyObject *sd_clone(PyObject *op, PyTypeObject *cls, PyObject *const *args,
                          Py_ssize_t nargs, PyObject *kwnames) {
    s4py_state *st = PyType_GetModuleState(cls);
    stream_decoder *self = (stream_decoder *)op;
    if (s4py_bind_args("clone", args, nargs, kwnames, NULL, 0, 0, NULL) < 0) return NULL;
    s4c_error_detail d;
    s4c_decoder *copy = NULL;
    lock_wait(self->lock);
    s4c_status rc = s4c_decoder_clone(self->dec, &copy, &d);
    PyThread_release_lock(self->lock);
    if (rc != S4C_OK) return raise_resume(st, rc, &d);
    return sd_wrap(st, copy, self->kind);
}

static PyObject *sd_get_kind(PyObject *op, void *closure) {
    (void)closure;
    return PyLong_FromUnsignedLong(((stream_decoder *)op)->kind);
}

static PyMethodDef sd_methods[] = {
    {"stream", (PyCFunction)(void (*)(void))sd_stream, METH_METHOD | METH_FASTCALL | METH_KEYWORDS,
     "stream($self, /, data, max_length=-1)\n--\n\n(output, used, hint, stopped_at_checkpoint)."},
    {"finish", (PyCFunction)(void (*)(void))sd_finish, METH_METHOD | METH_FASTCALL | METH_KEYWORDS,
     "finish($self, /)\n--\n\nDeclares the end of input (raises when inside a frame)."},
    {"position", sd_position, METH_NOARGS,
     "position($self, /)\n--\n\n(consumed, produced, at_checkpoint, checkpoints, resume_offset, "
     "resume_produced)."},
    {"save", (PyCFunction)(void (*)(void))sd_save, METH_METHOD | METH_FASTCALL | METH_KEYWORDS,
     "save($self, /)\n--\n\nThe decoder's state as an S4CS blob."},
    {"clone", (PyCFunction)(void (*)(void))sd_clone, METH_METHOD | METH_FASTCALL | METH_KEYWORDS,
     "clone($self, /)\n--\n\nAn independent deep copy."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef sd_getset[] = {
    {"kind", sd_get_kind, NULL, "The codec kind id.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot sd_slots[] = {
    {Py_tp_new, sd_new},
    {Py_tp_dealloc, sd_dealloc},
    {Py_tp_methods, sd_methods},
    {Py_tp_getset, sd_getset},
    {Py_tp_doc, "A resumable streaming decoder (internal: see s4_codec.Decompressor)."},
    {0, NULL},
};

static PyType_Spec sd_spec = {
    .name = "_s4codec._StreamDecoder",
    .basicsize = sizeof(stream_decoder),
    .flags = Py_TPFLAGS_DEFAULT,
    .slots = sd_slots,
};

/* ---------------------------------------------------------------- module functions */

static PyObject *info_dict(const s4c_state_info *info) {
    const char *name = s4c_kind_name(info->kind);
    return Py_BuildValue("{s:s,s:I,s:K,s:K,s:K,s:K,s:I,s:O}", "codec", name ? name : "unknown",
                         "version", info->version, "consumed",
                         (unsigned long long)info->consumed, "produced",
                         (unsigned long long)info->produced, "resume_offset",
                         (unsigned long long)info->resume_offset, "resume_produced",
                         (unsigned long long)info->resume_produced, "fingerprint_len",
                         info->fingerprint_len, "at_checkpoint",
                         info->at_checkpoint ? Py_True : Py_False);
}

/* _state_inspect(blob) -> dict */
static PyObject *py_state_inspect(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                                  PyObject *kwnames) {
    static const char *const names[] = {"blob"};
    s4py_state *st = s4py_module_state(module);
    PyObject *argv[1];
    if (s4py_bind_args("inspect_state", args, nargs, kwnames, names, 1, 1, argv) < 0) return NULL;
    Py_buffer view;
    if (s4py_get_bytes_like(argv[0], "blob", &view) < 0) return NULL;
    s4c_state_info info;
    s4c_error_detail d;
    s4c_status rc = s4c_state_inspect(view.buf, (size_t)view.len, &info, &d);
    PyBuffer_Release(&view);
    if (rc != S4C_OK) return raise_resume(st, rc, &d);
    return info_dict(&info);
}

/* _decoder_load(blob, head, checkpoint_spacing=0, stop_at_checkpoint=False, dictionary=None) */
static PyObject *py_decoder_load(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                                 PyObject *kwnames) {
    static const char *const names[] = {"blob", "head", "checkpoint_spacing",
                                        "stop_at_checkpoint", "dictionary"};
    s4py_state *st = s4py_module_state(module);
    PyObject *argv[5];
    if (s4py_bind_args("load", args, nargs, kwnames, names, 5, 2, argv) < 0) return NULL;
    s4c_decoder_options o;
    if (parse_options(argv[2], argv[3], &o) < 0) return NULL;
    Py_buffer blob, head, dict;
    if (get_dictionary(argv[4], &dict, &o) < 0) return NULL;
    if (s4py_get_bytes_like(argv[0], "blob", &blob) < 0) {
        release_dictionary(&dict);
        return NULL;
    }
    if (s4py_get_bytes_like(argv[1], "head", &head) < 0) {
        PyBuffer_Release(&blob);
        release_dictionary(&dict);
        return NULL;
    }
    s4c_error_detail d;
    s4c_decoder *dec = NULL;
    s4c_state_info info;
    s4c_status rc = s4c_state_inspect(blob.buf, (size_t)blob.len, &info, &d);
    if (rc == S4C_OK)
        rc = s4c_decoder_load(blob.buf, (size_t)blob.len, head.buf, (size_t)head.len, &o, &dec,
                              &d);
    PyBuffer_Release(&blob);
    PyBuffer_Release(&head);
    release_dictionary(&dict);
    if (rc != S4C_OK) return raise_resume(st, rc, &d);
    return sd_wrap(st, dec, info.kind);
}

/* ---------------------------------------------------------------- _CheckpointIndex */

typedef struct {
    PyObject_HEAD
    s4c_ckindex *index;
} ckindex_object;

/* s4c_read_at_fn over a file descriptor (pread: no shared file offset). */
static s4c_status fd_read_at(void *ctx, uint64_t offset, void *buf, size_t len, size_t *got) {
    int fd = *(const int *)ctx;
    size_t n = 0;
    while (n < len) {
        ssize_t r = pread(fd, (uint8_t *)buf + n, len - n, (off_t)(offset + n));
        if (r < 0) {
            if (errno == EINTR) continue;
            *got = n;
            return S4C_ERROR_BACKEND;
        }
        if (r == 0) break;
        n += (size_t)r;
    }
    *got = n;
    return S4C_OK;
}

static int as_fd(PyObject *o) {
    int fd = PyObject_AsFileDescriptor(o);
    return fd;
}

static void ck_dealloc(PyObject *op) {
    ckindex_object *self = (ckindex_object *)op;
    PyTypeObject *tp = Py_TYPE(op);
    s4c_ckindex_free(self->index);
    tp->tp_free(op);
    Py_DECREF(tp);
}

/* _CheckpointIndex(data): parses an encoded (.s4ci) index. */
static PyObject *ck_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    static const char *const names[] = {"data"};
    PyObject *argv[1];
    if (s4py_bind_args_tuple("_CheckpointIndex", args, kwargs, names, 1, 1, argv) < 0)
        return NULL;
    s4py_state *st = PyType_GetModuleState(type);
    Py_buffer view;
    if (s4py_get_bytes_like(argv[0], "data", &view) < 0) return NULL;
    s4c_ckindex *index = NULL;
    s4c_error_detail d;
    s4c_status rc = s4c_ckindex_decode(view.buf, (size_t)view.len, &index, &d);
    PyBuffer_Release(&view);
    if (rc != S4C_OK) return raise_resume(st, rc, &d);
    ckindex_object *self = PyObject_New(ckindex_object, type);
    if (!self) {
        s4c_ckindex_free(index);
        return NULL;
    }
    self->index = index;
    return (PyObject *)self;
}

static PyObject *ck_get_kind(PyObject *op, void *closure) {
    (void)closure;
    const char *name = s4c_kind_name(s4c_ckindex_kind(((ckindex_object *)op)->index));
    return PyUnicode_FromString(name ? name : "unknown");
}

static PyObject *ck_get_compressed_size(PyObject *op, void *closure) {
    (void)closure;
    return PyLong_FromUnsignedLongLong(s4c_ckindex_compressed_size(((ckindex_object *)op)->index));
}

static PyObject *ck_get_uncompressed_size(PyObject *op, void *closure) {
    (void)closure;
    return PyLong_FromUnsignedLongLong(
        s4c_ckindex_uncompressed_size(((ckindex_object *)op)->index));
}

static Py_ssize_t ck_len(PyObject *op) {
    return (Py_ssize_t)s4c_ckindex_count(((ckindex_object *)op)->index);
}

/* entry(i) -> (compressed_offset, uncompressed_offset, state) */
static PyObject *ck_entry(PyObject *op, PyObject *arg) {
    ckindex_object *self = (ckindex_object *)op;
    Py_ssize_t i = PyLong_AsSsize_t(arg);
    if (i == -1 && PyErr_Occurred()) return NULL;
    s4c_ckindex_entry e;
    if (i < 0 || s4c_ckindex_entry_at(self->index, (size_t)i, &e) != S4C_OK) {
        PyErr_SetString(PyExc_IndexError, "checkpoint index entry out of range");
        return NULL;
    }
    return Py_BuildValue("(KKy#)", (unsigned long long)e.compressed_offset,
                         (unsigned long long)e.uncompressed_offset, (const char *)e.state,
                         (Py_ssize_t)e.state_size);
}

/* check_stream(fileobj_or_fd): S4StateForeignError when the index is another file's. */
static PyObject *ck_check_stream(PyObject *op, PyTypeObject *cls, PyObject *const *args,
                                 Py_ssize_t nargs, PyObject *kwnames) {
    static const char *const names[] = {"file"};
    s4py_state *st = PyType_GetModuleState(cls);
    ckindex_object *self = (ckindex_object *)op;
    PyObject *argv[1];
    if (s4py_bind_args("check_stream", args, nargs, kwnames, names, 1, 1, argv) < 0) return NULL;
    int fd = as_fd(argv[0]);
    if (fd < 0) return NULL;
    s4c_error_detail d;
    s4c_status rc;
    Py_BEGIN_ALLOW_THREADS rc = s4c_ckindex_check_stream(self->index, fd_read_at, &fd, &d);
    Py_END_ALLOW_THREADS
    if (rc != S4C_OK) return raise_resume(st, rc, &d);
    Py_RETURN_NONE;
}

/* read(file, offset, length) -> bytes (shorter at the end of the stream) */
static PyObject *ck_read(PyObject *op, PyTypeObject *cls, PyObject *const *args, Py_ssize_t nargs,
                         PyObject *kwnames) {
    static const char *const names[] = {"file", "offset", "length", "threads"};
    s4py_state *st = PyType_GetModuleState(cls);
    ckindex_object *self = (ckindex_object *)op;
    PyObject *argv[4];
    if (s4py_bind_args("read", args, nargs, kwnames, names, 4, 3, argv) < 0) return NULL;
    int fd = as_fd(argv[0]);
    if (fd < 0) return NULL;
    uint64_t offset, threads = 1;
    size_t length;
    if (s4py_as_u64(argv[1], "offset", &offset) < 0 || s4py_as_size(argv[2], "length", &length) < 0)
        return NULL;
    if (argv[3] && s4py_as_u64(argv[3], "threads", &threads) < 0) return NULL;
    if (threads > 256) threads = 256;
    uint64_t total = s4c_ckindex_uncompressed_size(self->index);
    if (offset >= total) return PyBytes_FromStringAndSize(NULL, 0);
    if (length > total - offset) length = (size_t)(total - offset);
    if (length > (size_t)PY_SSIZE_T_MAX) return PyErr_NoMemory();
    PyObject *out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)length);
    if (!out) return NULL;
    s4c_error_detail d;
    size_t got = 0;
    s4c_status rc;
    char *dst = PyBytes_AS_STRING(out);
    Py_BEGIN_ALLOW_THREADS
    if (threads == 1)
        rc = s4c_ckindex_read(self->index, fd_read_at, &fd, offset, dst, length, &got, &d);
    else
        rc = s4c_ckindex_read_parallel(self->index, fd_read_at, &fd, offset, dst, length,
                                       (unsigned)threads, &got, &d);
    Py_END_ALLOW_THREADS
    if (rc != S4C_OK) {
        Py_DECREF(out);
        return raise_resume(st, rc, &d);
    }
    if (got != length && _PyBytes_Resize(&out, (Py_ssize_t)got) < 0) return NULL;
    return out;
}

static PyMethodDef ck_methods[] = {
    {"entry", ck_entry, METH_O,
     "entry($self, i, /)\n--\n\n(compressed_offset, uncompressed_offset, state) of entry i."},
    {"check_stream", (PyCFunction)(void (*)(void))ck_check_stream,
     METH_METHOD | METH_FASTCALL | METH_KEYWORDS,
     "check_stream($self, /, file)\n--\n\nRaises S4StateForeignError unless the index belongs "
     "to the file (object with fileno() or a descriptor)."},
    {"read", (PyCFunction)(void (*)(void))ck_read, METH_METHOD | METH_FASTCALL | METH_KEYWORDS,
     "read($self, /, file, offset, length, threads=1)\n--\n\nDecodes [offset, offset + "
     "length) of the output; threads != 1: the segments it spans in parallel (0 = all cores)."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef ck_getset[] = {
    {"codec", ck_get_kind, NULL, "The stream's codec name.", NULL},
    {"compressed_size", ck_get_compressed_size, NULL, "Bytes of the compressed stream.", NULL},
    {"uncompressed_size", ck_get_uncompressed_size, NULL, "Bytes of output.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot ck_slots[] = {
    {Py_tp_new, ck_new},
    {Py_tp_dealloc, ck_dealloc},
    {Py_tp_methods, ck_methods},
    {Py_tp_getset, ck_getset},
    {Py_sq_length, ck_len},
    {Py_tp_doc, "A parsed .s4ci checkpoint index (internal: see s4_codec.open)."},
    {0, NULL},
};

static PyType_Spec ck_spec = {
    .name = "_s4codec._CheckpointIndex",
    .basicsize = sizeof(ckindex_object),
    .flags = Py_TPFLAGS_DEFAULT,
    .slots = ck_slots,
};

/* _ckindex_build(file, spacing=0) -> bytes (an encoded .s4ci index of the whole stream) */
static PyObject *py_ckindex_build(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                                  PyObject *kwnames) {
    static const char *const names[] = {"file", "spacing"};
    s4py_state *st = s4py_module_state(module);
    PyObject *argv[2];
    if (s4py_bind_args("build_index", args, nargs, kwnames, names, 2, 1, argv) < 0) return NULL;
    int fd = as_fd(argv[0]);
    if (fd < 0) return NULL;
    uint64_t spacing = 0;
    if (argv[1] && s4py_as_u64(argv[1], "spacing", &spacing) < 0) return NULL;
    s4c_ckindex *index = NULL;
    s4c_error_detail d;
    s4c_status rc;
    Py_BEGIN_ALLOW_THREADS rc = s4c_ckindex_build(fd_read_at, &fd, spacing, &index, &d);
    Py_END_ALLOW_THREADS
    if (rc != S4C_OK) return raise_resume(st, rc, &d);
    size_t need = 0;
    rc = s4c_ckindex_encode(index, NULL, 0, &need);
    PyObject *out = NULL;
    if (rc == S4C_ERROR_DST_TOO_SMALL && need <= (size_t)PY_SSIZE_T_MAX &&
        (out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)need)) != NULL) {
        rc = s4c_ckindex_encode(index, PyBytes_AS_STRING(out), need, &need);
        if (rc != S4C_OK) Py_CLEAR(out);
    }
    s4c_ckindex_free(index);
    if (!out && !PyErr_Occurred()) {
        s4c_error_detail e;
        memset(&e, 0, sizeof e);
        return raise_resume(st, rc == S4C_OK ? S4C_ERROR_STAGE : rc, &e);
    }
    return out;
}

/* _detect_kind(head) -> kind id, or None when more bytes are needed (S4IoError: unknown) */
static PyObject *py_detect_kind(PyObject *module, PyObject *arg) {
    s4py_state *st = s4py_module_state(module);
    Py_buffer view;
    if (s4py_get_bytes_like(arg, "head", &view) < 0) return NULL;
    uint32_t kind = 0;
    s4c_status rc = s4c_detect_kind(view.buf, (size_t)view.len, &kind);
    PyBuffer_Release(&view);
    if (rc == S4C_ERROR_TRUNCATED_INPUT) Py_RETURN_NONE;
    if (rc != S4C_OK) {
        s4c_error_detail d;
        memset(&d, 0, sizeof d);
        d.status = rc;
        PyOS_snprintf(d.message, sizeof d.message,
                      "unknown stream format (not zstd, gzip or LZ4 frames)");
        return s4py_raise_status(st, rc, &d);
    }
    return PyLong_FromUnsignedLong(kind);
}

static PyMethodDef resume_functions[] = {
    {"_detect_kind", py_detect_kind, METH_O,
     "_detect_kind($module, head, /)\n--\n\nThe codec kind of a stream's first bytes, or None "
     "when more are needed."},
    {"_state_inspect", (PyCFunction)(void (*)(void))py_state_inspect,
     METH_FASTCALL | METH_KEYWORDS,
     "_state_inspect($module, /, blob)\n--\n\nWhat a saved state says about itself (checked)."},
    {"_decoder_load", (PyCFunction)(void (*)(void))py_decoder_load, METH_FASTCALL | METH_KEYWORDS,
     "_decoder_load($module, /, blob, head, checkpoint_spacing=0, stop_at_checkpoint=False, "
     "dictionary=None)\n--"
     "\n\nA _StreamDecoder from a saved state; head: the stream's first bytes."},
    {"_ckindex_build", (PyCFunction)(void (*)(void))py_ckindex_build,
     METH_FASTCALL | METH_KEYWORDS,
     "_ckindex_build($module, /, file, spacing=0)\n--\n\nAn encoded .s4ci index of a whole "
     "compressed file."},
    {NULL, NULL, 0, NULL},
};

/* ---------------------------------------------------------------- exec */

static int add_type(PyObject *module, PyType_Spec *spec, PyTypeObject **slot) {
    *slot = (PyTypeObject *)PyType_FromModuleAndSpec(module, spec, NULL);
    if (!*slot) return -1;
    Py_INCREF(*slot);
    if (PyModule_AddObject(module, strchr(spec->name, '.') + 1, (PyObject *)*slot) < 0) {
        Py_DECREF(*slot);
        return -1;
    }
    return 0;
}

static int add_exception(PyObject *module, const char *name, const char *doc, PyObject *base,
                         PyObject **slot) {
    *slot = PyErr_NewExceptionWithDoc(name, doc, base, NULL);
    if (!*slot) return -1;
    Py_INCREF(*slot);
    if (PyModule_AddObject(module, strchr(name, '.') + 1, *slot) < 0) {
        Py_DECREF(*slot);
        return -1;
    }
    return 0;
}

int s4py_exec_resume(PyObject *module) {
    s4py_state *st = s4py_module_state(module);
    if (add_exception(module, "s4_codec.S4StateError",
                      "A saved decoder state (or checkpoint index entry) is malformed, corrupt "
                      "or unusable; `status` names the library status.",
                      st->S4IoError, &st->S4StateError) < 0 ||
        add_exception(module, "s4_codec.S4StateForeignError",
                      "The saved state or index belongs to another stream (fingerprint).",
                      st->S4StateError, &st->S4StateForeignError) < 0 ||
        add_exception(module, "s4_codec.S4StateVersionError",
                      "The saved state has a format version this build does not read.",
                      st->S4StateError, &st->S4StateVersionError) < 0 ||
        add_exception(module, "s4_codec.S4CheckpointIndexError",
                      "A .s4ci checkpoint index is malformed or corrupt.", st->S4StateError,
                      &st->S4CheckpointIndexError) < 0 ||
        add_exception(module, "s4_codec.S4NotAtCheckpointError",
                      "The operation needs the decoder to stand at a checkpoint (zstd clone).",
                      st->S4Error, &st->S4NotAtCheckpointError) < 0)
        return -1;
    if (add_type(module, &sd_spec, &st->stream_decoder_type) < 0 ||
        add_type(module, &ck_spec, &st->ckindex_type) < 0)
        return -1;
    return PyModule_AddFunctions(module, resume_functions);
}
