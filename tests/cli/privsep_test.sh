# privsep_test.sh - attlsd's three processes, checked from outside as an
# attacker who got code into the TLS engine would find them:
#   - the engine runs as an unprivileged user, under seccomp, with no new
#     privileges, and holds no file (no database, no key ring) open;
#   - its memory holds no copy of the server's private key, while the
#     keyholder's does (the control that shows the scan finds a key);
#   - with the keyholder gone, handshakes fail and nothing falls back to a
#     local key; with the engine gone, attlsd stops rather than let
#     connections through.
# Needs root (to read the processes' memory and to start the engine as
# another user); exits 77 otherwise.
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"
set -u
T=$ATTLS_TMP
export ATTLS_SOCKET="$T/attlsd.sock"
if [ "$(id -u)" -ne 0 ]; then
	echo "privsep_test: needs root to read another process's memory; skipped"
	exit 77
fi
PY3=$(command -v python3)

make_pki "$T"
cat > "$T/policy" <<POLICY
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
}
TTLSEnvironmentAction srvenv
{
  HandshakeRole Server
  TTLSKeyringParms
  {
    Keyring $T/server-ring.pem
  }
}
POLICY

# A server under attlsd that answers one line, and a TLS client for it.
serve() {
	rm -f "$T/port"
	attls-testpeer -j SERVER1 -l accept "$T/port" > "$T/peer.out" 2>&1 &
	peer=$!
	i=0
	while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.05; done
	port=$(cat "$T/port")
}
hello() {
	(printf 'hello\n'; sleep 1) | timeout 10 openssl s_client -connect "127.0.0.1:$port" \
		-CAfile "$T/ca.pem" -verify_return_error -brief > "$T/client.out" 2>&1
	cat "$T/client.out" > "$out"
	grep -q "CONNECTION ESTABLISHED" "$T/client.out"
}

daemon=
trap 'st=$?; kill $daemon 2>/dev/null || :; wait 2>/dev/null || :; exit $st' EXIT
start_attlsd "$T/policy" "$T/attlsd.log"

# The processes, as the log names them.
kh=$(sed -n 's/.*keyholder is process \([0-9]*\);.*/\1/p' "$T/attlsd.log" | head -1)
eng=$(sed -n 's/.*TLS engine is process \([0-9]*\) .*/\1/p' "$T/attlsd.log" | head -1)
euser=$(sed -n 's/.*TLS engine is process [0-9]* with [0-9]* workers, as \([^ ]*\)$/\1/p' \
	"$T/attlsd.log" | head -1)
cp "$T/attlsd.log" "$out"
expect_ok "the log names the keyholder and the engine" test -n "$kh" -a -n "$eng" -a -n "$euser"
expect_ok "both are attlsd's children" sh -c \
	"[ \$(ps -o ppid= -p $kh) -eq $daemon ] && [ \$(ps -o ppid= -p $eng) -eq $daemon ]"

# 1. The engine's standing: its user, seccomp, no new privileges, no file.
grep -E '^(Uid|Gid|Groups|Seccomp|NoNewPrivs|CapEff):' "/proc/$eng/status" > "$T/status"
euid=$(id -u "$euser")
expect_ok "the engine runs as $euser (uid $euid), not root" test "$euid" -ne 0
cp "$T/status" "$out"
expect_out "  real, effective, saved and file uid" "^Uid:\s+$euid\s+$euid\s+$euid\s+$euid$"
expect_out "  no supplementary group" "^Groups:\s*$"
expect_out "  no capability" "^CapEff:\s+0+$"
expect_out "  under a seccomp filter" "^Seccomp:\s+2$"
expect_out "  with no new privileges" "^NoNewPrivs:\s+1$"
ls -l "/proc/$eng/fd/" > "$T/fds" 2>&1
cp "$T/fds" "$out"
expect_no_out "  and no file open: not the key ring" "server-ring"
expect_ok "  nothing but sockets, pipes, anonymous inodes and /dev/null" "$PY3" -c "
import os, sys
bad = []
for fd in os.listdir('/proc/$eng/fd'):
    t = os.readlink('/proc/$eng/fd/' + fd)
    if not (t.startswith(('socket:', 'pipe:', 'anon_inode:')) or t == '/dev/null'):
        bad.append(fd + ' -> ' + t)
