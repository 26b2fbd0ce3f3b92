// SPDX-License-Identifier: MIT
/*
 * Small helpers for the PCI bus in sysfs (Documentation/ABI/testing/sysfs-bus-pci).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

bool sysfs_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

int sysfs_write(const char *path, const char *value)
{
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, strlen(value));
	if (n < 0)
		err = -errno;
	else if ((size_t)n != strlen(value))
		err = -EIO;
	close(fd);
	return err;
}

int sysfs_driver(const char *bdf, char *driver, size_t len)
{
	char link[PATH_MAX], target[PATH_MAX];
	const char *slash;
	ssize_t n;

	snprintf(link, sizeof(link), SYSFS_PCI "/devices/%s/driver", bdf);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	slash = strrchr(target, '/');
	snprintf(driver, len, "%s", slash ? slash + 1 : target);
	return 0;
}
