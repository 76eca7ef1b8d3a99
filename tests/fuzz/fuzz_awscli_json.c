/*
 * fuzz_awscli_json.c - libFuzzer target for the AWS CLI JSON input of
 * `ltsnap convert`: any bytes as the JSON text that `aws ec2 describe-...`
 * prints, through ec2_page_parse (JSON only: the target skips inputs whose
 * first non-blank byte is not '{', which fuzz_ec2_page and fuzz_xml cover),
 * and the parsed document through shape_from_json against the output shape
 * of every EC2 operation ltsnap reads, whatever its top-level key.
 *
 * Properties checked beyond "no crash, no leak":
 * - a page exactly on LT_OK, a message on failure, never an AWS error (JSON
 *   input has no error documents);
 * - a converted document is a fixed point: converting its canonical JSON
 *   again gives the same bytes (member names, canonical timestamps, unknown
 *   keys gone);
 * - when the page parses, converting the same document against its
 *   operation's shape succeeds too (the page adds checks, never leniency).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/shape.h"
#include "base/buf.h"
#include "base/json.h"
#include "ec2/ec2_page.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check(bool ok)
{
    if (!ok) {
        abort();
    }
}

static const char *const fuzz_operations[] = {
    "DescribeLaunchTemplates",
    "DescribeLaunchTemplateVersions",
    "DescribeRegions",
};

/* Converts doc against op's output shape; on LT_OK appends the canonical JSON to out. */
static enum lt_rc fuzz_convert(const char *op_name, const cJSON *doc, struct buf *out)
{
    const struct shape_operation *op = shape_find_operation(&ec2_shape_model, op_name);
    fuzz_check(op != NULL);
    cJSON *result = NULL;
    struct lt_error err = LT_ERROR_INIT;
    enum lt_rc rc = shape_from_json(&ec2_shape_model, op->output_shape, doc, &result, &err);
    fuzz_check((rc == LT_OK) == (result != NULL));
    fuzz_check(rc == LT_OK || err.msg.len > 0);
    if (rc == LT_OK) {
        fuzz_check(json_canonical(result, out) == LT_OK);
    }
    cJSON_Delete(result);
    lt_error_release(&err);
    return rc;
}

/* The canonical JSON of a conversion, converted once more, is unchanged. */
static void fuzz_fixed_point(const char *op_name, const struct buf *first)
{
    cJSON *again = cJSON_ParseWithLength(buf_str(first), first->len);
    fuzz_check(again != NULL);
    struct buf second = BUF_INIT(BUF_MAX_LARGE);
    fuzz_check(fuzz_convert(op_name, again, &second) == LT_OK);
    fuzz_check(second.len == first->len && memcmp(second.ptr, first->ptr, first->len) == 0);
    buf_release(&second);
    cJSON_Delete(again);
}

/* ec2_page_parse on the text; on LT_OK the page's canonical JSON and kind. */
static enum lt_rc fuzz_page(const char *text, size_t size, enum ec2_page_kind *kind,
                            struct buf *out)
{
    struct ec2_page page;
    struct aws_service_error svc;
    struct lt_error err = LT_ERROR_INIT;
    enum lt_rc rc = ec2_page_parse(text, size, EC2_PAGE_ACCEPT_ANY, &page, &svc, &err);
    fuzz_check((rc == LT_OK) == (page.result != NULL));
    fuzz_check(rc == LT_OK || err.msg.len > 0);
    fuzz_check(rc != LT_E_AWS && svc.code == NULL);
    if (rc == LT_OK) {
        *kind = page.kind;
        fuzz_check(json_canonical(page.result, out) == LT_OK);
    }
    ec2_page_release(&page);
    aws_service_error_release(&svc);
    lt_error_release(&err);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool hooked;
    if (!hooked) {
        json_use_mem_hooks();
        hooked = true;
    }
    const char *text = (const char *)data;
    size_t start = 0;
    while (start < size && strchr(" \t\r\n", text[start]) && text[start] != '\0') {
        start++;
    }
    if (start == size || text[start] != '{') {
        return -1; /* not JSON input: not worth keeping in the corpus */
    }
    struct buf page_json = BUF_INIT(BUF_MAX_LARGE);
    enum ec2_page_kind kind = EC2_PAGE_REGIONS;
    bool page_ok = fuzz_page(text, size, &kind, &page_json) == LT_OK;

    cJSON *doc = cJSON_ParseWithLength(text, size);
    fuzz_check(doc != NULL || !page_ok);
    for (size_t i = 0; doc && i < LT_ARRAY_SIZE(fuzz_operations); i++) {
        struct buf out = BUF_INIT(BUF_MAX_LARGE);
        bool converted = fuzz_convert(fuzz_operations[i], doc, &out) == LT_OK;
        if (converted) {
            fuzz_fixed_point(fuzz_operations[i], &out);
        }
        fuzz_check(converted || !page_ok || strcmp(fuzz_operations[i], ec2_page_action(kind)));
        buf_release(&out);
    }
    cJSON_Delete(doc);
    buf_release(&page_json);
    return 0;
}
