/*
 * ferry — images; see ferry-image.h.
 */
#include "ferry-image.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <ostree.h>
#include <string.h>

#include "ferry-env.h"
#include "ferry-error.h"
#include "ferry-ledger.h"
#include "ferry-metadata-writer.h"
#include "ferry-metadata.h"

#define DAY (24 * 3600)

static FerryJsonDoc *
read_doc(const gchar *dir, const gchar *name, GBytes **out_bytes, GError **error)
{
	g_autofree gchar *path = g_build_filename(dir, name, NULL);
	gchar *text = NULL;
	gsize len = 0;
	FerryJsonDoc *doc;

	if (!g_file_get_contents(path, &text, &len, error)) {
		ferry_error_convert(error);
		return NULL;
	}
	*out_bytes = g_bytes_new_take(text, len);
	doc = ferry_json_doc_new_parse(g_bytes_get_data(*out_bytes, NULL), len,
				       FERRY_MAX_IMAGE_TARGETS_SIZE, error);
	if (doc == NULL)
		g_prefix_error(error, "%s: ", path);
	return doc;
}

/* the "signed" of DIR/NAME copied into @doc, with version + 1 and a new expiry */
static FerryJsonValue *
next_signed(FerryJsonDoc *doc, const gchar *dir, const gchar *name, gint64 expires, GError **error)
{
	g_autoptr(GBytes) bytes = NULL;
	g_autoptr(FerryJsonDoc) old = read_doc(dir, name, &bytes, error);
	FerryJsonValue *s;
	g_autofree gchar *exp = ferry_format_iso8601(expires);
	gint64 version = 0;

	if (old == NULL)
		return NULL;
	s = ferry_json_copy(doc, ferry_json_object_get(ferry_json_doc_get_root(old), "signed"));
	(void)ferry_json_value_get_int(ferry_json_object_get(s, "version"), &version);
	ferry_json_object_set(doc, s, "version", ferry_json_new_int(doc, version + 1));
	ferry_json_object_set(doc, s, "expires", ferry_json_new_string(doc, exp));
	return s;
}

static gboolean
write_tmp(const gchar *dir, const gchar *name, GBytes *bytes, GError **error)
{
	g_autofree gchar *tmp = g_strdup_printf("%s/.%s.new", dir, name);

	if (!g_file_set_contents(tmp, g_bytes_get_data(bytes, NULL),
				 (gssize)g_bytes_get_size(bytes), error)) {
		ferry_error_convert(error);
		return FALSE;
	}
	return TRUE;
}

static gboolean
commit_tmp(const gchar *dir, const gchar *name, GError **error)
{
	g_autofree gchar *tmp = g_strdup_printf("%s/.%s.new", dir, name);
	g_autofree gchar *path = g_build_filename(dir, name, NULL);

	if (g_rename(tmp, path) != 0)
		return ferry_error_set_errno(error, errno, "renaming '%s'", tmp);
	return TRUE;
}

/* new targets (with @target added), snapshot and timestamp, all re-signed;
 * written to temporary names first, renamed only when all three exist */
