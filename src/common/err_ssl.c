/*
 * err_ssl.c - at_err_ssl, kept apart from err.c so that code which must not
 * load OpenSSL (the preloaded shim) can use the rest of the error type.
 */
#include "common/err.h"
#include "common/err_int.h"

#include <openssl/err.h>

enum at_rc
at_err_ssl(struct at_err *err, enum at_rc rc, const char *fmt, ...)
{
	char line[256];
	unsigned long e;
	int first = 1, flags;
	const char *data;
	va_list ap;

	if (err == NULL) {
		ERR_clear_error();
		return rc;
	}
	va_start(ap, fmt);
	at_err_vformat(err, rc, fmt, ap);
	va_end(ap);
	while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
		ERR_error_string_n(e, line, sizeof(line));
		at_err_append(err, first ? ": " : "; ");
		at_err_append(err, line);
		/* The detail a provider attached ("proxy key: keyholder: ...") */
		if ((flags & ERR_TXT_STRING) != 0 && data != NULL && data[0] != '\0') {
			at_err_append(err, " (");
			at_err_append(err, data);
			at_err_append(err, ")");
		}
		first = 0;
	}
	return rc;
}

