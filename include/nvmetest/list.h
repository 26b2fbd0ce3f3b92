/* SPDX-License-Identifier: MIT */
/*
 * Discovery: the controllers bound to nvmetest.ko, from the module's
 * generic netlink family NVT_GENL_NAME (uapi.h).
 */
#ifndef NVMETEST_LIST_H
#define NVMETEST_LIST_H

#include <stdint.h>
#include <nvmetest/pcie.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct nvt_ctrl_entry - one bound controller.
 * @minor: N of /dev/nvmetestN.
 * @bdf: PCI address, "dddd:bb:dd.f".
 * @vendor_id, @device_id: PCI ids.
 * @serial: Identify Controller SN (20 characters, trailing blanks
 *	removed), or "" while the module does not know it.
 * @model: Identify Controller MN (40 characters, trailing blanks removed),
 *	or "".
 */
struct nvt_ctrl_entry {
	uint32_t minor;
	char bdf[NVT_BDF_LEN];
	uint16_t vendor_id;
	uint16_t device_id;
	char serial[24];
	char model[44];
};

/**
 * nvt_list() - list the controllers bound to nvmetest.
 * @entries: receives up to @max entries, sorted by minor; may be NULL
 *	if @max is 0.
 * @max: room in @entries.
 * @count: receives the number of bound controllers, which may exceed @max
 *	(call again with more room).
 *
 * Return: 0; -ENOENT (the module is not loaded: no "nvmetest" generic
 * netlink family); -EINVAL (NULL @count, or NULL @entries with @max > 0);
 * -ENOMEM; -EPROTO (a malformed reply); another negative errno from
 * netlink.
 *
 * Thread-safety: reentrant (each call uses its own netlink socket).
 */
int nvt_list(struct nvt_ctrl_entry *entries, unsigned int max, unsigned int *count);

#ifdef __cplusplus
}
#endif

#endif /* NVMETEST_LIST_H */
