/*
 * ferry — first start of the applier; see ferry-init.h.
 */
#include "ferry-init.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "ferry-error.h"
#include "ferry-metadata-dir.h"
#include "ferry-signer.h"
#include "ferry-state.h"
#include "ferry-trusted-set.h"

void
ferry_init_result_free(FerryInitResult *self)
{
	if (self == NULL)
		return;
	g_free(self->ecu_serial);
	g_free(self->hardware_id);
	g_free(self->ecu_keyid);
	g_free(self);
}

static gboolean
make_parent(const gchar *path, GError **error)
{
	g_autofree gchar *dir = g_path_get_dirname(path);
	if (g_mkdir_with_parents(dir, 0700) != 0)
		return ferry_error_set_errno(error, errno, "creating '%s'", dir);
	return TRUE;
}

/* a provisioned root from the import directory, checked against itself */
static GBytes *
import_root(const FerryConfig *config, const gchar *name, gint64 *out_version, GError **error)
{
	g_autofree gchar *path = g_build_filename(config->import_dir, name, NULL);
	g_autoptr(GError) error_local = NULL;
	g_autoptr(GBytes) bytes = ferry_read_file_capped(path, FERRY_MAX_ROOT_SIZE, &error_local);
	g_autoptr(FerryTrustedSet) set = NULL;

	if (bytes == NULL) {
		if (g_error_matches(error_local, FERRY_ERROR, FERRY_ERROR_NOT_FOUND)) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_NOT_PROVISIONED,
				    "no %s to import: without provisioned roots nothing is ever "
				    "installed",
				    path);
			return NULL;
		}
		g_propagate_error(error, g_steal_pointer(&error_local));
		return NULL;
	}
	set = ferry_trusted_set_new(bytes, error);
	if (set == NULL) {
		g_prefix_error(error, "%s: ", path);
		return NULL;
	}
	*out_version = ferry_metadata_get_version(ferry_trusted_set_get_root(set));
	return g_steal_pointer(&bytes);
}

static gboolean
ensure_roots(const FerryConfig *config, FerryStateDb *db, FerryInitResult *r, GError **error)
{
	g_autoptr(FerryTrustState) state = ferry_state_db_load_trust(db, error);
	static const struct {
		const gchar *file, *key;
	} roots[] = {{"director-root.json", "director/root"}, {"image-root.json", "image/root"}};
	gboolean changed = FALSE;

	if (state == NULL)
		return FALSE;
	for (guint i = 0; i < G_N_ELEMENTS(roots); i++) {
		gint64 *version = i == 0 ? &r->director_root_version : &r->image_root_version;
		g_autoptr(GBytes) bytes = NULL;
		GBytes *have = ferry_trust_state_get(state, roots[i].key);
		if (have != NULL) {
			g_autoptr(FerryTrustedSet) set = ferry_trusted_set_new(have, NULL);
			*version = set != NULL ? ferry_metadata_get_version(
							 ferry_trusted_set_get_root(set))
					       : 0;
			continue; /* trusted already: never replaced from the import dir */
		}
		bytes = import_root(config, roots[i].file, version, error);
		if (bytes == NULL)
			return FALSE;
		ferry_trust_state_set(state, roots[i].key, bytes);
		changed = TRUE;
	}
	if (changed && !ferry_state_db_store_trust(db, state, error))
		return FALSE;
	r->changed |= changed;
	return TRUE;
}

static gboolean
ensure_key(const FerryConfig *config, FerryInitResult *r, GError **error)
{
	g_autoptr(FerrySigner) signer = NULL;

	if (!g_file_test(config->ecu_key, G_FILE_TEST_EXISTS)) {
		if (!make_parent(config->ecu_key, error) ||
		    !ferry_key_generate_file(FERRY_KEY_TYPE_ED25519, 0, config->ecu_key, NULL,
					     error))
			return FALSE;
		r->changed = TRUE;
	}
	signer = ferry_signer_new_from_file(config->ecu_key, error);
	if (signer == NULL)
		return FALSE;
	r->ecu_keyid = ferry_public_key_compute_keyid(ferry_signer_get_public_key(signer),
						      FERRY_KEYID_STYLE_TUF);
	return TRUE;
}

/* @key is recorded once; a configuration that later says otherwise is an error */
static gboolean
ensure_identity(FerryStateDb *db, const gchar *key, const gchar *want, gchar **out_value,
		FerryInitResult *r, GError **error)
{
	g_autoptr(GError) error_local = NULL;
	g_autofree gchar *have = ferry_state_db_get_identity(db, key, &error_local);

	if (error_local != NULL) {
		g_propagate_error(error, g_steal_pointer(&error_local));
		return FALSE;
	}
	if (have != NULL && want != NULL && !g_str_equal(have, want)) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
			    "%s is '%s' on this device; the configuration says '%s'", key, have,
			    want);
		return FALSE;
	}
	if (have == NULL) {
		have = g_strdup(want);
		if (!ferry_state_db_set_identity(db, key, have, error))
			return FALSE;
		r->changed = TRUE;
	}
	*out_value = g_steal_pointer(&have);
	return TRUE;
}

FerryInitResult *
ferry_applier_init(const FerryConfig *config, GError **error)
{
	g_autoptr(FerryInitResult) r = g_new0(FerryInitResult, 1);
	g_autoptr(FerryStateDb) db = NULL;
	g_autofree gchar *serial = NULL;
	g_autofree gchar *generated = NULL;
	g_autofree gchar *keyid = NULL;

	if (config->hardware_id == NULL) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
				    "the configuration sets no hardware-id");
		return NULL;
	}
	if (!make_parent(config->state, error))
		return NULL;
	db = ferry_state_db_open(config->state, error);
	if (db == NULL || !ensure_roots(config, db, r, error) || !ensure_key(config, r, error))
		return NULL;
	serial = ferry_state_db_get_identity(db, "ecu-serial", NULL);
	if (serial == NULL && config->ecu_serial == NULL) {
		guint32 a = g_random_int(), b = g_random_int();
		generated = g_strdup_printf("ferry-%08x%08x", a, b);
	}
	if (!ensure_identity(db, "ecu-serial",
			     config->ecu_serial != NULL ? config->ecu_serial : generated,
			     &r->ecu_serial, r, error) ||
	    !ensure_identity(db, "hardware-id", config->hardware_id, &r->hardware_id, r, error) ||
	    !ensure_identity(db, "ecu-keyid", r->ecu_keyid, &keyid, r, error))
		return NULL;
	return g_steal_pointer(&r);
}
