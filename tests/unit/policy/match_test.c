/*
 * match_test.c - rule matching: the predicate and search order (tables of
 * rules written in a compact notation), address helpers, and a randomized
 * differential test that the index always agrees with the linear search.
 *
 * Rule notation, blank-separated key=value:
 *   name=N prio=P dir=in|out|both lport=443,8000-8010 rport=...
 *   laddr=10.0.0.0/8,::1,10.1.1.1-10.1.1.9 raddr=... job=DSN* user=ID off
 *   tod=22:00-02:00 wday=0,6 mon=1,12 mday=1-15 mdayend=1-2
 *   period=YYYYMMDDHHMM-YYYYMMDDHHMM local
 * Connection notation: in|out LADDR:PORT RADDR:PORT [job=J] [user=U]
 *   [at=YYYYMMDDHHMM] (UTC)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <netinet/in.h>

#include "common/buf.h"
#include "common/num.h"
#include "policy/addr.h"
#include "policy/match.h"
#include "policy/policy.h"

#define RANGES_MAX 8

struct trule {
	struct policy_rule r;
	struct policy_addr_range la[RANGES_MAX], ra[RANGES_MAX];
	struct policy_port_range lp[RANGES_MAX], rp[RANGES_MAX];
	struct policy_time_cond t;
	char name[POLICY_NAME_MAX + 1];
};

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static uint64_t
num(const char *p, size_t len)
{
	uint64_t v = 0;
	struct at_err err;

	assert_int_equal(at_parse_u64((struct at_str){ p, len }, 0, UINT64_MAX, "n", &v, &err), AT_OK);
	return v;
}

/* "YYYYMMDDHHMM" in UTC. */
static time_t
stamp(const char *s)
{
	int64_t days = days_from_civil((int64_t)num(s, 4), (unsigned)num(s + 4, 2),
	    (unsigned)num(s + 6, 2));

	return (time_t)(days * 86400 + (int64_t)num(s + 8, 2) * 3600 + (int64_t)num(s + 10, 2) * 60);
}

