/*
 * attlsd.c - the attls daemon: installs the AT-TLS policy, answers the
 * shim on the control socket, and runs TLS for every connection a rule
 * protects.  The main thread owns the control socket and the decisions;
 * worker threads own the connections.
 */
#define _GNU_SOURCE /* struct ucred, getopt_long */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "common/num.h"
#include "ctl/io.h"
#include "ctl/summary.h"
#include "daemon/bundle.h"
#include "daemon/daemon.h"
#include "daemon/log.h"
#include "daemon/notify.h"
#include "engine/ktls.h"
#include "saf/authority.h"
#include "saf/db.h"

#define DEFAULT_CONFIG "/etc/attls/pagent.conf"
/* epoll data: 0 the listening socket, 1 signals, 2.. client slots. */
#define ATTLSD_EV_BUILDER UINT64_MAX
#define ATTLSD_EV_ENGINE (UINT64_MAX - 1)
/* Descriptors the TLS engine holds besides its connections' and its
 * workers': standard streams, links, keyholder channels, spare. */
#define ENGINE_OWN_FDS 24
/* The user the TLS engine runs as unless --user says otherwise. */
#define ENGINE_USER "attls"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: attlsd [-f] [-c PAGENT.CONF | -p POLICY...] [--socket PATH] [--db PATH]\n"
	    "              [--workers N] [--user NAME] [--ready-fd FD] [--no-ktls]\n"
	    "              [--max-clients-per-user N] [--fd-reserve N]\n"
	    "       attlsd --remove-summary [--socket PATH]\n"
	    "\n"
	    "Runs AT-TLS for the programs started under the attls shim (libattls.so).\n"
	    "\n"
	    "  -c, --config FILE   main configuration (TTLSConfig names the policy);\n"
	    "                      default $ATTLS_CONFIG, else " DEFAULT_CONFIG "\n"
	    "  -p, --policy FILE   a policy file to install directly (repeatable)\n"
	    "      --socket PATH   control socket; default $ATTLS_SOCKET, else "
	    CTL_DEFAULT_SOCKET "\n"
	    "      --db PATH       security database for SAF key rings and user ids;\n"
	    "                      default $ATTLS_SAFDB, else /var/lib/attls/saf.db\n"
	    "      --workers N     worker threads of the TLS engine (default: one per CPU)\n"
	    "      --user NAME     the user the TLS engine process runs as when attlsd is\n"
	    "                      root (default: " ENGINE_USER ", else nobody); never root\n"
	    "      --ready-fd FD   write \"READY\\n\" to FD once the policy is installed\n"
	    "      --no-ktls       keep record encryption in attlsd even where the kernel\n"
	    "                      offers TLS (by default it is used when available)\n"
	    "      --max-clients-per-user N\n"
	    "                      control connections one user may hold (default %d;\n"
	    "                      0: no limit; root and attlsd's user are not counted)\n"
	    "      --fd-reserve N  descriptors kept for the control socket: a protected\n"
	    "                      connection that would leave fewer is refused\n"
	    "                      (default %d)\n"
	    "  -f, --foreground    also log to standard error\n"
	    "  -n, --check         check the configuration and exit (0 when it is usable)\n"
	    "      --remove-summary  remove the policy summary a stopped attlsd left, so\n"
	    "                      that programs under the shim stop refusing the\n"
	    "                      connections its policy covered, and exit\n"
	    "\n"
	    "SIGHUP re-reads the policy (as 'attls refresh'); a policy with errors is\n"
	    "refused and the installed one stays.  SIGTERM stops the daemon; the policy\n"
	    "summary stays, so connections its rules cover are refused until attlsd runs\n"
	    "again (or --remove-summary).\n",
	    ATTLSD_DEFAULT_CLIENTS_PER_USER, ATTLSD_DEFAULT_FD_RESERVE);
}

static void
log_diags(const struct policy_diags *diags)
{
	struct at_buf line;
	struct at_err err;
	size_t i;

	at_buf_init(&line, 4096);
	for (i = 0; i < diags->n; i++) {
		at_buf_reset(&line);
		if (policy_diag_format(&diags->v[i], &line, &err) == AT_OK)
			attlsd_log(diags->v[i].severity == POLICY_DIAG_ERROR ? LOG_ERR : LOG_WARNING,
			    false, "EZZ8438I %s", at_buf_cstr(&line));
	}
	at_buf_free(&line);
}

