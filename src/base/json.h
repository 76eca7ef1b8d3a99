/*
 * json.h - canonical JSON on cJSON.
 *
 * Owns: the one definition of "canonical JSON" in ltsnap: object keys sorted
 *       by byte value at every level, no insignificant white space, cJSON's
 *       number format (C locale; ltsnap never calls setlocale) except that
 *       integers are written as their exact decimal digits (the same text
 *       below 10^15; all digits from there up, where cJSON rounds), strings
 *       escaped as cJSON does (", \ and control characters; other bytes
 *       kept). The printer here is the only JSON printer: it writes cJSON
 *       1.7.15's text byte for byte (but for those integers), faster, and
 *       every JSON text ltsnap writes goes through it.
 * May call: cJSON, buf, mem.
 */
#ifndef LT_BASE_JSON_H
#define LT_BASE_JSON_H

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "base/lt.h"
#include "base/rc.h"

/* Routes cJSON's allocations through mem (call once at start-up). */
void json_use_mem_hooks(void);

/*
 * An arena for cJSON trees that are made and dropped in one piece (a page of
 * thousands of versions): while an arena is current, every cJSON allocation
 * comes from it (a pointer bumped; large blocks get a chunk each), and
 * freeing one of its blocks costs a range check. A tree allocated while the
 * arena was current need not be deleted at all: json_arena_reset takes all
 * of it back at once (no pointer into it may be used after) and keeps the
 * memory for the next tree; json_arena_release frees everything. Works with
 * json_use_mem_hooks; single-threaded, like ltsnap.
 */
struct json_arena {
    struct json_arena_chunk *chunks; /* reused after a reset */
    struct json_arena_chunk *fill;   /* the chunk allocated from; NULL after a reset */
    struct json_arena_chunk *large;  /* blocks of their own, freed by a reset */
    struct json_arena *next_live;
};

void json_arena_init(struct json_arena *a);
/* Makes a current; returns the arena that was (NULL: the heap), for json_arena_leave. */
struct json_arena *json_arena_enter(struct json_arena *a);
void json_arena_leave(struct json_arena *previous);
void json_arena_reset(struct json_arena *a);
void json_arena_release(struct json_arena *a);

/*
 * Sorts item's keys (in place: the only change left in item) and appends
 * its canonical text. Fails with LT_E_INTERNAL, appending nothing, where
 * cJSON's printer fails: a node of no type cJSON prints, or a raw node
 * without text.
 */
LT_MUST_CHECK enum lt_rc json_canonical(cJSON *item, struct buf *out);
/* Sorts item's keys and appends it indented (one key per line) with a final newline. */
LT_MUST_CHECK enum lt_rc json_pretty(cJSON *item, struct buf *out);

/* Member lookups that return NULL unless the member exists with the given type. */
const char *json_get_string(const cJSON *obj, const char *key);
const cJSON *json_get_object(const cJSON *obj, const char *key);
const cJSON *json_get_array(const cJSON *obj, const char *key);
/* 1 true, 0 false, -1 absent or not a boolean. */
int json_get_bool(const cJSON *obj, const char *key);
/* True and *out set when the member is a number holding an integer. */
bool json_get_int64(const cJSON *obj, const char *key, int64_t *out);

/* The same checks on a value already found (NULL is absent). */
const char *json_string(const cJSON *v);
int json_bool(const cJSON *v);
bool json_int64(const cJSON *v, int64_t *out);

/*
 * Several members in one pass over obj: found[i] is the first member named
 * names[i], or NULL. Cheaper than one lookup per name when a caller wants
 * most of an object's members (each lookup walks the member list).
 */
void json_pick(const cJSON *obj, const char *const *names, size_t n, cJSON **found);

#endif
