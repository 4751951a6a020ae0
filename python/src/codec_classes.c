/*
 * codec_classes.c — the public codec classes of s4_codec: CpuZstd, CpuGzip,
 * CpuZstdDict (S4's, s4-compat.md §7.1) and CpuLz4 (ours).
 *
 * Each class is a heap subclass of the codec base type that only parses its
 * constructor's arguments into s4c_codec_options and prints its __repr__.
 * Argument types follow S4's PyO3 signatures: CpuZstd's level is an i32
 * (clamped by the library to 1..22), CpuGzip's a u32 (negative values raise
 * OverflowError, then min(level, 9)). Unlike S4, __repr__ shows the effective
 * level rather than the default.
 */
#include "codec_object.h" /* Python.h first, as the C API requires */

#include <stddef.h>

static PyObject *cpu_zstd_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    static const char *const names[] = {"level"};
    PyObject *argv[1];
    if (s4py_bind_args_tuple("CpuZstd", args, kwargs, names, 1, 0, argv) < 0) return NULL;
    int32_t level = 3;
    if (argv[0] && s4py_as_i32(argv[0], "level", &level) < 0) return NULL;
    s4c_codec_options o;
    s4c_codec_options_init(&o);
    o.level = level;
    return s4py_codec_new(PyType_GetModuleState(type), type, S4C_KIND_CPU_ZSTD, &o);
}

static PyObject *cpu_gzip_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    static const char *const names[] = {"level"};
    PyObject *argv[1];
    if (s4py_bind_args_tuple("CpuGzip", args, kwargs, names, 1, 0, argv) < 0) return NULL;
    uint32_t level = 6;
    if (argv[0] && s4py_as_u32(argv[0], "level", &level) < 0) return NULL;
    s4c_codec_options o;
    s4c_codec_options_init(&o);
    o.level = level > 9 ? 9 : (int)level; /* S4: min(level, 9) on a u32 */
    return s4py_codec_new(PyType_GetModuleState(type), type, S4C_KIND_CPU_GZIP, &o);
}

static PyObject *cpu_zstd_dict_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    static const char *const names[] = {"dict_bytes", "level"};
    PyObject *argv[2];
    if (s4py_bind_args_tuple("CpuZstdDict", args, kwargs, names, 2, 1, argv) < 0) return NULL;
    int32_t level = 3;
    if (argv[1] && s4py_as_i32(argv[1], "level", &level) < 0) return NULL;
    Py_buffer view;
    if (s4py_get_bytes_like(argv[0], "dict_bytes", &view) < 0) return NULL;
    s4c_codec_options o;
    s4c_codec_options_init(&o);
    o.level = level;
    o.dict = view.buf;
    o.dict_size = (size_t)view.len;
    PyObject *self = s4py_codec_new(PyType_GetModuleState(type), type, S4C_KIND_CPU_ZSTD_DICT, &o);
    PyBuffer_Release(&view);
    return self;
}

static PyObject *cpu_lz4_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    static const char *const names[] = {"level",          "block_size_id",
                                        "block_linked",   "content_checksum",
                                        "block_checksum", "content_size"};
    enum { N = sizeof names / sizeof names[0] };
    PyObject *argv[N];
    if (s4py_bind_args_tuple("CpuLz4", args, kwargs, names, N, 0, argv) < 0) return NULL;
    s4c_codec_options o;
    s4c_codec_options_init(&o);
    int32_t level = 0, block = S4C_LZ4_BLOCK_DEFAULT;
    if (argv[0] && s4py_as_i32(argv[0], "level", &level) < 0) return NULL;
    if (argv[1] && s4py_as_i32(argv[1], "block_size_id", &block) < 0) return NULL;
    int *flags[] = {&o.lz4_block_linked, &o.lz4_content_checksum, &o.lz4_block_checksum,
                    &o.lz4_content_size};
    for (int i = 0; i < 4; i++) {
        int v = argv[2 + i] ? PyObject_IsTrue(argv[2 + i]) : 0;
        if (v < 0) return NULL;
        *flags[i] = v;
    }
    o.level = level;
    o.lz4_block_size_id = block == S4C_LZ4_BLOCK_DEFAULT ? S4C_LZ4_BLOCK_64KB : block;
    return s4py_codec_new(PyType_GetModuleState(type), type, S4C_KIND_CPU_LZ4, &o);
}

/* ------------------------------------------------------------ __repr__ */

static PyObject *cpu_zstd_repr(PyObject *op) {
    return PyUnicode_FromFormat("CpuZstd(level=%d)", ((s4py_codec *)op)->level);
}

static PyObject *cpu_gzip_repr(PyObject *op) {
    return PyUnicode_FromFormat("CpuGzip(level=%d)", ((s4py_codec *)op)->level);
}

static PyObject *cpu_zstd_dict_repr(PyObject *op) {
    s4py_codec *self = (s4py_codec *)op;
    return PyUnicode_FromFormat("CpuZstdDict(dict_len=%zu, level=%d)", self->dict_size,
                                self->level);
}

static const char *py_bool(int v) { return v ? "True" : "False"; }

static PyObject *cpu_lz4_repr(PyObject *op) {
    s4py_codec *self = (s4py_codec *)op;
    const s4c_codec_options *o = &self->opts;
    return PyUnicode_FromFormat("CpuLz4(level=%d, block_size_id=%d, block_linked=%s, "
                                "content_checksum=%s, block_checksum=%s, content_size=%s)",
                                self->level, o->lz4_block_size_id, py_bool(o->lz4_block_linked),
                                py_bool(o->lz4_content_checksum), py_bool(o->lz4_block_checksum),
                                py_bool(o->lz4_content_size));
}

