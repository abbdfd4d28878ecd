/*
 * match.c - the rule index that makes a decision at 10,000 rules cost about
 * as much as one at ten (the predicate and the linear search it must agree
 * with are in match_cond.c).
 *
 * The index.  Every rule is filed under exactly one "dimension" of its own
 * conditions, chosen at build time:
 *
 *   local port, remote port     one key per port when the condition covers
 *                               at most PORTS_MAX ports
 *   jobname, userid             the exact name, or the prefix before '*'
 *   remote/local address        one key per range: the CIDR block of the
 *                               prefix its two ends share (family, prefix
 *                               length, network), at most BLOCKS_MAX ranges
 *
 * and keys also carry the direction (a Both rule is filed under inbound and
 * outbound).  A rule with none of these conditions usable goes on its
 * direction's "unindexed" list.  Each key holds the ascending list of the
 * rule positions (search order) filed under it.
 *
 * A decision probes, for the connection's direction, the key of its local
 * port, its remote port, its exact jobname and user ID, each jobname and
 * user ID prefix length in use, and each address prefix length in use for
 * its family; it then merges those lists with the unindexed list in
 * ascending position order and runs the full predicate on each candidate,
 * stopping at the first that matches.
 *
 * Why this is exactly the linear search: if rule i matches connection c,
 * then c satisfies the condition rule i was filed under, so c's value lies
 * in that condition and c's probe for that dimension finds the key rule i
 * was filed under (same direction, same port / name / prefix and network:
 * an address between lo and hi shares every bit lo and hi share).
 * So the merged candidates are a superset of the matching rules, visited in
 * search order, and every candidate is checked with the same predicate the
 * linear search uses: the first candidate that matches is the first rule
 * that matches.  Which dimension a rule is filed under only changes speed,
 * never the answer.
 *
 * Which dimension: the one whose keys are shared with the fewest other
 * rules (counted over every rule's every usable condition), so that rules
 * piled on one popular port (443, say) spread out over their jobnames or
 * addresses instead.  Ties go to the earlier dimension in the list above.
 *
 * Two things keep a decision in cache at 10,000 rules: a Bloom filter in
 * front of the key table turns most probes that find nothing into one bit
 * test, and a 16-byte digest per rule (direction, port envelopes, whether
 * a jobname / user ID is required, the first jobname characters) turns
 * most candidates down without reading the rule.  Both only ever answer
 * "cannot match"; everything they let through gets the full predicate.
 *
 * Cost: a handful of probes plus the candidates visited before the first
 * match; the unindexed list and shared keys are the only lists a
 * connection can not avoid.  docs/policy-matching.md has measurements.
 */
#include "policy/match.h"

#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


static int
upc(int ch)
{
	return ch >= 'a' && ch <= 'z' ? ch - ('a' - 'A') : ch;
}

/* ---------------------------------------------------------------------- */
/* Index keys                                                              */

enum idim {
	D_LPORT, D_RPORT, D_JOB, D_USER, D_RADDR, D_LADDR, D_JOBPFX, D_USERPFX,
	D_COUNT
};

#define PORTS_MAX 16   /* a port condition covering more is not indexed */
#define BLOCKS_MAX 8   /* an address condition with more ranges is not */
#define KEYS_MAX 16    /* the most keys one rule's dimension yields */
#define FAM4 0
#define FAM6 1

/* 20 bytes, no padding: compared and hashed as bytes, always zeroed first. */
struct ikey {
	uint8_t dim;
	uint8_t dir;   /* 0 inbound, 1 outbound */
	uint8_t plen;  /* address prefix length (IPv6 terms) or name length */
	uint8_t fam;   /* FAM4 / FAM6 for addresses */
	uint8_t val[16];
};

struct slot {
	struct ikey key;
	uint32_t off;  /* count while building, then offset into pool */
	uint32_t len;
	bool used;
};

/* Open addressing, linear probing, capacity a power of two, load <= 1/2. */
struct ktab {
	struct slot *v;
	size_t cap;
	size_t n;
	/*
	 * A one-hash Bloom filter over the keys (NULL while building): most
	 * probes of a connection that maps to no rule stop here, in a bitmap
	 * small enough to stay in cache, instead of missing in the table.
	 */
	uint64_t *filter;
	size_t fmask;     /* filter bits - 1 */
};

