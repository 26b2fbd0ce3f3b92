// SPDX-License-Identifier: MIT
/*
 * nvmetest features DEV: Get Features (0Ah) of every feature a controller
 * may have (NVMe 1.4 section 5.21.1), with the value decoded where simple;
 * or of one feature with --fid.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { OPT_FID, OPT_SEL, OPT_NSID, OPT_CDW11, OPT_INIT };

#define N(a)	(sizeof(a) / sizeof((a)[0]))

typedef void (*decode_fn)(uint32_t cdw0, const uint8_t *data, char *buf, size_t len);

static void arbitration(uint32_t v, const uint8_t *d, char *buf, size_t len)
{
	char burst[24];

	(void)d;
	if ((v & 7) == 7)
		snprintf(burst, sizeof(burst), "no limit");
	else
		snprintf(burst, sizeof(burst), "%u commands", 1u << (v & 7));
	snprintf(buf, len, "AB=%u (%s) LPW=%u MPW=%u HPW=%u", v & 7, burst, v >> 8 & 0xff,
		 v >> 16 & 0xff, v >> 24);
}

static void power_mgmt(uint32_t v, const uint8_t *d, char *buf, size_t len)
{
	(void)d;
	snprintf(buf, len, "PS=%u WH=%u", v & 0x1f, v >> 5 & 7);
}

static void temperature(uint32_t v, const uint8_t *d, char *buf, size_t len)
{
	(void)d;
	snprintf(buf, len, "TMPTH=%u K (%d C)", v & 0xffff, (int)(v & 0xffff) - 273);
}

static void error_recovery(uint32_t v, const uint8_t *d, char *buf, size_t len)
{
	(void)d;
	snprintf(buf, len, "TLER=%u (%u ms%s) DULBE=%u", v & 0xffff, (v & 0xffff) * 100,
		 v & 0xffff ? "" : ", no limit", v >> 16 & 1);
}

static void write_cache(uint32_t v, const uint8_t *d, char *buf, size_t len)
{
	(void)d;
	snprintf(buf, len, "WCE=%u (%s)", v & 1, v & 1 ? "enabled" : "disabled");
}

static void num_queues(uint32_t v, const uint8_t *d, char *buf, size_t len)
{
	(void)d;
	snprintf(buf, len, "NSQA=%u NCQA=%u (%u submission, %u completion queues)", v & 0xffff,
		 v >> 16, (v & 0xffff) + 1, (v >> 16) + 1);
}

static void irq_coalescing(uint32_t v, const uint8_t *d, char *buf, size_t len)
{
	(void)d;
	snprintf(buf, len, "THR=%u (%u entries) TIME=%u (%u us)", v & 0xff, (v & 0xff) + 1,
		 v >> 8 & 0xff, (v >> 8 & 0xff) * 100);
}

static void irq_config(uint32_t v, const uint8_t *d, char *buf, size_t len)
{
	(void)d;
	snprintf(buf, len, "IV=%u CD=%u (coalescing %s)", v & 0xffff, v >> 16 & 1,
		 v >> 16 & 1 ? "disabled" : "enabled");
}

static void write_atomicity(uint32_t v, const uint8_t *d, char *buf, size_t len)
{
	(void)d;
	snprintf(buf, len, "DN=%u", v & 1);
}

static void async_event(uint32_t v, const uint8_t *d, char *buf, size_t len)
{
	static const char *const names[] = {
		"smart-spare", "smart-temperature", "smart-reliability", "smart-read-only",
		"smart-volatile-backup", "smart-pmr-read-only", NULL, NULL,
		"namespace-attribute", "firmware-activation", "telemetry-log", "ana-change",
		"predictable-latency", "lba-status", "endurance-group", "normal-subsystem-shutdown",
		[27] = "zone-descriptor-changed", [31] = "discovery-log-change",
	};
	char text[400];

	(void)d;
	snprintf(buf, len, "%s", cli_bits(v, names, N(names), text, sizeof(text)));
}

static void apst(uint32_t v, const uint8_t *d, char *buf, size_t len)
{
	(void)d;
	snprintf(buf, len, "APSTE=%u", v & 1);
}

static void timestamp(uint32_t v, const uint8_t *d, char *buf, size_t len)
{
	static const char *const origin[] = { "reset", "set features", "2", "3", "4", "5", "6", "7" };
	uint64_t ts = 0;

	(void)v;
	nvt_le_field(d, 8, 0, 5, &ts);
	snprintf(buf, len, "%" PRIu64 " ms, synch=%u, origin=%s", ts, d[6] & 1,
		 origin[d[6] >> 1 & 7]);
}

static void kato(uint32_t v, const uint8_t *d, char *buf, size_t len)
{
	(void)d;
	snprintf(buf, len, "%u ms", v);
}

static void hctm(uint32_t v, const uint8_t *d, char *buf, size_t len)
{
	(void)d;
	snprintf(buf, len, "TMT1=%u K TMT2=%u K", v >> 16, v & 0xffff);
}

static void host_behavior(uint32_t v, const uint8_t *d, char *buf, size_t len)
{
	(void)v;
	snprintf(buf, len, "ACRE=%u", d[0] & 1);
}

static void bit0(uint32_t v, const uint8_t *d, char *buf, size_t len)
{
	(void)d;
	snprintf(buf, len, "bit 0 = %u", v & 1);
}

/*
 * The features read by default: @cdw11 selects what to read (temperature
 * threshold kind, interrupt vector 0); @data is the bytes the feature
 * returns in a buffer.
 */
