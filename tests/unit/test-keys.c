/*
 * keys/: verification of signatures made elsewhere (the Uptane vectors, the
 * Torizon fixture, securesystemslib, cryptography, PyNaCl), key ids the three
 * ways, strict key parsing, signing round trips and key files.
 *
 * The expected values come from tests/data/keys/gen-keys.py, which wrote
 * keys.ini (a GKeyFile, so this test needs no JSON code), signed/ (the exact
 * signed bytes) and private/ (test-only private keys).
 */
#include <errno.h>
#include <glib/gstdio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ferry-autocleanups.h"
#include "ferry-error.h"
#include "ferry-signer.h"
#include "ferry-test-util.h"

static GKeyFile *vectors; /* keys.ini, loaded by main() */

static const gchar *const all_methods[] = {
	"ed25519", "rsassa-pss-sha256", "rsassa-pss", "rsa-pkcs1v15-sha256", "ecdsa-sha2-nistp256",
};

static gchar *
data_path(const gchar *subdir, const gchar *name)
{
	return g_build_filename(ferry_test_srcdir(), "tests", "data", "keys", subdir, name, NULL);
}

/* a string field of @group, or NULL when absent */
static gchar *
field(const gchar *group, const gchar *key)
{
	g_autoptr(GError) error = NULL;
	gchar *value = g_key_file_get_string(vectors, group, key, &error);

	if (value == NULL)
		g_assert_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND);
	return value;
}

/* the groups named @prefix*, at least @min of them */
static GPtrArray *
groups_with_prefix(const gchar *prefix, guint min)
{
	g_auto(GStrv) all = g_key_file_get_groups(vectors, NULL);
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; all[i] != NULL; i++) {
		if (g_str_has_prefix(all[i], prefix))
			g_ptr_array_add(out, g_strdup(all[i]));
	}
	g_assert_cmpuint(out->len, >=, min);
	return out;
}

/* the key of @group; @suffix picks "keytype_a"/"public_a" style fields */
static FerryPublicKey *
group_key(const gchar *group, const gchar *suffix, GError **error)
{
	g_autofree gchar *keytype_name = g_strconcat("keytype", suffix, NULL);
	g_autofree gchar *public_name = g_strconcat("public", suffix, NULL);
	g_autofree gchar *keytype = field(group, keytype_name);
	g_autofree gchar *scheme = field(group, "scheme");
	g_autofree gchar *public = field(group, public_name);

	g_assert_nonnull(keytype);
	g_assert_nonnull(public);
	return ferry_public_key_new(keytype, scheme, public, error);
}

static FerryPublicKey *
group_key_ok(const gchar *group)
{
	g_autoptr(GError) error = NULL;
	FerryPublicKey *key = group_key(group, "", &error);

	g_assert_no_error(error);
	g_assert_nonnull(key);
	/* nothing left behind for the next caller of ferry_error_set_openssl() */
	g_assert_cmpuint(ERR_peek_error(), ==, 0);
	return key;
}

static GBytes *
group_sig(const gchar *group)
{
	g_autofree gchar *b64 = field(group, "sig");
	gsize len = 0;
	guchar *raw;

	g_assert_nonnull(b64);
	raw = g_base64_decode(b64, &len);
	return g_bytes_new_take(raw, len);
}

static GBytes *
group_data(const gchar *group)
{
	g_autofree gchar *name = field(group, "data");
	g_autofree gchar *path = data_path("signed", name);

	return ferry_test_read_file(path);
}

static gboolean
verify(FerryPublicKey *key, const gchar *method, GBytes *sig, GBytes *data, GError **error)
{
	gsize sig_len = 0;
	gsize data_len = 0;
	const guint8 *sig_data = g_bytes_get_data(sig, &sig_len);
	const guint8 *data_data = g_bytes_get_data(data, &data_len);

	return ferry_public_key_verify(key, method, sig_data, sig_len, data_data, data_len, error);
}

static void
assert_verify_fails(FerryPublicKey *key, const gchar *method, GBytes *sig, GBytes *data, gint code)
{
	g_autoptr(GError) error = NULL;

	g_assert_false(verify(key, method, sig, data, &error));
	g_assert_error(error, FERRY_ERROR, code);
	/* failures leave nothing behind in OpenSSL's thread-local error queue */
	g_assert_cmpuint(ERR_peek_error(), ==, 0);
}

static GBytes *
flip_bit(GBytes *bytes, gsize at)
{
	gsize len = 0;
	guint8 *copy = g_memdup2(g_bytes_get_data(bytes, &len), g_bytes_get_size(bytes));

	g_assert_cmpuint(at, <, len);
	copy[at] ^= 0x01;
	return g_bytes_new_take(copy, len);
}

/* a valid signature: it verifies, also with the method in upper case, and no
 * flipped bit in the signature or the data, nor a shorter signature, passes */
static void
check_valid_signature(const gchar *group, FerryPublicKey *key, const gchar *method, GBytes *sig,
		      GBytes *data)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *upper = g_ascii_strup(method, -1);
	gsize sig_len = g_bytes_get_size(sig);
	gsize positions[] = {0, sig_len / 2, sig_len - 1};
	g_autoptr(GBytes) bad_data = flip_bit(data, g_bytes_get_size(data) / 2);
	g_autoptr(GBytes) short_sig = g_bytes_new_from_bytes(sig, 0, sig_len - 1);

	g_test_message("%s", group);
	g_assert_true(verify(key, method, sig, data, &error));
	g_assert_no_error(error);
	g_assert_true(verify(key, upper, sig, data, &error));
	g_assert_no_error(error);
	for (guint i = 0; i < G_N_ELEMENTS(positions); i++) {
		g_autoptr(GBytes) bad_sig = flip_bit(sig, positions[i]);
		assert_verify_fails(key, method, bad_sig, data, FERRY_ERROR_SIGNATURE);
	}
	assert_verify_fails(key, method, sig, bad_data, FERRY_ERROR_SIGNATURE);
	assert_verify_fails(key, method, short_sig, data, FERRY_ERROR_SIGNATURE);
}

