/*
 * conn.c - the handshake and relay state machine of one protected
 * connection (see conn.h).
 *
 * Each direction has one buffer (BUF_MAX) that is allocated when data
 * arrives and released once it has been passed on, so an idle connection
 * holds no relay memory; OpenSSL's own buffers are released too
 * (SSL_MODE_RELEASE_BUFFERS in tlsctx.c, SSL_free_buffers here).
 *
 * Records to the peer go through a write buffer that is flushed at the end
 * of each burst (wbio_attach), so a burst is one send().
 *
 * OpenSSL may need to read to make progress on a write and the other way
 * round, so each direction records which way it is blocked on the peer
 * descriptor, and the interest is the union of both directions' needs.
 */
#define _DEFAULT_SOURCE /* SO_PEEK_OFF */
#include "engine/conn.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/sockios.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

/* Relay buffer per direction while data flows: four full TLS records, so
 * one read from the application fills four records and four decrypted
 * records go to it in one write. */
#define BUF_MAX 65536
#define RECORD_MAX 16384
/* The write buffer before the TCP socket: four records, each with room
 * for its header, content type and authentication tag. */
#define WBUF_MAX (4 * (RECORD_MAX + 256))

struct dir_buf {
	unsigned char *mem;   /* malloc, or NULL; p is mem + a head room */
	unsigned char *p;
	size_t len;   /* bytes held */
	size_t off;   /* bytes already passed on */
};

struct engine_conn {
	int app_fd;
	int peer_fd;
	SSL *ssl;
	enum engine_state state;
	struct dir_buf up;      /* application -> peer (plaintext to encrypt) */
	struct dir_buf down;    /* peer -> application (decrypted) */
	unsigned up_peer_want;  /* what SSL_write waits for on the peer fd */
	unsigned down_peer_want;/* what SSL_read / the handshake waits for */
	bool up_app_blocked;    /* read(app) said EAGAIN */
	bool down_app_blocked;  /* write(app) said EAGAIN */
	bool app_eof;           /* the application shut down its sending side */
	bool peer_eof;          /* close_notify (or TCP EOF) from the peer */
	bool close_sent;        /* our close_notify went out */
	bool app_shut;          /* shutdown(app_fd, SHUT_WR) done */
	bool connecting;        /* the TCP connect has not finished yet */
	bool wbuf;              /* records go through a write buffer (wbio_attach) */
	bool flush_want;        /* that buffer waits for the socket to drain */
	bool tcp_shut;          /* shutdown(peer_fd, SHUT_WR) done */
	/* Within one engine_conn_run: SSL_read came back short or stopped,
	 * so the next would most likely say EAGAIN.  Not trying saves that
	 * system call; the TCP socket is watched level-triggered, so data
	 * that arrives meanwhile still wakes the worker.  There is no such
	 * shortcut on the application's end: it is watched edge-triggered
	 * (the keeper byte keeps it readable), and an end-of-file that came
	 * right behind the data would give no new edge, so it is read until
	 * EAGAIN. */
	bool peer_drained;
	bool peer_notified;     /* the peer's end was a close_notify */
	bool held;              /* handshake done, relay not yet released */
	int so_error;           /* why the TCP connect failed (errno), or 0 */
	/* The peer's end was not orderly (a reset, or a TCP end without
	 * close_notify before ours): what was decrypted still goes to the
	 * application, then the connection fails with cut_rc, cut_why. */
	int cut_rc;
	const char *cut_why;
	struct engine_conn_stats stats;
	int fail_rc;
	const char *fail_event;
	char *fail_why;         /* malloc, only once failed (or NULL) */
};

/* Bytes waiting in a socket's receive queue (FIONREAD) or unread by its
 * peer (SIOCOUTQ); -1 when the kernel will not say. */
static int
queued(int fd, unsigned long req)
{
	int n = 0;

	return ioctl(fd, req, &n) == 0 ? n : -1;
}

static void
fail(struct engine_conn *c, int rc, const char *event, const char *why)
{
	if (c->state == ENGINE_FAILED)
		return;
	c->state = ENGINE_FAILED;
	c->fail_rc = rc;
	c->fail_event = event;
	/* A failed connection keeps its sentence for the log; the others
	 * should not carry room for one (NULL reads as ""). */
	if (why != NULL)
		c->fail_why = strndup(why, 383);
	ERR_clear_error();
}

