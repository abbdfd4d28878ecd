/*
 * summary_test.c - the policy summary: what build encodes, what may_match
 * rules out and keeps, that the parser refuses every malformed file, and
 * that a mapped file is replaced when the daemon publishes a new one.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctl/proto.h"
#include "ctl/summary.h"
#include "policy/policy.h"
#include "policy/rule.h"

#define IN CTL_DIR_INBOUND
#define OUT CTL_DIR_OUTBOUND

static struct policy_port_range r443 = { 443, 443 };
static struct policy_port_range r8000 = { 8000, 8099 };
static struct policy_port_range r21 = { 21, 21 };

static struct policy_rule
rule(enum policy_dir dir, struct policy_port_range *lp, struct policy_port_range *rp,
    const char *job)
{
	struct policy_rule r;

	memset(&r, 0, sizeof(r));
	r.name = "r";
	r.dir = dir;
	r.enabled = true;
	r.lport.any = lp == NULL;
	r.lport.n = lp != NULL;
	r.lport.ranges = lp;
	r.rport.any = rp == NULL;
	r.rport.n = rp != NULL;
	r.rport.ranges = rp;
	r.jobname.any = job == NULL;
	if (job != NULL) {
		r.jobname.len = strlen(job);
		memcpy(r.jobname.pattern, job, r.jobname.len);
		r.jobname.wildcard = job[r.jobname.len - 1] == '*';
	}
	r.userid.any = true;
	return r;
}

static void
build(const struct policy_rule *rules, size_t n, struct at_buf *b, struct ctl_summary *s)
{
	const struct policy_rule *p[8];
	struct at_err err;
	size_t i, enabled = 0;

	for (i = 0; i < n; i++) {
		p[i] = &rules[i];
		enabled += rules[i].enabled;
	}
	at_buf_init(b, 1 << 20);
	assert_int_equal(ctl_summary_build(p, n, 77, b, &err), AT_OK);
	assert_int_equal(b->len, CTL_SUMMARY_REC_OFF + enabled * CTL_SUMMARY_REC_LEN);
	assert_int_equal(ctl_summary_parse(b->data, b->len, s, &err), AT_OK);
	assert_int_equal(s->generation, 77);
}

struct match_case {
	int dir;
	uint16_t lport, rport;
	const char *job;
	bool want;
};

static void
test_match(void **state)
{
	struct policy_rule rules[4];
	struct at_buf b;
	struct ctl_summary s;
	static const struct match_case cases[] = {
		{ OUT, 40000, 443, "CURL", true },     /* outbound 443, any job */
		{ OUT, 40000, 444, "CURL", false },    /* port not covered */
		{ IN, 443, 40000, "CURL", false },     /* direction not covered */
		{ IN, 8050, 40000, "WEBSRV1", true },  /* inbound range, job WEB* */
		{ IN, 8050, 40000, "web", true },      /* case-insensitive */
		{ IN, 8050, 40000, "CURL", false },    /* job rules it out */
		{ IN, 8050, 40000, "", false },        /* no job: only rules without one */
		{ IN, 8100, 40000, "WEBSRV1", false },
		{ OUT, 21, 40000, "FTP", true },       /* both-direction rule, exact job */
		{ IN, 40000, 21, "FTP", false },       /* it needs local port 21 */
		{ IN, 21, 40000, "FTP", true },
		{ OUT, 21, 5, "FTPX", false },         /* exact match only */
		{ OUT, 21, 5, "FT", false },
	};
	size_t i;

	(void)state;
	rules[0] = rule(POLICY_DIR_OUTBOUND, NULL, &r443, NULL);
	rules[1] = rule(POLICY_DIR_INBOUND, &r8000, NULL, "WEB*");
	rules[2] = rule(POLICY_DIR_BOTH, &r21, NULL, "FTP");
	rules[3] = rule(POLICY_DIR_OUTBOUND, NULL, NULL, "DISABLED");
	rules[3].enabled = false;
	build(rules, 4, &b, &s);
	assert_int_equal(s.nrec, 3);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool got = ctl_summary_may_match(&s, cases[i].dir, cases[i].lport,
		    cases[i].rport, cases[i].job);

		if (got != cases[i].want)
			fail_msg("case %zu: got %d, want %d", i, got, cases[i].want);
	}
	/* The disabled rule is left out: its jobname is not "may match". */
	assert_false(ctl_summary_may_match(&s, OUT, 1, 2, "DISABLED"));
	at_buf_free(&b);
}

