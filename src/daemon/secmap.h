/*
 * secmap.h - SecondaryMap: the protected connections whose rule says
 * SecondaryMap On, so that a later connection of the same process between
 * the same two IP addresses (an FTP data connection) that no rule of its
 * own covers gets the primary's rule and environment, as z/OS maps it.
 *
 * The key is what z/OS keys on, the process and the address pair, plus the
 * user the kernel vouched for, so that a recycled process id never inherits
 * another user's primary.  An entry holds a reference to the primary's
 * policy generation (its rule must outlive a refresh, as the primary's own
 * connection does) and is believed only while the connection table still
 * has the primary's connection.  Only the control thread uses the table.
 */
#ifndef ATTLS_DAEMON_SECMAP_H
#define ATTLS_DAEMON_SECMAP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/err.h"

struct attlsd_conntab;
struct attlsd_gen;
struct policy_rule;

struct attlsd_secmap_ent {
	struct attlsd_gen *gen;          /* one reference held */
	const struct policy_rule *rule;  /* the primary's, in gen */
	ino_t app_ino;                   /* the primary in the connection table */
	uint32_t conn_id;
	pid_t pid;
	uid_t uid;
	uint8_t laddr[16];
	uint8_t raddr[16];
	uint16_t rport;                  /* the primary's partner port */
};

struct attlsd_secmap {
	struct attlsd_secmap_ent *ents;  /* malloc */
	size_t n, cap;
};

/*
 * Remembers a primary (a connection just protected under rule, whose
 * actions say SecondaryMap On).  Entries whose connection has ended are
 * dropped first; AT_E_NOMEM when there is no room, and then the primary
 * has no secondaries (they match no rule: the caller logs it).
 */
AT_MUST_CHECK enum at_rc attlsd_secmap_add(struct attlsd_secmap *s, struct attlsd_conntab *t,
    struct attlsd_gen *g, const struct policy_rule *rule, ino_t app_ino, uint32_t conn_id,
    pid_t pid, uid_t uid, const uint8_t laddr[16], const uint8_t raddr[16], uint16_t rport);

/*
 * The live primary of process pid (user uid) between local address laddr
 * and remote address raddr, whichever side connected (an active-mode FTP
 * data connection comes from the partner); NULL when there is none.  The entry stays valid until the next
 * call on s.
 */
const struct attlsd_secmap_ent *attlsd_secmap_find(struct attlsd_secmap *s,
    struct attlsd_conntab *t, pid_t pid, uid_t uid, const uint8_t laddr[16],
    const uint8_t raddr[16]);

/* Drops every entry and its references. */
void attlsd_secmap_free(struct attlsd_secmap *s);

#endif
