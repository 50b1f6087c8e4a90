/*
 * ferry — the device's persistent state (SQLite): trusted metadata per
 * repository and role, and the trusted-time floor. Every change is one
 * transaction, so a crash or power cut leaves either the old or the new
 * state, never a mix.
 */
#pragma once

#include <glib.h>

#include "ferry-cycle.h"

G_BEGIN_DECLS

typedef struct _FerryStateDb FerryStateDb;
typedef struct sqlite3 sqlite3;

/**
 * ferry_state_db_open:
 * @path: the database file; created with mode 0600 and the current schema
 *   when absent, migrated when older
 * @error: FERRY_ERROR_STATE
 *
 * Returns: (transfer full)
 */
FerryStateDb *
ferry_state_db_open(const gchar *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void
ferry_state_db_free(FerryStateDb *self);

/* the schema version this build writes */
#define FERRY_STATE_SCHEMA_VERSION 1

/**
 * ferry_state_db_load_trust:
 *
 * Returns: (transfer full): every trusted document and the time floor
 */
FerryTrustState *
ferry_state_db_load_trust(FerryStateDb *self, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/**
 * ferry_state_db_store_trust:
 * Replaces the trusted documents and the floor with @state, in one
 * transaction (rolled back on any failure).
 */
gboolean
ferry_state_db_store_trust(FerryStateDb *self, const FerryTrustState *state,
			   GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* (transfer none) the raw handle, for tests */
sqlite3 *
ferry_state_db_get_handle(FerryStateDb *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(FerryStateDb, ferry_state_db_free)

G_END_DECLS
