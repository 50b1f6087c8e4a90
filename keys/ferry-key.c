/*
 * ferry — public keys, signature verification and key ids (OpenSSL 3).
 *
 * Every key and signature here comes from metadata on an update medium, so
 * parsing is strict: one spelling per key type, bounded lengths, no trailing
 * bytes, and degenerate keys (small-order Ed25519 points, RSA exponent 1,
 * explicit EC parameters) refused before they can vouch for anything.
 */
#include "ferry-key.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <string.h>

#include "ferry-autocleanups.h"
#include "ferry-error.h"

#define FERRY_ED25519_PUBLIC_LENGTH    32
#define FERRY_ED25519_SIGNATURE_LENGTH 64
#define FERRY_PEM_PUBLIC_BEGIN	       "-----BEGIN PUBLIC KEY-----"

struct _FerryPublicKey {
	gint refcount;
	FerryKeyType type;
	gchar *keytype;	     /* as given */
	gchar *scheme;	     /* as given, may be NULL */
	gchar *public_value; /* as given, or the normal form for keys made from DER */
	GBytes *der;	     /* re-encoded SubjectPublicKeyInfo */
	EVP_PKEY *pkey;
};

typedef enum {
	METHOD_UNKNOWN,
	METHOD_ED25519,
	METHOD_RSA_PSS, /* rsassa-pss-sha256 and the legacy rsassa-pss */
	METHOD_RSA_PKCS1,
	METHOD_ECDSA_P256,
} Method;

/* untrusted text in an error message: short, printable ASCII only */
static gchar *
printable(const gchar *s)
{
	GString *out = g_string_new(NULL);

	for (gsize i = 0; s != NULL && s[i] != '\0' && i < 40; i++)
		g_string_append_c(out, g_ascii_isprint(s[i]) ? s[i] : '?');
	return g_string_free(out, FALSE);
}

static gboolean
keytype_parse(const gchar *keytype, FerryKeyType *out_type)
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
			*out_type = names[i].type;
			return TRUE;
		}
	}
	return FALSE;
}

static Method
method_parse(const gchar *method)
{
	static const struct {
		const gchar *name;
		Method method;
	} names[] = {
		{"ed25519", METHOD_ED25519},
		{"rsassa-pss-sha256", METHOD_RSA_PSS},
		{"rsassa-pss", METHOD_RSA_PSS},
		{"rsa-pkcs1v15-sha256", METHOD_RSA_PKCS1},
		{"ecdsa-sha2-nistp256", METHOD_ECDSA_P256},
	};

	for (guint i = 0; method != NULL && i < G_N_ELEMENTS(names); i++) {
		if (g_ascii_strcasecmp(method, names[i].name) == 0)
			return names[i].method;
	}
	return METHOD_UNKNOWN;
}

static const gchar *
method_name(Method method)
{
	switch (method) {
	case METHOD_ED25519:
		return "Ed25519";
	case METHOD_RSA_PSS:
		return "RSA-PSS";
	case METHOD_RSA_PKCS1:
		return "RSA PKCS#1 v1.5";
	case METHOD_ECDSA_P256:
		return "ECDSA P-256";
	default:
		return "unknown";
	}
}

static const gchar *
key_type_name(FerryKeyType type)
{
	switch (type) {
	case FERRY_KEY_TYPE_ED25519:
		return "Ed25519";
	case FERRY_KEY_TYPE_RSA:
		return "RSA";
	case FERRY_KEY_TYPE_ECDSA_P256:
		return "ECDSA P-256";
	default:
		return "unknown";
	}
}

static gboolean
method_fits(FerryKeyType type, Method method)
{
	switch (type) {
	case FERRY_KEY_TYPE_ED25519:
		return method == METHOD_ED25519;
	case FERRY_KEY_TYPE_RSA:
		return method == METHOD_RSA_PSS || method == METHOD_RSA_PKCS1;
	case FERRY_KEY_TYPE_ECDSA_P256:
		return method == METHOD_ECDSA_P256;
	default:
		return FALSE;
	}
}

