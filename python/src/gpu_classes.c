/*
 * gpu_classes.c — the GPU codec classes of s4_codec: NvcompZstd,
 * NvcompBitcomp, NvcompGDeflate (S4's kind names, which S4 never exposed to
 * Python) and NvcompLz4 (ours). docs/gpu.md, docs/python.md.
 *
 * They have CpuZstd's shape (compress / decompress with S4's manifest
 * tuples) plus compress_batch / decompress_batch, which send every object's
 * 64 KiB chunks to nvCOMP in one launch. Without a GPU, constructing the S4
 * kinds raises S4BackendError saying why (S4's server registers them only
 * when a device answers). NvcompLz4 constructs anyway and decompresses on the
 * CPU (its chunks are raw LZ4 blocks); its compress then raises
 * S4BackendError with the reason. NvcompZstd keeps S4's constructor
 * behaviour although its frames would decode on the CPU too; the C library
 * and the CLI decode them without a GPU.
 */
#include "codec_object.h" /* Python.h first, as the C API requires */

#include "s4codec_gpu.h"

static PyObject *raise_no_gpu(s4py_state *st, const char *what) {
    PyErr_Format(st->S4BackendError, "backend: %s needs a GPU: %s", what,
                 s4c_gpu_unavailable_reason());
    return NULL;
}

static PyObject *gpu_new(PyTypeObject *type, PyObject *args, PyObject *kwargs, const char *name,
                         uint32_t kind, int needs_gpu) {
    static const char *const no_names[] = {NULL};
    PyObject *argv[1];
    if (s4py_bind_args_tuple(name, args, kwargs, no_names, 0, 0, argv) < 0) return NULL;
    s4py_state *st = PyType_GetModuleState(type);
    if (needs_gpu && !s4c_gpu_available()) return raise_no_gpu(st, name);
    s4c_codec_options o;
    s4c_codec_options_init(&o);
    return s4py_codec_new(st, type, kind, &o);
}

static PyObject *nvcomp_zstd_new(PyTypeObject *t, PyObject *a, PyObject *k) {
    return gpu_new(t, a, k, "NvcompZstd", S4C_KIND_NVCOMP_ZSTD, 1);
}
static PyObject *nvcomp_gdeflate_new(PyTypeObject *t, PyObject *a, PyObject *k) {
    return gpu_new(t, a, k, "NvcompGDeflate", S4C_KIND_NVCOMP_GDEFLATE, 1);
}
static PyObject *nvcomp_lz4_new(PyTypeObject *t, PyObject *a, PyObject *k) {
    return gpu_new(t, a, k, "NvcompLz4", S4C_KIND_NVCOMP_LZ4, 0);
}

static const char *const bitcomp_types[] = {"char", "u8",  "u16", "u32", "u64", "i8",
                                            "i16",  "i32", "i64", "f32", "f64", "bf16"};
#define N_BITCOMP_TYPES ((int)(sizeof bitcomp_types / sizeof bitcomp_types[0]))

static PyObject *nvcomp_bitcomp_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    static const char *const names[] = {"data_type"};
    PyObject *argv[1];
    if (s4py_bind_args_tuple("NvcompBitcomp", args, kwargs, names, 1, 0, argv) < 0) return NULL;
    int dt = 0;
    if (argv[0]) {
        if (PyUnicode_Check(argv[0])) {
            const char *s = PyUnicode_AsUTF8(argv[0]);
            if (!s) return NULL;
            for (dt = 0; dt < N_BITCOMP_TYPES && strcmp(s, bitcomp_types[dt]); dt++) {
            }
        } else {
            int32_t v;
            if (s4py_as_i32(argv[0], "data_type", &v) < 0) return NULL;
            dt = v < 0 ? N_BITCOMP_TYPES : v;
        }
        if (dt >= N_BITCOMP_TYPES) {
            PyErr_Format(PyExc_ValueError,
                         "data_type must be one of char, u8, u16, u32, u64, i8, i16, i32, "
                         "i64, f32, f64, bf16 (or 0..11), not %R",
                         argv[0]);
            return NULL;
        }
    }
    s4py_state *st = PyType_GetModuleState(type);
    if (!s4c_gpu_available()) return raise_no_gpu(st, "NvcompBitcomp");
    s4c_codec_options o;
    s4c_codec_options_init(&o);
    o.gpu_data_type = dt;
    return s4py_codec_new(st, type, S4C_KIND_NVCOMP_BITCOMP, &o);
}

