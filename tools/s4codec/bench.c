/*
 * bench.c — `s4codec bench`: our codecs against the reference tools, measured
 * in the same run on the same file.
 *
 * Ours: the whole file in memory through the streaming encoder/decoder (one
 * S4C_FLUSH_END call each), objects created once and reset between runs, best
 * of a few runs; the first decode is checked byte for byte. Reference:
 * `TOOL -LEVEL -c` and `TOOL -d -c` fork/exec'ed with stdin from the file (or
 * from the tool's own compressed output) and stdout to /dev/null; that wall
 * time includes process start-up, which is measured separately on an empty
 * stream and printed (and subtracted with --net). MB/s are 10^6 bytes of
 * uncompressed data per second in both directions.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "file_io.h"
#include "options.h"
#include "reference_cli.h"
#include "s4codec_stream.h"

#ifndef S4C_CLI_SAMPLE_SOURCE
#define S4C_CLI_SAMPLE_SOURCE ""
#endif
#ifndef S4C_CLI_SAMPLE_INSTALLED
#define S4C_CLI_SAMPLE_INSTALLED ""
#endif
#ifndef S4C_CLI_SAMPLE_NAME
#define S4C_CLI_SAMPLE_NAME "sample.txt"
#endif

#define MIN_SECONDS 0.2 /* default: keep timing a measurement until this much time ran */
#define MAX_RUNS 50
#define MAX_CODECS 8

static const char help_text[] =
    "usage: s4codec bench [-c CODECS] [-l LEVELS] [-r RUNS] [--net] [FILE...]\n"
    "\n"
    "For each codec and level: compression ratio, compress MB/s and decompress\n"
    "MB/s through libs4codec (in memory, best of RUNS or more runs) next to the\n"
    "reference CLI (zstd/gzip/lz4 -LEVEL -c and -d -c, fork/exec'ed with stdin\n"
    "from the file and stdout to /dev/null) measured in the same run, with the\n"
    "ours/cli speed ratio. Without FILE, the bundled sample is used.\n"
    "\n"
    "  -c, --codec CODECS  comma-separated: zstd,gzip,lz4 (default), passthrough\n"
    "  -l, --levels LEVELS comma-separated levels for every chosen codec\n"
    "                      (passthrough has none and ignores them)\n"
    "                      (defaults: zstd 1,3,9; gzip 1,6,9; lz4 0,9)\n"
    "  -r, --runs RUNS     exactly RUNS timed runs per measurement (default: at\n"
    "                      least 3, more until 0.2 s of timing)\n"
    "      --net           subtract the CLI's start-up time (its run on an empty\n"
    "                      stream) from the CLI columns\n"
    "  -h, --help          this help\n"
    "\n"
    "MB/s = 10^6 bytes of uncompressed data per second. n/a: codec not\n"
    "available in this build; -: reference tool missing or failed.\n"
    "\n"
    "exit codes: 0 ok, 1 a codec failed or decoded wrong data, 2 usage,\n"
    "            3 a FILE could not be read\n";

typedef struct bench_opts {
    const cli_codec *codecs[MAX_CODECS];
    int n_codecs;
    int levels[CLI_MAX_LEVELS];
    int n_levels; /* 0: each codec's defaults */
    int min_runs;
    int exact_runs; /* -r given: exactly min_runs runs */
    int net;
} bench_opts;

static double min_seconds; /* MIN_SECONDS, or 0 under -r */

typedef struct result {
    int ok;
    double ratio, comp_s, dec_s; /* best seconds */
} result;

/* ----------------------------------------------------------------- ours */

typedef struct ours {
    const unsigned char *src;
    size_t n;
    unsigned char *cbuf, *dbuf;
    size_t ccap, csize;
    s4c_encoder *enc;
    s4c_decoder *dec;
} ours;

static s4c_status ours_compress(ours *o) {
    s4c_encoder_reset(o->enc);
    s4c_in_buffer in = {o->src, o->n, 0};
    s4c_out_buffer out = {o->cbuf, o->ccap, 0};
    for (;;) {
        size_t pending = 0;
        s4c_status st = s4c_encoder_stream(o->enc, &in, &out, S4C_FLUSH_END, &pending);
        if (st != S4C_OK) return st;
        if (in.pos == in.size && pending == 0) break;
        if (out.pos == out.size) { /* grow: happens on the first run only */
            unsigned char *p = realloc(o->cbuf, o->ccap * 2);
            if (!p) return S4C_ERROR_OUT_OF_MEMORY;
            o->cbuf = p;
            o->ccap *= 2;
            out.dst = p;
            out.size = o->ccap;
        }
    }
    o->csize = out.pos;
    return S4C_OK;
}

