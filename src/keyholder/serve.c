/*
 * serve.c - the keyholder's side: the seccomp filter it lives under and
 * the loop that answers the control socket and the sign channels.
 *
 * The loop is single-threaded and every request is answered before the
 * next is read, so a slow or hostile channel delays others but cannot
 * corrupt them; a channel that sends anything but a well-formed SIGN is
 * closed.
 */
#define _DEFAULT_SOURCE /* syscall numbers */
#include "keyholder/keyholder.h"
#include "keyholder/proto.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "common/seccomp.h"

/*
 * What the loop and OpenSSL's signing code call once the keys are in
 * memory.  No open, socket, connect, execve, fork, ptrace, kill: a bug in
 * the request parser cannot reach a file, the network or another process.
 */
static const int keyholder_allowed[] = {
	SYS_read, SYS_write, SYS_recvmsg, SYS_sendmsg, SYS_close, SYS_ppoll,
#ifdef SYS_poll
	SYS_poll,
#endif
	/* mprotect: glibc grows the signer threads' malloc arenas with it */
	SYS_brk, SYS_mmap, SYS_munmap, SYS_mremap, SYS_madvise, SYS_mprotect,
	SYS_futex, SYS_getpid, SYS_getrandom, SYS_clock_gettime, SYS_gettimeofday,
	SYS_rt_sigprocmask, SYS_rt_sigreturn, SYS_restart_syscall,
	SYS_exit, SYS_exit_group,
};

struct held {
	uint32_t id;           /* 0: free slot */
	EVP_PKEY *key;
};

/* The key table, shared by the signer threads; keys_lock guards it. */
static struct held keys[KEYHOLDER_MAX_KEYS];
static uint32_t next_id;
static pthread_mutex_t keys_lock = PTHREAD_MUTEX_INITIALIZER;

static void
say(const char *what, const struct at_err *err)
{
	char line[AT_ERR_MSG_MAX + 64];
	int n;

	n = snprintf(line, sizeof(line), "attls keyholder: %s: %s\n", what, err->msg);
	if (n > 0)
		(void)write(2, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

/* A reference to key id (the caller frees it), or NULL. */
static EVP_PKEY *
find_key(uint32_t id)
{
	EVP_PKEY *k = NULL;
	size_t i;

	if (id == 0 || pthread_mutex_lock(&keys_lock) != 0)
		return NULL;
	for (i = 0; i < KEYHOLDER_MAX_KEYS; i++) {
		if (keys[i].id == id) {
			if (EVP_PKEY_up_ref(keys[i].key) == 1)
				k = keys[i].key;
			break;
		}
	}
	(void)pthread_mutex_unlock(&keys_lock);
	return k;
}

static enum at_rc
add_key(const unsigned char *der, size_t len, uint32_t *id, struct at_err *err)
{
	const unsigned char *p = der;
	PKCS8_PRIV_KEY_INFO *p8;
	EVP_PKEY *k;
	size_t i;

	p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)len);
	if (p8 == NULL || p != der + len) {
		PKCS8_PRIV_KEY_INFO_free(p8);
		return at_err_ssl(err, AT_E_INPUT, "the key sent is not one PKCS#8 structure");
	}
	k = EVP_PKCS82PKEY(p8);
	PKCS8_PRIV_KEY_INFO_free(p8);   /* wipes the DER it held */
	if (k == NULL)
		return at_err_ssl(err, AT_E_INPUT, "the PKCS#8 key sent does not decode");
	if (!EVP_PKEY_is_a(k, "RSA") && !EVP_PKEY_is_a(k, "EC") && !EVP_PKEY_is_a(k, "ED25519")) {
		EVP_PKEY_free(k);
		return at_err_setx(err, AT_E_INPUT,
		    "the keyholder takes RSA, EC and Ed25519 keys, not %s",
		    EVP_PKEY_get0_type_name(k) != NULL ? EVP_PKEY_get0_type_name(k) : "this type");
	}
	if (pthread_mutex_lock(&keys_lock) != 0) {
		EVP_PKEY_free(k);
		return at_err_setx(err, AT_E_INTERNAL, "locking the key table");
	}
	for (i = 0; i < KEYHOLDER_MAX_KEYS; i++)
		if (keys[i].id == 0)
			break;
	if (i < KEYHOLDER_MAX_KEYS) {
		/* Ids are never reused, so a stale id cannot name another key. */
		if (++next_id == 0)
			next_id = 1;
		keys[i].id = next_id;
		keys[i].key = k;
		*id = next_id;
	}
	(void)pthread_mutex_unlock(&keys_lock);
	if (i == KEYHOLDER_MAX_KEYS) {
		EVP_PKEY_free(k);
		return at_err_setx(err, AT_E_TOOBIG, "the keyholder already holds %d keys",
		    KEYHOLDER_MAX_KEYS);
	}
	return AT_OK;
}