/* ------------------------------------------------------------ __repr__ */

static PyObject *nvcomp_zstd_repr(PyObject *op) {
    (void)op;
    return PyUnicode_FromString("NvcompZstd()");
}
static PyObject *nvcomp_gdeflate_repr(PyObject *op) {
    (void)op;
    return PyUnicode_FromString("NvcompGDeflate()");
}
static PyObject *nvcomp_lz4_repr(PyObject *op) {
    (void)op;
    return PyUnicode_FromString("NvcompLz4()");
}
static PyObject *nvcomp_bitcomp_repr(PyObject *op) {
    int dt = ((s4py_codec *)op)->opts.gpu_data_type;
    return PyUnicode_FromFormat("NvcompBitcomp(data_type='%s')",
                                dt >= 0 && dt < N_BITCOMP_TYPES ? bitcomp_types[dt] : "?");
}

static PyObject *bitcomp_get_data_type(PyObject *op, void *closure) {
    (void)closure;
    int dt = ((s4py_codec *)op)->opts.gpu_data_type;
    return PyUnicode_FromString(dt >= 0 && dt < N_BITCOMP_TYPES ? bitcomp_types[dt] : "?");
}

static PyGetSetDef bitcomp_getset[] = {
    {"data_type", bitcomp_get_data_type, NULL, "Bitcomp data type (FCG1 byte 5).", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

/* ------------------------------------------------------------ methods */

/* compress(data): without a GPU, S4BackendError with the reason (NvcompLz4,
 * the only class constructible without one), else the base class's. */
static PyObject *gpu_compress(PyObject *self, PyTypeObject *cls, PyObject *const *args,
                              Py_ssize_t nargs, PyObject *kwnames) {
    s4py_state *st = PyType_GetModuleState(cls);
    if (!s4c_gpu_available()) return raise_no_gpu(st, Py_TYPE(self)->tp_name);
    PyObject *meth = PyObject_GetAttrString((PyObject *)st->codec_base_type, "compress");
    if (!meth) return NULL;
    Py_ssize_t n = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0);
    PyObject *stack[8];
    if (n + 1 > 8) {
        Py_DECREF(meth);
        PyErr_SetString(PyExc_TypeError, "compress() takes 1 argument");
        return NULL;
    }
    stack[0] = self;
    for (Py_ssize_t i = 0; i < n; i++)
        stack[i + 1] = args[i];
    PyObject *r = PyObject_Vectorcall(meth, stack, (size_t)nargs + 1, kwnames);
    Py_DECREF(meth);
    return r;
}

/* The views of a list of bytes-like objects; released by release_views. */
static int get_views(PyObject *seq, Py_buffer **views_ret, Py_ssize_t *n_ret, const char *what) {
    PyObject *fast = PySequence_Fast(seq, "expected a sequence");
    if (!fast) return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    Py_buffer *v = PyMem_Calloc(n ? (size_t)n : 1, sizeof *v);
    if (!v) {
        Py_DECREF(fast);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (s4py_get_bytes_like(PySequence_Fast_GET_ITEM(fast, i), what, &v[i]) < 0) {
            for (Py_ssize_t j = 0; j < i; j++)
                PyBuffer_Release(&v[j]);
            PyMem_Free(v);
            Py_DECREF(fast);
            return -1;
        }
    }
    Py_DECREF(fast);
    *views_ret = v;
    *n_ret = n;
    return 0;
}

static void release_views(Py_buffer *v, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++)
        PyBuffer_Release(&v[i]);
    PyMem_Free(v);
}

/* Scratch arrays of a batch call, one allocation. */
typedef struct batch_arrays {
    const void **srcs;
    size_t *sizes, *caps, *written;
    void **dsts;
    s4c_manifest *ms;
    PyObject **outs;
} batch_arrays;

