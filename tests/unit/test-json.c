/*
 * The strict JSON reader and the canonical writer. Canonical output is
 * compared with python3-securesystemslib's encode_canonical on every JSON file
 * of the shared test data and on random documents.
 */
#include <gio/gio.h>
#include <string.h>

#include "ferry-error.h"
#include "ferry-json.h"
#include "ferry-test-util.h"

typedef struct {
	const gchar *input;
	gint code; /* -1: valid */
} Case;

static const Case cases[] = {
	{"{}", -1},
	{" [1, -2, 0, true, false, null, \"x\"] ", -1},
	{"{\"a\":{\"b\":[{}]}}", -1},
	{"9223372036854775807", -1},
	{"-9223372036854775808", -1},
	{"9223372036854775808", FERRY_ERROR_FORMAT},
	{"-9223372036854775809", FERRY_ERROR_FORMAT},
	{"1.5", -1},
	{"1e3", -1},
	{"01", FERRY_ERROR_FORMAT},
	{"-", FERRY_ERROR_FORMAT},
	{"1.", FERRY_ERROR_FORMAT},
	{".5", FERRY_ERROR_FORMAT},
	{"+1", FERRY_ERROR_FORMAT},
	{"[1,]", FERRY_ERROR_FORMAT},
	{"{\"a\":1,}", FERRY_ERROR_FORMAT},
	{"{\"a\":1 /* c */}", FERRY_ERROR_FORMAT},
	{"{'a':1}", FERRY_ERROR_FORMAT},
	{"{\"a\":1,\"a\":2}", FERRY_ERROR_FORMAT},
	{"{\"x\":{\"b\":1,\"c\":2,\"b\":3}}", FERRY_ERROR_FORMAT},
	{"\"a\tb\"", FERRY_ERROR_FORMAT},
	{"\"\\x41\"", FERRY_ERROR_FORMAT},
	{"\"\\u0000\"", FERRY_ERROR_FORMAT},
	{"\"\\ud800\"", FERRY_ERROR_FORMAT},
	{"\"\\udc00\\ud800\"", FERRY_ERROR_FORMAT},
	{"\"\\ud834\\udd1e\"", -1},
	{"\"\xc0\xaf\"", FERRY_ERROR_FORMAT},	      /* overlong */
	{"\"\xed\xa0\x80\"", FERRY_ERROR_FORMAT},     /* UTF-8 surrogate */
	{"\"\xf4\x90\x80\x80\"", FERRY_ERROR_FORMAT}, /* > U+10FFFF */
	{"\xef\xbb\xbf{}", FERRY_ERROR_FORMAT},	      /* BOM */
	{"{} {}", FERRY_ERROR_FORMAT},
	{"", FERRY_ERROR_FORMAT},
	{"nul", FERRY_ERROR_FORMAT},
	{"[\"unterminated]", FERRY_ERROR_FORMAT},
	{"NaN", FERRY_ERROR_FORMAT},
};

static void
test_strict_table(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(FerryJsonDoc) doc = ferry_json_doc_new_parse(
			(const guint8 *)cases[i].input, strlen(cases[i].input), 1024, &error);
		g_test_message("case %u: %s", i, cases[i].input);
		if (cases[i].code < 0) {
			g_assert_no_error(error);
			g_assert_nonnull(doc);
		} else {
			g_assert_null(doc);
			g_assert_error(error, FERRY_ERROR, cases[i].code);
		}
	}
}

static gchar *
nested(guint depth)
{
	GString *s = g_string_new(NULL);
	for (guint i = 0; i < depth; i++)
		g_string_append_c(s, '[');
	for (guint i = 0; i < depth; i++)
		g_string_append_c(s, ']');
	return g_string_free(s, FALSE);
}

