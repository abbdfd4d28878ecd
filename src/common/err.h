/*
 * err.h - the one error shape every attls function uses.
 *
 * A fallible function returns an enum at_rc (AT_OK on success, a negative
 * category otherwise) and fills the caller's struct at_err with a message a
 * user can act on.  The message is owned by the struct (a fixed buffer), so
 * nothing has to be freed and an error can be reported after the failing
 * object is gone.
 */
#ifndef ATTLS_COMMON_ERR_H
#define ATTLS_COMMON_ERR_H

#include <stdarg.h>
#include <stddef.h>

#define AT_MUST_CHECK __attribute__((warn_unused_result))
#define AT_PRINTF(a, b) __attribute__((format(printf, a, b)))

enum at_rc {
	AT_OK = 0,
	AT_E_INPUT = -1,    /* the caller or its user gave something invalid */
	AT_E_DENIED = -2,   /* the security manager said no */
	AT_E_NOTFOUND = -3, /* a named object does not exist */
	AT_E_EXISTS = -4,   /* a named object already exists */
	AT_E_IO = -5,       /* a system call failed */
	AT_E_TLS = -6,      /* OpenSSL reported a failure */
	AT_E_NOMEM = -7,    /* an allocation failed */
	AT_E_TOOBIG = -8,   /* a bounded buffer or limit would be exceeded */
	AT_E_BUSY = -9,     /* a resource stayed locked past its timeout */
	AT_E_INTERNAL = -10 /* a broken invariant; a bug in attls */
};

#define AT_ERR_MSG_MAX 1024

struct at_err {
	enum at_rc rc;
	char msg[AT_ERR_MSG_MAX];
};

/* Resets err to "no error".  err may be NULL. */
void at_err_clear(struct at_err *err);

/*
 * Sets err (which may be NULL) to rc and the formatted message, and returns
 * rc so a caller can write `return at_err_setx(err, AT_E_INPUT, ...)`.
 * at_err_set appends ": " and strerror(errno) (errno as it was on entry);
 * at_err_ssl appends the OpenSSL error queue and empties it, so a stale error
 * never reaches the next connection.
 */
enum at_rc at_err_setx(struct at_err *err, enum at_rc rc, const char *fmt, ...)
	AT_PRINTF(3, 4);
enum at_rc at_err_set(struct at_err *err, enum at_rc rc, const char *fmt, ...)
	AT_PRINTF(3, 4);
enum at_rc at_err_ssl(struct at_err *err, enum at_rc rc, const char *fmt, ...)
	AT_PRINTF(3, 4);

/* Puts "prefix: " in front of the current message; keeps err->rc. */
void at_err_prefix(struct at_err *err, const char *fmt, ...) AT_PRINTF(2, 3);

/* A short constant name for rc ("input", "denied", ...). */
const char *at_rc_name(enum at_rc rc);

#endif
