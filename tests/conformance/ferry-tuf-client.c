/*
 * ferry-tuf-client — a TUF client speaking the tuf-conformance CLI protocol
 * (CLIENT-CLI.md), built on ferry's trusted set; HTTP through libcurl.
 *
 *   CLIENT --metadata-dir DIR init TRUSTED_ROOT
 *   CLIENT --metadata-url URL --metadata-dir DIR refresh
 *   CLIENT --metadata-url URL --metadata-dir DIR --target-name NAME [...]
 *          --target-dir TDIR --target-base-url TURL download
 *
 * The workflow is the TUF specification's (5.3 to 5.7); where it leaves room
 * the client does what python-tuf's updater does, since the conformance suite
 * measures that: a stored snapshot, targets or delegated role that is still
 * the listed version is used without downloading it again, a served
 * timestamp of the same version as the stored one does not replace it, and
 * at most FERRY_MAX_ROOT_ROTATIONS new roots are walked in one run.
 *
 * Trusted metadata is stored unversioned in DIR (delegated roles under their
 * URL-encoded names), targets in TDIR under their URL-encoded paths, always
 * through a temporary file and a rename. Every download is capped.
 * Exit 0 only on full success, 1 otherwise.
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ferry-autocleanups.h"
#include "ferry-error.h"
#include "ferry-trusted-set.h"

/* targets are checked in memory, and a GByteArray counts in guint */
#define CLIENT_MAX_TARGET_SIZE ((gsize)G_MAXUINT32)
/* an error page is read only to keep the connection sane */
#define CLIENT_MAX_ERROR_BODY	 (64 * 1024)
#define CLIENT_CONNECT_TIMEOUT_S 10L
/* a transfer slower than this for this long is abandoned */
#define CLIENT_LOW_SPEED_BYTES	1024L
#define CLIENT_LOW_SPEED_TIME_S 30L

G_DEFINE_AUTOPTR_CLEANUP_FUNC(CURL, curl_easy_cleanup)

typedef struct {
	gchar *metadata_url; /* no trailing '/' */
	gchar *metadata_dir;
	gchar **target_names;
	gchar *target_dir;
	gchar *target_base_url; /* no trailing '/' */
	gchar *now_arg;		/* --now: hidden, for tests */
	gint64 now;
	FerryTrustedSet *set;
	gboolean consistent;
	GHashTable *stored_roles; /* delegated roles whose trusted bytes are in metadata_dir */
} Client;

static void
client_clear(Client *c)
{
	g_free(c->metadata_url);
	g_free(c->metadata_dir);
	g_strfreev(c->target_names);
	g_free(c->target_dir);
	g_free(c->target_base_url);
	g_free(c->now_arg);
	g_clear_pointer(&c->set, ferry_trusted_set_free);
	g_clear_pointer(&c->stored_roles, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Client, client_clear)

/* ---- HTTP ---- */

typedef struct {
	CURL *curl;
	GByteArray *buf;
	gsize max;
	gsize discarded;
	gboolean too_large;
} HttpSink;

static size_t
http_write_cb(char *ptr, size_t size, size_t nmemb, void *user_data)
{
	HttpSink *sink = user_data;
	gsize n = size * nmemb;
	long status = 0;

	/* an error page is not the document: it must not count against the
	 * document's cap, nor be read without end */
	(void)curl_easy_getinfo(sink->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200) {
		sink->discarded += n;
		return sink->discarded <= CLIENT_MAX_ERROR_BODY ? n : 0;
	}
	if (n > sink->max - sink->buf->len) {
		sink->too_large = TRUE;
		return 0; /* a short count makes curl abort the transfer */
	}
	g_byte_array_append(sink->buf, (const guint8 *)ptr, (guint)n);
	return n;
}

static gboolean
http_setup(CURL *curl, const gchar *url, HttpSink *sink, GError **error)
{
	/* http(s) only, redirects not followed (the default), and a stalled
	 * server cannot hold the update forever */
	if (curl_easy_setopt(curl, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, CLIENT_CONNECT_TIMEOUT_S) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, CLIENT_LOW_SPEED_BYTES) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, CLIENT_LOW_SPEED_TIME_S) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_USERAGENT, "ferry-tuf-client/" FERRY_VERSION) !=
		    CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, http_write_cb) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_WRITEDATA, sink) != CURLE_OK) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_FAILED,
			    "%s: cannot set up the transfer", url);
		return FALSE;
	}
	/* an announced Content-Length over the cap fails before any byte; 0
	 * would mean "no limit" to curl, the write callback covers it */
	if (sink->max > 0 &&
	    curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)sink->max) != CURLE_OK) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_FAILED,
			    "%s: cannot set up the transfer", url);
		return FALSE;
	}
	return TRUE;
}

