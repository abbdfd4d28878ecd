/*
 * explain_test.c - the reason given for every rule, the text and JSON
 * layouts, JSON string escaping, and explain on a policy loaded from text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <netinet/in.h>

#include "common/buf.h"
#include "policy/addr.h"
#include "policy/explain.h"
#include "policy/match.h"
#include "policy/policy.h"

static const struct policy_port_range p443 = { 443, 443 };
static struct policy_addr_range v6only;

static struct policy_rule
rule(const char *name, uint32_t prio, enum policy_dir dir)
{
	struct policy_rule r;

	memset(&r, 0, sizeof(r));
	r.name = name;
	r.priority = prio;
	r.dir = dir;
	r.enabled = true;
	r.laddr.any = r.raddr.any = r.lport.any = r.rport.any = true;
	r.jobname.any = r.userid.any = true;
	return r;
}

static void
conn(struct policy_conn *c, const char *local, const char *remote, const char *job)
{
	int fam;
	struct at_err err;

	memset(c, 0, sizeof(*c));
	c->dir = POLICY_DIR_INBOUND;
	assert_int_equal(policy_endpoint_parse(local, "l", &c->family, c->laddr, &c->lport, &err), AT_OK);
	assert_int_equal(policy_endpoint_parse(remote, "r", &fam, c->raddr, &c->rport, &err), AT_OK);
	c->jobname = job;
	c->now = 1795262400; /* 2026-11-21T12:00:00Z */
}

struct want {
	const char *name;
	enum policy_verdict verdict;
	enum policy_cond cond;
	const char *reason; /* a substring of the reason */
};

