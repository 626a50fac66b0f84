/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The iommufd registry: sequences of register/unregister (what a VMM that
 * binds its own devices reports), bind/unbind, IOAS and HWPT allocation,
 * attach/detach/destroy, the one-group check and PE ops, on two iommufd
 * contexts of one host: one that only records (eeh_iommufd_adopt() with
 * fd -1) and a simulated one (eeh_iommufd_open()). Every call returns a
 * documented value; the listings stay ordered and finite.
 */
#include <errno.h>

#include <linux/vfio.h>

#include "fuzz-util.h"

#define MAX_OPS 128

/* Functions of the built-in host, and one that is not there. */
static const char *const bdfs[] = { "0000:01:00.0", "0000:01:00.1", "0000:02:00.0",
				    "0000:03:00.0", "0000:04:00.0", "0001:01:00.0",
				    "0001:01:00.2", "0001:01:00.3", "0001:02:00.0",
				    "0000:09:00.0" };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	return 0;
}

static void check_listings(struct eeh_iommufd *ifd)
{
	uint32_t id = 0, next;
	unsigned int n = 0;

	while ((next = eeh_iommufd_device_next(ifd, id))) {
		struct eeh_iommufd_device info = { .size = sizeof(info) };

		FUZZ_CHECK(next > id && ++n < 100000);
		FUZZ_CHECK(eeh_iommufd_device_info(ifd, next, &info) == 0);
		FUZZ_CHECK(info.devid == next && info.group >= 0);
		id = next;
	}
	id = 0;
	while ((next = eeh_iommufd_ioas_next(ifd, id))) {
		FUZZ_CHECK(next > id && ++n < 100000);
		FUZZ_CHECK(eeh_iommufd_ioas_groups(ifd, next) >= 0);
		id = next;
	}
}

static void pe_op(struct eeh_iommufd *ifd, uint32_t devid, unsigned int op)
{
	struct vfio_eeh_pe_op arg = { .argsz = sizeof(arg), .op = op };
	struct eeh_pe *pe = NULL;
	int r, chk;

	chk = eeh_iommufd_check(ifd, devid, &pe);
	FUZZ_CHECK(chk == 0 || chk == -ENOENT || chk == -ENODEV || chk == -EPERM);
	FUZZ_CHECK(chk != 0 || pe);
	r = eeh_iommufd_pe_op(ifd, devid, &arg);
	if (chk)
		FUZZ_CHECK(r == chk);
}

static void run_op(struct eeh_iommufd *ifd, struct fuzz_in *in)
{
	uint8_t op = fuzz_u8(in), a = fuzz_u8(in), b = fuzz_u8(in);
	uint32_t id = 0, id2 = 0;
	struct eeh_iova_range ranges[4];
	unsigned int n = 4;
	int r, err;

	switch (op % 16) {
	case 0: {
		uint8_t c = fuzz_u8(in);

		r = eeh_iommufd_register_device(ifd, a % 8, (int)(b % 11) - 1, c % 12, (c >> 4) % 12);
		FUZZ_CHECK(r == 0 || r == -EINVAL || r == -EEXIST || r == -ENOMEM);
		break;
	}
	case 1:
		r = eeh_iommufd_unregister_device(ifd, a % 8);
		FUZZ_CHECK(r == 0 || r == -ENOENT || r == -EINVAL);
		break;
	case 2:
		r = eeh_iommufd_bind(ifd, bdfs[a % 10], &id);
		FUZZ_CHECK(r != 0 || id != 0);
		break;
	case 3:
		eeh_iommufd_unbind(ifd, a % 16);
		break;
	case 4:
		r = eeh_iommufd_ioas_alloc(ifd, &id);
		FUZZ_CHECK(r != 0 || id != 0);
		break;
	case 5:
		eeh_iommufd_hwpt_alloc(ifd, a % 16, b % 16, &id);
		break;
	case 6:
		eeh_iommufd_attach(ifd, a % 16, b % 16, b & 0x80 ? NULL : &id2);
		break;
	case 7:
		eeh_iommufd_detach(ifd, a % 16);
		break;
	case 8:
		eeh_iommufd_destroy(ifd, a % 16);
		break;
	case 9: {
		struct eeh_iommufd_device info = { .size = sizeof(info) };

		if (eeh_iommufd_device_info(ifd, a % 16, &info) == 0)
			FUZZ_CHECK(info.devid == a % 16u);
		break;
	}
	case 10:
		pe_op(ifd, a % 16, VFIO_EEH_PE_GET_STATE);
		break;
	case 11:
		pe_op(ifd, a % 16, b % 8);
		break;
	case 12:
		if (!eeh_iommufd_device_pe(ifd, a % 16, &err))
			FUZZ_CHECK(err == -ENOENT || err == -ENODEV);
		break;
	case 13:
		r = eeh_iommufd_iova_ranges(ifd, a % 16, ranges, &n);
		FUZZ_CHECK(r != 0 || n <= 4);
		break;
	case 14:
		r = eeh_iommufd_ioas_groups(ifd, a % 16);
		FUZZ_CHECK(r >= 0 || r == -ENOENT);
		break;
	default:
		check_listings(ifd);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct eeh_iommufd *ifd[2] = { NULL, NULL };
	struct eeh_ctx *ctx = NULL;

	FUZZ_CHECK(eeh_new_sim(NULL, &ctx) == 0);
	FUZZ_CHECK(eeh_iommufd_adopt(ctx, -1, &ifd[0]) == 0);
	FUZZ_CHECK(eeh_iommufd_open(ctx, 0, &ifd[1]) == 0);
	for (unsigned int i = 0; i < MAX_OPS && in.left; i++)
		run_op(ifd[fuzz_u8(&in) & 1], &in);
	check_listings(ifd[0]);
	check_listings(ifd[1]);
	eeh_iommufd_close(ifd[0]);
	eeh_iommufd_close(ifd[1]);
	eeh_unref(ctx);
	return 0;
}
