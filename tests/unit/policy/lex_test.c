/*
 * lex_test.c - the policy lexer: comments, braces, one-line statements,
 * '#' inside names, rest-of-line values, and token positions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "policy/policy_int.h"

struct lcase {
	const char *input;
	const char *want; /* tokens: W:text, {, }, ;(EOL), each with @line:col */
};

static const struct lcase cases[] = {
	{ "TTLSRule r\n{\n}\n", "W:TTLSRule@1:1 W:r@1:10 ;@1:11 {@2:1 ;@2:2 }@3:1 ;@3:2" },
	{ "PortRange p { Port 21 }", "W:PortRange@1:1 W:p@1:11 {@1:13 W:Port@1:15 W:21@1:20 }@1:23" },
	{ "# whole line\nX", ";@1:13 W:X@2:1" },
	{ "Trace 3 # errors & joblog\n", "W:Trace@1:1 W:3@1:7 ;@1:26" },
	{ "TTLSRule MyRule#1_Client", "W:TTLSRule@1:1 W:MyRule#1_Client@1:10" },
	{ "\tKeyring\t \tring\r\n", "W:Keyring@1:2 W:ring@1:12 ;@1:17" },
	{ "a{b}c", "W:a@1:1 {@1:2 W:b@1:3 }@1:4 W:c@1:5" },
	{ "{#comment after brace\n}", "{@1:1 ;@1:22 }@2:1" },
	{ "", "" },
};

static void
render(const char *text, char *out, size_t outsz)
{
	struct policy_lexer lx;
	struct policy_tok t;
	size_t used = 0;

	out[0] = '\0';
	policy_lex_init(&lx, text, strlen(text));
	for (;;) {
		int n = 0;

		policy_lex_next(&lx, &t);
		if (t.type == TOK_EOF)
			break;
		switch (t.type) {
		case TOK_WORD:
			n = snprintf(out + used, outsz - used, "%sW:%.*s@%u:%u", used ? " " : "",
			    (int)t.text.len, t.text.p, t.line, t.col);
			break;
		default:
			n = snprintf(out + used, outsz - used, "%s%s@%u:%u", used ? " " : "",
			    t.type == TOK_LBRACE ? "{" : t.type == TOK_RBRACE ? "}" : ";",
			    t.line, t.col);
			break;
		}
		assert_true(n > 0 && (size_t)n < outsz - used);
		used += (size_t)n;
	}
}

static void
test_tokens(void **state)
{
	char got[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		render(cases[i].input, got, sizeof(got));
		if (strcmp(got, cases[i].want) != 0) {
			print_message("case %zu: input %s\n  got  %s\n  want %s\n", i,
			    cases[i].input, got, cases[i].want);
			fail();
		}
	}
}

struct rcase {
	const char *input;
	const char *want;      /* the rest-of-line token */
	const char *after;     /* the next token rendered, "" for EOF */
	unsigned skip;         /* tokens read before the value */
};

static const struct rcase rest_cases[] = {
	{ " Zowe Server\n", "Zowe Server", ";", 0 },
	{ " Zowe Server # comment\n", "Zowe Server", ";", 0 },
	{ " Zowe Server }", "Zowe Server", "}", 0 },
	{ " label#1 two", "label#1 two", "", 0 },
	{ " }", NULL, "", 0 },
	/* A block opened on the line: its '}' ends the value, and so does
	 * the first one (the outer block's follows). */
	{ "K { Keyring r } }", "r", "}", 3 },
	{ "{ CertificateLabel Zowe Server }\n", "Zowe Server", "}", 2 },
	{ "{ Keyring a}b }", "a}b", "}", 2 },
	{ "{ Keyring r # c }\n", "r", ";", 2 },
};

static void
test_rest(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rest_cases) / sizeof(rest_cases[0]); i++) {
		const struct rcase *c = &rest_cases[i];
		struct policy_lexer lx;
		struct policy_tok t;
		const char *after;
		unsigned k;

		policy_lex_init(&lx, c->input, strlen(c->input));
		for (k = 0; k < c->skip; k++)
			policy_lex_next(&lx, &t);
		policy_lex_rest(&lx, &t);
		if (c->want == NULL) {
			if (t.type != TOK_RBRACE) {
				print_message("case %zu: wanted '}'\n", i);
				fail();
			}
			continue;
		}
		if (t.type != TOK_WORD || !at_str_eq(t.text, c->want)) {
			print_message("case %zu: got '%.*s' want '%s'\n", i, (int)t.text.len,
			    t.text.p, c->want);
			fail();
		}
		policy_lex_next(&lx, &t);
		after = t.type == TOK_EOL ? ";" : t.type == TOK_RBRACE ? "}" :
		    t.type == TOK_EOF ? "" : "W";
		if (strcmp(after, c->after) != 0) {
			print_message("case %zu: after got '%s' want '%s'\n", i, after, c->after);
			fail();
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_rest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
