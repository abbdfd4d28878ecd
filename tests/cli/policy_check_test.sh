# policy_check_test.sh - `attls policy check` and `attls policy show` on the
# example files: exit codes, the summary line, the diagnostics' form.
set -eu
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"
ex="$ATTLS_SOURCE_DIR/examples"

expect_ok "db2 seed checks" attls policy check "$ex/seed-db2-server.policy"
expect_out "db2 seed summary" '^policy OK: 1 rules$'
expect_ok "corrected batch seed checks" attls policy check "$ex/seed-batch-client.policy"
expect_out "batch seed summary" '^policy OK: 1 rules, 1 warning$'
expect_out "batch seed: the client checks no host name" "warning: TTLSRule zCEEClientRule~1: the client checks that the server's certificate comes from a CA in key ring Liberty.KeyRing, not which host it names"
# Names are global across the files of one policy: the two seeds reuse addr1.
expect_fail "both seeds together" 1 attls policy check "$ex/seed-db2-server.policy" "$ex/seed-batch-client.policy"
expect_out "duplicate across files" "seed-batch-client\.policy:[0-9]+:[0-9]+: error: duplicate IpAddrSet 'addr1' \(first defined at .*seed-db2-server\.policy:[0-9]+\)"

expect_fail "as-printed batch seed is refused" 1 attls policy check "$ex/seed-batch-client-as-printed.policy"
expect_out "misspelling named with line and column" \
	"seed-batch-client-as-printed\.policy:55:1: error: unknown statement type 'TLSKeyringParms'; did you mean 'TTLSKeyringParms'\?"
expect_out "dangling reference reported" "error: TTLSKeyringParmsRef: no TTLSKeyringParms named 'keyR~WG31'"
expect_no_out "no OK line on error" 'policy OK'

expect_ok "main configuration with -c" attls policy check -c "$ex/pagent.conf"
expect_out "pagent summary" '^policy OK: 1 rules$'
expect_ok "ATTLS_CONFIG is the default for -c" env ATTLS_CONFIG="$ex/pagent.conf" attls policy check
expect_out "env summary" '^policy OK: 1 rules$'

cat >"$ATTLS_TMP/warn.policy" <<'P'
TTLSGroupAction g { TTLSEnabled Off }
TTLSRule r
{
  Direction Inbound
  LocalPortRange 21
  Priorty 5
  TTLSGroupActionRef g
}
P
expect_ok "warnings do not fail" attls policy check "$ex/seed-db2-server.policy" "$ATTLS_TMP/warn.policy"
expect_out "warning form" "warn\.policy:6:3: warning: unknown parameter 'Priorty' in TTLSRule is ignored; did you mean 'Priority'\?"
expect_out "warning count" '^policy OK: 2 rules, 1 warning$'
expect_ok "quiet" attls policy check -q "$ex/seed-db2-server.policy"
expect_no_out "quiet prints nothing" '.'

expect_fail "missing file" 1 attls policy check "$ATTLS_TMP/none.policy"
expect_out "missing file named" 'none\.policy'
expect_fail "no arguments" 2 env -u ATTLS_CONFIG attls policy check
expect_fail "unknown option" 2 attls policy check --bogus x
expect_fail "both -c and files" 2 attls policy check -c "$ex/pagent.conf" "$ex/seed-db2-server.policy"
expect_fail "no subcommand" 2 attls policy
expect_fail "unknown subcommand" 2 attls policy frobnicate
expect_ok "policy help" attls policy --help
expect_out "policy help lists check" 'check'
expect_ok "check help" attls policy check --help
expect_out "check help usage" '^usage: attls policy check'
expect_ok "show help" attls policy show --help
expect_out "show help usage" '^usage: attls policy show'

expect_ok "show db2 seed" attls policy show "$ex/seed-db2-server.policy"
expect_out "show rule" '^TTLSRule: Db2ServerRule~1$'
expect_out "show priority" '^  Priority: 255$'
expect_out "show port" '^  LocalPortRange: 2445$'
expect_out "show keyring" '^  Keyring: Db2.KeyRing$'
expect_out "show protocols default" '^  Protocols: TLSv1.2$'
expect_out "show handshake timeout default" '^  HandshakeTimeout: 10$'
expect_ok "show json" attls policy show --json "$ex/seed-db2-server.policy"
expect_out "json rule" '^\{"rules":\[\{"conditions":\{"TTLSRule":"Db2ServerRule~1"'
expect_fail "show refuses a bad policy" 1 attls policy show "$ex/seed-batch-client-as-printed.policy"

finish
