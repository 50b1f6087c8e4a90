/*
 * ferry — public keys, signature verification and key ids (OpenSSL 3).
 */
#include "ferry-key.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <string.h>

#include "ferry-autocleanups.h"
#include "ferry-error.h"

/* caps on hostile input */
#define FERRY_MAX_PEM_LENGTH	   (16 * 1024)
#define FERRY_MAX_SIGNATURE_LENGTH 1024 /* RSA-8192 is 1024 bytes */
#define FERRY_MIN_RSA_BITS	   2048

struct _FerryPublicKey {
	gint refcount;
	FerryKeyType type;
	gchar *keytype;	     /* as given */
	gchar *scheme;	     /* as given, may be NULL */
	gchar *public_value; /* normal form */
	GBytes *der;
	EVP_PKEY *pkey;
};

const gchar *
ferry_key_type_to_string(FerryKeyType type)
{
	switch (type) {
	case FERRY_KEY_TYPE_ED25519:
		return "ed25519";
	case FERRY_KEY_TYPE_RSA:
		return "rsa";
	case FERRY_KEY_TYPE_ECDSA_P256:
	default:
		return "ecdsa";
	}
}

static gboolean
keytype_parse(const gchar *keytype, FerryKeyType *out)
{
	static const struct {
		const gchar *name;
		FerryKeyType type;
	} names[] = {
		{"ed25519", FERRY_KEY_TYPE_ED25519},
		{"rsa", FERRY_KEY_TYPE_RSA},
		{"ecdsa", FERRY_KEY_TYPE_ECDSA_P256},
		{"ecdsa-sha2-nistp256", FERRY_KEY_TYPE_ECDSA_P256},
		{"ecprime256v1", FERRY_KEY_TYPE_ECDSA_P256},
	};
	for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
		if (g_ascii_strcasecmp(keytype, names[i].name) == 0) {
			*out = names[i].type;
			return TRUE;
		}
	}
	return FALSE;
}

static gboolean
method_fits(FerryKeyType type, const gchar *method)
{
	switch (type) {
	case FERRY_KEY_TYPE_ED25519:
		return g_ascii_strcasecmp(method, "ed25519") == 0;
	case FERRY_KEY_TYPE_RSA:
		return g_ascii_strcasecmp(method, "rsassa-pss-sha256") == 0 ||
		       g_ascii_strcasecmp(method, "rsassa-pss") == 0 ||
		       g_ascii_strcasecmp(method, "rsa-pkcs1v15-sha256") == 0;
	case FERRY_KEY_TYPE_ECDSA_P256:
		return g_ascii_strcasecmp(method, "ecdsa-sha2-nistp256") == 0;
	default:
		return FALSE;
	}
}

static EVP_PKEY *
ed25519_from_hex(const gchar *hex, GError **error)
{
	guint8 raw[32];
	EVP_PKEY *pkey;

	if (strlen(hex) != 64) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "ed25519 public key must be 64 hex digits");
		return NULL;
	}
	for (guint i = 0; i < 32; i++) {
		gint hi = g_ascii_xdigit_value(hex[2 * i]);
		gint lo = g_ascii_xdigit_value(hex[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
					    "ed25519 public key is not hex");
			return NULL;
		}
		raw[i] = (guint8)(hi << 4 | lo);
	}
	pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw, sizeof(raw));
	if (pkey == NULL)
		ferry_error_set_openssl(error, FERRY_ERROR_FORMAT, "ed25519 public key");
	return pkey;
}

static EVP_PKEY *
pkey_from_pem(const gchar *pem, GError **error)
{
	g_autoptr(BIO) bio = NULL;
	EVP_PKEY *pkey;

	if (strlen(pem) > FERRY_MAX_PEM_LENGTH) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE,
				    "PEM public key too long");
		return NULL;
	}
	bio = BIO_new_mem_buf(pem, (int)strlen(pem));
	pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	if (pkey == NULL)
		ferry_error_set_openssl(error, FERRY_ERROR_FORMAT, "PEM public key");
	return pkey;
}

