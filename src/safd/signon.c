/*
 * signon.c - VERIFY's one way into the security manager: saf_signon()
 * (saf/signon.h), which owns the order of the checks (password, or with
 * an application a PassTicket in its place; the APPL class; a new
 * password) and RACF's codes and messages.  The service and the attls
 * command both come through here, so what they add around it (nothing,
 * today) stays in one place.
 */
#include "safd/signon.h"

enum at_rc
safd_signon(struct saf_db *db, const char *caller,
    const struct saf_signon_req *req, struct saf_signon_res *res,
    struct at_err *err)
{
	/* RACROUTE VERIFY asks nothing of its caller: the service checked
	 * BPX.SERVER before it came here. */
	(void)caller;
	return saf_signon(db, req, res, err);
}

const char *
safd_signon_result_name(enum saf_signon_result r)
{
	return saf_signon_result_name(r);
}
