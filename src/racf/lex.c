/*
 * lex.c - cuts RACF command input into logical commands: comments become
 * blanks, `+`/`-` continuations are joined, blank lines are skipped.  The
 * rules are in parse.h; positions are kept per physical line (struct
 * racf_seg) so the parser can point at line:column.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "racf/parse.h"

void
racf_src_init(struct racf_src *s, const char *name, const char *text, size_t len)
{
	memset(s, 0, sizeof(*s));
	s->name = name == NULL ? "-" : name;
	s->text = text == NULL ? "" : text;
	s->len = text == NULL ? 0 : len;
	s->line = 1;
}

void
racf_src_free(struct racf_src *s)
{
	if (s == NULL)
		return;
	free(s->cur.text);
	free(s->cur.segs);
	memset(&s->cur, 0, sizeof(s->cur));
}

static enum at_rc
line_reserve(struct racf_line *ln, size_t extra, struct at_err *err)
{
	size_t want = ln->len + extra + 1;
	size_t cap;
	char *p;

	if (extra > RACF_LINE_MAX || ln->len > RACF_LINE_MAX)
		return at_err_setx(err, AT_E_TOOBIG, "a command is longer than %u characters",
		    RACF_LINE_MAX);
	if (want <= ln->cap && ln->text != NULL)
		return AT_OK;
	cap = ln->cap == 0 ? 256 : ln->cap;
	while (cap < want)
		cap *= 2;
	p = realloc(ln->text, cap);
	if (p == NULL)
		return at_err_setx(err, AT_E_NOMEM, "out of memory reading a command");
	ln->text = p;
	ln->cap = cap;
	return AT_OK;
}

static enum at_rc
add_seg(struct racf_line *ln, unsigned line, unsigned col, struct at_err *err)
{
	struct racf_seg *p;
	size_t cap;

	if (ln->nsegs == ln->segcap) {
		cap = ln->segcap == 0 ? 8 : ln->segcap * 2;
		p = realloc(ln->segs, cap * sizeof(*p));
		if (p == NULL)
			return at_err_setx(err, AT_E_NOMEM, "out of memory reading a command");
		ln->segs = p;
		ln->segcap = cap;
	}
	ln->segs[ln->nsegs].lofs = ln->len;
	ln->segs[ln->nsegs].line = line;
	ln->segs[ln->nsegs].col = col;
	ln->nsegs++;
	return AT_OK;
}

/* State carried from one physical line to the next within a command. */
struct lexstate {
	bool in_comment;
	bool in_quote;
	bool strip_lead;    /* previous line ended with `+` */
	bool overflow;      /* the command passed RACF_LINE_MAX or RACF_SEGS_MAX */
	unsigned cmt_line;  /* where the open comment started */
	unsigned cmt_col;
};

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/*
 * Copies physical line p[0..n) into a scratch form where comment characters
 * are blanks; returns the number of characters written to tmp (== n).
 */
static void
blank_comments(struct lexstate *st, const char *p, size_t n, char *tmp,
    unsigned line)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = p[i];

		if (st->in_comment) {
			tmp[i] = ' ';
			if (c == '*' && i + 1 < n && p[i + 1] == '/') {
				tmp[++i] = ' ';
				st->in_comment = false;
			}
			continue;
		}
		if (!st->in_quote && c == '/' && i + 1 < n && p[i + 1] == '*') {
			st->in_comment = true;
			st->cmt_line = line;
			st->cmt_col = (unsigned)i + 1;
			tmp[i] = ' ';
			tmp[++i] = ' ';
			continue;
		}
		if (c == '\'')
			st->in_quote = !st->in_quote;
		tmp[i] = is_blank(c) ? ' ' : c;
	}
}

/*
 * Appends one physical line (already comment-blanked in tmp) to the
 * logical line.  Returns whether the command continues on the next line.
 */
