/*
 * policy_format.c - text and JSON renderings of a resolved rule's
 * conditions and actions (used by `attls policy show` and `explain`).  The
 * text form follows the "Keyword: value" layout of z/OS pasearch.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "policy/policy_int.h"

struct emit {
	struct at_buf *out;
	bool json;
	bool first;
	enum at_rc rc;
	const char *indent;
};

static void
put(struct emit *e, const char *s, size_t n)
{
	if (e->rc == AT_OK)
		e->rc = at_buf_append(e->out, s, n);
}

static void
puts_json(struct emit *e, const char *s)
{
	char esc[8];

	put(e, "\"", 1);
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\') {
			esc[0] = '\\';
			esc[1] = (char)ch;
			put(e, esc, 2);
		} else if (ch < 0x20 || ch >= 0x7f) {
			(void)snprintf(esc, sizeof(esc), "\\u%04x", ch);
			put(e, esc, 6);
		} else {
			put(e, s, 1);
		}
	}
	put(e, "\"", 1);
}

/* One key with a string value (quoted in JSON unless raw). */
static void
kv(struct emit *e, const char *key, const char *val, bool raw)
{
	if (e->json) {
		put(e, e->first ? "" : ",", e->first ? 0 : 1);
		e->first = false;
		puts_json(e, key);
		put(e, ":", 1);
		if (val == NULL)
			put(e, "null", 4);
		else if (raw)
			put(e, val, strlen(val));
		else
			puts_json(e, val);
		return;
	}
	put(e, e->indent, strlen(e->indent));
	put(e, key, strlen(key));
	put(e, ": ", 2);
	put(e, val != NULL ? val : "(none)", strlen(val != NULL ? val : "(none)"));
	put(e, "\n", 1);
}

static void
kv_num(struct emit *e, const char *key, unsigned long v)
{
	char b[32];

	(void)snprintf(b, sizeof(b), "%lu", v);
	kv(e, key, b, true);
}

/* A list of items as one value: "a, b" in text, ["a","b"] in JSON. */
struct list {
	char buf[4096];
	size_t used;
	bool truncated;
};

static void
list_add(struct list *l, const char *item, bool json)
{
	int n;

	if (l->truncated)
		return;
	n = snprintf(l->buf + l->used, sizeof(l->buf) - l->used, json ? "%s\"%s\"" : "%s%s",
	    l->used > (json ? 1u : 0u) ? (json ? "," : " ") : "", item);
	if (n < 0 || (size_t)n >= sizeof(l->buf) - l->used - 2) {
		l->truncated = true;
		return;
	}
	l->used += (size_t)n;
}

static void
list_begin(struct list *l, bool json)
{
	l->used = 0;
	l->truncated = false;
	l->buf[0] = '\0';
	if (json) {
		l->buf[0] = '[';
		l->buf[1] = '\0';
		l->used = 1;
	}
}

static void
list_end(struct emit *e, struct list *l, const char *key)
{
	if (e->json) {
		l->buf[l->used] = ']';
		l->buf[l->used + 1] = '\0';
	}
	if (l->truncated && e->rc == AT_OK)
		e->rc = AT_E_TOOBIG;
	kv(e, key, e->json || l->used > 0 ? l->buf : "(none)", e->json);
}

static void
addr_text(const struct policy_addr_range *r, char *out, size_t outsz)
{
	char lo[INET6_ADDRSTRLEN], hi[INET6_ADDRSTRLEN];
	int af = r->family == AF_INET ? AF_INET : AF_INET6;
	const uint8_t *plo = af == AF_INET ? r->lo + 12 : r->lo;
	const uint8_t *phi = af == AF_INET ? r->hi + 12 : r->hi;
	unsigned bits = af == AF_INET ? 32 : 128, pfx = 0, i;
	bool is_prefix = true;

	if (inet_ntop(af, plo, lo, sizeof(lo)) == NULL || inet_ntop(af, phi, hi, sizeof(hi)) == NULL) {
		(void)snprintf(out, outsz, "?");
		return;
	}
	/* A prefix: lo and hi agree on the first pfx bits, then lo is 0s and hi 1s. */
	for (i = 0; i < bits; i++) {
		unsigned byte = i / 8, bit = 0x80u >> (i % 8);
		bool a = (plo[byte] & bit) != 0, b = (phi[byte] & bit) != 0;

		if (a == b && pfx == i)
			pfx++;
		else if (!(!a && b))
			is_prefix = false;
	}
	if (pfx == bits)
		(void)snprintf(out, outsz, "%s", lo);
	else if (is_prefix)
		(void)snprintf(out, outsz, "%s/%u", lo, pfx);
	else
		(void)snprintf(out, outsz, "%s-%s", lo, hi);
}

