#!/usr/bin/env bash
# run.sh [--quick] - transparent TLS against stunnel and in-process OpenSSL.
#
# Measures, side by side in one run, on 127.0.0.1 with kernel-chosen ports:
#   plain     netbench client -> netbench server (plain TCP, the ceiling)
#   openssl   netbench client --tls -> netbench server --tls (in-process
#             OpenSSL at both ends, the TLS ceiling)
#   stunnel   netbench client -> stunnel (client) =TLS=> stunnel (server)
#             -> netbench server
#   attls     attls run -j NBCLIENT netbench client =TLS=> attls run -j
#             NBSERVER netbench server, one attlsd holding both ends
# Figures: bulk throughput (1 and 4 connections, each direction, with
# netbench and with iperf3), connections per second with a full and with
# a resumed handshake, small-message round trip (median and p99), memory
# per idle connection (attlsd against the two stunnels, from /proc), and
# the shim's cost for connections no rule matches.  Each figure is taken
# REPS times per contender, the contenders alternating; medians are shown
# with their spread ((max - min) / median).
#
# The programs come from the environment (the bench_all and bench_quick
# targets set them): NETBENCH, ATTLSD, ATTLS, ATTLS_PRELOAD.  Tools:
# openssl, stunnel4, iperf3 (bench/install-deps.sh installs them as root).
set -eu

QUICK=0
[ "${1:-}" = "--quick" ] && QUICK=1
HERE=$(cd "$(dirname "$0")" && pwd)

if [ $QUICK -eq 1 ]; then
	VERSIONS="1.3"; REPS=1; SECS=0.6; WARM=0.2; MEMCONNS="1000"; IPERF=0
else
	VERSIONS="1.3 1.2"; REPS=${BENCH_REPS:-3}; SECS=2; WARM=0.5
	MEMCONNS="1000 10000"; IPERF=1; ISECS=3
fi
MEMDONE=
CPS_CONNS=16
ATTLS_JOB=NBCLIENT   # the client rule with session resumption
KTLS_LINE=

die() { echo "run.sh: $*" >&2; exit 1; }

for v in NETBENCH ATTLSD ATTLS ATTLS_PRELOAD; do
	eval "p=\${$v:-}"
	[ -n "$p" ] && [ -e "$p" ] || die "$v is not set to a built program (run through 'make bench')"
done
export ATTLS_PRELOAD

STUNNEL=$(command -v stunnel4 || command -v stunnel || :)
missing=""
command -v openssl >/dev/null 2>&1 || missing="$missing openssl"
[ -n "$STUNNEL" ] || missing="$missing stunnel4"
command -v iperf3 >/dev/null 2>&1 || missing="$missing iperf3"
if [ -n "$missing" ]; then
	if [ "$(id -u)" = 0 ]; then
		"$HERE/install-deps.sh"
		STUNNEL=$(command -v stunnel4 || command -v stunnel || :)
	else
		die "missing:$missing (install them, or run bench/install-deps.sh as root)"
	fi
fi

# Enough descriptors for 10,000 relayed connections (4 per connection in
# attlsd, 2 in each stunnel).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || :
NOFILE=$(ulimit -n)
# Where 10,000 connections do not fit (attlsd needs 4 descriptors for
# each), the largest thousand that does is measured instead.
if [ $QUICK -eq 0 ] && [ "$NOFILE" -lt 40100 ]; then
	fit=$(( (NOFILE - 100) / 4 / 1000 * 1000 ))
	[ $fit -gt 1000 ] && MEMCONNS="1000 $fit"
	echo "descriptor limit $NOFILE: memory measured at $MEMCONNS connections, not 10000" >&2
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/attls-bench.XXXXXX")
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
unset ATTLS_JOBNAME ATTLS_REQUIRE 2>/dev/null || :

# ---- certificates: ECDSA P-256, made for this run only ----
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

