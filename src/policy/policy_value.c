/*
 * policy_value.c - turns the value tokens of one parameter into its typed
 * value (numbers, enums, addresses, ports, cipher and hex lists, times),
 * with a diagnostic at the value when it is not valid.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "common/num.h"
#include "policy/policy_int.h"

#define ERR POLICY_DIAG_ERROR
#define WARN POLICY_DIAG_WARNING

struct vctx {
	struct policy_model *m;
	struct policy_param *p;
	struct policy_diags *d;
	bool ok;
	enum at_rc rc;
};

static void
verr(struct vctx *c, const struct policy_loc *loc, const char *msg)
{
	if (c->rc == AT_OK)
		c->rc = policy_diag_at(c->d, ERR, loc, "%s", msg);
	c->ok = false;
}

static void
vwarn(struct vctx *c, const struct policy_loc *loc, const char *msg)
{
	if (c->rc == AT_OK)
		c->rc = policy_diag_at(c->d, WARN, loc, "%s", msg);
}

static struct policy_loc
tokloc(const struct vctx *c, const struct policy_tok *t)
{
	struct policy_loc l = { c->p->vloc.file, t->line, t->col };

	return l;
}

static bool
parse_num(struct vctx *c, const struct policy_tok *t, uint64_t lo, uint64_t hi,
    uint64_t *out)
{
	struct at_err e;
	struct policy_loc l = tokloc(c, t);

	if (at_parse_u64(t->text, lo, hi, c->p->kw->name, out, &e) != AT_OK) {
		verr(c, &l, e.msg);
		return false;
	}
	return true;
}

static bool
parse_enum(struct vctx *c, const struct policy_tok *t, const struct policy_enum *e,
    uint64_t *out)
{
	const struct policy_enum *x;
	char msg[POLICY_DIAG_MSG_MAX];
	size_t used;
	struct policy_loc l = tokloc(c, t);

	for (x = e; x->name != NULL; x++) {
		if (at_str_eq_ci(t->text, x->name)) {
			*out = (uint64_t)x->value;
			return true;
		}
	}
	used = (size_t)snprintf(msg, sizeof(msg), "%s: '%.*s' is not one of", c->p->kw->name,
	    (int)(t->text.len > 64 ? 64 : t->text.len), t->text.p);
	for (x = e; x->name != NULL && used < sizeof(msg); x++)
		used += (size_t)snprintf(msg + used, sizeof(msg) - used, " %s", x->name);
	verr(c, &l, msg);
	return false;
}

static const struct policy_enum e_onoff[] = { { "Off", 0 }, { "On", 1 }, { NULL, 0 } };

/* ---- addresses ---------------------------------------------------------- */

static bool
all_digits(struct at_str s)
{
	size_t i;

	for (i = 0; i < s.len; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return false;
	return s.len > 0;
}

/*
 * An IPv4 address, an IPv6 address, or (as z/OS installs it) one decimal
 * number standing for the 32 bits of an IPv4 address: "6793" is
 * 0.0.26.137.  *decimal says the last form was used.
 */
static bool
parse_ip(struct at_str s, int *family, uint8_t out[16], bool *decimal)
{
	char buf[64];
	struct in_addr a4;
	uint64_t v;
	struct at_err e;

	*decimal = false;
	if (!at_str_copy(buf, sizeof(buf), s))
		return false;
	if (all_digits(s)) {
		if (at_parse_u64(s, 0, UINT32_MAX, "address", &v, &e) != AT_OK)
			return false;
		memset(out, 0, 10);
		out[10] = 0xff;
		out[11] = 0xff;
		out[12] = (uint8_t)(v >> 24);
		out[13] = (uint8_t)(v >> 16);
		out[14] = (uint8_t)(v >> 8);
		out[15] = (uint8_t)v;
		*family = AF_INET;
		*decimal = true;
		return true;
	}
	if (memchr(buf, ':', strlen(buf)) == NULL) {
		if (inet_pton(AF_INET, buf, &a4) != 1)
			return false;
		memset(out, 0, 10);
		out[10] = 0xff;
		out[11] = 0xff;
		memcpy(out + 12, &a4, 4);
		*family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, buf, out) != 1)
		return false;
	*family = AF_INET6;
	return true;
}

