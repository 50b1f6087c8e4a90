/*
 * Unit tests of format/ferry-metadata.c and format/ferry-trusted-set.c: the
 * code paths the replayed vectors and generated scenarios do not isolate.
 * Documents here are built with our own signer on purpose (to reach exact
 * corner cases); interoperability is the job of test-vectors and
 * test-scenarios, whose data comes from independent generators.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ferry-error.h"
#include "ferry-metadata.h"
#include "ferry-signer.h"
#include "ferry-test-util.h"
#include "ferry-trusted-set.h"

#define T2025 1735689600 /* 2025-01-01T00:00:00Z */

typedef struct {
	gchar *dir;
	FerrySigner *k[3];
	gchar *keyid[3];
} Fixture;

static void
fixture_setup(Fixture *f, gconstpointer data)
{
	f->dir = ferry_test_mkdtemp();
	for (guint i = 0; i < G_N_ELEMENTS(f->k); i++) {
		g_autoptr(GError) error = NULL;
		g_autofree gchar *path = g_strdup_printf("%s/k%u.pem", f->dir, i);
		g_autoptr(FerryPublicKey) pub = NULL;
		g_assert_true(
			ferry_key_generate_file(FERRY_KEY_TYPE_ED25519, 0, path, &pub, &error));
		g_assert_no_error(error);
		f->k[i] = ferry_signer_new_from_file(path, &error);
		g_assert_no_error(error);
		f->keyid[i] = ferry_public_key_compute_keyid(pub, FERRY_KEYID_STYLE_TUF);
	}
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
	for (guint i = 0; i < G_N_ELEMENTS(f->k); i++) {
		ferry_signer_unref(f->k[i]);
		g_free(f->keyid[i]);
	}
	ferry_test_rm_rf(f->dir);
	g_free(f->dir);
}

/* "signed" from JSON text, signed by @signers (keyid = @keyids), hex or base64 */
static GBytes *
sign_doc(const gchar *signed_json, FerrySigner **signers, const gchar *const *keyids, guint n,
	 gboolean base64)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryJsonDoc) in = ferry_json_doc_new_parse((const guint8 *)signed_json,
							      strlen(signed_json), 1 << 20, &error);
	g_autoptr(FerryJsonDoc) doc = ferry_json_doc_new();
	g_autoptr(GBytes) canon = NULL;
	FerryJsonValue *env = ferry_json_new_object(doc);
	FerryJsonValue *sigs = ferry_json_new_array(doc);
	g_autofree gchar *text = NULL;

	g_assert_no_error(error);
	canon = ferry_json_canonicalize(ferry_json_doc_get_root(in), FERRY_JSON_CANON_OLPC, &error);
	g_assert_no_error(error);
	for (guint i = 0; i < n; i++) {
		g_autoptr(GBytes) sig = ferry_signer_sign(signers[i], g_bytes_get_data(canon, NULL),
							  g_bytes_get_size(canon), &error);
		FerryJsonValue *s = ferry_json_new_object(doc);
		g_autofree gchar *enc = NULL;
		g_assert_no_error(error);
		if (base64) {
			enc = g_base64_encode(g_bytes_get_data(sig, NULL), g_bytes_get_size(sig));
		} else {
			GString *hex = g_string_new(NULL);
			const guint8 *d = g_bytes_get_data(sig, NULL);
			for (gsize j = 0; j < g_bytes_get_size(sig); j++)
				g_string_append_printf(hex, "%02x", d[j]);
			enc = g_string_free(hex, FALSE);
		}
		ferry_json_object_set(doc, s, "keyid", ferry_json_new_string(doc, keyids[i]));
		ferry_json_object_set(doc, s, "sig", ferry_json_new_string(doc, enc));
		ferry_json_array_append(doc, sigs, s);
	}
	ferry_json_object_set(doc, env, "signatures", sigs);
	ferry_json_object_set(doc, env, "signed",
			      ferry_json_copy(doc, ferry_json_doc_get_root(in)));
	text = ferry_json_to_string(env, TRUE);
	return g_bytes_new(text, strlen(text));
}

