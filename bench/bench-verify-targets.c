/*
 * Benchmark: verify an image repository whose targets.json lists N targets.
 *
 *   bench-verify-targets generate N DIR   writes root/timestamp/snapshot/targets.json
 *                                         (one ed25519 key per role, signed by ferry)
 *   bench-verify-targets verify DIR [RUNS] verifies them through the trusted set,
 *                                         as a device does, RUNS times; prints one
 *                                         JSON line: best/median wall time and peak RSS
 *
 * Run verify in its own process so the peak RSS is the verifier's alone.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "ferry-error.h"
#include "ferry-json.h"
#include "ferry-signer.h"
#include "ferry-trusted-set.h"

static const gchar *const roles[] = {"root", "timestamp", "snapshot", "targets"};

static FerryJsonValue *
key_json(FerryJsonDoc *doc, FerryPublicKey *key)
{
	FerryJsonValue *k = ferry_json_new_object(doc);
	FerryJsonValue *kv = ferry_json_new_object(doc);

	ferry_json_object_set(doc, kv, "public",
			      ferry_json_new_string(doc, ferry_public_key_get_public_value(key)));
	ferry_json_object_set(doc, k, "keytype", ferry_json_new_string(doc, "ed25519"));
	ferry_json_object_set(doc, k, "scheme", ferry_json_new_string(doc, "ed25519"));
	ferry_json_object_set(doc, k, "keyval", kv);
	return k;
}

/* wraps @signed_obj in an envelope signed by @signer and writes it to DIR/NAME */
static GBytes *
write_signed(const gchar *dir, const gchar *name, FerryJsonDoc *doc, FerryJsonValue *signed_obj,
	     FerrySigner *signer)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) canon =
		ferry_json_canonicalize(signed_obj, FERRY_JSON_CANON_OLPC, &error);
	g_autoptr(GBytes) sig = NULL;
	g_autofree gchar *keyid = NULL;
	g_autofree gchar *hex = NULL;
	g_autofree gchar *path = g_build_filename(dir, name, NULL);
	g_autofree gchar *text = NULL;
	FerryJsonValue *env = ferry_json_new_object(doc);
	FerryJsonValue *sigs = ferry_json_new_array(doc);
	FerryJsonValue *s = ferry_json_new_object(doc);
	gsize len = 0;
	const guint8 *data;

	g_assert_no_error(error);
	sig = ferry_signer_sign(signer, g_bytes_get_data(canon, NULL), g_bytes_get_size(canon),
				&error);
	g_assert_no_error(error);
	data = g_bytes_get_data(sig, &len);
	hex = g_malloc0(len * 2 + 1);
	for (gsize i = 0; i < len; i++)
		g_snprintf(hex + 2 * i, 3, "%02x", data[i]);
	keyid = ferry_public_key_compute_keyid(ferry_signer_get_public_key(signer),
					       FERRY_KEYID_STYLE_TUF);
	ferry_json_object_set(doc, s, "keyid", ferry_json_new_string(doc, keyid));
	ferry_json_object_set(doc, s, "sig", ferry_json_new_string(doc, hex));
	ferry_json_array_append(doc, sigs, s);
	ferry_json_object_set(doc, env, "signatures", sigs);
	ferry_json_object_set(doc, env, "signed", signed_obj);
	text = ferry_json_to_string(env, FALSE);
	g_file_set_contents(path, text, -1, &error);
	g_assert_no_error(error);
	return g_bytes_new(text, strlen(text));
}

static FerryJsonValue *
header(FerryJsonDoc *doc, const gchar *type)
{
	FerryJsonValue *o = ferry_json_new_object(doc);
	ferry_json_object_set(doc, o, "_type", ferry_json_new_string(doc, type));
	ferry_json_object_set(doc, o, "spec_version", ferry_json_new_string(doc, "1.0.31"));
	ferry_json_object_set(doc, o, "version", ferry_json_new_int(doc, 1));
	ferry_json_object_set(doc, o, "expires",
			      ferry_json_new_string(doc, "2099-01-01T00:00:00Z"));
	return o;
}

