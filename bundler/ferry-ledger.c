/*
 * ferry — the append-only ledger; see ferry-ledger.h.
 */
#include "ferry-ledger.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>

#include "ferry-autocleanups.h"
#include "ferry-error.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(sqlite3_stmt, sqlite3_finalize)

struct _FerryLedger {
	sqlite3 *db;
	gchar *path;
};

#define APPEND_ONLY(t)                                                                             \
	"CREATE TRIGGER " t "_no_update BEFORE UPDATE ON " t                                       \
	" BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;"                            \
	"CREATE TRIGGER " t "_no_delete BEFORE DELETE ON " t                                       \
	" BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;"

static const gchar *const schema_v1 =
	"CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL,"
	"  who TEXT NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL);" APPEND_ONLY(
		"events") "CREATE TABLE images (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT "
			  "NOT NULL,"
			  "  version TEXT NOT NULL, commit_checksum TEXT NOT NULL, hardware_ids "
			  "TEXT NOT NULL,"
			  "  target TEXT NOT NULL, added_at INTEGER NOT NULL, added_by TEXT NOT "
			  "NULL,"
			  "  UNIQUE (name, version));" APPEND_ONLY(
				  "images") "CREATE TABLE bundles (id INTEGER PRIMARY KEY "
					    "AUTOINCREMENT, name TEXT NOT NULL,"
					    "  version INTEGER NOT NULL, sha256 TEXT NOT NULL, "
					    "members TEXT NOT NULL,"
					    "  created_at INTEGER NOT NULL, created_by TEXT NOT "
					    "NULL);" APPEND_ONLY(
						    "bundles") "CREATE TABLE promotions (id "
							       "INTEGER PRIMARY KEY AUTOINCREMENT, "
							       "image TEXT NOT NULL,"
							       "  from_env TEXT NOT NULL, to_env "
							       "TEXT NOT NULL, at INTEGER NOT NULL,"
							       "  who TEXT NOT NULL);" APPEND_ONLY(
								       "promotions") "CREATE TABLE "
										     "reports (id "
										     "INTEGER "
										     "PRIMARY KEY "
										     "AUTOINCREMENT"
										     ", ecu_serial "
										     "TEXT NOT "
										     "NULL,"
										     "  counter "
										     "INTEGER NOT "
										     "NULL, report "
										     "TEXT NOT "
										     "NULL, "
										     "imported_at "
										     "INTEGER NOT "
										     "NULL,"
										     "  UNIQUE "
										     "(ecu_serial, "
										     "counter))"
										     ";" APPEND_ONLY(
											     "repor"
											     "ts");

static gboolean
fail(FerryLedger *self, GError **error, const gchar *what)
{
	g_set_error(error, FERRY_ERROR, FERRY_ERROR_STATE, "ledger %s: %s: %s", self->path, what,
		    sqlite3_errmsg(self->db));
	return FALSE;
}