const gchar *
ferry_key_type_to_string(FerryKeyType type)
{
	switch (type) {
	case FERRY_KEY_TYPE_ED25519:
		return "ed25519";
	case FERRY_KEY_TYPE_RSA:
		return "rsa";
	case FERRY_KEY_TYPE_ECDSA_P256:
		return "ecdsa";
	default:
		g_return_val_if_reached("ecdsa");
	}
}

const gchar *
ferry_key_type_get_default_scheme(FerryKeyType type)
{
	switch (type) {
	case FERRY_KEY_TYPE_ED25519:
		return "ed25519";
	case FERRY_KEY_TYPE_RSA:
		return "rsassa-pss-sha256";
	case FERRY_KEY_TYPE_ECDSA_P256:
		return "ecdsa-sha2-nistp256";
	default:
		g_return_val_if_reached(NULL);
	}
}

/* y >= p, as libsodium's ge25519_is_canonical() (the sign bit aside) */
static gboolean
ed25519_is_canonical(const guint8 *s)
{
	if ((s[31] & 0x7f) != 0x7f || s[0] < 0xed)
		return TRUE;
	for (guint i = 1; i < 31; i++) {
		if (s[i] != 0xff)
			return TRUE;
	}
	return FALSE;
}

/* The canonical encodings of the points of order 1, 2, 4 and 8, whatever the
 * sign bit: libsodium (and so aktualizr) refuses them as keys and as the R of a
 * signature, because with them one signature fits many messages. */
static gboolean
ed25519_has_small_order(const guint8 *s)
{
	static const guint8 small[][32] = {
		{0}, /* y = 0, order 4 */
		{1}, /* y = 1, the identity */
		{0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4,
		 0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6,
		 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05}, /* order 8 */
		{0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b,
		 0x76, 0x0d, 0x10, 0x67, 0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39,
		 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a}, /* order 8 */
		{0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, /* y = p-1, order 2 */
	};

	for (guint i = 0; i < G_N_ELEMENTS(small); i++) {
		if (memcmp(s, small[i], 31) == 0 && (s[31] & 0x7f) == small[i][31])
			return TRUE;
	}
	return FALSE;
}

static EVP_PKEY *
ed25519_from_hex(const gchar *hex, GError **error)
{
	guint8 raw[FERRY_ED25519_PUBLIC_LENGTH];
	EVP_PKEY *pkey;

	if (strnlen(hex, 2 * sizeof(raw) + 1) != 2 * sizeof(raw)) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
			    "an Ed25519 public key is %u hex digits", (guint)(2 * sizeof(raw)));
		return NULL;
	}
	for (guint i = 0; i < sizeof(raw); i++) {
		gint hi = g_ascii_xdigit_value(hex[2 * i]);
		gint lo = g_ascii_xdigit_value(hex[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
					    "Ed25519 public key is not hex");
			return NULL;
		}
		raw[i] = (guint8)(hi << 4 | lo);
	}
	pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw, sizeof(raw));
	if (pkey == NULL)
		ferry_error_set_openssl(error, FERRY_ERROR_FORMAT, "Ed25519 public key");
	return pkey;
}

/* the text around the PEM block: nothing before it, line ends after it */
static gboolean
pem_check_text(const gchar *pem, gsize len, GError **error)
{
	if (!g_str_has_prefix(pem, FERRY_PEM_PUBLIC_BEGIN)) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "public key does not start with '" FERRY_PEM_PUBLIC_BEGIN "'");
		return FALSE;
	}
	for (gsize i = 0; i < len; i++) {
		if (!g_ascii_isprint(pem[i]) && pem[i] != '\n' && pem[i] != '\r') {
			g_set_error(
				error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				"public key has a control or non-ASCII byte at %" G_GSIZE_FORMAT,
				i);
			return FALSE;
		}
	}
	return TRUE;
}