/* the parsed key must be what its keytype says, and strong enough */
static gboolean
check_pkey(EVP_PKEY *pkey, FerryKeyType type, GError **error)
{
	gchar group[64] = "";

	switch (type) {
	case FERRY_KEY_TYPE_RSA:
		if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
			g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
					    "keytype RSA but the key is not RSA");
			return FALSE;
		}
		if (EVP_PKEY_get_bits(pkey) < FERRY_MIN_RSA_BITS) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_UNSUPPORTED,
				    "RSA key of %d bits is too weak (at least %d)",
				    EVP_PKEY_get_bits(pkey), FERRY_MIN_RSA_BITS);
			return FALSE;
		}
		return TRUE;
	case FERRY_KEY_TYPE_ECDSA_P256:
		if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_EC ||
		    !EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group,
						    sizeof(group), NULL)) {
			g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
					    "keytype ECDSA but the key is not an EC key");
			return FALSE;
		}
		if (g_strcmp0(group, "prime256v1") != 0) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_UNSUPPORTED,
				    "EC curve %s is not supported (only P-256)", group);
			return FALSE;
		}
		return TRUE;
	case FERRY_KEY_TYPE_ED25519:
		if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_ED25519) {
			g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
					    "keytype ed25519 but the key is not Ed25519");
			return FALSE;
		}
		return TRUE;
	default:
		g_assert_not_reached();
	}
}

static gchar *
public_value_of(EVP_PKEY *pkey, FerryKeyType type)
{
	if (type == FERRY_KEY_TYPE_ED25519) {
		guint8 raw[32];
		gsize len = sizeof(raw);
		GString *hex = g_string_new(NULL);
		if (EVP_PKEY_get_raw_public_key(pkey, raw, &len) == 1) {
			for (gsize i = 0; i < len; i++)
				g_string_append_printf(hex, "%02x", raw[i]);
		}
		return g_string_free(hex, FALSE);
	} else {
		g_autoptr(BIO) bio = BIO_new(BIO_s_mem());
		gchar *data = NULL;
		long len;
		if (PEM_write_bio_PUBKEY(bio, pkey) != 1)
			return g_strdup("");
		len = BIO_get_mem_data(bio, &data);
		return g_strndup(data, (gsize)len);
	}
}

static GBytes *
der_of(EVP_PKEY *pkey)
{
	guint8 *der = NULL;
	int len = i2d_PUBKEY(pkey, &der);
	GBytes *bytes;

	if (len <= 0)
		return g_bytes_new(NULL, 0);
	bytes = g_bytes_new(der, (gsize)len);
	OPENSSL_free(der);
	return bytes;
}

/* @public_value: as the metadata spells it (key ids hash exactly that), or
 * NULL for this project's normal form */
static FerryPublicKey *
key_new_take(EVP_PKEY *pkey, FerryKeyType type, const gchar *keytype, const gchar *scheme,
	     const gchar *public_value)
{
	FerryPublicKey *self = g_new0(FerryPublicKey, 1);

	self->refcount = 1;
	self->type = type;
	self->pkey = pkey;
	self->keytype = g_strdup(keytype);
	self->scheme = g_strdup(scheme);
	self->public_value =
		public_value != NULL ? g_strdup(public_value) : public_value_of(pkey, type);
	self->der = der_of(pkey);
	return self;
}