static enum at_rc
remove_key(uint32_t id, struct at_err *err)
{
	EVP_PKEY *k = NULL;
	size_t i;

	if (pthread_mutex_lock(&keys_lock) != 0)
		return at_err_setx(err, AT_E_INTERNAL, "locking the key table");
	for (i = 0; i < KEYHOLDER_MAX_KEYS; i++) {
		if (id != 0 && keys[i].id == id) {
			k = keys[i].key;   /* a signature under way keeps its own reference */
			keys[i].id = 0;
			keys[i].key = NULL;
			break;
		}
	}
	(void)pthread_mutex_unlock(&keys_lock);
	if (k == NULL)
		return at_err_setx(err, AT_E_NOTFOUND, "the keyholder holds no key %u", id);
	EVP_PKEY_free(k);
	return AT_OK;
}

/* The digests a TLS 1.2/1.3 signature may use; anything else is refused.
 * MD5-SHA1 (TLS 1.0 and 1.1 with an RSA key) is taken by sign_digest for
 * RSA PKCS#1 only. */
static const EVP_MD *
tls_md(int nid)
{
	switch (nid) {
	case NID_sha1:
	case NID_sha224:
	case NID_sha256:
	case NID_sha384:
	case NID_sha512:
		return EVP_get_digestbynid(nid);
	default:
		return NULL;
	}
}

static enum at_rc
sign_digest(EVP_PKEY *k, const struct kh_req *q, const unsigned char *tbs, size_t tbslen,
    unsigned char *sig, size_t *siglen, struct at_err *err)
{
	const EVP_MD *md = tls_md(q->md_nid), *mgf1 = NULL;
	EVP_PKEY_CTX *pc = NULL;
	enum at_rc rc = AT_OK;
	int maxsalt;

	/* A TLS 1.0/1.1 server signs its key exchange with RSA over the MD5
	 * and SHA-1 digests together, with no DigestInfo: allowed for that
	 * one use, where a policy turns those versions on. */
	if (md == NULL && q->md_nid == NID_md5_sha1 && q->alg == KEYHOLDER_RSA_PKCS1 &&
	    EVP_PKEY_is_a(k, "RSA"))
		md = EVP_get_digestbynid(NID_md5_sha1);
	if (md == NULL)
		return at_err_setx(err, AT_E_INPUT, "digest %d is not one TLS signs with",
		    q->md_nid);
	if (tbslen != (size_t)EVP_MD_get_size(md))
		return at_err_setx(err, AT_E_INPUT, "a %s digest is %d bytes, not %zu",
		    EVP_MD_get0_name(md), EVP_MD_get_size(md), tbslen);
	if (EVP_PKEY_is_a(k, "RSA")) {
		if (q->alg != KEYHOLDER_RSA_PKCS1 && q->alg != KEYHOLDER_RSA_PSS)
			return at_err_setx(err, AT_E_INPUT, "an RSA key signs PKCS#1 or PSS only");
	} else if (EVP_PKEY_is_a(k, "EC")) {
		if (q->alg != KEYHOLDER_ECDSA)
			return at_err_setx(err, AT_E_INPUT, "an EC key signs ECDSA only");
	} else {
		return at_err_setx(err, AT_E_INPUT, "this key does not sign digests");
	}
	if (q->alg == KEYHOLDER_RSA_PSS) {
		mgf1 = tls_md(q->mgf1_nid);
		/* emLen - hLen - 2, emLen = ceil((bits - 1) / 8) */
		maxsalt = (EVP_PKEY_get_bits(k) - 1 + 7) / 8 - EVP_MD_get_size(md) - 2;
		if (mgf1 == NULL || q->saltlen < 0 || q->saltlen > maxsalt)
			return at_err_setx(err, AT_E_INPUT,
			    "RSA-PSS needs a TLS digest for MGF1 and a salt of 0 to %d bytes",
			    maxsalt);
	}
	pc = EVP_PKEY_CTX_new(k, NULL);
	if (pc == NULL || EVP_PKEY_sign_init(pc) != 1 ||
	    EVP_PKEY_CTX_set_signature_md(pc, md) != 1)
		rc = AT_E_TLS;
	else if (q->alg == KEYHOLDER_RSA_PKCS1 &&
	    EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PADDING) != 1)
		rc = AT_E_TLS;
	else if (q->alg == KEYHOLDER_RSA_PSS &&
	    (EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PSS_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(pc, mgf1) != 1 ||
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pc, q->saltlen) != 1))
		rc = AT_E_TLS;
	else if (EVP_PKEY_sign(pc, sig, siglen, tbs, tbslen) != 1)
		rc = AT_E_TLS;
	EVP_PKEY_CTX_free(pc);
	if (rc != AT_OK)
		return at_err_ssl(err, rc, "signing failed");
	return AT_OK;
}

