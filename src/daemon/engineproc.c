/*
 * engineproc.c - the TLS engine process and the parent's side of it (see
 * engineproc.h).
 *
 * The parent writes to the engine from its main thread and from the
 * builder thread; a link message is one sendmsg on a SOCK_SEQPACKET
 * socket, so whole messages never interleave.  Requests that want an
 * answer (a generation, an environment) go on their own socket under
 * req_lock, so an answer is never mistaken for anything else.
 */
#define _GNU_SOURCE
#include "daemon/engineproc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "daemon/bundle.h"
#include "daemon/conntab.h"
#include "daemon/daemon.h"
#include "daemon/envspec.h"
#include "daemon/ezd.h"
#include "daemon/log.h"
#include "daemon/sandbox.h"
#include "daemon/worker.h"
#include "engine/conn.h"
#include "engine/ktls.h"
#include "engine/proxykey.h"
#include "engine/sesscache.h"
#include "engine/tlsctx.h"
#include "keyholder/keyholder.h"
#include "saf/usermap.h"

/* How long the parent waits for the engine to load a policy or build an
 * environment: far longer than either takes, short enough to notice a
 * hung engine. */
#define REQ_TIMEOUT_MS 30000
/* How long a stopping engine may take to end its connections. */
#define STOP_TIMEOUT_MS 5000
/* Socket buffers of the links: bursts of updates must not block workers. */
#define LINK_BUF (4 * 1024 * 1024)

static uint64_t
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void
big_buffers(int fd)
{
	int n = LINK_BUF;

	/* FORCE passes the system's ceiling as root; otherwise the ceiling. */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &n, sizeof(n)) != 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &n, sizeof(n));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &n, sizeof(n)) != 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &n, sizeof(n));
}

/* ======================================================================
 * The engine process
 * ====================================================================== */

struct egen {
	struct attlsd_gen *gen;
	struct egen *next;
};

struct eng {
	int req_fd, async_fd;
	struct keyholder_client *kc;
	struct attlsd_conntab table;
	struct attlsd_worker *workers;
	size_t nworkers, rr;
	struct egen *gens;
	unsigned char *buf;
};

static struct attlsd_gen *
find_gen(struct eng *e, uint64_t id)
{
	struct egen *g;

	for (g = e->gens; g != NULL; g = g->next)
		if (g->gen->id == id)
			return g->gen;
	return NULL;
}

static void
reply(struct eng *e, enum at_rc rc, int sslrc, const struct at_err *err)
{
	struct link_reply r;
	struct at_err e2;

	memset(&r, 0, sizeof(r));
	r.rc = (int32_t)rc;
	r.sslrc = sslrc;
	if (rc != AT_OK)
		(void)snprintf(r.msg, sizeof(r.msg), "%s", err->msg);
	if (link_send(e->req_fd, LINK_REPLY, &r, sizeof(r), NULL, 0, NULL, 0, &e2) != AT_OK)
		return; /* the parent is gone: the loop ends on the next read */
}

static void
on_gen(struct eng *e, const struct link_gen *m, int fd)
{
	struct attlsd_gen *g = NULL;
	struct egen *eg;
	struct at_err err;
	enum at_rc rc;

	rc = attlsd_bundle_load(fd, m->gen_id, &g, &err);
	if (rc == AT_OK) {
		eg = calloc(1, sizeof(*eg));
		if (eg == NULL) {
			attlsd_gen_unref(g);
			rc = at_err_setx(&err, AT_E_NOMEM, "out of memory");
		} else {
			g->installed = (time_t)m->installed;
			eg->gen = g;
			eg->next = e->gens;
			e->gens = eg;
		}
	}
	reply(e, rc, 0, &err);
}

static void
on_gen_drop(struct eng *e, const struct link_gen *m)
{
	struct egen **pp, *eg;

	for (pp = &e->gens; *pp != NULL; pp = &(*pp)->next) {
		if ((*pp)->gen->id == m->gen_id) {
			eg = *pp;
			*pp = eg->next;
			attlsd_gen_unref(eg->gen); /* connections keep their own */
			free(eg);
			return;
		}
	}
}

