/*
 * ferry — ferry bundle create: offline director metadata for one lockbox,
 * OSTree static deltas (parallel, cached), one tar file (docs/format.md).
 */
#include "ferry-bundle-create.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <ostree.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ferry-bundle.h"
#include "ferry-env.h"
#include "ferry-error.h"
#include "ferry-image.h"
#include "ferry-ledger.h"
#include "ferry-metadata-writer.h"
#include "ferry-metadata.h"

typedef struct archive FerryArchiveWrite;

/* progress of writing the archive, shown on a terminal only */
typedef struct {
	gboolean enabled;
	gint64 total;
	gint64 done;
	gint64 start;
	gint64 last;
} Progress;

static void
progress_update(Progress *p, gint64 bytes)
{
	gint64 now = g_get_monotonic_time();
	gdouble rate, left;

	p->done += bytes;
	if (!p->enabled || (now - p->last < G_USEC_PER_SEC / 4 && p->done < p->total))
		return;
	p->last = now;
	rate = (gdouble)p->done / MAX((gdouble)(now - p->start) / G_USEC_PER_SEC, 0.001);
	left = (gdouble)(p->total - p->done) / MAX(rate, 1.0);
	g_printerr("\rferry: writing %.1f / %.1f MiB, %.0f s left   ",
		   (gdouble)p->done / (1024 * 1024), (gdouble)p->total / (1024 * 1024), left);
	if (p->done >= p->total)
		g_printerr("\n");
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FerryArchiveWrite, archive_write_free)

typedef struct {
	gchar *target;
	gchar *commit;
	FerryJsonDoc *doc; /* holds entry */
	const FerryJsonValue *entry;
} Image;

typedef struct {
	gchar *from; /* NULL: from scratch */
	gchar *to;
	gchar *target;
	const FerryJsonValue *hardware_ids;
	gchar *cache_path;
	gchar *member;
	gchar *ostree_dir;
	gboolean progress;
	GError *error;
} Delta;

static void
image_free(Image *im)
{
	g_free(im->target);
	g_free(im->commit);
	ferry_json_doc_free(im->doc);
	g_free(im);
}

static void
delta_free(Delta *d)
{
	g_free(d->from);
	g_free(d->to);
	g_free(d->target);
	g_free(d->cache_path);
	g_free(d->member);
	g_free(d->ostree_dir);
	g_clear_error(&d->error);
	g_free(d);
}

static GBytes *
read_bytes(const gchar *path, GError **error)
{
	gchar *data = NULL;
	gsize len = 0;

	if (!g_file_get_contents(path, &data, &len, error)) {
		ferry_error_convert(error);
		return NULL;
	}
	return g_bytes_new_take(data, len);
}

/* the image repository's entry for each requested target */
static GPtrArray *
find_images(const gchar *envdir, gchar **names, GError **error)
{
	g_autofree gchar *path = g_build_filename(envdir, "image-repo", "targets.json", NULL);
	g_autoptr(GBytes) bytes = read_bytes(path, error);
	g_autoptr(FerryJsonDoc) doc = NULL;
	g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func((GDestroyNotify)image_free);
	const FerryJsonValue *targets;

	if (bytes == NULL)
		return NULL;
	doc = ferry_json_doc_new_parse(g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes),
				       FERRY_MAX_IMAGE_TARGETS_SIZE, error);
	if (doc == NULL)
		return NULL;
	targets = ferry_json_object_get(
		ferry_json_object_get(ferry_json_doc_get_root(doc), "signed"), "targets");
	for (guint i = 0; names != NULL && names[i] != NULL; i++) {
		const FerryJsonValue *e = ferry_json_object_get(targets, names[i]);
		Image *im;
		if (e == NULL) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_NOT_FOUND,
				    "no image '%s' in this environment ('ferry image list')",
				    names[i]);
			return NULL;
		}
		im = g_new0(Image, 1);
		im->target = g_strdup(names[i]);
		im->doc = ferry_json_doc_new();
		im->entry = ferry_json_copy(im->doc, e);
		im->commit = g_strdup(ferry_json_value_get_string(ferry_json_object_get(
			ferry_json_object_get(im->entry, "hashes"), "sha256")));
		g_ptr_array_add(images, im);
	}
	if (images->len == 0) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
				    "at least one --image is needed");
		return NULL;
	}
	return g_steal_pointer(&images);
}