static FerryJsonValue *
meta_entry(FerryJsonDoc *doc, const gchar *file, GBytes *bytes)
{
	FerryJsonValue *meta = ferry_json_new_object(doc);
	FerryJsonValue *e = ferry_json_new_object(doc);
	ferry_json_object_set(doc, e, "version", ferry_json_new_int(doc, 1));
	if (bytes != NULL) {
		g_autofree gchar *h = g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, bytes);
		FerryJsonValue *hashes = ferry_json_new_object(doc);
		ferry_json_object_set(doc, hashes, "sha256", ferry_json_new_string(doc, h));
		ferry_json_object_set(doc, e, "hashes", hashes);
		ferry_json_object_set(doc, e, "length",
				      ferry_json_new_int(doc, (gint64)g_bytes_get_size(bytes)));
	}
	ferry_json_object_set(doc, meta, file, e);
	return meta;
}

static FerryJsonValue *
targets_body(FerryJsonDoc *doc, guint n)
{
	FerryJsonValue *t = header(doc, "targets");
	FerryJsonValue *map = ferry_json_new_object(doc);

	for (guint i = 0; i < n; i++) {
		g_autofree gchar *name = g_strdup_printf("fw/%07u.bin", i);
		g_autofree gchar *h = g_compute_checksum_for_string(G_CHECKSUM_SHA256, name, -1);
		FerryJsonValue *e = ferry_json_new_object(doc);
		FerryJsonValue *hashes = ferry_json_new_object(doc);
		FerryJsonValue *custom = ferry_json_new_object(doc);
		FerryJsonValue *hw = ferry_json_new_array(doc);
		ferry_json_object_set(doc, hashes, "sha256", ferry_json_new_string(doc, h));
		ferry_json_array_append(doc, hw, ferry_json_new_string(doc, "hw-a"));
		ferry_json_object_set(doc, custom, "hardwareIds", hw);
		ferry_json_object_set(doc, e, "hashes", hashes);
		ferry_json_object_set(doc, e, "length", ferry_json_new_int(doc, 1000 + i));
		ferry_json_object_set(doc, e, "custom", custom);
		ferry_json_object_set(doc, map, name, e);
	}
	ferry_json_object_set(doc, t, "targets", map);
	return t;
}

static int
generate(guint n, const gchar *dir)
{
	g_autoptr(FerryJsonDoc) doc = ferry_json_doc_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) targets = NULL;
	g_autoptr(GBytes) snapshot = NULL;
	g_autoptr(GBytes) timestamp = NULL;
	g_autoptr(GBytes) root_bytes = NULL;
	FerrySigner *signers[G_N_ELEMENTS(roles)];
	FerryJsonValue *root = header(doc, "root");
	FerryJsonValue *keys = ferry_json_new_object(doc);
	FerryJsonValue *rmap = ferry_json_new_object(doc);
	FerryJsonValue *body;

	g_mkdir_with_parents(dir, 0700);
	for (guint i = 0; i < G_N_ELEMENTS(roles); i++) {
		g_autofree gchar *path = g_strdup_printf("%s/%s.key", dir, roles[i]);
		g_autoptr(FerryPublicKey) pub = NULL;
		g_autofree gchar *keyid = NULL;
		FerryJsonValue *role = ferry_json_new_object(doc);
		FerryJsonValue *ids = ferry_json_new_array(doc);

		g_unlink(path);
		if (!ferry_key_generate_file(FERRY_KEY_TYPE_ED25519, 0, path, &pub, &error) ||
		    (signers[i] = ferry_signer_new_from_file(path, &error)) == NULL) {
			g_printerr("%s\n", error->message);
			return 1;
		}
		keyid = ferry_public_key_compute_keyid(pub, FERRY_KEYID_STYLE_TUF);
		ferry_json_object_set(doc, keys, keyid, key_json(doc, pub));
		ferry_json_array_append(doc, ids, ferry_json_new_string(doc, keyid));
		ferry_json_object_set(doc, role, "keyids", ids);
		ferry_json_object_set(doc, role, "threshold", ferry_json_new_int(doc, 1));
		ferry_json_object_set(doc, rmap, roles[i], role);
	}
	ferry_json_object_set(doc, root, "keys", keys);
	ferry_json_object_set(doc, root, "roles", rmap);
	ferry_json_object_set(doc, root, "consistent_snapshot", ferry_json_new_bool(doc, FALSE));
	root_bytes = write_signed(dir, "root.json", doc, root, signers[0]);
	targets = write_signed(dir, "targets.json", doc, targets_body(doc, n), signers[3]);
	body = header(doc, "snapshot");
	ferry_json_object_set(doc, body, "meta", meta_entry(doc, "targets.json", NULL));
	snapshot = write_signed(dir, "snapshot.json", doc, body, signers[2]);
	body = header(doc, "timestamp");
	ferry_json_object_set(doc, body, "meta", meta_entry(doc, "snapshot.json", snapshot));
	timestamp = write_signed(dir, "timestamp.json", doc, body, signers[1]);
	for (guint i = 0; i < G_N_ELEMENTS(roles); i++)
		ferry_signer_unref(signers[i]);
	g_print("wrote %u targets, targets.json is %" G_GSIZE_FORMAT " bytes\n", n,
		g_bytes_get_size(targets));
	return 0;
}

