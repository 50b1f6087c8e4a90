/* ferry — bundle inspect / bundle verify */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* (transfer full) what is inside @path, checked against its manifest, no trust */
gchar *
ferry_bundle_inspect(const gchar *path, gboolean json, GError **error) G_GNUC_WARN_UNUSED_RESULT;

typedef struct {
	const gchar *director_root;
	const gchar *image_root;
	const gchar *hardware_id; /* NULL: every hardware id the bundle serves */
	const gchar *from;	  /* the device's current commit, or NULL */
	gint64 now;
} FerryBundleVerifyOptions;

/**
 * ferry_bundle_verify:
 * What a device would run: the full Uptane cycle over the signed parts
 * against the given roots, the manifest against the director's
 * offline-updates role, every member against the manifest, and a delta for
 * the hardware id (and source commit) given.
 * @out_report: (out) (transfer full): human-readable lines
 */
gboolean
ferry_bundle_verify(const gchar *path, const FerryBundleVerifyOptions *opts, gchar **out_report,
		    GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
