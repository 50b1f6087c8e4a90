/*
 * ferry — environments; see ferry-env.h.
 */
#include "ferry-env.h"

#include <errno.h>
#include <ftw.h>
#include <glib/gstdio.h>
#include <ostree.h>
#include <string.h>

#include "ferry-error.h"
#include "ferry-ledger.h"
#include "ferry-metadata.h"
#include "ferry-metadata-writer.h"
#include "ferry-signer.h"

#define DAY (24 * 3600)

/* every key an environment has: file name, repository, role */
static const struct {
	const gchar *file;
	const gchar *role;
	gboolean director;
} env_keys[] = {
	{"image-root", "root", FALSE},
	{"image-targets", "targets", FALSE},
	{"image-snapshot", "snapshot", FALSE},
	{"image-timestamp", "timestamp", FALSE},
	{"director-root", "root", TRUE},
	{"director-offline-snapshot", "offline-snapshot", TRUE},
	{"director-offline-updates", "offline-updates", TRUE},
};

void
ferry_env_options_init(FerryEnvOptions *opts)
{
	opts->key_type = FERRY_KEY_TYPE_ED25519;
	opts->root_days = 365;
	opts->targets_days = 180;
	opts->snapshot_days = 30;
	opts->timestamp_days = 30;
}

static gboolean
name_ok(const gchar *name)
{
	gsize len = strlen(name);

	if (len == 0 || len > 64 || !g_ascii_isalnum(name[0]))
		return FALSE;
	for (gsize i = 0; i < len; i++) {
		if (!g_ascii_isalnum(name[i]) && name[i] != '.' && name[i] != '_' && name[i] != '-')
			return FALSE;
	}
	return TRUE;
}

gboolean
ferry_env_check_name(const gchar *name, GError **error)
{
	if (!name_ok(name)) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
			    "'%s' is not an environment name (letters, digits, '.', '_', '-'; at "
			    "most 64)",
			    name);
		return FALSE;
	}
	return TRUE;
}

gchar *
ferry_env_get_dir(const gchar *workspace, const gchar *name, GError **error)
{
	g_autofree gchar *dir = NULL;

	if (!ferry_env_check_name(name, error))
		return NULL;
	dir = g_build_filename(workspace, "envs", name, NULL);
	if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
		g_set_error(
			error, FERRY_ERROR, FERRY_ERROR_NOT_FOUND,
			"no environment '%s' in workspace '%s' (create it with 'ferry env init')",
			name, workspace);
		return NULL;
	}
	return g_steal_pointer(&dir);
}

gboolean
ferry_env_write_file(const gchar *dir, const gchar *name, GBytes *bytes, GError **error)
{
	g_autofree gchar *path = g_build_filename(dir, name, NULL);

	if (!g_file_set_contents(path, g_bytes_get_data(bytes, NULL),
				 (gssize)g_bytes_get_size(bytes), error)) {
		ferry_error_convert(error);
		return FALSE;
	}
	return TRUE;
}

static int
rm_rf_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)remove(path); /* best effort: keep going */
	return 0;
}

/* removes a directory we created, never following links */
static void
rm_rf(const gchar *path)
{
	(void)nftw(path, rm_rf_cb, 16, FTW_DEPTH | FTW_PHYS);
}

static gboolean
make_dirs(const gchar *base, GError **error)
{
	static const gchar *const subdirs[] = {"keys", "image-repo", "director", "ostree"};

	for (guint i = 0; i < G_N_ELEMENTS(subdirs); i++) {
		g_autofree gchar *d = g_build_filename(base, subdirs[i], NULL);
		if (g_mkdir(d, 0700) != 0)
			return ferry_error_set_errno(error, errno, "creating '%s'", d);
	}
	return TRUE;
}

/* generates every key into @base/keys; @signers[i] matches env_keys[i] */
static gboolean
generate_keys(const gchar *base, const FerryEnvOptions *opts, GPtrArray *signers, GError **error)
{
	for (guint i = 0; i < G_N_ELEMENTS(env_keys); i++) {
		g_autofree gchar *file = g_strdup_printf("%s.pem", env_keys[i].file);
		g_autofree gchar *path = g_build_filename(base, "keys", file, NULL);
		FerrySigner *signer;

		if (!ferry_key_generate_file(opts->key_type, 0, path, NULL, error))
			return FALSE;
		signer = ferry_signer_new_from_file(path, error);
		if (signer == NULL)
			return FALSE;
		g_ptr_array_add(signers, signer);
	}
	return TRUE;
}

