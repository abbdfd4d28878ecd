/*
 * ctl_summary_fuzz.c - libFuzzer target for the policy summary reader
 * (ctl_summary_parse and ctl_summary_may_match in src/ctl/summary.c): the
 * shim maps whatever file sits at the summary path, so any bytes must be
 * refused or read within bounds.  The first four bytes of the input choose
 * the connection to match; the rest is the file.  Deterministic.
 *
 * summary.c is compiled in here because the fuzz targets link a fixed set
 * of the project's libraries and the summary reader is not one of them.
 */
#define _GNU_SOURCE /* before any header: summary.c, included below, needs it */
#include <stddef.h>
#include <stdint.h>

#include "ctl/proto.h"
#include "ctl/summary.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const jobs[] = { NULL, "", "A", "WEBSRV1", "ABCDEFGHIJ" };
	struct ctl_summary s;
	uint16_t lport, rport;

	if (size < 4)
		return 0;
	lport = (uint16_t)(data[0] << 8 | data[1]);
	rport = (uint16_t)(data[2] << 8 | data[3]);
	if (ctl_summary_parse(data + 4, size - 4, &s, NULL) != AT_OK)
		return 0;
	(void)ctl_summary_may_match(&s, CTL_DIR_INBOUND, lport, rport, jobs[lport % 5]);
	(void)ctl_summary_may_match(&s, CTL_DIR_OUTBOUND, lport, rport, jobs[rport % 5]);
	return 0;
}