/*
 * Writes the summary the shim reads to rule out connections without asking
 * (next to the control socket).  Publishing it is part of installing g:
 * the shim lets a connection go in cleartext when the summary says no rule
 * can match, so a policy whose summary is not in place must not be
 * installed (a rule only it has would be bypassed).  On failure the file
 * stays as it was and err says why.
 */
static enum at_rc
publish_summary(struct attlsd *d, const struct attlsd_gen *g, struct at_err *err)
{
	size_t i, n = policy_set_rule_count(g->set);
	const struct policy_rule **rules;
	char path[4096];
	struct at_buf buf;
	enum at_rc rc;

	/* The buffer's maximum is what the format needs for n rules. */
	if (n > CTL_SUMMARY_MAX_RECS)
		return at_err_setx(err, AT_E_TOOBIG, "%zu rules are more than a policy summary "
		    "can count", n);
	rules = calloc(n > 0 ? n : 1, sizeof(*rules));
	if (rules == NULL)
		return at_err_setx(err, AT_E_NOMEM, "no memory for the policy summary");
	at_buf_init(&buf, CTL_SUMMARY_REC_OFF + CTL_SUMMARY_REC_LEN * (n + 1));
	for (i = 0; i < n; i++)
		rules[i] = policy_set_rule(g->set, i);
	rc = ctl_summary_path(d->socket_path, path, sizeof(path), err);
	if (rc == AT_OK)
		rc = ctl_summary_build(rules, n, g->id, &buf, err);
	if (rc == AT_OK)
		rc = ctl_summary_write(path, &buf, err);
	if (rc != AT_OK)
		at_err_prefix(err, "policy summary not published");
	free(rules);
	at_buf_free(&buf);
	return rc;
}

/*
 * Only for attlsd --remove-summary: a stopped attlsd leaves its summary in
 * place, so that programs under the shim keep refusing the connections it
 * covers instead of sending them in cleartext; taking protection away is
 * the operator's explicit act.
 */
static enum at_rc
remove_summary(const struct attlsd *d, struct at_err *err)
{
	struct at_err ignored;
	char path[4096];
	enum at_rc rc;
	int fd;

	/* A running attlsd keeps publishing; taking its summary away would
	 * only last until its next refresh, and is not what was asked. */
	if (ctl_connect(d->socket_path, connect, &fd, &ignored) == AT_OK) {
		(void)close(fd);
		return at_err_setx(err, AT_E_BUSY, "attlsd is running on %s; stop it first, or "
		    "install a policy without the rules whose protection should end",
		    d->socket_path);
	}
	rc = ctl_summary_path(d->socket_path, path, sizeof(path), err);
	if (rc != AT_OK)
		return rc;
	if (unlink(path) != 0 && errno != ENOENT)
		return at_err_set(err, AT_E_IO, "removing the policy summary %s", path);
	return AT_OK;
}

