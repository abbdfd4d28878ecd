/*
 * decide.c - what the shim decides on its own: the process's jobname, the
 * control socket path, whether the published policy summary rules a
 * connection out, and what to do when attlsd cannot decide one.
 *
 * The summary is re-checked at most every SUMMARY_RECHECK_MS with one
 * stat(); a mutex guards the mapping because a new file replaces the old
 * mapping.  Nothing here allocates after the first call.
 *
 * In secure-execution mode (a set-user-ID or file-capability program) the
 * environment and argv[0] belong to the caller, who may be the attacker:
 * nothing is read from them, and the built-in settings apply.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/num.h"
#include "ctl/io.h"
#include "ctl/summary.h"
#include "shim/shim.h"

#define SUMMARY_RECHECK_MS 100
#define DEFAULT_TIMEOUT_MS 5000
#define REQUIRE_FILE "/etc/attls/require"

/* ATTLS_REQUIRE: unset (follow the summary), "1" (always) or "off". */
enum require { REQ_AUTO, REQ_ON, REQ_OFF };

static pthread_once_t env_once = PTHREAD_ONCE_INIT;
static char jobname[CTL_NAME_MAX + 1];
static char sock_path[4096];
static char summary_path[4096 + sizeof(CTL_SUMMARY_SUFFIX)];
static int timeout_ms = DEFAULT_TIMEOUT_MS;
static enum require require_env = REQ_AUTO;
static bool inert;
static bool secure;

static pthread_mutex_t sum_mu = PTHREAD_MUTEX_INITIALIZER;
static struct ctl_summary_file summary;
/* The summary file exists but could not be read: a policy is published. */
static bool summary_bad;

/* getenv, except in secure-execution mode, where nothing is taken from it. */
static const char *
env(const char *name)
{
	return secure ? NULL : getenv(name);
}

static void
set_jobname(void)
{
	const char *src = env("ATTLS_JOBNAME");
	char exe[4096];
	size_t i, n;

	if (secure) {
		/* argv[0] is the caller's choice; the executable is not.
		 * Without /proc the name stays empty, matching only rules
		 * that name no job. */
		ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		const char *slash;

		exe[len > 0 ? len : 0] = '\0';
		slash = strrchr(exe, '/');
		src = slash != NULL ? slash + 1 : exe;
	} else if (src == NULL || src[0] == '\0') {
		src = program_invocation_short_name;
	}
	if (src == NULL)
		src = "";
	n = strnlen(src, CTL_NAME_MAX);
	for (i = 0; i < n; i++) {
		char c = src[i];

		jobname[i] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
	}
	jobname[n] = '\0';
}

static void
read_env(void)
{
	const char *p, *t;
	int n;

	secure = getauxval(AT_SECURE) != 0;
	p = ctl_socket_path();
	set_jobname();
	n = snprintf(sock_path, sizeof(sock_path), "%s", p);
	if (n < 0 || (size_t)n >= sizeof(sock_path))
		sock_path[0] = '\0';
	if (ctl_summary_path(sock_path, summary_path, sizeof(summary_path), NULL) != AT_OK)
		summary_path[0] = '\0';
	t = env("ATTLS_TIMEOUT_MS");
	if (t != NULL && t[0] != '\0') {
		uint64_t v;

		if (at_parse_u64(at_str_c(t), 1, 3600000, "ATTLS_TIMEOUT_MS", &v, NULL) == AT_OK)
			timeout_ms = (int)v;
	}
	t = env("ATTLS_REQUIRE");
	if (t != NULL && strcmp(t, "1") == 0)
		require_env = REQ_ON;
	else if (t != NULL && strcmp(t, "off") == 0)
		require_env = REQ_OFF;
	/* attlsd must never ask itself; ATTLS_SHIM=off exempts any program.
	 * Neither applies to a set-user-ID program, whose name and
	 * environment its caller chose. */
	t = env("ATTLS_SHIM");
	inert = !secure && ((t != NULL && strcmp(t, "off") == 0) ||
	    (program_invocation_short_name != NULL &&
	    strcmp(program_invocation_short_name, "attlsd") == 0));
}

static void
init_env(void)
{
	int saved = errno;

	(void)pthread_once(&env_once, read_env);
	errno = saved;
}

const char *
shim_jobname(void)
{
	init_env();
	return jobname;
}

bool
shim_inert(void)
{
	init_env();
	return inert;
}

const char *
shim_socket_path(void)
{
	init_env();
	return sock_path;
}

int
shim_timeout_ms(void)
{
	init_env();
	return timeout_ms;
}

bool
shim_may_match(int dir, uint16_t lport, uint16_t rport)
{
	int saved = errno;
	struct timespec before;
	bool may = true;

	init_env();
	(void)pthread_mutex_lock(&sum_mu);
	if (summary_path[0] != '\0') {
		before = summary.checked;
		if (ctl_summary_map(&summary, summary_path, SUMMARY_RECHECK_MS, NULL) != AT_OK)
			summary_bad = true;
		else if (before.tv_sec != summary.checked.tv_sec ||
		    before.tv_nsec != summary.checked.tv_nsec)
			summary_bad = false; /* looked again: there, or gone */
	}
	if (summary.present)
		may = ctl_summary_may_match(&summary.sum, dir, lport, rport, jobname);
	(void)pthread_mutex_unlock(&sum_mu);
	errno = saved;
	return may;
}

bool
shim_secmap_published(void)
{
	bool on;

	(void)pthread_mutex_lock(&sum_mu);
	on = summary.present && (summary.sum.flags & CTL_SUMMARY_F_SECMAP) != 0;
	(void)pthread_mutex_unlock(&sum_mu);
	return on;
}

static bool
published(void)
{
	bool pub;

	(void)pthread_mutex_lock(&sum_mu);
	pub = summary.present || summary_bad;
	(void)pthread_mutex_unlock(&sum_mu);
	return pub;
}

static bool
require_file(void)
{
	int saved = errno;
	struct stat st;
	bool req;

	req = stat(REQUIRE_FILE, &st) == 0;
	errno = saved;
	return req;
}

enum shim_nodaemon
shim_nodaemon(void)
{
	init_env();
	if (require_file() || require_env == REQ_ON)
		return SHIM_ND_REFUSE;
	if (!published())
		return SHIM_ND_CLEAR;
	return require_env == REQ_OFF ? SHIM_ND_OPTOUT : SHIM_ND_REFUSE;
}

void
shim_warn(enum shim_nodaemon what, const char *why)
{
	static int warned[3];
	static const char *const tail[3] = {
		[SHIM_ND_CLEAR] = "no AT-TLS policy is published for this host, so connections "
		    "go on in cleartext",
		[SHIM_ND_REFUSE] = "an AT-TLS policy may cover the connection, so it is refused",
		[SHIM_ND_OPTOUT] = "ATTLS_REQUIRE=off lets connections a published AT-TLS policy "
		    "may cover go out in cleartext",
	};
	int saved = errno;

	if (__atomic_exchange_n(&warned[what], 1, __ATOMIC_RELAXED) == 0)
		fprintf(stderr, "libattls: %s; %s\n", why, tail[what]);
	errno = saved;
}

void
shim_decide_atfork_prepare(void)
{
	(void)pthread_mutex_lock(&sum_mu);
}

void
shim_decide_atfork_parent(void)
{
	(void)pthread_mutex_unlock(&sum_mu);
}

void
shim_decide_atfork_child(void)
{
	(void)pthread_mutex_unlock(&sum_mu);
}
