/*
 * ferry — Uptane/TUF metadata parsing and signature verification.
 *
 * Parsing is strict: every field we use is type-checked and capped; unknown
 * fields inside "signed" are allowed (they are covered by the signature, and
 * TUF allows them), unknown fields in the envelope are not.
 */
#include "ferry-metadata.h"

#include <fnmatch.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "ferry-error.h"
#include "ferry-util-private.h"

struct _FerryMetadata {
	gint refcount;
	FerryRoleType role;
	GBytes *bytes;
	FerryJsonDoc *doc;
	const FerryJsonValue *signed_obj; /* borrowed from doc */
	GBytes *signed_canonical;	  /* OLPC form of "signed" */
	GBytes *signed_escaped;		  /* control-escaped form, NULL when identical */
	GBytes *canonical;		  /* OLPC form of the whole document */
	GPtrArray *signatures;		  /* of Signature */
	gint64 version;
	gint64 expires;
	/* root */
	GHashTable *keys;  /* keyid → FerryPublicKey */
	GHashTable *roles; /* name → FerryRoleKeys */
	gboolean consistent_snapshot;
	/* timestamp / snapshot / offline-snapshot */
	GHashTable *meta; /* filename → FerryMetaFile */
	/* targets */
	const FerryJsonValue *targets; /* borrowed */
	GHashTable *delegation_keys;
	GPtrArray *delegated_roles; /* of FerryRoleKeys */
};

typedef struct {
	const gchar *keyid;  /* borrowed */
	const gchar *method; /* borrowed, may be NULL */
	const gchar *sig;    /* borrowed, encoded */
} Signature;

const gchar *
ferry_role_type_to_string(FerryRoleType role)
{
	switch (role) {
	case FERRY_ROLE_ROOT:
		return "root";
	case FERRY_ROLE_TIMESTAMP:
		return "timestamp";
	case FERRY_ROLE_SNAPSHOT:
		return "snapshot";
	case FERRY_ROLE_TARGETS:
		return "targets";
	case FERRY_ROLE_OFFLINE_SNAPSHOT:
		return "offline-snapshot";
	case FERRY_ROLE_OFFLINE_UPDATES:
		return "offline-updates";
	case FERRY_ROLE_BUNDLE_MANIFEST:
		return "ferry-manifest";
	default:
		g_assert_not_reached();
	}
}

static void
role_keys_free(FerryRoleKeys *role)
{
	if (role == NULL)
		return;
	g_free(role->name);
	g_clear_pointer(&role->keyids, g_ptr_array_unref);
	g_clear_pointer(&role->paths, g_ptr_array_unref);
	g_clear_pointer(&role->path_hash_prefixes, g_ptr_array_unref);
	g_free(role);
}

/* ---- small field readers ---- */

static const FerryJsonValue *
get_member(const FerryJsonValue *obj, const gchar *key, FerryJsonType type, gboolean required,
	   GError **error)
{
	const FerryJsonValue *v = ferry_json_object_get(obj, key);

	if (v == NULL) {
		if (required)
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT, "missing '%s'", key);
		return NULL;
	}
	if (ferry_json_value_get_type(v) != type) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT, "'%s' has the wrong type", key);
		return NULL;
	}
	return v;
}

static const gchar *
get_string(const FerryJsonValue *obj, const gchar *key, gboolean required, GError **error)
{
	const FerryJsonValue *v = get_member(obj, key, FERRY_JSON_STRING, required, error);
	const gchar *s;

	if (v == NULL)
		return NULL;
	s = ferry_json_value_get_string(v);
	if (strlen(s) > FERRY_MAX_STRING_FIELD) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE, "'%s' is too long", key);
		return NULL;
	}
	return s;
}

/* a non-negative (or >= @min) integer; doubles and strings are format errors */
static gboolean
get_int(const FerryJsonValue *obj, const gchar *key, gint64 min, gint64 *out, GError **error)
{
	const FerryJsonValue *v = ferry_json_object_get(obj, key);
	gint64 i = 0;

	if (v == NULL) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT, "missing '%s'", key);
		return FALSE;
	}
	if (!ferry_json_value_get_int(v, &i)) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT, "'%s' is not an integer", key);
		return FALSE;
	}
	if (i < min) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
			    "'%s' is %" G_GINT64_FORMAT ", below %" G_GINT64_FORMAT, key, i, min);
		return FALSE;
	}
	*out = i;
	return TRUE;
}

static gboolean
is_hex(const gchar *s, gsize min_len)
{
	gsize n = 0;
	for (; s[n] != '\0'; n++) {
		if (!g_ascii_isxdigit(s[n]))
			return FALSE;
	}
	return n >= min_len && n % 2 == 0;
}

/* ---- dates ---- */

static gboolean
iso8601_to_unix(const gchar *s, gint64 *out)
{
	/* exactly YYYY-MM-DDTHH:MM:SSZ: 20 chars, digits where digits belong */
	static const gchar shape[] = "dddd-dd-ddTdd:dd:ddZ";
	g_autoptr(GDateTime) dt = NULL;
	gint d, se;

	if (strlen(s) != sizeof(shape) - 1)
		return FALSE;
	for (gsize i = 0; shape[i] != '\0'; i++) {
		if (shape[i] == 'd' ? !g_ascii_isdigit(s[i]) : s[i] != shape[i])
			return FALSE;
	}
	d = atoi(s + 8);
	se = atoi(s + 17);
	dt = g_date_time_new_utc(atoi(s), atoi(s + 5), d, atoi(s + 11), atoi(s + 14), se);
	/* g_date_time_new_utc refuses out-of-range fields; also refuse leap seconds */
	if (dt == NULL || se > 59 || g_date_time_get_day_of_month(dt) != d)
		return FALSE;
	*out = g_date_time_to_unix(dt);
	return TRUE;
}

