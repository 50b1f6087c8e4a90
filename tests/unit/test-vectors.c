/*
 * Replays every Uptane test vector in ../shared/uptane-vectors through the
 * device's real check path (ferry_applier_check: state database + cycle),
 * one GTest case per vector. Each step must succeed or fail as expected.json
 * says, a failure must carry a FERRY code that maps from one of the step's
 * aktualizr error codes, and must leave the stored trust state unchanged.
 */
#include <gio/gio.h>
#include <string.h>

#include "ferry-check.h"
#include "ferry-error.h"
#include "ferry-metadata-dir.h"
#include "ferry-test-util.h"

#define ECU_SERIAL  "test_primary_ecu_serial"
#define HARDWARE_ID "test_primary_hardware_id"
#define NOW	    1735689600 /* 2025-01-01T00:00:00Z */

/* aktualizr's error codes (prefix before "::") → FerryError */
static const struct {
	const gchar *err;
	FerryError code;
} error_map[] = {
	{"IllegalThreshold", FERRY_ERROR_ILLEGAL_THRESHOLD},
	{"UnmetThreshold", FERRY_ERROR_SIGNATURE},
	{"NonUniqueSignatures", FERRY_ERROR_DUPLICATE_SIGNATURE},
	{"ExpiredMetadata", FERRY_ERROR_EXPIRED},
	{"SecurityException", FERRY_ERROR_TYPE_MISMATCH},
	{"BadKeyId", FERRY_ERROR_UNKNOWN_KEY},
	{"RootRotationError", FERRY_ERROR_ROOT_ROTATION},
	{"VersionMismatch", FERRY_ERROR_VERSION_MISMATCH},
	{"DelegationMissing", FERRY_ERROR_DELEGATION_MISSING},
	{"DirectorDelegation", FERRY_ERROR_DIRECTOR_DELEGATION},
	{"DirectorRepeatedEcuId", FERRY_ERROR_REPEATED_ECU},
	{"BadEcuId", FERRY_ERROR_UNKNOWN_ECU},
	{"BadHardwareId", FERRY_ERROR_HARDWARE_ID},
	{"TargetMismatch", FERRY_ERROR_TARGET_MISMATCH},
	{"OversizedTarget", FERRY_ERROR_TARGET_LENGTH},
	{"TargetHashMismatch", FERRY_ERROR_TARGET_HASH},
	{"MetadataFetchFailure", FERRY_ERROR_TOO_LARGE},
};

static gint
map_error(const gchar *err)
{
	for (guint i = 0; i < G_N_ELEMENTS(error_map); i++) {
		gsize n = strlen(error_map[i].err);
		if (strncmp(err, error_map[i].err, n) == 0 && (err[n] == '\0' || err[n] == ':'))
			return error_map[i].code;
	}
	g_error("unmapped aktualizr error code %s", err);
	return -1;
}

/* A source over a step directory that also serves the gzipped "too large"
 * targets.json files, decompressing at most max_size + 1 bytes. */
typedef struct {
	FerryMetadataDir *dir;
	gchar *path;
	FerryMetadataSource source;
} VectorSource;

static GBytes *
read_gz(const gchar *path, gsize max_size, GError **error)
{
	g_autoptr(GFile) file = g_file_new_for_path(path);
	g_autoptr(GInputStream) raw = G_INPUT_STREAM(g_file_read(file, NULL, error));
	g_autoptr(GZlibDecompressor) dec = NULL;
	g_autoptr(GInputStream) in = NULL;
	g_autofree guint8 *buf = NULL;
	gsize got = 0;

	if (raw == NULL)
		return NULL;
	dec = g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP);
	in = g_converter_input_stream_new(raw, G_CONVERTER(dec));
	buf = g_malloc(max_size + 1);
	if (!g_input_stream_read_all(in, buf, max_size + 1, &got, NULL, error))
		return NULL;
	if (got > max_size) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE,
			    "%s is over %" G_GSIZE_FORMAT, path, max_size);
		return NULL;
	}
	return g_bytes_new(buf, got);
}