static s4c_status ours_decompress(ours *o) {
    s4c_decoder_reset(o->dec);
    s4c_in_buffer in = {o->cbuf, o->csize, 0};
    s4c_out_buffer out = {o->dbuf, o->n + 1, 0}; /* one spare byte catches overlong output */
    while (in.pos < in.size && out.pos < out.size) {
        size_t before = in.pos, made = out.pos;
        s4c_status st = s4c_decoder_stream(o->dec, &in, &out, NULL);
        if (st != S4C_OK) return st;
        if (in.pos == before && out.pos == made) break;
    }
    s4c_status st;
    size_t made;
    do { /* flush what the decoder still holds */
        made = out.pos;
        if ((st = s4c_decoder_stream(o->dec, &in, &out, NULL)) != S4C_OK) return st;
    } while (out.pos > made && out.pos < out.size);
    if ((st = s4c_decoder_finish(o->dec)) != S4C_OK) return st;
    return out.pos == o->n ? S4C_OK : S4C_ERROR_SIZE_MISMATCH;
}

typedef s4c_status (*ours_step)(ours *o);

static s4c_status best_time(ours *o, ours_step step, int min_runs, double *best) {
    double total = 0;
    *best = 1e30;
    for (int run = 0; run < MAX_RUNS && (run < min_runs || total < min_seconds); run++) {
        double t0 = cli_now();
        s4c_status st = step(o);
        double t = cli_now() - t0;
        if (st != S4C_OK) return st;
        total += t;
        if (t < *best) *best = t;
    }
    return S4C_OK;
}

/* Returns 0, or CLI_EXIT_DATA after printing what went wrong. */
static int bench_ours(const cli_codec *codec, int level, const unsigned char *src, size_t n,
                      int min_runs, result *r, const char *file) {
    memset(r, 0, sizeof(*r));
    ours o = {src, n, NULL, NULL, n + n / 8 + 65536, 0, NULL, NULL};
    s4c_codec_options opts;
    cli_codec_options(codec, level, &opts);
    if (s4c_encoder_create(codec->kind, &opts, &o.enc, NULL) != S4C_OK ||
        s4c_decoder_create(codec->kind, NULL, &o.dec, NULL) != S4C_OK) {
        s4c_encoder_free(o.enc);
        s4c_decoder_free(o.dec);
        return 0; /* not available: r->ok stays 0 */
    }
    o.cbuf = malloc(o.ccap);
    o.dbuf = malloc(n + 1);
    int rc = 0;
    s4c_status st = S4C_ERROR_OUT_OF_MEMORY;
    if (o.cbuf && o.dbuf && (st = best_time(&o, ours_compress, min_runs, &r->comp_s)) == S4C_OK &&
        (st = ours_decompress(&o)) == S4C_OK) {
        if (memcmp(o.dbuf, src, n) != 0)
            rc = cli_error(CLI_EXIT_DATA, "bench: %s: %s level %d: round trip gave different data",
                           file, codec->name, level);
        else if ((st = best_time(&o, ours_decompress, min_runs, &r->dec_s)) == S4C_OK)
            r->ok = 1;
    }
    if (!rc && !r->ok)
        rc = cli_error(CLI_EXIT_DATA, "bench: %s: %s level %d: %s", file, codec->name, level,
                       s4c_strerror(st));
    if (r->ok) r->ratio = o.csize ? (double)n / (double)o.csize : 0;
    free(o.cbuf);
    free(o.dbuf);
    s4c_encoder_free(o.enc);
    s4c_decoder_free(o.dec);
    return rc;
}

/* ------------------------------------------------------------ reference */

/* An unlinked temporary file: it vanishes with the process whatever happens. */
static int anonymous_file(void) {
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof(path), "%s/s4codec-bench.XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd >= 0) unlink(path);
    return fd;
}