gboolean
ferry_parse_iso8601(const gchar *s, gint64 *out, GError **error)
{
	gint64 t = 0;

	if (!iso8601_to_unix(s, &t)) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
			    "'%s' is not a time of the form YYYY-MM-DDTHH:MM:SSZ", s);
		return FALSE;
	}
	*out = t;
	return TRUE;
}

gchar *
ferry_format_iso8601(gint64 t)
{
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(t);
	if (dt == NULL)
		return g_strdup("invalid-time");
	return g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");
}

gchar *
ferry_sha256_hex(const guint8 *data, gsize len)
{
	return g_compute_checksum_for_data(G_CHECKSUM_SHA256, data, len);
}

/* ---- keys and roles ---- */

static gboolean
parse_keys(const FerryJsonValue *obj, GHashTable **out_keys, GError **error)
{
	g_autoptr(GHashTable) keys = NULL;
	guint n = ferry_json_value_get_length(obj);

	if (n > FERRY_MAX_KEYS) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE, "more than %u keys",
			    (guint)FERRY_MAX_KEYS);
		return FALSE;
	}
	keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
				     (GDestroyNotify)ferry_public_key_unref);
	for (guint i = 0; i < n; i++) {
		const gchar *keyid = ferry_json_object_get_key_at(obj, i);
		const FerryJsonValue *k = ferry_json_object_get_value_at(obj, i);
		const FerryJsonValue *keyval;
		const gchar *keytype, *scheme = NULL, *public_value;
		g_autoptr(GError) error_local = NULL;
		FerryPublicKey *key;

		if (ferry_json_value_get_type(k) != FERRY_JSON_OBJECT) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "key '%s' is not an object", keyid);
			return FALSE;
		}
		if (strlen(keyid) > FERRY_MAX_STRING_FIELD) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE, "key id too long");
			return FALSE;
		}
		keytype = get_string(k, "keytype", TRUE, error);
		if (keytype == NULL)
			return FALSE;
		if (ferry_json_object_get(k, "scheme") != NULL) {
			scheme = get_string(k, "scheme", TRUE, error);
			if (scheme == NULL)
				return FALSE;
		}
		keyval = get_member(k, "keyval", FERRY_JSON_OBJECT, TRUE, error);
		if (keyval == NULL)
			return FALSE;
		public_value = ferry_json_value_get_string(ferry_json_object_get(keyval, "public"));
		if (public_value == NULL) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "key '%s' has no keyval.public string", keyid);
			return FALSE;
		}
		key = ferry_public_key_new(keytype, scheme, public_value, &error_local);
		if (key == NULL) {
			/* a key type we do not know cannot sign anything we accept:
			 * leave it out rather than refuse the whole root */
			if (g_error_matches(error_local, FERRY_ERROR, FERRY_ERROR_UNSUPPORTED)) {
				g_debug("ignoring key %s: %s", keyid, error_local->message);
				continue;
			}
			g_propagate_prefixed_error(error, g_steal_pointer(&error_local),
						   "key '%s': ", keyid);
			return FALSE;
		}
		g_hash_table_insert(keys, g_strdup(keyid), key);
	}
	*out_keys = g_steal_pointer(&keys);
	return TRUE;
}

static GPtrArray *
parse_string_array(const FerryJsonValue *obj, const gchar *key, guint max, gboolean unique,
		   GError **error)
{
	const FerryJsonValue *arr = get_member(obj, key, FERRY_JSON_ARRAY, TRUE, error);
	g_autoptr(GPtrArray) out = NULL;
	g_autoptr(GHashTable) seen = NULL;
	guint n;

	if (arr == NULL)
		return NULL;
	n = ferry_json_value_get_length(arr);
	if (n > max) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE,
			    "'%s' has more than %u entries", key, max);
		return NULL;
	}
	out = g_ptr_array_new_with_free_func(g_free);
	seen = g_hash_table_new(g_str_hash, g_str_equal);
	for (guint i = 0; i < n; i++) {
		const gchar *s = ferry_json_value_get_string(ferry_json_array_get(arr, i));
		if (s == NULL || strlen(s) > FERRY_MAX_STRING_FIELD) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "'%s' must hold short strings", key);
			return NULL;
		}
		if (unique && !g_hash_table_add(seen, (gpointer)s)) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT, "'%s' lists '%s' twice",
				    key, s);
			return NULL;
		}
		g_ptr_array_add(out, g_strdup(s));
	}
	return g_steal_pointer(&out);
}

static FerryRoleKeys *
parse_role_keys(const gchar *name, const FerryJsonValue *obj, GError **error)
{
	g_autoptr(GPtrArray) keyids = NULL;
	FerryRoleKeys *role;
	gint64 threshold = 0;

	if (ferry_json_value_get_type(obj) != FERRY_JSON_OBJECT) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT, "role '%s' is not an object",
			    name);
		return NULL;
	}
	keyids = parse_string_array(obj, "keyids", FERRY_MAX_ROLE_KEYIDS, TRUE, error);
	if (keyids == NULL)
		return NULL;
	if (!get_int(obj, "threshold", G_MININT64, &threshold, error))
		return NULL;
	if (threshold < 1) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_ILLEGAL_THRESHOLD,
			    "role '%s' has threshold %" G_GINT64_FORMAT ", below 1", name,
			    threshold);
		return NULL;
	}
	role = g_new0(FerryRoleKeys, 1);
	role->name = g_strdup(name);
	role->keyids = g_steal_pointer(&keyids);
	role->threshold = threshold;
	return role;
}

