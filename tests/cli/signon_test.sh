#!/bin/sh
# signon_test.sh - PassTicket sign-on through the real programs: `racf`
# defines an enhanced PassTicket key with CKDSKEY and names it with
# SSIGNON(EPTKEYLABEL(...)), `attls saf passticket generate` makes a ticket
# and `attls saf verify --appl` signs on with it (APPL class, replay);
# then RACLIST: a PERMIT made by one process reaches the decisions of
# another only at SETROPTS RACLIST(class) REFRESH.
set -eu
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"
ATTLS_SAFDB="$ATTLS_TMP/saf.db"
export ATTLS_SAFDB
cd "$ATTLS_TMP"

cat >setup.txt <<'CMDS'
ADDGROUP ATSGRP
ADDUSER USER1 DFLTGRP(ATSGRP) PASSWORD(SECRET1)
ADDUSER FRED DFLTGRP(ATSGRP) PASSWORD(FREDPW)
SETROPTS CLASSACT(PTKTDATA APPL) GENERIC(PTKTDATA) RACLIST(PTKTDATA)
CKDSKEY ADD LABEL(DSN2.PTKT.KEY)
RDEFINE PTKTDATA DSN2APPL SSIGNON(EPTKEYLABEL(DSN2.PTKT.KEY) TYPE(UPPER) TIMEOUT(120)) UACC(NONE)
RDEFINE PTKTDATA IRRPTAUTH.DSN2APPL.* UACC(NONE)
PERMIT IRRPTAUTH.DSN2APPL.* CLASS(PTKTDATA) ID(*) ACCESS(UPDATE)
RDEFINE APPL DSN2APPL UACC(NONE)
PERMIT DSN2APPL CLASS(APPL) ID(USER1) ACCESS(READ)
CMDS
expect_ok setup racf -f setup.txt
expect_out "PERMIT waits for REFRESH" '^ICH06011I RACLISTED PROFILES FOR PTKTDATA WILL NOT REFLECT'

# PTKTDATA is RACLISTed: the IRRPTAUTH profile and PERMIT are not in
# force until the REFRESH, in this process or any other.
expect_fail "generate before refresh" 1 attls saf passticket generate --user USER1 --appl DSN2APPL --time 1700000000
expect_ok refresh racf "SETROPTS RACLIST(PTKTDATA) REFRESH"
expect_ok "generate" sh -c "attls saf passticket generate --user USER1 --appl DSN2APPL --time 1700000000 >t1"
t1=$(cat t1)
case $t1 in
????????) ok ;;
*) bad "ticket '$t1' is not 8 characters" ;;
esac
expect_no_out "TYPE(UPPER): no lower case" '[a-z_-]' 
expect_ok "sign on with the ticket" sh -c "echo '$t1' | attls saf verify --user USER1 --appl DSN2APPL --time 1700000100"
expect_out "ok by PassTicket" '^ok \(PassTicket\)$'
expect_out "ICH70001I" '^ICH70001I USER1    LAST ACCESS AT'
expect_out "codes" '^SAF RC 0, RACF RC 0, REASON 0'
expect_fail "replay" 1 sh -c "echo '$t1' | attls saf verify --user USER1 --appl DSN2APPL --time 1700000101"
expect_out "replay message" 'ATTEMPTED REPLAY OF PASSTICKET'
expect_fail "outside TIMEOUT(120)" 1 sh -c "attls saf passticket generate --user USER1 --appl DSN2APPL --time 1700001000 | attls saf verify --user USER1 --appl DSN2APPL --time 1700001121"
expect_out "wrong password" 'IRR013I'
expect_fail "no APPL: only a password" 1 sh -c "attls saf passticket generate --user USER1 --appl DSN2APPL --time 1700002000 | attls saf verify --user USER1 --time 1700002000"
# FRED may sign on, not to DSN2APPL
expect_fail "FRED not in APPL" 1 sh -c "attls saf passticket generate --user FRED --appl DSN2APPL --time 1700000000 | attls saf verify --user FRED --appl DSN2APPL --time 1700000000"
expect_out "APPL refusal" 'LOGON/JOB INITIATION - NOT AUTHORIZED TO APPLICATION DSN2APPL'
expect_out "APPL codes" '^SAF RC 8, RACF RC 52, REASON 0'
expect_fail "bad --time" 2 sh -c "echo x | attls saf verify --user FRED --appl DSN2APPL --time soon"
expect_ok "verify --help" attls saf verify --help
expect_out "usage names --appl" '--appl A'

