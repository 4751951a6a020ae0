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
 *
 * Resumable (s4codec_resume.h, docs/formats/state.md "cpu-gzip body"):
 * checkpoints are member starts and deflate block boundaries, recorded once
 * checkpoint_spacing bytes of output have passed since the last one. A block
 * boundary is found by making ISA-L stop at the end of the block it is in
 * (deflate_decoder.c); the inflater then restarts from the checkpoint — the
 * 32 KiB window as dictionary, the bits after the boundary in its bit buffer
 * — exactly as a decoder loaded from that checkpoint does. The state is exact
 * (save here, resume here) at checkpoints and outside the deflate data
 * (header, trailer, boundary); inside it, a save holds the last checkpoint.
 */
#include "../stream/state_blob.h"
#include "deflate_decoder.h"
#include "gzip_header.h"
#include "gzip_stream.h"

#define BODY_HINT ((size_t)1 << 16)
#define MIN_MEMBER 20 /* 10-byte header, the 2-byte empty block, 8-byte trailer */

typedef enum gzip_stage {
    STAGE_HEADER = 0,
    STAGE_BODY,
    STAGE_TRAILER,
    STAGE_BOUNDARY /* a member just ended: a valid place for the stream to end */
} gzip_stage;

/*
 * A snapshot of the decoder where it can start again without replay: a
 * recorded checkpoint (member start, deflate block boundary), or the exact
 * state outside the deflate data. Its window lives beside it.
 */
typedef struct gzip_snap {
    uint64_t consumed, produced; /* absolute stream positions */
    uint64_t members;            /* members completed before it */
    uint32_t stage;              /* gzip_stage */
    s4c_gzip_header_reader header;     /* STAGE_HEADER */
    uint8_t trailer[S4C_GZIP_TRAILER_SIZE]; /* STAGE_TRAILER */
    uint32_t trailer_len;
    uint32_t crc;        /* BODY, TRAILER: the member's CRC-32 so far */
    uint64_t member_out; /* BODY, TRAILER: the member's output so far */
    uint64_t bits;       /* BODY: stream bits after the boundary, held back */
    uint32_t nbits;      /*   (ISA-L's bit buffer, at most 64) */
    uint32_t win_len;    /* BODY: min(32 KiB, member_out) */
} gzip_snap;

typedef struct gzip_decoder {
    s4c_deflate_decoder inflater;
    s4c_gzip_header_reader header;
    uint32_t stage;   /* gzip_stage */
    uint32_t single;  /* stop after the first member */
    uint64_t members; /* members completed */
    uint8_t trailer[S4C_GZIP_TRAILER_SIZE];
    uint32_t trailer_len;
    /* positions and checkpoints */
    uint64_t consumed, produced; /* absolute, since the stream's start */
    uint64_t member_start;       /* produced at the current member's start */
    uint64_t spacing;            /* output between checkpoints (>= 1) */
    uint32_t stop;               /* stop_at_checkpoint */
    uint32_t at_block_ckpt;      /* standing at `ck`, a block boundary, nothing done since */
    uint64_t checkpoints;        /* recorded so far */
    gzip_snap ck;                /* the last checkpoint (initially the stream start) */
    uint8_t ck_window[S4C_DEFLATE_WINDOW];
} gzip_decoder;

static void set_options(gzip_decoder *g, const s4c_decoder_options *o) {
    g->single = o && o->single_frame;
    g->spacing = o && o->checkpoint_spacing ? o->checkpoint_spacing
                                            : S4C_CHECKPOINT_SPACING_DEFAULT;
    g->stop = o && o->stop_at_checkpoint;
}

s4c_status s4c_gzip_decoder_reset(void *impl) {
    gzip_decoder *g = impl;
    s4c_gzip_header_reader_init(&g->header);
    s4c_deflate_decoder_reset(&g->inflater);
    g->stage = STAGE_HEADER;
    g->members = 0;
    g->trailer_len = 0;
    memset(g->trailer, 0, sizeof(g->trailer));
    g->consumed = g->produced = g->member_start = 0;
    g->at_block_ckpt = 0;
    g->checkpoints = 0;
    memset(&g->ck, 0, sizeof(g->ck));
    return S4C_OK;
}

