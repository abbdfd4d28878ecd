/*
 * conn_test.c - two engine connections relaying over a real TCP connection
 * on 127.0.0.1 (kernel-chosen port) between two "applications" on socket
 * pairs: every byte arrives in order in both directions at once, half-close
 * travels as close_notify, and failures end the connection with the right
 * return code while the application sees a reset; a client end resumes
 * the session its context remembers for the server.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine/conn.h"
#include "engine/ktls.h"
#include "engine/sesscache.h"
#include "engine/tlsctx.h"
#include "testcert.h"
#include "testpolicy.h"

static struct testcert ca, server_cert;

static int
setup(void **state)
{
	(void)state;
	return testcert_make(&ca, "relay CA", NULL) &&
	    testcert_make(&server_cert, "relay.example", &ca) ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	testcert_free(&ca);
	testcert_free(&server_cert);
	return 0;
}

static void
nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	assert_true(fl >= 0);
	assert_int_equal(fcntl(fd, F_SETFL, fl | O_NONBLOCK), 0);
}

/* A listening socket on 127.0.0.1 with a port the kernel chose. */
static int
listener(struct sockaddr_in *a)
{
	socklen_t alen = sizeof(*a);
	int l = socket(AF_INET, SOCK_STREAM, 0);

	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(l >= 0);
	assert_int_equal(bind(l, (struct sockaddr *)a, sizeof(*a)), 0);
	assert_int_equal(listen(l, 4), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)a, &alen), 0);
	return l;
}

/* A connected, non-blocking TCP pair through listener l at a. */
static void
tcp_connect(int l, const struct sockaddr_in *a, int *cfd, int *sfd)
{
	*cfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(*cfd >= 0);
	assert_int_equal(connect(*cfd, (const struct sockaddr *)a, sizeof(*a)), 0);
	*sfd = accept(l, NULL, NULL);
	assert_true(*sfd >= 0);
	nonblock(*cfd);
	nonblock(*sfd);
}

static void
tcp_pair(int *cfd, int *sfd)
{
	struct sockaddr_in a;
	int l = listener(&a);

	tcp_connect(l, &a, cfd, sfd);
	close(l);
}

static unsigned char
pattern(uint64_t i, unsigned seed)
{
	return (unsigned char)((i * 131u + seed) ^ (i >> 9));
}

/* One application end: sends `total` bytes then shuts down, reads to EOF. */
struct app {
	int fd;
	unsigned send_seed, recv_seed;
	uint64_t to_send, sent, received;
	uint64_t wait_for;  /* bytes to receive before sending anything */
	size_t chunk;
	bool shut, eof, corrupt;
};

static void
app_step(struct app *a)
{
	unsigned char buf[65536];
	ssize_t n;
	size_t i, want;

	while (a->sent < a->to_send && a->received >= a->wait_for) {
		want = a->chunk;
		if (want > a->to_send - a->sent)
			want = (size_t)(a->to_send - a->sent);
		for (i = 0; i < want; i++)
			buf[i] = pattern(a->sent + i, a->send_seed);
		n = write(a->fd, buf, want);
		if (n <= 0)
			break;
		a->sent += (uint64_t)n;
	}
	if (a->sent == a->to_send && a->received >= a->wait_for && !a->shut) {
		assert_int_equal(shutdown(a->fd, SHUT_WR), 0);
		a->shut = true;
	}
	while (!a->eof) {
		n = read(a->fd, buf, sizeof(buf));
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			a->eof = true;
			break;
		}
		if (n < 0)
			break;
		for (i = 0; i < (size_t)n; i++)
			if (buf[i] != pattern(a->received + i, a->recv_seed))
				a->corrupt = true;
		a->received += (uint64_t)n;
	}
}

static struct engine_conn *
make_engine(int peer_fd, SSL_CTX *ctx, const struct policy_actions *a, int *app_fd)
{
	struct engine_conn *c = NULL;
	struct at_err err;
	SSL *ssl = NULL;
	int sp[2];

	assert_int_equal(engine_app_pair(sp, &err), AT_OK);
	assert_int_equal(engine_tls_new(ctx, a, &ssl, &err), AT_OK);
	assert_int_equal(engine_conn_new(sp[0], peer_fd, ssl, &c, &err), AT_OK);
	*app_fd = sp[1];
	return c;
}