static void
on_env(struct eng *e, struct link_env *m, int fd)
{
	struct engine_creds c;
	struct attlsd_gen *g = find_gen(e, m->gen_id);
	const struct policy_rule *rule;
	struct at_buf in;
	struct at_err err;
	SSL_CTX *ctx = NULL;
	int sslrc = 0;
	enum at_rc rc;

	LINK_TERMINATE(m->userid);
	memset(&c, 0, sizeof(c));
	rule = g != NULL ? policy_set_rule(g->set, m->rule) : NULL;
	if (rule == NULL) {
		reply(e, at_err_setx(&err, AT_E_INTERNAL, "the TLS engine has no rule %u in "
		    "policy generation %llu", m->rule, (unsigned long long)m->gen_id), 0, &err);
		return;
	}
	at_buf_init(&in, 64u * 1024u * 1024u);
	rc = attlsd_read_all(fd, in.max, &in, &err);
	if (rc == AT_OK)
		rc = attlsd_envspec_read(&in, e->kc, &c, &err);
	if (rc == AT_OK) {
		rc = engine_tlsctx_build(rule->actions, &c, &ctx, &sslrc, &err);
		attlsd_envspec_free(&c);
	}
	if (rc == AT_OK) {
		rc = attlsd_gen_add_env(g, rule, m->userid, m->envid, m->grpid, ctx, &err);
		if (rc != AT_OK)
			SSL_CTX_free(ctx);
	}
	at_buf_free(&in);
	reply(e, rc, sslrc, &err);
}

/* A client end resumes the last session this environment had with the
 * same server, when it has one (engine/sesscache.h). */
static void
offer_session(SSL *ssl, const struct ctl_addrs *addrs)
{
	struct sockaddr_in6 peer;

	memset(&peer, 0, sizeof(peer));
	peer.sin6_family = AF_INET6;
	memcpy(&peer.sin6_addr, addrs->raddr, 16);
	peer.sin6_port = htons(addrs->rport);
	(void)engine_sesscache_offer(ssl, (const struct sockaddr *)&peer, sizeof(peer));
}

/* Tells the parent that connection id ended before it started. */
static void
gone_now(struct eng *e, uint32_t id)
{
	struct link_gone g;
	struct at_err err;

	memset(&g, 0, sizeof(g));
	g.u.id = id;
	g.u.so_error = ECONNRESET;
	g.u.state = (uint8_t)ENGINE_FAILED;
	if (link_send(e->async_fd, LINK_GONE, &g, sizeof(g), NULL, 0, NULL, 0, &err) != AT_OK)
		return;
}

/* fds: TCP, engine's end, [program's end, client]; all taken. */
static void
on_new(struct eng *e, struct link_new *m, int *fds, size_t nfds)
{
	struct attlsd_gen *g = find_gen(e, m->gen_id);
	const struct policy_rule *rule = g != NULL ? policy_set_rule(g->set, m->rule) : NULL;
	const struct attlsd_env *env = g != NULL ? attlsd_gen_find_env(g, m->envid) : NULL;
	struct engine_conn *eng = NULL;
	struct attlsd_conn *c = NULL;
	struct at_err err;
	SSL *ssl = NULL;
	const char *why = "the TLS engine lacks its environment";

	LINK_TERMINATE(m->jobname);
	LINK_TERMINATE(m->userid);
	if (rule == NULL || env == NULL || nfds != (m->reply_cookie != 0 ? 4u : 2u))
		goto fail;
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		why = "out of memory";
		goto fail;
	}
	c->id = m->id;
	c->app_ino = (ino_t)m->app_ino;
	c->dir = m->dir;
	c->addrs = m->addrs;
	memcpy(c->jobname, m->jobname, sizeof(c->jobname));
	memcpy(c->userid, m->userid, sizeof(c->userid));
	c->rule = rule;
	c->env = env;
	c->gen = g;
	attlsd_gen_ref(g);
	c->trace = rule->actions->trace;
	c->state = ENGINE_HANDSHAKING;
	c->reply_fd = -1;
	c->pending_app_fd = -1;
	c->app_controlled = m->reply_cookie != 0;
	if (engine_tls_new(env->ctx, rule->actions, &ssl, &err) != AT_OK) {
		why = err.msg;
		goto fail;
	}
	if (m->has_resume)
		offer_session(ssl, &m->resume);
	if (!m->app_controlled) {
		engine_tls_stream(ssl);
		if (m->ktls)
			engine_ktls_allow(ssl);
	}
	/* engine_conn_new owns the engine's end, the TCP socket and ssl. */
	if (engine_conn_new(fds[1], fds[0], ssl, &eng, &err) != AT_OK) {
		fds[0] = fds[1] = -1;
		why = err.msg;
		goto fail;
	}
	fds[0] = fds[1] = -1;
	c->engine = eng;
	if (m->connecting)
		engine_conn_set_connecting(eng);
	if (m->handshake_ms > 0)
		c->deadline_ms = now_ms() + m->handshake_ms;
	if (m->reply_cookie != 0) {
		c->pending_app_fd = fds[2];
		c->reply_fd = fds[3];
		c->reply_cookie = m->reply_cookie;
		fds[2] = fds[3] = -1;
	}
	attlsd_conntab_insert(&e->table, c);
	c->worker = (unsigned)(e->rr++ % e->nworkers);
	attlsd_worker_give(&e->workers[c->worker], c);
	return;