enum at_rc
attlsd_refresh(struct attlsd *d, struct at_buf *report, struct at_err *err)
{
	struct policy_load_opts opts = { 0 };
	struct attlsd_bundle bundle;
	struct policy_diags diags;
	struct attlsd_gen *g = NULL;
	enum at_rc rc;

	opts.config_path = d->config_path;
	opts.policy_paths = d->policy_paths;
	opts.npolicy = d->npolicy;
	policy_diags_init(&diags);
	if (d->engine.pid != 0) {
		rc = attlsd_bundle_init(&bundle, &opts, err);
		if (rc != AT_OK) {
			policy_diags_free(&diags);
			return rc;
		}
		opts.files = &bundle.hook;
	}
	rc = attlsd_gen_load(&opts, d->next_gen, &g, &diags, err);
	log_diags(&diags);
	/* The engine loads the same files, before anything else happens. */
	if (rc == AT_OK && d->engine.pid != 0) {
		rc = attlsd_engine_gen(&d->engine, &bundle, g->id, err);
		if (rc != AT_OK) {
			attlsd_gen_unref(g);
			g = NULL;
		}
	}
	if (d->engine.pid != 0)
		attlsd_bundle_free(&bundle);
	/* Before the generation is installed: see publish_summary. */
	if (rc == AT_OK && !d->checking) {
		rc = publish_summary(d, g, err);
		if (rc != AT_OK) {
			attlsd_gen_unref(g);
			g = NULL;
		}
	}
	if (rc != AT_OK) {
		attlsd_log(LOG_ERR, false, "EZZ8438I attlsd: policy refused (%s); %s", err->msg,
		    d->gen != NULL ? "the installed policy and its summary stay in force" :
		    "no policy installed");
		if (report != NULL && at_buf_printf(report, "policy refused: %s (%zu errors)\n",
		    err->msg, diags.nerrors) != AT_OK)
			at_buf_reset(report);
		policy_diags_free(&diags);
		return rc;
	}
	d->next_gen++;
	if (d->gen != NULL)
		attlsd_gen_unref(d->gen);
	d->gen = g;
	if (policy_set_rule_count(g->set) == 0)
		attlsd_log(LOG_WARNING, false, "EZZ8438I attlsd: the policy has no rules: no "
		    "connection will be protected");
	attlsd_log(LOG_INFO, false, "EZZ8771I attlsd: policy generation %llu installed: "
	    "%zu rules, %zu warnings", (unsigned long long)g->id,
	    policy_set_rule_count(g->set), diags.nwarnings);
	if (report != NULL && at_buf_printf(report, "policy generation %llu installed: "
	    "%zu rules%s\n", (unsigned long long)g->id, policy_set_rule_count(g->set),
	    policy_set_rule_count(g->set) == 0 ? " (warning: no connection will be protected)" :
	    "") != AT_OK)
		at_buf_reset(report);
	policy_diags_free(&diags);
	return AT_OK;
}

/*
 * The user a client is: the security-manager user whose OMVS UID is its
 * uid (SO_PEERCRED), else the undefined user "?<uid>", which no user id
 * and no Userid condition but `*` can equal.  The login name is never
 * used: any local account can be called after a user id.  When the
 * database cannot answer the client is undefined too: it matches fewer
 * rules and opens no key ring of its own.
 */
static void
resolve_user(struct attlsd *d, struct attlsd_client *cl)
{
	char name[SAF_SUBJECT_MAX + 1];
	struct at_err err;
	bool defined = false;

	if (d->db != NULL &&
	    saf_user_from_uid(d->db, cl->uid, name, &defined, &err) != AT_OK)
		attlsd_log(LOG_WARNING, false, "attlsd: uid %lu cannot be mapped "
		    "to a user (%s); it is treated as an undefined user",
		    (unsigned long)cl->uid, err.msg);
	if (!defined)
		saf_undefined_name(cl->uid, name);
	(void)snprintf(cl->userid, sizeof(cl->userid), "%s", name);
}

void
attlsd_client_identify(struct attlsd *d, struct attlsd_client *cl)
{
	resolve_user(d, cl);
}

/* Logs a refusal at most once a second, with how many were not logged:
 * a flood must not become a flood of log lines. */
static void
log_refused(struct attlsd *d, const char *what, const char *why)
{
	time_t now = time(NULL);

	if (now == d->refused_log) {
		d->refused_quiet++;
		return;
	}
	attlsd_log(LOG_WARNING, false, "attlsd: refusing %s: %s (%zu more refusals since "
	    "the last such line)", what, why, d->refused_quiet);
	d->refused_log = now;
	d->refused_quiet = 0;
}

bool
attlsd_fd_room(struct attlsd *d, int highest, size_t engine_more)
{
	size_t engine;

	/* The TLS engine has the same limit and holds two descriptors for
	 * each connection in the table (a few more for a program's
	 * TTLS_INIT_CONNECTION, briefly), besides its own few: it runs out
	 * first, and a descriptor it cannot receive fails the connection
	 * with a vaguer message. */
	(void)pthread_mutex_lock(&d->table.lock);
	engine = ENGINE_OWN_FDS + 2 * d->nworkers + 2 * d->table.count + engine_more;
	(void)pthread_mutex_unlock(&d->table.lock);
	/* The kernel gives out the lowest free number, so a descriptor
	 * numbered N means N below it are open. */
	if (d->fd_limit <= 0 || ((size_t)highest + d->fd_reserve < (size_t)d->fd_limit &&
	    engine + d->fd_reserve < (size_t)d->fd_limit))
		return true;
	log_refused(d, "a protected connection", "fewer descriptors are left than the "
	    "reserve kept for the control socket (raise LimitNOFILE)");
	return false;
}

