#!/usr/bin/env bash
# profile.sh bulk|handshake|latency [perf] - attlsd under valgrind's
# callgrind (or, with "perf", sampled by perf on the CPU clock at full
# speed) while netbench drives one attls workload (TLS 1.3, both ends
# under `attls run`, as in run.sh), then the functions that cost the
# most.  The profile is left in the current directory as
# callgrind.WORKLOAD.out (for callgrind_annotate or kcachegrind) or
# perf.WORKLOAD.data (for perf report).
#
# Run it from the build directory's bench/ target environment, e.g.
#   NETBENCH=build/bench/netbench ATTLSD=build/src/daemon/attlsd \
#   ATTLS=build/src/cli/attls ATTLS_PRELOAD=build/src/shim/libattls.so \
#   bench/profile.sh handshake
# Rates under valgrind are far lower than real ones; only the shares mean
# anything.
set -eu

case ${1:-} in
bulk)      ARGS="--mode up --conns 1 --seconds 4 --warmup 1" ;;
handshake) ARGS="--mode cps --conns 16 --seconds 6 --warmup 1" ;;
latency)   ARGS="--mode lat --seconds 4 --warmup 1" ;;
*) echo "usage: profile.sh bulk|handshake|latency" >&2; exit 2 ;;
esac
W=$1
TOOL=${2:-callgrind}
case $TOOL in callgrind|perf) ;; *) echo "usage: profile.sh WORKLOAD [perf]" >&2; exit 2 ;; esac
for v in NETBENCH ATTLSD ATTLS ATTLS_PRELOAD; do
	eval "p=\${$v:-}"
	[ -n "$p" ] && [ -e "$p" ] || { echo "profile.sh: set $v" >&2; exit 2; }
done
if [ "$TOOL" = perf ]; then
	command -v perf >/dev/null 2>&1 || { echo "profile.sh: needs perf" >&2; exit 2; }
	OUT=$(pwd)/perf.$W.data
else
	command -v valgrind >/dev/null 2>&1 || { echo "profile.sh: needs valgrind" >&2; exit 2; }
	OUT=$(pwd)/callgrind.$W.out
fi
export ATTLS_PRELOAD

T=$(mktemp -d "${TMPDIR:-/tmp}/attls-profile.XXXXXX")
PIDS=""
cleanup() {
	st=$?
	for p in $PIDS; do kill "$p" 2>/dev/null || :; done
	for p in $PIDS; do wait "$p" 2>/dev/null || :; done
	rm -rf "$T"
	exit $st
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export ATTLS_SOCKET="$T/attlsd.sock"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$T/ca.key" -out "$T/ca.pem" -subj "/CN=bench CA" -days 2 \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=keyCertSign" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/srv.key" \
	-out "$T/srv.csr" -subj "/CN=localhost" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$T/ext"
openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial \
	-out "$T/srv.crt" -days 2 -extfile "$T/ext" 2>/dev/null
cat "$T/srv.crt" "$T/srv.key" "$T/ca.pem" > "$T/server-ring.pem"
cp "$T/ca.pem" "$T/client-ring.pem"
sed "s|@DIR@|$T|g" > "$T/policy" <<'POLICY'
TTLSRule BenchServer
{
  LocalPortRange 1024-65535
  Jobname NBSERVER
  Direction Inbound
  TTLSGroupActionRef grp
  TTLSEnvironmentActionRef srvenv
}
TTLSRule BenchClient
{
  RemotePortRange 1024-65535
  Jobname NBCLIENT
  Direction Outbound
  TTLSGroupActionRef grp
  TTLSEnvironmentActionRef cltenv
}
TTLSGroupAction grp
{
  TTLSEnabled On
  Trace 2
}
TTLSEnvironmentAction srvenv
{
  HandshakeRole Server
  TTLSKeyringParms
  {
    Keyring @DIR@/server-ring.pem
  }
  TTLSCipherParms
  {
    V3CipherSuites4Char 1301
  }
  TTLSEnvironmentAdvancedParms
  {
    TLSv1.2 Off
    TLSv1.3 On
  }
}
TTLSEnvironmentAction cltenv
{
  HandshakeRole Client
  TTLSKeyringParms
  {
    Keyring @DIR@/client-ring.pem
  }
  TTLSCipherParms
  {
    V3CipherSuites4Char 1301
  }
  TTLSEnvironmentAdvancedParms
  {
    HostReferenceIdDNS localhost
    TLSv1.2 Off
    TLSv1.3 On
  }
}
POLICY

if [ "$TOOL" = perf ]; then
	set -- perf record -q -e cpu-clock -F 2000 -g -o "$OUT" --
else
	set -- valgrind --tool=callgrind --callgrind-out-file="$OUT"
fi
"$@" "$ATTLSD" -f -p "$T/policy" \
	--socket "$ATTLS_SOCKET" --db "$T/none.db" --workers "$(nproc)" 2> "$T/attlsd.log" &
D=$!; PIDS="$PIDS $D"
i=0
until grep -q EZD1586I "$T/attlsd.log" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 600 ] || ! kill -0 $D 2>/dev/null; then
		cat "$T/attlsd.log" >&2; echo "profile.sh: attlsd did not start" >&2; exit 1
	fi
	sleep 0.1
done
"$ATTLS" run -j NBSERVER -- "$NETBENCH" serve --port-file "$T/port" > "$T/server.log" 2>&1 &
S=$!; PIDS="$PIDS $S"
i=0
until [ -s "$T/port" ]; do
	i=$((i + 1)); [ $i -gt 200 ] && { echo "profile.sh: no server" >&2; exit 1; }
	sleep 0.05
done
# shellcheck disable=SC2086
"$ATTLS" run -j NBCLIENT -- "$NETBENCH" client --port "$(cat "$T/port")" $ARGS
kill $S; wait $S 2>/dev/null || :
kill -INT $D; wait $D 2>/dev/null || :
PIDS=""
if [ "$TOOL" = perf ]; then
	echo "== self (share of attlsd's samples) =="
	perf report -i "$OUT" --no-children --sort dso,symbol --stdio 2>/dev/null |
		grep -E '^ +[0-9]' | head -40
	exit 0
fi
echo "== self =="
callgrind_annotate --inclusive=no "$OUT" 2>/dev/null | sed -n '/PROGRAM TOTALS/,+25p'
echo "== inclusive =="
callgrind_annotate --inclusive=yes "$OUT" 2>/dev/null | sed -n '/PROGRAM TOTALS/,+40p'