/**
 * http_get:
 * @max: the most bytes accepted; the transfer is aborted past it
 * @error: FERRY_ERROR_NOT_FOUND (HTTP 403/404), FERRY_ERROR_TOO_LARGE, FERRY_ERROR_IO
 *
 * Returns: (transfer full): the body of a 200 answer
 */
static GBytes *
http_get(const gchar *url, gsize max, GError **error)
{
	g_autoptr(CURL) curl = curl_easy_init();
	g_autoptr(GByteArray) buf = g_byte_array_new();
	HttpSink sink = {curl, buf, max, 0, FALSE};
	long status = 0;
	CURLcode rc;

	if (curl == NULL) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FAILED, "cannot start libcurl");
		return NULL;
	}
	if (!http_setup(curl, url, &sink, error))
		return NULL;
	g_debug("GET %s (at most %" G_GSIZE_FORMAT " bytes)", url, max);
	rc = curl_easy_perform(curl);
	(void)curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	/* as python-tuf: 403 and 404 both mean "there is none" */
	if (status == 403 || status == 404) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_NOT_FOUND, "%s: HTTP %ld", url, status);
		return NULL;
	}
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
	if (status != 200) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_IO, "%s: HTTP %ld", url, status);
		return NULL;
	}
	return g_byte_array_free_to_bytes(g_steal_pointer(&buf));
}

/* GET @base_url/@name */
static GBytes *
http_get_below(const gchar *base_url, const gchar *name, gsize max, GError **error)
{
	g_autofree gchar *url = g_strconcat(base_url, "/", name, NULL);
	return http_get(url, max, error);
}

/* ---- local files ---- */

/**
 * local_read_path:
 * @extra_flags: O_NOFOLLOW for files the client wrote itself
 * @error: FERRY_ERROR_NOT_FOUND, FERRY_ERROR_TOO_LARGE, FERRY_ERROR_IO
 *
 * Reads a regular file of at most @max bytes; the cap is checked before reading.
 */
static GBytes *
local_read_path(const gchar *path, int extra_flags, gsize max, GError **error)
{
	/* O_NONBLOCK: a FIFO planted there must not hang us before fstat says what it is */
	ferry_autofd int fd =
		open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | extra_flags);
	g_autofree guint8 *data = NULL;
	struct stat st;
	gsize size, done = 0;

	if (fd < 0 || fstat(fd, &st) != 0) {
		ferry_error_set_errno(error, errno, "reading '%s'", path);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_IO, "'%s' is not a regular file", path);
		return NULL;
	}
	if ((guint64)st.st_size > max) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE,
			    "'%s' is larger than %" G_GSIZE_FORMAT " bytes", path, max);
		return NULL;
	}
	size = (gsize)st.st_size;
	data = g_malloc(MAX(size, 1));
	while (done < size) {
		gssize n = read(fd, data + done, size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ferry_error_set_errno(error, n < 0 ? errno : EIO, "reading '%s'", path);
			return NULL;
		}
		done += (gsize)n;
	}
	return g_bytes_new_take(g_steal_pointer(&data), size);
}

/* a file the client stored itself in @dir; a symlink there is not followed */
static GBytes *
local_read(const gchar *dir, const gchar *name, gsize max, GError **error)
{
	g_autofree gchar *path = g_build_filename(dir, name, NULL);
	return local_read_path(path, O_NOFOLLOW, max, error);
}