gboolean
ferry_image_resign(const gchar *envdir, const gchar *target, const FerryJsonValue *entry,
		   gint64 min_expires, GError **error)
{
	g_autofree gchar *dir = g_build_filename(envdir, "image-repo", NULL);
	g_autoptr(FerryJsonDoc) doc = ferry_json_doc_new();
	FerryEnvOptions opts;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	FerryJsonValue *t, *s, *ts, *meta;
	g_autoptr(GBytes) tb = NULL;
	g_autoptr(GBytes) sb = NULL;
	g_autoptr(GBytes) tsb = NULL;
	gint64 v = 0;
	static const gchar *const order[] = {"targets.json", "snapshot.json", "timestamp.json"};

	if (!ferry_env_load_options(envdir, &opts, error))
		return FALSE;
	t = next_signed(doc, dir, "targets.json", MAX(min_expires, now + opts.targets_days * DAY),
			error);
	if (t == NULL)
		return FALSE;
	if (target != NULL)
		ferry_json_object_set(doc, ferry_json_object_get(t, "targets"), target,
				      ferry_json_copy(doc, entry));
	tb = ferry_env_sign(envdir, "image-targets", t, error);
	s = next_signed(doc, dir, "snapshot.json", MAX(min_expires, now + opts.snapshot_days * DAY),
			error);
	if (tb == NULL || s == NULL)
		return FALSE;
	(void)ferry_json_value_get_int(ferry_json_object_get(t, "version"), &v);
	meta = ferry_json_new_object(doc);
	ferry_json_object_set(doc, meta, "targets.json",
			      ferry_metadata_writer_meta_entry(doc, v, tb));
	ferry_json_object_set(doc, s, "meta", meta);
	sb = ferry_env_sign(envdir, "image-snapshot", s, error);
	ts = next_signed(doc, dir, "timestamp.json",
			 MAX(min_expires, now + opts.timestamp_days * DAY), error);
	if (sb == NULL || ts == NULL)
		return FALSE;
	(void)ferry_json_value_get_int(ferry_json_object_get(s, "version"), &v);
	meta = ferry_json_new_object(doc);
	ferry_json_object_set(doc, meta, "snapshot.json",
			      ferry_metadata_writer_meta_entry(doc, v, sb));
	ferry_json_object_set(doc, ts, "meta", meta);
	tsb = ferry_env_sign(envdir, "image-timestamp", ts, error);
	if (tsb == NULL || !write_tmp(dir, order[0], tb, error) ||
	    !write_tmp(dir, order[1], sb, error) || !write_tmp(dir, order[2], tsb, error))
		return FALSE;
	for (guint i = 0; i < G_N_ELEMENTS(order); i++) {
		if (!commit_tmp(dir, order[i], error))
			return FALSE;
	}
	return TRUE;
}

static gboolean
set_ostree_error(GError **error, const gchar *what)
{
	ferry_error_convert(error);
	g_prefix_error(error, "%s: ", what);
	return FALSE;
}

/* the commit @opts name in the source repository */
static gchar *
resolve_commit(OstreeRepo *src, const FerryImageAddOptions *opts, GError **error)
{
	g_autofree gchar *csum = NULL;
	g_autoptr(GVariant) commit = NULL;

	if ((opts->ref == NULL) == (opts->commit == NULL)) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
				    "give exactly one of --ref and --commit");
		return NULL;
	}
	if (opts->ref != NULL) {
		if (!ostree_repo_resolve_rev(src, opts->ref, TRUE, &csum, error)) {
			set_ostree_error(error, "resolving the ref");
			return NULL;
		}
		if (csum == NULL) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_NOT_FOUND,
				    "ref '%s' is not in '%s'", opts->ref, opts->repo);
			return NULL;
		}
	} else {
		if (!ostree_validate_checksum_string(opts->commit, NULL)) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
				    "'%s' is not a commit checksum", opts->commit);
			return NULL;
		}
		csum = g_strdup(opts->commit);
	}
	if (!ostree_repo_load_variant(src, OSTREE_OBJECT_TYPE_COMMIT, csum, &commit, NULL)) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_NOT_FOUND, "commit %s is not in '%s'",
			    csum, opts->repo);
		return NULL;
	}
	return g_steal_pointer(&csum);
}

/* copies the commit's objects, verifying every checksum, and pins it */
static gboolean
import_commit(OstreeRepo *dst, const gchar *src_path, const gchar *csum, const gchar *pin,
	      GError **error)
{
	g_autoptr(GFile) src_file = g_file_new_for_path(src_path);
	g_autofree gchar *uri = g_file_get_uri(src_file);
	const gchar *refs[] = {csum, NULL};
	GVariantBuilder b;
	g_autoptr(GVariant) options = NULL;

	g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
	g_variant_builder_add(&b, "{sv}", "refs", g_variant_new_strv(refs, -1));
	g_variant_builder_add(&b, "{sv}", "flags",
			      g_variant_new_int32(OSTREE_REPO_PULL_FLAGS_UNTRUSTED));
	g_variant_builder_add(&b, "{sv}", "gpg-verify", g_variant_new_boolean(FALSE));
	options = g_variant_ref_sink(g_variant_builder_end(&b));
	if (!ostree_repo_pull_with_options(dst, uri, options, NULL, NULL, error))
		return set_ostree_error(error, "copying the commit");
	if (!ostree_repo_set_ref_immediate(dst, NULL, pin, csum, NULL, error))
		return set_ostree_error(error, "pinning the commit");
	return TRUE;
}

