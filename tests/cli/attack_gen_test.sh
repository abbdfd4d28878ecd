# attack_gen_test.sh - attacks on policy installation, the published
# summary, file key rings and the log, each performed for real:
#   1. a job name holding a newline tries to forge an EZZ8771I log line;
#   2. a policy with more rules than the summary used to hold installs, and
#      the connection only its last rule covers gets TLS;
#   3. a refresh whose summary cannot be written is refused as a whole: the
#      old policy and the old summary stay (attlsd runs as a plain user here,
#      so that a read-only directory stops it);
#   4. a stopped attlsd leaves its summary (the gate stays shut), and only
#      attlsd --remove-summary takes it away;
#   5. an empty policy is reported, by attlsd and by attls policy check;
#   6. a file key ring readable only by its owner is refused (RC 202) to a
#      server run by another user under the same rule, and served to its
#      owner.
# Parts 3 and 6 need root to become other users; as another user the test
# says so and is skipped (exit 77).
set -u
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"

B=$ATTLS_BIN/../..
T=$B/tests/unit/shim
D=$ATTLS_TMP
export ATTLS_SOCKET="$D/attlsd.sock"
unset ATTLS_REQUIRE ATTLS_JOBNAME || true

if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: this test becomes other users (setpriv) and must run as root"
	exit 77
fi
# Users with no passwd entry and no authority; the daemon and the programs
# below must reach the test's files as them.
UA=64101
UB=64102
UD=64103
chmod 0711 "$D"