static gboolean
local_write(const gchar *dir, const gchar *name, GBytes *bytes, GError **error)
{
	g_autofree gchar *path = g_build_filename(dir, name, NULL);
	gsize len = 0;
	const gchar *data = g_bytes_get_data(bytes, &len);

	/* a temporary file, fsync and rename: readers and a crash see the old
	 * file or the new one, never half of one */
	if (!g_file_set_contents_full(path, data != NULL ? data : "", (gssize)len,
				      G_FILE_SET_CONTENTS_CONSISTENT, 0644, error)) {
		ferry_error_convert(error);
		return FALSE;
	}
	return TRUE;
}

static gboolean
local_remove(const gchar *dir, const gchar *name, GError **error)
{
	g_autofree gchar *path = g_build_filename(dir, name, NULL);

	if (g_unlink(path) != 0 && errno != ENOENT)
		return ferry_error_set_errno(error, errno, "removing '%s'", path);
	return TRUE;
}

/* "<role>.json" with the role name URL-encoded: no '/' or ".." reaches the file system */
static gchar *
role_file_name(const gchar *role)
{
	g_autofree gchar *escaped = g_uri_escape_string(role, NULL, FALSE);
	return g_strdup_printf("%s.json", escaped);
}

/* the target path URL-encoded into one file name; "." and ".." would name directories */
static gchar *
target_file_name(const gchar *name)
{
	g_autofree gchar *escaped = g_uri_escape_string(name, NULL, FALSE);

	if (g_str_equal(escaped, "."))
		return g_strdup("%2E");
	if (g_str_equal(escaped, ".."))
		return g_strdup("%2E%2E");
	return g_steal_pointer(&escaped);
}

/* ---- refresh: root (TUF 5.3) ---- */

static gboolean
client_load_root(Client *c, GError **error)
{
	g_autoptr(GError) error_local = NULL;
	g_autoptr(GBytes) root =
		local_read(c->metadata_dir, "root.json", FERRY_MAX_ROOT_SIZE, &error_local);

	if (root == NULL && g_error_matches(error_local, FERRY_ERROR, FERRY_ERROR_NOT_FOUND)) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_NOT_PROVISIONED,
			    "no trusted root.json in '%s': run init first", c->metadata_dir);
		return FALSE;
	}
	if (root == NULL) {
		g_propagate_error(error, g_steal_pointer(&error_local));
		return FALSE;
	}
	c->set = ferry_trusted_set_new(root, error);
	if (c->set == NULL) {
		g_prefix_error(error, "trusted root.json: ");
		return FALSE;
	}
	ferry_trusted_set_set_time(c->set, c->now, 0);
	return TRUE;
}

/* the timestamp and snapshot stored last time, for rollback checks (TUF 5.4, 5.5) */
static void
client_load_previous(Client *c)
{
	static const struct {
		const gchar *file;
		FerryRoleType role;
		gsize max;
	} prev[] = {{"timestamp.json", FERRY_ROLE_TIMESTAMP, FERRY_MAX_TIMESTAMP_SIZE},
		    {"snapshot.json", FERRY_ROLE_SNAPSHOT, FERRY_MAX_SNAPSHOT_SIZE}};

	for (guint i = 0; i < G_N_ELEMENTS(prev); i++) {
		g_autoptr(GError) error_local = NULL;
		g_autoptr(GBytes) bytes =
			local_read(c->metadata_dir, prev[i].file, prev[i].max, NULL);

		/* a stored file that does not parse is no reference: go on without it */
		if (bytes != NULL && !ferry_trusted_set_set_previous(c->set, prev[i].role, NULL,
								     bytes, &error_local))
			g_debug("ignoring stored %s: %s", prev[i].file, error_local->message);
	}
}

static gboolean
role_keys_equal(const FerryRoleKeys *a, const FerryRoleKeys *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	if (a->threshold != b->threshold || a->keyids->len != b->keyids->len)
		return FALSE;
	for (guint i = 0; i < a->keyids->len; i++) {
		if (!g_ptr_array_find_with_equal_func(b->keyids, a->keyids->pdata[i], g_str_equal,
						      NULL))
			return FALSE;
	}
	return TRUE;
}

static gboolean
root_rotated_lower_keys(const FerryMetadata *old, const FerryMetadata *new)
{
	return !role_keys_equal(ferry_metadata_root_get_role(old, "timestamp"),
				ferry_metadata_root_get_role(new, "timestamp")) ||
	       !role_keys_equal(ferry_metadata_root_get_role(old, "snapshot"),
				ferry_metadata_root_get_role(new, "snapshot"));
}

