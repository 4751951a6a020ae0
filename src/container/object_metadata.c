/*
 * object_metadata.c — the S3 user-metadata values S4 stores beside an object
 * (docs/formats/metadata.md): the codec name and three plain decimal numbers,
 * plus s4-framed on framed bodies, in the order S4 writes them. Kept here so
 * the CLI and the Python layer produce the same strings.
 */
#include <inttypes.h>
#include <stdio.h>

#include "container_internal.h"

int s4c_object_needs_sidecar(const s4c_object_info *info) {
    return info && info->framed && info->n_frames > 1;
}

static void set_item(s4c_metadata *m, const char *key, const char *value) {
    s4c_metadata_item *it = &m->items[m->count++];
    it->key = key;
    snprintf(it->value, sizeof it->value, "%s", value);
}

static void set_number(s4c_metadata *m, const char *key, uint64_t v) {
    char buf[24];
    snprintf(buf, sizeof buf, "%" PRIu64, v);
    set_item(m, key, buf);
}

s4c_status s4c_object_metadata(const s4c_object_info *info, s4c_metadata *m) {
    S4C_RETURN_IF(!info || !m, S4C_ERROR_INVALID_ARGUMENT);
    const char *name = s4c_kind_name(info->codec);
    S4C_RETURN_IF(!name, S4C_ERROR_INVALID_ARGUMENT);
    memset(m, 0, sizeof(*m));
    set_item(m, S4C_META_CODEC, name);
    set_number(m, S4C_META_ORIGINAL_SIZE, info->original_size);
    set_number(m, S4C_META_COMPRESSED_SIZE, info->compressed_size);
    set_number(m, S4C_META_CRC32C, info->crc32c);
    if (info->framed) set_item(m, S4C_META_FRAMED, S4C_META_TRUE);
    return S4C_OK;
}

/* Appends to dst while it fits; counts the length either way. */
static void append(char *dst, size_t cap, size_t *n, const char *s, size_t len) {
    if (*n < cap && len) memcpy(dst + *n, s, len <= cap - *n ? len : cap - *n);
    *n += len;
}

static size_t bounded_len(const char *s, size_t max) {
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

s4c_status s4c_metadata_to_json(const s4c_metadata *m, char *dst, size_t cap, size_t *written_ret) {
    S4C_RETURN_IF(!m || !written_ret || (!dst && cap) || m->count > 5, S4C_ERROR_INVALID_ARGUMENT);
    for (size_t i = 0; i < m->count; i++)
        S4C_RETURN_IF(!m->items[i].key, S4C_ERROR_INVALID_ARGUMENT);
    /* S4's keys and values are ASCII without quotes or backslashes: no escaping. */
    size_t n = 0;
    append(dst, cap, &n, "{", 1);
    for (size_t i = 0; i < m->count; i++) {
        const s4c_metadata_item *it = &m->items[i];
        if (i) append(dst, cap, &n, ", ", 2);
        append(dst, cap, &n, "\"", 1);
        append(dst, cap, &n, it->key, strlen(it->key));
        append(dst, cap, &n, "\": \"", 4);
        append(dst, cap, &n, it->value, bounded_len(it->value, sizeof it->value));
        append(dst, cap, &n, "\"", 1);
    }
    append(dst, cap, &n, "}\n", 2);
    *written_ret = n;
    S4C_RETURN_IF(cap < n, S4C_ERROR_DST_TOO_SMALL);
    if (cap > n) dst[n] = '\0';
    return S4C_OK;
}