sys.exit('files open in the engine: ' + ', '.join(bad) if bad else 0)
"

# 2. A handshake with the ring's key, then the memory of each process.
serve
expect_ok "a handshake through the keyholder" hello
wait "$peer" 2>/dev/null || :
cp "$T/peer.out" "$out"
expect_out "  the server got the client's line" "^hello$"

# The private scalar of the server's P-256 key, in both byte orders (a
# BIGNUM keeps its words least significant first), and a piece of the key
# file's own text.
openssl pkey -in "$T/srv.key" -noout -text 2>/dev/null |
	sed -n '/^priv:/,/^pub:/p' | grep -v -e '^priv:' -e '^pub:' | tr -d ' :\n' > "$T/priv.hex"
sed -n '2p' "$T/srv.key" | cut -c5-44 > "$T/pem.piece"
cat > "$T/scan.py" <<'PY'
import re, sys
pid, hexfile, pemfile = sys.argv[1], sys.argv[2], sys.argv[3]
h = open(hexfile).read().strip()
d = bytes.fromhex(h)[-32:]
needles = [d, d[::-1], open(pemfile).read().strip().encode()]
found = []
with open('/proc/%s/maps' % pid) as maps, open('/proc/%s/mem' % pid, 'rb', 0) as mem:
    for line in maps:
        m = re.match(r'([0-9a-f]+)-([0-9a-f]+) (\S+)', line)
        lo, hi, perm = int(m.group(1), 16), int(m.group(2), 16), m.group(3)
        if 'r' not in perm or '[vvar]' in line or '[vsyscall]' in line:
            continue
        try:
            mem.seek(lo)
            chunk = mem.read(hi - lo)
        except (OSError, ValueError, OverflowError):
            continue
        for i, n in enumerate(needles):
            if n in chunk:
                found.append(('scalar', 'scalar reversed', 'key file text')[i])
print(' '.join(sorted(set(found))) or 'nothing')
sys.exit(0 if found else 1)
PY
expect_ok "the private scalar is known" test -s "$T/priv.hex"
expect_ok "the keyholder's memory holds the key (the scan finds a key where one is)" \
	"$PY3" "$T/scan.py" "$kh" "$T/priv.hex" "$T/pem.piece"
expect_fail "the engine's memory holds no copy of it, nor of the key file" 1 \
	"$PY3" "$T/scan.py" "$eng" "$T/priv.hex" "$T/pem.piece"
expect_out "  (the scan says so)" "^nothing$"

# 3. Without the keyholder no handshake succeeds: there is no key to
#    fall back to.
kill -9 "$kh"
sleep 0.2
serve
expect_fail "with the keyholder killed, the handshake fails" 1 hello
kill "$peer" 2>/dev/null || :
wait "$peer" 2>/dev/null || :
cp "$T/attlsd.log" "$out"
expect_out "  and attlsd says why" "EZD1286I .*CONNID: 00000002 .*RC: 406 Initial Handshake \\(this side ended the handshake \\[proxy key: .*keyholder"
expect_ok "  attlsd itself still answers" attls status

# 4. Without the engine, attlsd stops: nothing is left to protect a
#    connection, and the published summary makes the shim refuse.
kill -9 "$eng"
i=0
while kill -0 "$daemon" 2>/dev/null && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.05; done
expect_fail "with the engine killed, attlsd stops" 1 kill -0 "$daemon"
cp "$T/attlsd.log" "$out"
expect_out "  and says why" "TLS engine process is gone"
wait "$daemon" 2>/dev/null || :
daemon=

finish
