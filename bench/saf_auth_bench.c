/*
 * saf_auth_bench.c - what RACLIST buys: the same AUTH decision (USER1,
 * READ, FACILITY) made from the in-storage copy of a RACLISTed class and
 * read live from SQLite with the class not RACLISTed.  The database holds
 * PROFILES discrete and generic profiles with access lists, and USER1 is
 * connected to a few groups, so the live path does what a real check does.
 * Reports, per path, the median over RUNS runs of the mean time of a
 * decision, and their ratio.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "saf/access.h"
#include "saf/authority.h"
#include "saf/class.h"
#include "saf/db.h"
#include "saf/group.h"
#include "saf/profile.h"
#include "saf/user.h"

#define PROFILES 400
#define RUNS 7
#define N 20000

static struct saf_db *db;
static struct saf_actor admin;
static struct at_err err;

static void
must(enum at_rc rc, const char *what)
{
	if (rc != AT_OK) {
		fprintf(stderr, "saf_auth_bench: %s: %s\n", what, err.msg);
		exit(1);
	}
}

static void
txn(int begin)
{
	must(begin ? saf_db_begin(db, &err) : saf_db_commit(db, &err),
	    "transaction");
}

static double
now_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int
dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median over RUNS of the mean ns of one decision. */
static double
measure(const char *resource)
{
	double v[RUNS], t0;
	struct saf_decision d;
	int r, i;

	for (r = 0; r < RUNS; r++) {
		t0 = now_ns();
		for (i = 0; i < N; i++)
			must(saf_check_access(db, "USER1", "FACILITY",
			    resource, SAF_ACC_READ, &d, &err), "check");
		v[r] = (now_ns() - t0) / N;
		if (d.result != SAF_ALLOWED) {
			fprintf(stderr, "saf_auth_bench: not allowed\n");
			exit(1);
		}
	}
	qsort(v, RUNS, sizeof(v[0]), dcmp);
	return v[RUNS / 2];
}

int
main(void)
{
	char dir[] = "/tmp/saf-bench-XXXXXX", path[64], name[64];
	struct saf_profile_change pc;
	struct saf_user_change uc;
	struct saf_group_change gc = { .set = SAF_GC_SUPGROUP,
	    .supgroup = "SYS1" };
	double cached, live, cached_g, live_g;
	int i;

	if (mkdtemp(dir) == NULL)
		return 1;
	(void)snprintf(path, sizeof(path), "%s/saf.db", dir);
	must(saf_db_open(path, SAF_DB_CREATE, &db, &err), "open");
	must(saf_bootstrap_admin(db, 4242, "admin", &err), "bootstrap");
	must(saf_actor_load(db, "ADMIN", &admin, &err), "actor");
	txn(1);
	for (i = 0; i < 4; i++) {
		(void)snprintf(name, sizeof(name), "GRP%d", i);
		must(saf_group_add(db, &admin, name, &gc, &err), "group");
	}
	memset(&uc, 0, sizeof(uc));
	uc.set = SAF_UC_DFLTGRP;
	uc.dfltgrp = "GRP0";
	must(saf_user_add(db, &admin, "USER1", &uc, &err), "user");
	for (i = 1; i < 4; i++) {
		(void)snprintf(name, sizeof(name), "GRP%d", i);
		must(saf_connect(db, &admin, "USER1", name, NULL, &err),
		    "connect");
	}
	must(saf_setropts_classact(db, &admin, "FACILITY", true, &err), "act");
	must(saf_setropts_generic(db, &admin, "FACILITY", true, &err), "gen");
	memset(&pc, 0, sizeof(pc));
	pc.set = SAF_PC_UACC;
	pc.uacc = SAF_ACC_NONE;
	for (i = 0; i < PROFILES; i++) {
		(void)snprintf(name, sizeof(name), i % 4 == 0 ?
		    "APP%03d.**" : "APP%03d.RES", i);
		must(saf_profile_define(db, &admin, "FACILITY", name, &pc, NULL,
		    &err), "rdefine");
		must(saf_permit(db, &admin, "FACILITY", name, "GRP3",
		    SAF_ACC_READ, &err), "permit");
		must(saf_permit(db, &admin, "FACILITY", name, "GRP1",
		    SAF_ACC_NONE, &err), "permit");
	}
	txn(0);
	/* Live: FACILITY not RACLISTed. */
	live = measure("APP001.RES");
	live_g = measure("APP000.SOME.THING");
	txn(1);
	must(saf_setropts_raclist(db, &admin, "FACILITY", true, &err),
	    "raclist");
	txn(0);
	cached = measure("APP001.RES");
	cached_g = measure("APP000.SOME.THING");
	printf("saf AUTH decision, FACILITY with %d profiles, USER1 in 4 "
	    "groups; median of %d runs of %d decisions\n", PROFILES, RUNS, N);
	printf("%-34s %10s %10s %8s\n", "", "live ns", "RACLIST ns", "ratio");
	printf("%-34s %10.0f %10.0f %7.1fx\n", "discrete profile, group entry",
	    live, cached, cached > 0 ? live / cached : 0.0);
	printf("%-34s %10.0f %10.0f %7.1fx\n", "generic profile (UACC)",
	    live_g, cached_g, cached_g > 0 ? live_g / cached_g : 0.0);
	saf_db_close(db);
	(void)snprintf(name, sizeof(name), "rm -rf '%s'", dir);
	return system(name) == 0 ? 0 : 1;
}