# ---- starting and stopping things ----
wait_file() {   # FILE PID
	i=0
	while [ ! -s "$1" ]; do
		i=$((i + 1))
		if [ $i -gt 200 ] || ! kill -0 "$2" 2>/dev/null; then
			die "$1 did not appear"
		fi
		sleep 0.05
	done
}
wait_grep() {   # PATTERN FILE PID
	i=0
	while ! grep -q "$1" "$2" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 200 ] || ! kill -0 "$3" 2>/dev/null; then
			cat "$2" >&2 || :
			die "no '$1' in $2"
		fi
		sleep 0.05
	done
}
stop() {        # PID...
	for p in "$@"; do kill "$p" 2>/dev/null || :; wait "$p" 2>/dev/null || :; done
	rest=""
	for q in $PIDS; do
		keep=1
		for p in "$@"; do [ "$p" = "$q" ] && keep=0; done
		[ $keep -eq 1 ] && rest="$rest $q"
	done
	PIDS=$rest
}
freeport() { "$NETBENCH" freeport; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
# attlsd's RSS with its keyholder's and TLS engine's: the connections'
# memory is in the engine.
rss_tree_kib() {
	t=0
	for p in "$1" $(pgrep -P "$1"); do t=$((t + $(rss_kib "$p"))); done
	echo $t
}

tlsargs() {     # VERSION
	echo "--tls $T/srv.crt $T/srv.key $T/ca.pem --tls-version $1"
}

start_server() {  # NAME COMMAND...: sets SPORT and LASTPID
	name=$1; shift
	rm -f "$T/$name.port"
	"$@" --port-file "$T/$name.port" > "$T/$name.log" 2>&1 &
	LASTPID=$!
	PIDS="$PIDS $LASTPID"
	wait_file "$T/$name.port" $LASTPID
	SPORT=$(cat "$T/$name.port")
}

write_policy() {  # VERSION
	if [ "$1" = 1.3 ]; then
		suite=1301; v12=Off; v13=On
	else
		suite=C02B; v12=On; v13=Off
	fi
	cat > "$T/policy" <<POLICY
TTLSRule BenchServer
{
  LocalPortRange 1024-65535
  Jobname NBSERVER
  Direction Inbound
  Priority 100
  TTLSGroupActionRef grp
  TTLSEnvironmentActionRef srvenv
}
TTLSRule BenchClient
{
  RemotePortRange 1024-65535
  Jobname NBCLIENT
  Direction Outbound
  Priority 90
  TTLSGroupActionRef grp
  TTLSEnvironmentActionRef cltenv
}
TTLSRule BenchClientNoResume
{
  RemotePortRange 1024-65535
  Jobname NBFULL
  Direction Outbound
  Priority 80
  TTLSGroupActionRef grp
  TTLSEnvironmentActionRef fullenv
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
    Keyring $T/server-ring.pem
  }
  TTLSCipherParms
  {
    V3CipherSuites4Char $suite
  }
  TTLSEnvironmentAdvancedParms
  {
    TLSv1.2 $v12
    TLSv1.3 $v13
  }
}
TTLSEnvironmentAction cltenv
{
  HandshakeRole Client
  TTLSKeyringParms
  {
    Keyring $T/client-ring.pem
  }
  TTLSCipherParms
  {
    V3CipherSuites4Char $suite
  }
  TTLSEnvironmentAdvancedParms
  {
    HostReferenceIdDNS localhost
    TLSv1.2 $v12
    TLSv1.3 $v13
  }
}
TTLSEnvironmentAction fullenv
{
  HandshakeRole Client
  TTLSKeyringParms
  {
    Keyring $T/client-ring.pem
  }
  TTLSCipherParms
  {
    V3CipherSuites4Char $suite
  }
  TTLSEnvironmentAdvancedParms
  {
    HostReferenceIdDNS localhost
    TLSv1.2 $v12
    TLSv1.3 $v13
  }
  TTLSGskAdvancedParms
  {
    GSK_V3_SIDCACHE_SIZE 0
  }
}
POLICY
}