static gchar *
key_json(FerrySigner *s)
{
	return g_strdup_printf(
		"{\"keytype\":\"ed25519\",\"scheme\":\"ed25519\",\"keyval\":{\"public\":\"%s\"}}",
		ferry_public_key_get_public_value(ferry_signer_get_public_key(s)));
}

/* a root whose every role is held by key @i with threshold 1, version @v */
static gchar *
root_json(Fixture *f, guint i, gint v, const gchar *expires)
{
	g_autofree gchar *k = key_json(f->k[i]);
	return g_strdup_printf(
		"{\"_type\":\"root\",\"spec_version\":\"1.0.31\",\"version\":%d,\"expires\":\"%s\","
		"\"consistent_snapshot\":false,\"keys\":{\"%s\":%s},\"roles\":{"
		"\"root\":{\"keyids\":[\"%s\"],\"threshold\":1},"
		"\"timestamp\":{\"keyids\":[\"%s\"],\"threshold\":1},"
		"\"snapshot\":{\"keyids\":[\"%s\"],\"threshold\":1},"
		"\"targets\":{\"keyids\":[\"%s\"],\"threshold\":1}}}",
		v, expires, f->keyid[i], k, f->keyid[i], f->keyid[i], f->keyid[i], f->keyid[i]);
}

static GBytes *
text_bytes(const gchar *s)
{
	return g_bytes_new(s, strlen(s));
}

static void
expect_parse_error(const gchar *json, FerryRoleType role, gint code)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) b = text_bytes(json);
	g_autoptr(FerryMetadata) md = ferry_metadata_new_from_bytes(b, role, 1 << 20, &error);
	g_assert_null(md);
	g_assert_error(error, FERRY_ERROR, code);
}

static void
test_iso8601(void)
{
	static const gchar *const bad[] = {
		"2030-02-30T00:00:00Z", "2030-01-01T00:00:00.5Z",
		"2030-01-01 00:00:00Z", "2030-01-01T24:00:00Z",
		"2030-01-01T00:00:60Z", "2030-01-01T00:00:00+00:00",
		"2030-1-01T00:00:00Z",	"",
		"2030-01-01T00:00:00z",
	};
	gint64 t = 0;

	g_assert_true(ferry_parse_iso8601("2025-01-01T00:00:00Z", &t, NULL));
	g_assert_cmpint(t, ==, T2025);
	/* past 2^31: 64-bit time */
	g_assert_true(ferry_parse_iso8601("2038-01-19T03:14:08Z", &t, NULL));
	g_assert_cmpint(t, ==, G_GINT64_CONSTANT(2147483648));
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) error = NULL;
		g_assert_false(ferry_parse_iso8601(bad[i], &t, &error));
		g_assert_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT);
	}
}

