/*
 * ferry — metadata from a directory; see ferry-metadata-dir.h.
 */
#include "ferry-metadata-dir.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ferry-autocleanups.h"
#include "ferry-error.h"

#define DELEGATIONS_PREFIX "delegations/"

struct _FerryMetadataDir {
	int rootfd;
	gchar *path;
	FerryMetadataLayout layout;
	const gchar *dirs[FERRY_REPO_PAYLOAD + 1]; /* by FerryRepo, relative to rootfd */
	FerryMetadataSource source;
};

static gboolean
refuse_relpath(const gchar *relpath, GError **error)
{
	g_autofree gchar *shown = g_utf8_make_valid(relpath, -1);

	g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT, "unacceptable path '%s'", shown);
	return FALSE;
}

/* splits @relpath into components; nothing that could leave the directory */
static gboolean
split_relpath(const gchar *relpath, gchar ***out_parts, GError **error)
{
	g_auto(GStrv) parts = NULL;

	/* an absolute path gives an empty first component, refused below */
	if (*relpath == '\0')
		return refuse_relpath(relpath, error);
	parts = g_strsplit(relpath, "/", FERRY_MAX_PATH_COMPONENTS + 1);
	if (g_strv_length(parts) > FERRY_MAX_PATH_COMPONENTS)
		return refuse_relpath(relpath, error);
	for (guint i = 0; parts[i] != NULL; i++) {
		if (*parts[i] == '\0' || g_str_equal(parts[i], ".") || g_str_equal(parts[i], ".."))
			return refuse_relpath(relpath, error);
	}
	*out_parts = g_steal_pointer(&parts);
	return TRUE;
}

static gboolean
set_open_error(const gchar *relpath, int errsv, GError **error)
{
	/* ELOOP: a link where a file or directory should be; never followed */
	if (errsv == ELOOP || errsv == ENOTDIR) {
		g_autofree gchar *shown = g_utf8_make_valid(relpath, -1);
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
			    "'%s': a link, or a file where a directory should be", shown);
		return FALSE;
	}
	return ferry_error_set_errno(error, errsv, "opening '%s'", relpath);
}

/* opens @relpath below @dirfd component by component; O_NOFOLLOW throughout */
static gboolean
open_at(int dirfd, const gchar *relpath, gboolean want_dir, int *out_fd, GError **error)
{
	g_auto(GStrv) parts = NULL;
	ferry_autofd int cur = -1;
	guint n;

	if (!split_relpath(relpath, &parts, error))
		return FALSE;
	n = g_strv_length(parts);
	for (guint i = 0; i < n; i++) {
		gboolean last = i + 1 == n;
		/* O_NONBLOCK: opening a FIFO planted on the medium must not hang */
		int flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY |
			    (last && !want_dir ? O_NONBLOCK : O_DIRECTORY);
		int fd = openat(i == 0 ? dirfd : cur, parts[i], flags);

		if (fd < 0)
			return set_open_error(relpath, errno, error);
		if (cur >= 0)
			close(cur);
		cur = fd;
	}
	*out_fd = cur;
	cur = -1;
	return TRUE;
}

static gboolean
read_all(int fd, guint8 *buf, gsize want, gsize *out_done, const gchar *what, GError **error)
{
	gsize done = 0;

	while (done < want) {
		gssize n = read(fd, buf + done, want - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ferry_error_set_errno(error, errno, "reading '%s'", what);
		if (n == 0)
			break;
		done += (gsize)n;
	}
	*out_done = done;
	return TRUE;
}

/* fstat, cap, then one read of exactly the size seen */
static GBytes *
read_fd(int fd, const gchar *what, gsize max_size, GError **error)
{
	struct stat st;
	g_autofree guint8 *buf = NULL;
	gsize size;
	gsize done = 0;

	if (fstat(fd, &st) != 0) {
		ferry_error_set_errno(error, errno, "stat '%s'", what);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT, "'%s' is not a regular file",
			    what);
		return NULL;
	}
	if ((guint64)st.st_size > (guint64)max_size) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE,
			    "'%s' is %" G_GUINT64_FORMAT
			    " bytes, over the limit of %" G_GSIZE_FORMAT,
			    what, (guint64)st.st_size, max_size);
		return NULL;
	}
	size = (gsize)st.st_size;
	/* one byte more than the size seen, to notice a file that grew */
	buf = g_malloc(size + 1);
	if (!read_all(fd, buf, size + 1, &done, what, error))
		return NULL;
	if (done != size) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_IO, "'%s' changed while being read",
			    what);
		return NULL;
	}
	return g_bytes_new_take(g_steal_pointer(&buf), done);
}

