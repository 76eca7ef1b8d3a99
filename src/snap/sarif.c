#include "snap/sarif.h"

#include <string.h>

#include "base/hash.h"
#include "base/json.h"

/* The key of the partial fingerprint; a new recipe gets a new version. */
#define SARIF_FINGERPRINT_KEY "ltsnapFinding/v1"

/* SARIF's result level for a severity. */
static const char *level(enum rule_severity s)
{
    switch (s) {
    case RULE_HIGH:
        return "error";
    case RULE_MEDIUM:
        return "warning";
    case RULE_LOW:
        return "note";
    }
    return "none";
}

/* GitHub code scanning's "security-severity" (0-10; 7+ high, 4+ medium, else low). */
static const char *security_severity(enum rule_severity s)
{
    switch (s) {
    case RULE_HIGH:
        return "8.0";
    case RULE_MEDIUM:
        return "5.5";
    case RULE_LOW:
        return "3.0";
    }
    return "0.0";
}

static cJSON *text_object(const char *text)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "text", text);
    return o;
}

/* ---- rules ---- */

static enum lt_rc full_description(const struct rule *u, struct buf *b)
{
    LT_TRY(buf_printf(b, "%s: %s. Judges %s.", u->title, u->rationale,
                      u->judges == RULE_JUDGES_EVERY_VERSION ? "every version (the default one "
                                                               "is marked)"
                      : u->judges == RULE_JUDGES_TEMPLATE
                          ? "each template once, on its default version"
                          : "each template tombstoned in the snapshot"));
    if (u->security_hub) {
        LT_TRY(buf_printf(b, " AWS Security Hub control %s.", u->security_hub));
    }
    if (u->prowler) {
        LT_TRY(buf_printf(b, " Prowler check %s.", u->prowler));
    }
    return LT_OK;
}

static cJSON *rule_properties(const struct rule *u)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "security-severity", security_severity(u->severity));
    cJSON *tags = cJSON_AddArrayToObject(p, "tags");
    cJSON_AddItemToArray(tags, cJSON_CreateString("security"));
    cJSON_AddItemToArray(tags, cJSON_CreateString("aws-ec2-launch-template"));
    cJSON_AddStringToObject(p, "judges", rule_judges_name(u->judges));
    if (u->security_hub) {
        cJSON_AddStringToObject(p, "securityHubControl", u->security_hub);
    }
    if (u->prowler) {
        cJSON_AddStringToObject(p, "prowlerCheck", u->prowler);
    }
    return p;
}

static enum lt_rc rule_descriptor(const struct rule *u, cJSON *rules_array)
{
    struct buf full = BUF_INIT(BUF_MAX_SMALL);
    enum lt_rc rc = full_description(u, &full);
    if (rc != LT_OK) {
        buf_release(&full);
        return rc;
    }
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "id", u->id);
    cJSON_AddStringToObject(d, "name", u->name);
    cJSON_AddItemToObject(d, "shortDescription", text_object(u->title));
    cJSON_AddItemToObject(d, "fullDescription", text_object(buf_str(&full)));
    cJSON_AddItemToObject(d, "help", text_object(u->remedy));
    cJSON *config = cJSON_AddObjectToObject(d, "defaultConfiguration");
    cJSON_AddStringToObject(config, "level", level(u->severity));
    cJSON_AddItemToObject(d, "properties", rule_properties(u));
    cJSON_AddItemToArray(rules_array, d);
    buf_release(&full);
    return LT_OK;
}

static enum lt_rc tool(cJSON *run)
{
    cJSON *driver = cJSON_AddObjectToObject(cJSON_AddObjectToObject(run, "tool"), "driver");
    cJSON_AddStringToObject(driver, "name", "ltsnap");
    cJSON_AddStringToObject(driver, "version", LT_VERSION);
    cJSON_AddStringToObject(driver, "semanticVersion", LT_VERSION);
    cJSON *rules_array = cJSON_AddArrayToObject(driver, "rules");
    for (size_t i = 0; i < rules_count; i++) {
        LT_TRY(rule_descriptor(&rules[i], rules_array));
    }
    return LT_OK;
}