static uint64_t
khash(const struct ikey *k)
{
	uint64_t a, b, h;
	uint32_t c;
	const unsigned char *p = (const unsigned char *)k;

	memcpy(&a, p, 8);
	memcpy(&b, p + 8, 8);
	memcpy(&c, p + 16, 4);
	h = a * 0x9e3779b97f4a7c15u;
	h ^= (b + (h >> 29)) * 0xbf58476d1ce4e5b9u;
	h ^= ((uint64_t)c + (h >> 31)) * 0x94d049bb133111ebu;
	return h ^ (h >> 32);
}

static size_t
filter_bit(const struct ktab *t, uint64_t h)
{
	return (size_t)(h >> 40) & t->fmask;
}

/* The index of k's slot, or of the empty slot where it would go. */
static size_t
ktab_slot(const struct ktab *t, const struct ikey *k, uint64_t h)
{
	size_t i;

	for (i = h & (t->cap - 1); t->v[i].used; i = (i + 1) & (t->cap - 1))
		if (memcmp(&t->v[i].key, k, sizeof(*k)) == 0)
			break;
	return i;
}

static const struct slot *
ktab_find(const struct ktab *t, const struct ikey *k)
{
	uint64_t h;
	size_t i, bit;

	if (t->cap == 0)
		return NULL;
	h = khash(k);
	if (t->filter != NULL) {
		bit = filter_bit(t, h);
		if ((t->filter[bit / 64] & (1ull << (bit % 64))) == 0)
			return NULL;
	}
	i = ktab_slot(t, k, h);
	return t->v[i].used ? &t->v[i] : NULL;
}

static enum at_rc
ktab_grow(struct ktab *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 1024, i, j;
	struct slot *nv = calloc(ncap, sizeof(*nv));

	if (nv == NULL)
		return AT_E_NOMEM;
	for (i = 0; i < t->cap; i++) {
		if (!t->v[i].used)
			continue;
		for (j = khash(&t->v[i].key) & (ncap - 1); nv[j].used; j = (j + 1) & (ncap - 1))
			;
		nv[j] = t->v[i];
	}
	free(t->v);
	t->v = nv;
	t->cap = ncap;
	return AT_OK;
}

/* The slot for k, created (zero counts) when absent. */
static enum at_rc
ktab_get(struct ktab *t, const struct ikey *k, struct slot **out)
{
	size_t i;
	enum at_rc rc = AT_OK;

	if (t->cap > 0) {
		i = ktab_slot(t, k, khash(k));
		if (t->v[i].used)
			goto out;
	}
	if ((t->n + 1) * 2 > t->cap) {
		rc = ktab_grow(t);
		if (rc != AT_OK)
			goto out;
	}
	i = ktab_slot(t, k, khash(k));
	t->v[i].used = true;
	t->v[i].key = *k;
	t->n++;
out:
	if (rc == AT_OK)
		*out = &t->v[i];
	return rc;
}

/*
 * The length of the prefix lo and hi share.  Every address between them
 * shares it too, so a range is filed under that block: exactly its own
 * block for Prefix and Addr statements, the smallest enclosing block for
 * a Range (whose candidates the full predicate then sorts out).
 */
static int
common_plen(const struct policy_addr_range *r)
{
	int i = 0, b = 0;

	while (i < 16 && r->lo[i] == r->hi[i])
		i++;
	if (i == 16)
		return 128;
	while (((r->lo[i] ^ r->hi[i]) & (0x80u >> b)) == 0)
		b++;
	return i * 8 + b;
}

static void
mask_addr(uint8_t out[16], const uint8_t a[16], int plen)
{
	int i;

	for (i = 0; i < 16; i++) {
		int keep = plen - i * 8;

		out[i] = keep >= 8 ? a[i] : keep <= 0 ? 0 : (uint8_t)(a[i] & (0xffu << (8 - keep)));
	}
}

static void
name_key(struct ikey *k, const char *v, size_t len)
{
	size_t i;

	k->plen = (uint8_t)len;
	for (i = 0; i < len; i++)
		k->val[i] = (uint8_t)upc((unsigned char)v[i]);
}

/*
 * The keys rule r is filed under if it is filed under dimension d in
 * direction dir; 0 when that condition is absent or not indexable.
 */
