/*
 * container.c — S4's container functions of s4_codec (s4-compat.md §3–4,
 * §7.2): read_frame, frame_iter, decode_index, encode_s4_object, bind_index
 * and pick_chunk_size, over the library's container layer
 * (s4codec_frame.h, s4codec_index.h).
 *
 * The results are the plain Python values S4's binding builds: header and
 * index dicts with keys in S4's order, bytes copies of payloads (they outlive
 * the input buffer), and frame/index errors raised as S4FrameError /
 * S4IndexError through the status mapping of errors.c. encode_s4_object runs
 * the library's parallel object encoder with the GIL released; its output is
 * the same for any thread count.
 */
#include "s4py.h"

#include <string.h>

#include "s4codec_frame.h"
#include "s4codec_index.h"

/* Sets d[key] = value and drops the reference to value (NULL: the error). */
static int dict_set_steal(PyObject *d, const char *key, PyObject *value) {
    if (!value) return -1;
    int rc = PyDict_SetItemString(d, key, value);
    Py_DECREF(value);
    return rc;
}

static PyObject *u64(uint64_t v) { return PyLong_FromUnsignedLongLong(v); }

/* A new reference to None (Py_NewRef is 3.10+). */
static PyObject *none_ref(void) {
    Py_INCREF(Py_None);
    return Py_None;
}

/* {codec, original_size, compressed_size, crc32c}, in S4's order. */
static PyObject *header_dict(const s4c_manifest *h) {
    PyObject *d = PyDict_New();
    const char *name = s4c_kind_name(h->codec); /* read_frame refuses unknown ids */
    if (!d || dict_set_steal(d, "codec", PyUnicode_FromString(name ? name : "unknown")) < 0 ||
        dict_set_steal(d, "original_size", u64(h->original_size)) < 0 ||
        dict_set_steal(d, "compressed_size", u64(h->compressed_size)) < 0 ||
        dict_set_steal(d, "crc32c", u64(h->crc32c)) < 0) {
        Py_XDECREF(d);
        return NULL;
    }
    return d;
}

static PyObject *payload_bytes(const s4c_frame *f) {
    return PyBytes_FromStringAndSize((const char *)f->payload, (Py_ssize_t)f->payload_size);
}

/* ------------------------------------------------------------ read_frame */

static PyObject *py_read_frame(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                               PyObject *kwnames) {
    static const char *const names[] = {"data"};
    PyObject *argv[1];
    if (s4py_bind_args("read_frame", args, nargs, kwnames, names, 1, 1, argv) < 0) return NULL;
    Py_buffer view;
    if (s4py_get_bytes_like(argv[0], "data", &view) < 0) return NULL;
    s4c_frame f;
    size_t consumed = 0;
    s4c_error_detail detail;
    s4c_status st = s4c_read_frame(view.buf, (size_t)view.len, &f, &consumed, &detail);
    PyObject *result = NULL;
    if (st != S4C_OK) {
        s4py_raise_status(s4py_module_state(module), st, &detail);
    } else {
        PyObject *hdr = header_dict(&f.header);
        PyObject *payload = hdr ? payload_bytes(&f) : NULL;
        PyObject *rest = payload ? PyBytes_FromStringAndSize((const char *)view.buf + consumed,
                                                             view.len - (Py_ssize_t)consumed)
                                 : NULL;
        if (rest) result = PyTuple_Pack(3, hdr, payload, rest);
        Py_XDECREF(hdr);
        Py_XDECREF(payload);
        Py_XDECREF(rest);
    }
    PyBuffer_Release(&view);
    return result;
}

/* ------------------------------------------------------------ frame_iter */

/* Every data frame of the body as (hdr, payload); the first error raises and
 * no partial list is returned (S4's Python collects the iterator first). */
static PyObject *py_frame_iter(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                               PyObject *kwnames) {
    static const char *const names[] = {"data"};
    PyObject *argv[1];
    if (s4py_bind_args("frame_iter", args, nargs, kwnames, names, 1, 1, argv) < 0) return NULL;
    Py_buffer view;
    if (s4py_get_bytes_like(argv[0], "data", &view) < 0) return NULL;
    PyObject *list = PyList_New(0);
    s4c_frame_iter it;
    s4c_frame_iter_init(&it, view.buf, (size_t)view.len);
    while (list) {
        s4c_frame f;
        int has = 0;
        s4c_error_detail detail;
        s4c_status st = s4c_frame_iter_next(&it, &f, &has, &detail);
        if (st != S4C_OK) {
            s4py_raise_status(s4py_module_state(module), st, &detail);
            Py_CLEAR(list);
            break;
        }
        if (!has) break;
        PyObject *hdr = header_dict(&f.header);
        PyObject *payload = hdr ? payload_bytes(&f) : NULL;
        PyObject *pair = payload ? PyTuple_Pack(2, hdr, payload) : NULL;
        Py_XDECREF(hdr);
        Py_XDECREF(payload);
        if (!pair || PyList_Append(list, pair) < 0) Py_CLEAR(list);
        Py_XDECREF(pair);
    }
    PyBuffer_Release(&view);
    return list;
}

