/* profile.c - general-resource profiles: RDEFINE, RALTER, RDELETE, RLIST. */
#include "saf/profile.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "saf/class.h"
#include "saf/match.h"
#include "saf/ckds.h"
#include "saf/sqlutil.h"
#include "saf/user.h"

/* Sets one column (a constant from this file) of profile id. */
static enum at_rc
pset(struct saf_db *db, int64_t id, const char *col, const char *text,
    int64_t num, const void *blob, size_t bloblen, int kind,
    struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	char sql[96];
	enum at_rc rc;

	(void)snprintf(sql, sizeof(sql), "UPDATE profiles SET %s = ? "
	    "WHERE id = ?", col);
	rc = saf_db_prepare(db, sql, &st, err);
	if (rc != AT_OK)
		goto out;
	if (kind == 0)
		saf_sql_bind(st, 1, text);
	else if (kind == 1)
		saf_sql_bind_i64(st, 1, num);
	else if (blob != NULL)
		saf_sql_bind_blob(st, 1, blob, (size_t)bloblen);
	saf_sql_bind_i64(st, 2, id);
	rc = saf_sql_done(db, st, "changing a profile", err);
out:
	sqlite3_finalize(st);
	return rc;
}

static enum at_rc
check_change(struct saf_db *db, const struct saf_profile_change *ch,
    char owner[SAF_NAME_MAX + 1], struct at_err *err)
{
	bool u = false, g = false;
	enum at_rc rc = AT_OK;

	owner[0] = '\0';
	if ((ch->set & SAF_PC_DATA) && ch->data != NULL &&
	    strlen(ch->data) > SAF_DATA_MAX)
		return at_err_setx(err, AT_E_INPUT, "DATA is too long");
	if ((ch->set & SAF_PC_APPLDATA) && ch->appldata != NULL &&
	    strlen(ch->appldata) > SAF_APPLDATA_MAX)
		return at_err_setx(err, AT_E_INPUT, "APPLDATA is too long");
	if ((ch->set & SAF_PC_AUDIT) && ch->audit != NULL &&
	    strlen(ch->audit) > 63)
		return at_err_setx(err, AT_E_INPUT, "AUDIT is too long");
	if ((ch->set & SAF_PC_LEVEL) && (ch->level < 0 || ch->level > 99))
		return at_err_setx(err, AT_E_INPUT, "LEVEL must be 0-99");
	if ((ch->set & SAF_PC_PTKT_EKEY) && (ch->ptkt_ekey == NULL ||
	    ch->ptkt_ekey_len < SAF_PTKT_EKEY_MIN ||
	    ch->ptkt_ekey_len > SAF_PTKT_EKEY_MAX))
		return at_err_setx(err, AT_E_INPUT,
		    "an enhanced PassTicket key must be %d-%d bytes",
		    SAF_PTKT_EKEY_MIN, SAF_PTKT_EKEY_MAX);
	if ((ch->set & SAF_PC_PTKT_EKEYLABEL) && rc == AT_OK) {
		char l[SAF_CKDS_LABEL_MAX + 1];
		int64_t n = 0;
		int found = 0;

		rc = saf_ckds_label_norm(ch->ptkt_ekey_label, l, err);
		if (rc == AT_OK)
			rc = saf_sql_int(db, "SELECT count(*) FROM ckds_keys "
			    "WHERE label = ?", l, &n, &found, err);
		if (rc == AT_OK && n == 0)
			rc = at_err_setx(err, AT_E_NOTFOUND, "EPTKEYLABEL(%s): "
			    "no such key in the key store; create it first "
			    "with CKDSKEY ADD LABEL(%s)", l, l);
		if (rc != AT_OK)
			return rc;
	}
	if ((ch->set & SAF_PC_PTKT_KEY) && ch->ptkt_key == NULL)
		return at_err_setx(err, AT_E_INPUT, "no PassTicket key given");
	if ((ch->set & SAF_PC_PTKT_TIMEOUT) && (ch->ptkt_timeout < 1 ||
	    ch->ptkt_timeout > 600))
		return at_err_setx(err, AT_E_INPUT,
		    "SSIGNON TIMEOUT must be 1-600 seconds");
	if ((ch->set & SAF_PC_STDATA) &&
	    ((ch->st_user != NULL && strlen(ch->st_user) > SAF_NAME_MAX + 1) ||
	    (ch->st_group != NULL && strlen(ch->st_group) > SAF_NAME_MAX + 1)))
		return at_err_setx(err, AT_E_INPUT, "STDATA name is too long");
	if ((ch->set & SAF_PC_NOTIFY) && ch->notify != NULL &&
	    ch->notify[0] != '\0')
		rc = saf_name_norm(ch->notify, "NOTIFY user", owner, err);
	if (rc == AT_OK && (ch->set & SAF_PC_OWNER)) {
		rc = saf_name_norm(ch->owner, "owner", owner, err);
		if (rc == AT_OK)
			rc = saf_id_kind(db, owner, &u, &g, err);
		if (rc == AT_OK && !u && !g)
			rc = at_err_setx(err, AT_E_NOTFOUND,
			    "ICH51003I NAME NOT FOUND IN RACF DATA SET: %s",
			    owner);
	}
	return rc;
}

