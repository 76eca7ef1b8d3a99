/* Unit tests for aws/profile (shared config/credentials files) and aws/env. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/env.h"
#include "aws/profile.h"
#include "base/log.h"
#include "logcap.h"
#include "tap.h"
#include "testfs.h"

static void expect_log(const char *want, int line)
{
    char *got = logcap_take();
    tap_check_str(got, want, __FILE__, line, "log");
    free(got);
}

static struct profile_file *parse(const char *text, enum profile_file_type type)
{
    struct lt_error err = LT_ERROR_INIT;
    struct profile_file *f = NULL;
    if (profile_parse(text, strlen(text), type, "cfg", &f, &err) != LT_OK) {
        tap_note("unexpected error: %s", lt_error_message(&err));
    }
    lt_error_release(&err);
    return f;
}

static void expect_error(const char *text, enum profile_file_type type, const char *want, int line)
{
    struct lt_error err = LT_ERROR_INIT;
    struct profile_file *f = NULL;
    enum lt_rc rc = profile_parse(text, strlen(text), type, "cfg", &f, &err);
    tap_check_int(rc, LT_E_CONFIG, __FILE__, line, "rc is LT_E_CONFIG");
    tap_check(f == NULL, __FILE__, line, "no file on error");
    tap_check_str(lt_error_message(&err), want, __FILE__, line, "message");
    lt_error_release(&err);
}

static const char *get(const struct profile_file *f, enum profile_kind kind, const char *sect,
                       const char *key)
{
    return profile_section_get(profile_file_section(f, kind, sect), key);
}

static void test_sections(void)
{
    struct profile_file *f = parse("[default]\n"
                                   "region = us-east-1\n"
                                   "[profile dev]\n"
                                   "region=eu-west-1\n"
                                   "[sso-session corp]\n"
                                   "sso_region = us-east-2\n"
                                   "[services local]\n"
                                   "ec2 =\n"
                                   "  endpoint_url = http://127.0.0.1:4566\n"
                                   "  Other = x = y\n"
                                   "sts =\n"
                                   "\tendpoint_url = http://localhost:1\n",
                                   PROFILE_FILE_CONFIG);
    EXPECT(f != NULL);
    EXPECT_INT(f->nsections, 4);
    EXPECT_STR(get(f, PROFILE_KIND_PROFILE, "default", "region"), "us-east-1");
    EXPECT_STR(get(f, PROFILE_KIND_PROFILE, "dev", "region"), "eu-west-1");
    EXPECT_STR(get(f, PROFILE_KIND_SSO_SESSION, "corp", "sso_region"), "us-east-2");
    EXPECT(profile_file_section(f, PROFILE_KIND_PROFILE, "corp") == NULL);
    const struct profile_section *svc = profile_file_section(f, PROFILE_KIND_SERVICES, "local");
    EXPECT_STR(profile_section_get_sub(svc, "ec2", "endpoint_url"), "http://127.0.0.1:4566");
    EXPECT_STR(profile_section_get_sub(svc, "ec2", "Other"), "x = y");
    EXPECT(profile_section_get_sub(svc, "ec2", "other") == NULL);
    EXPECT_STR(profile_section_get_sub(svc, "sts", "endpoint_url"), "http://localhost:1");
    EXPECT(profile_section_get_sub(svc, "s3", "endpoint_url") == NULL);
    EXPECT_INT(svc->props[0].line, 8);
    profile_file_free(f);
    expect_log("", __LINE__);
}

static void test_comments(void)
{
    struct profile_file *f = parse("# full line\n"
                                   "; also\n"
                                   "[profile a] # after a header\n"
                                   "   # indented comment\n"
                                   "x = 1 # inline\n"
                                   "y = 2 ; inline\n"
                                   "z = 3#kept\n"
                                   "w = 4;kept\n"
                                   "t = 5\t# tab\n"
                                   "[profile b];no blank needed on a header\n"
                                   "k = v\n",
                                   PROFILE_FILE_CONFIG);
    EXPECT(f != NULL);
    EXPECT_STR(get(f, PROFILE_KIND_PROFILE, "a", "x"), "1");
    EXPECT_STR(get(f, PROFILE_KIND_PROFILE, "a", "y"), "2");
    EXPECT_STR(get(f, PROFILE_KIND_PROFILE, "a", "z"), "3#kept");
    EXPECT_STR(get(f, PROFILE_KIND_PROFILE, "a", "w"), "4;kept");
    EXPECT_STR(get(f, PROFILE_KIND_PROFILE, "a", "t"), "5");
    EXPECT_STR(get(f, PROFILE_KIND_PROFILE, "b", "k"), "v");
    profile_file_free(f);
}

static void test_continuation(void)
{
    struct profile_file *f = parse("[default]\n"
                                   "region = us-\n"
                                   "  east-1 # not a comment here\n"
                                   "\n"
                                   "    more\n"
                                   "  # a comment does not end the value\n"
                                   "   tail\n"
                                   "after = 1\n"
                                   "  [not a header]\n"
                                   "s3 =\n"
                                   "  a = 1 ; kept in sub-property values\n"
                                   "  a = 2\n",
                                   PROFILE_FILE_CONFIG);
    EXPECT(f != NULL);
    EXPECT_STR(get(f, PROFILE_KIND_PROFILE, "default", "region"),
               "us-\neast-1 # not a comment here\nmore\ntail");
    EXPECT_STR(get(f, PROFILE_KIND_PROFILE, "default", "after"), "1\n[not a header]");
    const struct profile_section *s = profile_file_section(f, PROFILE_KIND_PROFILE, "default");
    EXPECT_STR(profile_section_get_sub(s, "s3", "a"), "2");
    EXPECT_STR(profile_section_get(s, "s3"), "\na = 1 ; kept in sub-property values\na = 2");
    profile_file_free(f);

    /* Indentation relative to the property line (configparser's rule). */
    f = parse("[default]\n"
              "  region = a\n"
              "  output = json\n"
              "    cont\n",
              PROFILE_FILE_CONFIG);
    EXPECT_STR(get(f, PROFILE_KIND_PROFILE, "default", "region"), "a");
    EXPECT_STR(get(f, PROFILE_KIND_PROFILE, "default", "output"), "json\ncont");
    profile_file_free(f);
}

