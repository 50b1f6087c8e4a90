/*
 * ferry — the signer interface and its file implementation.
 *
 * Private key bytes live only in OpenSSL's secure heap (or in memory it
 * cleanses on free): the file buffer, the decoded PEM and the PKCS#8
 * structure are all wiped before they are released.
 */
#include "ferry-signer.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
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

/* secret bytes in OpenSSL's secure heap, wiped when freed */
typedef struct {
	guint8 *data;
	gsize allocated;
	gsize len;
} FerrySecret;

static FerrySecret *
ferry_secret_new(gsize size, GError **error)
{
	FerrySecret *self = g_new0(FerrySecret, 1);

	self->allocated = MAX(size, 1);
	self->data = OPENSSL_secure_zalloc(self->allocated);
	if (self->data == NULL) {
		g_free(self);
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FAILED, "out of memory");
		return NULL;
	}
	return self;
}

static void
ferry_secret_free(FerrySecret *self)
{
	if (self == NULL)
		return;
	OPENSSL_secure_clear_free(self->data, self->allocated);
	g_free(self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(FerrySecret, ferry_secret_free)

FerrySigner *
ferry_signer_new_custom(const FerrySignerVTable *vtable, FerryPublicKey *public_key,
			const gchar *method, gpointer priv)
{
	FerrySigner *self;

	g_return_val_if_fail(vtable != NULL && vtable->sign != NULL, NULL);
	g_return_val_if_fail(public_key != NULL, NULL);
	g_return_val_if_fail(ferry_public_key_method_is_compatible(public_key, method), NULL);

	self = g_new0(FerrySigner, 1);
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
	g_return_val_if_fail(self != NULL, NULL);
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
	g_return_val_if_fail(self != NULL, NULL);
	return self->public_key;
}

const gchar *
ferry_signer_get_method(FerrySigner *self)
{
	g_return_val_if_fail(self != NULL, NULL);
	return self->method;
}

GBytes *
ferry_signer_sign(FerrySigner *self, const guint8 *data, gsize data_len, GError **error)
{
	g_return_val_if_fail(self != NULL, NULL);
	g_return_val_if_fail(data != NULL || data_len == 0, NULL);
	return self->vtable->sign(self, data, data_len, error);
}

/* ---- file keys ---- */

static gboolean
sign_set_rsa_pss(EVP_PKEY_CTX *pctx, GError **error)
{
	/* salt length = digest length (32), as aktualizr and ota-tuf sign */
	if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1 ||
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1)
		return ferry_error_set_openssl(error, FERRY_ERROR_FAILED, "RSA-PSS parameters");
	return TRUE;
}

static GBytes *
file_sign(FerrySigner *self, const guint8 *data, gsize data_len, GError **error)
{
	EVP_PKEY *pkey = ferry_signer_get_priv(self); /* borrowed from self */
	gboolean is_ed25519 = EVP_PKEY_get_base_id(pkey) == EVP_PKEY_ED25519;
	g_autoptr(EVP_MD_CTX) ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL; /* owned by ctx */
	static const guint8 empty[1] = {0};
	g_autofree guint8 *sig = NULL;
	gsize len = 0;

	if (data == NULL)
		data = empty;
	if (ctx == NULL ||
	    EVP_DigestSignInit(ctx, &pctx, is_ed25519 ? NULL : EVP_sha256(), NULL, pkey) != 1) {
		ferry_error_set_openssl(error, FERRY_ERROR_FAILED, "starting to sign");
		return NULL;
	}
	if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA && !sign_set_rsa_pss(pctx, error))
		return NULL;
	if (EVP_DigestSign(ctx, NULL, &len, data, data_len) != 1) {
		ferry_error_set_openssl(error, FERRY_ERROR_FAILED, "signing");
		return NULL;
	}
	sig = g_malloc(len);
	if (EVP_DigestSign(ctx, sig, &len, data, data_len) != 1) {
		ferry_error_set_openssl(error, FERRY_ERROR_FAILED, "signing");
		return NULL;
	}
	return g_bytes_new_take(g_steal_pointer(&sig), len);
}

static void
file_finalize(FerrySigner *self)
{
	/* EVP_PKEY_free clears the private key material it holds */
	EVP_PKEY_free(ferry_signer_get_priv(self));
}

static const FerrySignerVTable file_vtable = {file_sign, file_finalize};

