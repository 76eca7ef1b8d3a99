#include "fetch/fetch.h"

#include <stdlib.h>
#include <string.h>

#include "aws/creds.h"
#include "aws/http.h"
#include "aws/query.h"
#include "aws/settings.h"
#include "aws/sts.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "base/mem.h"
#include "ec2/ec2.h"
#include "ec2/ec2_page.h"
#include "fetch/plan.h"

/* Restarts of one listing after InvalidPaginationToken before the region fails. */
#define MAX_LISTING_RESTARTS 3
#define DEFAULT_HOME_REGION "us-east-1"

/* The steps of a region, in order. */
enum step {
    STEP_REGIONS,           /* DescribeRegions (before any region starts) */
    STEP_TEMPLATES,         /* DescribeLaunchTemplates, paged */
    STEP_LATEST_DEFAULT,    /* DescribeLaunchTemplateVersions $Latest + $Default, paged */
    STEP_TEMPLATE_VERSIONS, /* DescribeLaunchTemplateVersions of one template, paged */
};

static const enum fetch_action step_action[] = {
    [STEP_REGIONS] = FETCH_DESCRIBE_REGIONS,
    [STEP_TEMPLATES] = FETCH_DESCRIBE_LAUNCH_TEMPLATES,
    [STEP_LATEST_DEFAULT] = FETCH_DESCRIBE_LAUNCH_TEMPLATE_VERSIONS,
    [STEP_TEMPLATE_VERSIONS] = FETCH_DESCRIBE_LAUNCH_TEMPLATE_VERSIONS,
};

static const enum ec2_page_kind step_page[] = {
    [STEP_REGIONS] = EC2_PAGE_REGIONS,
    [STEP_TEMPLATES] = EC2_PAGE_LAUNCH_TEMPLATES,
    [STEP_LATEST_DEFAULT] = EC2_PAGE_LAUNCH_TEMPLATE_VERSIONS,
    [STEP_TEMPLATE_VERSIONS] = EC2_PAGE_LAUNCH_TEMPLATE_VERSIONS,
};

static const char *action_name(enum fetch_action a)
{
    static const char *const names[] = {
        [FETCH_DESCRIBE_REGIONS] = "DescribeRegions",
        [FETCH_DESCRIBE_LAUNCH_TEMPLATES] = "DescribeLaunchTemplates",
        [FETCH_DESCRIBE_LAUNCH_TEMPLATE_VERSIONS] = "DescribeLaunchTemplateVersions",
    };
    return (unsigned)a < FETCH_ACTION_COUNT ? names[a] : "unknown";
}

/*
 * A template as listed, and the version numbers received for it so far.
 * Entries never move (the region holds pointers to them), so a call may
 * point at its template while the listing is still growing.
 */
struct listed {
    char *id;
    char *name;
    int64_t latest;
    int64_t deflt;                /* DefaultVersionNumber, 0 when absent */
    int64_t early_min, early_max; /* the own call sent when listed; min > max: none */
    bool gone;                    /* answered NotFound: tombstoned once */
    size_t seq;                   /* listing order: of repeats, the first is kept */
    struct listed *same;          /* a repeat: the entry kept in its place */
    int64_t *have;
    size_t nhave, cap;
};

struct account_run;

struct region_run {
    struct account_run *account;
    char *name;
    char *endpoint; /* EC2 URL ending in '/' */
    size_t scope;
    struct ratelimit limit[FETCH_ACTION_COUNT];
    struct retry_quota quota[FETCH_ACTION_COUNT];
    struct http_group slots;   /* --concurrency: calls of this region in flight */
    struct listed **templates; /* sorted by id once the listing is complete */
    size_t ntemplates, templates_cap;
    struct listed **repeats; /* listed twice (a listing started again): kept until the end */
    size_t nrepeats;
    bool listing_restarted; /* templates listed after a restart get no early call */
    int in_flight;
    bool answered; /* some call of this region succeeded */
    bool done;     /* complete, failed or skipped */
    int restarts;
    size_t versions_received;
};

