/*
 * fdtable.h - what the shim remembers about descriptor numbers: which ones
 * it protected (and the TCP addresses behind them), and which AF_UNIX
 * sockets the daemon said it does not know.
 *
 * A fixed table indexed by descriptor number, readable without a lock (a
 * sequence counter per entry; a reader retries while a writer is active),
 * so that getpeername and close cost an array access.  Descriptors at or
 * above SHIM_FD_MAX are not remembered: the shim asks the daemon for them
 * instead, which is slower but still right.
 *
 * Each entry carries the inode of the socket it describes.  Callers that
 * answer from the table check the inode first, so an entry left behind by a
 * close the shim did not see (a libc-internal close, dup2 over the number)
 * is never believed.
 */
#ifndef ATTLS_SHIM_FDTABLE_H
#define ATTLS_SHIM_FDTABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "ctl/proto.h"

#define SHIM_FD_MAX 65536

enum shim_fd_state {
	SHIM_FD_NONE = 0,
	SHIM_FD_PROTECTED = 1, /* the app's end of a pair; addrs are the TCP ones */
	SHIM_FD_UNKNOWN = 2,   /* an AF_UNIX socket the daemon does not know */
	SHIM_FD_APPLCTL = 3    /* a TCP socket under an ApplicationControlled
	                          rule, still in cleartext (addrs are its own) */
};

#define SHIM_FDF_CONNECTING 0x01 /* handed over during a non-blocking connect */
#define SHIM_FDF_NODELAY 0x02    /* the program set TCP_NODELAY */
#define SHIM_FDF_INBOUND 0x04    /* accepted (else the program connected) */

struct shim_fd_info {
	uint8_t state;        /* enum shim_fd_state */
	uint8_t flags;        /* SHIM_FDF_* */
	uint8_t sock_family;  /* the family the program created the socket with */
	uint32_t conn_id;
	uint32_t scope_id;    /* IPv6 scope of the addresses, 0 if none */
	uint64_t ino;         /* inode of the socket the entry describes */
	struct ctl_addrs addrs;
};

/* Copies the entry for fd into out; false (out zeroed) if none or out of range. */
bool shim_fd_get(int fd, struct shim_fd_info *out);

/* Replaces the entry for fd; ignored for fd out of range. */
void shim_fd_set(int fd, const struct shim_fd_info *in);

/* Forgets fd.  Async-signal-safe and cheap when there is no entry. */
void shim_fd_clear(int fd);

/*
 * True when some remembered protected connection runs between local
 * address laddr and remote address raddr.  An entry the shim did not see
 * closed may answer true: the caller only asks attlsd because of it.
 */
bool shim_fd_protected_pair(const uint8_t laddr[16], const uint8_t raddr[16]);

/* Sets or clears flag bits of an existing entry with the given inode. */
void shim_fd_update_flags(int fd, uint64_t ino, uint8_t set, uint8_t clear);

#endif
