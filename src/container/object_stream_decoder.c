/*
 * object_stream_decoder.c — the object decoder over a body that arrives in
 * pieces (a file read chunk by chunk), with bounded memory.
 *
 * A push parser replaces the frame iterator: it collects a header (4 bytes to
 * tell padding from data, then 12 or 28), skips padding as it streams past,
 * and copies payloads into a batch of frame slots. Full batches decode in
 * parallel and drain into the caller's output in order. Checks that need the
 * whole remaining body ("too short", "exceeds remaining buffer") can only be
 * decided at the end of input, and give exactly the iterator's errors there;
 * header checks (magic, codec id) fire as soon as the header is complete. As
 * in the whole-buffer decoder, frames before a parse error are decoded (and
 * written) first, and their errors win. Payload buffers grow with the bytes
 * that really arrive, so a forged compressed_size cannot make us allocate.
 */
#include <stdio.h>

#include "container_internal.h"

typedef struct frame_slot {
    s4c_frame frame; /* header; payload points into `payload` once decoded */
    uint8_t *payload;
    size_t payload_cap, payload_len;
    uint8_t *out;
    size_t out_cap, out_len, out_pos;
    s4c_status status;
    s4c_error_detail detail;
} frame_slot;

enum { PARSE_HEADER, PARSE_PADDING, PARSE_PAYLOAD };
enum { STAGE_IDLE, STAGE_ACTIVE, STAGE_FAILED };

struct s4c_stream_decode {
    frame_slot *slots;
    unsigned n_slots;
    unsigned n_ready;      /* complete frames waiting to decode */
    unsigned batch, drain; /* decoded frames being written out */
    int parse;
    uint8_t hdr[S4C_FRAME_HEADER_BYTES];
    size_t hdr_len;
    uint64_t pad_len, pad_left, payload_left;
    s4c_status parse_error; /* found while parsing; reported once the batch before it drained */
    s4c_error_detail parse_detail;
    int stage;
    int have_info;
    s4c_object_info info;
};

void s4c_stream_decode_free(s4c_stream_decode *s) {
    if (!s) return;
    for (unsigned i = 0; i < s->n_slots; i++) {
        s4c_free(s->slots[i].payload);
        s4c_free(s->slots[i].out);
    }
    s4c_free(s->slots);
    s4c_free(s);
}

static s4c_status stream_state(s4c_object_decoder *dec, s4c_stream_decode **ret) {
    if (!dec->stream) {
        s4c_stream_decode *s = s4c_calloc(1, sizeof(*s));
        S4C_RETURN_IF(!s, S4C_ERROR_OUT_OF_MEMORY);
        s->slots = s4c_calloc(dec->threads, sizeof(frame_slot));
        if (!s->slots) {
            s4c_free(s);
            return S4C_ERROR_OUT_OF_MEMORY;
        }
        s->n_slots = dec->threads;
        dec->stream = s;
    }
    *ret = dec->stream;
    return S4C_OK;
}

static void begin_body(s4c_stream_decode *s) {
    for (unsigned i = 0; i < s->n_slots; i++)
        s->slots[i].payload_len = 0;
    s->n_ready = s->batch = s->drain = 0;
    s->parse = PARSE_HEADER;
    s->hdr_len = 0;
    s->pad_len = s->pad_left = s->payload_left = 0;
    s->parse_error = S4C_OK;
    s->have_info = 0;
    memset(&s->info, 0, sizeof s->info);
    s->info.framed = 1;
    s->info.error_frame = UINT64_MAX;
    s->stage = STAGE_ACTIVE;
}

static s4c_status fail(s4c_stream_decode *s, s4c_status st, const s4c_error_detail *detail,
                       uint64_t frame, s4c_error_detail *d) {
    if (d && detail) *d = *detail;
    s->info.error_frame = frame;
    s->stage = STAGE_FAILED;
    s->have_info = 1;
    return st;
}

/* ------------------------------------------------------------ parsing */

static void set_parse_error(s4c_stream_decode *s, s4c_status st) { s->parse_error = st; }

static s4c_status grow_payload(frame_slot *slot, size_t need) {
    if (need <= slot->payload_cap) return S4C_OK;
    size_t cap = slot->payload_cap ? slot->payload_cap : 65536;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    uint8_t *p = s4c_malloc(cap);
    S4C_RETURN_IF(!p, S4C_ERROR_OUT_OF_MEMORY);
    if (slot->payload_len) memcpy(p, slot->payload, slot->payload_len);
    s4c_free(slot->payload);
    slot->payload = p;
    slot->payload_cap = cap;
    return S4C_OK;
}

