/*
 * codec_object.c — the base type of the codec classes: compress/decompress
 * with S4's signatures, the context pool and the shared attributes.
 *
 * compress(data) -> (payload, original_size, crc32c) and
 * decompress(data, original_size, crc32c) -> bytes, as S4's binding
 * (s4-compat.md §7.1): the manifest's compressed_size is len(data). Inputs are
 * any C-contiguous bytes-like object, pinned through the buffer protocol while
 * the GIL is released. Output bytes objects are allocated with the GIL held,
 * before the codec runs, and written in place.
 */
#include "codec_object.h"

/* ------------------------------------------------------------ context pool */

static s4c_codec *take_context(s4py_state *st, s4py_codec *self) {
    s4c_codec *c = NULL;
    PyThread_acquire_lock(self->lock, WAIT_LOCK);
    if (self->pool_len > 0) c = self->pool[--self->pool_len];
    PyThread_release_lock(self->lock);
    if (c) return c;
    s4c_error_detail d;
    s4c_status rc = s4c_codec_create(self->kind, &self->opts, &c, &d);
    if (rc != S4C_OK) {
        s4py_raise_status(st, rc, &d);
        return NULL;
    }
    return c;
}

/* Safe without the GIL: touches only the pool and C memory. */
static void give_back(s4py_codec *self, s4c_codec *c) {
    PyThread_acquire_lock(self->lock, WAIT_LOCK);
    if (self->pool_len < S4PY_CODEC_POOL_MAX) {
        self->pool[self->pool_len++] = c;
        c = NULL;
    }
    PyThread_release_lock(self->lock);
    s4c_codec_free(c);
}

PyObject *s4py_codec_new(s4py_state *st, PyTypeObject *type, uint32_t kind,
                         const s4c_codec_options *opts) {
    s4py_codec *self = (s4py_codec *)type->tp_alloc(type, 0);
    if (!self) return NULL;
    self->kind = kind;
    self->opts = *opts;
    self->opts.dict = NULL;
    self->opts.dict_size = 0;
    self->lock = PyThread_allocate_lock();
    if (!self->lock) {
        PyErr_SetString(PyExc_RuntimeError, "failed to allocate lock");
        goto fail;
    }
    if (opts->dict_size) {
        self->dict = PyMem_RawMalloc(opts->dict_size);
        if (!self->dict) {
            PyErr_NoMemory();
            goto fail;
        }
        memcpy(self->dict, opts->dict, opts->dict_size);
        self->dict_size = opts->dict_size;
        self->opts.dict = self->dict;
        self->opts.dict_size = self->dict_size;
    }
    /* The first context validates the options and tells the effective level. */
    s4c_codec *c = take_context(st, self);
    if (!c) goto fail;
    self->level = s4c_codec_level(c);
    give_back(self, c);
    return (PyObject *)self;
fail:
    Py_DECREF(self);
    return NULL;
}

static void codec_dealloc(PyObject *op) {
    s4py_codec *self = (s4py_codec *)op;
    PyTypeObject *tp = Py_TYPE(op);
    for (int i = 0; i < self->pool_len; i++)
        s4c_codec_free(self->pool[i]);
    self->pool_len = 0;
    PyMem_RawFree(self->dict);
    if (self->lock) PyThread_free_lock(self->lock);
    tp->tp_free(op);
    Py_DECREF(tp);
}

/* ------------------------------------------------------------ compress */

static PyObject *make_result(PyObject *payload, const s4c_manifest *m) {
    PyObject *size = PyLong_FromUnsignedLongLong(m->original_size);
    PyObject *crc = PyLong_FromUnsignedLong(m->crc32c);
    PyObject *t = size && crc ? PyTuple_New(3) : NULL;
    if (!t) {
        Py_XDECREF(size);
        Py_XDECREF(crc);
        Py_DECREF(payload);
        return NULL;
    }
    PyTuple_SET_ITEM(t, 0, payload);
    PyTuple_SET_ITEM(t, 1, size);
    PyTuple_SET_ITEM(t, 2, crc);
    return t;
}