/*
 * TUF 5.3.11: new timestamp or snapshot keys mean the stored timestamp and
 * snapshot may be fast-forwarded by the old keys; delete them, as the trusted
 * set forgets them. The targets files go too: that snapshot was their only
 * rollback anchor, and kept they would block the same recovery. Done before
 * the new root is stored, so a crash in between cannot keep them.
 */
static gboolean
client_forget_metadata(Client *c, GError **error)
{
	g_autoptr(GDir) dir = g_dir_open(c->metadata_dir, 0, error);
	const gchar *name;

	if (dir == NULL) {
		ferry_error_convert(error);
		return FALSE;
	}
	while ((name = g_dir_read_name(dir)) != NULL) {
		if (!g_str_has_suffix(name, ".json") || g_str_equal(name, "root.json"))
			continue;
		if (!local_remove(c->metadata_dir, name, error))
			return FALSE;
	}
	return TRUE;
}

static gboolean
client_update_root(Client *c, GError **error)
{
	for (guint i = 0; i < FERRY_MAX_ROOT_ROTATIONS; i++) {
		g_autoptr(FerryMetadata) old =
			ferry_metadata_ref(ferry_trusted_set_get_root(c->set));
		gint64 version = ferry_metadata_get_version(old);
		g_autofree gchar *name = NULL;
		g_autoptr(GError) error_local = NULL;
		g_autoptr(GBytes) bytes = NULL;

		if (version == G_MAXINT64)
			break; /* no version can follow */
		name = g_strdup_printf("%" G_GINT64_FORMAT ".root.json", version + 1);
		bytes = http_get_below(c->metadata_url, name, FERRY_MAX_ROOT_SIZE, &error_local);
		if (bytes == NULL &&
		    g_error_matches(error_local, FERRY_ERROR, FERRY_ERROR_NOT_FOUND))
			break; /* no newer root */
		if (bytes == NULL) {
			g_propagate_error(error, g_steal_pointer(&error_local));
			return FALSE;
		}
		if (!ferry_trusted_set_update_root(c->set, bytes, error))
			return FALSE;
		if (root_rotated_lower_keys(old, ferry_trusted_set_get_root(c->set)) &&
		    !client_forget_metadata(c, error))
			return FALSE;
		/* TUF 5.3.8: stored as soon as it is trusted */
		if (!local_write(c->metadata_dir, "root.json", bytes, error))
			return FALSE;
	}
	/* past FERRY_MAX_ROOT_ROTATIONS the walk goes on with the newest trusted
	 * root, as python-tuf's max_root_rotations does; the next run continues
	 * from there. TUF 5.3.10: only the final root must not be expired. */
	return ferry_trusted_set_finish_root(c->set, error);
}

/* ---- refresh: timestamp, snapshot, targets (TUF 5.4 to 5.6) ---- */

/**
 * client_fetch_listed:
 * @role: role name as in the meta map, unescaped
 * @mf: (nullable): what timestamp or snapshot lists for the role
 *
 * "V.<role>.json" under consistent snapshots, else
 * "<role>.json"; capped by the listed length when there is one.
 */
static GBytes *
client_fetch_listed(Client *c, const gchar *role, const FerryMetaFile *mf, gsize max,
		    GError **error)
{
	g_autofree gchar *escaped = g_uri_escape_string(role, NULL, FALSE);
	g_autofree gchar *name = NULL;

	if (c->consistent && mf != NULL)
		name = g_strdup_printf("%" G_GINT64_FORMAT ".%s.json", mf->version, escaped);
	else
		name = g_strdup_printf("%s.json", escaped);
	if (mf != NULL && mf->length >= 0)
		max = MIN(max, (gsize)mf->length);
	return http_get_below(c->metadata_url, name, max, error);
}

static gboolean
same_version(GBytes *a, GBytes *b, FerryRoleType role, gsize max)
{
	g_autoptr(FerryMetadata) ma = ferry_metadata_new_from_bytes(a, role, max, NULL);
	g_autoptr(FerryMetadata) mb = ferry_metadata_new_from_bytes(b, role, max, NULL);

	return ma != NULL && mb != NULL &&
	       ferry_metadata_get_version(ma) == ferry_metadata_get_version(mb);
}

