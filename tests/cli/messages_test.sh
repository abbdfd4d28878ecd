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
# CONNECT to a group that does not exist: the cause and the result, each
# a message of its own with its id first, as RACF writes them.
expect_ok connect-setup racf -q "ADDUSER CUSER"
expect_fail connect-nogroup 1 racf -q "CONNECT CUSER GROUP(NOGROUP)"
expect_out connect-nogroup-cause '^ICH51003I NAME NOT FOUND IN RACF DATA SET'
expect_out connect-nogroup-result '^ICH02003I USER\(S\) NOT CONNECTED\.$'
expect_ok refresh-digtmap racf -q "SETROPTS RACLIST(DIGTCERT,DIGTMAP) REFRESH"
expect_no_out refresh-digtmap-known 'CLASS DIGTMAP IS NOT'

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
# RACDCERT's refusals carry their ids.
expect_fail label-taken 1 racf -q "racdcert id(SRV1) gencert subjectsdn(cn('three')) withlabel('one')"
expect_out label-taken-id "^IRRD107I The label 'one' is already in use\. The certificate was not added\.$"
expect_fail cert-twice 1 racf -q "racdcert id(SRV1) add('one.pem') withlabel('again')"
expect_out cert-twice-id "^IRRD109I The certificate cannot be added\. It is already defined as 'one' for ID\(SRV1\)\.$"

# --- attls rc ------------------------------------------------------------------
expect_ok rc-help attls rc --help
expect_out rc-help-usage '^usage: attls rc '
# RC 202 as z/OS operators meet it: the key ring cannot be opened because
# the user is not permitted; the answer names the profiles to permit.
expect_ok rc-202 attls rc 202
expect_out rc-202-title '^RC 202: the key ring cannot be opened$'
expect_out rc-202-listring 'PERMIT IRR\.DIGTCERT\.LISTRING CLASS\(FACILITY\) ID\(userid\) ACCESS\(READ\)'
expect_out rc-202-list 'PERMIT IRR\.DIGTCERT\.LIST CLASS\(FACILITY\) ID\(userid\) ACCESS\(READ\)'
expect_out rc-202-refresh 'SETROPTS RACLIST\(FACILITY\) REFRESH'
expect_out rc-202-rdatalib 'RDATALIB'
expect_ok rc-5006 attls rc 5006
expect_out rc-5006-points-back 'RC 202'
# Every code attlsd logs is explained, none as "z/OS only".
for rc in 3 4 7 8 102 202 401 402 403 406 407 414 420 428 5001 5002 5003 5004 5005 5006 6001; do
	expect_ok "rc-$rc" attls rc "$rc"
	expect_out "rc-$rc-sections" '^  what to do:$'
	expect_no_out "rc-$rc-issued" 'z/OS only'
