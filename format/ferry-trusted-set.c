/*
 * ferry — trusted metadata of one repository; see ferry-trusted-set.h.
 *
 * Order of checks inside each update follows python-tuf and the Uptane
 * standard: listing (length/hashes) → signatures → version against the
 * listing → rollback against what was trusted before → expiry.
 */
#include "ferry-trusted-set.h"

#include <string.h>

#include "ferry-error.h"

struct _FerryTrustedSet {
	FerryMetadata *root;
	gboolean root_final; /* expiry checked; no more root updates */
	gint64 now;
	gint64 floor;
	gboolean strict_equal_version;
	gboolean offline;
	gsize max_targets_size;
	/* trusted in this cycle */
	FerryMetadata *timestamp;
	FerryMetadata *snapshot;
	GHashTable *targets;	    /* role name → FerryMetadata ("targets" + delegated) */
	GPtrArray *delegated_order; /* names in load order */
	FerryMetadata *offline_snapshot;
	GHashTable *offline_updates; /* lockbox name → FerryMetadata */
	/* trusted at the end of the last cycle (rollback reference only) */
	FerryMetadata *prev_timestamp;
	FerryMetadata *prev_snapshot;
	FerryMetadata *prev_offline_snapshot;
	GHashTable *prev_targets;
	GHashTable *prev_offline_updates;
};

static GHashTable *
md_table_new(void)
{
	return g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
				     (GDestroyNotify)ferry_metadata_unref);
}

static gboolean
verify_with_root(FerryTrustedSet *self, FerryMetadata *md, const FerryMetadata *root,
		 const gchar *role_name, GError **error)
{
	const FerryRoleKeys *role = ferry_metadata_root_get_role(root, role_name);

	if (role == NULL) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
			    "root version %" G_GINT64_FORMAT " defines no '%s' role",
			    ferry_metadata_get_version(root), role_name);
		return FALSE;
	}
	return ferry_metadata_verify(md, ferry_metadata_root_get_keys(root), role, error);
}

FerryTrustedSet *
ferry_trusted_set_new(GBytes *root, GError **error)
{
	g_autoptr(FerryTrustedSet) self = g_new0(FerryTrustedSet, 1);

	g_return_val_if_fail(root != NULL, NULL);
	self->targets = md_table_new();
	self->offline_updates = md_table_new();
	self->prev_targets = md_table_new();
	self->prev_offline_updates = md_table_new();
	self->delegated_order = g_ptr_array_new_with_free_func(g_free);
	self->now = g_get_real_time() / G_USEC_PER_SEC;
	self->max_targets_size = FERRY_MAX_IMAGE_TARGETS_SIZE;
	self->root =
		ferry_metadata_new_from_bytes(root, FERRY_ROLE_ROOT, FERRY_MAX_ROOT_SIZE, error);
	if (self->root == NULL) {
		g_prefix_error(error, "trusted root: ");
		return NULL;
	}
	if (!verify_with_root(self, self->root, self->root, "root", error)) {
		g_prefix_error(error, "trusted root: ");
		return NULL;
	}
	return g_steal_pointer(&self);
}

void
ferry_trusted_set_free(FerryTrustedSet *self)
{
	if (self == NULL)
		return;
	g_clear_pointer(&self->root, ferry_metadata_unref);
	g_clear_pointer(&self->timestamp, ferry_metadata_unref);
	g_clear_pointer(&self->snapshot, ferry_metadata_unref);
	g_clear_pointer(&self->offline_snapshot, ferry_metadata_unref);
	g_clear_pointer(&self->prev_timestamp, ferry_metadata_unref);
	g_clear_pointer(&self->prev_snapshot, ferry_metadata_unref);
	g_clear_pointer(&self->prev_offline_snapshot, ferry_metadata_unref);
	g_clear_pointer(&self->targets, g_hash_table_unref);
	g_clear_pointer(&self->offline_updates, g_hash_table_unref);
	g_clear_pointer(&self->prev_targets, g_hash_table_unref);
	g_clear_pointer(&self->prev_offline_updates, g_hash_table_unref);
	g_clear_pointer(&self->delegated_order, g_ptr_array_unref);
	g_free(self);
}

