/*
 * hash.h - SHA-256, HMAC-SHA256, SHA-1, hex and base64 decoding, through libcrypto.
 *
 * Owns: every digest ltsnap computes.
 * May call: libcrypto, buf.
 *
 * libcrypto calls can fail only on allocation or a broken library; such a
 * failure is LT_E_INTERNAL.
 */
#ifndef LT_BASE_HASH_H
#define LT_BASE_HASH_H

#include "base/buf.h"
#include "base/lt.h"
#include "base/rc.h"

#define HASH_SHA256_LEN 32
#define HASH_SHA256_HEX_LEN 64
#define HASH_SHA1_LEN 20

LT_MUST_CHECK enum lt_rc hash_sha256(const void *data, size_t n,
                                     unsigned char out[HASH_SHA256_LEN]);
LT_MUST_CHECK enum lt_rc hash_sha1(const void *data, size_t n, unsigned char out[HASH_SHA1_LEN]);
LT_MUST_CHECK enum lt_rc hash_hmac_sha256(const void *key, size_t keylen, const void *msg,
                                          size_t msglen, unsigned char out[HASH_SHA256_LEN]);
/* Appends the lower-case hex form of n bytes. */
LT_MUST_CHECK enum lt_rc hash_hex(struct buf *out, const unsigned char *bytes, size_t n);
/* Appends the lower-case hex SHA-256 of data. */
LT_MUST_CHECK enum lt_rc hash_sha256_hex(struct buf *out, const void *data, size_t n);

/* Streaming SHA-256 for files written piecewise. */
struct hash_sha256_stream {
    void *ctx; /* EVP_MD_CTX, owned */
};

LT_MUST_CHECK enum lt_rc hash_sha256_begin(struct hash_sha256_stream *s);
LT_MUST_CHECK enum lt_rc hash_sha256_update(struct hash_sha256_stream *s, const void *data,
                                            size_t n);
/* Finishes and frees the context; out gets the digest. */
LT_MUST_CHECK enum lt_rc hash_sha256_end(struct hash_sha256_stream *s,
                                         unsigned char out[HASH_SHA256_LEN]);
/* Frees the context without a digest (error paths). Safe to call twice. */
void hash_sha256_abort(struct hash_sha256_stream *s);

/*
 * Appends the bytes that standard base64 text (RFC 4648, with padding;
 * line breaks allowed) stands for. LT_E_INPUT when the text is not base64.
 */
LT_MUST_CHECK enum lt_rc hash_base64_decode(struct buf *out, const char *b64, size_t n);

#endif
