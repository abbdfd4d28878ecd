# lib.sh - sourced by the command-line tests.
#   expect_ok   NAME CMD...       CMD exits 0
#   expect_fail NAME STATUS CMD... CMD exits with STATUS
#   expect_out  NAME PATTERN      the last command's output matches PATTERN (grep -E)
#   finish                         prints "N passed, N failed"; exit status
passed=0
failed=0
out="$ATTLS_TMP/last-output"

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; sed 's/^/    | /' "$out" | head -40; }

expect_ok() {
	name=$1; shift
	if "$@" >"$out" 2>&1; then ok; else bad "$name: '$*' exited $?"; fi
}

expect_fail() {
	name=$1; want=$2; shift 2
	# "|| got=$?" keeps a caller's set -e from ending the script here,
	# without changing the caller's option settings.
	got=0
	"$@" >"$out" 2>&1 || got=$?
	if [ "$got" -eq "$want" ]; then ok; else bad "$name: '$*' exited $got, wanted $want"; fi
}

expect_out() {
	name=$1; pattern=$2
	if grep -Eq -- "$pattern" "$out"; then ok; else bad "$name: output lacks /$pattern/"; fi
}

expect_no_out() {
	name=$1; pattern=$2
	if grep -Eq -- "$pattern" "$out"; then bad "$name: output has /$pattern/"; else ok; fi
}

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

# make_pki DIR: a CA made for this run (DIR/ca.pem, DIR/ca.key) and an
# ECDSA P-256 server certificate it signs for localhost and 127.0.0.1
# (DIR/srv.crt, DIR/srv.key); DIR/server-ring.pem holds certificate, key
# and CA, ready for a policy's Keyring.
make_pki() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$1/ca.key" -out "$1/ca.pem" -subj "/CN=attls test CA" -days 2 \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=keyCertSign" \
		2>/dev/null
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1/srv.key" \
		-out "$1/srv.csr" -subj "/CN=localhost" 2>/dev/null
	printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$1/ext"
	openssl x509 -req -in "$1/srv.csr" -CA "$1/ca.pem" -CAkey "$1/ca.key" -CAcreateserial \
		-out "$1/srv.crt" -days 2 -extfile "$1/ext" 2>/dev/null
	cat "$1/srv.crt" "$1/srv.key" "$1/ca.pem" > "$1/server-ring.pem"
}

# start_attlsd POLICY LOG: attlsd in the background on $ATTLS_SOCKET with
# two workers, its log in LOG; sets $daemon and waits until the policy is
# installed (EZD1586I), or ends the test showing the log.
start_attlsd() {
	attlsd -f -p "$1" --workers 2 2> "$2" &
	daemon=$!
	i=0
	until grep -q EZD1586I "$2" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 300 ] || ! kill -0 "$daemon" 2>/dev/null; then
			cat "$2"
			echo "attlsd did not start"
			exit 1
		fi
		sleep 0.1
	done
}
