/*
 * ec2_page.h - one EC2 response page, from a file or from the wire, in
 * member-name shape (see aws/shape.h).
 *
 * Owns: recognising what a page is (EC2 XML or the JSON the AWS CLI prints;
 *       which of the three actions), converting it with the generated EC2
 *       shape table, and the checks every consumer relies on: the action is
 *       one the caller accepts, every template and version has a
 *       LaunchTemplateId, every version a VersionNumber >= 1, every region a
 *       RegionName. Pure: no files, no network (`convert` reads the bytes,
 *       ec2.c receives them).
 * May call: base, aws/shape, aws/xml, cJSON.
 *
 * Input forms:
 * - EC2 XML: first non-blank byte '<'. The root element names the action
 *   (<DescribeLaunchTemplatesResponse>, ...). An EC2 or Query error document
 *   is LT_E_AWS with svc filled (see aws/xml.h).
 * - AWS CLI JSON: first non-blank byte '{'. The action is recognised by the
 *   one top-level key among "LaunchTemplates", "LaunchTemplateVersions" and
 *   "Regions". Timestamps may be ISO-8601 strings in any form AWS or the CLI
 *   writes, or epoch seconds.
 * Both give the same tree, byte for byte in canonical JSON (base/json).
 *
 * Errors (LT_E_INPUT unless said): empty input, a byte order mark, a JSON
 * array, anything else that is neither form, malformed XML or JSON with its
 * line and column, trailing data, invalid UTF-8, a NUL character (raw or
 * as \u0000), a wrong type (with its JSON path), a missing required field
 * (naming the item: "LaunchTemplateVersions[3]: missing 'VersionNumber'"),
 * an action the caller does not accept. Size and depth limits: LT_E_LIMIT.
 * Messages do not name the source; the caller prefixes the file name or the
 * request.
 *
 * Ownership: ec2_page_parse fills *out only on LT_OK; the page owns its
 * result tree until ec2_page_release. svc is overwritten (all NULL unless
 * the result is LT_E_AWS) and released by the caller with
 * aws_service_error_release. data is borrowed and need not be
 * NUL-terminated.
 */
#ifndef LT_EC2_EC2_PAGE_H
#define LT_EC2_EC2_PAGE_H

#include <cjson/cJSON.h>

#include "aws/xml.h"
#include "base/err.h"
#include "base/lt.h"

enum ec2_page_kind {
    EC2_PAGE_LAUNCH_TEMPLATES,
    EC2_PAGE_LAUNCH_TEMPLATE_VERSIONS,
    EC2_PAGE_REGIONS,
};

/* Bit masks for the `accept` argument of ec2_page_parse. */
#define EC2_PAGE_ACCEPT(kind) (1u << (kind))
#define EC2_PAGE_ACCEPT_ANY                                                                        \
    (EC2_PAGE_ACCEPT(EC2_PAGE_LAUNCH_TEMPLATES) |                                                  \
     EC2_PAGE_ACCEPT(EC2_PAGE_LAUNCH_TEMPLATE_VERSIONS) | EC2_PAGE_ACCEPT(EC2_PAGE_REGIONS))

struct ec2_page {
    enum ec2_page_kind kind;
    /*
     * The operation's output shape, e.g. {"LaunchTemplates":[...],
     * "NextToken":"..."}. The list member is always present (an empty array
     * when the page had none). Owned.
     */
    cJSON *result;
};

#define EC2_PAGE_INIT                                                                              \
    {                                                                                              \
        EC2_PAGE_LAUNCH_TEMPLATES, NULL                                                            \
    }

void ec2_page_init(struct ec2_page *p);

/*
 * Parses one page of len bytes. accept is a mask of EC2_PAGE_ACCEPT(kind):
 * a page of another kind fails with LT_E_INPUT ("unexpected DescribeRegions
 * response"). On failure *out is left empty.
 */
LT_MUST_CHECK enum lt_rc ec2_page_parse(const char *data, size_t len, unsigned accept,
                                        struct ec2_page *out, struct aws_service_error *svc,
                                        struct lt_error *err);

/* Frees the result; the page is empty (as after ec2_page_init) afterwards. */
void ec2_page_release(struct ec2_page *p);
/*
 * Lets go of the result tree without freeing it: for a page parsed while a
 * json_arena was current and that arena's reset frees the tree (convert).
 */
void ec2_page_forget(struct ec2_page *p);

/* "DescribeLaunchTemplates", "DescribeLaunchTemplateVersions", "DescribeRegions". */
const char *ec2_page_action(enum ec2_page_kind kind);
/* The result's list member: "LaunchTemplates", "LaunchTemplateVersions", "Regions". */
const char *ec2_page_list_key(enum ec2_page_kind kind);
/* The page's list (never NULL after a successful parse). Borrowed from p. */
const cJSON *ec2_page_items(const struct ec2_page *p);
/* The same list, for a consumer that rewrites its items in place (model_add_versions). */
cJSON *ec2_page_items_mutable(struct ec2_page *p);
/* The token for the next page, or NULL when this is the last (absent or empty). Borrowed. */
const char *ec2_page_next_token(const struct ec2_page *p);

#endif
