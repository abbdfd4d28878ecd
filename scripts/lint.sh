#!/bin/sh
# lint.sh BUILD_DIR: clang-tidy (checks in .clang-tidy) and cppcheck over
# src/, using the compile commands of BUILD_DIR.  Exits non-zero on any
# finding.
set -eu
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
status=0
files=$(find "$top/src" -name '*.c' | sort)
echo "lint: clang-tidy"
# shellcheck disable=SC2086
clang-tidy -quiet -p "$build" $files 2>/dev/null || status=1
echo "lint: cppcheck"
cppcheck --quiet --error-exitcode=1 --std=c11 --inline-suppr \
	--enable=warning,portability,performance \
	--suppress=missingIncludeSystem -I "$top/src" "$top/src" || status=1
[ $status -eq 0 ] && echo "lint: clean"
exit $status
