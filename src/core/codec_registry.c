/*
 * codec_registry.c — the table of codec kinds and the generic one-shot layer.
 *
 * Decompression runs S4's ChunkManifest checks in S4's order (s4-compat.md
 * §1.3–1.4), identically for every kind that uses them; a kind only supplies
 * "decode this payload into at most N bytes". The bomb message needs the
 * decoded length up to original_size + 1024 and a one-byte probe beyond it:
 * that measurement runs only on the error path, through the kind's streaming
 * decoder into a small scratch buffer, so memory stays bounded.
 */
#include <stdio.h>
#include <stdlib.h>

#include "codec_internal.h"

/* Reserved ids: known by id and name, nothing implemented. */
#define UNAVAILABLE_KIND(id, nm, dbg) {.kind = id, .name = nm, .debug_name = dbg}
static const s4c_codec_ops nvcomp_gans_ops = UNAVAILABLE_KIND(4, "nvcomp-gans", "NvcompGans");
static const s4c_codec_ops dietgpu_ans_ops = UNAVAILABLE_KIND(5, "dietgpu-ans", "DietGpuAns");

static const s4c_codec_ops *const registry[] = {
    &s4c_passthrough_ops, &s4c_zstd_ops,      &s4c_nvcomp_zstd_ops,     &s4c_nvcomp_bitcomp_ops,
    &nvcomp_gans_ops,     &dietgpu_ans_ops,   &s4c_nvcomp_gdeflate_ops, &s4c_gzip_ops,
    &s4c_zstd_dict_ops,   &s4c_lz4_ops,       &s4c_nvcomp_lz4_ops,
};
#define REGISTRY_SIZE (sizeof(registry) / sizeof(registry[0]))

const s4c_codec_ops *s4c_ops_for_kind(uint32_t kind) {
    for (size_t i = 0; i < REGISTRY_SIZE; i++)
        if (registry[i]->kind == kind) return registry[i];
    return NULL;
}

const char *s4c_kind_name(uint32_t kind) {
    const s4c_codec_ops *ops = s4c_ops_for_kind(kind);
    return ops ? ops->name : NULL;
}

const char *s4c_kind_debug_name(uint32_t kind) {
    const s4c_codec_ops *ops = s4c_ops_for_kind(kind);
    return ops ? ops->debug_name : NULL;
}

s4c_status s4c_kind_from_name(const char *name, uint32_t *kind_ret) {
    S4C_RETURN_IF(!name || !kind_ret, S4C_ERROR_INVALID_ARGUMENT);
    for (size_t i = 0; i < REGISTRY_SIZE; i++) {
        if (strcmp(registry[i]->name, name) == 0) {
            *kind_ret = registry[i]->kind;
            return S4C_OK;
        }
    }
    return S4C_ERROR_UNKNOWN_CODEC;
}

int s4c_kind_available(uint32_t kind) {
    const s4c_codec_ops *ops = s4c_ops_for_kind(kind);
    return ops && ops->compress && ops->decode && (!ops->usable || ops->usable());
}

void s4c_codec_options_init(s4c_codec_options *opts) {
    if (!opts) return;
    memset(opts, 0, sizeof(*opts));
    opts->struct_size = sizeof(*opts);
    opts->level = S4C_LEVEL_DEFAULT;
}

/* Copies the caller's options, honouring a shorter (older) struct_size. */
static s4c_status copy_options(const s4c_codec_options *in, s4c_codec_options *out) {
    s4c_codec_options_init(out);
    if (!in) return S4C_OK;
    S4C_RETURN_IF(in->struct_size < offsetof(s4c_codec_options, level) + sizeof(int) ||
                      in->struct_size > sizeof(*out),
                  S4C_ERROR_INVALID_ARGUMENT);
    memcpy(out, in, in->struct_size);
    out->struct_size = sizeof(*out);
    return S4C_OK;
}

/* Rewrites d->message as S4's Display text of st's class ("io error: ...",
 * "compression backend error: ..."), keeping the cause after the prefix. */
static s4c_status s4_display_text(s4c_status st, s4c_error_detail *d);

static s4c_status unknown_kind(uint32_t kind, s4c_error_detail *d) {
    return s4c_fail(d, S4C_ERROR_UNKNOWN_CODEC, "unknown codec id %u", kind);
}

