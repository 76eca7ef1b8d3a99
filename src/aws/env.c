#include "aws/env.h"

#include <string.h>
#include <strings.h>

const char *aws_env_get(const struct aws_env *env, const char *name)
{
    if (!env || !env->vars) {
        return NULL;
    }
    size_t n = strlen(name);
    for (const char *const *v = env->vars; *v; v++) {
        if (strncmp(*v, name, n) == 0 && (*v)[n] == '=') {
            const char *value = *v + n + 1;
            return *value ? value : NULL;
        }
    }
    return NULL;
}

static bool env_is_blank(char c)
{
    return c == ' ' || c == '\t';
}

enum lt_rc aws_parse_bool(const char *value, const char *origin, bool *out, struct lt_error *err)
{
    size_t start = 0;
    size_t end = strlen(value);
    while (start < end && env_is_blank(value[start])) {
        start++;
    }
    while (end > start && env_is_blank(value[end - 1])) {
        end--;
    }
    size_t n = end - start;
    if (n == 4 && strncasecmp(value + start, "true", 4) == 0) {
        *out = true;
        return LT_OK;
    }
    if (n == 5 && strncasecmp(value + start, "false", 5) == 0) {
        *out = false;
        return LT_OK;
    }
    return lt_fail(err, LT_E_CONFIG, "bad value '%s' for %s: expected 'true' or 'false'", value,
                   origin);
}

enum lt_rc aws_env_bool(const struct aws_env *env, const char *name, bool def, bool *out,
                        struct lt_error *err)
{
    const char *v = aws_env_get(env, name);
    if (!v) {
        *out = def;
        return LT_OK;
    }
    return aws_parse_bool(v, name, out, err);
}
