# stress_test.sh - hundreds of concurrent connections where both ends are
# transparent: attls-stress runs under `attls run -j STRESS` as the server
# (an inbound ServerWithClientAuth rule that requires and verifies a client
# certificate) and as every client (an outbound Client rule presenting one):
# mutual TLS both ways on one host.
# It transfers random sizes in a known pattern one or both ways, with
# half-closes, clients that close mid-transfer and children killed while
# holding connections, and checks every byte; once with TLS 1.2, then again
# after a refresh to TLS 1.3.  After each run attlsd must hold
# no connection and no more descriptors than before the run.
#
# Knobs (environment): STRESS_SEED (else random, printed), STRESS_CONNS
# (default 400), STRESS_MAXBYTES (default 8 MiB, 2 MiB with sanitizers),
# STRESS_CHILDREN (2), STRESS_PER_CHILD (8), STRESS_VANISH_PCT (8).
set -u
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"

B=$ATTLS_BIN/../..
T=$ATTLS_TMP
cd "$T" || exit 1
export ATTLS_SOCKET="$T/attlsd.sock"
unset ATTLS_REQUIRE ATTLS_JOBNAME || :

if ! command -v attls-stress >/dev/null 2>&1; then
	echo "FAIL: attls-stress is not built (tests/tools)"
	exit 1
fi
maxbytes=$((8 * 1024 * 1024))
if nm -D "$B/src/shim/libattls.so" 2>/dev/null | grep -q __asan_init; then
	maxbytes=$((2 * 1024 * 1024))
fi
conns=${STRESS_CONNS:-400}
maxbytes=${STRESS_MAXBYTES:-$maxbytes}
children=${STRESS_CHILDREN:-2}
per_child=${STRESS_PER_CHILD:-8}
vanish=${STRESS_VANISH_PCT:-8}

# Each connection costs attlsd four descriptors (two TCP sockets, two pair
# ends) and the program two; raise the soft limit as far as allowed.
# (ulimit -n is not in POSIX but every sh the tests run under has it.)
# shellcheck disable=SC3045
ulimit -n "$(ulimit -Hn 2>/dev/null)" 2>/dev/null || :
need=$(( (conns + children * per_child) * 4 + 64 ))
# shellcheck disable=SC3045
lim=$(ulimit -n 2>/dev/null) || lim=
case $lim in
''|*[!0-9]*) ;; # unlimited, or the shell cannot tell
*)
	if [ "$lim" -lt "$need" ]; then
		echo "FAIL: the descriptor limit ($lim) is below the $need this test needs"
		exit 1
	fi
	;;
esac

make_pki "$T"
# The client side presents its own certificate: mutual TLS both ways, the
# server requiring and verifying it (ServerWithClientAuth, Required).
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/clt.key" \
	-out "$T/clt.csr" -subj "/CN=stress client" 2>/dev/null
openssl x509 -req -in "$T/clt.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial \
	-out "$T/clt.crt" -days 2 2>/dev/null
cat "$T/clt.crt" "$T/clt.key" "$T/ca.pem" > "$T/client-ring.pem"

# write_policy TLSV1.2 TLSV1.3: the server's protocol versions (the client
# offers both).
write_policy() {
	cat > "$T/policy.new" <<POLICY
TTLSRule StressServer
{
  LocalAddr 127.0.0.1
  LocalPortRange 1024-65535
  Jobname STRESS
  Direction Inbound
  Priority 100
  TTLSGroupActionRef grp
  TTLSEnvironmentActionRef srvenv
}
TTLSRule StressClient
{
  RemoteAddr 127.0.0.1
  RemotePortRange 1024-65535
  Jobname STRESS
  Direction Outbound
  Priority 90
  TTLSGroupActionRef grp
  TTLSEnvironmentActionRef cltenv
}
TTLSGroupAction grp
{
  TTLSEnabled On
  Trace 7
}
TTLSEnvironmentAction srvenv
{
  HandshakeRole ServerWithClientAuth
  TTLSKeyringParms
  {
    Keyring $T/server-ring.pem
  }
  TTLSEnvironmentAdvancedParms
  {
    TLSv1.2 $1
    TLSv1.3 $2
    ClientAuthType Required
    HandshakeTimeout 60
  }
}
TTLSEnvironmentAction cltenv
{
  HandshakeRole Client
  TTLSKeyringParms
  {
    Keyring $T/client-ring.pem
  }
  TTLSEnvironmentAdvancedParms
  {
    TLSv1.2 On
    TLSv1.3 On
    HostReferenceIdDNS localhost
    HandshakeTimeout 60
  }
}
POLICY
	mv "$T/policy.new" "$T/policy"
}
write_policy On Off
expect_ok "policy check" attls policy check "$T/policy"

# A daemon that cannot install its first policy must end cleanly (status 1
# and the reason), not crash while it cleans up workers it never started.
printf 'TTLSRule broken\n{\n  Direction Sideways\n}\n' > "$T/bad-policy"
expect_fail "attlsd refuses a bad first policy with status 1" 1 \
	timeout 30 attlsd -f -p "$T/bad-policy" --socket "$T/bad.sock" --workers 2
