# attack_shim_test.sh - what a local attacker tries against libattls.so,
# with the real attlsd and a recorder standing in for the network peer:
# every case checks that the secret a program sends never reaches the wire
# in cleartext on a connection the policy covers.
#
#   - attlsd killed (kill -9): the summary stays, covered connections are
#     refused, uncovered ones go on; ATTLS_REQUIRE=off is the announced
#     way out;
#   - an unprivileged user takes every control slot of attlsd;
#   - an unprivileged user fills the backlog of a stopped (slow) attlsd:
#     the shim's wait is bounded and the connection refused;
#   - a set-user-ID program under /etc/ld.so.preload (in a private mount
#     namespace) run with ATTLS_SHIM=off, ATTLS_SOCKET pointing at the
#     attacker's listener, ATTLS_JOBNAME naming a TTLSEnabled Off rule,
#     argv[0] "attlsd", or ATTLS_REQUIRE=off while attlsd is down;
#   - a listener of an unprivileged user on the control socket path never
#     receives a descriptor.
#
# Needs root (to be two users, make a set-user-ID file and a mount
# namespace); exits 77 (skipped) otherwise.
set -u
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: the attacks need root to act as two users and to make a set-user-ID program"
	exit 77
fi

B=$ATTLS_BIN/../..
T=$B/tests/unit/shim
SHIM=$B/src/shim/libattls.so
ATTLSD=$B/src/daemon/attlsd
PY=/usr/bin/python3
D=$ATTLS_TMP
EVIL=64001   # the attacker
OWNER=64002  # owns the set-user-ID program
unset ATTLS_REQUIRE ATTLS_JOBNAME ATTLS_SHIM ATTLS_TIMEOUT_MS || true
# A sanitizer-built shim needs the sanitizer runtime in the program it is
# loaded into; /etc/ld.so.preload loads it into every program (setpriv,
# env, sh), so the set-user-ID cases run only in a plain build.
san=0
if nm -D "$SHIM" 2>/dev/null | grep -q __asan_init; then
	san=1
fi
chmod 0711 "$D"
mkdir -m 0755 "$D/run"
SOCK=$D/run/attlsd.sock
export ATTLS_SOCKET=$SOCK

pids=
daemon=
cleanup() {
	for p in $pids $daemon; do kill -CONT "$p" 2>/dev/null; kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
}
trap 'st=$?; cleanup; exit $st' EXIT

# ---- the peer: records every byte it is sent ---------------------------
cat > "$D/recorder.py" <<'PY'
import os, socket, sys, threading
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
def take(c, n):
    c.settimeout(1)
    with open(os.path.join(sys.argv[2], "%06d" % n), "ab", buffering=0) as log:
        try:
            while True:
                d = c.recv(65536)
                if not d:
                    break
                log.write(d)
        except OSError:
            pass
    c.close()
n = 0
while True:
    c, _ = s.accept()
    n += 1
    threading.Thread(target=take, args=(c, n), daemon=True).start()
