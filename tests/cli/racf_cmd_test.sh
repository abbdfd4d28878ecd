#!/bin/sh
# racf_cmd_test.sh - drives the real `racf` program: the lab's RACF command
# blocks (the DB2PTKT job as printed, the DSNR profile DSN2.REST with FRED
# and USER1), the ways of giving commands, exit statuses, RLIST output, and
# then `attls saf check` on the result.
set -eu
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"
ATTLS_SAFDB="$ATTLS_TMP/saf.db"
export ATTLS_SAFDB
cd "$ATTLS_TMP"

expect_ok help racf --help
expect_out help-usage '^usage: racf '
expect_fail bad-option 2 racf --bogus
expect_fail two-sources 2 racf -f x "LU"

# The users, groups and classes the lab assumes; the first run bootstraps
# the empty database (the invoking user becomes SPECIAL).
cat >setup.txt <<'CMDS'
ADDGROUP ATSGRP
ADDUSER FRED DFLTGRP(ATSGRP) NAME('USER FRED')
ADDUSER (USER1 LIBSERV) NAME('WORKSHOP USER1')
SETROPTS CLASSACT(DSNR PTKTDATA) GENERIC(PTKTDATA)
SETROPTS RACLIST(PTKTDATA)
RDEFINE DSNR DSN2.REST UACC(NONE)
PERMIT DSN2.REST CLASS(DSNR) ID(USER1) ACCESS(READ)
CMDS
expect_ok setup racf -f setup.txt
expect_out setup-bootstrap 'had no users; .* is now defined with SPECIAL'
expect_out setup-echo '^ ADDUSER FRED DFLTGRP\(ATSGRP\) NAME\('"'"'USER FRED'"'"'\)$'
expect_out setup-protected '^ICH01024I User FRED is defined as PROTECTED\.$'
expect_out setup-end '^END$'

# Member DB2PTKT, as the lab prints it.
cat >db2ptkt.txt <<'CMDS'
RDEFINE PTKTDATA DSN2APPL SSIGNON(KEYMASK(123456789ABCDEF0)) +
APPLDATA('NO REPLAY PROTECTION')

RDEFINE PTKTDATA IRRPTAUTH.DSN2APPL.* UACC(NONE)
PERMIT IRRPTAUTH.DSN2APPL.* ID(LIBSERV) CLASS(PTKTDATA) ACC(UPDATE)

SETROPTS RACLIST(PTKTDATA) REFRESH
CMDS
expect_ok db2ptkt racf -f db2ptkt.txt
expect_out db2ptkt-joined "^ RDEFINE PTKTDATA DSN2APPL SSIGNON\(KEYMASK\(123456789ABCDEF0\)\) APPLDATA\('NO REPLAY PROTECTION'\)$"
expect_out db2ptkt-raclist '^ICH10006I RACLISTED PROFILES FOR PTKTDATA WILL NOT REFLECT THE ADDITION\(S\) UNTIL A SETROPTS REFRESH IS ISSUED\.$'
expect_out db2ptkt-permit '^ICH06011I RACLISTED PROFILES FOR PTKTDATA WILL NOT REFLECT THE UPDATE\(S\) UNTIL A SETROPTS REFRESH IS ISSUED$'
expect_out db2ptkt-refresh '^ICH14063I SETROPTS command complete\.$'
expect_no_out db2ptkt-no-errors 'IKJ|ICH0600[247]I'

# The non-certificate lines of jobs MVSTLS and ZCEETSLC, as printed, on top
# of the profiles and groups those labs had defined before.
expect_ok mvstls-setup racf -q "RDEFINE FACILITY (IRR.DIGTCERT.LISTRING IRR.DIGTCERT.LIST) UACC(NONE)"
expect_ok zceetslc-setup racf -q "ADDGROUP (ZCEEUSRS GMINVOKE)"
cat >mvstls.txt <<'CMDS'
PERMIT IRR.DIGTCERT.LISTRING +
    CLASS(FACILITY) ID(USER1) ACCESS(READ)

PERMIT IRR.DIGTCERT.LIST +
    CLASS(FACILITY) ID(USER1) ACCESS(READ)

 
SETR RACLIST(DIGTCERT DIGTRING FACILITY) REFRESH

 
setr raclist(digtcert digtring) refresh

