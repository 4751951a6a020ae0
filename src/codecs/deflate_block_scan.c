/*
 * deflate_block_scan.c — finds the block boundaries of a raw DEFLATE stream.
 *
 * Why it exists: libdeflate compresses a buffer into a complete stream whose
 * last block has BFINAL set. The streaming gzip encoder compresses bounded
 * chunks with libdeflate and needs every chunk but the last to continue the
 * same member, so it clears that chunk's BFINAL bit and appends an empty
 * stored block; both need the bit where the final block starts and where the
 * stream ends, which only decoding the Huffman codes reveals. The scan reads
 * the codes (RFC 1951 §3.2) and only counts what they decode to: no window,
 * no output. Block starts with their output offsets are also what a
 * zran-style access point needs.
 *
 * Codes decode through a 10-bit table indexed by the next stream bits; the
 * rare longer codes fall back to a canonical bit-by-bit walk. Input past the
 * end reads as zero bits and is caught by the position check after every
 * symbol, so any byte string is safe to scan.
 */
#include "deflate_block_scan.h"

#define MAX_CODE_BITS 15
#define TABLE_BITS 10
#define TABLE_SIZE (1u << TABLE_BITS)
#define ENTRY_LEN_MASK 0xfu
#define ENTRY_LONG 0xfu /* length field 15: the code is longer than TABLE_BITS */
#define LITLEN_SYMS 288
#define DIST_SYMS 32
#define CODELEN_SYMS 19
#define END_OF_BLOCK 256

/* Bit reader: LSB-first, 64-bit buffer, zeros beyond the end (counted). */
typedef struct bit_reader {
    const uint8_t *start, *p, *end;
    uint64_t buf;
    unsigned count;   /* valid bits in buf */
    uint64_t overrun; /* zero bytes supplied past the end */
} bit_reader;

static void br_seek(bit_reader *b, size_t byte) {
    size_t n = (size_t)(b->end - b->start);
    b->p = b->start + (byte < n ? byte : n);
    b->buf = 0;
    b->count = 0;
    b->overrun = byte > n ? byte - n : 0;
}

static inline void br_refill(bit_reader *b) {
    if (b->end - b->p >= 8) {
        b->buf |= s4c_load_le64(b->p) << b->count;
        b->p += (63 - b->count) >> 3;
        b->count |= 56;
        return;
    }
    while (b->count <= 56) {
        uint64_t byte = 0;
        if (b->p < b->end)
            byte = *b->p++;
        else
            b->overrun++;
        b->buf |= byte << b->count;
        b->count += 8;
    }
}

static inline uint32_t br_bits(bit_reader *b, unsigned n) { /* n <= 32, count >= n */
    uint32_t v = (uint32_t)(b->buf & ((UINT64_C(1) << n) - 1));
    b->buf >>= n;
    b->count -= n;
    return v;
}

static inline uint64_t br_position(const bit_reader *b) {
    return ((uint64_t)(b->p - b->start) + b->overrun) * 8 - b->count;
}

/* A canonical Huffman code: a fast table plus what the slow walk needs. */
typedef struct huffman {
    uint16_t table[TABLE_SIZE]; /* symbol << 4 | length; 0 = no such code */
    uint16_t count[MAX_CODE_BITS + 1];
    uint16_t sorted[LITLEN_SYMS]; /* symbols in canonical code order */
} huffman;

static unsigned reverse_bits(unsigned code, unsigned len) {
    unsigned r = 0;
    for (unsigned i = 0; i < len; i++)
        r = (r << 1) | ((code >> i) & 1);
    return r;
}

/* Builds the code for lens[0..nsym). Over-subscribed sets are refused;
 * incomplete ones are accepted and their unused codes decode as errors. */