static FerryPublicKey *
public_of(EVP_PKEY *pkey, GError **error)
{
	guint8 *der = NULL;
	int len = i2d_PUBKEY(pkey, &der);
	FerryPublicKey *pub;

	if (len <= 0) {
		ferry_error_set_openssl(error, FERRY_ERROR_FAILED, "deriving the public key");
		return NULL;
	}
	pub = ferry_public_key_new_from_der(der, (gsize)len, error);
	OPENSSL_free(der);
	return pub;
}

/* reads all of @fd (a regular file of @size bytes) into secure memory */
static FerrySecret *
read_secret(int fd, gsize size, const gchar *path, GError **error)
{
	g_autoptr(FerrySecret) secret = ferry_secret_new(size, error);

	if (secret == NULL)
		return NULL;
	while (secret->len < size) {
		gssize n = read(fd, secret->data + secret->len, size - secret->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ferry_error_set_errno(error, errno, "reading '%s'", path);
			return NULL;
		}
		if (n == 0)
			break;
		secret->len += (gsize)n;
	}
	if (secret->len != size) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_IO, "'%s' changed while being read",
			    path);
		return NULL;
	}
	return g_steal_pointer(&secret);
}

/* @path: a regular file, not a link, that only its owner may access */
static FerrySecret *
read_private_file(const gchar *path, GError **error)
{
	/* O_NONBLOCK: a FIFO planted at @path must not hang us before the check */
	ferry_autofd int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
	struct stat st;

	if (fd < 0) {
		ferry_error_set_errno(error, errno, "opening key '%s'", path);
		return NULL;
	}
	if (fstat(fd, &st) != 0) {
		ferry_error_set_errno(error, errno, "examining key '%s'", path);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
			    "private key '%s' is not a regular file", path);
		return NULL;
	}
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
			    "private key '%s' is accessible by group or others (mode %04o): "
			    "chmod 600 it",
			    path, (guint)(st.st_mode & 07777));
		return NULL;
	}
	if (st.st_size > FERRY_MAX_PRIVATE_KEY_FILE) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE,
			    "private key '%s' is larger than %d bytes", path,
			    FERRY_MAX_PRIVATE_KEY_FILE);
		return NULL;
	}
	return read_secret(fd, (gsize)st.st_size, path, error);
}

/* the DER of an unencrypted PKCS#8 PEM block, into a key */
static EVP_PKEY *
pkcs8_decode(const guint8 *der, long der_len, GError **error)
{
	const guint8 *p = der;
	g_autoptr(PKCS8_PRIV_KEY_INFO) p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, der_len);
	EVP_PKEY *pkey;

	if (p8 == NULL || p != der + der_len) {
		ferry_error_set_openssl(error, FERRY_ERROR_FORMAT, "PKCS#8 private key");
		return NULL;
	}
	pkey = EVP_PKCS82PKEY(p8);
	if (pkey == NULL)
		ferry_error_set_openssl(error, FERRY_ERROR_UNSUPPORTED, "PKCS#8 private key");
	return pkey;
}

static EVP_PKEY *
private_key_from_pem(const FerrySecret *pem, GError **error)
{
	g_autoptr(BIO) bio = BIO_new_mem_buf(pem->data, (int)pem->len);
	gchar *name = NULL;
	gchar *header = NULL;
	guint8 *der = NULL;
	long der_len = 0;
	EVP_PKEY *pkey = NULL;

	/* secure heap for the decoded key; no headers, so never a passphrase prompt */
	if (bio == NULL || PEM_read_bio_ex(bio, &name, &header, &der, &der_len,
					   PEM_FLAG_SECURE | PEM_FLAG_ONLY_B64) != 1) {
		ferry_error_set_openssl(error, FERRY_ERROR_FORMAT, "reading PEM");
		return NULL;
	}
	if (g_strcmp0(name, "PRIVATE KEY") != 0 || header == NULL || header[0] != '\0')
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
			    "'%s' is not an unencrypted PKCS#8 private key",
			    name != NULL ? name : "");
	else
		pkey = pkcs8_decode(der, der_len, error);
	OPENSSL_secure_clear_free(der, (gsize)der_len);
	OPENSSL_secure_free(name);
	OPENSSL_secure_free(header);
	return pkey;
}

