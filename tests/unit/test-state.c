/*
 * The device state database: round trips, atomic replacement, file mode.
 */
#include <glib/gstdio.h>
#include <string.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "ferry-error.h"
#include "ferry-state.h"
#include "ferry-test-util.h"

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

static void
test_round_trip(void)
{
	g_autofree gchar *dir = ferry_test_mkdtemp();
	g_autofree gchar *path = g_build_filename(dir, "state.db", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryTrustState) a = make_state("a", 1700000000);
	g_autoptr(FerryTrustState) loaded = NULL;
	struct stat st;

	{
		g_autoptr(FerryStateDb) db = ferry_state_db_open(path, &error);
		g_assert_no_error(error);
		g_assert_true(ferry_state_db_store_trust(db, a, &error));
		g_assert_no_error(error);
	}
	/* reopened: everything is there, and the file is private */
	{
		g_autoptr(FerryStateDb) db = ferry_state_db_open(path, &error);
		g_assert_no_error(error);
		loaded = ferry_state_db_load_trust(db, &error);
		g_assert_no_error(error);
		g_assert_true(ferry_trust_state_equal(a, loaded));
		g_assert_cmpint(ferry_trust_state_get_time_floor(loaded), ==, 1700000000);
	}
	g_assert_cmpint(g_stat(path, &st), ==, 0);
	g_assert_cmpint(st.st_mode & 0777, ==, 0600);
	ferry_test_rm_rf(dir);
}

/* a failure in the middle of a store leaves the previous state whole */
static void
test_store_is_atomic(void)
{
	g_autofree gchar *dir = ferry_test_mkdtemp();
	g_autofree gchar *path = g_build_filename(dir, "state.db", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryStateDb) db = ferry_state_db_open(path, &error);
	g_autoptr(FerryTrustState) a = make_state("a", 100);
	g_autoptr(FerryTrustState) b = make_state("b", 200);
	g_autoptr(FerryTrustState) loaded = NULL;

	g_assert_no_error(error);
	g_assert_true(ferry_state_db_store_trust(db, a, &error));
	/* the third row of the next store fails */
	g_assert_cmpint(
		sqlite3_exec(ferry_state_db_get_handle(db),
			     "CREATE TEMP TRIGGER boom BEFORE INSERT ON trust_metadata "
			     "WHEN NEW.key = 'image/root' BEGIN SELECT RAISE(ABORT, 'boom'); END",
			     NULL, NULL, NULL),
		==, SQLITE_OK);
	g_assert_false(ferry_state_db_store_trust(db, b, &error));
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_STATE);
	loaded = ferry_state_db_load_trust(db, NULL);
	g_assert_true(ferry_trust_state_equal(a, loaded));
	ferry_test_rm_rf(dir);
}

static void
test_newer_schema_refused(void)
{
	g_autofree gchar *dir = ferry_test_mkdtemp();
	g_autofree gchar *path = g_build_filename(dir, "state.db", NULL);
	g_autoptr(GError) error = NULL;

	{
		g_autoptr(FerryStateDb) db = ferry_state_db_open(path, &error);
		g_assert_no_error(error);
		g_assert_cmpint(sqlite3_exec(ferry_state_db_get_handle(db),
					     "PRAGMA user_version = 99", NULL, NULL, NULL),
				==, SQLITE_OK);
	}
	g_assert_null(ferry_state_db_open(path, &error));
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_STATE);
	ferry_test_rm_rf(dir);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/state/trust/round-trip", test_round_trip);
	g_test_add_func("/state/trust/store-is-atomic", test_store_is_atomic);
	g_test_add_func("/state/schema/newer-refused", test_newer_schema_refused);
	return g_test_run();
}
