/*
 * ferry — one full Uptane verification cycle; see ferry-cycle.h.
 */
#include "ferry-cycle.h"

#include <string.h>

#include "ferry-error.h"
#include "ferry-util-private.h"

/* ---- trust state ---- */

struct _FerryTrustState {
	GHashTable *docs; /* key → GBytes */
	gint64 time_floor;
};

FerryTrustState *
ferry_trust_state_new(void)
{
	FerryTrustState *self = g_new0(FerryTrustState, 1);
	self->docs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					   (GDestroyNotify)g_bytes_unref);
	return self;
}

FerryTrustState *
ferry_trust_state_copy(const FerryTrustState *self)
{
	FerryTrustState *copy = ferry_trust_state_new();
	GHashTableIter iter;
	gpointer key, value;

	g_hash_table_iter_init(&iter, self->docs);
	while (g_hash_table_iter_next(&iter, &key, &value))
		g_hash_table_insert(copy->docs, g_strdup(key), g_bytes_ref(value));
	copy->time_floor = self->time_floor;
	return copy;
}

void
ferry_trust_state_free(FerryTrustState *self)
{
	if (self == NULL)
		return;
	g_hash_table_unref(self->docs);
	g_free(self);
}

GBytes *
ferry_trust_state_get(const FerryTrustState *self, const gchar *key)
{
	return g_hash_table_lookup(self->docs, key);
}

void
ferry_trust_state_set(FerryTrustState *self, const gchar *key, GBytes *bytes)
{
	if (bytes == NULL)
		g_hash_table_remove(self->docs, key);
	else
		g_hash_table_replace(self->docs, g_strdup(key), g_bytes_ref(bytes));
}

GPtrArray *
ferry_trust_state_get_keys(const FerryTrustState *self)
{
	return ferry_hash_table_get_sorted_keys(self->docs);
}

gint64
ferry_trust_state_get_time_floor(const FerryTrustState *self)
{
	return self->time_floor;
}

void
ferry_trust_state_set_time_floor(FerryTrustState *self, gint64 floor)
{
	self->time_floor = floor;
}

gboolean
ferry_trust_state_equal(const FerryTrustState *a, const FerryTrustState *b)
{
	GHashTableIter iter;
	gpointer key, value;

	if (a->time_floor != b->time_floor ||
	    g_hash_table_size(a->docs) != g_hash_table_size(b->docs))
		return FALSE;
	g_hash_table_iter_init(&iter, a->docs);
	while (g_hash_table_iter_next(&iter, &key, &value)) {
		GBytes *other = g_hash_table_lookup(b->docs, key);
		if (other == NULL || !g_bytes_equal(value, other))
			return FALSE;
	}
	return TRUE;
}

/* ---- the cycle ---- */

typedef struct {
	const FerryMetadataSource *source;
	const FerryCycleOptions *options;
	const FerryTrustState *state;
	GArray *ecus; /* of FerryEcu: primary first */
	FerryTrustedSet *director;
	FerryTrustedSet *image; /* NULL when the image repository was not needed */
	FerryCycleResult *result;
	GPtrArray *chosen;	/* FerryTarget, borrowed from the director's documents */
	GPtrArray *chosen_ecus; /* const FerryEcu*, parallel to chosen */
} Cycle;

static GBytes *
source_read(Cycle *c, FerryRepo repo, const gchar *filename, gsize max_size, GError **error)
{
	return c->source->read(c->source->user_data, repo, filename, max_size, error);
}

/* reads @filename; FALSE with no error when it is absent */
static gboolean
source_read_optional(Cycle *c, FerryRepo repo, const gchar *filename, gsize max_size,
		     GBytes **out_bytes, GError **error)
{
	g_autoptr(GError) error_local = NULL;
	GBytes *bytes = source_read(c, repo, filename, max_size, &error_local);

	if (bytes == NULL) {
		if (g_error_matches(error_local, FERRY_ERROR, FERRY_ERROR_NOT_FOUND))
			return FALSE;
		g_propagate_prefixed_error(error, g_steal_pointer(&error_local),
					   "reading %s: ", filename);
		return FALSE;
	}
	*out_bytes = bytes;
	return TRUE;
}

