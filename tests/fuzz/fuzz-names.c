/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Names users and guests type: PE names (eeh_pe_lookup), op, state,
 * error function, RTAS call and driver answer names, a BDF bound on the
 * simulated iommufd, and the tools' number parser (tools/cli.c). Each
 * gives a documented answer; what is found is what was named.
 */
#include <errno.h>

#include "cli.h"
#include "fuzz-util.h"

static struct eeh_ctx *ctx;
static struct eeh_iommufd *ifd;
static struct eeh_vm *vm;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	if (eeh_new_sim(NULL, &ctx) || eeh_iommufd_open(ctx, 0, &ifd) ||
	    eeh_vm_new(ctx, NULL, NULL, &vm))
		abort();
	return 0;
}

static void check_pe_lookup(const char *name)
{
	struct eeh_pe *pe, *again;
	char canon[32];
	int err = 1;

	pe = eeh_pe_lookup(ctx, name, &err);
	if (!pe) {
		FUZZ_CHECK(err == -ENOENT || err == -EINVAL);
		FUZZ_CHECK(eeh_pe_lookup(ctx, name, NULL) == NULL);
		return;
	}
	FUZZ_CHECK(err == 0 && eeh_pe_ctx(pe) == ctx);
	snprintf(canon, sizeof(canon), "phb%u:pe%x", eeh_phb_index(eeh_pe_phb(pe)),
		 eeh_pe_number(pe));
	again = eeh_pe_lookup(ctx, canon, &err);
	FUZZ_CHECK(again == pe && err == 0);
}

static void check_names(const char *s)
{
	uint32_t rets[1];
	uint64_t v;
	int r;

	r = eeh_op_from_name(s);
	FUZZ_CHECK(r == -EINVAL || (r >= 0 && eeh_op_name((unsigned int)r)));
	r = eeh_err_func_from_name(s);
	FUZZ_CHECK(r == -EINVAL || (r >= 0 && r < EEH_ERR_FUNC_COUNT));
	r = eeh_rtas_call_from_name(s);
	FUZZ_CHECK(r == -EINVAL || (r >= 0 && r < EEH_RTAS_NCALLS &&
				    !strcmp(eeh_rtas_call_name(r), s)));
	r = eeh_ers_from_name(s);
	FUZZ_CHECK(r == -EINVAL || (r >= EEH_ERS_NONE && r <= EEH_ERS_NO_AER_DRIVER));
	r = eeh_vm_rtas_call_by_name(vm, s, 0, NULL, 1, rets);
	FUZZ_CHECK(r == -ENOENT || r == 0);
	if (cli_parse_u64(s, &v) == 0)
		FUZZ_CHECK(s[0] != '-');
}

static void check_bind(const char *s)
{
	struct eeh_iommufd_device info = { .size = sizeof(info) };
	uint32_t devid = 0;
	int r;

	r = eeh_iommufd_bind(ifd, s, &devid);
	if (r)
		return;
	FUZZ_CHECK(devid != 0);
	FUZZ_CHECK(eeh_iommufd_device_info(ifd, devid, &info) == 0 && info.devid == devid);
	FUZZ_CHECK(eeh_iommufd_unbind(ifd, devid) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);

	if (!s)
		return 0;
	check_pe_lookup(s);
	check_names(s);
	check_bind(s);
	free(s);
	return 0;
}
