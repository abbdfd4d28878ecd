/*
 * log_test.c - no value can forge or hide a log line: control characters,
 * C1 controls and bytes that are not UTF-8 come out as \xHH, a backslash
 * as \\, and valid UTF-8 unchanged; attlsd_log writes exactly one line
 * whatever the values hold.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/log.h"

static void
expect_escape(const char *in, size_t len, const char *want)
{
	char out[256];
	size_t n = attlsd_log_escape(in, len, out, sizeof(out));

	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
}

static void
test_controls(void **state)
{
	(void)state;
	expect_escape("EVIL\nEZZ8771I forged", 20, "EVIL\\x0AEZZ8771I forged");
	expect_escape("a\rb\tc\x1b[2Jd\x7f", 11, "a\\x0Db\\x09c\\x1B[2Jd\\x7F");
	expect_escape("back\\slash", 10, "back\\\\slash");
	expect_escape("\\x0A", 4, "\\\\x0A");
}

static void
test_utf8(void **state)
{
	(void)state;
	/* Valid UTF-8 is kept: e-acute, the euro sign, an emoji. */
	expect_escape("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91", 14,
	    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91");
	/* NEL (U+0085) and the other C1 controls are escaped. */
	expect_escape("a\xc2\x85z", 4, "a\\xC2\\x85z");
	/* Lone continuation, overlong '/', surrogate, past U+10FFFF, cut. */
	expect_escape("\x80", 1, "\\x80");
	expect_escape("\xc0\xaf", 2, "\\xC0\\xAF");
	expect_escape("\xed\xa0\x80", 3, "\\xED\\xA0\\x80");
	expect_escape("\xf4\x90\x80\x80", 4, "\\xF4\\x90\\x80\\x80");
	expect_escape("\xe2\x82", 2, "\\xE2\\x82");
}

static void
test_truncation(void **state)
{
	char out[8];

	(void)state;
	/* "ab" fits, the escape for \n (4 bytes) would not after "abcd". */
	assert_int_equal(attlsd_log_escape("abcd\nef", 7, out, sizeof(out)), 4);
	assert_string_equal(out, "abcd");
	assert_int_equal(attlsd_log_escape("a\xc3\xa9\xc3\xa9\xc3\xa9x", 8, out, 6), 5);
	assert_string_equal(out, "a\xc3\xa9\xc3\xa9");
}

/* The whole sink: what reaches standard error is one line. */
static void
test_one_line(void **state)
{
	char path[] = "/tmp/attls-log-test.XXXXXX", buf[4096];
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);
	ssize_t n;
	char *nl;

	(void)state;
	assert_true(fd >= 0 && saved >= 0);
	assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	attlsd_log_open(true, false);
	attlsd_log(LOG_INFO, false, "EZD1281I TTLS Map JOBNAME: %s USERID: %s",
	    "EV\nEZZ8771I attlsd: forged", "U\r\x1b");
	assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	(void)close(saved);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	(void)close(fd);
	(void)unlink(path);
	assert_true(n > 0);
	buf[n] = '\0';
	nl = strchr(buf, '\n');
	assert_non_null(nl);
	assert_int_equal(nl - buf, n - 1);
	assert_non_null(strstr(buf, "JOBNAME: EV\\x0AEZZ8771I attlsd: forged USERID: U\\x0D\\x1B"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_one_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
