#include "testmodel.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/buf.h"

static void bail(const char *what, const char *detail)
{
    printf("Bail out! %s: %s\n", what, detail);
    exit(1);
}

const char *testmodel_template_id(size_t t)
{
    static char id[32];
    snprintf(id, sizeof(id), "lt-0%016zx", t);
    return id;
}

static void need(enum lt_rc rc, const char *what)
{
    if (rc != LT_OK) {
        bail("cannot build the test page of", what);
    }
}

static cJSON *parse(struct buf *page, const char *what)
{
    cJSON *j = cJSON_Parse(buf_str(page));
    if (!j) {
        bail("cannot parse the test page of", what);
    }
    buf_release(page);
    return j;
}

/* Every template as DescribeLaunchTemplates lists it. */
static cJSON *templates_page(const struct testmodel_spec *spec)
{
    static const char tags[] = ", \"Tags\": [{\"Key\": \"env\", \"Value\": \"prod\"}]";
    struct buf page = BUF_INIT(BUF_MAX_LARGE);
    need(buf_adds(&page, "["), "templates");
    for (size_t t = 0; t < spec->templates; t++) {
        need(buf_printf(&page,
                        "%s{\"LaunchTemplateId\": \"%s\", \"LaunchTemplateName\": \"t%zu\", "
                        "\"DefaultVersionNumber\": 1, \"LatestVersionNumber\": %zu%s}",
                        t ? ", " : "", testmodel_template_id(t), t, spec->versions_each,
                        spec->tagged ? tags : ""),
             "templates");
    }
    need(buf_adds(&page, "]"), "templates");
    return parse(&page, "templates");
}

/* Every version, in table order (template, then number). */
static cJSON *versions_page(const struct testmodel_spec *spec)
{
    struct buf page = BUF_INIT(BUF_MAX_LARGE);
    need(buf_adds(&page, "["), "versions");
    for (size_t t = 0, index = 0; t < spec->templates; t++) {
        for (size_t v = 1; v <= spec->versions_each; v++, index++) {
            need(buf_printf(&page,
                            "%s{\"LaunchTemplateId\": \"%s\", \"VersionNumber\": %zu, "
                            "\"DefaultVersion\": %s, \"LaunchTemplateData\": "
                            "{\"ImageId\": \"ami-%zu\", \"SecurityGroups\": [\"%s\"]}}",
                            index ? ", " : "", testmodel_template_id(t), v,
                            v == 1 ? "true" : "false", index,
                            index == spec->bad_version ? "" : "default"),
                 "versions");
        }
    }
    need(buf_adds(&page, "]"), "versions");
    return parse(&page, "versions");
}

void testmodel_build(struct model *m, const struct testmodel_spec *spec)
{
    struct model_options o = {false, spec->row_memory, NULL};
    model_init(m, &o);
    size_t scope = model_scope(m, TESTMODEL_ACCOUNT, TESTMODEL_REGION);
    cJSON *templates = templates_page(spec);
    cJSON *versions = versions_page(spec);
    struct lt_error err = LT_ERROR_INIT;
    enum lt_rc rc = model_add_templates(m, scope, templates, &err);
    if (rc == LT_OK) {
        rc = model_add_versions(m, scope, versions, &err);
    }
    model_scope_set_status(m, scope, MODEL_SCOPE_COMPLETE, NULL);
    if (rc == LT_OK) {
        rc = model_finish(m, &err);
    }
    cJSON_Delete(templates);
    cJSON_Delete(versions);
    if (rc != LT_OK) {
        bail("cannot build the test model", lt_error_message(&err));
    }
    lt_error_release(&err);
}
