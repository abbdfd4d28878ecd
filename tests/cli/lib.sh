# lib.sh - sourced by the command-line tests.
#   expect_ok   NAME CMD...       CMD exits 0
#   expect_fail NAME STATUS CMD... CMD exits with STATUS
#   expect_out  NAME PATTERN      the last command's output matches PATTERN (grep -E)
#   finish                         prints "N passed, N failed"; exit status
passed=0
failed=0
out="$ATTLS_TMP/last-output"

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; sed 's/^/    | /' "$out" | head -40; }

expect_ok() {
	name=$1; shift
	if "$@" >"$out" 2>&1; then ok; else bad "$name: '$*' exited $?"; fi
}

expect_fail() {
	name=$1; want=$2; shift 2
	# "|| got=$?" keeps a caller's set -e from ending the script here,
	# without changing the caller's option settings.
	got=0
	"$@" >"$out" 2>&1 || got=$?
	if [ "$got" -eq "$want" ]; then ok; else bad "$name: '$*' exited $got, wanted $want"; fi
}

expect_out() {
	name=$1; pattern=$2
	if grep -Eq -- "$pattern" "$out"; then ok; else bad "$name: output lacks /$pattern/"; fi
}

expect_no_out() {
	name=$1; pattern=$2
	if grep -Eq -- "$pattern" "$out"; then bad "$name: output has /$pattern/"; else ok; fi
}

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
