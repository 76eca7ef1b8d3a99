#include "base/json.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

/* ---- allocation: mem, or the current arena ---- */

/* Bytes of one arena chunk; a block larger than a quarter of it gets a chunk of its own. */
#define ARENA_CHUNK_SIZE ((size_t)256 * 1024)
#define ARENA_ALIGN ((size_t)16)
#define ARENA_ROUND(n) (((n) + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1))

struct json_arena_chunk {
    struct json_arena_chunk *next;
    unsigned char *data; /* size bytes, right after this header */
    size_t size, used;
};

/* Arenas between json_arena_init and json_arena_release; the current one, if any. */
static struct json_arena *live_arenas;
static struct json_arena *current_arena;

static struct json_arena_chunk *chunk_new(size_t size)
{
    size_t header = ARENA_ROUND(sizeof(struct json_arena_chunk));
    struct json_arena_chunk *c = mem_alloc(header + size);
    c->next = NULL;
    c->data = (unsigned char *)c + header;
    c->size = size;
    c->used = 0;
    return c;
}

static void chunks_free(struct json_arena_chunk *c)
{
    while (c) {
        struct json_arena_chunk *next = c->next;
        mem_free(c);
        c = next;
    }
}

static void *arena_alloc(struct json_arena *a, size_t size)
{
    if (size > (SIZE_MAX - ARENA_CHUNK_SIZE) / 2) {
        return mem_alloc(size); /* fails as any allocation that large does */
    }
    size = ARENA_ROUND(size);
    if (size > ARENA_CHUNK_SIZE / 4) {
        struct json_arena_chunk *big = chunk_new(size);
        big->next = a->large;
        a->large = big;
        return big->data;
    }
    if (!a->fill || a->fill->used + size > a->fill->size) {
        /* The next chunk kept from before a reset, else a new one. */
        struct json_arena_chunk *c = a->fill ? a->fill->next : a->chunks;
        if (!c) {
            c = chunk_new(ARENA_CHUNK_SIZE);
            if (a->fill) {
                a->fill->next = c;
            } else {
                a->chunks = c;
            }
        }
        c->used = 0;
        a->fill = c;
    }
    void *p = a->fill->data + a->fill->used;
    a->fill->used += size;
    return p;
}

static bool chunks_hold(const struct json_arena_chunk *c, const void *p)
{
    uintptr_t x = (uintptr_t)p;
    for (; c; c = c->next) {
        if (x >= (uintptr_t)c->data && x < (uintptr_t)c->data + c->size) {
            return true;
        }
    }
    return false;
}

static void *alloc_hook(size_t size)
{
    return current_arena ? arena_alloc(current_arena, size) : mem_alloc(size);
}

/* A block of a live arena is given back with the arena, not one by one. */
static void free_hook(void *p)
{
    for (const struct json_arena *a = live_arenas; a; a = a->next_live) {
        if (chunks_hold(a->chunks, p) || chunks_hold(a->large, p)) {
            return;
        }
    }
    mem_free(p);
}

void json_use_mem_hooks(void)
{
    cJSON_Hooks hooks = {alloc_hook, free_hook};
    cJSON_InitHooks(&hooks);
}

void json_arena_init(struct json_arena *a)
{
    a->chunks = NULL;
    a->fill = NULL;
    a->large = NULL;
    a->next_live = live_arenas;
    live_arenas = a;
}

struct json_arena *json_arena_enter(struct json_arena *a)
{
    struct json_arena *previous = current_arena;
    current_arena = a;
    return previous;
}

void json_arena_leave(struct json_arena *previous)
{
    current_arena = previous;
}

void json_arena_reset(struct json_arena *a)
{
    a->fill = NULL;
    chunks_free(a->large);
    a->large = NULL;
}

void json_arena_release(struct json_arena *a)
{
    for (struct json_arena **l = &live_arenas; *l; l = &(*l)->next_live) {
        if (*l == a) {
            *l = a->next_live;
            break;
        }
    }
    if (current_arena == a) {
        current_arena = NULL;
    }
    chunks_free(a->chunks);
    chunks_free(a->large);
    a->chunks = a->fill = a->large = NULL;
}