struct account_run {
    const struct fetch_config *cfg;
    struct model *model;
    struct fetch_stats *stats;
    const char *profile; /* NULL: the default profile */
    struct aws_settings settings;
    struct http_options http;
    struct creds_provider *creds;
    char *account_id;
    struct http_client *client;
    struct region_run home;   /* DescribeRegions runs here, outside the model */
    struct lt_error home_err; /* why DescribeRegions failed */
    struct region_run *regions;
    size_t nregions;
    char **region_names; /* from DescribeRegions */
    size_t nregion_names;
    uint64_t started_ms; /* when the regions started, for the request rate */
};

/* One API call in flight; owns everything its http_call points to. */
struct fetch_call {
    struct http_call http;
    struct region_run *region;
    enum step step;
    struct buf body, url, label;
    struct http_header header;
    struct http_signing signing;
    struct aws_credentials creds; /* copies: the provider may refresh while this is in flight */
    struct listed *tmpl;          /* STEP_TEMPLATE_VERSIONS */
    int64_t min, max;
    struct ec2_page page;
};

/* ---- calls ---- */

static void call_free(struct fetch_call *c)
{
    http_call_release(&c->http);
    buf_release(&c->body);
    buf_release(&c->url);
    buf_release(&c->label);
    aws_credentials_release(&c->creds);
    ec2_page_release(&c->page);
    mem_free(c);
}

static enum lt_rc call_body(struct fetch_call *c, const char *next_token)
{
    switch (c->step) {
    case STEP_REGIONS:
        return ec2_describe_regions(&c->body);
    case STEP_TEMPLATES:
        return ec2_list_templates(&c->body, next_token);
    case STEP_LATEST_DEFAULT:
        return ec2_list_latest_and_default(&c->body, next_token);
    case STEP_TEMPLATE_VERSIONS:
        return ec2_template_versions(&c->body, c->tmpl->id, c->min, c->max, next_token);
    }
    return LT_E_INTERNAL;
}

/* Copies the account's current credentials into the call (refreshing them if due). */
static enum lt_rc call_credentials(struct fetch_call *c, struct lt_error *err)
{
    const struct aws_credentials *cur = NULL;
    LT_TRY(creds_provider_get(c->region->account->creds, clock_now(), &cur, err));
    c->creds.access_key_id = mem_strdup(cur->access_key_id);
    c->creds.secret_access_key = mem_strdup(cur->secret_access_key);
    c->creds.session_token = cur->session_token ? mem_strdup(cur->session_token) : NULL;
    c->creds.expiration = cur->expiration;
    c->signing.creds.access_key_id = c->creds.access_key_id;
    c->signing.creds.secret_access_key = c->creds.secret_access_key;
    c->signing.creds.session_token = c->creds.session_token;
    c->signing.region = c->region->name;
    c->signing.service = "ec2";
    return LT_OK;
}

static enum lt_rc on_accept(struct http_call *call, void *ctx);
static void on_done(struct http_call *call, void *ctx);

static enum lt_rc submit(struct region_run *r, enum step step, const char *next_token,
                         struct listed *tmpl, int64_t min, int64_t max, struct lt_error *err)
{
    struct account_run *a = r->account;
    struct fetch_call *c = mem_calloc(1, sizeof(*c));
    http_call_init(&c->http);
    buf_init(&c->body, BUF_MAX_SMALL);
    buf_init(&c->url, BUF_MAX_SMALL);
    buf_init(&c->label, BUF_MAX_SMALL);
    ec2_page_init(&c->page);
    c->region = r;
    c->step = step;
    c->tmpl = tmpl;
    c->min = min;
    c->max = max;
    enum fetch_action act = step_action[step];
    enum lt_rc rc = call_body(c, next_token);
    if (rc == LT_OK) {
        rc = buf_adds(&c->url, r->endpoint);
    }
    if (rc == LT_OK) {
        rc = buf_printf(&c->label, "ec2 %s %s", r->name, action_name(act));
    }
    if (rc != LT_OK) {
        call_free(c);
        return lt_fail(err, LT_E_LIMIT, "request too large (NextToken of %zu bytes?)",
                       next_token ? strlen(next_token) : 0);
    }
    rc = call_credentials(c, err);
    if (rc != LT_OK) {
        call_free(c);
        return rc;
    }
    c->header = (struct http_header){"Content-Type", QUERY_CONTENT_TYPE};
    struct http_call *h = &c->http;
    h->method = "POST";
    h->url = buf_str(&c->url);
    h->headers = &c->header;
    h->nheaders = 1;
    h->body = buf_str(&c->body);
    h->body_len = c->body.len;
    h->signing = &c->signing;
    h->retry = &a->settings.retry;
    h->quota = &r->quota[act];
    h->ratelimit = &r->limit[act];
    h->group = &r->slots;
    h->accept = on_accept;
    h->done = on_done;
    h->ctx = c;
    h->label = buf_str(&c->label);
    /* The listings are a chain of pages: each one goes before the per-template calls. */
    h->urgent = step != STEP_TEMPLATE_VERSIONS;
    r->in_flight++;
    http_client_submit(a->client, h);
    return LT_OK;
}