static GPtrArray *
one_signer(GPtrArray *signers, guint idx)
{
	GPtrArray *one = g_ptr_array_new_with_free_func((GDestroyNotify)ferry_signer_unref);
	g_ptr_array_add(one, ferry_signer_ref(signers->pdata[idx]));
	return one;
}

/* N.root.json and root.json of one repository, signed by its root key */
static gboolean
write_root(const gchar *dir, gboolean director, GPtrArray *signers, gint64 expires,
	   GBytes **out_root, GError **error)
{
	g_autoptr(FerryJsonDoc) doc = ferry_json_doc_new();
	FerryJsonValue *root = ferry_metadata_writer_new_signed(doc, "root", 1, expires);
	g_autoptr(GPtrArray) root_signer = NULL;
	g_autoptr(GBytes) bytes = NULL;
	guint root_idx = 0;

	ferry_json_object_set(doc, root, "consistent_snapshot", ferry_json_new_bool(doc, FALSE));
	for (guint i = 0; i < G_N_ELEMENTS(env_keys); i++) {
		if (env_keys[i].director != director)
			continue;
		if (g_str_equal(env_keys[i].role, "root"))
			root_idx = i;
		ferry_metadata_writer_add_role_key(doc, root, env_keys[i].role,
						   ferry_signer_get_public_key(signers->pdata[i]),
						   1);
	}
	root_signer = one_signer(signers, root_idx);
	bytes = ferry_metadata_writer_sign(root, root_signer, error);
	if (bytes == NULL || !ferry_env_write_file(dir, "1.root.json", bytes, error) ||
	    !ferry_env_write_file(dir, "root.json", bytes, error))
		return FALSE;
	*out_root = g_steal_pointer(&bytes);
	return TRUE;
}

/* empty targets v1, snapshot v1 and timestamp v1 of the image repository */
static gboolean
write_image_top(const gchar *dir, GPtrArray *signers, const FerryEnvOptions *opts, gint64 now,
		GError **error)
{
	g_autoptr(FerryJsonDoc) doc = ferry_json_doc_new();
	FerryJsonValue *targets =
		ferry_metadata_writer_new_signed(doc, "targets", 1, now + opts->targets_days * DAY);
	FerryJsonValue *snap = ferry_metadata_writer_new_signed(doc, "snapshot", 1,
								now + opts->snapshot_days * DAY);
	FerryJsonValue *ts = ferry_metadata_writer_new_signed(doc, "timestamp", 1,
							      now + opts->timestamp_days * DAY);
	FerryJsonValue *meta = ferry_json_new_object(doc);
	FerryJsonValue *tmeta = ferry_json_new_object(doc);
	g_autoptr(GPtrArray) s_targets = one_signer(signers, 1);
	g_autoptr(GPtrArray) s_snap = one_signer(signers, 2);
	g_autoptr(GPtrArray) s_ts = one_signer(signers, 3);
	g_autoptr(GBytes) tb = NULL;
	g_autoptr(GBytes) sb = NULL;
	g_autoptr(GBytes) tsb = NULL;

	ferry_json_object_set(doc, targets, "targets", ferry_json_new_object(doc));
	tb = ferry_metadata_writer_sign(targets, s_targets, error);
	if (tb == NULL || !ferry_env_write_file(dir, "targets.json", tb, error))
		return FALSE;
	ferry_json_object_set(doc, meta, "targets.json",
			      ferry_metadata_writer_meta_entry(doc, 1, tb));
	ferry_json_object_set(doc, snap, "meta", meta);
	sb = ferry_metadata_writer_sign(snap, s_snap, error);
	if (sb == NULL || !ferry_env_write_file(dir, "snapshot.json", sb, error))
		return FALSE;
	ferry_json_object_set(doc, tmeta, "snapshot.json",
			      ferry_metadata_writer_meta_entry(doc, 1, sb));
	ferry_json_object_set(doc, ts, "meta", tmeta);
	tsb = ferry_metadata_writer_sign(ts, s_ts, error);
	return tsb != NULL && ferry_env_write_file(dir, "timestamp.json", tsb, error);
}

