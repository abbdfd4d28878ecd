#!/bin/sh
# pam_postgres_test.sh - PostgreSQL signs its clients on through
# pam_attls.so, unchanged: a real postgres (initdb + pg_ctl in this test's
# directory, on a port the kernel picked) with "pam" authentication, a
# real attls-safd on a database made with racf commands, and psql as the
# client.  USER1 signs on with its password and with a PassTicket for
# DSN2APPL; the same PassTicket a second time is refused (DSN2APPL is
# replay-protected); FRED's password is right but FRED has no READ to
# DSNR DSN2.REST, so the account phase refuses it with ICH408I in the
# log; a revoked user is refused; with the SAF service down nobody gets
# in.  Needs root (postgres runs as its own user, PAM reads /etc/pam.d,
# syslog is caught in a private mount namespace); otherwise exits 77.
set -u
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"
. "$ATTLS_SOURCE_DIR/tests/cli/pam_lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: needs root to run postgres as its own user and to give PAM a private /etc/pam.d"
	exit 77
fi
pam_enter_namespace

D=$ATTLS_TMP
B=${ATTLS_BUILD:-$ATTLS_BIN/../..}
PATH="$B/src/safd:$PATH"
MODULE=$B/src/pam/pam_attls.so
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
	echo "PostgreSQL is not installed (Debian package postgresql; scripts/install-deps.sh installs it)"
	exit 1
fi
if ! id -u postgres >/dev/null 2>&1; then
	echo "no local user 'postgres' (the Debian package postgresql creates it)"
	exit 1
fi
for f in "$MODULE"; do [ -e "$f" ] || { echo "missing $f"; exit 1; }; done
PGUID=$(id -u postgres)
PGGID=$(id -g postgres)
db=$D/saf.db
sock=$D/saf.sock
export ATTLS_SAFDB="$db"
chmod 0711 "$D"
export PGSSLMODE=disable PGGSSENCMODE=disable PGCONNECT_TIMEOUT=20

safd=
syslog_pid=
pg_started=0
as_pg() { setpriv --reuid="$PGUID" --regid="$PGGID" --clear-groups "$@"; }
cleanup() {
	if [ $pg_started -eq 1 ]; then
		as_pg "$PGBIN/pg_ctl" -D "$D/pg" -m immediate -w stop >/dev/null 2>&1 || :
	fi
	kill $safd $syslog_pid 2>/dev/null || :
	wait 2>/dev/null || :
}
trap 'st=$?; cleanup; exit $st' EXIT
trap 'exit 1' INT TERM HUP

syslog=$D/syslog
pam_private_log "$syslog"
pam_private_pamd

# --- the security manager ----------------------------------------------
# PGSRV is the RACF user of the postgres server (its OMVS UID): READ to
# BPX.SERVER lets it verify other users' passwords and ask about them.
# ROOT (the administrator, made at bootstrap) generates PassTickets.
cat >"$D/setup.txt" <<EOF
ADDGROUP ATSGRP
ADDUSER USER1 DFLTGRP(ATSGRP) NAME('USER ONE')
ALTUSER USER1 PASSWORD(SECRET1) NOEXPIRED
ADDUSER FRED DFLTGRP(ATSGRP) NAME('USER FRED')
ALTUSER FRED PASSWORD(FREDPW1) NOEXPIRED
ADDUSER USER2 DFLTGRP(ATSGRP)
ALTUSER USER2 PASSWORD(SECRET2) NOEXPIRED
ALTUSER USER2 REVOKE
ADDUSER PGSRV OMVS(UID($PGUID))
SETROPTS CLASSACT(FACILITY DSNR PTKTDATA) RACLIST(PTKTDATA) GENERIC(PTKTDATA)
RDEFINE FACILITY BPX.SERVER UACC(NONE)
PERMIT BPX.SERVER CLASS(FACILITY) ID(PGSRV) ACCESS(READ)
RDEFINE DSNR DSN2.REST UACC(NONE)
PERMIT DSN2.REST CLASS(DSNR) ID(USER1 USER2) ACCESS(READ)
RDEFINE PTKTDATA DSN2APPL SSIGNON(KEYMASKED(123456789ABCDEF0))
RDEFINE PTKTDATA IRRPTAUTH.DSN2APPL.* UACC(NONE)
PERMIT IRRPTAUTH.DSN2APPL.* CLASS(PTKTDATA) ID(ROOT) ACCESS(UPDATE)
PERMIT IRRPTAUTH.DSN2APPL.* CLASS(PTKTDATA) ID(PGSRV) ACCESS(READ)
SETROPTS RACLIST(PTKTDATA) REFRESH
EOF
expect_ok "setup: users, DSNR, PTKTDATA" racf --db "$db" -q -f "$D/setup.txt"
start_safd "$db" "$sock" "$D/safd.log"

