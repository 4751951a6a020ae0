/*
 * s4_cat.c — `s4codec cat BODY --range START-END`: a range read as S4's
 * gateway serves `Range: bytes=START-END` on a framed object.
 *
 * The frame index comes from BODY.s4index when it exists, else from a scan of
 * the body's frame headers (s4c_build_index_from_body). s4c_index_lookup_range()
 * picks the frames holding the range; only their bytes are read (the body is
 * mapped, so the pages of other frames are never touched) and decoded, each
 * against its own header, and the requested bytes go to stdout. START and END
 * are inclusive, as in HTTP: `--range 0-99` is the first 100 bytes; `START-`
 * runs to the end and `-N` is the last N bytes; an END past the end is
 * clamped.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "file_io.h"
#include "options.h"
#include "s4_common.h"
#include "s4codec_frame.h"
#include "s4codec_index.h"

static const char help_text[] =
    "usage: s4codec cat --range START-END BODY\n"
    "\n"
    "Writes original bytes START..END (inclusive, as HTTP's Range: bytes=START-END)\n"
    "of an S4F2 framed body to stdout, decoding only the frames that hold them.\n"
    "The frames are found through BODY.s4index when it exists, else by scanning\n"
    "the frame headers. 'START-' reads to the end, '-N' the last N bytes; an END\n"
    "past the end of the object is clamped.\n"
    "\n"
    "  -r, --range RANGE   the bytes to write (required)\n"
    "  -h, --help          this help\n"
    "\n"
    "exit codes: 0 ok, 1 data error or range past the end, 2 usage, 3 I/O error\n";

typedef struct byte_range {
    int suffix;          /* "-N": the last N bytes */
    uint64_t start, end; /* end inclusive; UINT64_MAX for "START-" */
} byte_range;

static int parse_u64(const char *s, size_t n, uint64_t *v) {
    if (n == 0 || n > 20) return -1;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        unsigned d = (unsigned)(s[i] - '0');
        if (x > (UINT64_MAX - d) / 10) return -1;
        x = x * 10 + d;
    }
    *v = x;
    return 0;
}

static int parse_range(const char *s, byte_range *r) {
    if (!strncmp(s, "bytes=", 6)) s += 6;
    const char *dash = strchr(s, '-');
    if (!dash) return -1;
    size_t a = (size_t)(dash - s), b = strlen(dash + 1);
    memset(r, 0, sizeof(*r));
    if (a == 0) {
        r->suffix = 1;
        return parse_u64(dash + 1, b, &r->end) != 0 || r->end == 0 ? -1 : 0;
    }
    if (parse_u64(s, a, &r->start) != 0) return -1;
    if (b == 0) {
        r->end = UINT64_MAX;
        return 0;
    }
    return parse_u64(dash + 1, b, &r->end) != 0 || r->end < r->start ? -1 : 0;
}

/* The frame index of BODY: its sidecar when present, else a scan of the body. */
static int load_index(const char *path, const s4_file *body, s4c_index **ix) {
    char side[4096];
    struct stat st;
    s4c_error_detail d;
    memset(&d, 0, sizeof(d));
    if (snprintf(side, sizeof(side), "%s%s", path, S4C_SIDECAR_SUFFIX) < (int)sizeof(side) &&
        stat(side, &st) == 0) {
        s4_file f;
        int rc = s4_file_load(side, &f);
        if (rc) return rc;
        s4c_status s = s4c_index_decode(f.data, f.size, ix, &d);
        s4_file_close(&f);
        if (s != S4C_OK)
            return s4_error(CLI_EXIT_DATA, d.message[0] ? d.message : s4c_strerror(s),
                            "decoding %s as an S4IX sidecar (expected a `<key>.s4index` object)",
                            side);
        return 0;
    }
    s4c_status s = s4c_build_index_from_body(body->data, body->size, ix, &d);
    if (s != S4C_OK)
        return s4_error(CLI_EXIT_DATA, d.message[0] ? d.message : s4c_strerror(s),
                        "indexing the frames of %s", path);
    return 0;
}

