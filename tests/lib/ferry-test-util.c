/* ferry — helpers shared by the unit and integration tests */
#include "ferry-test-util.h"

#include <gio/gio.h>

#include "ferry-json.h"

static const gchar *
getenv_or_fail(const gchar *name)
{
	const gchar *v = g_getenv(name);
	if (v == NULL || *v == '\0')
		g_error("%s is not set: run the tests through ctest", name);
	return v;
}

const gchar *
ferry_test_srcdir(void)
{
	return getenv_or_fail("FERRY_SRCDIR");
}

const gchar *
ferry_test_shared_dir(void)
{
	return getenv_or_fail("FERRY_SHARED_DIR");
}

const gchar *
ferry_test_builddir(void)
{
	return getenv_or_fail("FERRY_BUILDDIR");
}

gchar *
ferry_test_mkdtemp(void)
{
	g_autoptr(GError) error = NULL;
	gchar *dir = g_dir_make_tmp("ferry-test-XXXXXX", &error);
	g_assert_no_error(error);
	return dir;
}

static void
rm_rf_file(GFile *file)
{
	g_autoptr(GFileEnumerator) en = NULL;

	en = g_file_enumerate_children(file, G_FILE_ATTRIBUTE_STANDARD_NAME,
				       G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
	if (en != NULL) {
		GFileInfo *info;
		while ((info = g_file_enumerator_next_file(en, NULL, NULL)) != NULL) {
			g_autoptr(GFileInfo) owned G_GNUC_UNUSED = info;
			g_autoptr(GFile) child = g_file_get_child(file, g_file_info_get_name(info));
			rm_rf_file(child);
		}
	}
	(void)g_file_delete(file, NULL, NULL);
}

void
ferry_test_rm_rf(const gchar *path)
{
	g_autoptr(GFile) file = NULL;

	if (path == NULL)
		return;
	file = g_file_new_for_path(path);
	rm_rf_file(file);
}

GBytes *
ferry_test_read_file(const gchar *path)
{
	g_autoptr(GError) error = NULL;
	gchar *contents = NULL;
	gsize len = 0;

	g_file_get_contents(path, &contents, &len, &error);
	g_assert_no_error(error);
	return g_bytes_new_take(contents, len);
}

FerryJsonDoc *
ferry_test_read_json(const gchar *path)
{
	g_autoptr(GBytes) b = ferry_test_read_file(path);
	g_autoptr(GError) error = NULL;
	FerryJsonDoc *doc = ferry_json_doc_new_parse(g_bytes_get_data(b, NULL), g_bytes_get_size(b),
						     1 << 24, &error);
	g_assert_no_error(error);
	return doc;
}