static size_t
dim_keys(const struct policy_rule *r, enum idim d, uint8_t dir, struct ikey *keys)
{
	const struct policy_port_cond *pc = d == D_LPORT ? &r->lport : &r->rport;
	const struct policy_addr_cond *ac = d == D_LADDR ? &r->laddr : &r->raddr;
	const struct policy_name_cond *nc =
	    d == D_JOB || d == D_JOBPFX ? &r->jobname : &r->userid;
	size_t i, nk = 0;
	uint32_t p, total = 0;
	int plen;

	memset(keys, 0, sizeof(*keys) * KEYS_MAX);
	switch (d) {
	case D_LPORT:
	case D_RPORT:
		if (pc->any || pc->n == 0)
			return 0;
		for (i = 0; i < pc->n; i++)
			if (pc->ranges[i].lo <= pc->ranges[i].hi)
				total += (uint32_t)pc->ranges[i].hi - pc->ranges[i].lo + 1;
		if (total == 0 || total > PORTS_MAX)
			return 0;
		for (i = 0; i < pc->n; i++)
			for (p = pc->ranges[i].lo; p <= pc->ranges[i].hi; p++) {
				keys[nk].val[0] = (uint8_t)(p >> 8);
				keys[nk].val[1] = (uint8_t)p;
				nk++;
			}
		break;
	case D_LADDR:
	case D_RADDR:
		if (ac->any || ac->n == 0 || ac->n > BLOCKS_MAX)
			return 0;
		for (i = 0; i < ac->n; i++) {
			if (ac->ranges[i].family != AF_INET && ac->ranges[i].family != AF_INET6)
				return 0;
			if (memcmp(ac->ranges[i].lo, ac->ranges[i].hi, 16) > 0)
				continue; /* an empty range: nothing to file */
			plen = common_plen(&ac->ranges[i]);
			keys[nk].plen = (uint8_t)plen;
			keys[nk].fam = ac->ranges[i].family == AF_INET ? FAM4 : FAM6;
			mask_addr(keys[nk].val, ac->ranges[i].lo, plen);
			nk++;
		}
		break;
	default:
		if (nc->any || nc->len > POLICY_ID_MAX ||
		    nc->wildcard != (d == D_JOBPFX || d == D_USERPFX))
			return 0;
		if (nc->wildcard && nc->len == 0)
			return 0;
		name_key(&keys[0], nc->pattern, nc->wildcard ? nc->len - 1 : nc->len);
		nk = 1;
		break;
	}
	for (i = 0; i < nk; i++) {
		keys[i].dim = (uint8_t)d;
		keys[i].dir = dir;
	}
	return nk;
}

/* ---------------------------------------------------------------------- */
/* The matcher                                                             */

/*
 * A 16-byte digest of each rule, kept in one array so that most candidates
 * can be turned down without touching the rule itself (a cache miss at
 * 10,000 rules).  It only ever says "cannot match"; a candidate it lets
 * through still gets the full predicate.
 */
struct digest {
	uint16_t lport_lo, lport_hi; /* envelope of the port conditions; */
	uint16_t rport_lo, rport_hi; /* lo > hi when no port can match */
	uint8_t dirs;                /* bit 0 inbound, bit 1 outbound */
	uint8_t needs;               /* NEEDS_JOB, NEEDS_USER */
	uint8_t job_len;             /* leading jobname characters to compare */
	uint8_t pad;
	char job[4];                 /* upper-cased, job_len of them */
};

#define NEEDS_JOB 1u
#define NEEDS_USER 2u
#define DIGEST_JOB 4

struct policy_matcher {
	const struct policy_rule **rules;
	struct digest *digests;
	size_t n;
	struct ktab tab;
	uint32_t *pool;
	size_t npool;
	uint32_t *resid[2];   /* unindexed rules, per direction, ascending */
	size_t nresid[2];
	bool dim_used[D_COUNT];
	uint16_t pfx_mask[2]; /* name prefix lengths in use: job, user */
	uint8_t plens[2][2][129]; /* [laddr/raddr][fam]: prefix lengths in use */
	uint8_t nplens[2][2];
	size_t largest;
};


static void
port_envelope(const struct policy_port_cond *pc, uint16_t *lo, uint16_t *hi)
{
	size_t i;

	*lo = 0;
	*hi = 65535;
	if (pc->any || pc->n == 0)
		return;
	*lo = 65535;
	*hi = 0;
	for (i = 0; i < pc->n; i++) {
		if (pc->ranges[i].lo > pc->ranges[i].hi)
			continue;
		if (pc->ranges[i].lo < *lo)
			*lo = pc->ranges[i].lo;
		if (pc->ranges[i].hi > *hi)
			*hi = pc->ranges[i].hi;
	}
	if (*lo > *hi) {
		*lo = 1; /* nothing can match */
		*hi = 0;
	}
}

