/*
 * account.c - pam_attls's account phase: may this user sign on now?
 *
 *   - the user must be defined to RACF (an OMVS query through the SAF
 *     service answers that);
 *   - the user must not be revoked.  The service has no question that
 *     reveals revocation without a password, so the module relies on
 *     either the auth phase of the same PAM transaction (pam_attls's own
 *     VERIFY, which refuses a revoked user) or the resource check below
 *     (RACF gives a revoked user no access to anything).  With neither,
 *     it cannot tell and refuses;
 *   - with class= and resource=, the user needs access= (READ) to that
 *     profile.  A resource no profile protects (RC 4) is refused too:
 *     the configuration asked for a grant and nothing grants it.
 */
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include "pam/pam_attls.h"

static int
no_answer(pam_handle_t *pamh, const char *what,
    const struct attls_saf_error *err)
{
	pam_attls_log_error(pamh, what, err);
	return err->code == ATTLS_SAF_E_NOMEM ? PAM_BUF_ERR :
	    PAM_AUTHINFO_UNAVAIL;
}

/* True when auth of this transaction verified user. */
static bool
verified_here(pam_handle_t *pamh, const char *user)
{
	const void *data = NULL;

	if (pam_get_data(pamh, PAM_ATTLS_DATA_VERIFIED, &data) != PAM_SUCCESS
	    || data == NULL)
		return false;
	return strcmp(data, user) == 0;
}

/* The user must be defined.  PAM_SUCCESS, or the refusal (logged). */
static int
check_defined(pam_handle_t *pamh, struct attls_saf *h, const char *user)
{
	struct attls_saf_omvs omvs;
	struct attls_saf_result res;
	struct attls_saf_error err;
	int src;

	memset(&omvs, 0, sizeof(omvs));
	memset(&res, 0, sizeof(res));
	memset(&err, 0, sizeof(err));
	src = attls_saf_omvs(h, user, &omvs, &res, &err);
	if (src == ATTLS_SAF_RC_ERROR)
		return no_answer(pamh, "look up the user", &err);
	if (src == ATTLS_SAF_RC_OK)
		return PAM_SUCCESS;
	pam_attls_log_lines(pamh, LOG_NOTICE, res.messages);
	if (src == ATTLS_SAF_RC_NO_DECISION || strstr(res.messages,
	    "IRR012I") != NULL || strstr(res.messages, "ICH30001I") != NULL) {
		pam_syslog(pamh, LOG_NOTICE, "%s: not a RACF user; refused",
		    user);
		return PAM_USER_UNKNOWN;
	}
	pam_syslog(pamh, LOG_NOTICE, "%s: the SAF service refused to say "
	    "whether the user is defined (SAF RC %d, RACF RC %d): this "
	    "program's user needs READ to FACILITY BPX.SERVER; refused",
	    user, res.saf_rc, res.racf_rc);
	return PAM_AUTH_ERR;
}

/* class= resource= access=: PAM_SUCCESS, or the refusal (logged). */
static int
check_resource(pam_handle_t *pamh, const struct pam_attls_opts *o,
    struct attls_saf *h, const char *user)
{
	struct attls_saf_result res;
	struct attls_saf_error err;
	int src;

	memset(&res, 0, sizeof(res));
	memset(&err, 0, sizeof(err));
	src = attls_saf_auth(h, user, o->cls, o->resource, o->access, &res,
	    &err);
	if (src == ATTLS_SAF_RC_ERROR)
		return no_answer(pamh, "check access", &err);
	if (src == ATTLS_SAF_RC_OK) {
		/* A grant by WARNING comes with its ICH408I lines. */
		pam_attls_log_lines(pamh, LOG_NOTICE, res.messages);
		if (o->debug)
			pam_syslog(pamh, LOG_DEBUG, "%s: %s access to %s in "
			    "class %s allowed", user, o->access, o->resource,
			    o->cls);
		return PAM_SUCCESS;
	}
	if (src == ATTLS_SAF_RC_NO_DECISION) {
		pam_syslog(pamh, LOG_NOTICE, "%s: no profile protects %s in "
		    "class %s (or the class is not active), so nothing grants "
		    "the %s access this service requires; refused", user,
		    o->resource, o->cls, o->access);
		return PAM_PERM_DENIED;
	}
	pam_attls_log_lines(pamh, LOG_NOTICE, res.messages);
	pam_syslog(pamh, LOG_NOTICE, "%s: %s access to %s in class %s "
	    "refused", user, o->access, o->resource, o->cls);
	return PAM_PERM_DENIED;
}

PAM_ATTLS_EXPORT int
pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	struct pam_attls_opts o;
	struct attls_saf *h;
	enum attls_saf_errcode code;
	char user[PAM_ATTLS_NAME_MAX + 1];
	bool verified;
	int rc;

	rc = pam_attls_opts_parse(pamh, flags, argc, argv, &o);
	if (rc != PAM_SUCCESS)
		return rc;
	rc = pam_attls_user(pamh, user);
	if (rc != PAM_SUCCESS)
		return rc;
	verified = verified_here(pamh, user);
	if (!verified && o.cls[0] == '\0') {
		pam_syslog(pamh, LOG_NOTICE, "%s: cannot tell whether the "
		    "user is revoked: it was not verified by pam_attls in "
		    "this transaction and no class=/resource= check is "
		    "configured; refused", user);
		return PAM_PERM_DENIED;
	}
	h = pam_attls_connect(pamh, &o, &code);
	if (h == NULL)
		return code == ATTLS_SAF_E_NOMEM ? PAM_BUF_ERR :
		    PAM_AUTHINFO_UNAVAIL;
	rc = check_defined(pamh, h, user);
	if (rc == PAM_SUCCESS && o.cls[0] != '\0')
		rc = check_resource(pamh, &o, h, user);
	attls_saf_close(h);
	if (rc == PAM_SUCCESS && o.debug)
		pam_syslog(pamh, LOG_DEBUG, "%s: account allowed", user);
	return rc;
}
