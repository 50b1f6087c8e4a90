/*
 * ferry — images: OSTree commits copied into an environment and listed as
 * OSTREE targets of its image repository.
 */
#pragma once

#include <glib.h>

#include "ferry-json.h"

G_BEGIN_DECLS

typedef struct {
	const gchar *env;
	const gchar *repo;   /* source OSTree repository */
	const gchar *ref;    /* or ... */
	const gchar *commit; /* ... a commit checksum */
	const gchar *name;
	const gchar *version;
	const gchar *const *hardware_ids;
} FerryImageAddOptions;

/**
 * ferry_image_add:
 * Copies the commit's objects into the environment's repository (checksums
 * verified), pins it with the ref "ferry/images/NAME/VERSION", adds the target
 * "NAME-VERSION" (length 0, sha256 = commit, custom name/version/hardwareIds/
 * targetFormat/createdAt) and re-signs targets, snapshot and timestamp.
 * Adding the same name, version and commit again is a no-op; another commit
 * under a name and version already used is FERRY_ERROR_INVALID_ARGUMENT.
 * @out_target: (out) (optional) (transfer full): the target name
 */
gboolean
ferry_image_add(const gchar *workspace, const FerryImageAddOptions *opts, gchar **out_target,
		GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* (transfer full) the images of @env as JSON (array) or text */
gchar *
ferry_image_list(const gchar *workspace, const gchar *env, gboolean json,
		 GError **error) G_GNUC_WARN_UNUSED_RESULT;

/**
 * ferry_image_resign:
 * @envdir: the environment's directory
 * @target: (nullable): a target to add or replace, with its @entry
 * @min_expires: the new documents expire no earlier than this (0: by settings)
 *
 * Re-signs targets, snapshot and timestamp with versions + 1; all three are
 * written to temporary names first and renamed together.
 */
gboolean
ferry_image_resign(const gchar *envdir, const gchar *target, const FerryJsonValue *entry,
		   gint64 min_expires, GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
