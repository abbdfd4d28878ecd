/*
 * parse.c - one logical RACF command to a struct racf_cmd.
 *
 * Two passes.  The first reads the TSO operand syntax with no knowledge of
 * the verb: words, quoted strings, parenthesised lists, a word directly
 * followed by "(" taking that list as its value.  Parentheses still open at
 * the end of the command are closed there, as TSO does (the DB2TLS sample
 * ends "label('DB2USER') default" with one ")" missing).  The second pass
 * uses the verb's row: positional operands first, then every keyword
 * resolved against the verb's table and, inside its parentheses, against
 * the keyword's sub-table.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/str.h"
#include "racf/parse.h"

struct parser {
	const struct racf_line *ln;
	const char *source;
	size_t pos;
	unsigned depth;
	struct at_err *err;
};

static void
opnd_clear(struct racf_opnd *o)
{
	size_t i;

	if (o == NULL)
		return;
	for (i = 0; i < o->nitems; i++)
		opnd_clear(&o->items[i]);
	free(o->items);
	free(o->text);
	memset(o, 0, sizeof(*o));
}

void
racf_cmd_free(struct racf_cmd *cmd)
{
	size_t i;

	if (cmd == NULL)
		return;
	for (i = 0; i < cmd->npos; i++)
		opnd_clear(&cmd->pos[i]);
	for (i = 0; i < cmd->nkws; i++)
		opnd_clear(&cmd->kws[i]);
	free(cmd->pos);
	free(cmd->kws);
	free(cmd->text);
	free(cmd);
}

/* Sets err to "source:line:col: msg" for offset ofs. */
static enum at_rc
perr(struct parser *p, size_t ofs, const char *msg)
{
	unsigned line, col;

	racf_line_pos(p->ln, ofs, &line, &col);
	return at_err_setx(p->err, AT_E_INPUT, "%s:%u:%u: %s", p->source, line, col, msg);
}

/* Sets err to "source:line:col: <what> <n><unit>" for offset ofs. */
static enum at_rc
perr_n(struct parser *p, size_t ofs, const char *what, unsigned n, const char *unit)
{
	unsigned line, col;

	racf_line_pos(p->ln, ofs, &line, &col);
	return at_err_setx(p->err, AT_E_INPUT, "%s:%u:%u: %s%u%s", p->source, line, col, what, n,
	    unit);
}

/* "source:line:col: <prefix><a> <b>" at operand o; a is upper-cased
 * unless o is a quoted string, as TSO echoes operands. */
static enum at_rc
opnd_err(struct parser *p, const struct racf_opnd *o, const char *prefix, const char *a,
    const char *b)
{
	char up[72];
	size_t i;

	for (i = 0; a[i] != '\0' && i + 1 < sizeof(up); i++)
		up[i] = (!o->quoted && a[i] >= 'a' && a[i] <= 'z') ? (char)(a[i] - 'a' + 'A') : a[i];
	up[i] = '\0';
	return at_err_setx(p->err, AT_E_INPUT, "%s:%u:%u: %s%s%s%s%s%s", p->source, o->line,
	    o->col, prefix, o->quoted ? "'" : "", up, o->quoted ? "'" : "", b == NULL ? "" : " ",
	    b == NULL ? "" : b);
}

static bool
is_sep(char c)
{
	return c == ' ' || c == ',';
}

static bool
is_word_char(char c)
{
	return c != '\0' && !is_sep(c) && c != '(' && c != ')' && c != '\'';
}

static void
skip_seps(struct parser *p)
{
	while (p->pos < p->ln->len && is_sep(p->ln->text[p->pos]))
		p->pos++;
}

/* Appends an empty operand to *items; returns it or NULL (err set). */
static struct racf_opnd *
push(struct parser *p, struct racf_opnd **items, size_t *n)
{
	struct racf_opnd *a;

	if (*n >= RACF_ITEMS_MAX) {
		(void)perr_n(p, p->pos, "IKJ56702I INVALID OPERAND LIST, more than ", RACF_ITEMS_MAX,
		    " operands");
		return NULL;
	}
	/* capacity doubles: 4, 8, 16, ... (grown when n reaches a power of two) */
	if (*n == 0 || (*n >= 4 && (*n & (*n - 1)) == 0)) {
		a = realloc(*items, (*n == 0 ? 4 : 2 * *n) * sizeof(**items));
		if (a == NULL) {
			(void)at_err_setx(p->err, AT_E_NOMEM, "out of memory parsing a command");
			return NULL;
		}
		*items = a;
	}
	a = *items;
	memset(&a[*n], 0, sizeof(a[*n]));
	return &a[(*n)++];
}

