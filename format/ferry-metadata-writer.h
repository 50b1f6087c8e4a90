/*
 * ferry — writing signed Uptane/TUF metadata (TUF 1.0 dialect: lower-case
 * _type, spec_version, keys with scheme, hex signatures, securesystemslib
 * key ids), so that python-tuf/securesystemslib and ferry's own verifier
 * both accept it.
 */
#pragma once

#include <glib.h>

#include "ferry-json.h"
#include "ferry-signer.h"

G_BEGIN_DECLS

#define FERRY_SPEC_VERSION "1.0.31"

/**
 * ferry_metadata_writer_new_signed:
 * @doc: where to build
 * @type: "root", "targets", "offline-snapshot", ...
 *
 * Returns: (transfer none): a "signed" object with _type, spec_version,
 * version and expires set, ready for the role's fields
 */
FerryJsonValue *
ferry_metadata_writer_new_signed(FerryJsonDoc *doc, const gchar *type, gint64 version,
				 gint64 expires);

/* {"keytype","scheme","keyval":{"public"}} of @key (transfer none, in @doc) */
FerryJsonValue *
ferry_metadata_writer_key(FerryJsonDoc *doc, FerryPublicKey *key);

/**
 * ferry_metadata_writer_add_role_key:
 * Adds @key to root's "keys" and to role @role's "keyids" (creating the role
 * with @threshold when absent) of the root "signed" object @root.
 */
void
ferry_metadata_writer_add_role_key(FerryJsonDoc *doc, FerryJsonValue *root, const gchar *role,
				   FerryPublicKey *key, gint64 threshold);

/**
 * ferry_metadata_writer_sign:
 * @signed_obj: the "signed" object
 * @signers: (element-type FerrySigner): who signs
 *
 * Returns: (transfer full): the envelope, pretty-printed, or %NULL
 */
GBytes *
ferry_metadata_writer_sign(const FerryJsonValue *signed_obj, GPtrArray *signers,
			   GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* {"version", "length", "hashes": {"sha256"}} describing @bytes (transfer none) */
FerryJsonValue *
ferry_metadata_writer_meta_entry(FerryJsonDoc *doc, gint64 version, GBytes *bytes);

G_END_DECLS