static gboolean
client_update_timestamp(Client *c, GError **error)
{
	g_autoptr(GBytes) local =
		local_read(c->metadata_dir, "timestamp.json", FERRY_MAX_TIMESTAMP_SIZE, NULL);
	g_autoptr(GBytes) remote =
		http_get_below(c->metadata_url, "timestamp.json", FERRY_MAX_TIMESTAMP_SIZE, error);

	if (remote == NULL)
		return FALSE;
	/* the same version is no update: keep the stored timestamp, even if
	 * the served one was re-signed with other content (python-tuf) */
	if (local != NULL &&
	    same_version(local, remote, FERRY_ROLE_TIMESTAMP, FERRY_MAX_TIMESTAMP_SIZE) &&
	    ferry_trusted_set_update_timestamp(c->set, local, NULL))
		return TRUE;
	if (!ferry_trusted_set_update_timestamp(c->set, remote, error))
		return FALSE;
	return local_write(c->metadata_dir, "timestamp.json", remote, error);
}

static gboolean
client_update_snapshot(Client *c, GError **error)
{
	const FerryMetaFile *mf = ferry_metadata_get_meta(
		ferry_trusted_set_get(c->set, FERRY_ROLE_TIMESTAMP, NULL), "snapshot.json");
	g_autoptr(GBytes) local =
		local_read(c->metadata_dir, "snapshot.json", FERRY_MAX_SNAPSHOT_SIZE, NULL);
	g_autoptr(GBytes) remote = NULL;

	/* the stored snapshot is final if it is what the timestamp lists; a
	 * failed update changes nothing in the trusted set */
	if (local != NULL && ferry_trusted_set_update_snapshot(c->set, local, NULL))
		return TRUE;
	remote = client_fetch_listed(c, "snapshot", mf, FERRY_MAX_SNAPSHOT_SIZE, error);
	if (remote == NULL || !ferry_trusted_set_update_snapshot(c->set, remote, error))
		return FALSE;
	return local_write(c->metadata_dir, "snapshot.json", remote, error);
}

static gboolean
client_update_targets(Client *c, GError **error)
{
	const FerryMetaFile *mf = ferry_metadata_get_meta(
		ferry_trusted_set_get(c->set, FERRY_ROLE_SNAPSHOT, NULL), "targets.json");
	g_autoptr(GBytes) local =
		local_read(c->metadata_dir, "targets.json", FERRY_MAX_IMAGE_TARGETS_SIZE, NULL);
	g_autoptr(GBytes) remote = NULL;

	if (local != NULL) {
		/* a rollback reference (none if it does not parse), and final if
		 * it is still the version the snapshot lists */
		(void)!ferry_trusted_set_set_previous(c->set, FERRY_ROLE_TARGETS, "targets", local,
						      NULL);
		if (ferry_trusted_set_update_targets(c->set, local, NULL))
			return TRUE;
	}
	remote = client_fetch_listed(c, "targets", mf, FERRY_MAX_IMAGE_TARGETS_SIZE, error);
	if (remote == NULL || !ferry_trusted_set_update_targets(c->set, remote, error))
		return FALSE;
	return local_write(c->metadata_dir, "targets.json", remote, error);
}

static gboolean
client_refresh(Client *c, GError **error)
{
	if (!client_load_root(c, error))
		return FALSE;
	/* before the root walk: a rotation of their keys makes the set forget them */
	client_load_previous(c);
	if (!client_update_root(c, error)) {
		g_prefix_error(error, "updating root: ");
		return FALSE;
	}
	c->consistent =
		ferry_metadata_root_get_consistent_snapshot(ferry_trusted_set_get_root(c->set));
	if (!client_update_timestamp(c, error)) {
		g_prefix_error(error, "updating timestamp: ");
		return FALSE;
	}
	if (!client_update_snapshot(c, error)) {
		g_prefix_error(error, "updating snapshot: ");
		return FALSE;
	}
	if (!client_update_targets(c, error)) {
		g_prefix_error(error, "updating targets: ");
		return FALSE;
	}
	return TRUE;
}

