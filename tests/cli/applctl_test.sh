# applctl_test.sh - ApplicationControlled On: a server that speaks SMTP in
# cleartext until STARTTLS and then asks for TLS itself
# (attls_ioctl TTLS_INIT_CONNECTION), against openssl s_client -starttls
# smtp; and a control request on a connection whose rule does not say
# ApplicationControlled is refused.
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"
set -u
T=$ATTLS_TMP
export ATTLS_SOCKET="$T/attlsd.sock"

make_pki "$T"
cat > "$T/policy" <<POLICY
TTLSRule SmtpRule
{
  LocalPortRange 1024-65535
  Jobname SMTPD
  Direction Inbound
  TTLSGroupActionRef grp
  TTLSEnvironmentActionRef env
}
TTLSGroupAction grp
{
  TTLSEnabled On
  Trace 15
}
TTLSEnvironmentAction env
{
  HandshakeRole Server
  TTLSKeyringParms
  {
    Keyring $T/server-ring.pem
  }
  TTLSEnvironmentAdvancedParms
  {
    ApplicationControlled On
  }
}
POLICY
daemon=
srv=
trap 'st=$?; kill $daemon $srv 2>/dev/null || :; wait 2>/dev/null || :; exit $st' EXIT
start_attlsd "$T/policy" "$T/attlsd.log"

attls run -j SMTPD -- attls-starttls "$T/port" > "$T/server.out" 2>&1 &
srv=$!
i=0
until [ -s "$T/port" ]; do i=$((i + 1)); [ $i -gt 200 ] && break; sleep 0.05; done
port=$(cat "$T/port")
printf 'hello secure world\n' | timeout 30 openssl s_client -connect "127.0.0.1:$port" -starttls smtp \
	-CAfile "$T/ca.pem" -verify_return_error -quiet > "$T/client.out" 2>&1
wait $srv
srv=
cp "$T/server.out" "$out"
expect_out "cleartext phase: policy APPLCNTRL, not secure" "^before: policy=5 conn=1 .*rule=SmtpRule"
expect_out "TTLS_INIT_CONNECTION succeeded" "^init: policy=5 conn=3 prot=0303"
expect_out "secure afterwards on the same socket" "^after: policy=5 conn=3 prot=0303 cipher=[0-9A-F]{4} rule=SmtpRule"
expect_out "the line came through TLS" "^secure line: hello secure world$"
expect_out "TTLS_RESET_SESSION done" "^reset-session: policy=5 conn=3"
expect_out "TTLS_RESET_CIPHER needs TLS 1.3 (no renegotiation)" "^reset-cipher: error Protocol error"
expect_out "a second TTLS_INIT_CONNECTION" "^init-again: error Operation already in progress"
cp "$T/client.out" "$out"
expect_out "the client got the answer over TLS" "250 got: hello secure world"
cp "$T/attlsd.log" "$out"
expect_out "EZD1281I says Appl Control" "EZD1281I .*JOBNAME: SMTPD .*STATUS: Appl Control RULE: SmtpRule"
expect_out "EZD1283I handshake" "EZD1283I .*RC: 0 Initial Handshake .* TLSV1.2"

# With TLS 1.3 on, TTLS_RESET_CIPHER is a KeyUpdate, and the connection
# carries on under the new keys.
sed 's/    ApplicationControlled On/    ApplicationControlled On\n    TLSv1.3 On/' "$T/policy" \
	> "$T/policy13"
cp "$T/policy" "$T/policy12"
cp "$T/policy13" "$T/policy"
expect_ok "refresh to TLS 1.3" attls refresh
rm -f "$T/port"
attls run -j SMTPD -- attls-starttls "$T/port" > "$T/server13.out" 2>&1 &
srv=$!
i=0
until [ -s "$T/port" ]; do i=$((i + 1)); [ $i -gt 200 ] && break; sleep 0.05; done
port=$(cat "$T/port")
printf 'after the key update\n' | timeout 30 openssl s_client -connect "127.0.0.1:$port" \
	-starttls smtp -CAfile "$T/ca.pem" -verify_return_error -quiet > "$T/client13.out" 2>&1
