# attack_control_test.sh - attlsd's control socket under attack by local
# users with no authority (setpriv to uids without a passwd entry):
#   1. malformed requests carrying descriptors leave none open in attlsd;
#   2. a client that floods requests and never reads the replies does not
#      stop a protected connection of someone else, and neither does a key
#      ring that takes long to read;
#   3. one user holding thousands of control connections does not keep
#      another user (or root) from getting decisions;
#   4. a process that drops root after connecting is decided as its new
#      user, not as root;
#   5. attls status shows a user only its own connections, until the
#      security manager grants READ to EZB.NETSTAT.sysname.TCPIP.TTLS;
#   6. attlsd raises a low soft descriptor limit to the hard one; past it,
#      a flood of idle TLS peers is refused, never passed in cleartext, and
#      the control socket keeps answering.
set -u
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: the attacks run as other users, which needs root (setpriv)"
	exit 77
fi

D=$ATTLS_TMP
UA=64031   # the attacker, with a RACF user USERA
UB=64032   # another user, RACF user USERB
UC=64033   # no RACF profile at all
export ATTLS_SOCKET="$D/attlsd.sock" ATTLS_SAFDB="$D/saf.db"
unset ATTLS_REQUIRE ATTLS_JOBNAME || true
chmod 0711 "$D"
as() { u=$1; shift; setpriv --reuid="$u" --regid="$u" --clear-groups "$@"; }
# In the background, so that $! is the program itself and kill ends it.
as_bg() { u=$1; shift; exec setpriv --reuid="$u" --regid="$u" --clear-groups "$@"; }
PY3=/usr/bin/python3
nfds() { ls "/proc/$1/fd" | wc -l; }

