/*
 * errors.c — S4's exception tree (s4-compat.md §7.4) and the mapping from the
 * library's statuses to it.
 *
 * Every s4c_status has an S4 error class (s4c_status_class); one table below
 * gives, per class, the exception to raise and how S4's Python binding words
 * the message. Where S4 formats from values (CRC and size mismatches, the
 * 5 GiB limit) the values come from s4c_error_detail; where it prefixes the
 * cause ("io: …", "backend: …") the cause is the detail's message past
 * cause_offset; the other classes carry the library's Display text. Each
 * raised exception also gets a `status` attribute (the s4c status name) and,
 * where S4 prints numbers, those numbers as attributes.
 */
#include "s4py.h" /* Python.h first, as the C API requires */

#include <stddef.h>
#include <string.h>

typedef enum exc_base {
    BASE_VALUE_ERROR,
    BASE_RUNTIME_ERROR,
    BASE_OS_ERROR,
    BASE_S4_ERROR
} exc_base;

typedef struct exc_spec {
    const char *name; /* qualified: module "s4_codec" */
    size_t field;     /* offset of the PyObject * in s4py_state */
    exc_base base;
    const char *doc;
} exc_spec;

#define FIELD(f) offsetof(s4py_state, f)
/* S4Error first: the others derive from it. */
static const exc_spec exc_specs[] = {
    {"s4_codec.S4Error", FIELD(S4Error), BASE_VALUE_ERROR,
     "Base of S4's data errors (a ValueError)."},
    {"s4_codec.S4CrcMismatchError", FIELD(S4CrcMismatchError), BASE_S4_ERROR,
     "The CRC-32C of the decoded bytes differs from the manifest's."},
    {"s4_codec.S4SizeMismatchError", FIELD(S4SizeMismatchError), BASE_S4_ERROR,
     "The decoded length is shorter than the manifest's original_size."},
    {"s4_codec.S4CodecMismatchError", FIELD(S4CodecMismatchError), BASE_S4_ERROR,
     "The manifest names another codec than the one decoding it."},
    {"s4_codec.S4UnregisteredCodecError", FIELD(S4UnregisteredCodecError), BASE_S4_ERROR,
     "The codec is not available in this build."},
    {"s4_codec.S4ManifestSizeExceedsLimitError", FIELD(S4ManifestSizeExceedsLimitError),
     BASE_S4_ERROR, "The manifest claims more than MAX_DECOMPRESSED_BYTES (5 GiB)."},
    {"s4_codec.S4ManifestSizeMismatchError", FIELD(S4ManifestSizeMismatchError), BASE_S4_ERROR,
     "The manifest's compressed_size differs from the payload length."},
    {"s4_codec.S4BackendError", FIELD(S4BackendError), BASE_RUNTIME_ERROR,
     "A compression backend failed (empty dictionary, failed training, ...)."},
    {"s4_codec.S4IoError", FIELD(S4IoError), BASE_OS_ERROR,
     "The decoder failed: corrupt or truncated data, or a decompression bomb."},
    {"s4_codec.S4FrameError", FIELD(S4FrameError), BASE_S4_ERROR,
     "An S4F2 frame could not be parsed."},
    {"s4_codec.S4IndexError", FIELD(S4IndexError), BASE_S4_ERROR,
     "An .s4index sidecar could not be parsed."},
};

static PyObject **state_slot(s4py_state *st, size_t field) {
    return (PyObject **)((char *)st + field);
}

/* ------------------------------------------------------------ status → raise */

/* The library's whole Display text, or the status's fixed message. */
static const char *display_text(s4c_status status, const s4c_error_detail *d) {
    return d && d->status == status && d->message[0] ? d->message : s4c_strerror(status);
}

/* The text after S4's class prefix ("io error: ", ...). */
static const char *cause_text(s4c_status status, const s4c_error_detail *d) {
    if (!(d && d->status == status && d->message[0])) return s4c_strerror(status);
    size_t off = d->cause_offset < sizeof d->message ? d->cause_offset : 0;
    return d->message + off;
}

static uint64_t detail_value(const s4c_error_detail *d, size_t field) {
    return d ? *(const uint64_t *)((const char *)d + field) : 0;
}

typedef struct attr_spec {
    const char *name;
    size_t field; /* offset of the uint64_t in s4c_error_detail */
} attr_spec;