# --- postgres ----------------------------------------------------------
mkdir "$D/pg" "$D/pgrun"
chown postgres: "$D/pg" "$D/pgrun"
if ! as_pg "$PGBIN/initdb" -D "$D/pg" -U postgres -A trust --no-sync -E UTF8 \
	>"$D/initdb.log" 2>&1; then
	cat "$D/initdb.log"; echo "initdb failed"; exit 1
fi
svc=attls-pg-$$
cat >"$D/pg/pg_hba.conf" <<EOF
local all postgres trust
host all all 127.0.0.1/32 pam pamservice=$svc
EOF
pam_service "$svc" "auth required $MODULE socket=$sock appl=DSN2APPL
account required $MODULE socket=$sock class=DSNR resource=DSN2.REST access=READ"

# Postgres cannot listen on port 0: take a port the kernel hands out,
# release it and start there; another program may grab it in between,
# so try again on a bind failure.
port=
tries=0
while [ $tries -lt 5 ]; do
	tries=$((tries + 1))
	p=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	if as_pg "$PGBIN/pg_ctl" -D "$D/pg" -l "$D/pgrun/pg.log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -c port=$p -c unix_socket_directories=$D/pgrun" \
		start >"$D/pg_ctl.out" 2>&1; then
		port=$p
		pg_started=1
		break
	fi
	grep -q "could not bind\|already in use" "$D/pgrun/pg.log" 2>/dev/null || break
done
if [ -z "$port" ]; then
	cat "$D/pg_ctl.out" "$D/pgrun/pg.log" 2>/dev/null
	echo "postgres did not start"
	exit 1
fi
for r in USER1 FRED USER2; do
	psql -X -q -h "$D/pgrun" -p "$port" -U postgres -d postgres \
		-c "CREATE ROLE \"$r\" LOGIN" >/dev/null || { echo "cannot create role $r"; exit 1; }
done

# pg USER SECRET: psql signs on over TCP, as the user, with the secret.
pg() {
	PGPASSWORD=$2 psql -X -w -At -h 127.0.0.1 -p "$port" -U "$1" -d postgres \
		-c 'SELECT current_user'
}

# --- 1. password ------------------------------------------------------
n=$(log_lines)
expect_ok "USER1 signs on with its password" pg USER1 SECRET1
expect_out "postgres says USER1 is signed on" '^USER1$'
log_since "$n" >"$out"
expect_out "the sign-on is logged under authpriv" '^<86>.*pam_attls\('"$svc"':auth\).*USER1: verified for application DSN2APPL'

n=$(log_lines)
expect_fail "USER1 with a wrong password is refused" 2 pg USER1 WRONGPW
log_since "$n" >"$out"
expect_out "the wrong password is logged with IRR013I" 'IRR013I'

# --- 2. PassTicket, and its replay -----------------------------------
expect_ok "ROOT generates a PassTicket for USER1 and DSN2APPL" \
	attls saf passticket generate --db "$db" --user USER1 --appl DSN2APPL
ticket=$(tr -d ' \n' <"$out")
expect_ok "USER1 signs on with the PassTicket" pg USER1 "$ticket"
expect_out "postgres says USER1 is signed on" '^USER1$'
n=$(log_lines)
expect_fail "the same PassTicket again is refused (replay)" 2 pg USER1 "$ticket"
log_since "$n" >"$out"
expect_out "the replay is logged" 'REPLAY'

# --- 3. FRED: right password, no DSNR access --------------------------
n=$(log_lines)
expect_fail "FRED is refused" 2 pg FRED FREDPW1
expect_out "psql reports the refusal as PAM's" 'PAM authentication failed|authentication failed'
log_since "$n" >"$out"
expect_out "FRED passed auth" 'FRED: verified for application DSN2APPL'
expect_out "account refused FRED with ICH408I" 'pam_attls\('"$svc"':account\).*ICH408I USER\(FRED'
expect_out "ICH408I names the resource" 'ICH408I +DSN2\.REST CL\(DSNR'
expect_out "and the access" 'READ access to DSN2\.REST in class DSNR refused'

# --- 4. a revoked user ------------------------------------------------
n=$(log_lines)
expect_fail "revoked USER2 is refused" 2 pg USER2 SECRET2
log_since "$n" >"$out"
expect_out "the revocation is logged" 'REVOKED'

# --- 5. the SAF service down -------------------------------------------
kill "$safd"; wait "$safd" 2>/dev/null; safd=
n=$(log_lines)
expect_fail "with the SAF service down USER1 is refused" 2 pg USER1 SECRET1
log_since "$n" >"$out"
expect_out "the log says the service did not answer" 'cannot reach the SAF service'
start_safd "$db" "$sock" "$D/safd2.log"
expect_ok "with the service back USER1 signs on again" pg USER1 SECRET1

finish
