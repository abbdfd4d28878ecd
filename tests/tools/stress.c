/*
 * stress.c - attls-stress: many concurrent connections through attls where
 * both ends are the same plain program (run it under `attls run`).
 *
 *   attls-stress [-s SEED] [-n CONNS] [-M MAXBYTES] [-v PERCENT]
 *                [-k CHILDREN] [-K CONNS_PER_CHILD] [-H HANG_SECONDS]
 *                [-t TOTAL_SECONDS]
 *   attls-stress -S PORTFILE
 *
 * The first form listens on a kernel-chosen loopback port, then opens CONNS
 * client connections to itself from as many threads (a third each with a
 * blocking connect, a non-blocking one, and a non-blocking one whose socket
 * is in an epoll set before connect()), waits until every one is connected
 * (so that all of them are open at once), and transfers on each
 * a size drawn log-uniformly from 1 byte to MAXBYTES in one or both
 * directions.  Every byte is a function of (seed, connection, direction,
 * offset), so the receiver checks count and content.  Each side may
 * half-close (shutdown(SHUT_WR)) after sending and go on reading.  PERCENT of
 * the connections vanish mid-transfer (an abrupt close: two thirds of them
 * by the client, one third by the server), and CHILDREN forked processes
 * each open CONNS_PER_CHILD connections, send part of their data and are
 * killed with SIGKILL.  The other side of a vanished connection must see
 * an end (EOF or a reset); a side that makes no progress for
 * HANG_SECONDS is reported as a hang.  The whole run is bounded by
 * TOTAL_SECONDS.  Exit status 0 when every connection is accounted for.
 *
 * The second form accepts connections forever, reads each to its end and
 * closes it; it writes its port to PORTFILE (for TLS scanners).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <arpa/inet.h>

#define MAGIC 0x41545354u /* "ATST" */
#define CHUNK (32 * 1024)
#define F_CLIENT_SHUT 1u /* client shuts its write side after sending */
#define F_SERVER_SHUT 2u /* server shuts its write side after sending */
#define F_VANISH 4u      /* client closes abruptly mid-transfer */
#define F_KILLED 8u      /* client lives in a child that is SIGKILLed */
#define F_SRV_VANISH 16u /* the server closes abruptly mid-transfer */
#define F_ANY_VANISH (F_VANISH | F_KILLED | F_SRV_VANISH)

struct hdr {
	uint32_t magic;
	uint32_t id;
	uint32_t flags;
	uint32_t pad;
	uint64_t c2s;
	uint64_t s2c;
};

enum outcome { X_NONE = 0, X_DONE, X_VANISHED, X_ENDED, X_FAIL };

struct plan {
	uint64_t c2s, s2c;     /* bytes client to server, server to client */
	uint64_t vsend, vrecv; /* a vanishing client stops after these */
	uint32_t flags;
	int mode;              /* connect: 0 blocking, 1 non-blocking, 2 with epoll */
};

struct result {
	enum outcome st;
	uint64_t sent, rcvd;
	char why[160];
};

static uint64_t seed;
static unsigned nconns = 400, vanish_pct = 8, nchildren = 2, per_child = 8;
static uint64_t maxbytes = 8u << 20;
static unsigned hang_s = 25, total_s = 90;
static struct sockaddr_in srv_addr;
static struct plan *plans;
static struct result *cres, *sres;
static unsigned total;          /* nconns + nchildren * per_child */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static unsigned server_done, client_done, accepted, open_now, open_peak, hdr_fail, dial_fail;
static pthread_barrier_t connected;
/*
 * When every client had connected (go) and when the children were killed:
 * before then a side may wait for its peer as long as it takes, so the
 * hang clock starts at these moments.  0 until they happen.
 */
static double go_at, killed_at;
enum { WAIT_NONE, WAIT_GO, WAIT_KILL };

static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static uint64_t
stream_key(unsigned id, int dir)
{
	return mix(seed ^ mix(((uint64_t)id << 1) | (uint64_t)dir));
}

/* The pattern: byte i of a stream is byte (i % 8) of mix(key + i / 8). */
static void
fill(uint64_t key, uint64_t off, unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint64_t o = off + i, w = mix(key + (o >> 3));
		unsigned b;

		for (b = (unsigned)(o & 7); b < 8 && i < n; b++, i++)
			p[i] = (unsigned char)(w >> (b * 8));
	}
}

static uint64_t rng_state;

static uint64_t
rnd(void)
{
	rng_state = mix(rng_state);
	return rng_state;
}

static double
rnd01(void)
{
	return (double)(rnd() >> 11) / 9007199254740992.0;
}

/* Log-uniform in [1, max]. */
static uint64_t
rnd_size(uint64_t max)
{
	double v = exp(rnd01() * log((double)max));
	uint64_t s = (uint64_t)v;

	if (s < 1)
		s = 1;
	if (s > max)
		s = max;
	return s;
}

