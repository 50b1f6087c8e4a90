/*
 * Replays the attack and happy-path scenarios that tests/data/gen makes with
 * an independent implementation (python3-securesystemslib), through the
 * device's real check path: one GTest case per scenario, each with its own
 * state database. Every failing step must fail with its specific code and
 * leave the trust state unchanged; every successful one must choose exactly
 * the expected targets and store its new state. Assertions are non-fatal, so
 * one failing scenario does not hide the others.
 */
#include <gio/gio.h>
#include <string.h>

#include "ferry-check.h"
#include "ferry-error.h"
#include "ferry-metadata-dir.h"
#include "ferry-metadata.h"
#include "ferry-test-util.h"

#define MIN_SCENARIOS 40

static gchar *scenario_dir;

typedef struct {
	FerryStateDb *db;
	const gchar *dir;
	const FerryJsonValue *scen;
	GBytes *director_root;
	GBytes *image_root;
} Scenario;

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

static const gchar *
code_name(const GError *error)
{
	return ferry_error_code_to_string(error->domain == FERRY_ERROR ? error->code
								       : FERRY_ERROR_FAILED);
}

/* "error" is one code or a list of acceptable codes */
static gboolean
code_expected(const FerryJsonValue *want, const GError *error)
{
	const gchar *name = code_name(error);

	if (error->domain != FERRY_ERROR)
		return FALSE;
	if (ferry_json_value_get_type(want) == FERRY_JSON_STRING)
		return g_strcmp0(ferry_json_value_get_string(want), name) == 0;
	for (guint i = 0; i < ferry_json_value_get_length(want); i++) {
		if (g_strcmp0(ferry_json_value_get_string(ferry_json_array_get(want, i)), name) ==
		    0)
			return TRUE;
	}
	return FALSE;
}

static gint
cmp_strings(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const gchar *const *)a, *(const gchar *const *)b);
}

/* the chosen targets, by name (order aside), all for this device */
static gboolean
check_targets(const Scenario *s, const gchar *what, const FerryCycleResult *result,
	      const FerryJsonValue *want)
{
	g_autoptr(GPtrArray) got_names = g_ptr_array_new();
	g_autoptr(GPtrArray) want_names = g_ptr_array_new();
	const gchar *ecu =
		ferry_json_value_get_string(ferry_json_object_get(s->scen, "ecu_serial"));
	g_autofree gchar *got_s = NULL;
	g_autofree gchar *want_s = NULL;

	for (guint i = 0; i < result->targets->len; i++) {
		const FerryCycleTarget *t = result->targets->pdata[i];
		if (g_strcmp0(t->ecu_serial, ecu) != 0) {
			g_test_fail_printf("%s: target %s is for ECU %s", what, t->name,
					   t->ecu_serial);
			return FALSE;
		}
		g_ptr_array_add(got_names, t->name);
	}
	for (guint i = 0; i < ferry_json_value_get_length(want); i++)
		g_ptr_array_add(want_names, (gpointer)ferry_json_value_get_string(
						    ferry_json_array_get(want, i)));
	g_ptr_array_sort(got_names, cmp_strings);
	g_ptr_array_sort(want_names, cmp_strings);
	g_ptr_array_add(got_names, NULL);
	g_ptr_array_add(want_names, NULL);
	got_s = g_strjoinv(", ", (gchar **)got_names->pdata);
	want_s = g_strjoinv(", ", (gchar **)want_names->pdata);
	if (!g_str_equal(got_s, want_s)) {
		g_test_fail_printf("%s: chose [%s], expected [%s]", what, got_s, want_s);
		return FALSE;
	}
	return TRUE;
}

static gboolean
check_stored(const Scenario *s, const FerryTrustState *want, const gchar *what)
{
	g_autoptr(FerryTrustState) stored = ferry_state_db_load_trust(s->db, NULL);

	if (stored == NULL || !ferry_trust_state_equal(want, stored)) {
		g_test_fail_printf("%s: the stored trust state is not what it should be", what);
		return FALSE;
	}
	return TRUE;
}