FerryPublicKey *
ferry_public_key_new(const gchar *keytype, const gchar *scheme, const gchar *public_value,
		     GError **error)
{
	FerryKeyType type;
	g_autoptr(EVP_PKEY) pkey = NULL;

	g_return_val_if_fail(keytype != NULL && public_value != NULL, NULL);
	if (!keytype_parse(keytype, &type)) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_UNSUPPORTED,
			    "key type '%.32s' is not supported", keytype);
		return NULL;
	}
	if (scheme != NULL && !method_fits(type, scheme)) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_UNSUPPORTED,
			    "scheme '%.40s' does not fit key type '%s'", scheme, keytype);
		return NULL;
	}
	/* some ecosystems write Ed25519 keys as PEM too */
	if (type == FERRY_KEY_TYPE_ED25519 && !g_str_has_prefix(public_value, "-----BEGIN"))
		pkey = ed25519_from_hex(public_value, error);
	else
		pkey = pkey_from_pem(public_value, error);
	if (pkey == NULL || !check_pkey(pkey, type, error))
		return NULL;
	return key_new_take(g_steal_pointer(&pkey), type, keytype, scheme, public_value);
}

FerryPublicKey *
ferry_public_key_new_from_der(const guint8 *der, gsize der_len, GError **error)
{
	const guint8 *p = der;
	g_autoptr(EVP_PKEY) pkey = NULL;
	FerryKeyType type;

	if (der_len > FERRY_MAX_PEM_LENGTH) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE, "DER key too long");
		return NULL;
	}
	pkey = d2i_PUBKEY(NULL, &p, (long)der_len);
	if (pkey == NULL) {
		ferry_error_set_openssl(error, FERRY_ERROR_FORMAT, "DER public key");
		return NULL;
	}
	switch (EVP_PKEY_get_base_id(pkey)) {
	case EVP_PKEY_ED25519:
		type = FERRY_KEY_TYPE_ED25519;
		break;
	case EVP_PKEY_RSA:
		type = FERRY_KEY_TYPE_RSA;
		break;
	case EVP_PKEY_EC:
		type = FERRY_KEY_TYPE_ECDSA_P256;
		break;
	default:
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_UNSUPPORTED,
				    "unsupported public key algorithm");
		return NULL;
	}
	if (!check_pkey(pkey, type, error))
		return NULL;
	return key_new_take(g_steal_pointer(&pkey), type,
			    type == FERRY_KEY_TYPE_ED25519 ? "ed25519"
			    : type == FERRY_KEY_TYPE_RSA   ? "rsa"
							   : "ecdsa",
			    type == FERRY_KEY_TYPE_ED25519 ? "ed25519"
			    : type == FERRY_KEY_TYPE_RSA   ? "rsassa-pss-sha256"
							   : "ecdsa-sha2-nistp256",
			    NULL);
}

FerryPublicKey *
ferry_public_key_ref(FerryPublicKey *self)
{
	g_return_val_if_fail(self != NULL, NULL);
	g_atomic_int_inc(&self->refcount);
	return self;
}

void
ferry_public_key_unref(FerryPublicKey *self)
{
	if (self == NULL || !g_atomic_int_dec_and_test(&self->refcount))
		return;
	EVP_PKEY_free(self->pkey);
	g_bytes_unref(self->der);
	g_free(self->keytype);
	g_free(self->scheme);
	g_free(self->public_value);
	g_free(self);
}

FerryKeyType
ferry_public_key_get_key_type(const FerryPublicKey *self)
{
	return self->type;
}

const gchar *
ferry_public_key_get_keytype(const FerryPublicKey *self)
{
	return self->keytype;
}

const gchar *
ferry_public_key_get_scheme(const FerryPublicKey *self)
{
	return self->scheme;
}

const gchar *
ferry_public_key_get_public_value(const FerryPublicKey *self)
{
	return self->public_value;
}

GBytes *
ferry_public_key_get_der(const FerryPublicKey *self)
{
	return self->der;
}

gboolean
ferry_public_key_equal(const FerryPublicKey *a, const FerryPublicKey *b)
{
	return a == b || g_bytes_equal(a->der, b->der);
}

/* a JSON string as canonical JSON writes it: '"' and '\' escaped, and
 * control characters too when @escape_control (aktualizr's jsoncpp) */
