/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The VM tier's guest program: libeeh's public API against a real Linux
 * kernel (iommufd, VFIO cdev, the group container, IOMMU_TEST), run as
 * the guest's init by tests/vm/run-vm.sh. Prints TAP ("ok N - ...") and
 * ends with "N passed, N failed"; between "--- scenario ---" and
 * "--- end ---" it prints the differential scenario's transcript
 * (tests/vm/scenario.c), which the host compares with the fake kernel's.
 *
 * The machine (run-vm.sh): e1000e functions, no driver for them in the
 * kernel, bound to vfio-pci here:
 *   A  0000:01:00.0  alone behind root port 00:10.0
 *   B  0000:02:00.0  alone behind root port 00:11.0
 *   C  0000:03:00.0 and .1  one multifunction slot (one IOMMU group)
 *   D  0000:04:00.0 bound, 0000:04:00.1 left without a driver
 *   R  0000:00:05.0  on the root bus (no bus reset)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "iommufd-abi.h"
#include "libeeh.h"
#include "scenario.h"

#define A "0000:01:00.0"
#define B "0000:02:00.0"
#define C0 "0000:03:00.0"
#define C1 "0000:03:00.1"
#define D0 "0000:04:00.0"
#define D1 "0000:04:00.1"
#define R "0000:00:05.0"

static unsigned int npass, nfail;

static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s %u - ", cond ? "ok" : "not ok", npass + nfail + 1);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (cond)
		npass++;
	else
		nfail++;
}

/* got is evaluated once. */
#define IS(got, want, what)                                                                   \
	do {                                                                                  \
		int got_ = (int)(got), want_ = (int)(want);                                   \
		ok(got_ == want_, "%s (got %d, want %d)", what, got_, want_);                 \
	} while (0)

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* driver_override, then drivers_probe (vm-tier.md). */
static int bind_vfio(const char *bdf)
{
	char p[256];
	int rc;

	snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/driver_override", bdf);
	rc = write_file(p, "vfio-pci");
	return rc ? rc : write_file("/sys/bus/pci/drivers_probe", bdf);
}

/* /dev/vfio/devices/vfioN of a bound function. */
static const char *cdev_of(const char *bdf, char *buf, size_t len)
{
	char p[256];
	struct dirent *d;
	DIR *dir;

	snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/vfio-dev", bdf);
	dir = opendir(p);
	if (!dir)
		return NULL;
	buf[0] = '\0';
	while ((d = readdir(dir)))
		if (!strncmp(d->d_name, "vfio", 4))
			snprintf(buf, len, "/dev/vfio/devices/%.40s", d->d_name);
	closedir(dir);
	return buf[0] ? buf : NULL;
}

/* Every system call of the library goes to the kernel unchanged; ioctls
 * are counted by number, to show which the scenario reached and that no
 * SPAPR or EEH ioctl was issued where the kernel offers neither. */
enum { ON_DEVICE, ON_CONTAINER, ON_GROUP, NKINDS }; /* ioctl numbers repeat across fds */
static unsigned int ioctl_count[NKINDS][256];
static int fd_kind[1024];

static int s_open(void *data, const char *path, int flags, unsigned int mode)
{
	int fd = open(path, flags | O_CLOEXEC, mode);

	(void)data;
	if (fd >= 0 && fd < 1024)
		fd_kind[fd] = !strcmp(path, "/dev/vfio/vfio") || !strcmp(path, "/dev/iommu")
				      ? ON_CONTAINER
			      : strncmp(path, "/dev/vfio/devices/", 18) && !strncmp(path, "/dev/vfio/", 10)
				      ? ON_GROUP
				      : ON_DEVICE;
	return fd < 0 ? -errno : fd;
}

static int s_close(void *data, int fd)
{
	(void)data;
	return close(fd) < 0 ? -errno : 0;
}

static int s_ioctl(void *data, int fd, unsigned long req, void *arg)
{
	int rc = ioctl(fd, req, arg);

	(void)data;
	if (_IOC_TYPE(req) == ';' && fd >= 0 && fd < 1024)
		ioctl_count[fd_kind[fd]][_IOC_NR(req)]++;
	return rc < 0 ? -errno : rc;
}

static const struct eeh_syscalls counting = {
	.size = sizeof(struct eeh_syscalls),
	.open = s_open,
	.close = s_close,
	.ioctl = s_ioctl,
};

