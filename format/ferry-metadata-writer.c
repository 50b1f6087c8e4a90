/*
 * ferry — writing signed metadata; see ferry-metadata-writer.h.
 */
#include "ferry-metadata-writer.h"

#include <string.h>

#include "ferry-error.h"
#include "ferry-metadata.h"

FerryJsonValue *
ferry_metadata_writer_new_signed(FerryJsonDoc *doc, const gchar *type, gint64 version,
				 gint64 expires)
{
	FerryJsonValue *s = ferry_json_new_object(doc);
	g_autofree gchar *exp = ferry_format_iso8601(expires);

	ferry_json_object_set(doc, s, "_type", ferry_json_new_string(doc, type));
	ferry_json_object_set(doc, s, "spec_version",
			      ferry_json_new_string(doc, FERRY_SPEC_VERSION));
	ferry_json_object_set(doc, s, "version", ferry_json_new_int(doc, version));
	ferry_json_object_set(doc, s, "expires", ferry_json_new_string(doc, exp));
	return s;
}

static const gchar *
keytype_name(FerryPublicKey *key)
{
	return ferry_key_type_to_string(ferry_public_key_get_key_type(key));
}

static const gchar *
scheme_name(FerryPublicKey *key)
{
	switch (ferry_public_key_get_key_type(key)) {
	case FERRY_KEY_TYPE_ED25519:
		return "ed25519";
	case FERRY_KEY_TYPE_RSA:
		return "rsassa-pss-sha256";
	default:
		return "ecdsa-sha2-nistp256";
	}
}

FerryJsonValue *
ferry_metadata_writer_key(FerryJsonDoc *doc, FerryPublicKey *key)
{
	FerryJsonValue *k = ferry_json_new_object(doc);
	FerryJsonValue *kv = ferry_json_new_object(doc);

	ferry_json_object_set(doc, kv, "public",
			      ferry_json_new_string(doc, ferry_public_key_get_public_value(key)));
	ferry_json_object_set(doc, k, "keytype", ferry_json_new_string(doc, keytype_name(key)));
	ferry_json_object_set(doc, k, "scheme", ferry_json_new_string(doc, scheme_name(key)));
	ferry_json_object_set(doc, k, "keyval", kv);
	return k;
}

/* the key id of @key as the metadata we write spells it */
static gchar *
writer_keyid(FerryPublicKey *key)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryPublicKey) spelled =
		ferry_public_key_new(keytype_name(key), scheme_name(key),
				     ferry_public_key_get_public_value(key), &error);

	g_assert_no_error(error); /* a key we hold always re-parses */
	return ferry_public_key_compute_keyid(spelled, FERRY_KEYID_STYLE_TUF);
}

void
ferry_metadata_writer_add_role_key(FerryJsonDoc *doc, FerryJsonValue *root, const gchar *role,
				   FerryPublicKey *key, gint64 threshold)
{
	g_autofree gchar *keyid = writer_keyid(key);
	FerryJsonValue *keys = ferry_json_object_get(root, "keys");
	FerryJsonValue *roles = ferry_json_object_get(root, "roles");
	FerryJsonValue *r, *ids;

	if (keys == NULL) {
		keys = ferry_json_new_object(doc);
		ferry_json_object_set(doc, root, "keys", keys);
	}
	if (roles == NULL) {
		roles = ferry_json_new_object(doc);
		ferry_json_object_set(doc, root, "roles", roles);
	}
	ferry_json_object_set(doc, keys, keyid, ferry_metadata_writer_key(doc, key));
	r = ferry_json_object_get(roles, role);
	if (r == NULL) {
		r = ferry_json_new_object(doc);
		ferry_json_object_set(doc, r, "keyids", ferry_json_new_array(doc));
		ferry_json_object_set(doc, r, "threshold", ferry_json_new_int(doc, threshold));
		ferry_json_object_set(doc, roles, role, r);
	}
	ids = ferry_json_object_get(r, "keyids");
	ferry_json_array_append(doc, ids, ferry_json_new_string(doc, keyid));
}

GBytes *
ferry_metadata_writer_sign(const FerryJsonValue *signed_obj, GPtrArray *signers, GError **error)
{
	g_autoptr(FerryJsonDoc) doc = ferry_json_doc_new();
	g_autoptr(GBytes) canon = ferry_json_canonicalize(signed_obj, FERRY_JSON_CANON_OLPC, error);
	FerryJsonValue *env = ferry_json_new_object(doc);
	FerryJsonValue *sigs = ferry_json_new_array(doc);
	g_autofree gchar *text = NULL;

	if (canon == NULL)
		return NULL;
	for (guint i = 0; i < signers->len; i++) {
		FerrySigner *signer = signers->pdata[i];
		g_autoptr(GBytes) sig = ferry_signer_sign(signer, g_bytes_get_data(canon, NULL),
							  g_bytes_get_size(canon), error);
		g_autofree gchar *keyid = NULL;
		g_autoptr(GString) hex = g_string_new(NULL);
		FerryJsonValue *s = ferry_json_new_object(doc);
		const guint8 *d;

		if (sig == NULL)
			return NULL;
		d = g_bytes_get_data(sig, NULL);
		for (gsize j = 0; j < g_bytes_get_size(sig); j++)
			g_string_append_printf(hex, "%02x", d[j]);
		keyid = writer_keyid(ferry_signer_get_public_key(signer));
		ferry_json_object_set(doc, s, "keyid", ferry_json_new_string(doc, keyid));
		ferry_json_object_set(doc, s, "sig", ferry_json_new_string(doc, hex->str));
		ferry_json_array_append(doc, sigs, s);
	}
	ferry_json_object_set(doc, env, "signatures", sigs);
	ferry_json_object_set(doc, env, "signed", ferry_json_copy(doc, signed_obj));
	text = ferry_json_to_string(env, TRUE);
	{
		gsize len = strlen(text);
		return g_bytes_new_take(g_steal_pointer(&text), len);
	}
}

FerryJsonValue *
ferry_metadata_writer_meta_entry(FerryJsonDoc *doc, gint64 version, GBytes *bytes)
{
	FerryJsonValue *e = ferry_json_new_object(doc);
	FerryJsonValue *hashes = ferry_json_new_object(doc);
	g_autofree gchar *sha = g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, bytes);

	ferry_json_object_set(doc, hashes, "sha256", ferry_json_new_string(doc, sha));
	ferry_json_object_set(doc, e, "version", ferry_json_new_int(doc, version));
	ferry_json_object_set(doc, e, "length",
			      ferry_json_new_int(doc, (gint64)g_bytes_get_size(bytes)));
	ferry_json_object_set(doc, e, "hashes", hashes);
	return e;
}
