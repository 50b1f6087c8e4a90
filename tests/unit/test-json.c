/*
 * The strict JSON reader, the builder and the canonical writer.
 *
 * Canonical output is checked against python3-securesystemslib's
 * encode_canonical three ways: a committed table of tricky cases
 * (tests/data/json/canonical-cases.json, from gen-canonical.py next to it),
 * random documents sent to Python at run time, and the "signed" part of every
 * JSON file of the shared Uptane vectors, which Python reads on its own.
 */
#include <gio/gio.h>
#include <string.h>

#include "ferry-error.h"
#include "ferry-json.h"
#include "ferry-test-util.h"

#define CAP (1024 * 1024)

/* ---- helpers ---- */

static FerryJsonDoc *
parse_len(const gchar *text, gsize len, GError **error)
{
	return ferry_json_doc_new_parse((const guint8 *)text, len, CAP, error);
}

static FerryJsonDoc *
parse(const gchar *text, GError **error)
{
	return parse_len(text, strlen(text), error);
}

/* parses @text, which must be valid */
static FerryJsonDoc *
parse_ok(const gchar *text)
{
	g_autoptr(GError) error = NULL;
	FerryJsonDoc *doc = parse(text, &error);

	g_assert_no_error(error);
	g_assert_nonnull(doc);
	return doc;
}

static gchar *
to_hex(const guint8 *data, gsize len)
{
	GString *s = g_string_sized_new(len * 2 + 1);

	for (gsize i = 0; i < len; i++)
		g_string_append_printf(s, "%02x", data[i]);
	return g_string_free(s, FALSE);
}

static gchar *
bytes_to_hex(GBytes *b)
{
	return to_hex(g_bytes_get_data(b, NULL), g_bytes_get_size(b));
}

static GBytes *
canon(const FerryJsonValue *v, FerryJsonCanonStyle style)
{
	g_autoptr(GError) error = NULL;
	GBytes *b = ferry_json_canonicalize(v, style, &error);

	g_assert_no_error(error);
	g_assert_nonnull(b);
	return b;
}

static void
assert_canon(const FerryJsonValue *v, FerryJsonCanonStyle style, const gchar *want)
{
	g_autoptr(GBytes) b = canon(v, style);

	g_assert_cmpmem(g_bytes_get_data(b, NULL), g_bytes_get_size(b), want, strlen(want));
}

/* the single string @text parses to, which must be @want */
static void
assert_string_decodes(const gchar *text, const gchar *want)
{
	g_autoptr(FerryJsonDoc) doc = parse_ok(text);
	FerryJsonValue *root = ferry_json_doc_get_root(doc);

	g_assert_cmpint(ferry_json_value_get_type(root), ==, FERRY_JSON_STRING);
	g_assert_cmpstr(ferry_json_value_get_string(root), ==, want);
}

/* ---- valid input ---- */

typedef struct {
	const gchar *input;
	const gchar *compact; /* ferry_json_to_string(root, FALSE) */
} ValidCase;

static const ValidCase valid_cases[] = {
	{"{}", "{}"},
	{"[]", "[]"},
	{" \t\r\n{ } \t\r\n", "{}"},
	{"0", "0"},
	{"-0", "0"},
	{"1", "1"},
	{"-1", "-1"},
	{"123456789", "123456789"},
	{"true", "true"},
	{"false", "false"},
	{"null", "null"},
	{"\"\"", "\"\""},
	{"\"a\"", "\"a\""},
	{"[1, -2, 0, true, false, null, \"x\"]", "[1,-2,0,true,false,null,\"x\"]"},
	{"{\"b\" : 1 , \"a\" : 2}", "{\"a\":2,\"b\":1}"},
	{"{\"a\":{\"b\":[{}]}}", "{\"a\":{\"b\":[{}]}}"},
	{"[[[]],[[],[]]]", "[[[]],[[],[]]]"},
	{"1.5", "1.5"},
	{"-0.0", "-0.0"},
	{"1e3", "1e3"},
	{"1E+3", "1E+3"},
	{"1e-3", "1e-3"},
	{"0.5e10", "0.5e10"},
	{"1E400", "1E400"},
	{"123456789012345678901234567890.0", "123456789012345678901234567890.0"},
	{"\"\x7f\"", "\"\x7f\""}, /* DEL is not a control character in JSON */
	{"\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"", "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\""},
	{"\"\\u00e9\"", "\"\xc3\xa9\""},
	{"\"\\/\"", "\"/\""},
	{"\"\\u0001\"", "\"\\u0001\""},
	{"\"\\ufeff\"", "\"\xef\xbb\xbf\""}, /* a BOM inside a string is a character */
	{"{\"\":\"\"}", "{\"\":\"\"}"},
	{"{\"a\":1,\"A\":2}", "{\"A\":2,\"a\":1}"},
	{"{\"x\":{\"a\":1},\"y\":{\"a\":1}}", "{\"x\":{\"a\":1},\"y\":{\"a\":1}}"},
};

static void
test_parse_valid(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(valid_cases); i++) {
		g_autoptr(FerryJsonDoc) doc = NULL;
		g_autofree gchar *text = NULL;

		g_test_message("valid case %u: %s", i, valid_cases[i].input);
		doc = parse_ok(valid_cases[i].input);
		text = ferry_json_to_string(ferry_json_doc_get_root(doc), FALSE);
		g_assert_cmpstr(text, ==, valid_cases[i].compact);
	}
}

/* ---- invalid input ---- */

typedef struct {
	const gchar *input;
	gsize len;	     /* 0: strlen(input) */
	gint code;	     /* FERRY_ERROR_* */
	const gchar *reason; /* part of the message */
} InvalidCase;

#define F FERRY_ERROR_FORMAT
#define T FERRY_ERROR_TOO_LARGE