fail:
	if (ssl != NULL && eng == NULL)
		SSL_free(ssl);
	if (c != NULL) {
		c->state = ENGINE_FAILED;
		ezd_conn_error(c, 6001, "Initial Handshake", why);
		attlsd_conn_free(c);
	} else {
		attlsd_log(LOG_ERR, false, "attlsd: CONNID %08X: %s", m->id, why);
	}
	link_close_fds(fds, nfds);
	gone_now(e, m->id);
}

/* The worker of connection id, or 0 (which answers "no such connection"). */
static unsigned
worker_of(struct eng *e, uint32_t id)
{
	struct attlsd_conn *c;
	unsigned w = 0;

	(void)pthread_mutex_lock(&e->table.lock);
	for (c = e->table.head; c != NULL; c = c->next)
		if (c->id == id) {
			w = c->worker;
			break;
		}
	(void)pthread_mutex_unlock(&e->table.lock);
	return w < e->nworkers ? w : 0;
}

/* Handles one message; false to stop. */
static bool
engine_dispatch(struct eng *e, int sock)
{
	struct link_hdr h;
	int fds[LINK_MAX_FDS];
	size_t len, nfds, body;
	struct at_err err;
	enum at_rc rc;

	rc = link_recv(sock, e->buf, &len, fds, &nfds, &err);
	if (rc == AT_E_BUSY)
		return true;
	if (rc != AT_OK)
		return false;
	memcpy(&h, e->buf, sizeof(h));
	body = len - sizeof(h);
	switch (h.type) {
	case LINK_GEN:
		if (body == sizeof(struct link_gen) && nfds == 1) {
			struct link_gen m;

			memcpy(&m, e->buf + sizeof(h), sizeof(m));
			on_gen(e, &m, fds[0]);
		} else {
			/* The parent waits for an answer: it gets one. */
			reply(e, at_err_setx(&err, AT_E_IO, "the policy arrived without its "
			    "files (the TLS engine may be out of descriptors)"), 0, &err);
		}
		break;
	case LINK_GEN_DROP:
		if (body == sizeof(struct link_gen)) {
			struct link_gen m;

			memcpy(&m, e->buf + sizeof(h), sizeof(m));
			on_gen_drop(e, &m);
		}
		break;
	case LINK_ENV:
		if (body == sizeof(struct link_env) && nfds == 1) {
			struct link_env m;

			memcpy(&m, e->buf + sizeof(h), sizeof(m));
			on_env(e, &m, fds[0]);
		} else {
			reply(e, at_err_setx(&err, AT_E_IO, "an environment arrived without its "
			    "certificates (the TLS engine may be out of descriptors)"), 202, &err);
		}
		break;
	case LINK_NEW:
		if (body == sizeof(struct link_new)) {
			struct link_new m;

			memcpy(&m, e->buf + sizeof(h), sizeof(m));
			on_new(e, &m, fds, nfds);
			nfds = 0;
		}
		break;
	case LINK_CMD:
		if (body == sizeof(struct link_cmd) && nfds == 1) {
			struct link_cmd m;

			memcpy(&m, e->buf + sizeof(h), sizeof(m));
			(void)attlsd_worker_command(&e->workers[worker_of(e, m.id)], m.id,
			    m.req_type, fds[0], m.cookie);
			nfds = 0;
		} else {
			attlsd_log(LOG_ERR, false, "attlsd: a control request for a connection "
			    "reached the TLS engine without the program's socket; not answered");
		}
		break;
	case LINK_MAPPED:
		if (body == sizeof(struct link_mapped)) {
			struct link_mapped m;

			memcpy(&m, e->buf + sizeof(h), sizeof(m));
			LINK_TERMINATE(m.user);
			LINK_TERMINATE(m.reason);
			(void)attlsd_worker_mapped(&e->workers[worker_of(e, m.id)], m.id, m.user,
			    m.reason);
		}
		break;
	case LINK_STOP:
		link_close_fds(fds, nfds);
		return false;
	default:
		break;
	}
	link_close_fds(fds, nfds);
	return true;
}

