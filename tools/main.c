// SPDX-License-Identifier: MIT
/*
 * nvmetest: the command-line tool. Dispatches to one subcommand per file.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nvmetest/nvmetest.h>

#include "cli.h"

static const struct cli_cmd *const commands[] = {
	&cmd_list, &cmd_bind, &cmd_unbind, &cmd_regs, &cmd_config, &cmd_identify, &cmd_log,
	&cmd_features, &cmd_admin, &cmd_reset, &cmd_read, &cmd_write, &cmd_trim, &cmd_cmdlog,
	&cmd_monitor, &cmd_perf, &cmd_pcie, &cmd_vm,
};

#define N_COMMANDS	(sizeof(commands) / sizeof(commands[0]))

void cli_err(const char *fmt, ...)
{
	va_list ap;

	fputs("nvmetest: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Library messages held back by cli_log_hold(), printed or dropped later. */
#define HELD_MAX	16
static char *held[HELD_MAX];
static int held_level[HELD_MAX];
static unsigned int n_held;
static bool holding;

static void print_msg(int level, const char *msg)
{
	fprintf(stderr, "nvmetest: %s%s\n", level <= NVT_LOG_ERR ? "" : "warning: ", msg);
}

/* The library explains every failure through this. */
static void log_to_stderr(int level, const char *msg, void *ctx)
{
	(void)ctx;
	if (!holding) {
		print_msg(level, msg);
		return;
	}
	if (n_held < HELD_MAX && (held[n_held] = strdup(msg)))
		held_level[n_held++] = level;
}

void cli_log_hold(void)
{
	holding = true;
}

void cli_log_release(bool print)
{
	unsigned int i;

	for (i = 0; i < n_held; i++) {
		if (print)
			print_msg(held_level[i], held[i]);
		free(held[i]);
	}
	n_held = 0;
	holding = false;
}

static void usage(FILE *f)
{
	size_t i;

	fputs("usage: nvmetest [--help] COMMAND [ARGS]\n\n"
	      "Drive NVMe controllers bound to the nvmetest kernel module.\n"
	      "DEV is /dev/nvmetestN, nvmetestN or a PCI address (0000:01:00.0 or 01:00.0).\n\n"
	      "commands:\n", f);
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-9s %s\n", commands[i]->name, commands[i]->summary);
	fputs("\n`nvmetest COMMAND --help` describes each command.\n", f);
}

static void cmd_usage(const struct cli_cmd *cmd, FILE *f)
{
	const struct cli_flag *fl;
	char left[48];

	fprintf(f, "usage: nvmetest %s%s%s%s\n", cmd->name, *cmd->args ? " " : "", cmd->args,
		cmd->flags ? " [OPTIONS]" : "");
	if (f == stderr)
		return;
	fprintf(f, "\n%s\n%s", cmd->summary, cmd->help);
	if (cmd->flags)
		fputs("\noptions:\n", f);
	for (fl = cmd->flags; fl && fl->name; fl++) {
		if (fl->letter)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", fl->letter, fl->name,
				 fl->arg ? " " : "", fl->arg ? fl->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", fl->name, fl->arg ? " " : "",
				 fl->arg ? fl->arg : "");
		fprintf(f, "  %-22s %s\n", left, fl->help);
	}
	fprintf(f, "  %-22s %s\n", "-h, --help", "show this help");
}

/* Parse a subcommand's arguments: returns -1 to go on, else an exit code. */
static int parse(const struct cli_cmd *cmd, int argc, char **argv, unsigned int *flags,
		 char **values)
{
	struct option opts[CLI_MAX_FLAGS + 2] = { { "help", no_argument, NULL, 'h' } };
	char shorts[2 + 2 * CLI_MAX_FLAGS + 1] = ":h";
	size_t ns = strlen(shorts);
	int i, n = 1, c, idx;

	for (i = 0; cmd->flags && cmd->flags[i].name && i < CLI_MAX_FLAGS; i++, n++) {
		const struct cli_flag *fl = &cmd->flags[i];

		opts[n] = (struct option) { fl->name, fl->arg ? required_argument : no_argument,
					    NULL, 256 + i };
		if (fl->letter) {
			shorts[ns++] = fl->letter;
			if (fl->arg)
				shorts[ns++] = ':';
		}
	}
	shorts[ns] = '\0';
	*flags = 0;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, opts, &idx)) != -1) {
		if (c == 'h') {
			cmd_usage(cmd, stdout);
			return EXIT_SUCCESS;
		}
		if (c == ':') {
			cli_err("%s: option '%s' needs a value", cmd->name, argv[optind - 1]);
			cmd_usage(cmd, stderr);
			return EXIT_USAGE;
		}
		if (c > 0 && c < 256) {		/* a one-letter alias */
			for (i = 0; cmd->flags && cmd->flags[i].name; i++)
				if (cmd->flags[i].letter == c)
					break;
			c = cmd->flags && cmd->flags[i].name ? 256 + i : '?';
		}
		if (c < 256) {
			cli_err("%s: unknown option '%s'", cmd->name, argv[optind - 1]);
			cmd_usage(cmd, stderr);
			return EXIT_USAGE;
		}
		*flags |= 1u << (c - 256);
		values[c - 256] = optarg;
	}
	if (argc - optind != cmd->nargs) {
		cli_err("%s: expected %d argument%s, got %d", cmd->name, cmd->nargs,
			cmd->nargs == 1 ? "" : "s", argc - optind);
		cmd_usage(cmd, stderr);
		return EXIT_USAGE;
	}
	return -1;
}

int main(int argc, char **argv)
{
	char *values[CLI_MAX_FLAGS] = { NULL };
	unsigned int flags;
	size_t i;
	int ret;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_SUCCESS;
	}
	for (i = 0; i < N_COMMANDS; i++) {
		if (strcmp(argv[1], commands[i]->name))
			continue;
		ret = parse(commands[i], argc - 1, argv + 1, &flags, values);
		if (ret >= 0)
			return ret;
		nvt_set_log(log_to_stderr, NULL);
		nvt_set_log_level(NVT_LOG_WARN);
		return commands[i]->run(argv + 1 + optind, flags, values);
	}
	cli_err("unknown command '%s'", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
