/*
 * conn_attack_test.c - one engine connection against a raw OpenSSL partner
 * that misbehaves, over a real TCP connection on 127.0.0.1:
 *   - data sent with a TLS 1.3 client's last handshake flight stays held
 *     (nothing reaches the application, no interest) until the caller
 *     releases the relay;
 *   - a partner that ends TCP without close_notify (RC 420) or resets
 *     (RC 406): the application gets what was decrypted, then ECONNRESET;
 *   - a partner that answers our close_notify with a bare TCP end: an
 *     orderly close, end-of-file for the application, also after free;
 *   - attlsd's end keeps its keeper byte while relaying, so closing it
 *     without an orderly end resets the application.
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
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/err.h>

#include "engine/conn.h"
#include "engine/tlsctx.h"
#include "testcert.h"
#include "testpolicy.h"

#define TLS13_ONLY "  TTLSEnvironmentAdvancedParms\n  {\n    TLSv1.3 On\n    TLSv1.2 Off\n  }\n"

static struct testcert ca, server_cert;

static int
setup(void **state)
{
	(void)state;
	return testcert_make(&ca, "attack CA", NULL) &&
	    testcert_make(&server_cert, "attack.example", &ca) ? 0 : -1;
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

/* A connected, non-blocking TCP pair on 127.0.0.1, kernel-chosen port. */
static void
tcp_pair(int *cfd, int *sfd)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(l >= 0);
	assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(l, 1), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&a, &alen), 0);
	*cfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(*cfd >= 0);
	assert_int_equal(connect(*cfd, (struct sockaddr *)&a, sizeof(a)), 0);
	*sfd = accept(l, NULL, NULL);
	assert_true(*sfd >= 0);
	close(l);
	nonblock(*cfd);
	nonblock(*sfd);
}

/* An engine as attlsd makes it (reading ahead); *app_fd is the
 * application's end. */
static struct engine_conn *
make_engine(int peer_fd, SSL_CTX *ctx, const struct policy_actions *a, int *app_fd)
{
	struct engine_conn *c = NULL;
	struct at_err err;
	SSL *ssl = NULL;
	int sp[2];

	assert_int_equal(engine_app_pair(sp, &err), AT_OK);
	assert_int_equal(engine_tls_new(ctx, a, &ssl, &err), AT_OK);
	engine_tls_stream(ssl);
	assert_int_equal(engine_conn_new(sp[0], peer_fd, ssl, &c, &err), AT_OK);
	*app_fd = sp[1];
	return c;
}

static void
wait_in(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	(void)poll(&p, 1, 100);
}

/* Runs the engine (released as soon as its handshake is done) and the raw
 * partner's handshake until both are done. */
static void
handshake(struct engine_conn *e, SSL *raw, int raw_fd)
{
	bool raw_done = false;
	int i;

	for (i = 0; i < 200; i++) {
		if (!raw_done) {
			ERR_clear_error();
			raw_done = SSL_do_handshake(raw) == 1;
		}
		if (engine_conn_run(e) == ENGINE_RELAYING) {
			engine_conn_release(e);
			(void)engine_conn_run(e);
			if (raw_done)
				return;
		}
		assert_int_not_equal(engine_conn_state(e), ENGINE_FAILED);
		wait_in(raw_fd);
	}
	fail_msg("handshake did not finish");
}

/* Runs the engine until it reaches state want. */
static void
run_until(struct engine_conn *e, enum engine_state want, int peer_fd)
{
	int i;

	for (i = 0; i < 200 && engine_conn_run(e) != want; i++)
		wait_in(peer_fd);
	assert_int_equal(engine_conn_state(e), want);
}

/* Reads what the application has (non-blocking): returns the count, or
 * -errno. */
static ssize_t
app_recv(int fd, char *buf, size_t len)
{
	ssize_t n = recv(fd, buf, len, MSG_DONTWAIT);

	return n < 0 ? -errno : n;
}

static int
queued_in(int fd)
{
	int n = -1;

	assert_int_equal(ioctl(fd, FIONREAD, &n), 0);
	return n;
}

