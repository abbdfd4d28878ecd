/*
 * policy_actions.c - computes the effective actions of a rule: defaults,
 * then the group action, then the environment action, then the connection
 * action (each with the statements it references, in the order written),
 * a later value replacing an earlier one.  Within an action, one statement
 * of each type applies: an inline block replaces a Ref to a statement of
 * the same type whole (as z/OS installs it), and of two Refs or two
 * blocks the later one applies.  A list parameter given at a
 * later level replaces the whole list of the earlier level; within one
 * level, repeats are concatenated and duplicates keep their first place.
 */
#include <stdlib.h>
#include <string.h>

#include "policy/policy_int.h"

#define NLISTS 9

struct u16b {
	size_t off;          /* field */
	int level;
	uint16_t *v;
	size_t n, cap;
	uint64_t seen[1024]; /* one bit per id */
};

struct builder {
	struct policy_actions a;
	struct u16b lists[NLISTS];
	const char **labels;
	size_t nlabels, caplabels;
	int labels_level;
	struct policy_setting *extra;
	size_t nextra, capextra;
	bool client_auth_given;
	bool failed;
};

static const size_t list_offs[NLISTS] = {
	offsetof(struct policy_actions, ciphers) + 1,
	offsetof(struct policy_actions, v2_ciphers) + 1,
	offsetof(struct policy_actions, client_ecurves) + 1,
	offsetof(struct policy_actions, client_key_share_groups) + 1,
	offsetof(struct policy_actions, server_kex_ecurves) + 1,
	offsetof(struct policy_actions, server_key_share_groups) + 1,
	offsetof(struct policy_actions, signature_pairs) + 1,
	offsetof(struct policy_actions, signature_pairs_cert) + 1,
	0
};

static void
defaults(struct policy_actions *a)
{
	memset(a, 0, sizeof(*a));
	a->trace = 2;
	/* As z/OS: TLSv1.2 unless the policy turns other versions on. */
	a->protocols = POLICY_PROTO_TLSV12;
	a->handshake_timeout = 10;
	a->client_auth_type = POLICY_CLIENT_AUTH_REQUIRED;
}

static void
list_add(struct builder *b, struct u16b *l, const struct policy_u16v *src, int level)
{
	size_t i;

	if (l->level != level) {
		l->n = 0;
		memset(l->seen, 0, sizeof(l->seen));
		l->level = level;
	}
	for (i = 0; i < src->n; i++) {
		uint16_t id = src->v[i];

		if (l->seen[id / 64] & ((uint64_t)1 << (id % 64)))
			continue;
		if (l->n == l->cap) {
			size_t ncap = l->cap == 0 ? 16 : l->cap * 2;
			uint16_t *nv = realloc(l->v, ncap * sizeof(*nv));

			if (nv == NULL) {
				b->failed = true;
				return;
			}
			l->v = nv;
			l->cap = ncap;
		}
		l->seen[id / 64] |= (uint64_t)1 << (id % 64);
		l->v[l->n++] = id;
	}
}

static void
label_add(struct builder *b, const char *s, int level)
{
	if (b->labels_level != level) {
		b->nlabels = 0;
		b->labels_level = level;
	}
	if (b->nlabels == b->caplabels) {
		size_t ncap = b->caplabels == 0 ? 4 : b->caplabels * 2;
		const char **nv = realloc(b->labels, ncap * sizeof(*nv));

		if (nv == NULL) {
			b->failed = true;
			return;
		}
		b->labels = nv;
		b->caplabels = ncap;
	}
	b->labels[b->nlabels++] = s;
}

static void
extra_set(struct builder *b, const struct policy_kw *kw, const char *value)
{
	size_t i;

	if (!kw->multi) {
		for (i = 0; i < b->nextra; i++) {
			if (b->extra[i].keyword == kw->name) {
				b->extra[i].value = value;
				return;
			}
		}
	}
	if (b->nextra == b->capextra) {
		size_t ncap = b->capextra == 0 ? 8 : b->capextra * 2;
		struct policy_setting *nv = realloc(b->extra, ncap * sizeof(*nv));

		if (nv == NULL) {
			b->failed = true;
			return;
		}
		b->extra = nv;
		b->capextra = ncap;
	}
	b->extra[b->nextra].keyword = kw->name;
	b->extra[b->nextra++].value = value;
}

/* The canonical spelling of a one-word value (On/Off, enum names). */
static const char *
canonical(const struct policy_param *p)
{
	if (p->kw->kind == K_BOOL)
		return p->u.num ? "On" : "Off";
	if (p->kw->kind == K_ENUM)
		return policy_enum_name(p->kw->enums, (int)p->u.num);
	return p->text;
}