static gboolean
walk_roots(Cycle *c, FerryTrustedSet *set, FerryRepo repo, GError **error)
{
	for (guint i = 0; i < FERRY_MAX_ROOT_ROTATIONS; i++) {
		gint64 next = ferry_metadata_get_version(ferry_trusted_set_get_root(set)) + 1;
		g_autofree gchar *name = g_strdup_printf("%" G_GINT64_FORMAT ".root.json", next);
		g_autoptr(GBytes) bytes = NULL;
		g_autoptr(GError) error_local = NULL;

		if (!source_read_optional(c, repo, name, FERRY_MAX_ROOT_SIZE, &bytes,
					  &error_local)) {
			if (error_local == NULL) {
				/* no newer root: the walk ends, the last one must be valid */
				if (!ferry_trusted_set_finish_root(set, error)) {
					g_prefix_error(error, "root: ");
					return FALSE;
				}
				return TRUE;
			}
			g_propagate_error(error, g_steal_pointer(&error_local));
			return FALSE;
		}
		if (!ferry_trusted_set_update_root(set, bytes, error)) {
			g_prefix_error(error, "%s: ", name);
			return FALSE;
		}
	}
	g_set_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE,
		    "more than %u root rotations in one update", (guint)FERRY_MAX_ROOT_ROTATIONS);
	return FALSE;
}

/* a trusted set for @repo_name from the state's root or the provisioning root */
static FerryTrustedSet *
open_trusted_set(Cycle *c, const gchar *repo_name, GBytes *init_root, GError **error)
{
	g_autofree gchar *key = g_strdup_printf("%s/root", repo_name);
	GBytes *root = ferry_trust_state_get(c->state, key);
	g_autoptr(FerryTrustedSet) set = NULL;

	if (root == NULL)
		root = init_root;
	if (root == NULL) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_NOT_PROVISIONED,
			    "no trusted %s root: the device must be provisioned with one first",
			    repo_name);
		return NULL;
	}
	set = ferry_trusted_set_new(root, error);
	if (set == NULL)
		return NULL;
	ferry_trusted_set_set_time(set, c->options->now,
				   ferry_trust_state_get_time_floor(c->state));
	ferry_trusted_set_set_strict_equal_version(set, c->options->strict_equal_version);
	ferry_trusted_set_set_max_targets_size(set, c->options->max_image_targets_size);
	return g_steal_pointer(&set);
}

/* hands the state's earlier documents of @repo_name to @set for rollback checks */
static gboolean
load_previous(Cycle *c, FerryTrustedSet *set, const gchar *repo_name, GError **error)
{
	g_autoptr(GPtrArray) keys = ferry_trust_state_get_keys(c->state);
	g_autofree gchar *prefix = g_strdup_printf("%s/", repo_name);

	for (guint i = 0; i < keys->len; i++) {
		const gchar *key = keys->pdata[i];
		const gchar *rest;
		GBytes *bytes = ferry_trust_state_get(c->state, key);
		gboolean ok = TRUE;

		if (!g_str_has_prefix(key, prefix))
			continue;
		rest = key + strlen(prefix);
		if (g_str_equal(rest, "timestamp"))
			ok = ferry_trusted_set_set_previous(set, FERRY_ROLE_TIMESTAMP, NULL, bytes,
							    error);
		else if (g_str_equal(rest, "snapshot"))
			ok = ferry_trusted_set_set_previous(set, FERRY_ROLE_SNAPSHOT, NULL, bytes,
							    error);
		else if (g_str_equal(rest, "targets"))
			ok = ferry_trusted_set_set_previous(set, FERRY_ROLE_TARGETS, "targets",
							    bytes, error);
		else if (g_str_has_prefix(rest, "delegated/"))
			ok = ferry_trusted_set_set_previous(
				set, FERRY_ROLE_TARGETS, rest + strlen("delegated/"), bytes, error);
		else if (g_str_equal(rest, "offline-snapshot"))
			ok = ferry_trusted_set_set_previous(set, FERRY_ROLE_OFFLINE_SNAPSHOT, NULL,
							    bytes, error);
		else if (g_str_has_prefix(rest, "offline-updates/"))
			ok = ferry_trusted_set_set_previous(set, FERRY_ROLE_OFFLINE_UPDATES,
							    rest + strlen("offline-updates/"),
							    bytes, error);
		if (!ok)
			return FALSE;
	}
	return TRUE;
}

