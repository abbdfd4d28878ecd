/*
 * epoll.c - keeping epoll registrations across the hand-over.
 *
 * epoll registers an open file, not a descriptor number.  A program that
 * adds its socket to an epoll set before connect() (common with
 * non-blocking connects) would, after the dup3() that swaps in the pair
 * end, keep watching the TCP socket the daemon now reads, and never hear
 * from the pair end.  So the shim remembers which descriptors are epoll
 * instances (by interposing epoll_create and epoll_create1), and at the
 * hand-over reads each one's /proc/self/fdinfo entry for the descriptor,
 * removes the registration while the number still names the TCP socket,
 * and adds it again with the same events and data once the pair end is in
 * place.  Programs that never create an epoll instance pay nothing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "shim/fdtable.h"
#include "shim/shim.h"

static _Atomic uint64_t epbits[SHIM_FD_MAX / 64];
static atomic_int nepoll;

SHIM_EXPORT int epoll_create(int size);
SHIM_EXPORT int epoll_create1(int flags);

static void
mark(int fd)
{
	uint64_t bit, old;

	if (fd < 0 || fd >= SHIM_FD_MAX)
		return;
	bit = (uint64_t)1 << (fd % 64);
	old = atomic_fetch_or(&epbits[fd / 64], bit);
	if ((old & bit) == 0)
		atomic_fetch_add(&nepoll, 1);
}

void
shim_epoll_forget(int fd)
{
	uint64_t bit, old;

	if (fd < 0 || fd >= SHIM_FD_MAX || atomic_load_explicit(&nepoll,
	    memory_order_relaxed) == 0)
		return;
	bit = (uint64_t)1 << (fd % 64);
	old = atomic_fetch_and(&epbits[fd / 64], ~bit);
	if ((old & bit) != 0)
		atomic_fetch_sub(&nepoll, 1);
}

int
epoll_create(int size)
{
	int fd = shim_real()->epoll_create(size);

	mark(fd);
	return fd;
}

int
epoll_create1(int flags)
{
	int fd = shim_real()->epoll_create1(flags);

	mark(fd);
	return fd;
}

/* Parses "tfd: N events: HEX data: HEX" from one fdinfo line. */
static bool
parse_line(const char *line, int *tfd, uint32_t *events, uint64_t *data)
{
	const char *p = strstr(line, "tfd:"), *e, *d;
	char *end;

	if (p == NULL || (e = strstr(p, "events:")) == NULL || (d = strstr(p, "data:")) == NULL)
		return false;
	*tfd = (int)strtol(p + 4, &end, 10);
	if (end == p + 4)
		return false;
	*events = (uint32_t)strtoul(e + 7, &end, 16);
	if (end == e + 7)
		return false;
	*data = strtoull(d + 5, &end, 16);
	return end != d + 5;
}

/* Records and removes fd's registration in epfd, if any. */
static void
take_from(int epfd, int fd, struct shim_epoll_regs *regs)
{
	char path[64], buf[4096], line[512];
	size_t ll = 0;
	ssize_t n, i;
	int f;

	(void)snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", epfd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return;
	while ((n = read(f, buf, sizeof(buf))) > 0) {
		for (i = 0; i < n; i++) {
			int tfd;
			uint32_t ev;
			uint64_t data;

			if (buf[i] != '\n') {
				if (ll < sizeof(line) - 1)
					line[ll++] = buf[i];
				continue;
			}
			line[ll] = '\0';
			ll = 0;
			if (!parse_line(line, &tfd, &ev, &data) || tfd != fd ||
			    regs->n >= SHIM_EPOLL_REGS)
				continue;
			regs->r[regs->n].epfd = epfd;
			regs->r[regs->n].events = ev;
			regs->r[regs->n].data = data;
			if (epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL) == 0)
				regs->n++;
		}
	}
	(void)shim_real()->close(f);
}

void
shim_epoll_take(int fd, struct shim_epoll_regs *regs)
{
	int saved = errno, ep, w;

	regs->n = 0;
	if (atomic_load_explicit(&nepoll, memory_order_relaxed) == 0)
		return;
	for (w = 0; w < SHIM_FD_MAX / 64; w++) {
		uint64_t bits = atomic_load_explicit(&epbits[w], memory_order_relaxed);

		while (bits != 0) {
			ep = w * 64 + __builtin_ctzll(bits);
			bits &= bits - 1;
			take_from(ep, fd, regs);
		}
	}
	errno = saved;
}

void
shim_epoll_restore(int fd, const struct shim_epoll_regs *regs)
{
	int saved = errno;
	size_t i;

	for (i = 0; i < regs->n; i++) {
		struct epoll_event ev;

		memset(&ev, 0, sizeof(ev));
		ev.events = regs->r[i].events;
		ev.data.u64 = regs->r[i].data;
		(void)epoll_ctl(regs->r[i].epfd, EPOLL_CTL_ADD, fd, &ev);
	}
	errno = saved;
}