static void
addr_cond(struct emit *e, const char *key, const struct policy_addr_cond *c)
{
	struct list l;
	char one[2 * INET6_ADDRSTRLEN + 8];
	size_t i;

	if (c->any) {
		kv(e, key, "All", false);
		return;
	}
	list_begin(&l, e->json);
	for (i = 0; i < c->n; i++) {
		addr_text(&c->ranges[i], one, sizeof(one));
		list_add(&l, one, e->json);
	}
	list_end(e, &l, key);
}

static void
port_cond(struct emit *e, const char *key, const struct policy_port_cond *c)
{
	struct list l;
	char one[16];
	size_t i;

	if (c->any) {
		kv(e, key, "All", false);
		return;
	}
	list_begin(&l, e->json);
	for (i = 0; i < c->n; i++) {
		if (c->ranges[i].lo == c->ranges[i].hi)
			(void)snprintf(one, sizeof(one), "%u", c->ranges[i].lo);
		else
			(void)snprintf(one, sizeof(one), "%u-%u", c->ranges[i].lo, c->ranges[i].hi);
		list_add(&l, one, e->json);
	}
	list_end(e, &l, key);
}

static void
begin(struct emit *e, struct at_buf *out, bool json, const char *indent)
{
	e->out = out;
	e->json = json;
	e->first = true;
	e->rc = AT_OK;
	e->indent = indent;
	if (json)
		put(e, "{", 1);
}

static enum at_rc
end(struct emit *e, struct at_err *err)
{
	if (e->json)
		put(e, "}", 1);
	if (e->rc != AT_OK)
		at_err_setx(err, e->rc, "the formatted policy does not fit its buffer");
	return e->rc;
}

enum at_rc
policy_rule_format_conditions(const struct policy_rule *r, struct at_buf *out, bool json,
    struct at_err *err)
{
	struct emit e;
	char b[96];
	static const char *const dirs[] = { "?", "Inbound", "Outbound", "Both" };

	begin(&e, out, json, "  ");
	if (json) {
		kv(&e, "TTLSRule", r->name, false);
	} else {
		put(&e, "TTLSRule: ", 10);
		put(&e, r->name, strlen(r->name));
		put(&e, "\n", 1);
	}
	kv_num(&e, "Priority", r->priority);
	kv(&e, "PriorityGiven", json ? (r->priority_given ? "true" : "false") :
	    (r->priority_given ? "Yes" : "No (default)"), json);
	kv_num(&e, "SearchOrder", r->order + 1u);
	kv(&e, "Direction", dirs[r->dir <= 3 ? r->dir : 0], false);
	addr_cond(&e, "LocalAddr", &r->laddr);
	addr_cond(&e, "RemoteAddr", &r->raddr);
	port_cond(&e, "LocalPortRange", &r->lport);
	port_cond(&e, "RemotePortRange", &r->rport);
	kv(&e, "Jobname", r->jobname.any ? "All" : r->jobname.pattern, false);
	kv(&e, "Userid", r->userid.any ? "All" : r->userid.pattern, false);
	if (r->time == NULL) {
		kv(&e, "IpTimeCondition", "None", false);
	} else {
		const struct policy_time_cond *t = r->time;

		(void)snprintf(b, sizeof(b), "%02u:%02u-%02u:%02u", t->tod_from / 60u,
		    t->tod_from % 60u, t->tod_to / 60u, t->tod_to % 60u);
		kv(&e, "TimeOfDayRange", b, false);
		(void)snprintf(b, sizeof(b), "%03x", (unsigned)t->month_mask);
		kv(&e, "MonthMask", b, false);
		(void)snprintf(b, sizeof(b), "%02x", (unsigned)t->day_of_week_mask);
		kv(&e, "DayOfWeekMask", b, false);
		(void)snprintf(b, sizeof(b), "%016llx", (unsigned long long)t->day_of_month_mask);
		kv(&e, "DayOfMonthMask", b, false);
		if (t->has_period) {
			struct tm from, to;
			char f[32], u[32], both[80];

			if (gmtime_r(&t->period_from, &from) != NULL &&
			    gmtime_r(&t->period_to, &to) != NULL &&
			    strftime(f, sizeof(f), "%Y%m%d%H%M%S", &from) > 0 &&
			    strftime(u, sizeof(u), "%Y%m%d%H%M%S", &to) > 0) {
				(void)snprintf(both, sizeof(both), "%s:%s UTC", f, u);
				kv(&e, "TimePeriod", both, false);
			}
		}
		kv(&e, "TimeZone", t->utc ? "UTC" : "Local", false);
	}
	(void)snprintf(b, sizeof(b), "%u", r->line);
	kv(&e, "File", r->file, false);
	kv(&e, "Line", b, json);
	return end(&e, err);
}
