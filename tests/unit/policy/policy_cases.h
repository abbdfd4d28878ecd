/*
 * policy_cases.h - table-driven helpers shared by the policy loader tests:
 * a case is a policy text, the wanted return code and a wanted diagnostic
 * (severity and message substring).  A failure prints the case number,
 * its name and every diagnostic the load produced.
 */
#ifndef ATTLS_TEST_POLICY_CASES_H
#define ATTLS_TEST_POLICY_CASES_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "policy/policy.h"

/* A group, an environment with a key ring, and a rule wrapper. */
#define BASE_ACTIONS \
	"TTLSGroupAction g { TTLSEnabled On }\n" \
	"TTLSEnvironmentAction e\n{\n  HandshakeRole Server\n" \
	"  TTLSKeyringParms { Keyring ring1 }\n}\n"
#define RULE(name, body) \
	"TTLSRule " name "\n{\n" body "\n  TTLSGroupActionRef g\n" \
	"  TTLSEnvironmentActionRef e\n}\n"

struct pcase {
	const char *name;
	const char *text;
	enum at_rc want_rc;
	const char *want_msg;               /* NULL: no diagnostic wanted */
	enum policy_diag_severity want_sev;
	unsigned want_line;                 /* 0: any line */
};

#define OK_CASE(n, t) { n, t, AT_OK, NULL, POLICY_DIAG_ERROR, 0 }
#define ERR_CASE(n, t, m) { n, t, AT_E_INPUT, m, POLICY_DIAG_ERROR, 0 }
#define WARN_CASE(n, t, m) { n, t, AT_OK, m, POLICY_DIAG_WARNING, 0 }

static inline void
dump_diags(const struct policy_diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		print_message("    %s:%u:%u: %s: %s\n", d->v[i].file, d->v[i].line,
		    d->v[i].column, d->v[i].severity == POLICY_DIAG_ERROR ? "error" : "warning",
		    d->v[i].msg);
}

static inline bool
has_diag(const struct policy_diags *d, enum policy_diag_severity sev, const char *msg,
    unsigned line)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].severity == sev && strstr(d->v[i].msg, msg) != NULL &&
		    (line == 0 || d->v[i].line == line))
			return true;
	return false;
}

/* Loads c->text; checks rc and the diagnostic; returns the set (or NULL). */
static inline struct policy_set *
run_case(size_t i, const struct pcase *c, struct policy_diags *d)
{
	struct policy_set *set = NULL;
	struct at_err err;
	enum at_rc rc;
	bool good;

	policy_diags_init(d);
	rc = policy_set_load_text("test.policy", c->text, strlen(c->text), &set, d, &err);
	good = rc == c->want_rc;
	if (good && c->want_msg != NULL)
		good = has_diag(d, c->want_sev, c->want_msg, c->want_line);
	if (good && c->want_msg == NULL && c->want_rc == AT_OK)
		good = d->nerrors == 0 && d->nwarnings == 0;
	if (good && (rc == AT_OK) != (set != NULL))
		good = false;
	if (!good) {
		print_message("case %zu (%s): rc %d want %d; wanted %s '%s'; got:\n", i, c->name,
		    (int)rc, (int)c->want_rc,
		    c->want_sev == POLICY_DIAG_ERROR ? "error" : "warning",
		    c->want_msg != NULL ? c->want_msg : "(no diagnostic)");
		dump_diags(d);
		policy_set_free(set);
		policy_diags_free(d);
		fail();
	}
	return set;
}

static inline void
run_cases(const struct pcase *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct policy_diags d;
		struct policy_set *set = run_case(i, &cases[i], &d);

		policy_set_free(set);
		policy_diags_free(&d);
	}
}

#endif
