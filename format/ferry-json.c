/*
 * ferry — strict JSON reader, document builder, canonical writer.
 * See ferry-json.h for the contract.
 *
 * Memory: every value and string lives in the document's arena (chunks of
 * 64 KiB or more), so a 16 MiB document costs a few allocations, and freeing
 * it is one walk over the chunk list.
 */
#include "ferry-json.h"

#include <stdlib.h>
#include <string.h>

#include "ferry-error.h"

#define ARENA_CHUNK (64 * 1024)

typedef struct {
	const gchar *key;
	FerryJsonValue *value;
} Member;

struct _FerryJsonValue {
	FerryJsonType type;
	guint len;   /* members/elements, or string length */
	guint alloc; /* capacity of items (builder growth) */
	union {
		gboolean b;
		gint64 i;
		const gchar *s; /* strings and the literal text of doubles */
		FerryJsonValue **items;
		Member *members;
	};
};

typedef struct _Chunk Chunk;
struct _Chunk {
	Chunk *next;
	gsize used;
	gsize size;
	guint8 data[];
};

struct _FerryJsonDoc {
	Chunk *chunks;
	FerryJsonValue *root;
};

/* ---- arena ---- */

static gpointer
arena_alloc(FerryJsonDoc *doc, gsize size)
{
	Chunk *c = doc->chunks;
	gpointer p;

	size = (size + 7) & ~(gsize)7;
	if (c == NULL || c->size - c->used < size) {
		gsize want = MAX(size, (gsize)ARENA_CHUNK);
		c = g_malloc(sizeof(Chunk) + want);
		c->size = want;
		c->used = 0;
		c->next = doc->chunks;
		doc->chunks = c;
	}
	p = c->data + c->used;
	c->used += size;
	return p;
}

