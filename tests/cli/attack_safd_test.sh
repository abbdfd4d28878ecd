# attack_safd_test.sh - attls-safd against callers with no authority and
# against hostile clients: what an unprivileged user cannot do or learn,
# what READ to BPX.SERVER changes, malformed records and passed
# descriptors (only that client is cut off, nothing stays open), and the
# rate limit on failed verifications.
set -eu
. "$ATTLS_SOURCE_DIR/tests/cli/lib.sh"
. "$ATTLS_SOURCE_DIR/tests/cli/safd_lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: this test becomes other users (setpriv) and must run as root"
	exit 77
fi

safd_db
start_safd "$ATTLS_TMP/safd.log"
trap 'stop_safd' EXIT
S="--service $SAFD_SOCK"
printf 'user1pw\n' > "$ATTLS_TMP/u1pw"
printf 'wrong\n' > "$ATTLS_TMP/bad"

# as_fred CMD: FRED (no BPX.SERVER) runs CMD with the secret in FILE on stdin
in_as() { u=$1; f=$2; shift 2; sh -c "setpriv --reuid=$u --regid=$u --clear-groups $* < '$f'"; }

# --- FRED may not verify USER1's password, right or wrong, and learns
# nothing about whether USER1 or NOBODY exists
expect_fail "FRED verifies USER1 (right)" 1 in_as $U_FRED "$ATTLS_TMP/u1pw" attls saf verify $S --user USER1
expect_out "refused with BPX.SERVER ICH408I" '^ICH408I   BPX\.SERVER CL\(FACILITY\)$'
expect_no_out "no verdict on the password" '^ok$|IRR01[234]I'
cp "$out" "$ATTLS_TMP/r-right"
expect_fail "FRED verifies USER1 (wrong)" 1 in_as $U_FRED "$ATTLS_TMP/bad" attls saf verify $S --user USER1
cp "$out" "$ATTLS_TMP/r-wrong"
expect_fail "FRED verifies NOBODY" 1 in_as $U_FRED "$ATTLS_TMP/bad" attls saf verify $S --user NOBODY
cp "$out" "$ATTLS_TMP/r-nobody"
expect_ok "same answer: right or wrong password" cmp "$ATTLS_TMP/r-right" "$ATTLS_TMP/r-wrong"
expect_ok "same answer: existing or not" cmp "$ATTLS_TMP/r-right" "$ATTLS_TMP/r-nobody"
expect_fail "... and with an application" 1 in_as $U_FRED "$ATTLS_TMP/bad" attls saf verify $S --user USER1 --appl DSN2APPL
cp "$out" "$ATTLS_TMP/r-appl"
expect_ok "same answer with --appl" cmp "$ATTLS_TMP/r-right" "$ATTLS_TMP/r-appl"
# USER1 was not charged for FRED's attempts
expect_ok "USER1 not revoked by refused attempts" in_as $U_USER1 "$ATTLS_TMP/u1pw" attls saf verify $S --user USER1

# --- FRED may not generate PassTickets; a missing key or user looks the same
expect_fail "FRED generates for USER1" 1 as $U_FRED attls saf passticket generate $S --user USER1 --appl DSN2APPL
expect_out "IRRPTAUTH ICH408I" '^ICH408I   IRRPTAUTH\.DSN2APPL\.USER1 CL\(PTKTDATA\)$'
expect_no_out "no ticket" '^[A-Z0-9]{8}$'
sed 's/DSN2APPL\.USER1/X/' "$out" > "$ATTLS_TMP/p-1"
expect_fail "FRED generates for a key that does not exist" 1 as $U_FRED attls saf passticket generate $S --user NOBODY --appl NOAPPL
sed 's/NOAPPL\.NOBODY/X/' "$out" > "$ATTLS_TMP/p-2"
expect_no_out "no word of keys" 'no PTKTDATA profile|SSIGNON|key'
# the generic profile shows in one and not the other, as RACF's own
# ICH408I would: compare the rest
grep -v 'FROM ' "$ATTLS_TMP/p-1" > "$ATTLS_TMP/p-1b"
grep -v 'FROM ' "$ATTLS_TMP/p-2" > "$ATTLS_TMP/p-2b"
expect_ok "same shape: key or no key" cmp "$ATTLS_TMP/p-1b" "$ATTLS_TMP/p-2b"
expect_fail "an undefined uid generates" 1 as $U_NONE attls saf passticket generate $S --user USER1 --appl DSN2APPL
expect_out "undefined caller ICH408I" "^ICH408I USER\\(\\?$U_NONE"

