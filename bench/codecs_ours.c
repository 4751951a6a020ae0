/*
 * codecs_ours.c — our library as a bench_codec: s4c_compress/s4c_decompress,
 * the calls a user makes, so the figures include the CRC32C of the input,
 * the manifest checks, the bomb cap and the CRC32C of the output.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

static size_t ours_bound(void *state, size_t n) { return s4c_compress_bound(state, n); }

static int ours_compress(void *state, const uint8_t *src, size_t n, uint8_t *dst, size_t cap,
                         bench_record *rec) {
    s4c_error_detail d;
    s4c_status st = s4c_compress(state, src, n, dst, cap, &rec->manifest, &d);
    if (st != S4C_OK) {
        fprintf(stderr, "s4c_bench: s4c_compress: %s: %s\n", s4c_status_name(st), d.message);
        return -1;
    }
    rec->comp_size = (size_t)rec->manifest.compressed_size;
    return 0;
}

static int ours_decompress(void *state, const uint8_t *src, const bench_record *rec, uint8_t *dst,
                           size_t cap) {
    s4c_error_detail d;
    size_t written = 0;
    s4c_status st =
        s4c_decompress(state, &rec->manifest, src, rec->comp_size, dst, cap, &written, &d);
    if (st != S4C_OK || written != rec->raw_size) {
        fprintf(stderr, "s4c_bench: s4c_decompress: %s: %s\n", s4c_status_name(st), d.message);
        return -1;
    }
    return 0;
}

static void ours_destroy(void *state) { s4c_codec_free(state); }

s4c_status bench_codec_ours(const bench_codec_spec *spec, bench_codec *out, char *why,
                            size_t why_size) {
    s4c_codec_options o;
    s4c_codec_options_init(&o);
    o.level = spec->level;
    o.dict = spec->dict;
    o.dict_size = spec->dict_size;
    o.lz4_block_linked = 0; /* independent blocks */
    s4c_error_detail d;
    s4c_codec *c = NULL;
    s4c_status st = s4c_codec_create(spec->kind, &o, &c, &d);
    if (st != S4C_OK) {
        snprintf(why, why_size, "%s", s4c_status_name(st));
        return st;
    }
    snprintf(out->label, sizeof out->label, "s4c %s", s4c_kind_name(spec->kind));
    out->state = c;
    out->bound = ours_bound;
    out->compress = ours_compress;
    out->decompress = ours_decompress;
    out->destroy = ours_destroy;
    return S4C_OK;
}
