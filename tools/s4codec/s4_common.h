/*
 * s4_common.h — what the S4 subcommands (decode, inspect, index, encode, cat)
 * share: S4's error layout ("Error: <context>\n\nCaused by:\n    <cause>"),
 * whole-file input through mmap, S4's refusals of SSE-encrypted and empty
 * bodies, and JSON string escaping. docs/cli.md, "S4 subcommands".
 */
#ifndef S4C_CLI_S4_COMMON_H
#define S4C_CLI_S4_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A whole input file, mapped read-only (or read into memory when not mappable). */
typedef struct s4_file {
    const uint8_t *data;
    size_t size;
    int mapped; /* 1: munmap on close; 0: free */
} s4_file;

/* Loads `path` ("-": stdin); 0, or an exit code after printing an S4-style error. */
int s4_file_load(const char *path, s4_file *f);
void s4_file_close(s4_file *f);

/*
 * Prints "Error: <context>" and, when `cause` is non-NULL, "\n\nCaused by:\n    <cause>"
 * on stderr, as S4's CLI (anyhow) does. Returns `code`.
 */
int s4_error(int code, const char *cause, const char *context_fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * S4's refusals before any frame is read: a body starting with S4E1..S4E6
 * (SSE-encrypted) and an empty file. 0 when the body may be read, else 1
 * after printing the error.
 */
int s4_refuse_unreadable_body(const char *path, const s4_file *f);

/*
 * Parses the command line shared by `inspect` and `index`: `[--json] OPERAND`.
 * Returns -1 with *json and *path set, or an exit code (help printed: 0;
 * usage error reported: CLI_EXIT_USAGE). `what` names the operand ("BODY").
 */
int s4_parse_json_operand(int argc, char **argv, const char *help_text, const char *what,
                          int *json, const char **path);

/* Writes `s` (length `n`) as a JSON string with quotes, escaping " \ and control bytes. */
void s4_json_string(FILE *out, const char *s, size_t n);

#endif /* S4C_CLI_S4_COMMON_H */
