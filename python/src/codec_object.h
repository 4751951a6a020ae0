/*
 * codec_object.h — the object behind every s4_codec codec class.
 *
 * A codec object is immutable configuration plus a small pool of library
 * contexts (s4c_codec, "one per thread"). A call takes a context from the pool
 * (or creates one when all are busy), runs with the GIL released, and puts it
 * back; the per-object lock guards only the pool, never codec work, so threads
 * sharing one object still compress in parallel, and a single thread reuses one
 * context (no per-call setup for small chunks).
 */
#ifndef S4PY_CODEC_OBJECT_H
#define S4PY_CODEC_OBJECT_H

#include "s4py.h"

#define S4PY_CODEC_POOL_MAX 4

typedef struct s4py_codec {
    PyObject_HEAD uint32_t kind;
    int level;              /* effective level, after the library's clamping */
    s4c_codec_options opts; /* as created; opts.dict points at `dict` */
    void *dict;             /* owned copy (PyMem_Raw*), or NULL */
    size_t dict_size;
    PyThread_type_lock lock; /* guards pool[] and pool_len */
    s4c_codec *pool[S4PY_CODEC_POOL_MAX];
    int pool_len;
} s4py_codec;

/*
 * Allocates an object of `type` (a subclass of the codec base type) and creates
 * its first context from `opts` (the dictionary is copied), raising the S4
 * exception for the library's status on failure.
 */
PyObject *s4py_codec_new(s4py_state *st, PyTypeObject *type, uint32_t kind,
                         const s4c_codec_options *opts);

#endif /* S4PY_CODEC_OBJECT_H */
