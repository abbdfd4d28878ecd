/*
 * control.c - the control socket: decisions for the shim (CTL_MAP), the
 * addresses and state of protected connections (CTL_ADDR, CTL_QUERY), and
 * the operator's requests (CTL_STATUS, CTL_REFRESH).
 *
 * Nothing in a request is trusted for identity: the user is the one the
 * kernel vouches for in each message (SCM_CREDENTIALS), mapped through the
 * security manager; a descriptor is checked to be what it claims to be,
 * and every descriptor a request brings is closed on every path that does
 * not keep it.  Replies never block the control thread.
 */
#define _GNU_SOURCE /* struct ucred */
#include "daemon/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl/io.h"
#include "ctl/proto.h"
#include "daemon/ezd.h"
#include "daemon/log.h"
#include "daemon/views.h"
#include "engine/ktls.h"
#include "engine/sesscache.h"
#include "engine/tlsctx.h"
#include "saf/access.h"

enum at_rc
attlsd_control_listen(struct attlsd *d, struct at_err *err)
{
	struct sockaddr_un sa;
	size_t n = strlen(d->socket_path);
	int fd, probe;

	if (n >= sizeof(sa.sun_path))
		return at_err_setx(err, AT_E_INPUT, "control socket path %s is too long",
		    d->socket_path);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, d->socket_path, n + 1);
	/* A socket file nobody answers on is left over from a crash. */
	probe = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		(void)close(probe);
		return at_err_setx(err, AT_E_EXISTS, "another attlsd is listening on %s",
		    d->socket_path);
	}
	if (probe >= 0)
		(void)close(probe);
	(void)unlink(d->socket_path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return at_err_set(err, AT_E_IO, "creating the control socket");
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    chmod(d->socket_path, 0666) != 0 || listen(fd, 128) != 0) {
		enum at_rc rc = at_err_set(err, AT_E_IO, "listening on %s", d->socket_path);

		(void)close(fd);
		return rc;
	}
	d->listen_fd = fd;
	return AT_OK;
}

static void
out_free(struct attlsd_out *o)
{
	size_t i;

	for (i = 0; i < o->nfds; i++)
		(void)close(o->fds[i]);
	o->nfds = 0;
	at_buf_free(&o->msg);
}

static void view_forget(const struct attlsd_client *cl);

void
attlsd_control_discard(struct attlsd_client *cl)
{
	view_forget(cl);
	while (cl->qlen > 0) {
		out_free(&cl->out[cl->qhead]);
		cl->qhead = (cl->qhead + 1) % ATTLSD_CLIENT_QUEUE;
		cl->qlen--;
	}
	cl->qhead = 0;
}

/* Reads requests, or waits to write replies, or waits for the builder:
 * never two at once, so a client that does not read its replies, or
 * waits for an environment, cannot pile up more work. */
static bool
want(struct attlsd *d, struct attlsd_client *cl)
{
	struct epoll_event e;

	memset(&e, 0, sizeof(e));
	e.events = cl->building ? 0 : cl->qlen > 0 ? EPOLLOUT : EPOLLIN;
	e.data.u64 = cl->slot + 2;
	return epoll_ctl(d->epfd, EPOLL_CTL_MOD, cl->fd, &e) == 0;
}

bool
attlsd_control_flush(struct attlsd *d, struct attlsd_client *cl)
{
	struct at_err err;
	enum at_rc rc;

	while (cl->qlen > 0) {
		struct attlsd_out *o = &cl->out[cl->qhead];

		rc = ctl_send(cl->fd, &o->msg, o->fds, o->nfds, &err);
		if (rc == AT_E_BUSY)
			return true;
		out_free(o);
		cl->qhead = (cl->qhead + 1) % ATTLSD_CLIENT_QUEUE;
		cl->qlen--;
		if (rc != AT_OK) {
			attlsd_log(LOG_WARNING, false, "attlsd: replying to pid %ld: %s",
			    (long)cl->pid, err.msg);
			return false;
		}
	}
	return want(d, cl);
}

/*
 * Replies without ever waiting: the control thread serves every client,
 * so one that does not read must not hold it in sendmsg.  A reply the
 * socket cannot take waits in the client's queue (with duplicates of its
 * descriptors); a client whose queue is full is dropped.
 */
static enum at_rc
reply(struct attlsd *d, struct attlsd_client *cl, struct at_buf *msg, const int *fds,
    size_t nfds)
{
	struct attlsd_out *o;
	struct at_err err;
	enum at_rc rc = AT_E_BUSY;
	size_t i;

	if (cl->qlen == 0)
		rc = ctl_send(cl->fd, msg, fds, nfds, &err);
	if (rc == AT_OK)
		return AT_OK;
	if (rc != AT_E_BUSY) {
		attlsd_log(LOG_WARNING, false, "attlsd: replying to a client: %s", err.msg);
		return rc;
	}
	if (cl->qlen == ATTLSD_CLIENT_QUEUE || nfds > 2) {
		attlsd_log(LOG_WARNING, false, "attlsd: dropping the control connection of pid "
		    "%ld (uid %lu): it does not read its replies", (long)cl->pid,
		    (unsigned long)cl->uid);
		return AT_E_TOOBIG;
	}
	o = &cl->out[(cl->qhead + cl->qlen) % ATTLSD_CLIENT_QUEUE];
	memset(o, 0, sizeof(*o));
	at_buf_init(&o->msg, CTL_MSG_MAX);
	if (at_buf_append(&o->msg, msg->data, msg->len) != AT_OK) {
		at_buf_free(&o->msg);
		return AT_E_NOMEM;
	}
	for (i = 0; i < nfds; i++) {
		o->fds[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 0);
		if (o->fds[i] < 0) {
			out_free(o);
			return AT_E_IO;
		}
		o->nfds++;
	}
	cl->qlen++;
	return want(d, cl) ? AT_OK : AT_E_IO;
}