/*
 * At the descriptor limit, a pending connection would keep the listening
 * socket readable forever: give up the spare descriptor, take the
 * connection and close it, and keep the spare again.
 */
static void
shed_client(struct attlsd *d)
{
	int fd;

	if (d->spare_fd >= 0)
		(void)close(d->spare_fd);
	fd = accept4(d->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd >= 0)
		(void)close(fd);
	d->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	log_refused(d, "a control connection", "attlsd is out of descriptors");
}

static size_t
clients_of(const struct attlsd *d, uid_t uid)
{
	size_t i, n = 0;

	for (i = 0; i < ATTLSD_MAX_CLIENTS; i++)
		if (d->clients[i] != NULL && d->clients[i]->peer_uid == uid)
			n++;
	return n;
}

static void
add_client(struct attlsd *d)
{
	struct attlsd_client *cl;
	struct epoll_event e = { .events = EPOLLIN };
	struct ucred cred;
	socklen_t len = sizeof(cred);
	size_t slot;
	int fd, one = 1;

	fd = accept4(d->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0) {
		if (errno == EMFILE || errno == ENFILE)
			shed_client(d);
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) != 0) {
		log_refused(d, "a control connection", "no peer credentials");
		(void)close(fd);
		return;
	}
	/* A user holds at most clients_per_user connections, so one user
	 * cannot take every slot; root and the daemon's user are bounded by
	 * the table alone. */
	if (d->clients_per_user > 0 && cred.uid != 0 && cred.uid != geteuid() &&
	    clients_of(d, cred.uid) >= d->clients_per_user) {
		char what[64];

		(void)snprintf(what, sizeof(what), "a control connection from uid %lu",
		    (unsigned long)cred.uid);
		log_refused(d, what, "the user already holds as many as one user may "
		    "(--max-clients-per-user)");
		(void)close(fd);
		return;
	}
	for (slot = 0; slot < ATTLSD_MAX_CLIENTS && d->clients[slot] != NULL; slot++)
		;
	cl = slot < ATTLSD_MAX_CLIENTS ? calloc(1, sizeof(*cl)) : NULL;
	if (cl == NULL) {
		log_refused(d, "a control connection", "every client slot is taken");
		(void)close(fd);
		return;
	}
	cl->fd = fd;
	cl->slot = slot;
	cl->serial = ++d->next_serial;
	cl->peer_uid = cred.uid;
	cl->uid = cred.uid;
	cl->pid = cred.pid;
	e.data.u64 = slot + 2;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &e) != 0) {
		(void)close(fd);
		free(cl);
		return;
	}
	d->clients[slot] = cl;
}

/* The analyser cannot tie the slot an epoll event names to the one
 * add_client filled, so it takes the client freed here for a leak. */
/* NOLINTBEGIN(clang-analyzer-unix.Malloc) */
static void
drop_client(struct attlsd *d, size_t slot)
{
	struct attlsd_client *cl = d->clients[slot];

	(void)epoll_ctl(d->epfd, EPOLL_CTL_DEL, cl->fd, NULL);
	(void)close(cl->fd);
	attlsd_control_discard(cl);
	free(cl);
	d->clients[slot] = NULL;
}
/* NOLINTEND(clang-analyzer-unix.Malloc) */

/* Answers the decisions whose environments the builder has finished. */
static void
finish_builds(struct attlsd *d)
{
	struct attlsd_build *job, *next;

	for (job = attlsd_builder_take(&d->builder); job != NULL; job = next) {
		struct attlsd_client *cl = job->slot < ATTLSD_MAX_CLIENTS ?
		    d->clients[job->slot] : NULL;

		next = job->next;
		/* A client that went meanwhile gets nothing: the job's socket
		 * is closed, as the shim's own copy is refused. */
		if (cl != NULL && cl->serial == job->serial && cl->building &&
		    !attlsd_control_finish(d, cl, job))
			drop_client(d, job->slot);
		attlsd_build_free(job);
	}
}