start_attlsd() {  # VERSION
	write_policy "$1"
	rm -f "$T/attlsd.log"
	"$ATTLSD" -f -p "$T/policy" --socket "$ATTLS_SOCKET" --db "$T/none.db" \
		--workers "$(nproc)" 2> "$T/attlsd.log" &
	ATTLSD_PID=$!
	PIDS="$PIDS $ATTLSD_PID"
	wait_grep EZD1586I "$T/attlsd.log" $ATTLSD_PID
	# Which record path attls used in this run (kernel TLS or OpenSSL in
	# attlsd), as attlsd found it.
	KTLS_LINE=$(sed -n 's/.*attlsd: kernel TLS: //p' "$T/attlsd.log" | head -n 1)
}

stunnel_tls() {   # VERSION
	if [ "$1" = 1.3 ]; then
		printf 'sslVersion = TLSv1.3\nciphersuites = TLS_AES_128_GCM_SHA256\n'
	else
		printf 'sslVersion = TLSv1.2\nciphers = ECDHE-ECDSA-AES128-GCM-SHA256\n'
	fi
	printf 'curves = X25519:P-256\n'
}

# start_stunnels VERSION BACKEND_PORT [IPERF_BACKEND_PORT]
# Sets SC_FULL, SC_RESUME (client ports, sessions not resumed / resumed),
# SC_IPERF, and the two pids.
start_stunnels() {
	ver=$1; back=$2; iback=${3:-}
	SS_PORT=$(freeport); SS_IPORT=$(freeport)
	SC_FULL=$(freeport); SC_RESUME=$(freeport); SC_IPERF=$(freeport)
	{
		printf 'foreground = yes\npid =\ndebug = 3\noutput = %s\n' "$T/stunnel-s.log"
		printf 'cert = %s\nkey = %s\n' "$T/srv.crt" "$T/srv.key"
		stunnel_tls "$ver"
		printf '[bench]\naccept = 127.0.0.1:%s\nconnect = 127.0.0.1:%s\n' "$SS_PORT" "$back"
		[ -n "$iback" ] && printf '[iperf]\naccept = 127.0.0.1:%s\nconnect = 127.0.0.1:%s\n' "$SS_IPORT" "$iback"
	} > "$T/stunnel-s.conf"
	{
		printf 'foreground = yes\npid =\ndebug = 3\noutput = %s\n' "$T/stunnel-c.log"
		printf 'client = yes\nCAfile = %s\nverifyChain = yes\ncheckHost = localhost\n' "$T/ca.pem"
		stunnel_tls "$ver"
		printf '[full]\naccept = 127.0.0.1:%s\nconnect = 127.0.0.1:%s\nsessionResume = no\n' "$SC_FULL" "$SS_PORT"
		printf '[resume]\naccept = 127.0.0.1:%s\nconnect = 127.0.0.1:%s\n' "$SC_RESUME" "$SS_PORT"
		[ -n "$iback" ] && printf '[iperf]\naccept = 127.0.0.1:%s\nconnect = 127.0.0.1:%s\n' "$SC_IPERF" "$SS_IPORT"
	} > "$T/stunnel-c.conf"
	: > "$T/stunnel-s.log"; : > "$T/stunnel-c.log"
	"$STUNNEL" "$T/stunnel-s.conf" > "$T/stunnel-s.out" 2>&1 &
	SS_PID=$!
	"$STUNNEL" "$T/stunnel-c.conf" > "$T/stunnel-c.out" 2>&1 &
	SC_PID=$!
	PIDS="$PIDS $SS_PID $SC_PID"
	wait_port "$SS_PORT" $SS_PID
	wait_port "$SC_FULL" $SC_PID
}
wait_port() {     # PORT PID: until something listens on 127.0.0.1:PORT
	i=0
	hex=$(printf '%04X' "$1")
	while ! grep -q ":$hex 00000000:0000 0A" /proc/net/tcp; do
		i=$((i + 1))
		if [ $i -gt 200 ] || ! kill -0 "$2" 2>/dev/null; then
			cat "$T"/stunnel-*.out "$T"/stunnel-*.log >&2 || :
			die "nothing listens on port $1"
		fi
		sleep 0.05
	done
}