/* whatever the PEM reader left in @bio must be line ends only */
static gboolean
pem_check_rest(BIO *bio, GError **error)
{
	gchar *rest = NULL;
	long rest_len = BIO_get_mem_data(bio, &rest);

	for (long i = 0; i < rest_len; i++) {
		if (rest[i] != '\n' && rest[i] != '\r') {
			g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
					    "text after the PEM public key");
			return FALSE;
		}
	}
	return TRUE;
}

/* exactly one PEM "PUBLIC KEY" block, no headers: returns its DER */
static GBytes *
pem_decode_public(const gchar *pem, GError **error)
{
	gsize len = strnlen(pem, FERRY_KEY_MAX_PEM_LENGTH + 1);
	g_autoptr(BIO) bio = NULL;
	gchar *name = NULL;
	gchar *header = NULL;
	guint8 *data = NULL;
	long data_len = 0;
	gboolean ok;
	GBytes *der = NULL;

	if (len > FERRY_KEY_MAX_PEM_LENGTH) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE,
			    "PEM public key longer than %d bytes", FERRY_KEY_MAX_PEM_LENGTH);
		return NULL;
	}
	if (!pem_check_text(pem, len, error))
		return NULL;
	bio = BIO_new_mem_buf(pem, (int)len);
	/* PEM_FLAG_ONLY_B64: no "Proc-Type" headers, so never a passphrase prompt */
	if (bio == NULL ||
	    PEM_read_bio_ex(bio, &name, &header, &data, &data_len, PEM_FLAG_ONLY_B64) != 1) {
		ferry_error_set_openssl(error, FERRY_ERROR_FORMAT, "PEM public key");
		return NULL;
	}
	ok = g_strcmp0(name, "PUBLIC KEY") == 0 && header != NULL && header[0] == '\0';
	if (!ok)
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "not a PEM SubjectPublicKeyInfo");
	else if (pem_check_rest(bio, error))
		der = g_bytes_new(data, (gsize)data_len);
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(data);
	return der;
}

static EVP_PKEY *
pkey_from_der(const guint8 *der, gsize der_len, GError **error)
{
	const guint8 *p = der;
	g_autoptr(EVP_PKEY) pkey = NULL;

	if (der_len == 0 || der_len > FERRY_KEY_MAX_PEM_LENGTH) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "DER public key has an impossible length");
		return NULL;
	}
	pkey = d2i_PUBKEY(NULL, &p, (long)der_len);
	if (pkey == NULL) {
		ferry_error_set_openssl(error, FERRY_ERROR_FORMAT, "DER public key");
		return NULL;
	}
	if (p != der + der_len) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "bytes after the DER public key");
		return NULL;
	}
	return g_steal_pointer(&pkey);
}

static EVP_PKEY *
pkey_from_pem(const gchar *pem, GError **error)
{
	g_autoptr(GBytes) der = pem_decode_public(pem, error);
	gsize len = 0;
	const guint8 *data;

	if (der == NULL)
		return NULL;
	data = g_bytes_get_data(der, &len);
	return pkey_from_der(data, len, error);
}

static gboolean
check_rsa(EVP_PKEY *pkey, GError **error)
{
	g_autoptr(BIGNUM) n = NULL;
	g_autoptr(BIGNUM) e = NULL;
	gint bits = EVP_PKEY_get_bits(pkey);

	if (bits < FERRY_KEY_MIN_RSA_BITS || bits > FERRY_KEY_MAX_RSA_BITS) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_UNSUPPORTED,
			    "RSA key of %d bits (supported: %d to %d)", bits,
			    FERRY_KEY_MIN_RSA_BITS, FERRY_KEY_MAX_RSA_BITS);
		return FALSE;
	}
	if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
	    EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e) != 1)
		return ferry_error_set_openssl(error, FERRY_ERROR_FORMAT, "RSA public key");
	/* e = 1 would make every signature trivially forgeable */
	if (!BN_is_odd(n) || !BN_is_odd(e) || BN_is_one(e) || BN_is_negative(e)) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_UNSUPPORTED,
				    "degenerate RSA modulus or exponent");
		return FALSE;
	}
	return TRUE;
}

