/*
 * Unit tests for aws/creds: chain order and precedence, the environment,
 * static keys, source_profile chains, credential_process, the SSO token
 * cache, refresh before expiry, and that no secret reaches a log line.
 * Network sources (STS, SSO portal, container, IMDS) run against
 * scripts/fake-aws when it is there (see test_network below).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/creds.h"
#include "aws/sts.h"
#include "base/clock.h"
#include "base/hash.h"
#include "base/log.h"
#include "fakeproc.h"
#include "logcap.h"
#include "tap.h"
#include "testfs.h"

static char tmp[128];
static char home_env[300];
static char cfg_env[300];
static char creds_env[300];

/* Secrets planted in the tests: none may ever appear in a log line. */
static const char *const planted[] = {
    "ENVSECRETwJalrXUtnFEMI", "ENVTOKENxyzzy",   "FILESECRET1234567", "CFGSECRET7654321",
    "PROCSECRETabcdef",       "PROCTOKENghijkl", "SSOACCESSTOKEN42",
};

#define EXPECT_LOG(want)                                                                           \
    do {                                                                                           \
        char *got_ = logcap_take();                                                                \
        if (log_get_level() == LOG_NORMAL) {                                                       \
            tap_check_str(got_, (want), __FILE__, __LINE__, "log");                                \
        }                                                                                          \
        free(got_);                                                                                \
    } while (0)

static long fx_timeout_ms = 5000;

struct fixture {
    const char *vars[24];
    size_t n;
    struct aws_env env;
    struct profile_set files;
    struct creds_context ctx;
    struct creds_provider *p;
    struct lt_error err;
};

static void fx_start(struct fixture *f, const char *config, const char *credentials)
{
    memset(f, 0, sizeof(*f));
    testfs_put(tmp, "config", config ? config : "", 0600);
    testfs_put(tmp, "credentials", credentials ? credentials : "", 0600);
    f->vars[f->n++] = home_env;
    f->vars[f->n++] = cfg_env;
    f->vars[f->n++] = creds_env;
    f->vars[f->n++] = "AWS_EC2_METADATA_DISABLED=true";
    f->vars[f->n] = NULL;
    lt_error_init(&f->err);
}

static void fx_env(struct fixture *f, const char *kv)
{
    f->vars[f->n++] = kv;
    f->vars[f->n] = NULL;
}

/* Loads the files and makes the provider; returns its rc. */
static enum lt_rc fx_new(struct fixture *f, const char *profile)
{
    f->env.vars = f->vars;
    if (profile_set_load(&f->files, &f->env, &f->err) != LT_OK) {
        tap_note("files: %s", lt_error_message(&f->err));
        return f->err.code;
    }
    f->ctx.env = &f->env;
    f->ctx.files = &f->files;
    f->ctx.process_timeout_ms = fx_timeout_ms;
    return creds_provider_new(&f->ctx, profile, &f->p, &f->err);
}

static void fx_end(struct fixture *f)
{
    creds_provider_free(f->p);
    profile_set_release(&f->files);
    lt_error_release(&f->err);
}

/* Resolves and checks the key id, secret, token and source. */
static void expect_creds(const char *profile, struct fixture *f, int64_t now, const char *akid,
                         const char *secret, const char *token, const char *source, int line)
{
    const struct aws_credentials *c = NULL;
    enum lt_rc rc = fx_new(f, profile);
    if (rc == LT_OK) {
        rc = creds_provider_get(f->p, now, &c, &f->err);
    }
    tap_check_int(rc, LT_OK, __FILE__, line, "resolved");
    if (rc != LT_OK) {
        tap_note("error: %s", lt_error_message(&f->err));
        return;
    }
    tap_check_str(c->access_key_id, akid, __FILE__, line, "access key id");
    tap_check_str(c->secret_access_key, secret, __FILE__, line, "secret");
    if (token) {
        tap_check_str(c->session_token, token, __FILE__, line, "token");
    } else {
        tap_check(c->session_token == NULL, __FILE__, line, "no token");
    }
    tap_check_str(creds_provider_source(f->p), source, __FILE__, line, "source");
}

static void expect_fail(const char *profile, struct fixture *f, int64_t now, enum lt_rc want_rc,
                        const char *want, int line)
{
    const struct aws_credentials *c = NULL;
    enum lt_rc rc = fx_new(f, profile);
    if (rc == LT_OK) {
        rc = creds_provider_get(f->p, now, &c, &f->err);
    }
    tap_check_int(rc, want_rc, __FILE__, line, "rc");
    tap_check_str(lt_error_message(&f->err), want, __FILE__, line, "message");
}

static const char *path_of(const char *name)
{
    static char p[8][512];
    static int i;
    i = (i + 1) % 8;
    snprintf(p[i], sizeof(p[i]), "%s/%s", tmp, name);
    return p[i];
}

#define NOW 1900000000 /* 2030-03-17T17:46:40Z */

static const char static_creds[] = "[default]\n"
                                   "aws_access_key_id = AKIDFILE\n"
                                   "aws_secret_access_key = FILESECRET1234567\n"
                                   "[dev]\n"
                                   "aws_access_key_id = AKIDDEVFILE\n"
                                   "aws_secret_access_key = FILESECRET1234567\n"
                                   "aws_session_token = FILETOKEN\n";