/* Everything a sandboxed process can no longer load is loaded now. */
static enum at_rc
warm_up(struct at_err *err)
{
	SSL_CTX *ctx;

	if (OPENSSL_init_ssl(OPENSSL_INIT_LOAD_CONFIG, NULL) != 1)
		return at_err_ssl(err, AT_E_TLS, "initialising OpenSSL");
	ctx = SSL_CTX_new(TLS_method());
	if (ctx == NULL)
		return at_err_ssl(err, AT_E_TLS, "initialising OpenSSL");
	SSL_CTX_free(ctx);
	return engine_proxykey_init(err);
}

/*
 * glibc reads /proc/sys/vm/overcommit_memory the first time it shrinks a
 * thread's own malloc arena, and keeps the answer; under the sandbox that
 * open would kill the engine.  So a thread of its own allocates and frees
 * well over the trim threshold now, which makes glibc shrink its arena
 * and read the file, before the filter is in place.  (One arena for all
 * threads would avoid the read too, at the cost of a lock every worker
 * takes on every allocation.)
 */
static void *
malloc_churn(void *arg)
{
	void *p[16];
	size_t i;

	(void)arg;
	for (i = 0; i < 16; i++)
		p[i] = malloc(96 * 1024);
	for (i = 16; i-- > 0; )
		free(p[i]);
	return NULL;
}

static int
settle_malloc(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, malloc_churn, NULL) != 0)
		return -1;
	return pthread_join(t, NULL) == 0 ? 0 : -1;
}

static int
engine_main(int req_fd, int async_fd, int log_fd, struct keyholder_client *kc,
    const struct attlsd_engine_opts *o)
{
	struct eng e;
	struct pollfd pf[2];
	struct at_err err;
	bool go = true;
	size_t i;

	memset(&e, 0, sizeof(e));
	e.req_fd = req_fd;
	e.async_fd = async_fd;
	e.kc = kc;
	attlsd_gen_set_remote(NULL);
	attlsd_log_forward(log_fd);
	/* The parent decides when the engine ends (LINK_STOP), and the engine
	 * never outlives it. */
	(void)signal(SIGHUP, SIG_IGN);
	(void)signal(SIGINT, SIG_IGN);
	(void)signal(SIGTERM, SIG_IGN);
	(void)signal(SIGPIPE, SIG_IGN);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || getppid() == 1) {
		attlsd_log(LOG_ERR, false, "attlsd: the TLS engine lost its parent at start");
		return 1;
	}
	/* Its log goes to the parent; the files attlsd's standard streams
	 * name are none of the engine's business. */
	{
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(null, STDOUT_FILENO) < 0 ||
		    dup2(null, STDERR_FILENO) < 0) {
			attlsd_log(LOG_ERR, false, "attlsd: the TLS engine cannot open /dev/null");
			return 1;
		}
		if (null > STDERR_FILENO)
			(void)close(null);
	}
	if (settle_malloc() != 0) {
		attlsd_log(LOG_ERR, false, "attlsd: the TLS engine cannot prepare malloc");
		return 1;
	}
	e.buf = malloc(LINK_MAX_MSG);
	e.workers = calloc(o->nworkers, sizeof(*e.workers));
	if (e.buf == NULL || e.workers == NULL ||
	    attlsd_conntab_init(&e.table, &err) != AT_OK || warm_up(&err) != AT_OK) {
		attlsd_log(LOG_ERR, false, "attlsd: the TLS engine cannot start: %s",
		    e.buf == NULL || e.workers == NULL ? "out of memory" : err.msg);
		return 1;
	}
	for (i = 0; i < o->nworkers; i++) {
		if (attlsd_worker_start(&e.workers[i], &e.table, async_fd, &err) != AT_OK) {
			attlsd_log(LOG_ERR, false, "attlsd: the TLS engine cannot start: %s",
			    err.msg);
			return 1;
		}
		e.nworkers++;
	}
	/* From here on: no file, no socket, no program, no way back to root. */
	if (getuid() == 0 ? attlsd_sandbox_enter(o->uid, o->gid, &err) != AT_OK :
	    attlsd_sandbox_filter(&err) != AT_OK) {
		attlsd_log(LOG_ERR, false, "attlsd: the TLS engine cannot enter its sandbox: %s",
		    err.msg);
		return 1;
	}
	pf[0].fd = req_fd;
	pf[1].fd = async_fd;
	pf[0].events = pf[1].events = POLLIN;
	while (go) {
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pf[0].revents != 0)
			go = engine_dispatch(&e, req_fd);
		if (go && pf[1].revents != 0)
			go = engine_dispatch(&e, async_fd);
	}
	for (i = 0; i < e.nworkers; i++)
		attlsd_worker_stop(&e.workers[i]);
	return 0;
}

