/*
 * ferry — the workstation tool.
 *
 *   ferry [--workspace DIR] env init NAME [--key-type T] [--root-days N] ...
 *   ferry [--workspace DIR] env export-trust NAME DIR
 *   ferry key generate [--type ed25519|rsa|ecdsa] [--bits N] FILE
 *   ferry key show [--json] FILE
 * The workspace is --workspace, else $FERRY_WORKSPACE.
 */
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ferry-bundle-create.h"
#include "ferry-bundle-verify.h"
#include "ferry-env.h"
#include "ferry-error.h"
#include "ferry-image.h"
#include "ferry-json.h"
#include "ferry-metadata.h"
#include "ferry-signer.h"

#define EXIT_USAGE 2

static gboolean
parse_key_type(const gchar *name, FerryKeyType *out, GError **error)
{
	if (name == NULL || g_ascii_strcasecmp(name, "ed25519") == 0)
		*out = FERRY_KEY_TYPE_ED25519;
	else if (g_ascii_strcasecmp(name, "rsa") == 0)
		*out = FERRY_KEY_TYPE_RSA;
	else if (g_ascii_strcasecmp(name, "ecdsa") == 0)
		*out = FERRY_KEY_TYPE_ECDSA_P256;
	else {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
			    "unknown key type '%s' (ed25519, rsa, ecdsa)", name);
		return FALSE;
	}
	return TRUE;
}

/* the public key as TUF 1.0 metadata lists it, plus its key ids */
static gchar *
describe_key(FerrySigner *signer, gboolean json)
{
	FerryPublicKey *pub = ferry_signer_get_public_key(signer);
	g_autofree gchar *tuf = ferry_public_key_compute_keyid(pub, FERRY_KEYID_STYLE_TUF);
	g_autofree gchar *akt = ferry_public_key_compute_keyid(pub, FERRY_KEYID_STYLE_AKTUALIZR);
	g_autofree gchar *ota = ferry_public_key_compute_keyid(pub, FERRY_KEYID_STYLE_OTA_TUF);
	g_autoptr(FerryJsonDoc) doc = ferry_json_doc_new();
	FerryJsonValue *o = ferry_json_new_object(doc);
	FerryJsonValue *key = ferry_json_new_object(doc);
	FerryJsonValue *keyval = ferry_json_new_object(doc);
	FerryJsonValue *ids = ferry_json_new_object(doc);
	const gchar *type = ferry_key_type_to_string(ferry_public_key_get_key_type(pub));

	if (!json)
		return g_strdup_printf("type:    %s\nmethod:  %s\nkey ids: %s (TUF)\n         %s "
				       "(aktualizr)\n         %s (ota-tuf)\npublic:  %s\n",
				       type, ferry_signer_get_method(signer), tuf, akt, ota,
				       ferry_public_key_get_public_value(pub));
	ferry_json_object_set(doc, keyval, "public",
			      ferry_json_new_string(doc, ferry_public_key_get_public_value(pub)));
	ferry_json_object_set(doc, key, "keytype", ferry_json_new_string(doc, type));
	ferry_json_object_set(doc, key, "scheme",
			      ferry_json_new_string(doc, ferry_signer_get_method(signer)));
	ferry_json_object_set(doc, key, "keyval", keyval);
	ferry_json_object_set(doc, ids, "tuf", ferry_json_new_string(doc, tuf));
	ferry_json_object_set(doc, ids, "aktualizr", ferry_json_new_string(doc, akt));
	ferry_json_object_set(doc, ids, "ota-tuf", ferry_json_new_string(doc, ota));
	ferry_json_object_set(doc, o, "key", key);
	ferry_json_object_set(doc, o, "keyids", ids);
	return ferry_json_to_string(o, TRUE);
}

