/*
 * alloc.c — the allocator hooks. Set once before use (like libdeflate's
 * libdeflate_set_memory_allocator); every allocation of the library and of the
 * backends that accept custom allocators goes through them.
 */
#define _DEFAULT_SOURCE /* MADV_HUGEPAGE in <sys/mman.h> under -std=c11 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "codec_internal.h"

/* Zero-initialised (NULL): clang rejects an explicit NULL initialiser of an _Atomic. */
static _Atomic(s4c_malloc_fn) user_malloc;
static _Atomic(s4c_free_fn) user_free;

void s4c_set_memory_allocator(s4c_malloc_fn malloc_fn, s4c_free_fn free_fn) {
    if (!malloc_fn || !free_fn) malloc_fn = NULL, free_fn = NULL;
    atomic_store(&user_malloc, malloc_fn);
    atomic_store(&user_free, free_fn);
}

s4c_malloc_fn s4c_current_malloc(void) {
    s4c_malloc_fn f = atomic_load(&user_malloc);
    return f ? f : malloc;
}

s4c_free_fn s4c_current_free(void) {
    s4c_free_fn f = atomic_load(&user_free);
    return f ? f : free;
}

void *s4c_malloc(size_t size) { return s4c_current_malloc()(size ? size : 1); }

void *s4c_calloc(size_t n, size_t size) {
    if (size && n > SIZE_MAX / size) return NULL;
    void *p = s4c_malloc(n * size);
    if (p) memset(p, 0, n * size);
    return p;
}

void s4c_free(void *p) {
    if (p) s4c_current_free()(p);
}

void s4c_advise_huge_pages(void *p, size_t n) {
#if defined(MADV_HUGEPAGE)
    const uintptr_t huge = (uintptr_t)2 << 20;
    if (!p || n < 2 * huge) return;
    uintptr_t lo = ((uintptr_t)p + huge - 1) & ~(huge - 1), hi = ((uintptr_t)p + n) & ~(huge - 1);
    if (hi > lo) (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
    (void)p;
    (void)n;
#endif
}