static enum at_rc
apply_ptkt(struct saf_db *db, int64_t id, const struct saf_profile_change *ch,
    struct at_err *err)
{
	enum at_rc rc = AT_OK;
	unsigned s = ch->set;

	if (s & SAF_PC_NOPTKT_KEY)
		rc = pset(db, id, "ptkt_key", NULL, 0, NULL, 0, 2, err);
	if (rc == AT_OK && (s & SAF_PC_PTKT_KEY))
		rc = pset(db, id, "ptkt_key", NULL, 0, ch->ptkt_key,
		    SAF_PTKT_KEY_LEN, 2, err);
	if (rc == AT_OK && (s & SAF_PC_NOPTKT_EKEY))
		rc = pset(db, id, "ptkt_ekey", NULL, 0, NULL, 0, 2, err);
	if (rc == AT_OK && (s & (SAF_PC_NOPTKT_EKEY | SAF_PC_PTKT_EKEY |
	    SAF_PC_PTKT_EKEYLABEL)))
		rc = pset(db, id, "ptkt_ekey_label", NULL, 0, NULL, 0, 2, err);
	if (rc == AT_OK && (s & SAF_PC_PTKT_EKEY))
		rc = pset(db, id, "ptkt_ekey", NULL, 0, ch->ptkt_ekey,
		    ch->ptkt_ekey_len, 2, err);
	if (rc == AT_OK && (s & SAF_PC_PTKT_EKEYLABEL)) {
		char l[SAF_CKDS_LABEL_MAX + 1];

		rc = saf_ckds_label_norm(ch->ptkt_ekey_label, l, err);
		if (rc == AT_OK)
			rc = pset(db, id, "ptkt_ekey", NULL, 0, NULL, 0, 2,
			    err);
		if (rc == AT_OK)
			rc = pset(db, id, "ptkt_ekey_label", l, 0, NULL, 0, 0,
			    err);
	}
	if (rc == AT_OK && (s & SAF_PC_PTKT_TYPE))
		rc = pset(db, id, "ptkt_type", NULL, ch->ptkt_type, NULL, 0, 1,
		    err);
	if (rc == AT_OK && (s & SAF_PC_PTKT_TIMEOUT))
		rc = pset(db, id, "ptkt_timeout", NULL, ch->ptkt_timeout, NULL,
		    0, 1, err);
	if (rc == AT_OK && (s & SAF_PC_PTKT_REPLAY))
		rc = pset(db, id, "ptkt_replay", NULL, ch->ptkt_replay, NULL, 0,
		    1, err);
	return rc;
}

static enum at_rc
apply_stdata(struct saf_db *db, int64_t id,
    const struct saf_profile_change *ch, struct at_err *err)
{
	enum at_rc rc;

	rc = pset(db, id, "st_user", ch->st_user == NULL ? "" : ch->st_user, 0,
	    NULL, 0, 0, err);
	if (rc == AT_OK)
		rc = pset(db, id, "st_group", ch->st_group == NULL ? "" :
		    ch->st_group, 0, NULL, 0, 0, err);
	if (rc == AT_OK)
		rc = pset(db, id, "st_trusted", NULL, ch->st_trusted, NULL, 0,
		    1, err);
	if (rc == AT_OK)
		rc = pset(db, id, "st_privileged", NULL, ch->st_privileged,
		    NULL, 0, 1, err);
	if (rc == AT_OK)
		rc = pset(db, id, "st_trace", NULL, ch->st_trace, NULL, 0, 1,
		    err);
	return rc;
}

