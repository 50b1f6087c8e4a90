/*
 * Fuzzes the metadata parser for every role and the accessors run on what it
 * accepts. The first input byte picks the role.
 */
#include <glib.h>
#include <stdint.h>

#include "ferry-metadata.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static guint
poke(FerryMetadata *md)
{
	guint ok = 0;
	g_autoptr(GPtrArray) names = ferry_metadata_get_meta_names(md);
	GPtrArray *roles;
	FerryMetaFile mf = {.version = 1, .length = 10, .sha256 = NULL, .sha512 = NULL};

	for (guint i = 0; i < names->len; i++)
		(void)ferry_metadata_get_meta(md, names->pdata[i]);
	for (guint i = 0; i < ferry_metadata_get_n_targets(md); i++) {
		FerryTarget t;
		ferry_metadata_get_target_at(md, i, &t);
		(void)ferry_target_is_ostree(&t);
		(void)ferry_target_has_hardware_id(&t, "hw");
		ok += ferry_target_check_payload(&t, (const guint8 *)"x", 1, NULL);
	}
	roles = ferry_metadata_get_delegated_roles(md);
	for (guint i = 0; roles != NULL && i < roles->len; i++)
		(void)ferry_role_keys_matches_target(roles->pdata[i], "a/b/file.txt");
	(void)ferry_metadata_get_canonical(md);
	ok += ferry_metadata_matches_meta(md, "x.json", &mf, NULL);
	if (ferry_metadata_get_role(md) == FERRY_ROLE_ROOT) {
		const FerryRoleKeys *role = ferry_metadata_root_get_role(md, "root");
		if (role != NULL)
			ok += ferry_metadata_verify(md, ferry_metadata_root_get_keys(md), role,
						    NULL);
	}
	return ok;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GBytes) bytes = NULL;
	g_autoptr(FerryMetadata) md = NULL;
	FerryRoleType role;

	if (size < 1)
		return 0;
	role = (FerryRoleType)(data[0] % (FERRY_ROLE_BUNDLE_MANIFEST + 1));
	bytes = g_bytes_new_static(data + 1, size - 1);
	md = ferry_metadata_new_from_bytes(bytes, role, FERRY_MAX_IMAGE_TARGETS_SIZE, NULL);
	if (md != NULL)
		(void)poke(md);
	return 0;
}
