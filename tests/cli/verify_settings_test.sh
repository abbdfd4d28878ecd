# verify_settings_test.sh - the peer-verification settings are applied, as
# an attacker would try them: a plain client under `attls run` behind an
# outbound Client rule reaches openssl s_server peers whose certificates
# are chosen to fail exactly one setting (a name that is not the reference
# id, a key smaller than the minimum, a wildcard, a CA certificate that
# breaks RFC 5280's profile), and a TLS client that sends no server name
# reaches a server whose rule says ServerHandshakeSNI Required.  Each
# refused handshake must end before any byte reaches the program, and each
# rule also has a positive twin, so a test that refuses everything fails.
set -u
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"

B=$ATTLS_BIN/../..
SC=$B/tests/unit/shim/shim-client
T=$ATTLS_TMP
export ATTLS_SOCKET="$T/attlsd.sock"
unset ATTLS_REQUIRE ATTLS_JOBNAME || :

if ! command -v attls-stress >/dev/null 2>&1; then
	echo "FAIL: attls-stress is not built (tests/tools)"
	exit 1
fi

make_pki "$T"
# leaf NAME SUBJECT_CN SAN KEYARGS [CA]: a certificate T/NAME.crt and key
# T/NAME.key signed by CA (default: the test CA).
leaf() {
	ca=${5:-ca}
	openssl req -newkey $4 -nodes -keyout "$T/$1.key" -out "$T/$1.csr" \
		-subj "/CN=$2" 2>/dev/null
	printf 'subjectAltName=%s\nkeyUsage=digitalSignature,keyEncipherment\n' "$3" > "$T/$1.ext"
	openssl x509 -req -in "$T/$1.csr" -CA "$T/$ca.pem" -CAkey "$T/$ca.key" \
		-CAcreateserial -out "$T/$1.crt" -days 2 -extfile "$T/$1.ext" 2>/dev/null
}
ec='ec -pkeyopt ec_paramgen_curve:P-256'
# CN localhost, but the only DNS name is another host's.
leaf cnonly localhost DNS:other.example "$ec"
leaf rsa2048 localhost DNS:localhost rsa:2048
leaf wild '*.example.test' 'DNS:*.example.test' "$ec"
# A CA certificate without keyUsage: valid for OpenSSL's default checks,
# not under RFC 5280 (section 4.2.1.3: a CA certificate MUST have it).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$T/laxca.key" -out "$T/laxca.pem" -subj "/CN=lax CA" -days 2 \
	-addext "basicConstraints=critical,CA:TRUE" 2>/dev/null
leaf lax localhost DNS:localhost "$ec" laxca
cat "$T/ca.pem" "$T/laxca.pem" > "$T/client-ring.pem"

# client NAME JOB ADVANCED-LINES [ENV-LINES]: an outbound rule for jobname
# JOB with its own environment whose advanced parameters are ADVANCED-LINES.
rules=
client() {
	rules="$rules
TTLSRule $1
{
  RemotePortRange 1024-65535
  Jobname $2
  Direction Outbound
  Priority 100
  TTLSGroupActionRef grp
  TTLSEnvironmentActionRef $1Env
}
TTLSEnvironmentAction $1Env
{
  HandshakeRole Client
  TTLSKeyringParms
  {
    Keyring $T/client-ring.pem
  }
  TTLSEnvironmentAdvancedParms
  {
$3
  }
${4:-}
}"
}
client CnWrong CNWRONG '    HostReferenceIdCN wrong.example'
client CnRight CNRIGHT '    HostReferenceIdCN localhost'
client DnsNotCn DNSNOTCN '    HostReferenceIdDNS localhost'
client RsaMin4096 RSA4096 '    PeerMinRsaKeySize 4096'
client RsaMin2048 RSA2048 '    PeerMinRsaKeySize 2048'
client EccMin384 ECC384 '    PeerMinECCKeySize 384'
client WildOff WILDOFF '    HostReferenceIdDNS a.example.test'
client WildOn WILDON '    HostReferenceIdDNS a.example.test
    HostRefWildcardValidation On'