/* A complete header in s->hdr: start skipping padding or collecting a payload. */
static s4c_status header_done(s4c_stream_decode *s) {
    s->hdr_len = 0;
    if (s4c_is_padding_magic(s->hdr)) {
        uint64_t pad_len = s4c_load_le64(s->hdr + 4);
        if (pad_len > SIZE_MAX) {
            set_parse_error(s, s4c_frame_payload_too_large(pad_len, &s->parse_detail));
            return S4C_OK;
        }
        s->pad_len = s->pad_left = pad_len;
        s->parse = pad_len ? PARSE_PADDING : PARSE_HEADER;
        return S4C_OK;
    }
    frame_slot *slot = &s->slots[s->n_ready];
    s4c_status st = s4c_check_frame_header(s->hdr, &slot->frame.header, &s->parse_detail);
    if (st != S4C_OK) {
        set_parse_error(s, st);
        return S4C_OK;
    }
    slot->payload_len = 0;
    s->payload_left = slot->frame.header.compressed_size;
    if (s->payload_left == 0)
        s->n_ready++;
    else
        s->parse = PARSE_PAYLOAD;
    return S4C_OK;
}

/* Consumes input until a batch is full, a parse error shows, or input runs out. */
static s4c_status parse(s4c_stream_decode *s, s4c_in_buffer *in) {
    const uint8_t *src = in->src;
    while (in->pos < in->size && s->n_ready < s->n_slots && s->parse_error == S4C_OK) {
        size_t avail = in->size - in->pos;
        size_t k;
        if (s->parse == PARSE_HEADER) {
            size_t need = s->hdr_len < 4                 ? 4
                          : s4c_is_padding_magic(s->hdr) ? S4C_PADDING_HEADER_BYTES
                                                         : S4C_FRAME_HEADER_BYTES;
            k = need - s->hdr_len < avail ? need - s->hdr_len : avail;
            memcpy(s->hdr + s->hdr_len, src + in->pos, k);
            s->hdr_len += k;
            if (s->hdr_len == need && need > 4) S4C_TRY(header_done(s));
        } else if (s->parse == PARSE_PADDING) {
            k = s->pad_left < avail ? (size_t)s->pad_left : avail;
            s->pad_left -= k;
            if (!s->pad_left) s->parse = PARSE_HEADER;
        } else {
            frame_slot *slot = &s->slots[s->n_ready];
            k = s->payload_left < avail ? (size_t)s->payload_left : avail;
            S4C_TRY(grow_payload(slot, slot->payload_len + k));
            memcpy(slot->payload + slot->payload_len, src + in->pos, k);
            slot->payload_len += k;
            s->payload_left -= k;
            if (!s->payload_left) {
                s->parse = PARSE_HEADER;
                s->n_ready++;
            }
        }
        in->pos += k;
        s->info.compressed_size += k;
    }
    return S4C_OK;
}

/* The iterator's verdict on a body that ends here. */
static void end_of_input(s4c_stream_decode *s) {
    if (s->parse_error != S4C_OK) return;
    s4c_error_detail *d = &s->parse_detail;
    if (s->parse == PARSE_HEADER && s->hdr_len)
        set_parse_error(s, s4c_frame_too_short(s->hdr_len, d));
    else if (s->parse == PARSE_PADDING)
        set_parse_error(s, s4c_frame_payload_truncated(s->pad_len, s->pad_len - s->pad_left, d));
    else if (s->parse == PARSE_PAYLOAD)
        set_parse_error(
            s, s4c_frame_payload_truncated(s->slots[s->n_ready].frame.header.compressed_size,
                                           s->slots[s->n_ready].payload_len, d));
}

/* ------------------------------------------------------------ decoding */

typedef struct batch_job {
    s4c_object_decoder *dec;
    s4c_stream_decode *s;
} batch_job;

static void slot_task(void *ctx, size_t i, unsigned worker) {
    batch_job *j = ctx;
    frame_slot *slot = &j->s->slots[i];
    const s4c_manifest *h = &slot->frame.header;
    slot->frame.payload = slot->payload;
    slot->frame.payload_size = slot->payload_len;
    slot->out_len = slot->out_pos = 0;
    /* Room for the frame's bytes; beyond S4's 5 GiB limit the decode fails on
     * the manifest check before it needs any. Passthrough never needs more
     * than its payload (its length must equal original_size). */
    uint64_t want = h->original_size > S4C_MAX_DECOMPRESSED_BYTES ? 0 : h->original_size;
    if (h->codec == S4C_KIND_PASSTHROUGH && want > slot->payload_len) want = slot->payload_len;
    if (want > slot->out_cap) {
        s4c_free(slot->out);
        slot->out = s4c_malloc((size_t)want);
        slot->out_cap = slot->out ? (size_t)want : 0;
        if (!slot->out) {
            slot->status = s4c_fail(&slot->detail, S4C_ERROR_OUT_OF_MEMORY,
                                    "out of memory (%llu bytes)", (unsigned long long)want);
            return;
        }
    }
    slot->status = s4c_object_decoder_decode_one(j->dec, worker, &slot->frame, slot->out,
                                                 (size_t)want, &slot->detail);
    if (slot->status == S4C_OK) slot->out_len = (size_t)h->original_size;
}

