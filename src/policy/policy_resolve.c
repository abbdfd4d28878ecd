/*
 * policy_resolve.c - turns the validated model into resolved rules:
 * conditions (address and port sets flattened, cached per statement so
 * shared sets are built once), time conditions, effective actions (cached
 * per group/environment/connection triple), defaults, and search order
 * (descending Priority, ties by rule name in byte order).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "policy/policy_int.h"
#include "policy/policy_settings.h"

#define ERR POLICY_DIAG_ERROR
#define WARN POLICY_DIAG_WARNING
#define DEFAULT_PRIORITY 1

struct rstate {
	struct policy_set *set;
	struct policy_diags *d;
	enum at_rc rc;
};

/* ---- addresses ---------------------------------------------------------- */

struct addr_acc {
	bool any;
	struct policy_addr_range *v;
	size_t n, cap;
};

static bool
acc_add(struct addr_acc *a, const struct policy_addr_range *r)
{
	if (a->n == a->cap) {
		size_t ncap = a->cap == 0 ? 4 : a->cap * 2;
		struct policy_addr_range *nv = realloc(a->v, ncap * sizeof(*nv));

		if (nv == NULL)
			return false;
		a->v = nv;
		a->cap = ncap;
	}
	a->v[a->n++] = *r;
	return true;
}

static bool
collect_addr(struct addr_acc *a, const struct policy_stmt *st, unsigned depth)
{
	size_t i;

	if (st == NULL || depth > 8)
		return true;
	for (i = 0; i < st->nparams; i++) {
		const struct policy_param *p = &st->params[i];

		if (p->kw->kind == K_REF || p->kw->kind == K_INLINE) {
			if (!collect_addr(a, p->target, depth + 1))
				return false;
		} else if (p->kw->kind == K_ADDR) {
			if (p->u.addr.any)
				a->any = true;
			else if (!acc_add(a, &p->u.addr.r))
				return false;
		}
	}
	return true;
}

static const struct policy_addr_cond *
addr_cond(struct rstate *rs, struct policy_stmt *st)
{
	struct addr_acc a = { false, NULL, 0, 0 };
	struct policy_addr_cond *c;

	if (st->cache != NULL)
		return st->cache;
	c = policy_arena_alloc(&rs->set->model.arena, sizeof(*c));
	if (c == NULL || !collect_addr(&a, st, 0))
		goto fail;
	c->any = a.any;
	if (!a.any && a.n > 0) {
		struct policy_addr_range *v = policy_arena_alloc(&rs->set->model.arena,
		    a.n * sizeof(*v));

		if (v == NULL)
			goto fail;
		memcpy(v, a.v, a.n * sizeof(*v));
		c->ranges = v;
		c->n = a.n;
	}
	free(a.v);
	st->cache = c;
	return c;
fail:
	free(a.v);
	rs->rc = AT_E_NOMEM;
	return NULL;
}

/* ---- ports -------------------------------------------------------------- */

static void
collect_port(const struct policy_stmt *st, struct policy_port_range *v, size_t *n,
    size_t cap, bool *any, unsigned depth)
{
	size_t i;

	if (st == NULL || depth > 8)
		return;
	for (i = 0; i < st->nparams; i++) {
		const struct policy_param *p = &st->params[i];

		if (p->kw->kind == K_REF || p->kw->kind == K_INLINE)
			collect_port(p->target, v, n, cap, any, depth + 1);
		else if (p->kw->kind == K_PORT && p->u.port.any)
			*any = true;
		else if (p->kw->kind == K_PORT && v != NULL && *n < cap)
			v[(*n)++] = p->u.port.r;
		else if (p->kw->kind == K_PORT)
			(*n)++;
	}
}

static const struct policy_port_cond *
port_cond(struct rstate *rs, struct policy_stmt *st)
{
	struct policy_port_cond *c;
	struct policy_port_range *v = NULL;
	size_t n = 0, cap;
	bool any = false;

	if (st->cache != NULL)
		return st->cache;
	collect_port(st, NULL, &n, 0, &any, 0);
	cap = n;
	c = policy_arena_alloc(&rs->set->model.arena, sizeof(*c));
	if (cap > 0)
		v = policy_arena_alloc(&rs->set->model.arena, cap * sizeof(*v));
	if (c == NULL || (cap > 0 && v == NULL)) {
		rs->rc = AT_E_NOMEM;
		return NULL;
	}
	n = 0;
	collect_port(st, v, &n, cap, &any, 0);
	c->any = any;
	if (!any) {
		c->ranges = v;
		c->n = n;
	}
	st->cache = c;
	return c;
}