/* The addresses of a received TCP socket, from the kernel where it knows. */
static bool
check_tcp(int fd, const struct ctl_map *m, struct ctl_addrs *a)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int type = 0, domain = 0;
	socklen_t ol = sizeof(int);

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &ol) != 0 || type != SOCK_STREAM)
		return false;
	ol = sizeof(int);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &ol) != 0 ||
	    (domain != AF_INET && domain != AF_INET6))
		return false;
	*a = m->addrs;
	memset(&ss, 0, sizeof(ss));
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0) {
		if (ss.ss_family == AF_INET6) {
			const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&ss;

			memcpy(a->laddr, &s6->sin6_addr, 16);
			a->lport = ntohs(s6->sin6_port);
		} else if (ss.ss_family == AF_INET) {
			const struct sockaddr_in *s4 = (const struct sockaddr_in *)&ss;

			memset(a->laddr, 0, 10);
			a->laddr[10] = a->laddr[11] = 0xff;
			memcpy(a->laddr + 12, &s4->sin_addr, 4);
			a->lport = ntohs(s4->sin_port);
		}
	}
	len = sizeof(ss);
	memset(&ss, 0, sizeof(ss));
	if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0) {
		if (ss.ss_family == AF_INET6) {
			const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&ss;

			memcpy(a->raddr, &s6->sin6_addr, 16);
			a->rport = ntohs(s6->sin6_port);
		} else if (ss.ss_family == AF_INET) {
			const struct sockaddr_in *s4 = (const struct sockaddr_in *)&ss;

			memset(a->raddr, 0, 10);
			a->raddr[10] = a->raddr[11] = 0xff;
			memcpy(a->raddr + 12, &s4->sin_addr, 4);
			a->rport = ntohs(s4->sin_port);
		}
	}
	/* Dual-stack sockets report IPv4 peers as v4-mapped IPv6. */
	a->family = (a->laddr[10] == 0xff && a->laddr[11] == 0xff &&
	    memcmp(a->laddr, "\0\0\0\0\0\0\0\0\0\0", 10) == 0) ? AF_INET : AF_INET6;
	return true;
}

static void
log_ring_denial(const char *msg)
{
	const char *p = msg, *nl;

	/* The security manager's ICH408I lines go to the log one by one. */
	while ((nl = strchr(p, '\n')) != NULL) {
		if (nl > p)
			attlsd_log(LOG_ERR, true, "%.*s", (int)(nl - p), p);
		p = nl + 1;
	}
	if (*p != '\0')
		attlsd_log(LOG_ERR, true, "%s", p);
}

/*
 * The Linux credentials a file key ring is opened with (daemon/peer.h):
 * the kernel's record of who connected, with the uid and gid of the
 * request being served.  When the program changed its user since it
 * connected, the supplementary groups the kernel recorded are the old
 * user's, so none are used: fewer rights, never more.
 */
static enum at_rc
client_peer(const struct attlsd_client *cl, struct attlsd_peer *p, struct at_err *err)
{
	enum at_rc rc = attlsd_peer_from_socket(cl->fd, p, err);

	if (rc != AT_OK)
		return rc;
	if (p->uid != cl->uid || p->gid != cl->gid) {
		p->uid = cl->uid;
		p->gid = cl->gid;
		p->ngroups = 0;
	}
	return AT_OK;
}

/* An environment already built for this user and, for a file key ring,
 * for exactly these credentials; NULL when there is none. */
static const struct attlsd_env *
env_ready(struct attlsd *d, uint64_t gen, const struct policy_actions *a,
    const struct attlsd_client *cl, const struct attlsd_peer *peer)
{
	const struct attlsd_env *e = attlsd_envcache_ready(&d->envfail, gen, a, cl->userid);

	return e != NULL && attlsd_gen_env_fits(e, peer) ? e : NULL;
}

/* ---- SecondaryMap (secmap.h) ----------------------------------------- */

/*
 * A connection protected under a rule with SecondaryMap On becomes a
 * primary, unless it is itself a secondary of a live one.  Only a
 * transparently protected one: under ApplicationControlled On the program
 * starts TLS on each connection itself, as z/OS FTP does.
 */
static void
remember_primary(struct attlsd *d, const struct attlsd_client *cl, struct attlsd_gen *g,
    const struct policy_rule *rule, const struct attlsd_conn *c)
{
	if (!rule->actions->secondary_map || rule->actions->application_controlled ||
	    attlsd_secmap_find(&d->secmap, &d->table, cl->pid, cl->uid, c->addrs.laddr,
	    c->addrs.raddr) != NULL)
		return;
	if (attlsd_secmap_add(&d->secmap, &d->table, g, rule, c->app_ino, c->id, cl->pid,
	    cl->uid, c->addrs.laddr, c->addrs.raddr, c->addrs.rport) != AT_OK)
		attlsd_log(LOG_ERR, false, "attlsd: CONNID %08X: no memory to remember it for "
		    "SecondaryMap; its secondary connections match no rule", c->id);
}

/*
 * The primary whose rule a new connection takes: one of the same process
 * (and user) between the same two addresses, when the connection matches
 * no rule itself, or only one of lower priority than the primary's.
 */
static const struct attlsd_secmap_ent *
secondary_of(struct attlsd *d, const struct attlsd_client *cl, const struct ctl_addrs *addrs,
    const struct policy_rule *rule)
{
	const struct attlsd_secmap_ent *e;

	if (d->secmap.n == 0)
		return NULL;
	e = attlsd_secmap_find(&d->secmap, &d->table, cl->pid, cl->uid, addrs->laddr,
	    addrs->raddr);
	if (e == NULL || (rule != NULL && rule->priority >= e->rule->priority))
		return NULL;
	return e;
}

/*
 * The server whose session a client end offers: for a secondary, the
 * primary's, as FTPS servers expect a data connection to resume the
 * control connection's session (vsftpd refuses one that does not).
 */
static struct ctl_addrs
resume_with(struct attlsd *d, const struct attlsd_client *cl,
    const struct policy_rule *rule, const struct ctl_addrs *addrs)
{
	const struct attlsd_secmap_ent *e = NULL;
	struct ctl_addrs r = *addrs;

	if (rule->actions->secondary_map && d->secmap.n > 0)
		e = attlsd_secmap_find(&d->secmap, &d->table, cl->pid, cl->uid, addrs->laddr,
		    addrs->raddr);
	if (e != NULL && e->rule == rule)
		r.rport = e->rport;
	return r;
}

