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
	"CREATE TABLE trust_metadata ("
	"  key TEXT PRIMARY KEY NOT NULL," /* <repo>/<role> */
	"  version INTEGER NOT NULL,"
	"  bytes BLOB NOT NULL,"
	"  updated_at INTEGER NOT NULL);"
	"CREATE TABLE trust_time ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  floor INTEGER NOT NULL);"
	"INSERT INTO trust_time (id, floor) VALUES (1, 0);",
};
G_STATIC_ASSERT(G_N_ELEMENTS(migrations) == FERRY_STATE_SCHEMA_VERSION);

static gboolean
set_sqlite_error(FerryStateDb *self, GError **error, const gchar *what)
{
	g_set_error(error, FERRY_ERROR, FERRY_ERROR_STATE, "state database %s: %s: %s", self->path,
		    what, sqlite3_errmsg(self->db));
	return FALSE;
}

static gboolean
exec(FerryStateDb *self, const gchar *sql, GError **error)
{
	if (sqlite3_exec(self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return set_sqlite_error(self, error, "executing");
	return TRUE;
}

static gboolean
get_schema_version(FerryStateDb *self, gint *out, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	if (sqlite3_prepare_v2(self->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK ||
	    sqlite3_step(stmt) != SQLITE_ROW)
		return set_sqlite_error(self, error, "reading the schema version");
	*out = sqlite3_column_int(stmt, 0);
	return TRUE;
}

static gboolean
migrate(FerryStateDb *self, GError **error)
{
	gint version = 0;

	if (!get_schema_version(self, &version, error))
		return FALSE;
	if (version > FERRY_STATE_SCHEMA_VERSION) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_STATE,
			    "state database %s has schema version %d, newer than this ferry (%d)",
			    self->path, version, FERRY_STATE_SCHEMA_VERSION);
		return FALSE;
	}
	for (gint v = version; v < FERRY_STATE_SCHEMA_VERSION; v++) {
		g_autofree gchar *bump = g_strdup_printf("PRAGMA user_version = %d", v + 1);
		if (!exec(self, "BEGIN IMMEDIATE", error))
			return FALSE;
		if (!exec(self, migrations[v], error) || !exec(self, bump, error)) {
			(void)sqlite3_exec(self->db, "ROLLBACK", NULL, NULL, NULL);
			return FALSE;
		}
		if (!exec(self, "COMMIT", error))
			return FALSE;
	}
	return TRUE;
}

/* create the file 0600 before SQLite does, so it is never world-readable */
static gboolean
create_private_file(const gchar *path, GError **error)
{
	ferry_autofd int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return ferry_error_set_errno(error, errno, "creating state database '%s'", path);
	return TRUE;
}

FerryStateDb *
ferry_state_db_open(const gchar *path, GError **error)
{
	g_autoptr(FerryStateDb) self = g_new0(FerryStateDb, 1);

	self->path = g_strdup(path);
	if (!create_private_file(path, error))
		return NULL;
	if (sqlite3_open_v2(path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL) !=
	    SQLITE_OK) {
		set_sqlite_error(self, error, "opening");
		return NULL;
	}
	sqlite3_busy_timeout(self->db, 5000);
	/* WAL + FULL sync: a committed transaction survives a power cut */
	if (!exec(self, "PRAGMA journal_mode=WAL", error) ||
	    !exec(self, "PRAGMA synchronous=FULL", error) ||
	    !exec(self, "PRAGMA foreign_keys=ON", error) || !migrate(self, error))
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
	return self->db;
}

FerryTrustState *
ferry_state_db_load_trust(FerryStateDb *self, GError **error)
{
	g_autoptr(FerryTrustState) state = ferry_trust_state_new();
	g_autoptr(sqlite3_stmt) stmt = NULL;
	g_autoptr(sqlite3_stmt) floor = NULL;
	gint rc;

	if (sqlite3_prepare_v2(self->db, "SELECT key, bytes FROM trust_metadata", -1, &stmt,
			       NULL) != SQLITE_OK) {
		set_sqlite_error(self, error, "reading trusted metadata");
		return NULL;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const gchar *key = (const gchar *)sqlite3_column_text(stmt, 0);
		g_autoptr(GBytes) bytes = g_bytes_new(sqlite3_column_blob(stmt, 1),
						      (gsize)sqlite3_column_bytes(stmt, 1));
		ferry_trust_state_set(state, key, bytes);
	}
	if (rc != SQLITE_DONE) {
		set_sqlite_error(self, error, "reading trusted metadata");
		return NULL;
	}
	if (sqlite3_prepare_v2(self->db, "SELECT floor FROM trust_time WHERE id = 1", -1, &floor,
			       NULL) != SQLITE_OK ||
	    sqlite3_step(floor) != SQLITE_ROW) {
		set_sqlite_error(self, error, "reading the trusted time");
		return NULL;
	}
	ferry_trust_state_set_time_floor(state, sqlite3_column_int64(floor, 0));
	return g_steal_pointer(&state);
}

/* "signed.version" of a stored document, for people reading the database */
static gint64
document_version(GBytes *bytes)
{
	g_autoptr(FerryJsonDoc) doc = ferry_json_doc_new_parse(
		g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes), G_MAXSIZE, NULL);
	gint64 v = 0;

	if (doc != NULL)
		(void)ferry_json_value_get_int(
			ferry_json_object_get(
				ferry_json_object_get(ferry_json_doc_get_root(doc), "signed"),
				"version"),
			&v);
	return v;
}