/* @from must be a commit in the environment's repository and an ancestor of @to */
static gboolean
check_ancestor(OstreeRepo *repo, const gchar *from, const gchar *to, GError **error)
{
	g_autofree gchar *cur = g_strdup(to);

	if (!ostree_validate_checksum_string(from, NULL)) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
			    "'%s' is not a commit checksum", from);
		return FALSE;
	}
	for (guint depth = 0; depth < 10000; depth++) {
		g_autoptr(GVariant) commit = NULL;
		g_autofree gchar *parent = NULL;
		if (!ostree_repo_load_variant_if_exists(repo, OSTREE_OBJECT_TYPE_COMMIT, cur,
							&commit, NULL) ||
		    commit == NULL)
			break;
		parent = ostree_commit_get_parent(commit);
		if (g_strcmp0(parent, from) == 0) {
			g_autoptr(GVariant) fc = NULL;
			if (ostree_repo_load_variant_if_exists(repo, OSTREE_OBJECT_TYPE_COMMIT,
							       from, &fc, NULL) &&
			    fc != NULL)
				return TRUE;
			break;
		}
		if (parent == NULL)
			break;
		g_free(cur);
		cur = g_steal_pointer(&parent);
	}
	g_set_error(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
		    "source commit %.12s is not in the environment, or not an ancestor of %.12s "
		    "(add it as an image first)",
		    from, to);
	return FALSE;
}

/* ---- deltas ---- */

static void
generate_delta_cb(gpointer data, gpointer user_data)
{
	Delta *d = data;
	g_autoptr(GFile) file = g_file_new_for_path(d->ostree_dir);
	/* one repository object per thread: OstreeRepo is not shared across threads here */
	g_autoptr(OstreeRepo) repo = ostree_repo_new(file);
	g_autofree gchar *tmp = g_strdup_printf("%s.tmp-%p", d->cache_path, (void *)d);
	GVariantBuilder b;
	g_autoptr(GVariant) params = NULL;

	gint64 start = g_get_monotonic_time();
	struct stat st;

	if (g_file_test(d->cache_path, G_FILE_TEST_IS_REGULAR)) {
		if (d->progress)
			g_printerr("ferry: delta %.12s -> %.12s: cached\n",
				   d->from != NULL ? d->from : "scratch", d->to);
		return; /* cached by (from, to) */
	}
	g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
	/* offline use: self-contained, no fallback objects to fetch */
	g_variant_builder_add(&b, "{sv}", "min-fallback-size", g_variant_new_uint32(0));
	g_variant_builder_add(&b, "{sv}", "inline-parts", g_variant_new_boolean(TRUE));
	g_variant_builder_add(&b, "{sv}", "filename", g_variant_new_bytestring(tmp));
	params = g_variant_ref_sink(g_variant_builder_end(&b));
	if (!ostree_repo_open(repo, NULL, &d->error) ||
	    !ostree_repo_static_delta_generate(repo, OSTREE_STATIC_DELTA_GENERATE_OPT_MAJOR,
					       d->from, d->to, NULL, params, NULL, &d->error) ||
	    g_rename(tmp, d->cache_path) != 0) {
		if (d->error == NULL)
			ferry_error_set_errno(&d->error, errno, "caching '%s'", d->cache_path);
		ferry_error_convert(&d->error);
		g_unlink(tmp);
		return;
	}
	if (d->progress && stat(d->cache_path, &st) == 0)
		g_printerr("ferry: delta %.12s -> %.12s: %.1f MiB in %.1f s\n",
			   d->from != NULL ? d->from : "scratch", d->to,
			   (gdouble)st.st_size / (1024 * 1024),
			   (gdouble)(g_get_monotonic_time() - start) / G_USEC_PER_SEC);
}