/* ---- end of SecondaryMap ------------------------------------------------ */

/*
 * Builds the connection record and hands it to a worker; fills r.  With
 * init_cookie non-zero the connection is an ApplicationControlled one whose
 * program asked for TLS: the worker answers that request when the
 * handshake ends, and *app_fd stays -1.  g is the generation rule belongs
 * to; built, when not NULL, is the builder's answer for the environment,
 * else it is built (or found) here.
 */
static enum at_rc
protect(struct attlsd *d, struct attlsd_client *cl, struct attlsd_gen *g,
    const struct ctl_map *m, int tcp_fd, const struct ctl_addrs *addrs,
    const struct policy_rule *rule, struct ctl_map_reply *r, int *app_fd,
    uint32_t init_cookie, const struct attlsd_build *built)
{
	const struct policy_actions *a = rule->actions;
	const struct attlsd_env *env = NULL;
	struct attlsd_peer peer;
	struct attlsd_conn *c = NULL;
	struct link_new n;
	struct at_err err;
	struct stat st;
	int sp[2] = { -1, -1 }, fds[4], sslrc = 0, one = 1;
	enum at_rc envrc;
	uint64_t ms;

	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return AT_E_NOMEM;
	c->dir = m->dir;
	c->addrs = *addrs;
	memcpy(c->jobname, m->jobname, sizeof(c->jobname));
	(void)snprintf(c->userid, sizeof(c->userid), "%s", cl->userid);
	c->rule = rule;
	c->gen = g;
	attlsd_gen_ref(g);
	c->trace = a->trace;
	c->state = ENGINE_HANDSHAKING;
	c->reply_fd = -1;
	c->pending_app_fd = -1;
	attlsd_conntab_add(&d->table, c);
	ezd_map(c);
	/* The kernel's word on who the program is decides who may use a
	 * file key ring (gen.h); not knowing it is a ring that cannot be
	 * opened (202). */
	if (built != NULL) {
		peer = built->peer;
	} else if (client_peer(cl, &peer, &err) != AT_OK) {
		sslrc = 202;
		envrc = AT_E_DENIED;
		goto no_env;
	}
	env = env_ready(d, g->id, a, cl, &peer);
	if (env == NULL && built == NULL &&
	    attlsd_envcache_failed(&d->envfail, g->id, a, cl->userid,
	    attlsd_envcache_stamp(d->db_file), &sslrc, &err)) {
		c->state = ENGINE_FAILED;
		ezd_conn_error(c, 5006, "Initial Handshake", err.msg);
		goto refuse;
	}
	if (env != NULL) {
		envrc = AT_OK;
	} else if (built != NULL) {
		env = built->env;
		envrc = built->rc;
		sslrc = built->sslrc;
		err = built->err;
	} else {
		envrc = attlsd_gen_env(g, rule, cl->userid, &peer, d->db, &env, &sslrc, &err);
	}
	if (envrc == AT_OK)
		attlsd_envcache_built(&d->envfail, g->id, a, cl->userid, env);
no_env:
	if (envrc != AT_OK) {
		char why[160];

		attlsd_envcache_remember(&d->envfail, g->id, a, cl->userid,
		    attlsd_envcache_stamp(d->db_file), sslrc, &err);

		(void)snprintf(why, sizeof(why), "no TLS environment: key ring %s (RC %d, "
		    "see the lines above)", a->keyring != NULL ? a->keyring : "(none)", sslrc);
		ezd_env_error(a->trace, attlsd_gen_grpid(g, rule), 0, cl->userid, sslrc,
		    "Environment Master Init", "the key ring could not be used");
		log_ring_denial(err.msg);
		c->state = ENGINE_FAILED;
		ezd_conn_error(c, 5006, "Initial Handshake", why);
		goto refuse;
	}
	c->env = env;
	if (engine_app_pair(sp, &err) == AT_OK &&
	    !attlsd_fd_room(d, sp[1] > tcp_fd ? sp[1] : tcp_fd, init_cookie != 0 ? 4 : 2)) {
		/* Refused, never passed in cleartext; the reserve keeps the
		 * control socket answering. */
		c->state = ENGINE_FAILED;
		ezd_conn_error(c, 6001, "Initial Handshake", "attlsd is near its descriptor "
		    "limit (see the descriptor reserve in the log)");
		goto refuse;
	}
	if (sp[0] < 0 ||
	    fstat(sp[1], &st) != 0 ||
	    fcntl(tcp_fd, F_SETFL, fcntl(tcp_fd, F_GETFL) | O_NONBLOCK) != 0) {
		(void)at_err_set(&err, AT_E_IO, "making the application's socket");
		c->state = ENGINE_FAILED;
		ezd_conn_error(c, 6001, "Initial Handshake", err.msg);
		goto refuse;
	}
	c->app_ino = st.st_ino;
	/* The relay writes whole TLS records, never a trickle of small
	 * writes, so Nagle's algorithm buys nothing and costs a delayed-ACK
	 * stall (about 40 ms) whenever a handshake flight or a small record
	 * follows one not yet acknowledged.  stunnel sets it for the same
	 * reason; a failure only costs speed, so it is not fatal. */
	if (setsockopt(tcp_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0)
		attlsd_log(LOG_DEBUG, false, "attlsd: TCP_NODELAY on CONNID %08X: %s", c->id,
		    strerror(errno));
	memset(&n, 0, sizeof(n));
	n.gen_id = g->id;
	n.app_ino = (uint64_t)c->app_ino;
	n.rule = (uint32_t)rule->order;
	n.envid = env->envid;
	n.id = c->id;
	n.addrs = *addrs;
	n.dir = m->dir;
	n.connecting = (m->flags & CTL_MAP_CONNECTING) != 0;
	/* Reading ahead takes a burst of records in one read() instead of
	 * two per record, and kernel TLS takes the records out of attlsd
	 * altogether.  Neither under ApplicationControlled: a program may
	 * stop TLS there (TTLS_STOP_CONNECTION) and go on in cleartext, and
	 * bytes read ahead past the partner's close_notify would be lost to
	 * it, as would a socket that cannot leave the kernel's TLS layer.
	 * The engine applies both. */
	n.ktls = d->ktls;
	n.app_controlled = init_cookie != 0 || a->application_controlled;
	memcpy(n.jobname, c->jobname, sizeof(n.jobname));
	(void)snprintf(n.userid, sizeof(n.userid), "%s", c->userid);
	if (a->role == POLICY_ROLE_CLIENT) {
		n.resume = resume_with(d, cl, rule, addrs);
		n.has_resume = 1;
	}
	/* The connecting side waits five times as long (z/OS does the same),
	 * so the accepting side's timeout fires first. */
	ms = (uint64_t)a->handshake_timeout * 1000u * (m->dir == CTL_DIR_OUTBOUND ? 5u : 1u);
	n.handshake_ms = ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
	fds[0] = tcp_fd;
	fds[1] = sp[0];
	fds[2] = sp[1];
	fds[3] = cl->fd;
	n.reply_cookie = init_cookie;
	if (attlsd_engine_new(&d->engine, &n, fds, init_cookie != 0 ? 4 : 2, &err) != AT_OK) {
		c->state = ENGINE_FAILED;
		ezd_conn_error(c, 6001, "Initial Handshake", err.msg);
		goto refuse;
	}
	/* The engine has its own copies now. */
	(void)close(tcp_fd);
	(void)close(sp[0]);
	if (init_cookie != 0) {
		(void)close(sp[1]);
	} else {
		*app_fd = sp[1];
	}
	r->verdict = CTL_PROTECTED;
	r->conn_id = c->id;
	c->app_controlled = init_cookie != 0;
	if (init_cookie == 0)
		remember_primary(d, cl, g, rule, c);
	return AT_OK;
refuse:
	if (sp[0] >= 0)
		(void)close(sp[0]);
	if (sp[1] >= 0)
		(void)close(sp[1]);
	if (tcp_fd >= 0)
		(void)close(tcp_fd);
	attlsd_conntab_remove(&d->table, c);
	attlsd_conn_free(c);
	r->verdict = CTL_REFUSED;
	r->errnum = m->dir == CTL_DIR_INBOUND ? ECONNABORTED : ECONNRESET;
	return AT_OK;
}

/*
 * A decision whose environment is not built yet waits for the builder
 * thread, so reading the key ring does not hold every other client; the
 * client's further requests wait with it.  False to decide here (the
 * environment is known built or known failed, or no memory for a job).
 */
static bool
defer(struct attlsd *d, struct attlsd_client *cl, uint32_t cookie, const struct ctl_map *m,
    int tcp_fd, const struct ctl_addrs *addrs, const struct policy_rule *rule)
{
	const struct policy_actions *a = rule->actions;
	struct attlsd_build *job;
	struct attlsd_peer peer;
	struct at_err err;
	int sslrc;

	if (!d->builder.started || client_peer(cl, &peer, &err) != AT_OK ||
	    env_ready(d, d->gen->id, a, cl, &peer) != NULL ||
	    attlsd_envcache_failed(&d->envfail, d->gen->id, a, cl->userid,
	    attlsd_envcache_stamp(d->db_file), &sslrc, &err))
		return false;
	job = calloc(1, sizeof(*job));
	if (job == NULL)
		return false;
	job->slot = cl->slot;
	job->serial = cl->serial;
	job->cookie = cookie;
	job->gen = d->gen;
	attlsd_gen_ref(d->gen);
	job->rule = rule;
	(void)snprintf(job->userid, sizeof(job->userid), "%s", cl->userid);
	job->peer = peer;
	job->tcp_fd = tcp_fd;
	job->m = *m;
	job->addrs = *addrs;
	cl->building = true;
	if (!want(d, cl)) {
		cl->building = false;
		job->tcp_fd = -1;
		attlsd_build_free(job);
		return false;
	}
	attlsd_builder_give(&d->builder, job);
	return true;
}

bool
attlsd_control_finish(struct attlsd *d, struct attlsd_client *cl, struct attlsd_build *job)
{
	struct ctl_map_reply r = { 0 };
	struct at_buf out;
	struct at_err err;
	int app_fd = -1, tcp_fd = job->tcp_fd;
	bool ok;

	cl->building = false;
	job->tcp_fd = -1;
	r.generation = job->gen->id;
	(void)snprintf(r.rule, sizeof(r.rule), "%s", job->rule->name);
	if (protect(d, cl, job->gen, &job->m, tcp_fd, &job->addrs, job->rule, &r, &app_fd, 0,
	    job) == AT_OK) {
		tcp_fd = -1;
	} else {
		r.verdict = CTL_REFUSED;
		r.errnum = ENOMEM;
	}
	if (tcp_fd >= 0)
		(void)close(tcp_fd);
	at_buf_init(&out, CTL_MSG_MAX);
	ok = ctl_encode_map_reply(&out, job->cookie, &r, &err) == AT_OK &&
	    reply(d, cl, &out, &app_fd, app_fd >= 0 ? 1 : 0) == AT_OK && want(d, cl);
	if (app_fd >= 0)
		(void)close(app_fd);
	at_buf_free(&out);
	return ok;
}

static bool
serve_map(struct attlsd *d, struct attlsd_client *cl, struct at_buf *in, uint32_t cookie,
    int *fds, size_t nfds)
{
	struct ctl_map_reply r = { 0 };
	const struct policy_rule *rule;
	const struct attlsd_secmap_ent *sec;
	struct policy_conn pc;
	struct ctl_addrs addrs;
	struct ctl_map m;
	struct at_buf out;
	struct at_err err;
	int app_fd = -1, tcp_fd = nfds > 0 ? fds[0] : -1;
	size_t i;
	bool ok;

	/* serve_map owns every descriptor the request carried. */
	at_err_clear(&err);
	if (ctl_decode_map(in, &m, &err) != AT_OK || nfds != 1 || !check_tcp(tcp_fd, &m, &addrs)) {
		attlsd_log(LOG_WARNING, false, "attlsd: refusing a malformed request from "
		    "pid %ld: %s", (long)cl->pid, nfds != 1 ? "wrong descriptors" :
		    tcp_fd >= 0 && err.rc == AT_OK ? "not a TCP socket" : err.msg);
		for (i = 0; i < nfds; i++)
			(void)close(fds[i]);
		return false;
	}
	at_buf_init(&out, CTL_MSG_MAX);
	memset(&pc, 0, sizeof(pc));
	pc.dir = m.dir == CTL_DIR_INBOUND ? POLICY_DIR_INBOUND : POLICY_DIR_OUTBOUND;
	pc.family = addrs.family;
	memcpy(pc.laddr, addrs.laddr, 16);
	memcpy(pc.raddr, addrs.raddr, 16);
	pc.lport = addrs.lport;
	pc.rport = addrs.rport;
	pc.jobname = m.jobname;
	pc.userid = cl->userid;
	pc.now = time(NULL);
	r.generation = d->gen->id;
	rule = policy_match(d->gen->matcher, &pc);
	sec = secondary_of(d, cl, &addrs, rule);
	if (sec != NULL) {
		/* SecondaryMap: the primary's rule and environment, built
		 * already, so nothing waits for the builder. */
		uint32_t primary = sec->conn_id;

		r.generation = sec->gen->id;
		(void)snprintf(r.rule, sizeof(r.rule), "%s", sec->rule->name);
		if (protect(d, cl, sec->gen, &m, tcp_fd, &addrs, sec->rule, &r, &app_fd, 0,
		    NULL) == AT_OK) {
			tcp_fd = -1;
			if (r.verdict == CTL_PROTECTED)
				attlsd_log(LOG_INFO, false, "attlsd: CONNID %08X mapped to rule %s "
				    "as a secondary connection of CONNID %08X (SecondaryMap On)",
				    r.conn_id, r.rule, primary);
		} else {
			r.verdict = CTL_REFUSED;
			r.errnum = ENOMEM;
		}
	} else if (rule == NULL) {
		r.verdict = CTL_CLEAR;
	} else {
		(void)snprintf(r.rule, sizeof(r.rule), "%s", rule->name);
		if (!rule->enabled) {
			r.verdict = CTL_NOT_ENABLED;
		} else if (rule->actions->application_controlled) {
			/* The program keeps its TCP socket in cleartext until it asks
			 * for TLS (TTLS_INIT_CONNECTION); attlsd keeps nothing. */
			r.verdict = CTL_APPL_CONTROL;
		} else if (defer(d, cl, cookie, &m, tcp_fd, &addrs, rule)) {
			at_buf_free(&out);
			return true; /* answered when the environment is built */
		} else if (protect(d, cl, d->gen, &m, tcp_fd, &addrs, rule, &r, &app_fd, 0,
		    NULL) == AT_OK) {
			tcp_fd = -1; /* protect() took it */
		} else {
			r.verdict = CTL_REFUSED;
			r.errnum = ENOMEM;
		}
	}
	if (tcp_fd >= 0)
		(void)close(tcp_fd);
	ok = ctl_encode_map_reply(&out, cookie, &r, &err) == AT_OK &&
	    reply(d, cl, &out, &app_fd, app_fd >= 0 ? 1 : 0) == AT_OK;
	if (app_fd >= 0)
		(void)close(app_fd);
	at_buf_free(&out);
	return ok;
}

static ino_t
unix_inode(int fd)
{
	struct stat st;

	return fd >= 0 && fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode) ? st.st_ino : 0;
}

