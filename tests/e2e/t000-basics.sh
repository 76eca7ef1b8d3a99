# Command line basics: version, help, unknown commands and options, exit statuses.
. tests/e2e/lib.sh

expect_status 0 --version
stderr_is "nothing on stderr" ""
check "version on stdout" grep -qx "ltsnap 0.1.0" "$T/stdout"
expect_status 0 --help
check "help lists the commands" grep -q "^  fetch " "$T/stdout"
check "help documents the exit statuses" grep -q "3 snapshot written but incomplete" "$T/stdout"
expect_status 2
expect_status 2 frobnicate
stderr_is "unknown command named" "ltsnap: error: 'frobnicate' is not an ltsnap command; see 'ltsnap --help'"
expect_status 2 convert --frob
stderr_is "unknown option named" "ltsnap: error: unknown option '--frob'
ltsnap: error: see 'ltsnap convert --help'"
expect_status 2 fetch --update-tag
stderr_is "missing value named" "ltsnap: error: option '--update-tag' needs a value
ltsnap: error: see 'ltsnap fetch --help'"
expect_status 2 fetch --update-tag 12x
stderr_is "bad number named" "ltsnap: error: --update-tag: '12x' is not a number
ltsnap: error: see 'ltsnap fetch --help'"
expect_status 2 fetch --concurrency 0
expect_status 2 fetch --region us-east-1 --all-regions
expect_status 2 fetch --endpoint-url ftp://example.invalid
expect_status 0 convert --help
check "convert help" grep -q "^usage: ltsnap convert" "$T/stdout"
expect_status 0 fetch --help
check "fetch help" grep -q "^usage: ltsnap fetch" "$T/stdout"
expect_status 2 convert --templates /nonexistent --account-id 123456789012 --region us-east-1 \
    fixtures/ec2-xml/basic/describe-launch-templates-1.xml
stderr_is "missing templates named" "ltsnap: error: '/nonexistent' holds no ltsnap templates (no header.cypher)
ltsnap: error: see 'ltsnap convert --help'"
done_testing