static void
test_held_until_released(void **state)
{
	struct policy_set *cs = testpolicy_load_env("  HandshakeRole Client\n" TLS13_ONLY);
	struct policy_set *ss = testpolicy_load_env("  HandshakeRole Server\n" TLS13_ONLY);
	SSL_CTX *cctx = testpolicy_ctx(testpolicy_actions(cs), NULL, &ca, 0);
	SSL_CTX *sctx = testpolicy_ctx(testpolicy_actions(ss), &server_cert, &ca, 0);
	static const char early[] = "sent with the client Finished";
	struct engine_conn *e;
	unsigned wa, wp;
	char buf[128];
	SSL *cl;
	int ctcp, stcp, app, i;
	ssize_t n = 0;

	(void)state;
	tcp_pair(&ctcp, &stcp);
	e = make_engine(stcp, sctx, testpolicy_actions(ss), &app);
	cl = SSL_new(cctx);
	assert_non_null(cl);
	assert_int_equal(SSL_set_fd(cl, ctcp), 1);
	SSL_set_connect_state(cl);
	/* The client finishes first (TLS 1.3) and writes at once, so the
	 * server's last handshake read may well take the data too. */
	for (i = 0; i < 200 && SSL_do_handshake(cl) != 1; i++) {
		assert_int_equal(engine_conn_run(e), ENGINE_HANDSHAKING);
		wait_in(ctcp);
	}
	assert_int_equal(SSL_write(cl, early, (int)sizeof(early)), (int)sizeof(early));
	run_until(e, ENGINE_RELAYING, stcp);
	/* Held: however often it runs, nothing reaches the application. */
	for (i = 0; i < 5; i++) {
		assert_int_equal(engine_conn_run(e), ENGINE_RELAYING);
		wait_in(stcp);
	}
	engine_conn_interest(e, &wa, &wp);
	assert_int_equal(wa, 0);
	assert_int_equal(wp, 0);
	assert_int_equal(app_recv(app, buf, sizeof(buf)), -EAGAIN);
	/* A refused partner: the application sees a reset and no data. */
	engine_conn_abort(e, 5002, "Initial Handshake", "maps to no user");
	assert_int_equal(engine_conn_failure(e, NULL, NULL), 5002);
	engine_conn_free(e);
	assert_int_equal(app_recv(app, buf, sizeof(buf)), -ECONNRESET);
	close(app);
	SSL_free(cl);
	close(ctcp);

	/* The same, released: the data comes. */
	tcp_pair(&ctcp, &stcp);
	e = make_engine(stcp, sctx, testpolicy_actions(ss), &app);
	cl = SSL_new(cctx);
	assert_int_equal(SSL_set_fd(cl, ctcp), 1);
	SSL_set_connect_state(cl);
	for (i = 0; i < 200 && SSL_do_handshake(cl) != 1; i++) {
		(void)engine_conn_run(e);
		wait_in(ctcp);
	}
	assert_int_equal(SSL_write(cl, early, (int)sizeof(early)), (int)sizeof(early));
	run_until(e, ENGINE_RELAYING, stcp);
	engine_conn_release(e);
	for (i = 0; i < 200; i++) {
		(void)engine_conn_run(e);
		n = app_recv(app, buf, sizeof(buf));
		if (n > 0)
			break;
		wait_in(stcp);
	}
	assert_int_equal(n, (ssize_t)sizeof(early));
	assert_memory_equal(buf, early, sizeof(early));
	engine_conn_free(e);
	close(app);
	SSL_free(cl);
	close(ctcp);
	SSL_CTX_free(cctx);
	SSL_CTX_free(sctx);
	policy_set_free(cs);
	policy_set_free(ss);
}

enum ending { END_FIN, END_RST, END_ANSWER };

/*
 * A client-role engine against a raw server that takes a request, sends
 * "partial" and ends as told.  Returns the engine's return code; *got is
 * what the application read before the end, *last how its last read
 * ended (0 end-of-file, else -errno) once the engine is freed.
 */
