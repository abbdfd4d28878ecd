/*
 * match_cond.c - what it means for a rule to match a connection: one
 * function per condition, the time condition, and the linear search in
 * search order that defines the answer (match.h states the semantics).
 * The index in match.c calls the same predicate on its candidates.
 */
#include "policy/match.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

static int
upc(int ch)
{
	return ch >= 'a' && ch <= 'z' ? ch - ('a' - 'A') : ch;
}

static bool
addr_ok(const struct policy_addr_cond *ac, int family, const uint8_t a[16])
{
	size_t i;

	if (ac->any || ac->n == 0)
		return true;
	for (i = 0; i < ac->n; i++) {
		const struct policy_addr_range *r = &ac->ranges[i];

		if (r->family == family && memcmp(a, r->lo, 16) >= 0 &&
		    memcmp(a, r->hi, 16) <= 0)
			return true;
	}
	return false;
}

static bool
port_ok(const struct policy_port_cond *pc, uint16_t port)
{
	size_t i;

	if (pc->any || pc->n == 0)
		return true;
	for (i = 0; i < pc->n; i++)
		if (port >= pc->ranges[i].lo && port <= pc->ranges[i].hi)
			return true;
	return false;
}

static bool
name_ok(const struct policy_name_cond *nc, const char *v)
{
	size_t i, need;

	if (nc->any)
		return true;
	if (v == NULL || v[0] == '\0' || nc->len > POLICY_ID_MAX)
		return false;
	need = nc->wildcard && nc->len > 0 ? nc->len - 1 : nc->len;
	for (i = 0; i < need; i++)
		if (v[i] == '\0' || upc((unsigned char)v[i]) != upc((unsigned char)nc->pattern[i]))
			return false;
	return nc->wildcard || v[need] == '\0';
}

static int
days_in_month(int year, int mon)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return mon == 1 && leap ? 29 : days[mon];
}

bool
policy_time_allows(const struct policy_time_cond *t, time_t now)
{
	struct tm tm;
	int mins, from_end;
	bool by_start, by_end;

	if (t == NULL)
		return true;
	if (t->has_period && (now < t->period_from || now > t->period_to))
		return false;
	if ((t->utc ? gmtime_r(&now, &tm) : localtime_r(&now, &tm)) == NULL)
		return false;
	if ((t->month_mask & (1u << tm.tm_mon)) == 0)
		return false;
	from_end = days_in_month(tm.tm_year + 1900, tm.tm_mon) - tm.tm_mday + 1;
	by_start = (t->day_of_month_mask >> (tm.tm_mday - 1)) & 1u;
	by_end = (t->day_of_month_mask >> (31 + from_end - 1)) & 1u;
	if (!by_start && !by_end)
		return false;
	if ((t->day_of_week_mask & (1u << tm.tm_wday)) == 0)
		return false;
	mins = tm.tm_hour * 60 + tm.tm_min;
	if (t->tod_from <= t->tod_to)
		return mins >= t->tod_from && mins <= t->tod_to;
	return mins >= t->tod_from || mins <= t->tod_to;
}

enum policy_cond
policy_rule_first_failure(const struct policy_rule *r, const struct policy_conn *c)
{
	if (r->dir != POLICY_DIR_BOTH && r->dir != c->dir)
		return POLICY_COND_DIRECTION;
	if (!addr_ok(&r->laddr, c->family, c->laddr))
		return POLICY_COND_LADDR;
	if (!addr_ok(&r->raddr, c->family, c->raddr))
		return POLICY_COND_RADDR;
	if (!port_ok(&r->lport, c->lport))
		return POLICY_COND_LPORT;
	if (!port_ok(&r->rport, c->rport))
		return POLICY_COND_RPORT;
	if (!name_ok(&r->jobname, c->jobname))
		return POLICY_COND_JOBNAME;
	if (!name_ok(&r->userid, c->userid))
		return POLICY_COND_USERID;
	if (!policy_time_allows(r->time, c->now))
		return POLICY_COND_TIME;
	return POLICY_COND_NONE;
}

bool
policy_rule_matches(const struct policy_rule *r, const struct policy_conn *c)
{
	return policy_rule_first_failure(r, c) == POLICY_COND_NONE;
}

const char *
policy_cond_name(enum policy_cond cond)
{
	static const char *const names[] = {
		[POLICY_COND_NONE] = "",
		[POLICY_COND_DIRECTION] = "direction",
		[POLICY_COND_LADDR] = "local address",
		[POLICY_COND_RADDR] = "remote address",
		[POLICY_COND_LPORT] = "local port",
		[POLICY_COND_RPORT] = "remote port",
		[POLICY_COND_JOBNAME] = "jobname",
		[POLICY_COND_USERID] = "userid",
		[POLICY_COND_TIME] = "time",
	};

	if ((size_t)cond >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[cond];
}

const struct policy_rule *
policy_match_linear(const struct policy_rule *const *rules, size_t n,
    const struct policy_conn *c)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (policy_rule_matches(rules[i], c))
			return rules[i];
	return NULL;
}
