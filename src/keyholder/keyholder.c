/*
 * keyholder.c - the parent's and the workers' side of the keyholder:
 * starting it, handing it keys, opening channels, asking for signatures
 * (see keyholder.h; the keyholder's own loop is in serve.c).
 */
#define _GNU_SOURCE /* close_range, SOCK_CLOEXEC */
#include "keyholder/keyholder.h"
#include "keyholder/proto.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/x509.h>

struct keyholder {
	int ctl;                 /* control socket; -1 once stopped */
	pid_t pid;
	pthread_mutex_t lock;    /* one request at a time on ctl */
};

/* One socket to the keyholder. */
struct chan {
	int fd;
	bool broken;             /* a reply went missing: never trust the channel again */
	pthread_mutex_t lock;    /* one request at a time on fd */
};

/* Up to one channel per CPU, so threads that sign at once are served at once. */
#define KH_POOL_MAX 8

struct keyholder_client {
	atomic_int refs;
	atomic_uint next;        /* where the next request starts looking */
	int n;
	struct chan ch[KH_POOL_MAX];
};

/*
 * One request and its reply on sock, under the caller's lock.  The reply's
 * data goes to out (cap bytes; *outlen its length).  On an error reply
 * the keyholder's message becomes err's.
 */
static enum at_rc
call(int sock, const struct kh_req *q, const void *data, int passfd, struct kh_rep *rep,
    void *out, size_t cap, size_t *outlen, struct at_err *err)
{
	unsigned char buf[sizeof(struct kh_rep) + KEYHOLDER_MAX_SIG + AT_ERR_MSG_MAX];
	size_t n;
	enum at_rc rc;

	rc = kh_send(sock, q, sizeof(*q), data, q->len, passfd, err);
	if (rc != AT_OK)
		return rc;
	rc = kh_recv(sock, buf, sizeof(buf), &n, NULL, 0, err);
	if (rc != AT_OK)
		return rc;
	if (n == 0)
		return at_err_setx(err, AT_E_IO,
		    "the keyholder closed the channel (it is gone or refused the request)");
	if (n < sizeof(*rep))
		return at_err_setx(err, AT_E_IO, "a keyholder reply of %zu bytes", n);
	memcpy(rep, buf, sizeof(*rep));
	if (rep->len != n - sizeof(*rep))
		return at_err_setx(err, AT_E_IO, "a keyholder reply whose length lies");
	if (rep->rc != AT_OK) {
		if (rep->rc > 0 || rep->rc < AT_E_INTERNAL)
			return at_err_setx(err, AT_E_IO, "a keyholder reply with code %d", rep->rc);
		return at_err_setx(err, (enum at_rc)rep->rc, "keyholder: %.*s",
		    (int)(rep->len < 512 ? rep->len : 512), (const char *)buf + sizeof(*rep));
	}
	if (rep->len > cap)
		return at_err_setx(err, AT_E_TOOBIG, "a keyholder reply of %u bytes exceeds %zu",
		    rep->len, cap);
	if (rep->len > 0)
		memcpy(out, buf + sizeof(*rep), rep->len);
	if (outlen != NULL)
		*outlen = rep->len;
	return AT_OK;
}

/* Only stdio and the control socket (moved to 3) survive into the keyholder. */
static int
keep_only(int ctl)
{
	int fd;
	long max;

	if (ctl != 3 && dup2(ctl, 3) != 3)
		return -1;
	if (close_range(4, ~0U, 0) == 0)
		return 3;
	max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = 4; fd < max; fd++)
		(void)close(fd);
	return 3;
}

enum at_rc
keyholder_start(struct keyholder **out, struct at_err *err)
{
	struct keyholder *kh;
	int sv[2];
	pid_t pid, parent;
	enum at_rc rc;

	*out = NULL;
	kh = calloc(1, sizeof(*kh));
	if (kh == NULL)
		return at_err_setx(err, AT_E_NOMEM, "no memory for the keyholder");
	if (pthread_mutex_init(&kh->lock, NULL) != 0) {
		free(kh);
		return at_err_setx(err, AT_E_INTERNAL, "pthread_mutex_init failed");
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
		(void)pthread_mutex_destroy(&kh->lock);
		free(kh);
		return at_err_set(err, AT_E_IO, "socketpair for the keyholder");
	}
	/* Loaded now, not in the child: reading openssl.cnf is an open(). */
	if (OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG | OPENSSL_INIT_ADD_ALL_DIGESTS, NULL) != 1) {
		(void)close(sv[0]);
		(void)close(sv[1]);
		(void)pthread_mutex_destroy(&kh->lock);
		free(kh);
		return at_err_ssl(err, AT_E_TLS, "initialising OpenSSL for the keyholder");
	}
	parent = getpid();
	pid = fork();
	if (pid < 0) {
		(void)close(sv[0]);
		(void)close(sv[1]);
		(void)pthread_mutex_destroy(&kh->lock);
		free(kh);
		return at_err_set(err, AT_E_IO, "fork for the keyholder");
	}
	if (pid == 0) {
		(void)signal(SIGPIPE, SIG_IGN);
		(void)signal(SIGINT, SIG_IGN);   /* a terminal's ^C is the parent's to act on */
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		if (getppid() != parent)   /* it died before the line above */
			_exit(1);
		if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
			_exit(1);
		if (keep_only(sv[1]) != 3)
			_exit(1);
		kh_serve(3);
	}
	(void)close(sv[1]);
	kh->ctl = sv[0];
	kh->pid = pid;
	rc = kh_set_timeout(kh->ctl, err);
	if (rc != AT_OK) {
		keyholder_stop(kh);
		return rc;
	}
	*out = kh;
	return AT_OK;
}