FerrySigner *
ferry_signer_new_from_file(const gchar *path, GError **error)
{
	g_autoptr(FerrySecret) pem = NULL;
	g_autoptr(EVP_PKEY) pkey = NULL;
	g_autoptr(FerryPublicKey) pub = NULL;
	const gchar *method;

	g_return_val_if_fail(path != NULL, NULL);

	pem = read_private_file(path, error);
	if (pem == NULL)
		return NULL;
	pkey = private_key_from_pem(pem, error);
	if (pkey == NULL) {
		g_prefix_error(error, "'%s': ", path);
		return NULL;
	}
	/* the public half passes the same checks as any key in metadata */
	pub = public_of(pkey, error);
	if (pub == NULL) {
		g_prefix_error(error, "'%s': ", path);
		return NULL;
	}
	method = ferry_key_type_get_default_scheme(ferry_public_key_get_key_type(pub));
	return ferry_signer_new_custom(&file_vtable, pub, method, g_steal_pointer(&pkey));
}

static gboolean
generate_check_args(FerryKeyType type, guint *bits, GError **error)
{
	if (type != FERRY_KEY_TYPE_RSA)
		return TRUE;
	if (*bits == 0)
		*bits = FERRY_MIN_GENERATED_RSA_BITS;
	if (*bits < FERRY_MIN_GENERATED_RSA_BITS || *bits > FERRY_KEY_MAX_RSA_BITS) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_INVALID_ARGUMENT,
			    "RSA keys are generated with %d to %d bits, not %u",
			    FERRY_MIN_GENERATED_RSA_BITS, FERRY_KEY_MAX_RSA_BITS, *bits);
		return FALSE;
	}
	return TRUE;
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

static gboolean
write_all(int fd, const guint8 *data, gsize len)
{
	while (len > 0) {
		gssize n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return FALSE;
		data += n;
		len -= (gsize)n;
	}
	return TRUE;
}

/* PKCS#8 PEM of @pkey into @fd, by way of secure memory */
static gboolean
write_private_key(int fd, EVP_PKEY *pkey, const gchar *path, GError **error)
{
	g_autoptr(BIO) bio = BIO_new(BIO_s_secmem());
	guint8 *data = NULL;
	long len;

	if (bio == NULL || PEM_write_bio_PKCS8PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL) != 1)
		return ferry_error_set_openssl(error, FERRY_ERROR_FAILED, "encoding private key");
	len = BIO_get_mem_data(bio, &data);
	if (len <= 0)
		return ferry_error_set_openssl(error, FERRY_ERROR_FAILED, "encoding private key");
	if (!write_all(fd, data, (gsize)len))
		return ferry_error_set_errno(error, errno, "writing '%s'", path);
	if (fsync(fd) != 0)
		return ferry_error_set_errno(error, errno, "syncing '%s'", path);
	return TRUE;
}

static gboolean
generate_into(int fd, FerryKeyType type, guint bits, const gchar *path, FerryPublicKey **out_public,
	      GError **error)
{
	g_autoptr(EVP_PKEY) pkey = NULL;
	g_autoptr(FerryPublicKey) pub = NULL;

	/* exactly 0600 whatever the umask took away: the key must stay readable */
	if (fchmod(fd, S_IRUSR | S_IWUSR) != 0)
		return ferry_error_set_errno(error, errno, "chmod '%s'", path);
	pkey = generate_pkey(type, bits, error);
	if (pkey == NULL)
		return FALSE;
	pub = public_of(pkey, error);
	if (pub == NULL)
		return FALSE;
	if (!write_private_key(fd, pkey, path, error))
		return FALSE;
	*out_public = g_steal_pointer(&pub);
	return TRUE;
}

gboolean
ferry_key_generate_file(FerryKeyType type, guint bits, const gchar *path,
			FerryPublicKey **out_public, GError **error)
{
	ferry_autofd int fd = -1;
	g_autoptr(FerryPublicKey) pub = NULL;
	int raw_fd;

	g_return_val_if_fail(path != NULL, FALSE);

	if (!generate_check_args(type, &bits, error))
		return FALSE;
	/* before generating, so an existing file costs no RSA key generation */
	fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, S_IRUSR | S_IWUSR);
	if (fd < 0)
		return ferry_error_set_errno(error, errno, "creating '%s'", path);
	if (!generate_into(fd, type, bits, path, &pub, error)) {
		(void)unlink(path);
		return FALSE;
	}
	raw_fd = fd;
	fd = -1;
	if (close(raw_fd) != 0) {
		int errsv = errno;
		(void)unlink(path);
		return ferry_error_set_errno(error, errsv, "closing '%s'", path);
	}
	if (out_public != NULL)
		*out_public = g_steal_pointer(&pub);
	return TRUE;
}
