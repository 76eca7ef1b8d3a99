/*
 * testsnap.h - snapshot directories for the verify and diff tests: a copy
 * of a golden snapshot, a planted change, and a manifest made to match the
 * files again ("resealed"), so that only the planted inconsistency remains.
 * Failures end the test run with "Bail out!", like testfs.
 *
 * Owns: nothing shared; test helpers only.
 * May call: base, snap/read, libc.
 */
#ifndef LT_TESTS_TESTSNAP_H
#define LT_TESTS_TESTSNAP_H

#include <stddef.h>

/* The whole file dir/name; the caller frees it with mem_free. *len gets its size. */
char *testsnap_read(const char *dir, const char *name, size_t *len);
/* Copies every file of snapshot directory from into the existing directory to. */
void testsnap_copy(const char *from, const char *to);
/* Replaces the first occurrence of `from` in dir/name by `to`; 0 when there is none. */
int testsnap_plant(const char *dir, const char *name, const char *from, const char *to);
/* Keeps the header line of CSV file dir/name only. */
void testsnap_header_only(const char *dir, const char *name);
/* Recomputes sha256, bytes and (CSV) rows of every listed file, and the node counts. */
void testsnap_reseal(const char *dir);

#endif
