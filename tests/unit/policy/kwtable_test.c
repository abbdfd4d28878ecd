/*
 * kwtable_test.c - the structural guarantee behind "every setting is
 * applied, refused, or accepted with a warning that says it has no effect
 * here": every parameter of every statement in the keyword table is either
 * marked applied, naming the test that shows it, or marked as having no
 * effect, with the reason; and each one marked so, written with a value
 * other than its default, really draws that warning from `attls policy
 * check`.  A parameter added to the table without a mark fails here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "policy/policy_int.h"

static bool
structural(const struct policy_kw *k)
{
	return k->kind == K_REF || k->kind == K_INLINE;
}

static void
test_every_parameter_is_marked(void **state)
{
	enum policy_stype t;
	unsigned bad = 0, n = 0;

	(void)state;
	for (t = ST_RULE; t < ST_COUNT; t++) {
		const struct policy_stmt_def *d = policy_stmt_def(t);
		const struct policy_kw *k;

		assert_non_null(d);
		for (k = d->kws; k->name != NULL; k++) {
			if (structural(k))
				continue;
			n++;
			if ((k->applied == NULL) == (k->noeffect == NULL)) {
				print_message("%s %s: marked %s\n", d->name, k->name,
				    k->applied == NULL ? "neither applied nor without effect" :
				    "both applied and without effect");
				bad++;
			} else if (k->applied != NULL && k->applied[0] == '\0') {
				print_message("%s %s: applied by no named test\n", d->name, k->name);
				bad++;
			}
		}
	}
	assert_true(n > 100);
	assert_int_equal(bad, 0);
}

/* A value of k that is not its default (and not Off), or NULL. */
static const char *
other_value(const struct policy_kw *k, char *buf, size_t len)
{
	const struct policy_enum *e;

	switch (k->kind) {
	case K_BOOL:
	case K_PROTO:
		return "On";
	case K_ENUM:
		for (e = k->enums; e != NULL && e->name != NULL; e++)
			if (k->dflt == NULL || strcmp(e->name, k->dflt) != 0)
				return e->name;
		return NULL;
	case K_U32:
		(void)snprintf(buf, len, "%llu", (unsigned long long)k->max);
		if (k->dflt != NULL && strcmp(buf, k->dflt) == 0)
			(void)snprintf(buf, len, "%llu", (unsigned long long)k->min);
		return buf;
	case K_STR:
	case K_LABEL:
	case K_STRLIST:
		return "x.example";
	case K_V2CIPH:
		return "1";
	case K_HEXLIST:
		return "0401";
	default:
		return NULL;
	}
}

struct text {
	char *p;
	size_t len, n;
	bool full;
};

static void add(struct text *t, const char *fmt, ...) AT_PRINTF(2, 3);

static void
add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(t->p + t->n, t->len - t->n, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= t->len - t->n)
		t->full = true;
	else
		t->n += (size_t)w;
}

/* " name { line }" as lines when t is want. */
static void
block(struct text *o, enum policy_stype t, enum policy_stype want, const char *name,
    const char *line)
{
	if (t == want)
		add(o, " %s\n {\n  %s\n }\n", name, line);
}

/*
 * A one-rule policy with line in a statement of type t, or false when this
 * test does not know where such a statement goes.
 */