static void test_env_and_static(void)
{
    struct fixture f;
    char want[1024];
    /* 1: the environment first, even with AWS_PROFILE. */
    fx_start(&f, NULL, static_creds);
    fx_env(&f, "AWS_ACCESS_KEY_ID=AKIDENV");
    fx_env(&f, "AWS_SECRET_ACCESS_KEY=ENVSECRETwJalrXUtnFEMI");
    fx_env(&f, "AWS_SESSION_TOKEN=ENVTOKENxyzzy");
    fx_env(&f, "AWS_PROFILE=dev");
    expect_creds(NULL, &f, NOW, "AKIDENV", "ENVSECRETwJalrXUtnFEMI", "ENVTOKENxyzzy", "environment",
                 __LINE__);
    fx_end(&f);
    /* An explicit profile (--profile) skips the environment. */
    fx_start(&f, NULL, static_creds);
    fx_env(&f, "AWS_ACCESS_KEY_ID=AKIDENV");
    fx_env(&f, "AWS_SECRET_ACCESS_KEY=ENVSECRETwJalrXUtnFEMI");
    snprintf(want, sizeof(want), "shared credentials file '%s'", path_of("credentials"));
    expect_creds("dev", &f, NOW, "AKIDDEVFILE", "FILESECRET1234567", "FILETOKEN", want, __LINE__);
    fx_end(&f);
    /* Legacy token name; no token. */
    fx_start(&f, NULL, NULL);
    fx_env(&f, "AWS_ACCESS_KEY_ID=AKIDENV");
    fx_env(&f, "AWS_SECRET_ACCESS_KEY=ENVSECRETwJalrXUtnFEMI");
    fx_env(&f, "AWS_SECURITY_TOKEN=ENVTOKENxyzzy");
    expect_creds(NULL, &f, NOW, "AKIDENV", "ENVSECRETwJalrXUtnFEMI", "ENVTOKENxyzzy", "environment",
                 __LINE__);
    fx_end(&f);
    /* Partial keys. */
    fx_start(&f, NULL, static_creds);
    fx_env(&f, "AWS_ACCESS_KEY_ID=AKIDENV");
    expect_fail(NULL, &f, NOW, LT_E_CREDS,
                "profile 'default': AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
                __LINE__);
    fx_end(&f);
    fx_start(&f, NULL, static_creds);
    fx_env(&f, "AWS_SECRET_ACCESS_KEY=ENVSECRETwJalrXUtnFEMI");
    expect_fail(NULL, &f, NOW, LT_E_CREDS,
                "profile 'default': AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not",
                __LINE__);
    fx_end(&f);
    /* Expiration: in the past, and malformed. */
    fx_start(&f, NULL, NULL);
    fx_env(&f, "AWS_ACCESS_KEY_ID=AKIDENV");
    fx_env(&f, "AWS_SECRET_ACCESS_KEY=ENVSECRETwJalrXUtnFEMI");
    fx_env(&f, "AWS_CREDENTIAL_EXPIRATION=2030-03-17T17:46:40Z");
    expect_fail(NULL, &f, NOW, LT_E_CREDS,
                "profile 'default': the credentials from environment expired at "
                "2030-03-17T17:46:40Z",
                __LINE__);
    fx_end(&f);
    fx_start(&f, NULL, NULL);
    fx_env(&f, "AWS_ACCESS_KEY_ID=AKIDENV");
    fx_env(&f, "AWS_SECRET_ACCESS_KEY=ENVSECRETwJalrXUtnFEMI");
    fx_env(&f, "AWS_CREDENTIAL_EXPIRATION=soon");
    expect_fail(NULL, &f, NOW, LT_E_CONFIG,
                "profile 'default': bad AWS_CREDENTIAL_EXPIRATION 'soon': expected an ISO-8601 "
                "time",
                __LINE__);
    fx_end(&f);
    /* 5 before 7: the credentials file beats static keys in the config file. */
    fx_start(&f,
             "[profile dev]\naws_access_key_id = AKIDCFG\naws_secret_access_key = "
             "CFGSECRET7654321\n[profile cfgonly]\naws_access_key_id = AKIDCFG\n"
             "aws_secret_access_key = CFGSECRET7654321\n",
             static_creds);
    snprintf(want, sizeof(want), "shared credentials file '%s'", path_of("credentials"));
    expect_creds("dev", &f, NOW, "AKIDDEVFILE", "FILESECRET1234567", "FILETOKEN", want, __LINE__);
    fx_end(&f);
    fx_start(&f,
             "[profile cfgonly]\naws_access_key_id = AKIDCFG\n"
             "aws_secret_access_key = CFGSECRET7654321\n",
             static_creds);
    snprintf(want, sizeof(want), "config file '%s'", path_of("config"));
    expect_creds("cfgonly", &f, NOW, "AKIDCFG", "CFGSECRET7654321", NULL, want, __LINE__);
    fx_end(&f);
    /* Partial keys in a file name the file and line. */
    fx_start(&f, NULL, "[default]\n\naws_access_key_id = AKIDFILE\n");
    snprintf(want, sizeof(want),
             "profile 'default': '%s' line 3: profile 'default' has aws_access_key_id but no "
             "aws_secret_access_key",
             path_of("credentials"));
    expect_fail(NULL, &f, NOW, LT_E_CREDS, want, __LINE__);
    fx_end(&f);
    /* Nothing at all. */
    fx_start(&f, NULL, NULL);
    expect_fail(NULL, &f, NOW, LT_E_CREDS,
                "profile 'default': no credentials found (tried the environment, the shared "
                "files, container and instance metadata)",
                __LINE__);
    fx_end(&f);
    fx_start(&f, NULL, NULL);
    snprintf(want, sizeof(want), "profile 'ghost' is in neither '%s' nor '%s'", path_of("config"),
             path_of("credentials"));
    expect_fail("ghost", &f, NOW, LT_E_CONFIG, want, __LINE__);
    fx_end(&f);
    EXPECT_LOG("");
}

/* ---- credential_process ---- */

static const char *script(const char *name, const char *body)
{
    char text[4096];
    snprintf(text, sizeof(text), "#!/bin/sh\n%s\n", body);
    return testfs_put(tmp, name, text, 0700);
}

static void process_profile(char *out, size_t n, const char *profile, const char *cmd)
{
    snprintf(out, n, "[profile %s]\ncredential_process = %s\n", profile, cmd);
}

