/*
 * keys/: key parsing, verification against independently made signatures
 * (securesystemslib, cryptography, the Uptane vectors, the Torizon fixture),
 * key ids the three ways, signing round trips and key files.
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ferry-error.h"
#include "ferry-json.h"
#include "ferry-signer.h"
#include "ferry-test-util.h"

static GBytes *
unhex(const gchar *h)
{
	gsize n = strlen(h) / 2;
	guint8 *b = g_malloc(n);
	for (gsize i = 0; i < n; i++)
		b[i] = (guint8)(g_ascii_xdigit_value(h[2 * i]) << 4 |
				g_ascii_xdigit_value(h[2 * i + 1]));
	return g_bytes_new_take(b, n);
}

static FerryJsonDoc *
interop_data(void)
{
	const gchar *python =
		g_getenv("PYTHON3") != NULL ? g_getenv("PYTHON3") : "/usr/bin/python3";
	g_autofree gchar *script =
		g_build_filename(ferry_test_srcdir(), "tests", "data", "keys", "interop.py", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(GSubprocess) proc =
		g_subprocess_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, python, script, NULL);
	g_autoptr(GBytes) out = NULL;

	g_assert_no_error(error);
	g_assert_true(g_subprocess_communicate(proc, NULL, NULL, &out, NULL, &error));
	g_assert_true(g_subprocess_get_successful(proc));
	return ferry_json_doc_new_parse(g_bytes_get_data(out, NULL), g_bytes_get_size(out), 1 << 20,
					NULL);
}

static const gchar *
str(const FerryJsonValue *o, const gchar *key)
{
	return ferry_json_value_get_string(ferry_json_object_get(o, key));
}

/* securesystemslib's keys and signatures: all three types, and its key ids */
static void
test_interop_securesystemslib(void)
{
	g_autoptr(FerryJsonDoc) doc = interop_data();
	const FerryJsonValue *root = ferry_json_doc_get_root(doc);
	const FerryJsonValue *list = ferry_json_object_get(root, "keys");
	const gchar *msg = str(root, "message");

	g_assert_cmpuint(ferry_json_value_get_length(list), ==, 3);
	for (guint i = 0; i < 3; i++) {
		const FerryJsonValue *k = ferry_json_array_get(list, i);
		g_autoptr(GError) error = NULL;
		g_autoptr(FerryPublicKey) key = ferry_public_key_new(
			str(k, "keytype"), str(k, "scheme"), str(k, "public"), &error);
		g_autoptr(GBytes) sig = unhex(str(k, "sig"));
		g_autofree gchar *keyid = NULL;
		g_autofree guint8 *bad = NULL;

		g_assert_no_error(error);
		keyid = ferry_public_key_compute_keyid(key, FERRY_KEYID_STYLE_TUF);
		g_assert_cmpstr(keyid, ==, str(k, "keyid"));
		g_assert_true(ferry_public_key_verify(
			key, str(k, "scheme"), g_bytes_get_data(sig, NULL), g_bytes_get_size(sig),
			(const guint8 *)msg, strlen(msg), &error));
		g_assert_no_error(error);
		/* one flipped bit of the message */
		bad = (guint8 *)g_strdup(msg);
		bad[3] ^= 1;
		g_assert_false(
			ferry_public_key_verify(key, str(k, "scheme"), g_bytes_get_data(sig, NULL),
						g_bytes_get_size(sig), bad, strlen(msg), &error));
		g_assert_error(error, FERRY_ERROR, FERRY_ERROR_SIGNATURE);
	}
}

