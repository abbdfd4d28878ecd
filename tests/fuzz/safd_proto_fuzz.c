/*
 * safd_proto_fuzz.c - libFuzzer target for the SAF service's records
 * (src/safd/proto.c): whatever a local process sends attls-safd is
 * refused or decoded, never read past its end; what decodes encodes
 * again to a record that decodes to the same request; and the same for
 * replies, which the client library decodes from the service.
 * Deterministic; nothing is kept between runs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "safd/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
request(const uint8_t *data, size_t size)
{
	struct safp_req a, b;
	struct at_buf out;
	struct at_err err;

	if (safp_req_decode(data, size, &a, &err) != AT_OK)
		return;
	at_buf_init(&out, SAFP_MSG_MAX);
	if (safp_req_encode(&a, &out, &err) != AT_OK)
		abort();
	if (safp_req_decode(out.data, out.len, &b, &err) != AT_OK)
		abort();
	if (a.op != b.op || a.id != b.id || a.present != b.present ||
	    strcmp(a.user, b.user) != 0 || strcmp(a.secret, b.secret) != 0 ||
	    strcmp(a.resource, b.resource) != 0 || a.uid != b.uid ||
	    a.certlen != b.certlen ||
	    (a.certlen > 0 && memcmp(a.cert, b.cert, a.certlen) != 0))
		abort();
	at_buf_free(&out);
}

static void
reply(const uint8_t *data, size_t size)
{
	struct safp_rep *a, *b;
	struct at_buf out;
	struct at_err err;

	a = malloc(sizeof(*a));
	b = malloc(sizeof(*b));
	if (a == NULL || b == NULL)
		abort();
	if (safp_rep_decode(data, size, a, &err) == AT_OK) {
		at_buf_init(&out, SAFP_MSG_MAX);
		if (safp_rep_encode(a, &out, &err) != AT_OK ||
		    safp_rep_decode(out.data, out.len, b, &err) != AT_OK)
			abort();
		if (a->ngroups != b->ngroups || a->saf_rc != b->saf_rc ||
		    strcmp(a->messages, b->messages) != 0 ||
		    strcmp(a->ticket, b->ticket) != 0)
			abort();
		at_buf_free(&out);
	}
	free(a);
	free(b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	request(data, size);
	reply(data, size);
	return 0;
}