/* ------------------------------------------------------------ decode_index */

static PyObject *entry_dict(const s4c_index_entry *e) {
    PyObject *d = PyDict_New();
    if (!d || dict_set_steal(d, "original_offset", u64(e->original_offset)) < 0 ||
        dict_set_steal(d, "original_size", u64(e->original_size)) < 0 ||
        dict_set_steal(d, "compressed_offset", u64(e->compressed_offset)) < 0 ||
        dict_set_steal(d, "compressed_size", u64(e->compressed_size)) < 0) {
        Py_XDECREF(d);
        return NULL;
    }
    return d;
}

static PyObject *sse_value(const s4c_index *index) {
    s4c_sse_binding sse;
    if (!s4c_index_sse(index, &sse)) Py_RETURN_NONE;
    PyObject *d = PyDict_New();
    if (!d || dict_set_steal(d, "enc_chunk_size", u64(sse.enc_chunk_size)) < 0 ||
        dict_set_steal(d, "enc_chunk_count", u64(sse.enc_chunk_count)) < 0 ||
        dict_set_steal(d, "enc_key_id", u64(sse.enc_key_id)) < 0 ||
        dict_set_steal(d, "enc_salt",
                       PyBytes_FromStringAndSize((const char *)sse.enc_salt, sizeof sse.enc_salt)) <
            0 ||
        dict_set_steal(d, "enc_plaintext_len", u64(sse.enc_plaintext_len)) < 0 ||
        dict_set_steal(d, "enc_header_bytes", u64(sse.enc_header_bytes)) < 0) {
        Py_XDECREF(d);
        return NULL;
    }
    return d;
}

static PyObject *index_dict(const s4c_index *index) {
    const char *etag;
    size_t etag_len;
    uint64_t source_size;
    size_t n = 0;
    const s4c_index_entry *entries = s4c_index_entries(index, &n);
    PyObject *d = PyDict_New();
    if (!d || dict_set_steal(d, "total_padded_size", u64(s4c_index_total_padded(index))) < 0 ||
        dict_set_steal(d, "total_original_size", u64(s4c_index_total_original(index))) < 0)
        goto fail;
    PyObject *v;
    if (s4c_index_source_etag(index, &etag, &etag_len))
        v = PyUnicode_DecodeUTF8(etag, (Py_ssize_t)etag_len, "strict");
    else
        v = none_ref();
    if (dict_set_steal(d, "source_etag", v) < 0) goto fail;
    v = s4c_index_source_compressed_size(index, &source_size) ? u64(source_size) : none_ref();
    if (dict_set_steal(d, "source_compressed_size", v) < 0) goto fail;
    PyObject *list = PyList_New((Py_ssize_t)n);
    if (dict_set_steal(d, "entries", list) < 0) goto fail;
    for (size_t i = 0; i < n; i++) {
        PyObject *e = entry_dict(&entries[i]);
        if (!e) goto fail;
        PyList_SET_ITEM(list, (Py_ssize_t)i, e);
    }
    if (dict_set_steal(d, "sse", sse_value(index)) < 0) goto fail;
    return d;
fail:
    Py_XDECREF(d);
    return NULL;
}

static PyObject *py_decode_index(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                                 PyObject *kwnames) {
    static const char *const names[] = {"data"};
    PyObject *argv[1];
    if (s4py_bind_args("decode_index", args, nargs, kwnames, names, 1, 1, argv) < 0) return NULL;
    Py_buffer view;
    if (s4py_get_bytes_like(argv[0], "data", &view) < 0) return NULL;
    s4c_index *index = NULL;
    s4c_error_detail detail;
    s4c_status st = s4c_index_decode(view.buf, (size_t)view.len, &index, &detail);
    PyBuffer_Release(&view);
    if (st != S4C_OK) return s4py_raise_status(s4py_module_state(module), st, &detail);
    PyObject *d = index_dict(index);
    s4c_index_free(index);
    return d;
}

/* ------------------------------------------------------------ encode_s4_object */

/* Encodes the sidecar of an encoded body; NULL with an exception on failure. */
static PyObject *sidecar_bytes(s4py_state *st, const s4c_index *index) {
    size_t size = s4c_index_encoded_size(index);
    PyObject *b = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)size);
    if (!b) return NULL;
    size_t written = 0;
    s4c_status rc = s4c_index_encode(index, PyBytes_AS_STRING(b), size, &written);
    if (rc != S4C_OK) {
        Py_DECREF(b);
        return s4py_raise_status(st, rc, NULL);
    }
    return b;
}

