/* SPDX-License-Identifier: MIT */
/*
 * nvmetest command-line tool: the subcommand table and shared helpers.
 * Exit codes: 0 success, 1 failure, 2 usage error.
 */
#ifndef NVT_CLI_H
#define NVT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <nvmetest/nvmetest.h>

#define EXIT_USAGE	2

/* Options a subcommand may have: bit i of the run() flags is flags[i]. */
#define CLI_MAX_FLAGS	32

/*
 * An option of a subcommand: a boolean one ("--force") or one that takes a
 * value ("--nsid N"), optionally with a one-letter alias ("-n N").
 */
struct cli_flag {
	const char *name;	/* without the dashes */
	const char *help;
	const char *arg;	/* NULL: a boolean option; else its value, named so in the help */
	char letter;		/* 0, or the one-letter alias */
};

struct cli_cmd {
	const char *name;
	const char *args;		/* positional arguments, for the usage line */
	const char *summary;		/* one line for `nvmetest --help` */
	const char *help;		/* the rest of `nvmetest CMD --help` */
	const struct cli_flag *flags;	/* NULL-terminated, or NULL; at most CLI_MAX_FLAGS */
	int nargs;			/* exact number of positional arguments */
	/*
	 * @args: the nargs positional arguments; @flags: bit i = flags[i] given;
	 * @values: values[i] is the value of flags[i] (the last one given), or NULL.
	 */
	int (*run)(char **args, unsigned int flags, char **values);
};

extern const struct cli_cmd cmd_list, cmd_bind, cmd_unbind, cmd_regs, cmd_config,
	cmd_identify, cmd_log, cmd_features, cmd_admin, cmd_reset, cmd_monitor, cmd_cmdlog,
	cmd_read, cmd_write, cmd_trim, cmd_perf, cmd_vm, cmd_pcie;

/* main.c: "nvmetest: " + message + newline on stderr. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * main.c: hold the library's messages back (@hold true) instead of printing
 * them; cli_log_release() prints (@print) or drops those held and ends the hold.
 */
void cli_log_hold(void);
void cli_log_release(bool print);

/*
 * args.c: parse the value of option @opt ("--nsid"): decimal, 0x hex or 0
 * octal, at most @max. Says what is wrong on stderr.
 * Return: 0, or -EINVAL (the subcommand then exits with EXIT_USAGE).
 */
int cli_number(const char *opt, const char *value, uint64_t max, uint64_t *out);

/*
 * args.c: cli_number() for option @i of a run(): *@out is left as it is
 * when the option was not given. @opt names it in messages ("--nsid").
 */
int cli_option(unsigned int flags, char **values, int i, const char *opt, uint64_t max,
	       uint64_t *out);

/* The --init option of the admin subcommands (see cli_ctrl_open()). */
#define CLI_FLAG_INIT	{ "init", "run the default init (a controller reset) first", NULL, 0 }

/*
 * ctrlcmd.c: open @dev for admin commands. The controller is used as it is
 * when it is enabled and ready and the kernel has an admin queue for it (so
 * a test driving it from another process is not disturbed); otherwise, or
 * with @init, the library's default init runs (a controller reset: its IO
 * queues and outstanding commands of every process are gone). Either way
 * the controller is identified (nvt_ctrl_id_data() works).
 * Return: 0 or the library's failure (already explained on stderr).
 */
int cli_ctrl_open(const char *dev, bool init, struct nvt_ctrl **out);

/* ctrlcmd.c: a completion caught by cli_cpl_cb, for a command run synchronously. */
struct cli_cpl {
	bool done;
	struct nvt_cpl cpl;
};

/* ctrlcmd.c: the nvt_cb to give with a struct cli_cpl as its context. */
void cli_cpl_cb(void *ctx, const struct nvt_cpl *cpl);

/*
 * ctrlcmd.c: wait for the one command just sent with cli_cpl_cb.
 * Return: as nvt_ctrl_waitdone(): 0, a positive status, or -errno.
 */
int cli_wait(struct nvt_ctrl *ctrl, struct cli_cpl *c);

/* ctrlcmd.c: "ERROR status: 00/01 Invalid Command Opcode" (or the errno's text). */
void cli_print_failure(FILE *f, const char *what, int ret);

/*
 * ctrlcmd.c: make sure the controller's granted IO queue count is known
 * before a qpair is made (the library asks the controller when this process
 * did not set it). Return: 0 or the failure (already explained on stderr).
 */
int cli_known_queues(struct nvt_ctrl *ctrl);

/* fmt.c: pynvme's hex dump of @len bytes on stdout, offsets from @base. */
void cli_hexdump(const void *mem, size_t len, size_t base);

/*
 * fmt.c: the names of the bits set in @v, space separated ("-" for none); a
 * bit without a name shows as "bitN".
 */
const char *cli_bits(uint64_t v, const char *const *names, unsigned int n, char *buf,
		     size_t len);

/* fmt.c: a 128-bit little-endian counter (SMART log) in decimal. */
const char *cli_u128(const uint8_t *le, char *buf, size_t len);

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