/* PKCS#1 v1.5 and legacy PSS with the maximum salt, made by cryptography */
static void
test_interop_rsa_variants(void)
{
	g_autoptr(FerryJsonDoc) doc = interop_data();
	const FerryJsonValue *root = ferry_json_doc_get_root(doc);
	const FerryJsonValue *raw = ferry_json_object_get(root, "raw");
	const gchar *msg = str(root, "message");
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryPublicKey) weak = NULL;
	g_autoptr(FerryPublicKey) p384 = NULL;

	for (guint i = 0; i < ferry_json_value_get_length(raw); i++) {
		const FerryJsonValue *k = ferry_json_array_get(raw, i);
		g_autoptr(FerryPublicKey) key =
			ferry_public_key_new(str(k, "keytype"), NULL, str(k, "public"), &error);
		g_autoptr(GBytes) sig = unhex(str(k, "sig"));
		g_assert_no_error(error);
		g_assert_true(ferry_public_key_verify(
			key, str(k, "method"), g_bytes_get_data(sig, NULL), g_bytes_get_size(sig),
			(const guint8 *)msg, strlen(msg), &error));
		g_assert_no_error(error);
		/* a method that does not fit the key */
		g_assert_false(ferry_public_key_verify(key, "ed25519", g_bytes_get_data(sig, NULL),
						       g_bytes_get_size(sig), (const guint8 *)msg,
						       strlen(msg), &error));
		g_assert_error(error, FERRY_ERROR, FERRY_ERROR_UNSUPPORTED);
		g_clear_error(&error);
	}
	weak = ferry_public_key_new("rsa", NULL, str(root, "rsa1024"), &error);
	g_assert_null(weak);
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_UNSUPPORTED);
	g_clear_error(&error);
	p384 = ferry_public_key_new("ecdsa", NULL, str(root, "p384"), &error);
	g_assert_null(p384);
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_UNSUPPORTED);
}

/* every key in @root_path must yield its key id under @style */
static void
check_keyids(const gchar *root_path, FerryKeyIdStyle style, guint expect_keys)
{
	g_autoptr(GBytes) b = ferry_test_read_file(root_path);
	g_autoptr(FerryJsonDoc) doc = ferry_json_doc_new_parse(g_bytes_get_data(b, NULL),
							       g_bytes_get_size(b), 1 << 20, NULL);
	const FerryJsonValue *keys = ferry_json_object_get(
		ferry_json_object_get(ferry_json_doc_get_root(doc), "signed"), "keys");

	g_assert_cmpuint(ferry_json_value_get_length(keys), ==, expect_keys);
	for (guint i = 0; i < ferry_json_value_get_length(keys); i++) {
		const FerryJsonValue *k = ferry_json_object_get_value_at(keys, i);
		g_autoptr(GError) error = NULL;
		g_autoptr(FerryPublicKey) key = ferry_public_key_new(
			str(k, "keytype"), NULL, str(ferry_json_object_get(k, "keyval"), "public"),
			&error);
		g_autofree gchar *id = NULL;
		g_assert_no_error(error);
		id = ferry_public_key_compute_keyid(key, style);
		g_assert_cmpstr(id, ==, ferry_json_object_get_key_at(keys, i));
	}
}

static void
test_keyids_ecosystem(void)
{
	g_autofree gchar *vector =
		g_build_filename(ferry_test_shared_dir(), "uptane-vectors", "simple", "0",
				 "image_repo", "1.root.json", NULL);
	g_autofree gchar *torizon =
		g_build_filename(ferry_test_shared_dir(), "fixtures", "torizon-offline1",
				 "metadata", "director", "3.root.json", NULL);

	/* aktualizr: sha256 of the JSON string of the hex key */
	check_keyids(vector, FERRY_KEYID_STYLE_AKTUALIZR, 4);
	/* ota-tuf: sha256 of the DER SubjectPublicKeyInfo */
	check_keyids(torizon, FERRY_KEYID_STYLE_OTA_TUF, 5);
}

