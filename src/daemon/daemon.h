/*
 * daemon.h - the state of one attlsd: its options, the installed policy
 * generation, the security database, the connection table and workers,
 * and the control socket.  Owned by the main thread; workers see only the
 * table and the connections handed to them.
 */
#ifndef ATTLS_DAEMON_DAEMON_H
#define ATTLS_DAEMON_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/err.h"
#include "daemon/conntab.h"
#include "daemon/gen.h"
#include "daemon/worker.h"
#include "policy/policy.h"

struct saf_db;

#define ATTLSD_MAX_POLICY_FILES 16
#define ATTLSD_MAX_CLIENTS 4096

struct attlsd_client {
	int fd;
	uid_t uid;
	pid_t pid;
	char userid[16];
};

struct attlsd {
	/* options */
	const char *config_path;
	const char *policy_paths[ATTLSD_MAX_POLICY_FILES];
	size_t npolicy;
	const char *socket_path;
	const char *db_path;
	size_t nworkers;
	int ready_fd;
	bool no_ktls;                 /* --no-ktls */
	bool remove_summary;          /* --remove-summary: only that, then exit */
	char db_file[4096];           /* the security database in use, or "" */
	/* state */
	struct attlsd_gen *gen;
	uint64_t next_gen;
	struct saf_db *db;
	struct attlsd_conntab table;
	struct attlsd_worker *workers;
	size_t rr;
	int listen_fd;
	int epfd;
	int sigfd;
	struct attlsd_client *clients[ATTLSD_MAX_CLIENTS];
	bool stopping;
	bool checking;                /* attlsd -n: load and report only */
	bool ktls;                    /* connections may hand records to the kernel */
};

/* Loads the policy again; on any error the installed one stays. */
AT_MUST_CHECK enum at_rc attlsd_refresh(struct attlsd *d, struct at_buf *report,
    struct at_err *err);

/* Serves one request from a client; false when the client should go. */
bool attlsd_control_serve(struct attlsd *d, struct attlsd_client *cl);

/* Opens the control socket at d->socket_path. */
AT_MUST_CHECK enum at_rc attlsd_control_listen(struct attlsd *d, struct at_err *err);

#endif
