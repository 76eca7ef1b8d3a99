/* Unit tests for the base modules: buf, err, utf8, clock, hash, json, log, fsx_writer. */
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
        /* Room below the first guess: the text comes from cJSON_PrintUnformatted. */
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
    test_json();
    test_json_pick();
    test_fsx_writer();
    test_fsx_read_file();
    test_json_arena();
    test_log();
    return tap_done();
}
