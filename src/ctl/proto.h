/*
 * proto.h - the control protocol between attlsd and its clients: the
 * preloaded shim (libattls.so), the application API (attls.h) and the
 * attls command.
 *
 * Transport: an AF_UNIX SOCK_SEQPACKET socket, so every message keeps its
 * boundaries and may carry descriptors (SCM_RIGHTS).  A client sends one
 * request and reads one reply carrying the same cookie.  The daemon takes
 * the user of each request from the credentials the kernel attaches to it
 * (SCM_CREDENTIALS, sent by ctl_send), never from a message's body.
 *
 * Wire format: a 16-byte header (magic "ATLS", version, type, cookie, body
 * length; big-endian), then the body fields in the order the structs below
 * list them, integers big-endian, strings as a one-byte length and bytes.
 * A decoder checks every length and refuses anything left over, so a
 * malformed message is refused whole.
 */
#ifndef ATTLS_CTL_PROTO_H
#define ATTLS_CTL_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"

#define CTL_MAGIC 0x41544c53u /* "ATLS" */
#define CTL_VERSION 1
#define CTL_HDR_LEN 16
#define CTL_MSG_MAX 65536
#define CTL_NAME_MAX 64       /* job names, rule and action names */
#define CTL_MAX_FDS 2

enum ctl_type {
	CTL_MAP = 1,          /* a new TCP connection: decide, and take it if a rule says so */
	CTL_MAP_REPLY = 2,
	CTL_ADDR = 3,         /* the TCP addresses behind a protected descriptor */
	CTL_ADDR_REPLY = 4,
	CTL_QUERY = 5,        /* SIOCTTLSCTL-style query or control of a connection */
	CTL_QUERY_REPLY = 6,
	CTL_STATUS = 7,       /* installed policy and the connection table */
	CTL_STATUS_REPLY = 8,
	CTL_REFRESH = 9,      /* re-read the policy */
	CTL_REFRESH_REPLY = 10,
	CTL_VIEW = 11,        /* the operator's views: installed policy, explain, netstat */
	CTL_VIEW_REPLY = 12
};

struct ctl_hdr {
	uint16_t type;
	uint32_t cookie;
	uint32_t len;         /* body bytes after the header */
};

/* A connection's addresses: 16-byte addresses, IPv4 as v4-mapped. */
struct ctl_addrs {
	uint8_t family;       /* AF_INET or AF_INET6 */
	uint8_t laddr[16];
	uint16_t lport;
	uint8_t raddr[16];
	uint16_t rport;
};

#define CTL_DIR_INBOUND 1
#define CTL_DIR_OUTBOUND 2

/* CTL_MAP flags */
#define CTL_MAP_CONNECTING 0x01 /* a non-blocking connect is still in progress */

/*
 * CTL_MAP request.  Descriptors: [0] the TCP socket (a duplicate the
 * daemon may keep).  When the reply is CTL_PROTECTED it carries one
 * descriptor: the application's end of an AF_UNIX stream pair the daemon
 * made (it keeps the other end), which the shim dup3()s onto the
 * application's fd number.  The daemon making the pair is what lets it
 * recognise that end later by its inode (CTL_ADDR, CTL_QUERY), whichever
 * process shows it.
 */
struct ctl_map {
	uint8_t dir;
	uint8_t flags;
	struct ctl_addrs addrs;
	char jobname[CTL_NAME_MAX + 1];
};

enum ctl_verdict {
	CTL_CLEAR = 1,        /* no rule: leave the connection as it is */
	CTL_NOT_ENABLED = 2,  /* a rule with TTLSEnabled Off: leave it, but say so */
	CTL_PROTECTED = 3,    /* the daemon took it: swap in the descriptor sent */
	CTL_REFUSED = 4,      /* a rule matched but protection could not be set
	                         up: fail the application's call with errnum */
	CTL_APPL_CONTROL = 5  /* a rule with ApplicationControlled On: leave the
	                         TCP socket with the application, in cleartext,
	                         until it asks for TLS (TTLS_INIT_CONNECTION) */
};

struct ctl_map_reply {
	uint8_t verdict;
	int32_t errnum;
	uint32_t conn_id;
	uint64_t generation;  /* policy generation the decision was made with */
	char rule[CTL_NAME_MAX + 1];
};