static gboolean
check_ec(EVP_PKEY *pkey, GError **error)
{
	gchar group[64] = "";
	gchar encoding[32] = "";
	g_autoptr(EVP_PKEY_CTX) ctx = NULL;

	if (!EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_EC_ENCODING, encoding,
					    sizeof(encoding), NULL) ||
	    g_strcmp0(encoding, OSSL_PKEY_EC_ENCODING_GROUP) != 0) {
		ERR_clear_error();
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_UNSUPPORTED,
				    "EC key with explicit curve parameters");
		return FALSE;
	}
	if (!EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
					    NULL) ||
	    g_strcmp0(group, "prime256v1") != 0) {
		ERR_clear_error();
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_UNSUPPORTED,
			    "EC curve '%s' is not supported (only P-256)", group);
		return FALSE;
	}
	/* on the curve, not the point at infinity, of the group's order */
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	if (ctx == NULL || EVP_PKEY_public_check(ctx) != 1)
		return ferry_error_set_openssl(error, FERRY_ERROR_FORMAT, "EC public point");
	/* one DER per key: compressed and uncompressed spellings are the same key */
	if (EVP_PKEY_set_utf8_string_param(pkey, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
					   OSSL_PKEY_EC_POINT_CONVERSION_FORMAT_UNCOMPRESSED) != 1)
		return ferry_error_set_openssl(error, FERRY_ERROR_FAILED, "EC point format");
	return TRUE;
}

static gboolean
check_ed25519(EVP_PKEY *pkey, GError **error)
{
	guint8 raw[FERRY_ED25519_PUBLIC_LENGTH];
	gsize len = sizeof(raw);

	if (EVP_PKEY_get_raw_public_key(pkey, raw, &len) != 1 || len != sizeof(raw))
		return ferry_error_set_openssl(error, FERRY_ERROR_FORMAT, "Ed25519 public key");
	if (!ed25519_is_canonical(raw)) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "non-canonical Ed25519 public key");
		return FALSE;
	}
	if (ed25519_has_small_order(raw)) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_UNSUPPORTED,
				    "Ed25519 public key of small order");
		return FALSE;
	}
	return TRUE;
}

/* the parsed key must be what its keytype says, and not weak */
static gboolean
check_pkey(EVP_PKEY *pkey, FerryKeyType type, GError **error)
{
	static const gint base_ids[] = {
		[FERRY_KEY_TYPE_ED25519] = EVP_PKEY_ED25519,
		[FERRY_KEY_TYPE_RSA] = EVP_PKEY_RSA,
		[FERRY_KEY_TYPE_ECDSA_P256] = EVP_PKEY_EC,
	};

	g_assert((guint)type < G_N_ELEMENTS(base_ids));
	if (EVP_PKEY_get_base_id(pkey) != base_ids[type]) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
			    "the key is not an %s key as its keytype says", key_type_name(type));
		return FALSE;
	}
	switch (type) {
	case FERRY_KEY_TYPE_ED25519:
		return check_ed25519(pkey, error);
	case FERRY_KEY_TYPE_RSA:
		return check_rsa(pkey, error);
	case FERRY_KEY_TYPE_ECDSA_P256:
		return check_ec(pkey, error);
	default:
		g_assert_not_reached();
	}
}

