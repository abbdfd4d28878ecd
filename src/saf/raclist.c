/* raclist.c - in-storage copies of RACLISTed classes (see raclist.h). */
#include "saf/raclist.h"

#include <stdlib.h>
#include <string.h>

#include "saf/match.h"
#include "saf/sqlutil.h"

/* One class's copy. */
struct rl_class {
	char name[SAF_NAME_MAX + 1];
	uint64_t generation;
	size_t nprof;
	struct saf_rl_profile *prof; /* discrete first, sorted by name */
	size_t ndiscrete;
};

struct saf_raclist {
	size_t n;
	struct rl_class *cls;
	uint64_t builds;
};

static void
class_clear(struct rl_class *c)
{
	size_t i;

	for (i = 0; i < c->nprof; i++)
		free(c->prof[i].acl);
	free(c->prof);
	c->prof = NULL;
	c->nprof = c->ndiscrete = 0;
}

void
saf_raclist_free(struct saf_raclist *rl)
{
	size_t i;

	if (rl == NULL)
		return;
	for (i = 0; i < rl->n; i++)
		class_clear(&rl->cls[i]);
	free(rl->cls);
	free(rl);
}

static int
prof_cmp(const void *a, const void *b)
{
	const struct saf_rl_profile *x = a, *y = b;

	if (x->generic != y->generic)
		return x->generic ? 1 : -1;
	return strcmp(x->name, y->name);
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct saf_rl_entry *)a)->id,
	    ((const struct saf_rl_entry *)b)->id);
}

