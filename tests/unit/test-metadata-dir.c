/*
 * The directory metadata source: layouts, the delegation fallback, and the
 * refusals that keep a hostile medium from steering reads (links, "..",
 * FIFOs, oversized files).
 */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ferry-error.h"
#include "ferry-metadata-dir.h"
#include "ferry-test-util.h"

typedef struct {
	gchar *dir;
} DirFixture;

static void
dir_fixture_setup(DirFixture *f, gconstpointer data)
{
	f->dir = ferry_test_mkdtemp();
}

static void
dir_fixture_teardown(DirFixture *f, gconstpointer data)
{
	ferry_test_rm_rf(f->dir);
	g_free(f->dir);
}

/* writes @contents to @rel below the fixture, creating directories */
static void
put(DirFixture *f, const gchar *rel, const gchar *contents)
{
	g_autofree gchar *path = g_build_filename(f->dir, rel, NULL);
	g_autofree gchar *parent = g_path_get_dirname(path);
	g_autoptr(GError) error = NULL;

	g_assert_cmpint(g_mkdir_with_parents(parent, 0700), ==, 0);
	g_file_set_contents(path, contents, -1, &error);
	g_assert_no_error(error);
}

static FerryMetadataDir *
open_source(DirFixture *f)
{
	g_autoptr(GError) error = NULL;
	FerryMetadataDir *md = ferry_metadata_dir_new(f->dir, &error);

	g_assert_no_error(error);
	g_assert_nonnull(md);
	return md;
}

static GBytes *
source_read(FerryMetadataDir *md, FerryRepo repo, const gchar *name, gsize max_size, GError **error)
{
	const FerryMetadataSource *src = ferry_metadata_dir_get_source(md);
	return src->read(src->user_data, repo, name, max_size, error);
}

static void
assert_reads(FerryMetadataDir *md, FerryRepo repo, const gchar *name, const gchar *want)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) b = source_read(md, repo, name, 1024, &error);

	g_assert_no_error(error);
	g_assert_nonnull(b);
	g_assert_cmpmem(g_bytes_get_data(b, NULL), g_bytes_get_size(b), want, strlen(want));
}

static void
assert_refused(FerryMetadataDir *md, FerryRepo repo, const gchar *name, gsize max_size,
	       FerryError code)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) b = source_read(md, repo, name, max_size, &error);

	g_assert_null(b);
	g_assert_error(error, FERRY_ERROR, (gint)code);
}

static void
test_layout_lockbox(DirFixture *f, gconstpointer data)
{
	g_autoptr(FerryMetadataDir) md = NULL;

	put(f, "metadata/director/1.root.json", "droot");
	put(f, "metadata/image-repo/targets.json", "itargets");
	put(f, "images/app.bin", "payload");
	md = open_source(f);
	g_assert_cmpint(ferry_metadata_dir_get_layout(md), ==, FERRY_METADATA_LAYOUT_LOCKBOX);
	g_assert_cmpstr(ferry_metadata_layout_to_string(ferry_metadata_dir_get_layout(md)), ==,
			"lockbox");
	assert_reads(md, FERRY_REPO_DIRECTOR, "1.root.json", "droot");
	assert_reads(md, FERRY_REPO_IMAGE, "targets.json", "itargets");
	assert_reads(md, FERRY_REPO_PAYLOAD, "app.bin", "payload");
	assert_refused(md, FERRY_REPO_IMAGE, "snapshot.json", 1024, FERRY_ERROR_NOT_FOUND);
}

static void
test_layout_online(DirFixture *f, gconstpointer data)
{
	g_autoptr(FerryMetadataDir) md = NULL;

	put(f, "director/targets.json", "dtargets");
	put(f, "image_repo/targets.json", "itargets");
	put(f, "image_repo/file.txt", "wat wat wat");
	md = open_source(f);
	g_assert_cmpint(ferry_metadata_dir_get_layout(md), ==, FERRY_METADATA_LAYOUT_ONLINE);
	assert_reads(md, FERRY_REPO_DIRECTOR, "targets.json", "dtargets");
	assert_reads(md, FERRY_REPO_IMAGE, "targets.json", "itargets");
	assert_reads(md, FERRY_REPO_PAYLOAD, "file.txt", "wat wat wat");
}

