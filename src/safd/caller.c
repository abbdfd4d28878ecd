/*
 * caller.c - who is asking: the uid the kernel vouches for with each
 * request (SCM_CREDENTIALS), mapped to the RACF user whose OMVS UID it
 * is.  A uid no user has is the undefined user "?<uid>": it gets what
 * UACC and nothing else gives, and may ask only about itself.  Root is
 * mapped like any other uid.
 */
#include <strings.h>

#include "saf/authority.h"
#include "safd/safd.h"

enum at_rc
safd_caller_resolve(struct safd *d, pid_t pid, uid_t uid,
    struct safd_caller *out, struct at_err *err)
{
	out->pid = pid;
	out->uid = uid;
	return saf_user_from_uid(d->db, uid, out->user, &out->defined, err);
}

bool
safd_caller_is(const struct safd_caller *c, const char *user)
{
	/* An undefined caller has no user id a request could name. */
	return c->defined && user != NULL && strcasecmp(c->user, user) == 0;
}