# --- other users' access, groups, OMVS, mappings: refused alike
for who in USER1 NOBODY; do
	expect_fail "FRED asks $who's access" 1 as $U_FRED attls saf check $S --user $who --class DSNR --resource DSN2.REST --access READ
	cp "$out" "$ATTLS_TMP/a-$who"
	expect_fail "FRED asks $who's groups" 1 as $U_FRED attls saf groups $S --user $who
	cp "$out" "$ATTLS_TMP/g-$who"
	expect_fail "FRED asks $who's OMVS" 1 as $U_FRED attls saf omvs $S --user $who
	cp "$out" "$ATTLS_TMP/o-$who"
done
expect_out "refused with BPX.SERVER" 'BPX\.SERVER CL\(FACILITY\)'
expect_ok "access: same for existing or not" cmp "$ATTLS_TMP/a-USER1" "$ATTLS_TMP/a-NOBODY"
expect_ok "groups: same for existing or not" cmp "$ATTLS_TMP/g-USER1" "$ATTLS_TMP/g-NOBODY"
expect_ok "OMVS: same for existing or not" cmp "$ATTLS_TMP/o-USER1" "$ATTLS_TMP/o-NOBODY"
expect_fail "FRED asks who uid 64141 is" 1 as $U_FRED attls saf omvs $S --uid $U_USER1
expect_out "uid lookup refused" 'BPX\.SERVER'
expect_fail "FRED maps an identity" 1 as $U_FRED attls saf usermap $S --idid 'CN=X' --registry r
expect_out "mapping refused" 'BPX\.SERVER'
expect_fail "root is not special" 1 attls saf groups $S --user USER1
expect_out "root refused too" '^ICH408I USER\(ROOT'

# --- with READ to BPX.SERVER, FRED can
expect_ok "permit FRED" racf -q "PERMIT BPX.SERVER CLASS(FACILITY) ID(FRED) ACCESS(READ)"
expect_ok "FRED verifies USER1" in_as $U_FRED "$ATTLS_TMP/u1pw" attls saf verify $S --user USER1
expect_out "verified" '^ok$'
expect_ok "FRED reads USER1's groups" as $U_FRED attls saf groups $S --user USER1
expect_fail "FRED reads NOBODY's groups" 1 as $U_FRED attls saf groups $S --user NOBODY
expect_out "now FRED learns NOBODY is unknown" 'IRR012I'
expect_fail "still no PassTickets for FRED" 1 as $U_FRED attls saf passticket generate $S --user USER1 --appl DSN2APPL
expect_ok "take it back" racf -q "PERMIT BPX.SERVER CLASS(FACILITY) ID(FRED) DELETE"
expect_fail "FRED refused again" 1 in_as $U_FRED "$ATTLS_TMP/u1pw" attls saf verify $S --user USER1