static void
addr_range(struct policy_addr_range *r, const char *text, size_t len)
{
	char buf[96];
	const char *slash, *dash;
	int fam2, plen, bit;
	struct at_err err;

	assert_true(at_str_copy(buf, sizeof(buf), (struct at_str){ text, len }));
	slash = strchr(buf, '/');
	dash = strchr(buf, '-');
	if (dash != NULL) {
		buf[dash - buf] = '\0';
		assert_int_equal(policy_addr_parse(buf, &r->family, r->lo, &err), AT_OK);
		assert_int_equal(policy_addr_parse(dash + 1, &fam2, r->hi, &err), AT_OK);
		return;
	}
	plen = -1;
	if (slash != NULL) {
		buf[slash - buf] = '\0';
		plen = (int)num(slash + 1, strlen(slash + 1));
	}
	assert_int_equal(policy_addr_parse(buf, &r->family, r->lo, &err), AT_OK);
	if (plen < 0)
		plen = 128;
	else if (r->family == AF_INET)
		plen += 96;
	memcpy(r->hi, r->lo, 16);
	for (bit = plen; bit < 128; bit++) {
		r->lo[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
		r->hi[bit / 8] |= (uint8_t)(0x80u >> (bit % 8));
	}
}

/* Calls fn(ctx, item, len) for each comma-separated item of v[0..len). */
static size_t
split(const char *v, size_t len, void (*fn)(void *, size_t, const char *, size_t), void *ctx)
{
	size_t i = 0, start = 0, n = 0;

	for (i = 0; i <= len; i++)
		if (i == len || v[i] == ',') {
			fn(ctx, n++, v + start, i - start);
			start = i + 1;
		}
	return n;
}

static void
lo_hi(const char *v, size_t len, uint64_t *lo, uint64_t *hi)
{
	const char *dash = memchr(v, '-', len);

	if (dash == NULL) {
		*lo = *hi = num(v, len);
		return;
	}
	*lo = num(v, (size_t)(dash - v));
	*hi = num(dash + 1, len - (size_t)(dash - v) - 1);
}

static void
put_port(void *ctx, size_t i, const char *v, size_t len)
{
	struct policy_port_range *pr = ctx;
	uint64_t lo, hi;

	assert_true(i < RANGES_MAX);
	lo_hi(v, len, &lo, &hi);
	pr[i].lo = (uint16_t)lo;
	pr[i].hi = (uint16_t)hi;
}

static void
put_addr(void *ctx, size_t i, const char *v, size_t len)
{
	struct policy_addr_range *ar = ctx;

	assert_true(i < RANGES_MAX);
	addr_range(&ar[i], v, len);
}

static void
put_bits(void *ctx, size_t i, const char *v, size_t len)
{
	uint64_t *mask = ctx, lo, hi, b;

	(void)i;
	lo_hi(v, len, &lo, &hi);
	for (b = lo; b <= hi; b++)
		*mask |= 1ull << b;
}

static void
name_cond(struct policy_name_cond *nc, const char *v, size_t len)
{
	size_t i;

	assert_true(len <= POLICY_ID_MAX);
	/* gcc -O3 cannot see that a failed assert_true does not return. */
	if (len > POLICY_ID_MAX)
		len = POLICY_ID_MAX;
	nc->any = false;
	nc->len = len;
	nc->wildcard = len > 0 && v[len - 1] == '*';
	for (i = 0; i < len; i++)
		nc->pattern[i] = (char)(v[i] >= 'a' && v[i] <= 'z' ? v[i] - 32 : v[i]);
	nc->pattern[len] = '\0';
}

static unsigned
minutes(const char *v)
{
	return (unsigned)(num(v, 2) * 60 + num(v + 3, 2));
}

static bool
key_is(const char *tok, size_t tlen, const char *key, const char **val, size_t *vlen)
{
	size_t k = strlen(key);

	if (tlen < k || memcmp(tok, key, k) != 0)
		return false;
	*val = tok + k;
	*vlen = tlen - k;
	return true;
}

static void
time_defaults(struct trule *t, bool *dom_set)
{
	if (t->r.time != NULL)
		return;
	memset(&t->t, 0, sizeof(t->t));
	t->t.utc = true;
	t->t.month_mask = 0xfff;
	t->t.day_of_month_mask = (1ull << 62) - 1;
	t->t.day_of_week_mask = 0x7f;
	t->t.tod_to = 1439;
	t->r.time = &t->t;
	*dom_set = false;
}

static void
rule_token(struct trule *t, const char *tok, size_t len, bool *dom_set)
{
	const char *v;
	size_t vl;
	uint64_t bits = 0;

	if (key_is(tok, len, "name=", &v, &vl)) {
		assert_true(at_str_copy(t->name, sizeof(t->name), (struct at_str){ v, vl }));
	} else if (key_is(tok, len, "prio=", &v, &vl)) {
		t->r.priority = (uint32_t)num(v, vl);
	} else if (key_is(tok, len, "dir=", &v, &vl)) {
		t->r.dir = v[0] == 'i' ? POLICY_DIR_INBOUND : v[0] == 'o' ?
		    POLICY_DIR_OUTBOUND : POLICY_DIR_BOTH;
	} else if (key_is(tok, len, "lport=", &v, &vl)) {
		t->r.lport = (struct policy_port_cond){ false, split(v, vl, put_port, t->lp), t->lp };
	} else if (key_is(tok, len, "rport=", &v, &vl)) {
		t->r.rport = (struct policy_port_cond){ false, split(v, vl, put_port, t->rp), t->rp };
	} else if (key_is(tok, len, "laddr=", &v, &vl)) {
		t->r.laddr = (struct policy_addr_cond){ false, split(v, vl, put_addr, t->la), t->la };
	} else if (key_is(tok, len, "raddr=", &v, &vl)) {
		t->r.raddr = (struct policy_addr_cond){ false, split(v, vl, put_addr, t->ra), t->ra };
	} else if (key_is(tok, len, "job=", &v, &vl)) {
		name_cond(&t->r.jobname, v, vl);
	} else if (key_is(tok, len, "user=", &v, &vl)) {
		name_cond(&t->r.userid, v, vl);
	} else if (key_is(tok, len, "off", &v, &vl)) {
		t->r.enabled = false;
	} else {
		time_defaults(t, dom_set);
		if (key_is(tok, len, "tod=", &v, &vl)) {
			t->t.tod_from = (uint16_t)minutes(v);
			t->t.tod_to = (uint16_t)minutes(v + 6);
		} else if (key_is(tok, len, "wday=", &v, &vl)) {
			split(v, vl, put_bits, &bits);
			t->t.day_of_week_mask = (uint8_t)bits;
		} else if (key_is(tok, len, "mon=", &v, &vl)) {
			split(v, vl, put_bits, &bits);
			t->t.month_mask = (uint16_t)(bits >> 1);
		} else if (key_is(tok, len, "mday=", &v, &vl) ||
		    key_is(tok, len, "mdayend=", &v, &vl)) {
			if (!*dom_set)
				t->t.day_of_month_mask = 0;
			*dom_set = true;
			split(v, vl, put_bits, &bits);
			t->t.day_of_month_mask |= tok[4] == '=' ? bits >> 1 : (bits >> 1) << 31;
		} else if (key_is(tok, len, "period=", &v, &vl)) {
			t->t.has_period = true;
			t->t.period_from = stamp(v);
			t->t.period_to = stamp(v + 13);
		} else if (key_is(tok, len, "local", &v, &vl)) {
			t->t.utc = false;
		} else {
			fail_msg("unknown rule token '%.*s'", (int)len, tok);
		}
	}
}

static void
mk_rule(struct trule *t, const char *spec)
{
	const char *p = spec, *e;
	bool dom_set = false;

	memset(t, 0, sizeof(*t));
	t->r.dir = POLICY_DIR_BOTH;
	t->r.priority = 1;
	t->r.enabled = true;
	t->r.laddr.any = t->r.raddr.any = true;
	t->r.lport.any = t->r.rport.any = true;
	t->r.jobname.any = t->r.userid.any = true;
	t->r.name = t->name;
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		e = p;
		while (*e != '\0' && *e != ' ')
			e++;
		if (e > p)
			rule_token(t, p, (size_t)(e - p), &dom_set);
		p = e;
	}
}