/* every [verify/<family>/...] group: valid ones verify, invalid ones do not */
static void
test_verify_family(gconstpointer user_data)
{
	const gchar *prefix = user_data;
	g_autoptr(GPtrArray) groups = groups_with_prefix(prefix, 3);

	for (guint i = 0; i < groups->len; i++) {
		const gchar *group = groups->pdata[i];
		g_autoptr(FerryPublicKey) key = group_key_ok(group);
		g_autofree gchar *method = field(group, "method");
		g_autofree gchar *expect = field(group, "expect");
		g_autoptr(GBytes) sig = group_sig(group);
		g_autoptr(GBytes) data = group_data(group);

		if (g_strcmp0(expect, "valid") == 0) {
			check_valid_signature(group, key, method, sig, data);
		} else {
			g_assert_cmpstr(expect, ==, "invalid");
			g_test_message("%s (invalid)", group);
			assert_verify_fails(key, method, sig, data, FERRY_ERROR_SIGNATURE);
		}
	}
}

/* how the metadata file writes @s inside a JSON string */
static gchar *
json_escaped(const gchar *s)
{
	g_autoptr(GString) out = g_string_new(NULL);

	for (const gchar *p = s; *p != '\0'; p++) {
		if (*p == '\n')
			g_string_append(out, "\\n");
		else
			g_string_append_c(out, *p);
	}
	return g_string_free(g_steal_pointer(&out), FALSE);
}

static gboolean
shared_file_contains(const gchar *name, const gchar *needle)
{
	g_autofree gchar *path = g_build_filename(ferry_test_shared_dir(), name, NULL);
	g_autoptr(GBytes) file = ferry_test_read_file(path);
	g_autofree gchar *text = g_strndup(g_bytes_get_data(file, NULL), g_bytes_get_size(file));

	return strstr(text, needle) != NULL;
}

/* the fixture's signatures and keys are the shared data's, byte for byte */
static void
test_verify_sources(void)
{
	g_autoptr(GPtrArray) groups = groups_with_prefix("verify/", 20);
	guint checked = 0;

	for (guint i = 0; i < groups->len; i++) {
		g_autofree gchar *source = field(groups->pdata[i], "source");
		g_autofree gchar *keys_source = field(groups->pdata[i], "keys_source");
		g_autofree gchar *sig = field(groups->pdata[i], "sig");
		g_autofree gchar *public = field(groups->pdata[i], "public");
		g_autofree gchar *escaped = json_escaped(public);

		if (source == NULL)
			continue;
		g_assert_nonnull(keys_source);
		g_assert_true(shared_file_contains(source, sig));
		g_assert_true(shared_file_contains(keys_source, escaped));
		checked++;
	}
	/* 7 Uptane vector signatures, 5 Torizon ones */
	g_assert_cmpuint(checked, ==, 12);
}

/* a valid signature checked with another key of the same type */
static void
test_verify_wrong_key(void)
{
	g_autoptr(GPtrArray) groups = groups_with_prefix("verify/", 20);
	guint tried[3] = {0};

	for (guint i = 0; i < groups->len; i++) {
		g_autofree gchar *expect = field(groups->pdata[i], "expect");
		g_autofree gchar *method = field(groups->pdata[i], "method");
		g_autoptr(FerryPublicKey) key = group_key_ok(groups->pdata[i]);
		g_autoptr(GBytes) sig = group_sig(groups->pdata[i]);
		g_autoptr(GBytes) data = group_data(groups->pdata[i]);

		if (g_strcmp0(expect, "valid") != 0)
			continue;
		for (guint j = 0; j < groups->len; j++) {
			g_autoptr(FerryPublicKey) other = group_key_ok(groups->pdata[j]);
			if (ferry_public_key_get_key_type(other) !=
				    ferry_public_key_get_key_type(key) ||
			    ferry_public_key_equal(other, key))
				continue;
			assert_verify_fails(other, method, sig, data, FERRY_ERROR_SIGNATURE);
			tried[ferry_public_key_get_key_type(key)]++;
			break;
		}
	}
	for (guint t = 0; t < G_N_ELEMENTS(tried); t++)
		g_assert_cmpuint(tried[t], >, 0);
}

/* a method that does not fit the key, or that nobody knows: unsupported,
 * whatever the signature (here a valid one for the right method) */
static void
test_verify_wrong_method(void)
{
	const gchar *groups[] = {"verify/securesystemslib/ed25519", "verify/securesystemslib/rsa",
				 "verify/securesystemslib/ecdsa"};
	const gchar *unknown[] = {"rsassa-pss-sha512", "ecdsa-sha2-nistp384", "ed448", "",
				  "ed25519 ",	       "rsassa-pss-sha256\n", NULL};

	for (guint g = 0; g < G_N_ELEMENTS(groups); g++) {
		g_autoptr(FerryPublicKey) key = group_key_ok(groups[g]);
		g_autofree gchar *method = field(groups[g], "method");
		g_autoptr(GBytes) sig = group_sig(groups[g]);
		g_autoptr(GBytes) data = group_data(groups[g]);
		guint fitting = 0;

		for (guint m = 0; m < G_N_ELEMENTS(all_methods); m++) {
			if (ferry_public_key_method_is_compatible(key, all_methods[m])) {
				fitting++;
				continue;
			}
			assert_verify_fails(key, all_methods[m], sig, data,
					    FERRY_ERROR_UNSUPPORTED);
		}
		/* Ed25519 and ECDSA: one method; RSA: PSS (two names) and PKCS#1 v1.5 */
		g_assert_cmpuint(fitting, ==,
				 ferry_public_key_get_key_type(key) == FERRY_KEY_TYPE_RSA ? 3 : 1);
		g_assert_true(ferry_public_key_method_is_compatible(key, method));
		for (guint m = 0; m < G_N_ELEMENTS(unknown); m++) {
			g_assert_false(ferry_public_key_method_is_compatible(key, unknown[m]));
			assert_verify_fails(key, unknown[m], sig, data, FERRY_ERROR_UNSUPPORTED);
		}
	}
}

