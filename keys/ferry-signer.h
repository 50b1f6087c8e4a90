/*
 * ferry — signing behind one interface, so that a file key and an HSM key
 * (PKCS#11, later) are interchangeable for every caller.
 */
#pragma once

#include <glib.h>

#include "ferry-key.h"

G_BEGIN_DECLS

typedef struct _FerrySigner FerrySigner;

/* What an implementation provides. */
typedef struct {
	/* sign @data; returns raw signature bytes (transfer full) or NULL + error */
	GBytes *(*sign)(FerrySigner *self, const guint8 *data, gsize data_len, GError **error);
	/* release the implementation's private state (called once, from unref) */
	void (*finalize)(FerrySigner *self);
} FerrySignerVTable;

/**
 * ferry_signer_new_custom:
 * @vtable: (transfer none): static table of the implementation
 * @public_key: (transfer none): the matching public key (a ref is taken)
 * @method: the signature method this signer produces, e.g. "ed25519"
 * @priv: the implementation's private state, released by vtable->finalize
 *
 * For implementations (file, PKCS#11). Returns: (transfer full)
 */
FerrySigner *
ferry_signer_new_custom(const FerrySignerVTable *vtable, FerryPublicKey *public_key,
			const gchar *method, gpointer priv);
gpointer
ferry_signer_get_priv(FerrySigner *self);

FerrySigner *
ferry_signer_ref(FerrySigner *self);
void
ferry_signer_unref(FerrySigner *self);

/* (transfer none) */
FerryPublicKey *
ferry_signer_get_public_key(FerrySigner *self);
/* "ed25519", "rsassa-pss-sha256" or "ecdsa-sha2-nistp256"; (transfer none) */
const gchar *
ferry_signer_get_method(FerrySigner *self);

/**
 * ferry_signer_sign:
 *
 * Returns: (transfer full): the raw signature bytes, or %NULL
 */
GBytes *
ferry_signer_sign(FerrySigner *self, const guint8 *data, gsize data_len,
		  GError **error) G_GNUC_WARN_UNUSED_RESULT;

/**
 * ferry_signer_new_from_file:
 * @path: a PEM private key (PKCS#8 "PRIVATE KEY"; Ed25519, RSA or EC P-256)
 *
 * RSA keys sign with rsassa-pss-sha256 (salt length = digest length), EC keys
 * with ecdsa-sha2-nistp256, Ed25519 with ed25519. Refuses a key file that is
 * readable by group or others (FERRY_ERROR_INVALID_ARGUMENT); like ssh, any
 * group/other permission bit counts, and links and non-regular files are refused.
 * Encrypted or non-PKCS#8 PEM is FERRY_ERROR_FORMAT (no passphrase prompt).
 *
 * Returns: (transfer full): a signer, or %NULL
 */
FerrySigner *
ferry_signer_new_from_file(const gchar *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/**
 * ferry_key_generate_file:
 * @type: key type
 * @bits: RSA modulus size (3072 when 0; less than 3072 is refused); ignored otherwise
 * @path: where to write the PEM private key; created with O_EXCL and mode 0600
 * @out_public: (out) (optional) (transfer full): the public key
 *
 * Returns: %TRUE on success; on failure no file is left behind
 */
gboolean
ferry_key_generate_file(FerryKeyType type, guint bits, const gchar *path,
			FerryPublicKey **out_public, GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC(FerrySigner, ferry_signer_unref)

G_END_DECLS