static int reset_file(int fd) {
    return ftruncate(fd, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0 ? 0 : -1;
}

/* Best wall time of argv over the runs; -1 when the tool fails. */
static double best_cli_time(const char *const argv[], int in_fd, int out_fd, int min_runs) {
    double best = 1e30, total = 0;
    for (int run = 0; run < MAX_RUNS && (run < min_runs || total < min_seconds); run++) {
        double t;
        if (cli_reference_run(argv, in_fd, out_fd, &t) != 0) return -1;
        total += t;
        if (t < best) best = t;
    }
    return best;
}

typedef struct cli_fds {
    int input, captured, empty, empty_captured, devnull;
} cli_fds;

/* The CLI's numbers; `startup` gets its compress/decompress times on an empty stream. */
static void bench_cli(const cli_codec *codec, int level, size_t n, const cli_fds *fd, int min_runs,
                      int net, result *r, double startup[2]) {
    memset(r, 0, sizeof(*r));
    startup[0] = startup[1] = -1;
    if (!codec->reference_cli || n == 0) return;
    char lvl[8];
    const char *cargv[5], *dargv[5];
    cli_reference_argv(codec->reference_cli, 0, level, lvl, cargv);
    cli_reference_argv(codec->reference_cli, 1, level, lvl, dargv);
    double t;
    if (reset_file(fd->captured) || cli_reference_run(cargv, fd->input, fd->captured, &t) != 0)
        return;
    off_t csize = lseek(fd->captured, 0, SEEK_END);
    if (csize <= 0) return;
    r->comp_s = best_cli_time(cargv, fd->input, fd->devnull, min_runs);
    r->dec_s = best_cli_time(dargv, fd->captured, fd->devnull, min_runs);
    if (r->comp_s < 0 || r->dec_s < 0) return;
    if (reset_file(fd->empty_captured) == 0 &&
        cli_reference_run(cargv, fd->empty, fd->empty_captured, &t) == 0) {
        startup[0] = best_cli_time(cargv, fd->empty, fd->devnull, min_runs);
        startup[1] = best_cli_time(dargv, fd->empty_captured, fd->devnull, min_runs);
    }
    if (net && startup[0] > 0 && startup[1] > 0) {
        r->comp_s -= startup[0];
        r->dec_s -= startup[1];
        if (r->comp_s <= 0 || r->dec_s <= 0) return; /* below the noise: no number */
    }
    r->ratio = (double)n / (double)csize;
    r->ok = 1;
}

/* ---------------------------------------------------------------- table */

static void cell_ratio(const result *r) {
    if (r->ok)
        printf(" %7.3f", r->ratio);
    else
        printf(" %7s", "-");
}

static void cell_speed(const result *r, double seconds, size_t n) {
    if (r->ok)
        printf(" %8.1f", (double)n / 1e6 / seconds);
    else
        printf(" %8s", "-");
}

static void cell_ours_over_cli(const result *ours_r, double ours_s, const result *cli_r,
                               double cli_s) {
    if (ours_r->ok && cli_r->ok)
        printf(" %8.2fx", cli_s / ours_s);
    else
        printf(" %9s", "-");
}

static void print_row(const cli_codec *codec, int level, size_t n, const result *o,
                      const result *c) {
    printf("%-11s %5d", codec->name, level);
    if (!o->ok) {
        printf(" %7s", "n/a");
    } else {
        cell_ratio(o);
    }
    cell_ratio(c);
    printf("  ");
    if (o->ok)
        cell_speed(o, o->comp_s, n);
    else
        printf(" %8s", "n/a");
    cell_speed(c, c->comp_s, n);
    cell_ours_over_cli(o, o->comp_s, c, c->comp_s);
    printf("  ");
    if (o->ok)
        cell_speed(o, o->dec_s, n);
    else
        printf(" %8s", "n/a");
    cell_speed(c, c->dec_s, n);
    cell_ours_over_cli(o, o->dec_s, c, c->dec_s);
    printf("\n");
}

static void print_header(const char *file, size_t n, const bench_opts *b) {
    printf("%s: %zu bytes (%.2f MiB), best of %d%s runs, MB/s of uncompressed data\n"
           "ours: libs4codec %s in memory; cli: fork/exec, stdin from the file, stdout to "
           "/dev/null, %s\n"
           "ours/cli > 1: ours is faster\n\n",
           file, n, (double)n / 1048576.0, b->min_runs, b->exact_runs ? "" : "+",
           s4c_version_string(), b->net ? "start-up subtracted" : "start-up included");
    printf("%-11s %5s %15s   %28s   %28s\n", "", "", "ratio", "compress MB/s", "decompress MB/s");
    printf("%-11s %5s %7s %7s   %8s %8s %9s   %8s %8s %9s\n", "codec", "level", "ours", "cli",
           "ours", "cli", "ours/cli", "ours", "cli", "ours/cli");
}

static int open_fds(const char *path, cli_fds *fd) {
    fd->input = open(path, O_RDONLY | O_CLOEXEC);
    fd->captured = anonymous_file();
    fd->empty = open("/dev/null", O_RDONLY | O_CLOEXEC);
    fd->empty_captured = anonymous_file();
    fd->devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (fd->input < 0 || fd->captured < 0 || fd->empty < 0 || fd->empty_captured < 0 ||
        fd->devnull < 0)
        return cli_error(CLI_EXIT_IO, "bench: %s: %s", path, strerror(errno));
    return 0;
}

static void close_fds(cli_fds *fd) {
    int *all[] = {&fd->input, &fd->captured, &fd->empty, &fd->empty_captured, &fd->devnull};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        if (*all[i] >= 0) close(*all[i]);
}

/* Reads the whole file: bench is in-memory by design. */
static int load_file(const char *path, unsigned char **data, size_t *size) {
    cli_input in;
    int rc = cli_input_open(path, &in);
    if (rc) return rc;
    size_t cap = in.size_known && in.size ? (size_t)in.size + 1 : CLI_BUFFER_SIZE, n = 0;
    unsigned char *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            rc = cli_error(CLI_EXIT_DATA, "bench: %s: out of memory", path);
            break;
        }
        ssize_t r = cli_read_full(in.fd, buf + n, cap - n);
        if (r < 0) {
            rc = cli_error(CLI_EXIT_IO, "%s: read error: %s", path, strerror(errno));
            break;
        }
        n += (size_t)r;
        if (n < cap) break;
        unsigned char *p = realloc(buf, cap * 2);
        if (!p) free(buf);
        buf = p;
        cap *= 2;
    }
    cli_input_close(&in);
    if (rc) {
        free(buf);
        return rc;
    }
    *data = buf;
    *size = n;
    return 0;
}

