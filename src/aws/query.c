#include "aws/query.h"

#include <string.h>

#include "aws/sigv4.h"

enum lt_rc query_param(struct buf *body, const char *name, const char *value)
{
    if (body->len) {
        LT_TRY(buf_addc(body, '&'));
    }
    LT_TRY(sigv4_uri_encode(body, name, strlen(name)));
    LT_TRY(buf_addc(body, '='));
    return sigv4_uri_encode(body, value, strlen(value));
}

enum lt_rc query_begin(struct buf *body, const char *action, const char *version)
{
    buf_reset(body);
    LT_TRY(query_param(body, "Action", action));
    return query_param(body, "Version", version);
}

enum lt_rc query_param_int(struct buf *body, const char *name, int64_t value)
{
    struct buf num = BUF_INIT(32);
    enum lt_rc rc = buf_printf(&num, "%lld", (long long)value);
    if (rc == LT_OK) {
        rc = query_param(body, name, buf_str(&num));
    }
    buf_release(&num);
    return rc;
}
