/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place for differences between the supported kernels
 * (Debian 12's 6.1 and 6.12). Guard by the version that changed the API,
 * never by distribution, and say what changed.
 */
#ifndef NVTK_COMPAT_H
#define NVTK_COMPAT_H

#include <linux/version.h>
#include <linux/device.h>
#include <linux/mm.h>
#include <linux/pci.h>

/* v6.4 dropped the owner argument of class_create(). */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0)
#define nvtk_class_create(name) class_create(THIS_MODULE, name)
#else
#define nvtk_class_create(name) class_create(name)
#endif

/* v6.2 made the device argument of struct class.devnode() const. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
#define NVTK_DEVNODE_CONST
#else
#define NVTK_DEVNODE_CONST const
#endif

/*
 * PCI_IRQ_LEGACY was renamed PCI_IRQ_INTX (the old name went in v6.10):
 * use the new name, mapped to the old one where the new is missing.
 */
#ifndef PCI_IRQ_INTX
#define PCI_IRQ_INTX PCI_IRQ_LEGACY
#endif

/* v6.3 made vma->vm_flags read-only: writers use vm_flags_set()/_clear(). */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
static inline void nvtk_vm_flags_set(struct vm_area_struct *vma, unsigned long flags)
{
	vma->vm_flags |= flags;
}

static inline void nvtk_vm_flags_clear(struct vm_area_struct *vma, unsigned long flags)
{
	vma->vm_flags &= ~flags;
}
#else
#define nvtk_vm_flags_set(vma, flags) vm_flags_set(vma, flags)
#define nvtk_vm_flags_clear(vma, flags) vm_flags_clear(vma, flags)
#endif

/* v6.8 dropped the count argument of eventfd_signal() (it always added 1). */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 8, 0)
#define nvtk_eventfd_signal(ctx) eventfd_signal(ctx, 1)
#else
#define nvtk_eventfd_signal(ctx) eventfd_signal(ctx)
#endif

/*
 * Generic netlink needs no guard: struct genl_family has .resv_start_op
 * (v6.0+), .policy and .maxattr on both kernels, and a family with plain
 * struct genl_ops (no split ops) and .mcgrps registers the same way on both.
 */

#endif /* NVTK_COMPAT_H */