static int bench_file(const char *path, const bench_opts *b) {
    unsigned char *data = NULL;
    size_t n = 0;
    int rc = load_file(path, &data, &n);
    if (rc) return rc;
    cli_fds fd = {-1, -1, -1, -1, -1};
    if ((rc = open_fds(path, &fd))) {
        close_fds(&fd);
        free(data);
        return rc;
    }
    print_header(path, n, b);
    char startup_note[512] = "";
    size_t note_len = 0;
    for (int c = 0; c < b->n_codecs && !rc; c++) {
        const cli_codec *codec = b->codecs[c];
        int use_own = !b->n_levels || !codec->has_levels; /* -l does not apply to passthrough */
        const int *levels = use_own ? codec->bench_levels : b->levels;
        int n_levels = use_own ? 0 : b->n_levels;
        if (use_own)
            while (n_levels < 4 && codec->bench_levels[n_levels] >= 0)
                n_levels++;
        double startup[2] = {-1, -1};
        for (int l = 0; l < n_levels && !rc; l++) {
            result o, cl;
            double st[2];
            rc = bench_ours(codec, levels[l], data, n, b->min_runs, &o, path);
            if (rc) break;
            bench_cli(codec, levels[l], n, &fd, b->min_runs, b->net, &cl, st);
            if (st[0] > 0 && (startup[0] < 0 || st[0] < startup[0])) startup[0] = st[0];
            if (st[1] > 0 && (startup[1] < 0 || st[1] < startup[1])) startup[1] = st[1];
            print_row(codec, levels[l], n, &o, &cl);
            fflush(stdout);
        }
        if (startup[0] > 0 && note_len < sizeof(startup_note))
            note_len += (size_t)snprintf(startup_note + note_len, sizeof(startup_note) - note_len,
                                         "%s%s %.1f/%.1f ms", note_len ? ", " : "",
                                         codec->reference_cli, startup[0] * 1e3, startup[1] * 1e3);
    }
    if (!rc && note_len)
        printf("\ncli start-up on an empty stream (compress/decompress): %s\n", startup_note);
    close_fds(&fd);
    free(data);
    return rc;
}

/* The sample next to an installed binary: <prefix>/bin/s4codec -> <prefix>/share/s4codec/. */
static int sample_beside_binary(char *path, size_t cap) {
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0) return -1;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash) return -1;
    *slash = '\0';
    int k = snprintf(path, cap, "%s/../share/s4codec/%s", exe, S4C_CLI_SAMPLE_NAME);
    return k > 0 && (size_t)k < cap ? 0 : -1;
}

