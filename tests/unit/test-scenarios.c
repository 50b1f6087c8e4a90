/*
 * Replays the attack and happy-path scenarios that tests/data/gen makes with
 * an independent implementation (python3-securesystemslib), through the
 * device's real check path: one GTest case per scenario. Every failing step
 * must fail with its specific code and leave the trust state unchanged.
 */
#include <gio/gio.h>
#include <string.h>

#include "ferry-check.h"
#include "ferry-error.h"
#include "ferry-metadata-dir.h"
#include "ferry-metadata.h"
#include "ferry-test-util.h"

static gchar *scenario_dir;

static GBytes *
read_init(const gchar *dir, const FerryJsonValue *init, const gchar *key)
{
	const gchar *rel = ferry_json_value_get_string(ferry_json_object_get(init, key));
	g_autofree gchar *path = NULL;

	if (rel == NULL)
		return NULL;
	path = g_build_filename(dir, rel, NULL);
	return ferry_test_read_file(path);
}

static gboolean
code_expected(const FerryJsonValue *want, gint code)
{
	const gchar *name = ferry_error_code_to_string(code);

	if (ferry_json_value_get_type(want) == FERRY_JSON_STRING)
		return g_str_equal(ferry_json_value_get_string(want), name);
	for (guint i = 0; i < ferry_json_value_get_length(want); i++) {
		if (g_str_equal(ferry_json_value_get_string(ferry_json_array_get(want, i)), name))
			return TRUE;
	}
	return FALSE;
}

static void
check_targets(const FerryCycleResult *result, const FerryJsonValue *want)
{
	g_assert_cmpuint(result->targets->len, ==, ferry_json_value_get_length(want));
	for (guint i = 0; i < result->targets->len; i++)
		g_assert_cmpstr(((FerryCycleTarget *)result->targets->pdata[i])->name, ==,
				ferry_json_value_get_string(ferry_json_array_get(want, i)));
}

static void
run_step(FerryStateDb *db, const gchar *dir, const FerryJsonValue *scen, const FerryJsonValue *step,
	 GBytes *droot, GBytes *iroot)
{
	const gchar *sub = ferry_json_value_get_string(ferry_json_object_get(step, "dir"));
	const gchar *now = ferry_json_value_get_string(ferry_json_object_get(step, "now"));
	g_autofree gchar *stepdir = g_build_filename(dir, sub, NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryMetadataDir) md = ferry_metadata_dir_new(stepdir, &error);
	g_autoptr(FerryTrustState) before = ferry_state_db_load_trust(db, &error);
	g_autoptr(FerryTrustState) after = NULL;
	g_autoptr(FerryCycleResult) result = NULL;
	gboolean expect_ok = FALSE;
	FerryCycleOptions opts = {0};
	gboolean ok;

	g_assert_no_error(error);
	g_assert_true(ferry_json_value_get_bool(ferry_json_object_get(step, "ok"), &expect_ok));
	g_assert_true(ferry_parse_iso8601(now, &opts.now, NULL));
	opts.hardware_id = ferry_json_value_get_string(ferry_json_object_get(scen, "hardware_id"));
	opts.ecu_serial = ferry_json_value_get_string(ferry_json_object_get(scen, "ecu_serial"));
	opts.init_director_root = droot;
	opts.init_image_root = iroot;
	opts.check_payloads = TRUE;
	ok = ferry_applier_check(db, ferry_metadata_dir_get_source(md), &opts, &result, &error);
	g_test_message("step %s: expected %s, got %s", sub, expect_ok ? "success" : "failure",
		       ok ? "success" : error->message);
	if (expect_ok) {
		g_assert_no_error(error);
		check_targets(result, ferry_json_object_get(step, "targets"));
		return;
	}
	g_assert_false(ok);
	g_assert_true(error->domain == FERRY_ERROR);
	if (!code_expected(ferry_json_object_get(step, "error"), error->code))
		g_error("step %s failed with '%s' (%s), not the expected code", sub,
			ferry_error_code_to_string(error->code), error->message);
	after = ferry_state_db_load_trust(db, NULL);
	g_assert_true(ferry_trust_state_equal(before, after));
}

static void
test_scenario(gconstpointer data)
{
	const gchar *name = data;
	g_autofree gchar *dir = g_build_filename(scenario_dir, name, NULL);
	g_autofree gchar *json_path = g_build_filename(dir, "scenario.json", NULL);
	g_autoptr(FerryJsonDoc) doc = ferry_test_read_json(json_path);
	const FerryJsonValue *scen = ferry_json_doc_get_root(doc);
	const FerryJsonValue *init = ferry_json_object_get(scen, "init");
	const FerryJsonValue *steps = ferry_json_object_get(scen, "steps");
	g_autoptr(GBytes) droot = read_init(dir, init, "director_root");
	g_autoptr(GBytes) iroot = read_init(dir, init, "image_root");
	g_autofree gchar *tmp = ferry_test_mkdtemp();
	g_autofree gchar *dbpath = g_build_filename(tmp, "state.db", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryStateDb) db = ferry_state_db_open(dbpath, &error);

	g_assert_no_error(error);
	g_test_message("%s",
		       ferry_json_value_get_string(ferry_json_object_get(scen, "description")));
	for (guint i = 0; i < ferry_json_value_get_length(steps); i++)
		run_step(db, dir, scen, ferry_json_array_get(steps, i), droot, iroot);
	g_clear_pointer(&db, ferry_state_db_free);
	ferry_test_rm_rf(tmp);
}

static gboolean
generate(const gchar *out)
{
	const gchar *python =
		g_getenv("PYTHON3") != NULL ? g_getenv("PYTHON3") : "/usr/bin/python3";
	g_autofree gchar *script = g_build_filename(ferry_test_srcdir(), "tests", "data", "gen",
						    "gen-scenarios.py", NULL);
	const gchar *argv[] = {python, script, out, NULL};
	g_autofree gchar *err = NULL;
	gint status = 0;

	if (!g_spawn_sync(NULL, (gchar **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
			  &err, &status, NULL) ||
	    !g_spawn_check_wait_status(status, NULL)) {
		g_printerr("gen-scenarios.py failed: %s\n", err != NULL ? err : "");
		return FALSE;
	}
	return TRUE;
}

static gint
cmp_names(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const gchar *const *)a, *(const gchar *const *)b);
}

int
main(int argc, char **argv)
{
	g_autoptr(GDir) dir = NULL;
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	const gchar *name;
	int rc;

	g_test_init(&argc, &argv, NULL);
	scenario_dir = ferry_test_mkdtemp();
	/* the generator is part of the test: without it nothing here means anything */
	g_assert_true(generate(scenario_dir));
	dir = g_dir_open(scenario_dir, 0, NULL);
	while ((name = g_dir_read_name(dir)) != NULL)
		g_ptr_array_add(names, g_strdup(name));
	g_ptr_array_sort(names, cmp_names);
	g_assert_cmpuint(names->len, >=, 40);
	for (guint i = 0; i < names->len; i++) {
		g_autofree gchar *path = g_strdup_printf("/scenarios/%s", (gchar *)names->pdata[i]);
		g_test_add_data_func(path, names->pdata[i], test_scenario);
	}
	rc = g_test_run();
	ferry_test_rm_rf(scenario_dir);
	g_free(scenario_dir);
	return rc;
}