void
ferry_trusted_set_set_time(FerryTrustedSet *self, gint64 now, gint64 floor)
{
	self->now = now;
	self->floor = floor;
}

gint64
ferry_trusted_set_get_effective_time(const FerryTrustedSet *self)
{
	return MAX(self->now, self->floor);
}

void
ferry_trusted_set_set_strict_equal_version(FerryTrustedSet *self, gboolean strict)
{
	self->strict_equal_version = strict;
}

void
ferry_trusted_set_set_max_targets_size(FerryTrustedSet *self, gsize max_size)
{
	self->max_targets_size = max_size != 0 ? max_size : FERRY_MAX_IMAGE_TARGETS_SIZE;
}

void
ferry_trusted_set_set_offline(FerryTrustedSet *self, gboolean offline)
{
	self->offline = offline;
}

static gsize
max_size_for(FerryRoleType role, const gchar *name)
{
	switch (role) {
	case FERRY_ROLE_ROOT:
		return FERRY_MAX_ROOT_SIZE;
	case FERRY_ROLE_TIMESTAMP:
		return FERRY_MAX_TIMESTAMP_SIZE;
	case FERRY_ROLE_SNAPSHOT:
		return FERRY_MAX_SNAPSHOT_SIZE;
	case FERRY_ROLE_OFFLINE_SNAPSHOT:
		return FERRY_MAX_OFFLINE_SNAPSHOT_SIZE;
	case FERRY_ROLE_OFFLINE_UPDATES:
		return FERRY_MAX_OFFLINE_UPDATES_SIZE;
	case FERRY_ROLE_TARGETS:
	default:
		return FERRY_MAX_IMAGE_TARGETS_SIZE;
	}
}

gboolean
ferry_trusted_set_set_previous(FerryTrustedSet *self, FerryRoleType role, const gchar *name,
			       GBytes *bytes, GError **error)
{
	g_autoptr(FerryMetadata) md = NULL;

	md = ferry_metadata_new_from_bytes(bytes, role, max_size_for(role, name), error);
	if (md == NULL) {
		g_prefix_error(error, "stored %s metadata: ", ferry_role_type_to_string(role));
		return FALSE;
	}
	switch (role) {
	case FERRY_ROLE_TIMESTAMP:
		g_clear_pointer(&self->prev_timestamp, ferry_metadata_unref);
		self->prev_timestamp = g_steal_pointer(&md);
		break;
	case FERRY_ROLE_SNAPSHOT:
		g_clear_pointer(&self->prev_snapshot, ferry_metadata_unref);
		self->prev_snapshot = g_steal_pointer(&md);
		break;
	case FERRY_ROLE_OFFLINE_SNAPSHOT:
		g_clear_pointer(&self->prev_offline_snapshot, ferry_metadata_unref);
		self->prev_offline_snapshot = g_steal_pointer(&md);
		break;
	case FERRY_ROLE_TARGETS:
		g_return_val_if_fail(name != NULL, FALSE);
		g_hash_table_replace(self->prev_targets, g_strdup(name), g_steal_pointer(&md));
		break;
	case FERRY_ROLE_OFFLINE_UPDATES:
		g_return_val_if_fail(name != NULL, FALSE);
		g_hash_table_replace(self->prev_offline_updates, g_strdup(name),
				     g_steal_pointer(&md));
		break;
	case FERRY_ROLE_ROOT:
	default:
		g_return_val_if_reached(FALSE);
	}
	return TRUE;
}

/* ---- root ---- */

static gboolean
role_keys_equal(const FerryRoleKeys *a, const FerryRoleKeys *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	if (a->threshold != b->threshold || a->keyids->len != b->keyids->len)
		return FALSE;
	for (guint i = 0; i < a->keyids->len; i++) {
		gboolean found = FALSE;
		for (guint j = 0; j < b->keyids->len && !found; j++)
			found = g_str_equal(a->keyids->pdata[i], b->keyids->pdata[j]);
		if (!found)
			return FALSE;
	}
	return TRUE;
}

