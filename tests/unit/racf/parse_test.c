/*
 * parse_test.c - the TSO operand syntax and the verb tables: abbreviations,
 * ambiguous prefixes, continuations, comments, quotes, nesting, positional
 * operands, and the IKJ messages of every syntax error (racf_parse_text).
 * A parsed command is compared through a canonical rendering: the verb's
 * full name, the positionals, then each keyword by its full name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "racf/exec.h"
#include "racf/parse.h"

struct parse_case {
	const char *input;
	enum at_rc want_rc;
	const char *want; /* the rendering, or a substring of the error */
};

static const struct parse_case cases[] = {
	/* the seed commands */
	{ "PERMIT IRRPTAUTH.DSN2APPL.* ID(LIBSERV) CLASS(PTKTDATA) ACC(UPDATE)", AT_OK,
	    "PERMIT IRRPTAUTH.DSN2APPL.* ID(LIBSERV) CLASS(PTKTDATA) ACCESS(UPDATE)" },
	{ "RDEFINE PTKTDATA DSN2APPL SSIGNON(KEYMASK(123456789ABCDEF0)) +\n"
	  "APPLDATA('NO REPLAY PROTECTION')", AT_OK,
	    "RDEFINE PTKTDATA DSN2APPL SSIGNON(KEYMASKED(123456789ABCDEF0)) "
	    "APPLDATA('NO REPLAY PROTECTION')" },
	{ "setr raclist(digtcert,digtring) refresh", AT_OK,
	    "SETROPTS RACLIST(digtcert digtring) REFRESH" },
	{ "SETR RACLIST(DIGTCERT DIGTRING FACILITY) REFRESH", AT_OK,
	    "SETROPTS RACLIST(DIGTCERT DIGTRING FACILITY) REFRESH" },
	{ "PERMIT IRR.DIGTCERT.LISTRING +\n    CLASS(FACILITY) ID(USER1) ACCESS(READ)", AT_OK,
	    "PERMIT IRR.DIGTCERT.LISTRING CLASS(FACILITY) ID(USER1) ACCESS(READ)" },
	{ "connect    libserv  group(zceeusrs)", AT_OK, "CONNECT libserv GROUP(zceeusrs)" },
	/* aliases, case, abbreviations */
	{ "rdef facility x", AT_OK, "RDEFINE facility x" },
	{ "RL FACILITY BPX.SUPERUSER AU", AT_OK, "RLIST FACILITY BPX.SUPERUSER AUTHUSER" },
	{ "PE X A(UPDATE)", AT_OK, "PERMIT X ACCESS(UPDATE)" },
	{ "SETR GENERIC(*)", AT_OK, "SETROPTS GENERIC(*)" },
	{ "SETROPTS GEN(FACILITY)", AT_E_INPUT,
	    "command:1:10: IKJ56712I INVALID KEYWORD, GEN - the abbreviation is ambiguous" },
	{ "ALU X OMVS(HO('/u') PROG('/bin/sh'))", AT_OK,
	    "ALTUSER X OMVS(HOME('/u') PROGRAM('/bin/sh'))" },
	{ "ALU X NO", AT_E_INPUT, "IKJ56712I INVALID KEYWORD, NO - the abbreviation is ambiguous" },
	/* positional operands */
	{ "LU", AT_OK, "LISTUSER" },
	{ "LU OMVS", AT_OK, "LISTUSER OMVS" },
	{ "LU FRED OMVS", AT_OK, "LISTUSER FRED OMVS" },
	{ "LU (A B) NORACF", AT_OK, "LISTUSER (A B) NORACF" },
	{ "LU *", AT_OK, "LISTUSER *" },
	{ "PERMIT (A,B) ID(U1,U2)", AT_OK, "PERMIT (A B) ID(U1 U2)" },
	{ "ADDUSER", AT_E_INPUT, "command:1:8: IKJ56701I MISSING USERID" },
	{ "RDEFINE FACILITY", AT_E_INPUT, "IKJ56701I MISSING PROFILE NAME" },
	{ "ADDUSER FRED(X)", AT_E_INPUT, "command:1:9: IKJ56702I INVALID USERID FRED" },
	/* quotes */
	{ "ADDUSER X NAME('O''BRIEN')", AT_OK, "ADDUSER X NAME('O'BRIEN')" },
	{ "ADDUSER X DATA('/* not a comment */')", AT_OK, "ADDUSER X DATA('/* not a comment */')" },
	{ "ADDUSER X DATA('')", AT_OK, "ADDUSER X DATA('')" },
	{ "ADDUSER X NAME('abc", AT_E_INPUT,
	    "command:1:16: IKJ56702I INVALID QUOTED STRING, the closing quote is missing" },
	/* continuations and comments */
	{ "ADDUSER X DATA('a -\n  b')", AT_OK, "ADDUSER X DATA('a   b')" },
	{ "ADDUSER X DATA('a +\n  b')", AT_OK, "ADDUSER X DATA('a b')" },
	{ "ADDUSER X /* why */ SPECIAL", AT_OK, "ADDUSER X SPECIAL" },
	{ "ADDUSER X /* a comment\n over two lines */ SPECIAL", AT_OK, "ADDUSER X SPECIAL" },
	{ "PERMIT X +\n   FOO(1)", AT_E_INPUT, "command:2:4: IKJ56712I INVALID KEYWORD, FOO" },
	/* nesting and parentheses */
	{ "ADDUSER X OMVS(UID(1) HOME('/u/x')", AT_OK, "ADDUSER X OMVS(UID(1) HOME('/u/x'))" },
	{ "ADDUSER X OMVS(UID(1", AT_OK, "ADDUSER X OMVS(UID(1))" },
	{ "ADDUSER X)", AT_E_INPUT, "IKJ56702I INVALID OPERAND, ) has no matching (" },
	{ "ADDUSER X DATA(((((((((((1)))))))))))", AT_E_INPUT, "nested deeper than 8" },
	{ "ADDUSER X DATA((A B) C)", AT_OK, "ADDUSER X DATA((A B) C)" },
	{ "RDEFINE FACILITY X AUDIT(ALL(UPDATE) FAILURES)", AT_OK,
	    "RDEFINE FACILITY X AUDIT(ALL(UPDATE) FAILURES)" },
	{ "RDEFINE FACILITY X AUDIT(BOGUS)", AT_E_INPUT, "IKJ56712I INVALID KEYWORD, BOGUS" },
	/* keyword values */
	{ "ADDUSER X SPECIAL(1)", AT_E_INPUT,
	    "IKJ56702I INVALID OPERAND, SPECIAL takes no value in parentheses" },
	{ "PERMIT X CLASS", AT_E_INPUT, "command:1:10: IKJ56701I MISSING CLASS NAME" },
	{ "PERMIT X CLASS()", AT_E_INPUT, "IKJ56701I MISSING CLASS NAME" },
	{ "PERMIT X ACCESS(READ) ACCESS(UPDATE)", AT_OK, "PERMIT X ACCESS(UPDATE)" },
	{ "PERMIT X 'Q'", AT_E_INPUT, "IKJ56702I INVALID OPERAND, 'Q' - a keyword was expected" },
	{ "PERMIT X FOO(1)", AT_E_INPUT, "IKJ56712I INVALID KEYWORD, FOO" },
	{ "permit x foo", AT_E_INPUT, "IKJ56712I INVALID KEYWORD, FOO" },
	/* verbs */
	{ "FOO X", AT_E_INPUT, "command:1:1: IKJ56500I COMMAND FOO NOT FOUND" },
	{ "'ADDUSER' X", AT_E_INPUT, "IKJ56500I COMMAND 'ADDUSER' NOT FOUND" },
	{ "ADDUSERS X", AT_E_INPUT, "IKJ56500I COMMAND ADDUSERS NOT FOUND" },
	{ "  /* nothing */ ", AT_E_INPUT, "IKJ56701I MISSING COMMAND NAME" },
};