make_pki "$D"
cp "$D/ca.pem" "$D/client-ring.pem"
# A key ring that takes as long to read as the test likes: a FIFO.
mkfifo "$D/slow-ring.pem"
cat > "$D/policy" <<POLICY
TTLSRule ClientRule
{
  RemotePortRange 1024-65535
  Jobname CLIENT*
  Direction Outbound
  Priority 90
  TTLSGroupActionRef grp
  TTLSEnvironmentActionRef cltenv
}
TTLSRule ServerRule
{
  LocalPortRange 1024-65535
  Jobname SERVER*
  Direction Inbound
  Priority 80
  TTLSGroupActionRef grp
  TTLSEnvironmentActionRef srvenv
}
TTLSRule RootOnly
{
  RemotePortRange 1024-65535
  Jobname SETUID
  Userid ROOT
  Direction Outbound
  Priority 200
  TTLSGroupActionRef off
}
TTLSRule SlowRule
{
  RemotePortRange 1024-65535
  Jobname SLOW*
  Direction Outbound
  Priority 95
  TTLSGroupActionRef grp
  TTLSEnvironmentActionRef slowenv
}
TTLSEnvironmentAction slowenv
{
  HandshakeRole Client
  TTLSKeyringParms
  {
    Keyring $D/slow-ring.pem
  }
  TTLSEnvironmentAdvancedParms
  {
    HostReferenceIdDNS localhost
  }
}
TTLSGroupAction grp
{
  TTLSEnabled On
  Trace 2
}
TTLSGroupAction off
{
  TTLSEnabled Off
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
TTLSEnvironmentAction srvenv
{
  HandshakeRole Server
  TTLSKeyringParms
  {
    Keyring $D/server-ring.pem
  }
}
POLICY

cat > "$D/setup.racf" <<RACF
ADDUSER USERA OMVS(UID($UA))
ADDUSER USERB OMVS(UID($UB))
SETROPTS CLASSACT(SERVAUTH) GENERIC(SERVAUTH) RACLIST(SERVAUTH)
RDEFINE SERVAUTH EZB.NETSTAT.*.*.TTLS UACC(NONE)
SETROPTS RACLIST(SERVAUTH) REFRESH
RACF
expect_ok "RACF users and the Netstat profile" racf -q -f "$D/setup.racf"

daemon=
srv=
ssrv=
bg=
trap 'st=$?; exec 7>&- 2>/dev/null; kill $daemon $srv $ssrv $bg 2>/dev/null || :; wait 2>/dev/null || :; exit $st' EXIT
start_attlsd "$D/policy" "$D/attlsd.log"

# A TLS server that answers every connection, and a protected client of it.
openssl s_server -accept 0 -cert "$D/srv.crt" -key "$D/srv.key" -www \
	> "$D/s_server.out" 2>&1 &
ssrv=$!
i=0
until grep -q ACCEPT "$D/s_server.out"; do i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.05; done
sport=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$D/s_server.out")
protected_get() {
	printf 'GET / HTTP/1.0\r\n\r\n' | timeout 20 attls-testpeer -j CLIENT1 connect "$sport"
}
expect_ok "a protected connection before the attacks" protected_get
expect_out "  it got TLS" "s_server"

# 1. 100 malformed requests with descriptors, as an unprivileged user.
before=$(nfds "$daemon")
expect_ok "malformed requests with descriptors" as $UA attls-ctlattack badfds 100
expect_out "  all sent" "^sent 100$"
sleep 0.5
after=$(nfds "$daemon")
printf 'descriptors before %s, after %s\n' "$before" "$after" > "$out"
expect_ok "attlsd kept no descriptor of them" test "$after" -le "$before"
expect_ok "attlsd still answers" attls status

# 2. A client floods requests and never reads; another connection is served.
as_bg $UA attls-ctlattack flood 30 > "$D/flood.out" 2>&1 &
bg=$!
i=0
until grep -q flooding "$D/flood.out" 2>/dev/null; do i=$((i + 1)); [ $i -gt 300 ] && break; sleep 0.1; done
expect_ok "the flood filled its socket" grep -q "^flooding [0-9]" "$D/flood.out"
t0=$(date +%s)
expect_ok "a protected connection during the flood" protected_get
expect_out "  it got TLS" "s_server"
t1=$(date +%s)
printf 'took %s s\n' $((t1 - t0)) > "$out"
expect_ok "  promptly" test $((t1 - t0)) -le 5
expect_ok "status during the flood" timeout 10 attls status
kill $bg 2>/dev/null; wait $bg 2>/dev/null; bg=

# 2b. A key ring that would never finish reading (a FIFO where a ring file
# is named) is refused at once with RC 202: the file is opened without
# blocking, as the connection's user, and must be a regular file.  It
# stalls neither the connection that needs it nor anyone else's.
t0=$(date +%s)
timeout 10 attls-testpeer -j SLOW1 connect "$sport" < /dev/null > "$out" 2>&1 || true
t1=$(date +%s)
expect_out "a FIFO key ring is refused" "verdict: REFUSED"
printf 'took %s s\n' $((t1 - t0)) > "$out"
expect_ok "  promptly" test $((t1 - t0)) -le 5
cp "$D/attlsd.log" "$out"
expect_out "  RC 202 logged" "RC: 202"
expect_out "  with the reason" "slow-ring.pem.*(regular file|cannot open)"
expect_ok "a protected connection meanwhile" protected_get
expect_out "  it got TLS" "s_server"
expect_ok "status meanwhile" timeout 10 attls status

# 3. One user holds thousands of control connections; others still decide.
( ulimit -n 8192; as_bg $UA attls-ctlattack hold 5000 30 ) > "$D/hold.out" 2>&1 &
bg=$!
i=0
until grep -q held "$D/hold.out" 2>/dev/null; do i=$((i + 1)); [ $i -gt 600 ] && break; sleep 0.1; done
cp "$D/hold.out" "$out"
expect_out "the holder got at most its share" "^held ([0-9]|[0-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-6])$"
expect_ok "another user still gets status" as $UB timeout 10 attls status
expect_ok "root still gets status" timeout 10 attls status
expect_ok "a protected connection while held" protected_get
expect_out "  it got TLS" "s_server"
cp "$D/attlsd.log" "$out"
expect_out "the refusal is logged" "refusing a control connection from uid $UA"
kill $bg 2>/dev/null; wait $bg 2>/dev/null; bg=

# 4. Connected as root, then setresuid: decided as the new user.
expect_ok "drop root after connecting" attls-ctlattack setuid $UC
expect_out "  root matched the Userid ROOT rule" "^before: NOT_ENABLED RootOnly"
expect_out "  the new user does not" "^after: CLEAR"

# 5. attls status: own connections only, until READ to the Netstat profile.
# Its standard input is a FIFO held open here, so the connection stays up.
mkfifo "$D/hold"
as_bg $UA attls-testpeer -j CLIENT1 connect "$sport" < "$D/hold" > "$D/held.out" 2> "$D/held.err" &
bg=$!
exec 7> "$D/hold"
i=0
until grep -q verdict "$D/held.err" 2>/dev/null; do i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.1; done
expect_ok "USERA's connection is protected" grep -q "PROTECTED" "$D/held.err"
expect_ok "USERA's status" as $UA attls status
expect_out "  shows its own connection" "USERID: USERA"
expect_ok "USERB's status" as $UB attls status
expect_no_out "  does not show USERA's" "USERA"
expect_ok "a user with no profile" as $UC attls status
expect_no_out "  does not show USERA's" "USERA"
expect_ok "root's status" attls status
expect_out "  shows every connection" "USERID: USERA"
cat > "$D/permit.racf" <<'RACF'
PERMIT EZB.NETSTAT.*.*.TTLS CLASS(SERVAUTH) ID(USERB) ACCESS(READ)
SETROPTS RACLIST(SERVAUTH) REFRESH
RACF
expect_ok "permit USERB to Netstat" racf -q -f "$D/permit.racf"
expect_ok "USERB's status with READ" as $UB attls status
expect_out "  shows USERA's connection" "USERID: USERA"
expect_ok "the user with no profile still" as $UC attls status
expect_no_out "  does not" "USERA"
exec 7>&-
kill $bg 2>/dev/null; wait $bg 2>/dev/null; bg=

kill $daemon 2>/dev/null; wait $daemon 2>/dev/null; daemon=
cp "$D/attlsd.log" "$out"
expect_no_out "attlsd's log has no sanitizer report" "AddressSanitizer|LeakSanitizer|runtime error"

# A sanitizer build's shim cannot be preloaded into an uninstrumented
# python, which part 6 runs under it.
B=$ATTLS_BIN/../..
if nm -D "$B/src/shim/libattls.so" 2>/dev/null | grep -q __asan_init; then
	echo "part 6 skipped: the shim is built with a sanitizer"
	finish
	exit $?
fi

# 6. A low descriptor limit and a flood of idle TLS peers: attlsd raises
# its soft limit, then refuses covered connections before the reserve
# (never cleartext), and its control socket answers.
# The soft limit a service manager gives (256 here, 1024 under systemd)
# below the hard one: attlsd raises it.
( ulimit -Sn 256; ulimit -Hn 1024; exec attlsd -f -p "$D/policy" --workers 1 ) \
	2> "$D/attlsd6.log" &
daemon=$!
i=0
until grep -q EZD1586I "$D/attlsd6.log" 2>/dev/null; do i=$((i + 1)); [ $i -gt 300 ] && break; sleep 0.1; done
cp "$D/attlsd6.log" "$out"
expect_out "the limit is raised, and logged with the reserve" "descriptor limit 1024 \\(was 256, hard limit 1024\\); 64 kept for the control socket"
# A server under the shim that greets every connection it accepts, in
# plain text for its part, and holds it open.
cat > "$D/server.py" <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1024)
print("port", s.getsockname()[1], flush=True)
held = []
while True:
    try:
        c, _ = s.accept()
    except OSError as e:
        print("accept refused", e.errno, flush=True)
        continue
    try:
        c.send(b"HELLO PLAIN\n")
    except OSError:
        pass
    held.append(c)
