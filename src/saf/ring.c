/*
 * ring.c - the rings and ring_certs tables: ADDRING, DELRING, CONNECT,
 * REMOVE and LISTRING.  Opening a ring for TLS is in ring_open.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "saf/ring.h"
#include "saf/sqlutil.h"

static const char *const usage_names[] = { "PERSONAL", "CERTAUTH", "SITE" };

const char *
saf_usage_name(enum saf_usage u)
{
	if ((unsigned)u > SAF_USAGE_SITE)
		return "PERSONAL";
	return usage_names[u];
}

static enum saf_usage
usage_parse(const char *s)
{
	if (strcmp(s, "CERTAUTH") == 0)
		return SAF_USAGE_CERTAUTH;
	if (strcmp(s, "SITE") == 0)
		return SAF_USAGE_SITE;
	return SAF_USAGE_PERSONAL;
}

enum at_rc
saf_ring_name_check(const char *name, struct at_err *err)
{
	size_t i, n = strlen(name);

	if (n == 0 || n > SAF_RING_NAME_MAX)
		return at_err_setx(err, AT_E_INPUT,
		    "The ring name must be 1 to %d characters.",
		    SAF_RING_NAME_MAX);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c <= 0x20 || c == 0x7F)
			return at_err_setx(err, AT_E_INPUT,
			    "The ring name '%s' contains a character that is not valid.",
			    name);
	}
	return AT_OK;
}

/* The id of owner's ring name; AT_E_NOTFOUND (IRRD114I) if none. */
static enum at_rc
ring_id(struct saf_db *db, const char *owner, const char *name, int64_t *id,
    struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	enum at_rc rc;
	int row = 0;

	rc = saf_db_prepare(db, "SELECT id FROM rings WHERE owner = ?1 AND name = ?2",
	    &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, owner);
	saf_sql_bind(st, 2, name);
	rc = saf_sql_row(db, st, &row, "reading a key ring", err);
	if (rc == AT_OK && !row)
		rc = at_err_setx(err, AT_E_NOTFOUND,
		    "IRRD114I Ring %s does not exist.", name);
	if (rc == AT_OK)
		*id = sqlite3_column_int64(st, 0);
out:
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_ring_add(struct saf_db *db, const char *owner, const char *name,
    struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	enum at_rc rc;
	int64_t id = 0;

	rc = saf_db_require_txn(db, err);
	if (rc == AT_OK)
		rc = saf_ring_name_check(name, err);
	if (rc != AT_OK)
		return rc;
	rc = ring_id(db, owner, name, &id, err);
	if (rc == AT_OK)
		return at_err_setx(err, AT_E_EXISTS,
		    "Ring %s already exists for user %s. The ring was not added.",
		    name, owner);
	if (rc != AT_E_NOTFOUND)
		return rc;
	rc = saf_db_prepare(db, "INSERT INTO rings (owner, name) VALUES (?1, ?2)",
	    &st, err);
	if (rc == AT_OK) {
		saf_sql_bind(st, 1, owner);
		saf_sql_bind(st, 2, name);
		rc = saf_sql_done(db, st, "adding a key ring", err);
	}
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_ring_delete(struct saf_db *db, const char *owner, const char *name,
    struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	enum at_rc rc;
	int64_t id = 0;

	rc = saf_db_require_txn(db, err);
	if (rc == AT_OK)
		rc = ring_id(db, owner, name, &id, err);
	if (rc == AT_OK)
		rc = saf_db_prepare(db, "DELETE FROM rings WHERE id = ?1", &st, err);
	if (rc == AT_OK) {
		saf_sql_bind_i64(st, 1, id);
		rc = saf_sql_done(db, st, "deleting a key ring", err);
	}
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_ring_connect(struct saf_db *db, const char *ring_owner, const char *ring,
    const char *cert_owner, const char *label, const enum saf_usage *usage,
    bool make_default, struct at_err *err)
{
	struct saf_cert *c = NULL;
	sqlite3_stmt *st = NULL;
	enum saf_usage u;
	enum at_rc rc;
	int64_t rid = 0;

	rc = saf_db_require_txn(db, err);
	if (rc == AT_OK)
		rc = ring_id(db, ring_owner, ring, &rid, err);
	if (rc == AT_OK)
		rc = saf_cert_get(db, cert_owner, label, 0, &c, err);
	if (rc != AT_OK)
		goto out;
	if (usage != NULL)
		u = *usage;
	else if (strcmp(cert_owner, SAF_CERT_OWNER_CERTAUTH) == 0)
		u = SAF_USAGE_CERTAUTH;
	else if (strcmp(cert_owner, SAF_CERT_OWNER_SITE) == 0)
		u = SAF_USAGE_SITE;
	else
		u = SAF_USAGE_PERSONAL;
	if (make_default) {
		rc = saf_db_prepare(db, "UPDATE ring_certs SET is_default = 0"
		    " WHERE ring_id = ?1", &st, err);
		if (rc != AT_OK)
			goto out;
		saf_sql_bind_i64(st, 1, rid);
		rc = saf_sql_done(db, st, "connecting a certificate", err);
		sqlite3_finalize(st);
		st = NULL;
		if (rc != AT_OK)
			goto out;
	}
	rc = saf_db_prepare(db,
	    "INSERT INTO ring_certs (ring_id, cert_id, usage, is_default)"
	    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (ring_id, cert_id) DO UPDATE"
	    " SET usage = excluded.usage,"
	    " is_default = MAX(is_default, excluded.is_default)", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind_i64(st, 1, rid);
	saf_sql_bind_i64(st, 2, c->id);
	saf_sql_bind(st, 3, saf_usage_name(u));
	saf_sql_bind_i64(st, 4, make_default ? 1 : 0);
	rc = saf_sql_done(db, st, "connecting a certificate", err);
out:
	sqlite3_finalize(st);
	saf_cert_free(c);
	return rc;
}

enum at_rc
saf_ring_remove(struct saf_db *db, const char *ring_owner, const char *ring,
    const char *cert_owner, const char *label, struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	enum at_rc rc;
	int64_t rid = 0;

	rc = saf_db_require_txn(db, err);
	if (rc == AT_OK)
		rc = ring_id(db, ring_owner, ring, &rid, err);
	if (rc == AT_OK)
		rc = saf_db_prepare(db, "DELETE FROM ring_certs WHERE ring_id = ?1"
		    " AND cert_id = (SELECT id FROM certificates"
		    " WHERE owner = ?2 AND label = ?3)", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind_i64(st, 1, rid);
	saf_sql_bind(st, 2, cert_owner);
	saf_sql_bind(st, 3, label);
	rc = saf_sql_done(db, st, "removing a certificate", err);
	if (rc == AT_OK && sqlite3_changes(saf_db_sqlite(db)) == 0)
		rc = at_err_setx(err, AT_E_NOTFOUND,
		    "IRRD116I Label %s does not exist in ring %s for user %s.",
		    label, ring, ring_owner);
out:
	sqlite3_finalize(st);
	return rc;
}

void
saf_ring_list_free(struct saf_ring_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		free(l->rings[i].entries);
	free(l->rings);
	free(l);
}

/* Grows an array of n elements of size sz by one; returns the new slot. */
static void *
grow(void **arr, size_t *n, size_t sz)
{
	unsigned char *p;

	if (*n >= SIZE_MAX / sz - 1)
		return NULL;
	p = realloc(*arr, (*n + 1) * sz);
	if (p == NULL)
		return NULL;
	*arr = p;
	memset(p + *n * sz, 0, sz);
	return p + (*n)++ * sz;
}

static enum at_rc
load_entries(struct saf_db *db, int64_t rid, struct saf_ring_info *ri,
    struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	enum at_rc rc;
	int row = 1;

	rc = saf_db_prepare(db,
	    "SELECT c.label, c.owner, rc.usage, rc.is_default"
	    " FROM ring_certs rc JOIN certificates c ON c.id = rc.cert_id"
	    " WHERE rc.ring_id = ?1 ORDER BY rc.rowid", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind_i64(st, 1, rid);
	while (rc == AT_OK) {
		struct saf_ring_entry *e;
		char usage[16];

		rc = saf_sql_row(db, st, &row, "listing a key ring", err);
		if (rc != AT_OK || !row)
			break;
		e = grow((void **)&ri->entries, &ri->n, sizeof(*e));
		if (e == NULL) {
			rc = at_err_setx(err, AT_E_NOMEM, "out of memory");
			break;
		}
		saf_sql_text(st, 0, e->label, sizeof(e->label));
		saf_sql_text(st, 1, e->cert_owner, sizeof(e->cert_owner));
		saf_sql_text(st, 2, usage, sizeof(usage));
		e->usage = usage_parse(usage);
		e->is_default = sqlite3_column_int(st, 3) != 0;
	}
out:
	sqlite3_finalize(st);
	return rc;
}

/* Runs a query giving (id, owner, name) rows into a fresh list. */
static enum at_rc
rings_query(struct saf_db *db, sqlite3_stmt *st, bool with_entries,
    struct saf_ring_list *l, struct at_err *err)
{
	enum at_rc rc = AT_OK;
	int row = 1;

	while (rc == AT_OK) {
		struct saf_ring_info *ri;

		rc = saf_sql_row(db, st, &row, "listing key rings", err);
		if (rc != AT_OK || !row)
			break;
		ri = grow((void **)&l->rings, &l->n, sizeof(*ri));
		if (ri == NULL) {
			rc = at_err_setx(err, AT_E_NOMEM, "out of memory");
			break;
		}
		saf_sql_text(st, 1, ri->owner, sizeof(ri->owner));
		saf_sql_text(st, 2, ri->name, sizeof(ri->name));
		if (with_entries)
			rc = load_entries(db, sqlite3_column_int64(st, 0), ri, err);
	}
	return rc;
}

enum at_rc
saf_ring_list(struct saf_db *db, const char *owner, const char *name,
    struct saf_ring_list **out, struct at_err *err)
{
	struct saf_ring_list *l = NULL;
	sqlite3_stmt *st = NULL;
	bool all = name == NULL || strcmp(name, "*") == 0;
	enum at_rc rc;

	*out = NULL;
	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return at_err_setx(err, AT_E_NOMEM, "out of memory");
	rc = saf_db_prepare(db, all ?
	    "SELECT id, owner, name FROM rings WHERE owner = ?1 ORDER BY name" :
	    "SELECT id, owner, name FROM rings WHERE owner = ?1 AND name = ?2",
	    &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, owner);
	if (!all)
		saf_sql_bind(st, 2, name);
	rc = rings_query(db, st, true, l, err);
	if (rc == AT_OK && l->n == 0)
		rc = all ? at_err_setx(err, AT_E_NOTFOUND,
		    "IRRD115I User %s has no rings.", owner) :
		    at_err_setx(err, AT_E_NOTFOUND,
		    "IRRD114I Ring %s does not exist.", name);
	if (rc == AT_OK) {
		*out = l;
		l = NULL;
	}
out:
	sqlite3_finalize(st);
	saf_ring_list_free(l);
	return rc;
}

enum at_rc
saf_ring_assoc(struct saf_db *db, int64_t cert_id, struct saf_ring_list **out,
    struct at_err *err)
{
	struct saf_ring_list *l = NULL;
	sqlite3_stmt *st = NULL;
	enum at_rc rc;

	*out = NULL;
	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return at_err_setx(err, AT_E_NOMEM, "out of memory");
	rc = saf_db_prepare(db, "SELECT r.id, r.owner, r.name FROM rings r"
	    " JOIN ring_certs rc ON rc.ring_id = r.id WHERE rc.cert_id = ?1"
	    " ORDER BY r.owner, r.name", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind_i64(st, 1, cert_id);
	rc = rings_query(db, st, false, l, err);
	if (rc == AT_OK) {
		*out = l;
		l = NULL;
	}
out:
	sqlite3_finalize(st);
	saf_ring_list_free(l);
	return rc;
}

/* One table line with trailing blanks dropped. */
static enum at_rc
table_line(struct at_buf *out, const char *label, const char *owner,
    const char *usage, const char *dflt)
{
	char line[128];
	int n;

	n = snprintf(line, sizeof(line), "  %-32s   %-12s   %-8s   %s", label,
	    owner, usage, dflt);
	if (n < 0 || (size_t)n >= sizeof(line))
		return AT_E_TOOBIG;
	while (n > 0 && line[n - 1] == ' ')
		line[--n] = '\0';
	return at_buf_printf(out, "%s\n", line);
}

enum at_rc
saf_ring_format(const struct saf_ring_list *l, const char *owner,
    struct at_buf *out, struct at_err *err)
{
	enum at_rc rc;
	size_t i, j;

	rc = at_buf_printf(out, "Digital ring information for user %s:\n\n", owner);
	for (i = 0; rc == AT_OK && i < l->n; i++) {
		const struct saf_ring_info *ri = &l->rings[i];

		rc = at_buf_printf(out, "  Ring:\n       >%s<\n", ri->name);
		if (rc == AT_OK)
			rc = table_line(out, "Certificate Label Name", "Cert Owner",
			    "USAGE", "DEFAULT");
		if (rc == AT_OK)
			rc = table_line(out, "--------------------------------",
			    "------------", "--------", "-------");
		if (rc == AT_OK && ri->n == 0)
			rc = at_buf_printf(out, "  *** No certificates connected ***\n");
		for (j = 0; rc == AT_OK && j < ri->n; j++) {
			const struct saf_ring_entry *e = &ri->entries[j];
			char show[SAF_CERT_OWNER_SHOW_MAX + 1];

			rc = table_line(out, e->label,
			    saf_cert_owner_show(e->cert_owner, show),
			    saf_usage_name(e->usage), e->is_default ? "  YES" : "  NO");
			if (rc == AT_OK && j + 1 < ri->n)
				rc = at_buf_printf(out, "\n");
		}
		if (rc == AT_OK)
			rc = at_buf_printf(out, "\n");
	}
	if (rc != AT_OK)
		return at_err_setx(err, rc, "LISTRING output too long");
	return AT_OK;
}