static gboolean
generate_deltas(GPtrArray *deltas, gboolean progress, GError **error)
{
	GThreadPool *pool;
	const gchar *jobs = g_getenv("FERRY_DELTA_JOBS");
	/* one delta per core; FERRY_DELTA_JOBS=N overrides (benchmarks, small machines) */
	gint n = jobs != NULL ? (gint)CLAMP(g_ascii_strtoll(jobs, NULL, 10), 1, 64)
			      : MAX(1, (gint)g_get_num_processors());

	pool = g_thread_pool_new(generate_delta_cb, NULL, n, TRUE, error);
	if (pool == NULL)
		return FALSE;
	for (guint i = 0; i < deltas->len; i++) {
		Delta *d = deltas->pdata[i];
		d->progress = progress;
		if (progress)
			g_printerr("ferry: generating delta %.12s -> %.12s (%s) ...\n",
				   d->from != NULL ? d->from : "scratch", d->to, d->target);
		g_thread_pool_push(pool, d, NULL);
	}
	g_thread_pool_free(pool, FALSE, TRUE); /* waits for every delta */
	for (guint i = 0; i < deltas->len; i++) {
		Delta *d = deltas->pdata[i];
		if (d->error != NULL) {
			g_propagate_prefixed_error(error, g_steal_pointer(&d->error),
						   "generating the delta to %.12s: ", d->to);
			return FALSE;
		}
	}
	return TRUE;
}

static GPtrArray *
plan_deltas(const gchar *envdir, GPtrArray *images, const FerryBundleCreateOptions *opts,
	    GError **error)
{
	g_autoptr(GPtrArray) deltas = g_ptr_array_new_with_free_func((GDestroyNotify)delta_free);
	g_autofree gchar *ostree_dir = g_build_filename(envdir, "ostree", NULL);
	g_autofree gchar *cache = g_build_filename(envdir, "deltas", NULL);
	g_autoptr(GFile) file = g_file_new_for_path(ostree_dir);
	g_autoptr(OstreeRepo) repo = ostree_repo_new(file);
	guint n_from = opts->from != NULL ? g_strv_length(opts->from) : 0;

	if (!ostree_repo_open(repo, NULL, error) || g_mkdir_with_parents(cache, 0700) != 0) {
		ferry_error_convert(error);
		return NULL;
	}
	if (n_from == 0 && !opts->from_scratch) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
				    "give --from COMMIT, --from-scratch, or both");
		return NULL;
	}
	for (guint i = 0; i < images->len; i++) {
		Image *im = images->pdata[i];
		for (guint j = 0; j <= n_from; j++) {
			const gchar *from = j < n_from ? opts->from[j] : NULL;
			Delta *d;
			if (from == NULL && (j < n_from || !opts->from_scratch))
				continue;
			if (from != NULL && !check_ancestor(repo, from, im->commit, error))
				return NULL;
			d = g_new0(Delta, 1);
			d->from = g_strdup(from);
			d->to = g_strdup(im->commit);
			d->target = g_strdup(im->target);
			d->hardware_ids = ferry_json_object_get(
				ferry_json_object_get(im->entry, "custom"), "hardwareIds");
			d->member = g_strdup_printf("deltas/%s-%s.delta",
						    from != NULL ? from : "scratch", im->commit);
			d->cache_path =
				g_strdup_printf("%s/%s-%s.delta", cache,
						from != NULL ? from : "scratch", im->commit);
			d->ostree_dir = g_strdup(ostree_dir);
			g_ptr_array_add(deltas, d);
		}
	}
	return g_steal_pointer(&deltas);
}

/* ---- director metadata ---- */

static gint64
doc_version(GBytes *bytes)
{
	g_autoptr(FerryJsonDoc) doc = NULL;
	gint64 v = 0;

	if (bytes == NULL)
		return 0;
	doc = ferry_json_doc_new_parse(g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes),
				       FERRY_MAX_OFFLINE_UPDATES_SIZE, NULL);
	if (doc != NULL)
		(void)ferry_json_value_get_int(
			ferry_json_object_get(
				ferry_json_object_get(ferry_json_doc_get_root(doc), "signed"),
				"version"),
			&v);
	return v;
}

