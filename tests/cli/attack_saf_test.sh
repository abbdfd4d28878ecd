#!/bin/sh
# attack_saf_test.sh - the security manager attacked by an unprivileged
# local user: a login name that spells a RACF user id, a RACDCERT EXPORT
# aimed through a planted file or symlink, a readable database, logons
# during a long key generation, and certificate names that pose as a
# RACDCERT MAP filter.  Needs root (to create the user it attacks as);
# otherwise it exits 77.
set -u
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: needs root to create a local user and run as it"
	exit 77
fi

B=$ATTLS_BIN/../..
T=$B/tests/unit/shim
D=$ATTLS_TMP
db="$D/saf.db"
export ATTLS_SOCKET="$D/attlsd.sock"
export ATTLS_SAFDB="$db"
unset ATTLS_REQUIRE ATTLS_JOBNAME || true
VICTIM_UID=64517
ATTACKER_UID=64518
login=atksaf5
chmod 0711 "$D"

daemon=
srv=
made_user=0
cleanup() {
	kill $daemon $srv 2>/dev/null || :
	wait 2>/dev/null || :
	if [ $made_user -eq 1 ]; then userdel "$login" 2>/dev/null || :; fi
}
trap 'st=$?; cleanup; exit $st' EXIT
trap 'exit 1' INT TERM HUP

as_attacker() {
	setpriv --reuid=$ATTACKER_UID --regid=$ATTACKER_UID --clear-groups "$@"
}

# --- 1. A login name that spells a user id is not that user -----------
# RACF user ATKSAF5 (OMVS UID $VICTIM_UID) owns a key ring.  The Linux
# account "atksaf5" has uid $ATTACKER_UID: it must not become ATKSAF5,
# match ATKSAF5's rule or get ATKSAF5's key ring.
if getent passwd "$login" >/dev/null; then
	# Left by an interrupted run of this test (same name and uid): remove.
	if [ "$(getent passwd "$login" | cut -d: -f3)" = $ATTACKER_UID ]; then
		userdel "$login"
	else
		echo "a local user $login already exists; remove it first"
		exit 1
	fi
fi
if ! useradd -M -N -u $ATTACKER_UID -s /bin/false "$login" 2>"$D/useradd.err"; then
	cat "$D/useradd.err"
	echo "cannot create the local user $login (uid $ATTACKER_UID)"
	exit 1
fi
made_user=1
cat >"$D/setup.txt" <<EOF
ADDUSER ATKSAF5 OMVS(UID($VICTIM_UID))
SETROPTS CLASSACT(FACILITY)
RDEFINE FACILITY IRR.DIGTCERT.LISTRING UACC(READ)
RDEFINE FACILITY IRR.DIGTCERT.LIST UACC(READ)
RACDCERT ID(ATKSAF5) GENCERT SUBJECTSDN(CN('victim atksaf5')) +
  WITHLABEL('victim') NOTAFTER(DATE(2035/12/31))
RACDCERT ID(ATKSAF5) ADDRING(VRING)
RACDCERT ID(ATKSAF5) CONNECT(ID(ATKSAF5) LABEL('victim') RING(VRING) DEFAULT)
EOF
expect_ok "setup: ATKSAF5 owns a ring" racf --db "$db" -q -f "$D/setup.txt"

cat >"$D/policy" <<'POLICY'
TTLSRule VictimRule
{
  LocalPortRange 1024-65535
  Userid ATKSAF5
  Direction Inbound
  Priority 100
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
    Keyring VRING
  }
}
POLICY
start_attlsd "$D/policy" "$D/attlsd.log"

mkdir "$D/u" && chown $ATTACKER_UID "$D/u"
as_attacker attls run -j ATKSRV -- "$T/shim-client" http "$D/u/port" \
	>"$D/u/http.out" 2>&1 &
