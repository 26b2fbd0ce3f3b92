/* SPDX-License-Identifier: MIT */
/*
 * struct nvt_pcie: one PCI function bound to nvmetest.ko, opened through
 * its character device /dev/nvmetestN. It gives PCI config space access and
 * the capability lists; struct nvt_ctrl builds on it for the NVMe registers.
 *
 * An nvt_pcie is reference counted: every object made from it (a controller,
 * later queues and buffers) holds a reference, so objects may be closed in
 * any order. The file descriptor is closed with the last reference.
 */
#ifndef NVMETEST_PCIE_H
#define NVMETEST_PCIE_H

#include <stddef.h>
#include <stdint.h>
#include <nvmetest/uapi.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nvt_pcie;

/* Room for "dddd:bb:dd.f" (or a 5-digit domain) and its NUL. */
#define NVT_BDF_LEN	16

/**
 * struct nvt_pcie_info - what the module reports about the function.
 * @bdf: PCI address, "dddd:bb:dd.f".
 * @domain, @bus, @dev, @fn: the same address as numbers.
 * @vendor_id, @device_id, @subsys_vendor_id, @subsys_device_id: PCI ids.
 * @class_code: 24-bit class code (0x010802 for NVMe).
 * @config_size: bytes of config space (256, or 4096 with extended space).
 * @bar0_size: length of BAR0 in bytes.
 * @minor: N of /dev/nvmetestN.
 * @abi_version: NVT_ABI_VERSION of the module.
 * @features: NVT_FEATURE_* bits of the module.
 */
struct nvt_pcie_info {
	char bdf[NVT_BDF_LEN];
	uint32_t domain;
	uint8_t bus;
	uint8_t dev;
	uint8_t fn;
	uint16_t vendor_id;
	uint16_t device_id;
	uint16_t subsys_vendor_id;
	uint16_t subsys_device_id;
	uint32_t class_code;
	uint32_t config_size;
	uint64_t bar0_size;
	uint32_t minor;
	uint32_t abi_version;
	uint64_t features;
};

/**
 * struct nvt_pcie_cap - one entry of a capability list.
 * @offset: config-space offset of the capability header.
 * @id: capability ID (PCI_CAP_ID_* or, if @extended, PCI_EXT_CAP_ID_*).
 * @extended: 0 for the standard list, 1 for the extended list (at 0x100).
 * @version: capability version (extended capabilities only, else 0).
 */
struct nvt_pcie_cap {
	uint16_t offset;
	uint16_t id;
	uint8_t extended;
	uint8_t version;
};

/**
 * nvt_pcie_parse_bdf() - normalise a PCI address.
 * @name: "dddd:bb:dd.f" or "bb:dd.f" (domain 0), hexadecimal, any case.
 * @bdf: receives the address as "dddd:bb:dd.f", lower case.
 * @len: size of @bdf; NVT_BDF_LEN is always enough.
 *
 * Return: 0, -EINVAL if @name is not a PCI address, -ENOSPC if @len is
 * too small.
 *
 * Thread-safety: reentrant.
 */
int nvt_pcie_parse_bdf(const char *name, char *bdf, size_t len);

/**
 * nvt_pcie_open() - open a function bound to nvmetest.ko.
 * @name: "/dev/nvmetestN", "nvmetestN", a full PCI address "dddd:bb:dd.f"
 *	or a short one "bb:dd.f"; an address is looked up in sysfs.
 * @out: receives the new object, holding one reference.
 *
 * Checks that the module speaks NVT_ABI_VERSION.
 *
 * Return: 0; -EINVAL (@name or @out NULL or @name malformed); -ENOENT (no
 * such device node or PCI function); -ENODEV (the function is not bound to
 * nvmetest); -ENOTTY (the node is not an nvmetest device); -EPROTO (the
 * module has another ABI version); -ENOMEM; any errno of open(2).
 *
 * Thread-safety: reentrant.
 */
int nvt_pcie_open(const char *name, struct nvt_pcie **out);

/**
 * nvt_pcie_ref() - take another reference.
 * @pcie: the object.
 *
 * Each reference is dropped with nvt_pcie_close().
 *
 * Return: @pcie.
 *
 * Thread-safety: safe against concurrent nvt_pcie_ref()/nvt_pcie_close()
 * of other references.
 */
