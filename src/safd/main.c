/*
 * main.c - attls-safd: options, start-up and the run loop.
 *
 * The process never forks itself (systemd and the tests start it and
 * keep its pid); readiness is "READY\n" on --ready-fd and, under systemd
 * Type=notify, READY=1 on $NOTIFY_SOCKET.
 */
#define _GNU_SOURCE /* signalfd */
#include <errno.h>
#include <stddef.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "attls_saf.h"
#include "common/num.h"
#include "common/str.h"
#include "safd/safd.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: attls-safd [-f] [--socket PATH] [--db PATH] [--ready-fd FD]\n"
	    "                  [--fail-limit N] [--fail-window S] "
	    "[--fail-backoff S]\n"
	    "\n"
	    "The SAF service: answers security-manager requests (VERIFY, AUTH,\n"
	    "GROUPS, PTKTGEN, MAPCERT, MAPIDID, OMVS) from local programs,\n"
	    "judging each caller by its uid's RACF user.\n"
	    "\n"
	    "  -f, --foreground    also log to standard error\n"
	    "      --socket PATH   default $%s, else %s\n"
	    "      --db PATH       security database; default $%s, else %s\n"
	    "      --ready-fd FD   write \"READY\\n\" to FD once listening\n"
	    "      --fail-limit N  failed verifications from one caller, or for\n"
	    "                      one user, that start a back-off (default %d;\n"
	    "                      0 turns the limit off)\n"
	    "      --fail-window S the seconds they are counted over (default %d)\n"
	    "      --fail-backoff S how long verification is then refused "
	    "(default %d)\n"
	    "  -h, --help          this text\n",
	    ATTLS_SAF_SOCKET_ENV, ATTLS_SAF_SOCKET_DEFAULT, SAF_DB_ENV,
	    SAF_DB_DEFAULT_PATH, SAFD_RL_LIMIT, SAFD_RL_WINDOW, SAFD_RL_BACKOFF);
}

static enum at_rc
parse_args(struct safd *d, int argc, char **argv, unsigned rl[3],
    struct at_err *err)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 'S' },
		{ "db", required_argument, NULL, 'D' },
		{ "ready-fd", required_argument, NULL, 'R' },
		{ "fail-limit", required_argument, NULL, 'L' },
		{ "fail-window", required_argument, NULL, 'W' },
		{ "fail-backoff", required_argument, NULL, 'B' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c;

	while ((c = getopt_long(argc, argv, "fh", opts, NULL)) != -1) {
		switch (c) {
		case 'S': d->socket_path = optarg; break;
		case 'D': d->db_path = optarg; break;
		case 'R':
			if (at_parse_u64(at_str_c(optarg), 0, 65535, "--ready-fd",
			    &v, err) != AT_OK)
				return AT_E_INPUT;
			d->ready_fd = (int)v;
			break;
		case 'L': case 'W': case 'B':
			if (at_parse_u64(at_str_c(optarg), c == 'L' ? 0 : 1,
			    c == 'L' ? 1000 : 86400, c == 'L' ? "--fail-limit" :
			    c == 'W' ? "--fail-window" : "--fail-backoff", &v,
			    err) != AT_OK)
				return AT_E_INPUT;
			rl[c == 'L' ? 0 : c == 'W' ? 1 : 2] = (unsigned)v;
			break;
		case 'f': d->foreground = true; break;
		case 'h': usage(stdout); exit(0);
		default:
			return at_err_setx(err, AT_E_INPUT, "see 'attls-safd "
			    "--help'");
		}
	}
	if (optind != argc)
		return at_err_setx(err, AT_E_INPUT, "unexpected argument '%s'",
		    argv[optind]);
	if (d->socket_path == NULL) {
		const char *env = getenv(ATTLS_SAF_SOCKET_ENV);

		d->socket_path = env != NULL && env[0] != '\0' ? env :
		    ATTLS_SAF_SOCKET_DEFAULT;
	}
	return AT_OK;
}

