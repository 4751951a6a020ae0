/*
 * cat.c — `s4codec cat`: a byte range of the decompressed content.
 *
 *   s4codec cat FILE [--offset N] [--length M] [--index INDEX]   .lz4/.gz/.zst
 *   s4codec cat --range START-END BODY                           S4F2 bodies (s4_cat.c)
 *
 * With --range the S4 form runs (s4_cat.c). Otherwise FILE is a standard
 * stream (recognised by its magic): FILE.s4ci (or --index) is used when it
 * exists — it must decode and belong to FILE, else the command fails with a
 * message saying so — and decoding starts at the last checkpoint at or
 * before N (s4c_decoder_load of its state); without an index it starts at
 * the stream's start. Output before N is decoded and dropped; M bytes (or
 * everything up to the end) go to stdout. Memory is bounded (two 1 MiB
 * buffers and the decoder) whatever N and M.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ckindex_cli.h"
#include "cli.h"
#include "options.h"
#include "s4codec_frame.h"
#include "s4codec_resume.h"

static const char help_text[] =
    "usage: s4codec cat FILE [--offset N] [--length M] [--index INDEX] [--threads N] [-v]\n"
    "       s4codec cat --range START-END BODY          (S4F2 bodies; see below)\n"
    "\n"
    "Writes M decompressed bytes of a zstd, gzip or lz4 FILE from offset N (default:\n"
    "from 0, to the end) to stdout. When FILE.s4ci (s4codec build-index) exists and\n"
    "belongs to FILE, decoding starts at the last checkpoint at or before N;\n"
    "otherwise it starts at the beginning and skips N bytes. An index of another\n"
    "file is an error. N and M take K, M, G suffixes (KiB, MiB, GiB).\n"
    "\n"
    "  -s, --offset N       first byte to write (default 0)\n"
    "  -n, --length M       bytes to write (default: to the end; fewer at the end)\n"
    "  -x, --index INDEX    the index to use (default FILE.s4ci when it exists)\n"
    "  -T, --threads N      with an index: decode the segments a range spans on N\n"
    "                       threads (0: every CPU; default 1), 8 checkpoints at a time\n"
    "  -v, --verbose        say on stderr where decoding started\n"
    "  -h, --help           this help\n"
    "\n"
    "With --range START-END (inclusive), BODY is an S4F2 framed body and only its\n"
    "frames holding the range are decoded; 's4codec cat --range X --help' for more.\n"
    "\n"
    "exit codes: 0 ok, 1 data error, offset past the end, index of another file,\n"
    "            2 usage, 3 I/O error\n";

int cli_s4_cat_main(int argc, char **argv);

static int wants_s4_form(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--")) break;
        if (!strcmp(argv[i], "-r") || !strncmp(argv[i], "--range", 7) ||
            !strncmp(argv[i], "-r", 2))
            return 1;
    }
    return 0;
}

typedef struct cat_src {
    cli_input *in;
    uint8_t *buf;
    s4c_in_buffer ib;
    uint64_t next;   /* file offset of the next read (files) */
    int eof;
} cat_src;

/* Refills src->ib when it is drained; 0 or an exit code. */
static int cat_fill(cat_src *s) {
    if (s->ib.pos < s->ib.size || s->eof) return 0;
    ssize_t r;
    if (s->in->size_known) {
        r = pread(s->in->fd, s->buf, CLI_BUFFER_SIZE, (off_t)s->next);
        while (r < 0 && errno == EINTR) r = pread(s->in->fd, s->buf, CLI_BUFFER_SIZE, (off_t)s->next);
    } else {
        r = cli_read_some(s->in->fd, s->buf, CLI_BUFFER_SIZE);
    }
    if (r < 0) return cli_error(CLI_EXIT_IO, "%s: read error: %s", s->in->name, strerror(errno));
    s->next += (uint64_t)r;
    s->eof = r == 0;
    s->ib.size = (size_t)r;
    s->ib.pos = 0;
    return 0;
}

static int decode_error(const cli_input *in, const s4c_decoder *dec) {
    char text[400];
    return cli_error(CLI_EXIT_DATA, "%s: %s", in->name,
                     cli_detail_text(s4c_decoder_error(dec), text, sizeof(text)));
}