static GBytes *
vector_read(gpointer user_data, FerryRepo repo, const gchar *filename, gsize max_size,
	    GError **error)
{
	VectorSource *vs = user_data;
	const FerryMetadataSource *inner = ferry_metadata_dir_get_source(vs->dir);
	g_autoptr(GError) error_local = NULL;
	GBytes *bytes = inner->read(inner->user_data, repo, filename, max_size, &error_local);
	g_autofree gchar *gz = NULL;

	if (bytes != NULL)
		return bytes;
	gz = g_strdup_printf("%s/%s/%s.gz", vs->path,
			     repo == FERRY_REPO_DIRECTOR ? "director" : "image_repo", filename);
	if (repo != FERRY_REPO_PAYLOAD &&
	    g_error_matches(error_local, FERRY_ERROR, FERRY_ERROR_NOT_FOUND) &&
	    g_file_test(gz, G_FILE_TEST_IS_REGULAR))
		return read_gz(gz, max_size, error);
	g_propagate_error(error, g_steal_pointer(&error_local));
	return NULL;
}

/* every is_success of a step, and its err codes */
static void
collect_expectation(const FerryJsonValue *v, gboolean *ok, GPtrArray *errs)
{
	if (ferry_json_value_get_type(v) != FERRY_JSON_OBJECT)
		return;
	for (guint i = 0; i < ferry_json_value_get_length(v); i++) {
		const gchar *key = ferry_json_object_get_key_at(v, i);
		const FerryJsonValue *child = ferry_json_object_get_value_at(v, i);
		gboolean b = TRUE;
		if (g_str_equal(key, "is_success") && ferry_json_value_get_bool(child, &b) && !b)
			*ok = FALSE;
		else if (g_str_equal(key, "err"))
			g_ptr_array_add(errs, (gpointer)ferry_json_value_get_string(child));
		else
			collect_expectation(child, ok, errs);
	}
}

/* the director's targets for our ECU, sorted */
static GPtrArray *
expected_targets(const gchar *stepdir)
{
	g_autofree gchar *path = g_build_filename(stepdir, "director", "targets.json", NULL);
	g_autoptr(FerryJsonDoc) doc = ferry_test_read_json(path);
	const FerryJsonValue *targets = ferry_json_object_get(
		ferry_json_object_get(ferry_json_doc_get_root(doc), "signed"), "targets");
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; i < ferry_json_value_get_length(targets); i++) {
		const FerryJsonValue *t = ferry_json_object_get_value_at(targets, i);
		const FerryJsonValue *ids =
			ferry_json_object_get(ferry_json_object_get(t, "custom"), "ecuIdentifiers");
		if (ferry_json_object_get(ids, ECU_SERIAL) != NULL)
			g_ptr_array_add(names, g_strdup(ferry_json_object_get_key_at(targets, i)));
	}
	return names;
}

