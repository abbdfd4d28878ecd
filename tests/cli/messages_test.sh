#!/bin/sh
# messages_test.sh - what an operator reads: RACF message ids, certificate
# serial numbers a scanner checks, `attls rc`, and the return codes and
# reasons attlsd logs when a real peer refuses a handshake.
set -eu
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"
ATTLS_SAFDB="$ATTLS_TMP/saf.db"
export ATTLS_SAFDB
t=$ATTLS_TMP
cd "$t"

# --- RACF messages ---------------------------------------------------------
expect_ok racf-setup racf -q "RDEFINE FACILITY IRR.DIGTCERT.LISTRING UACC(NONE)"
expect_fail rdefine-twice 1 racf -q "RDEFINE FACILITY IRR.DIGTCERT.LISTRING UACC(NONE)"
expect_out rdefine-twice-id '^ICH10102I IRR\.DIGTCERT\.LISTRING ALREADY DEFINED TO CLASS FACILITY\.$'
# DIGTMAP is a class RACF knows: it can be RACLISTed.
expect_ok raclist-digtmap racf -q "SETROPTS CLASSACT(DIGTMAP) RACLIST(DIGTMAP)"
expect_no_out raclist-digtmap-known 'not RACLISTed|INVALID CLASS'
expect_out raclist-digtmap-done '^ICH14063I'

# --- certificate serial numbers ----------------------------------------------
# A CA must not number what it signs 1, 2, 3: the serial is the part of a
# certificate the signer's client cannot choose, so it must not be
# predictable.  Two certificates from one CA: serials of 64 bits or more,
# and different.
cat >gen.txt <<'CMDS'
ADDUSER SRV1
racdcert certauth gencert subjectsdn(cn('Msg CA')) withlabel('Msg CA') keyusage(certsign)
racdcert id(SRV1) gencert subjectsdn(cn('one')) withlabel('one') signwith(certauth label('Msg CA'))
racdcert id(SRV1) gencert subjectsdn(cn('two')) withlabel('two') signwith(certauth label('Msg CA'))
racdcert certauth export(label('Msg CA')) dsn('ca.pem')
racdcert id(SRV1) export(label('one')) dsn('one.pem')
racdcert id(SRV1) export(label('two')) dsn('two.pem')
CMDS
expect_ok gencert racf -q -f gen.txt
for c in ca one two; do
	openssl x509 -in "$c.pem" -noout -serial | sed 's/^serial=//' > "$c.serial"
	n=$(tr -d '\n' < "$c.serial" | wc -c)
	if [ "$n" -ge 16 ]; then ok; else bad "serial-$c: serial $(cat "$c.serial") has fewer than 64 bits"; fi
done
if cmp -s one.serial two.serial; then bad "serials-differ: one and two have the same serial"; else ok; fi

# --- handshake failures as a real peer causes them -------------------------
B=$ATTLS_BIN/../..
SC=$B/tests/unit/shim/shim-client
export ATTLS_SOCKET="$t/attlsd.sock"
unset ATTLS_REQUIRE ATTLS_JOBNAME || :
make_pki "$t"
cp "$t/ca.pem" "$t/client-ring.pem"
cat > "$t/policy" <<POLICY
TTLSRule CertReq
{
  RemotePortRange 1024-65535
  Jobname CERTREQ
  Direction Outbound
  TTLSGroupActionRef grp
  TTLSEnvironmentActionRef client13Env
}
TTLSRule DheOnly
{
  RemotePortRange 1024-65535
  Jobname DHEONLY
  Direction Outbound
  TTLSGroupActionRef grp
  TTLSEnvironmentActionRef clientEnv
  TTLSConnectionActionRef dheConn
}
TTLSRule NoCommon
{
  LocalAddr 127.0.0.1
  LocalPortRange 1024-65535
  Jobname NOCOMMON
  Direction Inbound
  TTLSGroupActionRef grp
  TTLSEnvironmentActionRef serverEnv
  TTLSConnectionActionRef ecdsa128Conn
}
TTLSConnectionAction dheConn
{
  TTLSCipherParms
  {
    V3CipherSuites4Char 009E
  }
}
TTLSConnectionAction ecdsa128Conn
{
  TTLSCipherParms
  {
    V3CipherSuites4Char C02B
  }
}
TTLSEnvironmentAction clientEnv
{
  HandshakeRole Client
  TTLSKeyringParms
  {
    Keyring $t/client-ring.pem
  }
}
TTLSEnvironmentAction client13Env
{
  HandshakeRole Client
  TTLSKeyringParms
  {
    Keyring $t/client-ring.pem
  }
  TTLSEnvironmentAdvancedParms
  {
    TLSv1.3 On
  }
}
TTLSEnvironmentAction serverEnv
{
  HandshakeRole Server
  TTLSKeyringParms
  {
    Keyring $t/server-ring.pem
  }
}
TTLSGroupAction grp
{
  TTLSEnabled On
  Trace 15
}
POLICY
expect_ok policy-check attls policy check "$t/policy"

