/*
 * policy_arena.c - the bump allocator that holds everything one policy load
 * builds, so that a refused load or a freed set is released in one call.
 */
#include <stdlib.h>
#include <string.h>

#include "policy/policy_int.h"

#define BLOCK_MIN (64u * 1024u)
#define ALIGN 16u

struct policy_arena_block {
	struct policy_arena_block *next;
	size_t used;
	size_t size;
	_Alignas(16) unsigned char data[];
};

void
policy_arena_init(struct policy_arena *a)
{
	a->head = NULL;
}

void
policy_arena_free(struct policy_arena *a)
{
	struct policy_arena_block *b, *next;

	if (a == NULL)
		return;
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
}

void *
policy_arena_alloc(struct policy_arena *a, size_t n)
{
	struct policy_arena_block *b = a->head;
	size_t need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	void *p;

	if (need < n)
		return NULL;
	if (b == NULL || b->size - b->used < need) {
		size_t size = need > BLOCK_MIN ? need : BLOCK_MIN;

		if (size > SIZE_MAX - sizeof(*b))
			return NULL;
		b = malloc(sizeof(*b) + size);
		if (b == NULL)
			return NULL;
		b->used = 0;
		b->size = size;
		if (a->head != NULL && need > BLOCK_MIN) {
			/* A big block goes second so the current one keeps filling. */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	p = b->data + b->used;
	b->used += need;
	memset(p, 0, n);
	return p;
}

char *
policy_arena_strdup(struct policy_arena *a, struct at_str v)
{
	char *s = policy_arena_alloc(a, v.len + 1);

	if (s == NULL)
		return NULL;
	if (v.len > 0)
		memcpy(s, v.p, v.len);
	s[v.len] = '\0';
	return s;
}
