# secondarymap_test.sh - SecondaryMap On: an FTP client that speaks plain
# FTP (curl ftp://) reaches an implicit-FTPS server (vsftpd) through attls.
# The rule covers only the control port; the data connections, passive
# and active, go to or come from ports no rule names and must get the
# control connection's rule and environment, or vsftpd (which demands TLS
# on data connections) refuses them.  With SecondaryMap Off they are not
# protected, and the download fails: the data would have gone out in
# cleartext.
set -u
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"

B=$ATTLS_BIN/../..
D=$ATTLS_TMP
export ATTLS_SOCKET="$D/attlsd.sock"
unset ATTLS_REQUIRE ATTLS_JOBNAME || true

VSFTPD=$(command -v vsftpd || ls /usr/sbin/vsftpd 2>/dev/null || :)
if [ -z "$VSFTPD" ] || ! command -v curl > /dev/null; then
	echo "vsftpd or curl is not installed (apt-get install vsftpd curl): not run"
	exit 77
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "vsftpd's anonymous login needs root (it chroots): not run"
	exit 77
fi
if nm -D "$B/src/shim/libattls.so" 2>/dev/null | grep -q __asan_init; then
	echo "not run here: curl under a sanitizer-built shim (curl has no sanitizer runtime)"
	exit 77
fi

make_pki "$D"
cp "$D/ca.pem" "$D/client-ring.pem"
mkdir -p "$D/root" "$D/empty"
chmod 0755 "$D" "$D/root"
printf 'the data connection carried this\n' > "$D/root/file.txt"