static void
make_digest(const struct policy_rule *r, struct digest *d)
{
	const struct policy_name_cond *nc = &r->jobname;
	size_t i, sig;

	memset(d, 0, sizeof(*d));
	port_envelope(&r->lport, &d->lport_lo, &d->lport_hi);
	port_envelope(&r->rport, &d->rport_lo, &d->rport_hi);
	d->dirs = (uint8_t)((r->dir == POLICY_DIR_INBOUND || r->dir == POLICY_DIR_BOTH ? 1 : 0) |
	    (r->dir == POLICY_DIR_OUTBOUND || r->dir == POLICY_DIR_BOTH ? 2 : 0));
	if (!r->userid.any)
		d->needs |= NEEDS_USER;
	if (nc->any)
		return;
	d->needs |= NEEDS_JOB;
	if (nc->len > POLICY_ID_MAX)
		return;
	sig = nc->wildcard && nc->len > 0 ? nc->len - 1 : nc->len;
	d->job_len = (uint8_t)(sig < DIGEST_JOB ? sig : DIGEST_JOB);
	for (i = 0; i < d->job_len; i++)
		d->job[i] = (char)upc((unsigned char)nc->pattern[i]);
}

/* The connection's side of the digest test, computed once per decision. */
struct query {
	uint8_t dir_bit;
	uint8_t has;      /* NEEDS_JOB / NEEDS_USER when the connection has them */
	uint8_t job_len;  /* jobname characters available, up to DIGEST_JOB */
	char job[DIGEST_JOB];
	uint16_t lport, rport;
};

static void
make_query(const struct policy_conn *c, struct query *q)
{
	size_t i;

	memset(q, 0, sizeof(*q));
	q->dir_bit = c->dir == POLICY_DIR_INBOUND ? 1 : 2;
	q->lport = c->lport;
	q->rport = c->rport;
	if (c->userid != NULL && c->userid[0] != '\0')
		q->has |= NEEDS_USER;
	if (c->jobname == NULL || c->jobname[0] == '\0')
		return;
	q->has |= NEEDS_JOB;
	for (i = 0; i < DIGEST_JOB && c->jobname[i] != '\0'; i++)
		q->job[i] = (char)upc((unsigned char)c->jobname[i]);
	q->job_len = (uint8_t)i;
}

/* False only when the rule cannot match the connection. */
static bool
digest_ok(const struct digest *d, const struct query *q)
{
	if ((d->dirs & q->dir_bit) == 0 || (d->needs & ~q->has) != 0)
		return false;
	if (q->lport < d->lport_lo || q->lport > d->lport_hi ||
	    q->rport < d->rport_lo || q->rport > d->rport_hi)
		return false;
	return d->job_len == 0 ||
	    (q->job_len >= d->job_len && memcmp(q->job, d->job, d->job_len) == 0);
}

/* Index 0 inbound, 1 outbound; a Both rule is filed under both. */
static size_t
rule_dirs(const struct policy_rule *r, uint8_t dirs[2])
{
	size_t n = 0;

	if (r->dir == POLICY_DIR_INBOUND || r->dir == POLICY_DIR_BOTH)
		dirs[n++] = 0;
	if (r->dir == POLICY_DIR_OUTBOUND || r->dir == POLICY_DIR_BOTH)
		dirs[n++] = 1;
	return n;
}

/* Pass 1: for every key, how many rules could be filed under it. */
static enum at_rc
count_options(const struct policy_matcher *m, struct ktab *counts)
{
	struct ikey keys[KEYS_MAX];
	uint8_t dirs[2];
	size_t i, j, k, nd, nk;
	int d;
	struct slot *s;
	enum at_rc rc = AT_OK;

	for (i = 0; i < m->n; i++) {
		nd = rule_dirs(m->rules[i], dirs);
		for (j = 0; j < nd; j++)
			for (d = 0; d < D_COUNT; d++) {
				nk = dim_keys(m->rules[i], (enum idim)d, dirs[j], keys);
				for (k = 0; k < nk; k++) {
					rc = ktab_get(counts, &keys[k], &s);
					if (rc != AT_OK)
						goto out;
					s->off++;
				}
			}
	}
out:
	return rc;
}