static gboolean
parse_root(FerryMetadata *self, GError **error)
{
	const FerryJsonValue *keys, *roles, *cs;

	keys = get_member(self->signed_obj, "keys", FERRY_JSON_OBJECT, TRUE, error);
	if (keys == NULL || !parse_keys(keys, &self->keys, error))
		return FALSE;
	roles = get_member(self->signed_obj, "roles", FERRY_JSON_OBJECT, TRUE, error);
	if (roles == NULL)
		return FALSE;
	if (ferry_json_value_get_length(roles) > FERRY_MAX_DELEGATED_ROLES) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE, "too many roles");
		return FALSE;
	}
	self->roles = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
					    (GDestroyNotify)role_keys_free);
	for (guint i = 0; i < ferry_json_value_get_length(roles); i++) {
		const gchar *name = ferry_json_object_get_key_at(roles, i);
		FerryRoleKeys *role =
			parse_role_keys(name, ferry_json_object_get_value_at(roles, i), error);
		if (role == NULL)
			return FALSE;
		g_hash_table_insert(self->roles, role->name, role);
	}
	if (!g_hash_table_contains(self->roles, "root")) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "root defines no 'root' role");
		return FALSE;
	}
	cs = ferry_json_object_get(self->signed_obj, "consistent_snapshot");
	if (cs != NULL && !ferry_json_value_get_bool(cs, &self->consistent_snapshot)) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "'consistent_snapshot' is not a boolean");
		return FALSE;
	}
	return TRUE;
}

/* ---- meta maps ---- */

static gboolean
parse_hashes(const FerryJsonValue *hashes, const gchar **sha256, const gchar **sha512,
	     gboolean required, GError **error)
{
	guint n = ferry_json_value_get_length(hashes);

	if (n > FERRY_MAX_HASHES) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE, "too many hashes");
		return FALSE;
	}
	if (required && n == 0) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT, "no hashes");
		return FALSE;
	}
	for (guint i = 0; i < n; i++) {
		const gchar *alg = ferry_json_object_get_key_at(hashes, i);
		const gchar *hex =
			ferry_json_value_get_string(ferry_json_object_get_value_at(hashes, i));
		if (hex == NULL || strlen(hex) > 256 || !is_hex(hex, 2)) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "hash '%s' is not a hex string", alg);
			return FALSE;
		}
		if (g_strcmp0(alg, "sha256") == 0) {
			if (strlen(hex) != 64) {
				g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
						    "sha256 is not 64 hex digits");
				return FALSE;
			}
			*sha256 = hex;
		} else if (g_strcmp0(alg, "sha512") == 0) {
			if (strlen(hex) != 128) {
				g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
						    "sha512 is not 128 hex digits");
				return FALSE;
			}
			*sha512 = hex;
		}
	}
	/* hashes only in algorithms we do not know would let length alone vouch
	 * for the content */
	if (n > 0 && *sha256 == NULL && *sha512 == NULL) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_UNSUPPORTED,
				    "no sha256 or sha512 among the hashes");
		return FALSE;
	}
	return TRUE;
}

static gboolean
parse_meta(FerryMetadata *self, GError **error)
{
	const FerryJsonValue *meta =
		get_member(self->signed_obj, "meta", FERRY_JSON_OBJECT, TRUE, error);
	guint n;

	if (meta == NULL)
		return FALSE;
	n = ferry_json_value_get_length(meta);
	if (n > FERRY_MAX_DELEGATED_ROLES + 1) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE,
				    "too many meta entries");
		return FALSE;
	}
	self->meta = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	for (guint i = 0; i < n; i++) {
		const gchar *name = ferry_json_object_get_key_at(meta, i);
		const FerryJsonValue *entry = ferry_json_object_get_value_at(meta, i);
		const FerryJsonValue *hashes;
		g_autofree FerryMetaFile *mf = g_new0(FerryMetaFile, 1);

		if (ferry_json_value_get_type(entry) != FERRY_JSON_OBJECT ||
		    strlen(name) > FERRY_MAX_STRING_FIELD) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT, "bad meta entry '%s'",
				    name);
			return FALSE;
		}
		if (!get_int(entry, "version", 1, &mf->version, error)) {
			g_prefix_error(error, "meta '%s': ", name);
			return FALSE;
		}
		mf->length = -1;
		if (ferry_json_object_get(entry, "length") != NULL &&
		    !get_int(entry, "length", 0, &mf->length, error)) {
			g_prefix_error(error, "meta '%s': ", name);
			return FALSE;
		}
		hashes = ferry_json_object_get(entry, "hashes");
		if (hashes != NULL && ferry_json_value_get_type(hashes) != FERRY_JSON_OBJECT) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "meta '%s': 'hashes' is not an object", name);
			return FALSE;
		}
		if (hashes != NULL &&
		    !parse_hashes(hashes, &mf->sha256, &mf->sha512, TRUE, error)) {
			g_prefix_error(error, "meta '%s': ", name);
			return FALSE;
		}
		g_hash_table_insert(self->meta, (gpointer)name, g_steal_pointer(&mf));
	}
	return TRUE;
}

/* ---- targets and delegations ---- */

static gboolean
parse_target_entry(const gchar *name, const FerryJsonValue *entry, FerryTarget *out, GError **error)
{
	const FerryJsonValue *hashes, *custom;

	memset(out, 0, sizeof(*out));
	out->name = name;
	if (ferry_json_value_get_type(entry) != FERRY_JSON_OBJECT) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT, "not an object");
		return FALSE;
	}
	if (!get_int(entry, "length", 0, &out->length, error))
		return FALSE;
	hashes = get_member(entry, "hashes", FERRY_JSON_OBJECT, TRUE, error);
	if (hashes == NULL || !parse_hashes(hashes, &out->sha256, &out->sha512, TRUE, error))
		return FALSE;
	custom = ferry_json_object_get(entry, "custom");
	if (custom != NULL && ferry_json_value_get_type(custom) == FERRY_JSON_OBJECT)
		out->custom = custom;
	else if (custom != NULL && ferry_json_value_get_type(custom) != FERRY_JSON_NULL) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "'custom' is not an object");
		return FALSE;
	}
	return TRUE;
}