/*
 * Puts a write buffer of four records in front of the TCP socket while a
 * burst is being relayed, so its records leave in one send() instead of
 * one each (fewer system calls, fuller segments).  It is taken away again
 * when the connection goes idle (wbio_detach), so idle connections do not
 * pay for it.  Not with kernel TLS: the kernel then frames the records
 * itself and OpenSSL's control messages must reach the socket in step
 * with the data.
 */
static bool
wbio_attach(struct engine_conn *c)
{
	BIO *sock, *buf;

	if (c->wbuf || (SSL_get_options(c->ssl) & SSL_OP_ENABLE_KTLS) != 0)
		return true;
	sock = SSL_get_wbio(c->ssl);
	buf = BIO_new(BIO_f_buffer());
	if (buf == NULL || BIO_set_write_buffer_size(buf, WBUF_MAX) != 1 ||
	    BIO_up_ref(sock) != 1) {
		BIO_free(buf);
		return false;
	}
	/* The chain takes a reference to the socket BIO of its own;
	 * SSL_set0_wbio drops the one the write side had. */
	(void)BIO_push(buf, sock);
	SSL_set0_wbio(c->ssl, buf);
	c->wbuf = true;
	return true;
}

/* Back to writing straight to the socket; only with the buffer empty. */
static void
wbio_detach(struct engine_conn *c)
{
	BIO *sock;

	if (!c->wbuf || BIO_wpending(SSL_get_wbio(c->ssl)) != 0)
		return;
	sock = SSL_get_rbio(c->ssl);
	if (BIO_up_ref(sock) != 1)
		return;
	SSL_set0_wbio(c->ssl, sock);
	c->wbuf = false;
}

/*
 * Sends what the write buffer holds.  True once it is empty; false while
 * the socket is full (flush_want set) or after a failure (state FAILED).
 */
static bool
flush_peer(struct engine_conn *c)
{
	BIO *w;

	c->flush_want = false;
	if (!c->wbuf)
		return true;
	w = SSL_get_wbio(c->ssl);
	if (BIO_wpending(w) == 0 || BIO_flush(w) > 0)
		return true;
	if (BIO_should_retry(w)) {
		c->flush_want = true;
		return false;
	}
	fail(c, 406, "Data Encryption", "sending to the partner failed");
	return false;
}

/*
 * The keeper byte: the program's end sends one byte at birth that attlsd's
 * end never consumes (reads peek past it, then consume all but the last
 * byte seen), so attlsd's end always has unread data.  Linux gives the
 * peer of an AF_UNIX stream socket closed with unread data ECONNRESET on
 * its next read once the data queued for it is gone; closing without
 * unread data gives end-of-file.  So whenever attlsd's end closes
 * without first draining it (a failure, or the kernel closing it because
 * attlsd was killed), the program sees a reset, as it would on TCP; an
 * orderly end drains first (drain_app) and the program sees end-of-file.
 */
enum at_rc
engine_app_pair(int sp[2], struct at_err *err)
{
	static const unsigned char keeper = 0;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sp) != 0)
		return at_err_set(err, AT_E_IO, "making the application's socket pair");
	if (send(sp[1], &keeper, 1, MSG_NOSIGNAL) != 1) {
		enum at_rc rc = at_err_set(err, AT_E_IO, "priming the application's socket pair");

		(void)close(sp[0]);
		(void)close(sp[1]);
		sp[0] = sp[1] = -1;
		return rc;
	}
	return AT_OK;
}

enum at_rc
engine_conn_new(int app_fd, int peer_fd, SSL *ssl, struct engine_conn **out,
    struct at_err *err)
{
	struct engine_conn *c;
	int one = 1;