/* ======================================================================
 * The parent's side
 * ====================================================================== */

/* Waits for the engine's answer to a request; the caller holds req_lock. */
static enum at_rc
wait_reply(struct attlsd_engine *e, int *sslrc, struct at_err *err)
{
	unsigned char buf[sizeof(struct link_hdr) + sizeof(struct link_reply)];
	unsigned char *big = NULL;
	struct pollfd pf = { .fd = e->req_fd, .events = POLLIN };
	struct link_reply r;
	struct link_hdr h;
	int fds[LINK_MAX_FDS];
	size_t len, nfds;
	enum at_rc rc;
	int n;

	do
		n = poll(&pf, 1, REQ_TIMEOUT_MS);
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		e->lost = true;
		return at_err_setx(err, AT_E_IO, "the TLS engine did not answer within %d s",
		    REQ_TIMEOUT_MS / 1000);
	}
	big = malloc(LINK_MAX_MSG);
	if (big == NULL)
		return at_err_setx(err, AT_E_NOMEM, "out of memory");
	rc = link_recv(e->req_fd, big, &len, fds, &nfds, err);
	if (rc == AT_OK) {
		link_close_fds(fds, nfds);
		memcpy(&h, big, sizeof(h));
		if (h.type != LINK_REPLY || len != sizeof(buf)) {
			(void)at_err_setx(err, AT_E_IO, "a malformed answer from the TLS engine");
			rc = AT_E_IO;
		} else {
			memcpy(&r, big + sizeof(h), sizeof(r));
		}
	}
	free(big);
	if (rc != AT_OK) {
		e->lost = true;
		return rc;
	}
	LINK_TERMINATE(r.msg);
	*sslrc = r.sslrc;
	if (r.rc == AT_OK)
		return AT_OK;
	/* The codes are negative; anything else from the engine is a bug. */
	return at_err_setx(err, r.rc < AT_OK && r.rc >= AT_E_INTERNAL ? (enum at_rc)r.rc :
	    AT_E_INTERNAL, "%s", r.msg);
}

static enum at_rc
request(struct attlsd_engine *e, enum link_type type, const void *body, size_t blen, int fd,
    int *sslrc, struct at_err *err)
{
	enum at_rc rc;
	int dummy = 0;

	if (e->lost)
		return at_err_setx(err, AT_E_IO, "the TLS engine is gone");
	(void)pthread_mutex_lock(&e->req_lock);
	rc = link_send(e->req_fd, type, body, blen, NULL, 0, &fd, 1, err);
	if (rc == AT_OK)
		rc = wait_reply(e, sslrc != NULL ? sslrc : &dummy, err);
	else
		e->lost = true;
	(void)pthread_mutex_unlock(&e->req_lock);
	return rc;
}

enum at_rc
attlsd_engine_gen(struct attlsd_engine *e, const struct attlsd_bundle *b, uint64_t id,
    struct at_err *err)
{
	struct link_gen m = { .gen_id = id, .installed = (uint64_t)time(NULL) };
	enum at_rc rc;
	int fd;

	rc = attlsd_bundle_to_fd(b, &fd, err);
	if (rc != AT_OK)
		return rc;
	rc = request(e, LINK_GEN, &m, sizeof(m), fd, NULL, err);
	(void)close(fd);
	if (rc != AT_OK)
		at_err_prefix(err, "the TLS engine could not load the policy");
	return rc;
}

static void
forget_keys(struct attlsd_engine *e, uint32_t *ids, size_t n)
{
	struct at_err err;
	size_t i;

	for (i = 0; i < n; i++)
		if (ids[i] != 0 && keyholder_remove_key(e->kh, ids[i], &err) != AT_OK)
			attlsd_log(LOG_WARNING, false, "attlsd: the keyholder did not forget key "
			    "%u: %s", ids[i], err.msg);
}

