/*
 * gzip_stream.h — the cpu-gzip streaming encoder (gzip_encoder.c) and
 * decoder (gzip_decoder.c), wired into s4c_gzip_ops by gzip_codec.c.
 */
#ifndef S4C_GZIP_STREAM_H
#define S4C_GZIP_STREAM_H

#include "../core/codec_internal.h"

/* Input the streaming encoder gathers before compressing it as one chunk. */
#define S4C_GZIP_STREAM_CHUNK ((size_t)1 << 20)

S4C_INTERNAL s4c_status s4c_gzip_encoder_create(const s4c_codec_options *o, int level,
                                                const void *dict, size_t dict_size, void **impl,
                                                s4c_error_detail *d);
S4C_INTERNAL s4c_status s4c_gzip_encoder_stream(void *impl, s4c_in_buffer *in, s4c_out_buffer *out,
                                                s4c_flush_mode mode, size_t *pending);
S4C_INTERNAL s4c_status s4c_gzip_encoder_reset(void *impl);
S4C_INTERNAL void s4c_gzip_encoder_free(void *impl);

S4C_INTERNAL s4c_status s4c_gzip_decoder_create(const s4c_decoder_options *o, void **impl,
                                                s4c_error_detail *d);
S4C_INTERNAL s4c_status s4c_gzip_decoder_stream(void *impl, s4c_in_buffer *in, s4c_out_buffer *out,
                                                size_t *hint, s4c_error_detail *d);
S4C_INTERNAL s4c_status s4c_gzip_decoder_finish(void *impl);
S4C_INTERNAL s4c_status s4c_gzip_decoder_reset(void *impl);
S4C_INTERNAL void s4c_gzip_decoder_free(void *impl);
/* Resumable decoding (s4codec_resume.h; body format in docs/formats/state.md). */
S4C_INTERNAL void s4c_gzip_decoder_position(const void *impl, s4c_decoder_position *pos);
S4C_INTERNAL s4c_status s4c_gzip_decoder_clone(const void *impl, void **clone,
                                               s4c_error_detail *d);
S4C_INTERNAL s4c_status s4c_gzip_decoder_save(const void *impl, s4c_blob_writer *w,
                                              s4c_error_detail *d);
S4C_INTERNAL s4c_status s4c_gzip_decoder_load(const s4c_decoder_options *o, s4c_blob_reader *r,
                                              const s4c_state_info *info, void **impl,
                                              s4c_error_detail *d);

#endif /* S4C_GZIP_STREAM_H */
