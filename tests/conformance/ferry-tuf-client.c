/*
 * ferry-tuf-client — a TUF client speaking the tuf-conformance CLI protocol,
 * built on ferry's trusted set; HTTP through libcurl.
 *
 *   CLIENT --metadata-dir DIR init TRUSTED_ROOT
 *   CLIENT --metadata-url URL --metadata-dir DIR refresh
 *   CLIENT --metadata-url URL --metadata-dir DIR --target-name NAME [...]
 *          --target-dir TDIR --target-base-url TURL download
 *
 * Exit 0 only on full success. Every download is capped.
 */
#include <curl/curl.h>
#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "ferry-error.h"
#include "ferry-trusted-set.h"

typedef struct {
	gchar *metadata_url;
	gchar *metadata_dir;
	gchar **target_names;
	gchar *target_dir;
	gchar *target_base_url;
	FerryTrustedSet *set;
	gboolean consistent;
} Client;

/* ---- HTTP ---- */

typedef struct {
	GByteArray *buf;
	gsize max;
	gboolean too_large;
} Sink;

static size_t
write_cb(char *ptr, size_t size, size_t nmemb, void *user_data)
{
	Sink *sink = user_data;
	gsize n = size * nmemb;

	if (sink->buf->len + n > sink->max) {
		sink->too_large = TRUE;
		return 0; /* aborts the transfer */
	}
	g_byte_array_append(sink->buf, (const guint8 *)ptr, (guint)n);
	return n;
}

/* GET @url, at most @max bytes; FERRY_ERROR_NOT_FOUND for 403/404 */
static GBytes *
http_get(const gchar *url, gsize max, GError **error)
{
	g_autoptr(GByteArray) buf = g_byte_array_new();
	Sink sink = {buf, max, FALSE};
	CURL *curl = curl_easy_init();
	long status = 0;
	CURLcode rc;

	if (curl == NULL) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FAILED, "curl init failed");
		return NULL;
	}
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1024L);
	curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 30L);
	curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
	rc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(curl);
	if (sink.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE,
			    "%s: more than %" G_GSIZE_FORMAT " bytes", url, max);
		return NULL;
	}
	if (rc != CURLE_OK) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_IO, "%s: %s", url,
			    curl_easy_strerror(rc));
		return NULL;
	}
	if (status == 404 || status == 403 || status == 410) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_NOT_FOUND, "%s: HTTP %ld", url, status);
		return NULL;
	}
	if (status != 200) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_IO, "%s: HTTP %ld", url, status);
		return NULL;
	}
	return g_byte_array_free_to_bytes(g_steal_pointer(&buf));
}

static GBytes *
fetch_metadata(Client *c, const gchar *name, gsize max, GError **error)
{
	g_autofree gchar *url = g_strdup_printf("%s/%s", c->metadata_url, name);
	return http_get(url, max, error);
}

/* ---- local files ---- */

static gboolean
write_atomic(const gchar *dir, const gchar *name, GBytes *bytes, GError **error)
{
	g_autofree gchar *path = g_build_filename(dir, name, NULL);

	/* g_file_set_contents writes a temporary file, fsyncs and renames it */
	if (!g_file_set_contents(path, g_bytes_get_data(bytes, NULL),
				 (gssize)g_bytes_get_size(bytes), error)) {
		ferry_error_convert(error);
		return FALSE;
	}
	return TRUE;
}

static GBytes *
read_path(const gchar *path, gsize max)
{
	gchar *data = NULL;
	gsize len = 0;

	if (!g_file_get_contents(path, &data, &len, NULL))
		return NULL;
	if (len > max) {
		g_free(data);
		return NULL;
	}
	return g_bytes_new_take(data, len);
}

static GBytes *
read_local(const gchar *dir, const gchar *name, gsize max)
{
	g_autofree gchar *path = g_build_filename(dir, name, NULL);
	return read_path(path, max);
}

static gchar *
escaped_name(const gchar *name)
{
	return g_uri_escape_string(name, NULL, FALSE);
}

