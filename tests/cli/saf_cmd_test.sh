# saf_cmd_test.sh - `attls saf` on a database built by the saf unit-test
# fixture program (tests/unit/saf/clifixture_test.c describes its content).
set -eu
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"

fixture="$ATTLS_BIN/../../tests/unit/saf/saf_clifixture_test"
db="$ATTLS_TMP/saf.db"
expect_ok "fixture" "$fixture" "$db"
ATTLS_SAFDB=$db
export ATTLS_SAFDB

# check: denied with the exact ICH408I, allowed, not protected
expect_fail "check FRED" 1 attls saf check --user fred --class dsnr --resource dsn2.rest --access read
expect_out "ICH408I line 1" '^ICH408I USER\(FRED    \) GROUP\(ATSGRP  \) NAME\(USER FRED           \)$'
expect_out "ICH408I line 2" '^ICH408I   DSN2\.REST CL\(DSNR    \)$'
expect_out "ICH408I line 3" '^ICH408I   INSUFFICIENT ACCESS AUTHORITY$'
expect_out "ICH408I line 4" '^ICH408I   FROM DSN2\.\* \(G\)$'
expect_out "ICH408I line 5" '^ICH408I   ACCESS INTENT\(READ   \)  ACCESS ALLOWED\(NONE   \)$'
expect_ok "check USER1" attls saf check --user USER1 --class DSNR --resource DSN2.REST --access READ
expect_out "allowed" '^allowed$'
expect_fail "check USER1 update" 1 attls saf check --user USER1 --class DSNR --resource DSN2.REST --access UPDATE
expect_out "allowed read" 'ACCESS ALLOWED\(READ   \)'
expect_fail "inactive class" 3 attls saf check --user FRED --class FACILITY --resource X --access READ
expect_out "not protected" '^not protected'
expect_fail "no profile" 3 attls saf check --user FRED --class DSNR --resource DSN3.REST --access READ
expect_fail "bad access" 2 attls saf check --user FRED --class DSNR --resource X --access MUCH
expect_fail "missing option" 2 attls saf check --user FRED --class DSNR --access READ
expect_fail "bad class" 1 attls saf check --user FRED --class NOSUCH --resource X --access READ
expect_out "invalid class" 'INVALID CLASS'
expect_fail "unknown option" 2 attls saf check --frobnicate
expect_ok "check --help" attls saf check --help
expect_out "check usage" '^usage: attls saf check'
expect_fail "explicit db" 1 attls saf check --db "$db" --user FRED --class DSNR --resource DSN2.REST --access READ
expect_fail "undefined user" 1 attls saf check --user NEWCOMER --class DSNR --resource DSN2.REST --access READ
expect_out "undefined user ICH408I" '^ICH408I USER\(NEWCOMER\) GROUP\(        \) NAME\(\?\?\?                 \)$'
expect_fail "missing db" 1 attls saf check --db "$ATTLS_TMP/none.db" --user FRED --class DSNR --resource X --access READ

# verify
printf 'fredpw\n' >"$ATTLS_TMP/pw"
expect_ok "verify ok" sh -c "attls saf verify --user fred <'$ATTLS_TMP/pw'"
expect_out "ok" '^ok$'
printf 'wrong\n' >"$ATTLS_TMP/bad"
expect_fail "verify wrong" 1 sh -c "attls saf verify --user FRED <'$ATTLS_TMP/bad'"
expect_out "IRR013I" '^IRR013I  VERIFICATION FAILED\. INVALID PASSWORD GIVEN\.$'
printf 'user1pw\n' >"$ATTLS_TMP/u1"
expect_fail "verify expired" 1 sh -c "attls saf verify --user USER1 <'$ATTLS_TMP/u1'"
expect_out "IRR014I" '^IRR014I'
expect_fail "verify unknown" 1 sh -c "attls saf verify --user NOBODY <'$ATTLS_TMP/pw'"
expect_out "IRR012I" '^IRR012I  VERIFICATION FAILED\. USER PROFILE NOT FOUND\.$'
expect_fail "verify wrong 2" 1 sh -c "attls saf verify --user FRED <'$ATTLS_TMP/bad'"
expect_fail "verify wrong 3" 1 sh -c "attls saf verify --user FRED <'$ATTLS_TMP/bad'"
expect_fail "verify revoked" 1 sh -c "attls saf verify --user FRED <'$ATTLS_TMP/pw'"
expect_out "revoked" 'REVOKED USER ACCESS ATTEMPT'
expect_fail "verify no stdin" 2 sh -c "attls saf verify --user FRED </dev/null"

# PassTickets: the algorithm alone, then the service
expect_ok "generate key" attls saf passticket generate --user USER1 --appl DSN2APPL --key 123456789ABCDEF0 --time 1700000000
expect_out "legacy ticket" '^H0HQKFYC$'
expect_ok "generate enhanced" attls saf passticket generate --user FRED --appl DSN2APPL --time 1700000000 --enhanced --type upper --key 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
expect_out "enhanced ticket" '^DPH5MMXV$'
expect_fail "bad key" 2 attls saf passticket generate --user FRED --appl DSN2APPL --key 1234
expect_ok "generate" attls saf passticket generate --user USER1 --appl DSN2APPL --time 1700000000
expect_out "service ticket" '^H0HQKFYC$'
expect_ok "evaluate" attls saf passticket evaluate --user USER1 --appl DSN2APPL --time 1700000300 H0HQKFYC
expect_out "valid" '^valid$'
expect_fail "replay" 1 attls saf passticket evaluate --user USER1 --appl DSN2APPL --time 1700000301 H0HQKFYC
expect_out "replay refused" '^replay'
expect_fail "outside window" 1 attls saf passticket evaluate --user USER1 --appl DSN2APPL --time 1700000601 H0HQKFYC
expect_out "invalid" '^invalid$'
expect_fail "wrong user" 1 attls saf passticket evaluate --user FRED --appl DSN2APPL --time 1700000000 H0HQKFYC
t=$(attls saf passticket generate --user USER1 --appl NOREPLAY --time 1700000000)
expect_ok "no replay protection 1" attls saf passticket evaluate --user USER1 --appl NOREPLAY --time 1700000000 "$t"
expect_ok "no replay protection 2" attls saf passticket evaluate --user USER1 --appl NOREPLAY --time 1700000000 "$t"
expect_fail "no key profile" 1 attls saf passticket generate --user USER1 --appl OTHER
expect_fail "evaluate needs ticket" 2 attls saf passticket evaluate --user USER1 --appl DSN2APPL
expect_fail "neither" 2 attls saf passticket frobnicate --user USER1 --appl DSN2APPL
expect_ok "passticket --help" attls saf passticket --help

expect_fail "no subcommand" 2 attls saf
expect_fail "bad subcommand" 2 attls saf bogus
finish