typedef struct class_rule {
    size_t exc_field; /* exception in s4py_state, or USAGE_ERROR */
    enum { TEXT_DISPLAY, TEXT_CAUSE, TEXT_FORMAT } text;
    const char *prefix; /* TEXT_CAUSE: S4's Python prefix, TEXT_DISPLAY: "" */
    const char *format; /* TEXT_FORMAT: printf format over (a, b) from attrs */
    attr_spec attrs[2];
} class_rule;

#define DETAIL(f) offsetof(s4c_error_detail, f)
#define USAGE_ERROR ((size_t)-1) /* the caller's mistake: a plain ValueError */
static const class_rule class_rules[] = {
    [S4C_CLASS_NONE] = {FIELD(S4Error), TEXT_DISPLAY, "codec error: ", NULL, {{NULL, 0}}},
    [S4C_CLASS_CODEC_MISMATCH] = {FIELD(S4CodecMismatchError), TEXT_DISPLAY, "", NULL, {{NULL, 0}}},
    [S4C_CLASS_CRC_MISMATCH] = {FIELD(S4CrcMismatchError),
                                TEXT_FORMAT,
                                NULL,
                                "crc32c mismatch: expected 0x%08llx, got 0x%08llx",
                                {{"expected", DETAIL(expected)}, {"got", DETAIL(got)}}},
    [S4C_CLASS_SIZE_MISMATCH] = {FIELD(S4SizeMismatchError),
                                 TEXT_FORMAT,
                                 NULL,
                                 "size mismatch: expected %llu, got %llu",
                                 {{"expected", DETAIL(expected)}, {"got", DETAIL(got)}}},
    [S4C_CLASS_BACKEND] = {FIELD(S4BackendError), TEXT_CAUSE, "backend: ", NULL, {{NULL, 0}}},
    [S4C_CLASS_IO] = {FIELD(S4IoError), TEXT_CAUSE, "io: ", NULL, {{NULL, 0}}},
    [S4C_CLASS_UNREGISTERED_CODEC] =
        {FIELD(S4UnregisteredCodecError), TEXT_DISPLAY, "", NULL, {{NULL, 0}}},
    [S4C_CLASS_MANIFEST_SIZE_EXCEEDS_LIMIT] = {FIELD(S4ManifestSizeExceedsLimitError),
                                               TEXT_FORMAT,
                                               NULL,
                                               "manifest claims %llu bytes but limit is %llu",
                                               {{"requested", DETAIL(got)},
                                                {"limit", DETAIL(limit)}}},
    [S4C_CLASS_MANIFEST_SIZE_MISMATCH] =
        {FIELD(S4ManifestSizeMismatchError), TEXT_DISPLAY, "", NULL, {{NULL, 0}}},
    [S4C_CLASS_FRAME] = {FIELD(S4FrameError), TEXT_CAUSE, "frame error: ", NULL, {{NULL, 0}}},
    [S4C_CLASS_INDEX] = {FIELD(S4IndexError), TEXT_CAUSE, "index error: ", NULL, {{NULL, 0}}},
    [S4C_CLASS_USAGE] = {USAGE_ERROR, TEXT_DISPLAY, "", NULL, {{NULL, 0}}},
};

static PyObject *format_message(const class_rule *r, s4c_status status, const s4c_error_detail *d) {
    switch (r->text) {
    case TEXT_FORMAT:
        /* PyUnicode_FromFormat has no %llx: format in C. */
        {
            char buf[160];
            PyOS_snprintf(buf, sizeof buf, r->format,
                          (unsigned long long)detail_value(d, r->attrs[0].field),
                          (unsigned long long)detail_value(d, r->attrs[1].field));
            return PyUnicode_FromString(buf);
        }
    case TEXT_CAUSE:
        return PyUnicode_FromFormat("%s%s", r->prefix, cause_text(status, d));
    case TEXT_DISPLAY:
    default:
        return PyUnicode_FromFormat("%s%s", r->prefix, display_text(status, d));
    }
}

static int set_u64_attr(PyObject *exc, const char *name, uint64_t v) {
    PyObject *n = PyLong_FromUnsignedLongLong(v);
    if (!n) return -1;
    int rc = PyObject_SetAttrString(exc, name, n);
    Py_DECREF(n);
    return rc;
}