PY
# Idle peers: they connect, never start a handshake, and look for the
# server's greeting in cleartext.
cat > "$D/peers.py" <<'PY'
import socket, sys, time
port, n, hold = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
cs = [socket.create_connection(("127.0.0.1", port)) for _ in range(n)]
time.sleep(3)
clear = 0
for c in cs:
    c.setblocking(False)
    try:
        if b"HELLO PLAIN" in c.recv(100):
            clear += 1
    except OSError:
        pass
print("ready cleartext=%d" % clear, flush=True)
time.sleep(hold)
PY
attls run -j SERVER1 -- $PY3 -u "$D/server.py" > "$D/server6.out" 2>&1 &
srv=$!
i=0
until grep -q "^port" "$D/server6.out" 2>/dev/null; do i=$((i + 1)); [ $i -gt 200 ] && break; sleep 0.05; done
port=$(sed -n 's/^port \([0-9]*\)$/\1/p' "$D/server6.out")
as_bg $UA $PY3 -u "$D/peers.py" "$port" 600 20 > "$D/peers.out" 2>&1 &
bg=$!
i=0
until grep -q "^ready" "$D/peers.out" 2>/dev/null; do i=$((i + 1)); [ $i -gt 300 ] && break; sleep 0.1; done
cp "$D/peers.out" "$out"
expect_out "no peer got the greeting in cleartext" "^ready cleartext=0$"
expect_ok "status answers at the limit" timeout 10 attls status
n=$(sed -n 's/^connections: \([0-9]*\)$/\1/p' "$out")
printf 'protected %s of 600 idle peers\n' "${n:-0}" > "$out"
expect_ok "most peers got protection before the reserve" test "${n:-0}" -ge 400
expect_ok "another user's status answers" as $UB timeout 10 attls status
expect_ok "attlsd is still running" kill -0 "$daemon"
cp "$D/attlsd6.log" "$out"
expect_out "the refusals are logged" "refusing a protected connection: fewer descriptors"
cp "$D/server6.out" "$out"
expect_out "the server saw refused accepts" "accept refused"
kill $bg $srv $ssrv $daemon 2>/dev/null; wait $bg $srv $ssrv $daemon 2>/dev/null
bg= srv= ssrv= daemon=
finish