static void
test_parse_strict(void)
{
	const gchar *sig = "\"signatures\":[]";
	g_autofree gchar *float_version =
		g_strdup_printf("{%s,\"signed\":{\"_type\":\"targets\",\"version\":1.0,\"expires\":"
				"\"2030-01-01T00:00:00Z\",\"targets\":{}}}",
				sig);
	g_autofree gchar *string_threshold =
		g_strdup_printf("{%s,\"signed\":{\"_type\":\"root\",\"version\":1,\"expires\":"
				"\"2030-01-01T00:00:00Z\",\"keys\":{},"
				"\"roles\":{\"root\":{\"keyids\":[],\"threshold\":\"1\"}}}}",
				sig);
	g_autofree gchar *zero_threshold =
		g_strdup_printf("{%s,\"signed\":{\"_type\":\"root\",\"version\":1,\"expires\":"
				"\"2030-01-01T00:00:00Z\",\"keys\":{},"
				"\"roles\":{\"root\":{\"keyids\":[],\"threshold\":0}}}}",
				sig);
	g_autofree gchar *wrong_type =
		g_strdup_printf("{%s,\"signed\":{\"_type\":\"snapshot\",\"version\":1,\"expires\":"
				"\"2030-01-01T00:00:00Z\",\"meta\":{}}}",
				sig);
	g_autofree gchar *spec2 = g_strdup_printf(
		"{%s,\"signed\":{\"_type\":\"targets\",\"spec_version\":\"2.0.0\",\"version\":1,"
		"\"expires\":\"2030-01-01T00:00:00Z\",\"targets\":{}}}",
		sig);
	g_autofree gchar *extra =
		g_strdup_printf("{%s,\"extra\":1,\"signed\":{\"_type\":\"targets\",\"version\":1,"
				"\"expires\":\"2030-01-01T00:00:00Z\",\"targets\":{}}}",
				sig);
	g_autofree gchar *dup_sig =
		g_strdup("{\"signatures\":[{\"keyid\":\"ab\",\"sig\":\"00\"},{\"keyid\":\"ab\","
			 "\"sig\":\"11\"}],"
			 "\"signed\":{\"_type\":\"targets\",\"version\":1,\"expires\":\"2030-01-"
			 "01T00:00:00Z\",\"targets\":{}}}");
	g_autofree gchar *dup_key =
		g_strdup_printf("{%s,\"signed\":{\"_type\":\"targets\",\"version\":1,\"version\":2,"
				"\"expires\":\"2030-01-01T00:00:00Z\",\"targets\":{}}}",
				sig);
	g_autofree gchar *unknown_hash_only =
		g_strdup_printf("{%s,\"signed\":{\"_type\":\"targets\",\"version\":1,\"expires\":"
				"\"2030-01-01T00:00:00Z\",\"targets\":{\"a\":{\"length\":5,"
				"\"hashes\":{\"sha384\":\"00\"}}}}}",
				sig);
	g_autofree gchar *bad_target = g_strdup_printf(
		"{%s,\"signed\":{\"_type\":\"targets\",\"version\":1,\"expires\":\"2030-01-01T00:"
		"00:00Z\","
		"\"targets\":{\"a\":{\"length\":-1,\"hashes\":{\"sha256\":\"%064d\"}}}}}",
		sig, 0);
	g_autofree gchar *bad_role_name =
		g_strdup_printf("{%s,\"signed\":{\"_type\":\"targets\",\"version\":1,\"expires\":"
				"\"2030-01-01T00:00:00Z\",\"targets\":{},"
				"\"delegations\":{\"keys\":{},\"roles\":[{\"name\":\"../"
				"x\",\"keyids\":[],\"threshold\":1,\"paths\":[\"*\"]}]}}}",
				sig);

	expect_parse_error(float_version, FERRY_ROLE_TARGETS, FERRY_ERROR_FORMAT);
	expect_parse_error(string_threshold, FERRY_ROLE_ROOT, FERRY_ERROR_FORMAT);
	expect_parse_error(zero_threshold, FERRY_ROLE_ROOT, FERRY_ERROR_ILLEGAL_THRESHOLD);
	expect_parse_error(wrong_type, FERRY_ROLE_TIMESTAMP, FERRY_ERROR_TYPE_MISMATCH);
	expect_parse_error(spec2, FERRY_ROLE_TARGETS, FERRY_ERROR_UNSUPPORTED);
	expect_parse_error(extra, FERRY_ROLE_TARGETS, FERRY_ERROR_FORMAT);
	expect_parse_error(dup_sig, FERRY_ROLE_TARGETS, FERRY_ERROR_DUPLICATE_SIGNATURE);
	expect_parse_error(dup_key, FERRY_ROLE_TARGETS, FERRY_ERROR_FORMAT);
	expect_parse_error(bad_target, FERRY_ROLE_TARGETS, FERRY_ERROR_FORMAT);
	/* length alone must never vouch for content */
	expect_parse_error(unknown_hash_only, FERRY_ROLE_TARGETS, FERRY_ERROR_UNSUPPORTED);
	expect_parse_error(bad_role_name, FERRY_ROLE_TARGETS, FERRY_ERROR_FORMAT);
	/* over the cap before parsing */
	{
		g_autoptr(GError) error = NULL;
		g_autoptr(GBytes) b = text_bytes(float_version);
		g_assert_null(ferry_metadata_new_from_bytes(b, FERRY_ROLE_TARGETS, 16, &error));
		g_assert_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE);
	}
}

