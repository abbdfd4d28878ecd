/*
 * ratelimit_test.c - the service's limit on failed verifications: it
 * engages at the limit within the window, per caller and per target user,
 * lasts the back-off and no longer, forgets failures older than the
 * window, and a table filled by one caller cannot lift a back-off in
 * force.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "safd/safd.h"

static struct safd_rl *
rl_new(unsigned limit, unsigned window, unsigned backoff)
{
	struct safd_rl *rl = malloc(sizeof(*rl));

	assert_non_null(rl);
	safd_rl_init(rl, limit, window, backoff);
	return rl;
}

static void
test_per_caller(void **state)
{
	struct safd_rl *rl = rl_new(3, 60, 30);
	char msg[256];

	(void)state;
	safd_rl_failure(rl, 100, "A", 1000);
	safd_rl_failure(rl, 100, "B", 1001);
	assert_true(safd_rl_allow(rl, 100, "C", 1002, msg, sizeof(msg)));
	safd_rl_failure(rl, 100, "C", 1002);
	assert_false(safd_rl_allow(rl, 100, "D", 1003, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "from uid 100"));
	assert_non_null(strstr(msg, "29 s more"));
	/* another caller, another user: untouched */
	assert_true(safd_rl_allow(rl, 101, "D", 1003, msg, sizeof(msg)));
	/* the back-off ends */
	assert_false(safd_rl_allow(rl, 100, "D", 1031, msg, sizeof(msg)));
	assert_true(safd_rl_allow(rl, 100, "D", 1032, msg, sizeof(msg)));
	free(rl);
}

static void
test_per_target_and_case(void **state)
{
	struct safd_rl *rl = rl_new(2, 60, 10);
	char msg[256];

	(void)state;
	safd_rl_failure(rl, 1, "fred", 50);
	safd_rl_failure(rl, 2, "FRED", 51);
	assert_false(safd_rl_allow(rl, 3, "Fred", 52, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "for user FRED"));
	assert_true(safd_rl_allow(rl, 3, "USER1", 52, msg, sizeof(msg)));
	free(rl);
}

static void
test_window(void **state)
{
	struct safd_rl *rl = rl_new(3, 60, 30);
	char msg[256];

	(void)state;
	safd_rl_failure(rl, 7, "A", 0);
	safd_rl_failure(rl, 7, "B", 30);
	/* the window restarts: these two are all that count */
	safd_rl_failure(rl, 7, "C", 61);
	safd_rl_failure(rl, 7, "D", 62);
	assert_true(safd_rl_allow(rl, 7, "E", 63, msg, sizeof(msg)));
	free(rl);
}

static void
test_table_full(void **state)
{
	struct safd_rl *rl = rl_new(2, 60, 600);
	char msg[256], u[16];
	unsigned i;

	(void)state;
	safd_rl_failure(rl, 5, "VICTIM", 10);
	safd_rl_failure(rl, 5, "VICTIM", 11);
	assert_false(safd_rl_allow(rl, 5, "X", 12, msg, sizeof(msg)));
	/* an attacker churns through many keys */
	for (i = 0; i < 3 * SAFD_RL_SLOTS; i++) {
		(void)snprintf(u, sizeof(u), "U%u", i % 99999);
		safd_rl_failure(rl, 10000 + i, u, 20);
	}
	assert_false(safd_rl_allow(rl, 5, "X", 21, msg, sizeof(msg)));
	assert_false(safd_rl_allow(rl, 9, "VICTIM", 21, msg, sizeof(msg)));
	free(rl);
}

static void
test_off(void **state)
{
	struct safd_rl *rl = rl_new(0, 60, 30);
	char msg[64];
	int i;

	(void)state;
	for (i = 0; i < 100; i++)
		safd_rl_failure(rl, 1, "A", i);
	assert_true(safd_rl_allow(rl, 1, "A", 100, msg, sizeof(msg)));
	free(rl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_per_caller),
		cmocka_unit_test(test_per_target_and_case),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_table_full),
		cmocka_unit_test(test_off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
