/*
 * policy_shadow.c - checks on resolved rules: a rule that can never match
 * (an empty address or port set, or IPv4-only local and IPv6-only remote
 * addresses), and a rule that is completely shadowed by one tried before
 * it (every condition of the earlier rule is a superset of the later
 * rule's).
 *
 * Bounded work: earlier rules are kept in buckets by which conditions they
 * constrain; only buckets whose conditions are a subset of the later
 * rule's can shadow it, and at most SHADOW_CAP candidates are compared per
 * rule, so a 10,000-rule policy stays fast.  A shadowing rule beyond the
 * cap is not reported (documented).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "policy/policy_int.h"

#define WARN POLICY_DIAG_WARNING
#define SHADOW_CAP 64
#define NSIG 256
/* Address sets are compared pairwise; bigger pairs are not compared. */
#define PAIR_CAP 4096

static bool
range_in(const struct policy_addr_range *in, const struct policy_addr_cond *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->ranges[i].family == in->family &&
		    memcmp(c->ranges[i].lo, in->lo, 16) <= 0 &&
		    memcmp(c->ranges[i].hi, in->hi, 16) >= 0)
			return true;
	return false;
}

static bool
addr_covers(const struct policy_addr_cond *a, const struct policy_addr_cond *b)
{
	size_t i;

	if (a->any)
		return true;
	if (b->any || a->n * b->n > PAIR_CAP)
		return false;
	for (i = 0; i < b->n; i++)
		if (!range_in(&b->ranges[i], a))
			return false;
	return true;
}

static bool
port_covers(const struct policy_port_cond *a, const struct policy_port_cond *b)
{
	size_t i, j;

	if (a->any)
		return true;
	if (b->any || a->n * b->n > PAIR_CAP)
		return false;
	for (i = 0; i < b->n; i++) {
		bool in = false;

		for (j = 0; j < a->n && !in; j++)
			in = a->ranges[j].lo <= b->ranges[i].lo && a->ranges[j].hi >= b->ranges[i].hi;
		if (!in)
			return false;
	}
	return true;
}

static bool
name_covers(const struct policy_name_cond *a, const struct policy_name_cond *b)
{
	if (a->any)
		return true;
	if (b->any)
		return false;
	if (!a->wildcard)
		return !b->wildcard && strcmp(a->pattern, b->pattern) == 0;
	return b->len >= a->len - 1 && memcmp(a->pattern, b->pattern, a->len - 1) == 0 &&
	    (b->wildcard ? b->len >= a->len : true);
}

static bool
covers(const struct policy_rule *a, const struct policy_rule *b)
{
	/* Cheapest tests first: most candidates fail on a port or a name. */
	return (a->dir == POLICY_DIR_BOTH || a->dir == b->dir) &&
	    (a->time == NULL || a->time == b->time) &&
	    port_covers(&a->lport, &b->lport) && port_covers(&a->rport, &b->rport) &&
	    name_covers(&a->jobname, &b->jobname) && name_covers(&a->userid, &b->userid) &&
	    addr_covers(&a->laddr, &b->laddr) && addr_covers(&a->raddr, &b->raddr);
}

static unsigned
signature(const struct policy_rule *r)
{
	return (r->dir != POLICY_DIR_BOTH ? 1u : 0u) | (!r->laddr.any ? 2u : 0u) |
	    (!r->raddr.any ? 4u : 0u) | (!r->lport.any ? 8u : 0u) |
	    (!r->rport.any ? 16u : 0u) | (!r->jobname.any ? 32u : 0u) |
	    (!r->userid.any ? 64u : 0u) | (r->time != NULL ? 128u : 0u);
}

static int
only_family(const struct policy_addr_cond *c)
{
	size_t i;
	int fam = 0;

	if (c->any || c->n == 0)
		return 0;
	for (i = 0; i < c->n; i++) {
		if (fam != 0 && c->ranges[i].family != fam)
			return 0;
		fam = c->ranges[i].family;
	}
	return fam;
}

static enum at_rc
never_matches(const struct policy_rule *r, struct policy_diags *d)
{
	struct policy_loc loc = { r->file, r->line, r->column };
	int lf = only_family(&r->laddr), rf = only_family(&r->raddr);

	if ((!r->laddr.any && r->laddr.n == 0) || (!r->raddr.any && r->raddr.n == 0) ||
	    (!r->lport.any && r->lport.n == 0) || (!r->rport.any && r->rport.n == 0))
		return policy_diag_at(d, WARN, &loc, "TTLSRule %s can never match: one of its "
		    "address or port sets is empty", r->name);
	if (lf != 0 && rf != 0 && lf != rf)
		return policy_diag_at(d, WARN, &loc, "TTLSRule %s can never match: its local "
		    "addresses are all %s and its remote addresses all %s", r->name,
		    lf == AF_INET ? "IPv4" : "IPv6", rf == AF_INET ? "IPv4" : "IPv6");
	return AT_OK;
}

enum at_rc
policy_validate_rules(struct policy_set *set, struct policy_diags *diags)
{
	size_t *bucket[NSIG];
	size_t blen[NSIG], bcap[NSIG];
	enum at_rc rc = AT_OK;
	size_t i, j;

	memset(bucket, 0, sizeof(bucket));
	memset(blen, 0, sizeof(blen));
	memset(bcap, 0, sizeof(bcap));
	for (i = 0; i < set->nrules && rc == AT_OK; i++) {
		const struct policy_rule *b = &set->rules[i];
		unsigned sig = signature(b), s = sig;
		size_t budget = SHADOW_CAP;
		const struct policy_rule *by = NULL;

		rc = never_matches(b, diags);
		for (;;) {
			for (j = 0; j < blen[s] && budget > 0 && by == NULL; j++, budget--)
				if (covers(&set->rules[bucket[s][j]], b))
					by = &set->rules[bucket[s][j]];
			if (s == 0 || by != NULL || budget == 0)
				break;
			s = (s - 1) & sig;
		}
		if (by != NULL && rc == AT_OK) {
			struct policy_loc loc = { b->file, b->line, b->column };

			rc = policy_diag_at(diags, WARN, &loc, "TTLSRule %s is never used: "
			    "TTLSRule %s (%s:%u, priority %u) is tried first and matches every "
			    "connection it would", b->name, by->name, by->file, by->line,
			    by->priority);
		}
		if (blen[sig] == bcap[sig]) {
			size_t ncap = bcap[sig] == 0 ? 16 : bcap[sig] * 2;
			size_t *nv = realloc(bucket[sig], ncap * sizeof(*nv));

			if (nv == NULL) {
				rc = AT_E_NOMEM;
				break;
			}
			bucket[sig] = nv;
			bcap[sig] = ncap;
		}
		bucket[sig][blen[sig]++] = i;
	}
	for (i = 0; i < NSIG; i++)
		free(bucket[i]);
	return rc;
}