static FerryJsonValue *
target_entry(FerryJsonDoc *doc, const FerryImageAddOptions *opts, const gchar *csum)
{
	FerryJsonValue *e = ferry_json_new_object(doc);
	FerryJsonValue *hashes = ferry_json_new_object(doc);
	FerryJsonValue *custom = ferry_json_new_object(doc);
	FerryJsonValue *hw = ferry_json_new_array(doc);
	g_autofree gchar *now = ferry_format_iso8601(g_get_real_time() / G_USEC_PER_SEC);

	for (guint i = 0; opts->hardware_ids[i] != NULL; i++)
		ferry_json_array_append(doc, hw, ferry_json_new_string(doc, opts->hardware_ids[i]));
	ferry_json_object_set(doc, hashes, "sha256", ferry_json_new_string(doc, csum));
	ferry_json_object_set(doc, custom, "name", ferry_json_new_string(doc, opts->name));
	ferry_json_object_set(doc, custom, "version", ferry_json_new_string(doc, opts->version));
	ferry_json_object_set(doc, custom, "hardwareIds", hw);
	ferry_json_object_set(doc, custom, "targetFormat", ferry_json_new_string(doc, "OSTREE"));
	ferry_json_object_set(doc, custom, "createdAt", ferry_json_new_string(doc, now));
	ferry_json_object_set(doc, e, "length", ferry_json_new_int(doc, 0));
	ferry_json_object_set(doc, e, "hashes", hashes);
	ferry_json_object_set(doc, e, "custom", custom);
	return e;
}

static gboolean
check_image_args(const FerryImageAddOptions *opts, GError **error)
{
	if (opts->hardware_ids == NULL || opts->hardware_ids[0] == NULL || opts->name == NULL ||
	    opts->version == NULL || opts->repo == NULL) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
				    "--repo, --name, --version and at least one --hardware-id are "
				    "needed");
		return FALSE;
	}
	/* they become a target name and an OSTree ref: keep them plain */
	if (!ferry_env_check_name(opts->name, error) || !ferry_env_check_name(opts->version, error))
		return FALSE;
	return TRUE;
}

gboolean
ferry_image_add(const gchar *workspace, const FerryImageAddOptions *opts, gchar **out_target,
		GError **error)
{
	g_autofree gchar *envdir = NULL;
	g_autofree gchar *ostree_dir = NULL;
	g_autofree gchar *ledger_path = NULL;
	g_autofree gchar *csum = NULL;
	g_autofree gchar *known = NULL;
	g_autofree gchar *target = NULL;
	g_autofree gchar *pin = NULL;
	g_autofree gchar *hw_json = NULL;
	g_autoptr(GFile) src_file = NULL;
	g_autoptr(GFile) dst_file = NULL;
	g_autoptr(OstreeRepo) src = NULL;
	g_autoptr(OstreeRepo) dst = NULL;
	g_autoptr(FerryLedger) ledger = NULL;
	g_autoptr(FerryJsonDoc) doc = ferry_json_doc_new();
	FerryJsonValue *entry;
	g_autoptr(GError) error_local = NULL;

	if (!check_image_args(opts, error))
		return FALSE;
	envdir = ferry_env_get_dir(workspace, opts->env, error);
	if (envdir == NULL)
		return FALSE;
	src_file = g_file_new_for_path(opts->repo);
	src = ostree_repo_new(src_file);
	if (!ostree_repo_open(src, NULL, error))
		return set_ostree_error(error, "opening the source repository");
	csum = resolve_commit(src, opts, error);
	if (csum == NULL)
		return FALSE;
	ledger_path = g_build_filename(envdir, "ledger.db", NULL);
	ledger = ferry_ledger_open(ledger_path, error);
	if (ledger == NULL)
		return FALSE;
	target = g_strdup_printf("%s-%s", opts->name, opts->version);
	if (ferry_ledger_find_image(ledger, opts->name, opts->version, &known, &error_local)) {
		if (g_strcmp0(known, csum) != 0) {
			g_set_error(
				error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
				"image %s is commit %s already; a new commit needs a new version",
				target, known);
			return FALSE;
		}
		if (out_target != NULL)
			*out_target = g_steal_pointer(&target);
		return TRUE; /* the same image again: nothing to do */
	}
	if (error_local != NULL) {
		g_propagate_error(error, g_steal_pointer(&error_local));
		return FALSE;
	}
	ostree_dir = g_build_filename(envdir, "ostree", NULL);
	dst_file = g_file_new_for_path(ostree_dir);
	dst = ostree_repo_new(dst_file);
	pin = g_strdup_printf("ferry/images/%s/%s", opts->name, opts->version);
	if (!ostree_repo_open(dst, NULL, error))
		return set_ostree_error(error, "opening the environment's repository");
	if (!import_commit(dst, opts->repo, csum, pin, error))
		return FALSE;
	entry = target_entry(doc, opts, csum);
	hw_json = ferry_json_to_string(
		ferry_json_object_get(ferry_json_object_get(entry, "custom"), "hardwareIds"),
		FALSE);
	if (!ferry_image_resign(envdir, target, entry, 0, error) ||
	    !ferry_ledger_add_image(ledger, opts->name, opts->version, csum, hw_json, target,
				    error))
		return FALSE;
	if (out_target != NULL)
		*out_target = g_steal_pointer(&target);
	return TRUE;
}