# policy SECMAP [DATAPRIO]: the control-port rule, SecondaryMap On or Off;
# with DATAPRIO, also a rule of that priority for the passive ports that
# leaves them in cleartext (TTLSEnabled Off).
policy() {
	if [ $# -gt 1 ]; then
		cat <<POLICY
TTLSRule FtpDataClear
{
  RemoteAddr 127.0.0.1
  RemotePortRange $((port + 1))-$((port + 8))
  Jobname FTPCLI
  Direction Outbound
  Priority $2
  TTLSGroupActionRef off
}
TTLSGroupAction off
{
  TTLSEnabled Off
}
POLICY
	fi
	cat <<POLICY
TTLSRule FtpControl
{
  RemoteAddr 127.0.0.1
  RemotePortRange $port
  Jobname FTPCLI
  Direction Outbound
  Priority 100
  TTLSGroupActionRef grp
  TTLSEnvironmentActionRef cltenv
  TTLSConnectionActionRef conn
}
TTLSRule OtherTls
{
  RemoteAddr 127.0.0.1
  RemotePortRange $port
  Jobname OTHERJ
  Direction Outbound
  Priority 90
  TTLSGroupActionRef grp
  TTLSEnvironmentActionRef cltenv
}
TTLSGroupAction grp
{
  TTLSEnabled On
  Trace 7
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
TTLSConnectionAction conn
{
  TTLSConnectionAdvancedParms
  {
    SecondaryMap $1
  }
}
POLICY
}

# vsftpd on a port of its own: implicit TLS on the control connection, TLS
# demanded on every data connection, resuming the control connection's
# session (its default), passive ports just above.  Debian's vsftpd offers
# TLS 1.2 only with a cipher list (its default list has one 3DES suite).
vs=
start_vsftpd() {
	try=0
	while [ $try -lt 20 ]; do
		port=$((20000 + ($$ * 7 + try * 131) % 30000))
		cat > "$D/vsftpd.conf" <<CONF
listen=YES
listen_address=127.0.0.1
listen_port=$port
background=NO
anonymous_enable=YES
local_enable=NO
anon_root=$D/root
no_anon_password=YES
ssl_enable=YES
implicit_ssl=YES
allow_anon_ssl=YES
force_anon_data_ssl=YES
force_anon_logins_ssl=YES
require_ssl_reuse=YES
ssl_ciphers=HIGH
rsa_cert_file=$D/srv.crt
rsa_private_key_file=$D/srv.key
pasv_enable=YES
pasv_min_port=$((port + 1))
pasv_max_port=$((port + 8))
port_enable=YES
connect_from_port_20=NO
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
secure_chroot_dir=$D/empty
data_connection_timeout=10
CONF
		"$VSFTPD" "$D/vsftpd.conf" > "$D/vsftpd.out" 2>&1 &
		vs=$!
		i=0
		while [ $i -lt 50 ] && kill -0 $vs 2>/dev/null; do
			if timeout 5 openssl s_client -connect "127.0.0.1:$port" -brief \
			    < /dev/null 2>&1 | grep -q '220 '; then
				return 0
			fi
			i=$((i + 1)); sleep 0.1
		done
		kill $vs 2>/dev/null; wait $vs 2>/dev/null
		vs=
		try=$((try + 1))
	done
	cat "$D/vsftpd.out"
	echo "vsftpd did not start"
	exit 1
}

daemon=
trap 'st=$?; kill $daemon $vs 2>/dev/null || :; wait 2>/dev/null || :; exit $st' EXIT
start_vsftpd

# curl is a plain FTP client here; PROT P tells vsftpd that data
# connections are protected, which attls makes true.
ftp_get() {
	timeout 60 attls run -j FTPCLI -- curl -sS -m 30 -Q "PBSZ 0" -Q "PROT P" "$@"
}

# 1. SecondaryMap On: passive and active data connections are protected.
policy On > "$D/policy"
start_attlsd "$D/policy" "$D/attlsd.log"
expect_ok "explain: a data port" attls policy explain "$D/policy" --direction out \
	--local 127.0.0.1:40000 --remote "127.0.0.1:$((port + 1))" --job FTPCLI
expect_out "explain: no rule of its own" '^rule: none \(cleartext\)$'
expect_out "explain: but maybe a secondary" '^secondary: FtpControl instead, when the same process'
expect_ok "explain: the control port" attls policy explain "$D/policy" --direction out \
	--local 127.0.0.1:40000 --remote "127.0.0.1:$port" --job FTPCLI
expect_no_out "explain: the winner is no secondary" '^secondary:'
expect_ok "passive download" ftp_get "ftp://127.0.0.1:$port/file.txt"
expect_out "passive: the file arrived" '^the data connection carried this$'
expect_ok "passive listing" ftp_get "ftp://127.0.0.1:$port/"
expect_out "passive: the listing arrived" 'file\.txt'
expect_ok "active download" ftp_get -P 127.0.0.1 "ftp://127.0.0.1:$port/file.txt"
expect_out "active: the file arrived" '^the data connection carried this$'
cp "$D/attlsd.log" "$out"
expect_out "the log names the secondary mapping" \
	'CONNID [0-9A-F]{8} mapped to rule FtpControl as a secondary connection of CONNID [0-9A-F]{8} \(SecondaryMap On\)'
# Each data connection has its own EZD1281I line, with the control rule.
n=$(grep 'EZD1281I TTLS Map .* RULE: FtpControl' "$D/attlsd.log" |
	grep -vc "REMOTE: 127\.0\.0\.1\.\.$port ")
[ "$n" -ge 3 ] && ok || bad "EZD1281I for three data connections under FtpControl, log has $n"
n=$(grep -c 'as a secondary connection of' "$D/attlsd.log")
[ "$n" -ge 3 ] && ok || bad "three data connections mapped as secondary, log has $n"

# 2. The mapping belongs to the process that made the primary.  While an
# FTPCLI process holds its protected control connection, another process
# (OTHERJ) makes its own protected control connection to the same server
# under rule OtherTls, which has no SecondaryMap.  Its data connection is
# asked about (the summary says secondary mapping is on, and the process
# has a protected connection between the same addresses) but is nobody's
# secondary: it stays in cleartext, and vsftpd refuses it.  Borrowing the
# other process's primary would have made the listing work.
maps=$(grep -c 'EZD1281I.* RULE: FtpControl' "$D/attlsd.log")
sleep 8 | timeout 20 attls run -j FTPCLI -- curl -sS -m 6 "telnet://127.0.0.1:$port" \
	> "$D/primary.out" 2>&1 &
hold=$!
i=0
until [ "$(grep -c 'EZD1281I.* RULE: FtpControl' "$D/attlsd.log")" -gt "$maps" ]; do
	i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.05
done
if timeout 30 attls run -j OTHERJ -- curl -sS -m 15 -Q "PBSZ 0" -Q "PROT P" \
    "ftp://127.0.0.1:$port/" > "$D/other.out" 2>&1; then
	cp "$D/other.out" "$out"; bad "another process's data connection borrowed the primary"
else
	ok
fi
cp "$D/other.out" "$out"
expect_no_out "another process: no listing" 'file\.txt'
wait $hold 2>/dev/null
cp "$D/attlsd.log" "$out"
expect_out "another process: its control connection under its own rule" \
	'EZD1281I TTLS Map .* JOBNAME: OTHERJ .* RULE: OtherTls'
n2=$(grep -c 'as a secondary connection of' "$D/attlsd.log")
[ "$n2" -eq "$n" ] && ok || bad "a connection of another process was mapped as secondary"

kill $daemon; wait $daemon 2>/dev/null; daemon=

# 3. A rule of the data connection's own decides when its priority is not
# lower than the primary's rule (z/OS maps a secondary only over a
# lower-priority rule): at 100 it leaves the data in cleartext, which
# vsftpd refuses; at 99 the secondary mapping wins.
policy On 100 > "$D/policy"
start_attlsd "$D/policy" "$D/attlsd.log"
if ftp_get "ftp://127.0.0.1:$port/file.txt" > "$D/prio.out" 2>&1; then
	cp "$D/prio.out" "$out"; bad "own rule of equal priority: the secondary mapping won"
else
	ok
fi
cp "$D/attlsd.log" "$out"
expect_no_out "own rule of equal priority: no secondary" 'as a secondary connection of'
kill $daemon; wait $daemon 2>/dev/null; daemon=
policy On 99 > "$D/policy"
start_attlsd "$D/policy" "$D/attlsd.log"
expect_ok "own rule of lower priority: secondary wins" ftp_get "ftp://127.0.0.1:$port/file.txt"
expect_out "own rule of lower priority: the file arrived" '^the data connection carried this$'
kill $daemon; wait $daemon 2>/dev/null; daemon=

# 4. SecondaryMap Off: the data connection is not protected; vsftpd
# refuses cleartext data, so the download fails and nothing arrives.
policy Off > "$D/policy"
start_attlsd "$D/policy" "$D/attlsd.log"
if ftp_get "ftp://127.0.0.1:$port/file.txt" > "$D/off.out" 2>&1; then
	cp "$D/off.out" "$out"; bad "SecondaryMap Off: the download succeeded"
else
	ok
fi
cp "$D/off.out" "$out"
expect_no_out "SecondaryMap Off: no file" 'the data connection carried this'
cp "$D/attlsd.log" "$out"
expect_no_out "SecondaryMap Off: no secondary mapping" 'as a secondary connection of'
expect_out "SecondaryMap Off: the control connection was protected" \
	'EZD1281I TTLS Map .* RULE: FtpControl'

finish