/* A 2xx must be a whole page of the expected action; anything else is retried. */
static enum lt_rc on_accept(struct http_call *call, void *ctx)
{
    struct fetch_call *c = ctx;
    struct aws_service_error svc = {NULL, NULL, NULL};
    ec2_page_release(&c->page);
    enum lt_rc rc = ec2_page_parse(buf_str(&call->response), call->response.len,
                                   EC2_PAGE_ACCEPT(step_page[c->step]), &c->page, &svc, &call->err);
    aws_service_error_release(&svc);
    if (rc != LT_OK) {
        lt_error_prefix(&call->err, "unusable response");
        return LT_E_INPUT;
    }
    return LT_OK;
}

/* ---- region outcomes ---- */

static void region_finish(struct region_run *r, enum model_scope_status status, const char *why)
{
    struct account_run *a = r->account;
    if (r->done) {
        return;
    }
    r->done = true;
    if (r == &a->home) {
        return;
    }
    model_scope_set_status(a->model, r->scope, status, why);
    switch (status) {
    case MODEL_SCOPE_COMPLETE:
        a->stats->regions_complete++;
        log_info("account %s region %s: %zu templates, %zu versions", a->account_id, r->name,
                 r->ntemplates, r->versions_received);
        break;
    case MODEL_SCOPE_SKIPPED:
        a->stats->regions_skipped++;
        log_warn("account %s region %s skipped: %s", a->account_id, r->name, why);
        break;
    default:
        a->stats->regions_failed++;
        log_warn("account %s region %s failed: %s", a->account_id, r->name, why);
        break;
    }
}

static void region_fail(struct region_run *r, const struct lt_error *err)
{
    region_finish(r, MODEL_SCOPE_FAILED, lt_error_message(err));
}

/* Codes with which EC2 refuses a region the account has not enabled (or may not use). */
static bool region_not_enabled(const char *code)
{
    static const char *const codes[] = {"AuthFailure", "UnauthorizedOperation", "OptInRequired"};
    for (size_t i = 0; code && i < LT_ARRAY_SIZE(codes); i++) {
        if (strcmp(code, codes[i]) == 0) {
            return true;
        }
    }
    return false;
}

static bool template_not_found(const char *code)
{
    return code && (strcmp(code, "InvalidLaunchTemplateId.NotFound") == 0 ||
                    strcmp(code, "InvalidLaunchTemplateName.NotFoundException") == 0);
}

/* ---- listing bookkeeping ---- */

static void listed_free(struct listed *l)
{
    mem_free(l->id);
    mem_free(l->name);
    mem_free(l->have);
    mem_free(l);
}

static void listed_release(struct region_run *r)
{
    for (size_t i = 0; i < r->ntemplates; i++) {
        listed_free(r->templates[i]);
    }
    for (size_t i = 0; i < r->nrepeats; i++) {
        listed_free(r->repeats[i]);
    }
    mem_free(r->templates);
    mem_free(r->repeats);
    r->templates = r->repeats = NULL;
    r->ntemplates = r->templates_cap = r->nrepeats = 0;
}

/* The entry that stands for l: itself, or the first listing of the same template. */
static struct listed *listed_kept(struct listed *l)
{
    while (l->same) {
        l = l->same;
    }
    return l;
}

