#!/bin/sh
# smoke.sh DEB_DIR CACHE_DIR: the Debian package in a fresh Debian tree.
#
# A minimal Debian (debootstrap --variant=minbase, from the mirror this
# machine's apt uses, cached as a tarball in CACHE_DIR and unpacked fresh
# each run) gets the package with apt-get install ./attls_*.deb.  No
# service manager runs in a chroot, so attlsd is started by hand from the
# installed files with its compiled-in defaults (/etc/attls/pagent.conf,
# /var/lib/attls/saf.db, /run/attls/attlsd.sock).  The batch-client lab
# then runs from what the package installed: its RACF jobs from the
# examples build USER1's key ring, its policy goes in /etc/attls, and an
# unmodified curl under job USER1GET reaches an HTTPS server that demands a
# client certificate.  Finally dpkg --purge must leave nothing but the
# security database, and say that it kept it.
#
# Needs root (chroot, mounts) and the network the first time.  Exit 77
# (skipped) without them.
set -eu
debs=$(cd "$1" && pwd)
cache=$2
deb=$(ls "$debs"/attls_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { echo "no attls_*.deb in $debs (make deb first)"; exit 1; }
if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: the smoke test needs root for chroot and mounts"
	exit 77
fi
for t in debootstrap chroot mount; do
	command -v $t >/dev/null 2>&1 || { echo "skipped: $t is not installed"; exit 77; }
done
start=$(date +%s)
. /etc/os-release
suite=${VERSION_CODENAME:-bookworm}
# The mirror this machine already uses for its own release: never a name
# written into the project.
mirror=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(TARGET_OF)' 2>/dev/null |
	awk -v s="$suite" '$2 == s && $3 == "deb" { print $1; exit }')
[ -n "$mirror" ] || { echo "skipped: no apt source for $suite on this machine"; exit 77; }

# The tree holds what the package depends on and the lab's peers (openssl,
# curl), so that installing the package needs no network; the cache is
# keyed on that list.
deps=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/(.*)//; s/|.*//; s/ //g' |
	grep -v '^$' | sort -u | tr '\n' ',')
include="${deps}openssl,curl"
key=$(printf '%s %s %s' "$suite" "$mirror" "$include" | sha256sum | cut -c1-12)
tarball=$cache/$suite-minbase-$key.tar
mkdir -p "$cache"
if [ ! -f "$tarball" ]; then
	echo "building the $suite tree from $mirror (cached in $tarball)"
	rm -rf "$cache/tree.tmp"
	debootstrap --variant=minbase --include="$include" "$suite" "$cache/tree.tmp" "$mirror" \
		> "$cache/debootstrap.log" 2>&1 || { tail -20 "$cache/debootstrap.log"; exit 1; }
	tar -C "$cache/tree.tmp" -cf "$tarball.tmp" .
	mv "$tarball.tmp" "$tarball"
	rm -rf "$cache/tree.tmp"
fi

R=$(mktemp -d "${TMPDIR:-/var/tmp}/attls-smoke.XXXXXX")
W=$(mktemp -d "${TMPDIR:-/var/tmp}/attls-smoke-lists.XXXXXX")
srv=1
cleanup() {
	st=$?
	[ -z "$srv" ] || chroot "$R" sh -c 'kill $(cat /tmp/pids) 2>/dev/null' || :
	umount "$R/proc" 2>/dev/null || :
	umount "$R/dev" 2>/dev/null || :
	rm -rf "$R" "$W"
	exit $st
}
trap cleanup EXIT INT TERM
tar -C "$R" -xf "$tarball"
if ! mount -t proc proc "$R/proc" 2>/dev/null; then
	echo "skipped: cannot mount /proc in a chroot here (a container without CAP_SYS_ADMIN)"
	exit 77
fi
mount --bind /dev "$R/dev"
cp "$deb" "$R/tmp/"
cp "$(dirname "$0")/smoke-inside.sh" "$R/tmp/"

# Everything on the tree's file systems, but for what changes on any
# package operation (dpkg's and apt's own records, logs, caches, /tmp).
snapshot() {
	(cd "$R" && find . -xdev \( -path ./proc -o -path ./dev -o -path ./sys -o -path ./tmp \
	    -o -path ./var/lib/dpkg -o -path ./var/lib/apt -o -path ./var/cache \
	    -o -path ./var/log \) -prune -o -print) | sort > "$1"
}
snapshot "$W/before"

chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
	sh /tmp/smoke-inside.sh "/tmp/$(basename "$deb")"
srv=

snapshot "$W/after"
# What purge left: the database; the backups adduser and deluser keep of
# the account files they edited and adduser's lock file (theirs, not the
# package's).
left=$(comm -13 "$W/before" "$W/after" |
	grep -v -e '^\./var/lib/attls$' -e '^\./var/lib/attls/' -e '^\./run/adduser$' \
	    -e '^\./etc/\(passwd\|group\|shadow\|gshadow\|subuid\|subgid\)-$' || :)
gone=$(comm -23 "$W/before" "$W/after" || :)
failed=0
if [ -n "$left" ]; then
	echo "FAIL: purge left behind:"; echo "$left" | sed 's/^/    /'; failed=1
fi
if [ -n "$gone" ]; then
	echo "FAIL: files there before the install are gone:"; echo "$gone" | sed 's/^/    /'
	failed=1
fi
grep -q '^\./var/lib/attls/saf\.db$' "$W/after" ||
	{ echo "FAIL: purge did not keep the security database"; failed=1; }
echo "smoke test: $(( $(date +%s) - start )) s"
[ "$failed" -eq 0 ] && echo "smoke test passed"
exit $failed
