#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/fsx.h"
#include "base/log.h"
#include "base/mem.h"
#include "cmd/cmd.h"

static void set_verbosity(int quiet, int verbose)
{
    if (quiet) {
        log_set_level(LOG_QUIET);
    } else if (verbose >= 2) {
        log_set_level(LOG_DEBUG);
    } else if (verbose == 1) {
        log_set_level(LOG_VERBOSE);
    } else {
        log_set_level(LOG_NORMAL);
    }
}

enum lt_rc cmd_parse_int(const char *name, const char *text, int64_t min, int64_t max, int64_t *out,
                         struct lt_error *err)
{
    const char *p = text;
    if (*p == '-' || *p == '+') {
        p++;
    }
    if (!*p) {
        return lt_fail(err, LT_E_USAGE, "%s: '%s' is not a number", name, text);
    }
    for (; *p; p++) {
        if (!isdigit((unsigned char)*p)) {
            return lt_fail(err, LT_E_USAGE, "%s: '%s' is not a number", name, text);
        }
    }
    errno = 0;
    long long v = strtoll(text, NULL, 10);
    if (errno == ERANGE || v < min || v > max) {
        return lt_fail(err, LT_E_USAGE, "%s: '%s' is out of range (%lld to %lld)", name, text,
                       (long long)min, (long long)max);
    }
    *out = v;
    return LT_OK;
}

enum {
    OPT_OUT = 1000,
    OPT_UPDATE_TAG,
    OPT_USER_DATA,
    OPT_TEMPLATES,
};

static const struct option shared_options[] = {
    {"out", required_argument, NULL, OPT_OUT},
    {"update-tag", required_argument, NULL, OPT_UPDATE_TAG},
    {"include-user-data", no_argument, NULL, OPT_USER_DATA},
    {"templates", required_argument, NULL, OPT_TEMPLATES},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
};

static enum lt_rc take_shared(int opt, const char *arg, struct cmd_output *out,
                              struct lt_error *err)
{
    static const unsigned given[] = {[OPT_OUT - OPT_OUT] = CMD_GIVEN_OUT,
                                     [OPT_UPDATE_TAG - OPT_OUT] = CMD_GIVEN_UPDATE_TAG,
                                     [OPT_USER_DATA - OPT_OUT] = CMD_GIVEN_USER_DATA,
                                     [OPT_TEMPLATES - OPT_OUT] = CMD_GIVEN_TEMPLATES};
    if (opt >= OPT_OUT && opt <= OPT_TEMPLATES) {
        out->given |= given[opt - OPT_OUT];
    }
    switch (opt) {
    case OPT_OUT:
        out->out = arg;
        return LT_OK;
    case OPT_UPDATE_TAG:
        /* Unix seconds as Cartography writes them; up to 2^53 stays exact in JSON. */
        out->pin_tag = true;
        return cmd_parse_int("--update-tag", arg, 1, (int64_t)1 << 53, &out->update_tag, err);
    case OPT_USER_DATA:
        out->include_user_data = true;
        return LT_OK;
    case OPT_TEMPLATES:
        out->templates = arg;
        return LT_OK;
    }
    return lt_fail(err, LT_E_INTERNAL, "unhandled option");
}

enum lt_rc cmd_parse_options(int argc, char **argv, const struct option *own, size_t nown,
                             cmd_take_option *take, void *ctx, struct cmd_output *out,
                             int *first_operand, struct lt_error *err)
{
    size_t nshared = LT_ARRAY_SIZE(shared_options);
    struct option *all = mem_calloc(nown + nshared + 1, sizeof(*all));
    if (nown > 0) {
        memcpy(all, own, nown * sizeof(*own)); /* own may be NULL when there are none */
    }
    memcpy(all + nown, shared_options, sizeof(shared_options));
    memset(out, 0, sizeof(*out));
    out->out = "snapshot";
    int quiet = 0, verbose = 0, opt;
    enum lt_rc rc = LT_OK;
    opterr = 0;
    optind = 1;
    while (rc == LT_OK && !out->help && (opt = getopt_long(argc, argv, ":qvh", all, NULL)) != -1) {
        if (opt == 'q') {
            quiet = 1;
        } else if (opt == 'v') {
            verbose++;
        } else if (opt == 'h') {
            out->help = true;
        } else if (opt == ':') {
            rc = lt_fail(err, LT_E_USAGE, "option '%s' needs a value", argv[optind - 1]);
        } else if (opt == '?') {
            rc = lt_fail(err, LT_E_USAGE, "unknown option '%s'", argv[optind - 1]);
        } else if (opt >= OPT_OUT) {
            rc = take_shared(opt, optarg, out, err);
        } else {
            rc = take(opt, optarg, ctx, err);
        }
    }
    mem_free(all);
    set_verbosity(quiet, verbose);
    *first_operand = optind;
    return rc;
}