static double
now_s(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void setwhy(struct result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
setwhy(struct result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
}

/* One end of a connection: what to send, what to expect. */
struct end {
	int fd;
	int epfd;            /* -1, or an epoll set holding fd */
	unsigned id;
	uint64_t skey, rkey, slen, rlen;
	int shut_after_send; /* shutdown(SHUT_WR) once everything is sent */
	int expect_eof;      /* read on to EOF after the expected bytes */
	int peer_may_vanish; /* an early end is the expected outcome */
	int vanish;          /* stop (return X_VANISHED) at vsend/vrecv */
	int wait_for;        /* WAIT_*: the peer may be idle until then */
	uint64_t vsend, vrecv;
};

static double
epoch(int which)
{
	double t;

	if (which == WAIT_NONE)
		return 1;
	if (pthread_mutex_lock(&mu) != 0)
		abort();
	t = which == WAIT_GO ? go_at : killed_at;
	if (pthread_mutex_unlock(&mu) != 0)
		abort();
	return t;
}

static void
set_epoch(double *which)
{
	if (pthread_mutex_lock(&mu) != 0)
		abort();
	*which = now_s();
	if (pthread_mutex_unlock(&mu) != 0)
		abort();
}

/* True when nothing happened since last for too long (see go_at). */
static int
stalled(double last, int wait_for)
{
	double ep = epoch(wait_for);

	if (ep == 0)
		return 0;
	if (ep > last)
		last = ep;
	return now_s() - last > hang_s;
}

static int
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0)
		return -1;
	return 0;
}

/*
 * Waits for one event on fd: with poll, or with epoll_wait on epfd when it
 * is not -1 (the registration's data must be the connection's id).
 * Returns 1 with *revents set (as poll's bits), 0 on a timeout, -1 on error.
 */
static int
wait_fd(int fd, int epfd, unsigned id, short events, short *revents, int ms,
    uint32_t *registered)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	struct epoll_event ev;
	int n;

	*revents = 0;
	if (epfd < 0) {
		n = poll(&pfd, 1, ms);
		if (n == 1)
			*revents = pfd.revents;
		return n < 0 && errno == EINTR ? 0 : n;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = ((events & POLLIN) ? EPOLLIN : 0u) | ((events & POLLOUT) ? EPOLLOUT : 0u);
	ev.data.u32 = id;
	if (ev.events != *registered) {
		if (epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev) != 0)
			return -1;
		*registered = ev.events;
	}
	n = epoll_wait(epfd, &ev, 1, ms);
	if (n < 0 && errno == EINTR)
		return 0;
	if (n != 1)
		return n;
	if (ev.data.u32 != id) {
		errno = EBADMSG; /* another registration's data */
		return -1;
	}
	*revents = (short)(((ev.events & EPOLLIN) ? POLLIN : 0) |
	    ((ev.events & EPOLLOUT) ? POLLOUT : 0) | ((ev.events & EPOLLHUP) ? POLLHUP : 0) |
	    ((ev.events & EPOLLERR) ? POLLERR : 0));
	return 1;
}

/*
 * Runs the transfer; r gets the outcome.  The descriptor is left open for
 * the caller to close.
 */
