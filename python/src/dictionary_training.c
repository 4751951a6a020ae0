/*
 * dictionary_training.c — s4_codec.train_dictionary(samples, size): a zstd
 * (ZDICT) dictionary of at most `size` bytes for CpuZstdDict.
 *
 * S4 trains dictionaries only in Rust; this exposes the library's trainer.
 * The samples (any bytes-like objects) are laid end to end in one C buffer,
 * as ZDICT wants them, so training runs with the GIL released and no Python
 * object pinned.
 */
#include "s4py.h" /* Python.h first, as the C API requires */

#include <string.h>

typedef struct sample_set {
    char *data;
    size_t *sizes;
    size_t count;
} sample_set;

static void sample_set_free(sample_set *s) {
    PyMem_RawFree(s->data);
    PyMem_RawFree(s->sizes);
}

/* Copies every sample of the tuple `seq` into `s`. A tuple, not the caller's
 * list: acquiring a buffer may run Python code that mutates a list. */
static int gather_samples(PyObject *seq, sample_set *s) {
    Py_ssize_t n = PyTuple_GET_SIZE(seq);
    PyObject **items = n ? &PyTuple_GET_ITEM(seq, 0) : NULL;
    size_t total = 0;
    s->sizes = PyMem_RawMalloc(n ? (size_t)n * sizeof(size_t) : 1);
    if (!s->sizes) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_buffer view;
        if (s4py_get_bytes_like(items[i], "samples", &view) < 0) return -1;
        s->sizes[i] = (size_t)view.len;
        total += (size_t)view.len;
        PyBuffer_Release(&view);
    }
    s->data = PyMem_RawMalloc(total ? total : 1);
    if (!s->data) {
        PyErr_NoMemory();
        return -1;
    }
    size_t off = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_buffer view;
        if (s4py_get_bytes_like(items[i], "samples", &view) < 0) return -1;
        /* A sample that changed length since the first pass is refused. */
        if ((size_t)view.len != s->sizes[i]) {
            PyBuffer_Release(&view);
            PyErr_SetString(PyExc_RuntimeError, "a sample changed size during training");
            return -1;
        }
        memcpy(s->data + off, view.buf, (size_t)view.len);
        off += (size_t)view.len;
        PyBuffer_Release(&view);
    }
    s->count = (size_t)n;
    return 0;
}

static PyObject *py_train_dictionary(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                                     PyObject *kwnames) {
    static const char *const names[] = {"samples", "size"};
    PyObject *argv[2];
    if (s4py_bind_args("train_dictionary", args, nargs, kwnames, names, 2, 2, argv) < 0)
        return NULL;
    size_t capacity;
    if (s4py_as_size(argv[1], "size", &capacity) < 0) return NULL;
    if (capacity == 0 || capacity > (size_t)PY_SSIZE_T_MAX) {
        PyErr_SetString(PyExc_ValueError, "size must be a positive number of bytes");
        return NULL;
    }
    if (PyUnicode_Check(argv[0]) || PyBytes_Check(argv[0]) || PyByteArray_Check(argv[0])) {
        PyErr_SetString(PyExc_TypeError, "samples must be an iterable of bytes-like objects");
        return NULL;
    }
    PyObject *seq = PySequence_Tuple(argv[0]);
    if (!seq) return NULL;
    sample_set s = {NULL, NULL, 0};
    PyObject *out = NULL;
    if (gather_samples(seq, &s) < 0) goto done;
    out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)capacity);
    if (!out) goto done;
    s4c_error_detail d;
    size_t dict_size = 0;
    s4c_status rc;
    char *dst = PyBytes_AS_STRING(out);
    PyThreadState *ts = PyEval_SaveThread();
    rc = s4c_train_dictionary(s.data, s.sizes, s.count, dst, capacity, &dict_size, &d);
    PyEval_RestoreThread(ts);
    if (rc != S4C_OK) {
        Py_CLEAR(out);
        s4py_raise_status(s4py_module_state(module), rc, &d);
        goto done;
    }
    if (dict_size != capacity) _PyBytes_Resize(&out, (Py_ssize_t)dict_size);
done:
    sample_set_free(&s);
    Py_DECREF(seq);
    return out;
}

static PyMethodDef training_functions[] = {
    {"train_dictionary", (PyCFunction)(void (*)(void))py_train_dictionary,
     METH_FASTCALL | METH_KEYWORDS,
     "train_dictionary($module, /, samples, size)\n--\n\nTrains a zstd dictionary of at most "
     "`size` "
     "bytes from an iterable of bytes-like samples, for CpuZstdDict."},
    {NULL, NULL, 0, NULL},
};

int s4py_exec_dictionary_training(PyObject *module) {
    return PyModule_AddFunctions(module, training_functions);
}