static short
events(unsigned want)
{
	return (short)(((want & ENGINE_WANT_READ) ? POLLIN : 0) |
	    ((want & ENGINE_WANT_WRITE) ? POLLOUT : 0));
}

/* Drives both engines and both applications until all is settled. */
static void
drive(struct engine_conn **e, size_t ne, struct app *apps, size_t na)
{
	struct pollfd pfd[8];
	int rounds;
	size_t i, n;

	for (rounds = 0; rounds < 200000; rounds++) {
		bool busy = false;

		for (i = 0; i < na; i++)
			app_step(&apps[i]);
		n = 0;
		for (i = 0; i < ne; i++) {
			unsigned wa, wp;

			if (e[i] == NULL)
				continue;
			if (engine_conn_run(e[i]) == ENGINE_RELAYING) {
				/* Nothing to check about the partner here. */
				engine_conn_release(e[i]);
				(void)engine_conn_run(e[i]);
			}
			engine_conn_interest(e[i], &wa, &wp);
			if (engine_conn_state(e[i]) <= ENGINE_RELAYING)
				busy = true;
			/* Not POLLIN: the keeper byte keeps the engine's end
			 * readable; what the applications write is read in the
			 * next round anyway, as they write in this loop only. */
			pfd[n].fd = engine_conn_app_fd(e[i]);
			pfd[n++].events = events(wa & ~ENGINE_WANT_READ);
			pfd[n].fd = engine_conn_peer_fd(e[i]);
			pfd[n++].events = events(wp);
		}
		for (i = 0; i < na; i++)
			if (!apps[i].eof)
				busy = true;
		if (!busy)
			return;
		for (i = 0; i < na; i++) {
			pfd[n].fd = apps[i].fd;
			pfd[n++].events = POLLIN | (apps[i].sent < apps[i].to_send ? POLLOUT : 0);
		}
		assert_true(poll(pfd, n, 5000) > 0);
	}
	fail_msg("relay did not settle");
}

static void
relay_case(uint64_t up, uint64_t down, size_t chunk)
{
	struct policy_set *cs = testpolicy_load_env("  HandshakeRole Client\n");
	struct policy_set *ss = testpolicy_load_env("  HandshakeRole Server\n");
	SSL_CTX *cctx = testpolicy_ctx(testpolicy_actions(cs), NULL, &ca, 0);
	SSL_CTX *sctx = testpolicy_ctx(testpolicy_actions(ss), &server_cert, &ca, 0);
	struct engine_conn *e[2];
	struct app apps[2] = { { 0 }, { 0 } };
	struct engine_conn_stats st;
	int ctcp, stcp;

	tcp_pair(&ctcp, &stcp);
	e[0] = make_engine(ctcp, cctx, testpolicy_actions(cs), &apps[0].fd);
	e[1] = make_engine(stcp, sctx, testpolicy_actions(ss), &apps[1].fd);
	apps[0].to_send = up;
	apps[0].send_seed = 1;
	apps[0].recv_seed = 2;
	apps[0].chunk = chunk;
	apps[1].to_send = down;
	apps[1].send_seed = 2;
	apps[1].recv_seed = 1;
	apps[1].chunk = chunk;
	drive(e, 2, apps, 2);
	assert_int_equal(engine_conn_state(e[0]), ENGINE_DONE);
	assert_int_equal(engine_conn_state(e[1]), ENGINE_DONE);
	assert_int_equal(apps[1].received, up);
	assert_int_equal(apps[0].received, down);
	assert_false(apps[0].corrupt);
	assert_false(apps[1].corrupt);
	engine_conn_stats(e[0], &st);
	assert_int_equal(st.to_peer, up);
	assert_int_equal(st.from_peer, down);
	assert_int_equal(SSL_version(engine_conn_ssl(e[0])), TLS1_2_VERSION);
	engine_conn_free(e[0]);
	engine_conn_free(e[1]);
	close(apps[0].fd);
	close(apps[1].fd);
	SSL_CTX_free(cctx);
	SSL_CTX_free(sctx);
	policy_set_free(cs);
	policy_set_free(ss);
}

static void
test_large_both_ways(void **state)
{
	(void)state;
	relay_case(6u << 20, 5u << 20, 65536);
}

static void
test_one_byte(void **state)
{
	(void)state;
	relay_case(1, 1, 1);
}

static void
test_one_way_then_close(void **state)
{
	(void)state;
	relay_case(300000, 0, 777);
	relay_case(0, 0, 1);
}