# Only DHE-RSA-AES128-GCM-SHA256 over TLS 1.2: the server's ephemeral DH
# key is what PeerMinDHKeySize holds (s_server picks 2048 bits for a
# 2048-bit RSA key).
dhe='  TTLSCipherParms
  {
    V3CipherSuites4Char 009E
  }'
client DhMin3072 DH3072 '    PeerMinDHKeySize 3072' "$dhe"
client DhMin2048 DH2048 '    PeerMinDHKeySize 2048' "$dhe"
client Strict STRICT '    CertValidationMode RFC5280'
client Lax LAX '    CertValidationMode Any'
client SniIp SNIIP '    ClientHandshakeSNI Optional
    ClientHandshakeSNIList 127.0.0.1'
client SniName SNINAME '    ClientHandshakeSNI Required
    ClientHandshakeSNIList localhost'
client RefAsSni REFSNI '    ClientHandshakeSNI Optional
    HostReferenceIdDNS localhost'
cat > "$T/policy" <<POLICY
$rules
TTLSRule SniServer
{
  LocalAddr 127.0.0.1
  LocalPortRange 1024-65535
  Jobname SNISRV
  Direction Inbound
  Priority 100
  TTLSGroupActionRef grp
  TTLSEnvironmentActionRef SniServerEnv
}
TTLSEnvironmentAction SniServerEnv
{
  HandshakeRole Server
  TTLSKeyringParms
  {
    Keyring $T/server-ring.pem
  }
  TTLSEnvironmentAdvancedParms
  {
    ServerHandshakeSNI Required
  }
}
TTLSGroupAction grp
{
  TTLSEnabled On
  Trace 15
}
POLICY
expect_ok "policy check" attls policy check "$T/policy"
expect_out "an IP address as SNI is a warning" \
	"warning: .*ClientHandshakeSNIList 127\.0\.0\.1 is an IP address"

daemon=
pids=
trap 'st=$?; kill $pids $daemon 2>/dev/null || :; wait 2>/dev/null || :; exit $st' EXIT
start_attlsd "$T/policy" "$T/attlsd.log"

# peer NAME CERT KEY [EXTRA...]: an openssl s_server for any number of
# connections; its port in $port_NAME.
peer() {
	n=$1 c=$2 k=$3
	shift 3
	openssl s_server -accept 0 -cert "$T/$c" -key "$T/$k" -www "$@" \
		> "$T/$n.out" 2>&1 &
	pids="$pids $!"
	i=0
	until grep -q ACCEPT "$T/$n.out"; do
		i=$((i + 1))
		if [ $i -gt 200 ]; then cat "$T/$n.out"; echo "FAIL: s_server $n"; exit 1; fi
		sleep 0.05
	done
	eval "port_$n=\$(sed -n 's/^ACCEPT .*:\([0-9]*\)\$/\1/p' \"\$T/\$n.out\")"
}
peer std srv.crt srv.key -servername localhost -cert2 "$T/srv.crt" -key2 "$T/srv.key" \
	-tlsextdebug
peer cnonly cnonly.crt cnonly.key
peer rsa rsa2048.crt rsa2048.key
peer wild wild.crt wild.key
peer lax lax.crt lax.key

get=$(printf 'GET / HTTP/1.0\r\n\r\n')
# reaches NAME JOB PORT: the plain client gets the s_server page over TLS.
reaches() {
	expect_ok "$1" timeout 20 attls run -j "$2" -- "$SC" connect "$3" "$get"
	expect_out "$1: the page came over TLS" 's_server'
}
# refused NAME JOB PORT: the client gets no byte of the page (the log is
# read at the end for the reason).
refused() {
	got=0
	timeout 20 attls run -j "$2" -- "$SC" connect "$3" "$get" > "$out" 2>&1 || got=$?
	if [ "$got" -ne 0 ] && ! grep -q 's_server' "$out"; then ok; else
		bad "$1: the connection was not refused (exit $got)"; fi
}

# 1. HostReferenceIdCN is compared with the subject CN, and only with it.
refused "HostReferenceIdCN wrong.example against CN=localhost" CNWRONG "$port_std"
reaches "HostReferenceIdCN localhost against CN=localhost" CNRIGHT "$port_cnonly"
refused "HostReferenceIdDNS localhost against a DNS name other.example" DNSNOTCN "$port_cnonly"