/* ---- download (TUF 5.6.7 and 5.7) ---- */

static gboolean
local_is_listed(GBytes *bytes, const gchar *filename, const FerryMetaFile *mf)
{
	g_autoptr(FerryMetadata) md = ferry_metadata_new_from_bytes(
		bytes, FERRY_ROLE_TARGETS, FERRY_MAX_IMAGE_TARGETS_SIZE, NULL);

	return md != NULL && ferry_metadata_get_version(md) == mf->version &&
	       ferry_metadata_matches_meta(md, filename, mf, NULL);
}

/* FerryLoadRoleFunc: the stored copy if it is still the listed version, else a download */
static GBytes *
load_role_cb(const gchar *role, gpointer user_data, GError **error)
{
	Client *c = user_data;
	g_autofree gchar *filename = g_strdup_printf("%s.json", role);
	g_autofree gchar *file = role_file_name(role);
	const FerryMetaFile *mf = ferry_metadata_get_meta(
		ferry_trusted_set_get(c->set, FERRY_ROLE_SNAPSHOT, NULL), filename);
	g_autoptr(GBytes) local = NULL;

	/* without a listed version there is nothing to ask for (python-tuf asks nothing) */
	if (mf == NULL) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_VERSION_MISMATCH,
			    "snapshot does not list %s", filename);
		return NULL;
	}
	local = local_read(c->metadata_dir, file, FERRY_MAX_IMAGE_TARGETS_SIZE, NULL);
	if (local != NULL) {
		(void)!ferry_trusted_set_set_previous(c->set, FERRY_ROLE_TARGETS, role, local,
						      NULL);
		if (local_is_listed(local, filename, mf)) {
			g_hash_table_add(c->stored_roles, g_strdup(role));
			return g_steal_pointer(&local);
		}
	}
	return client_fetch_listed(c, role, mf, FERRY_MAX_IMAGE_TARGETS_SIZE, error);
}

/* stores the delegated roles trusted since the last call */
static gboolean
client_store_delegated(Client *c, GError **error)
{
	static const gchar *const top_level[] = {"root", "timestamp", "snapshot", "targets", NULL};
	g_autoptr(GPtrArray) names = ferry_trusted_set_get_delegated_names(c->set);

	for (guint i = 0; i < names->len; i++) {
		const gchar *role = names->pdata[i];
		g_autofree gchar *file = NULL;
		FerryMetadata *md; /* borrowed from the trusted set */

		if (g_hash_table_contains(c->stored_roles, role))
			continue;
		/* the trusted set refuses top-level names for delegations; their
		 * files must never be overwritten by one all the same */
		if (g_strv_contains(top_level, role)) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "delegated role '%s' has a top-level role's name", role);
			return FALSE;
		}
		md = ferry_trusted_set_get(c->set, FERRY_ROLE_TARGETS, role);
		file = role_file_name(role);
		if (!local_write(c->metadata_dir, file, ferry_metadata_get_bytes(md), error))
			return FALSE;
		g_hash_table_add(c->stored_roles, g_strdup(role));
	}
	return TRUE;
}

/* under consistent snapshots the file is "<dir>/<hash>.<basename>" */
static gchar *
target_url(Client *c, const FerryTarget *t)
{
	const gchar *hash = t->sha256 != NULL ? t->sha256 : t->sha512;
	const gchar *slash = strrchr(t->name, '/');
	g_autofree gchar *path = NULL;
	g_autofree gchar *escaped = NULL;

	if (!c->consistent)
		path = g_strdup(t->name);
	else if (slash == NULL)
		path = g_strdup_printf("%s.%s", hash, t->name);
	else
		path = g_strdup_printf("%.*s/%s.%s", (int)(slash - t->name), t->name, hash,
				       slash + 1);
	/* '/' and the other characters a path may hold stay; '?', '#', ' ' ... are encoded */
	escaped = g_uri_escape_string(path, G_URI_RESERVED_CHARS_ALLOWED_IN_PATH, FALSE);
	return g_strconcat(c->target_base_url, "/", escaped, NULL);
}