static enum at_rc
sign_message(EVP_PKEY *k, const struct kh_req *q, const unsigned char *tbs, size_t tbslen,
    unsigned char *sig, size_t *siglen, struct at_err *err)
{
	EVP_MD_CTX *mc;
	int ok;

	if (!EVP_PKEY_is_a(k, "ED25519") || q->md_nid != NID_undef)
		return at_err_setx(err, AT_E_INPUT, "only an Ed25519 key signs a whole message");
	if (tbslen > KEYHOLDER_MAX_TBS)
		return at_err_setx(err, AT_E_TOOBIG, "an Ed25519 message of %zu bytes exceeds %d",
		    tbslen, KEYHOLDER_MAX_TBS);
	mc = EVP_MD_CTX_new();
	ok = mc != NULL && EVP_DigestSignInit(mc, NULL, NULL, NULL, k) == 1 &&
	    EVP_DigestSign(mc, sig, siglen, tbs, tbslen) == 1;
	EVP_MD_CTX_free(mc);
	return ok ? AT_OK : at_err_ssl(err, AT_E_TLS, "Ed25519 signing failed");
}

static enum at_rc
sign(const struct kh_req *q, const unsigned char *tbs, size_t tbslen, unsigned char *sig,
    size_t *siglen, struct at_err *err)
{
	EVP_PKEY *k = find_key(q->key_id);
	enum at_rc rc;

	if (k == NULL)
		return at_err_setx(err, AT_E_NOTFOUND, "the keyholder holds no key %u", q->key_id);
	if ((size_t)EVP_PKEY_get_size(k) > *siglen)
		rc = at_err_setx(err, AT_E_TOOBIG, "the signature would exceed %zu bytes", *siglen);
	else if (q->alg == KEYHOLDER_ED25519)
		rc = sign_message(k, q, tbs, tbslen, sig, siglen, err);
	else
		rc = sign_digest(k, q, tbs, tbslen, sig, siglen, err);
	EVP_PKEY_free(k);
	return rc;
}

