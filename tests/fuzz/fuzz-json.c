/*
 * Fuzzes the strict JSON reader; whatever it accepts must canonicalise, and
 * the canonical form must parse back to the same canonical bytes.
 */
#include <glib.h>
#include <stdint.h>

#include "ferry-json.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(FerryJsonDoc) doc = ferry_json_doc_new_parse(data, size, 1 << 20, NULL);
	g_autoptr(FerryJsonDoc) again = NULL;
	g_autoptr(GBytes) canon = NULL;
	g_autoptr(GBytes) canon2 = NULL;
	g_autoptr(GBytes) escaped = NULL;
	g_autofree gchar *text = NULL;

	if (doc == NULL)
		return 0;
	text = ferry_json_to_string(ferry_json_doc_get_root(doc), TRUE);
	escaped = ferry_json_canonicalize(ferry_json_doc_get_root(doc), FERRY_JSON_CANON_ESCAPED,
					  NULL);
	/* the escaped form is ordinary JSON: it must parse and canonicalise identically */
	if (escaped == NULL)
		return 0; /* a double: no canonical form, by design */
	again = ferry_json_doc_new_parse(g_bytes_get_data(escaped, NULL), g_bytes_get_size(escaped),
					 1 << 22, NULL);
	g_assert(again != NULL);
	canon = ferry_json_canonicalize(ferry_json_doc_get_root(doc), FERRY_JSON_CANON_OLPC, NULL);
	canon2 = ferry_json_canonicalize(ferry_json_doc_get_root(again), FERRY_JSON_CANON_OLPC,
					 NULL);
	g_assert(canon != NULL && canon2 != NULL && g_bytes_equal(canon, canon2));
	return 0;
}