static void
test_verify_signature_length(void)
{
	g_autoptr(FerryPublicKey) ed = group_key_ok("verify/securesystemslib/ed25519");
	g_autoptr(FerryPublicKey) rsa = group_key_ok("verify/securesystemslib/rsa");
	g_autoptr(GBytes) data = group_data("verify/securesystemslib/rsa");
	g_autoptr(GBytes) ed_sig = group_sig("verify/securesystemslib/ed25519");
	g_autoptr(GBytes) rsa_sig = group_sig("verify/securesystemslib/rsa");
	g_autoptr(GBytes) empty = g_bytes_new(NULL, 0);
	g_autofree guint8 *huge_data = g_malloc0(FERRY_KEY_MAX_SIGNATURE_LENGTH + 1);
	g_autoptr(GBytes) huge = NULL;
	g_autoptr(GByteArray) longer = g_byte_array_new();
	g_autoptr(GBytes) ed_long = NULL;

	/* an RSA signature padded to over the cap with leading zeros */
	memcpy(huge_data + FERRY_KEY_MAX_SIGNATURE_LENGTH + 1 - g_bytes_get_size(rsa_sig),
	       g_bytes_get_data(rsa_sig, NULL), g_bytes_get_size(rsa_sig));
	huge = g_bytes_new_take(g_steal_pointer(&huge_data), FERRY_KEY_MAX_SIGNATURE_LENGTH + 1);
	assert_verify_fails(rsa, "rsassa-pss-sha256", huge, data, FERRY_ERROR_SIGNATURE);
	assert_verify_fails(rsa, "rsassa-pss-sha256", empty, data, FERRY_ERROR_SIGNATURE);
	assert_verify_fails(ed, "ed25519", empty, data, FERRY_ERROR_SIGNATURE);
	g_byte_array_append(longer, g_bytes_get_data(ed_sig, NULL), g_bytes_get_size(ed_sig));
	g_byte_array_append(longer, (const guint8 *)"", 1);
	ed_long = g_byte_array_free_to_bytes(g_steal_pointer(&longer));
	assert_verify_fails(ed, "ed25519", ed_long, data, FERRY_ERROR_SIGNATURE);
}

static FerryKeyIdStyle
style_parse(const gchar *name)
{
	if (g_strcmp0(name, "tuf") == 0)
		return FERRY_KEYID_STYLE_TUF;
	if (g_strcmp0(name, "aktualizr") == 0)
		return FERRY_KEYID_STYLE_AKTUALIZR;
	g_assert_cmpstr(name, ==, "ota-tuf");
	return FERRY_KEYID_STYLE_OTA_TUF;
}

/* [keyid/<style>/...]: the id the other implementation computed */
static void
test_keyid_style(gconstpointer user_data)
{
	const gchar *style_name = user_data;
	g_autofree gchar *prefix = g_strdup_printf("keyid/%s/", style_name);
	g_autoptr(GPtrArray) groups = groups_with_prefix(prefix, 8);

	for (guint i = 0; i < groups->len; i++) {
		const gchar *group = groups->pdata[i];
		g_autoptr(FerryPublicKey) key = group_key_ok(group);
		g_autofree gchar *style = field(group, "style");
		g_autofree gchar *expected = field(group, "keyid");
		g_autofree gchar *keyid = NULL;

		g_test_message("%s", group);
		g_assert_cmpstr(style, ==, style_name);
		keyid = ferry_public_key_compute_keyid(key, style_parse(style));
		g_assert_cmpstr(keyid, ==, expected);
		/* the three conventions never agree */
		for (FerryKeyIdStyle s = FERRY_KEYID_STYLE_TUF; s <= FERRY_KEYID_STYLE_OTA_TUF;
		     s++) {
			g_autofree gchar *other = ferry_public_key_compute_keyid(key, s);
			if (s != style_parse(style))
				g_assert_cmpstr(other, !=, expected);
		}
	}
}

/* a key made from DER has this project's spelling: lowercase hex, or PEM with
 * a trailing newline; securesystemslib spells Ed25519 and ECDSA keys the same
 * way, so their TUF key ids agree, but strips the newline of RSA keys */
static void
test_keyid_normal_form(void)
{
	const struct {
		const gchar *group;
		gboolean same;
	} cases[] = {
		{"keyid/tuf/securesystemslib-ed25519", TRUE},
		{"keyid/tuf/securesystemslib-ecdsa", TRUE},
		{"keyid/tuf/securesystemslib-rsa", FALSE},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(FerryPublicKey) key = group_key_ok(cases[i].group);
		g_autofree gchar *expected = field(cases[i].group, "keyid");
		GBytes *der = ferry_public_key_get_der(key);
		g_autoptr(GError) error = NULL;
		g_autoptr(FerryPublicKey) from_der = ferry_public_key_new_from_der(
			g_bytes_get_data(der, NULL), g_bytes_get_size(der), &error);
		g_autofree gchar *keyid = NULL;

		g_assert_no_error(error);
		keyid = ferry_public_key_compute_keyid(from_der, FERRY_KEYID_STYLE_TUF);
		if (cases[i].same)
			g_assert_cmpstr(keyid, ==, expected);
		else
			g_assert_cmpstr(keyid, !=, expected);
	}
}

static gint
error_code_parse(const gchar *name)
{
	if (g_strcmp0(name, "format") == 0)
		return FERRY_ERROR_FORMAT;
	if (g_strcmp0(name, "too-large") == 0)
		return FERRY_ERROR_TOO_LARGE;
	g_assert_cmpstr(name, ==, "unsupported");
	return FERRY_ERROR_UNSUPPORTED;
}

/* [bad-key/...]: refused with the stated error */
static void
test_parse_bad_keys(void)
{
	g_autoptr(GPtrArray) groups = groups_with_prefix("bad-key/", 30);

	for (guint i = 0; i < groups->len; i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(FerryPublicKey) key = group_key(groups->pdata[i], "", &error);
		g_autofree gchar *code = field(groups->pdata[i], "error");

		g_test_message("%s", (const gchar *)groups->pdata[i]);
		g_assert_null(key);
		g_assert_error(error, FERRY_ERROR, error_code_parse(code));
		g_assert_cmpuint(ERR_peek_error(), ==, 0);
	}
}

