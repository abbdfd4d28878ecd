/*
 * config_test.c - the main configuration: TcpImage/PEPInstance, image
 * files, TTLSConfig (last wins), CommonTTLSConfig (loaded first),
 * LogLevel, relative paths, MVS data set names, and a main file that holds
 * the policy itself.  Files live in a fresh temporary directory.
 */
#include <stdlib.h>
#include <unistd.h>

#include "policy_cases.h"

static char dir[256];

static void
put_file(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	assert_true((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) < sizeof(path));
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

static int
setup(void **state)
{
	const char *tmp = getenv("TMPDIR");

	(void)state;
	if ((size_t)snprintf(dir, sizeof(dir), "%s/policy-config-XXXXXX",
	    tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp") >= sizeof(dir))
		return -1;
	if (mkdtemp(dir) == NULL)
		return -1;
	put_file("common.policy", BASE_ACTIONS);
	put_file("stack.policy", RULE("stackrule", " Direction Inbound\n LocalPortRange 443"));
	put_file("other.policy", RULE("otherrule", " Direction Inbound\n LocalPortRange 80"));
	put_file("image.conf", "TTLSConfig other.policy\nTTLSConfig stack.policy FLUSH PURGE\n");
	return 0;
}

static int
teardown(void **state)
{
	static const char *const files[] = { "common.policy", "stack.policy", "other.policy",
		"image.conf", "pagent.conf", NULL };
	char path[512];
	size_t i;

	(void)state;
	for (i = 0; files[i] != NULL; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, files[i]) < sizeof(path))
			(void)unlink(path);
	}
	return rmdir(dir) == 0 ? 0 : -1;
}

struct ccase {
	const char *name;
	const char *conf;        /* pagent.conf */
	const char *image;       /* opts.image */
	enum at_rc want_rc;
	const char *want_rule;   /* first rule's name on success */
	const char *want_msg;    /* a diagnostic (any severity) */
	unsigned want_loglevel;
};

static const struct ccase cases[] = {
	/* 0 */ { "main file is the image file",
	  "LogLevel 255\nCommonTTLSConfig common.policy\nTcpImage TCPIP1 FLUSH PURGE 600\n"
	  "TTLSConfig stack.policy\n", NULL, AT_OK, "stackrule", NULL, 255 },
	{ "separate image file, TTLSConfig last wins",
	  "CommonTTLSConfig common.policy\nTcpImage TCPIP1 image.conf FLUSH\n", NULL, AT_OK,
	  "stackrule", "TTLSConfig given again", 31 },
	{ "PEPInstance synonym and image choice",
	  "CommonTTLSConfig common.policy\nPEPInstance TCPIPA image.conf\nTcpImage TCPIPB\n"
	  "TTLSConfig other.policy\n", "TCPIPB", AT_OK, "otherrule", NULL, 31 },
	{ "TTLSConfig in main ignored when the image is elsewhere",
	  "CommonTTLSConfig common.policy\nTcpImage TCPIP1 image.conf\nTTLSConfig other.policy\n",
	  NULL, AT_OK, "stackrule", "TTLSConfig in the main configuration is ignored", 31 },
	{ "no TcpImage: the main file is the image",
	  "CommonTTLSConfig common.policy\nTTLSConfig stack.policy\n", NULL, AT_OK, "stackrule",
	  NULL, 31 },
	/* 5 */ { "policy statements in the main file",
	  "LogLevel 7\n" BASE_ACTIONS RULE("inmain", " Direction Outbound\n RemotePortRange 1"),
	  NULL, AT_OK, "inmain", NULL, 7 },
	{ "MVS data set name",
	  "TcpImage TCPIP1\nTTLSConfig //'SYS1.TCPPARMS(TTLS)'\n", NULL, AT_E_INPUT, NULL,
	  "is an MVS data set name; name a Linux file path instead", 0 },
	{ "missing policy file", "TTLSConfig nothere.policy\n", NULL, AT_E_INPUT, NULL,
	  "nothere.policy", 0 },
	{ "unknown image", "TcpImage TCPIP1\n", "TCPIP9", AT_E_INPUT, NULL,
	  "no TcpImage named 'TCPIP9'", 0 },
	{ "bad LogLevel", "LogLevel lots\n", NULL, AT_E_INPUT, NULL, "LogLevel takes one number", 0 },
	/* 10 */ { "bad TcpImage flag", "TcpImage TCPIP1 image.conf SOMETIMES\n", NULL, AT_E_INPUT,
	  NULL, "TcpImage: unexpected 'SOMETIMES'", 0 },
	{ "bad interval", "TcpImage TCPIP1 image.conf 0\n", NULL, AT_E_INPUT, NULL,
	  "interval: 0 is out of range", 0 },
	{ "CommonTTLSConfig without a path", "CommonTTLSConfig\n", NULL, AT_E_INPUT, NULL,
	  "CommonTTLSConfig takes one file path", 0 },
	{ "TcpImage without a name", "TcpImage\n", NULL, AT_E_INPUT, NULL,
	  "TcpImage needs a stack name", 0 },
	/* 15 */ { "too many values", "TcpImage a b FLUSH PURGE 5 6 7\n", NULL, AT_E_INPUT, NULL,
	  "too many values for a configuration statement", 0 },
	{ "TcpImage naming the main file itself",
	  "CommonTTLSConfig common.policy\nTcpImage TCPIP1 pagent.conf\nTTLSConfig stack.policy\n",
	  NULL, AT_OK, "stackrule", NULL, 31 },
	{ "TTLSConfig with no path: common policies only",
	  "CommonTTLSConfig common.policy\nTTLSConfig\n", NULL, AT_OK, NULL, NULL, 31 },
};

static bool
any_diag(const struct policy_diags *d, const char *msg)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strstr(d->v[i].msg, msg) != NULL)
			return true;
	return false;
}