/* this project's spelling: lowercase hex, or PEM SPKI with a trailing newline */
static gchar *
public_value_of(EVP_PKEY *pkey, FerryKeyType type, GError **error)
{
	g_autoptr(BIO) bio = NULL;
	gchar *data = NULL;
	long len;

	if (type == FERRY_KEY_TYPE_ED25519) {
		guint8 raw[FERRY_ED25519_PUBLIC_LENGTH];
		gsize raw_len = sizeof(raw);
		gchar hex[2 * FERRY_ED25519_PUBLIC_LENGTH + 1];
		if (EVP_PKEY_get_raw_public_key(pkey, raw, &raw_len) != 1 ||
		    raw_len != sizeof(raw)) {
			ferry_error_set_openssl(error, FERRY_ERROR_FAILED, "Ed25519 public key");
			return NULL;
		}
		for (gsize i = 0; i < raw_len; i++)
			g_snprintf(hex + 2 * i, 3, "%02x", raw[i]);
		return g_strdup(hex);
	}
	bio = BIO_new(BIO_s_mem());
	if (bio == NULL || PEM_write_bio_PUBKEY(bio, pkey) != 1) {
		ferry_error_set_openssl(error, FERRY_ERROR_FAILED, "writing PEM public key");
		return NULL;
	}
	len = BIO_get_mem_data(bio, &data);
	return g_strndup(data, (gsize)len);
}

static GBytes *
der_of(EVP_PKEY *pkey, GError **error)
{
	guint8 *der = NULL;
	int len = i2d_PUBKEY(pkey, &der);
	GBytes *bytes;

	if (len <= 0) {
		ferry_error_set_openssl(error, FERRY_ERROR_FAILED, "encoding DER public key");
		return NULL;
	}
	bytes = g_bytes_new(der, (gsize)len);
	OPENSSL_free(der);
	return bytes;
}

/* takes @pkey; @public_value: as the metadata spells it (key ids hash exactly
 * that), or NULL for this project's normal form */
static FerryPublicKey *
key_new_take(EVP_PKEY *pkey, FerryKeyType type, const gchar *keytype, const gchar *scheme,
	     const gchar *public_value, GError **error)
{
	g_autoptr(EVP_PKEY) owned = pkey;
	g_autoptr(GBytes) der = der_of(pkey, error);
	g_autofree gchar *value = NULL;
	FerryPublicKey *self;

	if (der == NULL)
		return NULL;
	value = public_value != NULL ? g_strdup(public_value) : public_value_of(pkey, type, error);
	if (value == NULL)
		return NULL;
	self = g_new0(FerryPublicKey, 1);
	self->refcount = 1;
	self->type = type;
	self->pkey = g_steal_pointer(&owned);
	self->keytype = g_strdup(keytype);
	self->scheme = g_strdup(scheme);
	self->public_value = g_steal_pointer(&value);
	self->der = g_steal_pointer(&der);
	return self;
}

FerryPublicKey *
ferry_public_key_new(const gchar *keytype, const gchar *scheme, const gchar *public_value,
		     GError **error)
{
	FerryKeyType type;
	g_autoptr(EVP_PKEY) pkey = NULL;

	g_return_val_if_fail(keytype != NULL, NULL);
	g_return_val_if_fail(public_value != NULL, NULL);

	if (!keytype_parse(keytype, &type)) {
		g_autofree gchar *shown = printable(keytype);
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_UNSUPPORTED,
			    "key type '%s' is not supported", shown);
		return NULL;
	}
	if (scheme != NULL && !method_fits(type, method_parse(scheme))) {
		g_autofree gchar *shown = printable(scheme);
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_UNSUPPORTED,
			    "scheme '%s' does not fit an %s key", shown, key_type_name(type));
		return NULL;
	}
	if (type == FERRY_KEY_TYPE_ED25519)
		pkey = ed25519_from_hex(public_value, error);
	else
		pkey = pkey_from_pem(public_value, error);
	if (pkey == NULL || !check_pkey(pkey, type, error))
		return NULL;
	return key_new_take(g_steal_pointer(&pkey), type, keytype, scheme, public_value, error);
}

FerryPublicKey *
ferry_public_key_new_from_der(const guint8 *der, gsize der_len, GError **error)
{
	g_autoptr(EVP_PKEY) pkey = NULL;
	FerryKeyType type;

	g_return_val_if_fail(der != NULL || der_len == 0, NULL);

	pkey = pkey_from_der(der, der_len, error);
	if (pkey == NULL)
		return NULL;
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
	return key_new_take(g_steal_pointer(&pkey), type, ferry_key_type_to_string(type),
			    ferry_key_type_get_default_scheme(type), NULL, error);
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
	g_return_val_if_fail(self != NULL, FERRY_KEY_TYPE_ED25519);
	return self->type;
}

