# tlsscan_test.sh - what a TLS scanner sees of an inbound endpoint that
# attls protects: sslscan against a plain program under `attls run` behind
# an inbound Server rule must report exactly the protocol versions and
# cipher suites the policy allows, and see the change after `attls refresh`.
#
# The certificate is RSA and the policy lists two ECDHE-RSA suites
# (C02F, C030), both usable with that key: the scan must show both accepted
# and nothing else, which shows that the list itself is what limits the
# server (with an ECDSA key one of two listed RSA/ECDSA suites would be
# missing because of the key type, and the test could not tell the two
# apart).  Then the policy turns to TLSv1.3 only with 1301 and 1302, and
# last TLSv1.1 is turned on beside TLSv1.2, so the scanner is shown able
# to see an older protocol when it is there.
set -u
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"

T=$ATTLS_TMP
export ATTLS_SOCKET="$T/attlsd.sock"
unset ATTLS_REQUIRE ATTLS_JOBNAME || :

if ! command -v sslscan >/dev/null 2>&1; then
	echo "FAIL: sslscan is not installed; it is in scripts/install-deps.sh (Debian package sslscan)"
	exit 1
fi
if ! command -v attls-stress >/dev/null 2>&1; then
	echo "FAIL: attls-stress is not built (tests/tools)"
	exit 1
fi

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/ca.key" -out "$T/ca.pem" \
	-subj "/CN=attls scan CA" -days 2 \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=keyCertSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$T/srv.key" -out "$T/srv.csr" \
	-subj "/CN=localhost" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$T/ext"
openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial \
	-out "$T/srv.crt" -days 2 -extfile "$T/ext" 2>/dev/null
cat "$T/srv.crt" "$T/srv.key" "$T/ca.pem" > "$T/ring.pem"

# write_policy CIPHERS TLSV1.1 TLSV1.2 TLSV1.3
write_policy() {
	cat > "$T/policy.new" <<POLICY
TTLSRule ScanServer
{
  LocalAddr 127.0.0.1
  LocalPortRange 1024-65535
  Jobname SCANSRV
  Direction Inbound
  Priority 100
  TTLSGroupActionRef grp
  TTLSEnvironmentActionRef env
}
TTLSGroupAction grp
{
  TTLSEnabled On
  Trace 7
}
TTLSEnvironmentAction env
{
  HandshakeRole Server
  TTLSKeyringParms
  {
    Keyring $T/ring.pem
  }
  TTLSCipherParms
  {
    V3CipherSuites4Char $1
  }
  TTLSEnvironmentAdvancedParms
  {
    SSLv3 Off
    TLSv1 Off
    TLSv1.1 $2
    TLSv1.2 $3
    TLSv1.3 $4
  }
}
POLICY
	mv "$T/policy.new" "$T/policy"
}
write_policy C02FC030 Off On Off
expect_ok "policy check" attls policy check "$T/policy"

daemon=
srv=
trap 'st=$?; kill $srv $daemon 2>/dev/null || :; wait 2>/dev/null || :; exit $st' EXIT
start_attlsd "$T/policy" "$T/attlsd.log"

# The endpoint: a plain program that accepts and reads each connection.
attls run -j SCANSRV -- attls-stress -S "$T/port" > "$T/server.out" 2>&1 &
srv=$!
i=0
while [ ! -s "$T/port" ]; do
	i=$((i + 1))
	if [ $i -gt 300 ] || ! kill -0 $srv 2>/dev/null; then
		cat "$T/server.out"
		echo "FAIL: the endpoint did not start"
		exit 1
	fi
	sleep 0.1
done
port=$(cat "$T/port")

# scan NAME: runs sslscan; the protocol lines and the accepted suites
# (their IANA ids, sorted) are left in $T/NAME.protocols and $T/NAME.ciphers.
scan() {
	timeout 120 sslscan --no-colour --show-cipher-ids --no-groups --no-heartbleed \
		--no-renegotiation --no-compression --no-fallback --timeout=10 \
		"127.0.0.1:$port" > "$T/$1.scan" 2>&1
	sed -n 's/^\(SSLv[23]\|TLSv1\.[0-3]\) *\(enabled\|disabled\)$/\1 \2/p' "$T/$1.scan" \
		> "$T/$1.protocols"
	sed -n 's/^\(Preferred\|Accepted\) *\(TLSv1\.[0-3]\|SSLv[23]\) .* 0x\([0-9A-Fa-f]\{4\}\) .*/\2 \3/p' \
		"$T/$1.scan" | tr '[:lower:]' '[:upper:]' | sed 's/^TLSV/TLSv/' | sort > "$T/$1.ciphers"
}

# same NAME FILE EXPECTED: FILE's content is exactly EXPECTED.
same() {
	printf '%s\n' "$3" > "$T/expected"
	if cmp -s "$T/expected" "$2"; then ok; else
		{ echo "expected:"; cat "$T/expected"; echo "sslscan said:"; cat "$T/$4.scan"; } > "$out"
		bad "$1"
	fi
}

# 1. TLSv1.2 only, C02F and C030.
scan v12
same "TLSv1.2 only" "$T/v12.protocols" "SSLv2 disabled
SSLv3 disabled
TLSv1.0 disabled
TLSv1.1 disabled
TLSv1.2 enabled
TLSv1.3 disabled" v12
same "exactly C02F and C030 over TLSv1.2" "$T/v12.ciphers" "TLSv1.2 C02F
TLSv1.2 C030" v12

# 2. TLSv1.3 only, 1301 and 1302 (not 1303), after a refresh.
write_policy 13011302 Off Off On
expect_ok "refresh to TLSv1.3 only" attls refresh
expect_out "generation 2" "policy generation 2 installed"
scan v13
same "TLSv1.3 only" "$T/v13.protocols" "SSLv2 disabled
SSLv3 disabled
TLSv1.0 disabled
TLSv1.1 disabled
TLSv1.2 disabled
TLSv1.3 enabled" v13
same "exactly 1301 and 1302 over TLSv1.3" "$T/v13.ciphers" "TLSv1.3 1301
TLSv1.3 1302" v13

# 3. The scanner does see an older protocol: TLSv1.1 and TLSv1.2 with
#    ECDHE-RSA-AES128-SHA (C013), which both can use.
write_policy C013C02F On On Off
expect_ok "refresh to TLSv1.1 and TLSv1.2" attls refresh
scan v11
same "TLSv1.1 and TLSv1.2" "$T/v11.protocols" "SSLv2 disabled
SSLv3 disabled
TLSv1.0 disabled
TLSv1.1 enabled
TLSv1.2 enabled
TLSv1.3 disabled" v11
grep -q '^TLSv1.1 C013$' "$T/v11.ciphers" && ok || {
	cp "$T/v11.scan" "$out"; bad "C013 accepted over TLSv1.1"; }

cp "$T/attlsd.log" "$out"
expect_out "the scanner's connections were mapped" \
	'EZD1281I .*JOBNAME: SCANSRV .*TYPE: InBound STATUS: Enabled RULE: ScanServer'
expect_no_out "no malformed requests" 'malformed request'
kill -0 $daemon 2>/dev/null && ok || bad "attlsd died during the scans"
finish
