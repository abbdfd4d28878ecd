# policy_fidelity_test.sh - policies as z/OS shops write them are accepted
# and installed as z/OS installs them: `attls policy check` accepts the
# fixtures in tests/fixtures/policies with exactly the warnings each form
# deserves, `attls policy show` prints what a z/OS 3.1 pasearch shows for
# the same text (an inline block replacing a Ref whole, a bare number read
# as an IPv4 address, an unreadable cipher line ignored), a one-line
# keyring block parses, an Envfile's GSK_* variables are applied, and an
# empty CertificateLabel really presents no certificate on the wire.
set -u
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"

T=$ATTLS_TMP
fx="$ATTLS_SOURCE_DIR/tests/fixtures/policies"
export ATTLS_SOCKET="$T/attlsd.sock" ATTLS_SAFDB="$T/saf.db"
unset ATTLS_REQUIRE ATTLS_JOBNAME || :

# warnings N: the last command printed exactly N warnings.
warnings() {
	n=$(grep -c ': warning: ' "$out" || :)
	[ "$n" -eq "$1" ] && ok || bad "wanted $1 warnings, got $n"
}

# ---- the PAGENTTN-style client policy --------------------------------------
p="$fx/colinpaice-client.policy"
expect_ok "hand-edited policy checks" attls policy check "$p"
expect_out "summary" '^policy OK: 2 rules, 5 warnings$'
warnings 5
expect_out "a bare number is an address, said so" \
	"colinpaice-client\.policy:7:14: warning: RemoteAddr: '6793' is read as the IPv4 address 0\.0\.26\.137, as z/OS reads it"
expect_out "the inline block replaces the Ref, said so" \
	"colinpaice-client\.policy:33:3: warning: TTLSEnvironmentAdvancedParmsRef eAdvAZF is not used: the TTLSEnvironmentAdvancedParms block on line 34 replaces it whole"
expect_out "the truncated cipher line is ignored, said so" \
	"colinpaice-client\.policy:60:33: warning: V3CipherSuites4Char: 'C02' is not a whole number of 4-digit hexadecimal ids; this line is ignored"
expect_out "the rule relying on protocol defaults is named" \
	"warning: TTLSRule AZFMutAuthRule relies on the default protocol versions: attls turns only TLSv1\.2 on, where z/OS 3\.1 turns TLSv1 and TLSv1\.1 on"
expect_out "the client without a host name check" \
	"warning: TTLSRule AZFClientRule: the client checks that the server's certificate comes from a CA"

expect_ok "show it" attls policy show "$p"
sed -n '/^TTLSRule: AZFClientRule$/,/^TTLSRule: /p' "$out" > "$T/client.show"
cp "$T/client.show" "$out"
# What the z/OS 3.1 pasearch of this layout shows for the client rule.
expect_out "remote address as z/OS installs it" '^  RemoteAddr: 0\.0\.26\.137$'
expect_out "inline protocols, not the Ref's TLSv1.3" '^  Protocols: TLSv1\.2$'
expect_out "the Ref's HandshakeTimeout does not apply" '^  HandshakeTimeout: 10$'
expect_out "the Ref's ApplicationControlled does not apply" '^  ApplicationControlled: Off$'
expect_out "the key ring of the one-line block" '^  Keyring: start1/TN3270$'
expect_out "the connection's label" '^  CertificateLabel: RSA2048$'
tr '\n' ' ' < "$T/client.show" > "$out"
expect_out "the cipher list without the ignored line" \
	'CipherSuites: +C023 [A-Z0-9_]+ +C024 [A-Z0-9_]+ +C027 [A-Z0-9_]+ +C028 [A-Z0-9_]+ +C02B [A-Z0-9_]+ +C02C [A-Z0-9_]+ +C02F [A-Z0-9_]+ +V2CipherSuites'
expect_no_out "C030 came only from the ignored line" 'C030'

# ---- the Zowe single-service policy ------------------------------------------
p="$fx/zowe-gateway.policy"
expect_ok "Zowe policy checks" attls policy check "$p"
expect_out "summary" '^policy OK: 2 rules, 1 warning$'
warnings 1
expect_out "only the protocol default is warned about" \
	"zowe-gateway\.policy:5:10: warning: TTLSRule ZoweServerRule relies on the default protocol versions"
expect_ok "show it" attls policy show "$p"
expect_out "the empty label: no certificate" \
	"^  CertificateLabel: \(empty: no certificate, not the ring's default\)$"
expect_out "the server's label with a blank" '^  ServerCertificateLabel: Zowe Server$'

