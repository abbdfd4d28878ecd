/*
 * cmd_run.c - `attls run [-j JOBNAME] [--socket PATH] -- PROGRAM ARGS...`:
 * runs an unmodified program with libattls.so preloaded, so its TCP
 * connections are offered to attlsd and protected as the policy says.
 *
 * The library is found through ATTLS_PRELOAD, else next to the attls
 * program (the build tree's ../shim/libattls.so), else in the installed
 * library directory.  It is put first in LD_PRELOAD, keeping what was
 * there.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "ctl/io.h"
#include "ctl/proto.h"

#ifndef ATTLS_SHIM_INSTALLED
#define ATTLS_SHIM_INSTALLED "/usr/local/lib/attls/libattls.so"
#endif

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: attls run [-j JOBNAME] [--socket PATH] [--] PROGRAM [ARGS...]\n"
	    "\n"
	    "Runs PROGRAM with libattls.so preloaded: its TCP connections that an\n"
	    "AT-TLS rule covers are protected by attlsd; the program keeps its plain\n"
	    "socket calls and never sees a key.\n"
	    "\n"
	    "  -j, --jobname NAME  the jobname rules match (default: the program name)\n"
	    "  --socket PATH       attlsd's control socket (default: $ATTLS_SOCKET or %s)\n"
	    "\n"
	    "ATTLS_PRELOAD names the library to preload instead of the one found\n"
	    "next to this program.\n", CTL_DEFAULT_SOCKET);
}

static int
readable(const char *path)
{
	return access(path, R_OK) == 0;
}

/* Finds libattls.so; fills out (size outsz).  Returns 0 or -1. */
static int
find_shim(char *out, size_t outsz)
{
	const char *env = getenv("ATTLS_PRELOAD");
	char self[PATH_MAX], *slash;
	ssize_t n;
	int w;

	if (env != NULL && env[0] != '\0') {
		w = snprintf(out, outsz, "%s", env);
		return w < 0 || (size_t)w >= outsz ? -1 : 0;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash != NULL) {
			*slash = '\0';
			w = snprintf(out, outsz, "%s/../shim/libattls.so", self);
			if (w >= 0 && (size_t)w < outsz && readable(out))
				return 0;
		}
	}
	w = snprintf(out, outsz, "%s", ATTLS_SHIM_INSTALLED);
	if (w >= 0 && (size_t)w < outsz && readable(out))
		return 0;
	return -1;
}

static int
set_preload(const char *lib)
{
	const char *old = getenv("LD_PRELOAD");
	char buf[8192];
	int w;

	if (old == NULL || old[0] == '\0')
		w = snprintf(buf, sizeof(buf), "%s", lib);
	else
		w = snprintf(buf, sizeof(buf), "%s:%s", lib, old);
	if (w < 0 || (size_t)w >= sizeof(buf))
		return -1;
	return setenv("LD_PRELOAD", buf, 1);
}

int
attls_cmd_run(int argc, char **argv)
{
	const char *jobname = NULL, *sock = NULL;
	char lib[PATH_MAX];
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		}
		if ((strcmp(a, "-j") == 0 || strcmp(a, "--jobname") == 0) && i + 1 < argc) {
			jobname = argv[++i];
		} else if (strcmp(a, "--socket") == 0 && i + 1 < argc) {
			sock = argv[++i];
		} else if (a[0] == '-') {
			fprintf(stderr, "attls run: unknown option '%s'\n", a);
			usage(stderr);
			return 2;
		} else {
			break;
		}
	}
	if (i >= argc) {
		fprintf(stderr, "attls run: no program to run\n");
		usage(stderr);
		return 2;
	}
	if (jobname != NULL && (jobname[0] == '\0' || strlen(jobname) > CTL_NAME_MAX)) {
		fprintf(stderr, "attls run: a jobname is 1 to %d characters\n", CTL_NAME_MAX);
		return 2;
	}
	if (find_shim(lib, sizeof(lib)) != 0) {
		fprintf(stderr, "attls run: cannot find libattls.so (set ATTLS_PRELOAD)\n");
		return 1;
	}
	if (set_preload(lib) != 0 || (jobname != NULL && setenv("ATTLS_JOBNAME", jobname, 1) != 0) ||
	    (sock != NULL && setenv("ATTLS_SOCKET", sock, 1) != 0)) {
		fprintf(stderr, "attls run: cannot set the environment: %s\n", strerror(errno));
		return 1;
	}
	execvp(argv[i], argv + i);
	fprintf(stderr, "attls run: cannot run %s: %s\n", argv[i], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
