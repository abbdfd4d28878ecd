/*
 * pam_attls.h - what the parts of pam_attls.so share: the module's
 * options, the caller's view of one PAM call, and the helpers that talk
 * to the SAF service and write the log.
 *
 * The module runs inside other people's servers (PostgreSQL, sshd, ...),
 * so it uses libpam, libc and the public SAF client library only: no
 * attls internals, no database.  Everything it decides comes from the
 * SAF service; when the service cannot answer, the module refuses.
 */
#ifndef ATTLS_PAM_ATTLS_H
#define ATTLS_PAM_ATTLS_H

#include <stdbool.h>
#include <stddef.h>

#include <security/pam_modules.h>

#include "attls_saf.h"

/* Only the pam_sm_* entry points leave the module. */
#define PAM_ATTLS_EXPORT __attribute__((visibility("default")))

#define PAM_ATTLS_NAME_MAX 8       /* user id, APPL, class */
#define PAM_ATTLS_RESOURCE_MAX 246
#define PAM_ATTLS_PATH_MAX 107     /* sun_path less its NUL */

/* The name under which auth records a verified user for account. */
#define PAM_ATTLS_DATA_VERIFIED "pam_attls_verified"

/* The module's options, from the PAM configuration line. */
struct pam_attls_opts {
	char socket[PAM_ATTLS_PATH_MAX + 1];  /* "" = the library's default */
	char appl[PAM_ATTLS_NAME_MAX + 1];    /* "" = not given */
	char cls[PAM_ATTLS_NAME_MAX + 1];     /* "" = no resource check */
	char resource[PAM_ATTLS_RESOURCE_MAX + 1];
	char access[8];                       /* READ unless access= */
	bool debug;
	bool silent;                          /* PAM_SILENT from the caller */
};

/*
 * Parses argv into o.  Returns PAM_SUCCESS, or PAM_SERVICE_ERR after
 * logging what is wrong: an unknown option, a repeated one, a value that
 * is too long or malformed, access= or resource= without class=.
 * Options libpam itself reads (use_first_pass, try_first_pass,
 * use_authtok, authtok_type=) are accepted.
 */
int pam_attls_opts_parse(pam_handle_t *pamh, int flags, int argc,
    const char **argv, struct pam_attls_opts *o);

/*
 * The RACF user id of the PAM user, folded to upper case, into out.
 * Returns PAM_SUCCESS; PAM_USER_UNKNOWN (logged) when the name cannot be
 * a user id; another PAM error when libpam cannot say who the user is.
 */
int pam_attls_user(pam_handle_t *pamh, char out[PAM_ATTLS_NAME_MAX + 1]);

/*
 * The application: appl= when given, else the PAM service name in upper
 * case when it is a valid application name (1-8 of A-Z 0-9 # $ @, not
 * starting with a digit).  Returns PAM_SUCCESS, or PAM_SERVICE_ERR
 * (logged) when the service name cannot be one: appl= must then say.
 */
int pam_attls_appl(pam_handle_t *pamh, const struct pam_attls_opts *o,
    char out[PAM_ATTLS_NAME_MAX + 1]);

/* True when s is 1-8 of A-Z 0-9 # $ @ and does not start with a digit
 * (after folding to upper case into out, which has 9 bytes). */
bool pam_attls_fold_name(const char *s, char out[PAM_ATTLS_NAME_MAX + 1]);

/*
 * Opens the SAF service named by o (or the default).  On failure logs
 * why and returns NULL; *code says why (ATTLS_SAF_E_*).
 */
struct attls_saf *pam_attls_connect(pam_handle_t *pamh,
    const struct pam_attls_opts *o, enum attls_saf_errcode *code);

/* Logs each of RACF's message lines (one syslog record each) at prio. */
void pam_attls_log_lines(pam_handle_t *pamh, int prio, const char *lines);

/* Logs a service error (no answer) with what the library said. */
void pam_attls_log_error(pam_handle_t *pamh, const char *what,
    const struct attls_saf_error *err);

/*
 * Shows text to the user as PAM_ERROR_MSG (or PAM_TEXT_INFO when info),
 * unless the caller asked for PAM_SILENT.  A conversation that fails is
 * logged and otherwise ignored: the answer does not depend on it.
 */
void pam_attls_tell(pam_handle_t *pamh, const struct pam_attls_opts *o,
    bool info, const char *text);

/* A printable copy of untrusted text for a log line (controls as \xNN). */
void pam_attls_escape(const char *s, char *out, size_t outsz);

#endif