static void test_quoting_case_crlf(void)
{
    struct profile_file *f = parse("[profile Dev]\r\n"
                                   "Region = \"us-east-1\"\r\n"
                                   "ROLE_ARN= 'x' \r\n"
                                   "empty =\r\n"
                                   "[profile dev]\r\n"
                                   "region = lower\r\n",
                                   PROFILE_FILE_CONFIG);
    EXPECT(f != NULL);
    EXPECT_STR(get(f, PROFILE_KIND_PROFILE, "Dev", "region"), "\"us-east-1\"");
    EXPECT_STR(get(f, PROFILE_KIND_PROFILE, "Dev", "role_arn"), "'x'");
    EXPECT_STR(get(f, PROFILE_KIND_PROFILE, "Dev", "empty"), "");
    EXPECT(get(f, PROFILE_KIND_PROFILE, "Dev", "Region") == NULL);
    EXPECT_STR(get(f, PROFILE_KIND_PROFILE, "dev", "region"), "lower");
    profile_file_free(f);
    f = parse("[default]\nregion = a", PROFILE_FILE_CONFIG);
    EXPECT_STR(get(f, PROFILE_KIND_PROFILE, "default", "region"), "a");
    profile_file_free(f);
    f = parse("", PROFILE_FILE_CONFIG);
    EXPECT_INT(f->nsections, 0);
    profile_file_free(f);
}

static void test_duplicates(void)
{
    struct profile_file *f = parse("[profile a]\n"
                                   "region = one\n"
                                   "output = json\n"
                                   "region = two\n"
                                   "[profile b]\n"
                                   "x = 1\n"
                                   "[profile a]\n"
                                   "extra = 3\n",
                                   PROFILE_FILE_CONFIG);
    EXPECT_INT(f->nsections, 2);
    EXPECT_STR(get(f, PROFILE_KIND_PROFILE, "a", "region"), "two");
    EXPECT_STR(get(f, PROFILE_KIND_PROFILE, "a", "output"), "json");
    EXPECT_STR(get(f, PROFILE_KIND_PROFILE, "a", "extra"), "3");
    profile_file_free(f);
    expect_log("ltsnap: warning: 'cfg' line 4: 'region' is set again in [profile a]; the later "
               "value wins\n",
               __LINE__);

    /* [profile default] wins over [default], in either order. */
    f = parse("[default]\nregion = plain\nonly_plain = 1\n[profile default]\nregion = prefixed\n",
              PROFILE_FILE_CONFIG);
    EXPECT_STR(get(f, PROFILE_KIND_PROFILE, "default", "region"), "prefixed");
    EXPECT(get(f, PROFILE_KIND_PROFILE, "default", "only_plain") == NULL);
    profile_file_free(f);
    f = parse("[profile default]\nregion = prefixed\n[default]\nregion = plain\n",
              PROFILE_FILE_CONFIG);
    EXPECT_STR(get(f, PROFILE_KIND_PROFILE, "default", "region"), "prefixed");
    profile_file_free(f);
    expect_log("", __LINE__);
}

