/*
 * policy_parse.c - the policy-file parser: statements, nested blocks and
 * parameters into the object model of policy_int.h.
 *
 * Grammar (blank lines and comments anywhere):
 *   file      := { statement }
 *   statement := Type [name] {EOL} '{' { parameter | EOL } '}'
 *   parameter := Keyword value...        (ends at the end of the line, or
 *                                          after one token for one-token
 *                                          kinds, so "{ Port 21 }" works)
 *              | Keyword [name] {EOL} '{' ... '}'   (an inline statement)
 * The parser never stops at the first problem: it reports it and goes on,
 * so one run lists every error in the file.
 */
#include <stdio.h>
#include <string.h>

#include "policy/policy_int.h"

#define ERR POLICY_DIAG_ERROR
#define WARN POLICY_DIAG_WARNING
#define MAX_DEPTH 8
#define MAX_VALUE_TOKENS 256

struct parser {
	struct policy_model *m;
	struct policy_lexer lx;
	const char *file;
	struct policy_diags *d;
	enum at_rc rc;
	struct policy_tok pb;
	bool has_pb;
	struct policy_tok vals[MAX_VALUE_TOKENS];
};

static const char *const cfg_keywords[] = {
	"TcpImage", "PEPInstance", "TTLSConfig", "CommonTTLSConfig", "LogLevel", NULL
};

static void
next(struct parser *ps, struct policy_tok *t)
{
	if (ps->has_pb) {
		*t = ps->pb;
		ps->has_pb = false;
		return;
	}
	policy_lex_next(&ps->lx, t);
}

static void
unget(struct parser *ps, const struct policy_tok *t)
{
	ps->pb = *t;
	ps->has_pb = true;
}

static struct policy_loc
loc_of(const struct parser *ps, const struct policy_tok *t)
{
	struct policy_loc l = { ps->file, t->line, t->col };

	return l;
}

/* Reports a diagnostic at token t (printf style, message already built). */
static void
diag(struct parser *ps, enum policy_diag_severity sev, const struct policy_tok *t,
    const char *msg)
{
	struct policy_loc l = loc_of(ps, t);

	if (ps->rc == AT_OK)
		ps->rc = policy_diag_at(ps->d, sev, &l, "%s", msg);
}

static int
tlen(const struct policy_tok *t)
{
	return (int)(t->text.len > 64 ? 64 : t->text.len);
}

/* Skips to the end of the line; a '{' on the way skips its whole block. */
static void
skip_line(struct parser *ps)
{
	struct policy_tok t;
	unsigned depth = 0;

	for (;;) {
		next(ps, &t);
		if (t.type == TOK_EOF)
			return;
		if (t.type == TOK_LBRACE)
			depth++;
		else if (t.type == TOK_RBRACE) {
			if (depth == 0) {
				unget(ps, &t);
				return;
			}
			depth--;
		} else if (t.type == TOK_EOL && depth == 0)
			return;
	}
}

static bool
valid_name(struct at_str s)
{
	size_t i;

	if (s.len < 1 || s.len > POLICY_NAME_MAX)
		return false;
	for (i = 0; i < s.len; i++)
		if ((unsigned char)s.p[i] <= 0x20 || (unsigned char)s.p[i] >= 0x7f)
			return false;
	return true;
}

static struct policy_param *
add_param(struct parser *ps, struct policy_stmt *st)
{
	struct policy_param *np;

	if (st->nparams == st->capparams) {
		size_t ncap = st->capparams == 0 ? 8 : st->capparams * 2;

		np = policy_arena_alloc(&ps->m->arena, ncap * sizeof(*np));
		if (np == NULL) {
			ps->rc = AT_E_NOMEM;
			return NULL;
		}
		if (st->nparams > 0)
			memcpy(np, st->params, st->nparams * sizeof(*np));
		st->params = np;
		st->capparams = ncap;
	}
	np = &st->params[st->nparams++];
	memset(np, 0, sizeof(*np));
	return np;
}

/*
 * What one block has seen so far, so that a repeat is found in constant
 * time: the line of the last use of each keyword (by its index in the
 * statement's table) and of each rule condition slot.
 */
#define SEEN_MAX 64
struct seen {
	unsigned kwline[SEEN_MAX];
	const struct policy_kw *slotkw[SLOT_CONN + 1];
	unsigned slotline[SLOT_CONN + 1];
};

/* Warns when p repeats a one-value parameter (or a rule condition slot). */
static void
check_repeat(struct parser *ps, struct policy_stmt *st, struct seen *sn,
    struct policy_param *p, const struct policy_tok *kt)
{
	char msg[POLICY_DIAG_MSG_MAX];
	const struct policy_kw *k = p->kw;
	size_t idx = (size_t)(k - policy_stmt_def(st->type)->kws);