/* ---- director ---- */

static const FerryEcu *
ecu_for_target(Cycle *c, const FerryTarget *t, gboolean offline, GError **error)
{
	const FerryJsonValue *ids = NULL;

	if (t->custom != NULL)
		ids = ferry_json_object_get(t->custom, "ecuIdentifiers");
	for (guint i = 0; i < c->ecus->len; i++) {
		const FerryEcu *ecu = &g_array_index(c->ecus, FerryEcu, i);
		if (ids != NULL && ferry_json_object_get(ids, ecu->serial) != NULL) {
			/* classic targets were checked against our ECUs already;
			 * offline ones name serials of other devices too */
			const gchar *hw = ferry_json_value_get_string(ferry_json_object_get(
				ferry_json_object_get(ids, ecu->serial), "hardwareId"));
			if (offline && g_strcmp0(hw, ecu->hardware_id) != 0) {
				g_set_error(error, FERRY_ERROR, FERRY_ERROR_HARDWARE_ID,
					    "target '%s' is for hardware id '%s', but ECU '%s' is "
					    "'%s'",
					    t->name, hw != NULL ? hw : "(none)", ecu->serial,
					    ecu->hardware_id);
				return NULL;
			}
			return ecu;
		}
		if (offline && ids == NULL && ferry_target_has_hardware_id(t, ecu->hardware_id))
			return ecu;
	}
	return NULL;
}

/* the director's targets that apply to our ECUs, at most one per ECU */
static gboolean
choose_targets(Cycle *c, FerryMetadata *md, gboolean offline, GError **error)
{
	for (guint i = 0; i < ferry_metadata_get_n_targets(md); i++) {
		g_autofree FerryTarget *t = g_new0(FerryTarget, 1);
		g_autoptr(GError) error_local = NULL;
		const FerryEcu *ecu;

		ferry_metadata_get_target_at(md, i, t);
		ecu = ecu_for_target(c, t, offline, &error_local);
		if (error_local != NULL) {
			g_propagate_error(error, g_steal_pointer(&error_local));
			return FALSE;
		}
		if (ecu == NULL)
			continue;
		for (guint j = 0; j < c->chosen_ecus->len; j++) {
			if (c->chosen_ecus->pdata[j] == ecu) {
				g_set_error(error, FERRY_ERROR, FERRY_ERROR_REPEATED_ECU,
					    "ECU '%s' (hardware id '%s') is offered two targets, "
					    "'%s' and '%s'",
					    ecu->serial, ecu->hardware_id,
					    ((FerryTarget *)c->chosen->pdata[j])->name, t->name);
				return FALSE;
			}
		}
		g_ptr_array_add(c->chosen, g_steal_pointer(&t));
		g_ptr_array_add(c->chosen_ecus, (gpointer)ecu);
	}
	return TRUE;
}

