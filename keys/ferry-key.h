/*
 * ferry — public keys of the Uptane/TUF ecosystem, signature verification and
 * key ids.
 *
 * Accepted spellings (keytype, scheme):
 *   ED25519 / ed25519            keyval.public: 64 lowercase/uppercase hex chars
 *   RSA / rsa                    keyval.public: PEM SubjectPublicKeyInfo, >= 2048 bits
 *   ECDSA P-256: keytype "ecdsa", "ecdsa-sha2-nistp256", "ECPRIME256V1";
 *                keyval.public: PEM SubjectPublicKeyInfo on prime256v1
 * The scheme, when given, must be compatible with the key type.
 *
 * Signature methods (FerryPublicKey verify):
 *   ed25519
 *   rsassa-pss-sha256, rsassa-pss (legacy; PSS, SHA-256, MGF1-SHA-256, salt
 *                length recovered from the signature)
 *   rsa-pkcs1v15-sha256
 *   ecdsa-sha2-nistp256 (DER-encoded ECDSA signature over SHA-256)
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
	FERRY_KEY_TYPE_ED25519,
	FERRY_KEY_TYPE_RSA,
	FERRY_KEY_TYPE_ECDSA_P256,
} FerryKeyType;

/* How a key id is derived when we write metadata (never as a check on read). */
typedef enum {
	FERRY_KEYID_STYLE_TUF,	     /* python-tuf: sha256 of the canonical key object */
	FERRY_KEYID_STYLE_AKTUALIZR, /* sha256 of the key's public value as a JSON string */
	FERRY_KEYID_STYLE_OTA_TUF,   /* ota-tuf: sha256 of the DER SubjectPublicKeyInfo */
} FerryKeyIdStyle;

/* Caps on hostile input. */
#define FERRY_KEY_MAX_PEM_LENGTH       (16 * 1024) /* keyval.public of an RSA/ECDSA key */
#define FERRY_KEY_MAX_SIGNATURE_LENGTH 1024	   /* an RSA-8192 signature */
#define FERRY_KEY_MIN_RSA_BITS	       2048
#define FERRY_KEY_MAX_RSA_BITS	       8192

typedef struct _FerryPublicKey FerryPublicKey;

/**
 * ferry_key_type_get_default_scheme:
 *
 * Returns: (transfer none): "ed25519", "rsassa-pss-sha256" or
 * "ecdsa-sha2-nistp256": the scheme this project writes for @type, the method
 * its signers produce, and the scheme assumed where metadata names none.
 */
const gchar *
ferry_key_type_get_default_scheme(FerryKeyType type);

/* "ed25519", "rsa" or "ecdsa": the TUF 1.0 keytype names; (transfer none) */
const gchar *
ferry_key_type_to_string(FerryKeyType type);

/**
 * ferry_public_key_new:
 * @keytype: the "keytype" field, any accepted spelling
 * @scheme: (nullable): the "scheme" field, or %NULL when absent (aktualizr)
 * @public_value: the "keyval.public" string
 * @error: FERRY_ERROR_UNSUPPORTED for an unknown type/scheme or a weak key,
 *   FERRY_ERROR_FORMAT for a value that does not parse
 *
 * Returns: (transfer full): a new key, or %NULL
 */
FerryPublicKey *
ferry_public_key_new(const gchar *keytype, const gchar *scheme, const gchar *public_value,
		     GError **error) G_GNUC_WARN_UNUSED_RESULT;

/**
 * ferry_public_key_new_from_der:
 * @der: SubjectPublicKeyInfo DER
 *
 * Returns: (transfer full): a new key (scheme set to the type's default), or %NULL
 */
FerryPublicKey *
ferry_public_key_new_from_der(const guint8 *der, gsize der_len,
			      GError **error) G_GNUC_WARN_UNUSED_RESULT;

FerryPublicKey *
ferry_public_key_ref(FerryPublicKey *self);
void
ferry_public_key_unref(FerryPublicKey *self);

FerryKeyType
ferry_public_key_get_key_type(const FerryPublicKey *self);

/* The keytype / scheme strings as given to _new (scheme may be NULL); transfer none. */
const gchar *
ferry_public_key_get_keytype(const FerryPublicKey *self);
const gchar *
ferry_public_key_get_scheme(const FerryPublicKey *self);

/**
 * ferry_public_key_get_public_value:
 *
 * Returns: (transfer none): the keyval.public string exactly as given to
 * ferry_public_key_new() (key ids hash that spelling); for keys made from DER,
 * this project's normal form: lowercase hex for Ed25519, PEM SPKI with a
 * trailing newline for RSA and ECDSA.
 */
const gchar *
ferry_public_key_get_public_value(const FerryPublicKey *self);

/**
 * ferry_public_key_get_der:
 *
 * Returns: (transfer none): the DER SubjectPublicKeyInfo, re-encoded (EC points
 * uncompressed). Two keys are the same key exactly when these bytes are equal.
 */
GBytes *
ferry_public_key_get_der(const FerryPublicKey *self);

gboolean
ferry_public_key_equal(const FerryPublicKey *a, const FerryPublicKey *b);

/**
 * ferry_public_key_compute_keyid:
 * @style: which ecosystem's convention
 *
 * TUF style hashes the canonical JSON of {"keytype","keyval":{"public"},"scheme"}
 * (plus "keyid_hash_algorithms" exactly when Debian 12's securesystemslib
 * includes it) using this key's keytype/scheme strings; aktualizr style hashes
 * the public value, trailing newlines removed, as a canonical JSON string.
 *
 * Findings (securesystemslib 0.26, keys._get_keyid): the hashed object is
 * {"keyid_hash_algorithms":["sha256","sha512"],"keytype":..,"keyval":{"public":..},
 * "scheme":..} for all three key types, in OLPC canonical JSON, which escapes
 * only '"' and '\' (the newlines of a PEM are hashed raw). A key without a
 * scheme (aktualizr) is hashed with ferry_key_type_get_default_scheme().
 * aktualizr's jsoncpp escapes control characters: a newline becomes the two
 * characters '\' 'n'.
 * ota-tuf style is the sha256 of ferry_public_key_get_der().
 *
 * Returns: (transfer full): 64 lowercase hex chars
 */
gchar *
ferry_public_key_compute_keyid(const FerryPublicKey *self, FerryKeyIdStyle style);

/**
 * ferry_public_key_method_is_compatible:
 *
 * Returns: %TRUE if @method is a signature method this key's type can verify.
 */
gboolean
ferry_public_key_method_is_compatible(const FerryPublicKey *self, const gchar *method);

/**
 * ferry_public_key_verify:
 * @method: the signature's method/scheme
 * @sig: raw signature bytes (already decoded from hex/base64)
 * @data: the signed bytes
 * @error: FERRY_ERROR_UNSUPPORTED when @method is unknown or does not fit the
 *   key type; FERRY_ERROR_SIGNATURE when the signature does not verify
 *
 * Returns: %TRUE if the signature is valid
 */
gboolean
ferry_public_key_verify(const FerryPublicKey *self, const gchar *method, const guint8 *sig,
			gsize sig_len, const guint8 *data, gsize data_len,
			GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC(FerryPublicKey, ferry_public_key_unref)

G_END_DECLS
