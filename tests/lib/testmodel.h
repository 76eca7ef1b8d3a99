/*
 * testmodel.h - finished models made up for the writer tests: one account
 * and region, templates with numbered versions, optionally tagged, and
 * optionally one version whose row no CSV file can carry. Failures end the
 * test run with "Bail out!" (a test that cannot set itself up must not pass).
 *
 * Owns: nothing shared; test helpers only.
 * May call: base, model, libc.
 */
#ifndef LT_TESTS_TESTMODEL_H
#define LT_TESTS_TESTMODEL_H

#include <stddef.h>

#include "model/model.h"

#define TESTMODEL_ACCOUNT "123456789012"
#define TESTMODEL_REGION "us-east-1"
#define TESTMODEL_NO_BAD_VERSION ((size_t)-1)

struct testmodel_spec {
    size_t templates;
    size_t versions_each; /* versions 1..versions_each of every template */
    bool tagged;          /* every template tagged env=prod (else no tag rows at all) */
    size_t row_memory;    /* model_options.row_memory: 1 spills every row */
    /*
     * The version (index in the version table) whose SecurityGroups hold an
     * empty string: Cypher can write it, a neo4j-admin array cannot.
     * TESTMODEL_NO_BAD_VERSION for none.
     */
    size_t bad_version;
};

/* Builds and finishes m; model_release frees it. */
void testmodel_build(struct model *m, const struct testmodel_spec *spec);
/* The id of template t ("lt-" and 17 hex digits, in table order); the next call reuses it. */
const char *testmodel_template_id(size_t t);

#endif