static enum at_rc
set_text(struct parser *p, struct racf_opnd *o, const char *s, size_t n)
{
	o->text = malloc(n + 1);
	if (o->text == NULL)
		return at_err_setx(p->err, AT_E_NOMEM, "out of memory parsing a command");
	memcpy(o->text, s, n);
	o->text[n] = '\0';
	o->len = n;
	return AT_OK;
}

/* 'quoted string' with '' for one quote; p->pos is at the opening quote. */
static enum at_rc
read_quoted(struct parser *p, struct racf_opnd *o)
{
	const char *t = p->ln->text;
	size_t start = p->pos, i, n = 0;

	o->quoted = true;
	o->text = malloc(p->ln->len - start + 1);
	if (o->text == NULL)
		return at_err_setx(p->err, AT_E_NOMEM, "out of memory parsing a command");
	for (i = start + 1; i < p->ln->len; i++) {
		if (t[i] == '\'') {
			if (i + 1 < p->ln->len && t[i + 1] == '\'') {
				o->text[n++] = t[i++];
				continue;
			}
			break;
		}
		o->text[n++] = t[i];
	}
	o->text[n] = '\0';
	o->len = n;
	if (i >= p->ln->len)
		return perr(p, start, "IKJ56702I INVALID QUOTED STRING, the closing quote is missing");
	p->pos = i + 1;
	return AT_OK;
}

static enum at_rc read_list(struct parser *p, struct racf_opnd *o);

/* One operand at p->pos (not a separator, not ")"). */
static enum at_rc
read_operand(struct parser *p, struct racf_opnd *o)
{
	const char *t = p->ln->text;
	size_t start = p->pos;
	unsigned line, col;
	enum at_rc rc;

	racf_line_pos(p->ln, start, &line, &col);
	o->line = line;
	o->col = col;
	o->ofs = start;
	if (t[start] == '\'')
		rc = read_quoted(p, o);
	else if (t[start] == '(')
		rc = read_list(p, o);
	else if (!is_word_char(t[start]))
		rc = perr_n(p, start, "IKJ56702I INVALID CHARACTER, CODE ",
		    (unsigned)(unsigned char)t[start], "");
	else {
		while (p->pos < p->ln->len && is_word_char(t[p->pos]))
			p->pos++;
		rc = set_text(p, o, t + start, p->pos - start);
		if (rc == AT_OK && p->pos < p->ln->len && t[p->pos] == '(')
			rc = read_list(p, o);
	}
	o->end = p->pos;
	return rc;
}

/* "(" operand* ")" at p->pos; a missing ")" at the end is supplied. */
static enum at_rc
read_list(struct parser *p, struct racf_opnd *o)
{
	struct racf_opnd *item;
	enum at_rc rc = AT_OK;

	if (p->depth >= RACF_DEPTH_MAX)
		return perr_n(p, p->pos, "IKJ56702I INVALID OPERAND, parentheses nested deeper than ",
		    RACF_DEPTH_MAX, "");
	p->depth++;
	p->pos++;
	o->parens = true;
	if (o->text == NULL)
		rc = set_text(p, o, "", 0);
	while (rc == AT_OK) {
		skip_seps(p);
		if (p->pos >= p->ln->len)
			break;
		if (p->ln->text[p->pos] == ')') {
			p->pos++;
			break;
		}
		item = push(p, &o->items, &o->nitems);
		rc = item == NULL ? p->err->rc : read_operand(p, item);
	}
	p->depth--;
	return rc;
}

/* The whole command as a flat list of top-level operands. */
static enum at_rc
read_all(struct parser *p, struct racf_opnd **ops, size_t *n)
{
	struct racf_opnd *o;
	enum at_rc rc = AT_OK;

	while (rc == AT_OK) {
		skip_seps(p);
		if (p->pos >= p->ln->len)
			break;
		if (p->ln->text[p->pos] == ')')
			return perr(p, p->pos, "IKJ56702I INVALID OPERAND, ) has no matching (");
		o = push(p, ops, n);
		rc = o == NULL ? p->err->rc : read_operand(p, o);
	}
	return rc;
}

