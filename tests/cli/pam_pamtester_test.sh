#!/bin/sh
# pam_pamtester_test.sh - pam_attls.so driven by pamtester, a real PAM
# application, through every phase: auth with a password and with a
# PassTicket for the default application (the PAM service name in upper
# case), the APPL class, account after auth and alone, the password
# change with RACF's rules and messages, an expired password, revocation
# after failed attempts, a caller without BPX.SERVER, the SAF service
# down, and configuration mistakes (an unknown option, a service name
# that cannot be an application), each refused and logged.  Needs root
# (a private /etc/pam.d and /dev/log in a mount namespace); else exits 77.
set -u
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"
. "$ATTLS_SOURCE_DIR/tests/cli/pam_lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: needs root to give PAM a private /etc/pam.d and /dev/log"
	exit 77
fi
pam_enter_namespace

D=$ATTLS_TMP
B=${ATTLS_BUILD:-$ATTLS_BIN/../..}
PATH="$B/src/safd:$PATH"
MODULE=$B/src/pam/pam_attls.so
CONV=$ATTLS_SOURCE_DIR/tests/cli/pam_conv.py
command -v pamtester >/dev/null || { echo "pamtester is not installed (scripts/install-deps.sh installs it)"; exit 1; }
[ -e "$MODULE" ] || { echo "missing $MODULE"; exit 1; }
db=$D/saf.db
sock=$D/saf.sock
chmod 0711 "$D"
SRV_UID=64131      # PTSRV: READ to BPX.SERVER
NOAUTH_UID=64132   # no RACF user at all

safd=
syslog_pid=
cleanup() {
	kill $safd $syslog_pid 2>/dev/null || :
	wait 2>/dev/null || :
}
trap 'st=$?; cleanup; exit $st' EXIT
trap 'exit 1' INT TERM HUP

syslog=$D/syslog
pam_private_log "$syslog"
pam_private_pamd

# The default application is the service name in upper case, so the
# service gets a name of at most 8 characters, unique to this run.
svc=atp$(($$ % 100000))
APPL=$(echo "$svc" | tr a-z A-Z)
cat >"$D/setup.txt" <<EOF
ADDGROUP ATSGRP
ADDUSER USER1 DFLTGRP(ATSGRP)
ALTUSER USER1 PASSWORD(SECRET1) NOEXPIRED
ADDUSER USER3 DFLTGRP(ATSGRP) PASSWORD(TEMP3)
ADDUSER USER4 DFLTGRP(ATSGRP)
ALTUSER USER4 PASSWORD(SECRET4) NOEXPIRED
ADDUSER FRED DFLTGRP(ATSGRP)
ALTUSER FRED PASSWORD(FREDPW1) NOEXPIRED
ADDUSER PTSRV OMVS(UID($SRV_UID))
SETROPTS CLASSACT(FACILITY APPL PTKTDATA) RACLIST(PTKTDATA) GENERIC(PTKTDATA)
SETROPTS PASSWORD(REVOKE(3))
RDEFINE FACILITY BPX.SERVER UACC(NONE)
PERMIT BPX.SERVER CLASS(FACILITY) ID(PTSRV) ACCESS(READ)
RDEFINE APPL $APPL UACC(NONE)
PERMIT $APPL CLASS(APPL) ID(USER1 USER3 USER4) ACCESS(READ)
RDEFINE PTKTDATA $APPL SSIGNON(KEYMASKED(0123456789ABCDEF))
RDEFINE PTKTDATA IRRPTAUTH.$APPL.* UACC(NONE)
PERMIT IRRPTAUTH.$APPL.* CLASS(PTKTDATA) ID(ROOT) ACCESS(UPDATE)
PERMIT IRRPTAUTH.$APPL.* CLASS(PTKTDATA) ID(PTSRV) ACCESS(READ)
SETROPTS RACLIST(PTKTDATA) REFRESH
EOF
expect_ok "setup" racf --db "$db" -q -f "$D/setup.txt"
# This test fails many verifications from one caller on purpose; the
# service's rate limit is raised here and tried on its own at the end.
start_safd "$db" "$sock" "$D/safd.log" --fail-limit 100

