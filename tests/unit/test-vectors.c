/*
 * Replays every Uptane test vector in $FERRY_SHARED_DIR/uptane-vectors
 * through the device's real check path (ferry_applier_check: state database
 * + cycle), one GTest case per vector, each with its own state database.
 *
 * Each step must succeed or fail as expected.json says (it succeeds iff
 * every is_success in it is true). A failure must carry a FERRY code that
 * maps from one of the step's aktualizr error codes and must leave the stored
 * trust state unchanged; a success must choose exactly the director's
 * targets for our ECU. Assertions are non-fatal, so one failing vector does
 * not hide the others.
 */
#include <gio/gio.h>
#include <string.h>

#include "ferry-check.h"
#include "ferry-error.h"
#include "ferry-metadata-dir.h"
#include "ferry-metadata.h"
#include "ferry-test-util.h"

#define ECU_SERIAL  "test_primary_ecu_serial"
#define HARDWARE_ID "test_primary_hardware_id"
#define NOW	    "2025-01-01T00:00:00Z"
#define N_VECTORS   86
/* aktualizr's image targets cap, which image_repo_targets_too_large assumes */
#define AKTUALIZR_MAX_IMAGE_TARGETS_SIZE (8 * 1024 * 1024)

/* aktualizr's error codes (the part before "::") → FerryError */
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

/* -1 for a code this table does not know (the test then fails) */
static gint
map_error(const gchar *err)
{
	for (guint i = 0; i < G_N_ELEMENTS(error_map); i++) {
		gsize n = strlen(error_map[i].err);
		if (strncmp(err, error_map[i].err, n) == 0 && (err[n] == '\0' || err[n] == ':'))
			return error_map[i].code;
	}
	return -1;
}

/* ---- a source that also serves the gzipped "too large" targets.json ---- */

typedef struct {
	FerryMetadataDir *dir;
	const gchar *stepdir;
	FerryMetadataSource source;
} VectorSource;

/* decompresses at most @max_size + 1 bytes: enough to know it is too large */
static GBytes *
read_gz(const gchar *path, gsize max_size, GError **error)
{
	g_autoptr(GFile) file = g_file_new_for_path(path);
	g_autoptr(GFileInputStream) raw = g_file_read(file, NULL, error);
	g_autoptr(GZlibDecompressor) dec = NULL;
	g_autoptr(GInputStream) in = NULL;
	g_autofree guint8 *buf = NULL;
	gsize got = 0;

	if (raw == NULL) {
		ferry_error_convert(error);
		return NULL;
	}
	dec = g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP);
	in = g_converter_input_stream_new(G_INPUT_STREAM(raw), G_CONVERTER(dec));
	buf = g_malloc(max_size + 1);
	if (!g_input_stream_read_all(in, buf, max_size + 1, &got, NULL, error)) {
		ferry_error_convert(error);
		return NULL;
	}
	if (got > max_size) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE,
			    "%s decompresses to more than %" G_GSIZE_FORMAT " bytes", path,
			    max_size);
		return NULL;
	}
	return g_bytes_new(buf, got);
}

static GBytes *
vector_read_cb(gpointer user_data, FerryRepo repo, const gchar *filename, gsize max_size,
	       GError **error)
{
	VectorSource *vs = user_data;
	const FerryMetadataSource *inner = ferry_metadata_dir_get_source(vs->dir);
	g_autoptr(GError) error_local = NULL;
	GBytes *bytes = inner->read(inner->user_data, repo, filename, max_size, &error_local);
	g_autofree gchar *gz = NULL;

	if (bytes != NULL)
		return bytes;
	if (repo != FERRY_REPO_PAYLOAD &&
	    g_error_matches(error_local, FERRY_ERROR, FERRY_ERROR_NOT_FOUND)) {
		gz = g_strdup_printf("%s/%s/%s.gz", vs->stepdir,
				     repo == FERRY_REPO_DIRECTOR ? "director" : "image_repo",
				     filename);
		if (g_file_test(gz, G_FILE_TEST_IS_REGULAR))
			return read_gz(gz, max_size, error);
	}
	g_propagate_error(error, g_steal_pointer(&error_local));
	return NULL;
}

/* ---- expectations ---- */

