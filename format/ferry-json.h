/*
 * ferry — a strict JSON reader, a small document builder and the canonical
 * JSON writer used for everything that is signed.
 *
 * Strict means: RFC 8259 grammar only (no comments, no trailing commas, no
 * leading zeros, no NaN, no byte order mark: metadata writers never emit
 * one), valid UTF-8 only (no lone surrogates, no overlong forms), no
 * "\u0000" in strings, duplicate object keys rejected, nesting capped at
 * FERRY_JSON_MAX_DEPTH, input capped by the caller's max_size, integers
 * outside int64 rejected. Numbers with a fraction or exponent parse as
 * FERRY_JSON_DOUBLE (they are legal JSON) but cannot be canonicalised.
 *
 * A FerryJsonDoc owns every value in it (one arena); values are borrowed
 * pointers valid until the doc is freed. Object members are kept sorted by
 * key (bytewise over UTF-8, which is code point order), which gives lookups
 * in O(log n) and canonical output for free.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FERRY_JSON_MAX_DEPTH 32

typedef enum {
	FERRY_JSON_NULL,
	FERRY_JSON_BOOL,
	FERRY_JSON_INT,
	FERRY_JSON_DOUBLE,
	FERRY_JSON_STRING,
	FERRY_JSON_ARRAY,
	FERRY_JSON_OBJECT,
} FerryJsonType;

typedef struct _FerryJsonDoc FerryJsonDoc;
typedef struct _FerryJsonValue FerryJsonValue;

/* How strings are escaped in canonical output. */
typedef enum {
	/* securesystemslib encode_canonical / OLPC: only '"' and '\\' escaped,
	 * every other byte written as is. What we write and sign. */
	FERRY_JSON_CANON_OLPC,
	/* as OLPC, but control characters (< 0x20) escaped the usual JSON way
	 * (\b \f \n \r \t, else \u00XX lowercase hex) — what aktualizr/ota-tuf
	 * sign. Identical to OLPC for strings without control characters. */
	FERRY_JSON_CANON_ESCAPED,
} FerryJsonCanonStyle;

/**
 * ferry_json_doc_new_parse:
 * @data: the bytes (need not be NUL-terminated)
 * @max_size: cap; a longer input fails with FERRY_ERROR_TOO_LARGE before parsing
 * @error: FERRY_ERROR_FORMAT with "line L column C: reason" (both from 1;
 *   columns count characters), or
 *   FERRY_ERROR_TOO_LARGE (size or depth)
 *
 * Returns: (transfer full): the document, or %NULL
 */
FerryJsonDoc *
ferry_json_doc_new_parse(const guint8 *data, gsize len, gsize max_size,
			 GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* An empty document for building; its root is NULL until set. (transfer full) */
FerryJsonDoc *
ferry_json_doc_new(void);
void
ferry_json_doc_free(FerryJsonDoc *self);

/* (transfer none) the root value, or NULL for an empty builder doc */
FerryJsonValue *
ferry_json_doc_get_root(FerryJsonDoc *self);
void
ferry_json_doc_set_root(FerryJsonDoc *self, FerryJsonValue *root);

FerryJsonType
ferry_json_value_get_type(const FerryJsonValue *v);
/* NULL when not a string; the string is NUL-terminated, valid UTF-8, no NUL inside */
const gchar *
ferry_json_value_get_string(const FerryJsonValue *v);
/* FALSE when not FERRY_JSON_INT */
gboolean
ferry_json_value_get_int(const FerryJsonValue *v, gint64 *out);
/* FALSE when not FERRY_JSON_BOOL */
gboolean
ferry_json_value_get_bool(const FerryJsonValue *v, gboolean *out);
/* number of elements/members; 0 for scalars */
guint
ferry_json_value_get_length(const FerryJsonValue *v);

/* (transfer none) element @idx of an array, NULL when out of range or not an array */
FerryJsonValue *
ferry_json_array_get(const FerryJsonValue *v, guint idx);
/* (transfer none) the member value for @key, NULL when absent or not an object */
FerryJsonValue *
ferry_json_object_get(const FerryJsonValue *v, const gchar *key);
/* member @idx in sorted key order (transfer none) */
const gchar *
ferry_json_object_get_key_at(const FerryJsonValue *v, guint idx);
FerryJsonValue *
ferry_json_object_get_value_at(const FerryJsonValue *v, guint idx);

/* Building: values belong to @doc; strings are copied. */
FerryJsonValue *
ferry_json_new_null(FerryJsonDoc *doc);
FerryJsonValue *
ferry_json_new_bool(FerryJsonDoc *doc, gboolean b);
FerryJsonValue *
ferry_json_new_int(FerryJsonDoc *doc, gint64 i);
/* @s must be valid UTF-8 without NUL */
FerryJsonValue *
ferry_json_new_string(FerryJsonDoc *doc, const gchar *s);
FerryJsonValue *
ferry_json_new_array(FerryJsonDoc *doc);
FerryJsonValue *
ferry_json_new_object(FerryJsonDoc *doc);
void
ferry_json_array_append(FerryJsonDoc *doc, FerryJsonValue *array, FerryJsonValue *value);
/* sets or replaces @key, keeping members sorted */
void
ferry_json_object_set(FerryJsonDoc *doc, FerryJsonValue *object, const gchar *key,
		      FerryJsonValue *value);
/* deep copy of @v (from any doc) into @doc */
FerryJsonValue *
ferry_json_copy(FerryJsonDoc *doc, const FerryJsonValue *v);

/**
 * ferry_json_canonicalize:
 * @style: string escaping, see #FerryJsonCanonStyle
 * @error: FERRY_ERROR_FORMAT if @v contains a FERRY_JSON_DOUBLE
 *
 * Sorted keys, no whitespace, integers in decimal.
 *
 * Returns: (transfer full): the canonical bytes, or %NULL
 */
GBytes *
ferry_json_canonicalize(const FerryJsonValue *v, FerryJsonCanonStyle style,
			GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* TRUE if some string (key or value) under @v contains a byte < 0x20, i.e. the
 * two canonical styles differ for @v. */
gboolean
ferry_json_has_control_chars(const FerryJsonValue *v);

/**
 * ferry_json_to_string:
 * @pretty: 2-space indented with a trailing newline; else compact
 *
 * Ordinary JSON (control characters escaped), keys sorted; doubles are
 * written as they were read. For files people read; never for signing.
 *
 * Returns: (transfer full)
 */
gchar *
ferry_json_to_string(const FerryJsonValue *v, gboolean pretty);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(FerryJsonDoc, ferry_json_doc_free)

G_END_DECLS