	if (!k->multi && idx < SEEN_MAX) {
		if (sn->kwline[idx] != 0) {
			snprintf(msg, sizeof(msg), "%s given again; this value replaces the "
			    "one on line %u", k->name, sn->kwline[idx]);
			diag(ps, WARN, kt, msg);
		}
		sn->kwline[idx] = kt->line;
	}
	if (k->slot != SLOT_NONE) {
		const struct policy_kw *q = sn->slotkw[k->slot];

		if (q != NULL && q != k) {
			snprintf(msg, sizeof(msg), "%s replaces %s given on line %u (a rule "
			    "has one of each condition)", k->name, q->name, sn->slotline[k->slot]);
			diag(ps, WARN, kt, msg);
		}
		sn->slotkw[k->slot] = k;
		sn->slotline[k->slot] = kt->line;
	}
}

static struct policy_stmt *parse_block(struct parser *ps, const struct policy_stmt_def *def,
    const struct policy_tok *typetok, bool global, unsigned depth);

/* Collects the value tokens of kw after its keyword token. */
static size_t
collect_values(struct parser *ps, const struct policy_kw *kw)
{
	struct policy_tok t;
	size_t n = 0;

	switch (kw->kind) {
	case K_LABEL:
	case K_STRLIST:
		if (ps->has_pb) {
			next(ps, &t);
			unget(ps, &t);
			if (t.type != TOK_WORD)
				return 0;
		}
		policy_lex_rest(&ps->lx, &t);
		if (t.type != TOK_WORD) {
			unget(ps, &t);
			return 0;
		}
		ps->vals[n++] = t;
		return n;
	case K_V2CIPH:
	case K_V3CIPH:
	case K_V3CIPH4:
	case K_HEXLIST:
	case K_GROUPLIST:
		for (;;) {
			next(ps, &t);
			if (t.type != TOK_WORD) {
				unget(ps, &t);
				return n;
			}
			if (n < MAX_VALUE_TOKENS)
				ps->vals[n++] = t;
			else
				diag(ps, ERR, &t, "too many values on one line");
		}
	default:
		next(ps, &t);
		if (t.type != TOK_WORD) {
			unget(ps, &t);
			return 0;
		}
		ps->vals[n++] = t;
		return n;
	}
}

/* After a one-token value: anything else on the line must be a parameter. */
static void
check_trailing(struct parser *ps, const struct policy_stmt *st, const struct policy_kw *kw)
{
	struct policy_tok t;
	char msg[POLICY_DIAG_MSG_MAX];

	next(ps, &t);
	unget(ps, &t);
	if (t.type != TOK_WORD || policy_kw_lookup(st->type, t.text) != NULL)
		return;
	snprintf(msg, sizeof(msg), "unexpected '%.*s' after the value of %s (it takes "
	    "one value)", tlen(&t), t.text.p, kw->name);
	diag(ps, ERR, &t, msg);
	skip_line(ps);
}

static void
parse_param(struct parser *ps, struct policy_stmt *st, struct seen *sn,
    const struct policy_kw *kw, const struct policy_tok *kt, unsigned depth)
{
	struct policy_param *p;
	char msg[POLICY_DIAG_MSG_MAX];
	size_t n;
	bool ok = true;

	if (kw->kind == K_INLINE) {
		struct policy_stmt *child = parse_block(ps, policy_stmt_def(kw->child), kt,
		    false, depth + 1);

		if (child == NULL)
			return;
		p = add_param(ps, st);
		if (p == NULL)
			return;
		p->kw = kw;
		p->loc = loc_of(ps, kt);
		p->vloc = p->loc;
		p->text = child->name != NULL ? child->name : "";
		p->target = child;
		check_repeat(ps, st, sn, p, kt);
		return;
	}
	n = collect_values(ps, kw);
	if (n == 0 && kw->empty_ok) {
		p = add_param(ps, st);
		if (p == NULL)
			return;
		p->kw = kw;
		p->loc = loc_of(ps, kt);
		p->vloc = p->loc;
		p->text = "";
		p->u.str = "";
		check_repeat(ps, st, sn, p, kt);
		return;
	}
	if (n == 0) {
		snprintf(msg, sizeof(msg), "%s needs a value", kw->name);
		diag(ps, ERR, kt, msg);
		return;
	}
	p = add_param(ps, st);
	if (p == NULL)
		return;
	p->kw = kw;
	p->loc = loc_of(ps, kt);
	p->vloc = loc_of(ps, &ps->vals[0]);
	{
		struct at_str whole = { ps->vals[0].text.p,
			(size_t)(ps->vals[n - 1].text.p + ps->vals[n - 1].text.len -
			    ps->vals[0].text.p) };

		p->text = policy_arena_strdup(&ps->m->arena, whole);
		if (p->text == NULL) {
			ps->rc = AT_E_NOMEM;
			return;
		}
	}
	if (ps->rc == AT_OK)
		ps->rc = policy_value_parse(ps->m, p, ps->vals, n, ps->d, &ok);
	if (ps->rc == AT_OK && ok && p->kw != NULL && strcmp(kw->name, "Envfile") == 0)
		ps->rc = policy_envfile_load(ps->m, p, ps->d, &ok);
	if (!ok) {
		/* An invalid value takes no part in resolution. */
		st->nparams--;
		st->invalid = true;
	} else if (p->kw == NULL) {
		/* A value ignored as z/OS ignores it (the warning is given). */
		st->nparams--;
	} else {
		check_repeat(ps, st, sn, p, kt);
	}
	if (n == 1 && kw->kind != K_LABEL && kw->kind != K_STRLIST)
		check_trailing(ps, st, kw);
}