static int
search_order(const void *a, const void *b)
{
	const struct policy_rule *x = *(const struct policy_rule *const *)a;
	const struct policy_rule *y = *(const struct policy_rule *const *)b;

	if (x->priority != y->priority)
		return x->priority > y->priority ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Builds rules from specs (NULL-terminated) into t and ptrs in search order. */
static size_t
mk_rules(struct trule *t, const struct policy_rule **ptrs, const char *const *specs)
{
	size_t n = 0, i;

	while (specs[n] != NULL) {
		mk_rule(&t[n], specs[n]);
		ptrs[n] = &t[n].r;
		n++;
	}
	qsort(ptrs, n, sizeof(*ptrs), search_order);
	for (i = 0; i < n; i++)
		((struct policy_rule *)(uintptr_t)ptrs[i])->order = (unsigned)i;
	return n;
}

static void
mk_conn(struct policy_conn *c, char *store, size_t storesz, const char *spec)
{
	char *tok[8], *p;
	size_t nt = 0, i;
	int fam2;
	struct at_err err;

	memset(c, 0, sizeof(*c));
	assert_true(at_str_copy(store, storesz, at_str_c(spec)));
	for (p = store; *p != '\0' && nt < 8;) {
		while (*p == ' ')
			*p++ = '\0';
		if (*p == '\0')
			break;
		tok[nt++] = p;
		while (*p != '\0' && *p != ' ')
			p++;
	}
	assert_true(nt >= 3);
	c->dir = tok[0][0] == 'i' ? POLICY_DIR_INBOUND : POLICY_DIR_OUTBOUND;
	assert_int_equal(policy_endpoint_parse(tok[1], "local", &c->family, c->laddr,
	    &c->lport, &err), AT_OK);
	assert_int_equal(policy_endpoint_parse(tok[2], "remote", &fam2, c->raddr,
	    &c->rport, &err), AT_OK);
	assert_int_equal(fam2, c->family);
	for (i = 3; i < nt; i++) {
		if (strncmp(tok[i], "job=", 4) == 0)
			c->jobname = tok[i] + 4;
		else if (strncmp(tok[i], "user=", 5) == 0)
			c->userid = tok[i] + 5;
		else if (strncmp(tok[i], "at=", 3) == 0)
			c->now = stamp(tok[i] + 3);
		else
			fail_msg("unknown connection token '%s'", tok[i]);
	}
}

#define MAXR 8

struct match_case {
	const char *what;
	const char *rules[MAXR + 1];
	const char *conn;
	const char *want; /* rule name, or NULL for cleartext */
};

static const struct match_case cases[] = {
	{ "no rules: cleartext", { NULL }, "in 10.0.0.1:443 10.0.0.2:5000", NULL },
	{ "higher priority wins",
	  { "name=Low prio=10 lport=443", "name=High prio=20 lport=443", NULL },
	  "in 10.0.0.1:443 10.0.0.2:5000", "High" },
	{ "tie broken by name",
	  { "name=B prio=10 lport=443", "name=A prio=10 lport=443", NULL },
	  "in 10.0.0.1:443 10.0.0.2:5000", "A" },
	{ "higher priority that fails falls through",
	  { "name=High prio=20 lport=8443", "name=Low prio=10 lport=443", NULL },
	  "in 10.0.0.1:443 10.0.0.2:5000", "Low" },
	{ "nothing matches",
	  { "name=A lport=443", "name=B rport=443", NULL },
	  "in 10.0.0.1:80 10.0.0.2:5000", NULL },
	{ "direction inbound vs outbound",
	  { "name=In prio=5 dir=in lport=443", "name=Out prio=1 dir=out lport=443", NULL },
	  "out 10.0.0.1:443 10.0.0.2:5000", "Out" },
	{ "direction both matches outbound",
	  { "name=Both dir=both rport=9443", NULL },
	  "out 10.0.0.1:40000 10.0.0.2:9443", "Both" },
	{ "port range inclusive low",
	  { "name=R rport=1024-65535", NULL }, "in 10.0.0.1:2445 10.0.0.2:1024", "R" },
	{ "port range excludes below",
	  { "name=R rport=1024-65535", NULL }, "in 10.0.0.1:2445 10.0.0.2:1023", NULL },
	{ "port OR of ranges",
	  { "name=R lport=80,443,8000-8010", NULL }, "in 10.0.0.1:8005 10.0.0.2:1", "R" },
	{ "jobname exact, case-insensitive",
	  { "name=J job=DSN2DIST", NULL }, "in 10.0.0.1:1 10.0.0.2:1 job=dsn2dist", "J" },
	{ "jobname exact is not a prefix",
	  { "name=J job=DSN2", NULL }, "in 10.0.0.1:1 10.0.0.2:1 job=DSN2DIST", NULL },
	{ "jobname wildcard prefix",
	  { "name=J job=DSN*", NULL }, "in 10.0.0.1:1 10.0.0.2:1 job=Dsn2dist", "J" },
	{ "jobname wildcard needs the prefix",
	  { "name=J job=DSN*", NULL }, "in 10.0.0.1:1 10.0.0.2:1 job=DS", NULL },
	{ "jobname star matches any name",
	  { "name=J job=*", NULL }, "in 10.0.0.1:1 10.0.0.2:1 job=x", "J" },
	{ "no jobname: only rules without Jobname",
	  { "name=A prio=9 job=*", "name=B prio=1 lport=1", NULL },
	  "in 10.0.0.1:1 10.0.0.2:1", "B" },
	{ "long Linux process name vs wildcard",
	  { "name=J job=SYSTEMD*", NULL }, "in 10.0.0.1:1 10.0.0.2:1 job=systemd-resolved", "J" },
	{ "userid wildcard",
	  { "name=U user=USER*", NULL }, "out 10.0.0.1:1 10.0.0.2:1 user=user1", "U" },
	{ "userid required when given",
	  { "name=U user=USER1", NULL }, "out 10.0.0.1:1 10.0.0.2:1 job=USER1", NULL },
	{ "IPv4 prefix",
	  { "name=P raddr=10.1.0.0/16", NULL }, "in 10.0.0.1:1 10.1.200.3:1", "P" },
	{ "IPv4 prefix excludes",
	  { "name=P raddr=10.1.0.0/16", NULL }, "in 10.0.0.1:1 10.2.0.3:1", NULL },
	{ "IPv4 range",
	  { "name=P laddr=10.1.1.1-10.1.1.9", NULL }, "in 10.1.1.9:1 10.2.0.3:1", "P" },
	{ "IPv4 rule never matches IPv6",
	  { "name=P laddr=0.0.0.0/0", NULL }, "in [2001:db8::1]:1 [2001:db8::2]:1", NULL },
	{ "IPv6 prefix",
	  { "name=P raddr=2001:db8::/32", NULL }, "in [2001:db8::1]:1 [2001:db8:0:1::2]:1", "P" },
	{ "IPv6 rule never matches IPv4",
	  { "name=P raddr=::/0", NULL }, "in 10.0.0.1:1 10.0.0.2:1", NULL },
	{ "v4-mapped connection matches IPv4 rule",
	  { "name=P raddr=10.0.0.0/8", NULL }, "in [::ffff:10.0.0.1]:1 [::ffff:10.9.9.9]:1", "P" },
	{ "address OR of ranges across families",
	  { "name=P raddr=10.0.0.0/8,2001:db8::/32", NULL }, "in [::1]:1 [2001:db8::9]:1", "P" },
	{ "disabled rule still wins (explicit cleartext)",
	  { "name=Off prio=9 lport=443 off", "name=On prio=1 lport=443", NULL },
	  "in 10.0.0.1:443 10.0.0.2:1", "Off" },
	{ "time of day inside",
	  { "name=T tod=09:00-17:00", NULL }, "in 10.0.0.1:1 10.0.0.2:1 at=202611211200", "T" },
	{ "time of day end inclusive",
	  { "name=T tod=09:00-17:00", NULL }, "in 10.0.0.1:1 10.0.0.2:1 at=202611211700", "T" },
	{ "time of day outside",
	  { "name=T tod=09:00-17:00", NULL }, "in 10.0.0.1:1 10.0.0.2:1 at=202611211701", NULL },
	{ "time of day wraps midnight, late",
	  { "name=T tod=22:00-02:00", NULL }, "in 10.0.0.1:1 10.0.0.2:1 at=202611212330", "T" },
	{ "time of day wraps midnight, early",
	  { "name=T tod=22:00-02:00", NULL }, "in 10.0.0.1:1 10.0.0.2:1 at=202611210130", "T" },
	{ "time of day wraps midnight, outside",
	  { "name=T tod=22:00-02:00", NULL }, "in 10.0.0.1:1 10.0.0.2:1 at=202611211200", NULL },
	{ "day of week (2026-11-21 is a Saturday)",
	  { "name=T wday=6", NULL }, "in 10.0.0.1:1 10.0.0.2:1 at=202611211200", "T" },
	{ "day of week excluded",
	  { "name=T wday=1-5", NULL }, "in 10.0.0.1:1 10.0.0.2:1 at=202611211200", NULL },
	{ "month",
	  { "name=T mon=11", NULL }, "in 10.0.0.1:1 10.0.0.2:1 at=202611211200", "T" },
	{ "month excluded",
	  { "name=T mon=1-10,12", NULL }, "in 10.0.0.1:1 10.0.0.2:1 at=202611211200", NULL },
	{ "day of month from start",
	  { "name=T mday=15-21", NULL }, "in 10.0.0.1:1 10.0.0.2:1 at=202611211200", "T" },
	{ "day of month from start excluded",
	  { "name=T mday=1-20", NULL }, "in 10.0.0.1:1 10.0.0.2:1 at=202611211200", NULL },
	{ "last day of month from end (30 days in November)",
	  { "name=T mdayend=1", NULL }, "in 10.0.0.1:1 10.0.0.2:1 at=202611301200", "T" },
	{ "day before last is not the last",
	  { "name=T mdayend=1", NULL }, "in 10.0.0.1:1 10.0.0.2:1 at=202611291200", NULL },
	{ "last day of a leap February",
	  { "name=T mdayend=1", NULL }, "in 10.0.0.1:1 10.0.0.2:1 at=202802291200", "T" },
	{ "28 February in a leap year is not the last",
	  { "name=T mdayend=1", NULL }, "in 10.0.0.1:1 10.0.0.2:1 at=202802281200", NULL },
	{ "from start OR from end",
	  { "name=T mday=1 mdayend=1", NULL }, "in 10.0.0.1:1 10.0.0.2:1 at=202612311200", "T" },
	{ "period inside",
	  { "name=T period=202601010000-202612312359", NULL },
	  "in 10.0.0.1:1 10.0.0.2:1 at=202611211200", "T" },
	{ "period outside",
	  { "name=T period=202701010000-202712312359", NULL },
	  "in 10.0.0.1:1 10.0.0.2:1 at=202611211200", NULL },
	{ "time failure falls to the next rule",
	  { "name=Night prio=9 tod=22:00-06:00 lport=443", "name=Day prio=1 lport=443", NULL },
	  "in 10.0.0.1:443 10.0.0.2:1 at=202611211200", "Day" },
	{ "Db2 seed rule",
	  { "name=Db2ServerRule~1 prio=255 dir=in laddr=0.0.0.0/0 raddr=0.0.0.0/0 "
	    "lport=2445 rport=1024-65535 job=DSN2DIST", NULL },
	  "in 192.168.17.220:2445 192.168.17.220:8736 job=DSN2DIST", "Db2ServerRule~1" },
	{ "Db2 seed rule, other job",
	  { "name=Db2ServerRule~1 prio=255 dir=in laddr=0.0.0.0/0 raddr=0.0.0.0/0 "
	    "lport=2445 rport=1024-65535 job=DSN2DIST", NULL },
	  "in 192.168.17.220:2445 192.168.17.220:8736 job=OTHER", NULL },
	{ "batch client seed rule",
	  { "name=zCEEClientRule~1 prio=255 dir=out laddr=0.0.0.0/0 raddr=0.0.0.0/0 "
	    "lport=1024-65535 rport=9443 job=USER1GET", NULL },
	  "out 10.1.1.5:40001 10.1.1.6:9443 job=USER1GET", "zCEEClientRule~1" },
	{ "all conditions and groups",
	  { "name=Z prio=7 dir=in laddr=10.0.0.0/8,10.1.1.1-10.1.1.9 raddr=192.168.0.0/16 "
	    "lport=2470-2471 rport=1024-65535 job=ZWE1* user=ZWESVUSR tod=08:00-18:00 wday=1-5",
	    NULL },
	  "in 10.1.1.5:2471 192.168.9.9:50000 job=ZWE1AZ user=zwesvusr at=202611231000", "Z" },
};

static void
run_case(const struct match_case *tc, size_t idx)
{
	struct trule t[MAXR];
	const struct policy_rule *ptrs[MAXR];
	struct policy_matcher *m = NULL;
	struct policy_conn c;
	char store[256];
	const struct policy_rule *lin, *idxd;
	struct at_err err;
	size_t n;

	n = mk_rules(t, ptrs, tc->rules);
	mk_conn(&c, store, sizeof(store), tc->conn);
	assert_int_equal(policy_matcher_build(ptrs, n, &m, &err), AT_OK);
	lin = policy_match_linear(ptrs, n, &c);
	idxd = policy_match(m, &c);
	if (lin != idxd)
		fail_msg("case %zu (%s): linear %s, index %s", idx, tc->what,
		    lin ? lin->name : "none", idxd ? idxd->name : "none");
	if (tc->want == NULL ? lin != NULL : lin == NULL || strcmp(lin->name, tc->want) != 0)
		fail_msg("case %zu (%s): got %s, want %s", idx, tc->what,
		    lin ? lin->name : "none", tc->want ? tc->want : "none");
	policy_matcher_free(m);
}

static void
test_match_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i], i);
}

