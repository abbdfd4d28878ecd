#!/bin/sh
# policy_explain_test.sh - `attls policy explain` on the seed policies (the
# outcomes the labs show), on a policy written here to cover priorities,
# ties, TTLSEnabled Off, time conditions and IPv6, JSON validity, and every
# usage error's exit status.
set -u
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"

ex="$ATTLS_SOURCE_DIR/examples"
db2="$ex/seed-db2-server.policy"
batch="$ex/seed-batch-client.policy"
explain() { attls policy explain "$@"; }

expect_ok help explain --help
expect_out help-usage '^usage: attls policy explain'

# --- Db2 inbound rule (port 2445, Jobname DSN2DIST) -------------------------
expect_ok db2 explain "$db2" --direction in --local 192.168.17.220:2445 \
	--remote 192.168.17.220:8736 --job DSN2DIST
expect_out db2-rule '^rule: Db2ServerRule~1$'
expect_out db2-actions 'HandshakeRole: Server'
expect_out db2-keyring 'Db2.KeyRing'

expect_ok db2-lowest-remote explain "$db2" --direction in --local 10.0.0.1:2445 \
	--remote 10.0.0.2:1024 --job dsn2dist
expect_out db2-lowest-remote-rule '^rule: Db2ServerRule~1$'

expect_ok db2-other-job explain "$db2" --direction in --local 192.168.17.220:2445 \
	--remote 192.168.17.220:8736 --job DSN3DIST
expect_out db2-other-job-none '^rule: none \(cleartext\)$'
expect_out db2-other-job-why '^  Db2ServerRule~1: jobname DSN3DIST does not match DSN2DIST$'

expect_ok db2-no-job explain "$db2" --direction in --local 10.0.0.1:2445 --remote 10.0.0.2:5000
expect_out db2-no-job-none '^rule: none \(cleartext\)$'
expect_out db2-no-job-why 'has no jobname; the rule requires DSN2DIST'

expect_ok db2-low-port explain "$db2" --direction in --local 10.0.0.1:2445 \
	--remote 10.0.0.2:1023 --job DSN2DIST
expect_out db2-low-port-why 'remote port 1023 is not in the rule'

expect_ok db2-outbound explain "$db2" --direction out --local 10.0.0.1:2445 \
	--remote 10.0.0.2:5000 --job DSN2DIST
expect_out db2-outbound-why 'the rule is for inbound connections, this one is outbound'

expect_ok db2-mapped explain "$db2" --direction in --local '[::ffff:10.0.0.1]:2445' \
	--remote '[::ffff:10.0.0.2]:5000' --job DSN2DIST
expect_out db2-mapped-rule '^rule: Db2ServerRule~1$'

expect_ok db2-ipv6 explain "$db2" --direction in --local '[2001:db8::1]:2445' \
	--remote '[2001:db8::2]:5000' --job DSN2DIST
expect_out db2-ipv6-none '^rule: none \(cleartext\)$'
expect_out db2-ipv6-why 'local address 2001:db8::1 is IPv6; the rule.s LocalAddr has no IPv6'

expect_ok db2-config explain -c "$ex/pagent.conf" --direction in --local 10.0.0.1:2445 \
	--remote 10.0.0.2:5000 --job DSN2DIST
expect_out db2-config-rule '^rule: Db2ServerRule~1$'

# --- batch client outbound rule (port 9443, Jobname USER1GET) ---------------
expect_ok batch explain "$batch" --direction out --local 10.1.1.5:40001 \
	--remote 10.1.1.6:9443 --job USER1GET
expect_out batch-rule '^rule: zCEEClientRule~1$'
expect_out batch-role 'HandshakeRole: Client'

expect_ok batch-other-job explain "$batch" --direction out --local 10.1.1.5:40001 \
	--remote 10.1.1.6:9443 --job USER2GET
expect_out batch-other-job-none '^rule: none \(cleartext\)$'
expect_out batch-other-job-why 'jobname USER2GET does not match USER1GET'

expect_ok batch-low-local explain "$batch" --direction out --local 10.1.1.5:1000 \
	--remote 10.1.1.6:9443 --job USER1GET
expect_out batch-low-local-why 'local port 1000 is not in the rule'

# --- JSON -------------------------------------------------------------------
j="$ATTLS_TMP/explain.json"
explain "$db2" --direction in --local 10.0.0.1:2445 --remote 10.0.0.2:5000 \
	--job DSN2DIST --json >"$j" 2>"$ATTLS_TMP/err"
expect_ok json-valid python3 -m json.tool "$j"
expect_out json-rule '"rule": "Db2ServerRule~1"'
expect_out json-cleartext '"cleartext": false'
explain "$db2" --direction in --local 10.0.0.1:2445 --remote 10.0.0.2:5000 \
	--job 'Q"\x' --json >"$j" 2>"$ATTLS_TMP/err"
expect_ok json-none-valid python3 -m json.tool "$j"
expect_out json-none '"rule": null'
expect_out json-escaped '"jobname": "Q\\"\\\\x"'