/*
 * Records a page of templates. On the first pass of the listing, a template
 * with versions the all-templates listing will not return gets its own call
 * at once (plan_early_range), so those calls run while the listings go on.
 */
static enum lt_rc record_templates(struct region_run *r, const cJSON *list, struct lt_error *err)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, list) {
        if (r->ntemplates == r->templates_cap) {
            r->templates_cap = r->templates_cap ? r->templates_cap * 2 : 64;
            r->templates = mem_realloc_array(r->templates, r->templates_cap, sizeof(*r->templates));
        }
        struct listed *l = mem_calloc(1, sizeof(*l));
        l->seq = r->ntemplates;
        r->templates[r->ntemplates++] = l;
        l->id = mem_strdup(json_get_string(t, "LaunchTemplateId"));
        const char *name = json_get_string(t, "LaunchTemplateName");
        l->name = name ? mem_strdup(name) : NULL;
        if (!json_get_int64(t, "LatestVersionNumber", &l->latest)) {
            l->latest = 0;
        }
        if (!json_get_int64(t, "DefaultVersionNumber", &l->deflt)) {
            l->deflt = 0;
        }
        l->early_min = 1;
        l->early_max = 0;
        int64_t min, max;
        if (!r->listing_restarted && plan_early_range(l->latest, l->deflt, &min, &max)) {
            l->early_min = min;
            l->early_max = max;
            LT_TRY(submit(r, STEP_TEMPLATE_VERSIONS, NULL, l, min, max, err));
        }
    }
    return LT_OK;
}

