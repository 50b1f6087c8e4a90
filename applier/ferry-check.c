/*
 * ferry — a verification cycle against the state database; see ferry-check.h.
 */
#include "ferry-check.h"

#include <string.h>

#include "ferry-error.h"
#include "ferry-json.h"
#include "ferry-metadata.h"

gboolean
ferry_applier_check(FerryStateDb *db, const FerryMetadataSource *source,
		    const FerryCycleOptions *options, FerryCycleResult **out_result, GError **error)
{
	g_autoptr(FerryTrustState) state = NULL;
	g_autoptr(FerryCycleResult) result = NULL;

	g_return_val_if_fail(db != NULL, FALSE);
	g_return_val_if_fail(source != NULL && options != NULL, FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

	state = ferry_state_db_load_trust(db, error);
	if (state == NULL)
		return FALSE;
	result = ferry_cycle_run(source, state, options, error);
	if (result == NULL)
		return FALSE;
	/* checking the same medium again writes nothing: flash wears */
	if (!ferry_trust_state_equal(state, result->state) &&
	    !ferry_state_db_store_trust(db, result->state, error))
		return FALSE;

	/* success */
	if (out_result != NULL)
		*out_result = g_steal_pointer(&result);
	return TRUE;
}

/* the director entry's custom object; {} when it has none */
static FerryJsonValue *
custom_json(FerryJsonDoc *doc, const gchar *custom)
{
	g_autoptr(FerryJsonDoc) parsed = NULL;

	if (custom == NULL)
		return ferry_json_new_object(doc);
	/* written by ferry_json_to_string from verified metadata, so it parses;
	 * should it not, say so rather than invent content */
	parsed = ferry_json_doc_new_parse((const guint8 *)custom, strlen(custom), G_MAXSIZE, NULL);
	if (parsed == NULL)
		return ferry_json_new_null(doc);
	return ferry_json_copy(doc, ferry_json_doc_get_root(parsed));
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
	ferry_json_object_set(doc, o, "custom", custom_json(doc, t->custom_json));
	return o;
}

static FerryJsonValue *
string_or_null(FerryJsonDoc *doc, const gchar *s)
{
	return s != NULL ? ferry_json_new_string(doc, s) : ferry_json_new_null(doc);
}

static FerryJsonValue *
versions_json(FerryJsonDoc *doc, const FerryCycleResult *r)
{
	FerryJsonValue *v = ferry_json_new_object(doc);

	ferry_json_object_set(doc, v, "director_root",
			      ferry_json_new_int(doc, r->director_root_version));
	/* director targets, or the lockbox (offline-updates) when offline */
	ferry_json_object_set(doc, v, "director_targets",
			      ferry_json_new_int(doc, r->director_targets_version));
	/* 0: the image repository was not needed */
	ferry_json_object_set(doc, v, "image_root", ferry_json_new_int(doc, r->image_root_version));
	ferry_json_object_set(doc, v, "image_targets",
			      ferry_json_new_int(doc, r->image_targets_version));
	return v;
}

static void
add_result(FerryJsonDoc *doc, FerryJsonValue *o, const FerryCycleResult *r)
{
	FerryJsonValue *targets = ferry_json_object_get(o, "targets");
	g_autofree gchar *trusted_time = ferry_format_iso8601(r->effective_time);

	for (guint i = 0; i < r->targets->len; i++)
		ferry_json_array_append(doc, targets, target_json(doc, r->targets->pdata[i]));
	ferry_json_object_set(doc, o, "offline", ferry_json_new_bool(doc, r->offline));
	ferry_json_object_set(doc, o, "lockbox", string_or_null(doc, r->lockbox_name));
	ferry_json_object_set(doc, o, "correlation_id", string_or_null(doc, r->correlation_id));
	ferry_json_object_set(doc, o, "versions", versions_json(doc, r));
	ferry_json_object_set(doc, o, "trusted_time", ferry_json_new_string(doc, trusted_time));
}

static FerryJsonValue *
error_json(FerryJsonDoc *doc, const GError *error)
{
	FerryJsonValue *e = ferry_json_new_object(doc);
	gint code = error->domain == FERRY_ERROR ? error->code : FERRY_ERROR_FAILED;
	/* messages quote hostile input, possibly cut mid-character */
	g_autofree gchar *message = g_utf8_make_valid(error->message, -1);

	ferry_json_object_set(doc, e, "code",
			      ferry_json_new_string(doc, ferry_error_code_to_string(code)));
	ferry_json_object_set(doc, e, "message", ferry_json_new_string(doc, message));
	return e;
}

gchar *
ferry_cycle_result_to_json(const FerryCycleResult *result, const GError *error)
{
	g_autoptr(FerryJsonDoc) doc = ferry_json_doc_new();
	FerryJsonValue *o = ferry_json_new_object(doc);

	g_return_val_if_fail(result != NULL || error != NULL, NULL);

	ferry_json_doc_set_root(doc, o);
	ferry_json_object_set(doc, o, "ok", ferry_json_new_bool(doc, error == NULL));
	ferry_json_object_set(doc, o, "targets", ferry_json_new_array(doc));
	if (error != NULL) {
		ferry_json_object_set(doc, o, "error", error_json(doc, error));
		return ferry_json_to_string(o, FALSE);
	}
	ferry_json_object_set(doc, o, "error", ferry_json_new_null(doc));
	add_result(doc, o, result);
	return ferry_json_to_string(o, FALSE);
}
