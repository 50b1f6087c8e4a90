/*
 * ferry — a FerryMetadataSource over a directory laid out as a Torizon
 * lockbox (metadata/director/, metadata/image-repo/, images/) or as an online
 * Uptane pair (director/, image_repo/). Every file is opened relative to the
 * directory without following links, capped, and read once into memory.
 */
#pragma once

#include <glib.h>

#include "ferry-cycle.h"

G_BEGIN_DECLS

typedef struct _FerryMetadataDir FerryMetadataDir;

/**
 * ferry_metadata_dir_new:
 * @error: FERRY_ERROR_NOT_FOUND when @path has neither layout
 *
 * Returns: (transfer full)
 */
FerryMetadataDir *
ferry_metadata_dir_new(const gchar *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void
ferry_metadata_dir_free(FerryMetadataDir *self);

/* (transfer none) valid while @self lives */
const FerryMetadataSource *
ferry_metadata_dir_get_source(FerryMetadataDir *self);

/* "lockbox" or "online" */
const gchar *
ferry_metadata_dir_get_layout(FerryMetadataDir *self);

/**
 * ferry_read_file_at:
 * @dirfd: directory to resolve @relpath in (components separated by '/')
 * @max_size: FERRY_ERROR_TOO_LARGE beyond this, before anything is read
 *
 * Opens each component with O_NOFOLLOW; refuses "..", empty components, an
 * absolute path, and anything that is not a regular file.
 *
 * Returns: (transfer full) the bytes, or %NULL (FERRY_ERROR_NOT_FOUND when absent)
 */
GBytes *
ferry_read_file_at(int dirfd, const gchar *relpath, gsize max_size,
		   GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC(FerryMetadataDir, ferry_metadata_dir_free)

G_END_DECLS