static void
notify_ready(struct safd *d)
{
	const char *ns = getenv("NOTIFY_SOCKET");

	if (d->ready_fd >= 0) {
		if (write(d->ready_fd, "READY\n", 6) != 6)
			safd_log(LOG_WARNING, "could not signal readiness");
		(void)close(d->ready_fd);
		d->ready_fd = -1;
	}
	if (ns != NULL && (ns[0] == '/' || ns[0] == '@') && strlen(ns) < 100) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		size_t n = strlen(ns);

		if (fd < 0)
			return;
		memcpy(sa.sun_path, ns, n);
		if (ns[0] == '@')
			sa.sun_path[0] = '\0';
		if (sendto(fd, "READY=1", 7, 0, (struct sockaddr *)&sa,
		    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n)) < 0)
			safd_log(LOG_WARNING, "could not notify systemd");
		(void)close(fd);
	}
}

static enum at_rc
setup(struct safd *d, struct at_err *err)
{
	struct epoll_event e = { .events = EPOLLIN };
	sigset_t set;
	enum at_rc rc;

	rc = saf_db_open(d->db_path, 0, &d->db, err);
	if (rc != AT_OK)
		return rc;
	(void)signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0 ||
	    (d->sigfd = signalfd(-1, &set, SFD_CLOEXEC)) < 0)
		return at_err_set(err, AT_E_IO, "setting up signals");
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->epfd < 0)
		return at_err_set(err, AT_E_IO, "creating an epoll set");
	rc = safd_listen(d, err);
	if (rc != AT_OK)
		return rc;
	e.data.u64 = 0;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->listen_fd, &e) != 0)
		return at_err_set(err, AT_E_IO, "watching the socket");
	e.data.u64 = 1;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->sigfd, &e) != 0)
		return at_err_set(err, AT_E_IO, "watching signals");
	return AT_OK;
}

static void
run(struct safd *d)
{
	struct epoll_event ev[32];

	for (;;) {
		int n = epoll_wait(d->epfd, ev, 32, -1), i;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			safd_log(LOG_ERR, "epoll_wait: %s", strerror(errno));
			return;
		}
		for (i = 0; i < n; i++) {
			uint64_t k = ev[i].data.u64;

			if (k == 0) {
				safd_accept(d);
			} else if (k == 1) {
				struct signalfd_siginfo si;

				if (read(d->sigfd, &si, sizeof(si)) ==
				    (ssize_t)sizeof(si) && si.ssi_signo != SIGHUP) {
					safd_log(LOG_INFO, "stopping on signal %u "
					    "(%llu requests answered)",
					    si.ssi_signo,
					    (unsigned long long)d->served);
					return;
				}
			} else if (k - 2 < SAFD_MAX_CLIENTS &&
			    d->clients[k - 2] >= 0) {
				if ((ev[i].events & (EPOLLERR | EPOLLHUP)) != 0 &&
				    (ev[i].events & EPOLLIN) == 0)
					safd_drop(d, (size_t)(k - 2));
				else if (!safd_serve(d, (size_t)(k - 2)))
					safd_drop(d, (size_t)(k - 2));
			}
		}
	}
}

int
main(int argc, char **argv)
{
	static struct safd d;
	unsigned rl[3] = { SAFD_RL_LIMIT, SAFD_RL_WINDOW, SAFD_RL_BACKOFF };
	struct at_err err;
	size_t i;
	int st = 0;

	at_err_clear(&err);
	d.ready_fd = -1;
	d.listen_fd = d.epfd = d.sigfd = -1;
	for (i = 0; i < SAFD_MAX_CLIENTS; i++)
		d.clients[i] = -1;
	if (parse_args(&d, argc, argv, rl, &err) != AT_OK) {
		fprintf(stderr, "attls-safd: %s\n", err.msg);
		return 2;
	}
	safd_rl_init(&d.rl, rl[0], rl[1], rl[2]);
	safd_log_init(d.foreground);
	if (setup(&d, &err) != AT_OK) {
		fprintf(stderr, "attls-safd: %s\n", err.msg);
		safd_log(LOG_ERR, "not started: %s", err.msg);
		st = 1;
		goto out;
	}
	safd_log(LOG_INFO, "listening on %s (database %s; %u failures in %u s "
	    "start a %u s back-off)", d.socket_path, saf_db_path(d.db), rl[0],
	    rl[1], rl[2]);
	notify_ready(&d);
	run(&d);
out:
	for (i = 0; i < SAFD_MAX_CLIENTS; i++)
		if (d.clients[i] >= 0)
			(void)close(d.clients[i]);
	if (d.listen_fd >= 0) {
		(void)close(d.listen_fd);
		(void)unlink(d.socket_path);
	}
	saf_db_close(d.db);
	return st;
}
