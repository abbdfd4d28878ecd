/*
 * worker.c - the epoll loop of one worker thread (see worker.h).
 *
 * Interest is recomputed after every run of a connection; a descriptor
 * with no interest is taken out of the epoll set, so a peer that has hung
 * up cannot make the loop spin.  The TCP socket is watched
 * level-triggered, the program's end edge-triggered (see process()).  The
 * epoll timeout is the nearest handshake deadline, and connections ended
 * by a deadline are closed before the worker waits again.  A connection
 * whose descriptors epoll refuses is ended at once (RC 6001): it would
 * otherwise never be driven again.
 */
#include "daemon/worker.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>

#include "ctl/io.h"
#include "ctl/proto.h"
#include "daemon/conntab.h"
#include "daemon/ezd.h"
#include "daemon/log.h"
#include "daemon/gen.h"
#include "engine/conn.h"
#include "policy/policy.h"
#include "daemon/link.h"
#include "saf/usermap.h"

static uint64_t
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* How often at most a connection's byte counts reach the parent. */
#define MIRROR_MS 200

/*
 * Tells the parent what the engine's copy of c says now (link_update):
 * at once when its state, protocol or mapped user changed (force), the
 * byte counts at most every MIRROR_MS (a later flush sends the rest).
 * Sent before the program hears of a change, so the parent's table is
 * never behind what the program knows.
 */
static void fill_update(struct attlsd_worker *w, const struct attlsd_conn *c,
    struct link_update *up);

static void
mirror(struct attlsd_worker *w, struct attlsd_conn *c, bool force)
{
	struct link_update u;
	struct at_err err;
	uint64_t now = now_ms();
	bool state_new = c->mirror_state != (uint8_t)(c->state + 1);

	if (w->link_fd < 0)
		return;
	if (!force && !state_new && now - c->mirror_ms < MIRROR_MS) {
		if (!c->mirror_dirty) {
			c->mirror_dirty = true;
			if (w->flush_ms == 0 || now + MIRROR_MS < w->flush_ms)
				w->flush_ms = now + MIRROR_MS;
		}
		return;
	}
	fill_update(w, c, &u);
	/* The certificate goes once, with the first update that has it. */
	if (link_send(w->link_fd, LINK_UPDATE, &u, sizeof(u),
	    c->peer_sent ? NULL : c->peer_der,
	    c->peer_sent || c->peer_der_len > LINK_MAX_DER ? 0 : c->peer_der_len,
	    NULL, 0, &err) != AT_OK)
		return; /* the parent is gone; the engine ends with it */
	if (c->peer_der != NULL)
		c->peer_sent = true;
	c->mirror_state = (uint8_t)(c->state + 1);
	c->mirror_ms = now;
	c->mirror_dirty = false;
}

static void
fill_update(struct attlsd_worker *w, const struct attlsd_conn *c, struct link_update *up)
{
	struct link_update u;

	memset(&u, 0, sizeof(u));
	(void)pthread_mutex_lock(&w->table->lock);
	u.id = c->id;
	u.state = (uint8_t)c->state;
	u.to_peer = c->to_peer;
	u.from_peer = c->from_peer;
	u.so_error = c->so_error;
	u.cipher = c->cipher;
	u.ktls = c->ktls;
	(void)snprintf(u.protocol, sizeof(u.protocol), "%s", c->protocol);
	(void)snprintf(u.mapped_user, sizeof(u.mapped_user), "%s", c->mapped_user);
	(void)snprintf(u.peer_subject, sizeof(u.peer_subject), "%s",
	    c->peer_subject != NULL ? c->peer_subject : "");
	(void)pthread_mutex_unlock(&w->table->lock);
	*up = u;
}

/* Sends the byte counts that waited for MIRROR_MS. */
static void
flush_mirrors(struct attlsd_worker *w)
{
	struct attlsd_conn *c;

	if (w->flush_ms == 0 || now_ms() < w->flush_ms)
		return;
	w->flush_ms = 0;
	for (c = w->conns; c != NULL; c = c->wnext)
		if (c->mirror_dirty)
			mirror(w, c, true);
}

static void
update(struct attlsd_worker *w, struct attlsd_conn *c)
{
	attlsd_conntab_update(w->table, c);
	mirror(w, c, false);
}

