/*
 * ferry — one verification cycle against the device's state: load the trust
 * state, verify, and store the new trust state only when everything
 * verified. Also the result's JSON form, which `ferry-applier check --json`
 * prints and programs read.
 */
#pragma once

#include <glib.h>

#include "ferry-cycle.h"
#include "ferry-state.h"

G_BEGIN_DECLS

/**
 * ferry_applier_check:
 * @db: the device state; its roots (or, when it has none, the options'
 *   provisioning roots) are the trust anchors
 * @source: (transfer none): where the metadata comes from
 * @options: (transfer none): the device's identity and time
 * @out_result: (out) (optional) (transfer full): the verified result
 * @error: FERRY_ERROR_STATE, or ferry_cycle_run()'s specific code
 *
 * Runs ferry_cycle_run(); on success stores result->state (documents and the
 * new time floor) in one transaction, skipped when nothing changed. On any
 * failure the database is left exactly as it was.
 */
gboolean
ferry_applier_check(FerryStateDb *db, const FerryMetadataSource *source,
		    const FerryCycleOptions *options, FerryCycleResult **out_result,
		    GError **error) G_GNUC_WARN_UNUSED_RESULT;

/**
 * ferry_cycle_result_to_json:
 * @result: (nullable): the result, when @error is %NULL
 * @error: (nullable): the failure
 *
 * Success: {"ok":true,"error":null,"targets":[{"name","length","hashes":
 * {"sha256"[,"sha512"]},"ecu_serial","hardware_id","ostree","custom"}],
 * "offline":bool,"lockbox":name|null,"correlation_id":id|null,
 * "versions":{"director_root","director_targets","image_root",
 * "image_targets"},"trusted_time":"YYYY-MM-DDTHH:MM:SSZ"}.
 * Failure: {"ok":false,"error":{"code":"<ferry_error_code_to_string>",
 * "message":"…"},"targets":[]}.
 *
 * Returns: (transfer full): compact JSON, without a trailing newline
 */
gchar *
ferry_cycle_result_to_json(const FerryCycleResult *result, const GError *error);

G_END_DECLS
