/*
 * main.c — s4c_bench: prints the benchmark tables (see docs/benchmarks.md).
 *
 *   s4c_bench [--corpus DIR] [--rounds N] [--budget SECONDS] [--quick]
 *             [--file NAME] [--codec NAME] [codecs|gzip-zlib|crc32c|streaming|all]...
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
        "                 [--file NAME] [--codec NAME] [codecs|gzip-zlib|crc32c|streaming|all]...\n"
        "  --rounds N       best of N interleaved rounds per figure (default 5, at least 3)\n"
        "  --budget S       stop adding rounds once a pair has run S seconds (default 20)\n"
        "  --quick          1 MiB inputs only, 3 rounds (a smoke run)\n"
        "  --file NAME      only this corpus file in tables 1 and 2\n"
        "  --codec NAME     only this codec (cpu-zstd, cpu-lz4, ...) in tables 1 and 4\n");
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

int main(int argc, char **argv) {
    int want[4] = {0, 0, 0, 0}, any = 0;
    static const char *names[4] = {"codecs", "gzip-zlib", "crc32c", "streaming"};
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
        } else if (strcmp(a, "all") == 0) {
            for (int k = 0; k < 4; k++)
                want[k] = 1;
            any = 1;
        } else {
            int found = 0;
            for (int k = 0; k < 4; k++)
                if (strcmp(a, names[k]) == 0) want[k] = found = any = 1;
            if (!found) usage();
        }
    }
    if (!any)
        for (int k = 0; k < 4; k++)
            want[k] = 1;
    print_header();
    if (want[0]) bench_table_codecs();
    if (want[1]) bench_table_gzip_zlib();
    if (want[2]) bench_table_crc32c();
    if (want[3]) bench_table_streaming();
    return 0;
}