/*
 * c has ended: the parent's copy takes its final state and goes (one
 * message, sent before the program hears of the end).
 */
static void
gone(struct attlsd_worker *w, struct attlsd_conn *c)
{
	struct link_gone g;
	struct at_err err;

	if (w->link_fd < 0)
		return;
	fill_update(w, c, &g.u);
	if (link_send(w->link_fd, LINK_GONE, &g, sizeof(g),
	    c->peer_sent ? NULL : c->peer_der,
	    c->peer_sent || c->peer_der_len > LINK_MAX_DER ? 0 : c->peer_der_len,
	    NULL, 0, &err) != AT_OK)
		return; /* the parent is gone; the engine ends with it */
	c->peer_sent = true;
}

void
attlsd_conn_free(struct attlsd_conn *c)
{
	if (c == NULL)
		return;
	engine_conn_free(c->engine);
	attlsd_gen_unref(c->gen);
	if (c->reply_fd >= 0)
		(void)close(c->reply_fd);
	if (c->pending_app_fd >= 0)
		(void)close(c->pending_app_fd);
	free(c->peer_der);
	OPENSSL_free(c->peer_subject);
	free(c);
}

static uint32_t
to_epoll(unsigned want)
{
	return ((want & ENGINE_WANT_READ) ? EPOLLIN : 0u) |
	    ((want & ENGINE_WANT_WRITE) ? EPOLLOUT : 0u);
}

/*
 * Makes fd's registration match ev (0 = not registered).  False, with
 * errno, when epoll refused: the descriptor would then never be waited
 * for, so the caller ends the connection.
 */
static bool
arm(struct attlsd_worker *w, struct attlsd_conn *c, int fd, unsigned *cur, uint32_t ev)
{
	struct epoll_event e = { .events = ev, .data.ptr = c };
	int op;

	if (*cur == ev)
		return true;
	op = ev == 0 ? EPOLL_CTL_DEL : *cur == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
	if (epoll_ctl(w->epfd, op, fd, &e) != 0)
		return false;
	*cur = ev;
	return true;
}

/* Takes fd out of the epoll set, whatever epoll says: it is closing. */
static void
disarm(struct attlsd_worker *w, struct attlsd_conn *c, int fd, unsigned *cur)
{
	if (!arm(w, c, fd, cur, 0))
		*cur = 0;
}

/*
 * Answers a program's TTLS_INIT_CONNECTION once its handshake has ended:
 * on success with the connection's state and the application's end of the
 * pair to put in place of the TCP socket; on failure with ECONNRESET, as
 * z/OS does for a failed blocking handshake.
 */
static void
answer_init(struct attlsd_worker *w, struct attlsd_conn *c, bool ok)
{
	struct ctl_query_reply r;
	struct at_buf out;
	struct at_err err;
	int fd = c->pending_app_fd;

	if (c->reply_fd < 0)
		return;
	if (!ok || !attlsd_conntab_query(w->table, c->app_ino, &r, NULL, 0)) {
		memset(&r, 0, sizeof(r));
		r.errnum = ECONNRESET;
		r.stat_policy = 5; /* TTLS_POL_APPLCNTRL */
		r.stat_conn = 1;   /* TTLS_CONN_NOTSECURE */
		ok = false;
	}
	r.cert = NULL;
	r.cert_len = 0;
	at_buf_init(&out, CTL_MSG_MAX);
	if (ctl_encode_query_reply(&out, c->reply_cookie, &r, &err) != AT_OK ||
	    ctl_send(c->reply_fd, &out, &fd, ok ? 1 : 0, &err) != AT_OK)
		attlsd_log(LOG_WARNING, false, "attlsd: answering TTLS_INIT_CONNECTION for "
		    "CONNID %08X: %s", c->id, err.msg);
	at_buf_free(&out);
	(void)close(c->reply_fd);
	c->reply_fd = -1;
	if (c->pending_app_fd >= 0)
		(void)close(c->pending_app_fd);
	c->pending_app_fd = -1;
}

static void
unlink_conn(struct attlsd_worker *w, struct attlsd_conn *c)
{
	if (c->wprev != NULL)
		c->wprev->wnext = c->wnext;
	else
		w->conns = c->wnext;
	if (c->wnext != NULL)
		c->wnext->wprev = c->wprev;
	w->nconns--;
}

