#!/bin/sh
# racdcert_test.sh - the seed RACDCERT and RACMAP command blocks, run
# unchanged through `racf` (only certificate dates moved into the future),
# the key rings they draw, EXPORTed certificates checked by openssl, and
# `attls saf usermap` on client certificates.
set -eu
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"

# ATTLS_SEEDS may name a directory holding the seed documents; without it
# the test uses the copies of their command blocks below.
seeds="${ATTLS_SEEDS:-/nonexistent}"
db="$ATTLS_TMP/saf.db"
t="$ATTLS_TMP"

# block FILE PATTERN: the first ``` block of FILE that contains PATTERN,
# with every certificate date moved to 2035.
block() {
	awk -v pat="$2" '
		/^```/ { if (inb) { if (buf ~ pat) { printf "%s", buf; exit } buf = ""; inb = 0 } else inb = 1; next }
		inb { buf = buf $0 "\n" }
	' "$1" | sed -E 's/([Dd][Aa][Tt][Ee]\()20[0-9][0-9]([/-])/\12035\2/g'
}

racf_q() { racf --db "$db" -q "$@"; }

# The certificates and users the seed exercises take from earlier jobs.
cat >"$t/setup.txt" <<'EOF'
ADDUSER LIBSERV
ADDUSER DB2USER
ADDUSER USER1
ADDGROUP ZCEEUSRS
ADDGROUP GMINVOKE
SETROPTS CLASSACT(FACILITY DIGTCERT DIGTRING) GENERIC(FACILITY)
SETROPTS RACLIST(FACILITY DIGTCERT DIGTRING)
RDEFINE FACILITY IRR.DIGTCERT.LISTRING UACC(NONE)
RDEFINE FACILITY IRR.DIGTCERT.LIST UACC(NONE)
racdcert certauth gencert subjectsdn(cn('zCEE CA') ou('ATS') o('IBM')) +
  withlabel('zCEE CA') keyusage(certsign) notafter(date(2035/12/31))
racdcert certauth gencert subjectsdn(cn('Liberty CA') ou('ATS') o('IBM')) +
  withlabel('Liberty CA') keyusage(certsign) notafter(date(2035/12/31))
racdcert id(USER1) gencert subjectsdn(cn('USER1') ou('ATS') o('IBM')) +
  withlabel('USER1') signwith(certauth label('Liberty CA')) +
  keyusage(handshake) notafter(date(2035/12/31))
racdcert id(libserv) addring(Liberty.KeyRing)
EOF
expect_ok setup racf_q -f "$t/setup.txt"

if [ -f "$seeds/001_585bc9cb6e0a4156.txt" ]; then
	block "$seeds/001_585bc9cb6e0a4156.txt" "ZCEE|zCEE Client Cert" >"$t/zceetlsc.txt"
	block "$seeds/001_585bc9cb6e0a4156.txt" "ADDRING\\(Liberty" >"$t/mvstls.txt"
	block "$seeds/000_e9cfcdfddcbdd9ea.txt" "Db2 CA" >"$t/db2tls.txt"
	block "$seeds/003_28ea5934f99250cc.txt" "RACMAP" >"$t/racmap.txt"
else
	cat >"$t/zceetlsc.txt" <<'EOF'
racdcert id(libserv) gencert subjectsdn(cn('zCEE Client Cert') +
ou('ATS') o('IBM')) withlabel('zCEE Client Cert') signwith(certauth +
label('zCEE CA')) notafter(date(2035/12/31))
racdcert id(libserv) addring(zCEE.KeyRing)
racdcert id(libserv) connect(ring(zCEE.KeyRing) +
label('zCEE CA') certauth usage(certauth))
racdcert id(libserv) connect(ring(zCEE.KeyRing) +
label('Liberty CA') certauth usage(certauth))
racdcert id(libserv) connect(ring(Liberty.KeyRing) +
label('zCEE CA') certauth usage(certauth))
racdcert id(libserv) connect(ring(zCEE.KeyRing) +
label('zCEE Client Cert') default)
racdcert id(libserv) listring(zCEE.KeyRing)
racdcert id(libserv) list
EOF
	cat >"$t/mvstls.txt" <<'EOF'
RACDCERT ID(USER1) ADDRING(Liberty.KeyRing)
RACDCERT ID(USER1) CONNECT(LABEL('USER1') +
    RING(Liberty.KeyRing) DEFAULT)
RACDCERT ID(USER1) CONNECT(CERTAUTH LABEL('Liberty CA') +
    RING(Liberty.KeyRing))
PERMIT IRR.DIGTCERT.LISTRING +
    CLASS(FACILITY) ID(USER1) ACCESS(READ)
PERMIT IRR.DIGTCERT.LIST +
    CLASS(FACILITY) ID(USER1) ACCESS(READ)
EOF
	cat >"$t/db2tls.txt" <<'EOF'
racdcert certauth gencert subjectsdn(cn('Db2 CA') ou('ATS') +
ou('ATS') o('IBM')) withlabel('DB2 CA') keyusage(certsign) +
notafter(date(2035/12/31))
racdcert id(DB2USER) gencert subjectsdn(cn('wg31.washington.ibm.com') +
ou('ATS') o('IBM')) withlabel('DB2USER') signwith(certauth +
label('DB2 CA')) notafter(date(2035/12/31))
racdcert id(db2user) addring(Db2.KeyRing)
racdcert id(db2user) connect(ring(Db2.KeyRing) +
label('DB2 CA') certauth usage(certauth))
racdcert id(db2user) connect(ring(Db2.KeyRing) +
label('zCEE CA') certauth usage(certauth))
racdcert id(libserv) connect(ring(zCEE.KeyRing) +
label('DB2 CA') certauth usage(certauth))
racdcert id(db2user) connect(ring(Db2.KeyRing) +
label('DB2USER') default
EOF
	printf "%s\n" "RACMAP ID(USER1) MAP USERDIDFILTER(NAME('distuser')) REGISTRY(NAME('*'))" >"$t/racmap.txt"
fi

# A seed block ran well when no RACDCERT/RACMAP command in it failed.
# (The SETROPTS lines of the seeds are the security manager's business.)
run_block() {
	name=$1; file=$2
	set +e
	racf --db "$db" -f "$file" >"$t/$name.out" 2>&1
	set -e
	if awk '/^ [Rr][Aa][Cc][Dd][Cc][Ee][Rr][Tt]|^ [Rr][Aa][Cc][Mm][Aa][Pp]/ { cmd = 1; next }
		/^ / { cmd = 0 } /^READY|^END/ { next }
		cmd && /IRRD|IRRW|IKJ|not supported|cannot|denied/ { bad = 1; print }
		END { exit bad }' "$t/$name.out" >"$out" 2>&1; then
		ok
	else
		bad "$name: a RACDCERT/RACMAP command failed"
		cat "$t/$name.out" | head -60
	fi
}

run_block zceetlsc "$t/zceetlsc.txt"
cp "$t/zceetlsc.out" "$out"
expect_out zceetlsc-listring "^  zCEE Client Cert +ID\\(LIBSERV\\) +PERSONAL +YES$"
expect_out zceetlsc-list "^  Label: zCEE Client Cert$"
run_block mvstls "$t/mvstls.txt"
run_block db2tls "$t/db2tls.txt"
run_block racmap "$t/racmap.txt"

# The rings as the seeds draw them.
expect_ok listring-db2 racf_q "racdcert id(db2user) listring(Db2.KeyRing)"
cat >"$t/want-db2" <<'EOF'
Digital ring information for user DB2USER:

  Ring:
       >Db2.KeyRing<
  Certificate Label Name             Cert Owner     USAGE      DEFAULT
  --------------------------------   ------------   --------   -------
  DB2 CA                             CERTAUTH       CERTAUTH     NO

  zCEE CA                            CERTAUTH       CERTAUTH     NO

  DB2USER                            ID(DB2USER)    PERSONAL     YES

EOF
if diff -u "$t/want-db2" "$out" >"$t/diff" 2>&1; then ok; else cp "$t/diff" "$out"; bad "Db2.KeyRing differs"; fi

expect_ok listring-zcee racf_q "racdcert id(libserv) listring(zCEE.KeyRing)"
expect_out zcee-1 "^  zCEE CA +CERTAUTH +CERTAUTH +NO$"
expect_out zcee-2 "^  Liberty CA +CERTAUTH +CERTAUTH +NO$"
expect_out zcee-3 "^  zCEE Client Cert +ID\\(LIBSERV\\) +PERSONAL +YES$"
expect_out zcee-4 "^  DB2 CA +CERTAUTH +CERTAUTH +NO$"
expect_ok listring-user1 racf_q "racdcert id(user1) listring(Liberty.KeyRing)"
expect_out user1-1 "^  Liberty CA +CERTAUTH +CERTAUTH +NO$"
expect_out user1-2 "^  USER1 +ID\\(USER1\\) +PERSONAL +YES$"
expect_ok listring-libserv racf_q "racdcert id(libserv) listring(Liberty.KeyRing)"
expect_out libserv-1 "^  zCEE CA +CERTAUTH +CERTAUTH +NO$"

# EXPORT, then openssl checks the chain and reads the names back.
expect_ok export-ca racf_q "racdcert certauth export(label('DB2 CA')) dsn('$t/db2ca.pem')"
expect_ok export-db2 racf_q "racdcert id(db2user) export(label('DB2USER')) dsn('$t/db2.pem') format(certb64)"
expect_ok export-zca racf_q "racdcert certauth export(label('zCEE CA')) dsn('$t/zca.pem') format(certder)"
expect_ok export-client racf_q "racdcert id(libserv) export(label('zCEE Client Cert')) dsn('$t/client.p12') format(pkcs12der) password('pw')"
expect_ok verify-db2 openssl verify -CAfile "$t/db2ca.pem" "$t/db2.pem"
expect_out verify-db2-ok ": OK"
expect_ok der-to-pem openssl x509 -inform DER -in "$t/zca.pem" -out "$t/zca2.pem"
expect_ok p12-read openssl pkcs12 -in "$t/client.p12" -passin pass:pw -nokeys -out "$t/client.pem"
expect_ok verify-client openssl verify -CAfile "$t/zca2.pem" "$t/client.pem"
expect_ok subject openssl x509 -in "$t/db2.pem" -noout -subject -nameopt RFC2253
expect_out subject-value "subject=CN=wg31.washington.ibm.com,OU=ATS,O=IBM"

# The certificate-to-user mapping.
if attls saf usermap --help >/dev/null 2>&1; then
	expect_ok usermap-registered attls saf usermap --cert "$t/db2.pem" --db "$db"
	expect_out usermap-registered-user "^DB2USER$"
	# A client certificate that is not registered: a MAP filter decides.
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$t/fred.key" -out "$t/fred.csr" -subj "/O=IBM/OU=ATS/CN=fred" 2>/dev/null
	expect_ok export-db2ca-key racf_q "racdcert certauth export(label('DB2 CA')) dsn('$t/db2ca.p12') format(pkcs12der) password('pw')"
	openssl pkcs12 -in "$t/db2ca.p12" -passin pass:pw -nocerts -nodes -out "$t/db2ca.key" 2>/dev/null
	openssl x509 -req -in "$t/fred.csr" -CA "$t/db2ca.pem" -CAkey "$t/db2ca.key" \
	    -set_serial 99 -days 30 -out "$t/fred.pem" 2>/dev/null
	expect_fail usermap-none 1 attls saf usermap --cert "$t/fred.pem" --db "$db"
	expect_out usermap-none-why "No user ID found for certificate"
	expect_ok map racf_q "racdcert id(user1) map sdnfilter('OU=ATS.O=IBM') idnfilter('CN=Db2 CA.OU=ATS.OU=ATS.O=IBM') withlabel('ats')"
	expect_ok usermap-filter attls saf usermap --cert "$t/fred.pem" --db "$db"
	expect_out usermap-filter-user "^USER1$"
	expect_fail usermap-usage 2 attls saf usermap
else
	echo "SKIP: attls saf usermap is not routed by 'attls saf' in this build"
fi

finish
