/* Unit tests for aws/settings: precedence of profile, region, endpoints, CA bundle, retry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/settings.h"
#include "base/log.h"
#include "logcap.h"
#include "tap.h"
#include "testfs.h"

static char tmp[128];
static char cfg_env[300];
static char creds_env[300];
static char home_env[300];

#define EXPECT_LOG(want)                                                                           \
    do {                                                                                           \
        char *got_ = logcap_take();                                                                \
        tap_check_str(got_, (want), __FILE__, __LINE__, "log");                                    \
        free(got_);                                                                                \
    } while (0)

static const char config_text[] = "[default]\n"
                                  "region = us-west-2\n"
                                  "[profile dev]\n"
                                  "region = eu-west-1\n"
                                  "endpoint_url = https://profile.example/\n"
                                  "services = local\n"
                                  "ca_bundle = ~/ca.pem\n"
                                  "retry_mode = adaptive\n"
                                  "max_attempts = 7\n"
                                  "[profile noservice]\n"
                                  "services = missing\n"
                                  "[profile ignoring]\n"
                                  "ignore_configured_endpoint_urls = TRUE\n"
                                  "region = us-west-2\n"
                                  "endpoint_url = https://ignored.example\n"
                                  "[profile badbool]\n"
                                  "ignore_configured_endpoint_urls = yes\n"
                                  "[profile badregion]\n"
                                  "region = US_EAST_1\n"
                                  "[profile bare]\n"
                                  "output = json\n"
                                  "[profile china]\n"
                                  "region = cn-north-1\n"
                                  "[services local]\n"
                                  "ec2 =\n"
                                  "  endpoint_url = http://127.0.0.1:4566\n";

static const char creds_text[] = "[dev]\n"
                                 "aws_access_key_id = AKID\n"
                                 "[credsonly]\n"
                                 "region = ap-south-1\n";

struct env_build {
    const char *vars[16];
    size_t n;
};

static void env_start(struct env_build *e)
{
    e->n = 0;
    e->vars[e->n++] = home_env;
    e->vars[e->n++] = cfg_env;
    e->vars[e->n++] = creds_env;
    e->vars[e->n] = NULL;
}

static void env_add(struct env_build *e, const char *kv)
{
    e->vars[e->n++] = kv;
    e->vars[e->n] = NULL;
}

static struct profile_set files;

static enum lt_rc resolve(const struct env_build *e, const char *profile, struct aws_settings *s,
                          struct lt_error *err)
{
    static struct aws_env env;
    env.vars = e->vars;
    return settings_resolve(&env, &files, profile, s, err);
}

static void test_profile_selection(void)
{
    struct env_build e;
    struct aws_settings s;
    struct lt_error err = LT_ERROR_INIT;
    env_start(&e);
    EXPECT_OK(resolve(&e, NULL, &s, &err));
    EXPECT_STR(s.profile, "default");
    EXPECT(!s.profile_explicit);
    settings_release(&s);

    env_add(&e, "AWS_DEFAULT_PROFILE=china");
    EXPECT_OK(resolve(&e, NULL, &s, &err));
    EXPECT_STR(s.profile, "china");
    settings_release(&s);

    env_add(&e, "AWS_PROFILE=dev");
    EXPECT_OK(resolve(&e, NULL, &s, &err));
    EXPECT_STR(s.profile, "dev");
    settings_release(&s);
    EXPECT_LOG("ltsnap: warning: AWS_PROFILE is 'dev' and AWS_DEFAULT_PROFILE is 'china': using "
               "'dev'\n");

    EXPECT_OK(resolve(&e, "credsonly", &s, &err));
    EXPECT_STR(s.profile, "credsonly");
    EXPECT(s.profile_explicit);
    EXPECT_STR(s.region, "ap-south-1");
    settings_release(&s);
    EXPECT_LOG("");

    EXPECT_INT(resolve(&e, "nope", &s, &err), LT_E_CONFIG);
    char want[1024];
    snprintf(want, sizeof(want), "profile 'nope' (from --profile) is in neither '%s' nor '%s'",
             strchr(cfg_env, '=') + 1, strchr(creds_env, '=') + 1);
    EXPECT_STR(lt_error_message(&err), want);
    lt_error_release(&err);

    /* A missing "default" is fine: it is the implicit profile. */
    env_start(&e);
    env_add(&e, "AWS_PROFILE=default");
    struct profile_set empty = PROFILE_SET_INIT;
    const char *none[] = {NULL};
    struct aws_env noenv = AWS_ENV_INIT(none);
    EXPECT_OK(profile_set_load(&empty, &noenv, &err));
    struct aws_env env = AWS_ENV_INIT(e.vars);
    EXPECT_OK(settings_resolve(&env, &empty, NULL, &s, &err));
    EXPECT(s.region == NULL);
    settings_release(&s);
    profile_set_release(&empty);
}