	*out = NULL;
	/* Peeks start after the keeper byte (see engine_app_pair); the
	 * kernel moves the offset back as bytes are consumed. */
	if (setsockopt(app_fd, SOL_SOCKET, SO_PEEK_OFF, &one, sizeof(one)) != 0 ||
	    queued(app_fd, FIONREAD) < 1) {
		SSL_free(ssl);
		(void)close(app_fd);
		(void)close(peer_fd);
		return at_err_set(err, AT_E_IO, "the application's end is not from "
		    "engine_app_pair (no keeper byte, or no peek offset)");
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL || SSL_set_fd(ssl, peer_fd) != 1) {
		free(c);
		SSL_free(ssl);
		(void)close(app_fd);
		(void)close(peer_fd);
		return at_err_ssl(err, AT_E_NOMEM, "setting up a protected connection");
	}
	c->app_fd = app_fd;
	c->peer_fd = peer_fd;
	c->ssl = ssl;
	c->state = ENGINE_HANDSHAKING;
	*out = c;
	return AT_OK;
}

/*
 * A failed handshake as a System SSL-style code and a sentence that says
 * which side refused and why: an alert the partner sent (OpenSSL's reason
 * names it "...alert...") means the partner refused; every other reason
 * is this side's decision.  The OpenSSL reason follows in brackets for
 * whoever searches for it.
 */
static bool
handshake_reason(int reason, long vr, int *rc, const char **sentence)
{
	switch (reason) {
	case SSL_R_NO_SHARED_CIPHER:
		*rc = 402;
		*sentence = "this side refused the handshake: none of the cipher suites "
		    "the partner offered is in this rule's list";
		return true;
	case SSL_R_UNSUPPORTED_PROTOCOL:
	case SSL_R_NO_PROTOCOLS_AVAILABLE:
	case SSL_R_WRONG_SSL_VERSION:
		*rc = 402;
		*sentence = "this side refused the handshake: the partner offered no "
		    "protocol version this rule allows";
		return true;
	case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
		*rc = 402;
		*sentence = "the partner refused the handshake (alert protocol_version): "
		    "it allows none of the protocol versions this rule offers";
		return true;
	case SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE:
	case SSL_R_TLSV1_ALERT_INSUFFICIENT_SECURITY:
		*rc = 402;
		*sentence = "the partner refused the handshake (alert handshake_failure): "
		    "most often it has no cipher suite, group or signature algorithm in "
		    "common with this rule, or it wanted a client certificate and got none";
		return true;
	case SSL_R_HTTP_REQUEST:
	case SSL_R_HTTPS_PROXY_REQUEST:
	case SSL_R_WRONG_VERSION_NUMBER:
	case SSL_R_UNKNOWN_PROTOCOL:
	case SSL_R_PACKET_LENGTH_TOO_LONG:
		*rc = 5003;
		*sentence = "the partner sent data that is not TLS (cleartext where a "
		    "handshake was expected)";
		return true;
	case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
		*rc = 5001;
		*sentence = "client authentication is required and the client sent no "
		    "certificate";
		return true;
	case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
		*rc = 403;
		*sentence = "the partner refused the handshake (alert certificate_required): "
		    "it requires a client certificate and this side sent none; the key "
		    "ring needs a certificate with a private key for the client role";
		return true;
	case SSL_R_DH_KEY_TOO_SMALL:
		*rc = 8;
		*sentence = "the partner's ephemeral Diffie-Hellman key is smaller than "
		    "this side accepts (PeerMinDHKeySize)";
		return true;
	case SSL_R_CERTIFICATE_VERIFY_FAILED:
		*rc = vr == X509_V_ERR_CERT_HAS_EXPIRED || vr == X509_V_ERR_CERT_NOT_YET_VALID ?
		    401 : 8;
		*sentence = X509_verify_cert_error_string(vr);
		return true;
	case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
	case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
	case SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN:
	case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED:
	case SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE:
	case SSL_R_SSLV3_ALERT_CERTIFICATE_REVOKED:
		*rc = 414;
		*sentence = "the partner refused this side's certificate";
		return true;
	default:
		return false;
	}
}

/* Fails the connection as a handshake failure for reason; false when
 * the reason is not one the handshake knows. */