pid_t
keyholder_pid(const struct keyholder *kh)
{
	return kh->pid;
}

void
keyholder_forget_in_child(struct keyholder *kh)
{
	if (kh == NULL)
		return;
	(void)close(kh->ctl);
	free(kh);   /* the mutex is a copy; its owner destroys the original */
}

void
keyholder_stop(struct keyholder *kh)
{
	int st;

	if (kh == NULL)
		return;
	if (kh->ctl >= 0)
		(void)close(kh->ctl);
	while (waitpid(kh->pid, &st, 0) < 0 && errno == EINTR)
		;
	(void)pthread_mutex_destroy(&kh->lock);
	free(kh);
}

static enum at_rc
control(struct keyholder *kh, const struct kh_req *q, const void *data, int passfd,
    uint32_t *value, struct at_err *err)
{
	struct kh_rep rep;
	enum at_rc rc;

	if (pthread_mutex_lock(&kh->lock) != 0)
		return at_err_setx(err, AT_E_INTERNAL, "locking the keyholder control socket");
	rc = call(kh->ctl, q, data, passfd, &rep, NULL, 0, NULL, err);
	(void)pthread_mutex_unlock(&kh->lock);
	if (rc == AT_OK && value != NULL)
		*value = rep.value;
	return rc;
}

enum at_rc
keyholder_add_key(struct keyholder *kh, EVP_PKEY *key, uint32_t *key_id, struct at_err *err)
{
	PKCS8_PRIV_KEY_INFO *p8;
	unsigned char *der = NULL;
	struct kh_req q;
	enum at_rc rc;
	int len;

	*key_id = 0;
	if (!EVP_PKEY_is_a(key, "RSA") && !EVP_PKEY_is_a(key, "EC") &&
	    !EVP_PKEY_is_a(key, "ED25519"))
		return at_err_setx(err, AT_E_INPUT,
		    "the keyholder takes RSA, EC and Ed25519 keys, not %s",
		    EVP_PKEY_get0_type_name(key) != NULL ? EVP_PKEY_get0_type_name(key) : "this type");
	p8 = EVP_PKEY2PKCS8(key);
	if (p8 == NULL)
		return at_err_ssl(err, AT_E_INPUT, "the key has no private part to hand over");
	len = i2d_PKCS8_PRIV_KEY_INFO(p8, &der);
	PKCS8_PRIV_KEY_INFO_free(p8);
	if (len <= 0)
		return at_err_ssl(err, AT_E_TLS, "encoding the key as PKCS#8");
	if ((size_t)len > KEYHOLDER_MAX_DATA) {
		OPENSSL_clear_free(der, (size_t)len);
		return at_err_setx(err, AT_E_TOOBIG, "a key of %d bytes exceeds the keyholder's %d",
		    len, KEYHOLDER_MAX_DATA);
	}
	memset(&q, 0, sizeof(q));
	q.op = KH_OP_ADD_KEY;
	q.len = (uint32_t)len;
	rc = control(kh, &q, der, -1, key_id, err);
	OPENSSL_clear_free(der, (size_t)len);
	return rc;
}

enum at_rc
keyholder_remove_key(struct keyholder *kh, uint32_t key_id, struct at_err *err)
{
	struct kh_req q;

	memset(&q, 0, sizeof(q));
	q.op = KH_OP_REMOVE_KEY;
	q.key_id = key_id;
	return control(kh, &q, NULL, -1, NULL, err);
}

static void
client_close(struct keyholder_client *kc)
{
	int i;

	for (i = 0; i < kc->n; i++) {
		(void)close(kc->ch[i].fd);
		(void)pthread_mutex_destroy(&kc->ch[i].lock);
	}
	free(kc);
}

/* Adds fd (taken, also on failure) as a channel of kc. */
static enum at_rc
client_add(struct keyholder_client *kc, int fd, struct at_err *err)
{
	struct chan *c = &kc->ch[kc->n];
	enum at_rc rc;

	rc = kh_set_timeout(fd, err);
	if (rc != AT_OK) {
		(void)close(fd);
		return rc;
	}
	if (pthread_mutex_init(&c->lock, NULL) != 0) {
		(void)close(fd);
		return at_err_setx(err, AT_E_INTERNAL, "pthread_mutex_init failed");
	}
	c->fd = fd;
	c->broken = false;
	kc->n++;
	return AT_OK;
}

