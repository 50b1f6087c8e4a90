/*
 * ferry — the one error domain shared by every library and program.
 *
 * The numeric codes are stable: reports and --json output expose them by name
 * (ferry_error_code_to_string()), so new codes are only ever appended.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FERRY_ERROR ferry_error_quark()

typedef enum {
	FERRY_ERROR_FAILED = 0,		 /* internal error with no better code */
	FERRY_ERROR_FORMAT,		 /* malformed bundle, JSON or metadata */
	FERRY_ERROR_TOO_LARGE,		 /* input over a size, count or depth cap */
	FERRY_ERROR_UNSUPPORTED,	 /* key type, method, version not understood */
	FERRY_ERROR_SIGNATURE,		 /* signature threshold not met */
	FERRY_ERROR_UNKNOWN_KEY,	 /* signed by a key not authorised for the role */
	FERRY_ERROR_DUPLICATE_SIGNATURE, /* one key id signed twice */
	FERRY_ERROR_ILLEGAL_THRESHOLD,	 /* a role threshold below 1 */
	FERRY_ERROR_TYPE_MISMATCH,	 /* _type is not the expected role */
	FERRY_ERROR_ROOT_ROTATION,	 /* root N+1 does not state version N+1 */
	FERRY_ERROR_EXPIRED,		 /* metadata expired */
	FERRY_ERROR_ROLLBACK,		 /* version lower than the trusted one */
	FERRY_ERROR_EQUAL_VERSION,	 /* same version, other content (strict policy) */
	FERRY_ERROR_VERSION_MISMATCH,	 /* version differs from the one snapshot lists */
	FERRY_ERROR_HASH_MISMATCH,	 /* metadata length or hash differs from its listing */
	FERRY_ERROR_DELEGATION_MISSING,	 /* a delegated role's metadata is absent */
	FERRY_ERROR_DELEGATION,		 /* delegation rules broken (depth, count) */
	FERRY_ERROR_DIRECTOR_DELEGATION, /* director targets carry delegations */
	FERRY_ERROR_REPEATED_ECU,	 /* one ECU given two targets */
	FERRY_ERROR_UNKNOWN_ECU,	 /* director addresses an ECU we do not have */
	FERRY_ERROR_HARDWARE_ID,	 /* hardware id does not match the ECU */
	FERRY_ERROR_TARGET_MISMATCH,	 /* director target has no equal image target */
	FERRY_ERROR_TARGET_LENGTH,	 /* payload longer/shorter than its metadata */
	FERRY_ERROR_TARGET_HASH,	 /* payload hash differs from its metadata */
	FERRY_ERROR_NOT_APPLICABLE,	 /* nothing in the bundle applies to this device */
	FERRY_ERROR_NO_SPACE,		 /* not enough free space */
	FERRY_ERROR_NOT_PROVISIONED,	 /* no trusted root on the device */
	FERRY_ERROR_IO,			 /* file system or read/write failure */
	FERRY_ERROR_STATE,		 /* persisted state database failure */
	FERRY_ERROR_NOT_FOUND,		 /* a required file or member is missing */
	FERRY_ERROR_INVALID_ARGUMENT,	 /* bad command-line or API argument */
	FERRY_ERROR_LAST		 /*< skip >*/
} FerryError;

GQuark
ferry_error_quark(void);

/**
 * ferry_error_code_to_string:
 * @code: a #FerryError value
 *
 * Returns: (transfer none): the stable, lower-case name of @code, such as
 * "rollback", or "failed" for a value out of range.
 */
const gchar *
ferry_error_code_to_string(gint code);

/**
 * ferry_error_set_errno:
 * @error: return location
 * @errsv: an errno value
 * @format: printf-style context, e.g. "opening '%s'"
 *
 * Sets a FERRY_ERROR from errno: ENOSPC/EDQUOT become FERRY_ERROR_NO_SPACE,
 * ENOENT becomes FERRY_ERROR_NOT_FOUND, anything else FERRY_ERROR_IO. The
 * message is "<context>: <strerror>".
 *
 * Returns: always %FALSE, so callers can `return ferry_error_set_errno(...)`.
 */
gboolean
ferry_error_set_errno(GError **error, gint errsv, const gchar *format, ...) G_GNUC_PRINTF(3, 4);

/**
 * ferry_error_set_openssl:
 * @error: return location
 * @code: the #FerryError to use
 * @what: context, e.g. "parsing RSA key"
 *
 * Sets @error from (and clears) the OpenSSL error queue.
 *
 * Returns: always %FALSE.
 */
gboolean
ferry_error_set_openssl(GError **error, FerryError code, const gchar *what);

/**
 * ferry_error_convert:
 * @error: (inout): an error of any domain, or %NULL
 *
 * Converts a GIO/GLib error into FERRY_ERROR in place (G_IO_ERROR_NO_SPACE →
 * NO_SPACE, G_IO_ERROR_NOT_FOUND/G_FILE_ERROR_NOENT → NOT_FOUND, others → IO),
 * keeping the message. FERRY_ERROR errors are left alone.
 */
void
ferry_error_convert(GError **error);

G_END_DECLS