static bool
fail_handshake(struct engine_conn *c, unsigned long e)
{
	const char *sentence;
	char why[384], ossl[160];
	int rc;

	if (!handshake_reason(ERR_GET_REASON(e), SSL_get_verify_result(c->ssl), &rc,
	    &sentence))
		return false;
	/* A verify error is already precise (OpenSSL's reason adds only
	 * "certificate verify failed"). */
	if (ERR_GET_REASON(e) == SSL_R_CERTIFICATE_VERIFY_FAILED) {
		fail(c, rc, "Initial Handshake", sentence);
		return true;
	}
	ERR_error_string_n(e, ossl, sizeof(ossl));
	(void)snprintf(why, sizeof(why), "%s [%s]", sentence, ossl);
	fail(c, rc, "Initial Handshake", why);
	return true;
}

static void
handshake_failed(struct engine_conn *c, int sslerr)
{
	const char *data = NULL;
	int flags = 0;
	unsigned long e = ERR_peek_error_data(&data, &flags);
	char why[256], ossl[160];

	if (sslerr == SSL_ERROR_SYSCALL || sslerr == SSL_ERROR_ZERO_RETURN) {
		fail(c, 420, "Initial Handshake", "the partner closed the connection "
		    "during the handshake");
		return;
	}
	if (fail_handshake(c, e))
		return;
	/* The text that came with the error says more than its code (a
	 * proxy key's "the keyholder closed the channel", say). */
	if (data != NULL && (flags & ERR_TXT_STRING) != 0 && data[0] != '\0')
		(void)snprintf(ossl, sizeof(ossl), "%s", data);
	else
		ERR_error_string_n(e, ossl, sizeof(ossl));
	/* OpenSSL numbers the reason for an alert received from the partner
	 * from SSL_AD_REASON_OFFSET up, in libssl's own codes only (other
	 * libraries' reasons carry flag bits that make them large). */
	(void)snprintf(why, sizeof(why), "%s [%s]", ERR_GET_LIB(e) == ERR_LIB_SSL &&
	    ERR_GET_REASON(e) >= SSL_AD_REASON_OFFSET ?
	    "the partner refused the handshake with a fatal alert" :
	    "this side ended the handshake", ossl);
	fail(c, 406, "Initial Handshake", why);
}

/* Waits for a non-blocking TCP connect to finish; true once it has. */
static bool
tcp_connected(struct engine_conn *c)
{
	struct pollfd p = { .fd = c->peer_fd, .events = POLLOUT };
	socklen_t len = sizeof(c->so_error);
	char why[160];

	if (poll(&p, 1, 0) == 0) {
		c->down_peer_want = ENGINE_WANT_WRITE;
		return false;
	}
	if (getsockopt(c->peer_fd, SOL_SOCKET, SO_ERROR, &c->so_error, &len) != 0)
		c->so_error = errno;
	if (c->so_error != 0) {
		(void)snprintf(why, sizeof(why), "the TCP connection failed: %s",
		    strerror(c->so_error));
		fail(c, 406, "Initial Handshake", why);
		return false;
	}
	c->connecting = false;
	return true;
}

static void
do_handshake(struct engine_conn *c)
{
	int r, e;

	if (c->connecting && !tcp_connected(c))
		return;

	ERR_clear_error();
	r = SSL_do_handshake(c->ssl);
	if (r == 1) {
		/* Held until the caller has checked the partner (certificate
		 * mapping, SAF): not one byte either way before that, even one
		 * already read with the last handshake message. */
		c->state = ENGINE_RELAYING;
		c->held = true;
		c->down_peer_want = 0;
		return;
	}
	e = SSL_get_error(c->ssl, r);
	if (e == SSL_ERROR_WANT_READ)
		c->down_peer_want = ENGINE_WANT_READ;
	else if (e == SSL_ERROR_WANT_WRITE)
		c->down_peer_want = ENGINE_WANT_WRITE;
	else
		handshake_failed(c, e);
}

/* head: bytes of room before p (app_read needs one). */
static bool
buf_alloc(struct dir_buf *b, size_t head)
{
	if (b->mem == NULL) {
		b->mem = malloc(head + BUF_MAX);
		if (b->mem == NULL)
			return false;
		b->p = b->mem + head;
	}
	return true;
}

