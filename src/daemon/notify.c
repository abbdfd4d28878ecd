/*
 * notify.c - the sd_notify datagram (see notify.h).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/notify.h"

enum at_rc
attlsd_notify(const char *state, struct at_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *ns = getenv("NOTIFY_SOCKET");
	size_t n, len = strlen(state);
	ssize_t sent;
	int fd;

	if (ns == NULL || ns[0] == '\0')
		return AT_OK;
	n = strlen(ns);
	if ((ns[0] != '/' && ns[0] != '@') || n < 2 || n >= sizeof(sa.sun_path))
		return at_err_setx(err, AT_E_INPUT, "NOTIFY_SOCKET '%s' is not a socket path "
		    "or an abstract socket name", ns);
	memcpy(sa.sun_path, ns, n);
	if (ns[0] == '@')
		sa.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return at_err_set(err, AT_E_IO, "socket for the service manager notification");
	sent = sendto(fd, state, len, MSG_NOSIGNAL, (const struct sockaddr *)&sa,
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n));
	(void)close(fd);
	if (sent != (ssize_t)len)
		return at_err_set(err, AT_E_IO, "telling the service manager (%s) '%s'", ns,
		    state);
	return AT_OK;
}
