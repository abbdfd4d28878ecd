/*
 * err.c - filling struct at_err.  Formatting never fails: a message longer
 * than the buffer is cut, and the cut is marked with "...".
 */
#include "common/err.h"
#include "common/err_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>


void
at_err_clear(struct at_err *err)
{
	if (err == NULL)
		return;
	err->rc = AT_OK;
	err->msg[0] = '\0';
}

void
at_err_mark_truncated(struct at_err *err, int n)
{
	if (n >= (int)sizeof(err->msg))
		memcpy(err->msg + sizeof(err->msg) - 4, "...", 4);
}

void
at_err_vformat(struct at_err *err, enum at_rc rc, const char *fmt, va_list ap)
{
	int n;

	err->rc = rc;
	n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	if (n < 0)
		err->msg[0] = '\0';
	else
		at_err_mark_truncated(err, n);
}

void
at_err_append(struct at_err *err, const char *text)
{
	size_t used = strlen(err->msg);
	int n;

	if (used >= sizeof(err->msg) - 1)
		return;
	n = snprintf(err->msg + used, sizeof(err->msg) - used, "%s", text);
	if (n >= 0 && (size_t)n >= sizeof(err->msg) - used)
		at_err_mark_truncated(err, (int)sizeof(err->msg));
}

enum at_rc
at_err_setx(struct at_err *err, enum at_rc rc, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return rc;
	va_start(ap, fmt);
	at_err_vformat(err, rc, fmt, ap);
	va_end(ap);
	return rc;
}

enum at_rc
at_err_set(struct at_err *err, enum at_rc rc, const char *fmt, ...)
{
	int saved = errno;
	char sys[256];
	va_list ap;

	if (err == NULL)
		return rc;
	va_start(ap, fmt);
	at_err_vformat(err, rc, fmt, ap);
	va_end(ap);
	/* strerror_r (XSI form under _POSIX_C_SOURCE) fills sys or fails. */
	if (strerror_r(saved, sys, sizeof(sys)) != 0)
		(void)snprintf(sys, sizeof(sys), "errno %d", saved);
	at_err_append(err, ": ");
	at_err_append(err, sys);
	errno = saved;
	return rc;
}

void
at_err_prefix(struct at_err *err, const char *fmt, ...)
{
	char head[AT_ERR_MSG_MAX];
	char old[AT_ERR_MSG_MAX];
	va_list ap;
	int n;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	memcpy(old, err->msg, sizeof(old));
	n = snprintf(err->msg, sizeof(err->msg), "%s: %s", head, old);
	if (n >= 0)
		at_err_mark_truncated(err, n);
}

const char *
at_rc_name(enum at_rc rc)
{
	switch (rc) {
	case AT_OK: return "ok";
	case AT_E_INPUT: return "input";
	case AT_E_DENIED: return "denied";
	case AT_E_NOTFOUND: return "notfound";
	case AT_E_EXISTS: return "exists";
	case AT_E_IO: return "io";
	case AT_E_TLS: return "tls";
	case AT_E_NOMEM: return "nomem";
	case AT_E_TOOBIG: return "toobig";
	case AT_E_BUSY: return "busy";
	case AT_E_INTERNAL: return "internal";
	default: return "unknown";
	}
}