static void test_process(void)
{
    struct fixture f;
    char cfg[2048];
    char cmd[1024];
    /* Success with token and expiration; arguments pass through the shell. */
    script("ok.sh", "[ \"$1\" = 'two words' ] || exit 9\n"
                    "echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", \"SecretAccessKey\": "
                    "\"PROCSECRETabcdef\", \"SessionToken\": \"PROCTOKENghijkl\", "
                    "\"Expiration\": \"2030-03-17T18:46:40Z\"}'");
    snprintf(cmd, sizeof(cmd), "%s 'two words'", path_of("ok.sh"));
    process_profile(cfg, sizeof(cfg), "proc", cmd);
    fx_start(&f, cfg, NULL);
    expect_creds("proc", &f, NOW, "AKIDPROC", "PROCSECRETabcdef", "PROCTOKENghijkl",
                 "credential_process", __LINE__);
    const struct aws_credentials *c = NULL;
    EXPECT_OK(creds_provider_get(f.p, NOW, &c, &f.err));
    EXPECT_INT(c->expiration, NOW + 3600);
    fx_end(&f);

    /* The shared credentials file (5) beats credential_process (6); it beats config keys (7). */
    snprintf(cfg, sizeof(cfg),
             "[profile dev]\ncredential_process = %s 'two words'\n"
             "[profile proc]\ncredential_process = %s 'two words'\n"
             "aws_access_key_id = AKIDCFG\naws_secret_access_key = CFGSECRET7654321\n",
             path_of("ok.sh"), path_of("ok.sh"));
    fx_start(&f, cfg, static_creds);
    char want[1024];
    snprintf(want, sizeof(want), "shared credentials file '%s'", path_of("credentials"));
    expect_creds("dev", &f, NOW, "AKIDDEVFILE", "FILESECRET1234567", "FILETOKEN", want, __LINE__);
    fx_end(&f);
    fx_start(&f, cfg, static_creds);
    expect_creds("proc", &f, NOW, "AKIDPROC", "PROCSECRETabcdef", "PROCTOKENghijkl",
                 "credential_process", __LINE__);
    fx_end(&f);

    struct {
        const char *body;
        const char *want;
    } bad[] = {
        {"echo 'token expired for user' >&2; echo second line >&2; exit 3",
         "exited with status 3: token expired for user"},
        {"exit 4", "exited with status 4"},
        {"echo 'not json'", "the output is not a JSON object"},
        {"echo '{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": "
         "\"PROCSECRETabcdef\"}'",
         "the output's Version is not 1"},
        {"echo '{\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"PROCSECRETabcdef\"}'",
         "the output's Version is not 1"},
        {"echo '{\"Version\": 1, \"AccessKeyId\": \"A\"}'", "the reply has no SecretAccessKey"},
        {"echo '{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": "
         "\"PROCSECRETabcdef\", "
         "\"Expiration\": \"tomorrow\"}'",
         "Expiration is not an ISO-8601 time"},
        {"head -c 1100000 /dev/zero | tr '\\\\0' x", "wrote more than 1048576 bytes"},
    };
    for (size_t i = 0; i < LT_ARRAY_SIZE(bad); i++) {
        char name[32];
        snprintf(name, sizeof(name), "bad%zu.sh", i);
        process_profile(cfg, sizeof(cfg), "proc", script(name, bad[i].body));
        fx_start(&f, cfg, NULL);
        bool prefixed = strncmp(bad[i].want, "the", 3) == 0 || strncmp(bad[i].want, "Exp", 3) == 0;
        snprintf(want, sizeof(want), "profile 'proc': credential_process of profile 'proc'%s%s",
                 prefixed ? ": " : " ", bad[i].want);
        tap_note("process case %zu", i);
        expect_fail("proc", &f, NOW, LT_E_CREDS, want, __LINE__);
        fx_end(&f);
    }

    /* A signal. */
    process_profile(cfg, sizeof(cfg), "proc", "kill -KILL $$");
    fx_start(&f, cfg, NULL);
    expect_fail("proc", &f, NOW, LT_E_CREDS,
                "profile 'proc': credential_process of profile 'proc' was killed by signal 9",
                __LINE__);
    fx_end(&f);

    /* A hung process is killed at the time limit, with its children. */
    process_profile(cfg, sizeof(cfg), "proc", script("hang.sh", "sleep 30 & sleep 30"));
    fx_start(&f, cfg, NULL);
    uint64_t t0 = clock_monotonic_ms();
    fx_timeout_ms = 300;
    EXPECT_OK(fx_new(&f, "proc"));
    fx_timeout_ms = 5000;
    EXPECT_INT(creds_provider_get(f.p, NOW, &c, &f.err), LT_E_CREDS);
    EXPECT_STR(lt_error_message(&f.err), "profile 'proc': credential_process of profile 'proc' "
                                         "did not finish in 300 ms and was killed");
    EXPECT(clock_monotonic_ms() - t0 < 3000);
    fx_end(&f);
    EXPECT_LOG("");
}

/* Refresh inside the window; a failed refresh keeps valid credentials; expired ones fail. */
static void test_refresh(void)
{
    struct fixture f;
    char cfg[1024];
    /* Each run prints a new key id (a counter) expiring at NOW+200 (< 5 minutes). */
    const char *counter = path_of("count");
    testfs_put(tmp, "count", "0", 0600);
    char body[1024];
    snprintf(body, sizeof(body),
             "n=$(($(cat %s) + 1)); echo $n > %s\n"
             "[ -e %s ] && { echo 'refresh broke' >&2; exit 1; }\n"
             "echo \"{\\\"Version\\\": 1, \\\"AccessKeyId\\\": \\\"AKID$n\\\", "
             "\\\"SecretAccessKey\\\": \\\"PROCSECRETabcdef\\\", "
             "\\\"Expiration\\\": \\\"2030-03-17T17:50:00Z\\\"}\"",
             counter, counter, path_of("fail"));
    process_profile(cfg, sizeof(cfg), "proc", script("count.sh", body));
    fx_start(&f, cfg, NULL);
    const struct aws_credentials *c = NULL;
    EXPECT_OK(fx_new(&f, "proc"));
    EXPECT_STR(creds_provider_source(f.p), "none");
    /* Far from expiry (NOW-1000): cached. */
    EXPECT_OK(creds_provider_get(f.p, NOW - 1000, &c, &f.err));
    EXPECT_STR(c->access_key_id, "AKID1");
    EXPECT_OK(creds_provider_get(f.p, NOW - 1000, &c, &f.err));
    EXPECT_STR(c->access_key_id, "AKID1");
    /* 200 s before expiry: refreshed. */
    EXPECT_OK(creds_provider_get(f.p, NOW, &c, &f.err));
    EXPECT_STR(c->access_key_id, "AKID2");
    EXPECT_OK(creds_provider_get(f.p, NOW + 1, &c, &f.err));
    EXPECT_STR(c->access_key_id, "AKID3");
    EXPECT_LOG("");
    /* The source breaks: still-valid credentials are kept, with a warning. */
    testfs_put(tmp, "fail", "", 0600);
    EXPECT_OK(creds_provider_get(f.p, NOW + 2, &c, &f.err));
    EXPECT_STR(c->access_key_id, "AKID3");
    EXPECT_LOG("ltsnap: warning: cannot refresh the credentials of profile 'proc' (profile "
               "'proc': credential_process of profile 'proc' exited with status 1: refresh "
               "broke); using the current ones until they expire\n");
    /* Once expired, the failure is returned. */
    EXPECT_INT(creds_provider_get(f.p, NOW + 200, &c, &f.err), LT_E_CREDS);
    EXPECT_STR(lt_error_message(&f.err), "profile 'proc': credential_process of profile 'proc' "
                                         "exited with status 1: refresh broke");
    EXPECT(c == NULL);
    fx_end(&f);
    unlink(path_of("fail"));
}

/* ---- assume role configuration (no network needed to fail) ---- */