/* Reads the profiles of class name into c (empty on entry). */
static enum at_rc
load_profiles(struct saf_db *db, struct rl_class *c, struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	enum at_rc rc;
	int row = 0;

	rc = saf_db_prepare(db, "SELECT name, generic, uacc, warning FROM "
	    "raclist_profiles WHERE class = ?", &st, err);
	if (rc != AT_OK)
		return rc;
	saf_sql_bind(st, 1, c->name);
	for (;;) {
		struct saf_rl_profile *p;

		rc = saf_sql_row(db, st, &row, "loading a RACLISTed class",
		    err);
		if (rc != AT_OK || !row)
			break;
		if (c->nprof == cap) {
			size_t ncap = cap == 0 ? 16 : cap * 2;
			void *np = realloc(c->prof, ncap * sizeof(*c->prof));

			if (np == NULL) {
				rc = at_err_setx(err, AT_E_NOMEM, "loading "
				    "RACLISTed class %s: out of memory",
				    c->name);
				break;
			}
			c->prof = np;
			cap = ncap;
		}
		p = &c->prof[c->nprof++];
		memset(p, 0, sizeof(*p));
		saf_sql_text(st, 0, p->name, sizeof(p->name));
		p->generic = sqlite3_column_int(st, 1) != 0;
		p->uacc = (enum saf_access)sqlite3_column_int(st, 2);
		p->warning = sqlite3_column_int(st, 3) != 0;
		if (!p->generic)
			c->ndiscrete++;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Reads every access list of class c and hangs each on its profile. */
static enum at_rc
load_acls(struct saf_db *db, struct rl_class *c, struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	char pname[SAF_PROFILE_MAX + 1];
	enum at_rc rc;
	size_t i;
	int row = 0, generic;

	rc = saf_db_prepare(db, "SELECT p.name, p.generic, a.id, a.access "
	    "FROM raclist_acl a JOIN raclist_profiles p ON p.class = a.class "
	    "AND p.pid = a.pid WHERE a.class = ?", &st, err);
	if (rc != AT_OK)
		return rc;
	saf_sql_bind(st, 1, c->name);
	for (;;) {
		struct saf_rl_profile key, *p;
		struct saf_rl_entry *e;
		void *np;

		rc = saf_sql_row(db, st, &row, "loading a RACLISTed class",
		    err);
		if (rc != AT_OK || !row)
			break;
		saf_sql_text(st, 0, pname, sizeof(pname));
		generic = sqlite3_column_int(st, 1);
		memset(&key, 0, sizeof(key));
		memcpy(key.name, pname, sizeof(key.name));
		key.generic = generic != 0;
		p = c->nprof > 0 ? bsearch(&key, c->prof, c->nprof,
		    sizeof(*c->prof), prof_cmp) : NULL;
		if (p == NULL)
			continue;
		np = realloc(p->acl, (p->nacl + 1) * sizeof(*p->acl));
		if (np == NULL) {
			rc = at_err_setx(err, AT_E_NOMEM, "loading RACLISTed "
			    "class %s: out of memory", c->name);
			break;
		}
		p->acl = np;
		e = &p->acl[p->nacl++];
		memset(e, 0, sizeof(*e));
		saf_sql_text(st, 2, e->id, sizeof(e->id));
		e->access = (enum saf_access)sqlite3_column_int(st, 3);
	}
	sqlite3_finalize(st);
	for (i = 0; rc == AT_OK && i < c->nprof; i++)
		if (c->prof[i].nacl > 1)
			qsort(c->prof[i].acl, c->prof[i].nacl,
			    sizeof(*c->prof[i].acl), entry_cmp);
	return rc;
}

/* Builds the copy of class sc into c. */
static enum at_rc
build(struct saf_db *db, const struct saf_class *sc, struct rl_class *c,
    struct at_err *err)
{
	enum at_rc rc;

	class_clear(c);
	memcpy(c->name, sc->name, sizeof(c->name));
	rc = load_profiles(db, c, err);
	if (rc == AT_OK && c->nprof > 1)
		qsort(c->prof, c->nprof, sizeof(*c->prof), prof_cmp);
	if (rc == AT_OK)
		rc = load_acls(db, c, err);
	if (rc != AT_OK) {
		/* Never decide from half a copy: the next call retries. */
		class_clear(c);
		c->name[0] = '\0';
		return rc;
	}
	c->generation = sc->generation;
	return AT_OK;
}

/* The copy of class sc, built or rebuilt as needed. */
static enum at_rc
copy_of(struct saf_db *db, const struct saf_class *sc, struct rl_class **out,
    struct at_err *err)
{
	struct saf_raclist **rlp = saf_db_raclist(db), *rl = *rlp;
	struct rl_class *c = NULL;
	enum at_rc rc;
	size_t i;

	*out = NULL;
	if (rl == NULL) {
		rl = calloc(1, sizeof(*rl));
		if (rl == NULL) {
			/* AT_E_NOMEM by name: *out stays NULL only on an
			 * error, which the analyser cannot see through
			 * at_err_setx. */
			(void)at_err_setx(err, AT_E_NOMEM,
			    "RACLIST: out of memory");
			return AT_E_NOMEM;
		}
		*rlp = rl;
	}
	for (i = 0; i < rl->n; i++)
		if (strcmp(rl->cls[i].name, sc->name) == 0 ||
		    (c == NULL && rl->cls[i].name[0] == '\0'))
			c = &rl->cls[i];
	if (c != NULL && strcmp(c->name, sc->name) == 0 &&
	    c->generation == sc->generation) {
		*out = c;
		return AT_OK;
	}
	if (c == NULL) {
		void *np = realloc(rl->cls, (rl->n + 1) * sizeof(*rl->cls));

		if (np == NULL) {
			(void)at_err_setx(err, AT_E_NOMEM,
			    "RACLIST: out of memory");
			return AT_E_NOMEM;
		}
		rl->cls = np;
		c = &rl->cls[rl->n++];
		memset(c, 0, sizeof(*c));
	}
	rc = build(db, sc, c, err);
	if (rc == AT_OK) {
		rl->builds++;
		*out = c;
	}
	return rc;
}

enum at_rc
saf_raclist_find(struct saf_db *db, const struct saf_class *sc, const char *r,
    const struct saf_rl_profile **out, struct at_err *err)
{
	struct saf_rl_profile key;
	const struct saf_rl_profile *best = NULL;
	struct rl_class *c;
	enum at_rc rc;
	size_t i;

	*out = NULL;
	rc = copy_of(db, sc, &c, err);
	if (rc != AT_OK)
		return rc;
	memset(&key, 0, sizeof(key));
	if (strlen(r) >= sizeof(key.name))
		return AT_OK;
	memcpy(key.name, r, strlen(r) + 1);
	if (c->ndiscrete > 0)
		*out = bsearch(&key, c->prof, c->ndiscrete, sizeof(*c->prof),
		    prof_cmp);
	if (*out != NULL || !sc->generic)
		return AT_OK;
	for (i = c->ndiscrete; i < c->nprof; i++) {
		if (!saf_generic_match(c->prof[i].name, r))
			continue;
		if (best != NULL && saf_generic_cmp(c->prof[i].name,
		    best->name) <= 0)
			continue;
		best = &c->prof[i];
	}
	*out = best;
	return AT_OK;
}

int
saf_rl_entry_access(const struct saf_rl_profile *p, const char *id)
{
	struct saf_rl_entry key, *e;

	memset(&key, 0, sizeof(key));
	if (strlen(id) >= sizeof(key.id))
		return -1;
	memcpy(key.id, id, strlen(id) + 1);
	if (p->nacl == 0)
		return -1;
	e = bsearch(&key, p->acl, p->nacl, sizeof(*p->acl), entry_cmp);
	return e != NULL ? (int)e->access : -1;
}

uint64_t
saf_raclist_builds(struct saf_db *db)
{
	struct saf_raclist *rl = *saf_db_raclist(db);

	return rl != NULL ? rl->builds : 0;
}
