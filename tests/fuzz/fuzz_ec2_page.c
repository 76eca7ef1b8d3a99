/*
 * fuzz_ec2_page.c - libFuzzer target for ec2/ec2_page: any bytes through
 * ec2_page_parse (XML or AWS CLI JSON, every kind accepted).
 *
 * Properties checked beyond "no crash, no leak":
 * - a page exactly on LT_OK, with its list present; a message on failure;
 * - the canonical JSON of a page, read back as a JSON page, gives the same
 *   kind and the same canonical JSON (the in-memory form is a fixed point).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "ec2/ec2_page.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check(int ok)
{
    if (!ok) {
        __builtin_trap();
    }
}

/* Parses; on LT_OK appends the canonical JSON to out. */
static enum lt_rc fuzz_parse(const char *data, size_t size, enum ec2_page_kind *kind,
                             struct buf *out)
{
    struct ec2_page page;
    struct aws_service_error svc;
    struct lt_error err = LT_ERROR_INIT;
    enum lt_rc rc = ec2_page_parse(data, size, EC2_PAGE_ACCEPT_ANY, &page, &svc, &err);
    fuzz_check((rc == LT_OK) == (page.result != NULL));
    fuzz_check(rc == LT_OK || err.msg.len > 0);
    fuzz_check((rc == LT_E_AWS) == (svc.code != NULL));
    if (rc == LT_OK) {
        fuzz_check(ec2_page_items(&page) != NULL);
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
    static int hooked;
    if (!hooked) {
        json_use_mem_hooks();
        hooked = 1;
    }
    struct buf first = BUF_INIT(BUF_MAX_LARGE);
    struct buf second = BUF_INIT(BUF_MAX_LARGE);
    enum ec2_page_kind kind = EC2_PAGE_REGIONS;
    enum ec2_page_kind kind2 = EC2_PAGE_LAUNCH_TEMPLATES;
    if (fuzz_parse((const char *)data, size, &kind, &first) == LT_OK) {
        fuzz_check(fuzz_parse(buf_str(&first), first.len, &kind2, &second) == LT_OK);
        fuzz_check(kind == kind2);
        fuzz_check(first.len == second.len && memcmp(first.ptr, second.ptr, first.len) == 0);
    }
    buf_release(&first);
    buf_release(&second);
    return 0;
}