static void
test_offline_type_aliases(void)
{
	static const gchar *const ok[] = {"Offline-Updates", "offline-updates", "Offline-Targets"};
	for (guint i = 0; i < G_N_ELEMENTS(ok); i++) {
		g_autoptr(GError) error = NULL;
		g_autofree gchar *json = g_strdup_printf(
			"{\"signatures\":[],\"signed\":{\"_type\":\"%s\",\"version\":1,"
			"\"expires\":\"2030-01-01T00:00:00Z\",\"targets\":{}}}",
			ok[i]);
		g_autoptr(GBytes) b = text_bytes(json);
		g_autoptr(FerryMetadata) md = ferry_metadata_new_from_bytes(
			b, FERRY_ROLE_OFFLINE_UPDATES, 1 << 20, &error);
		g_assert_no_error(error);
		g_assert_nonnull(md);
	}
}

/* thresholds count public keys: one key under two key ids is one signature */
static void
test_verify_distinct_keys(Fixture *f, gconstpointer data)
{
	g_autofree gchar *k0 = key_json(f->k[0]);
	g_autofree gchar *k1 = key_json(f->k[1]);
	const gchar *alias = "00aa00aa00aa00aa00aa00aa00aa00aa00aa00aa00aa00aa00aa00aa00aa00aa";
	g_autofree gchar *root = g_strdup_printf(
		"{\"_type\":\"root\",\"version\":1,\"expires\":\"2030-01-01T00:00:00Z\",\"keys\":{"
		"\"%s\":%s,\"%s\":%s,\"%s\":%s},\"roles\":{\"root\":{\"keyids\":[\"%s\",\"%s\",\"%"
		"s\"],"
		"\"threshold\":2}}}",
		f->keyid[0], k0, alias, k0, f->keyid[1], k1, f->keyid[0], alias, f->keyid[1]);
	FerrySigner *same[] = {f->k[0], f->k[0]};
	const gchar *same_ids[] = {f->keyid[0], alias};
	FerrySigner *two[] = {f->k[0], f->k[1]};
	const gchar *two_ids[] = {f->keyid[0], f->keyid[1]};
	g_autoptr(GBytes) b1 = sign_doc(root, same, same_ids, 2, FALSE);
	g_autoptr(GBytes) b2 = sign_doc(root, two, two_ids, 2, TRUE);
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryTrustedSet) set = NULL;

	set = ferry_trusted_set_new(b1, &error);
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_SIGNATURE);
	g_assert_null(set);
	g_clear_error(&error);
	/* two distinct keys, base64 signatures: accepted */
	set = ferry_trusted_set_new(b2, &error);
	g_assert_no_error(error);
	g_assert_nonnull(set);
}

static void
test_verify_unknown_key(Fixture *f, gconstpointer data)
{
	g_autofree gchar *root = root_json(f, 0, 1, "2030-01-01T00:00:00Z");
	FerrySigner *other[] = {f->k[1]};
	const gchar *other_ids[] = {f->keyid[1]};
	const gchar *lying_ids[] = {f->keyid[0]};
	g_autoptr(GBytes) unknown = sign_doc(root, other, other_ids, 1, FALSE);
	/* the right key id, the wrong key's signature: a forgery */
	g_autoptr(GBytes) forged = sign_doc(root, other, lying_ids, 1, FALSE);
	g_autoptr(GError) error = NULL;

	g_assert_null(ferry_trusted_set_new(unknown, &error));
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_UNKNOWN_KEY);
	g_clear_error(&error);
	g_assert_null(ferry_trusted_set_new(forged, &error));
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_SIGNATURE);
}

