/*
 * Replays fuzz corpora without libFuzzer, so gcc builds run every corpus file
 * through the parser as a CTest test. Arguments are files or directories.
 */
#include <glib.h>
#include <stdint.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static gboolean
replay_path(const gchar *path, guint *count)
{
	g_autoptr(GError) error = NULL;

	if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
		g_autoptr(GDir) dir = g_dir_open(path, 0, &error);
		const gchar *name;
		if (dir == NULL) {
			g_printerr("%s\n", error->message);
			return FALSE;
		}
		while ((name = g_dir_read_name(dir)) != NULL) {
			g_autofree gchar *child = g_build_filename(path, name, NULL);
			if (!replay_path(child, count))
				return FALSE;
		}
		return TRUE;
	} else {
		g_autofree gchar *contents = NULL;
		gsize len = 0;
		if (!g_file_get_contents(path, &contents, &len, &error)) {
			g_printerr("%s\n", error->message);
			return FALSE;
		}
		LLVMFuzzerTestOneInput((const uint8_t *)contents, len);
		(*count)++;
		return TRUE;
	}
}

int
main(int argc, char **argv)
{
	guint count = 0;

	for (int i = 1; i < argc; i++) {
		if (!replay_path(argv[i], &count))
			return 1;
	}
	g_print("replayed %u inputs\n", count);
	return count > 0 ? 0 : 1;
}