static void
finish(struct attlsd_worker *w, struct attlsd_conn *c)
{
	disarm(w, c, engine_conn_app_fd(c->engine), &c->app_ev);
	disarm(w, c, engine_conn_peer_fd(c->engine), &c->peer_ev);
	unlink_conn(w, c);
	attlsd_conntab_update(w->table, c);
	gone(w, c);
	answer_init(w, c, c->state != ENGINE_FAILED);
	if (c->state == ENGINE_FAILED) {
		const char *event, *why;
		int rc = engine_conn_failure(c->engine, &event, &why);

		/* The handshake call's own result; a timeout or a refused
		 * partner mapping is not one. */
		if (strcmp(event, "Initial Handshake") == 0 && (rc < 5000 || rc == 5001 ||
		    rc == 5003))
			ezd_flow(c, rc, "Call", "SSL_do_handshake", why);
		ezd_conn_error(c, rc, event, why);
	} else {
		ezd_conn_close(c);
	}
	attlsd_conntab_remove(w->table, c);
	c->dead = true;
	c->wnext = w->grave;
	w->grave = c;
}

static void
bury(struct attlsd_worker *w)
{
	struct attlsd_conn *c, *next;

	for (c = w->grave; c != NULL; c = next) {
		next = c->wnext;
		attlsd_conn_free(c);
	}
	w->grave = NULL;
}

/*
 * After a handshake in a server role: the user the client's certificate
 * maps to (a registered certificate, else a RACDCERT MAP filter) is the
 * parent's to find, since only it may read the security database.  True
 * when the question went to the parent: the connection stays held until
 * attlsd_worker_mapped() brings the answer.
 */
static bool
ask_map(struct attlsd_worker *w, struct attlsd_conn *c)
{
	const struct policy_actions *a = c->rule->actions;
	struct at_err err;
	uint32_t id = c->id;

	if (a->role != POLICY_ROLE_SERVER_CLIENT_AUTH || c->peer_der == NULL)
		return false;
	if (c->peer_der_len > LINK_MAX_DER || w->link_fd < 0 ||
	    link_send(w->link_fd, LINK_MAP, &id, sizeof(id), c->peer_der, c->peer_der_len,
	    NULL, 0, &err) != AT_OK) {
		/* Not mapped is what SAFCheck refuses; otherwise go on. */
		if (a->client_auth_type == POLICY_CLIENT_AUTH_SAFCHECK)
			engine_conn_abort(c->engine, 5002, "Initial Handshake",
			    "the certificate could not be mapped to a user");
		return false;
	}
	c->mapping = true;
	return true;
}

/* The parent's answer to ask_map(); with SAFCheck, nobody ends c (5002). */
static void
map_answer(struct attlsd_worker *w, struct attlsd_conn *c, const char *user,
    const char *reason)
{
	const struct policy_actions *a = c->rule->actions;

	c->mapping = false;
	if (user[0] != '\0') {
		(void)pthread_mutex_lock(&w->table->lock);
		(void)snprintf(c->mapped_user, sizeof(c->mapped_user), "%s", user);
		(void)pthread_mutex_unlock(&w->table->lock);
	} else if (a->client_auth_type == POLICY_CLIENT_AUTH_SAFCHECK) {
		engine_conn_abort(c->engine, 5002, "Initial Handshake", reason);
	}
}

/*
 * TLS has ended both ways on a TTLS_STOP_CONNECTION: the TCP socket goes
 * back to the program, in cleartext, and the connection leaves attlsd.
 */
static void
finish_stop(struct attlsd_worker *w, struct attlsd_conn *c)
{
	int tcp = engine_conn_take_peer_fd(c->engine);
	struct ctl_query_reply r;
	struct at_buf out;
	struct at_err err;

	disarm(w, c, engine_conn_app_fd(c->engine), &c->app_ev);
	disarm(w, c, tcp, &c->peer_ev);
	unlink_conn(w, c);
	attlsd_conntab_update(w->table, c);
	gone(w, c);
	memset(&r, 0, sizeof(r));
	r.stat_policy = 5; /* TTLS_POL_APPLCNTRL */
	r.stat_conn = 1;   /* TTLS_CONN_NOTSECURE */
	(void)snprintf(r.rule, sizeof(r.rule), "%s", c->rule->name);
	(void)snprintf(r.group_action, sizeof(r.group_action), "%s",
	    c->rule->actions->group_name);
	at_buf_init(&out, CTL_MSG_MAX);
	if (c->reply_fd >= 0 && (ctl_encode_query_reply(&out, c->reply_cookie, &r, &err) != AT_OK ||
	    ctl_send(c->reply_fd, &out, &tcp, 1, &err) != AT_OK))
		attlsd_log(LOG_WARNING, false, "attlsd: answering TTLS_STOP_CONNECTION for "
		    "CONNID %08X: %s", c->id, err.msg);
	at_buf_free(&out);
	if (c->reply_fd >= 0)
		(void)close(c->reply_fd);
	c->reply_fd = -1;
	if (tcp >= 0)
		(void)close(tcp);
	ezd_conn_stop(c);
	attlsd_conntab_remove(w->table, c);
	c->dead = true;
	c->wnext = w->grave;
	w->grave = c;
}