daemon=
pids=
trap 'st=$?; kill $pids $daemon 2>/dev/null || :; wait 2>/dev/null || :; exit $st' EXIT
start_attlsd "$t/policy" "$t/attlsd.log"

# peer NAME ARGS...: an openssl s_server with the test certificate; its
# port in $port_NAME.
peer() {
	n=$1
	shift
	openssl s_server -accept 0 -cert "$t/srv.crt" -key "$t/srv.key" -www "$@" \
		> "$t/$n.out" 2>&1 &
	pids="$pids $!"
	i=0
	until grep -q ACCEPT "$t/$n.out"; do
		i=$((i + 1))
		if [ $i -gt 200 ]; then cat "$t/$n.out"; echo "FAIL: s_server $n"; exit 1; fi
		sleep 0.05
	done
	eval "port_$n=\$(sed -n 's/^ACCEPT .*:\([0-9]*\)\$/\1/p' \"\$t/\$n.out\")"
}
# A TLS 1.3 server that requires a client certificate; the client's ring
# has none to send.
peer certreq -tls1_3 -Verify 1 -CAfile "$t/ca.pem"
# A TLS 1.2 server with an ECDSA certificate: it cannot take DHE-RSA.
peer ecdsa12 -tls1_2

get=$(printf 'GET / HTTP/1.0\r\n\r\n')
# refused NAME JOB PORT: the plain client gets no byte of the page.
refused() {
	got=0
	timeout 20 attls run -j "$2" -- "$SC" connect "$3" "$get" > "$out" 2>&1 || got=$?
	if [ "$got" -ne 0 ] && ! grep -q 's_server' "$out"; then ok; else
		bad "$1: the connection was not refused (exit $got)"; fi
}
refused certreq CERTREQ "$port_certreq"
refused dheonly DHEONLY "$port_ecdsa12"

# An inbound rule that takes only ECDHE-ECDSA-AES128-GCM-SHA256 and a
# client that offers only AES256: this side refuses.
attls run -j NOCOMMON -- attls-stress -S "$t/srvport" > "$t/srv.out" 2>&1 &
pids="$pids $!"
i=0
while [ ! -s "$t/srvport" ]; do
	i=$((i + 1))
	if [ $i -gt 300 ]; then cat "$t/srv.out"; echo "FAIL: server"; exit 1; fi
	sleep 0.1
done
printf 'x' | timeout 20 openssl s_client -connect "127.0.0.1:$(cat "$t/srvport")" -tls1_2 \
	-cipher ECDHE-ECDSA-AES256-GCM-SHA384 -CAfile "$t/ca.pem" -brief > "$out" 2>&1 || :
expect_no_out nocommon-refused 'CONNECTION ESTABLISHED'

# Let the last failure reach the log.
sleep 0.5
cp "$t/attlsd.log" "$out"
# TLS 1.3 certificate_required: the missing client certificate is named,
# as a handshake failure, not as a record that failed to decrypt.
expect_out certreq-named "EZD1286I .* JOBNAME: CERTREQ .* RC: 403 Initial Handshake \(the partner refused the handshake \(alert certificate_required\): it requires a client certificate and this side sent none"
expect_no_out certreq-not-406 "JOBNAME: CERTREQ .* RC: 406"
# TLS 1.2 handshake_failure: the log says the partner refused.
expect_out dheonly-partner "EZD1286I .* JOBNAME: DHEONLY .* RC: 402 Initial Handshake \(the partner refused the handshake \(alert handshake_failure\)"
# And when this side refuses, it says so.
expect_out nocommon-this-side "EZD1286I .* JOBNAME: NOCOMMON .* RC: 402 Initial Handshake \(this side refused the handshake: none of the cipher suites the partner offered"
finish