static gboolean
run_offline_director(Cycle *c, GBytes *snapshot_bytes, GError **error)
{
	FerryTrustedSet *ds = c->director;
	FerryMetadata *snap, *updates = NULL;
	g_autoptr(GPtrArray) names = NULL;

	if (!ferry_trusted_set_update_offline_snapshot(ds, snapshot_bytes, error)) {
		g_prefix_error(error, "director offline-snapshot: ");
		return FALSE;
	}
	snap = ferry_trusted_set_get(ds, FERRY_ROLE_OFFLINE_SNAPSHOT, NULL);
	names = ferry_metadata_get_meta_names(snap);
	/* the lockbox is the first listed one present on the medium */
	for (guint i = 0; i < names->len && updates == NULL; i++) {
		const gchar *file = names->pdata[i];
		g_autofree gchar *name = NULL;
		g_autoptr(GBytes) bytes = NULL;
		g_autoptr(GError) error_local = NULL;
		const FerryMetaFile *mf = ferry_metadata_get_meta(snap, file);

		if (!g_str_has_suffix(file, ".json") || strchr(file, '/') != NULL)
			continue;
		name = g_strndup(file, strlen(file) - strlen(".json"));
		if (!source_read_optional(c, FERRY_REPO_DIRECTOR, file,
					  FERRY_MAX_OFFLINE_UPDATES_SIZE, &bytes, &error_local)) {
			if (error_local == NULL)
				continue;
			g_propagate_error(error, g_steal_pointer(&error_local));
			return FALSE;
		}
		if (!ferry_trusted_set_update_offline_updates(ds, bytes, name, error)) {
			g_prefix_error(error, "director lockbox '%s': ", name);
			return FALSE;
		}
		updates = ferry_trusted_set_get(ds, FERRY_ROLE_OFFLINE_UPDATES, name);
		c->result->lockbox_name = g_strdup(name);
		c->result->lockbox_version = ferry_metadata_get_version(updates);
		c->result->correlation_id = g_strdup_printf(
			"urn:tdx-ota:lockbox:%s:%" G_GINT64_FORMAT ":%.12s", name, mf->version,
			mf->sha256 != NULL ? mf->sha256 : "000000000000");
	}
	if (updates == NULL) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_NOT_FOUND,
				    "no lockbox listed by the offline-snapshot is on the medium");
		return FALSE;
	}
	c->result->offline = TRUE;
	c->result->director_targets_version = ferry_metadata_get_version(updates);
	return choose_targets(c, updates, TRUE, error);
}

static gboolean
run_classic_director(Cycle *c, GError **error)
{
	g_autoptr(GBytes) bytes = NULL;
	FerryMetadata *md;

	bytes = source_read(c, FERRY_REPO_DIRECTOR, "targets.json", FERRY_MAX_DIRECTOR_TARGETS_SIZE,
			    error);
	if (bytes == NULL) {
		g_prefix_error(error, "director targets.json: ");
		return FALSE;
	}
	if (!ferry_trusted_set_update_director_targets(c->director, bytes,
						       &g_array_index(c->ecus, FerryEcu, 0),
						       c->ecus->len, error)) {
		g_prefix_error(error, "director targets: ");
		return FALSE;
	}
	md = ferry_trusted_set_get(c->director, FERRY_ROLE_TARGETS, "targets");
	c->result->director_targets_version = ferry_metadata_get_version(md);
	return choose_targets(c, md, FALSE, error);
}

static gboolean
run_director(Cycle *c, GError **error)
{
	static const gchar *const snapshot_names[] = {"offline-snapshot.json",
						      "offline-update-snapshot.json"};

	c->director = open_trusted_set(c, "director", c->options->init_director_root, error);
	if (c->director == NULL) {
		g_prefix_error(error, "director: ");
		return FALSE;
	}
	if (!load_previous(c, c->director, "director", error))
		return FALSE;
	if (!walk_roots(c, c->director, FERRY_REPO_DIRECTOR, error)) {
		g_prefix_error(error, "director: ");
		return FALSE;
	}
	c->result->director_root_version =
		ferry_metadata_get_version(ferry_trusted_set_get_root(c->director));
	for (guint i = 0; i < G_N_ELEMENTS(snapshot_names); i++) {
		g_autoptr(GBytes) bytes = NULL;
		g_autoptr(GError) error_local = NULL;
		if (source_read_optional(c, FERRY_REPO_DIRECTOR, snapshot_names[i],
					 FERRY_MAX_OFFLINE_SNAPSHOT_SIZE, &bytes, &error_local))
			return run_offline_director(c, bytes, error);
		if (error_local != NULL) {
			g_propagate_error(error, g_steal_pointer(&error_local));
			return FALSE;
		}
	}
	return run_classic_director(c, error);
}

