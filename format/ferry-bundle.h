/*
 * ferry — reading and writing bundles (docs/format.md). The reader takes
 * every byte as hostile: member types, names, order and sizes are checked
 * before anything is read, and the signed parts are held in memory, so what
 * is verified is exactly what is used.
 */
#pragma once

#include <glib.h>

#include "ferry-cycle.h"
#include "ferry-metadata.h"

G_BEGIN_DECLS

#define FERRY_BUNDLE_FORMAT_MAGIC "ferry-bundle 1\n"
#define FERRY_BUNDLE_MAX_MEMBERS  4096
#define FERRY_BUNDLE_MAX_PATH	  255
#define FERRY_BUNDLE_MAX_MANIFEST (1024 * 1024)
#define FERRY_BUNDLE_MAX_PAYLOAD  (G_GINT64_CONSTANT(64) * 1024 * 1024 * 1024)

typedef struct _FerryBundleReader FerryBundleReader;

/**
 * ferry_bundle_reader_open:
 * Opens @path (O_NOFOLLOW) and reads the format member, the signed parts and
 * the manifest into memory, checking order, types, names and caps.
 * @error: FERRY_ERROR_UNSUPPORTED for another format version, FERRY_ERROR_FORMAT
 *   for anything malformed, FERRY_ERROR_TOO_LARGE over a cap
 *
 * Returns: (transfer full)
 */
FerryBundleReader *
ferry_bundle_reader_open(const gchar *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void
ferry_bundle_reader_free(FerryBundleReader *self);

/* (transfer none) a source over the signed parts, for ferry_cycle_run */
const FerryMetadataSource *
ferry_bundle_reader_get_source(FerryBundleReader *self);
/* (transfer none) the manifest bytes */
GBytes *
ferry_bundle_reader_get_manifest(FerryBundleReader *self);
/* (transfer container) paths of the signed parts in archive order */
GPtrArray *
ferry_bundle_reader_get_part_paths(FerryBundleReader *self);
/* (transfer none) a signed part, or NULL */
GBytes *
ferry_bundle_reader_get_part(FerryBundleReader *self, const gchar *path);

/**
 * ferry_bundle_reader_check_manifest:
 * @director_root: (nullable): the trusted director root (after the cycle's
 *   rotation); %NULL skips the signature — for inspecting, never for trusting
 * @out_manifest: (out) (optional) (transfer full): the verified manifest
 * @error: FERRY_ERROR_SIGNATURE/UNKNOWN_KEY for the signature,
 *   FERRY_ERROR_HASH_MISMATCH when a signed part differs from its entry,
 *   FERRY_ERROR_FORMAT when the manifest and the archive disagree
 *
 * Verifies the manifest against the root's offline-updates role and every
 * signed part against its manifest entry.
 */
gboolean
ferry_bundle_reader_check_manifest(FerryBundleReader *self, FerryMetadata *director_root,
				   FerryJsonDoc **out_manifest,
				   GError **error) G_GNUC_WARN_UNUSED_RESULT;

/**
 * ferry_bundle_reader_next_payload:
 * Advances to the next payload member (after the manifest).
 * @out_path: (out) (transfer none): its path, valid until the next call
 * @out_size: (out): its size from the header (checked against the cap)
 *
 * Returns: TRUE with a member, FALSE at the end (no error) or on error
 */
gboolean
ferry_bundle_reader_next_payload(FerryBundleReader *self, const gchar **out_path, gint64 *out_size,
				 GError **error) G_GNUC_WARN_UNUSED_RESULT;

/**
 * ferry_bundle_reader_copy_payload:
 * Streams the current payload into @out_fd, hashing it; at most its header
 * size is read. @out_sha256: (out) (transfer full): hex digest
 */
gboolean
ferry_bundle_reader_copy_payload(FerryBundleReader *self, int out_fd, gchar **out_sha256,
				 GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* TRUE if @path is an acceptable member path (docs/format.md) */
gboolean
ferry_bundle_path_is_valid(const gchar *path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(FerryBundleReader, ferry_bundle_reader_free)

G_END_DECLS
