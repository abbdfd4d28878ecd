/* seccomp.c - an allow-list seccomp filter in classic BPF (see seccomp.h). */
#define _DEFAULT_SOURCE /* syscall */
#include "common/seccomp.h"

#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#if defined(__x86_64__)
#define AT_SECCOMP_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define AT_SECCOMP_ARCH AUDIT_ARCH_AARCH64
#endif

#ifndef SECCOMP_FILTER_FLAG_TSYNC
#define SECCOMP_FILTER_FLAG_TSYNC 1
#endif

#define LOAD_ARCH (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, \
	(uint32_t)offsetof(struct seccomp_data, arch))
#define LOAD_NR (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, \
	(uint32_t)offsetof(struct seccomp_data, nr))

enum at_rc
at_seccomp_allow_only(const int *nrs, size_t n, struct at_err *err)
{
#ifndef AT_SECCOMP_ARCH
	(void)nrs;
	(void)n;
	return at_err_setx(err, AT_E_INTERNAL,
	    "no seccomp filter is built for this architecture; refusing to run unfiltered");
#else
	/* arch check (3) + nr load (1) + x32 check (1) + one per call + 2 returns */
	struct sock_filter f[AT_SECCOMP_MAX_ALLOWED + 8];
	struct sock_fprog prog;
	size_t i, k = 0;
	long r;

	if (n == 0 || n > AT_SECCOMP_MAX_ALLOWED)
		return at_err_setx(err, AT_E_INPUT,
		    "a seccomp allow-list needs 1 to %d system calls, not %zu",
		    AT_SECCOMP_MAX_ALLOWED, n);
	f[k++] = LOAD_ARCH;
	f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AT_SECCOMP_ARCH, 1, 0);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	f[k++] = LOAD_NR;
#if defined(__x86_64__)
	/* x32 calls carry the x86_64 arch but their own numbers: kill them. */
	f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u,
	    (uint8_t)n, 0);
#endif
	for (i = 0; i < n; i++) {
		if (nrs[i] < 0)
			return at_err_setx(err, AT_E_INPUT,
			    "system call number %d in a seccomp allow-list", nrs[i]);
		/* Match: jump over the rest of the list to the ALLOW return. */
		f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		    (uint32_t)nrs[i], (uint8_t)(n - i), 0);
	}
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	prog.len = (unsigned short)k;
	prog.filter = f;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return at_err_set(err, AT_E_IO, "prctl(PR_SET_NO_NEW_PRIVS)");
	r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog);
	if (r > 0)	/* TSYNC names the thread that could not take it */
		return at_err_setx(err, AT_E_IO,
		    "seccomp: thread %ld could not take the filter", r);
	if (r != 0)
		return at_err_set(err, AT_E_IO, "seccomp(SECCOMP_SET_MODE_FILTER)");
	return AT_OK;
#endif
}