static struct keyholder_client *
client_new(struct at_err *err)
{
	struct keyholder_client *kc = calloc(1, sizeof(*kc));

	if (kc == NULL) {
		(void)at_err_setx(err, AT_E_NOMEM, "no memory for a keyholder channel");
		return NULL;
	}
	atomic_init(&kc->refs, 1);
	atomic_init(&kc->next, 0);
	return kc;
}

enum at_rc
keyholder_client_from_fd(int fd, struct keyholder_client **out, struct at_err *err)
{
	struct keyholder_client *kc;
	enum at_rc rc;

	*out = NULL;
	kc = client_new(err);
	if (kc == NULL) {
		(void)close(fd);
		return AT_E_NOMEM;
	}
	rc = client_add(kc, fd, err);
	if (rc != AT_OK) {
		free(kc);
		return rc;
	}
	*out = kc;
	return AT_OK;
}

enum at_rc
keyholder_client_open(struct keyholder *kh, struct keyholder_client **out, struct at_err *err)
{
	struct keyholder_client *kc;
	struct kh_req q;
	enum at_rc rc = AT_OK;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int sv[2], want, i;

	*out = NULL;
	want = cpus < 1 ? 1 : cpus > KH_POOL_MAX ? KH_POOL_MAX : (int)cpus;
	kc = client_new(err);
	if (kc == NULL)
		return AT_E_NOMEM;
	for (i = 0; i < want && rc == AT_OK; i++) {
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
			rc = at_err_set(err, AT_E_IO, "socketpair for a keyholder channel");
			break;
		}
		memset(&q, 0, sizeof(q));
		q.op = KH_OP_OPEN_CHANNEL;
		rc = control(kh, &q, NULL, sv[1], NULL, err);
		(void)close(sv[1]);
		if (rc != AT_OK)
			(void)close(sv[0]);
		else
			rc = client_add(kc, sv[0], err);
	}
	if (rc != AT_OK) {
		client_close(kc);
		return rc;
	}
	*out = kc;
	return AT_OK;
}

size_t
keyholder_client_fds(const struct keyholder_client *kc, int *out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < (size_t)kc->n && n < max; i++)
		out[n++] = kc->ch[i].fd;
	return n;
}

int
keyholder_client_channels(const struct keyholder_client *kc)
{
	return kc->n;
}

void
keyholder_client_up_ref(struct keyholder_client *kc)
{
	atomic_fetch_add(&kc->refs, 1);
}

void
keyholder_client_free(struct keyholder_client *kc)
{
	if (kc == NULL || atomic_fetch_sub(&kc->refs, 1) != 1)
		return;
	client_close(kc);
}

enum at_rc
keyholder_sign(struct keyholder_client *kc, const struct keyholder_sign_req *req,
    unsigned char *sig, size_t *siglen, struct at_err *err)
{
	struct kh_req q;
	struct kh_rep rep;
	struct chan *c;
	unsigned start;
	enum at_rc rc;
	int i;

	if (req->tbslen > KEYHOLDER_MAX_TBS)
		return at_err_setx(err, AT_E_TOOBIG, "%zu bytes to sign exceed the keyholder's %d",
		    req->tbslen, KEYHOLDER_MAX_TBS);
	memset(&q, 0, sizeof(q));
	q.op = KH_OP_SIGN;
	q.key_id = req->key_id;
	q.alg = (int32_t)req->alg;
	q.md_nid = req->md_nid;
	q.mgf1_nid = req->mgf1_nid;
	q.saltlen = req->saltlen;
	q.len = (uint32_t)req->tbslen;
	/* The first idle channel from a rotating start, else wait for that start. */
	start = atomic_fetch_add(&kc->next, 1);
	c = NULL;
	for (i = 0; i < kc->n && c == NULL; i++)
		if (pthread_mutex_trylock(&kc->ch[(start + (unsigned)i) % (unsigned)kc->n].lock) == 0)
			c = &kc->ch[(start + (unsigned)i) % (unsigned)kc->n];
	if (c == NULL) {
		c = &kc->ch[start % (unsigned)kc->n];
		if (pthread_mutex_lock(&c->lock) != 0)
			return at_err_setx(err, AT_E_INTERNAL, "locking a keyholder channel");
	}
	memset(&rep, 0, sizeof(rep));
	if (c->broken) {
		rc = at_err_setx(err, AT_E_IO, "this keyholder channel failed earlier");
	} else {
		rc = call(c->fd, &q, req->tbs, -1, &rep, sig, *siglen, siglen, err);
		/* Transport failures poison the channel; refusals do not. */
		if (rc == AT_E_IO || rc == AT_E_BUSY || (rc == AT_E_TOOBIG && rep.rc == AT_OK))
			c->broken = true;
	}
	(void)pthread_mutex_unlock(&c->lock);
	return rc;
}
