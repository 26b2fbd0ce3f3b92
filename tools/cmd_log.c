// SPDX-License-Identifier: MIT
/*
 * nvmetest log DEV LID: Get Log Page (02h), decoded for the error log
 * (01h), SMART / health (02h), firmware slot (03h), changed namespaces
 * (04h) and commands supported and effects (05h), NVMe 1.4 section 5.14.1;
 * a hex dump for any other page.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

enum { OPT_SIZE, OPT_NSID, OPT_OFFSET, OPT_LSP, OPT_RAE, OPT_RAW, OPT_INIT };

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static const uint8_t *data;
static size_t data_len;

static uint64_t f(unsigned int end, unsigned int begin)
{
	uint64_t v = 0;

	nvt_le_field(data, data_len, begin, end, &v);
	return v;
}

static void kelvin(const char *name, uint64_t k)
{
	if (k)
		printf("%-36s %" PRIu64 " K (%d C)\n", name, k, (int)k - 273);
	else
		printf("%-36s 0 (not reported)\n", name);
}

/* SMART / Health Information (Figure 194). */
static void print_smart(void)
{
	static const char *const warning[] = {
		"spare-below-threshold", "temperature", "reliability-degraded", "read-only",
		"volatile-backup-failed", "pmr-read-only",
	};
	static const struct { const char *name; unsigned int at; const char *unit; } c128[] = {
		{ "data units read", 32, " (x 512000 bytes)" },
		{ "data units written", 48, " (x 512000 bytes)" },
		{ "host read commands", 64, "" },
		{ "host write commands", 80, "" },
		{ "controller busy time", 96, " min" },
		{ "power cycles", 112, "" },
		{ "power on hours", 128, " h" },
		{ "unsafe shutdowns", 144, "" },
		{ "media and data integrity errors", 160, "" },
		{ "error information log entries", 176, "" },
	};
	char text[256], name[40];
	unsigned int i;

	printf("%-36s 0x%02" PRIx64 " %s\n", "critical warning", f(0, 0),
	       cli_bits(f(0, 0), warning, N(warning), text, sizeof(text)));
	kelvin("composite temperature", f(2, 1));
	printf("%-36s %" PRIu64 "%%\n", "available spare", f(3, 3));
	printf("%-36s %" PRIu64 "%%\n", "available spare threshold", f(4, 4));
	printf("%-36s %" PRIu64 "%%\n", "percentage used", f(5, 5));
	printf("%-36s 0x%02" PRIx64 "\n", "endurance group critical warning", f(6, 6));
	for (i = 0; i < N(c128); i++)
		printf("%-36s %s%s\n", c128[i].name, cli_u128(data + c128[i].at, text, sizeof(text)),
		       c128[i].unit);
	printf("%-36s %" PRIu64 " min\n", "warning composite temperature time", f(195, 192));
	printf("%-36s %" PRIu64 " min\n", "critical composite temperature time", f(199, 196));
	for (i = 0; i < 8; i++) {
		if (!f(201 + 2 * i, 200 + 2 * i))
			continue;
		snprintf(name, sizeof(name), "temperature sensor %u", i + 1);
		kelvin(name, f(201 + 2 * i, 200 + 2 * i));
	}
	printf("%-36s %" PRIu64 "\n", "thermal management temp 1 transitions", f(219, 216));
	printf("%-36s %" PRIu64 "\n", "thermal management temp 2 transitions", f(223, 220));
	printf("%-36s %" PRIu64 " s\n", "thermal management temp 1 total time", f(227, 224));
	printf("%-36s %" PRIu64 " s\n", "thermal management temp 2 total time", f(231, 228));
}

