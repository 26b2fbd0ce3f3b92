// SPDX-License-Identifier: MIT
/*
 * Is the storage behind a PCI function in use? Before the tool takes a
 * function away from the stock nvme driver, it looks at every block device
 * of its controllers (namespaces and their partitions) for a mounted file
 * system, swap, a holder (device mapper, md, ...) or an exclusive opener.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cli.h"

struct reasons {
	char *buf;
	size_t len;
	size_t pos;
	int count;
};

static void add(struct reasons *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct reasons *r, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	r->count++;
	if (r->pos >= r->len)
		return;
	n = snprintf(r->buf + r->pos, r->len - r->pos, "%s\n", line);
	if (n > 0)
		r->pos += (size_t)n;
}

/* "major:minor" of a block device from /sys/class/block/NAME/dev. */
static int block_devt(const char *name, dev_t *devt)
{
	char path[PATH_MAX];
	unsigned int maj, min;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/sys/class/block/%s/dev", name);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	n = fscanf(f, "%u:%u", &maj, &min);
	fclose(f);
	if (n != 2)
		return -EIO;
	*devt = makedev(maj, min);
	return 0;
}

/* /proc/self/mountinfo: field 3 is major:minor, field 5 the mount point. */
static void check_mounts(struct reasons *r, const char *name, dev_t devt)
{
	char line[4096], point[PATH_MAX];
	unsigned int maj, min;
	FILE *f;

	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*u %*u %u:%u %*s %4095s", &maj, &min, point) == 3 &&
		    makedev(maj, min) == devt)
			add(r, "/dev/%s is mounted on %s", name, point);
	fclose(f);
}

static void check_swaps(struct reasons *r, const char *name, dev_t devt)
{
	char line[4096], file[PATH_MAX];
	struct stat st;
	FILE *f;

	f = fopen("/proc/swaps", "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%4095s", file) == 1 && !stat(file, &st) &&
		    S_ISBLK(st.st_mode) && st.st_rdev == devt)
			add(r, "/dev/%s is in use as swap", name);
	fclose(f);
}

static void check_holders(struct reasons *r, const char *name)
{
	char pattern[PATH_MAX];
	glob_t g;
	size_t i;

	snprintf(pattern, sizeof(pattern), "/sys/class/block/%s/holders/*", name);
	if (glob(pattern, 0, NULL, &g))
		return;
	for (i = 0; i < g.gl_pathc; i++)
		add(r, "/dev/%s is held by %s (device mapper, md or similar)", name,
		    strrchr(g.gl_pathv[i], '/') + 1);
	globfree(&g);
}

/* A block device opened O_EXCL elsewhere (mount, mkfs, a test) gives EBUSY. */
static void check_exclusive(struct reasons *r, const char *name, int already)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "/dev/%s", name);
	fd = open(path, O_RDONLY | O_EXCL | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	else if (errno == EBUSY && r->count == already)
		add(r, "/dev/%s is open exclusively by another program (open O_EXCL: busy)", name);
}

static void check_block(struct reasons *r, const char *name)
{
	int already = r->count;
	dev_t devt;

	if (block_devt(name, &devt))
		return;
	check_mounts(r, name, devt);
	check_swaps(r, name, devt);
	check_holders(r, name);
	check_exclusive(r, name, already);
}

/* A disk and each of its partitions (subdirectories with a "partition" file). */
static void check_disk(struct reasons *r, const char *disk)
{
	char pattern[PATH_MAX];
	glob_t g;
	size_t i;

	check_block(r, disk);
	snprintf(pattern, sizeof(pattern), "/sys/class/block/%s/%s*/partition", disk, disk);
	if (glob(pattern, 0, NULL, &g))
		return;
	for (i = 0; i < g.gl_pathc; i++) {
		char *end = strrchr(g.gl_pathv[i], '/');

		*end = '\0';
		check_block(r, strrchr(g.gl_pathv[i], '/') + 1);
	}
	globfree(&g);
}

/*
 * The disks of controller @ctrl ("nvme0"): nvme0nN without native
 * multipath; with it, the hidden path disks nvme<S>c<C>n<N> sit under the
 * controller and the visible disk is the subsystem's head nvme<S>n<N>.
 */
static void check_ctrl(struct reasons *r, const char *ctrl_dir)
{
	char pattern[PATH_MAX], head[NAME_MAX + 1];
	unsigned int s, c, n;
	glob_t g;
	size_t i;

	snprintf(pattern, sizeof(pattern), "%s/nvme*n*", ctrl_dir);
	if (glob(pattern, 0, NULL, &g))
		return;
	for (i = 0; i < g.gl_pathc; i++) {
		const char *disk = strrchr(g.gl_pathv[i], '/') + 1;

		if (sscanf(disk, "nvme%uc%un%u", &s, &c, &n) == 3) {
			snprintf(head, sizeof(head), "nvme%un%u", s, n);
			check_disk(r, head);
		} else {
			check_disk(r, disk);
		}
	}
	globfree(&g);
}

int storage_in_use(const char *bdf, char *why, size_t len)
{
	struct reasons r = { .buf = why, .len = len };
	char pattern[PATH_MAX];
	glob_t g;
	size_t i;

	if (len)
		why[0] = '\0';
	snprintf(pattern, sizeof(pattern), SYSFS_PCI "/devices/%s/nvme/nvme*", bdf);
	if (glob(pattern, 0, NULL, &g))
		return 0;
	for (i = 0; i < g.gl_pathc; i++)
		check_ctrl(&r, g.gl_pathv[i]);
	globfree(&g);
	return r.count;
}