static void test_assume_role_config(void)
{
    static const struct {
        const char *config;
        const char *profile;
        enum lt_rc rc;
        const char *want;
    } cases[] = {
        {"[profile a]\nrole_arn = arn:aws:iam::123456789012:role/A\nsource_profile = b\n"
         "[profile b]\nrole_arn = arn:aws:iam::123456789012:role/B\nsource_profile = a\n",
         "a", LT_E_CONFIG, "profile 'a': source_profile loop: 'a' -> 'b' -> 'a'"},
        {"[profile a]\nrole_arn = arn:aws:iam::123456789012:role/A\nsource_profile = a\n", "a",
         LT_E_CONFIG, "profile 'a': source_profile loop: 'a' -> 'a'"},
        {"[profile a]\nrole_arn = arn:aws:iam::123456789012:role/A\nsource_profile = nope\n", "a",
         LT_E_CONFIG, "profile 'a': profile 'a': source_profile 'nope' does not exist"},
        {"[profile a]\nrole_arn = arn:aws:iam::123456789012:role/A\nsource_profile = b\n"
         "credential_source = Environment\n[profile b]\nregion = x\n",
         "a", LT_E_CONFIG,
         "profile 'a': profile 'a' sets both source_profile and "
         "credential_source"},
        {"[profile a]\nrole_arn = arn:aws:iam::123456789012:role/A\n", "a", LT_E_CONFIG,
         "profile 'a': profile 'a' sets role_arn but neither source_profile nor "
         "credential_source"},
        {"[profile a]\nrole_arn = arn:aws:iam::123456789012:role/A\ncredential_source = Env\n", "a",
         LT_E_CONFIG,
         "profile 'a': profile 'a': credential_source 'Env' is not "
         "Environment, Ec2InstanceMetadata or EcsContainer"},
        {"[profile a]\nrole_arn = arn:aws:iam::123456789012:role/A\n"
         "credential_source = Environment\n",
         "a", LT_E_CREDS,
         "profile 'a': profile 'a': credential_source 'Environment' found no "
         "credentials"},
        {"[profile a]\nrole_arn = arn:aws:iam::123456789012:role/A\nsource_profile = b\n"
         "mfa_serial = arn:aws:iam::123456789012:mfa/me\n[profile b]\nregion = x\n",
         "a", LT_E_CREDS,
         "profile 'a': profile 'a' sets mfa_serial: MFA profiles are not "
         "supported non-interactively"},
        {"[profile a]\nrole_arn = arn:aws:iam::123456789012:role/A\nsource_profile = b\n"
         "[profile b]\nregion = x\n",
         "a", LT_E_CREDS, "profile 'a': source_profile 'b' of profile 'a' has no credentials"},
        {"[profile a]\nrole_arn = arn:aws:iam::123456789012:role/A\nsource_profile = b\n"
         "[profile b]\nrole_arn = arn:aws:iam::123456789012:role/B\nsource_profile = c\n"
         "[profile c]\nrole_arn = arn:aws:iam::123456789012:role/C\nsource_profile = d\n"
         "[profile d]\nrole_arn = arn:aws:iam::123456789012:role/D\nsource_profile = e\n"
         "[profile e]\nrole_arn = arn:aws:iam::123456789012:role/E\nsource_profile = f\n"
         "[profile f]\nrole_arn = arn:aws:iam::123456789012:role/F\nsource_profile = g\n"
         "[profile g]\nrole_arn = arn:aws:iam::123456789012:role/G\nsource_profile = h\n"
         "[profile h]\nrole_arn = arn:aws:iam::123456789012:role/H\nsource_profile = i\n"
         "[profile i]\nrole_arn = arn:aws:iam::123456789012:role/I\nsource_profile = j\n"
         "[profile j]\nregion = x\n",
         "a", LT_E_CONFIG, "profile 'a': profile 'h': source_profile chain longer than 8"},
        {"[profile wi]\nweb_identity_token_file = /nonexistent/token\n", "wi", LT_E_CONFIG,
         "profile 'wi': a web identity token file is configured but no role: set AWS_ROLE_ARN "
         "or role_arn in profile 'wi'"},
        {"[profile wi]\nweb_identity_token_file = /nonexistent/token\n"
         "role_arn = arn:aws:iam::123456789012:role/W\n",
         "wi", LT_E_CREDS,
         "profile 'wi': cannot assume role 'arn:aws:iam::123456789012:role/W' "
         "with a web identity: web identity token: cannot open "
         "'/nonexistent/token': No such file or directory"},
    };
    for (size_t i = 0; i < LT_ARRAY_SIZE(cases); i++) {
        struct fixture f;
        fx_start(&f, cases[i].config, NULL);
        tap_note("assume role case %zu", i);
        expect_fail(cases[i].profile, &f, NOW, cases[i].rc, cases[i].want, __LINE__);
        fx_end(&f);
    }
    /* The environment's web identity variables count unless the profile is explicit. */
    struct fixture f;
    fx_start(&f,
             "[profile plain]\naws_access_key_id = AKIDCFG\n"
             "aws_secret_access_key = CFGSECRET7654321\n",
             NULL);
    fx_env(&f, "AWS_WEB_IDENTITY_TOKEN_FILE=/nonexistent/token");
    fx_env(&f, "AWS_PROFILE=plain");
    expect_fail(NULL, &f, NOW, LT_E_CONFIG,
                "profile 'plain': a web identity token file is configured but no role: set "
                "AWS_ROLE_ARN or role_arn in profile 'plain'",
                __LINE__);
    fx_end(&f);
    fx_start(&f,
             "[profile plain]\naws_access_key_id = AKIDCFG\n"
             "aws_secret_access_key = CFGSECRET7654321\n",
             NULL);
    fx_env(&f, "AWS_WEB_IDENTITY_TOKEN_FILE=/nonexistent/token");
    char want[512];
    snprintf(want, sizeof(want), "config file '%s'", path_of("config"));
    expect_creds("plain", &f, NOW, "AKIDCFG", "CFGSECRET7654321", NULL, want, __LINE__);
    fx_end(&f);
    EXPECT_LOG("");
}

/* ---- SSO token cache ---- */

static void sso_cache(const char *key, const char *json)
{
    unsigned char sha[HASH_SHA1_LEN];
    struct buf name = BUF_INIT(256);
    if (hash_sha1(key, strlen(key), sha) != LT_OK || buf_adds(&name, ".aws/sso/cache/") ||
        hash_hex(&name, sha, sizeof(sha)) || buf_adds(&name, ".json")) {
        printf("Bail out! sso cache name\n");
        exit(1);
    }
    testfs_put(tmp, buf_str(&name), json, 0600);
    buf_release(&name);
}

static const char sso_config[] = "[profile s]\n"
                                 "sso_session = corp\n"
                                 "sso_account_id = 111122223333\n"
                                 "sso_role_name = ReadOnly\n"
                                 "[profile legacy]\n"
                                 "sso_start_url = https://legacy.awsapps.com/start\n"
                                 "sso_region = eu-west-1\n"
                                 "sso_account_id = 111122223333\n"
                                 "sso_role_name = ReadOnly\n"
                                 "[profile partial]\n"
                                 "sso_role_name = ReadOnly\n"
                                 "[profile nosession]\n"
                                 "sso_session = gone\n"
                                 "sso_account_id = 1\n"
                                 "sso_role_name = R\n"
                                 "[profile clash]\n"
                                 "sso_session = corp\n"
                                 "sso_region = us-west-2\n"
                                 "sso_account_id = 1\n"
                                 "sso_role_name = R\n"
                                 "[sso-session corp]\n"
                                 "sso_start_url = https://corp.awsapps.com/start\n"
                                 "sso_region = us-east-1\n";

