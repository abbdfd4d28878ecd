/*
 * netbench.c - the server and the load generator of the transparent-TLS
 * benchmark (bench/run.sh).  The same program measures every contender:
 * plain TCP, in-process OpenSSL at both ends (--tls), and, speaking plain
 * TCP itself, through a stunnel pair or under `attls run`.
 *
 *   netbench serve [TLS] --port-file FILE
 *   netbench client --port P [TLS] [--resume] --mode MODE
 *                   [--conns N] [--seconds S] [--warmup S] [--ready FILE]
 *   netbench freeport
 *
 *   TLS:  --tls CERT KEY CAFILE --tls-version 1.2|1.3
 *         (ECDHE-ECDSA-AES128-GCM-SHA256 or TLS_AES_128_GCM_SHA256 only)
 *
 * The server binds 127.0.0.1 on a kernel-chosen port, writes the port to
 * FILE and runs one thread per connection.  The first byte a client sends
 * picks what the connection does: 'U' the server reads and discards, 'D'
 * the server writes without end, 'E' the server echoes.  A connection that
 * sends nothing and closes is just closed.
 *
 * Client modes (one line of results on standard output, key=value):
 *   up, down  bulk throughput over --conns connections, measured at the
 *             client over --seconds after --warmup (by then every buffer
 *             on the path is full, so the sender's rate is the receiver's)
 *   cps       --conns workers, each: connect, [handshake], 64-byte request,
 *             64-byte echo, close; completed exchanges per second
 *   lat       one connection, 64-byte ping-pong; median and p99 round trip
 *   idle      opens --conns connections, one echo each, writes "ready" to
 *             --ready FILE, then holds them until SIGTERM
 *   cc        --conns workers, each: connect, close (no data; closed with
 *             a reset so that no TIME_WAIT piles up)
 * --resume (with --tls) offers each worker's previous session.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#define CHUNK (128 * 1024)
#define MSG 64
#define MAXLAT 4000000

struct opts {
	const char *cert, *key, *ca, *port_file, *ready, *mode;
	int tls_version;        /* 0: plain, 12 or 13 */
	int port;
	int conns;
	double seconds, warmup;
	int resume;
};

static struct opts o = { .conns = 1, .seconds = 3.0, .warmup = 0.5 };
static SSL_CTX *ctx;
static char groups[] = "X25519:P-256";  /* the macro casts away const */
static atomic_int stop;
static atomic_int measuring;
static atomic_ullong total_bytes;
static atomic_ullong total_ops;
static atomic_ullong total_fail;