static bool
serve_addr(struct attlsd *d, struct attlsd_client *cl, struct at_buf *in, uint32_t cookie,
    int *fds, size_t nfds)
{
	struct ctl_addr_reply r;
	struct at_buf out;
	struct at_err err;
	ino_t ino = nfds == 1 ? unix_inode(fds[0]) : 0;
	bool ok;

	if (ctl_decode_empty(in, &err) != AT_OK || ino == 0)
		return false;
	if (!attlsd_conntab_addr(&d->table, ino, &r)) {
		memset(&r, 0, sizeof(r));
		r.errnum = ENOTCONN;
		r.addrs.family = AF_INET;
	}
	at_buf_init(&out, CTL_MSG_MAX);
	ok = ctl_encode_addr_reply(&out, cookie, &r, &err) == AT_OK &&
	    reply(d, cl, &out, NULL, 0) == AT_OK;
	at_buf_free(&out);
	return ok;
}

/* The rule for a TCP socket the program still holds (ApplicationControlled). */
static const struct policy_rule *
rule_for_tcp(struct attlsd *d, struct attlsd_client *cl, int fd, const struct ctl_query *q,
    struct ctl_map *m, struct ctl_addrs *addrs)
{
	const struct policy_rule *rule = NULL;
	struct policy_conn pc;
	int dir;

