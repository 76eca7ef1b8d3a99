#include "base/hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

static enum lt_rc digest(const EVP_MD *md, const void *data, size_t n, unsigned char *out)
{
    unsigned int len = 0;
    return md && EVP_Digest(data, n, out, &len, md, NULL) == 1 ? LT_OK : LT_E_INTERNAL;
}

/*
 * SHA-256 fetched from the provider once: EVP_sha256() makes EVP_Digest look
 * the implementation up again on every call, which costs more than hashing
 * the few hundred bytes of a user data script. Never freed (one per process).
 */
static const EVP_MD *sha256_md(void)
{
    static EVP_MD *md;
    if (!md) {
        md = EVP_MD_fetch(NULL, "SHA256", NULL);
    }
    return md;
}

/*
 * The context hash_sha256 uses, made once and kept (never freed; ltsnap is
 * single-threaded). EVP_Digest would allocate and free a context, and the
 * provider's state inside it, for every call: more than hashing a short user
 * data script costs. EVP_DigestInit_ex2 with the same digest reuses both.
 * Nothing of the hashed bytes stays in it: SHA-256's final step wipes the
 * block buffer, and what is left is the digest itself.
 */
static EVP_MD_CTX *sha256_ctx(void)
{
    static EVP_MD_CTX *ctx;
    if (!ctx) {
        ctx = EVP_MD_CTX_new();
    }
    return ctx;
}

enum lt_rc hash_sha256(const void *data, size_t n, unsigned char out[HASH_SHA256_LEN])
{
    const EVP_MD *md = sha256_md();
    EVP_MD_CTX *ctx = sha256_ctx();
    unsigned int len = 0;
    if (!md || !ctx) {
        return LT_E_INTERNAL;
    }
    if (EVP_DigestInit_ex2(ctx, md, NULL) != 1 || EVP_DigestUpdate(ctx, data, n) != 1 ||
        EVP_DigestFinal_ex(ctx, out, &len) != 1) {
        EVP_MD_CTX_reset(ctx); /* frees (and wipes) whatever a failed call left in it */
        return LT_E_INTERNAL;
    }
    return LT_OK;
}

enum lt_rc hash_sha1(const void *data, size_t n, unsigned char out[HASH_SHA1_LEN])
{
    return digest(EVP_sha1(), data, n, out);
}

enum lt_rc hash_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t msglen,
                            unsigned char out[HASH_SHA256_LEN])
{
    unsigned int len = 0;
    if (keylen > INT32_MAX) {
        return LT_E_INTERNAL;
    }
    return HMAC(EVP_sha256(), key, (int)keylen, msg, msglen, out, &len) ? LT_OK : LT_E_INTERNAL;
}

enum lt_rc hash_hex(struct buf *out, const unsigned char *bytes, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    if (n > SIZE_MAX / 2) {
        return LT_E_LIMIT;
    }
    char *at;
    LT_TRY(buf_extend(out, 2 * n, &at));
    for (size_t i = 0; i < n; i++) {
        at[2 * i] = digits[bytes[i] >> 4];
        at[2 * i + 1] = digits[bytes[i] & 0x0F];
    }
    return LT_OK;
}

enum lt_rc hash_sha256_hex(struct buf *out, const void *data, size_t n)
{
    unsigned char md[HASH_SHA256_LEN];
    LT_TRY(hash_sha256(data, n, md));
    return hash_hex(out, md, sizeof(md));
}

enum lt_rc hash_sha256_begin(struct hash_sha256_stream *s)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    s->ctx = ctx;
    if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
        hash_sha256_abort(s);
        return LT_E_INTERNAL;
    }
    return LT_OK;
}

enum lt_rc hash_sha256_update(struct hash_sha256_stream *s, const void *data, size_t n)
{
    return EVP_DigestUpdate(s->ctx, data, n) == 1 ? LT_OK : LT_E_INTERNAL;
}

enum lt_rc hash_sha256_end(struct hash_sha256_stream *s, unsigned char out[HASH_SHA256_LEN])
{
    unsigned int len = 0;
    int ok = EVP_DigestFinal_ex(s->ctx, out, &len);
    hash_sha256_abort(s);
    return ok == 1 ? LT_OK : LT_E_INTERNAL;
}

void hash_sha256_abort(struct hash_sha256_stream *s)
{
    EVP_MD_CTX_free(s->ctx);
    s->ctx = NULL;
}

enum lt_rc hash_base64_decode(struct buf *out, const char *b64, size_t n)
{
    EVP_ENCODE_CTX *ctx = EVP_ENCODE_CTX_new();
    if (!ctx) {
        return LT_E_INTERNAL;
    }
    EVP_DecodeInit(ctx);
    enum lt_rc rc = LT_OK;
    unsigned char chunk[4096];
    size_t off = 0;
    /* 4000 characters (plus the up to 64 the context keeps) decode to under 4096 bytes. */
    while (rc == LT_OK && off < n) {
        size_t take = n - off < 4000 ? n - off : 4000;
        int outl = 0;
        if (EVP_DecodeUpdate(ctx, chunk, &outl, (const unsigned char *)b64 + off, (int)take) < 0) {
            rc = LT_E_INPUT;
        } else {
            rc = buf_add(out, chunk, (size_t)outl);
        }
        off += take;
    }
    int outl = 0;
    if (rc == LT_OK && EVP_DecodeFinal(ctx, chunk, &outl) != 1) {
        rc = LT_E_INPUT;
    }
    if (rc == LT_OK) {
        rc = buf_add(out, chunk, (size_t)outl);
    }
    EVP_ENCODE_CTX_free(ctx);
    return rc;
}
