/*
 * ferry — environments (dev, qa, prod, ...) in a workspace: each has its own
 * keys, an image repository, an offline director, an archive-mode OSTree
 * repository and a ledger.
 *
 *   WORKSPACE/envs/NAME/env.json            settings (key type, expiries)
 *   WORKSPACE/envs/NAME/keys/NAME.pem       private keys, 0600, in a 0700 dir
 *   WORKSPACE/envs/NAME/image-repo/         N.root.json, root.json, targets.json,
 *                                           snapshot.json, timestamp.json
 *   WORKSPACE/envs/NAME/director/           N.root.json, root.json (offline roles)
 *   WORKSPACE/envs/NAME/ostree/             archive-mode OSTree repository
 *   WORKSPACE/envs/NAME/ledger.db           append-only history
 */
#pragma once

#include <glib.h>

#include "ferry-json.h"
#include "ferry-key.h"
#include "ferry-signer.h"

G_BEGIN_DECLS

typedef struct {
	FerryKeyType key_type;
	gint64 root_days;
	gint64 targets_days;
	gint64 snapshot_days;
	gint64 timestamp_days;
} FerryEnvOptions;

/* defaults: ed25519; root 365 days, targets 180, snapshot and timestamp 30 */
void
ferry_env_options_init(FerryEnvOptions *opts);

/* [A-Za-z0-9][A-Za-z0-9._-]{0,63}; FERRY_ERROR_INVALID_ARGUMENT otherwise */
gboolean
ferry_env_check_name(const gchar *name, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/**
 * ferry_env_init:
 * Builds the environment in a temporary directory and renames it into
 * place, so a failure leaves nothing behind.
 * @error: FERRY_ERROR_INVALID_ARGUMENT when it exists already
 */
gboolean
ferry_env_init(const gchar *workspace, const gchar *name, const FerryEnvOptions *opts,
	       GError **error) G_GNUC_WARN_UNUSED_RESULT;

/**
 * ferry_env_export_trust:
 * Writes OUTDIR/director-root.json and OUTDIR/image-root.json, the roots a
 * device of this environment is provisioned with. Nothing secret.
 * @error: FERRY_ERROR_NOT_FOUND for an unknown environment
 */
gboolean
ferry_env_export_trust(const gchar *workspace, const gchar *name, const gchar *outdir,
		       GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* (transfer full) WORKSPACE/envs/NAME, after checking it exists */
gchar *
ferry_env_get_dir(const gchar *workspace, const gchar *name, GError **error);

/* reads ENVDIR/env.json into @opts */
gboolean
ferry_env_load_options(const gchar *envdir, FerryEnvOptions *opts,
		       GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* (transfer full) the signer of ENVDIR/keys/@key_name.pem, e.g. "image-targets";
 * FERRY_ERROR_NOT_FOUND names the missing key */
FerrySigner *
ferry_env_load_signer(const gchar *envdir, const gchar *key_name, GError **error);

/* writes DIR/NAME atomically (temporary file, fsync, rename) */
gboolean
ferry_env_write_file(const gchar *dir, const gchar *name, GBytes *bytes,
		     GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* (transfer full) @signed_obj signed by ENVDIR/keys/@key_name.pem, pretty-printed */
GBytes *
ferry_env_sign(const gchar *envdir, const gchar *key_name, const FerryJsonValue *signed_obj,
	       GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