	memset(m, 0, sizeof(*m));
	memcpy(m->jobname, q->jobname, sizeof(m->jobname));
	if (!check_tcp(fd, m, addrs))
		return NULL;
	memset(&pc, 0, sizeof(pc));
	pc.family = addrs->family;
	memcpy(pc.laddr, addrs->laddr, 16);
	memcpy(pc.raddr, addrs->raddr, 16);
	pc.lport = addrs->lport;
	pc.rport = addrs->rport;
	pc.jobname = m->jobname;
	pc.userid = cl->userid;
	pc.now = time(NULL);
	/* Direction unknown (after exec): inbound first, then outbound. */
	for (dir = CTL_DIR_INBOUND; dir <= CTL_DIR_OUTBOUND && rule == NULL; dir++) {
		if (q->dir != 0 && q->dir != dir)
			continue;
		pc.dir = dir == CTL_DIR_INBOUND ? POLICY_DIR_INBOUND : POLICY_DIR_OUTBOUND;
		m->dir = (uint8_t)dir;
		rule = policy_match(d->gen->matcher, &pc);
	}
	return rule;
}

/*
 * CTL_QUERY on a TCP socket: a connection under an ApplicationControlled
 * rule, still in cleartext.  TTLS_INIT_CONNECTION starts its handshake;
 * the worker answers when it ends.  Returns false to drop the client.
 */
