# install_notify_test.sh - attlsd under a Type=notify service manager: the
# READY=1 datagram reaches $NOTIFY_SOCKET only once the policy is installed
# and its summary published, STOPPING=1 follows SIGTERM, and a policy with
# errors ends attlsd without READY=1 (so systemd reports the start failed).
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"
set -u
T=$ATTLS_TMP
export ATTLS_SOCKET="$T/attlsd.sock" ATTLS_SAFDB="$T/none.db"
command -v python3 >/dev/null 2>&1 || { echo "python3 is needed to play systemd's part"; exit 77; }

# listen NAME: a stand-in for systemd's notification socket; every
# datagram goes to NAME.out, with whether the summary existed when it came.
listen() {
	python3 - "$T/$1" "$ATTLS_SOCKET.summary" <<'PY' &
import os, socket, sys
path, summary = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.settimeout(30)
with open(path + ".out", "w", buffering=1) as out:
    out.write("listening\n")
    try:
        while True:
            msg = s.recv(4096).decode()
            out.write("%s summary=%s\n" % (msg, os.path.exists(summary)))
            if msg.startswith("STOPPING=1"):
                break
    except socket.timeout:
        pass
PY
	listener=$!
	i=0
	until grep -q listening "$T/$1.out" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 100 ] || break; sleep 0.05
	done
}

printf '# no rules\n' > "$T/empty.policy"
listen notify
NOTIFY_SOCKET="$T/notify" attlsd -f -p "$T/empty.policy" --workers 1 2> "$T/attlsd.log" &
daemon=$!
i=0
until grep -q READY=1 "$T/notify.out" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 200 ] || break; sleep 0.05
done
cp "$T/notify.out" "$out"
expect_out "READY=1 once the summary is published" "^READY=1 summary=True$"
cp "$T/attlsd.log" "$out"
expect_out "the policy was installed before" "EZD1586I"
kill -TERM "$daemon"
wait "$daemon" || :
wait "$listener" || :
cp "$T/notify.out" "$out"
expect_out "STOPPING=1 after SIGTERM" "^STOPPING=1"
expect_no_out "READY=1 only once" "READY=1.*READY=1"

# A policy that cannot be installed: attlsd exits and never says READY.
printf 'TTLSRule broken\n{\n  Direction Sideways\n}\n' > "$T/bad.policy"
rm -f "$ATTLS_SOCKET.summary"
listen notify-bad
expect_fail "attlsd refuses a bad policy" 1 env NOTIFY_SOCKET="$T/notify-bad" \
	attlsd -f -p "$T/bad.policy" --workers 1
kill "$listener" 2>/dev/null || :
wait "$listener" 2>/dev/null || :
cp "$T/notify-bad.out" "$out"
expect_no_out "no READY=1 for a refused policy" "READY=1"
finish
