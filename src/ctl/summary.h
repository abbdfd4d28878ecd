/*
 * summary.h - the policy summary attlsd publishes next to its control
 * socket so that the preloaded shim can rule out most connections without
 * a round trip.
 *
 * The summary is deliberately imprecise in one direction only: when it says
 * "no rule can match" that is true of the policy it was built from; when it
 * says "a rule may match" the shim asks the daemon, which decides exactly.
 * Conditions the summary does not model (addresses, user ids, time) are
 * treated as "may match".  Rules with TTLSEnabled Off are left out: the
 * connection stays in cleartext either way.
 *
 * File format, version 1, integers big-endian:
 *
 *   0      magic "ATLSSUMM" (8 bytes)
 *   8      version u16 (1), flags u16: 1 = some enabled rule has
 *          SecondaryMap On (ApplicationControlled Off), so a connection no
 *          record covers may still be a secondary one (other bits 0; a
 *          reader ignores bits it does not know, which costs it only the
 *          secondary mapping)
 *   12     record count u32
 *   16     policy generation u64
 *   24     reserved u64 (0)
 *   32     inbound bitmap: bit p (byte p/8, value 1 << p%8) set when some
 *          inbound rule may match local port p (8192 bytes)
 *   8224   outbound bitmap: the same for remote port p of outbound rules
 *   16416  records, 24 bytes each, one per enabled rule:
 *            dir u8 (1 inbound, 2 outbound, 3 both)
 *            job flags u8 (1 = no Jobname condition, 2 = pattern ends in '*')
 *            job length u8 (0..8), reserved u8
 *            job pattern, 8 bytes, upper case, zero padded
 *            local port lo u16, hi u16; remote port lo u16, hi u16
 *                (the hull of the rule's ranges; 0..65535 when not given)
 *            reserved u32
 *
 * The file is exactly 16416 + 24 * count bytes; anything else is refused.
 * The count is the only limit on the number of rules (2^32 - 1).  The
 * daemon replaces the file atomically (a temporary file in the same
 * directory, written and synced, then renamed over the old one), so a
 * reader holding the old mapping keeps a consistent old view and a crash
 * leaves either the old summary or the new one, never a mixture.
 *
 * Reading (summary.c) uses only libc; building (summary_build.c) reads
 * struct policy_rule and belongs to the daemon, never to the shim.
 */
#ifndef ATTLS_CTL_SUMMARY_H
#define ATTLS_CTL_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "common/buf.h"
#include "common/err.h"

#define CTL_SUMMARY_MAGIC "ATLSSUMM"
#define CTL_SUMMARY_VERSION 1
#define CTL_SUMMARY_HDR_LEN 32
#define CTL_SUMMARY_BITMAP_LEN 8192
#define CTL_SUMMARY_REC_OFF (CTL_SUMMARY_HDR_LEN + 2 * CTL_SUMMARY_BITMAP_LEN)
#define CTL_SUMMARY_REC_LEN 24
#define CTL_SUMMARY_MAX_RECS UINT32_MAX /* what the count field holds */
#define CTL_SUMMARY_JOB_MAX 8

#define CTL_SUMMARY_F_SECMAP 0x0001

#define CTL_SUMMARY_JOB_ANY 0x01
#define CTL_SUMMARY_JOB_WILD 0x02

/* The suffix added to the control socket path to name the summary file. */
#define CTL_SUMMARY_SUFFIX ".summary"

/* A validated view of summary bytes; points into memory the caller owns. */
struct ctl_summary {
	uint64_t generation;
	uint16_t flags;         /* CTL_SUMMARY_F_* */
	uint32_t nrec;
	const unsigned char *in_bits;
	const unsigned char *out_bits;
	const unsigned char *recs;
};

/*
 * Checks len bytes at data as a whole summary and fills s with pointers
 * into data.  Returns AT_OK or AT_E_INPUT (the message says what is wrong);
 * s is zeroed on failure.
 */
AT_MUST_CHECK enum at_rc ctl_summary_parse(const void *data, size_t len,
    struct ctl_summary *s, struct at_err *err);

/*
 * True when some rule in s may match a connection in direction dir
 * (CTL_DIR_INBOUND or CTL_DIR_OUTBOUND) between lport and rport made by a
 * process called jobname (NULL or "" matches only rules without a Jobname
 * condition).  No allocation, no system call.
 */
bool ctl_summary_may_match(const struct ctl_summary *s, int dir, uint16_t lport,
    uint16_t rport, const char *jobname);

/* A summary file mapped read-only, re-checked at most every interval. */
struct ctl_summary_file {
	bool present;           /* a valid summary is mapped */
	struct ctl_summary sum; /* valid while present */
	void *map;
	size_t map_len;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	struct timespec checked; /* CLOCK_MONOTONIC of the last stat */
	bool ever_checked;
};

/* The summary path for a control socket path: socket + CTL_SUMMARY_SUFFIX. */
AT_MUST_CHECK enum at_rc ctl_summary_path(const char *sock_path, char *out,
    size_t outsz, struct at_err *err);

/*
 * Brings f up to date with the file at path, at most once every
 * interval_ms milliseconds (0: always stat): when the file's device, inode,
 * size or modification time changed it is mapped again and the old mapping
 * released.  A missing file leaves f->present false and returns AT_OK.
 * Returns AT_E_IO (mapping failed) or AT_E_INPUT (not a valid summary);
 * in both cases f->present is false.  Allocates nothing; f must start
 * zeroed.  Not thread-safe: callers serialise.
 */
AT_MUST_CHECK enum at_rc ctl_summary_map(struct ctl_summary_file *f, const char *path,
    int interval_ms, struct at_err *err);

/* Releases f's mapping; f is zeroed and may be used again. */
void ctl_summary_unmap(struct ctl_summary_file *f);

/*
 * Writes buf (an encoded summary) to path atomically: a temporary file in
 * the same directory, mode 0644 (every process under the shim reads it),
 * synced to disk, renamed over path, and the directory synced (best
 * effort: the rename has happened).  On any failure the file at path is
 * left as it was.  Returns AT_OK, AT_E_TOOBIG
 * (path too long) or AT_E_IO.
 */
AT_MUST_CHECK enum at_rc ctl_summary_write(const char *path, const struct at_buf *buf,
    struct at_err *err);

struct policy_rule;

/*
 * Encodes a summary of rules[0..n) for policy generation into out (which
 * is emptied first; its maximum must allow CTL_SUMMARY_REC_OFF + 24 * n
 * bytes).  Rules with TTLSEnabled Off are left out.  Returns AT_OK,
 * AT_E_TOOBIG (more than CTL_SUMMARY_MAX_RECS enabled rules, or out's
 * maximum too small), AT_E_NOMEM.
 * Defined in summary_build.c, which only the daemon links.
 */
AT_MUST_CHECK enum at_rc ctl_summary_build(const struct policy_rule *const *rules,
    size_t n, uint64_t generation, struct at_buf *out, struct at_err *err);

#endif