typedef struct {
	GString *out;
	gboolean json;
	FerryJsonDoc *doc;
	FerryJsonValue *list;
} ListCtx;

static gboolean
list_cb(const gchar *name, const gchar *version, const gchar *commit, const gchar *hw,
	const gchar *target, gint64 added_at, const gchar *added_by, gpointer user_data)
{
	ListCtx *ctx = user_data;
	g_autofree gchar *at = ferry_format_iso8601(added_at);

	if (!ctx->json) {
		g_string_append_printf(ctx->out, "%-32s %s  %s  %s %s\n", target, commit, hw, at,
				       added_by);
	} else {
		FerryJsonValue *o = ferry_json_new_object(ctx->doc);
		g_autoptr(FerryJsonDoc) hwdoc =
			ferry_json_doc_new_parse((const guint8 *)hw, strlen(hw), 64 * 1024, NULL);
		ferry_json_object_set(ctx->doc, o, "target",
				      ferry_json_new_string(ctx->doc, target));
		ferry_json_object_set(ctx->doc, o, "name", ferry_json_new_string(ctx->doc, name));
		ferry_json_object_set(ctx->doc, o, "version",
				      ferry_json_new_string(ctx->doc, version));
		ferry_json_object_set(ctx->doc, o, "commit",
				      ferry_json_new_string(ctx->doc, commit));
		if (hwdoc != NULL)
			ferry_json_object_set(
				ctx->doc, o, "hardware_ids",
				ferry_json_copy(ctx->doc, ferry_json_doc_get_root(hwdoc)));
		ferry_json_object_set(ctx->doc, o, "added_at", ferry_json_new_string(ctx->doc, at));
		ferry_json_object_set(ctx->doc, o, "added_by",
				      ferry_json_new_string(ctx->doc, added_by));
		ferry_json_array_append(ctx->doc, ctx->list, o);
	}
	return TRUE;
}

gchar *
ferry_image_list(const gchar *workspace, const gchar *env, gboolean json, GError **error)
{
	g_autofree gchar *envdir = ferry_env_get_dir(workspace, env, error);
	g_autofree gchar *ledger_path = NULL;
	g_autoptr(FerryLedger) ledger = NULL;
	g_autoptr(FerryJsonDoc) doc = ferry_json_doc_new();
	ListCtx ctx = {g_string_new(NULL), json, doc, ferry_json_new_array(doc)};
	g_autoptr(GString) out = ctx.out;

	if (envdir == NULL)
		return NULL;
	ledger_path = g_build_filename(envdir, "ledger.db", NULL);
	ledger = ferry_ledger_open(ledger_path, error);
	if (ledger == NULL || !ferry_ledger_foreach_image(ledger, list_cb, &ctx, error))
		return NULL;
	if (json)
		return ferry_json_to_string(ctx.list, TRUE);
	return g_strdup(out->str);
}