/*
 * Decodes from the decoder's position `at` (output offset) on: drops output
 * before `offset`, writes up to `length` bytes (UINT64_MAX: to the end).
 */
static int cat_range(cat_src *s, s4c_decoder *dec, uint64_t at, uint64_t offset, uint64_t length,
                     uint8_t *obuf) {
    uint64_t written = 0;
    for (;;) {
        if (length != UINT64_MAX && written == length) return 0;
        int rc = cat_fill(s);
        if (rc) return rc;
        size_t cap = CLI_BUFFER_SIZE;
        if (at < offset && offset - at < cap) cap = (size_t)(offset - at);
        if (at >= offset && length != UINT64_MAX && length - written < cap)
            cap = (size_t)(length - written);
        s4c_out_buffer ob = {obuf, cap, 0};
        size_t before = s->ib.pos;
        if (s4c_decoder_stream(dec, &s->ib, &ob, NULL) != S4C_OK) return decode_error(s->in, dec);
        size_t skip = 0;
        if (at < offset) skip = offset - at < ob.pos ? (size_t)(offset - at) : ob.pos;
        at += ob.pos;
        if (ob.pos > skip) {
            if (cli_write_all(STDOUT_FILENO, obuf + skip, ob.pos - skip) != 0)
                return cli_error(CLI_EXIT_IO, "stdout: write error: %s", strerror(errno));
            written += ob.pos - skip;
        }
        if (ob.pos == 0 && s->ib.pos == before && s->ib.pos == s->ib.size && s->eof) break;
        if (ob.pos == 0 && s->ib.pos == before && s->ib.pos < s->ib.size)
            return cli_error(CLI_EXIT_DATA, "%s: the decoder made no progress", s->in->name);
    }
    if (s4c_decoder_finish(dec) != S4C_OK) return decode_error(s->in, dec);
    if (at <= offset && !(at == offset && offset == 0))
        return cli_error(CLI_EXIT_DATA, "%s: offset %llu is past the end (%llu bytes)",
                         s->in->name, (unsigned long long)offset, (unsigned long long)at);
    return 0;
}

