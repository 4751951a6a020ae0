/*
 * s4py.h — shared declarations of the _s4codec extension module.
 *
 * One extension module backs the pure-Python packages (s4_codec now,
 * lz4framed later). Everything it owns lives in the per-module state below,
 * never in C globals, so the module works with multi-phase init, several
 * interpreters and free-threaded builds. Each concept of the module is a file
 * with an exec function (s4py_exec_*) that module.c runs in order; a new
 * concept adds its file, its fields here and one line to module.c's table.
 */
#ifndef S4PY_H
#define S4PY_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pythread.h>

#include "s4codec.h"

/* Inputs at least this large are processed with the GIL released. */
#define S4PY_GIL_RELEASE_MIN ((Py_ssize_t)8192)

/*
 * Everything the module owns, as (C type, name): strong references, visited
 * and cleared by module.c from this one list.
 */
#define S4PY_STATE_FIELDS(X)                                                                       \
    /* s4_codec exceptions (spec s4-compat.md §7.4); errors.c */                                  \
    X(PyObject, S4Error)                                                                           \
    X(PyObject, S4CrcMismatchError)                                                                \
    X(PyObject, S4SizeMismatchError)                                                               \
    X(PyObject, S4CodecMismatchError)                                                              \
    X(PyObject, S4UnregisteredCodecError)                                                          \
    X(PyObject, S4ManifestSizeExceedsLimitError)                                                   \
    X(PyObject, S4ManifestSizeMismatchError)                                                       \
    X(PyObject, S4BackendError)                                                                    \
    X(PyObject, S4IoError)                                                                         \
    X(PyObject, S4FrameError)                                                                      \
    X(PyObject, S4IndexError)                                                                      \
    /* codec classes; codec_object.c, codec_classes.c */                                           \
    X(PyTypeObject, codec_base_type)                                                               \
    X(PyTypeObject, cpu_zstd_type)                                                                 \
    X(PyTypeObject, cpu_gzip_type)                                                                 \
    X(PyTypeObject, cpu_zstd_dict_type)                                                            \
    X(PyTypeObject, cpu_lz4_type)                                                                  \
    /* resumable decoding; resume.c */                                                             \
    X(PyObject, S4StateError)                                                                      \
    X(PyObject, S4StateForeignError)                                                               \
    X(PyObject, S4StateVersionError)                                                               \
    X(PyObject, S4CheckpointIndexError)                                                            \
    X(PyObject, S4NotAtCheckpointError)                                                            \
    X(PyTypeObject, stream_decoder_type)                                                           \
    X(PyTypeObject, ckindex_type)

typedef struct s4py_state {
#define S4PY_X_FIELD(type, name) type *name;
    S4PY_STATE_FIELDS(S4PY_X_FIELD)
#undef S4PY_X_FIELD
} s4py_state;

static inline s4py_state *s4py_module_state(PyObject *module) {
    return (s4py_state *)PyModule_GetState(module);
}

/* ---------------------------------------------------------------- exec steps */
int s4py_exec_errors(PyObject *module);
int s4py_exec_codec_object(PyObject *module);
int s4py_exec_codec_classes(PyObject *module);
int s4py_exec_crc32c(PyObject *module);
int s4py_exec_dictionary_training(PyObject *module);
int s4py_exec_build_info(PyObject *module);
int s4py_exec_lz4framed(PyObject *module); /* lz4framed.c: the _lz4framed submodule */
int s4py_exec_container(PyObject *module);
int s4py_exec_resume(PyObject *module); /* resume.c: resumable decoders, checkpoint indexes */
int s4py_exec_gpu_classes(PyObject *module); /* gpu_classes.c: NvcompZstd, ..., NvcompLz4 */

/* ---------------------------------------------------------------- errors.c */
/* Raises the exception S4's Python binding raises for `detail` (its status
 * picks the class, its values and text the message). Returns NULL. */
PyObject *s4py_raise_status(s4py_state *st, s4c_status status, const s4c_error_detail *detail);

/* ---------------------------------------------------------------- args.c */
/*
 * Maps vectorcall arguments (positional, then keywords named in `kwnames`) onto
 * `out[0..n_names)` by parameter name, as CPython does for a Python function:
 * too many or duplicate arguments, unknown keywords and missing required ones
 * (the first `n_required` names) raise TypeError. Missing optional ones are
 * left NULL. Borrowed references.
 */
int s4py_bind_args(const char *fname, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
                   const char *const *names, Py_ssize_t n_names, Py_ssize_t n_required,
                   PyObject **out);
/* The same for a tp_new/tp_call style (tuple, dict) call. */
int s4py_bind_args_tuple(const char *fname, PyObject *args, PyObject *kwargs,
                         const char *const *names, Py_ssize_t n_names, Py_ssize_t n_required,
                         PyObject **out);

/* Integer conversions with S4's (PyO3's) rules: anything with __index__ is
 * accepted, other types raise TypeError, values out of range OverflowError
 * (negative values for the unsigned ones). `name` names the argument. */
int s4py_as_i32(PyObject *o, const char *name, int32_t *v);
int s4py_as_u32(PyObject *o, const char *name, uint32_t *v);
int s4py_as_u64(PyObject *o, const char *name, uint64_t *v);
int s4py_as_size(PyObject *o, const char *name, size_t *v);

/* A read-only, C-contiguous view of any bytes-like object (bytes, bytearray,
 * memoryview, array, mmap, ...); str is refused with TypeError. Release with
 * PyBuffer_Release. */
int s4py_get_bytes_like(PyObject *o, const char *name, Py_buffer *view);

/*
 * PyBytes_FromStringAndSize(NULL, n) for outputs the library is about to
 * fill. From 4 MiB up, the 2 MiB-aligned interior is advised for transparent
 * huge pages (as numpy does for large arrays): a 64 MiB result then takes 32
 * page faults instead of 16384, which is most of what a fresh Python result
 * costs over a reused C buffer. Advisory only; harmless where unsupported.
 */
PyObject *s4py_bytes_for_output(size_t n);

#endif /* S4PY_H */
