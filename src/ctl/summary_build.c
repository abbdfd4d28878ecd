/*
 * summary_build.c - encoding a policy summary from resolved rules (see
 * summary.h).  Only the daemon links this file: it reads struct
 * policy_rule, which the preloaded shim must not depend on.
 */
#include "ctl/summary.h"

#include <string.h>

#include "ctl/proto.h"
#include "policy/policy.h"
#include "policy/rule.h"

/* Sets bits lo..hi: whole bytes at once, a policy may have many rules. */
static void
set_range(unsigned char *bits, uint32_t lo, uint32_t hi)
{
	while (lo <= hi && (lo & 7) != 0) {
		bits[lo >> 3] |= (unsigned char)(1u << (lo & 7));
		lo++;
	}
	if (lo + 7 <= hi) {
		memset(bits + (lo >> 3), 0xff, (hi + 1 - lo) >> 3);
		lo += (hi + 1 - lo) & ~7u;
	}
	while (lo <= hi) {
		bits[lo >> 3] |= (unsigned char)(1u << (lo & 7));
		lo++;
	}
}

static void
set_bits(unsigned char *bits, const struct policy_port_cond *c)
{
	size_t i;

	if (c->any || c->n == 0) {
		memset(bits, 0xff, CTL_SUMMARY_BITMAP_LEN);
		return;
	}
	for (i = 0; i < c->n; i++)
		if (c->ranges[i].lo <= c->ranges[i].hi)
			set_range(bits, c->ranges[i].lo, c->ranges[i].hi);
}

static void
hull(const struct policy_port_cond *c, uint16_t *lo, uint16_t *hi)
{
	size_t i;

	*lo = 0;
	*hi = 65535;
	if (c->any || c->n == 0)
		return;
	*lo = 65535;
	*hi = 0;
	for (i = 0; i < c->n; i++) {
		if (c->ranges[i].lo < *lo)
			*lo = c->ranges[i].lo;
		if (c->ranges[i].hi > *hi)
			*hi = c->ranges[i].hi;
	}
	if (*lo > *hi) {
		*lo = 0;
		*hi = 65535;
	}
}

static void
put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void
put32(unsigned char *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static void
encode_record(unsigned char *r, const struct policy_rule *rule)
{
	const struct policy_name_cond *j = &rule->jobname;
	uint16_t lo, hi;
	size_t len, i;

	memset(r, 0, CTL_SUMMARY_REC_LEN);
	r[0] = (unsigned char)(rule->dir & 3);
	len = j->len <= CTL_SUMMARY_JOB_MAX ? j->len : 0;
	if (j->any || len == 0 || (j->wildcard && j->pattern[len - 1] != '*')) {
		r[1] = CTL_SUMMARY_JOB_ANY;
	} else {
		r[1] = j->wildcard ? CTL_SUMMARY_JOB_WILD : 0;
		r[2] = (unsigned char)len;
		for (i = 0; i < len; i++) {
			char c = j->pattern[i];

			r[4 + i] = (unsigned char)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
		}
	}
	hull(&rule->lport, &lo, &hi);
	put16(r + 12, lo);
	put16(r + 14, hi);
	hull(&rule->rport, &lo, &hi);
	put16(r + 16, lo);
	put16(r + 18, hi);
}

enum at_rc
ctl_summary_build(const struct policy_rule *const *rules, size_t n, uint64_t generation,
    struct at_buf *out, struct at_err *err)
{
	size_t i, nrec = 0, total;
	uint16_t flags = 0;
	unsigned char *p;

	at_buf_reset(out);
	for (i = 0; i < n; i++)
		if (rules[i]->enabled) {
			nrec++;
			if (rules[i]->actions != NULL && rules[i]->actions->secondary_map &&
			    !rules[i]->actions->application_controlled)
				flags |= CTL_SUMMARY_F_SECMAP;
		}
	if (nrec > CTL_SUMMARY_MAX_RECS)
		return at_err_setx(err, AT_E_TOOBIG, "%zu enabled rules are more than a summary can count", nrec);
	total = CTL_SUMMARY_REC_OFF + nrec * CTL_SUMMARY_REC_LEN;
	if (total > out->max)
		return at_err_setx(err, AT_E_TOOBIG, "a summary of %zu bytes exceeds the buffer",
		    total);
	if (at_buf_reserve(out, total) != AT_OK)
		return at_err_setx(err, AT_E_NOMEM, "out of memory building the summary");
	p = out->data;
	memset(p, 0, total);
	/* Eight magic bytes, not a string: no terminator belongs there. */
	memcpy(p, CTL_SUMMARY_MAGIC, 8); /* NOLINT(bugprone-not-null-terminated-result) */
	put16(p + 8, CTL_SUMMARY_VERSION);
	put16(p + 10, flags);
	put32(p + 12, (uint32_t)nrec);
	put32(p + 16, (uint32_t)(generation >> 32));
	put32(p + 20, (uint32_t)generation);
	nrec = 0;
	for (i = 0; i < n; i++) {
		const struct policy_rule *r = rules[i];

		if (!r->enabled)
			continue;
		if ((r->dir & POLICY_DIR_INBOUND) != 0)
			set_bits(p + CTL_SUMMARY_HDR_LEN, &r->lport);
		if ((r->dir & POLICY_DIR_OUTBOUND) != 0)
			set_bits(p + CTL_SUMMARY_HDR_LEN + CTL_SUMMARY_BITMAP_LEN, &r->rport);
		encode_record(p + CTL_SUMMARY_REC_OFF + nrec * CTL_SUMMARY_REC_LEN, r);
		nrec++;
	}
	out->len = total;
	out->data[total] = '\0';
	return AT_OK;
}
