# pam_lib.sh - sourced by the PAM tests (pam_*_test.sh) after lib.sh.
#
# PAM reads its configuration only from /etc/pam.d and pam_attls logs
# through syslog(3) to /dev/log, which no daemon serves here.  So a PAM
# test runs in a mount namespace of its own (unshare -m): there /etc/pam.d
# is a private copy holding the test's service files, and /dev is an
# overlay whose /dev/log is a socket the test reads.  Nothing on the host
# changes, and nothing is left behind when a test is killed.

# pam_enter_namespace ARGS: re-runs the calling script in a private mount
# namespace (once).  Needs root; the caller has checked.
pam_enter_namespace() {
	if [ "${ATTLS_PAM_NS:-}" != 1 ]; then
		ATTLS_PAM_NS=1 exec unshare -m --propagation private sh "$0" "$@"
	fi
}

# pam_private_log FILE: /dev/log becomes a datagram socket whose records
# are appended to FILE, one line each (sets $syslog_pid).  Device nodes
# stay those of the host (an overlay over /dev, shm and pts re-bound).
pam_private_log() {
	mkdir -p "$ATTLS_TMP/ns/olddev" "$ATTLS_TMP/ns/devup" "$ATTLS_TMP/ns/devwork"
	mount --rbind /dev "$ATTLS_TMP/ns/olddev"
	mount -t overlay attls-test-dev -o \
		"lowerdir=/dev,upperdir=$ATTLS_TMP/ns/devup,workdir=$ATTLS_TMP/ns/devwork" /dev
	for sub in shm pts mqueue; do
		if [ -d "$ATTLS_TMP/ns/olddev/$sub" ] && mountpoint -q "$ATTLS_TMP/ns/olddev/$sub"; then
			mount --rbind "$ATTLS_TMP/ns/olddev/$sub" "/dev/$sub"
		fi
	done
	rm -f /dev/log
	: >"$1"
	python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
os.chmod("/dev/log", 0o666)
out = open(sys.argv[1], "a")
while True:
    m = s.recv(65536)
    out.write(m.decode("utf-8", "replace").rstrip("\n") + "\n")
    out.flush()
' "$1" &
	syslog_pid=$!
	i=0
	until [ -S /dev/log ]; do
		i=$((i + 1))
		if [ $i -gt 100 ]; then echo "the test's syslog catcher did not start"; exit 1; fi
		sleep 0.05
	done
}

# pam_private_pamd: /etc/pam.d becomes a private copy; the test writes
# its service files into it with pam_service NAME LINES.
pam_private_pamd() {
	mkdir -p "$ATTLS_TMP/ns/pam.d"
	cp -a /etc/pam.d/. "$ATTLS_TMP/ns/pam.d/"
	mount --bind "$ATTLS_TMP/ns/pam.d" /etc/pam.d
}

pam_service() {
	printf '%s\n' "$2" >"/etc/pam.d/$1"
}

# start_safd DB SOCKET LOG [OPTIONS]: attls-safd in the background (sets
# $safd), waits until its socket exists.
start_safd() {
	sd_db=$1 sd_sock=$2 sd_log=$3
	shift 3
	attls-safd --foreground --db "$sd_db" --socket "$sd_sock" "$@" 2>"$sd_log" &
	safd=$!
	i=0
	until [ -S "$sd_sock" ]; do
		i=$((i + 1))
		if [ $i -gt 300 ] || ! kill -0 "$safd" 2>/dev/null; then
			cat "$sd_log"
			echo "attls-safd did not start"
			exit 1
		fi
		sleep 0.1
	done
}

# log_since N: the syslog lines after the first N (for one step's lines).
# A program's records are queued on /dev/log before it answers its
# client, and the socket keeps their order, so once a marker sent now has
# reached the file, so has everything the step logged.
log_mark=0
log_since() {
	log_mark=$((log_mark + 1))
	logger -u /dev/log -p authpriv.debug "attls-test-mark-$log_mark"
	i=0
	until grep -q "attls-test-mark-$log_mark\$" "$syslog"; do
		i=$((i + 1))
		if [ $i -gt 100 ]; then echo "the test's syslog catcher fell behind"; break; fi
		sleep 0.05
	done
	tail -n +"$(($1 + 1))" "$syslog" | grep -v 'attls-test-mark-'
}
log_lines() {
	wc -l <"$syslog"
}