static gboolean
target_check_usable(const FerryTarget *t, GError **error)
{
	/* a target with neither hash would be checked by its length alone */
	if (t->sha256 == NULL && t->sha512 == NULL) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_UNSUPPORTED,
			    "target '%s' has no sha256 or sha512 hash", t->name);
		return FALSE;
	}
	if (t->length < 0 || (guint64)t->length > CLIENT_MAX_TARGET_SIZE) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE,
			    "target '%s': length %" G_GINT64_FORMAT " is out of range", t->name,
			    t->length);
		return FALSE;
	}
	return TRUE;
}

static gboolean
target_is_cached(Client *c, const gchar *file, const FerryTarget *t)
{
	g_autoptr(GBytes) bytes = local_read(c->target_dir, file, (gsize)t->length, NULL);
	gsize len = 0;
	const guint8 *data = bytes != NULL ? g_bytes_get_data(bytes, &len) : NULL;

	return bytes != NULL && ferry_target_check_payload(t, data, len, NULL);
}

static gboolean
client_download_target(Client *c, const gchar *name, GError **error)
{
	FerryTarget t;
	g_autofree gchar *file = target_file_name(name);
	g_autofree gchar *url = NULL;
	g_autoptr(GBytes) bytes = NULL;
	gsize len = 0;
	const guint8 *data;

	if (*name == '\0') {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
				    "the target name is empty");
		return FALSE;
	}
	if (!ferry_trusted_set_resolve_target(c->set, name, load_role_cb, c, &t, error)) {
		/* the roles verified on the way are trusted all the same; keep the first error */
		(void)!client_store_delegated(c, NULL);
		if (error != NULL &&
		    !g_error_matches(*error, FERRY_ERROR, FERRY_ERROR_TARGET_MISMATCH))
			g_prefix_error(error, "looking up target '%s': ", name);
		return FALSE;
	}
	if (!client_store_delegated(c, error) || !target_check_usable(&t, error))
		return FALSE;
	/* as python-tuf: a verified copy is not downloaded again */
	if (target_is_cached(c, file, &t))
		return TRUE;
	url = target_url(c, &t);
	bytes = http_get(url, (gsize)t.length, error);
	if (bytes == NULL)
		return FALSE;
	data = g_bytes_get_data(bytes, &len);
	if (!ferry_target_check_payload(&t, data, len, error))
		return FALSE;
	return local_write(c->target_dir, file, bytes, error);
}

static gboolean
client_download(Client *c, GError **error)
{
	if (c->target_names == NULL || c->target_dir == NULL || c->target_base_url == NULL) {
		g_set_error_literal(
			error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
			"download needs --target-name, --target-dir and --target-base-url");
		return FALSE;
	}
	/* targets only from freshly updated metadata */
	if (!client_refresh(c, error))
		return FALSE;
	if (g_mkdir_with_parents(c->target_dir, 0755) != 0)
		return ferry_error_set_errno(error, errno, "creating '%s'", c->target_dir);
	for (guint i = 0; c->target_names[i] != NULL; i++) {
		/* the errors name the target, its URL or its file */
		if (!client_download_target(c, c->target_names[i], error))
			return FALSE;
	}
	return TRUE;
}

/* ---- init and the command line ---- */

static gboolean
client_init(Client *c, const gchar *root_path, GError **error)
{
	/* the path is the caller's: a symlink to the root file is fine */
	g_autoptr(GBytes) root = local_read_path(root_path, 0, FERRY_MAX_ROOT_SIZE, error);
	g_autoptr(FerryMetadata) md = NULL;

	if (root == NULL)
		return FALSE;
	md = ferry_metadata_new_from_bytes(root, FERRY_ROLE_ROOT, FERRY_MAX_ROOT_SIZE, error);
	if (md == NULL) {
		g_prefix_error(error, "'%s': ", root_path);
		return FALSE;
	}
	if (g_mkdir_with_parents(c->metadata_dir, 0755) != 0)
		return ferry_error_set_errno(error, errno, "creating '%s'", c->metadata_dir);
	return local_write(c->metadata_dir, "root.json", root, error);
}