/* Pass 2: each rule's least shared dimension (D_COUNT: unindexed). */
static void
choose(const struct policy_matcher *m, const struct ktab *counts, uint8_t *choice)
{
	struct ikey keys[KEYS_MAX];
	uint8_t dirs[2];
	size_t i, j, k, nd, nk;
	uint64_t cost, best_cost;
	int d, best;

	for (i = 0; i < m->n; i++) {
		nd = rule_dirs(m->rules[i], dirs);
		best = D_COUNT;
		best_cost = UINT64_MAX;
		for (d = 0; d < D_COUNT && nd > 0; d++) {
			cost = 0;
			nk = 0;
			for (j = 0; j < nd; j++) {
				nk = dim_keys(m->rules[i], (enum idim)d, dirs[j], keys);
				for (k = 0; k < nk; k++)
					cost += ktab_find(counts, &keys[k])->off;
			}
			if (nk > 0 && cost < best_cost) {
				best = d;
				best_cost = cost;
			}
		}
		choice[i] = (uint8_t)best;
	}
}

/* Remembers which probes a connection has to make. */
static void
note_key(struct policy_matcher *m, const struct ikey *k, bool plen_used[2][2][129])
{
	m->dim_used[k->dim] = true;
	if (k->dim == D_JOBPFX || k->dim == D_USERPFX)
		m->pfx_mask[k->dim == D_USERPFX] |= (uint16_t)(1u << k->plen);
	if (k->dim == D_LADDR || k->dim == D_RADDR)
		plen_used[k->dim == D_RADDR][k->fam][k->plen] = true;
}

/*
 * Pass 3: files rule i under the keys of its chosen dimension (fill false:
 * only counts list lengths; fill true: writes positions).  Rules are filed
 * in ascending order, so every list comes out ascending.
 */
static enum at_rc
file_rule(struct policy_matcher *m, size_t i, uint8_t choice, bool fill,
    bool plen_used[2][2][129])
{
	struct ikey keys[KEYS_MAX];
	uint8_t dirs[2];
	size_t j, k, nd, nk;
	struct slot *s;
	enum at_rc rc = AT_OK;

	nd = rule_dirs(m->rules[i], dirs);
	for (j = 0; j < nd; j++) {
		if (choice == D_COUNT) {
			if (fill)
				m->resid[dirs[j]][m->nresid[dirs[j]]] = (uint32_t)i;
			m->nresid[dirs[j]]++;
			continue;
		}
		nk = dim_keys(m->rules[i], (enum idim)choice, dirs[j], keys);
		for (k = 0; k < nk; k++) {
			rc = ktab_get(&m->tab, &keys[k], &s);
			if (rc != AT_OK)
				goto out;
			if (fill)
				m->pool[s->off + s->len] = (uint32_t)i;
			else
				m->npool++;
			s->len++;
			note_key(m, &keys[k], plen_used);
		}
	}
out:
	return rc;
}

/* About 16 filter bits per key: 1 in 16 absent keys gets past it. */
static enum at_rc
build_filter(struct ktab *t)
{
	size_t bits = 4096, i, bit;

	while (bits < t->n * 16 && bits < ((size_t)1 << 24))
		bits *= 2;
	t->filter = calloc(bits / 64, sizeof(uint64_t));
	if (t->filter == NULL)
		return AT_E_NOMEM;
	t->fmask = bits - 1;
	for (i = 0; i < t->cap; i++)
		if (t->v[i].used) {
			bit = filter_bit(t, khash(&t->v[i].key));
			t->filter[bit / 64] |= 1ull << (bit % 64);
		}
	return AT_OK;
}

