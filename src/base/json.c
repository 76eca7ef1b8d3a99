#include "base/json.h"

#include <limits.h>
#include <math.h>
#include <string.h>

#include "base/mem.h"

static void mem_free_hook(void *p)
{
    mem_free(p);
}

void json_use_mem_hooks(void)
{
    cJSON_Hooks hooks = {mem_alloc, mem_free_hook};
    cJSON_InitHooks(&hooks);
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
    mem_free(text);
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

const char *json_get_string(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
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
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsBool(v) ? cJSON_IsTrue(v) : -1;
}

bool json_get_int64(const cJSON *obj, const char *key, int64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
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
