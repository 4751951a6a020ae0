/*
 * crc32c.c — `s4codec crc32c FILE...`: the CRC-32C (Castagnoli) of each file,
 * printed like sha256sum ("%08x  NAME"), streamed through one fixed buffer.
 * A file that cannot be read is reported and skipped; the exit code is then 3.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "file_io.h"
#include "options.h"
#include "s4codec.h"

static const char help_text[] =
    "usage: s4codec crc32c [FILE...]\n"
    "\n"
    "Prints the CRC-32C (Castagnoli, the CRC of S4 manifests and iSCSI) of each\n"
    "FILE as 8 hex digits, two spaces and the name, like sha256sum. '-' or no\n"
    "FILE reads stdin. Check value: printf 123456789 | s4codec crc32c -> e3069283.\n"
    "\n"
    "exit codes: 0 ok, 2 usage, 3 a FILE could not be read (the others are\n"
    "            still printed)\n";

static int crc_one(const char *path, unsigned char *buf) {
    cli_input in;
    int rc = cli_input_open(path, &in);
    if (rc) return rc;
    uint32_t crc = 0;
    for (;;) {
        ssize_t n = cli_read_full(in.fd, buf, CLI_BUFFER_SIZE);
        if (n < 0) {
            rc = cli_error(CLI_EXIT_IO, "%s: read error: %s", path, strerror(errno));
            break;
        }
        crc = s4c_crc32c(crc, buf, (size_t)n);
        if ((size_t)n < CLI_BUFFER_SIZE) break;
    }
    cli_input_close(&in);
    if (!rc) printf("%08x  %s\n", (unsigned)crc, path);
    return rc;
}

int cli_crc32c_main(int argc, char **argv) {
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    cli_options_begin();
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        if (c != 'h') return cli_option_error(argv[0], c, argv);
        fputs(help_text, stdout);
        return CLI_EXIT_OK;
    }
    unsigned char *buf = malloc(CLI_BUFFER_SIZE);
    if (!buf) return cli_error(CLI_EXIT_DATA, "out of memory");
    int rc = CLI_EXIT_OK;
    if (optind == argc) {
        rc = crc_one("-", buf);
    } else {
        for (int i = optind; i < argc; i++) {
            int r = crc_one(argv[i], buf);
            if (r) rc = r;
        }
    }
    free(buf);
    if (fflush(stdout) != 0 || ferror(stdout))
        rc = cli_error(CLI_EXIT_IO, "stdout: write error: %s", strerror(errno));
    return rc;
}