static void
buf_release(struct dir_buf *b)
{
	free(b->mem);
	b->mem = b->p = NULL;
	b->len = b->off = 0;
}

/*
 * Reads what the application wrote, leaving the keeper byte (see
 * engine_app_pair) unread: peek past the keeper, then consume the keeper
 * and all but the last byte peeked, which becomes the next keeper.  The
 * consuming read lands on p - 1, so it rewrites the bytes the peek put
 * there with the same values; p must have a byte of room before it.
 * Returns like read().
 */
static ssize_t
app_read(int fd, unsigned char *p, size_t len)
{
	ssize_t n, t;

	n = recv(fd, p, len, MSG_PEEK);
	if (n <= 0)
		return n;
	do
		t = recv(fd, p - 1, (size_t)n, 0);
	while (t < 0 && errno == EINTR);
	if (t != n) {
		/* Only attlsd reads this end, and n bytes and more were there. */
		errno = EIO;
		return -1;
	}
	return n;
}

/* Consumes everything left, keeper included, so that closing this end
 * reads as end-of-file to the application, not as a reset. */
static void
drain_app(int fd)
{
	unsigned char sink[4096];
	int left = queued(fd, FIONREAD);
	ssize_t n;

	/* Bounded by what is there now: a program still writing cannot keep
	 * this loop going. */
	while (left > 0) {
		n = recv(fd, sink, sizeof(sink), MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		left -= (int)n;
	}
}

/* Application -> peer. Returns true when progress was made. */
static bool
pump_up(struct engine_conn *c)
{
	bool progress = false;
	ssize_t n;
	int w, e;

	for (;;) {
		if (c->up.len == c->up.off) {
			if (c->app_eof)
				break;
			if (!buf_alloc(&c->up, 1)) {
				fail(c, 4, "Data Encryption", "out of memory");
				return false;
			}
			n = app_read(c->app_fd, c->up.p, BUF_MAX);
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
				c->up_app_blocked = true;
				buf_release(&c->up);
				break;
			}
			if (n < 0 && errno == EINTR)
				continue;
			c->up_app_blocked = false;
			if (n <= 0) {
				/* EOF, or the application's end was reset: both end the
				 * sending direction. */
				c->app_eof = true;
				buf_release(&c->up);
				progress = true;
				break;
			}
			c->up.len = (size_t)n;
			c->up.off = 0;
			progress = true;
		}
		/* A burst of one record gains nothing from the buffer. */
		if (c->up.len - c->up.off > RECORD_MAX && !wbio_attach(c)) {
			fail(c, 4, "Data Encryption", "out of memory");
			return false;
		}
		ERR_clear_error();
		w = SSL_write(c->ssl, c->up.p + c->up.off, (int)(c->up.len - c->up.off));
		if (w > 0) {
			c->up.off += (size_t)w;
			c->stats.to_peer += (uint64_t)w;
			c->up_peer_want = 0;
			progress = true;
			if (c->up.off == c->up.len)
				c->up.len = c->up.off = 0;
			continue;
		}
		e = SSL_get_error(c->ssl, w);
		if (e == SSL_ERROR_WANT_WRITE) {
			c->up_peer_want = ENGINE_WANT_WRITE;
		} else if (e == SSL_ERROR_WANT_READ) {
			c->up_peer_want = ENGINE_WANT_READ;
		} else {
			fail(c, 406, "Data Encryption", "sending to the partner failed");
			return false;
		}
		break;
	}
	if (!flush_peer(c) && c->state == ENGINE_FAILED)
		return false;
	if (c->up.len == 0)
		buf_release(&c->up);
	return progress;
}

/*
 * Peer -> application.  Decrypts every record that has arrived, up to
 * BUF_MAX, before writing to the application, so a burst reaches it in one
 * write (and wakes it once) instead of one per record.  Returns true when
 * progress was made.
 */