/* ---- time --------------------------------------------------------------- */

static uint64_t
span_mask(unsigned from, unsigned to, unsigned width)
{
	uint64_t m = 0;
	unsigned i = from;

	for (;;) {
		m |= (uint64_t)1 << (i - 1);
		if (i == to)
			break;
		i = i == width ? 1 : i + 1;
	}
	return m;
}

static const struct policy_time_cond *
time_cond(struct rstate *rs, struct policy_stmt *st)
{
	struct policy_time_cond *t;
	unsigned fdow = 0, tdow = 0, fmon = 0, tmon = 0, fdom = 0, tdom = 0;
	size_t i;

	if (st->cache != NULL)
		return st->cache;
	t = policy_arena_alloc(&rs->set->model.arena, sizeof(*t));
	if (t == NULL) {
		rs->rc = AT_E_NOMEM;
		return NULL;
	}
	t->month_mask = 0x0fff;
	t->day_of_month_mask = ((uint64_t)1 << 62) - 1;
	t->day_of_week_mask = 0x7f;
	t->tod_from = 0;
	t->tod_to = 1439;
	for (i = 0; i < st->nparams; i++) {
		const struct policy_param *p = &st->params[i];
		const char *n = p->kw->name;

		switch (p->kw->kind) {
		case K_TOD:
			if (strcmp(n, "FromTimeOfDay") == 0)
				t->tod_from = (uint16_t)p->u.num;
			else
				t->tod_to = (uint16_t)p->u.num;
			break;
		case K_TODRANGE:
			t->tod_from = p->u.tod.from;
			t->tod_to = p->u.tod.to;
			break;
		case K_DOW:
			*(n[0] == 'F' ? &fdow : &tdow) = (unsigned)p->u.num;
			break;
		case K_MONTH:
			*(n[0] == 'F' ? &fmon : &tmon) = (unsigned)p->u.num;
			break;
		case K_DOM:
			*(n[0] == 'F' ? &fdom : &tdom) = (unsigned)p->u.num;
			break;
		case K_TZ:
			t->utc = p->u.num != 0;
			break;
		case K_PERIOD:
			t->has_period = true;
			t->period_from = p->u.period.from;
			t->period_to = p->u.period.to;
			break;
		case K_MASK:
			if (p->kw->max == 12)
				t->month_mask = (uint16_t)p->u.num;
			else if (p->kw->max == 7)
				t->day_of_week_mask = (uint8_t)p->u.num;
			else
				t->day_of_month_mask = p->u.num;
			break;
		default:
			break;
		}
	}
	if (fdow || tdow)
		t->day_of_week_mask = (uint8_t)span_mask(fdow ? fdow : 1, tdow ? tdow : 7, 7);
	if (fmon || tmon)
		t->month_mask = (uint16_t)span_mask(fmon ? fmon : 1, tmon ? tmon : 12, 12);
	if ((fdom || tdom) && (fdom ? fdom : 1) <= 31 && (tdom ? tdom : 31) <= 31)
		t->day_of_month_mask = span_mask(fdom ? fdom : 1, tdom ? tdom : 31, 31);
	else if (fdom || tdom)
		t->day_of_month_mask = span_mask(fdom ? fdom : 32, tdom ? tdom : 62, 62);
	st->cache = t;
	return t;
}

/* ---- actions ------------------------------------------------------------ */

/*
 * Actions are built once per (group, environment, connection) triple; the
 * triples are kept in an open-addressing hash table (NULL env/conn count).
 */
struct action_entry {
	const struct policy_stmt *group, *env, *conn;
	const struct policy_actions *a;
	bool client_auth_given;
};

struct action_cache {
	struct action_entry *v;
	size_t mask;
};

static size_t
triple_hash(const void *g, const void *e, const void *c)
{
	uint64_t h = (uint64_t)(uintptr_t)g * 0x9e3779b97f4a7c15ull;

	h ^= (uint64_t)(uintptr_t)e * 0xc2b2ae3d27d4eb4full;
	h ^= (uint64_t)(uintptr_t)c * 0x165667b19e3779f9ull;
	return (size_t)(h ^ (h >> 29));
}

