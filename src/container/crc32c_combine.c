/*
 * crc32c_combine.c — CRC32C of a concatenation from the CRCs of its parts.
 *
 * The object encoder compresses chunks in parallel and each chunk's CRC comes
 * with its manifest; the object's CRC (metadata s4-crc32c) is their
 * combination, so nobody reads the whole input a second time. With the
 * pre/post inversion of the standard CRC, crc(a||b) = crc(a)·x^(8·len b) + crc(b)
 * in GF(2)[x] mod P; polynomials are kept bit-reflected, x^0 in the top bit.
 */
#include "container_internal.h"

#define CRC32C_POLY_REFLECTED 0x82F63B78u
#define GF_ONE 0x80000000u /* the polynomial 1, reflected */

/* a·b mod P, both reflected. */
static uint32_t gf_multiply(uint32_t a, uint32_t b) {
    uint32_t product = 0;
    for (uint32_t bit = GF_ONE; bit; bit >>= 1) {
        if (a & bit) product ^= b;
        b = (b & 1) ? (b >> 1) ^ CRC32C_POLY_REFLECTED : b >> 1; /* b·x */
    }
    return product;
}

uint32_t s4c_crc32c_combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b) {
    uint32_t shift = GF_ONE;      /* x^(8·len_b), built by square-and-multiply */
    uint32_t power = GF_ONE >> 8; /* x^8: one byte */
    for (uint64_t n = len_b; n; n >>= 1) {
        if (n & 1) shift = gf_multiply(shift, power);
        power = gf_multiply(power, power);
    }
    return gf_multiply(crc_a, shift) ^ crc_b;
}