srv=$!
i=0; while [ ! -s "$D/u/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
port=$(cat "$D/u/port")
(printf 'GET / HTTP/1.0\r\n\r\n'; sleep 1) | timeout 20 openssl s_client \
	-connect "127.0.0.1:$port" -brief >"$out" 2>&1
expect_no_out "login atksaf5 does not present ATKSAF5's certificate" 'victim atksaf5'
kill $srv 2>/dev/null; wait $srv 2>/dev/null; srv=
cp "$D/attlsd.log" "$out"
expect_no_out "ATKSAF5's rule is not applied to uid $ATTACKER_UID" 'RULE: VictimRule'
# A process of uid $VICTIM_UID is ATKSAF5 and gets the ring (the rule works).
rm -f "$D/u/port"; chown $VICTIM_UID "$D/u"
setpriv --reuid=$VICTIM_UID --regid=$VICTIM_UID --clear-groups \
	attls run -j VICSRV -- "$T/shim-client" http "$D/u/port" >"$D/u/http.out" 2>&1 &
srv=$!
i=0; while [ ! -s "$D/u/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
port=$(cat "$D/u/port")
(printf 'GET / HTTP/1.0\r\n\r\n'; sleep 1) | timeout 20 openssl s_client \
	-connect "127.0.0.1:$port" -brief >"$out" 2>&1
expect_out "uid $VICTIM_UID is ATKSAF5 and presents its certificate" 'victim atksaf5'
wait $srv 2>/dev/null; srv=
kill $daemon 2>/dev/null; wait $daemon 2>/dev/null; daemon=
cp "$D/attlsd.log" "$out"
expect_out "  and the log shows ATKSAF5's rule for it" "USERID: ATKSAF5 .*RULE: VictimRule"

# --- 2. RACDCERT EXPORT never writes through a planted file or link ---
# The administrator exports into a directory the attacker owns (its home,
# say).  A file the attacker made first (0666) and a symlink to a
# root-owned file must both be refused and left as they were.
h="$D/home"
mkdir "$h" && chown $ATTACKER_UID "$h" && chmod 0755 "$h"
as_attacker sh -c "umask 0; : > '$h/key.p12'; chmod 0666 '$h/key.p12'"
printf 'precious\n' >"$D/rootfile"; chmod 0600 "$D/rootfile"
as_attacker ln -s "$D/rootfile" "$h/link.p12"
exp() { racf --db "$db" "RACDCERT ID(ATKSAF5) EXPORT(LABEL('victim')) DSN('$1') FORMAT(PKCS12DER) PASSWORD('pw4test') $2"; }
expect_fail "EXPORT into a planted 0666 file is refused" 1 exp "$h/key.p12" ""
expect_out "  ... saying it exists" 'already exists'
expect_ok "  the planted file is still empty" test ! -s "$h/key.p12"
expect_ok "  and still the attacker's" test "$(stat -c %u "$h/key.p12")" -eq $ATTACKER_UID
expect_fail "EXPORT through a symlink is refused" 1 exp "$h/link.p12" ""
expect_ok "  the root-owned target is untouched" grep -qx precious "$D/rootfile"
expect_fail "EXPORT REPLACE of a symlink is refused" 1 exp "$h/link.p12" REPLACE
expect_out "  ... saying it is not a regular file" 'not a regular file'
expect_ok "  the root-owned target is still untouched" grep -qx precious "$D/rootfile"
expect_ok "  the link is still a link" test -L "$h/link.p12"
expect_ok "EXPORT REPLACE of the planted file" exp "$h/key.p12" REPLACE
expect_ok "  gives a new root file" test "$(stat -c %u:%a "$h/key.p12")" = 0:600
expect_ok "  that is the PKCS#12" openssl pkcs12 -in "$h/key.p12" -passin pass:pw4test -nokeys -noout
expect_ok "EXPORT to a new file" exp "$D/new.p12" ""
expect_ok "  is mode 0600" test "$(stat -c %a "$D/new.p12")" = 600

# --- 3. A database others can read or write is refused ----------------
# A readable file gave away the PassTicket keys; a writable directory lets
# anyone put another database (or a -wal file) in its place.
mkdir "$D/p" && cp "$db" "$D/p/saf.db" && chmod 0644 "$D/p/saf.db"
expect_fail "a 0644 database is refused (racf)" 2 racf --db "$D/p/saf.db" "LISTUSER ATKSAF5"
expect_out "  ... saying to chmod 600" 'has mode 0644.*chmod 600'
expect_fail "a 0644 database is refused (attls saf)" 1 attls saf check --db "$D/p/saf.db" \
	--user ATKSAF5 --class FACILITY --resource IRR.DIGTCERT.LIST --access READ
expect_out "  ... saying to chmod 600" 'chmod 600'
chmod 0600 "$D/p/saf.db"; chmod 0777 "$D/p"
expect_fail "a database in a 0777 directory is refused" 2 racf --db "$D/p/saf.db" "LISTUSER ATKSAF5"
expect_out "  ... naming the directory" "directory $D/p .*writable by group or others"
chmod 0700 "$D/p"
expect_ok "the same database, 0600 in a 0700 directory, opens" racf --db "$D/p/saf.db" "LISTUSER ATKSAF5"

# --- 4. A slow GENCERT does not lock out logons ------------------------
# A 4096-bit RSA key takes seconds; it is generated before the command's
# transaction opens, so password verifications run meanwhile.  Counted:
# verifications that finished while GENCERT was still running (none can,
# if it holds the write lock for the key generation).
printf 'ADDUSER VUSER\nALTUSER VUSER PASSWORD(vpw4test) NOEXPIRED\n' >"$D/vuser.txt"
racf --db "$db" -q -f "$D/vuser.txt" >/dev/null 2>&1
echo vpw4test | attls saf verify --db "$db" --user VUSER >"$out" 2>&1
expect_out "setup: the password verifies" '^ok$'
# Up to 8 key generations, until 3 verifications have finished during one
# (a slow build, a sanitizer build, may fit only one into each).
during=0; vfail=0
for n in 1 2 3 4 5 6 7 8; do
	[ $during -ge 3 ] && break
	rm -f "$D/gen.done"
	(racf --db "$db" -q "RACDCERT ID(VUSER) GENCERT SUBJECTSDN(CN('slow $n')) WITHLABEL('slow$n') SIZE(4096)" \
		>"$D/gen.out" 2>&1; echo $? >"$D/gen.done") &
	sleep 0.3
	while [ ! -e "$D/gen.done" ]; do
		if echo vpw4test | attls saf verify --db "$db" --user VUSER >"$D/v.out" 2>&1; then
			[ -e "$D/gen.done" ] || during=$((during + 1))
		else
			vfail=$((vfail + 1)); cp "$D/v.out" "$D/vfail.out"
		fi
	done
	wait
	cp "$D/gen.out" "$out"; [ "$(cat "$D/gen.done")" = 0 ] && ok || bad "GENCERT SIZE(4096) #$n failed"
done
[ -e "$D/vfail.out" ] && cp "$D/vfail.out" "$out"
expect_ok "no verification failed during GENCERT ($vfail failed)" test $vfail -eq 0
expect_ok "verifications ran while GENCERT generated its key ($during did)" test $during -ge 3

echo "verifications completed during GENCERT: $during"
# --- 5. A certificate name cannot pose as a filter ----------------------
# SDNFILTER('OU=ATS.O=IBM') maps IBM's ATS department to ATSMAP.  A client
# certificate (signed by the same trusted CA) whose O *value* is
# "Evil Corp.OU=ATS.O=IBM", whose OU value is "ATS.O=IBM", or whose O and
# OU are one multi-valued RDN, must not map to ATSMAP.
c="$D/certs"; mkdir "$c"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$c/ca.key" \
	-out "$c/ca.pem" -subj "/O=IBM/CN=Map CA" -days 2 \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=keyCertSign" 2>/dev/null
mkcert() { # NAME SUBJECT [-multivalue-rdn]
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$c/$1.key" \
		-out "$c/$1.csr" -subj "$2" ${3:-} 2>/dev/null
	openssl x509 -req -in "$c/$1.csr" -CA "$c/ca.pem" -CAkey "$c/ca.key" \
		-set_serial "$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')" -days 2 -out "$c/$1.pem" 2>/dev/null
}
mkcert bob "/O=IBM/OU=ATS/CN=bob"
mkcert evil "/O=Evil Corp.OU=ATS.O=IBM/CN=mallory"
mkcert evilou "/OU=ATS.O=IBM/CN=mallory"
mkcert multi "/O=IBM+OU=ATS/CN=mallory" -multivalue-rdn
cat >"$D/map.txt" <<EOF
ADDUSER ATSMAP
RACDCERT CERTAUTH ADD('$c/ca.pem') WITHLABEL('Map CA') TRUST
RACDCERT ID(ATSMAP) MAP SDNFILTER('OU=ATS.O=IBM') IDNFILTER('CN=Map CA.O=IBM') WITHLABEL('ats')
EOF
expect_ok "setup: a MAP filter for OU=ATS.O=IBM" racf --db "$db" -q -f "$D/map.txt"
expect_ok "a real ATS certificate maps" attls saf usermap --cert "$c/bob.pem" --db "$db"
expect_out "  to ATSMAP" '^ATSMAP$'
expect_fail "O='Evil Corp.OU=ATS.O=IBM' does not map" 1 attls saf usermap --cert "$c/evil.pem" --db "$db"
expect_no_out "  (not to ATSMAP)" 'ATSMAP'
expect_fail "OU='ATS.O=IBM' does not map" 1 attls saf usermap --cert "$c/evilou.pem" --db "$db"
expect_fail "a multi-valued RDN O=IBM+OU=ATS does not map" 1 attls saf usermap --cert "$c/multi.pem" --db "$db"
expect_fail "a filter with a trailing period is refused" 1 racf --db "$db" \
	"RACDCERT ID(ATSMAP) MAP SDNFILTER('O=Acme Inc.') WITHLABEL('acme')"
expect_out "  ... saying how to write a period" 'period inside a value'

finish