static enum at_rc
apply(struct saf_db *db, int64_t id, const struct saf_profile_change *ch,
    const char *owner, struct at_err *err)
{
	enum at_rc rc = AT_OK;
	unsigned s = ch->set;

	if (s & SAF_PC_UACC)
		rc = pset(db, id, "uacc", NULL, ch->uacc, NULL, 0, 1, err);
	if (rc == AT_OK && (s & SAF_PC_OWNER))
		rc = pset(db, id, "owner", owner, 0, NULL, 0, 0, err);
	if (rc == AT_OK && (s & SAF_PC_DATA))
		rc = pset(db, id, "data", ch->data == NULL ? "" : ch->data, 0,
		    NULL, 0, 0, err);
	if (rc == AT_OK && (s & SAF_PC_APPLDATA))
		rc = pset(db, id, "appldata", ch->appldata == NULL ? "" :
		    ch->appldata, 0, NULL, 0, 0, err);
	if (rc == AT_OK && (s & SAF_PC_WARNING))
		rc = pset(db, id, "warning", NULL, ch->warning, NULL, 0, 1, err);
	if (rc == AT_OK && (s & SAF_PC_AUDIT))
		rc = pset(db, id, "audit", ch->audit == NULL ? "" : ch->audit, 0,
		    NULL, 0, 0, err);
	if (rc == AT_OK && (s & SAF_PC_NOTIFY))
		rc = pset(db, id, "notify", ch->notify == NULL ? "" :
		    ch->notify, 0, NULL, 0, 0, err);
	if (rc == AT_OK && (s & SAF_PC_LEVEL))
		rc = pset(db, id, "level", NULL, ch->level, NULL, 0, 1, err);
	if (rc == AT_OK && (s & SAF_PC_STDATA))
		rc = apply_stdata(db, id, ch, err);
	if (rc == AT_OK)
		rc = apply_ptkt(db, id, ch, err);
	return rc;
}

/* Finds a profile's id and owner by class and exact (normalised) name. */
static enum at_rc
find(struct saf_db *db, const char *c, const char *n, int64_t *id,
    char owner[SAF_NAME_MAX + 1], struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	enum at_rc rc;
	int row = 0;

	*id = 0;
	rc = saf_db_prepare(db, "SELECT id, owner FROM profiles WHERE "
	    "class = ? AND name = ?", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, c);
	saf_sql_bind(st, 2, n);
	rc = saf_sql_row(db, st, &row, "reading a profile", err);
	if (rc == AT_OK && !row)
		rc = at_err_setx(err, AT_E_NOTFOUND,
		    "ICH11102I %s NOT DEFINED TO CLASS %s.", n, c);
	if (rc == AT_OK) {
		*id = sqlite3_column_int64(st, 0);
		saf_sql_text(st, 1, owner, SAF_NAME_MAX + 1);
	}
out:
	sqlite3_finalize(st);
	return rc;
}

/* Normalises class and name, and checks the class exists. */
static enum at_rc
names(struct saf_db *db, const char *class_name, const char *name,
    struct saf_class *c, char n[SAF_PROFILE_MAX + 1], struct at_err *err)
{
	enum at_rc rc = saf_class_get(db, class_name, c, err);

	if (rc == AT_OK)
		rc = saf_resource_norm(name, n, err);
	return rc;
}

enum at_rc
saf_profile_define(struct saf_db *db, const struct saf_actor *actor,
    const char *class_name, const char *name,
    const struct saf_profile_change *ch, bool *generic_out,
    struct at_err *err)
{
	static const struct saf_profile_change none;
	char n[SAF_PROFILE_MAX + 1], owner[SAF_NAME_MAX + 1];
	struct saf_class c;
	sqlite3_stmt *st = NULL;
	bool generic = false;
	enum at_rc rc;

