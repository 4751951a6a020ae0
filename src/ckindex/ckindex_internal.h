/*
 * ckindex_internal.h — the checkpoint index (.s4ci) object shared by the
 * format code (ckindex_format.c), the builder (ckindex_build.c) and the
 * readers (ckindex_read.c). Byte format: docs/formats/s4ci.md.
 */
#ifndef S4C_CKINDEX_INTERNAL_H
#define S4C_CKINDEX_INTERNAL_H

#include "../core/codec_internal.h"

#define S4C_CKI_MAGIC "S4CI"
#define S4C_CKI_VERSION 1
#define S4C_CKI_HEADER 56 /* bytes before the first entry */
#define S4C_CKI_MIN (S4C_CKI_HEADER + 4 + 3) /* header, entry 0 (3 zero varints), CRC */

struct s4c_ckindex {
    uint32_t kind;
    uint64_t spacing;
    uint64_t compressed_size;
    uint64_t uncompressed_size;
    uint32_t fp_len;        /* bytes of the stream's start the fingerprint covers */
    uint64_t fp;            /* XXH64 (seed 0) of them */
    size_t count;
    size_t cap;
    uint64_t *coff;         /* compressed offset of entry i */
    uint64_t *uoff;         /* uncompressed offset of entry i */
    size_t *soff, *slen;    /* its state blob: blobs[soff .. soff + slen) (entry 0: none) */
    uint8_t *blobs;
    size_t blobs_size, blobs_cap;
};

/* An empty index object (no entries). NULL when out of memory. */
S4C_INTERNAL s4c_ckindex *s4c_cki_new(void);
/* Appends an entry (the blob is copied). S4C_ERROR_OUT_OF_MEMORY on failure. */
S4C_INTERNAL s4c_status s4c_cki_append(s4c_ckindex *ix, uint64_t coff, uint64_t uoff,
                                       const uint8_t *blob, size_t blob_size);
/* Index of the last entry whose uncompressed offset is <= offset (count > 0). */
S4C_INTERNAL size_t s4c_cki_find(const s4c_ckindex *ix, uint64_t offset);

#endif /* S4C_CKINDEX_INTERNAL_H */
