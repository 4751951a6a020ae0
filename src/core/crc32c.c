/*
 * crc32c.c — CRC-32C (Castagnoli, reflected polynomial 0x82F63B78).
 *
 * Three implementations, one chosen once per process through an atomic
 * function pointer (libdeflate's dispatch pattern): ISA-L's crc32_iscsi
 * (PCLMULQDQ folding, the fastest measured), an SSE4.2 crc32-instruction loop,
 * and a portable slicing-by-8 table. All compute the same function:
 * s4c_crc32c(prev, data) continues a running CRC, so chunked callers chain it.
 */
#include <stdatomic.h>

#include "codec_internal.h"

#ifdef S4C_HAVE_ISAL
#include <isa-l/crc.h>
#endif
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <nmmintrin.h>
#define S4C_X86 1
#endif

typedef uint32_t (*crc_fn)(uint32_t crc, const uint8_t *p, size_t n);

/* ---- portable: slicing-by-8 over tables built on first use (race-free:
 * every thread computes identical values, and the table is filled before
 * the dispatch pointer that uses it is published). */
static uint32_t crc_table[8][256];

static void build_table(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
        crc_table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int t = 1; t < 8; t++)
            crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^ crc_table[0][crc_table[t - 1][i] & 0xFF];
}

static uint32_t crc_portable(uint32_t crc, const uint8_t *p, size_t n) {
    uint32_t c = ~crc;
    while (n && ((uintptr_t)p & 7)) {
        c = (c >> 8) ^ crc_table[0][(c ^ *p++) & 0xFF];
        n--;
    }
    while (n >= 8) {
        uint32_t lo = c ^ s4c_load_le32(p);
        uint32_t hi = s4c_load_le32(p + 4);
        c = crc_table[7][lo & 0xFF] ^ crc_table[6][(lo >> 8) & 0xFF] ^
            crc_table[5][(lo >> 16) & 0xFF] ^ crc_table[4][lo >> 24] ^
            crc_table[3][hi & 0xFF] ^ crc_table[2][(hi >> 8) & 0xFF] ^
            crc_table[1][(hi >> 16) & 0xFF] ^ crc_table[0][hi >> 24];
        p += 8;
        n -= 8;
    }
    while (n--) c = (c >> 8) ^ crc_table[0][(c ^ *p++) & 0xFF];
    return ~c;
}

#ifdef S4C_X86
__attribute__((target("sse4.2"))) static uint32_t crc_sse42(uint32_t crc, const uint8_t *p,
                                                            size_t n) {
    uint64_t c = ~crc;
    while (n && ((uintptr_t)p & 7)) {
        c = _mm_crc32_u8((uint32_t)c, *p++);
        n--;
    }
    while (n >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        c = _mm_crc32_u64(c, v);
        p += 8;
        n -= 8;
    }
    while (n--) c = _mm_crc32_u8((uint32_t)c, *p++);
    return ~(uint32_t)c;
}

/* CPUID traps to the hypervisor in a VM (microseconds): ask once, keep the answer. */
static int cpu_has_sse42(void) {
    static _Atomic int known = -1;
    int v = atomic_load_explicit(&known, memory_order_relaxed);
    if (v < 0) {
        unsigned a, b, c, d;
        v = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_2) != 0;
        atomic_store_explicit(&known, v, memory_order_relaxed);
    }
    return v;
}
#endif

#ifdef S4C_HAVE_ISAL
static uint32_t crc_isal(uint32_t crc, const uint8_t *p, size_t n) {
    uint32_t c = ~crc;
    while (n) {
        int chunk = n > (1u << 30) ? (1 << 30) : (int)n;
        c = crc32_iscsi((unsigned char *)p, chunk, c);
        p += chunk;
        n -= (size_t)chunk;
    }
    return ~c;
}
#endif

typedef struct crc_impl {
    const char *name;
    crc_fn fn;
} crc_impl;

static _Atomic(const crc_impl *) chosen = NULL;

static const crc_impl impl_portable = {"table", crc_portable};
#ifdef S4C_X86
static const crc_impl impl_sse42 = {"sse4.2", crc_sse42};
#endif
#ifdef S4C_HAVE_ISAL
static const crc_impl impl_isal = {"isa-l", crc_isal};
#endif

static const crc_impl *choose(void) {
    const crc_impl *impl = atomic_load_explicit(&chosen, memory_order_acquire);
    if (impl) return impl;
    build_table();
    impl = &impl_portable;
#ifdef S4C_X86
    if (cpu_has_sse42()) impl = &impl_sse42;
#endif
#ifdef S4C_HAVE_ISAL
    impl = &impl_isal; /* ISA-L dispatches on CPU features itself */
#endif
    atomic_store_explicit(&chosen, impl, memory_order_release);
    return impl;
}

uint32_t s4c_crc32c(uint32_t crc, const void *data, size_t len) {
    if (len == 0) return crc;
    return choose()->fn(crc, (const uint8_t *)data, len);
}

const char *s4c_crc32c_impl(void) { return choose()->name; }

uint32_t s4c_crc32c_with(const char *impl, uint32_t crc, const void *data, size_t len) {
    choose();
#ifdef S4C_X86
    if (strcmp(impl, "sse4.2") == 0 && cpu_has_sse42()) return crc_sse42(crc, data, len);
#endif
#ifdef S4C_HAVE_ISAL
    if (strcmp(impl, "isa-l") == 0) return crc_isal(crc, data, len);
#endif
    (void)impl;
    return crc_portable(crc, data, len);
}
