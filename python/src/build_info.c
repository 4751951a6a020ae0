/*
 * build_info.c — what the module reports about itself: gpu_available(), the
 * library's version, and S4's wire-format constants (s4-compat.md §7.3).
 */
#include "s4py.h"

static PyObject *py_gpu_available(PyObject *module, PyObject *unused) {
    (void)module;
    (void)unused;
    return PyBool_FromLong(s4c_gpu_available());
}

static PyMethodDef info_functions[] = {
    {"gpu_available", py_gpu_available, METH_NOARGS,
     "gpu_available($module, /)\n--\n\nTrue when a GPU codec backend is present and a device "
     "answers."},
    {NULL, NULL, 0, NULL},
};

int s4py_exec_build_info(PyObject *module) {
    if (PyModule_AddFunctions(module, info_functions) < 0) return -1;
    if (PyModule_AddStringConstant(module, "s4codec_version", s4c_version_string()) < 0) return -1;
    PyObject *max = PyLong_FromUnsignedLongLong(S4C_MAX_DECOMPRESSED_BYTES);
    if (!max || PyModule_AddObject(module, "MAX_DECOMPRESSED_BYTES", max) < 0) {
        Py_XDECREF(max);
        return -1;
    }
    /* S4F2 / S4P1 / .s4index facts (s4-compat.md §3–4). */
    struct {
        const char *name;
        const char *value;
    } magics[] = {{"FRAME_MAGIC", "S4F2"}, {"PADDING_MAGIC", "S4P1"}};
    for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++) {
        PyObject *b = PyBytes_FromString(magics[i].value);
        if (!b || PyModule_AddObject(module, magics[i].name, b) < 0) {
            Py_XDECREF(b);
            return -1;
        }
    }
    if (PyModule_AddIntConstant(module, "FRAME_HEADER_BYTES", 28) < 0) return -1;
    return PyModule_AddStringConstant(module, "SIDECAR_SUFFIX", ".s4index");
}