/* hex, keytype and scheme spellings that must be refused */
static void
test_parse_bad_spellings(void)
{
	const gchar *hex = "7d30b68fb20906ab09546cb343e8c189e6f5c2c40ea1836e55dbc46037983e52";
	static const struct {
		const gchar *keytype, *scheme, *value;
		gint code;
	} bad[] = {
		{"ed25519", NULL, "", FERRY_ERROR_FORMAT},
		{"ed25519", NULL,
		 "zz30b68fb20906ab09546cb343e8c189e6f5c2c40ea1836e55dbc46037983e52",
		 FERRY_ERROR_FORMAT},
		{"ed25519", NULL, "7d30b68fb20906ab09546cb343e8c189e6f5c2c40ea1836e55dbc46037983e5",
		 FERRY_ERROR_FORMAT},
		{"ed25519", NULL,
		 "7d30b68fb20906ab09546cb343e8c189e6f5c2c40ea1836e55dbc46037983e520",
		 FERRY_ERROR_FORMAT},
		{"ed25519", NULL,
		 "0x30b68fb20906ab09546cb343e8c189e6f5c2c40ea1836e55dbc46037983e52",
		 FERRY_ERROR_FORMAT},
		{"ed25519", NULL,
		 " d30b68fb20906ab09546cb343e8c189e6f5c2c40ea1836e55dbc46037983e52",
		 FERRY_ERROR_FORMAT},
		{"ed25519", NULL,
		 "7d30b68fb20906ab09546cb343e8c189e6f5c2c40ea1836e55dbc46037983e5\n",
		 FERRY_ERROR_FORMAT},
		{"ed25519", NULL,
		 "7d30b68fb20906ab09546cb343e8c189e6f5c2c40ea1836e55dbc46037983e\xc3\xa9",
		 FERRY_ERROR_FORMAT},
		{"ed25519", NULL,
		 "7d30b68fb20906ab09546cb343e8c189e6f5c2c40ea1836e55dbc46037983e527d30b68fb20906ab0"
		 "95"
		 "46cb343e8c189e6f5c2c40ea1836e55dbc46037983e52",
		 FERRY_ERROR_FORMAT},
		{"dsa", NULL, "00", FERRY_ERROR_UNSUPPORTED},
		{"ed448", NULL, "00", FERRY_ERROR_UNSUPPORTED},
		{"", NULL, "00", FERRY_ERROR_UNSUPPORTED},
		{"ed25519 ", NULL, "00", FERRY_ERROR_UNSUPPORTED},
		{"ecdsa-sha2-nistp384", NULL, "00", FERRY_ERROR_UNSUPPORTED},
		{"ED25519", "rsassa-pss-sha256", "00", FERRY_ERROR_UNSUPPORTED},
		{"ed25519", "", "00", FERRY_ERROR_UNSUPPORTED},
		{"rsa", NULL, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
		 FERRY_ERROR_FORMAT},
		{"rsa", NULL, "", FERRY_ERROR_FORMAT},
	};

	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(FerryPublicKey) key =
			ferry_public_key_new(bad[i].keytype, bad[i].scheme, bad[i].value, &error);
		g_test_message("case %u", i);
		g_assert_null(key);
		g_assert_error(error, FERRY_ERROR, bad[i].code);
	}
	/* the good spelling of the same key, for contrast */
	{
		g_autoptr(GError) error = NULL;
		g_autoptr(FerryPublicKey) key = ferry_public_key_new("ed25519", NULL, hex, &error);
		g_assert_no_error(error);
		g_assert_nonnull(key);
	}
}

/* the PEM cap is exact: a valid key padded with newlines up to the cap parses */
static void
test_parse_pem_length_cap(void)
{
	g_autofree gchar *pem = field("verify/cryptography/rsa-pkcs1v15", "public");
	g_autoptr(GString) padded = g_string_new(pem);
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryPublicKey) at_cap = NULL;
	g_autoptr(FerryPublicKey) over_cap = NULL;
	g_autoptr(FerryPublicKey) huge = NULL;
	g_autoptr(GString) garbage = g_string_new("-----BEGIN PUBLIC KEY-----\n");

	while (padded->len < FERRY_KEY_MAX_PEM_LENGTH)
		g_string_append_c(padded, '\n');
	at_cap = ferry_public_key_new("rsa", NULL, padded->str, &error);
	g_assert_no_error(error);
	g_assert_nonnull(at_cap);
	g_string_append_c(padded, '\n');
	over_cap = ferry_public_key_new("rsa", NULL, padded->str, &error);
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE);
	g_assert_null(over_cap);
	g_clear_error(&error);
	/* a megabyte of base64 is refused before it is decoded */
	while (garbage->len < 1024 * 1024)
		g_string_append(
			garbage,
			"QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\n");
	huge = ferry_public_key_new("ecdsa", NULL, garbage->str, &error);
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE);
	g_assert_null(huge);
}

/* keytype and scheme are matched without regard to case and kept as given */
static void
test_parse_keytype_spellings(void)
{
	g_autofree gchar *ed = field("verify/uptane/simple-director-root", "public");
	g_autofree gchar *rsa = field("verify/cryptography/rsa-pkcs1v15", "public");
	g_autofree gchar *ec = field("verify/cryptography/ecdsa", "public");
	const struct {
		const gchar *keytype, *scheme, *value;
		FerryKeyType type;
	} good[] = {
		{"ed25519", NULL, ed, FERRY_KEY_TYPE_ED25519},
		{"ED25519", "ED25519", ed, FERRY_KEY_TYPE_ED25519},
		{"Ed25519", "ed25519", ed, FERRY_KEY_TYPE_ED25519},
		{"rsa", NULL, rsa, FERRY_KEY_TYPE_RSA},
		{"RSA", "rsassa-pss-sha256", rsa, FERRY_KEY_TYPE_RSA},
		{"Rsa", "RSASSA-PSS", rsa, FERRY_KEY_TYPE_RSA},
		{"rsa", "rsa-pkcs1v15-sha256", rsa, FERRY_KEY_TYPE_RSA},
		{"ecdsa", NULL, ec, FERRY_KEY_TYPE_ECDSA_P256},
		{"ECDSA", "ecdsa-sha2-nistp256", ec, FERRY_KEY_TYPE_ECDSA_P256},
		{"ecdsa-sha2-nistp256", NULL, ec, FERRY_KEY_TYPE_ECDSA_P256},
		{"ECPRIME256V1", "ECDSA-SHA2-NISTP256", ec, FERRY_KEY_TYPE_ECDSA_P256},
	};

	for (guint i = 0; i < G_N_ELEMENTS(good); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(FerryPublicKey) key = ferry_public_key_new(
			good[i].keytype, good[i].scheme, good[i].value, &error);
		g_assert_no_error(error);
		g_assert_cmpint(ferry_public_key_get_key_type(key), ==, good[i].type);
		g_assert_cmpstr(ferry_public_key_get_keytype(key), ==, good[i].keytype);
		g_assert_cmpstr(ferry_public_key_get_scheme(key), ==, good[i].scheme);
		g_assert_cmpstr(ferry_public_key_get_public_value(key), ==, good[i].value);
	}
}

