/*
 * auth.c - pam_attls's auth phase: RACROUTE REQUEST=VERIFY through the
 * SAF service.  The secret the user gives is the password, or a
 * PassTicket for the application (appl=, else the PAM service name in
 * upper case): the service takes it as a PassTicket when a PTKTDATA
 * profile holds a key for the application, and checks the APPL class.
 *
 * A user the service verified is remembered in the PAM handle
 * (PAM_ATTLS_DATA_VERIFIED) so that the account phase of the same
 * transaction knows RACF found the user defined and not revoked.
 */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include "pam/pam_attls.h"

static void
free_data(pam_handle_t *pamh, void *data, int status)
{
	(void)pamh;
	(void)status;
	free(data);
}

/* PAM's answer for a refused verification, by RACF's return code. */
static int
refused(pam_handle_t *pamh, const struct pam_attls_opts *o,
    const char *user, const char *appl, const struct attls_saf_result *res)
{
	pam_attls_log_lines(pamh, LOG_NOTICE, res->messages);
	switch (res->racf_rc) {
	case 4:
		pam_syslog(pamh, LOG_NOTICE, "%s: not a RACF user; refused",
		    user);
		return PAM_USER_UNKNOWN;
	case 12:
		pam_syslog(pamh, LOG_NOTICE, "%s: the password has expired; "
		    "refused until it is changed (the password phase, e.g. "
		    "passwd, or the RACF PASSWORD command)", user);
		pam_attls_tell(pamh, o, false, "IRR014I VERIFICATION FAILED. "
		    "EXPIRED PASSWORD GIVEN.");
		pam_attls_tell(pamh, o, false, "Your password has expired: "
		    "change it before you sign on.");
		return PAM_AUTH_ERR;
	case 28:
		pam_syslog(pamh, LOG_NOTICE, "%s: revoked; refused", user);
		return PAM_AUTH_ERR;
	case 52:
		pam_syslog(pamh, LOG_NOTICE, "%s: not authorized to "
		    "application %s; refused", user, appl);
		return PAM_AUTH_ERR;
	default:
		pam_syslog(pamh, LOG_NOTICE, "%s: verification failed "
		    "(SAF RC %d, RACF RC %d, reason %d); refused", user,
		    res->saf_rc, res->racf_rc, res->racf_reason);
		return PAM_AUTH_ERR;
	}
}

static int
no_answer(pam_handle_t *pamh, const char *user,
    const struct attls_saf_error *err)
{
	char what[64];

	memcpy(what, "verify ", 8);
	memcpy(what + 7, user, strlen(user) + 1);
	pam_attls_log_error(pamh, what, err);
	switch (err->code) {
	case ATTLS_SAF_E_BUSY:
		return PAM_MAXTRIES;
	case ATTLS_SAF_E_INPUT:
		return PAM_AUTH_ERR;
	case ATTLS_SAF_E_NOMEM:
		return PAM_BUF_ERR;
	default:
		return PAM_AUTHINFO_UNAVAIL;
	}
}

PAM_ATTLS_EXPORT int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	struct pam_attls_opts o;
	struct attls_saf_result res;
	struct attls_saf_error err;
	struct attls_saf *h;
	enum attls_saf_errcode code;
	char user[PAM_ATTLS_NAME_MAX + 1], appl[PAM_ATTLS_NAME_MAX + 1];
	const char *secret = NULL;
	char *keep;
	int rc, src;

	rc = pam_attls_opts_parse(pamh, flags, argc, argv, &o);
	if (rc != PAM_SUCCESS)
		return rc;
	/* Forget an earlier verification in this handle: only this one
	 * may vouch for the user to the account phase. */
	rc = pam_set_data(pamh, PAM_ATTLS_DATA_VERIFIED, NULL, NULL);
	if (rc != PAM_SUCCESS) {
		pam_syslog(pamh, LOG_ERR, "cannot reset the verification "
		    "record: %s", pam_strerror(pamh, rc));
		return rc;
	}
	rc = pam_attls_user(pamh, user);
	if (rc != PAM_SUCCESS)
		return rc;
	rc = pam_attls_appl(pamh, &o, appl);
	if (rc != PAM_SUCCESS)
		return rc;
	rc = pam_get_authtok(pamh, PAM_AUTHTOK, &secret, NULL);
	if (rc != PAM_SUCCESS) {
		pam_syslog(pamh, LOG_NOTICE, "%s: no password: %s", user,
		    pam_strerror(pamh, rc));
		return rc == PAM_CONV_AGAIN ? PAM_INCOMPLETE : PAM_AUTH_ERR;
	}
	if (secret == NULL || secret[0] == '\0') {
		/* RACF has no empty password; not worth a failed attempt. */
		pam_syslog(pamh, LOG_NOTICE, "%s: empty password; refused",
		    user);
		return PAM_AUTH_ERR;
	}
	h = pam_attls_connect(pamh, &o, &code);
	if (h == NULL)
		return code == ATTLS_SAF_E_NOMEM ? PAM_BUF_ERR :
		    PAM_AUTHINFO_UNAVAIL;
	memset(&res, 0, sizeof(res));
	memset(&err, 0, sizeof(err));
	src = attls_saf_verify(h, user, secret, appl, NULL, &res, &err);
	attls_saf_close(h);
	if (src == ATTLS_SAF_RC_ERROR)
		return no_answer(pamh, user, &err);
	if (src != ATTLS_SAF_RC_OK)
		return refused(pamh, &o, user, appl, &res);
	pam_attls_log_lines(pamh, LOG_INFO, res.messages);
	pam_syslog(pamh, LOG_INFO, "%s: verified for application %s", user,
	    appl);
	keep = strdup(user);
	if (keep == NULL)
		return PAM_BUF_ERR;
	rc = pam_set_data(pamh, PAM_ATTLS_DATA_VERIFIED, keep, free_data);
	if (rc != PAM_SUCCESS) {
		free(keep);
		pam_syslog(pamh, LOG_ERR, "cannot record the verification: "
		    "%s", pam_strerror(pamh, rc));
		return rc;
	}
	return PAM_SUCCESS;
}

/* No credentials to set: the verification is the whole answer. */
PAM_ATTLS_EXPORT int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct pam_attls_opts o;

	return pam_attls_opts_parse(pamh, flags, argc, argv, &o);
}
