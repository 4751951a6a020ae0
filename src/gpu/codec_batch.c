/*
 * codec_batch.c — s4c_compress_batch / s4c_decompress_batch (s4codec_gpu.h).
 *
 * Generic for every kind: a kind with a batch_begin hook (the nvcomp-* kinds)
 * does all objects' work in one launch first and records the results; then
 * each object goes through s4c_compress / s4c_decompress as usual, so the
 * manifest, the checks and their order and messages are exactly those of
 * the single-object calls. Kinds without the hook simply run one by one.
 */
#include <stdio.h>

#include "../core/codec_internal.h"
#include "s4codec_gpu.h"

/* Prefixes d->message with the failing object's index. */
static s4c_status at_object(size_t i, s4c_status st, s4c_error_detail *d) {
    if (!d) return st;
    char msg[sizeof d->message];
    snprintf(msg, sizeof msg, "%s", d->message);
    size_t cause = d->cause_offset;
    int k = snprintf(d->message, sizeof d->message, "object %zu: %s", i, msg);
    d->cause_offset = cause + (k > 0 ? (size_t)k - strlen(msg) : 0);
    if (d->cause_offset > strlen(d->message)) d->cause_offset = strlen(d->message);
    return st;
}

s4c_status s4c_compress_batch(s4c_codec *c, size_t n, const void *const *srcs, const size_t *sizes,
                              void *const *dsts, const size_t *caps, s4c_manifest *ms,
                              s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!c || (n && (!srcs || !sizes || !dsts || !caps || !ms)),
                  S4C_ERROR_INVALID_ARGUMENT);
    s4c_status st = S4C_OK;
    if (c->ops->batch_begin) {
        st = c->ops->batch_begin(c, 1, n, srcs, sizes, dsts, caps, NULL, d);
        if (st != S4C_OK) {
            if (c->ops->batch_end) c->ops->batch_end(c);
            return st;
        }
    }
    for (size_t i = 0; st == S4C_OK && i < n; i++) {
        st = s4c_compress(c, srcs[i], sizes[i], dsts[i], caps[i], &ms[i], d);
        if (st != S4C_OK) at_object(i, st, d);
    }
    if (c->ops->batch_end) c->ops->batch_end(c);
    return st;
}

s4c_status s4c_decompress_batch(s4c_codec *c, size_t n, const s4c_manifest *ms,
                                const void *const *payloads, void *const *dsts, const size_t *caps,
                                size_t *written, s4c_error_detail *d) {
    s4c_detail_clear(d);
    S4C_RETURN_IF(!c || (n && (!ms || !payloads || !dsts || !caps)), S4C_ERROR_INVALID_ARGUMENT);
    s4c_status st = S4C_OK;
    if (c->ops->batch_begin) {
        st = c->ops->batch_begin(c, 0, n, payloads, NULL, dsts, caps, ms, d);
        if (st != S4C_OK) {
            if (c->ops->batch_end) c->ops->batch_end(c);
            return st;
        }
    }
    for (size_t i = 0; st == S4C_OK && i < n; i++) {
        if (ms[i].compressed_size > SIZE_MAX) {
            st = s4c_fail(d, S4C_ERROR_INVALID_ARGUMENT, "compressed_size too large");
            at_object(i, st, d);
            break;
        }
        size_t w = 0;
        st = s4c_decompress(c, &ms[i], payloads[i], (size_t)ms[i].compressed_size, dsts[i], caps[i],
                            &w, d);
        if (written) written[i] = w;
        if (st != S4C_OK) at_object(i, st, d);
    }
    if (c->ops->batch_end) c->ops->batch_end(c);
    return st;
}