static bool
pump_down(struct engine_conn *c)
{
	bool progress = false;
	ssize_t n;
	int r, e, saved;

	for (;;) {
		while (!c->peer_drained && !c->peer_eof && c->down.len < BUF_MAX) {
			if (!buf_alloc(&c->down, 0)) {
				fail(c, 4, "Data Decryption", "out of memory");
				return false;
			}
			ERR_clear_error();
			errno = 0;
			r = SSL_read(c->ssl, c->down.p + c->down.len, (int)(BUF_MAX - c->down.len));
			saved = errno;
			if (r > 0) {
				c->down.len += (size_t)r;
				c->stats.from_peer += (uint64_t)r;
				c->down_peer_want = 0;
				/* Nothing left in OpenSSL's buffer and a record shorter
				 * than full: the partner's burst most likely ended
				 * here, and the next read would say EAGAIN.  Full
				 * records (bulk data) keep the loop reading. */
				c->peer_drained = SSL_has_pending(c->ssl) == 0 && r < RECORD_MAX;
				progress = true;
				continue;
			}
			/* Whatever stopped SSL_read holds for the rest of this run. */
			c->peer_drained = true;
			e = SSL_get_error(c->ssl, r);
			if (e == SSL_ERROR_WANT_READ) {
				c->down_peer_want = ENGINE_WANT_READ;
			} else if (e == SSL_ERROR_WANT_WRITE) {
				c->down_peer_want = ENGINE_WANT_WRITE;
			} else if (e == SSL_ERROR_ZERO_RETURN) {
				c->peer_eof = true;
				c->peer_notified = true;
				progress = true;
			} else if ((e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0 && saved == 0) ||
			    (e == SSL_ERROR_SSL && ERR_GET_REASON(ERR_peek_error()) ==
			    SSL_R_UNEXPECTED_EOF_WHILE_READING)) {
				/* A TCP end without close_notify.  After ours it
				 * answers it (many servers close on a close_notify
				 * without sending their own): orderly.  Before ours
				 * nothing tells it from a cut connection, so the
				 * program must not take it for a complete stream. */
				c->peer_eof = true;
				progress = true;
				if (!c->close_sent) {
					c->cut_rc = 420;
					c->cut_why = "the partner ended the TCP connection without "
					    "close_notify: the data may be truncated";
				}
			} else if (e == SSL_ERROR_SYSCALL) {
				c->peer_eof = true;
				progress = true;
				c->cut_rc = 406;
				c->cut_why = saved == ECONNRESET ? "the partner reset the "
				    "connection" : "receiving from the partner failed";
			} else if (c->stats.from_peer == 0 &&
			    fail_handshake(c, ERR_peek_error())) {
				/* In TLS 1.3 a client's handshake is done before the
				 * server has checked its certificate: the server's
				 * refusal (certificate_required, bad_certificate, ...)
				 * arrives as the first record after it, and it is the
				 * handshake that failed. */
				return false;
			} else {
				char why[256], ossl[160];

				ERR_error_string_n(ERR_peek_error(), ossl, sizeof(ossl));
				(void)snprintf(why, sizeof(why), "receiving from the partner "
				    "failed: a bad record or a fatal alert from the partner [%s]",
				    ossl);
				fail(c, 406, "Data Decryption", why);
				return false;
			}
		}
		if (c->down.len == c->down.off)
			break;
		/* send, not write: a closed application end must give EPIPE,
		 * never SIGPIPE, whatever the process does with signals. */
		n = send(c->app_fd, c->down.p + c->down.off, c->down.len - c->down.off,
		    MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			c->down_app_blocked = true;
			break;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			/* The application closed its socket (EPIPE): nothing more
			 * can be delivered.  That is how a TCP program ends a
			 * connection, not a TLS failure: drop what was on its way
			 * in, stop reading the peer, and let pump_up pass on what
			 * the application wrote before closing; its EOF then ends
			 * the TLS side with a close_notify. */
			buf_release(&c->down);
			c->peer_eof = true;
			c->app_shut = true;
			return true;
		}
		c->down_app_blocked = false;
		c->down.off += (size_t)n;
		progress = true;
		if (c->down.off == c->down.len)
			c->down.len = c->down.off = 0;
	}
	if (c->down.len == 0)
		buf_release(&c->down);
	return progress;
}