/* ---- image repository ---- */

static gsize
image_targets_cap(Cycle *c)
{
	return c->options->max_image_targets_size != 0 ? c->options->max_image_targets_size
						       : FERRY_MAX_IMAGE_TARGETS_SIZE;
}

static GBytes *
load_delegated_cb(const gchar *role_name, gpointer user_data, GError **error)
{
	Cycle *c = user_data;
	g_autofree gchar *file = g_strdup_printf("delegations/%s.json", role_name);
	return source_read(c, FERRY_REPO_IMAGE, file, image_targets_cap(c), error);
}

static gboolean
update_image_metadata(Cycle *c, GError **error)
{
	FerryTrustedSet *is = c->image;
	g_autoptr(GBytes) ts = NULL;
	g_autoptr(GBytes) snap = NULL;
	g_autoptr(GBytes) targets = NULL;
	g_autoptr(GError) error_local = NULL;

	if (!source_read_optional(c, FERRY_REPO_IMAGE, "timestamp.json", FERRY_MAX_TIMESTAMP_SIZE,
				  &ts, &error_local)) {
		if (error_local != NULL) {
			g_propagate_error(error, g_steal_pointer(&error_local));
			return FALSE;
		}
		/* PURE-2: a lockbox carries no image timestamp; online metadata must */
		if (!c->result->offline) {
			g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_NOT_FOUND,
					    "timestamp.json is missing");
			return FALSE;
		}
		ferry_trusted_set_set_offline(is, TRUE);
	} else if (!ferry_trusted_set_update_timestamp(is, ts, error)) {
		g_prefix_error(error, "timestamp: ");
		return FALSE;
	}
	snap = source_read(c, FERRY_REPO_IMAGE, "snapshot.json", FERRY_MAX_SNAPSHOT_SIZE, error);
	if (snap == NULL || !ferry_trusted_set_update_snapshot(is, snap, error)) {
		g_prefix_error(error, "snapshot: ");
		return FALSE;
	}
	targets = source_read(c, FERRY_REPO_IMAGE, "targets.json", image_targets_cap(c), error);
	if (targets == NULL || !ferry_trusted_set_update_targets(is, targets, error)) {
		g_prefix_error(error, "targets: ");
		return FALSE;
	}
	c->result->image_targets_version = ferry_metadata_get_version(
		ferry_trusted_set_get(is, FERRY_ROLE_TARGETS, "targets"));
	return TRUE;
}

static gboolean
check_payload(Cycle *c, const FerryTarget *t, GError **error)
{
	g_autoptr(GBytes) bytes = NULL;
	g_autoptr(GError) error_local = NULL;
	gsize len = 0;
	const guint8 *data;

	bytes = source_read(c, FERRY_REPO_PAYLOAD, t->name, (gsize)t->length, &error_local);
	if (bytes == NULL) {
		/* the source refuses more bytes than the metadata allows */
		if (g_error_matches(error_local, FERRY_ERROR, FERRY_ERROR_TOO_LARGE)) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_TARGET_LENGTH,
				    "target '%s' is longer than the %" G_GINT64_FORMAT
				    " bytes its metadata states",
				    t->name, t->length);
			return FALSE;
		}
		g_propagate_prefixed_error(error, g_steal_pointer(&error_local),
					   "target '%s': ", t->name);
		return FALSE;
	}
	data = g_bytes_get_data(bytes, &len);
	return ferry_target_check_payload(t, data, len, error);
}