static void ioctls_issued(void)
{
	static const struct {
		int on;
		unsigned long req;
		const char *name;
		bool want;
	} list[] = {
		{ ON_DEVICE, VFIO_DEVICE_BIND_IOMMUFD, "VFIO_DEVICE_BIND_IOMMUFD", true },
		{ ON_DEVICE, VFIO_DEVICE_ATTACH_IOMMUFD_PT, "VFIO_DEVICE_ATTACH_IOMMUFD_PT", true },
		{ ON_DEVICE, VFIO_DEVICE_DETACH_IOMMUFD_PT, "VFIO_DEVICE_DETACH_IOMMUFD_PT", true },
		{ ON_CONTAINER, IOMMU_IOAS_ALLOC, "IOMMU_IOAS_ALLOC", true },
		{ ON_CONTAINER, IOMMU_HWPT_ALLOC, "IOMMU_HWPT_ALLOC", true },
		{ ON_CONTAINER, IOMMU_DESTROY, "IOMMU_DESTROY", true },
		{ ON_CONTAINER, IOMMU_IOAS_IOVA_RANGES, "IOMMU_IOAS_IOVA_RANGES", true },
		{ ON_CONTAINER, IOMMU_IOAS_MAP, "IOMMU_IOAS_MAP (preregistration)", true },
		{ ON_CONTAINER, IOMMU_IOAS_COPY, "IOMMU_IOAS_COPY (a TCE)", true },
		{ ON_CONTAINER, IOMMU_IOAS_UNMAP, "IOMMU_IOAS_UNMAP", true },
		{ ON_CONTAINER, IOMMU_IOAS_ALLOW_IOVAS, "IOMMU_IOAS_ALLOW_IOVAS (a window)", true },
		{ ON_DEVICE, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO,
		  "VFIO_DEVICE_GET_PCI_HOT_RESET_INFO", true },
		{ ON_DEVICE, VFIO_DEVICE_PCI_HOT_RESET, "VFIO_DEVICE_PCI_HOT_RESET", true },
		{ ON_CONTAINER, VFIO_GET_API_VERSION, "VFIO_GET_API_VERSION", true },
		{ ON_CONTAINER, VFIO_CHECK_EXTENSION, "VFIO_CHECK_EXTENSION", true },
		{ ON_GROUP, VFIO_GROUP_GET_STATUS, "VFIO_GROUP_GET_STATUS", true },
		{ ON_GROUP, VFIO_GROUP_SET_CONTAINER, "VFIO_GROUP_SET_CONTAINER", true },
		{ ON_CONTAINER, VFIO_SET_IOMMU, "VFIO_SET_IOMMU (no SPAPR extension)", false },
		{ ON_CONTAINER, VFIO_IOMMU_SPAPR_TCE_GET_INFO, "VFIO_IOMMU_SPAPR_TCE_GET_INFO",
		  false },
		{ ON_CONTAINER, VFIO_EEH_PE_OP, "VFIO_EEH_PE_OP (EEH refused locally)", false },
	};

	for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++) {
		unsigned int n = ioctl_count[list[i].on][_IOC_NR(list[i].req)];

		ok(list[i].want ? n > 0 : n == 0, "scenario %s %s (%u)", list[i].want ?
		   "issued" : "never issued", list[i].name, n);
	}
}

static char logbuf[4096];

static void log_fn(struct eeh_ctx *ctx, int prio, const char *file, int line, const char *fn,
		   const char *fmt, va_list ap)
{
	size_t len = strlen(logbuf);

	(void)ctx;
	(void)prio;
	(void)file;
	(void)line;
	(void)fn;
	if (len < sizeof(logbuf) - 2) {
		vsnprintf(logbuf + len, sizeof(logbuf) - len - 1, fmt, ap);
		strcat(logbuf, "\n");
	}
}

static int op(struct eeh_iommufd *ifd, uint32_t devid, unsigned int o)
{
	struct vfio_eeh_pe_op x = { .argsz = sizeof(x), .op = o };

	return eeh_iommufd_pe_op(ifd, devid, &x);
}

static int r_open(void *data, const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	(void)data;
	return fd < 0 ? -errno : fd;
}

static int r_close(void *data, int fd)
{
	(void)data;
	return close(fd) < 0 ? -errno : 0;
}

static int r_ioctl(void *data, int fd, unsigned long req, void *arg)
{
	int rc = ioctl(fd, req, arg);

	(void)data;
	return rc < 0 ? -errno : rc;
}

