/*
 * ferry-applier — the device side of ferry.
 *
 *   ferry-applier check --metadata DIR --state DB --hardware-id HW --ecu-serial SERIAL
 *                       [--now TIME] [--json] [--init-director-root F] [--init-image-root F]
 *   ferry-applier --version
 *
 * Exit codes: 0 verified; 1 refused or failed; 2 usage.
 */
#include <glib.h>
#include <locale.h>
#include <stdlib.h>

#include "ferry-check.h"
#include "ferry-config.h"
#include "ferry-init.h"
#include "ferry-error.h"
#include "ferry-metadata-dir.h"
#include "ferry-metadata.h"

#define EXIT_REFUSED 1
#define EXIT_USAGE   2

typedef struct {
	const gchar *name;
	const gchar *summary;
	int (*run)(int argc, char **argv);
} Command;

/* ---- check ---- */

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

static gboolean
parse_check_args(int argc, char **argv, CheckArgs *a, GError **error)
{
	g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
	g_autoptr(GError) error_local = NULL;
	GOptionEntry entries[] = {
		{"metadata", 'm', 0, G_OPTION_ARG_FILENAME, &a->metadata,
		 "Lockbox (metadata/director/…) or Uptane pair (director/, image_repo/) directory",
		 "DIR"},
		{"state", 's', 0, G_OPTION_ARG_FILENAME, &a->state,
		 "Device state database (created when absent)", "DB"},
		{"hardware-id", 0, 0, G_OPTION_ARG_STRING, &a->hardware_id,
		 "This ECU's hardware id", "HW"},
		{"ecu-serial", 0, 0, G_OPTION_ARG_STRING, &a->ecu_serial, "This ECU's serial",
		 "SERIAL"},
		{"now", 0, 0, G_OPTION_ARG_STRING, &a->now,
		 "Time to check expiry against (default: the clock; never below the stored "
		 "trusted time)",
		 "YYYY-MM-DDTHH:MM:SSZ"},
		{"json", 0, 0, G_OPTION_ARG_NONE, &a->json, "Print the result as JSON", NULL},
		{"init-director-root", 0, 0, G_OPTION_ARG_FILENAME, &a->init_director_root,
		 "Provisioned director root, used only while the state holds none", "FILE"},
		{"init-image-root", 0, 0, G_OPTION_ARG_FILENAME, &a->init_image_root,
		 "Provisioned image-repository root, used only while the state holds none", "FILE"},
		{NULL}};

	g_option_context_set_summary(
		ctx,
		"Verifies the update metadata in DIR (Uptane: director, then image\n"
		"repository, then payloads) against the roots in the state database. Only\n"
		"when everything verifies is the new trust state stored; nothing is installed.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error_local)) {
		/* everything GOption refuses is a usage error */
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
				    error_local->message);
		return FALSE;
	}
	if (argc != 1) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
			    "unexpected argument '%s'", argv[1]);
		return FALSE;
	}
	if (a->metadata == NULL || a->state == NULL || a->hardware_id == NULL ||
	    a->ecu_serial == NULL || *a->hardware_id == '\0' || *a->ecu_serial == '\0') {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
				    "--metadata, --state, --hardware-id and --ecu-serial are "
				    "required (see 'ferry-applier check --help')");
		return FALSE;
	}
	return TRUE;
}

static gboolean
fill_options(const CheckArgs *a, FerryCycleOptions *opts, GBytes **out_director_root,
	     GBytes **out_image_root, GError **error)
{
	g_autoptr(GBytes) director_root = NULL;
	g_autoptr(GBytes) image_root = NULL;
	g_autoptr(GError) error_local = NULL;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;

	/* a malformed --now is the caller's mistake, not the medium's */
	if (a->now != NULL && !ferry_parse_iso8601(a->now, &now, &error_local)) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT, "--now: %s",
			    error_local->message);
		return FALSE;
	}
	/* read even when the state has roots, so a broken provisioning file shows */
	if (a->init_director_root != NULL) {
		director_root =
			ferry_read_file_capped(a->init_director_root, FERRY_MAX_ROOT_SIZE, error);
		if (director_root == NULL)
			return FALSE;
	}
	if (a->init_image_root != NULL) {
		image_root = ferry_read_file_capped(a->init_image_root, FERRY_MAX_ROOT_SIZE, error);
		if (image_root == NULL)
			return FALSE;
	}
	opts->hardware_id = a->hardware_id;
	opts->ecu_serial = a->ecu_serial;
	opts->now = now;
	opts->init_director_root = director_root;
	opts->init_image_root = image_root;
	opts->check_payloads = TRUE;
	*out_director_root = g_steal_pointer(&director_root);
	*out_image_root = g_steal_pointer(&image_root);
	return TRUE;
}