static int
reply(int sock, enum at_rc rc, uint32_t value, const void *data, size_t len,
    const struct at_err *err)
{
	struct kh_rep rep;
	struct at_err e2;

	memset(&rep, 0, sizeof(rep));
	rep.rc = (int32_t)rc;
	rep.value = value;
	if (rc != AT_OK) {
		data = err->msg;
		len = strlen(err->msg);
	}
	rep.len = (uint32_t)len;
	if (kh_send(sock, &rep, sizeof(rep), data, len, -1, &e2) != AT_OK)
		return -1;
	return 0;
}

/*
 * One request from a channel.  Returns -1 when the channel must be closed
 * (gone, or said something that is not a SIGN).
 */
static int
serve_channel(int sock, unsigned char *msg)
{
	struct kh_req q;
	struct at_err err;
	unsigned char sig[KEYHOLDER_MAX_SIG];
	size_t n, siglen = sizeof(sig);
	enum at_rc rc;

	at_err_clear(&err);
	rc = kh_recv(sock, msg, KH_MSG_MAX, &n, NULL, -1, &err);
	if (rc != AT_OK || n == 0)
		return -1;
	if (n < sizeof(q))
		return -1;
	memcpy(&q, msg, sizeof(q));
	if (q.op != KH_OP_SIGN || q.len != n - sizeof(q) || q.len > KEYHOLDER_MAX_TBS)
		return -1;
	rc = sign(&q, msg + sizeof(q), q.len, sig, &siglen, &err);
	ERR_clear_error();
	OPENSSL_cleanse(msg, n);
	return reply(sock, rc, 0, sig, rc == AT_OK ? siglen : 0, &err);
}

/* One request from the parent; returns the descriptor of a new channel or -1. */
static int
serve_control(int ctl, unsigned char *msg, int room)
{
	struct kh_req q;
	struct at_err err;
	size_t n;
	uint32_t id = 0;
	enum at_rc rc;
	int fd = -1;

	at_err_clear(&err);
	memset(&q, 0, sizeof(q));
	rc = kh_recv(ctl, msg, KH_MSG_MAX, &n, &fd, -1, &err);
	if (rc == AT_OK && n == 0)
		_exit(0);               /* the parent is gone, and so are we */
	if (rc != AT_OK) {
		say("control socket", &err);
		_exit(1);
	}
	if (n < sizeof(q)) {
		rc = at_err_setx(&err, AT_E_INPUT, "a request of %zu bytes", n);
	} else {
		memcpy(&q, msg, sizeof(q));
		if (q.len != n - sizeof(q))
			rc = at_err_setx(&err, AT_E_INPUT, "a request whose length lies");
		else if (q.op == KH_OP_ADD_KEY)
			rc = add_key(msg + sizeof(q), q.len, &id, &err);
		else if (q.op == KH_OP_REMOVE_KEY)
			rc = remove_key(q.key_id, &err);
		else if (q.op == KH_OP_OPEN_CHANNEL && fd >= 0 && room)
			rc = AT_OK;
		else if (q.op == KH_OP_OPEN_CHANNEL && fd >= 0)
			rc = at_err_setx(&err, AT_E_TOOBIG, "the keyholder already serves %d channels",
			    KEYHOLDER_MAX_CHANNELS);
		else
			rc = at_err_setx(&err, AT_E_INPUT, "operation %u is not one the keyholder does",
			    q.op);
		OPENSSL_cleanse(msg, n);
	}
	ERR_clear_error();
	if (rc != AT_OK && fd >= 0) {
		(void)close(fd);
		fd = -1;
	}
	if (reply(ctl, rc, id, NULL, 0, &err) != 0)
		_exit(1);
	if (rc == AT_OK && q.op != KH_OP_OPEN_CHANNEL && fd >= 0) {
		(void)close(fd);
		fd = -1;
	}
	return fd;
}

/*
 * A signer thread: the channels given to it (their descriptors arrive on
 * its wake pipe) and nothing else.  One per CPU, so that signing, which is
 * all the keyholder's work, is not limited to one CPU while the workers
 * use all of them.
 */