static void
render(struct at_buf *b, const struct racf_opnd *o)
{
	size_t i;

	if (o->spec != NULL)
		assert_int_equal(at_buf_printf(b, "%s", o->spec->name), AT_OK);
	else if (o->quoted)
		assert_int_equal(at_buf_printf(b, "'%s'", o->text), AT_OK);
	else
		assert_int_equal(at_buf_printf(b, "%s", o->text), AT_OK);
	if (!o->parens)
		return;
	assert_int_equal(at_buf_printf(b, "("), AT_OK);
	for (i = 0; i < o->nitems; i++) {
		if (i > 0)
			assert_int_equal(at_buf_printf(b, " "), AT_OK);
		render(b, &o->items[i]);
	}
	assert_int_equal(at_buf_printf(b, ")"), AT_OK);
}

static void
render_cmd(struct at_buf *b, const struct racf_cmd *cmd)
{
	size_t i;

	assert_int_equal(at_buf_printf(b, "%s", cmd->verb->name), AT_OK);
	for (i = 0; i < cmd->npos; i++) {
		assert_int_equal(at_buf_printf(b, " "), AT_OK);
		render(b, &cmd->pos[i]);
	}
	for (i = 0; i < cmd->nkws; i++) {
		assert_int_equal(at_buf_printf(b, " "), AT_OK);
		render(b, &cmd->kws[i]);
	}
}