static void
transfer(const struct end *e, struct result *r)
{
	unsigned char *sbuf = malloc(CHUNK), *rbuf = malloc(CHUNK), *want = malloc(CHUNK);
	uint64_t sbuf_off = 0;
	size_t sbuf_len = 0;
	int shut_done = 0, got_eof = 0;
	uint32_t registered = EPOLLOUT; /* what dial() left in the epoll set */
	double last = now_s();

	r->sent = r->rcvd = 0;
	if (sbuf == NULL || rbuf == NULL || want == NULL) {
		r->st = X_FAIL;
		setwhy(r, "out of memory");
		goto out;
	}
	for (;;) {
		int send_done = r->sent == e->slen;
		int recv_done = r->rcvd == e->rlen && (!e->expect_eof || got_eof);
		struct pollfd pfd;
		int n;

		if (e->vanish && r->sent >= e->vsend && r->rcvd >= e->vrecv) {
			r->st = X_VANISHED;
			goto out;
		}
		if (send_done && e->shut_after_send && !shut_done) {
			if (shutdown(e->fd, SHUT_WR) != 0) {
				r->st = e->peer_may_vanish ? X_ENDED : X_FAIL;
				setwhy(r, "send: shutdown(SHUT_WR): %s", strerror(errno));
				goto out;
			}
			shut_done = 1;
		}
		if (send_done && recv_done) {
			r->st = X_DONE;
			goto out;
		}
		pfd.fd = e->fd;
		pfd.events = (short)((send_done || (e->vanish && r->sent >= e->vsend) ? 0 : POLLOUT) |
		    (got_eof ? 0 : POLLIN));
		n = wait_fd(e->fd, e->epfd, e->id, pfd.events, &pfd.revents, 500, &registered);
		if (n < 0) {
			r->st = X_FAIL;
			setwhy(r, "%s: %s", e->epfd >= 0 ? "epoll" : "poll", strerror(errno));
			goto out;
		}
		if (n <= 0 || now_s() - last > 1) {
			/* (also when events come without progress: no spinning
			 * past the hang limit either) */
			if (stalled(last, e->wait_for)) {
				r->st = X_FAIL;
				setwhy(r, "hang: no progress for %us (sent %" PRIu64 "/%" PRIu64
				    ", received %" PRIu64 "/%" PRIu64 "%s)", hang_s, r->sent,
				    e->slen, r->rcvd, e->rlen, got_eof ? ", EOF seen" : "");
				goto out;
			}
			if (n <= 0)
				continue;
		}
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t got = recv(e->fd, rbuf, CHUNK, 0);

			if (got > 0) {
				if (r->rcvd + (uint64_t)got > e->rlen) {
					r->st = X_FAIL;
					setwhy(r, "%" PRIu64 " bytes more than the %" PRIu64 " expected",
					    r->rcvd + (uint64_t)got - e->rlen, e->rlen);
					goto out;
				}
				fill(e->rkey, r->rcvd, want, (size_t)got);
				if (memcmp(want, rbuf, (size_t)got) != 0) {
					size_t i = 0;

					while (want[i] == rbuf[i])
						i++;
					r->st = X_FAIL;
					setwhy(r, "wrong byte at offset %" PRIu64 ": 0x%02x, expected 0x%02x",
					    r->rcvd + i, rbuf[i], want[i]);
					goto out;
				}
				r->rcvd += (uint64_t)got;
				last = now_s();
			} else if (got == 0) {
				if (!got_eof)
					last = now_s();
				got_eof = 1;
				if (r->rcvd < e->rlen) {
					if (e->peer_may_vanish) {
						r->st = X_ENDED;
						setwhy(r, "EOF");
						goto out;
					}
					r->st = X_FAIL;
					setwhy(r, "early EOF: sent %" PRIu64 "/%" PRIu64 ", received %"
					    PRIu64 "/%" PRIu64, r->sent, e->slen, r->rcvd, e->rlen);
					goto out;
				}
			} else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
				if (e->peer_may_vanish) {
					r->st = X_ENDED;
					setwhy(r, "recv: %s", strerror(errno));
					goto out;
				}
				r->st = X_FAIL;
				setwhy(r, "recv after %" PRIu64 "/%" PRIu64 " bytes: %s", r->rcvd,
				    e->rlen, strerror(errno));
				goto out;
			}
		}
		if ((pfd.revents & (POLLOUT | POLLERR | POLLHUP)) && (pfd.events & POLLOUT)) {
			uint64_t lim = e->vanish && e->vsend < e->slen ? e->vsend : e->slen;
			size_t want_n;
			ssize_t put;

			if (r->sent < sbuf_off || r->sent >= sbuf_off + sbuf_len) {
				sbuf_off = r->sent;
				sbuf_len = lim - r->sent < CHUNK ? (size_t)(lim - r->sent) : CHUNK;
				fill(e->skey, sbuf_off, sbuf, sbuf_len);
			}
			want_n = (size_t)(sbuf_off + sbuf_len - r->sent);
			put = send(e->fd, sbuf + (r->sent - sbuf_off), want_n, MSG_NOSIGNAL);
			if (put > 0) {
				r->sent += (uint64_t)put;
				last = now_s();
			} else if (put < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR) {
				if (e->peer_may_vanish) {
					r->st = X_ENDED;
					setwhy(r, "send: %s", strerror(errno));
					goto out;
				}
				r->st = X_FAIL;
				setwhy(r, "send after %" PRIu64 "/%" PRIu64 " bytes: %s", r->sent,
				    e->slen, strerror(errno));
				goto out;
			}
		}
	}
out:
	free(sbuf);
	free(rbuf);
	free(want);
}

static int
write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	double start = now_s();

	while (n > 0) {
		ssize_t w = send(fd, c, n, MSG_NOSIGNAL);

		if (w > 0) {
			c += w;
			n -= (size_t)w;
		} else if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };

			if (now_s() - start > hang_s) {
				errno = ETIMEDOUT;
				return -1;
			}
			(void)poll(&pfd, 1, 500);
		} else {
			return -1;
		}
	}
	return 0;
}

static int
read_all(int fd, void *p, size_t n, int wait_for)
{
	char *c = p;
	double start = now_s();

	while (n > 0) {
		ssize_t g = recv(fd, c, n, 0);

		if (g > 0) {
			c += g;
			n -= (size_t)g;
		} else if (g == 0) {
			errno = EPIPE;
			return -1;
		} else if (errno == EAGAIN || errno == EINTR) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };

			if (stalled(start, wait_for)) {
				errno = ETIMEDOUT;
				return -1;
			}
			(void)poll(&pfd, 1, 500);
		} else {
			return -1;
		}
	}
	return 0;
}

