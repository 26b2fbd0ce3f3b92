// SPDX-License-Identifier: GPL-2.0
/*
 * nvmetest.ko: module init and exit.
 *
 * Init registers, in order: the char device region, the class (whose
 * devnode callback makes /dev/nvmetestN mode 0600), the module's workqueue,
 * the generic netlink family and, last, the PCI driver, so that a probe
 * finds everything it needs. Exit undoes the same steps in reverse; the
 * workqueue goes after the PCI driver (unbinding queues buffer frees and
 * events on it) and its destruction runs whatever is still queued before
 * the netlink family goes.
 *
 * Unloading: every open /dev/nvmetestN holds a reference on this module
 * (nvtk_fops.owner = THIS_MODULE, taken by the char device open), even after
 * its controller was unbound. While any file is open, delete_module() fails
 * with EWOULDBLOCK (= EAGAIN; rmmod reports "Module nvmetest is in use"); it
 * succeeds after the last close. Bound but unopened controllers do not hold
 * the module: exit unregisters the PCI driver, which unbinds them.
 */
#include <linux/module.h>

#include "compat.h"
#include "nvtk.h"

/* Registered at init, constant until exit. */
dev_t nvtk_devt;
struct class *nvtk_class;

/* Minor numbers of bound controllers (the IDA has its own locking). */
DEFINE_IDA(nvtk_minors);

/*
 * Deferred work of every controller: buffer frees from atomic context,
 * netlink events, the admin tick. Created at init, constant until exit.
 */
struct workqueue_struct *nvtk_wq;

static char *nvtk_devnode(NVTK_DEVNODE_CONST struct device *dev, umode_t *mode)
{
	if (mode)
		*mode = 0600;
	return NULL;
}

static int __init nvtk_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&nvtk_devt, 0, NVTK_MINORS, NVTK_NAME);
	if (ret)
		return ret;

	nvtk_class = nvtk_class_create(NVTK_NAME);
	if (IS_ERR(nvtk_class)) {
		ret = PTR_ERR(nvtk_class);
		goto err_chrdev;
	}
	nvtk_class->devnode = nvtk_devnode;

	nvtk_wq = alloc_workqueue(NVTK_NAME, 0, 0);
	if (!nvtk_wq) {
		ret = -ENOMEM;
		goto err_class;
	}

	ret = nvtk_genl_init();
	if (ret)
		goto err_wq;

	ret = pci_register_driver(&nvtk_pci_driver);
	if (ret)
		goto err_genl;

	return 0;

err_genl:
	nvtk_genl_exit();
err_wq:
	destroy_workqueue(nvtk_wq);
err_class:
	class_destroy(nvtk_class);
err_chrdev:
	unregister_chrdev_region(nvtk_devt, NVTK_MINORS);
	return ret;
}

static void __exit nvtk_exit(void)
{
	pci_unregister_driver(&nvtk_pci_driver);
	destroy_workqueue(nvtk_wq);
	nvtk_genl_exit();
	class_destroy(nvtk_class);
	unregister_chrdev_region(nvtk_devt, NVTK_MINORS);
	ida_destroy(&nvtk_minors);
}

module_init(nvtk_init);
module_exit(nvtk_exit);

MODULE_DESCRIPTION("nvmetest: drive an NVMe controller command by command from user space");
MODULE_LICENSE("GPL");
