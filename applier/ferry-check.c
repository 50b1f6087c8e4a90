/*
 * ferry — a verification cycle against the state database.
 */
#include "ferry-check.h"

#include <string.h>

#include "ferry-error.h"
#include "ferry-metadata.h"

gboolean
ferry_applier_check(FerryStateDb *db, const FerryMetadataSource *source,
		    const FerryCycleOptions *options, FerryCycleResult **out_result, GError **error)
{
	g_autoptr(FerryTrustState) state = ferry_state_db_load_trust(db, error);
	g_autoptr(FerryCycleResult) result = NULL;

	if (state == NULL)
		return FALSE;
	result = ferry_cycle_run(source, state, options, error);
	if (result == NULL)
		return FALSE;
	if (!ferry_state_db_store_trust(db, result->state, error))
		return FALSE;
	if (out_result != NULL)
		*out_result = g_steal_pointer(&result);
	return TRUE;
}

static FerryJsonValue *
target_json(FerryJsonDoc *doc, const FerryCycleTarget *t)
{
	FerryJsonValue *o = ferry_json_new_object(doc);
	FerryJsonValue *hashes = ferry_json_new_object(doc);

	ferry_json_object_set(doc, o, "name", ferry_json_new_string(doc, t->name));
	ferry_json_object_set(doc, o, "length", ferry_json_new_int(doc, t->length));
	if (t->sha256 != NULL)
		ferry_json_object_set(doc, hashes, "sha256", ferry_json_new_string(doc, t->sha256));
	if (t->sha512 != NULL)
		ferry_json_object_set(doc, hashes, "sha512", ferry_json_new_string(doc, t->sha512));
	ferry_json_object_set(doc, o, "hashes", hashes);
	ferry_json_object_set(doc, o, "ecu_serial", ferry_json_new_string(doc, t->ecu_serial));
	ferry_json_object_set(doc, o, "hardware_id", ferry_json_new_string(doc, t->hardware_id));
	ferry_json_object_set(doc, o, "ostree", ferry_json_new_bool(doc, t->is_ostree));
	if (t->custom_json != NULL) {
		g_autoptr(FerryJsonDoc) c = ferry_json_doc_new_parse(
			(const guint8 *)t->custom_json, strlen(t->custom_json), G_MAXSIZE, NULL);
		if (c != NULL)
			ferry_json_object_set(doc, o, "custom",
					      ferry_json_copy(doc, ferry_json_doc_get_root(c)));
	}
	return o;
}

static void
add_result(FerryJsonDoc *doc, FerryJsonValue *o, const FerryCycleResult *r)
{
	FerryJsonValue *targets = ferry_json_object_get(o, "targets");
	FerryJsonValue *versions = ferry_json_new_object(doc);
	g_autofree gchar *t = ferry_format_iso8601(r->effective_time);

	for (guint i = 0; i < r->targets->len; i++)
		ferry_json_array_append(doc, targets, target_json(doc, r->targets->pdata[i]));
	ferry_json_object_set(doc, o, "offline", ferry_json_new_bool(doc, r->offline));
	if (r->lockbox_name != NULL) {
		ferry_json_object_set(doc, o, "lockbox",
				      ferry_json_new_string(doc, r->lockbox_name));
		ferry_json_object_set(doc, o, "correlation_id",
				      ferry_json_new_string(doc, r->correlation_id));
	}
	ferry_json_object_set(doc, versions, "director_root",
			      ferry_json_new_int(doc, r->director_root_version));
	ferry_json_object_set(doc, versions, "director_targets",
			      ferry_json_new_int(doc, r->director_targets_version));
	ferry_json_object_set(doc, versions, "image_root",
			      ferry_json_new_int(doc, r->image_root_version));
	ferry_json_object_set(doc, versions, "image_targets",
			      ferry_json_new_int(doc, r->image_targets_version));
	ferry_json_object_set(doc, o, "versions", versions);
	ferry_json_object_set(doc, o, "trusted_time", ferry_json_new_string(doc, t));
}

gchar *
ferry_cycle_result_to_json(const FerryCycleResult *result, const GError *error)
{
	g_autoptr(FerryJsonDoc) doc = ferry_json_doc_new();
	FerryJsonValue *o = ferry_json_new_object(doc);

	ferry_json_object_set(doc, o, "ok", ferry_json_new_bool(doc, error == NULL));
	ferry_json_object_set(doc, o, "targets", ferry_json_new_array(doc));
	if (error != NULL) {
		FerryJsonValue *e = ferry_json_new_object(doc);
		gint code = error->domain == FERRY_ERROR ? error->code : FERRY_ERROR_FAILED;
		ferry_json_object_set(doc, e, "code",
				      ferry_json_new_string(doc, ferry_error_code_to_string(code)));
		/* messages quote hostile input, possibly cut mid-character */
		g_autofree gchar *msg = g_utf8_make_valid(error->message, -1);
		ferry_json_object_set(doc, e, "message", ferry_json_new_string(doc, msg));
		ferry_json_object_set(doc, o, "error", e);
	} else {
		ferry_json_object_set(doc, o, "error", ferry_json_new_null(doc));
		if (result != NULL)
			add_result(doc, o, result);
	}
	return ferry_json_to_string(o, FALSE);
}