static void
count_open(int delta)
{
	if (pthread_mutex_lock(&mu) != 0)
		abort();
	if (delta < 0)
		open_now--;
	else
		open_now++;
	if (open_now > open_peak)
		open_peak = open_now;
	if (pthread_mutex_unlock(&mu) != 0)
		abort();
}

static void
mark_done(unsigned *counter)
{
	if (pthread_mutex_lock(&mu) != 0)
		abort();
	(*counter)++;
	if (pthread_cond_broadcast(&cv) != 0 || pthread_mutex_unlock(&mu) != 0)
		abort();
}

/*
 * Connects to the server.  Mode 0: a blocking connect; 1: non-blocking,
 * waiting with poll; 2: non-blocking, with the socket added to an epoll
 * set before connect() (the set must follow the socket through the
 * hand-over), returned in *epfd.
 */
static int
dial(int mode, unsigned id, int *epfd, char *why, size_t whylen)
{
	int fd = socket(AF_INET, SOCK_STREAM | (mode ? SOCK_NONBLOCK : 0), 0);
	uint32_t registered = EPOLLOUT;

	*epfd = -1;
	if (fd < 0) {
		(void)snprintf(why, whylen, "socket: %s", strerror(errno));
		return -1;
	}
	if (mode == 2) {
		struct epoll_event ev;

		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLOUT;
		ev.data.u32 = id;
		*epfd = epoll_create1(EPOLL_CLOEXEC);
		if (*epfd < 0 || epoll_ctl(*epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
			(void)snprintf(why, whylen, "epoll: %s", strerror(errno));
			goto fail;
		}
	}
	if (connect(fd, (const struct sockaddr *)&srv_addr, sizeof(srv_addr)) != 0) {
		if (mode != 0 && errno == EINPROGRESS) {
			int err = 0;
			socklen_t len = sizeof(err);
			short rev;

			if (wait_fd(fd, *epfd, id, POLLOUT, &rev, (int)hang_s * 1000,
			    &registered) != 1) {
				(void)snprintf(why, whylen, "non-blocking connect%s: no answer (%s)",
				    mode == 2 ? " with epoll" : "", strerror(errno));
				goto fail;
			}
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
				(void)snprintf(why, whylen, "non-blocking connect: %s",
				    strerror(err != 0 ? err : errno));
				goto fail;
			}
		} else {
			(void)snprintf(why, whylen, "connect: %s", strerror(errno));
			goto fail;
		}
	}
	if (mode == 0 && set_nonblock(fd) != 0) {
		(void)snprintf(why, whylen, "O_NONBLOCK: %s", strerror(errno));
		goto fail;
	}
	return fd;
fail:
	(void)close(fd);
	if (*epfd >= 0)
		(void)close(*epfd);
	*epfd = -1;
	return -1;
}

static void
client_end(struct end *e, unsigned id, int fd)
{
	const struct plan *p = &plans[id];

	memset(e, 0, sizeof(*e));
	e->fd = fd;
	e->epfd = -1;
	e->id = id;
	e->skey = stream_key(id, 0);
	e->rkey = stream_key(id, 1);
	e->slen = p->c2s;
	e->rlen = p->s2c;
	e->shut_after_send = (p->flags & F_CLIENT_SHUT) != 0;
	e->peer_may_vanish = (p->flags & F_SRV_VANISH) != 0;
	/* The side facing a vanishing peer waits to see the end. */
	e->expect_eof = (p->flags & F_SERVER_SHUT) != 0 || e->peer_may_vanish;
	e->vanish = (p->flags & (F_VANISH | F_KILLED)) != 0;
	e->vsend = p->vsend;
	e->vrecv = p->vrecv;
}

static int
send_header(int fd, unsigned id)
{
	struct hdr h;

	memset(&h, 0, sizeof(h));
	h.magic = MAGIC;
	h.id = id;
	h.flags = plans[id].flags;
	h.c2s = plans[id].c2s;
	h.s2c = plans[id].s2c;
	return write_all(fd, &h, sizeof(h));
}