static gboolean
run_cycle(const Scenario *s, const FerryJsonValue *step, FerryCycleResult **out_result,
	  GError **error)
{
	const gchar *sub = ferry_json_value_get_string(ferry_json_object_get(step, "dir"));
	const gchar *now = ferry_json_value_get_string(ferry_json_object_get(step, "now"));
	g_autofree gchar *stepdir = g_build_filename(s->dir, sub, NULL);
	g_autoptr(FerryMetadataDir) md = NULL;
	FerryCycleOptions opts = {0};

	g_assert_true(ferry_parse_iso8601(now, &opts.now, NULL));
	opts.hardware_id =
		ferry_json_value_get_string(ferry_json_object_get(s->scen, "hardware_id"));
	opts.ecu_serial = ferry_json_value_get_string(ferry_json_object_get(s->scen, "ecu_serial"));
	opts.init_director_root = s->director_root;
	opts.init_image_root = s->image_root;
	opts.check_payloads = TRUE;
	md = ferry_metadata_dir_new(stepdir, error);
	if (md == NULL)
		return FALSE;
	return ferry_applier_check(s->db, ferry_metadata_dir_get_source(md), &opts, out_result,
				   error);
}

static gboolean
run_step(const Scenario *s, const FerryJsonValue *step)
{
	g_autofree gchar *what = g_strdup_printf(
		"step %s", ferry_json_value_get_string(ferry_json_object_get(step, "dir")));
	const FerryJsonValue *want_error = ferry_json_object_get(step, "error");
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryTrustState) before = ferry_state_db_load_trust(s->db, &error);
	g_autoptr(FerryCycleResult) result = NULL;
	g_autofree gchar *want_s = NULL;
	gboolean expect_ok = FALSE;

	g_assert_no_error(error);
	g_assert_true(ferry_json_value_get_bool(ferry_json_object_get(step, "ok"), &expect_ok));
	want_s = want_error != NULL ? ferry_json_to_string(want_error, FALSE) : g_strdup("success");
	if (run_cycle(s, step, &result, &error)) {
		g_test_message("%s: success (expected %s)", what, want_s);
		if (!expect_ok) {
			g_test_fail_printf("%s: succeeded, expected %s", what, want_s);
			return FALSE;
		}
		return check_targets(s, what, result, ferry_json_object_get(step, "targets")) &&
		       check_stored(s, result->state, what);
	}
	g_test_message("%s: %s: %s (expected %s)", what, code_name(error), error->message, want_s);
	if (expect_ok) {
		g_test_fail_printf("%s: failed with %s: %s; expected success", what,
				   code_name(error), error->message);
		return FALSE;
	}
	if (!code_expected(want_error, error)) {
		g_test_fail_printf("%s: failed with %s (%s), expected %s", what, code_name(error),
				   error->message, want_s);
		return FALSE;
	}
	return check_stored(s, before, what);
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
	const gchar *description =
		ferry_json_value_get_string(ferry_json_object_get(scen, "description"));
	g_autoptr(GBytes) droot = read_init(dir, init, "director_root");
	g_autoptr(GBytes) iroot = read_init(dir, init, "image_root");
	g_autofree gchar *tmp = ferry_test_mkdtemp();
	g_autofree gchar *dbpath = g_build_filename(tmp, "state.db", NULL);
	g_autoptr(GError) error = NULL;
	Scenario s = {.dir = dir, .scen = scen, .director_root = droot, .image_root = iroot};

	g_test_message("%s", description != NULL ? description : "(no description)");
	g_assert_cmpuint(ferry_json_value_get_length(steps), >, 0);
	s.db = ferry_state_db_open(dbpath, &error);
	g_assert_no_error(error);
	if (s.db == NULL)
		return;
	/* the first failing step ends the scenario: later ones depend on it */
	for (guint i = 0; i < ferry_json_value_get_length(steps); i++) {
		if (!run_step(&s, ferry_json_array_get(steps, i)))
			break;
	}
	ferry_state_db_free(s.db);
	ferry_test_rm_rf(tmp);
}

