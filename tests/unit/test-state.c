/*
 * The device state database: round trips, atomic replacement, schema
 * versioning, file mode.
 */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ferry-error.h"
#include "ferry-state.h"
#include "ferry-test-util.h"

typedef struct {
	gchar *dir;
	gchar *path;
} StateFixture;

static void
state_fixture_setup(StateFixture *f, gconstpointer data)
{
	f->dir = ferry_test_mkdtemp();
	f->path = g_build_filename(f->dir, "state.db", NULL);
}

static void
state_fixture_teardown(StateFixture *f, gconstpointer data)
{
	ferry_test_rm_rf(f->dir);
	g_free(f->dir);
	g_free(f->path);
}

static FerryStateDb *
open_db(const StateFixture *f)
{
	g_autoptr(GError) error = NULL;
	FerryStateDb *db = ferry_state_db_open(f->path, &error);

	g_assert_no_error(error);
	g_assert_nonnull(db);
	return db;
}

/* four documents whose content depends on @tag, versions 1..4 */
static FerryTrustState *
make_state(const gchar *tag, gint64 floor)
{
	FerryTrustState *s = ferry_trust_state_new();
	const gchar *keys[] = {"director/root", "director/targets", "image/root", "image/snapshot"};

	for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
		g_autofree gchar *doc = g_strdup_printf(
			"{\"signatures\":[],\"signed\":{\"version\":%u,\"tag\":\"%s\"}}", i + 1,
			tag);
		g_autoptr(GBytes) b = g_bytes_new(doc, strlen(doc));
		ferry_trust_state_set(s, keys[i], b);
	}
	ferry_trust_state_set_time_floor(s, floor);
	return s;
}

static gint64
query_int(FerryStateDb *db, const gchar *sql)
{
	sqlite3_stmt *stmt = NULL;
	gint64 v;

	g_assert_cmpint(sqlite3_prepare_v2(ferry_state_db_get_handle(db), sql, -1, &stmt, NULL), ==,
			SQLITE_OK);
	g_assert_cmpint(sqlite3_step(stmt), ==, SQLITE_ROW);
	v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

static void
assert_stored(FerryStateDb *db, const FerryTrustState *want)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryTrustState) loaded = ferry_state_db_load_trust(db, &error);

	g_assert_no_error(error);
	g_assert_true(ferry_trust_state_equal(want, loaded));
}

static void
test_empty(StateFixture *f, gconstpointer data)
{
	g_autoptr(FerryStateDb) db = open_db(f);
	g_autoptr(FerryTrustState) empty = ferry_trust_state_new();

	assert_stored(db, empty);
}

static void
test_round_trip(StateFixture *f, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryTrustState) a = make_state("a", 1700000000);

	{
		g_autoptr(FerryStateDb) db = open_db(f);
		g_assert_true(ferry_state_db_store_trust(db, a, &error));
		g_assert_no_error(error);
	}
	/* closed and reopened: everything is there, versions readable by SQL */
	{
		g_autoptr(FerryStateDb) db = open_db(f);
		assert_stored(db, a);
		g_assert_cmpint(query_int(db, "SELECT floor FROM trust_time"), ==, 1700000000);
		g_assert_cmpint(query_int(db, "SELECT version FROM trust_metadata "
					      "WHERE key = 'image/snapshot'"),
				==, 4);
		g_assert_cmpint(query_int(db, "SELECT COUNT(*) FROM trust_metadata "
					      "WHERE updated_at > 1600000000"),
				==, 4);
	}
}

/* a state with fewer documents removes the others */
static void
test_replace(StateFixture *f, gconstpointer data)
{
	g_autoptr(FerryStateDb) db = open_db(f);
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryTrustState) a = make_state("a", 100);
	g_autoptr(FerryTrustState) b = make_state("b", 200);

	g_assert_true(ferry_state_db_store_trust(db, a, &error));
	ferry_trust_state_set(b, "image/snapshot", NULL);
	g_assert_true(ferry_state_db_store_trust(db, b, &error));
	g_assert_no_error(error);
	assert_stored(db, b);
	g_assert_cmpint(query_int(db, "SELECT COUNT(*) FROM trust_metadata"), ==, 3);
}

