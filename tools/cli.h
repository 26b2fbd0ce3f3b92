/* SPDX-License-Identifier: MIT */
/*
 * nvmetest command-line tool: the subcommand table and shared helpers.
 * Exit codes: 0 success, 1 failure, 2 usage error.
 */
#ifndef NVT_CLI_H
#define NVT_CLI_H

#include <stdbool.h>
#include <stddef.h>

#define EXIT_USAGE	2

/* A boolean option of a subcommand, e.g. "--force". */
struct cli_flag {
	const char *name;	/* without the dashes */
	const char *help;
};

struct cli_cmd {
	const char *name;
	const char *args;		/* positional arguments, for the usage line */
	const char *summary;		/* one line for `nvmetest --help` */
	const char *help;		/* the rest of `nvmetest CMD --help` */
	const struct cli_flag *flags;	/* NULL-terminated, or NULL */
	int nargs;			/* exact number of positional arguments */
	/* @args: the nargs positional arguments; @flags: bit i = flags[i] given. */
	int (*run)(char **args, unsigned int flags);
};

extern const struct cli_cmd cmd_list, cmd_bind, cmd_unbind, cmd_regs, cmd_config;

/* main.c: "nvmetest: " + message + newline on stderr. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* sysfs.c: the PCI bus in /sys/bus/pci */
#define SYSFS_PCI	"/sys/bus/pci"
int sysfs_write(const char *path, const char *value);
int sysfs_driver(const char *bdf, char *driver, size_t len);
bool sysfs_exists(const char *path);

/*
 * inuse.c: is the storage behind a PCI function in use? Writes one line per
 * reason to @why (e.g. "/dev/nvme0n1 is mounted on /mnt").
 * Return: the number of reasons (0: free to take), or -errno.
 */
int storage_in_use(const char *bdf, char *why, size_t len);

#endif /* NVT_CLI_H */