static void
notify_ready(struct attlsd *d)
{
	struct at_err err;

	if (d->ready_fd >= 0) {
		if (write(d->ready_fd, "READY\n", 6) != 6)
			attlsd_log(LOG_WARNING, false, "attlsd: could not signal readiness");
		(void)close(d->ready_fd);
		d->ready_fd = -1;
	}
	if (attlsd_notify("READY=1", &err) != AT_OK)
		attlsd_log(LOG_WARNING, false, "attlsd: %s", err.msg);
}

static int
loop(struct attlsd *d)
{
	struct epoll_event ev[32];
	int i, n;

	while (!d->stopping) {
		n = epoll_wait(d->epfd, ev, 32, -1);
		if (n < 0 && errno != EINTR) {
			attlsd_log(LOG_ERR, false, "attlsd: epoll_wait: %s", strerror(errno));
			return 1;
		}
		for (i = 0; i < n; i++) {
			if (ev[i].data.u64 == ATTLSD_EV_BUILDER) {
				finish_builds(d);
			} else if (ev[i].data.u64 == ATTLSD_EV_ENGINE) {
				if (!attlsd_engine_read(d)) {
					attlsd_log(LOG_ERR, false, "attlsd: the TLS engine process "
					    "is gone; its connections ended with it; stopping");
					return 1;
				}
			} else if (ev[i].data.u64 == 0) {
				add_client(d);
			} else if (ev[i].data.u64 == 1) {
				struct signalfd_siginfo si;
				struct at_err err;

				if (read(d->sigfd, &si, sizeof(si)) != (ssize_t)sizeof(si))
					continue;
				if (si.ssi_signo != SIGHUP)
					d->stopping = true;
				else if (attlsd_refresh(d, NULL, &err) != AT_OK)
					continue; /* logged; the installed policy stays */
			} else {
				size_t slot = (size_t)ev[i].data.u64 - 2;
				struct attlsd_client *cl = d->clients[slot];
				bool keep;

				if (cl == NULL)
					continue;
				if (cl->building)
					keep = (ev[i].events & (EPOLLERR | EPOLLHUP)) == 0;
				else if (cl->qlen > 0)
					keep = (ev[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0 ||
					    attlsd_control_flush(d, cl);
				else
					keep = attlsd_control_serve(d, cl);
				if (!keep)
					drop_client(d, slot);
			}
		}
	}
	return 0;
}

static enum at_rc
parse_args(struct attlsd *d, int argc, char **argv, bool *fg, bool *check, struct at_err *err)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "policy", required_argument, NULL, 'p' },
		{ "socket", required_argument, NULL, 'S' },
		{ "db", required_argument, NULL, 'D' },
		{ "workers", required_argument, NULL, 'W' },
		{ "user", required_argument, NULL, 'u' },
		{ "ready-fd", required_argument, NULL, 'R' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "check", no_argument, NULL, 'n' },
		{ "no-ktls", no_argument, NULL, 'K' },
		{ "remove-summary", no_argument, NULL, 'X' },
		{ "max-clients-per-user", required_argument, NULL, 'U' },
		{ "fd-reserve", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c;

	while ((c = getopt_long(argc, argv, "c:p:fnh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': d->config_path = optarg; break;
		case 'p':
			if (d->npolicy == ATTLSD_MAX_POLICY_FILES)
				return at_err_setx(err, AT_E_INPUT, "at most %d policy files",
				    ATTLSD_MAX_POLICY_FILES);
			d->policy_paths[d->npolicy++] = optarg;
			break;
		case 'S': d->socket_path = optarg; break;
		case 'u': d->engine_user = optarg; break;
		case 'D': d->db_path = optarg; break;
		case 'W':
			if (at_parse_u64(at_str_c(optarg), 1, 256, "--workers", &v, err) != AT_OK)
				return AT_E_INPUT;
			d->nworkers = (size_t)v;
			break;
		case 'R':
			if (at_parse_u64(at_str_c(optarg), 0, 65535, "--ready-fd", &v, err) != AT_OK)
				return AT_E_INPUT;
			d->ready_fd = (int)v;
			break;
		case 'K': d->no_ktls = true; break;
		case 'X': d->remove_summary = true; break;
		case 'U':
			if (at_parse_u64(at_str_c(optarg), 0, ATTLSD_MAX_CLIENTS,
			    "--max-clients-per-user", &v, err) != AT_OK)
				return AT_E_INPUT;
			d->clients_per_user = (size_t)v;
			break;
		case 'F':
			if (at_parse_u64(at_str_c(optarg), 8, 65536, "--fd-reserve", &v,
			    err) != AT_OK)
				return AT_E_INPUT;
			d->fd_reserve = (size_t)v;
			break;
		case 'f': *fg = true; break;
		case 'n': *check = true; break;
		case 'h': usage(stdout); exit(0);
		default: return at_err_setx(err, AT_E_INPUT, "see 'attlsd --help'");
		}
	}
	if (optind != argc)
		return at_err_setx(err, AT_E_INPUT, "unexpected argument '%s'", argv[optind]);
	if (d->config_path != NULL && d->npolicy > 0)
		return at_err_setx(err, AT_E_INPUT, "give either -c or -p, not both");
	if (d->config_path == NULL && d->npolicy == 0) {
		const char *env = getenv("ATTLS_CONFIG");

		d->config_path = env != NULL && env[0] != '\0' ? env : DEFAULT_CONFIG;
	}
	if (d->socket_path == NULL)
		d->socket_path = ctl_socket_path();
	if (d->nworkers == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		d->nworkers = n > 0 && n < 64 ? (size_t)n : 2;
	}
	return AT_OK;
}

/*
 * Starts the keyholder and the TLS engine, the engine as --user (default
 * ENGINE_USER, else nobody, and the log says which): never as root.
 */
static enum at_rc
start_engine(struct attlsd *d, struct at_err *err)
{
	struct attlsd_engine_opts o = { .nworkers = d->nworkers };
	const char *name = d->engine_user != NULL ? d->engine_user : ENGINE_USER;
	struct passwd *pw = getpwnam(name);

	if (pw == NULL && d->engine_user == NULL) {
		attlsd_log(LOG_WARNING, false, "attlsd: there is no user %s; the TLS engine "
		    "runs as nobody (create a system user %s, or give --user)", ENGINE_USER,
		    ENGINE_USER);
		name = "nobody";
		pw = getpwnam(name);
	}
	if (getuid() == 0 && pw == NULL)
		return at_err_setx(err, AT_E_INPUT, "there is no user %s for the TLS engine "
		    "(--user)", name);
	if (getuid() == 0 && (pw->pw_uid == 0 || pw->pw_gid == 0))
		return at_err_setx(err, AT_E_INPUT, "the TLS engine must not run as root or "
		    "group 0 (--user %s)", name);
	if (pw != NULL) {
		o.uid = pw->pw_uid;
		o.gid = pw->pw_gid;
	}
	o.user = name;
	return attlsd_engine_start(&d->engine, &o, err);
}

static enum at_rc
open_db(struct attlsd *d, struct at_err *err)
{
	const char *path = d->db_path != NULL ? d->db_path : getenv("ATTLS_SAFDB");
	struct stat st;

	if (path == NULL || path[0] == '\0')
		path = "/var/lib/attls/saf.db";
	if (stat(path, &st) != 0) {
		attlsd_log(LOG_WARNING, false, "attlsd: no security database at %s: SAF key "
		    "rings cannot be opened, and every program is an undefined user (?UID)", path);
		return AT_OK;
	}
	if (strlen(path) >= sizeof(d->db_file))
		return at_err_setx(err, AT_E_INPUT, "security database path is too long");
	memcpy(d->db_file, path, strlen(path) + 1);
	return saf_db_open(path, 0, &d->db, err);
}

static enum at_rc
start(struct attlsd *d, struct at_err *err)
{
	struct epoll_event e = { .events = EPOLLIN };
	sigset_t set;
	enum at_rc rc;

	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->epfd < 0)
		return at_err_set(err, AT_E_IO, "epoll_create1");
	(void)sigemptyset(&set);
	(void)sigaddset(&set, SIGHUP);
	(void)sigaddset(&set, SIGTERM);
	(void)sigaddset(&set, SIGINT);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
		return at_err_setx(err, AT_E_IO, "blocking signals");
	(void)signal(SIGPIPE, SIG_IGN);
	d->sigfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (d->sigfd < 0)
		return at_err_set(err, AT_E_IO, "signalfd");
	rc = attlsd_conntab_init(&d->table, err);
	if (rc != AT_OK)
		return rc;
	e.data.u64 = ATTLSD_EV_ENGINE;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->engine.async_fd, &e) != 0 ||
	    epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->engine.log_fd, &e) != 0)
		return at_err_set(err, AT_E_IO, "epoll_ctl");
	rc = attlsd_builder_start(&d->builder, d->db_file[0] != '\0' ? d->db_file : NULL, err);
	if (rc != AT_OK)
		return rc;
	e.data.u64 = ATTLSD_EV_BUILDER;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->builder.evfd, &e) != 0)
		return at_err_set(err, AT_E_IO, "epoll_ctl");
	rc = attlsd_control_listen(d, err);
	if (rc != AT_OK)
		return rc;
	e.data.u64 = 0;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->listen_fd, &e) != 0)
		return at_err_set(err, AT_E_IO, "epoll_ctl");
	e.data.u64 = 1;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->sigfd, &e) != 0)
		return at_err_set(err, AT_E_IO, "epoll_ctl");
	return AT_OK;
}