static int batch_alloc(batch_arrays *b, Py_ssize_t n) {
    size_t k = n ? (size_t)n : 1;
    b->srcs = PyMem_Calloc(k, sizeof *b->srcs);
    b->sizes = PyMem_Calloc(k, sizeof *b->sizes);
    b->caps = PyMem_Calloc(k, sizeof *b->caps);
    b->written = PyMem_Calloc(k, sizeof *b->written);
    b->dsts = PyMem_Calloc(k, sizeof *b->dsts);
    b->ms = PyMem_Calloc(k, sizeof *b->ms);
    b->outs = PyMem_Calloc(k, sizeof *b->outs);
    if (b->srcs && b->sizes && b->caps && b->written && b->dsts && b->ms && b->outs) return 0;
    PyErr_NoMemory();
    return -1;
}

static void batch_free(batch_arrays *b, Py_ssize_t n) {
    if (b->outs)
        for (Py_ssize_t i = 0; i < n; i++)
            Py_XDECREF(b->outs[i]);
    PyMem_Free(b->srcs), PyMem_Free(b->sizes), PyMem_Free(b->caps), PyMem_Free(b->written);
    PyMem_Free(b->dsts), PyMem_Free(b->ms), PyMem_Free(b->outs);
}

static PyObject *gpu_compress_batch(PyObject *op, PyTypeObject *cls, PyObject *const *args,
                                    Py_ssize_t nargs, PyObject *kwnames) {
    static const char *const names[] = {"data"};
    s4py_state *st = PyType_GetModuleState(cls);
    s4py_codec *self = (s4py_codec *)op;
    PyObject *argv[1];
    if (s4py_bind_args("compress_batch", args, nargs, kwnames, names, 1, 1, argv) < 0) return NULL;
    if (!s4c_gpu_available()) return raise_no_gpu(st, Py_TYPE(op)->tp_name);
    Py_buffer *views = NULL;
    Py_ssize_t n = 0;
    if (get_views(argv[0], &views, &n, "data") < 0) return NULL;
    batch_arrays b = {0};
    PyObject *result = NULL;
    s4c_codec *c = NULL;
    s4c_error_detail d;
    s4c_status rc = s4c_codec_create(self->kind, &self->opts, &c, &d);
    if (rc != S4C_OK) {
        s4py_raise_status(st, rc, &d);
        goto done;
    }
    if (batch_alloc(&b, n) < 0) goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        b.srcs[i] = views[i].buf;
        b.sizes[i] = (size_t)views[i].len;
        b.caps[i] = s4c_compress_bound(c, b.sizes[i]);
        b.outs[i] = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)b.caps[i]);
        if (!b.outs[i]) goto done;
        b.dsts[i] = PyBytes_AS_STRING(b.outs[i]);
    }
    Py_BEGIN_ALLOW_THREADS rc =
        s4c_compress_batch(c, (size_t)n, b.srcs, b.sizes, b.dsts, b.caps, b.ms, &d);
    Py_END_ALLOW_THREADS if (rc != S4C_OK) {
        s4py_raise_status(st, rc, &d);
        goto done;
    }
    result = PyList_New(n);
    if (!result) goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (_PyBytes_Resize(&b.outs[i], (Py_ssize_t)b.ms[i].compressed_size) < 0) goto fail;
        PyObject *t = Py_BuildValue("(OKk)", b.outs[i], (unsigned long long)b.ms[i].original_size,
                                    (unsigned long)b.ms[i].crc32c);
        if (!t) goto fail;
        PyList_SET_ITEM(result, i, t);
    }
    goto done;
fail:
    Py_CLEAR(result);
done:
    s4c_codec_free(c);
    batch_free(&b, n);
    release_views(views, n);
    return result;
}

