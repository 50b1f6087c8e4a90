/*
 * ferry — the device's persistent state; see ferry-state.h.
 */
#include "ferry-state.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "ferry-autocleanups.h"
#include "ferry-error.h"
#include "ferry-json.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(sqlite3_stmt, sqlite3_finalize)

struct _FerryStateDb {
	sqlite3 *db;
	gchar *path;
};

/* every schema step, in order; index + 1 is the version it brings */
static const gchar *const migrations[] = {
	/* 1: trusted metadata and trusted time */
	"CREATE TABLE trust_metadata ("
	"  key TEXT PRIMARY KEY NOT NULL," /* <repo>/<role>, see FerryTrustState */
	"  version INTEGER NOT NULL,"	   /* signed.version, for people and queries */
	"  bytes BLOB NOT NULL,"	   /* the document exactly as verified */
	"  updated_at INTEGER NOT NULL);"  /* seconds since the epoch, wall clock */
	"CREATE TABLE trust_time ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  floor INTEGER NOT NULL);"
	"INSERT INTO trust_time (id, floor) VALUES (1, 0);",
	/* 2: the device's identity (ECU serial, hardware id, ECU key id) */
	"CREATE TABLE identity ("
	"  key TEXT PRIMARY KEY NOT NULL,"
	"  value TEXT NOT NULL,"
	"  set_at INTEGER NOT NULL);",
};
G_STATIC_ASSERT(G_N_ELEMENTS(migrations) == FERRY_STATE_SCHEMA_VERSION);

/* the one place SQLite errors become FERRY_ERROR_STATE */
static gboolean
set_sqlite_error(FerryStateDb *self, GError **error, const gchar *what)
{
	g_set_error(error, FERRY_ERROR, FERRY_ERROR_STATE, "state database '%s': %s: %s",
		    self->path, what, sqlite3_errmsg(self->db));
	return FALSE;
}

static gboolean
exec_sql(FerryStateDb *self, const gchar *sql, GError **error)
{
	if (sqlite3_exec(self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return set_sqlite_error(self, error, "executing");
	return TRUE;
}

static gboolean
prepare(FerryStateDb *self, const gchar *sql, sqlite3_stmt **out_stmt, GError **error)
{
	sqlite3_stmt *stmt = NULL;

	if (sqlite3_prepare_v2(self->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		sqlite3_finalize(stmt);
		return set_sqlite_error(self, error, "preparing a statement");
	}
	*out_stmt = stmt;
	return TRUE;
}

typedef gboolean (*TransactionFunc)(FerryStateDb *self, gconstpointer data, GError **error);

/* runs @func inside BEGIN IMMEDIATE … COMMIT; on any failure nothing it did remains */
static gboolean
run_transaction(FerryStateDb *self, TransactionFunc func, gconstpointer data, GError **error)
{
	if (!exec_sql(self, "BEGIN IMMEDIATE", error))
		return FALSE;
	if (!func(self, data, error) || !exec_sql(self, "COMMIT", error)) {
		/* SQLite may have rolled back by itself (e.g. on SQLITE_FULL) */
		if (!sqlite3_get_autocommit(self->db))
			(void)sqlite3_exec(self->db, "ROLLBACK", NULL, NULL, NULL);
		return FALSE;
	}
	return TRUE;
}

static gboolean
read_schema_version(FerryStateDb *self, gint64 *out_version, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	if (!prepare(self, "SELECT COALESCE(MAX(version), 0) FROM schema_version", &stmt, error))
		return FALSE;
	if (sqlite3_step(stmt) != SQLITE_ROW)
		return set_sqlite_error(self, error, "reading the schema version");
	*out_version = sqlite3_column_int64(stmt, 0);
	return TRUE;
}

static gboolean
record_migration(FerryStateDb *self, gint64 version, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	if (!prepare(self, "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)", &stmt,
		     error))
		return FALSE;
	if (sqlite3_bind_int64(stmt, 1, version) != SQLITE_OK ||
	    sqlite3_bind_int64(stmt, 2, g_get_real_time() / G_USEC_PER_SEC) != SQLITE_OK ||
	    sqlite3_step(stmt) != SQLITE_DONE)
		return set_sqlite_error(self, error, "recording the schema version");
	return TRUE;
}

static gboolean
migrate_cb(FerryStateDb *self, gconstpointer data, GError **error)
{
	gint64 version = 0;

	if (!exec_sql(self,
		      "CREATE TABLE IF NOT EXISTS schema_version ("
		      "  version INTEGER PRIMARY KEY NOT NULL,"
		      "  applied_at INTEGER NOT NULL)",
		      error) ||
	    !read_schema_version(self, &version, error))
		return FALSE;
	if (version > FERRY_STATE_SCHEMA_VERSION) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_STATE,
			    "state database '%s' has schema version %" G_GINT64_FORMAT
			    ", newer than this ferry understands (%d)",
			    self->path, version, FERRY_STATE_SCHEMA_VERSION);
		return FALSE;
	}
	for (gint64 v = version; v < FERRY_STATE_SCHEMA_VERSION; v++) {
		if (!exec_sql(self, migrations[v], error) ||
		    !record_migration(self, v + 1, error)) {
			g_prefix_error(error, "migrating to schema version %" G_GINT64_FORMAT ": ",
				       v + 1);
			return FALSE;
		}
	}
	return TRUE;
}

/* create the file 0600 before SQLite does, so it is never world-readable */
static gboolean
create_private_file(const gchar *path, GError **error)
{
	ferry_autofd int fd =
		open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);

	if (fd < 0)
		return ferry_error_set_errno(error, errno, "creating state database '%s'", path);
	return TRUE;
}

