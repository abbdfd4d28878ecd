/*
 * exec.c - one command, one transaction; a run of commands with a TSO-style
 * transcript (exec.h).
 */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "racf/exec.h"
#include "racf/parse.h"
#include "saf/authority.h"
#include "saf/db.h"

enum at_rc
racf_exec(struct racf_ctx *ctx, const struct racf_cmd *cmd, struct at_buf *out,
    struct at_err *err)
{
	const struct racf_verb *v = cmd == NULL ? NULL : cmd->verb;
	size_t start;
	bool txn;
	enum at_rc rc = AT_OK;

	if (v == NULL || ctx->actor == NULL || ctx->db == NULL)
		return at_err_setx(err, AT_E_INTERNAL, "no command, database or issuer to run");
	txn = (v->flags & RACF_VERB_READONLY) == 0;
	if (v->auth == RACF_AUTH_SPECIAL) {
		rc = saf_auth_special(ctx->actor, v->name, err);
		if (rc != AT_OK)
			goto out;
	}
	/* Slow work first, outside the write lock: a 4096-bit key must not
	 * keep logons and other commands waiting. */
	if (v->handler == racf_racdcert) {
		rc = racf_racdcert_prepare(ctx, cmd, err);
		if (rc != AT_OK)
			goto out;
	}
	if (txn) {
		rc = saf_db_begin(ctx->db, err);
		if (rc != AT_OK)
			goto out;
	}
	start = out->len;
	rc = v->handler(ctx, cmd, out, err);
	if (txn) {
		if (rc == AT_OK)
			rc = saf_db_commit(ctx->db, err);
		else
			saf_db_rollback(ctx->db);
	}
	if (txn && rc != AT_OK && out->len > start) {
		/* rolled back: what the handler reported as done did not happen */
		out->len = start;
		out->data[start] = '\0';
	}
out:
	EVP_PKEY_free(ctx->pregen_key);
	ctx->pregen_key = NULL;
	return rc;
}

enum at_rc
racf_exec_text(struct racf_ctx *ctx, const char *text, struct at_buf *out,
    struct at_err *err)
{
	struct racf_cmd *cmd = NULL;
	enum at_rc rc;

	rc = racf_parse_text(text, "command", &cmd, err);
	if (rc == AT_OK)
		rc = racf_exec(ctx, cmd, out, err);
	racf_cmd_free(cmd);
	return rc;
}

/* Blanks out the values of PASSWORD operands (at any depth) in text. */
static void
mask(char *text, size_t len, const struct racf_opnd *o, size_t n)
{
	size_t i, j;
	bool quoted;

	for (i = 0; i < n; i++) {
		const struct racf_opnd *k = &o[i];

		if (k->spec != NULL && strcmp(k->spec->name, "PASSWORD") == 0 && k->nitems > 0) {
			quoted = false;
			for (j = k->items[0].ofs; j < k->items[k->nitems - 1].end && j < len; j++) {
				quoted ^= text[j] == '\'';
				if (quoted || (text[j] != ' ' && text[j] != ','))
					text[j] = '*';
			}
			continue;
		}
		mask(text, len, k->items, k->nitems);
	}
}

char *
racf_echo_text(const struct racf_cmd *cmd)
{
	size_t len = strlen(cmd->text);
	char *t = malloc(len + 1);

	if (t == NULL)
		return NULL;
	memcpy(t, cmd->text, len + 1);
	mask(t, len, cmd->kws, cmd->nkws);
	return t;
}

/* Whether word t[0..n) could be PASSWORD (or PHRASE) abbreviated. */
static bool
maybe_password(const char *t, size_t n)
{
	static const char *const names[] = { "PASSWORD", "PHRASE" };
	size_t i, j;

	for (i = 0; i < 2; i++) {
		for (j = 0; j < n && names[i][j] != '\0'; j++)
			if ((t[j] & ~0x20) != names[i][j])
				break;
		if (j == n && n >= i + 1 && names[i][j - 1] != '\0')
			return true;
	}
	return false;
}

/*
 * For a command that did not parse: blanks out (with *) the parentheses
 * after any word that may be PASSWORD or PHRASE abbreviated, so a typo
 * elsewhere in the command does not put a password in the transcript.
 */