static const struct feature {
	uint8_t fid;
	const char *name;
	uint32_t cdw11;
	uint32_t data;
	decode_fn decode;
	uint32_t nsid;		/* namespace specific: this namespace unless --nsid */
} features[] = {
	{ NVT_FID_ARBITRATION, "Arbitration", 0, 0, arbitration, 0 },
	{ NVT_FID_POWER_MGMT, "Power Management", 0, 0, power_mgmt, 0 },
	{ NVT_FID_TEMP_THRESH, "Temperature Threshold (composite, over)", 0, 0, temperature, 0 },
	{ NVT_FID_TEMP_THRESH, "Temperature Threshold (composite, under)", 1u << 20, 0,
	  temperature, 0 },
	{ NVT_FID_ERR_RECOVERY, "Error Recovery (namespace 1)", 0, 0, error_recovery, 1 },
	{ NVT_FID_VOLATILE_WC, "Volatile Write Cache", 0, 0, write_cache, 0 },
	{ NVT_FID_NUM_QUEUES, "Number of Queues", 0, 0, num_queues, 0 },
	{ NVT_FID_IRQ_COALESCE, "Interrupt Coalescing", 0, 0, irq_coalescing, 0 },
	{ NVT_FID_IRQ_CONFIG, "Interrupt Vector Configuration (vector 0)", 0, 0, irq_config, 0 },
	{ NVT_FID_WRITE_ATOMIC, "Write Atomicity Normal", 0, 0, write_atomicity, 0 },
	{ NVT_FID_ASYNC_EVENT, "Asynchronous Event Configuration", 0, 0, async_event, 0 },
	{ NVT_FID_AUTO_PST, "Autonomous Power State Transition", 0, 256, apst, 0 },
	{ NVT_FID_TIMESTAMP, "Timestamp", 0, 8, timestamp, 0 },
	{ NVT_FID_KATO, "Keep Alive Timer", 0, 0, kato, 0 },
	{ 0x10, "Host Controlled Thermal Management", 0, 0, hctm, 0 },
	{ 0x11, "Non-Operational Power State Config", 0, 0, bit0, 0 },
	{ NVT_FID_HOST_BEHAVIOR, "Host Behavior Support", 0, 512, host_behavior, 0 },
	{ 0x17, "Sanitize Config", 0, 0, bit0, 0 },
	{ 0x80, "Software Progress Marker", 0, 0, NULL, 0 },
};

static const struct feature *find(uint64_t fid)
{
	size_t i;

	for (i = 0; i < N(features); i++)
		if (features[i].fid == fid)
			return &features[i];
	return NULL;
}

/* Get one feature and print its line; return 0 or the failure. */
static int show(struct nvt_ctrl *ctrl, struct nvt_buf *buf, uint8_t fid, const char *name,
		uint8_t sel, uint32_t nsid, uint32_t cdw11, uint32_t data_len, decode_fn decode)
{
	static const char *const caps[] = { "saveable", "namespace-specific", "changeable" };
	struct cli_cpl c = { 0 };
	char text[512] = "", st[128];
	const uint8_t *data = nvt_buf_data(buf);
	int ret;

	memset(nvt_buf_data(buf), 0, 4096);
	nvt_buf_set_xfer_size(buf, data_len);
	ret = nvt_ctrl_getfeatures(ctrl, fid, sel, nsid, cdw11, 0, 0, 0, 0,
				   data_len ? buf : NULL, cli_cpl_cb, &c);
	if (!ret)
		ret = cli_wait(ctrl, &c);
	if (ret > 0) {
		nvt_status_format((uint16_t)ret, st, sizeof(st));
		printf("%02xh %-42s %s\n", fid, name, st);
		return ret;
	}
	if (ret) {
		printf("%02xh %-42s ERROR: %s\n", fid, name, strerror(-ret));
		return ret;
	}
	if (sel == NVT_SEL_SUPPORTED)
		cli_bits(c.cpl.cdw0 & 7, caps, N(caps), text, sizeof(text));
	else if (decode)
		decode(c.cpl.cdw0, data, text, sizeof(text));
	printf("%02xh %-42s 0x%08x  %s\n", fid, name, c.cpl.cdw0, text);
	if (data_len && sel != NVT_SEL_SUPPORTED && !decode)
		cli_hexdump(data, data_len, 0);
	return 0;
}