/* an unchanged document keeps its updated_at; a changed one gets a new one */
static void
test_updated_at(StateFixture *f, gconstpointer data)
{
	g_autoptr(FerryStateDb) db = open_db(f);
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryTrustState) a = make_state("a", 100);
	g_autoptr(GBytes) other = g_bytes_new_static("{\"signed\":{\"version\":9}}", 24);

	g_assert_true(ferry_state_db_store_trust(db, a, &error));
	g_assert_cmpint(sqlite3_exec(ferry_state_db_get_handle(db),
				     "UPDATE trust_metadata SET updated_at = 1", NULL, NULL, NULL),
			==, SQLITE_OK);
	ferry_trust_state_set(a, "image/root", other);
	g_assert_true(ferry_state_db_store_trust(db, a, &error));
	g_assert_no_error(error);
	g_assert_cmpint(query_int(db, "SELECT COUNT(*) FROM trust_metadata WHERE updated_at = 1"),
			==, 3);
	g_assert_cmpint(query_int(db, "SELECT version FROM trust_metadata WHERE key = 'image/root' "
				      "AND updated_at > 1"),
			==, 9);
	assert_stored(db, a);
}

/* a failure in the middle of a store leaves the previous state whole */
static void
test_store_is_atomic(StateFixture *f, gconstpointer data)
{
	g_autoptr(FerryStateDb) db = open_db(f);
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryTrustState) a = make_state("a", 100);
	g_autoptr(FerryTrustState) b = make_state("b", 200);

	g_assert_true(ferry_state_db_store_trust(db, a, &error));
	/* keys are stored in sorted order: director/root and director/targets
	 * have been replaced when image/root fails */
	g_assert_cmpint(
		sqlite3_exec(ferry_state_db_get_handle(db),
			     "CREATE TEMP TRIGGER boom BEFORE INSERT ON trust_metadata "
			     "WHEN NEW.key = 'image/root' BEGIN SELECT RAISE(ABORT, 'boom'); END",
			     NULL, NULL, NULL),
		==, SQLITE_OK);
	g_assert_false(ferry_state_db_store_trust(db, b, &error));
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_STATE);
	g_assert_nonnull(strstr(error->message, "boom"));
	g_clear_error(&error);
	assert_stored(db, a);
	g_assert_true(sqlite3_get_autocommit(ferry_state_db_get_handle(db)));

	/* the connection is usable afterwards */
	g_assert_cmpint(
		sqlite3_exec(ferry_state_db_get_handle(db), "DROP TRIGGER boom", NULL, NULL, NULL),
		==, SQLITE_OK);
	g_assert_true(ferry_state_db_store_trust(db, b, &error));
	g_assert_no_error(error);
	assert_stored(db, b);
}

/* the floor is part of the same transaction */
static void
test_floor_is_atomic(StateFixture *f, gconstpointer data)
{
	g_autoptr(FerryStateDb) db = open_db(f);
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryTrustState) a = make_state("a", 100);
	g_autoptr(FerryTrustState) b = make_state("b", 200);

	g_assert_true(ferry_state_db_store_trust(db, a, &error));
	g_assert_cmpint(sqlite3_exec(ferry_state_db_get_handle(db),
				     "CREATE TEMP TRIGGER boom BEFORE UPDATE ON trust_time "
				     "BEGIN SELECT RAISE(ABORT, 'boom'); END",
				     NULL, NULL, NULL),
			==, SQLITE_OK);
	g_assert_false(ferry_state_db_store_trust(db, b, &error));
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_STATE);
	assert_stored(db, a);
}