/* a key whose PEM is wrapped in base64 lines: its DER */
static GBytes *
pem_body_der(const gchar *pem)
{
	g_auto(GStrv) lines = g_strsplit(pem, "\n", -1);
	g_autoptr(GString) body = g_string_new(NULL);
	gsize len = 0;
	guchar *der;

	for (guint i = 0; lines[i] != NULL; i++) {
		if (!g_str_has_prefix(lines[i], "-----"))
			g_string_append(body, lines[i]);
	}
	der = g_base64_decode(body->str, &len);
	return g_bytes_new_take(der, len);
}

/* @key to DER and back: the same key, in this project's spelling */
static void
check_der_round_trip(FerryPublicKey *key)
{
	GBytes *der = ferry_public_key_get_der(key);
	FerryKeyType type = ferry_public_key_get_key_type(key);
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryPublicKey) again = ferry_public_key_new_from_der(
		g_bytes_get_data(der, NULL), g_bytes_get_size(der), &error);
	g_autoptr(FerryPublicKey) reparsed = NULL;
	g_autoptr(GByteArray) trailing = g_byte_array_new();
	g_autoptr(FerryPublicKey) refused = NULL;
	g_autofree gchar *id1 = ferry_public_key_compute_keyid(key, FERRY_KEYID_STYLE_OTA_TUF);
	g_autofree gchar *id2 = NULL;

	g_assert_no_error(error);
	g_assert_true(ferry_public_key_equal(key, again));
	g_assert_cmpint(ferry_public_key_get_key_type(again), ==, type);
	g_assert_cmpstr(ferry_public_key_get_keytype(again), ==, ferry_key_type_to_string(type));
	g_assert_cmpstr(ferry_public_key_get_scheme(again), ==,
			ferry_key_type_get_default_scheme(type));
	id2 = ferry_public_key_compute_keyid(again, FERRY_KEYID_STYLE_OTA_TUF);
	g_assert_cmpstr(id1, ==, id2);
	/* the normal form is a spelling metadata may carry */
	reparsed = ferry_public_key_new(ferry_public_key_get_keytype(again),
					ferry_public_key_get_scheme(again),
					ferry_public_key_get_public_value(again), &error);
	g_assert_no_error(error);
	g_assert_true(ferry_public_key_equal(key, reparsed));
	/* nothing may follow the DER */
	g_byte_array_append(trailing, g_bytes_get_data(der, NULL), g_bytes_get_size(der));
	g_byte_array_append(trailing, (const guint8 *)"", 1);
	refused = ferry_public_key_new_from_der(trailing->data, trailing->len, &error);
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT);
	g_assert_null(refused);
}

static void
assert_der_refused(const guint8 *der, gsize der_len, gint code)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryPublicKey) key = ferry_public_key_new_from_der(der, der_len, &error);

	g_assert_null(key);
	g_assert_error(error, FERRY_ERROR, code);
}

static void
test_parse_der(void)
{
	g_autoptr(GPtrArray) groups = groups_with_prefix("verify/", 20);
	/* an X25519 key: a SubjectPublicKeyInfo of an algorithm we do not verify with */
	static const guint8 x25519[] = {0x30,
					0x2a,
					0x30,
					0x05,
					0x06,
					0x03,
					0x2b,
					0x65,
					0x6e,
					0x03,
					0x21,
					0x00,
					[12 ... 43] = 0x09};
	g_autofree gchar *p384_pem = field("bad-key/ecdsa-p384", "public");
	g_autoptr(GBytes) p384 = pem_body_der(p384_pem);

	for (guint i = 0; i < groups->len; i++) {
		g_autoptr(FerryPublicKey) key = group_key_ok(groups->pdata[i]);
		check_der_round_trip(key);
	}
	assert_der_refused(x25519, sizeof(x25519), FERRY_ERROR_UNSUPPORTED);
	assert_der_refused(g_bytes_get_data(p384, NULL), g_bytes_get_size(p384),
			   FERRY_ERROR_UNSUPPORTED);
	assert_der_refused((const guint8 *)"\x30\x03\x02\x01\x00", 5, FERRY_ERROR_FORMAT);
	assert_der_refused(NULL, 0, FERRY_ERROR_FORMAT);
}

/* [equal/...]: two spellings, one key (or not) */
static void
test_parse_equal(void)
{
	g_autoptr(GPtrArray) groups = groups_with_prefix("equal/", 4);

	for (guint i = 0; i < groups->len; i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(FerryPublicKey) a = group_key(groups->pdata[i], "_a", &error);
		g_autoptr(FerryPublicKey) b = NULL;
		g_autofree gchar *equal = field(groups->pdata[i], "equal");

		g_assert_no_error(error);
		b = group_key(groups->pdata[i], "_b", &error);
		g_assert_no_error(error);
		g_assert_true(ferry_public_key_equal(a, a));
		g_assert_cmpint(ferry_public_key_equal(a, b), ==, g_strcmp0(equal, "true") == 0);
		g_assert_cmpint(ferry_public_key_equal(b, a), ==, g_strcmp0(equal, "true") == 0);
	}
}