/*
 * The handshake is over and every check of the partner has passed: log
 * success, give the program its socket, and let data move.
 */
static enum engine_state
go_live(struct attlsd_worker *w, struct attlsd_conn *c)
{
	ezd_handshake_done(c, c->protocol, c->cipher);
	answer_init(w, c, true);
	/* The parent keeps the partner's certificate for status and queries;
	 * the engine needs it no more, and idle connections are counted in
	 * thousands. */
	if (c->peer_sent) {
		(void)pthread_mutex_lock(&w->table->lock);
		free(c->peer_der);
		c->peer_der = NULL;
		c->peer_der_len = 0;
		OPENSSL_free(c->peer_subject);
		c->peer_subject = NULL;
		(void)pthread_mutex_unlock(&w->table->lock);
	}
	engine_conn_release(c->engine);
	return engine_conn_run(c->engine);
}

static void settle(struct attlsd_worker *w, struct attlsd_conn *c, enum engine_state after,
    uint64_t out0, uint64_t in0);

static void
process(struct attlsd_worker *w, struct attlsd_conn *c)
{
	enum engine_state before = c->state, after;
	uint64_t out0 = c->to_peer, in0 = c->from_peer;

	if (c->dead || c->mapping)
		return;
	after = engine_conn_run(c->engine);
	if (after != before || after == ENGINE_RELAYING)
		update(w, c);
	if (before == ENGINE_HANDSHAKING && after == ENGINE_RELAYING) {
		/* The engine holds the relay after the handshake: every check
		 * of the partner passes before a byte moves either way, before
		 * the program gets its socket (TTLS_INIT_CONNECTION) and before
		 * success is logged.  While the parent maps the certificate
		 * nothing is watched, so a partner that sends at once cannot
		 * make the worker spin. */
		if (ask_map(w, c)) {
			disarm(w, c, engine_conn_app_fd(c->engine), &c->app_ev);
			disarm(w, c, engine_conn_peer_fd(c->engine), &c->peer_ev);
			return;
		}
		after = engine_conn_state(c->engine);
		if (after != ENGINE_FAILED) {
			after = go_live(w, c);
			update(w, c);
		}
	}
	settle(w, c, after, out0, in0);
}

/* The parent has mapped c's certificate (ask_map): on with the handshake's end. */
static void
mapped(struct attlsd_worker *w, struct attlsd_conn *c, const char *user, const char *reason)
{
	uint64_t out0 = c->to_peer, in0 = c->from_peer;
	enum engine_state after;

	map_answer(w, c, user, reason);
	mirror(w, c, true); /* the mapped user, before the program hears */
	after = engine_conn_state(c->engine);
	if (after != ENGINE_FAILED) {
		after = go_live(w, c);
		update(w, c);
	}
	settle(w, c, after, out0, in0);
}

