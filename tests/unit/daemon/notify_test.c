/*
 * notify_test.c - the readiness datagram reaches a real socket named by
 * NOTIFY_SOCKET, as a path or as an abstract name; no variable means no
 * datagram and no error; a value that names no socket address is refused
 * with a message, and a socket nobody listens on is an error, not silence.
 */
#define _GNU_SOURCE /* mkdtemp */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/notify.h"

/* A datagram socket bound at name (abstract when it starts with '@'). */
static int
listen_at(const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = strlen(name);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_true(n < sizeof(sa.sun_path));
	memcpy(sa.sun_path, name, n);
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	assert_int_equal(bind(fd, (struct sockaddr *)&sa,
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n)), 0);
	return fd;
}

static void
expect_datagram(int fd, const char *want)
{
	char got[64];
	ssize_t n = recv(fd, got, sizeof(got) - 1, MSG_DONTWAIT);

	assert_true(n >= 0);
	got[n] = '\0';
	assert_string_equal(got, want);
}

static void
test_path_socket(void **state)
{
	char dir[] = "/tmp/attls-notify.XXXXXX";
	char path[128];
	struct at_err err;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_true(snprintf(path, sizeof(path), "%s/notify", dir) < (int)sizeof(path));
	fd = listen_at(path);
	assert_int_equal(setenv("NOTIFY_SOCKET", path, 1), 0);
	assert_int_equal(attlsd_notify("READY=1", &err), AT_OK);
	expect_datagram(fd, "READY=1");
	assert_int_equal(attlsd_notify("STOPPING=1", &err), AT_OK);
	expect_datagram(fd, "STOPPING=1");
	(void)close(fd);
	(void)unlink(path);
	(void)rmdir(dir);
	/* Nobody bound there any more: an error the daemon can log. */
	assert_int_equal(attlsd_notify("READY=1", &err), AT_E_IO);
	assert_non_null(strstr(err.msg, path));
	(void)unsetenv("NOTIFY_SOCKET");
}

static void
test_abstract_socket(void **state)
{
	char name[64];
	struct at_err err;
	int fd;

	(void)state;
	assert_true(snprintf(name, sizeof(name), "@attls-notify-test-%ld",
	    (long)getpid()) < (int)sizeof(name));
	fd = listen_at(name);
	assert_int_equal(setenv("NOTIFY_SOCKET", name, 1), 0);
	assert_int_equal(attlsd_notify("READY=1", &err), AT_OK);
	expect_datagram(fd, "READY=1");
	(void)close(fd);
	(void)unsetenv("NOTIFY_SOCKET");
}

static void
test_no_socket_is_quiet(void **state)
{
	struct at_err err;

	(void)state;
	(void)unsetenv("NOTIFY_SOCKET");
	assert_int_equal(attlsd_notify("READY=1", &err), AT_OK);
	assert_int_equal(setenv("NOTIFY_SOCKET", "", 1), 0);
	assert_int_equal(attlsd_notify("READY=1", &err), AT_OK);
	(void)unsetenv("NOTIFY_SOCKET");
}

static void
test_bad_names_refused(void **state)
{
	char longname[200];
	struct at_err err;

	(void)state;
	assert_int_equal(setenv("NOTIFY_SOCKET", "relative/notify", 1), 0);
	assert_int_equal(attlsd_notify("READY=1", &err), AT_E_INPUT);
	assert_non_null(strstr(err.msg, "relative/notify"));
	assert_int_equal(setenv("NOTIFY_SOCKET", "@", 1), 0);
	assert_int_equal(attlsd_notify("READY=1", &err), AT_E_INPUT);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[0] = '/';
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(setenv("NOTIFY_SOCKET", longname, 1), 0);
	assert_int_equal(attlsd_notify("READY=1", &err), AT_E_INPUT);
	(void)unsetenv("NOTIFY_SOCKET");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_socket),
		cmocka_unit_test(test_abstract_socket),
		cmocka_unit_test(test_no_socket_is_quiet),
		cmocka_unit_test(test_bad_names_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
