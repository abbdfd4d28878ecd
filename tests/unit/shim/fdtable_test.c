/*
 * fdtable_test.c - the shim's descriptor table keeps every field, ignores
 * numbers out of range, forgets on clear, updates flags only for the same
 * socket, and stays consistent while readers race a writer; and the
 * address conversions answer in the socket's own family.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "shim/fdtable.h"
#include "shim/shim.h"

static void
sample(struct shim_fd_info *in, uint32_t n)
{
	memset(in, 0, sizeof(*in));
	in->state = SHIM_FD_PROTECTED;
	in->flags = SHIM_FDF_CONNECTING;
	in->sock_family = AF_INET6;
	in->conn_id = n;
	in->scope_id = n + 1;
	in->ino = 0x1122334455667788ull + n;
	in->addrs.family = AF_INET6;
	in->addrs.lport = (uint16_t)n;
	in->addrs.rport = (uint16_t)(n + 2);
	memset(in->addrs.laddr, (int)(n & 0xff), 16);
	memset(in->addrs.raddr, (int)((n + 1) & 0xff), 16);
}

static void
test_roundtrip(void **state)
{
	struct shim_fd_info in, out;

	(void)state;
	sample(&in, 7);
	shim_fd_set(5, &in);
	assert_true(shim_fd_get(5, &out));
	assert_memory_equal(&in, &out, sizeof(in));
	assert_false(shim_fd_get(6, &out));
	assert_int_equal(out.state, SHIM_FD_NONE);

	shim_fd_update_flags(5, in.ino + 1, SHIM_FDF_NODELAY, 0);
	assert_true(shim_fd_get(5, &out));
	assert_int_equal(out.flags, SHIM_FDF_CONNECTING);
	shim_fd_update_flags(5, in.ino, SHIM_FDF_NODELAY, SHIM_FDF_CONNECTING);
	assert_true(shim_fd_get(5, &out));
	assert_int_equal(out.flags, SHIM_FDF_NODELAY);

	shim_fd_clear(5);
	assert_false(shim_fd_get(5, &out));
	shim_fd_clear(5);
	shim_fd_update_flags(5, in.ino, SHIM_FDF_NODELAY, 0);
	assert_false(shim_fd_get(5, &out));
}

/* What the shim asks attlsd on for SecondaryMap: a protected connection of
 * this process between the same two addresses, in that order. */
static void
test_protected_pair(void **state)
{
	struct shim_fd_info in;

	(void)state;
	sample(&in, 200);
	assert_false(shim_fd_protected_pair(in.addrs.laddr, in.addrs.raddr));
	shim_fd_set(3000, &in);
	assert_true(shim_fd_protected_pair(in.addrs.laddr, in.addrs.raddr));
	assert_false(shim_fd_protected_pair(in.addrs.raddr, in.addrs.laddr));
	in.state = SHIM_FD_APPLCTL;
	shim_fd_set(3000, &in);
	assert_false(shim_fd_protected_pair(in.addrs.laddr, in.addrs.raddr));
	in.state = SHIM_FD_PROTECTED;
	shim_fd_set(3000, &in);
	shim_fd_clear(3000);
	assert_false(shim_fd_protected_pair(in.addrs.laddr, in.addrs.raddr));
}

static void
test_out_of_range(void **state)
{
	struct shim_fd_info in, out;

	(void)state;
	sample(&in, 1);
	shim_fd_set(-1, &in);
	shim_fd_set(SHIM_FD_MAX, &in);
	assert_false(shim_fd_get(-1, &out));
	assert_false(shim_fd_get(SHIM_FD_MAX, &out));
	shim_fd_clear(SHIM_FD_MAX);
	shim_fd_update_flags(-3, 0, 1, 0);
	shim_fd_set(SHIM_FD_MAX - 1, &in);
	assert_true(shim_fd_get(SHIM_FD_MAX - 1, &out));
	shim_fd_clear(SHIM_FD_MAX - 1);
}

static atomic_int stop;

static void *
writer(void *arg)
{
	struct shim_fd_info in;
	uint32_t n = 0;

	(void)arg;
	while (!stop) {
		sample(&in, n++ & 0xffff);
		shim_fd_set(9, &in);
	}
	return NULL;
}

static void
test_concurrent(void **state)
{
	struct shim_fd_info out, want;
	pthread_t t;
	int i;

	(void)state;
	stop = 0;
	assert_int_equal(pthread_create(&t, NULL, writer, NULL), 0);
	for (i = 0; i < 200000; i++) {
		if (!shim_fd_get(9, &out))
			continue;
		sample(&want, out.conn_id);
		assert_memory_equal(&out, &want, sizeof(out));
	}
	stop = 1;
	assert_int_equal(pthread_join(t, NULL), 0);
	shim_fd_clear(9);
}

static void
test_addr(void **state)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6, got6;
	struct sockaddr_in got4;
	socklen_t len;
	uint8_t a[16], fam;
	uint16_t port;
	uint32_t scope;

	(void)state;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(443);
	sin.sin_addr.s_addr = htonl(0x7f000001);
	assert_true(shim_addr_from_sockaddr((struct sockaddr *)&sin, sizeof(sin), a, &port,
	    &fam, &scope));
	assert_int_equal(fam, AF_INET);
	assert_int_equal(port, 443);
	assert_int_equal(a[10], 0xff);
	assert_int_equal(a[15], 1);
	assert_false(shim_addr_from_sockaddr((struct sockaddr *)&sin, sizeof(sin) - 1, a,
	    &port, &fam, &scope));

	/* An IPv4 peer of an AF_INET6 socket is reported v4-mapped. */
	len = sizeof(got6);
	shim_addr_to_sockaddr(AF_INET6, AF_INET, a, 443, 0, (struct sockaddr *)&got6, &len);
	assert_int_equal(len, sizeof(got6));
	assert_int_equal(got6.sin6_family, AF_INET6);
	assert_true(IN6_IS_ADDR_V4MAPPED(&got6.sin6_addr));
	len = sizeof(got4);
	shim_addr_to_sockaddr(AF_INET, AF_INET, a, 443, 0, (struct sockaddr *)&got4, &len);
	assert_int_equal(got4.sin_addr.s_addr, sin.sin_addr.s_addr);
	assert_int_equal(ntohs(got4.sin_port), 443);
	/* Truncated as the kernel truncates; the full length comes back. */
	len = 4;
	memset(&got4, 0, sizeof(got4));
	shim_addr_to_sockaddr(AF_INET, AF_INET, a, 443, 0, (struct sockaddr *)&got4, &len);
	assert_int_equal(len, sizeof(got4));
	assert_int_equal(got4.sin_addr.s_addr, 0);

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(8443);
	sin6.sin6_addr = in6addr_loopback;
	sin6.sin6_scope_id = 3;
	assert_true(shim_addr_from_sockaddr((struct sockaddr *)&sin6, sizeof(sin6), a, &port,
	    &fam, &scope));
	assert_int_equal(fam, AF_INET6);
	assert_int_equal(scope, 3);
	sin6.sin6_addr.s6_addr[10] = 0xff;
	sin6.sin6_addr.s6_addr[11] = 0xff;
	sin6.sin6_addr.s6_addr[15] = 0;
	assert_true(shim_addr_from_sockaddr((struct sockaddr *)&sin6, sizeof(sin6), a, &port,
	    &fam, &scope));
	assert_int_equal(fam, AF_INET);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_protected_pair),
		cmocka_unit_test(test_concurrent),
		cmocka_unit_test(test_addr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
