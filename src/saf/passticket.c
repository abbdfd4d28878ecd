/* passticket.c - PassTicket service: keys, authority, window, replay. */
#include "saf/passticket.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "saf/access.h"
#include "saf/class.h"
#include "saf/sqlutil.h"
#include "saf/user.h"

/* The key material of the profile that applies to user and appl. */
struct keys {
	char profile[SAF_PROFILE_MAX + 1];
	unsigned char key[SAF_PTKT_KEY_LEN];
	bool has_key;
	unsigned char ekey[SAF_PTKT_EKEY_MAX];
	size_t ekey_len;
	struct saf_profile p;
};

static enum at_rc
ptktdata_ready(struct saf_db *db, struct at_err *err)
{
	struct saf_class c;
	enum at_rc rc = saf_class_get(db, "PTKTDATA", &c, err);

	if (rc == AT_OK && !saf_class_in_effect(&c))
		rc = at_err_setx(err, AT_E_INPUT,
		    "PassTickets need class PTKTDATA active and RACLISTed "
		    "(SETROPTS CLASSACT(PTKTDATA) RACLIST(PTKTDATA))");
	return rc;
}

static enum at_rc
authorised(struct saf_db *db, const char *caller, const char *user,
    const char *appl, enum saf_access need, struct at_err *err)
{
	struct saf_decision d;
	char res[SAF_PROFILE_MAX + 1];
	enum at_rc rc;

	(void)snprintf(res, sizeof(res), "IRRPTAUTH.%s.%s", appl, user);
	rc = saf_check_access(db, caller, "PTKTDATA", res, need, &d, err);
	if (rc != AT_OK)
		return rc;
	if (d.result == SAF_ALLOWED)
		return AT_OK;
	if (d.result == SAF_NOT_PROTECTED)
		return at_err_setx(err, AT_E_DENIED,
		    "%s may not %s PassTickets for %s to %s: no PTKTDATA "
		    "profile covers %s", caller, need == SAF_ACC_UPDATE ?
		    "generate" : "evaluate", user, appl, res);
	return at_err_setx(err, AT_E_DENIED, "%s", d.message);
}

/* Finds the key profile: APPL.GROUP.USER, APPL.USER, APPL.GROUP, APPL. */
static enum at_rc
find_keys(struct saf_db *db, const char *user, const char *group,
    const char *appl, struct keys *k, struct at_err *err)
{
	char cand[4][SAF_PROFILE_MAX + 1];
	enum at_rc rc = AT_OK;
	int i, n = 0;

	if (group[0] != '\0')
		(void)snprintf(cand[n++], sizeof(cand[0]), "%s.%s.%s", appl,
		    group, user);
	(void)snprintf(cand[n++], sizeof(cand[0]), "%s.%s", appl, user);
	if (group[0] != '\0')
		(void)snprintf(cand[n++], sizeof(cand[0]), "%s.%s", appl, group);
	(void)snprintf(cand[n++], sizeof(cand[0]), "%s", appl);
	for (i = 0; i < n && rc == AT_OK; i++) {
		rc = saf_profile_ptkt_keys(db, cand[i], k->key, &k->has_key,
		    k->ekey, &k->ekey_len, err);
		if (rc == AT_OK && (k->has_key || k->ekey_len > 0)) {
			memcpy(k->profile, cand[i], sizeof(k->profile));
			return saf_profile_get(db, "PTKTDATA", cand[i], &k->p,
			    err);
		}
	}
	if (rc == AT_OK)
		rc = at_err_setx(err, AT_E_NOTFOUND,
		    "no PTKTDATA profile holds a PassTicket key for "
		    "application %s (define %s with SSIGNON)", appl, appl);
	return rc;
}

/* Normalised names, the user's default group, and the key profile. */
static enum at_rc
prepare(struct saf_db *db, const char *user, const char *appl,
    char u[SAF_NAME_MAX + 1], char a[SAF_NAME_MAX + 1], struct saf_user *su,
    bool *defined, struct keys *k, struct at_err *err)
{
	enum at_rc rc;

	*defined = false;
	rc = saf_name_norm(user, "user id", u, err);
	if (rc == AT_OK)
		rc = saf_name_norm(appl, "application", a, err);
	if (rc == AT_OK)
		rc = ptktdata_ready(db, err);
	if (rc == AT_OK) {
		rc = saf_user_get(db, u, su, err);
		*defined = rc == AT_OK;
		if (rc == AT_E_NOTFOUND) {
			at_err_clear(err);
			rc = AT_OK;
		}
	}
	if (rc == AT_OK)
		rc = find_keys(db, u, *defined ? su->dfltgrp : "", a, k, err);
	return rc;
}

