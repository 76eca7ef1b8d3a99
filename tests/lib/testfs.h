/*
 * testfs.h - files the unit tests write: output directories beside the test
 * binary (kept for later checks, such as the Cypher linter), scratch
 * directories under /tmp (removed by the test), and whole-file writes. Like tap_read_file, failures
 * end the test run with "Bail out!" (a test that cannot set itself up must not pass).
 *
 * Owns: where test output goes (<directory of argv[0]>/<sub>/).
 * May call: base (buf, mem), libc.
 */
#ifndef LT_TESTS_TESTFS_H
#define LT_TESTS_TESTFS_H

#include <stddef.h>

/*
 * Creates (if missing) the directory "<directory of argv0>/<sub>" and returns
 * its path with a trailing '/'. The caller frees it with mem_free.
 */
char *testfs_outdir(const char *argv0, const char *sub);
/* Returns dir followed by name; the caller frees it with mem_free. */
char *testfs_join(const char *dir, const char *name);
/* Replaces path with exactly len bytes of data. */
void testfs_write(const char *path, const void *data, size_t len);

/* Creates /tmp/ltsnap-<tag>-XXXXXX into out (outlen bytes). */
void testfs_scratch(char *out, size_t outlen, const char *tag);
/* dir + "/" + name in a static buffer that the next call overwrites. */
const char *testfs_path(const char *dir, const char *name);
/*
 * Writes text to dir/name with the given mode, creating parent directories;
 * returns the path (testfs_path's buffer).
 */
const char *testfs_put(const char *dir, const char *name, const char *text, int mode);
/* Removes a directory tree (scratch directories). */
void testfs_remove(const char *dir);

#endif