static void test_region(void)
{
    static const struct {
        const char *env1;
        const char *env2;
        const char *profile;
        const char *region;
        const char *origin;
    } cases[] = {
        {NULL, NULL, NULL, "us-west-2", "profile 'default' region"},
        {NULL, NULL, "dev", "eu-west-1", "profile 'dev' region"},
        {"AWS_DEFAULT_REGION=ca-central-1", NULL, "dev", "ca-central-1", "AWS_DEFAULT_REGION"},
        {"AWS_DEFAULT_REGION=ca-central-1", "AWS_REGION=sa-east-1", "dev", "sa-east-1",
         "AWS_REGION"},
        {"AWS_REGION=", NULL, "dev", "eu-west-1", "profile 'dev' region"},
        {NULL, NULL, "noservice", NULL, NULL},
    };
    for (size_t i = 0; i < LT_ARRAY_SIZE(cases); i++) {
        struct env_build e;
        env_start(&e);
        if (cases[i].env1) {
            env_add(&e, cases[i].env1);
        }
        if (cases[i].env2) {
            env_add(&e, cases[i].env2);
        }
        struct aws_settings s;
        struct lt_error err = LT_ERROR_INIT;
        tap_note("region case %zu", i);
        EXPECT_OK(resolve(&e, cases[i].profile, &s, &err));
        if (cases[i].region) {
            EXPECT_STR(s.region, cases[i].region);
            EXPECT_STR(s.region_origin, cases[i].origin);
        } else {
            EXPECT(s.region == NULL && s.region_origin == NULL);
        }
        settings_release(&s);
        lt_error_release(&err);
    }
    struct env_build e;
    env_start(&e);
    struct aws_settings s;
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_INT(resolve(&e, "badregion", &s, &err), LT_E_CONFIG);
    EXPECT_STR(lt_error_message(&err), "bad region 'US_EAST_1' from profile 'badregion' region: "
                                       "expected lower-case letters, digits and '-'");
    lt_error_clear(&err);
    env_add(&e, "AWS_REGION=us-east-1.evil.example");
    EXPECT_INT(resolve(&e, NULL, &s, &err), LT_E_CONFIG);
    EXPECT_STR(lt_error_message(&err), "bad region 'us-east-1.evil.example' from AWS_REGION: "
                                       "expected lower-case letters, digits and '-'");
    lt_error_clear(&err);
    env_start(&e);
    EXPECT_OK(resolve(&e, NULL, &s, &err));
    EXPECT_OK(settings_set_region(&s, "eu-north-1", "--region", &err));
    EXPECT_STR(s.region, "eu-north-1");
    EXPECT_STR(s.region_origin, "--region");
    EXPECT_INT(settings_set_region(&s, "-x", "--region", &err), LT_E_CONFIG);
    EXPECT_STR(s.region, "eu-north-1");
    settings_release(&s);
    lt_error_release(&err);
}

struct endpoint_case {
    const char *env[3];
    const char *profile;
    const char *service;
    const char *override;
    const char *url;
    const char *origin;
};

