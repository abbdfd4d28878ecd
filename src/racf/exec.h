/*
 * exec.h - running parsed RACF commands against the security database.
 *
 * Each command is one transaction: saf_db_begin, the verb's handler,
 * saf_db_commit on success, saf_db_rollback on any failure, so a failed
 * command changes nothing.  Listing verbs (RACF_VERB_READONLY) run without
 * a write transaction.  A run goes on with the next command after a
 * failure and counts the failures.
 */
#ifndef ATTLS_RACF_EXEC_H
#define ATTLS_RACF_EXEC_H

#include <stdbool.h>
#include <stdio.h>

#include "common/buf.h"
#include "common/err.h"
#include "racf/cmd.h"

/*
 * Runs cmd: the verb's authority check, then its handler in a transaction.
 * The command's output goes to out; on failure err holds the RACF
 * message(s), nothing was changed, and out is left as it was on entry for
 * a changing verb (its "done" messages would be false after the rollback;
 * a listing keeps what it printed before the failure).
 */
AT_MUST_CHECK enum at_rc racf_exec(struct racf_ctx *ctx, const struct racf_cmd *cmd,
    struct at_buf *out, struct at_err *err);

/*
 * Parses and runs one command given as text (continuations allowed);
 * the convenience the tests and one-command callers use.
 */
AT_MUST_CHECK enum at_rc racf_exec_text(struct racf_ctx *ctx, const char *text,
    struct at_buf *out, struct at_err *err);

/*
 * The text of cmd for echoing, with the values of every PASSWORD(...)
 * operand replaced by asterisks.  Caller frees the result with free();
 * NULL when out of memory.
 */
char *racf_echo_text(const struct racf_cmd *cmd);

/*
 * Runs every command in text (input name `source`, for messages), writing
 * a transcript to fp: with echo, "READY" and the command (one leading
 * blank, as TSO batch prints it) before each command's output, and
 * "READY" / "END" at the end.  Failure messages go to fp in line with the
 * output.  *nfailed counts the commands that failed (parse errors
 * included).  Returns AT_OK unless the run itself could not go on (out of
 * memory, a write error), with err set.
 */
AT_MUST_CHECK enum at_rc racf_run(struct racf_ctx *ctx, const char *source,
    const char *text, size_t len, bool echo, FILE *fp, unsigned *nfailed,
    struct at_err *err);

#endif