static void *
client_thread(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg;
	struct result *r = &cres[id];
	struct end e;
	int epfd;
	int fd = dial(plans[id].mode, id, &epfd, r->why, sizeof(r->why));
	int w;

	if (fd >= 0) {
		count_open(1);
	} else {
		if (pthread_mutex_lock(&mu) != 0)
			abort();
		dial_fail++;
		if (pthread_mutex_unlock(&mu) != 0)
			abort();
	}
	w = pthread_barrier_wait(&connected);
	if (w != 0 && w != PTHREAD_BARRIER_SERIAL_THREAD)
		abort();
	if (fd < 0) {
		r->st = X_FAIL;
		goto out;
	}
	if (send_header(fd, id) != 0) {
		r->st = X_FAIL;
		setwhy(r, "sending the header: %s", strerror(errno));
	} else {
		client_end(&e, id, fd);
		e.epfd = epfd;
		transfer(&e, r);
		if (e.peer_may_vanish && r->st == X_DONE) {
			r->st = X_ENDED; /* it read to EOF */
			setwhy(r, "EOF");
		}
	}
	if (epfd >= 0 && close(epfd) != 0 && r->st != X_FAIL) {
		r->st = X_FAIL;
		setwhy(r, "close(epoll): %s", strerror(errno));
	}
	if (close(fd) != 0 && r->st != X_FAIL) {
		r->st = X_FAIL;
		setwhy(r, "close: %s", strerror(errno));
	}
	count_open(-1);
out:
	mark_done(&client_done);
	return NULL;
}

static void *
server_thread(void *arg)
{
	int fd = (int)(intptr_t)arg;
	struct hdr h;
	struct end e;
	struct result tmp, *r = &tmp;

	memset(&tmp, 0, sizeof(tmp));
	if (read_all(fd, &h, sizeof(h), WAIT_GO) != 0) {
		(void)fprintf(stderr, "stress: server: reading a header: %s\n", strerror(errno));
		goto fail;
	}
	if (h.magic != MAGIC || h.id >= total || sres[h.id].st != X_NONE ||
	    h.c2s != plans[h.id].c2s || h.s2c != plans[h.id].s2c) {
		(void)fprintf(stderr, "stress: server: bad header (id %u)\n", h.id);
		goto fail;
	}
	r = &sres[h.id];
	memset(&e, 0, sizeof(e));
	e.fd = fd;
	e.epfd = -1;
	e.id = h.id;
	e.skey = stream_key(h.id, 1);
	e.rkey = stream_key(h.id, 0);
	e.slen = h.s2c;
	e.rlen = h.c2s;
	e.shut_after_send = (h.flags & F_SERVER_SHUT) != 0;
	e.peer_may_vanish = (h.flags & (F_VANISH | F_KILLED)) != 0;
	e.expect_eof = (h.flags & F_CLIENT_SHUT) != 0 || e.peer_may_vanish;
	e.vanish = (h.flags & F_SRV_VANISH) != 0;
	e.wait_for = (h.flags & F_KILLED) ? WAIT_KILL : WAIT_GO;
	e.vsend = plans[h.id].vsend;
	e.vrecv = plans[h.id].vrecv;
	transfer(&e, r);
	if (e.peer_may_vanish && r->st == X_DONE) {
		r->st = X_ENDED; /* it read to EOF */
		setwhy(r, "EOF");
	}
	(void)close(fd);
	count_open(-1);
	mark_done(&server_done);
	return NULL;
fail:
	(void)close(fd);
	count_open(-1);
	if (pthread_mutex_lock(&mu) != 0)
		abort();
	server_done++;
	hdr_fail++;
	if (pthread_cond_broadcast(&cv) != 0 || pthread_mutex_unlock(&mu) != 0)
		abort();
	return NULL;
}

static pthread_attr_t small_stack;

static int
spawn(void *(*fn)(void *), void *arg, int detach)
{
	pthread_t t;
	int e = pthread_create(&t, &small_stack, fn, arg);

	if (e != 0) {
		(void)fprintf(stderr, "stress: pthread_create: %s\n", strerror(e));
		return -1;
	}
	if (detach && pthread_detach(t) != 0)
		return -1;
	return 0;
}

static int lfd = -1;

static void *
accept_thread(void *arg)
{
	unsigned n = 0;

	(void)arg;
	while (n < total) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EINVAL)
				break; /* the listener was shut down */
			(void)fprintf(stderr, "stress: accept: %s\n", strerror(errno));
			if (errno == EMFILE || errno == ENFILE)
				(void)usleep(10000);
			continue;
		}
		count_open(1);
		n++;
		if (pthread_mutex_lock(&mu) != 0)
			abort();
		accepted++;
		if (pthread_mutex_unlock(&mu) != 0)
			abort();
		if (spawn(server_thread, (void *)(intptr_t)fd, 1) != 0) {
			(void)close(fd);
			count_open(-1);
		}
	}
	return NULL;
}

/*
 * A child that opens its connections, sends part of each, tells the parent
 * (one byte on ready) and waits to be killed.
 */
