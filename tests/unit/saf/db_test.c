/*
 * db_test.c - the database layer: creation, schema versions, refusal of
 * foreign files, locking, concurrent writers and crash safety.
 */
#include "saf_fixture.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

static void
test_create_mode_and_schema(void **state)
{
	struct fx f;
	struct stat sb;
	int version = 0;
	uint64_t gen = 7;

	(void)state;
	fx_dir(&f);
	assert_int_equal(saf_db_open(f.path, 0, &f.db, &f.err), AT_E_NOTFOUND);
	assert_null(f.db);
	FX_OK(&f, saf_db_open(f.path, SAF_DB_CREATE, &f.db, &f.err));
	assert_int_equal(stat(f.path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	FX_OK(&f, saf_db_schema_version(f.db, &version, &f.err));
	assert_int_equal(version, SAF_DB_SCHEMA_VERSION);
	FX_OK(&f, saf_db_generation(f.db, "FACILITY", &gen, &f.err));
	assert_int_equal(gen, 0);
	assert_int_equal(saf_db_generation(f.db, "NOSUCH", &gen, &f.err),
	    AT_E_NOTFOUND);
	saf_db_close(f.db);
	/* reopening applies nothing and keeps the data */
	FX_OK(&f, saf_db_open(f.path, 0, &f.db, &f.err));
	FX_OK(&f, saf_db_schema_version(f.db, &version, &f.err));
	assert_int_equal(version, SAF_DB_SCHEMA_VERSION);
	saf_db_close(f.db);
	/* a database others may write is refused */
	assert_int_equal(chmod(f.path, 0666), 0);
	assert_int_equal(saf_db_open(f.path, 0, &f.db, &f.err), AT_E_INPUT);
	assert_non_null(strstr(f.err.msg, "chmod 600"));
	assert_int_equal(chmod(f.path, 0600), 0);
	fx_rmdir(f.dir);
}

/* open and expect a refusal whose message holds `what` */
static void
refused(struct fx *f, const char *what)
{
	assert_int_equal(saf_db_open(f->path, 0, &f->db, &f->err), AT_E_INPUT);
	assert_null(f->db);
	assert_non_null(strstr(f->err.msg, what));
}

/*
 * A readable database gave away PassTicket keys: group or other access to
 * the file or a companion, a directory others can write, a symlink: all
 * refused, each with a message that says what to fix.
 */
static void
test_permissions_refused(void **state)
{
	struct fx f;
	char side[600], link[600];
	int fd;

	(void)state;
	fx_dir(&f);
	FX_OK(&f, saf_db_open(f.path, SAF_DB_CREATE, &f.db, &f.err));
	saf_db_close(f.db);
	f.db = NULL;
	assert_int_equal(chmod(f.path, 0644), 0);
	refused(&f, "chmod 600");
	assert_int_equal(chmod(f.path, 0640), 0);
	refused(&f, "mode 0640");
	assert_int_equal(chmod(f.path, 0604), 0);
	refused(&f, "group and others must have no access");
	assert_int_equal(chmod(f.path, 0600), 0);
	/* the directory */
	assert_int_equal(chmod(f.dir, 0777), 0);
	refused(&f, "writable by group or others");
	assert_int_equal(chmod(f.dir, 0770), 0);
	refused(&f, "chmod go-w");
	assert_int_equal(chmod(f.dir, 0755), 0);
	FX_OK(&f, saf_db_open(f.path, 0, &f.db, &f.err));
	saf_db_close(f.db);
	f.db = NULL;
	assert_int_equal(chmod(f.dir, 0700), 0);
	/* a readable -wal companion (planted or loosened) */
	(void)snprintf(side, sizeof(side), "%s-wal", f.path);
	(void)unlink(side);
	fd = open(side, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(fchmod(fd, 0644), 0);
	(void)close(fd);
	refused(&f, "-wal has mode 0644");
	assert_int_equal(unlink(side), 0);
	/* a symlink to a good database is still not the database */
	(void)snprintf(link, sizeof(link), "%s/link.db", f.dir);
	assert_int_equal(symlink(f.path, link), 0);
	assert_int_equal(saf_db_open(link, 0, &f.db, &f.err), AT_E_INPUT);
	assert_non_null(strstr(f.err.msg, "symbolic link"));
	assert_int_equal(unlink(link), 0);
	/* and the companions SQLite makes are 0600 too */
	FX_OK(&f, saf_db_open(f.path, 0, &f.db, &f.err));
	{
		struct stat sb;

		assert_int_equal(stat(side, &sb), 0);
		assert_int_equal(sb.st_mode & 0777, 0600);
		(void)snprintf(side, sizeof(side), "%s-shm", f.path);
		assert_int_equal(stat(side, &sb), 0);
		assert_int_equal(sb.st_mode & 0777, 0600);
	}
	saf_db_close(f.db);
	fx_rmdir(f.dir);
}

static void
test_env_path(void **state)
{
	struct fx f;
	struct stat sb;

	(void)state;
	fx_dir(&f);
	assert_int_equal(setenv(SAF_DB_ENV, f.path, 1), 0);
	FX_OK(&f, saf_db_open(NULL, SAF_DB_CREATE, &f.db, &f.err));
	assert_string_equal(saf_db_path(f.db), f.path);
	assert_int_equal(stat(f.path, &sb), 0);
	saf_db_close(f.db);
	assert_int_equal(unsetenv(SAF_DB_ENV), 0);
	fx_rmdir(f.dir);
}

static void
test_newer_schema_refused(void **state)
{
	struct fx f;

	(void)state;
	fx_dir(&f);
	FX_OK(&f, saf_db_open(f.path, SAF_DB_CREATE, &f.db, &f.err));
	assert_int_equal(sqlite3_exec(saf_db_sqlite(f.db),
	    "UPDATE saf_schema SET version = 99", NULL, NULL, NULL), SQLITE_OK);
	saf_db_close(f.db);
	assert_int_equal(saf_db_open(f.path, SAF_DB_CREATE, &f.db, &f.err),
	    AT_E_INPUT);
	assert_null(f.db);
	assert_non_null(strstr(f.err.msg, "newer"));
	fx_rmdir(f.dir);
}

static void
test_foreign_files_refused(void **state)
{
	struct fx f;
	sqlite3 *raw = NULL;
	FILE *fp;
	int i;

	(void)state;
	fx_dir(&f);
	fp = fopen(f.path, "w");
	assert_non_null(fp);
	for (i = 0; i < 512; i++)
		fputs("this is not a database. ", fp);
	fclose(fp);
	assert_int_equal(chmod(f.path, 0600), 0);
	assert_int_equal(saf_db_open(f.path, SAF_DB_CREATE, &f.db, &f.err),
	    AT_E_INPUT);
	assert_non_null(strstr(f.err.msg, "not a security database"));
	assert_int_equal(unlink(f.path), 0);
	/* an SQLite database of something else */
	assert_int_equal(sqlite3_open(f.path, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, "CREATE TABLE t (x)", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(raw);
	assert_int_equal(chmod(f.path, 0600), 0);
	assert_int_equal(saf_db_open(f.path, SAF_DB_CREATE, &f.db, &f.err),
	    AT_E_INPUT);
	assert_non_null(strstr(f.err.msg, "no saf_schema"));
	/* a directory */
	assert_int_equal(saf_db_open(f.dir, SAF_DB_CREATE, &f.db, &f.err),
	    AT_E_INPUT);
	fx_rmdir(f.dir);
}

static void
test_corrupt_file_refused(void **state)
{
	struct fx f;
	struct saf_user u;
	char junk[4096];
	int fd;
	enum at_rc rc;

	(void)state;
	fx_dir(&f);
	FX_OK(&f, saf_db_open(f.path, SAF_DB_CREATE, &f.db, &f.err));
	FX_OK(&f, saf_bootstrap_admin(f.db, 1, "admin", &f.err));
	saf_db_close(f.db);
	/* overwrite every page after the header page with junk */
	memset(junk, 0xA5, sizeof(junk));
	fd = open(f.path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, junk, sizeof(junk), 4096),
	    (ssize_t)sizeof(junk));
	assert_int_equal(pwrite(fd, junk, sizeof(junk), 8192),
	    (ssize_t)sizeof(junk));
	close(fd);
	rc = saf_db_open(f.path, 0, &f.db, &f.err);
	if (rc == AT_OK) {
		rc = saf_user_get(f.db, "ADMIN", &u, &f.err);
		saf_db_close(f.db);
	}
	assert_int_not_equal(rc, AT_OK);
	assert_true(strlen(f.err.msg) > 0);
	fx_rmdir(f.dir);
}

static void
test_txn_contract(void **state)
{
	struct fx *f = fx_new();
	struct saf_group g;

	(void)state;
	assert_int_equal(saf_group_add(f->db, &f->admin, "G1", NULL, &f->err),
	    AT_E_INTERNAL);
	fx_begin(f);
	assert_int_equal(saf_db_begin(f->db, &f->err), AT_E_INTERNAL);
	FX_OK(f, saf_group_add(f->db, &f->admin, "G1", NULL, &f->err));
	saf_db_rollback(f->db);
	assert_int_equal(saf_group_get(f->db, "G1", &g, &f->err),
	    AT_E_NOTFOUND);
	fx_free(f);
}

static void
test_generation_only_on_refresh(void **state)
{
	struct fx *f = fx_new();
	uint64_t g0 = 0, g1 = 0, g2 = 0;

	(void)state;
	fx_class(f, "FACILITY", true, true);
	FX_OK(f, saf_db_generation(f->db, "FACILITY", &g0, &f->err));
	fx_rdef(f, "FACILITY", "X.Y", SAF_ACC_NONE);
	fx_permit(f, "FACILITY", "X.Y", "ADMIN", SAF_ACC_READ);
	FX_OK(f, saf_db_generation(f->db, "FACILITY", &g1, &f->err));
	assert_int_equal(g0, g1);
	fx_begin(f);
	FX_OK(f, saf_setropts_refresh(f->db, &f->admin, "FACILITY", &f->err));
	fx_commit(f);
	FX_OK(f, saf_db_generation(f->db, "FACILITY", &g2, &f->err));
	assert_int_equal(g2, g1 + 1);
	/* refresh of a class that is not RACLISTed is refused */
	fx_begin(f);
	assert_int_equal(saf_setropts_refresh(f->db, &f->admin, "DSNR",
	    &f->err), AT_E_INPUT);
	saf_db_rollback(f->db);
	fx_free(f);
}

static void
test_busy_timeout(void **state)
{
	struct fx *f = fx_new();
	struct saf_db *other = NULL;
	struct timespec a, b;
	enum at_rc rc;

	(void)state;
	FX_OK(f, saf_db_open(f->path, 0, &other, &f->err));
	fx_begin(f);
	clock_gettime(CLOCK_MONOTONIC, &a);
	rc = saf_db_begin(other, &f->err);
	clock_gettime(CLOCK_MONOTONIC, &b);
	assert_int_equal(rc, AT_E_BUSY);
	assert_non_null(strstr(f->err.msg, "locked"));
	assert_true(b.tv_sec - a.tv_sec >= SAF_DB_BUSY_MS / 1000 - 1);
	/* readers are not blocked by the writer (WAL) */
	{
		struct saf_user u;

		FX_OK(f, saf_user_get(other, "ADMIN", &u, &f->err));
	}
	saf_db_rollback(f->db);
	saf_db_close(other);
	fx_free(f);
}

#define WRITERS 4
#define PER_WRITER 20

/* One writer process: PER_WRITER transactions of group + user + connect. */
static int
writer(const char *path, int id)
{
	struct saf_db *db = NULL;
	struct saf_actor admin;
	struct saf_user_change uc;
	struct at_err err;
	char g[9], u[9];
	int i;

	if (saf_db_open(path, 0, &db, &err) != AT_OK)
		return 10;
	if (saf_actor_load(db, "ADMIN", &admin, &err) != AT_OK)
		return 11;
	for (i = 0; i < PER_WRITER; i++) {
		(void)snprintf(g, sizeof(g), "G%dN%d", id, i);
		(void)snprintf(u, sizeof(u), "U%dN%d", id, i);
		memset(&uc, 0, sizeof(uc));
		uc.set = SAF_UC_DFLTGRP;
		uc.dfltgrp = g;
		if (saf_db_begin(db, &err) != AT_OK ||
		    saf_group_add(db, &admin, g, NULL, &err) != AT_OK ||
		    saf_user_add(db, &admin, u, &uc, &err) != AT_OK ||
		    saf_db_commit(db, &err) != AT_OK) {
			fprintf(stderr, "writer %d: %s\n", id, err.msg);
			return 12;
		}
	}
	saf_db_close(db);
	return 0;
}

static int64_t
count(struct fx *f, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t n = -1;

	assert_int_equal(saf_db_prepare(f->db, sql, &st, &f->err), AT_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void
assert_consistent(struct fx *f)
{
	sqlite3_stmt *st = NULL;

	assert_int_equal(saf_db_prepare(f->db, "PRAGMA integrity_check", &st,
	    &f->err), AT_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	/* every user has its default group and its connection */
	assert_int_equal(count(f, "SELECT count(*) FROM users u WHERE NOT "
	    "EXISTS (SELECT 1 FROM connects c WHERE c.user = u.name AND "
	    "c.grp = u.dfltgrp)"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM groups g WHERE "
	    "g.name LIKE 'G%N%' AND NOT EXISTS (SELECT 1 FROM users u WHERE "
	    "u.dfltgrp = g.name)"), 0);
}

static void
test_concurrent_writers(void **state)
{
	struct fx *f = fx_new();
	pid_t pids[WRITERS];
	int i, status;

	(void)state;
	for (i = 0; i < WRITERS; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0)
			_exit(writer(f->path, i));
	}
	for (i = 0; i < WRITERS; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(count(f, "SELECT count(*) FROM users"),
	    1 + WRITERS * PER_WRITER);
	assert_consistent(f);
	fx_free(f);
}

/* Writes forever, one committed transaction after another, plus one
 * long uncommitted one; tells the parent when it has started. */
static void
endless_writer(const char *path, int fd)
{
	struct saf_db *db = NULL;
	struct saf_actor admin;
	struct saf_user_change uc;
	struct at_err err;
	char g[9], u[9];
	int i;

	if (saf_db_open(path, 0, &db, &err) != AT_OK ||
	    saf_actor_load(db, "ADMIN", &admin, &err) != AT_OK)
		_exit(1);
	for (i = 0;; i++) {
		(void)snprintf(g, sizeof(g), "G9N%d", i % 100000);
		(void)snprintf(u, sizeof(u), "U9N%d", i % 100000);
		memset(&uc, 0, sizeof(uc));
		uc.set = SAF_UC_DFLTGRP;
		uc.dfltgrp = g;
		if (saf_db_begin(db, &err) != AT_OK ||
		    saf_group_add(db, &admin, g, NULL, &err) != AT_OK ||
		    saf_user_add(db, &admin, u, &uc, &err) != AT_OK)
			_exit(2);
		if (i == 5 && write(fd, "x", 1) != 1)
			_exit(3);
		if (saf_db_commit(db, &err) != AT_OK)
			_exit(4);
	}
}

static void
test_concurrent_creators(void **state)
{
	struct fx f;
	pid_t pids[WRITERS];
	int i, status, version = 0;

	(void)state;
	fx_dir(&f);
	for (i = 0; i < WRITERS; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			struct saf_db *db = NULL;
			struct at_err err;

			if (saf_db_open(f.path, SAF_DB_CREATE, &db, &err) !=
			    AT_OK) {
				fprintf(stderr, "creator %d: %s\n", i, err.msg);
				_exit(1);
			}
			if (saf_bootstrap_admin(db, 100 + (uid_t)i, "ADMIN",
			    &err) != AT_OK) {
				fprintf(stderr, "creator %d: %s\n", i, err.msg);
				_exit(2);
			}
			saf_db_close(db);
			_exit(0);
		}
	}
	for (i = 0; i < WRITERS; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	FX_OK(&f, saf_db_open(f.path, 0, &f.db, &f.err));
	FX_OK(&f, saf_db_schema_version(f.db, &version, &f.err));
	assert_int_equal(version, SAF_DB_SCHEMA_VERSION);
	assert_int_equal(count(&f, "SELECT count(*) FROM users"), 1);
	saf_db_close(f.db);
	fx_rmdir(f.dir);
}

static void
test_crash_mid_transaction(void **state)
{
	struct fx *f = fx_new();
	struct saf_db *again = NULL;
	int pfd[2], status;
	char c;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pfd[0]);
		endless_writer(f->path, pfd[1]);
	}
	close(pfd[1]);
	assert_int_equal(read(pfd[0], &c, 1), 1);
	{
		struct timespec ts = { 0, 20000000 };

		(void)nanosleep(&ts, NULL);
	}
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	close(pfd[0]);
	assert_consistent(f);
	assert_true(count(f, "SELECT count(*) FROM users") >= 6);
	/* a fresh open recovers the WAL and can write */
	FX_OK(f, saf_db_open(f->path, 0, &again, &f->err));
	saf_db_close(again);
	fx_group(f, "AFTER");
	fx_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_mode_and_schema),
		cmocka_unit_test(test_permissions_refused),
		cmocka_unit_test(test_env_path),
		cmocka_unit_test(test_newer_schema_refused),
		cmocka_unit_test(test_foreign_files_refused),
		cmocka_unit_test(test_corrupt_file_refused),
		cmocka_unit_test(test_txn_contract),
		cmocka_unit_test(test_generation_only_on_refresh),
		cmocka_unit_test(test_busy_timeout),
		cmocka_unit_test(test_concurrent_writers),
		cmocka_unit_test(test_concurrent_creators),
		cmocka_unit_test(test_crash_mid_transaction),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