# ---- results ----
# record FIGURE CONTENDER VALUE [RESULT LINE]: a run with failed
# connections or no value is reported and not counted.
record() {
	f=$(echo "${4:-}" | field fail)
	if [ -z "$3" ] || [ "${f:-0}" != 0 ] || awk -v v="$3" 'BEGIN { exit !(v + 0 == 0) }'; then
		echo "warning: $1 $2: no value, or ${f:-?} failed connections (${4:-})" >&2
		awk -v v="$3" 'BEGIN { exit !(v + 0 == 0) }' && return 0
	fi
	printf '%s\n' "$3" >> "$T/res.$1.$2"
}
stat_of() {     # FIGURE CONTENDER -> "median spread%" or "- -"
	f="$T/res.$1.$2"
	if [ ! -s "$f" ]; then echo "- -"; return; fi
	sort -g "$f" | awk '{ v[NR] = $1 } END {
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		s = (m > 0) ? (v[NR] - v[1]) / m * 100 : 0
		printf "%.6g %.0f\n", m, s }'
}
med() { stat_of "$1" "$2" | awk '{ print $1 }'; }
field() {       # KEY < line
	tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'
}

# Runs netbench client for CONTENDER with ARGS; prints its result line.
client() {      # CONTENDER PORT ARGS...
	who=$1; port=$2; shift 2
	case $who in
	plain)   "$NETBENCH" client --port "$port" "$@" ;;
	openssl) "$NETBENCH" client --port "$port" $TLSARGS "$@" ;;
	stunnel) "$NETBENCH" client --port "$port" "$@" ;;
	attls)   "$ATTLS" run -j "$ATTLS_JOB" -- "$NETBENCH" client --port "$port" "$@" ;;
	shim)    "$ATTLS" run -j NBNORULE -- "$NETBENCH" client --port "$port" "$@" ;;
	esac
}

CONTENDERS="plain openssl stunnel attls"
# order R NAME...: the names, starting one further along for each R, so
# that no contender always runs first or last.
order() {
	r=$1; shift
	n=$#; k=$((r % n)); out=""; i=0
	while [ $i -lt $n ]; do
		idx=$(((i + k) % n + 1))
		eval "out=\"\$out \${$idx}\""
		i=$((i + 1))
	done
	echo "$out"
}

port_for() {    # CONTENDER [resume]
	case $1 in
	plain) echo "$P_PLAIN" ;;
	openssl) echo "$P_TLS" ;;
	stunnel) if [ "${2:-}" = resume ]; then echo "$SC_RESUME"; else echo "$SC_FULL"; fi ;;
	attls) echo "$P_ATTLS" ;;
	esac
}