static int features_cmd(char **args, unsigned int flags, char **values)
{
	uint64_t fid = 0, sel = NVT_SEL_CURRENT, nsid = 0, cdw11 = 0;
	struct nvt_ctrl *ctrl = NULL;
	struct nvt_buf *buf = NULL;
	int status = EXIT_FAILURE;
	size_t i;

	if (cli_option(flags, values, OPT_FID, "--fid", 0xff, &fid) ||
	    cli_option(flags, values, OPT_SEL, "--sel", 7, &sel) ||
	    cli_option(flags, values, OPT_NSID, "--nsid", UINT32_MAX, &nsid) ||
	    cli_option(flags, values, OPT_CDW11, "--cdw11", UINT32_MAX, &cdw11))
		return EXIT_USAGE;
	if ((flags & (1u << OPT_CDW11)) && !(flags & (1u << OPT_FID))) {
		cli_err("--cdw11 goes with --fid");
		return EXIT_USAGE;
	}
	if (cli_ctrl_open(args[0], flags & (1u << OPT_INIT), &ctrl))
		return EXIT_FAILURE;
	nvt_set_log_level(NVT_LOG_ERR);	/* failing statuses are printed below */
	if (nvt_buf_alloc(ctrl, 4096, &buf))
		goto out;
	nvt_buf_set_name(buf, "features");
	if (flags & (1u << OPT_FID)) {
		const struct feature *ft = find(fid);
		uint32_t dw11 = flags & (1u << OPT_CDW11) ? (uint32_t)cdw11 : ft ? ft->cdw11 : 0;

		if (!(flags & (1u << OPT_NSID)) && ft)
			nsid = ft->nsid;

		if (show(ctrl, buf, (uint8_t)fid, ft ? ft->name : "(unknown feature)",
			 (uint8_t)sel, (uint32_t)nsid, dw11, ft ? ft->data : 0,
			 ft ? ft->decode : NULL))
			goto out;
	} else {
		for (i = 0; i < N(features); i++)
			show(ctrl, buf, features[i].fid, features[i].name, (uint8_t)sel,
			     flags & (1u << OPT_NSID) ? (uint32_t)nsid : features[i].nsid,
			     features[i].cdw11, features[i].data, features[i].decode);
	}
	status = EXIT_SUCCESS;
out:
	nvt_buf_free(buf);
	nvt_ctrl_close(ctrl);
	return status;
}

static const struct cli_flag features_flags[] = {
	[OPT_FID] = { "fid", "only this feature (exit status 1 if it fails)", "F", 0 },
	[OPT_SEL] = { "sel", "select: 0 current (default), 1 default, 2 saved, 3 supported capabilities",
		      "S", 0 },
	[OPT_NSID] = { "nsid", "CDW1 (default 0; 1 for error recovery, namespace specific)", "N",
		       0 },
	[OPT_CDW11] = { "cdw11", "CDW11 to send with --fid (default: as in the list)", "V", 0 },
	[OPT_INIT] = CLI_FLAG_INIT,
	{ NULL, NULL, NULL, 0 },
};

const struct cli_cmd cmd_features = {
	.name = "features",
	.args = "DEV",
	.summary = "read the controller's features, decoded",
	.help = "Sends Get Features (0Ah) for every feature of the list below (or --fid\n"
		"only) and prints FID, name, the completion's DW0 and its meaning; a feature\n"
		"the controller refuses shows its status. With --sel 3 the meaning is the\n"
		"capabilities (saveable, namespace-specific, changeable).\n"
		"Features: 01h arbitration, 02h power management, 04h temperature threshold\n"
		"(over and under), 05h error recovery, 06h volatile write cache, 07h number\n"
		"of queues, 08h interrupt coalescing, 09h interrupt vector configuration\n"
		"(vector 0), 0Ah write atomicity, 0Bh asynchronous event configuration, 0Ch\n"
		"APST, 0Eh timestamp, 0Fh keep alive timer, 10h host controlled thermal\n"
		"management, 11h non-operational power state config, 16h host behavior,\n"
		"17h sanitize config, 80h software progress marker.\n"
		"The controller is opened as by `nvmetest identify` (see its --help).\n",
	.flags = features_flags,
	.nargs = 1,
	.run = features_cmd,
};