struct signer {
	pthread_t thread;
	int wake[2];                 /* [0] polled here, [1] written by the control loop */
	unsigned char *msg;          /* KH_MSG_MAX bytes */
	atomic_int nch;              /* channels it serves, for the control loop's choice */
};

#define KH_MAX_SIGNERS 8

static struct signer signers[KH_MAX_SIGNERS];
static int nsigners;
/* Every signer has finished starting (rseq, robust list: system calls the filter forbids). */
static pthread_barrier_t started;

static void *
signer_run(void *arg)
{
	struct signer *sg = arg;
	struct pollfd p[1 + KEYHOLDER_MAX_CHANNELS];
	nfds_t np = 1, i;
	ssize_t r;
	int fd;

	p[0].fd = sg->wake[0];
	p[0].events = POLLIN;
	(void)pthread_barrier_wait(&started);
	for (;;) {
		if (poll(p, np, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		if (p[0].revents != 0) {
			r = read(sg->wake[0], &fd, sizeof(fd));
			if (r != (ssize_t)sizeof(fd))
				_exit(1);
			if (np < 1 + KEYHOLDER_MAX_CHANNELS) {
				p[np].fd = fd;
				p[np].events = POLLIN;
				p[np].revents = 0;
				np++;
			} else {
				(void)close(fd);   /* raced past the control loop's check */
				atomic_fetch_sub(&sg->nch, 1);
			}
		}
		for (i = 1; i < np; i++) {
			if (p[i].revents == 0)
				continue;
			p[i].revents = 0;
			if (serve_channel(p[i].fd, sg->msg) != 0) {
				(void)close(p[i].fd);
				atomic_fetch_sub(&sg->nch, 1);
				p[i] = p[np - 1];
				np--;
				i--;
			}
		}
	}
	return NULL;
}

static int
start_signers(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int i;

	nsigners = cpus < 1 ? 1 : cpus > KH_MAX_SIGNERS ? KH_MAX_SIGNERS : (int)cpus;
	if (pthread_barrier_init(&started, NULL, (unsigned)nsigners + 1) != 0)
		return -1;
	for (i = 0; i < nsigners; i++) {
		atomic_init(&signers[i].nch, 0);
		signers[i].msg = malloc(KH_MSG_MAX);
		if (signers[i].msg == NULL || pipe(signers[i].wake) != 0 ||
		    pthread_create(&signers[i].thread, NULL, signer_run, &signers[i]) != 0)
			return -1;
	}
	(void)pthread_barrier_wait(&started);
	return 0;
}

void
kh_serve(int ctl)
{
	static unsigned char msg[KH_MSG_MAX];
	struct at_err err;
	int fd, i, least;

	/* Warm up what signing needs before the filter: the DRBG seeds itself. */
	if (RAND_priv_bytes(msg, 32) != 1 || RAND_bytes(msg, 32) != 1) {
		(void)at_err_ssl(&err, AT_E_TLS, "seeding the random generator");
		say("start", &err);
		_exit(1);
	}
	/* Threads first: the filter forbids clone, and covers them all (TSYNC). */
	if (start_signers() != 0) {
		(void)at_err_set(&err, AT_E_IO, "starting the signer threads");
		say("start", &err);
		_exit(1);
	}
	if (at_seccomp_allow_only(keyholder_allowed,
	    sizeof(keyholder_allowed) / sizeof(keyholder_allowed[0]), &err) != AT_OK) {
		say("sandbox", &err);
		_exit(1);
	}
	for (;;) {
		/* A new channel goes to the signer with the fewest. */
		least = 0;
		for (i = 1; i < nsigners; i++)
			if (atomic_load(&signers[i].nch) < atomic_load(&signers[least].nch))
				least = i;
		fd = serve_control(ctl, msg,
		    atomic_load(&signers[least].nch) < KEYHOLDER_MAX_CHANNELS);
		if (fd < 0)
			continue;
		atomic_fetch_add(&signers[least].nch, 1);
		if (write(signers[least].wake[1], &fd, sizeof(fd)) != (ssize_t)sizeof(fd))
			_exit(1);
	}
}
