/*
 * policy_int.h - the loader's internal object model, shared by the lexer,
 * parser, validator and resolver.  Nothing here is part of the public API
 * (policy.h).
 *
 * Memory: everything a load creates (statements, parameters, copies of
 * names and values, resolved rules and actions) comes from one arena owned
 * by the load, so a refused load or a freed set releases it in one call.
 */
#ifndef ATTLS_POLICY_INT_H
#define ATTLS_POLICY_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/err.h"
#include "common/str.h"
#include "policy/policy.h"

/* ---- arena ------------------------------------------------------------ */

struct policy_arena_block;

struct policy_arena {
	struct policy_arena_block *head;
};

void policy_arena_init(struct policy_arena *a);
/* Releases every block; a may be NULL. */
void policy_arena_free(struct policy_arena *a);
/* Zeroed memory, 16-byte aligned, or NULL when out of memory. */
void *policy_arena_alloc(struct policy_arena *a, size_t n);
/* A NUL-terminated copy of v, or NULL when out of memory. */
char *policy_arena_strdup(struct policy_arena *a, struct at_str v);

/* ---- statements and keywords ------------------------------------------ */

enum policy_stype {
	ST_NONE = 0,
	ST_RULE,
	ST_GROUP,
	ST_GROUP_ADV,
	ST_ENV,
	ST_CONN,
	ST_ENV_ADV,
	ST_CONN_ADV,
	ST_KEYRING,
	ST_CIPHER,
	ST_SIGNATURE,
	ST_GSK_ADV,
	ST_GSK_LDAP,
	ST_GSK_OCSP,
	ST_GSK_HTTPCDP,
	ST_IPADDR,
	ST_IPADDRSET,
	ST_IPADDRGROUP,
	ST_PORTRANGE,
	ST_PORTGROUP,
	ST_TIME,
	ST_COUNT
};

enum policy_kind {
	K_REF,       /* ...Ref name: a global statement of type kw->child */
	K_INLINE,    /* a nested block of type kw->child */
	K_BOOL,      /* On | Off */
	K_ENUM,      /* one of kw->enums */
	K_U32,       /* decimal in [min, max] */
	K_STR,       /* one token */
	K_LABEL,     /* the rest of the line */
	K_STRLIST,   /* the rest of the line; repeats are concatenated */
	K_PROTO,     /* On | Off for protocol bit kw->max */
	K_V2CIPH,    /* V2CipherSuites */
	K_V3CIPH,    /* V3CipherSuites */
	K_V3CIPH4,   /* V3CipherSuites4Char */
	K_HEXLIST,   /* 4-hex ids, blank separated or concatenated; "Any" */
	K_GROUPLIST, /* TLS group ids as 4 decimal digits (0023 = secp256r1); "Any" */
	K_ADDR,      /* All | ip | ip/prefix | ip-ip */
	K_PORT,      /* n | n-m (0 = all) */
	K_DIR,       /* Inbound | Outbound | Both */
	K_JOB,       /* 1..8 characters, optional trailing '*' */
	K_TOD,       /* hh:mm */
	K_DOW,       /* Sunday..Saturday or 1..7 */
	K_DOM,       /* 1..31, or -1..-31 counting from the end */
	K_MONTH,     /* January..December or 1..12 */
	K_TZ,        /* UTC | Local */
	K_PERIOD,    /* yyyymmdd[hhmmss]:yyyymmdd[hhmmss] */
	K_MASK,      /* a string of kw->max '0'/'1' characters */
	K_TODRANGE   /* hh:mm-hh:mm */
};

/* Which condition a rule parameter sets (kw->slot). */
enum policy_slot {
	SLOT_NONE = 0,
	SLOT_LADDR,
	SLOT_RADDR,
	SLOT_LPORT,
	SLOT_RPORT,
	SLOT_TIME,
	SLOT_GROUP,
	SLOT_ENV,
	SLOT_CONN
};

struct policy_enum {
	const char *name;
	int value;
};

struct policy_kw {
	const char *name;
	size_t off;                     /* 1 + offset in struct policy_actions;
	                                   0: no typed field (kept as an extra) */
	uint64_t min, max;              /* K_U32 range; K_PROTO bit; K_MASK width */
	const struct policy_enum *enums;/* K_ENUM values */
	const char *dflt;               /* default, as shown (NULL: none) */
	enum policy_kind kind;
	enum policy_stype child;        /* K_REF / K_INLINE target type */
	enum policy_slot slot;          /* rule conditions and action refs */
	bool multi;                     /* repeats accumulate (no warning) */
	bool env_only;                  /* not valid in TTLSConnectionAdvancedParms */
	bool empty_ok;                  /* written with no value, it means "" */
	/*
	 * Every parameter with a value is one of: applied, with the test that
	 * shows it (applied), or without effect here, with the reason a check
	 * warns with when its value is not the default (noeffect).  The
	 * keyword-table test holds the tables to it.
	 */
	const char *applied;
	const char *noeffect;
};