static gboolean
write_settings(const gchar *base, const gchar *name, const FerryEnvOptions *opts, gint64 now,
	       GError **error)
{
	g_autoptr(FerryJsonDoc) doc = ferry_json_doc_new();
	FerryJsonValue *o = ferry_json_new_object(doc);
	FerryJsonValue *exp = ferry_json_new_object(doc);
	g_autofree gchar *created = ferry_format_iso8601(now);
	g_autofree gchar *text = NULL;
	g_autoptr(GBytes) bytes = NULL;

	ferry_json_object_set(doc, o, "name", ferry_json_new_string(doc, name));
	ferry_json_object_set(doc, o, "key_type",
			      ferry_json_new_string(doc, ferry_key_type_to_string(opts->key_type)));
	ferry_json_object_set(doc, exp, "root_days", ferry_json_new_int(doc, opts->root_days));
	ferry_json_object_set(doc, exp, "targets_days",
			      ferry_json_new_int(doc, opts->targets_days));
	ferry_json_object_set(doc, exp, "snapshot_days",
			      ferry_json_new_int(doc, opts->snapshot_days));
	ferry_json_object_set(doc, exp, "timestamp_days",
			      ferry_json_new_int(doc, opts->timestamp_days));
	ferry_json_object_set(doc, o, "expiries", exp);
	ferry_json_object_set(doc, o, "created_at", ferry_json_new_string(doc, created));
	text = ferry_json_to_string(o, TRUE);
	bytes = g_bytes_new(text, strlen(text));
	return ferry_env_write_file(base, "env.json", bytes, error);
}

static gboolean
build_env(const gchar *base, const gchar *name, const FerryEnvOptions *opts, GError **error)
{
	g_autoptr(GPtrArray) signers =
		g_ptr_array_new_with_free_func((GDestroyNotify)ferry_signer_unref);
	g_autofree gchar *image_dir = g_build_filename(base, "image-repo", NULL);
	g_autofree gchar *director_dir = g_build_filename(base, "director", NULL);
	g_autofree gchar *ostree_dir = g_build_filename(base, "ostree", NULL);
	g_autofree gchar *ledger_path = g_build_filename(base, "ledger.db", NULL);
	g_autoptr(GFile) ostree_file = g_file_new_for_path(ostree_dir);
	g_autoptr(OstreeRepo) repo = ostree_repo_new(ostree_file);
	g_autoptr(GBytes) iroot = NULL;
	g_autoptr(GBytes) droot = NULL;
	g_autoptr(FerryLedger) ledger = NULL;
	g_autofree gchar *detail = NULL;
	g_autofree gchar *iroot_sha = NULL;
	g_autofree gchar *droot_sha = NULL;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;

	if (!make_dirs(base, error) || !generate_keys(base, opts, signers, error) ||
	    !write_root(image_dir, FALSE, signers, now + opts->root_days * DAY, &iroot, error) ||
	    !write_root(director_dir, TRUE, signers, now + opts->root_days * DAY, &droot, error) ||
	    !write_image_top(image_dir, signers, opts, now, error) ||
	    !write_settings(base, name, opts, now, error))
		return FALSE;
	if (!ostree_repo_create(repo, OSTREE_REPO_MODE_ARCHIVE, NULL, error)) {
		ferry_error_convert(error);
		g_prefix_error(error, "creating the OSTree repository: ");
		return FALSE;
	}
	ledger = ferry_ledger_open(ledger_path, error);
	if (ledger == NULL)
		return FALSE;
	iroot_sha = g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, iroot);
	droot_sha = g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, droot);
	/* @name is checked to be [A-Za-z0-9._-], safe inside a JSON string */
	detail = g_strdup_printf("{\"name\":\"%s\",\"image_root_sha256\":\"%s\","
				 "\"director_root_sha256\":\"%s\"}",
				 name, iroot_sha, droot_sha);
	return ferry_ledger_add_event(ledger, "env-created", detail, error);
}

gboolean
ferry_env_init(const gchar *workspace, const gchar *name, const FerryEnvOptions *opts,
	       GError **error)
{
	g_autofree gchar *envs = g_build_filename(workspace, "envs", NULL);
	g_autofree gchar *final = g_build_filename(envs, name, NULL);
	g_autofree gchar *tmpl = g_build_filename(envs, ".init-XXXXXX", NULL);
	const gchar *tmp; /* g_mkdtemp_full fills in @tmpl and returns it */

	if (!ferry_env_check_name(name, error))
		return FALSE;
	if (g_file_test(final, G_FILE_TEST_EXISTS)) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
			    "environment '%s' exists already in '%s'", name, workspace);
		return FALSE;
	}
	if (g_mkdir_with_parents(envs, 0700) != 0)
		return ferry_error_set_errno(error, errno, "creating '%s'", envs);
	tmp = g_mkdtemp_full(tmpl, 0700);
	if (tmp == NULL)
		return ferry_error_set_errno(error, errno, "creating a directory in '%s'", envs);
	if (!build_env(tmp, name, opts, error) || g_rename(tmp, final) != 0) {
		if (error != NULL && *error == NULL)
			ferry_error_set_errno(error, errno, "renaming into '%s'", final);
		g_prefix_error(error, "environment '%s': ", name);
		rm_rf(tmp);
		return FALSE;
	}
	return TRUE;
}

