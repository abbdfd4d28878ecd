/*
 * authz.c - may this caller ask this question.
 *
 * Acting for another user (verifying its password or PassTicket, asking
 * about its access, groups or OMVS segment, mapping a certificate or a
 * distributed identity to a user) needs READ to FACILITY BPX.SERVER, the
 * profile z/OS checks before a server may build a security environment
 * for a client from the client's password or PassTicket
 * (pthread_security_np).  BPX.DAEMON is not used: on z/OS it governs
 * switching to a user without its password, which this service never
 * does.  When BPX.SERVER is not defined (or FACILITY is not active) no
 * caller may act for another: z/OS would fall back to superuser rules,
 * and here the superuser is not special.
 *
 * Generating a PassTicket needs UPDATE to PTKTDATA
 * IRRPTAUTH.<appl>.<user>, checked here before anything else is looked
 * at, so a refused caller does not learn whether a key exists.
 *
 * A refusal is the ICH408I RACF would write for the check that failed,
 * and nothing about the target of the request.
 */
#include <stdio.h>
#include <string.h>

#include "saf/access.h"
#include "saf/user.h"
#include "safd/safd.h"

#define SERVER_PROFILE "BPX.SERVER"

void
safd_rep_refuse(struct safp_rep *rep, int racf_rc, int reason,
    const char *text)
{
	struct at_err ignored;

	rep->status = 0;
	rep->saf_rc = 8;
	rep->racf_rc = (uint32_t)racf_rc;
	rep->reason = (uint32_t)reason;
	if (safp_rep_set(rep, SAFT_MESSAGES, text, &ignored) != AT_OK)
		(void)safp_rep_set(rep, SAFT_MESSAGES, "ICH408I (message cut)\n",
		    &ignored);
}

/* The ICH408I for a check that found no profile: access NONE. */
static void
refuse_unprotected(struct safd *d, const struct safd_caller *c,
    const char *cls, const char *resource, enum saf_access need,
    struct safp_rep *rep)
{
	char msg[SAF_MESSAGE_MAX];
	struct saf_user u;
	struct at_err ignored;

	memset(&u, 0, sizeof(u));
	if (!c->defined || saf_user_get(d->db, c->user, &u, &ignored) != AT_OK)
		memset(&u, 0, sizeof(u));
	saf_format_ich408i(msg, sizeof(msg), c->user, u.dfltgrp, u.pname,
	    resource, cls, NULL, need, SAF_ACC_NONE, false);
	safd_rep_refuse(rep, 8, 0, msg);
}

static enum at_rc
need_access(struct safd *d, const struct safd_caller *c, const char *cls,
    const char *resource, enum saf_access need, struct safp_rep *rep,
    struct at_err *err)
{
	struct saf_decision dec;
	enum at_rc rc;

	rc = saf_check_access(d->db, c->user, cls, resource, need, &dec, err);
	if (rc != AT_OK)
		return rc;
	if (dec.result == SAF_ALLOWED)
		return AT_OK;
	if (dec.result == SAF_NOT_PROTECTED)
		refuse_unprotected(d, c, cls, resource, need, rep);
	else
		safd_rep_refuse(rep, 8, 0, dec.message);
	safd_log(LOG_NOTICE, "uid %lu (%s) pid %ld refused: %s %s %s access "
	    "needed", (unsigned long)c->uid, c->user, (long)c->pid,
	    saf_access_name(need), cls, resource);
	return at_err_setx(err, AT_E_DENIED, "%s needs %s to %s %s", c->user,
	    saf_access_name(need), cls, resource);
}

enum at_rc
safd_authz_server(struct safd *d, const struct safd_caller *c,
    struct safp_rep *rep, struct at_err *err)
{
	return need_access(d, c, "FACILITY", SERVER_PROFILE, SAF_ACC_READ, rep,
	    err);
}

enum at_rc
safd_authz_ptkt(struct safd *d, const struct safd_caller *c,
    const char *user, const char *appl, struct safp_rep *rep,
    struct at_err *err)
{
	char res[SAF_PROFILE_MAX + 1];

	(void)snprintf(res, sizeof(res), "IRRPTAUTH.%s.%s", appl, user);
	return need_access(d, c, "PTKTDATA", res, SAF_ACC_UPDATE, rep, err);
}