/* Role names become file names on the medium: keep them plain. */
static gboolean
check_role_name(const gchar *name, GError **error)
{
	static const gchar *const reserved[] = {"root", "timestamp", "snapshot", "targets", NULL};

	if (*name == '\0' || strlen(name) > 255 || strchr(name, '/') != NULL ||
	    strchr(name, '\\') != NULL || g_str_equal(name, ".") || g_str_equal(name, "..") ||
	    g_strv_contains(reserved, name)) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
			    "'%s' is not an acceptable delegated role name", name);
		return FALSE;
	}
	for (const gchar *p = name; *p != '\0'; p++) {
		if ((guchar)*p < 0x20) {
			g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
					    "delegated role name has control characters");
			return FALSE;
		}
	}
	return TRUE;
}

static FerryRoleKeys *
parse_delegated_role(const FerryJsonValue *obj, GError **error)
{
	const gchar *name;
	const FerryJsonValue *term;
	g_autoptr(GPtrArray) paths = NULL;
	g_autoptr(GPtrArray) prefixes = NULL;
	FerryRoleKeys *role;

	if (ferry_json_value_get_type(obj) != FERRY_JSON_OBJECT) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "delegated role is not an object");
		return NULL;
	}
	name = get_string(obj, "name", TRUE, error);
	if (name == NULL || !check_role_name(name, error))
		return NULL;
	if (ferry_json_object_get(obj, "paths") != NULL) {
		paths = parse_string_array(obj, "paths", FERRY_MAX_PATHS_PER_ROLE, FALSE, error);
		if (paths == NULL)
			return NULL;
	}
	if (ferry_json_object_get(obj, "path_hash_prefixes") != NULL) {
		prefixes = parse_string_array(obj, "path_hash_prefixes", FERRY_MAX_PATHS_PER_ROLE,
					      FALSE, error);
		if (prefixes == NULL)
			return NULL;
	}
	if ((paths == NULL) == (prefixes == NULL)) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
			    "role '%s' needs exactly one of 'paths' and 'path_hash_prefixes'",
			    name);
		return NULL;
	}
	role = parse_role_keys(name, obj, error);
	if (role == NULL)
		return NULL;
	role->paths = g_steal_pointer(&paths);
	role->path_hash_prefixes = g_steal_pointer(&prefixes);
	term = ferry_json_object_get(obj, "terminating");
	if (term != NULL && !ferry_json_value_get_bool(term, &role->terminating)) {
		role_keys_free(role);
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "'terminating' is not a boolean");
		return NULL;
	}
	return role;
}

static gboolean
parse_delegations(FerryMetadata *self, const FerryJsonValue *deleg, GError **error)
{
	const FerryJsonValue *keys, *roles;
	g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);

	if (ferry_json_value_get_type(deleg) != FERRY_JSON_OBJECT) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "'delegations' is not an object");
		return FALSE;
	}
	keys = get_member(deleg, "keys", FERRY_JSON_OBJECT, TRUE, error);
	if (keys == NULL || !parse_keys(keys, &self->delegation_keys, error))
		return FALSE;
	roles = get_member(deleg, "roles", FERRY_JSON_ARRAY, TRUE, error);
	if (roles == NULL)
		return FALSE;
	if (ferry_json_value_get_length(roles) > FERRY_MAX_DELEGATED_ROLES) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE,
				    "too many delegated roles");
		return FALSE;
	}
	for (guint i = 0; i < ferry_json_value_get_length(roles); i++) {
		FerryRoleKeys *role = parse_delegated_role(ferry_json_array_get(roles, i), error);
		if (role == NULL)
			return FALSE;
		g_ptr_array_add(self->delegated_roles, role);
		if (!g_hash_table_add(names, role->name)) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "delegated role '%s' listed twice", role->name);
			return FALSE;
		}
	}
	return TRUE;
}

static gboolean
parse_targets(FerryMetadata *self, GError **error)
{
	const FerryJsonValue *deleg;

	self->targets = get_member(self->signed_obj, "targets", FERRY_JSON_OBJECT, TRUE, error);
	if (self->targets == NULL)
		return FALSE;
	/* validate every entry now, so lookups later cannot fail */
	for (guint i = 0; i < ferry_json_value_get_length(self->targets); i++) {
		const gchar *name = ferry_json_object_get_key_at(self->targets, i);
		FerryTarget t;
		if (strlen(name) > FERRY_MAX_STRING_FIELD || *name == '\0') {
			g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
					    "bad target name");
			return FALSE;
		}
		if (!parse_target_entry(name, ferry_json_object_get_value_at(self->targets, i), &t,
					error)) {
			g_prefix_error(error, "target '%s': ", name);
			return FALSE;
		}
	}
	self->delegated_roles = g_ptr_array_new_with_free_func((GDestroyNotify)role_keys_free);
	deleg = ferry_json_object_get(self->signed_obj, "delegations");
	if (deleg != NULL && ferry_json_value_get_type(deleg) != FERRY_JSON_NULL)
		return parse_delegations(self, deleg, error);
	return TRUE;
}

/* ---- the envelope ---- */

static gboolean
type_matches(FerryRoleType role, const gchar *type)
{
	static const gchar *const offline_snapshot[] = {"offline-snapshot",
							"offline-update-snapshot", NULL};
	static const gchar *const offline_updates[] = {"offline-updates", "offline-targets",
						       "offline-update-targets", NULL};
	const gchar *const *names = NULL;

	if (role == FERRY_ROLE_OFFLINE_SNAPSHOT)
		names = offline_snapshot;
	else if (role == FERRY_ROLE_OFFLINE_UPDATES)
		names = offline_updates;
	else
		return g_ascii_strcasecmp(type, ferry_role_type_to_string(role)) == 0;
	for (guint i = 0; names[i] != NULL; i++) {
		if (g_ascii_strcasecmp(type, names[i]) == 0)
			return TRUE;
	}
	return FALSE;
}

