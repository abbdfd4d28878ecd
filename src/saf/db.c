/*
 * db.c - opening the security database, its schema versions, and the
 * transaction calls every mutating saf_* function relies on.
 */
#include "saf/db.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "saf/raclist.h"
#include "saf/schema.h"
#include "saf/schema_v2.h"
#include "saf/sqlutil.h"

struct saf_db {
	sqlite3 *sql;
	char *path;
	bool in_txn;
	bool readonly;
	struct saf_raclist *raclist; /* raclist.c's copies; owned */
};

/* Migrations: entry i brings a database at version i to version i + 1. */
static const char *const migrations[SAF_DB_SCHEMA_VERSION] = {
	SAF_SCHEMA_V1,
	SAF_SCHEMA_V2,
};

enum at_rc
saf_db_fail(struct saf_db *db, int sqlite_rc, const char *what,
    struct at_err *err)
{
	const char *detail = db != NULL && db->sql != NULL ?
	    sqlite3_errmsg(db->sql) : sqlite3_errstr(sqlite_rc);
	const char *path = db != NULL && db->path != NULL ? db->path : "";

	switch (sqlite_rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return at_err_setx(err, AT_E_BUSY,
		    "%s: the security database %s stayed locked by another "
		    "process for %d s; retry later", what, path,
		    SAF_DB_BUSY_MS / 1000);
	case SQLITE_CONSTRAINT:
		return at_err_setx(err, AT_E_EXISTS, "%s: %s", what, detail);
	case SQLITE_CORRUPT:
		return at_err_setx(err, AT_E_INPUT,
		    "%s: the security database %s is corrupt (%s); restore it "
		    "from a backup", what, path, detail);
	case SQLITE_NOTADB:
		return at_err_setx(err, AT_E_INPUT,
		    "%s: %s is not a security database (not an SQLite file)",
		    what, path);
	case SQLITE_NOMEM:
		return at_err_setx(err, AT_E_NOMEM, "%s: out of memory", what);
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_CANTOPEN:
		return at_err_setx(err, AT_E_IO,
		    "%s: cannot write or open %s: %s", what, path, detail);
	default:
		return at_err_setx(err, AT_E_IO, "%s: %s: %s", what, path,
		    detail);
	}
}

enum at_rc
saf_db_prepare(struct saf_db *db, const char *sql, sqlite3_stmt **stmt,
    struct at_err *err)
{
	int src;

	*stmt = NULL;
	src = sqlite3_prepare_v2(db->sql, sql, -1, stmt, NULL);
	if (src != SQLITE_OK) {
		sqlite3_finalize(*stmt);
		*stmt = NULL;
		return saf_db_fail(db, src, "reading the security database",
		    err);
	}
	saf_sql_forget(*stmt);
	return AT_OK;
}

enum at_rc
saf_db_exec(struct saf_db *db, const char *sql, struct at_err *err)
{
	int src = sqlite3_exec(db->sql, sql, NULL, NULL, NULL);

	if (src != SQLITE_OK)
		return saf_db_fail(db, src, "updating the security database",
		    err);
	return AT_OK;
}

static enum at_rc
resolve_path(const char *path, char **out, struct at_err *err)
{
	const char *p = path;

	*out = NULL;
	if (p == NULL || p[0] == '\0')
		p = getenv(SAF_DB_ENV);
	if (p == NULL || p[0] == '\0')
		p = SAF_DB_DEFAULT_PATH;
	if (strlen(p) > 4096)
		return at_err_setx(err, AT_E_INPUT,
		    "security database path is too long");
	*out = strdup(p);
	if (*out == NULL)
		return at_err_setx(err, AT_E_NOMEM, "out of memory");
	return AT_OK;
}

/*
 * Who may own the database, its companion files and its directory: the
 * account opening it, or root.  Anyone else could change the file under
 * us (or swap it), whatever its mode says.
 */
static bool
owner_ok(uid_t u)
{
	return u == geteuid() || u == 0;
}

/*
 * The directory holding path: owned as owner_ok says and not writable by
 * group or others (who could rename another database into place, or
 * plant a -wal file).
 */
