/*
 * signon.h - VERIFY for the service: see signon.c.
 */
#ifndef ATTLS_SAFD_SIGNON_H
#define ATTLS_SAFD_SIGNON_H

#include "saf/db.h"
#include "saf/signon.h"

/*
 * Signs req->user on as saf_signon() does; caller is the service's
 * caller (RACF user), asked about nothing here but needed while the
 * PassTicket half goes through saf_passticket_evaluate.
 */
AT_MUST_CHECK enum at_rc safd_signon(struct saf_db *db, const char *caller,
    const struct saf_signon_req *req, struct saf_signon_res *res,
    struct at_err *err);

/* "ok", "wrong password", ... as saf_signon_result_name. */
const char *safd_signon_result_name(enum saf_signon_result r);

#endif
