/*
 * proto_test.c - control messages survive encoding and decoding exactly,
 * every truncation and every trailing byte is refused, and descriptors
 * travel over a real SOCK_SEQPACKET pair.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctl/io.h"
#include "ctl/proto.h"

static void
sample_map(struct ctl_map *m)
{
	memset(m, 0, sizeof(*m));
	m->dir = CTL_DIR_OUTBOUND;
	m->flags = CTL_MAP_CONNECTING;
	m->addrs.family = 10;
	m->addrs.laddr[15] = 1;
	m->addrs.lport = 40001;
	m->addrs.raddr[0] = 0xfe;
	m->addrs.rport = 9443;
	memcpy(m->jobname, "USER1GET", 9);
}

/* Decodes msg as a whole message of the given type into a fresh buffer. */
static enum at_rc
decode_as(const struct at_buf *msg, size_t len, uint16_t type, void *out)
{
	struct at_buf in;
	struct ctl_hdr h;
	struct at_err err;
	enum at_rc rc;

	at_buf_init(&in, CTL_MSG_MAX);
	assert_int_equal(at_buf_append(&in, msg->data, len), AT_OK);
	rc = ctl_decode_hdr(&in, &h, &err);
	if (rc == AT_OK && h.type != type)
		rc = AT_E_INPUT;
	if (rc == AT_OK) {
		switch (type) {
		case CTL_MAP: rc = ctl_decode_map(&in, out, &err); break;
		case CTL_MAP_REPLY: rc = ctl_decode_map_reply(&in, out, &err); break;
		case CTL_ADDR_REPLY: rc = ctl_decode_addr_reply(&in, out, &err); break;
		case CTL_QUERY: rc = ctl_decode_query(&in, out, &err); break;
		case CTL_QUERY_REPLY: rc = ctl_decode_query_reply(&in, out, &err); break;
		case CTL_VIEW: rc = ctl_decode_view(&in, out, &err); break;
		case CTL_VIEW_REPLY: rc = ctl_decode_view_reply(&in, out, &err); break;
		default: rc = ctl_decode_text_reply(&in, out, &err); break;
		}
	}
	/* Pointers into the message (certificate, text) must not be used
	 * after this; the tests below compare only fixed fields. */
	at_buf_free(&in);
	return rc;
}

/* Every proper prefix, and the message plus one byte, must be refused. */
static void
refuse_damaged(const struct at_buf *msg, uint16_t type)
{
	union {
		struct ctl_map m;
		struct ctl_map_reply mr;
		struct ctl_addr_reply ar;
		struct ctl_query q;
		struct ctl_query_reply qr;
		struct ctl_text_reply tr;
		struct ctl_view v;
		struct ctl_view_reply vr;
	} u;
	struct at_buf longer;
	size_t cut;

	for (cut = 0; cut < msg->len; cut++)
		if (decode_as(msg, cut, type, &u) == AT_OK)
			fail_msg("type %u accepted when cut to %zu of %zu bytes", type, cut, msg->len);
	at_buf_init(&longer, CTL_MSG_MAX);
	assert_int_equal(at_buf_append(&longer, msg->data, msg->len), AT_OK);
	assert_int_equal(at_buf_put_u8(&longer, 0), AT_OK);
	assert_int_not_equal(decode_as(&longer, longer.len, type, &u), AT_OK);
	at_buf_free(&longer);
}