struct policy_stmt_def {
	const char *name;
	enum policy_stype type;
	bool global;                    /* may appear at top level */
	const struct policy_kw *kws;    /* terminated by a NULL name */
};

/* The statement definition for a type, and lookup by name (case-insensitive). */
const struct policy_stmt_def *policy_stmt_def(enum policy_stype t);
const struct policy_stmt_def *policy_stmt_lookup(struct at_str name);
/* The nearest statement type name to name (for "did you mean"). */
const char *policy_stmt_nearest(struct at_str name);
/* Keyword of statement t, or NULL; and the nearest keyword's name. */
const struct policy_kw *policy_kw_lookup(enum policy_stype t, struct at_str name);
const char *policy_kw_nearest(enum policy_stype t, struct at_str name);
/*
 * The reason a parameter named name has no effect here when set to value
 * (as `attls policy show` prints it), or NULL when it is applied or the
 * value asks for nothing (the default, Off).
 */
const char *policy_kw_noeffect(const char *name, const char *value);
/* Name of an enum value of kw (for display), or "?". */
const char *policy_enum_name(const struct policy_enum *e, int value);

/* ---- parsed object model ---------------------------------------------- */

struct policy_loc {
	const char *file;               /* arena copy */
	unsigned line;
	unsigned col;
};

struct policy_stmt;

struct policy_u16v {
	uint16_t *v;
	size_t n;
};

struct policy_param {
	const struct policy_kw *kw;
	struct policy_loc loc;          /* the keyword */
	struct policy_loc vloc;         /* the value */
	const char *text;               /* the value as written ("" if none) */
	union {
		uint64_t num;           /* BOOL ENUM U32 PROTO DIR TOD DOW DOM MONTH TZ MASK */
		const char *str;        /* STR LABEL STRLIST REF(name) JOB */
		struct policy_u16v list;/* cipher and hex lists */
		struct {
			bool any;
			struct policy_addr_range r;
		} addr;
		struct {
			bool any;
			struct policy_port_range r;
		} port;
		struct {
			time_t from, to;
		} period;
		struct {
			uint16_t from, to;
		} tod;
	} u;
	struct policy_stmt *target;     /* REF after resolution, or INLINE */
};

struct policy_stmt {
	enum policy_stype type;
	const char *name;               /* NULL for an anonymous inline block */
	struct policy_loc loc;
	struct policy_param *params;
	size_t nparams, capparams;
	struct policy_stmt *next;       /* next global statement in input order */
	void *cache;                    /* resolution result (address, port, time) */
	bool used;
	bool invalid;                   /* a value was refused (reported) */
};

/* Everything one load builds; owned by the loader, then by the set. */
/* A main-configuration statement met in a file (TcpImage, TTLSConfig, ...). */
#define POLICY_CFG_MAXARGS 6
struct policy_cfgdir {
	const char *keyword;            /* as the table spells it */
	struct policy_loc loc;
	const char *args[POLICY_CFG_MAXARGS];
	struct policy_loc argloc[POLICY_CFG_MAXARGS];
	size_t nargs;
	struct policy_cfgdir *next;
};

struct policy_model {
	struct policy_arena arena;
	bool cfg_allowed;               /* main-configuration statements accepted */
	struct policy_cfgdir *cfg_first, *cfg_last;
	struct policy_stmt *first, *last; /* global statements in input order */
	size_t nglobal;
	size_t nrules;
	unsigned log_level;
	bool warn_zos_defaults;         /* policy_load_opts.warn_zos_defaults */
	const struct policy_file_hook *files; /* policy_load_opts.files */
};

/*
 * Reads a file the policy names through m->files (see policy_file_hook):
 * replayed, or read with read_fn and recorded.  *text is malloc'd.
 */
AT_MUST_CHECK enum at_rc policy_file_get(const struct policy_model *m,
    enum policy_file_kind kind, const char *path,
    enum at_rc (*read_fn)(const char *, char **, size_t *, struct at_err *),
    char **text, size_t *len, struct at_err *err);

/* ---- diagnostics helpers ------------------------------------------------ */

/* Adds a diagnostic at loc (loc may be NULL); returns AT_E_NOMEM or AT_OK. */
AT_MUST_CHECK enum at_rc policy_diag_at(struct policy_diags *d,
    enum policy_diag_severity sev, const struct policy_loc *loc,
    const char *fmt, ...) AT_PRINTF(4, 5);

/* ---- lexer ------------------------------------------------------------ */

enum policy_tok_type {
	TOK_EOF = 0,
	TOK_WORD,
	TOK_LBRACE,
	TOK_RBRACE,
	TOK_EOL
};

struct policy_tok {
	enum policy_tok_type type;
	struct at_str text;
	unsigned line;
	unsigned col;
};

