/*
 * ferry — the applier's configuration; see ferry-config.h.
 */
#include "ferry-config.h"

#include "ferry-error.h"

#define GROUP "applier"

static const gchar *const known_keys[] = {
	"sysroot",    "os",	      "state",	    "hardware-id", "ecu-serial", "ecu-key",
	"import-dir", "media-filter", "mount-base", "staging-dir", "reboot",	 "write-reports",
	NULL};

static void
set_defaults(FerryConfig *self)
{
	self->sysroot = g_strdup("/");
	self->os = g_strdup("ferry");
	self->state = g_strdup("/var/lib/ferry/state.db");
	self->ecu_key = g_strdup("/var/lib/ferry/ecu-key.pem");
	self->import_dir = g_strdup("/etc/ferry/import");
	self->media_filter = g_strdup("usb");
	self->mount_base = g_strdup("/run/ferry/media");
	self->reboot = FERRY_REBOOT_NONE;
	self->write_reports = TRUE;
}

/* replaces *@field with the key's value when the key is set */
static gboolean
take_string(GKeyFile *kf, const gchar *key, gchar **field, GError **error)
{
	g_autoptr(GError) error_local = NULL;
	gchar *v = g_key_file_get_string(kf, GROUP, key, &error_local);

	if (v == NULL) {
		if (g_error_matches(error_local, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND))
			return TRUE;
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT, "%s: %s", key,
			    error_local->message);
		return FALSE;
	}
	g_strstrip(v);
	if (*v == '\0') {
		g_free(v);
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT, "%s is empty", key);
		return FALSE;
	}
	g_free(*field);
	*field = v;
	return TRUE;
}

static gboolean
check_keys(GKeyFile *kf, GError **error)
{
	g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);
	g_auto(GStrv) keys = NULL;

	for (guint i = 0; groups[i] != NULL; i++) {
		if (!g_str_equal(groups[i], GROUP)) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
				    "unknown group [%s] (only [%s])", groups[i], GROUP);
			return FALSE;
		}
	}
	keys = g_key_file_get_keys(kf, GROUP, NULL, NULL);
	for (guint i = 0; keys != NULL && keys[i] != NULL; i++) {
		if (!g_strv_contains(known_keys, keys[i])) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
				    "unknown key '%s'", keys[i]);
			return FALSE;
		}
	}
	return TRUE;
}

static gboolean
parse(FerryConfig *self, GKeyFile *kf, GError **error)
{
	g_autofree gchar *reboot = NULL;
	g_autoptr(GError) error_local = NULL;
	static const struct {
		const gchar *key;
		gsize offset;
	} strings[] = {
		{"sysroot", G_STRUCT_OFFSET(FerryConfig, sysroot)},
		{"os", G_STRUCT_OFFSET(FerryConfig, os)},
		{"state", G_STRUCT_OFFSET(FerryConfig, state)},
		{"hardware-id", G_STRUCT_OFFSET(FerryConfig, hardware_id)},
		{"ecu-serial", G_STRUCT_OFFSET(FerryConfig, ecu_serial)},
		{"ecu-key", G_STRUCT_OFFSET(FerryConfig, ecu_key)},
		{"import-dir", G_STRUCT_OFFSET(FerryConfig, import_dir)},
		{"media-filter", G_STRUCT_OFFSET(FerryConfig, media_filter)},
		{"mount-base", G_STRUCT_OFFSET(FerryConfig, mount_base)},
		{"staging-dir", G_STRUCT_OFFSET(FerryConfig, staging_dir)},
	};

	if (!check_keys(kf, error))
		return FALSE;
	for (guint i = 0; i < G_N_ELEMENTS(strings); i++) {
		gchar **field = G_STRUCT_MEMBER_P(self, strings[i].offset);
		if (!take_string(kf, strings[i].key, field, error))
			return FALSE;
	}
	if (!take_string(kf, "reboot", &reboot, error))
		return FALSE;
	if (reboot != NULL && !g_str_equal(reboot, "none") && !g_str_equal(reboot, "now")) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
			    "reboot is '%s' (none or now)", reboot);
		return FALSE;
	}
	self->reboot = g_strcmp0(reboot, "now") == 0 ? FERRY_REBOOT_NOW : FERRY_REBOOT_NONE;
	if (!g_strv_contains((const gchar *const[]){"usb", "removable", "any", NULL},
			     self->media_filter)) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
			    "media-filter is '%s' (usb, removable or any)", self->media_filter);
		return FALSE;
	}
	if (g_key_file_has_key(kf, GROUP, "write-reports", NULL)) {
		self->write_reports =
			g_key_file_get_boolean(kf, GROUP, "write-reports", &error_local);
		if (error_local != NULL) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
				    "write-reports: %s", error_local->message);
			return FALSE;
		}
	}
	return TRUE;
}

FerryConfig *
ferry_config_load(const gchar *path, GError **error)
{
	g_autoptr(FerryConfig) self = g_new0(FerryConfig, 1);
	g_autoptr(GKeyFile) kf = g_key_file_new();
	const gchar *file = path != NULL ? path : FERRY_CONFIG_DEFAULT_PATH;

	set_defaults(self);
	if (path == NULL && !g_file_test(file, G_FILE_TEST_EXISTS))
		return g_steal_pointer(&self);
	if (!g_key_file_load_from_file(kf, file, G_KEY_FILE_NONE, error)) {
		ferry_error_convert(error);
		g_prefix_error(error, "%s: ", file);
		return NULL;
	}
	if (!parse(self, kf, error)) {
		g_prefix_error(error, "%s: ", file);
		return NULL;
	}
	return g_steal_pointer(&self);
}

void
ferry_config_free(FerryConfig *self)
{
	if (self == NULL)
		return;
	g_free(self->sysroot);
	g_free(self->os);
	g_free(self->state);
	g_free(self->hardware_id);
	g_free(self->ecu_serial);
	g_free(self->ecu_key);
	g_free(self->import_dir);
	g_free(self->media_filter);
	g_free(self->mount_base);
	g_free(self->staging_dir);
	g_free(self);
}