gboolean
ferry_trusted_set_update_root(FerryTrustedSet *self, GBytes *bytes, GError **error)
{
	g_autoptr(FerryMetadata) md = NULL;
	gint64 expected = ferry_metadata_get_version(self->root) + 1;

	g_return_val_if_fail(!self->root_final, FALSE);
	md = ferry_metadata_new_from_bytes(bytes, FERRY_ROLE_ROOT, FERRY_MAX_ROOT_SIZE, error);
	if (md == NULL)
		return FALSE;
	/* signed by a threshold of the old root keys and of the new */
	if (!verify_with_root(self, md, self->root, "root", error)) {
		g_prefix_error(error,
			       "root %" G_GINT64_FORMAT " by the keys of root %" G_GINT64_FORMAT
			       ": ",
			       expected, expected - 1);
		return FALSE;
	}
	if (!verify_with_root(self, md, md, "root", error)) {
		g_prefix_error(error, "root %" G_GINT64_FORMAT " by its own keys: ", expected);
		return FALSE;
	}
	if (ferry_metadata_get_version(md) != expected) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_ROOT_ROTATION,
			    "root file %" G_GINT64_FORMAT " states version %" G_GINT64_FORMAT,
			    expected, ferry_metadata_get_version(md));
		return FALSE;
	}
	/* TUF 5.3.11: new timestamp/snapshot keys may have been rotated after a
	 * compromise; forget the old ones so a fast-forwarded version does not
	 * lock the repository out */
	if (!role_keys_equal(ferry_metadata_root_get_role(self->root, "timestamp"),
			     ferry_metadata_root_get_role(md, "timestamp")) ||
	    !role_keys_equal(ferry_metadata_root_get_role(self->root, "snapshot"),
			     ferry_metadata_root_get_role(md, "snapshot"))) {
		g_clear_pointer(&self->prev_timestamp, ferry_metadata_unref);
		g_clear_pointer(&self->prev_snapshot, ferry_metadata_unref);
		/* the targets versions came through the old snapshot: a snapshot
		 * fast-forward is recovered from only if they go too */
		if (!role_keys_equal(ferry_metadata_root_get_role(self->root, "snapshot"),
				     ferry_metadata_root_get_role(md, "snapshot")))
			g_hash_table_remove_all(self->prev_targets);
	}
	g_clear_pointer(&self->root, ferry_metadata_unref);
	self->root = g_steal_pointer(&md);
	return TRUE;
}

static gboolean
ensure_final_root(FerryTrustedSet *self, GError **error)
{
	if (self->root_final)
		return TRUE;
	if (!ferry_metadata_check_expiry(self->root, ferry_trusted_set_get_effective_time(self),
					 error))
		return FALSE;
	self->root_final = TRUE;
	return TRUE;
}

gboolean
ferry_trusted_set_finish_root(FerryTrustedSet *self, GError **error)
{
	return ensure_final_root(self, error);
}

/* ---- shared checks ---- */

static gboolean
check_not_older(FerryTrustedSet *self, const FerryMetadata *md, const FerryMetadata *prev,
		const gchar *what, GError **error)
{
	gint64 v = ferry_metadata_get_version(md);

	if (prev == NULL)
		return TRUE;
	if (v < ferry_metadata_get_version(prev)) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_ROLLBACK,
			    "%s version %" G_GINT64_FORMAT
			    " is older than the trusted version %" G_GINT64_FORMAT,
			    what, v, ferry_metadata_get_version(prev));
		return FALSE;
	}
	if (self->strict_equal_version && v == ferry_metadata_get_version(prev) &&
	    !ferry_metadata_same_content(md, prev)) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_EQUAL_VERSION,
			    "%s version %" G_GINT64_FORMAT
			    " has other content than the trusted one",
			    what, v);
		return FALSE;
	}
	return TRUE;
}

