/*
 * ctl_proto_fuzz.c - libFuzzer target for the control protocol decoders
 * (ctl_decode_hdr and every ctl_decode_* body decoder in src/ctl/proto.c):
 * whatever a local process sends attlsd must be refused or decoded, never
 * crash or read out of bounds.  Deterministic: no state between runs.
 */
#include <stddef.h>
#include <stdint.h>

#include "ctl/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	union {
		struct ctl_map m;
		struct ctl_map_reply mr;
		struct ctl_addr_reply ar;
		struct ctl_query q;
		struct ctl_query_reply qr;
		struct ctl_text_reply tr;
	} u;
	struct at_buf in;
	struct ctl_hdr h;
	struct at_err err;
	enum at_rc rc = AT_OK;

	if (size > CTL_MSG_MAX)
		return 0;
	at_buf_init(&in, CTL_MSG_MAX);
	if (at_buf_append(&in, data, size) != AT_OK || ctl_decode_hdr(&in, &h, &err) != AT_OK)
		goto out;
	switch (h.type) {
	case CTL_MAP: rc = ctl_decode_map(&in, &u.m, &err); break;
	case CTL_MAP_REPLY: rc = ctl_decode_map_reply(&in, &u.mr, &err); break;
	case CTL_ADDR_REPLY: rc = ctl_decode_addr_reply(&in, &u.ar, &err); break;
	case CTL_QUERY: rc = ctl_decode_query(&in, &u.q, &err); break;
	case CTL_QUERY_REPLY: rc = ctl_decode_query_reply(&in, &u.qr, &err); break;
	case CTL_STATUS_REPLY:
	case CTL_REFRESH_REPLY: rc = ctl_decode_text_reply(&in, &u.tr, &err); break;
	default: rc = ctl_decode_empty(&in, &err); break;
	}
	(void)rc;
out:
	at_buf_free(&in);
	return 0;
}