/* a new version of the lockbox and of the offline-snapshot listing it */
static gboolean
write_director(const gchar *envdir, const gchar *name, GPtrArray *images, gint64 expires,
	       GBytes **out_lockbox, GBytes **out_osnap, GError **error)
{
	g_autofree gchar *dir = g_build_filename(envdir, "director", NULL);
	g_autofree gchar *file = g_strdup_printf("%s.json", name);
	g_autofree gchar *lpath = g_build_filename(dir, file, NULL);
	g_autofree gchar *spath = g_build_filename(dir, "offline-snapshot.json", NULL);
	g_autoptr(GBytes) old_l = read_bytes(lpath, NULL);
	g_autoptr(GBytes) old_s = read_bytes(spath, NULL);
	g_autoptr(FerryJsonDoc) doc = ferry_json_doc_new();
	g_autoptr(FerryJsonDoc) olddoc = NULL;
	FerryJsonValue *upd, *targets, *snap, *meta;
	g_autoptr(GBytes) lb = NULL;
	g_autoptr(GBytes) sb = NULL;
	gint64 lversion = doc_version(old_l) + 1;

	upd = ferry_metadata_writer_new_signed(doc, "offline-updates", lversion, expires);
	targets = ferry_json_new_object(doc);
	for (guint i = 0; i < images->len; i++) {
		Image *im = images->pdata[i];
		ferry_json_object_set(doc, targets, im->target, ferry_json_copy(doc, im->entry));
	}
	ferry_json_object_set(doc, upd, "targets", targets);
	lb = ferry_env_sign(envdir, "director-offline-updates", upd, error);
	if (lb == NULL)
		return FALSE;
	snap = ferry_metadata_writer_new_signed(doc, "offline-snapshot", doc_version(old_s) + 1,
						expires);
	meta = ferry_json_new_object(doc);
	/* the lockboxes listed before stay listed */
	if (old_s != NULL)
		olddoc = ferry_json_doc_new_parse(g_bytes_get_data(old_s, NULL),
						  g_bytes_get_size(old_s), 1 << 20, NULL);
	if (olddoc != NULL) {
		const FerryJsonValue *m = ferry_json_object_get(
			ferry_json_object_get(ferry_json_doc_get_root(olddoc), "signed"), "meta");
		for (guint i = 0; i < ferry_json_value_get_length(m); i++)
			ferry_json_object_set(
				doc, meta, ferry_json_object_get_key_at(m, i),
				ferry_json_copy(doc, ferry_json_object_get_value_at(m, i)));
	}
	ferry_json_object_set(doc, meta, file, ferry_metadata_writer_meta_entry(doc, lversion, lb));
	ferry_json_object_set(doc, snap, "meta", meta);
	sb = ferry_env_sign(envdir, "director-offline-snapshot", snap, error);
	if (sb == NULL || !ferry_env_write_file(dir, file, lb, error) ||
	    !ferry_env_write_file(dir, "offline-snapshot.json", sb, error))
		return FALSE;
	*out_lockbox = g_steal_pointer(&lb);
	*out_osnap = g_steal_pointer(&sb);
	return TRUE;
}

/* ---- the archive ---- */

typedef struct {
	gchar *path;   /* member path */
	GBytes *bytes; /* signed part, or NULL */
	gchar *file;   /* payload file, or NULL */
	gint64 size;
	gchar *sha256;
} Member;

static void
member_free(Member *m)
{
	g_free(m->path);
	g_clear_pointer(&m->bytes, g_bytes_unref);
	g_free(m->file);
	g_free(m->sha256);
	g_free(m);
}

static void
add_bytes_member(GPtrArray *members, const gchar *path, GBytes *bytes)
{
	Member *m = g_new0(Member, 1);
	m->path = g_strdup(path);
	m->bytes = g_bytes_ref(bytes);
	m->size = (gint64)g_bytes_get_size(bytes);
	m->sha256 = g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, bytes);
	g_ptr_array_add(members, m);
}