/* The differential scenario, on fresh state (it binds and closes all). */
static void scenario(struct eeh_ctx *ctx, char cd[4][64])
{
	struct scen_env e = {
		.ctx = ctx, .cdev_a = cd[0], .cdev_b = cd[1], .cdev_c0 = cd[2], .cdev_c1 = cd[3],
		.open = r_open, .close = r_close, .ioctl = r_ioctl, .out = stdout,
	};
	int n;

	eeh_set_syscalls(ctx, &counting, NULL);
	printf("--- scenario ---\n");
	n = scen_run(&e);
	printf("--- end ---\n");
	eeh_set_syscalls(ctx, NULL, NULL);
	ok(n > 40, "differential scenario ran (%d steps)", n);
	ioctls_issued();
}

/* Resets through the iommufd device route (lib/iommufd-reset.c). */
static void resets(struct eeh_ctx *ctx, const char *cd, const char *cc0, const char *cc1,
		   const char *dd0, const char *rr)
{
	struct eeh_iommufd *ifd = NULL;
	uint32_t a = 0, c0 = 0, c1 = 0, d0 = 0, r = 0, ioas[4] = { 0 };
	struct eeh_vm *vm = NULL;
	uint32_t args[3], rets[4];

	IS(eeh_iommufd_open(ctx, 0, &ifd), 0, "reset: iommufd open");
	if (!ifd)
		return;
	IS(eeh_iommufd_bind(ifd, cd, &a), 0, "reset: bind A");
	IS(eeh_iommufd_bind(ifd, cc0, &c0), 0, "reset: bind C0");
	IS(eeh_iommufd_bind(ifd, cc1, &c1), 0, "reset: bind C1");
	IS(eeh_iommufd_bind(ifd, dd0, &d0), 0, "reset: bind D0 (D1 has no driver)");
	IS(eeh_iommufd_bind(ifd, rr, &r), 0, "reset: bind R (root bus)");
	for (int i = 0; i < 4; i++)
		eeh_iommufd_ioas_alloc(ifd, &ioas[i]);
	IS(eeh_iommufd_attach(ifd, a, ioas[0], NULL), 0, "reset: attach A");
	IS(eeh_iommufd_attach(ifd, c0, ioas[1], NULL), 0, "reset: attach C0");
	IS(eeh_iommufd_attach(ifd, c1, ioas[1], NULL), 0, "reset: attach C1 beside C0");
	IS(eeh_iommufd_attach(ifd, d0, ioas[2], NULL), 0, "reset: attach D0");
	IS(eeh_iommufd_attach(ifd, r, ioas[3], NULL), 0, "reset: attach R");

	IS(op(ifd, a, VFIO_EEH_PE_RESET_HOT), 0, "hot reset of A behind its root port");
	IS(op(ifd, a, VFIO_EEH_PE_RESET_DEACTIVATE), 0, "deactivate A (no EEH state on x86)");
	IS(op(ifd, a, VFIO_EEH_PE_CONFIGURE), 0, "configure A");
	IS(op(ifd, a, VFIO_EEH_PE_RESET_FUNDAMENTAL), 0, "fundamental reset of A falls back to hot");
	IS(op(ifd, c0, VFIO_EEH_PE_RESET_HOT), 0, "hot reset of C0 reaching C0 and C1, both owned");
	IS(op(ifd, d0, VFIO_EEH_PE_RESET_HOT), -EPERM, "hot reset of D0 refused: D1 not owned");
	IS(op(ifd, r, VFIO_EEH_PE_RESET_HOT), -ENODEV, "no bus reset for R on the root bus");
	IS(op(ifd, r, VFIO_EEH_PE_RESET_FUNDAMENTAL), -ENODEV, "nor a fundamental one");

	/* The rest of the doc/pe-op-routes.md table's x86 column: no EEH
	 * state exists, so what needs it is refused. */
	IS(op(ifd, a, VFIO_EEH_PE_DISABLE), 0, "x86: DISABLE does nothing");
	IS(op(ifd, a, VFIO_EEH_PE_ENABLE), -EIO, "x86: ENABLE is EIO (no EEH)");
	IS(op(ifd, a, VFIO_EEH_PE_GET_STATE), -EOPNOTSUPP, "x86: GET_STATE is EOPNOTSUPP");
	IS(op(ifd, a, VFIO_EEH_PE_UNFREEZE_IO), -EOPNOTSUPP, "x86: UNFREEZE_IO is EOPNOTSUPP");
	IS(op(ifd, a, VFIO_EEH_PE_UNFREEZE_DMA), -EOPNOTSUPP, "x86: UNFREEZE_DMA is EOPNOTSUPP");
	IS(op(ifd, a, VFIO_EEH_PE_INJECT_ERR), -ENOENT, "x86: INJECT_ERR is ENOENT");

	/* The RTAS front end: no EEH on a PHB whose reset cannot happen. On
	 * x86 the host has no EEH, so every PHB answers -3 anyway: the log
	 * shows which PHB the route's probe (INFO: ENODEV) marked. */
	IS(eeh_vm_new(ctx, NULL, NULL, &vm), 0, "vm: new");
	if (vm) {
		eeh_set_log_fn(ctx, log_fn);
		eeh_set_log_priority(ctx, LOG_INFO);
		logbuf[0] = '\0';
		IS(eeh_vm_add_phb_iommufd(vm, 0x800000020000001ULL, ifd, a), 0, "vm: PHB on A");
		ok(!strstr(logbuf, "EEH unavailable"), "vm: A's device route has a reset");
		IS(eeh_vm_add_phb_iommufd(vm, 0x800000020000002ULL, ifd, r), 0, "vm: PHB on R");
		ok(strstr(logbuf, "no bus reset for device") != NULL,
		   "vm: R's PHB has no EEH: its device has no bus reset");
		eeh_set_log_priority(ctx, LOG_ERR);
		args[0] = 0;
		args[1] = 0x8000000;
		args[2] = 0x20000002;
		memset(rets, 0xff, sizeof(rets));
		eeh_vm_rtas_call_by_name(vm, "ibm,read-slot-reset-state2", 3, args, 4, rets);
		IS((int32_t)rets[0], -3, "vm: R's PHB has no EEH (-3)");
		eeh_vm_unref(vm);
	}
	eeh_iommufd_close(ifd);
}

