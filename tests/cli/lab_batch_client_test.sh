# lab_batch_client_test.sh - the batch-client lab (seed 001) end to end:
# a plain HTTP client (curl) under job name USER1GET reaches an HTTPS server
# that requires a client certificate, through the lab's outbound policy and
# USER1's key ring built by the lab's RACF commands; another job name goes
# out in cleartext and fails against the TLS port, as the lab shows.
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"
set -u
T=$ATTLS_TMP
lab="$ATTLS_SOURCE_DIR/examples/lab"
export ATTLS_SOCKET="$T/attlsd.sock" ATTLS_SAFDB="$T/saf.db"
me=$(id -u)
admin=$(id -un | tr '[:lower:]' '[:upper:]' | cut -c1-8)

# The security database: the lab's prerequisites and its MVSTLS job as
# printed; the server's certificate and the CA leave RACF by EXPORT.
expect_ok "prerequisites" racf -q -f "$lab/batch-client-prereq.racf"
expect_ok "MVSTLS job" racf -f "$lab/mvstls.racf"
expect_ok "export the CA" racf -q "RACDCERT CERTAUTH EXPORT(LABEL('Liberty CA')) DSN('$T/ca.pem') FORMAT(CERTB64)"
expect_ok "export the server certificate" racf -q "RACDCERT ID(LIBSERV) EXPORT(LABEL('Liberty Server')) DSN('$T/server.p12') FORMAT(PKCS12DER) PASSWORD('labpw')"
openssl pkcs12 -in "$T/server.p12" -passin pass:labpw -nodes -out "$T/server.pem" 2>/dev/null
# The batch job runs under USER1: this Linux account becomes USER1 (the
# issuer of this racf run stays the administrator until it ends).
printf 'ALTUSER %s NOOMVS\nALTUSER USER1 OMVS(UID(%s))\n' "$admin" "$me" > "$T/handover.racf"
expect_ok "USER1 takes this account" racf -q -f "$T/handover.racf"
expect_ok "LISTRING" racf -q "RACDCERT ID(USER1) LISTRING(Liberty.KeyRing)"
expect_out "ring holds USER1's certificate" "USER1 +ID\(USER1\) +PERSONAL +YES"

# The z/OS Connect server stands in as openssl s_server requiring a client
# certificate from the Liberty CA.
openssl s_server -accept 0 -cert "$T/server.pem" -CAfile "$T/ca.pem" -Verify 1 \
	-verify_return_error -www > "$T/s_server.out" 2>&1 &
srv=$!
daemon=
trap 'st=$?; kill $srv $daemon 2>/dev/null || :; wait 2>/dev/null || :; exit $st' EXIT
i=0
until grep -q ACCEPT "$T/s_server.out"; do i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.05; done
port=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$T/s_server.out")

# The lab's policy as printed, with the server's port in place of 9443.
sed "s/Port                   9443/Port                   $port/" \
	"$ATTLS_SOURCE_DIR/examples/seed-batch-client.policy" > "$T/policy"
expect_ok "policy check" attls policy check "$T/policy"
start_attlsd "$T/policy" "$T/attlsd.log"

# USER1GET: plain HTTP from curl, TLS 1.2 with USER1's certificate on the wire.
expect_ok "curl as USER1GET" attls run -j USER1GET -- curl -sS --max-time 20 "http://127.0.0.1:$port/"
expect_out "the page came over TLS 1.2" "Protocol *: TLSv1.2"
expect_out "s_server saw a client certificate" "Peer certificate|subject=.*USER1|CN ?= ?USER1"
cp "$T/attlsd.log" "$out"
expect_out "EZD1281I for USER1GET" "EZD1281I TTLS Map CONNID: [0-9A-F]{8} LOCAL: 127.0.0.1..[0-9]+ REMOTE: 127.0.0.1..$port JOBNAME: USER1GET USERID: USER1 TYPE: OutBound STATUS: Enabled RULE: zCEEClientRule~1 ACTIONS: gAct1~zCEEClient eAct1~zCEEClient cAct1~zCEEClient"
expect_out "EZD1283I handshake" "EZD1283I TTLS Event GRPID: 00000001 ENVID: [0-9A-F]{8} CONNID: [0-9A-F]{8} RC: 0 Initial Handshake .* TLSV1.2"

# Another job name: no rule, so curl speaks HTTP to the HTTPS port and fails.
maps=$(grep -c EZD1281I "$T/attlsd.log")
expect_fail "curl as USER1XXX" 1 sh -c "attls run -j USER1XXX -- curl -sS --max-time 20 \
	http://127.0.0.1:$port/ >/dev/null 2>&1 || exit 1"
[ "$(grep -c EZD1281I "$T/attlsd.log")" -eq "$maps" ] && ok || bad "another job name was mapped"
finish