static gboolean
add_file_member(GPtrArray *members, const gchar *path, const gchar *file, GError **error)
{
	g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
	g_autoptr(GMappedFile) map = g_mapped_file_new(file, FALSE, error);
	Member *m;

	if (map == NULL) {
		ferry_error_convert(error);
		return FALSE;
	}
	g_checksum_update(sum, (const guchar *)g_mapped_file_get_contents(map),
			  (gssize)g_mapped_file_get_length(map));
	m = g_new0(Member, 1);
	m->path = g_strdup(path);
	m->file = g_strdup(file);
	m->size = (gint64)g_mapped_file_get_length(map);
	m->sha256 = g_strdup(g_checksum_get_string(sum));
	g_ptr_array_add(members, m);
	return TRUE;
}

/* director and image roots 1..N of @dir as "<prefix>/N.root.json" members */
static gboolean
add_roots(GPtrArray *members, const gchar *dir, const gchar *prefix, GError **error)
{
	guint v;

	for (v = 1;; v++) {
		g_autofree gchar *path = g_strdup_printf("%s/%u.root.json", dir, v);
		g_autofree gchar *member = g_strdup_printf("%s/%u.root.json", prefix, v);
		g_autoptr(GBytes) b = NULL;
		if (!g_file_test(path, G_FILE_TEST_IS_REGULAR))
			break;
		b = read_bytes(path, error);
		if (b == NULL)
			return FALSE;
		add_bytes_member(members, member, b);
	}
	if (v == 1) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_NOT_FOUND, "%s has no 1.root.json",
			    dir);
		return FALSE;
	}
	return TRUE;
}

static gboolean
set_write_error(FerryArchiveWrite *a, GError **error, const gchar *what)
{
	int errsv = archive_errno(a);
	if (errsv == ENOSPC || errsv == EDQUOT)
		return ferry_error_set_errno(error, errsv, "%s", what);
	g_set_error(error, FERRY_ERROR, FERRY_ERROR_IO, "%s: %s", what,
		    archive_error_string(a) != NULL ? archive_error_string(a) : "write failed");
	return FALSE;
}

static gboolean
write_member(FerryArchiveWrite *a, const Member *m, gint64 mtime, Progress *progress,
	     GError **error)
{
	struct archive_entry *entry = archive_entry_new();
	gboolean ok;

	archive_entry_set_pathname(entry, m->path);
	archive_entry_set_size(entry, m->size);
	archive_entry_set_filetype(entry, AE_IFREG);
	archive_entry_set_perm(entry, 0644);
	archive_entry_set_mtime(entry, mtime, 0);
	ok = archive_write_header(a, entry) == ARCHIVE_OK;
	archive_entry_free(entry);
	if (!ok)
		return set_write_error(a, error, m->path);
	if (m->bytes != NULL) {
		if (archive_write_data(a, g_bytes_get_data(m->bytes, NULL),
				       g_bytes_get_size(m->bytes)) !=
		    (la_ssize_t)g_bytes_get_size(m->bytes))
			return set_write_error(a, error, m->path);
		progress_update(progress, m->size);
	} else {
		g_autoptr(GMappedFile) map = g_mapped_file_new(m->file, FALSE, error);
		const gchar *data;
		gsize len, done = 0;
		if (map == NULL) {
			ferry_error_convert(error);
			return FALSE;
		}
		data = g_mapped_file_get_contents(map);
		len = g_mapped_file_get_length(map);
		while (done < len) {
			la_ssize_t n = archive_write_data(a, data + done, MIN(len - done, 1 << 20));
			if (n <= 0)
				return set_write_error(a, error, m->path);
			done += (gsize)n;
			progress_update(progress, n);
		}
	}
	return TRUE;
}

/* a delta as the manifest and the --json summary describe it */
static FerryJsonValue *
delta_json(FerryJsonDoc *doc, const Delta *d)
{
	FerryJsonValue *o = ferry_json_new_object(doc);

	ferry_json_object_set(doc, o, "from",
			      d->from != NULL ? ferry_json_new_string(doc, d->from)
					      : ferry_json_new_null(doc));
	ferry_json_object_set(doc, o, "to", ferry_json_new_string(doc, d->to));
	ferry_json_object_set(doc, o, "target", ferry_json_new_string(doc, d->target));
	ferry_json_object_set(doc, o, "hardware_ids", ferry_json_copy(doc, d->hardware_ids));
	ferry_json_object_set(doc, o, "member", ferry_json_new_string(doc, d->member));
	return o;
}

