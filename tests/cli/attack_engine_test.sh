# attack_engine_test.sh - the TLS engine and its workers under attack, with
# real programs behind the shim and hostile peers on the network:
#   1. a TLS 1.3 client whose trusted certificate maps to no user, sending
#      at once, against a SAFCheck server: the program receives nothing,
#      and no success is logged before the RC 5002;
#   2. a peer that connects and never handshakes, on a quiet daemon: the
#      program's connection ends within HandshakeTimeout + 1 s and attlsd's
#      descriptors go back to what they were;
#   3. a partner that ends TCP without close_notify, one that resets, and
#      attlsd killed with SIGKILL mid-transfer: the program's read fails
#      with ECONNRESET after the bytes that did arrive, never end-of-file,
#      and the log tells truncation (420) and reset (406) from an orderly
#      close; a partner answering our close_notify with a bare FIN is an
#      orderly close (RC 0);
#   4. a worker whose epoll refuses a connection's socket (attlsd run with
#      a preloaded epoll_ctl that fails for TCP sockets): the connection
#      ends at once with a logged RC 6001 instead of never being driven.
set -u
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"

D=$ATTLS_TMP
export ATTLS_SOCKET="$D/attlsd.sock" ATTLS_SAFDB="$D/saf.db"
unset ATTLS_REQUIRE ATTLS_JOBNAME || true

make_pki "$D"
cp "$D/ca.pem" "$D/client-ring.pem"
# A client certificate the server's ring trusts (same CA) that no
# RACDCERT entry or MAP filter maps to a user.
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$D/cli.key" \
	-out "$D/cli.csr" -subj "/CN=nobody in particular" 2>/dev/null
openssl x509 -req -in "$D/cli.csr" -CA "$D/ca.pem" -CAkey "$D/ca.key" -CAcreateserial \
	-out "$D/cli.crt" -days 2 2>/dev/null
expect_ok "a security database" racf -q "ADDUSER NOCERT"

cat > "$D/policy" <<POLICY
TTLSRule SafRule
{
  LocalPortRange 1024-65535
  Jobname SAFSRV
  Direction Inbound
  TTLSGroupActionRef grp
  TTLSEnvironmentActionRef safenv
}
TTLSRule QuietRule
{
  LocalPortRange 1024-65535
  Jobname QUIETSRV
  Direction Inbound
  TTLSGroupActionRef grp
  TTLSEnvironmentActionRef quietenv
}
TTLSRule WatchRule
{
  LocalPortRange 1024-65535
  Jobname WATCHSRV
  Direction Inbound
  TTLSGroupActionRef grp
  TTLSEnvironmentActionRef watchenv
}
TTLSRule CutRule
{
  RemotePortRange 1024-65535
  Jobname CUTCLI
  Direction Outbound
  TTLSGroupActionRef grp
  TTLSEnvironmentActionRef cltenv
}
TTLSGroupAction grp
{
  TTLSEnabled On
  Trace 15
}
TTLSEnvironmentAction safenv
{
  HandshakeRole ServerWithClientAuth
  TTLSKeyringParms
  {
    Keyring $D/server-ring.pem
  }
  TTLSEnvironmentAdvancedParms
  {
    TLSv1.3 On
    ClientAuthType SAFCheck
  }
}
TTLSEnvironmentAction quietenv
{
  HandshakeRole Server
  TTLSKeyringParms
  {
    Keyring $D/server-ring.pem
  }
  TTLSEnvironmentAdvancedParms
  {
    HandshakeTimeout 2
  }
}
TTLSEnvironmentAction watchenv
{
  HandshakeRole Server
  TTLSKeyringParms
  {
    Keyring $D/server-ring.pem
  }
  TTLSEnvironmentAdvancedParms
  {
    HandshakeTimeout 0
  }
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
    TLSv1.3 On
    HostReferenceIdDNS localhost
  }
}
POLICY