# ---- the IBM-sample-style server with an Envfile -------------------------------
sed "s|@FIXTURES@|$fx|" "$fx/ibm-ftp-server.policy" > "$T/ibm.policy"
expect_ok "IBM-style policy checks" attls policy check "$T/ibm.policy"
expect_out "summary" '^policy OK: 1 rules, 1 warning$'
warnings 1
expect_out "the variable without an equivalent, at its file and line" \
	"gsk-ftp\.env:5:1: warning: GSK_PROTOCOL_TLSV1 has no TTLSGskAdvancedParms equivalent here; the variable is ignored"
expect_ok "show it" attls policy show "$T/ibm.policy"
expect_out "the file's session timeout applies" '^  GSK_V3_SESSION_TIMEOUT: 3600$'
expect_out "the file turns server tickets off" '^  GSK_SESSION_TICKET_SERVER_ENABLE: Off$'
expect_out "the environment's own value beats the file's" '^  GSK_V3_SIDCACHE_SIZE: 2048$'
expect_no_out "the file's cache size is replaced" 'GSK_V3_SIDCACHE_SIZE: 1024'
rm -f "$T/missing.env"
sed "s|@FIXTURES@/gsk-ftp.env|$T/missing.env|" "$fx/ibm-ftp-server.policy" > "$T/ibm2.policy"
expect_fail "an Envfile that cannot be read refuses the policy" 1 attls policy check "$T/ibm2.policy"
expect_out "and says which" "ibm2\.policy:28:35: error: Envfile .*/missing\.env cannot be opened"

# ---- a one-line block inside a one-line action ----------------------------------
cat > "$T/oneline.policy" <<'P'
TTLSGroupAction g { TTLSEnabled On }
TTLSEnvironmentAction e { HandshakeRole Server TTLSKeyringParms { Keyring r } }
TTLSRule r
{
  LocalPortRange 443
  Direction Inbound
  TTLSGroupActionRef g
  TTLSEnvironmentActionRef e
}
P
expect_ok "one-line keyring block" attls policy show "$T/oneline.policy"
expect_out "the ring is r, not 'r }'" '^  Keyring: r$'

# ---- an empty CertificateLabel on the wire ---------------------------------------
make_pki "$T"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/cli.key" \
	-out "$T/cli.csr" -subj "/CN=fidelity client" 2>/dev/null
openssl x509 -req -in "$T/cli.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial \
	-out "$T/cli.crt" -days 2 2>/dev/null
cat "$T/cli.crt" "$T/cli.key" "$T/ca.pem" > "$T/client-ring.pem"

# A server that asks for a client certificate and reports whether it got one.
openssl s_server -accept 0 -cert "$T/srv.crt" -key "$T/srv.key" -CAfile "$T/ca.pem" \
	-verify 1 -www > "$T/s_server.out" 2>&1 &
srv=$!
daemon=
trap 'st=$?; kill $srv $daemon 2>/dev/null || :; wait 2>/dev/null || :; exit $st' EXIT
i=0
until grep -q ACCEPT "$T/s_server.out"; do i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.05; done
port=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$T/s_server.out")

# client NAME JOB LABEL-LINE: an outbound rule for job JOB to the server.
client() {
	cat <<POLICY
TTLSRule $1
{
  RemoteAddr 127.0.0.1
  RemotePortRange $port
  Jobname $2
  Direction Outbound
  TTLSGroupActionRef grp
  TTLSEnvironmentActionRef $1Env
}
TTLSEnvironmentAction $1Env
{
  HandshakeRole Client
  TTLSKeyringParms { Keyring $T/client-ring.pem }
  TTLSEnvironmentAdvancedParms
  {
    HostReferenceIdDNS localhost
    TLSv1 Off
    TLSv1.1 Off
    TLSv1.2 On
$3
  }
}
POLICY
}
{
	client NoCert NOCERT '    CertificateLabel'
	client DefCert DEFCERT ''
	printf 'TTLSGroupAction grp\n{\n  TTLSEnabled On\n}\n'
} > "$T/wire.policy"
expect_ok "policy with an empty label checks" attls policy check "$T/wire.policy"
expect_out "no warning" '^policy OK: 2 rules$'
start_attlsd "$T/wire.policy" "$T/attlsd.log"

expect_ok "empty label: the request goes through" \
	attls run -j NOCERT -- curl -sS --max-time 20 "http://127.0.0.1:$port/"
expect_out "the server got no client certificate" 'no client certificate available'
expect_no_out "and not the ring's default" 'fidelity client'
expect_ok "no label: the request goes through" \
	attls run -j DEFCERT -- curl -sS --max-time 20 "http://127.0.0.1:$port/"
expect_out "the ring's default certificate is presented" 'Subject: CN ?= ?fidelity client'
finish