static PyObject *codec_compress(PyObject *op, PyTypeObject *cls, PyObject *const *args,
                                Py_ssize_t nargs, PyObject *kwnames) {
    static const char *const names[] = {"data"};
    s4py_state *st = PyType_GetModuleState(cls);
    s4py_codec *self = (s4py_codec *)op;
    PyObject *argv[1];
    if (s4py_bind_args("compress", args, nargs, kwnames, names, 1, 1, argv) < 0) return NULL;
    Py_buffer view;
    if (s4py_get_bytes_like(argv[0], "data", &view) < 0) return NULL;

    PyObject *out = NULL;
    s4c_codec *c = take_context(st, self);
    if (!c) goto done;
    size_t bound = s4c_compress_bound(c, (size_t)view.len);
    if (bound > (size_t)PY_SSIZE_T_MAX) {
        give_back(self, c);
        PyErr_NoMemory();
        goto done;
    }
    out = s4py_bytes_for_output(bound);
    if (!out) {
        give_back(self, c);
        goto done;
    }
    s4c_manifest m;
    s4c_error_detail d;
    s4c_status rc;
    char *dst = PyBytes_AS_STRING(out);
    if (view.len >= S4PY_GIL_RELEASE_MIN) {
        PyThreadState *ts = PyEval_SaveThread();
        rc = s4c_compress(c, view.buf, (size_t)view.len, dst, bound, &m, &d);
        give_back(self, c);
        PyEval_RestoreThread(ts);
    } else {
        rc = s4c_compress(c, view.buf, (size_t)view.len, dst, bound, &m, &d);
        give_back(self, c);
    }
    if (rc != S4C_OK) {
        Py_CLEAR(out);
        s4py_raise_status(st, rc, &d);
        goto done;
    }
    if ((size_t)m.compressed_size != bound &&
        _PyBytes_Resize(&out, (Py_ssize_t)m.compressed_size) < 0)
        goto done; /* _PyBytes_Resize cleared `out` */
    out = make_result(out, &m);
done:
    PyBuffer_Release(&view);
    return out;
}

/* ------------------------------------------------------------ decompress */

/* s4c_decompress with the context taken from `self`, which it gives back; the
 * GIL is released when the input or the output is large enough to matter. */
static s4c_status run_decompress(s4py_codec *self, s4c_codec *c, const s4c_manifest *m,
                                 const Py_buffer *in, void *dst, size_t cap, size_t *written,
                                 s4c_error_detail *d) {
    s4c_status rc;
    if (in->len >= S4PY_GIL_RELEASE_MIN || cap >= (size_t)S4PY_GIL_RELEASE_MIN) {
        PyThreadState *ts = PyEval_SaveThread();
        rc = s4c_decompress(c, m, in->buf, (size_t)in->len, dst, cap, written, d);
        give_back(self, c);
        PyEval_RestoreThread(ts);
    } else {
        rc = s4c_decompress(c, m, in->buf, (size_t)in->len, dst, cap, written, d);
        give_back(self, c);
    }
    return rc;
}

static PyObject *codec_decompress(PyObject *op, PyTypeObject *cls, PyObject *const *args,
                                  Py_ssize_t nargs, PyObject *kwnames) {
    static const char *const names[] = {"data", "original_size", "crc32c"};
    s4py_state *st = PyType_GetModuleState(cls);
    s4py_codec *self = (s4py_codec *)op;
    PyObject *argv[3];
    if (s4py_bind_args("decompress", args, nargs, kwnames, names, 3, 3, argv) < 0) return NULL;
    s4c_manifest m = {.codec = self->kind};
    if (s4py_as_u64(argv[1], "original_size", &m.original_size) < 0 ||
        s4py_as_u32(argv[2], "crc32c", &m.crc32c) < 0)
        return NULL;
    Py_buffer view;
    if (s4py_get_bytes_like(argv[0], "data", &view) < 0) return NULL;
    m.compressed_size = (uint64_t)view.len;

    PyObject *out = NULL;
    s4c_codec *c = take_context(st, self);
    if (!c) goto done;
    /* Over the limit, the library refuses before touching dst: allocate only
     * sizes it may accept. Below it, the bytes object is sized from the
     * manifest; its pages are committed only as the decoder writes them. */
    size_t want = m.original_size <= S4C_MAX_DECOMPRESSED_BYTES ? (size_t)m.original_size : 0;
    if (m.original_size <= S4C_MAX_DECOMPRESSED_BYTES) {
        out = s4py_bytes_for_output(want);
        if (!out) {
            give_back(self, c);
            goto done;
        }
    }
    char *dst = out ? PyBytes_AS_STRING(out) : NULL;
    s4c_error_detail d;
    size_t written = 0;
    s4c_status rc = run_decompress(self, c, &m, &view, dst, want, &written, &d);
    if (rc != S4C_OK) {
        Py_CLEAR(out);
        s4py_raise_status(st, rc, &d);
    }
done:
    PyBuffer_Release(&view);
    return out;
}

/* ------------------------------------------------------------ decompress_into */

/*
 * Ours: decompress() into a caller's writable buffer (bytearray, memoryview,
 * mmap, numpy array...), for loops that reuse one buffer: no new object and no
 * fresh pages for the kernel to zero per call. Same checks and errors as
 * decompress(); `out` must hold original_size bytes (ValueError otherwise,
 * after S4's 5 GiB manifest limit); returns original_size. On an error the
 * first original_size bytes of `out` are unspecified.
 */
