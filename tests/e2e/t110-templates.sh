# --templates DIR (and LTSNAP_TEMPLATES) point at another set of Cypher templates: the
# program holds no Cypher of its own. A template with an unknown placeholder is refused.
. tests/e2e/lib.sh

X=fixtures/ec2-xml/basic
args="--account-id 123456789012 --region us-east-1 $X/describe-launch-templates-1.xml $X/describe-launch-template-versions-1.xml"
cp -r templates "$T/mine"
printf '// my own header\n:param {update_tag: 42}\n' >"$T/mine/header.cypher"
# shellcheck disable=SC2086
expect_status 0 convert $args --templates "$T/mine" --out "$T/snap"
check "--templates: the custom header is used" grep -qx ':param {update_tag: 42}' "$T/snap/snapshot.cypher"
# shellcheck disable=SC2086
LTSNAP_TEMPLATES="$T/mine" expect_status 0 convert $args --out "$T/env"
same_file "LTSNAP_TEMPLATES works like --templates" "$T/snap/snapshot.cypher" "$T/env/snapshot.cypher"
printf 'UNWIND {{rowz}} AS row MERGE (n:AWSTag {id: row.id});\n' >"$T/mine/nodes-aws-tag.cypher"
# shellcheck disable=SC2086
expect_status 1 convert $args --templates "$T/mine" --out "$T/bad"
stderr_is "an unknown placeholder is named with its file and line" \
    "ltsnap: error: 'nodes-aws-tag.cypher' line 1: unknown placeholder {{rowz}}"
check "nothing written" test ! -e "$T/bad"
# The copied set is raw templates (placeholders are not Cypher): keep it out of the Cypher lint.
rm -rf "$T/mine"
done_testing
