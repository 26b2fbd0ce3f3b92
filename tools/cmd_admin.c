// SPDX-License-Identifier: MIT
/*
 * nvmetest admin DEV --opcode OP: send any admin command, legal or not, as
 * raw submission queue entry fields (NVMe 1.4 Figure 105), and show what
 * came back: status, DW0, the whole CQE and the data.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

enum {
	OPT_OPCODE, OPT_NSID, OPT_CDW2, OPT_CDW3, OPT_CDW10, OPT_CDW11, OPT_CDW12, OPT_CDW13,
	OPT_CDW14, OPT_CDW15, OPT_FUSE, OPT_DATA_LEN, OPT_WRITE, OPT_READ, OPT_TIMEOUT,
	OPT_INIT,
};

#define HAS(opt)	(flags & (1u << (opt)))

/* Read @path into @buf (at most its size); the rest stays zero. */
static int load(struct nvt_buf *buf, const char *path)
{
	size_t at = 0, size = nvt_buf_size(buf);
	char *mem = nvt_buf_data(buf);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = 0;

	if (fd < 0) {
		cli_err("--write: %s: %s", path, strerror(errno));
		return -errno;
	}
	while (at < size && (n = read(fd, mem + at, size - at)) > 0)
		at += (size_t)n;
	if (n < 0)
		cli_err("--write: reading %s: %s", path, strerror(errno));
	close(fd);
	return n < 0 ? -EIO : 0;
}

static int file_size(const char *path, uint64_t *size)
{
	struct stat st;

	if (stat(path, &st)) {
		cli_err("--write: %s: %s", path, strerror(errno));
		return -errno;
	}
	*size = (uint64_t)st.st_size;
	return 0;
}

static void print_cpl(const struct nvt_cpl *cpl)
{
	char text[128];
	uint32_t dw3 = cpl->cqe[3];

	if (cpl->status) {
		nvt_status_format(cpl->status, text, sizeof(text));
		printf("%s\n", text);
	} else {
		printf("status: 00/00 %s\n", nvt_status_name(0));
	}
	printf("cdw0: 0x%08x\n", cpl->cdw0);
	printf("cqe: 0x%08x 0x%08x 0x%08x 0x%08x (SQHD %u, CID %u, DNR %u, More %u, CRD %u)%s\n",
	       cpl->cqe[0], cpl->cqe[1], cpl->cqe[2], dw3, cpl->cqe[2] & 0xffff,
	       NVT_CQE_CID(dw3), NVT_CQE_DNR(dw3), NVT_CQE_MORE(dw3), NVT_CQE_CRD(dw3),
	       cpl->flags & NVT_CPL_F_TIMEOUT ? " made up by the host: timeout" :
	       cpl->flags & NVT_CPL_F_CANCELLED ? " made up by the host: cancelled" : "");
	printf("latency: %" PRIu64 " us\n", cpl->latency_us);
}