static void
test_schema_version(StateFixture *f, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	gint64 version = 0;

	{
		g_autoptr(FerryStateDb) db = open_db(f);
		g_assert_true(ferry_state_db_get_schema_version(db, &version, &error));
		g_assert_no_error(error);
		g_assert_cmpint(version, ==, FERRY_STATE_SCHEMA_VERSION);
		g_assert_cmpint(query_int(db, "SELECT MAX(version) FROM schema_version"), ==,
				FERRY_STATE_SCHEMA_VERSION);
		g_assert_cmpint(query_int(db, "PRAGMA foreign_keys"), ==, 1);
		g_assert_cmpint(query_int(db, "PRAGMA synchronous"), ==, 2 /* FULL */);
	}
	/* reopening migrates nothing again */
	{
		g_autoptr(FerryStateDb) db = open_db(f);
		g_assert_cmpint(query_int(db, "SELECT COUNT(*) FROM schema_version"), ==,
				FERRY_STATE_SCHEMA_VERSION);
		g_assert_cmpint(query_int(db, "SELECT COUNT(*) FROM sqlite_master "
					      "WHERE name = 'trust_metadata'"),
				==, 1);
	}
}

static void
test_journal_mode(StateFixture *f, gconstpointer data)
{
	g_autoptr(FerryStateDb) db = open_db(f);
	sqlite3_stmt *stmt = NULL;

	g_assert_cmpint(sqlite3_prepare_v2(ferry_state_db_get_handle(db), "PRAGMA journal_mode", -1,
					   &stmt, NULL),
			==, SQLITE_OK);
	g_assert_cmpint(sqlite3_step(stmt), ==, SQLITE_ROW);
	g_assert_cmpstr((const gchar *)sqlite3_column_text(stmt, 0), ==, "wal");
	sqlite3_finalize(stmt);
}

static void
test_newer_schema_refused(StateFixture *f, gconstpointer data)
{
	g_autoptr(GError) error = NULL;

	{
		g_autoptr(FerryStateDb) db = open_db(f);
		g_assert_cmpint(sqlite3_exec(ferry_state_db_get_handle(db),
					     "INSERT INTO schema_version VALUES (99, 0)", NULL,
					     NULL, NULL),
				==, SQLITE_OK);
	}
	g_assert_null(ferry_state_db_open(f->path, &error));
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_STATE);
}

/* 0600 even under a permissive umask */
static void
test_file_mode(StateFixture *f, gconstpointer data)
{
	mode_t old = umask(0);
	struct stat st;

	{
		g_autoptr(FerryStateDb) db = open_db(f);
		g_autoptr(FerryTrustState) a = make_state("a", 100);
		g_autofree gchar *wal = g_strconcat(f->path, "-wal", NULL);
		g_assert_true(ferry_state_db_store_trust(db, a, NULL));
		/* SQLite gives the journal the database's mode */
		g_assert_cmpint(g_stat(wal, &st), ==, 0);
		g_assert_cmpint(st.st_mode & 07777, ==, 0600);
	}
	umask(old);
	g_assert_cmpint(g_stat(f->path, &st), ==, 0);
	g_assert_cmpint(st.st_mode & 07777, ==, 0600);
}

static void
test_symlink_refused(StateFixture *f, gconstpointer data)
{
	g_autofree gchar *target = g_build_filename(f->dir, "elsewhere.db", NULL);
	g_autoptr(GError) error = NULL;

	g_assert_cmpint(symlink(target, f->path), ==, 0);
	g_assert_null(ferry_state_db_open(f->path, &error));
	g_assert_nonnull(error);
	g_assert_false(g_file_test(target, G_FILE_TEST_EXISTS));
}

static void
add(const gchar *path, void (*func)(StateFixture *, gconstpointer))
{
	g_test_add(path, StateFixture, NULL, state_fixture_setup, func, state_fixture_teardown);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	add("/state/trust/empty", test_empty);
	add("/state/trust/round-trip", test_round_trip);
	add("/state/trust/replace", test_replace);
	add("/state/trust/updated-at", test_updated_at);
	add("/state/trust/store-is-atomic", test_store_is_atomic);
	add("/state/trust/floor-is-atomic", test_floor_is_atomic);
	add("/state/schema/version", test_schema_version);
	add("/state/schema/journal-mode", test_journal_mode);
	add("/state/schema/newer-refused", test_newer_schema_refused);
	add("/state/file/mode", test_file_mode);
	add("/state/file/symlink-refused", test_symlink_refused);
	return g_test_run();
}