static s4c_status unavailable_kind(const s4c_codec_ops *ops, s4c_error_detail *d) {
    s4c_status st = s4c_fail(d, S4C_ERROR_CODEC_UNAVAILABLE,
                             "codec %s is not registered in this CodecRegistry "
                             "(not available in this build)",
                             ops->debug_name);
    return st;
}

s4c_status s4c_codec_create(uint32_t kind, const s4c_codec_options *opts, s4c_codec **codec_ret,
                            s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!codec_ret, S4C_ERROR_INVALID_ARGUMENT);
    *codec_ret = NULL;
    const s4c_codec_ops *ops = s4c_ops_for_kind(kind);
    if (!ops) return unknown_kind(kind, d);
    if (!ops->init || !ops->compress || !ops->decode) return unavailable_kind(ops, d);

    s4c_codec *c = s4c_calloc(1, sizeof(*c));
    S4C_RETURN_IF(!c, s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory"));
    c->ops = ops;
    s4c_status st = copy_options(opts, &c->opts);
    if (st == S4C_OK && c->opts.dict && c->opts.dict_size) {
        c->dict = s4c_malloc(c->opts.dict_size);
        if (!c->dict) {
            st = s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
        } else {
            memcpy(c->dict, c->opts.dict, c->opts.dict_size);
            c->dict_size = c->opts.dict_size;
        }
    }
    c->opts.dict = c->dict;
    c->opts.dict_size = c->dict_size;
    if (st == S4C_OK) st = ops->init(c, &c->opts, d);
    if (st != S4C_OK) {
        if (d && d->status == S4C_OK) s4c_fail(d, st, "%s", s4c_strerror(st));
        /* Backend failures carry S4's Display prefix, like decode failures. */
        if (s4c_status_class(st) == S4C_CLASS_BACKEND) s4_display_text(st, d);
        s4c_codec_free(c);
        return st;
    }
    *codec_ret = c;
    return S4C_OK;
}

void s4c_codec_free(s4c_codec *c) {
    if (!c) return;
    if (c->ops && c->ops->destroy) c->ops->destroy(c);
    s4c_free(c->dict);
    s4c_free(c);
}

uint32_t s4c_codec_kind(const s4c_codec *c) { return c ? c->ops->kind : UINT32_MAX; }
int s4c_codec_level(const s4c_codec *c) { return c ? c->level : 0; }

size_t s4c_compress_bound(const s4c_codec *c, size_t n) {
    return c ? c->ops->bound(c, n) : 0;
}

s4c_status s4c_compress(s4c_codec *c, const void *src, size_t n, void *dst, size_t cap,
                        s4c_manifest *m, s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!c || !m || (!src && n) || (!dst && cap), S4C_ERROR_INVALID_ARGUMENT);
    size_t written = 0;
    s4c_status st = c->ops->compress(c, src, n, dst, cap, &written, d);
    if (st != S4C_OK) {
        if (d && d->status == S4C_OK) s4c_fail(d, st, "%s", s4c_strerror(st));
        return st;
    }
    m->codec = c->ops->kind;
    m->original_size = n;
    m->compressed_size = written;
    m->crc32c = s4c_crc32c(0, src, n);
    return S4C_OK;
}

/* ---------------------------------------------------------------- decompress */

static const char *debug_name_or_unknown(uint32_t kind, char *buf, size_t size) {
    const char *nm = s4c_kind_debug_name(kind);
    if (nm) return nm;
    snprintf(buf, size, "Unknown(%u)", kind);
    return buf;
}

static s4c_status codec_mismatch(const s4c_codec *c, const s4c_manifest *m,
                                 s4c_error_detail *d) {
    char buf[32];
    s4c_fail(d, S4C_ERROR_CODEC_MISMATCH, "codec mismatch: expected %s, got %s",
             c->ops->debug_name, debug_name_or_unknown(m->codec, buf, sizeof buf));
    if (d) d->expected = c->ops->kind, d->got = m->codec;
    return S4C_ERROR_CODEC_MISMATCH;
}

static s4c_status crc_mismatch(uint32_t expected, uint32_t got, s4c_error_detail *d) {
    s4c_fail(d, S4C_ERROR_CRC_MISMATCH,
             "crc32c mismatch (chunk corruption?): expected 0x%08x, got 0x%08x", expected, got);
    if (d) d->expected = expected, d->got = got;
    return S4C_ERROR_CRC_MISMATCH;
}