/* WAL + FULL sync: a committed transaction survives a power cut */
static gboolean
configure(FerryStateDb *self, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	const gchar *mode;

	sqlite3_busy_timeout(self->db, 5000);
	if (!prepare(self, "PRAGMA journal_mode=WAL", &stmt, error))
		return FALSE;
	if (sqlite3_step(stmt) != SQLITE_ROW)
		return set_sqlite_error(self, error, "setting the journal mode");
	mode = (const gchar *)sqlite3_column_text(stmt, 0);
	if (g_strcmp0(mode, "wal") != 0) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_STATE,
			    "state database '%s': journal mode is '%s', not 'wal'", self->path,
			    mode != NULL ? mode : "(unknown)");
		return FALSE;
	}
	return exec_sql(self, "PRAGMA synchronous=FULL", error) &&
	       exec_sql(self, "PRAGMA foreign_keys=ON", error);
}

FerryStateDb *
ferry_state_db_open(const gchar *path, GError **error)
{
	g_autoptr(FerryStateDb) self = NULL;

	g_return_val_if_fail(path != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	self = g_new0(FerryStateDb, 1);
	self->path = g_strdup(path);
	if (!create_private_file(path, error))
		return NULL;
	/* sqlite3_open_v2 allocates a handle even when it fails; _free closes it */
	if (sqlite3_open_v2(path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL) !=
	    SQLITE_OK) {
		set_sqlite_error(self, error, "opening");
		return NULL;
	}
	if (!configure(self, error) || !run_transaction(self, migrate_cb, NULL, error))
		return NULL;
	return g_steal_pointer(&self);
}

void
ferry_state_db_free(FerryStateDb *self)
{
	if (self == NULL)
		return;
	if (self->db != NULL)
		sqlite3_close(self->db);
	g_free(self->path);
	g_free(self);
}

sqlite3 *
ferry_state_db_get_handle(FerryStateDb *self)
{
	g_return_val_if_fail(self != NULL, NULL);
	return self->db;
}

gboolean
ferry_state_db_get_schema_version(FerryStateDb *self, gint64 *out_version, GError **error)
{
	gint64 version = 0;

	g_return_val_if_fail(self != NULL, FALSE);
	g_return_val_if_fail(out_version != NULL, FALSE);

	if (!read_schema_version(self, &version, error))
		return FALSE;
	*out_version = version;
	return TRUE;
}

static gboolean
load_documents(FerryStateDb *self, FerryTrustState *state, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	gint rc;

	if (!prepare(self, "SELECT key, bytes FROM trust_metadata", &stmt, error))
		return FALSE;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const gchar *key = (const gchar *)sqlite3_column_text(stmt, 0);
		g_autoptr(GBytes) bytes = NULL;

		if (key == NULL)
			return set_sqlite_error(self, error, "reading a trusted metadata key");
		bytes = g_bytes_new(sqlite3_column_blob(stmt, 1),
				    (gsize)sqlite3_column_bytes(stmt, 1));
		ferry_trust_state_set(state, key, bytes);
	}
	if (rc != SQLITE_DONE)
		return set_sqlite_error(self, error, "reading trusted metadata");
	return TRUE;
}

