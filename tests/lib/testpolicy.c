/* testpolicy.c - policy text and TLS contexts for tests (see testpolicy.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "engine/tlsctx.h"
#include "testpolicy.h"

struct policy_set *
testpolicy_load_env(const char *env_body)
{
	char text[4096];
	struct policy_diags diags;
	struct policy_set *set = NULL;
	struct at_err err;
	size_t i;
	int n;

	n = snprintf(text, sizeof(text),
	    "TTLSRule r\n{\n  LocalPortRange 443\n  Direction Both\n"
	    "  TTLSGroupActionRef g\n  TTLSEnvironmentActionRef e\n}\n"
	    "TTLSGroupAction g\n{\n  TTLSEnabled On\n}\n"
	    "TTLSEnvironmentAction e\n{\n  TTLSKeyringParms\n  {\n    Keyring ring\n  }\n"
	    "%s}\n", env_body);
	assert_true(n > 0 && (size_t)n < sizeof(text));
	policy_diags_init(&diags);
	if (policy_set_load_text("test.policy", text, (size_t)n, &set, &diags, &err) != AT_OK) {
		for (i = 0; i < diags.n; i++)
			fprintf(stderr, "%u:%u: %s\n", diags.v[i].line, diags.v[i].column,
			    diags.v[i].msg);
		fprintf(stderr, "%s\n", err.msg);
	}
	policy_diags_free(&diags);
	assert_non_null(set);
	return set;
}

const struct policy_actions *
testpolicy_actions(const struct policy_set *set)
{
	const struct policy_rule *r = policy_set_rule(set, 0);

	assert_non_null(r);
	return r->actions;
}

SSL_CTX *
testpolicy_ctx(const struct policy_actions *a, const struct testcert *leaf,
    const struct testcert *anchor, int want_sslrc)
{
	STACK_OF(X509) *cas = sk_X509_new_null();
	struct engine_creds c = { 0 };
	SSL_CTX *ctx = NULL;
	struct at_err err;
	enum at_rc rc;
	int sslrc = -1;

	assert_non_null(cas);
	if (leaf != NULL) {
		c.cert = leaf->cert;
		c.key = leaf->key;
	}
	if (anchor != NULL)
		assert_true(sk_X509_push(cas, anchor->cert) > 0);
	c.cas = cas;
	rc = engine_tlsctx_build(a, &c, &ctx, &sslrc, &err);
	sk_X509_free(cas);
	if (want_sslrc != 0) {
		assert_int_not_equal(rc, AT_OK);
		assert_int_equal(sslrc, want_sslrc);
		assert_null(ctx);
		return NULL;
	}
	if (rc != AT_OK)
		fprintf(stderr, "building a context: %s\n", err.msg);
	assert_int_equal(rc, AT_OK);
	assert_int_equal(sslrc, 0);
	return ctx;
}