static GBytes *
read_file(const gchar *dir, const gchar *name)
{
	g_autofree gchar *path = g_build_filename(dir, name, NULL);
	gchar *contents = NULL;
	gsize len = 0;
	if (!g_file_get_contents(path, &contents, &len, NULL))
		g_error("cannot read %s", path);
	return g_bytes_new_take(contents, len);
}

static gint
cmp_double(gconstpointer a, gconstpointer b)
{
	gdouble x = *(const gdouble *)a, y = *(const gdouble *)b;
	return (x > y) - (x < y);
}

static int
verify(const gchar *dir, guint runs)
{
	g_autoptr(GBytes) root = read_file(dir, "root.json");
	g_autoptr(GBytes) ts = read_file(dir, "timestamp.json");
	g_autoptr(GBytes) snap = read_file(dir, "snapshot.json");
	g_autoptr(GBytes) targets = read_file(dir, "targets.json");
	g_autoptr(GArray) times = g_array_new(FALSE, FALSE, sizeof(gdouble));
	struct rusage ru;

	for (guint r = 0; r < runs; r++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(FerryTrustedSet) set = NULL;
		gint64 start = g_get_monotonic_time();
		gdouble secs;
		FerryTarget t;

		set = ferry_trusted_set_new(root, &error);
		if (set == NULL || !ferry_trusted_set_update_timestamp(set, ts, &error) ||
		    !ferry_trusted_set_update_snapshot(set, snap, &error) ||
		    !ferry_trusted_set_update_targets(set, targets, &error) ||
		    !ferry_trusted_set_resolve_target(set, "fw/0000007.bin", NULL, NULL, &t,
						      &error)) {
			g_printerr("verification failed: %s\n", error->message);
			return 1;
		}
		secs = (gdouble)(g_get_monotonic_time() - start) / G_USEC_PER_SEC;
		g_array_append_val(times, secs);
	}
	g_array_sort(times, cmp_double);
	getrusage(RUSAGE_SELF, &ru);
	g_print("{\"targets_bytes\":%" G_GSIZE_FORMAT ",\"runs\":%u,\"best_s\":%.4f,"
		"\"median_s\":%.4f,\"peak_rss_kib\":%ld}\n",
		g_bytes_get_size(targets), runs, g_array_index(times, gdouble, 0),
		g_array_index(times, gdouble, times->len / 2), ru.ru_maxrss);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 4 && g_str_equal(argv[1], "generate"))
		return generate((guint)g_ascii_strtoull(argv[2], NULL, 10), argv[3]);
	if (argc >= 3 && g_str_equal(argv[1], "verify"))
		return verify(argv[2], argc >= 4 ? (guint)g_ascii_strtoull(argv[3], NULL, 10) : 5);
	g_printerr("usage: %s generate N DIR | verify DIR [RUNS]\n", argv[0]);
	return 2;
}