const gchar *
ferry_public_key_get_keytype(const FerryPublicKey *self)
{
	g_return_val_if_fail(self != NULL, NULL);
	return self->keytype;
}

const gchar *
ferry_public_key_get_scheme(const FerryPublicKey *self)
{
	g_return_val_if_fail(self != NULL, NULL);
	return self->scheme;
}

const gchar *
ferry_public_key_get_public_value(const FerryPublicKey *self)
{
	g_return_val_if_fail(self != NULL, NULL);
	return self->public_value;
}

GBytes *
ferry_public_key_get_der(const FerryPublicKey *self)
{
	g_return_val_if_fail(self != NULL, NULL);
	return self->der;
}

gboolean
ferry_public_key_equal(const FerryPublicKey *a, const FerryPublicKey *b)
{
	g_return_val_if_fail(a != NULL && b != NULL, FALSE);
	return a == b || g_bytes_equal(a->der, b->der);
}

/* a string as securesystemslib's OLPC canonical JSON writes it: only '"' and
 * '\' escaped, everything else (newlines too) raw */
static void
append_json_string_olpc(GString *out, const gchar *s)
{
	g_string_append_c(out, '"');
	for (const gchar *p = s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_c(out, '\\');
		g_string_append_c(out, *p);
	}
	g_string_append_c(out, '"');
}

/* the short escape jsoncpp writes for @c, or 0 */
static gchar
jsoncpp_short_escape(guchar c)
{
	switch (c) {
	case '"':
		return '"';
	case '\\':
		return '\\';
	case '\b':
		return 'b';
	case '\f':
		return 'f';
	case '\n':
		return 'n';
	case '\r':
		return 'r';
	case '\t':
		return 't';
	default:
		return 0;
	}
}

/* a string as aktualizr's jsoncpp writes it. Public values are ASCII here
 * (checked when parsed), so jsoncpp's \uXXXX for non-ASCII never applies. */
static void
append_json_string_jsoncpp(GString *out, const gchar *s)
{
	g_string_append_c(out, '"');
	for (const guchar *p = (const guchar *)s; *p != '\0'; p++) {
		gchar esc = jsoncpp_short_escape(*p);
		if (esc != 0)
			g_string_append_printf(out, "\\%c", esc);
		else if (*p < 0x20)
			g_string_append_printf(out, "\\u%04x", *p);
		else
			g_string_append_c(out, (gchar)*p);
	}
	g_string_append_c(out, '"');
}

static gchar *
keyid_tuf(const FerryPublicKey *self)
{
	g_autoptr(GString) s = g_string_new("{\"keyid_hash_algorithms\":[\"sha256\",\"sha512\"]");

	g_string_append(s, ",\"keytype\":");
	append_json_string_olpc(s, self->keytype);
	g_string_append(s, ",\"keyval\":{\"public\":");
	append_json_string_olpc(s, self->public_value);
	g_string_append(s, "},\"scheme\":");
	append_json_string_olpc(s, self->scheme != NULL
					   ? self->scheme
					   : ferry_key_type_get_default_scheme(self->type));
	g_string_append_c(s, '}');
	return g_compute_checksum_for_string(G_CHECKSUM_SHA256, s->str, (gssize)s->len);
}

static gchar *
keyid_aktualizr(const FerryPublicKey *self)
{
	g_autoptr(GString) s = g_string_new(NULL);
	g_autofree gchar *trimmed = g_strdup(self->public_value);
	gsize n = strlen(trimmed);

	/* boost::trim_right_if(is_any_of("\n")): '\r' stays */
	while (n > 0 && trimmed[n - 1] == '\n')
		trimmed[--n] = '\0';
	append_json_string_jsoncpp(s, trimmed);
	return g_compute_checksum_for_string(G_CHECKSUM_SHA256, s->str, (gssize)s->len);
}

