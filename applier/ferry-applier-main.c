/*
 * ferry-applier — the device side of ferry.
 *
 *   ferry-applier check --metadata DIR --state DB --hardware-id HW --ecu-serial SERIAL
 *                       [--now TIME] [--json] [--init-director-root F --init-image-root F]
 *
 * Exit codes: 0 verified; 1 refused or failed; 2 usage.
 */
#include <glib.h>
#include <stdlib.h>

#include "ferry-check.h"
#include "ferry-error.h"
#include "ferry-metadata-dir.h"
#include "ferry-metadata.h"

#define EXIT_USAGE 2

typedef struct {
	gchar *metadata;
	gchar *state;
	gchar *hardware_id;
	gchar *ecu_serial;
	gchar *now;
	gchar *init_director_root;
	gchar *init_image_root;
	gboolean json;
} CheckArgs;

static void
check_args_clear(CheckArgs *a)
{
	g_free(a->metadata);
	g_free(a->state);
	g_free(a->hardware_id);
	g_free(a->ecu_serial);
	g_free(a->now);
	g_free(a->init_director_root);
	g_free(a->init_image_root);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(CheckArgs, check_args_clear)

static GBytes *
read_root_file(const gchar *path, GError **error)
{
	g_autofree gchar *contents = NULL;
	gsize len = 0;

	if (path == NULL)
		return NULL;
	if (!g_file_get_contents(path, &contents, &len, error)) {
		ferry_error_convert(error);
		return NULL;
	}
	if (len > FERRY_MAX_ROOT_SIZE) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE,
			    "'%s' is too large for a root", path);
		return NULL;
	}
	return g_bytes_new_take(g_steal_pointer(&contents), len);
}

static void
print_human(const FerryCycleResult *r)
{
	g_autofree gchar *t = ferry_format_iso8601(r->effective_time);

	g_print("verified: director root v%" G_GINT64_FORMAT, r->director_root_version);
	if (r->offline)
		g_print(", lockbox '%s' v%" G_GINT64_FORMAT, r->lockbox_name, r->lockbox_version);
	else
		g_print(", director targets v%" G_GINT64_FORMAT, r->director_targets_version);
	if (r->image_root_version > 0)
		g_print(", image root v%" G_GINT64_FORMAT ", image targets v%" G_GINT64_FORMAT,
			r->image_root_version, r->image_targets_version);
	g_print(" (trusted time %s)\n", t);
	if (r->correlation_id != NULL)
		g_print("correlation id: %s\n", r->correlation_id);
	if (r->targets->len == 0)
		g_print("nothing in it is for this device\n");
	for (guint i = 0; i < r->targets->len; i++) {
		const FerryCycleTarget *ct = r->targets->pdata[i];
		g_print("target for ECU %s (%s): %s, %s %s\n", ct->ecu_serial, ct->hardware_id,
			ct->name, ct->is_ostree ? "OSTree commit" : "sha256", ct->sha256);
	}
}

static gboolean
run_check(CheckArgs *a, FerryCycleResult **out, GError **error)
{
	g_autoptr(FerryStateDb) db = NULL;
	g_autoptr(FerryMetadataDir) dir = NULL;
	g_autoptr(GBytes) director_root = NULL;
	g_autoptr(GBytes) image_root = NULL;
	FerryCycleOptions opts = {0};

	opts.now = g_get_real_time() / G_USEC_PER_SEC;
	if (a->now != NULL && !ferry_parse_iso8601(a->now, &opts.now, error)) {
		g_prefix_error(error, "--now: ");
		return FALSE;
	}
	if (a->init_director_root != NULL &&
	    (director_root = read_root_file(a->init_director_root, error)) == NULL)
		return FALSE;
	if (a->init_image_root != NULL &&
	    (image_root = read_root_file(a->init_image_root, error)) == NULL)
		return FALSE;
	dir = ferry_metadata_dir_new(a->metadata, error);
	if (dir == NULL)
		return FALSE;
	db = ferry_state_db_open(a->state, error);
	if (db == NULL)
		return FALSE;
	opts.hardware_id = a->hardware_id;
	opts.ecu_serial = a->ecu_serial;
	opts.init_director_root = director_root;
	opts.init_image_root = image_root;
	opts.check_payloads = TRUE;
	return ferry_applier_check(db, ferry_metadata_dir_get_source(dir), &opts, out, error);
}

static int
cmd_check(int argc, char **argv)
{
	g_auto(CheckArgs) a = {0};
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryCycleResult) result = NULL;
	g_autoptr(GOptionContext) ctx = g_option_context_new(
		"— verify update metadata, change nothing but the trust state");
	GOptionEntry entries[] = {
		{"metadata", 'm', 0, G_OPTION_ARG_FILENAME, &a.metadata,
		 "lockbox or Uptane pair directory", "DIR"},
		{"state", 's', 0, G_OPTION_ARG_FILENAME, &a.state, "device state database", "DB"},
		{"hardware-id", 0, 0, G_OPTION_ARG_STRING, &a.hardware_id, "this ECU's hardware id",
		 "HW"},
		{"ecu-serial", 0, 0, G_OPTION_ARG_STRING, &a.ecu_serial, "this ECU's serial",
		 "SERIAL"},
		{"now", 0, 0, G_OPTION_ARG_STRING, &a.now,
		 "time to check expiry against (default: the clock)", "YYYY-MM-DDTHH:MM:SSZ"},
		{"json", 0, 0, G_OPTION_ARG_NONE, &a.json, "print the result as JSON", NULL},
		{"init-director-root", 0, 0, G_OPTION_ARG_FILENAME, &a.init_director_root,
		 "provisioning director root (first use only)", "FILE"},
		{"init-image-root", 0, 0, G_OPTION_ARG_FILENAME, &a.init_image_root,
		 "provisioning image-repository root (first use only)", "FILE"},
		{NULL}};

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 1) {
		g_printerr("ferry-applier check: %s\n",
			   error != NULL ? error->message : "unexpected argument");
		return EXIT_USAGE;
	}
	if (a.metadata == NULL || a.state == NULL || a.hardware_id == NULL ||
	    a.ecu_serial == NULL) {
		g_printerr("ferry-applier check: --metadata, --state, --hardware-id and "
			   "--ecu-serial are required\n");
		return EXIT_USAGE;
	}
	if (!run_check(&a, &result, &error)) {
		if (a.json) {
			g_autofree gchar *json = ferry_cycle_result_to_json(NULL, error);
			g_print("%s\n", json);
		}
		g_printerr(
			"ferry-applier: refused: %s (%s)\n", error->message,
			ferry_error_code_to_string(error->domain == FERRY_ERROR ? error->code : 0));
		return EXIT_FAILURE;
	}
	if (a.json) {
		g_autofree gchar *json = ferry_cycle_result_to_json(result, NULL);
		g_print("%s\n", json);
	} else {
		print_human(result);
	}
	return EXIT_SUCCESS;
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && g_str_equal(argv[1], "--version")) {
		g_print("ferry-applier %s\n", FERRY_VERSION);
		return EXIT_SUCCESS;
	}
	if (argc >= 2 && g_str_equal(argv[1], "check"))
		return cmd_check(argc - 1, argv + 1);
	g_printerr("usage: ferry-applier check --metadata DIR --state DB --hardware-id HW "
		   "--ecu-serial SERIAL [--now TIME] [--json]\n"
		   "                           [--init-director-root FILE --init-image-root FILE]\n"
		   "       ferry-applier --version\n");
	return EXIT_USAGE;
}