static void
test_cleartext_to_tls_port(void **state)
{
	struct policy_set *ss = testpolicy_load_env("  HandshakeRole Server\n");
	SSL_CTX *sctx = testpolicy_ctx(testpolicy_actions(ss), &server_cert, &ca, 0);
	static const char req[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	struct engine_conn *e;
	const char *event, *why;
	char c;
	int ctcp, stcp, app, i;

	(void)state;
	tcp_pair(&ctcp, &stcp);
	e = make_engine(stcp, sctx, testpolicy_actions(ss), &app);
	assert_int_equal(write(ctcp, req, sizeof(req) - 1), (ssize_t)(sizeof(req) - 1));
	for (i = 0; i < 100 && engine_conn_run(e) == ENGINE_HANDSHAKING; i++) {
		struct pollfd p = { .fd = stcp, .events = POLLIN };

		assert_true(poll(&p, 1, 2000) > 0);
	}
	assert_int_equal(engine_conn_state(e), ENGINE_FAILED);
	assert_int_equal(engine_conn_failure(e, &event, &why), 5003);
	assert_string_equal(event, "Initial Handshake");
	engine_conn_free(e);
	/* The application's end sees a reset, as from a TCP peer that
	 * dropped the connection, never an end-of-file. */
	assert_int_equal(fcntl(app, F_SETFL, 0), 0);
	assert_int_equal(read(app, &c, 1), -1);
	assert_int_equal(errno, ECONNRESET);
	close(app);
	close(ctcp);
	SSL_CTX_free(sctx);
	policy_set_free(ss);
}

static void
test_protocol_mismatch(void **state)
{
	struct policy_set *cs = testpolicy_load_env("  HandshakeRole Client\n"
	    "  TTLSEnvironmentAdvancedParms\n  {\n    TLSv1.3 On\n    TLSv1.2 Off\n  }\n");
	struct policy_set *ss = testpolicy_load_env("  HandshakeRole Server\n"
	    "  TTLSEnvironmentAdvancedParms\n  {\n    TLSv1.3 Off\n    TLSv1.2 On\n  }\n");
	SSL_CTX *cctx = testpolicy_ctx(testpolicy_actions(cs), NULL, &ca, 0);
	SSL_CTX *sctx = testpolicy_ctx(testpolicy_actions(ss), &server_cert, &ca, 0);
	struct engine_conn *e[2];
	struct app apps[2] = { { 0 }, { 0 } };
	int ctcp, stcp;

	(void)state;
	tcp_pair(&ctcp, &stcp);
	e[0] = make_engine(ctcp, cctx, testpolicy_actions(cs), &apps[0].fd);
	e[1] = make_engine(stcp, sctx, testpolicy_actions(ss), &apps[1].fd);
	apps[0].to_send = 10;
	apps[0].chunk = 10;
	apps[1].chunk = 10;
	/* The applications never see end-of-file while the engines exist, so
	 * drive only the engines here. */
	drive(e, 2, apps, 0);
	assert_int_equal(engine_conn_state(e[0]), ENGINE_FAILED);
	assert_int_equal(engine_conn_state(e[1]), ENGINE_FAILED);
	assert_int_equal(engine_conn_failure(e[1], NULL, NULL), 402);
	assert_true(engine_conn_failure(e[0], NULL, NULL) == 402);
	engine_conn_free(e[0]);
	engine_conn_free(e[1]);
	close(apps[0].fd);
	close(apps[1].fd);
	SSL_CTX_free(cctx);
	SSL_CTX_free(sctx);
	policy_set_free(cs);
	policy_set_free(ss);
}

/*
 * The server program closes its socket while the client is still sending:
 * that is an ordinary end (EPIPE on the pair), so the engine ends the TLS
 * side with a close_notify (state DONE, no failure), and the client
 * program sees end-of-file.
 */
static void
test_app_closes_while_peer_sends(void **state)
{
	struct policy_set *cs = testpolicy_load_env("  HandshakeRole Client\n");
	struct policy_set *ss = testpolicy_load_env("  HandshakeRole Server\n");
	SSL_CTX *cctx = testpolicy_ctx(testpolicy_actions(cs), NULL, &ca, 0);
	SSL_CTX *sctx = testpolicy_ctx(testpolicy_actions(ss), &server_cert, &ca, 0);
	struct engine_conn *e[2];
	struct app apps[1] = { { 0 } };
	int ctcp, stcp, sapp;

	(void)state;
	tcp_pair(&ctcp, &stcp);
	e[0] = make_engine(ctcp, cctx, testpolicy_actions(cs), &apps[0].fd);
	e[1] = make_engine(stcp, sctx, testpolicy_actions(ss), &sapp);
	close(sapp); /* the server program is gone before reading anything */
	/* Small enough for the socket buffers: in attlsd the finished engine
	 * is freed and its TCP socket closed, which this loop does not do. */
	apps[0].to_send = 100000;
	apps[0].chunk = 65536;
	apps[0].send_seed = 3;
	drive(e, 2, apps, 1);
	assert_int_equal(engine_conn_state(e[1]), ENGINE_DONE);
	assert_int_equal(engine_conn_failure(e[1], NULL, NULL), 0);
	assert_true(apps[0].eof);
	assert_int_equal(apps[0].received, 0);
	engine_conn_free(e[0]);
	engine_conn_free(e[1]);
	close(apps[0].fd);
	SSL_CTX_free(cctx);
	SSL_CTX_free(sctx);
	policy_set_free(cs);
	policy_set_free(ss);
}

/*
 * One short exchange over a new connection through listener l; the client
 * end first offers what its context's cache holds for the server.  Returns
 * whether the client end resumed a session (and checks the server agrees).
 */
static bool
exchange(int l, const struct sockaddr_in *a, SSL_CTX *cctx, SSL_CTX *sctx,
    const struct policy_set *cs, const struct policy_set *ss, int version, bool *offered,
    unsigned *ktls)
{
	struct engine_conn *e[2];
	struct app apps[2] = { { 0 }, { 0 } };
	bool reused;
	int ctcp, stcp;

	tcp_connect(l, a, &ctcp, &stcp);
	e[0] = make_engine(ctcp, cctx, testpolicy_actions(cs), &apps[0].fd);
	e[1] = make_engine(stcp, sctx, testpolicy_actions(ss), &apps[1].fd);
	*offered = engine_sesscache_offer(engine_conn_ssl(e[0]),
	    (const struct sockaddr *)a, sizeof(*a));
	if (ktls != NULL) {
		engine_ktls_allow(engine_conn_ssl(e[0]));
		engine_ktls_allow(engine_conn_ssl(e[1]));
	}
	apps[0].to_send = apps[1].to_send = 100;
	apps[0].chunk = apps[1].chunk = 100;
	/* The client speaks second: OpenSSL drops a TLS 1.3 ticket that
	 * arrives after its own close_notify went out. */
	apps[0].wait_for = 100;
	apps[0].send_seed = apps[1].recv_seed = 5;
	apps[1].send_seed = apps[0].recv_seed = 6;
	drive(e, 2, apps, 2);
	assert_int_equal(engine_conn_state(e[0]), ENGINE_DONE);
	assert_int_equal(engine_conn_state(e[1]), ENGINE_DONE);
	assert_int_equal(apps[0].received, 100);
	assert_int_equal(apps[1].received, 100);
	assert_int_equal(SSL_version(engine_conn_ssl(e[0])), version);
	if (ktls != NULL) {
		ktls[0] = engine_ktls_state(engine_conn_ssl(e[0]));
		ktls[1] = engine_ktls_state(engine_conn_ssl(e[1]));
	}
	reused = SSL_session_reused(engine_conn_ssl(e[0])) == 1;
	assert_int_equal(reused, SSL_session_reused(engine_conn_ssl(e[1])) == 1);
	engine_conn_free(e[0]);
	engine_conn_free(e[1]);
	close(apps[0].fd);
	close(apps[1].fd);
	return reused;
}

/* Offers without a handshake: how many of n SSLs get a session. */
static int
offers(SSL_CTX *cctx, const struct policy_set *cs, const struct sockaddr_in *a, int n)
{
	struct at_err err;
	SSL *ssl;
	int i, got = 0;

	for (i = 0; i < n; i++) {
		assert_int_equal(engine_tls_new(cctx, testpolicy_actions(cs), &ssl, &err), AT_OK);
		if (engine_sesscache_offer(ssl, (const struct sockaddr *)a, sizeof(*a)))
			got++;
		SSL_free(ssl);
	}
	return got;
}

/* A client and a server context, and a listener standing for the server. */
struct rpair {
	struct policy_set *cs, *ss;
	SSL_CTX *cctx, *sctx;
	struct sockaddr_in a;
	int l;
};

static void
rpair_open(struct rpair *p, const char *cenv, const char *senv)
{
	char body[512];

	(void)snprintf(body, sizeof(body), "  HandshakeRole Client\n%s", cenv);
	p->cs = testpolicy_load_env(body);
	(void)snprintf(body, sizeof(body), "  HandshakeRole Server\n%s", senv);
	p->ss = testpolicy_load_env(body);
	p->cctx = testpolicy_ctx(testpolicy_actions(p->cs), NULL, &ca, 0);
	p->sctx = testpolicy_ctx(testpolicy_actions(p->ss), &server_cert, &ca, 0);
	p->l = listener(&p->a);
}

static bool
rpair_exchange(struct rpair *p, int version, bool *offered)
{
	return exchange(p->l, &p->a, p->cctx, p->sctx, p->cs, p->ss, version, offered, NULL);
}

static void
rpair_close(struct rpair *p)
{
	close(p->l);
	SSL_CTX_free(p->cctx);
	SSL_CTX_free(p->sctx);
	policy_set_free(p->cs);
	policy_set_free(p->ss);
}

#define TLS13_ONLY "  TTLSEnvironmentAdvancedParms\n  {\n    TLSv1.3 On\n    TLSv1.2 Off\n  }\n"
#define GSK(kw) "  TTLSGskAdvancedParms\n  {\n    " kw "\n  }\n"

/*
 * The client context remembers the server's session: the first connection
 * is a full handshake, the next ones resume; a TLS 1.2 session serves any
 * number of connections, a TLS 1.3 ticket one only; another port (another
 * server) is not offered the session.
 */
static void
resumption_case(const char *env, int version, int second_offers)
{
	struct engine_sesscache_stats st;
	struct sockaddr_in other;
	struct rpair p;
	bool offered;
	int l2;

	rpair_open(&p, env, env);
	l2 = listener(&other);
	assert_false(rpair_exchange(&p, version, &offered));
	assert_false(offered);
	engine_sesscache_stats(p.cctx, &st);
	assert_true(st.stored >= 1);
	assert_int_equal(st.peers, 1);
	/* No session for a server on another port. */
	assert_int_equal(offers(p.cctx, p.cs, &other, 1), 0);

	assert_true(rpair_exchange(&p, version, &offered));
	assert_true(offered);
	assert_true(rpair_exchange(&p, version, &offered));
	/* Whatever the last connection left: once per ticket for TLS 1.3,
	 * any number of times for a TLS 1.2 session. */
	assert_int_equal(offers(p.cctx, p.cs, &p.a, 3), second_offers);
	engine_sesscache_stats(p.cctx, &st);
	assert_int_equal(st.peers, 1);

	/* A context without a cache (a server one) never offers. */
	{
		SSL *ssl = SSL_new(p.sctx);

		assert_non_null(ssl);
		assert_false(engine_sesscache_offer(ssl, (const struct sockaddr *)&p.a,
		    sizeof(p.a)));
		SSL_free(ssl);
	}
	close(l2);
	rpair_close(&p);
}

static void
test_resumes_tls12(void **state)
{
	(void)state;
	resumption_case("", TLS1_2_VERSION, 3);
}

static void
test_resumes_tls13(void **state)
{
	(void)state;
	/* Two tickets after each full or resumed handshake (the default
	 * GSK_SESSION_TICKET_SERVER_COUNT); each may be used once. */
	resumption_case(TLS13_ONLY, TLS1_3_VERSION, 2);
}

/* Runs two connections; says whether the second was offered a session
 * and whether it resumed. */
static void
second_connection(const char *cenv, const char *senv, int version, bool want_offered,
    bool want_resumed)
{
	struct rpair p;
	bool offered;

	rpair_open(&p, cenv, senv);
	assert_false(rpair_exchange(&p, version, &offered));
	assert_int_equal(rpair_exchange(&p, version, &offered), want_resumed);
	assert_int_equal(offered, want_offered);
	rpair_close(&p);
}

/* The GSK_* session settings of TTLSGskAdvancedParms take effect. */
static void
test_gsk_session_settings(void **state)
{
	(void)state;
	/* No client cache: never offered, so never resumed. */
	second_connection(GSK("GSK_V3_SIDCACHE_SIZE 0"), "", TLS1_2_VERSION, false, false);
	second_connection(TLS13_ONLY GSK("GSK_V3_SESSION_TIMEOUT 0"), TLS13_ONLY,
	    TLS1_3_VERSION, false, false);
	/* No server cache and no ticket: the server names no session, so
	 * there is nothing to offer. */
	second_connection("", GSK("GSK_V3_SIDCACHE_SIZE 0"), TLS1_2_VERSION, false, false);
	/* Client tickets off: TLS 1.3 cannot resume, TLS 1.2 still can by
	 * session id. */
	second_connection(TLS13_ONLY GSK("GSK_SESSION_TICKET_CLIENT_ENABLE Off"), TLS13_ONLY,
	    TLS1_3_VERSION, false, false);
	second_connection(GSK("GSK_SESSION_TICKET_CLIENT_ENABLE Off"), "", TLS1_2_VERSION,
	    true, true);
	/* Server tickets on: TLS 1.2 resumes from a ticket. */
	second_connection("", GSK("GSK_SESSION_TICKET_SERVER_ENABLE On"), TLS1_2_VERSION,
	    true, true);
}

/* Which TLS 1.2 resumption the server side chose: tickets only when on,
 * and on by default, as in z/OS 3.1 (the second case writes nothing). */
static void
test_tls12_tickets_follow_server_setting(void **state)
{
	static const char *senv[2] = { GSK("GSK_SESSION_TICKET_SERVER_ENABLE Off"), "" };
	int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct rpair p;
		struct at_err err;
		SSL *ssl;
		SSL_SESSION *s;
		bool offered;

		rpair_open(&p, "", senv[i]);
		assert_false(rpair_exchange(&p, TLS1_2_VERSION, &offered));
		assert_int_equal(engine_tls_new(p.cctx, testpolicy_actions(p.cs), &ssl, &err), AT_OK);
		assert_true(engine_sesscache_offer(ssl, (const struct sockaddr *)&p.a, sizeof(p.a)));
		s = SSL_get_session(ssl);
		assert_non_null(s);
		assert_int_equal(SSL_SESSION_has_ticket(s), i == 1);
		SSL_free(ssl);
		rpair_close(&p);
	}
}

