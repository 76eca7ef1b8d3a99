/*
 * rowstore.h - where the model keeps its rows: an append-only log of byte
 * records that stays in memory up to a limit, then moves to a temporary
 * file. Internal to model/.
 *
 * Owns: the bytes of every row between model_add_* and the writers, and
 *       the one decision of where they live.
 * May call: base (mem, fsx).
 *
 * Memory then grows with the number of rows (the model keeps a key and an
 * offset per row), never with the size of their data. Records are read back
 * exactly as written, so where they were kept cannot change the output.
 *
 * Use: rowstore_init, rowstore_add while collecting, rowstore_seal once,
 * then rowstore_read any number of times, from any number of cursors.
 * Spilled records are written in large blocks and read back through the
 * cursor's window, which fetches a block at a time: reading records in
 * about the order they were added costs one read per block.
 *
 * Ownership: struct rowstore owns its memory and file descriptor
 * (rowstore_release frees both; the file is unnamed and vanishes with the
 * descriptor). `near` is borrowed until release. A cursor belongs to its
 * caller (rowstore_cursor_release).
 */
#ifndef LT_MODEL_ROWSTORE_H
#define LT_MODEL_ROWSTORE_H

#include "base/buf.h"
#include "base/err.h"
#include "base/lt.h"

/* Default bytes of rows kept in memory before the store spills to a file. */
#define ROWSTORE_MEMORY_DEFAULT ((size_t)32 * 1024 * 1024)

struct rowstore {
    size_t memory_max; /* spill once the records would exceed this many bytes */
    const char *near;  /* the temporary file goes in the directory holding this path */
    char *mem;         /* records, before spilling */
    size_t mem_cap;
    uint64_t size; /* bytes added */
    int fd;        /* -1 until spilled */
    char *pending; /* spilled: bytes not yet written to the file */
    size_t npending;
    bool sealed;
};

struct rowstore_cursor {
    char *window;
    size_t cap;      /* bytes allocated */
    size_t len;      /* bytes in the window */
    uint64_t offset; /* file offset of window[0] */
};

/* memory_max 0 spills with the first record; near: see fsx_temp_file. */
void rowstore_init(struct rowstore *s, size_t memory_max, const char *near);
void rowstore_release(struct rowstore *s);

/* Appends n bytes; *offset is where they start. */
LT_MUST_CHECK enum lt_rc rowstore_add(struct rowstore *s, const void *data, size_t n,
                                      uint64_t *offset, struct lt_error *err);
/* Ends the adding for good (writes what is pending); reads are allowed from then on. */
LT_MUST_CHECK enum lt_rc rowstore_seal(struct rowstore *s, struct lt_error *err);
/* True when the records live in the temporary file. */
bool rowstore_spilled(const struct rowstore *s);

void rowstore_cursor_init(struct rowstore_cursor *c);
void rowstore_cursor_release(struct rowstore_cursor *c);
/*
 * Points *at to the n bytes at offset where they lie: in memory, or in the
 * cursor's window of the file (no copy). They stay valid until the cursor's
 * next view or read; they are not NUL-terminated.
 */
LT_MUST_CHECK enum lt_rc rowstore_view(const struct rowstore *s, struct rowstore_cursor *c,
                                       uint64_t offset, size_t n, char **at, struct lt_error *err);
/* Replaces out's contents with the n bytes at offset (NUL-terminated, as every buf). */
LT_MUST_CHECK enum lt_rc rowstore_read(const struct rowstore *s, struct rowstore_cursor *c,
                                       uint64_t offset, size_t n, struct buf *out,
                                       struct lt_error *err);

#endif