struct nvt_pcie *nvt_pcie_ref(struct nvt_pcie *pcie);

/**
 * nvt_pcie_close() - drop a reference.
 * @pcie: the object, or NULL (then nothing happens).
 *
 * The device is closed when the last reference goes, i.e. once every
 * object made from it is closed too.
 *
 * Thread-safety: the caller must not use this reference afterwards; other
 * references stay valid.
 */
void nvt_pcie_close(struct nvt_pcie *pcie);

/**
 * nvt_pcie_info() - copy what the module reported when the device opened.
 * @pcie: the object.
 * @info: receives the information.
 *
 * Return: 0, or -EINVAL if an argument is NULL.
 *
 * Thread-safety: safe; the information never changes.
 */
int nvt_pcie_info(struct nvt_pcie *pcie, struct nvt_pcie_info *info);

/**
 * nvt_pcie_fd() - the file descriptor of /dev/nvmetestN.
 * @pcie: the object.
 *
 * For poll(2) and for tests of the raw ioctl interface; it stays owned by
 * @pcie and is closed with its last reference.
 *
 * Return: the descriptor, or -EINVAL if @pcie is NULL.
 *
 * Thread-safety: safe.
 */
int nvt_pcie_fd(struct nvt_pcie *pcie);

/**
 * nvt_pcie_cfg_read() - read PCI config space.
 * @pcie: the object.
 * @offset: byte offset, a multiple of @width.
 * @width: 1, 2 or 4 bytes.
 * @value: receives the value, zero-extended.
 *
 * Return: 0; -EINVAL (bad @width, misaligned @offset, NULL argument);
 * -ERANGE (beyond the config space); -ENODEV (the device went away).
 *
 * Thread-safety: safe; each access is one ioctl.
 */
int nvt_pcie_cfg_read(struct nvt_pcie *pcie, uint32_t offset, unsigned int width,
		      uint32_t *value);

/**
 * nvt_pcie_cfg_write() - write PCI config space.
 * @pcie: the object.
 * @offset: byte offset, a multiple of @width.
 * @width: 1, 2 or 4 bytes.
 * @value: the value; bits above @width must be zero.
 *
 * Return: 0; -EINVAL (bad @width, misaligned @offset, @value too wide, NULL
 * @pcie); -ERANGE (beyond the config space); -ENODEV (the device went away).
 *
 * Thread-safety: safe; each access is one ioctl.
 */
int nvt_pcie_cfg_write(struct nvt_pcie *pcie, uint32_t offset, unsigned int width,
		       uint32_t value);

/**
 * nvt_pcie_caps() - list the capabilities, standard list then extended.
 * @pcie: the object.
 * @caps: receives up to @max entries, in list order; may be NULL if @max is 0.
 * @max: room in @caps.
 *
 * The walk stops at a malformed or looping list, so it always ends.
 *
 * Return: the number of capabilities found (which may exceed @max: call
 * again with more room), or a negative errno of nvt_pcie_cfg_read().
 *
 * Thread-safety: safe.
 */
int nvt_pcie_caps(struct nvt_pcie *pcie, struct nvt_pcie_cap *caps, unsigned int max);

/**
 * nvt_pcie_cap_offset() - find a capability in the standard list.
 * @pcie: the object.
 * @cap_id: PCI_CAP_ID_* (e.g. 0x01 power management, 0x10 PCI Express,
 *	0x11 MSI-X).
 *
 * Return: the config-space offset of the first such capability (>= 0x40),
 * -ENOENT if there is none, or a negative errno of nvt_pcie_cfg_read().
 *
 * Thread-safety: safe.
 */
int nvt_pcie_cap_offset(struct nvt_pcie *pcie, unsigned int cap_id);

/**
 * nvt_pcie_ext_cap_offset() - find a capability in the extended list.
 * @pcie: the object.
 * @ext_cap_id: PCI_EXT_CAP_ID_* (e.g. 0x01 AER, 0x03 serial number).
 *
 * Return: the config-space offset (>= 0x100), -ENOENT if there is none
 * (or no extended config space), or a negative errno of nvt_pcie_cfg_read().
 *
 * Thread-safety: safe.
 */