/* ---- refresh ---- */

static gboolean
load_root(Client *c, GError **error)
{
	g_autoptr(GBytes) root = read_local(c->metadata_dir, "root.json", FERRY_MAX_ROOT_SIZE);

	if (root == NULL) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_NOT_PROVISIONED,
			    "no trusted root.json in %s: run init first", c->metadata_dir);
		return FALSE;
	}
	c->set = ferry_trusted_set_new(root, error);
	if (c->set == NULL)
		return FALSE;
	ferry_trusted_set_set_time(c->set, g_get_real_time() / G_USEC_PER_SEC, 0);
	return TRUE;
}

static void
load_previous(Client *c)
{
	static const struct {
		const gchar *file;
		FerryRoleType role;
		gsize max;
	} prev[] = {{"timestamp.json", FERRY_ROLE_TIMESTAMP, FERRY_MAX_TIMESTAMP_SIZE},
		    {"snapshot.json", FERRY_ROLE_SNAPSHOT, FERRY_MAX_SNAPSHOT_SIZE},
		    {"targets.json", FERRY_ROLE_TARGETS, FERRY_MAX_IMAGE_TARGETS_SIZE}};

	for (guint i = 0; i < G_N_ELEMENTS(prev); i++) {
		g_autoptr(GBytes) b = read_local(c->metadata_dir, prev[i].file, prev[i].max);
		/* a local file that does not parse is no reference: ignore it */
		if (b != NULL)
			(void)!ferry_trusted_set_set_previous(c->set, prev[i].role, "targets", b,
							      NULL);
	}
}

static gboolean
update_roots(Client *c, GError **error)
{
	for (guint i = 0; i < FERRY_MAX_ROOT_ROTATIONS; i++) {
		gint64 next = ferry_metadata_get_version(ferry_trusted_set_get_root(c->set)) + 1;
		g_autofree gchar *name = g_strdup_printf("%" G_GINT64_FORMAT ".root.json", next);
		g_autoptr(GError) error_local = NULL;
		g_autoptr(GBytes) b = fetch_metadata(c, name, FERRY_MAX_ROOT_SIZE, &error_local);

		if (b == NULL) {
			if (g_error_matches(error_local, FERRY_ERROR, FERRY_ERROR_NOT_FOUND))
				return ferry_trusted_set_finish_root(c->set, error);
			g_propagate_error(error, g_steal_pointer(&error_local));
			return FALSE;
		}
		if (!ferry_trusted_set_update_root(c->set, b, error) ||
		    !write_atomic(c->metadata_dir, "root.json", b, error))
			return FALSE;
	}
	g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE, "too many root rotations");
	return FALSE;
}

/* file name of a listed role: "N.<role>.json" under consistent snapshots */
static gchar *
listed_name(Client *c, const gchar *role, const FerryMetaFile *mf)
{
	if (c->consistent && mf != NULL)
		return g_strdup_printf("%" G_GINT64_FORMAT ".%s.json", mf->version, role);
	return g_strdup_printf("%s.json", role);
}

static gsize
listed_cap(const FerryMetaFile *mf, gsize max)
{
	return mf != NULL && mf->length >= 0 ? MIN((gsize)mf->length, max) : max;
}