static const InvalidCase invalid_cases[] = {
	/* nothing, or not one value */
	{"", 0, F, "unexpected end of input"},
	{" \n\t ", 0, F, "unexpected end of input"},
	{"\xef\xbb\xbf{}", 0, F, "byte order mark"},
	{"\xef\xbb\xbf", 0, F, "byte order mark"},
	{"{} {}", 0, F, "trailing data"},
	{"{}x", 0, F, "trailing data"},
	{"[] ,", 0, F, "trailing data"},
	{"1 1", 0, F, "trailing data"},
	{"\"a\" \"b\"", 0, F, "trailing data"},
	{"[1]]", 0, F, "trailing data"},
	{"{}}", 0, F, "trailing data"},
	{"{}\0", 3, F, "trailing data"},
	{"\f{}", 0, F, "unexpected byte 0x0c"},
	{"\v{}", 0, F, "unexpected byte 0x0b"},
	{"{}\f", 0, F, "trailing data"},
	{"\xc2\xa0{}", 0, F, "unexpected byte 0xc2"},
	{"\0", 1, F, "unexpected byte 0x00"},
	/* literals */
	{"tru", 0, F, "invalid literal"},
	{"truex", 0, F, "trailing data"},
	{"nul", 0, F, "invalid literal"},
	{"fals", 0, F, "invalid literal"},
	{"True", 0, F, "unexpected character 'T'"},
	{"NULL", 0, F, "unexpected character 'N'"},
	{"NaN", 0, F, "unexpected character 'N'"},
	{"Infinity", 0, F, "unexpected character 'I'"},
	{"undefined", 0, F, "unexpected character 'u'"},
	/* numbers */
	{"01", 0, F, "leading zero"},
	{"00", 0, F, "leading zero"},
	{"-01", 0, F, "leading zero"},
	{"[007]", 0, F, "leading zero"},
	{"-", 0, F, "'-' must be followed by digits"},
	{"-a", 0, F, "'-' must be followed by digits"},
	{"--1", 0, F, "'-' must be followed by digits"},
	{"-Infinity", 0, F, "'-' must be followed by digits"},
	{"1.", 0, F, "no digits after '.'"},
	{"1.e5", 0, F, "no digits after '.'"},
	{"[1.]", 0, F, "no digits after '.'"},
	{".5", 0, F, "unexpected character '.'"},
	{"+1", 0, F, "unexpected character '+'"},
	{"1e", 0, F, "no digits in exponent"},
	{"1e+", 0, F, "no digits in exponent"},
	{"1E-", 0, F, "no digits in exponent"},
	{"0x10", 0, F, "trailing data"},
	{"1_000", 0, F, "trailing data"},
	{"9223372036854775808", 0, F, "integer out of the 64-bit range"},
	{"-9223372036854775809", 0, F, "integer out of the 64-bit range"},
	{"18446744073709551616", 0, F, "integer out of the 64-bit range"},
	{"99999999999999999999999", 0, F, "integer out of the 64-bit range"},
	{"[1, 9223372036854775808]", 0, F, "integer out of the 64-bit range"},
	/* structure */
	{"[1,]", 0, F, "trailing comma before ']'"},
	{"{\"a\":1,}", 0, F, "trailing comma before '}'"},
	{"[1 , ]", 0, F, "trailing comma before ']'"},
	{"[,1]", 0, F, "unexpected character ','"},
	{"[,]", 0, F, "unexpected character ','"},
	{"{,}", 0, F, "expected a string key"},
	{"[1 2]", 0, F, "expected ',' or ']'"},
	{"[1;2]", 0, F, "expected ',' or ']'"},
	{"{\"a\":1 \"b\":2}", 0, F, "expected ',' or '}'"},
	{"{\"a\" 1}", 0, F, "expected ':'"},
	{"{\"a\"=1}", 0, F, "expected ':'"},
	{"{\"a\":}", 0, F, "expected a value"},
	{"{a:1}", 0, F, "expected a string key"},
	{"{1:2}", 0, F, "expected a string key"},
	{"{null:1}", 0, F, "expected a string key"},
	{"{[]:1}", 0, F, "expected a string key"},
	{"{'a':1}", 0, F, "expected a string key"},
	{"['a']", 0, F, "unexpected character '''"},
	{"{\"a\":1 /* c */}", 0, F, "expected ',' or '}'"},
	{"// c\n{}", 0, F, "unexpected character '/'"},
	{"# c\n{}", 0, F, "unexpected character '#'"},
	{"{\"a\":1} // c", 0, F, "trailing data"},
	{"[", 0, F, "unexpected end of input"},
	{"{", 0, F, "unexpected end of input"},
	{"[1", 0, F, "unexpected end of input"},
	{"[1,", 0, F, "unexpected end of input"},
	{"{\"a\"", 0, F, "unexpected end of input"},
	{"{\"a\":", 0, F, "unexpected end of input"},
	{"{\"a\":1", 0, F, "unexpected end of input"},
	{"]", 0, F, "unexpected character ']'"},
	{"}", 0, F, "unexpected character '}'"},
	/* duplicate keys, also when only their escapes differ */
	{"{\"a\":1,\"a\":2}", 0, F, "duplicate key 'a'"},
	{"{\"a\":1,\"b\":2,\"a\":3}", 0, F, "duplicate key 'a'"},
	{"{\"b\":1,\"a\":2,\"b\":3}", 0, F, "duplicate key 'b'"},
	{"{\"a\":1,\"\\u0061\":2}", 0, F, "duplicate key 'a'"},
	{"{\"/\":1,\"\\/\":2}", 0, F, "duplicate key '/'"},
	{"{\"\xc3\xa9\":1,\"\\u00E9\":2}", 0, F, "duplicate key '\xc3\xa9'"},
	{"{\"\":1,\"\":2}", 0, F, "duplicate key ''"},
	{"{\"x\":{\"b\":1,\"c\":2,\"b\":3}}", 0, F, "duplicate key 'b'"},
	{"[{},{\"k\":[{\"z\":1,\"z\":1}]}]", 0, F, "duplicate key 'z'"},
	{"{\"a\\nb\":1,\"a\\nb\":2}", 0, F, "duplicate key 'a\\u000ab'"},
	/* raw control characters in strings */
	{"\"a\tb\"", 0, F, "control character 0x09"},
	{"\"a\nb\"", 0, F, "control character 0x0a"},
	{"\"\r\"", 0, F, "control character 0x0d"},
	{"\"\x01\"", 0, F, "control character 0x01"},
	{"\"\x1f\"", 0, F, "control character 0x1f"},
	{"\"a\0b\"", 5, F, "control character 0x00"},
	{"{\"k\x01\":1}", 0, F, "control character 0x01"},
	/* escapes */
	{"\"\\x41\"", 0, F, "invalid escape"},
	{"\"\\a\"", 0, F, "invalid escape"},
	{"\"\\v\"", 0, F, "invalid escape"},
	{"\"\\0\"", 0, F, "invalid escape"},
	{"\"\\'\"", 0, F, "invalid escape"},
	{"\"\\U0041\"", 0, F, "invalid escape"},
	{"\"\\ \"", 0, F, "invalid escape"},
	{"\"\\u12\"", 0, F, "four hex digits"},
	{"\"\\u12G4\"", 0, F, "four hex digits"},
	{"\"\\u-123\"", 0, F, "four hex digits"},
	{"\"\\u", 0, F, "four hex digits"},
	{"\"\\", 0, F, "unterminated string"},
	{"\"abc", 0, F, "unterminated string"},
	{"[\"unterminated]", 0, F, "unterminated string"},
	{"\"\\u0000\"", 0, F, "\\u0000 is not allowed"},
	{"{\"\\u0000\":1}", 0, F, "\\u0000 is not allowed"},
	{"\"\\ud800\"", 0, F, "unpaired high surrogate"},
	{"\"\\ud800x\"", 0, F, "unpaired high surrogate"},
	{"\"\\ud800\\u0041\"", 0, F, "unpaired high surrogate"},
	{"\"\\ud800\\ud800\"", 0, F, "unpaired high surrogate"},
	{"\"\\udbff\\ue000\"", 0, F, "unpaired high surrogate"},
	{"\"\\ud800\\n\"", 0, F, "unpaired high surrogate"},
	{"\"\\ud800\\u12\"", 0, F, "unpaired high surrogate"},
	{"\"\\udc00\"", 0, F, "unpaired low surrogate"},
	{"\"\\uDFFF\"", 0, F, "unpaired low surrogate"},
	{"\"\\udc00\\ud800\"", 0, F, "unpaired low surrogate"},
	/* UTF-8 */
	{"\"\xc0\xaf\"", 0, F, "invalid UTF-8"},		 /* overlong '/' */
	{"\"\xc1\xbf\"", 0, F, "invalid UTF-8"},		 /* overlong DEL */
	{"\"\xe0\x80\xaf\"", 0, F, "invalid UTF-8"},		 /* overlong, 3 bytes */
	{"\"\xe0\x9f\xbf\"", 0, F, "invalid UTF-8"},		 /* overlong U+07FF */
	{"\"\xf0\x80\x80\xaf\"", 0, F, "invalid UTF-8"},	 /* overlong, 4 bytes */
	{"\"\xf0\x8f\xbf\xbf\"", 0, F, "invalid UTF-8"},	 /* overlong U+FFFF */
	{"\"\xed\xa0\x80\"", 0, F, "invalid UTF-8"},		 /* U+D800 */
	{"\"\xed\xbf\xbf\"", 0, F, "invalid UTF-8"},		 /* U+DFFF */
	{"\"\xed\xa0\xbd\xed\xb8\x80\"", 0, F, "invalid UTF-8"}, /* CESU-8 pair */
	{"\"\xf4\x90\x80\x80\"", 0, F, "invalid UTF-8"},	 /* U+110000 */
	{"\"\xf5\x80\x80\x80\"", 0, F, "invalid UTF-8"},
	{"\"\xf8\x88\x80\x80\x80\"", 0, F, "invalid UTF-8"},
	{"\"\xfe\"", 0, F, "invalid UTF-8"},
	{"\"\xff\"", 0, F, "invalid UTF-8"},
	{"\"\x80\"", 0, F, "invalid UTF-8"},
	{"\"\xbf\"", 0, F, "invalid UTF-8"},
	{"\"\xc3\"", 0, F, "invalid UTF-8"},
	{"\"\xc3", 0, F, "invalid UTF-8"},
	{"\"\xe2\x82\"", 0, F, "invalid UTF-8"},
	{"\"\xc3\x41\"", 0, F, "invalid UTF-8"},
	{"\"\xe2\x28\xa1\"", 0, F, "invalid UTF-8"},
	{"\"\xf0\x9f\x98\"", 0, F, "invalid UTF-8"},
	{"{\"\xff\":1}", 0, F, "invalid UTF-8"},
	{"\xc3\xa9", 0, F, "unexpected byte 0xc3"},
	/* caps */
	{"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", 0, T,
	 "nesting deeper than 32"},
};

#undef F
#undef T

static void
test_parse_invalid(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(invalid_cases); i++) {
		const InvalidCase *c = &invalid_cases[i];
		gsize len = c->len > 0 ? c->len : strlen(c->input);
		g_autoptr(GError) error = NULL;
		g_autoptr(FerryJsonDoc) doc = NULL;
		g_autofree gchar *shown = g_strescape(c->input, NULL);

		g_test_message("invalid case %u: %s", i, shown);
		doc = parse_len(c->input, len, &error);
		g_assert_null(doc);
		g_assert_error(error, FERRY_ERROR, c->code);
		g_assert_true(g_str_has_prefix(error->message, "line "));
		if (strstr(error->message, c->reason) == NULL)
			g_error("case %u: '%s' does not say '%s'", i, error->message, c->reason);
		g_assert_true(g_utf8_validate(error->message, -1, NULL));
	}
}

/* every prefix of a valid document is invalid, never a crash */
static void
test_parse_truncated(void)
{
	const gchar *text = "{\"a\":[1,-2,{\"b\":\"c\\u00e9\\ud83d\\ude00\xc3\xa9\"}],\"d\":true,"
			    "\"e\":null,\"f\":false,\"g\":1.5e3}";

	for (gsize len = 0; len < strlen(text); len++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(FerryJsonDoc) doc = parse_len(text, len, &error);
		g_assert_null(doc);
		g_assert_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT);
	}
}

/* ---- error positions ---- */

typedef struct {
	const gchar *input;
	const gchar *message;
} LocationCase;

