/*
 * decide.c - what the shim decides on its own: the process's jobname, the
 * control socket path, whether the published policy summary rules a
 * connection out, and what to do when there is no daemon.
 *
 * The summary is re-checked at most every SUMMARY_RECHECK_MS with one
 * stat(); a mutex guards the mapping because a new file replaces the old
 * mapping.  Nothing here allocates after the first call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/num.h"
#include "ctl/io.h"
#include "ctl/summary.h"
#include "shim/shim.h"

#define SUMMARY_RECHECK_MS 100
#define DEFAULT_TIMEOUT_MS 5000
#define REQUIRE_FILE "/etc/attls/require"

static pthread_once_t env_once = PTHREAD_ONCE_INIT;
static char jobname[CTL_NAME_MAX + 1];
static char sock_path[4096];
static char summary_path[4096 + sizeof(CTL_SUMMARY_SUFFIX)];
static int timeout_ms = DEFAULT_TIMEOUT_MS;
static bool require_env;
static bool inert;

static pthread_mutex_t sum_mu = PTHREAD_MUTEX_INITIALIZER;
static struct ctl_summary_file summary;
static int warned;

static void
set_jobname(void)
{
	const char *src = getenv("ATTLS_JOBNAME");
	size_t i, n;

	if (src == NULL || src[0] == '\0')
		src = program_invocation_short_name;
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
	const char *p = ctl_socket_path(), *t = getenv("ATTLS_TIMEOUT_MS");
	int n;

	set_jobname();
	n = snprintf(sock_path, sizeof(sock_path), "%s", p);
	if (n < 0 || (size_t)n >= sizeof(sock_path))
		sock_path[0] = '\0';
	if (ctl_summary_path(sock_path, summary_path, sizeof(summary_path), NULL) != AT_OK)
		summary_path[0] = '\0';
	if (t != NULL && t[0] != '\0') {
		uint64_t v;

		if (at_parse_u64(at_str_c(t), 1, 3600000, "ATTLS_TIMEOUT_MS", &v, NULL) == AT_OK)
			timeout_ms = (int)v;
	}
	t = getenv("ATTLS_REQUIRE");
	require_env = t != NULL && strcmp(t, "1") == 0;
	/* attlsd must never ask itself; ATTLS_SHIM=off exempts any program. */
	t = getenv("ATTLS_SHIM");
	inert = (t != NULL && strcmp(t, "off") == 0) ||
	    (program_invocation_short_name != NULL &&
	    strcmp(program_invocation_short_name, "attlsd") == 0);
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
	bool may = true;

	init_env();
	(void)pthread_mutex_lock(&sum_mu);
	if (summary_path[0] != '\0' &&
	    ctl_summary_map(&summary, summary_path, SUMMARY_RECHECK_MS, NULL) != AT_OK)
		may = true;
	if (summary.present)
		may = ctl_summary_may_match(&summary.sum, dir, lport, rport, jobname);
	(void)pthread_mutex_unlock(&sum_mu);
	errno = saved;
	return may;
}

bool
shim_require(void)
{
	int saved = errno;
	struct stat st;
	bool req;

	init_env();
	req = require_env || stat(REQUIRE_FILE, &st) == 0;
	errno = saved;
	return req;
}

void
shim_warn_nodaemon(void)
{
	int saved = errno;

	if (__atomic_exchange_n(&warned, 1, __ATOMIC_RELAXED) == 0)
		fprintf(stderr, "libattls: attlsd is not running at %s and this host requires "
		    "AT-TLS protection: refusing connections a policy rule may cover\n",
		    shim_socket_path());
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