/* the online server's image_repo/targets/ holds the payloads when present */
static void
test_layout_online_targets_dir(DirFixture *f, gconstpointer data)
{
	g_autoptr(FerryMetadataDir) md = NULL;

	put(f, "director/targets.json", "dtargets");
	put(f, "image_repo/file.txt", "top");
	put(f, "image_repo/targets/file.txt", "below");
	md = open_source(f);
	assert_reads(md, FERRY_REPO_PAYLOAD, "file.txt", "below");
}

static void
test_layout_none(DirFixture *f, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryMetadataDir) md = NULL;
	g_autofree gchar *missing = g_build_filename(f->dir, "missing", NULL);

	put(f, "image_repo/targets.json", "itargets");
	md = ferry_metadata_dir_new(f->dir, &error);
	g_assert_null(md);
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_NOT_FOUND);
	g_clear_error(&error);
	md = ferry_metadata_dir_new(missing, &error);
	g_assert_null(md);
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_NOT_FOUND);
}

/* a repository directory that is a link is not a layout */
static void
test_layout_symlinked(DirFixture *f, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryMetadataDir) md = NULL;
	g_autofree gchar *link = g_build_filename(f->dir, "director", NULL);

	put(f, "elsewhere/targets.json", "dtargets");
	g_assert_cmpint(symlink("elsewhere", link), ==, 0);
	md = ferry_metadata_dir_new(f->dir, &error);
	g_assert_null(md);
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_NOT_FOUND);
}

/* PURE-2's sample layout: delegated roles at the repository's top level */
static void
test_delegation_fallback(DirFixture *f, gconstpointer data)
{
	g_autoptr(FerryMetadataDir) md = NULL;

	put(f, "director/foo.json", "director foo");
	put(f, "image_repo/flat.json", "flat");
	put(f, "image_repo/both.json", "top");
	put(f, "image_repo/delegations/both.json", "delegations");
	md = open_source(f);
	assert_reads(md, FERRY_REPO_IMAGE, "delegations/flat.json", "flat");
	assert_reads(md, FERRY_REPO_IMAGE, "delegations/both.json", "delegations");
	assert_refused(md, FERRY_REPO_IMAGE, "delegations/none.json", 1024, FERRY_ERROR_NOT_FOUND);
	/* only the image repository delegates */
	assert_refused(md, FERRY_REPO_DIRECTOR, "delegations/foo.json", 1024,
		       FERRY_ERROR_NOT_FOUND);
	/* the fallback is no way around the name checks */
	assert_refused(md, FERRY_REPO_IMAGE, "delegations/../flat.json", 1024, FERRY_ERROR_FORMAT);
}

static void
test_too_large(DirFixture *f, gconstpointer data)
{
	g_autoptr(FerryMetadataDir) md = NULL;
	g_autoptr(GBytes) b = NULL;

	put(f, "director/targets.json", "0123456789");
	md = open_source(f);
	assert_refused(md, FERRY_REPO_DIRECTOR, "targets.json", 9, FERRY_ERROR_TOO_LARGE);
	b = source_read(md, FERRY_REPO_DIRECTOR, "targets.json", 10, NULL);
	g_assert_nonnull(b);
	g_assert_cmpuint(g_bytes_get_size(b), ==, 10);
}

