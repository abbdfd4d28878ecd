# shim_preload_test.sh - libattls.so preloaded into real programs, against
# a stand-in for attlsd (shim-double) that speaks the real control protocol
# and relays plain bytes where the daemon would run TLS.
set -eu
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"

B=$ATTLS_BIN/../..
SHIM=$B/src/shim/libattls.so
T=$B/tests/unit/shim
SOCK=$ATTLS_TMP/attlsd.sock
export ATTLS_SOCKET=$SOCK
unset ATTLS_REQUIRE ATTLS_JOBNAME || true

# A sanitizer-built shim takes the sanitizer runtime from the program it is
# loaded into: the test programs here are built the same way, but system
# programs (curl, sh) are not, so those cases run only in a plain build.
san=0
if nm -D "$SHIM" 2>/dev/null | grep -q __asan_init; then
	san=1
fi

pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# start_double ARGS...: a fresh double on $SOCK counting into $ATTLS_TMP/count
start_double() {
	[ -z "${double_pid:-}" ] || { kill "$double_pid" 2>/dev/null || true; wait "$double_pid" 2>/dev/null || true; }
	rm -f "$SOCK" "$SOCK.summary" "$ATTLS_TMP/count"
	"$T/shim-double" --socket "$SOCK" --count "$ATTLS_TMP/count" "$@" &
	double_pid=$!
	pids="$pids $double_pid"
	i=0; while [ ! -S "$SOCK" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
}

# start_server plain|preload N [OPTIONS...]: a shim-client server for N
# connections; sets $port
start_server() {
	pre=$1; n=$2; shift 2
	rm -f "$ATTLS_TMP/port"
	if [ "$pre" = preload ]; then
		LD_PRELOAD=$SHIM "$T/shim-client" serve "$@" "$ATTLS_TMP/port" "$n" >"$ATTLS_TMP/server.out" 2>&1 &
	else
		"$T/shim-client" serve "$@" "$ATTLS_TMP/port" "$n" >"$ATTLS_TMP/server.out" 2>&1 &
	fi
	server_pid=$!
	pids="$pids $server_pid"
	i=0; while [ ! -s "$ATTLS_TMP/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	port=$(cat "$ATTLS_TMP/port")
}

count() { cat "$ATTLS_TMP/count" 2>/dev/null || echo 0; }

server_done() {
	name=$1
	if wait "$server_pid"; then ok; else cp "$ATTLS_TMP/server.out" "$out"; bad "$name: server checks failed"; fi
}

pc() { LD_PRELOAD=$SHIM "$T/shim-client" "$@"; }

# ---- protected: the double relays --------------------------------------
start_double --verdict protect --rule both:0-65535

start_server plain 5
expect_ok "ipv4 blocking" pc connect "$port" hello
expect_out "ipv4 blocking echo" '^echo:hello$'
expect_ok "ipv4 non-blocking" pc connect --nonblock "$port" nb
expect_out "ipv4 non-blocking echo" '^echo:nb$'
expect_ok "fork" pc fork "$port" fromchild
expect_out "fork echo" '^echo:fromchild$'
expect_out "fork: the child's own connection" '^echo:child-own$'
expect_ok "exec" pc exec "$port" fromexec
expect_out "exec echo" '^echo:fromexec$'
server_done "ipv4 server"
[ "$(count)" -ge 5 ] && ok || bad "round trips: $(count), wanted at least 5"

start_server plain 2 -6
expect_ok "ipv6 blocking" pc connect -6 "$port" six
expect_out "ipv6 echo" '^echo:six$'
expect_ok "ipv6 non-blocking" pc connect -6 --nonblock "$port" sixnb
expect_out "ipv6 non-blocking echo" '^echo:sixnb$'
server_done "ipv6 server"

start_server preload 2 --accept4
expect_ok "accept4 under the shim" pc connect "$port" a4
expect_out "accept4 echo" '^echo:a4$'
expect_ok "plain client to shimmed server" "$T/shim-client" connect "$port" plainc
expect_out "plain client echo" '^echo:plainc$'
server_done "accept4 server"

start_server preload 1 --epoll
expect_ok "epoll server" pc connect "$port" ep
expect_out "epoll echo" '^echo:ep$'
server_done "epoll server"

start_server plain 2
expect_ok "epoll set joined before connect" pc epoll-first "$port" epfirst
expect_out "epoll-first echo" '^echo:epfirst$'
expect_ok "epoll-first, IPv4 on a plain server" "$T/shim-client" epoll-first "$port" noshim
server_done "epoll-first server"

start_server plain 16
expect_ok "threads" pc threads "$port" 16
expect_out "threads done" '^16 threads done$'
server_done "threads server"

start_server plain 1
expect_ok "attls_ioctl" pc query "$port"
expect_out "attls_ioctl answer" 'policy=4 conn=3 prot=3.4 cipher=1301 rule=DOUBLERULE cert_len=13'
server_done "query server"

if [ $san -eq 1 ]; then
	# Only in a sanitizer build (make check runs this test in the gcc build).
	echo "not run here: curl under a sanitizer-built shim (curl has no sanitizer runtime)"
else
	rm -f "$ATTLS_TMP/port"
	LD_PRELOAD=$SHIM "$T/shim-client" http "$ATTLS_TMP/port" >"$ATTLS_TMP/server.out" 2>&1 &
	server_pid=$!
	pids="$pids $server_pid"
	i=0; while [ ! -s "$ATTLS_TMP/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	before=$(count)
	expect_ok "curl" attls run -- curl -sS --max-time 10 "http://127.0.0.1:$(cat "$ATTLS_TMP/port")/"
	expect_out "curl body" '^hello$'
	[ "$(count)" -gt "$before" ] && ok || bad "curl made no control round trip"
	server_done "http server"
fi

# A non-blocking connect that fails after the hand-over: seen at SO_ERROR
# (the daemon reports the TCP result) or, if the program asked before the
# daemon knew, as a reset on the first read.
start_server plain 1
expect_ok "closing the port" "$T/shim-client" connect "$port" bye
server_done "closed-port server"
set +e
pc connect --nonblock "$port" x >"$out" 2>&1
st=$?
set -e
# 1: the client saw the error; 141: SIGPIPE from writing after the reset,
# as a program writing to a reset TCP connection would get.
if [ $st -eq 141 ] || { [ $st -eq 1 ] && grep -Eq 'Connection refused|Connection reset' "$out"; }; then
	ok
else
	bad "non-blocking connect to a closed port: exit $st"
fi

# ---- the summary rules connections out locally -------------------------
start_double --verdict protect --rule out:1-1
start_server plain 1
expect_ok "ruled out by port" pc connect "$port" quiet
expect_out "ruled out by port echo" '^echo:quiet$'
[ "$(count)" -eq 0 ] && ok || bad "a connection no rule covers made $(count) round trips"
server_done "summary server"

start_server plain 1
expect_ok "attls_ioctl, ruled out locally" pc query "$port"
expect_out "no policy, not secure" 'policy=2 conn=1 prot=0.0 cipher= rule= cert_len=0'
[ "$(count)" -eq 0 ] && ok || bad "a query the summary answers made $(count) round trips"
server_done "local query server"

start_double --verdict protect --rule out:0-65535:BATCH*
start_server plain 2
expect_ok "ruled out by jobname" attls run -j WEBJOB -- "$T/shim-client" connect "$port" nojob
[ "$(count)" -eq 0 ] && ok || bad "a jobname no rule names made $(count) round trips"
expect_ok "jobname matches" attls run -j batch01 -- "$T/shim-client" connect "$port" job
expect_out "jobname echo" '^echo:job$'
[ "$(count)" -eq 1 ] && ok || bad "a matching jobname made $(count) round trips, wanted 1"
server_done "jobname server"

# ---- a restarted daemon serves the same process at once -----------------
start_double --verdict protect
start_server plain 2
pc again "$port" restart 2 >"$ATTLS_TMP/again.out" 2>&1 &
again_pid=$!
sleep 1
start_double --verdict protect
if wait "$again_pid"; then ok; else cp "$ATTLS_TMP/again.out" "$out"; bad "restart: client failed"; fi
[ "$(count)" -eq 1 ] && ok || bad "restart: the new daemon answered $(count) requests, wanted 1"
server_done "restart server"

# ---- ATTLS_SHIM=off -----------------------------------------------------
start_double --verdict protect
start_server plain 1
ATTLS_SHIM=off expect_ok "ATTLS_SHIM=off" pc connect "$port" off
expect_out "off echo" '^echo:off$'
[ "$(count)" -eq 0 ] && ok || bad "ATTLS_SHIM=off made $(count) round trips"
server_done "off server"

# ---- other verdicts ----------------------------------------------------
start_double --verdict clear
start_server plain 1
expect_ok "clear verdict" pc connect "$port" clear
expect_out "clear echo" '^echo:clear$'
[ "$(count)" -eq 1 ] && ok || bad "no summary: wanted 1 round trip, got $(count)"
server_done "clear server"

start_double --verdict refuse
start_server plain 1
expect_ok "refused verdict" pc refused "$port"
expect_out "refused errno" 'connect: Software caused connection abort'
kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true

# ---- no daemon ---------------------------------------------------------
kill "$double_pid"; wait "$double_pid" 2>/dev/null || true; double_pid=
rm -f "$SOCK"
start_server plain 1
expect_ok "no daemon: cleartext" pc connect "$port" nodaemon
expect_out "no daemon echo" '^echo:nodaemon$'
server_done "no-daemon server"

start_server plain 2
ATTLS_REQUIRE=1 expect_ok "no daemon, protection required" pc refused "$port"
expect_out "required: refused" 'connect: Connection refused'
ATTLS_REQUIRE=1 LD_PRELOAD=$SHIM "$T/shim-client" refused "$port" >"$out" 2>&1 || true
expect_out "required: says why" 'libattls: attlsd is not running'
kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true

# ---- attls run ---------------------------------------------------------
expect_ok "run --help" attls run --help
expect_out "run usage" 'usage: attls run'
ATTLS_PRELOAD=$ATTLS_TMP/none.so expect_ok "run sets the jobname" \
	attls run -j myjob -- sh -c 'echo "job=$ATTLS_JOBNAME pre=$LD_PRELOAD"'
expect_out "run environment" "job=myjob pre=$ATTLS_TMP/none.so"
if [ $san -eq 0 ]; then
	expect_ok "run finds the shim" attls run -- sh -c 'echo "pre=$LD_PRELOAD"'
	expect_out "run preloads the built shim" 'pre=.*/shim/libattls.so$'
else
	echo "not run here: 'attls run -- sh' under a sanitizer-built shim (sh has no sanitizer runtime)"
fi
expect_fail "run without a program" 2 attls run
expect_fail "run a missing program" 127 attls run -- /nonexistent/program

finish