/* IOMMU_TEST mock domains: errnos and IDs with a domain the fake kernel
 * models (the mock's aperture). Raw ioctl for the mock device; the rest
 * through libeeh. */
struct mock_cmd {
	uint32_t size, op, id, reserved;
	uint32_t out_stdev_id, out_hwpt_id, out_idev_id, pad;
	uint8_t rest[128]; /* the rest of 6.12's union and 'last', zero */
};
#define IOMMU_TEST_CMD _IO(IOMMUFD_TYPE, 0xa0)
#define IOMMU_TEST_OP_MOCK_DOMAIN 2

static void mock(struct eeh_ctx *ctx)
{
	struct eeh_iommufd *ifd = NULL;
	struct eeh_iova_range v[4];
	struct mock_cmd m;
	unsigned int n = 4;
	uint32_t ioas = 0;
	int rc;

	if (eeh_iommufd_open(ctx, 0, &ifd))
		return;
	IS(eeh_iommufd_ioas_alloc(ifd, &ioas), 0, "mock: ioas");
	memset(&m, 0, sizeof(m));
	/* Larger than 6.12's struct: copy_struct_from_user() takes a zero tail. */
	m.size = sizeof(m);
	m.op = IOMMU_TEST_OP_MOCK_DOMAIN;
	m.id = ioas;
	rc = ioctl(eeh_iommufd_fd(ifd), IOMMU_TEST_CMD, &m);
	ok(rc == 0, "mock: IOMMU_TEST mock domain on the IOAS (%s)", rc ? strerror(errno) : "ok");
	if (rc == 0) {
		rc = eeh_iommufd_iova_ranges(ifd, ioas, v, &n);
		ok(rc == 0 && n == 1 && v[0].start == 1ULL << 24 && v[0].last == (1ULL << 31) - 1,
		   "mock: IOVA range is the mock aperture [1<<24, 2^31-1]");
		IS(eeh_iommufd_destroy(ifd, ioas), -EBUSY, "mock: IOAS with the mock domain busy");
		IS(eeh_iommufd_destroy(ifd, m.out_hwpt_id), -EBUSY, "mock: its HWPT busy");
		IS(eeh_iommufd_destroy(ifd, m.out_stdev_id), 0, "mock: destroying the mock device");
		IS(eeh_iommufd_destroy(ifd, m.out_hwpt_id), -ENOENT, "mock: auto HWPT went with it");
		IS(eeh_iommufd_destroy(ifd, ioas), 0, "mock: then the IOAS goes");
	}
	eeh_iommufd_close(ifd);
}

/* "vm-test mock": the second boot, without intel-iommu, where the
 * selftest's mock IOMMU is the only one (with both, the mock device does
 * not bind: EINVAL). */
static int main_mock(void)
{
	struct eeh_ctx *ctx = NULL;

	IS(eeh_new_host(NULL, &ctx), 0, "mock boot: host context");
	if (ctx) {
		mock(ctx);
		eeh_unref(ctx);
	}
	printf("%u passed, %u failed\n", npass, nfail);
	return nfail ? 1 : 0;
}

