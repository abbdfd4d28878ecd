/* common_test.c - the shared helpers: errors, string views, numbers, buffers. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/num.h"
#include "common/str.h"

static void
test_err_setters(void **state)
{
	struct at_err err;
	enum at_rc rc;

	(void)state;
	at_err_clear(&err);
	assert_int_equal(err.rc, AT_OK);
	rc = at_err_setx(&err, AT_E_INPUT, "bad %s", "thing");
	assert_int_equal(rc, AT_E_INPUT);
	assert_string_equal(err.msg, "bad thing");
	errno = ENOENT;
	rc = at_err_set(&err, AT_E_IO, "open %s", "x");
	assert_int_equal(rc, AT_E_IO);
	assert_non_null(strstr(err.msg, "open x: "));
	assert_non_null(strstr(err.msg, "No such file"));
	assert_int_equal(errno, ENOENT);
	at_err_prefix(&err, "file %d", 3);
	assert_int_equal(strncmp(err.msg, "file 3: open x", 14), 0);
	assert_int_equal(at_err_setx(NULL, AT_E_DENIED, "ignored"), AT_E_DENIED);
}

static void
test_err_ssl_drains_queue(void **state)
{
	struct at_err err;

	(void)state;
	/* Put a real error on OpenSSL's queue, as a failing call would. */
	ERR_raise(ERR_LIB_EVP, EVP_R_UNSUPPORTED_CIPHER);
	assert_int_equal(at_err_ssl(&err, AT_E_TLS, "ctx"), AT_E_TLS);
	assert_int_equal(strncmp(err.msg, "ctx: ", 5), 0);
	assert_int_equal(ERR_peek_error(), 0);
}

static void
test_err_truncates(void **state)
{
	struct at_err err;
	char big[3000];

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	(void)at_err_setx(&err, AT_E_INPUT, "%s", big);
	assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1);
	assert_string_equal(err.msg + sizeof(err.msg) - 4, "...");
}

static void
test_str(void **state)
{
	char small[4];

	(void)state;
	assert_true(at_str_eq_ci(at_str_c("TTLSRule"), "ttlsrule"));
	assert_false(at_str_eq(at_str_c("TTLSRule"), "ttlsrule"));
	assert_true(at_str_has_prefix_ci(at_str_c("TTLSKeyringParmsRef"), "ttlskeyring"));
	assert_false(at_str_copy(small, sizeof(small), at_str_c("abcd")));
	assert_string_equal(small, "");
	assert_true(at_str_copy(small, sizeof(small), at_str_c("abc")));
	assert_string_equal(small, "abc");
	assert_int_equal(at_str_edit_distance_ci("TLSKeyringParms", "TTLSKeyringParms"), 1);
	assert_int_equal(at_str_edit_distance_ci("kitten", "sitting"), 3);
	assert_int_equal(at_str_edit_distance_ci("", "abc"), 3);
}

static void
test_num(void **state)
{
	struct at_err err;
	uint64_t v = 7;

	(void)state;
	assert_int_equal(at_parse_u64(at_str_c("2445"), 0, 65535, "port", &v, &err), AT_OK);
	assert_int_equal(v, 2445);
	assert_int_equal(at_parse_u64(at_str_c("65536"), 0, 65535, "port", &v, &err), AT_E_INPUT);
	assert_string_equal(err.msg, "port: 65536 is out of range (0 to 65535)");
	assert_int_equal(v, 2445);
	assert_int_equal(at_parse_u64(at_str_c(" 1"), 0, 9, "n", &v, &err), AT_E_INPUT);
	assert_int_equal(at_parse_u64(at_str_c("-1"), 0, 9, "n", &v, &err), AT_E_INPUT);
	assert_int_equal(at_parse_u64(at_str_c(""), 0, 9, "n", &v, &err), AT_E_INPUT);
	assert_int_equal(at_parse_u64(at_str_c("99999999999999999999999"), 0, UINT64_MAX,
	    "n", &v, &err), AT_E_INPUT);
	assert_int_equal(at_parse_hex_u64(at_str_c("C02f"), 0, 0xffff, "cipher", &v, &err), AT_OK);
	assert_int_equal(v, 0xc02f);
	assert_int_equal(at_parse_hex_u64(at_str_c("C02G"), 0, 0xffff, "cipher", &v, &err),
	    AT_E_INPUT);
}

static void
test_buf(void **state)
{
	struct at_buf b;
	uint32_t u32;
	uint16_t u16;
	uint8_t u8;
	char *taken;
	size_t n;

	(void)state;
	at_buf_init(&b, 10);
	assert_string_equal(at_buf_cstr(&b), "");
	assert_int_equal(at_buf_put_u8(&b, 1), AT_OK);
	assert_int_equal(at_buf_put_u16(&b, 0x0203), AT_OK);
	assert_int_equal(at_buf_put_u32(&b, 0x04050607), AT_OK);
	assert_int_equal(b.len, 7);
	assert_int_equal(at_buf_put_u32(&b, 1), AT_E_TOOBIG);
	assert_int_equal(b.len, 7);
	assert_int_equal(at_buf_get_u8(&b, &u8), AT_OK);
	assert_int_equal(u8, 1);
	assert_int_equal(at_buf_get_u16(&b, &u16), AT_OK);
	assert_int_equal(u16, 0x0203);
	assert_int_equal(at_buf_get_u32(&b, &u32), AT_OK);
	assert_int_equal(u32, 0x04050607);
	assert_int_equal(at_buf_get_u8(&b, &u8), AT_E_INPUT);
	at_buf_reset(&b);
	assert_int_equal(at_buf_printf(&b, "%s-%d", "ab", 12), AT_OK);
	assert_string_equal(at_buf_cstr(&b), "ab-12");
	assert_int_equal(at_buf_printf(&b, "%s", "123456"), AT_E_TOOBIG);
	assert_string_equal(at_buf_cstr(&b), "ab-12");
	taken = at_buf_take(&b, &n);
	assert_int_equal(n, 5);
	assert_string_equal(taken, "ab-12");
	free(taken);
	assert_null(b.data);
	b.secret = true;
	assert_int_equal(at_buf_append(&b, "key", 3), AT_OK);
	at_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_err_setters),
		cmocka_unit_test(test_err_ssl_drains_queue),
		cmocka_unit_test(test_err_truncates),
		cmocka_unit_test(test_str),
		cmocka_unit_test(test_num),
		cmocka_unit_test(test_buf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