static int
ending_case(enum ending how, char *got, size_t gotsz, ssize_t *last)
{
	struct policy_set *cs = testpolicy_load_env("  HandshakeRole Client\n" TLS13_ONLY);
	struct policy_set *ss = testpolicy_load_env("  HandshakeRole Server\n" TLS13_ONLY);
	SSL_CTX *cctx = testpolicy_ctx(testpolicy_actions(cs), NULL, &ca, 0);
	SSL_CTX *sctx = testpolicy_ctx(testpolicy_actions(ss), &server_cert, &ca, 0);
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	struct engine_conn *e;
	size_t have = 0;
	char buf[64];
	SSL *sv;
	int ctcp, stcp, app, i, rc;
	ssize_t n;

	tcp_pair(&ctcp, &stcp);
	e = make_engine(ctcp, cctx, testpolicy_actions(cs), &app);
	sv = SSL_new(sctx);
	assert_non_null(sv);
	assert_int_equal(SSL_set_fd(sv, stcp), 1);
	SSL_set_accept_state(sv);
	handshake(e, sv, stcp);

	/* A request through the relay: attlsd's end still keeps one unread
	 * byte afterwards. */
	assert_int_equal(write(app, "request", 7), 7);
	n = 0;
	for (i = 0; i < 200 && n <= 0; i++) {
		(void)engine_conn_run(e);
		ERR_clear_error();
		n = SSL_read(sv, buf, sizeof(buf));
		if (n <= 0)
			wait_in(stcp);
	}
	assert_int_equal(n, 7);
	assert_int_equal(queued_in(engine_conn_app_fd(e)), 1);

	assert_int_equal(SSL_write(sv, "partial", 7), 7);
	if (how == END_ANSWER) {
		/* The application ends first; the server waits for our
		 * close_notify and answers it with a bare TCP end. */
		assert_int_equal(shutdown(app, SHUT_WR), 0);
		for (i = 0; i < 200; i++) {
			(void)engine_conn_run(e);
			ERR_clear_error();
			if (SSL_read(sv, buf, sizeof(buf)) <= 0 &&
			    SSL_get_error(sv, 0) == SSL_ERROR_ZERO_RETURN)
				break;
			wait_in(stcp);
		}
		assert_true(i < 200);
		assert_int_equal(shutdown(stcp, SHUT_WR), 0);
	} else if (how == END_FIN) {
		assert_int_equal(shutdown(stcp, SHUT_WR), 0);
	} else {
		wait_in(app);
		assert_int_equal(setsockopt(stcp, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0);
		close(stcp);
		stcp = -1;
	}
	for (i = 0; i < 200; i++) {
		enum engine_state s = engine_conn_run(e);

		n = app_recv(app, got + have, gotsz - 1 - have);
		if (n > 0)
			have += (size_t)n;
		if (s == ENGINE_DONE || s == ENGINE_FAILED)
			break;
		wait_in(ctcp);
	}
	rc = engine_conn_failure(e, NULL, NULL);
	assert_true(engine_conn_state(e) == ENGINE_DONE || engine_conn_state(e) == ENGINE_FAILED);
	/* What was delivered before the end can still be read. */
	while ((n = app_recv(app, got + have, gotsz - 1 - have)) > 0)
		have += (size_t)n;
	got[have] = '\0';
	engine_conn_free(e);
	*last = app_recv(app, buf, sizeof(buf));
	close(app);
	SSL_free(sv);
	if (stcp >= 0)
		close(stcp);
	SSL_CTX_free(cctx);
	SSL_CTX_free(sctx);
	policy_set_free(cs);
	policy_set_free(ss);
	return rc;
}

static void
test_fin_without_close_notify(void **state)
{
	char got[64];
	ssize_t last;

	(void)state;
	assert_int_equal(ending_case(END_FIN, got, sizeof(got), &last), 420);
	assert_string_equal(got, "partial");
	assert_int_equal(last, -ECONNRESET);
}

static void
test_reset(void **state)
{
	char got[64];
	ssize_t last;

	(void)state;
	assert_int_equal(ending_case(END_RST, got, sizeof(got), &last), 406);
	assert_int_equal(last, -ECONNRESET);
}

static void
test_bare_fin_answering_close_notify(void **state)
{
	char got[64];
	ssize_t last;

	(void)state;
	assert_int_equal(ending_case(END_ANSWER, got, sizeof(got), &last), 0);
	assert_string_equal(got, "partial");
	assert_int_equal(last, 0);
}

/* An end that is not from engine_app_pair is refused (fail closed). */
static void
test_plain_pair_refused(void **state)
{
	struct policy_set *ss = testpolicy_load_env("  HandshakeRole Server\n");
	SSL_CTX *sctx = testpolicy_ctx(testpolicy_actions(ss), &server_cert, &ca, 0);
	struct engine_conn *c = NULL;
	struct at_err err;
	SSL *ssl = NULL;
	int sp[2], ctcp, stcp;

	(void)state;
	tcp_pair(&ctcp, &stcp);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sp), 0);
	assert_int_equal(engine_tls_new(sctx, testpolicy_actions(ss), &ssl, &err), AT_OK);
	assert_int_not_equal(engine_conn_new(sp[0], stcp, ssl, &c, &err), AT_OK);
	assert_null(c);
	close(sp[1]);
	close(ctcp);
	SSL_CTX_free(sctx);
	policy_set_free(ss);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_held_until_released),
		cmocka_unit_test(test_fin_without_close_notify),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_bare_fin_answering_close_notify),
		cmocka_unit_test(test_plain_pair_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
