/*
 * policy_envfile.c - TTLSGroupAdvancedParms Envfile: a file of System SSL
 * environment variables (NAME=value lines) read when the policy is
 * loaded.  A GSK_* variable that has a TTLSGskAdvancedParms (or
 * TTLSGskLdapParms) parameter of the same name is applied as that
 * parameter at the group's level, so the environment action's own
 * TTLSGskAdvancedParms override it; every other line draws a warning at
 * its file and line.  A file that cannot be read refuses the policy: its
 * settings were asked for and cannot be honoured.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/policy_settings.h"

#define ENVFILE_MAX (64 * 1024)
#define ERR POLICY_DIAG_ERROR
#define WARN POLICY_DIAG_WARNING

/*
 * Reads a regular file of at most ENVFILE_MAX bytes into a malloc'd
 * buffer (caller frees).  A device or FIFO is refused rather than read:
 * loading a policy must not block or read without end.
 */
static enum at_rc
read_small(const char *path, char **text, size_t *len, struct at_err *err)
{
	struct stat sb;
	char *buf = NULL;
	size_t have = 0;
	ssize_t n;
	int fd;
	enum at_rc rc = AT_OK;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return at_err_set(err, AT_E_IO, "Envfile %s cannot be opened", path);
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		rc = at_err_setx(err, AT_E_IO, "Envfile %s is not a regular file", path);
		goto out;
	}
	if (sb.st_size > ENVFILE_MAX) {
		rc = at_err_setx(err, AT_E_IO, "Envfile %s is larger than %d bytes", path,
		    ENVFILE_MAX);
		goto out;
	}
	buf = malloc(ENVFILE_MAX + 1);
	if (buf == NULL) {
		rc = at_err_setx(err, AT_E_NOMEM, "out of memory reading Envfile %s", path);
		goto out;
	}
	for (;;) {
		n = read(fd, buf + have, ENVFILE_MAX + 1 - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = at_err_set(err, AT_E_IO, "Envfile %s cannot be read", path);
			goto out;
		}
		if (n == 0)
			break;
		have += (size_t)n;
		if (have > ENVFILE_MAX) {
			rc = at_err_setx(err, AT_E_IO, "Envfile %s is larger than %d bytes",
			    path, ENVFILE_MAX);
			goto out;
		}
	}
	*text = buf;
	*len = have;
	buf = NULL;
out:
	free(buf);
	(void)close(fd);
	return rc;
}

static bool
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static struct at_str
trim(struct at_str s)
{
	while (s.len > 0 && blank(s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len > 0 && blank(s.p[s.len - 1]))
		s.len--;
	return s;
}

/* The parameter a variable of that name sets, or NULL. */
static const struct policy_kw *
gsk_kw(struct at_str name)
{
	const struct policy_kw *kw = policy_kw_lookup(ST_GSK_ADV, name);

	if (kw == NULL)
		kw = policy_kw_lookup(ST_GSK_LDAP, name);
	if (kw != NULL && (kw->kind == K_REF || kw->kind == K_INLINE))
		return NULL;
	return kw;
}

struct envctx {
	struct policy_model *m;
	struct policy_diags *d;
	struct policy_stmt *st;
	const char *file;
	enum at_rc rc;
};

/* A warning at line: what (at most 64 characters of it), then why. */
static void
warn_line(struct envctx *c, unsigned line, struct at_str what, const char *why)
{
	struct policy_loc loc = { c->file, line, 1 };

	if (c->rc == AT_OK)
		c->rc = policy_diag_at(c->d, WARN, &loc, "%.*s%s",
		    (int)(what.len > 64 ? 64 : what.len), what.p, why);
}

/* One NAME=value line (line number line, starting at col 1). */
static void
one_line(struct envctx *c, struct at_str s, unsigned line, bool *ok)
{
	const char *eq = memchr(s.p, '=', s.len);
	struct at_str name, value;
	struct policy_tok tok;
	struct policy_param *p;
	const struct policy_kw *kw;
	bool vok = true;

	if (eq == NULL) {
		warn_line(c, line, s, " is not NAME=value; the line is ignored");
		return;
	}
	name.p = s.p;
	name.len = (size_t)(eq - s.p);
	name = trim(name);
	value.p = eq + 1;
	value.len = (size_t)(s.p + s.len - value.p);
	value = trim(value);
	kw = gsk_kw(name);
	if (kw == NULL) {
		warn_line(c, line, name, " has no TTLSGskAdvancedParms equivalent here; "
		    "the variable is ignored");
		return;
	}
	if (value.len == 0) {
		warn_line(c, line, name, " has no value; the variable is ignored");
		return;
	}
	p = &c->st->params[c->st->nparams];
	memset(p, 0, sizeof(*p));
	p->kw = kw;
	p->loc.file = c->file;
	p->loc.line = line;
	p->loc.col = 1;
	p->vloc = p->loc;
	p->vloc.col = (unsigned)(value.p - s.p) + 1;
	p->text = policy_arena_strdup(&c->m->arena, value);
	if (p->text == NULL) {
		c->rc = AT_E_NOMEM;
		return;
	}
	tok.type = TOK_WORD;
	tok.text = value;
	tok.line = line;
	tok.col = p->vloc.col;
	c->rc = policy_value_parse(c->m, p, &tok, 1, c->d, &vok);
	if (c->rc != AT_OK)
		return;
	if (!vok || p->kw == NULL) {
		*ok = *ok && vok;
		return;
	}
	c->st->nparams++;
	c->rc = policy_check_param(c->d, c->st, p);
}

enum at_rc
policy_envfile_load(struct policy_model *m, struct policy_param *p,
    struct policy_diags *d, bool *ok)
{
	struct envctx c = { m, d, NULL, NULL, AT_OK };
	struct at_err e;
	char *text = NULL;
	size_t len = 0, i, nlines = 1;
	const char *q, *end;
	unsigned line = 0;

	*ok = true;
	if (policy_file_get(m, POLICY_FILE_ENVFILE, p->u.str, read_small, &text, &len,
	    &e) != AT_OK) {
		*ok = false;
		return policy_diag_at(d, ERR, &p->vloc, "%s; the policy is refused rather "
		    "than run without its settings", e.msg);
	}
	for (i = 0; i < len; i++)
		if (text[i] == '\n')
			nlines++;
	c.file = policy_arena_strdup(&m->arena, at_str_c(p->u.str));
	c.st = policy_arena_alloc(&m->arena, sizeof(*c.st));
	if (c.file == NULL || c.st == NULL ||
	    (c.st->params = policy_arena_alloc(&m->arena, nlines * sizeof(*c.st->params))) == NULL) {
		free(text);
		return AT_E_NOMEM;
	}
	c.st->type = ST_GSK_ADV;
	c.st->name = NULL;
	c.st->loc = p->loc;
	c.st->capparams = nlines;
	for (q = text, end = text + len; q < end && c.rc == AT_OK; ) {
		const char *nl = memchr(q, '\n', (size_t)(end - q));
		struct at_str s;

		s.p = q;
		s.len = (size_t)((nl != NULL ? nl : end) - q);
		q = nl != NULL ? nl + 1 : end;
		line++;
		s = trim(s);
		if (s.len == 0 || s.p[0] == '#')
			continue;
		one_line(&c, s, line, ok);
	}
	free(text);
	if (c.rc == AT_OK && *ok)
		p->target = c.st;
	return c.rc;
}
