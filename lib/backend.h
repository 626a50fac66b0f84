/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The backend contract: what a platform (the simulated POWER host in
 * sim.c, the real host's sysfs/debugfs in host.c) gives the rest of the
 * library, as the kernel's eeh_ops are to the kernel. Private.
 *
 * Required hooks: open, get_state, set_option. Everything else is
 * optional: a hook with a capability bit is called only when the backend
 * announces the bit; an optional hook without a bit may be NULL and its
 * comment says what NULL means. Code outside the backend asks the bits,
 * never which backend it is talking to.
 */
#ifndef EEH_BACKEND_H
#define EEH_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct eeh_ctx;
struct eeh_pe;
struct eeh_func;
struct json_object;
struct topo_loader;
struct vfio_eeh_pe_op;

/* reset: EEH_RESET_HOT and EEH_RESET_DEACTIVATE. Without it a reset is
 * -EOPNOTSUPP (the host kernel has no file for PE resets). */
#define EEH_BACKEND_CAP_HOT_RESET (1u << 0)
/* reset also takes EEH_RESET_FUNDAMENTAL, but a PE may lack it: the reset
 * answers EEH_RTAS_NO_FRESET and pe_has_freset says so beforehand.
 * Without the bit every PE offers one (the kernel decides). */
#define EEH_BACKEND_CAP_FRESET (1u << 1)
/* configure (ibm,configure-pe). Without it CONFIGURE succeeds doing
 * nothing, as the kernel's did before June 2025. */
#define EEH_BACKEND_CAP_CONFIGURE (1u << 2)
/* err_inject. Without it INJECT_ERR is -ENOENT. */
#define EEH_BACKEND_CAP_INJECT (1u << 3)
/* cfg_access, mmio_access, dma_access. Without them config space is the
 * model's image, MMIO the model's register file, DMA -EOPNOTSUPP. */
#define EEH_BACKEND_CAP_DEVICE_ACCESS (1u << 4)
/* pe_op: a kernel runs the whole PE op (its own eeh_pe_op(), recovery
 * and all); the library's engine (eeh/pe-op.c) only checks arguments. */
#define EEH_BACKEND_CAP_KERNEL_PE_OP (1u << 5)
/* The host's kernel is simulated too: a VFIO container or an iommufd
 * opened without an fd is an in-process model of the kernel's objects
 * (vfio-container.c, iommufd-sim.c), and injections leave a record
 * (sim-inject.c). Without it they are the real kernel's. */
#define EEH_BACKEND_CAP_SIM_KERNEL (1u << 6)

/* A PE reached through an iommufd device (no container) takes RESET_HOT,
 * RESET_FUNDAMENTAL (as hot), RESET_DEACTIVATE and CONFIGURE through the
 * iommufd device route (lib/iommufd-reset.c): a VFIO bus reset through
 * the device's cdev, ordered around this backend's get_state and
 * set_option(THAW). Whether a given device has that bus reset is the
 * route's to say (iofd_reset_probe(): -ENODEV on a PHB root bus); the
 * RTAS front end then offers no EEH on that PHB. */
#define EEH_BACKEND_CAP_DEVICE_RESET (1u << 7)

_Static_assert((EEH_BACKEND_CAP_HOT_RESET ^ EEH_BACKEND_CAP_FRESET ^ EEH_BACKEND_CAP_CONFIGURE ^
		EEH_BACKEND_CAP_INJECT ^ EEH_BACKEND_CAP_DEVICE_ACCESS ^
		EEH_BACKEND_CAP_KERNEL_PE_OP ^ EEH_BACKEND_CAP_SIM_KERNEL ^
		EEH_BACKEND_CAP_DEVICE_RESET) ==
	       (EEH_BACKEND_CAP_HOT_RESET | EEH_BACKEND_CAP_FRESET | EEH_BACKEND_CAP_CONFIGURE |
		EEH_BACKEND_CAP_INJECT | EEH_BACKEND_CAP_DEVICE_ACCESS |
		EEH_BACKEND_CAP_KERNEL_PE_OP | EEH_BACKEND_CAP_SIM_KERNEL |
		EEH_BACKEND_CAP_DEVICE_RESET),
	       "every capability has a bit of its own");

struct eeh_backend_ops {
	const char *name; /* EEH_BACKEND=<name> chooses it */
	unsigned int caps; /* EEH_BACKEND_CAP_* */
	/* Bytes of per-PE state the backend keeps after struct eeh_pe
	 * (pe_priv()). Its first EEH_PE_PRIV_HOT bytes share a cache line
	 * with the PE fields GET_STATE reads: put lock-free-read state there. */
	size_t pe_priv_size;

	/* ---- choice (backend.c walks the table) ---- */
	/* Optional: true when this host is the backend's without being asked
	 * (EEH_BACKEND unset). NULL: never chosen that way, unless last. */
	bool (*detect)(void);
	/* Required: a context on this backend, configured from the
	 * environment (EEH_ROOT, EEH_IMAGE, EEH_TOPOLOGY). 0 or -errno. */
	int (*open)(struct eeh_ctx **out);

	/* ---- PE life; optional, NULL: nothing to do ---- */
	/* A new PE, its private area zeroed. */
	void (*pe_init)(struct eeh_pe *pe);
	/* Free what the private area owns (the PE's memory is the model's). */
	void (*pe_release)(struct eeh_pe *pe);
	/* Topology files and images (topology.c): read this backend's part
	 * of a PE object (with_state: its "state" object too, of which
	 * topology_load_pe_common() reads the kernel's part); add its keys
	 * to a PE object; make the PE's "state" object (with
	 * topology_save_pe_common()). Without pe_save_state a context saves
	 * no state. */
	int (*pe_load)(struct topo_loader *ld, struct eeh_pe *pe, struct json_object *jpe,
		       bool with_state);
	void (*pe_save)(struct eeh_pe *pe, struct json_object *jpe);
	struct json_object *(*pe_save_state)(struct eeh_pe *pe);

	/* ---- the kernel's eeh_ops ---- */
	/* Required. EEH_STATE_* bits, or -errno; *delay_ms the suggested wait
	 * when UNAVAILABLE. Called without the PE lock: lock-free. */
	int (*get_state)(struct eeh_pe *pe, unsigned int *delay_ms);
	/* Required. EEH_OPT_*: 0, or an EEH_RTAS_* status (PARAM_ERROR,
	 * STATE_CHANGE) or -errno. */
	int (*set_option)(struct eeh_pe *pe, int option);
	/* CAP_HOT_RESET. EEH_RESET_*: the firmware call only (no waits): 0 or
	 * an EEH_RTAS_* status (PARAM_ERROR, STATE_CHANGE, NO_FRESET). */
	int (*reset)(struct eeh_pe *pe, int option);
	/* CAP_FRESET: whether pe offers a fundamental reset. */
	bool (*pe_has_freset)(struct eeh_pe *pe);
	/* CAP_CONFIGURE. 0 or an EEH_RTAS_* status. */
	int (*configure)(struct eeh_pe *pe);
	/* CAP_INJECT. An IOA bus error (type 0/1, function 0..19). */
	int (*err_inject)(struct eeh_pe *pe, unsigned int type, unsigned int func, uint64_t addr,
			  uint64_t mask);
	/* Optional, pe->lock held: host recovery gave the PE up; the kernel
	 * then logs eeh_slot_error_detail(EEH_LOG_PERM), which on PAPR leaves
	 * the PE permanently unavailable. NULL: nothing to do. */
	void (*pe_perm_failure)(struct eeh_pe *pe);
	/* CAP_KERNEL_PE_OP. The whole VFIO_EEH_PE_OP, arguments checked. */
	int (*pe_op)(struct eeh_pe *pe, struct vfio_eeh_pe_op *op);
	/* CAP_DEVICE_ACCESS. The device's answer, the PE's state applied. */
	int (*cfg_access)(struct eeh_func *func, bool write, unsigned int off, unsigned int size,
			  uint32_t *val);
	int (*mmio_access)(struct eeh_func *func, bool write, unsigned int bar, uint64_t off,
			   unsigned int size, uint64_t *val);
	int (*dma_access)(struct eeh_func *func, bool write, uint64_t addr, size_t len);
	/* Optional: free the backend's per-context state (ctx->backend). */
	void (*destroy)(struct eeh_ctx *ctx);
};

/*
 * The backends, in the order auto-detection tries them (backend.c): the
 * first whose detect() says yes, else the last one. EEH_BACKEND=<name>
 * picks one by name; an unknown name is -EINVAL.
 */
extern const struct eeh_backend_ops host_backend_ops; /* host.c */
extern const struct eeh_backend_ops sim_backend_ops;  /* sim.c */

static inline bool backend_has(const struct eeh_backend_ops *ops, unsigned int cap)
{
	return ops && (ops->caps & cap) == cap;
}

/* Whether ctx's backend has cap (libeeh-private.h, after struct eeh_ctx). */
static inline bool ctx_has(const struct eeh_ctx *ctx, unsigned int cap);

/*
 * Routes to a kernel. Beside the backend, a PE op can reach a kernel by
 * one of two named routes, each taken before the backend is asked:
 *
 * - VFIO container (lib/vfio-container.c): VFIO_EEH_PE_OP on a legacy
 *   container with the SPAPR TCE IOMMU, the only kernel path for EEH
 *   today (drivers/vfio/vfio_iommu_spapr_tce.c). Taken by every
 *   eeh_pe_op() on a PE whose group is in a kernel container
 *   (pe->container, set while the group is there), and by
 *   eeh_container_pe_op(); the container must hold exactly one group.
 *   A simulated container (no fd) runs the op through the engine.
 *
 * - iommufd device (lib/iommufd.c): eeh_iommufd_pe_op() names a device
 *   object ID bound to an iommufd; the ID's IOAS must hold one group, whose
 *   PE then takes the op through eeh_pe_op() (and so through a container
 *   route if there is one). No iommufd ioctl carries PE ops yet: the
 *   object selects the PE (iommufd_device_pe()). With
 *   EEH_BACKEND_CAP_DEVICE_RESET and no container holding the PE, its
 *   resets and CONFIGURE are composed from VFIO_DEVICE_PCI_HOT_RESET on
 *   the device's cdev (lib/iommufd-reset.c, doc/pe-op-routes.md).
 */

#endif
