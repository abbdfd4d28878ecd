# views_test.sh - the operator's views of a running attlsd, with real
# peers (openssl s_server, a protected client, plain python sockets) and
# unprivileged users (setpriv to uids without a passwd entry):
#   1. attls pasearch shows the policy attlsd has installed, not the file
#      on disk: a rule added to the file shows only after a refresh, with
#      the next generation; a view longer than one control message comes
#      whole, as text and as JSON;
#   2. attls policy explain --installed decides with the installed policy;
#   3. the installed policy is shown only to root and users with READ to
#      SERVAUTH EZB.PAGENT.sysname.TCPIP.TTLS;
#   4. attls netstat lists the host's TCP sockets as the kernel reports
#      them (the 4-tuples a program sees), with the AT-TLS columns of a
#      protected connection (rule, protocol, cipher, peer certificate) as
#      attls status has them; filters by port, job, user and rule; JSON;
#   5. a user sees only its own sockets, until READ to
#      SERVAUTH EZB.NETSTAT.sysname.TCPIP.TTLS;
#   6. a view's snapshot is its client's alone: another client, another
#      user or root, asking for its parts is refused; a newer view
#      replaces it; nothing past its end is served.
set -u
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: the visibility checks run as other users, which needs root (setpriv)"
	exit 77
fi

D=$ATTLS_TMP
UA=64041   # owns a protected connection, RACF user USERA
UB=64042   # owns a plain connection, RACF user USERB
UC=64043   # no RACF profile at all
export ATTLS_SOCKET="$D/attlsd.sock" ATTLS_SAFDB="$D/saf.db"
unset ATTLS_REQUIRE ATTLS_JOBNAME || true
chmod 0711 "$D"
as() { u=$1; shift; setpriv --reuid="$u" --regid="$u" --clear-groups "$@"; }
as_bg() { u=$1; shift; exec setpriv --reuid="$u" --regid="$u" --clear-groups "$@"; }
PY3=/usr/bin/python3
[ -x "$PY3" ] || PY3=$(command -v python3)
BULK=60

make_pki "$D"
cp "$D/ca.pem" "$D/client-ring.pem"
chmod 0644 "$D/client-ring.pem"

