/*
 * shim.h - the internals of libattls.so shared between its files.  Nothing
 * here is exported: the library is built with hidden visibility and only
 * SHIM_EXPORT functions (the interposed libc calls and the application API)
 * are visible to the program.
 */
#ifndef ATTLS_SHIM_SHIM_H
#define ATTLS_SHIM_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/err.h"
#include "ctl/proto.h"

#define SHIM_EXPORT __attribute__((visibility("default")))

/* The libc functions the shim calls through, found with dlsym(RTLD_NEXT). */
struct shim_real {
	int (*connect)(int, const struct sockaddr *, socklen_t);
	int (*accept)(int, struct sockaddr *, socklen_t *);
	int (*accept4)(int, struct sockaddr *, socklen_t *, int);
	int (*getpeername)(int, struct sockaddr *, socklen_t *);
	int (*getsockname)(int, struct sockaddr *, socklen_t *);
	int (*getsockopt)(int, int, int, void *, socklen_t *);
	int (*setsockopt)(int, int, int, const void *, socklen_t);
	int (*close)(int);
	int (*epoll_create)(int);
	int (*epoll_create1)(int);
};

/* Resolved once (constructor, or the first call that needs them). */
const struct shim_real *shim_real(void);

/* ---- control connection (ctlconn.c) ------------------------------------ */

/*
 * One request and its reply over the shim's own control connection,
 * serialised by a mutex.  Returns AT_OK; AT_E_NOTFOUND when no daemon is
 * listening (or it went away before answering); AT_E_DENIED when what
 * listens is not attlsd's user (nothing was sent to it); AT_E_BUSY when
 * attlsd took no connection or gave no answer in time; AT_E_IO or
 * AT_E_INPUT for anything else.  err (may be NULL) says why.  errno is
 * preserved.
 */
/*
 * CTL_MAP with the TCP socket.  On a PROTECTED verdict *app_fd is the
 * application's end of the daemon's pair (close-on-exec; the caller owns
 * it), else -1.
 */
AT_MUST_CHECK enum at_rc shim_ctl_map(const struct ctl_map *m, int tcp_fd,
    struct ctl_map_reply *r, int *app_fd, struct at_err *err);
AT_MUST_CHECK enum at_rc shim_ctl_addr(int fd, struct ctl_addr_reply *r,
    struct at_err *err);
/* The certificate (up to cert_max bytes) is copied to cert; *cert_len is its length. */
/*
 * CTL_QUERY for fd.  A TTLS_INIT_CONNECTION waits as long as a handshake
 * may take (ATTLS_INIT_TIMEOUT_MS, default 60 s) and, on success, returns
 * the application's end of the new pair in *app_end (else -1; app_end may
 * be NULL for other requests).
 */
AT_MUST_CHECK enum at_rc shim_ctl_query(int fd, const struct ctl_query *q,
    struct ctl_query_reply *r, void *cert, size_t cert_max, int *app_end,
    struct at_err *err);

/* Called from the fork handlers and the constructor. */
void shim_ctl_atfork_prepare(void);
void shim_ctl_atfork_parent(void);
void shim_ctl_atfork_child(void);

/* ---- local decisions (decide.c) ---------------------------------------- */

/* The process's jobname: ATTLS_JOBNAME or the program name, upper case. */
const char *shim_jobname(void);

/* True in attlsd itself and when ATTLS_SHIM=off: the library does nothing. */
bool shim_inert(void);

/* The control socket path, read from the environment once. */
const char *shim_socket_path(void);

/* True when the last known summary says a rule may match (or none is known). */
bool shim_may_match(int dir, uint16_t lport, uint16_t rport);

/*
 * True when the summary shim_may_match last looked at says some rule has
 * SecondaryMap On: a connection no rule covers may still be a secondary
 * one of a protected connection of this process.
 */
bool shim_secmap_published(void);

/*
 * What to do with a connection that may be covered when attlsd cannot
 * decide it.  A policy is published when the summary file existed
 * (readable or not) at the last check shim_may_match made.
 */
enum shim_nodaemon {
	SHIM_ND_CLEAR,  /* no policy published: as if the library were not there */
	SHIM_ND_REFUSE, /* refuse it (a published policy, or protection required) */
	SHIM_ND_OPTOUT  /* ATTLS_REQUIRE=off: cleartext, said once on stderr */
};

enum shim_nodaemon shim_nodaemon(void);

/* What the library did about why (what failed), on stderr once per process. */
void shim_warn(enum shim_nodaemon what, const char *why);

/* Milliseconds to wait for the daemon (ATTLS_TIMEOUT_MS, default 5000). */
/*
 * Puts app_end in place of fd (dup3) with the O_NONBLOCK of fl and the
 * FD_CLOEXEC of fdfl (the program's flags for fd).  0, or -1 with errno.
 */
int shim_swap_in(int fd, int app_end, int fl, int fdfl);

int shim_timeout_ms(void);

void shim_decide_atfork_prepare(void);
void shim_decide_atfork_parent(void);
void shim_decide_atfork_child(void);

/* ---- addresses (addr.c) ------------------------------------------------ */

/* Fills a ctl_addrs side from a socket address; false if not IPv4/IPv6. */
bool shim_addr_from_sockaddr(const struct sockaddr *sa, socklen_t len, uint8_t addr[16],
    uint16_t *port, uint8_t *family, uint32_t *scope);

/*
 * Builds the socket address a program would get for one side of a
 * connection, in the socket's own family (sock_family: AF_INET6 sockets get
 * IPv4 peers as v4-mapped), truncated to *len as the kernel does; *len
 * becomes the full length.
 */
void shim_addr_to_sockaddr(int sock_family, int family, const uint8_t addr[16],
    uint16_t port, uint32_t scope, struct sockaddr *out, socklen_t *len);

/* ---- epoll registrations (epoll.c) ------------------------------------ */

#define SHIM_EPOLL_REGS 8

struct shim_epoll_regs {
	size_t n;
	struct {
		int epfd;
		uint32_t events;
		uint64_t data;
	} r[SHIM_EPOLL_REGS];
};

/* Removes fd from the epoll sets that watch it, remembering how. */
void shim_epoll_take(int fd, struct shim_epoll_regs *regs);
/* Adds fd (now a different file) back to those sets. */
void shim_epoll_restore(int fd, const struct shim_epoll_regs *regs);
/* fd is closed: no longer an epoll instance. */
void shim_epoll_forget(int fd);

/* ---- descriptors (lookup.c) -------------------------------------------- */

struct shim_fd_info;

/*
 * What the shim knows about fd as a protected connection.  From the table
 * when the entry's inode still matches; otherwise, when ask is true and fd
 * is an unnamed AF_UNIX stream socket (the shape of a pair end inherited
 * across exec or duplicated), from the daemon with CTL_ADDR, remembering
 * the answer either way.  True when fd is a protected connection.  errno is
 * preserved.
 */
bool shim_lookup(int fd, struct shim_fd_info *info, bool ask);

#endif