/* every file @prev lists must still be listed by @md, at no lower version */
static gboolean
check_meta_not_older(const FerryMetadata *md, const FerryMetadata *prev, gboolean must_list,
		     const gchar *what, GError **error)
{
	g_autoptr(GPtrArray) names = NULL;

	if (prev == NULL)
		return TRUE;
	names = ferry_metadata_get_meta_names(prev);
	for (guint i = 0; i < names->len; i++) {
		const gchar *name = names->pdata[i];
		const FerryMetaFile *old = ferry_metadata_get_meta(prev, name);
		const FerryMetaFile *cur = ferry_metadata_get_meta(md, name);
		if (cur == NULL && must_list) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_ROLLBACK,
				    "%s no longer lists '%s'", what, name);
			return FALSE;
		}
		if (cur != NULL && cur->version < old->version) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_ROLLBACK,
				    "%s lists '%s' at version %" G_GINT64_FORMAT
				    ", older than the trusted %" G_GINT64_FORMAT,
				    what, name, cur->version, old->version);
			return FALSE;
		}
	}
	return TRUE;
}

static gboolean
check_listed_version(const FerryMetadata *md, const FerryMetaFile *mf, const gchar *filename,
		     GError **error)
{
	if (ferry_metadata_get_version(md) != mf->version) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_VERSION_MISMATCH,
			    "%s is version %" G_GINT64_FORMAT ", but version %" G_GINT64_FORMAT
			    " is listed",
			    filename, ferry_metadata_get_version(md), mf->version);
		return FALSE;
	}
	return TRUE;
}

/* ---- image repository ---- */

gboolean
ferry_trusted_set_update_timestamp(FerryTrustedSet *self, GBytes *bytes, GError **error)
{
	g_autoptr(FerryMetadata) md = NULL;
	const FerryMetadata *prev =
		self->timestamp != NULL ? self->timestamp : self->prev_timestamp;
	const FerryMetaFile *snap, *prev_snap;

	if (!ensure_final_root(self, error))
		return FALSE;
	md = ferry_metadata_new_from_bytes(bytes, FERRY_ROLE_TIMESTAMP, FERRY_MAX_TIMESTAMP_SIZE,
					   error);
	if (md == NULL || !verify_with_root(self, md, self->root, "timestamp", error))
		return FALSE;
	if (!check_not_older(self, md, prev, "timestamp", error))
		return FALSE;
	snap = ferry_metadata_get_meta(md, "snapshot.json");
	if (snap == NULL) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "timestamp does not list snapshot.json");
		return FALSE;
	}
	prev_snap = prev != NULL ? ferry_metadata_get_meta(prev, "snapshot.json") : NULL;
	if (prev_snap != NULL && snap->version < prev_snap->version) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_ROLLBACK,
			    "timestamp lists snapshot version %" G_GINT64_FORMAT
			    ", older than the trusted %" G_GINT64_FORMAT,
			    snap->version, prev_snap->version);
		return FALSE;
	}
	if (!ferry_metadata_check_expiry(md, ferry_trusted_set_get_effective_time(self), error))
		return FALSE;
	g_clear_pointer(&self->timestamp, ferry_metadata_unref);
	self->timestamp = g_steal_pointer(&md);
	return TRUE;
}

gboolean
ferry_trusted_set_update_snapshot(FerryTrustedSet *self, GBytes *bytes, GError **error)
{
	g_autoptr(FerryMetadata) md = NULL;
	const FerryMetadata *prev = self->snapshot != NULL ? self->snapshot : self->prev_snapshot;
	const FerryMetaFile *mf = NULL;

	if (!ensure_final_root(self, error))
		return FALSE;
	if (self->timestamp == NULL && !self->offline) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FAILED,
				    "snapshot offered before a trusted timestamp");
		return FALSE;
	}
	md = ferry_metadata_new_from_bytes(bytes, FERRY_ROLE_SNAPSHOT, FERRY_MAX_SNAPSHOT_SIZE,
					   error);
	if (md == NULL)
		return FALSE;
	if (self->timestamp != NULL) {
		mf = ferry_metadata_get_meta(self->timestamp, "snapshot.json");
		if (!ferry_metadata_matches_meta(md, "snapshot.json", mf, error))
			return FALSE;
	}
	if (!verify_with_root(self, md, self->root, "snapshot", error))
		return FALSE;
	if (mf != NULL && !check_listed_version(md, mf, "snapshot.json", error))
		return FALSE;
	if (!check_not_older(self, md, prev, "snapshot", error) ||
	    !check_meta_not_older(md, prev, TRUE, "snapshot", error))
		return FALSE;
	if (!ferry_metadata_check_expiry(md, ferry_trusted_set_get_effective_time(self), error))
		return FALSE;
	g_clear_pointer(&self->snapshot, ferry_metadata_unref);
	self->snapshot = g_steal_pointer(&md);
	return TRUE;
}

