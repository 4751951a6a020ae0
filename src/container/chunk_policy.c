/*
 * chunk_policy.c — the gateway's chunk size for a body (s4-compat.md §3.5).
 * The table is part of the byte format: the same input must cut into the same
 * frames as the gateway's single PUT does.
 */
#include "container_internal.h"

uint64_t s4c_pick_chunk_size(uint64_t n) {
    if (n <= 1048576u) return S4C_CHUNK_1MIB;
    if (n <= 104857600u) return S4C_CHUNK_4MIB;
    return S4C_CHUNK_16MIB;
}

uint64_t s4c_pick_chunk_size_opt(const uint64_t *n) {
    return n ? s4c_pick_chunk_size(*n) : S4C_DEFAULT_CHUNK_SIZE;
}