static void
test_reasons(void **state)
{
	struct policy_rule r[7];
	const struct policy_rule *ptrs[7];
	struct policy_time_cond night;
	struct policy_explanation *x = NULL;
	struct policy_conn c;
	struct at_buf b;
	struct at_err err;
	size_t i;
	int fam;
	static const struct want want[] = {
		{ "A", POLICY_VERDICT_FAILED, POLICY_COND_JOBNAME, "jobname USER1 does not match DSN*" },
		{ "N", POLICY_VERDICT_FAILED, POLICY_COND_TIME, "2026-11-21T12:00:00Z is outside" },
		{ "B", POLICY_VERDICT_WINNER, POLICY_COND_NONE, "the winning rule" },
		{ "C", POLICY_VERDICT_NAME_AFTER, POLICY_COND_NONE, "same priority (10), name sorts after" },
		{ "D", POLICY_VERDICT_FAILED, POLICY_COND_DIRECTION, "for outbound connections, this one is inbound" },
		{ "E", POLICY_VERDICT_FAILED, POLICY_COND_RADDR, "is IPv4; the rule's RemoteAddr has no IPv4" },
		{ "F", POLICY_VERDICT_LOWER_PRIORITY, POLICY_COND_NONE, "lower priority (1) than the winning rule (10)" },
	};

	(void)state;
	r[0] = rule("A", 20, POLICY_DIR_INBOUND);
	r[0].lport = (struct policy_port_cond){ false, 1, &p443 };
	r[0].jobname = (struct policy_name_cond){ false, true, 4, "DSN*" };
	r[1] = rule("N", 15, POLICY_DIR_BOTH);
	memset(&night, 0, sizeof(night));
	night.utc = true;
	night.month_mask = 0xfff;
	night.day_of_month_mask = (1ull << 62) - 1;
	night.day_of_week_mask = 0x7f;
	night.tod_from = 22 * 60;
	night.tod_to = 6 * 60;
	r[1].time = &night;
	r[2] = rule("B", 10, POLICY_DIR_INBOUND);
	r[2].lport = (struct policy_port_cond){ false, 1, &p443 };
	r[3] = rule("C", 10, POLICY_DIR_BOTH);
	r[4] = rule("D", 5, POLICY_DIR_OUTBOUND);
	r[5] = rule("E", 3, POLICY_DIR_INBOUND);
	assert_int_equal(policy_addr_parse("2001:db8::1", &fam, v6only.lo, &err), AT_OK);
	memcpy(v6only.hi, v6only.lo, 16);
	v6only.family = fam;
	r[5].raddr = (struct policy_addr_cond){ false, 1, &v6only };
	r[6] = rule("F", 1, POLICY_DIR_BOTH);
	for (i = 0; i < 7; i++)
		ptrs[i] = &r[i];
	conn(&c, "10.0.0.1:443", "10.0.0.2:50000", "USER1");

	assert_int_equal(policy_explain(ptrs, 7, &c, &x, &err), AT_OK);
	assert_ptr_equal(x->winner, &r[2]);
	assert_ptr_equal(x->winner, policy_match_linear(ptrs, 7, &c));
	at_buf_init(&b, 1 << 16);
	for (i = 0; i < 7; i++) {
		const struct policy_explain_entry *e = &x->entries[i];

		at_buf_reset(&b);
		assert_int_equal(policy_explain_reason(x, e, &b, &err), AT_OK);
		if (strcmp(e->rule->name, want[i].name) != 0 || e->verdict != want[i].verdict ||
		    e->failed != want[i].cond || strstr(at_buf_cstr(&b), want[i].reason) == NULL)
			fail_msg("entry %zu: got %s verdict %d cond %d '%s'; want %s %d %d '%s'", i,
			    e->rule->name, e->verdict, e->failed, at_buf_cstr(&b), want[i].name,
			    want[i].verdict, want[i].cond, want[i].reason);
	}

	at_buf_reset(&b);
	assert_int_equal(policy_explain_format(x, false, &b, &err), AT_OK);
	assert_int_equal(strncmp(at_buf_cstr(&b), "rule: B\n", 8), 0);
	assert_non_null(strstr(at_buf_cstr(&b), "  A: jobname USER1 does not match DSN*\n"));
	assert_non_null(strstr(at_buf_cstr(&b), "  F: lower priority"));
	assert_null(strstr(at_buf_cstr(&b), "  B: "));

	at_buf_reset(&b);
	assert_int_equal(policy_explain_format(x, true, &b, &err), AT_OK);
	assert_non_null(strstr(at_buf_cstr(&b), "\"rule\":\"B\",\"cleartext\":false"));
	assert_non_null(strstr(at_buf_cstr(&b), "\"jobname\":\"USER1\""));
	assert_non_null(strstr(at_buf_cstr(&b), "\"condition\":\"remote address\""));
	policy_explanation_free(x);

	/* A connection without a jobname; a disabled winner. */
	r[2].enabled = false;
	conn(&c, "10.0.0.1:443", "10.0.0.2:50000", NULL);
	assert_int_equal(policy_explain(ptrs, 7, &c, &x, &err), AT_OK);
	at_buf_reset(&b);
	assert_int_equal(policy_explain_reason(x, &x->entries[0], &b, &err), AT_OK);
	assert_string_equal(at_buf_cstr(&b), "the connection has no jobname; the rule requires DSN*");
	at_buf_reset(&b);
	assert_int_equal(policy_explain_format(x, false, &b, &err), AT_OK);
	assert_non_null(strstr(at_buf_cstr(&b), "TTLSEnabled Off"));
	at_buf_reset(&b);
	assert_int_equal(policy_explain_format(x, true, &b, &err), AT_OK);
	assert_non_null(strstr(at_buf_cstr(&b), "\"cleartext\":true,\"ttls_enabled\":false"));
	assert_non_null(strstr(at_buf_cstr(&b), "\"jobname\":null"));
	policy_explanation_free(x);

	/* No rule at all. */
	assert_int_equal(policy_explain(ptrs, 0, &c, &x, &err), AT_OK);
	at_buf_reset(&b);
	assert_int_equal(policy_explain_format(x, false, &b, &err), AT_OK);
	assert_string_equal(at_buf_cstr(&b), "rule: none (cleartext)\n");
	at_buf_reset(&b);
	assert_int_equal(policy_explain_format(x, true, &b, &err), AT_OK);
	assert_non_null(strstr(at_buf_cstr(&b), "\"rule\":null,\"cleartext\":true,\"ttls_enabled\":null,\"actions\":null,\"rules\":[]}"));
	policy_explanation_free(x);
	policy_explanation_free(NULL);

	/* A buffer too small is an error, not a truncation. */
	assert_int_equal(policy_explain(ptrs, 7, &c, &x, &err), AT_OK);
	at_buf_free(&b);
	at_buf_init(&b, 40);
	assert_int_equal(policy_explain_format(x, false, &b, &err), AT_E_TOOBIG);
	assert_int_equal(policy_explain_format(x, true, &b, &err), AT_E_TOOBIG);
	policy_explanation_free(x);
	at_buf_free(&b);
}

