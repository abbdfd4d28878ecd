# lab_db2_server_test.sh - the Db2 lab (seed 000) end to end: an unmodified
# plain HTTP server under job name DSN2DIST behind the lab's inbound rule,
# its key ring built by the lab's DB2TLS job.  First the server's user may
# not open the ring: the handshake fails and the log shows RC 202 as in the
# lab.  Once permitted, curl over HTTPS succeeds with TLS 1.2 only; TLS 1.1
# and TLS 1.3 clients fail.
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"
set -u
T=$ATTLS_TMP
lab="$ATTLS_SOURCE_DIR/examples/lab"
export ATTLS_SOCKET="$T/attlsd.sock" ATTLS_SAFDB="$T/saf.db"
me=$(id -u)
admin=$(id -un | tr '[:lower:]' '[:upper:]' | cut -c1-8)

expect_ok "prerequisites" racf -q -f "$lab/db2-prereq.racf"
expect_ok "DB2TLS job" racf -f "$lab/db2tls.racf"
expect_ok "export the Db2 CA" racf -q "RACDCERT CERTAUTH EXPORT(LABEL('DB2 CA')) DSN('$T/db2ca.pem') FORMAT(CERTB64)"
# The Db2 server runs under DB2USER: this Linux account becomes DB2USER.
# DB2USER is made SPECIAL only so that the same account can go on
# administering the database below; SPECIAL grants no access to resources.
printf 'ALTUSER DB2USER SPECIAL\nALTUSER %s NOOMVS\nALTUSER DB2USER OMVS(UID(%s))\n' \
	"$admin" "$me" > "$T/handover.racf"
expect_ok "DB2USER takes this account" racf -q -f "$T/handover.racf"

# A plain HTTP server under job name DSN2DIST; the port it got decides the policy.
mkdir -p "$T/www"
printf 'Db2 REST answer\n' > "$T/www/index.html"
attls run -j DSN2DIST -- python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$T/www" \
	> "$T/server.out" 2>&1 &
srv=$!
daemon=
trap 'st=$?; kill $srv $daemon 2>/dev/null || :; wait 2>/dev/null || :; exit $st' EXIT
i=0
until grep -q "port [0-9]" "$T/server.out"; do i=$((i + 1)); [ $i -gt 200 ] && break; sleep 0.05; done
port=$(sed -n 's/.* port \([0-9]*\) .*/\1/p' "$T/server.out" | head -1)
sed "s/Port             2445/Port             $port/" \
	"$ATTLS_SOURCE_DIR/examples/seed-db2-server.policy" > "$T/policy"
expect_ok "policy check" attls policy check "$T/policy"
start_attlsd "$T/policy" "$T/attlsd.log"
url="https://wg31.washington.ibm.com:$port/"
resolve="wg31.washington.ibm.com:$port:127.0.0.1"

# 1. DB2USER may not read its ring yet (the DB2TLS job permits nothing).
expect_fail "handshake without ring access" 1 sh -c "curl -sS --max-time 20 --cacert '$T/db2ca.pem' \
	--resolve '$resolve' '$url' >/dev/null 2>&1 || exit 1"
cp "$T/attlsd.log" "$out"
expect_out "EZD1281I for DSN2DIST" "EZD1281I TTLS Map CONNID: [0-9A-F]{8} LOCAL: 127.0.0.1..$port REMOTE: 127.0.0.1..[0-9]+ JOBNAME: DSN2DIST USERID: DB2USER TYPE: InBound STATUS: Enabled RULE: Db2ServerRule~1 ACTIONS: gAct1~Db2Server eAct1~Db2Server cAct1~Db2Server"
expect_out "RC 202 for the ring" "EZD1286I TTLS Error GRPID: 00000001 ENVID: 00000000 CONNID: 00000000 LOCAL: \*\*N/A\*\* REMOTE: \*\*N/A\*\* JOBNAME: \*\*N/A\*\* USERID: DB2USER RULE: \*\*N/A\*\* RC: 202 Environment Master Init"
expect_out "ICH408I for the ring" "ICH408I USER\(DB2USER"
expect_out "RC 5006 for the connection" "EZD1286I TTLS Error .* JOBNAME: DSN2DIST USERID: DB2USER RULE: Db2ServerRule~1 RC: 5006 Initial Handshake"

# 2. Permit the ring as the lab's fix says; the next connection succeeds.
cat > "$T/permit.racf" <<'RACF'
PERMIT IRR.DIGTCERT.LISTRING CLASS(FACILITY) ID(DB2USER) ACCESS(READ)
PERMIT IRR.DIGTCERT.LIST CLASS(FACILITY) ID(DB2USER) ACCESS(READ)
SETROPTS RACLIST(FACILITY) REFRESH
RACF
expect_ok "permit the ring" racf -q -f "$T/permit.racf"
expect_ok "curl over HTTPS" curl -sS -v --max-time 20 --cacert "$T/db2ca.pem" --resolve "$resolve" "$url"
expect_out "the plain server answered" "Db2 REST answer"
expect_out "TLS 1.2 negotiated" "SSL connection using TLSv1.2"
expect_fail "a TLS 1.1 client fails" 1 sh -c "printf 'x' | openssl s_client -connect 127.0.0.1:$port \
	-tls1_1 -cipher DEFAULT@SECLEVEL=0 -brief -no_ign_eof >/dev/null 2>&1 || exit 1"
expect_fail "a TLS 1.3 client fails" 1 sh -c "curl -sS --max-time 20 --tlsv1.3 --cacert '$T/db2ca.pem' \
	--resolve '$resolve' '$url' >/dev/null 2>&1 || exit 1"
cp "$T/attlsd.log" "$out"
expect_out "EZD1283I handshake" "EZD1283I TTLS Event GRPID: 00000001 ENVID: [0-9A-F]{8} CONNID: [0-9A-F]{8} RC: 0 Initial Handshake .* TLSV1.2"
expect_out "RC 402 for the old client" "EZD1286I TTLS Error .* RULE: Db2ServerRule~1 RC: 402 Initial Handshake"
finish