static bool
serve_query_tcp(struct attlsd *d, struct attlsd_client *cl, uint32_t cookie,
    const struct ctl_query *q, int fd)
{
	struct ctl_map_reply mr = { 0 };
	const struct policy_rule *rule;
	struct ctl_query_reply *r = calloc(1, sizeof(*r));
	struct ctl_addrs addrs;
	struct ctl_map m;
	struct at_buf out;
	struct at_err err;
	int app_fd = -1, dup_fd;
	enum at_rc rc;
	bool ok;

	if (r == NULL)
		return false;
	rule = rule_for_tcp(d, cl, fd, q, &m, &addrs);
	r->stat_conn = 1; /* TTLS_CONN_NOTSECURE */
	if (rule == NULL) {
		r->stat_policy = 2; /* TTLS_POL_NO_POLICY */
	} else {
		(void)snprintf(r->rule, sizeof(r->rule), "%s", rule->name);
		(void)snprintf(r->group_action, sizeof(r->group_action), "%s",
		    rule->actions->group_name);
		r->stat_policy = !rule->enabled ? 3 : rule->actions->application_controlled ? 5 : 4;
	}
	if (q->req_type == 0 || q->req_type == CTL_TTLS_RETURN_CERTIFICATE) {
		/* A query: nothing more to do. */
	} else if (r->stat_policy != 5) {
		r->errnum = EACCES; /* control requests need ApplicationControlled On */
	} else if ((q->req_type & CTL_TTLS_INIT_CONNECTION) == 0) {
		r->errnum = EPROTO; /* STOP and RESET need a secure connection */
	} else if (q->req_type != CTL_TTLS_INIT_CONNECTION) {
		r->errnum = EOPNOTSUPP; /* INIT with ALLOW_HSTIMEOUT: not in this release */
	} else {
		/* protect() takes the duplicate, whatever it decides. */
		dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
		rc = dup_fd < 0 ? AT_E_IO :
		    protect(d, cl, d->gen, &m, dup_fd, &addrs, rule, &mr, &app_fd, cookie, NULL);
		if (rc == AT_E_NOMEM)
			(void)close(dup_fd);
		if (rc == AT_OK && mr.verdict == CTL_PROTECTED) {
			free(r);
			return true; /* the worker answers after the handshake */
		}
		r->errnum = rc == AT_OK ? ECONNRESET : rc == AT_E_IO ? EMFILE : ENOMEM;
	}
	at_buf_init(&out, CTL_MSG_MAX);
	ok = ctl_encode_query_reply(&out, cookie, r, &err) == AT_OK &&
	    reply(d, cl, &out, NULL, 0) == AT_OK;
	at_buf_free(&out);
	free(r);
	return ok;
}

static bool
is_tcp_socket(int fd)
{
	int domain = 0;
	socklen_t len = sizeof(domain);

	return fd >= 0 && getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0 &&
	    (domain == AF_INET || domain == AF_INET6);
}

static bool
serve_query(struct attlsd *d, struct attlsd_client *cl, struct at_buf *in, uint32_t cookie,
    int *fds, size_t nfds)
{
	static uint8_t cert[16384];
	struct ctl_query_reply r;
	struct ctl_query q;
	struct at_buf out;
	struct at_err err;
	ino_t ino = nfds == 1 ? unix_inode(fds[0]) : 0;
	bool want_cert, ok;
	size_t room;

	if (ctl_decode_query(in, &q, &err) != AT_OK || nfds != 1)
		return false;
	if (is_tcp_socket(fds[0]))
		return serve_query_tcp(d, cl, cookie, &q, fds[0]);
	want_cert = (q.req_type & CTL_TTLS_RETURN_CERTIFICATE) != 0;
	room = q.cert_max < sizeof(cert) ? q.cert_max : sizeof(cert);
	if (ino == 0 || !attlsd_conntab_query(&d->table, ino, &r, cert, room)) {
		memset(&r, 0, sizeof(r));
		r.stat_policy = 2; /* TTLS_POL_NO_POLICY */
		r.stat_conn = 1;   /* TTLS_CONN_NOTSECURE */
	} else if ((q.req_type & ~(uint32_t)CTL_TTLS_RETURN_CERTIFICATE) != 0) {
		uint32_t id;
		unsigned w;
		bool applctl;

		/* Control requests need ApplicationControlled On; the worker
		 * that drives the connection carries them out and answers. */
		if (!attlsd_conntab_owner(&d->table, ino, &id, &w, &applctl) || !applctl) {
			r.errnum = EACCES;
		} else if (attlsd_engine_command(&d->engine, id, q.req_type, cl->fd, cookie,
		    &err) == AT_OK) {
			return true;
		} else {
			r.errnum = ENOMEM;
		}
	} else if (want_cert && r.cert_len > 0 && r.cert == NULL) {
		r.errnum = ENOBUFS;
	}
	if (!want_cert || r.cert == NULL || r.errnum != 0) {
		r.cert = NULL;
		r.cert_len = 0;
	}
	at_buf_init(&out, CTL_MSG_MAX);
	ok = ctl_encode_query_reply(&out, cookie, &r, &err) == AT_OK &&
	    reply(d, cl, &out, NULL, 0) == AT_OK;
	at_buf_free(&out);
	return ok;
}

/*
 * Who may see every connection in attls status: root, the daemon's own
 * user, and a user with READ to the SERVAUTH profile protecting
 * EZB.NETSTAT.sysname.tcpname.TTLS, as z/OS guards Netstat's TTLS report.
 * Everyone else sees the connections made under its own user.  No
 * database, no profile, or an error: own connections only.
 */
static bool
may_see_all(struct attlsd *d, struct attlsd_client *cl)
{
	struct saf_decision dec;
	struct at_err err;
	char res[128];

	if (cl->uid == 0 || cl->uid == geteuid())
		return true;
	if (d->db == NULL || attlsd_netstat_resource(res, sizeof(res)) != AT_OK)
		return false;
	if (saf_check_access(d->db, cl->userid, "SERVAUTH", res, SAF_ACC_READ, &dec,
	    &err) != AT_OK) {
		attlsd_log(LOG_WARNING, false, "attlsd: checking %s for %s: %s", res,
		    cl->userid, err.msg);
		return false;
	}
	return dec.result == SAF_ALLOWED;
}

