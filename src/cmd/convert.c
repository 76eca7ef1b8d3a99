/*
 * ltsnap convert - a snapshot from saved DescribeLaunchTemplates and
 * DescribeLaunchTemplateVersions responses (EC2 XML or AWS CLI JSON).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "aws/xml.h"
#include "base/clock.h"
#include "base/fsx.h"
#include "base/json.h"
#include "base/log.h"
#include "cmd/cmd.h"
#include "ec2/ec2_page.h"
#include "model/model.h"
#include "write/snapshot.h"

#define PAGE_MAX ((size_t)256 * 1024 * 1024)

static const char usage[] =
    "usage: ltsnap convert --account-id ID --region REGION [--out DIR] [--update-tag N]\n"
    "                      [--include-user-data] [--templates DIR] [-q|-v] FILE...\n"
    "\n"
    "Writes a snapshot directory from saved DescribeLaunchTemplates and\n"
    "DescribeLaunchTemplateVersions responses: EC2 Query API XML, or the JSON that\n"
    "`aws ec2 describe-launch-templates` / `describe-launch-template-versions` print.\n"
    "\n"
    "  --account-id ID       12-digit account the responses belong to (required)\n"
    "  --region REGION       region the responses came from (required)\n"
    "  --out DIR             snapshot directory to write or replace (default: snapshot)\n"
    "  --update-tag N        pin the update tag (Unix seconds); default: taken at load time\n"
    "  --include-user-data   also write user data (otherwise only its SHA-256)\n"
    "  --templates DIR       Cypher templates to use instead of the installed ones\n"
    "  -q, --quiet           errors only\n"
    "  -v, --verbose         say what is done (-vv: debug)\n"
    "  -h, --help            this text\n"
    "\n"
    "Rows beyond LTSNAP_SPILL_AFTER bytes (default 32 MiB) wait in an unnamed\n"
    "temporary file beside DIR.\n"
    "\n"
    "Exit status: 0 written; 1 error, DIR untouched; 2 usage error.\n";

struct convert_config {
    struct cmd_output output;
    const char *account_id;
    const char *region;
    char **files;
    int nfiles;
};

static bool all_digits(const char *s, size_t n)
{
    if (strlen(s) != n) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
    }
    return true;
}

/* Region names: lower-case letters, digits and dashes ("us-east-1", "us-gov-west-1"). */
static bool valid_region(const char *s)
{
    if (!*s || strlen(s) > 64) {
        return false;
    }
    for (; *s; s++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-')) {
            return false;
        }
    }
    return true;
}

enum { OPT_ACCOUNT = 256, OPT_REGION };

static enum lt_rc take_option(int opt, const char *arg, void *ctx, struct lt_error *err)
{
    struct convert_config *c = ctx;
    if (opt == OPT_ACCOUNT) {
        c->account_id = arg;
    } else if (opt == OPT_REGION) {
        c->region = arg;
    } else {
        return lt_fail(err, LT_E_INTERNAL, "unhandled option");
    }
    return LT_OK;
}

static enum lt_rc check_config(const struct convert_config *c, struct lt_error *err)
{
    if (!c->account_id) {
        return lt_fail(err, LT_E_USAGE, "--account-id is required");
    }
    if (!all_digits(c->account_id, 12)) {
        return lt_fail(err, LT_E_USAGE, "--account-id: '%s' is not a 12-digit AWS account id",
                       c->account_id);
    }
    if (!c->region) {
        return lt_fail(err, LT_E_USAGE, "--region is required");
    }
    if (!valid_region(c->region)) {
        return lt_fail(err, LT_E_USAGE, "--region: '%s' is not a region name", c->region);
    }
    if (c->nfiles == 0) {
        return lt_fail(err, LT_E_USAGE, "no input files");
    }
    return LT_OK;
}

static enum lt_rc parse_args(int argc, char **argv, struct convert_config *c, struct lt_error *err)
{
    static const struct option own[] = {
        {"account-id", required_argument, NULL, OPT_ACCOUNT},
        {"region", required_argument, NULL, OPT_REGION},
    };
    memset(c, 0, sizeof(*c));
    int first = 0;
    LT_TRY(cmd_parse_options(argc, argv, own, LT_ARRAY_SIZE(own), take_option, c, &c->output,
                             &first, err));
    if (c->output.help) {
        return LT_OK;
    }
    c->files = argv + first;
    c->nfiles = argc - first;
    return check_config(c, err);
}

static enum lt_rc add_page(struct model *m, size_t scope, struct ec2_page *page,
                           struct lt_error *err)
{
    if (page->kind == EC2_PAGE_LAUNCH_TEMPLATES) {
        return model_add_templates(m, scope, ec2_page_items(page), err);
    }
    return model_add_versions(m, scope, ec2_page_items_mutable(page), err);
}

/*
 * What reading one file after another reuses (pages are about the same
 * size): the file's bytes, and the arena the page's tree lives in. The arena
 * is current from parsing to the end of the page, so every block of the
 * tree is in it and the whole tree goes back at once, without walking it.
 */
struct page_reader {
    struct buf data;
    struct json_arena arena;
};