static void
child_main(unsigned first, int ready)
{
	unsigned i;
	char why[160], c = 'R';

	for (i = 0; i < per_child; i++) {
		unsigned id = first + i;
		struct end e;
		struct result r;
		int epfd;
		int fd = dial(0, id, &epfd, why, sizeof(why));

		if (fd < 0 || send_header(fd, id) != 0) {
			(void)fprintf(stderr, "stress: child %u: %s\n", id,
			    fd < 0 ? why : strerror(errno));
			c = 'F';
			break;
		}
		client_end(&e, id, fd);
		memset(&r, 0, sizeof(r));
		transfer(&e, &r);
		if (r.st != X_VANISHED) {
			(void)fprintf(stderr, "stress: child %u: %s\n", id, r.why);
			c = 'F';
			break;
		}
		/* fd stays open: the kernel closes it when the child is killed */
	}
	if (write(ready, &c, 1) != 1)
		_exit(3);
	for (;;)
		(void)pause();
}

static void
make_plans(void)
{
	unsigned i;

	rng_state = seed;
	for (i = 0; i < total; i++) {
		struct plan *p = &plans[i];
		unsigned dir = (unsigned)(rnd() % 3); /* 0 c2s, 1 s2c, 2 both */
		int killed = i >= nconns;
		int vanish = killed || rnd() % 100 < vanish_pct;

		p->mode = (int)(rnd() % 3);
		p->c2s = dir != 1 ? rnd_size(maxbytes) : 0;
		p->s2c = dir != 0 ? rnd_size(maxbytes) : 0;
		if (rnd() & 1)
			p->flags |= F_CLIENT_SHUT;
		if (rnd() & 1)
			p->flags |= F_SERVER_SHUT;
		if (vanish) {
			/*
			 * The client stops part way through a transfer of at
			 * least 64 KiB, so the server is certainly still busy.
			 */
			uint64_t big = maxbytes > (1u << 16) ? (uint64_t)1 << 16 : maxbytes;

			p->flags = killed ? F_KILLED : F_VANISH;
			if (!killed && rnd() % 3 == 0) {
				/* The server side vanishes instead. */
				p->flags = F_SRV_VANISH | ((rnd() & 1) ? F_CLIENT_SHUT : 0);
				if (dir == 0) {
					if (p->c2s < big)
						p->c2s = big;
					p->vsend = 0;
					p->vrecv = rnd() % (p->c2s / 2);
				} else {
					if (p->s2c < big)
						p->s2c = big;
					p->vsend = rnd() % (p->s2c / 2);
					p->vrecv = p->c2s / (2 + rnd() % 4);
				}
				continue;
			}
			p->flags |= (rnd() & 1) ? F_SERVER_SHUT : 0;
			if (dir == 1) {
				p->c2s = 0;
				if (p->s2c < big)
					p->s2c = big;
				p->vsend = 0;
				p->vrecv = rnd() % (p->s2c / 2);
			} else {
				if (p->c2s < big)
					p->c2s = big;
				p->vsend = rnd() % (p->c2s / 2);
				p->vrecv = p->s2c / (2 + rnd() % 4);
			}
		}
	}
}

/* Accepts forever; a child per connection reads it to its end. */
static int
serve_forever(void)
{
	if (signal(SIGCHLD, SIG_IGN) == SIG_ERR) /* children reap themselves */
		return 2;
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		pid_t pid;

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			(void)fprintf(stderr, "stress: accept: %s\n", strerror(errno));
			return 1;
		}
		pid = fork();
		if (pid == 0) {
			char buf[4096];

			(void)close(lfd);
			while (read(fd, buf, sizeof(buf)) > 0)
				;
			_exit(0);
		}
		if (pid < 0)
			(void)fprintf(stderr, "stress: fork: %s\n", strerror(errno));
		(void)close(fd);
	}
}