static PyObject *gpu_decompress_batch(PyObject *op, PyTypeObject *cls, PyObject *const *args,
                                      Py_ssize_t nargs, PyObject *kwnames) {
    static const char *const names[] = {"items"};
    s4py_state *st = PyType_GetModuleState(cls);
    s4py_codec *self = (s4py_codec *)op;
    PyObject *argv[1];
    if (s4py_bind_args("decompress_batch", args, nargs, kwnames, names, 1, 1, argv) < 0)
        return NULL;
    PyObject *fast = PySequence_Fast(argv[0], "items must be a sequence of "
                                              "(data, original_size, crc32c) tuples");
    if (!fast) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    Py_buffer *views = PyMem_Calloc(n ? (size_t)n : 1, sizeof *views);
    Py_ssize_t n_views = 0;
    batch_arrays b = {0};
    PyObject *result = NULL;
    s4c_codec *c = NULL;
    if (!views) {
        PyErr_NoMemory();
        goto done;
    }
    if (batch_alloc(&b, n) < 0) goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(fast, i);
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 3) {
            PyErr_Format(PyExc_TypeError,
                         "items[%zd] must be a (data, original_size, crc32c) tuple", i);
            goto done;
        }
        s4c_manifest *m = &b.ms[i];
        m->codec = self->kind;
        if (s4py_as_u64(PyTuple_GET_ITEM(item, 1), "original_size", &m->original_size) < 0 ||
            s4py_as_u32(PyTuple_GET_ITEM(item, 2), "crc32c", &m->crc32c) < 0 ||
            s4py_get_bytes_like(PyTuple_GET_ITEM(item, 0), "data", &views[i]) < 0)
            goto done;
        n_views = i + 1;
        m->compressed_size = (uint64_t)views[i].len;
        b.srcs[i] = views[i].buf;
        /* over the limit the library refuses before touching dst */
        size_t want = m->original_size <= S4C_MAX_DECOMPRESSED_BYTES ? (size_t)m->original_size : 0;
        b.outs[i] = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)want);
        if (!b.outs[i]) goto done;
        b.dsts[i] = PyBytes_AS_STRING(b.outs[i]);
        b.caps[i] = want;
    }
    s4c_error_detail d;
    s4c_status rc = s4c_codec_create(self->kind, &self->opts, &c, &d);
    if (rc == S4C_OK) {
        Py_BEGIN_ALLOW_THREADS rc =
            s4c_decompress_batch(c, (size_t)n, b.ms, b.srcs, b.dsts, b.caps, b.written, &d);
        Py_END_ALLOW_THREADS
    }
    if (rc != S4C_OK) {
        s4py_raise_status(st, rc, &d);
        goto done;
    }
    result = PyList_New(n);
    if (!result) goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyList_SET_ITEM(result, i, b.outs[i]);
        b.outs[i] = NULL;
    }
done:
    s4c_codec_free(c);
    batch_free(&b, n);
    for (Py_ssize_t i = 0; i < n_views; i++)
        PyBuffer_Release(&views[i]);
    PyMem_Free(views);
    Py_DECREF(fast);
    return result;
}

#define GPU_METHODS                                                                                \
    {"compress", (PyCFunction)(void (*)(void))gpu_compress,                                        \
     METH_METHOD | METH_FASTCALL | METH_KEYWORDS,                                                  \
     "compress($self, /, data)\n--\n\nCompresses into one FCG1 blob on the GPU: (payload, "        \
     "original_size, crc32c). Without a GPU raises S4BackendError."},                              \
        {"compress_batch", (PyCFunction)(void (*)(void))gpu_compress_batch,                        \
         METH_METHOD | METH_FASTCALL | METH_KEYWORDS,                                              \
         "compress_batch($self, /, data)\n--\n\nCompresses a list of objects in one nvCOMP "       \
         "launch; returns a list of (payload, original_size, crc32c), each identical to "          \
         "compress()."},                                                                           \
        {"decompress_batch", (PyCFunction)(void (*)(void))gpu_decompress_batch,                    \
         METH_METHOD | METH_FASTCALL | METH_KEYWORDS,                                              \
         "decompress_batch($self, /, items)\n--\n\nDecompresses a list of (data, "                 \
         "original_size, crc32c) in one launch (CPU for NvcompLz4 without a GPU) with "            \
         "decompress()'s checks; raises for the first failing object."},                           \
    {                                                                                              \
        NULL, NULL, 0, NULL                                                                        \
    }

static PyMethodDef gpu_methods[] = {GPU_METHODS};

/* ------------------------------------------------------------ type specs */

