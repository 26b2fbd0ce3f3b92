// SPDX-License-Identifier: MIT
/*
 * nvmetest identify DEV: Identify Controller (CNS 01h, NVMe 1.4 Figure
 * 247) or, with --nsid, Identify Namespace (CNS 00h, Figure 245), decoded;
 * other CNS values (the NSID lists decoded, the rest) as a hex dump.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define ID_SIZE		4096

enum { OPT_NSID, OPT_CNS, OPT_CNTID, OPT_CSI, OPT_RAW, OPT_INIT };

static const uint8_t *id;	/* the data structure being printed */

/* A little-endian field, bytes @begin..@end as the specification numbers them. */
static uint64_t f(unsigned int end, unsigned int begin)
{
	uint64_t v = 0;

	nvt_le_field(id, ID_SIZE, begin, end, &v);
	return v;
}

static const char *s(unsigned int end, unsigned int begin, char *buf, size_t len)
{
	if (nvt_str_field(id, ID_SIZE, begin, end, buf, len) < 0)
		buf[0] = '\0';
	return buf;
}

static void line(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void line(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%-10s ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* A field shown as hex followed by the names of its set bits. */
static void bits(const char *name, unsigned int end, unsigned int begin,
		 const char *const *names, unsigned int n)
{
	char text[512];
	uint64_t v = f(end, begin);

	line(name, "0x%0*" PRIx64 " %s", 2 * (int)(end - begin + 1), v,
	     cli_bits(v, names, n, text, sizeof(text)));
}

static void kelvin(const char *name, unsigned int end, unsigned int begin)
{
	uint64_t k = f(end, begin);

	if (k)
		line(name, "%" PRIu64 " K (%d C)", k, (int)k - 273);
	else
		line(name, "0 (not reported)");
}

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static void print_ctrl(uint64_t cap)
{
	static const char *const cmic[] = {
		"multiple-ports", "multiple-controllers", "sr-iov", "ana-reporting",
	};
	static const char *const oaes[] = {
		[8] = "namespace-attribute-notices", [9] = "firmware-activation-notices",
		[11] = "ana-change-notices", [12] = "predictable-latency-event-notices",
		[13] = "lba-status-notices", [14] = "endurance-group-event-notices",
		[15] = "normal-subsystem-shutdown-notices", [27] = "zone-descriptor-changed-notices",
	};
	static const char *const ctratt[] = {
		"128-bit-host-id", "non-operational-power-state-permissive", "nvm-sets",
		"read-recovery-levels", "endurance-groups", "predictable-latency-mode",
		"traffic-based-keep-alive", "namespace-granularity", "sq-associations",
		"uuid-list", "multi-domain-subsystem", "fixed-capacity-management",
		"variable-capacity-management", "delete-endurance-group", "delete-nvm-set",
		"extended-lba-formats",
	};
	static const char *const oacs[] = {
		"Security", "Format-NVM", "Firmware", "Namespace-Management", "Device-Self-test",
		"Directives", "NVMe-MI", "Virtualization-Management", "Doorbell-Buffer-Config",
		"Get-LBA-Status", "Command-and-Feature-Lockdown",
	};
	static const char *const lpa[] = {
		"smart-per-namespace", "commands-effects-log", "extended-get-log-page",
		"telemetry", "persistent-event-log", "supported-effects-logs",
		"telemetry-data-area-4",
	};
	static const char *const sanicap[] = {
		"crypto-erase", "block-erase", "overwrite", [29] = "no-dealloc-inhibited",
	};
	static const char *const oncs[] = {
		"Compare", "Write-Uncorrectable", "Dataset-Management", "Write-Zeroes",
		"save-select-features", "Reservations", "Timestamp", "Verify", "Copy",
	};
	static const char *const fna[] = {
		"format-applies-to-all-namespaces", "secure-erase-applies-to-all-namespaces",
		"crypto-erase",
	};
	static const char *const sgls[] = {
		[2] = "keyed-sgl-data-block", [16] = "bit-bucket",
		[17] = "byte-aligned-metadata", [18] = "length-larger-than-data",
		[19] = "mptr-sgl", [20] = "address-as-offset", [21] = "transport-sgl-data-block",
	};
	static const char *const ctrltype[] = {
		"not reported", "I/O controller", "discovery controller",
		"administrative controller",
	};
	static const char *const flush[] = {
		"not indicated", "reserved", "not supported", "supported",
	};
	char text[512];
	uint64_t mdts = f(77, 77), ver = f(83, 80), frmw = f(260, 260), vwc = f(525, 525);
	uint64_t sglsv = f(539, 536), npss = f(263, 263), mpsmin;
	unsigned int i;

	mpsmin = NVT_BITS_GET(cap, NVT_CAP_MPSMIN);
	line("VID", "0x%04" PRIx64, f(1, 0));
	line("SSVID", "0x%04" PRIx64, f(3, 2));
	line("SN", "%s", s(23, 4, text, sizeof(text)));
	line("MN", "%s", s(63, 24, text, sizeof(text)));
	line("FR", "%s", s(71, 64, text, sizeof(text)));
	line("RAB", "%" PRIu64 " (%llu commands)", f(72, 72), 1ULL << (f(72, 72) & 63));
	line("IEEE", "0x%06" PRIx64, f(75, 73));
	bits("CMIC", 76, 76, cmic, N(cmic));
	if (mdts)
		line("MDTS", "%" PRIu64 " (%llu bytes)", mdts,
		     mdts + 12 + mpsmin < 64 ? 1ULL << (mdts + 12 + mpsmin) : 0ULL);
	else
		line("MDTS", "0 (no limit)");
	line("CNTLID", "0x%04" PRIx64, f(79, 78));
	line("VER", "0x%08" PRIx64 " (%" PRIu64 ".%" PRIu64 ".%" PRIu64 ")", ver, ver >> 16,
	     ver >> 8 & 0xff, ver & 0xff);
	line("RTD3R", "%" PRIu64 " us", f(87, 84));
	line("RTD3E", "%" PRIu64 " us", f(91, 88));
	bits("OAES", 95, 92, oaes, N(oaes));
	bits("CTRATT", 99, 96, ctratt, N(ctratt));
	line("CNTRLTYPE", "%" PRIu64 " (%s)", f(111, 111),
	     f(111, 111) < N(ctrltype) ? ctrltype[f(111, 111)] : "reserved");
	bits("OACS", 257, 256, oacs, N(oacs));
	line("ACL", "%" PRIu64 " (%" PRIu64 " Abort commands)", f(258, 258), f(258, 258) + 1);
	line("AERL", "%" PRIu64 " (%" PRIu64 " Asynchronous Event Requests)", f(259, 259),
	     f(259, 259) + 1);
	line("FRMW", "0x%02" PRIx64 " %" PRIu64 " slot%s%s%s", frmw, frmw >> 1 & 7,
	     (frmw >> 1 & 7) == 1 ? "" : "s", frmw & 1 ? ", slot 1 read-only" : "",
	     frmw & 0x10 ? ", activation without reset" : "");
	bits("LPA", 261, 261, lpa, N(lpa));
	line("ELPE", "%" PRIu64 " (%" PRIu64 " error log entries)", f(262, 262),
	     f(262, 262) + 1);
	line("NPSS", "%" PRIu64 " (%" PRIu64 " power states)", npss, npss + 1);
	line("AVSCC", "0x%02" PRIx64, f(264, 264));
	line("APSTA", "0x%02" PRIx64 "%s", f(265, 265), f(265, 265) & 1 ? " supported" : "");
	kelvin("WCTEMP", 267, 266);
	kelvin("CCTEMP", 269, 268);
	line("MTFA", "%" PRIu64 " (x 100 ms)", f(271, 270));
	line("HMPRE", "%" PRIu64 " (4 KiB units)", f(275, 272));
	line("HMMIN", "%" PRIu64 " (4 KiB units)", f(279, 276));
	line("TNVMCAP", "%s bytes", cli_u128(id + 280, text, sizeof(text)));
	line("UNVMCAP", "%s bytes", cli_u128(id + 296, text, sizeof(text)));
	line("EDSTT", "%" PRIu64 " min", f(317, 316));
	line("DSTO", "0x%02" PRIx64, f(318, 318));
	line("FWUG", "%" PRIu64 " (4 KiB units)", f(319, 319));
	line("KAS", "%" PRIu64 " (x 100 ms)", f(321, 320));
	line("HCTMA", "0x%04" PRIx64 "%s", f(323, 322), f(323, 322) & 1 ? " supported" : "");
	kelvin("MNTMT", 325, 324);
	kelvin("MXTMT", 327, 326);
	bits("SANICAP", 331, 328, sanicap, N(sanicap));
	line("SQES", "0x%02" PRIx64 " (required %u bytes, maximum %u bytes)", f(512, 512),
	     1u << (f(512, 512) & 0xf), 1u << (f(512, 512) >> 4));
	line("CQES", "0x%02" PRIx64 " (required %u bytes, maximum %u bytes)", f(513, 513),
	     1u << (f(513, 513) & 0xf), 1u << (f(513, 513) >> 4));
	line("MAXCMD", "%" PRIu64, f(515, 514));
	line("NN", "%" PRIu64, f(519, 516));
	bits("ONCS", 521, 520, oncs, N(oncs));
	line("FUSES", "0x%04" PRIx64 "%s", f(523, 522),
	     f(523, 522) & 1 ? " compare-and-write" : "");
	bits("FNA", 524, 524, fna, N(fna));
	line("VWC", "0x%02" PRIx64 " %s, flush of all namespaces: %s", vwc,
	     vwc & 1 ? "present" : "not present", flush[vwc >> 1 & 3]);
	line("AWUN", "%" PRIu64 " (%" PRIu64 " blocks)", f(527, 526), f(527, 526) + 1);
	line("AWUPF", "%" PRIu64 " (%" PRIu64 " blocks)", f(529, 528), f(529, 528) + 1);
	line("NVSCC", "0x%02" PRIx64, f(530, 530));
	line("NWPC", "0x%02" PRIx64, f(531, 531));
	line("ACWU", "%" PRIu64, f(533, 532));
	line("SGLS", "0x%08" PRIx64 " %s%s%s", sglsv,
	     (sglsv & 3) == 0 ? "not supported" : (sglsv & 3) == 1 ? "supported" :
	     (sglsv & 3) == 2 ? "supported (dword aligned)" : "reserved",
	     sglsv & ~3ULL ? " " : "",
	     sglsv & ~3ULL ? cli_bits(sglsv & ~3ULL, sgls, N(sgls), text, sizeof(text)) : "");
	line("MNAN", "%" PRIu64, f(543, 540));
	line("SUBNQN", "%s", s(1023, 768, text, sizeof(text)));
	/* Power state descriptors, 32 bytes each from byte 2048 (Figure 248). */
	for (i = 0; i <= npss && i < 32; i++) {
		unsigned int at = 2048 + 32 * i;
		uint64_t mp = f(at + 1, at), flags = f(at + 3, at + 3);
		char name[8];

		snprintf(name, sizeof(name), "PS%u", i);
		line(name, "MP %" PRIu64 ".%0*" PRIu64 " W%s, ENLAT %" PRIu64 " us, EXLAT %" PRIu64
		     " us, RRT %" PRIu64 " RRL %" PRIu64 " RWT %" PRIu64 " RWL %" PRIu64,
		     flags & 1 ? mp / 10000 : mp / 100, flags & 1 ? 4 : 2,
		     flags & 1 ? mp % 10000 : mp % 100, flags & 2 ? " (non-operational)" : "",
		     f(at + 7, at + 4), f(at + 11, at + 8), f(at + 12, at + 12) & 0x1f,
		     f(at + 13, at + 13) & 0x1f, f(at + 14, at + 14) & 0x1f,
		     f(at + 15, at + 15) & 0x1f);
	}
}

static void print_ns(void)
{
	static const char *const nsfeat[] = {
		"thin-provisioning", "namespace-atomics", "deallocated-error",
		"uid-reuse", "optimal-performance",
	};
	static const char *const rp[] = { "best", "better", "good", "degraded" };
	static const char *const mc[] = { "extended-lba", "separate-buffer" };
	static const char *const dpc[] = {
		"type1", "type2", "type3", "first-bytes", "last-bytes",
	};
	static const char *const nmic[] = { "shared" };
	char text[256];
	uint64_t nlbaf = f(25, 25), flbas = f(26, 26), nsze = f(7, 0), lbads, ms;
	unsigned int i, inuse = (unsigned int)(flbas & 0xf);

	if (nlbaf >= 16)	/* NVMe 2.0: FLBAS bits 6:5 are the upper bits */
		inuse |= (unsigned int)(flbas >> 5 & 3) << 4;
	lbads = f(128 + 4 * inuse + 2, 128 + 4 * inuse + 2);
	line("NSZE", "%" PRIu64 " blocks (%llu bytes)", nsze,
	     lbads < 64 ? (unsigned long long)nsze << lbads : 0ULL);
	line("NCAP", "%" PRIu64 " blocks", f(15, 8));
	line("NUSE", "%" PRIu64 " blocks", f(23, 16));
	bits("NSFEAT", 24, 24, nsfeat, N(nsfeat));
	line("NLBAF", "%" PRIu64 " (%" PRIu64 " LBA formats)", nlbaf, nlbaf + 1);
	line("FLBAS", "0x%02" PRIx64 " (format %u%s)", flbas, inuse,
	     flbas & 0x10 ? ", metadata at the end of each block" :
			    ", metadata in a separate buffer");
	bits("MC", 27, 27, mc, N(mc));
	bits("DPC", 28, 28, dpc, N(dpc));
	line("DPS", "0x%02" PRIx64 " (PI type %" PRIu64 "%s)", f(29, 29), f(29, 29) & 7,
	     f(29, 29) & 8 ? ", first bytes of metadata" : "");
	bits("NMIC", 30, 30, nmic, N(nmic));
	line("RESCAP", "0x%02" PRIx64, f(31, 31));
	line("FPI", "0x%02" PRIx64, f(32, 32));
	line("DLFEAT", "0x%02" PRIx64, f(33, 33));
	line("NAWUN", "%" PRIu64, f(35, 34));
	line("NAWUPF", "%" PRIu64, f(37, 36));
	line("NACWU", "%" PRIu64, f(39, 38));
	line("NOIOB", "%" PRIu64, f(47, 46));
	line("NVMCAP", "%s bytes", cli_u128(id + 48, text, sizeof(text)));
	line("NGUID", "%016" PRIx64 "%016" PRIx64, __builtin_bswap64(f(111, 104)),
	     __builtin_bswap64(f(119, 112)));
	line("EUI64", "%016" PRIx64, __builtin_bswap64(f(127, 120)));
	printf("LBA formats:\n");
	for (i = 0; i <= nlbaf && i < 64; i++) {
		unsigned int at = 128 + 4 * i;

		lbads = f(at + 2, at + 2);
		ms = f(at + 1, at);
		printf("  LBAF%-2u MS %-3" PRIu64 " LBADS %-2" PRIu64 " (%5llu bytes)  RP %" PRIu64
		       " (%s)%s\n", i, ms, lbads, lbads < 64 ? 1ULL << lbads : 0ULL,
		       f(at + 3, at + 3) & 3, rp[f(at + 3, at + 3) & 3],
		       i == inuse ? "  in use" : "");
	}
}

/* CNS 02h, 10h, 12h, 13h: lists of 32-bit (NSID) or 16-bit (CNTLID) values. */
static void print_list(unsigned int cns)
{
	unsigned int i, n = 0;

	if (cns == NVT_CNS_CTRL_NS_LIST || cns == NVT_CNS_CTRL_LIST) {
		n = (unsigned int)f(1, 0);
		printf("%u controller%s\n", n, n == 1 ? "" : "s");
		for (i = 0; i < n && i < 2047; i++)
			printf("  CNTLID 0x%04" PRIx64 "\n", f(2 * i + 3, 2 * i + 2));
		return;
	}
	for (i = 0; i < ID_SIZE / 4 && f(4 * i + 3, 4 * i); i++)
		printf("  NSID %" PRIu64 "\n", f(4 * i + 3, 4 * i));
	if (!i)
		printf("no namespaces\n");
}

static int identify(char **args, unsigned int flags, char **values)
{
	uint64_t nsid = 0, cns = NVT_CNS_CTRL, cntid = 0, csi = 0, cap = 0;
	struct nvt_ctrl *ctrl = NULL;
	struct nvt_buf *buf = NULL;
	struct cli_cpl c = { 0 };
	int ret, status = EXIT_FAILURE;

	if (flags & (1u << OPT_NSID)) {
		if (cli_number("--nsid", values[OPT_NSID], UINT32_MAX, &nsid))
			return EXIT_USAGE;
		cns = NVT_CNS_NS;
	}
	if (cli_option(flags, values, OPT_CNS, "--cns", 0xff, &cns) ||
	    cli_option(flags, values, OPT_CNTID, "--cntid", 0xffff, &cntid) ||
	    cli_option(flags, values, OPT_CSI, "--csi", 0xff, &csi))
		return EXIT_USAGE;
	if (cli_ctrl_open(args[0], flags & (1u << OPT_INIT), &ctrl))
		return EXIT_FAILURE;
	nvt_set_log_level(NVT_LOG_ERR);	/* a failing status is printed below */
	if (nvt_buf_alloc(ctrl, ID_SIZE, &buf))
		goto out;
	nvt_buf_set_name(buf, "identify");
	ret = nvt_ctrl_identify(ctrl, buf, (uint32_t)nsid, (uint8_t)cns, (uint16_t)cntid,
				(uint8_t)csi, cli_cpl_cb, &c);
	if (!ret)
		ret = cli_wait(ctrl, &c);
	if (ret) {
		cli_print_failure(stdout, "identify", ret);
		goto out;
	}
	id = nvt_buf_data(buf);
	if (flags & (1u << OPT_RAW)) {
		cli_hexdump(id, ID_SIZE, 0);
	} else if (cns == NVT_CNS_CTRL) {
		nvt_ctrl_cap(ctrl, &cap);
		print_ctrl(cap);
	} else if (cns == NVT_CNS_NS || cns == NVT_CNS_NS_PRESENT) {
		print_ns();
	} else if (cns == NVT_CNS_NS_ACTIVE_LIST || cns == NVT_CNS_NS_PRESENT_LIST ||
		   cns == NVT_CNS_CTRL_NS_LIST || cns == NVT_CNS_CTRL_LIST) {
		print_list((unsigned int)cns);
	} else {
		cli_hexdump(id, ID_SIZE, 0);
	}
	status = EXIT_SUCCESS;
out:
	nvt_buf_free(buf);
	nvt_ctrl_close(ctrl);
	return status;
}

static const struct cli_flag identify_flags[] = {
	[OPT_NSID] = { "nsid", "Identify Namespace N (CNS 00h) instead of the controller", "N", 0 },
	[OPT_CNS] = { "cns", "the CNS value to send (hex dump unless 00h, 01h or a list)", "C", 0 },
	[OPT_CNTID] = { "cntid", "CNTID (CDW10 bits 31:16), default 0", "ID", 0 },
	[OPT_CSI] = { "csi", "command set identifier (CDW11 bits 31:24), default 0", "CSI", 0 },
	[OPT_RAW] = { "raw", "print the 4096 bytes as a hex dump", NULL, 0 },
	[OPT_INIT] = CLI_FLAG_INIT,
	{ NULL, NULL, NULL, 0 },
};

const struct cli_cmd cmd_identify = {
	.name = "identify",
	.args = "DEV",
	.summary = "Identify Controller or Namespace, decoded",
	.help = "Sends Identify (06h) and prints its data structure, one field a line with\n"
		"the specification's names: the controller (CNS 01h, NVMe 1.4 Figure 247),\n"
		"or with --nsid the namespace (CNS 00h) and its LBA formats. NSID and\n"
		"controller lists (CNS 02h, 10h, 12h, 13h) are listed; other CNS values\n"
		"and --raw give a hex dump.\n"
		"A controller that is enabled and has an admin queue is used as it is, so a\n"
		"test driving it is not disturbed; otherwise (or with --init) the default\n"
		"init runs first, which resets the controller: IO queues and commands\n"
		"outstanding in any process are gone.\n"
		"Exit status 1 if the command fails (its status is printed).\n",
	.flags = identify_flags,
	.nargs = 1,
	.run = identify,
};