/* After a run of c: ends it, or watches what it waits for. */
static void
settle(struct attlsd_worker *w, struct attlsd_conn *c, enum engine_state after,
    uint64_t out0, uint64_t in0)
{
	unsigned wa, wp;
	char why[128];

	ezd_data(c, c->to_peer - out0, c->from_peer - in0);
	if (after == ENGINE_DONE || after == ENGINE_FAILED) {
		finish(w, c);
		return;
	}
	if (after == ENGINE_STOPPED) {
		finish_stop(w, c);
		return;
	}
	engine_conn_interest(c->engine, &wa, &wp);
	/* Edge-triggered on the program's end: the keeper byte attlsd never
	 * reads (engine_app_pair) keeps it readable for good, so level
	 * triggering would wake the worker for ever.  Each new write by the
	 * program is an edge, and the engine reads until the socket is empty
	 * or it stops wanting to read; a change of interest re-arms it. */
	if (!arm(w, c, engine_conn_app_fd(c->engine), &c->app_ev,
	    wa != 0 ? to_epoll(wa) | EPOLLET : 0) ||
	    !arm(w, c, engine_conn_peer_fd(c->engine), &c->peer_ev, to_epoll(wp))) {
		(void)snprintf(why, sizeof(why), "the connection cannot be watched "
		    "(epoll_ctl: %s)", strerror(errno));
		engine_conn_abort(c->engine, 6001, NULL, why);
		finish(w, c);
	}
}

/* A program's control request, or (map set) the parent's mapping answer. */
struct attlsd_cmd {
	uint32_t id;
	uint32_t req_type;
	int reply_fd;
	uint32_t cookie;
	bool map;
	char user[16];
	char reason[256];
	struct attlsd_cmd *next;
};

static void
queue_cmd(struct attlsd_worker *w, struct attlsd_cmd *cmd)
{
	uint64_t one = 1;

	(void)pthread_mutex_lock(&w->qlock);
	cmd->next = w->cmds;
	w->cmds = cmd;
	(void)pthread_mutex_unlock(&w->qlock);
	if (write(w->evfd, &one, sizeof(one)) < 0)
		return; /* a full counter still wakes the worker */
}

bool
attlsd_worker_mapped(struct attlsd_worker *w, uint32_t id, const char *user,
    const char *reason)
{
	struct attlsd_cmd *cmd = calloc(1, sizeof(*cmd));

	if (cmd == NULL)
		return false;
	cmd->id = id;
	cmd->map = true;
	cmd->reply_fd = -1;
	(void)snprintf(cmd->user, sizeof(cmd->user), "%s", user);
	(void)snprintf(cmd->reason, sizeof(cmd->reason), "%s", reason);
	queue_cmd(w, cmd);
	return true;
}

bool
attlsd_worker_command(struct attlsd_worker *w, uint32_t id, uint32_t req_type,
    int client_fd, uint32_t cookie)
{
	struct attlsd_cmd *cmd = calloc(1, sizeof(*cmd));

	if (cmd == NULL) {
		(void)close(client_fd);
		return false;
	}
	cmd->reply_fd = client_fd;
	cmd->id = id;
	cmd->req_type = req_type;
	cmd->cookie = cookie;
	queue_cmd(w, cmd);
	return true;
}

/*
 * Carries out one control request on c in the worker that owns its SSL.
 * Returns the errno for the program (0 on success), following the
 * SIOCTTLSCTL rules: EPROTO for what the protocol in use cannot do.
 */
static int
control_conn(struct attlsd_conn *c, uint32_t req)
{
	SSL *ssl = engine_conn_ssl(c->engine);
	bool tls13 = SSL_version(ssl) >= TLS1_3_VERSION;

	if (req & CTL_TTLS_INIT_CONNECTION)
		return EALREADY; /* the connection is secure already */
	if (engine_conn_state(c->engine) != ENGINE_RELAYING)
		return EPROTO;
	if (req & CTL_TTLS_RESET_SESSION) {
		/* The session can no longer be resumed: the next connection
		 * makes a full handshake. */
		SSL_SESSION *s = SSL_get_session(ssl);

		if (s != NULL)
			(void)SSL_CTX_remove_session(SSL_get_SSL_CTX(ssl), s);
	}
	if (req & (CTL_TTLS_RESET_CIPHER | CTL_TTLS_RESET_WRITE_CIPHER)) {
		if (!tls13)
			return EPROTO; /* renegotiation stays off (RFC 5746 risks) */
		if (SSL_key_update(ssl, (req & CTL_TTLS_RESET_CIPHER) ?
		    SSL_KEY_UPDATE_REQUESTED : SSL_KEY_UPDATE_NOT_REQUESTED) != 1) {
			ERR_clear_error();
			return EPROTO;
		}
	}
	if (req & CTL_TTLS_SEND_SESSION_TICKET) {
		if (!tls13 || !SSL_is_server(ssl) || SSL_new_session_ticket(ssl) != 1) {
			ERR_clear_error();
			return EPROTO;
		}
	}
	return 0;
}

