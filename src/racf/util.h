/*
 * util.h - helpers the RACF handlers share (not part of the framework in
 * cmd.h): operand conversions with RACF's messages, and list walking.
 */
#ifndef ATTLS_RACF_UTIL_H
#define ATTLS_RACF_UTIL_H

#include "common/buf.h"
#include "common/str.h"
#include "racf/cmd.h"
#include "saf/names.h"

/* The single value of kw as an access level; on error "IKJ56702I INVALID
 * <what>, X" + "IKJ56701I MISSING ALTER, CONTROL, UPDATE, READ, EXECUTE,
 * OR NONE". */
AT_MUST_CHECK enum at_rc racf_access_arg(const struct racf_opnd *kw, const char *what,
    enum saf_access *out, struct at_err *err);

/* The single value of kw as a group authority (USE, CREATE, CONNECT, JOIN). */
AT_MUST_CHECK enum at_rc racf_gauth_arg(const struct racf_opnd *kw,
    enum saf_group_auth *out, struct at_err *err);

/* The single value of kw, upper-cased, into dst (size dstsz). */
AT_MUST_CHECK enum at_rc racf_single_upper(const struct racf_opnd *kw, char *dst,
    size_t dstsz, const char *what, struct at_err *err);

/* The single value of kw, as typed, into dst (size dstsz). */
AT_MUST_CHECK enum at_rc racf_single_text(const struct racf_opnd *kw, char *dst,
    size_t dstsz, const char *what, struct at_err *err);

/* The time a command runs at (ctx->now, else the clock). */
int64_t racf_now(const struct racf_ctx *ctx);

/* Prefixes err's message with "<name>: " when it does not already name
 * a RACF message, so a failure in a list says which entry failed. */
void racf_err_for(struct at_err *err, const char *name);

#endif