static void test_ignored_sections(void)
{
    struct profile_file *f = parse("[foo]\n"
                                   "region = x\n"
                                   "  cont = y\n"
                                   "[profile two words]\n"
                                   "region = y\n"
                                   "[profile ok]\n"
                                   "bad key = 1\n"
                                   "good = 2\n",
                                   PROFILE_FILE_CONFIG);
    EXPECT_INT(f->nsections, 1);
    EXPECT(profile_file_section(f, PROFILE_KIND_PROFILE, "foo") == NULL);
    EXPECT_STR(get(f, PROFILE_KIND_PROFILE, "ok", "good"), "2");
    profile_file_free(f);
    expect_log("ltsnap: warning: 'cfg' line 1: ignoring section '[foo]': profiles in the config "
               "file are written '[profile NAME]'\n"
               "ltsnap: warning: 'cfg' line 4: ignoring section '[profile two words]': not a "
               "valid name\n"
               "ltsnap: warning: 'cfg' line 7: ignoring a property whose name is not valid\n",
               __LINE__);

    f = parse("[default]\naws_access_key_id = A\n[foo]\nx = 1\n[profile bar]\ny = 2\n",
              PROFILE_FILE_CREDENTIALS);
    EXPECT_INT(f->nsections, 2);
    EXPECT_STR(get(f, PROFILE_KIND_PROFILE, "default", "aws_access_key_id"), "A");
    EXPECT_STR(get(f, PROFILE_KIND_PROFILE, "foo", "x"), "1");
    EXPECT(profile_file_section(f, PROFILE_KIND_PROFILE, "bar") == NULL);
    profile_file_free(f);
    expect_log("ltsnap: warning: 'cfg' line 5: ignoring section '[profile bar]': sections of the "
               "credentials file are named without a keyword\n",
               __LINE__);
}

static void test_malformed(void)
{
    expect_error("[default\nregion = a\n", PROFILE_FILE_CONFIG,
                 "'cfg' line 1: section header has no closing ']'", __LINE__);
    expect_error("[default]\n[profile x ; comment]\n", PROFILE_FILE_CONFIG,
                 "'cfg' line 2: section header has no closing ']'", __LINE__);
    expect_error("region = a\n[default]\n", PROFILE_FILE_CONFIG,
                 "'cfg' line 1: property before the first section header", __LINE__);
    expect_error("# c\n\n[default]\nregion us-east-1\n", PROFILE_FILE_CONFIG,
                 "'cfg' line 4: expected 'key = value' or a section header", __LINE__);
    expect_error("[default]\n = x\n", PROFILE_FILE_CONFIG,
                 "'cfg' line 2: property has no name before '='", __LINE__);
    expect_error("[services s]\nec2 =\n  endpoint_url\n", PROFILE_FILE_CONFIG,
                 "'cfg' line 3: expected 'key = value' in an indented sub-property", __LINE__);
    expect_error("[services s]\nec2 =\n  = v\n", PROFILE_FILE_CONFIG,
                 "'cfg' line 3: sub-property has no name before '='", __LINE__);
    expect_error("[default]\r\nregion = a\r\nx = \x80\r\n", PROFILE_FILE_CONFIG,
                 "'cfg' line 3: not valid UTF-8", __LINE__);
    struct lt_error err = LT_ERROR_INIT;
    struct profile_file *f = NULL;
    EXPECT_INT(profile_parse("[default]\nx = a\0b\n", 17, PROFILE_FILE_CONFIG, "cfg", &f, &err),
               LT_E_CONFIG);
    EXPECT_STR(lt_error_message(&err), "'cfg' line 2: NUL byte in the file");
    lt_error_release(&err);
    /* A line without '=' is not echoed: it may be a secret pasted on its own. */
    expect_error("[default]\nwJalrXUtnFEMI/K7MDENG\n", PROFILE_FILE_CREDENTIALS,
                 "'cfg' line 2: expected 'key = value' or a section header", __LINE__);
    expect_log("", __LINE__);
}