static void
test_caps(void)
{
	g_autofree gchar *ok = nested(FERRY_JSON_MAX_DEPTH);
	g_autofree gchar *deep = nested(FERRY_JSON_MAX_DEPTH + 1);
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryJsonDoc) doc = NULL;

	doc = ferry_json_doc_new_parse((const guint8 *)ok, strlen(ok), 1024, &error);
	g_assert_no_error(error);
	g_clear_pointer(&doc, ferry_json_doc_free);
	doc = ferry_json_doc_new_parse((const guint8 *)deep, strlen(deep), 1024, &error);
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE);
	g_clear_error(&error);
	doc = ferry_json_doc_new_parse((const guint8 *)"[1,2,3]", 7, 6, &error);
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE);
	g_assert_null(doc);
}

static void
test_errors_name_the_place(void)
{
	const gchar *in = "{\n  \"a\": 1,\n  \"b\": tru\n}";
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryJsonDoc) doc =
		ferry_json_doc_new_parse((const guint8 *)in, strlen(in), 1024, &error);

	g_assert_null(doc);
	g_assert_nonnull(strstr(error->message, "line 3"));
}

static void
test_builder_output(void)
{
	g_autoptr(FerryJsonDoc) doc = ferry_json_doc_new();
	g_autoptr(FerryJsonDoc) other = ferry_json_doc_new();
	g_autoptr(GBytes) olpc = NULL;
	g_autoptr(GBytes) escaped = NULL;
	g_autoptr(GBytes) copied = NULL;
	g_autofree gchar *pretty = NULL;
	FerryJsonValue *o = ferry_json_new_object(doc);
	FerryJsonValue *arr = ferry_json_new_array(doc);
	const gchar *want_olpc =
		"{\"alpha\":\"q\\\"\\\\\n\",\"mid\":[0,1,2,3,4,5,6,7,8,9],\"zeta\":true}";
	const gchar *want_esc =
		"{\"alpha\":\"q\\\"\\\\\\n\",\"mid\":[0,1,2,3,4,5,6,7,8,9],\"zeta\":true}";

	ferry_json_object_set(doc, o, "zeta", ferry_json_new_int(doc, -5));
	ferry_json_object_set(doc, o, "alpha", ferry_json_new_string(doc, "q\"\\\n"));
	ferry_json_object_set(doc, o, "mid", arr);
	for (gint i = 0; i < 10; i++)
		ferry_json_array_append(doc, arr, ferry_json_new_int(doc, i));
	ferry_json_object_set(doc, o, "zeta", ferry_json_new_bool(doc, TRUE)); /* replaces */
	olpc = ferry_json_canonicalize(o, FERRY_JSON_CANON_OLPC, NULL);
	escaped = ferry_json_canonicalize(o, FERRY_JSON_CANON_ESCAPED, NULL);
	g_assert_cmpmem(g_bytes_get_data(olpc, NULL), g_bytes_get_size(olpc), want_olpc,
			strlen(want_olpc));
	g_assert_cmpmem(g_bytes_get_data(escaped, NULL), g_bytes_get_size(escaped), want_esc,
			strlen(want_esc));
	g_assert_true(ferry_json_has_control_chars(o));
	copied = ferry_json_canonicalize(ferry_json_copy(other, o), FERRY_JSON_CANON_OLPC, NULL);
	g_assert_true(g_bytes_equal(olpc, copied));
	pretty = ferry_json_to_string(o, TRUE);
	g_assert_true(g_str_has_prefix(pretty, "{\n  \"alpha\": "));
	g_assert_true(g_str_has_suffix(pretty, "}\n"));
}

static void
test_double_has_no_canonical_form(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryJsonDoc) doc =
		ferry_json_doc_new_parse((const guint8 *)"{\"v\":1.0}", 9, 1024, &error);
	g_autoptr(GBytes) canon = NULL;
	g_autofree gchar *text = NULL;

	g_assert_no_error(error);
	canon = ferry_json_canonicalize(ferry_json_doc_get_root(doc), FERRY_JSON_CANON_OLPC,
					&error);
	g_assert_null(canon);
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT);
	text = ferry_json_to_string(ferry_json_doc_get_root(doc), FALSE);
	g_assert_cmpstr(text, ==, "{\"v\":1.0}");
}

/* ---- differential against securesystemslib ---- */

static const gchar *python_canon = "import sys, json\n"
				   "from securesystemslib.formats import encode_canonical\n"
				   "for line in sys.stdin.buffer:\n"
				   "    v = json.loads(line)\n"
				   "    print(encode_canonical(v).encode('utf-8').hex())\n";