static int
cmd_key_generate(int argc, char **argv)
{
	g_autofree gchar *type_name = NULL;
	gint bits = 0;
	FerryKeyType type;
	g_autoptr(GError) error = NULL;
	g_autoptr(GOptionContext) ctx =
		g_option_context_new("FILE — write a new private key (PEM, mode 0600)");
	g_autoptr(FerrySigner) signer = NULL;
	g_autofree gchar *text = NULL;
	GOptionEntry entries[] = {{"type", 't', 0, G_OPTION_ARG_STRING, &type_name,
				   "ed25519 (default), rsa or ecdsa", "TYPE"},
				  {"bits", 'b', 0, G_OPTION_ARG_INT, &bits,
				   "RSA modulus size (default 3072, at least 3072)", "N"},
				  {NULL}};

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 2) {
		g_printerr("ferry key generate: %s\n",
			   error != NULL ? error->message : "one FILE expected");
		return EXIT_USAGE;
	}
	if (!parse_key_type(type_name, &type, &error)) {
		g_printerr("ferry key generate: %s\n", error->message);
		return EXIT_USAGE;
	}
	if (bits < 0 || !ferry_key_generate_file(type, (guint)bits, argv[1], NULL, &error) ||
	    (signer = ferry_signer_new_from_file(argv[1], &error)) == NULL) {
		g_printerr("ferry: %s\n",
			   error != NULL ? error->message : "--bits must be positive");
		return EXIT_FAILURE;
	}
	text = describe_key(signer, FALSE);
	g_print("wrote %s\n%s", argv[1], text);
	return EXIT_SUCCESS;
}

static int
cmd_key_show(int argc, char **argv)
{
	gboolean json = FALSE;
	g_autoptr(GError) error = NULL;
	g_autoptr(GOptionContext) ctx =
		g_option_context_new("FILE — show a private key's public half and key ids");
	g_autoptr(FerrySigner) signer = NULL;
	g_autofree gchar *text = NULL;
	GOptionEntry entries[] = {{"json", 0, 0, G_OPTION_ARG_NONE, &json, "JSON output", NULL},
				  {NULL}};

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 2) {
		g_printerr("ferry key show: %s\n",
			   error != NULL ? error->message : "one FILE expected");
		return EXIT_USAGE;
	}
	signer = ferry_signer_new_from_file(argv[1], &error);
	if (signer == NULL) {
		g_printerr("ferry: %s\n", error->message);
		return EXIT_FAILURE;
	}
	text = describe_key(signer, json);
	g_print("%s", text);
	return EXIT_SUCCESS;
}

static int
cmd_env_init(const gchar *workspace, int argc, char **argv)
{
	g_autofree gchar *type_name = NULL;
	FerryEnvOptions opts;
	g_autoptr(GError) error = NULL;
	g_autoptr(GOptionContext) ctx = g_option_context_new("NAME — create an environment");
	gint root_days, targets_days, snapshot_days, timestamp_days;
	GOptionEntry entries[] = {
		{"key-type", 0, 0, G_OPTION_ARG_STRING, &type_name,
		 "ed25519 (default), rsa or ecdsa", "TYPE"},
		{"root-days", 0, 0, G_OPTION_ARG_INT, &root_days, "root expiry in days (365)", "N"},
		{"targets-days", 0, 0, G_OPTION_ARG_INT, &targets_days, "targets expiry (180)",
		 "N"},
		{"snapshot-days", 0, 0, G_OPTION_ARG_INT, &snapshot_days, "snapshot expiry (30)",
		 "N"},
		{"timestamp-days", 0, 0, G_OPTION_ARG_INT, &timestamp_days, "timestamp expiry (30)",
		 "N"},
		{NULL}};

	ferry_env_options_init(&opts);
	root_days = (gint)opts.root_days;
	targets_days = (gint)opts.targets_days;
	snapshot_days = (gint)opts.snapshot_days;
	timestamp_days = (gint)opts.timestamp_days;
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 2 ||
	    !parse_key_type(type_name, &opts.key_type, &error) || root_days < 1 ||
	    targets_days < 1 || snapshot_days < 1 || timestamp_days < 1) {
		g_printerr("ferry env init: %s\n",
			   error != NULL ? error->message
					 : "one NAME and positive expiries expected");
		return EXIT_USAGE;
	}
	opts.root_days = root_days;
	opts.targets_days = targets_days;
	opts.snapshot_days = snapshot_days;
	opts.timestamp_days = timestamp_days;
	if (!ferry_env_init(workspace, argv[1], &opts, &error)) {
		g_printerr("ferry: %s\n", error->message);
		return EXIT_FAILURE;
	}
	g_print("created environment '%s' in %s/envs/%s\n", argv[1], workspace, argv[1]);
	return EXIT_SUCCESS;
}

