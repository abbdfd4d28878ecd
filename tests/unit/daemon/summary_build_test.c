/*
 * summary_build_test.c - the summary's port bitmaps have exactly the bits
 * of the rules' port ranges (ranges of every alignment and length, set a
 * byte at a time), and a policy with more rules than the old 65536-record
 * limit gets a summary that covers its last rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl/proto.h"
#include "ctl/summary.h"
#include "policy/rule.h"

static struct policy_rule
out_rule(struct policy_port_range *rp, size_t n, const char *job)
{
	struct policy_rule r;

	memset(&r, 0, sizeof(r));
	r.name = "r";
	r.dir = POLICY_DIR_OUTBOUND;
	r.enabled = true;
	r.lport.any = true;
	r.rport.n = n;
	r.rport.ranges = rp;
	r.jobname.len = strlen(job);
	memcpy(r.jobname.pattern, job, r.jobname.len);
	r.userid.any = true;
	return r;
}

static bool
bit(const unsigned char *bits, uint32_t p)
{
	return (bits[p >> 3] & (1u << (p & 7))) != 0;
}

static void
test_bitmap_exact(void **state)
{
	static const uint16_t edges[] = { 0, 1, 6, 7, 8, 9, 15, 16, 17, 23, 24, 100, 1023,
	    1024, 65527, 65528, 65534, 65535 };
	const size_t ne = sizeof(edges) / sizeof(edges[0]);
	struct policy_port_range rp[2];
	const struct policy_rule *p;
	struct policy_rule r;
	struct ctl_summary s;
	struct at_buf b;
	struct at_err err;
	size_t i, j;
	uint32_t q;

	(void)state;
	at_buf_init(&b, 1 << 20);
	for (i = 0; i < ne; i++) {
		for (j = i; j < ne; j++) {
			/* One range lo..hi and a one-port range elsewhere. */
			rp[0].lo = edges[i];
			rp[0].hi = edges[j];
			rp[1].lo = rp[1].hi = 40000;
			r = out_rule(rp, 2, "J");
			p = &r;
			assert_int_equal(ctl_summary_build(&p, 1, 1, &b, &err), AT_OK);
			assert_int_equal(ctl_summary_parse(b.data, b.len, &s, &err), AT_OK);
			for (q = 0; q <= 65535; q++)
				if (bit(s.out_bits, q) != ((q >= edges[i] && q <= edges[j]) ||
				    q == 40000))
					fail_msg("range %u-%u: bit %u wrong", edges[i], edges[j], q);
		}
	}
	at_buf_free(&b);
}

static void
test_many_rules(void **state)
{
	const size_t n = 65537;
	struct policy_port_range any = { 1024, 65535 };
	struct policy_rule *rules = calloc(n, sizeof(*rules));
	const struct policy_rule **p = calloc(n, sizeof(*p));
	struct ctl_summary s;
	struct at_buf b;
	struct at_err err;
	size_t i;

	(void)state;
	assert_non_null(rules);
	assert_non_null(p);
	for (i = 0; i < n; i++) {
		rules[i] = out_rule(&any, 1, i + 1 == n ? "LASTJOB" : "J");
		p[i] = &rules[i];
	}
	at_buf_init(&b, CTL_SUMMARY_REC_OFF + CTL_SUMMARY_REC_LEN * (n + 1));
	assert_int_equal(ctl_summary_build(p, n, 9, &b, &err), AT_OK);
	assert_int_equal(ctl_summary_parse(b.data, b.len, &s, &err), AT_OK);
	assert_int_equal(s.nrec, n);
	assert_true(ctl_summary_may_match(&s, CTL_DIR_OUTBOUND, 40000, 2000, "LASTJOB"));
	assert_false(ctl_summary_may_match(&s, CTL_DIR_OUTBOUND, 40000, 2000, "OTHER"));
	assert_false(ctl_summary_may_match(&s, CTL_DIR_OUTBOUND, 40000, 1000, "LASTJOB"));
	at_buf_free(&b);
	free(p);
	free(rules);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bitmap_exact),
		cmocka_unit_test(test_many_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