static gboolean
parse_signatures(FerryMetadata *self, const FerryJsonValue *sigs, GError **error)
{
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
	guint n = ferry_json_value_get_length(sigs);

	if (n > FERRY_MAX_SIGNATURES) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE, "more than %u signatures",
			    (guint)FERRY_MAX_SIGNATURES);
		return FALSE;
	}
	self->signatures = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < n; i++) {
		const FerryJsonValue *o = ferry_json_array_get(sigs, i);
		g_autofree Signature *sig = g_new0(Signature, 1);

		if (ferry_json_value_get_type(o) != FERRY_JSON_OBJECT) {
			g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
					    "signature is not an object");
			return FALSE;
		}
		sig->keyid = get_string(o, "keyid", TRUE, error);
		if (sig->keyid == NULL)
			return FALSE;
		sig->sig = ferry_json_value_get_string(ferry_json_object_get(o, "sig"));
		if (sig->sig == NULL || strlen(sig->sig) > 8192) {
			g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
					    "signature has no 'sig' string of sane length");
			return FALSE;
		}
		if (ferry_json_object_get(o, "method") != NULL) {
			sig->method = get_string(o, "method", TRUE, error);
			if (sig->method == NULL)
				return FALSE;
		}
		if (!g_hash_table_add(seen, (gpointer)sig->keyid)) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_DUPLICATE_SIGNATURE,
				    "key id %s signed more than once", sig->keyid);
			return FALSE;
		}
		g_ptr_array_add(self->signatures, g_steal_pointer(&sig));
	}
	return TRUE;
}

static gboolean
check_spec_version(const FerryJsonValue *signed_obj, GError **error)
{
	const FerryJsonValue *v = ferry_json_object_get(signed_obj, "spec_version");
	const gchar *s;

	if (v == NULL)
		return TRUE; /* the Uptane dialect has none */
	s = ferry_json_value_get_string(v);
	if (s == NULL) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "'spec_version' is not a string");
		return FALSE;
	}
	if (!(g_str_has_prefix(s, "1.") || g_str_equal(s, "1"))) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_UNSUPPORTED,
			    "spec_version '%s' is not supported (only 1.x)", s);
		return FALSE;
	}
	return TRUE;
}

static gboolean
parse_envelope(FerryMetadata *self, GError **error)
{
	const FerryJsonValue *root = ferry_json_doc_get_root(self->doc);
	const FerryJsonValue *sigs;
	const gchar *type, *expires;

	if (ferry_json_value_get_type(root) != FERRY_JSON_OBJECT ||
	    ferry_json_value_get_length(root) != 2) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "metadata must be an object of 'signatures' and 'signed'");
		return FALSE;
	}
	self->signed_obj = get_member(root, "signed", FERRY_JSON_OBJECT, TRUE, error);
	if (self->signed_obj == NULL)
		return FALSE;
	sigs = get_member(root, "signatures", FERRY_JSON_ARRAY, TRUE, error);
	if (sigs == NULL)
		return FALSE;
	type = get_string(self->signed_obj, "_type", TRUE, error);
	if (type == NULL)
		return FALSE;
	if (!type_matches(self->role, type)) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_TYPE_MISMATCH,
			    "_type is '%s', expected %s", type,
			    ferry_role_type_to_string(self->role));
		return FALSE;
	}
	if (!check_spec_version(self->signed_obj, error))
		return FALSE;
	if (!get_int(self->signed_obj, "version", 1, &self->version, error))
		return FALSE;
	expires = get_string(self->signed_obj, "expires", TRUE, error);
	if (expires == NULL || !ferry_parse_iso8601(expires, &self->expires, error))
		return FALSE;
	return parse_signatures(self, sigs, error);
}

static gboolean
parse_role_body(FerryMetadata *self, GError **error)
{
	switch (self->role) {
	case FERRY_ROLE_ROOT:
		return parse_root(self, error);
	case FERRY_ROLE_TIMESTAMP:
	case FERRY_ROLE_SNAPSHOT:
	case FERRY_ROLE_OFFLINE_SNAPSHOT:
		return parse_meta(self, error);
	case FERRY_ROLE_TARGETS:
	case FERRY_ROLE_OFFLINE_UPDATES:
		return parse_targets(self, error);
	case FERRY_ROLE_BUNDLE_MANIFEST:
		return TRUE; /* its body is format/ferry-bundle.c's to read */
	default:
		g_assert_not_reached();
	}
}

FerryMetadata *
ferry_metadata_new_from_bytes(GBytes *bytes, FerryRoleType role, gsize max_size, GError **error)
{
	g_autoptr(FerryMetadata) self = g_new0(FerryMetadata, 1);
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(bytes, &len);

	g_return_val_if_fail(bytes != NULL, NULL);
	self->refcount = 1;
	self->role = role;
	self->bytes = g_bytes_ref(bytes);
	if (len > max_size) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE,
			    "%s metadata is %" G_GSIZE_FORMAT
			    " bytes, over the limit of %" G_GSIZE_FORMAT,
			    ferry_role_type_to_string(role), len, max_size);
		return NULL;
	}
	self->doc = ferry_json_doc_new_parse(data, len, max_size, error);
	if (self->doc == NULL)
		return NULL;
	if (!parse_envelope(self, error) || !parse_role_body(self, error))
		return NULL;
	self->signed_canonical =
		ferry_json_canonicalize(self->signed_obj, FERRY_JSON_CANON_OLPC, error);
	if (self->signed_canonical == NULL)
		return NULL;
	if (ferry_json_has_control_chars(self->signed_obj)) {
		self->signed_escaped =
			ferry_json_canonicalize(self->signed_obj, FERRY_JSON_CANON_ESCAPED, error);
		if (self->signed_escaped == NULL)
			return NULL;
	}
	return g_steal_pointer(&self);
}

FerryMetadata *
ferry_metadata_ref(FerryMetadata *self)
{
	g_return_val_if_fail(self != NULL, NULL);
	g_atomic_int_inc(&self->refcount);
	return self;
}