GBytes *
ferry_read_file_at(int dirfd, const gchar *relpath, gsize max_size, GError **error)
{
	ferry_autofd int fd = -1;

	g_return_val_if_fail(relpath != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	if (!open_at(dirfd, relpath, FALSE, &fd, error))
		return NULL;
	return read_fd(fd, relpath, max_size, error);
}

GBytes *
ferry_read_file_capped(const gchar *path, gsize max_size, GError **error)
{
	ferry_autofd int fd = -1;

	g_return_val_if_fail(path != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		ferry_error_set_errno(error, errno, "opening '%s'", path);
		return NULL;
	}
	return read_fd(fd, path, max_size, error);
}

static GBytes *
read_in_repo(FerryMetadataDir *self, FerryRepo repo, const gchar *filename, gsize max_size,
	     GError **error)
{
	g_autofree gchar *rel = g_strdup_printf("%s/%s", self->dirs[repo], filename);
	return ferry_read_file_at(self->rootfd, rel, max_size, error);
}

static GBytes *
dir_read_cb(gpointer user_data, FerryRepo repo, const gchar *filename, gsize max_size,
	    GError **error)
{
	FerryMetadataDir *self = user_data;
	g_autoptr(GError) error_local = NULL;
	GBytes *bytes;

	g_return_val_if_fail(repo <= FERRY_REPO_PAYLOAD, NULL);
	g_return_val_if_fail(filename != NULL, NULL);

	bytes = read_in_repo(self, repo, filename, max_size, &error_local);
	/* PURE-2's sample layout keeps delegated roles at the repository's top */
	if (bytes == NULL && repo == FERRY_REPO_IMAGE &&
	    g_str_has_prefix(filename, DELEGATIONS_PREFIX) &&
	    g_error_matches(error_local, FERRY_ERROR, FERRY_ERROR_NOT_FOUND)) {
		g_clear_error(&error_local);
		bytes = read_in_repo(self, repo, filename + strlen(DELEGATIONS_PREFIX), max_size,
				     &error_local);
	}
	if (bytes == NULL)
		g_propagate_error(error, g_steal_pointer(&error_local));
	return bytes;
}

static gboolean
is_dir_at(int dirfd, const gchar *relpath)
{
	ferry_autofd int fd = -1;

	return open_at(dirfd, relpath, TRUE, &fd, NULL);
}

static gboolean
detect_layout(FerryMetadataDir *self, GError **error)
{
	if (is_dir_at(self->rootfd, "metadata/director")) {
		self->layout = FERRY_METADATA_LAYOUT_LOCKBOX;
		self->dirs[FERRY_REPO_DIRECTOR] = "metadata/director";
		self->dirs[FERRY_REPO_IMAGE] = "metadata/image-repo";
		self->dirs[FERRY_REPO_PAYLOAD] = "images";
		return TRUE;
	}
	if (is_dir_at(self->rootfd, "director")) {
		self->layout = FERRY_METADATA_LAYOUT_ONLINE;
		self->dirs[FERRY_REPO_DIRECTOR] = "director";
		self->dirs[FERRY_REPO_IMAGE] = "image_repo";
		/* the online server serves targets under image_repo/targets/ */
		self->dirs[FERRY_REPO_PAYLOAD] = is_dir_at(self->rootfd, "image_repo/targets")
							 ? "image_repo/targets"
							 : "image_repo";
		return TRUE;
	}
	g_set_error(error, FERRY_ERROR, FERRY_ERROR_NOT_FOUND,
		    "'%s' holds neither metadata/director/ (a lockbox) nor director/ "
		    "(an online Uptane pair)",
		    self->path);
	return FALSE;
}

FerryMetadataDir *
ferry_metadata_dir_new(const gchar *path, GError **error)
{
	g_autoptr(FerryMetadataDir) self = NULL;

	g_return_val_if_fail(path != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	self = g_new0(FerryMetadataDir, 1);
	self->path = g_strdup(path);
	self->rootfd = open(path, O_RDONLY | O_CLOEXEC | O_DIRECTORY | O_NOCTTY);
	if (self->rootfd < 0) {
		ferry_error_set_errno(error, errno, "opening '%s'", path);
		return NULL;
	}
	if (!detect_layout(self, error))
		return NULL;
	self->source.read = dir_read_cb;
	self->source.user_data = self;
	return g_steal_pointer(&self);
}

void
ferry_metadata_dir_free(FerryMetadataDir *self)
{
	if (self == NULL)
		return;
	if (self->rootfd >= 0)
		close(self->rootfd);
	g_free(self->path);
	g_free(self);
}

const FerryMetadataSource *
ferry_metadata_dir_get_source(FerryMetadataDir *self)
{
	g_return_val_if_fail(self != NULL, NULL);
	return &self->source;
}

FerryMetadataLayout
ferry_metadata_dir_get_layout(FerryMetadataDir *self)
{
	g_return_val_if_fail(self != NULL, FERRY_METADATA_LAYOUT_ONLINE);
	return self->layout;
}

const gchar *
ferry_metadata_layout_to_string(FerryMetadataLayout layout)
{
	return layout == FERRY_METADATA_LAYOUT_LOCKBOX ? "lockbox" : "online";
}
