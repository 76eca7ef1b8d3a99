/*
 * ltsnap fetch - launch templates and every version from EC2, written as a
 * snapshot.
 */
#include "fetch/fetch.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/env.h"
#include "aws/profile.h"
#include "aws/settings.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"
#include "cmd/cmd.h"
#include "model/model.h"
#include "write/snapshot.h"

extern char **environ;

#define MAX_CONCURRENCY 64
#define MAX_RPS 1000
#define MAX_TIMEOUT 3600

static const char usage[] =
    "usage: ltsnap fetch [--profile NAME]... [--region REGION]... [--all-regions] [--out DIR]\n"
    "                    [--update-tag N] [--concurrency N] [--max-rps N] [--timeout SECONDS]\n"
    "                    [--endpoint-url URL] [--include-user-data] [--templates DIR] [-q|-v]\n"
    "\n"
    "Fetches every EC2 launch template and every version of it, and writes a snapshot\n"
    "directory. Credentials, region and endpoints are found as the AWS CLI finds them.\n"
    "\n"
    "  --profile NAME        a profile of the shared config files; repeat for several\n"
    "                        accounts in one snapshot (default: AWS_PROFILE,\n"
    "                        AWS_DEFAULT_PROFILE or 'default')\n"
    "  --region REGION       a region to fetch; repeatable (default: AWS_REGION,\n"
    "                        AWS_DEFAULT_REGION or the profile's region)\n"
    "  --all-regions         every region enabled for the account (DescribeRegions)\n"
    "  --out DIR             snapshot directory to write or replace (default: snapshot)\n"
    "  --update-tag N        pin the update tag (Unix seconds); default: taken at load time\n"
    "  --concurrency N       requests in flight per region, 1-64 (default: 8)\n"
    "  --max-rps N           requests per second per region and action, 1-1000\n"
    "                        (default: a burst of 95 then 20/s, within EC2's Describe\n"
    "                        limits)\n"
    "  --timeout SECONDS     give up on a request attempt after SECONDS and retry it,\n"
    "                        1-3600 (default: 60)\n"
    "  --endpoint-url URL    send EC2 and STS requests to URL (an emulator, a proxy)\n"
    "  --include-user-data   also write user data (otherwise only its SHA-256)\n"
    "  --templates DIR       Cypher templates to use instead of the installed ones\n"
    "  -q, --quiet           errors only\n"
    "  -v, --verbose         say what is done (-vv: debug, each request)\n"
    "  -h, --help            this text\n"
    "\n"
    "Rows beyond LTSNAP_SPILL_AFTER bytes (default 32 MiB) wait in an unnamed\n"
    "temporary file beside DIR.\n"
    "\n"
    "Exit status: 0 written; 1 error, DIR untouched; 2 usage error; 3 written but\n"
    "incomplete (manifest.json says which regions failed and why).\n";

struct fetch_options {
    struct cmd_output output;
    const char **profiles;
    size_t nprofiles;
    const char **regions;
    size_t nregions;
    bool all_regions;
    int64_t concurrency;
    int64_t max_rps;
    int64_t timeout;
    const char *endpoint_url;
};

enum {
    OPT_PROFILE = 256,
    OPT_REGION,
    OPT_ALL_REGIONS,
    OPT_CONCURRENCY,
    OPT_MAX_RPS,
    OPT_TIMEOUT,
    OPT_ENDPOINT,
};

static void push(const char ***list, size_t *n, const char *value)
{
    *list = mem_realloc_array(*list, *n + 1, sizeof(**list));
    (*list)[(*n)++] = value;
}

static enum lt_rc take_option(int opt, const char *arg, void *ctx, struct lt_error *err)
{
    struct fetch_options *o = ctx;
    switch (opt) {
    case OPT_PROFILE:
        push(&o->profiles, &o->nprofiles, arg);
        return LT_OK;
    case OPT_REGION:
        push(&o->regions, &o->nregions, arg);
        if (settings_check_region(arg, "--region", err) != LT_OK) {
            err->code = LT_E_USAGE;
            return LT_E_USAGE;
        }
        return LT_OK;
    case OPT_ALL_REGIONS:
        o->all_regions = true;
        return LT_OK;
    case OPT_CONCURRENCY:
        return cmd_parse_int("--concurrency", arg, 1, MAX_CONCURRENCY, &o->concurrency, err);
    case OPT_MAX_RPS:
        return cmd_parse_int("--max-rps", arg, 1, MAX_RPS, &o->max_rps, err);
    case OPT_TIMEOUT:
        return cmd_parse_int("--timeout", arg, 1, MAX_TIMEOUT, &o->timeout, err);
    case OPT_ENDPOINT:
        o->endpoint_url = arg;
        if (settings_check_url(arg, "--endpoint-url", err) != LT_OK) {
            err->code = LT_E_USAGE;
            return LT_E_USAGE;
        }
        return LT_OK;
    }
    return lt_fail(err, LT_E_INTERNAL, "unhandled option");
}