static const LocationCase location_cases[] = {
	{"", "line 1 column 1: unexpected end of input"},
	{"{\n  \"a\": 1,\n  \"b\": tru\n}", "line 3 column 8: invalid literal, expected 'true'"},
	{"[\"\xc3\xa9\", x]", "line 1 column 7: unexpected character 'x', expected a value"},
	{"[\"\xf0\x9f\x98\x80\xe2\x82\xac\", 01]", "line 1 column 8: leading zero in number"},
	{"{\"a\":1,\n\"b\":2,\n \"a\":3}", "line 3 column 2: duplicate key 'a'"},
	{"{\"b\":1,\n\"a\":2,\n \"b\":3}", "line 3 column 2: duplicate key 'b'"},
	{"\r\n\r\n  [1,]", "line 3 column 6: trailing comma before ']'"},
	{"\"abc\\q\"", "line 1 column 5: invalid escape in string"},
	{"\"ab\xc3\xa9\xff\"", "line 1 column 5: invalid UTF-8 in string"},
	{"[\n\"a\tb\"]", "line 2 column 3: control character 0x09 in string must be escaped"},
	{"{}\n\n x", "line 3 column 2: trailing data after the JSON value"},
	{"9223372036854775808", "line 1 column 1: integer out of the 64-bit range"},
	{"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "line 1 column 33: nesting deeper than 32 levels"},
};

static void
test_parse_error_location(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(location_cases); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(FerryJsonDoc) doc = parse(location_cases[i].input, &error);

		g_assert_null(doc);
		g_assert_nonnull(error);
		g_assert_cmpstr(error->message, ==, location_cases[i].message);
	}
}

/* ---- duplicate keys ---- */

/* @inner wrapped in @depth levels of alternating arrays and objects */
static gchar *
wrap(const gchar *inner, guint depth)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < depth; i++)
		g_string_append(s, i % 2 == 0 ? "{\"k\":" : "[0,");
	g_string_append(s, inner);
	for (guint i = depth; i > 0; i--)
		g_string_append(s, (i - 1) % 2 == 0 ? ",\"l\":1}" : "]");
	return g_string_free(s, FALSE);
}

static void
test_parse_duplicate_keys(void)
{
	static const gchar *const dups[] = {
		"{\"a\":1,\"a\":1}",
		"{\"z\":1,\"y\":2,\"x\":3,\"y\":4}",
		"{\"m\":{},\"m\":[]}",
		"{\"sha256\":\"a\",\"sha512\":\"b\",\"sha256\":\"a\"}",
	};
	static const gchar *const fine[] = {
		"{\"a\":{\"a\":{\"a\":1}}}",
		"[{\"a\":1},{\"a\":1}]",
		"{\"a\":1,\"A\":1,\"a \":1,\"\\u00e1\":1}",
	};

	for (guint depth = 0; depth < FERRY_JSON_MAX_DEPTH; depth++) {
		for (guint i = 0; i < G_N_ELEMENTS(dups); i++) {
			/* the duplicate at the deepest level allowed, too */
			guint levels = strstr(dups[i], "{}") != NULL ? 2 : 1;
			g_autofree gchar *text = NULL;
			g_autoptr(GError) error = NULL;
			g_autoptr(FerryJsonDoc) doc = NULL;
			if (depth + levels > FERRY_JSON_MAX_DEPTH)
				continue;
			text = wrap(dups[i], depth);
			doc = parse(text, &error);
			g_assert_null(doc);
			g_assert_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT);
			g_assert_nonnull(strstr(error->message, ": duplicate key '"));
		}
		for (guint i = 0; i < G_N_ELEMENTS(fine) && depth + 3 <= FERRY_JSON_MAX_DEPTH;
		     i++) {
			g_autofree gchar *text = wrap(fine[i], depth);
			g_autoptr(FerryJsonDoc) doc = parse_ok(text);
			g_assert_nonnull(ferry_json_doc_get_root(doc));
		}
	}
}

static void
test_parse_duplicate_key_message(void)
{
	g_autoptr(GString) text = g_string_new("{\"");
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryJsonDoc) doc = NULL;
	g_autofree gchar *key = NULL;

	/* a long key is cut at a character boundary, not in the middle of one */
	for (guint i = 0; i < 100; i++)
		g_string_append(text, "\xc3\xa9");
	key = g_strndup(text->str + 1, text->len - 1);
	g_string_append_printf(text, "\":1,%s\":2}", key);
	doc = parse(text->str, &error);
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT);
	g_assert_true(g_utf8_validate(error->message, -1, NULL));
	g_assert_true(g_str_has_suffix(error->message, "\xc3\xa9...'"));
	g_assert_cmpuint(g_utf8_strlen(error->message, -1), <, 120);
}

/* ---- caps ---- */

static gchar *
nested(const gchar *open, const gchar *inner, const gchar *close, guint depth)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < depth; i++)
		g_string_append(s, open);
	g_string_append(s, inner);
	for (guint i = 0; i < depth; i++)
		g_string_append(s, close);
	return g_string_free(s, FALSE);
}

/* @at_cap must parse, @over must fail as too deep; takes both strings */
static void
assert_depth(gchar *at_cap, gchar *over)
{
	g_autofree gchar *owned_at_cap G_GNUC_UNUSED = at_cap;
	g_autofree gchar *owned_over G_GNUC_UNUSED = over;
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryJsonDoc) ok = parse_ok(at_cap);
	g_autoptr(FerryJsonDoc) bad = parse(over, &error);

	g_assert_nonnull(ferry_json_doc_get_root(ok));
	g_assert_null(bad);
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE);
	g_assert_nonnull(strstr(error->message, "nesting deeper than 32 levels"));
}

static void
test_parse_depth(void)
{
	const guint max = FERRY_JSON_MAX_DEPTH;
	g_autofree gchar *huge = nested("[", "", "]", 400000);
	g_autofree gchar *open_only = nested("{\"a\":", "", "", 100000);
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryJsonDoc) doc = NULL;

	/* the cap counts containers, not values */
	assert_depth(nested("[", "", "]", max), nested("[", "", "]", max + 1));
	assert_depth(nested("[", "1", "]", max), nested("[", "1", "]", max + 1));
	assert_depth(nested("[1,", "{}", "]", max - 1), nested("[1,", "{}", "]", max));
	assert_depth(nested("{\"a\":", "0", "}", max), nested("{\"a\":", "0", "}", max + 1));
	assert_depth(nested(" [ ", "\"s\"", " ] ", max), nested(" [ ", "\"s\"", " ] ", max + 1));
	assert_depth(nested("{\"a\":[", "null", "]}", max / 2),
		     nested("{\"a\":[", "[]", "]}", max / 2));
	assert_depth(wrap("0", max), wrap("0", max + 1));
	assert_depth(wrap("{}", max - 1), wrap("{}", max));

	/* deep hostile input fails fast, without recursing far */
	doc = parse(huge, &error);
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE);
	g_assert_nonnull(strstr(error->message, "nesting deeper"));
	g_clear_error(&error);
	doc = parse(open_only, &error);
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE);
	g_assert_nonnull(strstr(error->message, "nesting deeper"));
}

static void
test_parse_size_cap(void)
{
	const gchar *text = "[1,2,3]";
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryJsonDoc) doc = NULL;

	doc = ferry_json_doc_new_parse((const guint8 *)text, 7, 7, &error);
	g_assert_no_error(error);
	g_assert_nonnull(doc);
	g_clear_pointer(&doc, ferry_json_doc_free);

	doc = ferry_json_doc_new_parse((const guint8 *)text, 7, 6, &error);
	g_assert_null(doc);
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE);
	g_clear_error(&error);

	/* the size is checked before the content */
	doc = ferry_json_doc_new_parse((const guint8 *)"garbage", 7, 3, &error);
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE);
	g_clear_error(&error);

	/* an empty GBytes gives NULL data */
	doc = ferry_json_doc_new_parse(NULL, 0, 0, &error);
	g_assert_null(doc);
	g_assert_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT);
	g_clear_error(&error);

	/* the input need not be NUL-terminated: only @len bytes are read */
	doc = ferry_json_doc_new_parse((const guint8 *)"[1]]]", 3, 3, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(ferry_json_value_get_length(ferry_json_doc_get_root(doc)), ==, 1);
}

/* ---- numbers ---- */

static void
assert_int(const gchar *text, gint64 want)
{
	g_autoptr(FerryJsonDoc) doc = parse_ok(text);
	gint64 got = 0;

	g_assert_true(ferry_json_value_get_int(ferry_json_doc_get_root(doc), &got));
	g_assert_cmpint(got, ==, want);
}

static void
test_parse_int64(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryJsonDoc) doc = NULL;
	static const gchar *const beyond[] = {
		"9223372036854775808",	"-9223372036854775809",	 "9223372036854775810",
		"92233720368547758070", "-92233720368547758080", "10000000000000000000",
	};

	assert_int("9223372036854775807", G_MAXINT64);
	assert_int("-9223372036854775808", G_MININT64);
	assert_int("9223372036854775806", G_MAXINT64 - 1);
	assert_int("-9223372036854775807", G_MININT64 + 1);
	assert_int("0", 0);
	assert_int("-0", 0);
	assert_int("4294967296", G_GINT64_CONSTANT(4294967296));
	assert_int("-1", -1);
	for (guint i = 0; i < G_N_ELEMENTS(beyond); i++) {
		doc = parse(beyond[i], &error);
		g_assert_null(doc);
		g_assert_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT);
		g_clear_error(&error);
	}
}

