/*
 * fuzz_frame_iter.c — any byte string walked as a framed body: the iterator
 * terminates, yields frames inside the body at increasing offsets and fuses
 * on its first error; build_index_from_body agrees with it wherever the
 * iterator reads the whole body; s4c_object_decoded_size sums what it saw;
 * and small bodies decode (1 thread and 2, whole and streamed in pieces) to
 * the same bytes, status and failing frame.
 */
#include <stdlib.h>
#include <string.h>

#include "s4codec.h"
#include "s4codec_frame.h"
#include "s4codec_index.h"

#define REQUIRE(c)                                                                                 \
    do {                                                                                           \
        if (!(c)) abort();                                                                         \
    } while (0)

enum { MAX_FRAMES = 4096, MAX_DECODE = 1 << 20 };

static int decode_with(const uint8_t *data, size_t size, unsigned threads, uint8_t *out, size_t cap,
                       size_t *written, s4c_object_info *info) {
    s4c_object_decode_options o;
    s4c_object_decode_options_init(&o);
    o.threads = threads;
    s4c_error_detail d;
    return (int)s4c_object_decode(data, size, &o, out, cap, written, info, &d);
}

/* Streams the body in 7-byte pieces into 1000-byte windows through 3 slots. */
static int stream_decode(const uint8_t *data, size_t size, uint8_t *out, size_t cap,
                         size_t *written, s4c_object_info *info) {
    s4c_object_decode_options o;
    s4c_object_decode_options_init(&o);
    o.threads = 3;
    s4c_object_decoder *dec = NULL;
    s4c_error_detail d;
    REQUIRE(s4c_object_decoder_create(&o, &dec, &d) == S4C_OK);
    size_t in_pos = 0, pos = 0;
    s4c_status st = S4C_OK;
    for (;;) {
        size_t take = size - in_pos < 7 ? size - in_pos : 7;
        int last = in_pos + take == size;
        s4c_in_buffer in = {data + in_pos, take, 0};
        size_t pending = 0;
        do {
            size_t room = cap - pos < 1000 ? cap - pos : 1000;
            s4c_out_buffer ob = {out + pos, room, 0};
            st = s4c_object_decoder_stream(dec, &in, &ob, last ? S4C_FLUSH_END : S4C_FLUSH_NONE,
                                           &pending, &d);
            pos += ob.pos;
            REQUIRE(pos <= cap && (room > 0 || !pending)); /* never stuck on a full window */
        } while (st == S4C_OK && (in.pos < in.size || (last && pending)));
        in_pos += take;
        if (last || st != S4C_OK) break;
    }
    REQUIRE(s4c_object_decoder_info(dec, info) == S4C_OK);
    s4c_object_decoder_free(dec);
    *written = pos;
    return (int)st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static size_t offsets[MAX_FRAMES];
    s4c_frame_iter it;
    s4c_frame_iter_init(&it, data, size);
    size_t n = 0, last_end = 0;
    uint64_t original = 0;
    s4c_status st;
    s4c_error_detail d;
    for (;;) {
        s4c_frame f;
        int has = 0;
        st = s4c_frame_iter_next(&it, &f, &has, &d);
        if (st != S4C_OK || !has) break;
        REQUIRE(f.offset >= last_end);
        REQUIRE(f.offset + 28 + f.payload_size <= size);
        REQUIRE(f.payload == data + f.offset + 28);
        REQUIRE(f.payload_size == f.header.compressed_size);
        REQUIRE(s4c_kind_name(f.header.codec) != NULL);
        last_end = f.offset + 28 + f.payload_size;
        if (n < MAX_FRAMES) offsets[n] = f.offset;
        n++;
        original = original + f.header.original_size < original ? UINT64_MAX
                                                                : original + f.header.original_size;
    }
    if (st != S4C_OK) {
        REQUIRE(s4c_status_class(st) == S4C_CLASS_FRAME);
        REQUIRE(d.message[0] != '\0');
        s4c_frame f;
        int has = 1;
        REQUIRE(s4c_frame_iter_next(&it, &f, &has, &d) == S4C_OK && !has); /* fused */
        REQUIRE(s4c_frame_iter_status(&it) == st);
    }

    uint64_t sum = 0, count = 0;
    REQUIRE(s4c_object_decoded_size(data, size, &sum, &count, &d) == st);
    REQUIRE(count == n && sum == original);

    s4c_index *idx = NULL;
    s4c_status bst = s4c_build_index_from_body(data, size, &idx, &d);
    if (st == S4C_OK && bst == S4C_OK) {
        size_t m = 0;
        const s4c_index_entry *e = s4c_index_entries(idx, &m);
        REQUIRE(m == n);
        for (size_t i = 0; i < m && i < MAX_FRAMES; i++)
            REQUIRE(e[i].compressed_offset == offsets[i]);
        REQUIRE(s4c_index_total_padded(idx) == size);
    }
    s4c_index_free(idx);

    if (original <= MAX_DECODE) {
        static uint8_t out1[MAX_DECODE], out2[MAX_DECODE];
        size_t w1 = 0, w2 = 0;
        s4c_object_info i1, i2;
        int s1 = decode_with(data, size, 1, out1, sizeof out1, &w1, &i1);
        int s2 = decode_with(data, size, 2, out2, sizeof out2, &w2, &i2);
        REQUIRE(s1 == s2 && i1.error_frame == i2.error_frame);
        if (s1 == S4C_OK) REQUIRE(w1 == w2 && w1 == original && memcmp(out1, out2, w1) == 0);
        /* the streaming decoder, fed in small pieces, answers the same */
        int s3 = stream_decode(data, size, out2, sizeof out2, &w2, &i2);
        REQUIRE(s3 == s1 && i2.error_frame == i1.error_frame);
        if (s1 == S4C_OK)
            REQUIRE(w2 == w1 && memcmp(out1, out2, w1) == 0 && i2.crc32c == i1.crc32c);
    }
    return 0;
}
