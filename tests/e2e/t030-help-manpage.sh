# --help, COMMAND --help and --version print to stdout and exit 0, and docs/ltsnap.1 keeps up
# with the program: every command `ltsnap --help` lists has its section, every long option of
# `ltsnap COMMAND --help` is an entry of that section (or of COMMON OPTIONS) and every option
# entry there is one the command prints; every environment variable the sources read is in
# ENVIRONMENT; every file a snapshot holds is in SNAPSHOT FILES; the exit statuses of main.c,
# of `ltsnap --help` and of EXIT STATUS agree; the page's version is the program's. Commands
# are taken from `ltsnap --help`, never listed here, so a new command is checked as it comes.
. tests/e2e/lib.sh

MAN=docs/ltsnap.1

# The page's source with roff escapes for '-', fonts, quotes and joins undone.
sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e "s/\\\\(aq/'/g" -e 's/\\c$//' -e 's/\\&//g' \
    "$MAN" >"$T/man.txt"
# "SECTION<tab>TAG" for every .TP entry; SECTION is the .SH or .SS title.
awk '/^\.S[HS] / { sec = substr($0, 5); gsub(/"/, "", sec); next }
     /^\.TP/ { tp = 1; next }
     tp { print sec "\t" $0; tp = 0 }' "$T/man.txt" >"$T/man-entries"
# section TITLE: the text of one .SH or .SS section.
section() {
    awk -v want="$1" '/^\.S[HS] / { sec = substr($0, 5); gsub(/"/, "", sec); next }
        sec == want' "$T/man.txt"
}
# entries TITLE: the .TP tags of one section.
entries() {
    awk -F '\t' -v want="$1" '$1 == want { print $2 }' "$T/man-entries"
}
# has_word WORD FILE: WORD in FILE, not as part of a longer option or name.
has_word() {
    grep -qE -- "(^|[^A-Za-z0-9_-])$1([^A-Za-z0-9_-]|\$)" "$2"
}

# ---- ltsnap --help, -h, help, --version ----
expect_status 0 --help
stderr_is "--help: nothing on stderr" ""
check "--help: the usage on stdout" grep -q "^usage: ltsnap " "$T/stdout"
cp "$T/stdout" "$T/help"
expect_status 0 -h
same_file "-h prints what --help prints" "$T/help" "$T/stdout"
expect_status 0 help
same_file "help prints what --help prints" "$T/help" "$T/stdout"
expect_status 0 --version
stderr_is "--version: nothing on stderr" ""
check "--version: 'ltsnap X.Y.Z' on stdout" grep -qxE "ltsnap [0-9]+\.[0-9]+\.[0-9]+" "$T/stdout"
version=$(cat "$T/stdout")
th_version=$(sed -n 's/^\.TH LTSNAP 1 [0-9-]* "\([^"]*\)".*/\1/p' "$MAN")
is_eq "the page's .TH names the program's version" "$th_version" "$version"

sed -n '/^commands:$/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' "$T/help" >"$T/commands"
check "--help lists convert" grep -qx convert "$T/commands"
check "--help lists fetch" grep -qx fetch "$T/commands"

# ---- each command ----
entries "COMMON OPTIONS" >"$T/common-entries"
for cmd in $(cat "$T/commands"); do
    expect_status 0 "$cmd" --help
    stderr_is "$cmd --help: nothing on stderr" ""
    check "$cmd --help: its usage on stdout" grep -q "^usage: ltsnap $cmd " "$T/stdout"
    cp "$T/stdout" "$T/help-$cmd"
    expect_status 0 "$cmd" -h
    same_file "$cmd -h prints what $cmd --help prints" "$T/help-$cmd" "$T/stdout"
    check "man: SYNOPSIS shows ltsnap $cmd" grep -qx ".B ltsnap $cmd" "$T/man.txt"
    check "man: a section 'ltsnap $cmd'" grep -qx ".SS ltsnap $cmd" "$T/man.txt"
    entries "ltsnap $cmd" >"$T/entries-$cmd"
    grep -oE -- '--[a-z][a-z0-9-]*' "$T/help-$cmd" | sort -u >"$T/options-$cmd"
    check "$cmd --help shows long options" test -s "$T/options-$cmd"
    for opt in $(cat "$T/options-$cmd"); do
        if has_word "$opt" "$T/entries-$cmd" || has_word "$opt" "$T/common-entries"; then
            ok "man documents $cmd $opt"
        else
            not_ok "man documents $cmd $opt: no entry in 'ltsnap $cmd' or COMMON OPTIONS"
        fi
    done
    # The other way: an option the page gives the command is one its --help shows.
    for opt in $(grep -oE -- '^\.[BIR]+ --[a-z][a-z0-9-]*' "$T/entries-$cmd" | sed 's/^[^ ]* //'); do
        if grep -qx -- "$opt" "$T/options-$cmd"; then
            ok "$cmd --help shows $opt, as the page says"
        else
            not_ok "the page gives $cmd $opt, which '$cmd --help' does not show"
        fi
    done
