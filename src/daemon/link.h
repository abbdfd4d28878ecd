/*
 * link.h - the messages between attlsd's parent and its TLS engine
 * process (see engineproc.h), and sending and receiving them with their
 * descriptors.
 *
 * Both ends are the same program, so a message is a fixed C structure
 * (struct link_hdr, then the type's body, then for some types a variable
 * tail); nothing is parsed beyond checking each length.  The parent does
 * not trust the engine: every message from it is checked for its exact
 * size, its strings are NUL-terminated here, and a message that fails a
 * check ends attlsd (the engine is then not the engine any more).
 *
 * Three sockets (SOCK_SEQPACKET pairs), so that no reply waits behind
 * traffic of another kind:
 *   req    parent asks, engine answers: GEN, ENV -> REPLY
 *   async  parent -> engine: NEW, CMD, MAPPED, GEN_DROP, STOP;
 *          engine -> parent: UPDATE, GONE, MAP
 *   log    engine -> parent: LOG
 */
#ifndef ATTLS_DAEMON_LINK_H
#define ATTLS_DAEMON_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "ctl/proto.h"

#define LINK_MAX_MSG (64u * 1024u)
#define LINK_MAX_FDS 4
#define LINK_MAX_DER 16384            /* a peer certificate kept for status */

enum link_type {
	LINK_GEN = 1,      /* link_gen + fd: the generation's files (bundle.h) */
	LINK_GEN_DROP,     /* link_gen: the parent has let the generation go */
	LINK_ENV,          /* link_env + fd: the credentials (envspec.h) */
	LINK_REPLY,        /* link_reply */
	LINK_NEW,          /* link_new + fds: TCP, engine's end, [program's end, client] */
	LINK_CMD,          /* link_cmd + fd: the client's control socket */
	LINK_MAPPED,       /* link_mapped */
	LINK_STOP,         /* no body */
	LINK_UPDATE,       /* link_update + peer certificate (DER) */
	LINK_GONE,         /* link_gone + peer certificate (DER), if not sent yet */
	LINK_MAP,          /* a uint32_t connection id + peer certificate (DER) */
	LINK_LOG           /* link_log + text */
};

struct link_hdr {
	uint32_t type;
	uint32_t len;                     /* of the whole message */
};

struct link_gen {
	uint64_t gen_id;
	uint64_t installed;               /* time_t of the parent's load */
};

struct link_env {
	uint64_t gen_id;
	uint32_t rule;                    /* policy_rule.order */
	uint32_t envid;
	uint32_t grpid;
	char userid[16];
};

struct link_reply {
	int32_t rc;                       /* enum at_rc */
	int32_t sslrc;
	char msg[AT_ERR_MSG_MAX];
};

struct link_new {
	uint64_t gen_id;
	uint64_t app_ino;
	uint32_t rule;
	uint32_t envid;
	uint32_t id;
	uint32_t reply_cookie;            /* TTLS_INIT_CONNECTION waiting, else 0 */
	uint32_t handshake_ms;            /* 0: no deadline */
	struct ctl_addrs addrs;
	struct ctl_addrs resume;          /* a client role's server to resume with */
	uint8_t has_resume;
	uint8_t dir;
	uint8_t connecting;
	uint8_t ktls;                     /* records may go to the kernel */
	uint8_t app_controlled;
	char jobname[CTL_NAME_MAX + 1];
	char userid[16];
};

struct link_cmd {
	uint32_t id;
	uint32_t req_type;
	uint32_t cookie;
};

struct link_mapped {
	uint32_t id;
	char user[16];                    /* "" none */
	char reason[256];
};

struct link_update {
	uint64_t to_peer, from_peer;
	uint32_t id;
	int32_t so_error;
	uint16_t cipher;
	uint8_t state;                    /* enum engine_state */
	uint8_t ktls;
	char protocol[16];
	char mapped_user[16];
	char peer_subject[256];
};

/* The end of a connection: its final state, as an update carries it. */
struct link_gone {
	struct link_update u;
};

struct link_log {
	int32_t prio;
	uint8_t auth;
};

/*
 * Sends one message: hdr type, body (blen bytes), tail (tlen bytes, may
 * be NULL), with up to LINK_MAX_FDS descriptors that stay open here.
 * Blocking; never raises SIGPIPE.  AT_E_IO when the other end is gone.
 */
AT_MUST_CHECK enum at_rc link_send(int sock, enum link_type type, const void *body,
    size_t blen, const void *tail, size_t tlen, const int *fds, size_t nfds,
    struct at_err *err);

/*
 * Receives one message into buf (LINK_MAX_MSG bytes) and its descriptors
 * (close-on-exec) into fds[0..*nfds).  *len is the message's length, and
 * it is at least a header whose len field equals it.  Non-blocking:
 * it never waits (callers poll first): AT_E_BUSY for nothing to read.  AT_E_IO for EOF or an
 * error, AT_E_INPUT for a malformed message; on any error no descriptor
 * stays open.
 */
AT_MUST_CHECK enum at_rc link_recv(int sock, unsigned char *buf, size_t *len, int *fds,
    size_t *nfds, struct at_err *err);

/* Closes fds[0..n) that are not -1. */
void link_close_fds(int *fds, size_t n);

/* NUL-terminates a received fixed-size string field in place. */
#define LINK_TERMINATE(field) ((field)[sizeof(field) - 1] = '\0')

#endif
