// SPDX-License-Identifier: MIT
/*
 * nvmetest cmdlog DEV: the latest commands of a queue and their
 * completions, from the kernel's command log, decoded. Reads the mapped
 * log only: the controller is neither initialised nor disturbed, so it can
 * watch a test that drives it from another process.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

enum { OPT_QID, OPT_ENTRIES };

static void print_entry(const struct nvt_cmdlog_entry *e, uint16_t qid)
{
	uint8_t opcode = e->sqe[0] & 0xff;
	uint16_t status = nvt_status_from_cqe_dw3(e->cqe[3]);
	uint64_t submit = e->submit_ns, complete = e->complete_ns, index = e->index;

	printf("[%6" PRIu64 ".%06" PRIu64 "] #%" PRIu64 " qid %u cid %u %s (%02xh) nsid 0x%x"
	       " cdw10-15 %08x %08x %08x %08x %08x %08x", submit / 1000000000,
	       submit / 1000 % 1000000, index, qid, e->sqe[0] >> 16,
	       qid ? nvt_io_cmdname(opcode) : nvt_admin_cmdname(opcode), opcode, e->sqe[1],
	       e->sqe[10], e->sqe[11], e->sqe[12], e->sqe[13], e->sqe[14], e->sqe[15]);
	if (!e->complete_ns) {
		printf(" -> outstanding\n");
		return;
	}
	if (e->flags & NVT_CPL_F_CANCELLED) {
		printf(" -> cancelled (queue set up again)\n");
		return;
	}
	printf(" -> %02x/%02x %s cdw0 0x%08x latency %" PRIu64 " us%s\n", NVT_STATUS_SCT(status),
	       NVT_STATUS_SC(status), nvt_status_name(status), e->cqe[0],
	       complete > submit ? (complete - submit) / 1000 : 0,
	       e->flags & NVT_CPL_F_TIMEOUT ? " (host timeout)" : "");
}

static int cmdlog(char **args, unsigned int flags, char **values)
{
	uint64_t qid = 0, n = 20;
	struct nvt_cmdlog_entry *entries;
	struct nvt_pcie_info info;
	struct nvt_cmdlog *log;
	struct nvt_pcie *pcie;
	unsigned int count, i;
	int ret;

	if (cli_option(flags, values, OPT_QID, "--qid", 0xffff, &qid) ||
	    cli_option(flags, values, OPT_ENTRIES, "--entries", UINT32_MAX, &n))
		return EXIT_USAGE;
	/* A pcie, not a controller: nothing is reset or initialised. */
	if (nvt_pcie_open(args[0], &pcie))
		return EXIT_FAILURE;
	nvt_pcie_info(pcie, &info);
	ret = nvt_cmdlog_open(pcie, (uint16_t)qid, &log);
	nvt_pcie_close(pcie);
	if (ret)
		return EXIT_FAILURE;
	if (!n || n > nvt_cmdlog_size(log))
		n = nvt_cmdlog_size(log);
	entries = calloc(n, sizeof(*entries));
	if (!entries) {
		cli_err("out of memory");
		nvt_cmdlog_close(log);
		return EXIT_FAILURE;
	}
	ret = nvt_cmdlog_read(log, (unsigned int)n, entries, &count);
	if (!ret) {
		printf("/dev/nvmetest%u %s queue %u: %" PRIu64 " commands logged, the last %u:\n",
		       info.minor, info.bdf, (unsigned int)qid, nvt_cmdlog_count(log), count);
		for (i = 0; i < count; i++)
			print_entry(&entries[i], (uint16_t)qid);
	}
	free(entries);
	nvt_cmdlog_close(log);
	return ret ? EXIT_FAILURE : EXIT_SUCCESS;
}

static const struct cli_flag cmdlog_flags[] = {
	[OPT_QID] = { "qid", "the queue (default 0: admin)", "Q", 0 },
	[OPT_ENTRIES] = { "entries", "the last N commands (default 20, 0: the whole ring)", "N",
			  'n' },
	{ NULL, NULL, NULL, 0 },
};

const struct cli_cmd cmd_cmdlog = {
	.name = "cmdlog",
	.args = "DEV",
	.summary = "show the latest commands of a queue and their completions",
	.help = "Reads the kernel's command log of the queue (mapped read-only: the\n"
		"controller is not touched) and prints one line per command, oldest first:\n"
		"[submit time] #log-index qid cid command (opcode) nsid cdw10-15 -> status,\n"
		"cdw0 and latency, or outstanding / cancelled. The time is CLOCK_MONOTONIC\n"
		"in seconds.\n",
	.flags = cmdlog_flags,
	.nargs = 1,
	.run = cmdlog,
};