static void
test_root_rotation(Fixture *f, gconstpointer data)
{
	g_autofree gchar *r1 = root_json(f, 0, 1, "2020-01-01T00:00:00Z"); /* expired: fine */
	g_autofree gchar *r2 = root_json(f, 1, 2, "2030-01-01T00:00:00Z");
	g_autofree gchar *r2skip = root_json(f, 1, 3, "2030-01-01T00:00:00Z");
	FerrySigner *s0[] = {f->k[0]};
	const gchar *i0[] = {f->keyid[0]};
	FerrySigner *both[] = {f->k[0], f->k[1]};
	const gchar *iboth[] = {f->keyid[0], f->keyid[1]};
	FerrySigner *s1[] = {f->k[1]};
	const gchar *i1[] = {f->keyid[1]};
	g_autoptr(GBytes) b1 = sign_doc(r1, s0, i0, 1, FALSE);
	g_autoptr(GBytes) b2 = sign_doc(r2, both, iboth, 2, FALSE);
	g_autoptr(GBytes) b2_new_only = sign_doc(r2, s1, i1, 1, FALSE);
	g_autoptr(GBytes) b2_old_only = sign_doc(r2, s0, i0, 1, FALSE);
	g_autoptr(GBytes) b2_skip = sign_doc(r2skip, both, iboth, 2, FALSE);
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryTrustedSet) set = ferry_trusted_set_new(b1, &error);

	g_assert_no_error(error);
	ferry_trusted_set_set_time(set, T2025, 0);
	g_assert_false(ferry_trusted_set_update_root(set, b2_new_only, &error));
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_UNKNOWN_KEY);
	g_clear_error(&error);
	g_assert_false(ferry_trusted_set_update_root(set, b2_old_only, &error));
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_UNKNOWN_KEY);
	g_clear_error(&error);
	g_assert_false(ferry_trusted_set_update_root(set, b2_skip, &error));
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_ROOT_ROTATION);
	g_clear_error(&error);
	/* failures changed nothing */
	g_assert_cmpint(ferry_metadata_get_version(ferry_trusted_set_get_root(set)), ==, 1);
	g_assert_true(ferry_trusted_set_update_root(set, b2, &error));
	g_assert_no_error(error);
	g_assert_cmpint(ferry_metadata_get_version(ferry_trusted_set_get_root(set)), ==, 2);
}

/* a snapshot + targets chain signed by key 0, with a chosen snapshot version */
static void
load_chain(Fixture *f, FerryTrustedSet *set, gint snap_version, const gchar *expires,
	   GError **error)
{
	g_autofree gchar *targets = g_strdup_printf(
		"{\"_type\":\"targets\",\"version\":1,\"expires\":\"%s\",\"targets\":{}}", expires);
	g_autofree gchar *snap =
		g_strdup_printf("{\"_type\":\"snapshot\",\"version\":%d,\"expires\":\"%s\","
				"\"meta\":{\"targets.json\":{\"version\":1}}}",
				snap_version, expires);
	FerrySigner *s0[] = {f->k[0]};
	const gchar *i0[] = {f->keyid[0]};
	g_autoptr(GBytes) bs = sign_doc(snap, s0, i0, 1, FALSE);
	g_autoptr(GBytes) bt = sign_doc(targets, s0, i0, 1, FALSE);

	if (!ferry_trusted_set_update_snapshot(set, bs, error))
		return;
	if (!ferry_trusted_set_update_targets(set, bt, error))
		return;
}

static void
test_time_floor(Fixture *f, gconstpointer data)
{
	g_autofree gchar *r1 = root_json(f, 0, 1, "2030-01-01T00:00:00Z");
	FerrySigner *s0[] = {f->k[0]};
	const gchar *i0[] = {f->keyid[0]};
	g_autoptr(GBytes) b1 = sign_doc(r1, s0, i0, 1, FALSE);
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryTrustedSet) set = ferry_trusted_set_new(b1, &error);

	g_assert_no_error(error);
	ferry_trusted_set_set_offline(set, TRUE);
	/* the wall clock says 2025, but the device already trusted 2027 */
	ferry_trusted_set_set_time(set, T2025, T2025 + 2 * 365 * 86400);
	load_chain(f, set, 1, "2026-01-01T00:00:00Z", &error);
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_EXPIRED);
	g_assert_null(ferry_trusted_set_get(set, FERRY_ROLE_SNAPSHOT, NULL));
}