s4c_status s4c_gzip_decoder_create(const s4c_decoder_options *o, void **impl, s4c_error_detail *d) {
    gzip_decoder *g = s4c_malloc(sizeof *g);
    S4C_RETURN_IF(!g, s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory"));
    set_options(g, o);
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

static int header_fresh(const gzip_decoder *g) {
    return g->stage == STAGE_HEADER && g->header.stage == S4C_GZIP_HDR_FIXED &&
           g->header.count == 0;
}

static uint64_t since_checkpoint(const gzip_decoder *g) { return g->produced - g->ck.produced; }

/* Member-relative output at which the inflater starts hunting for a block end. */
static uint64_t hunt_point(const gzip_decoder *g) {
    uint64_t target = g->ck.produced + g->spacing;
    if (target < g->ck.produced) return S4C_DEFLATE_NO_HUNT; /* spacing near 2^64 */
    return target > g->member_start ? target - g->member_start : 0;
}

static void record_member_start(gzip_decoder *g) {
    memset(&g->ck, 0, sizeof(g->ck));
    g->ck.consumed = g->consumed;
    g->ck.produced = g->produced;
    g->ck.members = g->members;
    g->ck.stage = STAGE_HEADER;
    g->checkpoints++;
}

/* The inflater stopped at a block end: record it and restart from it. */
static s4c_status record_block(gzip_decoder *g, s4c_error_detail *d) {
    s4c_deflate_decoder *dd = &g->inflater;
    gzip_snap *ck = &g->ck;
    memset(ck, 0, sizeof(*ck));
    ck->consumed = g->consumed;
    ck->produced = g->produced;
    ck->members = g->members;
    ck->stage = STAGE_BODY;
    ck->crc = s4c_deflate_decoder_crc(dd);
    ck->member_out = dd->total_out;
    if (dd->isal.read_in_length < 0 || dd->isal.read_in_length > 64)
        return s4c_fail(d, S4C_ERROR_STAGE, "ISA-L stopped with %d buffered bits",
                        (int)dd->isal.read_in_length);
    ck->nbits = (uint32_t)dd->isal.read_in_length;
    ck->bits = ck->nbits ? dd->isal.read_in & (~UINT64_C(0) >> (64 - ck->nbits)) : 0;
    ck->win_len = dd->win_len;
    s4c_deflate_decoder_window(dd, g->ck_window);
    g->checkpoints++;
    g->at_block_ckpt = 1;
    if (s4c_deflate_decoder_restart(dd, g->ck_window, ck->win_len, ck->bits, ck->nbits, ck->crc,
                                    ck->member_out) != S4C_OK)
        return s4c_fail(d, S4C_ERROR_STAGE, "ISA-L refused the window of a gzip checkpoint");
    return S4C_OK;
}

static s4c_status stream_run(gzip_decoder *g, s4c_in_buffer *in, s4c_out_buffer *out,
                             size_t *hint, s4c_error_detail *d) {
    const uint8_t *src = in->src;
    for (;;) {
        switch (g->stage) {
        case STAGE_HEADER:
            if (g->members > 0 && g->header.stage == S4C_GZIP_HDR_FIXED)
                S4C_TRY(check_next_magic(g, in, d));
            {
                size_t before = in->pos;
                s4c_status st = s4c_gzip_header_read(&g->header, src, in->size, &in->pos, d);
                g->consumed += in->pos - before;
                S4C_TRY(st);
            }
            if (g->header.stage != S4C_GZIP_HDR_DONE) {
                *hint = header_hint(g);
                return S4C_OK;
            }
            s4c_deflate_decoder_reset(&g->inflater);
            g->member_start = g->produced;
            g->stage = STAGE_BODY;
            break;
        case STAGE_BODY: {
            s4c_deflate_decoder *dd = &g->inflater;
            if (g->at_block_ckpt && out->pos == out->size) {
                *hint = BODY_HINT; /* no room: stay exactly at the checkpoint */
                return S4C_OK;
            }
            g->at_block_ckpt = 0;
            dd->hunt_out = hunt_point(g);
            size_t in0 = in->pos, out0 = out->pos;
            s4c_status st = s4c_deflate_decoder_run(dd, src, in->size, &in->pos, out->dst,
                                                    out->size, &out->pos, d);
            g->consumed += in->pos - in0;
            g->produced += out->pos - out0;
            S4C_TRY(st);
            if (dd->at_boundary) {
                S4C_TRY(record_block(g, d));
                if (g->stop) {
                    *hint = BODY_HINT;
                    return S4C_OK;
                }
                break;
            }
            if (!s4c_deflate_decoder_done(dd)) {
                *hint = BODY_HINT; /* input used up or output full */
                return S4C_OK;
            }
            g->trailer_len = (uint32_t)s4c_deflate_decoder_overread(dd, g->trailer);
            g->stage = STAGE_TRAILER;
            break;
        }
        case STAGE_TRAILER: {
            size_t k = S4C_GZIP_TRAILER_SIZE - g->trailer_len;
            if (k > in->size - in->pos) k = in->size - in->pos;
            if (k) memcpy(g->trailer + g->trailer_len, src + in->pos, k);
            in->pos += k;
            g->consumed += k;
            g->trailer_len += (uint32_t)k;
            if (g->trailer_len < S4C_GZIP_TRAILER_SIZE) {
                *hint = S4C_GZIP_TRAILER_SIZE - g->trailer_len;
                return S4C_OK;
            }
            S4C_TRY(s4c_gzip_trailer_check(g->trailer, s4c_deflate_decoder_crc(&g->inflater),
                                           g->inflater.total_out, d));
            g->members++;
            g->trailer_len = 0;
            memset(g->trailer, 0, sizeof(g->trailer));
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
            if (since_checkpoint(g) >= g->spacing) {
                record_member_start(g);
                if (g->stop) {
                    *hint = header_hint(g);
                    return S4C_OK;
                }
            }
            break;
        default:
            return s4c_fail(d, S4C_ERROR_STAGE, "gzip decoder in an unknown stage");
        }
    }
}

s4c_status s4c_gzip_decoder_stream(void *impl, s4c_in_buffer *in, s4c_out_buffer *out, size_t *hint,
                                   s4c_error_detail *d) {
    return stream_run(impl, in, out, hint, d);
}

/* ------------------------------------------------------------ resuming */

/* The header just ended and the inflater has not been fed yet. */
static int body_pristine(const gzip_decoder *g) {
    return g->inflater.total_in == 0 && g->inflater.total_out == 0 &&
           g->inflater.isal.read_in_length == 0;
}

void s4c_gzip_decoder_position(const void *impl, s4c_decoder_position *pos) {
    const gzip_decoder *g = impl;
    pos->consumed = g->consumed;
    pos->produced = g->produced;
    pos->checkpoints = g->checkpoints;
    pos->at_checkpoint = g->at_block_ckpt || header_fresh(g) || g->stage == STAGE_BOUNDARY;
    int exact = g->stage != STAGE_BODY || g->at_block_ckpt || body_pristine(g);
    pos->resume_offset = exact ? g->consumed : g->ck.consumed;
    pos->resume_produced = exact ? g->produced : g->ck.produced;
}

s4c_status s4c_gzip_decoder_clone(const void *impl, void **clone, s4c_error_detail *d) {
    gzip_decoder *c = s4c_malloc(sizeof *c);
    S4C_RETURN_IF(!c, s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory"));
    memcpy(c, impl, sizeof *c); /* plain data; ISA-L's next_in/next_out are set on every call */
    *clone = c;
    return S4C_OK;
}

/* Body (docs/formats/state.md, "cpu-gzip body"). */
static void put_snap(s4c_blob_writer *w, uint64_t checkpoints, const gzip_snap *s,
                     const uint8_t *window) {
    s4c_blob_put_varint(w, checkpoints);
    s4c_blob_put_varint(w, s->members);
    s4c_blob_put_u8(w, (uint8_t)s->stage);
    switch (s->stage) {
    case STAGE_HEADER: {
        const s4c_gzip_header_reader *h = &s->header;
        s4c_blob_put_u8(w, (uint8_t)h->stage);
        s4c_blob_put_u8(w, h->flags);
        s4c_blob_put_varint(w, h->count);
        s4c_blob_put_varint(w, h->xlen);
        s4c_blob_put_varint(w, h->size);
        s4c_blob_put_u32(w, h->crc);
        if (h->stage == S4C_GZIP_HDR_FIXED || h->stage == S4C_GZIP_HDR_XLEN ||
            h->stage == S4C_GZIP_HDR_HCRC)
            s4c_blob_put_bytes(w, h->buf, h->count);
        break;
    }
    case STAGE_BODY:
        s4c_blob_put_u32(w, s->crc);
        s4c_blob_put_varint(w, s->member_out);
        s4c_blob_put_u8(w, (uint8_t)s->nbits);
        for (uint32_t i = 0; i < (s->nbits + 7) / 8; i++)
            s4c_blob_put_u8(w, (uint8_t)(s->bits >> (8 * i)));
        s4c_blob_put_window(w, window, s->win_len);
        break;
    case STAGE_TRAILER:
        s4c_blob_put_u32(w, s->crc);
        s4c_blob_put_varint(w, s->member_out);
        s4c_blob_put_u8(w, (uint8_t)s->trailer_len);
        s4c_blob_put_bytes(w, s->trailer, s->trailer_len);
        break;
    default: /* STAGE_BOUNDARY: nothing more */
        break;
    }
}

s4c_status s4c_gzip_decoder_save(const void *impl, s4c_blob_writer *w, s4c_error_detail *d) {
    const gzip_decoder *g = impl;
    (void)d;
    if (g->stage == STAGE_BODY) {
        if (!g->at_block_ckpt && body_pristine(g)) {
            /* The header just ended: the body's start, nothing decoded. */
            gzip_snap s;
            memset(&s, 0, sizeof(s));
            s.members = g->members;
            s.stage = STAGE_BODY;
            put_snap(w, g->checkpoints, &s, NULL);
        } else {
            put_snap(w, g->checkpoints, &g->ck, g->ck_window); /* the last checkpoint */
        }
        return S4C_OK;
    }
    gzip_snap s;
    memset(&s, 0, sizeof(s));
    s.members = g->members;
    s.stage = g->stage;
    s.header = g->header;
    memcpy(s.trailer, g->trailer, sizeof(s.trailer));
    s.trailer_len = g->trailer_len;
    s.crc = s4c_deflate_decoder_crc(&g->inflater);
    s.member_out = g->inflater.total_out;
    put_snap(w, g->checkpoints, &s, NULL);
    return S4C_OK;
}

#define FLG_FHCRC 0x02
#define FLG_FEXTRA 0x04
#define FLG_FNAME 0x08
#define FLG_FCOMMENT 0x10
#define FLG_RESERVED 0xe0

/* Checks a saved header reader (gzip_header.c's invariants). */
/* s4c_blob_reader_fail, returning 0 for `return fail(...)`. */
#define fail(r, ...) (s4c_blob_reader_fail((r), __VA_ARGS__), 0)

static int get_header(s4c_blob_reader *r, s4c_gzip_header_reader *h, uint64_t room) {
    uint8_t stage = s4c_blob_get_u8(r);
    uint8_t flags = s4c_blob_get_u8(r);
    uint64_t count = s4c_blob_get_varint(r), xlen = s4c_blob_get_varint(r);
    uint64_t size = s4c_blob_get_varint(r);
    uint32_t crc = s4c_blob_get_u32(r);
    if (r->bad) return 0;
    if (stage >= S4C_GZIP_HDR_DONE)
        return fail(r, "gzip header stage %u is out of range", stage);
    if (flags & FLG_RESERVED)
        return fail(r, "gzip header flags 0x%02x set reserved bits", flags);
    if (xlen > 65535) return fail(r, "gzip FEXTRA length %llu is over 65535",
                                                  (unsigned long long)xlen);
    /* fixed part, XLEN + FEXTRA, FNAME and FCOMMENT with their NULs, HCRC */
    const uint64_t longest = S4C_GZIP_HEADER_SIZE + 2 + 65535 + 2 * (S4C_GZIP_FIELD_MAX + 1) + 2;
    if (size > longest)
        return fail(r, "gzip header of %llu bytes is longer than any header",
                                    (unsigned long long)size);
    if (size > room)
        return fail(r, "gzip header of %llu bytes starts before the member does",
                                    (unsigned long long)size);
    static const uint8_t need_flag[S4C_GZIP_HDR_DONE] = {0, FLG_FEXTRA, FLG_FEXTRA, FLG_FNAME,
                                                         FLG_FCOMMENT, FLG_FHCRC};
    static const uint32_t max_count[S4C_GZIP_HDR_DONE] = {S4C_GZIP_HEADER_SIZE - 1, 1, 65534,
                                                          S4C_GZIP_FIELD_MAX,
                                                          S4C_GZIP_FIELD_MAX, 1};
    if (need_flag[stage] && !(flags & need_flag[stage]))
        return fail(r, "gzip header stage %u without its flag (FLG 0x%02x)",
                                    stage, flags);
    if (count > max_count[stage] || (stage == S4C_GZIP_HDR_EXTRA && count >= xlen))
        return fail(r, "gzip header field position %llu is out of range in "
                                    "stage %u", (unsigned long long)count, stage);
    if (stage == S4C_GZIP_HDR_FIXED ? (size != count || flags || xlen || crc)
                                    : size < S4C_GZIP_HEADER_SIZE + count)
        return fail(r, "gzip header counters are inconsistent (stage %u, %llu "
                                    "bytes, field at %llu)", stage, (unsigned long long)size,
                                    (unsigned long long)count);
    if ((stage == S4C_GZIP_HDR_XLEN || stage == S4C_GZIP_HDR_HCRC) && xlen && !(flags & FLG_FEXTRA))
        return fail(r, "gzip FEXTRA length without the FEXTRA flag");
    memset(h, 0, sizeof(*h));
    h->stage = stage;
    h->flags = flags;
    h->count = (uint32_t)count;
    h->xlen = (uint32_t)xlen;
    h->size = (uint32_t)size;
    h->crc = crc;
    if (stage == S4C_GZIP_HDR_FIXED || stage == S4C_GZIP_HDR_XLEN || stage == S4C_GZIP_HDR_HCRC) {
        const uint8_t *p = s4c_blob_get_bytes(r, (size_t)count);
        if (p && count) memcpy(h->buf, p, (size_t)count);
        static const uint8_t magic[2] = {0x1f, 0x8b};
        if (p && stage == S4C_GZIP_HDR_FIXED)
            for (uint64_t i = 0; i < count && i < 2; i++)
                if (p[i] != magic[i])
                    return fail(r, "gzip header bytes do not start with the gzip magic");
    }
    return !r->bad;
}

s4c_status s4c_gzip_decoder_load(const s4c_decoder_options *o, s4c_blob_reader *r,
                                 const s4c_state_info *info, void **impl, s4c_error_detail *d) {
    const uint64_t R = info->resume_offset, P = info->resume_produced;
    gzip_snap s;
    memset(&s, 0, sizeof(s));
    uint64_t checkpoints = s4c_blob_get_varint(r);
    s.members = s4c_blob_get_varint(r);
    s.stage = s4c_blob_get_u8(r);
    if (r->bad) return S4C_OK; /* the generic layer reports the truncation */
    if (checkpoints > P)
        s4c_blob_reader_fail(r, "gzip state counts %llu checkpoints over %llu bytes of output",
                             (unsigned long long)checkpoints, (unsigned long long)P);
    else if (s.members > R / MIN_MEMBER)
        s4c_blob_reader_fail(r, "gzip state counts %llu members in %llu bytes of input",
                             (unsigned long long)s.members, (unsigned long long)R);
    else if (s.stage > STAGE_BOUNDARY)
        s4c_blob_reader_fail(r, "gzip stage %u is out of range", s.stage);
    if (r->bad) return S4C_OK;
    uint64_t room = R - s.members * MIN_MEMBER; /* input the current member can have used */
    gzip_decoder *g = s4c_malloc(sizeof *g);
    S4C_RETURN_IF(!g, s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory"));
    set_options(g, o);
    s4c_gzip_decoder_reset(g);
    *impl = g; /* freed by the generic layer on failure */
    switch (s.stage) {
    case STAGE_HEADER:
        get_header(r, &s.header, room);
        break;
    case STAGE_BODY: {
        s.crc = s4c_blob_get_u32(r);
        s.member_out = s4c_blob_get_varint(r);
        s.nbits = s4c_blob_get_u8(r);
        if (r->bad) break;
        if (s.nbits > 64) {
            s4c_blob_reader_fail(r, "gzip bit buffer of %u bits (at most 64)", s.nbits);
            break;
        }
        for (uint32_t i = 0; i < (s.nbits + 7) / 8; i++)
            s.bits |= (uint64_t)s4c_blob_get_u8(r) << (8 * i);
        size_t win = 0;
        s4c_blob_get_window(r, g->ck_window, S4C_DEFLATE_WINDOW, &win);
        s.win_len = (uint32_t)win;
        if (r->bad) break;
        uint64_t want = s.member_out < S4C_DEFLATE_WINDOW ? s.member_out : S4C_DEFLATE_WINDOW;
        if (s.nbits < 64 && (s.bits >> s.nbits))
            s4c_blob_reader_fail(r, "gzip bit buffer has bits above its %u", s.nbits);
        else if (s.member_out > P)
            s4c_blob_reader_fail(r, "gzip member output %llu is more than the %llu produced",
                                 (unsigned long long)s.member_out, (unsigned long long)P);
        else if (win != want)
            s4c_blob_reader_fail(r, "gzip window of %zu bytes after %llu bytes of member output "
                                 "(expected %llu)", win, (unsigned long long)s.member_out,
                                 (unsigned long long)want);
        else if (room < S4C_GZIP_HEADER_SIZE + s.nbits / 8)
            s4c_blob_reader_fail(r, "gzip deflate position %llu lies inside the member header",
                                 (unsigned long long)R);
        break;
    }
    case STAGE_TRAILER:
        s.crc = s4c_blob_get_u32(r);
        s.member_out = s4c_blob_get_varint(r);
        s.trailer_len = s4c_blob_get_u8(r);
        if (r->bad) break;
        if (s.trailer_len >= S4C_GZIP_TRAILER_SIZE)
            s4c_blob_reader_fail(r, "gzip trailer position %u is out of range", s.trailer_len);
        else if (s.member_out > P)
            s4c_blob_reader_fail(r, "gzip member output %llu is more than the %llu produced",
                                 (unsigned long long)s.member_out, (unsigned long long)P);
        else if (room < S4C_GZIP_HEADER_SIZE + 2 + s.trailer_len)
            s4c_blob_reader_fail(r, "gzip trailer position %llu lies inside the member header",
                                 (unsigned long long)R);
        else {
            const uint8_t *p = s4c_blob_get_bytes(r, s.trailer_len);
            if (p && s.trailer_len) memcpy(s.trailer, p, s.trailer_len);
        }
        break;
    default:
        if (s.members == 0)
            s4c_blob_reader_fail(r, "gzip member boundary before any member");
        break;
    }
    if (r->bad) return S4C_OK;

    s.consumed = R;
    s.produced = P;
    g->members = s.members;
    g->stage = s.stage;
    g->consumed = R;
    g->produced = P;
    g->checkpoints = checkpoints;
    g->header = s.header;
    if (s.stage == STAGE_BODY) {
        g->member_start = P - s.member_out;
        g->at_block_ckpt = 1;
        if (s4c_deflate_decoder_restart(&g->inflater, g->ck_window, s.win_len, s.bits, s.nbits,
                                        s.crc, s.member_out) != S4C_OK)
            return s4c_fail(d, S4C_ERROR_STATE_INVALID,
                            "invalid saved state: ISA-L refused the gzip window");
    } else if (s.stage == STAGE_TRAILER) {
        g->inflater.isal.crc = s.crc;
        g->inflater.total_out = s.member_out;
        g->inflater.isal.block_state = ISAL_BLOCK_FINISH;
        memcpy(g->trailer, s.trailer, sizeof(g->trailer));
        g->trailer_len = s.trailer_len;
    }
    g->ck = s;
    return S4C_OK;
}
