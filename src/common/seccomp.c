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
	return at_seccomp_allow_only_ioctl(nrs, n, NULL, 0, err);
}

enum at_rc
at_seccomp_allow_only_ioctl(const int *nrs, size_t n, const unsigned long *reqs,
    size_t nreqs, struct at_err *err)
{
#ifndef AT_SECCOMP_ARCH
	(void)nrs;
	(void)n;
	(void)reqs;
	(void)nreqs;
	return at_err_setx(err, AT_E_INTERNAL,
	    "no seccomp filter is built for this architecture; refusing to run unfiltered");
#else
	/* arch check (3) + nr load (1) + x32 check (1) + ioctl test (1) + one
	 * per call + 2 returns + the ioctl block (load, one per request, 2
	 * returns) */
	struct sock_filter f[AT_SECCOMP_MAX_ALLOWED + AT_SECCOMP_MAX_IOCTLS + 12];
	struct sock_fprog prog;
	size_t i, k = 0, kill_main, ioctl_at = 0, block;
	long r;

	if (n == 0 || n > AT_SECCOMP_MAX_ALLOWED || nreqs > AT_SECCOMP_MAX_IOCTLS)
		return at_err_setx(err, AT_E_INPUT,
		    "a seccomp allow-list needs 1 to %d system calls and at most %d ioctl "
		    "requests, not %zu and %zu", AT_SECCOMP_MAX_ALLOWED, AT_SECCOMP_MAX_IOCTLS,
		    n, nreqs);
	for (i = 0; i < n; i++)
		if (nrs[i] < 0 || nrs[i] == SYS_ioctl)
			return at_err_setx(err, AT_E_INPUT, "system call number %d in a seccomp "
			    "allow-list (ioctl is allowed only by request)", nrs[i]);
	/* Where each part starts, so that every jump is known when it is
	 * written: [arch 3][load nr][x32][ioctl?][list n][kill][allow]
	 * [ioctl block: load arg, one per request, kill, allow]. */
#if defined(__x86_64__)
	kill_main = 5 + (nreqs > 0 ? 1 : 0) + n;
#else
	kill_main = 4 + (nreqs > 0 ? 1 : 0) + n;
#endif
	block = kill_main + 2;
	f[k++] = LOAD_ARCH;
	f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AT_SECCOMP_ARCH, 1, 0);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	f[k++] = LOAD_NR;
#if defined(__x86_64__)
	/* x32 calls carry the x86_64 arch but their own numbers: kill them. */
	f[k] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u,
	    (uint8_t)(kill_main - k - 1), 0);
	k++;
#endif
	if (nreqs > 0) {
		ioctl_at = k;
		f[k] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)SYS_ioctl,
		    (uint8_t)(block - ioctl_at - 1), 0);
		k++;
	}
	for (i = 0; i < n; i++) {
		/* Match: jump over the rest of the list to the ALLOW return. */
		f[k] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		    (uint32_t)nrs[i], (uint8_t)(kill_main + 1 - k - 1), 0);
		k++;
	}
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	if (nreqs > 0) {
		size_t allow2 = block + 1 + nreqs + 1;

		/* The request is an unsigned int to the kernel, so its low 32
		 * bits (little-endian on both architectures) are all of it. */
		f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    (uint32_t)offsetof(struct seccomp_data, args[1]));
		for (i = 0; i < nreqs; i++) {
			f[k] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
			    (uint32_t)reqs[i], (uint8_t)(allow2 - k - 1), 0);
			k++;
		}
		f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
		f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	}
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