static PyObject *metadata_dict(s4py_state *st, const s4c_object_info *info) {
    s4c_metadata meta;
    s4c_status rc = s4c_object_metadata(info, &meta);
    if (rc != S4C_OK) return s4py_raise_status(st, rc, NULL);
    PyObject *d = PyDict_New();
    for (size_t i = 0; d && i < meta.count; i++) {
        if (dict_set_steal(d, meta.items[i].key, PyUnicode_FromString(meta.items[i].value)) < 0)
            Py_CLEAR(d);
    }
    return d;
}

/* S4 writes cpu-zstd (framed) and passthrough (raw) bodies itself; every other
 * codec is the gateway's business. The message quotes the name as Rust's
 * Debug does. */
static PyObject *not_implemented(PyObject *codec_name) {
    PyObject *quoted = PyObject_CallMethod(codec_name, "replace", "ss", "\\", "\\\\");
    PyObject *q2 = quoted ? PyObject_CallMethod(quoted, "replace", "ss", "\"", "\\\"") : NULL;
    Py_XDECREF(quoted);
    if (!q2) return NULL;
    PyErr_Format(PyExc_NotImplementedError,
                 "encode_s4_object: codec \"%U\" must be written through the S4 gateway "
                 "(only \"cpu-zstd\" and \"passthrough\" are supported here)",
                 q2);
    Py_DECREF(q2);
    return NULL;
}

static PyObject *py_encode_s4_object(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                                     PyObject *kwnames) {
    static const char *const names[] = {"data", "codec", "level", "threads"};
    PyObject *argv[4];
    if (s4py_bind_args("encode_s4_object", args, nargs, kwnames, names, 4, 1, argv) < 0)
        return NULL;
    s4py_state *st = s4py_module_state(module);
    s4c_object_options opts;
    s4c_object_options_init(&opts);
    opts.codec = S4C_KIND_CPU_ZSTD;
    int32_t level = 3;
    uint32_t threads = 0;
    if (argv[1]) {
        if (!PyUnicode_Check(argv[1])) {
            PyErr_Format(PyExc_TypeError, "argument 'codec': '%.200s' object is not a str",
                         Py_TYPE(argv[1])->tp_name);
            return NULL;
        }
        if (PyUnicode_CompareWithASCIIString(argv[1], "passthrough") == 0)
            opts.codec = S4C_KIND_PASSTHROUGH;
        else if (PyUnicode_CompareWithASCIIString(argv[1], "cpu-zstd") != 0)
            return not_implemented(argv[1]);
    }
    if (argv[2] && s4py_as_i32(argv[2], "level", &level) < 0) return NULL;
    if (argv[3] && s4py_as_u32(argv[3], "threads", &threads) < 0) return NULL;
    opts.codec_options.level = level;
    opts.threads = threads;
    opts.framing = S4C_FRAMING_AUTO;

    Py_buffer view;
    if (s4py_get_bytes_like(argv[0], "data", &view) < 0) return NULL;
    s4c_error_detail detail;
    size_t bound = 0;
    s4c_status rc = s4c_object_encode_bound(&opts, (uint64_t)view.len, &bound, &detail);
    PyObject *body = NULL, *result = NULL;
    s4c_index *index = NULL;
    s4c_object_info info;
    if (rc != S4C_OK) {
        s4py_raise_status(st, rc, &detail);
        goto done;
    }
    if (bound > (size_t)PY_SSIZE_T_MAX) {
        PyErr_NoMemory();
        goto done;
    }
    body = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)bound);
    if (!body) goto done;
    size_t written = 0;
    {
        /* The body is ours alone until returned; the input stays pinned by the view. */
        PyThreadState *ts = PyEval_SaveThread();
        rc = s4c_object_encode(view.buf, (size_t)view.len, &opts, PyBytes_AS_STRING(body), bound,
                               &written, &info, &index, &detail);
        PyEval_RestoreThread(ts);
    }
    if (rc != S4C_OK) {
        s4py_raise_status(st, rc, &detail);
        goto done;
    }
    if (written != bound && _PyBytes_Resize(&body, (Py_ssize_t)written) < 0) goto done;
    PyObject *sidecar = NULL;
    if (index && s4c_object_needs_sidecar(&info)) {
        sidecar = sidecar_bytes(st, index);
        if (!sidecar) goto done;
    } else {
        sidecar = none_ref();
    }
    result = PyDict_New();
    if (!result || PyDict_SetItemString(result, "body", body) < 0) {
        Py_DECREF(sidecar);
        Py_CLEAR(result);
    } else if (dict_set_steal(result, "sidecar", sidecar) < 0 ||
               dict_set_steal(result, "metadata", metadata_dict(st, &info)) < 0) {
        Py_CLEAR(result);
    }
