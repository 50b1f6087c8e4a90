/* ferry — small helpers shared inside format/ */
#include <string.h>

#include "ferry-util-private.h"

static gint
cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const gchar *const *)a, *(const gchar *const *)b);
}

GPtrArray *
ferry_hash_table_get_sorted_keys(GHashTable *table)
{
	GPtrArray *keys = g_ptr_array_new();
	GHashTableIter iter;
	gpointer key;

	if (table == NULL)
		return keys;
	g_hash_table_iter_init(&iter, table);
	while (g_hash_table_iter_next(&iter, &key, NULL))
		g_ptr_array_add(keys, key);
	g_ptr_array_sort(keys, cmp_str);
	return keys;
}