PyObject *s4py_raise_status(s4py_state *st, s4c_status status, const s4c_error_detail *d) {
    if (status == S4C_ERROR_OUT_OF_MEMORY) return PyErr_NoMemory();
    /* A status this build does not know (a newer library?) is S4's "unknown
     * variant": S4Error("codec error: ..."), whatever class the library guesses. */
    int known = strcmp(s4c_status_name(status), "S4C_UNKNOWN_STATUS") != 0;
    s4c_error_class cls = s4c_status_class(status);
    if (!known || status == S4C_OK || (size_t)cls >= sizeof class_rules / sizeof class_rules[0])
        cls = S4C_CLASS_NONE;
    const class_rule *r = &class_rules[cls];
    PyObject *type = r->exc_field == USAGE_ERROR ? PyExc_ValueError : *state_slot(st, r->exc_field);

    PyObject *msg = format_message(r, status, d);
    if (!msg) return NULL;
    PyObject *exc = PyObject_CallFunctionObjArgs(type, msg, NULL);
    Py_DECREF(msg);
    if (!exc) return NULL;
    PyObject *name = PyUnicode_FromString(s4c_status_name(status));
    int rc = name ? PyObject_SetAttrString(exc, "status", name) : -1;
    Py_XDECREF(name);
    for (size_t i = 0; rc == 0 && i < 2 && r->attrs[i].name; i++)
        rc = set_u64_attr(exc, r->attrs[i].name, detail_value(d, r->attrs[i].field));
    if (rc == 0) PyErr_SetObject(type, exc);
    Py_DECREF(exc);
    return NULL;
}

/* ------------------------------------------------------------ test hook */

/*
 * _raise_status(status, message="", cause_offset=0, expected=0, got=0, limit=0):
 * raises what a library call failing with that detail raises. Lets the tests
 * check the mapping of every status, including ones no codec call reaches
 * (codec mismatch, frame and index errors). Not part of s4_codec's API.
 */
static PyObject *py_raise_status(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                                 PyObject *kwnames) {
    static const char *const names[] = {"status",   "message", "cause_offset",
                                        "expected", "got",     "limit"};
    PyObject *argv[6];
    if (s4py_bind_args("_raise_status", args, nargs, kwnames, names, 6, 1, argv) < 0) return NULL;
    int32_t status;
    uint64_t values[4] = {0, 0, 0, 0};
    if (s4py_as_i32(argv[0], "status", &status) < 0) return NULL;
    for (int i = 0; i < 4; i++)
        if (argv[2 + i] && s4py_as_u64(argv[2 + i], names[2 + i], &values[i]) < 0) return NULL;
    s4c_error_detail d;
    memset(&d, 0, sizeof d);
    d.status = (s4c_status)status;
    if (argv[1]) {
        const char *msg = PyUnicode_AsUTF8(argv[1]);
        if (!msg) return NULL;
        PyOS_snprintf(d.message, sizeof d.message, "%s", msg);
    }
    d.cause_offset = (size_t)values[0];
    d.expected = values[1];
    d.got = values[2];
    d.limit = values[3];
    return s4py_raise_status(s4py_module_state(module), (s4c_status)status, &d);
}

static PyMethodDef error_functions[] = {
    {"_raise_status", (PyCFunction)(void (*)(void))py_raise_status, METH_FASTCALL | METH_KEYWORDS,
     "_raise_status($module, /, status, message='', cause_offset=0, expected=0, got=0, limit=0)"
     "\n--\n\nRaises the exception of a library status (for tests)."},
    {NULL, NULL, 0, NULL},
};

/* ------------------------------------------------------------ exec */

int s4py_exec_errors(PyObject *module) {
    s4py_state *st = s4py_module_state(module);
    for (size_t i = 0; i < sizeof exc_specs / sizeof exc_specs[0]; i++) {
        const exc_spec *e = &exc_specs[i];
        PyObject *base = e->base == BASE_VALUE_ERROR     ? PyExc_ValueError
                         : e->base == BASE_RUNTIME_ERROR ? PyExc_RuntimeError
                         : e->base == BASE_OS_ERROR      ? PyExc_OSError
                                                         : st->S4Error;
        PyObject *exc = PyErr_NewExceptionWithDoc(e->name, e->doc, base, NULL);
        if (!exc) return -1;
        *state_slot(st, e->field) = exc;
        const char *short_name = e->name + sizeof "s4_codec." - 1;
        Py_INCREF(exc);
        if (PyModule_AddObject(module, short_name, exc) < 0) {
            Py_DECREF(exc);
            return -1;
        }
    }
    return PyModule_AddFunctions(module, error_functions);
}