static gboolean
migrate(FerryLedger *self, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	gint version;

	if (sqlite3_prepare_v2(self->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK ||
	    sqlite3_step(stmt) != SQLITE_ROW)
		return fail(self, error, "reading the schema version");
	version = sqlite3_column_int(stmt, 0);
	if (version == FERRY_LEDGER_SCHEMA_VERSION)
		return TRUE;
	if (version != 0) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_STATE,
			    "ledger %s has schema version %d; this ferry knows %d", self->path,
			    version, FERRY_LEDGER_SCHEMA_VERSION);
		return FALSE;
	}
	if (sqlite3_exec(self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return fail(self, error, "beginning");
	if (sqlite3_exec(self->db, schema_v1, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(self->db, "PRAGMA user_version = 1", NULL, NULL, NULL) != SQLITE_OK) {
		fail(self, error, "creating the schema");
		(void)sqlite3_exec(self->db, "ROLLBACK", NULL, NULL, NULL);
		return FALSE;
	}
	if (sqlite3_exec(self->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return fail(self, error, "committing");
	return TRUE;
}

FerryLedger *
ferry_ledger_open(const gchar *path, GError **error)
{
	g_autoptr(FerryLedger) self = g_new0(FerryLedger, 1);
	ferry_autofd int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	self->path = g_strdup(path);
	if (fd < 0)
		return ferry_error_set_errno(error, errno, "creating ledger '%s'", path), NULL;
	if (sqlite3_open_v2(path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL) !=
	    SQLITE_OK) {
		fail(self, error, "opening");
		return NULL;
	}
	sqlite3_busy_timeout(self->db, 5000);
	if (sqlite3_exec(self->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL", NULL, NULL,
			 NULL) != SQLITE_OK) {
		fail(self, error, "configuring");
		return NULL;
	}
	if (!migrate(self, error))
		return NULL;
	return g_steal_pointer(&self);
}

void
ferry_ledger_free(FerryLedger *self)
{
	if (self == NULL)
		return;
	if (self->db != NULL)
		sqlite3_close(self->db);
	g_free(self->path);
	g_free(self);
}

gboolean
ferry_ledger_add_event(FerryLedger *self, const gchar *kind, const gchar *detail, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	if (sqlite3_prepare_v2(self->db,
			       "INSERT INTO events (at, who, kind, detail) VALUES (?, ?, ?, ?)", -1,
			       &stmt, NULL) != SQLITE_OK)
		return fail(self, error, "preparing");
	sqlite3_bind_int64(stmt, 1, g_get_real_time() / G_USEC_PER_SEC);
	sqlite3_bind_text(stmt, 2, g_get_user_name(), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, detail, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return fail(self, error, "appending an event");
	return TRUE;
}

gboolean
ferry_ledger_find_image(FerryLedger *self, const gchar *name, const gchar *version,
			gchar **out_commit, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	gint rc;

	if (sqlite3_prepare_v2(self->db,
			       "SELECT commit_checksum FROM images WHERE name = ? AND version = ?",
			       -1, &stmt, NULL) != SQLITE_OK)
		return fail(self, error, "preparing");
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, version, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE)
		return FALSE;
	if (rc != SQLITE_ROW)
		return fail(self, error, "looking up an image");
	*out_commit = g_strdup((const gchar *)sqlite3_column_text(stmt, 0));
	return TRUE;
}

gboolean
ferry_ledger_add_image(FerryLedger *self, const gchar *name, const gchar *version,
		       const gchar *commit, const gchar *hardware_ids_json, const gchar *target,
		       GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	if (sqlite3_prepare_v2(self->db,
			       "INSERT INTO images (name, version, commit_checksum, hardware_ids, "
			       "target, added_at, added_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
			       -1, &stmt, NULL) != SQLITE_OK)
		return fail(self, error, "preparing");
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, version, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, commit, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, hardware_ids_json, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, target, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 6, g_get_real_time() / G_USEC_PER_SEC);
	sqlite3_bind_text(stmt, 7, g_get_user_name(), -1, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return fail(self, error, "recording the image");
	return TRUE;
}

gboolean
ferry_ledger_foreach_image(FerryLedger *self, FerryLedgerImageFunc func, gpointer user_data,
			   GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	gint rc;

	if (sqlite3_prepare_v2(self->db,
			       "SELECT name, version, commit_checksum, hardware_ids, target, "
			       "added_at, added_by FROM images ORDER BY id",
			       -1, &stmt, NULL) != SQLITE_OK)
		return fail(self, error, "preparing");
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (!func((const gchar *)sqlite3_column_text(stmt, 0),
			  (const gchar *)sqlite3_column_text(stmt, 1),
			  (const gchar *)sqlite3_column_text(stmt, 2),
			  (const gchar *)sqlite3_column_text(stmt, 3),
			  (const gchar *)sqlite3_column_text(stmt, 4),
			  sqlite3_column_int64(stmt, 5),
			  (const gchar *)sqlite3_column_text(stmt, 6), user_data))
			break;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return fail(self, error, "listing images");
	return TRUE;
}

gboolean
ferry_ledger_add_bundle(FerryLedger *self, const gchar *name, gint64 version, const gchar *sha256,
			const gchar *members_json, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	if (sqlite3_prepare_v2(self->db,
			       "INSERT INTO bundles (name, version, sha256, members, created_at, "
			       "created_by) VALUES (?, ?, ?, ?, ?, ?)",
			       -1, &stmt, NULL) != SQLITE_OK)
		return fail(self, error, "preparing");
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, version);
	sqlite3_bind_text(stmt, 3, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, members_json, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 5, g_get_real_time() / G_USEC_PER_SEC);
	sqlite3_bind_text(stmt, 6, g_get_user_name(), -1, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return fail(self, error, "recording the bundle");
	return TRUE;
}