/* keys and role entry that delegate @role_name from @parent */
static gboolean
find_delegator(FerryTrustedSet *self, const gchar *role_name, const gchar *parent,
	       GHashTable **out_keys, const FerryRoleKeys **out_role, GError **error)
{
	FerryMetadata *pmd;
	GPtrArray *roles;

	if (g_str_equal(parent, "root")) {
		*out_keys = ferry_metadata_root_get_keys(self->root);
		*out_role = ferry_metadata_root_get_role(self->root, "targets");
		if (*out_role == NULL) {
			g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
					    "root defines no 'targets' role");
			return FALSE;
		}
		return TRUE;
	}
	pmd = g_hash_table_lookup(self->targets, parent);
	g_return_val_if_fail(pmd != NULL, FALSE);
	roles = ferry_metadata_get_delegated_roles(pmd);
	for (guint i = 0; i < roles->len; i++) {
		const FerryRoleKeys *r = roles->pdata[i];
		if (g_str_equal(r->name, role_name)) {
			*out_keys = ferry_metadata_get_delegation_keys(pmd);
			*out_role = r;
			return TRUE;
		}
	}
	g_set_error(error, FERRY_ERROR, FERRY_ERROR_DELEGATION, "'%s' does not delegate to '%s'",
		    parent, role_name);
	return FALSE;
}

gboolean
ferry_trusted_set_update_delegated_targets(FerryTrustedSet *self, GBytes *bytes,
					   const gchar *role_name, const gchar *parent,
					   GError **error)
{
	g_autoptr(FerryMetadata) md = NULL;
	g_autofree gchar *filename = g_strdup_printf("%s.json", role_name);
	const FerryMetaFile *mf;
	GHashTable *keys = NULL;
	const FerryRoleKeys *role = NULL;

	if (!ensure_final_root(self, error))
		return FALSE;
	if (self->snapshot == NULL) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FAILED,
				    "targets offered before a trusted snapshot");
		return FALSE;
	}
	mf = ferry_metadata_get_meta(self->snapshot, filename);
	if (mf == NULL) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_VERSION_MISMATCH,
			    "snapshot does not list %s", filename);
		return FALSE;
	}
	md = ferry_metadata_new_from_bytes(bytes, FERRY_ROLE_TARGETS, self->max_targets_size,
					   error);
	if (md == NULL || !ferry_metadata_matches_meta(md, filename, mf, error))
		return FALSE;
	if (!find_delegator(self, role_name, parent, &keys, &role, error) ||
	    !ferry_metadata_verify(md, keys, role, error))
		return FALSE;
	if (!check_listed_version(md, mf, filename, error) ||
	    !check_not_older(self, md, g_hash_table_lookup(self->prev_targets, role_name),
			     role_name, error))
		return FALSE;
	if (!ferry_metadata_check_expiry(md, ferry_trusted_set_get_effective_time(self), error))
		return FALSE;
	if (!g_hash_table_contains(self->targets, role_name) && !g_str_equal(role_name, "targets"))
		g_ptr_array_add(self->delegated_order, g_strdup(role_name));
	g_hash_table_replace(self->targets, g_strdup(role_name), g_steal_pointer(&md));
	return TRUE;
}

gboolean
ferry_trusted_set_update_targets(FerryTrustedSet *self, GBytes *bytes, GError **error)
{
	return ferry_trusted_set_update_delegated_targets(self, bytes, "targets", "root", error);
}

/* ---- target resolution through delegations ---- */

typedef struct {
	gchar *role;
	gchar *parent;
} Visit;

static void
visit_free(Visit *v)
{
	g_free(v->role);
	g_free(v->parent);
	g_free(v);
}

static Visit *
visit_new(const gchar *role, const gchar *parent)
{
	Visit *v = g_new0(Visit, 1);
	v->role = g_strdup(role);
	v->parent = g_strdup(parent);
	return v;
}