static void
test_cases(void **state)
{
	char conf[512];
	size_t i;

	(void)state;
	assert_true((size_t)snprintf(conf, sizeof(conf), "%s/pagent.conf", dir) < sizeof(conf));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct ccase *c = &cases[i];
		struct policy_load_opts o;
		struct policy_diags d;
		struct policy_set *set = NULL;
		struct at_err err;
		enum at_rc rc;
		bool good;

		put_file("pagent.conf", c->conf);
		memset(&o, 0, sizeof(o));
		o.config_path = conf;
		o.image = c->image;
		policy_diags_init(&d);
		rc = policy_set_load(&o, &set, &d, &err);
		good = rc == c->want_rc;
		if (good && c->want_msg != NULL)
			good = any_diag(&d, c->want_msg);
		if (good && rc == AT_OK) {
			good = policy_set_log_level(set) == c->want_loglevel;
			if (c->want_rule != NULL)
				good = good && policy_set_rule_count(set) == 1 &&
				    strcmp(policy_set_rule(set, 0)->name, c->want_rule) == 0;
			else
				good = good && policy_set_rule_count(set) == 0;
		}
		if (!good) {
			print_message("case %zu (%s): rc %d want %d (%s)\n", i, c->name, (int)rc,
			    (int)c->want_rc, err.msg);
			dump_diags(&d);
			fail();
		}
		policy_set_free(set);
		policy_diags_free(&d);
	}
}

static void
test_load_errors(void **state)
{
	struct policy_load_opts o;
	struct policy_diags d;
	struct policy_set *set = NULL;
	struct at_err err;
	const char *paths[1] = { "/nonexistent/policy/file" };

	(void)state;
	memset(&o, 0, sizeof(o));
	policy_diags_init(&d);
	assert_int_equal(policy_set_load(&o, &set, &d, &err), AT_E_INPUT);
	o.policy_paths = paths;
	o.npolicy = 1;
	assert_int_equal(policy_set_load(&o, &set, &d, &err), AT_E_IO);
	assert_non_null(strstr(err.msg, "/nonexistent/policy/file"));
	o.npolicy = 0;
	o.config_path = dir; /* a directory */
	assert_int_equal(policy_set_load(&o, &set, &d, &err), AT_E_IO);
	assert_null(set);
	policy_diags_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_load_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
