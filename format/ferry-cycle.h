/*
 * ferry — one full Uptane verification cycle, in Uptane's order:
 *   director root rotation → (offline-snapshot → offline-updates | director
 *   targets) → image root rotation → (timestamp) → snapshot → targets →
 *   delegations → director/image target match → payloads (optional).
 *
 * Input: where the metadata comes from (a FerryMetadataSource), the trust
 * state the device had (FerryTrustState), and the device's identity. Output:
 * the targets for this device and the new trust state, which the caller
 * persists only on success. Nothing here touches disk.
 */
#pragma once

#include <glib.h>

#include "ferry-metadata.h"
#include "ferry-trusted-set.h"

G_BEGIN_DECLS

typedef enum {
	FERRY_REPO_DIRECTOR,
	FERRY_REPO_IMAGE,
	FERRY_REPO_PAYLOAD, /* target files, named by target name */
} FerryRepo;

/**
 * FerryMetadataSource:
 * @read: returns the bytes of @filename (e.g. "2.root.json", "targets.json",
 *   "delegations/foo.json", "offline-snapshot.json") of @repo, refusing more
 *   than @max_size bytes (FERRY_ERROR_TOO_LARGE); NULL with
 *   FERRY_ERROR_NOT_FOUND when absent. (transfer full)
 */
typedef struct {
	GBytes *(*read)(gpointer user_data, FerryRepo repo, const gchar *filename, gsize max_size,
			GError **error);
	gpointer user_data;
} FerryMetadataSource;

/* ---- trust state: what a device keeps between cycles ---- */

/*
 * Keys are "<repo>/<role>": repo "director" or "image"; role "root",
 * "timestamp", "snapshot", "targets", "offline-snapshot",
 * "offline-updates/<lockbox>", "delegated/<role>".
 */
typedef struct _FerryTrustState FerryTrustState;

FerryTrustState *
ferry_trust_state_new(void);
FerryTrustState *
ferry_trust_state_copy(const FerryTrustState *self);
void
ferry_trust_state_free(FerryTrustState *self);
/* (transfer none) or NULL */
GBytes *
ferry_trust_state_get(const FerryTrustState *self, const gchar *key);
/* @bytes: (transfer none), a ref is taken; NULL removes */
void
ferry_trust_state_set(FerryTrustState *self, const gchar *key, GBytes *bytes);
/* (transfer container) sorted keys */
GPtrArray *
ferry_trust_state_get_keys(const FerryTrustState *self);
gint64
ferry_trust_state_get_time_floor(const FerryTrustState *self);
void
ferry_trust_state_set_time_floor(FerryTrustState *self, gint64 floor);
/* TRUE when both hold the same keys, bytes and floor */
gboolean
ferry_trust_state_equal(const FerryTrustState *a, const FerryTrustState *b);

/* ---- the cycle ---- */

typedef struct {
	const gchar *hardware_id;    /* the primary ECU's */
	const gchar *ecu_serial;     /* the primary ECU's */
	const FerryEcu *secondaries; /* more ECUs this device has, or NULL */
	guint n_secondaries;
	gint64 now;		    /* wall clock; the state's floor still applies */
	GBytes *init_director_root; /* trusted only when the state has no director root */
	GBytes *init_image_root;    /* likewise */
	gboolean check_payloads;    /* read non-OSTree targets from FERRY_REPO_PAYLOAD */
	gboolean strict_equal_version;
	/* cap for image/delegated targets.json; 0 = FERRY_MAX_IMAGE_TARGETS_SIZE (16 MiB).
	 * aktualizr uses 8 MiB, which the Uptane vectors assume. */
	gsize max_image_targets_size;
} FerryCycleOptions;

typedef struct {
	gchar *name;
	gint64 length;
	gchar *sha256;
	gchar *sha512; /* may be NULL */
	gchar *ecu_serial;
	gchar *hardware_id;
	gboolean is_ostree;
	gchar *custom_json; /* compact JSON of the director entry's custom, or NULL */
} FerryCycleTarget;

typedef struct {
	FerryTrustState *state; /* the new trust state to persist */
	GPtrArray *targets;  /* (element-type FerryCycleTarget) for this device, sorted by name */
	gboolean offline;    /* director side was PURE-2 offline roles */
	gchar *lockbox_name; /* offline only */
	gint64 lockbox_version; /* offline only */
	gchar *correlation_id;	/* offline: urn:tdx-ota:lockbox:<name>:<version>:<12 hex> */
	gint64 director_root_version;
	gint64 image_root_version;	 /* 0 when the image repository was not needed */
	gint64 director_targets_version; /* targets or offline-updates */
	gint64 image_targets_version;
	gint64 effective_time;
} FerryCycleResult;

/**
 * ferry_cycle_run:
 * @error: FERRY_ERROR_NOT_PROVISIONED without a trusted director root, or
 *   the first verification failure with its specific code
 *
 * Returns: (transfer full): the result, or %NULL; @state is never modified
 */
FerryCycleResult *
ferry_cycle_run(const FerryMetadataSource *source, const FerryTrustState *state,
		const FerryCycleOptions *options, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void
ferry_cycle_result_free(FerryCycleResult *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(FerryTrustState, ferry_trust_state_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FerryCycleResult, ferry_cycle_result_free)

G_END_DECLS
