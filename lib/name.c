// SPDX-License-Identifier: MIT
/*
 * Device names: "/dev/nvmetestN", "nvmetestN" and PCI addresses, and their
 * lookup in sysfs (a function bound to nvmetest has its character device
 * below /sys/bus/pci/devices/<bdf>/nvmetest/).
 */
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "private.h"

#define DEV_PREFIX	"nvmetest"

/* Parse @min_digits to @max_digits hex digits at *@s, advancing it. */
static bool parse_hex(const char **s, unsigned int min_digits, unsigned int max_digits,
		      unsigned long *out)
{
	unsigned int n = 0;
	unsigned long v = 0;

	while (n < max_digits && isxdigit((unsigned char)**s)) {
		char c = (char)tolower((unsigned char)**s);

		v = v * 16 + (unsigned long)(isdigit((unsigned char)c) ? c - '0' : c - 'a' + 10);
		(*s)++;
		n++;
	}
	*out = v;
	return n >= min_digits && !isxdigit((unsigned char)**s);
}

static bool expect(const char **s, char c)
{
	if (**s != c)
		return false;
	(*s)++;
	return true;
}

int nvt_pcie_parse_bdf(const char *name, char *bdf, size_t len)
{
	unsigned long domain = 0, bus, dev, fn;
	const char *s = name;
	int n;

	if (!name || !bdf)
		return -EINVAL;
	/* "dddd:" is optional: there are two colons iff a domain is given. */
	if (strchr(name, ':') != strrchr(name, ':') &&
	    !(parse_hex(&s, 1, 5, &domain) && expect(&s, ':')))
		return -EINVAL;
	if (!(parse_hex(&s, 1, 2, &bus) && expect(&s, ':') &&
	      parse_hex(&s, 1, 2, &dev) && expect(&s, '.') &&
	      parse_hex(&s, 1, 1, &fn)) || *s || dev > 0x1f || fn > 7)
		return -EINVAL;
	n = snprintf(bdf, len, "%04lx:%02lx:%02lx.%lx", domain, bus, dev, fn);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

static bool is_dev_name(const char *name)
{
	const char *p = name + strlen(DEV_PREFIX);

	if (strncmp(name, DEV_PREFIX, strlen(DEV_PREFIX)) || !*p)
		return false;
	return strspn(p, "0123456789") == strlen(p);
}

int nvt__parse_name(const char *name, char *out, size_t len)
{
	int n, ret;

	if (!name || !*name || !out)
		return -EINVAL;
	if (name[0] == '/' || name[0] == '.')
		n = snprintf(out, len, "%s", name);
	else if (is_dev_name(name))
		n = snprintf(out, len, "/dev/%s", name);
	else {
		ret = nvt_pcie_parse_bdf(name, out, len);
		return ret ? ret : NVT__NAME_BDF;
	}
	return n < 0 || (size_t)n >= len ? -ENOSPC : NVT__NAME_PATH;
}

/* Explain why the function at @devdir has no nvmetest node. */
static int not_bound(const char *devdir, const char *bdf)
{
	char link[PATH_MAX], target[PATH_MAX];
	const char *driver;
	ssize_t n;

	n = snprintf(link, sizeof(link), "%s/driver", devdir);
	if (n >= (ssize_t)sizeof(link) || (n = readlink(link, target, sizeof(target) - 1)) < 0) {
		nvt__err("%s is not bound to any driver; run: nvmetest bind %s", bdf, bdf);
		return -ENODEV;
	}
	target[n] = '\0';
	driver = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
	if (!strcmp(driver, DEV_PREFIX))
		nvt__err("%s is bound to nvmetest but has no %s/nvmetest/nvmetest* node",
			 bdf, devdir);
	else
		nvt__err("%s is bound to %s, not nvmetest; run: nvmetest bind %s",
			 bdf, driver, bdf);
	return -ENODEV;
}

int nvt__bdf_node(const char *devdir, char *path, size_t len, size_t *nodes)
{
	char pattern[PATH_MAX + 32];
	glob_t g;
	int n, ret;

	n = snprintf(pattern, sizeof(pattern), "%s/" DEV_PREFIX "/" DEV_PREFIX "[0-9]*", devdir);
	if (n >= (int)sizeof(pattern) || glob(pattern, 0, NULL, &g))
		return -ENODEV;
	if (nodes)
		*nodes = g.gl_pathc;
	n = snprintf(path, len, "/dev/%s", strrchr(g.gl_pathv[0], '/') + 1);
	ret = n < 0 || (size_t)n >= len ? -ENOSPC : 0;
	globfree(&g);
	return ret;
}

int nvt__resolve_name(const char *sysfs, const char *name, char *path, size_t len)
{
	char parsed[PATH_MAX], devdir[PATH_MAX];
	size_t nodes;
	int kind, n, ret;

	kind = nvt__parse_name(name, parsed, sizeof(parsed));
	if (kind < 0) {
		nvt__err("'%s' is not a device name: give /dev/nvmetestN, nvmetestN or a PCI address (dddd:bb:dd.f or bb:dd.f)",
			 name ? name : "(null)");
		return kind;
	}
	if (kind == NVT__NAME_PATH) {
		n = snprintf(path, len, "%s", parsed);
		return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
	}

	n = snprintf(devdir, sizeof(devdir), "%s/bus/pci/devices/%s", sysfs, parsed);
	if (n >= (int)sizeof(devdir) || access(devdir, F_OK)) {
		nvt__err("no PCI function %s (%s does not exist)", parsed, devdir);
		return -ENOENT;
	}
	ret = nvt__bdf_node(devdir, path, len, &nodes);
	if (ret == -ENODEV)
		return not_bound(devdir, parsed);
	if (!ret && nodes > 1)
		nvt__warn("%s has %zu nvmetest nodes; using the first", parsed, nodes);
	return ret;
}