static enum lt_rc parse_args(int argc, char **argv, struct fetch_options *o, struct lt_error *err)
{
    static const struct option own[] = {
        {"profile", required_argument, NULL, OPT_PROFILE},
        {"region", required_argument, NULL, OPT_REGION},
        {"all-regions", no_argument, NULL, OPT_ALL_REGIONS},
        {"concurrency", required_argument, NULL, OPT_CONCURRENCY},
        {"max-rps", required_argument, NULL, OPT_MAX_RPS},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"endpoint-url", required_argument, NULL, OPT_ENDPOINT},
    };
    int first = 0;
    LT_TRY(cmd_parse_options(argc, argv, own, LT_ARRAY_SIZE(own), take_option, o, &o->output,
                             &first, err));
    if (o->output.help) {
        return LT_OK;
    }
    if (first < argc) {
        return lt_fail(err, LT_E_USAGE, "unexpected argument '%s'", argv[first]);
    }
    if (o->all_regions && o->nregions) {
        return lt_fail(err, LT_E_USAGE, "--region and --all-regions exclude each other");
    }
    return LT_OK;
}

/* SOURCE_DATE_EPOCH (reproducible-builds.org) pins manifest.json's created_at. */
static int64_t created_at(void)
{
    const char *s = getenv("SOURCE_DATE_EPOCH");
    int64_t t;
    struct lt_error ignored = LT_ERROR_INIT;
    if (s && cmd_parse_int("SOURCE_DATE_EPOCH", s, 0, INT64_MAX / 2, &t, &ignored) == LT_OK) {
        lt_error_release(&ignored);
        return t;
    }
    lt_error_release(&ignored);
    return clock_now();
}

static void report(const struct model *m, const struct fetch_stats *st, const char *out)
{
    log_info("API calls: %llu DescribeLaunchTemplates, %llu DescribeLaunchTemplateVersions, "
             "%llu DescribeRegions; %llu requests, %llu retries, %llu throttled",
             (unsigned long long)st->calls[FETCH_DESCRIBE_LAUNCH_TEMPLATES],
             (unsigned long long)st->calls[FETCH_DESCRIBE_LAUNCH_TEMPLATE_VERSIONS],
             (unsigned long long)st->calls[FETCH_DESCRIBE_REGIONS],
             (unsigned long long)st->attempts, (unsigned long long)st->retries,
             (unsigned long long)st->throttled);
    if (m->stats.versions_after_listing || m->stats.versions_without_template) {
        log_info("left out %zu version(s) created after the listing",
                 m->stats.versions_after_listing + m->stats.versions_without_template);
    }
    log_info("wrote '%s': %zu templates, %zu versions, %zu tombstones; regions: %zu complete, "
             "%zu failed, %zu skipped",
             out, m->nnodes[SCHEMA_NODE_TEMPLATE], m->nnodes[SCHEMA_NODE_VERSION], m->ntombstones,
             st->regions_complete, st->regions_failed, st->regions_skipped);
}

static enum lt_rc fetch(const struct fetch_options *o, enum cmd_outcome *outcome,
                        struct lt_error *err)
{
    const struct cmd_output *out = &o->output;
    struct buf templates = BUF_INIT(BUF_MAX_SMALL);
    struct snapshot_options so;
    if (cmd_snapshot_options(out, "fetch", created_at(), &templates, &so, err) != LT_OK) {
        buf_release(&templates);
        return err->code;
    }
    struct aws_env env = AWS_ENV_INIT((const char *const *)environ);
    struct profile_set files = PROFILE_SET_INIT;
    struct model m;
    struct model_options mo;
    struct fetch_stats stats;
    if (cmd_model_options(out, &mo, err) != LT_OK) {
        buf_release(&templates);
        return err->code;
    }
    model_init(&m, &mo);
    log_enable_progress(1);
    enum lt_rc rc = profile_set_load(&files, &env, err);
    if (rc == LT_OK) {
        struct fetch_config fc = {
            .env = &env,
            .files = &files,
            .profiles = o->profiles,
            .nprofiles = o->nprofiles,
            .regions = o->regions,
            .nregions = o->nregions,
            .all_regions = o->all_regions,
            .endpoint_url = o->endpoint_url,
            .concurrency = (int)o->concurrency,
            .max_rps = (double)o->max_rps,
            .timeout_ms = (long)o->timeout * 1000,
        };
        rc = fetch_run(&fc, &m, &stats, err);
    }
    if (rc == LT_OK) {
        rc = model_finish(&m, err);
    }
    if (rc == LT_OK) {
        rc = snapshot_write(&m, &so, err);
    }
    if (rc == LT_OK) {
        report(&m, &stats, out->out);
        if (stats.regions_failed > 0) {
            *outcome = CMD_INCOMPLETE;
            log_warn("snapshot '%s' is incomplete: %zu region(s) failed (see manifest.json)",
                     out->out, stats.regions_failed);
        }
    }
    model_release(&m);
    profile_set_release(&files);
    buf_release(&templates);
    return rc;
}

enum lt_rc cmd_fetch(int argc, char **argv, enum cmd_outcome *outcome, struct lt_error *err)
{
    struct fetch_options o;
    memset(&o, 0, sizeof(o));
    enum lt_rc rc = parse_args(argc, argv, &o, err);
    if (rc == LT_OK && o.output.help) {
        fputs(usage, stdout);
    } else if (rc == LT_OK) {
        rc = fetch(&o, outcome, err);
    }
    mem_free(o.profiles);
    mem_free(o.regions);
    return rc;
}