pam_service "$svc" "auth required $MODULE socket=$sock
account required $MODULE socket=$sock
password required $MODULE socket=$sock"

# pt UID ANSWERS... -- pamtester ARGS...: pamtester as UID, its prompts
# answered in order (the driver runs as root, pamtester as UID).
pt() {
	uid=$1; shift
	python3 "$CONV" --uid "$uid" "$@"
}

# --- auth -------------------------------------------------------------
n=$(log_lines)
expect_ok "USER1 authenticates with its password" pt $SRV_UID SECRET1 -- pamtester "$svc" USER1 authenticate
expect_out "pamtester asked for the password" 'Password: '
log_since "$n" >"$out"
expect_out "verified for the service's application" "pam_attls\\($svc:auth\\).*USER1: verified for application $APPL"
expect_ok "a lower-case login name is the same user id" pt $SRV_UID SECRET1 -- pamtester "$svc" user1 authenticate
n=$(log_lines)
expect_fail "a wrong password is refused" 1 pt $SRV_UID NOTIT1 -- pamtester "$svc" USER1 authenticate
expect_out "as an authentication failure" 'Authentication failure'
log_since "$n" >"$out"
expect_out "with IRR013I in the log" 'IRR013I'
expect_ok "ROOT generates a PassTicket" attls saf passticket generate --db "$db" --user USER1 --appl "$APPL"
ticket=$(tr -d ' \n' <"$out")
expect_ok "USER1 authenticates with the PassTicket" pt $SRV_UID "$ticket" -- pamtester "$svc" USER1 authenticate
n=$(log_lines)
expect_fail "FRED is not authorised to the application" 1 pt $SRV_UID FREDPW1 -- pamtester "$svc" FRED authenticate
log_since "$n" >"$out"
expect_out "the APPL refusal is logged" "NOT AUTHORIZED TO APPLICATION $APPL"
expect_fail "a name that cannot be a user id is unknown" 1 pt $SRV_UID x -- pamtester "$svc" 'no.such-user' authenticate
n=$(log_lines)
expect_fail "a caller without BPX.SERVER cannot verify USER1" 1 pt $NOAUTH_UID SECRET1 -- pamtester "$svc" USER1 authenticate
log_since "$n" >"$out"
expect_out "the refusal names BPX.SERVER" 'BPX\.SERVER'

# --- account ------------------------------------------------------------
expect_ok "auth then account in one transaction" pt $SRV_UID SECRET1 -- pamtester "$svc" USER1 authenticate acct_mgmt
n=$(log_lines)
expect_fail "account alone cannot tell revocation and refuses" 1 pt $SRV_UID -- pamtester "$svc" USER1 acct_mgmt
log_since "$n" >"$out"
expect_out "and says why" 'cannot tell whether the user is revoked'
pam_service "${svc}r" "account required $MODULE socket=$sock class=APPL resource=$APPL"
expect_ok "account with a resource check: USER1 has READ" pt $SRV_UID -- pamtester "${svc}r" USER1 acct_mgmt
n=$(log_lines)
expect_fail "account with a resource check: FRED has not" 1 pt $SRV_UID -- pamtester "${svc}r" FRED acct_mgmt
log_since "$n" >"$out"
expect_out "ICH408I for FRED in the log" 'ICH408I USER\(FRED'
expect_fail "account for an undefined user" 1 pt $SRV_UID -- pamtester "${svc}r" NOSUCH acct_mgmt

# --- password -------------------------------------------------------------
n=$(log_lines)
expect_fail "the current password again is not a new password" 1 \
	pt $SRV_UID SECRET1 SECRET1 SECRET1 -- pamtester "$svc" USER1 chauthtok
expect_out "the user is shown IRR015I" 'IRR015I'
expect_fail "a mistyped retype changes nothing" 1 \
	pt $SRV_UID SECRET1 NEWPW1 NEWPW2 -- pamtester "$svc" USER1 chauthtok
