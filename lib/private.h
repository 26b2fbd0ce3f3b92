/* SPDX-License-Identifier: MIT */
/*
 * libnvmetest internals: shared by the library sources and the unit tests
 * (tests/unit builds with -Ilib and links the objects). Nothing here is
 * exported: lib/libnvmetest.map lists the public symbols.
 */
#ifndef NVT_PRIVATE_H
#define NVT_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <nvmetest/nvmetest.h>

#define NVT_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* log.c: deliver one message to the nvt_set_log() callback; keeps errno. */
void nvt__log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define nvt__err(...)	nvt__log(NVT_LOG_ERR, __VA_ARGS__)
#define nvt__warn(...)	nvt__log(NVT_LOG_WARN, __VA_ARGS__)
#define nvt__debug(...)	nvt__log(NVT_LOG_DEBUG, __VA_ARGS__)

/* name.c: what a device name given by the user designates. */
enum nvt__name_kind {
	NVT__NAME_PATH = 1,	/* a device node path: "/dev/nvmetest0" */
	NVT__NAME_BDF,		/* a PCI address, normalised "dddd:bb:dd.f" */
};

/*
 * Classify @name ("/dev/nvmetestN" or any path, "nvmetestN", "dddd:bb:dd.f",
 * "bb:dd.f") and write the device path or normalised BDF to @out.
 * Return: enum nvt__name_kind, -EINVAL (not a device name), -ENOSPC.
 */
int nvt__parse_name(const char *name, char *out, size_t len);

/*
 * Turn @name into the path of its /dev/nvmetestN node; a PCI address is
 * looked up below @sysfs (normally "/sys"). Logs why it fails.
 * Return: 0, -EINVAL, -ENOSPC, -ENOENT (no such PCI function), -ENODEV
 * (the function is not bound to nvmetest).
 */
int nvt__resolve_name(const char *sysfs, const char *name, char *path, size_t len);

/* pcicap.c: capability list walking over any config-space reader. */
#define NVT__CAPS_MAX	(192 / 4 + 3840 / 4)	/* most a walk can find */
typedef int (*nvt__cfg_read_fn)(void *ctx, uint32_t offset, unsigned int width,
				uint32_t *value);

/*
 * Walk the standard list (if Status.Capabilities List is set) and, when
 * @config_size > 256, the extended list at 0x100. Stops at a pointer out of
 * range, misaligned or seen before, so malformed lists always end.
 * Return: the number of capabilities found (entries beyond @max are
 * counted, not stored), or the first error of @rd.
 */
int nvt__cap_walk(nvt__cfg_read_fn rd, void *ctx, uint32_t config_size,
		  struct nvt_pcie_cap *caps, unsigned int max);

/* pcie.c: one checked NVT_IOCTL_{READ,WRITE}_{REG,CONFIG} on @fd. */
struct nvt__space {
	const char *name;	/* for messages: "config space", "BAR0" */
	unsigned long read_req;	/* NVT_IOCTL_READ_* */
	unsigned long write_req;	/* NVT_IOCTL_WRITE_* */
	uint64_t size;		/* bytes accessible */
};

/*
 * Read (@write false: *@value receives) or write (*@value is written) the
 * @width bytes at @offset of @space. @fn names the public function for
 * messages. Checks alignment, range and value width before the ioctl.
 * Return: 0, -EINVAL, -ERANGE or the ioctl's -errno.
 */
int nvt__access(const char *fn, int fd, const struct nvt__space *space, bool write,
		uint64_t offset, unsigned int width, uint64_t *value);

#endif /* NVT_PRIVATE_H */
