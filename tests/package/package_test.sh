#!/bin/sh
# package_test.sh SOURCE_DIR BUILD_DIR: make deb, then the smoke test in a
# fresh Debian tree (smoke.sh).  It takes one to two minutes and needs root
# and a Debian mirror, so it runs only where asked for: CI=true (as in CI)
# or ATTLS_PACKAGE_TEST=1; otherwise it is reported as skipped.
set -eu
src=$1
build=$2
if [ "${CI:-}" != true ] && [ "${ATTLS_PACKAGE_TEST:-}" != 1 ]; then
	echo "skipped: set CI=true or ATTLS_PACKAGE_TEST=1 to build and smoke-test the package"
	exit 77
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: building the package's test tree needs root"
	exit 77
fi
make -C "$src" deb BUILD="$build" DEB_DIR="$build/deb" JOBS=2
exec sh "$src/tests/package/smoke.sh" "$build/deb" "$build/debootstrap"