static void
test_local_time(void **state)
{
	struct trule t;
	time_t now = stamp("202611211200");

	(void)state;
	assert_int_equal(setenv("TZ", "EST5", 1), 0);
	tzset();
	mk_rule(&t, "name=T tod=06:00-08:00 local");
	/* 12:00 UTC is 07:00 at UTC-5 */
	assert_true(policy_time_allows(t.r.time, now));
	t.t.utc = true;
	assert_false(policy_time_allows(t.r.time, now));
	assert_int_equal(setenv("TZ", "UTC0", 1), 0);
	tzset();
}

static void
test_cond_names(void **state)
{
	struct trule t;
	struct policy_conn c;
	char store[128];

	(void)state;
	mk_rule(&t, "name=X dir=in lport=443 job=A");
	mk_conn(&c, store, sizeof(store), "in 10.0.0.1:80 10.0.0.2:1 job=B");
	assert_int_equal(policy_rule_first_failure(&t.r, &c), POLICY_COND_LPORT);
	assert_string_equal(policy_cond_name(POLICY_COND_LPORT), "local port");
	mk_conn(&c, store, sizeof(store), "out 10.0.0.1:80 10.0.0.2:1 job=B");
	assert_int_equal(policy_rule_first_failure(&t.r, &c), POLICY_COND_DIRECTION);
	mk_conn(&c, store, sizeof(store), "in 10.0.0.1:443 10.0.0.2:1 job=B");
	assert_int_equal(policy_rule_first_failure(&t.r, &c), POLICY_COND_JOBNAME);
	assert_string_equal(policy_cond_name(POLICY_COND_TIME), "time");
	assert_string_equal(policy_cond_name((enum policy_cond)99), "?");
}