static void
test_map_round_trip(void **state)
{
	struct ctl_map m, back;
	struct ctl_map_reply r = { CTL_PROTECTED, 0, 7, 3, "zCEEClientRule~1" }, rback;
	struct at_buf b;
	struct at_err err;

	(void)state;
	sample_map(&m);
	at_buf_init(&b, CTL_MSG_MAX);
	assert_int_equal(ctl_encode_map(&b, 42, &m, &err), AT_OK);
	assert_int_equal(decode_as(&b, b.len, CTL_MAP, &back), AT_OK);
	assert_int_equal(back.dir, m.dir);
	assert_int_equal(back.flags, m.flags);
	assert_int_equal(back.addrs.lport, m.addrs.lport);
	assert_int_equal(back.addrs.rport, m.addrs.rport);
	assert_memory_equal(back.addrs.laddr, m.addrs.laddr, 16);
	assert_memory_equal(back.addrs.raddr, m.addrs.raddr, 16);
	assert_string_equal(back.jobname, m.jobname);
	refuse_damaged(&b, CTL_MAP);
	at_buf_reset(&b);
	assert_int_equal(ctl_encode_map_reply(&b, 42, &r, &err), AT_OK);
	assert_int_equal(decode_as(&b, b.len, CTL_MAP_REPLY, &rback), AT_OK);
	assert_int_equal(rback.verdict, CTL_PROTECTED);
	assert_int_equal(rback.conn_id, 7);
	assert_int_equal(rback.generation, 3);
	assert_string_equal(rback.rule, "zCEEClientRule~1");
	refuse_damaged(&b, CTL_MAP_REPLY);
	at_buf_free(&b);
}

static void
test_other_round_trips(void **state)
{
	struct ctl_addr_reply a = { 0, 9, { 2, { 0 }, 2445, { 0 }, 50000 }, 111 }, aback;
	struct ctl_query q = { 0x41, 4096, CTL_DIR_INBOUND, "SMTPD" }, qback;
	struct ctl_query_reply qr, qrback;
	struct ctl_text_reply t = { 0, 5, "policy generation 5\n", 20 }, tback;
	static const uint8_t cert[] = { 0x30, 0x82, 0x01, 0x00 };
	struct at_buf b;
	struct at_err err;

	(void)state;
	at_buf_init(&b, CTL_MSG_MAX);
	assert_int_equal(ctl_encode_addr_reply(&b, 1, &a, &err), AT_OK);
	assert_int_equal(decode_as(&b, b.len, CTL_ADDR_REPLY, &aback), AT_OK);
	/* Field by field: structs carry padding the codec does not copy. */
	assert_int_equal(aback.errnum, a.errnum);
	assert_int_equal(aback.conn_id, a.conn_id);
	assert_int_equal(aback.so_error, a.so_error);
	assert_int_equal(aback.addrs.family, a.addrs.family);
	assert_int_equal(aback.addrs.lport, a.addrs.lport);
	assert_int_equal(aback.addrs.rport, a.addrs.rport);
	assert_memory_equal(aback.addrs.laddr, a.addrs.laddr, 16);
	assert_memory_equal(aback.addrs.raddr, a.addrs.raddr, 16);
	refuse_damaged(&b, CTL_ADDR_REPLY);

	at_buf_reset(&b);
	assert_int_equal(ctl_encode_query(&b, 2, &q, &err), AT_OK);
	assert_int_equal(decode_as(&b, b.len, CTL_QUERY, &qback), AT_OK);
	assert_int_equal(qback.req_type, q.req_type);
	assert_int_equal(qback.cert_max, q.cert_max);
	assert_int_equal(qback.dir, CTL_DIR_INBOUND);
	assert_string_equal(qback.jobname, "SMTPD");
	refuse_damaged(&b, CTL_QUERY);

	memset(&qr, 0, sizeof(qr));
	qr.stat_policy = 4;
	qr.stat_conn = 3;
	qr.prot_ver = 3;
	qr.prot_mod = 3;
	qr.cipher = 0xc02f;
	qr.key_share = 23;
	qr.sec_type = 5;
	memcpy(qr.userid, "USER1", 6);
	memcpy(qr.rule, "Db2ServerRule~1", 16);
	qr.cert = cert;
	qr.cert_len = sizeof(cert);
	at_buf_reset(&b);
	assert_int_equal(ctl_encode_query_reply(&b, 3, &qr, &err), AT_OK);
	assert_int_equal(decode_as(&b, b.len, CTL_QUERY_REPLY, &qrback), AT_OK);
	assert_int_equal(qrback.cipher, 0xc02f);
	assert_int_equal(qrback.cert_len, sizeof(cert));
	assert_string_equal(qrback.userid, "USER1");
	assert_string_equal(qrback.rule, "Db2ServerRule~1");
	refuse_damaged(&b, CTL_QUERY_REPLY);

	at_buf_reset(&b);
	assert_int_equal(ctl_encode_text_reply(&b, CTL_STATUS_REPLY, 4, &t, &err), AT_OK);
	assert_int_equal(decode_as(&b, b.len, CTL_STATUS_REPLY, &tback), AT_OK);
	assert_int_equal(tback.generation, 5);
	assert_int_equal(tback.text_len, 20);
	refuse_damaged(&b, CTL_STATUS_REPLY);
	at_buf_free(&b);
}

