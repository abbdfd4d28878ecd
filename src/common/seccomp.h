/*
 * seccomp.h - an allow-list seccomp filter: the listed system calls run,
 * any other kills the whole process (SECCOMP_RET_KILL_PROCESS), so a
 * process that parses hostile input cannot open a file, start a program or
 * reach the network even when an attacker runs code in it.
 *
 * The filter is written by hand as classic BPF rather than with libseccomp:
 * an allow-list of system-call numbers needs only the architecture check
 * (a filter built for x86_64 must not be fooled by i386 or x32 calls that
 * reuse the same numbers for other calls), and that check is three
 * instructions, which is less to trust than a new build dependency.
 */
#ifndef ATTLS_COMMON_SECCOMP_H
#define ATTLS_COMMON_SECCOMP_H

#include <stddef.h>

#include "common/err.h"

/* The most system calls one allow-list may name. */
#define AT_SECCOMP_MAX_ALLOWED 128
/* The most ioctl requests one allow-list may name. */
#define AT_SECCOMP_MAX_IOCTLS 8

/*
 * Sets PR_SET_NO_NEW_PRIVS and installs the filter on every thread of the
 * process (SECCOMP_FILTER_FLAG_TSYNC).  nrs holds n system-call numbers of
 * the architecture this was built for.  Irreversible.
 *
 * Returns AT_OK; AT_E_INPUT for an empty or too long list; AT_E_IO when the
 * kernel refuses (the message says which step), AT_E_INTERNAL on an
 * architecture this file has no filter for (refused rather than run
 * unfiltered).
 */
AT_MUST_CHECK enum at_rc at_seccomp_allow_only(const int *nrs, size_t n,
    struct at_err *err);


/*
 * The same, and ioctl(2) too, but only with one of the nreqs requests in
 * reqs (compared as the kernel does, as an unsigned int): any other
 * request kills the process.  ioctl must not be in nrs.
 */
AT_MUST_CHECK enum at_rc at_seccomp_allow_only_ioctl(const int *nrs, size_t n,
    const unsigned long *reqs, size_t nreqs, struct at_err *err);

#endif