struct policy_lexer {
	const char *p;
	const char *end;
	unsigned line;
	const char *line_start;
};

void policy_lex_init(struct policy_lexer *lx, const char *text, size_t len);
/* The next token; comments and blanks are skipped; each newline is TOK_EOL. */
void policy_lex_next(struct policy_lexer *lx, struct policy_tok *tok);
/* The next token without consuming it. */
void policy_lex_peek(const struct policy_lexer *lx, struct policy_tok *tok);
/*
 * The rest of the current line as one TOK_WORD (blanks inside kept, a
 * comment and a closing brace at the end left out), or TOK_EOL/TOK_EOF/
 * TOK_RBRACE when nothing is left on the line.
 */
void policy_lex_rest(struct policy_lexer *lx, struct policy_tok *tok);

/* ---- parser ----------------------------------------------------------- */

/*
 * Parses one policy text into m (appending its global statements).  Errors
 * and warnings go to diags; a syntax error does not stop the parse.  file
 * must be an arena copy.  Returns AT_OK or AT_E_NOMEM.
 */
AT_MUST_CHECK enum at_rc policy_parse_text(struct policy_model *m, const char *file,
    const char *text, size_t len, struct policy_diags *diags);

/*
 * Reads the Envfile p names (envfile.c) and hangs its GSK_* settings on
 * p->target as a TTLSGskAdvancedParms statement; *ok false (with an error
 * in diags) when the file cannot be used.  Returns AT_OK or AT_E_NOMEM.
 */
AT_MUST_CHECK enum at_rc policy_envfile_load(struct policy_model *m,
    struct policy_param *p, struct policy_diags *diags, bool *ok);

/* Value parsing for one parameter (value.c); diagnostics at p->vloc. */
AT_MUST_CHECK enum at_rc policy_value_parse(struct policy_model *m,
    struct policy_param *p, struct policy_tok *toks, size_t ntoks,
    struct policy_diags *diags, bool *ok);

/*
 * Parses the value text of an IpTimeCondition parameter into p->u; false
 * with a message in msg when it is not valid.
 */
bool policy_value_time(struct policy_param *p, struct at_str text, char *msg, size_t msgsz);

/* Cipher constants (cipher.c): IANA id of a constant name. */
bool policy_cipher_lookup(struct at_str name, uint16_t *id);
bool policy_v2_cipher_lookup(struct at_str name, uint16_t *id);

/* ---- validation and resolution ---------------------------------------- */

struct policy_set {
	struct policy_model model;
	struct policy_rule *rules;      /* search order */
	size_t nrules;
};

/*
 * Checks the names (duplicates, references and their types) and the
 * statement-level required parameters.  Returns AT_OK or AT_E_NOMEM; errors
 * are in diags.
 */
AT_MUST_CHECK enum at_rc policy_validate_model(struct policy_model *m,
    struct policy_diags *diags);

/* Builds the resolved rules of set->model in search order. */
AT_MUST_CHECK enum at_rc policy_resolve(struct policy_set *set,
    struct policy_diags *diags);

/* Rule-level checks after resolution (never match, shadowing). */
AT_MUST_CHECK enum at_rc policy_validate_rules(struct policy_set *set,
    struct policy_diags *diags);

/*
 * Builds the effective actions for (group, env, conn) in ar (env and conn
 * may be NULL); *client_auth_given says whether ClientAuthType was written.
 * Returns NULL when out of memory.
 */
const struct policy_actions *policy_actions_build(struct policy_arena *ar,
    const struct policy_stmt *group, const struct policy_stmt *env,
    const struct policy_stmt *conn, bool *client_auth_given);

/*
 * The one Ref or inline parameter of st naming a statement of type child
 * that takes effect: the last inline block, else the last Ref; NULL when
 * there is none.  The others are replaced whole, as z/OS installs them.
 */
const struct policy_param *policy_child_winner(const struct policy_stmt *st,
    enum policy_stype child);

/* main configuration (config.c): loads config_path into m. */
AT_MUST_CHECK enum at_rc policy_config_load(struct policy_model *m,
    const struct policy_load_opts *opts, struct policy_diags *diags,
    struct at_err *err);

/*
 * Reads and parses one policy file into m.  When from (the statement that
 * named the file) is given, an unreadable file is an error diagnostic there
 * and the call returns AT_OK; otherwise it is returned as AT_E_IO.
 */
AT_MUST_CHECK enum at_rc policy_load_file(struct policy_model *m, const char *path,
    const struct policy_loc *from, struct policy_diags *diags, struct at_err *err);

/* Reads a whole file into a malloc'd buffer (caller frees). */
AT_MUST_CHECK enum at_rc policy_read_file(const char *path, char **text,
    size_t *len, struct at_err *err);

/* Statement display name ("TTLSRule"). */
const char *policy_stype_name(enum policy_stype t);

#endif