static void
test_rollback_and_equal_version(Fixture *f, gconstpointer data)
{
	g_autofree gchar *r1 = root_json(f, 0, 1, "2030-01-01T00:00:00Z");
	g_autofree gchar *snap2 =
		g_strdup("{\"_type\":\"snapshot\",\"version\":2,\"expires\":\"2030-01-01T00:00:"
			 "00Z\",\"meta\":{\"targets.json\":{\"version\":1}}}");
	g_autofree gchar *snap2b = g_strdup(
		"{\"_type\":\"snapshot\",\"version\":2,\"expires\":\"2030-01-01T00:00:00Z\","
		"\"meta\":{\"targets.json\":{\"version\":1},\"x.json\":{\"version\":1}}}");
	FerrySigner *s0[] = {f->k[0]};
	const gchar *i0[] = {f->keyid[0]};
	g_autoptr(GBytes) b1 = sign_doc(r1, s0, i0, 1, FALSE);
	g_autoptr(GBytes) prev = sign_doc(snap2, s0, i0, 1, FALSE);
	g_autoptr(GBytes) other = sign_doc(snap2b, s0, i0, 1, FALSE);
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryTrustedSet) set = ferry_trusted_set_new(b1, &error);

	g_assert_no_error(error);
	ferry_trusted_set_set_offline(set, TRUE);
	ferry_trusted_set_set_time(set, T2025, 0);
	g_assert_true(ferry_trusted_set_set_previous(set, FERRY_ROLE_SNAPSHOT, NULL, prev, &error));
	load_chain(f, set, 1, "2030-01-01T00:00:00Z", &error);
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_ROLLBACK);
	g_clear_error(&error);
	/* equal version, other content: accepted by default (the Uptane vectors) ... */
	g_assert_true(ferry_trusted_set_update_snapshot(set, other, &error));
	g_assert_no_error(error);
	/* ... refused under the strict policy */
	{
		g_autoptr(FerryTrustedSet) strict = ferry_trusted_set_new(b1, &error);
		ferry_trusted_set_set_offline(strict, TRUE);
		ferry_trusted_set_set_time(strict, T2025, 0);
		ferry_trusted_set_set_strict_equal_version(strict, TRUE);
		g_assert_true(ferry_trusted_set_set_previous(strict, FERRY_ROLE_SNAPSHOT, NULL,
							     prev, NULL));
		g_assert_false(ferry_trusted_set_update_snapshot(strict, other, &error));
		g_assert_error(error, FERRY_ERROR, FERRY_ERROR_EQUAL_VERSION);
	}
}

/* TUF 5.3.11: new snapshot keys forget the old targets versions too, so a
 * repository recovers from a fast-forward attack on them */
