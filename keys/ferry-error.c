/* ferry — error domain helpers */
#include "ferry-error.h"

#include <errno.h>
#include <gio/gio.h>
#include <openssl/err.h>
#include <string.h>

G_DEFINE_QUARK(ferry - error - quark, ferry_error)

static const gchar *const error_names[] = {
	[FERRY_ERROR_FAILED] = "failed",
	[FERRY_ERROR_FORMAT] = "format",
	[FERRY_ERROR_TOO_LARGE] = "too-large",
	[FERRY_ERROR_UNSUPPORTED] = "unsupported",
	[FERRY_ERROR_SIGNATURE] = "signature",
	[FERRY_ERROR_UNKNOWN_KEY] = "unknown-key",
	[FERRY_ERROR_DUPLICATE_SIGNATURE] = "duplicate-signature",
	[FERRY_ERROR_ILLEGAL_THRESHOLD] = "illegal-threshold",
	[FERRY_ERROR_TYPE_MISMATCH] = "type-mismatch",
	[FERRY_ERROR_ROOT_ROTATION] = "root-rotation",
	[FERRY_ERROR_EXPIRED] = "expired",
	[FERRY_ERROR_ROLLBACK] = "rollback",
	[FERRY_ERROR_EQUAL_VERSION] = "equal-version",
	[FERRY_ERROR_VERSION_MISMATCH] = "version-mismatch",
	[FERRY_ERROR_HASH_MISMATCH] = "hash-mismatch",
	[FERRY_ERROR_DELEGATION_MISSING] = "delegation-missing",
	[FERRY_ERROR_DELEGATION] = "delegation",
	[FERRY_ERROR_DIRECTOR_DELEGATION] = "director-delegation",
	[FERRY_ERROR_REPEATED_ECU] = "repeated-ecu",
	[FERRY_ERROR_UNKNOWN_ECU] = "unknown-ecu",
	[FERRY_ERROR_HARDWARE_ID] = "hardware-id",
	[FERRY_ERROR_TARGET_MISMATCH] = "target-mismatch",
	[FERRY_ERROR_TARGET_LENGTH] = "target-length",
	[FERRY_ERROR_TARGET_HASH] = "target-hash",
	[FERRY_ERROR_NOT_APPLICABLE] = "not-applicable",
	[FERRY_ERROR_NO_SPACE] = "no-space",
	[FERRY_ERROR_NOT_PROVISIONED] = "not-provisioned",
	[FERRY_ERROR_IO] = "io",
	[FERRY_ERROR_STATE] = "state",
	[FERRY_ERROR_NOT_FOUND] = "not-found",
	[FERRY_ERROR_INVALID_ARGUMENT] = "invalid-argument",
};
G_STATIC_ASSERT(G_N_ELEMENTS(error_names) == FERRY_ERROR_LAST);

const gchar *
ferry_error_code_to_string(gint code)
{
	if (code < 0 || code >= FERRY_ERROR_LAST)
		return "failed";
	return error_names[code];
}

gboolean
ferry_error_set_errno(GError **error, gint errsv, const gchar *format, ...)
{
	va_list args;
	g_autofree gchar *context = NULL;
	FerryError code = FERRY_ERROR_IO;

	va_start(args, format);
	context = g_strdup_vprintf(format, args);
	va_end(args);
	if (errsv == ENOSPC || errsv == EDQUOT)
		code = FERRY_ERROR_NO_SPACE;
	else if (errsv == ENOENT)
		code = FERRY_ERROR_NOT_FOUND;
	g_set_error(error, FERRY_ERROR, code, "%s: %s", context, g_strerror(errsv));
	return FALSE;
}

gboolean
ferry_error_set_openssl(GError **error, FerryError code, const gchar *what)
{
	unsigned long err = ERR_get_error();
	gchar buf[256] = "unknown OpenSSL error";

	if (err != 0)
		ERR_error_string_n(err, buf, sizeof(buf));
	ERR_clear_error();
	g_set_error(error, FERRY_ERROR, code, "%s: %s", what, buf);
	return FALSE;
}

void
ferry_error_convert(GError **error)
{
	GError *e;

	if (error == NULL || *error == NULL)
		return;
	e = *error;
	if (e->domain == FERRY_ERROR)
		return;
	if (g_error_matches(e, G_IO_ERROR, G_IO_ERROR_NO_SPACE) ||
	    g_error_matches(e, G_FILE_ERROR, G_FILE_ERROR_NOSPC))
		e->code = FERRY_ERROR_NO_SPACE;
	else if (g_error_matches(e, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
		 g_error_matches(e, G_FILE_ERROR, G_FILE_ERROR_NOENT))
		e->code = FERRY_ERROR_NOT_FOUND;
	else
		e->code = FERRY_ERROR_IO;
	e->domain = FERRY_ERROR;
}
