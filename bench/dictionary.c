/*
 * dictionary.c — the zstd dictionary the cpu-zstd-dict rows use: 16 KiB,
 * trained by libzstd's ZDICT_trainFromBuffer (the trainer s4c_train_dictionary
 * wraps; called directly so that the table does not depend on that function)
 * on up to 2048 samples of 4 KiB spread evenly over the input. Ours and the
 * raw peer use the same bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zdict.h>

#include "bench.h"

#define DICT_MAX_SAMPLES 2048

int bench_train_dict(const bench_input *in, uint8_t *dict, size_t *dict_size, char *why,
                     size_t why_size) {
    size_t records = in->size / BENCH_DICT_RECORD;
    size_t step = records > DICT_MAX_SAMPLES ? records / DICT_MAX_SAMPLES : 1;
    size_t n = 0;
    uint8_t *samples = malloc(DICT_MAX_SAMPLES * (size_t)BENCH_DICT_RECORD);
    size_t *sizes = malloc(DICT_MAX_SAMPLES * sizeof(size_t));
    if (!samples || !sizes) {
        free(samples);
        free(sizes);
        snprintf(why, why_size, "out of memory");
        return -1;
    }
    for (size_t r = 0; r < records && n < DICT_MAX_SAMPLES; r += step, n++) {
        memcpy(samples + n * BENCH_DICT_RECORD, in->data + r * BENCH_DICT_RECORD,
               BENCH_DICT_RECORD);
        sizes[n] = BENCH_DICT_RECORD;
    }
    double t0 = bench_now();
    size_t r = ZDICT_trainFromBuffer(dict, BENCH_DICT_CAPACITY, samples, sizes, (unsigned)n);
    double t = bench_now() - t0;
    free(samples);
    free(sizes);
    if (ZDICT_isError(r) || r == 0) {
        snprintf(why, why_size, "dictionary training failed: %s",
                 ZDICT_isError(r) ? ZDICT_getErrorName(r) : "empty dictionary");
        return -1;
    }
    *dict_size = r;
    fprintf(stderr, "  trained a %zu-byte dictionary on %zu samples of %s in %.1f s\n", *dict_size,
            n, in->file, t);
    return 0;
}