/* The last entry of the index at or before output offset `offset`. */
static size_t last_entry_at(const s4c_ckindex *ix, uint64_t offset) {
    size_t lo = 0, hi = s4c_ckindex_count(ix);
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        s4c_ckindex_entry m;
        s4c_ckindex_entry_at(ix, mid, &m);
        if (m.uncompressed_offset <= offset)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/*
 * With an index and --threads: the range in windows of CAT_SEGMENTS segments
 * that end at checkpoints (so no segment is decoded twice; 32 MiB at the
 * default 4 MiB spacing), each decoded by s4c_ckindex_read_parallel into one
 * buffer, then written.
 */
#define CAT_SEGMENTS 8

static int cat_parallel(cli_input *in, const s4c_ckindex *ix, unsigned threads, uint64_t offset,
                        uint64_t length) {
    uint64_t total = s4c_ckindex_uncompressed_size(ix);
    uint64_t end = length == UINT64_MAX || length > total - offset ? total : offset + length;
    size_t count = s4c_ckindex_count(ix);
    uint8_t *buf = NULL;
    size_t cap = 0;
    cli_pread_ctx pc = {in->fd, 0, 0};
    int rc = 0;
    for (uint64_t lo = offset; lo < end && !rc;) {
        /* the checkpoint CAT_SEGMENTS entries after the last one at or before lo, or the end */
        uint64_t hi = end;
        size_t a = last_entry_at(ix, lo);
        if (a + CAT_SEGMENTS < count) {
            s4c_ckindex_entry m;
            s4c_ckindex_entry_at(ix, a + CAT_SEGMENTS, &m);
            if (m.uncompressed_offset < hi) hi = m.uncompressed_offset;
        }
        size_t n = (size_t)(hi - lo);
        if (n > cap) {
            free(buf);
            cap = n;
            if (!(buf = malloc(cap))) return cli_error(CLI_EXIT_DATA, "out of memory");
        }
        size_t got = 0; /* n on success: [lo, hi) lies inside the stream */
        s4c_error_detail d;
        memset(&d, 0, sizeof(d));
        s4c_status st = s4c_ckindex_read_parallel(ix, cli_pread_cb, &pc, lo, buf, n, threads,
                                                  &got, &d);
        char text[400];
        if (pc.err)
            rc = cli_error(CLI_EXIT_IO, "%s: read error: %s", in->name, strerror(pc.err));
        else if (st != S4C_OK)
            rc = cli_error(cli_exit_for_status(st), "%s: %s", in->name,
                           cli_detail_text(&d, text, sizeof(text)));
        else if (cli_write_all(STDOUT_FILENO, buf, n) != 0)
            rc = cli_error(CLI_EXIT_IO, "stdout: write error: %s", strerror(errno));
        lo = hi;
    }
    free(buf);
    return rc;
}

/* Reads the stream's first bytes into head[0..*n) and finds its kind. */
static int cat_detect(cli_input *in, uint8_t *head, size_t *n, uint32_t *kind) {
    s4c_status st = S4C_ERROR_TRUNCATED_INPUT;
    int eof = 0;
    *n = 0;
    while (st == S4C_ERROR_TRUNCATED_INPUT && *n < CLI_BUFFER_SIZE && !eof) {
        ssize_t r = cli_read_some(in->fd, head + *n, CLI_BUFFER_SIZE - *n);
        if (r < 0) return cli_error(CLI_EXIT_IO, "%s: read error: %s", in->name, strerror(errno));
        eof = r == 0;
        *n += (size_t)r;
        if (*n) st = s4c_detect_kind(head, *n, kind);
    }
    if (st == S4C_OK) return 0;
    if (*n >= 4 && !memcmp(head, S4C_FRAME_MAGIC, 4))
        return cli_error(CLI_EXIT_USAGE,
                         "%s is an S4F2 framed body: use 's4codec cat --range START-END %s'",
                         in->name, in->name);
    if (*n == 0) return cli_error(CLI_EXIT_DATA, "%s: empty input, not a compressed stream", in->name);
    return cli_error(CLI_EXIT_DATA, "%s: unknown format (not zstd, gzip or lz4)", in->name);
}

int cli_cat_main(int argc, char **argv) {
    if (wants_s4_form(argc, argv)) return cli_s4_cat_main(argc, argv);
    static const struct option longopts[] = {
        {"offset", required_argument, NULL, 's'}, {"length", required_argument, NULL, 'n'},
        {"index", required_argument, NULL, 'x'},  {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},         {"threads", required_argument, NULL, 'T'},
        {NULL, 0, NULL, 0}};
    uint64_t offset = 0, length = UINT64_MAX;
    const char *index_path = NULL;
    int verbose = 0, c, threads = 1;
    cli_options_begin();
    while ((c = getopt_long(argc, argv, ":s:n:x:T:vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'T':
            if (cli_parse_int(optarg, 0, 1024, &threads) != 0) {
                cli_error(CLI_EXIT_USAGE, "%s: --threads wants 0..1024 (0: every CPU), not '%s'",
                          argv[0], optarg);
                fprintf(stderr, "Try '%s %s --help'.\n", CLI_PROGRAM, argv[0]);
                return CLI_EXIT_USAGE;
            }
            break;
        case 's':
        case 'n':
            if (cli_parse_size(optarg, c == 's' ? &offset : &length) != 0) {
                cli_error(CLI_EXIT_USAGE, "%s: --%s wants a byte count, not '%s'", argv[0],
                          c == 's' ? "offset" : "length", optarg);
                fprintf(stderr, "Try '%s %s --help'.\n", CLI_PROGRAM, argv[0]);
                return CLI_EXIT_USAGE;
            }
            break;
        case 'x':
            index_path = optarg;
            break;
        case 'v':
            verbose = 1;
            break;
        case 'h':
            fputs(help_text, stdout);
            return CLI_EXIT_OK;
        default:
            return cli_option_error(argv[0], c, argv);
        }
    }
    if (argc - optind != 1 || !*argv[optind]) {
        cli_error(CLI_EXIT_USAGE, "%s: exactly one FILE expected", argv[0]);
        fprintf(stderr, "Try '%s %s --help'.\n", CLI_PROGRAM, argv[0]);
        return CLI_EXIT_USAGE;
    }
    if (length == 0) return CLI_EXIT_OK;
    const char *path = argv[optind];
    cli_input in;
    int rc = cli_input_open(path, &in);
    if (rc) return rc;
    uint8_t *head = malloc(CLI_BUFFER_SIZE), *obuf = malloc(CLI_BUFFER_SIZE);
    s4c_ckindex *ix = NULL;
    s4c_decoder *dec = NULL;
    size_t n = 0;
    uint32_t kind = 0;
    if (!head || !obuf) rc = cli_error(CLI_EXIT_DATA, "out of memory");
    if (!rc && in.is_stdin && isatty(in.fd))
        rc = cli_error(CLI_EXIT_REFUSED, "refusing to read compressed data from a terminal");
    if (!rc) rc = cat_detect(&in, head, &n, &kind);
    char ipath[4096];
    if (!rc && in.size_known) {
        if (!index_path && cli_ckindex_path(path, ipath, sizeof(ipath)) == 0) index_path = ipath;
        if (index_path) {
            int explicit_index = index_path != ipath;
            rc = cli_ckindex_load(index_path, &in, &ix);
            if (!rc && !ix && explicit_index)
                rc = cli_error(CLI_EXIT_IO, "%s: no such file", index_path);
        }
    } else if (!rc && index_path) {
        rc = cli_error(CLI_EXIT_USAGE, "%s: an index needs a regular FILE, not stdin", path);
    }
    cat_src src = {&in, head, {head, 0, 0}, 0, 0};
    uint64_t at = 0;
    s4c_error_detail d;
    memset(&d, 0, sizeof(d));
    if (!rc && ix && offset >= s4c_ckindex_uncompressed_size(ix))
        rc = cli_error(CLI_EXIT_DATA, "%s: offset %llu is past the end (%llu bytes)", path,
                       (unsigned long long)offset,
                       (unsigned long long)s4c_ckindex_uncompressed_size(ix));
    if (!rc && ix && threads != 1) {
        if (verbose)
            fprintf(stderr, "%s: checkpoint index: bytes %llu.. on %d thread(s) (0: every CPU)\n",
                    path, (unsigned long long)offset, threads);
        rc = cat_parallel(&in, ix, (unsigned)threads, offset, length);
        s4c_ckindex_free(ix);
        free(head);
        free(obuf);
        cli_input_close(&in);
        return rc;
    }
    if (!rc) {
        s4c_status st;
        s4c_ckindex_entry e = {0, 0, NULL, 0};
        if (ix) s4c_ckindex_entry_at(ix, last_entry_at(ix, offset), &e);
        if (e.state_size)
            st = s4c_decoder_load(e.state, e.state_size, head, n, NULL, &dec, &d);
        else
            st = s4c_decoder_create(kind, NULL, &dec, &d);
        if (st != S4C_OK) {
            char text[400];
            rc = cli_error(cli_exit_for_status(st), "%s: cannot start decoding: %s", path,
                           cli_detail_text(&d, text, sizeof(text)));
        }
        at = e.uncompressed_offset;
        src.next = e.compressed_offset;
        if (!in.size_known) { /* stdin: the detection bytes come first */
            src.ib.size = n;
            src.next = n;
        }
        if (!rc && verbose)
            fprintf(stderr, "%s: decoding from output byte %llu (input byte %llu, %s), %llu "
                            "bytes to skip\n",
                    path, (unsigned long long)at, (unsigned long long)e.compressed_offset,
                    ix ? "checkpoint index" : "no index: stream start",
                    (unsigned long long)(offset - at));
    }
    if (!rc) rc = cat_range(&src, dec, at, offset, length, obuf);
    s4c_decoder_free(dec);
    s4c_ckindex_free(ix);
    free(head);
    free(obuf);
    cli_input_close(&in);
    return rc;
}
