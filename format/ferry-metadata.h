/*
 * ferry — Uptane/TUF metadata: parsing (both dialects) and signature checks.
 *
 * A FerryMetadata is one signed document ("signatures" + "signed"), parsed
 * strictly for its role. Verification is separate (ferry_metadata_verify) and
 * takes the keys and threshold from whoever delegates the role, so a parsed
 * document is never trusted by itself.
 */
#pragma once

#include <glib.h>

#include "ferry-json.h"
#include "ferry-key.h"

G_BEGIN_DECLS

/* Size caps for metadata from a stick, by role. */
#define FERRY_MAX_ROOT_SIZE		(64 * 1024)
#define FERRY_MAX_TIMESTAMP_SIZE	(64 * 1024)
#define FERRY_MAX_SNAPSHOT_SIZE		(1024 * 1024)
#define FERRY_MAX_DIRECTOR_TARGETS_SIZE (64 * 1024)
#define FERRY_MAX_OFFLINE_SNAPSHOT_SIZE (64 * 1024)
#define FERRY_MAX_OFFLINE_UPDATES_SIZE	(1024 * 1024)
#define FERRY_MAX_IMAGE_TARGETS_SIZE	(16 * 1024 * 1024)
/* Count caps. */
#define FERRY_MAX_SIGNATURES	  256
#define FERRY_MAX_KEYS		  1024
#define FERRY_MAX_ROLE_KEYIDS	  256
#define FERRY_MAX_DELEGATED_ROLES 1024
#define FERRY_MAX_PATHS_PER_ROLE  1024
#define FERRY_MAX_HASHES	  8
#define FERRY_MAX_STRING_FIELD	  4096 /* names, key ids, hashes, role names */

typedef enum {
	FERRY_ROLE_ROOT,
	FERRY_ROLE_TIMESTAMP,
	FERRY_ROLE_SNAPSHOT,
	FERRY_ROLE_TARGETS, /* top-level, delegated and classic director targets */
	FERRY_ROLE_OFFLINE_SNAPSHOT,
	FERRY_ROLE_OFFLINE_UPDATES,
	FERRY_ROLE_BUNDLE_MANIFEST, /* a bundle's manifest: envelope, version, expires */
} FerryRoleType;

/* "root", "timestamp", ..., "offline-updates"; (transfer none) */
const gchar *
ferry_role_type_to_string(FerryRoleType role);

/* A role's keys as root or a delegating targets file names them. */
typedef struct {
	gchar *name;	   /* role name: "targets", a delegated name, ... */
	GPtrArray *keyids; /* of gchar* */
	gint64 threshold;  /* >= 1 */
	/* delegations only */
	GPtrArray *paths;	       /* of gchar*, or NULL */
	GPtrArray *path_hash_prefixes; /* of gchar*, or NULL */
	gboolean terminating;
} FerryRoleKeys;

/* One entry of a snapshot/timestamp/offline-snapshot "meta" map. */
typedef struct {
	gint64 version;
	gint64 length;	     /* -1 when absent */
	const gchar *sha256; /* lowercase hex, NULL when absent; borrowed */
	const gchar *sha512; /* borrowed, may be NULL */
} FerryMetaFile;

/* One target entry; strings borrowed from the metadata document. */
typedef struct {
	const gchar *name;
	gint64 length;
	const gchar *sha256;	      /* NULL when absent */
	const gchar *sha512;	      /* NULL when absent */
	const FerryJsonValue *custom; /* object or NULL */
} FerryTarget;

typedef struct _FerryMetadata FerryMetadata;

/**
 * ferry_metadata_new_from_bytes:
 * @bytes: the file as read (any whitespace/key order; re-canonicalised here)
 * @role: what the caller expects; `_type` must name it (case-insensitive;
 *   offline roles accept the Torizon and PURE-2 spellings)
 * @max_size: cap for @bytes
 * @error: FERRY_ERROR_TOO_LARGE, FERRY_ERROR_FORMAT, FERRY_ERROR_TYPE_MISMATCH,
 *   FERRY_ERROR_ILLEGAL_THRESHOLD (root or delegation threshold < 1),
 *   FERRY_ERROR_DUPLICATE_SIGNATURE, FERRY_ERROR_UNSUPPORTED (spec_version 2+)
 *
 * Returns: (transfer full): parsed, not yet verified metadata, or %NULL
 */
FerryMetadata *
ferry_metadata_new_from_bytes(GBytes *bytes, FerryRoleType role, gsize max_size,
			      GError **error) G_GNUC_WARN_UNUSED_RESULT;
FerryMetadata *
ferry_metadata_ref(FerryMetadata *self);
void
ferry_metadata_unref(FerryMetadata *self);

FerryRoleType
ferry_metadata_get_role(const FerryMetadata *self);
gint64
ferry_metadata_get_version(const FerryMetadata *self);
/* seconds since the epoch (UTC) */
gint64
ferry_metadata_get_expires(const FerryMetadata *self);
/* (transfer none) the bytes this was parsed from */
GBytes *
ferry_metadata_get_bytes(const FerryMetadata *self);
/* (transfer none) canonical bytes of the whole document (OLPC style), or NULL
 * when it has none (a float in an extra field of a signature object) */
GBytes *
ferry_metadata_get_canonical(const FerryMetadata *self);
/* (transfer none) the "signed" object */
const FerryJsonValue *
ferry_metadata_get_signed(const FerryMetadata *self);

