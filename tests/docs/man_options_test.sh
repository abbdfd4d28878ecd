#!/bin/sh
# man_options_test.sh SOURCE_DIR BUILD_DIR: the options each command's
# --help lists and the options its man page documents (.Fl) are the same
# set, so neither can change without the other.  Only the usage lines and
# the option lines of --help count (an option named in prose is not one).
set -eu
src=$1
build=$2
T=$(mktemp -d "${TMPDIR:-/tmp}/attls-man.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
failed=0

# help_opts CMD...: the options in CMD's usage block and option lines.
help_opts() {
	"$@" --help 2>&1 | awk '
		/^usage:/ { inusage = 1 }
		inusage && /^[[:space:]]*$/ { inusage = 0 }
		inusage || /^[[:space:]]+-/ { print }' |
	grep -oE '(^|[][ |,(])--?[A-Za-z][A-Za-z0-9-]*' | sed 's/^[][ |,(]//' | sort -u
}

# man_opts PAGE: every option .Fl writes in PAGE (a bare ".Fl Fl" is the
# end of options, not one).
man_opts() {
	grep -oE 'Fl( Fl)? [A-Za-z][A-Za-z0-9-]*' "$1" |
	sed -e 's/^Fl Fl /--/' -e 's/^Fl /-/' | grep -vx -- -Fl | sort -u
}

# check PAGE CMD... (each CMD a quoted command line): the union of the
# commands' options against the page's.
check() {
	page=$1; shift
	: > "$T/help"
	for c in "$@"; do
		# shellcheck disable=SC2086
		help_opts $c >> "$T/help"
	done
	echo --help >> "$T/help"
	sort -u "$T/help" -o "$T/help"
	man_opts "$src/man/$page" > "$T/man"
	if [ ! -s "$T/man" ]; then
		echo "FAIL: $page documents no option"; failed=$((failed + 1)); return
	fi
	missing=$(comm -23 "$T/help" "$T/man" | grep -vx -- --help || :)
	extra=$(comm -13 "$T/help" "$T/man")
	if [ -n "$missing" ]; then
		echo "FAIL: $page lacks options its command lists:" $missing
		failed=$((failed + 1))
	fi
	if [ -n "$extra" ]; then
		echo "FAIL: $page documents options its command does not have:" $extra
		failed=$((failed + 1))
	fi
	[ -n "$missing$extra" ] || echo "ok: $page ($(wc -l < "$T/man") options)"
}

a=$build/src/cli/attls
check attls.1 "$a" "$a run" "$a policy" "$a policy check" "$a policy show" \
	"$a policy explain" "$a status" "$a refresh" "$a pasearch" "$a netstat" \
	"$a rc" "$a saf" "$a saf check" "$a saf verify" "$a saf passticket" \
	"$a saf groups" "$a saf omvs" "$a saf usermap"
check racf.1 "$build/src/cli/racf"
check attlsd.8 "$build/src/daemon/attlsd"
check attls-safd.8 "$build/src/safd/attls-safd"

# The check itself must be able to fail: a page without one of the
# command's options is caught.
grep -v 'Fl Fl no-ktls' "$src/man/attlsd.8" > "$T/attlsd.8"
man_opts "$T/attlsd.8" > "$T/man"
help_opts "$build/src/daemon/attlsd" > "$T/help"
if comm -23 "$T/help" "$T/man" | grep -qx -- --no-ktls; then
	echo "ok: a missing option is detected"
else
	echo "FAIL: removing --no-ktls from the page went unnoticed"; failed=$((failed + 1))
fi
[ "$failed" -eq 0 ]
