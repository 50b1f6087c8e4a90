/*
 * ferry — strict JSON reader, document builder, canonical writer.
 * See ferry-json.h for the contract.
 *
 * Memory: values, element and member arrays and strings all live in the
 * document's arena, in chunks that grow from 4 KiB to 1 MiB. Parsing costs a
 * few dozen mallocs whatever the size of the input, and freeing is one walk
 * over the chunk list. A value is 16 bytes. Short strings are stored once
 * per document: the keys "hashes" and "length" of 100,000 targets share one
 * copy each.
 *
 * The parser recurses once per container level, which FERRY_JSON_MAX_DEPTH
 * bounds, so hostile input cannot exhaust the stack. It validates UTF-8 as it
 * scans, so each input byte is looked at about once.
 *
 * A byte order mark is rejected: RFC 8259 says not to send one, no metadata
 * writer emits one, and signed bytes must be exactly the bytes we parse.
 *
 * Errors name the place as "line L column C", both counted from 1; columns
 * count characters (UTF-8 sequences), not bytes.
 */
#include "ferry-json.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ferry-error.h"

#define ARENA_FIRST_CHUNK (4 * 1024)
#define ARENA_MAX_CHUNK	  (1024 * 1024)
/* strings up to this length are looked up in a small cache before copying */
#define SHARED_STRING_MAX 32
#define SHARED_SLOTS	  256
/* a duplicate key is quoted in the error up to this many characters */
#define ERROR_KEY_CHARS 64

/* the member or element array has a power-of-two capacity (builder growth) */
#define VALUE_GROWABLE 0x1

typedef struct {
	const gchar *key;
	FerryJsonValue *value;
} Member;

struct _FerryJsonValue {
	guint8 type;  /* FerryJsonType */
	guint8 flags; /* VALUE_GROWABLE */
	guint len;    /* elements or members; bytes of a string or of a double's literal */
	union {
		gboolean b;
		gint64 i;
		const gchar *s; /* strings and the literal text of doubles, NUL-terminated */
		FerryJsonValue **items;
		Member *members;
	};
};
G_STATIC_ASSERT(sizeof(FerryJsonValue) <= 16);

typedef struct _Chunk Chunk;
struct _Chunk {
	Chunk *next;
	gsize used;
	gsize size;
	guint8 data[];
};

struct _FerryJsonDoc {
	Chunk *chunks;	  /* the head is the one small allocations come from */
	gsize next_chunk; /* size of the next head chunk */
	FerryJsonValue *root;
};

/* ---- arena ---- */

static Chunk *
chunk_new(gsize size)
{
	Chunk *c = g_malloc(sizeof(Chunk) + size);
	c->next = NULL;
	c->used = 0;
	c->size = size;
	return c;
}

static gpointer
arena_alloc_slow(FerryJsonDoc *doc, gsize size)
{
	Chunk *c;

	/* a big block gets a chunk of its own behind the head, so the room left
	 * in the head is not thrown away */
	if (doc->chunks != NULL && size > doc->next_chunk / 4) {
		c = chunk_new(size);
		c->used = size;
		c->next = doc->chunks->next;
		doc->chunks->next = c;
		return c->data;
	}
	c = chunk_new(MAX(size, doc->next_chunk));
	c->used = size;
	c->next = doc->chunks;
	doc->chunks = c;
	doc->next_chunk = MIN(doc->next_chunk * 2, (gsize)ARENA_MAX_CHUNK);
	return c->data;
}

/* @align is 1 for string bytes, 8 for everything else */
static gpointer
arena_alloc(FerryJsonDoc *doc, gsize size, gsize align)
{
	Chunk *c = doc->chunks;

	if (c != NULL) {
		gsize start = (c->used + align - 1) & ~(align - 1);
		if (start <= c->size && c->size - start >= size) {
			c->used = start + size;
			return c->data + start;
		}
	}
	return arena_alloc_slow(doc, size);
}

