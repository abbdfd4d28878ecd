#!/bin/sh
# man_lint_test.sh SOURCE_DIR BUILD_DIR: every page in man/ is clean under
# mandoc -T lint -W warning and renders with man -l without a word on
# standard error; the policy example in attls-policy(5) is a policy
# 'attls policy check' accepts without a warning.
set -eu
src=$1
build=$2
T=$(mktemp -d "${TMPDIR:-/tmp}/attls-manlint.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
failed=0
pages=0
if ! command -v mandoc >/dev/null 2>&1; then
	echo "mandoc is not installed (scripts/install-deps.sh installs it)"
	exit 1
fi
for page in "$src"/man/*.[1-8]; do
	pages=$((pages + 1))
	if ! mandoc -T lint -W warning "$page" > "$T/lint" 2>&1; then
		echo "FAIL: mandoc lint: $page"; sed 's/^/    | /' "$T/lint"
		failed=$((failed + 1))
	fi
	if command -v man >/dev/null 2>&1; then
		if ! MANWIDTH=80 man -l "$page" > "$T/out" 2> "$T/err" || [ -s "$T/err" ] ||
		    [ ! -s "$T/out" ]; then
			echo "FAIL: man -l $page"; sed 's/^/    | /' "$T/err"
			failed=$((failed + 1))
		fi
	fi
done
[ "$pages" -ge 5 ] || { echo "FAIL: only $pages pages in man/"; failed=$((failed + 1)); }

# The example is the part of the page a reader copies.
sed -n '/^TTLSRule USER1GET-RULE/,/^\.Ed/p' "$src/man/attls-policy.5" | sed '$d' \
	> "$T/example.policy"
if ! "$build/src/cli/attls" policy check "$T/example.policy" > "$T/check" 2>&1 ||
    grep -q warning "$T/check"; then
	echo "FAIL: the example in attls-policy.5 does not check clean:"
	sed 's/^/    | /' "$T/check"
	failed=$((failed + 1))
fi
echo "$pages pages, $failed failures"
[ "$failed" -eq 0 ]