static enum at_rc
append_physical(struct racf_line *ln, struct lexstate *st, const char *tmp,
    size_t n, unsigned line, bool *cont, struct at_err *err)
{
	size_t start = 0, end = n;
	enum at_rc rc = AT_OK;

	*cont = false;
	while (end > 0 && tmp[end - 1] == ' ')
		end--;
	if (end > 0 && (tmp[end - 1] == '+' || tmp[end - 1] == '-')) {
		*cont = true;
		end--;
	}
	if (st->strip_lead)
		while (start < end && tmp[start] == ' ')
			start++;
	st->strip_lead = *cont && tmp[end] == '+';
	if (st->in_comment)
		*cont = true; /* a comment spanning lines joins them */
	if (st->overflow || start >= end)
		return AT_OK;
	if (ln->len + (end - start) > RACF_LINE_MAX || ln->nsegs >= RACF_SEGS_MAX) {
		st->overflow = true;
		return AT_OK;
	}
	rc = add_seg(ln, line, (unsigned)start + 1, err);
	if (rc == AT_OK)
		rc = line_reserve(ln, end - start, err);
	if (rc == AT_OK && ln->text != NULL) {
		memcpy(ln->text + ln->len, tmp + start, end - start);
		ln->len += end - start;
		ln->text[ln->len] = '\0';
	}
	return rc;
}

static bool
all_blank(const struct racf_line *ln)
{
	size_t i;

	for (i = 0; i < ln->len; i++)
		if (ln->text[i] != ' ')
			return false;
	return true;
}

/* Reads physical lines until the logical command ends. */
static enum at_rc
read_command(struct racf_src *s, struct lexstate *st, struct at_err *err)
{
	struct racf_line *ln = &s->cur;
	char *tmp = NULL;
	size_t tmpcap = 0;
	bool cont = true;
	enum at_rc rc = AT_OK;

	ln->line = s->line;
	while (cont && s->pos < s->len) {
		const char *p = s->text + s->pos;
		const char *nl = memchr(p, '\n', s->len - s->pos);
		size_t n = nl == NULL ? s->len - s->pos : (size_t)(nl - p);
		unsigned line = s->line;

		if (n >= SIZE_MAX / 2) {
			rc = at_err_setx(err, AT_E_TOOBIG, "an input line is too long");
			goto out;
		}
		if (n + 1 > tmpcap || tmp == NULL) {
			char *t = realloc(tmp, n + 1);

			if (t == NULL) {
				rc = at_err_setx(err, AT_E_NOMEM, "out of memory reading a command");
				goto out;
			}
			tmp = t;
			tmpcap = n + 1;
		}
		s->pos += n + (nl != NULL ? 1 : 0);
		s->line++;
		blank_comments(st, p, n, tmp, line);
		rc = append_physical(ln, st, tmp, n, line, &cont, err);
		if (rc != AT_OK)
			goto out;
		if (!cont && !st->in_comment)
			st->in_quote = false;
		if (ln->len == 0 && !cont && !st->overflow)
			ln->line = s->line; /* nothing yet: the command starts later */
	}
out:
	free(tmp);
	return rc;
}

enum at_rc
racf_src_next(struct racf_src *s, bool *got, struct at_err *err)
{
	struct lexstate st;
	enum at_rc rc = AT_OK;

	*got = false;
	for (;;) {
		memset(&st, 0, sizeof(st));
		s->cur.len = 0;
		s->cur.nsegs = 0;
		if (s->cur.text != NULL)
			s->cur.text[0] = '\0';
		if (s->pos >= s->len)
			goto out;
		rc = read_command(s, &st, err);
		if (rc != AT_OK)
			goto out;
		if (st.in_comment) {
			rc = at_err_setx(err, AT_E_INPUT,
			    "%s:%u:%u: IKJ56702I INVALID COMMENT, the comment is not closed with */",
			    s->name, st.cmt_line, st.cmt_col);
			goto out;
		}
		if (st.overflow) {
			rc = at_err_setx(err, AT_E_INPUT,
			    "%s:%u:1: IKJ56702I INVALID COMMAND, longer than %u characters or %u lines; it was not run",
			    s->name, s->cur.line, RACF_LINE_MAX, RACF_SEGS_MAX);
			goto out;
		}
		if (s->cur.len > 0 && !all_blank(&s->cur)) {
			while (s->cur.text[s->cur.len - 1] == ' ')
				s->cur.text[--s->cur.len] = '\0';
			*got = true;
			goto out;
		}
	}
out:
	return rc;
}

void
racf_line_pos(const struct racf_line *ln, size_t ofs, unsigned *line, unsigned *col)
{
	size_t lo = 0, hi = ln->nsegs, mid;

	*line = ln->line;
	*col = (unsigned)ofs + 1;
	if (ln->nsegs == 0)
		return;
	/* the last segment starting at or before ofs (segments are in order) */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (ln->segs[mid].lofs <= ofs)
			lo = mid;
		else
			hi = mid;
	}
	*line = ln->segs[lo].line;
	*col = ln->segs[lo].col + (unsigned)(ofs - ln->segs[lo].lofs);
}
