/*
 * safd.h - attls-safd, the SAF service: the state the process keeps and
 * the parts that share it.
 *
 *   main.c       options, start-up, readiness, the run loop
 *   listen.c     the socket: bind, accept, one record in, one out
 *   caller.c     who is asking (credentials -> RACF user)
 *   authz.c      may the caller ask this (BPX.SERVER, IRRPTAUTH)
 *   ratelimit.c  failed verifications per caller and per target user
 *   handle*.c    one file per family of requests
 *   signon.c     VERIFY's one way into the security manager
 *   log.c        syslog (authpriv) and, in the foreground, stderr
 *
 * One thread: each request is answered before the next is read.  The
 * database is opened read-write because a verification changes it
 * (failure counts, revocation, last access, used PassTickets); profiles
 * are changed only by the racf command.
 */
#ifndef ATTLS_SAFD_SAFD_H
#define ATTLS_SAFD_SAFD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <syslog.h>

#include "common/err.h"
#include "saf/db.h"
#include "saf/names.h"
#include "safd/proto.h"

#define SAFD_MAX_CLIENTS 256
#define SAFD_RL_SLOTS 1024

/* Rate-limit defaults: 5 failures within 60 s start a 60 s back-off. */
#define SAFD_RL_LIMIT 5
#define SAFD_RL_WINDOW 60
#define SAFD_RL_BACKOFF 60

struct safd_rl_entry {
	bool used;
	bool by_uid;          /* key is a caller uid, else a target user */
	uid_t uid;
	char user[SAF_NAME_MAX + 1];
	unsigned failures;    /* within the current window */
	int64_t window_start;
	int64_t blocked_until;
	int64_t last;
};

struct safd_rl {
	unsigned limit;       /* 0: no limit */
	unsigned window;
	unsigned backoff;
	struct safd_rl_entry e[SAFD_RL_SLOTS];
};

/* The caller of one request, as the kernel and the database say. */
struct safd_caller {
	pid_t pid;
	uid_t uid;
	char user[SAF_SUBJECT_MAX + 1]; /* RACF user, or "?<uid>" */
	bool defined;
};

struct safd {
	const char *socket_path;
	const char *db_path;
	bool foreground;
	int ready_fd;
	struct saf_db *db;
	int listen_fd;
	int epfd;
	int sigfd;
	int clients[SAFD_MAX_CLIENTS];
	struct safd_rl rl;
	uint64_t served, refused_records;
};

/* --- log.c --- */
void safd_log_init(bool foreground);
void safd_log(int prio, const char *fmt, ...) AT_PRINTF(2, 3);

/* --- listen.c --- */
AT_MUST_CHECK enum at_rc safd_listen(struct safd *d, struct at_err *err);
void safd_accept(struct safd *d);
/* Reads one record from client slot and answers it; false: drop it. */
bool safd_serve(struct safd *d, size_t slot);
void safd_drop(struct safd *d, size_t slot);

/* --- caller.c --- */
AT_MUST_CHECK enum at_rc safd_caller_resolve(struct safd *d, pid_t pid,
    uid_t uid, struct safd_caller *out, struct at_err *err);
/* Whether user (any case) names the caller's own RACF user. */
bool safd_caller_is(const struct safd_caller *c, const char *user);

/* --- authz.c --- */
/*
 * May the caller act for another user (READ to FACILITY BPX.SERVER)?
 * AT_OK yes; AT_E_DENIED with rep filled as the refusal (SAF 8, RACF 8,
 * ICH408I) and nothing else; other codes: could not decide.
 */
AT_MUST_CHECK enum at_rc safd_authz_server(struct safd *d,
    const struct safd_caller *c, struct safp_rep *rep, struct at_err *err);
/* The same for generating: UPDATE to PTKTDATA IRRPTAUTH.<appl>.<user>. */
AT_MUST_CHECK enum at_rc safd_authz_ptkt(struct safd *d,
    const struct safd_caller *c, const char *user, const char *appl,
    struct safp_rep *rep, struct at_err *err);

/* --- ratelimit.c --- */
void safd_rl_init(struct safd_rl *rl, unsigned limit, unsigned window,
    unsigned backoff);
/* Whether a verification by uid for user may run now; when not, why
 * (msg, cap bytes). */
bool safd_rl_allow(struct safd_rl *rl, uid_t uid, const char *user,
    int64_t now, char *msg, size_t cap);
void safd_rl_failure(struct safd_rl *rl, uid_t uid, const char *user,
    int64_t now);

/* --- handlers: each fills rep (status 0 and the RACF codes) or
 * returns an error the caller turns into a status reply. --- */
AT_MUST_CHECK enum at_rc safd_handle_verify(struct safd *d,
    const struct safd_caller *c, const struct safp_req *req,
    struct safp_rep *rep, struct at_err *err);
AT_MUST_CHECK enum at_rc safd_handle_auth(struct safd *d,
    const struct safd_caller *c, const struct safp_req *req,
    struct safp_rep *rep, struct at_err *err);
AT_MUST_CHECK enum at_rc safd_handle_groups(struct safd *d,
    const struct safd_caller *c, const struct safp_req *req,
    struct safp_rep *rep, struct at_err *err);
AT_MUST_CHECK enum at_rc safd_handle_omvs(struct safd *d,
    const struct safd_caller *c, const struct safp_req *req,
    struct safp_rep *rep, struct at_err *err);
AT_MUST_CHECK enum at_rc safd_handle_ptktgen(struct safd *d,
    const struct safd_caller *c, const struct safp_req *req,
    struct safp_rep *rep, struct at_err *err);
AT_MUST_CHECK enum at_rc safd_handle_mapcert(struct safd *d,
    const struct safd_caller *c, const struct safp_req *req,
    struct safp_rep *rep, struct at_err *err);
AT_MUST_CHECK enum at_rc safd_handle_mapidid(struct safd *d,
    const struct safd_caller *c, const struct safp_req *req,
    struct safp_rep *rep, struct at_err *err);

/* Fills rep as SAF 8 / RACF 8 with text (lines) as its messages. */
void safd_rep_refuse(struct safp_rep *rep, int racf_rc, int reason,
    const char *text);

#endif