void
ferry_metadata_unref(FerryMetadata *self)
{
	if (self == NULL || !g_atomic_int_dec_and_test(&self->refcount))
		return;
	g_clear_pointer(&self->signatures, g_ptr_array_unref);
	g_clear_pointer(&self->keys, g_hash_table_unref);
	g_clear_pointer(&self->roles, g_hash_table_unref);
	g_clear_pointer(&self->meta, g_hash_table_unref);
	g_clear_pointer(&self->delegation_keys, g_hash_table_unref);
	g_clear_pointer(&self->delegated_roles, g_ptr_array_unref);
	g_clear_pointer(&self->signed_canonical, g_bytes_unref);
	g_clear_pointer(&self->signed_escaped, g_bytes_unref);
	g_clear_pointer(&self->canonical, g_bytes_unref);
	g_clear_pointer(&self->doc, ferry_json_doc_free);
	g_clear_pointer(&self->bytes, g_bytes_unref);
	g_free(self);
}

FerryRoleType
ferry_metadata_get_role(const FerryMetadata *self)
{
	return self->role;
}

gint64
ferry_metadata_get_version(const FerryMetadata *self)
{
	return self->version;
}

gint64
ferry_metadata_get_expires(const FerryMetadata *self)
{
	return self->expires;
}

GBytes *
ferry_metadata_get_bytes(const FerryMetadata *self)
{
	return self->bytes;
}

const FerryJsonValue *
ferry_metadata_get_signed(const FerryMetadata *self)
{
	return self->signed_obj;
}

GBytes *
ferry_metadata_get_canonical(const FerryMetadata *self)
{
	FerryMetadata *mutable_self = (FerryMetadata *)self;

	/* computed on first use: only hash checks of listed metadata need it */
	if (self->canonical == NULL) {
		/* NULL when an extra field in a signature object is a float */
		mutable_self->canonical = ferry_json_canonicalize(
			ferry_json_doc_get_root(self->doc), FERRY_JSON_CANON_OLPC, NULL);
	}
	return self->canonical;
}

gboolean
ferry_metadata_same_content(const FerryMetadata *a, const FerryMetadata *b)
{
	return g_bytes_equal(a->signed_canonical, b->signed_canonical);
}

gboolean
ferry_metadata_check_expiry(const FerryMetadata *self, gint64 now, GError **error)
{
	if (now >= self->expires) {
		g_autofree gchar *exp = ferry_format_iso8601(self->expires);
		g_autofree gchar *at = ferry_format_iso8601(now);
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_EXPIRED,
			    "%s metadata version %" G_GINT64_FORMAT " expired at %s (time is %s)",
			    ferry_role_type_to_string(self->role), self->version, exp, at);
		return FALSE;
	}
	return TRUE;
}

/* ---- signatures ---- */

/* Signatures are hex (TUF) or base64 (aktualizr, ota-tuf); a valid hex string
 * is never valid padded base64 of the same bytes, so try each decoding that
 * parses. */
static GPtrArray *
decode_signature(const gchar *sig)
{
	GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	gsize len = strlen(sig);

	if (len > 0 && is_hex(sig, 2)) {
		guint8 *buf = g_malloc(len / 2);
		for (gsize i = 0; i < len / 2; i++)
			buf[i] = (guint8)(g_ascii_xdigit_value(sig[2 * i]) << 4 |
					  g_ascii_xdigit_value(sig[2 * i + 1]));
		g_ptr_array_add(out, g_bytes_new_take(buf, len / 2));
	}
	if (len > 0 && len % 4 == 0) {
		gboolean ok = TRUE;
		for (gsize i = 0; i < len && ok; i++) {
			gchar c = sig[i];
			ok = g_ascii_isalnum(c) || c == '+' || c == '/' ||
			     (c == '=' && i >= len - 2 && (i == len - 1 || sig[len - 1] == '='));
		}
		if (ok) {
			gsize n = 0;
			guchar *buf = g_base64_decode(sig, &n);
			g_ptr_array_add(out, g_bytes_new_take(buf, n));
		}
	}
	return out;
}

static gboolean
signature_valid(const FerryMetadata *self, const Signature *sig, const FerryPublicKey *key)
{
	g_autoptr(GPtrArray) candidates = decode_signature(sig->sig);
	const gchar *method = sig->method;

	if (method == NULL)
		method = ferry_public_key_get_scheme(key);
	if (method == NULL) {
		/* neither the signature nor the key names a scheme: the type's only one */
		if (ferry_public_key_get_key_type(key) == FERRY_KEY_TYPE_ED25519)
			method = "ed25519";
		else if (ferry_public_key_get_key_type(key) == FERRY_KEY_TYPE_ECDSA_P256)
			method = "ecdsa-sha2-nistp256";
		else
			method = "rsassa-pss-sha256";
	}
	if (!ferry_public_key_method_is_compatible(key, method))
		return FALSE;
	for (guint i = 0; i < candidates->len; i++) {
		gsize sig_len = 0;
		const guint8 *sig_data = g_bytes_get_data(candidates->pdata[i], &sig_len);
		GBytes *forms[] = {self->signed_canonical, self->signed_escaped};
		for (guint f = 0; f < G_N_ELEMENTS(forms); f++) {
			gsize len = 0;
			const guint8 *data;
			if (forms[f] == NULL)
				continue;
			data = g_bytes_get_data(forms[f], &len);
			if (ferry_public_key_verify(key, method, sig_data, sig_len, data, len,
						    NULL))
				return TRUE;
		}
	}
	return FALSE;
}

static gboolean
role_lists_keyid(const FerryRoleKeys *role, const gchar *keyid)
{
	for (guint i = 0; i < role->keyids->len; i++) {
		if (g_str_equal(role->keyids->pdata[i], keyid))
			return TRUE;
	}
	return FALSE;
}