static s4c_status size_mismatch(uint64_t expected, uint64_t got, s4c_error_detail *d) {
    s4c_fail(d, S4C_ERROR_SIZE_MISMATCH,
             "compressed size mismatch: manifest says %llu bytes, payload is %llu bytes",
             (unsigned long long)expected, (unsigned long long)got);
    if (d) d->expected = expected, d->got = got;
    return S4C_ERROR_SIZE_MISMATCH;
}

/* S4's validate_decompress_manifest: limit first, then the payload length. */
static s4c_status validate_manifest(const s4c_manifest *m, size_t payload_size,
                                    s4c_error_detail *d) {
    if (m->original_size > S4C_MAX_DECOMPRESSED_BYTES || m->original_size > SIZE_MAX) {
        uint64_t limit = m->original_size > S4C_MAX_DECOMPRESSED_BYTES
                             ? S4C_MAX_DECOMPRESSED_BYTES
                             : (uint64_t)SIZE_MAX;
        s4c_fail(d, S4C_ERROR_MANIFEST_SIZE_EXCEEDS_LIMIT,
                 "manifest original_size %llu exceeds safety limit %llu "
                 "(forged / corrupted manifest?)",
                 (unsigned long long)m->original_size, (unsigned long long)limit);
        if (d) d->got = m->original_size, d->limit = limit;
        return S4C_ERROR_MANIFEST_SIZE_EXCEEDS_LIMIT;
    }
    if (m->compressed_size != payload_size) {
        s4c_fail(d, S4C_ERROR_MANIFEST_SIZE_MISMATCH,
                 "manifest compressed_size %llu does not match payload length %llu",
                 (unsigned long long)m->compressed_size, (unsigned long long)payload_size);
        if (d) d->expected = m->compressed_size, d->got = payload_size;
        return S4C_ERROR_MANIFEST_SIZE_MISMATCH;
    }
    return S4C_OK;
}

/* Rewrites a failure as S4's Io / Backend Display text. */
static s4c_status s4_display_text(s4c_status st, s4c_error_detail *d) {
    if (!d) return st;
    char cause[sizeof(d->message)];
    snprintf(cause, sizeof cause, "%s", d->status != S4C_OK && d->message[0] ? d->message
                                                                              : s4c_strerror(st));
    const char *prefix =
        s4c_status_class(st) == S4C_CLASS_IO ? "io error: " : "compression backend error: ";
    s4c_fail(d, st, "%s%s", prefix, cause);
    d->cause_offset = strlen(prefix);
    return st;
}

/*
 * Counts what the stream decodes to, up to `cap` bytes, plus whether at least
 * one byte more is available (S4's one-byte probe). Bounded memory.
 */