static void
test_bad_names(DirFixture *f, gconstpointer data)
{
	const gchar *names[] = {"",	     "../director/x.json", "a/../x.json", "/etc/passwd",
				"a//x.json", "./x.json",	   "a/",	  ".",
				"..",	     "a/./x.json"};
	g_autoptr(FerryMetadataDir) md = NULL;
	g_autoptr(GString) deep = g_string_new("");

	put(f, "director/x.json", "x");
	put(f, "image_repo/x.json", "x");
	md = open_source(f);
	for (guint i = 0; i < G_N_ELEMENTS(names); i++)
		assert_refused(md, FERRY_REPO_IMAGE, names[i], 1024, FERRY_ERROR_FORMAT);
	for (guint i = 0; i < FERRY_MAX_PATH_COMPONENTS; i++)
		g_string_append(deep, "d/");
	g_string_append(deep, "x.json");
	assert_refused(md, FERRY_REPO_IMAGE, deep->str, 1024, FERRY_ERROR_FORMAT);
}

static void
test_links_refused(DirFixture *f, gconstpointer data)
{
	g_autoptr(FerryMetadataDir) md = NULL;
	g_autofree gchar *file_link = g_build_filename(f->dir, "director", "link.json", NULL);
	g_autofree gchar *dir_link = g_build_filename(f->dir, "director", "sub", NULL);

	put(f, "director/real.json", "real");
	put(f, "elsewhere/x.json", "x");
	g_assert_cmpint(symlink("real.json", file_link), ==, 0);
	g_assert_cmpint(symlink("../elsewhere", dir_link), ==, 0);
	md = open_source(f);
	assert_refused(md, FERRY_REPO_DIRECTOR, "link.json", 1024, FERRY_ERROR_FORMAT);
	assert_refused(md, FERRY_REPO_DIRECTOR, "sub/x.json", 1024, FERRY_ERROR_FORMAT);
	/* a file where a directory should be */
	assert_refused(md, FERRY_REPO_DIRECTOR, "real.json/x", 1024, FERRY_ERROR_FORMAT);
}

static void
test_not_regular(DirFixture *f, gconstpointer data)
{
	g_autoptr(FerryMetadataDir) md = NULL;
	g_autofree gchar *fifo = g_build_filename(f->dir, "director", "fifo.json", NULL);

	put(f, "director/dir.json/x", "x");
	g_assert_cmpint(mkfifo(fifo, 0600), ==, 0);
	md = open_source(f);
	/* a FIFO with no writer: refused, without hanging */
	assert_refused(md, FERRY_REPO_DIRECTOR, "fifo.json", 1024, FERRY_ERROR_FORMAT);
	assert_refused(md, FERRY_REPO_DIRECTOR, "dir.json", 1024, FERRY_ERROR_FORMAT);
}

static void
test_read_file_capped(DirFixture *f, gconstpointer data)
{
	g_autofree gchar *path = g_build_filename(f->dir, "root.json", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) b = NULL;

	put(f, "root.json", "12345");
	b = ferry_read_file_capped(path, 4, &error);
	g_assert_null(b);
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE);
	g_clear_error(&error);
	b = ferry_read_file_capped(path, 5, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(g_bytes_get_size(b), ==, 5);
	g_clear_pointer(&b, g_bytes_unref);
	b = ferry_read_file_capped(f->dir, 5, &error);
	g_assert_null(b);
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT);
}

static void
add(const gchar *path, void (*func)(DirFixture *, gconstpointer))
{
	g_test_add(path, DirFixture, NULL, dir_fixture_setup, func, dir_fixture_teardown);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	add("/metadata-dir/layout/lockbox", test_layout_lockbox);
	add("/metadata-dir/layout/online", test_layout_online);
	add("/metadata-dir/layout/online-targets-dir", test_layout_online_targets_dir);
	add("/metadata-dir/layout/none", test_layout_none);
	add("/metadata-dir/layout/symlinked", test_layout_symlinked);
	add("/metadata-dir/delegations/fallback", test_delegation_fallback);
	add("/metadata-dir/read/too-large", test_too_large);
	add("/metadata-dir/read/bad-names", test_bad_names);
	add("/metadata-dir/read/links-refused", test_links_refused);
	add("/metadata-dir/read/not-regular", test_not_regular);
	add("/metadata-dir/read-file-capped", test_read_file_capped);
	return g_test_run();
}
