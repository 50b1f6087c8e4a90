/*
 * ferry — bundles; see ferry-bundle.h and docs/format.md.
 */
#include "ferry-bundle.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "ferry-error.h"

typedef struct archive FerryArchiveRead;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FerryArchiveRead, archive_read_free)

/* member classes, in the order they must appear */
typedef enum {
	RANK_FORMAT,
	RANK_DIRECTOR_ROOT,
	RANK_OFFLINE_SNAPSHOT,
	RANK_LOCKBOX,
	RANK_IMAGE_ROOT,
	RANK_IMAGE_TIMESTAMP,
	RANK_IMAGE_SNAPSHOT,
	RANK_IMAGE_TARGETS,
	RANK_IMAGE_DELEGATION,
	RANK_MANIFEST,
	RANK_DELTA,
	RANK_TARGET,
	RANK_INVALID,
} Rank;

struct _FerryBundleReader {
	FerryArchiveRead *archive;
	int fd;
	gchar *path;
	GHashTable *parts; /* path → GBytes */
	GPtrArray *order;  /* part paths */
	GBytes *manifest;
	GHashTable *seen;   /* every member path */
	GHashTable *listed; /* manifest: path → "size:sha256", after check_manifest */
	gchar *current;	    /* current payload path */
	gint64 current_size;
	guint n_members;
	Rank rank;
	gint64 last_root[2]; /* director, image */
	FerryMetadataSource source;
};

gboolean
ferry_bundle_path_is_valid(const gchar *path)
{
	g_auto(GStrv) parts = NULL;

	if (path == NULL || *path == '\0' || strlen(path) > FERRY_BUNDLE_MAX_PATH || *path == '/')
		return FALSE;
	for (const gchar *p = path; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && strchr("._+-/", *p) == NULL)
			return FALSE;
	}
	parts = g_strsplit(path, "/", -1);
	for (guint i = 0; parts[i] != NULL; i++) {
		if (*parts[i] == '\0' || g_str_equal(parts[i], ".") || g_str_equal(parts[i], ".."))
			return FALSE;
	}
	return TRUE;
}

/* N of "N.root.json", or 0 */
static gint64
root_number(const gchar *name)
{
	gint64 n = 0;
	g_autofree gchar *num = NULL;

	if (!g_str_has_suffix(name, ".root.json") || strchr(name, '/') != NULL)
		return 0;
	num = g_strndup(name, strlen(name) - strlen(".root.json"));
	if (!g_ascii_string_to_signed(num, 10, 1, G_MAXINT32, &n, NULL))
		return 0;
	return n;
}

static Rank
classify(const gchar *path, gint64 *out_root)
{
	*out_root = 0;
	if (g_str_equal(path, "format"))
		return RANK_FORMAT;
	if (g_str_equal(path, "manifest.json"))
		return RANK_MANIFEST;
	if (g_str_has_prefix(path, "director/")) {
		const gchar *rest = path + strlen("director/");
		if ((*out_root = root_number(rest)) > 0)
			return RANK_DIRECTOR_ROOT;
		if (g_str_equal(rest, "offline-snapshot.json"))
			return RANK_OFFLINE_SNAPSHOT;
		if (g_str_has_suffix(rest, ".json") && strchr(rest, '/') == NULL)
			return RANK_LOCKBOX;
		return RANK_INVALID;
	}
	if (g_str_has_prefix(path, "image-repo/")) {
		const gchar *rest = path + strlen("image-repo/");
		if ((*out_root = root_number(rest)) > 0)
			return RANK_IMAGE_ROOT;
		if (g_str_equal(rest, "timestamp.json"))
			return RANK_IMAGE_TIMESTAMP;
		if (g_str_equal(rest, "snapshot.json"))
			return RANK_IMAGE_SNAPSHOT;
		if (g_str_equal(rest, "targets.json"))
			return RANK_IMAGE_TARGETS;
		if (g_str_has_prefix(rest, "delegations/") && g_str_has_suffix(rest, ".json") &&
		    strchr(rest + strlen("delegations/"), '/') == NULL)
			return RANK_IMAGE_DELEGATION;
		return RANK_INVALID;
	}
	if (g_str_has_prefix(path, "deltas/") && g_str_has_suffix(path, ".delta") &&
	    strchr(path + strlen("deltas/"), '/') == NULL)
		return RANK_DELTA;
	if (g_str_has_prefix(path, "targets/"))
		return RANK_TARGET;
	return RANK_INVALID;
}

