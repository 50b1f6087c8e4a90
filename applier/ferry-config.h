/*
 * ferry — the applier's configuration: /etc/ferry/applier.conf (GKeyFile,
 * group [applier]); every key and its default is in docs/applier-config.md.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FERRY_CONFIG_DEFAULT_PATH "/etc/ferry/applier.conf"

typedef enum {
	FERRY_REBOOT_NONE,
	FERRY_REBOOT_NOW,
} FerryRebootPolicy;

typedef struct {
	gchar *sysroot;	     /* "/" */
	gchar *os;	     /* OSTree stateroot, "ferry" */
	gchar *state;	     /* "/var/lib/ferry/state.db" */
	gchar *hardware_id;  /* required for install/check */
	gchar *ecu_serial;   /* NULL: generated at init */
	gchar *ecu_key;	     /* "/var/lib/ferry/ecu-key.pem" */
	gchar *import_dir;   /* "/etc/ferry/import": director-root.json, image-root.json */
	gchar *media_filter; /* "usb", "removable" or "any" */
	gchar *mount_base;   /* "/run/ferry/media" */
	gchar *staging_dir;  /* NULL: SYSROOT/ostree/ferry-staging */
	FerryRebootPolicy reboot;
	gboolean write_reports;
} FerryConfig;

/**
 * ferry_config_load:
 * @path: (nullable): a file; %NULL reads FERRY_CONFIG_DEFAULT_PATH when it
 *   exists and otherwise uses the defaults
 * @error: FERRY_ERROR_INVALID_ARGUMENT for unknown groups or keys, or bad
 *   values; FERRY_ERROR_NOT_FOUND for a @path that does not exist
 *
 * Returns: (transfer full)
 */
FerryConfig *
ferry_config_load(const gchar *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void
ferry_config_free(FerryConfig *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(FerryConfig, ferry_config_free)

G_END_DECLS
