#!/bin/sh
# demo.sh BUILD_DIR: the batch-client and Db2 labs of the seed documents,
# run on this machine in a temporary directory: a fresh security database
# built with the labs' RACF commands, the labs' AT-TLS policies, one attlsd,
# and unmodified programs (curl, python's http.server) that get TLS without
# knowing it.  Nothing is installed and nothing outside the temporary
# directory is touched.
set -eu
build=$(cd "${1:-build}" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$build/src/cli:$build/src/daemon:$PATH"
export PATH
T=$(mktemp -d "${TMPDIR:-/tmp}/attls-demo.XXXXXX")
export ATTLS_SOCKET="$T/attlsd.sock" ATTLS_SAFDB="$T/saf.db"
pids=""
cleanup() {
	st=$?
	for p in $pids; do kill "$p" 2>/dev/null || :; done
	wait 2>/dev/null || :
	rm -rf "$T"
	exit $st
}
trap cleanup EXIT INT TERM

say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
show() { sed 's/^/    /'; }
wait_for() { # FILE PATTERN
	i=0
	until grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 200 ]; then echo "demo: gave up waiting for '$2' in $1" >&2; exit 1; fi
		sleep 0.05
	done
}
me=$(id -u)
admin=$(id -un | tr '[:lower:]' '[:upper:]' | cut -c1-8)

say "attls demonstration: transparent TLS chosen by an AT-TLS policy"
echo "Working in $T (removed at the end)."

# ---------------------------------------------------------------------------
say "1. The security manager: the batch-client lab's RACF commands"
echo "   The lab's MVSTLS job builds USER1's key ring; racf runs it as printed."
racf -q -f "$top/examples/lab/batch-client-prereq.racf" >/dev/null 2>&1
racf -f "$top/examples/lab/mvstls.racf" 2>/dev/null | show
racf -q "RACDCERT ID(USER1) LISTRING(Liberty.KeyRing)" | show
racf -q "RACDCERT CERTAUTH EXPORT(LABEL('Liberty CA')) DSN('$T/ca.pem') FORMAT(CERTB64)"
racf -q "RACDCERT ID(LIBSERV) EXPORT(LABEL('Liberty Server')) DSN('$T/server.p12') FORMAT(PKCS12DER) PASSWORD('demo')"
openssl pkcs12 -in "$T/server.p12" -passin pass:demo -nodes -out "$T/server.pem" 2>/dev/null
printf 'ALTUSER %s NOOMVS\nALTUSER USER1 OMVS(UID(%s))\n' "$admin" "$me" > "$T/handover.racf"
racf -q -f "$T/handover.racf"
echo "   The batch job runs under USER1: this Linux account is now USER1 (OMVS UID $me)."

# ---------------------------------------------------------------------------
say "2. An HTTPS server that demands a client certificate (openssl s_server)"
openssl s_server -accept 0 -cert "$T/server.pem" -CAfile "$T/ca.pem" -Verify 1 \
	-verify_return_error -www > "$T/s_server.out" 2>&1 &
pids="$pids $!"
wait_for "$T/s_server.out" ACCEPT
port=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$T/s_server.out")
echo "   listening on 127.0.0.1:$port; a plain HTTP request there gets nowhere:"
if curl -sS --max-time 10 "http://127.0.0.1:$port/" >/dev/null 2>"$T/plain.err"; then
	echo "demo: the TLS server answered plain HTTP" >&2; exit 1
fi
show < "$T/plain.err"

# ---------------------------------------------------------------------------
say "3. The lab's AT-TLS policy, as printed (port 9443 becomes $port)"
sed "s/Port                   9443/Port                   $port/" \
	"$top/examples/seed-batch-client.policy" > "$T/batch.policy"
attls policy check "$T/batch.policy" | show
attls policy explain "$T/batch.policy" --direction out --local 127.0.0.1:40000 \
	--remote "127.0.0.1:$port" --job USER1GET | head -1 | show
attls policy explain "$T/batch.policy" --direction out --local 127.0.0.1:40000 \
	--remote "127.0.0.1:$port" --job OTHERJOB | head -1 | show
attlsd -f -p "$T/batch.policy" --workers 2 2> "$T/attlsd.log" &
pids="$pids $!"
wait_for "$T/attlsd.log" EZD1586I
echo "   attlsd installed it:"
grep -E "EZZ8771I|EZD1586I" "$T/attlsd.log" | sed 's/^[^ ]* //' | show