static void
test_sign_round_trip(void)
{
	const FerryKeyType types[] = {FERRY_KEY_TYPE_ED25519, FERRY_KEY_TYPE_RSA,
				      FERRY_KEY_TYPE_ECDSA_P256};
	g_autofree gchar *dir = ferry_test_mkdtemp();

	for (guint i = 0; i < G_N_ELEMENTS(types); i++) {
		g_autofree gchar *path = g_strdup_printf("%s/key%u.pem", dir, i);
		g_autoptr(GError) error = NULL;
		g_autoptr(FerryPublicKey) pub = NULL;
		g_autoptr(FerrySigner) signer = NULL;
		g_autoptr(GBytes) sig = NULL;
		g_autoptr(FerryPublicKey) reparsed = NULL;
		struct stat st;

		g_assert_true(ferry_key_generate_file(types[i], 0, path, &pub, &error));
		g_assert_no_error(error);
		g_assert_cmpint(g_stat(path, &st), ==, 0);
		g_assert_cmpint(st.st_mode & 0777, ==, 0600);
		signer = ferry_signer_new_from_file(path, &error);
		g_assert_no_error(error);
		g_assert_true(ferry_public_key_equal(pub, ferry_signer_get_public_key(signer)));
		sig = ferry_signer_sign(signer, (const guint8 *)"hello", 5, &error);
		g_assert_no_error(error);
		/* the public value as metadata carries it parses back to the same key */
		reparsed = ferry_public_key_new(ferry_public_key_get_keytype(pub),
						ferry_public_key_get_scheme(pub),
						ferry_public_key_get_public_value(pub), &error);
		g_assert_no_error(error);
		g_assert_true(ferry_public_key_equal(pub, reparsed));
		g_assert_true(ferry_public_key_verify(
			reparsed, ferry_signer_get_method(signer), g_bytes_get_data(sig, NULL),
			g_bytes_get_size(sig), (const guint8 *)"hello", 5, &error));
		g_assert_no_error(error);
		/* generating over an existing file fails and leaves it alone */
		g_assert_false(ferry_key_generate_file(types[i], 0, path, NULL, &error));
		g_assert_nonnull(error);
		g_clear_pointer(&signer, ferry_signer_unref);
		signer = ferry_signer_new_from_file(path, &error);
		g_assert_nonnull(signer);
	}
	ferry_test_rm_rf(dir);
}

static void
test_key_files_refused(void)
{
	g_autofree gchar *dir = ferry_test_mkdtemp();
	g_autofree gchar *path = g_build_filename(dir, "k.pem", NULL);
	g_autofree gchar *link = g_build_filename(dir, "link.pem", NULL);
	g_autoptr(GError) error = NULL;

	g_assert_true(ferry_key_generate_file(FERRY_KEY_TYPE_ED25519, 0, path, NULL, &error));
	g_assert_cmpint(g_chmod(path, 0640), ==, 0);
	g_assert_null(ferry_signer_new_from_file(path, &error));
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT);
	g_clear_error(&error);
	g_assert_cmpint(g_chmod(path, 0600), ==, 0);
	g_assert_cmpint(symlink(path, link), ==, 0);
	g_assert_null(ferry_signer_new_from_file(link, &error));
	g_assert_nonnull(error);
	g_clear_error(&error);
	/* RSA below 3072 bits is not generated */
	g_assert_false(ferry_key_generate_file(FERRY_KEY_TYPE_RSA, 2048, link, NULL, &error));
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT);
	ferry_test_rm_rf(dir);
}

static void
test_bad_public_keys(void)
{
	static const struct {
		const gchar *type, *scheme, *value;
		gint code;
	} bad[] = {
		{"ed25519", NULL, "zz", FERRY_ERROR_FORMAT},
		{"ed25519", NULL, "00112233", FERRY_ERROR_FORMAT},
		{"ED25519", "rsassa-pss-sha256", "00", FERRY_ERROR_UNSUPPORTED},
		{"dsa", NULL, "00", FERRY_ERROR_UNSUPPORTED},
		{"rsa", NULL, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
		 FERRY_ERROR_FORMAT},
	};
	g_autofree gchar *huge = g_strnfill(20000, 'A');

	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(FerryPublicKey) k =
			ferry_public_key_new(bad[i].type, bad[i].scheme, bad[i].value, &error);
		g_assert_null(k);
		g_assert_error(error, FERRY_ERROR, bad[i].code);
	}
	{
		g_autoptr(GError) error = NULL;
		g_autoptr(FerryPublicKey) k = ferry_public_key_new("rsa", NULL, huge, &error);
		g_assert_null(k);
		g_assert_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/keys/interop/securesystemslib", test_interop_securesystemslib);
	g_test_add_func("/keys/interop/rsa-variants-and-weak-keys", test_interop_rsa_variants);
	g_test_add_func("/keys/keyid/ecosystem", test_keyids_ecosystem);
	g_test_add_func("/keys/sign/round-trip", test_sign_round_trip);
	g_test_add_func("/keys/files/refused", test_key_files_refused);
	g_test_add_func("/keys/parse/bad", test_bad_public_keys);
	return g_test_run();
}
