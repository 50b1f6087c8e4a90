/*
 * ferry — bundle inspect / bundle verify.
 */
#include "ferry-bundle-verify.h"

#include <fcntl.h>
#include <unistd.h>

#include "ferry-autocleanups.h"
#include "ferry-bundle.h"
#include "ferry-error.h"

/* streams every payload through its manifest check; @out lists them */
static gboolean
check_payloads(FerryBundleReader *reader, GString *out, guint *out_count, GError **error)
{
	ferry_autofd int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	const gchar *path;
	gint64 size;
	g_autoptr(GError) error_local = NULL;

	*out_count = 0;
	while (ferry_bundle_reader_next_payload(reader, &path, &size, &error_local)) {
		g_autofree gchar *sha = NULL;
		if (!ferry_bundle_reader_copy_payload(reader, devnull, &sha, error))
			return FALSE;
		g_string_append_printf(out, "  %-80s %12" G_GINT64_FORMAT " %s\n", path, size, sha);
		(*out_count)++;
	}
	if (error_local != NULL) {
		g_propagate_error(error, g_steal_pointer(&error_local));
		return FALSE;
	}
	return TRUE;
}

static guint
manifest_payload_count(FerryJsonDoc *manifest, FerryBundleReader *reader)
{
	const FerryJsonValue *members =
		ferry_json_object_get(ferry_json_doc_get_root(manifest), "members");
	guint n = 0;

	for (guint i = 0; i < ferry_json_value_get_length(members); i++) {
		const gchar *p = ferry_json_value_get_string(
			ferry_json_object_get(ferry_json_array_get(members, i), "path"));
		if (ferry_bundle_reader_get_part(reader, p) == NULL)
			n++;
	}
	return n;
}

gchar *
ferry_bundle_inspect(const gchar *path, gboolean json, GError **error)
{
	g_autoptr(FerryBundleReader) reader = ferry_bundle_reader_open(path, error);
	g_autoptr(FerryJsonDoc) manifest = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(GPtrArray) parts = NULL;
	const FerryJsonValue *m;
	guint n = 0;
	gint64 version = 0;

	if (reader == NULL || !ferry_bundle_reader_check_manifest(reader, NULL, &manifest, error))
		return NULL;
	m = ferry_json_doc_get_root(manifest);
	(void)ferry_json_value_get_int(ferry_json_object_get(m, "version"), &version);
	g_string_append_printf(out, "bundle %s version %" G_GINT64_FORMAT ", created %s\n",
			       ferry_json_value_get_string(ferry_json_object_get(m, "name")),
			       version,
			       ferry_json_value_get_string(ferry_json_object_get(m, "created")));
	g_string_append(out, "signed parts (all match the manifest):\n");
	parts = ferry_bundle_reader_get_part_paths(reader);
	for (guint i = 0; i < parts->len; i++)
		g_string_append_printf(
			out, "  %s (%" G_GSIZE_FORMAT " bytes)\n", (const gchar *)parts->pdata[i],
			g_bytes_get_size(ferry_bundle_reader_get_part(reader, parts->pdata[i])));
	g_string_append(out, "payloads (all match the manifest):\n");
	if (!check_payloads(reader, out, &n, error))
		return NULL;
	if (n != manifest_payload_count(manifest, reader)) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "payloads listed in the manifest are missing from the bundle");
		return NULL;
	}
	if (json)
		return ferry_json_to_string(m, TRUE);
	g_string_append(out, "nothing here is trusted: use 'ferry bundle verify' with the roots\n");
	return g_strdup(out->str);
}

static GBytes *
read_root(const gchar *path, GError **error)
{
	gchar *data = NULL;
	gsize len = 0;

	if (path == NULL) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_NOT_PROVISIONED,
				    "--director-root and --image-root are needed");
		return NULL;
	}
	if (!g_file_get_contents(path, &data, &len, error)) {
		ferry_error_convert(error);
		return NULL;
	}
	return g_bytes_new_take(data, len);
}

/* the hardware ids the manifest's deltas serve, or just @only */
static GPtrArray *
hardware_ids(FerryJsonDoc *manifest, const gchar *only)
{
	GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
	const FerryJsonValue *deltas;

	if (only != NULL) {
		g_ptr_array_add(ids, g_strdup(only));
		return ids;
	}
	deltas = ferry_json_object_get(ferry_json_doc_get_root(manifest), "deltas");
	for (guint i = 0; i < ferry_json_value_get_length(deltas); i++) {
		const FerryJsonValue *hw =
			ferry_json_object_get(ferry_json_array_get(deltas, i), "hardware_ids");
		for (guint j = 0; j < ferry_json_value_get_length(hw); j++) {
			const gchar *id = ferry_json_value_get_string(ferry_json_array_get(hw, j));
			if (id != NULL &&
			    !g_ptr_array_find_with_equal_func(ids, id, g_str_equal, NULL))
				g_ptr_array_add(ids, g_strdup(id));
		}
	}
	return ids;
}