static const struct policy_actions *
actions_for(struct rstate *rs, struct action_cache *ac, struct policy_stmt *group,
    struct policy_stmt *env, struct policy_stmt *conn, bool *cag)
{
	size_t i = triple_hash(group, env, conn) & ac->mask;
	struct action_entry *en;

	for (; ac->v[i].group != NULL; i = (i + 1) & ac->mask) {
		en = &ac->v[i];
		if (en->group == group && en->env == env && en->conn == conn) {
			*cag = en->client_auth_given;
			return en->a;
		}
	}
	en = &ac->v[i];
	en->a = policy_actions_build(&rs->set->model.arena, group, env, conn,
	    &en->client_auth_given);
	if (en->a == NULL) {
		rs->rc = AT_E_NOMEM;
		return NULL;
	}
	en->group = group;
	en->env = env;
	en->conn = conn;
	*cag = en->client_auth_given;
	return en->a;
}

static void
check_actions(struct rstate *rs, const struct policy_stmt *st, const struct policy_rule *r,
    bool client_auth_given)
{
	const struct policy_actions *a = r->actions;

	if (rs->rc != AT_OK || !a->enabled)
		return;
	if (a->env_name == NULL) {
		rs->rc = policy_diag_at(rs->d, ERR, &st->loc, "TTLSRule %s: its group %s has "
		    "TTLSEnabled On, so it needs a TTLSEnvironmentActionRef", r->name,
		    a->group_name);
		return;
	}
	if (a->protocols == 0) {
		rs->rc = policy_diag_at(rs->d, ERR, &st->loc, "TTLSRule %s: no protocol is "
		    "left On (environment %s%s%s); turn on TLSv1.2 or TLSv1.3", r->name,
		    a->env_name, a->conn_name != NULL ? ", connection " : "",
		    a->conn_name != NULL ? a->conn_name : "");
		return;
	}
	if (client_auth_given && a->role != POLICY_ROLE_SERVER_CLIENT_AUTH)
		rs->rc = policy_diag_at(rs->d, WARN, &st->loc, "TTLSRule %s: ClientAuthType "
		    "has no effect with HandshakeRole %s (only ServerWithClientAuth asks for "
		    "a client certificate)", r->name,
		    a->role == POLICY_ROLE_CLIENT ? "Client" : "Server");
	if (rs->rc == AT_OK)
		rs->rc = policy_check_rule_settings(rs->d, &st->loc, r->name, a);
	if (rs->rc == AT_OK && rs->set->model.warn_zos_defaults)
		rs->rc = policy_check_zos_defaults(rs->d, &st->loc, r->name, a);
}

/* ---- rules -------------------------------------------------------------- */

static const struct policy_param *
last_slot(const struct policy_stmt *st, enum policy_slot slot)
{
	const struct policy_param *found = NULL;
	size_t i;

	for (i = 0; i < st->nparams; i++)
		if (st->params[i].kw->slot == slot)
			found = &st->params[i];
	return found;
}

static const struct policy_param *
last_kw(const struct policy_stmt *st, const char *name)
{
	const struct policy_param *found = NULL;
	size_t i;

	for (i = 0; i < st->nparams; i++)
		if (strcmp(st->params[i].kw->name, name) == 0)
			found = &st->params[i];
	return found;
}

static void
addr_slot(struct rstate *rs, const struct policy_stmt *st, enum policy_slot slot,
    struct policy_addr_cond *out)
{
	const struct policy_param *p = last_slot(st, slot);
	const struct policy_addr_cond *c;

	out->any = true;
	if (p == NULL)
		return;
	if (p->kw->kind == K_ADDR) {
		out->any = p->u.addr.any;
		if (!out->any) {
			out->n = 1;
			out->ranges = &p->u.addr.r;
		}
		return;
	}
	c = addr_cond(rs, p->target);
	if (c != NULL)
		*out = *c;
}

static void
port_slot(struct rstate *rs, const struct policy_stmt *st, enum policy_slot slot,
    struct policy_port_cond *out)
{
	const struct policy_param *p = last_slot(st, slot);
	const struct policy_port_cond *c;