/* ---- locations ---- */

/* RFC 3986: unreserved characters and '/' stay, every other byte becomes %XX. */
static enum lt_rc uri_path(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
        char esc[3] = {'%', hex[c >> 4], hex[c & 0x0F]};
        LT_TRY(keep ? buf_addc(b, (char)c) : buf_add(b, esc, sizeof(esc)));
    }
    return LT_OK;
}

static enum lt_rc artifact_uri(const char *dir, const char *file, struct buf *b)
{
    size_t n = strlen(dir);
    if (dir[0] == '/') {
        LT_TRY(buf_adds(b, "file://"));
    }
    LT_TRY(uri_path(b, dir));
    if (n > 0 && dir[n - 1] != '/') {
        LT_TRY(buf_addc(b, '/'));
    }
    return uri_path(b, file);
}

/* "123456789012/us-east-1/lt-0123.../2" (no version part for a tombstone). */
static enum lt_rc qualified_name(const struct audit_finding *f, struct buf *b)
{
    LT_TRY(buf_printf(b, "%s/%s/%s", f->account_id, f->region, f->template_id));
    return f->has_version ? buf_printf(b, "/%lld", (long long)f->version_number) : LT_OK;
}

static enum lt_rc location(const struct audit_finding *f, const char *dir, cJSON *result)
{
    struct buf uri = BUF_INIT(BUF_MAX_SMALL);
    struct buf name = BUF_INIT(BUF_MAX_SMALL);
    enum lt_rc rc = artifact_uri(dir, f->file, &uri);
    if (rc == LT_OK) {
        rc = qualified_name(f, &name);
    }
    if (rc == LT_OK) {
        cJSON *loc = cJSON_CreateObject();
        cJSON *phys = cJSON_AddObjectToObject(loc, "physicalLocation");
        cJSON_AddStringToObject(cJSON_AddObjectToObject(phys, "artifactLocation"), "uri",
                                buf_str(&uri));
        cJSON_AddNumberToObject(cJSON_AddObjectToObject(phys, "region"), "startLine",
                                (double)f->line);
        cJSON *logical = cJSON_CreateObject();
        cJSON_AddStringToObject(logical, "name", f->template_id);
        cJSON_AddStringToObject(logical, "fullyQualifiedName", buf_str(&name));
        cJSON_AddStringToObject(logical, "kind", "resource");
        cJSON_AddItemToArray(cJSON_AddArrayToObject(loc, "logicalLocations"), logical);
        cJSON_AddItemToArray(cJSON_AddArrayToObject(result, "locations"), loc);
    }
    buf_release(&name);
    buf_release(&uri);
    return rc;
}

/* ---- results ---- */

/* Stable identity: rule, account, region, template, version; not the line or the text. */
static enum lt_rc fingerprint(const struct audit_finding *f, cJSON *result)
{
    struct buf key = BUF_INIT(BUF_MAX_SMALL);
    struct buf hex = BUF_INIT(HASH_SHA256_HEX_LEN + 1);
    enum lt_rc rc = buf_printf(&key, "%s/", f->rule->id);
    if (rc == LT_OK) {
        rc = qualified_name(f, &key);
    }
    if (rc == LT_OK) {
        rc = hash_sha256_hex(&hex, key.ptr, key.len);
    }
    if (rc == LT_OK) {
        cJSON_AddStringToObject(cJSON_AddObjectToObject(result, "partialFingerprints"),
                                SARIF_FINGERPRINT_KEY, buf_str(&hex));
    }
    buf_release(&hex);
    buf_release(&key);
    return rc;
}

