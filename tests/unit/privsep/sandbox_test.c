/*
 * sandbox_test.c - a TLS worker's sandbox, entered for real in a child
 * process: the child becomes an unprivileged user that cannot become root
 * again, an allowed call (write to a pipe) works, and a forbidden one
 * (openat, socket, execve, ptrace) kills it with SIGSYS before the call
 * does anything.  Needs root to change user: exits 77 (skipped) otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/sandbox.h"

#define WORKER_UID 64999
#define WORKER_GID 64999

enum forbidden { F_NONE, F_OPENAT, F_SOCKET, F_EXECVE, F_PTRACE, F_SETUID };

/*
 * Runs the child: sandbox, then a write to the pipe (allowed), then the
 * forbidden call.  Returns the child's wait status; *got is what it wrote.
 */
static int
run_child(enum forbidden what, char *got)
{
	int p[2], st;
	pid_t pid;
	struct at_err err;
	char c = 0;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		if (attlsd_sandbox_enter(WORKER_UID, WORKER_GID, &err) != AT_OK) {
			(void)write(2, err.msg, strlen(err.msg));
			_exit(10);
		}
		if (write(p[1], "w", 1) != 1)
			_exit(11);
		switch (what) {
		case F_OPENAT:
			/* Raw syscall: no libc wrapper may pick another call. */
			(void)syscall(SYS_openat, AT_FDCWD, "/etc/passwd", O_RDONLY);
			break;
		case F_SOCKET:
			(void)syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
			break;
		case F_EXECVE:
			(void)syscall(SYS_execve, "/bin/true", NULL, NULL);
			break;
		case F_PTRACE:
			(void)syscall(SYS_ptrace, PTRACE_ATTACH, (long)getppid(), 0, 0);
			break;
		case F_SETUID:
			(void)syscall(SYS_setuid, 0);
			break;
		case F_NONE:
			break;
		}
		if (write(p[1], "s", 1) != 1)   /* survived the call */
			_exit(12);
		/* exit_group itself: _exit() under a sanitizer would run its leak check. */
		(void)syscall(SYS_exit_group, 0);
		_exit(0);
	}
	close(p[1]);
	got[0] = got[1] = '\0';
	while (read(p[0], &c, 1) == 1)
		got[got[0] == '\0' ? 0 : 1] = c;
	close(p[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return st;
}

static void
allowed_calls_work(void **state)
{
	char got[2];
	int st;

	(void)state;
	st = run_child(F_NONE, got);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(got[0], 'w');
	assert_int_equal(got[1], 's');
}

static void
expect_killed(enum forbidden what)
{
	char got[2];
	int st;

	st = run_child(what, got);
	assert_int_equal(got[0], 'w');       /* the write before it worked */
	assert_int_equal(got[1], '\0');      /* and nothing after it ran */
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGSYS);
}

static void openat_kills(void **state) { (void)state; expect_killed(F_OPENAT); }
static void socket_kills(void **state) { (void)state; expect_killed(F_SOCKET); }
static void execve_kills(void **state) { (void)state; expect_killed(F_EXECVE); }
static void ptrace_kills(void **state) { (void)state; expect_killed(F_PTRACE); }
static void setuid_kills(void **state) { (void)state; expect_killed(F_SETUID); }

/* The user drop alone: every id moved, no groups, root out of reach. */
static void
drop_user_holds(void **state)
{
	pid_t pid;
	int st;
	struct at_err err;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		uid_t r, e, s;

		if (attlsd_sandbox_drop_user(WORKER_UID, WORKER_GID, &err) != AT_OK)
			_exit(1);
		if (getresuid(&r, &e, &s) != 0 || r != WORKER_UID || e != WORKER_UID ||
		    s != WORKER_UID)
			_exit(2);
		if (setuid(0) == 0 || errno != EPERM)
			_exit(3);
		if (open("/proc/1/environ", O_RDONLY) >= 0)   /* root's, now out of reach */
			_exit(4);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void
refuses_root(void **state)
{
	struct at_err err;

	(void)state;
	assert_int_equal(attlsd_sandbox_drop_user(0, 0, &err), AT_E_INPUT);
	assert_int_equal(attlsd_sandbox_drop_user(WORKER_UID, 0, &err), AT_E_INPUT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refuses_root),
		cmocka_unit_test(allowed_calls_work),
		cmocka_unit_test(openat_kills),
		cmocka_unit_test(socket_kills),
		cmocka_unit_test(execve_kills),
		cmocka_unit_test(ptrace_kills),
		cmocka_unit_test(setuid_kills),
		cmocka_unit_test(drop_user_holds),
	};

	if (geteuid() != 0) {
		printf("privsep_sandbox_test: skipped, changing to uid %d needs root\n", WORKER_UID);
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
