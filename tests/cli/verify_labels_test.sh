# verify_labels_test.sh - ServerCertificateLabel is what a server presents:
# a key ring in the security database holds a default certificate and two
# labelled ones (RSA and ECDSA); the rule names only the two labels, so a
# TLS client must get the RSA one when it offers only RSA signatures, the
# ECDSA one when it offers only ECDSA, and never the ring's default.  A
# rule naming two certificates of one key type cannot keep its promise and
# serves nothing.
set -u
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"

T=$ATTLS_TMP
export ATTLS_SOCKET="$T/attlsd.sock" ATTLS_SAFDB="$T/saf.db"
unset ATTLS_REQUIRE ATTLS_JOBNAME || :
me=$(id -un | tr '[:lower:]' '[:upper:]' | cut -c1-8)

if ! command -v attls-stress >/dev/null 2>&1; then
	echo "FAIL: attls-stress is not built (tests/tools)"
	exit 1
fi

cat > "$T/ring.racf" <<RACF
SETROPTS CLASSACT(FACILITY DIGTCERT DIGTRING)
SETROPTS RACLIST(FACILITY DIGTCERT DIGTRING)
RDEFINE FACILITY IRR.DIGTCERT.LISTRING UACC(READ)
RDEFINE FACILITY IRR.DIGTCERT.LIST UACC(READ)
RACDCERT CERTAUTH GENCERT SUBJECTSDN(CN('Label CA')) WITHLABEL('Label CA') +
  KEYUSAGE(CERTSIGN) NOTAFTER(DATE(2035/12/31))
RACDCERT ID($me) GENCERT SUBJECTSDN(CN('default.example')) WITHLABEL('Default') +
  SIGNWITH(CERTAUTH LABEL('Label CA')) NISTECC SIZE(256)
RACDCERT ID($me) GENCERT SUBJECTSDN(CN('rsa.example')) WITHLABEL('RSA2048') +
  SIGNWITH(CERTAUTH LABEL('Label CA')) RSA SIZE(2048)
RACDCERT ID($me) GENCERT SUBJECTSDN(CN('rsa2.example')) WITHLABEL('RSA2') +
  SIGNWITH(CERTAUTH LABEL('Label CA')) RSA SIZE(2048)
RACDCERT ID($me) GENCERT SUBJECTSDN(CN('ecc.example')) WITHLABEL('NISTECCTEST') +
  SIGNWITH(CERTAUTH LABEL('Label CA')) NISTECC SIZE(256)
RACDCERT ID($me) ADDRING(Srv.Ring)
RACDCERT ID($me) CONNECT(RING(Srv.Ring) LABEL('Label CA') CERTAUTH USAGE(CERTAUTH))
RACDCERT ID($me) CONNECT(RING(Srv.Ring) LABEL('Default') DEFAULT)
RACDCERT ID($me) CONNECT(RING(Srv.Ring) LABEL('RSA2048'))
RACDCERT ID($me) CONNECT(RING(Srv.Ring) LABEL('RSA2'))
RACDCERT ID($me) CONNECT(RING(Srv.Ring) LABEL('NISTECCTEST'))
SETROPTS RACLIST(FACILITY DIGTCERT DIGTRING) REFRESH
RACF
expect_ok "the key ring" racf -q -f "$T/ring.racf"

# server NAME JOB LABEL-LINES: an inbound rule for jobname JOB.
server() {
	cat <<POLICY
TTLSRule $1
{
  LocalAddr 127.0.0.1
  LocalPortRange 1024-65535
  Jobname $2
  Direction Inbound
  Priority 100
  TTLSGroupActionRef grp
  TTLSEnvironmentActionRef $1Env
}
TTLSEnvironmentAction $1Env
{
  HandshakeRole Server
  TTLSKeyringParms
  {
    Keyring Srv.Ring
  }
  TTLSEnvironmentAdvancedParms
  {
    TLSv1.3 On
$3
  }
}
POLICY
}
{
	server Labels LBLSRV '    ServerCertificateLabel RSA2048
    ServerCertificateLabel NISTECCTEST'
	server SameType SAMESRV '    ServerCertificateLabel RSA2048
    ServerCertificateLabel RSA2'
	printf 'TTLSGroupAction grp\n{\n  TTLSEnabled On\n  Trace 15\n}\n'
} > "$T/policy"
expect_ok "policy check" attls policy check "$T/policy"

daemon=
pids=
trap 'st=$?; kill $pids $daemon 2>/dev/null || :; wait 2>/dev/null || :; exit $st' EXIT
start_attlsd "$T/policy" "$T/attlsd.log"

# endpoint JOB: a plain program accepting connections; its port in $port.
endpoint() {
	rm -f "$T/port"
	attls run -j "$1" -- attls-stress -S "$T/port" > "$T/$1.out" 2>&1 &
	pids="$pids $!"
	i=0
	while [ ! -s "$T/port" ]; do
		i=$((i + 1))
		if [ $i -gt 300 ]; then cat "$T/$1.out"; echo "FAIL: endpoint $1"; exit 1; fi
		sleep 0.1
	done
	port=$(cat "$T/port")
}

# hello ARGS...: an openssl s_client handshake; its output in $out.
hello() {
	printf 'x' | timeout 20 openssl s_client -connect "127.0.0.1:$port" -brief "$@" \
		> "$out" 2>&1
}

endpoint LBLSRV
for v in -tls1_2 -tls1_3; do
	hello $v -sigalgs 'RSA-PSS+SHA256:RSA+SHA256'
	expect_out "$v RSA signatures: the RSA label" 'Peer certificate: CN ?= ?rsa\.example'
	hello $v -sigalgs 'ECDSA+SHA256'
	expect_out "$v ECDSA signatures: the ECDSA label" 'Peer certificate: CN ?= ?ecc\.example'
	hello $v
	expect_out "$v any signature: a labelled certificate" 'Peer certificate: CN ?= ?(rsa|ecc)\.example'
	expect_no_out "$v never the ring's default" 'default\.example'
done

endpoint SAMESRV
hello
expect_no_out "two labels of one key type: no handshake" 'CONNECTION ESTABLISHED'

cp "$T/attlsd.log" "$out"
expect_out "the environment is refused" "EZD1286I .* RC: 3 Environment Master Init"
expect_out "the log says why" \
	"ServerCertificateLabel: certificate 2 has the same key type as the first"
expect_out "the connection is refused" "EZD1286I .* JOBNAME: SAMESRV .* RC: 5006 Initial Handshake"
kill -0 $daemon 2>/dev/null && ok || bad "attlsd died"
finish
