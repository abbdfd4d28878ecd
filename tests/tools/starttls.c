/*
 * starttls.c - a program that takes charge of its own TLS, as a z/OS
 * application under an ApplicationControlled rule does: a tiny SMTP-style
 * server that talks cleartext until the client says STARTTLS, then asks
 * attls for the handshake with attls_ioctl(TTLS_INIT_CONNECTION) and goes
 * on with the same socket.  It never touches a key.
 *
 *   attls-starttls PORTFILE [stop]   the server; with "stop" it ends TLS
 *                                    after the secure exchange and goes on
 *                                    in cleartext (TTLS_STOP_CONNECTION)
 *   attls-starttls -c PORT           the matching client, which asks for
 *                                    TLS and stops it the same way
 *
 * Prints the policy and connection states it saw before and after, one
 * per line ("before: policy=5 conn=1", "after: policy=4 conn=3 prot=0303
 * cipher=C02F"), and answers the first line after the handshake with
 * "250 got: LINE".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "attls.h"

typedef int (*ioctl_fn)(int, struct attls_ioctl *);

/* Reads one line (up to '\n') into buf; the length, 0 at EOF, -1 on error. */
static ssize_t
read_line(int fd, char *buf, size_t size)
{
	size_t n = 0;

	while (n + 1 < size) {
		ssize_t r = read(fd, buf + n, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -1 : (ssize_t)n;
		if (buf[n++] == '\n')
			break;
	}
	buf[n] = '\0';
	return (ssize_t)n;
}

static int
say(int fd, const char *text)
{
	size_t n = strlen(text);

	return write(fd, text, n) == (ssize_t)n ? 0 : -1;
}

static int
query(ioctl_fn fn, int fd, unsigned req_type, const char *label)
{
	struct attls_ioctl q;

	memset(&q, 0, sizeof(q));
	q.ver = TTLS_VERSION1;
	q.req_type = req_type;
	if (fn(fd, &q) != 0) {
		printf("%s: error %s\n", label, strerror(errno));
		return -1;
	}
	printf("%s: policy=%u conn=%u prot=%02X%02X cipher=%04X rule=%s\n", label,
	    (unsigned)q.stat_policy, (unsigned)q.stat_conn, (unsigned)q.prot_ver,
	    (unsigned)q.prot_mod, (unsigned)q.neg_cipher, q.rule);
	return 0;
}

static int
expect_prefix(int fd, const char *prefix, char *line, size_t size)
{
	do {
		if (read_line(fd, line, size) <= 0)
			return -1;
	} while (strncmp(line, prefix, strlen(prefix)) != 0 && line[3] == '-');
	return strncmp(line, prefix, strlen(prefix)) == 0 ? 0 : -1;
}

/* The client: cleartext greeting, STARTTLS, TLS, then back to cleartext. */
static int
client(ioctl_fn fn, const char *port_text)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	char line[512];
	unsigned port = 0;
	size_t i;
	int fd;

	for (i = 0; port_text[i] >= '0' && port_text[i] <= '9' && port < 65536; i++)
		port = port * 10 + (unsigned)(port_text[i] - '0');
	if (port_text[i] != '\0' || port == 0 || port > 65535)
		return 2;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)port);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		perror("attls-starttls: connect");
		return 1;
	}
	if (expect_prefix(fd, "220", line, sizeof(line)) != 0 ||
	    say(fd, "EHLO client\r\n") != 0 ||
	    expect_prefix(fd, "250 ", line, sizeof(line)) != 0 ||
	    say(fd, "STARTTLS\r\n") != 0 ||
	    expect_prefix(fd, "220", line, sizeof(line)) != 0)
		return 1;
	if (query(fn, fd, TTLS_INIT_CONNECTION, "client-init") != 0 ||
	    say(fd, "secret over tls\n") != 0 ||
	    expect_prefix(fd, "250 got:", line, sizeof(line)) != 0)
		return 1;
	printf("client secure reply: %s", line);
	if (query(fn, fd, TTLS_STOP_CONNECTION, "client-stop") != 0 ||
	    say(fd, "QUIT in cleartext\n") != 0 ||
	    expect_prefix(fd, "221", line, sizeof(line)) != 0)
		return 1;
	printf("client clear reply: %s", line);
	(void)close(fd);
	return 0;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	ioctl_fn fn;
	char line[512], answer[600];
	FILE *f;
	int l, fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 2 && !(argc == 3 && (strcmp(argv[1], "-c") == 0 ||
	    strcmp(argv[2], "stop") == 0))) {
		fprintf(stderr, "usage: attls-starttls PORTFILE [stop] | -c PORT\n");
		return 2;
	}
	*(void **)(&fn) = dlsym(RTLD_DEFAULT, "attls_ioctl");
	if (fn == NULL) {
		fprintf(stderr, "attls-starttls: attls_ioctl not found (run under attls run)\n");
		return 1;
	}
	if (strcmp(argv[1], "-c") == 0)
		return client(fn, argv[2]);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(l, 1) != 0 ||
	    getsockname(l, (struct sockaddr *)&a, &alen) != 0) {
		perror("attls-starttls: listen");
		return 1;
	}
	f = fopen(argv[1], "w");
	if (f == NULL || fprintf(f, "%u\n", ntohs(a.sin_port)) < 0 || fclose(f) != 0) {
		perror("attls-starttls: port file");
		return 1;
	}
	fd = accept(l, NULL, NULL);
	if (fd < 0) {
		perror("attls-starttls: accept");
		return 1;
	}
	if (query(fn, fd, TTLS_QUERY_ONLY, "before") != 0 ||
	    say(fd, "220 attls.test ESMTP\r\n") != 0)
		return 1;
	/* Cleartext until STARTTLS, answering EHLO with the capability. */
	for (;;) {
		if (read_line(fd, line, sizeof(line)) <= 0)
			return 1;
		if (strncasecmp(line, "EHLO", 4) == 0 || strncasecmp(line, "HELO", 4) == 0) {
			if (say(fd, "250-attls.test\r\n250 STARTTLS\r\n") != 0)
				return 1;
		} else if (strncasecmp(line, "STARTTLS", 8) == 0) {
			if (say(fd, "220 Ready to start TLS\r\n") != 0)
				return 1;
			break;
		} else if (say(fd, "502 not here\r\n") != 0) {
			return 1;
		}
	}
	if (query(fn, fd, TTLS_INIT_CONNECTION, "init") != 0 ||
	    query(fn, fd, TTLS_QUERY_ONLY, "after") != 0)
		return 1;
	/* Control requests on the secured connection; each prints its result. */
	(void)query(fn, fd, TTLS_RESET_SESSION, "reset-session");
	(void)query(fn, fd, TTLS_RESET_CIPHER, "reset-cipher");
	(void)query(fn, fd, TTLS_INIT_CONNECTION, "init-again");
	if (read_line(fd, line, sizeof(line)) <= 0)
		return 1;
	line[strcspn(line, "\r\n")] = '\0';
	printf("secure line: %s\n", line);
	(void)snprintf(answer, sizeof(answer), "250 got: %s\r\n", line);
	if (say(fd, answer) != 0)
		return 1;
	if (argc == 3) {
		/* Back to cleartext on the same socket, then one more exchange. */
		if (query(fn, fd, TTLS_STOP_CONNECTION, "stop") != 0 ||
		    read_line(fd, line, sizeof(line)) <= 0)
			return 1;
		line[strcspn(line, "\r\n")] = '\0';
		printf("clear line: %s\n", line);
		if (say(fd, "221 cleartext bye\r\n") != 0)
			return 1;
	}
	(void)shutdown(fd, SHUT_WR);
	while (read_line(fd, line, sizeof(line)) > 0)
		;
	(void)close(fd);
	return 0;
}