expect_out "the refusal is explained" 'EZZ8438I .*bad-policy:3:'
expect_no_out "no sanitizer report from the refusal" 'runtime error|Sanitizer'

daemon=
stress=
trap 'st=$?; kill $stress $daemon 2>/dev/null || :; wait 2>/dev/null || :; exit $st' EXIT
start_attlsd "$T/policy" "$T/attlsd.log"

# shellcheck disable=SC2012
# attlsd's descriptors and its TLS engine's (which holds the connections').
fds() {
	for p in "$daemon" $(pgrep -P "$daemon"); do ls "/proc/$p/fd"; done 2>/dev/null | wc -l
}
# count PATTERN: lines of attlsd's log that match.
count() { grep -c -E -- "$1" "$T/attlsd.log"; }
fd_before=$(fds)
total=$((conns + children * per_child))
seedopt=
[ -n "${STRESS_SEED:-}" ] && seedopt="-s $STRESS_SEED"

# run_stress NAME PROTOCOL: one run; every handshake must be PROTOCOL.
run_stress() {
	in0=$(count 'EZD1281I .*JOBNAME: STRESS .*TYPE: InBound STATUS: Enabled RULE: StressServer')
	out0=$(count 'EZD1281I .*JOBNAME: STRESS .*TYPE: OutBound STATUS: Enabled RULE: StressClient')
	hs0=$(count "EZD1283I .*RC: 0 Initial Handshake .* $2 ")
	other0=$(count 'EZD1283I .*RC: 0 Initial Handshake ')
	echo "  $1:"
	start=$(date +%s)
	# (A loaded machine may be slow to answer hundreds of hand-overs at
	# once: give the shim more than its default 5 s per request.)
	# shellcheck disable=SC2086
	ATTLS_TIMEOUT_MS=30000 attls run -j STRESS -- attls-stress $seedopt -n "$conns" -M "$maxbytes" \
		-k "$children" -K "$per_child" -v "$vanish" -H 25 -t 150 \
		> "$T/stress.out" 2>&1 &
	stress=$!
	wait $stress
	rc=$?
	stress=
	end=$(date +%s)
	cp "$T/stress.out" "$out"
	grep -v '^stress: conn ' "$T/stress.out" | head -20 | sed 's/^/    /'
	echo "    the run took $((end - start))s"
	if [ $rc -eq 0 ]; then ok; else bad "$1: attls-stress exited $rc"; fi
	expect_out "$1: every byte verified" '^stress: OK$'

	# Both ends of every connection went through a rule (no cleartext).
	cp "$T/attlsd.log" "$out"
	n_in=$(($(count 'EZD1281I .*JOBNAME: STRESS .*TYPE: InBound STATUS: Enabled RULE: StressServer') - in0))
	n_out=$(($(count 'EZD1281I .*JOBNAME: STRESS .*TYPE: OutBound STATUS: Enabled RULE: StressClient') - out0))
	if [ "$n_in" -eq "$total" ] && [ "$n_out" -eq "$total" ]; then ok; else
		bad "$1: expected $total inbound and $total outbound maps, saw $n_in and $n_out"; fi
	hs=$(($(count "EZD1283I .*RC: 0 Initial Handshake .* $2 ") - hs0))
	other=$(($(count 'EZD1283I .*RC: 0 Initial Handshake ') - other0 - hs))
	if [ "$hs" -gt "$total" ] && [ "$other" -eq 0 ]; then ok; else
		bad "$1: $hs handshakes with $2, $other with another version"; fi
	expect_no_out "$1: no malformed requests" 'malformed request'
	expect_no_out "$1: no sanitizer report from attlsd" 'runtime error|Sanitizer'

	# attlsd lets go of every connection and descriptor within seconds.
	i=0
	while :; do
		attls status > "$T/status" 2>&1
		conn_line=$(grep '^connections:' "$T/status")
		fd_after=$(fds)
		[ "$conn_line" = "connections: 0" ] && [ "$fd_after" -eq "$fd_before" ] && break
		i=$((i + 1))
		[ $i -gt 100 ] && break
		sleep 0.1
	done
	echo "    attlsd idle after $((i / 10)).$((i % 10))s: $conn_line," \
		"$fd_after descriptors ($fd_before before the first run)"
	cp "$T/status" "$out"
	expect_out "$1: attls status shows no connection left" '^connections: 0$'
	if [ "$fd_after" -eq "$fd_before" ]; then ok; else
		ls -l "/proc/$daemon/fd" > "$out" 2>&1
		bad "$1: attlsd holds $fd_after descriptors, $fd_before before the run"
	fi
}

run_stress "TLS 1.2" TLSV1.2
write_policy Off On
expect_ok "refresh to TLS 1.3" attls refresh
run_stress "TLS 1.3" TLSV1.3
kill -0 $daemon 2>/dev/null && ok || bad "attlsd died during the runs"
finish
