/*
 * failepoll.c - preloaded into attlsd by a test: epoll_ctl refuses to add
 * or change a TCP socket (ENOMEM), as it does when the kernel is short of
 * memory or the user's max_user_watches is used up, so that the test can
 * show what a worker does with a connection it cannot watch.  Removing
 * works, and other descriptors (the control socket, eventfds, the
 * programs' ends) are untouched.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <sys/epoll.h>
#include <sys/socket.h>

int
epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	int (*real)(int, int, int, struct epoll_event *);
	socklen_t len;
	int dom = 0;

	len = sizeof(dom);
	if (op != EPOLL_CTL_DEL && getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &len) == 0 &&
	    (dom == AF_INET || dom == AF_INET6)) {
		errno = ENOMEM;
		return -1;
	}
	*(void **)&real = dlsym(RTLD_NEXT, "epoll_ctl");
	if (real == NULL) {
		errno = ENOSYS;
		return -1;
	}
	return real(epfd, op, fd, ev);
}
