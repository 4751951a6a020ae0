/*
 * module.c — the _s4codec extension module: multi-phase initialisation
 * (PEP 489) and the module state's lifetime.
 *
 * The module runs one exec step per concept, in order (exceptions before the
 * classes that raise them). All state lives in the module object, so each
 * interpreter gets its own classes and exceptions; the module declares support
 * for per-interpreter GILs (3.12+) and for running without the GIL (3.13+
 * free-threaded builds): codec objects guard their context pools with their
 * own locks, and nothing else is mutable.
 */
#include "s4py.h"

typedef int (*exec_step)(PyObject *module);

static const exec_step exec_steps[] = {
    s4py_exec_errors, s4py_exec_codec_object,        s4py_exec_codec_classes,
    s4py_exec_crc32c, s4py_exec_dictionary_training, s4py_exec_build_info,
    s4py_exec_lz4framed,
    s4py_exec_container,
    s4py_exec_resume,
    s4py_exec_gpu_classes,
};

static int module_exec(PyObject *module) {
    for (size_t i = 0; i < sizeof exec_steps / sizeof exec_steps[0]; i++)
        if (exec_steps[i](module) < 0) return -1;
    return 0;
}

static int module_traverse(PyObject *module, visitproc visit, void *arg) {
    s4py_state *st = s4py_module_state(module);
#define S4PY_X_VISIT(type, name) Py_VISIT(st->name);
    S4PY_STATE_FIELDS(S4PY_X_VISIT)
#undef S4PY_X_VISIT
    return 0;
}

static int module_clear(PyObject *module) {
    s4py_state *st = s4py_module_state(module);
#define S4PY_X_CLEAR(type, name) Py_CLEAR(st->name);
    S4PY_STATE_FIELDS(S4PY_X_CLEAR)
#undef S4PY_X_CLEAR
    return 0;
}

static void module_free(void *module) { module_clear((PyObject *)module); }

static PyModuleDef_Slot module_slots[] = {
    {Py_mod_exec, module_exec},
#ifdef Py_mod_multiple_interpreters
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
#endif
#ifdef Py_mod_gil
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#endif
    {0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_s4codec",
    .m_doc = "libs4codec bindings behind the s4_codec (and lz4framed) packages.",
    .m_size = sizeof(s4py_state),
    .m_slots = module_slots,
    .m_traverse = module_traverse,
    .m_clear = module_clear,
    .m_free = module_free,
};

PyMODINIT_FUNC PyInit__s4codec(void);
PyMODINIT_FUNC PyInit__s4codec(void) { return PyModuleDef_Init(&module_def); }
