/*
 * rule.h - a resolved AT-TLS rule as the matcher sees it: the contract
 * between the policy loader (lex, parse, validate, resolve) and the
 * matcher (compile, decide, explain).
 *
 * Every rule in a loaded policy set is immutable and fully resolved: each
 * ...Ref has been replaced by what it names, every default has been filled
 * in, and the rules are stored in search order (descending Priority, ties
 * by rule name in byte order).  Everything a rule points to is owned by the
 * policy set it came from and lives exactly as long as that set.
 */
#ifndef ATTLS_POLICY_RULE_H
#define ATTLS_POLICY_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Statement names are 1..32 characters (z/OS limit). */
#define POLICY_NAME_MAX 32
/* Jobname and Userid values are 1..8 characters, optionally ending in '*'. */
#define POLICY_ID_MAX 8

enum policy_dir {
	POLICY_DIR_INBOUND = 1,  /* accepted on a listening socket */
	POLICY_DIR_OUTBOUND = 2, /* the application called connect() */
	POLICY_DIR_BOTH = 3      /* rule side only: either of the above */
};

/*
 * An inclusive range of addresses of one family.  IPv4 addresses are held
 * as IPv4-mapped IPv6 (::ffff:a.b.c.d) so that one 16-byte comparison serves
 * both families; `family` (AF_INET or AF_INET6) says which was written, and
 * an IPv4 range only ever matches an IPv4 connection and vice versa.
 */
struct policy_addr_range {
	int family;
	uint8_t lo[16];
	uint8_t hi[16];
};

/* An OR of ranges; any == true means the condition was not given (All). */
struct policy_addr_cond {
	bool any;
	size_t n;
	const struct policy_addr_range *ranges;
};

struct policy_port_range {
	uint16_t lo;
	uint16_t hi;
};

/* An OR of port ranges; any == true means not given (or written as 0). */
struct policy_port_cond {
	bool any;
	size_t n;
	const struct policy_port_range *ranges;
};

/*
 * A Jobname or Userid condition.  pattern is upper case; when wildcard is
 * true it ends in '*' and matches any value starting with the len - 1
 * characters before it.  Comparison is ASCII case-insensitive (z/OS names
 * are upper case, Linux process names rarely are).
 */
struct policy_name_cond {
	bool any;
	bool wildcard;
	size_t len;
	char pattern[POLICY_ID_MAX + 1];
};

/*
 * A time condition, evaluated against the connection's time in UTC or in
 * the host's local time zone.  Each mask bit set means "allowed"; a mask of
 * all ones (the default) does not restrict.
 */
struct policy_time_cond {
	bool utc;                  /* TimeZone UTC (else local time) */
	bool has_period;           /* TimePeriod given */
	time_t period_from;        /* inclusive, seconds since the epoch */
	time_t period_to;          /* inclusive */
	uint16_t month_mask;       /* bit 0 = January ... bit 11 = December */
	uint64_t day_of_month_mask;/* bit d-1 = day d from the start (1..31);
	                              bit 31+k-1 = day k from the end (1..31) */
	uint8_t day_of_week_mask;  /* bit 0 = Sunday ... bit 6 = Saturday */
	uint16_t tod_from;         /* minutes after midnight, 0..1439 */
	uint16_t tod_to;           /* inclusive; tod_to < tod_from wraps midnight */
};

/* The resolved actions of a rule; defined by the loader (policy.h). */
struct policy_actions;

struct policy_rule {
	const char *name;
	uint32_t priority;
	bool priority_given;       /* false: the documented default was applied */
	enum policy_dir dir;
	struct policy_addr_cond laddr;
	struct policy_addr_cond raddr;
	struct policy_port_cond lport;
	struct policy_port_cond rport;
	struct policy_name_cond jobname;
	struct policy_name_cond userid;
	const struct policy_time_cond *time; /* NULL: no time condition */
	bool enabled;              /* the group action's TTLSEnabled */
	const struct policy_actions *actions;
	const char *file;          /* where the rule was written */
	unsigned line;
	unsigned column;           /* of the rule's name on that line */
	unsigned order;            /* index in search order, 0 = tried first */
};

/* A connection to decide on. Addresses are 16 bytes, IPv4 as v4-mapped. */
struct policy_conn {
	enum policy_dir dir;       /* INBOUND or OUTBOUND, never BOTH */
	int family;                /* AF_INET or AF_INET6 */
	uint8_t laddr[16];
	uint8_t raddr[16];
	uint16_t lport;
	uint16_t rport;
	const char *jobname;       /* NULL or "" matches only rules without Jobname */
	const char *userid;        /* likewise for Userid */
	time_t now;                /* for time conditions */
};

#endif