static void
test_parse_doubles(void)
{
	static const gchar *const doubles[] = {"1.5",
					       "-0.0",
					       "1e3",
					       "1E400",
					       "-1e-400",
					       "0.000001",
					       "123456789012345678901234567890.5"};

	for (guint i = 0; i < G_N_ELEMENTS(doubles); i++) {
		g_autofree gchar *text = g_strdup_printf("{\"v\":[%s]}", doubles[i]);
		g_autoptr(FerryJsonDoc) doc = parse_ok(text);
		FerryJsonValue *root = ferry_json_doc_get_root(doc);
		FerryJsonValue *v = ferry_json_array_get(ferry_json_object_get(root, "v"), 0);
		g_autofree gchar *compact = ferry_json_to_string(root, FALSE);
		g_autoptr(GError) error = NULL;
		g_autoptr(GBytes) canonical = NULL;
		gint64 i64 = 7;

		g_assert_cmpint(ferry_json_value_get_type(v), ==, FERRY_JSON_DOUBLE);
		g_assert_false(ferry_json_value_get_int(v, &i64));
		g_assert_cmpint(i64, ==, 7);
		g_assert_cmpstr(compact, ==, text);
		canonical = ferry_json_canonicalize(root, FERRY_JSON_CANON_OLPC, &error);
		g_assert_null(canonical);
		g_assert_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT);
		g_clear_error(&error);
		canonical = ferry_json_canonicalize(root, FERRY_JSON_CANON_ESCAPED, &error);
		g_assert_null(canonical);
		g_assert_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT);
	}
}

/* ---- strings ---- */

static void
test_parse_escapes(void)
{
	static const struct {
		const gchar *text;
		const gchar *decoded;
	} escapes[] = {
		{"\"\\\"\"", "\""},
		{"\"\\\\\"", "\\"},
		{"\"\\/\"", "/"},
		{"\"\\b\"", "\b"},
		{"\"\\f\"", "\f"},
		{"\"\\n\"", "\n"},
		{"\"\\r\"", "\r"},
		{"\"\\t\"", "\t"},
		{"\"\\u0001\"", "\x01"},
		{"\"\\u001f\"", "\x1f"},
		{"\"\\u001F\"", "\x1f"},
		{"\"\\u0020\"", " "},
		{"\"\\u0041\\u0062\"", "Ab"},
		{"\"\\u007f\"", "\x7f"},
		{"\"\\u0080\"", "\xc2\x80"},
		{"\"\\u00e9\"", "\xc3\xa9"},
		{"\"\\u00E9\"", "\xc3\xa9"},
		{"\"\\u07ff\"", "\xdf\xbf"},
		{"\"\\u0800\"", "\xe0\xa0\x80"},
		{"\"\\u20ac\"", "\xe2\x82\xac"},
		{"\"\\ud7ff\"", "\xed\x9f\xbf"},
		{"\"\\ue000\"", "\xee\x80\x80"},
		{"\"\\ufeff\"", "\xef\xbb\xbf"},
		{"\"\\uffff\"", "\xef\xbf\xbf"},
		{"\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\"", "a\"b\\c/d\be\ff\ng\rh\ti"},
		{"\"\\\\u0041\"", "\\u0041"},
		{"\"\\\\\\\\\"", "\\\\"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(escapes); i++) {
		g_test_message("escape %s", escapes[i].text);
		assert_string_decodes(escapes[i].text, escapes[i].decoded);
	}
}

static void
test_parse_surrogates(void)
{
	static const struct {
		const gchar *text;
		const gchar *decoded;
	} pairs[] = {
		{"\"\\ud800\\udc00\"", "\xf0\x90\x80\x80"},		       /* U+10000 */
		{"\"\\udbff\\udfff\"", "\xf4\x8f\xbf\xbf"},		       /* U+10FFFF */
		{"\"\\ud834\\udd1e\"", "\xf0\x9d\x84\x9e"},		       /* U+1D11E */
		{"\"\\uD83D\\uDE00\"", "\xf0\x9f\x98\x80"},		       /* U+1F600 */
		{"\"x\\ud83d\\ude00y\\u00e9\"", "x\xf0\x9f\x98\x80y\xc3\xa9"}, /* mixed */
	};

	for (guint i = 0; i < G_N_ELEMENTS(pairs); i++)
		assert_string_decodes(pairs[i].text, pairs[i].decoded);

	/* a grid over both halves, against GLib's encoder */
	for (guint hi = 0xD800; hi <= 0xDBFF; hi += (hi == 0xDBFE ? 1 : 31)) {
		for (guint lo = 0xDC00; lo <= 0xDFFF; lo += (lo == 0xDFFE ? 1 : 29)) {
			gunichar c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
			gchar want[8] = {0};
			g_autofree gchar *text = g_strdup_printf("\"\\u%04x\\u%04X\"", hi, lo);
			g_unichar_to_utf8(c, want);
			assert_string_decodes(text, want);
		}
	}
}

/* the reference: one well-formed UTF-8 character at @p, its length or 0 */
static gsize
utf8_reference_char(const guint8 *p, gsize avail)
{
	gunichar c;
	gsize want;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xE0) == 0xC0) {
		want = 2;
		c = p[0] & 0x1F;
	} else if ((p[0] & 0xF0) == 0xE0) {
		want = 3;
		c = p[0] & 0x0F;
	} else if ((p[0] & 0xF8) == 0xF0) {
		want = 4;
		c = p[0] & 0x07;
	} else {
		return 0;
	}
	if (avail < want)
		return 0;
	for (gsize i = 1; i < want; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3F);
	}
	if ((want == 2 && c < 0x80) || (want == 3 && c < 0x800) || (want == 4 && c < 0x10000))
		return 0; /* overlong */
	if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	return want;
}

static gboolean
utf8_reference_valid(const guint8 *p, gsize len)
{
	for (gsize i = 0; i < len;) {
		gsize n = utf8_reference_char(p + i, len - i);
		if (n == 0)
			return FALSE;
		i += n;
	}
	return TRUE;
}

static void
assert_utf8_agrees(const guint8 *seq, gsize len)
{
	guint8 text[8] = {'"'};
	g_autoptr(GError) error = NULL;
	g_autoptr(FerryJsonDoc) doc = NULL;
	gboolean want = utf8_reference_valid(seq, len);

	memcpy(text + 1, seq, len);
	text[len + 1] = '"';
	doc = parse_len((const gchar *)text, len + 2, &error);
	if (want != (doc != NULL))
		g_error("UTF-8 %s: expected %s", to_hex(seq, len), want ? "valid" : "invalid");
	if (doc != NULL) {
		const gchar *s = ferry_json_value_get_string(ferry_json_doc_get_root(doc));
		g_assert_cmpmem(s, strlen(s), seq, len);
	}
}

/* every lead byte with every second byte, and each length's edges */
static void
test_parse_utf8(void)
{
	static const guint8 tails[] = {0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0x41};

	for (guint lead = 0x80; lead <= 0xFF; lead++) {
		for (guint second = 0x00; second <= 0xFF; second++) {
			guint8 seq[4] = {(guint8)lead, (guint8)second, 0x80, 0x80};
			if (second == '"' || second == '\\' || second < 0x20)
				continue; /* those end the string or are tested elsewhere */
			assert_utf8_agrees(seq, 2);
			if (lead >= 0xE0)
				assert_utf8_agrees(seq, 3);
			if (lead >= 0xF0)
				assert_utf8_agrees(seq, 4);
		}
	}
	for (guint lead = 0xE0; lead <= 0xF4; lead++) {
		for (guint i = 0; i < G_N_ELEMENTS(tails); i++) {
			guint8 seq3[3] = {(guint8)lead, 0xA0, tails[i]};
			guint8 seq4[4] = {(guint8)lead, 0x90, 0x80, tails[i]};
			assert_utf8_agrees(seq3, 3);
			assert_utf8_agrees(seq4, 4);
		}
	}
}

/* ---- accessors ---- */