static void
append_json_string(GString *out, const gchar *s, gboolean escape_control)
{
	g_string_append_c(out, '"');
	for (const guchar *p = (const guchar *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_printf(out, "\\%c", *p);
		else if (*p == '\n' && escape_control)
			g_string_append(out, "\\n");
		else if (*p < 0x20 && escape_control)
			g_string_append_printf(out, "\\u%04x", *p);
		else
			g_string_append_c(out, (gchar)*p);
	}
	g_string_append_c(out, '"');
}

gchar *
ferry_public_key_compute_keyid(const FerryPublicKey *self, FerryKeyIdStyle style)
{
	g_autoptr(GString) s = g_string_new(NULL);

	switch (style) {
	case FERRY_KEYID_STYLE_TUF:
		/* securesystemslib's format_keyval_to_metadata, canonical */
		g_string_append(s,
				"{\"keyid_hash_algorithms\":[\"sha256\",\"sha512\"],\"keytype\":");
		append_json_string(s, self->keytype, FALSE);
		g_string_append(s, ",\"keyval\":{\"public\":");
		append_json_string(s, self->public_value, FALSE);
		g_string_append(s, "},\"scheme\":");
		append_json_string(s, self->scheme != NULL ? self->scheme : "", FALSE);
		g_string_append_c(s, '}');
		break;
	case FERRY_KEYID_STYLE_AKTUALIZR: {
		g_autofree gchar *trimmed = g_strdup(self->public_value);
		gsize n = strlen(trimmed);
		while (n > 0 && trimmed[n - 1] == '\n')
			trimmed[--n] = '\0';
		append_json_string(s, trimmed, TRUE);
		break;
	}
	case FERRY_KEYID_STYLE_OTA_TUF:
	default:
		return g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, self->der);
	}
	return g_compute_checksum_for_string(G_CHECKSUM_SHA256, s->str, (gssize)s->len);
}

gboolean
ferry_public_key_method_is_compatible(const FerryPublicKey *self, const gchar *method)
{
	return method != NULL && method_fits(self->type, method);
}

gboolean
ferry_public_key_verify(const FerryPublicKey *self, const gchar *method, const guint8 *sig,
			gsize sig_len, const guint8 *data, gsize data_len, GError **error)
{
	g_autoptr(EVP_MD_CTX) ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL; /* owned by ctx */
	const EVP_MD *md = self->type == FERRY_KEY_TYPE_ED25519 ? NULL : EVP_sha256();
	int rc;

	if (!ferry_public_key_method_is_compatible(self, method)) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_UNSUPPORTED,
			    "method '%.40s' does not fit a %s key", method != NULL ? method : "",
			    self->keytype);
		return FALSE;
	}
	if (sig_len == 0 || sig_len > FERRY_MAX_SIGNATURE_LENGTH) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_SIGNATURE,
				    "signature has an impossible length");
		return FALSE;
	}
	if (EVP_DigestVerifyInit(ctx, &pctx, md, NULL, self->pkey) != 1)
		return ferry_error_set_openssl(error, FERRY_ERROR_SIGNATURE, "verify init");
	if (self->type == FERRY_KEY_TYPE_RSA) {
		gboolean pss = g_ascii_strncasecmp(method, "rsassa-pss", 10) == 0;
		if (EVP_PKEY_CTX_set_rsa_padding(pctx, pss ? RSA_PKCS1_PSS_PADDING
							   : RSA_PKCS1_PADDING) != 1 ||
		    (pss && (EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) != 1 ||
			     EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1)))
			return ferry_error_set_openssl(error, FERRY_ERROR_SIGNATURE, "RSA padding");
	}
	rc = EVP_DigestVerify(ctx, sig, sig_len, data, data_len);
	ERR_clear_error();
	if (rc != 1) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_SIGNATURE,
			    "%s signature does not verify", method);
		return FALSE;
	}
	return TRUE;
}
