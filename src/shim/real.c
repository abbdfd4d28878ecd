/*
 * real.c - finding the libc functions the shim stands in front of.  They
 * are looked up with dlsym(RTLD_NEXT) so that the shim's own calls never
 * come back into the shim, and so that another preloaded library earlier
 * or later in the chain keeps working.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "shim/shim.h"

static struct shim_real real;
static pthread_once_t real_once = PTHREAD_ONCE_INIT;

static void
must(void **slot, const char *name)
{
	*slot = dlsym(RTLD_NEXT, name);
	if (*slot == NULL) {
		/* Without the real function there is nothing sensible to do:
		 * the program would misbehave in ways far harder to debug. */
		fprintf(stderr, "libattls: cannot find %s: %s\n", name, dlerror());
		abort();
	}
}

static void
resolve(void)
{
	must((void **)&real.connect, "connect");
	must((void **)&real.accept, "accept");
	must((void **)&real.accept4, "accept4");
	must((void **)&real.getpeername, "getpeername");
	must((void **)&real.getsockname, "getsockname");
	must((void **)&real.getsockopt, "getsockopt");
	must((void **)&real.setsockopt, "setsockopt");
	must((void **)&real.close, "close");
	must((void **)&real.epoll_create, "epoll_create");
	must((void **)&real.epoll_create1, "epoll_create1");
}

const struct shim_real *
shim_real(void)
{
	(void)pthread_once(&real_once, resolve);
	return &real;
}
