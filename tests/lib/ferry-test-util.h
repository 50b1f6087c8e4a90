/* ferry — helpers shared by the unit and integration tests */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* $FERRY_SRCDIR / $FERRY_SHARED_DIR / $FERRY_BUILDDIR, or a test skip/fail when unset */
const gchar *
ferry_test_srcdir(void);
const gchar *
ferry_test_shared_dir(void);
const gchar *
ferry_test_builddir(void);

/* a fresh temporary directory, removed recursively by ferry_test_rm_rf() */
gchar *
ferry_test_mkdtemp(void);
void
ferry_test_rm_rf(const gchar *path);

/* read a whole file; g_assert_no_error on failure */
GBytes *
ferry_test_read_file(const gchar *path);

/* parse a JSON file (at most 16 MiB); g_assert_no_error on failure.
 * Returns (transfer full) a FerryJsonDoc */
struct _FerryJsonDoc *
ferry_test_read_json(const gchar *path);

G_END_DECLS
