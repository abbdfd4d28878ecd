/*
 * gen_test.c - group numbers in EZD lines follow the first appearance of
 * each group action in search order, computed once per generation, for
 * any number of rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/gen.h"

/* Loads the policy text as a generation. */
static struct attlsd_gen *
load(const char *text)
{
	char path[] = "/tmp/attls-gen-test.XXXXXX";
	const char *paths[1] = { path };
	struct policy_load_opts opts = { 0 };
	struct policy_diags diags;
	struct attlsd_gen *g = NULL;
	struct at_err err;
	FILE *f;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
	opts.policy_paths = paths;
	opts.npolicy = 1;
	policy_diags_init(&diags);
	if (attlsd_gen_load(&opts, 1, &g, &diags, &err) != AT_OK)
		fail_msg("%s", err.msg);
	policy_diags_free(&diags);
	(void)unlink(path);
	return g;
}

static void
append(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s);

	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*buf = realloc(*buf, *cap);
		assert_non_null(*buf);
	}
	memcpy(*buf + *len, s, n + 1);
	*len += n;
}

/* n rules; rule i (priority n - i, so search order is i) uses group
 * "g<grp(i)>". */
static char *
policy_text(size_t n, unsigned (*grp)(size_t))
{
	char *buf = NULL, line[256];
	size_t len = 0, cap = 0, i;
	unsigned k, maxg = 0;

	for (i = 0; i < n; i++) {
		k = grp(i);
		if (k > maxg)
			maxg = k;
		(void)snprintf(line, sizeof(line), "TTLSRule r%zu\n{\n  LocalPortRange %zu\n"
		    "  Direction Inbound\n  Priority %zu\n  TTLSGroupActionRef g%u\n"
		    "  TTLSEnvironmentActionRef e\n}\n",
		    i, 1024 + i, n - i, k);
		append(&buf, &len, &cap, line);
	}
	for (k = 0; k <= maxg; k++) {
		(void)snprintf(line, sizeof(line), "TTLSGroupAction g%u\n{\n  TTLSEnabled On\n}\n",
		    k);
		append(&buf, &len, &cap, line);
	}
	append(&buf, &len, &cap, "TTLSEnvironmentAction e\n{\n  HandshakeRole Server\n"
	    "  TTLSKeyringParms\n  {\n    Keyring /nonexistent/ring.pem\n  }\n}\n");
	return buf;
}

static unsigned
pattern(size_t i)
{
	static const unsigned g[] = { 5, 3, 5, 0, 3, 9 };

	return g[i];
}

static unsigned
distinct(size_t i)
{
	return (unsigned)i;
}

static void
test_first_appearance(void **state)
{
	/* Groups by search order: g5 g3 g5 g0 g3 g9 -> 1 2 1 3 2 4. */
	static const uint32_t want[] = { 1, 2, 1, 3, 2, 4 };
	char *text = policy_text(6, pattern);
	struct attlsd_gen *g = load(text);
	size_t i;

	(void)state;
	assert_int_equal(policy_set_rule_count(g->set), 6);
	for (i = 0; i < 6; i++) {
		const struct policy_rule *r = policy_set_rule(g->set, i);

		assert_int_equal(strtoul(r->name + 1, NULL, 10), i);
		assert_int_equal(attlsd_gen_grpid(g, r), want[i]);
	}
	attlsd_gen_unref(g);
	free(text);
}

static void
test_many_groups(void **state)
{
	/* 20000 rules with a group each: numbering once is quick. */
	char *text = policy_text(20000, distinct);
	struct attlsd_gen *g = load(text);
	size_t i;

	(void)state;
	for (i = 0; i < 20000; i++)
		assert_int_equal(attlsd_gen_grpid(g, policy_set_rule(g->set, i)), i + 1);
	attlsd_gen_unref(g);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_appearance),
		cmocka_unit_test(test_many_groups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
