/*
 * cmd.h - the RACF command framework: a parsed command, the verb and
 * keyword tables that drive the parser, the handler signature, and the
 * accessors handlers use to read operands.
 *
 * A command goes through three steps:
 *
 *   1. lex.c splits the input into logical lines (racf_src_next): comments
 *      become blanks, `+`/`-` continuations are joined, blank lines skipped.
 *   2. parse.c turns one logical line into a struct racf_cmd (racf_parse):
 *      it finds the verb in racf_verbs[], takes the verb's positional
 *      operands, then resolves every keyword against the verb's keyword
 *      table (TSO abbreviation rules, see racf_kw_lookup), recursively for
 *      sub-keywords such as OMVS(UID(1) HOME('/u/x')).  Any syntax error is
 *      an IKJ message with line:column and nothing is run.
 *   3. exec.c opens a transaction, calls the verb's handler, and commits on
 *      AT_OK or rolls back on anything else.
 *
 * Keyword names given to the accessors are always the FULL upper-case
 * names of the table rows ("ACCESS", never "ACC"): the parser has already
 * mapped whatever the user typed to the canonical row.
 *
 * Case: the parser keeps the user's text exactly (quotes removed, '' made
 * into '), because some operands are case-sensitive (RACDCERT ring names
 * and labels, RACMAP names, HOME paths).  Handlers upper-case where RACF
 * does with racf_get_upper (user ids, groups, classes, profile names).
 */
#ifndef ATTLS_RACF_CMD_H
#define ATTLS_RACF_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"

struct saf_db;
struct saf_actor;

/* Limits: a longer logical command is refused (IKJ56702I), never cut. */
#define RACF_LINE_MAX 65536u   /* characters in one logical command */
#define RACF_SEGS_MAX 4096u    /* physical lines joined into one command */
#define RACF_DEPTH_MAX 8u      /* nesting of parentheses */
#define RACF_ITEMS_MAX 4096u   /* operands in one parenthesised list */
#define RACF_OUT_MAX (16u * 1024u * 1024u) /* output of one command */

/* ------------------------------------------------------------------ */
/* Keyword tables                                                      */

/* Whether a keyword takes a parenthesised value. */
enum racf_kwval {
	RACF_KW_FLAG = 0, /* no value: SPECIAL, REFRESH, DEFAULT */
	RACF_KW_VALUE,    /* value required: CLASS(FACILITY), ID(USER1) */
	RACF_KW_OPTVALUE  /* value optional: RESET or RESET(ALL), LIST or LIST(LABEL('x')) */
};

/*
 * One keyword a verb (or an enclosing keyword) accepts.  A table is an
 * array terminated by a row whose name is NULL.
 *
 * name      full name, upper case ("KEYMASKED").
 * alias     NULL or another spelling accepted in full (e.g. "ACC" for
 *           "ACCESS" where a prefix would be ambiguous); an alias is never
 *           abbreviated further.
 * minabbr   the shortest prefix accepted; 0 or 1 means any prefix that is
 *           unique among the rows of the same table.  An exact full name
 *           or alias always wins over a prefix of a longer name.
 * val       see enum racf_kwval.
 * sub       NULL: the items inside the parentheses are plain values
 *           (words, quoted strings, nested lists).  Non-NULL: they are
 *           sub-keywords resolved against this table, as in
 *           SSIGNON(KEYMASKED(...)) or SIGNWITH(CERTAUTH LABEL('ca')).
 * what      what the value is, for IKJ56701I MISSING <what> when the
 *           value is absent ("CLASS NAME"); NULL: "<NAME> OPERAND".
 */
struct racf_kwspec {
	const char *name;
	const char *alias;
	unsigned char minabbr;
	enum racf_kwval val;
	const struct racf_kwspec *sub;
	const char *what;
};

/*
 * Resolves `typed` (any case, length len) against table: an exact name or
 * alias first, then a unique prefix at least minabbr long.  Returns the row,
 * or NULL with *ambiguous set when two or more rows share the prefix.
 */
const struct racf_kwspec *racf_kw_lookup(const struct racf_kwspec *table,
    const char *typed, size_t len, bool *ambiguous);

/* ------------------------------------------------------------------ */
/* A parsed command                                                    */

/*
 * One operand or value item.  Four shapes:
 *   word           USER1, *, 2022/12/31         (quoted false, parens false)
 *   quoted string  'label with blanks'           (quoted true)
 *   list           (USER1 USER2) as a positional or nested inside a value
 *                                                 (spec NULL, parens true, text "")
 *   keyword        CLASS(FACILITY), SPECIAL      (spec non-NULL; parens
 *                                                 true when (...) followed)
 * text is NUL-terminated with quotes removed and '' turned into '; for a
 * keyword it is the keyword as typed ("acc").  items are the operands
 * inside the parentheses, in order (sub-keywords have spec set).
 * line/col locate the operand in the input (1-based); ofs/end in cmd->text.
 * Everything is owned by the struct racf_cmd that holds it.
 */