/* OpenSSL told the exact salt length, not left to find it */
static gboolean
rsa_pss_verify_with_salt(FerryPublicKey *key, GBytes *sig, const gchar *message, int salt)
{
	GBytes *der = ferry_public_key_get_der(key);
	const guint8 *p = g_bytes_get_data(der, NULL);
	g_autoptr(EVP_PKEY) pkey = d2i_PUBKEY(NULL, &p, (long)g_bytes_get_size(der));
	g_autoptr(EVP_MD_CTX) ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL; /* owned by ctx */
	int rc;

	g_assert_nonnull(pkey);
	g_assert_cmpint(EVP_DigestVerifyInit(ctx, &pctx, EVP_sha256(), NULL, pkey), ==, 1);
	g_assert_cmpint(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING), ==, 1);
	g_assert_cmpint(EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()), ==, 1);
	g_assert_cmpint(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, salt), ==, 1);
	rc = EVP_DigestVerify(ctx, g_bytes_get_data(sig, NULL), g_bytes_get_size(sig),
			      (const guint8 *)message, strlen(message));
	ERR_clear_error();
	return rc == 1;
}

static void
check_signature_shape(FerryKeyType type, FerryPublicKey *pub, GBytes *sig, FerrySigner *signer)
{
	const gchar *msg = "{\"signed\":true}";
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) again = NULL;

	switch (type) {
	case FERRY_KEY_TYPE_ED25519:
		/* deterministic */
		again = ferry_signer_sign(signer, (const guint8 *)msg, strlen(msg), &error);
		g_assert_no_error(error);
		g_assert_cmpuint(g_bytes_get_size(sig), ==, 64);
		g_assert_true(g_bytes_equal(sig, again));
		break;
	case FERRY_KEY_TYPE_RSA:
		/* RSA-3072, PSS with a 32-byte salt exactly */
		g_assert_cmpuint(g_bytes_get_size(sig), ==, 384);
		g_assert_true(rsa_pss_verify_with_salt(pub, sig, msg, 32));
		g_assert_false(rsa_pss_verify_with_salt(pub, sig, msg, 0));
		g_assert_false(rsa_pss_verify_with_salt(pub, sig, msg, 384 - 32 - 2));
		break;
	case FERRY_KEY_TYPE_ECDSA_P256:
		/* a DER SEQUENCE of two INTEGERs */
		g_assert_cmpuint(((const guint8 *)g_bytes_get_data(sig, NULL))[0], ==, 0x30);
		g_assert_cmpuint(g_bytes_get_size(sig), <=, 72);
		break;
	default:
		g_assert_not_reached();
	}
}

static void
test_sign_round_trip(void)
{
	const FerryKeyType types[] = {FERRY_KEY_TYPE_ED25519, FERRY_KEY_TYPE_RSA,
				      FERRY_KEY_TYPE_ECDSA_P256};
	const gchar *msg = "{\"signed\":true}";
	g_autofree gchar *dir = ferry_test_mkdtemp();

	for (guint i = 0; i < G_N_ELEMENTS(types); i++) {
		g_autofree gchar *path = g_strdup_printf("%s/key%u.pem", dir, i);
		g_autoptr(GError) error = NULL;
		g_autoptr(FerryPublicKey) pub = NULL;
		g_autoptr(FerrySigner) signer = NULL;
		g_autoptr(GBytes) sig = NULL;
		g_autoptr(FerryPublicKey) as_metadata = NULL;
		g_autoptr(GBytes) contents = NULL;
		GStatBuf st;

		g_assert_true(ferry_key_generate_file(types[i], 0, path, &pub, &error));
		g_assert_no_error(error);
		g_assert_cmpint(g_stat(path, &st), ==, 0);
		g_assert_cmpint(st.st_mode & 07777, ==, 0600);
		contents = ferry_test_read_file(path);
		g_assert_true(g_str_has_prefix(g_bytes_get_data(contents, NULL),
					       "-----BEGIN PRIVATE KEY-----\n"));
		signer = ferry_signer_new_from_file(path, &error);
		g_assert_no_error(error);
		g_assert_true(ferry_public_key_equal(pub, ferry_signer_get_public_key(signer)));
		g_assert_cmpstr(ferry_signer_get_method(signer), ==,
				ferry_key_type_get_default_scheme(types[i]));
		sig = ferry_signer_sign(signer, (const guint8 *)msg, strlen(msg), &error);
		g_assert_no_error(error);
		/* as a verifier meets the key: in metadata, keytype and public value */
		as_metadata = ferry_public_key_new(ferry_key_type_to_string(types[i]), NULL,
						   ferry_public_key_get_public_value(pub), &error);
		g_assert_no_error(error);
		g_assert_true(ferry_public_key_verify(
			as_metadata, ferry_signer_get_method(signer), g_bytes_get_data(sig, NULL),
			g_bytes_get_size(sig), (const guint8 *)msg, strlen(msg), &error));
		g_assert_no_error(error);
		check_signature_shape(types[i], pub, sig, signer);
	}
	ferry_test_rm_rf(dir);
}

/* a copy of private/<name> that only its owner may read */
static gchar *
private_copy(const gchar *dir, const gchar *name)
{
	g_autofree gchar *src = data_path("private", name);
	g_autoptr(GBytes) bytes = ferry_test_read_file(src);
	gchar *dst = g_build_filename(dir, name, NULL);
	g_autoptr(GError) error = NULL;

	g_file_set_contents(dst, g_bytes_get_data(bytes, NULL), (gssize)g_bytes_get_size(bytes),
			    &error);
	g_assert_no_error(error);
	g_assert_cmpint(g_chmod(dst, 0600), ==, 0);
	return dst;
}

static void
check_python_signer(const gchar *group, FerrySigner *signer)
{
	g_autoptr(FerryPublicKey) expected = group_key_ok(group);
	g_autofree gchar *method = field(group, "method");
	g_autofree gchar *message = field(group, "message");
	const gchar *msg = message != NULL ? message : "message";
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) sig = NULL;
	g_autoptr(GBytes) data = g_bytes_new(msg, strlen(msg));

	g_assert_true(ferry_public_key_equal(expected, ferry_signer_get_public_key(signer)));
	g_assert_cmpstr(ferry_signer_get_method(signer), ==, method);
	sig = ferry_signer_sign(signer, (const guint8 *)msg, strlen(msg), &error);
	g_assert_no_error(error);
	g_assert_true(verify(expected, method, sig, data, &error));
	g_assert_no_error(error);
	if (message != NULL) {
		/* Ed25519 is deterministic: the very signature cryptography made */
		g_autoptr(GBytes) python_sig = group_sig(group);
		g_assert_true(g_bytes_equal(sig, python_sig));
	}
}