static PyObject *codec_decompress_into(PyObject *op, PyTypeObject *cls, PyObject *const *args,
                                       Py_ssize_t nargs, PyObject *kwnames) {
    static const char *const names[] = {"data", "original_size", "crc32c", "out"};
    s4py_state *st = PyType_GetModuleState(cls);
    s4py_codec *self = (s4py_codec *)op;
    PyObject *argv[4];
    if (s4py_bind_args("decompress_into", args, nargs, kwnames, names, 4, 4, argv) < 0)
        return NULL;
    s4c_manifest m = {.codec = self->kind};
    if (s4py_as_u64(argv[1], "original_size", &m.original_size) < 0 ||
        s4py_as_u32(argv[2], "crc32c", &m.crc32c) < 0)
        return NULL;
    Py_buffer ov;
    if (PyObject_GetBuffer(argv[3], &ov, PyBUF_WRITABLE) < 0) {
        PyErr_Format(PyExc_TypeError, "out must be a writable bytes-like object, not '%.200s'",
                     Py_TYPE(argv[3])->tp_name);
        return NULL;
    }
    if (m.original_size <= S4C_MAX_DECOMPRESSED_BYTES &&
        (uint64_t)ov.len < m.original_size) {
        PyErr_Format(PyExc_ValueError, "out holds %zd bytes; original_size is %llu", ov.len,
                     (unsigned long long)m.original_size);
        PyBuffer_Release(&ov);
        return NULL;
    }
    Py_buffer view;
    if (s4py_get_bytes_like(argv[0], "data", &view) < 0) {
        PyBuffer_Release(&ov);
        return NULL;
    }
    m.compressed_size = (uint64_t)view.len;
    PyObject *result = NULL;
    s4c_codec *c = take_context(st, self);
    if (c) {
        s4c_error_detail d;
        size_t written = 0;
        s4c_status rc =
            run_decompress(self, c, &m, &view, ov.len ? ov.buf : NULL, (size_t)ov.len, &written, &d);
        if (rc != S4C_OK)
            s4py_raise_status(st, rc, &d);
        else
            result = PyLong_FromSize_t(written);
    }
    PyBuffer_Release(&view);
    PyBuffer_Release(&ov);
    return result;
}

/* ------------------------------------------------------------ attributes */

static PyObject *codec_get_level(PyObject *op, void *closure) {
    (void)closure;
    return PyLong_FromLong(((s4py_codec *)op)->level);
}

static PyObject *codec_get_codec(PyObject *op, void *closure) {
    (void)closure;
    const char *name = s4c_kind_name(((s4py_codec *)op)->kind);
    return PyUnicode_FromString(name ? name : "unknown");
}

static PyObject *codec_base_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    (void)args;
    (void)kwargs;
    PyErr_Format(PyExc_TypeError, "cannot create '%s' instances", type->tp_name);
    return NULL;
}

static PyMethodDef codec_methods[] = {
    {"compress", (PyCFunction)(void (*)(void))codec_compress,
     METH_METHOD | METH_FASTCALL | METH_KEYWORDS,
     "compress($self, /, data)\n--\n\nReturns (payload: bytes, original_size: int, crc32c: int).\n"
     "Compresses a bytes-like object; crc32c is the CRC-32C of `data`."},
    {"decompress", (PyCFunction)(void (*)(void))codec_decompress,
     METH_METHOD | METH_FASTCALL | METH_KEYWORDS,
     "decompress($self, /, data, original_size, crc32c)\n--\n\n"
     "Decompresses `data` with S4's manifest checks (compressed_size = len(data))."},
    {"decompress_into", (PyCFunction)(void (*)(void))codec_decompress_into,
     METH_METHOD | METH_FASTCALL | METH_KEYWORDS,
     "decompress_into($self, /, data, original_size, crc32c, out)\n--\n\n"
     "decompress() into the writable buffer `out` (at least original_size bytes);\n"
     "returns original_size. Same checks and errors; no new object per call."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef codec_getset[] = {
    {"level", codec_get_level, NULL, "The effective level, after clamping.", NULL},
    {"codec", codec_get_codec, NULL, "S4's codec name, e.g. 'cpu-zstd'.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot codec_base_slots[] = {
    {Py_tp_new, codec_base_new},
    {Py_tp_dealloc, codec_dealloc},
    {Py_tp_methods, codec_methods},
    {Py_tp_getset, codec_getset},
    {Py_tp_doc, "Base of the s4_codec codec classes."},
    {0, NULL},
};

static PyType_Spec codec_base_spec = {
    .name = "_s4codec._Codec",
    .basicsize = sizeof(s4py_codec),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .slots = codec_base_slots,
};

int s4py_exec_codec_object(PyObject *module) {
    s4py_state *st = s4py_module_state(module);
    st->codec_base_type = (PyTypeObject *)PyType_FromModuleAndSpec(module, &codec_base_spec, NULL);
    return st->codec_base_type ? 0 : -1;
}