static void
test_parse_accessors(void)
{
	g_autoptr(FerryJsonDoc) doc =
		parse_ok("{\"d\":false,\"b\":[1,\"x\",true,null,{\"c\":-3}],\"a\":\"s\"}");
	FerryJsonValue *root = ferry_json_doc_get_root(doc);
	FerryJsonValue *b = ferry_json_object_get(root, "b");
	gint64 i = 42;
	gboolean flag = TRUE;

	g_assert_cmpint(ferry_json_value_get_type(root), ==, FERRY_JSON_OBJECT);
	g_assert_cmpuint(ferry_json_value_get_length(root), ==, 3);
	g_assert_cmpstr(ferry_json_object_get_key_at(root, 0), ==, "a");
	g_assert_cmpstr(ferry_json_object_get_key_at(root, 1), ==, "b");
	g_assert_cmpstr(ferry_json_object_get_key_at(root, 2), ==, "d");
	g_assert_null(ferry_json_object_get_key_at(root, 3));
	g_assert_null(ferry_json_object_get_value_at(root, 3));
	g_assert_true(ferry_json_object_get_value_at(root, 1) == b);
	g_assert_null(ferry_json_object_get(root, "c"));
	g_assert_null(ferry_json_object_get(root, ""));
	g_assert_null(ferry_json_object_get(NULL, "a"));
	g_assert_null(ferry_json_object_get(b, "a"));

	g_assert_cmpint(ferry_json_value_get_type(b), ==, FERRY_JSON_ARRAY);
	g_assert_cmpuint(ferry_json_value_get_length(b), ==, 5);
	g_assert_null(ferry_json_array_get(b, 5));
	g_assert_null(ferry_json_array_get(root, 0));
	g_assert_true(ferry_json_value_get_int(ferry_json_array_get(b, 0), &i));
	g_assert_cmpint(i, ==, 1);
	g_assert_cmpstr(ferry_json_value_get_string(ferry_json_array_get(b, 1)), ==, "x");
	g_assert_true(ferry_json_value_get_bool(ferry_json_array_get(b, 2), &flag));
	g_assert_true(flag);
	g_assert_cmpint(ferry_json_value_get_type(ferry_json_array_get(b, 3)), ==, FERRY_JSON_NULL);
	g_assert_true(ferry_json_value_get_int(
		ferry_json_object_get(ferry_json_array_get(b, 4), "c"), &i));
	g_assert_cmpint(i, ==, -3);
	g_assert_true(ferry_json_value_get_bool(ferry_json_object_get(root, "d"), &flag));
	g_assert_false(flag);

	/* wrong types: FALSE or NULL, and the out parameter untouched */
	i = 42;
	flag = TRUE;
	g_assert_false(ferry_json_value_get_int(ferry_json_object_get(root, "a"), &i));
	g_assert_false(ferry_json_value_get_bool(ferry_json_array_get(b, 0), &flag));
	g_assert_false(ferry_json_value_get_int(NULL, &i));
	g_assert_cmpint(i, ==, 42);
	g_assert_true(flag);
	g_assert_null(ferry_json_value_get_string(ferry_json_array_get(b, 0)));
	g_assert_null(ferry_json_value_get_string(NULL));
	g_assert_cmpuint(ferry_json_value_get_length(ferry_json_object_get(root, "a")), ==, 0);
	g_assert_cmpuint(ferry_json_value_get_length(NULL), ==, 0);
}

/* a big object in random key order: sorted once, every key found */
static void
test_parse_large_object(void)
{
	g_autoptr(GRand) r = g_rand_new_with_seed(g_test_rand_int());
	g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GString) text = g_string_new("{");
	g_autoptr(FerryJsonDoc) doc = NULL;
	FerryJsonValue *root;
	guint n = 20000;

	for (guint i = 0; i < n; i++)
		g_ptr_array_add(keys, g_strdup_printf("targets/%u/file-%u.bin", i % 97, i));
	for (guint i = n - 1; i > 0; i--) {
		guint j = g_rand_int_range(r, 0, i + 1);
		gpointer t = keys->pdata[i];
		keys->pdata[i] = keys->pdata[j];
		keys->pdata[j] = t;
	}
	for (guint i = 0; i < n; i++)
		g_string_append_printf(text, "%s\"%s\":{\"length\":%u}", i > 0 ? "," : "",
				       (const gchar *)keys->pdata[i], i);
	g_string_append_c(text, '}');
	doc = parse_ok(text->str);
	root = ferry_json_doc_get_root(doc);
	g_assert_cmpuint(ferry_json_value_get_length(root), ==, n);
	for (guint i = 1; i < n; i++)
		g_assert_cmpint(strcmp(ferry_json_object_get_key_at(root, i - 1),
				       ferry_json_object_get_key_at(root, i)),
				<, 0);
	for (guint i = 0; i < n; i++) {
		gint64 len = -1;
		FerryJsonValue *entry = ferry_json_object_get(root, keys->pdata[i]);
		g_assert_true(
			ferry_json_value_get_int(ferry_json_object_get(entry, "length"), &len));
		g_assert_cmpint(len, ==, i);
	}

	/* one duplicate among them, anywhere */
	g_string_truncate(text, text->len - 1);
	g_string_append_printf(text, ",\"%s\":{}}", (const gchar *)keys->pdata[n / 3]);
	g_clear_pointer(&doc, ferry_json_doc_free);
	{
		g_autoptr(GError) error = NULL;
		doc = parse(text->str, &error);
		g_assert_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT);
		g_assert_nonnull(strstr(error->message, keys->pdata[n / 3]));
	}
}

/* short strings are shared inside a doc: equal ones must still read back right */
static void
test_parse_many_short_strings(void)
{
	g_autoptr(GString) text = g_string_new("[");
	g_autoptr(FerryJsonDoc) doc = NULL;
	FerryJsonValue *root;
	guint n = 5000;

	for (guint i = 0; i < n; i++)
		g_string_append_printf(text, "%s{\"k%u\":\"v%u\",\"same\":\"%u\",\"%.*s\":%u}",
				       i > 0 ? "," : "", i % 300, i % 7, i, (gint)(i % 40 + 1),
				       "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH", i);
	g_string_append_c(text, ']');
	doc = parse_ok(text->str);
	root = ferry_json_doc_get_root(doc);
	for (guint i = 0; i < n; i++) {
		FerryJsonValue *o = ferry_json_array_get(root, i);
		g_autofree gchar *k = g_strdup_printf("k%u", i % 300);
		g_autofree gchar *v = g_strdup_printf("v%u", i % 7);
		g_autofree gchar *same = g_strdup_printf("%u", i);
		g_autofree gchar *long_key =
			g_strndup("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH", i % 40 + 1);
		gint64 got = -1;

		g_assert_cmpstr(ferry_json_value_get_string(ferry_json_object_get(o, k)), ==, v);
		g_assert_cmpstr(ferry_json_value_get_string(ferry_json_object_get(o, "same")), ==,
				same);
		g_assert_true(ferry_json_value_get_int(ferry_json_object_get(o, long_key), &got));
		g_assert_cmpint(got, ==, i);
	}
}

/* ---- canonical form ---- */

/* tests/data/json/canonical-cases.json, made by gen-canonical.py with securesystemslib */
static void
check_canonical_case(const FerryJsonValue *c)
{
	const gchar *name = ferry_json_value_get_string(ferry_json_object_get(c, "name"));
	const gchar *input = ferry_json_value_get_string(ferry_json_object_get(c, "input"));
	const gchar *olpc = ferry_json_value_get_string(ferry_json_object_get(c, "olpc"));
	const gchar *escaped = ferry_json_value_get_string(ferry_json_object_get(c, "escaped"));
	const gchar *pretty = ferry_json_value_get_string(ferry_json_object_get(c, "pretty"));
	g_autoptr(FerryJsonDoc) doc = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) got = NULL;
	g_autofree gchar *got_hex = NULL;
	g_autofree gchar *text = NULL;
	FerryJsonValue *root;

	g_test_message("canonical case %s", name);
	g_assert_nonnull(input);
	doc = parse_ok(input);
	root = ferry_json_doc_get_root(doc);
	got = ferry_json_canonicalize(root, FERRY_JSON_CANON_OLPC, &error);
	if (olpc == NULL) {
		/* securesystemslib refuses it, so must we */
		g_assert_null(got);
		g_assert_error(error, FERRY_ERROR, FERRY_ERROR_FORMAT);
		return;
	}
	g_assert_no_error(error);
	got_hex = bytes_to_hex(got);
	g_assert_cmpstr(got_hex, ==, olpc);
	g_clear_pointer(&got, g_bytes_unref);
	g_clear_pointer(&got_hex, g_free);
	got = canon(root, FERRY_JSON_CANON_ESCAPED);
	got_hex = bytes_to_hex(got);
	g_assert_cmpstr(got_hex, ==, escaped);
	g_assert_true(ferry_json_has_control_chars(root) == (strcmp(olpc, escaped) != 0));
	text = ferry_json_to_string(root, TRUE);
	g_clear_pointer(&got_hex, g_free);
	got_hex = to_hex((const guint8 *)text, strlen(text));
	g_assert_cmpstr(got_hex, ==, pretty);
}

static void
test_canonical_cases(void)
{
	g_autofree gchar *path = g_build_filename(ferry_test_srcdir(), "tests", "data", "json",
						  "canonical-cases.json", NULL);
	g_autoptr(FerryJsonDoc) doc = ferry_test_read_json(path);
	FerryJsonValue *cases = ferry_json_object_get(ferry_json_doc_get_root(doc), "cases");

	g_assert_cmpuint(ferry_json_value_get_length(cases), >=, 30);
	for (guint i = 0; i < ferry_json_value_get_length(cases); i++)
		check_canonical_case(ferry_json_array_get(cases, i));
}

static void
test_canonical_styles(void)
{
	/* five have a short escape, the rest are \u00xx in lowercase hex */
	static const gchar shorts[] = "\b\f\n\r\t";
	static const gchar short_names[] = "bfnrt";
	g_autoptr(FerryJsonDoc) doc = ferry_json_doc_new();

	for (guint c = 0x01; c < 0x20; c++) {
		gchar raw[] = {'a', (gchar)c, 'b', '\0'};
		FerryJsonValue *s = ferry_json_new_string(doc, raw);
		const gchar *short_escape = strchr(shorts, (gchar)c);
		g_autofree gchar *want_olpc = g_strdup_printf("\"a%cb\"", c);
		g_autofree gchar *want_esc =
			short_escape != NULL
				? g_strdup_printf("\"a\\%cb\"", short_names[short_escape - shorts])
				: g_strdup_printf("\"a\\u%04xb\"", c);

		assert_canon(s, FERRY_JSON_CANON_OLPC, want_olpc);
		assert_canon(s, FERRY_JSON_CANON_ESCAPED, want_esc);
		g_assert_true(ferry_json_has_control_chars(s));
	}
	/* outside control characters the two styles agree: DEL, UTF-8, quotes */
	{
		FerryJsonValue *o = ferry_json_new_object(doc);
		const gchar *want = "{\"k\\\"\\\\\":\"\x7f\xc3\xa9\xf0\x9f\x98\x80 \\\"/\\\\\"}";
		ferry_json_object_set(
			doc, o, "k\"\\",
			ferry_json_new_string(doc, "\x7f\xc3\xa9\xf0\x9f\x98\x80 \"/\\"));
		assert_canon(o, FERRY_JSON_CANON_OLPC, want);
		assert_canon(o, FERRY_JSON_CANON_ESCAPED, want);
		g_assert_false(ferry_json_has_control_chars(o));
		/* a control character in a key counts too */
		ferry_json_object_set(doc, o, "\n", ferry_json_new_null(doc));
		g_assert_true(ferry_json_has_control_chars(o));
	}
}

