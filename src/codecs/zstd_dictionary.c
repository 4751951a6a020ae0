/*
 * zstd_dictionary.c — s4c_train_dictionary, S4's train_from_samples.
 *
 * A thin wrapper over ZDICT_trainFromBuffer (fastCover with libzstd's default
 * parameters, as the zstd crate calls it). The result is a ZDICT dictionary
 * (magic 37 A4 30 EC) whose dictID libzstd writes into every frame made with
 * it. A training failure and an empty result are both backend errors.
 */
#include <limits.h>
#include <zdict.h>

#include "../core/codec_internal.h"

s4c_status s4c_train_dictionary(const void *samples, const size_t *sample_sizes, size_t n_samples,
                                void *dict, size_t dict_capacity, size_t *dict_size_ret,
                                s4c_error_detail *d) {
    s4c_detail_clear(d);
    if (dict_size_ret) *dict_size_ret = 0;
    if (!dict || !dict_size_ret || (n_samples && (!samples || !sample_sizes)) ||
        n_samples > UINT_MAX)
        return s4c_fail(d, S4C_ERROR_INVALID_ARGUMENT, "invalid argument to s4c_train_dictionary");
    size_t r =
        ZDICT_trainFromBuffer(dict, dict_capacity, samples, sample_sizes, (unsigned)n_samples);
    /* S4 (§2.2): a ZDICT error is Io, an empty result is Backend. */
    if (ZDICT_isError(r)) {
        s4c_fail(d, S4C_ERROR_DICTIONARY_TRAINING, "io error: %s", ZDICT_getErrorName(r));
        if (d) d->cause_offset = strlen("io error: ");
        return S4C_ERROR_DICTIONARY_TRAINING;
    }
    if (r == 0) {
        s4c_fail(d, S4C_ERROR_BACKEND,
                 "compression backend error: zstd dictionary training produced 0 bytes");
        if (d) d->cause_offset = strlen("compression backend error: ");
        return S4C_ERROR_BACKEND;
    }
    *dict_size_ret = r;
    return S4C_OK;
}