static void
unknown_param(struct parser *ps, const struct policy_stmt *st, const struct policy_tok *t)
{
	char msg[POLICY_DIAG_MSG_MAX];
	const char *near = policy_kw_nearest(st->type, t->text);

	if (near != NULL)
		snprintf(msg, sizeof(msg), "unknown parameter '%.*s' in %s is ignored; did you "
		    "mean '%s'?", tlen(t), t->text.p, policy_stype_name(st->type), near);
	else
		snprintf(msg, sizeof(msg), "unknown parameter '%.*s' in %s is ignored",
		    tlen(t), t->text.p, policy_stype_name(st->type));
	diag(ps, WARN, t, msg);
	skip_line(ps);
}

static void
parse_body(struct parser *ps, struct policy_stmt *st, const struct policy_tok *open,
    unsigned depth)
{
	struct policy_tok t;
	char msg[POLICY_DIAG_MSG_MAX];
	const struct policy_kw *kw;
	struct seen sn;

	memset(&sn, 0, sizeof(sn));
	for (;;) {
		if (ps->rc != AT_OK)
			return;
		next(ps, &t);
		switch (t.type) {
		case TOK_EOL:
			continue;
		case TOK_RBRACE:
			return;
		case TOK_EOF:
			snprintf(msg, sizeof(msg), "%s has no closing '}' (opened on line %u)",
			    policy_stype_name(st->type), open->line);
			diag(ps, ERR, open, msg);
			unget(ps, &t);
			return;
		case TOK_LBRACE:
			diag(ps, ERR, &t, "unexpected '{' (a block must follow a statement "
			    "type or an inline parameter)");
			unget(ps, &t);
			skip_line(ps);
			continue;
		case TOK_WORD:
			break;
		}
		kw = policy_kw_lookup(st->type, t.text);
		if (kw == NULL) {
			unknown_param(ps, st, &t);
			continue;
		}
		parse_param(ps, st, &sn, kw, &t, depth);
	}
}

static struct policy_stmt *
parse_block(struct parser *ps, const struct policy_stmt_def *def,
    const struct policy_tok *typetok, bool global, unsigned depth)
{
	struct policy_tok t, nametok = { TOK_EOF, { NULL, 0 }, 0, 0 };
	struct policy_stmt *st;
	char msg[POLICY_DIAG_MSG_MAX];
	bool have_name = false;

	next(ps, &t);
	if (t.type == TOK_WORD) {
		nametok = t;
		have_name = true;
		next(ps, &t);
	}
	while (t.type == TOK_EOL)
		next(ps, &t);
	if (t.type != TOK_LBRACE) {
		snprintf(msg, sizeof(msg), "expected '{' after %s%s%.*s", def->name,
		    have_name ? " " : "", have_name ? tlen(&nametok) : 0,
		    have_name ? nametok.text.p : "");
		diag(ps, ERR, t.type == TOK_EOF ? typetok : &t, msg);
		unget(ps, &t);
		if (t.type != TOK_EOF && t.type != TOK_RBRACE)
			skip_line(ps);
		return NULL;
	}
	if (depth > MAX_DEPTH) {
		diag(ps, ERR, typetok, "statements are nested too deeply");
		unget(ps, &t);
		skip_line(ps);
		return NULL;
	}
	st = policy_arena_alloc(&ps->m->arena, sizeof(*st));
	if (st == NULL) {
		ps->rc = AT_E_NOMEM;
		return NULL;
	}
	st->type = def->type;
	st->loc = loc_of(ps, typetok);
	if (have_name) {
		if (!valid_name(nametok.text)) {
			snprintf(msg, sizeof(msg), "%s name '%.*s' must be 1 to %d printable "
			    "characters", def->name, tlen(&nametok), nametok.text.p,
			    POLICY_NAME_MAX);
			diag(ps, ERR, &nametok, msg);
		}
		st->name = policy_arena_strdup(&ps->m->arena, nametok.text);
		if (st->name == NULL) {
			ps->rc = AT_E_NOMEM;
			return NULL;
		}
		st->loc = loc_of(ps, &nametok);
	} else if (global) {
		snprintf(msg, sizeof(msg), "%s needs a name when it is not written inline",
		    def->name);
		diag(ps, ERR, typetok, msg);
	}
	parse_body(ps, st, &t, depth);
	return st;
}