static enum at_rc
check_dir(const char *path, struct at_err *err)
{
	char dir[4100];
	const char *slash = strrchr(path, '/');
	size_t n;
	struct stat sb;

	if (slash == NULL)
		(void)snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		(void)snprintf(dir, sizeof(dir), "/");
	else {
		n = (size_t)(slash - path);
		if (n >= sizeof(dir))
			return at_err_setx(err, AT_E_INPUT,
			    "security database path is too long");
		memcpy(dir, path, n);
		dir[n] = '\0';
	}
	if (stat(dir, &sb) != 0)
		return at_err_set(err, errno == ENOENT ? AT_E_NOTFOUND : AT_E_IO,
		    "cannot open the security database %s: its directory %s",
		    path, dir);
	if (!owner_ok(sb.st_uid))
		return at_err_setx(err, AT_E_INPUT, "the directory %s of the "
		    "security database is owned by uid %lu; it must belong to "
		    "root or to the account using the database", dir,
		    (unsigned long)sb.st_uid);
	if ((sb.st_mode & 022) != 0)
		return at_err_setx(err, AT_E_INPUT, "the directory %s of the "
		    "security database is writable by group or others (mode "
		    "%04o): they could replace the database; run chmod go-w on "
		    "it, or keep the database in a private directory", dir,
		    (unsigned)(sb.st_mode & 07777));
	return AT_OK;
}

/*
 * The database file or one of its companions (suffix "-wal", "-shm",
 * "-journal"): a regular file (not a symlink), owned as owner_ok says,
 * with no permission for group or others, because it holds password
 * hashes, PassTicket keys and private keys.  A missing companion is fine
 * (SQLite creates it with the database's mode and owner).
 */
static enum at_rc
check_file(const char *path, const char *suffix, struct at_err *err)
{
	char name[4200];
	struct stat sb;

	if ((size_t)snprintf(name, sizeof(name), "%s%s", path, suffix) >=
	    sizeof(name))
		return at_err_setx(err, AT_E_INPUT,
		    "security database path is too long");
	if (lstat(name, &sb) != 0) {
		if (errno == ENOENT && suffix[0] != '\0')
			return AT_OK;
		return at_err_set(err, errno == ENOENT ? AT_E_NOTFOUND :
		    AT_E_IO, "cannot open the security database %s", name);
	}
	if (!S_ISREG(sb.st_mode))
		return at_err_setx(err, AT_E_INPUT, "%s is not a regular file "
		    "(a symbolic link is not accepted for the security database)",
		    name);
	if (!owner_ok(sb.st_uid))
		return at_err_setx(err, AT_E_INPUT, "the security database file "
		    "%s is owned by uid %lu; it must belong to root or to the "
		    "account using it", name, (unsigned long)sb.st_uid);
	if ((sb.st_mode & 077) != 0)
		return at_err_setx(err, AT_E_INPUT, "the security database file "
		    "%s has mode %04o: group and others must have no access (it "
		    "holds password hashes, PassTicket keys and private keys); "
		    "run chmod 600 on it", name, (unsigned)(sb.st_mode & 07777));
	return AT_OK;
}

static enum at_rc
check_files(const char *path, struct at_err *err)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
	enum at_rc rc = AT_OK;
	size_t i;

	for (i = 0; rc == AT_OK && i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
		rc = check_file(path, suffixes[i], err);
	return rc;
}

/* Creates path mode 0600 if it does not exist (another creator may win). */
static enum at_rc
create_file(const char *path, struct at_err *err)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0) {
		if (errno == EEXIST)
			return AT_OK;
		return at_err_set(err, AT_E_IO,
		    "cannot create the security database %s", path);
	}
	(void)close(fd);
	return AT_OK;
}