static unsigned long
num_arg(const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || v > max) {
		(void)fprintf(stderr, "stress: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

static const char *
outcome_name(enum outcome o)
{
	switch (o) {
	case X_DONE: return "ok";
	case X_VANISHED: return "vanished";
	case X_ENDED: return "saw the end";
	case X_FAIL: return "FAILED";
	case X_NONE: break;
	}
	return "unfinished";
}

static void
report_conn(unsigned id, const char *side, const struct result *r)
{
	const struct plan *p = &plans[id];

	(void)fprintf(stderr, "stress: conn %u %s %s: %s (c2s %" PRIu64 " s2c %" PRIu64
	    " flags %x; sent %" PRIu64 " received %" PRIu64 ")\n", id, side,
	    outcome_name(r->st), r->why[0] ? r->why : "-", p->c2s, p->s2c, p->flags,
	    r->sent, r->rcvd);
}

int
main(int argc, char **argv)
{
	const char *serve = NULL;
	int opt, ready[2], bad = 0;
	unsigned i, c, nvanish = 0, nsrvvanish = 0, nhalf = 0;
	pid_t *kids;
	pthread_t acc, *thr;
	struct rlimit rl;
	socklen_t alen = sizeof(srv_addr);
	double t0 = now_s(), deadline;
	uint64_t bytes = 0, maxseen = 0;
	unsigned ends[3] = { 0, 0, 0 };
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return 2;
	seed = mix((uint64_t)ts.tv_sec ^ ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)getpid());
	if (getenv("STRESS_SEED") != NULL)
		seed = strtoull(getenv("STRESS_SEED"), NULL, 0);
	while ((opt = getopt(argc, argv, "s:n:M:v:k:K:H:t:S:")) != -1) {
		switch (opt) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'n': nconns = (unsigned)num_arg(optarg, 100000); break;
		case 'M': maxbytes = num_arg(optarg, 1ul << 34); break;
		case 'v': vanish_pct = (unsigned)num_arg(optarg, 100); break;
		case 'k': nchildren = (unsigned)num_arg(optarg, 1000); break;
		case 'K': per_child = (unsigned)num_arg(optarg, 1000); break;
		case 'H': hang_s = (unsigned)num_arg(optarg, 3600); break;
		case 't': total_s = (unsigned)num_arg(optarg, 36000); break;
		case 'S': serve = optarg; break;
		default:
			(void)fprintf(stderr, "usage: attls-stress [-s SEED] [-n CONNS] [-M MAXBYTES] "
			    "[-v PERCENT] [-k CHILDREN] [-K CONNS] [-H SECONDS] [-t SECONDS]\n"
			    "       attls-stress -S PORTFILE\n");
			return 2;
		}
	}
	if (maxbytes < 1 || hang_s < 1)
		return 2;
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		return 2;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			perror("stress: setrlimit");
	}

	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&srv_addr, 0, sizeof(srv_addr));
	srv_addr.sin_family = AF_INET;
	srv_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (lfd < 0 || bind(lfd, (const struct sockaddr *)&srv_addr, sizeof(srv_addr)) != 0 ||
	    listen(lfd, 4096) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&srv_addr, &alen) != 0) {
		perror("stress: listening socket");
		return 2;
	}
	if (serve != NULL) {
		FILE *f = fopen(serve, "w");

		if (f == NULL || fprintf(f, "%u\n", ntohs(srv_addr.sin_port)) < 0 ||
		    fclose(f) != 0) {
			perror(serve);
			return 2;
		}
		return serve_forever();
	}

	total = nconns + nchildren * per_child;
	plans = calloc(total, sizeof(*plans));
	cres = calloc(total, sizeof(*cres));
	sres = calloc(total, sizeof(*sres));
	kids = calloc(nchildren + 1, sizeof(*kids));
	thr = calloc(nconns + 1, sizeof(*thr));
	if (plans == NULL || cres == NULL || sres == NULL || kids == NULL || thr == NULL) {
		perror("stress");
		return 2;
	}
	make_plans();
	for (i = 0; i < total; i++) {
		nvanish += (plans[i].flags & F_ANY_VANISH) != 0;
		nsrvvanish += (plans[i].flags & F_SRV_VANISH) != 0;
		nhalf += (plans[i].flags & (F_CLIENT_SHUT | F_SERVER_SHUT)) != 0;
	}
	(void)printf("stress: seed %#" PRIx64 " (set with -s or STRESS_SEED), port %u\n", seed,
	    ntohs(srv_addr.sin_port));
	(void)printf("stress: %u connections at once, %u killed with %u children, "
	    "%u vanishing (%u servers), %u with a half-close, sizes 1..%" PRIu64 " bytes\n",
	    nconns, nchildren * per_child, nchildren, nvanish, nsrvvanish, nhalf, maxbytes);
	(void)fflush(stdout);

	/* Children first, while this process has a single thread. */
	if (pipe2(ready, O_CLOEXEC) != 0) {
		perror("stress: pipe");
		return 2;
	}
	for (c = 0; c < nchildren; c++) {
		kids[c] = fork();
		if (kids[c] < 0) {
			perror("stress: fork");
			return 2;
		}
		if (kids[c] == 0) {
			(void)close(ready[0]);
			(void)close(lfd);
			child_main(nconns + c * per_child, ready[1]);
		}
	}
	(void)close(ready[1]);

	if (pthread_attr_init(&small_stack) != 0 ||
	    pthread_attr_setstacksize(&small_stack, 256 * 1024) != 0 ||
	    pthread_barrier_init(&connected, NULL, nconns + 1) != 0 ||
	    pthread_create(&acc, NULL, accept_thread, NULL) != 0) {
		(void)fprintf(stderr, "stress: starting threads failed\n");
		return 2;
	}
	for (i = 0; i < nconns; i++) {
		int e = pthread_create(&thr[i], &small_stack, client_thread,
		    (void *)(uintptr_t)i);

		if (e != 0) {
			(void)fprintf(stderr, "stress: pthread_create: %s\n", strerror(e));
			_exit(2);
		}
	}
	/* Every client is connected (or has failed to) before any transfers. */
	{
		int w = pthread_barrier_wait(&connected);

		if (w != 0 && w != PTHREAD_BARRIER_SERIAL_THREAD)
			abort();
	}
	set_epoch(&go_at);
	(void)printf("stress: %u clients connected at once after %.1fs\n", nconns - dial_fail,
	    now_s() - t0);
	(void)fflush(stdout);

	/* The children hold their connections mid-transfer; kill them. */
	for (c = 0; c < nchildren; c++) {
		char b = 0;
		struct pollfd pfd = { .fd = ready[0], .events = POLLIN };

		if (poll(&pfd, 1, (int)total_s * 1000) != 1 || read(ready[0], &b, 1) != 1 ||
		    b != 'R') {
			(void)fprintf(stderr, "stress: a child did not get its connections going\n");
			bad++;
		}
	}
	for (c = 0; c < nchildren; c++) {
		if (kill(kids[c], SIGKILL) != 0 || waitpid(kids[c], NULL, 0) != kids[c]) {
			perror("stress: killing a child");
			bad++;
		}
	}
	set_epoch(&killed_at);

	deadline = t0 + total_s;
	if (pthread_mutex_lock(&mu) != 0)
		abort();
	while ((client_done < nconns || server_done < total) && now_s() < deadline) {
		struct timespec until;

		if (clock_gettime(CLOCK_REALTIME, &until) != 0)
			abort();
		until.tv_sec += 1;
		(void)pthread_cond_timedwait(&cv, &mu, &until);
	}
	if (pthread_mutex_unlock(&mu) != 0)
		abort();
	if (client_done < nconns || server_done < total) {
		(void)fprintf(stderr, "stress: FAIL: not finished after %us: %u/%u clients, %u/%u "
		    "server sides done, %u accepted\n", total_s, client_done, nconns,
		    server_done, total, accepted);
		for (i = 0; i < total; i++) {
			if (i < nconns && (cres[i].st == X_NONE || cres[i].st == X_FAIL))
				report_conn(i, "client", &cres[i]);
			if (sres[i].st == X_NONE || sres[i].st == X_FAIL)
				report_conn(i, "server", &sres[i]);
		}
		(void)fflush(stdout);
		_exit(1);
	}
	for (i = 0; i < nconns; i++)
		if (pthread_join(thr[i], NULL) != 0)
			abort();
	if (hdr_fail) {
		(void)fprintf(stderr, "stress: FAIL: a server side could not read its header\n");
		bad++;
	}

	for (i = 0; i < total; i++) {
		const struct plan *p = &plans[i];
		const struct result *cr = &cres[i], *sr = &sres[i];

		if (p->flags & F_SRV_VANISH) {
			if (sr->st != X_VANISHED) {
				report_conn(i, "server", sr);
				bad++;
			}
			if (cr->st != X_ENDED) {
				report_conn(i, "client", cr);
				bad++;
			} else {
				ends[strncmp(cr->why, "recv", 4) == 0 ? 1 :
				    strncmp(cr->why, "send", 4) == 0 ? 2 : 0]++;
			}
			continue;
		}
		if (p->flags & (F_VANISH | F_KILLED)) {
			if (i < nconns && cr->st != X_VANISHED) {
				report_conn(i, "client", cr);
				bad++;
			}
			if (sr->st != X_ENDED) {
				report_conn(i, "server", sr);
				bad++;
			} else {
				ends[strncmp(sr->why, "recv", 4) == 0 ? 1 :
				    strncmp(sr->why, "send", 4) == 0 ? 2 : 0]++;
			}
			continue;
		}
		if (cr->st != X_DONE || cr->sent != p->c2s || cr->rcvd != p->s2c) {
			report_conn(i, "client", cr);
			bad++;
		}
		if (sr->st != X_DONE || sr->sent != p->s2c || sr->rcvd != p->c2s) {
			report_conn(i, "server", sr);
			bad++;
		}
		if (cr->st == X_DONE && sr->st == X_DONE) {
			bytes += p->c2s + p->s2c;
			if (p->c2s > maxseen)
				maxseen = p->c2s;
			if (p->s2c > maxseen)
				maxseen = p->s2c;
		}
	}
	(void)printf("stress: %u completed connections, %" PRIu64 " bytes verified (largest "
	    "stream %" PRIu64 "), %.1fs\n", total - nvanish, bytes, maxseen, now_s() - t0);
	(void)printf("stress: %u vanished connections (%u of them servers) seen ended by the "
	    "other side: %u by EOF, %u by an error on recv, %u by an error on send\n", nvanish,
	    nsrvvanish, ends[0], ends[1], ends[2]);
	(void)printf("stress: peak %u descriptors open in this process's connections\n",
	    open_peak);
	free(thr);
	free(kids);
	if (bad) {
		(void)printf("stress: FAIL: %d problems (seed %#" PRIx64 ")\n", bad, seed);
		return 1;
	}
	(void)printf("stress: OK\n");
	return 0;
}