/* CTL_ADDR request: no body; descriptor [0] is the application's end. */
struct ctl_addr_reply {
	int32_t errnum;       /* 0, or ENOTCONN when the daemon does not know it */
	uint32_t conn_id;
	struct ctl_addrs addrs;
	int32_t so_error;     /* pending connection error, as SO_ERROR reports */
};

/*
 * CTL_QUERY request: descriptor [0] is the application's end of a
 * protected connection, or the TCP socket itself for one under an
 * ApplicationControlled rule that is still in cleartext (dir and jobname
 * then let the daemon find the rule again; dir 0 means unknown).  req_type
 * carries the TTLS_* request bits of attls.h; the daemon knows these by
 * value.  A TTLS_INIT_CONNECTION is answered once the handshake has ended;
 * on success the reply carries the application's end of a new socket pair
 * to put in the TCP socket's place, as for CTL_PROTECTED.
 */
#define CTL_TTLS_INIT_CONNECTION 0x00000001u
#define CTL_TTLS_RETURN_CERTIFICATE 0x00000002u
#define CTL_TTLS_RESET_SESSION 0x00000004u
#define CTL_TTLS_RESET_CIPHER 0x00000008u
#define CTL_TTLS_STOP_CONNECTION 0x00000010u
#define CTL_TTLS_RESET_WRITE_CIPHER 0x00000040u
#define CTL_TTLS_SEND_SESSION_TICKET 0x00000080u

struct ctl_query {
	uint32_t req_type;    /* TTLS_* request bits (attls.h) */
	uint32_t cert_max;    /* room the caller has for the peer certificate */
	uint8_t dir;          /* CTL_DIR_*, or 0 when not known */
	char jobname[CTL_NAME_MAX + 1];
};

struct ctl_query_reply {
	int32_t errnum;
	uint8_t stat_policy;  /* TTLS_POL_* */
	uint8_t stat_conn;    /* TTLS_CONN_* */
	uint8_t prot_ver;     /* TTLS_PROT_* major/minor bytes */
	uint8_t prot_mod;
	uint16_t cipher;      /* IANA id */
	uint16_t key_share;   /* IANA group id */
	uint8_t sec_type;     /* TTLS_SEC_* */
	uint8_t fips140;
	char userid[CTL_NAME_MAX + 1];
	char rule[CTL_NAME_MAX + 1];
	char group_action[CTL_NAME_MAX + 1];
	char env_action[CTL_NAME_MAX + 1];
	char conn_action[CTL_NAME_MAX + 1];
	uint32_t cert_len;    /* length of the peer certificate (DER) */
	const uint8_t *cert;  /* decode: points into the message buffer */
};

/* CTL_REFRESH_REPLY / CTL_STATUS_REPLY: a result and text for people. */
struct ctl_text_reply {
	int32_t errnum;
	uint64_t generation;
	const char *text;     /* decode: points into the message buffer */
	uint32_t text_len;
};

/*
 * CTL_VIEW: one page of a view.  The first request (snapshot 0) makes the
 * daemon render the whole view once and keep it for this control
 * connection; the reply names that snapshot, the whole length and where
 * its part starts.  The client asks for the next offset with the same
 * snapshot until it has total bytes, so a view longer than one message is
 * read whole and consistent, never cut.  A snapshot the daemon no longer
 * holds is refused (ESTALE), never mixed with a newer one.
 */
#define CTL_VIEW_POLICY 1     /* the installed policy, pasearch layout */
#define CTL_VIEW_EXPLAIN 2    /* explain one connection against it */
#define CTL_VIEW_NETSTAT 3    /* every TCP connection of the host */

#define CTL_VIEW_JSON 0x01

struct ctl_view {
	uint8_t kind;         /* CTL_VIEW_* */
	uint8_t flags;        /* CTL_VIEW_JSON */
	uint64_t snapshot;    /* 0: a new one */
	uint32_t offset;
	/* CTL_VIEW_EXPLAIN: the connection (dir CTL_DIR_*) and its time. */
	uint8_t dir;
	struct ctl_addrs addrs;
	uint64_t now;
	/* CTL_VIEW_NETSTAT filters (port 0 and "" mean any); job and user
	 * are also the explained connection's. */
	uint16_t port;
	char job[CTL_NAME_MAX + 1];
	char user[CTL_NAME_MAX + 1];
	char rule[CTL_NAME_MAX + 1];
};

