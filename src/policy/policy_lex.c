/*
 * policy_lex.c - the policy-file lexer.
 *
 * Tokens are words, braces and ends of lines; every token carries its line
 * and column (1-based, a tab counts as one column).  Rules, chosen to accept
 * the files found in the wild:
 *   - '#' starts a comment only at the start of a line or after a blank (or
 *     a brace), so "MyRule#1_Client" is one word;
 *   - '{' and '}' are tokens wherever they appear, so "{" may end a header
 *     line, stand on its own line, or open a one-line statement;
 *   - blanks are spaces, tabs, carriage returns, form feeds and vertical
 *     tabs; a NUL byte is treated as a blank;
 *   - a rest-of-line value (a label) keeps its inner blanks, and ends
 *     before a comment, before a '}' ending the line, and before the
 *     first '}' after a blank when a block was opened on the same line.
 */
#include "policy/policy_int.h"

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == '\0';
}

static bool
is_delim(char c)
{
	return is_blank(c) || c == '\n' || c == '{' || c == '}';
}

void
policy_lex_init(struct policy_lexer *lx, const char *text, size_t len)
{
	lx->p = text;
	lx->end = text + len;
	lx->line = 1;
	lx->line_start = text;
}

static void
skip_comment(struct policy_lexer *lx)
{
	while (lx->p < lx->end && *lx->p != '\n')
		lx->p++;
}

static void
set_tok(struct policy_lexer *lx, struct policy_tok *tok, enum policy_tok_type t,
    const char *start, size_t len)
{
	tok->type = t;
	tok->text.p = start;
	tok->text.len = len;
	tok->line = lx->line;
	tok->col = (unsigned)(start - lx->line_start) + 1;
}

void
policy_lex_next(struct policy_lexer *lx, struct policy_tok *tok)
{
	const char *start;

	for (;;) {
		while (lx->p < lx->end && is_blank(*lx->p))
			lx->p++;
		if (lx->p < lx->end && *lx->p == '#') {
			/* Only reached at line start or after a delimiter. */
			skip_comment(lx);
			continue;
		}
		break;
	}
	if (lx->p >= lx->end) {
		set_tok(lx, tok, TOK_EOF, lx->end, 0);
		return;
	}
	start = lx->p;
	switch (*lx->p) {
	case '\n':
		set_tok(lx, tok, TOK_EOL, start, 1);
		lx->p++;
		lx->line++;
		lx->line_start = lx->p;
		return;
	case '{':
		set_tok(lx, tok, TOK_LBRACE, start, 1);
		lx->p++;
		return;
	case '}':
		set_tok(lx, tok, TOK_RBRACE, start, 1);
		lx->p++;
		return;
	default:
		break;
	}
	while (lx->p < lx->end && !is_delim(*lx->p))
		lx->p++;
	set_tok(lx, tok, TOK_WORD, start, (size_t)(lx->p - start));
}

void
policy_lex_peek(const struct policy_lexer *lx, struct policy_tok *tok)
{
	struct policy_lexer copy = *lx;

	policy_lex_next(&copy, tok);
}

/* Blocks opened and not closed on the current line before p. */
static int
open_on_line(const struct policy_lexer *lx, const char *p)
{
	const char *q;
	int depth = 0;

	for (q = lx->line_start; q < p; q++) {
		if (*q == '#' && (q == lx->line_start || is_delim(q[-1])))
			break;
		if (*q == '{')
			depth++;
		else if (*q == '}' && depth > 0)
			depth--;
	}
	return depth;
}

void
policy_lex_rest(struct policy_lexer *lx, struct policy_tok *tok)
{
	const char *start, *q, *stop;
	int depth;

	while (lx->p < lx->end && is_blank(*lx->p))
		lx->p++;
	if (lx->p >= lx->end || *lx->p == '\n' || *lx->p == '#' || *lx->p == '}' ||
	    *lx->p == '{') {
		policy_lex_next(lx, tok);
		return;
	}
	start = lx->p;
	/*
	 * The line ends at a newline or at a comment that follows a blank.  In
	 * a block opened on this same line ("TTLSKeyringParms { Keyring r }"),
	 * the value also ends at the first '}' after a blank: z/OS values are
	 * blank-delimited, so that brace closes the block, not the value.
	 */
	depth = open_on_line(lx, start);
	stop = start;
	while (stop < lx->end && *stop != '\n') {
		if (*stop == '#' && is_blank(stop[-1]))
			break;
		if (depth > 0 && *stop == '}' && is_blank(stop[-1]))
			break;
		stop++;
	}
	/* Trailing blanks, then a closing brace preceded by a blank, stay out. */
	q = stop;
	while (q > start && is_blank(q[-1]))
		q--;
	if (q > start + 1 && q[-1] == '}' && is_blank(q[-2])) {
		q--;
		while (q > start && is_blank(q[-1]))
			q--;
	}
	set_tok(lx, tok, TOK_WORD, start, (size_t)(q - start));
	lx->p = q;
}
