/*
 * attls-query.c - connects to HOST PORT and prints what AT-TLS says about
 * the connection: policy status, connection status, protocol, cipher and
 * the partner certificate's subject.  Run it under attls:
 *
 *     attls run -- attls-query example.com 443
 *
 * It finds attls_ioctl at run time, so it also runs (and says so) without
 * the shim.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "attls.h"

static const char *
policy_name(int v)
{
	static const char *const names[] = { "?", "TTLS_POL_OFF", "TTLS_POL_NO_POLICY",
		"TTLS_POL_NOT_ENABLED", "TTLS_POL_ENABLED", "TTLS_POL_APPLCNTRL" };

	return v >= 1 && v <= 5 ? names[v] : names[0];
}

static const char *
conn_name(int v)
{
	static const char *const names[] = { "?", "TTLS_CONN_NOTSECURE",
		"TTLS_CONN_HS_INPROGRESS", "TTLS_CONN_SECURE" };

	return v >= 1 && v <= 3 ? names[v] : names[0];
}

static int
printable(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return 0;
	return n > 0;
}

/* Prints the text strings of a DER certificate (the names in its issuer
 * and subject), found by walking the bytes without a TLS library: enough
 * to see whom the connection reached. */
static void
print_names(const unsigned char *der, size_t len)
{
	size_t i;

	printf("certificate: %zu bytes; printable names:", len);
	for (i = 0; i + 2 < len; i++) {
		size_t n = der[i + 1];

		if ((der[i] == 0x0c || der[i] == 0x13 || der[i] == 0x16) && n < 0x80 &&
		    i + 2 + n <= len && printable(der + i + 2, n)) {
			printf(" \"%.*s\"", (int)n, (const char *)der + i + 2);
			i += 1 + n;
		}
	}
	printf("\n");
}

static int
dial(const char *host, const char *port)
{
	struct addrinfo hints, *res = NULL, *ai;
	int fd = -1, rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		fprintf(stderr, "attls-query: %s: %s\n", host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		perror("attls-query: connect");
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

int
main(int argc, char **argv)
{
	int (*query)(int, struct attls_ioctl *);
	static unsigned char cert[16384];
	const struct timespec tick = { 0, 10000000 };
	struct attls_ioctl req;
	int fd, tries;

	if (argc != 3) {
		fprintf(stderr, "usage: attls-query HOST PORT\n");
		return 2;
	}
	*(void **)(&query) = dlsym(RTLD_DEFAULT, "attls_ioctl");
	if (query == NULL) {
		printf("attls is not loaded: run this program with 'attls run --'\n");
		return 1;
	}
	fd = dial(argv[1], argv[2]);
	if (fd < 0)
		return 1;
	/* attlsd runs the handshake after connect() returns: wait for it,
	 * up to five seconds, before reporting. */
	for (tries = 0; tries < 500; tries++) {
		memset(&req, 0, sizeof(req));
		req.ver = TTLS_VERSION1;
		req.req_type = TTLS_RETURN_CERTIFICATE;
		req.buffer = cert;
		req.buffer_len = sizeof(cert);
		if (query(fd, &req) != 0) {
			perror("attls-query: attls_ioctl");
			close(fd);
			return 1;
		}
		if (req.stat_conn != TTLS_CONN_HS_INPROGRESS)
			break;
		(void)nanosleep(&tick, NULL);
	}
	printf("policy:     %s\n", policy_name(req.stat_policy));
	printf("connection: %s\n", conn_name(req.stat_conn));
	if (req.rule[0] != '\0')
		printf("rule:       %s\n", req.rule);
	if (req.prot_ver != 0)
		printf("protocol:   %u.%u\n", req.prot_ver, req.prot_mod);
	if (req.neg_cipher != 0)
		printf("cipher:     %s\n", req.neg_cipher4);
	if (req.userid_len > 0)
		printf("userid:     %s\n", req.userid);
	if (req.cert_len > 0)
		print_names(cert, req.cert_len);
	close(fd);
	return 0;
}