static void
test_cases(void **state)
{
	struct racf_cmd *cmd;
	struct at_err err;
	struct at_buf b;
	size_t i;
	enum at_rc rc;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct parse_case *c = &cases[i];

		at_err_clear(&err);
		at_buf_init(&b, 4096);
		rc = racf_parse_text(c->input, "command", &cmd, &err);
		if (rc != c->want_rc)
			fail_msg("case %zu (%s): rc %d (%s), want %d", i, c->input, rc, err.msg,
			    c->want_rc);
		if (rc == AT_OK) {
			render_cmd(&b, cmd);
			if (strcmp(at_buf_cstr(&b), c->want) != 0)
				fail_msg("case %zu: got '%s', want '%s'", i, at_buf_cstr(&b), c->want);
		} else {
			assert_null(cmd);
			if (strstr(err.msg, c->want) == NULL)
				fail_msg("case %zu: error '%s', want '%s'", i, err.msg, c->want);
		}
		racf_cmd_free(cmd);
		at_buf_free(&b);
	}
}

/* The list readers flatten nested lists and skip sub-keywords. */
static void
test_lists(void **state)
{
	struct racf_cmd *cmd = NULL;
	struct at_err err;
	const struct racf_opnd *id;

	(void)state;
	assert_int_equal(racf_parse_text("PERMIT (P1 P2) ID((A,B) C) ACCESS(READ)", "t", &cmd,
	    &err), AT_OK);
	assert_int_equal(racf_list_count(&cmd->pos[0]), 2);
	assert_string_equal(racf_list_at(&cmd->pos[0], 1)->text, "P2");
	id = racf_kw(cmd, "ID");
	assert_non_null(id);
	assert_int_equal(racf_list_count(id), 3);
	assert_string_equal(racf_list_at(id, 0)->text, "A");
	assert_string_equal(racf_list_at(id, 2)->text, "C");
	assert_null(racf_list_at(id, 3));
	assert_null(racf_single(id));
	assert_string_equal(racf_single(racf_kw(cmd, "ACCESS"))->text, "READ");
	assert_null(racf_kw(cmd, "DELETE"));
	assert_null(racf_kw(cmd, "ACC"));
	racf_cmd_free(cmd);
}