# --- hostile records: each closes its own connection only, and nothing
# the records brought stays open in the service
expect_ok "malformed records" attls-safattack "$SAFD_SOCK" malformed
expect_no_out "every one closed" 'NOT CLOSED'
expect_ok "a bystander is still answered" attls-safattack "$SAFD_SOCK" bystander
# the bystanders' connections are gone once the service has seen them close
sleep 0.3
before=$(ls /proc/$safd/fd | wc -l)
expect_ok "100 requests with descriptors" attls-safattack "$SAFD_SOCK" fds 100
expect_out "all closed" '^closed 100 of 100$'
sleep 0.2
after=$(ls /proc/$safd/fd | wc -l)
expect_ok "no descriptor kept ($before before, $after after)" test "$after" -le "$before"
expect_ok "still serving" as $U_USER1 attls saf groups $S
expect_ok "the log says why" grep -q 'sent 2 descriptors' "$ATTLS_TMP/safd.log"
expect_ok "the log names the malformed record" grep -q 'malformed request' "$ATTLS_TMP/safd.log"
stop_safd

# --- an impostor listening as another user never sees a password
mkdir "$ATTLS_TMP/evil" && chmod 0777 "$ATTLS_TMP/evil"
setpriv --reuid=64146 --regid=64146 --clear-groups attls-safattack "$ATTLS_TMP/evil/saf.sock" listen > "$ATTLS_TMP/evil.out" 2>&1 &
evil=$!
i=0; until grep -q listening "$ATTLS_TMP/evil.out" || [ $i -gt 50 ]; do sleep 0.1; i=$((i + 1)); done
expect_fail "the library refuses the impostor" 1 in_as $U_USER1 "$ATTLS_TMP/u1pw" attls saf verify --service "$ATTLS_TMP/evil/saf.sock" --user USER1
expect_out "says whose socket it is" 'served by uid 64146, which is neither root'
wait $evil || true
expect_ok "the impostor got nothing" grep -q '^received 0 bytes$' "$ATTLS_TMP/evil.out"

# --- rate limit: 3 failures in 60 s; a server guessing at many users,
# each below the revocation count, is stopped, and so are guesses at one
# user from many callers
start_safd "$ATTLS_TMP/safd2.log" --fail-limit 3 --fail-window 60 --fail-backoff 30
for u in USER1 GUESS2 GUESS3; do
	expect_fail "Db2 guesses at $u" 1 in_as $U_DB2 "$ATTLS_TMP/bad" attls saf verify $S --user $u
done
expect_fail "Db2 is stopped, even with a right password" 1 in_as $U_DB2 "$ATTLS_TMP/u1pw" attls saf verify $S --user USER1
expect_out "says so" "too many failed verifications from uid $U_DB2 \\(3 within 60 s\\)"
expect_ok "the log says so" grep -q 'VERIFY USER1 refused: too many failed' "$ATTLS_TMP/safd2.log"
expect_ok "another caller is not stopped" in_as $U_USER1 "$ATTLS_TMP/u1pw" attls saf verify $S --user USER1
# one target, three callers: FRED itself, LIBSERV (given BPX.SERVER), FRED again
expect_ok "REVOKE off for this part" racf -q "SETROPTS PASSWORD(NOREVOKE)"
expect_ok "LIBSERV may act for others" racf -q "PERMIT BPX.SERVER CLASS(FACILITY) ID(LIBSERV) ACCESS(READ)"
expect_fail "FRED wrong (self)" 1 in_as $U_FRED "$ATTLS_TMP/bad" attls saf verify $S --user FRED
expect_fail "FRED wrong (LIBSERV)" 1 in_as $U_LIBSERV "$ATTLS_TMP/bad" attls saf verify $S --user FRED
expect_fail "FRED wrong (self again)" 1 in_as $U_FRED "$ATTLS_TMP/bad" attls saf verify $S --user FRED
printf 'fredpw\n' > "$ATTLS_TMP/fredpw"
expect_fail "FRED's right password refused for now" 1 in_as $U_LIBSERV "$ATTLS_TMP/fredpw" attls saf verify $S --user FRED
expect_out "target limit says so" 'too many failed verifications for user FRED'
expect_ok "LISTUSER: FRED is not revoked" racf "LISTUSER FRED"
expect_no_out "no REVOKED" 'ATTRIBUTES=.*REVOKED'
finish