/* Carries end-of-file across in each direction once its data has gone. */
static void
pass_eofs(struct engine_conn *c)
{
	if (c->app_eof && c->up.len == 0 && !c->close_sent) {
		ERR_clear_error();
		/* SSL_shutdown returns 0 after sending close_notify when the
		 * peer's has not arrived yet; either way ours is out. */
		if (SSL_shutdown(c->ssl) >= 0) {
			c->close_sent = true;
		} else {
			int e = SSL_get_error(c->ssl, -1);

			if (e == SSL_ERROR_WANT_WRITE) {
				c->up_peer_want = ENGINE_WANT_WRITE;
			} else {
				/* The peer is gone already: nothing to flush. */
				c->close_sent = true;
				c->tcp_shut = true;
			}
		}
	}
	/* The TCP half-close goes after the last buffered record, never
	 * before: shutting the socket would lose it. */
	if (c->close_sent && !c->tcp_shut && flush_peer(c)) {
		(void)shutdown(c->peer_fd, SHUT_WR);
		c->tcp_shut = true;
	}
	if (c->peer_eof && c->down.len == 0 && c->cut_rc != 0) {
		/* Everything decrypted has been delivered: now the reset. */
		fail(c, c->cut_rc, "Data Decryption", c->cut_why);
		return;
	}
	if (c->peer_eof && c->down.len == 0 && !c->app_shut) {
		(void)shutdown(c->app_fd, SHUT_WR);
		c->app_shut = true;
	}
	if (c->tcp_shut && c->app_shut)
		c->state = ENGINE_DONE;
}

int
engine_conn_stop(struct engine_conn *c)
{
	if (c->state != ENGINE_RELAYING || c->held)
		return EPROTO;
	/* Pass on what the application wrote before asking. */
	(void)engine_conn_run(c);
	/* The keeper byte (engine_app_pair) is all that may be left unread. */
	if (c->state != ENGINE_RELAYING || c->up.len != 0 || c->down.len != 0 || c->app_eof ||
	    (c->peer_eof && !c->peer_notified) || queued(c->app_fd, FIONREAD) != 1 ||
	    queued(c->app_fd, SIOCOUTQ) != 0)
		return EPROTO;
	c->state = ENGINE_STOPPING;
	c->up_peer_want = c->down_peer_want = 0;
	return 0;
}

int
engine_conn_take_peer_fd(struct engine_conn *c)
{
	int fd = c->peer_fd;

	if (c->state != ENGINE_STOPPED)
		return -1;
	c->peer_fd = -1;
	return fd;
}

/* close_notify out, the partner's in: then the TCP socket is plain again. */
static void
do_stop(struct engine_conn *c)
{
	int r, e;

	/* Whatever was buffered goes first, and our close_notify must be out
	 * before the partner can answer it. */
	if (!flush_peer(c)) {
		c->down_peer_want = ENGINE_WANT_WRITE;
		return;
	}
	ERR_clear_error();
	r = SSL_shutdown(c->ssl);
	if (r == 0) {
		ERR_clear_error();
		r = SSL_shutdown(c->ssl);
	}
	if (!flush_peer(c)) {
		c->down_peer_want = ENGINE_WANT_WRITE;
		return;
	}
	if (r == 1) {
		c->state = ENGINE_STOPPED;
		c->down_peer_want = 0;
		return;
	}
	e = SSL_get_error(c->ssl, r);
	if (r == 0 || e == SSL_ERROR_WANT_READ)
		c->down_peer_want = ENGINE_WANT_READ;
	else if (e == SSL_ERROR_WANT_WRITE)
		c->down_peer_want = ENGINE_WANT_WRITE;
	else
		fail(c, 406, "Connection Stop", "the partner did not end TLS cleanly "
		    "(data or an error instead of close_notify)");
}

void
engine_tls_stream(SSL *ssl)
{
	SSL_set_read_ahead(ssl, 1);
	SSL_set_default_read_buffer_len(ssl, WBUF_MAX);
}