static void
run_commands(struct attlsd_worker *w)
{
	struct attlsd_cmd *cmd, *next;
	struct attlsd_conn *c;

	(void)pthread_mutex_lock(&w->qlock);
	cmd = w->cmds;
	w->cmds = NULL;
	(void)pthread_mutex_unlock(&w->qlock);
	for (; cmd != NULL; cmd = next) {
		struct ctl_query_reply r;
		struct at_buf out;
		struct at_err err;

		next = cmd->next;
		for (c = w->conns; c != NULL && c->id != cmd->id; c = c->wnext)
			;
		if (cmd->map) {
			if (c != NULL && c->mapping && !c->dead)
				mapped(w, c, cmd->user, cmd->reason);
			free(cmd);
			continue;
		}
		memset(&r, 0, sizeof(r));
		if (c != NULL && (cmd->req_type & CTL_TTLS_STOP_CONNECTION) != 0 &&
		    c->reply_fd < 0 && engine_conn_stop(c->engine) == 0) {
			/* Answered by finish_stop() once both close_notify
			 * alerts have crossed (or by finish() on failure). */
			c->reply_fd = cmd->reply_fd;
			c->reply_cookie = cmd->cookie;
			free(cmd);
			process(w, c);
			continue;
		}
		if (c == NULL) {
			r.errnum = ENOTCONN;
		} else if (cmd->req_type & CTL_TTLS_STOP_CONNECTION) {
			/* Data still in flight (or a stop already under way). */
			process(w, c);
			if (c->dead || !attlsd_conntab_query(w->table, c->app_ino, &r, NULL, 0))
				memset(&r, 0, sizeof(r));
			r.errnum = EPROTO;
		} else {
			int e = control_conn(c, cmd->req_type);

			process(w, c); /* sends what the request queued (KeyUpdate, ticket) */
			if (c->dead || !attlsd_conntab_query(w->table, c->app_ino, &r, NULL, 0)) {
				memset(&r, 0, sizeof(r));
				e = e != 0 ? e : ECONNRESET;
			}
			r.errnum = e;
		}
		r.cert = NULL;
		r.cert_len = 0;
		at_buf_init(&out, CTL_MSG_MAX);
		if (ctl_encode_query_reply(&out, cmd->cookie, &r, &err) != AT_OK ||
		    ctl_send(cmd->reply_fd, &out, NULL, 0, &err) != AT_OK)
			attlsd_log(LOG_WARNING, false, "attlsd: answering a control request: %s",
			    err.msg);
		at_buf_free(&out);
		(void)close(cmd->reply_fd);
		free(cmd);
	}
}

