# make install / make uninstall with DESTDIR and PREFIX=/usr: the installed ltsnap, run from
# another directory with no LTSNAP_TEMPLATES, finds its installed templates; ltsnap(1) is where
# man finds it and renders without a warning; uninstall removes exactly what install put.
. tests/e2e/lib.sh

D="$T/dest"
X="$ROOT/fixtures/ec2-xml/basic"
convert_args="--account-id 123456789012 --region us-east-1 --out snap
$X/describe-launch-templates-1.xml $X/describe-launch-templates-2.xml
$X/describe-launch-template-versions-1.xml $X/describe-launch-template-versions-2.xml
$X/describe-launch-template-versions-3.xml"

# make_ok DESCRIPTION TARGET VAR=VALUE...: a make of its own (not a sub-make of `make check`,
# whose jobserver it would complain about) that must succeed; output in $T/make.out, .err.
make_ok() {
    desc=$1
    shift
    if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -s B="$B" "$@" \
        >"$T/make.out" 2>"$T/make.err"; then
        ok "$desc"
    else
        not_ok "$desc"
        sed 's/^/#   /' "$T/make.err"
    fi
}

# installed_files DIR: every file under DIR with its mode, and every directory, sorted.
installed_files() {
    (cd "$1" && find . -type f -printf 'file %m %p\n' -o -type d -printf 'dir %p\n' | sort)
}