/* every is_success of a step (any depth), and its err codes */
static void
collect_expectation(const FerryJsonValue *v, gboolean *ok, GPtrArray *errs)
{
	if (ferry_json_value_get_type(v) != FERRY_JSON_OBJECT)
		return;
	for (guint i = 0; i < ferry_json_value_get_length(v); i++) {
		const gchar *key = ferry_json_object_get_key_at(v, i);
		const FerryJsonValue *child = ferry_json_object_get_value_at(v, i);
		gboolean b = TRUE;

		if (g_str_equal(key, "is_success")) {
			g_assert_true(ferry_json_value_get_bool(child, &b));
			if (!b)
				*ok = FALSE;
		} else if (g_str_equal(key, "err")) {
			g_ptr_array_add(errs, (gpointer)ferry_json_value_get_string(child));
		} else {
			collect_expectation(child, ok, errs);
		}
	}
}

/* the stable name of @error's code; "failed" outside FERRY_ERROR */
static const gchar *
code_name(const GError *error)
{
	return ferry_error_code_to_string(error->domain == FERRY_ERROR ? error->code
								       : FERRY_ERROR_FAILED);
}

static gboolean
error_expected(const GError *error, GPtrArray *errs)
{
	if (error->domain != FERRY_ERROR)
		return FALSE;
	for (guint i = 0; i < errs->len; i++) {
		if (map_error(errs->pdata[i]) == error->code)
			return TRUE;
	}
	return FALSE;
}

static gchar *
join_errs(GPtrArray *errs)
{
	g_autoptr(GPtrArray) copy = g_ptr_array_copy(errs, NULL, NULL);

	g_ptr_array_add(copy, NULL);
	return g_strjoinv(", ", (gchar **)copy->pdata);
}

/* the director's targets for our ECU must be exactly what was chosen */
static gboolean
check_targets(const gchar *stepdir, const FerryCycleResult *result)
{
	g_autofree gchar *path = g_build_filename(stepdir, "director", "targets.json", NULL);
	g_autoptr(FerryJsonDoc) doc = ferry_test_read_json(path);
	const FerryJsonValue *targets = ferry_json_object_get(
		ferry_json_object_get(ferry_json_doc_get_root(doc), "signed"), "targets");
	guint n = 0;

	for (guint i = 0; i < ferry_json_value_get_length(targets); i++) {
		const FerryJsonValue *t = ferry_json_object_get_value_at(targets, i);
		const FerryJsonValue *ids =
			ferry_json_object_get(ferry_json_object_get(t, "custom"), "ecuIdentifiers");
		const gchar *sha256 = ferry_json_value_get_string(
			ferry_json_object_get(ferry_json_object_get(t, "hashes"), "sha256"));
		const FerryCycleTarget *got;
		gint64 length = -1;

		if (ferry_json_object_get(ids, ECU_SERIAL) == NULL)
			continue;
		g_assert_true(
			ferry_json_value_get_int(ferry_json_object_get(t, "length"), &length));
		if (n >= result->targets->len) {
			g_test_fail_printf("target %s was not chosen",
					   ferry_json_object_get_key_at(targets, i));
			return FALSE;
		}
		got = result->targets->pdata[n++];
		if (g_strcmp0(got->name, ferry_json_object_get_key_at(targets, i)) != 0 ||
		    got->length != length || g_strcmp0(got->sha256, sha256) != 0 ||
		    g_strcmp0(got->ecu_serial, ECU_SERIAL) != 0 ||
		    g_strcmp0(got->hardware_id, HARDWARE_ID) != 0) {
			g_test_fail_printf("chose %s (%" G_GINT64_FORMAT " bytes, %s, ECU %s, %s), "
					   "expected the director's %s",
					   got->name, got->length, got->sha256, got->ecu_serial,
					   got->hardware_id,
					   ferry_json_object_get_key_at(targets, i));
			return FALSE;
		}
	}
	if (n != result->targets->len) {
		g_test_fail_printf("chose %u targets, the director has %u for us",
				   result->targets->len, n);
		return FALSE;
	}
	return TRUE;
}

/* ---- one step, one vector ---- */

typedef struct {
	FerryStateDb *db;
	const gchar *vdir;
	GBytes *director_root;
	GBytes *image_root;
} Vector;

