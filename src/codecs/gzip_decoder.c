/*
 * gzip_decoder.c — the cpu-gzip streaming decoder.
 *
 * Our own member state machine (header → deflate body → trailer → boundary)
 * around the ISA-L raw inflater, so that the header rules are S4's (shared
 * with the one-shot decoder through gzip_header.c) and every piece of state
 * is plain data: stage, counters, the header reader, up to 8 trailer bytes,
 * and ISA-L's inflate_state. By default concatenated members are all decoded,
 * as gzip -d does; bytes after a member that do not start another one are
 * S4C_ERROR_TRAILING_DATA. With single_frame (S4's reader) decoding stops
 * after the first member and leaves the rest of the input unconsumed.
 */
#include "deflate_decoder.h"
#include "gzip_header.h"
#include "gzip_stream.h"

#define BODY_HINT ((size_t)1 << 16)

typedef enum gzip_stage {
    STAGE_HEADER = 0,
    STAGE_BODY,
    STAGE_TRAILER,
    STAGE_BOUNDARY /* a member just ended: a valid place for the stream to end */
} gzip_stage;

typedef struct gzip_decoder {
    s4c_deflate_decoder inflater;
    s4c_gzip_header_reader header;
    uint32_t stage;   /* gzip_stage */
    uint32_t single;  /* stop after the first member */
    uint64_t members; /* members completed */
    uint8_t trailer[S4C_GZIP_TRAILER_SIZE];
    uint32_t trailer_len;
} gzip_decoder;

s4c_status s4c_gzip_decoder_reset(void *impl) {
    gzip_decoder *g = impl;
    s4c_gzip_header_reader_init(&g->header);
    s4c_deflate_decoder_reset(&g->inflater);
    g->stage = STAGE_HEADER;
    g->members = 0;
    g->trailer_len = 0;
    return S4C_OK;
}

s4c_status s4c_gzip_decoder_create(const s4c_decoder_options *o, void **impl, s4c_error_detail *d) {
    gzip_decoder *g = s4c_malloc(sizeof *g);
    S4C_RETURN_IF(!g, s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory"));
    g->single = o && o->single_frame;
    s4c_gzip_decoder_reset(g);
    *impl = g;
    return S4C_OK;
}

void s4c_gzip_decoder_free(void *impl) { s4c_free(impl); }

s4c_status s4c_gzip_decoder_finish(void *impl) {
    const gzip_decoder *g = impl;
    return g->stage == STAGE_BOUNDARY && g->members > 0 ? S4C_OK : S4C_ERROR_TRUNCATED_INPUT;
}

/* After a member, the next bytes must open another one. */
static s4c_status check_next_magic(const gzip_decoder *g, const s4c_in_buffer *in,
                                   s4c_error_detail *d) {
    static const uint8_t magic[2] = {0x1f, 0x8b};
    size_t avail = in->size - in->pos;
    if (!avail) return S4C_OK;
    const uint8_t *p = (const uint8_t *)in->src + in->pos;
    for (uint32_t i = g->header.count; i < 2 && i - g->header.count < avail; i++)
        if (p[i - g->header.count] != magic[i])
            return s4c_fail(d, S4C_ERROR_TRAILING_DATA,
                            "bytes after gzip member %llu do not start another member",
                            (unsigned long long)g->members);
    return S4C_OK;
}

static size_t header_hint(const gzip_decoder *g) {
    return g->header.stage == S4C_GZIP_HDR_FIXED ? S4C_GZIP_HEADER_SIZE - g->header.count : 1;
}

s4c_status s4c_gzip_decoder_stream(void *impl, s4c_in_buffer *in, s4c_out_buffer *out, size_t *hint,
                                   s4c_error_detail *d) {
    gzip_decoder *g = impl;
    const uint8_t *src = in->src;
    for (;;) {
        switch (g->stage) {
        case STAGE_HEADER:
            if (g->members > 0 && g->header.stage == S4C_GZIP_HDR_FIXED)
                S4C_TRY(check_next_magic(g, in, d));
            S4C_TRY(s4c_gzip_header_read(&g->header, src, in->size, &in->pos, d));
            if (g->header.stage != S4C_GZIP_HDR_DONE) {
                *hint = header_hint(g);
                return S4C_OK;
            }
            s4c_deflate_decoder_reset(&g->inflater);
            g->stage = STAGE_BODY;
            break;
        case STAGE_BODY:
            S4C_TRY(s4c_deflate_decoder_run(&g->inflater, src, in->size, &in->pos, out->dst,
                                            out->size, &out->pos, d));
            if (!s4c_deflate_decoder_done(&g->inflater)) {
                *hint = BODY_HINT; /* input used up or output full */
                return S4C_OK;
            }
            g->trailer_len = (uint32_t)s4c_deflate_decoder_overread(&g->inflater, g->trailer);
            g->stage = STAGE_TRAILER;
            break;
        case STAGE_TRAILER: {
            size_t k = S4C_GZIP_TRAILER_SIZE - g->trailer_len;
            if (k > in->size - in->pos) k = in->size - in->pos;
            if (k) memcpy(g->trailer + g->trailer_len, src + in->pos, k);
            in->pos += k;
            g->trailer_len += (uint32_t)k;
            if (g->trailer_len < S4C_GZIP_TRAILER_SIZE) {
                *hint = S4C_GZIP_TRAILER_SIZE - g->trailer_len;
                return S4C_OK;
            }
            S4C_TRY(s4c_gzip_trailer_check(g->trailer, s4c_deflate_decoder_crc(&g->inflater),
                                           g->inflater.total_out, d));
            g->members++;
            g->stage = STAGE_BOUNDARY;
            break;
        }
        case STAGE_BOUNDARY:
            if (g->single || in->pos == in->size) {
                *hint = 0;
                return S4C_OK;
            }
            s4c_gzip_header_reader_init(&g->header);
            g->stage = STAGE_HEADER;
            break;
        default:
            return s4c_fail(d, S4C_ERROR_STAGE, "gzip decoder in an unknown stage");
        }
    }
}