/* Error Information entries, 64 bytes each (Figure 193). */
static void print_errors(void)
{
	unsigned int i, shown = 0;
	char text[128];

	for (i = 0; (size_t)(i + 1) * 64 <= data_len; i++) {
		unsigned int at = 64 * i;
		uint64_t sf = f(at + 13, at + 12);

		if (!f(at + 7, at))
			continue;
		nvt_status_format((uint16_t)(sf >> 1 & 0x7ff), text, sizeof(text));
		printf("entry %u: error count %" PRIu64 ", SQID %" PRIu64 ", CID 0x%04" PRIx64
		       ", %s, parameter location 0x%04" PRIx64 ", LBA %" PRIu64 ", NSID %" PRIu64
		       ", command specific 0x%" PRIx64 "\n", i, f(at + 7, at), f(at + 9, at + 8),
		       f(at + 11, at + 10), text + 6 /* without "ERROR " */, f(at + 15, at + 14),
		       f(at + 23, at + 16), f(at + 27, at + 24), f(at + 39, at + 32));
		shown++;
	}
	if (!shown)
		printf("no error entries (%zu entries read)\n", data_len / 64);
}

/* Firmware Slot Information (Figure 196). */
static void print_fw_slots(void)
{
	uint64_t afi = f(0, 0);
	char rev[9];
	unsigned int i;

	printf("active slot          %" PRIu64 "\n", afi & 7);
	if (afi >> 4 & 7)
		printf("next reset slot      %" PRIu64 "\n", afi >> 4 & 7);
	else
		printf("next reset slot      - (not indicated)\n");
	for (i = 1; i <= 7; i++) {
		if (nvt_str_field(data, data_len, 8 * i, 8 * i + 7, rev, sizeof(rev)) < 0)
			break;
		printf("slot %u revision      %s\n", i, *rev ? rev : "- (empty)");
	}
}

/* Changed Namespace List (Figure 199). */
static void print_changed_ns(void)
{
	unsigned int i;

	if (f(3, 0) == 0xffffffff) {
		printf("more than 1024 namespaces changed\n");
		return;
	}
	for (i = 0; (i + 1) * 4 <= data_len && f(4 * i + 3, 4 * i); i++)
		printf("NSID %" PRIu64 "\n", f(4 * i + 3, 4 * i));
	if (!i)
		printf("no namespace changed\n");
}

/* Commands Supported and Effects (Figure 210): ACS at byte 0, IOCS at 1024. */
static void print_effects(void)
{
	static const char *const effects[] = {
		"CSUPP", "LBCC", "NCC", "NIC", "CCC", [19] = "USS",
	};
	static const char *const cse[] = {
		"", " CSE=namespace", " CSE=controller", " CSE=reserved",
		" CSE=reserved", " CSE=reserved", " CSE=reserved", " CSE=reserved",
	};
	unsigned int set, opc, at;
	char text[128];

	for (set = 0; set < 2; set++) {
		printf("%s commands supported:\n", set ? "I/O" : "admin");
		for (opc = 0; opc < 256; opc++) {
			uint64_t e;

			at = set * 1024 + 4 * opc;
			if (at + 4 > data_len)
				break;
			e = f(at + 3, at);
			if (!(e & 1))
				continue;
			printf("  %02xh %-40s %s%s\n", opc,
			       set ? nvt_io_cmdname((uint8_t)opc) : nvt_admin_cmdname((uint8_t)opc),
			       cli_bits(e & ~(7ULL << 16), effects, N(effects), text, sizeof(text)),
			       cse[e >> 16 & 7]);
		}
	}
}

static uint32_t default_size(struct nvt_ctrl *ctrl, uint64_t lid)
{
	uint64_t elpe = 0;

	switch (lid) {
	case NVT_LID_ERROR:
		nvt_ctrl_id_data(ctrl, 262, 262, &elpe);
		return (uint32_t)(elpe + 1) * 64;
	case NVT_LID_CHANGED_NS:
	case NVT_LID_CMD_EFFECTS:
		return 4096;
	case NVT_LID_DEV_SELF_TEST:
		return 564;
	default:
		return 512;
	}
}