struct racf_opnd {
	const struct racf_kwspec *spec;
	char *text;
	size_t len;
	bool quoted;
	bool parens;
	struct racf_opnd *items;
	size_t nitems;
	unsigned line;
	unsigned col;
	size_t ofs; /* where the operand starts in the command's text */
	size_t end; /* one past its end */
};

struct racf_verb;

/*
 * A parsed command.  pos are the positional operands (for RDEFINE: the
 * class, then the profile or profile list); kws are the keywords in the
 * order typed (a keyword typed twice keeps only the last).  text is the
 * logical command as run, for echoing.  Released with racf_cmd_free.
 */
struct racf_cmd {
	const struct racf_verb *verb;
	struct racf_opnd *pos;
	size_t npos;
	struct racf_opnd *kws;
	size_t nkws;
	char *text;
	const char *source; /* file name for messages; not owned */
	unsigned line;      /* first physical line of the command */
	unsigned col;       /* column of the verb */
};

/* Frees cmd and everything it holds.  NULL is a no-op. */
void racf_cmd_free(struct racf_cmd *cmd);

/* ------------------------------------------------------------------ */
/* Handlers and verbs                                                  */

/* Options of one racf run. */
#define RACF_OPT_QUIET 0x1u /* no echo of commands */

/*
 * What a handler may use.  db has a transaction open (see saf/db.h) for
 * verbs without RACF_VERB_READONLY; actor is the user the command runs as
 * (its authority decides, through the saf_* calls); now is the time the
 * command runs (tests set it; 0 means the clock).  None is owned here.
 */
struct evp_pkey_st;

struct racf_ctx {
	struct saf_db *db;
	const struct saf_actor *actor;
	unsigned opts;
	int64_t now;
	/*
	 * A key RACDCERT GENCERT generated before racf_exec opened the
	 * transaction (racf_racdcert_prepare), so the write lock is not held
	 * through a slow RSA key generation.  The handler takes it (sets
	 * NULL); racf_exec frees what is left.
	 */
	struct evp_pkey_st *pregen_key;
};

/*
 * A verb's handler.  Writes the command's normal output (listings,
 * informational ICH messages) to out; on failure returns the at_rc and
 * puts the RACF message(s) in err (several lines separated by '\n',
 * e.g. "ICH51003I NAME NOT FOUND IN RACF DATA SET\nICH02003I USER(S) NOT
 * CONNECTED.").  The caller rolls the transaction back on any failure, so
 * a handler may stop half-way.  out may already hold text; append only.
 */
typedef enum at_rc (*racf_handler_fn)(struct racf_ctx *ctx,
    const struct racf_cmd *cmd, struct at_buf *out, struct at_err *err);

/* The authority a verb needs before its handler runs at all.  Finer
 * checks (owner, group-SPECIAL, CLAUTH, IRR.DIGTCERT.*) are the saf_*
 * functions' and the handlers' business. */
enum racf_auth {
	RACF_AUTH_ANY = 0, /* any defined user; the handler or saf checks */
	RACF_AUTH_SPECIAL  /* the SPECIAL attribute */
};

/* Verb flags. */
#define RACF_VERB_READONLY 0x1u /* lists only: no write transaction */

/*
 * One verb: a row of racf_verbs[].  aliases are the RACF-defined short
 * names (AU, ALU, SETR, ...); verbs are never abbreviated otherwise.
 * pos_min..pos_max positional operands come first; when the count given
 * may be below pos_max, a word that resolves as one of the verb's keywords
 * is taken as a keyword, not a positional (LISTUSER OMVS lists the issuer's
 * OMVS segment).  pos_what[i] names positional i for IKJ56701I.
 */
struct racf_verb {
	const char *name;
	const char *aliases[3];
	unsigned char pos_min;
	unsigned char pos_max;
	const char *pos_what[2];
	const struct racf_kwspec *keywords;
	racf_handler_fn handler;
	enum racf_auth auth;
	unsigned flags;
};

/* All verbs, terminated by a row whose name is NULL (verbs.c). */
extern const struct racf_verb racf_verbs[];

/* Finds a verb by full name or alias, any case; NULL if unknown. */
const struct racf_verb *racf_verb_lookup(const char *typed, size_t len);

/*
 * Work a command may do before its transaction opens, with no lock held
 * (racf_exec calls it): RACDCERT GENCERT checks the issuer's authority
 * and its operands and generates the key into ctx->pregen_key.  The
 * handler, inside the transaction, checks everything again.
 */
AT_MUST_CHECK enum at_rc racf_racdcert_prepare(struct racf_ctx *ctx,
    const struct racf_cmd *cmd, struct at_err *err);

/* Handlers.  RACDCERT and RACMAP, with their keyword tables, live in
 * racdcert.c and racmap.c. */
