/* Unit tests for the base modules: buf, err, utf8, clock, hash, json, log, fsx_writer. */
#include <float.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/fsx.h"
#include "base/hash.h"
#include "base/json.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/utf8.h"
#include "tap.h"
#include "testfs.h"

static void test_buf(void)
{
    struct buf b = BUF_INIT(8);
    EXPECT_STR(buf_str(&b), "");
    EXPECT_OK(buf_adds(&b, "abc"));
    EXPECT_OK(buf_printf(&b, "%d", 42));
    EXPECT_STR(buf_str(&b), "abc42");
    EXPECT_OK(buf_add(&b, "\0x", 2));
    EXPECT_INT(b.len, 7);
    /* One byte over the cap fails and releases the buffer. */
    EXPECT_INT(buf_adds(&b, "zz"), LT_E_LIMIT);
    EXPECT_INT(b.len, 0);
    EXPECT(b.ptr == NULL);
    EXPECT_OK(buf_adds(&b, "12345678"));
    EXPECT_INT(buf_addc(&b, '9'), LT_E_LIMIT);
    EXPECT_OK(buf_adds(&b, "hello"));
    buf_truncate(&b, 2);
    EXPECT_STR(buf_str(&b), "he");
    size_t n;
    char *p = buf_detach(&b, &n);
    EXPECT_STR(p, "he");
    EXPECT_INT(n, 2);
    EXPECT_STR(buf_str(&b), "");
    free(p);
    buf_release(&b);
}

static void test_err(void)
{
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_INT(lt_fail(&err, LT_E_INPUT, "line %d: mismatched tag", 12), LT_E_INPUT);
    /* First failure wins. */
    EXPECT_INT(lt_fail(&err, LT_E_IO, "later"), LT_E_IO);
    lt_error_prefix(&err, "cannot parse '%s'", "a.xml");
    EXPECT_STR(lt_error_message(&err), "cannot parse 'a.xml': line 12: mismatched tag");
    EXPECT_INT(err.code, LT_E_INPUT);
    lt_error_clear(&err);
    EXPECT_INT(err.code, LT_OK);
    lt_error_prefix(&err, "no effect");
    EXPECT_STR(lt_error_message(&err), "success");
    lt_error_release(&err);
    EXPECT_STR(lt_rc_name(LT_E_CREDS), "credentials");
    EXPECT_INT(lt_rc_category(LT_E_USAGE), LT_CAT_USAGE);
}

static void test_utf8(void)
{
    size_t bad = 99;
    EXPECT(utf8_valid("plain", 5, NULL));
    EXPECT(utf8_valid("\xc3\xa9\xe2\x80\xa8\xf0\x9f\x98\x80", 9, NULL));
    EXPECT(!utf8_valid("ab\xc0\xaf", 4, &bad)); /* overlong '/' */
    EXPECT_INT(bad, 2);
    EXPECT(!utf8_valid("\xed\xa0\x80", 3, &bad));     /* lone surrogate */
    EXPECT(!utf8_valid("\xf4\x90\x80\x80", 4, &bad)); /* above U+10FFFF */
    EXPECT(!utf8_valid("\xe2\x80", 2, &bad));         /* truncated */
    /* A bad byte anywhere in long ASCII text (the 32- and 8-byte steps) is found where it is. */
    char text[100];
    memset(text, 'a', sizeof(text));
    EXPECT(utf8_valid(text, sizeof(text), NULL));
    for (size_t at = 0; at < sizeof(text); at++) {
        text[at] = (char)0xC0;
        bad = 999;
        EXPECT(!utf8_valid(text, sizeof(text), &bad));
        EXPECT_INT(bad, at);
        text[at] = (char)0xC3; /* with a continuation byte after it: valid again */
        if (at + 1 < sizeof(text)) {
            text[at + 1] = (char)0xA9;
            EXPECT(utf8_valid(text, sizeof(text), NULL));
            text[at + 1] = 'a';
        }
        text[at] = 'a';
    }
    uint32_t cp = 0;
    EXPECT_INT(utf8_decode("\xf0\x9f\x98\x80", 4, &cp), 4);
    EXPECT_INT(cp, 0x1F600);
}

static void test_clock(void)
{
    int64_t t;
    int ms;
    EXPECT(clock_parse_iso8601("2021-10-12T06:27:52.000Z", &t, &ms));
    EXPECT_INT(t, 1634020072);
    EXPECT_INT(ms, 0);
    EXPECT(clock_parse_iso8601("2021-10-12T06:27:52.123456+00:00", &t, &ms));
    EXPECT_INT(t, 1634020072);
    EXPECT_INT(ms, 123);
    EXPECT(clock_parse_iso8601("2021-10-12T08:27:52+02:00", &t, &ms));
    EXPECT_INT(t, 1634020072);
    EXPECT(clock_parse_iso8601("1969-12-31T23:59:59Z", &t, &ms));
    EXPECT_INT(t, -1);
    EXPECT(!clock_parse_iso8601("2021-02-29T00:00:00Z", &t, &ms));
    EXPECT(!clock_parse_iso8601("2021-10-12T06:27:52", &t, &ms));
    EXPECT(!clock_parse_iso8601("2021-10-12T06:27:52Zjunk", &t, &ms));
    EXPECT(!clock_parse_iso8601("", &t, &ms));
    struct buf b = BUF_INIT(64);
    EXPECT_OK(clock_format_iso8601_ms(&b, 1634020072, 5));
    EXPECT_STR(buf_str(&b), "2021-10-12T06:27:52.005Z");
    buf_reset(&b);
    EXPECT_OK(clock_format_amz(&b, 1440938160));
    EXPECT_STR(buf_str(&b), "20150830T123600Z");
    buf_reset(&b);
    EXPECT_OK(clock_format_iso8601(&b, 951782400));
    EXPECT_STR(buf_str(&b), "2000-02-29T00:00:00Z");
    buf_release(&b);
}