static enum at_rc
remote_build(void *arg, struct attlsd_gen *g, const struct policy_rule *rule,
    struct attlsd_env *env, const struct engine_creds *c, int *sslrc, struct at_err *err)
{
	struct attlsd_engine *e = arg;
	uint32_t ids[ATTLSD_ENV_MAX_KEYS] = { 0 };
	struct link_env m;
	struct at_buf out;
	enum at_rc rc = AT_OK;
	size_t i, n = 0;
	int fd = -1;

	*sslrc = 0;
	if (c->key != NULL) {
		rc = keyholder_add_key(e->kh, c->key, &ids[0], err);
		n = 1;
	}
	for (i = 0; rc == AT_OK && i < c->nmore && i + 1 < ATTLSD_ENV_MAX_KEYS; i++) {
		rc = keyholder_add_key(e->kh, c->more_keys[i], &ids[1 + i], err);
		n = 2 + i;
	}
	if (rc != AT_OK) {
		/* A key the keyholder refuses (a type it cannot hold) cannot
		 * be used: the environment fails as a bad key would. */
		*sslrc = 428;
		forget_keys(e, ids, n);
		return rc;
	}
	at_buf_init(&out, 64u * 1024u * 1024u);
	rc = attlsd_envspec_write(c, ids, &out, err);
	if (rc == AT_OK)
		rc = attlsd_memfd("attls-env", out.data, out.len, &fd, err);
	at_buf_free(&out);
	if (rc == AT_OK) {
		memset(&m, 0, sizeof(m));
		m.gen_id = g->id;
		m.rule = (uint32_t)rule->order;
		m.envid = env->envid;
		m.grpid = env->grpid;
		(void)snprintf(m.userid, sizeof(m.userid), "%s", env->userid);
		rc = request(e, LINK_ENV, &m, sizeof(m), fd, sslrc, err);
		(void)close(fd);
	}
	if (rc != AT_OK) {
		forget_keys(e, ids, n);
		return rc;
	}
	memcpy(env->key_ids, ids, sizeof(ids));
	env->nkeys = n;
	return AT_OK;
}

static void
remote_forget(void *arg, struct attlsd_env *env)
{
	forget_keys(arg, env->key_ids, env->nkeys);
	env->nkeys = 0;
}

static void
remote_gen_freed(void *arg, uint64_t gen_id)
{
	struct attlsd_engine *e = arg;
	struct link_gen m = { .gen_id = gen_id };
	struct at_err err;

	if (!e->lost && link_send(e->async_fd, LINK_GEN_DROP, &m, sizeof(m), NULL, 0, NULL, 0,
	    &err) != AT_OK)
		e->lost = true;
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/*
 * In the engine, before anything else: closes every descriptor but the
 * standard streams, its three links and its keyholder channels, whatever
 * attlsd's starter left open (a log file, a terminal, a pipe).
 */
static void
close_others(int req_fd, int async_fd, int log_fd, const struct keyholder_client *kc)
{
	int keep[3 + 8 + 1];
	size_t n = 0, i;
	unsigned int from = 3;

	keep[n++] = req_fd;
	keep[n++] = async_fd;
	keep[n++] = log_fd;
	n += keyholder_client_fds(kc, keep + n, 8);
	qsort(keep, n, sizeof(keep[0]), cmp_int);
	for (i = 0; i < n; i++) {
		if (keep[i] < 3 || (unsigned int)keep[i] < from)
			continue;
		if ((unsigned int)keep[i] > from)
			(void)close_range(from, (unsigned int)keep[i] - 1, 0);
		from = (unsigned int)keep[i] + 1;
	}
	(void)close_range(from, ~0u, 0);
}

enum at_rc
attlsd_engine_start(struct attlsd_engine *e, const struct attlsd_engine_opts *o,
    struct at_err *err)
{
	int req[2] = { -1, -1 }, as[2] = { -1, -1 }, lg[2] = { -1, -1 };
	struct keyholder_client *kc = NULL;
	enum at_rc rc;
	pid_t pid;

	memset(e, 0, sizeof(e[0]));
	e->req_fd = e->async_fd = e->log_fd = -1;
	if (pthread_mutex_init(&e->req_lock, NULL) != 0)
		return at_err_setx(err, AT_E_NOMEM, "cannot create a lock");
	e->buf = malloc(LINK_MAX_MSG);
	if (e->buf == NULL)
		return at_err_setx(err, AT_E_NOMEM, "out of memory");
	rc = keyholder_start(&e->kh, err);
	if (rc != AT_OK)
		return rc;
	rc = keyholder_client_open(e->kh, &kc, err);
	if (rc != AT_OK)
		return rc;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, req) != 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, as) != 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, lg) != 0) {
		rc = at_err_set(err, AT_E_IO, "socketpair for the TLS engine");
		goto fail;
	}
	big_buffers(as[0]);
	big_buffers(as[1]);
	big_buffers(lg[0]);
	big_buffers(lg[1]);
	pid = fork();
	if (pid < 0) {
		rc = at_err_set(err, AT_E_IO, "starting the TLS engine (fork)");
		goto fail;
	}
	if (pid == 0) {
		(void)close(req[0]);
		(void)close(as[0]);
		(void)close(lg[0]);
		keyholder_forget_in_child(e->kh);
		close_others(req[1], as[1], lg[1], kc);
		_exit(engine_main(req[1], as[1], lg[1], kc, o));
	}
	keyholder_client_free(kc);
	(void)close(req[1]);
	(void)close(as[1]);
	(void)close(lg[1]);
	e->pid = pid;
	e->req_fd = req[0];
	e->async_fd = as[0];
	e->log_fd = lg[0];
	e->remote.build = remote_build;
	e->remote.forget = remote_forget;
	e->remote.gen_freed = remote_gen_freed;
	e->remote.arg = e;
	attlsd_gen_set_remote(&e->remote);
	attlsd_log(LOG_INFO, false, "attlsd: keyholder is process %ld; TLS engine is process "
	    "%ld with %zu workers, as %s", (long)keyholder_pid(e->kh), (long)pid, o->nworkers,
	    getuid() == 0 ? o->user : "attlsd's own user (attlsd is not root)");
	return AT_OK;