static void
test_canonical_ints(void)
{
	g_autoptr(FerryJsonDoc) doc = ferry_json_doc_new();
	FerryJsonValue *a = ferry_json_new_array(doc);
	static const gint64 values[] = {0, 1, -1, 9, 10, -10, 1234567890, G_MAXINT64, G_MININT64};

	for (guint i = 0; i < G_N_ELEMENTS(values); i++)
		ferry_json_array_append(doc, a, ferry_json_new_int(doc, values[i]));
	assert_canon(a, FERRY_JSON_CANON_OLPC,
		     "[0,1,-1,9,10,-10,1234567890,9223372036854775807,-9223372036854775808]");
}

/* ---- differential tests against Python ---- */

/*
 * Reads one item per line and prints, per item, three lines of hex:
 * encode_canonical, compact json.dumps (FERRY_JSON_CANON_ESCAPED) and
 * indented json.dumps (ferry_json_to_string pretty). "hex" items are JSON
 * documents in hex; "signed" items are file names, of which the "signed"
 * member is used. Exit code 77: no securesystemslib.
 */
static const gchar *python_script =
	"import json, sys\n"
	"try:\n"
	"    from securesystemslib.formats import encode_canonical\n"
	"except ImportError:\n"
	"    sys.exit(77)\n"
	"for line in sys.stdin:\n"
	"    line = line.strip()\n"
	"    if sys.argv[1] == 'hex':\n"
	"        v = json.loads(bytes.fromhex(line))\n"
	"    else:\n"
	"        with open(line, 'rb') as f:\n"
	"            v = json.load(f)['signed']\n"
	"    for s in (encode_canonical(v),\n"
	"              json.dumps(v, sort_keys=True, separators=(',', ':'), ensure_ascii=False),\n"
	"              json.dumps(v, sort_keys=True, indent=2, ensure_ascii=False) + '\\n'):\n"
	"        print(s.encode('utf-8').hex())\n";

/* Python's three hex lines per item, or NULL after g_test_skip() */
static gchar **
python_outputs(const gchar *mode, GPtrArray *items)
{
	const gchar *python =
		g_getenv("PYTHON3") != NULL ? g_getenv("PYTHON3") : "/usr/bin/python3";
	g_autoptr(GError) error = NULL;
	g_autoptr(GSubprocess) proc = NULL;
	g_autoptr(GString) in = g_string_new(NULL);
	g_autoptr(GBytes) in_bytes = NULL;
	g_autoptr(GBytes) out = NULL;
	g_autofree gchar *text = NULL;
	g_auto(GStrv) lines = NULL;

	if (!g_file_test(python, G_FILE_TEST_IS_EXECUTABLE)) {
		g_autofree gchar *msg = g_strdup_printf("no %s for the differential test", python);
		g_test_skip(msg);
		return NULL;
	}
	for (guint i = 0; i < items->len; i++)
		g_string_append_printf(in, "%s\n", (const gchar *)items->pdata[i]);
	in_bytes = g_bytes_new(in->str, in->len);
	proc = g_subprocess_new(G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
				&error, python, "-c", python_script, mode, NULL);
	g_assert_no_error(error);
	g_subprocess_communicate(proc, in_bytes, NULL, &out, NULL, &error);
	g_assert_no_error(error);
	if (g_subprocess_get_if_exited(proc) && g_subprocess_get_exit_status(proc) == 77) {
		g_autofree gchar *msg = g_strdup_printf(
			"%s has no securesystemslib (python3-securesystemslib)", python);
		g_test_skip(msg);
		return NULL;
	}
	g_assert_true(g_subprocess_get_successful(proc));
	text = g_strndup(g_bytes_get_data(out, NULL), g_bytes_get_size(out));
	lines = g_strsplit(text, "\n", -1);
	g_assert_cmpuint(g_strv_length(lines), ==, items->len * 3 + 1);
	return g_steal_pointer(&lines);
}

/* our three outputs for @v against Python's @expected[0..2] */
static void
compare_with_python(const FerryJsonValue *v, gchar **expected, const gchar *what)
{
	g_autoptr(GBytes) olpc = canon(v, FERRY_JSON_CANON_OLPC);
	g_autoptr(GBytes) escaped = canon(v, FERRY_JSON_CANON_ESCAPED);
	g_autofree gchar *pretty = ferry_json_to_string(v, TRUE);
	g_autofree gchar *olpc_hex = bytes_to_hex(olpc);
	g_autofree gchar *escaped_hex = bytes_to_hex(escaped);
	g_autofree gchar *pretty_hex = to_hex((const guint8 *)pretty, strlen(pretty));

	if (g_strcmp0(olpc_hex, expected[0]) != 0)
		g_error("%s: OLPC form differs from encode_canonical\n ours %s\n them %s", what,
			olpc_hex, expected[0]);
	if (g_strcmp0(escaped_hex, expected[1]) != 0)
		g_error("%s: escaped form differs from json.dumps\n ours %s\n them %s", what,
			escaped_hex, expected[1]);
	if (g_strcmp0(pretty_hex, expected[2]) != 0)
		g_error("%s: pretty form differs from json.dumps(indent=2)\n ours %s\n them %s",
			what, pretty_hex, expected[2]);
}

/* a random code point, sometimes one that needs escaping or sorts oddly */
static gunichar
random_char(GRand *r)
{
	static const gunichar special[] = {'"',	   '\\',   '/',	   0x7F,   0x80,    0xFF,
					   0x100,  0x7FF,  0x800,  0xD7FF, 0xE000,  0xFEFF,
					   0xFFFD, 0xFFFF, 0x2028, 0x2029, 0x10000, 0x10FFFF};

	switch (g_rand_int_range(r, 0, 8)) {
	case 0:
		return g_rand_int_range(r, 1, 0x20);
	case 1:
		return special[g_rand_int_range(r, 0, G_N_ELEMENTS(special))];
	case 2:
		return g_rand_int_range(r, 0x80, 0x800);
	case 3: {
		gunichar c = g_rand_int_range(r, 0x800, 0x10000);
		return c >= 0xD800 && c <= 0xDFFF ? 0xFFFD : c;
	}
	case 4:
		return g_rand_int_range(r, 0x10000, 0x110000);
	default:
		return g_rand_int_range(r, 0x20, 0x7F);
	}
}

/* @c as JSON string content, raw or escaped at random; its UTF-8 onto @decoded */
static void
append_random_char(GRand *r, gunichar c, GString *text, GString *decoded)
{
	gchar buf[8];
	gint len = g_unichar_to_utf8(c, buf);
	gboolean must_escape = c < 0x20 || c == '"' || c == '\\';
	static const gchar short_escapes[] = "\"\\/\b\f\n\r\t";
	static const gchar short_names[] = "\"\\/bfnrt";
	const gchar *short_escape = c > 0 && c < 0x80 ? strchr(short_escapes, (gchar)c) : NULL;

	g_string_append_len(decoded, buf, len);
	if (!must_escape && g_rand_int_range(r, 0, 3) > 0) {
		g_string_append_len(text, buf, len);
	} else if (short_escape != NULL && g_rand_boolean(r)) {
		g_string_append_c(text, '\\');
		g_string_append_c(text, short_names[short_escape - short_escapes]);
	} else if (c >= 0x10000) {
		gunichar v = c - 0x10000;
		g_string_append_printf(text,
				       g_rand_boolean(r) ? "\\u%04x\\u%04x" : "\\u%04X\\u%04X",
				       0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF));
	} else {
		g_string_append_printf(text, g_rand_boolean(r) ? "\\u%04x" : "\\u%04X", c);
	}
}

static void
append_random_string(GRand *r, GString *text, GString *decoded, guint max_len)
{
	guint n = g_rand_int_range(r, 0, max_len + 1);

	g_string_append_c(text, '"');
	for (guint i = 0; i < n; i++)
		append_random_char(r, random_char(r), text, decoded);
	g_string_append_c(text, '"');
}

static void
append_random_ws(GRand *r, GString *text)
{
	static const gchar ws[] = " \t\n\r";

	while (g_rand_int_range(r, 0, 6) == 0)
		g_string_append_c(text, ws[g_rand_int_range(r, 0, 4)]);
}

