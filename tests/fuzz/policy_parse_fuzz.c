/*
 * policy_parse_fuzz.c - libFuzzer target for the AT-TLS policy loader.
 *
 * Feeds the input to policy_set_load_text(), which covers the lexer
 * (policy_lex_*), the parser (policy_parse_text), value parsing
 * (policy_value_parse: addresses, ports, cipher and hex lists, times),
 * validation (policy_validate_model, policy_validate_rules) and
 * resolution (policy_resolve, policy_actions_build); on success it also
 * formats every rule (policy_rule_format_conditions, policy_actions_format)
 * in text and JSON, and formats every diagnostic (policy_diag_format).
 * Deterministic: no clock, no randomness, no files.
 */
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "policy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy_diags d;
	struct policy_set *set = NULL;
	struct at_err err;
	struct at_buf b;
	size_t i;

	policy_diags_init(&d);
	at_buf_init(&b, 1u << 20);
	if (policy_set_load_text("fuzz.policy", (const char *)data, size, &set, &d, &err) ==
	    AT_OK) {
		for (i = 0; i < policy_set_rule_count(set); i++) {
			const struct policy_rule *r = policy_set_rule(set, i);

			at_buf_reset(&b);
			if (policy_rule_format_conditions(r, &b, i % 2 == 0, &err) != AT_OK ||
			    policy_actions_format(r, &b, i % 2 == 1, &err) != AT_OK)
				break;
		}
	}
	for (i = 0; i < d.n; i++) {
		at_buf_reset(&b);
		if (policy_diag_format(&d.v[i], &b, &err) != AT_OK)
			break;
	}
	at_buf_free(&b);
	policy_set_free(set);
	policy_diags_free(&d);
	return 0;
}