static void test_endpoints(void)
{
    static const struct endpoint_case cases[] = {
        {{NULL}, NULL, "ec2", NULL, "https://ec2.us-west-2.amazonaws.com", "default"},
        {{NULL}, NULL, "sts", NULL, "https://sts.us-west-2.amazonaws.com", "default"},
        {{NULL}, NULL, "sso", NULL, "https://portal.sso.us-west-2.amazonaws.com", "default"},
        {{NULL}, "china", "ec2", NULL, "https://ec2.cn-north-1.amazonaws.com.cn", "default"},
        {{NULL}, "bare", "sts", NULL, "https://sts.amazonaws.com", "default"},
        {{NULL}, "dev", "ec2", NULL, "http://127.0.0.1:4566", "[services local] ec2 endpoint_url"},
        {{NULL}, "dev", "sts", NULL, "https://profile.example", "profile 'dev' endpoint_url"},
        {{"AWS_ENDPOINT_URL=https://global.example"},
         "dev",
         "ec2",
         NULL,
         "https://global.example",
         "AWS_ENDPOINT_URL"},
        {{"AWS_ENDPOINT_URL=https://global.example",
          "AWS_ENDPOINT_URL_EC2=https://ec2.example:8443/"},
         "dev",
         "ec2",
         NULL,
         "https://ec2.example:8443",
         "AWS_ENDPOINT_URL_EC2"},
        {{"AWS_ENDPOINT_URL_EC2=https://ec2.example"},
         "dev",
         "sts",
         NULL,
         "https://profile.example",
         "profile 'dev' endpoint_url"},
        {{"AWS_ENDPOINT_URL_EC2=https://ec2.example"},
         "dev",
         "ec2",
         "http://[::1]:9000/",
         "http://[::1]:9000",
         "--endpoint-url"},
        {{"AWS_ENDPOINT_URL_EC2=https://ec2.example", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true"},
         "dev",
         "ec2",
         NULL,
         "https://ec2.eu-west-1.amazonaws.com",
         "default"},
        {{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true"},
         "dev",
         "ec2",
         "https://flag.example",
         "https://flag.example",
         "--endpoint-url"},
        {{"AWS_ENDPOINT_URL=https://global.example"},
         "ignoring",
         "ec2",
         NULL,
         "https://ec2.us-west-2.amazonaws.com",
         "default"},
        {{"AWS_ENDPOINT_URL=https://global.example", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=false"},
         "ignoring",
         "ec2",
         NULL,
         "https://global.example",
         "AWS_ENDPOINT_URL"},
        {{"AWS_ENDPOINT_URL_SSO=http://localhost:1234/sso"},
         NULL,
         "sso",
         NULL,
         "http://localhost:1234/sso",
         "AWS_ENDPOINT_URL_SSO"},
    };
    for (size_t i = 0; i < LT_ARRAY_SIZE(cases); i++) {
        struct env_build e;
        env_start(&e);
        for (size_t k = 0; k < 3 && cases[i].env[k]; k++) {
            env_add(&e, cases[i].env[k]);
        }
        struct aws_settings s;
        struct lt_error err = LT_ERROR_INIT;
        tap_note("endpoint case %zu", i);
        EXPECT_OK(resolve(&e, cases[i].profile, &s, &err));
        struct buf url = BUF_INIT(4096);
        struct buf origin = BUF_INIT(4096);
        EXPECT_OK(
            settings_endpoint(&s, cases[i].service, NULL, cases[i].override, &url, &origin, &err));
        EXPECT_STR(buf_str(&url), cases[i].url);
        EXPECT_STR(buf_str(&origin), cases[i].origin);
        buf_release(&url);
        buf_release(&origin);
        settings_release(&s);
        lt_error_release(&err);
    }
    EXPECT_LOG("");
}

static void test_endpoint_errors(void)
{
    struct env_build e;
    env_start(&e);
    struct aws_settings s;
    struct lt_error err = LT_ERROR_INIT;
    struct buf url = BUF_INIT(4096);
    EXPECT_OK(resolve(&e, "noservice", &s, &err));
    EXPECT_INT(settings_endpoint(&s, "ec2", NULL, NULL, &url, NULL, &err), LT_E_CONFIG);
    char want[1024];
    snprintf(want, sizeof(want),
             "profile 'noservice' names services 'missing' but '%s' has no [services missing]",
             strchr(cfg_env, '=') + 1);
    EXPECT_STR(lt_error_message(&err), want);
    lt_error_clear(&err);
    settings_release(&s);

    EXPECT_INT(resolve(&e, "badbool", &s, &err), LT_E_CONFIG);
    EXPECT_STR(lt_error_message(&err), "bad value 'yes' for profile 'badbool' "
                                       "ignore_configured_endpoint_urls: expected 'true' or "
                                       "'false'");
    lt_error_clear(&err);

    static const char *const bad_urls[] = {
        "ftp://x",      "https://",       "https://user:pw@host", "https://h?q=1",
        "https://h#f",  "https://h:port", "https://h:123456",     "host.example",
        "https://[::1", "https://h x",
    };
    for (size_t i = 0; i < LT_ARRAY_SIZE(bad_urls); i++) {
        EXPECT_INT(settings_check_url(bad_urls[i], "AWS_ENDPOINT_URL", &err), LT_E_CONFIG);
        snprintf(want, sizeof(want),
                 "bad endpoint URL '%s' from AWS_ENDPOINT_URL: expected "
                 "http(s)://host[:port][/path]",
                 bad_urls[i]);
        EXPECT_STR(lt_error_message(&err), want);
        lt_error_clear(&err);
    }
    /* Plain http is accepted; off loopback it is warned about. */
    EXPECT_OK(settings_check_url("http://127.8.9.1:80", "x", &err));
    EXPECT_OK(settings_check_url("HTTP://LOCALHOST", "x", &err));
    EXPECT_LOG("");
    EXPECT_OK(settings_check_url("http://10.0.0.1:80/", "AWS_ENDPOINT_URL", &err));
    EXPECT_LOG("ltsnap: warning: endpoint 'http://10.0.0.1:80/' from AWS_ENDPOINT_URL is plain "
               "http: requests, including the session token, travel unencrypted\n");
    EXPECT(settings_url_is_loopback("http://[::1]:8080/x"));
    EXPECT(!settings_url_is_loopback("http://[::2]:8080/x"));
    EXPECT(!settings_url_is_loopback("http://128.0.0.1"));
    struct buf host = BUF_INIT(256);
    bool https = false;
    EXPECT(settings_url_host("https://[fd00:ec2::23]:80/creds", &host, &https));
    EXPECT_STR(buf_str(&host), "fd00:ec2::23");
    EXPECT(https);
    buf_release(&host);

    /* No region: EC2 has no default endpoint. */
    const char *vars[] = {"AWS_CONFIG_FILE=/nonexistent/c", "AWS_SHARED_CREDENTIALS_FILE=/n/c",
                          NULL};
    struct aws_env env = AWS_ENV_INIT(vars);
    struct profile_set none = PROFILE_SET_INIT;
    EXPECT_OK(profile_set_load(&none, &env, &err));
    EXPECT_OK(settings_resolve(&env, &none, NULL, &s, &err));
    EXPECT_INT(settings_endpoint(&s, "ec2", NULL, NULL, &url, NULL, &err), LT_E_CONFIG);
    EXPECT_STR(lt_error_message(&err), "no region for 'ec2': set AWS_REGION or the profile's "
                                       "'region', or pass --region");
    EXPECT_OK(settings_endpoint(&s, "ec2", "us-east-2", NULL, &url, NULL, &err));
    EXPECT_STR(buf_str(&url), "https://ec2.us-east-2.amazonaws.com");
    settings_release(&s);
    profile_set_release(&none);
    buf_release(&url);
    lt_error_release(&err);
}

static void test_ca_bundle_and_retry(void)
{
    struct env_build e;
    env_start(&e);
    struct aws_settings s;
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_OK(resolve(&e, NULL, &s, &err));
    EXPECT(s.ca_bundle == NULL);
    EXPECT_INT(s.retry.mode, RETRY_MODE_STANDARD);
    EXPECT_INT(s.retry.max_attempts, 3);
    settings_release(&s);

    /* Profile values: ca_bundle with '~', adaptive mode, 7 attempts. */
    EXPECT_OK(resolve(&e, "dev", &s, &err));
    char want[512];
    snprintf(want, sizeof(want), "%s/ca.pem", tmp);
    EXPECT_STR(s.ca_bundle, want);
    EXPECT_INT(s.retry.mode, RETRY_MODE_ADAPTIVE);
    EXPECT_INT(s.retry.max_attempts, 7);
    settings_release(&s);

    /* The environment wins, each setting on its own. */
    char ca_env[300];
    snprintf(ca_env, sizeof(ca_env), "AWS_CA_BUNDLE=%s/other.pem", tmp);
    env_add(&e, ca_env);
    env_add(&e, "AWS_MAX_ATTEMPTS=2");
    EXPECT_OK(resolve(&e, "dev", &s, &err));
    snprintf(want, sizeof(want), "%s/other.pem", tmp);
    EXPECT_STR(s.ca_bundle, want);
    EXPECT_INT(s.retry.mode, RETRY_MODE_ADAPTIVE);
    EXPECT_INT(s.retry.max_attempts, 2);
    settings_release(&s);
    env_add(&e, "AWS_RETRY_MODE=legacy");
    EXPECT_OK(resolve(&e, "dev", &s, &err));
    EXPECT_INT(s.retry.mode, RETRY_MODE_LEGACY);
    EXPECT_INT(s.retry.max_attempts, 2);
    settings_release(&s);

    env_start(&e);
    env_add(&e, "AWS_CA_BUNDLE=/nonexistent/ca.pem");
    EXPECT_INT(resolve(&e, NULL, &s, &err), LT_E_CONFIG);
    EXPECT_STR(lt_error_message(&err),
               "cannot read the CA bundle '/nonexistent/ca.pem' named by AWS_CA_BUNDLE");
    lt_error_clear(&err);
    env_start(&e);
    env_add(&e, "AWS_MAX_ATTEMPTS=zero");
    EXPECT_INT(resolve(&e, NULL, &s, &err), LT_E_CONFIG);
    EXPECT(strstr(lt_error_message(&err), "AWS_MAX_ATTEMPTS") != NULL);
    lt_error_release(&err);
}

int main(void)
{
    logcap_start();
    testfs_scratch(tmp, sizeof(tmp), "settings");
    snprintf(cfg_env, sizeof(cfg_env), "AWS_CONFIG_FILE=%s",
             testfs_put(tmp, "config", config_text, 0600));
    snprintf(creds_env, sizeof(creds_env), "AWS_SHARED_CREDENTIALS_FILE=%s",
             testfs_put(tmp, "credentials", creds_text, 0600));
    snprintf(home_env, sizeof(home_env), "HOME=%s", tmp);
    testfs_put(tmp, "ca.pem", "not really a certificate\n", 0600);
    testfs_put(tmp, "other.pem", "not really a certificate\n", 0600);
    const char *vars[] = {home_env, cfg_env, creds_env, NULL};
    struct aws_env env = AWS_ENV_INIT(vars);
    struct lt_error err = LT_ERROR_INIT;
    if (profile_set_load(&files, &env, &err) != LT_OK) {
        printf("Bail out! %s\n", lt_error_message(&err));
        return 1;
    }
    test_profile_selection();
    test_region();
    test_endpoints();
    test_endpoint_errors();
    test_ca_bundle_and_retry();
    profile_set_release(&files);
    testfs_remove(tmp);
    return tap_done();
}