static int
cmd_env_export_trust(const gchar *workspace, int argc, char **argv)
{
	g_autoptr(GError) error = NULL;

	if (argc != 3) {
		g_printerr("usage: ferry env export-trust NAME DIR\n");
		return EXIT_USAGE;
	}
	if (!ferry_env_export_trust(workspace, argv[1], argv[2], &error)) {
		g_printerr("ferry: %s\n", error->message);
		return EXIT_FAILURE;
	}
	g_print("wrote %s/director-root.json and %s/image-root.json\n", argv[2], argv[2]);
	return EXIT_SUCCESS;
}

static int
cmd_image_add(const gchar *workspace, int argc, char **argv)
{
	g_autofree gchar *env = NULL;
	g_autofree gchar *repo = NULL;
	g_autofree gchar *ref = NULL;
	g_autofree gchar *commit = NULL;
	g_autofree gchar *name = NULL;
	g_autofree gchar *version = NULL;
	g_auto(GStrv) hw = NULL;
	g_autofree gchar *target = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GOptionContext) ctx = g_option_context_new("— add an OSTree commit as an image");
	FerryImageAddOptions opts = {0};
	GOptionEntry entries[] = {
		{"env", 0, 0, G_OPTION_ARG_STRING, &env, "environment", "NAME"},
		{"repo", 0, 0, G_OPTION_ARG_FILENAME, &repo, "source OSTree repository", "DIR"},
		{"ref", 0, 0, G_OPTION_ARG_STRING, &ref, "ref to take the commit from", "REF"},
		{"commit", 0, 0, G_OPTION_ARG_STRING, &commit, "commit checksum", "CSUM"},
		{"name", 0, 0, G_OPTION_ARG_STRING, &name, "image name", "N"},
		{"version", 0, 0, G_OPTION_ARG_STRING, &version, "image version", "V"},
		{"hardware-id", 0, 0, G_OPTION_ARG_STRING_ARRAY, &hw, "hardware id (repeat)", "HW"},
		{NULL}};

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 1 || env == NULL) {
		g_printerr("ferry image add: %s\n",
			   error != NULL ? error->message : "--env is required");
		return EXIT_USAGE;
	}
	opts.env = env;
	opts.repo = repo;
	opts.ref = ref;
	opts.commit = commit;
	opts.name = name;
	opts.version = version;
	opts.hardware_ids = (const gchar *const *)hw;
	if (!ferry_image_add(workspace, &opts, &target, &error)) {
		g_printerr("ferry: %s\n", error->message);
		return error->code == FERRY_ERROR_INVALID_ARGUMENT ? EXIT_USAGE : EXIT_FAILURE;
	}
	g_print("image %s is in environment '%s'\n", target, env);
	return EXIT_SUCCESS;
}

static int
cmd_image_list(const gchar *workspace, int argc, char **argv)
{
	g_autofree gchar *env = NULL;
	gboolean json = FALSE;
	g_autofree gchar *text = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GOptionContext) ctx = g_option_context_new("— list an environment's images");
	GOptionEntry entries[] = {{"env", 0, 0, G_OPTION_ARG_STRING, &env, "environment", "NAME"},
				  {"json", 0, 0, G_OPTION_ARG_NONE, &json, "JSON output", NULL},
				  {NULL}};

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 1 || env == NULL) {
		g_printerr("ferry image list: %s\n",
			   error != NULL ? error->message : "--env is required");
		return EXIT_USAGE;
	}
	text = ferry_image_list(workspace, env, json, &error);
	if (text == NULL) {
		g_printerr("ferry: %s\n", error->message);
		return EXIT_FAILURE;
	}
	g_print("%s", text);
	return EXIT_SUCCESS;
}