static bool
policy_with(enum policy_stype t, const char *line, char *out, size_t len)
{
	struct text o = { out, len, 0, false };
	bool conn = t == ST_CONN || t == ST_CONN_ADV;
	const char *nested = t == ST_GSK_LDAP ? "TTLSGskLdapParms" : t == ST_GSK_OCSP ?
	    "TTLSGskOcspParms" : t == ST_GSK_HTTPCDP ? "TTLSGskHttpCdpParms" : NULL;

	if (t != ST_GROUP && t != ST_GROUP_ADV && t != ST_ENV && t != ST_ENV_ADV &&
	    t != ST_KEYRING && t != ST_CIPHER && t != ST_SIGNATURE && t != ST_GSK_ADV &&
	    nested == NULL && !conn)
		return false;
	add(&o, "TTLSGroupAction g\n{\n TTLSEnabled On\n");
	if (t == ST_GROUP)
		add(&o, " %s\n", line);
	block(&o, t, ST_GROUP_ADV, "TTLSGroupAdvancedParms", line);
	add(&o, "}\nTTLSEnvironmentAction e\n{\n HandshakeRole Server\n"
	    " TTLSKeyringParms\n {\n  Keyring k\n");
	if (t == ST_KEYRING)
		add(&o, "  %s\n", line);
	add(&o, " }\n");
	if (t == ST_ENV)
		add(&o, " %s\n", line);
	block(&o, t, ST_ENV_ADV, "TTLSEnvironmentAdvancedParms", line);
	block(&o, t, ST_CIPHER, "TTLSCipherParms", line);
	block(&o, t, ST_SIGNATURE, "TTLSSignatureParms", line);
	block(&o, t, ST_GSK_ADV, "TTLSGskAdvancedParms", line);
	if (nested != NULL)
		add(&o, " TTLSGskAdvancedParms\n {\n  %s\n  {\n   %s\n  }\n }\n", nested,
		    line);
	add(&o, "}\n");
	if (conn) {
		add(&o, "TTLSConnectionAction c\n{\n");
		if (t == ST_CONN)
			add(&o, " %s\n", line);
		block(&o, t, ST_CONN_ADV, "TTLSConnectionAdvancedParms", line);
		add(&o, "}\n");
	}
	add(&o, "TTLSRule r\n{\n Direction Inbound\n LocalPortRange 1\n"
	    " TTLSGroupActionRef g\n TTLSEnvironmentActionRef e\n%s}\n",
	    conn ? " TTLSConnectionActionRef c\n" : "");
	return !o.full;
}

static bool
has_warning(const struct policy_diags *d, const char *want)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].severity == POLICY_DIAG_WARNING && strstr(d->v[i].msg, want) != NULL)
			return true;
	return false;
}

/* Each parameter marked without effect says so when it asks for something. */
static void
test_no_effect_warns(void **state)
{
	enum policy_stype t;
	unsigned bad = 0, n = 0;

	(void)state;
	for (t = ST_RULE; t < ST_COUNT; t++) {
		const struct policy_stmt_def *d = policy_stmt_def(t);
		const struct policy_kw *k;

		for (k = d->kws; k->name != NULL; k++) {
			char val[32], line[128], text[2048], want[POLICY_DIAG_MSG_MAX];
			const char *v;
			struct policy_diags diags;
			struct policy_set *set = NULL;
			struct at_err err;
			enum at_rc rc;

			/* Off never warns, so a switch that is On by default
			 * has no value that asks for something. */
			if (structural(k) || k->noeffect == NULL ||
			    (t == ST_CONN_ADV && k->env_only) ||
			    (k->kind == K_BOOL && k->dflt != NULL && strcmp(k->dflt, "On") == 0))
				continue;
			v = other_value(k, val, sizeof(val));
			(void)snprintf(line, sizeof(line), "%s %s", k->name, v != NULL ? v : "");
			if (v == NULL || !policy_with(t, line, text, sizeof(text))) {
				print_message("%s %s: the test cannot write it\n", d->name, k->name);
				bad++;
				continue;
			}
			n++;
			(void)snprintf(want, sizeof(want), "%s has no effect here: %s", k->name,
			    k->noeffect);
			policy_diags_init(&diags);
			rc = policy_set_load_text("kw.policy", text, strlen(text), &set, &diags,
			    &err);
			if (rc != AT_OK || !has_warning(&diags, want)) {
				size_t i;

				print_message("%s '%s': rc %d, no warning '%s'; got:\n", d->name,
				    line, (int)rc, want);
				for (i = 0; i < diags.n; i++)
					print_message("    %u: %s\n", diags.v[i].line, diags.v[i].msg);
				bad++;
			}
			policy_set_free(set);
			policy_diags_free(&diags);
		}
	}
	assert_true(n > 30);
	assert_int_equal(bad, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_parameter_is_marked),
		cmocka_unit_test(test_no_effect_warns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