/* "YYYY-MM-DDTHH:MM:SSZ" or seconds since the epoch */
static gboolean
parse_now(const gchar *s, gint64 *out, GError **error)
{
	gint64 t = 0;

	if (g_ascii_string_to_signed(s, 10, 0, G_MAXINT64, &t, NULL) ||
	    ferry_parse_iso8601(s, &t, NULL)) {
		*out = t;
		return TRUE;
	}
	g_set_error(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
		    "--now '%s' is neither YYYY-MM-DDTHH:MM:SSZ nor seconds since the epoch", s);
	return FALSE;
}

static void
strip_trailing_slashes(gchar *url)
{
	gsize len = url != NULL ? strlen(url) : 0;

	/* the conformance suite hands out ".../metadata/"; "//name" would be another path */
	while (len > 0 && url[len - 1] == '/')
		url[--len] = '\0';
}

static gboolean
client_parse_args(Client *c, int *argc, char ***argv, GError **error)
{
	const GOptionEntry entries[] = {
		{"metadata-url", 0, 0, G_OPTION_ARG_STRING, &c->metadata_url,
		 "Base URL of the repository's metadata", "URL"},
		{"metadata-dir", 0, 0, G_OPTION_ARG_FILENAME, &c->metadata_dir,
		 "Directory of the trusted metadata", "DIR"},
		{"target-name", 0, 0, G_OPTION_ARG_STRING_ARRAY, &c->target_names,
		 "Target path to download (repeatable)", "NAME"},
		{"target-dir", 0, 0, G_OPTION_ARG_FILENAME, &c->target_dir,
		 "Directory of the downloaded targets", "DIR"},
		{"target-base-url", 0, 0, G_OPTION_ARG_STRING, &c->target_base_url,
		 "Base URL of the repository's targets", "URL"},
		{"now", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &c->now_arg,
		 "Time to check expiry against, for tests", "TIME"},
		{NULL}};
	g_autoptr(GOptionContext) ctx =
		g_option_context_new("init TRUSTED_ROOT | refresh | download");

	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_summary(ctx, "A TUF client for the tuf-conformance test suite.");
	if (!g_option_context_parse(ctx, argc, argv, error))
		return FALSE;
	if (c->metadata_dir == NULL) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
				    "--metadata-dir is required");
		return FALSE;
	}
	if (c->now_arg != NULL && !parse_now(c->now_arg, &c->now, error))
		return FALSE;
	if (c->now_arg == NULL)
		c->now = g_get_real_time() / G_USEC_PER_SEC;
	strip_trailing_slashes(c->metadata_url);
	strip_trailing_slashes(c->target_base_url);
	c->stored_roles = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	return TRUE;
}

static gboolean
client_run(Client *c, int argc, char **argv, GError **error)
{
	const gchar *command = argc >= 2 ? argv[1] : "";

	if (g_str_equal(command, "init") && argc == 3)
		return client_init(c, argv[2], error);
	if ((g_str_equal(command, "refresh") || g_str_equal(command, "download")) && argc == 2 &&
	    c->metadata_url == NULL) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
			    "%s needs --metadata-url", command);
		return FALSE;
	}
	if (g_str_equal(command, "refresh") && argc == 2)
		return client_refresh(c, error);
	if (g_str_equal(command, "download") && argc == 2)
		return client_download(c, error);
	g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
			    "expected one command: init TRUSTED_ROOT, refresh or download");
	return FALSE;
}

/* the stable code printed with every error */
static gint
error_code_of(const GError *error)
{
	if (error->domain == FERRY_ERROR)
		return error->code;
	if (error->domain == G_OPTION_ERROR)
		return FERRY_ERROR_INVALID_ARGUMENT;
	return FERRY_ERROR_FAILED;
}

int
main(int argc, char **argv)
{
	g_auto(Client) c = {0};
	g_autoptr(GError) error = NULL;
	gboolean ok;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		g_printerr("ferry-tuf-client: cannot initialise libcurl (failed)\n");
		return 1;
	}
	ok = client_parse_args(&c, &argc, &argv, &error) && client_run(&c, argc, argv, &error);
	if (!ok)
		g_printerr("ferry-tuf-client: %s (%s)\n", error->message,
			   ferry_error_code_to_string(error_code_of(error)));
	curl_global_cleanup();
	return ok ? 0 : 1;
}