static gint64
rank_cap(Rank rank)
{
	switch (rank) {
	case RANK_FORMAT:
		return 64;
	case RANK_DIRECTOR_ROOT:
	case RANK_IMAGE_ROOT:
		return FERRY_MAX_ROOT_SIZE;
	case RANK_OFFLINE_SNAPSHOT:
		return FERRY_MAX_OFFLINE_SNAPSHOT_SIZE;
	case RANK_LOCKBOX:
		return FERRY_MAX_OFFLINE_UPDATES_SIZE;
	case RANK_IMAGE_TIMESTAMP:
		return FERRY_MAX_TIMESTAMP_SIZE;
	case RANK_IMAGE_SNAPSHOT:
		return FERRY_MAX_SNAPSHOT_SIZE;
	case RANK_IMAGE_TARGETS:
	case RANK_IMAGE_DELEGATION:
		return FERRY_MAX_IMAGE_TARGETS_SIZE;
	case RANK_MANIFEST:
		return FERRY_BUNDLE_MAX_MANIFEST;
	default:
		return FERRY_BUNDLE_MAX_PAYLOAD;
	}
}

static gboolean
check_order(FerryBundleReader *self, const gchar *path, Rank rank, gint64 root, GError **error)
{
	gboolean repeatable = rank == RANK_DIRECTOR_ROOT || rank == RANK_IMAGE_ROOT ||
			      rank == RANK_IMAGE_DELEGATION || rank >= RANK_DELTA;

	if (rank == RANK_INVALID) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT, "unexpected member '%s'", path);
		return FALSE;
	}
	/* next_member() has counted this member already */
	gboolean first = self->n_members == 1;

	if (first && rank != RANK_FORMAT) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "not a ferry bundle: the first member is not 'format'");
		return FALSE;
	}
	if (!first && (rank < self->rank || (rank == self->rank && !repeatable))) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT, "member '%s' is out of order",
			    path);
		return FALSE;
	}
	if (root > 0) {
		gint64 *last = &self->last_root[rank == RANK_IMAGE_ROOT];
		if (root != *last + 1) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "root chain is not 1, 2, 3 ...: '%s'", path);
			return FALSE;
		}
		*last = root;
	}
	self->rank = rank;
	return TRUE;
}

static gboolean
set_archive_error(FerryBundleReader *self, GError **error, const gchar *what)
{
	const gchar *msg = archive_error_string(self->archive);
	g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT, "%s: %s", what,
		    msg != NULL ? msg : "corrupt or truncated archive");
	return FALSE;
}

/* the next member's header, checked; FALSE with no error at the end */
static gboolean
next_member(FerryBundleReader *self, const gchar **out_path, Rank *out_rank, gint64 *out_size,
	    GError **error)
{
	struct archive_entry *entry = NULL;
	const gchar *path;
	gint64 root = 0;
	int rc = archive_read_next_header(self->archive, &entry);

	if (rc == ARCHIVE_EOF)
		return FALSE;
	if (rc != ARCHIVE_OK)
		return set_archive_error(self, error, "reading a member header");
	path = archive_entry_pathname(entry);
	if (++self->n_members > FERRY_BUNDLE_MAX_MEMBERS) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE, "too many members");
		return FALSE;
	}
	if (!ferry_bundle_path_is_valid(path)) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
			    "member path '%s' is not allowed", path != NULL ? path : "(none)");
		return FALSE;
	}
	if (archive_entry_filetype(entry) != AE_IFREG || archive_entry_hardlink(entry) != NULL ||
	    archive_entry_symlink(entry) != NULL) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
			    "member '%s' is not a regular file", path);
		return FALSE;
	}
	if (!g_hash_table_add(self->seen, g_strdup(path))) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT, "member '%s' appears twice",
			    path);
		return FALSE;
	}
	*out_rank = classify(path, &root);
	if (!check_order(self, path, *out_rank, root, error))
		return FALSE;
	*out_size = archive_entry_size(entry);
	if (!archive_entry_size_is_set(entry) || *out_size < 0 || *out_size > rank_cap(*out_rank)) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE,
			    "member '%s' is larger than its limit", path);
		return FALSE;
	}
	*out_path = path;
	return TRUE;
}