static enum lt_rc message(const struct audit_finding *f, cJSON *result)
{
    struct buf m = BUF_INIT(BUF_MAX_SMALL);
    enum lt_rc rc = buf_printf(&m, "%s: %s [%s '%s'", f->rule->title, f->message, f->template_id,
                               f->template_name ? f->template_name : "");
    if (rc == LT_OK && f->has_version) {
        rc = buf_printf(&m, ", version %lld%s", (long long)f->version_number,
                        f->default_version ? " (default)" : "");
    }
    if (rc == LT_OK) {
        rc = buf_printf(&m, ", account %s, region %s]", f->account_id, f->region);
    }
    if (rc == LT_OK) {
        cJSON_AddItemToObject(result, "message", text_object(buf_str(&m)));
    }
    buf_release(&m);
    return rc;
}

static cJSON *result_properties(const struct audit_finding *f)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "accountId", f->account_id);
    cJSON_AddStringToObject(p, "region", f->region);
    cJSON_AddStringToObject(p, "templateId", f->template_id);
    if (f->template_name) {
        cJSON_AddStringToObject(p, "templateName", f->template_name);
    }
    if (f->has_version) {
        cJSON_AddNumberToObject(p, "versionNumber", (double)f->version_number);
        cJSON_AddBoolToObject(p, "defaultVersion", f->default_version);
    }
    return p;
}

static enum lt_rc result(const struct audit_finding *f, const char *dir, cJSON *results)
{
    cJSON *res = cJSON_CreateObject();
    cJSON_AddItemToArray(results, res);
    cJSON_AddStringToObject(res, "ruleId", f->rule->id);
    cJSON_AddNumberToObject(res, "ruleIndex", (double)(f->rule - rules));
    cJSON_AddStringToObject(res, "level", level(f->rule->severity));
    LT_TRY(message(f, res));
    LT_TRY(location(f, dir, res));
    LT_TRY(fingerprint(f, res));
    cJSON_AddItemToObject(res, "properties", result_properties(f));
    return LT_OK;
}

static enum lt_rc build(const struct audit_report *r, const char *dir, cJSON *doc)
{
    cJSON_AddStringToObject(doc, "$schema", SARIF_SCHEMA_URI);
    cJSON_AddStringToObject(doc, "version", "2.1.0");
    cJSON *run = cJSON_CreateObject();
    cJSON_AddItemToArray(cJSON_AddArrayToObject(doc, "runs"), run);
    LT_TRY(tool(run));
    cJSON *results = cJSON_AddArrayToObject(run, "results");
    for (size_t i = 0; r != NULL && i < r->nfindings; i++) {
        LT_TRY(result(&r->findings[i], dir, results));
    }
    if (r != NULL) {
        cJSON *p = cJSON_AddObjectToObject(run, "properties");
        cJSON_AddBoolToObject(p, "defaultOnly", r->default_only);
        cJSON_AddNumberToObject(p, "templates", (double)r->templates);
        cJSON_AddNumberToObject(p, "versions", (double)r->versions);
        cJSON_AddNumberToObject(p, "tombstones", (double)r->tombstones);
        cJSON *unjudged = cJSON_AddArrayToObject(p, "regionsNotJudged");
        for (size_t i = 0; i < r->nunjudged; i++) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "accountId", r->unjudged[i].account_id);
            cJSON_AddStringToObject(o, "region", r->unjudged[i].region);
            cJSON_AddStringToObject(o, "status", r->unjudged[i].status);
            cJSON_AddItemToArray(unjudged, o);
        }
    }
    return LT_OK;
}

enum lt_rc sarif_log(const struct audit_report *r, const char *snapshot_dir, struct buf *out)
{
    cJSON *doc = cJSON_CreateObject();
    enum lt_rc rc = build(r, snapshot_dir ? snapshot_dir : ".", doc);
    if (rc == LT_OK) {
        rc = json_canonical(doc, out);
    }
    if (rc == LT_OK) {
        rc = buf_addc(out, '\n');
    }
    cJSON_Delete(doc);
    return rc;
}
