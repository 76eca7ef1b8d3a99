#!/bin/sh
# cypher-lint-selftest.sh - proves tests/lib/cypher-lint.mjs catches what it
# must: each bad script has to fail with exit status 1 and exactly the
# expected report; the good script has to pass with no output. A crash, a
# signal or any other status fails the self-test. Run by lint-all-cypher
# before it trusts the linter with real files.
set -u
export LC_ALL=C
lib=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cypher-lint-selftest.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp" || exit 2
pass=0
fail=0

# script NAME: the script under test, from stdin.
script() {
    cat >"$1.cypher"
}

# expect NAME STATUS: the exact report (stdin) and exit status for NAME.cypher.
expect() {
    cat >"$1.expected"
    node "$lib/cypher-lint.mjs" "$1.cypher" >"$1.out" 2>"$1.err"
    status=$?
    if [ "$status" -eq "$2" ] && cmp -s "$1.expected" "$1.out" && [ ! -s "$1.err" ]; then
        pass=$((pass + 1))
        printf 'ok %s\n' "$1"
    else
        fail=$((fail + 1))
        printf 'not ok %s (exit %d, want %d)\n' "$1" "$status" "$2"
        diff -u "$1.expected" "$1.out" | sed 's/^/#   /'
        sed 's/^/#   stderr: /' "$1.err"
    fi
}

# ---- must pass ----

script good <<'EOF'
// A script shaped like ltsnap's: comments; parameters; schema; one transaction.
/* block comment; with a semicolon */
:param {tag: 1700000000, note: 'it\'s; // not a comment /* nor this */', rows: [{id: 'a', n: 1}, {id: 'b\\', n: -2}]}
:param {
  multi: 'line\u2028two',
  `odd key`: 2
}
CREATE INDEX lt_id IF NOT EXISTS FOR (n:AWSLaunchTemplate) ON (n.id);
:begin
UNWIND $rows AS row
MERGE (n:AWSLaunchTemplate {id: row.id})
SET n.lastupdated = $tag, n.note = $note, n.multi = $multi, n.odd = $`odd key`;
RETURN '$notaparam; :begin' AS s, "double \"quoted\"; $x" AS d, (-9223372036854775807 - 1) AS m;
:commit
MATCH (n:AWSLaunchTemplate) WHERE n.lastupdated <> $tag
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 1000 ROWS;
EOF
expect good 0 </dev/null

# ---- must fail ----

script unterminated-string <<'EOF'
RETURN 'abc AS v;
EOF
expect unterminated-string 1 <<'EOF'
unterminated-string.cypher:1:1: error: statement does not end (unterminated '...')
EOF

# A value x\ quoted by an escaper that forgets the backslash: the quote is escaped away.
script naive-escape <<'EOF'
RETURN 'x\' AS v;
RETURN 2 AS w;
EOF
expect naive-escape 1 <<'EOF'
naive-escape.cypher:1:1: error: statement does not end (unterminated '...')
EOF

# A raw \u0027 is a quote to Neo4j (not to cypher-shell): the literal ends early.
script unicode-quote <<'EOF'
MERGE (n:T {id: 'lt-1\u0027 OR 1=1 //'}) RETURN n;
EOF
expect unicode-quote 1 <<'EOF'
unicode-quote.cypher:1:17: error: Type mismatch: expected Boolean but was String
unicode-quote.cypher:1:50: error: Invalid input '': expected an expression, ',' or '}'
EOF

script begin-no-commit <<'EOF'
:begin
RETURN 1 AS v;
EOF
expect begin-no-commit 1 <<'EOF'
begin-no-commit.cypher:1:1: error: ':begin' without ':commit'
EOF

script index-in-begin <<'EOF'
:begin
CREATE INDEX lt_id IF NOT EXISTS FOR (n:T) ON (n.id);
:commit
EOF
expect index-in-begin 1 <<'EOF'
index-in-begin.cypher:2:1: error: schema command inside a ':begin' block
EOF

script batch-in-begin <<'EOF'
MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS;
:begin
MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS;
:commit
EOF
expect batch-in-begin 1 <<'EOF'
batch-in-begin.cypher:3:1: error: CALL { ... } IN TRANSACTIONS inside a ':begin' block
EOF