static gboolean
store_rows(FerryStateDb *self, const FerryTrustState *state, GError **error)
{
	g_autoptr(GPtrArray) keys = ferry_trust_state_get_keys(state);
	g_autoptr(sqlite3_stmt) ins = NULL;
	g_autoptr(sqlite3_stmt) upd = NULL;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;

	if (!exec(self, "DELETE FROM trust_metadata", error))
		return FALSE;
	if (sqlite3_prepare_v2(self->db,
			       "INSERT INTO trust_metadata (key, version, bytes, updated_at) "
			       "VALUES (?, ?, ?, ?)",
			       -1, &ins, NULL) != SQLITE_OK)
		return set_sqlite_error(self, error, "preparing");
	for (guint i = 0; i < keys->len; i++) {
		GBytes *b = ferry_trust_state_get(state, keys->pdata[i]);
		sqlite3_reset(ins);
		sqlite3_bind_text(ins, 1, keys->pdata[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 2, document_version(b));
		sqlite3_bind_blob64(ins, 3, g_bytes_get_data(b, NULL), g_bytes_get_size(b),
				    SQLITE_STATIC);
		sqlite3_bind_int64(ins, 4, now);
		if (sqlite3_step(ins) != SQLITE_DONE)
			return set_sqlite_error(self, error, "storing trusted metadata");
	}
	if (sqlite3_prepare_v2(self->db, "UPDATE trust_time SET floor = ? WHERE id = 1", -1, &upd,
			       NULL) != SQLITE_OK)
		return set_sqlite_error(self, error, "preparing");
	sqlite3_bind_int64(upd, 1, ferry_trust_state_get_time_floor(state));
	if (sqlite3_step(upd) != SQLITE_DONE)
		return set_sqlite_error(self, error, "storing the trusted time");
	return TRUE;
}

gboolean
ferry_state_db_store_trust(FerryStateDb *self, const FerryTrustState *state, GError **error)
{
	if (!exec(self, "BEGIN IMMEDIATE", error))
		return FALSE;
	if (!store_rows(self, state, error)) {
		(void)sqlite3_exec(self->db, "ROLLBACK", NULL, NULL, NULL);
		return FALSE;
	}
	if (!exec(self, "COMMIT", error)) {
		(void)sqlite3_exec(self->db, "ROLLBACK", NULL, NULL, NULL);
		return FALSE;
	}
	return TRUE;
}
