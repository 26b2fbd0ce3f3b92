/* SPDX-License-Identifier: MIT */
/*
 * The test VM's control channel: from inside a QEMU guest, ask QEMU itself to
 * unplug a controller ("power off"), plug it back in with its original
 * configuration ("power on"), or set its SMART critical warning.
 *
 * The channel is a virtio-serial port named "org.nvmetest.qmp" whose host side
 * is a QMP monitor of the same QEMU, plus a table of the controllers that can
 * be plugged back in, /run/nvmetest/vm-controllers, one line each:
 *
 *	<bdf> <qemu id> <device_add arguments as one JSON object>
 *
 * tests/vm/run sets both up (see tests/vm/README.md). Outside such a VM the
 * channel is absent and every function but nvt_vm_channel_available() fails
 * with -ENOTCONN.
 *
 * The port can be open in one process at a time: a call waits (up to its
 * timeout) while another process uses it. Calls are serialised within a
 * process.
 */
#ifndef NVMETEST_VMCHANNEL_H
#define NVMETEST_VMCHANNEL_H

#ifdef __cplusplus
extern "C" {
#endif

/* Name of the virtio-serial port (/sys/class/virtio-ports/<port>/name). */
#define NVT_VM_PORT_NAME	"org.nvmetest.qmp"
/* The controllers the channel can plug back in. */
#define NVT_VM_CONTROLLERS	"/run/nvmetest/vm-controllers"
/* How long a call waits for QEMU and the guest's PCI bus, in milliseconds. */
#define NVT_VM_TIMEOUT_MS	120000

/**
 * nvt_vm_channel_available() - is this a test VM with a control channel?
 *
 * Return: 1 if the port and the controller table are there, else 0.
 *
 * Thread-safety: safe.
 */
int nvt_vm_channel_available(void);

/**
 * nvt_vm_poweroff() - unplug a controller from the VM (QMP device_del).
 * @bdf: the controller's PCI address, "dddd:bb:dd.f" or "bb:dd.f".
 *
 * The guest's hot-plug driver removes the function (its driver's remove()
 * runs, so nvmetest.ko unbinds it and publishes a "removed" event) and QEMU
 * deletes the device. Its namespaces stay in QEMU, with their data, for
 * nvt_vm_poweron(). Handles still open on the controller do not hold the
 * removal up: from then on their calls fail (-ENODEV); close them.
 *
 * Return: 0 once the function is gone from the guest's PCI bus and QEMU has
 * deleted it; -EINVAL (@bdf NULL or malformed); -ENOTCONN (no control
 * channel); -ENOENT (@bdf is not a controller in the table); -EALREADY (it
 * is not on the PCI bus); -EBUSY (another process kept the port for the
 * whole timeout); -EIO (QEMU refused; its reason is logged); -ETIMEDOUT;
 * another errno of reading or writing the port.
 *
 * Thread-safety: safe.
 */
int nvt_vm_poweroff(const char *bdf);

/**
 * nvt_vm_poweron() - plug a controller unplugged by nvt_vm_poweroff() back in.
 * @bdf: the controller's PCI address, "dddd:bb:dd.f" or "bb:dd.f".
 *
 * QMP device_add with the controller's original arguments: the same slot
 * (so the same BDF), serial and settings, and the same namespaces (they
 * belong to the controller's NVM subsystem in QEMU). The function comes back
 * unbound: bind it to nvmetest again (`nvmetest bind BDF`).
 *
 * Return: 0 once the function is on the guest's PCI bus; the errors of
 * nvt_vm_poweroff(), with -EALREADY meaning it is already on the bus.
 *
 * Thread-safety: safe.
 */
int nvt_vm_poweron(const char *bdf);

/**
 * nvt_vm_set_smart_warning() - set the controller's SMART critical warning.
 * @bdf: the controller's PCI address, "dddd:bb:dd.f" or "bb:dd.f".
 * @value: the Critical Warning byte of the SMART / Health log (bits 0-4
 *	defined); QEMU's smart_critical_warning property.
 *
 * QEMU raises one SMART / Health asynchronous event per newly set bit that
 * Asynchronous Event Configuration enables (and an AER is outstanding).
 *
 * Return: 0; -EINVAL (@bdf NULL or malformed, @value above 0xff); the other
 * errors of nvt_vm_poweroff() except -EALREADY (a controller that is powered
 * off gives -EIO: QEMU has no such device).
 *
 * Thread-safety: safe.
 */
int nvt_vm_set_smart_warning(const char *bdf, unsigned int value);

#ifdef __cplusplus
}
#endif

#endif /* NVMETEST_VMCHANNEL_H */