/* "vm-test compat": the boot of the kernel whose /dev/vfio/vfio is
 * iommufd's VFIO compat container (IOMMUFD_VFIO_CONTAINER=y): EEH is
 * refused there and no SPAPR or EEH ioctl is issued. */
static int main_compat(void)
{
	struct vfio_eeh_pe_op o = { .argsz = sizeof(o), .op = VFIO_EEH_PE_GET_STATE };
	struct vfio_iommu_spapr_tce_info ti = { .argsz = sizeof(ti) };
	struct eeh_container *c = NULL;
	struct eeh_ctx *ctx = NULL;
	char link[256], buf[256];
	int group = -1, fd;
	ssize_t n;

	IS(bind_vfio(B), 0, "compat: bind B to vfio-pci");
	snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s/iommu_group", B);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		group = atoi(strrchr(buf, '/') + 1);
	}
	ok(group >= 0, "compat: B's IOMMU group %d", group);
	fd = open("/dev/vfio/vfio", O_RDWR);
	ok(fd >= 0 && ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) == 1 &&
	   ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_UNMAP_ALL) == 1,
	   "compat: /dev/vfio/vfio is iommufd's (type1v2 and UNMAP_ALL)");
	if (fd >= 0)
		close(fd);
	IS(eeh_new_host(NULL, &ctx), 0, "compat: host context");
	if (!ctx)
		goto out;
	eeh_set_syscalls(ctx, &counting, NULL);
	IS(eeh_container_open(ctx, -1, 0, &c), 0, "compat: container open");
	if (c) {
		IS(eeh_container_eeh_supported(c), -EOPNOTSUPP, "compat: EEH refused");
		IS(eeh_container_iommu_type(c), 0, "compat: no SPAPR IOMMU set");
		IS(eeh_container_add_group(c, group), 0, "compat: B's group joins");
		IS(eeh_container_group_count(c), 1, "compat: one group");
		IS(eeh_container_pe_op(c, &o), -EOPNOTSUPP, "compat: PE op refused");
		IS(eeh_container_spapr_info(c, &ti), -EOPNOTSUPP, "compat: no SPAPR info");
		IS(eeh_container_remove_group(c, group), 0, "compat: group leaves");
		eeh_container_close(c);
	}
	eeh_set_syscalls(ctx, NULL, NULL);
	ok(ioctl_count[ON_CONTAINER][_IOC_NR(VFIO_CHECK_EXTENSION)] > 0 &&
	   ioctl_count[ON_GROUP][_IOC_NR(VFIO_GROUP_SET_CONTAINER)] == 1,
	   "compat: extensions probed, the group set on the container");
	ok(!ioctl_count[ON_CONTAINER][_IOC_NR(VFIO_SET_IOMMU)] &&
	   !ioctl_count[ON_CONTAINER][_IOC_NR(VFIO_IOMMU_SPAPR_TCE_GET_INFO)] &&
	   !ioctl_count[ON_CONTAINER][_IOC_NR(VFIO_EEH_PE_OP)],
	   "compat: no SET_IOMMU, SPAPR GET_INFO or VFIO_EEH_PE_OP issued");
	eeh_unref(ctx);
out:
	printf("%u passed, %u failed\n", npass, nfail);
	return nfail ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const char *const bdfs[] = { A, B, C0, C1, D0, R };
	char cd[6][64];
	struct eeh_ctx *ctx = NULL;

	if (argc > 1 && !strcmp(argv[1], "mock"))
		return main_mock();
	if (argc > 1 && !strcmp(argv[1], "compat"))
		return main_compat();
	for (size_t i = 0; i < 6; i++) {
		IS(bind_vfio(bdfs[i]), 0, bdfs[i]);
		ok(cdev_of(bdfs[i], cd[i], sizeof(cd[i])) != NULL, "%s has a VFIO cdev", bdfs[i]);
	}
	ok(access("/dev/iommu", F_OK) == 0, "/dev/iommu exists");
	IS(eeh_new_host(NULL, &ctx), 0, "host context");
	if (!ctx)
		goto out;
	scenario(ctx, cd);
	resets(ctx, cd[0], cd[2], cd[3], cd[4], cd[5]);
	eeh_unref(ctx);
out:
	printf("1..%u\n", npass + nfail);
	printf("%u passed, %u failed\n", npass, nfail);
	fflush(stdout);
	return nfail ? 1 : 0;
}