static void test_sso_cache(void)
{
    struct fixture f;
    char want[1024];
    char cache[512];
    unsigned char sha[HASH_SHA1_LEN];
    struct buf hex = BUF_INIT(64);
    EXPECT_OK(hash_sha1("corp", 4, sha));
    EXPECT_OK(hash_hex(&hex, sha, sizeof(sha)));
    snprintf(cache, sizeof(cache), "%s/.aws/sso/cache/%s.json", tmp, buf_str(&hex));
    buf_release(&hex);
    unlink(cache);

    fx_start(&f, sso_config, NULL);
    snprintf(want, sizeof(want),
             "profile 's': no cached SSO token ('%s'): run 'aws sso login --profile s'", cache);
    expect_fail("s", &f, NOW, LT_E_CREDS, want, __LINE__);
    fx_end(&f);

    sso_cache("corp", "{\"accessToken\": \"SSOACCESSTOKEN42\", \"expiresAt\": "
                      "\"2030-03-17T17:46:40Z\"}");
    fx_start(&f, sso_config, NULL);
    snprintf(want, sizeof(want),
             "profile 's': the cached SSO token has expired ('%s'): run 'aws sso login "
             "--profile s'",
             cache);
    expect_fail("s", &f, NOW, LT_E_CREDS, want, __LINE__);
    fx_end(&f);

    sso_cache("corp", "{\"expiresAt\": \"2030-03-17T17:46:40Z\"}");
    fx_start(&f, sso_config, NULL);
    snprintf(want, sizeof(want), "profile 's': '%s' has no accessToken and expiresAt", cache);
    expect_fail("s", &f, NOW, LT_E_CREDS, want, __LINE__);
    fx_end(&f);

    /* Legacy profiles name the cache by the start URL. */
    sso_cache("https://legacy.awsapps.com/start",
              "{\"accessToken\": \"SSOACCESSTOKEN42\", \"expiresAt\": \"2020-01-01T00:00:00Z\"}");
    fx_start(&f, sso_config, NULL);
    EXPECT_OK(hash_sha1("https://legacy.awsapps.com/start", 32, sha));
    EXPECT_OK(hash_hex(&hex, sha, sizeof(sha)));
    snprintf(want, sizeof(want),
             "profile 'legacy': the cached SSO token has expired ('%s/.aws/sso/cache/%s.json'): "
             "run 'aws sso login --profile legacy'",
             tmp, buf_str(&hex));
    buf_release(&hex);
    expect_fail("legacy", &f, NOW, LT_E_CREDS, want, __LINE__);
    fx_end(&f);

    fx_start(&f, sso_config, NULL);
    expect_fail("partial", &f, NOW, LT_E_CONFIG,
                "profile 'partial': profile 'partial' is configured for SSO but lacks "
                "sso_start_url, sso_region, sso_account_id",
                __LINE__);
    fx_end(&f);
    fx_start(&f, sso_config, NULL);
    snprintf(want, sizeof(want),
             "profile 'nosession': profile 'nosession' names sso_session 'gone' but '%s' has no "
             "[sso-session gone]",
             path_of("config"));
    expect_fail("nosession", &f, NOW, LT_E_CONFIG, want, __LINE__);
    fx_end(&f);
    fx_start(&f, sso_config, NULL);
    expect_fail("clash", &f, NOW, LT_E_CONFIG,
                "profile 'clash': sso_region differs between profile 'clash' and [sso-session "
                "corp]",
                __LINE__);
    fx_end(&f);
    EXPECT_LOG("");
}

static void test_container_config(void)
{
    struct fixture f;
    fx_start(&f, NULL, NULL);
    fx_env(&f, "AWS_CONTAINER_CREDENTIALS_FULL_URI=http://169.254.169.254/creds");
    expect_fail(NULL, &f, NOW, LT_E_CONFIG,
                "profile 'default': container credentials from '': "
                "AWS_CONTAINER_CREDENTIALS_FULL_URI 'http://169.254.169.254/creds' is not "
                "allowed: it must be https or name a loopback host, 169.254.170.2, "
                "169.254.170.23 or fd00:ec2::23",
                __LINE__);
    fx_end(&f);
    fx_start(&f, NULL, NULL);
    fx_env(&f, "AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:1/creds");
    fx_env(&f, "AWS_CONTAINER_AUTHORIZATION_TOKEN=bad\ntoken");
    expect_fail(NULL, &f, NOW, LT_E_CONFIG,
                "profile 'default': container credentials from 'http://127.0.0.1:1/creds': the "
                "container authorization token holds a line break",
                __LINE__);
    fx_end(&f);
    EXPECT_LOG("");
}

/* ---- against scripts/fake-aws ---- */

static const char fake_data[] =
    "{\"accounts\": {\"111122223333\": {"
    "\"access_keys\": {\"AKIDSOURCE0000000001\": {\"secret\": \"SOURCESECRETxyz123\"}},"
    "\"regions\": {\"us-east-1\": {\"launch_templates\": []}}}},"
    "\"roles\": {"
    "\"arn:aws:iam::111122223333:role/Target\": {\"trust\": [\"*\"]},"
    "\"arn:aws:iam::111122223333:role/Ext\": {\"trust\": [\"*\"], \"external_id\": \"EXT-1234\"},"
    "\"arn:aws:iam::111122223333:role/Short\": {\"trust\": [\"*\"], \"expiration_seconds\": 120},"
    "\"arn:aws:iam::111122223333:role/Web\": {\"trust\": [\"*\"], "
    "\"web_identity_tokens\": [\"WEBIDTOKEN-abcdef\"]},"
    "\"arn:aws:iam::111122223333:role/Node\": {\"trust\": [\"*\"]}},"
    "\"imds\": {\"role_arn\": \"arn:aws:iam::111122223333:role/Node\", \"v1\": true, "
    "\"v2\": true},"
    "\"container\": {\"path\": \"/container/creds\", \"authorization\": "
    "\"CONTAINERAUTHTOKEN9\", \"role_arn\": \"arn:aws:iam::111122223333:role/Node\"},"
    "\"sso\": {\"access_tokens\": [\"SSOACCESSTOKEN42\"], \"expired_access_tokens\": "
    "[\"SSOEXPIREDTOKEN9\"], \"roles\": [{\"account_id\": \"111122223333\", "
    "\"role_name\": \"ReadOnly\"}]}}";

static struct fakeproc fake;
static char fake_endpoint_env[128];
static char fake_imds_env[160];
/* Secrets the fake minted: checked against the logs at the end. */
static char minted[256][128];
static size_t nminted;