static bool
prefix_ci(const char *name, const char *typed, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char a = name[i], b = typed[i];

		if (a == '\0')
			return false;
		if (b >= 'a' && b <= 'z')
			b = (char)(b - 'a' + 'A');
		if (a >= 'a' && a <= 'z')
			a = (char)(a - 'a' + 'A');
		if (a != b)
			return false;
	}
	return true;
}

const struct racf_kwspec *
racf_kw_lookup(const struct racf_kwspec *table, const char *typed, size_t len,
    bool *ambiguous)
{
	const struct racf_kwspec *found = NULL, *k;
	struct at_str t = { typed, len };
	size_t n = 0;

	*ambiguous = false;
	if (table == NULL || len == 0)
		return NULL;
	for (k = table; k->name != NULL; k++)
		if (at_str_eq_ci(t, k->name) || (k->alias != NULL && at_str_eq_ci(t, k->alias)))
			return k;
	for (k = table; k->name != NULL; k++) {
		if (len > strlen(k->name) || len < k->minabbr)
			continue;
		if (prefix_ci(k->name, typed, len)) {
			found = k;
			n++;
		}
	}
	*ambiguous = n > 1;
	return n == 1 ? found : NULL;
}

static enum at_rc resolve_kw(struct parser *p, const struct racf_kwspec *table,
    struct racf_opnd *o);

/* Resolves the items inside o's parentheses against spec->sub. */
static enum at_rc
resolve_subs(struct parser *p, struct racf_opnd *o)
{
	size_t i;
	enum at_rc rc = AT_OK;

	if (o->spec->sub == NULL)
		return AT_OK;
	for (i = 0; i < o->nitems && rc == AT_OK; i++)
		rc = resolve_kw(p, o->spec->sub, &o->items[i]);
	return rc;
}

/* o must be a keyword of table; sets o->spec and checks its value. */
static enum at_rc
resolve_kw(struct parser *p, const struct racf_kwspec *table, struct racf_opnd *o)
{
	const struct racf_kwspec *k;
	bool amb;

	if (o->quoted || (o->parens && o->len == 0))
		return opnd_err(p, o, "IKJ56702I INVALID OPERAND, ",
		    o->quoted ? o->text : "(...)", "- a keyword was expected here");
	k = racf_kw_lookup(table, o->text, o->len, &amb);
	if (k == NULL)
		return opnd_err(p, o, "IKJ56712I INVALID KEYWORD, ", o->text,
		    amb ? "- the abbreviation is ambiguous" : NULL);
	o->spec = k;
	if (k->val == RACF_KW_FLAG && o->parens)
		return opnd_err(p, o, "IKJ56702I INVALID OPERAND, ", k->name,
		    "takes no value in parentheses");
	if (k->val == RACF_KW_VALUE && (!o->parens || o->nitems == 0)) {
		if (k->what != NULL)
			return opnd_err(p, o, "IKJ56701I MISSING ", k->what, NULL);
		return opnd_err(p, o, "IKJ56701I MISSING ", k->name, "OPERAND");
	}
	return resolve_subs(p, o);
}

/* Adds keyword o to cmd (moving it), replacing an earlier one of the same row. */
static enum at_rc
add_kw(struct parser *p, struct racf_cmd *cmd, struct racf_opnd *o)
{
	struct racf_opnd *slot = NULL;
	size_t i;

	for (i = 0; i < cmd->nkws; i++)
		if (cmd->kws[i].spec == o->spec)
			slot = &cmd->kws[i];
	if (slot != NULL)
		opnd_clear(slot);
	else if ((slot = push(p, &cmd->kws, &cmd->nkws)) == NULL)
		return p->err->rc;
	*slot = *o;
	memset(o, 0, sizeof(*o));
	return AT_OK;
}

/* Whether top-level operand o, an optional positional, is rather a keyword. */
static bool
looks_keyword(const struct racf_verb *v, const struct racf_opnd *o)
{
	bool amb;

	if (o->quoted || o->len == 0)
		return false;
	return o->parens || racf_kw_lookup(v->keywords, o->text, o->len, &amb) != NULL || amb;
}