/* loads and verifies @v's role; FALSE with no error when it is expired */
static gboolean
load_delegated(FerryTrustedSet *self, const Visit *v, FerryLoadRoleFunc load, gpointer user_data,
	       GError **error)
{
	g_autoptr(GBytes) bytes = NULL;
	g_autoptr(GError) error_local = NULL;

	if (load == NULL) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_DELEGATION_MISSING,
			    "no way to load delegated role '%s'", v->role);
		return FALSE;
	}
	bytes = load(v->role, user_data, &error_local);
	if (bytes == NULL) {
		if (g_error_matches(error_local, FERRY_ERROR, FERRY_ERROR_NOT_FOUND)) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_DELEGATION_MISSING,
				    "metadata of delegated role '%s' is missing", v->role);
			return FALSE;
		}
		g_propagate_error(error, g_steal_pointer(&error_local));
		return FALSE;
	}
	if (!ferry_trusted_set_update_delegated_targets(self, bytes, v->role, v->parent,
							&error_local)) {
		/* an expired delegation is not an attack on us; its targets just
		 * cannot be used (the Uptane vectors expect the target to be
		 * reported as missing) */
		if (g_error_matches(error_local, FERRY_ERROR, FERRY_ERROR_EXPIRED)) {
			g_debug("skipping delegated role %s: %s", v->role, error_local->message);
			return FALSE;
		}
		g_propagate_prefixed_error(error, g_steal_pointer(&error_local),
					   "delegated role '%s': ", v->role);
		return FALSE;
	}
	return TRUE;
}

/* pushes @md's delegations that cover @name onto @stack, in listed order */
static void
push_children(FerryMetadata *md, const gchar *role, const gchar *name, GPtrArray *stack)
{
	GPtrArray *roles = ferry_metadata_get_delegated_roles(md);
	g_autoptr(GPtrArray) children = g_ptr_array_new();

	for (guint i = 0; roles != NULL && i < roles->len; i++) {
		const FerryRoleKeys *child = roles->pdata[i];
		if (!ferry_role_keys_matches_target(child, name))
			continue;
		g_ptr_array_add(children, (gpointer)child);
		if (child->terminating) {
			/* nothing outside this branch may answer for @name */
			g_ptr_array_set_size(stack, 0);
			break;
		}
	}
	for (guint i = children->len; i > 0; i--) {
		const FerryRoleKeys *child = children->pdata[i - 1];
		g_ptr_array_add(stack, visit_new(child->name, role));
	}
}

gboolean
ferry_trusted_set_resolve_target(FerryTrustedSet *self, const gchar *name, FerryLoadRoleFunc load,
				 gpointer user_data, FerryTarget *out, GError **error)
{
	g_autoptr(GPtrArray) stack = g_ptr_array_new_with_free_func((GDestroyNotify)visit_free);
	g_autoptr(GHashTable) visited =
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	guint n_visited = 0;

	g_return_val_if_fail(g_hash_table_contains(self->targets, "targets"), FALSE);
	g_ptr_array_add(stack, visit_new("targets", "root"));
	while (stack->len > 0) {
		g_autoptr(GPtrArray) popped =
			g_ptr_array_new_with_free_func((GDestroyNotify)visit_free);
		Visit *v = g_ptr_array_steal_index(stack, stack->len - 1);
		FerryMetadata *md;

		g_ptr_array_add(popped, v);
		if (g_hash_table_contains(visited, v->role))
			continue;
		if (n_visited >= FERRY_MAX_DELEGATIONS_VISITED) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_DELEGATION,
				    "target '%s': more than %u delegated roles to search", name,
				    (guint)FERRY_MAX_DELEGATIONS_VISITED);
			return FALSE;
		}
		n_visited++;
		g_hash_table_add(visited, g_strdup(v->role));
		md = g_hash_table_lookup(self->targets, v->role);
		if (md == NULL) {
			g_autoptr(GError) error_local = NULL;
			if (!load_delegated(self, v, load, user_data, &error_local)) {
				if (error_local == NULL)
					continue; /* expired: not usable */
				g_propagate_error(error, g_steal_pointer(&error_local));
				return FALSE;
			}
			md = g_hash_table_lookup(self->targets, v->role);
		}
		if (ferry_metadata_get_target(md, name, out))
			return TRUE;
		push_children(md, v->role, name, stack);
	}
	g_set_error(error, FERRY_ERROR, FERRY_ERROR_TARGET_MISMATCH,
		    "target '%s' is not in the image repository's trusted targets", name);
	return FALSE;
}