gboolean
ferry_env_export_trust(const gchar *workspace, const gchar *name, const gchar *outdir,
		       GError **error)
{
	g_autofree gchar *dir = ferry_env_get_dir(workspace, name, error);
	static const struct {
		const gchar *from, *to;
	} files[] = {{"director/root.json", "director-root.json"},
		     {"image-repo/root.json", "image-root.json"}};

	if (dir == NULL)
		return FALSE;
	if (g_mkdir_with_parents(outdir, 0755) != 0)
		return ferry_error_set_errno(error, errno, "creating '%s'", outdir);
	for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
		g_autofree gchar *from = g_build_filename(dir, files[i].from, NULL);
		gchar *data = NULL;
		gsize len = 0;
		g_autoptr(GBytes) bytes = NULL;
		if (!g_file_get_contents(from, &data, &len, error)) {
			ferry_error_convert(error);
			return FALSE;
		}
		bytes = g_bytes_new_take(data, len);
		if (!ferry_env_write_file(outdir, files[i].to, bytes, error))
			return FALSE;
	}
	return TRUE;
}

gboolean
ferry_env_load_options(const gchar *envdir, FerryEnvOptions *opts, GError **error)
{
	g_autofree gchar *path = g_build_filename(envdir, "env.json", NULL);
	g_autofree gchar *text = NULL;
	gsize len = 0;
	g_autoptr(FerryJsonDoc) doc = NULL;
	const FerryJsonValue *exp;
	const gchar *type;

	if (!g_file_get_contents(path, &text, &len, error)) {
		ferry_error_convert(error);
		return FALSE;
	}
	doc = ferry_json_doc_new_parse((const guint8 *)text, len, 64 * 1024, error);
	if (doc == NULL) {
		g_prefix_error(error, "%s: ", path);
		return FALSE;
	}
	ferry_env_options_init(opts);
	type = ferry_json_value_get_string(
		ferry_json_object_get(ferry_json_doc_get_root(doc), "key_type"));
	if (g_strcmp0(type, "rsa") == 0)
		opts->key_type = FERRY_KEY_TYPE_RSA;
	else if (g_strcmp0(type, "ecdsa") == 0)
		opts->key_type = FERRY_KEY_TYPE_ECDSA_P256;
	exp = ferry_json_object_get(ferry_json_doc_get_root(doc), "expiries");
	(void)ferry_json_value_get_int(ferry_json_object_get(exp, "root_days"), &opts->root_days);
	(void)ferry_json_value_get_int(ferry_json_object_get(exp, "targets_days"),
				       &opts->targets_days);
	(void)ferry_json_value_get_int(ferry_json_object_get(exp, "snapshot_days"),
				       &opts->snapshot_days);
	(void)ferry_json_value_get_int(ferry_json_object_get(exp, "timestamp_days"),
				       &opts->timestamp_days);
	return TRUE;
}

FerrySigner *
ferry_env_load_signer(const gchar *envdir, const gchar *key_name, GError **error)
{
	g_autofree gchar *file = g_strdup_printf("%s.pem", key_name);
	g_autofree gchar *path = g_build_filename(envdir, "keys", file, NULL);
	FerrySigner *signer = ferry_signer_new_from_file(path, error);

	if (signer == NULL)
		g_prefix_error(error, "the environment's %s key: ", key_name);
	return signer;
}

GBytes *
ferry_env_sign(const gchar *envdir, const gchar *key_name, const FerryJsonValue *signed_obj,
	       GError **error)
{
	g_autoptr(GPtrArray) signers =
		g_ptr_array_new_with_free_func((GDestroyNotify)ferry_signer_unref);
	FerrySigner *signer = ferry_env_load_signer(envdir, key_name, error);

	if (signer == NULL)
		return NULL;
	g_ptr_array_add(signers, signer);
	return ferry_metadata_writer_sign(signed_obj, signers, error);
}