static enum at_rc
read_version(struct saf_db *db, int *version, struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	enum at_rc rc;
	int src, ntables = 0, has_schema = 0;

	*version = 0;
	rc = saf_db_prepare(db, "SELECT count(*), "
	    "sum(name = 'saf_schema') FROM sqlite_master WHERE type = 'table'",
	    &st, err);
	if (rc != AT_OK)
		goto out;
	src = sqlite3_step(st);
	if (src != SQLITE_ROW) {
		rc = saf_db_fail(db, src, "reading the schema", err);
		goto out;
	}
	ntables = sqlite3_column_int(st, 0);
	has_schema = sqlite3_column_int(st, 1);
	sqlite3_finalize(st);
	st = NULL;
	if (ntables == 0)
		goto out;
	if (!has_schema) {
		rc = at_err_setx(err, AT_E_INPUT,
		    "%s is an SQLite database but not a security database "
		    "(it has no saf_schema table)", db->path);
		goto out;
	}
	rc = saf_db_prepare(db, "SELECT max(version) FROM saf_schema", &st,
	    err);
	if (rc != AT_OK)
		goto out;
	src = sqlite3_step(st);
	if (src != SQLITE_ROW) {
		rc = saf_db_fail(db, src, "reading the schema version", err);
		goto out;
	}
	*version = sqlite3_column_int(st, 0);
	if (*version < 1)
		rc = at_err_setx(err, AT_E_INPUT,
		    "%s has an empty schema version table", db->path);
out:
	sqlite3_finalize(st);
	return rc;
}

static enum at_rc
check_version(const struct saf_db *db, int version, struct at_err *err)
{
	if (version > SAF_DB_SCHEMA_VERSION)
		return at_err_setx(err, AT_E_INPUT,
		    "%s has schema version %d, newer than this program "
		    "understands (%d); use a newer attls", db->path, version,
		    SAF_DB_SCHEMA_VERSION);
	return AT_OK;
}

/* Applies the migrations from the stored version to the current one. */
static enum at_rc
migrate(struct saf_db *db, bool create, struct at_err *err)
{
	enum at_rc rc;
	int version = 0, v;
	char sql[64];

	rc = read_version(db, &version, err);
	if (rc != AT_OK || version == SAF_DB_SCHEMA_VERSION)
		return rc;
	rc = check_version(db, version, err);
	if (rc != AT_OK)
		return rc;
	if (version == 0 && !create)
		return at_err_setx(err, AT_E_NOTFOUND,
		    "%s is empty: create it first", db->path);
	rc = saf_db_begin(db, err);
	if (rc != AT_OK)
		return rc;
	/* Another process may have migrated while this one waited. */
	rc = read_version(db, &version, err);
	if (rc == AT_OK)
		rc = check_version(db, version, err);
	for (v = version; rc == AT_OK && v < SAF_DB_SCHEMA_VERSION; v++)
		rc = saf_db_exec(db, migrations[v], err);
	if (rc == AT_OK && version < SAF_DB_SCHEMA_VERSION) {
		(void)snprintf(sql, sizeof(sql),
		    "DELETE FROM saf_schema; INSERT INTO saf_schema VALUES (%d)",
		    SAF_DB_SCHEMA_VERSION);
		rc = saf_db_exec(db, sql, err);
	}
	if (rc == AT_OK)
		return saf_db_commit(db, err);
	saf_db_rollback(db);
	return rc;
}

static enum at_rc
configure(struct saf_db *db, struct at_err *err)
{
	enum at_rc rc;

	sqlite3_busy_timeout(db->sql, SAF_DB_BUSY_MS);
	(void)sqlite3_extended_result_codes(db->sql, 1);
	/* Touching the header tells a non-database file apart at once. */
	rc = saf_db_exec(db, "PRAGMA schema_version", err);
	if (rc != AT_OK)
		return rc;
	if (!db->readonly) {
		rc = saf_db_exec(db, "PRAGMA journal_mode = WAL", err);
		if (rc != AT_OK)
			return rc;
	}
	rc = saf_db_exec(db, "PRAGMA synchronous = FULL", err);
	if (rc == AT_OK)
		rc = saf_db_exec(db, "PRAGMA foreign_keys = ON", err);
	if (rc == AT_OK)
		rc = saf_db_exec(db, "PRAGMA secure_delete = ON", err);
	return rc;
}

enum at_rc
saf_db_open(const char *path, unsigned flags, struct saf_db **out,
    struct at_err *err)
{
	struct saf_db *db = NULL;
	enum at_rc rc;
	struct stat sb;
	int src, oflags;

