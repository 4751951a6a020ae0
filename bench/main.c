/*
 * main.c — s4c_bench: prints the benchmark tables (see docs/benchmarks.md).
 *
 *   s4c_bench [--corpus DIR] [--rounds N] [--budget SECONDS] [--quick]
 *             [--file NAME] [--codec NAME] [--object-size SIZE] [--range-reads N]
 *             [--cli PATH] [--tmpdir DIR]
 *             [codecs|gzip-zlib|crc32c|streaming|objects|resume|all]...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "bench.h"

static void usage(void) {
    fprintf(
        stderr,
        "usage: s4c_bench [--corpus DIR] [--rounds N] [--budget SECONDS] [--quick]\n"
        "                 [--file NAME] [--codec NAME] [--object-size SIZE] [--range-reads N]\n"
        "                 [--cli PATH] [--tmpdir DIR]\n"
        "                 [codecs|gzip-zlib|crc32c|streaming|objects|resume|all]...\n"
        "  --rounds N       best of N interleaved rounds per figure (default 5, at least 3)\n"
        "  --budget S       stop adding rounds once a pair has run S seconds (default 20)\n"
        "  --quick          1 MiB inputs only, 3 rounds (a smoke run); objects: 32 MiB, 20 reads\n"
        "  --file NAME      only this corpus file in tables 1 and 2\n"
        "  --codec NAME     only this codec (cpu-zstd, cpu-lz4, ...) in tables 1 and 4\n"
        "  --object-size S  table 5: object size in bytes, K/M/G suffixes (default 1G)\n"
        "  --range-reads N  table 5: range reads per path (default 200)\n"
        "  --cli PATH       table 5: the s4codec binary for the CLI range reads\n"
        "  --tmpdir DIR     table 5: where the body and sidecar go (default $TMPDIR or /tmp)\n"
        "  resume           table 6: 1 GiB (--quick: 32 MiB; env S4C_BENCH_RESUME_SIZE=MiB)\n");
    exit(2);
}

static void print_header(void) {
    struct utsname u;
    char when[64] = "";
    time_t now = time(NULL);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S %Z", localtime(&now));
    uname(&u);
    printf("# s4c_bench\n\nlibs4codec %s, %s %s %s, %s. Corpus: %s. CRC32C: %s.\n",
           s4c_version_string(), u.sysname, u.release, u.machine, when, bench_cfg.corpus_dir,
           s4c_crc32c_impl());
    fflush(stdout);
}

/* "32M", "1G", "4096": bytes, binary suffixes; 0 on a bad value. */
static size_t parse_size(const char *s) {
    char *end = NULL;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s) return 0;
    int shift = 0;
    const char *units = "KkMmGg";
    const char *u = *end ? strchr(units, *end) : NULL;
    if (u) {
        shift = 10 * (int)(1 + (u - units) / 2);
        end++;
    }
    if (*end == 'i' && end[1] == 'B') end += 2;
    if (*end != 0 || v > (SIZE_MAX >> shift)) return 0;
    return (size_t)v << shift;
}

int main(int argc, char **argv) {
    int want[6] = {0, 0, 0, 0, 0, 0}, any = 0, object_size_set = 0, range_reads_set = 0;
    static const char *names[6] = {"codecs", "gzip-zlib", "crc32c", "streaming", "objects",
                                   "resume"};
    const char *tmp = getenv("TMPDIR");
    if (tmp && *tmp) bench_cfg.tmp_dir = tmp;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--corpus") == 0 && i + 1 < argc) {
            bench_cfg.corpus_dir = argv[++i];
        } else if (strcmp(a, "--rounds") == 0 && i + 1 < argc) {
            bench_cfg.rounds = atoi(argv[++i]);
            if (bench_cfg.rounds < 1) usage();
            if (bench_cfg.min_rounds > bench_cfg.rounds) bench_cfg.min_rounds = bench_cfg.rounds;
        } else if (strcmp(a, "--budget") == 0 && i + 1 < argc) {
            bench_cfg.pair_budget_s = atof(argv[++i]);
        } else if (strcmp(a, "--quick") == 0) {
            bench_cfg.quick = 1;
            bench_cfg.rounds = 3;
        } else if (strcmp(a, "--file") == 0 && i + 1 < argc) {
            bench_cfg.only_file = argv[++i];
        } else if (strcmp(a, "--codec") == 0 && i + 1 < argc) {
            bench_cfg.only_codec = argv[++i];
        } else if (strcmp(a, "--object-size") == 0 && i + 1 < argc) {
            bench_cfg.object_size = parse_size(argv[++i]);
            if (bench_cfg.object_size < 2 * BENCH_MIB) usage();
            object_size_set = 1;
        } else if (strcmp(a, "--range-reads") == 0 && i + 1 < argc) {
            bench_cfg.range_reads = atoi(argv[++i]);
            if (bench_cfg.range_reads < 1) usage();
            range_reads_set = 1;
        } else if (strcmp(a, "--cli") == 0 && i + 1 < argc) {
            bench_cfg.cli_path = argv[++i];
        } else if (strcmp(a, "--tmpdir") == 0 && i + 1 < argc) {
            bench_cfg.tmp_dir = argv[++i];
        } else if (strcmp(a, "all") == 0) {
            for (int k = 0; k < 6; k++)
                want[k] = 1;
            any = 1;
        } else {
            int found = 0;
            for (int k = 0; k < 6; k++)
                if (strcmp(a, names[k]) == 0) want[k] = found = any = 1;
            if (!found) usage();
        }
    }
    if (bench_cfg.quick && !object_size_set) bench_cfg.object_size = 32 * BENCH_MIB;
    if (bench_cfg.quick && !range_reads_set) bench_cfg.range_reads = 20;
    if (!any)
        for (int k = 0; k < 6; k++)
            want[k] = 1;
    print_header();
    int rc = 0;
    if (want[0]) bench_table_codecs();
    if (want[1]) bench_table_gzip_zlib();
    if (want[2]) bench_table_crc32c();
    if (want[3]) bench_table_streaming();
    if (want[4] && bench_table_objects() != 0) rc = 1;
    if (want[5] && bench_table_resume() != 0) rc = 1; /* table 6, issue 4 */
    return rc;
}
