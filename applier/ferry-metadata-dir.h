/*
 * ferry — a FerryMetadataSource over a directory laid out as a Torizon
 * lockbox (metadata/director/, metadata/image-repo/, payloads in images/) or
 * as an online Uptane pair (director/, image_repo/; payloads in
 * image_repo/targets/ when that directory exists, else in image_repo/).
 *
 * Every file is opened relative to the directory, component by component,
 * without following links; it must be a regular file, its size is checked
 * against the caller's cap before anything is read, and it is read once into
 * memory, so the bytes verified are the bytes used.
 */
#pragma once

#include <glib.h>

#include "ferry-cycle.h"

G_BEGIN_DECLS

/* deepest relative path accepted (components) */
#define FERRY_MAX_PATH_COMPONENTS 16

typedef struct _FerryMetadataDir FerryMetadataDir;

typedef enum {
	FERRY_METADATA_LAYOUT_LOCKBOX, /* metadata/director/, metadata/image-repo/, images/ */
	FERRY_METADATA_LAYOUT_ONLINE,  /* director/, image_repo/ */
} FerryMetadataLayout;

/**
 * ferry_metadata_dir_new:
 * @path: the directory (a mounted stick, an unpacked bundle, a test step)
 * @error: FERRY_ERROR_NOT_FOUND when @path is absent or has neither layout,
 *   FERRY_ERROR_IO when it cannot be opened
 *
 * The directory stays open (by fd) until the source is freed.
 *
 * Returns: (transfer full): the source, or %NULL
 */
FerryMetadataDir *
ferry_metadata_dir_new(const gchar *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* NULL-safe */
void
ferry_metadata_dir_free(FerryMetadataDir *self);

/**
 * ferry_metadata_dir_get_source:
 *
 * The source's read() resolves "<file>" inside the repository's directory.
 * A delegated role asked for as "delegations/<role>.json" that is absent
 * there is looked up as "<role>.json" at the repository's top level (PURE-2's
 * sample layout). Errors: FERRY_ERROR_NOT_FOUND (absent), FERRY_ERROR_TOO_LARGE
 * (over the cap), FERRY_ERROR_FORMAT (unacceptable name, a link, not a regular
 * file), FERRY_ERROR_IO.
 *
 * Returns: (transfer none): valid while @self lives
 */
const FerryMetadataSource *
ferry_metadata_dir_get_source(FerryMetadataDir *self);

FerryMetadataLayout
ferry_metadata_dir_get_layout(FerryMetadataDir *self);

/* "lockbox" or "online"; (transfer none) */
const gchar *
ferry_metadata_layout_to_string(FerryMetadataLayout layout);

/**
 * ferry_read_file_at:
 * @dirfd: directory to resolve @relpath in
 * @relpath: components separated by '/'; "..", ".", empty components (so
 *   also a leading '/') and more than FERRY_MAX_PATH_COMPONENTS are refused
 *   with FERRY_ERROR_FORMAT
 * @max_size: FERRY_ERROR_TOO_LARGE beyond this, before anything is read
 *
 * Opens directories with O_DIRECTORY|O_NOFOLLOW and the file with
 * O_NOFOLLOW (FERRY_ERROR_FORMAT for a link); the file must be regular.
 *
 * Returns: (transfer full): the bytes, or %NULL (FERRY_ERROR_NOT_FOUND when absent)
 */
GBytes *
ferry_read_file_at(int dirfd, const gchar *relpath, gsize max_size,
		   GError **error) G_GNUC_WARN_UNUSED_RESULT;

/**
 * ferry_read_file_capped:
 * @path: a local file named by the device's configuration or command line
 *   (links are followed: it is not read from the medium)
 * @max_size: FERRY_ERROR_TOO_LARGE beyond this, before anything is read
 *
 * Returns: (transfer full): the bytes, or %NULL
 */
GBytes *
ferry_read_file_capped(const gchar *path, gsize max_size, GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC(FerryMetadataDir, ferry_metadata_dir_free)

G_END_DECLS
