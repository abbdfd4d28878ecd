/*
 * peer_test.c - a file is opened as the connection's user would open it:
 * the file's owner, group and other bits, the supplementary groups and
 * every directory on the path decide; a FIFO in a ring's place is refused
 * without hanging.  Becoming other users needs root; as another user the
 * tests that need it are skipped.
 */
#define _DEFAULT_SOURCE /* setgroups */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/peer.h"

#define OWNER 64201
#define OTHER 64202
#define GROUP 64203

static char dir[64];
static char sub[128];
static char file[192];

static int
setup(void **state)
{
	int fd;

	(void)state;
	(void)snprintf(dir, sizeof(dir), "/tmp/attls-peer.XXXXXX");
	if (mkdtemp(dir) == NULL || chmod(dir, 0755) != 0)
		return -1;
	(void)snprintf(sub, sizeof(sub), "%s/sub", dir);
	(void)snprintf(file, sizeof(file), "%s/ring.pem", sub);
	if (mkdir(sub, 0755) != 0)
		return -1;
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || write(fd, "ring\n", 5) != 5)
		return -1;
	(void)close(fd);
	if (geteuid() == 0 && chown(file, OWNER, GROUP) != 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char fifo[160];

	(void)state;
	(void)snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	(void)unlink(fifo);
	(void)unlink(file);
	(void)chmod(sub, 0755);
	(void)rmdir(sub);
	(void)rmdir(dir);
	return 0;
}

static struct attlsd_peer
peer(uid_t uid, gid_t gid, gid_t extra)
{
	struct attlsd_peer p;

	memset(&p, 0, sizeof(p));
	p.uid = uid;
	p.gid = gid;
	if (extra != 0)
		p.groups[p.ngroups++] = extra;
	return p;
}

static enum at_rc
try_open(struct attlsd_peer p)
{
	struct at_err err;
	enum at_rc rc;
	int fd = -1;

	rc = attlsd_peer_open(&p, file, &fd, &err);
	if (rc == AT_OK) {
		char buf[8] = { 0 };

		assert_int_equal(read(fd, buf, sizeof(buf) - 1), 5);
		assert_string_equal(buf, "ring\n");
		assert_true((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
		(void)close(fd);
	} else {
		assert_int_equal(fd, -1);
		assert_non_null(strstr(err.msg, "cannot open it"));
	}
	return rc;
}

static void
test_from_socket(void **state)
{
	struct attlsd_peer p;
	struct at_err err;
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(attlsd_peer_from_socket(sv[0], &p, &err), AT_OK);
	assert_int_equal(p.uid, geteuid());
	assert_int_equal(p.gid, getegid());
	(void)close(sv[0]);
	(void)close(sv[1]);
}

/* In a child that has n supplementary groups: how many the socket tells. */
static int
groups_seen(size_t n)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		static gid_t g[400];
		struct attlsd_peer p;
		struct at_err err;
		size_t i;
		int sv[2];

		for (i = 0; i < n; i++)
			g[i] = (gid_t)(70000 + i);
		if (setgroups(n, g) != 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0 ||
		    attlsd_peer_from_socket(sv[0], &p, &err) != AT_OK)
			_exit(255);
		for (i = 0; i < p.ngroups; i++)
			if (p.groups[i] != g[i])
				_exit(254);
		_exit((int)(p.ngroups > 250 ? 250 : p.ngroups));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void
test_many_groups(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(groups_seen(10), 10);
	/* More than attlsd keeps: none at all, never made-up ones. */
	assert_int_equal(groups_seen(300), 0);
}

static void
test_mode_bits(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(try_open(peer(OWNER, OWNER, 0)), AT_OK);
	assert_int_equal(try_open(peer(OTHER, OTHER, 0)), AT_E_DENIED);
	/* The group bits, through the primary and a supplementary group. */
	assert_int_equal(chmod(file, 0640), 0);
	assert_int_equal(try_open(peer(OTHER, OTHER, 0)), AT_E_DENIED);
	assert_int_equal(try_open(peer(OTHER, GROUP, 0)), AT_OK);
	assert_int_equal(try_open(peer(OTHER, OTHER, GROUP)), AT_OK);
	assert_int_equal(chmod(file, 0600), 0);
	/* Root opens as root: the daemon's own tests rely on that. */
	assert_int_equal(try_open(peer(0, 0, 0)), AT_OK);
}

static void
test_directory(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	/* Readable file, but a directory on the path the user cannot search. */
	assert_int_equal(chmod(file, 0644), 0);
	assert_int_equal(try_open(peer(OTHER, OTHER, 0)), AT_OK);
	assert_int_equal(chmod(sub, 0700), 0);
	assert_int_equal(try_open(peer(OTHER, OTHER, 0)), AT_E_DENIED);
	assert_int_equal(chmod(sub, 0755), 0);
	assert_int_equal(chmod(file, 0600), 0);
}

static void
test_not_regular(void **state)
{
	struct attlsd_peer p = peer(geteuid(), getegid(), 0);
	char fifo[160];
	struct at_err err;
	int fd = -1;

	(void)state;
	(void)snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0666), 0);
	assert_int_equal(attlsd_peer_open(&p, fifo, &fd, &err), AT_E_INPUT);
	assert_int_equal(fd, -1);
	assert_non_null(strstr(err.msg, "not a regular file"));
	assert_int_equal(attlsd_peer_open(&p, dir, &fd, &err), AT_E_INPUT);
}

static void
test_missing(void **state)
{
	struct attlsd_peer p = peer(geteuid(), getegid(), 0);
	char path[160];
	struct at_err err;
	int fd = -1;

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/none.pem", dir);
	assert_int_equal(attlsd_peer_open(&p, path, &fd, &err), AT_E_IO);
	assert_non_null(strstr(err.msg, "No such file"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_socket),
		cmocka_unit_test(test_many_groups),
		cmocka_unit_test(test_mode_bits),
		cmocka_unit_test(test_directory),
		cmocka_unit_test(test_not_regular),
		cmocka_unit_test(test_missing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