measure_version() {  # VERSION
	ver=$1
	TLSARGS=$(tlsargs "$ver")
	start_server plain.$ver "$NETBENCH" serve; P_PLAIN=$SPORT; PLAIN_PID=$LASTPID
	start_server tls.$ver "$NETBENCH" serve $TLSARGS; P_TLS=$SPORT; TLS_PID=$LASTPID
	P_IPERF=""
	if [ $IPERF -eq 1 ]; then
		P_IPERF=$(freeport)
		iperf3 -s -B 127.0.0.1 -p "$P_IPERF" > "$T/iperf-plain.log" 2>&1 &
		IPERF_PID=$!; PIDS="$PIDS $IPERF_PID"
		wait_port "$P_IPERF" $IPERF_PID
	fi
	start_stunnels "$ver" "$P_PLAIN" "$P_IPERF"
	start_attlsd "$ver"
	start_server attls.$ver "$ATTLS" run -j NBSERVER -- "$NETBENCH" serve; P_ATTLS=$SPORT
	ATTLS_SRV_PID=$LASTPID
	if [ $IPERF -eq 1 ]; then
		P_AIPERF=$(freeport)
		"$ATTLS" run -j NBSERVER -- iperf3 -s -B 127.0.0.1 -p "$P_AIPERF" \
			> "$T/iperf-attls.log" 2>&1 &
		AIPERF_PID=$!; PIDS="$PIDS $AIPERF_PID"
		wait_port "$P_AIPERF" $AIPERF_PID
	fi
	echo "TLS $ver: servers up (plain $P_PLAIN, openssl $P_TLS, stunnel $SC_FULL, attls $P_ATTLS)" >&2

	# First, before the load below fills the port range with TIME_WAIT.
	if [ "$ver" = 1.3 ]; then
		unprotected
	fi
	r=0
	while [ $r -lt "$REPS" ]; do
		for dir in up down; do
			for n in 1 4; do
				for c in $(order $((r + n)) $CONTENDERS); do
					line=$(client $c "$(port_for $c)" --mode $dir --conns $n \
						--seconds $SECS --warmup $WARM) || line=""
					record "bulk_${dir}_$n.$ver" $c "$(echo "$line" | field gbps)" "$line"
				done
			done
		done
		for kind in full resume; do
			for c in $(order $r $CONTENDERS); do
				# Full handshakes: stunnel's [full] service has
				# sessionResume = no, attls's NBFULL rule a client
				# session cache of size 0.
				extra=""; ATTLS_JOB=NBFULL
				[ $kind = resume ] && { extra=--resume; ATTLS_JOB=NBCLIENT; }
				line=$(client $c "$(port_for $c $kind)" --mode cps --conns $CPS_CONNS \
					--seconds $SECS --warmup $WARM $extra) || line=""
				record "cps_$kind.$ver" $c "$(echo "$line" | field rate)" "$line"
			done
		done
		ATTLS_JOB=NBCLIENT
		for c in $(order $r $CONTENDERS); do
			line=$(client $c "$(port_for $c)" --mode lat --seconds $SECS --warmup $WARM) || line=""
			record "lat_p50.$ver" $c "$(echo "$line" | field p50_us)" "$line"
			record "lat_p99.$ver" $c "$(echo "$line" | field p99_us)" "$line"
		done
		if [ $IPERF -eq 1 ]; then
			for n in 1 4; do
				for rev in "" -R; do
					for c in $(order $r plain stunnel attls); do
						case $c in
						plain) cmd="iperf3 -c 127.0.0.1 -p $P_IPERF" ;;
						stunnel) cmd="iperf3 -c 127.0.0.1 -p $SC_IPERF" ;;
						attls) cmd="$ATTLS run -j NBCLIENT -- iperf3 -c 127.0.0.1 -p $P_AIPERF" ;;
						esac
						d=up; [ -n "$rev" ] && d=down
						v=$($cmd -t "$ISECS" -O 1 -P $n $rev -f m 2>&1 |
							awk '/receiver/ { v = $(NF - 2) } END { if (v != "") printf "%.3f", v / 1000 }') || v=""
						[ -n "$v" ] && record "iperf_${d}_$n.$ver" $c "$v"
					done
				done
			done
		fi
		r=$((r + 1))
		echo "TLS $ver: repetition $r of $REPS done" >&2
	done
	stop $PLAIN_PID $TLS_PID $SS_PID $SC_PID $ATTLS_SRV_PID $ATTLSD_PID
	if [ $IPERF -eq 1 ]; then stop $IPERF_PID $AIPERF_PID; fi
}

# The shim's cost for connections no rule covers: one client connects and
# closes to the plain server, with and without libattls.so (attlsd
# running, its rules name other jobs).  Also the client's CPU time per
# connection, which is steadier than the rate on a shared machine.
unprotected() {
	r=0
	while [ $r -lt $((REPS + 2)) ]; do
		for c in $(order $r plain shim); do
			line=$(client $c "$P_PLAIN" --mode cc --conns 1 --seconds $SECS --warmup $WARM) || line=""
			record "cc.1.3" $c "$(echo "$line" | field rate)" "$line"
			record "cc_cpu.1.3" $c "$(echo "$line" | field cpu_us)" "$line"
		done
		r=$((r + 1))
	done
}