/* the current member's @size bytes, exactly */
static GBytes *
read_member(FerryBundleReader *self, const gchar *path, gint64 size, GError **error)
{
	g_autofree guint8 *buf = g_malloc((gsize)size + 1);
	gsize done = 0;
	guint8 extra;

	while (done < (gsize)size) {
		la_ssize_t n = archive_read_data(self->archive, buf + done, (gsize)size - done);
		if (n < 0)
			return set_archive_error(self, error, path), NULL;
		if (n == 0)
			break;
		done += (gsize)n;
	}
	if (done != (gsize)size || archive_read_data(self->archive, &extra, 1) != 0) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
			    "member '%s' is truncated or longer than its header says", path);
		return NULL;
	}
	return g_bytes_new_take(g_steal_pointer(&buf), done);
}

static GBytes *
source_read(gpointer user_data, FerryRepo repo, const gchar *filename, gsize max_size,
	    GError **error)
{
	FerryBundleReader *self = user_data;
	g_autofree gchar *path = NULL;
	GBytes *bytes;

	if (repo == FERRY_REPO_PAYLOAD) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_NOT_FOUND,
			    "payloads are streamed, not read as metadata");
		return NULL;
	}
	path = g_strdup_printf("%s/%s", repo == FERRY_REPO_DIRECTOR ? "director" : "image-repo",
			       filename);
	bytes = g_hash_table_lookup(self->parts, path);
	if (bytes == NULL) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_NOT_FOUND, "the bundle has no '%s'",
			    path);
		return NULL;
	}
	if (g_bytes_get_size(bytes) > max_size) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE, "'%s' is over its limit",
			    path);
		return NULL;
	}
	return g_bytes_ref(bytes);
}

static gboolean
read_signed_parts(FerryBundleReader *self, GError **error)
{
	const gchar *path;
	Rank rank;
	gint64 size;

	while (self->manifest == NULL) {
		g_autoptr(GBytes) bytes = NULL;
		g_autoptr(GError) error_local = NULL;
		if (!next_member(self, &path, &rank, &size, &error_local)) {
			if (error_local == NULL)
				g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
						    "the bundle ends before its manifest");
			else
				g_propagate_error(error, g_steal_pointer(&error_local));
			return FALSE;
		}
		if (rank > RANK_MANIFEST) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "payload '%s' comes before the manifest", path);
			return FALSE;
		}
		bytes = read_member(self, path, size, error);
		if (bytes == NULL)
			return FALSE;
		if (rank == RANK_FORMAT) {
			if (g_bytes_get_size(bytes) != strlen(FERRY_BUNDLE_FORMAT_MAGIC) ||
			    memcmp(g_bytes_get_data(bytes, NULL), FERRY_BUNDLE_FORMAT_MAGIC,
				   strlen(FERRY_BUNDLE_FORMAT_MAGIC)) != 0) {
				g_autofree gchar *v = g_strndup(g_bytes_get_data(bytes, NULL),
								MIN(g_bytes_get_size(bytes), 32));
				g_strdelimit(v, "\n\r\t", ' ');
				g_set_error(error, FERRY_ERROR, FERRY_ERROR_UNSUPPORTED,
					    "unsupported bundle format '%s' (this ferry reads "
					    "'ferry-bundle 1')",
					    g_strchomp(v));
				return FALSE;
			}
		} else if (rank == RANK_MANIFEST) {
			self->manifest = g_steal_pointer(&bytes);
		} else {
			g_ptr_array_add(self->order, g_strdup(path));
			g_hash_table_insert(self->parts, g_strdup(path), g_steal_pointer(&bytes));
		}
	}
	return TRUE;
}