static int admin(char **args, unsigned int flags, char **values)
{
	static const char *const cdw_names[] = {
		[OPT_CDW2] = "--cdw2", [OPT_CDW3] = "--cdw3", [OPT_CDW10] = "--cdw10",
		[OPT_CDW11] = "--cdw11", [OPT_CDW12] = "--cdw12", [OPT_CDW13] = "--cdw13",
		[OPT_CDW14] = "--cdw14", [OPT_CDW15] = "--cdw15",
	};
	uint64_t v[OPT_INIT + 1] = { 0 };
	struct nvt_cmd cmd = { 0 };
	struct nvt_ctrl *ctrl = NULL;
	struct nvt_buf *buf = NULL;
	struct cli_cpl c = { 0 };
	int i, ret, status = EXIT_FAILURE;

	if (!HAS(OPT_OPCODE)) {
		cli_err("admin: --opcode is required");
		return EXIT_USAGE;
	}
	if (HAS(OPT_WRITE) && HAS(OPT_READ)) {
		cli_err("admin: --write and --read exclude each other");
		return EXIT_USAGE;
	}
	if (cli_number("--opcode", values[OPT_OPCODE], 0xff, &v[OPT_OPCODE]) ||
	    cli_option(flags, values, OPT_NSID, "--nsid", UINT32_MAX, &v[OPT_NSID]) ||
	    cli_option(flags, values, OPT_FUSE, "--fuse", 3, &v[OPT_FUSE]) ||
	    cli_option(flags, values, OPT_DATA_LEN, "--data-len", NVT_BUF_MAX_SIZE,
		       &v[OPT_DATA_LEN]) ||
	    cli_option(flags, values, OPT_TIMEOUT, "--timeout", UINT32_MAX, &v[OPT_TIMEOUT]))
		return EXIT_USAGE;
	for (i = OPT_CDW2; i <= OPT_CDW15; i++)
		if (cli_option(flags, values, i, cdw_names[i], UINT32_MAX, &v[i]))
			return EXIT_USAGE;
	if (HAS(OPT_DATA_LEN) && !v[OPT_DATA_LEN]) {
		cli_err("--data-len: 0 bytes: leave it out for a command without data");
		return EXIT_USAGE;
	}
	if (HAS(OPT_WRITE) && !HAS(OPT_DATA_LEN)) {
		if (file_size(values[OPT_WRITE], &v[OPT_DATA_LEN]))
			return EXIT_FAILURE;
		if (!v[OPT_DATA_LEN] || v[OPT_DATA_LEN] > NVT_BUF_MAX_SIZE) {
			cli_err("--write: %s has %" PRIu64 " bytes: 1 to %llu fit in a buffer",
				values[OPT_WRITE], v[OPT_DATA_LEN], (unsigned long long)NVT_BUF_MAX_SIZE);
			return EXIT_FAILURE;
		}
	}
	if (HAS(OPT_READ) && !v[OPT_DATA_LEN])
		v[OPT_DATA_LEN] = 4096;

	cmd.opcode = (uint8_t)v[OPT_OPCODE];
	cmd.fuse = (uint8_t)v[OPT_FUSE];
	cmd.nsid = (uint32_t)v[OPT_NSID];
	cmd.cdw2 = (uint32_t)v[OPT_CDW2];
	cmd.cdw3 = (uint32_t)v[OPT_CDW3];
	cmd.cdw10 = (uint32_t)v[OPT_CDW10];
	cmd.cdw11 = (uint32_t)v[OPT_CDW11];
	cmd.cdw12 = (uint32_t)v[OPT_CDW12];
	cmd.cdw13 = (uint32_t)v[OPT_CDW13];
	cmd.cdw14 = (uint32_t)v[OPT_CDW14];
	cmd.cdw15 = (uint32_t)v[OPT_CDW15];
	if (HAS(OPT_TIMEOUT)) {
		cmd.flags = NVT_CMD_F_TIMEOUT;
		cmd.timeout_ms = (uint32_t)v[OPT_TIMEOUT];
	}

	if (cli_ctrl_open(args[0], HAS(OPT_INIT), &ctrl))
		return EXIT_FAILURE;
	nvt_set_log_level(NVT_LOG_ERR);	/* the status is printed below */
	if (v[OPT_DATA_LEN]) {
		if (nvt_buf_alloc(ctrl, v[OPT_DATA_LEN], &buf))
			goto out;
		nvt_buf_set_name(buf, "admin");
		if (HAS(OPT_WRITE) && load(buf, values[OPT_WRITE]))
			goto out;
	}
	printf("opcode 0x%02x (%s)%s\n", cmd.opcode, nvt_admin_cmdname(cmd.opcode),
	       buf ? "" : ", no data");
	ret = nvt_ctrl_send_cmd(ctrl, &cmd, buf, cli_cpl_cb, &c);
	if (ret) {
		cli_print_failure(stdout, "admin", ret);
		goto out;
	}
	ret = cli_wait(ctrl, &c);
	if (c.done)
		print_cpl(&c.cpl);
	else
		cli_print_failure(stdout, "admin", ret);
	if (buf && HAS(OPT_READ))
		cli_hexdump(nvt_buf_data(buf), nvt_buf_size(buf), 0);
	if (!ret)
		status = EXIT_SUCCESS;
out:
	nvt_buf_free(buf);
	nvt_ctrl_close(ctrl);
	return status;
}

static const struct cli_flag admin_flags[] = {
	[OPT_OPCODE] = { "opcode", "the opcode, CDW0 bits 07:00 (required)", "OP", 0 },
	[OPT_NSID] = { "nsid", "CDW1", "N", 0 },
	[OPT_CDW2] = { "cdw2", "CDW2", "V", 0 },
	[OPT_CDW3] = { "cdw3", "CDW3", "V", 0 },
	[OPT_CDW10] = { "cdw10", "CDW10", "V", 0 },
	[OPT_CDW11] = { "cdw11", "CDW11", "V", 0 },
	[OPT_CDW12] = { "cdw12", "CDW12", "V", 0 },
	[OPT_CDW13] = { "cdw13", "CDW13", "V", 0 },
	[OPT_CDW14] = { "cdw14", "CDW14", "V", 0 },
	[OPT_CDW15] = { "cdw15", "CDW15", "V", 0 },
	[OPT_FUSE] = { "fuse", "fused operation, CDW0 bits 09:08 (0-3)", "F", 0 },
	[OPT_DATA_LEN] = { "data-len", "bytes of data (a buffer the PRPs describe)", "N", 0 },
	[OPT_WRITE] = { "write", "send FILE as the data (its size unless --data-len)", "FILE", 0 },
	[OPT_READ] = { "read", "print the data afterwards (4096 bytes unless --data-len)", NULL, 0 },
	[OPT_TIMEOUT] = { "timeout", "host timeout in ms (0: none; default 10000, none for AER)",
			  "MS", 0 },
	[OPT_INIT] = CLI_FLAG_INIT,
	{ NULL, NULL, NULL, 0 },
};

const struct cli_cmd cmd_admin = {
	.name = "admin",
	.args = "DEV",
	.summary = "send a raw admin command",
	.help = "Sends one admin command built from the options (the kernel fills in the\n"
		"CID and the PRPs of the data buffer) and prints its status, in pynvme's\n"
		"words (\"ERROR status: 00/01 Invalid Command Opcode\"), DW0, the whole CQE\n"
		"and latency, then the data with --read. Values are decimal or 0x hex.\n"
		"The controller is opened as by `nvmetest identify` (see its --help).\n"
		"Exit status 1 if the command fails or times out.\n",
	.flags = admin_flags,
	.nargs = 1,
	.run = admin,
};