struct json_case {
	const char *in;
	const char *want;
};

static const struct json_case json_cases[] = {
	{ "plain", "\"plain\"" },
	{ "", "\"\"" },
	{ "a\"b\\c", "\"a\\\"b\\\\c\"" },
	{ "tab\there\nnl", "\"tab\\there\\nnl\"" },
	{ "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },
	{ "caf\xc3\xa9", "\"caf\\u00c3\\u00a9\"" },
	{ "Db2ServerRule~1", "\"Db2ServerRule~1\"" },
	{ NULL, "null" },
};

static void
test_json_string(void **state)
{
	struct at_buf b;
	size_t i;

	(void)state;
	at_buf_init(&b, 1024);
	for (i = 0; i < sizeof(json_cases) / sizeof(json_cases[0]); i++) {
		at_buf_reset(&b);
		assert_int_equal(policy_explain_json_str(&b, json_cases[i].in), AT_OK);
		if (strcmp(at_buf_cstr(&b), json_cases[i].want) != 0)
			fail_msg("case %zu: got %s, want %s", i, at_buf_cstr(&b), json_cases[i].want);
	}
	at_buf_free(&b);
}

static const char mix_policy[] =
    "TTLSRule B-rule\n{\n  LocalPortRange 8443\n  Direction Both\n  Priority 100\n"
    "  TTLSGroupActionRef gOff\n}\n"
    "TTLSRule A-rule\n{\n  LocalPortRange 8443\n  Direction Inbound\n  Priority 100\n"
    "  Jobname WEB*\n  TTLSGroupActionRef gOn\n  TTLSEnvironmentActionRef eSrv\n}\n"
    "TTLSRule Night\n{\n  LocalPortRange 8443\n  Direction Inbound\n  Priority 200\n"
    "  IpTimeCondition\n  {\n    FromTimeOfDay 22:00\n    ToTimeOfDay 06:00\n"
    "    TimeZone UTC\n  }\n  TTLSGroupActionRef gOn\n  TTLSEnvironmentActionRef eSrv\n}\n"
    "TTLSRule Db2ServerRule~1\n{\n  LocalAddrSetRef addr1\n  RemoteAddrSetRef addr1\n"
    "  LocalPortRangeRef portR1\n  RemotePortRangeRef portR2\n  Jobname DSN2DIST\n"
    "  Direction Inbound\n  Priority 255\n  TTLSGroupActionRef gOn\n"
    "  TTLSEnvironmentActionRef eSrv\n}\n"
    "TTLSRule V6\n{\n  LocalAddr 2001:db8::/32\n  Direction Inbound\n  Priority 300\n"
    "  TTLSGroupActionRef gOn\n  TTLSEnvironmentActionRef eSrv\n}\n"
    "IpAddrSet addr1\n{\n  Prefix 0.0.0.0/0\n}\n"
    "PortRange portR1\n{\n  Port 2445\n}\nPortRange portR2\n{\n  Port 1024-65535\n}\n"
    "TTLSGroupAction gOff\n{\n  TTLSEnabled Off\n}\n"
    "TTLSGroupAction gOn\n{\n  TTLSEnabled On\n}\n"
    "TTLSEnvironmentAction eSrv\n{\n  HandshakeRole Server\n"
    "  TTLSKeyringParms\n  {\n    Keyring web.ring\n  }\n}\n";

struct text_case {
	enum policy_dir dir;
	const char *local, *remote, *job;
	time_t now;
	const char *want;      /* winning rule, NULL for none */
	const char *other;     /* a losing rule ... */
	const char *reason;    /* ... and a substring of its reason */
};

#define NOON 1795262400    /* 2026-11-21T12:00:00Z */
#define LATE (NOON + 11 * 3600 + 1800)

static const struct text_case text_cases[] = {
	{ POLICY_DIR_INBOUND, "10.0.0.1:2445", "10.0.0.2:1024", "DSN2DIST", NOON,
	  "Db2ServerRule~1", "A-rule", "local port 2445" },
	{ POLICY_DIR_INBOUND, "10.0.0.1:2445", "10.0.0.2:1023", "DSN2DIST", NOON,
	  NULL, "Db2ServerRule~1", "remote port 1023" },
	{ POLICY_DIR_INBOUND, "10.0.0.1:2445", "10.0.0.2:5000", "DSN3DIST", NOON,
	  NULL, "Db2ServerRule~1", "jobname DSN3DIST does not match DSN2DIST" },
	{ POLICY_DIR_INBOUND, "10.0.0.1:8443", "10.0.0.2:5000", "webserv", NOON,
	  "A-rule", "B-rule", "same priority (100), name sorts after" },
	{ POLICY_DIR_INBOUND, "10.0.0.1:8443", "10.0.0.2:5000", "webserv", LATE,
	  "Night", "A-rule", "lower priority (100) than the winning rule (200)" },
	{ POLICY_DIR_OUTBOUND, "10.0.0.1:8443", "10.0.0.2:5000", NULL, NOON,
	  "B-rule", "Night", "the rule is for inbound connections" },
	{ POLICY_DIR_INBOUND, "[2001:db8::1]:2445", "[2001:db8::2]:5000", "DSN2DIST", NOON,
	  "V6", "Night", "local port 2445 is not in the rule's LocalPortRange" },
	{ POLICY_DIR_INBOUND, "[2001:db9::1]:2445", "[2001:db8::2]:5000", "DSN2DIST", NOON,
	  NULL, "Db2ServerRule~1", "2001:db9::1 is IPv6; the rule's LocalAddr has no IPv6" },
};

static void
test_policy_text(void **state)
{
	struct policy_diags d;
	struct policy_set *set = NULL;
	struct policy_matcher *m = NULL;
	struct policy_explanation *x = NULL;
	const struct policy_rule *ptrs[16];
	struct policy_conn c;
	struct at_buf b;
	struct at_err err;
	size_t n, i, j;
	int fam;

	(void)state;
	policy_diags_init(&d);
	if (policy_set_load_text("mix.policy", mix_policy, sizeof(mix_policy) - 1, &set, &d,
	    &err) != AT_OK)
		fail_msg("load: %s (%s)", err.msg, d.n ? d.v[0].msg : "");
	n = policy_set_rule_count(set);
	assert_int_equal(n, 5);
	for (i = 0; i < n; i++)
		ptrs[i] = policy_set_rule(set, i);
	assert_int_equal(policy_matcher_build(ptrs, n, &m, &err), AT_OK);
	at_buf_init(&b, 1 << 20);
	for (i = 0; i < sizeof(text_cases) / sizeof(text_cases[0]); i++) {
		const struct text_case *tc = &text_cases[i];

		memset(&c, 0, sizeof(c));
		c.dir = tc->dir;
		assert_int_equal(policy_endpoint_parse(tc->local, "l", &c.family, c.laddr, &c.lport, &err), AT_OK);
		assert_int_equal(policy_endpoint_parse(tc->remote, "r", &fam, c.raddr, &c.rport, &err), AT_OK);
		c.jobname = tc->job;
		c.now = tc->now;
		assert_int_equal(policy_explain(ptrs, n, &c, &x, &err), AT_OK);
		assert_ptr_equal(x->winner, policy_match(m, &c));
		if (tc->want == NULL ? x->winner != NULL :
		    x->winner == NULL || strcmp(x->winner->name, tc->want) != 0)
			fail_msg("case %zu: got %s, want %s", i, x->winner ? x->winner->name : "none",
			    tc->want ? tc->want : "none");
		for (j = 0; j < n; j++) {
			if (strcmp(x->entries[j].rule->name, tc->other) != 0)
				continue;
			at_buf_reset(&b);
			assert_int_equal(policy_explain_reason(x, &x->entries[j], &b, &err), AT_OK);
			if (strstr(at_buf_cstr(&b), tc->reason) == NULL)
				fail_msg("case %zu: %s: '%s' lacks '%s'", i, tc->other, at_buf_cstr(&b),
				    tc->reason);
		}
		at_buf_reset(&b);
		assert_int_equal(policy_explain_format(x, false, &b, &err), AT_OK);
		assert_int_equal(strncmp(at_buf_cstr(&b), "rule: ", 6), 0);
		at_buf_reset(&b);
		assert_int_equal(policy_explain_format(x, true, &b, &err), AT_OK);
		assert_int_equal(at_buf_cstr(&b)[0], '{');
		policy_explanation_free(x);
		x = NULL;
	}
	at_buf_free(&b);
	policy_matcher_free(m);
	policy_set_free(set);
	policy_diags_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_json_string),
		cmocka_unit_test(test_policy_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
