/*
 * policy_value_time.c - the values of IpTimeCondition: times of day, days
 * of the week and month, months, masks, time periods and the time zone.
 */
#include <stdio.h>
#include <string.h>

#include "common/num.h"
#include "policy/policy_int.h"

static bool
parse_hhmm(struct at_str s, uint16_t *out)
{
	uint64_t h, mi;
	struct at_err e;
	const char *colon = memchr(s.p, ':', s.len);
	struct at_str a = s, b;

	if (colon == NULL)
		return false;
	a.len = (size_t)(colon - s.p);
	b.p = colon + 1;
	b.len = s.len - a.len - 1;
	if (at_parse_u64(a, 0, 23, "hour", &h, &e) != AT_OK ||
	    at_parse_u64(b, 0, 59, "minute", &mi, &e) != AT_OK || b.len != 2)
		return false;
	*out = (uint16_t)(h * 60 + mi);
	return true;
}

static const struct policy_enum e_dow[] = {
	{ "Sunday", 1 }, { "Monday", 2 }, { "Tuesday", 3 }, { "Wednesday", 4 },
	{ "Thursday", 5 }, { "Friday", 6 }, { "Saturday", 7 }, { "1", 1 }, { "2", 2 },
	{ "3", 3 }, { "4", 4 }, { "5", 5 }, { "6", 6 }, { "7", 7 }, { NULL, 0 } };
static const struct policy_enum e_month[] = {
	{ "January", 1 }, { "February", 2 }, { "March", 3 }, { "April", 4 }, { "May", 5 },
	{ "June", 6 }, { "July", 7 }, { "August", 8 }, { "September", 9 },
	{ "October", 10 }, { "November", 11 }, { "December", 12 }, { NULL, 0 } };
static const struct policy_enum e_tz[] = { { "Local", 0 }, { "UTC", 1 }, { "GMT", 1 },
	{ NULL, 0 } };

static bool
parse_stamp(struct at_str s, time_t *out)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	uint64_t v[6] = { 0, 0, 0, 0, 0, 0 };
	static const size_t widths[] = { 4, 2, 2, 2, 2, 2 };
	struct at_err e;
	size_t i, pos = 0, nparts = s.len == 8 ? 3 : s.len == 14 ? 6 : 0;
	long long days, y, mo;

	if (nparts == 0)
		return false;
	for (i = 0; i < nparts; i++) {
		struct at_str part = { s.p + pos, widths[i] };

		if (at_parse_u64(part, 0, 9999, "time", &v[i], &e) != AT_OK)
			return false;
		pos += widths[i];
	}
	if (v[0] < 1970 || v[1] < 1 || v[1] > 12 || v[2] < 1 ||
	    v[2] > (uint64_t)mdays[v[1] - 1] || v[3] > 23 || v[4] > 59 || v[5] > 59)
		return false;
	/* Days since the epoch (proleptic Gregorian), then seconds; UTC. */
	y = (long long)v[0];
	mo = (long long)v[1];
	if (mo <= 2)
		y--;
	days = 365 * y + y / 4 - y / 100 + y / 400 +
	    (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + (long long)v[2] - 1 - 719468;
	*out = (time_t)(days * 86400 + (long long)(v[3] * 3600 + v[4] * 60 + v[5]));
	return true;
}

/* Looks text up in e; false when it is not there. */
static bool
find(const struct policy_enum *e, struct at_str text, uint64_t *v)
{
	for (; e->name != NULL; e++) {
		if (at_str_eq_ci(text, e->name)) {
			*v = (uint64_t)e->value;
			return true;
		}
	}
	return false;
}

bool
policy_value_time(struct policy_param *p, struct at_str text, char *msg, size_t msgsz)
{
	const struct policy_kw *kw = p->kw;
	int len = (int)(text.len > 64 ? 64 : text.len);
	uint64_t v = 0;
	size_t i;

	switch (kw->kind) {
	case K_TOD: {
		uint16_t m;

		if (!parse_hhmm(text, &m)) {
			(void)snprintf(msg, msgsz, "%s: '%.*s' is not a time of day hh:mm",
			    kw->name, len, text.p);
			return false;
		}
		p->u.num = m;
		return true;
	}
	case K_DOW:
		if (!find(e_dow, text, &v)) {
			(void)snprintf(msg, msgsz, "%s: '%.*s' is not one of Sunday..Saturday "
			    "or 1..7", kw->name, len, text.p);
			return false;
		}
		p->u.num = v;
		return true;
	case K_MONTH: {
		struct at_err e;

		if (find(e_month, text, &v)) {
			p->u.num = v;
			return true;
		}
		if (at_parse_u64(text, 1, 12, kw->name, &v, &e) != AT_OK) {
			(void)snprintf(msg, msgsz, "%s: '%.*s' is not a month (January..December "
			    "or 1..12)", kw->name, len, text.p);
			return false;
		}
		p->u.num = v;
		return true;
	}
	case K_DOM: {
		struct at_str s = text;
		bool neg = s.len > 0 && s.p[0] == '-';
		struct at_err e;

		if (neg) {
			s.p++;
			s.len--;
		}
		if (at_parse_u64(s, 1, 31, kw->name, &v, &e) != AT_OK) {
			(void)snprintf(msg, msgsz, "%s", e.msg);
			return false;
		}
		p->u.num = neg ? v + 31 : v;
		return true;
	}
	case K_TZ:
		if (!find(e_tz, text, &v)) {
			(void)snprintf(msg, msgsz, "%s: '%.*s' is not one of Local UTC",
			    kw->name, len, text.p);
			return false;
		}
		p->u.num = v;
		return true;
	case K_MASK:
		if (text.len != kw->max) {
			(void)snprintf(msg, msgsz, "%s: '%.*s' must be %u characters of 0 and 1",
			    kw->name, len, text.p, (unsigned)kw->max);
			return false;
		}
		for (i = 0; i < text.len; i++) {
			if (text.p[i] != '0' && text.p[i] != '1') {
				(void)snprintf(msg, msgsz, "%s: '%.*s' must hold only 0 and 1",
				    kw->name, len, text.p);
				return false;
			}
			if (text.p[i] == '1')
				v |= (uint64_t)1 << i;
		}
		p->u.num = v;
		return true;
	case K_TODRANGE:
	case K_PERIOD: {
		const char *sep = memchr(text.p, kw->kind == K_PERIOD ? ':' : '-', text.len);
		struct at_str a = text, b = { NULL, 0 };
		bool good = sep != NULL;

		if (good) {
			a.len = (size_t)(sep - text.p);
			b.p = sep + 1;
			b.len = text.len - a.len - 1;
			if (kw->kind == K_TODRANGE)
				good = parse_hhmm(a, &p->u.tod.from) &&
				    parse_hhmm(b, &p->u.tod.to);
			else
				good = parse_stamp(a, &p->u.period.from) &&
				    parse_stamp(b, &p->u.period.to) &&
				    p->u.period.from <= p->u.period.to;
		}
		if (!good) {
			(void)snprintf(msg, msgsz, kw->kind == K_PERIOD ?
			    "%s: '%.*s' is not yyyymmdd[hhmmss]:yyyymmdd[hhmmss] (UTC, start not after end)" :
			    "%s: '%.*s' is not a range hh:mm-hh:mm", kw->name, len, text.p);
			return false;
		}
		return true;
	}
	default:
		(void)snprintf(msg, msgsz, "%s: not a time parameter", kw->name);
		return false;
	}
}