struct ctl_view_reply {
	int32_t errnum;       /* 0, or why not (the text says it to people) */
	uint64_t generation;
	uint64_t snapshot;
	uint32_t total;       /* length of the whole view */
	uint32_t offset;      /* where this part starts */
	const char *text;     /* decode: points into the message buffer */
	uint32_t text_len;
};

/* The most view text one CTL_VIEW_REPLY carries. */
#define CTL_VIEW_PART (CTL_MSG_MAX - 128)

/*
 * Encoders append a whole message (header and body) to out, which should
 * be empty.  They return AT_OK, or AT_E_TOOBIG / AT_E_INPUT (a string too
 * long for its field) with out unchanged in length.
 */
AT_MUST_CHECK enum at_rc ctl_encode_map(struct at_buf *out, uint32_t cookie,
    const struct ctl_map *m, struct at_err *err);
AT_MUST_CHECK enum at_rc ctl_encode_map_reply(struct at_buf *out, uint32_t cookie,
    const struct ctl_map_reply *r, struct at_err *err);
AT_MUST_CHECK enum at_rc ctl_encode_addr(struct at_buf *out, uint32_t cookie,
    struct at_err *err);
AT_MUST_CHECK enum at_rc ctl_encode_addr_reply(struct at_buf *out, uint32_t cookie,
    const struct ctl_addr_reply *r, struct at_err *err);
AT_MUST_CHECK enum at_rc ctl_encode_query(struct at_buf *out, uint32_t cookie,
    const struct ctl_query *q, struct at_err *err);
AT_MUST_CHECK enum at_rc ctl_encode_query_reply(struct at_buf *out, uint32_t cookie,
    const struct ctl_query_reply *r, struct at_err *err);
AT_MUST_CHECK enum at_rc ctl_encode_simple(struct at_buf *out, uint16_t type,
    uint32_t cookie, struct at_err *err);
AT_MUST_CHECK enum at_rc ctl_encode_text_reply(struct at_buf *out, uint16_t type,
    uint32_t cookie, const struct ctl_text_reply *r, struct at_err *err);
AT_MUST_CHECK enum at_rc ctl_encode_view(struct at_buf *out, uint32_t cookie,
    const struct ctl_view *v, struct at_err *err);
AT_MUST_CHECK enum at_rc ctl_encode_view_reply(struct at_buf *out, uint32_t cookie,
    const struct ctl_view_reply *r, struct at_err *err);

/*
 * Decoders read one whole message from in (from its read cursor).  The
 * header decoder checks magic, version and that the body length matches
 * what is left; the body decoders check every field and that nothing is
 * left over.  Pointers in decoded structs point into in's data.
 */
AT_MUST_CHECK enum at_rc ctl_decode_hdr(struct at_buf *in, struct ctl_hdr *h,
    struct at_err *err);
AT_MUST_CHECK enum at_rc ctl_decode_map(struct at_buf *in, struct ctl_map *m,
    struct at_err *err);
AT_MUST_CHECK enum at_rc ctl_decode_map_reply(struct at_buf *in, struct ctl_map_reply *r,
    struct at_err *err);
AT_MUST_CHECK enum at_rc ctl_decode_addr_reply(struct at_buf *in,
    struct ctl_addr_reply *r, struct at_err *err);
AT_MUST_CHECK enum at_rc ctl_decode_query(struct at_buf *in, struct ctl_query *q,
    struct at_err *err);
AT_MUST_CHECK enum at_rc ctl_decode_query_reply(struct at_buf *in,
    struct ctl_query_reply *r, struct at_err *err);
AT_MUST_CHECK enum at_rc ctl_decode_text_reply(struct at_buf *in,
    struct ctl_text_reply *r, struct at_err *err);
AT_MUST_CHECK enum at_rc ctl_decode_view(struct at_buf *in, struct ctl_view *v,
    struct at_err *err);
AT_MUST_CHECK enum at_rc ctl_decode_view_reply(struct at_buf *in,
    struct ctl_view_reply *r, struct at_err *err);

/* A message with no body (CTL_ADDR, CTL_STATUS, CTL_REFRESH): checks it is empty. */
AT_MUST_CHECK enum at_rc ctl_decode_empty(struct at_buf *in, struct at_err *err);

#endif
