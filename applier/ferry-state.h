/*
 * ferry — the device's persistent state (SQLite): trusted metadata per
 * repository and role, and the trusted-time floor. Every change is one
 * transaction, so a crash or power cut leaves either the old or the new
 * state, never a mix.
 *
 * The schema is versioned by the `schema_version` table (one row per
 * migration applied); later versions add tables (device identity, install
 * history) as further migrations.
 */
#pragma once

#include <glib.h>

#include "ferry-cycle.h"

G_BEGIN_DECLS

/* the schema version this build writes */
#define FERRY_STATE_SCHEMA_VERSION 2

typedef struct _FerryStateDb FerryStateDb;
typedef struct sqlite3 sqlite3;

/**
 * ferry_state_db_open:
 * @path: the database file; created with mode 0600 and the current schema
 *   when absent, migrated (in one transaction) when older
 * @error: FERRY_ERROR_STATE (SQLite failure, or a schema newer than this
 *   build), or FERRY_ERROR_NOT_FOUND/IO/NO_SPACE when the file cannot be
 *   created
 *
 * Opens with journal_mode=WAL, synchronous=FULL and foreign_keys=ON.
 *
 * Returns: (transfer full): the database, or %NULL
 */
FerryStateDb *
ferry_state_db_open(const gchar *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* NULL-safe */
void
ferry_state_db_free(FerryStateDb *self);

/**
 * ferry_state_db_get_schema_version:
 * @out_version: (out): the highest migration applied
 * @error: FERRY_ERROR_STATE
 */
gboolean
ferry_state_db_get_schema_version(FerryStateDb *self, gint64 *out_version,
				  GError **error) G_GNUC_WARN_UNUSED_RESULT;

/**
 * ferry_state_db_load_trust:
 * @error: FERRY_ERROR_STATE
 *
 * Returns: (transfer full): every trusted document and the time floor, or
 *   %NULL; an empty state (floor 0) for a new device
 */
FerryTrustState *
ferry_state_db_load_trust(FerryStateDb *self, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/**
 * ferry_state_db_store_trust:
 * @state: (transfer none): the complete new trust state
 * @error: FERRY_ERROR_STATE
 *
 * Replaces the trusted documents and the floor with @state in one
 * transaction (BEGIN IMMEDIATE … COMMIT, rolled back on any failure, so the
 * previous state is then left whole). Rows whose bytes do not change keep
 * their `updated_at`.
 */
gboolean
ferry_state_db_store_trust(FerryStateDb *self, const FerryTrustState *state,
			   GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* (transfer none) the raw handle, for tests */
sqlite3 *
ferry_state_db_get_handle(FerryStateDb *self);

/**
 * ferry_state_db_get_identity:
 * @key: "ecu-serial", "hardware-id", "ecu-keyid", ...
 *
 * Returns: (transfer full): the value, or %NULL (with @error set only on failure)
 */
gchar *
ferry_state_db_get_identity(FerryStateDb *self, const gchar *key, GError **error);
gboolean
ferry_state_db_set_identity(FerryStateDb *self, const gchar *key, const gchar *value,
			    GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC(FerryStateDb, ferry_state_db_free)

G_END_DECLS