static gboolean
run_cycle(const Vector *v, const gchar *stepdir, FerryCycleResult **out_result, GError **error)
{
	VectorSource vs = {.stepdir = stepdir};
	FerryCycleOptions opts = {.hardware_id = HARDWARE_ID,
				  .ecu_serial = ECU_SERIAL,
				  .init_director_root = v->director_root,
				  .init_image_root = v->image_root,
				  .check_payloads = TRUE,
				  .max_image_targets_size = AKTUALIZR_MAX_IMAGE_TARGETS_SIZE};
	gboolean ok;

	g_assert_true(ferry_parse_iso8601(NOW, &opts.now, NULL));
	vs.dir = ferry_metadata_dir_new(stepdir, error);
	if (vs.dir == NULL)
		return FALSE;
	vs.source.read = vector_read_cb;
	vs.source.user_data = &vs;
	ok = ferry_applier_check(v->db, &vs.source, &opts, out_result, error);
	ferry_metadata_dir_free(vs.dir);
	return ok;
}

static gboolean
check_stored(const Vector *v, const FerryTrustState *want, const gchar *what)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryTrustState) stored = ferry_state_db_load_trust(v->db, &error);

	if (stored == NULL || !ferry_trust_state_equal(want, stored)) {
		g_test_fail_printf("%s: the stored trust state is not what it should be", what);
		return FALSE;
	}
	return TRUE;
}

static gboolean
run_step(const Vector *v, guint step, const FerryJsonValue *expect)
{
	g_autofree gchar *stepdir = g_strdup_printf("%s/%u", v->vdir, step);
	g_autofree gchar *what = g_strdup_printf("step %u", step);
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryTrustState) before = ferry_state_db_load_trust(v->db, &error);
	g_autoptr(FerryCycleResult) result = NULL;
	g_autoptr(GPtrArray) errs = g_ptr_array_new();
	g_autofree gchar *want_errs = NULL;
	gboolean expect_ok = TRUE;

	g_assert_no_error(error);
	collect_expectation(expect, &expect_ok, errs);
	want_errs = join_errs(errs);
	if (run_cycle(v, stepdir, &result, &error)) {
		g_test_message("%s: success (expected %s)", what,
			       expect_ok ? "success" : want_errs);
		if (!expect_ok) {
			g_test_fail_printf("%s: succeeded, expected failure (%s)", what, want_errs);
			return FALSE;
		}
		return check_targets(stepdir, result) && check_stored(v, result->state, what);
	}
	g_test_message("%s: %s: %s (expected %s)", what, code_name(error), error->message,
		       expect_ok ? "success" : want_errs);
	if (expect_ok) {
		g_test_fail_printf("%s: failed with %s: %s; expected success", what,
				   code_name(error), error->message);
		return FALSE;
	}
	if (!error_expected(error, errs)) {
		g_test_fail_printf("%s: failed with %s (%s), which maps from none of: %s", what,
				   code_name(error), error->message, want_errs);
		return FALSE;
	}
	return check_stored(v, before, what);
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
	const FerryJsonValue *steps =
		ferry_json_object_get(ferry_json_doc_get_root(expected), "steps");
	Vector v = {.vdir = vdir, .director_root = droot, .image_root = iroot};

	v.db = ferry_state_db_open(dbpath, &error);
	g_assert_no_error(error);
	if (v.db == NULL)
		return;
	g_assert_cmpuint(ferry_json_value_get_length(steps), >, 0);
	/* the first failing step ends the vector: later ones depend on it */
	for (guint i = 0; i < ferry_json_value_get_length(steps); i++) {
		if (!run_step(&v, i, ferry_json_array_get(steps, i)))
			break;
	}
	ferry_state_db_free(v.db);
	ferry_test_rm_rf(tmp);
}

int
main(int argc, char **argv)
{
	g_autofree gchar *index_path = NULL;
	g_autoptr(FerryJsonDoc) index = NULL;
	const FerryJsonValue *list;

	g_test_init(&argc, &argv, NULL);
	/* one vector's failure must not hide the others' results */
	g_test_set_nonfatal_assertions();
	index_path =
		g_build_filename(ferry_test_shared_dir(), "uptane-vectors", "index.json", NULL);
	index = ferry_test_read_json(index_path);
	list = ferry_json_doc_get_root(index);
	/* all of them, no silent skips */
	if (ferry_json_value_get_length(list) != N_VECTORS)
		g_error("index.json lists %u vectors, not %d", ferry_json_value_get_length(list),
			N_VECTORS);
	for (guint i = 0; i < ferry_json_value_get_length(list); i++) {
		const gchar *name = ferry_json_value_get_string(
			ferry_json_object_get(ferry_json_array_get(list, i), "name"));
		g_autofree gchar *path = g_strdup_printf("/vectors/%s", name);
		g_test_add_data_func_full(path, g_strdup(name), test_vector, g_free);
	}
	return g_test_run();
}
