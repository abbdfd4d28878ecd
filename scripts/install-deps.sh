#!/bin/sh
# install-deps.sh: installs the Debian packages attls builds and tests with,
# when they are missing.  As root it installs them; otherwise it lists what
# is missing and fails, so a build never half-works on an unprepared host.
set -eu
# libpam0g-dev: pam_attls.so is a PAM module.  postgresql and pamtester: the
# real PAM consumers the PAM tests sign on through; mandoc: man page lint.
pkgs="build-essential cmake pkg-config clang libclang-rt-14-dev libssl-dev
libsqlite3-dev libcmocka-dev openssl curl stunnel4 sqlite3 python3 sslscan
gnutls-bin vsftpd
libpam0g-dev
postgresql pamtester mandoc"
# debhelper, lintian: make deb builds and checks the Debian package;
# debootstrap: the package's smoke test installs it in a fresh Debian tree
pkgs="$pkgs debhelper lintian debootstrap"
missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "attls: missing build dependencies:$missing" >&2
	echo "attls: run 'sudo apt-get install$missing' (or run make as root)" >&2
	exit 1
fi
echo "attls: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
