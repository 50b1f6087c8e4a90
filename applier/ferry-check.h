/*
 * ferry — one verification cycle against the device's state: load, verify,
 * and store the new trust state only when everything verified.
 */
#pragma once

#include <glib.h>

#include "ferry-cycle.h"
#include "ferry-json.h"
#include "ferry-state.h"

G_BEGIN_DECLS

/**
 * ferry_applier_check:
 * @out_result: (out) (optional) (transfer full)
 *
 * On failure the database is untouched.
 */
gboolean
ferry_applier_check(FerryStateDb *db, const FerryMetadataSource *source,
		    const FerryCycleOptions *options, FerryCycleResult **out_result,
		    GError **error) G_GNUC_WARN_UNUSED_RESULT;

/**
 * ferry_cycle_result_to_json:
 * @result: (nullable): the result, or %NULL when @error is set
 * @error: (nullable): the failure
 *
 * {"ok":bool,"error":null|{"code","message"},"targets":[...],...}
 *
 * Returns: (transfer full): compact JSON
 */
gchar *
ferry_cycle_result_to_json(const FerryCycleResult *result, const GError *error);

G_END_DECLS