static void test_secrets_registered(void)
{
    struct profile_file *f = parse("[default]\n"
                                   "aws_access_key_id = AKIDEXAMPLE\n"
                                   "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCY\n"
                                   "aws_session_token = FQoGZXIvYXdzEXAMPLETOKEN\n",
                                   PROFILE_FILE_CREDENTIALS);
    profile_file_free(f);
    struct buf out = BUF_INIT(4096);
    log_render(&out, "k=wJalrXUtnFEMI/K7MDENG+bPxRfiCY t=FQoGZXIvYXdzEXAMPLETOKEN id=AKIDEXAMPLE");
    EXPECT_STR(buf_str(&out), "k=[redacted] t=[redacted] id=AKIDEXAMPLE");
    buf_release(&out);
    log_forget_secrets();
}

static void test_env(void)
{
    const char *vars[] = {"A=1", "AB=", "FLAG= TRUE ", "NO=false", "BAD=yes", "AWS=x=y", NULL};
    struct aws_env env = AWS_ENV_INIT(vars);
    EXPECT_STR(aws_env_get(&env, "A"), "1");
    EXPECT(aws_env_get(&env, "AB") == NULL);
    EXPECT(aws_env_get(&env, "ABC") == NULL);
    EXPECT_STR(aws_env_get(&env, "AWS"), "x=y");
    struct aws_env none = AWS_ENV_INIT(NULL);
    EXPECT(aws_env_get(&none, "A") == NULL);
    bool b = false;
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_OK(aws_env_bool(&env, "FLAG", false, &b, &err));
    EXPECT(b);
    EXPECT_OK(aws_env_bool(&env, "NO", true, &b, &err));
    EXPECT(!b);
    EXPECT_OK(aws_env_bool(&env, "UNSET", true, &b, &err));
    EXPECT(b);
    EXPECT_INT(aws_env_bool(&env, "BAD", false, &b, &err), LT_E_CONFIG);
    EXPECT_STR(lt_error_message(&err), "bad value 'yes' for BAD: expected 'true' or 'false'");
    lt_error_release(&err);
}

static char tmp[128];