static bool
serve_text(struct attlsd *d, struct attlsd_client *cl, uint16_t type, uint32_t cookie)
{
	struct ctl_text_reply r = { 0 };
	struct at_buf text, out;
	struct at_err err;
	char res[128];
	bool ok, all = true;

	if (attlsd_netstat_resource(res, sizeof(res)) != AT_OK)
		(void)snprintf(res, sizeof(res), "EZB.NETSTAT.*.*.TTLS");
	at_buf_init(&text, CTL_MSG_MAX - 64);
	at_buf_init(&out, CTL_MSG_MAX);
	if (type == CTL_REFRESH) {
		if (cl->uid != 0 && cl->uid != geteuid()) {
			r.errnum = EPERM;
			if (at_buf_printf(&text, "only root or the daemon's user may refresh "
			    "the policy\n") != AT_OK)
				at_buf_reset(&text);
		} else if (attlsd_refresh(d, &text, &err) != AT_OK) {
			r.errnum = EINVAL;
		}
	} else if (at_buf_printf(&text, "policy generation: %llu, rules: %zu\n",
	    (unsigned long long)d->gen->id, policy_set_rule_count(d->gen->set)) != AT_OK ||
	    (!(all = may_see_all(d, cl)) && at_buf_printf(&text, "showing the connections "
	    "of %s only (READ to SERVAUTH %s shows all)\n", cl->userid, res) != AT_OK) ||
	    attlsd_conntab_format_user(&d->table, all ? NULL : cl->userid, &text) != AT_OK) {
		if (at_buf_printf(&text, "(the list is longer than one reply)\n") != AT_OK)
			r.errnum = E2BIG;
	}
	r.generation = d->gen->id;
	r.text = at_buf_cstr(&text);
	r.text_len = (uint32_t)text.len;
	ok = ctl_encode_text_reply(&out, (uint16_t)(type + 1), cookie, &r, &err) == AT_OK &&
	    reply(d, cl, &out, NULL, 0) == AT_OK;
	at_buf_free(&text);
	at_buf_free(&out);
	return ok;
}

/*
 * The operator's views (CTL_VIEW).  A view is rendered once, when a client
 * asks for it, and kept for that client until it has read the last part,
 * asks for another, or goes; it is sent in parts no longer than a
 * message.  Only the control thread touches these.  What all unfinished
 * views may hold together is capped, so clients that never read their
 * views cannot make the daemon hold unbounded memory.
 */
#define VIEW_MAX ((size_t)64 << 20)
#define VIEW_HELD_MAX ((size_t)256 << 20)

struct view_snap {
	uint64_t serial;      /* the client it belongs to */
	uint64_t id;
	uint64_t generation;
	int errnum;
	struct at_buf text;
};

static struct view_snap *view_snaps[ATTLSD_MAX_CLIENTS];
static uint64_t view_next_id = 1;
static size_t view_held;

static void
view_drop(size_t slot)
{
	struct view_snap *s = view_snaps[slot];

	if (s == NULL)
		return;
	view_held -= s->text.len;
	at_buf_free(&s->text);
	free(s);
	view_snaps[slot] = NULL;
}

static void
view_forget(const struct attlsd_client *cl)
{
	if (cl->slot < ATTLSD_MAX_CLIENTS)
		view_drop(cl->slot);
}

/*
 * Who may read the installed policy (pasearch, explain --installed): root,
 * the daemon's user, and a user with READ to the SERVAUTH profile
 * protecting EZB.PAGENT.sysname.tcpname.TTLS, as z/OS guards pasearch.
 * The policy names key rings, ports and users, so with no profile, no
 * database or an error, nobody else may: it fails closed.
 */
static bool
may_read_policy(struct attlsd *d, struct attlsd_client *cl, char *res, size_t ressz)
{
	struct saf_decision dec;
	struct at_err err;
	char ns[128];

	if (attlsd_netstat_resource(ns, sizeof(ns)) != AT_OK ||
	    strncmp(ns, "EZB.NETSTAT.", 12) != 0)
		(void)snprintf(ns, sizeof(ns), "EZB.NETSTAT.*.*.TTLS");
	(void)snprintf(res, ressz, "EZB.PAGENT.%s", ns + 12);
	if (cl->uid == 0 || cl->uid == geteuid())
		return true;
	if (d->db == NULL)
		return false;
	if (saf_check_access(d->db, cl->userid, "SERVAUTH", res, SAF_ACC_READ, &dec,
	    &err) != AT_OK) {
		attlsd_log(LOG_WARNING, false, "attlsd: checking %s for %s: %s", res,
		    cl->userid, err.msg);
		return false;
	}
	return dec.result == SAF_ALLOWED;
}

/* Renders a new view for cl into a snapshot; false only without memory. */
static bool
view_new(struct attlsd *d, struct attlsd_client *cl, const struct ctl_view *v)
{
	struct attlsd_view_scope scope;
	struct view_snap *s;
	struct at_err err;
	char res[160], note[300];
	enum at_rc rc = AT_OK;

	view_drop(cl->slot);
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return false;
	s->serial = cl->serial;
	s->id = view_next_id++;
	s->generation = d->gen->id;
	at_buf_init(&s->text, VIEW_MAX);
	at_err_clear(&err);
	memset(&scope, 0, sizeof(scope));
	if (view_held >= VIEW_HELD_MAX) {
		s->errnum = EAGAIN;
		rc = at_buf_printf(&s->text, "attlsd holds too many unfinished views; "
		    "try again\n");
	} else if (v->kind != CTL_VIEW_NETSTAT) {
		if (!may_read_policy(d, cl, res, sizeof(res))) {
			s->errnum = EACCES;
			rc = at_buf_printf(&s->text, "%s may not see the installed policy: it "
			    "needs READ to SERVAUTH %s\n", cl->userid, res);
		} else {
			rc = attlsd_view_render(d, v, &scope, &s->text, &s->errnum, &err);
		}
	} else {
		if (attlsd_netstat_resource(res, sizeof(res)) != AT_OK)
			(void)snprintf(res, sizeof(res), "EZB.NETSTAT.*.*.TTLS");
		scope.all = may_see_all(d, cl);
		scope.uid = cl->uid;
		(void)snprintf(note, sizeof(note), "showing the connections of uid %lu (%s) "
		    "only (READ to SERVAUTH %s shows all)", (unsigned long)cl->uid,
		    cl->userid, res);
		scope.note = note;
		rc = attlsd_view_render(d, v, &scope, &s->text, &s->errnum, &err);
	}
	if (rc != AT_OK) {
		/* Never a cut view: say why there is none. */
		at_buf_reset(&s->text);
		s->errnum = rc == AT_E_TOOBIG ? E2BIG : rc == AT_E_NOMEM ? ENOMEM : EIO;
		if (at_buf_printf(&s->text, "attlsd cannot render the view: %s\n",
		    rc == AT_E_TOOBIG ? "it is longer than 64 MiB" : err.msg) != AT_OK)
			at_buf_reset(&s->text);
	}
	view_held += s->text.len;
	view_snaps[cl->slot] = s;
	return true;
}

