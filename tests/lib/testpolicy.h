/*
 * testpolicy.h - one-rule policies written as text for TLS tests, and the
 * contexts built from them.  Fails the running cmocka test on any error.
 */
#ifndef ATTLS_TESTS_TESTPOLICY_H
#define ATTLS_TESTS_TESTPOLICY_H

#include <openssl/ssl.h>

#include "policy/policy.h"
#include "testcert.h"

/*
 * Loads a policy with one rule whose environment action has env_body
 * (lines inside "TTLSEnvironmentAction e { ... }", key ring already given).
 * Caller frees with policy_set_free().
 */
struct policy_set *testpolicy_load_env(const char *env_body);

/* The actions of the set's first rule. */
const struct policy_actions *testpolicy_actions(const struct policy_set *set);

/*
 * Builds a context for a presenting leaf (may be NULL) and trusting anchor
 * (may be NULL).  With want_sslrc 0 the build must succeed and the context
 * is returned (caller frees); otherwise it must fail with that code and
 * NULL is returned.
 */
SSL_CTX *testpolicy_ctx(const struct policy_actions *a, const struct testcert *leaf,
    const struct testcert *anchor, int want_sslrc);

#endif