/* Torizon-style lockboxes may come without image metadata when nothing in
 * them is for this device: PURE-2 lets verification stop there */
static gboolean
image_metadata_present(Cycle *c, GError **error)
{
	g_autoptr(GBytes) bytes = NULL;
	g_autoptr(GError) error_local = NULL;

	if (source_read_optional(c, FERRY_REPO_IMAGE, "targets.json", image_targets_cap(c), &bytes,
				 &error_local))
		return TRUE;
	if (error_local != NULL)
		g_propagate_error(error, g_steal_pointer(&error_local));
	return FALSE;
}

static gboolean
run_image(Cycle *c, GError **error)
{
	gboolean needed = c->chosen->len > 0;
	GBytes *init = c->options->init_image_root;
	g_autoptr(GError) error_local = NULL;

	if (!needed && ferry_trust_state_get(c->state, "image/root") == NULL && init == NULL)
		return TRUE;
	c->image = open_trusted_set(c, "image", init, error);
	if (c->image == NULL) {
		g_prefix_error(error, "image repository: ");
		return FALSE;
	}
	if (!needed && !image_metadata_present(c, &error_local)) {
		if (error_local != NULL) {
			g_propagate_error(error, g_steal_pointer(&error_local));
			return FALSE;
		}
		return TRUE;
	}
	if (!load_previous(c, c->image, "image", error) ||
	    !walk_roots(c, c->image, FERRY_REPO_IMAGE, error) || !update_image_metadata(c, error)) {
		g_prefix_error(error, "image repository: ");
		return FALSE;
	}
	c->result->image_root_version =
		ferry_metadata_get_version(ferry_trusted_set_get_root(c->image));
	for (guint i = 0; i < c->chosen->len; i++) {
		const FerryTarget *dt = c->chosen->pdata[i];
		const FerryEcu *ecu = c->chosen_ecus->pdata[i];
		FerryTarget it;

		if (!ferry_trusted_set_resolve_target(c->image, dt->name, load_delegated_cb, c, &it,
						      error) ||
		    !ferry_target_match(dt, &it, ecu->hardware_id, error))
			return FALSE;
		if (c->options->check_payloads && !ferry_target_is_ostree(dt) &&
		    !check_payload(c, dt, error))
			return FALSE;
	}
	return TRUE;
}

/* ---- result ---- */

static void
cycle_target_free(FerryCycleTarget *t)
{
	g_free(t->name);
	g_free(t->sha256);
	g_free(t->sha512);
	g_free(t->ecu_serial);
	g_free(t->hardware_id);
	g_free(t->custom_json);
	g_free(t);
}

void
ferry_cycle_result_free(FerryCycleResult *self)
{
	if (self == NULL)
		return;
	g_clear_pointer(&self->state, ferry_trust_state_free);
	g_clear_pointer(&self->targets, g_ptr_array_unref);
	g_free(self->lockbox_name);
	g_free(self->correlation_id);
	g_free(self);
}

static void
store_set(FerryTrustState *state, const gchar *repo, FerryTrustedSet *set)
{
	static const struct {
		FerryRoleType role;
		const gchar *key;
	} roles[] = {
		{FERRY_ROLE_ROOT, "root"},
		{FERRY_ROLE_TIMESTAMP, "timestamp"},
		{FERRY_ROLE_SNAPSHOT, "snapshot"},
		{FERRY_ROLE_TARGETS, "targets"},
		{FERRY_ROLE_OFFLINE_SNAPSHOT, "offline-snapshot"},
	};
	g_autoptr(GPtrArray) delegated = NULL;

	if (set == NULL)
		return;
	for (guint i = 0; i < G_N_ELEMENTS(roles); i++) {
		FerryMetadata *md = ferry_trusted_set_get(set, roles[i].role, NULL);
		g_autofree gchar *key = g_strdup_printf("%s/%s", repo, roles[i].key);
		if (md != NULL)
			ferry_trust_state_set(state, key, ferry_metadata_get_bytes(md));
	}
	delegated = ferry_trusted_set_get_delegated_names(set);
	for (guint i = 0; i < delegated->len; i++) {
		const gchar *name = delegated->pdata[i];
		FerryMetadata *md = ferry_trusted_set_get(set, FERRY_ROLE_TARGETS, name);
		g_autofree gchar *key = g_strdup_printf("%s/delegated/%s", repo, name);
		ferry_trust_state_set(state, key, ferry_metadata_get_bytes(md));
	}
}

