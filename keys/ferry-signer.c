/*
 * ferry — the signer interface and its file implementation.
 */
#include "ferry-signer.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ferry-autocleanups.h"
#include "ferry-error.h"

#define FERRY_MAX_PRIVATE_KEY_FILE   (64 * 1024)
#define FERRY_MIN_GENERATED_RSA_BITS 3072

struct _FerrySigner {
	gint refcount;
	const FerrySignerVTable *vtable;
	FerryPublicKey *public_key;
	gchar *method;
	gpointer priv;
};

FerrySigner *
ferry_signer_new_custom(const FerrySignerVTable *vtable, FerryPublicKey *public_key,
			const gchar *method, gpointer priv)
{
	FerrySigner *self = g_new0(FerrySigner, 1);

	g_return_val_if_fail(vtable != NULL && vtable->sign != NULL && public_key != NULL, NULL);
	self->refcount = 1;
	self->vtable = vtable;
	self->public_key = ferry_public_key_ref(public_key);
	self->method = g_strdup(method);
	self->priv = priv;
	return self;
}

gpointer
ferry_signer_get_priv(FerrySigner *self)
{
	return self->priv;
}

FerrySigner *
ferry_signer_ref(FerrySigner *self)
{
	g_return_val_if_fail(self != NULL, NULL);
	g_atomic_int_inc(&self->refcount);
	return self;
}

void
ferry_signer_unref(FerrySigner *self)
{
	if (self == NULL || !g_atomic_int_dec_and_test(&self->refcount))
		return;
	if (self->vtable->finalize != NULL)
		self->vtable->finalize(self);
	ferry_public_key_unref(self->public_key);
	g_free(self->method);
	g_free(self);
}

FerryPublicKey *
ferry_signer_get_public_key(FerrySigner *self)
{
	return self->public_key;
}

const gchar *
ferry_signer_get_method(FerrySigner *self)
{
	return self->method;
}

GBytes *
ferry_signer_sign(FerrySigner *self, const guint8 *data, gsize data_len, GError **error)
{
	g_return_val_if_fail(self != NULL, NULL);
	return self->vtable->sign(self, data, data_len, error);
}

/* ---- file keys ---- */

static GBytes *
file_sign(FerrySigner *self, const guint8 *data, gsize data_len, GError **error)
{
	EVP_PKEY *pkey = self->priv;
	g_autoptr(EVP_MD_CTX) ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL; /* owned by ctx */
	gboolean ed = EVP_PKEY_get_base_id(pkey) == EVP_PKEY_ED25519;
	gsize len = 0;
	g_autofree guint8 *sig = NULL;

	if (EVP_DigestSignInit(ctx, &pctx, ed ? NULL : EVP_sha256(), NULL, pkey) != 1)
		return ferry_error_set_openssl(error, FERRY_ERROR_FAILED, "sign init"), NULL;
	if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA &&
	    (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	     EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
	     EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1))
		return ferry_error_set_openssl(error, FERRY_ERROR_FAILED, "RSA-PSS setup"), NULL;
	if (EVP_DigestSign(ctx, NULL, &len, data, data_len) != 1)
		return ferry_error_set_openssl(error, FERRY_ERROR_FAILED, "signing"), NULL;
	sig = g_malloc(len);
	if (EVP_DigestSign(ctx, sig, &len, data, data_len) != 1)
		return ferry_error_set_openssl(error, FERRY_ERROR_FAILED, "signing"), NULL;
	return g_bytes_new_take(g_steal_pointer(&sig), len);
}

static void
file_finalize(FerrySigner *self)
{
	/* EVP_PKEY_free clears the private key material it holds */
	EVP_PKEY_free(self->priv);
}

static const FerrySignerVTable file_vtable = {file_sign, file_finalize};

static FerryPublicKey *
public_of(EVP_PKEY *pkey, GError **error)
{
	guint8 *der = NULL;
	int len = i2d_PUBKEY(pkey, &der);
	FerryPublicKey *pub;

	if (len <= 0)
		return ferry_error_set_openssl(error, FERRY_ERROR_FAILED, "public key"), NULL;
	pub = ferry_public_key_new_from_der(der, (gsize)len, error);
	OPENSSL_free(der);
	return pub;
}