static double
now_s(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0.0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
sleep_s(double s)
{
	struct timespec ts;

	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void
die(const char *what)
{
	fprintf(stderr, "netbench: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void
die_ssl(const char *what)
{
	fprintf(stderr, "netbench: %s\n", what);
	ERR_print_errors_fp(stderr);
	exit(2);
}

static long
num(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "netbench: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

static double
fnum(const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || v < 0.0) {
		fprintf(stderr, "netbench: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

static void
raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			perror("netbench: setrlimit");
	}
}

/* One connection as the program sees it: a socket, and a TLS session on
 * it in the --tls case. */
struct conn {
	int fd;
	SSL *ssl;
};

static ssize_t
c_write(struct conn *c, const void *p, size_t n)
{
	if (c->ssl != NULL) {
		int r = SSL_write(c->ssl, p, (int)(n > INT_MAX ? INT_MAX : n));

		return r > 0 ? r : -1;
	}
	for (;;) {
		ssize_t r = send(c->fd, p, n, MSG_NOSIGNAL);

		if (r >= 0 || errno != EINTR)
			return r;
	}
}

static ssize_t
c_read(struct conn *c, void *p, size_t n)
{
	if (c->ssl != NULL) {
		int r = SSL_read(c->ssl, p, (int)(n > INT_MAX ? INT_MAX : n));

		if (r > 0)
			return r;
		return SSL_get_error(c->ssl, r) == SSL_ERROR_ZERO_RETURN ? 0 : -1;
	}
	for (;;) {
		ssize_t r = recv(c->fd, p, n, 0);

		if (r >= 0 || errno != EINTR)
			return r;
	}
}

static int
write_all(struct conn *c, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t r = c_write(c, p, n);

		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static int
read_all(struct conn *c, unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t r = c_read(c, p, n);

		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static void
c_close(struct conn *c)
{
	if (c->ssl != NULL) {
		(void)SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->fd >= 0 && close(c->fd) != 0 && errno != EINTR)
		perror("netbench: close");
	c->fd = -1;
}

static void
nodelay(int fd)
{
	int one = 1;

	/* Best effort: under a shim the descriptor may not be TCP. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static void
make_ctx(int server)
{
	ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
	if (ctx == NULL)
		die_ssl("SSL_CTX_new");
	if (o.tls_version == 13) {
		if (SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
		    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1 ||
		    SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256") != 1)
			die_ssl("TLS 1.3 settings");
	} else {
		if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
		    SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION) != 1 ||
		    SSL_CTX_set_cipher_list(ctx, "ECDHE-ECDSA-AES128-GCM-SHA256") != 1)
			die_ssl("TLS 1.2 settings");
	}
	if (SSL_CTX_set1_groups_list(ctx, groups) != 1)
		die_ssl("groups");
	if (server) {
		if (SSL_CTX_use_certificate_chain_file(ctx, o.cert) != 1 ||
		    SSL_CTX_use_PrivateKey_file(ctx, o.key, SSL_FILETYPE_PEM) != 1)
			die_ssl("loading the certificate and key");
		SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
		if (SSL_CTX_set_session_id_context(ctx,
		    (const unsigned char *)"netbench", 8) != 1)
			die_ssl("session id context");
	} else {
		if (SSL_CTX_load_verify_locations(ctx, o.ca, NULL) != 1)
			die_ssl("loading the CA file");
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
		SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	}
}

/* ---- server ---- */

static void *
serve_conn(void *arg)
{
	struct conn c = { .fd = (int)(intptr_t)arg, .ssl = NULL };
	unsigned char *buf = malloc(CHUNK);
	unsigned char mode;
	ssize_t r;

	if (buf == NULL)
		goto out;
	nodelay(c.fd);
	if (ctx != NULL) {
		c.ssl = SSL_new(ctx);
		if (c.ssl == NULL || SSL_set_fd(c.ssl, c.fd) != 1 ||
		    SSL_accept(c.ssl) != 1) {
			ERR_clear_error();
			goto out;
		}
	}
	if (c_read(&c, &mode, 1) != 1)
		goto out;
	switch (mode) {
	case 'U':
		while (c_read(&c, buf, CHUNK) > 0)
			;
		break;
	case 'D':
		memset(buf, 'd', CHUNK);
		while (write_all(&c, buf, CHUNK) == 0)
			;
		break;
	case 'E':
		while ((r = c_read(&c, buf, CHUNK)) > 0)
			if (write_all(&c, buf, (size_t)r) != 0)
				break;
		break;
	default:
		break;
	}
out:
	ERR_clear_error();
	c_close(&c);
	free(buf);
	return NULL;
}

static int
listen_any(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		die("socket");
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0)
		die("SO_REUSEADDR");
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		die("bind");
	if (listen(fd, 4096) != 0)
		die("listen");
	if (getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
		die("getsockname");
	return fd;
}

static int
port_of(int fd)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);

	if (getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
		die("getsockname");
	return ntohs(sa.sin_port);
}

static void
write_file(const char *path, const char *text)
{
	char tmp[PATH_MAX];
	FILE *f;
	int w = snprintf(tmp, sizeof(tmp), "%s.tmp", path);

	if (w < 0 || (size_t)w >= sizeof(tmp)) {
		fprintf(stderr, "netbench: path too long\n");
		exit(2);
	}
	f = fopen(tmp, "w");
	if (f == NULL)
		die(tmp);
	if (fputs(text, f) == EOF || fclose(f) != 0)
		die(tmp);
	if (rename(tmp, path) != 0)
		die("rename");
}

static int
cmd_serve(void)
{
	pthread_attr_t attr;
	char text[32];
	int lfd;

	if (o.port_file == NULL) {
		fprintf(stderr, "netbench: serve needs --port-file\n");
		return 2;
	}
	if (o.tls_version != 0)
		make_ctx(1);
	lfd = listen_any();
	if (snprintf(text, sizeof(text), "%d\n", port_of(lfd)) < 0)
		return 2;
	write_file(o.port_file, text);
	if (pthread_attr_init(&attr) != 0 ||
	    pthread_attr_setstacksize(&attr, 256 * 1024) != 0 ||
	    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) != 0) {
		fprintf(stderr, "netbench: thread attributes\n");
		return 2;
	}
	for (;;) {
		pthread_t t;
		int fd = accept(lfd, NULL, NULL), e;

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE) {
				sleep_s(0.001);
				continue;
			}
			die("accept");
		}
		e = pthread_create(&t, &attr, serve_conn, (void *)(intptr_t)fd);
		if (e != 0) {
			fprintf(stderr, "netbench: pthread_create: %s\n", strerror(e));
			if (close(fd) != 0)
				perror("netbench: close");
		}
	}
}

/* ---- client ---- */

struct worker {
	pthread_t t;
	int id;
	SSL_SESSION *sess;
	double *lat;
	size_t nlat;
};

static int
dial(struct conn *c, SSL_SESSION **sess)
{
	struct sockaddr_in sa;

	c->ssl = NULL;
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)o.port);
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		c_close(c);
		return -1;
	}
	/* Without it a TLS client's Finished and first record can wait for
	 * the server's delayed ACK (Nagle). */
	nodelay(c->fd);
	if (ctx == NULL)
		return 0;
	c->ssl = SSL_new(ctx);
	if (c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1 ||
	    SSL_set1_host(c->ssl, "localhost") != 1 ||
	    (sess != NULL && *sess != NULL && SSL_set_session(c->ssl, *sess) != 1) ||
	    SSL_connect(c->ssl) != 1) {
		ERR_clear_error();
		c_close(c);
		return -1;
	}
	return 0;
}

/* After the first application data the TLS 1.3 tickets have arrived. */
static void
keep_session(struct worker *w, struct conn *c)
{
	SSL_SESSION *s;

	if (c->ssl == NULL || !o.resume)
		return;
	s = SSL_get1_session(c->ssl);
	if (s == NULL)
		return;
	if (w->sess != NULL)
		SSL_SESSION_free(w->sess);
	w->sess = s;
}

static void *
run_bulk(void *arg)
{
	struct worker *w = arg;
	struct conn c;
	unsigned char *buf = malloc(CHUNK);
	int up = strcmp(o.mode, "up") == 0;
	unsigned char m = up ? 'U' : 'D';

	if (buf == NULL || dial(&c, NULL) != 0) {
		fprintf(stderr, "netbench: worker %d could not connect\n", w->id);
		atomic_fetch_add(&total_fail, 1);
		free(buf);
		return NULL;
	}
	memset(buf, 'u', CHUNK);
	if (write_all(&c, &m, 1) != 0)
		atomic_fetch_add(&total_fail, 1);
	while (!atomic_load(&stop)) {
		ssize_t r = up ? c_write(&c, buf, CHUNK) : c_read(&c, buf, CHUNK);

		if (r <= 0) {
			if (!atomic_load(&stop))
				atomic_fetch_add(&total_fail, 1);
			break;
		}
		atomic_fetch_add(&total_bytes, (unsigned long long)r);
	}
	c_close(&c);
	free(buf);
	return NULL;
}

static void *
run_cps(void *arg)
{
	struct worker *w = arg;
	unsigned char req[1 + MSG], resp[MSG];
	int data = strcmp(o.mode, "cc") != 0;

	memset(req, 'r', sizeof(req));
	req[0] = 'E';
	while (!atomic_load(&stop)) {
		struct conn c;

		if (dial(&c, &w->sess) != 0) {
			atomic_fetch_add(&total_fail, 1);
			sleep_s(0.001);
			continue;
		}
		if (data && (write_all(&c, req, sizeof(req)) != 0 ||
		    read_all(&c, resp, sizeof(resp)) != 0)) {
			atomic_fetch_add(&total_fail, 1);
			c_close(&c);
			continue;
		}
		keep_session(w, &c);
		if (!data) {
			/* Reset instead of TIME_WAIT: tens of thousands of
			 * TIME_WAIT sockets make every connect() slower and
			 * swamp what this mode measures. */
			struct linger lg = { .l_onoff = 1, .l_linger = 0 };

			(void)setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		}
		c_close(&c);
		atomic_fetch_add(&total_ops, 1);
	}
	return NULL;
}

static void *
run_lat(void *arg)
{
	struct worker *w = arg;
	unsigned char req[MSG], resp[MSG], m = 'E';
	struct conn c;
	double t0;

	memset(req, 'l', sizeof(req));
	if (dial(&c, NULL) != 0 || write_all(&c, &m, 1) != 0) {
		atomic_fetch_add(&total_fail, 1);
		return NULL;
	}
	while (!atomic_load(&stop) && w->nlat < MAXLAT) {
		t0 = now_s();
		if (write_all(&c, req, sizeof(req)) != 0 ||
		    read_all(&c, resp, sizeof(resp)) != 0) {
			atomic_fetch_add(&total_fail, 1);
			break;
		}
		if (atomic_load(&measuring))
			w->lat[w->nlat++] = now_s() - t0;
	}
	c_close(&c);
	return NULL;
}

struct idle_part {
	pthread_t t;
	struct conn *c;
	int n;
};

static void *
open_idle(void *arg)
{
	struct idle_part *p = arg;
	unsigned char req[2] = { 'E', 'i' }, resp[1];
	int i;

	for (i = 0; i < p->n; i++) {
		if (dial(&p->c[i], NULL) != 0 || write_all(&p->c[i], req, 2) != 0 ||
		    read_all(&p->c[i], resp, 1) != 0) {
			atomic_fetch_add(&total_fail, 1);
			continue;
		}
		atomic_fetch_add(&total_ops, 1);
	}
	return NULL;
}

static void
on_term(int sig)
{
	(void)sig;
	atomic_store(&stop, 1);
}

/* CPU seconds (user + system) this process has used. */
static double
cpu_s(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0.0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
cmd_idle(void)
{
	enum { PARTS = 8 };
	struct idle_part parts[PARTS];
	struct conn *c = calloc((size_t)o.conns, sizeof(*c));
	struct sigaction sa;
	sigset_t set, old;
	int i, per = (o.conns + PARTS - 1) / PARTS, off = 0;

	if (c == NULL || o.ready == NULL) {
		fprintf(stderr, "netbench: idle needs --ready and memory\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	if (sigemptyset(&set) != 0 || sigaddset(&set, SIGTERM) != 0 ||
	    pthread_sigmask(SIG_BLOCK, &set, &old) != 0 ||
	    sigaction(SIGTERM, &sa, NULL) != 0)
		die("signals");
	for (i = 0; i < PARTS; i++) {
		int n = o.conns - off < per ? o.conns - off : per;

		parts[i].c = c + off;
		parts[i].n = n;
		off += n;
		if (pthread_create(&parts[i].t, NULL, open_idle, &parts[i]) != 0)
			die("pthread_create");
	}
	for (i = 0; i < PARTS; i++)
		if (pthread_join(parts[i].t, NULL) != 0)
			die("pthread_join");
	printf("idle_open=%llu idle_fail=%llu\n",
	    (unsigned long long)atomic_load(&total_ops),
	    (unsigned long long)atomic_load(&total_fail));
	if (fflush(stdout) != 0)
		die("stdout");
	write_file(o.ready, "ready\n");
	while (!atomic_load(&stop))
		(void)sigsuspend(&old);
	for (i = 0; i < o.conns; i++)
		if (c[i].fd > 0)
			c_close(&c[i]);
	free(c);
	return 0;
}

static int
cmd_client(void)
{
	struct worker *w;
	void *(*fn)(void *);
	unsigned long long b0 = 0, b1, ops0 = 0, ops1;
	double t0, t1, c0, c1;
	int i, lat = 0;

	if (o.port <= 0 || o.mode == NULL) {
		fprintf(stderr, "netbench: client needs --port and --mode\n");
		return 2;
	}
	if (o.tls_version != 0)
		make_ctx(0);
	if (strcmp(o.mode, "idle") == 0)
		return cmd_idle();
	if (strcmp(o.mode, "up") == 0 || strcmp(o.mode, "down") == 0)
		fn = run_bulk;
	else if (strcmp(o.mode, "cps") == 0 || strcmp(o.mode, "cc") == 0)
		fn = run_cps;
	else if (strcmp(o.mode, "lat") == 0) {
		fn = run_lat;
		lat = 1;
		o.conns = 1;
	} else {
		fprintf(stderr, "netbench: unknown mode '%s'\n", o.mode);
		return 2;
	}
	w = calloc((size_t)o.conns, sizeof(*w));
	if (w == NULL)
		die("calloc");
	for (i = 0; i < o.conns; i++) {
		w[i].id = i;
		if (lat && (w[i].lat = malloc(MAXLAT * sizeof(double))) == NULL)
			die("malloc");
		if (pthread_create(&w[i].t, NULL, fn, &w[i]) != 0)
			die("pthread_create");
	}
	sleep_s(o.warmup);
	t0 = now_s();
	c0 = cpu_s();
	b0 = atomic_load(&total_bytes);
	ops0 = atomic_load(&total_ops);
	atomic_store(&measuring, 1);
	sleep_s(o.seconds);
	b1 = atomic_load(&total_bytes);
	ops1 = atomic_load(&total_ops);
	t1 = now_s();
	c1 = cpu_s();
	atomic_store(&stop, 1);
	for (i = 0; i < o.conns; i++)
		if (pthread_join(w[i].t, NULL) != 0)
			die("pthread_join");
	if (fn == run_bulk)
		printf("gbps=%.3f fail=%llu\n", (double)(b1 - b0) * 8.0 / (t1 - t0) / 1e9,
		    (unsigned long long)atomic_load(&total_fail));
	else if (fn == run_cps)
		printf("rate=%.1f cpu_us=%.2f fail=%llu\n", (double)(ops1 - ops0) / (t1 - t0),
		    ops1 > ops0 ? (c1 - c0) * 1e6 / (double)(ops1 - ops0) : 0.0,
		    (unsigned long long)atomic_load(&total_fail));
	else {
		size_t n = w[0].nlat;

		if (n == 0) {
			printf("p50_us=0 p99_us=0 n=0 fail=%llu\n",
			    (unsigned long long)atomic_load(&total_fail));
		} else {
			qsort(w[0].lat, n, sizeof(double), cmp_double);
			printf("p50_us=%.2f p99_us=%.2f n=%zu fail=%llu\n",
			    w[0].lat[n / 2] * 1e6, w[0].lat[(n * 99) / 100] * 1e6, n,
			    (unsigned long long)atomic_load(&total_fail));
		}
	}
	for (i = 0; i < o.conns; i++) {
		if (w[i].sess != NULL)
			SSL_SESSION_free(w[i].sess);
		free(w[i].lat);
	}
	free(w);
	if (ctx != NULL)
		SSL_CTX_free(ctx);
	return atomic_load(&total_fail) > 0 && (ops1 == 0 && b1 == 0 && !lat) ? 1 : 0;
}

static int
cmd_freeport(void)
{
	int fd = listen_any();

	printf("%d\n", port_of(fd));
	if (close(fd) != 0)
		die("close");
	return 0;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: netbench serve [--tls CERT KEY CA --tls-version 1.2|1.3] --port-file FILE\n"
	    "       netbench client --port P [--tls CERT KEY CA --tls-version V] [--resume]\n"
	    "                --mode up|down|cps|cc|lat|idle [--conns N] [--seconds S]\n"
	    "                [--warmup S] [--ready FILE]\n"
	    "       netbench freeport\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *cmd;
	int i;

	if (argc < 2)
		usage();
	cmd = argv[1];
	for (i = 2; i < argc; i++) {
		const char *a = argv[i];
		int more = i + 1 < argc;

		if (strcmp(a, "--tls") == 0 && i + 3 < argc) {
			o.cert = argv[++i];
			o.key = argv[++i];
			o.ca = argv[++i];
		} else if (strcmp(a, "--tls-version") == 0 && more) {
			a = argv[++i];
			o.tls_version = strcmp(a, "1.2") == 0 ? 12 :
			    strcmp(a, "1.3") == 0 ? 13 : -1;
			if (o.tls_version < 0)
				usage();
		} else if (strcmp(a, "--port-file") == 0 && more)
			o.port_file = argv[++i];
		else if (strcmp(a, "--ready") == 0 && more)
			o.ready = argv[++i];
		else if (strcmp(a, "--port") == 0 && more)
			o.port = (int)num(argv[++i], 1, 65535);
		else if (strcmp(a, "--mode") == 0 && more)
			o.mode = argv[++i];
		else if (strcmp(a, "--conns") == 0 && more)
			o.conns = (int)num(argv[++i], 1, 1000000);
		else if (strcmp(a, "--seconds") == 0 && more)
			o.seconds = fnum(argv[++i]);
		else if (strcmp(a, "--warmup") == 0 && more)
			o.warmup = fnum(argv[++i]);
		else if (strcmp(a, "--resume") == 0)
			o.resume = 1;
		else
			usage();
	}
	if ((o.tls_version != 0) != (o.cert != NULL))
		usage();
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		die("signal");
	raise_nofile();
	if (strcmp(cmd, "serve") == 0)
		return cmd_serve();
	if (strcmp(cmd, "client") == 0)
		return cmd_client();
	if (strcmp(cmd, "freeport") == 0)
		return cmd_freeport();
	usage();
	return 2;
}