static int huffman_build(huffman *h, const uint8_t *lens, unsigned nsym) {
    uint16_t offs[MAX_CODE_BITS + 2];
    memset(h->count, 0, sizeof h->count);
    for (unsigned s = 0; s < nsym; s++)
        h->count[lens[s]]++;
    h->count[0] = 0;
    int left = 1;
    for (unsigned len = 1; len <= MAX_CODE_BITS; len++) {
        left = (left << 1) - h->count[len];
        if (left < 0) return -1;
    }
    offs[1] = 0;
    for (unsigned len = 1; len <= MAX_CODE_BITS; len++)
        offs[len + 1] = (uint16_t)(offs[len] + h->count[len]);
    for (unsigned s = 0; s < nsym; s++)
        if (lens[s]) h->sorted[offs[lens[s]]++] = (uint16_t)s;
    memset(h->table, 0, sizeof h->table);
    unsigned code = 0, idx = 0;
    for (unsigned len = 1; len <= MAX_CODE_BITS; len++, code <<= 1) {
        for (unsigned k = 0; k < h->count[len]; k++, code++) {
            unsigned sym = h->sorted[idx++];
            if (len <= TABLE_BITS) {
                uint16_t entry = (uint16_t)(sym << 4 | len);
                for (unsigned j = reverse_bits(code, len); j < TABLE_SIZE; j += 1u << len)
                    h->table[j] = entry;
            } else {
                h->table[reverse_bits(code >> (len - TABLE_BITS), TABLE_BITS)] = ENTRY_LONG;
            }
        }
    }
    return 0;
}

/* Canonical walk for codes longer than the table (RFC 1951 §3.2.2 order). */
static int huffman_decode_long(const huffman *h, uint64_t bits, unsigned *len_ret) {
    int code = 0, first = 0, index = 0;
    for (unsigned len = 1; len <= MAX_CODE_BITS; len++) {
        code |= (int)((bits >> (len - 1)) & 1);
        int count = h->count[len];
        if (code < first + count) {
            *len_ret = len;
            return h->sorted[index + (code - first)];
        }
        index += count;
        first = (first + count) << 1;
        code <<= 1;
    }
    return -1;
}

/* Next symbol, or -1 for a code the set does not define. Needs count >= 15. */
static inline int huffman_decode(const huffman *h, bit_reader *b) {
    unsigned entry = h->table[b->buf & (TABLE_SIZE - 1)];
    unsigned len = entry & ENTRY_LEN_MASK;
    int sym = (int)(entry >> 4);
    if (len == ENTRY_LONG) sym = huffman_decode_long(h, b->buf, &len);
    if (len == 0 || sym < 0) return -1;
    br_bits(b, len);
    return sym;
}

/* RFC 1951 §3.2.5: base and extra bits per length symbol 257..285, extra
 * bits per distance symbol 0..29. */
static const uint16_t length_base[29] = {3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
                                         15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
                                         67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t length_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                         2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint8_t dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                       6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
static const uint8_t codelen_order[CODELEN_SYMS] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                                    11, 4,  12, 3, 13, 2, 14, 1, 15};

typedef struct scan_state {
    bit_reader br;
    uint64_t limit_bits; /* n * 8 */
    huffman lit, dist, codelen;
    int have_static; /* lit/dist currently hold the static codes */
    uint64_t out;    /* decoded bytes so far */
} scan_state;

static s4c_status past_end(const scan_state *s) {
    return br_position(&s->br) > s->limit_bits ? S4C_ERROR_TRUNCATED_INPUT : S4C_OK;
}

static s4c_status build_static(scan_state *s) {
    uint8_t lens[LITLEN_SYMS];
    memset(lens, 8, 144);
    memset(lens + 144, 9, 112);
    memset(lens + 256, 7, 24);
    memset(lens + 280, 8, 8);
    huffman_build(&s->lit, lens, LITLEN_SYMS);
    memset(lens, 5, DIST_SYMS);
    huffman_build(&s->dist, lens, DIST_SYMS);
    s->have_static = 1;
    return S4C_OK;
}

static s4c_status read_dynamic_header(scan_state *s) {
    bit_reader *b = &s->br;
    uint8_t lens[LITLEN_SYMS + DIST_SYMS];
    uint8_t cl_lens[CODELEN_SYMS] = {0};
    br_refill(b);
    unsigned hlit = br_bits(b, 5) + 257, hdist = br_bits(b, 5) + 1, hclen = br_bits(b, 4) + 4;
    if (hlit > 286 || hdist > 30) return S4C_ERROR_CORRUPT_DATA;
    for (unsigned i = 0; i < hclen; i++) {
        br_refill(b);
        cl_lens[codelen_order[i]] = (uint8_t)br_bits(b, 3);
    }
    S4C_TRY(past_end(s));
    if (huffman_build(&s->codelen, cl_lens, CODELEN_SYMS) != 0) return S4C_ERROR_CORRUPT_DATA;
    s->have_static = 0;
    unsigned total = hlit + hdist;
    for (unsigned i = 0; i < total;) {
        br_refill(b);
        int sym = huffman_decode(&s->codelen, b);
        if (sym < 0) return S4C_ERROR_CORRUPT_DATA;
        if (sym < 16) {
            lens[i++] = (uint8_t)sym;
            continue;
        }
        unsigned repeat;
        uint8_t value = 0;
        if (sym == 16) {
            if (i == 0) return S4C_ERROR_CORRUPT_DATA;
            value = lens[i - 1];
            repeat = 3 + br_bits(b, 2);
        } else if (sym == 17) {
            repeat = 3 + br_bits(b, 3);
        } else {
            repeat = 11 + br_bits(b, 7);
        }
        if (repeat > total - i) return S4C_ERROR_CORRUPT_DATA;
        memset(lens + i, value, repeat);
        i += repeat;
    }
    S4C_TRY(past_end(s));
    if (lens[END_OF_BLOCK] == 0) return S4C_ERROR_CORRUPT_DATA;
    if (huffman_build(&s->lit, lens, hlit) != 0 || huffman_build(&s->dist, lens + hlit, hdist) != 0)
        return S4C_ERROR_CORRUPT_DATA;
    return S4C_OK;
}