static int compare_listed(const void *pa, const void *pb)
{
    const struct listed *a = *(const struct listed *const *)pa;
    const struct listed *b = *(const struct listed *const *)pb;
    int c = strcmp(a->id, b->id);
    return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

/*
 * Sorts the listing by id and sets repeats aside (a listing restarted, or
 * pages that overlap): the first listing of a template stands for it.
 */
static void settle_listing(struct region_run *r)
{
    if (r->ntemplates > 1) {
        qsort(r->templates, r->ntemplates, sizeof(*r->templates), compare_listed);
    }
    size_t kept = 0;
    for (size_t i = 0; i < r->ntemplates; i++) {
        struct listed *l = r->templates[i];
        if (kept && strcmp(r->templates[kept - 1]->id, l->id) == 0) {
            l->same = r->templates[kept - 1];
            r->repeats = mem_realloc_array(r->repeats, r->nrepeats + 1, sizeof(*r->repeats));
            r->repeats[r->nrepeats++] = l;
            continue;
        }
        r->templates[kept++] = l;
    }
    r->ntemplates = kept;
}

static int compare_id_listed(const void *key, const void *elem)
{
    return strcmp(key, (*(const struct listed *const *)elem)->id);
}

static struct listed *find_listed(struct region_run *r, const char *id)
{
    if (!id || r->ntemplates == 0) {
        return NULL; /* templates is NULL then, which bsearch may not be given */
    }
    struct listed **l =
        bsearch(id, r->templates, r->ntemplates, sizeof(*r->templates), compare_id_listed);
    return l ? *l : NULL;
}

/* The all-templates listing: which numbers arrived, per template (after settle_listing). */
static void record_versions(struct region_run *r, const cJSON *list)
{
    const cJSON *v;
    cJSON_ArrayForEach(v, list) {
        r->versions_received++;
        struct listed *l = find_listed(r, json_get_string(v, "LaunchTemplateId"));
        int64_t n;
        if (!l || !json_get_int64(v, "VersionNumber", &n)) {
            continue; /* a template created after the listing: left out */
        }
        if (l->nhave == l->cap) {
            l->cap = l->cap ? l->cap * 2 : 4;
            l->have = mem_realloc_array(l->have, l->cap, sizeof(*l->have));
        }
        l->have[l->nhave++] = n;
    }
}

/* ---- steps ---- */

/* After the all-templates listing: what neither it nor an early call covers. */
static enum lt_rc plan_template_calls(struct region_run *r, struct lt_error *err)
{
    for (size_t i = 0; i < r->ntemplates; i++) {
        struct listed *l = r->templates[i];
        int64_t min, max;
        if (!l->gone && plan_missing_range_after(l->latest, l->have, l->nhave, l->early_min,
                                                 l->early_max, &min, &max)) {
            LT_TRY(submit(r, STEP_TEMPLATE_VERSIONS, NULL, l, min, max, err));
        }
    }
    return LT_OK;
}

static enum lt_rc next_step(struct fetch_call *c, const char *next_token, struct lt_error *err)
{
    struct region_run *r = c->region;
    if (next_token && *next_token) {
        return submit(r, c->step, next_token, c->tmpl, c->min, c->max, err);
    }
    switch (c->step) {
    case STEP_TEMPLATES:
        settle_listing(r);
        return submit(r, STEP_LATEST_DEFAULT, NULL, NULL, 0, 0, err);
    case STEP_LATEST_DEFAULT:
        return plan_template_calls(r, err);
    case STEP_REGIONS:
    case STEP_TEMPLATE_VERSIONS:
        break;
    }
    return LT_OK;
}

static void take_region_names(struct account_run *a, const cJSON *list)
{
    const cJSON *item;
    cJSON_ArrayForEach(item, list) {
        const char *name = json_get_string(item, "RegionName");
        if (name) {
            a->region_names =
                mem_realloc_array(a->region_names, a->nregion_names + 1, sizeof(*a->region_names));
            a->region_names[a->nregion_names++] = mem_strdup(name);
        }
    }
}

static enum lt_rc handle_page(struct fetch_call *c, struct lt_error *err)
{
    struct region_run *r = c->region;
    struct account_run *a = r->account;
    const cJSON *list = json_get_array(c->page.result, ec2_page_list_key(c->page.kind));
    const char *next = json_get_string(c->page.result, "NextToken");
    r->answered = true;
    switch (c->step) {
    case STEP_REGIONS:
        take_region_names(a, list);
        return LT_OK;
    case STEP_TEMPLATES:
        LT_TRY(model_add_templates(a->model, r->scope, list, err));
        LT_TRY(record_templates(r, list, err));
        break;
    case STEP_LATEST_DEFAULT:
        /* record_versions reads only ids and numbers, which the model leaves alone. */
        LT_TRY(model_add_versions(a->model, r->scope, ec2_page_items_mutable(&c->page), err));
        record_versions(r, list);
        break;
    case STEP_TEMPLATE_VERSIONS:
        LT_TRY(model_add_versions(a->model, r->scope, ec2_page_items_mutable(&c->page), err));
        r->versions_received += (size_t)cJSON_GetArraySize(list);
        break;
    }
    return next_step(c, next, err);
}

/* Starts a listing again from its first page after InvalidPaginationToken. */
static enum lt_rc restart_listing(struct fetch_call *c, struct lt_error *err)
{
    struct region_run *r = c->region;
    if (++r->restarts > MAX_LISTING_RESTARTS) {
        return lt_fail(err, LT_E_AWS, "%s: pagination token rejected %d times",
                       action_name(step_action[c->step]), r->restarts);
    }
    log_info("%s: pagination token expired; listing again from the first page", buf_str(&c->label));
    if (c->step == STEP_TEMPLATES) {
        r->listing_restarted = true;
    }
    return submit(r, c->step, NULL, c->tmpl, c->min, c->max, err);
}

/* Decides what a failed call means for its region. */
static void handle_failure(struct fetch_call *c)
{
    struct region_run *r = c->region;
    struct account_run *a = r->account;
    const char *code = c->http.svc.code;
    struct lt_error err = LT_ERROR_INIT;
    if (c->step == STEP_TEMPLATE_VERSIONS && template_not_found(code)) {
        struct listed *l = listed_kept(c->tmpl);
        if (l->gone) {
            return; /* an early call and a later one both found it gone */
        }
        l->gone = true;
        log_warn("launch template %s ('%s') in account %s region %s disappeared during the "
                 "fetch (%s); recorded as a tombstone",
                 l->id, l->name ? l->name : "", a->account_id, r->name, code);
        model_add_tombstone(a->model, r->scope, l->id, l->name, code);
        a->stats->tombstones++;
        return;
    }
    if (c->step == STEP_TEMPLATE_VERSIONS && code &&
        strcmp(code, "InvalidLaunchTemplateId.VersionNotFound") == 0) {
        return; /* every version of the range was deleted meanwhile */
    }
    if (code && strcmp(code, "InvalidPaginationToken") == 0 && restart_listing(c, &err) == LT_OK) {
        lt_error_release(&err);
        return;
    }
    if (err.code == LT_OK) {
        lt_fail(&err, c->http.rc, "%s: %s (after %d attempt%s)", action_name(step_action[c->step]),
                lt_error_message(&c->http.err), c->http.attempts, c->http.attempts == 1 ? "" : "s");
    }
    if (c->step == STEP_REGIONS) {
        lt_fail(&a->home_err, err.code, "%s", lt_error_message(&err));
        r->done = true;
    } else if (!r->answered && region_not_enabled(code)) {
        region_finish(r, MODEL_SCOPE_SKIPPED, lt_error_message(&err));
    } else {
        region_fail(r, &err);
    }
    lt_error_release(&err);
}

static void on_done(struct http_call *call, void *ctx)
{
    struct fetch_call *c = ctx;
    struct region_run *r = c->region;
    struct account_run *a = r->account;
    r->in_flight--;
    a->stats->calls[step_action[c->step]]++;
    if (!r->done) {
        if (call->rc == LT_OK) {
            struct lt_error err = LT_ERROR_INIT;
            if (handle_page(c, &err) != LT_OK) {
                lt_error_prefix(&err, "%s", action_name(step_action[c->step]));
                region_fail(r, &err);
            }
            lt_error_release(&err);
        } else {
            handle_failure(c);
        }
        if (!r->done && r->in_flight == 0 && c->step != STEP_REGIONS) {
            region_finish(r, MODEL_SCOPE_COMPLETE, NULL);
        }
    }
    call_free(c);
}

/* ---- accounts ---- */

static void region_init(struct account_run *a, struct region_run *r, const char *name)
{
    memset(r, 0, sizeof(*r));
    r->account = a;
    r->name = mem_strdup(name);
    double capacity = a->cfg->max_rps > 0
                          ? a->cfg->max_rps
                          : RATELIMIT_EC2_DESCRIBE_CAPACITY - RATELIMIT_EC2_DESCRIBE_RESERVE;
    double rate = a->cfg->max_rps > 0 ? a->cfg->max_rps : RATELIMIT_EC2_DESCRIBE_REFILL;
    r->slots.max_in_flight =
        a->cfg->concurrency > 0 ? a->cfg->concurrency : FETCH_DEFAULT_CONCURRENCY;
    uint64_t now = clock_monotonic_ms();
    for (int k = 0; k < FETCH_ACTION_COUNT; k++) {
        ratelimit_init(&r->limit[k], capacity, rate, now);
        retry_quota_init(&r->quota[k]);
    }
}

static void region_release(struct region_run *r)
{
    listed_release(r);
    mem_free(r->name);
    mem_free(r->endpoint);
}

static enum lt_rc region_endpoint(struct account_run *a, struct region_run *r, struct lt_error *err)
{
    struct buf url = BUF_INIT(BUF_MAX_SMALL);
    enum lt_rc rc =
        settings_endpoint(&a->settings, "ec2", r->name, a->cfg->endpoint_url, &url, NULL, err);
    if (rc == LT_OK && buf_addc(&url, '/') != LT_OK) {
        rc = lt_fail(err, LT_E_CONFIG, "endpoint URL too long");
    }
    if (rc == LT_OK) {
        r->endpoint = buf_detach(&url, NULL);
    }
    buf_release(&url);
    return rc;
}

/* The regions to fetch: --region values, DescribeRegions, or the profile's region. */
static enum lt_rc discover_regions(struct account_run *a, struct lt_error *err)
{
    const struct fetch_config *cfg = a->cfg;
    if (cfg->nregions > 0) {
        for (size_t i = 0; i < cfg->nregions; i++) {
            a->region_names =
                mem_realloc_array(a->region_names, a->nregion_names + 1, sizeof(*a->region_names));
            a->region_names[a->nregion_names++] = mem_strdup(cfg->regions[i]);
        }
        return LT_OK;
    }
    if (!cfg->all_regions) {
        if (!a->settings.region) {
            return lt_fail(err, LT_E_USAGE,
                           "no region for profile '%s': give --region or --all-regions, or set "
                           "AWS_REGION or the profile's region",
                           a->settings.profile);
        }
        a->region_names = mem_calloc(1, sizeof(*a->region_names));
        a->region_names[a->nregion_names++] = mem_strdup(a->settings.region);
        return LT_OK;
    }
    region_init(a, &a->home, a->settings.region ? a->settings.region : DEFAULT_HOME_REGION);
    LT_TRY(region_endpoint(a, &a->home, err));
    LT_TRY(submit(&a->home, STEP_REGIONS, NULL, NULL, 0, 0, err));
    LT_TRY(http_client_run(a->client, err));
    if (!a->home.answered) {
        return lt_fail(err, a->home_err.code ? a->home_err.code : LT_E_AWS,
                       "cannot list the regions of account %s: %s", a->account_id,
                       lt_error_message(&a->home_err));
    }
    return LT_OK;
}

static int compare_strings(const void *pa, const void *pb)
{
    return strcmp(*(char *const *)pa, *(char *const *)pb);
}

/* Sorted, without repeats: DescribeRegions' order is unspecified, and --region may repeat. */
static void settle_region_names(struct account_run *a)
{
    if (a->nregion_names > 1) {
        qsort(a->region_names, a->nregion_names, sizeof(*a->region_names), compare_strings);
    }
    size_t kept = 0;
    for (size_t i = 0; i < a->nregion_names; i++) {
        if (kept && strcmp(a->region_names[kept - 1], a->region_names[i]) == 0) {
            mem_free(a->region_names[i]);
            continue;
        }
        a->region_names[kept++] = a->region_names[i];
    }
    a->nregion_names = kept;
}

static enum lt_rc caller_identity(struct account_run *a, struct lt_error *err)
{
    const struct aws_credentials *cur = NULL;
    LT_TRY(creds_provider_get(a->creds, clock_now(), &cur, err));
    struct buf url = BUF_INIT(BUF_MAX_SMALL);
    const char *region = a->settings.region ? a->settings.region : DEFAULT_HOME_REGION;
    enum lt_rc rc =
        settings_endpoint(&a->settings, "sts", region, a->cfg->endpoint_url, &url, NULL, err);
    if (rc == LT_OK) {
        struct sts_client sts = {&a->http, buf_str(&url), region, &a->settings.retry};
        struct sigv4_credentials sc = {cur->access_key_id, cur->secret_access_key,
                                       cur->session_token};
        struct sts_identity id = {NULL, NULL, NULL};
        rc = sts_get_caller_identity(&sts, &sc, &id, err);
        if (rc == LT_OK) {
            a->account_id = mem_strdup(id.account);
            log_info("profile '%s' is account %s (%s), credentials from %s", a->settings.profile,
                     id.account, id.arn ? id.arn : "", creds_provider_source(a->creds));
        }
        sts_identity_release(&id);
    }
    buf_release(&url);
    return rc;
}

static void tick(void *ctx)
{
    struct account_run *a = ctx;
    struct http_stats hs;
    http_client_stats(a->client, &hs);
    size_t done = 0, templates = 0, versions = 0;
    for (size_t i = 0; i < a->nregions; i++) {
        done += a->regions[i].done;
        templates += a->regions[i].ntemplates;
        versions += a->regions[i].versions_received;
    }
    uint64_t elapsed = clock_monotonic_ms() - a->started_ms;
    double rate = elapsed ? (double)hs.attempts * 1000.0 / (double)elapsed : 0.0;
    log_progress("account %s: regions %zu/%zu, templates %zu, versions %zu, calls %llu, "
                 "retries %llu, %.1f req/s",
                 a->account_id, done, a->nregions, templates, versions,
                 (unsigned long long)hs.calls, (unsigned long long)hs.retries, rate);
}

static enum lt_rc start_regions(struct account_run *a, struct lt_error *err)
{
    settle_region_names(a);
    a->regions = mem_calloc(a->nregion_names ? a->nregion_names : 1, sizeof(*a->regions));
    for (size_t i = 0; i < a->nregion_names; i++) {
        struct region_run *r = &a->regions[a->nregions++];
        region_init(a, r, a->region_names[i]);
        r->scope = model_scope(a->model, a->account_id, r->name);
        LT_TRY(region_endpoint(a, r, err));
    }
    for (size_t i = 0; i < a->nregions; i++) {
        struct lt_error rerr = LT_ERROR_INIT;
        if (submit(&a->regions[i], STEP_TEMPLATES, NULL, NULL, 0, 0, &rerr) != LT_OK) {
            region_fail(&a->regions[i], &rerr);
        }
        lt_error_release(&rerr);
    }
    /* Regions are separate endpoints with separate limits: each gets its own slots. */
    int per_region = a->cfg->concurrency > 0 ? a->cfg->concurrency : FETCH_DEFAULT_CONCURRENCY;
    http_client_set_concurrency(a->client, per_region * (int)(a->nregions ? a->nregions : 1));
    a->started_ms = clock_monotonic_ms();
    http_client_on_tick(a->client, tick, a);
    enum lt_rc rc = http_client_run(a->client, err);
    log_progress_end();
    return rc;
}

static enum lt_rc account_prepare(struct account_run *a, struct lt_error *err)
{
    LT_TRY(settings_resolve(a->cfg->env, a->cfg->files, a->profile, &a->settings, err));
    a->http.max_concurrency = a->cfg->concurrency; /* DescribeRegions; then per region */
    a->http.ca_bundle = a->settings.ca_bundle;
    a->http.timeout_ms = a->cfg->timeout_ms;
    struct creds_context ctx = {
        .env = a->cfg->env,
        .files = a->cfg->files,
        .http = &a->http,
        .region = a->settings.region,
        .sts_endpoint = a->cfg->endpoint_url,
        .retry = &a->settings.retry,
    };
    LT_TRY(creds_provider_new(&ctx, a->profile, &a->creds, err));
    LT_TRY(caller_identity(a, err));
    return http_client_new(&a->http, &a->client, err);
}

static void account_release(struct account_run *a)
{
    for (size_t i = 0; i < a->nregions; i++) {
        region_release(&a->regions[i]);
    }
    mem_free(a->regions);
    region_release(&a->home);
    for (size_t i = 0; i < a->nregion_names; i++) {
        mem_free(a->region_names[i]);
    }
    mem_free(a->region_names);
    http_client_free(a->client);
    creds_provider_free(a->creds);
    lt_error_release(&a->home_err);
    settings_release(&a->settings);
    mem_free(a->account_id);
}

static enum lt_rc fetch_account(const struct fetch_config *cfg, const char *profile,
                                struct model *m, struct fetch_stats *stats, struct lt_error *err)
{
    struct account_run a;
    memset(&a, 0, sizeof(a));
    a.cfg = cfg;
    a.model = m;
    a.stats = stats;
    a.profile = profile;
    lt_error_init(&a.home_err);
    enum lt_rc rc = account_prepare(&a, err);
    if (rc == LT_OK) {
        rc = discover_regions(&a, err);
    }
    if (rc == LT_OK) {
        rc = start_regions(&a, err);
    }
    if (a.client) {
        struct http_stats hs;
        http_client_stats(a.client, &hs);
        stats->attempts += hs.attempts;
        stats->retries += hs.retries;
        stats->throttled += hs.throttled;
    }
    if (rc != LT_OK && profile) {
        lt_error_prefix(err, "profile '%s'", profile);
    }
    account_release(&a);
    return rc;
}

enum lt_rc fetch_run(const struct fetch_config *c, struct model *m, struct fetch_stats *stats,
                     struct lt_error *err)
{
    memset(stats, 0, sizeof(*stats));
    size_t n = c->nprofiles ? c->nprofiles : 1;
    for (size_t i = 0; i < n; i++) {
        LT_TRY(fetch_account(c, c->nprofiles ? c->profiles[i] : NULL, m, stats, err));
    }
    if (stats->regions_complete == 0) {
        return lt_fail(err, LT_E_AWS, "no region could be fetched (%zu failed, %zu skipped)",
                       stats->regions_failed, stats->regions_skipped);
    }
    return LT_OK;
}
