/*
 * ferry — the trusted metadata of ONE repository (image repository or
 * director), in the spirit of python-tuf's TrustedMetadataSet: it starts from
 * a trusted root and is fed bytes; each update either makes the new document
 * trusted or fails with a specific FERRY_ERROR and changes nothing.
 *
 * Rollback protection across runs: the caller hands in the documents it
 * trusted last time (ferry_trusted_set_set_previous); new versions are
 * compared with them. Equal versions with different content are accepted by
 * default, as the Uptane test vectors require; see
 * ferry_trusted_set_set_strict_equal_version().
 */
#pragma once

#include <glib.h>

#include "ferry-metadata.h"

G_BEGIN_DECLS

#define FERRY_MAX_ROOT_ROTATIONS      256
#define FERRY_MAX_DELEGATIONS_VISITED 32

typedef struct _FerryTrustedSet FerryTrustedSet;

/**
 * ferry_trusted_set_new:
 * @root: bytes of the root the device already trusts
 * @error: parse errors, or the root's own signature threshold not met
 *
 * The root must be signed by a threshold of its own root keys. Its expiry is
 * checked later, once no newer root follows (the first non-root update).
 *
 * Returns: (transfer full)
 */
FerryTrustedSet *
ferry_trusted_set_new(GBytes *root, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void
ferry_trusted_set_free(FerryTrustedSet *self);

/* Expiry is checked against MAX(@now, @floor). */
void
ferry_trusted_set_set_time(FerryTrustedSet *self, gint64 now, gint64 floor);
gint64
ferry_trusted_set_get_effective_time(const FerryTrustedSet *self);
/* Reject an equal version with other content (FERRY_ERROR_EQUAL_VERSION). Default off. */
void
ferry_trusted_set_set_strict_equal_version(FerryTrustedSet *self, gboolean strict);
/* Cap for image and delegated targets documents; 0 = FERRY_MAX_IMAGE_TARGETS_SIZE. */
void
ferry_trusted_set_set_max_targets_size(FerryTrustedSet *self, gsize max_size);
/* Allow a snapshot without a timestamp (offline image repository). Default off. */
void
ferry_trusted_set_set_offline(FerryTrustedSet *self, gboolean offline);

/**
 * ferry_trusted_set_set_previous:
 * @role: timestamp, snapshot, targets (with @name the role name), offline
 *   snapshot or offline updates (@name the lockbox name)
 * @bytes: the document trusted at the end of the last successful cycle
 *
 * Used only for rollback checks; parsed, not re-verified (it came from the
 * device's own state). A root rotation that changes the timestamp or snapshot
 * keys forgets the previous timestamp and snapshot (TUF 5.3.11).
 */
gboolean
ferry_trusted_set_set_previous(FerryTrustedSet *self, FerryRoleType role, const gchar *name,
			       GBytes *bytes, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/**
 * ferry_trusted_set_update_root:
 * N → N+1: signed by a threshold of the current root keys and of its own
 * root keys, and stating version N+1 (FERRY_ERROR_ROOT_ROTATION otherwise).
 */
gboolean
ferry_trusted_set_update_root(FerryTrustedSet *self, GBytes *bytes,
			      GError **error) G_GNUC_WARN_UNUSED_RESULT;

/**
 * ferry_trusted_set_finish_root:
 * Ends the root walk: checks the final root's expiry (FERRY_ERROR_EXPIRED).
 * Called implicitly by the first non-root update.
 */
gboolean
ferry_trusted_set_finish_root(FerryTrustedSet *self, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Image repository. */
gboolean
ferry_trusted_set_update_timestamp(FerryTrustedSet *self, GBytes *bytes,
				   GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean
ferry_trusted_set_update_snapshot(FerryTrustedSet *self, GBytes *bytes,
				  GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean
ferry_trusted_set_update_targets(FerryTrustedSet *self, GBytes *bytes,
				 GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* @parent is "targets" or an already trusted delegated role */
gboolean
ferry_trusted_set_update_delegated_targets(FerryTrustedSet *self, GBytes *bytes,
					   const gchar *role_name, const gchar *parent,
					   GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Loads a delegated role's bytes; FERRY_ERROR_NOT_FOUND when absent. */
typedef GBytes *(*FerryLoadRoleFunc)(const gchar *role_name, gpointer user_data, GError **error);

/**
 * ferry_trusted_set_resolve_target:
 * Finds @name in top-level targets, then through the delegation graph
 * (pre-order, depth first, terminating honoured, at most
 * FERRY_MAX_DELEGATIONS_VISITED roles), loading roles through @load
 * (nullable: reaching a role not yet trusted then fails with
 * FERRY_ERROR_DELEGATION_MISSING).
 * A delegated role that has expired is not used.
 * @out: (out caller-allocates): borrowed from the trusted set's documents
 * @error: FERRY_ERROR_TARGET_MISMATCH (not found), FERRY_ERROR_DELEGATION
 *   (too many roles), FERRY_ERROR_DELEGATION_MISSING, or a delegated role's
 *   verification error
 */
gboolean
ferry_trusted_set_resolve_target(FerryTrustedSet *self, const gchar *name, FerryLoadRoleFunc load,
				 gpointer user_data, FerryTarget *out,
				 GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Director repository, classic: targets addressed to ECU serials. */
typedef struct {
	const gchar *serial;
	const gchar *hardware_id;
} FerryEcu;

/**
 * ferry_trusted_set_update_director_targets:
 * Uptane director rules: no delegations (FERRY_ERROR_DIRECTOR_DELEGATION),
 * no ECU serial in two targets (FERRY_ERROR_REPEATED_ECU), only serials in
 * @ecus (FERRY_ERROR_UNKNOWN_ECU), each with its ECU's hardware id
 * (FERRY_ERROR_HARDWARE_ID).
 */
gboolean
ferry_trusted_set_update_director_targets(FerryTrustedSet *self, GBytes *bytes,
					  const FerryEcu *ecus, guint n_ecus,
					  GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Director repository, PURE-2 offline roles. */
gboolean
ferry_trusted_set_update_offline_snapshot(FerryTrustedSet *self, GBytes *bytes,
					  GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* @name: the lockbox name; its "<name>.json" must be listed by offline-snapshot */
gboolean
ferry_trusted_set_update_offline_updates(FerryTrustedSet *self, GBytes *bytes, const gchar *name,
					 GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Trusted documents (transfer none), NULL when not loaded. */
FerryMetadata *
ferry_trusted_set_get_root(FerryTrustedSet *self);
FerryMetadata *
ferry_trusted_set_get(FerryTrustedSet *self, FerryRoleType role, const gchar *name);
/* (transfer container) (element-type utf8) names of loaded delegated roles */
GPtrArray *
ferry_trusted_set_get_delegated_names(FerryTrustedSet *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(FerryTrustedSet, ferry_trusted_set_free)

G_END_DECLS