FerryBundleReader *
ferry_bundle_reader_open(const gchar *path, GError **error)
{
	g_autoptr(FerryBundleReader) self = g_new0(FerryBundleReader, 1);

	self->fd = -1;
	self->path = g_strdup(path);
	self->parts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					    (GDestroyNotify)g_bytes_unref);
	self->order = g_ptr_array_new_with_free_func(g_free);
	self->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	self->source.read = source_read;
	self->source.user_data = self;
	self->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (self->fd < 0)
		return ferry_error_set_errno(error, errno, "opening '%s'", path), NULL;
	self->archive = archive_read_new();
	/* plain tar only: no compression filters, no other formats to parse */
	if (archive_read_support_format_tar(self->archive) != ARCHIVE_OK ||
	    archive_read_open_fd(self->archive, self->fd, 64 * 1024) != ARCHIVE_OK) {
		set_archive_error(self, error, "opening the bundle");
		return NULL;
	}
	if (!read_signed_parts(self, error)) {
		g_prefix_error(error, "%s: ", path);
		return NULL;
	}
	return g_steal_pointer(&self);
}

void
ferry_bundle_reader_free(FerryBundleReader *self)
{
	if (self == NULL)
		return;
	g_clear_pointer(&self->archive, archive_read_free);
	if (self->fd >= 0)
		close(self->fd);
	g_clear_pointer(&self->parts, g_hash_table_unref);
	g_clear_pointer(&self->order, g_ptr_array_unref);
	g_clear_pointer(&self->seen, g_hash_table_unref);
	g_clear_pointer(&self->listed, g_hash_table_unref);
	g_clear_pointer(&self->manifest, g_bytes_unref);
	g_free(self->current);
	g_free(self->path);
	g_free(self);
}

const FerryMetadataSource *
ferry_bundle_reader_get_source(FerryBundleReader *self)
{
	return &self->source;
}

GBytes *
ferry_bundle_reader_get_manifest(FerryBundleReader *self)
{
	return self->manifest;
}

GPtrArray *
ferry_bundle_reader_get_part_paths(FerryBundleReader *self)
{
	GPtrArray *out = g_ptr_array_new();
	for (guint i = 0; i < self->order->len; i++)
		g_ptr_array_add(out, self->order->pdata[i]);
	return out;
}

GBytes *
ferry_bundle_reader_get_part(FerryBundleReader *self, const gchar *path)
{
	return g_hash_table_lookup(self->parts, path);
}

/* manifest "members" → self->listed; every signed part must match its entry */
static gboolean
check_members(FerryBundleReader *self, const FerryJsonValue *members, GError **error)
{
	guint n = ferry_json_value_get_length(members);

	/* a first, unverified look (inspect, or choosing hardware ids) may
	 * precede the verified check on the same reader */
	g_clear_pointer(&self->listed, g_hash_table_unref);
	self->listed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	for (guint i = 0; i < n; i++) {
		const FerryJsonValue *m = ferry_json_array_get(members, i);
		const gchar *path = ferry_json_value_get_string(ferry_json_object_get(m, "path"));
		const gchar *sha = ferry_json_value_get_string(ferry_json_object_get(m, "sha256"));
		gint64 size = -1;
		if (path == NULL || sha == NULL ||
		    !ferry_json_value_get_int(ferry_json_object_get(m, "size"), &size) ||
		    size < 0 ||
		    !g_hash_table_insert(self->listed, g_strdup(path),
					 g_strdup_printf("%" G_GINT64_FORMAT ":%s", size, sha))) {
			g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
					    "manifest: bad or repeated member entry");
			return FALSE;
		}
	}
	for (guint i = 0; i < self->order->len; i++) {
		const gchar *path = self->order->pdata[i];
		GBytes *b = g_hash_table_lookup(self->parts, path);
		g_autofree gchar *sha = g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, b);
		g_autofree gchar *have =
			g_strdup_printf("%" G_GSIZE_FORMAT ":%s", g_bytes_get_size(b), sha);
		const gchar *want = g_hash_table_lookup(self->listed, path);
		if (want == NULL) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "member '%s' is not in the manifest", path);
			return FALSE;
		}
		if (!g_str_equal(want, have)) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_HASH_MISMATCH,
				    "member '%s' differs from its manifest entry", path);
			return FALSE;
		}
	}
	return TRUE;
}