static void test_set_load(void)
{
    char home[256], creds[300], home_env[300];
    snprintf(home, sizeof(home), "%s/home", tmp);
    testfs_put(home, ".aws/config",
               "[profile p]\nregion = from-config\noutput = json\n[profile only-config]\nx = 1\n",
               0600);
    snprintf(creds, sizeof(creds), "%s",
             testfs_put(home, ".aws/credentials",
                        "[p]\nregion = from-credentials\n[only-creds]\ny = 2\n", 0600));
    snprintf(home_env, sizeof(home_env), "HOME=%s", home);
    const char *vars[] = {home_env, NULL};
    struct aws_env env = AWS_ENV_INIT(vars);
    struct profile_set set = PROFILE_SET_INIT;
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_OK(profile_set_load(&set, &env, &err));
    EXPECT_STR(profile_get(&set, "p", "region"), "from-credentials");
    EXPECT_STR(profile_get(&set, "p", "output"), "json");
    EXPECT_STR(profile_get_path(&set, "p", "region"), creds);
    EXPECT(profile_exists(&set, "only-config"));
    EXPECT(profile_exists(&set, "only-creds"));
    EXPECT(!profile_exists(&set, "nope"));
    EXPECT(profile_get(&set, "nope", "region") == NULL);
    profile_set_release(&set);
    expect_log("", __LINE__);

    /* Explicit paths with '~'; a missing file is no error. */
    const char *vars2[] = {home_env, "AWS_CONFIG_FILE=~/.aws/credentials",
                           "AWS_SHARED_CREDENTIALS_FILE=~/none", NULL};
    env.vars = vars2;
    EXPECT_OK(profile_set_load(&set, &env, &err));
    EXPECT(set.credentials->missing);
    EXPECT_INT(set.credentials->nsections, 0);
    /* The credentials file read as a config file: [p] is not a profile there. */
    EXPECT(!profile_exists(&set, "p"));
    profile_set_release(&set);
    char want[1024];
    snprintf(want, sizeof(want),
             "ltsnap: warning: '%s' line 1: ignoring section '[p]': profiles in the config file "
             "are written '[profile NAME]'\n"
             "ltsnap: warning: '%s' line 3: ignoring section '[only-creds]': profiles in the "
             "config file are written '[profile NAME]'\n",
             creds, creds);
    expect_log(want, __LINE__);

    /* No HOME: default locations count as missing; '~' in a variable is an error. */
    const char *vars3[] = {NULL};
    env.vars = vars3;
    EXPECT_OK(profile_set_load(&set, &env, &err));
    EXPECT(set.config->missing && set.credentials->missing);
    profile_set_release(&set);
    const char *vars4[] = {"AWS_CONFIG_FILE=~/x", NULL};
    env.vars = vars4;
    EXPECT_INT(profile_set_load(&set, &env, &err), LT_E_CONFIG);
    EXPECT_STR(lt_error_message(&err),
               "AWS_CONFIG_FILE: cannot expand '~' in '~/x': HOME is not set");
    EXPECT(set.config == NULL && set.credentials == NULL);
    lt_error_clear(&err);

    /* A directory, and a malformed file, are errors naming the path. */
    char dir_env[300];
    snprintf(dir_env, sizeof(dir_env), "AWS_SHARED_CREDENTIALS_FILE=%s", home);
    const char *vars5[] = {home_env, dir_env, NULL};
    env.vars = vars5;
    EXPECT_INT(profile_set_load(&set, &env, &err), LT_E_CONFIG);
    snprintf(want, sizeof(want), "cannot read '%s': is a directory", home);
    EXPECT_STR(lt_error_message(&err), want);
    lt_error_clear(&err);
    const char *bad = testfs_put(tmp, "bad", "[default]\nregion\n", 0600);
    char bad_env[300];
    snprintf(bad_env, sizeof(bad_env), "AWS_CONFIG_FILE=%s", bad);
    const char *vars6[] = {bad_env, NULL};
    env.vars = vars6;
    EXPECT_INT(profile_set_load(&set, &env, &err), LT_E_CONFIG);
    snprintf(want, sizeof(want), "'%s/bad' line 2: expected 'key = value' or a section header",
             tmp);
    EXPECT_STR(lt_error_message(&err), want);
    lt_error_release(&err);
    expect_log("", __LINE__);
}

static void test_secret_file(void)
{
    struct buf b = BUF_INIT(16);
    struct lt_error err = LT_ERROR_INIT;
    bool missing = false;
    EXPECT_OK(profile_read_secret_file(testfs_put(tmp, "tok", "token-text", 0600), 16, &b, &missing,
                                       &err));
    EXPECT_STR(buf_str(&b), "token-text");
    EXPECT(!missing);
    EXPECT_OK(profile_read_secret_file(testfs_path(tmp, "absent"), 16, &b, &missing, &err));
    EXPECT(missing);
    EXPECT_INT(profile_read_secret_file(testfs_path(tmp, "absent"), 16, &b, NULL, &err), LT_E_IO);
    char want[512];
    snprintf(want, sizeof(want), "cannot open '%s/absent': No such file or directory", tmp);
    EXPECT_STR(lt_error_message(&err), want);
    lt_error_clear(&err);
    EXPECT_INT(profile_read_secret_file(testfs_put(tmp, "big", "0123456789abcdefg", 0600), 16, &b,
                                        NULL, &err),
               LT_E_LIMIT);
    snprintf(want, sizeof(want), "'%s/big' is larger than 16 bytes", tmp);
    EXPECT_STR(lt_error_message(&err), want);
    buf_release_secret(&b);
    lt_error_release(&err);
}

int main(void)
{
    logcap_start();
    testfs_scratch(tmp, sizeof(tmp), "profile");
    test_env();
    test_sections();
    test_comments();
    test_continuation();
    test_quoting_case_crlf();
    test_duplicates();
    test_ignored_sections();
    test_malformed();
    test_secrets_registered();
    test_set_load();
    test_secret_file();
    testfs_remove(tmp);
    return tap_done();
}