/* strcmp, with the first bytes compared here: keys seldom share theirs. */
static int key_cmp(const char *a, const char *b)
{
    int d = (unsigned char)a[0] - (unsigned char)b[0];
    return d != 0 || a[0] == '\0' ? d : strcmp(a + 1, b + 1);
}

/* Merge of two sorted sibling lists, a's items first among equal keys; returns the head. */
static cJSON *merge_sorted(cJSON *a, cJSON *b)
{
    cJSON head;
    cJSON *tail = &head;
    while (a && b) {
        if (key_cmp(b->string, a->string) < 0) {
            tail->next = b;
            b = b->next;
        } else {
            tail->next = a;
            a = a->next;
        }
        tail = tail->next;
    }
    tail->next = a ? a : b;
    return head.next;
}

/*
 * Insertion sort of a short list, each item put after every item whose key
 * is not greater (stable); an item not less than the last goes on the end at
 * once, so n keys already in order cost n - 1 comparisons.
 */
static cJSON *insertion_sorted(cJSON *list)
{
    cJSON *head = NULL;
    cJSON *tail = NULL;
    while (list) {
        cJSON *item = list;
        list = list->next;
        item->next = NULL;
        if (!head) {
            head = tail = item;
        } else if (key_cmp(item->string, tail->string) >= 0) {
            tail = tail->next = item;
        } else {
            cJSON **at = &head;
            while (key_cmp(item->string, (*at)->string) >= 0) {
                at = &(*at)->next;
            }
            item->next = *at;
            *at = item;
        }
    }
    return head;
}

/* Objects of a few keys, most of them, are sorted by insertion; larger ones by merging. */
#define SHORT_LIST 16

/* A stable sort of a sibling list of n items by key; returns the new head. */
static cJSON *sort_list(cJSON *list, size_t n)
{
    if (n <= SHORT_LIST) {
        return insertion_sorted(list);
    }
    cJSON *last = list;
    for (size_t i = 1; i < n / 2; i++) {
        last = last->next;
    }
    cJSON *second = last->next;
    last->next = NULL;
    return merge_sorted(sort_list(list, n / 2), sort_list(second, n - n / 2));
}

/* Sorts an object's members by key (stable), keeping cJSON's links: a head's prev is the tail. */
static void sort_members(cJSON *object)
{
    size_t n = 0;
    for (const cJSON *c = object->child; c; c = c->next) {
        n++;
    }
    object->child = sort_list(object->child, n);
    cJSON *prev = NULL;
    for (cJSON *c = object->child; c; c = c->next) {
        c->prev = prev;
        prev = c;
    }
    if (object->child) {
        object->child->prev = prev;
    }
}

/*
 * ---- printing: cJSON 1.7.15's text, byte for byte, straight into a buf ----
 *
 * What cJSON_PrintUnformatted (canonical) and cJSON_Print (pretty) write for
 * a tree (print_value and its helpers in cJSON.c), except for integers
 * (exact_integer). ltsnap prints on its own because cJSON's printer is slow
 * where convert is hot: a strlen after every value, strings escaped byte by
 * byte, and a buffer of its own to copy the text from. test_base compares
 * the two on hostile trees. Each object's members are sorted just before
 * they are printed: one walk of the tree does both.
 *
 * The printer writes into room reserved at the end of out with buf_extend,
 * so that a byte costs a compare and a store rather than a call;
 * print_tree gives back the room left.
 */
struct printer {
    struct buf *out; /* the text, then the room reserved (out->len - len bytes) */
    size_t start;    /* where the text began in out */
    size_t len;      /* out's bytes written */
    bool pretty;     /* cJSON_Print's layout: tabs and newlines */
    size_t depth;    /* arrays and objects open: the indentation of an object's members */
};