# --- a policy written here: ties, Off, time, IPv6 -----------------------------
p="$ATTLS_TMP/mix.policy"
cat >"$p" <<'EOF'
TTLSRule B-rule
{
  LocalPortRange 8443
  Direction Both
  Priority 100
  TTLSGroupActionRef gOff
}
TTLSRule A-rule
{
  LocalPortRange 8443
  Direction Inbound
  Priority 100
  Jobname WEB*
  TTLSGroupActionRef gOn
  TTLSEnvironmentActionRef eSrv
}
TTLSRule Night
{
  LocalPortRange 8443
  Direction Inbound
  Priority 200
  IpTimeCondition
  {
    FromTimeOfDay 22:00
    ToTimeOfDay 06:00
    TimeZone UTC
  }
  TTLSGroupActionRef gOn
  TTLSEnvironmentActionRef eSrv
}
TTLSRule V6
{
  LocalAddr 2001:db8::/32
  Direction Inbound
  Priority 300
  TTLSGroupActionRef gOn
  TTLSEnvironmentActionRef eSrv
}
TTLSGroupAction gOff
{
  TTLSEnabled Off
}
TTLSGroupAction gOn
{
  TTLSEnabled On
}
TTLSEnvironmentAction eSrv
{
  HandshakeRole Server
  TTLSKeyringParms
  {
    Keyring web.ring
  }
}
EOF
expect_ok tie explain "$p" --direction in --local 10.0.0.1:8443 --remote 10.0.0.2:5000 \
	--job webserv --time 2026-11-21T12:00:00Z
expect_out tie-rule '^rule: A-rule$'
expect_out tie-why '^  B-rule: same priority \(100\), name sorts after the winning rule$'
expect_out tie-time '^  Night: 2026-11-21T12:00:00Z is outside the rule.s time condition$'
expect_out tie-v6 '^  V6: local address 10.0.0.1 is IPv4'

expect_ok night explain "$p" --direction in --local 10.0.0.1:8443 --remote 10.0.0.2:5000 \
	--job webserv --time 2026-11-21T23:30:00Z
expect_out night-rule '^rule: Night$'
expect_out night-lower '^  A-rule: lower priority \(100\) than the winning rule \(200\)$'

expect_ok night-wrap explain "$p" --direction in --local 10.0.0.1:8443 --remote 10.0.0.2:5000 \
	--time 2026-11-22T07:30:00+02:00
expect_out night-wrap-rule '^rule: Night$'

expect_ok off explain "$p" --direction out --local 10.0.0.1:8443 --remote 10.0.0.2:5000 \
	--time 2026-11-21T12:00Z
expect_out off-rule '^rule: B-rule$'
expect_out off-note 'TTLSEnabled Off in group gOff'
explain "$p" --direction out --local 10.0.0.1:8443 --remote 10.0.0.2:5000 \
	--time 2026-11-21T12:00Z --json >"$j" 2>"$ATTLS_TMP/err"
expect_ok off-json-valid python3 -m json.tool "$j"
expect_out off-json '"cleartext": true'

expect_ok v6 explain "$p" --direction in --local '[2001:db8::5]:8443' --remote '[2001:db8::9]:1'
expect_out v6-rule '^rule: V6$'

# --- a policy with errors: diagnostics and exit 1 -------------------------------
printf 'TTLSRule r\n{\n  Direction Sideways\n}\n' >"$ATTLS_TMP/bad.policy"
expect_fail bad-policy 1 explain "$ATTLS_TMP/bad.policy" --direction in \
	--local 10.0.0.1:1 --remote 10.0.0.2:1
expect_out bad-policy-diag 'bad.policy:3:[0-9]+: error'
if [ -f "$ex/seed-batch-client-as-printed.policy" ]; then
	expect_fail as-printed 1 explain "$ex/seed-batch-client-as-printed.policy" --direction out \
		--local 10.0.0.1:40000 --remote 10.0.0.2:9443 --job USER1GET
	expect_out as-printed-diag 'error: .*TLSKeyringParms'
fi
expect_fail missing-file 1 explain "$ATTLS_TMP/nonexistent.policy" --direction in \
	--local 10.0.0.1:1 --remote 10.0.0.2:1

# --- usage errors: exit 2 with a message ---------------------------------------
L="--local 10.0.0.1:2445"
R="--remote 10.0.0.2:5000"
expect_fail bad-dir 2 explain "$db2" --direction sideways $L $R
expect_out bad-dir-msg "--direction 'sideways'"
expect_fail bad-addr 2 explain "$db2" --direction in --local 10.0.0.300:2445 $R
expect_out bad-addr-msg "not an IPv4 or IPv6 address"
expect_fail bad-port 2 explain "$db2" --direction in --local 10.0.0.1:65536 $R
expect_out bad-port-msg "port"
expect_fail no-port 2 explain "$db2" --direction in --local 10.0.0.1 $R
expect_out no-port-msg "ADDR:PORT"
expect_fail bare-v6 2 explain "$db2" --direction in --local ::1:443 $R
expect_out bare-v6-msg '\[ADDR\]:PORT'
expect_fail mixed-family 2 explain "$db2" --direction in --local '[::1]:443' $R
expect_out mixed-family-msg 'both be IPv4 or both IPv6'
expect_fail no-remote 2 explain "$db2" --direction in $L
expect_out no-remote-msg 'required'
expect_fail no-dir 2 explain "$db2" $L $R
expect_fail no-policy 2 explain --direction in $L $R
expect_out no-policy-msg 'policy FILEs or -c'
expect_fail both-sources 2 explain "$db2" -c "$ex/pagent.conf" --direction in $L $R
expect_fail unknown-opt 2 explain "$db2" --direction in $L $R --frobnicate
expect_out unknown-opt-msg "unknown option '--frobnicate'"
expect_fail empty-job 2 explain "$db2" --direction in $L $R --job ''
expect_fail bad-time 2 explain "$db2" --direction in $L $R --time 2026-13-01T00:00Z
expect_out bad-time-msg 'month'
expect_fail bad-zone 2 explain "$db2" --direction in $L $R --time 2026-11-21T00:00CET
expect_fail not-leap 2 explain "$db2" --direction in $L $R --time 2027-02-29T00:00Z
expect_fail missing-value 2 explain "$db2" --direction in $L --remote
expect_out missing-value-msg '--remote needs a value'

finish