int cli_s4_cat_main(int argc, char **argv) {
    static const struct option longopts[] = {{"range", required_argument, NULL, 'r'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *range_text = NULL;
    int c;
    cli_options_begin();
    while ((c = getopt_long(argc, argv, ":r:h", longopts, NULL)) != -1) {
        if (c == 'r')
            range_text = optarg;
        else if (c == 'h') {
            fputs(help_text, stdout);
            return CLI_EXIT_OK;
        } else
            return cli_option_error(argv[0], c, argv);
    }
    byte_range r;
    const char *problem = NULL;
    if (argc - optind != 1)
        problem = "exactly one BODY expected";
    else if (!range_text)
        problem = "--range START-END is required";
    else if (parse_range(range_text, &r) != 0)
        problem = "--range wants START-END (inclusive, START <= END), START- or -N";
    if (problem) {
        cli_error(CLI_EXIT_USAGE, "%s: %s", argv[0], problem);
        fprintf(stderr, "Try '%s %s --help'.\n", CLI_PROGRAM, argv[0]);
        return CLI_EXIT_USAGE;
    }
    const char *path = argv[optind];
    s4_file body;
    int rc = s4_file_load(path, &body);
    if (rc) return rc;
    if ((rc = s4_refuse_unreadable_body(path, &body))) {
        s4_file_close(&body);
        return rc;
    }
    s4c_index *ix = NULL;
    s4c_object_decoder *dec = NULL;
    uint8_t *dst = NULL;
    if ((rc = load_index(path, &body, &ix))) goto done;
    uint64_t total = s4c_index_total_original(ix);
    uint64_t start = r.start, end_excl = r.end == UINT64_MAX ? UINT64_MAX : r.end + 1;
    if (r.suffix) {
        start = r.end >= total ? 0 : total - r.end;
        end_excl = total;
    }
    s4c_range_plan plan;
    if (!s4c_index_lookup_range(ix, start, end_excl, &plan)) {
        rc = s4_error(CLI_EXIT_DATA, NULL,
                      "range %s is not satisfiable: %s holds %llu original bytes", range_text, path,
                      (unsigned long long)total);
        goto done;
    }
    if (plan.fetch_end > body.size) {
        rc = s4_error(CLI_EXIT_DATA, NULL,
                      "the sidecar of %s names bytes %llu..%llu, past the end of the body "
                      "(%zu bytes): stale sidecar?",
                      path, (unsigned long long)plan.fetch_start,
                      (unsigned long long)plan.fetch_end, body.size);
        goto done;
    }
    s4c_error_detail d;
    memset(&d, 0, sizeof(d));
    size_t want = (size_t)(plan.slice_end - plan.slice_start), written = 0;
    dst = malloc(want ? want : 1);
    s4c_object_decode_options opts;
    s4c_object_decode_options_init(&opts);
    s4c_status st = dst ? s4c_object_decoder_create(&opts, &dec, &d) : S4C_ERROR_OUT_OF_MEMORY;
    if (st == S4C_OK)
        st = s4c_object_decoder_decode_range(dec, &plan, body.data + plan.fetch_start,
                                             (size_t)(plan.fetch_end - plan.fetch_start), dst,
                                             want ? want : 1, &written, &d);
    if (st != S4C_OK) {
        rc = s4_error(cli_exit_for_status(st), d.message[0] ? d.message : s4c_strerror(st),
                      "decoding frames %zu..%zu of %s", plan.first_entry, plan.last_entry, path);
        goto done;
    }
    if (cli_write_all(STDOUT_FILENO, dst, written) != 0)
        rc = cli_error(CLI_EXIT_IO, "stdout: write error: %s", strerror(errno));
done:
    free(dst);
    s4c_object_decoder_free(dec);
    s4c_index_free(ix);
    s4_file_close(&body);
    return rc;
}