static gchar *
arena_strndup(FerryJsonDoc *doc, const gchar *s, gsize len)
{
	gchar *p = arena_alloc(doc, len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

static FerryJsonValue *
value_new(FerryJsonDoc *doc, FerryJsonType type)
{
	FerryJsonValue *v = arena_alloc(doc, sizeof(FerryJsonValue));
	memset(v, 0, sizeof(*v));
	v->type = type;
	return v;
}

FerryJsonDoc *
ferry_json_doc_new(void)
{
	return g_new0(FerryJsonDoc, 1);
}

void
ferry_json_doc_free(FerryJsonDoc *self)
{
	if (self == NULL)
		return;
	while (self->chunks != NULL) {
		Chunk *next = self->chunks->next;
		g_free(self->chunks);
		self->chunks = next;
	}
	g_free(self);
}

FerryJsonValue *
ferry_json_doc_get_root(FerryJsonDoc *self)
{
	return self->root;
}

void
ferry_json_doc_set_root(FerryJsonDoc *self, FerryJsonValue *root)
{
	self->root = root;
}

/* ---- parser ---- */

typedef struct {
	FerryJsonDoc *doc;
	const guint8 *p;
	const guint8 *start;
	const guint8 *end;
	guint depth;
	GError **error;
	GString *scratch; /* string unescaping */
	GArray *stack;	  /* pending members/elements of open containers */
} Parser;

static gboolean
fail(Parser *ps, gint code, const gchar *reason)
{
	guint line = 1, col = 1;

	for (const guint8 *q = ps->start; q < ps->p && q < ps->end; q++) {
		if (*q == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	g_set_error(ps->error, FERRY_ERROR, code, "line %u column %u: %s", line, col, reason);
	return FALSE;
}

static void
skip_ws(Parser *ps)
{
	while (ps->p < ps->end &&
	       (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static gboolean
expect_literal(Parser *ps, const gchar *lit)
{
	gsize n = strlen(lit);
	if ((gsize)(ps->end - ps->p) < n || memcmp(ps->p, lit, n) != 0)
		return fail(ps, FERRY_ERROR_FORMAT, "invalid literal");
	ps->p += n;
	return TRUE;
}

static gint
hex4(const guint8 *p)
{
	gint v = 0;
	for (guint i = 0; i < 4; i++) {
		gint d = g_ascii_xdigit_value((gchar)p[i]);
		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/* one \u escape (with its pair when a surrogate) at ps->p, just past "\u" */
static gboolean
parse_unicode_escape(Parser *ps, gunichar *out)
{
	gint hi, lo;

	if (ps->end - ps->p < 4 || (hi = hex4(ps->p)) < 0)
		return fail(ps, FERRY_ERROR_FORMAT, "invalid \\u escape");
	ps->p += 4;
	if (hi >= 0xDC00 && hi <= 0xDFFF)
		return fail(ps, FERRY_ERROR_FORMAT, "unpaired low surrogate");
	if (hi >= 0xD800 && hi <= 0xDBFF) {
		if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u' ||
		    (lo = hex4(ps->p + 2)) < 0 || lo < 0xDC00 || lo > 0xDFFF)
			return fail(ps, FERRY_ERROR_FORMAT, "unpaired high surrogate");
		ps->p += 6;
		*out = 0x10000 + (((gunichar)hi - 0xD800) << 10) + ((gunichar)lo - 0xDC00);
		return TRUE;
	}
	if (hi == 0)
		return fail(ps, FERRY_ERROR_FORMAT, "\\u0000 is not allowed");
	*out = (gunichar)hi;
	return TRUE;
}

static gboolean
parse_escape(Parser *ps, GString *out)
{
	gchar buf[8];
	gunichar c = 0;
	guint8 e;

	if (ps->p >= ps->end)
		return fail(ps, FERRY_ERROR_FORMAT, "unterminated string");
	e = *ps->p++;
	switch (e) {
	case '"':
	case '\\':
	case '/':
		g_string_append_c(out, (gchar)e);
		return TRUE;
	case 'b':
		g_string_append_c(out, '\b');
		return TRUE;
	case 'f':
		g_string_append_c(out, '\f');
		return TRUE;
	case 'n':
		g_string_append_c(out, '\n');
		return TRUE;
	case 'r':
		g_string_append_c(out, '\r');
		return TRUE;
	case 't':
		g_string_append_c(out, '\t');
		return TRUE;
	case 'u':
		if (!parse_unicode_escape(ps, &c))
			return FALSE;
		g_string_append_len(out, buf, g_unichar_to_utf8(c, buf));
		return TRUE;
	default:
		ps->p--;
		return fail(ps, FERRY_ERROR_FORMAT, "invalid escape");
	}
}

/* a string at ps->p (just past the opening quote), into ps->doc's arena */
static const gchar *
parse_string(Parser *ps, guint *out_len)
{
	GString *s = ps->scratch;
	const guint8 *run;

	g_string_truncate(s, 0);
	for (;;) {
		run = ps->p;
		while (ps->p < ps->end && *ps->p != '"' && *ps->p != '\\' && *ps->p >= 0x20)
			ps->p++;
		g_string_append_len(s, (const gchar *)run, ps->p - run);
		if (ps->p >= ps->end) {
			fail(ps, FERRY_ERROR_FORMAT, "unterminated string");
			return NULL;
		}
		if (*ps->p == '"')
			break;
		if (*ps->p < 0x20) {
			fail(ps, FERRY_ERROR_FORMAT, "control character in string");
			return NULL;
		}
		ps->p++; /* backslash */
		if (!parse_escape(ps, s))
			return NULL;
	}
	ps->p++; /* closing quote */
	if (!g_utf8_validate_len(s->str, s->len, NULL)) {
		fail(ps, FERRY_ERROR_FORMAT, "string is not valid UTF-8");
		return NULL;
	}
	if (s->len > G_MAXUINT - 1) {
		fail(ps, FERRY_ERROR_TOO_LARGE, "string too long");
		return NULL;
	}
	*out_len = (guint)s->len;
	return arena_strndup(ps->doc, s->str, s->len);
}

static FerryJsonValue *
parse_number(Parser *ps)
{
	const guint8 *start = ps->p;
	gboolean is_double = FALSE;
	FerryJsonValue *v;
	gchar *text;

	if (ps->p < ps->end && *ps->p == '-')
		ps->p++;
	if (ps->p >= ps->end || !g_ascii_isdigit(*ps->p)) {
		fail(ps, FERRY_ERROR_FORMAT, "invalid number");
		return NULL;
	}
	if (*ps->p == '0' && ps->p + 1 < ps->end && g_ascii_isdigit(ps->p[1])) {
		fail(ps, FERRY_ERROR_FORMAT, "leading zero in number");
		return NULL;
	}
	while (ps->p < ps->end && g_ascii_isdigit(*ps->p))
		ps->p++;
	if (ps->p < ps->end && *ps->p == '.') {
		is_double = TRUE;
		ps->p++;
		if (ps->p >= ps->end || !g_ascii_isdigit(*ps->p)) {
			fail(ps, FERRY_ERROR_FORMAT, "invalid fraction");
			return NULL;
		}
		while (ps->p < ps->end && g_ascii_isdigit(*ps->p))
			ps->p++;
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		is_double = TRUE;
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (ps->p >= ps->end || !g_ascii_isdigit(*ps->p)) {
			fail(ps, FERRY_ERROR_FORMAT, "invalid exponent");
			return NULL;
		}
		while (ps->p < ps->end && g_ascii_isdigit(*ps->p))
			ps->p++;
	}
	text = arena_strndup(ps->doc, (const gchar *)start, ps->p - start);
	if (is_double) {
		v = value_new(ps->doc, FERRY_JSON_DOUBLE);
		v->s = text;
		return v;
	}
	v = value_new(ps->doc, FERRY_JSON_INT);
	if (!g_ascii_string_to_signed(text, 10, G_MININT64, G_MAXINT64, &v->i, NULL)) {
		fail(ps, FERRY_ERROR_FORMAT, "integer out of range");
		return NULL;
	}
	return v;
}

static gint
member_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(((const Member *)a)->key, ((const Member *)b)->key);
}

static FerryJsonValue *
parse_value(Parser *ps);

/* moves the stack's entries from @base into the arena as @v's items/members */
static void
pop_items(Parser *ps, guint base, FerryJsonValue *v)
{
	guint n = ps->stack->len - base;
	Member *m = &g_array_index(ps->stack, Member, base);

	v->len = n;
	v->alloc = n;
	if (v->type == FERRY_JSON_OBJECT) {
		v->members = arena_alloc(ps->doc, n * sizeof(Member) + 1);
		memcpy(v->members, m, n * sizeof(Member));
		qsort(v->members, n, sizeof(Member), member_cmp);
	} else {
		v->items = arena_alloc(ps->doc, n * sizeof(FerryJsonValue *) + 1);
		for (guint i = 0; i < n; i++)
			v->items[i] = m[i].value;
	}
	g_array_set_size(ps->stack, base);
}

static FerryJsonValue *
parse_container(Parser *ps, gboolean is_object)
{
	FerryJsonValue *v = value_new(ps->doc, is_object ? FERRY_JSON_OBJECT : FERRY_JSON_ARRAY);
	guint base = ps->stack->len;
	guint8 close = is_object ? '}' : ']';

	if (++ps->depth > FERRY_JSON_MAX_DEPTH) {
		fail(ps, FERRY_ERROR_TOO_LARGE, "nesting too deep");
		return NULL;
	}
	ps->p++; /* opening bracket */
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		ps->depth--;
		return v;
	}
	for (;;) {
		Member m = {NULL, NULL};
		guint klen = 0;

		skip_ws(ps);
		if (is_object) {
			if (ps->p >= ps->end || *ps->p != '"') {
				fail(ps, FERRY_ERROR_FORMAT, "expected a string key");
				return NULL;
			}
			ps->p++;
			m.key = parse_string(ps, &klen);
			if (m.key == NULL)
				return NULL;
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p != ':') {
				fail(ps, FERRY_ERROR_FORMAT, "expected ':'");
				return NULL;
			}
			ps->p++;
		}
		m.value = parse_value(ps);
		if (m.value == NULL)
			return NULL;
		g_array_append_val(ps->stack, m);
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			break;
		}
		fail(ps, FERRY_ERROR_FORMAT,
		     is_object ? "expected ',' or '}'" : "expected ',' or ']'");
		return NULL;
	}
	pop_items(ps, base, v);
	for (guint i = 1; is_object && i < v->len; i++) {
		if (strcmp(v->members[i - 1].key, v->members[i].key) == 0) {
			g_autofree gchar *msg =
				g_strdup_printf("duplicate key '%.64s'", v->members[i].key);
			fail(ps, FERRY_ERROR_FORMAT, msg);
			return NULL;
		}
	}
	ps->depth--;
	return v;
}

static FerryJsonValue *
parse_value(Parser *ps)
{
	FerryJsonValue *v;

	skip_ws(ps);
	if (ps->p >= ps->end) {
		fail(ps, FERRY_ERROR_FORMAT, "unexpected end of input");
		return NULL;
	}
	switch (*ps->p) {
	case '{':
		return parse_container(ps, TRUE);
	case '[':
		return parse_container(ps, FALSE);
	case '"':
		ps->p++;
		v = value_new(ps->doc, FERRY_JSON_STRING);
		v->s = parse_string(ps, &v->len);
		return v->s != NULL ? v : NULL;
	case 't':
		v = value_new(ps->doc, FERRY_JSON_BOOL);
		v->b = TRUE;
		return expect_literal(ps, "true") ? v : NULL;
	case 'f':
		v = value_new(ps->doc, FERRY_JSON_BOOL);
		return expect_literal(ps, "false") ? v : NULL;
	case 'n':
		v = value_new(ps->doc, FERRY_JSON_NULL);
		return expect_literal(ps, "null") ? v : NULL;
	default:
		if (*ps->p == '-' || g_ascii_isdigit(*ps->p))
			return parse_number(ps);
		fail(ps, FERRY_ERROR_FORMAT, "unexpected character");
		return NULL;
	}
}

FerryJsonDoc *
ferry_json_doc_new_parse(const guint8 *data, gsize len, gsize max_size, GError **error)
{
	g_autoptr(FerryJsonDoc) doc = NULL;
	g_autoptr(GString) scratch = NULL;
	g_autoptr(GArray) stack = NULL;
	Parser ps = {0};

	if (len > max_size) {
		g_set_error(error, FERRY_ERROR, FERRY_ERROR_TOO_LARGE,
			    "JSON document is %" G_GSIZE_FORMAT
			    " bytes, over the limit of %" G_GSIZE_FORMAT,
			    len, max_size);
		return NULL;
	}
	/* an empty GBytes hands out NULL: parse it as the empty input it is */
	if (data == NULL)
		data = (const guint8 *)"";
	doc = ferry_json_doc_new();
	scratch = g_string_sized_new(256);
	stack = g_array_sized_new(FALSE, FALSE, sizeof(Member), 256);
	ps.doc = doc;
	ps.p = ps.start = data;
	ps.end = data + len;
	ps.error = error;
	ps.scratch = scratch;
	ps.stack = stack;
	/* metadata files never carry a byte order mark; RFC 8259 forbids sending one */
	doc->root = parse_value(&ps);
	if (doc->root == NULL)
		return NULL;
	skip_ws(&ps);
	if (ps.p != ps.end) {
		fail(&ps, FERRY_ERROR_FORMAT, "trailing data after the JSON value");
		return NULL;
	}
	return g_steal_pointer(&doc);
}

/* ---- accessors ---- */

FerryJsonType
ferry_json_value_get_type(const FerryJsonValue *v)
{
	g_return_val_if_fail(v != NULL, FERRY_JSON_NULL);
	return v->type;
}

const gchar *
ferry_json_value_get_string(const FerryJsonValue *v)
{
	if (v == NULL || v->type != FERRY_JSON_STRING)
		return NULL;
	return v->s;
}

gboolean
ferry_json_value_get_int(const FerryJsonValue *v, gint64 *out)
{
	if (v == NULL || v->type != FERRY_JSON_INT)
		return FALSE;
	*out = v->i;
	return TRUE;
}

gboolean
ferry_json_value_get_bool(const FerryJsonValue *v, gboolean *out)
{
	if (v == NULL || v->type != FERRY_JSON_BOOL)
		return FALSE;
	*out = v->b;
	return TRUE;
}

guint
ferry_json_value_get_length(const FerryJsonValue *v)
{
	if (v == NULL || (v->type != FERRY_JSON_ARRAY && v->type != FERRY_JSON_OBJECT))
		return 0;
	return v->len;
}

FerryJsonValue *
ferry_json_array_get(const FerryJsonValue *v, guint idx)
{
	if (v == NULL || v->type != FERRY_JSON_ARRAY || idx >= v->len)
		return NULL;
	return v->items[idx];
}

static gboolean
object_find(const FerryJsonValue *v, const gchar *key, guint *out_idx)
{
	guint lo = 0, hi = v->len;

	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;
		gint c = strcmp(v->members[mid].key, key);
		if (c == 0) {
			*out_idx = mid;
			return TRUE;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*out_idx = lo;
	return FALSE;
}

FerryJsonValue *
ferry_json_object_get(const FerryJsonValue *v, const gchar *key)
{
	guint idx = 0;

	if (v == NULL || v->type != FERRY_JSON_OBJECT || !object_find(v, key, &idx))
		return NULL;
	return v->members[idx].value;
}

const gchar *
ferry_json_object_get_key_at(const FerryJsonValue *v, guint idx)
{
	if (v == NULL || v->type != FERRY_JSON_OBJECT || idx >= v->len)
		return NULL;
	return v->members[idx].key;
}

FerryJsonValue *
ferry_json_object_get_value_at(const FerryJsonValue *v, guint idx)
{
	if (v == NULL || v->type != FERRY_JSON_OBJECT || idx >= v->len)
		return NULL;
	return v->members[idx].value;
}

/* ---- builder ---- */

FerryJsonValue *
ferry_json_new_null(FerryJsonDoc *doc)
{
	return value_new(doc, FERRY_JSON_NULL);
}

FerryJsonValue *
ferry_json_new_bool(FerryJsonDoc *doc, gboolean b)
{
	FerryJsonValue *v = value_new(doc, FERRY_JSON_BOOL);
	v->b = b ? TRUE : FALSE;
	return v;
}

FerryJsonValue *
ferry_json_new_int(FerryJsonDoc *doc, gint64 i)
{
	FerryJsonValue *v = value_new(doc, FERRY_JSON_INT);
	v->i = i;
	return v;
}

FerryJsonValue *
ferry_json_new_string(FerryJsonDoc *doc, const gchar *s)
{
	FerryJsonValue *v = value_new(doc, FERRY_JSON_STRING);
	gsize len = strlen(s);

	g_return_val_if_fail(g_utf8_validate_len(s, len, NULL), v);
	v->s = arena_strndup(doc, s, len);
	v->len = (guint)len;
	return v;
}

FerryJsonValue *
ferry_json_new_array(FerryJsonDoc *doc)
{
	return value_new(doc, FERRY_JSON_ARRAY);
}

FerryJsonValue *
ferry_json_new_object(FerryJsonDoc *doc)
{
	return value_new(doc, FERRY_JSON_OBJECT);
}

/* room for one more item; old storage stays in the arena until the doc goes */
static void
grow(FerryJsonDoc *doc, FerryJsonValue *v, gsize item_size)
{
	guint alloc;
	gpointer mem;

	if (v->len < v->alloc)
		return;
	alloc = MAX(4, v->alloc * 2);
	mem = arena_alloc(doc, alloc * item_size);
	if (v->len > 0)
		memcpy(mem,
		       v->type == FERRY_JSON_OBJECT ? (gpointer)v->members : (gpointer)v->items,
		       v->len * item_size);
	if (v->type == FERRY_JSON_OBJECT)
		v->members = mem;
	else
		v->items = mem;
	v->alloc = alloc;
}

void
ferry_json_array_append(FerryJsonDoc *doc, FerryJsonValue *array, FerryJsonValue *value)
{
	g_return_if_fail(array != NULL && array->type == FERRY_JSON_ARRAY && value != NULL);
	grow(doc, array, sizeof(FerryJsonValue *));
	array->items[array->len++] = value;
}

void
ferry_json_object_set(FerryJsonDoc *doc, FerryJsonValue *object, const gchar *key,
		      FerryJsonValue *value)
{
	guint idx = 0;

	g_return_if_fail(object != NULL && object->type == FERRY_JSON_OBJECT && value != NULL);
	g_return_if_fail(g_utf8_validate(key, -1, NULL));
	if (object_find(object, key, &idx)) {
		object->members[idx].value = value;
		return;
	}
	grow(doc, object, sizeof(Member));
	memmove(&object->members[idx + 1], &object->members[idx],
		(object->len - idx) * sizeof(Member));
	object->members[idx].key = arena_strndup(doc, key, strlen(key));
	object->members[idx].value = value;
	object->len++;
}

FerryJsonValue *
ferry_json_copy(FerryJsonDoc *doc, const FerryJsonValue *v)
{
	FerryJsonValue *c = value_new(doc, v->type);

	switch (v->type) {
	case FERRY_JSON_NULL:
		break;
	case FERRY_JSON_BOOL:
		c->b = v->b;
		break;
	case FERRY_JSON_INT:
		c->i = v->i;
		break;
	case FERRY_JSON_DOUBLE:
	case FERRY_JSON_STRING:
		c->s = arena_strndup(doc, v->s, strlen(v->s));
		c->len = v->len;
		break;
	case FERRY_JSON_ARRAY:
		for (guint i = 0; i < v->len; i++)
			ferry_json_array_append(doc, c, ferry_json_copy(doc, v->items[i]));
		break;
	case FERRY_JSON_OBJECT:
		for (guint i = 0; i < v->len; i++)
			ferry_json_object_set(doc, c, v->members[i].key,
					      ferry_json_copy(doc, v->members[i].value));
		break;
	default:
		g_assert_not_reached();
	}
	return c;
}

/* ---- writers ---- */

typedef enum {
	ESCAPE_OLPC,	/* only '"' and '\\' */
	ESCAPE_CONTROL, /* plus control characters, the usual JSON way */
} EscapeStyle;

static void
write_string(GString *out, const gchar *s, EscapeStyle style)
{
	g_string_append_c(out, '"');
	for (const guchar *p = (const guchar *)s; *p != '\0'; p++) {
		guchar c = *p;
		if (c == '"' || c == '\\') {
			g_string_append_c(out, '\\');
			g_string_append_c(out, (gchar)c);
		} else if (c < 0x20 && style == ESCAPE_CONTROL) {
			switch (c) {
			case '\b':
				g_string_append(out, "\\b");
				break;
			case '\f':
				g_string_append(out, "\\f");
				break;
			case '\n':
				g_string_append(out, "\\n");
				break;
			case '\r':
				g_string_append(out, "\\r");
				break;
			case '\t':
				g_string_append(out, "\\t");
				break;
			default:
				g_string_append_printf(out, "\\u%04x", c);
			}
		} else {
			g_string_append_c(out, (gchar)c);
		}
	}
	g_string_append_c(out, '"');
}

static void
write_indent(GString *out, gint indent, guint depth)
{
	if (indent < 0)
		return;
	g_string_append_c(out, '\n');
	for (guint i = 0; i < depth * (guint)indent; i++)
		g_string_append_c(out, ' ');
}

/* @indent < 0: compact; FALSE when a double is met and @allow_double is FALSE */
static gboolean
write_value(GString *out, const FerryJsonValue *v, EscapeStyle style, gint indent, guint depth,
	    gboolean allow_double)
{
	switch (v->type) {
	case FERRY_JSON_NULL:
		g_string_append(out, "null");
		return TRUE;
	case FERRY_JSON_BOOL:
		g_string_append(out, v->b ? "true" : "false");
		return TRUE;
	case FERRY_JSON_INT:
		g_string_append_printf(out, "%" G_GINT64_FORMAT, v->i);
		return TRUE;
	case FERRY_JSON_DOUBLE:
		g_string_append(out, v->s);
		return allow_double;
	case FERRY_JSON_STRING:
		write_string(out, v->s, style);
		return TRUE;
	case FERRY_JSON_ARRAY:
		g_string_append_c(out, '[');
		for (guint i = 0; i < v->len; i++) {
			if (i > 0)
				g_string_append_c(out, ',');
			write_indent(out, indent, depth + 1);
			if (!write_value(out, v->items[i], style, indent, depth + 1, allow_double))
				return FALSE;
		}
		if (v->len > 0)
			write_indent(out, indent, depth);
		g_string_append_c(out, ']');
		return TRUE;
	case FERRY_JSON_OBJECT:
		g_string_append_c(out, '{');
		for (guint i = 0; i < v->len; i++) {
			if (i > 0)
				g_string_append_c(out, ',');
			write_indent(out, indent, depth + 1);
			write_string(out, v->members[i].key, style);
			g_string_append(out, indent >= 0 ? ": " : ":");
			if (!write_value(out, v->members[i].value, style, indent, depth + 1,
					 allow_double))
				return FALSE;
		}
		if (v->len > 0)
			write_indent(out, indent, depth);
		g_string_append_c(out, '}');
		return TRUE;
	default:
		g_assert_not_reached();
	}
}

GBytes *
ferry_json_canonicalize(const FerryJsonValue *v, FerryJsonCanonStyle style, GError **error)
{
	g_autoptr(GString) out = g_string_sized_new(4096);

	g_return_val_if_fail(v != NULL, NULL);
	if (!write_value(out, v, style == FERRY_JSON_CANON_OLPC ? ESCAPE_OLPC : ESCAPE_CONTROL, -1,
			 0, FALSE)) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "a number with a fraction or exponent has no canonical form");
		return NULL;
	}
	return g_string_free_to_bytes(g_steal_pointer(&out));
}

gboolean
ferry_json_has_control_chars(const FerryJsonValue *v)
{
	switch (v->type) {
	case FERRY_JSON_STRING:
		for (const guchar *p = (const guchar *)v->s; *p != '\0'; p++) {
			if (*p < 0x20)
				return TRUE;
		}
		return FALSE;
	case FERRY_JSON_ARRAY:
		for (guint i = 0; i < v->len; i++) {
			if (ferry_json_has_control_chars(v->items[i]))
				return TRUE;
		}
		return FALSE;
	case FERRY_JSON_OBJECT:
		for (guint i = 0; i < v->len; i++) {
			for (const guchar *p = (const guchar *)v->members[i].key; *p != '\0'; p++) {
				if (*p < 0x20)
					return TRUE;
			}
			if (ferry_json_has_control_chars(v->members[i].value))
				return TRUE;
		}
		return FALSE;
	default:
		return FALSE;
	}
}

gchar *
ferry_json_to_string(const FerryJsonValue *v, gboolean pretty)
{
	GString *out = g_string_sized_new(4096);

	(void)write_value(out, v, ESCAPE_CONTROL, pretty ? 2 : -1, 0, TRUE);
	if (pretty)
		g_string_append_c(out, '\n');
	return g_string_free(out, FALSE);
}