static enum at_rc
file_rules(struct policy_matcher *m, const uint8_t *choice)
{
	bool plen_used[2][2][129];
	size_t i, a, f, p, off = 0;
	enum at_rc rc = AT_OK;

	memset(plen_used, 0, sizeof(plen_used));
	for (i = 0; i < m->n && rc == AT_OK; i++)
		rc = file_rule(m, i, choice[i], false, plen_used);
	if (rc != AT_OK)
		goto out;
	if (m->npool >= UINT32_MAX) {
		rc = AT_E_TOOBIG; /* positions in the pool are 32-bit */
		goto out;
	}
	m->pool = malloc((m->npool + 1) * sizeof(*m->pool));
	m->resid[0] = malloc((m->nresid[0] + 1) * sizeof(uint32_t));
	m->resid[1] = malloc((m->nresid[1] + 1) * sizeof(uint32_t));
	if (m->pool == NULL || m->resid[0] == NULL || m->resid[1] == NULL) {
		rc = AT_E_NOMEM;
		goto out;
	}
	for (i = 0; i < m->tab.cap; i++) {
		if (!m->tab.v[i].used)
			continue;
		m->tab.v[i].off = (uint32_t)off;
		off += m->tab.v[i].len;
		if (m->tab.v[i].len > m->largest)
			m->largest = m->tab.v[i].len;
		m->tab.v[i].len = 0;
	}
	m->nresid[0] = m->nresid[1] = 0;
	for (i = 0; i < m->n && rc == AT_OK; i++)
		rc = file_rule(m, i, choice[i], true, plen_used);
	for (a = 0; a < 2; a++)
		for (f = 0; f < 2; f++)
			for (p = 0; p <= 128; p++)
				if (plen_used[a][f][p])
					m->plens[a][f][m->nplens[a][f]++] = (uint8_t)p;
	if (rc == AT_OK)
		rc = build_filter(&m->tab);
out:
	return rc;
}

void
policy_matcher_free(struct policy_matcher *m)
{
	if (m == NULL)
		return;
	free(m->tab.v);
	free(m->tab.filter);
	free(m->pool);
	free(m->resid[0]);
	free(m->resid[1]);
	free(m->rules);
	free(m->digests);
	free(m);
}

enum at_rc
policy_matcher_build(const struct policy_rule *const *rules, size_t n,
    struct policy_matcher **out, struct at_err *err)
{
	struct policy_matcher *m = NULL;
	struct ktab counts = { NULL, 0, 0, NULL, 0 };
	uint8_t *choice = NULL;
	size_t i;
	enum at_rc rc = AT_OK;

	*out = NULL;
	if (n >= UINT32_MAX) {
		rc = at_err_setx(err, AT_E_INPUT, "too many rules to index (%zu)", n);
		goto out;
	}
	for (i = 0; i < n; i++)
		if (rules[i] == NULL) {
			rc = at_err_setx(err, AT_E_INPUT, "rule %zu of %zu is missing", i, n);
			goto out;
		}
	m = calloc(1, sizeof(*m));
	choice = malloc(n + 1);
	if (m == NULL || choice == NULL ||
	    /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
	    (m->rules = malloc((n + 1) * sizeof(*m->rules))) == NULL) {
		rc = AT_E_NOMEM;
		goto out;
	}
	m->n = n;
	m->digests = calloc(n + 1, sizeof(*m->digests));
	if (m->digests == NULL) {
		rc = AT_E_NOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		m->rules[i] = rules[i];
		make_digest(rules[i], &m->digests[i]);
	}
	rc = count_options(m, &counts);
	if (rc != AT_OK)
		goto out;
	choose(m, &counts, choice);
	rc = file_rules(m, choice);
out:
	if (rc == AT_E_NOMEM)
		at_err_setx(err, rc, "out of memory indexing %zu rules", n);
	if (rc == AT_E_TOOBIG)
		at_err_setx(err, rc, "%zu rules need too large an index", n);
	free(counts.v);
	free(choice);
	if (rc == AT_OK)
		*out = m;
	else
		policy_matcher_free(m);
	return rc;
}

/* ---------------------------------------------------------------------- */
/* Deciding                                                                */

struct cursor {
	const uint32_t *p;
	const uint32_t *end;
};

/* unindexed + 2 ports + 2 x (exact + 8 prefixes) + 2 x 129 prefix lengths */
#define CURSORS_MAX (1 + 2 + 2 * 9 + 2 * 129)

struct probe {
	const struct policy_matcher *m;
	struct cursor cur[CURSORS_MAX];
	size_t n;
};

static void
probe_key(struct probe *pr, const struct ikey *k)
{
	const struct slot *s = ktab_find(&pr->m->tab, k);

	if (pr->n >= CURSORS_MAX)
		abort(); /* CURSORS_MAX bounds the probes; losing one would lose rules */
	if (s != NULL && s->len > 0) {
		pr->cur[pr->n].p = pr->m->pool + s->off;
		pr->cur[pr->n].end = pr->cur[pr->n].p + s->len;
		pr->n++;
	}
}