/*
 * Kernel TLS where this kernel offers it: with the option set on both
 * ends, the bytes still arrive intact, and the kernel carries the records
 * exactly when the probe says it can (AES-128-GCM at TLS 1.2, which every
 * kernel with the "tls" module offers for sending).  On a kernel without
 * it the option must change nothing.
 */
static void
test_ktls_when_offered(void **state)
{
	char why[160];
	bool avail = engine_ktls_probe(why, sizeof(why)), offered;
	unsigned k[2] = { 9, 9 };
	struct rpair p;

	(void)state;
	if (!avail)
		assert_true(why[0] != '\0');
	rpair_open(&p, "  TTLSCipherParms\n  {\n    V3CipherSuites4Char C02B\n  }\n",
	    "  TTLSCipherParms\n  {\n    V3CipherSuites4Char C02B\n  }\n");
	(void)exchange(p.l, &p.a, p.cctx, p.sctx, p.cs, p.ss, TLS1_2_VERSION, &offered, k);
	if (avail) {
		assert_true((k[0] & ENGINE_KTLS_TX) != 0);
		assert_true((k[1] & ENGINE_KTLS_TX) != 0);
	} else {
		assert_int_equal(k[0], 0);
		assert_int_equal(k[1], 0);
	}
	assert_string_equal(engine_ktls_name(0), "-");
	assert_string_equal(engine_ktls_name(ENGINE_KTLS_TX | ENGINE_KTLS_RX), "tx+rx");
	rpair_close(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_large_both_ways),
		cmocka_unit_test(test_one_byte),
		cmocka_unit_test(test_one_way_then_close),
		cmocka_unit_test(test_cleartext_to_tls_port),
		cmocka_unit_test(test_protocol_mismatch),
		cmocka_unit_test(test_app_closes_while_peer_sends),
		cmocka_unit_test(test_resumes_tls12),
		cmocka_unit_test(test_resumes_tls13),
		cmocka_unit_test(test_gsk_session_settings),
		cmocka_unit_test(test_tls12_tickets_follow_server_setting),
		cmocka_unit_test(test_ktls_when_offered),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