enum at_rc racf_adduser(struct racf_ctx *, const struct racf_cmd *, struct at_buf *, struct at_err *);
enum at_rc racf_altuser(struct racf_ctx *, const struct racf_cmd *, struct at_buf *, struct at_err *);
enum at_rc racf_deluser(struct racf_ctx *, const struct racf_cmd *, struct at_buf *, struct at_err *);
enum at_rc racf_listuser(struct racf_ctx *, const struct racf_cmd *, struct at_buf *, struct at_err *);
enum at_rc racf_password(struct racf_ctx *, const struct racf_cmd *, struct at_buf *, struct at_err *);
enum at_rc racf_addgroup(struct racf_ctx *, const struct racf_cmd *, struct at_buf *, struct at_err *);
enum at_rc racf_altgroup(struct racf_ctx *, const struct racf_cmd *, struct at_buf *, struct at_err *);
enum at_rc racf_delgroup(struct racf_ctx *, const struct racf_cmd *, struct at_buf *, struct at_err *);
enum at_rc racf_listgrp(struct racf_ctx *, const struct racf_cmd *, struct at_buf *, struct at_err *);
enum at_rc racf_connect(struct racf_ctx *, const struct racf_cmd *, struct at_buf *, struct at_err *);
enum at_rc racf_remove(struct racf_ctx *, const struct racf_cmd *, struct at_buf *, struct at_err *);
enum at_rc racf_rdefine(struct racf_ctx *, const struct racf_cmd *, struct at_buf *, struct at_err *);
enum at_rc racf_ralter(struct racf_ctx *, const struct racf_cmd *, struct at_buf *, struct at_err *);
enum at_rc racf_rdelete(struct racf_ctx *, const struct racf_cmd *, struct at_buf *, struct at_err *);
enum at_rc racf_rlist(struct racf_ctx *, const struct racf_cmd *, struct at_buf *, struct at_err *);
enum at_rc racf_permit(struct racf_ctx *, const struct racf_cmd *, struct at_buf *, struct at_err *);
enum at_rc racf_setropts(struct racf_ctx *, const struct racf_cmd *, struct at_buf *, struct at_err *);
enum at_rc racf_racdcert(struct racf_ctx *, const struct racf_cmd *, struct at_buf *, struct at_err *);
enum at_rc racf_racmap(struct racf_ctx *, const struct racf_cmd *, struct at_buf *, struct at_err *);
enum at_rc racf_ckdskey(struct racf_ctx *, const struct racf_cmd *, struct at_buf *, struct at_err *);

/* Keyword tables of RACDCERT and RACMAP (racdcert.c, racmap.c). */
extern const struct racf_kwspec racf_racdcert_keywords[];
extern const struct racf_kwspec racf_racmap_keywords[];
extern const struct racf_kwspec racf_ckdskey_keywords[];

/* ------------------------------------------------------------------ */
/* Reading operands (all pointers are owned by cmd)                    */

/* The keyword `name` (full table name) if it was given, else NULL. */
const struct racf_opnd *racf_kw(const struct racf_cmd *cmd, const char *name);

/* The sub-keyword `name` inside kw's parentheses, else NULL (kw may be NULL). */
const struct racf_opnd *racf_sub(const struct racf_opnd *kw, const char *name);

/* Whether kw (may be NULL) was followed by parentheses. */
bool racf_has_value(const struct racf_opnd *kw);

/*
 * Values as a flat list: for a word or quoted string, the item itself
 * (count 1); for a list or keyword, the plain items inside the parentheses
 * (sub-keywords are skipped), with nested plain lists flattened.  So
 * ID(A B), ID((A,B)) and a positional USER1 or (USER1 USER2) all read
 * the same.  racf_list_at returns NULL past the end.
 */
size_t racf_list_count(const struct racf_opnd *o);
const struct racf_opnd *racf_list_at(const struct racf_opnd *o, size_t i);

/* The only value of o (racf_list_count(o) == 1), else NULL. */
const struct racf_opnd *racf_single(const struct racf_opnd *o);

/*
 * Copies value v (exactly as typed, quotes removed) into dst; with
 * racf_get_upper, ASCII upper-cased.  A value that does not fit in
 * dstsz - 1 characters, an empty value, or a missing v fail with AT_E_INPUT
 * and an IKJ56702I INVALID <what>, <value> message.
 */
AT_MUST_CHECK enum at_rc racf_get_text(const struct racf_opnd *v, char *dst,
    size_t dstsz, const char *what, struct at_err *err);
AT_MUST_CHECK enum at_rc racf_get_upper(const struct racf_opnd *v, char *dst,
    size_t dstsz, const char *what, struct at_err *err);

/* The single value of kw as a decimal number in [min, max]. */
AT_MUST_CHECK enum at_rc racf_get_u64(const struct racf_opnd *kw, uint64_t min,
    uint64_t max, const char *what, uint64_t *out, struct at_err *err);

/*
 * Message helpers: set err to rc and "IKJ56702I INVALID <what>, <value>"
 * (optionally followed by "\nIKJ56701I MISSING <missing>") with the
 * operand's position when it has one.
 */
enum at_rc racf_err_invalid(struct at_err *err, const struct racf_opnd *v,
    const char *what, const char *missing);

#endif