#ifdef Py_TPFLAGS_IMMUTABLETYPE
#define CLASS_FLAGS (Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE)
#else
#define CLASS_FLAGS Py_TPFLAGS_DEFAULT
#endif

static PyType_Slot nvcomp_zstd_slots[] = {
    {Py_tp_new, nvcomp_zstd_new},
    {Py_tp_repr, nvcomp_zstd_repr},
    {Py_tp_methods, gpu_methods},
    {Py_tp_doc, "NvcompZstd()\n--\n\nS4's nvcomp-zstd codec: FCG1 blobs of 64 KiB zstd chunks "
                "compressed by nvCOMP. Needs a GPU (S4BackendError says why otherwise)."},
    {0, NULL},
};
static PyType_Slot nvcomp_bitcomp_slots[] = {
    {Py_tp_new, nvcomp_bitcomp_new},
    {Py_tp_repr, nvcomp_bitcomp_repr},
    {Py_tp_methods, gpu_methods},
    {Py_tp_getset, bitcomp_getset},
    {Py_tp_doc, "NvcompBitcomp(data_type='char')\n--\n\nS4's nvcomp-bitcomp codec (nvCOMP "
                "Bitcomp, data type as S4's server: char). Needs a GPU."},
    {0, NULL},
};
static PyType_Slot nvcomp_gdeflate_slots[] = {
    {Py_tp_new, nvcomp_gdeflate_new},
    {Py_tp_repr, nvcomp_gdeflate_repr},
    {Py_tp_methods, gpu_methods},
    {Py_tp_doc, "NvcompGDeflate()\n--\n\nS4's nvcomp-gdeflate codec (NVIDIA's GDeflate, not "
                "gzip-compatible). Needs a GPU."},
    {0, NULL},
};
static PyType_Slot nvcomp_lz4_slots[] = {
    {Py_tp_new, nvcomp_lz4_new},
    {Py_tp_repr, nvcomp_lz4_repr},
    {Py_tp_methods, gpu_methods},
    {Py_tp_doc, "NvcompLz4()\n--\n\nlibs4codec's nvcomp-lz4 codec (id 65): FCG1 blobs of raw "
                "LZ4 blocks. Compresses on the GPU; decompresses on the GPU or, without one, "
                "on the CPU."},
    {0, NULL},
};

static PyType_Spec gpu_specs[] = {
    {"s4_codec.NvcompZstd", sizeof(s4py_codec), 0, CLASS_FLAGS, nvcomp_zstd_slots},
    {"s4_codec.NvcompBitcomp", sizeof(s4py_codec), 0, CLASS_FLAGS, nvcomp_bitcomp_slots},
    {"s4_codec.NvcompGDeflate", sizeof(s4py_codec), 0, CLASS_FLAGS, nvcomp_gdeflate_slots},
    {"s4_codec.NvcompLz4", sizeof(s4py_codec), 0, CLASS_FLAGS, nvcomp_lz4_slots},
};

static PyObject *py_gpu_unavailable_reason(PyObject *module, PyObject *unused) {
    (void)module, (void)unused;
    return PyUnicode_FromString(s4c_gpu_unavailable_reason());
}

static PyMethodDef gpu_functions[] = {
    {"gpu_unavailable_reason", py_gpu_unavailable_reason, METH_NOARGS,
     "gpu_unavailable_reason($module, /)\n--\n\nWhy the GPU codecs cannot run here (\"\" when "
     "gpu_available() is True): no CUDA device, libnvcomp not found, ..."},
    {NULL, NULL, 0, NULL},
};

int s4py_exec_gpu_classes(PyObject *module) {
    if (PyModule_AddFunctions(module, gpu_functions) < 0) return -1;
    s4py_state *st = s4py_module_state(module);
    PyObject *bases = PyTuple_Pack(1, (PyObject *)st->codec_base_type);
    if (!bases) return -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof gpu_specs / sizeof gpu_specs[0]; i++) {
        PyObject *t = PyType_FromModuleAndSpec(module, &gpu_specs[i], bases);
        if (!t) {
            rc = -1;
            break;
        }
        rc = PyModule_AddType(module, (PyTypeObject *)t);
        Py_DECREF(t);
    }
    Py_DECREF(bases);
    return rc;
}