static void
test_snapshot_key_rotation_recovers(Fixture *f, gconstpointer data)
{
	g_autofree gchar *r1 = root_json(f, 0, 1, "2030-01-01T00:00:00Z");
	g_autofree gchar *r2 = root_json(f, 1, 2, "2030-01-01T00:00:00Z");
	g_autofree gchar *t5 = g_strdup("{\"_type\":\"targets\",\"version\":5,\"expires\":\"2030-"
					"01-01T00:00:00Z\",\"targets\":{}}");
	g_autofree gchar *t1 = g_strdup("{\"_type\":\"targets\",\"version\":1,\"expires\":\"2030-"
					"01-01T00:00:00Z\",\"targets\":{}}");
	g_autofree gchar *snap = g_strdup(
		"{\"_type\":\"snapshot\",\"version\":1,\"expires\":\"2030-01-01T00:00:00Z\","
		"\"meta\":{\"targets.json\":{\"version\":1}}}");
	FerrySigner *s0[] = {f->k[0]};
	const gchar *i0[] = {f->keyid[0]};
	FerrySigner *s1[] = {f->k[1]};
	const gchar *i1[] = {f->keyid[1]};
	FerrySigner *both[] = {f->k[0], f->k[1]};
	const gchar *iboth[] = {f->keyid[0], f->keyid[1]};
	g_autoptr(GBytes) b1 = sign_doc(r1, s0, i0, 1, FALSE);
	g_autoptr(GBytes) b2 = sign_doc(r2, both, iboth, 2, FALSE);
	g_autoptr(GBytes) prev = sign_doc(t5, s0, i0, 1, FALSE);
	g_autoptr(GBytes) bs = sign_doc(snap, s1, i1, 1, FALSE);
	g_autoptr(GBytes) bt = sign_doc(t1, s1, i1, 1, FALSE);
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryTrustedSet) set = ferry_trusted_set_new(b1, &error);

	g_assert_no_error(error);
	ferry_trusted_set_set_offline(set, TRUE);
	ferry_trusted_set_set_time(set, T2025, 0);
	g_assert_true(
		ferry_trusted_set_set_previous(set, FERRY_ROLE_TARGETS, "targets", prev, &error));
	g_assert_true(ferry_trusted_set_update_root(set, b2, &error));
	g_assert_true(ferry_trusted_set_update_snapshot(set, bs, &error));
	g_assert_no_error(error);
	/* version 1 after a trusted 5: accepted because the snapshot keys changed */
	g_assert_true(ferry_trusted_set_update_targets(set, bt, &error));
	g_assert_no_error(error);
}

static void
test_delegation_paths(void)
{
	FerryRoleKeys role = {0};
	g_autoptr(GPtrArray) paths = g_ptr_array_new();
	g_autoptr(GPtrArray) prefixes = g_ptr_array_new();
	g_autofree gchar *digest = ferry_sha256_hex((const guint8 *)"a/b.txt", 7);
	g_autofree gchar *prefix = g_strndup(digest, 4);

	g_ptr_array_add(paths, (gpointer) "foo/*");
	g_ptr_array_add(paths, (gpointer) "*.txt");
	role.paths = paths;
	g_assert_true(ferry_role_keys_matches_target(&role, "foo/bar"));
	g_assert_false(ferry_role_keys_matches_target(&role, "foo/bar/baz")); /* '*' stops at '/' */
	g_assert_true(ferry_role_keys_matches_target(&role, "file.txt"));
	g_assert_false(ferry_role_keys_matches_target(&role, "dir/file.txt"));
	role.paths = NULL;
	g_ptr_array_add(prefixes, prefix);
	role.path_hash_prefixes = prefixes;
	g_assert_true(ferry_role_keys_matches_target(&role, "a/b.txt"));
	g_assert_false(ferry_role_keys_matches_target(&role, "a/c.txt"));
}

static void
test_meta_raw_or_canonical(Fixture *f, gconstpointer data)
{
	const gchar *t = "{\"_type\":\"targets\",\"version\":1,\"expires\":\"2030-01-01T00:00:"
			 "00Z\",\"targets\":{}}";
	FerrySigner *s0[] = {f->k[0]};
	const gchar *i0[] = {f->keyid[0]};
	g_autoptr(GBytes) b = sign_doc(t, s0, i0, 1, FALSE); /* pretty: raw != canonical */
	g_autoptr(FerryMetadata) md =
		ferry_metadata_new_from_bytes(b, FERRY_ROLE_TARGETS, 1 << 20, NULL);
	GBytes *canon = ferry_metadata_get_canonical(md);
	g_autofree gchar *raw_hash = g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, b);
	g_autofree gchar *canon_hash = g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, canon);
	FerryMetaFile raw = {1, (gint64)g_bytes_get_size(b), raw_hash, NULL};
	FerryMetaFile can = {1, (gint64)g_bytes_get_size(canon), canon_hash, NULL};
	FerryMetaFile bad = {
		1, -1, "00000000000000000000000000000000000000000000000000000000000000ff", NULL};
	FerryMetaFile badlen = {1, 3, NULL, NULL};
	g_autoptr(GError) error = NULL;

	g_assert_cmpuint(g_bytes_get_size(b), !=, g_bytes_get_size(canon));
	g_assert_true(ferry_metadata_matches_meta(md, "t.json", &raw, NULL));
	g_assert_true(ferry_metadata_matches_meta(md, "t.json", &can, NULL));
	g_assert_false(ferry_metadata_matches_meta(md, "t.json", &bad, &error));
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_HASH_MISMATCH);
	g_clear_error(&error);
	g_assert_false(ferry_metadata_matches_meta(md, "t.json", &badlen, &error));
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_HASH_MISMATCH);
}