gboolean
ferry_bundle_reader_check_manifest(FerryBundleReader *self, FerryMetadata *director_root,
				   FerryJsonDoc **out_manifest, GError **error)
{
	g_autoptr(FerryMetadata) md = NULL;
	const FerryRoleKeys *role =
		director_root != NULL
			? ferry_metadata_root_get_role(director_root, "offline-updates")
			: NULL;
	const FerryJsonValue *s;
	gint64 fv = 0;

	md = ferry_metadata_new_from_bytes(self->manifest, FERRY_ROLE_BUNDLE_MANIFEST,
					   FERRY_BUNDLE_MAX_MANIFEST, error);
	if (md == NULL) {
		g_prefix_error(error, "manifest: ");
		return FALSE;
	}
	if (director_root != NULL && role == NULL) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "the director root has no offline-updates role to check the "
				    "manifest with");
		return FALSE;
	}
	if (director_root != NULL &&
	    !ferry_metadata_verify(md, ferry_metadata_root_get_keys(director_root), role, error)) {
		g_prefix_error(error, "manifest: ");
		return FALSE;
	}
	s = ferry_metadata_get_signed(md);
	if (!ferry_json_value_get_int(ferry_json_object_get(s, "format_version"), &fv) || fv != 1) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_UNSUPPORTED,
				    "manifest: format_version is not 1");
		return FALSE;
	}
	if (!check_members(self, ferry_json_object_get(s, "members"), error))
		return FALSE;
	if (out_manifest != NULL) {
		g_autoptr(FerryJsonDoc) doc = ferry_json_doc_new();
		ferry_json_doc_set_root(doc, ferry_json_copy(doc, s));
		*out_manifest = g_steal_pointer(&doc);
	}
	return TRUE;
}

gboolean
ferry_bundle_reader_next_payload(FerryBundleReader *self, const gchar **out_path, gint64 *out_size,
				 GError **error)
{
	const gchar *path;
	Rank rank;
	gint64 size;

	if (!next_member(self, &path, &rank, &size, error))
		return FALSE;
	g_free(self->current);
	self->current = g_strdup(path);
	self->current_size = size;
	*out_path = self->current;
	*out_size = size;
	return TRUE;
}

gboolean
ferry_bundle_reader_copy_payload(FerryBundleReader *self, int out_fd, gchar **out_sha256,
				 GError **error)
{
	g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
	g_autofree guint8 *buf = g_malloc(256 * 1024);
	gint64 done = 0;
	const gchar *want;
	g_autofree gchar *have = NULL;

	g_return_val_if_fail(self->current != NULL, FALSE);
	for (;;) {
		la_ssize_t n = archive_read_data(self->archive, buf, 256 * 1024);
		if (n < 0)
			return set_archive_error(self, error, self->current);
		if (n == 0)
			break;
		done += n;
		if (done > self->current_size) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "'%s' is longer than its header says", self->current);
			return FALSE;
		}
		g_checksum_update(sum, buf, (gsize)n);
		for (la_ssize_t w = 0; w < n;) {
			gssize r = write(out_fd, buf + w, (gsize)(n - w));
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				return ferry_error_set_errno(error, errno, "writing '%s'",
							     self->current);
			w += r;
		}
	}
	if (done != self->current_size) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT, "'%s' is truncated",
			    self->current);
		return FALSE;
	}
	have = g_strdup_printf("%" G_GINT64_FORMAT ":%s", done, g_checksum_get_string(sum));
	want = self->listed != NULL ? g_hash_table_lookup(self->listed, self->current) : NULL;
	if (self->listed != NULL && g_strcmp0(want, have) != 0) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_HASH_MISMATCH,
			    "'%s' differs from its manifest entry", self->current);
		return FALSE;
	}
	if (out_sha256 != NULL)
		*out_sha256 = g_strdup(g_checksum_get_string(sum));
	return TRUE;
}