static void
test_any_port_sets_all(void **state)
{
	struct policy_rule r = rule(POLICY_DIR_BOTH, NULL, NULL, NULL);
	struct at_buf b;
	struct ctl_summary s;

	(void)state;
	build(&r, 1, &b, &s);
	assert_true(ctl_summary_may_match(&s, IN, 0, 0, NULL));
	assert_true(ctl_summary_may_match(&s, OUT, 65535, 65535, "X"));
	assert_true(ctl_summary_may_match(&s, 99, 1, 1, NULL)); /* unknown dir: ask */
	at_buf_free(&b);
}

static void
test_empty_policy(void **state)
{
	struct at_buf b;
	struct ctl_summary s;

	(void)state;
	build(NULL, 0, &b, &s);
	assert_false(ctl_summary_may_match(&s, IN, 443, 1, NULL));
	assert_false(ctl_summary_may_match(&s, OUT, 1, 443, "ANY"));
	at_buf_free(&b);
}

static void
test_parse_refuses(void **state)
{
	struct policy_rule r = rule(POLICY_DIR_INBOUND, &r443, NULL, "AB*");
	struct at_buf b;
	struct ctl_summary s;
	struct at_err err;
	unsigned char *copy;
	size_t i;
	struct {
		size_t off;
		unsigned char val;
	} const bad[] = {
		{ 0, 'X' },                                 /* magic */
		{ 9, 2 },                                   /* version */
		{ 15, 2 },                                  /* record count */
		{ CTL_SUMMARY_REC_OFF, 0 },                 /* direction */
		{ CTL_SUMMARY_REC_OFF, 4 },
		{ CTL_SUMMARY_REC_OFF + 1, 0x80 },          /* job flags */
		{ CTL_SUMMARY_REC_OFF + 2, 9 },             /* job length */
		{ CTL_SUMMARY_REC_OFF + 6, 'C' },           /* wildcard without '*' */
		{ CTL_SUMMARY_REC_OFF + 12, 0xff },         /* lport lo > hi */
	};

	(void)state;
	build(&r, 1, &b, &s);
	copy = malloc(b.len);
	assert_non_null(copy);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(copy, b.data, b.len);
		copy[bad[i].off] = bad[i].val;
		if (ctl_summary_parse(copy, b.len, &s, &err) != AT_E_INPUT)
			fail_msg("case %zu accepted", i);
		assert_null(s.recs);
	}
	for (i = 0; i < b.len; i += 1 + i / 3)
		assert_int_equal(ctl_summary_parse(b.data, i, &s, &err), AT_E_INPUT);
	assert_int_equal(ctl_summary_parse(b.data, b.len - 1, &s, &err), AT_E_INPUT);
	free(copy);
	at_buf_free(&b);
}

