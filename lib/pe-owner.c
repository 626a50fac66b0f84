/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * VFIO ownership of a PE's functions: the kernel's eeh_dev_open(),
 * eeh_dev_release() and eeh_pe_change_owner() (arch/powerpc/kernel/eeh.c),
 * and the group/cdev exclusion of drivers/vfio/group.c.
 *
 * vfio-pci opens a device through a group in a container or a cdev bound
 * to an iommufd; either way the kernel counts the device in its PE's
 * pass_dev_cnt, and a PE with a non-zero count is "passed": the host no
 * longer detects or recovers its errors, the owner does, through
 * VFIO_EEH_PE_OP. Each open and each release first clears a frozen state
 * so the new owner starts with a working PE.
 */
#include "libeeh-private.h"

/* eeh_reset_ids: Emulex BE, Emulex Lancer, Broadcom BCM5719. */
static const struct {
	uint16_t vendor, device;
} reset_ids[] = { { 0x19a2, 0x0710 }, { 0x10df, 0xe220 }, { 0x14e4, 0x1657 } };

bool pe_resets_on_owner_change(struct eeh_pe *pe)
{
	struct eeh_func *f;

	eeh_func_foreach(pe, f)
		for (size_t i = 0; i < ARRAY_SIZE(reset_ids); i++)
			if (f->vendor == reset_ids[i].vendor && f->device == reset_ids[i].device)
				return true;
	return false;
}

static bool active(int s)
{
	return (s & (EEH_STATE_MMIO_ACTIVE | EEH_STATE_DMA_ACTIVE)) ==
	       (EEH_STATE_MMIO_ACTIVE | EEH_STATE_DMA_ACTIVE);
}

/* eeh_pe_reset_and_recover(): one hot reset with the kernel's hold and
 * settle times, then the saved BARs back. */
static int reset_and_recover(struct eeh_pe *pe)
{
	struct eeh_ctx *ctx = pe->phb->ctx;
	struct eeh_func *f;
	int rc;

	pe_subtree_set_flags(pe, EEH_PE_RESET | EEH_PE_CFG_BLOCKED, 0);
	rc = pe_backend_reset(pe, EEH_RESET_HOT);
	eeh_clock_sleep(ctx, EEH_RST_HOLD_US);
	if (!rc)
		rc = pe_backend_reset(pe, EEH_RESET_DEACTIVATE);
	eeh_clock_sleep(ctx, EEH_RST_SETTLE_US);
	pe_subtree_set_flags(pe, 0, EEH_PE_RESET | EEH_PE_CFG_BLOCKED);
	if (rc)
		return rc < 0 ? rc : -EIO;
	eeh_func_foreach(pe, f)
		func_restore_bars(f);
	return 0;
}

/* eeh_unfreeze_pe(): MMIO, then DMA, each only when stopped (pHyp
 * refuses to thaw what is not frozen). */
static int unfreeze(struct eeh_pe *pe)
{
	const struct eeh_backend_ops *ops = pe->phb->ctx->ops;
	int s = ops->get_state(pe, NULL);

	if (s >= 0 && !(s & (EEH_STATE_MMIO_ACTIVE | EEH_STATE_MMIO_ENABLED)))
		ops->set_option(pe, EEH_OPT_THAW_MMIO);
	s = ops->get_state(pe, NULL);
	if (s >= 0 && !(s & EEH_STATE_DMA_ACTIVE))
		ops->set_option(pe, EEH_OPT_THAW_DMA);
	s = ops->get_state(pe, NULL);
	if (s < 0)
		return s;
	return active(s) ? 0 : -EIO;
}

int pe_change_owner(struct eeh_pe *pe)
{
	int s = pe->phb->ctx->ops->get_state(pe, NULL), rc;

	/* Unreadable, unsupported (permanently failed) or working: nothing. */
	if (s < 0 || s == EEH_STATE_NOT_SUPPORT || active(s))
		return 0;
	if (pe_resets_on_owner_change(pe)) {
		rc = reset_and_recover(pe);
		if (rc)
			return rc;
	}
	rc = unfreeze(pe);
	if (rc)
		return rc;
	pe_subtree_set_flags(pe, 0, EEH_PE_ISOLATED);
	return 0;
}

int pe_own(struct eeh_pe *pe, enum pe_owner how, unsigned int nfuncs)
{
	int rc = 0;

	pthread_mutex_lock(&pe->lock);
	/* vfio_group_fops_open() and vfio_device_block_group(): a group is
	 * used through its group fd (a container) or its devices' cdevs
	 * (an iommufd), never both. */
	if (how == PE_OWNER_GROUP ? !pe->owner_groups && atomic_load(&pe->pass_dev_cnt)
				  : pe->owner_groups > 0) {
		rc = -EBUSY;
		goto out;
	}
	/* eeh_dev_open(): vfio-pci ignores a failed ownership change, so the
	 * device is owned either way; the count is what the host checks. */
	if (pe_change_owner(pe))
		warn(pe->phb->ctx, "%s: cannot clear the frozen state for its new owner",
		     pe->name);
	if (how == PE_OWNER_GROUP)
		pe->owner_groups++;
	atomic_fetch_add(&pe->pass_dev_cnt, (uint16_t)nfuncs);
out:
	pthread_mutex_unlock(&pe->lock);
	return rc;
}

void pe_disown(struct eeh_pe *pe, enum pe_owner how, unsigned int nfuncs)
{
	unsigned int n;

	pthread_mutex_lock(&pe->lock);
	/* eeh_dev_release(): only while passed; never below 0. */
	n = atomic_load(&pe->pass_dev_cnt);
	if (n) {
		atomic_store(&pe->pass_dev_cnt, (uint16_t)(n > nfuncs ? n - nfuncs : 0));
		if (how == PE_OWNER_GROUP && pe->owner_groups)
			pe->owner_groups--;
		if (pe_change_owner(pe))
			warn(pe->phb->ctx, "%s: cannot clear the frozen state on release",
			     pe->name);
	}
	pthread_mutex_unlock(&pe->lock);
}