/* reads @path refusing links, non-files and keys others may read */
static gchar *
read_private_file(const gchar *path, gsize *out_len, GError **error)
{
	ferry_autofd int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	struct stat st;
	gchar *buf;
	gssize n;

	if (fd < 0)
		return ferry_error_set_errno(error, errno, "opening key '%s'", path), NULL;
	if (fstat(fd, &st) != 0)
		return ferry_error_set_errno(error, errno, "stat '%s'", path), NULL;
	if (!S_ISREG(st.st_mode) || st.st_size > FERRY_MAX_PRIVATE_KEY_FILE) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
			    "'%s' is not a private key file", path);
		return NULL;
	}
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
			    "private key '%s' is accessible by group or others (mode %o): "
			    "chmod 600 it",
			    path, (guint)(st.st_mode & 0777));
		return NULL;
	}
	buf = g_malloc0((gsize)st.st_size + 1);
	n = read(fd, buf, (gsize)st.st_size);
	if (n != st.st_size) {
		OPENSSL_cleanse(buf, (gsize)st.st_size);
		g_free(buf);
		return ferry_error_set_errno(error, n < 0 ? errno : EIO, "reading '%s'", path),
		       NULL;
	}
	*out_len = (gsize)n;
	return buf;
}

FerrySigner *
ferry_signer_new_from_file(const gchar *path, GError **error)
{
	gsize len = 0;
	gchar *pem = read_private_file(path, &len, error);
	g_autoptr(BIO) bio = NULL;
	EVP_PKEY *pkey;
	g_autoptr(FerryPublicKey) pub = NULL;
	const gchar *method;

	if (pem == NULL)
		return NULL;
	bio = BIO_new_mem_buf(pem, (int)len);
	pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	OPENSSL_cleanse(pem, len);
	g_free(pem);
	if (pkey == NULL) {
		ferry_error_set_openssl(error, FERRY_ERROR_FORMAT, "reading private key");
		g_prefix_error(error, "'%s': ", path);
		return NULL;
	}
	pub = public_of(pkey, error);
	if (pub == NULL) {
		EVP_PKEY_free(pkey);
		return NULL;
	}
	method = ferry_public_key_get_scheme(pub);
	return ferry_signer_new_custom(&file_vtable, pub, method, pkey);
}

static EVP_PKEY *
generate_pkey(FerryKeyType type, guint bits, GError **error)
{
	EVP_PKEY *pkey = NULL;

	switch (type) {
	case FERRY_KEY_TYPE_ED25519:
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		break;
	case FERRY_KEY_TYPE_RSA:
		if (bits == 0)
			bits = FERRY_MIN_GENERATED_RSA_BITS;
		if (bits < FERRY_MIN_GENERATED_RSA_BITS || bits > 16384) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
				    "RSA keys must have %d to 16384 bits",
				    FERRY_MIN_GENERATED_RSA_BITS);
			return NULL;
		}
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
		break;
	case FERRY_KEY_TYPE_ECDSA_P256:
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		break;
	default:
		g_assert_not_reached();
	}
	if (pkey == NULL)
		ferry_error_set_openssl(error, FERRY_ERROR_FAILED, "generating key");
	return pkey;
}

gboolean
ferry_key_generate_file(FerryKeyType type, guint bits, const gchar *path,
			FerryPublicKey **out_public, GError **error)
{
	g_autoptr(EVP_PKEY) pkey = generate_pkey(type, bits, error);
	g_autoptr(BIO) bio = NULL;
	g_autoptr(FerryPublicKey) pub = NULL;
	ferry_autofd int fd = -1;
	gchar *data = NULL;
	long len;

	if (pkey == NULL)
		return FALSE;
	pub = public_of(pkey, error);
	if (pub == NULL)
		return FALSE;
	bio = BIO_new(BIO_s_secmem());
	if (bio == NULL || PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL) != 1)
		return ferry_error_set_openssl(error, FERRY_ERROR_FAILED, "encoding key");
	len = BIO_get_mem_data(bio, &data);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return ferry_error_set_errno(error, errno, "creating '%s'", path);
	if (write(fd, data, (gsize)len) != len || fsync(fd) != 0) {
		int errsv = errno;
		g_unlink(path);
		return ferry_error_set_errno(error, errsv, "writing '%s'", path);
	}
	if (out_public != NULL)
		*out_public = g_steal_pointer(&pub);
	return TRUE;
}