static void
test_map_and_replace(void **state)
{
	struct policy_rule r1 = rule(POLICY_DIR_OUTBOUND, NULL, &r443, NULL);
	struct policy_rule r2 = rule(POLICY_DIR_OUTBOUND, NULL, &r21, NULL);
	struct ctl_summary_file f;
	struct ctl_summary s;
	struct at_buf b1, b2, bad;
	struct at_err err;
	char dir[] = "/tmp/attls-summary-XXXXXX", path[256], big[600];

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_non_null(mkdtemp(dir));
	assert_int_equal(ctl_summary_path(dir, path, sizeof(path), &err), AT_OK);
	assert_int_equal(strlen(path), strlen(dir) + strlen(CTL_SUMMARY_SUFFIX));
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(ctl_summary_path(big, path, 100, &err), AT_E_TOOBIG);
	assert_int_equal(ctl_summary_path(dir, path, sizeof(path), &err), AT_OK);

	/* No file: nothing mapped, not an error. */
	assert_int_equal(ctl_summary_map(&f, path, 0, &err), AT_OK);
	assert_false(f.present);

	build(&r1, 1, &b1, &s);
	assert_int_equal(ctl_summary_write(path, &b1, &err), AT_OK);
	assert_int_equal(ctl_summary_map(&f, path, 0, &err), AT_OK);
	assert_true(f.present);
	assert_true(ctl_summary_may_match(&f.sum, OUT, 1, 443, NULL));

	/* Within the interval the file is not looked at again. */
	build(&r2, 1, &b2, &s);
	assert_int_equal(ctl_summary_write(path, &b2, &err), AT_OK);
	assert_int_equal(ctl_summary_map(&f, path, 60000, &err), AT_OK);
	assert_true(ctl_summary_may_match(&f.sum, OUT, 1, 443, NULL));
	/* After it, the new file replaces the old. */
	assert_int_equal(ctl_summary_map(&f, path, 0, &err), AT_OK);
	assert_false(ctl_summary_may_match(&f.sum, OUT, 1, 443, NULL));
	assert_true(ctl_summary_may_match(&f.sum, OUT, 1, 21, NULL));

	/* A broken file is refused and nothing stays mapped. */
	at_buf_init(&bad, 100);
	assert_int_equal(at_buf_append(&bad, "ATLSSUMM", 8), AT_OK);
	assert_int_equal(ctl_summary_write(path, &bad, &err), AT_OK);
	assert_int_equal(ctl_summary_map(&f, path, 0, &err), AT_E_INPUT);
	assert_false(f.present);
	assert_non_null(strstr(err.msg, path));

	/* Removed: nothing mapped. */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(ctl_summary_map(&f, path, 0, &err), AT_OK);
	assert_false(f.present);
	assert_int_equal(ctl_summary_write("/nonexistent-dir/x.summary", &b1, &err), AT_E_IO);
	ctl_summary_unmap(&f);
	assert_int_equal(rmdir(dir), 0);
	at_buf_free(&b1);
	at_buf_free(&b2);
	at_buf_free(&bad);
}

static void
test_build_limits(void **state)
{
	struct policy_rule r = rule(POLICY_DIR_OUTBOUND, NULL, &r443, NULL);
	const struct policy_rule *p = &r;
	struct at_buf b;
	struct at_err err;

	(void)state;
	at_buf_init(&b, 100);
	assert_int_equal(ctl_summary_build(&p, 1, 1, &b, &err), AT_E_TOOBIG);
	at_buf_free(&b);
}
/* The flag that makes the shim ask attlsd about connections no record
 * covers: set only by an enabled, transparently protected SecondaryMap
 * rule; and a reader takes a flag it does not know without complaint. */
static void
test_secondary_map_flag(void **state)
{
	struct policy_actions plain, sec, applctl;
	struct policy_rule r[2];
	struct at_buf b;
	struct ctl_summary s;
	struct at_err err;

	(void)state;
	memset(&plain, 0, sizeof(plain));
	sec = applctl = plain;
	sec.secondary_map = true;
	applctl.secondary_map = true;
	applctl.application_controlled = true;
	r[0] = rule(POLICY_DIR_OUTBOUND, NULL, &r21, NULL);
	r[1] = rule(POLICY_DIR_INBOUND, &r443, NULL, NULL);
	r[0].actions = &plain;
	r[1].actions = &plain;
	build(r, 2, &b, &s);
	assert_int_equal(s.flags, 0);
	at_buf_free(&b);
	r[1].actions = &applctl;
	build(r, 2, &b, &s);
	assert_int_equal(s.flags, 0);
	at_buf_free(&b);
	r[1].actions = &sec;
	r[1].enabled = false;
	build(r, 2, &b, &s);
	assert_int_equal(s.flags, 0);
	at_buf_free(&b);
	r[1].enabled = true;
	build(r, 2, &b, &s);
	assert_int_equal(s.flags, CTL_SUMMARY_F_SECMAP);
	/* The secondary flag says nothing about the ports. */
	assert_false(ctl_summary_may_match(&s, OUT, 40000, 40001, NULL));
	b.data[11] |= 0x80;
	assert_int_equal(ctl_summary_parse(b.data, b.len, &s, &err), AT_OK);
	at_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_any_port_sets_all),
		cmocka_unit_test(test_empty_policy),
		cmocka_unit_test(test_parse_refuses),
		cmocka_unit_test(test_map_and_replace),
		cmocka_unit_test(test_build_limits),
		cmocka_unit_test(test_secondary_map_flag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