/* Skips the symbols of a Huffman block up to and including end-of-block. */
static s4c_status skip_huffman_block(scan_state *s) {
    bit_reader *b = &s->br;
    for (;;) {
        br_refill(b);
        int sym = huffman_decode(&s->lit, b);
        if (sym < 0) return S4C_ERROR_CORRUPT_DATA;
        if (sym < END_OF_BLOCK) {
            s->out++;
        } else {
            if (sym == END_OF_BLOCK) return past_end(s);
            if (sym > 285) return S4C_ERROR_CORRUPT_DATA;
            s->out += length_base[sym - 257] + br_bits(b, length_extra[sym - 257]); /* <= 5 bits */
            br_refill(b);
            int dsym = huffman_decode(&s->dist, b);
            if (dsym < 0 || dsym >= 30) return S4C_ERROR_CORRUPT_DATA;
            br_bits(b, dist_extra[dsym]);
        }
        S4C_TRY(past_end(s));
    }
}

static s4c_status skip_stored_block(scan_state *s) {
    size_t n = (size_t)(s->br.end - s->br.start);
    uint64_t byte = (br_position(&s->br) + 7) / 8;
    if (byte + 4 > n) return S4C_ERROR_TRUNCATED_INPUT;
    const uint8_t *h = s->br.start + byte;
    unsigned len = (unsigned)h[0] | (unsigned)h[1] << 8,
             nlen = (unsigned)h[2] | (unsigned)h[3] << 8;
    if (len != (~nlen & 0xffffu)) return S4C_ERROR_CORRUPT_DATA;
    byte += 4 + len;
    if (byte > n) return S4C_ERROR_TRUNCATED_INPUT;
    br_seek(&s->br, (size_t)byte);
    s->out += len;
    return S4C_OK;
}

s4c_status s4c_deflate_scan(const uint8_t *src, size_t n, s4c_deflate_block_fn fn, void *ctx,
                            s4c_deflate_scan_result *result) {
    static const uint8_t empty[1];
    scan_state *s = s4c_malloc(sizeof *s);
    S4C_RETURN_IF(!s, S4C_ERROR_OUT_OF_MEMORY);
    s->br.start = s->br.p = n ? src : empty;
    s->br.end = s->br.start + n;
    s->br.buf = 0;
    s->br.count = 0;
    s->br.overrun = 0;
    s->limit_bits = (uint64_t)n * 8;
    s->have_static = 0;
    s->out = 0;
    memset(result, 0, sizeof *result);
    s4c_status st = S4C_OK;
    for (;;) {
        s4c_deflate_block_info info;
        br_refill(&s->br);
        info.start_bit = br_position(&s->br);
        info.out_start = s->out;
        info.final = br_bits(&s->br, 1);
        info.type = br_bits(&s->br, 2);
        if ((st = past_end(s)) != S4C_OK) break;
        result->blocks++;
        if (fn) fn(ctx, &info);
        if (info.type == 0) {
            st = skip_stored_block(s);
        } else if (info.type == 1) {
            if (!s->have_static) build_static(s);
            st = skip_huffman_block(s);
        } else if (info.type == 2) {
            st = read_dynamic_header(s);
            if (st == S4C_OK) st = skip_huffman_block(s);
        } else {
            st = S4C_ERROR_CORRUPT_DATA;
        }
        if (st != S4C_OK) break;
        if (info.final) {
            result->final_block_bit = info.start_bit;
            result->end_bit = br_position(&s->br);
            result->out_size = s->out;
            break;
        }
    }
    s4c_free(s);
    return st;
}
