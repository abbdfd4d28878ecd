# daemon_test.sh - attlsd end to end with real TLS peers (openssl s_client
# and s_server) and a plain program that asks attlsd for a decision the way
# the shim does (attls-testpeer): inbound server role with TLS 1.2 only,
# an older client refused, another job name left in cleartext, outbound
# client role, status, refresh with a bad policy refused.
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"
set -u
T=$ATTLS_TMP
export ATTLS_SOCKET="$T/attlsd.sock"

# A CA, and a server certificate it signs, made here for this run only.
make_pki "$T"
cp "$T/ca.pem" "$T/client-ring.pem"

write_policy() {
	cat > "$T/policy" <<POLICY
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
  Jobname CLIENT1
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
    Keyring $T/server-ring.pem
  }
  TTLSEnvironmentAdvancedParms
  {
    TLSv1.1 Off
    TLSv1.2 On
    TLSv1.3 Off
    HandshakeTimeout 2
  }
}
TTLSEnvironmentAction cltenv
{
  HandshakeRole Client
  TTLSKeyringParms
  {
    Keyring $T/client-ring.pem
  }
  TTLSEnvironmentAdvancedParms
  {
    HostReferenceIdDNS localhost
  }
}
POLICY
}
write_policy

daemon=
trap 'st=$?; kill $daemon 2>/dev/null || :; wait 2>/dev/null || :; exit $st' EXIT
start_attlsd "$T/policy" "$T/attlsd.log"
ok

wait_port() {
	i=0
	while [ ! -s "$1" ]; do
		i=$((i + 1)); [ $i -gt 100 ] && return 1
		sleep 0.05
	done
	cat "$1"
}

# 1. Inbound, server role, TLS 1.2 only: a TLS client talks to a plain program.
printf 'reply from the plain server\n' > "$T/reply"
rm -f "$T/port"
attls-testpeer -j SERVER1 -l accept "$T/port" < "$T/reply" > "$T/server.out" 2> "$T/server.err" &
peer=$!
port=$(wait_port "$T/port")
(printf 'hello over TLS\n'; sleep 2) | openssl s_client -connect "127.0.0.1:$port" \
	-CAfile "$T/ca.pem" -verify_return_error -brief -no_ign_eof > "$T/client.out" 2>&1
wait $peer
cp "$T/server.err" "$out"; expect_out "inbound verdict" "verdict: PROTECTED ServerRule"
cp "$T/server.out" "$out"; expect_out "plain bytes reached the server" "^hello over TLS$"
cp "$T/client.out" "$out"; expect_out "reply reached the TLS client" "reply from the plain server"
expect_out "TLS 1.2 negotiated" "Protocol version: TLSv1.2"
expect_out "server certificate verified" "Verification: OK"
cp "$T/attlsd.log" "$out"
# Which record path connections take is said once, at start.
expect_out "kernel TLS availability logged" "attlsd: kernel TLS: (available|not available \(.+\)); "
expect_out "EZD1281I map line" "EZD1281I TTLS Map CONNID: [0-9A-F]{8} LOCAL: 127.0.0.1..$port REMOTE: 127.0.0.1..[0-9]+ JOBNAME: SERVER1 USERID: \\?$(id -u) TYPE: InBound STATUS: Enabled RULE: ServerRule ACTIONS: grp srvenv \*\*N/A\*\*"
expect_out "EZD1283I handshake line" "EZD1283I TTLS Event GRPID: 00000001 ENVID: [0-9A-F]{8} CONNID: [0-9A-F]{8} RC: 0 Initial Handshake .* TLSV1.2 [0-9A-F]{4}"

# 2. A TLS 1.1 client is refused; the log says why (no protocol agreed).
rm -f "$T/port"
attls-testpeer -j SERVER1 accept "$T/port" < /dev/null > "$T/server.out" 2> "$T/server.err" &
peer=$!
port=$(wait_port "$T/port")
expect_fail "TLS 1.1 client fails" 1 sh -c "printf 'x\n' | openssl s_client -connect 127.0.0.1:$port \
	-tls1_1 -cipher DEFAULT@SECLEVEL=0 -brief -no_ign_eof"
wait $peer
cp "$T/attlsd.log" "$out"
expect_out "EZD1286I for the refused client" "EZD1286I TTLS Error .* JOBNAME: SERVER1 .* RULE: ServerRule RC: 402 Initial Handshake"

# 3. Another job name: no rule, the program stays plain, a TLS client fails.
rm -f "$T/port"
attls-testpeer -j OTHERJOB accept "$T/port" < /dev/null > "$T/server.out" 2> "$T/server.err" &
peer=$!
port=$(wait_port "$T/port")
expect_fail "TLS client against a plain program" 1 sh -c "printf 'x\n' | openssl s_client \
	-connect 127.0.0.1:$port -brief -no_ign_eof"
wait $peer
cp "$T/server.err" "$out"; expect_out "no rule for another job" "verdict: CLEAR"

# 3b. A peer that connects and never starts its handshake is dropped after
# HandshakeTimeout (2 s here) with return code 5004; the program sees EOF.
rm -f "$T/port"
attls-testpeer -j SERVER1 accept "$T/port" < /dev/null > "$T/server.out" 2> "$T/server.err" &
peer=$!
port=$(wait_port "$T/port")
python3 -c "import socket,time; s=socket.create_connection(('127.0.0.1', $port)); time.sleep(4)" &
silent=$!
i=0
until grep -q "RC: 5004" "$T/attlsd.log"; do i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.1; done
cp "$T/attlsd.log" "$out"
expect_out "handshake timeout logged" "EZD1286I TTLS Error .* JOBNAME: SERVER1 .* RULE: ServerRule RC: 5004 Initial Handshake"
wait $peer
kill $silent 2>/dev/null || :
wait $silent 2>/dev/null || :

# 4. Outbound, client role: a plain program reaches a TLS server.
openssl s_server -accept 0 -cert "$T/srv.crt" -key "$T/srv.key" -www -naccept 1 \
	> "$T/s_server.out" 2>&1 &
srv=$!
i=0
until grep -q ACCEPT "$T/s_server.out"; do i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.05; done
sport=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$T/s_server.out")
printf 'GET / HTTP/1.0\r\n\r\n' | attls-testpeer -j CLIENT1 connect "$sport" \
	> "$T/www.out" 2> "$T/www.err"
wait $srv
cp "$T/www.err" "$out"; expect_out "outbound verdict" "verdict: PROTECTED ClientRule"
cp "$T/www.out" "$out"; expect_out "plain client got the TLS server's page over TLS 1.2 (the default)" "TLSv1.2"
expect_out "s_server answered" "s_server"

# 5. status lists the installed generation.
expect_ok "attls status" attls status
expect_out "status generation" "policy generation: 1, rules: 2"

# 6. A policy with an error is refused and the old one stays.
printf 'TTLSRule broken\n{\n  Direction Sideways\n}\n' > "$T/policy"
expect_fail "refresh with a bad policy" 1 attls refresh
expect_out "refresh says refused" "policy refused"
expect_ok "status after refused refresh" attls status
expect_out "generation unchanged" "policy generation: 1, rules: 2"
write_policy
expect_ok "refresh with a good policy" attls refresh
expect_out "new generation" "policy generation 2 installed: 2 rules"
cp "$T/attlsd.log" "$out"; expect_out "EZZ8438I diagnostics" "EZZ8438I .*policy:3:"

kill $daemon
wait $daemon 2>/dev/null
[ -e "$ATTLS_SOCKET" ] && bad "socket left behind" || ok
finish