static void
apply_param(struct builder *b, const struct policy_param *p, int level)
{
	const struct policy_kw *kw = p->kw;
	unsigned char *base = (unsigned char *)&b->a;
	size_t i;
	int iv;
	uint32_t u;
	bool bv;

	if (kw->off == 0) {
		extra_set(b, kw, canonical(p));
		return;
	}
	if (kw->off == offsetof(struct policy_actions, client_auth_type) + 1)
		b->client_auth_given = true;
	switch (kw->kind) {
	case K_BOOL:
		bv = p->u.num != 0;
		memcpy(base + kw->off - 1, &bv, sizeof(bv));
		break;
	case K_ENUM:
		iv = (int)p->u.num;
		memcpy(base + kw->off - 1, &iv, sizeof(iv));
		break;
	case K_U32:
		u = (uint32_t)p->u.num;
		memcpy(base + kw->off - 1, &u, sizeof(u));
		break;
	case K_STR:
	case K_LABEL:
		memcpy(base + kw->off - 1, &p->u.str, sizeof(p->u.str));
		break;
	case K_PROTO:
		b->a.protocols_given |= (uint32_t)kw->max;
		if (p->u.num)
			b->a.protocols |= (uint32_t)kw->max;
		else
			b->a.protocols &= ~(uint32_t)kw->max;
		break;
	case K_STRLIST:
		label_add(b, p->u.str, level);
		break;
	default:
		for (i = 0; i < NLISTS && list_offs[i] != 0; i++)
			if (list_offs[i] == kw->off)
				list_add(b, &b->lists[i], &p->u.list, level);
		break;
	}
}

const struct policy_param *
policy_child_winner(const struct policy_stmt *st, enum policy_stype child)
{
	const struct policy_param *ref = NULL, *inl = NULL;
	size_t i;

	for (i = 0; i < st->nparams; i++) {
		const struct policy_param *p = &st->params[i];

		if (p->kw->child != child)
			continue;
		if (p->kw->kind == K_INLINE)
			inl = p;
		else if (p->kw->kind == K_REF)
			ref = p;
	}
	return inl != NULL ? inl : ref;
}

static void
apply_stmt(struct builder *b, const struct policy_stmt *st, int level, unsigned depth)
{
	size_t i;

	if (st == NULL || depth > 16)
		return;
	for (i = 0; i < st->nparams; i++) {
		const struct policy_param *p = &st->params[i];

		if (p->kw->kind == K_REF || p->kw->kind == K_INLINE) {
			/* One statement of each type: z/OS keeps the inline block
			 * whole over a Ref, and a later one over an earlier one. */
			if (policy_child_winner(st, p->kw->child) == p)
				apply_stmt(b, p->target, level, depth + 1);
		} else {
			apply_param(b, p, level);
			/* An Envfile's GSK_* settings, at this level. */
			if (p->target != NULL)
				apply_stmt(b, p->target, level, depth + 1);
		}
	}
}

static void *
arena_copy(struct policy_arena *ar, const void *src, size_t n, bool *failed)
{
	void *p;

	if (n == 0)
		return NULL;
	p = policy_arena_alloc(ar, n);
	if (p == NULL)
		*failed = true;
	else
		memcpy(p, src, n);
	return p;
}

const struct policy_actions *
policy_actions_build(struct policy_arena *ar, const struct policy_stmt *group,
    const struct policy_stmt *env, const struct policy_stmt *conn,
    bool *client_auth_given)
{
	struct builder *b = calloc(1, sizeof(*b));
	struct policy_actions *out = NULL;
	size_t i;

	if (b == NULL)
		return NULL;
	defaults(&b->a);
	for (i = 0; i < NLISTS; i++) {
		b->lists[i].off = list_offs[i];
		b->lists[i].level = -1;
	}
	b->labels_level = -1;
	apply_stmt(b, group, 0, 0);
	apply_stmt(b, env, 1, 0);
	apply_stmt(b, conn, 2, 0);
	b->a.group_name = group != NULL ? group->name : NULL;
	b->a.env_name = env != NULL ? env->name : NULL;
	b->a.conn_name = conn != NULL ? conn->name : NULL;
	for (i = 0; i < NLISTS && list_offs[i] != 0; i++) {
		struct policy_u16_list l;

		l.n = b->lists[i].n;
		l.v = arena_copy(ar, b->lists[i].v, l.n * sizeof(uint16_t), &b->failed);
		memcpy((unsigned char *)&b->a + list_offs[i] - 1, &l, sizeof(l));
	}
	b->a.server_certificate_labels.n = b->nlabels;
	b->a.server_certificate_labels.v = arena_copy(ar, b->labels,
	    b->nlabels * sizeof(*b->labels), &b->failed);
	b->a.nextra = b->nextra;
	b->a.extra = arena_copy(ar, b->extra, b->nextra * sizeof(*b->extra), &b->failed);
	*client_auth_given = b->client_auth_given;
	if (!b->failed)
		out = arena_copy(ar, &b->a, sizeof(b->a), &b->failed);
	for (i = 0; i < NLISTS; i++)
		free(b->lists[i].v);
	free(b->labels);
	free(b->extra);
	free(b);
	return out;
}

const char *
policy_actions_setting(const struct policy_actions *a, const char *keyword, const char *dflt)
{
	size_t i;

	for (i = 0; i < a->nextra; i++)
		if (strcmp(a->extra[i].keyword, keyword) == 0)
			return a->extra[i].value;
	return dflt;
}