/* a delta in the manifest from @from (or scratch) to @to */
static const gchar *
find_delta(FerryJsonDoc *manifest, const gchar *from, const gchar *to)
{
	const FerryJsonValue *deltas =
		ferry_json_object_get(ferry_json_doc_get_root(manifest), "deltas");
	const gchar *scratch = NULL;

	for (guint i = 0; i < ferry_json_value_get_length(deltas); i++) {
		const FerryJsonValue *d = ferry_json_array_get(deltas, i);
		const gchar *f = ferry_json_value_get_string(ferry_json_object_get(d, "from"));
		const gchar *t = ferry_json_value_get_string(ferry_json_object_get(d, "to"));
		const gchar *member =
			ferry_json_value_get_string(ferry_json_object_get(d, "member"));
		if (g_strcmp0(t, to) != 0)
			continue;
		if (from != NULL && g_strcmp0(f, from) == 0)
			return member;
		if (f == NULL)
			scratch = member;
	}
	return scratch;
}

/* one device's view: cycle, manifest, a delta for it */
static gboolean
verify_for(FerryBundleReader *reader, const FerryBundleVerifyOptions *opts, const gchar *hw,
	   GBytes *droot, GBytes *iroot, FerryJsonDoc **inout_manifest, GString *out,
	   GError **error)
{
	g_autoptr(FerryTrustState) state = ferry_trust_state_new();
	g_autoptr(FerryCycleResult) result = NULL;
	g_autoptr(FerryMetadata) root = NULL;
	FerryCycleOptions copts = {.hardware_id = hw,
				   .ecu_serial = "ferry-bundle-verify",
				   .now = opts->now,
				   .init_director_root = droot,
				   .init_image_root = iroot};

	result = ferry_cycle_run(ferry_bundle_reader_get_source(reader), state, &copts, error);
	if (result == NULL)
		return FALSE;
	root = ferry_metadata_new_from_bytes(ferry_trust_state_get(result->state, "director/root"),
					     FERRY_ROLE_ROOT, FERRY_MAX_ROOT_SIZE, error);
	if (root == NULL ||
	    (*inout_manifest == NULL &&
	     !ferry_bundle_reader_check_manifest(reader, root, inout_manifest, error)))
		return FALSE;
	if (result->targets->len == 0) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_NOT_APPLICABLE,
			    "nothing in this bundle is for hardware id '%s'", hw);
		return FALSE;
	}
	for (guint i = 0; i < result->targets->len; i++) {
		const FerryCycleTarget *t = result->targets->pdata[i];
		const gchar *member = find_delta(*inout_manifest, opts->from, t->sha256);
		if (member == NULL) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_NOT_APPLICABLE,
				    "no delta to %s for a device on %s", t->name,
				    opts->from != NULL ? opts->from : "(no commit: from scratch)");
			return FALSE;
		}
		g_string_append_printf(out, "hardware id %s: %s (commit %s) by %s\n", hw, t->name,
				       t->sha256, member);
	}
	return TRUE;
}

gboolean
ferry_bundle_verify(const gchar *path, const FerryBundleVerifyOptions *opts, gchar **out_report,
		    GError **error)
{
	g_autoptr(GBytes) droot = read_root(opts->director_root, error);
	g_autoptr(GBytes) iroot = droot != NULL ? read_root(opts->image_root, error) : NULL;
	g_autoptr(FerryBundleReader) reader = NULL;
	g_autoptr(FerryJsonDoc) manifest = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(GPtrArray) ids = NULL;
	g_autoptr(GString) listing = g_string_new(NULL);
	guint n = 0;

	if (iroot == NULL)
		return FALSE;
	reader = ferry_bundle_reader_open(path, error);
	if (reader == NULL)
		return FALSE;
	/* the manifest names the hardware ids; it is trusted only once verify_for checked it */
	if (opts->hardware_id == NULL) {
		g_autoptr(FerryJsonDoc) unverified = NULL;
		/* the bytes already in memory: the stick is read once */
		if (!ferry_bundle_reader_check_manifest(reader, NULL, &unverified, error))
			return FALSE;
		ids = hardware_ids(unverified, NULL);
	} else {
		ids = hardware_ids(NULL, opts->hardware_id);
	}
	for (guint i = 0; i < ids->len; i++) {
		if (!verify_for(reader, opts, ids->pdata[i], droot, iroot, &manifest, out, error))
			return FALSE;
	}
	if (manifest == NULL) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_NOT_APPLICABLE,
				    "the bundle serves no hardware id");
		return FALSE;
	}
	if (!check_payloads(reader, listing, &n, error))
		return FALSE;
	if (n != manifest_payload_count(manifest, reader)) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "payloads listed in the manifest are missing from the bundle");
		return FALSE;
	}
	g_string_append_printf(out, "verified: signatures, manifest and %u payloads\n", n);
	*out_report = g_strdup(out->str);
	return TRUE;
}