PY
# start_recorder NAME: a peer on $port writing each connection's bytes to
# a file of its own in $D/NAME.d
start_recorder() {
	mkdir "$D/$1.d" "$D/$1.done"
	$PY "$D/recorder.py" "$D/$1.port" "$D/$1.d" &
	pids="$pids $!"
	i=0; while [ ! -s "$D/$1.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	port=$(cat "$D/$1.port")
}
start_recorder covered
cport=$port
start_recorder open
oport=$port

# settle NAME: waits until the recorder has closed every connection so far
settle() { sleep 1.2; }
# wire_has NAME SECRET: since the last wire_done, NAME saw SECRET in cleartext
wire_has() { grep -rqF -- "$2" "$D/$1.d"; }
# wire_tls NAME: since the last wire_done, a connection to NAME began with
# a TLS handshake record
wire_tls() {
	for f in "$D/$1.d"/*; do
		[ -s "$f" ] && od -An -tx1 -N2 "$f" | grep -q '16 03' && return 0
	done
	return 1
}
wire_done() { for f in "$D/$1.d"/*; do [ -e "$f" ] && mv "$f" "$D/$1.done/"; done; :; }

# never_clear NAME SECRET [tls]: SECRET did not go to the covered peer in
# cleartext; with tls, a TLS handshake went there instead
never_clear() {
	settle
	if wire_has covered "$2"; then
		bad "$1: '$2' went to the covered peer in cleartext"
	else
		ok
	fi
	if [ $# -gt 2 ]; then
		wire_tls covered && ok || bad "$1: no TLS handshake reached the covered peer"
	fi
	wire_done covered
}

# ---- policy: the covered peer's port, and an Off rule for jobname PLAIN ---
make_pki "$D"
cp "$D/ca.pem" "$D/client-ring.pem"
chmod 0644 "$D/client-ring.pem"
cat > "$D/policy" <<POLICY
TTLSRule PlainJob
{
  RemotePortRange $cport
  Jobname PLAIN
  Direction Outbound
  Priority 200
  TTLSGroupActionRef off
}
TTLSRule Covered
{
  RemotePortRange $cport
  Direction Outbound
  Priority 100
  TTLSGroupActionRef on
  TTLSEnvironmentActionRef client
}
TTLSRule InboundJob
{
  LocalPortRange 1024-65535
  Jobname INSRV
  Direction Inbound
  Priority 50
  TTLSGroupActionRef on
  TTLSEnvironmentActionRef server
}
TTLSGroupAction on
{
  TTLSEnabled On
}
TTLSGroupAction off
{
  TTLSEnabled Off
}
TTLSEnvironmentAction server
{
  HandshakeRole Server
  TTLSKeyringParms
  {
    Keyring $D/server-ring.pem
  }
}
TTLSEnvironmentAction client
{
  HandshakeRole Client
  TTLSKeyringParms
  {
    Keyring $D/client-ring.pem
  }
}
POLICY

pc() { timeout 20 env LD_PRELOAD="$SHIM" "$T/shim-client" "$@"; }

start_attlsd "$D/policy" "$D/attlsd.log"
[ -f "$SOCK.summary" ] && ok || bad "attlsd published no summary at $SOCK.summary"

pc connect "$cport" SECRET-UP >"$out" 2>&1
never_clear "attlsd running" SECRET-UP tls

# ---- item: attlsd killed, its summary stays ----------------------------
kill -9 "$daemon"; wait "$daemon" 2>/dev/null; daemon=
[ -f "$SOCK.summary" ] || bad "the summary went away with a killed attlsd"
expect_fail "attlsd killed: covered connection refused" 1 pc connect "$cport" SECRET-KILLED
expect_out "attlsd killed: ECONNREFUSED" '^connect: Connection refused$'
expect_out "attlsd killed: says why, once" 'libattls: attlsd is not running at .*an AT-TLS policy may cover the connection, so it is refused'
never_clear "attlsd killed" SECRET-KILLED
pc connect "$oport" CLEAR-OK >"$out" 2>&1
settle
wire_has open CLEAR-OK && ok || bad "attlsd killed: an uncovered connection did not go out"
ATTLS_REQUIRE=off pc connect "$cport" OPTOUT-CLEAR >"$out" 2>&1
expect_out "ATTLS_REQUIRE=off: announced" 'ATTLS_REQUIRE=off lets connections'
settle
wire_has covered OPTOUT-CLEAR && ok || bad "ATTLS_REQUIRE=off did not let the connection out"
wire_done covered

# Inbound: the server's accept() fails with ECONNABORTED and the client's
# bytes are never read in cleartext.
rm -f "$D/in.port"
timeout 20 env LD_PRELOAD="$SHIM" ATTLS_JOBNAME=INSRV "$T/shim-client" serve "$D/in.port" 1 \
	> "$D/in.out" 2>&1 &
insrv=$!
i=0; while [ ! -s "$D/in.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
timeout 20 "$T/shim-client" connect "$(cat "$D/in.port")" SECRET-INBOUND >"$out" 2>&1
expect_no_out "attlsd killed: inbound not served in cleartext" 'echo:SECRET-INBOUND'
wait $insrv
cp "$D/in.out" "$out"
expect_out "attlsd killed: accept() fails with ECONNABORTED" '^accept: Software caused connection abort$'

# A summary that exists but cannot be read still says a policy is
# published: with no way to tell what it covers, every connection is.
cp "$SOCK.summary" "$D/summary.good"
printf 'not a summary' > "$SOCK.summary"
expect_fail "unreadable summary: refused" 1 pc connect "$oport" SECRET-TORN
expect_out "unreadable summary: ECONNREFUSED" '^connect: Connection refused$'
settle
wire_has open SECRET-TORN && bad "unreadable summary: the connection went out in cleartext" || ok
wire_done open
cp "$D/summary.good" "$SOCK.summary"

# ---- item: every control slot taken by an unprivileged user ------------
mkdir -m 0755 "$D/evil"
chown $EVIL:$EVIL "$D/evil"
ulimit -n 16384
start_attlsd "$D/policy" "$D/attlsd.log"
cat > "$D/hog.py" <<'PY'
import socket, sys, time
held = []
for i in range(int(sys.argv[2])):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        s.connect(sys.argv[1])
    except OSError:
        s.close()
        continue
    held.append(s)
open(sys.argv[3], "w").write("%d\n" % len(held))
time.sleep(600)
PY
setpriv --reuid=$EVIL --regid=$EVIL --clear-groups $PY "$D/hog.py" "$SOCK" 4200 "$D/evil/hog.n" &
hog=$!
pids="$pids $hog"
i=0; while [ ! -s "$D/evil/hog.n" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
echo "uid $EVIL holds $(cat "$D/evil/hog.n" 2>/dev/null || echo no) control connections"
sleep 1
ATTLS_TIMEOUT_MS=3000 pc connect "$cport" SECRET-SLOTS >"$out" 2>&1
never_clear "control slots taken" SECRET-SLOTS
kill "$hog" 2>/dev/null; wait "$hog" 2>/dev/null

# ---- item: the backlog of a stopped attlsd filled -----------------------
kill -STOP "$daemon"
cat > "$D/fill.py" <<'PY'
import socket, sys, time
held = []
for i in range(100000):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.setblocking(False)
    try:
        s.connect(sys.argv[1])
    except BlockingIOError:
        s.close()
        break
    held.append(s)
open(sys.argv[2], "w").write("%d\n" % len(held))
time.sleep(600)
PY
setpriv --reuid=$EVIL --regid=$EVIL --clear-groups $PY "$D/fill.py" "$SOCK" "$D/evil/fill.n" &
fill=$!
pids="$pids $fill"
i=0; while [ ! -s "$D/evil/fill.n" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
start=$(date +%s)
ATTLS_TIMEOUT_MS=1000 expect_fail "backlog full: covered connection refused" 1 \
	pc connect "$cport" SECRET-BACKLOG
expect_out "backlog full: ETIMEDOUT" '^connect: Connection timed out$'
expect_out "backlog full: says why" 'accepted no connection within 1000 ms'
took=$(( $(date +%s) - start ))
[ "$took" -le 5 ] && ok || bad "backlog full: the shim waited ${took}s with a 1000 ms timeout"
never_clear "backlog full" SECRET-BACKLOG
kill "$fill" 2>/dev/null; wait "$fill" 2>/dev/null
kill -CONT "$daemon"

# ---- item: a listener of another user on the control socket path -------
FAKE=$D/evil/attlsd.sock
setpriv --reuid=$EVIL --regid=$EVIL --clear-groups "$T/shim-double" --socket "$FAKE" \
	--verdict protect --count "$D/evil/count" --rule "out:$cport-$cport" &
fake=$!
pids="$pids $fake"
i=0; while [ ! -S "$FAKE" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
ATTLS_SOCKET=$FAKE expect_fail "fake daemon: refused" 1 pc connect "$cport" SECRET-FAKE
expect_out "fake daemon: says who" "held by uid $EVIL, not by attlsd's user"
[ "$(cat "$D/evil/count" 2>/dev/null || echo 0)" -eq 0 ] && ok ||
	bad "the fake daemon of uid $EVIL answered $(cat "$D/evil/count") requests (and took the socket)"
never_clear "fake daemon" SECRET-FAKE

# ---- item: a set-user-ID program under /etc/ld.so.preload --------------
mkdir -m 0755 "$D/suid" "$D/etc"
cp "$T/shim-client" "$D/suid/shim-client"
chown $OWNER:$OWNER "$D/suid/shim-client"
chmod 4755 "$D/suid/shim-client"
cp /etc/ld.so.cache "$D/etc/" 2>/dev/null || :
echo "$SHIM" > "$D/etc/ld.so.preload"
# suid NAME ENV... -- ARGV0 ARGS...: the set-user-ID client run by the
# attacker in a namespace where /etc/ld.so.preload loads the shim and
# attlsd's socket is at the built-in path
suid() {
	name=$1; shift
	unshare -m sh -c '
		D=$1; shift
		mount --bind "$D/etc" /etc &&
		mount -t tmpfs tmpfs /run && mkdir /run/attls &&
		mount --bind "$D/run" /run/attls || exit 99
		exec "$@"' sh "$D" setpriv --reuid=$EVIL --regid=$EVIL --clear-groups \
		env "$@" >"$out" 2>&1
	echo "$name: exit $?" >> "$out"
}
if [ $san -eq 1 ]; then
	echo "not run here: the set-user-ID cases under a sanitizer-built shim (system programs have no sanitizer runtime)"
elif [ ! -x "$D/suid/shim-client" ] || ! unshare -m true 2>/dev/null; then
	bad "cannot make a set-user-ID program or a mount namespace here"
else
	suid "suid with ATTLS_SHIM=off" ATTLS_SHIM=off timeout 20 "$D/suid/shim-client" connect "$cport" SECRET-SHIMOFF
	never_clear "set-user-ID, ATTLS_SHIM=off" SECRET-SHIMOFF tls
	suid "suid with ATTLS_SOCKET" ATTLS_SOCKET=$FAKE ATTLS_REQUIRE=off timeout 20 "$D/suid/shim-client" connect "$cport" SECRET-SOCKET
	never_clear "set-user-ID, ATTLS_SOCKET" SECRET-SOCKET tls
	[ "$(cat "$D/evil/count" 2>/dev/null || echo 0)" -eq 0 ] && ok ||
		bad "set-user-ID: the fake daemon took a socket"
	suid "suid with ATTLS_JOBNAME" ATTLS_JOBNAME=PLAIN timeout 20 "$D/suid/shim-client" connect "$cport" SECRET-JOBNAME
	never_clear "set-user-ID, ATTLS_JOBNAME of an Off rule" SECRET-JOBNAME tls
	suid "suid named attlsd" timeout 20 bash -c 'exec -a attlsd "$0" connect "$1" SECRET-ARGV0' \
		"$D/suid/shim-client" "$cport"
	never_clear "set-user-ID, argv[0] attlsd" SECRET-ARGV0 tls
	# The same program without the set-user-ID bit obeys its own
	# user's ATTLS_SHIM=off: the namespace really loads the shim only
	# if that one does go out in cleartext.
	cp "$T/shim-client" "$D/suid/plain-client"
	chmod 0755 "$D/suid/plain-client"
	suid "plain with ATTLS_SHIM=off" ATTLS_SHIM=off timeout 20 "$D/suid/plain-client" connect "$cport" PLAIN-OFF
	settle
	wire_has covered PLAIN-OFF && ok || bad "control case: ATTLS_SHIM=off did not apply to a plain program"
	wire_done covered
	suid "plain" timeout 20 "$D/suid/plain-client" connect "$cport" PLAIN-ON
	never_clear "control case: the preloaded shim protects a plain program" PLAIN-ON tls
	# With attlsd gone, the opt-out works for the user's own program but
	# not for the set-user-ID one.
	kill -9 "$daemon"; wait "$daemon" 2>/dev/null; daemon=
	suid "suid with ATTLS_REQUIRE=off" ATTLS_REQUIRE=off timeout 20 "$D/suid/shim-client" connect "$cport" SECRET-OPTOUT
	expect_out "set-user-ID, ATTLS_REQUIRE=off: refused" '^connect: Connection refused$'
	never_clear "set-user-ID, ATTLS_REQUIRE=off with attlsd down" SECRET-OPTOUT
	suid "plain with ATTLS_REQUIRE=off" ATTLS_REQUIRE=off timeout 20 "$D/suid/plain-client" connect "$cport" PLAIN-OPTOUT
	settle
	wire_has covered PLAIN-OPTOUT && ok || bad "control case: ATTLS_REQUIRE=off did not apply to a plain program"
	wire_done covered
fi

finish
