# gnutls_peers_test.sh - the host-name, key-size and SNI settings against
# a second TLS implementation, GnuTLS, so that what attls refuses or
# accepts is not an artefact of OpenSSL on both ends:
#   1. a plain client under `attls run`, behind outbound Client rules,
#      reaches gnutls-serv peers whose certificates fail exactly one
#      setting (a host name, a key size) and their passing twins;
#   2. gnutls-cli without a server name is refused by an inbound rule with
#      ServerHandshakeSNI Required, and served when it sends one.
# A refused connection must deliver no byte of the peer's page.
set -u
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"

T=$ATTLS_TMP
export ATTLS_SOCKET="$T/attlsd.sock"
unset ATTLS_REQUIRE ATTLS_JOBNAME || :

for tool in gnutls-serv gnutls-cli; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "FAIL: $tool is not installed; it is in scripts/install-deps.sh (Debian package gnutls-bin)"
		exit 1
	fi
done
if ! command -v attls-stress >/dev/null 2>&1; then
	echo "FAIL: attls-stress is not built (tests/tools)"
	exit 1
fi

make_pki "$T"
# leaf NAME CN SAN KEYARGS: T/NAME.crt and T/NAME.key, signed by the test CA.
leaf() {
	openssl req -newkey $4 -nodes -keyout "$T/$1.key" -out "$T/$1.csr" \
		-subj "/CN=$2" 2>/dev/null
	printf 'subjectAltName=%s\nkeyUsage=digitalSignature,keyEncipherment\n' "$3" > "$T/$1.ext"
	openssl x509 -req -in "$T/$1.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" \
		-CAcreateserial -out "$T/$1.crt" -days 2 -extfile "$T/$1.ext" 2>/dev/null
}
leaf wrong wrong.example DNS:wrong.example 'ec -pkeyopt ec_paramgen_curve:P-256'
leaf rsa2048 localhost DNS:localhost rsa:2048
cp "$T/ca.pem" "$T/client-ring.pem"

# client NAME JOB ADVANCED-LINES: an outbound rule for jobname JOB.
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
    TLSv1.3 On
$3
  }
}"
}
client DnsWrong DNSWRONG '    HostReferenceIdDNS localhost'
client DnsRight DNSRIGHT '    HostReferenceIdDNS wrong.example'
client CnWrong CNWRONG '    HostReferenceIdCN localhost'
client RsaMin4096 RSA4096 '    PeerMinRsaKeySize 4096'
client RsaMin2048 RSA2048 '    PeerMinRsaKeySize 2048'
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

daemon=
pids=
trap 'st=$?; kill $pids $daemon 2>/dev/null || :; wait 2>/dev/null || :; exit $st' EXIT
start_attlsd "$T/policy" "$T/attlsd.log"

# gserv NAME CERT KEY: a gnutls-serv HTTP server; its port in $port_NAME.
# gnutls-serv takes a port number, so the kernel picks one first.
gserv() {
	p=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	gnutls-serv --http -p "$p" --x509certfile "$T/$2" --x509keyfile "$T/$3" \
		> "$T/$1.out" 2>&1 &
	pids="$pids $!"
	i=0
	until python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$p" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 100 ]; then cat "$T/$1.out"; echo "FAIL: gnutls-serv $1"; exit 1; fi
		sleep 0.1
	done
	eval "port_$1=$p"
}
gserv wrong wrong.crt wrong.key
gserv rsa rsa2048.crt rsa2048.key

# An unmodified curl speaks plain HTTP; gnutls-serv --http answers with a
# page that names GnuTLS.
reaches() {
	expect_ok "$1" timeout 20 attls run -j "$2" -- curl -sS "http://127.0.0.1:$3/"
	expect_out "$1: the page came over TLS" 'GnuTLS'
}
refused() {
	got=0
	timeout 20 attls run -j "$2" -- curl -sS "http://127.0.0.1:$3/" > "$out" 2>&1 || got=$?
	if [ "$got" -ne 0 ] && ! grep -q 'GnuTLS' "$out"; then ok; else
		bad "$1: the connection was not refused (exit $got)"; fi
}

# 1. Host names and key sizes, with GnuTLS as the server.
refused "HostReferenceIdDNS localhost against a certificate for wrong.example" \
	DNSWRONG "$port_wrong"
reaches "HostReferenceIdDNS wrong.example against that certificate" DNSRIGHT "$port_wrong"
refused "HostReferenceIdCN localhost against CN=wrong.example" CNWRONG "$port_wrong"
refused "a 2048-bit RSA server against PeerMinRsaKeySize 4096" RSA4096 "$port_rsa"
reaches "a 2048-bit RSA server against PeerMinRsaKeySize 2048" RSA2048 "$port_rsa"

# 2. ServerHandshakeSNI Required, with GnuTLS as the client.
attls run -j SNISRV -- attls-stress -S "$T/sniport" > "$T/snisrv.out" 2>&1 &
pids="$pids $!"
i=0
while [ ! -s "$T/sniport" ]; do
	i=$((i + 1))
	if [ $i -gt 300 ]; then cat "$T/snisrv.out"; echo "FAIL: SNI server"; exit 1; fi
	sleep 0.1
done
sport=$(cat "$T/sniport")
timeout 20 gnutls-cli --x509cafile "$T/ca.pem" -p "$sport" --disable-sni \
	--verify-hostname localhost 127.0.0.1 < /dev/null > "$out" 2>&1
expect_no_out "gnutls-cli without SNI: no handshake" 'Handshake was completed'
timeout 20 gnutls-cli --x509cafile "$T/ca.pem" -p "$sport" --sni-hostname localhost \
	--verify-hostname localhost 127.0.0.1 < /dev/null > "$out" 2>&1
expect_out "gnutls-cli with SNI localhost: handshake" 'Handshake was completed'

cp "$T/attlsd.log" "$out"
for j in DNSWRONG CNWRONG RSA4096; do
	expect_out "the log names $j's failure" "EZD1286I .* JOBNAME: $j .* RC: 8 Initial Handshake"
done
expect_out "the log names the server's missing SNI" "EZD1286I .* JOBNAME: SNISRV .* Initial Handshake"
kill -0 $daemon 2>/dev/null && ok || bad "attlsd died"
finish
