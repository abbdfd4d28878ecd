/*
 * raclist.h - the in-storage copies of RACLISTed classes.
 *
 * SETROPTS RACLIST(class) tells RACF to decide the class from a copy of
 * its profiles in storage; RDEFINE, RALTER, RDELETE and PERMIT change
 * only the database until SETROPTS RACLIST(class) REFRESH rebuilds the
 * copy.  Here every open struct saf_db keeps its own copies, one per
 * RACLISTed class it has decided, each tagged with the class's RACLIST
 * generation (db.h saf_db_generation), which only RACLIST and REFRESH
 * change.  saf_check_access reads the class row anyway, so noticing a
 * REFRESH made by another process costs nothing extra: a generation that
 * differs from the copy's rebuilds the copy before the decision.  Classes
 * that are not RACLISTed never use a copy and are read live.
 *
 * For src/saf/ only.  A copy lives as long as its handle and shares its
 * thread rules (one thread at a time).
 */
#ifndef ATTLS_SAF_RACLIST_H
#define ATTLS_SAF_RACLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "saf/class.h"
#include "saf/db.h"

struct saf_rl_entry {
	char id[SAF_NAME_MAX + 1];   /* user, group or "*" */
	enum saf_access access;
};

struct saf_rl_profile {
	char name[SAF_PROFILE_MAX + 1];
	bool generic;
	enum saf_access uacc;
	bool warning;
	size_t nacl;
	struct saf_rl_entry *acl;    /* sorted by id */
};

/* All copies of one handle; freed by saf_db_close. */
struct saf_raclist;

/*
 * The profile of RACLISTed class c that covers resource r in the copy:
 * the discrete profile of that name, else the most specific generic one
 * (only while the class has GENERIC active).  *out is NULL when none
 * does.  Rebuilds the copy first when c's generation is not the copy's.
 * The pointer is valid until the next call on db.
 */
AT_MUST_CHECK enum at_rc saf_raclist_find(struct saf_db *db,
    const struct saf_class *c, const char *r,
    const struct saf_rl_profile **out, struct at_err *err);

/* The access-list entry of p for id, or -1. */
int saf_rl_entry_access(const struct saf_rl_profile *p, const char *id);

/* How many times db has built a copy: for tests and the bench. */
uint64_t saf_raclist_builds(struct saf_db *db);

void saf_raclist_free(struct saf_raclist *rl);

#endif