static enum lt_rc read_file(struct model *m, size_t scope, const char *path, struct page_reader *r,
                            struct lt_error *err)
{
    struct ec2_page page = EC2_PAGE_INIT;
    struct aws_service_error svc = {0};
    buf_reset(&r->data);
    enum lt_rc rc = fsx_read_file(path, PAGE_MAX, &r->data, err);
    struct json_arena *previous = json_arena_enter(&r->arena);
    if (rc == LT_OK) {
        rc = ec2_page_parse(buf_str(&r->data), r->data.len,
                            EC2_PAGE_ACCEPT(EC2_PAGE_LAUNCH_TEMPLATES) |
                                EC2_PAGE_ACCEPT(EC2_PAGE_LAUNCH_TEMPLATE_VERSIONS),
                            &page, &svc, err);
        if (rc == LT_E_AWS) {
            lt_error_clear(err);
            rc = lt_fail(err, LT_E_INPUT, "an EC2 error response (%s), not a page",
                         svc.code ? svc.code : "no code");
        }
    }
    if (rc == LT_OK) {
        rc = add_page(m, scope, &page, err);
    }
    if (rc != LT_OK && lt_rc_category(rc) == LT_CAT_INPUT) {
        lt_error_prefix(err, "'%s'", path);
    }
    log_info("read '%s'", path);
    ec2_page_forget(&page);
    json_arena_leave(previous);
    json_arena_reset(&r->arena);
    aws_service_error_release(&svc);
    return rc;
}

static void report_model(const struct model *m)
{
    if (m->stats.versions_without_template) {
        log_warn("left out %zu version(s) of templates that no DescribeLaunchTemplates page "
                 "lists",
                 m->stats.versions_without_template);
    }
    if (m->stats.versions_after_listing) {
        log_warn("left out %zu version(s) numbered above their template's LatestVersionNumber",
                 m->stats.versions_after_listing);
    }
    for (size_t i = 0; i < m->ntombstones; i++) {
        const struct model_tombstone *t = &m->tombstones[i];
        log_warn("launch template %s ('%s') in %s is listed without any version; recorded as a "
                 "tombstone (%s)",
                 t->id, t->name ? t->name : "", t->region, t->reason);
    }
}

static enum lt_rc convert(const struct convert_config *c, struct lt_error *err)
{
    const struct cmd_output *o = &c->output;
    struct buf templates = BUF_INIT(BUF_MAX_SMALL);
    struct snapshot_options so;
    if (cmd_snapshot_options(o, "convert", -1, &templates, &so, err) != LT_OK) {
        buf_release(&templates);
        return err->code;
    }
    struct model m;
    struct model_options mo;
    if (cmd_model_options(o, &mo, err) != LT_OK) {
        buf_release(&templates);
        return err->code;
    }
    model_init(&m, &mo);
    size_t scope = model_scope(&m, c->account_id, c->region);
    enum lt_rc rc = LT_OK;
    struct page_reader reader = {.data = BUF_INIT(PAGE_MAX)};
    json_arena_init(&reader.arena);
    uint64_t started = clock_monotonic_ms();
    for (int i = 0; rc == LT_OK && i < c->nfiles; i++) {
        rc = read_file(&m, scope, c->files[i], &reader, err);
    }
    buf_release(&reader.data);
    json_arena_release(&reader.arena);
    uint64_t read = clock_monotonic_ms();
    if (rc == LT_OK) {
        model_scope_set_status(&m, scope, MODEL_SCOPE_COMPLETE, NULL);
        rc = model_finish(&m, err);
    }
    uint64_t finished = clock_monotonic_ms();
    if (rc == LT_OK) {
        report_model(&m);
        rc = snapshot_write(&m, &so, err);
    }
    if (rc == LT_OK) {
        uint64_t wrote = clock_monotonic_ms();
        size_t rows = m.ntombstones;
        for (int k = 0; k < SCHEMA_NODE_COUNT; k++) {
            rows += m.nnodes[k];
        }
        for (int k = 0; k < SCHEMA_REL_COUNT; k++) {
            rows += m.nrels[k];
        }
        log_info("wrote '%s': %zu templates, %zu versions, %zu tombstones", o->out,
                 m.nnodes[SCHEMA_NODE_TEMPLATE], m.nnodes[SCHEMA_NODE_VERSION], m.ntombstones);
        log_info("times: reading %d files %.3f s, tables %.3f s, writing %zu rows %.3f s; rows %s",
                 c->nfiles, (double)(read - started) / 1000.0, (double)(finished - read) / 1000.0,
                 rows, (double)(wrote - finished) / 1000.0,
                 model_spilled(&m) ? "spilled to a temporary file" : "kept in memory");
    }
    model_release(&m);
    buf_release(&templates);
    return rc;
}

enum lt_rc cmd_convert(int argc, char **argv, enum cmd_outcome *outcome, struct lt_error *err)
{
    struct convert_config c;
    (void)outcome; /* a convert is complete or fails */
    enum lt_rc rc = parse_args(argc, argv, &c, err);
    if (rc == LT_OK && c.output.help) {
        fputs(usage, stdout);
        return LT_OK;
    }
    if (rc != LT_OK) {
        return rc;
    }
    return convert(&c, err);
}