static s4c_status decode_batch(s4c_object_decoder *dec, s4c_stream_decode *s, s4c_error_detail *d) {
    unsigned count = s->n_ready;
    if (s4c_object_decoder_ensure_pool(dec, count) != S4C_OK) {
        s4c_error_detail oom;
        s4c_fail(&oom, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
        return fail(s, S4C_ERROR_OUT_OF_MEMORY, &oom, s->info.n_frames, d);
    }
    batch_job job = {dec, s};
    s4c_pool_run(dec->pool, count, slot_task, &job);
    for (unsigned i = 0; i < count; i++) {
        frame_slot *slot = &s->slots[i];
        if (slot->status != S4C_OK) /* frames before it were counted just now */
            return fail(s, slot->status, &slot->detail, s->info.n_frames, d);
        const s4c_manifest *h = &slot->frame.header;
        if (s->info.n_frames == 0) s->info.codec = h->codec;
        s->info.n_frames++;
        s->info.original_size += h->original_size;
        s->info.payload_size += h->compressed_size;
        s->info.crc32c = s4c_crc32c_combine(s->info.crc32c, h->crc32c, h->original_size);
    }
    s->batch = count;
    s->drain = 0;
    s->n_ready = 0;
    return S4C_OK;
}

static size_t pending_output(const s4c_stream_decode *s) {
    size_t n = 0;
    for (unsigned i = s->drain; i < s->batch; i++)
        n += s->slots[i].out_len - s->slots[i].out_pos;
    return n;
}

/* Writes decoded frames out; 1 when everything went, 0 when `out` is full. */
static int drain(s4c_stream_decode *s, s4c_out_buffer *out) {
    while (s->drain < s->batch) {
        frame_slot *slot = &s->slots[s->drain];
        size_t k = slot->out_len - slot->out_pos;
        if (k > out->size - out->pos) k = out->size - out->pos;
        if (k) memcpy((uint8_t *)out->dst + out->pos, slot->out + slot->out_pos, k);
        slot->out_pos += k;
        out->pos += k;
        if (slot->out_pos < slot->out_len) return 0;
        s->drain++;
    }
    s->batch = s->drain = 0;
    return 1;
}

s4c_status s4c_object_decoder_stream(s4c_object_decoder *dec, s4c_in_buffer *in,
                                     s4c_out_buffer *out, s4c_flush_mode mode, size_t *pending_ret,
                                     s4c_error_detail *d) {
    s4c_detail_clear(d);
    if (pending_ret) *pending_ret = 0;
    S4C_RETURN_IF(!dec || !in || !out || in->pos > in->size || out->pos > out->size ||
                      (!in->src && in->size) || (!out->dst && out->size) ||
                      (mode != S4C_FLUSH_NONE && mode != S4C_FLUSH_BLOCK && mode != S4C_FLUSH_END),
                  S4C_ERROR_INVALID_ARGUMENT);
    s4c_stream_decode *s = NULL;
    if (stream_state(dec, &s) != S4C_OK)
        return s4c_fail(d, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
    if (s->stage == STAGE_FAILED)
        return s4c_fail(d, S4C_ERROR_FAILED_STATE, "%s", s4c_strerror(S4C_ERROR_FAILED_STATE));
    if (s->stage == STAGE_IDLE) begin_body(s);

    for (;;) {
        if (s->batch && !drain(s, out)) {
            if (pending_ret) *pending_ret = pending_output(s);
            return S4C_OK;
        }
        if (s->parse_error != S4C_OK && s->n_ready == 0)
            return fail(s, s->parse_error, &s->parse_detail, s->info.n_frames, d);
        if (parse(s, in) != S4C_OK) {
            s4c_error_detail oom;
            s4c_fail(&oom, S4C_ERROR_OUT_OF_MEMORY, "out of memory");
            return fail(s, S4C_ERROR_OUT_OF_MEMORY, &oom, s->info.n_frames + s->n_ready, d);
        }
        int input_done = in->pos == in->size;
        if (input_done && mode == S4C_FLUSH_END) end_of_input(s);
        if (s->n_ready && (s->n_ready == s->n_slots || s->parse_error != S4C_OK ||
                           (input_done && mode != S4C_FLUSH_NONE))) {
            S4C_TRY(decode_batch(dec, s, d));
            continue;
        }
        if (s->parse_error != S4C_OK) continue; /* reported at the top */
        if (input_done && mode == S4C_FLUSH_END) {
            s->stage = STAGE_IDLE;
            s->have_info = 1;
        }
        return S4C_OK;
    }
}

s4c_status s4c_object_decoder_reset(s4c_object_decoder *dec) {
    S4C_RETURN_IF(!dec, S4C_ERROR_INVALID_ARGUMENT);
    if (dec->stream) {
        dec->stream->stage = STAGE_IDLE;
        dec->stream->have_info = 0;
    }
    return S4C_OK;
}

s4c_status s4c_object_decoder_info(const s4c_object_decoder *dec, s4c_object_info *info_ret) {
    S4C_RETURN_IF(!dec || !info_ret, S4C_ERROR_INVALID_ARGUMENT);
    const s4c_stream_decode *s = dec->stream;
    S4C_RETURN_IF(!s || s->stage == STAGE_ACTIVE || !s->have_info, S4C_ERROR_STAGE);
    *info_ret = s->info;
    return S4C_OK;
}