connect    libserv  group(zceeusrs)
connect    libserv  group(gminvoke)
CMDS
expect_ok mvstls racf -f mvstls.txt
expect_out mvstls-joined '^ PERMIT IRR\.DIGTCERT\.LISTRING CLASS\(FACILITY\) ID\(USER1\) ACCESS\(READ\)$'
expect_out mvstls-refresh '^ICH14070I SETROPTS RACLIST REFRESH HAS NO EFFECT: CLASS FACILITY IS NOT RACLISTED\.$'
expect_ok mvstls-acl racf "RL FACILITY IRR.DIGTCERT.LIST AU"
expect_out mvstls-acl-user1 '^USER1     READ        000000$'
expect_ok zceetslc-groups racf "LU LIBSERV"
expect_out zceetslc-gminvoke '^  GROUP=GMINVOKE  AUTH=USE '

# RLIST with the access list, and the SSIGNON segment without the key.
expect_ok rlist racf "RLIST DSNR DSN2.REST AUTHUSER"
expect_out rlist-class '^DSNR       DSN2\.REST$'
expect_out rlist-uacc '^ 00    [A-Z0-9#$@]+ +NONE               NONE    NO$'
expect_out rlist-acl '^USER1     READ        000000$'
expect_no_out rlist-no-echo '^READY$'
expect_ok rlist-ptkt racf "RL PTKTDATA DSN2APPL SSIGNON"
expect_out rlist-ptkt-appldata '^NO REPLAY PROTECTION$'
expect_out rlist-ptkt-key '^KEYMASKED DATA NOT DISPLAYABLE$'
expect_no_out rlist-ptkt-secret '123456789ABCDEF0'

# Standard input, one command per line; -q drops the echo.
expect_ok stdin sh -c 'printf "LU FRED\nLG ATSGRP\n" | racf -q'
expect_out stdin-lu '^USER=FRED      NAME=USER FRED '
expect_out stdin-lg '^      FRED          USE           000000               NONE$'
expect_no_out stdin-quiet '^READY$'
expect_ok stdin-dash sh -c 'echo "LU USER1" | racf -'
expect_out stdin-dash-echo '^ LU USER1$'

# Failures: the run goes on, the exit status says so, nothing half-done.
cat >bad.txt <<'CMDS'
LISTUSER NOSUCH
BOGUS X
ADDUSER (NEWU FRED)
PERMIT X +
   FOO(1)
ADDUSER LATER
CMDS
expect_fail bad 1 racf -f bad.txt
expect_out bad-lu '^ICH30001I UNABLE TO LOCATE USER    ENTRY NOSUCH$'
expect_out bad-verb '^bad\.txt:2:1: IKJ56500I COMMAND BOGUS NOT FOUND$'
expect_out bad-exists '^ICH01005I FRED ALREADY DEFINED TO RACF'
expect_out bad-position '^bad\.txt:5:4: IKJ56712I INVALID KEYWORD, FOO$'
expect_out bad-went-on '^ICH01024I User LATER is defined as PROTECTED\.$'
expect_fail bad-rolled-back 1 racf "LU NEWU"
expect_ok bad-later racf "LU LATER"

# A 1 MB command is refused whole; the next command still runs.
awk 'BEGIN { printf "ADDUSER HUGE DATA(\x27"; for (i = 0; i < 16384; i++) printf "%064d", i; print "\x27)"; print "ADDUSER AFTER" }' >huge.txt
expect_fail huge 1 racf -q -f huge.txt
expect_out huge-refused '^huge\.txt:1:1: IKJ56702I INVALID COMMAND, longer than 65536 characters'
expect_out huge-next '^ICH01024I User AFTER is defined as PROTECTED\.$'
expect_fail huge-not-added 1 racf "LU HUGE"

# The security manager's answer on what the commands built: FRED is
# refused with ICH408I, USER1 is allowed.
if attls saf check --help >/dev/null 2>&1; then
	expect_fail check-fred 1 attls saf check --user FRED --class DSNR --resource DSN2.REST --access READ
	expect_out check-fred-ich408i '^ICH408I USER\(FRED    \) GROUP\(ATSGRP  \) NAME\(USER FRED'
	expect_out check-fred-insufficient 'INSUFFICIENT ACCESS AUTHORITY'
	expect_ok check-user1 attls saf check --user USER1 --class DSNR --resource DSN2.REST --access READ
else
	echo "SKIP: attls saf check is not available in this build"
fi

finish
