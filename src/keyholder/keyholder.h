/*
 * keyholder.h - the one process that holds private keys.
 *
 * The privileged parent starts it (a fork, before the parent has threads),
 * hands it each key once as PKCS#8 and then frees its own copy.  From then
 * on the key exists only in the keyholder, which signs with it on request
 * and does nothing else: no decryption (RSA key exchange suites are not
 * usable with a held key), no export, no file or network access (a seccomp
 * allow-list of a dozen system calls is in force before the first key
 * arrives).  Processes that speak TLS hold a channel to it and a key id.
 *
 * Two kinds of socket reach the keyholder (SOCK_SEQPACKET pairs, one
 * message per request and per reply, each of bounded size):
 *   control   the parent's: add and remove keys, open a sign channel.  Its
 *             end-of-file ends the keyholder.
 *   channel   a TLS worker's: SIGN only.  Anything else closes the channel.
 */
#ifndef ATTLS_KEYHOLDER_KEYHOLDER_H
#define ATTLS_KEYHOLDER_KEYHOLDER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <openssl/evp.h>

#include "common/err.h"

/* Bounds every message: a PKCS#8 RSA-8192 key is about 4.8 KiB. */
#define KEYHOLDER_MAX_DATA 16384
/* The largest signature returned: RSA-8192. */
#define KEYHOLDER_MAX_SIG 1024
/* The largest message an Ed25519 signature covers (TLS 1.3 needs ~130 bytes). */
#define KEYHOLDER_MAX_TBS 1024
#define KEYHOLDER_MAX_KEYS 1024
#define KEYHOLDER_MAX_CHANNELS 256
/* How long a caller waits for a reply before it gives the channel up. */
#define KEYHOLDER_TIMEOUT_MS 10000

/* The parent's handle: the control socket and the child's pid. */
struct keyholder;
/* A sign-only channel; thread-safe, reference-counted. */
struct keyholder_client;

enum keyholder_alg {
	KEYHOLDER_RSA_PKCS1 = 1,  /* RSASSA-PKCS1-v1_5 over a digest */
	KEYHOLDER_RSA_PSS = 2,    /* RSASSA-PSS over a digest */
	KEYHOLDER_ECDSA = 3,      /* ECDSA over a digest, DER signature */
	KEYHOLDER_ED25519 = 4     /* pure Ed25519 over the message itself */
};

/*
 * One signature to make.  tbs is the digest (md_nid says which; its length
 * must be that digest's) or, for Ed25519, the message (md_nid NID_undef).
 * For RSA-PSS, mgf1_nid and saltlen (bytes, explicit) are used.
 */
struct keyholder_sign_req {
	uint32_t key_id;
	enum keyholder_alg alg;
	int md_nid;
	int mgf1_nid;
	int saltlen;
	const unsigned char *tbs;
	size_t tbslen;
};

/*
 * Forks the keyholder.  Call it from the main thread before the process
 * creates threads (the child runs OpenSSL after fork(), and its
 * PR_SET_PDEATHSIG follows the thread that forked it).  The child keeps
 * only stderr and its control socket, becomes undumpable, dies with its
 * parent, and installs its seccomp filter before it reads the first request.
 * On success *out is the caller's; end it with keyholder_stop().
 */
AT_MUST_CHECK enum at_rc keyholder_start(struct keyholder **out, struct at_err *err);

/*
 * Sends key (a private key: RSA, EC or Ed25519) to the keyholder and gives
 * back its id.  The DER copy made for the trip is wiped; key itself stays
 * the caller's, who should free it at once: that is the point.
 * AT_E_INPUT for a key type the keyholder refuses, AT_E_TOOBIG when its
 * encoding exceeds KEYHOLDER_MAX_DATA or the keyholder is full, AT_E_IO when
 * the keyholder is gone.
 */
AT_MUST_CHECK enum at_rc keyholder_add_key(struct keyholder *kh, EVP_PKEY *key,
    uint32_t *key_id, struct at_err *err);

/* Forgets a key; proxy keys for it fail from then on.  AT_E_NOTFOUND if unknown. */
AT_MUST_CHECK enum at_rc keyholder_remove_key(struct keyholder *kh, uint32_t key_id,
    struct at_err *err);

/*
 * Opens a new sign client: one channel (a fresh socket pair whose other end
 * the keyholder receives) per CPU, up to 8, so that threads signing at once
 * are served at once by the keyholder's signer threads.  Each worker
 * process takes its own; it outlives kh.  *out has one reference:
 * keyholder_client_free().
 */
AT_MUST_CHECK enum at_rc keyholder_client_open(struct keyholder *kh,
    struct keyholder_client **out, struct at_err *err);

/* A client of one already connected channel (passed to a worker); takes fd. */
AT_MUST_CHECK enum at_rc keyholder_client_from_fd(int fd, struct keyholder_client **out,
    struct at_err *err);

void keyholder_client_up_ref(struct keyholder_client *kc);
/* Drops one reference; the last closes the channel.  NULL is a no-op. */
void keyholder_client_free(struct keyholder_client *kc);

/*
 * Asks for one signature.  *siglen is sig's capacity on entry and the
 * signature's length on return.  A request takes an idle channel of kc, or
 * waits for one; a channel whose reply did not come in time is broken for
 * good (fail closed: a late reply must never be taken for the next
 * request's).
 * AT_E_NOTFOUND for an unknown key id, AT_E_INPUT for a request the key
 * cannot honour, AT_E_IO when the keyholder is gone, AT_E_TLS when signing
 * failed inside it.
 */
AT_MUST_CHECK enum at_rc keyholder_sign(struct keyholder_client *kc,
    const struct keyholder_sign_req *req, unsigned char *sig, size_t *siglen,
    struct at_err *err);

/* The descriptors of kc's channels, at most max of them into out (for a
 * process that closes every descriptor it does not need). */
size_t keyholder_client_fds(const struct keyholder_client *kc, int *out, size_t max);

/* How many channels kc has (for tests). */
int keyholder_client_channels(const struct keyholder_client *kc);

/* The keyholder's process id (for logs and tests). */
pid_t keyholder_pid(const struct keyholder *kh);

/*
 * For a process forked from the parent (a worker): closes its inherited
 * copy of the control socket and frees kh, without touching the keyholder.
 * A worker must call it at once: with the control socket it could remove
 * keys, and while any copy is open the keyholder outlives the parent.
 */
void keyholder_forget_in_child(struct keyholder *kh);

/*
 * Closes the control socket, which ends the keyholder, and reaps it.
 * Channels still open then fail with AT_E_IO.  NULL is a no-op.
 */
void keyholder_stop(struct keyholder *kh);

#endif