static void remember(const struct aws_credentials *c)
{
    if (c && nminted < LT_ARRAY_SIZE(minted)) {
        snprintf(minted[nminted++], sizeof(minted[0]), "%s", c->secret_access_key);
    }
    if (c && c->session_token && nminted < LT_ARRAY_SIZE(minted)) {
        snprintf(minted[nminted++], sizeof(minted[0]), "%.100s", c->session_token);
    }
}

/* Resolves against the fake; checks the source and that the key is temporary. */
static void expect_fake(struct fixture *f, const char *profile, const char *source, int line)
{
    const struct aws_credentials *c = NULL;
    enum lt_rc rc = fx_new(f, profile);
    if (rc == LT_OK) {
        rc = creds_provider_get(f->p, clock_now(), &c, &f->err);
    }
    tap_check_int(rc, LT_OK, __FILE__, line, "resolved");
    if (rc != LT_OK) {
        tap_note("error: %s", lt_error_message(&f->err));
        return;
    }
    remember(c);
    tap_check(strncmp(c->access_key_id, "ASIA", 4) == 0, __FILE__, line, "temporary key");
    tap_check(c->session_token != NULL && c->expiration > clock_now(), __FILE__, line,
              "token and expiration");
    tap_check_str(creds_provider_source(f->p), source, __FILE__, line, "source");
}

static void fake_start(struct fixture *f, const char *config, const char *credentials)
{
    fx_start(f, config, credentials);
    fx_env(f, fake_endpoint_env);
}

static const char role_config[] =
    "[profile a]\nrole_arn = arn:aws:iam::111122223333:role/Target\nsource_profile = src\n"
    "role_session_name = unit-test\nduration_seconds = 900\n"
    "[profile chain]\nrole_arn = arn:aws:iam::111122223333:role/Target\nsource_profile = a\n"
    "[profile self]\nrole_arn = arn:aws:iam::111122223333:role/Target\nsource_profile = self\n"
    "aws_access_key_id = AKIDSOURCE0000000001\naws_secret_access_key = SOURCESECRETxyz123\n"
    "[profile ext]\nrole_arn = arn:aws:iam::111122223333:role/Ext\nsource_profile = src\n"
    "external_id = EXT-1234\n"
    "[profile noext]\nrole_arn = arn:aws:iam::111122223333:role/Ext\nsource_profile = src\n"
    "[profile fromenv]\nrole_arn = arn:aws:iam::111122223333:role/Target\n"
    "credential_source = Environment\n"
    "[profile fromimds]\nrole_arn = arn:aws:iam::111122223333:role/Target\n"
    "credential_source = Ec2InstanceMetadata\n"
    "[profile fromecs]\nrole_arn = arn:aws:iam::111122223333:role/Target\n"
    "credential_source = EcsContainer\n"
    "[profile short]\nrole_arn = arn:aws:iam::111122223333:role/Short\nsource_profile = src\n"
    "[profile badsrc]\nrole_arn = arn:aws:iam::111122223333:role/Target\nsource_profile = wrong\n";

static const char role_creds[] = "[src]\naws_access_key_id = AKIDSOURCE0000000001\n"
                                 "aws_secret_access_key = SOURCESECRETxyz123\n"
                                 "[wrong]\naws_access_key_id = AKIDSOURCE0000000001\n"
                                 "aws_secret_access_key = NOTTHESECRET0000\n";

static void test_net_assume_role(void)
{
    struct fixture f;
    fake_start(&f, role_config, role_creds);
    expect_fake(&f, "a", "assume role via profile 'a'", __LINE__);
    fx_end(&f);
    fake_start(&f, role_config, role_creds);
    expect_fake(&f, "chain", "assume role via profile 'chain'", __LINE__);
    fx_end(&f);
    fake_start(&f, role_config, role_creds);
    expect_fake(&f, "self", "assume role via profile 'self'", __LINE__);
    fx_end(&f);
    fake_start(&f, role_config, role_creds);
    expect_fake(&f, "ext", "assume role via profile 'ext'", __LINE__);
    fx_end(&f);
    fake_start(&f, role_config, role_creds);
    char want[1024];
    const struct aws_credentials *c = NULL;
    EXPECT_OK(fx_new(&f, "noext"));
    EXPECT_INT(creds_provider_get(f.p, clock_now(), &c, &f.err), LT_E_CREDS);
    snprintf(want, sizeof(want),
             "profile 'noext': cannot assume role 'arn:aws:iam::111122223333:role/Ext' for "
             "profile 'noext': STS AssumeRole at '%s': AccessDenied: ",
             fake.url);
    EXPECT(strncmp(lt_error_message(&f.err), want, strlen(want)) == 0);
    tap_note("%s", lt_error_message(&f.err));
    fx_end(&f);
    fake_start(&f, role_config, role_creds);
    EXPECT_OK(fx_new(&f, "badsrc"));
    EXPECT_INT(creds_provider_get(f.p, clock_now(), &c, &f.err), LT_E_CREDS);
    snprintf(want, sizeof(want),
             "profile 'badsrc': cannot assume role 'arn:aws:iam::111122223333:role/Target' for "
             "profile 'badsrc': STS AssumeRole at '%s': SignatureDoesNotMatch: ",
             fake.url);
    EXPECT(strncmp(lt_error_message(&f.err), want, strlen(want)) == 0);
    tap_note("%s", lt_error_message(&f.err));
    fx_end(&f);
    /* credential_source = Environment works for an explicit profile too. */
    fake_start(&f, role_config, NULL);
    fx_env(&f, "AWS_ACCESS_KEY_ID=AKIDSOURCE0000000001");
    fx_env(&f, "AWS_SECRET_ACCESS_KEY=SOURCESECRETxyz123");
    expect_fake(&f, "fromenv", "assume role via profile 'fromenv'", __LINE__);
    fx_end(&f);
    fake_start(&f, role_config, NULL);
    fx_env(&f, fake_imds_env);
    f.vars[3] = "AWS_EC2_METADATA_DISABLED=false";
    expect_fake(&f, "fromimds", "assume role via profile 'fromimds'", __LINE__);
    fx_end(&f);
    char full[160];
    snprintf(full, sizeof(full), "AWS_CONTAINER_CREDENTIALS_FULL_URI=%s/container/creds", fake.url);
    fake_start(&f, role_config, NULL);
    fx_env(&f, full);
    fx_env(&f, "AWS_CONTAINER_AUTHORIZATION_TOKEN=CONTAINERAUTHTOKEN9");
    expect_fake(&f, "fromecs", "assume role via profile 'fromecs'", __LINE__);
    fx_end(&f);

    /* Refresh: the role's credentials last 120 s, inside the 5-minute window. */
    fake_start(&f, role_config, role_creds);
    EXPECT_OK(fx_new(&f, "short"));
    EXPECT_OK(creds_provider_get(f.p, clock_now(), &c, &f.err));
    remember(c);
    char first[64];
    snprintf(first, sizeof(first), "%s", c->access_key_id);
    EXPECT(c->expiration - clock_now() <= 120);
    EXPECT_OK(creds_provider_get(f.p, clock_now(), &c, &f.err));
    remember(c);
    EXPECT(strcmp(first, c->access_key_id) != 0);
    fx_end(&f);
    EXPECT_LOG("");
}

