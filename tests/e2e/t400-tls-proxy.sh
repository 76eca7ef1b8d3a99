# HTTPS with a private CA (AWS_CA_BUNDLE, or ca_bundle in the profile), certificate checks that
# fail closed, and the usual proxy variables (https_proxy through CONNECT, http_proxy).
. tests/e2e/lib.sh

# A CA and a certificate for 127.0.0.1 signed by it.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=ltsnap test CA" \
    -keyout "$T/ca.key" -out "$T/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$T/server.key" \
    -out "$T/server.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >"$T/san.ext"
openssl x509 -req -in "$T/server.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial \
    -days 2 -extfile "$T/san.ext" -out "$T/server.pem" 2>/dev/null
check "test certificates made" test -s "$T/server.pem"

use_main_keys
export SOURCE_DATE_EPOCH=1764374400 AWS_MAX_ATTEMPTS=1
start_fake fixtures/fake/e2e.json --tls-cert "$T/server.pem" --tls-key "$T/server.key"
https_url="https://127.0.0.1${FAKE_URL#http://127.0.0.1}"
AWS_CA_BUNDLE="$T/ca.pem" expect_status 0 fetch --endpoint-url "$https_url" --region us-east-1 \
    --out "$T/snap"
same_tree "over HTTPS: the expected snapshot" tests/e2e/expected/fetch-us-east-1 "$T/snap"
# Without the CA the certificate is not trusted: exit 1, said plainly, nothing written.
expect_status 1 fetch --endpoint-url "$https_url" --region us-east-1 --out "$T/untrusted"
check "the certificate problem is named" grep -qi "certificate" "$T/stderr"
check "nothing written" test ! -e "$T/untrusted"
# ca_bundle in the profile works like AWS_CA_BUNDLE.
printf '[default]\nca_bundle = %s\n' "$T/ca.pem" >"$AWS_CONFIG_FILE"
expect_status 0 fetch --endpoint-url "$https_url" --region us-east-1 --out "$T/profile"
same_tree "ca_bundle from the profile" tests/e2e/expected/fetch-us-east-1 "$T/profile"

# https_proxy: every request goes through the proxy's CONNECT tunnel.
"$PY" tests/e2e/proxy.py --port-file "$T/proxy-port" --log "$T/proxy.log" --watch-pid $$ &
proxy=$!
while [ ! -s "$T/proxy-port" ]; do sleep 0.1; done
proxy_url="http://127.0.0.1:$(cat "$T/proxy-port")"
https_proxy=$proxy_url expect_status 0 fetch --endpoint-url "$https_url" --region us-east-1 \
    --out "$T/proxied"
same_tree "through https_proxy" tests/e2e/expected/fetch-us-east-1 "$T/proxied"
check "the proxy tunnelled the requests" grep -q "^CONNECT 127.0.0.1:" "$T/proxy.log"
stop_fake
: >"$AWS_CONFIG_FILE"
# http_proxy for a plain-http endpoint: requests are forwarded by URL.
start_fake fixtures/fake/e2e.json
: >"$T/proxy.log"
http_proxy=$proxy_url expect_status 0 fetch --endpoint-url "$FAKE_URL" --region us-east-1 \
    --out "$T/http-proxied"
same_tree "through http_proxy" tests/e2e/expected/fetch-us-east-1 "$T/http-proxied"
check "the proxy forwarded the requests" grep -q "^POST $FAKE_URL/" "$T/proxy.log"
kill "$proxy" 2>/dev/null
wait "$proxy" 2>/dev/null
done_testing