static void
append_random_int(GRand *r, GString *text)
{
	guint64 u = (guint64)g_rand_int(r) << 32 | g_rand_int(r);
	gint64 v;

	switch (g_rand_int_range(r, 0, 5)) {
	case 0:
		v = g_rand_boolean(r) ? G_MAXINT64 : G_MININT64;
		break;
	case 1:
		v = g_rand_int_range(r, -1000, 1000);
		break;
	default:
		/* a full-width value without signed overflow */
		memcpy(&v, &u, sizeof(v));
		v >>= g_rand_int_range(r, 0, 63);
	}
	g_string_append_printf(text, "%" G_GINT64_FORMAT, v);
}

static void
append_random_value(GRand *r, GString *text, guint depth);

static void
append_random_object(GRand *r, GString *text, guint depth)
{
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	guint n = g_rand_int_range(r, 0, 7);

	g_string_append_c(text, '{');
	for (guint i = 0; i < n; i++) {
		g_autoptr(GString) key = g_string_new(NULL);
		g_autoptr(GString) decoded = g_string_new(NULL);
		append_random_string(r, key, decoded, 4);
		/* keys equal once decoded would be duplicates, which we reject */
		if (!g_hash_table_add(seen, g_string_free(g_steal_pointer(&decoded), FALSE)))
			continue;
		if (g_hash_table_size(seen) > 1)
			g_string_append_c(text, ',');
		append_random_ws(r, text);
		g_string_append(text, key->str);
		append_random_ws(r, text);
		g_string_append_c(text, ':');
		append_random_value(r, text, depth + 1);
	}
	g_string_append_c(text, '}');
}

static void
append_random_value(GRand *r, GString *text, guint depth)
{
	gint kind = g_rand_int_range(r, 0, depth >= 6 ? 4 : 7);

	append_random_ws(r, text);
	if (kind == 0) {
		append_random_int(r, text);
	} else if (kind == 1) {
		static const gchar *const words[] = {"true", "false", "null"};
		g_string_append(text, words[g_rand_int_range(r, 0, 3)]);
	} else if (kind <= 3) {
		g_autoptr(GString) decoded = g_string_new(NULL);
		append_random_string(r, text, decoded, 12);
	} else if (kind <= 5) {
		append_random_object(r, text, depth);
	} else {
		guint n = g_rand_int_range(r, 0, 6);
		g_string_append_c(text, '[');
		for (guint i = 0; i < n; i++) {
			if (i > 0)
				g_string_append_c(text, ',');
			append_random_value(r, text, depth + 1);
		}
		g_string_append_c(text, ']');
	}
	append_random_ws(r, text);
}

static void
test_canonical_random_vs_python(void)
{
	g_autoptr(GRand) r = g_rand_new_with_seed(g_test_rand_int());
	g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) hexes = g_ptr_array_new_with_free_func(g_free);
	g_auto(GStrv) expected = NULL;

	for (guint i = 0; i < 400; i++) {
		GString *s = g_string_new(NULL);
		/* a third of them start as an object, like metadata */
		if (i % 3 == 0)
			append_random_object(r, s, 0);
		else
			append_random_value(r, s, 0);
		/* some deep ones: random values nest at most 7 levels themselves */
		if (i % 20 == 0) {
			g_autofree gchar *deep =
				wrap(s->str, g_rand_int_range(r, 1, FERRY_JSON_MAX_DEPTH - 7 + 1));
			g_string_assign(s, deep);
		}
		g_ptr_array_add(hexes, to_hex((const guint8 *)s->str, s->len));
		g_ptr_array_add(texts, g_string_free(s, FALSE));
	}
	expected = python_outputs("hex", hexes);
	if (expected == NULL)
		return;
	for (guint i = 0; i < texts->len; i++) {
		g_autoptr(FerryJsonDoc) doc = parse_ok(texts->pdata[i]);
		g_autofree gchar *what = g_strdup_printf("random document %u: %s", i,
							 (const gchar *)hexes->pdata[i]);
		compare_with_python(ferry_json_doc_get_root(doc), expected + i * 3, what);
	}
}

static void
collect_json_files(const gchar *dir, GPtrArray *paths)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const gchar *name;

	while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
		g_autofree gchar *path = g_build_filename(dir, name, NULL);
		if (g_file_test(path, G_FILE_TEST_IS_DIR))
			collect_json_files(path, paths);
		else if (g_str_has_suffix(name, ".json"))
			g_ptr_array_add(paths, g_steal_pointer(&path));
	}
}

/*
 * Every JSON file of the Uptane vectors (and the Torizon fixture, whose RSA
 * roots hold PEM keys with newlines) parses, and its "signed" canonicalises
 * as Python does it; Python reads the files itself.
 */
static void
test_canonical_vectors_vs_python(void)
{
	const gchar *shared = g_getenv("FERRY_SHARED_DIR");
	g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) signed_paths = g_ptr_array_new();
	g_autoptr(GPtrArray) docs =
		g_ptr_array_new_with_free_func((GDestroyNotify)ferry_json_doc_free);
	g_autofree gchar *vectors = NULL;
	g_autofree gchar *fixtures = NULL;
	g_auto(GStrv) expected = NULL;

	if (shared == NULL) {
		g_test_skip("FERRY_SHARED_DIR is not set");
		return;
	}
	vectors = g_build_filename(shared, "uptane-vectors", NULL);
	fixtures = g_build_filename(shared, "fixtures", NULL);
	collect_json_files(vectors, paths);
	g_assert_cmpuint(paths->len, >, 600);
	collect_json_files(fixtures, paths);
	for (guint i = 0; i < paths->len; i++) {
		g_autoptr(FerryJsonDoc) doc = ferry_test_read_json(paths->pdata[i]);
		if (ferry_json_object_get(ferry_json_doc_get_root(doc), "signed") == NULL)
			continue;
		g_ptr_array_add(signed_paths, paths->pdata[i]);
		g_ptr_array_add(docs, g_steal_pointer(&doc));
	}
	g_assert_cmpuint(signed_paths->len, >, 400);
	expected = python_outputs("signed", signed_paths);
	if (expected == NULL)
		return;
	for (guint i = 0; i < docs->len; i++) {
		FerryJsonValue *signed_ =
			ferry_json_object_get(ferry_json_doc_get_root(docs->pdata[i]), "signed");
		compare_with_python(signed_, expected + i * 3, signed_paths->pdata[i]);
	}
}

/* ---- builder ---- */

static void
test_build_out_of_order(void)
{
	g_autoptr(FerryJsonDoc) doc = ferry_json_doc_new();
	FerryJsonValue *o = ferry_json_new_object(doc);
	FerryJsonValue *arr = ferry_json_new_array(doc);
	FerryJsonValue *inner = ferry_json_new_object(doc);
	static const gchar *const keys[] = {"zeta", "_type", "Alpha", "alpha",		 "\xc3\xa9",
					    "a",    "b b",   "",      "\xf0\x9f\x98\x80"};

	g_assert_null(ferry_json_doc_get_root(doc));
	for (guint i = 0; i < G_N_ELEMENTS(keys); i++)
		ferry_json_object_set(doc, inner, keys[i], ferry_json_new_int(doc, i));
	ferry_json_object_set(doc, o, "version", ferry_json_new_int(doc, 2));
	ferry_json_object_set(doc, o, "list", arr);
	ferry_json_object_set(doc, o, "inner", inner);
	ferry_json_object_set(doc, o, "flag", ferry_json_new_bool(doc, FALSE));
	ferry_json_object_set(doc, o, "nothing", ferry_json_new_null(doc));
	ferry_json_array_append(doc, arr, ferry_json_new_string(doc, "q\"\\\n"));
	ferry_json_array_append(doc, arr, ferry_json_new_array(doc));
	ferry_json_array_append(doc, arr, ferry_json_new_object(doc));
	ferry_json_doc_set_root(doc, o);
	g_assert_true(ferry_json_doc_get_root(doc) == o);
	assert_canon(
		o, FERRY_JSON_CANON_OLPC,
		"{\"flag\":false,\"inner\":{\"\":7,\"Alpha\":2,\"_type\":1,\"a\":5,\"alpha\":3,"
		"\"b b\":6,\"zeta\":0,\"\xc3\xa9\":4,\"\xf0\x9f\x98\x80\":8},"
		"\"list\":[\"q\\\"\\\\\n\",[],{}],\"nothing\":null,\"version\":2}");
	assert_canon(arr, FERRY_JSON_CANON_ESCAPED, "[\"q\\\"\\\\\\n\",[],{}]");
}

static void
test_build_replace(void)
{
	g_autoptr(FerryJsonDoc) doc = ferry_json_doc_new();
	FerryJsonValue *o = ferry_json_new_object(doc);
	gint64 v = 0;

	ferry_json_object_set(doc, o, "b", ferry_json_new_int(doc, 1));
	ferry_json_object_set(doc, o, "a", ferry_json_new_int(doc, 2));
	ferry_json_object_set(doc, o, "c", ferry_json_new_int(doc, 3));
	ferry_json_object_set(doc, o, "b", ferry_json_new_string(doc, "new"));
	ferry_json_object_set(doc, o, "a", ferry_json_new_int(doc, 20));
	g_assert_cmpuint(ferry_json_value_get_length(o), ==, 3);
	g_assert_cmpstr(ferry_json_value_get_string(ferry_json_object_get(o, "b")), ==, "new");
	g_assert_true(ferry_json_value_get_int(ferry_json_object_get(o, "a"), &v));
	g_assert_cmpint(v, ==, 20);
	assert_canon(o, FERRY_JSON_CANON_OLPC, "{\"a\":20,\"b\":\"new\",\"c\":3}");
}

