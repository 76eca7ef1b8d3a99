#include "base/hash.h"

#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

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

/*
 * The streaming decoder: what hash_base64_decode always means. OpenSSL's
 * EVP_DecodeUpdate/EVP_DecodeFinal decide what is accepted (line breaks,
 * blanks, a '-' that ends the text, '=' padding). The decoded bytes pass
 * through chunk, which is wiped after: they may be a secret.
 */
static enum lt_rc base64_decode_stream(struct buf *out, const char *b64, size_t n)
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
    OPENSSL_cleanse(chunk, sizeof(chunk));
    EVP_ENCODE_CTX_free(ctx);
    return rc;
}

/* 1 for the 64 characters of the base64 alphabet (A-Z a-z 0-9 + /), 0 for any other byte. */
/* clang-format off */
static const unsigned char base64_alphabet[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};
/* clang-format on */

/*
 * The number of '=' that pad b64 when it is plain base64: whole groups of
 * four alphabet characters, the last of which may end in "=" or "==", and
 * nothing else (no line breaks, blanks or '-'). -1 for any other text.
 */
static int plain_base64_padding(const char *b64, size_t n)
{
    if (n == 0 || n % 4 != 0 || n > INT_MAX) {
        return -1;
    }
    int pad = b64[n - 1] != '=' ? 0 : b64[n - 2] != '=' ? 1 : 2;
    size_t end = n - (size_t)pad;
    for (size_t i = 0; i < end; i++) {
        if (!base64_alphabet[(unsigned char)b64[i]]) {
            return -1;
        }
    }
    return pad;
}

/*
 * User data is almost always plain base64 (plain_base64_padding), which the
 * streaming decoder takes whole: for such text EVP_DecodeBlock gives the same
 * bytes, padding decoded as zero bits (dropped here, as EVP_DecodeUpdate drops
 * them), with no context to allocate and no copy through a chunk. Any other
 * text (empty, wrapped in lines, with blanks, '-' or misplaced '=', or not
 * base64 at all) goes to the streaming decoder, so it is accepted or refused
 * exactly as before. tests/unit/test_base.c compares the two on many inputs.
 */
enum lt_rc hash_base64_decode(struct buf *out, const char *b64, size_t n)
{
    int pad = plain_base64_padding(b64, n);
    /*
     * Room is made for whole groups, padding included: when that would pass
     * out's limit the streaming decoder decides, which fails only if the
     * bytes without the padding do not fit either.
     */
    if (pad < 0 || n / 4 * 3 > out->max - out->len) {
        return base64_decode_stream(out, b64, n);
    }
    size_t start = out->len;
    char *at;
    LT_TRY(buf_extend(out, n / 4 * 3, &at));
    if (EVP_DecodeBlock((unsigned char *)at, (const unsigned char *)b64, (int)n) !=
        (int)(n / 4 * 3)) {
        buf_truncate(out, start);
        return LT_E_INTERNAL; /* cannot happen: the text was checked */
    }
    /* The bytes the padding stood for hold only the last character's unused bits. */
    memset(at + n / 4 * 3 - pad, 0, (size_t)pad);
    buf_truncate(out, out->len - (size_t)pad);
    return LT_OK;
}