int nvt_pcie_ext_cap_offset(struct nvt_pcie *pcie, unsigned int ext_cap_id);

/**
 * nvt_pcie_cap_name() - the name of a capability ID.
 * @id: the capability ID.
 * @extended: 0 for a standard capability, non-zero for an extended one.
 *
 * Return: a static string such as "MSI-X" or "Advanced Error Reporting",
 * or NULL for an ID this library does not know.
 *
 * Thread-safety: reentrant.
 */
const char *nvt_pcie_cap_name(unsigned int id, int extended);

/**
 * nvt_pcie_read() - read a range of config space.
 * @pcie: the object.
 * @offset: first byte, any alignment.
 * @buf: receives @len bytes.
 * @len: bytes to read; 0 reads nothing.
 *
 * Done as the largest naturally aligned accesses (4, 2 or 1 bytes) that
 * fit, in increasing order of address.
 *
 * Return: 0; -EINVAL (NULL @pcie, or NULL @buf with @len > 0); -ERANGE
 * (the range goes beyond the config space); -ENODEV (the device went away).
 *
 * Thread-safety: safe; the range is not read atomically.
 */
int nvt_pcie_read(struct nvt_pcie *pcie, uint32_t offset, void *buf, size_t len);

/**
 * nvt_pcie_write() - write a range of config space.
 * @pcie: the object.
 * @offset: first byte, any alignment.
 * @buf: the @len bytes to write.
 * @len: bytes to write; 0 writes nothing.
 *
 * Done as nvt_pcie_read() splits it: a register that a write of part of it
 * affects (e.g. one with write-1-to-clear bits) sees only its own bytes.
 *
 * Return: as nvt_pcie_read().
 *
 * Thread-safety: safe; the range is not written atomically.
 */
int nvt_pcie_write(struct nvt_pcie *pcie, uint32_t offset, const void *buf, size_t len);

/**
 * nvt_pcie_register_read() - read a little-endian value of config space.
 * @pcie: the object.
 * @offset: its first byte, any alignment.
 * @size: 1, 2, 4 or 8 bytes.
 * @value: receives the value.
 *
 * Return: 0; -EINVAL (bad @size, NULL argument); -ERANGE; -ENODEV.
 *
 * Thread-safety: safe.
 */
int nvt_pcie_register_read(struct nvt_pcie *pcie, uint32_t offset, unsigned int size,
			   uint64_t *value);

/**
 * nvt_pcie_register_write() - write a little-endian value of config space.
 * @pcie: the object.
 * @offset: its first byte, any alignment.
 * @size: 1, 2, 4 or 8 bytes.
 * @value: the value; bits above @size bytes must be zero.
 *
 * Return: 0; -EINVAL (bad @size, @value too wide, NULL @pcie); -ERANGE;
 * -ENODEV.
 *
 * Thread-safety: safe.
 */
int nvt_pcie_register_write(struct nvt_pcie *pcie, uint32_t offset, unsigned int size,
			    uint64_t value);

/* ASPM states: the ASPM Control field of Link Control (PCIe 4.0 section 7.5.3.7). */
#define NVT_PCIE_ASPM_DISABLED	0
#define NVT_PCIE_ASPM_L0S	1
#define NVT_PCIE_ASPM_L1	2
#define NVT_PCIE_ASPM_L0S_L1	3

/**
 * nvt_pcie_aspm() - the function's ASPM control and what its link supports.
 * @pcie: the object.
 * @aspm: receives NVT_PCIE_ASPM_* from Link Control.
 * @supported: receives the ASPM Support field of Link Capabilities (bit 0
 *	L0s, bit 1 L1, so NVT_PCIE_ASPM_L0S_L1 = both), or NULL.
 *
 * Return: 0; -EINVAL (NULL @pcie or @aspm); -EOPNOTSUPP (no PCI Express
 * capability); a config read error.
 *
 * Thread-safety: safe.
 */
int nvt_pcie_aspm(struct nvt_pcie *pcie, unsigned int *aspm, unsigned int *supported);