/* ---- director, classic ---- */

static const FerryEcu *
find_ecu(const FerryEcu *ecus, guint n_ecus, const gchar *serial)
{
	for (guint i = 0; i < n_ecus; i++) {
		if (g_strcmp0(ecus[i].serial, serial) == 0)
			return &ecus[i];
	}
	return NULL;
}

/* Uptane 5.4.4.2: unique ECUs, known ECUs, their hardware ids */
static gboolean
check_ecu_rules(FerryMetadata *md, const FerryEcu *ecus, guint n_ecus, GError **error)
{
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint i = 0; i < ferry_metadata_get_n_targets(md); i++) {
		FerryTarget t;
		const FerryJsonValue *ids;

		ferry_metadata_get_target_at(md, i, &t);
		ids = t.custom != NULL ? ferry_json_object_get(t.custom, "ecuIdentifiers") : NULL;
		for (guint j = 0; ids != NULL && j < ferry_json_value_get_length(ids); j++) {
			const gchar *serial = ferry_json_object_get_key_at(ids, j);
			const FerryJsonValue *info = ferry_json_object_get_value_at(ids, j);
			const gchar *hw = ferry_json_value_get_string(
				ferry_json_object_get(info, "hardwareId"));
			const FerryEcu *ecu = find_ecu(ecus, n_ecus, serial);

			if (!g_hash_table_add(seen, (gpointer)serial)) {
				g_set_error(error, FERRY_ERROR, FERRY_ERROR_REPEATED_ECU,
					    "ECU '%s' is given more than one target", serial);
				return FALSE;
			}
			if (ecu == NULL) {
				g_set_error(error, FERRY_ERROR, FERRY_ERROR_UNKNOWN_ECU,
					    "target '%s' is addressed to ECU '%s', which this "
					    "device does not have",
					    t.name, serial);
				return FALSE;
			}
			if (g_strcmp0(hw, ecu->hardware_id) != 0) {
				g_set_error(error, FERRY_ERROR, FERRY_ERROR_HARDWARE_ID,
					    "target '%s' is for hardware id '%s', but ECU '%s' is "
					    "'%s'",
					    t.name, hw != NULL ? hw : "(none)", serial,
					    ecu->hardware_id);
				return FALSE;
			}
		}
	}
	return TRUE;
}

gboolean
ferry_trusted_set_update_director_targets(FerryTrustedSet *self, GBytes *bytes,
					  const FerryEcu *ecus, guint n_ecus, GError **error)
{
	g_autoptr(FerryMetadata) md = NULL;
	FerryMetadata *prev = g_hash_table_lookup(self->prev_targets, "targets");

	if (!ensure_final_root(self, error))
		return FALSE;
	md = ferry_metadata_new_from_bytes(bytes, FERRY_ROLE_TARGETS,
					   FERRY_MAX_DIRECTOR_TARGETS_SIZE, error);
	if (md == NULL || !verify_with_root(self, md, self->root, "targets", error))
		return FALSE;
	if (!check_not_older(self, md, prev, "director targets", error))
		return FALSE;
	if (!ferry_metadata_check_expiry(md, ferry_trusted_set_get_effective_time(self), error))
		return FALSE;
	if (ferry_metadata_has_delegations(md)) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_DIRECTOR_DELEGATION,
				    "director targets must not delegate");
		return FALSE;
	}
	if (!check_ecu_rules(md, ecus, n_ecus, error))
		return FALSE;
	g_hash_table_replace(self->targets, g_strdup("targets"), g_steal_pointer(&md));
	return TRUE;
}

/* ---- director, PURE-2 offline roles ---- */

