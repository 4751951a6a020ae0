/*
 * test_files.h — temporary files and shell commands for the differential
 * tests that run the reference CLIs (zstd, gzip, lz4) against our output.
 * Include after check.h; call test_files_mkdtemp() before use.
 */
#ifndef S4C_TEST_FILES_H
#define S4C_TEST_FILES_H

#include <stdarg.h>
#include <unistd.h>

#include "check.h"

static char tmpdir[64];

/* Paths inside tmpdir; 8 rotating buffers, enough for one command line. */
static const char *tpath(const char *name) {
    static char buf[8][128];
    static int i;
    i = (i + 1) % 8;
    snprintf(buf[i], sizeof buf[i], "%s/%s", tmpdir, name);
    return buf[i];
}

static void write_file(const char *path, const void *p, size_t n) {
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f) return;
    CHECK_EQ_U64(fwrite(p, 1, n, f), n);
    fclose(f);
}

static unsigned char *read_file(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    *n = 0;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *p = malloc(len > 0 ? (size_t)len : 1);
    *n = fread(p, 1, (size_t)len, f);
    fclose(f);
    return p;
}

static int run(const char *fmt, ...) {
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    if (rc != 0) fprintf(stderr, "  command failed (%d): %s\n", rc, cmd);
    return rc;
}

static void check_file_equals(const char *path, const void *want, size_t n) {
    size_t got = 0;
    unsigned char *p = read_file(path, &got);
    CHECK(p != NULL);
    CHECK_EQ_U64(got, n);
    CHECK(p && got == n && (n == 0 || memcmp(p, want, n) == 0));
    free(p);
}

/* Creates tmpdir from a mkdtemp template such as "/tmp/s4c_test_x_XXXXXX". */
static inline int test_files_mkdtemp(const char *template_path) {
    snprintf(tmpdir, sizeof tmpdir, "%s", template_path);
    return mkdtemp(tmpdir) != NULL;
}

#endif