static const gchar *
arena_strndup(FerryJsonDoc *doc, const gchar *s, gsize len)
{
	gchar *p = arena_alloc(doc, len + 1, 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

static FerryJsonValue *
value_new(FerryJsonDoc *doc, FerryJsonType type)
{
	FerryJsonValue *v = arena_alloc(doc, sizeof(FerryJsonValue), 8);
	memset(v, 0, sizeof(*v));
	v->type = (guint8)type;
	return v;
}

FerryJsonDoc *
ferry_json_doc_new(void)
{
	FerryJsonDoc *self = g_new0(FerryJsonDoc, 1);
	self->next_chunk = ARENA_FIRST_CHUNK;
	return self;
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
	g_return_val_if_fail(self != NULL, NULL);
	return self->root;
}

void
ferry_json_doc_set_root(FerryJsonDoc *self, FerryJsonValue *root)
{
	g_return_if_fail(self != NULL);
	self->root = root;
}

/* ---- parser ---- */

typedef struct {
	const gchar *str;
	gsize len;
} SharedSlot;

/* a member or element of a container still being parsed */
typedef struct {
	const gchar *key; /* NULL in arrays */
	FerryJsonValue *value;
	gsize offset; /* of the key in the input, for error messages */
} Pending;

typedef struct {
	FerryJsonDoc *doc;
	const guint8 *start;
	const guint8 *p;
	const guint8 *end;
	guint depth;
	GError **error;
	GString *scratch; /* a string with escapes, decoded */
	GArray *pending;  /* of Pending: the open containers' contents, innermost last */
	SharedSlot shared[SHARED_SLOTS];
} Parser;

static gboolean
fail_at(Parser *ps, const guint8 *at, gint code, const gchar *format, ...) G_GNUC_PRINTF(4, 5);

static gboolean
fail_at(Parser *ps, const guint8 *at, gint code, const gchar *format, ...)
{
	g_autofree gchar *reason = NULL;
	gsize line = 1;
	gsize column = 1;
	va_list args;

	for (const guint8 *q = ps->start; q < at && q < ps->end; q++) {
		if (*q == '\n') {
			line++;
			column = 1;
		} else if ((*q & 0xC0) != 0x80) {
			column++;
		}
	}
	va_start(args, format);
	reason = g_strdup_vprintf(format, args);
	va_end(args);
	g_set_error(ps->error, FERRY_ERROR, code,
		    "line %" G_GSIZE_FORMAT " column %" G_GSIZE_FORMAT ": %s", line, column,
		    reason);
	return FALSE;
}

static void
skip_ws(Parser *ps)
{
	while (ps->p < ps->end &&
	       (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\r' || *ps->p == '\t'))
		ps->p++;
}

/* "unexpected character 'x'" for printable ASCII, else the byte in hex */
static gboolean
fail_unexpected(Parser *ps, const gchar *expected)
{
	guint8 c = *ps->p;

	if (c > 0x20 && c < 0x7F)
		return fail_at(ps, ps->p, FERRY_ERROR_FORMAT, "unexpected character '%c', %s", c,
			       expected);
	return fail_at(ps, ps->p, FERRY_ERROR_FORMAT, "unexpected byte 0x%02x, %s", c, expected);
}

/*
 * Length of the well-formed UTF-8 sequence at @p, whose lead byte is >= 0x80,
 * or 0. This is RFC 3629's table: no overlong forms, no surrogates
 * (U+D800..U+DFFF), nothing above U+10FFFF.
 */
static guint
utf8_sequence_length(const guint8 *p, const guint8 *end)
{
	gsize avail = end - p;
	guint8 lo = 0x80;
	guint8 hi = 0xBF;
	guint n;

	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		n = 2;
	else if (p[0] >= 0xE0 && p[0] <= 0xEF)
		n = 3;
	else if (p[0] >= 0xF0 && p[0] <= 0xF4)
		n = 4;
	else
		return 0;
	if (avail < n)
		return 0;
	/* only the second byte has a narrower range, and only after these leads */
	if (p[0] == 0xE0)
		lo = 0xA0;
	else if (p[0] == 0xED)
		hi = 0x9F;
	else if (p[0] == 0xF0)
		lo = 0x90;
	else if (p[0] == 0xF4)
		hi = 0x8F;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (guint i = 2; i < n; i++) {
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	}
	return n;
}

/* cheap hash of a short string: its length and its first and last bytes */
static guint
shared_slot_index(const gchar *s, gsize len)
{
	guint64 h = len;

	if (len >= 8) {
		guint64 head, tail;
		memcpy(&head, s, 8);
		memcpy(&tail, s + len - 8, 8);
		h ^= head * G_GUINT64_CONSTANT(0x9E3779B97F4A7C15);
		h ^= tail * G_GUINT64_CONSTANT(0xC2B2AE3D27D4EB4F);
	} else {
		for (gsize i = 0; i < len; i++)
			h = (h ^ (guint8)s[i]) * G_GUINT64_CONSTANT(0x100000001B3);
	}
	h ^= h >> 29;
	h ^= h >> 17;
	return (guint)(h % SHARED_SLOTS);
}

/* a NUL-terminated copy of @s in the arena, shared with an equal short string */
static const gchar *
store_string(Parser *ps, const gchar *s, gsize len)
{
	SharedSlot *slot;
	const gchar *copy;

	if (len > SHARED_STRING_MAX)
		return arena_strndup(ps->doc, s, len);
	slot = &ps->shared[shared_slot_index(s, len)];
	if (slot->str != NULL && slot->len == len && memcmp(slot->str, s, len) == 0)
		return slot->str;
	copy = arena_strndup(ps->doc, s, len);
	slot->str = copy;
	slot->len = len;
	return copy;
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

/* a \u escape, and its low half when it is a high surrogate; @esc is at the backslash */
static gboolean
parse_unicode_escape(Parser *ps, const guint8 *esc, gunichar *out)
{
	gint hi;
	gint lo;

	if (ps->end - esc < 6 || (hi = hex4(esc + 2)) < 0)
		return fail_at(ps, esc, FERRY_ERROR_FORMAT, "\\u needs four hex digits");
	if (hi >= 0xDC00 && hi <= 0xDFFF)
		return fail_at(ps, esc, FERRY_ERROR_FORMAT, "unpaired low surrogate \\u%04x", hi);
	if (hi == 0)
		return fail_at(ps, esc, FERRY_ERROR_FORMAT, "\\u0000 is not allowed in strings");
	if (hi < 0xD800 || hi > 0xDBFF) {
		ps->p = esc + 6;
		*out = (gunichar)hi;
		return TRUE;
	}
	if (ps->end - esc < 12 || esc[6] != '\\' || esc[7] != 'u' || (lo = hex4(esc + 8)) < 0 ||
	    lo < 0xDC00 || lo > 0xDFFF)
		return fail_at(ps, esc, FERRY_ERROR_FORMAT, "unpaired high surrogate \\u%04x", hi);
	ps->p = esc + 12;
	*out = 0x10000 + (((gunichar)hi - 0xD800) << 10) + ((gunichar)lo - 0xDC00);
	return TRUE;
}

/* the escape at ps->p (a backslash), decoded onto @out */
static gboolean
parse_escape(Parser *ps, GString *out)
{
	const guint8 *esc = ps->p;
	gchar buf[6];
	gunichar c = 0;
	gchar plain;

	if (ps->end - esc < 2)
		return fail_at(ps, esc, FERRY_ERROR_FORMAT, "unterminated string");
	switch (esc[1]) {
	case '"':
	case '\\':
	case '/':
		plain = (gchar)esc[1];
		break;
	case 'b':
		plain = '\b';
		break;
	case 'f':
		plain = '\f';
		break;
	case 'n':
		plain = '\n';
		break;
	case 'r':
		plain = '\r';
		break;
	case 't':
		plain = '\t';
		break;
	case 'u':
		if (!parse_unicode_escape(ps, esc, &c))
			return FALSE;
		g_string_append_len(out, buf, g_unichar_to_utf8(c, buf));
		return TRUE;
	default:
		return fail_at(ps, esc, FERRY_ERROR_FORMAT, "invalid escape in string");
	}
	g_string_append_c(out, plain);
	ps->p = esc + 2;
	return TRUE;
}

/* ASCII that stands for itself inside a string: most bytes of any metadata file */
static inline gboolean
is_plain_ascii(guint8 c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/*
 * The string at ps->p, just past its opening quote, stored in the arena.
 * Strings without escapes are copied straight from the input; the others are
 * decoded into ps->scratch first.
 */
static const gchar *
parse_string(Parser *ps, guint *out_len)
{
	const guint8 *run = ps->p;
	gboolean escaped = FALSE;
	const gchar *bytes;
	gsize len;

	for (;;) {
		guint n;
		while (ps->p < ps->end && is_plain_ascii(*ps->p))
			ps->p++;
		if (ps->p >= ps->end) {
			fail_at(ps, ps->p, FERRY_ERROR_FORMAT, "unterminated string");
			return NULL;
		}
		if (*ps->p == '"')
			break;
		if (*ps->p == '\\') {
			if (!escaped)
				g_string_truncate(ps->scratch, 0);
			escaped = TRUE;
			g_string_append_len(ps->scratch, (const gchar *)run, ps->p - run);
			if (!parse_escape(ps, ps->scratch))
				return NULL;
			run = ps->p;
			continue;
		}
		if (*ps->p < 0x20) {
			fail_at(ps, ps->p, FERRY_ERROR_FORMAT,
				"control character 0x%02x in string must be escaped", *ps->p);
			return NULL;
		}
		n = utf8_sequence_length(ps->p, ps->end);
		if (n == 0) {
			fail_at(ps, ps->p, FERRY_ERROR_FORMAT, "invalid UTF-8 in string");
			return NULL;
		}
		ps->p += n;
	}
	if (escaped) {
		g_string_append_len(ps->scratch, (const gchar *)run, ps->p - run);
		bytes = ps->scratch->str;
		len = ps->scratch->len;
	} else {
		bytes = (const gchar *)run;
		len = ps->p - run;
	}
	if (len >= G_MAXUINT) {
		fail_at(ps, ps->p, FERRY_ERROR_TOO_LARGE, "string too long");
		return NULL;
	}
	ps->p++; /* closing quote */
	*out_len = (guint)len;
	return store_string(ps, bytes, len);
}

/* the decimal digits [@p, @end) with an optional minus before them, as an int64 */
static gboolean
digits_to_int64(const guint8 *p, const guint8 *end, gboolean negative, gint64 *out)
{
	/* the magnitude of G_MININT64 is one more than G_MAXINT64 */
	guint64 limit = negative ? (guint64)G_MAXINT64 + 1 : (guint64)G_MAXINT64;
	guint64 mag = 0;

	for (; p < end; p++) {
		guint d = *p - '0';
		if (mag > (limit - d) / 10)
			return FALSE;
		mag = mag * 10 + d;
	}
	if (!negative)
		*out = (gint64)mag;
	else if (mag == (guint64)G_MAXINT64 + 1)
		*out = G_MININT64;
	else
		*out = -(gint64)mag;
	return TRUE;
}

static void
skip_digits(Parser *ps)
{
	while (ps->p < ps->end && g_ascii_isdigit(*ps->p))
		ps->p++;
}

/* RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static FerryJsonValue *
parse_number(Parser *ps)
{
	const guint8 *start = ps->p;
	const guint8 *int_start;
	const guint8 *int_end;
	gboolean negative = *ps->p == '-';
	gboolean is_double = FALSE;
	FerryJsonValue *v;

	if (negative)
		ps->p++;
	int_start = ps->p;
	if (ps->p >= ps->end || !g_ascii_isdigit(*ps->p)) {
		fail_at(ps, start, FERRY_ERROR_FORMAT, "'-' must be followed by digits");
		return NULL;
	}
	if (*ps->p == '0' && ps->p + 1 < ps->end && g_ascii_isdigit(ps->p[1])) {
		fail_at(ps, start, FERRY_ERROR_FORMAT, "leading zero in number");
		return NULL;
	}
	skip_digits(ps);
	int_end = ps->p;
	if (ps->p < ps->end && *ps->p == '.') {
		is_double = TRUE;
		ps->p++;
		if (ps->p >= ps->end || !g_ascii_isdigit(*ps->p)) {
			fail_at(ps, start, FERRY_ERROR_FORMAT, "no digits after '.' in number");
			return NULL;
		}
		skip_digits(ps);
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		is_double = TRUE;
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (ps->p >= ps->end || !g_ascii_isdigit(*ps->p)) {
			fail_at(ps, start, FERRY_ERROR_FORMAT, "no digits in exponent");
			return NULL;
		}
		skip_digits(ps);
	}
	if (is_double) {
		/* legal JSON, never canonical: kept as written for ferry_json_to_string() */
		v = value_new(ps->doc, FERRY_JSON_DOUBLE);
		v->len = (guint)(ps->p - start);
		v->s = arena_strndup(ps->doc, (const gchar *)start, v->len);
		return v;
	}
	v = value_new(ps->doc, FERRY_JSON_INT);
	if (!digits_to_int64(int_start, int_end, negative, &v->i)) {
		fail_at(ps, start, FERRY_ERROR_FORMAT, "integer out of the 64-bit range");
		return NULL;
	}
	return v;
}

static gboolean
parse_literal(Parser *ps, const gchar *word)
{
	gsize n = strlen(word);

	if ((gsize)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
		return fail_at(ps, ps->p, FERRY_ERROR_FORMAT, "invalid literal, expected '%s'",
			       word);
	ps->p += n;
	return TRUE;
}

/* @key for an error message: control characters escaped, at most ERROR_KEY_CHARS */
static gchar *
describe_key(const gchar *key)
{
	GString *s = g_string_new(NULL);
	guint chars = 0;

	for (const gchar *p = key; *p != '\0'; p = g_utf8_next_char(p)) {
		if (chars++ == ERROR_KEY_CHARS) {
			g_string_append(s, "...");
			break;
		}
		if ((guint8)*p < 0x20)
			g_string_append_printf(s, "\\u%04x", (guint8)*p);
		else
			g_string_append_len(s, p, g_utf8_next_char(p) - p);
	}
	return g_string_free(s, FALSE);
}

static gint
pending_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(((const Pending *)a)->key, ((const Pending *)b)->key);
}

/* moves the pending members from @base into @v, sorted; rejects duplicate keys */
static gboolean
finish_object(Parser *ps, guint base, FerryJsonValue *v)
{
	Pending *items = &g_array_index(ps->pending, Pending, base);
	guint n = ps->pending->len - base;
	gboolean sorted = TRUE;

	/* signed metadata is canonical, so its keys mostly come sorted already */
	for (guint i = 1; i < n && sorted; i++)
		sorted = strcmp(items[i - 1].key, items[i].key) < 0;
	if (!sorted) {
		qsort(items, n, sizeof(Pending), pending_cmp);
		for (guint i = 1; i < n; i++) {
			g_autofree gchar *key = NULL;
			gsize later;
			if (strcmp(items[i - 1].key, items[i].key) != 0)
				continue;
			key = describe_key(items[i].key);
			later = MAX(items[i - 1].offset, items[i].offset);
			return fail_at(ps, ps->start + later, FERRY_ERROR_FORMAT,
				       "duplicate key '%s'", key);
		}
	}
	v->members = arena_alloc(ps->doc, n * sizeof(Member), 8);
	for (guint i = 0; i < n; i++) {
		v->members[i].key = items[i].key;
		v->members[i].value = items[i].value;
	}
	v->len = n;
	g_array_set_size(ps->pending, base);
	return TRUE;
}

static void
finish_array(Parser *ps, guint base, FerryJsonValue *v)
{
	const Pending *items = &g_array_index(ps->pending, Pending, base);
	guint n = ps->pending->len - base;

	v->items = arena_alloc(ps->doc, n * sizeof(FerryJsonValue *), 8);
	for (guint i = 0; i < n; i++)
		v->items[i] = items[i].value;
	v->len = n;
	g_array_set_size(ps->pending, base);
}

/* `"key" :` at ps->p, after whitespace */
static gboolean
parse_key(Parser *ps, Pending *member)
{
	guint len = 0;

	if (ps->p >= ps->end)
		return fail_at(ps, ps->p, FERRY_ERROR_FORMAT, "unexpected end of input");
	if (*ps->p != '"')
		return fail_unexpected(ps, "expected a string key");
	member->offset = ps->p - ps->start;
	ps->p++;
	member->key = parse_string(ps, &len);
	if (member->key == NULL)
		return FALSE;
	skip_ws(ps);
	if (ps->p >= ps->end)
		return fail_at(ps, ps->p, FERRY_ERROR_FORMAT, "unexpected end of input");
	if (*ps->p != ':')
		return fail_unexpected(ps, "expected ':'");
	ps->p++;
	return TRUE;
}

static FerryJsonValue *
parse_value(Parser *ps);

/* after a member or element: TRUE with *out_done when the container closed */
static gboolean
parse_separator(Parser *ps, guint8 close, gboolean *out_done)
{
	skip_ws(ps);
	if (ps->p >= ps->end)
		return fail_at(ps, ps->p, FERRY_ERROR_FORMAT, "unexpected end of input");
	if (*ps->p == close) {
		ps->p++;
		*out_done = TRUE;
		return TRUE;
	}
	if (*ps->p != ',')
		return fail_unexpected(ps, close == '}' ? "expected ',' or '}'"
							: "expected ',' or ']'");
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close)
		return fail_at(ps, ps->p, FERRY_ERROR_FORMAT, "trailing comma before '%c'", close);
	*out_done = FALSE;
	return TRUE;
}

static FerryJsonValue *
parse_container(Parser *ps)
{
	gboolean is_object = *ps->p == '{';
	guint8 close = is_object ? '}' : ']';
	guint base = ps->pending->len;
	gboolean done = FALSE;
	FerryJsonValue *v;

	if (ps->depth >= FERRY_JSON_MAX_DEPTH) {
		fail_at(ps, ps->p, FERRY_ERROR_TOO_LARGE, "nesting deeper than %d levels",
			FERRY_JSON_MAX_DEPTH);
		return NULL;
	}
	ps->depth++;
	v = value_new(ps->doc, is_object ? FERRY_JSON_OBJECT : FERRY_JSON_ARRAY);
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		done = TRUE;
	}
	while (!done) {
		Pending item = {NULL, NULL, 0};
		if (ps->pending->len - base >= G_MAXUINT - 1) {
			fail_at(ps, ps->p, FERRY_ERROR_TOO_LARGE, "too many members");
			return NULL;
		}
		if (is_object && !parse_key(ps, &item))
			return NULL;
		item.value = parse_value(ps);
		if (item.value == NULL)
			return NULL;
		g_array_append_val(ps->pending, item);
		if (!parse_separator(ps, close, &done))
			return NULL;
	}
	if (is_object) {
		if (!finish_object(ps, base, v))
			return NULL;
	} else {
		finish_array(ps, base, v);
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
		fail_at(ps, ps->p, FERRY_ERROR_FORMAT, "unexpected end of input");
		return NULL;
	}
	switch (*ps->p) {
	case '{':
	case '[':
		return parse_container(ps);
	case '"':
		ps->p++;
		v = value_new(ps->doc, FERRY_JSON_STRING);
		v->s = parse_string(ps, &v->len);
		return v->s != NULL ? v : NULL;
	case 't':
	case 'f':
		v = value_new(ps->doc, FERRY_JSON_BOOL);
		v->b = *ps->p == 't';
		return parse_literal(ps, v->b ? "true" : "false") ? v : NULL;
	case 'n':
		v = value_new(ps->doc, FERRY_JSON_NULL);
		return parse_literal(ps, "null") ? v : NULL;
	default:
		if (*ps->p == '-' || g_ascii_isdigit(*ps->p))
			return parse_number(ps);
		fail_unexpected(ps, "expected a value");
		return NULL;
	}
}

FerryJsonDoc *
ferry_json_doc_new_parse(const guint8 *data, gsize len, gsize max_size, GError **error)
{
	g_autoptr(FerryJsonDoc) doc = NULL;
	g_autoptr(GString) scratch = NULL;
	g_autoptr(GArray) pending = NULL;
	g_autofree Parser *ps = NULL;

	g_return_val_if_fail(data != NULL || len == 0, NULL);
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
	/* the arena ends up at about twice the input: start with chunks to match */
	while (doc->next_chunk < len && doc->next_chunk < ARENA_MAX_CHUNK)
		doc->next_chunk *= 2;
	scratch = g_string_sized_new(256);
	pending = g_array_sized_new(FALSE, FALSE, sizeof(Pending), 256);
	ps = g_new0(Parser, 1);
	ps->doc = doc;
	ps->start = ps->p = data;
	ps->end = data + len;
	ps->error = error;
	ps->scratch = scratch;
	ps->pending = pending;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		fail_at(ps, ps->p, FERRY_ERROR_FORMAT, "byte order mark is not allowed");
		return NULL;
	}
	doc->root = parse_value(ps);
	if (doc->root == NULL)
		return NULL;
	skip_ws(ps);
	if (ps->p != ps->end) {
		fail_at(ps, ps->p, FERRY_ERROR_FORMAT, "trailing data after the JSON value");
		return NULL;
	}
	return g_steal_pointer(&doc);
}

/* ---- accessors ---- */

FerryJsonType
ferry_json_value_get_type(const FerryJsonValue *v)
{
	g_return_val_if_fail(v != NULL, FERRY_JSON_NULL);
	return (FerryJsonType)v->type;
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

/* binary search; on a miss *out_idx is where @key would be inserted */
static gboolean
object_find(const FerryJsonValue *v, const gchar *key, guint *out_idx)
{
	guint lo = 0;
	guint hi = v->len;

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

	g_return_val_if_fail(key != NULL, NULL);
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
	g_return_val_if_fail(doc != NULL, NULL);
	return value_new(doc, FERRY_JSON_NULL);
}

FerryJsonValue *
ferry_json_new_bool(FerryJsonDoc *doc, gboolean b)
{
	FerryJsonValue *v;

	g_return_val_if_fail(doc != NULL, NULL);
	v = value_new(doc, FERRY_JSON_BOOL);
	v->b = b ? TRUE : FALSE;
	return v;
}

FerryJsonValue *
ferry_json_new_int(FerryJsonDoc *doc, gint64 i)
{
	FerryJsonValue *v;

	g_return_val_if_fail(doc != NULL, NULL);
	v = value_new(doc, FERRY_JSON_INT);
	v->i = i;
	return v;
}

FerryJsonValue *
ferry_json_new_string(FerryJsonDoc *doc, const gchar *s)
{
	FerryJsonValue *v;
	gsize len;

	g_return_val_if_fail(doc != NULL, NULL);
	g_return_val_if_fail(s != NULL, NULL);
	len = strlen(s);
	g_return_val_if_fail(len < G_MAXUINT && g_utf8_validate_len(s, len, NULL), NULL);
	v = value_new(doc, FERRY_JSON_STRING);
	v->s = arena_strndup(doc, s, len);
	v->len = (guint)len;
	return v;
}

FerryJsonValue *
ferry_json_new_array(FerryJsonDoc *doc)
{
	g_return_val_if_fail(doc != NULL, NULL);
	return value_new(doc, FERRY_JSON_ARRAY);
}

FerryJsonValue *
ferry_json_new_object(FerryJsonDoc *doc)
{
	g_return_val_if_fail(doc != NULL, NULL);
	return value_new(doc, FERRY_JSON_OBJECT);
}

/*
 * Room for one more element or member. Parsed containers are exactly full;
 * the first append moves them to a power-of-two capacity (VALUE_GROWABLE),
 * which len alone then determines. Old arrays stay in the arena until the
 * doc is freed, as arenas do.
 */
static void
container_reserve_one(FerryJsonDoc *doc, FerryJsonValue *v, gsize item_size)
{
	gsize capacity = v->len;
	gsize grown = 4;
	gpointer mem;

	if (v->flags & VALUE_GROWABLE) {
		capacity = 4;
		while (capacity < v->len)
			capacity *= 2;
	}
	if (v->len < capacity)
		return;
	g_assert(v->len < G_MAXUINT - 1);
	while (grown <= v->len)
		grown *= 2;
	mem = arena_alloc(doc, grown * item_size, 8);
	/* a new container has no array yet, and memcpy() wants none of NULL */
	if (v->type == FERRY_JSON_OBJECT) {
		if (v->len > 0)
			memcpy(mem, v->members, v->len * item_size);
		v->members = mem;
	} else {
		if (v->len > 0)
			memcpy(mem, v->items, v->len * item_size);
		v->items = mem;
	}
	v->flags |= VALUE_GROWABLE;
}

void
ferry_json_array_append(FerryJsonDoc *doc, FerryJsonValue *array, FerryJsonValue *value)
{
	g_return_if_fail(doc != NULL);
	g_return_if_fail(array != NULL && array->type == FERRY_JSON_ARRAY);
	g_return_if_fail(value != NULL && value != array);
	container_reserve_one(doc, array, sizeof(FerryJsonValue *));
	array->items[array->len++] = value;
}

void
ferry_json_object_set(FerryJsonDoc *doc, FerryJsonValue *object, const gchar *key,
		      FerryJsonValue *value)
{
	guint idx = 0;

	g_return_if_fail(doc != NULL);
	g_return_if_fail(object != NULL && object->type == FERRY_JSON_OBJECT);
	g_return_if_fail(key != NULL && g_utf8_validate(key, -1, NULL));
	g_return_if_fail(value != NULL && value != object);
	if (object_find(object, key, &idx)) {
		object->members[idx].value = value;
		return;
	}
	container_reserve_one(doc, object, sizeof(Member));
	memmove(&object->members[idx + 1], &object->members[idx],
		(object->len - idx) * sizeof(Member));
	object->members[idx].key = arena_strndup(doc, key, strlen(key));
	object->members[idx].value = value;
	object->len++;
}

FerryJsonValue *
ferry_json_copy(FerryJsonDoc *doc, const FerryJsonValue *v)
{
	FerryJsonValue *c;

	g_return_val_if_fail(doc != NULL, NULL);
	g_return_val_if_fail(v != NULL, NULL);
	c = value_new(doc, v->type);
	c->len = v->len;
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
		c->s = arena_strndup(doc, v->s, v->len);
		break;
	case FERRY_JSON_ARRAY:
		c->items = arena_alloc(doc, v->len * sizeof(FerryJsonValue *), 8);
		for (guint i = 0; i < v->len; i++)
			c->items[i] = ferry_json_copy(doc, v->items[i]);
		break;
	case FERRY_JSON_OBJECT:
		/* already sorted and free of duplicates: copy member by member */
		c->members = arena_alloc(doc, v->len * sizeof(Member), 8);
		for (guint i = 0; i < v->len; i++) {
			const gchar *key = v->members[i].key;
			c->members[i].key = arena_strndup(doc, key, strlen(key));
			c->members[i].value = ferry_json_copy(doc, v->members[i].value);
		}
		break;
	default:
		g_assert_not_reached();
	}
	return c;
}

/* ---- writers ---- */

typedef struct {
	GString *out;
	gboolean escape_controls; /* \n and \u001f, or the bytes as they are */
	gboolean allow_doubles;	  /* written as read, or a failure */
	gint indent;		  /* spaces per level; < 0: compact */
} Writer;

static void
write_control_escape(GString *out, guint8 c)
{
	static const gchar hex[] = "0123456789abcdef";
	gchar buf[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};

	switch (c) {
	case '\b':
		g_string_append_len(out, "\\b", 2);
		break;
	case '\f':
		g_string_append_len(out, "\\f", 2);
		break;
	case '\n':
		g_string_append_len(out, "\\n", 2);
		break;
	case '\r':
		g_string_append_len(out, "\\r", 2);
		break;
	case '\t':
		g_string_append_len(out, "\\t", 2);
		break;
	default:
		g_string_append_len(out, buf, sizeof(buf));
	}
}

static void
write_string(Writer *w, const gchar *s, gsize len)
{
	const guint8 *p = (const guint8 *)s;
	const guint8 *end = p + len;
	const guint8 *run = p;

	g_string_append_c(w->out, '"');
	for (; p < end; p++) {
		if (*p != '"' && *p != '\\' && (*p >= 0x20 || !w->escape_controls))
			continue;
		g_string_append_len(w->out, (const gchar *)run, p - run);
		if (*p < 0x20) {
			write_control_escape(w->out, *p);
		} else {
			g_string_append_c(w->out, '\\');
			g_string_append_c(w->out, (gchar)*p);
		}
		run = p + 1;
	}
	g_string_append_len(w->out, (const gchar *)run, end - run);
	g_string_append_c(w->out, '"');
}

static void
write_int(GString *out, gint64 i)
{
	gchar buf[24];
	gchar *p = buf + sizeof(buf);
	/* the magnitude of G_MININT64 only fits unsigned */
	guint64 mag = i < 0 ? (guint64)0 - (guint64)i : (guint64)i;

	do {
		*--p = (gchar)('0' + mag % 10);
		mag /= 10;
	} while (mag > 0);
	if (i < 0)
		*--p = '-';
	g_string_append_len(out, p, buf + sizeof(buf) - p);
}

static void
write_newline(Writer *w, guint depth)
{
	if (w->indent < 0)
		return;
	g_string_append_c(w->out, '\n');
	for (guint i = 0; i < depth * (guint)w->indent; i++)
		g_string_append_c(w->out, ' ');
}

static gboolean
write_value(Writer *w, const FerryJsonValue *v, guint depth);

static gboolean
write_container(Writer *w, const FerryJsonValue *v, guint depth)
{
	gboolean is_object = v->type == FERRY_JSON_OBJECT;

	g_string_append_c(w->out, is_object ? '{' : '[');
	for (guint i = 0; i < v->len; i++) {
		const FerryJsonValue *item = is_object ? v->members[i].value : v->items[i];
		if (i > 0)
			g_string_append_c(w->out, ',');
		write_newline(w, depth + 1);
		if (is_object) {
			const gchar *key = v->members[i].key;
			write_string(w, key, strlen(key));
			g_string_append(w->out, w->indent >= 0 ? ": " : ":");
		}
		if (!write_value(w, item, depth + 1))
			return FALSE;
	}
	if (v->len > 0)
		write_newline(w, depth);
	g_string_append_c(w->out, is_object ? '}' : ']');
	return TRUE;
}

/* FALSE when a double is met and w->allow_doubles is FALSE */
static gboolean
write_value(Writer *w, const FerryJsonValue *v, guint depth)
{
	switch (v->type) {
	case FERRY_JSON_NULL:
		g_string_append_len(w->out, "null", 4);
		return TRUE;
	case FERRY_JSON_BOOL:
		g_string_append(w->out, v->b ? "true" : "false");
		return TRUE;
	case FERRY_JSON_INT:
		write_int(w->out, v->i);
		return TRUE;
	case FERRY_JSON_DOUBLE:
		g_string_append_len(w->out, v->s, v->len);
		return w->allow_doubles;
	case FERRY_JSON_STRING:
		write_string(w, v->s, v->len);
		return TRUE;
	case FERRY_JSON_ARRAY:
	case FERRY_JSON_OBJECT:
		return write_container(w, v, depth);
	default:
		g_assert_not_reached();
	}
}

GBytes *
ferry_json_canonicalize(const FerryJsonValue *v, FerryJsonCanonStyle style, GError **error)
{
	g_autoptr(GString) out = NULL;
	Writer w = {0};

	g_return_val_if_fail(v != NULL, NULL);
	out = g_string_sized_new(4096);
	w.out = out;
	w.escape_controls = style == FERRY_JSON_CANON_ESCAPED;
	w.allow_doubles = FALSE;
	w.indent = -1;
	if (!write_value(&w, v, 0)) {
		g_set_error_literal(error, FERRY_ERROR, FERRY_ERROR_FORMAT,
				    "a number with a fraction or exponent has no canonical form");
		return NULL;
	}
	return g_string_free_to_bytes(g_steal_pointer(&out));
}

static gboolean
has_control_byte(const gchar *s, gsize len)
{
	for (gsize i = 0; i < len; i++) {
		if ((guint8)s[i] < 0x20)
			return TRUE;
	}
	return FALSE;
}

gboolean
ferry_json_has_control_chars(const FerryJsonValue *v)
{
	g_return_val_if_fail(v != NULL, FALSE);
	switch (v->type) {
	case FERRY_JSON_STRING:
		return has_control_byte(v->s, v->len);
	case FERRY_JSON_ARRAY:
		for (guint i = 0; i < v->len; i++) {
			if (ferry_json_has_control_chars(v->items[i]))
				return TRUE;
		}
		return FALSE;
	case FERRY_JSON_OBJECT:
		for (guint i = 0; i < v->len; i++) {
			const gchar *key = v->members[i].key;
			if (has_control_byte(key, strlen(key)) ||
			    ferry_json_has_control_chars(v->members[i].value))
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
	g_autoptr(GString) out = NULL;
	Writer w = {0};

	g_return_val_if_fail(v != NULL, NULL);
	out = g_string_sized_new(4096);
	w.out = out;
	w.escape_controls = TRUE;
	w.allow_doubles = TRUE;
	w.indent = pretty ? 2 : -1;
	(void)write_value(&w, v, 0);
	if (pretty)
		g_string_append_c(out, '\n');
	return g_string_free(g_steal_pointer(&out), FALSE);
}
