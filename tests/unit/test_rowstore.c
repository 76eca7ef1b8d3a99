/*
 * Unit tests for model/rowstore: records read back exactly as added, in
 * memory and after spilling to the temporary file, in any order, across
 * the read windows; nothing left in the directory afterwards.
 */
#include <dirent.h>
#include <string.h>

#include "base/mem.h"
#include "model/rowstore.h"
#include "tap.h"
#include "testfs.h"

#define NRECORDS 3000

/* The largest record: more than a read window (2 MiB) holds. */
#define RECORD_MAX ((size_t)5 * 1024 * 1024 / 2)

/*
 * Record i: up to 1000 bytes of a pattern that depends on i, plus some large
 * ones and one larger than a read window.
 */
static size_t record_len(size_t i)
{
    if (i == NRECORDS / 2) {
        return RECORD_MAX;
    }
    return i % 500 == 7 ? 300 * 1024 + i : (i * 37) % 1001;
}

static void record_bytes(size_t i, char *out, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        out[k] = (char)((i * 131 + k * 7) & 0xff);
    }
}

static size_t entries(const char *dir)
{
    size_t n = 0;
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    }
    if (d) {
        closedir(d);
    }
    return n;
}

static void round_trip(size_t memory_max, const char *scratch, bool want_spilled)
{
    char near[300];
    memcpy(near, testfs_path(scratch, "snap"), strlen(testfs_path(scratch, "snap")) + 1);
    struct rowstore s;
    rowstore_init(&s, memory_max, near);
    static uint64_t offsets[NRECORDS];
    struct lt_error err = LT_ERROR_INIT;
    char *data = mem_alloc(RECORD_MAX);
    int failures = 0;
    for (size_t i = 0; i < NRECORDS; i++) {
        size_t n = record_len(i);
        record_bytes(i, data, n);
        failures += rowstore_add(&s, data, n, &offsets[i], &err) != LT_OK;
    }
    EXPECT_INT(failures, 0);
    EXPECT_INT(rowstore_spilled(&s), want_spilled);
    /* Reading before the adding ends is refused. */
    struct buf out = BUF_INIT(BUF_MAX_LARGE);
    struct rowstore_cursor c, view;
    rowstore_cursor_init(&c);
    rowstore_cursor_init(&view);
    EXPECT_INT(rowstore_read(&s, &c, 0, 1, &out, &err), LT_E_INTERNAL);
    lt_error_clear(&err);
    EXPECT_OK(rowstore_seal(&s, &err));
    /* Forwards, backwards and strided: every record exactly as added. */
    size_t bad = 0;
    for (int pass = 0; pass < 3; pass++) {
        for (size_t k = 0; k < NRECORDS; k++) {
            size_t i = pass == 0 ? k : pass == 1 ? NRECORDS - 1 - k : (k * 1009) % NRECORDS;
            size_t n = record_len(i);
            record_bytes(i, data, n);
            if (rowstore_read(&s, &c, offsets[i], n, &out, &err) != LT_OK || out.len != n ||
                memcmp(out.ptr ? out.ptr : "", data, n) != 0) {
                bad++;
            }
            /* The same bytes seen where they lie, through a second cursor. */
            char *at = NULL;
            if (rowstore_view(&s, &view, offsets[i], n, &at, &err) != LT_OK ||
                (n > 0 && memcmp(at, data, n) != 0)) {
                bad++;
            }
        }
    }
    EXPECT_INT(bad, 0);
    char *outside;
    EXPECT_INT(rowstore_view(&s, &view, s.size, 1, &outside, &err), LT_E_INTERNAL);
    lt_error_clear(&err);
    rowstore_cursor_release(&view);
    /* Out of range. */
    EXPECT_INT(rowstore_read(&s, &c, s.size, 1, &out, &err), LT_E_INTERNAL);
    lt_error_clear(&err);
    /* Nothing may be added after the seal. */
    uint64_t at;
    EXPECT_INT(rowstore_add(&s, "tail", 4, &at, &err), LT_E_INTERNAL);
    lt_error_clear(&err);
    rowstore_cursor_release(&c);
    rowstore_release(&s);
    buf_release(&out);
    lt_error_release(&err);
    mem_free(data);
    /* The spill file had no name, or lost it at once: nothing is left. */
    EXPECT_INT(entries(scratch), 0);
}

int main(void)
{
    char scratch[256];
    testfs_scratch(scratch, sizeof(scratch), "rowstore");
    tap_note("in memory");
    round_trip((size_t)64 * 1024 * 1024, scratch, false);
    tap_note("spilled from the first record");
    round_trip(1, scratch, true);
    tap_note("spilled part way");
    round_trip(200 * 1024, scratch, true);
    /* A directory that does not exist: the spill fails with an error, not a crash. */
    struct rowstore s;
    rowstore_init(&s, 1, "/nonexistent-ltsnap-dir/snap");
    struct lt_error err = LT_ERROR_INIT;
    uint64_t at;
    EXPECT_INT(rowstore_add(&s, "xy", 2, &at, &err), LT_E_IO);
    EXPECT(strstr(lt_error_message(&err), "cannot create a temporary file in") != NULL);
    lt_error_release(&err);
    rowstore_release(&s);
    testfs_remove(scratch);
    return tap_done();
}