/* ---- generation ---- */

static const gchar *
python3(void)
{
	const gchar *p = g_getenv("PYTHON3");
	return p != NULL && *p != '\0' ? p : "python3";
}

/* FALSE with @out_why when python3 or its modules are missing */
static gboolean
generator_available(gchar **out_why)
{
	const gchar *argv[] = {python3(), "-c", "import securesystemslib, cryptography", NULL};
	g_autoptr(GError) error = NULL;
	g_autofree gchar *err = NULL;
	gint status = 0;

	if (!g_spawn_sync(NULL, (gchar **)argv, NULL,
			  G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
			  &status, &error)) {
		*out_why = g_strdup_printf("%s: %s", python3(), error->message);
		return FALSE;
	}
	if (!g_spawn_check_wait_status(status, NULL)) {
		/* the traceback's last line names the missing module */
		const gchar *last = NULL;
		g_strstrip(err);
		last = strrchr(err, '\n');
		*out_why = g_strdup_printf("%s cannot run the generator: %s", python3(),
					   last != NULL ? last + 1 : err);
		return FALSE;
	}
	return TRUE;
}

static gboolean
generate(const gchar *out, GError **error)
{
	g_autofree gchar *script = g_build_filename(ferry_test_srcdir(), "tests", "data", "gen",
						    "gen-scenarios.py", NULL);
	const gchar *argv[] = {python3(), script, out, NULL};
	g_autofree gchar *err = NULL;
	gint status = 0;

	if (!g_spawn_sync(NULL, (gchar **)argv, NULL,
			  G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
			  &status, error))
		return FALSE;
	if (!g_spawn_check_wait_status(status, error)) {
		g_prefix_error(error, "gen-scenarios.py: %s: ", err != NULL ? err : "");
		return FALSE;
	}
	return TRUE;
}

static void
test_skip(gconstpointer data)
{
	g_test_skip(data);
}

static void
test_generator_failed(gconstpointer data)
{
	g_test_fail_printf("%s", (const gchar *)data);
}

static GPtrArray *
list_scenarios(const gchar *dir)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	const gchar *name;

	while (d != NULL && (name = g_dir_read_name(d)) != NULL)
		g_ptr_array_add(names, g_strdup(name));
	g_ptr_array_sort(names, cmp_strings);
	return names;
}

int
main(int argc, char **argv)
{
	g_autoptr(GPtrArray) names = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *why = NULL;
	int rc;

	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	if (!generator_available(&why)) {
		g_test_add_data_func("/scenarios/generator", why, test_skip);
		return g_test_run();
	}
	scenario_dir = ferry_test_mkdtemp();
	/* the generator is part of the test: if it breaks, say so */
	if (!generate(scenario_dir, &error)) {
		g_test_add_data_func("/scenarios/generator", error->message, test_generator_failed);
		rc = g_test_run();
		ferry_test_rm_rf(scenario_dir);
		g_free(scenario_dir);
		return rc;
	}
	names = list_scenarios(scenario_dir);
	if (names->len < MIN_SCENARIOS)
		g_error("gen-scenarios.py wrote %u scenarios, expected at least %d", names->len,
			MIN_SCENARIOS);
	for (guint i = 0; i < names->len; i++) {
		g_autofree gchar *path = g_strdup_printf("/scenarios/%s", (gchar *)names->pdata[i]);
		g_test_add_data_func(path, names->pdata[i], test_scenario);
	}
	rc = g_test_run();
	ferry_test_rm_rf(scenario_dir);
	g_free(scenario_dir);
	return rc;
}