gboolean
ferry_metadata_verify(const FerryMetadata *self, GHashTable *keys, const FerryRoleKeys *role,
		      GError **error)
{
	g_autoptr(GPtrArray) distinct = g_ptr_array_new();
	const gchar *unknown_keyid = NULL;
	guint invalid = 0;

	g_return_val_if_fail(role != NULL, FALSE);
	if (role->threshold < 1) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_ILLEGAL_THRESHOLD,
			    "role '%s' has a threshold below 1", role->name);
		return FALSE;
	}
	for (guint i = 0; i < self->signatures->len; i++) {
		const Signature *sig = self->signatures->pdata[i];
		const FerryPublicKey *key = NULL;
		gboolean counted = FALSE;

		if (role_lists_keyid(role, sig->keyid) && keys != NULL)
			key = g_hash_table_lookup(keys, sig->keyid);
		if (key == NULL) {
			unknown_keyid = sig->keyid;
			continue;
		}
		if (!signature_valid(self, sig, key)) {
			invalid++;
			continue;
		}
		/* thresholds count public keys, not key ids */
		for (guint j = 0; j < distinct->len && !counted; j++)
			counted = ferry_public_key_equal(distinct->pdata[j], key);
		if (!counted)
			g_ptr_array_add(distinct, (gpointer)key);
		if (distinct->len >= (guint64)role->threshold)
			return TRUE;
	}
	if (unknown_keyid != NULL) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_UNKNOWN_KEY,
			    "%s metadata: %u of %" G_GINT64_FORMAT
			    " required signatures; key id %.16s... is not a key of role '%s'",
			    ferry_role_type_to_string(self->role), distinct->len, role->threshold,
			    unknown_keyid, role->name);
		return FALSE;
	}
	g_set_error(error, FERRY_ERROR, FERRY_ERROR_SIGNATURE,
		    "%s metadata: %u of %" G_GINT64_FORMAT
		    " required signatures from distinct keys of role '%s' (%u invalid)",
		    ferry_role_type_to_string(self->role), distinct->len, role->threshold,
		    role->name, invalid);
	return FALSE;
}

/* ---- accessors ---- */

GHashTable *
ferry_metadata_root_get_keys(const FerryMetadata *self)
{
	g_return_val_if_fail(self->role == FERRY_ROLE_ROOT, NULL);
	return self->keys;
}

const FerryRoleKeys *
ferry_metadata_root_get_role(const FerryMetadata *self, const gchar *name)
{
	static const gchar *const snap_aliases[] = {"offline-snapshot", "offline-update-snapshot",
						    NULL};
	static const gchar *const upd_aliases[] = {"offline-updates", "offline-update-targets",
						   NULL};
	const gchar *const *aliases = NULL;

	g_return_val_if_fail(self->role == FERRY_ROLE_ROOT, NULL);
	if (g_strv_contains(snap_aliases, name))
		aliases = snap_aliases;
	else if (g_strv_contains(upd_aliases, name))
		aliases = upd_aliases;
	if (aliases == NULL)
		return g_hash_table_lookup(self->roles, name);
	for (guint i = 0; aliases[i] != NULL; i++) {
		const FerryRoleKeys *role = g_hash_table_lookup(self->roles, aliases[i]);
		if (role != NULL)
			return role;
	}
	return NULL;
}

gboolean
ferry_metadata_root_get_consistent_snapshot(const FerryMetadata *self)
{
	return self->consistent_snapshot;
}

const FerryMetaFile *
ferry_metadata_get_meta(const FerryMetadata *self, const gchar *filename)
{
	if (self->meta == NULL)
		return NULL;
	return g_hash_table_lookup(self->meta, filename);
}

GPtrArray *
ferry_metadata_get_meta_names(const FerryMetadata *self)
{
	return ferry_hash_table_get_sorted_keys(self->meta);
}

guint
ferry_metadata_get_n_targets(const FerryMetadata *self)
{
	return self->targets != NULL ? ferry_json_value_get_length(self->targets) : 0;
}