# Memory per idle protected connection: attlsd's RSS against the two
# stunnels', each started fresh for the measurement.
memory() {
	ver=1.3
	for n in $MEMCONNS; do
		need=$((4 * n + 100))
		if [ "$NOFILE" -lt "$need" ]; then
			echo "memory at $n connections skipped: needs $need descriptors, have $NOFILE" >&2
			continue
		fi
		MEMDONE="$MEMDONE $n"
		# attls twice: with the client rule that resumes sessions (the
		# default set-up) and with NBFULL's, where every connection
		# is a full handshake.
		for c in stunnel attls attls_full; do
			start_server mem.$c "$NETBENCH" serve; P=$SPORT; SRV=$LASTPID
			case $c in
			stunnel)
				start_stunnels $ver "$P"
				before=$(( $(rss_kib $SS_PID) + $(rss_kib $SC_PID) ))
				port=$SC_FULL; pre="" ;;
			attls*)
				stop $SRV
				start_attlsd $ver
				start_server mem.$c "$ATTLS" run -j NBSERVER -- "$NETBENCH" serve; P=$SPORT
				SRV=$LASTPID
				before=$(rss_tree_kib $ATTLSD_PID)
				job=NBCLIENT; [ $c = attls_full ] && job=NBFULL
				port=$P; pre="$ATTLS run -j $job --" ;;
			esac
			rm -f "$T/ready"
			$pre "$NETBENCH" client --port "$port" --mode idle --conns "$n" \
				--ready "$T/ready" > "$T/idle.out" 2>&1 &
			IDLE=$!; PIDS="$PIDS $IDLE"
			i=0
			while [ ! -s "$T/ready" ] && kill -0 $IDLE 2>/dev/null; do
				sleep 0.2
			done
			[ -s "$T/ready" ] || { cat "$T/idle.out" >&2; die "idle client failed"; }
			sleep 1
			case $c in
			stunnel) after=$(( $(rss_kib $SS_PID) + $(rss_kib $SC_PID) )) ;;
			attls*) after=$(rss_tree_kib $ATTLSD_PID) ;;
			esac
			opened=$(field idle_open < "$T/idle.out")
			[ "${opened:-0}" -gt 0 ] || die "no idle connection opened"
			echo "memory $c $n: before ${before} KiB after ${after} KiB, $opened open" >&2
			# Each TCP connection has two protected ends here (client
			# and server), each a connection of its own to attlsd
			# (its own CONNID) as to the stunnel pair.
			record "mem_$n.$ver" $c "$(awk -v a="$after" -v b="$before" -v n="$opened" \
				'BEGIN { printf "%.2f", (a - b) / n }')"
			record "mem_end_$n.$ver" $c "$(awk -v a="$after" -v b="$before" -v n="$opened" \
				'BEGIN { printf "%.2f", (a - b) / n / 2 }')"
			stop $IDLE
			case $c in
			stunnel) stop $SRV $SS_PID $SC_PID ;;
			attls*) stop $SRV $ATTLSD_PID ;;
			esac
		done
	done
}

for ver in $VERSIONS; do
	measure_version "$ver"
done
memory

# ---- the table ----
row() {         # LABEL FIGURE UNIT CONTENDERS...
	label=$1; fig=$2; unit=$3; shift 3
	printf '%-34s' "$label"
	for c in plain openssl stunnel attls; do
		s=$(stat_of "$fig" $c)
		m=${s% *}; sp=${s#* }
		if [ "$m" = "-" ]; then printf '%16s' "-"; else printf '%10s %4s%%' "$m" "$sp"; fi
	done
	a=$(med "$fig" attls); b=$(med "$fig" stunnel)
	if [ "$a" != "-" ] && [ "$b" != "-" ]; then
		awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "%10.2f", a / b; else printf "%10s", "-" }'
	fi
	printf '   %s\n' "$unit"
}

