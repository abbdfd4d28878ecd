/*
 * policy_validate.c - checks on the parsed model before resolution: global
 * names (duplicates, a hash table so 10,000 rules stay fast), references
 * (defined, of the right type) and the parameters each statement requires.
 * The checks that need resolved rules (never matches, shadowing) are in
 * policy_shadow.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy_int.h"
#include "policy/policy_settings.h"

#define ERR POLICY_DIAG_ERROR
#define WARN POLICY_DIAG_WARNING

struct names {
	struct policy_stmt **slot;
	size_t mask;
};

static uint64_t
hash_name(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

/* The statement named name of type t; *other gets one of another type. */
static struct policy_stmt *
names_find(const struct names *n, const char *name, enum policy_stype t,
    struct policy_stmt **other)
{
	size_t i = (size_t)hash_name(name) & n->mask;

	*other = NULL;
	for (; n->slot[i] != NULL; i = (i + 1) & n->mask) {
		struct policy_stmt *st = n->slot[i];

		if (strcmp(st->name, name) != 0)
			continue;
		if (st->type == t)
			return st;
		if (*other == NULL)
			*other = st;
	}
	return NULL;
}

static void
names_put(struct names *n, struct policy_stmt *st)
{
	size_t i = (size_t)hash_name(st->name) & n->mask;

	while (n->slot[i] != NULL)
		i = (i + 1) & n->mask;
	n->slot[i] = st;
}

struct vstate {
	struct names names;
	struct policy_model *m;
	struct policy_diags *d;
	enum at_rc rc;
	unsigned suggestions;   /* case-insensitive searches done so far */
};

/* At most this many undefined references get a search for a near name. */
#define MAX_SUGGEST 20

/* A global statement of type t whose name equals name but for case. */
static const struct policy_stmt *
case_twin(struct vstate *v, const char *name, enum policy_stype t)
{
	const struct policy_stmt *st;

	if (v->suggestions >= MAX_SUGGEST)
		return NULL;
	v->suggestions++;
	for (st = v->m->first; st != NULL; st = st->next)
		if (st->type == t && at_str_eq_ci(at_str_c(name), st->name))
			return st;
	return NULL;
}

static void report(struct vstate *v, enum policy_diag_severity sev,
    const struct policy_loc *loc, const char *fmt, ...) AT_PRINTF(4, 5);