enum at_rc
saf_passticket_generate(struct saf_db *db, const char *caller,
    const char *user, const char *appl, int64_t now,
    char out[SAF_PTKT_LEN + 1], struct at_err *err)
{
	char u[SAF_NAME_MAX + 1], a[SAF_NAME_MAX + 1];
	struct saf_user su;
	struct keys k;
	bool defined = false;
	enum at_rc rc;

	out[0] = '\0';
	memset(&k, 0, sizeof(k));
	if (now < 0 || now > (int64_t)UINT32_MAX)
		return at_err_setx(err, AT_E_INPUT, "time %lld is out of range",
		    (long long)now);
	rc = prepare(db, user, appl, u, a, &su, &defined, &k, err);
	if (rc == AT_OK)
		rc = authorised(db, caller, u, a, SAF_ACC_UPDATE, err);
	if (rc != AT_OK)
		goto out;
	if (k.ekey_len > 0)
		rc = saf_ptkt_enhanced(k.ekey, k.ekey_len, u, a, (uint64_t)now,
		    k.p.ptkt_type, out, err);
	else
		rc = saf_ptkt_legacy(k.key, u, a, (uint32_t)now, out, err);
out:
	OPENSSL_cleanse(&k, sizeof(k));
	return rc;
}

/* Refuses a ticket already used; records it otherwise. */
static enum at_rc
replay(struct saf_db *db, const char *u, const char *a, const char *ticket,
    int64_t now, int64_t expires, bool *replayed, struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	enum at_rc rc;

	*replayed = false;
	rc = saf_db_prepare(db, "DELETE FROM ptkt_used WHERE expires < ?", &st,
	    err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind_i64(st, 1, now);
	rc = saf_sql_done(db, st, "expiring used PassTickets", err);
	sqlite3_finalize(st);
	st = NULL;
	if (rc != AT_OK)
		goto out;
	rc = saf_db_prepare(db, "INSERT OR IGNORE INTO ptkt_used (user, appl, "
	    "ticket, expires) VALUES (?, ?, ?, ?)", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, u);
	saf_sql_bind(st, 2, a);
	saf_sql_bind(st, 3, ticket);
	saf_sql_bind_i64(st, 4, expires);
	rc = saf_sql_done(db, st, "recording a used PassTicket", err);
	if (rc == AT_OK && sqlite3_changes(saf_db_sqlite(db)) == 0)
		*replayed = true;
out:
	sqlite3_finalize(st);
	return rc;
}

static enum at_rc
match(const struct keys *k, const char *u, const char *a, const char *ticket,
    int64_t now, int *hit, int64_t *expires, bool *no_replay_check,
    struct at_err *err)
{
	int64_t when = 0;
	enum at_rc rc = AT_OK;

	*hit = 0;
	if (k->ekey_len > 0) {
		rc = saf_ptkt_enhanced_find(k->ekey, k->ekey_len, u, a, ticket,
		    k->p.ptkt_type, now, k->p.ptkt_timeout, hit, &when, err);
		*expires = when + k->p.ptkt_timeout + 1;
		*no_replay_check = k->p.ptkt_replay;
	}
	if (rc == AT_OK && !*hit && k->has_key) {
		rc = saf_ptkt_legacy_find(k->key, u, a, ticket, now,
		    SAF_PTKT_LEGACY_WINDOW, hit, &when, err);
		*expires = when + SAF_PTKT_LEGACY_WINDOW + 1;
		*no_replay_check = strcmp(k->p.appldata,
		    SAF_PTKT_NO_REPLAY) == 0;
	}
	return rc;
}

static enum at_rc
evaluate(struct saf_db *db, const char *caller, const char *user,
    const char *appl, const char *ticket, int64_t now,
    enum saf_ptkt_result *result, struct at_err *err)
{
	char u[SAF_NAME_MAX + 1], a[SAF_NAME_MAX + 1];
	struct saf_user su;
	struct keys k;
	bool defined = false, no_check = false, replayed = false;
	int64_t expires = 0;
	int hit = 0;
	enum at_rc rc;

	memset(&k, 0, sizeof(k));
	*result = SAF_PTKT_INVALID;
	rc = prepare(db, user, appl, u, a, &su, &defined, &k, err);
	if (rc == AT_OK)
		rc = authorised(db, caller, u, a, SAF_ACC_READ, err);
	if (rc != AT_OK)
		goto out;
	if (!defined) {
		*result = SAF_PTKT_UNKNOWN_USER;
		goto out;
	}
	if (su.revoked) {
		*result = SAF_PTKT_REVOKED;
		goto out;
	}
	rc = match(&k, u, a, ticket, now, &hit, &expires, &no_check, err);
	if (rc != AT_OK || !hit)
		goto out;
	if (!no_check)
		rc = replay(db, u, a, ticket, now, expires, &replayed, err);
	if (rc == AT_OK)
		*result = replayed ? SAF_PTKT_REPLAY : SAF_PTKT_VALID;
out:
	OPENSSL_cleanse(&k, sizeof(k));
	return rc;
}

enum at_rc
saf_passticket_evaluate(struct saf_db *db, const char *caller,
    const char *user, const char *appl, const char *ticket, int64_t now,
    enum saf_ptkt_result *result, struct at_err *err)
{
	bool own = !saf_db_in_txn(db);
	enum at_rc rc;

	*result = SAF_PTKT_INVALID;
	if (ticket == NULL || strlen(ticket) != SAF_PTKT_LEN)
		return AT_OK;
	if (own) {
		rc = saf_db_begin(db, err);
		if (rc != AT_OK)
			return rc;
	}
	rc = evaluate(db, caller, user, appl, ticket, now, result, err);
	if (!own)
		return rc;
	if (rc == AT_OK)
		return saf_db_commit(db, err);
	saf_db_rollback(db);
	return rc;
}

enum at_rc
saf_passticket_signon(struct saf_db *db, const char *user, const char *appl,
    const char *ticket, int64_t now, bool *covered,
    enum saf_ptkt_result *result, struct at_err *err)
{
	char u[SAF_NAME_MAX + 1], a[SAF_NAME_MAX + 1];
	struct saf_user su;
	struct saf_class c;
	struct keys k;
	bool defined = false, no_check = false, replayed = false;
	int64_t expires = 0;
	int hit = 0;
	enum at_rc rc;

	memset(&k, 0, sizeof(k));
	*covered = false;
	*result = SAF_PTKT_INVALID;
	rc = saf_db_require_txn(db, err);
	if (rc == AT_OK)
		rc = saf_class_get(db, "PTKTDATA", &c, err);
	if (rc != AT_OK || !saf_class_in_effect(&c))
		return rc;
	rc = prepare(db, user, appl, u, a, &su, &defined, &k, err);
	if (rc == AT_E_NOTFOUND) {
		/* No key for the application: the secret is only a
		 * password. */
		at_err_clear(err);
		rc = AT_OK;
		goto out;
	}
	if (rc != AT_OK)
		goto out;
	*covered = true;
	if (ticket == NULL || strlen(ticket) != SAF_PTKT_LEN || !defined ||
	    su.revoked)
		goto out;
	rc = match(&k, u, a, ticket, now, &hit, &expires, &no_check, err);
	if (rc != AT_OK || !hit)
		goto out;
	if (!no_check)
		rc = replay(db, u, a, ticket, now, expires, &replayed, err);
	if (rc == AT_OK)
		*result = replayed ? SAF_PTKT_REPLAY : SAF_PTKT_VALID;
out:
	OPENSSL_cleanse(&k, sizeof(k));
	return rc;
}

const char *
saf_ptkt_result_name(enum saf_ptkt_result r)
{
	switch (r) {
	case SAF_PTKT_VALID:
		return "valid";
	case SAF_PTKT_INVALID:
		return "invalid";
	case SAF_PTKT_REPLAY:
		return "replay";
	case SAF_PTKT_UNKNOWN_USER:
		return "unknown user";
	case SAF_PTKT_REVOKED:
		return "revoked";
	default:
		return "unknown";
	}
}