gboolean
ferry_trusted_set_update_offline_snapshot(FerryTrustedSet *self, GBytes *bytes, GError **error)
{
	g_autoptr(FerryMetadata) md = NULL;
	const FerryMetadata *prev = self->offline_snapshot != NULL ? self->offline_snapshot
								   : self->prev_offline_snapshot;

	if (!ensure_final_root(self, error))
		return FALSE;
	md = ferry_metadata_new_from_bytes(bytes, FERRY_ROLE_OFFLINE_SNAPSHOT,
					   FERRY_MAX_OFFLINE_SNAPSHOT_SIZE, error);
	if (md == NULL || !verify_with_root(self, md, self->root, "offline-snapshot", error))
		return FALSE;
	/* a bundle older than one this device has seen is refused, even if the
	 * lockbox it carries is still listed: PURE-2 leaves this open, and
	 * a replayed stick is what the check is for */
	if (!check_not_older(self, md, prev, "offline-snapshot", error) ||
	    !check_meta_not_older(md, prev, FALSE, "offline-snapshot", error))
		return FALSE;
	if (!ferry_metadata_check_expiry(md, ferry_trusted_set_get_effective_time(self), error))
		return FALSE;
	g_clear_pointer(&self->offline_snapshot, ferry_metadata_unref);
	self->offline_snapshot = g_steal_pointer(&md);
	return TRUE;
}

gboolean
ferry_trusted_set_update_offline_updates(FerryTrustedSet *self, GBytes *bytes, const gchar *name,
					 GError **error)
{
	g_autoptr(FerryMetadata) md = NULL;
	g_autofree gchar *filename = g_strdup_printf("%s.json", name);
	const FerryMetaFile *mf;

	if (self->offline_snapshot == NULL) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FAILED,
				    "offline-updates offered before a trusted offline-snapshot");
		return FALSE;
	}
	mf = ferry_metadata_get_meta(self->offline_snapshot, filename);
	if (mf == NULL) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_VERSION_MISMATCH,
			    "offline-snapshot does not list %s", filename);
		return FALSE;
	}
	md = ferry_metadata_new_from_bytes(bytes, FERRY_ROLE_OFFLINE_UPDATES,
					   FERRY_MAX_OFFLINE_UPDATES_SIZE, error);
	if (md == NULL || !ferry_metadata_matches_meta(md, filename, mf, error))
		return FALSE;
	if (!verify_with_root(self, md, self->root, "offline-updates", error))
		return FALSE;
	if (!check_listed_version(md, mf, filename, error) ||
	    !check_not_older(self, md, g_hash_table_lookup(self->prev_offline_updates, name),
			     filename, error))
		return FALSE;
	if (!ferry_metadata_check_expiry(md, ferry_trusted_set_get_effective_time(self), error))
		return FALSE;
	if (ferry_metadata_has_delegations(md)) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_DIRECTOR_DELEGATION,
				    "offline-updates metadata must not delegate");
		return FALSE;
	}
	g_hash_table_replace(self->offline_updates, g_strdup(name), g_steal_pointer(&md));
	return TRUE;
}

/* ---- getters ---- */

FerryMetadata *
ferry_trusted_set_get_root(FerryTrustedSet *self)
{
	return self->root;
}

FerryMetadata *
ferry_trusted_set_get(FerryTrustedSet *self, FerryRoleType role, const gchar *name)
{
	switch (role) {
	case FERRY_ROLE_ROOT:
		return self->root;
	case FERRY_ROLE_TIMESTAMP:
		return self->timestamp;
	case FERRY_ROLE_SNAPSHOT:
		return self->snapshot;
	case FERRY_ROLE_OFFLINE_SNAPSHOT:
		return self->offline_snapshot;
	case FERRY_ROLE_TARGETS:
		return g_hash_table_lookup(self->targets, name != NULL ? name : "targets");
	case FERRY_ROLE_OFFLINE_UPDATES:
		return name != NULL ? g_hash_table_lookup(self->offline_updates, name) : NULL;
	default:
		return NULL;
	}
}

GPtrArray *
ferry_trusted_set_get_delegated_names(FerryTrustedSet *self)
{
	GPtrArray *names = g_ptr_array_new();
	for (guint i = 0; i < self->delegated_order->len; i++)
		g_ptr_array_add(names, self->delegated_order->pdata[i]);
	return names;
}