/* parsed containers are exactly full; adding to them must grow them */
static void
test_build_grow_parsed(void)
{
	g_autoptr(FerryJsonDoc) doc = parse_ok("{\"m\":1,\"list\":[1,2,3]}");
	FerryJsonValue *root = ferry_json_doc_get_root(doc);
	FerryJsonValue *list = ferry_json_object_get(root, "list");

	ferry_json_object_set(doc, root, "a", ferry_json_new_int(doc, 0));
	ferry_json_object_set(doc, root, "z", ferry_json_new_int(doc, 9));
	ferry_json_object_set(doc, root, "m", ferry_json_new_int(doc, 5));
	for (gint i = 4; i <= 40; i++)
		ferry_json_array_append(doc, list, ferry_json_new_int(doc, i));
	g_assert_cmpuint(ferry_json_value_get_length(list), ==, 40);
	{
		g_autoptr(GString) want = g_string_new("{\"a\":0,\"list\":[");
		for (gint i = 1; i <= 40; i++)
			g_string_append_printf(want, "%s%d", i > 1 ? "," : "", i);
		g_string_append(want, "],\"m\":5,\"z\":9}");
		assert_canon(root, FERRY_JSON_CANON_OLPC, want->str);
	}
}

static void
test_build_large(void)
{
	g_autoptr(GRand) r = g_rand_new_with_seed(g_test_rand_int());
	g_autoptr(FerryJsonDoc) doc = ferry_json_doc_new();
	FerryJsonValue *arr = ferry_json_new_array(doc);
	FerryJsonValue *o = ferry_json_new_object(doc);
	guint n = 3000;
	g_autofree guint *order = g_new(guint, n);

	for (guint i = 0; i < 20000; i++)
		ferry_json_array_append(doc, arr, ferry_json_new_int(doc, i));
	for (guint i = 0; i < n; i++)
		order[i] = i;
	for (guint i = n - 1; i > 0; i--) {
		guint j = g_rand_int_range(r, 0, i + 1);
		guint t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (guint i = 0; i < n; i++) {
		g_autofree gchar *key = g_strdup_printf("key-%05u", order[i]);
		ferry_json_object_set(doc, o, key, ferry_json_new_int(doc, order[i]));
	}
	g_assert_cmpuint(ferry_json_value_get_length(arr), ==, 20000);
	g_assert_cmpuint(ferry_json_value_get_length(o), ==, n);
	for (guint i = 0; i < 20000; i++) {
		gint64 v = -1;
		g_assert_true(ferry_json_value_get_int(ferry_json_array_get(arr, i), &v));
		g_assert_cmpint(v, ==, i);
	}
	for (guint i = 0; i < n; i++) {
		g_autofree gchar *key = g_strdup_printf("key-%05u", i);
		gint64 v = -1;
		g_assert_cmpstr(ferry_json_object_get_key_at(o, i), ==, key);
		g_assert_true(ferry_json_value_get_int(ferry_json_object_get(o, key), &v));
		g_assert_cmpint(v, ==, i);
	}
}

static void
test_build_copy_across_docs(void)
{
	const gchar *text = "{\"signed\":{\"b\":[1,\"x\\u00e9\\n\",{\"d\":null}],\"a\":true,"
			    "\"f\":2.50},\"signatures\":[]}";
	g_autoptr(FerryJsonDoc) src = parse_ok(text);
	g_autoptr(FerryJsonDoc) dst = ferry_json_doc_new();
	g_autofree gchar *before = ferry_json_to_string(ferry_json_doc_get_root(src), FALSE);
	g_autofree gchar *after = NULL;
	g_autofree gchar *signed_text = NULL;
	FerryJsonValue *wrapper = ferry_json_new_object(dst);
	FerryJsonValue *copy = ferry_json_copy(dst, ferry_json_doc_get_root(src));
	FerryJsonValue *signed_copy =
		ferry_json_copy(dst, ferry_json_object_get(ferry_json_doc_get_root(src), "signed"));

	/* the source can go: the copies own everything they point to */
	g_clear_pointer(&src, ferry_json_doc_free);
	after = ferry_json_to_string(copy, FALSE);
	g_assert_cmpstr(after, ==, before);
	ferry_json_object_set(dst, wrapper, "x", signed_copy);
	ferry_json_object_set(dst, signed_copy, "c", ferry_json_new_int(dst, 3));
	signed_text = ferry_json_to_string(wrapper, FALSE);
	g_assert_cmpstr(signed_text, ==,
			"{\"x\":{\"a\":true,\"b\":[1,\"x\xc3\xa9\\n\",{\"d\":null}],\"c\":3,"
			"\"f\":2.50}}");
	/* the first copy did not change with the second */
	g_clear_pointer(&after, g_free);
	after = ferry_json_to_string(copy, FALSE);
	g_assert_cmpstr(after, ==, before);

	/* a builder-grown object copies like a parsed one */
	{
		g_autoptr(FerryJsonDoc) third = ferry_json_doc_new();
		g_autofree gchar *again = NULL;
		FerryJsonValue *c2 = ferry_json_copy(third, wrapper);
		g_clear_pointer(&dst, ferry_json_doc_free);
		again = ferry_json_to_string(c2, FALSE);
		g_assert_cmpstr(again, ==, signed_text);
	}
}

/* ---- ferry_json_to_string ---- */

static void
test_to_string(void)
{
	g_autoptr(FerryJsonDoc) doc = parse_ok(
		"{\"b\":[1,{\"y\":[],\"x\":{}},\"t\\u0001\\n\xc3\xa9\"],\"a\":-1.5e3,\"c\":null}");
	FerryJsonValue *root = ferry_json_doc_get_root(doc);
	g_autofree gchar *pretty = ferry_json_to_string(root, TRUE);
	g_autofree gchar *compact = ferry_json_to_string(root, FALSE);
	g_autofree gchar *scalar = NULL;
	g_autoptr(FerryJsonDoc) again = NULL;

	g_assert_cmpstr(pretty, ==,
			"{\n"
			"  \"a\": -1.5e3,\n"
			"  \"b\": [\n"
			"    1,\n"
			"    {\n"
			"      \"x\": {},\n"
			"      \"y\": []\n"
			"    },\n"
			"    \"t\\u0001\\n\xc3\xa9\"\n"
			"  ],\n"
			"  \"c\": null\n"
			"}\n");
	g_assert_cmpstr(compact, ==,
			"{\"a\":-1.5e3,\"b\":[1,{\"x\":{},\"y\":[]},\"t\\u0001\\n\xc3\xa9\"],"
			"\"c\":null}");
	/* both are ordinary JSON our strict reader takes back */
	g_clear_pointer(&doc, ferry_json_doc_free);
	again = parse_ok(pretty);
	g_clear_pointer(&pretty, g_free);
	pretty = ferry_json_to_string(ferry_json_doc_get_root(again), FALSE);
	g_assert_cmpstr(pretty, ==, compact);

	doc = parse_ok("\"x\"");
	scalar = ferry_json_to_string(ferry_json_doc_get_root(doc), TRUE);
	g_assert_cmpstr(scalar, ==, "\"x\"\n");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/json/parse/valid", test_parse_valid);
	g_test_add_func("/json/parse/invalid", test_parse_invalid);
	g_test_add_func("/json/parse/truncated", test_parse_truncated);
	g_test_add_func("/json/parse/error-location", test_parse_error_location);
	g_test_add_func("/json/parse/duplicate-keys", test_parse_duplicate_keys);
	g_test_add_func("/json/parse/duplicate-key-message", test_parse_duplicate_key_message);
	g_test_add_func("/json/parse/depth", test_parse_depth);
	g_test_add_func("/json/parse/size-cap", test_parse_size_cap);
	g_test_add_func("/json/parse/int64", test_parse_int64);
	g_test_add_func("/json/parse/doubles", test_parse_doubles);
	g_test_add_func("/json/parse/escapes", test_parse_escapes);
	g_test_add_func("/json/parse/surrogates", test_parse_surrogates);
	g_test_add_func("/json/parse/utf8", test_parse_utf8);
	g_test_add_func("/json/parse/accessors", test_parse_accessors);
	g_test_add_func("/json/parse/large-object", test_parse_large_object);
	g_test_add_func("/json/parse/many-short-strings", test_parse_many_short_strings);
	g_test_add_func("/json/canonical/cases", test_canonical_cases);
	g_test_add_func("/json/canonical/styles", test_canonical_styles);
	g_test_add_func("/json/canonical/ints", test_canonical_ints);
	g_test_add_func("/json/canonical/random-vs-python", test_canonical_random_vs_python);
	g_test_add_func("/json/canonical/vectors-vs-python", test_canonical_vectors_vs_python);
	g_test_add_func("/json/build/out-of-order", test_build_out_of_order);
	g_test_add_func("/json/build/replace", test_build_replace);
	g_test_add_func("/json/build/grow-parsed", test_build_grow_parsed);
	g_test_add_func("/json/build/large", test_build_large);
	g_test_add_func("/json/build/copy-across-docs", test_build_copy_across_docs);
	g_test_add_func("/json/to-string/pretty-and-compact", test_to_string);
	return g_test_run();
}