# '$notaparam' is a string, not a parameter.
script undeclared-param <<'EOF'
:param {tag: 1}
RETURN $tag AS t, $rows AS r, '$notaparam' AS s;
EOF
expect undeclared-param 1 <<'EOF'
undeclared-param.cypher:2:19: error: Parameter $rows is not defined.
EOF

script param-forms <<'EOF'
RETURN $a AS v;
:param {a: 1}
:param b => 2
:param {c: x}
:param {d: 1} trailing
EOF
expect param-forms 1 <<'EOF'
param-forms.cypher:1:8: error: Parameter $a is not defined.
param-forms.cypher:3:1: error: ':param' must be followed by a map ({name: value, ...})
param-forms.cypher:4:12: error: Variable `x` not defined
param-forms.cypher:5:14: error: unexpected text after the ':param' map
EOF

script unknown-command <<'EOF'
:source other.cypher
RETURN 1 AS v;
EOF
expect unknown-command 1 <<'EOF'
unknown-command.cypher:1:1: error: unknown shell command ':source'
EOF

script rollback <<'EOF'
:begin
RETURN 1 AS v;
:rollback
EOF
expect rollback 1 <<'EOF'
rollback.cypher:1:1: error: ':begin' without ':commit'
rollback.cypher:3:1: error: ':rollback' is not allowed in a script
EOF

script nested-begin <<'EOF'
:begin
:begin
RETURN 1 AS v;
:commit
:commit
EOF
expect nested-begin 1 <<'EOF'
nested-begin.cypher:2:1: error: nested ':begin' (the open one is at line 1)
nested-begin.cypher:5:1: error: ':commit' without ':begin'
EOF

# cypher-shell honours a backslash inside backticks, Cypher does not.
script backtick-split <<'EOF'
RETURN `a\`;` AS v;
EOF
expect backtick-split 1 <<'EOF'
backtick-split.cypher:1:1: error: Cypher splits this statement at a ';' cypher-shell does not (backslash or backtick quoting)
backtick-split.cypher:1:8: error: Variable `a\` not defined
backtick-split.cypher:1:13: error: Invalid input '`': expected 'ALTER', 'ORDER BY', 'CALL', 'USING PERIODIC COMMIT', 'CREATE', 'LOAD CSV', 'START DATABASE', 'STOP DATABASE', 'DEALLOCATE', 'DELETE', 'DENY', 'DETACH', 'DROP', 'DRYRUN', 'FINISH', 'FOREACH', 'GRANT', 'INSERT', 'LIMIT', 'MATCH', 'MERGE', 'NODETACH', 'OFFSET', 'OPTIONAL', 'REALLOCATE', 'REMOVE', 'RENAME', 'RETURN', 'REVOKE', 'ENABLE SERVER', 'SET', 'SHOW', 'SKIP', 'TERMINATE', 'UNWIND', 'USE' or 'WITH'
EOF

# Semantic errors and warnings count too.
script semantic <<'EOF'
MATCH (n) RETURN m AS v;
MATCH (n) RETURN id(n) AS i;
EOF
expect semantic 1 <<'EOF'
semantic.cypher:1:18: error: Variable `m` not defined
semantic.cypher:2:18: warning: The query used a deprecated function. ('id' has been replaced by 'elementId or consider using an application-generated id')
EOF

script open-comment <<'EOF'
RETURN 1 AS v;
/* open comment
RETURN 2 AS w;
EOF
expect open-comment 1 <<'EOF'
open-comment.cypher:2:1: error: unterminated comment
EOF

script statement-ends <<'EOF'
RETURN 1 AS v;;
RETURN 2 AS w
EOF
expect statement-ends 1 <<'EOF'
statement-ends.cypher:1:15: error: empty statement
statement-ends.cypher:2:1: error: statement does not end (missing ';')
EOF

printf "RETURN 'caf\351' AS v;\n" | script latin1
expect latin1 1 <<'EOF'
latin1.cypher:1:1: error: not valid UTF-8
EOF

printf 'cypher-lint-selftest: %d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
