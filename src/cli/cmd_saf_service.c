/*
 * cmd_saf_service.c - the `attls saf` commands answered by the SAF
 * service (attls-safd) through libattls-saf, and the choice between it
 * and the database (saf_route.h).  Output and exit status are those of
 * the database path, so a script need not care which answered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attls_saf.h"
#include "cli/saf_route.h"
#include "saf/db.h"

#define EXIT_DENIED 1
#define EXIT_NOT_PROTECTED 3

void
saf_route_pick(struct saf_route *r, bool service_flag)
{
	const char *db = r->db;

	if (service_flag)
		r->service = true;
	else if (db != NULL)
		r->service = false;
	else {
		db = getenv(SAF_DB_ENV);
		if (db == NULL || db[0] == '\0')
			db = SAF_DB_DEFAULT_PATH;
		/* Writable too: a verification updates the database. */
		r->service = access(db, R_OK) != 0;
	}
	if (!r->verbose)
		return;
	if (r->service)
		fprintf(stderr, "attls saf %s: answered by the SAF service at %s\n",
		    r->cmd, r->socket != NULL ? r->socket :
		    attls_saf_socket_path());
	else
		fprintf(stderr, "attls saf %s: answered from the database %s\n",
		    r->cmd, r->db != NULL ? r->db : db);
}

static struct attls_saf *
open_service(const struct saf_route *r)
{
	struct attls_saf *h = NULL;
	struct attls_saf_error err;

	if (attls_saf_open(r->socket, &h, &err) != 0) {
		fprintf(stderr, "attls saf %s: %s\n", r->cmd, err.message);
		return NULL;
	}
	return h;
}

static int
no_answer(const struct saf_route *r, const struct attls_saf_error *err)
{
	fprintf(stderr, "attls saf %s: %s\n", r->cmd, err->message);
	return 1;
}

int
saf_svc_check(const struct saf_route *r, const char *user, const char *cls,
    const char *resource, const char *access)
{
	struct attls_saf_result res;
	struct attls_saf_error err;
	struct attls_saf *h = open_service(r);
	int rc;

	if (h == NULL)
		return 1;
	rc = attls_saf_auth(h, user, cls, resource, access, &res, &err);
	attls_saf_close(h);
	switch (rc) {
	case ATTLS_SAF_RC_OK:
		printf("allowed\n%s", res.messages);
		return 0;
	case ATTLS_SAF_RC_NO_DECISION:
		printf("not protected: no profile covers the resource, or the "
		    "class is not active\n");
		return EXIT_NOT_PROTECTED;
	case ATTLS_SAF_RC_REFUSED:
		printf("%s", res.messages);
		return EXIT_DENIED;
	default:
		return no_answer(r, &err);
	}
}

int
saf_svc_verify(const struct saf_route *r, const char *user,
    const char *secret, const char *appl, const char *newpass)
{
	struct attls_saf_result res;
	struct attls_saf_error err;
	struct attls_saf *h = open_service(r);
	int rc;

	if (h == NULL)
		return 1;
	rc = attls_saf_verify(h, user, secret, appl, newpass, &res, &err);
	attls_saf_close(h);
	if (rc == ATTLS_SAF_RC_OK) {
		printf("ok\n%s", newpass != NULL ? "password changed\n" : "");
		return 0;
	}
	if (rc == ATTLS_SAF_RC_ERROR)
		return no_answer(r, &err);
	printf("%s", res.messages);
	if (r->verbose)
		fprintf(stderr, "attls saf verify: SAF RC %d, RACF RC %d, reason "
		    "%d\n", res.saf_rc, res.racf_rc, res.racf_reason);
	return EXIT_DENIED;
}

int
saf_svc_ptktgen(const struct saf_route *r, const char *user, const char *appl)
{
	char ticket[ATTLS_SAF_TICKET_LEN + 1];
	struct attls_saf_result res;
	struct attls_saf_error err;
	struct attls_saf *h = open_service(r);
	int rc;

	if (h == NULL)
		return 1;
	rc = attls_saf_passticket(h, user, appl, ticket, &res, &err);
	attls_saf_close(h);
	if (rc == ATTLS_SAF_RC_OK) {
		printf("%s\n", ticket);
		return 0;
	}
	if (rc == ATTLS_SAF_RC_ERROR)
		return no_answer(r, &err);
	printf("%s", res.messages);
	return EXIT_DENIED;
}

