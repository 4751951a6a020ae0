/*
 * args.c — argument binding and conversions shared by every function of the
 * module.
 *
 * The codec methods are called per chunk, often on small chunks, so they use
 * METH_FASTCALL and bind arguments here without building tuples or dicts, while
 * still accepting keywords by parameter name as S4's PyO3 binding does. The
 * integer conversions reproduce PyO3's rules (TypeError for non-integers,
 * OverflowError for out-of-range and, on unsigned parameters, negative values).
 */
#include "s4py.h"

#include "core/codec_internal.h" /* s4c_advise_huge_pages */

static int bind_keyword(const char *fname, PyObject *key, PyObject *value, const char *const *names,
                        Py_ssize_t n_names, PyObject **out) {
    if (!PyUnicode_Check(key)) {
        PyErr_Format(PyExc_TypeError, "%s() keywords must be strings", fname);
        return -1;
    }
    for (Py_ssize_t j = 0; j < n_names; j++) {
        if (PyUnicode_CompareWithASCIIString(key, names[j]) != 0) continue;
        if (out[j]) {
            PyErr_Format(PyExc_TypeError, "%s() got multiple values for argument '%s'", fname,
                         names[j]);
            return -1;
        }
        out[j] = value;
        return 0;
    }
    PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%U'", fname, key);
    return -1;
}

static int bind_positional(const char *fname, PyObject *const *args, Py_ssize_t nargs,
                           Py_ssize_t n_names, PyObject **out) {
    for (Py_ssize_t i = 0; i < n_names; i++)
        out[i] = NULL;
    if (nargs > n_names) {
        PyErr_Format(PyExc_TypeError, "%s() takes at most %zd positional argument%s (%zd given)",
                     fname, n_names, n_names == 1 ? "" : "s", nargs);
        return -1;
    }
    for (Py_ssize_t i = 0; i < nargs; i++)
        out[i] = args[i];
    return 0;
}

static int check_required(const char *fname, const char *const *names, Py_ssize_t n_required,
                          PyObject **out) {
    for (Py_ssize_t i = 0; i < n_required; i++) {
        if (!out[i]) {
            PyErr_Format(PyExc_TypeError, "%s() missing required argument '%s' (pos %zd)", fname,
                         names[i], i + 1);
            return -1;
        }
    }
    return 0;
}

int s4py_bind_args(const char *fname, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
                   const char *const *names, Py_ssize_t n_names, Py_ssize_t n_required,
                   PyObject **out) {
    if (bind_positional(fname, args, nargs, n_names, out) < 0) return -1;
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    for (Py_ssize_t k = 0; k < nkw; k++) {
        if (bind_keyword(fname, PyTuple_GET_ITEM(kwnames, k), args[nargs + k], names, n_names,
                         out) < 0)
            return -1;
    }
    return check_required(fname, names, n_required, out);
}

int s4py_bind_args_tuple(const char *fname, PyObject *args, PyObject *kwargs,
                         const char *const *names, Py_ssize_t n_names, Py_ssize_t n_required,
                         PyObject **out) {
    Py_ssize_t nargs = PyTuple_GET_SIZE(args);
    PyObject *const *items = nargs ? &PyTuple_GET_ITEM(args, 0) : NULL;
    if (bind_positional(fname, items, nargs, n_names, out) < 0) return -1;
    if (kwargs) {
        Py_ssize_t pos = 0;
        PyObject *key, *value;
        while (PyDict_Next(kwargs, &pos, &key, &value)) {
            if (bind_keyword(fname, key, value, names, n_names, out) < 0) return -1;
        }
    }
    return check_required(fname, names, n_required, out);
}

/* New reference to an int for `o`, or NULL with TypeError for non-integers. */
static PyObject *as_int_object(PyObject *o, const char *name) {
    if (PyLong_Check(o)) {
        Py_INCREF(o);
        return o;
    }
    if (!PyIndex_Check(o)) {
        PyErr_Format(PyExc_TypeError,
                     "argument '%s': '%.200s' object cannot be interpreted as an "
                     "integer",
                     name, Py_TYPE(o)->tp_name);
        return NULL;
    }
    return PyNumber_Index(o);
}

static int out_of_range(const char *name) {
    PyErr_Format(PyExc_OverflowError,
                 "argument '%s': out of range integral type conversion "
                 "attempted",
                 name);
    return -1;
}

int s4py_as_i32(PyObject *o, const char *name, int32_t *v) {
    PyObject *n = as_int_object(o, name);
    if (!n) return -1;
    int overflow = 0;
    long long x = PyLong_AsLongLongAndOverflow(n, &overflow);
    Py_DECREF(n);
    if (x == -1 && PyErr_Occurred()) return -1;
    if (overflow || x < INT32_MIN || x > INT32_MAX) return out_of_range(name);
    *v = (int32_t)x;
    return 0;
}

int s4py_as_u64(PyObject *o, const char *name, uint64_t *v) {
    PyObject *n = as_int_object(o, name);
    if (!n) return -1;
    unsigned long long x = PyLong_AsUnsignedLongLong(n);
    Py_DECREF(n);
    if (x == (unsigned long long)-1 && PyErr_Occurred()) {
        /* CPython says "can't convert negative int to unsigned" or "int too big
         * to convert"; both are OverflowError as in PyO3. */
        return -1;
    }
    *v = (uint64_t)x;
    return 0;
}

int s4py_as_u32(PyObject *o, const char *name, uint32_t *v) {
    uint64_t x;
    if (s4py_as_u64(o, name, &x) < 0) return -1;
    if (x > UINT32_MAX) return out_of_range(name);
    *v = (uint32_t)x;
    return 0;
}

int s4py_as_size(PyObject *o, const char *name, size_t *v) {
    uint64_t x;
    if (s4py_as_u64(o, name, &x) < 0) return -1;
    if (x > SIZE_MAX) return out_of_range(name);
    *v = (size_t)x;
    return 0;
}

int s4py_get_bytes_like(PyObject *o, const char *name, Py_buffer *view) {
    if (PyUnicode_Check(o)) {
        PyErr_Format(PyExc_TypeError, "argument '%s': a bytes-like object is required, not 'str'",
                     name);
        return -1;
    }
    /* PyBUF_SIMPLE: contiguous bytes, any item format; non-contiguous views
     * raise BufferError from the exporter. */
    return PyObject_GetBuffer(o, view, PyBUF_SIMPLE);
}

PyObject *s4py_bytes_for_output(size_t n) {
    PyObject *out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)n);
    if (out) s4c_advise_huge_pages(PyBytes_AS_STRING(out), n);
    return out;
}
