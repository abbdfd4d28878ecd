# safd_lib.sh - sourced by the SAF service tests: a security database
# made with racf commands, and attls-safd on a socket in $ATTLS_TMP.
#
#   safd_db           builds $ATTLS_SAFDB (the seed 000 users and profiles)
#   start_safd LOG ARGS...  starts attls-safd, waits until it is ready; $safd
#   as UID CMD...     runs CMD as uid UID (gid UID, no groups)
#
# attls-safd is found in the build tree.
# Users (OMVS UIDs from 64141): USER1 (READ to DSNR DSN2.REST), FRED (no
# DSNR access), LIBSERV (the z/OS Connect server: UPDATE to
# IRRPTAUTH.DSN2APPL.* and .REPLAPPL.*), DB2USER (the Db2 server: READ to
# FACILITY BPX.SERVER), and uid 64145, which no user has.
PATH="${ATTLS_BUILD:-.}/src/safd:$PATH"
export PATH
U_USER1=64141
U_FRED=64142
U_LIBSERV=64143
U_DB2=64144
U_NONE=64145
SAFD_SOCK="$ATTLS_TMP/saf.sock"
ATTLS_SAFDB="$ATTLS_TMP/saf.db"
export ATTLS_SAFDB
chmod 0711 "$ATTLS_TMP"

as() { u=$1; shift; setpriv --reuid="$u" --regid="$u" --clear-groups "$@"; }

safd_db() {
	cat > "$ATTLS_TMP/setup.racf" <<RACF
ADDGROUP DB2USR OMVS(GID(64150))
ADDUSER USER1 DFLTGRP(DB2USR) NAME('USER ONE') OMVS(UID($U_USER1) HOME(/u/user1) PROGRAM(/bin/sh))
ALTUSER USER1 PASSWORD(user1pw) NOEXPIRED
ADDUSER FRED NAME('FRED') OMVS(UID($U_FRED))
ALTUSER FRED PASSWORD(fredpw) NOEXPIRED
ADDUSER LIBSERV OMVS(UID($U_LIBSERV))
ADDUSER DB2USER OMVS(UID($U_DB2))
SETROPTS CLASSACT(FACILITY DSNR PTKTDATA) GENERIC(PTKTDATA DSNR)
SETROPTS RACLIST(PTKTDATA)
SETROPTS PASSWORD(REVOKE(3))
RDEFINE FACILITY BPX.SERVER UACC(NONE)
PERMIT BPX.SERVER CLASS(FACILITY) ID(DB2USER) ACCESS(READ)
RDEFINE DSNR DSN2.REST UACC(NONE)
PERMIT DSN2.REST CLASS(DSNR) ID(USER1) ACCESS(READ)
RDEFINE PTKTDATA DSN2APPL SSIGNON(KEYMASK(123456789ABCDEF0)) +
  APPLDATA('NO REPLAY PROTECTION')
RDEFINE PTKTDATA REPLAPPL SSIGNON(KEYMASK(0123456789ABCDEF))
RDEFINE PTKTDATA IRRPTAUTH.DSN2APPL.* UACC(NONE)
RDEFINE PTKTDATA IRRPTAUTH.REPLAPPL.* UACC(NONE)
PERMIT IRRPTAUTH.DSN2APPL.* ID(LIBSERV) CLASS(PTKTDATA) ACC(UPDATE)
PERMIT IRRPTAUTH.REPLAPPL.* ID(LIBSERV) CLASS(PTKTDATA) ACC(UPDATE)
PERMIT IRRPTAUTH.DSN2APPL.* ID(DB2USER) CLASS(PTKTDATA) ACC(READ)
PERMIT IRRPTAUTH.REPLAPPL.* ID(DB2USER) CLASS(PTKTDATA) ACC(READ)
SETROPTS RACLIST(PTKTDATA) REFRESH
RACF
	racf -q -f "$ATTLS_TMP/setup.racf" > "$ATTLS_TMP/setup.out" 2>&1 || {
		cat "$ATTLS_TMP/setup.out"; echo "the database could not be made"; exit 1; }
}

start_safd() {
	log=$1; shift
	rm -f "$ATTLS_TMP/ready"
	mkfifo "$ATTLS_TMP/ready"
	attls-safd -f --socket "$SAFD_SOCK" --db "$ATTLS_SAFDB" --ready-fd 9 "$@" \
		9>"$ATTLS_TMP/ready" 2>"$log" &
	safd=$!
	if ! timeout 20 head -n1 "$ATTLS_TMP/ready" | grep -q READY; then
		cat "$log"; echo "attls-safd did not start"; exit 1
	fi
}

stop_safd() {
	kill "$safd" 2>/dev/null || true
	wait "$safd" 2>/dev/null || true
}
