/*
 * handle_map.c - MAPCERT and MAPIDID: the user a client certificate or a
 * distributed identity stands for (RACDCERT MAP, RACMAP).  Both need
 * BPX.SERVER: a server maps its clients, as initACEE callers must be
 * authorised on z/OS.  No mapping is SAF RC 4 with RACF's reason text.
 */
#include <stdio.h>

#include "saf/usermap.h"
#include "safd/safd.h"

static enum at_rc
answer(enum at_rc rc, const char *user, const char *reason,
    struct safp_rep *rep, struct at_err *err)
{
	char text[SAF_USERMAP_REASON_MAX + 2];

	if (rc == AT_E_NOTFOUND) {
		(void)snprintf(text, sizeof(text), "%s\n", reason);
		at_err_clear(err);
		rep->saf_rc = 4;
		rep->racf_rc = 4;
		return safp_rep_set(rep, SAFT_MESSAGES, text, err);
	}
	if (rc != AT_OK)
		return rc;
	if (reason[0] != '\0') {
		(void)snprintf(text, sizeof(text), "%s\n", reason);
		rc = safp_rep_set(rep, SAFT_MESSAGES, text, err);
	}
	return rc == AT_OK ? safp_rep_set(rep, SAFT_RUSER, user, err) : rc;
}

enum at_rc
safd_handle_mapcert(struct safd *d, const struct safd_caller *c,
    const struct safp_req *req, struct safp_rep *rep, struct at_err *err)
{
	char user[SAF_USERMAP_USER_MAX + 1] = "";
	char reason[SAF_USERMAP_REASON_MAX] = "";
	enum at_rc rc;

	rc = safd_authz_server(d, c, rep, err);
	if (rc == AT_E_DENIED)
		return AT_OK;
	if (rc != AT_OK)
		return rc;
	rc = saf_usermap_cert(d->db, req->cert, req->certlen, user, reason, err);
	return answer(rc, user, reason, rep, err);
}

enum at_rc
safd_handle_mapidid(struct safd *d, const struct safd_caller *c,
    const struct safp_req *req, struct safp_rep *rep, struct at_err *err)
{
	char user[SAF_USERMAP_USER_MAX + 1] = "";
	enum at_rc rc;

	rc = safd_authz_server(d, c, rep, err);
	if (rc == AT_E_DENIED)
		return AT_OK;
	if (rc != AT_OK)
		return rc;
	rc = saf_idid_map(d->db, req->name, req->registry, user, err);
	return answer(rc, user, rc == AT_E_NOTFOUND ? "No RACF user ID found "
	    "for distributed identity" : "", rep, err);
}