/* Decides once whether connections may use kernel TLS, and says so. */
static void
log_ktls(struct attlsd *d)
{
	char why[160];

	if (d->no_ktls) {
		attlsd_log(LOG_INFO, false, "attlsd: kernel TLS: off (--no-ktls); records are "
		    "encrypted in attlsd");
		return;
	}
	d->ktls = engine_ktls_probe(why, sizeof(why));
	if (d->ktls)
		attlsd_log(LOG_INFO, false, "attlsd: kernel TLS: available; connections whose "
		    "cipher the kernel supports hand their records to it (attls status shows "
		    "which, under KTLS)");
	else
		attlsd_log(LOG_INFO, false, "attlsd: kernel TLS: not available (%s); records "
		    "are encrypted in attlsd", why);
}

/*
 * Every protected connection holds descriptors in attlsd, so the soft
 * limit goes up to the hard one (systemd's 1024 soft limit would let a
 * few hundred idle peers stop protection).  The reserve stays free for
 * the control socket, and one spare descriptor lets a connection be
 * refused at the limit instead of spinning on it.
 */
static void
raise_nofile(struct attlsd *d)
{
	struct rlimit rl;
	rlim_t was;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
		attlsd_log(LOG_WARNING, false, "attlsd: reading the descriptor limit: %s",
		    strerror(errno));
		return;
	}
	was = rl.rlim_cur;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
			attlsd_log(LOG_WARNING, false, "attlsd: raising the descriptor limit to "
			    "%llu: %s", (unsigned long long)rl.rlim_max, strerror(errno));
			rl.rlim_cur = was;
		}
	}
	d->fd_limit = rl.rlim_cur > (rlim_t)INT32_MAX ? INT32_MAX : (int)rl.rlim_cur;
	if (d->fd_reserve > (size_t)d->fd_limit / 4) {
		attlsd_log(LOG_WARNING, false, "attlsd: descriptor reserve %zu is more than a "
		    "quarter of the limit %d; using %d", d->fd_reserve, d->fd_limit,
		    d->fd_limit / 4);
		d->fd_reserve = (size_t)d->fd_limit / 4;
	}
	attlsd_log(LOG_INFO, false, "attlsd: descriptor limit %d (was %llu, hard limit %llu); "
	    "%zu kept for the control socket; at most %zu control connections per user%s",
	    d->fd_limit, (unsigned long long)was, (unsigned long long)rl.rlim_max,
	    d->fd_reserve, d->clients_per_user, d->clients_per_user == 0 ? " (no limit)" : "");
}

