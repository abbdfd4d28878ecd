# safd_man_test.sh - the SAF client library's manual page renders without
# a warning (mandoc -T lint), and names every function the header declares.
set -eu
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"

if ! command -v mandoc >/dev/null 2>&1; then
	echo "skipped: mandoc is not installed (scripts/install-deps.sh installs it)"
	exit 77
fi
page="$ATTLS_SOURCE_DIR/man/attls_saf.3"
expect_ok "mandoc lint" mandoc -T lint -W warning "$page"
expect_no_out "no warnings" '.'
for f in $(grep -Eo '^[a-z_ ]+\*?(attls_saf_[a-z_]+)\(' "$ATTLS_SOURCE_DIR/include/attls_saf.h" |
	grep -Eo 'attls_saf_[a-z_]+'); do
	expect_ok "documents $f" grep -q "^\\.Fn $f " "$page"
done
finish
