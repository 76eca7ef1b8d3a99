#include "base/json.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
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

/* Merge sort of a cJSON sibling list by key; returns the new head. */
static cJSON *merge_sorted(cJSON *a, cJSON *b)
{
    cJSON head;
    cJSON *tail = &head;
    while (a && b) {
        if (strcmp(b->string, a->string) < 0) {
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

static cJSON *sort_list(cJSON *list)
{
    if (!list || !list->next) {
        return list;
    }
    cJSON *slow = list;
    cJSON *fast = list->next;
    while (fast && fast->next) {
        slow = slow->next;
        fast = fast->next->next;
    }
    cJSON *second = slow->next;
    slow->next = NULL;
    return merge_sorted(sort_list(list), sort_list(second));
}

/* Sorts the keys of every object in the tree by byte value (stable). */
static void sort_keys(cJSON *item)
{
    if (!item) {
        return;
    }
    if (cJSON_IsObject(item)) {
        item->child = sort_list(item->child);
        /* cJSON keeps a doubly linked list whose head's prev points at the tail. */
        cJSON *prev = NULL;
        for (cJSON *c = item->child; c; c = c->next) {
            c->prev = prev;
            prev = c;
        }
        if (item->child) {
            item->child->prev = prev;
        }
    }
    for (cJSON *c = item->child; c; c = c->next) {
        sort_keys(c);
    }
}

/*
 * cJSON 1.7.15 prints numbers with "%1.15g" (then reads them back with
 * sscanf to check) and loses digits of integers from 10^15 up
 * (9007199254740992 becomes 9.00719925474099e+15). Integers are turned into
 * raw nodes holding their exact decimal digits before printing: below 10^15
 * that is the text "%1.15g" gives, without printf and sscanf for every
 * number; from 10^15 up it is the only exact one. Negative zero keeps
 * cJSON's "-0".
 */
static void exact_integers(cJSON *item)
{
    for (cJSON *c = item->child; c; c = c->next) {
        exact_integers(c);
    }
    double d = item->valuedouble;
    if (!cJSON_IsNumber(item) || !isfinite(d) || d != floor(d) ||
        fabs(d) >= 9223372036854775808.0 || (d == 0 && signbit(d))) {
        return;
    }
    struct buf digits = BUF_INIT(32);
    if (buf_add_int(&digits, (int64_t)d) == LT_OK) {
        item->type = (item->type & ~0xFF) | cJSON_Raw; /* keeps the flags (a constant key) */
        item->valuestring = buf_detach(&digits, NULL);
    }
    buf_release(&digits);
}

/* Turns the raw nodes exact_integers made back into numbers (valuedouble never changed). */
static void numbers_again(cJSON *item)
{
    for (cJSON *c = item->child; c; c = c->next) {
        numbers_again(c);
    }
    if (cJSON_IsRaw(item)) {
        mem_free(item->valuestring);
        item->valuestring = NULL;
        item->type = (item->type & ~0xFF) | cJSON_Number;
    }
}

static enum lt_rc print_into(char *text, struct buf *out)
{
    if (!text) {
        return LT_E_INTERNAL;
    }
    enum lt_rc rc = buf_adds(out, text);
    cJSON_free(text); /* cJSON's memory: the heap, or the arena that was current */
    return rc;
}

/* First guess of the room canonical text needs; more is tried when it is not enough. */
#define CANONICAL_ROOM ((size_t)16 * 1024)

static enum lt_rc print_canonical(cJSON *item, struct buf *out)
{
    /* Printed straight into out's spare room: no allocation and no copy for the usual sizes. */
    size_t start = out->len;
    for (size_t room = CANONICAL_ROOM; room <= out->max - start && room <= (size_t)INT_MAX;
         room *= 4) {
        char *at;
        LT_TRY(buf_extend(out, room, &at));
        if (cJSON_PrintPreallocated(item, at, (int)room, 0)) {
            buf_truncate(out, start + strlen(at));
            return LT_OK;
        }
        buf_truncate(out, start);
    }
    return print_into(cJSON_PrintUnformatted(item), out);
}

enum lt_rc json_canonical(cJSON *item, struct buf *out)
{
    sort_keys(item);
    exact_integers(item);
    enum lt_rc rc = print_canonical(item, out);
    numbers_again(item);
    return rc;
}

enum lt_rc json_pretty(cJSON *item, struct buf *out)
{
    sort_keys(item);
    exact_integers(item);
    enum lt_rc rc = print_into(cJSON_Print(item), out);
    numbers_again(item);
    return rc == LT_OK ? buf_addc(out, '\n') : rc;
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
