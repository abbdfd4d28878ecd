/*
 * usermap_idid.c - RACMAP distributed identity filters (the idid_maps
 * table, RACF's IDIDMAP class) and the lookup that uses them.
 */
#include <stdio.h>
#include <string.h>

#include "saf/sqlutil.h"
#include "saf/usermap.h"
#include "saf/usermap_int.h"

static enum at_rc
check_text(const char *what, const char *v, size_t max, struct at_err *err)
{
	size_t n = v == NULL ? 0 : strlen(v);

	if (n == 0 || n > max)
		return at_err_setx(err, AT_E_INPUT,
		    "The %s must be 1 to %zu bytes.", what, max);
	return AT_OK;
}

enum at_rc
saf_idid_add(struct saf_db *db, const char *userid, const char *label,
    const char *name, const char *registry,
    char label_out[SAF_CERT_LABEL_MAX + 1], struct at_err *err)
{
	char lbl[SAF_CERT_LABEL_MAX + 1];
	struct saf_idid old;
	sqlite3_stmt *st = NULL;
	enum at_rc rc;

	rc = saf_db_require_txn(db, err);
	if (rc == AT_OK)
		rc = check_text("user name filter", name, SAF_IDID_NAME_MAX, err);
	if (rc == AT_OK)
		rc = check_text("registry name", registry, SAF_IDID_REGISTRY_MAX,
		    err);
	if (rc == AT_OK && label == NULL)
		rc = saf_usermap_free_label(db, "SELECT 1 FROM idid_maps"
		    " WHERE userid = ?1 AND label = ?2", userid, lbl, err);
	else if (rc == AT_OK)
		rc = saf_cert_label_check(label, err);
	if (rc != AT_OK)
		goto out;
	if (label != NULL)
		(void)snprintf(lbl, sizeof(lbl), "%s", label);
	rc = saf_db_prepare(db, "SELECT userid, label FROM idid_maps WHERE"
	    " (userid = ?1 AND label = ?2) OR (user_did_filter = ?3 AND"
	    " registry = ?4)", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, userid);
	saf_sql_bind(st, 2, lbl);
	saf_sql_bind(st, 3, name);
	saf_sql_bind(st, 4, registry);
	{
		int row = 0;

		rc = saf_sql_row(db, st, &row, "checking a mapping", err);
		if (rc == AT_OK && row) {
			saf_sql_text(st, 0, old.userid, sizeof(old.userid));
			saf_sql_text(st, 1, old.label, sizeof(old.label));
			rc = at_err_setx(err, AT_E_EXISTS,
			    "A mapping with label '%s' for user %s already"
			    " uses this label or these filters. The mapping was not added.",
			    old.label, old.userid);
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != AT_OK)
		goto out;
	rc = saf_db_prepare(db, "INSERT INTO idid_maps (userid, label,"
	    " user_did_filter, registry) VALUES (?1, ?2, ?3, ?4)", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, userid);
	saf_sql_bind(st, 2, lbl);
	saf_sql_bind(st, 3, name);
	saf_sql_bind(st, 4, registry);
	rc = saf_sql_done(db, st, "adding a mapping", err);
	if (rc == AT_OK && label_out != NULL)
		(void)snprintf(label_out, SAF_CERT_LABEL_MAX + 1, "%s", lbl);
out:
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_idid_delete(struct saf_db *db, const char *userid, const char *label,
    struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	enum at_rc rc;

	rc = saf_db_require_txn(db, err);
	if (rc == AT_OK)
		rc = saf_db_prepare(db, "DELETE FROM idid_maps WHERE userid = ?1"
		    " AND (?2 IS NULL OR label = ?2)", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, userid);
	saf_sql_bind(st, 2, label);
	rc = saf_sql_done(db, st, "deleting a mapping", err);
	if (rc == AT_OK && sqlite3_changes(saf_db_sqlite(db)) == 0)
		rc = at_err_setx(err, AT_E_NOTFOUND, label != NULL ?
		    "No mapping with label '%s' exists for user %s." :
		    "No mapping%s exists for user %s.",
		    label != NULL ? label : "", userid);
out:
	sqlite3_finalize(st);
	return rc;
}

static void
idid_row(sqlite3_stmt *st, struct saf_idid *m)
{
	saf_sql_text(st, 0, m->userid, sizeof(m->userid));
	saf_sql_text(st, 1, m->label, sizeof(m->label));
	saf_sql_text(st, 2, m->name, sizeof(m->name));
	saf_sql_text(st, 3, m->registry, sizeof(m->registry));
}

struct idid_walk {
	saf_idid_cb cb;
	void *ctx;
};

static enum at_rc
idid_visit(void *ctx, sqlite3_stmt *st, struct at_err *err)
{
	struct idid_walk *w = ctx;
	struct saf_idid m;

	idid_row(st, &m);
	return w->cb(w->ctx, &m, err);
}

enum at_rc
saf_idid_each(struct saf_db *db, const char *userid, const char *label,
    saf_idid_cb cb, void *ctx, struct at_err *err)
{
	struct idid_walk w = { cb, ctx };

	return saf_sql_each_row(db, "SELECT userid, label, user_did_filter, registry"
	    " FROM idid_maps WHERE (?1 IS NULL OR userid = ?1)"
	    " AND (?2 IS NULL OR label = ?2) ORDER BY id", userid, label, idid_visit, &w,
	    "listing mappings", err);
}

struct best_idid {
	const char *name;
	const char *registry;
	long score;
	struct saf_idid m;
};

/* Name score: "*" 0, a DN suffix 1 + its RDNs, the exact name 100000. */
static long
name_score(const char *name, const char *filter)
{
	int rdns;

	if (strcmp(filter, "*") == 0)
		return 0;
	if (strcmp(filter, name) == 0)
		return 100000;
	if (strchr(filter, '=') == NULL)
		return -1;
	rdns = saf_usermap_suffix(name, filter, ',');
	return rdns < 0 ? -1 : 1 + rdns;
}

static enum at_rc
consider(void *ctx, const struct saf_idid *m, struct at_err *err)
{
	struct best_idid *b = ctx;
	long ns, score;
	int rs;

	(void)err;
	ns = name_score(b->name, m->name);
	if (ns < 0)
		return AT_OK;
	if (strcmp(m->registry, b->registry) == 0)
		rs = 1;
	else if (strcmp(m->registry, "*") == 0)
		rs = 0;
	else
		return AT_OK;
	score = ns * 2 + rs;
	if (score > b->score) {
		b->score = score;
		b->m = *m;
	}
	return AT_OK;
}

enum at_rc
saf_idid_best(struct saf_db *db, const char *user_did, const char *registry,
    struct saf_idid *out, struct at_err *err)
{
	struct best_idid b;
	enum at_rc rc;

	memset(&b, 0, sizeof(b));
	b.name = user_did;
	b.registry = registry;
	b.score = -1;
	rc = saf_idid_each(db, NULL, NULL, consider, &b, err);
	if (rc != AT_OK)
		return rc;
	if (b.score < 0)
		return at_err_setx(err, AT_E_NOTFOUND,
		    "No RACF user ID found for distributed identity '%s' in registry '%s'",
		    user_did, registry);
	*out = b.m;
	return AT_OK;
}

enum at_rc
saf_idid_map(struct saf_db *db, const char *user_did, const char *registry,
    char userid_out[SAF_USERMAP_USER_MAX + 1], struct at_err *err)
{
	struct saf_idid m;
	enum at_rc rc;

	userid_out[0] = '\0';
	rc = saf_idid_best(db, user_did, registry, &m, err);
	if (rc == AT_OK)
		(void)snprintf(userid_out, SAF_USERMAP_USER_MAX + 1, "%s", m.userid);
	return rc;
}