enum at_rc
attlsd_netstat_resource(char *out, size_t cap)
{
	struct utsname u;
	char sys[9];
	size_t i;
	int n;

	/* sysname: the host name's first label, upper-cased, at most eight
	 * characters as a z/OS system name; tcpname: the one stack. */
	if (uname(&u) != 0)
		return AT_E_IO;
	for (i = 0; i < 8 && u.nodename[i] != '\0' && u.nodename[i] != '.'; i++)
		sys[i] = (char)(u.nodename[i] >= 'a' && u.nodename[i] <= 'z' ?
		    u.nodename[i] - 32 : u.nodename[i]);
	sys[i] = '\0';
	n = snprintf(out, cap, "EZB.NETSTAT.%s.%s.TTLS", i > 0 ? sys : "LINUX",
	    ATTLSD_TCPNAME);
	return n > 0 && (size_t)n < cap ? AT_OK : AT_E_TOOBIG;
}

int
main(int argc, char **argv)
{
	struct attlsd d;
	struct at_err err;
	bool fg = false, check = false;
	int status = 1;
	size_t i;

	memset(&d, 0, sizeof(d));
	d.ready_fd = -1;
	d.listen_fd = d.epfd = d.sigfd = d.spare_fd = -1;
	d.builder.evfd = -1;
	d.clients_per_user = ATTLSD_DEFAULT_CLIENTS_PER_USER;
	d.fd_reserve = ATTLSD_DEFAULT_FD_RESERVE;
	d.next_gen = 1;
	if (parse_args(&d, argc, argv, &fg, &check, &err) != AT_OK) {
		fprintf(stderr, "attlsd: %s\n", err.msg);
		return 2;
	}
	d.checking = check;
	if (d.remove_summary) {
		if (remove_summary(&d, &err) != AT_OK) {
			fprintf(stderr, "attlsd: %s\n", err.msg);
			return 1;
		}
		return 0;
	}
	attlsd_log_open(fg || check, !check);
	if (!check) {
		/* Before the database is open and before any thread: the
		 * keyholder and the engine inherit neither. */
		raise_nofile(&d);
		if (start_engine(&d, &err) != AT_OK) {
			attlsd_log(LOG_ERR, false, "attlsd: %s", err.msg);
			goto out;
		}
	}
	if (open_db(&d, &err) != AT_OK) {
		attlsd_log(LOG_ERR, false, "attlsd: %s", err.msg);
		goto out;
	}
	if (attlsd_refresh(&d, NULL, &err) != AT_OK)
		goto out;
	if (check) {
		status = 0;
		goto out;
	}
	d.spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (start(&d, &err) != AT_OK) {
		attlsd_log(LOG_ERR, false, "attlsd: %s", err.msg);
		goto out;
	}
	log_ktls(&d);
	attlsd_log(LOG_INFO, false, "EZD1586I attlsd: all policies installed; listening on %s "
	    "with %zu workers", d.socket_path, d.nworkers);
	notify_ready(&d);
	status = loop(&d);
	attlsd_log(LOG_INFO, false, "attlsd: stopping");
	if (attlsd_notify("STOPPING=1", &err) != AT_OK)
		attlsd_log(LOG_WARNING, false, "attlsd: %s", err.msg);
out:
	/* Workers exist only once start() ran; a refused first policy ends
	 * before that. */
	attlsd_builder_stop(&d.builder);
	attlsd_engine_stop(&d.engine);
	for (i = 0; i < ATTLSD_MAX_CLIENTS; i++)
		if (d.clients[i] != NULL)
			drop_client(&d, i);
	if (d.listen_fd >= 0) {
		(void)close(d.listen_fd);
		(void)unlink(d.socket_path);
	}
	attlsd_secmap_free(&d.secmap);
	attlsd_gen_unref(d.gen);
	saf_db_close(d.db);
	if (d.epfd >= 0)
		(void)close(d.epfd);
	if (d.sigfd >= 0)
		(void)close(d.sigfd);
	if (d.spare_fd >= 0)
		(void)close(d.spare_fd);
	attlsd_log_close();
	return status;
}
