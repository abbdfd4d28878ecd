/*
 * password.c - pam_attls's password phase: a user changes its own RACF
 * password, as RACROUTE REQUEST=VERIFY with a new password does: the
 * current password (expired or not) and the new one go to the SAF
 * service together, and the service applies RACF's password rules.  A
 * refusal shows the user RACF's message (IRR015I ...).
 *
 * The preliminary pass only checks that the service answers, so that a
 * stack does not ask for passwords it cannot change.
 */
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include "pam/pam_attls.h"

/* Shows each of RACF's lines to the user. */
static void
tell_lines(pam_handle_t *pamh, const struct pam_attls_opts *o,
    const char *lines)
{
	char line[ATTLS_SAF_TEXT_MAX];
	const char *p = lines, *nl;

	while (p != NULL && *p != '\0') {
		size_t n;

		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		pam_attls_tell(pamh, o, false, line);
		p = nl != NULL ? nl + 1 : NULL;
	}
}

static int
refused(pam_handle_t *pamh, const struct pam_attls_opts *o,
    const char *user, const struct attls_saf_result *res)
{
	pam_attls_log_lines(pamh, LOG_NOTICE, res->messages);
	switch (res->racf_rc) {
	case 4:
		pam_syslog(pamh, LOG_NOTICE, "%s: not a RACF user; password "
		    "not changed", user);
		return PAM_USER_UNKNOWN;
	case 16:
		tell_lines(pamh, o, res->messages);
		pam_syslog(pamh, LOG_NOTICE, "%s: the new password breaks "
		    "the password rules; not changed", user);
		return PAM_AUTHTOK_ERR;
	case 28:
		pam_syslog(pamh, LOG_NOTICE, "%s: revoked; password not "
		    "changed", user);
		return PAM_PERM_DENIED;
	default:
		pam_syslog(pamh, LOG_NOTICE, "%s: current password not "
		    "verified (SAF RC %d, RACF RC %d, reason %d); password "
		    "not changed", user, res->saf_rc, res->racf_rc,
		    res->racf_reason);
		return PAM_AUTH_ERR;
	}
}

static int
update(pam_handle_t *pamh, const struct pam_attls_opts *o, const char *user,
    const char *appl)
{
	struct attls_saf_result res;
	struct attls_saf_error err;
	struct attls_saf *h;
	enum attls_saf_errcode code;
	const char *cur = NULL, *newpw = NULL;
	int rc, src;

	rc = pam_get_authtok(pamh, PAM_OLDAUTHTOK, &cur, NULL);
	if (rc != PAM_SUCCESS || cur == NULL || cur[0] == '\0') {
		pam_syslog(pamh, LOG_NOTICE, "%s: no current password: %s",
		    user, pam_strerror(pamh, rc));
		return rc == PAM_SUCCESS ? PAM_AUTH_ERR : rc;
	}
	rc = pam_get_authtok(pamh, PAM_AUTHTOK, &newpw, NULL);
	if (rc != PAM_SUCCESS || newpw == NULL || newpw[0] == '\0') {
		pam_syslog(pamh, LOG_NOTICE, "%s: no new password: %s",
		    user, pam_strerror(pamh, rc));
		return rc == PAM_SUCCESS ? PAM_AUTHTOK_ERR : rc;
	}
	h = pam_attls_connect(pamh, o, &code);
	if (h == NULL)
		return code == ATTLS_SAF_E_NOMEM ? PAM_BUF_ERR :
		    PAM_AUTHTOK_ERR;
	memset(&res, 0, sizeof(res));
	memset(&err, 0, sizeof(err));
	src = attls_saf_verify(h, user, cur, appl, newpw, &res, &err);
	attls_saf_close(h);
	if (src == ATTLS_SAF_RC_ERROR) {
		pam_attls_log_error(pamh, "change the password", &err);
		if (err.code == ATTLS_SAF_E_INPUT)
			pam_attls_tell(pamh, o, false, err.message);
		return err.code == ATTLS_SAF_E_NOMEM ? PAM_BUF_ERR :
		    PAM_AUTHTOK_ERR;
	}
	if (src != ATTLS_SAF_RC_OK)
		return refused(pamh, o, user, &res);
	pam_attls_log_lines(pamh, LOG_INFO, res.messages);
	pam_syslog(pamh, LOG_NOTICE, "%s: password changed", user);
	return PAM_SUCCESS;
}

PAM_ATTLS_EXPORT int
pam_sm_chauthtok(pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	struct pam_attls_opts o;
	struct attls_saf *h;
	enum attls_saf_errcode code;
	char user[PAM_ATTLS_NAME_MAX + 1], appl[PAM_ATTLS_NAME_MAX + 1];
	int rc;

	rc = pam_attls_opts_parse(pamh, flags, argc, argv, &o);
	if (rc != PAM_SUCCESS)
		return rc;
	rc = pam_attls_user(pamh, user);
	if (rc != PAM_SUCCESS)
		return rc;
	rc = pam_attls_appl(pamh, &o, appl);
	if (rc != PAM_SUCCESS)
		return rc;
	if (flags & PAM_PRELIM_CHECK) {
		h = pam_attls_connect(pamh, &o, &code);
		if (h == NULL)
			return PAM_TRY_AGAIN;
		attls_saf_close(h);
		return PAM_SUCCESS;
	}
	if (!(flags & PAM_UPDATE_AUTHTOK)) {
		pam_syslog(pamh, LOG_ERR, "password phase called with neither "
		    "PAM_PRELIM_CHECK nor PAM_UPDATE_AUTHTOK; refused");
		return PAM_SERVICE_ERR;
	}
	return update(pamh, &o, user, appl);
}
