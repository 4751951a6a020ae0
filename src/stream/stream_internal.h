/*
 * stream_internal.h — the generic decoder object, shared by stream.c (the
 * streaming calls) and resume.c (position, clone, save, load).
 */
#ifndef S4C_STREAM_INTERNAL_H
#define S4C_STREAM_INTERNAL_H

#include "../core/codec_internal.h"

struct s4c_decoder {
    const s4c_codec_ops *ops;
    void *impl;
    s4c_status failed;
    s4c_error_detail error;
    s4c_decoder_options opts; /* as created / loaded (dict pointer not kept) */

    /* Fingerprint: the stream's first bytes (up to S4C_FINGERPRINT_BYTES). A
     * fresh decoder collects them as it consumes; a loaded one got them from
     * the caller's stream head (head_frozen). */
    uint32_t head_len;
    uint8_t head_frozen;
    uint8_t head[S4C_FINGERPRINT_BYTES];

    /* A loaded decoder re-decodes from the blob's resume point and discards
     * output until the codec has produced `skip_to` bytes. */
    uint64_t skip_to;
    uint64_t skip_consumed; /* input position the blob was saved at */
    uint8_t *skip_buf; /* scratch for the discarded bytes, freed when done */
};

/* Copies and validates caller options (struct_size rule); NULL → defaults. */
S4C_INTERNAL s4c_status s4c_decoder_options_copy(const s4c_decoder_options *in,
                                                 s4c_decoder_options *out);
/* Kind lookup for streaming; sets d and returns NULL when unusable. */
S4C_INTERNAL const s4c_codec_ops *s4c_streaming_ops(uint32_t kind, s4c_error_detail *d,
                                                   int encoder);

#endif /* S4C_STREAM_INTERNAL_H */