static void
report(struct vstate *v, enum policy_diag_severity sev, const struct policy_loc *loc,
    const char *fmt, ...)
{
	char msg[POLICY_DIAG_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (v->rc == AT_OK)
		v->rc = policy_diag_at(v->d, sev, loc, "%s", msg);
}

static bool
has_kw(const struct policy_stmt *st, const char *name)
{
	size_t i;

	for (i = 0; i < st->nparams; i++)
		if (strcmp(st->params[i].kw->name, name) == 0)
			return true;
	return false;
}

static bool
has_child(const struct policy_stmt *st, enum policy_stype t)
{
	size_t i;

	for (i = 0; i < st->nparams; i++)
		if ((st->params[i].kw->kind == K_REF || st->params[i].kw->kind == K_INLINE) &&
		    st->params[i].kw->child == t)
			return true;
	return false;
}

static bool
has_condition(const struct policy_stmt *st)
{
	size_t i;

	for (i = 0; i < st->nparams; i++) {
		const struct policy_kw *k = st->params[i].kw;

		if ((k->slot != SLOT_NONE && k->slot < SLOT_GROUP) || k->kind == K_JOB)
			return true;
	}
	return false;
}

static void
check_required(struct vstate *v, struct policy_stmt *st)
{
	const char *tn = policy_stype_name(st->type);
	const char *nm = st->name != NULL ? st->name : "(inline)";

	switch (st->type) {
	case ST_RULE:
		if (!has_kw(st, "Direction"))
			report(v, ERR, &st->loc, "%s %s has no Direction (Inbound, Outbound or "
			    "Both)%s", tn, nm, "");
		if (!has_kw(st, "TTLSGroupActionRef"))
			report(v, ERR, &st->loc, "%s %s has no TTLSGroupActionRef%s", tn, nm, "");
		if (!has_condition(st))
			report(v, ERR, &st->loc, "%s %s has no condition besides Direction; "
			    "add one (LocalPortRange 0 or LocalAddr All to match %s)", tn, nm,
			    "every connection");
		break;
	case ST_GROUP:
		if (!has_kw(st, "TTLSEnabled"))
			report(v, ERR, &st->loc, "%s %s has no TTLSEnabled (On or Off)%s", tn, nm,
			    "");
		break;
	case ST_ENV:
		if (!has_kw(st, "HandshakeRole"))
			report(v, ERR, &st->loc, "%s %s has no HandshakeRole (Client, Server or "
			    "ServerWithClientAuth)%s", tn, nm, "");
		if (!has_child(st, ST_KEYRING))
			report(v, ERR, &st->loc, "%s %s has no key ring (TTLSKeyringParms or "
			    "TTLSKeyringParmsRef)%s", tn, nm, "");
		break;
	case ST_KEYRING:
		if (!has_kw(st, "Keyring"))
			report(v, ERR, &st->loc, "%s %s has no Keyring%s", tn, nm, "");
		break;
	case ST_IPADDR:
		if (!has_kw(st, "Addr"))
			report(v, ERR, &st->loc, "%s %s has no Addr%s", tn, nm, "");
		break;
	case ST_PORTRANGE:
		if (!has_kw(st, "Port"))
			report(v, ERR, &st->loc, "%s %s has no Port%s", tn, nm, "");
		break;
	case ST_IPADDRSET:
	case ST_IPADDRGROUP:
	case ST_PORTGROUP:
		if (st->nparams == 0)
			report(v, WARN, &st->loc, "%s %s is empty; a rule that uses it never "
			    "matches%s", tn, nm, "");
		break;
	default:
		break;
	}
}

/*
 * An action (or a parameter block) holds one statement of each type; a
 * second one, Ref or inline, replaces the first whole rather than adding
 * to it, as z/OS installs it.  Address and port groups collect theirs.
 */
static void
check_replaced(struct vstate *v, const struct policy_stmt *st)
{
	size_t i;

	if (st->type == ST_RULE || st->type == ST_IPADDRGROUP || st->type == ST_PORTGROUP)
		return;
	for (i = 0; i < st->nparams; i++) {
		const struct policy_param *p = &st->params[i], *w;

		if (p->kw->kind != K_REF && p->kw->kind != K_INLINE)
			continue;
		w = policy_child_winner(st, p->kw->child);
		if (w == p)
			continue;
		if (p->kw->kind == K_REF)
			report(v, WARN, &p->loc, "%s %s is not used: the %s%s on line %u "
			    "replaces it whole (none of its parameters apply here), as z/OS "
			    "installs it", p->kw->name, p->u.str, w->kw->name,
			    w->kw->kind == K_INLINE ? " block" : "", w->loc.line);
		else
			report(v, WARN, &p->loc, "this %s block is not used: the one on line "
			    "%u replaces it whole, as z/OS installs it", p->kw->name,
			    w->loc.line);
	}
}

static void
check_refs(struct vstate *v, struct policy_stmt *st)
{
	size_t i;

	/* A refused value was reported; "missing" would only repeat it. */
	if (!st->invalid)
		check_required(v, st);
	check_replaced(v, st);
	for (i = 0; i < st->nparams; i++) {
		struct policy_param *p = &st->params[i];
		struct policy_stmt *found, *other;

		if (p->kw->kind == K_INLINE) {
			check_refs(v, p->target);
			continue;
		}
		if (p->kw->kind != K_REF) {
			if (v->rc == AT_OK)
				v->rc = policy_check_param(v->d, st, p);
			continue;
		}
		found = names_find(&v->names, p->u.str, p->kw->child, &other);
		if (found != NULL) {
			p->target = found;
			found->used = true;
		} else if (other != NULL) {
			char where[POLICY_DIAG_MSG_MAX / 2];

			(void)snprintf(where, sizeof(where), "%s (%s:%u)",
			    policy_stype_name(other->type), other->loc.file, other->loc.line);
			if (v->rc == AT_OK)
				v->rc = policy_diag_at(v->d, ERR, &p->vloc,
				    "%s '%s' names a %s; it must name a statement of type %s", p->kw->name, p->u.str, where,
				    policy_stype_name(p->kw->child));
		} else {
			const struct policy_stmt *twin = case_twin(v, p->u.str, p->kw->child);

			if (twin != NULL)
				report(v, ERR, &p->vloc, "%s: no %s named '%s' is defined; did you "
				    "mean '%s' (names are case-sensitive)?", p->kw->name,
				    policy_stype_name(p->kw->child), p->u.str, twin->name);
			else
				report(v, ERR, &p->vloc, "%s: no %s named '%s' is defined",
				    p->kw->name, policy_stype_name(p->kw->child), p->u.str);
		}
	}
}

enum at_rc
policy_validate_model(struct policy_model *m, struct policy_diags *diags)
{
	struct vstate v;
	struct policy_stmt *st, *other, *dup;
	size_t size = 16;

	memset(&v, 0, sizeof(v));
	v.d = diags;
	v.m = m;
	while (size < m->nglobal * 2 + 2)
		size *= 2;
	v.names.slot = calloc(size, sizeof(*v.names.slot));
	if (v.names.slot == NULL)
		return AT_E_NOMEM;
	v.names.mask = size - 1;
	for (st = m->first; st != NULL && v.rc == AT_OK; st = st->next) {
		dup = names_find(&v.names, st->name, st->type, &other);
		if (dup != NULL) {
			char first[POLICY_DIAG_MSG_MAX / 2];

			(void)snprintf(first, sizeof(first), "%s:%u", dup->loc.file,
			    dup->loc.line);
			report(&v, ERR, &st->loc, "duplicate %s '%s' (first defined at %s)",
			    policy_stype_name(st->type), st->name, first);
			continue;
		}
		names_put(&v.names, st);
	}
	for (st = m->first; st != NULL && v.rc == AT_OK; st = st->next)
		check_refs(&v, st);
	free(v.names.slot);
	return v.rc;
}
