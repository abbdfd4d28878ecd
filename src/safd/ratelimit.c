/*
 * ratelimit.c - how often a caller may fail to verify, and how often a
 * user's password may be guessed at, before the service stops checking
 * for a while.  Revocation (SETROPTS PASSWORD(REVOKE(n))) stops guesses
 * at one user for good; this stops a caller that guesses at many users,
 * each below the revocation count, and slows guesses at one user where
 * revocation is off.
 *
 * A fixed table: a key that is not there takes a free slot, else the
 * slot used least recently that is not blocked, else the oldest; so the
 * table cannot grow, and an attacker filling it can at worst shorten the
 * memory of other keys' failures, never lift a back-off in force.
 */
#include <stdio.h>
#include <string.h>

#include "safd/safd.h"

void
safd_rl_init(struct safd_rl *rl, unsigned limit, unsigned window,
    unsigned backoff)
{
	memset(rl, 0, sizeof(*rl));
	rl->limit = limit;
	rl->window = window;
	rl->backoff = backoff;
}

static struct safd_rl_entry *
find(struct safd_rl *rl, bool by_uid, uid_t uid, const char *user,
    bool create, int64_t now)
{
	struct safd_rl_entry *free_e = NULL, *lru = NULL, *oldest = NULL;
	size_t i;

	for (i = 0; i < SAFD_RL_SLOTS; i++) {
		struct safd_rl_entry *e = &rl->e[i];

		if (!e->used) {
			if (free_e == NULL)
				free_e = e;
			continue;
		}
		if (e->by_uid == by_uid && (by_uid ? e->uid == uid :
		    strcmp(e->user, user) == 0))
			return e;
		if (e->blocked_until <= now && (lru == NULL || e->last < lru->last))
			lru = e;
		if (oldest == NULL || e->last < oldest->last)
			oldest = e;
	}
	if (!create)
		return NULL;
	if (free_e == NULL)
		free_e = lru != NULL ? lru : oldest;
	memset(free_e, 0, sizeof(*free_e));
	free_e->used = true;
	free_e->by_uid = by_uid;
	free_e->uid = uid;
	if (!by_uid)
		(void)snprintf(free_e->user, sizeof(free_e->user), "%s", user);
	free_e->window_start = now;
	return free_e;
}

static bool
blocked(const struct safd_rl_entry *e, int64_t now)
{
	return e != NULL && e->blocked_until > now;
}

/*
 * The key of a target user: its name in upper case, at most SAF_NAME_MAX
 * characters.  The bound is tested before the byte is read, so a name
 * that fills its buffer without a NUL inside the bound is not read past.
 */
static void
upper_name(const char *user, char u[SAF_NAME_MAX + 1])
{
	size_t i;

	for (i = 0; i < SAF_NAME_MAX && user[i] != '\0'; i++)
		u[i] = (char)(user[i] >= 'a' && user[i] <= 'z' ?
		    user[i] - 'a' + 'A' : user[i]);
	u[i] = '\0';
}

bool
safd_rl_allow(struct safd_rl *rl, uid_t uid, const char *user, int64_t now,
    char *msg, size_t cap)
{
	struct safd_rl_entry *eu, *et;
	char u[SAF_NAME_MAX + 1];

	if (rl->limit == 0)
		return true;
	upper_name(user, u);
	eu = find(rl, true, uid, NULL, false, now);
	et = find(rl, false, 0, u, false, now);
	if (blocked(eu, now)) {
		(void)snprintf(msg, cap, "too many failed verifications from uid "
		    "%lu (%u within %u s): verification refused for %lld s more",
		    (unsigned long)uid, rl->limit, rl->window,
		    (long long)(eu->blocked_until - now));
		return false;
	}
	if (blocked(et, now)) {
		(void)snprintf(msg, cap, "too many failed verifications for user "
		    "%s (%u within %u s): verification refused for %lld s more",
		    u, rl->limit, rl->window, (long long)(et->blocked_until - now));
		return false;
	}
	return true;
}

static void
count(struct safd_rl *rl, struct safd_rl_entry *e, int64_t now)
{
	e->last = now;
	if (now - e->window_start >= (int64_t)rl->window) {
		e->window_start = now;
		e->failures = 0;
	}
	if (++e->failures >= rl->limit) {
		e->blocked_until = now + (int64_t)rl->backoff;
		e->failures = 0;
		e->window_start = now;
	}
}

void
safd_rl_failure(struct safd_rl *rl, uid_t uid, const char *user, int64_t now)
{
	char u[SAF_NAME_MAX + 1];

	if (rl->limit == 0)
		return;
	upper_name(user, u);
	count(rl, find(rl, true, uid, NULL, true, now), now);
	count(rl, find(rl, false, 0, u, true, now), now);
}