/* TRUE if both documents have identical canonical "signed" content */
gboolean
ferry_metadata_same_content(const FerryMetadata *a, const FerryMetadata *b);

/**
 * ferry_metadata_check_expiry:
 * @now: effective time (the caller applies its trusted-time floor)
 * @error: FERRY_ERROR_EXPIRED
 */
gboolean
ferry_metadata_check_expiry(const FerryMetadata *self, gint64 now,
			    GError **error) G_GNUC_WARN_UNUSED_RESULT;

/**
 * ferry_metadata_verify:
 * @keys: (element-type utf8 FerryPublicKey): key id → key, as the delegator lists them
 * @role: the role's key ids and threshold
 * @error: FERRY_ERROR_SIGNATURE (fewer distinct valid public keys than the
 *   threshold), FERRY_ERROR_UNKNOWN_KEY (threshold unmet and some signature
 *   came from a key id the role does not list)
 *
 * Counts distinct public keys, not key ids. Signatures are decoded from hex
 * or base64, and checked over the canonical "signed" bytes (OLPC, and the
 * control-escaped form when it differs).
 */
gboolean
ferry_metadata_verify(const FerryMetadata *self, GHashTable *keys, const FerryRoleKeys *role,
		      GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* ---- root ---- */
/* (transfer none) key id → FerryPublicKey; keys of unsupported types are absent */
GHashTable *
ferry_metadata_root_get_keys(const FerryMetadata *self);
/* (transfer none) the role by name; offline role names accept both spellings; NULL if absent */
const FerryRoleKeys *
ferry_metadata_root_get_role(const FerryMetadata *self, const gchar *name);
gboolean
ferry_metadata_root_get_consistent_snapshot(const FerryMetadata *self);

/* ---- timestamp / snapshot / offline-snapshot ---- */
/* (transfer none) entry for @filename ("snapshot.json", "targets.json", "<lockbox>.json") or NULL
 */
const FerryMetaFile *
ferry_metadata_get_meta(const FerryMetadata *self, const gchar *filename);
/* (transfer container) sorted file names of the meta map */
GPtrArray *
ferry_metadata_get_meta_names(const FerryMetadata *self);

/**
 * ferry_metadata_matches_meta:
 * @filename: for messages
 * @mf: what a snapshot/timestamp/offline-snapshot lists for this document
 * @error: FERRY_ERROR_HASH_MISMATCH
 *
 * Length and hashes may describe the bytes as read or the canonical form;
 * either is accepted. The version is the caller's check.
 */
gboolean
ferry_metadata_matches_meta(const FerryMetadata *self, const gchar *filename,
			    const FerryMetaFile *mf, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* ---- targets / offline-updates ---- */
guint
ferry_metadata_get_n_targets(const FerryMetadata *self);
/* fills @out (borrowed strings) for the target @name; FALSE if absent */
gboolean
ferry_metadata_get_target(const FerryMetadata *self, const gchar *name, FerryTarget *out);
/* target @idx in sorted name order */
void
ferry_metadata_get_target_at(const FerryMetadata *self, guint idx, FerryTarget *out);
gboolean
ferry_metadata_has_delegations(const FerryMetadata *self);
/* (transfer none) key id → FerryPublicKey of the delegations */
GHashTable *
ferry_metadata_get_delegation_keys(const FerryMetadata *self);
/* (transfer none) (element-type FerryRoleKeys) in listed order; empty if none */
GPtrArray *
ferry_metadata_get_delegated_roles(const FerryMetadata *self);

/* TRUE if @target_name is covered by @role's paths / path_hash_prefixes */
gboolean
ferry_role_keys_matches_target(const FerryRoleKeys *role, const gchar *target_name);

/* ---- targets helpers ---- */
/* custom.hardwareIds contains @hardware_id */
gboolean
ferry_target_has_hardware_id(const FerryTarget *target, const gchar *hardware_id);
/* TRUE if the target names an OSTree commit (targetFormat OSTREE, or length 0 without a format) */
gboolean
ferry_target_is_ostree(const FerryTarget *target);
/**
 * ferry_target_match:
 * Director vs image entry: equal length, every hash algorithm both list
 * equal (at least one shared), and the image entry's hardwareIds, if any,
 * contain @hardware_id.
 * @error: FERRY_ERROR_TARGET_MISMATCH
 */
gboolean
ferry_target_match(const FerryTarget *director, const FerryTarget *image, const gchar *hardware_id,
		   GError **error) G_GNUC_WARN_UNUSED_RESULT;
/**
 * ferry_target_check_payload:
 * @error: FERRY_ERROR_TARGET_LENGTH or FERRY_ERROR_TARGET_HASH
 */
gboolean
ferry_target_check_payload(const FerryTarget *target, const guint8 *data, gsize len,
			   GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* "YYYY-MM-DDTHH:MM:SSZ" only; FERRY_ERROR_FORMAT otherwise */
gboolean
ferry_parse_iso8601(const gchar *s, gint64 *out, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* (transfer full) the same format */
gchar *
ferry_format_iso8601(gint64 t);

/* sha256 of @data as lowercase hex (transfer full) */
gchar *
ferry_sha256_hex(const guint8 *data, gsize len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(FerryMetadata, ferry_metadata_unref)

G_END_DECLS
