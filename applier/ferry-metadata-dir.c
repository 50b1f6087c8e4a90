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

#define FERRY_MAX_PATH_COMPONENTS 16

struct _FerryMetadataDir {
	int rootfd;
	gchar *path;
	const gchar *layout;
	const gchar *dirs[3]; /* by FerryRepo */
	FerryMetadataSource source;
};

static gboolean
check_relpath(const gchar *relpath, gchar ***out_parts, GError **error)
{
	g_auto(GStrv) parts = g_strsplit(relpath, "/", FERRY_MAX_PATH_COMPONENTS + 1);

	if (*relpath == '\0' || g_strv_length(parts) > FERRY_MAX_PATH_COMPONENTS) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT, "unacceptable path '%s'",
			    relpath);
		return FALSE;
	}
	for (guint i = 0; parts[i] != NULL; i++) {
		if (*parts[i] == '\0' || g_str_equal(parts[i], ".") ||
		    g_str_equal(parts[i], "..")) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "unacceptable path '%s'", relpath);
			return FALSE;
		}
	}
	*out_parts = g_steal_pointer(&parts);
	return TRUE;
}

static GBytes *
read_fd(int fd, const gchar *relpath, gsize max_size, GError **error)
{
	struct stat st;
	g_autofree guint8 *buf = NULL;
	gsize done = 0;

	if (fstat(fd, &st) != 0)
		return ferry_error_set_errno(error, errno, "stat '%s'", relpath), NULL;
	if (!S_ISREG(st.st_mode)) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT, "'%s' is not a regular file",
			    relpath);
		return NULL;
	}
	if ((guint64)st.st_size > max_size) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE,
			    "'%s' is %" G_GUINT64_FORMAT
			    " bytes, over the limit of %" G_GSIZE_FORMAT,
			    relpath, (guint64)st.st_size, max_size);
		return NULL;
	}
	buf = g_malloc((gsize)st.st_size + 1);
	/* read at most the size seen, plus one byte to notice a file that grew */
	while (done <= (gsize)st.st_size) {
		gssize n = read(fd, buf + done, (gsize)st.st_size + 1 - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ferry_error_set_errno(error, errno, "reading '%s'", relpath), NULL;
		if (n == 0)
			break;
		done += (gsize)n;
	}
	if (done != (gsize)st.st_size) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_IO, "'%s' changed while being read",
			    relpath);
		return NULL;
	}
	return g_bytes_new_take(g_steal_pointer(&buf), done);
}

GBytes *
ferry_read_file_at(int dirfd, const gchar *relpath, gsize max_size, GError **error)
{
	g_auto(GStrv) parts = NULL;
	ferry_autofd int cur = -1;
	guint n;

	if (!check_relpath(relpath, &parts, error))
		return NULL;
	n = g_strv_length(parts);
	for (guint i = 0; i < n; i++) {
		gboolean last = i + 1 == n;
		int flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY |
			    (last ? O_NONBLOCK : O_DIRECTORY);
		int fd = openat(i == 0 ? dirfd : cur, parts[i], flags);
		if (fd < 0) {
			/* ELOOP: a link where a file should be; never followed */
			if (errno == ELOOP || errno == ENOTDIR) {
				g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
					    "'%s' is a link or not where a file should be",
					    relpath);
				return NULL;
			}
			return ferry_error_set_errno(error, errno, "opening '%s'", relpath), NULL;
		}
		if (cur >= 0)
			close(cur);
		cur = fd;
	}
	return read_fd(cur, relpath, max_size, error);
}

static GBytes *
dir_read(gpointer user_data, FerryRepo repo, const gchar *filename, gsize max_size, GError **error)
{
	FerryMetadataDir *self = user_data;
	g_autofree gchar *rel = g_strdup_printf("%s/%s", self->dirs[repo], filename);
	g_autoptr(GError) error_local = NULL;
	GBytes *bytes = ferry_read_file_at(self->rootfd, rel, max_size, &error_local);

	/* PURE-2's sample layout keeps delegated roles at the repository's top */
	if (bytes == NULL && repo == FERRY_REPO_IMAGE &&
	    g_str_has_prefix(filename, "delegations/") &&
	    g_error_matches(error_local, FERRY_ERROR, FERRY_ERROR_NOT_FOUND)) {
		g_autofree gchar *flat = g_strdup_printf("%s/%s", self->dirs[repo],
							 filename + strlen("delegations/"));
		g_clear_error(&error_local);
		bytes = ferry_read_file_at(self->rootfd, flat, max_size, &error_local);
	}
	if (bytes == NULL)
		g_propagate_error(error, g_steal_pointer(&error_local));
	return bytes;
}

static gboolean
is_dir_at(int fd, const gchar *rel)
{
	struct stat st;
	return fstatat(fd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

FerryMetadataDir *
ferry_metadata_dir_new(const gchar *path, GError **error)
{
	g_autoptr(FerryMetadataDir) self = g_new0(FerryMetadataDir, 1);

	self->path = g_strdup(path);
	self->rootfd = open(path, O_RDONLY | O_CLOEXEC | O_DIRECTORY);
	if (self->rootfd < 0)
		return ferry_error_set_errno(error, errno, "opening '%s'", path), NULL;
	if (is_dir_at(self->rootfd, "metadata/director")) {
		self->layout = "lockbox";
		self->dirs[FERRY_REPO_DIRECTOR] = "metadata/director";
		self->dirs[FERRY_REPO_IMAGE] = "metadata/image-repo";
		self->dirs[FERRY_REPO_PAYLOAD] = "images";
	} else if (is_dir_at(self->rootfd, "director")) {
		self->layout = "online";
		self->dirs[FERRY_REPO_DIRECTOR] = "director";
		self->dirs[FERRY_REPO_IMAGE] = "image_repo";
		self->dirs[FERRY_REPO_PAYLOAD] = is_dir_at(self->rootfd, "image_repo/targets")
							 ? "image_repo/targets"
							 : "image_repo";
	} else {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_NOT_FOUND,
			    "'%s' holds neither metadata/director/ (a lockbox) nor director/ "
			    "(an online Uptane pair)",
			    path);
		return NULL;
	}
	self->source.read = dir_read;
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
	return &self->source;
}

const gchar *
ferry_metadata_dir_get_layout(FerryMetadataDir *self)
{
	return self->layout;
}