/* ---------------------------------------------------------------------- */
/* The index must agree with the linear search on every input.             */

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint32_t
pick(uint32_t n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545f4914f6cdd1dull) >> 33) % n;
}

#define PICK(a) ((a)[pick((uint32_t)(sizeof(a) / sizeof((a)[0])))])

static const char *const r_addrs[] = {
	"10.0.0.0/8", "10.1.0.0/16", "10.1.1.0/24", "10.1.1.1", "10.1.1.1-10.1.1.9",
	"192.168.0.0/16", "0.0.0.0/0", "10.1.1.128/25", "10.1.1.7-10.1.2.3",
	"2001:db8::/32", "2001:db8::1", "::/0", "2001:db8:1::/48",
	"2001:db8::1-2001:db8::ff", "fe80::/10", "10.1.1.5",
};
static const char *const r_ports[] = {
	"80", "443", "2445", "9443", "1024-65535", "440-450", "80,443", "2445,9443,8000-8003",
	"0-1023", "443-443", "8080", "1-20",
};
static const char *const r_jobs[] = {
	"DSN2DIST", "DSN*", "DSN2*", "USER1GET", "USER*", "*", "ZWE1SV", "ZWE*", "A",
	"SYSTEMD*",
};
static const char *const r_users[] = { "USER1", "USER*", "DB2USER", "*", "ZWESVUSR", "U" };
static const char *const r_tods[] = { "09:00-17:00", "22:00-02:00", "00:00-23:59", "12:00-12:00" };
static const char *const c_v4[] = {
	"10.1.1.1", "10.1.1.5", "10.1.1.200", "10.2.3.4", "192.168.1.1", "172.16.0.1",
	"10.1.2.0", "10.1.1.9", "::ffff:10.1.1.5",
};
static const char *const c_v6[] = { "2001:db8::1", "2001:db8::50", "2001:db8:1::5", "fe80::1", "::1" };
static const char *const c_jobs[] = {
	"", "DSN2DIST", "dsn2dist", "DSN1", "USER1GET", "USER2", "ZWE1SV", "ZWE1SVXYZ", "A",
	"B", "systemd-resolved", "user1", "DSN",
};
static const char *const c_ports[] = {
	"80", "443", "2445", "9443", "1024", "1023", "445", "8002", "65535", "0", "15", "50000",
};
static const char *const c_times[] = {
	"202611211200", "202611212330", "202611300130", "202802290900", "202701040800",
};

static void
rand_rule(char *buf, size_t sz, size_t i)
{
	static const char *const dirs[] = { "in", "out", "both" };
	size_t len = 0;
	int w;

#define ADD(...) do { \
		w = snprintf(buf + len, sz - len, __VA_ARGS__); \
		assert_true(w >= 0 && (size_t)w < sz - len); \
		len += (size_t)w; \
	} while (0)
	ADD("name=%c%zu prio=%u dir=%s", 'A' + (int)pick(26), i, 1 + pick(4), PICK(dirs));
	if (pick(3) == 0)
		ADD(" laddr=%s", PICK(r_addrs));
	if (pick(3) == 0)
		ADD(" raddr=%s%s", PICK(r_addrs), pick(2) ? ",10.1.1.0/24" : "");
	if (pick(2) == 0)
		ADD(" lport=%s", PICK(r_ports));
	if (pick(2) == 0)
		ADD(" rport=%s", PICK(r_ports));
	if (pick(3) == 0)
		ADD(" job=%s", PICK(r_jobs));
	if (pick(4) == 0)
		ADD(" user=%s", PICK(r_users));
	if (pick(8) == 0)
		ADD(" tod=%s wday=%u-%u", PICK(r_tods), pick(3), 3 + pick(4));
	if (pick(12) == 0)
		ADD(" mdayend=1-%u", 1 + pick(5));
	if (pick(6) == 0)
		ADD(" off");
	(void)len;
#undef ADD
}

