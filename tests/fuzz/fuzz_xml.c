/*
 * fuzz_xml.c - libFuzzer target for aws/xml: any bytes through
 * xml_parse_response with the EC2 and the STS model,
 * xml_parse_error_document and xml_is_error_document.
 *
 * Properties checked beyond "no crash, no leak":
 * - the result and the error record agree (a result exactly on LT_OK, a
 *   message on failure, a code in svc exactly on LT_E_AWS);
 * - a result is already in member-name shape: shape_from_json over it gives
 *   the same canonical JSON.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/shape.h"
#include "aws/xml.h"
#include "base/buf.h"
#include "base/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check(int ok)
{
    if (!ok) {
        __builtin_trap();
    }
}

static void fuzz_same_shape(const struct shape_model *m, const struct shape_operation *op,
                            cJSON *result)
{
    struct lt_error err = LT_ERROR_INIT;
    struct buf a = BUF_INIT(BUF_MAX_LARGE);
    struct buf b = BUF_INIT(BUF_MAX_LARGE);
    cJSON *again = NULL;
    fuzz_check(shape_from_json(m, op->output_shape, result, &again, &err) == LT_OK);
    fuzz_check(json_canonical(result, &a) == LT_OK && json_canonical(again, &b) == LT_OK);
    fuzz_check(a.len == b.len && memcmp(buf_str(&a), buf_str(&b), a.len) == 0);
    cJSON_Delete(again);
    buf_release(&a);
    buf_release(&b);
    lt_error_release(&err);
}

static void fuzz_one(const struct shape_model *m, const char *data, size_t size)
{
    const struct shape_operation *op = NULL;
    cJSON *result = NULL;
    struct aws_service_error svc;
    struct lt_error err = LT_ERROR_INIT;
    enum lt_rc rc = xml_parse_response(m, data, size, &op, &result, &svc, &err);
    fuzz_check((rc == LT_OK) == (result != NULL && op != NULL));
    fuzz_check(rc == LT_OK || err.msg.len > 0);
    fuzz_check((rc == LT_E_AWS) == (svc.code != NULL));
    if (rc == LT_OK) {
        fuzz_same_shape(m, op, result);
    }
    cJSON_Delete(result);
    aws_service_error_release(&svc);
    lt_error_release(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int hooked;
    if (!hooked) {
        json_use_mem_hooks();
        hooked = 1;
    }
    const char *text = (const char *)data;
    fuzz_one(&ec2_shape_model, text, size);
    fuzz_one(&sts_shape_model, text, size);
    (void)xml_is_error_document(text, size);
    struct aws_service_error svc;
    struct lt_error err = LT_ERROR_INIT;
    enum lt_rc rc = xml_parse_error_document(text, size, &svc, &err);
    fuzz_check(rc != LT_OK && err.msg.len > 0 && (rc == LT_E_AWS) == (svc.code != NULL));
    aws_service_error_release(&svc);
    lt_error_release(&err);
    return 0;
}
