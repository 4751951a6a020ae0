/*
 * object_codec.c — what the object encoder and decoder share: a cache of
 * codecs per worker thread and per kind (an s4c_codec is single-threaded, and
 * frames of one body may use different codecs), and the check of one data
 * frame against its own header.
 *
 * Passthrough frames are checked the way S4's CLI checks them — CRC32C, then
 * payload length against original_size — rather than the library's
 * compressed_size comparison, which a frame satisfies by construction
 * (docs/decisions.md, open question 5).
 */
#include <stdio.h>

#include "container_internal.h"

#define CACHE_KINDS 16 /* distinct kinds one worker may meet: 0–8, 64, 65 */

typedef struct cache_slot {
    uint32_t kind;
    s4c_codec *codec;
} cache_slot;

struct s4c_codec_cache {
    s4c_codec_options opts; /* opts.dict points at `dict` */
    void *dict;
    unsigned workers;
    cache_slot *slots; /* workers × CACHE_KINDS */
};

s4c_status s4c_codec_cache_create(unsigned workers, const s4c_codec_options *opts,
                                  s4c_codec_cache **cache_ret) {
    S4C_RETURN_IF(!cache_ret || workers == 0, S4C_ERROR_INVALID_ARGUMENT);
    *cache_ret = NULL;
    s4c_codec_cache *c = s4c_calloc(1, sizeof(*c));
    S4C_RETURN_IF(!c, S4C_ERROR_OUT_OF_MEMORY);
    s4c_codec_options_init(&c->opts);
    if (opts) {
        if (opts->struct_size < offsetof(s4c_codec_options, level) + sizeof(int) ||
            opts->struct_size > sizeof(c->opts)) {
            s4c_free(c);
            return S4C_ERROR_INVALID_ARGUMENT;
        }
        memcpy(&c->opts, opts, opts->struct_size);
        c->opts.struct_size = sizeof(c->opts);
    }
    if (c->opts.dict && c->opts.dict_size) {
        c->dict = s4c_malloc(c->opts.dict_size);
        if (!c->dict) {
            s4c_free(c);
            return S4C_ERROR_OUT_OF_MEMORY;
        }
        memcpy(c->dict, c->opts.dict, c->opts.dict_size);
    } else {
        c->opts.dict_size = 0;
    }
    c->opts.dict = c->dict;
    s4c_status st = s4c_codec_cache_reserve(c, workers);
    if (st != S4C_OK) {
        s4c_codec_cache_free(c);
        return st;
    }
    *cache_ret = c;
    return S4C_OK;
}

void s4c_codec_cache_free(s4c_codec_cache *c) {
    if (!c) return;
    for (size_t i = 0; i < (size_t)c->workers * CACHE_KINDS; i++)
        s4c_codec_free(c->slots[i].codec);
    s4c_free(c->slots);
    s4c_free(c->dict);
    s4c_free(c);
}

s4c_status s4c_codec_cache_reserve(s4c_codec_cache *c, unsigned workers) {
    S4C_RETURN_IF(!c, S4C_ERROR_INVALID_ARGUMENT);
    if (workers <= c->workers) return S4C_OK;
    cache_slot *slots = s4c_calloc((size_t)workers * CACHE_KINDS, sizeof(cache_slot));
    S4C_RETURN_IF(!slots, S4C_ERROR_OUT_OF_MEMORY);
    if (c->workers) memcpy(slots, c->slots, (size_t)c->workers * CACHE_KINDS * sizeof(cache_slot));
    s4c_free(c->slots);
    c->slots = slots;
    c->workers = workers;
    return S4C_OK;
}

s4c_status s4c_codec_cache_get(s4c_codec_cache *c, unsigned worker, uint32_t kind,
                               s4c_codec **codec_ret, s4c_error_detail *d) {
    S4C_RETURN_IF(!c || worker >= c->workers || !codec_ret, S4C_ERROR_INVALID_ARGUMENT);
    cache_slot *row = &c->slots[(size_t)worker * CACHE_KINDS];
    size_t i = 0;
    for (; i < CACHE_KINDS && row[i].codec; i++) {
        if (row[i].kind == kind) {
            *codec_ret = row[i].codec;
            return S4C_OK;
        }
    }
    S4C_RETURN_IF(i == CACHE_KINDS,
                  s4c_fail(d, S4C_ERROR_INVALID_ARGUMENT, "too many codec kinds"));
    s4c_codec *codec = NULL;
    S4C_TRY(s4c_codec_create(kind, &c->opts, &codec, d));
    row[i].kind = kind;
    row[i].codec = codec;
    *codec_ret = codec;
    return S4C_OK;
}

s4c_status s4c_decode_frame_with(s4c_codec *codec, const s4c_frame *f, uint8_t *dst, size_t cap,
                                 size_t *written, s4c_error_detail *d) {
    *written = 0;
    const s4c_manifest *h = &f->header;
    if (h->codec != S4C_KIND_PASSTHROUGH)
        return s4c_decompress(codec, h, f->payload, f->payload_size, dst, cap, written, d);

    uint32_t crc = s4c_crc32c(0, f->payload, f->payload_size);
    if (crc != h->crc32c) {
        s4c_fail(d, S4C_ERROR_CRC_MISMATCH,
                 "crc32c mismatch (chunk corruption?): expected 0x%08x, got 0x%08x", h->crc32c,
                 crc);
        if (d) d->expected = h->crc32c, d->got = crc;
        return S4C_ERROR_CRC_MISMATCH;
    }
    if (f->payload_size != h->original_size) {
        s4c_fail(d, S4C_ERROR_SIZE_MISMATCH,
                 "compressed size mismatch: manifest says %llu bytes, payload is %zu bytes",
                 (unsigned long long)h->original_size, f->payload_size);
        if (d) d->expected = h->original_size, d->got = f->payload_size;
        return S4C_ERROR_SIZE_MISMATCH;
    }
    if (cap < f->payload_size)
        return s4c_fail(d, S4C_ERROR_DST_TOO_SMALL, "destination holds %zu bytes, %zu needed", cap,
                        f->payload_size);
    if (f->payload_size) memcpy(dst, f->payload, f->payload_size);
    *written = f->payload_size;
    return S4C_OK;
}