# 2. Wildcards only when HostRefWildcardValidation says On.
refused "a wildcard certificate with HostRefWildcardValidation Off (default)" WILDOFF "$port_wild"
reaches "a wildcard certificate with HostRefWildcardValidation On" WILDON "$port_wild"

# 3. Minimum key sizes of the peer's certificate.
refused "a 2048-bit RSA server against PeerMinRsaKeySize 4096" RSA4096 "$port_rsa"
reaches "a 2048-bit RSA server against PeerMinRsaKeySize 2048" RSA2048 "$port_rsa"
refused "a P-256 server against PeerMinECCKeySize 384" ECC384 "$port_std"

refused "a 2048-bit DHE key against PeerMinDHKeySize 3072" DH3072 "$port_rsa"
reaches "a 2048-bit DHE key against PeerMinDHKeySize 2048" DH2048 "$port_rsa"

# 4. CertValidationMode RFC5280 refuses what the RFC does not allow.
refused "a CA without keyUsage under CertValidationMode RFC5280" STRICT "$port_lax"
reaches "the same chain under CertValidationMode Any" LAX "$port_lax"

# 5. SNI: never an IP address; the configured name, else the reference id.
reaches "SNI list 127.0.0.1" SNIIP "$port_std"
reaches "SNI list localhost" SNINAME "$port_std"
reaches "SNI from HostReferenceIdDNS" REFSNI "$port_std"
kill $pids 2>/dev/null || :
wait $pids 2>/dev/null || :
pids=
cp "$T/std.out" "$out"
# -tlsextdebug dumps each server name extension, the name at the end.
n=$(grep -c '^0000 - 00 0c 00 00 09 .*\.localhost$' "$T/std.out")
[ "$n" -eq 2 ] && ok || bad "the server saw localhost as SNI $n times, wanted 2"
n=$(grep -c 'TLS client extension "server name"' "$T/std.out")
[ "$n" -eq 2 ] && ok || bad "the server got $n server names, wanted 2 (none for 127.0.0.1)"

# 6. ServerHandshakeSNI Required: a client that names no server is refused.
attls run -j SNISRV -- attls-stress -S "$T/sniport" > "$T/snisrv.out" 2>&1 &
pids=$!
i=0
while [ ! -s "$T/sniport" ]; do
	i=$((i + 1))
	if [ $i -gt 300 ]; then cat "$T/snisrv.out"; echo "FAIL: SNI server"; exit 1; fi
	sleep 0.1
done
sport=$(cat "$T/sniport")
printf 'x' | timeout 20 openssl s_client -connect "127.0.0.1:$sport" -noservername \
	-CAfile "$T/ca.pem" -brief > "$out" 2>&1
expect_no_out "no SNI: no handshake" 'CONNECTION ESTABLISHED'
printf 'x' | timeout 20 openssl s_client -connect "127.0.0.1:$sport" -servername localhost \
	-CAfile "$T/ca.pem" -verify_return_error -brief > "$out" 2>&1
expect_out "SNI localhost: handshake" 'CONNECTION ESTABLISHED'

cp "$T/attlsd.log" "$out"
for j in CNWRONG DNSNOTCN WILDOFF RSA4096 ECC384 STRICT; do
	expect_out "the log names $j's failure" "EZD1286I .* JOBNAME: $j .* RC: 8 Initial Handshake"
done
expect_out "the log says the DH key was too small" \
	"EZD1286I .* JOBNAME: DH3072 .* RC: 8 Initial Handshake .*dh key too small"
expect_out "the log says the host name did not match" \
	"EZD1286I .* JOBNAME: CNWRONG .* RC: 8 Initial Handshake \(hostname mismatch\)"
expect_out "the log says the key was too small" \
	"EZD1286I .* JOBNAME: RSA4096 .* RC: 8 Initial Handshake \(EE certificate key too weak\)"
kill -0 $daemon 2>/dev/null && ok || bad "attlsd died"
finish
