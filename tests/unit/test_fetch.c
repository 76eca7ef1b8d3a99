/*
 * Unit tests for fetch/: paging and the call plan against the fake endpoint
 * (scripts/fake-aws), driving fetch_run directly. Every template and version
 * must arrive exactly once, with exactly the expected calls, whatever the
 * paging does: several pages, an expired NextToken (the listing starts
 * again), a full last page followed by an empty one, a template returned
 * twice in the all-templates listing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/env.h"
#include "aws/profile.h"
#include "base/json.h"
#include "base/log.h"
#include "fakeproc.h"
#include "fetch/fetch.h"
#include "logcap.h"
#include "model/model.h"
#include "tap.h"
#include "testfs.h"

#define N_TEMPLATES 450 /* three pages of 200 */

static char scratch[256];
static char endpoint[96];

static const char data[] =
    "{\"accounts\": {\"111111111111\": {\"access_keys\": {\"AKIAE2EMAIN000000001\": "
    "\"e2eMainSecret/+/0000000000000000000000001\"}, \"regions\": {\"us-east-1\": "
    "{\"launch_templates\": []}}}}}";

struct run {
    struct model m;
    struct fetch_stats stats;
    enum lt_rc rc;
};

static void run_fetch(struct run *r)
{
    char cfg[300], creds[300];
    snprintf(cfg, sizeof(cfg), "AWS_CONFIG_FILE=%s/none", scratch);
    snprintf(creds, sizeof(creds), "AWS_SHARED_CREDENTIALS_FILE=%s/none", scratch);
    const char *vars[] = {"AWS_ACCESS_KEY_ID=AKIAE2EMAIN000000001",
                          "AWS_SECRET_ACCESS_KEY=e2eMainSecret/+/0000000000000000000000001",
                          "AWS_EC2_METADATA_DISABLED=true",
                          "AWS_MAX_ATTEMPTS=2",
                          cfg,
                          creds,
                          NULL};
    struct aws_env env = AWS_ENV_INIT(vars);
    struct profile_set files = PROFILE_SET_INIT;
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_OK(profile_set_load(&files, &env, &err));
    const char *regions[] = {"us-east-1"};
    struct fetch_config c = {&env, &files, NULL, 0, regions, 1, false, endpoint, 4, 0, 0};
    model_init(&r->m, NULL);
    r->rc = fetch_run(&c, &r->m, &r->stats, &err);
    if (r->rc == LT_OK) {
        r->rc = model_finish(&r->m, &err);
    }
    if (r->rc != LT_OK) {
        tap_note("fetch_run: %s", lt_error_message(&err));
    }
    lt_error_release(&err);
    profile_set_release(&files);
}

/* Every synthetic template, every version, once. */
static void expect_complete(const struct run *r, int versions)
{
    EXPECT_OK(r->rc);
    EXPECT_INT(r->m.nnodes[SCHEMA_NODE_TEMPLATE], N_TEMPLATES);
    EXPECT_INT(r->m.nnodes[SCHEMA_NODE_VERSION], versions);
    EXPECT_INT(r->m.ntombstones, 0);
    EXPECT_INT(r->stats.regions_complete, 1);
}

static void with_fake(const char *const *faults, const char *synthetic, struct run *r)
{
    const char *extra[8] = {"--synthetic", synthetic};
    size_t n = 2;
    for (size_t i = 0; faults && faults[i] && n + 2 < 8; i++) {
        extra[n++] = "--fault";
        extra[n++] = faults[i];
    }
    extra[n] = NULL;
    struct fakeproc fake;
    fakeproc_start(&fake, testfs_path(scratch, "data.json"), extra);
    snprintf(endpoint, sizeof(endpoint), "%s", fake.url);
    run_fetch(r);
    EXPECT_INT(fakeproc_stop(&fake), 0);
}

int main(void)
{
    json_use_mem_hooks();
    logcap_start();
    if (!EXPECT(fakeproc_available())) {
        return tap_done();
    }
    testfs_scratch(scratch, sizeof(scratch), "fetch");
    testfs_put(scratch, "data.json", data, 0600);
    struct run r;

    /* One version each: three listing pages, three $Latest/$Default pages, nothing else. */
    tap_note("plain paging");
    with_fake(NULL, "450:1", &r);
    expect_complete(&r, N_TEMPLATES);
    EXPECT_INT(r.stats.calls[FETCH_DESCRIBE_LAUNCH_TEMPLATES], 3);
    EXPECT_INT(r.stats.calls[FETCH_DESCRIBE_LAUNCH_TEMPLATE_VERSIONS], 3);
    EXPECT_INT(r.m.stats.duplicate_templates, 0);
    model_release(&r.m);

    /* Every 7th template has 3 versions: one own call each for the older ones. */
    tap_note("older versions: one call per template that has them");
    with_fake(NULL, "450:3", &r);
    expect_complete(&r, N_TEMPLATES + 65 * 2); /* 65 of 0..449 are multiples of 7 */
    EXPECT_INT(r.stats.calls[FETCH_DESCRIBE_LAUNCH_TEMPLATE_VERSIONS], 3 + 65);
    model_release(&r.m);

    /*
     * The second NextToken (the third listing page) is refused: the listing starts again
     * (pages 1, 2 and 3 once more) and still ends with every template once.
     */
    tap_note("expired pagination token");
    static const char *const expire[] = {"expire-token:2", NULL};
    log_set_level(LOG_VERBOSE);
    free(logcap_take());
    with_fake(expire, "450:1", &r);
    log_set_level(LOG_NORMAL);
    expect_complete(&r, N_TEMPLATES);
    EXPECT_INT(r.stats.calls[FETCH_DESCRIBE_LAUNCH_TEMPLATES], 3 + 3);
    EXPECT_INT(r.stats.calls[FETCH_DESCRIBE_LAUNCH_TEMPLATE_VERSIONS], 3);
    EXPECT_INT(r.m.stats.duplicate_templates, 400); /* pages 1 and 2, seen twice, kept once */
    char *log = logcap_take();
    EXPECT(strstr(log, "pagination token expired; listing again from the first page") != NULL);
    free(log);
    model_release(&r.m);

    /* 400 templates: two full pages, each with a nextToken, then an empty page. */
    tap_note("a full last page, then an empty one");
    static const char *const empty_last[] = {"empty-last-page", NULL};
    with_fake(empty_last, "400:1", &r);
    EXPECT_OK(r.rc);
    EXPECT_INT(r.m.nnodes[SCHEMA_NODE_TEMPLATE], 400);
    EXPECT_INT(r.stats.calls[FETCH_DESCRIBE_LAUNCH_TEMPLATES], 3);
    model_release(&r.m);

    /* A template whose latest is its default listed twice: kept once. */
    tap_note("latest and default returned twice");
    static const char *const dup[] = {"dup-latest-default", NULL};
    with_fake(dup, "450:1", &r);
    expect_complete(&r, N_TEMPLATES);
    EXPECT_INT(r.m.stats.duplicate_versions, N_TEMPLATES);
    model_release(&r.m);

    testfs_remove(scratch);
    return tap_done();
}
