/* ferry — small helpers shared inside format/ */
#pragma once

#include <glib.h>

/* (transfer container) the keys of @table (strings), sorted bytewise */
GPtrArray *
ferry_hash_table_get_sorted_keys(GHashTable *table);
