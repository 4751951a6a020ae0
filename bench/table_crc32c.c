/*
 * table_crc32c.c — table 3: CRC32C throughput against memcpy bandwidth.
 *
 * Every one-shot decompress and compress runs a CRC32C over the whole
 * original, so its speed bounds ours. Each implementation is timed in a pair
 * with memcpy of the same buffer (interleaved rounds, best of N): 64 MiB
 * (memory-bound; target: the dispatched s4c_crc32c >= 0.8x memcpy) and 4 KiB
 * (L1-resident, per-call overhead visible). ISA-L's crc32_iscsi called
 * directly shows what our wrapper costs.
 */
#include <stdio.h>
#include <string.h>

#include <isa-l/crc.h>

#include "bench.h"

typedef struct crc_ctx {
    const uint8_t *buf;
    uint8_t *dst;
    size_t n;
    const char *impl; /* NULL: the dispatched s4c_crc32c */
    uint32_t sink;
} crc_ctx;

static int run_crc(void *p) {
    crc_ctx *c = p;
    c->sink ^= c->impl ? s4c_crc32c_with(c->impl, 0, c->buf, c->n) : s4c_crc32c(0, c->buf, c->n);
    return 0;
}

static int run_isal(void *p) {
    crc_ctx *c = p;
    c->sink ^= ~crc32_iscsi((unsigned char *)c->buf, (int)c->n, 0xFFFFFFFFu);
    return 0;
}

static int run_memcpy(void *p) {
    crc_ctx *c = p;
    memcpy(c->dst, c->buf, c->n);
    c->sink ^= c->dst[c->n - 1];
    return 0;
}

static int pass_count, miss_count;

static void row(const char *label, bench_fn fn, const char *impl, const uint8_t *buf, uint8_t *dst,
                size_t n, int targeted) {
    crc_ctx c = {buf, dst, n, impl, 0}, m = {buf, dst, n, NULL, 0};
    double tc = 0, tm = 0;
    int rounds = 0;
    if (bench_pair(fn, &c, run_memcpy, &m, &tc, &tm, &rounds) != 0) return;
    double gc = (double)n / tc / 1e9, gm = (double)n / tm / 1e9, ratio = gc / gm;
    const char *verdict = "-";
    if (targeted) {
        verdict = bench_verdict(ratio, 0.8);
        if (verdict[0] == 'P')
            pass_count++;
        else
            miss_count++;
    }
    char sn[32];
    char per_call[32];
    if (tc < 1e-6)
        snprintf(per_call, sizeof per_call, "%.0f ns", tc * 1e9);
    else if (tc < 1e-3)
        snprintf(per_call, sizeof per_call, "%.1f us", tc * 1e6);
    else
        snprintf(per_call, sizeof per_call, "%.2f ms", tc * 1e3);
    printf("| %s | %s | %.2f | %s | %.2f | %.2f | %s | %d |\n", label,
           bench_size_name(n, sn, sizeof sn), gc, per_call, gm, ratio, verdict, rounds);
    fflush(stdout);
}

void bench_table_crc32c(void) {
    size_t big = 64 * BENCH_MIB;
    bench_input in = bench_load("linux.tar", big);
    uint8_t *buf = bench_alloc(big), *dst = bench_alloc(big);
    memcpy(buf, in.data, in.size);
    bench_input_free(&in);

    /* all implementations must agree before we time them */
    uint32_t want = s4c_crc32c(0, buf, big);
    const char *impls[] = {"isa-l", "sse4.2", "table"};
    for (size_t i = 0; i < 3; i++)
        if (s4c_crc32c_with(impls[i], 0, buf, big) != want)
            printf("WARNING: s4c_crc32c_with(\"%s\") disagrees with s4c_crc32c\n", impls[i]);

    printf("\n## 3. CRC32C vs memcpy\n\n");
    printf("GB/s = 10^9 bytes per second (memcpy: bytes copied). Each line is a pair with memcpy "
           "of the same buffer, best of up to %d interleaved rounds. Dispatched implementation "
           "on this CPU: %s. Target: s4c_crc32c >= 0.8x memcpy on 64 MiB.\n\n",
           bench_cfg.rounds, s4c_crc32c_impl());
    printf("| function | buffer | CRC GB/s | time/call | memcpy GB/s | CRC/memcpy | target 0.8x | "
           "rounds |\n");
    printf("|---|---|--:|--:|--:|--:|---|--:|\n");
    pass_count = miss_count = 0;
    size_t sizes[2] = {big, 4096};
    for (int s = 0; s < 2; s++) {
        size_t n = sizes[s];
        char label[64];
        snprintf(label, sizeof label, "s4c_crc32c (%s)", s4c_crc32c_impl());
        row(label, run_crc, NULL, buf, dst, n, n == big);
        for (size_t i = 0; i < 3; i++) {
            snprintf(label, sizeof label, "s4c_crc32c_with(\"%s\")", impls[i]);
            row(label, run_crc, impls[i], buf, dst, n, 0);
        }
        row("ISA-L crc32_iscsi (raw)", run_isal, NULL, buf, dst, n, 0);
    }
    printf("\nTable 3 targets: %d PASS, %d MISS\n", pass_count, miss_count);
    bench_free(buf);
    bench_free(dst);
}
