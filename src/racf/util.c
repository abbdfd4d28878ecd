/*
 * util.c - helpers shared by the RACF handlers (util.h).
 */
#include <string.h>

#include "racf/util.h"

#define ACCESS_LIST "ALTER, CONTROL, UPDATE, READ, EXECUTE, OR NONE"

enum at_rc
racf_single_upper(const struct racf_opnd *kw, char *dst, size_t dstsz, const char *what,
    struct at_err *err)
{
	const struct racf_opnd *v = racf_single(kw);

	if (v == NULL)
		return racf_err_invalid(err, kw, what, NULL);
	return racf_get_upper(v, dst, dstsz, what, err);
}

enum at_rc
racf_single_text(const struct racf_opnd *kw, char *dst, size_t dstsz, const char *what,
    struct at_err *err)
{
	const struct racf_opnd *v = racf_single(kw);

	if (v == NULL)
		return racf_err_invalid(err, kw, what, NULL);
	return racf_get_text(v, dst, dstsz, what, err);
}

enum at_rc
racf_access_arg(const struct racf_opnd *kw, const char *what, enum saf_access *out,
    struct at_err *err)
{
	const struct racf_opnd *v = racf_single(kw);
	struct at_err tmp;
	char text[16];

	*out = SAF_ACC_NONE;
	if (v == NULL || v->quoted || racf_get_upper(v, text, sizeof(text), what, &tmp) != AT_OK ||
	    strcmp(text, "ALL") == 0 || saf_access_parse(text, out, &tmp) != AT_OK)
		return racf_err_invalid(err, v != NULL ? v : kw, what, ACCESS_LIST);
	return AT_OK;
}

enum at_rc
racf_gauth_arg(const struct racf_opnd *kw, enum saf_group_auth *out, struct at_err *err)
{
	const struct racf_opnd *v = racf_single(kw);
	struct at_err tmp;
	char text[16];

	*out = SAF_GAUTH_USE;
	if (v == NULL || v->quoted ||
	    racf_get_upper(v, text, sizeof(text), "GROUP AUTHORITY", &tmp) != AT_OK ||
	    saf_group_auth_parse(text, out, &tmp) != AT_OK)
		return racf_err_invalid(err, v != NULL ? v : kw, "GROUP AUTHORITY",
		    "USE, CREATE, CONNECT, OR JOIN");
	return AT_OK;
}

int64_t
racf_now(const struct racf_ctx *ctx)
{
	return ctx->now != 0 ? ctx->now : saf_now();
}

void
racf_err_for(struct at_err *err, const char *name)
{
	if (err == NULL || strncmp(err->msg, "ICH", 3) == 0 || strncmp(err->msg, "IKJ", 3) == 0 ||
	    strncmp(err->msg, "IRR", 3) == 0)
		return;
	at_err_prefix(err, "%s", name);
}