/* [private/...]: PKCS#8 files written by cryptography */
static void
test_sign_python_keys(void)
{
	g_autoptr(GPtrArray) groups = groups_with_prefix("private/", 8);
	g_autofree gchar *dir = ferry_test_mkdtemp();

	for (guint i = 0; i < groups->len; i++) {
		const gchar *group = groups->pdata[i];
		g_autofree gchar *file = field(group, "file");
		g_autofree gchar *code = field(group, "error");
		g_autofree gchar *path = private_copy(dir, file);
		g_autoptr(GError) error = NULL;
		g_autoptr(FerrySigner) signer = ferry_signer_new_from_file(path, &error);

		g_test_message("%s", group);
		if (code != NULL) {
			g_assert_error(error, FERRY_ERROR, error_code_parse(code));
			g_assert_null(signer);
			g_assert_cmpuint(ERR_peek_error(), ==, 0);
			continue;
		}
		g_assert_no_error(error);
		check_python_signer(group, signer);
	}
	ferry_test_rm_rf(dir);
}

typedef struct {
	guint signs;
	guint finalized;
} CustomState;

static GBytes *
custom_sign(FerrySigner *self, const guint8 *data, gsize data_len, GError **error)
{
	CustomState *state = ferry_signer_get_priv(self);

	state->signs++;
	if (data_len == 0) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FAILED, "token removed");
		return NULL;
	}
	return g_bytes_new(data, data_len);
}

static void
custom_finalize(FerrySigner *self)
{
	CustomState *state = ferry_signer_get_priv(self);

	state->finalized++;
}

static const FerrySignerVTable custom_vtable = {custom_sign, custom_finalize};

static void
test_signer_custom(void)
{
	g_autoptr(FerryPublicKey) key = group_key_ok("verify/securesystemslib/ecdsa");
	CustomState state = {0};
	FerrySigner *signer =
		ferry_signer_new_custom(&custom_vtable, key, "ecdsa-sha2-nistp256", &state);
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) sig = NULL;
	FerrySigner *refused;

	g_assert_true(ferry_signer_get_public_key(signer) == key);
	g_assert_cmpstr(ferry_signer_get_method(signer), ==, "ecdsa-sha2-nistp256");
	g_assert_true(ferry_signer_get_priv(signer) == &state);
	sig = ferry_signer_sign(signer, (const guint8 *)"abc", 3, &error);
	g_assert_no_error(error);
	g_assert_cmpmem(g_bytes_get_data(sig, NULL), g_bytes_get_size(sig), "abc", 3);
	g_assert_null(ferry_signer_sign(signer, (const guint8 *)"", 0, &error));
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_FAILED);
	g_assert_cmpuint(state.signs, ==, 2);
	/* finalize runs once, on the last unref; the signer holds its own key ref */
	ferry_signer_ref(signer);
	ferry_signer_unref(signer);
	g_assert_cmpuint(state.finalized, ==, 0);
	g_clear_pointer(&key, ferry_public_key_unref);
	g_assert_nonnull(ferry_public_key_get_public_value(ferry_signer_get_public_key(signer)));
	ferry_signer_unref(signer);
	g_assert_cmpuint(state.finalized, ==, 1);

	/* a method the key cannot produce is a programming error */
	key = group_key_ok("verify/securesystemslib/ed25519");
	g_test_expect_message(NULL, G_LOG_LEVEL_CRITICAL, "*method_is_compatible*");
	refused = ferry_signer_new_custom(&custom_vtable, key, "rsassa-pss-sha256", &state);
	g_test_assert_expected_messages();
	g_assert_null(refused);
}

static void
test_files_generate_refusals(void)
{
	g_autofree gchar *dir = ferry_test_mkdtemp();
	g_autofree gchar *path = g_build_filename(dir, "key.pem", NULL);
	g_autofree gchar *link = g_build_filename(dir, "link.pem", NULL);
	g_autofree gchar *target = g_build_filename(dir, "target.pem", NULL);
	const gchar *precious = "precious, not a key\n";
	FerryPublicKey *sentinel = (FerryPublicKey *)&sentinel;
	FerryPublicKey *pub = sentinel;
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) after = NULL;

	/* an existing file is neither replaced nor touched */
	g_assert_true(g_file_set_contents(path, precious, -1, NULL));
	g_assert_false(ferry_key_generate_file(FERRY_KEY_TYPE_RSA, 0, path, &pub, &error));
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_IO);
	g_clear_error(&error);
	g_assert_true(pub == sentinel);
	after = ferry_test_read_file(path);
	g_assert_cmpmem(g_bytes_get_data(after, NULL), g_bytes_get_size(after), precious,
			strlen(precious));
	/* nor a dangling link followed */
	g_assert_cmpint(symlink(target, link), ==, 0);
	g_assert_false(ferry_key_generate_file(FERRY_KEY_TYPE_ED25519, 0, link, NULL, &error));
	g_assert_nonnull(error);
	g_clear_error(&error);
	g_assert_false(g_file_test(target, G_FILE_TEST_EXISTS));
	/* RSA below 3072 bits, or absurdly large, is not generated, and no file left */
	g_assert_cmpint(g_unlink(path), ==, 0);
	g_assert_false(ferry_key_generate_file(FERRY_KEY_TYPE_RSA, 2048, path, &pub, &error));
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT);
	g_clear_error(&error);
	g_assert_false(ferry_key_generate_file(FERRY_KEY_TYPE_RSA, 16384, path, &pub, &error));
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT);
	g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
	g_assert_true(pub == sentinel);
	ferry_test_rm_rf(dir);
}

