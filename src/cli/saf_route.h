/*
 * saf_route.h - which way an `attls saf` command asks: the database
 * directly (its owner, or whoever may read it), or the SAF service.
 *
 *   --db PATH          the database; never the service
 *   --service [PATH]   the service (PATH, else $ATTLS_SAF_SOCKET, else
 *                      the default socket); never the database
 *   neither            the database when the caller may read it, else
 *                      the service
 * Whichever is chosen answers alone: a failure is reported, never
 * retried the other way.  --verbose says on standard error which answered.
 */
#ifndef ATTLS_CLI_SAF_ROUTE_H
#define ATTLS_CLI_SAF_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

struct saf_route {
	bool service;
	const char *socket;   /* with service: NULL is the default */
	const char *db;       /* without: NULL is the default */
	bool verbose;
	const char *cmd;      /* "check", ... for messages */
};

/* Fills r->service from the options and says which answers (verbose). */
void saf_route_pick(struct saf_route *r, bool service_flag);

/* The service halves; each returns the command's exit status. */
int saf_svc_check(const struct saf_route *r, const char *user,
    const char *cls, const char *resource, const char *access);
int saf_svc_verify(const struct saf_route *r, const char *user,
    const char *secret, const char *appl, const char *newpass);
int saf_svc_ptktgen(const struct saf_route *r, const char *user,
    const char *appl);
int saf_svc_groups(const struct saf_route *r, const char *user);
int saf_svc_omvs(const struct saf_route *r, const char *user,
    bool by_uid, unsigned long uid);
int saf_svc_mapcert(const struct saf_route *r, const unsigned char *der,
    size_t len);
int saf_svc_mapidid(const struct saf_route *r, const char *name,
    const char *registry);

#endif