static void
mask_raw(char *t)
{
	size_t i = 0, w, depth;
	bool quoted;

	while (t[i] != '\0') {
		w = i;
		while (t[i] != '\0' && t[i] != '(' && t[i] != ' ' && t[i] != ',' && t[i] != ')')
			i++;
		if (t[i] != '(' || !maybe_password(t + w, i - w)) {
			i += t[i] != '\0';
			continue;
		}
		for (depth = 1, quoted = false, i++; t[i] != '\0' && depth > 0; i++) {
			quoted ^= t[i] == '\'';
			depth += !quoted && t[i] == '(';
			depth -= !quoted && t[i] == ')';
			if (depth > 0 && (quoted || (t[i] != ' ' && t[i] != ',')))
				t[i] = '*';
		}
	}
}

/* The echo of a command that did not parse: a masked copy of its text. */
static char *
raw_echo(const char *text)
{
	size_t len = strlen(text);
	char *t = malloc(len + 1);

	if (t == NULL)
		return NULL;
	memcpy(t, text, len + 1);
	mask_raw(t);
	return t;
}

/* Writes the result of one command to fp. */
static enum at_rc
report(FILE *fp, const struct at_buf *out, enum at_rc rc, const struct at_err *cerr,
    struct at_err *err)
{
	if (out->len > 0 && fwrite(out->data, 1, out->len, fp) != out->len)
		return at_err_set(err, AT_E_IO, "writing the output");
	if (rc != AT_OK && fprintf(fp, "%s\n", cerr->msg) < 0)
		return at_err_set(err, AT_E_IO, "writing the output");
	return AT_OK;
}

/* Parses, echoes and runs the command in s->cur. */
static enum at_rc
run_one(struct racf_ctx *ctx, struct racf_src *s, bool echo, FILE *fp, unsigned *nfailed,
    struct at_err *err)
{
	struct racf_cmd *cmd = NULL;
	struct at_buf out;
	struct at_err cerr;
	char *shown = NULL;
	enum at_rc rc, crc;

	at_buf_init(&out, RACF_OUT_MAX);
	at_err_clear(&cerr);
	crc = racf_parse(&s->cur, s->name, &cmd, &cerr);
	if (echo) {
		shown = cmd != NULL ? racf_echo_text(cmd) : raw_echo(s->cur.text);
		if (shown == NULL) {
			rc = at_err_setx(err, AT_E_NOMEM, "out of memory echoing a command");
			goto out;
		}
		if (fprintf(fp, "READY\n %s\n", shown) < 0) {
			rc = at_err_set(err, AT_E_IO, "writing the output");
			goto out;
		}
	}
	if (crc == AT_OK)
		crc = racf_exec(ctx, cmd, &out, &cerr);
	if (crc != AT_OK)
		(*nfailed)++;
	rc = report(fp, &out, crc, &cerr, err);
	if (rc == AT_OK && crc == AT_E_NOMEM)
		rc = at_err_setx(err, AT_E_NOMEM, "%s", cerr.msg);
out:
	free(shown);
	at_buf_free(&out);
	racf_cmd_free(cmd);
	return rc;
}

enum at_rc
racf_run(struct racf_ctx *ctx, const char *source, const char *text, size_t len,
    bool echo, FILE *fp, unsigned *nfailed, struct at_err *err)
{
	struct racf_src s;
	struct at_err lerr;
	bool got = true;
	enum at_rc rc = AT_OK, lrc;

	*nfailed = 0;
	racf_src_init(&s, source, text, len);
	while (rc == AT_OK) {
		at_err_clear(&lerr);
		lrc = racf_src_next(&s, &got, &lerr);
		if (lrc == AT_E_NOMEM) {
			rc = at_err_setx(err, lrc, "%s", lerr.msg);
			break;
		}
		if (lrc != AT_OK) {
			(*nfailed)++;
			if (fprintf(fp, "%s%s\n", echo ? "READY\n" : "", lerr.msg) < 0)
				rc = at_err_set(err, AT_E_IO, "writing the output");
			continue;
		}
		if (!got)
			break;
		rc = run_one(ctx, &s, echo, fp, nfailed, err);
	}
	if (rc == AT_OK && echo && fprintf(fp, "READY\nEND\n") < 0)
		rc = at_err_set(err, AT_E_IO, "writing the output");
	if (rc == AT_OK && fflush(fp) != 0)
		rc = at_err_set(err, AT_E_IO, "writing the output");
	racf_src_free(&s);
	return rc;
}