/* The least room reserved at a time: a version's data (about 1 KB) usually needs no more. */
#define PRINT_ROOM ((size_t)2048)

/*
 * Reserves room for n more bytes: as much again as the text printed so far
 * (buf's own doubling), at least n and PRINT_ROOM, but never past out's
 * limit unless n itself is (then out is released, as buf does).
 */
static enum lt_rc printer_grow(struct printer *p, size_t n)
{
    struct buf *out = p->out;
    buf_truncate(out, p->len);
    size_t spare = out->max - out->len;
    size_t want = p->len - p->start;
    want = want > PRINT_ROOM ? want : PRINT_ROOM;
    want = want > n ? want : n;
    char *unused;
    return buf_extend(out, want <= spare || n > spare ? want : spare, &unused);
}

/* Points *at to n bytes of room, for the caller to fill. */
static inline enum lt_rc room(struct printer *p, size_t n, char **at)
{
    if (n > p->out->len - p->len) {
        LT_TRY(printer_grow(p, n));
    }
    *at = p->out->ptr + p->len;
    p->len += n;
    return LT_OK;
}

static inline enum lt_rc put(struct printer *p, const void *data, size_t n)
{
    char *at;
    LT_TRY(room(p, n, &at));
    memcpy(at, data, n);
    return LT_OK;
}

static inline enum lt_rc put_byte(struct printer *p, char c)
{
    char *at;
    LT_TRY(room(p, 1, &at));
    *at = c;
    return LT_OK;
}

/*
 * The bytes a JSON string cannot hold as they are: control characters, '"'
 * and '\\' (0x7F and every byte from 0x80 up, valid UTF-8 or not, are kept).
 * The NUL that ends a C string is marked too: one lookup per byte finds both.
 */
#define SIXTEEN(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
static const bool escaped[256] = {SIXTEEN(true), SIXTEEN(true), ['"'] = true, ['\\'] = true};

/* The first escaped byte from s on (the NUL at the latest); unrolled: most strings are short. */
static inline const unsigned char *plain_end(const unsigned char *s)
{
    for (;; s += 4) {
        if (escaped[s[0]]) {
            return s;
        }
        if (escaped[s[1]]) {
            return s + 1;
        }
        if (escaped[s[2]]) {
            return s + 2;
        }
        if (escaped[s[3]]) {
            return s + 3;
        }
    }
}

/* cJSON's escape of c, one of the escaped bytes: \b \f \n \r \t \" \\, else \u00xx. */
static size_t escape_text(unsigned char c, char text[6])
{
    static const char hex[] = "0123456789abcdef";
    static const char letters[][2] = {{'\b', 'b'}, {'\f', 'f'}, {'\n', 'n'}, {'\r', 'r'},
                                      {'\t', 't'}, {'"', '"'},  {'\\', '\\'}};
    text[0] = '\\';
    for (size_t i = 0; i < LT_ARRAY_SIZE(letters); i++) {
        if (c == (unsigned char)letters[i][0]) {
            text[1] = letters[i][1];
            return 2;
        }
    }
    text[1] = 'u';
    text[2] = '0';
    text[3] = '0';
    text[4] = hex[c >> 4];
    text[5] = hex[c & 0xF];
    return 6;
}

/* put_string's way for a string with bytes to escape, the rare one. */
LT_NOINLINE static enum lt_rc put_escaped(struct printer *p, const unsigned char *s, char after)
{
    LT_TRY(put_byte(p, '"'));
    for (;;) {
        const unsigned char *run = s;
        s = plain_end(s);
        LT_TRY(put(p, run, (size_t)(s - run)));
        if (*s == '\0') {
            break;
        }
        char text[6];
        LT_TRY(put(p, text, escape_text(*s, text)));
        s++;
    }
    LT_TRY(put_byte(p, '"'));
    return after != '\0' ? put_byte(p, after) : LT_OK;
}

/*
 * Writes s as a JSON string (NULL as ""), then the byte `after` unless it is
 * NUL. A string with nothing to escape, the usual one, is copied in one piece.
 */