static gboolean
refresh(Client *c, GError **error)
{
	g_autoptr(GBytes) ts = NULL;
	g_autoptr(GBytes) snap = NULL;
	g_autoptr(GBytes) targets = NULL;
	g_autofree gchar *snap_name = NULL;
	g_autofree gchar *targets_name = NULL;
	const FerryMetaFile *mf;

	if (!load_root(c, error))
		return FALSE;
	load_previous(c);
	if (!update_roots(c, error))
		return FALSE;
	c->consistent =
		ferry_metadata_root_get_consistent_snapshot(ferry_trusted_set_get_root(c->set));
	ts = fetch_metadata(c, "timestamp.json", FERRY_MAX_TIMESTAMP_SIZE, error);
	if (ts == NULL || !ferry_trusted_set_update_timestamp(c->set, ts, error) ||
	    !write_atomic(c->metadata_dir, "timestamp.json", ts, error))
		return FALSE;
	mf = ferry_metadata_get_meta(ferry_trusted_set_get(c->set, FERRY_ROLE_TIMESTAMP, NULL),
				     "snapshot.json");
	snap_name = listed_name(c, "snapshot", mf);
	snap = fetch_metadata(c, snap_name, listed_cap(mf, FERRY_MAX_SNAPSHOT_SIZE), error);
	if (snap == NULL || !ferry_trusted_set_update_snapshot(c->set, snap, error) ||
	    !write_atomic(c->metadata_dir, "snapshot.json", snap, error))
		return FALSE;
	mf = ferry_metadata_get_meta(ferry_trusted_set_get(c->set, FERRY_ROLE_SNAPSHOT, NULL),
				     "targets.json");
	targets_name = listed_name(c, "targets", mf);
	targets = fetch_metadata(c, targets_name, listed_cap(mf, FERRY_MAX_IMAGE_TARGETS_SIZE),
				 error);
	if (targets == NULL || !ferry_trusted_set_update_targets(c->set, targets, error) ||
	    !write_atomic(c->metadata_dir, "targets.json", targets, error))
		return FALSE;
	return TRUE;
}

/* ---- download ---- */

static GBytes *
load_role_cb(const gchar *role, gpointer user_data, GError **error)
{
	Client *c = user_data;
	g_autofree gchar *file = g_strdup_printf("%s.json", role);
	const FerryMetaFile *mf = ferry_metadata_get_meta(
		ferry_trusted_set_get(c->set, FERRY_ROLE_SNAPSHOT, NULL), file);
	g_autofree gchar *escaped = escaped_name(role);
	g_autofree gchar *name = listed_name(c, escaped, mf);

	return fetch_metadata(c, name, listed_cap(mf, FERRY_MAX_IMAGE_TARGETS_SIZE), error);
}

static gboolean
persist_delegated(Client *c, GError **error)
{
	g_autoptr(GPtrArray) names = ferry_trusted_set_get_delegated_names(c->set);

	for (guint i = 0; i < names->len; i++) {
		FerryMetadata *md =
			ferry_trusted_set_get(c->set, FERRY_ROLE_TARGETS, names->pdata[i]);
		g_autofree gchar *escaped = escaped_name(names->pdata[i]);
		g_autofree gchar *file = g_strdup_printf("%s.json", escaped);
		if (!write_atomic(c->metadata_dir, file, ferry_metadata_get_bytes(md), error))
			return FALSE;
	}
	return TRUE;
}

static gchar *
target_url(Client *c, const FerryTarget *t)
{
	g_autofree gchar *dir = g_path_get_dirname(t->name);
	g_autofree gchar *base = g_path_get_basename(t->name);

	if (!c->consistent || t->sha256 == NULL)
		return g_strdup_printf("%s/%s", c->target_base_url, t->name);
	if (g_str_equal(dir, "."))
		return g_strdup_printf("%s/%s.%s", c->target_base_url, t->sha256, base);
	return g_strdup_printf("%s/%s/%s.%s", c->target_base_url, dir, t->sha256, base);
}

static gboolean
download_one(Client *c, const gchar *name, GError **error)
{
	FerryTarget t;
	g_autofree gchar *local = escaped_name(name);
	g_autoptr(GBytes) cached = NULL;
	g_autoptr(GBytes) bytes = NULL;
	g_autofree gchar *url = NULL;

	if (!ferry_trusted_set_resolve_target(c->set, name, load_role_cb, c, &t, error))
		return FALSE;
	cached = read_local(c->target_dir, local, (gsize)t.length);
	if (cached != NULL && ferry_target_check_payload(&t, g_bytes_get_data(cached, NULL),
							 g_bytes_get_size(cached), NULL))
		return TRUE; /* already here and correct: no download */
	url = target_url(c, &t);
	bytes = http_get(url, (gsize)t.length, error);
	if (bytes == NULL)
		return FALSE;
	if (!ferry_target_check_payload(&t, g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes),
					error))
		return FALSE;
	return write_atomic(c->target_dir, local, bytes, error);
}