/* the real Torizon director chain: RSA-PSS, PEM keys signed in the escaped form */
static void
test_torizon_chain(void)
{
	g_autofree gchar *dir = g_build_filename(ferry_test_shared_dir(), "fixtures",
						 "torizon-offline1", "metadata", "director", NULL);
	g_autofree gchar *p1 = g_build_filename(dir, "1.root.json", NULL);
	g_autofree gchar *p2 = g_build_filename(dir, "2.root.json", NULL);
	g_autofree gchar *p3 = g_build_filename(dir, "3.root.json", NULL);
	g_autofree gchar *ps = g_build_filename(dir, "offline-snapshot.json", NULL);
	g_autofree gchar *pu = g_build_filename(dir, "test1.json", NULL);
	g_autoptr(GBytes) r1 = ferry_test_read_file(p1);
	g_autoptr(GBytes) r2 = ferry_test_read_file(p2);
	g_autoptr(GBytes) r3 = ferry_test_read_file(p3);
	g_autoptr(GBytes) snap = ferry_test_read_file(ps);
	g_autoptr(GBytes) upd = ferry_test_read_file(pu);
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryTrustedSet) set = ferry_trusted_set_new(r1, &error);
	gint64 t = 0;

	g_assert_no_error(error);
	g_assert_true(ferry_parse_iso8601("2024-01-01T20:01:00Z", &t, NULL));
	ferry_trusted_set_set_time(set, t, 0);
	g_assert_true(ferry_trusted_set_update_root(set, r2, &error));
	g_assert_true(ferry_trusted_set_update_root(set, r3, &error));
	g_assert_true(ferry_trusted_set_update_offline_snapshot(set, snap, &error));
	g_assert_no_error(error);
	g_assert_true(ferry_trusted_set_update_offline_updates(set, upd, "test1", &error));
	g_assert_no_error(error);
	/* the lockbox is not listed under another name */
	g_assert_false(ferry_trusted_set_update_offline_updates(set, upd, "other", &error));
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_VERSION_MISMATCH);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/metadata/iso8601/strict", test_iso8601);
	g_test_add_func("/metadata/parse/strict", test_parse_strict);
	g_test_add_func("/metadata/parse/offline-type-aliases", test_offline_type_aliases);
	g_test_add_func("/metadata/delegation/paths", test_delegation_paths);
	g_test_add("/metadata/verify/distinct-keys", Fixture, NULL, fixture_setup,
		   test_verify_distinct_keys, fixture_teardown);
	g_test_add("/metadata/verify/unknown-key-vs-forged", Fixture, NULL, fixture_setup,
		   test_verify_unknown_key, fixture_teardown);
	g_test_add("/metadata/meta/raw-or-canonical", Fixture, NULL, fixture_setup,
		   test_meta_raw_or_canonical, fixture_teardown);
	g_test_add("/trusted-set/root/rotation", Fixture, NULL, fixture_setup, test_root_rotation,
		   fixture_teardown);
	g_test_add("/trusted-set/time/floor", Fixture, NULL, fixture_setup, test_time_floor,
		   fixture_teardown);
	g_test_add("/trusted-set/rollback/equal-version", Fixture, NULL, fixture_setup,
		   test_rollback_and_equal_version, fixture_teardown);
	g_test_add_func("/trusted-set/torizon/director-chain", test_torizon_chain);
	g_test_add("/trusted-set/rollback/snapshot-key-rotation-recovers", Fixture, NULL,
		   fixture_setup, test_snapshot_key_rotation_recovers, fixture_teardown);
	return g_test_run();
}