static void
probe_port(struct probe *pr, enum idim d, uint8_t dir, uint16_t port)
{
	struct ikey k;

	if (!pr->m->dim_used[d])
		return;
	memset(&k, 0, sizeof(k));
	k.dim = (uint8_t)d;
	k.dir = dir;
	k.val[0] = (uint8_t)(port >> 8);
	k.val[1] = (uint8_t)port;
	probe_key(pr, &k);
}

static void
probe_name(struct probe *pr, enum idim exact, enum idim pfx, uint8_t dir,
    const char *v)
{
	uint16_t mask = pr->m->pfx_mask[exact == D_USER];
	struct ikey k;
	size_t len, plen;

	if (v == NULL || v[0] == '\0')
		return;
	len = strnlen(v, POLICY_ID_MAX + 1);
	if (pr->m->dim_used[exact] && len <= POLICY_ID_MAX) {
		memset(&k, 0, sizeof(k));
		k.dim = (uint8_t)exact;
		k.dir = dir;
		name_key(&k, v, len);
		probe_key(pr, &k);
	}
	for (plen = 0; plen < POLICY_ID_MAX && plen <= len; plen++) {
		if ((mask & (1u << plen)) == 0)
			continue;
		memset(&k, 0, sizeof(k));
		k.dim = (uint8_t)pfx;
		k.dir = dir;
		name_key(&k, v, plen);
		probe_key(pr, &k);
	}
}

static void
probe_addr(struct probe *pr, enum idim d, uint8_t dir, int family,
    const uint8_t a[16])
{
	int which = d == D_RADDR, fam;
	size_t i;
	struct ikey k;

	if (family != AF_INET && family != AF_INET6)
		return;
	fam = family == AF_INET ? FAM4 : FAM6;
	for (i = 0; i < pr->m->nplens[which][fam]; i++) {
		memset(&k, 0, sizeof(k));
		k.dim = (uint8_t)d;
		k.dir = dir;
		k.fam = (uint8_t)fam;
		k.plen = pr->m->plens[which][fam][i];
		mask_addr(k.val, a, k.plen);
		probe_key(pr, &k);
	}
}

/* Visits the candidates in ascending position; the first full match wins. */
static const struct policy_rule *
merge(struct probe *pr, const struct policy_conn *c)
{
	uint32_t last = UINT32_MAX, best;
	size_t i, bi;
	struct query q;

	make_query(c, &q);
	for (;;) {
		best = UINT32_MAX;
		bi = pr->n;
		for (i = 0; i < pr->n; i++)
			if (*pr->cur[i].p < best) {
				best = *pr->cur[i].p;
				bi = i;
			}
		if (bi == pr->n)
			return NULL;
		if (++pr->cur[bi].p == pr->cur[bi].end)
			pr->cur[bi] = pr->cur[--pr->n];
		if (best == last)
			continue;
		last = best;
		if (digest_ok(&pr->m->digests[best], &q) &&
		    policy_rule_matches(pr->m->rules[best], c))
			return pr->m->rules[best];
	}
}

const struct policy_rule *
policy_match(const struct policy_matcher *m, const struct policy_conn *c)
{
	struct probe pr;
	uint8_t dir;

	if (m == NULL)
		return NULL;
	if (c->dir != POLICY_DIR_INBOUND && c->dir != POLICY_DIR_OUTBOUND)
		return policy_match_linear(m->rules, m->n, c);
	dir = c->dir == POLICY_DIR_OUTBOUND;
	pr.m = m;
	pr.n = 0;
	if (m->nresid[dir] > 0) {
		pr.cur[0].p = m->resid[dir];
		pr.cur[0].end = m->resid[dir] + m->nresid[dir];
		pr.n = 1;
	}
	probe_port(&pr, D_LPORT, dir, c->lport);
	probe_port(&pr, D_RPORT, dir, c->rport);
	probe_name(&pr, D_JOB, D_JOBPFX, dir, c->jobname);
	probe_name(&pr, D_USER, D_USERPFX, dir, c->userid);
	probe_addr(&pr, D_RADDR, dir, c->family, c->raddr);
	probe_addr(&pr, D_LADDR, dir, c->family, c->laddr);
	return merge(&pr, c);
}

void
policy_matcher_get_stats(const struct policy_matcher *m,
    struct policy_matcher_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (m == NULL)
		return;
	out->rules = m->n;
	out->keys = m->tab.n;
	out->entries = m->npool;
	out->unindexed = m->nresid[0] > m->nresid[1] ? m->nresid[0] : m->nresid[1];
	out->largest_list = m->largest;
}