enum engine_state
engine_conn_run(struct engine_conn *c)
{
	bool progress = true;

	c->peer_drained = false;
	if (c->state == ENGINE_STOPPING)
		do_stop(c);
	if (c->state == ENGINE_HANDSHAKING)
		do_handshake(c);
	while (c->state == ENGINE_RELAYING && !c->held && progress) {
		progress = pump_up(c);
		if (c->state != ENGINE_RELAYING)
			break;
		progress = pump_down(c) || progress;
		if (c->state != ENGINE_RELAYING)
			break;
		pass_eofs(c);
	}
	if (c->state == ENGINE_FAILED || c->state == ENGINE_DONE) {
		buf_release(&c->up);
		buf_release(&c->down);
	} else if (c->state == ENGINE_RELAYING && !c->held && c->up.p == NULL &&
	    c->down.p == NULL && !c->flush_want) {
		wbio_detach(c);
		/* SSL_MODE_RELEASE_BUFFERS frees OpenSSL's write buffer once a
		 * record is out, but its read buffer (16.5 KiB) stays whenever
		 * the last read met EAGAIN, which is how every run ends: an
		 * idle connection would hold it for good.  Nothing is pending
		 * (or this refuses, harmlessly), so hand it back. */
		(void)SSL_free_buffers(c->ssl);
	}
	return c->state;
}

void
engine_conn_release(struct engine_conn *c)
{
	c->held = false;
}

void
engine_conn_set_connecting(struct engine_conn *c)
{
	c->connecting = true;
	c->down_peer_want = ENGINE_WANT_WRITE;
}

int
engine_conn_so_error(const struct engine_conn *c)
{
	return c->so_error;
}

void
engine_conn_interest(const struct engine_conn *c, unsigned *app, unsigned *peer)
{
	*app = 0;
	*peer = 0;
	if (c->state == ENGINE_HANDSHAKING || c->state == ENGINE_STOPPING) {
		*peer = c->down_peer_want;
		return;
	}
	if (c->state != ENGINE_RELAYING || c->held)
		return;
	if (c->down.len > c->down.off)
		*app |= ENGINE_WANT_WRITE;
	else if (!c->peer_eof)
		*peer |= c->down_peer_want ? c->down_peer_want : ENGINE_WANT_READ;
	if (c->up.len > c->up.off)
		*peer |= c->up_peer_want ? c->up_peer_want : ENGINE_WANT_WRITE;
	else if (!c->app_eof)
		*app |= ENGINE_WANT_READ;
	if ((c->app_eof && !c->close_sent) || c->flush_want)
		*peer |= ENGINE_WANT_WRITE;
}

enum engine_state
engine_conn_state(const struct engine_conn *c)
{
	return c->state;
}

int
engine_conn_app_fd(const struct engine_conn *c)
{
	return c->app_fd;
}

int
engine_conn_peer_fd(const struct engine_conn *c)
{
	return c->peer_fd;
}

SSL *
engine_conn_ssl(const struct engine_conn *c)
{
	return c->ssl;
}

void
engine_conn_stats(const struct engine_conn *c, struct engine_conn_stats *out)
{
	*out = c->stats;
}

int
engine_conn_failure(const struct engine_conn *c, const char **event, const char **why)
{
	if (event != NULL)
		*event = c->fail_event != NULL ? c->fail_event : "";
	if (why != NULL)
		*why = c->fail_why != NULL ? c->fail_why : "";
	return c->state == ENGINE_FAILED ? c->fail_rc : 0;
}

void
engine_conn_abort(struct engine_conn *c, int rc, const char *event, const char *why)
{
	if (event == NULL)
		event = c->state == ENGINE_HANDSHAKING ? "Initial Handshake" : "Data Decryption";
	fail(c, rc, event, why);
	buf_release(&c->up);
	buf_release(&c->down);
}

void
engine_conn_free(struct engine_conn *c)
{
	if (c == NULL)
		return;
	buf_release(&c->up);
	buf_release(&c->down);
	SSL_free(c->ssl);
	free(c->fail_why);
	/* An orderly end reads as end-of-file to the program, anything else
	 * as a reset (see engine_app_pair). */
	if (c->app_fd >= 0 && (c->state == ENGINE_DONE || c->state == ENGINE_STOPPED))
		drain_app(c->app_fd);
	if (c->app_fd >= 0)
		(void)close(c->app_fd);
	if (c->peer_fd >= 0)
		(void)close(c->peer_fd);
	free(c);
}