done:
    Py_XDECREF(body);
    s4c_index_free(index);
    PyBuffer_Release(&view);
    return result;
}

/* ------------------------------------------------------------ bind_index */

static PyObject *py_bind_index(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                               PyObject *kwnames) {
    static const char *const names[] = {"sidecar", "source_compressed_size", "source_etag"};
    PyObject *argv[3];
    if (s4py_bind_args("bind_index", args, nargs, kwnames, names, 3, 2, argv) < 0) return NULL;
    uint64_t source_size;
    if (s4py_as_u64(argv[1], "source_compressed_size", &source_size) < 0) return NULL;
    const char *etag = NULL;
    Py_ssize_t etag_len = 0;
    if (argv[2] && argv[2] != Py_None) {
        if (!PyUnicode_Check(argv[2])) {
            PyErr_Format(PyExc_TypeError, "argument 'source_etag': '%.200s' object is not a str",
                         Py_TYPE(argv[2])->tp_name);
            return NULL;
        }
        etag = PyUnicode_AsUTF8AndSize(argv[2], &etag_len);
        if (!etag) return NULL;
    }
    Py_buffer view;
    if (s4py_get_bytes_like(argv[0], "sidecar", &view) < 0) return NULL;
    /* v1 → v2 adds 12 header bytes and the etag; SSE blocks are kept, not added. */
    size_t capacity = (size_t)view.len + 12 + (size_t)etag_len;
    PyObject *out = NULL;
    s4c_status rc = S4C_OK;
    s4c_error_detail detail;
    for (int attempt = 0; attempt < 2; attempt++) {
        out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)capacity);
        if (!out) break;
        size_t written = 0;
        rc = s4c_bind_index(view.buf, (size_t)view.len, source_size, etag, (size_t)etag_len,
                            PyBytes_AS_STRING(out), capacity, &written, &detail);
        if (rc == S4C_ERROR_DST_TOO_SMALL && attempt == 0) {
            Py_CLEAR(out);
            capacity = written;
            continue;
        }
        if (rc != S4C_OK) {
            Py_CLEAR(out);
            s4py_raise_status(s4py_module_state(module), rc, &detail);
        } else if (written != capacity && _PyBytes_Resize(&out, (Py_ssize_t)written) < 0) {
            out = NULL;
        }
        break;
    }
    PyBuffer_Release(&view);
    return out;
}

/* ------------------------------------------------------------ pick_chunk_size */

static PyObject *py_pick_chunk_size(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                                    PyObject *kwnames) {
    static const char *const names[] = {"content_length"};
    PyObject *argv[1];
    (void)module;
    if (s4py_bind_args("pick_chunk_size", args, nargs, kwnames, names, 1, 1, argv) < 0) return NULL;
    uint64_t n;
    if (s4py_as_u64(argv[0], "content_length", &n) < 0) return NULL;
    return u64(s4c_pick_chunk_size(n));
}

#define FASTCALL(f) (PyCFunction)(void (*)(void))(f), METH_FASTCALL | METH_KEYWORDS

static PyMethodDef container_functions[] = {
    {"read_frame", FASTCALL(py_read_frame),
     "read_frame($module, /, data)\n--\n\nParses the S4F2 frame at the start of data: "
     "(header dict, payload bytes, rest bytes)."},
    {"frame_iter", FASTCALL(py_frame_iter),
     "frame_iter($module, /, data)\n--\n\nEvery data frame of an S4F2 body as (header dict, "
     "payload); padding frames are skipped; the first error raises S4FrameError."},
    {"decode_index", FASTCALL(py_decode_index),
     "decode_index($module, /, data)\n--\n\nDecodes an .s4index sidecar (v1, v2, v3) into a "
     "dict."},
    {"encode_s4_object", FASTCALL(py_encode_s4_object),
     "encode_s4_object($module, /, data, codec='cpu-zstd', level=3, threads=0)\n--\n\n"
     "What S4's gateway stores for a single PUT: {'body', 'sidecar', 'metadata'}."},
    {"bind_index", FASTCALL(py_bind_index),
     "bind_index($module, /, sidecar, source_compressed_size, source_etag=None)\n--\n\n"
     "Re-encodes a sidecar bound to the stored object's size and etag."},
    {"pick_chunk_size", FASTCALL(py_pick_chunk_size),
     "pick_chunk_size($module, /, content_length)\n--\n\nThe gateway's S4F2 chunk size for a "
     "body of content_length bytes."},
    {NULL, NULL, 0, NULL},
};

int s4py_exec_container(PyObject *module) {
    return PyModule_AddFunctions(module, container_functions);
}
