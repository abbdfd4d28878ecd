/*
 * handle_auth.c - AUTH: may a user (the caller, or with BPX.SERVER
 * another) have an access level to a resource.  The answer is RACF's
 * REQUEST=AUTH: 0 allowed, 4 not protected, 8 refused with ICH408I.
 */
#include <stdlib.h>

#include "saf/access.h"
#include "safd/safd.h"

enum at_rc
safd_handle_auth(struct safd *d, const struct safd_caller *c,
    const struct safp_req *req, struct safp_rep *rep, struct at_err *err)
{
	struct saf_decision *dec;
	enum saf_access acc;
	const char *user = c->user;
	enum at_rc rc;

	if (saf_access_parse(req->access, &acc, err) != AT_OK)
		return AT_E_INPUT;
	if ((req->present & SAFP_F(SAFT_USER)) != 0 &&
	    !safd_caller_is(c, req->user)) {
		rc = safd_authz_server(d, c, rep, err);
		if (rc == AT_E_DENIED)
			return AT_OK;
		if (rc != AT_OK)
			return rc;
		user = req->user;
	}
	dec = calloc(1, sizeof(*dec));
	if (dec == NULL)
		return at_err_setx(err, AT_E_NOMEM, "out of memory");
	rc = saf_check_access(d->db, user, req->cls, req->resource, acc, dec,
	    err);
	if (rc == AT_OK) {
		rep->saf_rc = (uint32_t)dec->result;
		rep->racf_rc = (uint32_t)dec->result;
		rep->reason = dec->warning ? 4 : 0;
		rc = safp_rep_set(rep, SAFT_MESSAGES, dec->message, err);
	}
	if (rc == AT_OK && !saf_name_is_undefined(user))
		rc = safp_rep_set(rep, SAFT_RUSER, user, err);
	if (rc == AT_OK && dec->result == SAF_DENIED)
		safd_log(LOG_NOTICE, "uid %lu pid %ld: AUTH %s %s %s %s: refused",
		    (unsigned long)c->uid, (long)c->pid, user, req->cls,
		    req->resource, saf_access_name(acc));
	free(dec);
	return rc;
}