int
saf_svc_groups(const struct saf_route *r, const char *user)
{
	struct attls_saf_groups *g;
	struct attls_saf_result res;
	struct attls_saf_error err;
	struct attls_saf *h;
	size_t i;
	int rc;

	g = calloc(1, sizeof(*g));
	if (g == NULL || (h = open_service(r)) == NULL) {
		free(g);
		return 1;
	}
	rc = attls_saf_groups(h, user, g, &res, &err);
	attls_saf_close(h);
	if (rc == ATTLS_SAF_RC_OK) {
		printf("%s\n", res.user);
		for (i = 0; i < g->count; i++)
			printf("  group %s\n", g->name[i]);
	} else if (rc != ATTLS_SAF_RC_ERROR)
		printf("%s", res.messages);
	free(g);
	if (rc == ATTLS_SAF_RC_ERROR)
		return no_answer(r, &err);
	return rc == ATTLS_SAF_RC_OK ? 0 : EXIT_DENIED;
}

int
saf_svc_omvs(const struct saf_route *r, const char *user, bool by_uid,
    unsigned long uid)
{
	struct attls_saf_omvs o;
	struct attls_saf_result res;
	struct attls_saf_error err;
	struct attls_saf *h = open_service(r);
	int rc;

	if (h == NULL)
		return 1;
	rc = by_uid ? attls_saf_omvs_uid(h, uid, &o, &res, &err) :
	    attls_saf_omvs(h, user, &o, &res, &err);
	attls_saf_close(h);
	if (rc == ATTLS_SAF_RC_ERROR)
		return no_answer(r, &err);
	if (rc != ATTLS_SAF_RC_OK) {
		printf("%s", res.messages);
		return EXIT_DENIED;
	}
	printf("%s\n", o.user);
	if (o.has_uid)
		printf("  UID %lu\n", o.uid);
	else
		printf("  UID none\n");
	if (o.has_gid)
		printf("  GID %lu (%s)\n", o.gid, o.group);
	else
		printf("  GID none (%s)\n", o.group);
	printf("  HOME %s\n  PROGRAM %s\n", o.home[0] != '\0' ? o.home : "none",
	    o.program[0] != '\0' ? o.program : "none");
	return 0;
}

static int
mapped(const struct saf_route *r, int rc, const struct attls_saf_result *res,
    const struct attls_saf_error *err)
{
	if (rc == ATTLS_SAF_RC_ERROR)
		return no_answer(r, err);
	if (rc == ATTLS_SAF_RC_OK) {
		printf("%s\n", res->user);
		if (res->messages[0] != '\0')
			printf("  mapped by %s", res->messages);
		return 0;
	}
	if (rc == ATTLS_SAF_RC_NO_DECISION)
		printf("not mapped: %s", res->messages);
	else
		printf("%s", res->messages);
	return EXIT_DENIED;
}

int
saf_svc_mapcert(const struct saf_route *r, const unsigned char *der,
    size_t len)
{
	struct attls_saf_result res;
	struct attls_saf_error err;
	struct attls_saf *h = open_service(r);
	int rc;

	if (h == NULL)
		return 1;
	rc = attls_saf_map_cert(h, der, len, &res, &err);
	attls_saf_close(h);
	return mapped(r, rc, &res, &err);
}

int
saf_svc_mapidid(const struct saf_route *r, const char *name,
    const char *registry)
{
	struct attls_saf_result res;
	struct attls_saf_error err;
	struct attls_saf *h = open_service(r);
	int rc;

	if (h == NULL)
		return 1;
	rc = attls_saf_map_idid(h, name, registry, &res, &err);
	attls_saf_close(h);
	return mapped(r, rc, &res, &err);
}
