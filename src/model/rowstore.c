#include "model/rowstore.h"

#include <string.h>
#include <unistd.h>

#include "base/fsx.h"
#include "base/mem.h"

/*
 * Spilled records are written in blocks of this size; a read that jumps
 * reads a window of this size around the record (see fill_window).
 */
#define ROWSTORE_BLOCK ((size_t)256 * 1024)
/* A read that goes on forward reads a window of this size, reaching this far back. */
#define ROWSTORE_WINDOW ((size_t)2 * 1024 * 1024)
#define ROWSTORE_WINDOW_BACK ROWSTORE_BLOCK

static const char spill_name[] = "the temporary row file";

void rowstore_init(struct rowstore *s, size_t memory_max, const char *near)
{
    memset(s, 0, sizeof(*s));
    s->memory_max = memory_max;
    s->near = near;
    s->fd = -1;
}

void rowstore_release(struct rowstore *s)
{
    mem_free(s->mem);
    mem_free(s->pending);
    if (s->fd >= 0) {
        close(s->fd);
    }
    rowstore_init(s, s->memory_max, s->near);
}

bool rowstore_spilled(const struct rowstore *s)
{
    return s->fd >= 0;
}

/* Moves what is in memory to a new temporary file; from now on records go there. */
static enum lt_rc spill(struct rowstore *s, struct lt_error *err)
{
    LT_TRY(fsx_temp_file(s->near, &s->fd, err));
    if (s->size) {
        LT_TRY(fsx_write_all(s->fd, s->mem, (size_t)s->size, spill_name, err));
    }
    mem_free(s->mem);
    s->mem = NULL;
    s->mem_cap = 0;
    s->pending = mem_alloc(ROWSTORE_BLOCK);
    s->npending = 0;
    return LT_OK;
}

static enum lt_rc flush_pending(struct rowstore *s, struct lt_error *err)
{
    if (s->npending) {
        LT_TRY(fsx_write_all(s->fd, s->pending, s->npending, spill_name, err));
        s->npending = 0;
    }
    return LT_OK;
}

static void grow_memory(struct rowstore *s, size_t need)
{
    size_t cap = s->mem_cap ? s->mem_cap : 64 * 1024;
    while (cap < need) {
        cap *= 2;
    }
    if (cap > s->memory_max && need <= s->memory_max) {
        cap = s->memory_max;
    }
    s->mem = mem_realloc_array(s->mem, cap, 1);
    s->mem_cap = cap;
}

enum lt_rc rowstore_add(struct rowstore *s, const void *data, size_t n, uint64_t *offset,
                        struct lt_error *err)
{
    if (s->sealed) {
        return lt_fail(err, LT_E_INTERNAL, "row store: add after the seal");
    }
    *offset = s->size;
    if (n == 0) {
        return LT_OK;
    }
    if (s->fd < 0 && s->size + n > s->memory_max) {
        LT_TRY(spill(s, err));
    }
    if (s->fd < 0) {
        if (s->size + n > s->mem_cap) {
            grow_memory(s, (size_t)s->size + n);
        }
        memcpy(s->mem + s->size, data, n);
    } else if (n > ROWSTORE_BLOCK - s->npending) {
        LT_TRY(flush_pending(s, err));
        if (n >= ROWSTORE_BLOCK) {
            LT_TRY(fsx_write_all(s->fd, data, n, spill_name, err));
        } else {
            memcpy(s->pending, data, n);
            s->npending = n;
        }
    } else {
        memcpy(s->pending + s->npending, data, n);
        s->npending += n;
    }
    s->size += n;
    return LT_OK;
}

enum lt_rc rowstore_seal(struct rowstore *s, struct lt_error *err)
{
    if (s->fd >= 0) {
        LT_TRY(flush_pending(s, err));
        mem_free(s->pending);
        s->pending = NULL;
    }
    s->sealed = true;
    return LT_OK;
}

void rowstore_cursor_init(struct rowstore_cursor *c)
{
    c->window = NULL;
    c->cap = 0;
    c->len = 0;
    c->offset = 0;
}

void rowstore_cursor_release(struct rowstore_cursor *c)
{
    mem_free(c->window);
    rowstore_cursor_init(c);
}

/*
 * Makes the window hold [offset, offset + n), and more. The writers read the
 * records forward from template to template, but backward within one (its
 * versions arrive newest first and are read oldest first). So a read of a
 * record that runs past the window's end, or lies just after it, gets a
 * large window that reaches back
 * ROWSTORE_WINDOW_BACK, more than the versions of a template take, with the
 * rest ahead: each byte of the file is read about once. Any other read (the
 * first, or a jump) gets a block centred on the record, so reading in no
 * particular order costs no more than a block per record.
 */
static enum lt_rc fill_window(const struct rowstore *s, struct rowstore_cursor *c, uint64_t offset,
                              size_t n, struct lt_error *err)
{
    /* Not in the window but starting in it or after it: a record running past its end. */
    bool forward =
        c->window && offset >= c->offset && offset - c->offset < c->len + ROWSTORE_WINDOW;
    size_t span = forward ? ROWSTORE_WINDOW : ROWSTORE_BLOCK;
    size_t want = n > span ? n : span;
    if (want > s->size) {
        want = (size_t)s->size;
    }
    size_t before = forward ? ROWSTORE_WINDOW_BACK : (want - n) / 2;
    if (before > want - n) {
        before = want - n;
    }
    uint64_t start = offset > before ? offset - before : 0;
    if (start + want > s->size) {
        start = s->size - want;
    }
    if (c->cap < want) {
        mem_free(c->window);
        c->window = mem_alloc(want);
        c->cap = want;
    }
    c->len = 0;
    LT_TRY(fsx_pread_all(s->fd, c->window, want, start, spill_name, err));
    c->offset = start;
    c->len = want;
    return LT_OK;
}

enum lt_rc rowstore_view(const struct rowstore *s, struct rowstore_cursor *c, uint64_t offset,
                         size_t n, char **at, struct lt_error *err)
{
    if (!s->sealed || offset > s->size || n > s->size - offset) {
        return lt_fail(err, LT_E_INTERNAL, "row store: read outside the rows");
    }
    if (s->fd < 0) {
        *at = s->mem + offset;
        return LT_OK;
    }
    if (n > 0 && (!c->window || offset < c->offset || offset + n > c->offset + c->len)) {
        LT_TRY(fill_window(s, c, offset, n, err));
    }
    *at = n > 0 ? c->window + (offset - c->offset) : c->window;
    return LT_OK;
}

enum lt_rc rowstore_read(const struct rowstore *s, struct rowstore_cursor *c, uint64_t offset,
                         size_t n, struct buf *out, struct lt_error *err)
{
    char *at;
    LT_TRY(rowstore_view(s, c, offset, n, &at, err));
    buf_reset(out);
    if (n > 0 && buf_add(out, at, n) != LT_OK) {
        return lt_fail(err, LT_E_LIMIT, "row of %zu bytes too large to read back", n);
    }
    return LT_OK;
}