static void
finish_result(Cycle *c)
{
	FerryCycleResult *r = c->result;
	FerryTrustState *state = ferry_trust_state_copy(c->state);

	store_set(state, "director", c->director);
	store_set(state, "image", c->image);
	if (r->lockbox_name != NULL) {
		FerryMetadata *md = ferry_trusted_set_get(c->director, FERRY_ROLE_OFFLINE_UPDATES,
							  r->lockbox_name);
		g_autofree gchar *key =
			g_strdup_printf("director/offline-updates/%s", r->lockbox_name);
		ferry_trust_state_set(state, key, ferry_metadata_get_bytes(md));
	}
	/* the newest time at which everything verified: never go below it again */
	r->effective_time = ferry_trusted_set_get_effective_time(c->director);
	ferry_trust_state_set_time_floor(state, r->effective_time);
	r->state = state;
	for (guint i = 0; i < c->chosen->len; i++) {
		const FerryTarget *t = c->chosen->pdata[i];
		const FerryEcu *ecu = c->chosen_ecus->pdata[i];
		FerryCycleTarget *ct = g_new0(FerryCycleTarget, 1);
		ct->name = g_strdup(t->name);
		ct->length = t->length;
		ct->sha256 = g_strdup(t->sha256);
		ct->sha512 = g_strdup(t->sha512);
		ct->ecu_serial = g_strdup(ecu->serial);
		ct->hardware_id = g_strdup(ecu->hardware_id);
		ct->is_ostree = ferry_target_is_ostree(t);
		if (t->custom != NULL)
			ct->custom_json = ferry_json_to_string(t->custom, FALSE);
		g_ptr_array_add(r->targets, ct);
	}
}

FerryCycleResult *
ferry_cycle_run(const FerryMetadataSource *source, const FerryTrustState *state,
		const FerryCycleOptions *options, GError **error)
{
	Cycle c = {0};
	FerryEcu primary = {options->ecu_serial, options->hardware_id};
	gboolean ok;

	g_return_val_if_fail(source != NULL && state != NULL && options != NULL, NULL);
	g_return_val_if_fail(options->ecu_serial != NULL && options->hardware_id != NULL, NULL);
	c.source = source;
	c.options = options;
	c.state = state;
	c.ecus = g_array_new(FALSE, FALSE, sizeof(FerryEcu));
	g_array_append_val(c.ecus, primary);
	if (options->n_secondaries > 0)
		g_array_append_vals(c.ecus, options->secondaries, options->n_secondaries);
	c.chosen = g_ptr_array_new_with_free_func(g_free);
	c.chosen_ecus = g_ptr_array_new();
	c.result = g_new0(FerryCycleResult, 1);
	c.result->targets = g_ptr_array_new_with_free_func((GDestroyNotify)cycle_target_free);

	ok = run_director(&c, error) && run_image(&c, error);
	if (ok)
		finish_result(&c);
	else
		g_clear_pointer(&c.result, ferry_cycle_result_free);
	g_clear_pointer(&c.director, ferry_trusted_set_free);
	g_clear_pointer(&c.image, ferry_trusted_set_free);
	g_ptr_array_unref(c.chosen);
	g_ptr_array_unref(c.chosen_ecus);
	g_array_unref(c.ecus);
	return c.result;
}