static int log_page(char **args, unsigned int flags, char **values)
{
	uint64_t lid, size = 0, nsid = 0xffffffff, offset = 0, lsp = 0, rae = 0;
	struct nvt_ctrl *ctrl = NULL;
	struct nvt_buf *buf = NULL;
	struct cli_cpl c = { 0 };
	int ret, status = EXIT_FAILURE;

	if (cli_number("LID", args[1], 0xff, &lid) ||
	    cli_option(flags, values, OPT_SIZE, "--size", NVT_BUF_MAX_SIZE, &size) ||
	    cli_option(flags, values, OPT_NSID, "--nsid", UINT32_MAX, &nsid) ||
	    cli_option(flags, values, OPT_OFFSET, "--offset", UINT64_MAX, &offset) ||
	    cli_option(flags, values, OPT_LSP, "--lsp", 15, &lsp) ||
	    cli_option(flags, values, OPT_RAE, "--rae", 1, &rae))
		return EXIT_USAGE;
	if ((flags & (1u << OPT_SIZE)) && (!size || size % 4)) {
		cli_err("--size: %" PRIu64 " is not a non-zero multiple of 4", size);
		return EXIT_USAGE;
	}
	if (offset % 4) {
		cli_err("--offset: %" PRIu64 " is not a multiple of 4", offset);
		return EXIT_USAGE;
	}
	if (cli_ctrl_open(args[0], flags & (1u << OPT_INIT), &ctrl))
		return EXIT_FAILURE;
	nvt_set_log_level(NVT_LOG_ERR);	/* a failing status is printed below */
	if (!size)
		size = default_size(ctrl, lid);
	if (nvt_buf_alloc(ctrl, size, &buf))
		goto out;
	nvt_buf_set_name(buf, "log page");
	ret = nvt_ctrl_getlogpage(ctrl, (uint8_t)lid, buf, (uint32_t)size, offset, (uint32_t)nsid,
				  (uint8_t)lsp, (uint8_t)rae, cli_cpl_cb, &c);
	if (!ret)
		ret = cli_wait(ctrl, &c);
	if (ret) {
		cli_print_failure(stdout, "get log page", ret);
		goto out;
	}
	data = nvt_buf_data(buf);
	data_len = size;
	if ((flags & (1u << OPT_RAW)) || offset) {
		cli_hexdump(data, data_len, offset);
	} else {
		switch (lid) {
		case NVT_LID_ERROR:
			print_errors();
			break;
		case NVT_LID_SMART:
			if (size >= 232)
				print_smart();
			else
				cli_hexdump(data, data_len, 0);
			break;
		case NVT_LID_FW_SLOT:
			print_fw_slots();
			break;
		case NVT_LID_CHANGED_NS:
			print_changed_ns();
			break;
		case NVT_LID_CMD_EFFECTS:
			print_effects();
			break;
		default:
			cli_hexdump(data, data_len, 0);
			break;
		}
	}
	status = EXIT_SUCCESS;
out:
	nvt_buf_free(buf);
	nvt_ctrl_close(ctrl);
	return status;
}

static const struct cli_flag log_flags[] = {
	[OPT_SIZE] = { "size", "bytes to read, a multiple of 4 (default: the page's size)", "N", 0 },
	[OPT_NSID] = { "nsid", "namespace (default 0xffffffff: the controller)", "N", 0 },
	[OPT_OFFSET] = { "offset", "byte offset in the page, a multiple of 4 (hex dump)", "N", 0 },
	[OPT_LSP] = { "lsp", "log specific field, 0-15", "N", 0 },
	[OPT_RAE] = { "rae", "retain asynchronous event, 0 or 1", "N", 0 },
	[OPT_RAW] = { "raw", "print a hex dump instead of decoding", NULL, 0 },
	[OPT_INIT] = CLI_FLAG_INIT,
	{ NULL, NULL, NULL, 0 },
};

const struct cli_cmd cmd_log = {
	.name = "log",
	.args = "DEV LID",
	.summary = "read a log page, decoded",
	.help = "Sends Get Log Page (02h) for log page LID (decimal or 0x hex) and decodes\n"
		"the error log (01h), SMART / health (02h), firmware slots (03h), changed\n"
		"namespaces (04h) and commands supported and effects (05h, the supported\n"
		"opcodes with their names); any other page is shown as a hex dump.\n"
		"The controller is opened as by `nvmetest identify` (see its --help).\n"
		"Exit status 1 if the command fails (its status is printed).\n",
	.flags = log_flags,
	.nargs = 2,
	.run = log_page,
};