static GBytes *
make_manifest(const gchar *envdir, const FerryBundleCreateOptions *opts, gint64 version, gint64 now,
	      gint64 expires, GPtrArray *members, GPtrArray *deltas, GError **error)
{
	g_autoptr(FerryJsonDoc) doc = ferry_json_doc_new();
	FerryJsonValue *s =
		ferry_metadata_writer_new_signed(doc, "ferry-manifest", version, expires);
	FerryJsonValue *ms = ferry_json_new_array(doc);
	FerryJsonValue *ds = ferry_json_new_array(doc);
	g_autofree gchar *created = ferry_format_iso8601(now);

	ferry_json_object_set(doc, s, "format_version", ferry_json_new_int(doc, 1));
	ferry_json_object_set(doc, s, "name", ferry_json_new_string(doc, opts->name));
	ferry_json_object_set(doc, s, "created", ferry_json_new_string(doc, created));
	for (guint i = 0; i < members->len; i++) {
		const Member *m = members->pdata[i];
		FerryJsonValue *o = ferry_json_new_object(doc);
		ferry_json_object_set(doc, o, "path", ferry_json_new_string(doc, m->path));
		ferry_json_object_set(doc, o, "size", ferry_json_new_int(doc, m->size));
		ferry_json_object_set(doc, o, "sha256", ferry_json_new_string(doc, m->sha256));
		ferry_json_array_append(doc, ms, o);
	}
	for (guint i = 0; i < deltas->len; i++)
		ferry_json_array_append(doc, ds, delta_json(doc, deltas->pdata[i]));
	ferry_json_object_set(doc, s, "members", ms);
	ferry_json_object_set(doc, s, "deltas", ds);
	return ferry_env_sign(envdir, "director-offline-updates", s, error);
}

static gboolean
write_archive(int fd, GPtrArray *members, GBytes *manifest, gint64 mtime, gboolean show,
	      GError **error)
{
	Progress progress = {show, 0, 0, g_get_monotonic_time(), 0};
	g_autoptr(FerryArchiveWrite) a = archive_write_new();
	g_autoptr(GBytes) magic =
		g_bytes_new_static(FERRY_BUNDLE_FORMAT_MAGIC, strlen(FERRY_BUNDLE_FORMAT_MAGIC));
	Member format = {(gchar *)"format", magic, NULL, (gint64)g_bytes_get_size(magic), NULL};
	Member man = {(gchar *)"manifest.json", manifest, NULL, (gint64)g_bytes_get_size(manifest),
		      NULL};

	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open_fd(a, fd) != ARCHIVE_OK)
		return set_write_error(a, error, "starting the archive");
	for (guint i = 0; i < members->len; i++)
		progress.total += ((const Member *)members->pdata[i])->size;
	progress.total += format.size + man.size;
	if (!write_member(a, &format, mtime, &progress, error))
		return FALSE;
	for (guint i = 0; i < members->len; i++) {
		const Member *m = members->pdata[i];
		/* the manifest goes between the signed parts and the payloads */
		if (m->file != NULL && man.bytes != NULL) {
			if (!write_member(a, &man, mtime, &progress, error))
				return FALSE;
			man.bytes = NULL;
		}
		if (!write_member(a, m, mtime, &progress, error))
			return FALSE;
	}
	if (man.bytes != NULL && !write_member(a, &man, mtime, &progress, error))
		return FALSE;
	if (archive_write_close(a) != ARCHIVE_OK)
		return set_write_error(a, error, "finishing the archive");
	return TRUE;
}