make_ok "make install DESTDIR=... PREFIX=/usr" install DESTDIR="$D" PREFIX=/usr
same_file "install: nothing on stderr" /dev/null "$T/make.err"
{
    for d in . ./usr ./usr/bin ./usr/share ./usr/share/ltsnap ./usr/share/ltsnap/templates \
        ./usr/share/man ./usr/share/man/man1; do
        echo "dir $d"
    done
    echo "file 755 ./usr/bin/ltsnap"
    echo "file 644 ./usr/share/man/man1/ltsnap.1"
    for f in templates/*.cypher; do echo "file 644 ./usr/share/ltsnap/templates/${f#templates/}"; done
} | sort >"$T/installed.want"
installed_files "$D" >"$T/installed"
same_file "installed: the binary, every template and the man page, with their modes" \
    "$T/installed.want" "$T/installed"
same_file "the installed binary is the one built" "$B/ltsnap" "$D/usr/bin/ltsnap"
same_tree "the installed templates are the source's" templates "$D/usr/share/ltsnap/templates"
same_file "the installed man page is docs/ltsnap.1" docs/ltsnap.1 "$D/usr/share/man/man1/ltsnap.1"

# The installed binary, from another directory, finds the installed templates on its own.
mkdir -p "$T/elsewhere"
cd "$T/elsewhere" || exit 1
LTSNAP="$D/usr/bin/ltsnap"
# shellcheck disable=SC2086
expect_status 0 convert $convert_args
same_file "installed convert: the golden warnings" "$ROOT/tests/golden/basic-xml/stderr" "$T/stderr"
same_tree "installed convert writes the golden snapshot" "$ROOT/tests/golden/basic-xml/expected" \
    "$T/elsewhere/snap"
# Proof that those were the installed templates: without them it finds none.
mv "$D/usr/share/ltsnap/templates" "$T/templates-aside"
# shellcheck disable=SC2086
expect_status 2 convert $convert_args
stderr_is "without its installed templates it says so" \
    "ltsnap: error: cannot find the Cypher templates; give --templates DIR or set LTSNAP_TEMPLATES
ltsnap: error: see 'ltsnap convert --help'"
mv "$T/templates-aside" "$D/usr/share/ltsnap/templates"
expect_status 0 --version
check "installed --version" grep -qx "ltsnap 0.1.0" "$T/stdout"
LTSNAP="$ROOT/$B/ltsnap"
cd "$ROOT" || exit 1

# The man page: where man looks under the prefix, rendered and linted without a warning.
page="$D/usr/share/man/man1/ltsnap.1"
if MANWIDTH=80 man -M "$D/usr/share/man" -P cat ltsnap >"$T/man.txt" 2>"$T/man.err"; then
    ok "man -M <prefix>/share/man ltsnap renders the page"
else
    not_ok "man -M <prefix>/share/man ltsnap renders the page"
fi
same_file "man: nothing on stderr" /dev/null "$T/man.err"
check "man: the NAME line" grep -qx "       ltsnap - snapshots of AWS EC2 launch templates for Neo4j" \
    "$T/man.txt"
groff -man -Tutf8 -ww -z "$page" >"$T/groff.out" 2>&1
is_eq "groff -man -ww: exit status" "$?" 0
same_file "groff -man -ww: no warning" /dev/null "$T/groff.out"
mandoc -Tlint "$page" >"$T/mandoc.out" 2>&1
is_eq "mandoc -Tlint: exit status" "$?" 0
same_file "mandoc -Tlint: no message" /dev/null "$T/mandoc.out"

# Uninstall removes what install put, and share/ltsnap's directories once empty; no more.
make_ok "make uninstall DESTDIR=... PREFIX=/usr" uninstall DESTDIR="$D" PREFIX=/usr
printf 'dir %s\n' . ./usr ./usr/bin ./usr/share ./usr/share/man ./usr/share/man/man1 \
    >"$T/left.want"
installed_files "$D" >"$T/left"
same_file "uninstall: no file left, share/ltsnap removed" "$T/left.want" "$T/left"
make_ok "make uninstall again: nothing to do, no error" uninstall DESTDIR="$D" PREFIX=/usr

# What others put beside ltsnap's files survives an uninstall, and so do their directories.
make_ok "install again" install DESTDIR="$D" PREFIX=/usr
echo "site" >"$D/usr/share/ltsnap/templates/site.cypher"
echo "other" >"$D/usr/bin/other-tool"
make_ok "uninstall beside files of others" uninstall DESTDIR="$D" PREFIX=/usr
{
    printf 'dir %s\n' . ./usr ./usr/bin ./usr/share ./usr/share/ltsnap \
        ./usr/share/ltsnap/templates ./usr/share/man ./usr/share/man/man1
    echo "file 644 ./usr/bin/other-tool"
    echo "file 644 ./usr/share/ltsnap/templates/site.cypher"
} | sort >"$T/left.want"
installed_files "$D" >"$T/left"
same_file "uninstall: only the files of others are left" "$T/left.want" "$T/left"

# BINDIR, DATADIR and MANDIR overrides; a layout the binary cannot find on its own is named.
D2="$T/dest2"
make_ok "install with BINDIR, DATADIR and MANDIR" install DESTDIR="$D2" PREFIX=/usr \
    BINDIR=/opt/lt/bin DATADIR=/srv/lt MANDIR=/srv/man
printf '%s\n' "note: ltsnap looks for its templates in /opt/lt/share/ltsnap/templates;" \
    "note: set LTSNAP_TEMPLATES=/srv/lt/templates (or pass --templates) to use these" \
    >"$T/note.want"
same_file "install says how to point ltsnap at templates it cannot find" "$T/note.want" \
    "$T/make.out"
check "binary in BINDIR" test -x "$D2/opt/lt/bin/ltsnap"
check "templates in DATADIR" test -f "$D2/srv/lt/templates/header.cypher"
check "man page in MANDIR" test -f "$D2/srv/man/man1/ltsnap.1"
make_ok "uninstall with the same overrides" uninstall DESTDIR="$D2" PREFIX=/usr \
    BINDIR=/opt/lt/bin DATADIR=/srv/lt MANDIR=/srv/man
is_eq "uninstall with overrides: no file left" "$(find "$D2" -type f | wc -l)" 0
check "uninstall with overrides: DATADIR removed" test ! -e "$D2/srv/lt"
# The Cypher lint reads every *.cypher under the build tree: leave no raw template behind.
rm -rf "$D" "$D2"
done_testing