static void
run_step(FerryStateDb *db, const gchar *vdir, guint step, const FerryJsonValue *expect,
	 GBytes *director_root, GBytes *image_root)
{
	g_autofree gchar *stepdir = g_strdup_printf("%s/%u", vdir, step);
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryTrustState) before = ferry_state_db_load_trust(db, &error);
	g_autoptr(FerryTrustState) after = NULL;
	g_autoptr(FerryCycleResult) result = NULL;
	g_autoptr(GPtrArray) errs = g_ptr_array_new();
	VectorSource vs = {0};
	FerryCycleOptions opts = {.hardware_id = HARDWARE_ID,
				  .ecu_serial = ECU_SERIAL,
				  .now = NOW,
				  .init_director_root = director_root,
				  .init_image_root = image_root,
				  .check_payloads = TRUE,
				  /* the vectors assume aktualizr's 8 MiB image targets cap */
				  .max_image_targets_size = 8 * 1024 * 1024};
	gboolean expect_ok = TRUE;
	gboolean ok;

	g_assert_no_error(error);
	collect_expectation(expect, &expect_ok, errs);
	vs.dir = ferry_metadata_dir_new(stepdir, &error);
	g_assert_no_error(error);
	vs.path = stepdir;
	vs.source.read = vector_read;
	vs.source.user_data = &vs;
	ok = ferry_applier_check(db, &vs.source, &opts, &result, &error);
	ferry_metadata_dir_free(vs.dir);
	g_test_message("step %u: expected %s, got %s", step, expect_ok ? "success" : "failure",
		       ok ? "success" : error->message);
	if (expect_ok) {
		g_autoptr(GPtrArray) want = expected_targets(stepdir);
		g_assert_no_error(error);
		g_assert_cmpuint(result->targets->len, ==, want->len);
		for (guint i = 0; i < want->len; i++)
			g_assert_cmpstr(((FerryCycleTarget *)result->targets->pdata[i])->name, ==,
					want->pdata[i]);
		return;
	}
	g_assert_false(ok);
	g_assert_nonnull(error);
	g_assert_true(error->domain == FERRY_ERROR);
	{
		gboolean matched = FALSE;
		for (guint i = 0; i < errs->len && !matched; i++)
			matched = map_error(errs->pdata[i]) == error->code;
		if (!matched)
			g_error("step %u: error %s (%s) matches none of the expected codes (first: "
				"%s)",
				step, ferry_error_code_to_string(error->code), error->message,
				errs->len > 0 ? (const gchar *)errs->pdata[0] : "none");
	}
	after = ferry_state_db_load_trust(db, NULL);
	g_assert_true(ferry_trust_state_equal(before, after));
}

static void
test_vector(gconstpointer data)
{
	const gchar *name = data;
	g_autofree gchar *vdir =
		g_build_filename(ferry_test_shared_dir(), "uptane-vectors", name, NULL);
	g_autofree gchar *expected_path = g_build_filename(vdir, "expected.json", NULL);
	g_autofree gchar *droot_path = g_build_filename(vdir, "0", "director", "1.root.json", NULL);
	g_autofree gchar *iroot_path =
		g_build_filename(vdir, "0", "image_repo", "1.root.json", NULL);
	g_autofree gchar *tmp = ferry_test_mkdtemp();
	g_autofree gchar *dbpath = g_build_filename(tmp, "state.db", NULL);
	g_autoptr(FerryJsonDoc) expected = ferry_test_read_json(expected_path);
	g_autoptr(GBytes) droot = ferry_test_read_file(droot_path);
	g_autoptr(GBytes) iroot = ferry_test_read_file(iroot_path);
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryStateDb) db = ferry_state_db_open(dbpath, &error);
	const FerryJsonValue *steps =
		ferry_json_object_get(ferry_json_doc_get_root(expected), "steps");

	g_assert_no_error(error);
	g_assert_cmpuint(ferry_json_value_get_length(steps), >, 0);
	for (guint i = 0; i < ferry_json_value_get_length(steps); i++)
		run_step(db, vdir, i, ferry_json_array_get(steps, i), droot, iroot);
	g_clear_pointer(&db, ferry_state_db_free);
	ferry_test_rm_rf(tmp);
}

int
main(int argc, char **argv)
{
	g_autofree gchar *index_path = NULL;
	g_autoptr(FerryJsonDoc) index = NULL;
	const FerryJsonValue *list;

	g_test_init(&argc, &argv, NULL);
	index_path =
		g_build_filename(ferry_test_shared_dir(), "uptane-vectors", "index.json", NULL);
	index = ferry_test_read_json(index_path);
	list = ferry_json_doc_get_root(index);
	/* all 86, no silent skips */
	g_assert_cmpuint(ferry_json_value_get_length(list), ==, 86);
	for (guint i = 0; i < ferry_json_value_get_length(list); i++) {
		const gchar *name = ferry_json_value_get_string(
			ferry_json_object_get(ferry_json_array_get(list, i), "name"));
		g_autofree gchar *path = g_strdup_printf("/vectors/%s", name);
		g_test_add_data_func_full(path, g_strdup(name), test_vector, g_free);
	}
	return g_test_run();
}