# A plain TCP server: accepts connections one after the other and writes,
# for each, how many bytes it read, how its read ended (0 end-of-file, or
# the errno) and how long after the accept.
cat > "$D/sink.py" <<'PY'
import socket, sys, time
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(64)
open(sys.argv[1] + ".tmp", "w").write(str(l.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    c, _ = l.accept()
    t0 = time.monotonic()
    c.settimeout(30)
    n, err = 0, 0
    try:
        while True:
            b = c.recv(65536)
            if not b:
                break
            n += len(b)
    except OSError as e:
        err = e.errno if e.errno is not None else -1
    with open(sys.argv[2], "a") as f:
        f.write("bytes=%d err=%d secs=%.2f\n" % (n, err, time.monotonic() - t0))
    c.close()
PY

# A plain TCP client: sends a request, then reads until the end and says
# how many bytes came and how the read ended (errno, 0 for end-of-file).
# With a byte count n, it closes once n bytes have come (and reports err=0);
# with "wait" it writes a line to its marker file after the first bytes.
cat > "$D/client.py" <<'PY'
import socket, sys
port, want, marker = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = socket.create_connection(("127.0.0.1", port))
s.settimeout(20)
s.sendall(b"GET\n")
n, err = 0, 0
try:
    while True:
        b = s.recv(65536)
        if not b:
            break
        if n == 0:
            open(marker, "w").write("first bytes\n")
        n += len(b)
        if want.isdigit() and n >= int(want):
            break
except OSError as e:
    err = e.errno if e.errno is not None else -1
print("got=%d err=%d" % (n, err))
s.close()
PY

# A hostile TLS server for one connection: reads the request, sends 1000
# bytes, then ends as MODE says: fin (TCP end, no close_notify), rst (a
# TCP reset), hold (keeps the connection open), answer (waits for the
# client's close_notify and answers it with a bare TCP end).
cat > "$D/peer.py" <<'PY'
import os, socket, ssl, struct, sys, time
mode, portfile, crt, key = sys.argv[1:5]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(crt, key)
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", 0))
l.listen(1)
open(portfile + ".tmp", "w").write(str(l.getsockname()[1]))
os.rename(portfile + ".tmp", portfile)
raw, _ = l.accept()
raw.settimeout(20)
t = ctx.wrap_socket(raw, server_side=True)
t.recv(100)
t.sendall(b"x" * 1000)
# The SSL socket has taken raw's descriptor; its shutdown() and close()
# send no close_notify (only unwrap() would).
if mode == "fin":
    time.sleep(0.3)
    t.shutdown(socket.SHUT_RDWR)
    time.sleep(1)
elif mode == "rst":
    time.sleep(0.3)
    t.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
elif mode == "hold":
    time.sleep(30)
elif mode == "answer":
    try:
        while t.recv(100):
            pass
    except (ssl.SSLError, OSError):
        pass
    t.shutdown(socket.SHUT_RDWR)
    time.sleep(0.5)
t.close()
PY

wait_file() {
	i=0
	until [ -s "$1" ]; do
		i=$((i + 1))
		[ $i -gt 300 ] && return 1
		sleep 0.05
	done
}

# check NAME CMD...: CMD (a test) succeeds.
check() {
	name=$1; shift
	if "$@"; then ok; else bad "$name"; fi
}

# The lines attlsd logged since mark.
log_since() {
	tail -n +"$(($1 + 1))" "$D/attlsd.log" > "$out"
}

daemon=
safsrv=
quietsrv=
watchsrv=
peer=
trap 'st=$?; kill $daemon $safsrv $quietsrv $watchsrv $peer 2>/dev/null || :; wait 2>/dev/null || :; exit $st' EXIT
start_attlsd "$D/policy" "$D/attlsd.log"

# 1. SAFCheck: a trusted certificate that maps to nobody, TLS 1.3, data
# sent with the client's last handshake flight.
attls run -j SAFSRV -- python3 -u "$D/sink.py" "$D/saf.port" "$D/saf.res" \
	> "$D/safsrv.out" 2>&1 &
safsrv=$!
wait_file "$D/saf.port" || { cat "$D/safsrv.out"; echo "no SAFCheck server"; exit 1; }
sport=$(cat "$D/saf.port")
mark=$(wc -l < "$D/attlsd.log")
i=0
while [ $i -lt 20 ]; do
	i=$((i + 1))
	printf 'secret request %d\n' $i | timeout 20 openssl s_client -connect "127.0.0.1:$sport" \
		-tls1_3 -cert "$D/cli.crt" -key "$D/cli.key" -CAfile "$D/ca.pem" -ign_eof \
		-quiet > /dev/null 2>&1 || :
done
j=0
while [ "$(wc -l < "$D/saf.res" 2>/dev/null || echo 0)" -lt 20 ] && [ $j -lt 200 ]; do
	j=$((j + 1))
	sleep 0.05
done
cp "$D/saf.res" "$out" 2>/dev/null || : > "$out"
check "SAFCheck: the program saw all 20 connections end" [ "$(wc -l < "$out")" -eq 20 ]
expect_no_out "SAFCheck: no byte reached the program" "bytes=[1-9]"
expect_no_out "SAFCheck: the program saw a reset, not end-of-file" "err=0 "
log_since "$mark"
check "SAFCheck: RC 5002 for each" [ "$(grep -c 'RC: 5002 Initial Handshake' "$out")" -ge 20 ]
expect_no_out "SAFCheck: no success logged" "RC: 0 Initial Handshake"
expect_no_out "SAFCheck: nothing relayed" "RC: 0 Connection Close"

# 2. A peer that connects and never says a word, on an otherwise quiet
# daemon (HandshakeTimeout 2).
attls run -j QUIETSRV -- python3 -u "$D/sink.py" "$D/quiet.port" "$D/quiet.res" \
	> "$D/quietsrv.out" 2>&1 &
quietsrv=$!
wait_file "$D/quiet.port" || { cat "$D/quietsrv.out"; echo "no quiet server"; exit 1; }
qport=$(cat "$D/quiet.port")
mute() {
	python3 -c 'import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.settimeout(15)
try:
    s.recv(1)
except OSError:
    pass' "$qport"
}
# attlsd's descriptors and its TLS engine's (which holds the connections').
fds() {
	for p in "$daemon" $(pgrep -P "$daemon"); do ls "/proc/$p/fd"; done 2>/dev/null | wc -l
}
# First a well-behaved client, so that the program's control connection
# to attlsd is open and the count of attlsd's descriptors is stable.
printf 'hello\n' | timeout 20 openssl s_client -connect "127.0.0.1:$qport" -CAfile "$D/ca.pem" \
	-quiet -no_ign_eof > /dev/null 2>&1 || :
wait_file "$D/quiet.res" || :
sleep 0.2
base=$(fds)
mark=$(wc -l < "$D/attlsd.log")
mute &
mpid=$!
j=0
during=$(fds)
while [ "$during" -le "$base" ] && [ $j -lt 30 ]; do j=$((j + 1)); sleep 0.05; during=$(fds); done
j=0
while [ "$(wc -l < "$D/quiet.res")" -lt 2 ] && [ $j -lt 200 ]; do j=$((j + 1)); sleep 0.05; done
sleep 0.2
after=$(fds)
sed -n 2p "$D/quiet.res" > "$out"
expect_out "timeout: the program's connection ended within 3 s" "^bytes=0 err=[0-9]+ secs=[012]\."
expect_no_out "timeout: ended by a reset, not end-of-file" "err=0 "
echo "attlsd descriptors: $base before, $during with the silent peer, $after after" > "$out"
check "timeout: attlsd held descriptors for the silent peer" [ "$during" -gt "$base" ]
check "timeout: attlsd's descriptors back to where they were" [ "$after" -eq "$base" ]
log_since "$mark"
expect_out "timeout: RC 5004 logged" "RC: 5004 Initial Handshake"
wait $mpid

# 3. Truncation and resets from a TLS server, seen by a plain client.
cut_case() {
	rm -f "$D/peer.port" "$D/marker"
	python3 "$D/peer.py" "$1" "$D/peer.port" "$D/srv.crt" "$D/srv.key" > "$D/peer.out" 2>&1 &
	peer=$!
	wait_file "$D/peer.port" || { cat "$D/peer.out"; echo "no TLS peer"; exit 1; }
	mark=$(wc -l < "$D/attlsd.log")
	attls run -j CUTCLI -- python3 "$D/client.py" "$(cat "$D/peer.port")" "$2" "$D/marker" \
		> "$D/client.out" 2>&1
	wait $peer 2>/dev/null || :
	peer=
	sleep 0.3
}

cut_case fin all
cp "$D/client.out" "$out"
expect_out "FIN without close_notify: the bytes, then ECONNRESET" "^got=1000 err=104$"
log_since "$mark"
expect_out "FIN without close_notify: RC 420 logged" "RC: 420 Data Decryption"
expect_no_out "FIN without close_notify: not an orderly close" "RC: 0 Connection Close"

cut_case rst all
cp "$D/client.out" "$out"
expect_out "reset: ECONNRESET" "got=[0-9]+ err=104$"
log_since "$mark"
expect_out "reset: RC 406 logged" "RC: 406 Data Decryption.*reset"
expect_no_out "reset: not an orderly close" "RC: 0 Connection Close"

cut_case answer 1000
cp "$D/client.out" "$out"
expect_out "bare FIN after our close_notify: the client got its answer" "^got=1000 err=0$"
log_since "$mark"
expect_out "bare FIN after our close_notify: an orderly close" "RC: 0 Connection Close"
expect_no_out "bare FIN after our close_notify: no error" "EZD1286I"

# attlsd killed mid-transfer: the program has had its first bytes.
rm -f "$D/peer.port" "$D/marker"
python3 "$D/peer.py" hold "$D/peer.port" "$D/srv.crt" "$D/srv.key" > "$D/peer.out" 2>&1 &
peer=$!
wait_file "$D/peer.port" || { cat "$D/peer.out"; echo "no TLS peer"; exit 1; }
attls run -j CUTCLI -- python3 "$D/client.py" "$(cat "$D/peer.port")" all "$D/marker" \
	> "$D/client.out" 2>&1 &
cli=$!
wait_file "$D/marker" || :
kill -9 "$daemon"
wait "$cli" 2>/dev/null || :
cp "$D/client.out" "$out"
expect_out "attlsd killed: the bytes, then ECONNRESET" "^got=1000 err=104$"
wait $daemon 2>/dev/null || :

# 4. epoll refuses the connection's TCP socket.  Not under AddressSanitizer,
# which must come first among the libraries of the program.
failepoll=$ATTLS_BUILD/tests/tools/attls-failepoll.so
if nm -D "$(command -v attlsd)" 2>/dev/null | grep -q __asan_init; then
	echo "skipping the epoll failure case: attlsd is built with AddressSanitizer"
else
	rm -f "$ATTLS_SOCKET"
	LD_PRELOAD=$failepoll
	export LD_PRELOAD
	start_attlsd "$D/policy" "$D/attlsd.log"
	unset LD_PRELOAD
	attls run -j WATCHSRV -- python3 -u "$D/sink.py" "$D/watch.port" "$D/watch.res" \
		> "$D/watchsrv.out" 2>&1 &
	watchsrv=$!
	wait_file "$D/watch.port" || { cat "$D/watchsrv.out"; echo "no server"; exit 1; }
	mark=$(wc -l < "$D/attlsd.log")
	expect_fail "unwatchable: the client's handshake fails" 1 sh -c "printf 'x' | timeout 10 \
		openssl s_client -connect 127.0.0.1:$(cat "$D/watch.port") -CAfile '$D/ca.pem' \
		-ign_eof -quiet >/dev/null 2>&1 || exit 1"
	wait_file "$D/watch.res" || :
	sleep 0.2
	log_since "$mark"
	expect_out "unwatchable: RC 6001 logged" "EZD1286I .*RC: 6001 .*cannot be watched"
	cp "$D/watch.res" "$out" 2>/dev/null || : > "$out"
	expect_out "unwatchable: the program's connection ended with a reset" "^bytes=0 err=104 "
fi

finish
