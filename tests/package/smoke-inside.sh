#!/bin/sh
# smoke-inside.sh DEB: run by smoke.sh inside the fresh Debian tree, as
# root.  Installs the package, runs the batch-client lab from the
# installed files only, and purges the package.  Prints what it checks;
# exits non-zero at the first failure.
set -eu
deb=$1
ex=/usr/share/doc/attls/examples
T=/tmp/lab
mkdir -p $T
: > /tmp/pids
step() { echo "-- $*"; }
die() { echo "FAIL: $*"; for f in $T/*.log $T/*.out; do [ -f "$f" ] && { echo "== $f"; tail -20 "$f"; }; done; exit 1; }

step "apt-get install ./$(basename "$deb")"
apt-get install -y -q "$deb" > $T/apt.log 2>&1 || die "apt-get install"
getent passwd attls >/dev/null || die "postinst made no attls user"
[ "$(stat -c '%a %U' /var/lib/attls)" = "700 root" ] || die "/var/lib/attls is not 0700 root"
dpkg-query -W -f='${Conffiles}\n' attls | grep -q /etc/attls/pagent.conf ||
	die "pagent.conf is not a conffile"
man -w attlsd >/dev/null 2>&1 || [ ! -x /usr/bin/man ] || die "man attlsd not found"

# No service manager here: make the runtime directory as the tmpfiles.d
# entry would, then start attlsd from the installed files, on its
# compiled-in defaults, with the lab's policy in /etc/attls.
step "the batch-client lab's RACF jobs, from $ex/lab"
racf -q -f $ex/lab/batch-client-prereq.racf > $T/racf.log 2>&1 || die "prerequisites"
racf -f $ex/lab/mvstls.racf >> $T/racf.log 2>&1 || die "MVSTLS job"
racf -q "RACDCERT CERTAUTH EXPORT(LABEL('Liberty CA')) DSN('$T/ca.pem') FORMAT(CERTB64)" ||
	die "export the CA"
racf -q "RACDCERT ID(LIBSERV) EXPORT(LABEL('Liberty Server')) DSN('$T/server.p12') FORMAT(PKCS12DER) PASSWORD('labpw')" ||
	die "export the server certificate"
openssl pkcs12 -in $T/server.p12 -passin pass:labpw -nodes -out $T/server.pem 2>/dev/null
printf 'ALTUSER ROOT NOOMVS\nALTUSER USER1 OMVS(UID(0))\n' > $T/handover.racf
racf -q -f $T/handover.racf || die "USER1 takes root's uid"
[ -f /var/lib/attls/saf.db ] || die "racf did not use /var/lib/attls/saf.db"

step "openssl s_server demanding a client certificate"
openssl s_server -accept 0 -cert $T/server.pem -CAfile $T/ca.pem -Verify 1 \
	-verify_return_error -www > $T/s_server.out 2>&1 &
echo $! >> /tmp/pids
i=0
until grep -q ACCEPT $T/s_server.out 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 100 ] || die "s_server did not start"; sleep 0.1
done
port=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' $T/s_server.out)

step "attlsd with the lab's policy in /etc/attls/attls.policy"
sed "s/Port                   9443/Port                   $port/" \
	$ex/seed-batch-client.policy > /etc/attls/attls.policy
attls policy check -c /etc/attls/pagent.conf > $T/check.log 2>&1 || die "policy check"
install -d -m 0755 /run/attls
attlsd -f --workers 2 2> $T/attlsd.log &
echo $! >> /tmp/pids
i=0
until grep -q EZD1586I $T/attlsd.log 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 100 ] || die "attlsd did not start"; sleep 0.1
done
[ -S /run/attls/attlsd.sock ] || die "no control socket at /run/attls/attlsd.sock"

step "curl under job USER1GET gets TLS with USER1's certificate"
attls run -j USER1GET -- curl -sS --max-time 20 "http://127.0.0.1:$port/" > $T/curl.out 2>&1 ||
	die "curl as USER1GET"
grep -q 'Protocol *: TLSv1.2' $T/curl.out || die "the page did not come over TLS 1.2"
grep -q 'EZD1281I TTLS Map .* JOBNAME: USER1GET USERID: USER1 ' $T/attlsd.log ||
	die "no EZD1281I for USER1GET"
if attls run -j OTHERJOB -- curl -sS --max-time 20 "http://127.0.0.1:$port/" > $T/other.out 2>&1
then
	die "another job name got through to the TLS port"
fi
attls status > $T/status.out 2>&1 || die "attls status"

step "stop; dpkg --remove keeps configuration and database; --purge keeps the database"
kill $(cat /tmp/pids) 2>/dev/null || :
: > /tmp/pids
sleep 0.5
dpkg --remove attls > $T/remove.log 2>&1 || die "dpkg --remove"
[ -f /etc/attls/pagent.conf ] && [ -f /var/lib/attls/saf.db ] || die "remove did not keep config and database"
dpkg --purge attls > $T/purge.log 2>&1 || die "dpkg --purge"
cat $T/purge.log
grep -q 'security database in /var/lib/attls was kept' $T/purge.log ||
	die "purge did not say it kept the database"
! getent passwd attls >/dev/null || die "purge left the attls user"
[ ! -e /etc/attls ] || die "purge left /etc/attls"
[ ! -e /run/attls ] || die "purge left /run/attls"
echo "inside: all checks passed"