static void
rand_conn(char *buf, size_t sz)
{
	bool v6 = pick(4) == 0;
	const char *job = PICK(c_jobs);
	const char *user = PICK(c_jobs);
	int w;

	if (v6)
		w = snprintf(buf, sz, "%s [%s]:%s [%s]:%s%s%s at=%s", pick(2) ? "in" : "out",
		    PICK(c_v6), PICK(c_ports), PICK(c_v6), PICK(c_ports),
		    job[0] ? " job=" : "", job, PICK(c_times));
	else
		w = snprintf(buf, sz, "%s [%s]:%s [%s]:%s%s%s at=%s", pick(2) ? "in" : "out",
		    PICK(c_v4), PICK(c_ports), PICK(c_v4), PICK(c_ports),
		    job[0] ? " job=" : "", job, PICK(c_times));
	assert_true(w >= 0 && (size_t)w < sz);
	if (user[0] != '\0' && pick(2) == 0) {
		size_t len = strlen(buf);

		w = snprintf(buf + len, sz - len, " user=%s", user);
		assert_true(w >= 0 && (size_t)w < sz - len);
	}
}

static void
differential(size_t sets, size_t maxrules, size_t conns, bool some_miss)
{
	struct trule *t = calloc(maxrules, sizeof(*t));
	const struct policy_rule **ptrs = calloc(maxrules, sizeof(*ptrs));
	char **specs = calloc(maxrules + 1, sizeof(*specs));
	struct policy_matcher *m;
	struct policy_conn c;
	char store[256], cbuf[256];
	const struct policy_rule *lin, *idx;
	struct at_err err;
	size_t s, i, n, hits = 0;

	assert_non_null(t);
	assert_non_null(ptrs);
	assert_non_null(specs);
	for (s = 0; s < sets; s++) {
		n = pick((uint32_t)maxrules + 1);
		for (i = 0; i < n; i++) {
			specs[i] = malloc(512);
			assert_non_null(specs[i]);
			rand_rule(specs[i], 512, i);
		}
		specs[n] = NULL;
		n = mk_rules(t, ptrs, (const char *const *)specs);
		assert_int_equal(policy_matcher_build(ptrs, n, &m, &err), AT_OK);
		for (i = 0; i < conns; i++) {
			rand_conn(cbuf, sizeof(cbuf));
			mk_conn(&c, store, sizeof(store), cbuf);
			lin = policy_match_linear(ptrs, n, &c);
			idx = policy_match(m, &c);
			hits += lin != NULL;
			if (lin != idx)
				fail_msg("set %zu (%zu rules), conn '%s': linear %s, index %s", s, n,
				    cbuf, lin ? lin->name : "none", idx ? idx->name : "none");
		}
		policy_matcher_free(m);
		for (i = 0; i < n; i++)
			free(specs[i]);
	}
	/* The generator must produce both outcomes, or the test proves little. */
	assert_true(hits > 0);
	assert_true(!some_miss || hits < sets * conns);
	free(specs);
	free(ptrs);
	free(t);
}

static void
test_differential_small(void **state)
{
	(void)state;
	differential(400, 40, 300, true);
}

static void
test_differential_large(void **state)
{
	(void)state;
	differential(6, 3000, 2000, false);
}

static void
test_matcher_build_edges(void **state)
{
	struct policy_matcher *m = (struct policy_matcher *)(uintptr_t)1;
	const struct policy_rule *none[1] = { NULL };
	struct policy_conn c;
	struct policy_matcher_stats st;
	char store[128];
	struct at_err err;

	(void)state;
	assert_int_equal(policy_matcher_build(none, 1, &m, &err), AT_E_INPUT);
	assert_null(m);
	assert_non_null(strstr(err.msg, "missing"));
	assert_int_equal(policy_matcher_build(none, 0, &m, &err), AT_OK);
	mk_conn(&c, store, sizeof(store), "in 10.0.0.1:1 10.0.0.2:1");
	assert_null(policy_match(m, &c));
	policy_matcher_get_stats(m, &st);
	assert_int_equal(st.rules, 0);
	policy_matcher_free(m);
	policy_matcher_free(NULL);
	assert_null(policy_match(NULL, &c));
}

struct endpoint_case {
	const char *text;
	enum at_rc want;
	int family;
	uint16_t port;
};

static const struct endpoint_case endpoints[] = {
	{ "10.1.1.1:443", AT_OK, AF_INET, 443 },
	{ "[::1]:443", AT_OK, AF_INET6, 443 },
	{ "[::ffff:10.1.1.1]:0", AT_OK, AF_INET, 0 },
	{ "0.0.0.0:65535", AT_OK, AF_INET, 65535 },
	{ "10.1.1.1:65536", AT_E_INPUT, 0, 0 },
	{ "10.1.1.1:-1", AT_E_INPUT, 0, 0 },
	{ "10.1.1.1:", AT_E_INPUT, 0, 0 },
	{ "10.1.1.1", AT_E_INPUT, 0, 0 },
	{ "10.1.1:80", AT_E_INPUT, 0, 0 },
	{ "::1:443", AT_E_INPUT, 0, 0 },
	{ "[::1]443", AT_E_INPUT, 0, 0 },
	{ "[::1:443", AT_E_INPUT, 0, 0 },
	{ "host.example:443", AT_E_INPUT, 0, 0 },
	{ "", AT_E_INPUT, 0, 0 },
	{ "[]:1", AT_E_INPUT, 0, 0 },
};

static void
test_endpoint_parse(void **state)
{
	size_t i;
	int fam;
	uint8_t a[16];
	uint16_t port;
	struct at_err err;
	enum at_rc rc;

	(void)state;
	for (i = 0; i < sizeof(endpoints) / sizeof(endpoints[0]); i++) {
		fam = 0;
		port = 0;
		rc = policy_endpoint_parse(endpoints[i].text, "--local", &fam, a, &port, &err);
		if (rc != endpoints[i].want)
			fail_msg("case %zu '%s': rc %d, want %d", i, endpoints[i].text, rc,
			    endpoints[i].want);
		if (rc == AT_OK && (fam != endpoints[i].family || port != endpoints[i].port))
			fail_msg("case %zu '%s': family %d port %u", i, endpoints[i].text, fam, port);
		if (rc != AT_OK && strstr(err.msg, "--local") == NULL)
			fail_msg("case %zu: message '%s' does not name the option", i, err.msg);
	}
}