gboolean
ferry_metadata_get_target(const FerryMetadata *self, const gchar *name, FerryTarget *out)
{
	const FerryJsonValue *entry;

	if (self->targets == NULL)
		return FALSE;
	/* binary search over the sorted members, so the name we hand out is
	 * the document's own string, not the caller's */
	for (guint lo = 0, hi = ferry_json_value_get_length(self->targets); lo < hi;) {
		guint mid = lo + (hi - lo) / 2;
		const gchar *key = ferry_json_object_get_key_at(self->targets, mid);
		gint c = strcmp(key, name);
		if (c == 0) {
			entry = ferry_json_object_get_value_at(self->targets, mid);
			/* validated at parse time */
			return parse_target_entry(key, entry, out, NULL);
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return FALSE;
}

void
ferry_metadata_get_target_at(const FerryMetadata *self, guint idx, FerryTarget *out)
{
	g_return_if_fail(idx < ferry_metadata_get_n_targets(self));
	if (!parse_target_entry(ferry_json_object_get_key_at(self->targets, idx),
				ferry_json_object_get_value_at(self->targets, idx), out, NULL))
		g_assert_not_reached(); /* validated at parse time */
}

gboolean
ferry_metadata_has_delegations(const FerryMetadata *self)
{
	const FerryJsonValue *d = ferry_json_object_get(self->signed_obj, "delegations");
	return d != NULL && ferry_json_value_get_type(d) != FERRY_JSON_NULL;
}

GHashTable *
ferry_metadata_get_delegation_keys(const FerryMetadata *self)
{
	return self->delegation_keys;
}

GPtrArray *
ferry_metadata_get_delegated_roles(const FerryMetadata *self)
{
	return self->delegated_roles;
}

/* ---- delegation paths ---- */

gboolean
ferry_role_keys_matches_target(const FerryRoleKeys *role, const gchar *target_name)
{
	if (role->paths != NULL) {
		for (guint i = 0; i < role->paths->len; i++) {
			/* TUF: shell-style per path segment; '*' never crosses a '/' */
			if (fnmatch(role->paths->pdata[i], target_name, FNM_PATHNAME) == 0)
				return TRUE;
		}
		return FALSE;
	}
	if (role->path_hash_prefixes != NULL) {
		g_autofree gchar *digest =
			ferry_sha256_hex((const guint8 *)target_name, strlen(target_name));
		for (guint i = 0; i < role->path_hash_prefixes->len; i++) {
			if (g_str_has_prefix(digest, role->path_hash_prefixes->pdata[i]))
				return TRUE;
		}
	}
	return FALSE;
}

/* ---- targets ---- */

gboolean
ferry_target_has_hardware_id(const FerryTarget *target, const gchar *hardware_id)
{
	const FerryJsonValue *ids;

	if (target->custom == NULL)
		return FALSE;
	ids = ferry_json_object_get(target->custom, "hardwareIds");
	for (guint i = 0; ids != NULL && i < ferry_json_value_get_length(ids); i++) {
		if (g_strcmp0(ferry_json_value_get_string(ferry_json_array_get(ids, i)),
			      hardware_id) == 0)
			return TRUE;
	}
	return FALSE;
}

gboolean
ferry_target_is_ostree(const FerryTarget *target)
{
	const gchar *format = NULL;

	if (target->custom != NULL)
		format = ferry_json_value_get_string(
			ferry_json_object_get(target->custom, "targetFormat"));
	if (format != NULL)
		return g_ascii_strcasecmp(format, "OSTREE") == 0;
	/* aktualizr's convention: length 0 and no format means an OSTree commit */
	return target->length == 0;
}

gboolean
ferry_target_match(const FerryTarget *director, const FerryTarget *image, const gchar *hardware_id,
		   GError **error)
{
	gboolean shared = FALSE;
	const FerryJsonValue *ids = NULL;

	if (director->length != image->length) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_TARGET_MISMATCH,
			    "target '%s': director length %" G_GINT64_FORMAT
			    ", image repository length %" G_GINT64_FORMAT,
			    director->name, director->length, image->length);
		return FALSE;
	}
	if (director->sha256 != NULL && image->sha256 != NULL) {
		shared = TRUE;
		if (g_ascii_strcasecmp(director->sha256, image->sha256) != 0) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_TARGET_MISMATCH,
				    "target '%s': sha256 differs between director and image "
				    "repository",
				    director->name);
			return FALSE;
		}
	}
	if (director->sha512 != NULL && image->sha512 != NULL) {
		shared = TRUE;
		if (g_ascii_strcasecmp(director->sha512, image->sha512) != 0) {
			g_set_error(error, FERRY_ERROR, FERRY_ERROR_TARGET_MISMATCH,
				    "target '%s': sha512 differs between director and image "
				    "repository",
				    director->name);
			return FALSE;
		}
	}
	if (!shared) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_TARGET_MISMATCH,
			    "target '%s': director and image repository share no hash algorithm",
			    director->name);
		return FALSE;
	}
	if (image->custom != NULL)
		ids = ferry_json_object_get(image->custom, "hardwareIds");
	if (ids != NULL && hardware_id != NULL &&
	    !ferry_target_has_hardware_id(image, hardware_id)) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_TARGET_MISMATCH,
			    "target '%s': the image repository does not list hardware id '%s'",
			    director->name, hardware_id);
		return FALSE;
	}
	return TRUE;
}

static gboolean
hex_equal_digest(const gchar *hex, GChecksumType type, const guint8 *data, gsize len)
{
	g_autofree gchar *digest = g_compute_checksum_for_data(type, data, len);
	return hex != NULL && g_ascii_strcasecmp(hex, digest) == 0;
}

gboolean
ferry_target_check_payload(const FerryTarget *target, const guint8 *data, gsize len, GError **error)
{
	if ((gint64)len != target->length) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_TARGET_LENGTH,
			    "target '%s' is %" G_GSIZE_FORMAT
			    " bytes, metadata says %" G_GINT64_FORMAT,
			    target->name, len, target->length);
		return FALSE;
	}
	if ((target->sha256 != NULL &&
	     !hex_equal_digest(target->sha256, G_CHECKSUM_SHA256, data, len)) ||
	    (target->sha512 != NULL &&
	     !hex_equal_digest(target->sha512, G_CHECKSUM_SHA512, data, len))) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_TARGET_HASH,
			    "target '%s': content does not match its hashes", target->name);
		return FALSE;
	}
	return TRUE;
}

/* ---- listed metadata ---- */

gboolean
ferry_metadata_matches_meta(const FerryMetadata *self, const gchar *filename,
			    const FerryMetaFile *mf, GError **error)
{
	GBytes *forms[3] = {self->bytes, ferry_metadata_get_canonical(self), NULL};
	g_autoptr(GBytes) escaped = NULL;
	gboolean length_ok = mf->length < 0;
	gboolean hashes_ok = mf->sha256 == NULL && mf->sha512 == NULL;

	/* hashes and lengths are seen over the file bytes and over the
	 * canonical form in the wild (the Uptane vectors, ota-tuf): accept either */
	if (ferry_json_has_control_chars(ferry_json_doc_get_root(self->doc))) {
		escaped = ferry_json_canonicalize(ferry_json_doc_get_root(self->doc),
						  FERRY_JSON_CANON_ESCAPED, NULL);
		forms[2] = escaped;
	}
	for (guint i = 0; i < G_N_ELEMENTS(forms); i++) {
		gsize len = 0;
		const guint8 *data;
		if (forms[i] == NULL)
			continue;
		data = g_bytes_get_data(forms[i], &len);
		if (mf->length >= 0 && (gint64)len == mf->length)
			length_ok = TRUE;
		if (!hashes_ok &&
		    (mf->sha256 == NULL ||
		     hex_equal_digest(mf->sha256, G_CHECKSUM_SHA256, data, len)) &&
		    (mf->sha512 == NULL ||
		     hex_equal_digest(mf->sha512, G_CHECKSUM_SHA512, data, len)))
			hashes_ok = TRUE;
	}
	if (!length_ok) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_HASH_MISMATCH,
			    "%s: length differs from the %" G_GINT64_FORMAT " bytes listed",
			    filename, mf->length);
		return FALSE;
	}
	if (!hashes_ok) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_HASH_MISMATCH,
			    "%s: content does not match the listed hashes", filename);
		return FALSE;
	}
	return TRUE;
}