static enum lt_rc put_string(struct printer *p, const char *s, char after)
{
    const unsigned char *str = (const unsigned char *)(s ? s : "");
    const unsigned char *end = plain_end(str);
    if (*end != '\0') {
        return put_escaped(p, str, after);
    }
    size_t n = (size_t)(end - str);
    char *at;
    LT_TRY(room(p, n + 2 + (after != '\0'), &at));
    at[0] = '"';
    memcpy(at + 1, str, n);
    at[n + 1] = '"';
    if (after != '\0') {
        at[n + 2] = after;
    }
    return LT_OK;
}

/*
 * ltsnap's exact integers: an integral double below 2^63 in magnitude is
 * written as its decimal digits, *n. Below 10^15 that is the text cJSON's
 * "%1.15g" gives, without printf and a read back; from there up cJSON
 * rounds (9007199254740992 becomes 9.00719925474099e+15). Negative zero is
 * left to cJSON's rule, which writes "-0".
 */
static bool exact_integer(double d, int64_t *n)
{
    if (!(fabs(d) < 9223372036854775808.0)) { /* NaN too */
        return false;
    }
    *n = (int64_t)d;
    return (double)*n == d && !(d == 0 && signbit(d));
}

/* Writes n's decimal digits ("%lld", as buf_add_int). */
static enum lt_rc put_integer(struct printer *p, int64_t n)
{
    char digits[20];
    char *at = digits + sizeof(digits);
    uint64_t u = n < 0 ? 0 - (uint64_t)n : (uint64_t)n;
    do {
        *--at = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (n < 0) {
        *--at = '-';
    }
    return put(p, at, (size_t)(digits + sizeof(digits) - at));
}

/*
 * A number: an exact integer, else what cJSON's print_number writes: null
 * for NaN and the infinities; "%1.15g" when that reads back as d within
 * cJSON's tolerance (compare_double: a relative DBL_EPSILON, not equality),
 * else "%1.17g".
 */
static enum lt_rc put_number(struct printer *p, double d)
{
    int64_t n;
    if (exact_integer(d, &n)) {
        return put_integer(p, n);
    }
    if (!isfinite(d)) {
        return put(p, "null", 4);
    }
    char text[32]; /* "%1.17g" needs 24 at most */
    int len = snprintf(text, sizeof(text), "%1.15g", d);
    double back = strtod(text, NULL);
    double larger = fabs(back) > fabs(d) ? fabs(back) : fabs(d);
    if (!(fabs(back - d) <= larger * DBL_EPSILON)) {
        len = snprintf(text, sizeof(text), "%1.17g", d);
    }
    if (len < 0 || (size_t)len >= sizeof(text)) {
        return LT_E_INTERNAL;
    }
    return put(p, text, (size_t)len);
}

/* cJSON_Print's indentation, a tab per level; nothing in canonical text. */
static enum lt_rc put_indent(struct printer *p)
{
    char *at;
    if (!p->pretty) {
        return LT_OK;
    }
    LT_TRY(room(p, p->depth, &at));
    memset(at, '\t', p->depth);
    return LT_OK;
}

static enum lt_rc print_value(struct printer *p, cJSON *item);

static enum lt_rc print_array(struct printer *p, const cJSON *item)
{
    LT_TRY(put_byte(p, '['));
    p->depth++;
    for (cJSON *c = item->child; c; c = c->next) {
        LT_TRY(print_value(p, c));
        if (c->next) {
            LT_TRY(p->pretty ? put(p, ", ", 2) : put_byte(p, ','));
        }
    }
    p->depth--;
    return put_byte(p, ']');
}

static enum lt_rc print_object(struct printer *p, cJSON *item)
{
    sort_members(item);
    LT_TRY(p->pretty ? put(p, "{\n", 2) : put_byte(p, '{'));
    p->depth++;
    for (cJSON *c = item->child; c; c = c->next) {
        LT_TRY(put_indent(p));
        LT_TRY(put_string(p, c->string, ':'));
        if (p->pretty) {
            LT_TRY(put_byte(p, '\t'));
        }
        LT_TRY(print_value(p, c));
        if (c->next) {
            LT_TRY(put_byte(p, ','));
        }
        if (p->pretty) {
            LT_TRY(put_byte(p, '\n'));
        }
    }
    p->depth--;
    LT_TRY(put_indent(p));
    return put_byte(p, '}');
}

static enum lt_rc print_value(struct printer *p, cJSON *item)
{
    if (!item) {
        return LT_E_INTERNAL;
    }
    switch (item->type & 0xFF) {
    case cJSON_NULL:
        return put(p, "null", 4);
    case cJSON_False:
        return put(p, "false", 5);
    case cJSON_True:
        return put(p, "true", 4);
    case cJSON_Number:
        return put_number(p, item->valuedouble);
    case cJSON_Raw:
        return item->valuestring ? put(p, item->valuestring, strlen(item->valuestring))
                                 : LT_E_INTERNAL;
    case cJSON_String:
        return put_string(p, item->valuestring, '\0');
    case cJSON_Array:
        return print_array(p, item);
    case cJSON_Object:
        return print_object(p, item);
    default: /* cJSON_Invalid, or a type cJSON does not print either */
        return LT_E_INTERNAL;
    }
}

/*
 * Sorts item's objects and appends its text. On failure nothing is appended,
 * as cJSON's printer gives no text then (with LT_E_LIMIT out is released, by
 * buf's rule); the objects printed before the failure stay sorted.
 */
static enum lt_rc print_tree(cJSON *item, bool pretty, struct buf *out)
{
    struct printer p = {out, out->len, out->len, pretty, 0};
    enum lt_rc rc = printer_grow(&p, 0); /* room from the start: out->ptr is never NULL below */
    if (rc == LT_OK) {
        rc = print_value(&p, item);
    }
    /* Gives back the room left, or everything (no effect when out was released). */
    buf_truncate(out, rc == LT_OK ? p.len : p.start);
    return rc;
}

enum lt_rc json_canonical(cJSON *item, struct buf *out)
{
    return print_tree(item, false, out);
}

enum lt_rc json_pretty(cJSON *item, struct buf *out)
{
    LT_TRY(print_tree(item, true, out));
    return buf_addc(out, '\n');
}

const char *json_string(const cJSON *v)
{
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

int json_bool(const cJSON *v)
{
    return cJSON_IsBool(v) ? cJSON_IsTrue(v) : -1;
}

bool json_int64(const cJSON *v, int64_t *out)
{
    if (!cJSON_IsNumber(v)) {
        return false;
    }
    double d = v->valuedouble;
    if (!isfinite(d) || d != floor(d) || fabs(d) > 9007199254740992.0) {
        return false;
    }
    *out = (int64_t)d;
    return true;
}

const char *json_get_string(const cJSON *obj, const char *key)
{
    return json_string(cJSON_GetObjectItemCaseSensitive(obj, key));
}

const cJSON *json_get_object(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsObject(v) ? v : NULL;
}

const cJSON *json_get_array(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsArray(v) ? v : NULL;
}

int json_get_bool(const cJSON *obj, const char *key)
{
    return json_bool(cJSON_GetObjectItemCaseSensitive(obj, key));
}

bool json_get_int64(const cJSON *obj, const char *key, int64_t *out)
{
    return json_int64(cJSON_GetObjectItemCaseSensitive(obj, key), out);
}

void json_pick(const cJSON *obj, const char *const *names, size_t n, cJSON **found)
{
    for (size_t i = 0; i < n; i++) {
        found[i] = NULL;
    }
    cJSON *m;
    cJSON_ArrayForEach(m, obj) {
        const char *key = m->string;
        if (!key) {
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            /* The first byte decides most comparisons without a call. */
            if (names[i][0] == key[0] && !found[i] && strcmp(names[i], key) == 0) {
                found[i] = m;
                break;
            }
        }
    }
}