echo
echo "machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), kernel $(uname -r), $(openssl version)"
echo "attls record path: kernel TLS ${KTLS_LINE:-unknown}"
echo "each cell: median over $REPS runs (more for the shim row) and spread (max-min)/median"
printf '%-34s%16s%16s%16s%16s%10s\n' "figure" plain openssl stunnel attls "attls/st"
for ver in $VERSIONS; do
	echo "-- TLS $ver, AES-128-GCM, ECDSA P-256 --"
	for d in up down; do for n in 1 4; do
		row "bulk $d, $n conn (netbench)" "bulk_${d}_$n.$ver" Gbit/s
	done; done
	if [ $IPERF -eq 1 ]; then
		for d in up down; do for n in 1 4; do
			row "bulk $d, $n conn (iperf3)" "iperf_${d}_$n.$ver" Gbit/s
		done; done
	fi
	row "conn/s, full handshake" "cps_full.$ver" "conn/s ($CPS_CONNS clients)"
	row "conn/s, resumed session" "cps_resume.$ver" "conn/s ($CPS_CONNS clients)"
	row "round trip 64 B, median" "lat_p50.$ver" us
	row "round trip 64 B, p99" "lat_p99.$ver" us
done
echo "-- memory per idle connection (attlsd vs both stunnels, RSS; TLS 1.3) --"
for n in $MEMDONE; do
	row "KiB per protected end at $n" "mem_end_$n.1.3" "KiB (one TLS end, one CONNID)"
	row "KiB per TCP connection at $n" "mem_$n.1.3" "KiB (both ends in one attlsd)"
	printf '%-34s%58s %4s%%   %s\n' "  same, no session resumption" \
		$(stat_of "mem_end_$n.1.3" attls_full) "KiB per end (NBFULL rule)"
done
echo "-- connections no rule covers (connect + close, 1 client) --"
s_plain=$(stat_of cc.1.3 plain); s_shim=$(stat_of cc.1.3 shim)
printf '%-34s%10s %4s%%  (plain)\n' "without LD_PRELOAD" ${s_plain}
printf '%-34s%10s %4s%%  (libattls.so, no rule)\n' "with the shim" ${s_shim}
printf '%-34s%10s %4s%%  (plain)\n' "client CPU us per connection" $(stat_of cc_cpu.1.3 plain)
printf '%-34s%10s %4s%%  (libattls.so, no rule)\n' "client CPU us per connection" $(stat_of cc_cpu.1.3 shim)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b + 0 <= 0) print "-"; else printf "%.2f\n", a / b }'; }
tp=$(for d in up down; do for n in 1 4; do
	ratio "$(med bulk_${d}_$n.1.3 attls)" "$(med bulk_${d}_$n.1.3 stunnel)"
done; done | awk '$1 != "-" { s += log($1); k++ } END { if (k) printf "%.2f", exp(s / k); else print "-" }')
hs=$(ratio "$(med cps_full.1.3 attls)" "$(med cps_full.1.3 stunnel)")
pl=$(med lat_p50.1.3 plain)
lat=$(ratio "$(awk -v a="$(med lat_p50.1.3 attls)" -v p="$pl" 'BEGIN { print a - p }')" \
	"$(awk -v a="$(med lat_p50.1.3 stunnel)" -v p="$pl" 'BEGIN { print a - p }')")
# Memory per protected connection: one TLS end (one CONNID), since a
# deployment protects its own end of each TCP connection; the table also
# gives the per-TCP-connection figure, with both ends in one attlsd.
lastn=${MEMDONE##* }
mem=$(med "mem_end_$lastn.1.3" attls)
un=$(ratio "$(med cc.1.3 plain)" "$(med cc.1.3 shim)")
echo
echo "summary: throughput_vs_stunnel=$tp handshakes_vs_stunnel=$hs latency_vs_stunnel=$lat mem_kib_per_conn=$mem unprotected_cost=$un"