static gboolean
run_check(const CheckArgs *a, FerryCycleResult **out_result, GError **error)
{
	g_autoptr(GBytes) director_root = NULL;
	g_autoptr(GBytes) image_root = NULL;
	g_autoptr(FerryMetadataDir) dir = NULL;
	g_autoptr(FerryStateDb) db = NULL;
	FerryCycleOptions opts = {0};

	if (!fill_options(a, &opts, &director_root, &image_root, error))
		return FALSE;
	dir = ferry_metadata_dir_new(a->metadata, error);
	if (dir == NULL)
		return FALSE;
	db = ferry_state_db_open(a->state, error);
	if (db == NULL)
		return FALSE;
	return ferry_applier_check(db, ferry_metadata_dir_get_source(dir), &opts, out_result,
				   error);
}

static void
print_human(const FerryCycleResult *r)
{
	g_autofree gchar *t = ferry_format_iso8601(r->effective_time);

	g_print("verdict: verified\n");
	if (r->offline)
		g_print("director: root v%" G_GINT64_FORMAT ", lockbox '%s' v%" G_GINT64_FORMAT
			" (correlation id %s)\n",
			r->director_root_version, r->lockbox_name, r->lockbox_version,
			r->correlation_id);
	else
		g_print("director: root v%" G_GINT64_FORMAT ", targets v%" G_GINT64_FORMAT "\n",
			r->director_root_version, r->director_targets_version);
	if (r->image_root_version > 0)
		g_print("image repository: root v%" G_GINT64_FORMAT ", targets v%" G_GINT64_FORMAT
			"\n",
			r->image_root_version, r->image_targets_version);
	else
		g_print("image repository: not needed\n");
	g_print("trusted time: %s\n", t);
	if (r->targets->len == 0)
		g_print("targets: none for this device\n");
	for (guint i = 0; i < r->targets->len; i++) {
		const FerryCycleTarget *ct = r->targets->pdata[i];
		if (ct->is_ostree)
			g_print("target: %s for ECU %s (%s): OSTree commit %s\n", ct->name,
				ct->ecu_serial, ct->hardware_id, ct->sha256);
		else
			g_print("target: %s for ECU %s (%s): %" G_GINT64_FORMAT
				" bytes, sha256 %s\n",
				ct->name, ct->ecu_serial, ct->hardware_id, ct->length, ct->sha256);
	}
}

static int
report_failure(const GError *error, gboolean json)
{
	gint code = error->domain == FERRY_ERROR ? error->code : FERRY_ERROR_FAILED;

	if (json) {
		g_autofree gchar *out = ferry_cycle_result_to_json(NULL, error);
		g_print("%s\n", out);
	} else if (code != FERRY_ERROR_INVALID_ARGUMENT) {
		g_print("verdict: refused (%s)\n", ferry_error_code_to_string(code));
	}
	g_printerr("ferry-applier: %s\n", error->message);
	return code == FERRY_ERROR_INVALID_ARGUMENT ? EXIT_USAGE : EXIT_REFUSED;
}

static int
cmd_check(int argc, char **argv)
{
	g_auto(CheckArgs) a = {0};
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryCycleResult) result = NULL;

	if (!parse_check_args(argc, argv, &a, &error))
		return report_failure(error, FALSE);
	if (!run_check(&a, &result, &error))
		return report_failure(error, a.json);
	if (a.json) {
		g_autofree gchar *out = ferry_cycle_result_to_json(result, NULL);
		g_print("%s\n", out);
	} else {
		print_human(result);
	}
	return EXIT_SUCCESS;
}