done
for opt in $(grep -oE -- '--[a-z][a-z0-9-]*' "$T/common-entries"); do
    for cmd in $(cat "$T/commands"); do
        if grep -qx -- "$opt" "$T/options-$cmd"; then
            ok "common option $opt: in $cmd --help"
        else
            not_ok "common option $opt is not in '$cmd --help'"
        fi
    done
done

# ---- environment variables the sources read ----
# getenv("X"), aws_env_get(env, "X") and aws_env_bool(env, "X", ...) anywhere, and every
# "AWS_..." literal in src/aws/ (settings and credential sources hand the names they read to
# helpers as literals; elsewhere such a literal may be data, such as a pattern user data is
# searched for). A name ending in '_' is a prefix: AWS_ENDPOINT_URL_ + the service.
{
    find src -name '*.c' -exec cat {} + |
        grep -oE '(getenv\(|aws_env_(get|bool)\([^,()]*, *)"[A-Z][A-Z0-9_]*"'
    find src/aws -name '*.c' -exec cat {} + | grep -oE '"AWS_[A-Z0-9_]*"'
} | sed 's/.*"\([A-Z0-9_]*\)"$/\1/' | sort -u >"$T/env-read"
for v in AWS_ACCESS_KEY_ID AWS_PROFILE AWS_ENDPOINT_URL_ HOME LTSNAP_TEMPLATES SOURCE_DATE_EPOCH; do
    check "the sources are seen to read $v" grep -qx "$v" "$T/env-read"
done
section ENVIRONMENT >"$T/man-env"
for v in $(cat "$T/env-read"); do
    case $v in
    *_) found=$(grep -oE "(^|[^A-Z0-9_])${v}[A-Z0-9]" "$T/man-env" | head -1) ;;
    *) found=$(grep -oE "(^|[^A-Z0-9_])${v}([^A-Z0-9_]|\$)" "$T/man-env" | head -1) ;;
    esac
    if [ -n "$found" ]; then ok "ENVIRONMENT names $v"; else not_ok "ENVIRONMENT lacks $v"; fi
done

# ---- the files of a snapshot ----
X=fixtures/ec2-xml/full-data
expect_status 0 convert --account-id 123456789012 --region us-east-1 --out "$T/snap" \
    "$X/describe-launch-templates.xml" "$X/describe-launch-template-versions.xml"
ls "$T/snap" >"$T/snap-files"
check "a snapshot has files" test -s "$T/snap-files"
entries "SNAPSHOT FILES" | sed -n 's/^\.B \([^ ]*\)$/\1/p' | sort >"$T/man-files"
same_file "SNAPSHOT FILES has an entry for each file of a snapshot, and no other" \
    "$T/snap-files" "$T/man-files"

# ---- exit statuses: main.c, ltsnap --help, EXIT STATUS ----
sed -n 's/^ *EXIT_[A-Z_]* = \([0-9]*\),$/\1/p' src/main.c | sort -n >"$T/status-code"
check "main.c names its exit statuses" test -s "$T/status-code"
tr '\n' ' ' <"$T/help" | sed 's/.*exit status://' | tr ';' '\n' | awk '{ print $1 }' |
    sort -n >"$T/status-help"
same_file "--help describes every exit status of main.c" "$T/status-code" "$T/status-help"
entries "EXIT STATUS" | sed -n 's/^\.B \([0-9]*\)$/\1/p' | sort -n >"$T/status-man"
same_file "EXIT STATUS describes every exit status of main.c" "$T/status-code" "$T/status-man"
done_testing