/* every signed part and payload, in archive order (format and manifest aside) */
static GPtrArray *
collect_members(const gchar *envdir, const gchar *name, GBytes *lockbox, GBytes *osnap,
		GPtrArray *deltas, GError **error)
{
	g_autoptr(GPtrArray) members = g_ptr_array_new_with_free_func((GDestroyNotify)member_free);
	g_autofree gchar *ddir = g_build_filename(envdir, "director", NULL);
	g_autofree gchar *idir = g_build_filename(envdir, "image-repo", NULL);
	g_autofree gchar *lmember = g_strdup_printf("director/%s.json", name);
	static const gchar *const image_files[] = {"timestamp.json", "snapshot.json",
						   "targets.json"};

	if (!add_roots(members, ddir, "director", error))
		return NULL;
	add_bytes_member(members, "director/offline-snapshot.json", osnap);
	add_bytes_member(members, lmember, lockbox);
	if (!add_roots(members, idir, "image-repo", error))
		return NULL;
	for (guint i = 0; i < G_N_ELEMENTS(image_files); i++) {
		g_autofree gchar *path = g_build_filename(idir, image_files[i], NULL);
		g_autofree gchar *member = g_strdup_printf("image-repo/%s", image_files[i]);
		g_autoptr(GBytes) b = read_bytes(path, error);
		if (b == NULL)
			return NULL;
		add_bytes_member(members, member, b);
	}
	for (guint i = 0; i < deltas->len; i++) {
		const Delta *d = deltas->pdata[i];
		if (!add_file_member(members, d->member, d->cache_path, error))
			return NULL;
	}
	return g_steal_pointer(&members);
}

static gchar *
summary_json(const FerryBundleCreateOptions *opts, gint64 version, const gchar *sha,
	     GPtrArray *members, GPtrArray *deltas)
{
	g_autoptr(FerryJsonDoc) doc = ferry_json_doc_new();
	FerryJsonValue *o = ferry_json_new_object(doc);
	FerryJsonValue *ds = ferry_json_new_array(doc);
	gint64 total = 0;

	for (guint i = 0; i < members->len; i++)
		total += ((Member *)members->pdata[i])->size;
	for (guint i = 0; i < deltas->len; i++)
		ferry_json_array_append(doc, ds, delta_json(doc, deltas->pdata[i]));
	ferry_json_object_set(doc, o, "bundle", ferry_json_new_string(doc, opts->output));
	ferry_json_object_set(doc, o, "name", ferry_json_new_string(doc, opts->name));
	ferry_json_object_set(doc, o, "version", ferry_json_new_int(doc, version));
	ferry_json_object_set(doc, o, "sha256", ferry_json_new_string(doc, sha));
	ferry_json_object_set(doc, o, "member_bytes", ferry_json_new_int(doc, total));
	ferry_json_object_set(doc, o, "deltas", ds);
	return ferry_json_to_string(o, FALSE);
}

static gboolean
record(const gchar *envdir, const FerryBundleCreateOptions *opts, gint64 version, const gchar *sha,
       GPtrArray *members, GError **error)
{
	g_autofree gchar *ledger_path = g_build_filename(envdir, "ledger.db", NULL);
	g_autoptr(FerryLedger) ledger = ferry_ledger_open(ledger_path, error);
	g_autoptr(FerryJsonDoc) doc = ferry_json_doc_new();
	FerryJsonValue *list = ferry_json_new_array(doc);
	g_autofree gchar *text = NULL;

	if (ledger == NULL)
		return FALSE;
	for (guint i = 0; i < members->len; i++)
		ferry_json_array_append(
			doc, list, ferry_json_new_string(doc, ((Member *)members->pdata[i])->path));
	text = ferry_json_to_string(list, FALSE);
	return ferry_ledger_add_bundle(ledger, opts->name, version, sha, text, error);
}