static s4c_status measure_output(s4c_codec *c, const uint8_t *src, size_t n, uint64_t cap,
                                 uint64_t *produced, int *more, s4c_error_detail *d) {
    s4c_decoder_options o;
    s4c_decoder_options_init(&o);
    o.dict = c->dict;
    o.dict_size = c->dict_size;
    o.single_frame = c->ops->kind == S4C_KIND_CPU_GZIP; /* S4 reads one gzip member */
    void *impl = NULL;
    S4C_TRY(c->ops->decoder_create(&o, &impl, d));
    enum { SCRATCH = 1 << 16 };
    uint8_t *scratch = s4c_malloc(SCRATCH);
    if (!scratch) {
        c->ops->decoder_free(impl);
        return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    s4c_in_buffer in = {src, n, 0};
    uint64_t total = 0;
    s4c_status st = S4C_OK;
    *more = 0;
    for (;;) {
        uint64_t room = cap + 1 - total; /* one byte beyond the cap is the probe */
        s4c_out_buffer out = {scratch, room < SCRATCH ? (size_t)room : SCRATCH, 0};
        size_t hint = 0;
        st = c->ops->decoder_stream(impl, &in, &out, &hint, d);
        if (st != S4C_OK) break;
        total += out.pos;
        if (total > cap) {
            total = cap;
            *more = 1;
            break;
        }
        if (out.pos == 0 && (hint == 0 || in.pos == in.size)) break;
    }
    /* Below the cap the stream must still end cleanly: S4's reader reports a
     * truncated stream as the decoder's end-of-file error, not as a bomb. */
    if (st == S4C_OK && !*more) {
        s4c_status eof = c->ops->decoder_finish(impl);
        if (eof != S4C_OK)
            st = s4c_fail(d, eof, "%s", c->ops->eof_message ? c->ops->eof_message
                                                            : s4c_strerror(eof));
    }
    c->ops->decoder_free(impl);
    s4c_free(scratch);
    *produced = total;
    return st;
}

static s4c_status decompression_bomb(s4c_codec *c, const s4c_manifest *m, const uint8_t *src,
                                     size_t n, s4c_error_detail *d) {
    uint64_t cap = m->original_size + 1024; /* cannot overflow: original_size <= 5 GiB */
    uint64_t produced = 0;
    int more = 0;
    s4c_status st = measure_output(c, src, n, cap, &produced, &more, d);
    if (st != S4C_OK) return s4_display_text(st, d);
    if (produced <= m->original_size) /* cannot happen for a deterministic decoder */
        return size_mismatch(m->original_size, produced, d);
    s4c_fail(d, S4C_ERROR_DECOMPRESSION_BOMB,
             "io error: %s decompression bomb detected: produced at least %llu bytes (truncated "
             "at cap = manifest.original_size + 1024 = %llu); manifest claimed %llu%s",
             c->ops->bomb_prefix, (unsigned long long)produced, (unsigned long long)cap,
             (unsigned long long)m->original_size,
             more ? "; decoder had more bytes available beyond the cap" : "");
    if (d) {
        d->cause_offset = strlen("io error: ");
        d->expected = m->original_size;
        d->got = produced;
        d->limit = cap;
    }
    return S4C_ERROR_DECOMPRESSION_BOMB;
}

static s4c_status decompress_passthrough(s4c_codec *c, const s4c_manifest *m,
                                         const uint8_t *src, size_t n, uint8_t *dst,
                                         size_t cap, size_t *written, s4c_error_detail *d) {
    uint32_t crc = s4c_crc32c(0, src, n);
    if (crc != m->crc32c) return crc_mismatch(m->crc32c, crc, d);
    if (n != m->compressed_size) return size_mismatch(m->compressed_size, n, d);
    S4C_RETURN_IF(cap < n, s4c_fail(d, S4C_ERROR_DST_TOO_SMALL,
                                    "destination holds %zu bytes, %zu needed", cap, n));
    (void)c;
    if (n) memmove(dst, src, n);
    *written = n;
    return S4C_OK;
}

s4c_status s4c_decompress(s4c_codec *c, const s4c_manifest *m, const void *payload,
                          size_t payload_size, void *dst, size_t dst_capacity,
                          size_t *written_ret, s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!c || !m || (!payload && payload_size) || (!dst && dst_capacity),
                  S4C_ERROR_INVALID_ARGUMENT);
    size_t written_local = 0;
    size_t *written = written_ret ? written_ret : &written_local;
    *written = 0;
    const uint8_t *src = payload;

    if (m->codec != c->ops->kind) return codec_mismatch(c, m, d);
    if (c->ops->kind == S4C_KIND_PASSTHROUGH)
        return decompress_passthrough(c, m, src, payload_size, dst, dst_capacity, written, d);

    S4C_TRY(validate_manifest(m, payload_size, d));
    size_t want = (size_t)m->original_size;
    S4C_RETURN_IF(dst_capacity < want,
                  s4c_fail(d, S4C_ERROR_DST_TOO_SMALL,
                           "destination holds %zu bytes, manifest original_size is %zu",
                           dst_capacity, want));

    size_t got = 0;
    uint32_t crc = 0;
    s4c_status st;
    if (c->ops->decode_crc) {
        st = c->ops->decode_crc(c, src, payload_size, dst, want, &got, &crc, d);
    } else {
        st = c->ops->decode(c, src, payload_size, dst, want, &got, d);
        if (st == S4C_OK && got == want) crc = s4c_crc32c(0, dst, got);
    }
    if (st == S4C_OK && (got < want || crc != m->crc32c) && c->ops->decode_recheck) {
        /* The fast path's bytes fail the manifest: take S4's verdict instead. */
        st = c->ops->decode_recheck(c, src, payload_size, dst, want, &got, d);
        if (st == S4C_OK && got == want) crc = s4c_crc32c(0, dst, got);
    }
    if (st == S4C_ERROR_DST_TOO_SMALL && c->ops->bomb_prefix)
        return decompression_bomb(c, m, src, payload_size, d);
    if (st == S4C_ERROR_SIZE_MISMATCH) return st; /* GPU kinds: the FCG1 header's length */
    if (st != S4C_OK) return s4_display_text(st, d);
    *written = got;
    if (got < want) return size_mismatch(want, got, d);
    if (crc != m->crc32c) return crc_mismatch(m->crc32c, crc, d);
    return S4C_OK;
}