fail:
	keyholder_client_free(kc);
	if (req[0] >= 0) {
		(void)close(req[0]);
		(void)close(req[1]);
	}
	if (as[0] >= 0) {
		(void)close(as[0]);
		(void)close(as[1]);
	}
	if (lg[0] >= 0) {
		(void)close(lg[0]);
		(void)close(lg[1]);
	}
	return rc;
}

enum at_rc
attlsd_engine_new(struct attlsd_engine *e, const struct link_new *n, const int *fds,
    size_t nfds, struct at_err *err)
{
	if (e->lost)
		return at_err_setx(err, AT_E_IO, "the TLS engine is gone");
	return link_send(e->async_fd, LINK_NEW, n, sizeof(*n), NULL, 0, fds, nfds, err);
}

enum at_rc
attlsd_engine_command(struct attlsd_engine *e, uint32_t id, uint32_t req_type,
    int client_fd, uint32_t cookie, struct at_err *err)
{
	struct link_cmd m = { .id = id, .req_type = req_type, .cookie = cookie };

	if (e->lost)
		return at_err_setx(err, AT_E_IO, "the TLS engine is gone");
	return link_send(e->async_fd, LINK_CMD, &m, sizeof(m), NULL, 0, &client_fd, 1, err);
}

/* The user a client certificate maps to, for the engine (link_map). */
static void
answer_map(struct attlsd *d, uint32_t id, const unsigned char *der, size_t len)
{
	struct attlsd_engine *e = &d->engine;
	struct link_mapped m;
	struct at_err err;

	memset(&m, 0, sizeof(m));
	m.id = id;
	(void)snprintf(m.reason, sizeof(m.reason), "no security database is available");
	if (d->db != NULL && saf_usermap_cert(d->db, der, len, m.user, m.reason,
	    &err) != AT_OK) {
		/* A reason longer than the message holds is cut. */
		(void)snprintf(m.reason, sizeof(m.reason), "%.255s", err.msg);
		m.user[0] = '\0';
	}
	if (link_send(e->async_fd, LINK_MAPPED, &m, sizeof(m), NULL, 0, NULL, 0, &err) != AT_OK)
		e->lost = true;
}