static void test_net_web_identity(void)
{
    struct fixture f;
    char token[256];
    snprintf(token, sizeof(token), "%s", testfs_put(tmp, "webtoken", "WEBIDTOKEN-abcdef\n", 0600));
    char token_env[300];
    snprintf(token_env, sizeof(token_env), "AWS_WEB_IDENTITY_TOKEN_FILE=%s", token);
    fake_start(&f, NULL, NULL);
    fx_env(&f, token_env);
    fx_env(&f, "AWS_ROLE_ARN=arn:aws:iam::111122223333:role/Web");
    fx_env(&f, "AWS_ROLE_SESSION_NAME=ci");
    expect_fake(&f, NULL, "web identity (role 'arn:aws:iam::111122223333:role/Web')", __LINE__);
    fx_end(&f);
    char cfg[1024];
    snprintf(cfg, sizeof(cfg),
             "[profile wi]\nrole_arn = arn:aws:iam::111122223333:role/Web\n"
             "web_identity_token_file = %s\n",
             token);
    fake_start(&f, cfg, NULL);
    expect_fake(&f, "wi", "web identity (role 'arn:aws:iam::111122223333:role/Web')", __LINE__);
    fx_end(&f);
    /* The token file is read again on each refresh: a rejected token fails. */
    testfs_put(tmp, "webtoken", "WEBIDTOKEN-wrong\n", 0600);
    fake_start(&f, cfg, NULL);
    const struct aws_credentials *c = NULL;
    EXPECT_OK(fx_new(&f, "wi"));
    EXPECT_INT(creds_provider_get(f.p, clock_now(), &c, &f.err), LT_E_CREDS);
    char want[512];
    snprintf(want, sizeof(want),
             "profile 'wi': cannot assume role 'arn:aws:iam::111122223333:role/Web' with a web "
             "identity: STS AssumeRoleWithWebIdentity at '%s': InvalidIdentityToken: ",
             fake.url);
    EXPECT(strncmp(lt_error_message(&f.err), want, strlen(want)) == 0);
    tap_note("%s", lt_error_message(&f.err));
    fx_end(&f);
    EXPECT_LOG("");
}

static void test_net_sso(void)
{
    struct fixture f;
    sso_cache("corp", "{\"accessToken\": \"SSOACCESSTOKEN42\", \"expiresAt\": "
                      "\"2099-01-01T00:00:00Z\"}");
    fake_start(&f, sso_config, NULL);
    expect_fake(&f, "s", "sso (account 111122223333, role 'ReadOnly')", __LINE__);
    fx_end(&f);
    /* The portal refuses a token the cache still thinks valid. */
    sso_cache("corp", "{\"accessToken\": \"SSOEXPIREDTOKEN9\", \"expiresAt\": "
                      "\"2099-01-01T00:00:00Z\"}");
    fake_start(&f, sso_config, NULL);
    const struct aws_credentials *c = NULL;
    EXPECT_OK(fx_new(&f, "s"));
    EXPECT_INT(creds_provider_get(f.p, clock_now(), &c, &f.err), LT_E_CREDS);
    EXPECT_STR(lt_error_message(&f.err), "profile 's': the SSO portal refused the cached token "
                                         "(HTTP 401): run 'aws sso login --profile s'");
    fx_end(&f);
    EXPECT_LOG("");
}

static void test_net_container(void)
{
    struct fixture f;
    char full[160];
    snprintf(full, sizeof(full), "AWS_CONTAINER_CREDENTIALS_FULL_URI=%s/container/creds", fake.url);
    fake_start(&f, NULL, NULL);
    fx_env(&f, full);
    fx_env(&f, "AWS_CONTAINER_AUTHORIZATION_TOKEN=CONTAINERAUTHTOKEN9");
    expect_fake(&f, NULL, "container", __LINE__);
    fx_end(&f);
    char file_env[300];
    snprintf(file_env, sizeof(file_env), "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=%s",
             testfs_put(tmp, "ecstoken", "CONTAINERAUTHTOKEN9\n", 0600));
    fake_start(&f, NULL, NULL);
    fx_env(&f, full);
    fx_env(&f, file_env);
    fx_env(&f, "AWS_CONTAINER_AUTHORIZATION_TOKEN=ignored-when-a-file-is-set");
    expect_fake(&f, NULL, "container", __LINE__);
    fx_end(&f);
    fake_start(&f, NULL, NULL);
    fx_env(&f, full);
    fx_env(&f, "AWS_CONTAINER_AUTHORIZATION_TOKEN=WRONGTOKEN");
    const struct aws_credentials *c = NULL;
    EXPECT_OK(fx_new(&f, NULL));
    EXPECT_INT(creds_provider_get(f.p, clock_now(), &c, &f.err), LT_E_CREDS);
    char want[512];
    snprintf(want, sizeof(want),
             "profile 'default': container credentials from "
             "'%s/container/creds': ",
             fake.url);
    EXPECT(strncmp(lt_error_message(&f.err), want, strlen(want)) == 0);
    tap_note("%s", lt_error_message(&f.err));
    fx_end(&f);
    EXPECT_LOG("");
}

static void imds_start(struct fixture *f, const char *extra_env)
{
    fx_start(f, NULL, NULL);
    f->vars[3] = "AWS_EC2_METADATA_DISABLED=false";
    fx_env(f, fake_imds_env);
    if (extra_env) {
        fx_env(f, extra_env);
    }
}

