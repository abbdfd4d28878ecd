# shim_daemon_test.sh - libattls.so with the real attlsd: unmodified
# programs (curl, the shim test client, the attls-query example) reach a
# TLS server (openssl s_server) and serve a TLS client (openssl s_client)
# while speaking plain TCP themselves.
set -u
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"

B=$ATTLS_BIN/../..
T=$B/tests/unit/shim
D=$ATTLS_TMP
ATTLSD=$B/src/daemon/attlsd
QUERY=$B/src/shim/attls-query
export ATTLS_SOCKET="$D/attlsd.sock"
unset ATTLS_REQUIRE ATTLS_JOBNAME || true

if [ ! -x "$ATTLSD" ]; then
	echo "attlsd is not built at $ATTLSD"
	exit 1
fi
san=0
if nm -D "$B/src/shim/libattls.so" 2>/dev/null | grep -q __asan_init; then
	san=1
fi

make_pki "$D"
cp "$D/ca.pem" "$D/client-ring.pem"
cat > "$D/policy" <<POLICY
TTLSRule ServerRule
{
  LocalPortRange 1024-65535
  Jobname SERVER1
  Direction Inbound
  Priority 100
  TTLSGroupActionRef grp
  TTLSEnvironmentActionRef srvenv
}
TTLSRule ClientRule
{
  RemotePortRange 1024-65535
  Jobname CLIENT*
  Direction Outbound
  Priority 90
  TTLSGroupActionRef grp
  TTLSEnvironmentActionRef cltenv
}
TTLSGroupAction grp
{
  TTLSEnabled On
  Trace 15
}
TTLSEnvironmentAction srvenv
{
  HandshakeRole Server
  TTLSKeyringParms
  {
    Keyring $D/server-ring.pem
  }
}
TTLSEnvironmentAction cltenv
{
  HandshakeRole Client
  TTLSKeyringParms
  {
    Keyring $D/client-ring.pem
  }
  TTLSEnvironmentAdvancedParms
  {
    HostReferenceIdDNS localhost
  }
}
POLICY

daemon=
srv=
trap 'st=$?; kill $daemon $srv 2>/dev/null || :; wait 2>/dev/null || :; exit $st' EXIT
start_attlsd "$D/policy" "$D/attlsd.log"

# Outbound: plain programs with jobname CLIENT* reach a TLS server.
conns=4
[ $san -eq 0 ] && conns=5
openssl s_server -accept 0 -cert "$D/srv.crt" -key "$D/srv.key" -www -naccept $conns \
	> "$D/s_server.out" 2>&1 &
srv=$!
i=0
until grep -q ACCEPT "$D/s_server.out"; do i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.05; done
sport=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$D/s_server.out")
get=$(printf 'GET / HTTP/1.0\r\n\r\n')

expect_ok "attls-query" timeout 20 attls run -j CLIENT1 -- "$QUERY" 127.0.0.1 "$sport"
expect_out "policy enabled" '^policy: +TTLS_POL_ENABLED$'
expect_out "connection secure" '^connection: +TTLS_CONN_SECURE$'
expect_out "rule named" '^rule: +ClientRule$'
expect_out "TLS 1.2 or 1.3" '^protocol: +3\.[34]$'
expect_out "a cipher" '^cipher: +[0-9A-F]{4}$'
expect_out "server certificate returned" 'printable names:.*"localhost"'

expect_ok "blocking connect" timeout 20 attls run -j CLIENT2 -- "$T/shim-client" connect "$sport" "$get"
expect_out "s_server page over TLS" 's_server'
expect_ok "non-blocking connect" timeout 20 attls run -j CLIENT3 -- \
	"$T/shim-client" connect --nonblock "$sport" "$get"
expect_out "non-blocking: page over TLS" 's_server'
expect_ok "exec'd child asks attlsd for the addresses" timeout 20 \
	attls run -j CLIENT4 -- "$T/shim-client" exec "$sport" "$get"
expect_out "exec: page over TLS" 's_server'
if [ $san -eq 0 ]; then
	expect_ok "curl" timeout 20 attls run -j CLIENT5 -- curl -sS "http://127.0.0.1:$sport/"
	expect_out "curl: page over TLS" 's_server'
else
	# Only in a sanitizer build (make check runs this test in the gcc build).
	echo "not run here: curl under a sanitizer-built shim (curl has no sanitizer runtime)"
fi
wait $srv 2>/dev/null
srv=

# Inbound: a plain server with jobname SERVER1 answers a TLS client.
rm -f "$D/port"
attls run -j SERVER1 -- "$T/shim-client" http "$D/port" > "$D/http.out" 2>&1 &
srv=$!
i=0; while [ ! -s "$D/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
port=$(cat "$D/port")
(printf 'GET / HTTP/1.0\r\n\r\n'; sleep 1) | timeout 20 openssl s_client \
	-connect "127.0.0.1:$port" -CAfile "$D/ca.pem" -verify_return_error -brief \
	> "$out" 2>&1
expect_out "TLS client got the plain server's reply" '^hello$'
expect_out "certificate verified" 'Verification: OK'
wait $srv 2>/dev/null && ok || bad "inbound server failed"
srv=

# Another jobname: no rule, cleartext both ways.
rm -f "$D/port"
attls run -j OTHER -- "$T/shim-client" serve "$D/port" 1 > "$D/serve.out" 2>&1 &
srv=$!
i=0; while [ ! -s "$D/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
expect_ok "no rule: cleartext" timeout 20 attls run -j OTHER -- "$T/shim-client" connect "$(cat "$D/port")" plain
expect_out "cleartext echo" '^echo:plain$'
wait $srv 2>/dev/null && ok || { cp "$D/serve.out" "$out"; bad "cleartext server failed"; }
srv=

cp "$D/attlsd.log" "$out"
expect_out "EZD1281I for the shim's connections" 'EZD1281I TTLS Map .* JOBNAME: CLIENT1 .* RULE: ClientRule'
expect_no_out "no malformed requests" 'malformed request'
finish