static void
parse_cfg(struct parser *ps, const struct policy_tok *kt, const char *keyword)
{
	struct policy_cfgdir *c;
	struct policy_tok t;
	char msg[POLICY_DIAG_MSG_MAX];

	if (!ps->m->cfg_allowed) {
		snprintf(msg, sizeof(msg), "%s belongs in the main configuration (pagent.conf), "
		    "not in a policy file", keyword);
		diag(ps, ERR, kt, msg);
		skip_line(ps);
		return;
	}
	c = policy_arena_alloc(&ps->m->arena, sizeof(*c));
	if (c == NULL) {
		ps->rc = AT_E_NOMEM;
		return;
	}
	c->keyword = keyword;
	c->loc = loc_of(ps, kt);
	for (;;) {
		next(ps, &t);
		if (t.type != TOK_WORD)
			break;
		if (c->nargs == POLICY_CFG_MAXARGS) {
			diag(ps, ERR, &t, "too many values for a configuration statement");
			skip_line(ps);
			return;
		}
		c->argloc[c->nargs] = loc_of(ps, &t);
		c->args[c->nargs] = policy_arena_strdup(&ps->m->arena, t.text);
		if (c->args[c->nargs++] == NULL) {
			ps->rc = AT_E_NOMEM;
			return;
		}
	}
	if (t.type != TOK_EOL)
		unget(ps, &t);
	if (ps->m->cfg_last != NULL)
		ps->m->cfg_last->next = c;
	else
		ps->m->cfg_first = c;
	ps->m->cfg_last = c;
}

static void
unknown_stmt(struct parser *ps, const struct policy_tok *t)
{
	char msg[POLICY_DIAG_MSG_MAX];
	const char *near = policy_stmt_nearest(t->text);
	struct policy_tok n;

	if (near != NULL)
		snprintf(msg, sizeof(msg), "unknown statement type '%.*s'; did you mean '%s'?",
		    tlen(t), t->text.p, near);
	else
		snprintf(msg, sizeof(msg), "unknown statement type '%.*s'", tlen(t), t->text.p);
	diag(ps, ERR, t, msg);
	/* Skip its name and its block, if it has them. */
	next(ps, &n);
	if (n.type == TOK_WORD)
		next(ps, &n);
	while (n.type == TOK_EOL)
		next(ps, &n);
	if (n.type == TOK_LBRACE) {
		unget(ps, &n);
		skip_line(ps);
	} else {
		unget(ps, &n);
	}
}

static void
add_global(struct policy_model *m, struct policy_stmt *st)
{
	if (m->last != NULL)
		m->last->next = st;
	else
		m->first = st;
	m->last = st;
	m->nglobal++;
	if (st->type == ST_RULE)
		m->nrules++;
}

enum at_rc
policy_parse_text(struct policy_model *m, const char *file, const char *text,
    size_t len, struct policy_diags *diags)
{
	struct parser *ps;
	struct policy_tok t;
	enum at_rc rc;
	size_t i;

	/* The parser is big (value tokens); it lives on the heap, in the arena. */
	ps = policy_arena_alloc(&m->arena, sizeof(*ps));
	if (ps == NULL)
		return AT_E_NOMEM;
	ps->m = m;
	ps->file = file;
	ps->d = diags;
	ps->rc = AT_OK;
	policy_lex_init(&ps->lx, text, len);
	while (ps->rc == AT_OK) {
		const struct policy_stmt_def *def;
		const char *cfg = NULL;

		next(ps, &t);
		if (t.type == TOK_EOF)
			break;
		if (t.type == TOK_EOL)
			continue;
		if (t.type != TOK_WORD) {
			diag(ps, ERR, &t, t.type == TOK_RBRACE ? "unexpected '}'" :
			    "unexpected '{' (a block must follow a statement type)");
			if (t.type == TOK_LBRACE) {
				unget(ps, &t);
				skip_line(ps);
			}
			continue;
		}
		for (i = 0; cfg_keywords[i] != NULL; i++)
			if (at_str_eq_ci(t.text, cfg_keywords[i]))
				cfg = cfg_keywords[i];
		if (cfg != NULL) {
			parse_cfg(ps, &t, cfg);
			continue;
		}
		def = policy_stmt_lookup(t.text);
		if (def == NULL) {
			unknown_stmt(ps, &t);
			continue;
		}
		{
			struct policy_stmt *st = parse_block(ps, def, &t, true, 0);

			if (st != NULL && st->name != NULL)
				add_global(m, st);
		}
	}
	rc = ps->rc;
	return rc;
}