static void test_hash(void)
{
    struct buf b = BUF_INIT(256);
    EXPECT_OK(hash_sha256_hex(&b, "", 0));
    EXPECT_STR(buf_str(&b), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    buf_reset(&b);
    unsigned char mac[HASH_SHA256_LEN];
    /* RFC 4231 test case 2. */
    EXPECT_OK(hash_hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, mac));
    EXPECT_OK(hash_hex(&b, mac, sizeof(mac)));
    EXPECT_STR(buf_str(&b), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    buf_reset(&b);
    struct hash_sha256_stream s;
    unsigned char md[HASH_SHA256_LEN];
    EXPECT_OK(hash_sha256_begin(&s));
    EXPECT_OK(hash_sha256_update(&s, "ab", 2));
    EXPECT_OK(hash_sha256_update(&s, "c", 1));
    EXPECT_OK(hash_sha256_end(&s, md));
    EXPECT_OK(hash_hex(&b, md, sizeof(md)));
    EXPECT_STR(buf_str(&b), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    buf_release(&b);
}

/* A small fixed-seed generator (xorshift64*), so a failing input can be found again. */
static uint64_t hash_rng_state = 0x9E3779B97F4A7C15u;

static uint32_t hash_rng(void)
{
    hash_rng_state ^= hash_rng_state >> 12;
    hash_rng_state ^= hash_rng_state << 25;
    hash_rng_state ^= hash_rng_state >> 27;
    return (uint32_t)((hash_rng_state * 0x2545F4914F6CDD1Du) >> 32);
}

static size_t hash_rng_below(size_t n)
{
    return n ? hash_rng() % n : 0;
}

/* hash_sha256 reuses one context: each digest must still be that of its own bytes alone. */
static void test_hash_sha256_reuse(void)
{
    unsigned char md[HASH_SHA256_LEN];
    struct buf b = BUF_INIT(256);
    /* FIPS 180-2 examples, one after the other: the second must not see the first. */
    EXPECT_OK(hash_sha256("abc", 3, md));
    EXPECT_OK(hash_hex(&b, md, sizeof(md)));
    EXPECT_STR(buf_str(&b), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    buf_reset(&b);
    static const char two_blocks[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    EXPECT_OK(hash_sha256_hex(&b, two_blocks, sizeof(two_blocks) - 1));
    EXPECT_STR(buf_str(&b), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    buf_reset(&b);
    EXPECT_OK(hash_sha256_hex(&b, "abc", 3));
    EXPECT_STR(buf_str(&b), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    buf_release(&b);

    /* Every length over a few blocks, against the streaming digest (a context of its own). */
    unsigned char data[300];
    for (size_t i = 0; i < sizeof(data); i++) {
        data[i] = (unsigned char)hash_rng();
    }
    size_t bad = 0;
    for (size_t n = 0; n <= sizeof(data); n++) {
        unsigned char want[HASH_SHA256_LEN];
        struct hash_sha256_stream s;
        if (hash_sha256_begin(&s) != LT_OK || hash_sha256_update(&s, data, n / 2) != LT_OK) {
            bad++;
            continue;
        }
        /* hash_sha256 while a stream is open: the two do not share state. */
        if (hash_sha256(data, n, md) != LT_OK) {
            bad++;
        }
        if (hash_sha256_update(&s, data + n / 2, n - n / 2) != LT_OK ||
            hash_sha256_end(&s, want) != LT_OK || memcmp(md, want, sizeof(md)) != 0) {
            bad++;
        }
    }
    EXPECT_INT(bad, 0);
}

/*
 * hash_base64_decode as it was before plain base64 got a path of its own:
 * the reference the current function must match on every input.
 */
static enum lt_rc ref_base64_decode(struct buf *out, const char *b64, size_t n)
{
    EVP_ENCODE_CTX *ctx = EVP_ENCODE_CTX_new();
    if (!ctx) {
        return LT_E_INTERNAL;
    }
    EVP_DecodeInit(ctx);
    enum lt_rc rc = LT_OK;
    unsigned char chunk[4096];
    size_t off = 0;
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

struct b64_diff {
    size_t cases, accepted, mismatches;
};

/*
 * Decodes b64 with both functions into buffers of limit max that already
 * hold prefix_len bytes; the result code, the length and every byte (even
 * after a refusal, which may leave part of the output) must agree.
 */
static void b64_compare_in(struct b64_diff *d, const char *b64, size_t n, size_t max,
                           size_t prefix_len)
{
    struct buf got = BUF_INIT(max), want = BUF_INIT(max);
    enum lt_rc rc_got = LT_OK, rc_want = LT_OK;
    for (size_t i = 0; i < prefix_len; i++) {
        rc_got = buf_addc(&got, 'p');
        rc_want = buf_addc(&want, 'p');
    }
    if (rc_got == LT_OK && rc_want == LT_OK) {
        rc_got = hash_base64_decode(&got, b64, n);
        rc_want = ref_base64_decode(&want, b64, n);
    }
    d->cases++;
    d->accepted += rc_want == LT_OK;
    if (rc_got != rc_want || got.len != want.len ||
        (got.len && memcmp(got.ptr, want.ptr, got.len) != 0)) {
        if (d->mismatches++ == 0) {
            tap_note("base64 mismatch (rc %d vs %d, len %zu vs %zu) on %zu characters: %.*s",
                     (int)rc_got, (int)rc_want, got.len, want.len, n, n > 200 ? 200 : (int)n, b64);
        }
    }
    buf_release(&got);
    buf_release(&want);
}

static void b64_compare(struct b64_diff *d, const char *b64, size_t n)
{
    b64_compare_in(d, b64, n, BUF_MAX_LARGE, 0);
    b64_compare_in(d, b64, n, BUF_MAX_LARGE, 3); /* appends after what out holds */
}

/* n random bytes, base64-encoded without line breaks (EVP_EncodeBlock), into out. */
static void b64_random_text(struct buf *out, size_t n)
{
    unsigned char raw[8192];
    char text[4 * sizeof(raw) / 3 + 8];
    n = n < sizeof(raw) ? n : sizeof(raw);
    for (size_t i = 0; i < n; i++) {
        raw[i] = (unsigned char)hash_rng();
    }
    int len = EVP_EncodeBlock((unsigned char *)text, raw, (int)n);
    buf_reset(out);
    if (buf_add(out, text, (size_t)len) != LT_OK) {
        buf_reset(out);
    }
}

/* The characters the decoder treats specially, and some it refuses. */
static const char b64_hostile[] = "AQgw+/=\n\r\t -\0\x80\xff_.:*\v\f";

static char b64_hostile_char(void)
{
    return b64_hostile[hash_rng_below(sizeof(b64_hostile) - 1)];
}

/* One random edit of text: a hostile character in, a character out, replaced, or a cut. */
static void b64_mutate(struct buf *text)
{
    size_t at = hash_rng_below(text->len + 1);
    char c = b64_hostile_char();
    switch (hash_rng_below(4)) {
    case 0: { /* insert */
        char *p;
        if (buf_extend(text, 1, &p) == LT_OK) {
            memmove(text->ptr + at + 1, text->ptr + at, text->len - 1 - at);
            text->ptr[at] = c;
        }
        break;
    }
    case 1: /* delete */
        if (at < text->len) {
            memmove(text->ptr + at, text->ptr + at + 1, text->len - at - 1);
            buf_truncate(text, text->len - 1);
        }
        break;
    case 2: /* replace */
        if (at < text->len) {
            text->ptr[at] = c;
        }
        break;
    default: /* cut */
        buf_truncate(text, at);
        break;
    }
}

static void test_base64_decode(void)
{
    struct buf b = BUF_INIT(256);
    EXPECT_OK(hash_base64_decode(&b, "aGVsbG8=", 8));
    EXPECT_STR(buf_str(&b), "hello");
    buf_reset(&b);
    EXPECT_OK(hash_base64_decode(&b, "aGVs\nbG8=\n", 10));
    EXPECT_STR(buf_str(&b), "hello");
    buf_reset(&b);
    EXPECT_INT(hash_base64_decode(&b, "not base64!", 11), LT_E_INPUT);
    buf_release(&b);

    struct b64_diff d = {0};
    static const char *const fixed[] = {
        "",       "=",          "==",       "===",        "====",     "A",      "AA",
        "AAA",    "AAAA",       "AA==",     "AAA=",       "A===",     "AA=A",   "A=AA",
        "=AAA",   "AB=C",       "AB==CD==", "AAAA====",   "AA==AAAA", "AAAA=",  "AAAA==",
        "AA===",  " AAAA",      "AAAA ",    "AA AA",      "AAAA\n",   "\nAAAA", "AA\r\nAA",
        "AAAA-",  "-AAAA",      "AA-AA",    "AAAA-junk!", "AA\tAA",   "AA=\n=", "AA==\n",
        "AA=\n",  "AA= =",      "A\200AA",  "AAAA\xff",   "QQ==",     "QUI=",   "QUJD",
        "QQ",     "QUI",        "QR==",     "QUJ=",       "-_-_",     "AAAA\v", "AAAA\f",
        "\tAAAA", "AA\n\n==",   "\n",       " ",          "-",        "==\n",   "AAAA\n====",
        "AAAA\r", "AAA=\nAAAA", "AA==\n-",  "AA==-",
    };
    for (size_t i = 0; i < LT_ARRAY_SIZE(fixed); i++) {
        b64_compare(&d, fixed[i], strlen(fixed[i]));
    }
    b64_compare(&d, "AA\0A", 4); /* a NUL inside the text */
    b64_compare(&d, "AAAA\0", 5);

    struct buf text = BUF_INIT(BUF_MAX_LARGE);
    /* Every length of plain base64 up to a few 64-character lines, and around the 4000-character
     * chunks. */
    for (size_t n = 0; n <= 400; n++) {
        b64_random_text(&text, n);
        b64_compare(&d, buf_str(&text), text.len);
    }
    for (size_t n = 2980; n <= 3020; n++) {
        b64_random_text(&text, n);
        b64_compare(&d, buf_str(&text), text.len);
    }
    for (size_t n = 5990; n <= 6010; n++) {
        b64_random_text(&text, n);
        b64_compare(&d, buf_str(&text), text.len);
    }
    /* Plain text with edits: line breaks, blanks, '-', '=' and refused bytes anywhere. */
    for (int i = 0; i < 20000; i++) {
        b64_random_text(&text, hash_rng_below(i % 10 == 0 ? 3200 : 200));
        size_t edits = 1 + hash_rng_below(3);
        for (size_t e = 0; e < edits; e++) {
            b64_mutate(&text);
        }
        b64_compare(&d, buf_str(&text), text.len);
    }
    /* Short strings of the special characters only. */
    for (int i = 0; i < 20000; i++) {
        buf_reset(&text);
        size_t n = hash_rng_below(24);
        for (size_t k = 0; k < n; k++) {
            if (buf_addc(&text, b64_hostile_char()) != LT_OK) {
                break;
            }
        }
        b64_compare(&d, buf_str(&text), text.len);
    }
    /* Padding or an end mark just before, at and after the 4000-character chunk boundary. */
    for (size_t at = 3990; at <= 4010; at++) {
        for (int k = 0; k < 4; k++) {
            buf_reset(&text);
            for (size_t i = 0; i < 4100; i++) {
                if (buf_addc(&text, "ABCD"[i % 4]) != LT_OK) {
                    break;
                }
            }
            static const char *const marks[] = {"=", "==", "-", "\n"};
            memcpy(text.ptr + at, marks[k], strlen(marks[k]));
            b64_compare(&d, buf_str(&text), text.len);
            buf_truncate(&text, at + strlen(marks[k]));
            b64_compare(&d, buf_str(&text), text.len);
        }
    }
    /* An output limit reached, or just not reached, by the decoded bytes. */
    for (size_t n = 0; n <= 40; n++) {
        b64_random_text(&text, n);
        for (size_t max = 0; max <= 16; max++) {
            b64_compare_in(&d, buf_str(&text), text.len, max, 0);
            b64_compare_in(&d, buf_str(&text), text.len, max, max / 2);
        }
    }
    buf_release(&text);
    tap_note("base64: %zu cases, %zu accepted", d.cases, d.accepted);
    EXPECT(d.accepted > 1000 && d.cases - d.accepted > 1000);
    EXPECT_INT(d.mismatches, 0);
}

static void test_json(void)
{
    cJSON *j =
        cJSON_Parse("{\"b\":1,\"a\":{\"z\":true,\"y\":[{\"d\":1,\"c\":\"x\\n\"}]},\"B\":null}");
    struct buf b = BUF_INIT(1024);
    EXPECT_OK(json_canonical(j, &b));
    EXPECT_STR(buf_str(&b),
               "{\"B\":null,\"a\":{\"y\":[{\"c\":\"x\\n\",\"d\":1}],\"z\":true},\"b\":1}");
    int64_t v;
    EXPECT(json_get_int64(j, "b", &v));
    EXPECT_INT(v, 1);
    EXPECT(!json_get_int64(j, "a", &v));
    EXPECT_INT(json_get_bool(json_get_object(j, "a"), "z"), 1);
    EXPECT_INT(json_get_bool(j, "b"), -1);
    cJSON_Delete(j);
    buf_reset(&b);
    /* Integers past 10^15 keep every digit (cJSON alone prints 9.00719925474099e+15). */
    j = cJSON_Parse("{\"big\":9007199254740993,\"neg\":-1234567890123456,\"small\":42,"
                    "\"frac\":0.5,\"e\":1e16}");
    EXPECT_OK(json_canonical(j, &b));
    EXPECT_STR(buf_str(&b), "{\"big\":9007199254740992,\"e\":10000000000000000,\"frac\":0.5,"
                            "\"neg\":-1234567890123456,\"small\":42}");
    cJSON_Delete(j);
    buf_release(&b);
}

/*
 * Trees made while an arena is current: deleted one by one or dropped with
 * the arena, large blocks, the printing fallback that allocates through
 * cJSON, and a tree made on the heap in between. The sanitizer and valgrind
 * builds see any block freed the wrong way or left behind.
 */
static void test_json_arena(void)
{
    struct json_arena arena;
    json_arena_init(&arena);
    struct buf big = BUF_INIT((size_t)200 * 1024);
    EXPECT_OK(buf_adds(&big, "{\"k\":\""));
    char *at = NULL;
    EXPECT_OK(buf_extend(&big, (size_t)100 * 1024, &at));
    if (at) {
        memset(at, 'a', (size_t)100 * 1024);
    }
    EXPECT_OK(buf_adds(&big, "\",\"n\":12345678901234567}"));
    for (int round = 0; round < 3; round++) {
        struct json_arena *previous = json_arena_enter(&arena);
        cJSON *deleted = cJSON_Parse("{\"b\":[1,2,{\"y\":\"z\"}],\"a\":\"x\"}");
        cJSON *dropped = cJSON_Parse(buf_str(&big)); /* a 100 KB string: a block of its own */
        EXPECT(deleted != NULL && dropped != NULL);
        json_arena_leave(previous);
        cJSON *heap = cJSON_CreateString("made on the heap");
        /* A limit below the printer's first reservation: the room is cut to the limit. */
        struct buf small = BUF_INIT(64);
        previous = json_arena_enter(&arena);
        EXPECT_OK(json_canonical(deleted, &small));
        json_arena_leave(previous);
        EXPECT_STR(buf_str(&small), "{\"a\":\"x\",\"b\":[1,2,{\"y\":\"z\"}]}");
        struct buf text = BUF_INIT((size_t)200 * 1024);
        EXPECT_OK(json_canonical(dropped, &text));
        EXPECT_INT(text.len, big.len);
        cJSON_Delete(deleted);
        cJSON_Delete(heap);
        json_arena_reset(&arena); /* takes `dropped` back */
        buf_release(&small);
        buf_release(&text);
    }
    json_arena_release(&arena);
    buf_release(&big);
}

/* json_pick: the first member of each name in one pass; absent names are NULL. */
static void test_json_pick(void)
{
    cJSON *j = cJSON_Parse("{\"Key\":\"a\",\"Kind\":1,\"\":true,\"Key\":\"second\",\"K\":[]}");
    static const char *const names[] = {"Key", "K", "Kind", "Missing", "", "Ke"};
    cJSON *found[LT_ARRAY_SIZE(names)];
    json_pick(j, names, LT_ARRAY_SIZE(names), found);
    EXPECT_STR(json_string(found[0]), "a"); /* the first of two, as cJSON's lookup */
    EXPECT(cJSON_IsArray(found[1]));
    int64_t v = 0;
    EXPECT(json_int64(found[2], &v));
    EXPECT_INT(v, 1);
    EXPECT(found[3] == NULL);
    EXPECT_INT(json_bool(found[4]), 1);
    EXPECT(found[5] == NULL);
    /* Not an object, or none: nothing found. */
    json_pick(NULL, names, LT_ARRAY_SIZE(names), found);
    EXPECT(found[0] == NULL && found[4] == NULL);
    cJSON *list = cJSON_Parse("[\"Key\", {\"Key\": 1}]");
    json_pick(list, names, LT_ARRAY_SIZE(names), found);
    EXPECT(found[0] == NULL);
    EXPECT(json_string(NULL) == NULL && json_bool(NULL) == -1 && !json_int64(NULL, &v));
    cJSON_Delete(list);
    cJSON_Delete(j);
}

/*
 * fsx_writer: the digest and size it reports are those of the bytes in the
 * file, for pieces small and large (the writer hashes a chunk at a time).
 */
static void test_fsx_writer(void)
{
    char dir[256];
    testfs_scratch(dir, sizeof(dir), "writer");
    char *path = mem_strdup(testfs_path(dir, "out"));
    struct buf all = BUF_INIT(BUF_MAX_LARGE);
    struct fsx_writer w;
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_OK(fsx_writer_open(&w, path, &err));
    size_t sizes[] = {1, 50, 0, 1500, 70000, 3, 65536, 200000, 7};
    for (size_t i = 0; i < LT_ARRAY_SIZE(sizes); i++) {
        char *piece = mem_alloc(sizes[i] + 1);
        for (size_t k = 0; k < sizes[i]; k++) {
            piece[k] = (char)('a' + (i * 7 + k) % 26);
        }
        EXPECT_OK(fsx_writer_add(&w, piece, sizes[i], &err));
        EXPECT_OK(buf_add(&all, piece, sizes[i]));
        mem_free(piece);
    }
    unsigned char got[HASH_SHA256_LEN], want[HASH_SHA256_LEN];
    uint64_t bytes = 0;
    EXPECT_OK(fsx_writer_close(&w, got, &bytes, &err));
    EXPECT_INT(bytes, all.len);
    EXPECT_OK(hash_sha256(buf_str(&all), all.len, want));
    EXPECT_MEM(got, sizeof(got), want, sizeof(want));
    size_t len = 0;
    char *text = tap_read_file(path, &len);
    EXPECT_MEM(text, len, buf_str(&all), all.len);
    free(text);
    buf_release(&all);
    mem_free(path);
    testfs_remove(dir);
}

/* fsx_read_file: appends a file's bytes; exactly max is fine, a byte more is refused. */
static void test_fsx_read_file(void)
{
    char dir[256];
    testfs_scratch(dir, sizeof(dir), "readfile");
    char text[40000];
    for (size_t i = 0; i < sizeof(text); i++) {
        text[i] = (char)('A' + i % 23);
    }
    testfs_write(testfs_path(dir, "f"), text, sizeof(text));
    char *path = mem_strdup(testfs_path(dir, "f"));
    struct lt_error err = LT_ERROR_INIT;
    struct buf out = BUF_INIT(BUF_MAX_LARGE);
    EXPECT_OK(buf_adds(&out, "kept:"));
    EXPECT_OK(fsx_read_file(path, sizeof(text), &out, &err));
    EXPECT_INT(out.len, 5 + sizeof(text));
    EXPECT_MEM(out.ptr + 5, out.len - 5, text, sizeof(text));
    buf_reset(&out);
    EXPECT_INT(fsx_read_file(path, sizeof(text) - 1, &out, &err), LT_E_LIMIT);
    EXPECT(strstr(buf_str(&err.msg), "is larger than 39999 bytes") != NULL);
    lt_error_clear(&err);
    buf_reset(&out);
    testfs_write(path, "", 0); /* empty: nothing appended, no failure */
    EXPECT_OK(fsx_read_file(path, 10, &out, &err));
    EXPECT_INT(out.len, 0);
    EXPECT_INT(fsx_read_file(dir, 10, &out, &err), LT_E_IO); /* a directory */
    lt_error_release(&err);
    buf_release(&out);
    mem_free(path);
    testfs_remove(dir);
}

/*
 * ---- json's printer against cJSON's ----
 *
 * The old json_canonical was sort_keys, integers turned into raw nodes of
 * their digits, then cJSON_PrintUnformatted (json_pretty: cJSON_Print). The
 * oracle does that on a copy: members in stable key order (qsort by key,
 * then position: independent of json.c's sort) and integers below 2^63 as
 * raw nodes of "%.0f" digits; cJSON prints everything else. Trees come from
 * a fixed-seed generator with hostile strings and numbers.
 */
static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 32) % n;
}

/* Numbers where cJSON's format, or ltsnap's exact integers, have an edge. */
static const double edge_numbers[] = {
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.1,
    0.1 + 0.2, /* "%1.15g" reads back one unit off: cJSON's tolerance keeps "0.3" */
    1e300,
    -1e-300,
    9007199254740992.0, /* 2^53 */
    9007199254740994.0, /* 2^53 + 2 */
    9007199254740993.0, /* rounds to 2^53 */
    1e15,               /* where cJSON starts rounding integers */
    999999999999999.0,  /* the last integer cJSON prints exactly */
    -1e15,
    123456789012345678.0,
    9223372036854775808.0, /* 2^63: no longer an exact integer */
    -9223372036854775808.0,
    9223372036854774784.0, /* the largest double below 2^63 */
    1e21,
    1.5,
    3.14159265358979,
    1e-7,
    DBL_MAX, /* "%1.15g" reads back as infinity, within cJSON's tolerance */
    DBL_MIN,
    5e-324, /* the least subnormal */
    NAN,
    INFINITY,
    -INFINITY,
};

static double random_number(void)
{
    switch (rnd(5)) {
    case 0:
    case 1:
        return edge_numbers[rnd(LT_ARRAY_SIZE(edge_numbers))];
    case 2: { /* an integer of any size, exact or not */
        int64_t n = (int64_t)(((uint64_t)rnd(0xFFFFFFFFu) << 32 | rnd(0xFFFFFFFFu)) >> rnd(64));
        return rnd(2) ? (double)n : -(double)n;
    }
    case 3: { /* any bits: subnormals, NaNs with payloads, huge and tiny values */
        uint64_t bits = (uint64_t)rnd(0xFFFFFFFFu) << 32 | rnd(0xFFFFFFFFu);
        double d;
        memcpy(&d, &bits, sizeof(d));
        return d;
    }
    default:
        return (double)(int32_t)rnd(0xFFFFFFFFu) / (double)(1 + rnd(100000));
    }
}

/* A NUL-terminated string of up to max - 1 bytes, heavy in what JSON must escape. */
static void random_text(char *s, size_t max)
{
    static const char special[] = "\"\\/\b\f\n\r\t\x01\x1f\x7f\x80\xbf\xc3\xa9\xed\xa0\x80\xff:u";
    size_t n = rnd(4) == 0 ? 0 : rnd((uint32_t)max);
    for (size_t i = 0; i < n; i++) {
        switch (rnd(3)) {
        case 0:
            s[i] = (char)('a' + rnd(26));
            break;
        case 1:
            s[i] = special[rnd(sizeof(special) - 1)];
            break;
        default:
            s[i] = (char)(1 + rnd(255));
            break;
        }
    }
    s[n] = '\0';
}

/* Keys from a small set, so that objects hold duplicates and keys alike but for a byte. */
static const char *random_key(char *scratch, size_t max)
{
    static const char *const keys[] = {"",      "a",     "A",         "B",        "b",    "ab",
                                       "a\x01", "a\x7f", "a\xc3\xa9", "\xc3\xa9", "\xff", "k\"",
                                       "k\\",   "key",   "keys",      "ke"};
    if (rnd(5) == 0) {
        random_text(scratch, max);
        return scratch;
    }
    return keys[rnd(LT_ARRAY_SIZE(keys))];
}

static cJSON *random_value(int depth)
{
    char text[64];
    switch (rnd(depth > 0 ? 11 : 8)) {
    case 0:
        return cJSON_CreateNull();
    case 1:
        return cJSON_CreateBool(rnd(2));
    case 2:
    case 3:
        return cJSON_CreateNumber(random_number());
    case 4:
    case 5:
        random_text(text, sizeof(text));
        return cJSON_CreateString(text);
    case 6: {
        static const char *const raws[] = {"0", "12345678901234567890", "\"raw\"", "[1,2]", ""};
        return cJSON_CreateRaw(raws[rnd(LT_ARRAY_SIZE(raws))]);
    }
    case 7: { /* a string node without its text: printed as "" */
        cJSON *s = cJSON_CreateString("gone");
        cJSON_free(s->valuestring);
        s->valuestring = NULL;
        return s;
    }
    case 8: {
        cJSON *a = cJSON_CreateArray();
        for (uint32_t n = rnd(6); n > 0; n--) {
            cJSON_AddItemToArray(a, random_value(depth - 1));
        }
        return a;
    }
    default: {
        cJSON *o = cJSON_CreateObject();
        for (uint32_t n = rnd(4) ? rnd(8) : rnd(40); n > 0; n--) { /* some past the short sort */
            cJSON_AddItemToObject(o, random_key(text, 12), random_value(depth - 1));
        }
        return o;
    }
    }
}

struct member {
    const cJSON *item;
    size_t position;
};

static int member_cmp(const void *a, const void *b)
{
    const struct member *x = a;
    const struct member *y = b;
    int c = strcmp(x->item->string, y->item->string);
    return c != 0 ? c : (x->position > y->position) - (x->position < y->position);
}

/* What the old json_canonical handed to cJSON's printer, as a new tree. */
static cJSON *old_pipeline_tree(const cJSON *item)
{
    switch (item->type & 0xFF) {
    case cJSON_Number: {
        double d = item->valuedouble;
        if (isfinite(d) && d == floor(d) && fabs(d) < 9223372036854775808.0 &&
            !(d == 0 && signbit(d))) {
            char digits[32];
            snprintf(digits, sizeof(digits), "%.0f", d);
            return cJSON_CreateRaw(digits);
        }
        return cJSON_CreateNumber(d);
    }
    case cJSON_String:
        return cJSON_CreateString(item->valuestring ? item->valuestring : "");
    case cJSON_Array: {
        cJSON *a = cJSON_CreateArray();
        for (const cJSON *c = item->child; c; c = c->next) {
            cJSON_AddItemToArray(a, old_pipeline_tree(c));
        }
        return a;
    }
    case cJSON_Object: {
        size_t n = (size_t)cJSON_GetArraySize(item);
        struct member *m = calloc(n ? n : 1, sizeof(*m));
        size_t i = 0;
        for (const cJSON *c = item->child; c; c = c->next, i++) {
            m[i].item = c;
            m[i].position = i;
        }
        qsort(m, n, sizeof(*m), member_cmp);
        cJSON *o = cJSON_CreateObject();
        for (i = 0; i < n; i++) {
            cJSON_AddItemToObject(o, m[i].item->string, old_pipeline_tree(m[i].item));
        }
        free(m);
        return o;
    }
    default:
        return cJSON_Duplicate(item, false);
    }
}

/* cJSON's links after sorting: next/prev agree, the head's prev is the tail. */
static bool links_whole(const cJSON *item)
{
    const cJSON *last = NULL;
    for (const cJSON *c = item->child; c; c = c->next) {
        if ((last && c->prev != last) || !links_whole(c)) {
            return false;
        }
        last = c;
    }
    return !item->child || item->child->prev == last;
}

/* Prints tree both ways, old and new, and counts a failure (shown) when they differ. */
static int printers_differ(cJSON *tree)
{
    cJSON *old = old_pipeline_tree(tree);
    cJSON *again = cJSON_Duplicate(tree, true);
    char *want = cJSON_PrintUnformatted(old);
    char *want_pretty = cJSON_Print(old);
    struct buf got = BUF_INIT(BUF_MAX_LARGE);
    struct buf got_pretty = BUF_INIT(BUF_MAX_LARGE);
    struct buf want_text = BUF_INIT(BUF_MAX_LARGE);
    int differ = 0;
    /* Appended after text already there, which must stay. */
    if (buf_adds(&got, "<") != LT_OK || json_canonical(tree, &got) != LT_OK ||
        json_pretty(again, &got_pretty) != LT_OK || !want || !want_pretty ||
        buf_printf(&want_text, "<%s", want) != LT_OK) {
        differ = 1;
        EXPECT(!"every printer succeeds");
    } else if (strcmp(buf_str(&got), buf_str(&want_text)) != 0) {
        differ = 1;
        EXPECT_STR(buf_str(&got), buf_str(&want_text));
    } else if (got_pretty.len == 0 ||
               strncmp(buf_str(&got_pretty), want_pretty, got_pretty.len - 1) != 0 ||
               strlen(want_pretty) != got_pretty.len - 1) {
        differ = 1;
        EXPECT_STR(buf_str(&got_pretty), want_pretty);
    } else if (!links_whole(tree) || !links_whole(again)) {
        differ = 1;
        EXPECT(!"sorting keeps cJSON's links whole");
    }
    cJSON_free(want);
    cJSON_free(want_pretty);
    buf_release(&got);
    buf_release(&got_pretty);
    buf_release(&want_text);
    cJSON_Delete(old);
    cJSON_Delete(again);
    return differ;
}

static void test_json_printer(void)
{
    int failures = 0;
    /* Random trees. */
    for (int i = 0; i < 3000 && failures < 5; i++) {
        cJSON *tree = random_value(1 + (int)rnd(5));
        failures += printers_differ(tree);
        cJSON_Delete(tree);
    }
    /* Every byte from 0x01 to 0xFF, as a value and as a key. */
    char every[256];
    for (int i = 0; i < 255; i++) {
        every[i] = (char)(i + 1);
    }
    every[255] = '\0';
    cJSON *tree = cJSON_CreateObject();
    cJSON_AddStringToObject(tree, every, every);
    cJSON_AddStringToObject(tree, "", "");
    failures += printers_differ(tree);
    cJSON_Delete(tree);
    /* Every edge number, alone and in an array. */
    tree = cJSON_CreateArray();
    for (size_t i = 0; i < LT_ARRAY_SIZE(edge_numbers); i++) {
        cJSON *n = cJSON_CreateNumber(edge_numbers[i]);
        failures += printers_differ(n);
        cJSON_Delete(n);
        cJSON_AddItemToArray(tree, cJSON_CreateNumber(edge_numbers[i]));
    }
    failures += printers_differ(tree);
    cJSON_Delete(tree);
    /* Deep nesting (cJSON's parser stops at 1000 levels). */
    tree = cJSON_CreateArray();
    cJSON *inner = tree;
    for (int depth = 0; depth < 999; depth++) {
        cJSON *next = depth % 2 ? cJSON_CreateArray() : cJSON_CreateObject();
        if (cJSON_IsObject(inner)) {
            cJSON_AddItemToObject(inner, "z", cJSON_CreateNumber(depth));
            cJSON_AddItemToObject(inner, "a\n", next);
        } else {
            cJSON_AddItemToArray(inner, next);
            cJSON_AddItemToArray(inner, cJSON_CreateString("\t"));
        }
        inner = next;
    }
    failures += printers_differ(tree);
    cJSON_Delete(tree);
    /* Duplicate keys keep their order, in short and long objects. */
    for (int n = 2; n <= 40; n += 19) {
        tree = cJSON_CreateObject();
        for (int i = 0; i < n; i++) {
            cJSON_AddNumberToObject(tree, i % 3 ? "dup" : "a", n - i);
        }
        failures += printers_differ(tree);
        cJSON_Delete(tree);
    }
    EXPECT_INT(failures, 0);
}

/* The texts the old json_canonical gave, spelled out. */
static void test_json_numbers(void)
{
    struct buf b = BUF_INIT(4096);
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < LT_ARRAY_SIZE(edge_numbers); i++) {
        cJSON_AddItemToArray(a, cJSON_CreateNumber(edge_numbers[i]));
    }
    EXPECT_OK(json_canonical(a, &b));
    EXPECT_STR(buf_str(&b), "[0,-0,1,-1,0.1,0.3,1e+300,-1e-300,9007199254740992,9007199254740994,"
                            "9007199254740992,1000000000000000,999999999999999,-1000000000000000,"
                            "123456789012345680,9.2233720368547758e+18,-9.2233720368547758e+18,"
                            "9223372036854774784,1e+21,1.5,3.14159265358979,1e-07,"
                            "1.79769313486232e+308,2.2250738585072014e-308,4.94065645841247e-324,"
                            "null,null,null]");
    cJSON_Delete(a);
    buf_release(&b);
}

/* Where cJSON's printer fails, json's fails too and appends nothing; a limit releases out. */
static void test_json_print_failures(void)
{
    struct buf b = BUF_INIT(4096);
    cJSON *tree = cJSON_Parse("{\"b\":[1,{\"d\":2,\"c\":3}],\"a\":\"x\"}");
    cJSON *invalid = cJSON_CreateNull();
    invalid->type = cJSON_Invalid;
    cJSON_AddItemToObject(cJSON_GetArrayItem(cJSON_GetObjectItem(tree, "b"), 1), "e", invalid);
    EXPECT_OK(buf_adds(&b, "before"));
    EXPECT(cJSON_PrintUnformatted(tree) == NULL);
    EXPECT_INT(json_canonical(tree, &b), LT_E_INTERNAL);
    EXPECT_INT(json_pretty(tree, &b), LT_E_INTERNAL);
    EXPECT_STR(buf_str(&b), "before");
    invalid->type = cJSON_Raw; /* without text */
    EXPECT(cJSON_PrintUnformatted(tree) == NULL);
    EXPECT_INT(json_canonical(tree, &b), LT_E_INTERNAL);
    EXPECT_STR(buf_str(&b), "before");
    invalid->type = cJSON_String | cJSON_Number; /* no one type */
    EXPECT_INT(json_canonical(tree, &b), LT_E_INTERNAL);
    EXPECT_STR(buf_str(&b), "before");
    invalid->type = cJSON_NULL;
    cJSON_Delete(tree);
    /* A text of 22 bytes after "before": fits a limit of 28 exactly, not one of 27. */
    tree = cJSON_Parse("{\"b\":[1,true],\"a\":\"x\"}");
    for (size_t max = 26; max <= 29; max++) {
        struct buf small = BUF_INIT(max);
        EXPECT_OK(buf_adds(&small, "before"));
        enum lt_rc rc = json_canonical(tree, &small);
        if (max >= 28) {
            EXPECT_OK(rc);
            EXPECT_STR(buf_str(&small), "before{\"a\":\"x\",\"b\":[1,true]}");
        } else {
            EXPECT_INT(rc, LT_E_LIMIT);
            EXPECT_INT(small.len, 0);
        }
        buf_release(&small);
    }
    cJSON_Delete(tree);
    buf_release(&b);
}

static void test_log(void)
{
    struct buf b = BUF_INIT(4096);
    log_render(&b, "name 'a\nb\x1b[2J' \xff ok \xc3\xa9");
    EXPECT_STR(buf_str(&b), "name 'a\\nb\\x1B[2J' \\xFF ok \xc3\xa9");
    buf_reset(&b);
    /* C1 controls (U+009B is CSI) are escaped byte by byte; U+00A0 and above are kept. */
    log_render(&b, "a\xc2\x9b"
                   "2Jb \xc2\x80\xc2\x85 \xc2\xa0\xc2\xa9");
    EXPECT_STR(buf_str(&b), "a\\xC2\\x9B2Jb \\xC2\\x80\\xC2\\x85 \xc2\xa0\xc2\xa9");
    buf_reset(&b);
    /* Line separators and bidi overrides/isolates too; other punctuation of that block is kept. */
    log_render(&b, "x\xe2\x80\xa8y\xe2\x80\xaez\xe2\x81\xa6w \xe2\x80\xa7\xe2\x80\xaf\xe2\x81\xaa");
    EXPECT_STR(buf_str(&b), "x\\xE2\\x80\\xA8y\\xE2\\x80\\xAEz\\xE2\\x81\\xA6w "
                            "\xe2\x80\xa7\xe2\x80\xaf\xe2\x81\xaa");
    buf_reset(&b);
    log_add_secret("wJalrXUtnFEMI/K7MDENG", 21);
    log_render(&b,
               "secret=wJalrXUtnFEMI/K7MDENG, Signature=abcdef0123 X-Amz-Security-Token: tok&x");
    EXPECT_STR(buf_str(&b),
               "secret=[redacted], Signature=[redacted] X-Amz-Security-Token: [redacted]&x");
    log_forget_secrets();
    buf_reset(&b);
    log_render(&b, "wJalrXUtnFEMI/K7MDENG");
    EXPECT_STR(buf_str(&b), "wJalrXUtnFEMI/K7MDENG");
    buf_release(&b);
}

int main(void)
{
    json_use_mem_hooks();
    test_buf();
    test_err();
    test_utf8();
    test_clock();
    test_hash();
    test_hash_sha256_reuse();
    test_base64_decode();
    test_json();
    test_json_pick();
    test_fsx_writer();
    test_fsx_read_file();
    test_json_arena();
    test_json_printer();
    test_json_numbers();
    test_json_print_failures();
    test_log();
    return tap_done();
}