/* Values keep their case; racf_get_upper upper-cases; bounds are checked. */
static void
test_values(void **state)
{
	struct racf_cmd *cmd = NULL;
	struct at_err err;
	char small[4], big[32];
	uint64_t n = 0;
	const struct racf_opnd *omvs;

	(void)state;
	assert_int_equal(racf_parse_text("ADDUSER fred NAME('Fred') OMVS(UID(42) HOME('/u/Fred'))",
	    "t", &cmd, &err), AT_OK);
	assert_int_equal(racf_get_upper(&cmd->pos[0], big, sizeof(big), "USERID", &err), AT_OK);
	assert_string_equal(big, "FRED");
	assert_int_equal(racf_get_text(racf_single(racf_kw(cmd, "NAME")), big, sizeof(big),
	    "NAME", &err), AT_OK);
	assert_string_equal(big, "Fred");
	assert_int_equal(racf_get_text(racf_single(racf_kw(cmd, "NAME")), small, sizeof(small),
	    "NAME", &err), AT_E_INPUT);
	assert_string_equal(err.msg, "IKJ56702I INVALID NAME, Fred");
	omvs = racf_kw(cmd, "OMVS");
	assert_int_equal(racf_get_u64(racf_sub(omvs, "UID"), 0, 100, "UID", &n, &err), AT_OK);
	assert_int_equal(n, 42);
	assert_int_equal(racf_get_u64(racf_sub(omvs, "UID"), 0, 10, "UID", &n, &err), AT_E_INPUT);
	assert_string_equal(err.msg, "IKJ56702I INVALID UID, 42");
	assert_int_equal(racf_get_text(racf_single(racf_sub(omvs, "HOME")), big, sizeof(big),
	    "HOME", &err), AT_OK);
	assert_string_equal(big, "/u/Fred");
	assert_null(racf_sub(omvs, "PROGRAM"));
	assert_true(racf_has_value(omvs));
	racf_cmd_free(cmd);
}

/* A password never reaches the echo. */
static void
test_echo_masks_passwords(void **state)
{
	struct racf_cmd *cmd = NULL;
	struct at_err err;
	char *shown;

	(void)state;
	assert_int_equal(racf_parse_text("ALU X PASSWORD(secret) NOEXPIRED", "t", &cmd, &err),
	    AT_OK);
	shown = racf_echo_text(cmd);
	assert_non_null(shown);
	assert_string_equal(shown, "ALU X PASSWORD(******) NOEXPIRED");
	free(shown);
	racf_cmd_free(cmd);
	assert_int_equal(racf_parse_text("PW PASSWORD(old,new)", "t", &cmd, &err), AT_OK);
	shown = racf_echo_text(cmd);
	assert_string_equal(shown, "PW PASSWORD(***,***)");
	free(shown);
	racf_cmd_free(cmd);
}

/* Every verb row is reachable by its name and aliases, and keyword tables
 * hold no duplicate names. */
static void
test_tables(void **state)
{
	const struct racf_verb *v;
	const struct racf_kwspec *a, *b;
	size_t i;

	(void)state;
	for (v = racf_verbs; v->name != NULL; v++) {
		assert_ptr_equal(racf_verb_lookup(v->name, strlen(v->name)), v);
		for (i = 0; i < 3 && v->aliases[i] != NULL; i++)
			assert_ptr_equal(racf_verb_lookup(v->aliases[i], strlen(v->aliases[i])), v);
		assert_non_null(v->handler);
		assert_non_null(v->keywords);
		for (a = v->keywords; a->name != NULL; a++) {
			bool amb = true;

			assert_ptr_equal(racf_kw_lookup(v->keywords, a->name, strlen(a->name), &amb), a);
			assert_false(amb);
			for (b = a + 1; b->name != NULL; b++)
				assert_string_not_equal(a->name, b->name);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_echo_masks_passwords),
		cmocka_unit_test(test_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