write_policy() {
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
TTLSGroupAction grp
{
  TTLSEnabled On
  Trace 2
  CtraceClearText On
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
	# Enough rules that the installed view is several control messages long.
	i=1
	while [ $i -le $BULK ]; do
		printf 'TTLSRule Bulk%03d\n{\n  LocalPortRange %d\n  Direction Inbound\n  Priority 10\n  TTLSGroupActionRef grp\n  TTLSEnvironmentActionRef cltenv\n}\n' \
			$i $((20000 + i)) >> "$D/policy"
		i=$((i + 1))
	done
}
write_policy

cat > "$D/setup.racf" <<RACF
ADDUSER USERA OMVS(UID($UA))
ADDUSER USERB OMVS(UID($UB))
SETROPTS CLASSACT(SERVAUTH) GENERIC(SERVAUTH) RACLIST(SERVAUTH)
RDEFINE SERVAUTH EZB.NETSTAT.*.*.TTLS UACC(NONE)
RDEFINE SERVAUTH EZB.PAGENT.*.*.TTLS UACC(NONE)
SETROPTS RACLIST(SERVAUTH) REFRESH
RACF
expect_ok "RACF users and the profiles" racf -q -f "$D/setup.racf"

daemon=
ssrv=
bg=
pysrv=
pycli=
trap 'st=$?; exec 7>&- 8>&- 2>/dev/null; kill $daemon $ssrv $bg $pysrv $pycli 2>/dev/null || :; wait 2>/dev/null || :; exit $st' EXIT
start_attlsd "$D/policy" "$D/attlsd.log"

# 1. The installed policy, in pasearch's layout.
expect_ok "pasearch as root" attls pasearch
cp "$out" "$D/pasearch.txt"
expect_out "  the instance" "^  TTLS Instance Id: +[0-9]+$"
expect_out "  the generation" "^  Generation: +1$"
expect_out "  a rule block" "^policyRule: +ClientRule$"
expect_out "  its status" "^  Version: +3 +Status: +Active$"
expect_out "  its actions" "^  policyAction: +cltenv$"
expect_out "  the time periods" "^   Day of Week Mask: +1111111  \\(Sunday - Saturday\\)$"
expect_out "  the condition summary" "^  TTLS Condition Summary: +NegativeIndicator: Off$"
expect_out "  its job name" "^   JobName: +CLIENT\\* +UserId:$"
expect_out "  its ports" "^   RemotePortFrom: +1024 +RemotePortTo: +65535$"
expect_out "  a single port" "^   LocalPortFrom: +20060 +LocalPortTo: +20060$"
expect_out "  its direction" "^   ServiceDirection: +Outbound$"
expect_out "  the resolved actions" "^      Keyring: $D/client-ring.pem$"
expect_out "  a setting with no effect here, marked so" "^      CtraceClearText: On \\(no effect here\\)$"
n=$(grep -c '^policyRule:' "$D/pasearch.txt")
printf '%s rules, %s bytes\n' "$n" "$(wc -c < "$D/pasearch.txt")" > "$out"
expect_ok "  every rule, though longer than one message" test "$n" -eq $((BULK + 1))
expect_ok "  longer than one message indeed" test "$(wc -c < "$D/pasearch.txt")" -gt 65536
cp "$D/pasearch.txt" "$out"
expect_out "  the last rule in search order" "^policyRule: +Bulk060$"
tail -n 3 "$D/pasearch.txt" > "$out"
expect_out "  ends with the last rule's actions" "SignaturePairsCert"
first=$(grep '^policyRule:' "$D/pasearch.txt" | head -n 1)
printf '%s\n' "$first" > "$out"
expect_out "  in search order (highest priority first)" "ClientRule"

expect_ok "policy show --installed" attls policy show --installed
grep -v '^  Date:' "$out" > "$D/show.txt"
grep -v '^  Date:' "$D/pasearch.txt" > "$D/pa.txt"
expect_ok "  is the pasearch view" cmp "$D/show.txt" "$D/pa.txt"

expect_ok "pasearch --json" attls pasearch --json
cp "$out" "$D/pasearch.json"
expect_ok "  is one JSON object with every rule" "$PY3" -c "
import json, sys
d = json.load(open('$D/pasearch.json'))
assert d['generation'] == 1, d['generation']
names = [r['name'] for r in d['rules']]
assert len(names) == $BULK + 1 and names[0] == 'ClientRule' and names[-1] == 'Bulk060', names[:3]
assert d['rules'][0]['actions']['Keyring'] == '$D/client-ring.pem', d['rules'][0]['actions']
"

# The file changes; the installed policy does not until a refresh.
printf 'TTLSRule NewRule\n{\n  LocalPortRange 7777\n  Direction Inbound\n  Priority 300\n  TTLSGroupActionRef grp\n  TTLSEnvironmentActionRef cltenv\n}\n' >> "$D/policy"
expect_ok "the file has the new rule" attls policy show "$D/policy"
expect_out "  policy show FILE reads the file" "NewRule"
expect_ok "pasearch before the refresh" attls pasearch
expect_no_out "  the installed policy has no NewRule" "NewRule"
expect_out "  still generation 1" "^  Generation: +1$"
expect_ok "refresh" attls refresh
expect_ok "pasearch after the refresh" attls pasearch
expect_out "  NewRule installed" "^policyRule: +NewRule$"
expect_out "  generation 2" "^  Generation: +2$"

# 2. explain against the installed policy.
expect_ok "explain --installed" attls policy explain --installed --direction in \
	--local 127.0.0.1:7777 --remote 127.0.0.1:40000
expect_out "  the installed generation" "^installed policy: generation 2$"
expect_out "  NewRule wins" "^rule: NewRule$"
expect_ok "explain --installed, outbound" attls policy explain --installed --direction out \
	--local 127.0.0.1:40000 --remote 127.0.0.1:5000 --job CLIENT1 --json
cp "$out" "$D/explain.json"
expect_ok "  as JSON" "$PY3" -c "
import json
d = json.load(open('$D/explain.json'))
assert 'ClientRule' in json.dumps(d), d
"
expect_fail "explain --installed with files too" 2 attls policy explain --installed \
	"$D/policy" --direction in --local 127.0.0.1:1 --remote 127.0.0.1:2

# 3. Who may see the installed policy.
expect_fail "USERA may not pasearch" 1 as $UA attls pasearch
expect_out "  says what it needs" "needs READ to SERVAUTH EZB\\.PAGENT\\.[^ ]*\\.TCPIP\\.TTLS"
expect_no_out "  and shows no rule" "ClientRule|policyRule"
expect_fail "nor explain against it" 1 as $UA attls policy explain --installed \
	--direction in --local 127.0.0.1:7777 --remote 127.0.0.1:40000
expect_no_out "  which names no rule" "NewRule"
expect_fail "a user with no RACF profile may not" 1 as $UC attls pasearch --json
expect_no_out "  and gets no rule" "ClientRule"
cat > "$D/permit-pagent.racf" <<'RACF'
PERMIT EZB.PAGENT.*.*.TTLS CLASS(SERVAUTH) ID(USERA) ACCESS(READ)
SETROPTS RACLIST(SERVAUTH) REFRESH
RACF
expect_ok "permit USERA to PAGENT" racf -q -f "$D/permit-pagent.racf"
expect_ok "USERA may pasearch with READ" as $UA attls pasearch
expect_out "  and sees the rules" "^policyRule: +ClientRule$"
expect_fail "USERB still may not" 1 as $UB attls pasearch

# 4. netstat.  A TLS server, a protected client of it held open (USERA),
# and a plain python connection (USERB).
openssl s_server -accept 0 -cert "$D/srv.crt" -key "$D/srv.key" -www > "$D/s_server.out" 2>&1 &
ssrv=$!
i=0
until grep -q ACCEPT "$D/s_server.out" 2>/dev/null; do i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.05; done
sport=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$D/s_server.out")
mkfifo "$D/hold"
as_bg $UA attls-testpeer -j CLIENT1 connect "$sport" < "$D/hold" > "$D/held.out" 2> "$D/held.err" &
bg=$!
exec 7> "$D/hold"
i=0
until grep -q verdict "$D/held.err" 2>/dev/null; do i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.1; done
expect_ok "USERA's connection is protected" grep -q "PROTECTED ClientRule" "$D/held.err"
# Wait for the handshake, so the status has protocol and cipher.
i=0
until attls status 2>/dev/null | grep -q "STATE: Secure"; do i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.1; done

cat > "$D/plain.py" <<'PY'
import socket, sys, time
role, path = sys.argv[1], sys.argv[2]
if role == "server":
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    open(path + ".tmp", "w").write("%d\n" % s.getsockname()[1])
    import os; os.rename(path + ".tmp", path)
    c, _ = s.accept()
    time.sleep(120)
else:
    port = int(open(path).read())
    c = socket.create_connection(("127.0.0.1", port))
    l = c.getsockname()
    open(sys.argv[3] + ".tmp", "w").write("%s %d %d\n" % (l[0], l[1], port))
    import os; os.rename(sys.argv[3] + ".tmp", sys.argv[3])
    time.sleep(120)
PY
P=$D/py
mkdir -m 0777 "$P"
as_bg $UB "$PY3" "$D/plain.py" server "$P/port" &
pysrv=$!
i=0
until [ -s "$P/port" ]; do i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.05; done
as_bg $UB "$PY3" "$D/plain.py" client "$P/port" "$P/conn" &
pycli=$!
i=0
until [ -s "$P/conn" ]; do i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.05; done
read -r _ cport lport < "$P/conn"

expect_ok "status for comparison" attls status
cp "$out" "$D/status.txt"
ploc=$(sed -n 's/^CONNID: [0-9A-F]* LOCAL: \([^ ]*\) REMOTE: 127.0.0.1..'"$sport"' .*/\1/p' "$D/status.txt")
cipher=$(sed -n 's/.*CIPHER: \([0-9A-F]\{4\} [A-Z0-9_]*\).*/\1/p' "$D/status.txt" | head -n 1)
proto=$(sed -n 's/.*PROTOCOL: \([^ ]*\) CIPHER.*/\1/p' "$D/status.txt" | head -n 1)
printf 'protected local %s, cipher %s, protocol %s\n' "$ploc" "$cipher" "$proto" > "$out"
expect_ok "  names the protected connection" test -n "$ploc" -a -n "$cipher" -a -n "$proto"

expect_ok "netstat as root" attls netstat
cp "$out" "$D/netstat.txt"
expect_out "  the s_server listener" "^root +[^ ]+ +- +LISTEN +[^ ]+\\.\\.$sport "
expect_out "  the plain client's socket, as the kernel has it" \
	"^$UB +PYTHON3 +- +ESTABLISHED +127\\.0\\.0\\.1\\.\\.$cport +127\\.0\\.0\\.1\\.\\.$lport +No$"
expect_out "  the plain server's accepted socket" \
	"^$UB +PYTHON3 +- +ESTABLISHED +127\\.0\\.0\\.1\\.\\.$lport +127\\.0\\.0\\.1\\.\\.$cport +No$"
expect_out "  the protected connection, owned by USERA's uid" \
	"^$UA +CLIENT1 +[0-9A-F]{8} +ESTABLISHED +$ploc +127\\.0\\.0\\.1\\.\\.$sport +Yes$"
expect_out "  its rule" "^  TTLSPolicy: Yes  TTLSRule: ClientRule  Generation: 2  Status: Secure  OutBound$"
expect_out "  its actions" "^  TTLSGrpAction: grp  TTLSEnvAction: cltenv  TTLSConnAction: -$"
expect_out "  its protocol and cipher, as status has them" "^  TTLSProtocol: $proto  TTLSCipher: $cipher$"
expect_out "  the peer certificate" "^  TTLSPeerCert: .*CN ?= ?localhost"
expect_out "  its user" "^  UserId: USERA "
# The s_server side of the protected connection is plain TCP to attlsd.
expect_out "  s_server's accepted socket, not protected by attlsd" \
	"^root +OPENSSL +- +ESTABLISHED +127\\.0\\.0\\.1\\.\\.$sport +$ploc +No$"
# ss sees the same sockets.
ss -tn "sport = :$cport" > "$D/ss.txt" 2>&1 || :
cp "$D/ss.txt" "$out"
expect_out "  (ss agrees on the plain connection)" "127\\.0\\.0\\.1:$cport +127\\.0\\.0\\.1:$lport"

expect_ok "netstat --port" attls netstat --port "$cport"
cp "$out" "$D/port.txt"
# Other tests running at the same time may leave a TIME_WAIT socket on the
# same ephemeral port, so the count is of USERB's rows; every row shown must
# still have the port at one end.
expect_out "  one end of the plain connection" \
	"^$UB +PYTHON3 +- +ESTABLISHED +127\\.0\\.0\\.1\\.\\.$cport +127\\.0\\.0\\.1\\.\\.$lport +No$"
expect_out "  the other end" \
	"^$UB +PYTHON3 +- +ESTABLISHED +127\\.0\\.0\\.1\\.\\.$lport +127\\.0\\.0\\.1\\.\\.$cport +No$"
expect_ok "  every row has the port at one end" awk -v p="..$cport" '
	/^[^ ].* (LISTEN|ESTABLISHED|SYN_SENT|SYN_RECV|FIN_WAIT1|FIN_WAIT2|TIME_WAIT|CLOSE|CLOSE_WAIT|LAST_ACK|CLOSING) / {
		n++
		if (substr($5, length($5) - length(p) + 1) != p &&
		    substr($6, length($6) - length(p) + 1) != p) bad++
	}
	END { exit (n >= 2 && bad == 0) ? 0 : 1 }' "$D/port.txt"
cp "$D/port.txt" "$out"
expect_no_out "  and nothing else" "ClientRule|LISTEN"
expect_ok "netstat --rule" attls netstat --rule ClientRule
expect_out "  the protected connection only" "^1 connection shown$"
expect_out "  it" "TTLSRule: ClientRule"
expect_ok "netstat --rule with a wildcard" attls netstat --rule 'Client*'
expect_out "  the same" "^1 connection shown$"
expect_ok "netstat --job" attls netstat --job CLIENT1
expect_out "  the protected connection" "^$UA +CLIENT1 "
expect_out "  only" "^1 connection shown$"
expect_ok "netstat --user" attls netstat --user "$UB" --port "$lport"
expect_out "  USERB's listener and both ends on the port" "^3 connections shown$"
expect_ok "netstat --user by AT-TLS user id" attls netstat --user USERA
expect_out "  the protected connection" "TTLSRule: ClientRule"
expect_fail "netstat --port 0 is refused" 2 attls netstat --port 0
expect_fail "netstat with an unknown option" 2 attls netstat --bogus x

expect_ok "netstat --json" attls netstat --json
cp "$out" "$D/netstat.json"
expect_ok "  has both connections with the right columns" "$PY3" -c "
import json
d = json.load(open('$D/netstat.json'))
cs = d['connections']
plain = [c for c in cs if c['local']['port'] == $cport and c['remote']['port'] == $lport]
assert len(plain) == 1 and plain[0]['ttls'] is None and plain[0]['uid'] == $UB, plain
assert plain[0]['state'] == 'ESTABLISHED' and plain[0]['local']['address'] == '127.0.0.1', plain
prot = [c for c in cs if c['ttls'] is not None and c['remote']['port'] == $sport]
assert len(prot) == 1, prot
t = prot[0]['ttls']
assert t['rule'] == 'ClientRule' and t['env_action'] == 'cltenv' and t['userid'] == 'USERA', t
assert t['protocol'] == '$proto' and t['cipher']['id'] + ' ' + t['cipher']['name'] == '$cipher', t
assert 'localhost' in t['peer_certificate'] and prot[0]['uid'] == $UA, prot
"

# 5. Visibility: each user its own sockets, until READ to the Netstat profile.
expect_ok "USERB's netstat" as $UB attls netstat
cp "$out" "$D/ub.txt"
expect_out "  says it is partial" "showing the connections of uid $UB \\(USERB\\) only"
expect_out "  shows its plain connection" "^$UB +PYTHON3 +- +ESTABLISHED +127\\.0\\.0\\.1\\.\\.$cport "
expect_no_out "  not USERA's protected one" "ClientRule|CLIENT1|^$UA "
expect_no_out "  nor root's listener" "^root "
expect_ok "USERB's netstat --json" as $UB attls netstat --json
cp "$out" "$D/ub.json"
expect_ok "  only uid $UB" "$PY3" -c "
import json
d = json.load(open('$D/ub.json'))
assert d['all'] is False and d['connections'] and all(c['uid'] == $UB for c in d['connections']), d
"
expect_ok "USERA's netstat" as $UA attls netstat
expect_out "  shows its protected connection" "TTLSRule: ClientRule"
expect_no_out "  not USERB's" "PYTHON3|^$UB "
expect_ok "a user with no RACF profile" as $UC attls netstat
expect_no_out "  sees nobody's" "ClientRule|PYTHON3|^root |^$UA |^$UB "
expect_out "  and says so" "^0 connections shown$"
cat > "$D/permit-netstat.racf" <<'RACF'
PERMIT EZB.NETSTAT.*.*.TTLS CLASS(SERVAUTH) ID(USERB) ACCESS(READ)
SETROPTS RACLIST(SERVAUTH) REFRESH
RACF
expect_ok "permit USERB to Netstat" racf -q -f "$D/permit-netstat.racf"
expect_ok "USERB's netstat with READ" as $UB attls netstat
expect_out "  shows USERA's protected connection" "TTLSRule: ClientRule"
expect_out "  and root's listener" "^root +[^ ]+ +- +LISTEN +[^ ]+\\.\\.$sport "
expect_ok "the user with no profile still" as $UC attls netstat
expect_no_out "  does not" "ClientRule|PYTHON3"

# 6. The paging protocol, spoken directly: a snapshot is its client's
# alone, a newer view replaces it, and no part beyond it is served.
cat > "$D/pager.py" <<'PY'
import socket, struct, sys, os

def conn(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    return s

def view(s, kind, snapshot=0, offset=0, cookie=1):
    body = struct.pack(">BBQIB", kind, 0, snapshot, offset, 0)
    body += struct.pack(">B16sH16sH", 2, bytes(16), 0, bytes(16), 0)
    body += struct.pack(">QH", 0, 0) + b"\0\0\0"
    msg = struct.pack(">IHHII", 0x41544c53, 1, 11, cookie, len(body)) + body
    # The kernel's word on who sends: SCM_CREDENTIALS, as ctl_send does.
    cred = struct.pack("iII", os.getpid(), os.geteuid(), os.getegid())
    s.sendmsg([msg], [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS, cred)])
    r = s.recv(70000)
    magic, ver, typ, ck, ln = struct.unpack(">IHHII", r[:16])
    assert magic == 0x41544c53 and typ == 12 and ln == len(r) - 16, (magic, typ, ln, len(r))
    err, gen, snap, total, off, tl = struct.unpack(">IQQIII", r[16:48])
    return err, snap, total, off, r[48:48 + tl]

path, what = sys.argv[1], sys.argv[2]
ESTALE = 116
if what == "own":
    a = conn(path)
    err, s1, total, off, text = view(a, 1)
    assert err == 0 and off == 0 and total > len(text) > 60000, (err, total, len(text))
    # Another view on the same connection replaces the first.
    err, s2, total2, off, text2 = view(a, 3)
    assert err == 0 and s2 != s1, (err, s1, s2)
    err, _, _, _, t = view(a, 1, s1, len(text))
    assert err == ESTALE and b"policyRule" not in t, (err, t[:80])
    # Past the end of the view it has.
    err, _, _, _, t = view(a, 3, s2, total2 + 1)
    assert err == ESTALE, err
    # A fresh policy view read to the end, part by part, is the whole view.
    err, s3, total, off, text = view(a, 1)
    got = text
    while len(got) < total:
        err, snap, t3, off, part = view(a, 1, s3, len(got))
        assert err == 0 and snap == s3 and off == len(got) and part, (err, snap, off)
        got += part
    assert got.count(b"\npolicyRule:") == int(sys.argv[3]), got.count(b"\npolicyRule:")
    # Its last part went, so the snapshot is gone.
    err, _, _, _, t = view(a, 1, s3, 0)
    assert err == ESTALE, err
    # Hold a snapshot for the next step.
    err, s4, total, off, text = view(a, 1)
    print(s4, flush=True)
    sys.stdin.read()
else:
    # Another client (another user) asks for that snapshot's parts.
    b = conn(path)
    snap = int(sys.argv[3])
    for off in (0, 65000):
        err, _, _, _, t = view(b, 1, snap, off)
        assert err == ESTALE and b"policyRule" not in t and b"ClientRule" not in t, (err, t[:80])
    print("refused")
PY
mkfifo "$D/pager-hold"
"$PY3" "$D/pager.py" "$ATTLS_SOCKET" own $((BULK + 2)) < "$D/pager-hold" > "$D/pager.out" 2> "$D/pager.err" &
bg=$!
exec 8> "$D/pager-hold"
i=0
until [ -s "$D/pager.out" ] || ! kill -0 $bg 2>/dev/null; do i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.1; done
cat "$D/pager.out" "$D/pager.err" > "$out"
expect_out "a view's snapshot is its client's, replaced and ended as promised" "^[0-9]+$"
snap=$(head -n 1 "$D/pager.out")
expect_ok "another user cannot read that snapshot" as $UA "$PY3" "$D/pager.py" "$ATTLS_SOCKET" other "${snap:-1}"
expect_out "  it is refused" "^refused$"
expect_ok "nor can root from another connection" "$PY3" "$D/pager.py" "$ATTLS_SOCKET" other "${snap:-1}"
exec 8>&-
wait $bg 2>/dev/null; bg=

exec 7>&-
kill $bg $pysrv $pycli $ssrv 2>/dev/null; wait $bg $pysrv $pycli $ssrv 2>/dev/null
bg= pysrv= pycli= ssrv=
kill $daemon 2>/dev/null; wait $daemon 2>/dev/null; daemon=
cp "$D/attlsd.log" "$out"
expect_no_out "attlsd's log has no sanitizer report" "AddressSanitizer|LeakSanitizer|runtime error"
finish