static int
cmd_bundle_create(const gchar *workspace, int argc, char **argv)
{
	g_autofree gchar *env = NULL;
	g_autofree gchar *name = NULL;
	g_autofree gchar *output = NULL;
	g_autofree gchar *expires = NULL;
	g_autofree gchar *days_text = NULL;
	g_auto(GStrv) images = NULL;
	g_auto(GStrv) from = NULL;
	gboolean scratch = FALSE, json = FALSE;
	g_autofree gchar *summary = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GOptionContext) ctx = g_option_context_new("— write one .ferry bundle");
	FerryBundleCreateOptions opts = {0};
	gint64 days = 90;
	GOptionEntry entries[] = {
		{"env", 0, 0, G_OPTION_ARG_STRING, &env, "environment", "NAME"},
		{"name", 0, 0, G_OPTION_ARG_STRING, &name, "lockbox (bundle) name", "LOCKBOX"},
		{"image", 0, 0, G_OPTION_ARG_STRING_ARRAY, &images, "image NAME-VERSION (repeat)",
		 "N-V"},
		{"from", 0, 0, G_OPTION_ARG_STRING_ARRAY, &from,
		 "source commit of a delta (repeat)", "CSUM"},
		{"from-scratch", 0, 0, G_OPTION_ARG_NONE, &scratch, "also a delta from scratch",
		 NULL},
		{"expires", 0, 0, G_OPTION_ARG_STRING, &expires, "lifetime, e.g. 90d (default)",
		 "Nd"},
		{"output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "the bundle file", "FILE"},
		{"json", 0, 0, G_OPTION_ARG_NONE, &json, "JSON summary", NULL},
		{NULL}};

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 1 || env == NULL) {
		g_printerr("ferry bundle create: %s\n",
			   error != NULL ? error->message : "--env is required");
		return EXIT_USAGE;
	}
	days_text = expires != NULL ? g_strndup(expires, strlen(expires) - 1) : NULL;
	if (expires != NULL && (!g_str_has_suffix(expires, "d") ||
				!g_ascii_string_to_signed(days_text, 10, 1, 3650, &days, NULL))) {
		g_printerr("ferry bundle create: --expires takes a number of days, e.g. 90d\n");
		return EXIT_USAGE;
	}
	opts.env = env;
	opts.name = name;
	opts.images = images;
	opts.from = from;
	opts.from_scratch = scratch;
	opts.expires_days = days;
	opts.output = output;
	opts.progress = isatty(STDERR_FILENO);
	if (!ferry_bundle_create(workspace, &opts, &summary, &error)) {
		g_printerr("ferry: %s\n", error->message);
		return error->code == FERRY_ERROR_INVALID_ARGUMENT ? EXIT_USAGE : EXIT_FAILURE;
	}
	if (json)
		g_print("%s\n", summary);
	else
		g_print("wrote %s\n", output);
	return EXIT_SUCCESS;
}

static int
cmd_bundle_inspect(int argc, char **argv)
{
	gboolean json = FALSE;
	g_autofree gchar *text = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GOptionContext) ctx = g_option_context_new("FILE — what is in a bundle");
	GOptionEntry entries[] = {
		{"json", 0, 0, G_OPTION_ARG_NONE, &json, "the manifest as JSON", NULL}, {NULL}};

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 2) {
		g_printerr("ferry bundle inspect: %s\n",
			   error != NULL ? error->message : "one FILE expected");
		return EXIT_USAGE;
	}
	text = ferry_bundle_inspect(argv[1], json, &error);
	if (text == NULL) {
		g_printerr("ferry: %s (%s)\n", error->message,
			   ferry_error_code_to_string(error->code));
		return EXIT_FAILURE;
	}
	g_print("%s", text);
	return EXIT_SUCCESS;
}

static int
cmd_bundle_verify(int argc, char **argv)
{
	g_autofree gchar *droot = NULL;
	g_autofree gchar *iroot = NULL;
	g_autofree gchar *hw = NULL;
	g_autofree gchar *from = NULL;
	g_autofree gchar *now = NULL;
	g_autofree gchar *report = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GOptionContext) ctx =
		g_option_context_new("FILE — verify a bundle as a device would");
	FerryBundleVerifyOptions opts = {0};
	GOptionEntry entries[] = {
		{"director-root", 0, 0, G_OPTION_ARG_FILENAME, &droot, "trusted director root",
		 "R"},
		{"image-root", 0, 0, G_OPTION_ARG_FILENAME, &iroot, "trusted image root", "R"},
		{"hardware-id", 0, 0, G_OPTION_ARG_STRING, &hw, "the device's hardware id", "HW"},
		{"from", 0, 0, G_OPTION_ARG_STRING, &from, "the device's current commit", "CSUM"},
		{"now", 0, 0, G_OPTION_ARG_STRING, &now, "time to check expiry against", "T"},
		{NULL}};

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 2) {
		g_printerr("ferry bundle verify: %s\n",
			   error != NULL ? error->message : "one FILE expected");
		return EXIT_USAGE;
	}
	opts.director_root = droot;
	opts.image_root = iroot;
	opts.hardware_id = hw;
	opts.from = from;
	opts.now = g_get_real_time() / G_USEC_PER_SEC;
	if (now != NULL && !ferry_parse_iso8601(now, &opts.now, &error)) {
		g_printerr("ferry bundle verify: --now: %s\n", error->message);
		return EXIT_USAGE;
	}
	if (!ferry_bundle_verify(argv[1], &opts, &report, &error)) {
		g_printerr(
			"ferry: refused: %s (%s)\n", error->message,
			ferry_error_code_to_string(error->domain == FERRY_ERROR ? error->code : 0));
		return EXIT_FAILURE;
	}
	g_print("%s", report);
	return EXIT_SUCCESS;
}

