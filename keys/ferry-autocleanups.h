/*
 * Cleanup functions for the C libraries keys/ uses. format/ferry-autocleanups.h
 * includes this one and adds the libraries above keys/ (the layering would
 * otherwise force OpenSSL types up into format/).
 */
#pragma once

#include <glib.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC(EVP_PKEY, EVP_PKEY_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(EVP_PKEY_CTX, EVP_PKEY_CTX_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(EVP_MD_CTX, EVP_MD_CTX_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(BIO, BIO_free_all)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(BIGNUM, BN_free)
/* its free clears the private key octets */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free)

#include <errno.h>
#include <unistd.h>

/* g_autofd needs GLib 2.76; Debian 12 has 2.74 */
static inline void
ferry_close_fdp(int *fd)
{
	if (*fd >= 0) {
		int errsv = errno;
		(void)close(*fd);
		errno = errsv;
	}
}
#define ferry_autofd __attribute__((cleanup(ferry_close_fdp)))