	out->any = true;
	if (p == NULL)
		return;
	if (p->kw->kind == K_PORT) {
		out->any = p->u.port.any;
		if (!out->any) {
			out->n = 1;
			out->ranges = &p->u.port.r;
		}
		return;
	}
	c = port_cond(rs, p->target);
	if (c != NULL)
		*out = *c;
}

static void
name_cond(const struct policy_stmt *st, const char *kw, struct policy_name_cond *out)
{
	const struct policy_param *p = last_kw(st, kw);
	size_t len;

	out->any = true;
	if (p == NULL)
		return;
	len = strlen(p->u.str);
	out->any = false;
	out->wildcard = len > 0 && p->u.str[len - 1] == '*';
	if (out->wildcard && len == 1)
		out->any = true;
	out->len = len;
	memcpy(out->pattern, p->u.str, len + 1);
}

static void
build_rule(struct rstate *rs, struct action_cache *ac, struct policy_stmt *st,
    struct policy_rule *r)
{
	const struct policy_param *p;
	struct policy_stmt *group = NULL, *env = NULL, *conn = NULL;
	bool cag = false;

	r->name = st->name;
	r->file = st->loc.file;
	r->line = st->loc.line;
	r->column = st->loc.col;
	p = last_kw(st, "Priority");
	r->priority_given = p != NULL;
	r->priority = p != NULL ? (uint32_t)p->u.num : DEFAULT_PRIORITY;
	p = last_kw(st, "Direction");
	r->dir = p != NULL ? (enum policy_dir)p->u.num : POLICY_DIR_BOTH;
	addr_slot(rs, st, SLOT_LADDR, &r->laddr);
	addr_slot(rs, st, SLOT_RADDR, &r->raddr);
	port_slot(rs, st, SLOT_LPORT, &r->lport);
	port_slot(rs, st, SLOT_RPORT, &r->rport);
	name_cond(st, "Jobname", &r->jobname);
	name_cond(st, "Userid", &r->userid);
	p = last_slot(st, SLOT_TIME);
	r->time = p != NULL ? time_cond(rs, p->target) : NULL;
	if ((p = last_slot(st, SLOT_GROUP)) != NULL)
		group = p->target;
	if ((p = last_slot(st, SLOT_ENV)) != NULL)
		env = p->target;
	if ((p = last_slot(st, SLOT_CONN)) != NULL)
		conn = p->target;
	if (group == NULL || rs->rc != AT_OK)
		return;
	r->actions = actions_for(rs, ac, group, env, conn, &cag);
	if (r->actions == NULL)
		return;
	r->enabled = r->actions->enabled;
	check_actions(rs, st, r, cag);
}

static int
cmp_rule(const void *a, const void *b)
{
	const struct policy_rule *x = a, *y = b;

	if (x->priority != y->priority)
		return x->priority > y->priority ? -1 : 1;
	return strcmp(x->name, y->name);
}

enum at_rc
policy_resolve(struct policy_set *set, struct policy_diags *diags)
{
	struct rstate rs = { set, diags, AT_OK };
	struct action_cache ac = { NULL, 0 };
	struct policy_stmt *st;
	size_t n = 0, i, size = 16;

	set->rules = NULL;
	set->nrules = 0;
	if (set->model.nrules == 0)
		return AT_OK;
	set->rules = policy_arena_alloc(&set->model.arena,
	    set->model.nrules * sizeof(*set->rules));
	/* At most one triple per rule, so twice the rule count never fills up. */
	while (size < set->model.nrules * 2)
		size *= 2;
	ac.v = calloc(size, sizeof(*ac.v));
	if (set->rules == NULL || ac.v == NULL) {
		free(ac.v);
		return AT_E_NOMEM;
	}
	ac.mask = size - 1;
	for (st = set->model.first; st != NULL && rs.rc == AT_OK; st = st->next) {
		if (st->type != ST_RULE)
			continue;
		build_rule(&rs, &ac, st, &set->rules[n++]);
	}
	free(ac.v);
	set->nrules = n;
	qsort(set->rules, n, sizeof(*set->rules), cmp_rule);
	for (i = 0; i < n; i++)
		set->rules[i].order = (unsigned)i;
	return rs.rc;
}
