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
#include <stdio.h>
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
	SYS_brk, SYS_mmap, SYS_munmap, SYS_mremap, SYS_madvise,
	SYS_futex, SYS_getpid, SYS_getrandom, SYS_clock_gettime, SYS_gettimeofday,
	SYS_rt_sigprocmask, SYS_rt_sigreturn, SYS_restart_syscall,
	SYS_exit, SYS_exit_group,
};

struct held {
	uint32_t id;           /* 0: free slot */
	EVP_PKEY *key;
};

static struct held keys[KEYHOLDER_MAX_KEYS];
static uint32_t next_id;

static void
say(const char *what, const struct at_err *err)
{
	char line[AT_ERR_MSG_MAX + 64];
	int n;

	n = snprintf(line, sizeof(line), "attls keyholder: %s: %s\n", what, err->msg);
	if (n > 0)
		(void)write(2, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

static EVP_PKEY *
find_key(uint32_t id)
{
	size_t i;

	if (id == 0)
		return NULL;
	for (i = 0; i < KEYHOLDER_MAX_KEYS; i++)
		if (keys[i].id == id)
			return keys[i].key;
	return NULL;
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
	for (i = 0; i < KEYHOLDER_MAX_KEYS; i++)
		if (keys[i].id == 0)
			break;
	if (i == KEYHOLDER_MAX_KEYS) {
		EVP_PKEY_free(k);
		return at_err_setx(err, AT_E_TOOBIG, "the keyholder already holds %d keys",
		    KEYHOLDER_MAX_KEYS);
	}
	/* Ids are never reused, so a stale id cannot name another key. */
	if (++next_id == 0)
		next_id = 1;
	keys[i].id = next_id;
	keys[i].key = k;
	*id = next_id;
	return AT_OK;
}

static enum at_rc
remove_key(uint32_t id, struct at_err *err)
{
	size_t i;

	for (i = 0; i < KEYHOLDER_MAX_KEYS; i++) {
		if (id != 0 && keys[i].id == id) {
			EVP_PKEY_free(keys[i].key);
			keys[i].id = 0;
			keys[i].key = NULL;
			return AT_OK;
		}
	}
	return at_err_setx(err, AT_E_NOTFOUND, "the keyholder holds no key %u", id);
}

/* The digests a TLS 1.2/1.3 signature may use; anything else is refused. */
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

	if (k == NULL)
		return at_err_setx(err, AT_E_NOTFOUND, "the keyholder holds no key %u", q->key_id);
	if ((size_t)EVP_PKEY_get_size(k) > *siglen)
		return at_err_setx(err, AT_E_TOOBIG, "the signature would exceed %zu bytes", *siglen);
	if (q->alg == KEYHOLDER_ED25519)
		return sign_message(k, q, tbs, tbslen, sig, siglen, err);
	return sign_digest(k, q, tbs, tbslen, sig, siglen, err);
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

void
kh_serve(int ctl)
{
	static unsigned char msg[KH_MSG_MAX];
	struct pollfd p[1 + KEYHOLDER_MAX_CHANNELS];
	struct at_err err;
	nfds_t np = 1, i;
	int r, fd;

	/* Warm up what signing needs before the filter: the DRBG seeds itself. */
	if (RAND_priv_bytes(msg, 32) != 1 || RAND_bytes(msg, 32) != 1) {
		(void)at_err_ssl(&err, AT_E_TLS, "seeding the random generator");
		say("start", &err);
		_exit(1);
	}
	if (at_seccomp_allow_only(keyholder_allowed,
	    sizeof(keyholder_allowed) / sizeof(keyholder_allowed[0]), &err) != AT_OK) {
		say("sandbox", &err);
		_exit(1);
	}
	p[0].fd = ctl;
	p[0].events = POLLIN;
	for (;;) {
		r = poll(p, np, -1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			_exit(1);
		if (p[0].revents != 0) {
			fd = serve_control(ctl, msg, np < 1 + KEYHOLDER_MAX_CHANNELS);
			if (fd >= 0) {
				p[np].fd = fd;
				p[np].events = POLLIN;
				p[np].revents = 0;
				np++;
			}
		}
		for (i = 1; i < np; i++) {
			if (p[i].revents == 0)
				continue;
			p[i].revents = 0;
			if (serve_channel(p[i].fd, msg) != 0) {
				(void)close(p[i].fd);
				p[i] = p[np - 1];
				np--;
				i--;
			}
		}
	}
}