static void
test_conn_from_sockaddrs(void **state)
{
	struct sockaddr_in6 l6, r6;
	struct sockaddr_in l4;
	struct policy_conn c;
	struct at_err err;
	char txt[POLICY_ADDR_STR_MAX];

	(void)state;
	memset(&l6, 0, sizeof(l6));
	memset(&r6, 0, sizeof(r6));
	l6.sin6_family = r6.sin6_family = AF_INET6;
	l6.sin6_port = htons(2445);
	r6.sin6_port = htons(50000);
	/* ::ffff:192.168.17.220 */
	l6.sin6_addr.s6_addr[10] = l6.sin6_addr.s6_addr[11] = 0xff;
	l6.sin6_addr.s6_addr[12] = 192;
	l6.sin6_addr.s6_addr[13] = 168;
	l6.sin6_addr.s6_addr[14] = 17;
	l6.sin6_addr.s6_addr[15] = 220;
	r6.sin6_addr = l6.sin6_addr;
	assert_int_equal(policy_conn_from_sockaddrs(POLICY_DIR_INBOUND,
	    (const struct sockaddr *)&l6, (const struct sockaddr *)&r6, &c, &err), AT_OK);
	assert_int_equal(c.family, AF_INET);
	assert_int_equal(c.lport, 2445);
	assert_int_equal(c.rport, 50000);
	assert_string_equal(policy_addr_format(c.family, c.laddr, txt, sizeof(txt)),
	    "192.168.17.220");

	/* A real IPv6 peer with a v4-mapped local address is a family mismatch. */
	r6.sin6_addr.s6_addr[10] = 1;
	assert_int_equal(policy_conn_from_sockaddrs(POLICY_DIR_INBOUND,
	    (const struct sockaddr *)&l6, (const struct sockaddr *)&r6, &c, &err), AT_E_INPUT);

	memset(&l4, 0, sizeof(l4));
	l4.sin_family = AF_INET;
	l4.sin_port = htons(9443);
	l4.sin_addr.s_addr = htonl(0x0a010101);
	assert_int_equal(policy_conn_from_sockaddrs(POLICY_DIR_OUTBOUND,
	    (const struct sockaddr *)&l4, (const struct sockaddr *)&l4, &c, &err), AT_OK);
	assert_int_equal(c.family, AF_INET);
	assert_int_equal(c.rport, 9443);
	assert_null(c.jobname);
	assert_string_equal(policy_addr_format(c.family, c.raddr, txt, sizeof(txt)), "10.1.1.1");
	assert_int_equal(policy_conn_from_sockaddrs(POLICY_DIR_BOTH,
	    (const struct sockaddr *)&l4, (const struct sockaddr *)&l4, &c, &err), AT_E_INPUT);
	l4.sin_family = AF_UNIX;
	assert_int_equal(policy_conn_from_sockaddrs(POLICY_DIR_OUTBOUND,
	    (const struct sockaddr *)&l4, (const struct sockaddr *)&l4, &c, &err), AT_E_INPUT);
	assert_int_equal(policy_conn_from_sockaddrs(POLICY_DIR_OUTBOUND,
	    NULL, (const struct sockaddr *)&l4, &c, &err), AT_E_INPUT);
}

/* The same comparison on rules that went through the loader. */
static const char shared_stmts[] =
    "IpAddrSet netA\n{\n  Prefix 10.1.0.0/16\n  Range 10.1.1.7-10.1.2.3\n}\n"
    "IpAddrSet net6\n{\n  Prefix 2001:db8::/32\n}\n"
    "IpAddrGroup grpA\n{\n  IpAddrSetRef net6\n  IpAddrRef hostA\n}\n"
    "IpAddr hostA\n{\n  Addr 10.1.1.5\n}\n"
    "PortRange eph\n{\n  Port 1024-65535\n}\n"
    "PortGroup pg\n{\n  PortRange\n  {\n    Port 440-450\n  }\n  PortRangeRef p2445\n}\n"
    "PortRange p2445\n{\n  Port 2445\n}\n"
    "IpTimeCondition night\n{\n  FromTimeOfDay 22:00\n  ToTimeOfDay 06:00\n  TimeZone UTC\n}\n"
    "IpTimeCondition lastday\n{\n  DayOfMonthMask "
    "00000000000000000000000000000001100000000000000000000000000000\n  TimeZone UTC\n}\n"
    "TTLSGroupAction gOn\n{\n  TTLSEnabled On\n}\n"
    "TTLSGroupAction gOff\n{\n  TTLSEnabled Off\n}\n"
    "TTLSEnvironmentAction eSrv\n{\n  HandshakeRole Server\n"
    "  TTLSKeyringParms\n  {\n    Keyring r.ring\n  }\n}\n";

/* One condition per slot at most: the loader refuses two forms of one. */
static const char *const t_laddr[] = {
	"LocalAddr 10.1.1.0/24", "LocalAddr 2001:db8::/48", "LocalAddrSetRef net6",
	"LocalAddrRef hostA",
};
static const char *const t_raddr[] = {
	"RemoteAddr 10.1.1.1-10.1.1.9", "RemoteAddr 192.168.0.0/16", "RemoteAddrSetRef netA",
	"RemoteAddrGroupRef grpA", "RemoteAddr 10.0.0.0/8",
};
static const char *const t_lport[] = {
	"LocalPortRange 443", "LocalPortRange 2445", "LocalPortRangeRef eph",
	"LocalPortGroupRef pg", "LocalPortRange 1-20",
};
static const char *const t_rport[] = {
	"RemotePortRange 9443", "RemotePortRange 1024-65535", "RemotePortGroupRef pg",
	"RemotePortRange 80",
};
static const char *const t_job[] = {
	"Jobname DSN2DIST", "Jobname DSN*", "Jobname USER*", "Jobname *", "Jobname A",
};
static const char *const t_user[] = { "Userid USER1", "Userid USER*", "Userid U" };
static const char *const t_time[] = { "IpTimeConditionRef night", "IpTimeConditionRef lastday" };

