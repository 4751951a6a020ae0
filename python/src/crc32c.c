/*
 * crc32c.c — s4_codec.crc32c(data, value=0): CRC-32C (Castagnoli) of any
 * bytes-like object, the checksum of S4's manifests.
 *
 * `value` continues a previous result (like zlib.crc32), an addition over
 * S4's one-argument form. The library's CRC runs at several GB/s, so the GIL
 * is released only for inputs where the work dwarfs the release (64 KiB+).
 */
#include "s4py.h"

#define CRC_GIL_RELEASE_MIN ((Py_ssize_t)65536)

static PyObject *py_crc32c(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                           PyObject *kwnames) {
    static const char *const names[] = {"data", "value"};
    (void)module;
    PyObject *argv[2];
    if (s4py_bind_args("crc32c", args, nargs, kwnames, names, 2, 1, argv) < 0) return NULL;
    uint32_t crc = 0;
    if (argv[1] && s4py_as_u32(argv[1], "value", &crc) < 0) return NULL;
    Py_buffer view;
    if (s4py_get_bytes_like(argv[0], "data", &view) < 0) return NULL;
    if (view.len >= CRC_GIL_RELEASE_MIN) {
        PyThreadState *ts = PyEval_SaveThread();
        crc = s4c_crc32c(crc, view.buf, (size_t)view.len);
        PyEval_RestoreThread(ts);
    } else {
        crc = s4c_crc32c(crc, view.buf, (size_t)view.len);
    }
    PyBuffer_Release(&view);
    return PyLong_FromUnsignedLong(crc);
}

static PyMethodDef crc32c_functions[] = {
    {"crc32c", (PyCFunction)(void (*)(void))py_crc32c, METH_FASTCALL | METH_KEYWORDS,
     "crc32c($module, /, data, value=0)\n--\n\nCRC-32C (Castagnoli) of a bytes-like object, "
     "continuing "
     "from `value`."},
    {NULL, NULL, 0, NULL},
};

int s4py_exec_crc32c(PyObject *module) { return PyModule_AddFunctions(module, crc32c_functions); }
