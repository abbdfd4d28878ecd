/*
 * fdtable.c - the descriptor table (see fdtable.h): a sequence lock per
 * entry, payload packed into 64-bit atomics so that readers racing a writer
 * read torn but discarded values, never undefined ones.
 */
#include "shim/fdtable.h"

#include <stdatomic.h>
#include <string.h>

#define WORDS 7 /* 56 payload bytes */

struct entry {
	_Atomic uint64_t seq; /* odd while a writer is active */
	_Atomic uint64_t w[WORDS];
};

static struct entry table[SHIM_FD_MAX];
/* One past the highest descriptor ever set: where a scan may stop. */
static _Atomic int top;

static void
pack(const struct shim_fd_info *in, uint64_t w[WORDS])
{
	unsigned char b[WORDS * 8];

	memset(b, 0, sizeof(b));
	b[0] = in->state;
	b[1] = in->flags;
	b[2] = in->sock_family;
	b[3] = in->addrs.family;
	memcpy(b + 4, &in->conn_id, 4);
	memcpy(b + 8, &in->scope_id, 4);
	memcpy(b + 12, &in->addrs.lport, 2);
	memcpy(b + 14, &in->addrs.rport, 2);
	memcpy(b + 16, &in->ino, 8);
	memcpy(b + 24, in->addrs.laddr, 16);
	memcpy(b + 40, in->addrs.raddr, 16);
	memcpy(w, b, sizeof(b));
}

static void
unpack(const uint64_t w[WORDS], struct shim_fd_info *out)
{
	unsigned char b[WORDS * 8];

	memcpy(b, w, sizeof(b));
	memset(out, 0, sizeof(*out));
	out->state = b[0];
	out->flags = b[1];
	out->sock_family = b[2];
	out->addrs.family = b[3];
	memcpy(&out->conn_id, b + 4, 4);
	memcpy(&out->scope_id, b + 8, 4);
	memcpy(&out->addrs.lport, b + 12, 2);
	memcpy(&out->addrs.rport, b + 14, 2);
	memcpy(&out->ino, b + 16, 8);
	memcpy(out->addrs.laddr, b + 24, 16);
	memcpy(out->addrs.raddr, b + 40, 16);
}

bool
shim_fd_get(int fd, struct shim_fd_info *out)
{
	struct entry *e;
	uint64_t w[WORDS], s1, s2;
	int i;

	memset(out, 0, sizeof(*out));
	if (fd < 0 || fd >= SHIM_FD_MAX)
		return false;
	e = &table[fd];
	for (;;) {
		s1 = atomic_load_explicit(&e->seq, memory_order_acquire);
		if ((s1 & 1) != 0)
			continue;
		for (i = 0; i < WORDS; i++)
			w[i] = atomic_load_explicit(&e->w[i], memory_order_relaxed);
		atomic_thread_fence(memory_order_acquire);
		s2 = atomic_load_explicit(&e->seq, memory_order_relaxed);
		if (s1 == s2)
			break;
	}
	unpack(w, out);
	return out->state != SHIM_FD_NONE;
}

static uint64_t
lock_entry(struct entry *e)
{
	uint64_t s;

	for (;;) {
		s = atomic_load_explicit(&e->seq, memory_order_relaxed);
		if ((s & 1) == 0 && atomic_compare_exchange_weak_explicit(&e->seq, &s, s + 1,
		    memory_order_acquire, memory_order_relaxed))
			break;
	}
	atomic_thread_fence(memory_order_release);
	return s;
}

static void
store(struct entry *e, uint64_t s, const uint64_t w[WORDS])
{
	int i;

	for (i = 0; i < WORDS; i++)
		atomic_store_explicit(&e->w[i], w[i], memory_order_relaxed);
	atomic_store_explicit(&e->seq, s + 2, memory_order_release);
}

void
shim_fd_set(int fd, const struct shim_fd_info *in)
{
	uint64_t w[WORDS], s;

	if (fd < 0 || fd >= SHIM_FD_MAX)
		return;
	pack(in, w);
	s = lock_entry(&table[fd]);
	store(&table[fd], s, w);
	for (;;) {
		int t = atomic_load_explicit(&top, memory_order_relaxed);

		if (t > fd || atomic_compare_exchange_weak_explicit(&top, &t, fd + 1,
		    memory_order_relaxed, memory_order_relaxed))
			break;
	}
}

bool
shim_fd_protected_pair(const uint8_t laddr[16], const uint8_t raddr[16])
{
	struct shim_fd_info info;
	int fd, n = atomic_load_explicit(&top, memory_order_relaxed);

	for (fd = 0; fd < n; fd++)
		if (shim_fd_get(fd, &info) && info.state == SHIM_FD_PROTECTED &&
		    memcmp(info.addrs.laddr, laddr, 16) == 0 &&
		    memcmp(info.addrs.raddr, raddr, 16) == 0)
			return true;
	return false;
}

void
shim_fd_clear(int fd)
{
	uint64_t w[WORDS], s;

	if (fd < 0 || fd >= SHIM_FD_MAX)
		return;
	/* The state byte is the low byte of word 0 on little-endian hosts and
	 * the high byte on big-endian ones; either way the word is zero only
	 * when the entry is empty. */
	if (atomic_load_explicit(&table[fd].w[0], memory_order_relaxed) == 0 &&
	    (atomic_load_explicit(&table[fd].seq, memory_order_relaxed) & 1) == 0)
		return;
	memset(w, 0, sizeof(w));
	s = lock_entry(&table[fd]);
	store(&table[fd], s, w);
}

void
shim_fd_update_flags(int fd, uint64_t ino, uint8_t set, uint8_t clear)
{
	struct shim_fd_info info;
	uint64_t w[WORDS], s;
	int i;

	if (fd < 0 || fd >= SHIM_FD_MAX)
		return;
	s = lock_entry(&table[fd]);
	for (i = 0; i < WORDS; i++)
		w[i] = atomic_load_explicit(&table[fd].w[i], memory_order_relaxed);
	unpack(w, &info);
	if (info.state != SHIM_FD_NONE && info.ino == ino) {
		info.flags = (uint8_t)((info.flags | set) & ~clear);
		pack(&info, w);
	}
	store(&table[fd], s, w);
}