/*
 * A view request and its parts round-trip; a part claiming to lie beyond
 * the view's length, an unknown view or unknown flags are refused.
 */
static void
test_view_round_trip(void **state)
{
	struct ctl_view v, back;
	struct ctl_view_reply r = { 0, 7, 42, 100000, 65000, "part two", 8 }, rback;
	struct at_buf b;
	struct at_err err;

	(void)state;
	memset(&v, 0, sizeof(v));
	v.kind = CTL_VIEW_NETSTAT;
	v.flags = CTL_VIEW_JSON;
	v.snapshot = 42;
	v.offset = 65000;
	v.dir = CTL_DIR_INBOUND;
	v.addrs.family = 2;
	v.addrs.lport = 2445;
	v.now = 1700000000;
	v.port = 443;
	memcpy(v.job, "DSN2DIST", 9);
	memcpy(v.user, "OPER1", 6);
	memcpy(v.rule, "Db2*", 5);
	at_buf_init(&b, CTL_MSG_MAX);
	assert_int_equal(ctl_encode_view(&b, 9, &v, &err), AT_OK);
	assert_int_equal(decode_as(&b, b.len, CTL_VIEW, &back), AT_OK);
	assert_int_equal(back.kind, CTL_VIEW_NETSTAT);
	assert_int_equal(back.flags, CTL_VIEW_JSON);
	assert_true(back.snapshot == 42 && back.offset == 65000 && back.now == 1700000000);
	assert_int_equal(back.port, 443);
	assert_int_equal(back.addrs.lport, 2445);
	assert_string_equal(back.job, "DSN2DIST");
	assert_string_equal(back.user, "OPER1");
	assert_string_equal(back.rule, "Db2*");
	refuse_damaged(&b, CTL_VIEW);

	v.kind = 9;
	at_buf_reset(&b);
	assert_int_equal(ctl_encode_view(&b, 9, &v, &err), AT_OK);
	assert_int_not_equal(decode_as(&b, b.len, CTL_VIEW, &back), AT_OK);
	v.kind = CTL_VIEW_POLICY;
	v.flags = 0x80;
	at_buf_reset(&b);
	assert_int_equal(ctl_encode_view(&b, 9, &v, &err), AT_OK);
	assert_int_not_equal(decode_as(&b, b.len, CTL_VIEW, &back), AT_OK);

	at_buf_reset(&b);
	assert_int_equal(ctl_encode_view_reply(&b, 10, &r, &err), AT_OK);
	assert_int_equal(decode_as(&b, b.len, CTL_VIEW_REPLY, &rback), AT_OK);
	assert_true(rback.generation == 7 && rback.snapshot == 42);
	assert_int_equal(rback.total, 100000);
	assert_int_equal(rback.offset, 65000);
	assert_int_equal(rback.text_len, 8);
	refuse_damaged(&b, CTL_VIEW_REPLY);

	/* A part that would end past the view's length. */
	r.offset = 99995;
	at_buf_reset(&b);
	assert_int_equal(ctl_encode_view_reply(&b, 10, &r, &err), AT_OK);
	assert_int_not_equal(decode_as(&b, b.len, CTL_VIEW_REPLY, &rback), AT_OK);
	at_buf_free(&b);
}