static gboolean
download(Client *c, GError **error)
{
	if (c->target_names == NULL || c->target_dir == NULL || c->target_base_url == NULL) {
		g_set_error_literal(
			error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
			"download needs --target-name, --target-dir, --target-base-url");
		return FALSE;
	}
	if (!refresh(c, error))
		return FALSE;
	if (g_mkdir_with_parents(c->target_dir, 0700) != 0)
		return ferry_error_set_errno(error, errno, "creating '%s'", c->target_dir);
	for (guint i = 0; c->target_names[i] != NULL; i++) {
		if (!download_one(c, c->target_names[i], error)) {
			g_prefix_error(error, "target '%s': ", c->target_names[i]);
			(void)!persist_delegated(c, NULL);
			return FALSE;
		}
	}
	return persist_delegated(c, error);
}

static gboolean
init(Client *c, const gchar *root_path, GError **error)
{
	g_autoptr(GBytes) root = read_path(root_path, FERRY_MAX_ROOT_SIZE);
	g_autoptr(FerryMetadata) md = NULL;

	if (root == NULL) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_NOT_FOUND, "cannot read '%s'",
			    root_path);
		return FALSE;
	}
	md = ferry_metadata_new_from_bytes(root, FERRY_ROLE_ROOT, FERRY_MAX_ROOT_SIZE, error);
	if (md == NULL)
		return FALSE;
	if (g_mkdir_with_parents(c->metadata_dir, 0700) != 0)
		return ferry_error_set_errno(error, errno, "creating '%s'", c->metadata_dir);
	return write_atomic(c->metadata_dir, "root.json", root, error);
}

int
main(int argc, char **argv)
{
	Client c = {0};
	g_autoptr(GError) error = NULL;
	g_autoptr(GOptionContext) ctx = g_option_context_new("init ROOT | refresh | download");
	GOptionEntry entries[] = {
		{"metadata-url", 0, 0, G_OPTION_ARG_STRING, &c.metadata_url, "metadata base URL",
		 "URL"},
		{"metadata-dir", 0, 0, G_OPTION_ARG_FILENAME, &c.metadata_dir, "trusted metadata",
		 "DIR"},
		{"target-name", 0, 0, G_OPTION_ARG_STRING_ARRAY, &c.target_names, "target", "NAME"},
		{"target-dir", 0, 0, G_OPTION_ARG_FILENAME, &c.target_dir, "target files", "DIR"},
		{"target-base-url", 0, 0, G_OPTION_ARG_STRING, &c.target_base_url, "targets URL",
		 "URL"},
		{NULL}};
	gboolean ok = FALSE;

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc < 2 ||
	    c.metadata_dir == NULL) {
		g_printerr("ferry-tuf-client: %s\n",
			   error != NULL ? error->message : "usage error");
		return 2;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (g_str_equal(argv[1], "init") && argc == 3)
		ok = init(&c, argv[2], &error);
	else if (g_str_equal(argv[1], "refresh") && c.metadata_url != NULL)
		ok = refresh(&c, &error);
	else if (g_str_equal(argv[1], "download") && c.metadata_url != NULL)
		ok = download(&c, &error);
	else
		g_set_error(&error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT, "unknown command");
	if (!ok)
		g_printerr(
			"ferry-tuf-client: %s (%s)\n", error->message,
			ferry_error_code_to_string(error->domain == FERRY_ERROR ? error->code : 0));
	g_clear_pointer(&c.set, ferry_trusted_set_free);
	g_free(c.metadata_url);
	g_free(c.metadata_dir);
	g_strfreev(c.target_names);
	g_free(c.target_dir);
	g_free(c.target_base_url);
	curl_global_cleanup();
	return ok ? 0 : 1;
}
