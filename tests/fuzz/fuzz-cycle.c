/*
 * Fuzzes a whole verification cycle: the director root is trusted (the Uptane
 * vector "simple"), and the input is served as every other file the cycle
 * asks for, so every parser and check behind it sees hostile bytes.
 */
#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "ferry-cycle.h"
#include "ferry-error.h"
#include "fuzz-cycle-root.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
	const guint8 *data;
	gsize size;
} Input;

static GBytes *
read_cb(gpointer user_data, FerryRepo repo, const gchar *filename, gsize max_size, GError **error)
{
	Input *in = user_data;

	/* no further roots, so the trusted root stays the one above */
	if (g_str_has_suffix(filename, ".root.json") || in->size > max_size) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_NOT_FOUND, "absent");
		return NULL;
	}
	return g_bytes_new(in->data, in->size);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Input in = {data, size};
	FerryMetadataSource source = {read_cb, &in};
	g_autoptr(FerryTrustState) state = ferry_trust_state_new();
	g_autoptr(GBytes) root = g_bytes_new_static(fuzz_director_root, strlen(fuzz_director_root));
	FerryCycleOptions options = {
		.hardware_id = "test_primary_hardware_id",
		.ecu_serial = "test_primary_ecu_serial",
		.now = 1735689600, /* 2025-01-01 */
		.init_director_root = root,
		.init_image_root = root,
		.check_payloads = TRUE,
	};
	FerryCycleResult *result = ferry_cycle_run(&source, state, &options, NULL);

	ferry_cycle_result_free(result);
	return 0;
}