	if (ch == NULL)
		ch = &none;
	if (generic_out != NULL)
		*generic_out = false;
	rc = saf_db_require_txn(db, err);
	if (rc == AT_OK)
		rc = names(db, class_name, name, &c, n, err);
	if (rc == AT_OK)
		rc = saf_auth_clauth(db, actor, c.name, n, err);
	if (rc == AT_OK)
		rc = check_change(db, ch, owner, err);
	if (rc != AT_OK)
		goto out;
	generic = c.generic && saf_is_generic(n);
	rc = saf_db_prepare(db, "INSERT INTO profiles (class, name, generic, "
	    "uacc, owner, created) VALUES (?, ?, ?, ?, ?, ?)", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, c.name);
	saf_sql_bind(st, 2, n);
	saf_sql_bind_i64(st, 3, generic);
	saf_sql_bind_i64(st, 4, (int)c.default_uacc);
	saf_sql_bind(st, 5, (ch->set & SAF_PC_OWNER) ? owner : actor->user);
	saf_sql_bind_i64(st, 6, saf_now());
	rc = saf_sql_done(db, st, "defining a profile", err);
	if (rc == AT_E_EXISTS)
		rc = at_err_setx(err, AT_E_EXISTS,
		    "%s is already defined to class %s", n, c.name);
	if (rc == AT_OK)
		rc = apply(db, sqlite3_last_insert_rowid(saf_db_sqlite(db)), ch,
		    owner, err);
	if (rc == AT_OK && generic_out != NULL)
		*generic_out = generic;
out:
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_profile_alter(struct saf_db *db, const struct saf_actor *actor,
    const char *class_name, const char *name,
    const struct saf_profile_change *ch, struct at_err *err)
{
	char n[SAF_PROFILE_MAX + 1], owner[SAF_NAME_MAX + 1];
	char cur[SAF_NAME_MAX + 1];
	struct saf_class c;
	int64_t id = 0;
	enum at_rc rc;

	rc = saf_db_require_txn(db, err);
	if (rc == AT_OK)
		rc = names(db, class_name, name, &c, n, err);
	if (rc == AT_OK)
		rc = find(db, c.name, n, &id, cur, err);
	if (rc == AT_OK)
		rc = saf_auth_owner(actor, cur, "ALTER THE PROFILE", err);
	if (rc == AT_OK)
		rc = check_change(db, ch, owner, err);
	if (rc == AT_OK)
		rc = apply(db, id, ch, owner, err);
	return rc;
}

enum at_rc
saf_profile_delete(struct saf_db *db, const struct saf_actor *actor,
    const char *class_name, const char *name, struct at_err *err)
{
	char n[SAF_PROFILE_MAX + 1], cur[SAF_NAME_MAX + 1];
	struct saf_class c;
	sqlite3_stmt *st = NULL;
	int64_t id = 0;
	enum at_rc rc;

	rc = saf_db_require_txn(db, err);
	if (rc == AT_OK)
		rc = names(db, class_name, name, &c, n, err);
	if (rc == AT_OK)
		rc = find(db, c.name, n, &id, cur, err);
	if (rc == AT_E_NOTFOUND)
		rc = at_err_setx(err, AT_E_NOTFOUND,
		    "ICH12102I %s NOT DEFINED TO CLASS %s.", n, c.name);
	if (rc == AT_OK)
		rc = saf_auth_owner(actor, cur, "DELETE THE PROFILE", err);
	if (rc != AT_OK)
		goto out;
	rc = saf_db_prepare(db, "DELETE FROM profiles WHERE id = ?", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind_i64(st, 1, id);
	rc = saf_sql_done(db, st, "deleting a profile", err);
out:
	sqlite3_finalize(st);
	return rc;
}

#define PROFILE_COLS "SELECT class, name, generic, uacc, owner, data, " \
	"appldata, warning, audit, notify, level, ptkt_key IS NOT NULL, " \
	"(ptkt_ekey IS NOT NULL OR ptkt_ekey_label IS NOT NULL), ptkt_type, " \
	"ptkt_timeout, ptkt_replay, " \
	"st_user, st_group, st_trusted, st_privileged, st_trace, created, " \
	"ifnull(ptkt_ekey_label, '') " \
	"FROM profiles "

static void
read_profile(sqlite3_stmt *st, struct saf_profile *p)
{
	memset(p, 0, sizeof(*p));
	saf_sql_text(st, 0, p->class_name, sizeof(p->class_name));
	saf_sql_text(st, 1, p->name, sizeof(p->name));
	p->generic = sqlite3_column_int(st, 2) != 0;
	p->uacc = (enum saf_access)sqlite3_column_int(st, 3);
	saf_sql_text(st, 4, p->owner, sizeof(p->owner));
	saf_sql_text(st, 5, p->data, sizeof(p->data));
	saf_sql_text(st, 6, p->appldata, sizeof(p->appldata));
	p->warning = sqlite3_column_int(st, 7) != 0;
	saf_sql_text(st, 8, p->audit, sizeof(p->audit));
	saf_sql_text(st, 9, p->notify, sizeof(p->notify));
	p->level = sqlite3_column_int(st, 10);
	p->has_ptkt_key = sqlite3_column_int(st, 11) != 0;
	p->has_ptkt_ekey = sqlite3_column_int(st, 12) != 0;
	p->ptkt_type = (enum saf_ptkt_type)sqlite3_column_int(st, 13);
	p->ptkt_timeout = sqlite3_column_int(st, 14);
	p->ptkt_replay = sqlite3_column_int(st, 15) != 0;
	saf_sql_text(st, 16, p->st_user, sizeof(p->st_user));
	saf_sql_text(st, 17, p->st_group, sizeof(p->st_group));
	p->st_trusted = sqlite3_column_int(st, 18) != 0;
	p->st_privileged = sqlite3_column_int(st, 19) != 0;
	p->st_trace = sqlite3_column_int(st, 20) != 0;
	p->created = sqlite3_column_int64(st, 21);
	saf_sql_text(st, 22, p->ptkt_ekey_label, sizeof(p->ptkt_ekey_label));
}

enum at_rc
saf_profile_get(struct saf_db *db, const char *class_name, const char *name,
    struct saf_profile *out, struct at_err *err)
{
	char n[SAF_PROFILE_MAX + 1];
	struct saf_class c;
	sqlite3_stmt *st = NULL;
	enum at_rc rc;
	int row = 0;

	memset(out, 0, sizeof(*out));
	rc = names(db, class_name, name, &c, n, err);
	if (rc != AT_OK)
		return rc;
	rc = saf_db_prepare(db, PROFILE_COLS "WHERE class = ? AND name = ?",
	    &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, c.name);
	saf_sql_bind(st, 2, n);
	rc = saf_sql_row(db, st, &row, "reading a profile", err);
	if (rc == AT_OK && !row)
		rc = at_err_setx(err, AT_E_NOTFOUND, "ICH13003I %s NOT FOUND",
		    n);
	if (rc == AT_OK)
		read_profile(st, out);
out:
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_profile_each(struct saf_db *db, const char *class_name,
    saf_profile_cb cb, void *ctx, struct at_err *err)
{
	struct saf_class c;
	struct saf_profile p;
	sqlite3_stmt *st = NULL;
	enum at_rc rc;
	int row = 0;

	rc = saf_class_get(db, class_name, &c, err);
	if (rc != AT_OK)
		return rc;
	rc = saf_db_prepare(db, PROFILE_COLS "WHERE class = ? ORDER BY name",
	    &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, c.name);
	for (;;) {
		rc = saf_sql_row(db, st, &row, "listing profiles", err);
		if (rc != AT_OK || !row)
			break;
		read_profile(st, &p);
		rc = cb(ctx, &p, err);
		if (rc != AT_OK)
			break;
	}
out:
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_profile_ptkt_keys(struct saf_db *db, const char *name, unsigned char *key,
    bool *has_key, unsigned char *ekey, size_t *ekey_len, struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	enum at_rc rc;
	const void *k, *ek;
	int row = 0, n;

	*has_key = false;
	*ekey_len = 0;
	rc = saf_db_prepare(db, "SELECT ptkt_key, ptkt_ekey, ptkt_ekey_label "
	    "FROM profiles WHERE class = 'PTKTDATA' AND name = ? AND "
	    "generic = 0", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, name);
	rc = saf_sql_row(db, st, &row, "reading a PassTicket key", err);
	if (rc != AT_OK || !row)
		goto out;
	k = sqlite3_column_blob(st, 0);
	ek = sqlite3_column_blob(st, 1);
	if ((k == NULL && sqlite3_column_type(st, 0) != SQLITE_NULL) ||
	    (ek == NULL && sqlite3_column_type(st, 1) != SQLITE_NULL)) {
		rc = at_err_setx(err, AT_E_NOMEM, "reading a PassTicket key: "
		    "out of memory");
		goto out;
	}
	if (k != NULL && sqlite3_column_bytes(st, 0) == SAF_PTKT_KEY_LEN) {
		memcpy(key, k, SAF_PTKT_KEY_LEN);
		*has_key = true;
	}
	n = sqlite3_column_bytes(st, 1);
	if (ek != NULL && n >= SAF_PTKT_EKEY_MIN && n <= SAF_PTKT_EKEY_MAX) {
		memcpy(ekey, ek, (size_t)n);
		*ekey_len = (size_t)n;
	}
	if (sqlite3_column_type(st, 2) == SQLITE_TEXT) {
		char l[SAF_CKDS_LABEL_MAX + 1];

		saf_sql_text(st, 2, l, sizeof(l));
		rc = saf_ckds_get(db, l, ekey, SAF_PTKT_EKEY_MAX, ekey_len,
		    err);
		if (rc == AT_OK && *ekey_len < SAF_PTKT_EKEY_MIN) {
			*ekey_len = 0;
			rc = at_err_setx(err, AT_E_INPUT, "key label %s is "
			    "too short for an enhanced PassTicket key", l);
		}
		if (rc != AT_OK) {
			/* Fail closed: a profile whose key is gone makes no
			 * and accepts no ticket, legacy ones included. */
			*has_key = false;
			at_err_prefix(err, "PTKTDATA %s names EPTKEYLABEL(%s)",
			    name, l);
			if (rc == AT_E_NOTFOUND)
				rc = AT_E_INPUT;
		}
	}
out:
	/* sqlite3 frees its copy; secure_delete covers the file pages. */
	sqlite3_finalize(st);
	return rc;
}