/* a write that fails half way (file size limit) leaves no file behind */
static void
test_files_write_failure(void)
{
	if (g_test_subprocess()) {
		g_autofree gchar *dir = ferry_test_mkdtemp();
		g_autofree gchar *path = g_build_filename(dir, "key.pem", NULL);
		struct rlimit limit = {.rlim_cur = 64, .rlim_max = 64};
		g_autoptr(GError) error = NULL;
		gboolean ok;

		signal(SIGXFSZ, SIG_IGN);
		g_assert_cmpint(setrlimit(RLIMIT_FSIZE, &limit), ==, 0);
		ok = ferry_key_generate_file(FERRY_KEY_TYPE_ED25519, 0, path, NULL, &error);
		g_assert_false(ok);
		g_assert_error(error, FERRY_ERROR, FERRY_ERROR_IO);
		g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
		ferry_test_rm_rf(dir);
		return;
	}
	g_test_trap_subprocess(NULL, 0, 0);
	g_test_trap_assert_passed();
}

static void
assert_key_file_refused(const gchar *path, gint code)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(FerrySigner) signer = ferry_signer_new_from_file(path, &error);

	g_assert_null(signer);
	g_assert_error(error, FERRY_ERROR, code);
}

static void
test_files_refused(void)
{
	g_autofree gchar *dir = ferry_test_mkdtemp();
	g_autofree gchar *path = g_build_filename(dir, "k.pem", NULL);
	g_autofree gchar *link = g_build_filename(dir, "link.pem", NULL);
	g_autofree gchar *fifo = g_build_filename(dir, "fifo.pem", NULL);
	g_autofree gchar *big = g_build_filename(dir, "big.pem", NULL);
	g_autofree gchar *empty = g_build_filename(dir, "empty.pem", NULL);
	g_autofree gchar *missing = g_build_filename(dir, "missing.pem", NULL);
	g_autofree gchar *filler = g_strnfill(64 * 1024 + 1, '\n');
	const guint modes[] = {0640, 0604, 0620, 0602, 0610, 0601, 0644};
	g_autoptr(GError) error = NULL;
	g_autoptr(FerrySigner) owner_only = NULL;

	g_assert_true(ferry_key_generate_file(FERRY_KEY_TYPE_ED25519, 0, path, NULL, &error));
	g_assert_no_error(error);
	for (guint i = 0; i < G_N_ELEMENTS(modes); i++) {
		g_assert_cmpint(g_chmod(path, modes[i]), ==, 0);
		assert_key_file_refused(path, FERRY_ERROR_INVALID_ARGUMENT);
	}
	g_assert_cmpint(g_chmod(path, 0400), ==, 0);
	owner_only = ferry_signer_new_from_file(path, &error);
	g_assert_no_error(error);
	g_assert_cmpint(symlink(path, link), ==, 0);
	assert_key_file_refused(link, FERRY_ERROR_IO);
	assert_key_file_refused(dir, FERRY_ERROR_INVALID_ARGUMENT);
	g_assert_cmpint(mkfifo(fifo, 0600), ==, 0);
	assert_key_file_refused(fifo, FERRY_ERROR_INVALID_ARGUMENT);
	g_assert_true(g_file_set_contents(big, filler, -1, NULL));
	g_assert_cmpint(g_chmod(big, 0600), ==, 0);
	assert_key_file_refused(big, FERRY_ERROR_TOO_LARGE);
	g_assert_true(g_file_set_contents(empty, "", 0, NULL));
	g_assert_cmpint(g_chmod(empty, 0600), ==, 0);
	assert_key_file_refused(empty, FERRY_ERROR_FORMAT);
	assert_key_file_refused(missing, FERRY_ERROR_NOT_FOUND);
	ferry_test_rm_rf(dir);
}

int
main(int argc, char **argv)
{
	g_autofree gchar *ini = NULL;
	g_autoptr(GError) error = NULL;
	int rc;

	g_test_init(&argc, &argv, NULL);
	ini = data_path(".", "keys.ini");
	vectors = g_key_file_new();
	if (!g_key_file_load_from_file(vectors, ini, G_KEY_FILE_NONE, &error))
		g_error("loading %s: %s", ini, error->message);

	g_test_add_data_func("/keys/verify/uptane-vectors", "verify/uptane/", test_verify_family);
	g_test_add_data_func("/keys/verify/torizon", "verify/torizon/", test_verify_family);
	g_test_add_data_func("/keys/verify/securesystemslib", "verify/securesystemslib/",
			     test_verify_family);
	g_test_add_data_func("/keys/verify/cryptography", "verify/cryptography/",
			     test_verify_family);
	g_test_add_data_func("/keys/verify/pynacl", "verify/pynacl/", test_verify_family);
	g_test_add_func("/keys/verify/fixtures-match-shared-data", test_verify_sources);
	g_test_add_func("/keys/verify/wrong-key", test_verify_wrong_key);
	g_test_add_func("/keys/verify/wrong-method", test_verify_wrong_method);
	g_test_add_func("/keys/verify/signature-length", test_verify_signature_length);
	g_test_add_data_func("/keys/keyid/tuf", "tuf", test_keyid_style);
	g_test_add_data_func("/keys/keyid/aktualizr", "aktualizr", test_keyid_style);
	g_test_add_data_func("/keys/keyid/ota-tuf", "ota-tuf", test_keyid_style);
	g_test_add_func("/keys/keyid/normal-form", test_keyid_normal_form);
	g_test_add_func("/keys/parse/bad-keys", test_parse_bad_keys);
	g_test_add_func("/keys/parse/bad-spellings", test_parse_bad_spellings);
	g_test_add_func("/keys/parse/pem-length-cap", test_parse_pem_length_cap);
	g_test_add_func("/keys/parse/keytype-spellings", test_parse_keytype_spellings);
	g_test_add_func("/keys/parse/der", test_parse_der);
	g_test_add_func("/keys/parse/equal", test_parse_equal);
	g_test_add_func("/keys/sign/round-trip", test_sign_round_trip);
	g_test_add_func("/keys/sign/python-keys", test_sign_python_keys);
	g_test_add_func("/keys/signer/custom", test_signer_custom);
	g_test_add_func("/keys/files/generate-refusals", test_files_generate_refusals);
	g_test_add_func("/keys/files/write-failure-leaves-nothing", test_files_write_failure);
	g_test_add_func("/keys/files/refused", test_files_refused);
	rc = g_test_run();
	g_key_file_unref(vectors);
	return rc;
}
