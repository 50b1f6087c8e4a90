/*
 * ferry — the environment's ledger: an append-only SQLite history of
 * everything the bundler did (environment, images, bundles, promotions,
 * device reports). The database itself refuses UPDATE and DELETE on history.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FerryLedger FerryLedger;

#define FERRY_LEDGER_SCHEMA_VERSION 1

/* creates (0600) or opens and migrates; FERRY_ERROR_STATE on failure */
FerryLedger *
ferry_ledger_open(const gchar *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void
ferry_ledger_free(FerryLedger *self);

/* appends an event ("env-created", ...) with a JSON @detail, by the current user */
gboolean
ferry_ledger_add_event(FerryLedger *self, const gchar *kind, const gchar *detail,
		       GError **error) G_GNUC_WARN_UNUSED_RESULT;

/**
 * ferry_ledger_find_image:
 * @out_commit: (out) (transfer full): the commit recorded for NAME VERSION
 *
 * Returns: TRUE when found; FALSE with no error when absent
 */
gboolean
ferry_ledger_find_image(FerryLedger *self, const gchar *name, const gchar *version,
			gchar **out_commit, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* appends an image row; @hardware_ids_json is a JSON array */
gboolean
ferry_ledger_add_image(FerryLedger *self, const gchar *name, const gchar *version,
		       const gchar *commit, const gchar *hardware_ids_json, const gchar *target,
		       GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* appends a bundle row; @members_json is a JSON array of member paths */
gboolean
ferry_ledger_add_bundle(FerryLedger *self, const gchar *name, gint64 version, const gchar *sha256,
			const gchar *members_json, GError **error) G_GNUC_WARN_UNUSED_RESULT;

typedef gboolean (*FerryLedgerImageFunc)(const gchar *name, const gchar *version,
					 const gchar *commit, const gchar *hardware_ids_json,
					 const gchar *target, gint64 added_at,
					 const gchar *added_by, gpointer user_data);

/* calls @func for every image, oldest first */
gboolean
ferry_ledger_foreach_image(FerryLedger *self, FerryLedgerImageFunc func, gpointer user_data,
			   GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC(FerryLedger, ferry_ledger_free)

G_END_DECLS