	*out = NULL;
	db = calloc(1, sizeof(*db));
	if (db == NULL)
		return at_err_setx(err, AT_E_NOMEM, "out of memory");
	db->readonly = (flags & SAF_DB_READONLY) != 0;
	rc = resolve_path(path, &db->path, err);
	if (rc != AT_OK || db->path == NULL) {
		if (rc == AT_OK)
			rc = at_err_setx(err, AT_E_INTERNAL, "no security database path");
		goto out;
	}
	rc = check_dir(db->path, err);
	if (rc != AT_OK)
		goto out;
	if (lstat(db->path, &sb) != 0) {
		if (errno != ENOENT || !(flags & SAF_DB_CREATE) ||
		    db->readonly) {
			rc = at_err_set(err, errno == ENOENT ? AT_E_NOTFOUND :
			    AT_E_IO, "cannot open the security database %s",
			    db->path);
			goto out;
		}
		rc = create_file(db->path, err);
		if (rc != AT_OK)
			goto out;
	}
	rc = check_files(db->path, err);
	if (rc != AT_OK)
		goto out;
	oflags = (db->readonly ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX;
	src = sqlite3_open_v2(db->path, &db->sql, oflags, NULL);
	if (src != SQLITE_OK) {
		rc = saf_db_fail(db, src, "opening the security database",
		    err);
		goto out;
	}
	rc = configure(db, err);
	if (rc == AT_OK)
		rc = migrate(db, (flags & SAF_DB_CREATE) != 0 && !db->readonly,
		    err);
out:
	if (rc != AT_OK) {
		saf_db_close(db);
		return rc;
	}
	*out = db;
	return AT_OK;
}

void
saf_db_close(struct saf_db *db)
{
	if (db == NULL)
		return;
	saf_db_rollback(db);
	if (db->sql != NULL)
		(void)sqlite3_close_v2(db->sql);
	saf_raclist_free(db->raclist);
	free(db->path);
	free(db);
}

struct saf_raclist **
saf_db_raclist(struct saf_db *db)
{
	return &db->raclist;
}

const char *
saf_db_path(const struct saf_db *db)
{
	return db->path;
}

enum at_rc
saf_db_begin(struct saf_db *db, struct at_err *err)
{
	enum at_rc rc;

	if (db->in_txn)
		return at_err_setx(err, AT_E_INTERNAL,
		    "a security database transaction is already open");
	rc = saf_db_exec(db, "BEGIN IMMEDIATE", err);
	if (rc == AT_OK)
		db->in_txn = true;
	return rc;
}

enum at_rc
saf_db_commit(struct saf_db *db, struct at_err *err)
{
	enum at_rc rc;

	if (!db->in_txn)
		return at_err_setx(err, AT_E_INTERNAL,
		    "commit without a security database transaction");
	rc = saf_db_exec(db, "COMMIT", err);
	if (rc != AT_OK) {
		saf_db_rollback(db);
		return rc;
	}
	db->in_txn = false;
	return AT_OK;
}

void
saf_db_rollback(struct saf_db *db)
{
	if (db == NULL || db->sql == NULL)
		return;
	if (!sqlite3_get_autocommit(db->sql))
		(void)sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
	db->in_txn = false;
}

int
saf_db_in_txn(const struct saf_db *db)
{
	return db->in_txn;
}

enum at_rc
saf_db_require_txn(struct saf_db *db, struct at_err *err)
{
	if (!db->in_txn)
		return at_err_setx(err, AT_E_INTERNAL,
		    "a security database change was attempted outside a "
		    "transaction (call saf_db_begin first)");
	return AT_OK;
}

sqlite3 *
saf_db_sqlite(struct saf_db *db)
{
	return db->sql;
}

enum at_rc
saf_db_generation(struct saf_db *db, const char *class_name, uint64_t *gen,
    struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	enum at_rc rc;
	int row = 0;

	*gen = 0;
	rc = saf_db_prepare(db, "SELECT generation FROM classes WHERE "
	    "name = upper(?)", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, class_name);
	rc = saf_sql_row(db, st, &row, "reading a class generation", err);
	if (rc == AT_OK && row)
		*gen = (uint64_t)sqlite3_column_int64(st, 0);
	else if (rc == AT_OK)
		rc = at_err_setx(err, AT_E_NOTFOUND, "class %s is not defined",
		    class_name);
out:
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_db_schema_version(struct saf_db *db, int *version, struct at_err *err)
{
	return read_version(db, version, err);
}