make_pki "$D"
cp "$D/ca.pem" "$D/client-ring.pem"
chmod 0644 "$D"/*.pem

# rule NAME JOBNAME: an outbound rule for any remote port >= 1024.
rule() {
	printf 'TTLSRule %s\n{\n  RemotePortRange 1024-65535\n  Jobname %s\n' "$1" "$2"
	printf '  Direction Outbound\n  TTLSGroupActionRef grp\n  TTLSEnvironmentActionRef cltenv\n}\n'
}
actions() {
	cat <<POLICY
TTLSGroupAction grp
{
  TTLSEnabled On
  Trace 6
}
TTLSEnvironmentAction cltenv
{
  HandshakeRole Client
  TTLSKeyringParms
  {
    Keyring $D/client-ring.pem
  }
  TTLSEnvironmentAdvancedParms
  {
    HostReferenceIdDNS localhost
  }
}
POLICY
}

daemon=
srv=
trap 'st=$?; kill $daemon $srv 2>/dev/null || :; wait 2>/dev/null || :; exit $st' EXIT

start_server() {
	openssl s_server -accept 0 -cert "$D/srv.crt" -key "$D/srv.key" -www \
		> "$D/s_server.out" 2>&1 &
	srv=$!
	i=0
	until grep -q ACCEPT "$D/s_server.out"; do
		i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.05
	done
	sport=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$D/s_server.out")
}
get=$(printf 'GET / HTTP/1.0\r\n\r\n')

# --- 1. Log injection through the job name --------------------------------
{ rule EvilRule 'EV*'; rule FirstRule FIRSTJOB; actions; } > "$D/policy"
start_attlsd "$D/policy" "$D/attlsd.log"
start_server
forged=$(printf 'EVIL\nEZZ8771I attlsd: forged\r')
expect_ok "a job name with a newline gets TLS" timeout 20 \
	attls run -j "$forged" -- "$T/shim-client" connect "$sport" "$get"
expect_out "page over TLS" 's_server'
cp "$D/attlsd.log" "$out"
expect_out "the job name is logged, escaped" \
	'EZD1281I TTLS Map .* JOBNAME: EVIL\\x0AEZZ8771I ATTLSD: FORGED\\x0D USERID'
expect_no_out "no forged line" '^EZZ8771I'
expect_no_out "no carriage return in the log" "$(printf '\r')"
# The same job name in what an operator reads from attls status: a
# connection held open (its standard input is a FIFO kept open here).
mkfifo "$D/hold"
attls-testpeer -j "$forged" connect "$sport" < "$D/hold" > /dev/null 2>&1 &
holder=$!
exec 9> "$D/hold"
i=0
until attls status 2>/dev/null | grep -q 'JOBNAME: EVIL'; do
	i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.1
done
attls status > "$out" 2>&1
expect_out "attls status shows the job name escaped" 'JOBNAME: EVIL\\x0AEZZ8771I'
expect_no_out "attls status has no forged line" '^EZZ8771I'
exec 9>&-
kill $holder 2>/dev/null; wait $holder 2>/dev/null

# --- 2. More rules than the summary format used to hold -------------------
cp "$D/attlsd.sock.summary" "$D/summary.1"
expect_ok "summary readable by all" sh -c "stat -c %a '$D/attlsd.sock.summary' | grep -qx 644"
awk 'BEGIN { for (i = 1; i <= 65536; i++)
	printf "TTLSRule R%d\n{\n  RemotePortRange 1024-65535\n  Jobname J%d\n  Direction Outbound\n  TTLSGroupActionRef grp\n  TTLSEnvironmentActionRef cltenv\n}\n", i, i }' \
	> "$D/policy.big"
{ rule LastRule LASTJOB; actions; } >> "$D/policy.big"
cp "$D/policy.big" "$D/policy"
# SIGHUP, not attls refresh: a sanitizer build under load may take longer
# to install this policy than attls waits for an answer.
kill -HUP $daemon
i=0
until grep -Eq 'policy generation 2 installed|policy refused' "$D/attlsd.log"; do
	i=$((i + 1)); [ $i -gt 3000 ] && break; sleep 0.1
done
cp "$D/attlsd.log" "$out"
expect_out "refresh with 65537 rules" 'policy generation 2 installed: 65537 rules'
expect_ok "the last rule's connection gets TLS" timeout 60 \
	attls run -j LASTJOB -- "$T/shim-client" connect "$sport" "$get"
expect_out "last rule: page over TLS" 's_server'
expect_ok "the summary changed" sh -c "! cmp -s '$D/summary.1' '$D/attlsd.sock.summary'"

# --- 4. A stopped attlsd leaves its summary -------------------------------
expect_fail "no --remove-summary under a running attlsd" 1 attlsd --remove-summary
expect_out "says why" 'attlsd is running on .*; stop it first'
expect_ok "summary still there" test -f "$D/attlsd.sock.summary"
kill $daemon
wait $daemon 2>/dev/null
daemon=
expect_ok "summary kept after attlsd stopped" test -f "$D/attlsd.sock.summary"
expect_ok "attlsd --remove-summary" attlsd --remove-summary
expect_ok "summary removed on request" test ! -e "$D/attlsd.sock.summary"
expect_ok "removing no summary is not an error" attlsd --remove-summary

# --- 5. An empty policy is reported ----------------------------------------
: > "$D/empty.policy"
expect_ok "attls policy check accepts an empty policy" attls policy check "$D/empty.policy"
expect_out "with a warning" 'warning: the policy has no rules: no connection will be protected'
start_attlsd "$D/empty.policy" "$D/attlsd-empty.log"
cp "$D/attlsd-empty.log" "$out"
expect_out "attlsd warns" 'EZZ8438I attlsd: the policy has no rules: no connection will be protected'
kill $daemon
wait $daemon 2>/dev/null
daemon=
kill $srv 2>/dev/null
wait $srv 2>/dev/null
srv=

# --- 6. A file key ring only for a user who may open the file -------------
# Two users whose login names share their first eight characters, so both
# are the security-manager user ATTLSGEN: only the Linux uid tells them
# apart, and the ring's environment must not be shared between them.
# Without useradd the users have no names and the ring is still checked.
made_users=
for u in attlsgenaa:$UA attlsgenbb:$UB; do
	if ! getent passwd "${u%%:*}" >/dev/null && command -v useradd >/dev/null 2>&1 &&
	    useradd -M -N -K UID_MAX=65000 -u "${u#*:}" -s /usr/sbin/nologin "${u%%:*}"; then
		made_users="$made_users ${u%%:*}"
	fi
done
trap 'st=$?; kill $daemon $srv 2>/dev/null || :; wait 2>/dev/null || :
	for u in $made_users; do userdel "$u" 2>/dev/null || :; done
	exit $st' EXIT
mkdir -m 0755 "$D/ringa" "$D/ua" "$D/ub"
cp "$D/server-ring.pem" "$D/ringa/server-ring.pem"
chown $UA:$UA "$D/ringa/server-ring.pem" "$D/ua"
chmod 0600 "$D/ringa/server-ring.pem"
chown $UB:$UB "$D/ub"
cat > "$D/policy.6" <<POLICY
TTLSRule ServerRule
{
  LocalPortRange 1024-65535
  Jobname SERVER1
  Direction Inbound
  TTLSGroupActionRef grp
  TTLSEnvironmentActionRef srvenv
}
TTLSGroupAction grp
{
  TTLSEnabled On
  Trace 6
}
TTLSEnvironmentAction srvenv
{
  HandshakeRole Server
  TTLSKeyringParms
  {
    Keyring $D/ringa/server-ring.pem
  }
}
POLICY
start_attlsd "$D/policy.6" "$D/attlsd-6.log"

# serve_as UID DIR: the plain server under SERVER1 as UID; a TLS client
# that trusts the test CA sends one request; its output is in $out.
serve_as() {
	rm -f "$2/port"
	setpriv --reuid="$1" --regid="$1" --clear-groups \
		attls run -j SERVER1 -- "$T/shim-client" http "$2/port" > "$2/http.out" 2>&1 &
	srv=$!
	i=0; while [ ! -s "$2/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	(printf 'GET / HTTP/1.0\r\n\r\n'; sleep 1) | timeout 20 openssl s_client \
		-connect "127.0.0.1:$(cat "$2/port")" -CAfile "$D/ca.pem" -verify_return_error \
		-brief > "$out" 2>&1
	kill $srv 2>/dev/null
	wait $srv 2>/dev/null
	srv=
}
serve_as $UA "$D/ua"
expect_out "the ring's owner gets TLS" '^hello$'
expect_out "with the ring's certificate" 'Verification: OK'
serve_as $UB "$D/ub"
expect_no_out "another user gets no TLS" '^hello$'
expect_no_out "nor the ring's certificate" 'Verification: OK'
cp "$D/attlsd-6.log" "$out"
expect_out "RC 202 logged" 'EZD1286I TTLS Error .* RC: 202 Environment Master Init'
expect_out "with the reason" "key ring file $D/ringa/server-ring.pem: uid $UB \\(gid $UB\\) cannot open it: Permission denied"
kill $daemon
wait $daemon 2>/dev/null
daemon=

# --- 3. A summary that cannot be written refuses the refresh ---------------
# attlsd as a plain user, its socket and summary in a directory it owns.
R=$D/run
mkdir "$R"
chown $UD:$UD "$R"
{ rule FirstRule FIRSTJOB; actions; } > "$D/policy.3"
setpriv --reuid=$UD --regid=$UD --clear-groups \
	attlsd -f -p "$D/policy.3" --socket "$R/attlsd.sock" --workers 1 2> "$D/attlsd-3.log" &
daemon=$!
i=0
until grep -q EZD1586I "$D/attlsd-3.log" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 300 ] || ! kill -0 "$daemon" 2>/dev/null; then
		cat "$D/attlsd-3.log"; echo "attlsd did not start"; exit 1
	fi
	sleep 0.1
done
cp "$R/attlsd.sock.summary" "$D/summary.3"
expect_ok "summary owned by the daemon's user" \
	sh -c "stat -c %u '$R/attlsd.sock.summary' | grep -qx $UD"
chmod 0555 "$R"
{ rule FirstRule FIRSTJOB; rule NewRule NEWJOB; actions; } > "$D/policy.3"
expect_fail "refresh refused when the summary cannot be written" 1 \
	env ATTLS_SOCKET="$R/attlsd.sock" attls refresh
expect_out "says why" 'policy refused: policy summary not published'
expect_ok "old summary in place" cmp "$D/summary.3" "$R/attlsd.sock.summary"
expect_ok "status" env ATTLS_SOCKET="$R/attlsd.sock" attls status
expect_out "old policy in force" 'policy generation: 1, rules: 1'
cp "$D/attlsd-3.log" "$out"
expect_out "error line logged" \
	'EZZ8438I attlsd: policy refused \(policy summary not published: .*\); the installed policy and its summary stay in force'
expect_no_out "nothing installed" 'generation 2 installed'
chmod 0755 "$R"
expect_ok "refresh once the directory is writable" env ATTLS_SOCKET="$R/attlsd.sock" attls refresh
expect_out "new policy" 'policy generation 2 installed: 2 rules'
expect_ok "new summary" sh -c "! cmp -s '$D/summary.3' '$R/attlsd.sock.summary'"
kill $daemon
wait $daemon 2>/dev/null
daemon=

finish