static void
usage(void)
{
	g_printerr(
		"usage: ferry [--workspace DIR] env init NAME [--key-type ed25519|rsa|ecdsa]\n"
		"             [--root-days N] [--targets-days N] [--snapshot-days N] "
		"[--timestamp-days N]\n"
		"       ferry [--workspace DIR] env export-trust NAME DIR\n"
		"       ferry [--workspace DIR] image add --env NAME --repo DIR (--ref REF | "
		"--commit CSUM)\n"
		"             --name N --version V --hardware-id HW [--hardware-id HW2 ...]\n"
		"       ferry [--workspace DIR] image list --env NAME [--json]\n"
		"       ferry [--workspace DIR] bundle create --env NAME --name LOCKBOX --image "
		"N-V "
		"[--image ...]\n"
		"             (--from CSUM [--from ...] | --from-scratch) [--expires 90d] -o FILE "
		"[--json]\n"
		"       ferry bundle inspect FILE [--json]\n"
		"       ferry bundle verify FILE --director-root R --image-root R [--hardware-id "
		"HW]\n"
		"             [--from CSUM] [--now TIME]\n"
		"       ferry key generate [--type ed25519|rsa|ecdsa] [--bits N] FILE\n"
		"       ferry key show [--json] FILE\n"
		"       ferry --version\n"
		"The workspace is --workspace DIR, else $FERRY_WORKSPACE.\n");
}

int
main(int argc, char **argv)
{
	const gchar *workspace = g_getenv("FERRY_WORKSPACE");

	/* the one global option comes before the command */
	if (argc >= 3 && g_str_equal(argv[1], "--workspace")) {
		workspace = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc >= 3 && (g_str_equal(argv[1], "env") || g_str_equal(argv[1], "image"))) {
		if (workspace == NULL || *workspace == '\0') {
			g_printerr("ferry: no workspace: give --workspace DIR or set "
				   "FERRY_WORKSPACE\n");
			return EXIT_USAGE;
		}
		if (g_str_equal(argv[1], "env") && g_str_equal(argv[2], "init"))
			return cmd_env_init(workspace, argc - 2, argv + 2);
		if (g_str_equal(argv[1], "env") && g_str_equal(argv[2], "export-trust"))
			return cmd_env_export_trust(workspace, argc - 2, argv + 2);
		if (g_str_equal(argv[1], "image") && g_str_equal(argv[2], "add"))
			return cmd_image_add(workspace, argc - 2, argv + 2);
		if (g_str_equal(argv[1], "image") && g_str_equal(argv[2], "list"))
			return cmd_image_list(workspace, argc - 2, argv + 2);
	}
	if (argc >= 3 && g_str_equal(argv[1], "bundle") && g_str_equal(argv[2], "inspect"))
		return cmd_bundle_inspect(argc - 2, argv + 2);
	if (argc >= 3 && g_str_equal(argv[1], "bundle") && g_str_equal(argv[2], "verify"))
		return cmd_bundle_verify(argc - 2, argv + 2);
	if (argc >= 3 && g_str_equal(argv[1], "bundle") && g_str_equal(argv[2], "create")) {
		if (workspace == NULL || *workspace == '\0') {
			g_printerr("ferry: no workspace: give --workspace DIR or set "
				   "FERRY_WORKSPACE\n");
			return EXIT_USAGE;
		}
		return cmd_bundle_create(workspace, argc - 2, argv + 2);
	}
	if (argc >= 2 && g_str_equal(argv[1], "--version")) {
		g_print("ferry %s\n", FERRY_VERSION);
		return EXIT_SUCCESS;
	}
	if (argc >= 3 && g_str_equal(argv[1], "key") && g_str_equal(argv[2], "generate"))
		return cmd_key_generate(argc - 2, argv + 2);
	if (argc >= 3 && g_str_equal(argv[1], "key") && g_str_equal(argv[2], "show"))
		return cmd_key_show(argc - 2, argv + 2);
	usage();
	return EXIT_USAGE;
}