static enum at_rc
classify(struct parser *p, struct racf_cmd *cmd, struct racf_opnd *ops, size_t n)
{
	const struct racf_verb *v = cmd->verb;
	size_t i = 1;
	struct racf_opnd *slot;
	enum at_rc rc = AT_OK;

	if (v == NULL || ops == NULL)
		return at_err_setx(p->err, AT_E_INTERNAL, "no verb to classify operands for");
	for (; i < n && cmd->npos < v->pos_max; i++) {
		if (cmd->npos >= v->pos_min && looks_keyword(v, &ops[i]))
			break;
		if (ops[i].len > 0 && ops[i].parens)
			return opnd_err(p, &ops[i], "IKJ56702I INVALID ", v->pos_what[cmd->npos],
			    ops[i].text);
		if ((slot = push(p, &cmd->pos, &cmd->npos)) == NULL)
			return p->err->rc;
		*slot = ops[i];
		memset(&ops[i], 0, sizeof(ops[i]));
	}
	if (cmd->npos < v->pos_min) {
		unsigned line, col;

		racf_line_pos(p->ln, p->ln->len, &line, &col);
		return at_err_setx(p->err, AT_E_INPUT, "%s:%u:%u: IKJ56701I MISSING %s", p->source,
		    line, col, v->pos_what[cmd->npos]);
	}
	for (; i < n && rc == AT_OK; i++) {
		rc = resolve_kw(p, v->keywords, &ops[i]);
		if (rc == AT_OK)
			rc = add_kw(p, cmd, &ops[i]);
	}
	return rc;
}

static enum at_rc
find_verb(struct parser *p, struct racf_cmd *cmd, const struct racf_opnd *o)
{
	if (o->quoted || o->parens || o->len == 0)
		return opnd_err(p, o, "IKJ56500I COMMAND ", o->len == 0 ? "(" : o->text, "NOT FOUND");
	cmd->verb = racf_verb_lookup(o->text, o->len);
	cmd->line = o->line;
	cmd->col = o->col;
	if (cmd->verb == NULL)
		return opnd_err(p, o, "IKJ56500I COMMAND ", o->text, "NOT FOUND");
	return AT_OK;
}

enum at_rc
racf_parse(const struct racf_line *ln, const char *source, struct racf_cmd **out,
    struct at_err *err)
{
	struct parser p = { ln, source == NULL ? "-" : source, 0, 0, err };
	struct racf_opnd *ops = NULL;
	struct racf_cmd *cmd = NULL;
	size_t n = 0, i;
	enum at_rc rc;

	*out = NULL;
	cmd = calloc(1, sizeof(*cmd));
	if (cmd == NULL) {
		rc = at_err_setx(err, AT_E_NOMEM, "out of memory parsing a command");
		goto out;
	}
	cmd->source = p.source;
	cmd->text = malloc(ln->len + 1);
	if (cmd->text == NULL) {
		rc = at_err_setx(err, AT_E_NOMEM, "out of memory parsing a command");
		goto out;
	}
	memcpy(cmd->text, ln->text, ln->len);
	cmd->text[ln->len] = '\0';
	rc = read_all(&p, &ops, &n);
	if (rc == AT_OK && (n == 0 || ops == NULL)) {
		(void)perr(&p, 0, "IKJ56701I MISSING COMMAND NAME");
		rc = AT_E_INPUT;
	}
	if (rc == AT_OK && ops != NULL)
		rc = find_verb(&p, cmd, &ops[0]);
	if (rc == AT_OK)
		rc = classify(&p, cmd, ops, n);
out:
	for (i = 0; i < n; i++)
		opnd_clear(&ops[i]);
	free(ops);
	if (rc == AT_OK)
		*out = cmd;
	else
		racf_cmd_free(cmd);
	return rc;
}

enum at_rc
racf_parse_text(const char *text, const char *source, struct racf_cmd **out,
    struct at_err *err)
{
	struct racf_src s;
	bool got = false;
	enum at_rc rc;

	*out = NULL;
	racf_src_init(&s, source, text, text == NULL ? 0 : strlen(text));
	rc = racf_src_next(&s, &got, err);
	if (rc == AT_OK && !got)
		rc = at_err_setx(err, AT_E_INPUT, "%s:1:1: IKJ56701I MISSING COMMAND NAME",
		    s.name);
	if (rc == AT_OK)
		rc = racf_parse(&s.cur, source, out, err);
	racf_src_free(&s);
	return rc;
}
