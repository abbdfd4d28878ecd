/*
 * db.h - the security database: one SQLite file holding users, groups,
 * general-resource profiles, PassTicket state and certificates.
 *
 * Location: the path given, else $ATTLS_SAFDB, else /var/lib/attls/saf.db.
 * The file is created mode 0600 (owner only) because it holds password
 * hashes, PassTicket keys and private keys.  saf_db_open refuses
 * (AT_E_INPUT, naming the fix) a file or -wal/-shm/-journal companion
 * that is a symlink, is owned by neither root nor the caller, or gives
 * group or others any permission, and a directory that group or others
 * may write or that neither root nor the caller owns.
 *
 * Only code in src/saf/ may touch SQL: saf_db_sqlite() and saf_db_prepare()
 * exist for the saf_* modules, never for their callers.
 *
 * TRANSACTION CONTRACT
 *
 * Every public mutating saf_* function (add, alter, delete, connect,
 * permit, setropts, password change, PassTicket replay bookkeeping, ...)
 * runs inside a transaction its caller has opened:
 *
 *     rc = saf_db_begin(db, err);        BEGIN IMMEDIATE (takes the write lock)
 *     rc = saf_user_add(db, actor, ...);  any number of saf_* calls
 *     ...
 *     if (rc == AT_OK) rc = saf_db_commit(db, err);
 *     else saf_db_rollback(db);
 *
 * so a command that fails half-way changes nothing.  A mutating function
 * called with no transaction open refuses with AT_E_INTERNAL (a bug in the
 * caller).  Read-only functions (getters, saf_check_access, listing) work
 * with or without a transaction.  Three functions that must record state
 * on their own, saf_verify_password (failed-logon count, revoke),
 * saf_passticket_evaluate (replay list) and saf_bootstrap_admin, open and
 * commit their own transaction when none is open, and join the caller's
 * when one is (the caller's rollback then undoes them too).
 *
 * Thread safety: a struct saf_db is used by one thread at a time; open one
 * per thread or process.  Many processes may open the same file; writers
 * are serialised by SQLite with a busy timeout of SAF_DB_BUSY_MS, after
 * which the call fails with AT_E_BUSY.
 */
#ifndef ATTLS_SAF_DB_H
#define ATTLS_SAF_DB_H

#include <sqlite3.h>
#include <stdint.h>

#include "common/err.h"

/* The default database file, used when no path and no $ATTLS_SAFDB. */
#define SAF_DB_DEFAULT_PATH "/var/lib/attls/saf.db"
#define SAF_DB_ENV "ATTLS_SAFDB"

/* How long a call waits for another process's write lock. */
#define SAF_DB_BUSY_MS 5000

/* The schema version this build creates and understands. */
#define SAF_DB_SCHEMA_VERSION 2

/* saf_db_open flags. */
#define SAF_DB_CREATE 0x1u   /* create the file and schema if absent */
#define SAF_DB_READONLY 0x2u /* open read-only (no migrations applied) */

struct saf_db;

/*
 * Opens the database at path (NULL: $ATTLS_SAFDB, then the default).
 * Without SAF_DB_CREATE a missing file is AT_E_NOTFOUND.  An older schema
 * is migrated in order inside one transaction; a newer schema, a file that
 * is not an SQLite database, or a corrupt file is refused (AT_E_INPUT) with
 * a message naming the file.  On success *out is the caller's, released
 * with saf_db_close; on failure *out is NULL.
 */
AT_MUST_CHECK enum at_rc saf_db_open(const char *path, unsigned flags,
    struct saf_db **out, struct at_err *err);

/* Closes db, rolling back any open transaction.  NULL is a no-op. */
void saf_db_close(struct saf_db *db);

/* The path db was opened with (owned by db). */
const char *saf_db_path(const struct saf_db *db);

/* BEGIN IMMEDIATE.  AT_E_BUSY if the write lock stays held too long;
 * AT_E_INTERNAL if a transaction is already open. */
AT_MUST_CHECK enum at_rc saf_db_begin(struct saf_db *db, struct at_err *err);

/* COMMIT.  On failure the transaction is rolled back. */
AT_MUST_CHECK enum at_rc saf_db_commit(struct saf_db *db, struct at_err *err);

/* ROLLBACK if a transaction is open; otherwise nothing. */
void saf_db_rollback(struct saf_db *db);

/* Whether a transaction opened by saf_db_begin is in progress. */
int saf_db_in_txn(const struct saf_db *db);

/* For src/saf/ only: AT_E_INTERNAL unless a transaction is open. */
AT_MUST_CHECK enum at_rc saf_db_require_txn(struct saf_db *db,
    struct at_err *err);

/* For src/saf/ only.  The handle stays owned by db. */
sqlite3 *saf_db_sqlite(struct saf_db *db);

/* For src/saf/raclist.c only: where db keeps its RACLIST copies (owned
 * by db, freed by saf_db_close). */
struct saf_raclist;
struct saf_raclist **saf_db_raclist(struct saf_db *db);

/*
 * For src/saf/ only: prepares sql.  On success *stmt is the caller's and
 * must be released with sqlite3_finalize; on failure it is NULL.
 */
AT_MUST_CHECK enum at_rc saf_db_prepare(struct saf_db *db, const char *sql,
    sqlite3_stmt **stmt, struct at_err *err);

/*
 * For src/saf/ only: maps an SQLite result code (from step, bind, exec) to
 * an at_rc and message: SQLITE_BUSY/LOCKED -> AT_E_BUSY, SQLITE_CONSTRAINT
 * -> AT_E_EXISTS, SQLITE_CORRUPT/NOTADB -> AT_E_INPUT, others AT_E_IO.
 * `what` says what was being done ("adding user FRED").
 */
enum at_rc saf_db_fail(struct saf_db *db, int sqlite_rc, const char *what,
    struct at_err *err);

/* For src/saf/ only: runs sql with no parameters and no rows. */
AT_MUST_CHECK enum at_rc saf_db_exec(struct saf_db *db, const char *sql,
    struct at_err *err);

/*
 * The RACLIST generation of class (upper-case class name).  It changes only
 * when SETROPTS RACLIST(class) REFRESH runs (saf_class_refresh).  A
 * long-running cache compares it and reloads on a change.  A class that was
 * never refreshed has generation 0.
 */
AT_MUST_CHECK enum at_rc saf_db_generation(struct saf_db *db,
    const char *class_name, uint64_t *gen, struct at_err *err);

/* The schema version stored in the open database. */
AT_MUST_CHECK enum at_rc saf_db_schema_version(struct saf_db *db,
    int *version, struct at_err *err);

#endif