static void
test_bad_headers(void **state)
{
	struct ctl_map m;
	struct at_buf b, in;
	struct ctl_hdr h;
	struct at_err err;

	(void)state;
	sample_map(&m);
	at_buf_init(&b, CTL_MSG_MAX);
	assert_int_equal(ctl_encode_map(&b, 1, &m, &err), AT_OK);
	at_buf_init(&in, CTL_MSG_MAX);
	b.data[0] ^= 0xff; /* magic */
	assert_int_equal(at_buf_append(&in, b.data, b.len), AT_OK);
	assert_int_equal(ctl_decode_hdr(&in, &h, &err), AT_E_INPUT);
	assert_non_null(strstr(err.msg, "not an attls control message"));
	b.data[0] ^= 0xff;
	b.data[5] = 9; /* version */
	at_buf_reset(&in);
	assert_int_equal(at_buf_append(&in, b.data, b.len), AT_OK);
	assert_int_equal(ctl_decode_hdr(&in, &h, &err), AT_E_INPUT);
	assert_non_null(strstr(err.msg, "version 9"));
	/* A name longer than its field is refused by the encoder. */
	memset(m.jobname, 'A', sizeof(m.jobname));
	at_buf_reset(&b);
	assert_int_equal(ctl_encode_map(&b, 1, &m, &err), AT_E_INPUT);
	assert_int_equal(b.len, 0);
	at_buf_free(&b);
	at_buf_free(&in);
}

static void
test_fds_travel(void **state)
{
	struct ctl_map m, back;
	struct at_buf out, in;
	struct ctl_hdr h;
	struct at_err err;
	int sp[2], pipefd[2], got[CTL_MAX_FDS], fds[2];
	size_t n;
	char c = 0;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp), 0);
	assert_int_equal(pipe(pipefd), 0);
	sample_map(&m);
	at_buf_init(&out, CTL_MSG_MAX);
	at_buf_init(&in, CTL_MSG_MAX);
	assert_int_equal(ctl_encode_map(&out, 5, &m, &err), AT_OK);
	fds[0] = pipefd[0];
	fds[1] = pipefd[1];
	assert_int_equal(ctl_send(sp[0], &out, fds, 2, &err), AT_OK);
	assert_int_equal(ctl_recv(sp[1], &in, got, &n, 1000, &err), AT_OK);
	assert_int_equal(n, 2);
	assert_int_equal(ctl_decode_hdr(&in, &h, &err), AT_OK);
	assert_int_equal(h.cookie, 5);
	assert_int_equal(ctl_decode_map(&in, &back, &err), AT_OK);
	assert_string_equal(back.jobname, "USER1GET");
	/* The received descriptors are the same pipe, close-on-exec. */
	assert_int_equal(write(got[1], "x", 1), 1);
	assert_int_equal(read(pipefd[0], &c, 1), 1);
	assert_int_equal(c, 'x');
	assert_true((fcntl(got[0], F_GETFD) & FD_CLOEXEC) != 0);
	/* Nothing more to read: a timeout, not a hang. */
	assert_int_equal(ctl_recv(sp[1], &in, got + 0, &n, 50, &err), AT_E_BUSY);
	close(sp[0]);
	assert_int_equal(ctl_recv(sp[1], &in, got + 0, &n, 1000, &err), AT_E_IO);
	assert_non_null(strstr(err.msg, "closed"));
	close(sp[1]);
	close(pipefd[0]);
	close(pipefd[1]);
	close(got[0]);
	close(got[1]);
	at_buf_free(&out);
	at_buf_free(&in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_round_trip),
		cmocka_unit_test(test_other_round_trips),
		cmocka_unit_test(test_view_round_trip),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_fds_travel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