/**
 * nvt_pcie_set_aspm() - set the function's ASPM control.
 * @pcie: the object.
 * @aspm: NVT_PCIE_ASPM_*.
 *
 * Writes only the ASPM Control field of the function's Link Control; the
 * other end of the link (the downstream port above it) is left alone. A
 * state the link does not support (Link Capabilities) is refused.
 *
 * Return: 0 once ASPM Control reads back @aspm; -EINVAL (@aspm above 3,
 * NULL @pcie); -EOPNOTSUPP (no PCI Express capability, or the link does
 * not support @aspm); -EIO (the field kept its old value: it is read-only
 * on this function, as on QEMU's emulated ones); a config access error.
 *
 * Thread-safety: safe against other calls on this function; a concurrent
 * write of Link Control by others may be lost.
 */
int nvt_pcie_set_aspm(struct nvt_pcie *pcie, unsigned int aspm);

/* PCI power states (PCI PM 1.2 section 3.2.4, PMCSR PowerState). */
#define NVT_PCIE_D0		0
#define NVT_PCIE_D1		1
#define NVT_PCIE_D2		2
#define NVT_PCIE_D3HOT		3

/**
 * nvt_pcie_power_state() - the function's power state.
 * @pcie: the object.
 * @state: receives NVT_PCIE_D0 .. NVT_PCIE_D3HOT (PMCSR bits 1:0).
 *
 * Return: 0; -EINVAL (NULL argument); -EOPNOTSUPP (no power management
 * capability); a config read error.
 *
 * Thread-safety: safe.
 */
int nvt_pcie_power_state(struct nvt_pcie *pcie, unsigned int *state);

/**
 * nvt_pcie_set_power_state() - put the function into a power state.
 * @pcie: the object.
 * @state: NVT_PCIE_D0 .. NVT_PCIE_D3HOT; D1 and D2 only if the function
 *	supports them (PMC).
 *
 * Writes PMCSR PowerState (PME_Status is not cleared) and waits the 10 ms
 * recovery time the PCI PM spec gives D3hot transitions. Leaving D0 saves
 * the config header and the PCI Express control registers; if the
 * function does not advertise No_Soft_Reset, it is reset internally on
 * D3hot -> D0, and this restores them (command register and BARs first)
 * as the kernel's pci_restore_state() would. The NVMe controller itself is
 * reset then (CC.EN is 0): initialise it again. In D3hot the PM spec
 * requires a function to answer config accesses only (QEMU's still
 * answers its BAR, and keeps its state: it sets No_Soft_Reset).
 *
 * Return: 0; -EINVAL (@state above 3, NULL @pcie); -EOPNOTSUPP (no power
 * management capability, or D1/D2 unsupported); a config access error.
 *
 * Thread-safety: one power state change at a time per function.
 */
int nvt_pcie_set_power_state(struct nvt_pcie *pcie, unsigned int state);

/**
 * struct nvt_pcie_link - the function's PCI Express link.
 * @speed: current link speed (Link Status): 1 = 2.5 GT/s, 2 = 5 GT/s,
 *	3 = 8 GT/s, 4 = 16 GT/s, 5 = 32 GT/s, 6 = 64 GT/s.
 * @width: negotiated link width (lanes).
 * @max_speed: maximum link speed (Link Capabilities), same encoding.
 * @max_width: maximum link width.
 */
struct nvt_pcie_link {
	uint8_t speed;
	uint8_t width;
	uint8_t max_speed;
	uint8_t max_width;
};

/**
 * nvt_pcie_link() - read the link's speed and width.
 * @pcie: the object.
 * @link: receives them.
 *
 * Return: 0; -EINVAL (NULL argument); -EOPNOTSUPP (no PCI Express
 * capability); a config read error.
 *
 * Thread-safety: safe.
 */
int nvt_pcie_link(struct nvt_pcie *pcie, struct nvt_pcie_link *link);

/**
 * nvt_pcie_link_speed_name() - a link speed code as text.
 * @speed: struct nvt_pcie_link @speed or @max_speed.
 *
 * Return: a static string such as "8 GT/s", or NULL for an unknown code.
 *
 * Thread-safety: reentrant.
 */
const char *nvt_pcie_link_speed_name(unsigned int speed);

#ifdef __cplusplus
}
#endif

#endif /* NVMETEST_PCIE_H */