/* ---- init ---- */

static int
cmd_init(int argc, char **argv)
{
	g_autofree gchar *config_path = NULL;
	gboolean json = FALSE;
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryConfig) config = NULL;
	g_autoptr(FerryInitResult) r = NULL;
	g_autoptr(GOptionContext) ctx =
		g_option_context_new("— first start: roots, ECU key, identity");
	GOptionEntry entries[] = {
		{"config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
		 "configuration (default " FERRY_CONFIG_DEFAULT_PATH ")", "FILE"},
		{"json", 0, 0, G_OPTION_ARG_NONE, &json, "print the result as JSON", NULL},
		{NULL}};

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 1) {
		g_printerr("ferry-applier init: %s\n",
			   error != NULL ? error->message : "unexpected argument");
		return EXIT_USAGE;
	}
	config = ferry_config_load(config_path, &error);
	if (config == NULL || (r = ferry_applier_init(config, &error)) == NULL)
		return report_failure(error, json);
	if (json) {
		g_print("{\"ok\":true,\"changed\":%s,\"ecu_serial\":\"%s\",\"hardware_id\":\"%s\","
			"\"ecu_keyid\":\"%s\",\"director_root_version\":%" G_GINT64_FORMAT
			",\"image_root_version\":%" G_GINT64_FORMAT "}\n",
			r->changed ? "true" : "false", r->ecu_serial, r->hardware_id, r->ecu_keyid,
			r->director_root_version, r->image_root_version);
	} else {
		g_print("%s: ECU %s, hardware id %s, ECU key %.16s..., director root "
			"v%" G_GINT64_FORMAT ", image root v%" G_GINT64_FORMAT "\n",
			r->changed ? "initialised" : "already initialised", r->ecu_serial,
			r->hardware_id, r->ecu_keyid, r->director_root_version,
			r->image_root_version);
	}
	return EXIT_SUCCESS;
}

/* ---- dispatch ---- */

static const Command commands[] = {
	{"check", "Verify update metadata; store the new trust state only if it verifies",
	 cmd_check},
	{"init", "First start: import the provisioned roots, create the ECU key and identity",
	 cmd_init},
};

static gchar *
commands_description(void)
{
	GString *s = g_string_new("Commands:\n");

	for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
		g_string_append_printf(s, "  %-10s %s\n", commands[i].name, commands[i].summary);
	g_string_append(s, "\n'ferry-applier COMMAND --help' describes a command's options.");
	return g_string_free(s, FALSE);
}

/* no command: only --help and --version make sense */
static int
run_toplevel(int argc, char **argv)
{
	gboolean version = FALSE;
	g_autoptr(GError) error = NULL;
	g_autoptr(GOptionContext) ctx = g_option_context_new("COMMAND [OPTION…]");
	g_autofree gchar *description = commands_description();
	g_autofree gchar *help = NULL;
	GOptionEntry entries[] = {
		{"version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL},
		{NULL}};

	g_option_context_set_summary(ctx, "Verifies and applies ferry offline updates.");
	g_option_context_set_description(ctx, description);
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		g_printerr("ferry-applier: %s\n", error->message);
		return EXIT_USAGE;
	}
	if (version) {
		g_print("ferry-applier %s\n", FERRY_VERSION);
		return EXIT_SUCCESS;
	}
	help = g_option_context_get_help(ctx, TRUE, NULL);
	g_printerr("%s", help);
	return EXIT_USAGE;
}

int
main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	if (argc < 2 || argv[1][0] == '-') {
		g_set_prgname("ferry-applier");
		return run_toplevel(argc, argv);
	}
	for (guint i = 0; i < G_N_ELEMENTS(commands); i++) {
		if (g_str_equal(argv[1], commands[i].name)) {
			g_autofree gchar *prgname = g_strdup_printf("ferry-applier %s", argv[1]);
			g_set_prgname(prgname);
			return commands[i].run(argc - 1, argv + 1);
		}
	}
	g_printerr("ferry-applier: unknown command '%s' (see 'ferry-applier --help')\n", argv[1]);
	return EXIT_USAGE;
}
