#!/bin/sh
# install_test.sh SOURCE_DIR BUILD_DIR: what `cmake --install` puts in a
# DESTDIR: every program, the shim, the header, every man page, the units
# and the tmpfiles entry, the configuration; no test program; a second
# install keeps an edited configuration; the run-time paths the install
# uses are the ones compiled into the programs; systemd accepts the units.
set -eu
src=$1
build=$2
T=$(mktemp -d "${TMPDIR:-/tmp}/attls-install.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
failed=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
D=$T/dest

# The prefix the build was configured with: the paths compiled into the
# programs and written into the units follow it.
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
unitdir=$(sed -n 's/^ATTLS_SYSTEMD_UNITDIR:STRING=//p' "$build/CMakeCache.txt")
tmpfiles=$(sed -n 's/^ATTLS_TMPFILESDIR:STRING=//p' "$build/CMakeCache.txt")
case $unitdir in /*) ;; *) unitdir=$prefix/$unitdir ;; esac
case $tmpfiles in /*) ;; *) tmpfiles=$prefix/$tmpfiles ;; esac
tmpfiles=$tmpfiles/attls.conf
DESTDIR=$D cmake --install "$build" > "$T/log" 2>&1 ||
	{ cat "$T/log"; echo "FAIL: cmake --install"; exit 1; }
for f in bin/attls bin/racf sbin/attlsd; do
	[ -x "$D$prefix/$f" ] || fail "$prefix/$f not installed"
done
find "$D" -name libattls.so -path '*/attls/*' | grep -q . || fail "the shim is not installed"
[ -f "$D$prefix/include/attls.h" ] || fail "attls.h not installed"
for p in "$src"/man/*.[1-8]; do
	name=$(basename "$p")
	sec=${name##*.}
	[ -f "$D$prefix/share/man/man$sec/$name" ] || fail "man page $name not installed"
done
[ -f "$D$unitdir/attlsd.service" ] || fail "attlsd.service not in $unitdir"
[ -f "$D$tmpfiles" ] || fail "no tmpfiles.d entry"
grep -q '^d /run/attls 0755 root root' "$D$tmpfiles" ||
	fail "the tmpfiles entry does not make /run/attls"
[ -f "$D/etc/attls/pagent.conf" ] && [ -f "$D/etc/attls/attls.policy" ] ||
	fail "no configuration in /etc/attls"
# Test programs and benchmarks stay in the build tree.
if find "$D" -type f \( -name '*_test' -o -name 'bench*' -o -name 'attls-query' \
    -o -name 'fuzz_*' \) | grep .; then
	fail "test or bench programs installed"
fi
# The installed configuration is one attlsd accepts as it stands.
"$D$prefix/sbin/attlsd" --check -c "$D/etc/attls/pagent.conf" --socket "$T/s.sock" \
	--db "$T/none.db" > "$T/check" 2>&1 || { cat "$T/check"; fail "attlsd --check refuses the installed configuration"; }

# An administrator's configuration survives a second install.
echo "# edited" >> "$D/etc/attls/pagent.conf"
DESTDIR=$D cmake --install "$build" > "$T/log2" 2>&1 || fail "second install"
grep -q '^# edited' "$D/etc/attls/pagent.conf" || fail "a reinstall overwrote pagent.conf"

# The paths the units and the configuration name are the programs' own
# defaults (the module's constants against the sources).
want_sock=$(sed -n 's/^#define CTL_DEFAULT_SOCKET "\(.*\)"$/\1/p' "$src/src/ctl/io.h")
want_db=$(sed -n 's/^#define SAF_DB_DEFAULT_PATH "\(.*\)"$/\1/p' "$src/src/saf/db.h")
want_conf=$(sed -n 's/^#define DEFAULT_CONFIG "\(.*\)"$/\1/p' "$src/src/daemon/attlsd.c")
unit=$D$unitdir/attlsd.service
[ -n "$want_sock" ] && grep -q -- "--socket $want_sock\$" "$unit" || fail "unit socket is not $want_sock"
[ -n "$want_db" ] && grep -q -- "--db $want_db\$" "$unit" || fail "unit database is not $want_db"
[ -n "$want_conf" ] && grep -q -- "-c $want_conf " "$unit" || fail "unit config is not $want_conf"
[ -f "$D$want_conf" ] || fail "the configuration is not installed at $want_conf"
grep -q "^d $(dirname "$want_sock") " "$D$tmpfiles" ||
	fail "tmpfiles does not make the socket's directory"
grep -q "ExecStart=$prefix/sbin/attlsd " "$unit" || fail "unit does not start $prefix/sbin/attlsd"
# attls run finds the shim where it was installed.
shim=$(find "$D" -name libattls.so | sed "s|^$D||")
grep -qaF "$shim" "$build/src/cli/attls" || fail "attls run looks for the shim elsewhere than $shim"

# systemd's own checker, offline, against the installed tree (with the
# host's targets, which the units are ordered against and wanted by).
if command -v systemd-analyze >/dev/null 2>&1 && [ -d /lib/systemd/system ]; then
	mkdir -p "$D/lib/systemd/system"
	cp -a /lib/systemd/system/*.target "$D/lib/systemd/system/" 2>/dev/null || :
	for u in "$D$unitdir"/*.service; do
		if ! systemd-analyze verify --man=no --root="$D" "$u" > "$T/verify" 2>&1; then
			fail "systemd-analyze verify $(basename "$u")"; sed 's/^/    | /' "$T/verify"
		elif grep -q . "$T/verify"; then
			fail "systemd-analyze warns about $(basename "$u")"; sed 's/^/    | /' "$T/verify"
		else
			echo "ok: systemd-analyze verify $(basename "$u")"
		fi
	done
else
	echo "systemd-analyze not installed: the units were not verified"
fi
echo "$failed failures"
[ "$failed" -eq 0 ]
