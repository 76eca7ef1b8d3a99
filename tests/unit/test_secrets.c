/*
 * Unit tests for model/secrets: what looks like a secret in user data, and
 * (as many) what looks like one at first sight but is not.
 * Every case states the exact set of kinds expected.
 */
#include <string.h>

#include "model/secrets.h"
#include "tap.h"

#define AKID (1u << SECRETS_AWS_ACCESS_KEY_ID)
#define AKEY (1u << SECRETS_AWS_SECRET_ACCESS_KEY)
#define PASS (1u << SECRETS_PASSWORD)
#define PKEY (1u << SECRETS_PRIVATE_KEY)
#define TOKN (1u << SECRETS_TOKEN)

struct scan_case {
    const char *text;
    unsigned want;
};

static void check_cases(const struct scan_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned got = secrets_scan(cases[i].text, strlen(cases[i].text));
        if (got != cases[i].want) {
            tap_note("case %zu: got %#x, want %#x: %s", i, got, cases[i].want, cases[i].text);
        }
        EXPECT_INT(got, cases[i].want);
    }
}

static void test_true_positives(void)
{
    static const struct scan_case cases[] = {
        /* Access key ids, long-term and temporary, wherever they stand. */
        {"aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE\n", AKID},
        {"export AWS_ACCESS_KEY_ID=ASIAJEXAMPLEXEG2JICEA", 0}, /* 21 characters: not a key id */
        {"export AWS_ACCESS_KEY_ID=ASIAJEXAMPLEXEG2JICE", AKID},
        {"key=\"AKIA0000000000000000\"", AKID},
        {"AKIAIOSFODNN7EXAMPLE", AKID},
        /* Secret access keys by their name. */
        {"aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n", AKEY},
        {"export AWS_SECRET_ACCESS_KEY=\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"", AKEY},
        {"{\"SecretAccessKey\": \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"}", AKEY},
        /* Private keys with their body. */
        {"cat > /root/.ssh/id_rsa <<EOF\n-----BEGIN RSA PRIVATE KEY-----\n"
         "MIIEpAIBAAKCAQEA7bq0o3rXz1m2hC8y5YpZ0d9cSg1Q2xKk1m8s7V6Yb0zA1B2C\n"
         "-----END RSA PRIVATE KEY-----\nEOF\n",
         PKEY},
        {"-----BEGIN OPENSSH PRIVATE KEY-----\r\n"
         "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\r\n",
         PKEY},
        {"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ\n", PKEY},
        {"-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQww\n",
         PKEY},
        {"-----BEGIN PGP PRIVATE KEY "
         "BLOCK-----\n\nlQOYBF0AAAABCADQ5p3cKd7p2T9bMxYzAAAAAAAAAAAAAA\n",
         PKEY},
        /* Passwords: shell, YAML, JSON, INI, connection strings, flags, URLs. */
        {"export DB_PASSWORD=hunter22\n", PASS},
        {"MYSQL_ROOT_PASSWORD='s3cr3t!'\n", PASS},
        {"#cloud-config\npassword: Winter2024\nchpasswd: { expire: False }\n", PASS},
        {"{\"password\": \"hunter22\"}", PASS},
        {"[db]\npasswd = correct-horse\n", PASS},
        {"Server=db;Database=app;User Id=sa;Password=Str0ng!Pass;", PASS},
        {"mysql --user=root --password hunter22 app", PASS},
        {"psql postgres://app:hunter22@db.internal:5432/app", PASS},
        {"git clone https://deploy:s3cr3tpw@git.example.com/r.git", PASS},
        {"$Password = ConvertTo-SecureString \"P@ss\" -AsPlainText", PASS},
        {"export MYSQL_PWD=hunter22", PASS},
        {"plain_text_passwd: hunter22", PASS},
        {"env: DB_PASSWORD=hunter22\n", PASS}, /* inside another setting's value */
        {"export GPG_PASSPHRASE='correct horse battery'", PASS},
        {"--apikey 0123456789abcdef", TOKN},
        /* Tokens by name and by form. */
        {"export GITHUB_TOKEN=0123456789abcdef0123", TOKN},
        {"K3S_TOKEN=\"K10abcdef0123456789::server:abcdef\" sh -s -", TOKN},
        {"api_key: sk_live_0123456789abcdef", TOKN},
        {"CLIENT_SECRET=Zm9vYmFyYmF6cXV4", TOKN},
        {"aws secretsmanager create-secret --name x --secret-string hunter22hunter22", TOKN},
        {"git remote set-url origin x ghp_0123456789abcdefghijABCDEFGHIJ012345", TOKN},
        {"token=github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", TOKN},
        {"SLACK=xoxb-123456789012-abcdefghij", TOKN},
        {"curl -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc' x", TOKN},
        /* Several kinds at once, reported once each. */
        {"AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n"
         "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
         "AWS_SESSION_TOKEN=FwoGZXIvYXdzEJr//////////wEaDM\n"
         "DB_PASSWORD=hunter22\nOTHER_PASSWORD=hunter33\n",
         AKID | AKEY | PASS | TOKN},
    };
    check_cases(cases, LT_ARRAY_SIZE(cases));
}

static void test_false_positives(void)
{
    static const struct scan_case cases[] = {
        /* Names that are about a secret without holding one. */
        {"password_file=/etc/x\n", 0},
        {"--password-file /run/secrets/db", 0},
        {"PASSWORD_PATH=/etc/app/pw", 0},
        {"min_password_length=12\npassword_max_age: 90\n", 0},
        {"token_ttl: 3600\nTOKEN_URL=https://auth.example.com/token\n", 0},
        {"secret_id: prod/db\nSECRET_NAME=prod-db\nsecret_arn=x\n", 0},
        {"aws secretsmanager get-secret-value --secret-id prod/db --query SecretString", 0},
        {"echo $DB_PASSWORD | docker login --password-stdin --username ci", 0},
        /* Values that are references, commands, templates or settings. */
        {"password: ${DB_PASSWORD}\n", 0},
        {"DB_PASSWORD=$(aws ssm get-parameter --name /db/pw --with-decryption)\n", 0},
        {"PASSWORD=`cat /run/secrets/pw`\n", 0},
        {"password: \"{{ vault_db_password }}\"\n", 0},
        {"password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n", 0},
        {"password: '{{resolve:secretsmanager:prod/db:SecretString:password}}'", 0},
        {"DB_PASSWORD=arn:aws:secretsmanager:us-east-1:123456789012:secret:db", 0},
        {"password = getpass()\n", 0},
        {"$Password = $env:DB_PASSWORD\n", 0},
        {"password: ********\npassword: xxxxxxxx\n", 0},
        {"PasswordAuthentication no\npassword_authentication: false\nssh_pwauth: true\n", 0},
        {"lock_passwd: false\nchpasswd: { expire: False }\n", 0},
        {"passwd: $6$rounds=4096$saltsalt$hash\n", 0},
        {"password=abc\n", 0}, /* too short to tell from a flag */
        {"if [ \"$PASSWORD\" == \"\" ]; then exit 1; fi\n", 0},
        {"if password == other:\n", 0},
        {"read -s -p \"Password: \" DB_PASS\necho \"Enter password:\n", 0},
        /* The IMDSv2 dance every user data script does. */
        {"TOKEN=`curl -X PUT \"http://169.254.169.254/latest/api/token\" "
         "-H \"X-aws-ec2-metadata-token-ttl-seconds: 21600\"`\n"
         "curl -H \"X-aws-ec2-metadata-token: $TOKEN\" http://169.254.169.254/latest/meta-data/\n",
         0},
        /* Lookalikes of key ids, keys and tokens. */
        {"ASIAN markets, AKIA-style ids like AKIAXXXX, and XAKIAIOSFODNN7EXAMPLE", 0},
        {"AKIAIOSFODNN7EXAMPLEX and akiaiosfodnn7example", 0},
        {"-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n", 0},
        {"-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUF\n", 0},
        {"grep -q 'BEGIN RSA PRIVATE KEY-----' f || echo '-----BEGIN RSA PRIVATE KEY-----'", 0},
        {"ghp_short and xoxb- and Bearer $TOKEN and Authorization: Bearer <token>", 0},
        {"https://example.com:8443/path and ssh://git@host:22/x and http://host:$PORT@x", 0},
        /* A shell session with a $PWD. */
        {"cd \"$PWD\" && PWD=/opt/app && echo $(pwd)\n", 0},
        {"", 0},
    };
    check_cases(cases, LT_ARRAY_SIZE(cases));
}

static void test_where_forms_start(void)
{
    static const struct scan_case cases[] = {
        /* Key ids and tokens start a word: after a joiner yes, inside a word no. */
        {"key_AKIAIOSFODNN7EXAMPLE", AKID},
        {"key-AKIAIOSFODNN7EXAMPLE", AKID},
        {"keyAKIAIOSFODNN7EXAMPLE 9AKIAIOSFODNN7EXAMPLE", 0},
        {"deploy-ghp_0123456789abcdefghijABCDEFGHIJ012345", TOKN},
        {"deploy.xoxb-123456789012-abcdefghij", TOKN},
        {"deploy_ghp_0123456789abcdefghijABCDEFGHIJ012345", 0},
        {"abcBearer eyJhbGciOiJIUzI1NiJ9.e30.abcdef", 0},
        {"-Bearer eyJhbGciOiJIUzI1NiJ9.e30.abcdef", TOKN},
        /* A PEM header may start at any '-', even after other dashes or inside a word. */
        {"------BEGIN RSA PRIVATE KEY-----\n"
         "MIIEpAIBAAKCAQEA7bq0o3rXz1m2hC8y5YpZ0d9cSg1Q2xKk1m8s7V6Yb0zA1B2C\n",
         PKEY},
        {"x-----BEGIN RSA PRIVATE KEY-----\n"
         "MIIEpAIBAAKCAQEA7bq0o3rXz1m2hC8y5YpZ0d9cSg1Q2xKk1m8s7V6Yb0zA1B2C\n",
         PKEY},
        /* The value of a secret's name is looked at for forms, not for names. */
        {"password=\"hunter22 AKIAIOSFODNN7EXAMPLE\"", PASS | AKID},
        {"token='x password=hunter22'", TOKN},
        /* ...but what follows the value is. */
        {"token=xyz password=hunter22", PASS},
        {"TOKEN=abc; password=hunter22", PASS},
    };
    check_cases(cases, LT_ARRAY_SIZE(cases));
}

static void test_binary_and_bounds(void)
{
    /* NULs and bytes above 0x7F do not stop the scan; matches at the very end count. */
    static const char bin[] = "\x1f\x8b\x08\x00\xff\xfe\0\0AKIAIOSFODNN7EXAMPLE";
    EXPECT_INT(secrets_scan(bin, sizeof(bin) - 1), AKID);
    /* A prefix cut before the key id is complete finds nothing (no read past len). */
    EXPECT_INT(secrets_scan(bin, sizeof(bin) - 2), 0);
    static const char pw[] = "password=hunter22";
    EXPECT_INT(secrets_scan(pw, sizeof(pw) - 1), PASS);
    EXPECT_INT(secrets_scan(pw, 12), 0); /* "password=hun": too short */
    /* A NUL is no character of a token nor a reference's first byte (strchr would match it). */
    static const char bearer_nuls[] = "Authorization: Bearer \0\0\0\0\0\0\0\0\0\0"
                                      "\0\0\0\0\0\0\0\0\0\0\0\0";
    EXPECT_INT(secrets_scan(bearer_nuls, sizeof(bearer_nuls) - 1), 0);
    static const char quoted_nul[] = "password='\0hunter22xyz'\n";
    EXPECT_INT(secrets_scan(quoted_nul, sizeof(quoted_nul) - 1), PASS);
    /* A very long name is not a setting's name. */
    char longname[200];
    memset(longname, 'a', sizeof(longname));
    memcpy(longname + 150, "password=hunter22", 17);
    EXPECT_INT(secrets_scan(longname, 167), 0);
}

static void test_names(void)
{
    EXPECT_STR(secrets_kind_name(SECRETS_AWS_ACCESS_KEY_ID), "aws-access-key-id");
    EXPECT_STR(secrets_kind_name(SECRETS_AWS_SECRET_ACCESS_KEY), "aws-secret-access-key");
    EXPECT_STR(secrets_kind_name(SECRETS_PASSWORD), "password");
    EXPECT_STR(secrets_kind_name(SECRETS_PRIVATE_KEY), "private-key");
    EXPECT_STR(secrets_kind_name(SECRETS_TOKEN), "token");
    EXPECT_STR(secrets_kind_name(SECRETS_KIND_COUNT), "unknown");
    /* Walking a mask in enum order lists the names sorted. */
    for (int k = 1; k < SECRETS_KIND_COUNT; k++) {
        EXPECT(strcmp(secrets_kind_name(k - 1), secrets_kind_name(k)) < 0);
    }
}

int main(void)
{
    test_true_positives();
    test_false_positives();
    test_where_forms_start();
    test_binary_and_bounds();
    test_names();
    return tap_done();
}
