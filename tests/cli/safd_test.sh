# safd_test.sh - attls-safd answering real clients (the attls command
# through libattls-saf) as other local users: self-queries, a server with
# BPX.SERVER, PassTicket sign-on for the seed 000 chain (LIBSERV makes a
# PassTicket for USER1 to DSN2APPL; Db2 signs USER1 on with it and checks
# DSNR DSN2.REST; FRED is refused), revocation, the routes of attls saf.
set -eu
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"
. "$ATTLS_SOURCE_DIR/tests/cli/safd_lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: this test becomes other users (setpriv) and must run as root"
	exit 77
fi

expect_ok "attls-safd --help" attls-safd --help
expect_out "safd usage" '^usage: attls-safd'
expect_fail "attls-safd bad option" 2 attls-safd --frobnicate
expect_fail "attls-safd bad limit" 2 attls-safd --fail-limit lots

safd_db
expect_fail "no database" 1 attls-safd --socket "$SAFD_SOCK" --db "$ATTLS_TMP/none.db"
start_safd "$ATTLS_TMP/safd.log"
trap 'stop_safd' EXIT
S="--service $SAFD_SOCK"

expect_ok "socket mode" test "$(stat -c %a "$SAFD_SOCK")" = 666
expect_fail "a second service refused" 1 attls-safd --socket "$SAFD_SOCK" --db "$ATTLS_SAFDB"
expect_out "already answers" 'already answers'

# --- an ordinary user asks about itself
expect_ok "USER1 own access" as $U_USER1 attls saf check $S --class DSNR --resource DSN2.REST --access READ
expect_out "allowed" '^allowed$'
expect_fail "FRED own access" 1 as $U_FRED attls saf check $S --class DSNR --resource DSN2.REST --access READ
expect_out "FRED ICH408I" '^ICH408I USER\(FRED    \)'
expect_out "FRED ICH408I resource" 'DSN2\.REST CL\(DSNR    \)'
expect_fail "not protected" 3 as $U_FRED attls saf check $S --class DSNR --resource DSN3.REST --access READ
expect_ok "USER1 own groups" as $U_USER1 attls saf groups $S
expect_out "USER1 named" '^USER1$'
expect_out "USER1 in DB2USR" '^  group DB2USR$'
expect_ok "USER1 own omvs" as $U_USER1 attls saf omvs $S
expect_out "uid" "^  UID $U_USER1$"
expect_out "gid" '^  GID 64150 \(DB2USR\)$'
expect_out "home" '^  HOME /u/user1$'
expect_ok "USER1 own omvs by uid" as $U_USER1 attls saf omvs $S --uid $U_USER1
expect_out "uid by uid" "^  UID $U_USER1$"
printf 'user1pw\n' > "$ATTLS_TMP/u1pw"
expect_ok "USER1 verifies itself" sh -c "setpriv --reuid=$U_USER1 --regid=$U_USER1 --clear-groups attls saf verify $S --user user1 < '$ATTLS_TMP/u1pw'"
expect_out "ok" '^ok$'
expect_fail "undefined uid: its own UACC answer" 3 as $U_NONE attls saf check $S --class DSNR --resource DSN3.REST --access READ --verbose
expect_fail "undefined uid: no groups" 1 as $U_NONE attls saf groups $S

# --- --verbose names the path; with neither option an unreadable
# database means the service, and the service alone
expect_ok "route: verbose" as $U_USER1 env ATTLS_SAF_SOCKET="$SAFD_SOCK" attls saf check --verbose --class DSNR --resource DSN2.REST --access READ
expect_out "route: the service answered" "answered by the SAF service at $SAFD_SOCK"
expect_fail "route: the default socket is not there" 1 as $U_USER1 env ATTLS_SAF_SOCKET="$ATTLS_TMP/nothing.sock" attls saf groups --verbose
expect_out "route: says the service" 'answered by the SAF service at .*nothing\.sock'
expect_out "route: and why it failed" 'nothing\.sock'
expect_ok "route: env socket" as $U_USER1 env ATTLS_SAF_SOCKET="$SAFD_SOCK" attls saf groups --verbose
expect_out "route: env socket named" "answered by the SAF service at $SAFD_SOCK"
expect_ok "route: root reads the database" attls saf check --verbose --user USER1 --class DSNR --resource DSN2.REST --access READ
expect_out "route: database named" 'answered from the database'
expect_fail "route: not both" 2 attls saf check --db "$ATTLS_SAFDB" $S --class DSNR --resource X --access READ