expect_ok "USER1 changes its password" \
	pt $SRV_UID SECRET1 NEWPW1 NEWPW1 -- pamtester "$svc" USER1 chauthtok
expect_out "asked for the current and the new password" 'New password: '
expect_ok "the new password works" pt $SRV_UID NEWPW1 -- pamtester "$svc" USER1 authenticate
expect_fail "the old one does not" 1 pt $SRV_UID SECRET1 -- pamtester "$svc" USER1 authenticate

# --- an expired password -------------------------------------------------
expect_fail "USER3's expired password is refused" 1 pt $SRV_UID TEMP3 -- pamtester "$svc" USER3 authenticate
expect_out "the user is told it expired" 'IRR014I'
expect_ok "USER3 changes the expired password" \
	pt $SRV_UID TEMP3 FRESH3 FRESH3 -- pamtester "$svc" USER3 chauthtok
expect_ok "and signs on with the new one" pt $SRV_UID FRESH3 -- pamtester "$svc" USER3 authenticate

# --- revocation after failed attempts (SETROPTS PASSWORD(REVOKE(3))) ------
for i in 1 2 3; do
	pt $SRV_UID BAD$i -- pamtester "$svc" USER4 authenticate >/dev/null 2>&1
done
n=$(log_lines)
expect_fail "USER4 is revoked after three wrong passwords" 1 pt $SRV_UID SECRET4 -- pamtester "$svc" USER4 authenticate
log_since "$n" >"$out"
expect_out "the right password is refused as REVOKED" 'REVOKED|revoked|TRY LATER|too many'

# --- configuration mistakes -------------------------------------------------
pam_service "${svc}x" "auth required $MODULE socket=$sock apl=$APPL"
n=$(log_lines)
expect_fail "an unknown option refuses" 1 pt $SRV_UID SECRET1 -- pamtester "${svc}x" USER1 authenticate
expect_no_out "no password was asked for" 'Password: '
log_since "$n" >"$out"
expect_out "the log names the option" "option 'apl=$APPL' is not an option of pam_attls"
long=attls-pamtest-$$
pam_service "$long" "auth required $MODULE socket=$sock"
n=$(log_lines)
expect_fail "a service name that is no application name refuses" 1 pt $SRV_UID NEWPW1 -- pamtester "$long" USER1 authenticate
log_since "$n" >"$out"
expect_out "and the log says to give appl=" 'give appl=NAME'
pam_service "$long" "auth required $MODULE socket=$sock appl=$APPL"
expect_ok "with appl= the same service works" pt $SRV_UID NEWPW1 -- pamtester "$long" USER1 authenticate

# --- the service's rate limit: PAM_MAXTRIES ---------------------------------
kill "$safd"; wait "$safd" 2>/dev/null; safd=
start_safd "$db" "$sock" "$D/safd-rl.log" --fail-limit 2
pt $SRV_UID BAD1 -- pamtester "$svc" USER1 authenticate >/dev/null 2>&1
pt $SRV_UID BAD2 -- pamtester "$svc" USER1 authenticate >/dev/null 2>&1
n=$(log_lines)
expect_fail "past the service's failure limit the right password waits" 1 \
	pt $SRV_UID NEWPW1 -- pamtester "$svc" USER1 authenticate
expect_out "PAM says to stop trying" 'maximum number of retries'
log_since "$n" >"$out"
expect_out "the log says the service gave no answer" 'verify USER1: the SAF service gave no answer'

# --- the service down ----------------------------------------------------------
kill "$safd"; wait "$safd" 2>/dev/null; safd=
n=$(log_lines)
expect_fail "with the SAF service down nobody is authenticated" 1 pt $SRV_UID NEWPW1 -- pamtester "$svc" USER1 authenticate
expect_out "PAM says the information is unavailable" 'cannot retrieve authentication info'
log_since "$n" >"$out"
expect_out "the log says the service did not answer" 'cannot reach the SAF service'

finish
