/*
 * Fuzzes the strict JSON reader and the writers. Whatever the reader accepts
 * must survive a round trip: the control-escaped canonical form (ordinary
 * JSON) parses back to a document with identical canonical bytes in both
 * styles, and so do the pretty and compact ferry_json_to_string() forms, also
 * after a ferry_json_copy() into another doc. Documents with doubles have no
 * canonical form in either style and round-trip through ferry_json_to_string().
 * The builder rebuilds the top-level container to the same text.
 */
#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "ferry-json.h"

/* inputs are small; the cap only stops libFuzzer from growing huge ones */
#define FUZZ_MAX_INPUT	(1024 * 1024)
#define FUZZ_MAX_OUTPUT (16 * 1024 * 1024)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FerryJsonDoc *
reparse(const void *text, gsize len)
{
	g_autoptr(GError) error = NULL;
	FerryJsonDoc *doc = ferry_json_doc_new_parse(text, len, FUZZ_MAX_OUTPUT, &error);

	if (doc == NULL)
		g_error("our own output does not parse: %s", error->message);
	return doc;
}

static void
assert_same_canonical(const FerryJsonValue *a, const FerryJsonValue *b)
{
	for (gint style = FERRY_JSON_CANON_OLPC; style <= FERRY_JSON_CANON_ESCAPED; style++) {
		g_autoptr(GBytes) ca = ferry_json_canonicalize(a, style, NULL);
		g_autoptr(GBytes) cb = ferry_json_canonicalize(b, style, NULL);
		g_assert(ca != NULL && cb != NULL);
		g_assert(g_bytes_equal(ca, cb));
	}
}

/* @text from ferry_json_to_string() parses back to the same text */
static void
assert_text_round_trips(const gchar *text, gboolean pretty)
{
	g_autoptr(FerryJsonDoc) again = reparse(text, strlen(text));
	g_autofree gchar *text2 = ferry_json_to_string(ferry_json_doc_get_root(again), pretty);

	g_assert(strcmp(text, text2) == 0);
}

static void
check_canonical(const FerryJsonValue *root)
{
	g_autoptr(GBytes) olpc = ferry_json_canonicalize(root, FERRY_JSON_CANON_OLPC, NULL);
	g_autoptr(GBytes) escaped = ferry_json_canonicalize(root, FERRY_JSON_CANON_ESCAPED, NULL);
	g_autoptr(FerryJsonDoc) again = NULL;

	/* only a double makes canonicalisation fail, and then in both styles */
	g_assert((olpc == NULL) == (escaped == NULL));
	if (escaped == NULL)
		return;
	g_assert(ferry_json_has_control_chars(root) == !g_bytes_equal(olpc, escaped));
	again = reparse(g_bytes_get_data(escaped, NULL), g_bytes_get_size(escaped));
	assert_same_canonical(root, ferry_json_doc_get_root(again));
	/* without control characters the OLPC form is ordinary JSON too */
	if (!ferry_json_has_control_chars(root)) {
		g_autoptr(FerryJsonDoc) again_olpc =
			reparse(g_bytes_get_data(olpc, NULL), g_bytes_get_size(olpc));
		assert_same_canonical(root, ferry_json_doc_get_root(again_olpc));
	}
}

/*
 * Every key is found by lookup, and rebuilding the container through the
 * builder, members in reverse order, writes the same text.
 */
static void
check_rebuild(FerryJsonDoc *doc, const FerryJsonValue *v, const gchar *compact)
{
	gboolean is_object = ferry_json_value_get_type(v) == FERRY_JSON_OBJECT;
	FerryJsonValue *rebuilt =
		is_object ? ferry_json_new_object(doc) : ferry_json_new_array(doc);
	guint n = ferry_json_value_get_length(v);
	g_autofree gchar *text = NULL;

	if (!is_object && ferry_json_value_get_type(v) != FERRY_JSON_ARRAY)
		return;
	for (guint i = n; is_object && i > 0; i--) {
		const gchar *key = ferry_json_object_get_key_at(v, i - 1);
		FerryJsonValue *member = ferry_json_object_get_value_at(v, i - 1);
		g_assert(ferry_json_object_get(v, key) == member);
		ferry_json_object_set(doc, rebuilt, key, ferry_json_new_null(doc));
		ferry_json_object_set(doc, rebuilt, key, ferry_json_copy(doc, member));
	}
	for (guint i = 0; !is_object && i < n; i++)
		ferry_json_array_append(doc, rebuilt,
					ferry_json_copy(doc, ferry_json_array_get(v, i)));
	text = ferry_json_to_string(rebuilt, FALSE);
	g_assert(strcmp(text, compact) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(FerryJsonDoc) doc = ferry_json_doc_new_parse(data, size, FUZZ_MAX_INPUT, NULL);
	g_autoptr(FerryJsonDoc) copy_doc = NULL;
	g_autofree gchar *pretty = NULL;
	g_autofree gchar *compact = NULL;
	g_autofree gchar *copied = NULL;
	FerryJsonValue *root;

	if (doc == NULL)
		return 0;
	root = ferry_json_doc_get_root(doc);
	check_canonical(root);
	pretty = ferry_json_to_string(root, TRUE);
	compact = ferry_json_to_string(root, FALSE);
	assert_text_round_trips(pretty, TRUE);
	assert_text_round_trips(compact, FALSE);

	/* a deep copy writes the same, and outlives its source */
	copy_doc = ferry_json_doc_new();
	ferry_json_doc_set_root(copy_doc, ferry_json_copy(copy_doc, root));
	g_clear_pointer(&doc, ferry_json_doc_free);
	copied = ferry_json_to_string(ferry_json_doc_get_root(copy_doc), FALSE);
	g_assert(strcmp(copied, compact) == 0);
	check_rebuild(copy_doc, ferry_json_doc_get_root(copy_doc), compact);
	return 0;
}
