/*
 * gzip_encoder.c — the cpu-gzip streaming encoder.
 *
 * Input is gathered into 1 MiB chunks; each chunk is deflated on its own by
 * deflate_encoder.c, every chunk but the member's last as blocks that carry
 * on into the next (BFINAL cleared, byte-aligned by an empty stored block),
 * so a stream of any length is ONE gzip member, which S4's single-member
 * reader decodes whole. Memory is bounded: one input chunk, one compressed
 * chunk and libdeflate's compressor. Chunks do not share history, which
 * costs well under 1% of ratio at 1 MiB. A member whose input fits one chunk
 * is byte-identical to the one-shot output.
 *
 * Flushes: S4C_FLUSH_BLOCK deflates what is buffered as a continuing chunk
 * (everything consumed so far then decodes); S4C_FLUSH_END deflates the rest
 * as the final chunk (or, after earlier chunks and no new input, an empty
 * final block) and appends the trailer. Compressed bytes wait in `staged`
 * until the caller's output takes them; no input is taken while they wait.
 */
#include "deflate_block_writer.h"
#include "deflate_encoder.h"
#include "gzip_header.h"
#include "gzip_stream.h"

typedef struct gzip_encoder {
    s4c_deflate_encoder deflater;
    int level;
    uint8_t *chunk; /* S4C_GZIP_STREAM_CHUNK bytes of input */
    size_t chunk_len;
    uint8_t *staged; /* compressed bytes not yet handed out */
    size_t staged_len, staged_pos, staged_cap;
    uint32_t crc;       /* of the member's input so far */
    uint64_t size;      /* the member's input length so far */
    int member_open;    /* header staged, member not finished */
    int chunks_written; /* continuing chunks already staged in this member */
    int closing;        /* trailer staged; the member ends once it is handed out */
} gzip_encoder;

s4c_status s4c_gzip_encoder_create(const s4c_codec_options *o, int level, const void *dict,
                                   size_t dict_size, void **impl, s4c_error_detail *d) {
    (void)o, (void)dict, (void)dict_size;
    gzip_encoder *e = s4c_calloc(1, sizeof *e);
    S4C_RETURN_IF(!e, s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory"));
    e->level = level;
    s4c_deflate_encoder_init(&e->deflater, level);
    e->staged_cap = S4C_GZIP_HEADER_SIZE + s4c_deflate_encode_bound(S4C_GZIP_STREAM_CHUNK) +
                    S4C_GZIP_TRAILER_SIZE;
    e->chunk = s4c_malloc(S4C_GZIP_STREAM_CHUNK);
    e->staged = s4c_malloc(e->staged_cap);
    if (!e->chunk || !e->staged) {
        s4c_gzip_encoder_free(e);
        return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    *impl = e;
    return S4C_OK;
}

void s4c_gzip_encoder_free(void *impl) {
    gzip_encoder *e = impl;
    if (!e) return;
    s4c_deflate_encoder_destroy(&e->deflater);
    s4c_free(e->chunk);
    s4c_free(e->staged);
    s4c_free(e);
}

s4c_status s4c_gzip_encoder_reset(void *impl) {
    gzip_encoder *e = impl;
    e->chunk_len = 0;
    e->staged_len = e->staged_pos = 0;
    e->member_open = e->chunks_written = e->closing = 0;
    return S4C_OK;
}

static void drain(gzip_encoder *e, s4c_out_buffer *out) {
    size_t k = e->staged_len - e->staged_pos;
    if (k > out->size - out->pos) k = out->size - out->pos;
    if (k) memcpy((uint8_t *)out->dst + out->pos, e->staged + e->staged_pos, k);
    out->pos += k;
    e->staged_pos += k;
    if (e->staged_pos == e->staged_len) e->staged_pos = e->staged_len = 0;
}

static void open_member(gzip_encoder *e) {
    s4c_gzip_write_header(e->staged, e->level);
    e->staged_len = S4C_GZIP_HEADER_SIZE;
    e->crc = 0;
    e->size = 0;
    e->member_open = 1;
    e->chunks_written = 0;
}

/* Deflates the buffered chunk into `staged` (empty when called). */
static s4c_status deflate_chunk(gzip_encoder *e, int final) {
    size_t k = 0;
    if (final && e->chunk_len == 0 && e->chunks_written) {
        /* Earlier chunks hold all the data: end the member with an empty final block. */
        const char *blk =
            e->level == 0 ? S4C_DEFLATE_EMPTY_FINAL_STORED : S4C_DEFLATE_EMPTY_FINAL_STATIC;
        k = e->level == 0 ? S4C_DEFLATE_EMPTY_FINAL_STORED_SIZE
                          : S4C_DEFLATE_EMPTY_FINAL_STATIC_SIZE;
        memcpy(e->staged, blk, k);
    } else {
        S4C_TRY(s4c_deflate_encode(&e->deflater, e->chunk, e->chunk_len, final, e->staged,
                                   e->staged_cap - S4C_GZIP_TRAILER_SIZE, &k));
    }
    e->chunk_len = 0;
    e->staged_len = k;
    if (final) {
        s4c_gzip_write_trailer(e->staged + k, e->crc, e->size);
        e->staged_len += S4C_GZIP_TRAILER_SIZE;
        e->closing = 1;
    } else {
        e->chunks_written = 1;
    }
    return S4C_OK;
}

static void take_input(gzip_encoder *e, s4c_in_buffer *in) {
    size_t k = in->size - in->pos;
    if (k > S4C_GZIP_STREAM_CHUNK - e->chunk_len) k = S4C_GZIP_STREAM_CHUNK - e->chunk_len;
    if (!k) return;
    const uint8_t *p = (const uint8_t *)in->src + in->pos;
    memcpy(e->chunk + e->chunk_len, p, k);
    e->crc = s4c_gzip_crc32(e->crc, p, k);
    e->size += k;
    e->chunk_len += k;
    in->pos += k;
}

s4c_status s4c_gzip_encoder_stream(void *impl, s4c_in_buffer *in, s4c_out_buffer *out,
                                   s4c_flush_mode mode, size_t *pending) {
    gzip_encoder *e = impl;
    s4c_status st = S4C_OK;
    for (;;) {
        drain(e, out);
        if (e->staged_len) break; /* the caller's output is full */
        if (e->closing) {
            e->closing = 0;
            e->member_open = 0; /* the member is complete and handed out */
            break;
        }
        int input_left = in->pos < in->size;
        if (!e->member_open) {
            if (!input_left && mode != S4C_FLUSH_END) break;
            open_member(e);
            continue;
        }
        take_input(e, in);
        input_left = in->pos < in->size;
        if (input_left) { /* the chunk is full and more follows */
            st = deflate_chunk(e, 0);
        } else if (mode == S4C_FLUSH_END) {
            st = deflate_chunk(e, 1);
        } else if (mode == S4C_FLUSH_BLOCK && e->chunk_len) {
            st = deflate_chunk(e, 0);
        } else {
            break; /* S4C_FLUSH_NONE keeps the chunk; a flushed one is already out */
        }
        if (st != S4C_OK) break;
    }
    *pending = e->staged_len - e->staged_pos + e->chunk_len;
    return st;
}