wait $srv
srv=
cp "$T/server13.out" "$out"
expect_out "TLS 1.3 negotiated" "^init: policy=5 conn=3 prot=0304"
expect_out "KeyUpdate accepted" "^reset-cipher: policy=5 conn=3 prot=0304"
expect_out "data flows after the KeyUpdate" "^secure line: after the key update$"
cp "$T/client13.out" "$out"
expect_out "the client got the answer after the KeyUpdate" "250 got: after the key update"
cp "$T/policy12" "$T/policy"

# Both ends transparent and in charge: the client asks for TLS after its
# STARTTLS too, and both end TLS (TTLS_STOP_CONNECTION) and go on in
# cleartext on the same sockets.
cp "$T/ca.pem" "$T/client-ring.pem"
cat "$T/policy12" - > "$T/policy" <<POLICY
TTLSRule SmtpClientRule
{
  RemotePortRange 1024-65535
  Jobname SMTPC
  Direction Outbound
  TTLSGroupActionRef grp
  TTLSEnvironmentActionRef cenv
}
TTLSEnvironmentAction cenv
{
  HandshakeRole Client
  TTLSKeyringParms
  {
    Keyring $T/client-ring.pem
  }
  TTLSEnvironmentAdvancedParms
  {
    ApplicationControlled On
  }
}
POLICY
expect_ok "refresh with a client rule" attls refresh
rm -f "$T/port"
attls run -j SMTPD -- attls-starttls "$T/port" stop > "$T/server-stop.out" 2>&1 &
srv=$!
i=0
until [ -s "$T/port" ]; do i=$((i + 1)); [ $i -gt 200 ] && break; sleep 0.05; done
port=$(cat "$T/port")
expect_ok "client asks for TLS, then stops it" timeout 60 attls run -j SMTPC -- attls-starttls -c "$port"
expect_out "client INIT" "^client-init: policy=5 conn=3 prot=0303"
expect_out "client secure reply" "^client secure reply: 250 got: secret over tls"
expect_out "client STOP: back to cleartext" "^client-stop: policy=5 conn=1"
expect_out "cleartext after STOP" "^client clear reply: 221 cleartext bye"
wait $srv
srv=
cp "$T/server-stop.out" "$out"
expect_out "server got the secure line" "^secure line: secret over tls$"
expect_out "server STOP" "^stop: policy=5 conn=1"
expect_out "server got the cleartext line" "^clear line: QUIT in cleartext$"
cp "$T/attlsd.log" "$out"
expect_out "EZD1283I Connection Stop" "EZD1283I .*RC: 0 Connection Stop"
cp "$T/policy12" "$T/policy"
expect_ok "refresh back" attls refresh

# The same program under a rule without ApplicationControlled: it is
# protected from accept() on, and its TTLS_INIT_CONNECTION is refused.
sed 's/    ApplicationControlled On/    ApplicationControlled Off/' "$T/policy" > "$T/policy2"
cp "$T/policy2" "$T/policy"
expect_ok "refresh" attls refresh
rm -f "$T/port"
attls run -j SMTPD -- attls-starttls "$T/port" > "$T/server2.out" 2>&1 &
srv=$!
i=0
until [ -s "$T/port" ]; do i=$((i + 1)); [ $i -gt 200 ] && break; sleep 0.05; done
port=$(cat "$T/port")
# TLS from the first byte; the program then asks for TLS and is refused.
printf 'EHLO client\r\nSTARTTLS\r\n' | timeout 30 openssl s_client -connect "127.0.0.1:$port" \
	-CAfile "$T/ca.pem" -quiet > /dev/null 2>&1 || :
wait $srv 2>/dev/null || :
srv=
cp "$T/server2.out" "$out"
expect_out "policy ENABLED, TLS from the start (handshake running or done)" "^before: policy=4 conn=[23]"
expect_out "INIT refused without ApplicationControlled" "^init: error Permission denied"
finish
