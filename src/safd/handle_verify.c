/*
 * handle_verify.c - VERIFY: a password, or a PassTicket for an
 * application, for the caller itself or (with BPX.SERVER) for another
 * user; rate-limited per caller and per target user.
 */
#include <stdlib.h>
#include <string.h>

#include "attls_saf.h"
#include "saf/names.h"
#include "safd/safd.h"
#include "safd/signon.h"

enum at_rc
safd_handle_verify(struct safd *d, const struct safd_caller *c,
    const struct safp_req *req, struct safp_rep *rep, struct at_err *err)
{
	struct saf_signon_req sr;
	struct saf_signon_res *res;
	char why[256];
	int64_t now = saf_now();
	enum at_rc rc;

	if (!safd_caller_is(c, req->user)) {
		rc = safd_authz_server(d, c, rep, err);
		if (rc == AT_E_DENIED)
			return AT_OK;
		if (rc != AT_OK)
			return rc;
	}
	if (!safd_rl_allow(&d->rl, c->uid, req->user, now, why, sizeof(why))) {
		safd_log(LOG_WARNING, "uid %lu pid %ld: VERIFY %s refused: %s",
		    (unsigned long)c->uid, (long)c->pid, req->user, why);
		rep->status = ATTLS_SAF_E_BUSY;
		return safp_rep_set(rep, SAFT_ERRMSG, why, err);
	}
	memset(&sr, 0, sizeof(sr));
	sr.user = req->user;
	sr.secret = req->secret;
	sr.appl = (req->present & SAFP_F(SAFT_APPL)) != 0 ? req->appl : NULL;
	sr.new_password = (req->present & SAFP_F(SAFT_NEWPASS)) != 0 ?
	    req->newpass : NULL;
	sr.now = now;
	res = calloc(1, sizeof(*res));
	if (res == NULL)
		return at_err_setx(err, AT_E_NOMEM, "out of memory");
	rc = safd_signon(d->db, c->user, &sr, res, err);
	if (rc == AT_OK) {
		rep->saf_rc = (uint32_t)res->saf_rc;
		rep->racf_rc = (uint32_t)res->racf_rc;
		rep->reason = (uint32_t)res->reason;
		rc = safp_rep_set(rep, SAFT_RUSER, res->user, err);
		if (rc == AT_OK)
			rc = safp_rep_set(rep, SAFT_MESSAGES, res->messages, err);
		if (res->saf_rc != 0)
			safd_rl_failure(&d->rl, c->uid, res->user, now);
		safd_log(res->saf_rc == 0 ? LOG_INFO : LOG_NOTICE, "uid %lu pid "
		    "%ld: VERIFY %s%s%s%s: %s (RACF RC %d)", (unsigned long)c->uid,
		    (long)c->pid, res->user, res->appl[0] != '\0' ? " APPL " : "",
		    res->appl, res->passticket ? " with a PassTicket" : "",
		    safd_signon_result_name(res->result), res->racf_rc);
	}
	at_wipe(res, sizeof(*res));
	free(res);
	return rc;
}
