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
#include <time.h>

#include "common/buf.h"
#include "common/err.h"
#include "daemon/builder.h"
#include "daemon/conntab.h"
#include "daemon/envcache.h"
#include "daemon/engineproc.h"
#include "daemon/gen.h"
#include "daemon/secmap.h"
#include "daemon/worker.h"
#include "policy/policy.h"

struct saf_db;

#define ATTLSD_MAX_POLICY_FILES 16
#define ATTLSD_MAX_CLIENTS 4096
/* Control connections one Linux user may hold at once (--max-clients-per-user). */
#define ATTLSD_DEFAULT_CLIENTS_PER_USER 256
/* Replies waiting for a client that does not read; one more and it goes. */
#define ATTLSD_CLIENT_QUEUE 4
/* Descriptors kept free for the control socket: a protected connection
 * that would leave fewer is refused (--fd-reserve). */
#define ATTLSD_DEFAULT_FD_RESERVE 64

/* A reply the client's socket could not take yet. */
struct attlsd_out {
	struct at_buf msg;
	int fds[2];                   /* duplicates, owned by the queue */
	size_t nfds;
};

struct attlsd_client {
	int fd;                       /* non-blocking, SO_PASSCRED */
	size_t slot;
	uid_t peer_uid;               /* who connected (SO_PEERCRED): the count per user */
	uid_t uid;                    /* who sent the request being served */
	gid_t gid;                    /* and its group */
	pid_t pid;
	bool resolved;                /* userid is the RACF user of uid */
	bool building;                /* a CTL_MAP waits for the builder */
	uint64_t serial;              /* tells this client from a later one in its slot */
	char userid[16];
	struct attlsd_out out[ATTLSD_CLIENT_QUEUE];
	size_t qhead, qlen;           /* replies waiting, oldest at qhead */
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
	struct attlsd_conntab table;      /* the parent's copy; the engine's is the truth */
	struct attlsd_engine engine;
	const char *engine_user;          /* --user: whom the engine runs as */
	int listen_fd;
	int epfd;
	int sigfd;
	struct attlsd_client *clients[ATTLSD_MAX_CLIENTS];
	bool stopping;
	bool checking;                /* attlsd -n: load and report only */
	bool ktls;                    /* connections may hand records to the kernel */
	size_t clients_per_user;      /* 0: no limit */
	size_t fd_reserve;
	int fd_limit;                 /* RLIMIT_NOFILE soft limit in force */
	int spare_fd;                 /* given up to accept-and-close at EMFILE */
	time_t refused_log;           /* last "refusing a client" line (rate limit) */
	size_t refused_quiet;         /* refusals since, not logged */
	struct attlsd_envcache envfail; /* environments built, and failed briefly */
	struct attlsd_builder builder;
	struct attlsd_secmap secmap;  /* SecondaryMap primaries (control thread) */
	uint64_t next_serial;
};

/* Loads the policy again; on any error the installed one stays. */
AT_MUST_CHECK enum at_rc attlsd_refresh(struct attlsd *d, struct at_buf *report,
    struct at_err *err);

/*
 * Serves one request from a client; false when the client should go.
 * The user of each request is the one its credentials name
 * (SCM_CREDENTIALS), mapped to a RACF user when it changes.
 */
bool attlsd_control_serve(struct attlsd *d, struct attlsd_client *cl);

/* Answers the CTL_MAP of a job the builder finished; false when the
 * client should go.  The caller frees the job. */
bool attlsd_control_finish(struct attlsd *d, struct attlsd_client *cl,
    struct attlsd_build *job);

/* Sends what waits in the client's reply queue; false when it should go. */
bool attlsd_control_flush(struct attlsd *d, struct attlsd_client *cl);

/* Empties a client's reply queue, closing the descriptors it held. */
void attlsd_control_discard(struct attlsd_client *cl);

/* Sets cl->userid to the RACF user of cl->uid (attlsd.c). */
void attlsd_client_identify(struct attlsd *d, struct attlsd_client *cl);

/* Whether a new protected connection may take descriptors (attlsd.c):
 * false, with a logged reason, once fewer than d->fd_reserve would be left
 * here or in the TLS engine; highest is the highest descriptor the
 * connection holds here, engine_more how many it will take there. */
bool attlsd_fd_room(struct attlsd *d, int highest, size_t engine_more);

/* The TCP/IP stack name in the Netstat profile (EZB.NETSTAT.sysname.tcpname.TTLS). */
#define ATTLSD_TCPNAME "TCPIP"

/* The SERVAUTH resource whose READ access lets a user see every
 * connection in attls status: EZB.NETSTAT.<sysname>.TCPIP.TTLS. */
AT_MUST_CHECK enum at_rc attlsd_netstat_resource(char *out, size_t cap);

/* Opens the control socket at d->socket_path. */
AT_MUST_CHECK enum at_rc attlsd_control_listen(struct attlsd *d, struct at_err *err);

#endif
