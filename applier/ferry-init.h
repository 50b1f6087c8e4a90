/*
 * ferry — first start of the applier: the provisioned roots, the device's
 * Uptane ECU key and serial, its hardware id. Idempotent.
 */
#pragma once

#include <glib.h>

#include "ferry-config.h"

G_BEGIN_DECLS

typedef struct {
	gchar *ecu_serial;
	gchar *hardware_id;
	gchar *ecu_keyid;
	gint64 director_root_version;
	gint64 image_root_version;
	gboolean changed; /* FALSE when everything was in place already */
} FerryInitResult;

/**
 * ferry_applier_init:
 * Imports IMPORT_DIR/director-root.json and image-root.json into the state
 * database when it has no roots (each must be signed by its own root keys;
 * roots already trusted are never replaced from here), generates the ECU key
 * (Ed25519, 0600) when absent, and records the ECU serial (from the
 * configuration, else generated) and the hardware id.
 * @error: FERRY_ERROR_NOT_PROVISIONED without roots to import;
 *   FERRY_ERROR_INVALID_ARGUMENT when the configuration contradicts the
 *   recorded identity or lacks the hardware id
 *
 * Returns: (transfer full)
 */
FerryInitResult *
ferry_applier_init(const FerryConfig *config, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void
ferry_init_result_free(FerryInitResult *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(FerryInitResult, ferry_init_result_free)

G_END_DECLS
