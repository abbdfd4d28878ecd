/*
 * handle_ptkt.c - PTKTGEN: a PassTicket for a user and an application.
 * The caller's UPDATE to PTKTDATA IRRPTAUTH.<appl>.<user> is checked
 * first, so a caller without it learns nothing about keys or users.
 */
#include <stdio.h>

#include "saf/passticket.h"
#include "safd/safd.h"

enum at_rc
safd_handle_ptktgen(struct safd *d, const struct safd_caller *c,
    const struct safp_req *req, struct safp_rep *rep, struct at_err *err)
{
	char u[SAF_NAME_MAX + 1], a[SAF_NAME_MAX + 1], t[SAF_PTKT_LEN + 1];
	enum at_rc rc;

	if (saf_name_norm(req->user, "user id", u, err) != AT_OK ||
	    saf_name_norm(req->appl, "application", a, err) != AT_OK)
		return AT_E_INPUT;
	rc = safd_authz_ptkt(d, c, u, a, rep, err);
	if (rc == AT_E_DENIED)
		return AT_OK;
	if (rc != AT_OK)
		return rc;
	rc = saf_passticket_generate(d->db, c->user, u, a, saf_now(), t, err);
	if (rc == AT_E_NOTFOUND || rc == AT_E_INPUT || rc == AT_E_DENIED) {
		char text[AT_ERR_MSG_MAX + 2];

		(void)snprintf(text, sizeof(text), "%s\n", err->msg);
		at_err_clear(err);
		safd_rep_refuse(rep, 8, 0, text);
		return AT_OK;
	}
	if (rc == AT_OK) {
		safd_log(LOG_INFO, "uid %lu pid %ld: PassTicket generated for %s "
		    "to %s", (unsigned long)c->uid, (long)c->pid, u, a);
		rc = safp_rep_set(rep, SAFT_TICKET, t, err);
		if (rc == AT_OK)
			rc = safp_rep_set(rep, SAFT_RUSER, u, err);
	}
	at_wipe(t, sizeof(t));
	return rc;
}