# The key: listed by label, never shown; refused while in use; a label
# that does not exist changes nothing.
expect_ok "rlist" racf "RLIST PTKTDATA DSN2APPL SSIGNON"
expect_out "label shown" '^EPTKEYLABEL= DSN2\.PTKT\.KEY$'
expect_out "type" '^TYPE= UPPER$'
expect_out "timeout" '^TIMEOUT= 120$'
keyhex=$(sqlite3 "$ATTLS_SAFDB" "SELECT hex(key) FROM ckds_keys WHERE label = 'DSN2.PTKT.KEY'")
[ ${#keyhex} -eq 128 ] && ok || bad "the generated key is not 512 bits: ${#keyhex} hex digits"
expect_ok "ckdskey list" racf "CKDSKEY LIST"
expect_out "listed" '^LABEL\(DSN2\.PTKT\.KEY\) TYPE\(HMAC\) LENGTH\(512\) .* PTKTDATA PROFILES\(1\)$'
expect_no_out "key bytes not listed" "$keyhex"
expect_fail "delete in use" 1 racf "CKDSKEY DELETE LABEL(DSN2.PTKT.KEY)"
expect_out "in use" 'named by 1 PTKTDATA profile'
expect_fail "missing label" 1 racf "RDEFINE PTKTDATA OTHERAPP SSIGNON(EPTKEYLABEL(NO.SUCH.KEY))"
expect_out "how to create it" 'CKDSKEY ADD LABEL\(NO\.SUCH\.KEY\)'
expect_fail "nothing half-applied" 1 racf "RLIST PTKTDATA OTHERAPP"
expect_fail "KEYLABEL still refused" 1 racf "RALTER PTKTDATA DSN2APPL SSIGNON(KEYLABEL(X))"
expect_ok "import a partner key" racf "CKDSKEY ADD LABEL(PARTNER.KEY) KEY(000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f)"
expect_ok "switch label" racf "RALTER PTKTDATA DSN2APPL SSIGNON(EPTKEYLABEL(PARTNER.KEY))"
expect_ok "refresh again" racf "SETROPTS RACLIST(PTKTDATA) REFRESH"
expect_ok "partner ticket" sh -c "attls saf passticket generate --user FRED --appl DSN2APPL --time 1700000000 --enhanced --type upper --key 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f >t2"
expect_ok "service makes the same" sh -c "attls saf passticket generate --user FRED --appl DSN2APPL --time 1700000000 | cmp - t2"
# the replay, the late ticket and the ticket without APPL were three
# failed attempts: USER1 is revoked
expect_fail "revoked by wrong tickets" 1 sh -c "echo SECRET1 | attls saf verify --user USER1"
expect_out "revoked" 'REVOKED USER ACCESS ATTEMPT'

# RACLIST across processes: FACILITY decided from the copy of the last
# REFRESH; DSNR (not RACLISTed) read live.
cat >fac.txt <<'CMDS'
ADDUSER SRV DFLTGRP(ATSGRP)
SETROPTS CLASSACT(FACILITY DSNR) RACLIST(FACILITY)
RDEFINE FACILITY BPX.SERVER UACC(NONE)
RDEFINE DSNR DSN2.REST UACC(NONE)
CMDS
expect_ok "facility" racf -f fac.txt
expect_fail "not yet in the copy" 3 attls saf check --user SRV --class FACILITY --resource BPX.SERVER --access READ
expect_ok "refresh facility" racf "SETR RACLIST(FACILITY) REFRESH"
expect_fail "denied" 1 attls saf check --user SRV --class FACILITY --resource BPX.SERVER --access READ
expect_ok "permit" racf "PERMIT BPX.SERVER CLASS(FACILITY) ID(SRV) ACCESS(READ)"
expect_out "ICH06011I" '^ICH06011I RACLISTED PROFILES FOR FACILITY WILL NOT REFLECT THE UPDATE'
expect_fail "still denied" 1 attls saf check --user SRV --class FACILITY --resource BPX.SERVER --access READ
expect_ok "refresh" racf "SETR RACLIST(FACILITY) REFRESH"
expect_ok "now allowed" attls saf check --user SRV --class FACILITY --resource BPX.SERVER --access READ
expect_fail "DSNR denied" 1 attls saf check --user SRV --class DSNR --resource DSN2.REST --access READ
expect_ok "DSNR permit" racf "PERMIT DSN2.REST CLASS(DSNR) ID(SRV) ACCESS(READ)"
expect_no_out "no ICH06011I for DSNR" 'ICH06011I'
expect_ok "DSNR at once" attls saf check --user SRV --class DSNR --resource DSN2.REST --access READ

finish