static void test_net_imds(void)
{
    struct fixture f;
    imds_start(&f, NULL);
    expect_fake(&f, NULL, "instance metadata", __LINE__);
    fx_end(&f);

    /* IMDSv2 refused (403): IMDSv1, unless disabled. */
    const char *faults_v1[] = {"--fault", "imds-v2-disabled", NULL};
    struct fakeproc v1;
    fakeproc_start(&v1, testfs_path(tmp, "fake.json"), faults_v1);
    char v1_env[160];
    snprintf(v1_env, sizeof(v1_env), "AWS_EC2_METADATA_SERVICE_ENDPOINT=%s", v1.url);
    fx_start(&f, NULL, NULL);
    f.vars[3] = v1_env;
    expect_fake(&f, NULL, "instance metadata", __LINE__);
    fx_end(&f);
    fx_start(&f, NULL, NULL);
    f.vars[3] = v1_env;
    fx_env(&f, "AWS_EC2_METADATA_V1_DISABLED=true");
    char want[512];
    snprintf(want, sizeof(want),
             "profile 'default': instance metadata at '%s' offers no IMDSv2 "
             "token and IMDSv1 is disabled",
             v1.url);
    expect_fail(NULL, &f, clock_now(), LT_E_CREDS, want, __LINE__);
    fx_end(&f);
    EXPECT_INT(fakeproc_stop(&v1), 0);

    /* A 401 to a GET (token expired): one new token, one retry. */
    const char *faults_401[] = {"--fault", "status:ImdsRole:401:1", NULL};
    struct fakeproc f401;
    fakeproc_start(&f401, testfs_path(tmp, "fake.json"), faults_401);
    char e401[160];
    snprintf(e401, sizeof(e401), "AWS_EC2_METADATA_SERVICE_ENDPOINT=%s", f401.url);
    fx_start(&f, NULL, NULL);
    f.vars[3] = e401;
    expect_fake(&f, NULL, "instance metadata", __LINE__);
    fx_end(&f);
    EXPECT_INT(fakeproc_stop(&f401), 0);

    /* Nobody listening: not on EC2, so not applicable. */
    imds_start(&f, "AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:9");
    f.vars[f.n - 2] = "AWS_METADATA_SERVICE_TIMEOUT=1";
    expect_fail(NULL, &f, clock_now(), LT_E_CREDS,
                "profile 'default': no credentials found (tried the environment, the shared "
                "files, container and instance metadata)",
                __LINE__);
    fx_end(&f);
    imds_start(&f, "AWS_METADATA_SERVICE_NUM_ATTEMPTS=0");
    expect_fail(NULL, &f, clock_now(), LT_E_CONFIG,
                "profile 'default': bad value '0' for AWS_METADATA_SERVICE_NUM_ATTEMPTS: "
                "expected a whole number from 1 to 3600",
                __LINE__);
    fx_end(&f);
    EXPECT_LOG("");
}

static void test_net_sts(void)
{
    EXPECT_STR(sts_signing_region("https://sts.amazonaws.com", "eu-west-1"), "us-east-1");
    EXPECT_STR(sts_signing_region("https://sts.amazonaws.com:443/", NULL), "us-east-1");
    EXPECT_STR(sts_signing_region("https://sts.eu-west-1.amazonaws.com", "eu-west-1"), "eu-west-1");
    EXPECT_STR(sts_signing_region("https://sts.amazonaws.com.example", "eu-west-1"), "eu-west-1");
    EXPECT_STR(sts_signing_region("http://127.0.0.1:1", NULL), "us-east-1");
    struct retry_config retry;
    retry_config_default(&retry, RETRY_MODE_STANDARD);
    struct sts_client client = {NULL, fake.url, "us-east-1", &retry};
    struct sigv4_credentials good = {"AKIDSOURCE0000000001", "SOURCESECRETxyz123", NULL};
    struct sts_identity id;
    struct lt_error err = LT_ERROR_INIT;
    if (!EXPECT_OK(sts_get_caller_identity(&client, &good, &id, &err))) {
        tap_note("%s", lt_error_message(&err));
        lt_error_clear(&err);
    }
    EXPECT_STR(id.account, "111122223333");
    EXPECT_STR(id.arn, "arn:aws:iam::111122223333:user/ltsnap");
    sts_identity_release(&id);
    struct sigv4_credentials bad = {"AKIDSOURCE0000000001", "NOTTHESECRET0000", NULL};
    EXPECT_INT(sts_get_caller_identity(&client, &bad, &id, &err), LT_E_AWS);
    char want[256];
    snprintf(want, sizeof(want),
             "STS GetCallerIdentity at '%s': SignatureDoesNotMatch: ", fake.url);
    EXPECT(strncmp(lt_error_message(&err), want, strlen(want)) == 0);
    EXPECT(id.account == NULL && id.arn == NULL);
    lt_error_release(&err);
}

static void test_network(void)
{
    /* The fake endpoint is part of the repository: its absence fails, never skips. */
    if (!EXPECT(fakeproc_available())) {
        return;
    }
    fakeproc_start(&fake, testfs_put(tmp, "fake.json", fake_data, 0600), NULL);
    snprintf(fake_endpoint_env, sizeof(fake_endpoint_env), "AWS_ENDPOINT_URL=%s", fake.url);
    snprintf(fake_imds_env, sizeof(fake_imds_env), "AWS_EC2_METADATA_SERVICE_ENDPOINT=%s",
             fake.url);
    test_net_sts();
    test_net_assume_role();
    test_net_web_identity();
    test_net_sso();
    test_net_container();
    test_net_imds();
    EXPECT_INT(fakeproc_stop(&fake), 0);
}

static void test_no_secret_logged(void)
{
    char *rest = logcap_take();
    free(rest);
    for (size_t i = 0; i < LT_ARRAY_SIZE(planted); i++) {
        tap_check(strstr(logcap_all(), planted[i]) == NULL, __FILE__, __LINE__, planted[i]);
    }
    const char *extra[] = {"SOURCESECRETxyz123", "WEBIDTOKEN-abcdef", "CONTAINERAUTHTOKEN9",
                           "SSOEXPIREDTOKEN9"};
    for (size_t i = 0; i < LT_ARRAY_SIZE(extra); i++) {
        tap_check(strstr(logcap_all(), extra[i]) == NULL, __FILE__, __LINE__, extra[i]);
    }
    size_t leaked = 0;
    for (size_t i = 0; i < nminted; i++) {
        leaked += strstr(logcap_all(), minted[i]) != NULL;
    }
    EXPECT_INT(leaked, 0);
    tap_note("%zu minted secrets checked against %zu bytes of log", nminted, strlen(logcap_all()));
}

int main(void)
{
    logcap_start();
    log_set_level(LOG_NORMAL);
    testfs_scratch(tmp, sizeof(tmp), "creds");
    snprintf(home_env, sizeof(home_env), "HOME=%s", tmp);
    snprintf(cfg_env, sizeof(cfg_env), "AWS_CONFIG_FILE=%s/config", tmp);
    snprintf(creds_env, sizeof(creds_env), "AWS_SHARED_CREDENTIALS_FILE=%s/credentials", tmp);
    test_env_and_static();
    test_process();
    test_refresh();
    test_assume_role_config();
    test_sso_cache();
    test_container_config();
    test_network();
    /* Everything again at debug level: no secret may show even there. */
    log_set_level(LOG_DEBUG);
    test_env_and_static();
    test_process();
    test_assume_role_config();
    test_sso_cache();
    test_network();
    test_no_secret_logged();
    testfs_remove(tmp);
    return tap_done();
}