static void
take_new(struct attlsd_worker *w)
{
	struct attlsd_conn *c, *next;
	uint64_t v;

	if (read(w->evfd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return;
	(void)pthread_mutex_lock(&w->qlock);
	c = w->queue;
	w->queue = NULL;
	(void)pthread_mutex_unlock(&w->qlock);
	for (; c != NULL; c = next) {
		next = c->wnext;
		c->wprev = NULL;
		c->wnext = w->conns;
		if (w->conns != NULL)
			w->conns->wprev = c;
		w->conns = c;
		w->nconns++;
		ezd_handshake_start(c);
		if (c->deadline_ms != 0 &&
		    (w->next_deadline_ms == 0 || c->deadline_ms < w->next_deadline_ms))
			w->next_deadline_ms = c->deadline_ms;
		process(w, c);
	}
}

/*
 * Ends handshakes past their deadline; returns ms to the next (-1 none).
 * The list is walked only when the earliest known deadline has come, not
 * on every wake-up: with thousands of established connections a walk per
 * event would cost more than the relaying itself.
 */
static int
check_deadlines(struct attlsd_worker *w)
{
	uint64_t now = now_ms(), next = 0;
	struct attlsd_conn *c, *n;

	if (w->next_deadline_ms == 0)
		return -1;
	if (w->next_deadline_ms > now)
		return w->next_deadline_ms - now > INT_MAX ? INT_MAX :
		    (int)(w->next_deadline_ms - now);
	for (c = w->conns; c != NULL; c = n) {
		n = c->wnext;
		if (c->deadline_ms == 0 || engine_conn_state(c->engine) != ENGINE_HANDSHAKING)
			continue;
		if (c->deadline_ms <= now) {
			engine_conn_abort(c->engine, 5004, NULL, "the handshake did not finish within "
			    "HandshakeTimeout");
			finish(w, c);
			continue;
		}
		if (next == 0 || c->deadline_ms < next)
			next = c->deadline_ms;
	}
	w->next_deadline_ms = next;
	if (next == 0)
		return -1;
	return next - now > INT_MAX ? INT_MAX : (int)(next - now);
}

static void *
run(void *arg)
{
	struct attlsd_worker *w = arg;
	struct epoll_event ev[64];
	bool stop = false;
	int i, n, timeout;

	while (!stop) {
		flush_mirrors(w);
		timeout = check_deadlines(w);
		if (w->flush_ms != 0) {
			uint64_t now = now_ms();
			int f = w->flush_ms > now ? (int)(w->flush_ms - now) : 0;

			if (timeout < 0 || f < timeout)
				timeout = f;
		}
		/* Connections it just ended are closed now, not after the
		 * next event: on a quiet host that may never come, and the
		 * program and the partner would wait for ever.  No batch of
		 * events is in hand here, so none can refer to them. */
		bury(w);
		n = epoll_wait(w->epfd, ev, 64, timeout);
		for (i = 0; i < n; i++) {
			if (ev[i].data.ptr == w) {
				take_new(w);
				run_commands(w);
			} else {
				process(w, ev[i].data.ptr);
			}
		}
		bury(w);
		(void)pthread_mutex_lock(&w->qlock);
		stop = w->stop;
		(void)pthread_mutex_unlock(&w->qlock);
	}
	while (w->conns != NULL) {
		struct attlsd_conn *c = w->conns;

		engine_conn_abort(c->engine, 5005, NULL, "attlsd is stopping");
		finish(w, c);
	}
	bury(w);
	return NULL;
}

enum at_rc
attlsd_worker_start(struct attlsd_worker *w, struct attlsd_conntab *table, int link_fd,
    struct at_err *err)
{
	struct epoll_event e = { .events = EPOLLIN };

	memset(w, 0, sizeof(*w));
	w->table = table;
	w->link_fd = link_fd;
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	w->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	e.data.ptr = w;
	if (w->epfd < 0 || w->evfd < 0 || epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->evfd, &e) != 0) {
		enum at_rc rc = at_err_set(err, AT_E_IO, "creating a worker's event loop");

		if (w->epfd >= 0)
			(void)close(w->epfd);
		if (w->evfd >= 0)
			(void)close(w->evfd);
		return rc;
	}
	if (pthread_mutex_init(&w->qlock, NULL) != 0 ||
	    pthread_create(&w->thread, NULL, run, w) != 0) {
		(void)close(w->epfd);
		(void)close(w->evfd);
		return at_err_setx(err, AT_E_IO, "cannot start a worker thread");
	}
	return AT_OK;
}

static void
wake(struct attlsd_worker *w)
{
	uint64_t one = 1;

	/* A full eventfd counter still wakes the worker, so EAGAIN is fine. */
	if (write(w->evfd, &one, sizeof(one)) < 0)
		return;
}

void
attlsd_worker_give(struct attlsd_worker *w, struct attlsd_conn *c)
{
	(void)pthread_mutex_lock(&w->qlock);
	c->wnext = w->queue;
	w->queue = c;
	(void)pthread_mutex_unlock(&w->qlock);
	wake(w);
}

void
attlsd_worker_stop(struct attlsd_worker *w)
{
	struct attlsd_conn *c, *next;

	(void)pthread_mutex_lock(&w->qlock);
	w->stop = true;
	(void)pthread_mutex_unlock(&w->qlock);
	wake(w);
	(void)pthread_join(w->thread, NULL);
	for (c = w->queue; c != NULL; c = next) {
		next = c->wnext;
		gone(w, c);
		attlsd_conntab_remove(w->table, c);
		attlsd_conn_free(c);
	}
	while (w->cmds != NULL) {
		struct attlsd_cmd *cmd = w->cmds;

		w->cmds = cmd->next;
		if (cmd->reply_fd >= 0)
			(void)close(cmd->reply_fd);
		free(cmd);
	}
	(void)close(w->epfd);
	(void)close(w->evfd);
	(void)pthread_mutex_destroy(&w->qlock);
}