/* Applies one message from the engine; false for a malformed one. */
static bool
parent_dispatch(struct attlsd *d, const unsigned char *buf, size_t len)
{
	struct link_hdr h;
	size_t body;
	struct attlsd_conn *c;

	memcpy(&h, buf, sizeof(h));
	body = len - sizeof(h);
	buf += sizeof(h);
	switch (h.type) {
	case LINK_UPDATE:
	case LINK_GONE: {
		struct link_update u;

		if (body < sizeof(u) || body - sizeof(u) > LINK_MAX_DER)
			return false;
		memcpy(&u, buf, sizeof(u));
		if (u.state > ENGINE_STOPPED)
			return false;
		LINK_TERMINATE(u.protocol);
		LINK_TERMINATE(u.mapped_user);
		LINK_TERMINATE(u.peer_subject);
		c = attlsd_conntab_find_id(&d->table, u.id);
		if (c == NULL)
			return true;
		attlsd_conntab_apply(&d->table, c, &u, buf + sizeof(u), body - sizeof(u));
		if (h.type == LINK_GONE) {
			attlsd_conntab_remove(&d->table, c);
			attlsd_conn_free(c);
		}
		return true;
	}
	case LINK_MAP: {
		uint32_t id;

		if (body < sizeof(id) || body - sizeof(id) > LINK_MAX_DER)
			return false;
		memcpy(&id, buf, sizeof(id));
		answer_map(d, id, buf + sizeof(id), body - sizeof(id));
		return true;
	}
	default:
		return false;
	}
}

/* Writes the log lines the engine sent. */
static void
read_logs(struct attlsd_engine *e)
{
	int fds[LINK_MAX_FDS];
	size_t len, nfds;
	struct at_err err;
	enum at_rc rc;

	for (;;) {
		rc = link_recv(e->log_fd, e->buf, &len, fds, &nfds, &err);
		if (rc == AT_E_BUSY)
			break;
		if (rc != AT_OK) {
			e->lost = true;
			break;
		}
		link_close_fds(fds, nfds);
		if (len >= sizeof(struct link_hdr) + sizeof(struct link_log)) {
			struct link_log l;

			memcpy(&l, e->buf + sizeof(struct link_hdr), sizeof(l));
			attlsd_log_line(l.prio & (LOG_PRIMASK), l.auth != 0,
			    (const char *)e->buf + sizeof(struct link_hdr) + sizeof(l),
			    len - sizeof(struct link_hdr) - sizeof(l));
		}
	}
}

bool
attlsd_engine_read(struct attlsd *d)
{
	if (d->engine.pid == 0)
		return true;
	read_logs(&d->engine);
	return attlsd_engine_sync(d);
}

bool
attlsd_engine_sync(struct attlsd *d)
{
	struct attlsd_engine *e = &d->engine;
	int fds[LINK_MAX_FDS];
	size_t len, nfds;
	struct at_err err;
	enum at_rc rc;

	if (e->pid == 0)
		return true;
	while (!e->lost) {
		rc = link_recv(e->async_fd, e->buf, &len, fds, &nfds, &err);
		if (rc == AT_E_BUSY)
			break;
		if (rc != AT_OK) {
			attlsd_log(LOG_ERR, false, "attlsd: the TLS engine: %s", err.msg);
			e->lost = true;
			break;
		}
		/* The engine sends no descriptor; any it sent are closed. */
		link_close_fds(fds, nfds);
		if (!parent_dispatch(d, e->buf, len)) {
			attlsd_log(LOG_ERR, false, "attlsd: the TLS engine sent a malformed "
			    "message; stopping");
			e->lost = true;
		}
	}
	return !e->lost;
}

void
attlsd_engine_stop(struct attlsd_engine *e)
{
	struct at_err err;
	uint64_t until;
	int status;

	if (e->pid > 0) {
		if (link_send(e->async_fd, LINK_STOP, NULL, 0, NULL, 0, NULL, 0, &err) != AT_OK)
			(void)kill(e->pid, SIGKILL);
		until = now_ms() + STOP_TIMEOUT_MS;
		while (waitpid(e->pid, &status, WNOHANG) == 0) {
			struct timespec ts = { 0, 10 * 1000 * 1000 };

			if (now_ms() > until) {
				(void)kill(e->pid, SIGKILL);
				(void)waitpid(e->pid, &status, 0);
				break;
			}
			(void)nanosleep(&ts, NULL);
		}
		e->pid = 0;
	}
	attlsd_gen_set_remote(NULL);
	keyholder_stop(e->kh);
	e->kh = NULL;
	if (e->req_fd >= 0)
		(void)close(e->req_fd);
	if (e->async_fd >= 0)
		(void)close(e->async_fd);
	if (e->log_fd >= 0)
		(void)close(e->log_fd);
	e->req_fd = e->async_fd = e->log_fd = -1;
	free(e->buf);
	e->buf = NULL;
}
