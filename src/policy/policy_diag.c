/*
 * policy_diag.c - the list of errors and warnings a load collects, and its
 * "file:line:column: error: message" formatter.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy_int.h"

void
policy_diags_init(struct policy_diags *d)
{
	memset(d, 0, sizeof(*d));
}

void
policy_diags_free(struct policy_diags *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++)
		free((void *)(uintptr_t)d->v[i].file);
	free(d->v);
	memset(d, 0, sizeof(*d));
}

static enum at_rc vadd(struct policy_diags *d, enum policy_diag_severity sev,
    const char *file, unsigned line, unsigned column, const char *fmt, va_list ap)
    __attribute__((format(printf, 6, 0)));

static enum at_rc
vadd(struct policy_diags *d, enum policy_diag_severity sev, const char *file,
    unsigned line, unsigned column, const char *fmt, va_list ap)
{
	struct policy_diag *dg;
	size_t flen;
	char *fcopy;

	if (sev == POLICY_DIAG_ERROR)
		d->nerrors++;
	else
		d->nwarnings++;
	if (d->n >= POLICY_DIAGS_MAX) {
		d->dropped++;
		return AT_OK;
	}
	if (d->n == d->cap) {
		size_t ncap = d->cap == 0 ? 16 : d->cap * 2;
		struct policy_diag *nv = realloc(d->v, ncap * sizeof(*nv));

		if (nv == NULL)
			return AT_E_NOMEM;
		d->v = nv;
		d->cap = ncap;
	}
	if (file == NULL)
		file = "";
	flen = strlen(file);
	fcopy = malloc(flen + 1);
	if (fcopy == NULL)
		return AT_E_NOMEM;
	memcpy(fcopy, file, flen + 1);
	dg = &d->v[d->n++];
	dg->severity = sev;
	dg->file = fcopy;
	dg->line = line;
	dg->column = column;
	/* A message longer than the buffer is cut; the cut is marked. */
	if (vsnprintf(dg->msg, sizeof(dg->msg), fmt, ap) >= (int)sizeof(dg->msg))
		memcpy(dg->msg + sizeof(dg->msg) - 4, "...", 4);
	return AT_OK;
}

enum at_rc
policy_diags_add(struct policy_diags *d, enum policy_diag_severity sev,
    const char *file, unsigned line, unsigned column, const char *fmt, ...)
{
	va_list ap;
	enum at_rc rc;

	va_start(ap, fmt);
	rc = vadd(d, sev, file, line, column, fmt, ap);
	va_end(ap);
	return rc;
}

enum at_rc
policy_diag_at(struct policy_diags *d, enum policy_diag_severity sev,
    const struct policy_loc *loc, const char *fmt, ...)
{
	va_list ap;
	enum at_rc rc;

	va_start(ap, fmt);
	rc = vadd(d, sev, loc != NULL ? loc->file : NULL, loc != NULL ? loc->line : 0,
	    loc != NULL ? loc->col : 0, fmt, ap);
	va_end(ap);
	return rc;
}

enum at_rc
policy_diag_format(const struct policy_diag *dg, struct at_buf *out, struct at_err *err)
{
	const char *sev = dg->severity == POLICY_DIAG_ERROR ? "error" : "warning";
	enum at_rc rc = AT_OK;

	if (dg->file[0] != '\0') {
		rc = at_buf_printf(out, "%s:", dg->file);
		if (rc != AT_OK)
			goto out;
	}
	if (dg->line > 0) {
		rc = at_buf_printf(out, "%u:", dg->line);
		if (rc != AT_OK)
			goto out;
		if (dg->column > 0) {
			rc = at_buf_printf(out, "%u:", dg->column);
			if (rc != AT_OK)
				goto out;
		}
	}
	rc = at_buf_printf(out, "%s%s: %s", dg->file[0] != '\0' ? " " : "", sev, dg->msg);
out:
	if (rc != AT_OK)
		at_err_setx(err, rc, "cannot format a diagnostic");
	return rc;
}
