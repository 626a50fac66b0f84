/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sPAPR DMA windows (spapr-dma.c): what the legacy-container entry point
 * (eeh/spapr-ioctl.c) and the hypercalls (eeh/rtas-ddw.c) share with lib/.
 */
#ifndef EEH_SPAPR_DMA_H
#define EEH_SPAPR_DMA_H

#include "libeeh-private.h"

/* The DMA requests of the SPAPR TCE v2 container (everything but
 * VFIO_EEH_PE_OP), answered as vfio_iommu_spapr_tce.c does. */
int spapr_compat_ioctl(struct eeh_spapr *sp, unsigned long request, void *arg);
/* A device of the IOAS (for VFIO_EEH_PE_OP), 0 if none. */
uint32_t spapr_devid(struct eeh_spapr *sp);
struct eeh_iommufd *spapr_iommufd(struct eeh_spapr *sp);
/* Bytes of every TCE table libeeh holds for sp (shadow tables). */
size_t spapr_table_bytes(struct eeh_spapr *sp);

#endif