/* An IPv6 address written as IPv4-mapped or IPv4-compatible (::/96). */
static bool
v4_in_v6(const uint8_t a[16], unsigned prefix)
{
	static const uint8_t zero[12];
	size_t i;
	bool low_zero_or_one = true;

	if (prefix < 96)
		return false;
	if (memcmp(a, zero, 10) == 0 && a[10] == 0xff && a[11] == 0xff)
		return true;
	if (memcmp(a, zero, 12) != 0)
		return false;
	/* :: and ::1 are the unspecified and loopback addresses, not ::/96. */
	for (i = 12; i < 15; i++)
		if (a[i] != 0)
			low_zero_or_one = false;
	if (low_zero_or_one && (a[15] == 0 || a[15] == 1) && prefix == 128)
		return false;
	return true;
}

static void
apply_prefix(uint8_t lo[16], uint8_t hi[16], unsigned bits)
{
	unsigned i;

	for (i = 0; i < 128; i++) {
		if (i < bits)
			continue;
		lo[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
		hi[i / 8] |= (uint8_t)(0x80u >> (i % 8));
	}
}

/*
 * z/OS installs a bare number as the IPv4 address it encodes; that is
 * followed, but it is seldom what was meant (a port written as an
 * address, as in "RemoteAddr 6793"), so a check says how it was read.
 */
static void
decimal_warning(struct vctx *c, const struct policy_loc *l, struct at_str num,
    const uint8_t a[16])
{
	char msg[POLICY_DIAG_MSG_MAX];

	snprintf(msg, sizeof(msg), "%s: '%.*s' is read as the IPv4 address "
	    "%u.%u.%u.%u, as z/OS reads it; write the address dotted (a port "
	    "goes in LocalPortRange or RemotePortRange)", c->p->kw->name,
	    (int)(num.len > 16 ? 16 : num.len), num.p, a[12], a[13], a[14], a[15]);
	vwarn(c, l, msg);
}

static void
parse_addr(struct vctx *c, const struct policy_tok *t)
{
	struct at_str s = t->text, a = s, b = { NULL, 0 };
	struct policy_addr_range *r = &c->p->u.addr.r;
	const char *slash = memchr(s.p, '/', s.len);
	const char *dash = memchr(s.p, '-', s.len);
	char msg[POLICY_DIAG_MSG_MAX];
	struct policy_loc l = tokloc(c, t);
	int fam2 = 0;
	uint64_t bits = 0;
	unsigned maxbits, pfx;
	uint8_t orig[16];
	bool dec = false, dec2 = false;

	if (at_str_eq_ci(s, "All")) {
		c->p->u.addr.any = true;
		return;
	}
	if (slash != NULL) {
		a.len = (size_t)(slash - s.p);
		b.p = slash + 1;
		b.len = s.len - a.len - 1;
	} else if (dash != NULL) {
		a.len = (size_t)(dash - s.p);
		b.p = dash + 1;
		b.len = s.len - a.len - 1;
	}
	if (!parse_ip(a, &r->family, r->lo, &dec)) {
		snprintf(msg, sizeof(msg), "%s: '%.*s' is not an IPv4 or IPv6 address",
		    c->p->kw->name, (int)(a.len > 64 ? 64 : a.len), a.p);
		verr(c, &l, msg);
		return;
	}
	memcpy(r->hi, r->lo, 16);
	maxbits = r->family == AF_INET ? 32 : 128;
	pfx = 128;
	if (slash != NULL) {
		struct at_err e;

		if (at_parse_u64(b, 0, maxbits, "prefix length", &bits, &e) != AT_OK) {
			if (c->rc == AT_OK)
				c->rc = policy_diag_at(c->d, ERR, &l, "%s: %s", c->p->kw->name, e.msg);
			c->ok = false;
			return;
		}
		pfx = (unsigned)bits + (r->family == AF_INET ? 96 : 0);
		memcpy(orig, r->lo, 16);
		apply_prefix(r->lo, r->hi, pfx);
		if (memcmp(orig, r->lo, 16) != 0) {
			snprintf(msg, sizeof(msg), "%s: '%.*s' has bits set after the prefix; "
			    "they are ignored", c->p->kw->name, (int)(s.len > 64 ? 64 : s.len), s.p);
			vwarn(c, &l, msg);
		}
	} else if (dash != NULL) {
		if (!parse_ip(b, &fam2, r->hi, &dec2)) {
			snprintf(msg, sizeof(msg), "%s: '%.*s' is not an IPv4 or IPv6 address",
			    c->p->kw->name, (int)(b.len > 64 ? 64 : b.len), b.p);
			verr(c, &l, msg);
			return;
		}
		if (fam2 != r->family) {
			snprintf(msg, sizeof(msg), "%s: a range cannot mix IPv4 and IPv6",
			    c->p->kw->name);
			verr(c, &l, msg);
			return;
		}
		if (memcmp(r->lo, r->hi, 16) > 0) {
			snprintf(msg, sizeof(msg), "%s: the range '%.*s' ends before it starts",
			    c->p->kw->name, (int)(s.len > 96 ? 96 : s.len), s.p);
			verr(c, &l, msg);
			return;
		}
	}
	if (dec || dec2)
		decimal_warning(c, &l, dec ? a : b, dec ? r->lo : r->hi);
	if (r->family == AF_INET6 && (v4_in_v6(r->lo, pfx) || v4_in_v6(r->hi, pfx))) {
		snprintf(msg, sizeof(msg), "%s: IPv4-mapped and IPv4-compatible IPv6 addresses "
		    "(::ffff:0:0/96, ::/96) are not allowed; write the IPv4 address",
		    c->p->kw->name);
		verr(c, &l, msg);
	}
}

/* ---- ports -------------------------------------------------------------- */

static void
parse_port(struct vctx *c, const struct policy_tok *t)
{
	struct at_str a = t->text, b = { NULL, 0 };
	const char *dash = memchr(a.p, '-', a.len);
	uint64_t lo, hi;
	char msg[POLICY_DIAG_MSG_MAX];
	struct policy_loc l = tokloc(c, t);
	struct at_err e;

	if (dash != NULL) {
		b.p = dash + 1;
		b.len = a.len - (size_t)(dash - a.p) - 1;
		a.len = (size_t)(dash - a.p);
	}
	if (at_parse_u64(a, 0, 65535, c->p->kw->name, &lo, &e) != AT_OK) {
		verr(c, &l, e.msg);
		return;
	}
	hi = lo;
	if (dash != NULL && at_parse_u64(b, 0, 65535, c->p->kw->name, &hi, &e) != AT_OK) {
		verr(c, &l, e.msg);
		return;
	}
	if (hi < lo) {
		snprintf(msg, sizeof(msg), "%s: the range %llu-%llu ends before it starts",
		    c->p->kw->name, (unsigned long long)lo, (unsigned long long)hi);
		verr(c, &l, msg);
		return;
	}
	c->p->u.port.r.lo = (uint16_t)lo;
	c->p->u.port.r.hi = (uint16_t)hi;
	c->p->u.port.any = (lo == 0 && hi == 0) || (lo == 0 && hi == 65535);
}

/* ---- lists -------------------------------------------------------------- */

static int
hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static bool
all_hex(struct at_str s)
{
	size_t i;

	for (i = 0; i < s.len; i++)
		if (hexval(s.p[i]) < 0)
			return false;
	return s.len > 0;
}

static void
list_add(struct policy_u16v *l, uint16_t id)
{
	l->v[l->n++] = id;
}

/*
 * One token of a cipher or id list: `width` hex digits per id (concatenated
 * ids allowed), or a constant name when names is set.
 */
static void
list_token(struct vctx *c, const struct policy_tok *t, unsigned width, bool names,
    bool v2)
{
	struct policy_u16v *l = &c->p->u.list;
	char msg[POLICY_DIAG_MSG_MAX];
	struct policy_loc loc = tokloc(c, t);
	uint16_t id;
	size_t i;
	int len = (int)(t->text.len > 80 ? 80 : t->text.len);

	if (names && !v2 && policy_cipher_lookup(t->text, &id)) {
		list_add(l, id);
		return;
	}
	if (v2 && policy_v2_cipher_lookup(t->text, &id)) {
		list_add(l, id);
		return;
	}
	if (v2 && t->text.len >= 1) {
		for (i = 0; i < t->text.len; i++) {
			char ch = t->text.p[i];

			if (ch < '1' || ch > '7' || ch == '5') {
				snprintf(msg, sizeof(msg), "V2CipherSuites: '%.*s' is neither a "
				    "V2 cipher constant nor a string of codes 1-4, 6, 7", len,
				    t->text.p);
				verr(c, &loc, msg);
				return;
			}
		}
		for (i = 0; i < t->text.len; i++)
			list_add(l, (uint16_t)(t->text.p[i] - '0'));
		return;
	}
	if (!all_hex(t->text) || t->text.len % width != 0) {
		if (!all_hex(t->text) && names)
			snprintf(msg, sizeof(msg), "%s: '%.*s' is not a known cipher suite "
			    "constant nor %u-digit hexadecimal ids", c->p->kw->name, len,
			    t->text.p, width);
		else
			snprintf(msg, sizeof(msg), "%s: '%.*s' is not a list of %u-digit "
			    "hexadecimal ids", c->p->kw->name, len, t->text.p, width);
		verr(c, &loc, msg);
		return;
	}
	for (i = 0; i < t->text.len; i += width) {
		unsigned v = 0, k;

		for (k = 0; k < width; k++)
			v = v * 16 + (unsigned)hexval(t->text.p[i + k]);
		list_add(l, (uint16_t)v);
	}
}

/*
 * One token of a named-group list: ids of four decimal digits, blank
 * separated or concatenated ("0023 0024" or "00230024"), 1..9999.
 */
static void
group_token(struct vctx *c, const struct policy_tok *t)
{
	struct policy_u16v *l = &c->p->u.list;
	struct policy_loc loc = tokloc(c, t);
	char msg[POLICY_DIAG_MSG_MAX];
	int len = t->text.len > 64 ? 64 : (int)t->text.len;
	size_t i, k;

	for (i = 0; i < t->text.len; i++)
		if (t->text.p[i] < '0' || t->text.p[i] > '9')
			break;
	if (i != t->text.len || t->text.len == 0 || t->text.len % 4 != 0) {
		snprintf(msg, sizeof(msg), "%s: '%.*s' is not a list of 4-digit group "
		    "numbers (decimal, e.g. 0023 for secp256r1)", c->p->kw->name, len, t->text.p);
		verr(c, &loc, msg);
		return;
	}
	for (i = 0; i < t->text.len; i += 4) {
		unsigned v = 0;

		for (k = 0; k < 4; k++)
			v = v * 10 + (unsigned)(t->text.p[i + k] - '0');
		if (v == 0) {
			snprintf(msg, sizeof(msg), "%s: group 0000 does not exist",
			    c->p->kw->name);
			verr(c, &loc, msg);
			return;
		}
		list_add(l, (uint16_t)v);
	}
}

/*
 * z/OS ignores a V3CipherSuites4Char line it cannot read whole: one with a
 * constant name (IBM documents that), and, by the same rule, one with a
 * token that is not a whole number of 4-digit ids ("C02").  The line is
 * dropped here too, with a warning saying so; other lines still count.
 * Returns true when the line is dropped (c->p->kw is then NULL).
 */
static bool
v3ciph4_unreadable(struct vctx *c, const struct policy_tok *toks, size_t n)
{
	char msg[POLICY_DIAG_MSG_MAX];
	struct policy_loc loc;
	uint16_t id;
	size_t i;

	for (i = 0; i < n; i++) {
		struct at_str s = toks[i].text;
		int len = (int)(s.len > 64 ? 64 : s.len);

		if (all_hex(s) && s.len % 4 == 0)
			continue;
		loc = tokloc(c, &toks[i]);
		if (policy_cipher_lookup(s, &id))
			snprintf(msg, sizeof(msg), "V3CipherSuites4Char: '%.*s' is a constant "
			    "name, which z/OS ignores here; this line is ignored (write %04X, "
			    "or the name in V3CipherSuites)", len, s.p, id);
		else
			snprintf(msg, sizeof(msg), "V3CipherSuites4Char: '%.*s' is not a "
			    "whole number of 4-digit hexadecimal ids; this line is ignored, "
			    "as z/OS ignores a value it cannot read", len, s.p);
		vwarn(c, &loc, msg);
		c->p->kw = NULL;
		return true;
	}
	return false;
}

static void
parse_list(struct vctx *c, struct policy_tok *toks, size_t n)
{
	size_t i, total = 0;
	const struct policy_kw *kw = c->p->kw;

	if (kw->kind == K_V3CIPH4 && v3ciph4_unreadable(c, toks, n))
		return;

	for (i = 0; i < n; i++)
		total += toks[i].text.len;
	c->p->u.list.v = policy_arena_alloc(&c->m->arena, (total + 1) * sizeof(uint16_t));
	if (c->p->u.list.v == NULL) {
		c->rc = AT_E_NOMEM;
		return;
	}
	if ((kw->kind == K_HEXLIST || kw->kind == K_GROUPLIST) && n == 1 &&
	    at_str_eq_ci(toks[0].text, "Any"))
		return;
	for (i = 0; i < n; i++) {
		switch (kw->kind) {
		case K_V2CIPH:
			list_token(c, &toks[i], 1, true, true);
			break;
		case K_V3CIPH:
			list_token(c, &toks[i], 2, true, false);
			break;
		case K_V3CIPH4:
			list_token(c, &toks[i], 4, false, false);
			break;
		case K_GROUPLIST:
			group_token(c, &toks[i]);
			break;
		default:
			list_token(c, &toks[i], 4, false, false);
			break;
		}
	}
}

/* ---- names and times ---------------------------------------------------- */

static void
parse_job(struct vctx *c, const struct policy_tok *t)
{
	char msg[POLICY_DIAG_MSG_MAX];
	struct policy_loc loc = tokloc(c, t);
	size_t i, len = t->text.len;
	char *s;

	if (len > POLICY_ID_MAX) {
		snprintf(msg, sizeof(msg), "%s: '%.*s' is longer than %d characters",
		    c->p->kw->name, (int)(len > 64 ? 64 : len), t->text.p, POLICY_ID_MAX);
		verr(c, &loc, msg);
		return;
	}
	for (i = 0; i < len; i++) {
		char ch = t->text.p[i];
		bool okch = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '@' || ch == '#' || ch == '$' ||
		    ch == '-' || ch == '_' || ch == '.' || (ch == '*' && i == len - 1);

		if (!okch) {
			snprintf(msg, sizeof(msg), "%s: '%.*s' may hold letters, digits, "
			    "@ # $ - _ . and only a final '*'", c->p->kw->name, (int)len,
			    t->text.p);
			verr(c, &loc, msg);
			return;
		}
	}
	s = policy_arena_strdup(&c->m->arena, t->text);
	if (s == NULL) {
		c->rc = AT_E_NOMEM;
		return;
	}
	for (i = 0; i < len; i++)
		if (s[i] >= 'a' && s[i] <= 'z')
			s[i] = (char)(s[i] - 'a' + 'A');
	c->p->u.str = s;
}

static void
parse_time_value(struct vctx *c, const struct policy_tok *t)
{
	char msg[POLICY_DIAG_MSG_MAX];
	struct policy_loc loc = tokloc(c, t);

	if (!policy_value_time(c->p, t->text, msg, sizeof(msg)))
		verr(c, &loc, msg);
}

enum at_rc
policy_value_parse(struct policy_model *m, struct policy_param *p,
    struct policy_tok *toks, size_t ntoks, struct policy_diags *diags, bool *ok)
{
	struct vctx c = { m, p, diags, true, AT_OK };
	const struct policy_kw *kw = p->kw;
	uint64_t v = 0;

	switch (kw->kind) {
	case K_BOOL:
	case K_PROTO:
		if (parse_enum(&c, &toks[0], e_onoff, &v))
			p->u.num = v;
		break;
	case K_ENUM:
	case K_DIR:
		if (parse_enum(&c, &toks[0], kw->enums, &v))
			p->u.num = v;
		break;
	case K_U32:
		if (parse_num(&c, &toks[0], kw->min, kw->max, &v))
			p->u.num = v;
		break;
	case K_STR:
	case K_LABEL:
	case K_STRLIST:
	case K_REF:
		p->u.str = policy_arena_strdup(&m->arena, toks[0].text);
		if (p->u.str == NULL)
			c.rc = AT_E_NOMEM;
		break;
	case K_V2CIPH:
	case K_V3CIPH:
	case K_V3CIPH4:
	case K_HEXLIST:
	case K_GROUPLIST:
		parse_list(&c, toks, ntoks);
		break;
	case K_ADDR:
		parse_addr(&c, &toks[0]);
		break;
	case K_PORT:
		parse_port(&c, &toks[0]);
		break;
	case K_JOB:
		parse_job(&c, &toks[0]);
		break;
	default:
		parse_time_value(&c, &toks[0]);
		break;
	}
	*ok = c.ok;
	return c.rc;
}