static bool
serve_view(struct attlsd *d, struct attlsd_client *cl, struct at_buf *in, uint32_t cookie)
{
	struct ctl_view_reply r = { 0 };
	struct view_snap *s;
	struct ctl_view v;
	struct at_buf out;
	struct at_err err;
	bool ok;

	if (ctl_decode_view(in, &v, &err) != AT_OK || cl->slot >= ATTLSD_MAX_CLIENTS) {
		attlsd_log(LOG_WARNING, false, "attlsd: refusing a malformed view request from "
		    "pid %ld: %s", (long)cl->pid, err.msg);
		return false;
	}
	if (v.snapshot == 0 && !view_new(d, cl, &v))
		return false;
	s = view_snaps[cl->slot];
	at_buf_init(&out, CTL_MSG_MAX);
	if (s == NULL || s->serial != cl->serial || s->text.data == NULL ||
	    (v.snapshot != 0 && s->id != v.snapshot) || v.offset > s->text.len) {
		/* Another view was asked for since, or the part does not exist:
		 * never mix two snapshots. */
		r.errnum = ESTALE;
		r.text = "attlsd no longer holds that view; ask for it again\n";
		r.text_len = (uint32_t)strlen(r.text);
		r.total = r.text_len;
	} else {
		size_t left = s->text.len - v.offset;

		r.errnum = s->errnum;
		r.generation = s->generation;
		r.snapshot = s->id;
		r.total = (uint32_t)s->text.len;
		r.offset = v.offset;
		r.text = (const char *)s->text.data + v.offset;
		r.text_len = (uint32_t)(left < CTL_VIEW_PART ? left : CTL_VIEW_PART);
	}
	ok = ctl_encode_view_reply(&out, cookie, &r, &err) == AT_OK &&
	    reply(d, cl, &out, NULL, 0) == AT_OK;
	if (s != NULL && s->serial == cl->serial && r.snapshot == s->id &&
	    (size_t)r.offset + r.text_len == s->text.len)
		view_drop(cl->slot); /* the last part went */
	at_buf_free(&out);
	return ok;
}

bool
attlsd_control_serve(struct attlsd *d, struct attlsd_client *cl)
{
	int fds[CTL_MAX_FDS];
	struct at_buf in;
	struct ctl_hdr h;
	struct at_err err;
	struct ctl_cred cred;
	size_t nfds = 0, i;
	enum at_rc rc;
	bool ok = false;

	/* What the engine has said so far is applied before any question is
	 * answered: a program that heard of its handshake from the engine
	 * must find it in the table.  A lost engine is the main loop's to
	 * notice. */
	(void)attlsd_engine_sync(d);
	at_buf_init(&in, CTL_MSG_MAX);
	rc = ctl_recv_cred(cl->fd, &in, fds, &nfds, &cred, 0, &err);
	if (rc == AT_E_BUSY) {
		ok = true; /* woken with nothing to read */
		goto out;
	}
	if (rc != AT_OK || cred.pid <= 0) {
		/* ctl_recv_cred closed whatever came with a refused message. */
		if (rc != AT_E_IO)
			attlsd_log(LOG_WARNING, false, "attlsd: refusing a request from pid %ld: "
			    "%s", (long)cl->pid, rc != AT_OK ? err.msg :
			    "no credentials the kernel vouches for");
		goto out;
	}
	/* Each request speaks for the user its credentials name: a process
	 * that changed its user since it connected is that user now. */
	cl->pid = cred.pid;
	if (!cl->resolved || cred.uid != cl->uid) {
		cl->uid = cred.uid;
		cl->gid = cred.gid;
		attlsd_client_identify(d, cl);
		cl->resolved = true;
	}
	if (ctl_decode_hdr(&in, &h, &err) != AT_OK) {
		attlsd_log(LOG_WARNING, false, "attlsd: pid %ld: %s", (long)cl->pid, err.msg);
		goto out;
	}
	switch (h.type) {
	case CTL_MAP:
		ok = serve_map(d, cl, &in, h.cookie, fds, nfds);
		nfds = 0; /* serve_map closed or kept every descriptor */
		break;
	case CTL_ADDR:
		ok = serve_addr(d, cl, &in, h.cookie, fds, nfds);
		break;
	case CTL_QUERY:
		ok = serve_query(d, cl, &in, h.cookie, fds, nfds);
		break;
	case CTL_STATUS:
	case CTL_REFRESH:
		ok = ctl_decode_empty(&in, &err) == AT_OK && serve_text(d, cl, h.type, h.cookie);
		break;
	case CTL_VIEW:
		ok = serve_view(d, cl, &in, h.cookie);
		break;
	default:
		attlsd_log(LOG_WARNING, false, "attlsd: pid %ld sent unknown request %u",
		    (long)cl->pid, h.type);
		break;
	}
out:
	for (i = 0; i < nfds; i++)
		(void)close(fds[i]);
	at_buf_free(&in);
	return ok;
}