/* ------------------------------------------------------------ read-only extras */

static PyObject *cpu_zstd_dict_get_dict_len(PyObject *op, void *closure) {
    (void)closure;
    return PyLong_FromSize_t(((s4py_codec *)op)->dict_size);
}

static PyGetSetDef cpu_zstd_dict_getset[] = {
    {"dict_len", cpu_zstd_dict_get_dict_len, NULL, "Length of the dictionary in bytes.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

#define LZ4_FLAG_GETTER(field)                                                                     \
    static PyObject *cpu_lz4_get_##field(PyObject *op, void *closure) {                            \
        (void)closure;                                                                             \
        return PyBool_FromLong(((s4py_codec *)op)->opts.lz4_##field);                              \
    }
LZ4_FLAG_GETTER(block_linked)
LZ4_FLAG_GETTER(content_checksum)
LZ4_FLAG_GETTER(block_checksum)
LZ4_FLAG_GETTER(content_size)

static PyObject *cpu_lz4_get_block_size_id(PyObject *op, void *closure) {
    (void)closure;
    return PyLong_FromLong(((s4py_codec *)op)->opts.lz4_block_size_id);
}

static PyGetSetDef cpu_lz4_getset[] = {
    {"block_size_id", cpu_lz4_get_block_size_id, NULL, "LZ4 block size id (4..7).", NULL},
    {"block_linked", cpu_lz4_get_block_linked, NULL, "Blocks reference earlier ones.", NULL},
    {"content_checksum", cpu_lz4_get_content_checksum, NULL, "XXH32 of the content.", NULL},
    {"block_checksum", cpu_lz4_get_block_checksum, NULL, "XXH32 of each block.", NULL},
    {"content_size", cpu_lz4_get_content_size, NULL, "Content size in the header.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

/* ------------------------------------------------------------ type specs */

#ifdef Py_TPFLAGS_IMMUTABLETYPE
#define CLASS_FLAGS (Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE)
#else
#define CLASS_FLAGS Py_TPFLAGS_DEFAULT
#endif

static PyType_Slot cpu_zstd_slots[] = {
    {Py_tp_new, cpu_zstd_new},
    {Py_tp_repr, cpu_zstd_repr},
    {Py_tp_doc, "CpuZstd(level=3)\n--\n\nS4's cpu-zstd codec: one zstd frame per chunk, level "
                "clamped to 1..22."},
    {0, NULL},
};
static PyType_Slot cpu_gzip_slots[] = {
    {Py_tp_new, cpu_gzip_new},
    {Py_tp_repr, cpu_gzip_repr},
    {Py_tp_doc, "CpuGzip(level=6)\n--\n\nS4's cpu-gzip codec: one gzip member per chunk, level "
                "min(level, 9); negative levels raise OverflowError."},
    {0, NULL},
};
static PyType_Slot cpu_zstd_dict_slots[] = {
    {Py_tp_new, cpu_zstd_dict_new},
    {Py_tp_repr, cpu_zstd_dict_repr},
    {Py_tp_getset, cpu_zstd_dict_getset},
    {Py_tp_doc, "CpuZstdDict(dict_bytes, level=3)\n--\n\nS4's cpu-zstd-dict codec: zstd frames "
                "with a raw or ZDICT dictionary; an empty dictionary raises S4BackendError."},
    {0, NULL},
};
static PyType_Slot cpu_lz4_slots[] = {
    {Py_tp_new, cpu_lz4_new},
    {Py_tp_repr, cpu_lz4_repr},
    {Py_tp_getset, cpu_lz4_getset},
    {Py_tp_doc, "CpuLz4(level=0, block_size_id=0, block_linked=False, content_checksum=False, "
                "block_checksum=False, content_size=False)\n--\n\n"
                "libs4codec's cpu-lz4 codec: one LZ4 frame per chunk."},
    {0, NULL},
};

typedef struct class_def {
    PyType_Spec spec;
    size_t field; /* offset of the PyTypeObject * in s4py_state */
} class_def;

static class_def class_defs[] = {
    {{"s4_codec.CpuZstd", sizeof(s4py_codec), 0, CLASS_FLAGS, cpu_zstd_slots},
     offsetof(s4py_state, cpu_zstd_type)},
    {{"s4_codec.CpuGzip", sizeof(s4py_codec), 0, CLASS_FLAGS, cpu_gzip_slots},
     offsetof(s4py_state, cpu_gzip_type)},
    {{"s4_codec.CpuZstdDict", sizeof(s4py_codec), 0, CLASS_FLAGS, cpu_zstd_dict_slots},
     offsetof(s4py_state, cpu_zstd_dict_type)},
    {{"s4_codec.CpuLz4", sizeof(s4py_codec), 0, CLASS_FLAGS, cpu_lz4_slots},
     offsetof(s4py_state, cpu_lz4_type)},
};

int s4py_exec_codec_classes(PyObject *module) {
    s4py_state *st = s4py_module_state(module);
    /* A tuple: Python 3.9 accepts no bare type as bases. */
    PyObject *bases = PyTuple_Pack(1, (PyObject *)st->codec_base_type);
    if (!bases) return -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof class_defs / sizeof class_defs[0]; i++) {
        PyObject *t = PyType_FromModuleAndSpec(module, &class_defs[i].spec, bases);
        if (!t) {
            rc = -1;
            break;
        }
        *(PyTypeObject **)((char *)st + class_defs[i].field) = (PyTypeObject *)t;
        rc = PyModule_AddType(module, (PyTypeObject *)t);
    }
    Py_DECREF(bases);
    return rc;
}
