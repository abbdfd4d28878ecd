/* sandbox.c - an unprivileged, seccomp-filtered TLS worker (see sandbox.h). */
#define _GNU_SOURCE /* setresuid, setgroups */
#include "daemon/sandbox.h"

#include <grp.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/seccomp.h"

/*
 * What a relay worker was seen to call (strace of attlsd under the shim
 * tests) plus what the C library and OpenSSL may call on the same path.
 * Deliberately absent: open/openat (the database and key files), socket,
 * connect, bind, listen, accept (descriptors come from the parent), execve,
 * clone/fork (threads exist before the filter), ptrace, process_vm_*,
 * kill (tgkill is absent too: abort() then dies by SIGSYS, which is what it
 * wanted anyway), setuid and friends, prctl, seccomp, mount, and ioctl but
 * for the two requests in worker_ioctls.
 */
static const int worker_allowed[] = {
	/* relaying bytes and receiving descriptors from the parent */
	SYS_read, SYS_write, SYS_readv, SYS_writev,
	SYS_recvfrom, SYS_sendto, SYS_recvmsg, SYS_sendmsg,
	SYS_shutdown, SYS_close,
	/* event loop */
	SYS_epoll_ctl, SYS_epoll_pwait, SYS_ppoll,
#ifdef SYS_epoll_wait
	SYS_epoll_wait,
#endif
#ifdef SYS_poll
	SYS_poll,
#endif
	/* socket state of a descriptor already held (TCP_NODELAY, kernel TLS, SO_ERROR) */
	SYS_getsockopt, SYS_setsockopt, SYS_getpeername, SYS_getsockname,
	SYS_fcntl,
	/* threads, time, randomness (OpenSSL checks getpid for fork safety) */
	SYS_futex, SYS_getpid, SYS_gettid, SYS_getrandom, SYS_sched_yield,
	/* the credentials a reply to a program carries (SCM_CREDENTIALS) */
	SYS_getuid, SYS_geteuid, SYS_getgid, SYS_getegid,
	SYS_clock_gettime, SYS_clock_nanosleep, SYS_nanosleep, SYS_gettimeofday,
	/* memory */
	SYS_brk, SYS_mmap, SYS_munmap, SYS_mprotect, SYS_madvise, SYS_mremap,
	/* signals and leaving */
	SYS_rt_sigprocmask, SYS_rt_sigreturn, SYS_restart_syscall,
	SYS_exit, SYS_exit_group,
	/* What glibc calls as a new thread starts, about that thread only: a
	 * worker created just before the filter may make these just after. */
	SYS_set_robust_list,
#ifdef SYS_rseq
	SYS_rseq,
#endif
};

const int *
attlsd_sandbox_allowed(size_t *n)
{
	*n = sizeof(worker_allowed) / sizeof(worker_allowed[0]);
	return worker_allowed;
}

enum at_rc
attlsd_sandbox_drop_user(uid_t uid, gid_t gid, struct at_err *err)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (uid == 0 || gid == 0)
		return at_err_setx(err, AT_E_INPUT,
		    "a sandboxed worker must not run as uid or gid 0 (got %ld:%ld)",
		    (long)uid, (long)gid);
	/* Groups first: after setresuid there is no privilege left to change them. */
	if (setgroups(0, NULL) != 0)
		return at_err_set(err, AT_E_IO, "setgroups(0) before dropping to uid %ld",
		    (long)uid);
	if (setresgid(gid, gid, gid) != 0)
		return at_err_set(err, AT_E_IO, "setresgid(%ld)", (long)gid);
	if (setresuid(uid, uid, uid) != 0)
		return at_err_set(err, AT_E_IO, "setresuid(%ld)", (long)uid);
	/* Trust but verify: every id moved, no group is left, root stays out of reach. */
	if (getresuid(&ru, &eu, &su) != 0 || getresgid(&rg, &eg, &sg) != 0)
		return at_err_set(err, AT_E_IO, "reading back the ids after dropping them");
	if (ru != uid || eu != uid || su != uid || rg != gid || eg != gid || sg != gid)
		return at_err_setx(err, AT_E_IO,
		    "the worker's ids did not all change to %ld:%ld", (long)uid, (long)gid);
	if (getgroups(0, NULL) != 0)
		return at_err_setx(err, AT_E_IO, "the worker kept supplementary groups");
	if (setuid(0) == 0 || setgid(0) == 0)
		return at_err_setx(err, AT_E_IO, "the worker could become root again after dropping to uid %ld",
		    (long)uid);
	return AT_OK;
}

/*
 * The relay asks how many bytes wait in the program's end of the pair
 * (FIONREAD) and how many it has not read yet (SIOCOUTQ) before it hands a
 * stopped connection back (engine_conn_stop).  Both only read a counter.
 */
static const unsigned long worker_ioctls[] = { FIONREAD, SIOCOUTQ };

enum at_rc
attlsd_sandbox_filter(struct at_err *err)
{
	size_t n;
	const int *list = attlsd_sandbox_allowed(&n);
	enum at_rc rc;

	/* No core files or ptrace by the same uid: the worker holds session keys. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		return at_err_set(err, AT_E_IO, "prctl(PR_SET_DUMPABLE, 0)");
	rc = at_seccomp_allow_only_ioctl(list, n, worker_ioctls,
	    sizeof(worker_ioctls) / sizeof(worker_ioctls[0]), err);
	if (rc != AT_OK)
		at_err_prefix(err, "TLS worker sandbox");
	return rc;
}

enum at_rc
attlsd_sandbox_enter(uid_t uid, gid_t gid, struct at_err *err)
{
	enum at_rc rc;

	rc = attlsd_sandbox_drop_user(uid, gid, err);
	if (rc != AT_OK)
		return rc;
	return attlsd_sandbox_filter(err);
}
