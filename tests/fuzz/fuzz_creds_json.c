/*
 * fuzz_creds_json.c - libFuzzer target for the credential documents:
 * any bytes through every reader of aws/creds_internal.h - what a
 * credential_process prints, what the container endpoint and instance
 * metadata answer, and SSO's GetRoleCredentials reply.
 *
 * Properties checked beyond "no crash, no leak":
 * - LT_OK or LT_E_CREDS, nothing else;
 * - credentials exactly on LT_OK (an access key id and a secret, both
 *   non-empty, and a session token for every reader but credential_process)
 *   with no message; a message on failure and the output left empty;
 * - secrets are registered with the logger on the way (forgotten after each
 *   input, so the registry does not grow).
 */
#include <stdlib.h>
#include <string.h>

#include "aws/creds_internal.h"
#include "base/json.h"
#include "base/log.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void fuzz_check(bool ok)
{
    if (!ok) {
        abort();
    }
}

typedef enum lt_rc (*fuzz_reader)(const char *text, size_t len, struct aws_credentials *out,
                                  struct lt_error *err);

static void fuzz_one(fuzz_reader read, bool token_required, const char *text, size_t size)
{
    struct aws_credentials c = {NULL, NULL, NULL, 0};
    struct lt_error err = LT_ERROR_INIT;
    enum lt_rc rc = read(text, size, &c, &err);
    fuzz_check(rc == LT_OK || rc == LT_E_CREDS);
    if (rc == LT_OK) {
        fuzz_check(c.access_key_id && *c.access_key_id);
        fuzz_check(c.secret_access_key && *c.secret_access_key);
        fuzz_check(!token_required || (c.session_token && *c.session_token));
        /* A success leaves no message that could carry a value either. */
        fuzz_check(err.code == LT_OK);
    } else {
        fuzz_check(err.msg.len > 0);
        fuzz_check(!c.access_key_id && !c.secret_access_key && !c.session_token);
    }
    aws_credentials_release(&c);
    lt_error_release(&err);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static bool ready;
    if (!ready) {
        json_use_mem_hooks(); /* as main() does: cJSON allocates through base/mem */
        log_set_level(LOG_QUIET);
        ready = true;
    }
    const char *text = (const char *)data;
    fuzz_one(creds_process_parse, false, text, size);
    fuzz_one(creds_container_parse, true, text, size);
    fuzz_one(creds_imds_parse, true, text, size);
    fuzz_one(creds_sso_parse, true, text, size);
    log_forget_secrets();
    return 0;
}