FerryTrustState *
ferry_state_db_load_trust(FerryStateDb *self, GError **error)
{
	g_autoptr(FerryTrustState) state = NULL;
	g_autoptr(sqlite3_stmt) floor = NULL;

	g_return_val_if_fail(self != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	state = ferry_trust_state_new();
	if (!load_documents(self, state, error))
		return NULL;
	if (!prepare(self, "SELECT floor FROM trust_time WHERE id = 1", &floor, error))
		return NULL;
	if (sqlite3_step(floor) != SQLITE_ROW) {
		set_sqlite_error(self, error, "reading the trusted time");
		return NULL;
	}
	ferry_trust_state_set_time_floor(state, sqlite3_column_int64(floor, 0));
	return g_steal_pointer(&state);
}

/* "signed.version" of a stored document; 0 when it has none. The bytes were
 * verified before they got here, so no cap beyond their own size. */
static gint64
document_version(GBytes *bytes)
{
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(bytes, &len);
	g_autoptr(FerryJsonDoc) doc = ferry_json_doc_new_parse(data, len, G_MAXSIZE, NULL);
	gint64 version = 0;

	if (doc == NULL)
		return 0;
	if (!ferry_json_value_get_int(
		    ferry_json_object_get(
			    ferry_json_object_get(ferry_json_doc_get_root(doc), "signed"),
			    "version"),
		    &version))
		return 0;
	return version;
}

/* rows whose key @state no longer holds */
static gboolean
delete_stale_rows(FerryStateDb *self, const FerryTrustState *state, GError **error)
{
	g_autoptr(sqlite3_stmt) sel = NULL;
	g_autoptr(sqlite3_stmt) del = NULL;
	g_autoptr(GPtrArray) stale = g_ptr_array_new_with_free_func(g_free);
	gint rc;

	if (!prepare(self, "SELECT key FROM trust_metadata", &sel, error) ||
	    !prepare(self, "DELETE FROM trust_metadata WHERE key = ?", &del, error))
		return FALSE;
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		const gchar *key = (const gchar *)sqlite3_column_text(sel, 0);
		if (key != NULL && ferry_trust_state_get(state, key) == NULL)
			g_ptr_array_add(stale, g_strdup(key));
	}
	if (rc != SQLITE_DONE)
		return set_sqlite_error(self, error, "listing trusted metadata");
	for (guint i = 0; i < stale->len; i++) {
		sqlite3_reset(del);
		if (sqlite3_bind_text(del, 1, stale->pdata[i], -1, SQLITE_STATIC) != SQLITE_OK ||
		    sqlite3_step(del) != SQLITE_DONE)
			return set_sqlite_error(self, error, "deleting trusted metadata");
	}
	return TRUE;
}