static const char *bundled_sample(void) {
    static char beside[4096 + 64];
    const char *candidates[] = {S4C_CLI_SAMPLE_SOURCE,
                                sample_beside_binary(beside, sizeof(beside)) ? "" : beside,
                                S4C_CLI_SAMPLE_INSTALLED};
    for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
        if (candidates[i][0] && access(candidates[i], R_OK) == 0) return candidates[i];
    return NULL;
}

static int parse_codecs(const char *command, const char *list, bench_opts *b) {
    char buf[256];
    if (strlen(list) >= sizeof(buf))
        return cli_error(CLI_EXIT_USAGE, "%s: codec list too long", command);
    strcpy(buf, list);
    b->n_codecs = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        const cli_codec *codec = cli_parse_codec(command, tok);
        if (!codec) return CLI_EXIT_USAGE;
        if (b->n_codecs == MAX_CODECS)
            return cli_error(CLI_EXIT_USAGE, "%s: too many codecs", command);
        b->codecs[b->n_codecs++] = codec;
    }
    return b->n_codecs ? 0 : cli_error(CLI_EXIT_USAGE, "%s: empty codec list", command);
}

/* Every level must be valid for every chosen codec that has levels. */
static int check_levels(const char *command, const bench_opts *b) {
    for (int c = 0; c < b->n_codecs; c++) {
        const cli_codec *codec = b->codecs[c];
        for (int l = 0; l < b->n_levels && codec->has_levels; l++) {
            int lv = b->levels[l];
            if (lv < codec->min_level || lv > codec->max_level)
                return cli_error(CLI_EXIT_USAGE, "%s: level %d is outside %d..%d for %s", command,
                                 lv, codec->min_level, codec->max_level, codec->name);
        }
    }
    return 0;
}

int cli_bench_main(int argc, char **argv) {
    enum { OPT_NET = 256 };
    static const struct option longopts[] = {
        {"codec", required_argument, NULL, 'c'},
        {"levels", required_argument, NULL, 'l'},
        {"level", required_argument, NULL, 'l'},
        {"runs", required_argument, NULL, 'r'},
        {"net", no_argument, NULL, OPT_NET},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *command = argv[0];
    bench_opts b;
    memset(&b, 0, sizeof(b));
    b.min_runs = 3;
    for (int i = 0; i < 3; i++)
        b.codecs[b.n_codecs++] = cli_codec_at((unsigned)i);
    cli_options_begin();
    int c, rc;
    while ((c = getopt_long(argc, argv, ":c:l:r:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'c':
            if ((rc = parse_codecs(command, optarg, &b))) return rc;
            break;
        case 'l':
            if (cli_parse_int_list(optarg, -1000, 1000, b.levels, CLI_MAX_LEVELS, &b.n_levels))
                return cli_error(CLI_EXIT_USAGE, "%s: bad level list '%s' (e.g. 1,3,9)", command,
                                 optarg);
            break;
        case 'r':
            if (cli_parse_int(optarg, 1, MAX_RUNS, &b.min_runs))
                return cli_error(CLI_EXIT_USAGE, "%s: runs must be 1..%d", command, MAX_RUNS);
            b.exact_runs = 1;
            break;
        case OPT_NET:
            b.net = 1;
            break;
        case 'h':
            fputs(help_text, stdout);
            return CLI_EXIT_OK;
        default:
            return cli_option_error(command, c, argv);
        }
    }
    if ((rc = check_levels(command, &b))) return rc;
    min_seconds = b.exact_runs ? 0 : MIN_SECONDS;
    if (optind == argc) {
        const char *sample = bundled_sample();
        if (!sample)
            return cli_error(CLI_EXIT_IO, "%s: the bundled sample is not installed; give a FILE",
                             command);
        return bench_file(sample, &b);
    }
    for (int i = optind; i < argc; i++)
        if (!strcmp(argv[i], "-"))
            return cli_error(CLI_EXIT_USAGE,
                             "%s: needs files (the reference tools re-read them), "
                             "not stdin",
                             command);
    rc = 0;
    for (int i = optind; i < argc; i++) {
        if (i > optind) printf("\n");
        int r = bench_file(argv[i], &b);
        if (r) rc = r;
    }
    return rc;
}
