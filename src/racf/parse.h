/*
 * parse.h - from input text to parsed commands.
 *
 * racf_src_next (lex.c) cuts the input into logical commands, one per
 * line, following TSO:
 *   - a line whose last non-blank character is `+` or `-` continues on the
 *     next line; the character is removed.  After `+` the next line's
 *     leading blanks are dropped, after `-` they are kept (TSO/E rules).
 *   - a comment runs from slash-star to star-slash, also across lines, and
 *     counts as blanks; inside a quoted string these are plain characters.
 *   - blank lines (after comments are removed) are skipped.
 * racf_parse (parse.c) turns one logical command into a struct racf_cmd.
 * Every error message starts "source:line:column: " and then carries the
 * TSO/RACF message (IKJ56500I, IKJ56701I, IKJ56702I, IKJ56712I, ...).
 */
#ifndef ATTLS_RACF_PARSE_H
#define ATTLS_RACF_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"
#include "racf/cmd.h"

/* Where a run of characters of a logical line came from. */
struct racf_seg {
	size_t lofs;   /* offset in the logical line */
	unsigned line; /* physical line, 1-based */
	unsigned col;  /* column of the character at lofs, 1-based */
};

/* One logical command.  Owned by its struct racf_src; valid until the
 * next racf_src_next or racf_src_free. */
struct racf_line {
	char *text; /* NUL-terminated */
	size_t len;
	size_t cap;
	struct racf_seg *segs;
	size_t nsegs;
	size_t segcap;
	unsigned line; /* first physical line */
};

/* An input being cut into commands.  text is not owned and must stay
 * valid while the struct is used. */
struct racf_src {
	const char *name;
	const char *text;
	size_t len;
	size_t pos;
	unsigned line; /* physical line of text[pos] */
	struct racf_line cur;
};

void racf_src_init(struct racf_src *s, const char *name, const char *text,
    size_t len);
void racf_src_free(struct racf_src *s);

/*
 * Reads the next logical command into s->cur.  *got is false at the end of
 * the input.  AT_E_INPUT (command too long, too many continuation lines, a
 * comment never closed) still consumes that command, so the caller may go
 * on with the next one; AT_E_NOMEM is final.
 */
AT_MUST_CHECK enum at_rc racf_src_next(struct racf_src *s, bool *got,
    struct at_err *err);

/* The physical line and column of offset ofs in ln. */
void racf_line_pos(const struct racf_line *ln, size_t ofs, unsigned *line,
    unsigned *col);

/*
 * Parses logical command ln (from input `source`, kept as a pointer in the
 * result) into *out, which the caller frees with racf_cmd_free.  On error
 * *out is NULL and err says where and what, as TSO would.
 */
AT_MUST_CHECK enum at_rc racf_parse(const struct racf_line *ln,
    const char *source, struct racf_cmd **out, struct at_err *err);

/* Convenience for tests and one-command use: parses text (one command,
 * continuations allowed) as input `source`. */
AT_MUST_CHECK enum at_rc racf_parse_text(const char *text, const char *source,
    struct racf_cmd **out, struct at_err *err);

#endif