gchar *
ferry_public_key_compute_keyid(const FerryPublicKey *self, FerryKeyIdStyle style)
{
	g_return_val_if_fail(self != NULL, NULL);

	switch (style) {
	case FERRY_KEYID_STYLE_TUF:
		return keyid_tuf(self);
	case FERRY_KEYID_STYLE_AKTUALIZR:
		return keyid_aktualizr(self);
	case FERRY_KEYID_STYLE_OTA_TUF:
		return g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, self->der);
	default:
		g_return_val_if_reached(NULL);
	}
}

gboolean
ferry_public_key_method_is_compatible(const FerryPublicKey *self, const gchar *method)
{
	g_return_val_if_fail(self != NULL, FALSE);
	return method_fits(self->type, method_parse(method));
}

static gboolean
verify_set_rsa_padding(EVP_PKEY_CTX *pctx, Method method, GError **error)
{
	if (method == METHOD_RSA_PKCS1) {
		if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1)
			return ferry_error_set_openssl(error, FERRY_ERROR_FAILED, "RSA padding");
		return TRUE;
	}
	/* PSS, SHA-256, MGF1-SHA-256; the salt length is read from the signature,
	 * since signers use 32 (aktualizr, ota-tuf) or the maximum (securesystemslib) */
	if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1 ||
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) != 1)
		return ferry_error_set_openssl(error, FERRY_ERROR_FAILED, "RSA-PSS parameters");
	return TRUE;
}

static gboolean
verify_signature_shape(Method method, const guint8 *sig, gsize sig_len, GError **error)
{
	if (sig_len == 0 || sig_len > FERRY_KEY_MAX_SIGNATURE_LENGTH) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_SIGNATURE,
			    "signature of %" G_GSIZE_FORMAT " bytes", sig_len);
		return FALSE;
	}
	/* OpenSSL checks S < L but lets a small-order R through */
	if (method == METHOD_ED25519 &&
	    (sig_len != FERRY_ED25519_SIGNATURE_LENGTH || ed25519_has_small_order(sig))) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_SIGNATURE,
				    "malformed Ed25519 signature");
		return FALSE;
	}
	return TRUE;
}

gboolean
ferry_public_key_verify(const FerryPublicKey *self, const gchar *method, const guint8 *sig,
			gsize sig_len, const guint8 *data, gsize data_len, GError **error)
{
	static const guint8 empty[1] = {0};
	Method m = method_parse(method);
	g_autoptr(EVP_MD_CTX) ctx = NULL;
	EVP_PKEY_CTX *pctx = NULL; /* owned by ctx */
	int rc;

	g_return_val_if_fail(self != NULL, FALSE);
	g_return_val_if_fail(sig != NULL || sig_len == 0, FALSE);
	g_return_val_if_fail(data != NULL || data_len == 0, FALSE);

	if (!method_fits(self->type, m)) {
		g_autofree gchar *shown = printable(method);
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_UNSUPPORTED,
			    "method '%s' does not fit an %s key", shown, key_type_name(self->type));
		return FALSE;
	}
	if (!verify_signature_shape(m, sig, sig_len, error))
		return FALSE;
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL ||
	    EVP_DigestVerifyInit(ctx, &pctx, m == METHOD_ED25519 ? NULL : EVP_sha256(), NULL,
				 self->pkey) != 1)
		return ferry_error_set_openssl(error, FERRY_ERROR_FAILED, "starting to verify");
	if (self->type == FERRY_KEY_TYPE_RSA && !verify_set_rsa_padding(pctx, m, error))
		return FALSE;
	rc = EVP_DigestVerify(ctx, sig, sig_len, data != NULL ? data : empty, data_len);
	/* a bad signature leaves parse errors behind; they are not ours to report */
	ERR_clear_error();
	if (rc != 1) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_SIGNATURE,
			    "%s signature does not verify", method_name(m));
		return FALSE;
	}
	return TRUE;
}
