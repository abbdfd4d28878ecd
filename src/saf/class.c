/* class.c - the class table and SETROPTS. */
#include "saf/class.h"

#include <string.h>

#include "saf/sqlutil.h"

static void
read_class(sqlite3_stmt *st, struct saf_class *c)
{
	memset(c, 0, sizeof(*c));
	saf_sql_text(st, 0, c->name, sizeof(c->name));
	c->active = sqlite3_column_int(st, 1) != 0;
	c->raclist = sqlite3_column_int(st, 2) != 0;
	c->generic = sqlite3_column_int(st, 3) != 0;
	c->need_raclist = sqlite3_column_int(st, 4) != 0;
	c->default_uacc = (enum saf_access)sqlite3_column_int(st, 5);
	c->generation = (uint64_t)sqlite3_column_int64(st, 6);
}

#define CLASS_COLS "SELECT name, active, raclist, generic, need_raclist, " \
	"default_uacc, generation FROM classes "

enum at_rc
saf_class_get(struct saf_db *db, const char *class_name,
    struct saf_class *out, struct at_err *err)
{
	char c[SAF_NAME_MAX + 1];
	sqlite3_stmt *st = NULL;
	enum at_rc rc;
	int row = 0;

	memset(out, 0, sizeof(*out));
	rc = saf_class_norm(class_name, c, err);
	if (rc != AT_OK)
		return rc;
	rc = saf_db_prepare(db, CLASS_COLS "WHERE name = ?", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, c);
	rc = saf_sql_row(db, st, &row, "reading a class", err);
	if (rc == AT_OK && !row)
		rc = at_err_setx(err, AT_E_INPUT, "IKJ56702I INVALID CLASS, %s",
		    c);
	if (rc == AT_OK)
		read_class(st, out);
out:
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_class_each(struct saf_db *db, saf_class_cb cb, void *ctx,
    struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	struct saf_class c;
	enum at_rc rc;
	int row = 0;

	rc = saf_db_prepare(db, CLASS_COLS "ORDER BY name", &st, err);
	if (rc != AT_OK)
		goto out;
	for (;;) {
		rc = saf_sql_row(db, st, &row, "listing classes", err);
		if (rc != AT_OK || !row)
			break;
		read_class(st, &c);
		rc = cb(ctx, &c, err);
		if (rc != AT_OK)
			break;
	}
out:
	sqlite3_finalize(st);
	return rc;
}

bool
saf_class_in_effect(const struct saf_class *c)
{
	return c->active && (!c->need_raclist || c->raclist);
}

/* Runs sql (?1 = value, ?2 = class or NULL for all) after the checks. */
static enum at_rc
set_flag(struct saf_db *db, const struct saf_actor *actor,
    const char *class_name, const char *sql, int value, struct at_err *err)
{
	struct saf_class c;
	sqlite3_stmt *st = NULL;
	bool all = class_name != NULL && strcmp(class_name, "*") == 0;
	enum at_rc rc;

	rc = saf_db_require_txn(db, err);
	if (rc == AT_OK)
		rc = saf_auth_special(actor, "SETROPTS", err);
	if (rc == AT_OK && !all)
		rc = saf_class_get(db, class_name, &c, err);
	if (rc != AT_OK)
		return rc;
	rc = saf_db_prepare(db, sql, &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind_i64(st, 1, value);
	saf_sql_bind(st, 2, all ? NULL : c.name);
	rc = saf_sql_done(db, st, "SETROPTS", err);
out:
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_setropts_classact(struct saf_db *db, const struct saf_actor *actor,
    const char *class_name, bool on, struct at_err *err)
{
	return set_flag(db, actor, class_name, "UPDATE classes SET active = ?1 "
	    "WHERE ?2 IS NULL OR name = ?2", on, err);
}

/* Replaces the RACLIST snapshot of class c with its profiles as they are
 * now (on), or drops it (NORACLIST).  Caller's transaction. */
static enum at_rc
snapshot(struct saf_db *db, const char *c, bool on, struct at_err *err)
{
	static const char *const sql[] = {
		"DELETE FROM raclist_acl WHERE class = ?",
		"DELETE FROM raclist_profiles WHERE class = ?",
		"INSERT INTO raclist_profiles SELECT class, id, name, generic, "
		"uacc, warning FROM profiles WHERE class = ?",
		"INSERT INTO raclist_acl SELECT p.class, a.profile_id, a.id, "
		"a.access FROM acl a JOIN profiles p ON p.id = a.profile_id "
		"WHERE p.class = ?",
	};
	sqlite3_stmt *st = NULL;
	enum at_rc rc = AT_OK;
	size_t i;

	for (i = 0; rc == AT_OK && i < (on ? 4u : 2u); i++) {
		rc = saf_db_prepare(db, sql[i], &st, err);
		if (rc != AT_OK)
			break;
		saf_sql_bind(st, 1, c);
		rc = saf_sql_done(db, st, "SETROPTS RACLIST", err);
		sqlite3_finalize(st);
		st = NULL;
	}
	return rc;
}

enum at_rc
saf_setropts_raclist(struct saf_db *db, const struct saf_actor *actor,
    const char *class_name, bool on, struct at_err *err)
{
	struct saf_class c;
	enum at_rc rc;

	if (class_name != NULL && strcmp(class_name, "*") == 0)
		return at_err_setx(err, AT_E_INPUT,
		    "RACLIST needs class names, not *");
	rc = set_flag(db, actor, class_name, "UPDATE classes SET raclist = ?1,"
	    " generation = generation + ?1 WHERE name = ?2", on, err);
	if (rc == AT_OK)
		rc = saf_class_get(db, class_name, &c, err);
	if (rc == AT_OK)
		rc = snapshot(db, c.name, on, err);
	return rc;
}

enum at_rc
saf_setropts_refresh(struct saf_db *db, const struct saf_actor *actor,
    const char *class_name, struct at_err *err)
{
	struct saf_class c;
	enum at_rc rc;

	rc = saf_class_get(db, class_name, &c, err);
	if (rc == AT_OK && !c.raclist)
		rc = at_err_setx(err, AT_E_INPUT,
		    "SETROPTS RACLIST REFRESH has no effect: class %s "
		    "is not RACLISTed", c.name);
	if (rc == AT_OK)
		rc = set_flag(db, actor, c.name, "UPDATE classes SET "
		    "generation = generation + ?1 WHERE name = ?2", 1, err);
	if (rc == AT_OK)
		rc = snapshot(db, c.name, true, err);
	return rc;
}

enum at_rc
saf_setropts_generic(struct saf_db *db, const struct saf_actor *actor,
    const char *class_name, bool on, struct at_err *err)
{
	return set_flag(db, actor, class_name, "UPDATE classes SET generic = ?1 "
	    "WHERE ?2 IS NULL OR name = ?2", on, err);
}

enum at_rc
saf_option_get(struct saf_db *db, const char *name, int64_t *value,
    struct at_err *err)
{
	int found = 0;
	enum at_rc rc = saf_sql_int(db, "SELECT value FROM options WHERE "
	    "name = ?", name, value, &found, err);

	if (rc == AT_OK && !found)
		rc = at_err_setx(err, AT_E_NOTFOUND, "no option %s", name);
	return rc;
}

enum at_rc
saf_option_set(struct saf_db *db, const struct saf_actor *actor,
    const char *name, int64_t value, struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	int64_t lo = 0, hi = 1;
	enum at_rc rc;

	if (strcmp(name, SAF_OPT_PASSWORD_REVOKE) == 0)
		hi = 255;
	else if (strcmp(name, SAF_OPT_PASSWORD_INTERVAL) == 0)
		lo = 1, hi = 254;
	else if (strcmp(name, SAF_OPT_GRPLIST) != 0)
		return at_err_setx(err, AT_E_INPUT, "unknown option %s", name);
	if (value < lo || value > hi)
		return at_err_setx(err, AT_E_INPUT, "%s must be %lld-%lld", name,
		    (long long)lo, (long long)hi);
	rc = saf_db_require_txn(db, err);
	if (rc == AT_OK)
		rc = saf_auth_special(actor, "SETROPTS", err);
	if (rc != AT_OK)
		return rc;
	rc = saf_db_prepare(db, "INSERT OR REPLACE INTO options VALUES (?, ?)",
	    &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, name);
	saf_sql_bind_i64(st, 2, value);
	rc = saf_sql_done(db, st, "SETROPTS", err);
out:
	sqlite3_finalize(st);
	return rc;
}
