/*
 * lex_test.c - cutting input into logical commands: continuations, comments,
 * blank lines, quotes, limits (racf_src_next).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "racf/parse.h"

#define MAXCMDS 4

struct lex_case {
	const char *input;
	const char *want[MAXCMDS]; /* "line:text" of each command, NULL-ended */
	const char *want_err;      /* a substring of the one error, or NULL */
};

static const struct lex_case cases[] = {
	{ "A 1\n\nB 2\n", { "1:A 1", "3:B 2", NULL }, NULL },
	{ "/* c1 */\nA +\n  B\n", { "2:A B", NULL }, NULL },
	{ "A -\n  B", { "1:A   B", NULL }, NULL },
	{ "A /* multi\nline */ B\nC", { "1:A        B", "3:C", NULL }, NULL },
	{ "A +\n", { "1:A", NULL }, NULL },
	{ "A 1\r\nB\r\n", { "1:A 1", "2:B", NULL }, NULL },
	{ "A '/*' B", { "1:A '/*' B", NULL }, NULL },
	{ "A 'x +\ny' B", { "1:A 'x y' B", NULL }, NULL },
	{ "A\tB", { "1:A B", NULL }, NULL },
	{ "  \n /* only a comment */ \n\n", { NULL }, NULL },
	{ "A /* it's */ B", { "1:A            B", NULL }, NULL },
	{ "A\n/* never closed", { "1:A", NULL }, "2:1: IKJ56702I INVALID COMMENT" },
	{ "X +\n+\n+\nY", { "1:X Y", NULL }, NULL },
	{ "", { NULL }, NULL },
};

static void
run_case(size_t n, const struct lex_case *c)
{
	struct racf_src s;
	struct at_err err;
	char got[256];
	size_t i = 0;
	bool more = true, saw_err = false;
	enum at_rc rc;

	racf_src_init(&s, "in", c->input, strlen(c->input));
	while (more) {
		at_err_clear(&err);
		rc = racf_src_next(&s, &more, &err);
		if (rc != AT_OK) {
			if (c->want_err == NULL || strstr(err.msg, c->want_err) == NULL)
				fail_msg("case %zu: error '%s', want '%s'", n, err.msg,
				    c->want_err == NULL ? "(none)" : c->want_err);
			saw_err = true;
			more = true;
			continue;
		}
		if (!more)
			break;
		(void)snprintf(got, sizeof(got), "%u:%s", s.cur.segs[0].line, s.cur.text);
		if (i >= MAXCMDS || c->want[i] == NULL)
			fail_msg("case %zu: extra command '%s'", n, got);
		if (strcmp(got, c->want[i]) != 0)
			fail_msg("case %zu: command %zu is '%s', want '%s'", n, i, got, c->want[i]);
		i++;
	}
	if (i < MAXCMDS && c->want[i] != NULL)
		fail_msg("case %zu: missing command '%s'", n, c->want[i]);
	if (c->want_err != NULL && !saw_err)
		fail_msg("case %zu: no error, want '%s'", n, c->want_err);
	racf_src_free(&s);
}

static void
test_cases(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(i, &cases[i]);
}

/* A logical command over the limit is refused whole; the next one still runs. */
static void
test_too_long(void **state)
{
	size_t n = RACF_LINE_MAX + 10, i;
	char *in = malloc(n + 8);
	struct racf_src s;
	struct at_err err;
	bool more = false;

	(void)state;
	assert_non_null(in);
	for (i = 0; i < n; i++)
		in[i] = 'X';
	memcpy(in + n, "\nNEXT 1", 8);
	racf_src_init(&s, "big", in, strlen(in));
	assert_int_equal(racf_src_next(&s, &more, &err), AT_E_INPUT);
	if (strstr(err.msg, "big:1:1: IKJ56702I INVALID COMMAND") == NULL)
		fail_msg("got '%s'", err.msg);
	assert_int_equal(racf_src_next(&s, &more, &err), AT_OK);
	assert_true(more);
	assert_string_equal(s.cur.text, "NEXT 1");
	racf_src_free(&s);
	free(in);
}

/* One megabyte of continuation characters: refused, no crash. */
static void
test_many_continuations(void **state)
{
	size_t n = 1024 * 1024, i;
	char *in = malloc(n + 1);
	struct racf_src s;
	struct at_err err;
	bool more = false;

	(void)state;
	assert_non_null(in);
	for (i = 0; i < n; i += 2) {
		in[i] = '-';
		in[i + 1] = '\n';
	}
	in[n] = '\0';
	racf_src_init(&s, "cont", in, n);
	assert_int_equal(racf_src_next(&s, &more, &err), AT_OK);
	assert_false(more);
	racf_src_free(&s);
	free(in);
}

/* Positions map back through continuations. */
static void
test_positions(void **state)
{
	static const char in[] = "PERMIT X +\n   FOO(1)";
	struct racf_src s;
	struct at_err err;
	unsigned line, col;
	bool more;

	(void)state;
	racf_src_init(&s, "p", in, strlen(in));
	assert_int_equal(racf_src_next(&s, &more, &err), AT_OK);
	assert_string_equal(s.cur.text, "PERMIT X FOO(1)");
	racf_line_pos(&s.cur, 9, &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 4);
	racf_line_pos(&s.cur, 7, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 8);
	racf_src_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_many_continuations),
		cmocka_unit_test(test_positions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
