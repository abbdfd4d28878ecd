/*
 * proto.h - the keyholder's messages (internal to src/keyholder/).  Both
 * ends are the same program on the same host, so fields are native-endian
 * fixed-width integers; every length is checked against the bounds in
 * keyholder.h before it is used.
 */
#ifndef ATTLS_KEYHOLDER_PROTO_H
#define ATTLS_KEYHOLDER_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

enum kh_op {
	KH_OP_ADD_KEY = 1,     /* control: data is PKCS#8 DER; reply value is the id */
	KH_OP_REMOVE_KEY = 2,  /* control: key_id */
	KH_OP_OPEN_CHANNEL = 3,/* control: one descriptor in SCM_RIGHTS */
	KH_OP_SIGN = 4         /* channel: the fields of keyholder_sign_req */
};

struct kh_req {
	uint32_t op;
	uint32_t key_id;
	int32_t alg;
	int32_t md_nid;
	int32_t mgf1_nid;
	int32_t saltlen;
	uint32_t len;          /* bytes of data after the header */
};

struct kh_rep {
	int32_t rc;            /* AT_OK or a negative enum at_rc */
	uint32_t value;
	uint32_t len;          /* signature bytes, or an error message */
};

#define KH_MSG_MAX (sizeof(struct kh_req) + 16384)

/*
 * Sends hdr + data as one message (and fd, unless -1, as SCM_RIGHTS).
 * MSG_NOSIGNAL: a dead peer is an error, not a signal.
 */
AT_MUST_CHECK enum at_rc kh_send(int sock, const void *hdr, size_t hdrlen,
    const void *data, size_t len, int fd, struct at_err *err);

/*
 * Receives one message into buf (cap bytes).  *n is its length; 0 means the
 * peer closed.  A message longer than cap is an error (AT_E_TOOBIG), never
 * silently cut.  fd (may be NULL) receives a passed descriptor or -1; any
 * descriptor that arrives when fd is NULL is closed.
 * timeout_ms < 0 waits for ever; 0 relies on the socket's SO_RCVTIMEO
 * (one system call less per request: see kh_set_timeout); > 0 polls first.
 * A timeout is AT_E_BUSY.
 */
AT_MUST_CHECK enum at_rc kh_recv(int sock, void *buf, size_t cap, size_t *n, int *fd,
    int timeout_ms, struct at_err *err);

/* Sets SO_RCVTIMEO on sock to KEYHOLDER_TIMEOUT_MS. */
AT_MUST_CHECK enum at_rc kh_set_timeout(int sock, struct at_err *err);

/* The keyholder's request loop; never returns. */
void kh_serve(int ctl) __attribute__((noreturn));

#endif