enum lt_rc cmd_write_stdout(const char *text, size_t len, struct lt_error *err)
{
    if ((len > 0 && fwrite(text, 1, len, stdout) != len) || fflush(stdout) != 0) {
        return lt_fail(err, LT_E_IO, "cannot write to standard output");
    }
    return LT_OK;
}

enum lt_rc cmd_only_options(const struct cmd_output *o, unsigned allowed, const char *command,
                            struct lt_error *err)
{
    static const struct {
        unsigned bit;
        const char *name;
    } names[] = {{CMD_GIVEN_OUT, "--out"},
                 {CMD_GIVEN_UPDATE_TAG, "--update-tag"},
                 {CMD_GIVEN_USER_DATA, "--include-user-data"},
                 {CMD_GIVEN_TEMPLATES, "--templates"}};
    for (size_t i = 0; i < LT_ARRAY_SIZE(names); i++) {
        if ((o->given & names[i].bit) && !(allowed & names[i].bit)) {
            return lt_fail(err, LT_E_USAGE, "option '%s' does not apply to %s", names[i].name,
                           command);
        }
    }
    return LT_OK;
}

/* Directory of the running executable, from /proc/self/exe. */
static enum lt_rc exe_dir(struct buf *out)
{
    char path[4096];
    ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
    if (n <= 0 || (size_t)n >= sizeof(path) - 1) {
        return LT_E_IO;
    }
    path[n] = '\0';
    char *slash = strrchr(path, '/');
    if (!slash) {
        return LT_E_IO;
    }
    return buf_add(out, path, (size_t)(slash - path));
}

static bool has_templates(const char *dir)
{
    struct buf probe = BUF_INIT(BUF_MAX_SMALL);
    bool ok =
        buf_printf(&probe, "%s/header.cypher", dir) == LT_OK && fsx_exists(buf_str(&probe), NULL);
    buf_release(&probe);
    return ok;
}

/*
 * The templates directory: --templates DIR, else $LTSNAP_TEMPLATES, else
 * "templates" beside the directory of the executable (a build in a source
 * checkout: build/ltsnap -> templates/), else ../share/ltsnap/templates
 * relative to it (an installed ltsnap).
 */
enum lt_rc cmd_templates_dir(const char *flag, struct buf *out, struct lt_error *err)
{
    const char *env = getenv("LTSNAP_TEMPLATES");
    const char *given = flag ? flag : (env && *env ? env : NULL);
    if (given) {
        if (!has_templates(given)) {
            return lt_fail(err, LT_E_USAGE, "'%s' holds no ltsnap templates (no header.cypher)",
                           given);
        }
        return buf_adds(out, given) == LT_OK ? LT_OK : lt_fail(err, LT_E_USAGE, "path too long");
    }
    static const char *const beside_exe[] = {"/../templates", "/../share/ltsnap/templates"};
    for (size_t i = 0; i < LT_ARRAY_SIZE(beside_exe); i++) {
        struct buf dir = BUF_INIT(BUF_MAX_SMALL);
        if (exe_dir(&dir) == LT_OK && buf_adds(&dir, beside_exe[i]) == LT_OK &&
            has_templates(buf_str(&dir))) {
            enum lt_rc rc = buf_addb(out, &dir);
            buf_release(&dir);
            return rc == LT_OK ? LT_OK : lt_fail(err, LT_E_USAGE, "path too long");
        }
        buf_release(&dir);
    }
    return lt_fail(err, LT_E_USAGE,
                   "cannot find the Cypher templates; give --templates DIR or set "
                   "LTSNAP_TEMPLATES");
}

enum lt_rc cmd_snapshot_options(const struct cmd_output *o, const char *command, int64_t created_at,
                                struct buf *templates, struct snapshot_options *so,
                                struct lt_error *err)
{
    LT_TRY(cmd_templates_dir(o->templates, templates, err));
    *so = (struct snapshot_options){
        .out_dir = o->out,
        .cypher = {buf_str(templates), o->pin_tag, o->update_tag},
        .manifest = {command, o->pin_tag, o->update_tag, created_at >= 0,
                     created_at >= 0 ? created_at : 0, o->include_user_data},
    };
    return snapshot_check(so, err);
}

enum lt_rc cmd_model_options(const struct cmd_output *o, struct model_options *mo,
                             struct lt_error *err)
{
    *mo = (struct model_options){o->include_user_data, 0, o->out};
    const char *env = getenv("LTSNAP_SPILL_AFTER");
    if (env && *env) {
        int64_t n;
        LT_TRY(cmd_parse_int("LTSNAP_SPILL_AFTER", env, 1, INT64_MAX, &n, err));
        mo->row_memory = n > (int64_t)(SIZE_MAX / 2) ? SIZE_MAX / 2 : (size_t)n;
    }
    return LT_OK;
}