# --- the seed 000 chain: LIBSERV generates, DB2USER signs on and checks
expect_ok "LIBSERV generates for USER1" as $U_LIBSERV attls saf passticket generate $S --user USER1 --appl DSN2APPL
tkt=$(tail -n1 "$out")
expect_ok "ticket shape" sh -c "echo '$tkt' | grep -Eq '^[A-Z0-9]{8}$'"
printf '%s\n' "$tkt" > "$ATTLS_TMP/tkt"
expect_ok "Db2 signs USER1 on with it" sh -c "setpriv --reuid=$U_DB2 --regid=$U_DB2 --clear-groups attls saf verify $S --user USER1 --appl DSN2APPL < '$ATTLS_TMP/tkt'"
expect_out "signed on" '^ok$'
expect_ok "NO REPLAY PROTECTION: again" sh -c "setpriv --reuid=$U_DB2 --regid=$U_DB2 --clear-groups attls saf verify $S --user USER1 --appl DSN2APPL < '$ATTLS_TMP/tkt'"
expect_fail "the ticket is no password without --appl" 1 sh -c "setpriv --reuid=$U_DB2 --regid=$U_DB2 --clear-groups attls saf verify $S --user USER1 < '$ATTLS_TMP/tkt'"
expect_out "IRR013I without appl" '^IRR013I'
expect_ok "Db2 checks USER1's DSNR access" as $U_DB2 attls saf check $S --user USER1 --class DSNR --resource DSN2.REST --access READ
expect_fail "Db2 checks FRED's DSNR access" 1 as $U_DB2 attls saf check $S --user FRED --class DSNR --resource DSN2.REST --access READ
expect_out "FRED refused DSN2.REST" '^ICH408I USER\(FRED    \)'
expect_out "FRED refused: insufficient" 'INSUFFICIENT ACCESS AUTHORITY'
# replay protection on REPLAPPL
expect_ok "LIBSERV generates for REPLAPPL" as $U_LIBSERV attls saf passticket generate $S --user USER1 --appl REPLAPPL
printf '%s\n' "$(tail -n1 "$out")" > "$ATTLS_TMP/tkt2"
expect_ok "first use" sh -c "setpriv --reuid=$U_DB2 --regid=$U_DB2 --clear-groups attls saf verify $S --user USER1 --appl REPLAPPL < '$ATTLS_TMP/tkt2'"
expect_fail "replay refused" 1 sh -c "setpriv --reuid=$U_DB2 --regid=$U_DB2 --clear-groups attls saf verify $S --user USER1 --appl REPLAPPL < '$ATTLS_TMP/tkt2'"
expect_out "replay message" 'ATTEMPTED REPLAY OF PASSTICKET'
# root is SPECIAL here but has no IRRPTAUTH authority: no PassTicket
expect_fail "root cannot generate" 1 attls saf passticket generate --user FRED --appl DSN2APPL
expect_out "root refused with ICH408I" 'ICH408I USER\(ROOT'
expect_fail "root cannot generate through the service" 1 attls saf passticket generate $S --user FRED --appl DSN2APPL
expect_out "root refused by the service" 'IRRPTAUTH\.DSN2APPL\.FRED CL\(PTKTDATA\)'
# the database's owner signs on with a PassTicket from the database
expect_ok "LIBSERV generates for FRED" as $U_LIBSERV attls saf passticket generate $S --user FRED --appl DSN2APPL
printf '%s\n' "$(tail -n1 "$out")" > "$ATTLS_TMP/tkt3"
expect_ok "verify --appl from the database" sh -c "attls saf verify --user FRED --appl DSN2APPL --verbose < '$ATTLS_TMP/tkt3'"
expect_out "database answered" 'answered from the database'
expect_out "signed on with a PassTicket" 'signed on with a PassTicket' 

# --- a server with BPX.SERVER: other users' identity, groups, OMVS
expect_ok "Db2 verifies USER1's password" sh -c "setpriv --reuid=$U_DB2 --regid=$U_DB2 --clear-groups attls saf verify $S --user USER1 < '$ATTLS_TMP/u1pw'"
expect_ok "Db2 reads USER1's groups" as $U_DB2 attls saf groups $S --user USER1
expect_out "groups of USER1" '^  group DB2USR$'
expect_ok "Db2 maps a uid" as $U_DB2 attls saf omvs $S --uid $U_FRED
expect_out "uid -> FRED" '^FRED$'
expect_fail "Db2: unknown uid" 1 as $U_DB2 attls saf omvs $S --uid 64999
expect_out "no user for uid" 'no user has that OMVS UID'
expect_fail "Db2: no mapping" 1 as $U_DB2 attls saf usermap $S --idid 'CN=Nobody,O=Nowhere' --registry ldap://x
expect_out "not mapped" '^not mapped: No RACF user ID found'

# --- new password through the service
printf 'user1pw\nnewpw12\n' > "$ATTLS_TMP/chg"
expect_ok "USER1 changes its password" sh -c "setpriv --reuid=$U_USER1 --regid=$U_USER1 --clear-groups attls saf verify $S --user USER1 --new-password < '$ATTLS_TMP/chg'"
expect_out "changed" '^password changed$'
printf 'newpw12\n' > "$ATTLS_TMP/u1new"
expect_ok "the new one works" sh -c "setpriv --reuid=$U_USER1 --regid=$U_USER1 --clear-groups attls saf verify $S --user USER1 < '$ATTLS_TMP/u1new'"

# --- failures revoke per SETROPTS PASSWORD(REVOKE(3))
printf 'wrong\n' > "$ATTLS_TMP/bad"
for i in 1 2; do
	expect_fail "FRED wrong $i" 1 sh -c "setpriv --reuid=$U_FRED --regid=$U_FRED --clear-groups attls saf verify $S --user FRED < '$ATTLS_TMP/bad'"
	expect_out "IRR013I $i" '^IRR013I  VERIFICATION FAILED\. INVALID PASSWORD GIVEN\.$'
done
expect_fail "FRED wrong 3" 1 sh -c "setpriv --reuid=$U_FRED --regid=$U_FRED --clear-groups attls saf verify $S --user FRED < '$ATTLS_TMP/bad'"
printf 'fredpw\n' > "$ATTLS_TMP/fredpw"
expect_fail "FRED revoked" 1 sh -c "setpriv --reuid=$U_FRED --regid=$U_FRED --clear-groups attls saf verify $S --user FRED --verbose < '$ATTLS_TMP/fredpw'"
expect_out "revoked message" 'REVOKED USER ACCESS ATTEMPT'
expect_out "revoked RACF RC 28" 'RACF RC 28'
expect_ok "LISTUSER shows REVOKED" racf "LISTUSER FRED"
expect_out "REVOKED attribute" 'REVOKED'

expect_ok "the log names the callers" grep -q "VERIFY USER1 APPL DSN2APPL with a PassTicket: ok" "$ATTLS_TMP/safd.log"
finish