done
# And every code the engine and the daemon set in their source is one of
# them: a new code without an explanation fails here.
codes=$(cat "$ATTLS_SOURCE_DIR"/src/engine/*.c "$ATTLS_SOURCE_DIR"/src/daemon/*.c | tr '\n\t' '  ' |
	grep -oE '(fail\(c, |sslrc = |engine_conn_abort\(c->engine, |ezd_conn_error\(c, |cut_rc = )[0-9]+|\*rc = [^;]*' |
	grep -oE '\b[0-9]+\b' | sort -nu | grep -v '^0$')
[ "$(echo "$codes" | wc -l)" -ge 20 ] && ok || bad "rc-source: found only $(echo "$codes" | wc -l) codes in the source"
for rc in $codes; do
	if attls rc "$rc" > "$out" 2>&1 && ! grep -q 'z/OS only' "$out"; then ok; else
		bad "rc-source-$rc: attlsd sets RC $rc, and attls rc does not explain it as one it logs"; fi
done
expect_ok rc-zos-only attls rc 432
expect_out rc-zos-only-marked '^RC 432: .*\(z/OS only: attlsd does not log it\)$'
expect_fail rc-unknown 2 attls rc 999
expect_out rc-unknown-says "attls rc: 999 is not a return code"
expect_fail rc-range 2 attls rc 5999
expect_out rc-range-says '5001-5999 are AT-TLS codes the user can correct'
expect_fail rc-not-a-number 2 attls rc 20x
expect_fail rc-two 2 attls rc 202 402
expect_ok rc-json attls rc --json 402
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["rc"] == 402 and d["issued"] is True and "this side refused" in d["cause"]' "$out" 2>/dev/null; then ok; else bad "rc-json: not the JSON object for 402"; fi
expect_ok rc-list attls rc
expect_out rc-list-202 '^  202  the key ring cannot be opened$'
expect_ok rc-list-json attls rc --json
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d) > 30 and all("action" in e for e in d)' "$out" 2>/dev/null; then ok; else bad "rc-list-json: not a JSON array of codes"; fi

# --- handshake failures as a real peer causes them -------------------------
B=$ATTLS_BIN/../..
SC=$B/tests/unit/shim/shim-client
export ATTLS_SOCKET="$t/attlsd.sock"
unset ATTLS_REQUIRE ATTLS_JOBNAME || :
make_pki "$t"
cp "$t/ca.pem" "$t/client-ring.pem"
# root -> intermediate -> leaf, the ring holding all three.
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$t/int.key" \
	-out "$t/int.csr" -subj "/CN=attls test intermediate" 2>/dev/null
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign\n' > "$t/int.ext"
openssl x509 -req -in "$t/int.csr" -CA "$t/ca.pem" -CAkey "$t/ca.key" -CAcreateserial \
	-out "$t/int.pem" -days 2 -extfile "$t/int.ext" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$t/leaf.key" \
	-out "$t/leaf.csr" -subj "/CN=localhost" 2>/dev/null
openssl x509 -req -in "$t/leaf.csr" -CA "$t/int.pem" -CAkey "$t/int.key" -CAcreateserial \
	-out "$t/leaf.crt" -days 2 -extfile "$t/ext" 2>/dev/null
cat "$t/leaf.crt" "$t/leaf.key" "$t/int.pem" "$t/ca.pem" > "$t/int-ring.pem"
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
TTLSRule Chain1
{
  LocalAddr 127.0.0.1
  LocalPortRange 1024-65535
  Jobname CHAIN1
  Direction Inbound
  TTLSGroupActionRef grp
  TTLSEnvironmentActionRef serverEnv
}
TTLSRule Chain2
{
  LocalAddr 127.0.0.1
  LocalPortRange 1024-65535
  Jobname CHAIN2
  Direction Inbound
  TTLSGroupActionRef grp
  TTLSEnvironmentActionRef intEnv
}
TTLSRule Traced
{
  LocalAddr 127.0.0.1
  LocalPortRange 1024-65535
  Jobname TRACED
  Direction Inbound
  TTLSGroupActionRef grp255
  TTLSEnvironmentActionRef serverEnv
}
TTLSGroupAction grp255
{
  TTLSEnabled On
  Trace 255
}
TTLSEnvironmentAction intEnv
{
  HandshakeRole Server
  TTLSKeyringParms
  {
    Keyring $t/int-ring.pem
  }
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
# The program's query after the failed handshake: its rule still covers
# it (TTLS_POL_ENABLED, 4), and it is not secure (TTLS_CONN_NOTSECURE, 1).
timeout 20 attls run -j DHEONLY -- "$SC" query "$port_ecdsa12" > "$out" 2>&1 || :
expect_out query-after-failure '^policy=4 conn=1 .* rule=DheOnly '

# serve JOB NAME: a plain server under attls run with jobname JOB; its
# port in $port_NAME.
serve() {
	attls run -j "$1" -- attls-stress -S "$t/$2.port" > "$t/$2.srv" 2>&1 &
	pids="$pids $!"
	i=0
	while [ ! -s "$t/$2.port" ]; do
		i=$((i + 1))
		if [ $i -gt 300 ]; then cat "$t/$2.srv"; echo "FAIL: server $1"; exit 1; fi
		sleep 0.1
	done
	eval "port_$2=\$(cat \"\$t/\$2.port\")"
}

# An inbound rule that takes only ECDHE-ECDSA-AES128-GCM-SHA256 and a
# client that offers only AES256: this side refuses.
serve NOCOMMON nocommon
printf 'x' | timeout 20 openssl s_client -connect "127.0.0.1:$port_nocommon" -tls1_2 \
	-cipher ECDHE-ECDSA-AES256-GCM-SHA384 -CAfile "$t/ca.pem" -brief > "$out" 2>&1 || :
expect_no_out nocommon-refused 'CONNECTION ESTABLISHED'

# --- the chain a server sends --------------------------------------------------
# Up to, not including, the self-signed root: the client must have it
# already, and verifies with it.
# certs PORT: how many certificates the server sent.
certs() {
	printf 'x' | timeout 20 openssl s_client -connect "127.0.0.1:$1" -showcerts \
		-CAfile "$t/ca.pem" -verify_return_error > "$t/showcerts" 2>&1 || :
	cp "$t/showcerts" "$out"
	grep -c 'BEGIN CERTIFICATE' "$t/showcerts" || :
}
serve CHAIN1 chain1
n=$(certs "$port_chain1")
expect_out chain1-verifies 'Verify return code: 0 \(ok\)'
[ "$n" = 1 ] && ok || bad "chain1: the server sent $n certificates, wanted 1 (the leaf, not the root)"
# A client that does not trust the server's CA refuses with an alert:
# the server's log says the partner refused its certificate.
printf 'x' | timeout 20 openssl s_client -connect "127.0.0.1:$port_chain1" \
	-CAfile "$t/int.pem" -verify_return_error -brief > "$out" 2>&1 || :
expect_no_out untrusted-refused 'CONNECTION ESTABLISHED'
serve CHAIN2 chain2
n=$(certs "$port_chain2")
expect_out chain2-verifies 'Verify return code: 0 \(ok\)'
[ "$n" = 2 ] && ok || bad "chain2: the server sent $n certificates, wanted 2 (leaf and intermediate, not the root)"
expect_no_out chain2-no-root 's:CN ?= ?attls test CA'

# --- the debug trace lines, and no application data in them -------------------
# Trace 255, as z/OS samples set it: the start of events (EZD1282I), the
# TLS calls (EZD1284I) and the amounts relayed (EZD1285I), never the data.
serve TRACED traced
secret='SECRET-PAYLOAD-5f3a9c'
printf '%s' "$secret" | timeout 20 openssl s_client -connect "127.0.0.1:$port_traced" \
	-CAfile "$t/ca.pem" -brief > "$t/traced.out" 2>&1 || :
printf 'x' | timeout 20 openssl s_client -connect "127.0.0.1:$port_traced" \
	-CAfile "$t/int.pem" -verify_return_error -brief > "$t/traced2.out" 2>&1 || :
i=0
until grep -q "EZD1282I .*Connection Close ACTIONS: grp255" "$t/attlsd.log" &&
    grep -q "EZD1286I .*JOBNAME: TRACED .*RC: 414" "$t/attlsd.log"; do
	i=$((i + 1))
	if [ $i -gt 100 ]; then break; fi
	sleep 0.1
done
cp "$t/attlsd.log" "$out"
expect_out trace-1282-start 'EZD1282I TTLS Start GRPID: [0-9A-F]{8} ENVID: [0-9A-F]{8} CONNID: [0-9A-F]{8} Initial Handshake ACTIONS: grp255 serverEnv \*\*N/A\*\*$'
expect_out trace-1282-close 'EZD1282I TTLS Start .* Connection Close ACTIONS: grp255 '
expect_out trace-1284-call 'EZD1284I TTLS Flow .* RC: 0 Call SSL_do_handshake- $'
expect_out trace-1284-cipher 'EZD1284I TTLS Flow .* RC: 0 Get cipher- [0-9A-F]{4}$'
expect_out trace-1284-failed 'EZD1284I TTLS Flow .* RC: 414 Call SSL_do_handshake- the partner refused'
expect_out trace-1285 "EZD1285I TTLS Data .* BYTES OUT: [0-9]+ IN: ${#secret}$"
expect_no_out trace-no-data "$secret|SECRET|5345435245542D|53 45 43 52|534543524554"
# Trace 15 rules (the others here) write no flow or data lines.
expect_no_out trace-15-quiet 'EZD128[45]I .* CONNID: 00000001 '

# Let the last failure reach the log.
sleep 0.5
cp "$t/attlsd.log" "$out"
# TLS 1.3 certificate_required: the missing client certificate is named,
# as a handshake failure, not as a record that failed to decrypt.
expect_out certreq-named "EZD1286I .* JOBNAME: CERTREQ .* RC: 403 Initial Handshake \(the partner refused the handshake \(alert certificate_required\): it requires a client certificate and this side sent none"
expect_no_out certreq-not-406 "JOBNAME: CERTREQ .* RC: 406"
# TLS 1.2 handshake_failure: the log says the partner refused.
expect_out dheonly-partner "EZD1286I .* JOBNAME: DHEONLY .* RC: 402 Initial Handshake \(the partner refused the handshake \(alert handshake_failure\)"
expect_out untrusted-414 "EZD1286I .* JOBNAME: CHAIN1 .* RC: 414 Initial Handshake \(the partner refused this side's certificate \[.*unknown ca\]\)"
# And when this side refuses, it says so.
expect_out nocommon-this-side "EZD1286I .* JOBNAME: NOCOMMON .* RC: 402 Initial Handshake \(this side refused the handshake: none of the cipher suites the partner offered"
finish