static gchar *
python_canonical(GPtrArray *docs, GError **error)
{
	const gchar *python =
		g_getenv("PYTHON3") != NULL ? g_getenv("PYTHON3") : "/usr/bin/python3";
	g_autoptr(GSubprocess) proc = NULL;
	g_autoptr(GString) in = g_string_new(NULL);
	g_autoptr(GBytes) in_bytes = NULL;
	g_autoptr(GBytes) out = NULL;

	for (guint i = 0; i < docs->len; i++) {
		g_string_append(in, docs->pdata[i]);
		g_string_append_c(in, '\n');
	}
	in_bytes = g_bytes_new(in->str, in->len);
	proc = g_subprocess_new(G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
				error, python, "-c", python_canon, NULL);
	if (proc == NULL || !g_subprocess_communicate(proc, in_bytes, NULL, &out, NULL, error) ||
	    !g_subprocess_get_successful(proc))
		return NULL;
	return g_strndup(g_bytes_get_data(out, NULL), g_bytes_get_size(out));
}

static void
random_string(GString *s, GRand *r)
{
	static const gchar *const pieces[] = {"a",
					      "Z",
					      "0",
					      " ",
					      "\\\"",
					      "\\\\",
					      "\\n",
					      "\\t",
					      "\\u0001",
					      "\\u001f",
					      "/",
					      "\\/",
					      "\xc3\xa9",
					      "\xe2\x82\xac",
					      "\xf0\x9d\x84\x9e",
					      "\\ud834\\udd1e",
					      "\\u00e9",
					      "}",
					      "[",
					      ",",
					      ":"};
	guint n = g_rand_int_range(r, 0, 8);

	g_string_append_c(s, '"');
	for (guint i = 0; i < n; i++)
		g_string_append(s, pieces[g_rand_int_range(r, 0, G_N_ELEMENTS(pieces))]);
	g_string_append_c(s, '"');
}

static void
random_value(GString *s, GRand *r, guint depth)
{
	gint kind = g_rand_int_range(r, 0, depth > 4 ? 4 : 7);

	switch (kind) {
	case 0: {
		/* a random 63-bit magnitude, sometimes the extremes */
		guint64 mag = ((guint64)g_rand_int(r) << 31) ^ g_rand_int(r);
		gint64 v = g_rand_boolean(r) ? (gint64)mag : -(gint64)mag;
		if (g_rand_int_range(r, 0, 20) == 0)
			v = g_rand_boolean(r) ? G_MAXINT64 : G_MININT64;
		g_string_append_printf(s, "%" G_GINT64_FORMAT, v);
		break;
	}
	case 1:
		g_string_append(s, g_rand_boolean(r) ? "true"
						     : (g_rand_boolean(r) ? "false" : "null"));
		break;
	case 2:
	case 3:
		random_string(s, r);
		break;
	case 4:
	case 5: {
		guint n = g_rand_int_range(r, 0, 5);
		g_autoptr(GHashTable) seen =
			g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		g_string_append_c(s, '{');
		for (guint i = 0; i < n; i++) {
			g_autoptr(GString) key = g_string_new(NULL);
			g_autoptr(FerryJsonDoc) kdoc = NULL;
			random_string(key, r);
			/* escapes differ, decoded keys must not: "\/" and "/" are one key */
			kdoc = ferry_json_doc_new_parse((const guint8 *)key->str, key->len, 1024,
							NULL);
			g_assert_nonnull(kdoc);
			if (!g_hash_table_add(seen, g_strdup(ferry_json_value_get_string(
							    ferry_json_doc_get_root(kdoc)))))
				continue;
			if (g_hash_table_size(seen) > 1)
				g_string_append_c(s, ',');
			g_string_append(s, key->str);
			g_string_append_c(s, ':');
			random_value(s, r, depth + 1);
		}
		g_string_append_c(s, '}');
		break;
	}
	default: {
		guint n = g_rand_int_range(r, 0, 5);
		g_string_append_c(s, '[');
		for (guint i = 0; i < n; i++) {
			if (i > 0)
				g_string_append_c(s, ',');
			random_value(s, r, depth + 1);
		}
		g_string_append_c(s, ']');
	}
	}
}