static gboolean
write_output(const FerryBundleCreateOptions *opts, GPtrArray *members, GBytes *manifest, gint64 now,
	     gchar **out_sha, GError **error)
{
	g_autofree gchar *tmpl = g_strdup_printf("%s.tmp-XXXXXX", opts->output);
	int fd = g_mkstemp_full(tmpl, O_RDWR | O_CLOEXEC, 0644);
	g_autoptr(GMappedFile) map = NULL;

	if (fd < 0)
		return ferry_error_set_errno(error, errno, "creating '%s'", tmpl);
	if (!write_archive(fd, members, manifest, now, opts->progress, error) || fsync(fd) != 0) {
		if (error != NULL && *error == NULL)
			ferry_error_set_errno(error, errno, "writing '%s'", tmpl);
		close(fd);
		g_unlink(tmpl);
		return FALSE;
	}
	close(fd);
	map = g_mapped_file_new(tmpl, FALSE, error);
	if (map == NULL || g_rename(tmpl, opts->output) != 0) {
		if (error != NULL && *error == NULL)
			ferry_error_set_errno(error, errno, "renaming to '%s'", opts->output);
		ferry_error_convert(error);
		g_unlink(tmpl);
		return FALSE;
	}
	*out_sha = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
					       (const guchar *)g_mapped_file_get_contents(map),
					       g_mapped_file_get_length(map));
	return TRUE;
}

/* a device refuses an expired root: so does the bundler, before doing any work */
static gboolean
check_roots_outlive(const gchar *envdir, gint64 expires, GError **error)
{
	static const gchar *const roots[] = {"director/root.json", "image-repo/root.json"};

	for (guint i = 0; i < G_N_ELEMENTS(roots); i++) {
		g_autofree gchar *path = g_build_filename(envdir, roots[i], NULL);
		g_autoptr(GBytes) b = read_bytes(path, error);
		g_autoptr(FerryMetadata) md = NULL;
		g_autofree gchar *when = NULL;
		if (b == NULL)
			return FALSE;
		md = ferry_metadata_new_from_bytes(b, FERRY_ROLE_ROOT, FERRY_MAX_ROOT_SIZE, error);
		if (md == NULL)
			return FALSE;
		if (ferry_metadata_get_expires(md) >= expires)
			continue;
		when = ferry_format_iso8601(ferry_metadata_get_expires(md));
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_EXPIRED,
			    "%s expires %s, before the bundle would: rotate the root or give a "
			    "shorter --expires",
			    roots[i], when);
		return FALSE;
	}
	return TRUE;
}

gboolean
ferry_bundle_create(const gchar *workspace, const FerryBundleCreateOptions *opts,
		    gchar **out_summary, GError **error)
{
	g_autofree gchar *envdir = NULL;
	g_autoptr(GPtrArray) images = NULL;
	g_autoptr(GPtrArray) deltas = NULL;
	g_autoptr(GPtrArray) members = NULL;
	g_autoptr(GBytes) lockbox = NULL;
	g_autoptr(GBytes) osnap = NULL;
	g_autoptr(GBytes) manifest = NULL;
	g_autofree gchar *sha = NULL;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	gint64 expires = now + MAX(opts->expires_days, 1) * 24 * 3600;
	gint64 version;

	if (opts->name == NULL || opts->output == NULL ||
	    !ferry_env_check_name(opts->name, error) ||
	    g_str_equal(opts->name, "offline-snapshot")) {
		if (error != NULL && *error == NULL)
			g_set_error_literal(
				error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
				"--name (not 'offline-snapshot') and -o FILE are needed");
		return FALSE;
	}
	envdir = ferry_env_get_dir(workspace, opts->env, error);
	if (envdir == NULL || !check_roots_outlive(envdir, expires, error) ||
	    (images = find_images(envdir, opts->images, error)) == NULL ||
	    (deltas = plan_deltas(envdir, images, opts, error)) == NULL ||
	    !generate_deltas(deltas, opts->progress, error))
		return FALSE;
	/* the image snapshot and timestamp must outlive the bundle */
	if (!ferry_image_resign(envdir, NULL, NULL, expires, error) ||
	    !write_director(envdir, opts->name, images, expires, &lockbox, &osnap, error))
		return FALSE;
	version = doc_version(lockbox);
	members = collect_members(envdir, opts->name, lockbox, osnap, deltas, error);
	if (members == NULL)
		return FALSE;
	manifest = make_manifest(envdir, opts, version, now, expires, members, deltas, error);
	if (manifest == NULL || !write_output(opts, members, manifest, now, &sha, error) ||
	    !record(envdir, opts, version, sha, members, error))
		return FALSE;
	if (out_summary != NULL)
		*out_summary = summary_json(opts, version, sha, members, deltas);
	return TRUE;
}
