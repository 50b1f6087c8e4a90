/* ferry — ferry bundle create (docs/format.md) */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
	const gchar *env;
	const gchar *name; /* the lockbox */
	gchar **images;	   /* target names NAME-VERSION */
	gchar **from;	   /* source commits */
	gboolean from_scratch;
	gint64 expires_days;
	const gchar *output;
	gboolean progress; /* print steps to stderr */
} FerryBundleCreateOptions;

/**
 * ferry_bundle_create:
 * @out_summary: (out) (optional) (transfer full): a JSON summary
 *
 * Writes the bundle to a temporary name next to @output and renames it at
 * the end; a failure leaves no file behind.
 */
gboolean
ferry_bundle_create(const gchar *workspace, const FerryBundleCreateOptions *opts,
		    gchar **out_summary, GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