static bool
maybe(struct at_buf *b, const char *const *v, size_t n, uint32_t one_in)
{
	if (pick(one_in) != 0)
		return false;
	assert_int_equal(at_buf_printf(b, "  %s\n", v[pick((uint32_t)n)]), AT_OK);
	return true;
}

#define MAYBE(b, a, k) maybe(b, a, sizeof(a) / sizeof((a)[0]), k)

static void
text_rule(struct at_buf *b, size_t i)
{
	static const char *const dirs[] = { "Inbound", "Outbound", "Both" };
	bool off = pick(6) == 0, any = false;

	assert_int_equal(at_buf_printf(b, "TTLSRule R%c%zu\n{\n  Direction %s\n  Priority %u\n",
	    'A' + (int)pick(26), i, PICK(dirs), 1 + pick(4)), AT_OK);
	any |= MAYBE(b, t_laddr, 4);
	any |= MAYBE(b, t_raddr, 3);
	any |= MAYBE(b, t_lport, 2);
	any |= MAYBE(b, t_rport, 2);
	any |= MAYBE(b, t_job, 3);
	any |= MAYBE(b, t_user, 5);
	any |= MAYBE(b, t_time, 8);
	if (!any)
		assert_int_equal(at_buf_printf(b, "  LocalPortRange %u\n", 440 + pick(12)), AT_OK);
	assert_int_equal(at_buf_printf(b, "  TTLSGroupActionRef %s\n%s}\n", off ? "gOff" : "gOn",
	    off ? "" : "  TTLSEnvironmentActionRef eSrv\n"), AT_OK);
}

static void
test_differential_policy_text(void **state)
{
	struct at_buf b;
	struct policy_diags d;
	struct policy_set *set;
	struct policy_matcher *m;
	const struct policy_rule **ptrs = calloc(200, sizeof(*ptrs));
	const struct policy_rule *lin, *idx;
	struct policy_conn c;
	char store[256], cbuf[256];
	struct at_err err;
	size_t s, i, n;

	(void)state;
	assert_non_null(ptrs);
	at_buf_init(&b, 1 << 20);
	for (s = 0; s < 60; s++) {
		at_buf_reset(&b);
		n = 1 + pick(150);
		for (i = 0; i < n; i++)
			text_rule(&b, i);
		assert_int_equal(at_buf_printf(&b, "%s", shared_stmts), AT_OK);
		policy_diags_init(&d);
		set = NULL;
		if (policy_set_load_text("random.policy", at_buf_cstr(&b), b.len, &set, &d, &err) != AT_OK)
			fail_msg("set %zu: %s; first: %zu:%zu %s", s, err.msg, (size_t)(d.n ? d.v[0].line : 0),
			    (size_t)(d.n ? d.v[0].column : 0), d.n ? d.v[0].msg : "");
		policy_diags_free(&d);
		assert_int_equal(policy_set_rule_count(set), n);
		for (i = 0; i < n; i++)
			ptrs[i] = policy_set_rule(set, i);
		assert_int_equal(policy_matcher_build(ptrs, n, &m, &err), AT_OK);
		for (i = 0; i < 500; i++) {
			rand_conn(cbuf, sizeof(cbuf));
			mk_conn(&c, store, sizeof(store), cbuf);
			lin = policy_match_linear(ptrs, n, &c);
			idx = policy_match(m, &c);
			if (lin != idx)
				fail_msg("set %zu, conn '%s': linear %s, index %s", s, cbuf,
				    lin ? lin->name : "none", idx ? idx->name : "none");
		}
		policy_matcher_free(m);
		policy_set_free(set);
	}
	at_buf_free(&b);
	free(ptrs);
}

/* The index files rules so that a connection meets few candidates. */
static void
test_index_spreads(void **state)
{
	enum { N = 2000 };
	struct trule *t = calloc(N, sizeof(*t));
	const struct policy_rule **ptrs = calloc(N, sizeof(*ptrs));
	char **specs = calloc(N + 1, sizeof(*specs));
	struct policy_matcher *m;
	struct policy_matcher_stats st;
	struct at_err err;
	size_t i, n;

	(void)state;
	assert_non_null(t);
	assert_non_null(ptrs);
	assert_non_null(specs);
	for (i = 0; i < N; i++) {
		specs[i] = malloc(128);
		assert_non_null(specs[i]);
		/* Every rule on port 443 and 0.0.0.0/0, told apart by jobname. */
		assert_true(snprintf(specs[i], 128, "name=R%zu prio=%zu dir=in lport=443 "
		    "laddr=0.0.0.0/0 job=J%zu", i, i % 7, i) < 128);
	}
	specs[N] = NULL;
	n = mk_rules(t, ptrs, (const char *const *)specs);
	assert_int_equal(policy_matcher_build(ptrs, n, &m, &err), AT_OK);
	policy_matcher_get_stats(m, &st);
	assert_int_equal(st.rules, N);
	assert_int_equal(st.unindexed, 0);
	assert_int_equal(st.largest_list, 1);
	assert_int_equal(st.entries, N);
	policy_matcher_free(m);

	/* One rule with nothing indexable lands on the unindexed list. */
	mk_rule(&t[0], "name=Any dir=both");
	ptrs[0] = &t[0].r;
	assert_int_equal(policy_matcher_build(ptrs, 1, &m, &err), AT_OK);
	policy_matcher_get_stats(m, &st);
	assert_int_equal(st.unindexed, 1);
	assert_int_equal(st.keys, 0);
	policy_matcher_free(m);
	for (i = 0; i < N; i++)
		free(specs[i]);
	free(specs);
	free(ptrs);
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_table),
		cmocka_unit_test(test_local_time),
		cmocka_unit_test(test_cond_names),
		cmocka_unit_test(test_differential_small),
		cmocka_unit_test(test_differential_large),
		cmocka_unit_test(test_differential_policy_text),
		cmocka_unit_test(test_matcher_build_edges),
		cmocka_unit_test(test_index_spreads),
		cmocka_unit_test(test_endpoint_parse),
		cmocka_unit_test(test_conn_from_sockaddrs),
	};

	assert_int_equal(setenv("TZ", "UTC0", 1), 0);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
