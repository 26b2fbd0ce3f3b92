// SPDX-License-Identifier: MIT
/*
 * nvmetest monitor: the events of every nvmetest controller (AER
 * completions, fatal status, host timeouts, resets, removals), live, one
 * line each, from the module's netlink "events" group.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

enum { OPT_COUNT, OPT_TIMEOUT };

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void print_event(const struct nvt_event *e)
{
	char text[256], stamp[32];
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm);
	nvt_event_format(e, text, sizeof(text));
	printf("%s.%03ld %s\n", stamp, ts.tv_nsec / 1000000, text);
	fflush(stdout);
}

static int monitor(char **args, unsigned int flags, char **values)
{
	uint64_t count = 0, timeout = 0, seen = 0;
	struct nvt_events *ev;
	struct nvt_event e;
	int64_t deadline = 0;
	int ret, wait;

	(void)args;
	if (cli_option(flags, values, OPT_COUNT, "--count", UINT32_MAX, &count) ||
	    cli_option(flags, values, OPT_TIMEOUT, "--timeout", 24 * 3600 * 365, &timeout))
		return EXIT_USAGE;
	if (nvt_events_open(&ev))
		return EXIT_FAILURE;
	if (timeout)
		deadline = now_ms() + (int64_t)timeout * 1000;
	/* On stderr, so stdout holds only events: a caller may wait for this line. */
	fprintf(stderr, "monitoring nvmetest events%s\n",
		timeout || count ? "" : " (Ctrl-C to stop)");
	while (!count || seen < count) {
		if (timeout) {
			int64_t left = deadline - now_ms();

			if (left <= 0)
				break;
			wait = left > 60000 ? 60000 : (int)left;
		} else {
			wait = -1;
		}
		ret = nvt_events_next(ev, &e, wait);
		if (ret == -ETIMEDOUT || ret == -EINTR)
			continue;
		if (ret == -ENOBUFS) {
			printf("events were lost: the socket overflowed\n");
			fflush(stdout);
			continue;
		}
		if (ret) {
			nvt_events_close(ev);
			return EXIT_FAILURE;
		}
		print_event(&e);
		seen++;
	}
	nvt_events_close(ev);
	if (count && seen < count) {
		cli_err("monitor: %" PRIu64 " of %" PRIu64 " events in %" PRIu64 " s", seen, count,
			timeout);
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

static const struct cli_flag monitor_flags[] = {
	[OPT_COUNT] = { "count", "stop after N events (exit status 1 if fewer came in time)", "N",
			'c' },
	[OPT_TIMEOUT] = { "timeout", "stop after S seconds", "S", 't' },
	{ NULL, NULL, NULL, 0 },
};

const struct cli_cmd cmd_monitor = {
	.name = "monitor",
	.args = "",
	.summary = "print the events of every nvmetest controller as they come",
	.help = "Subscribes to the module's netlink events and prints one line per event,\n"
		"flushed at once: local time, device, PCI address, event and details (AER\n"
		"DW0 decoded, or the opcode, CID and queue of a host timeout). Events:\n"
		"aer, fatal (CSTS.CFS), timeout, reset (admin queue set up again), removed.\n"
		"Needs no open device. Runs until --count events came or --timeout passed.\n",
	.flags = monitor_flags,
	.nargs = 0,
	.run = monitor,
};
