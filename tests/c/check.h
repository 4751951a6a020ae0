/*
 * check.h — the tiny assertion harness of the C tests. A failed CHECK prints
 * the location and the expression and counts; main returns check_exit().
 */
#ifndef S4C_TEST_CHECK_H
#define S4C_TEST_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures = 0;

#define CHECK(cond)                                                                           \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);          \
            check_failures++;                                                                 \
        }                                                                                     \
    } while (0)

#define CHECK_EQ_U64(a, b)                                                                    \
    do {                                                                                      \
        uint64_t check_a_ = (uint64_t)(a), check_b_ = (uint64_t)(b);                          \
        if (check_a_ != check_b_) {                                                           \
            fprintf(stderr, "%s:%d: CHECK failed: %s == %s (%" PRIu64 " vs %" PRIu64 ")\n",   \
                    __FILE__, __LINE__, #a, #b, check_a_, check_b_);                          \
            check_failures++;                                                                 \
        }                                                                                     \
    } while (0)

#define CHECK_STATUS(expr, want)                                                              \
    do {                                                                                      \
        s4c_status check_s_ = (expr);                                                         \
        if (check_s_ != (want)) {                                                             \
            fprintf(stderr, "%s:%d: %s returned %s, expected %s\n", __FILE__, __LINE__,       \
                    #expr, s4c_status_name(check_s_), s4c_status_name(want));                 \
            check_failures++;                                                                 \
        }                                                                                     \
    } while (0)
#define CHECK_OK(expr) CHECK_STATUS(expr, S4C_OK)

#define CHECK_STR_CONTAINS(hay, needle)                                                       \
    do {                                                                                      \
        if (!strstr((hay), (needle))) {                                                       \
            fprintf(stderr, "%s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__,    \
                    (hay), (needle));                                                         \
            check_failures++;                                                                 \
        }                                                                                     \
    } while (0)

#define CHECK_MEM_EQ(a, b, n) CHECK(memcmp((a), (b), (n)) == 0)

static inline int check_exit(const char *name) {
    if (check_failures) {
        fprintf(stderr, "%s: %d check(s) failed\n", name, check_failures);
        return 1;
    }
    printf("%s: ok\n", name);
    return 0;
}

/* Decodes a hex string (spaces ignored) into buf; returns the byte count. */
static inline size_t check_unhex(const char *hex, unsigned char *buf, size_t cap) {
    size_t n = 0;
    int hi = -1;
    for (; *hex; hex++) {
        int v;
        if (*hex >= '0' && *hex <= '9') v = *hex - '0';
        else if (*hex >= 'a' && *hex <= 'f') v = *hex - 'a' + 10;
        else if (*hex >= 'A' && *hex <= 'F') v = *hex - 'A' + 10;
        else continue;
        if (hi < 0) hi = v;
        else {
            if (n < cap) buf[n] = (unsigned char)(hi << 4 | v);
            n++;
            hi = -1;
        }
    }
    return n;
}

/* Deterministic test data: xorshift bytes mixed with repeated text, so every
 * codec has something to find; `compressible` 0 gives random bytes. */
static inline void check_fill(unsigned char *buf, size_t n, uint64_t seed, int compressible) {
    static const char text[] = "the quick brown fox jumps over the lazy dog; S4F2 frame 0123456789\n";
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        if (compressible && (x % 8) != 0) buf[i] = (unsigned char)text[(i + (x >> 40) % 3) % (sizeof(text) - 1)];
        else buf[i] = (unsigned char)(x >> 24);
    }
}

#endif