static gboolean
store_document(FerryStateDb *self, sqlite3_stmt *upsert, const gchar *key, GBytes *bytes,
	       gint64 now, GError **error)
{
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(bytes, &len);

	sqlite3_reset(upsert);
	/* a NULL pointer would bind SQL NULL; an empty document is still a BLOB */
	if (sqlite3_bind_text(upsert, 1, key, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(upsert, 2, document_version(bytes)) != SQLITE_OK ||
	    sqlite3_bind_blob64(upsert, 3, data != NULL ? (const void *)data : "", len,
				SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(upsert, 4, now) != SQLITE_OK ||
	    sqlite3_step(upsert) != SQLITE_DONE) {
		g_autofree gchar *what = g_strdup_printf("storing '%s'", key);
		return set_sqlite_error(self, error, what);
	}
	return TRUE;
}

static gboolean
store_floor(FerryStateDb *self, gint64 floor, GError **error)
{
	g_autoptr(sqlite3_stmt) upd = NULL;

	if (!prepare(self, "UPDATE trust_time SET floor = ? WHERE id = 1", &upd, error))
		return FALSE;
	if (sqlite3_bind_int64(upd, 1, floor) != SQLITE_OK || sqlite3_step(upd) != SQLITE_DONE)
		return set_sqlite_error(self, error, "storing the trusted time");
	if (sqlite3_changes(self->db) != 1) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_STATE,
			    "state database '%s': the trusted time row is missing", self->path);
		return FALSE;
	}
	return TRUE;
}

static gboolean
store_trust_cb(FerryStateDb *self, gconstpointer data, GError **error)
{
	const FerryTrustState *state = data;
	g_autoptr(GPtrArray) keys = ferry_trust_state_get_keys(state);
	g_autoptr(sqlite3_stmt) upsert = NULL;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;

	if (!delete_stale_rows(self, state, error))
		return FALSE;
	/* an unchanged document keeps its updated_at */
	if (!prepare(self,
		     "INSERT INTO trust_metadata (key, version, bytes, updated_at) "
		     "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (key) DO UPDATE SET "
		     "version = excluded.version, bytes = excluded.bytes, "
		     "updated_at = excluded.updated_at "
		     "WHERE trust_metadata.bytes IS NOT excluded.bytes",
		     &upsert, error))
		return FALSE;
	for (guint i = 0; i < keys->len; i++) {
		const gchar *key = keys->pdata[i];
		if (!store_document(self, upsert, key, ferry_trust_state_get(state, key), now,
				    error))
			return FALSE;
	}
	return store_floor(self, ferry_trust_state_get_time_floor(state), error);
}

gboolean
ferry_state_db_store_trust(FerryStateDb *self, const FerryTrustState *state, GError **error)
{
	g_return_val_if_fail(self != NULL, FALSE);
	g_return_val_if_fail(state != NULL, FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

	return run_transaction(self, store_trust_cb, state, error);
}

gchar *
ferry_state_db_get_identity(FerryStateDb *self, const gchar *key, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	gint rc;

	if (!prepare(self, "SELECT value FROM identity WHERE key = ?", &stmt, error))
		return NULL;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE)
		return NULL;
	if (rc != SQLITE_ROW) {
		set_sqlite_error(self, error, "reading the identity");
		return NULL;
	}
	return g_strdup((const gchar *)sqlite3_column_text(stmt, 0));
}

gboolean
ferry_state_db_set_identity(FerryStateDb *self, const gchar *key, const gchar *value,
			    GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	if (!prepare(self,
		     "INSERT INTO identity (key, value, set_at) VALUES (?, ?, ?) "
		     "ON CONFLICT (key) DO UPDATE SET value = excluded.value, set_at = "
		     "excluded.set_at",
		     &stmt, error))
		return FALSE;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, g_get_real_time() / G_USEC_PER_SEC);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return set_sqlite_error(self, error, "storing the identity");
	return TRUE;
}