# ---------------------------------------------------------------------------
say "4. curl, unmodified, under job name USER1GET: plain HTTP in, TLS on the wire"
echo "   \$ attls run -j USER1GET -- curl http://127.0.0.1:$port/"
attls run -j USER1GET -- curl -sS --max-time 20 "http://127.0.0.1:$port/" > "$T/page.html"
echo "   The server's page describes the TLS session curl never knew about:"
grep -E "^New, |Protocol  :|Cipher    :" "$T/page.html" | show
sed -n '/^Client certificate/,/Subject:/p' "$T/page.html" | grep -E "Client certificate|Subject:" | show

say "5. The same curl under job name OTHERJOB: no rule matches, it goes out in cleartext"
if attls run -j OTHERJOB -- curl -sS --max-time 20 "http://127.0.0.1:$port/" >/dev/null 2>"$T/other.err"; then
	echo "demo: OTHERJOB unexpectedly got the page" >&2; exit 1
fi
show < "$T/other.err"

say "6. What the operator sees (attlsd's log, as in the lab)"
grep -E "EZD128[0-9]I" "$T/attlsd.log" | sed 's/^[^ ]* //' | fold -s -w 100 | show

# ---------------------------------------------------------------------------
say "7. The Db2 lab: an unmodified plain server protected in the server role"
for p in $pids; do kill "$p" 2>/dev/null || :; done
wait 2>/dev/null || :
pids=""
rm -f "$ATTLS_SAFDB" "$ATTLS_SAFDB-wal" "$ATTLS_SAFDB-shm"
racf -q -f "$top/examples/lab/db2-prereq.racf" >/dev/null 2>&1
racf -q -f "$top/examples/lab/db2tls.racf" >/dev/null 2>&1
racf -q "RACDCERT CERTAUTH EXPORT(LABEL('DB2 CA')) DSN('$T/db2ca.pem') FORMAT(CERTB64)"
printf 'ALTUSER DB2USER SPECIAL\nALTUSER %s NOOMVS\nALTUSER DB2USER OMVS(UID(%s))\n' \
	"$admin" "$me" > "$T/handover.racf"
racf -q -f "$T/handover.racf"
echo "   DB2TLS ran as printed; this account is now DB2USER, which may not yet read its ring."
mkdir -p "$T/www"
echo "Hello from a plain HTTP server that has never heard of TLS" > "$T/www/index.html"
attls run -j DSN2DIST -- python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$T/www" \
	> "$T/http.out" 2>&1 &
pids="$pids $!"
wait_for "$T/http.out" "port [0-9]"
dport=$(sed -n 's/.* port \([0-9]*\) .*/\1/p' "$T/http.out" | head -1)
sed "s/Port             2445/Port             $dport/" \
	"$top/examples/seed-db2-server.policy" > "$T/db2.policy"
attlsd -f -p "$T/db2.policy" --workers 2 2> "$T/attlsd2.log" &
pids="$pids $!"
wait_for "$T/attlsd2.log" EZD1586I
url="https://wg31.washington.ibm.com:$dport/"
res="wg31.washington.ibm.com:$dport:127.0.0.1"
echo "   \$ curl --cacert db2ca.pem $url"
curl -sS --max-time 20 --cacert "$T/db2ca.pem" --resolve "$res" "$url" 2>&1 | show || :
echo "   attlsd's log says why, as the lab does:"
grep -E "RC: 202|ICH408I" "$T/attlsd2.log" | sed 's/^[^ ]* //' | fold -s -w 100 | show
printf 'PERMIT IRR.DIGTCERT.LISTRING CLASS(FACILITY) ID(DB2USER) ACCESS(READ)\nPERMIT IRR.DIGTCERT.LIST CLASS(FACILITY) ID(DB2USER) ACCESS(READ)\nSETROPTS RACLIST(FACILITY) REFRESH\n' > "$T/permit.racf"
racf -q -f "$T/permit.racf" >/dev/null
echo "   After PERMIT IRR.DIGTCERT.LISTRING / IRR.DIGTCERT.LIST for DB2USER:"
curl -sS -v --max-time 20 --cacert "$T/db2ca.pem" --resolve "$res" "$url" > "$T/db2.page" 2> "$T/db2.err"
grep -E "SSL connection using" "$T/db2.err" | show
show < "$T/db2.page"
echo "   A TLS 1.3 client is refused, as the policy allows TLS 1.2 only:"
curl -sS --max-time 20 --tlsv1.3 --cacert "$T/db2ca.pem" --resolve "$res" "$url" 2>&1 | show || :
attls status | show

say "Done. Run 'make check' for the tests; docs/ describes every part."