static gchar *
hex(GBytes *b)
{
	GString *s = g_string_new(NULL);
	const guint8 *d = g_bytes_get_data(b, NULL);
	for (gsize i = 0; i < g_bytes_get_size(b); i++)
		g_string_append_printf(s, "%02x", d[i]);
	return g_string_free(s, FALSE);
}

static void
compare_with_python(GPtrArray *docs)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *out = python_canonical(docs, &error);
	g_auto(GStrv) lines = NULL;

	if (out == NULL) {
		g_test_skip_printf("python3-securesystemslib not usable: %s",
				   error != NULL ? error->message : "failed");
		return;
	}
	lines = g_strsplit(out, "\n", -1);
	g_assert_cmpuint(g_strv_length(lines), ==, docs->len + 1);
	for (guint i = 0; i < docs->len; i++) {
		const gchar *text = docs->pdata[i];
		g_autoptr(FerryJsonDoc) doc = ferry_json_doc_new_parse(
			(const guint8 *)text, strlen(text), 1 << 26, &error);
		g_autoptr(GBytes) canon = NULL;
		g_autofree gchar *ours = NULL;
		g_assert_no_error(error);
		canon = ferry_json_canonicalize(ferry_json_doc_get_root(doc), FERRY_JSON_CANON_OLPC,
						&error);
		g_assert_no_error(error);
		ours = hex(canon);
		if (g_strcmp0(ours, lines[i]) != 0)
			g_error("canonical form differs from securesystemslib for %.200s", text);
	}
}

static void
test_random_vs_securesystemslib(void)
{
	g_autoptr(GRand) r = g_rand_new_with_seed(g_test_rand_int());
	g_autoptr(GPtrArray) docs = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; i < 400; i++) {
		GString *s = g_string_new(NULL);
		random_value(s, r, 0);
		g_ptr_array_add(docs, g_string_free(s, FALSE));
	}
	compare_with_python(docs);
}

/* every JSON file of the Uptane vectors and the Torizon fixture, compacted to one line */
static void
collect(const gchar *dir, GPtrArray *docs)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const gchar *name;

	while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
		g_autofree gchar *path = g_build_filename(dir, name, NULL);
		if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
			collect(path, docs);
		} else if (g_str_has_suffix(name, ".json")) {
			g_autoptr(GBytes) b = ferry_test_read_file(path);
			g_autoptr(GError) error = NULL;
			g_autoptr(FerryJsonDoc) doc = ferry_json_doc_new_parse(
				g_bytes_get_data(b, NULL), g_bytes_get_size(b), 1 << 26, &error);
			g_assert_no_error(error);
			g_ptr_array_add(docs,
					ferry_json_to_string(ferry_json_doc_get_root(doc), FALSE));
		}
	}
}

static void
test_shared_data_vs_securesystemslib(void)
{
	g_autoptr(GPtrArray) docs = g_ptr_array_new_with_free_func(g_free);
	g_autofree gchar *vectors =
		g_build_filename(ferry_test_shared_dir(), "uptane-vectors", NULL);
	g_autofree gchar *fixtures = g_build_filename(ferry_test_shared_dir(), "fixtures", NULL);

	collect(vectors, docs);
	collect(fixtures, docs);
	g_assert_cmpuint(docs->len, >, 600);
	compare_with_python(docs);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/json/parse/strict-table", test_strict_table);
	g_test_add_func("/json/parse/caps", test_caps);
	g_test_add_func("/json/parse/error-location", test_errors_name_the_place);
	g_test_add_func("/json/build/output", test_builder_output);
	g_test_add_func("/json/canonical/no-doubles", test_double_has_no_canonical_form);
	g_test_add_func("/json/canonical/random-vs-securesystemslib",
			test_random_vs_securesystemslib);
	g_test_add_func("/json/canonical/shared-data-vs-securesystemslib",
			test_shared_data_vs_securesystemslib);
	return g_test_run();
}
