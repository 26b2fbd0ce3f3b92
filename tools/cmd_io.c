// SPDX-License-Identifier: MIT
/*
 * nvmetest read|write|trim DEV: IO commands on an LBA range of a namespace,
 * for quick manual work: Read (02h), Write (01h) and Dataset Management
 * with the Deallocate attribute (09h) (NVM Command Set 1.0 sections 3.2.4,
 * 3.2.6 and 3.2.3), through a qpair of the tool's own. A range larger than
 * MDTS is split into several commands, several of them in flight at once.
 * With --verify the library's data verification is on: writes are stamped
 * and recorded, trims clear the record and reads are checked, against the
 * kernel's table of the namespace that every verifying process shares.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum io_op { IO_READ, IO_WRITE, IO_TRIM };

/*
 * The options, in one order for the three subcommands; OPT_X1 and OPT_X2
 * differ: read --dump and --fua, write --pattern and --fua (trim has neither).
 */
enum {
	OPT_NSID, OPT_LBA, OPT_COUNT, OPT_VERIFY, OPT_QID, OPT_DEPTH, OPT_TIMEOUT, OPT_INIT,
	OPT_X1, OPT_X2,
};

#define HAS(opt)	(flags & (1u << (opt)))
#define MIN(a, b)	((a) < (b) ? (a) : (b))

#define DEFAULT_DEPTH	64
#define CHUNK_MAX	(1u << 20)	/* bytes per command when MDTS allows more */
#define INFLIGHT_BYTES	(8u << 20)	/* data buffers in flight at most */
#define RANGE_MAX_LBAS	UINT32_MAX	/* Dataset Management range length (Figure 39) */

static const char *const op_name[] = { "read", "write", "trim" };

struct io_args {
	enum io_op op;
	const char *dev;
	uint32_t nsid;
	uint64_t lba;
	uint64_t count;
	bool verify;
	bool dump;
	uint16_t io_flags;
	uint32_t ptype;
	uint32_t pvalue;
	unsigned int depth;
	struct nvt_qpair_opts qopts;
	bool timeout_set;
	uint32_t timeout_ms;
};

/* One command and its buffer. */
struct io_cmd {
	struct nvt_buf *buf;
	uint64_t lba;
	uint64_t nlb;
	struct cli_cpl c;
};

struct io_stats {
	unsigned int ncmds;
	unsigned int nfailed;
	uint64_t lat_min;
	uint64_t lat_max;
	uint64_t lat_sum;
};

/* --pattern: zero, one, a 32-bit value (0xVALUE) or random[:PCT] (pynvme's patterns). */
static int parse_pattern(const char *s, uint32_t *ptype, uint32_t *pvalue)
{
	uint64_t v = 100;

	if (!strcmp(s, "zero") || !strcmp(s, "one")) {
		*ptype = NVT_PATTERN_BIT;
		*pvalue = s[0] == 'o';
		return 0;
	}
	if (!strncmp(s, "random", 6) && (!s[6] || s[6] == ':')) {
		if (s[6] && cli_number("--pattern random:PCT", s + 7, 100, &v))
			return -EINVAL;
		*ptype = NVT_PATTERN_RANDOM;
		*pvalue = (uint32_t)v;
		return 0;
	}
	if (strspn(s, "0123456789abcdefABCDEFxX") != strlen(s)) {
		cli_err("--pattern: '%s': zero, one, a 32-bit value (0x5a5aa5a5) or random[:PCT]",
			s);
		return -EINVAL;
	}
	if (cli_number("--pattern", s, UINT32_MAX, &v))
		return -EINVAL;
	*ptype = NVT_PATTERN_DWORD;
	*pvalue = (uint32_t)v;
	return 0;
}

static int parse_args(enum io_op op, unsigned int flags, char **values, struct io_args *a)
{
	uint64_t nsid = 1, qid = 0, depth = DEFAULT_DEPTH, timeout = 0;

	a->op = op;
	a->count = 1;
	a->verify = HAS(OPT_VERIFY);
	a->ptype = NVT_PATTERN_BIT;
	if (cli_option(flags, values, OPT_NSID, "--nsid", 0xfffffffe, &nsid) ||
	    cli_option(flags, values, OPT_LBA, "--lba", UINT64_MAX, &a->lba) ||
	    cli_option(flags, values, OPT_COUNT, "--count", UINT64_MAX, &a->count) ||
	    cli_option(flags, values, OPT_QID, "--qid", 0xffff, &qid) ||
	    cli_option(flags, values, OPT_DEPTH, "--depth", 65536, &depth) ||
	    cli_option(flags, values, OPT_TIMEOUT, "--timeout", UINT32_MAX, &timeout))
		return -EINVAL;
	if (!nsid || !a->count || (HAS(OPT_QID) && !qid) || depth < 2) {
		cli_err("%s: %s", op_name[op], !nsid ? "--nsid 0 is not a namespace" :
			!a->count ? "--count 0: at least one LBA" :
			depth < 2 ? "--depth: a queue has 2 entries at least" :
			"--qid 0 is the admin queue");
		return -EINVAL;
	}
	if (op == IO_READ)
		a->dump = HAS(OPT_X1);
	if (op == IO_WRITE && HAS(OPT_X1) && parse_pattern(values[OPT_X1], &a->ptype, &a->pvalue))
		return -EINVAL;
	if (op != IO_TRIM && HAS(OPT_X2))
		a->io_flags = NVT_IO_FLAG_FUA;
	a->nsid = (uint32_t)nsid;
	a->depth = (unsigned int)depth;
	if (HAS(OPT_QID)) {
		a->qopts.flags |= NVT_QPAIR_OPT_QID;
		a->qopts.qid = (uint16_t)qid;
	}
	a->timeout_set = HAS(OPT_TIMEOUT);
	a->timeout_ms = (uint32_t)timeout;
	return 0;
}

/* LBAs one Read or Write moves: MDTS, at most CHUNK_MAX bytes and 65536 LBAs. */
static uint64_t chunk_lbas(struct nvt_ctrl *ctrl, uint32_t lba_size)
{
	uint64_t mdts = 0, bytes = CHUNK_MAX, n;

	if (!nvt_ctrl_mdts(ctrl, &mdts) && mdts && mdts < bytes)
		bytes = mdts;
	n = bytes / lba_size;
	return n ? MIN(n, NVT_IO_MAX_LBAS) : 1;
}

static void account(struct io_stats *st, const struct io_cmd *cmd, const char *what)
{
	uint64_t lat = cmd->c.cpl.latency_us;
	char text[128];

	if (!st->ncmds++ || lat < st->lat_min)
		st->lat_min = lat;
	if (lat > st->lat_max)
		st->lat_max = lat;
	st->lat_sum += lat;
	if (!cmd->c.cpl.status)
		return;
	st->nfailed++;
	nvt_status_format(cmd->c.cpl.status, text, sizeof(text));
	printf("%s (%s of LBA 0x%" PRIx64 ", %" PRIu64 " LBAs, CID %u)\n", text, what, cmd->lba,
	       cmd->nlb, cmd->c.cpl.cid);
}

static int submit(const struct io_args *a, struct nvt_ns *ns, struct nvt_qpair *qp,
		  struct io_cmd *cmd)
{
	memset(&cmd->c, 0, sizeof(cmd->c));
	if (a->op == IO_READ)
		return nvt_ns_read(ns, qp, cmd->buf, cmd->lba, (uint32_t)cmd->nlb, a->io_flags,
				   cli_cpl_cb, &cmd->c);
	if (a->op == IO_WRITE) {
		nvt_buf_fill(cmd->buf, a->ptype, a->pvalue);
		return nvt_ns_write(ns, qp, cmd->buf, cmd->lba, (uint32_t)cmd->nlb, a->io_flags,
				    cli_cpl_cb, &cmd->c);
	}
	return nvt_ns_dsm(ns, qp, cmd->buf, (unsigned int)((cmd->nlb + RANGE_MAX_LBAS - 1) /
							   RANGE_MAX_LBAS),
			  NVT_DSM_AD, cli_cpl_cb, &cmd->c);
}

/* The Dataset Management ranges of @cmd: @cmd->nlb LBAs from @cmd->lba. */
static void set_ranges(struct io_cmd *cmd)
{
	uint64_t lba = cmd->lba, left = cmd->nlb;
	unsigned int i;

	for (i = 0; left; i++) {
		uint32_t n = (uint32_t)MIN(left, RANGE_MAX_LBAS);

		nvt_buf_set_dsm_range(cmd->buf, i, lba, n, 0);
		lba += n;
		left -= n;
	}
}

/*
 * Send the commands, @inflight at a time: submit a batch, wait for all of
 * it, report it in LBA order (so --dump prints the data in order), then the
 * next batch; stops after the batch where a command failed.
 */
static int run_cmds(const struct io_args *a, struct nvt_ns *ns, struct nvt_qpair *qp,
		    struct io_cmd *cmds, unsigned int inflight, uint64_t per_cmd,
		    struct io_stats *st)
{
	uint32_t lba_size = nvt_ns_lba_size(ns);
	uint64_t lba = a->lba, left = a->count;
	unsigned int i, n;
	int ret = 0;

	while (left && !ret) {
		for (n = 0; n < inflight && left; n++) {
			cmds[n].lba = lba;
			cmds[n].nlb = MIN(left, per_cmd);
			if (a->op == IO_TRIM)
				set_ranges(&cmds[n]);
			ret = submit(a, ns, qp, &cmds[n]);
			if (ret) {
				cli_print_failure(stdout, op_name[a->op], ret);
				break;
			}
			lba += cmds[n].nlb;
			left -= cmds[n].nlb;
		}
		if (n) {
			int wret = nvt_qpair_waitdone(qp, n);

			if (wret < 0 && wret != -ETIMEDOUT)
				cli_print_failure(stdout, "waiting for the commands", wret);
			ret = ret ? ret : wret;
		}
		for (i = 0; i < n; i++) {
			const struct io_cmd *cmd = &cmds[i];

			if (!cmd->c.done)
				continue;
			account(st, cmd, op_name[a->op]);
			if (a->dump && (!cmd->c.cpl.status ||
					cmd->c.cpl.status == NVT_STATUS_VERIFY_FAILED))
				cli_hexdump(nvt_buf_data(cmd->buf), cmd->nlb * lba_size,
					    (cmd->lba - a->lba) * lba_size);
		}
	}
	return ret;
}

static void print_result(const struct io_stats *st)
{
	if (st->nfailed) {
		if (st->ncmds > 1)
			printf("%u of %u commands failed\n", st->nfailed, st->ncmds);
		return;
	}
	if (!st->ncmds)
		return;
	if (st->ncmds == 1) {
		printf("status: 00/00 %s\nlatency: %" PRIu64 " us\n", nvt_status_name(0),
		       st->lat_sum);
		return;
	}
	printf("status: 00/00 %s (%u commands)\n", nvt_status_name(0), st->ncmds);
	printf("latency: min %" PRIu64 " us, average %" PRIu64 " us, max %" PRIu64 " us\n",
	       st->lat_min, st->lat_sum / st->ncmds, st->lat_max);
}

/* The namespace, checked: the LBA range must be inside it. */
static int open_ns(struct nvt_ctrl *ctrl, const struct io_args *a, struct nvt_ns **ns)
{
	uint64_t cap;
	int ret = nvt_ns_open(ctrl, a->nsid, ns);

	if (ret) {
		cli_print_failure(ret > 0 ? stdout : stderr, "opening the namespace", ret);
		return ret;
	}
	cap = nvt_ns_capacity(*ns);
	if (a->lba >= cap || a->count > cap - a->lba) {
		cli_err("%s: LBAs 0x%" PRIx64 " + %" PRIu64 ": namespace %u has %" PRIu64
			" LBAs (0x0 .. 0x%" PRIx64 ")", op_name[a->op], a->lba, a->count, a->nsid,
			cap, cap - 1);
		return -ERANGE;
	}
	if (a->verify && (ret = nvt_ns_verify_enable(*ns, true)))
		cli_print_failure(stderr, "--verify", ret);
	return ret;
}

/* Buffers for @n commands of @per_cmd LBAs each (of data, or of ranges for trim). */
static int alloc_cmds(struct nvt_ctrl *ctrl, const struct io_args *a, uint32_t lba_size,
		      uint64_t per_cmd, struct io_cmd *cmds, unsigned int n)
{
	size_t size = a->op == IO_TRIM ? 16 * NVT_DSM_MAX_RANGES :
		      (size_t)(MIN(a->count, per_cmd) * lba_size);
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = nvt_buf_alloc(ctrl, size, &cmds[i].buf);
		if (ret)
			return ret;
		nvt_buf_set_name(cmds[i].buf, op_name[a->op]);
	}
	return 0;
}

static int io_run(enum io_op op, char **args, unsigned int flags, char **values)
{
	struct io_args a = { .dev = args[0] };
	struct io_stats st = { 0 };
	struct nvt_ctrl *ctrl = NULL;
	struct nvt_ns *ns = NULL;
	struct nvt_qpair *qp = NULL;
	struct io_cmd *cmds = NULL;
	unsigned int inflight = 0, i;
	uint64_t per_cmd, ncmds;
	uint32_t lba_size;
	int ret, status = EXIT_FAILURE;

	if (parse_args(op, flags, values, &a))
		return EXIT_USAGE;
	if (cli_ctrl_open(a.dev, HAS(OPT_INIT), &ctrl))
		return EXIT_FAILURE;
	nvt_set_log_level(NVT_LOG_ERR);		/* failing statuses are printed below */
	if (cli_known_queues(ctrl) || open_ns(ctrl, &a, &ns))
		goto out;
	lba_size = nvt_ns_lba_size(ns);
	per_cmd = op == IO_TRIM ? (uint64_t)RANGE_MAX_LBAS * NVT_DSM_MAX_RANGES :
		  chunk_lbas(ctrl, lba_size);
	ncmds = (a.count + per_cmd - 1) / per_cmd;
	inflight = (unsigned int)MIN(ncmds, a.depth - 1);
	if (op != IO_TRIM && inflight > INFLIGHT_BYTES / (per_cmd * lba_size))
		inflight = (unsigned int)(INFLIGHT_BYTES / (per_cmd * lba_size)) ?: 1;
	cmds = calloc(inflight, sizeof(*cmds));
	if (!cmds) {
		cli_err("out of memory");
		goto out;
	}
	ret = nvt_qpair_create(ctrl, a.depth, &a.qopts, &qp);
	if (ret) {
		cli_print_failure(ret > 0 ? stdout : stderr, "creating the qpair", ret);
		goto out;
	}
	if (a.timeout_set)
		nvt_qpair_set_timeout(qp, a.timeout_ms);
	if (alloc_cmds(ctrl, &a, lba_size, per_cmd, cmds, inflight))
		goto out;
	printf("%s: nsid %u, LBA 0x%" PRIx64 ", %" PRIu64 " LBA%s of %u bytes, %" PRIu64
	       " command%s on qid %u%s\n", op_name[op], a.nsid, a.lba, a.count,
	       a.count == 1 ? "" : "s", lba_size, ncmds, ncmds == 1 ? "" : "s",
	       nvt_qpair_qid(qp), a.verify ? ", data verification on" : "");
	ret = run_cmds(&a, ns, qp, cmds, inflight, per_cmd, &st);
	print_result(&st);
	if (!ret && !st.nfailed)
		status = EXIT_SUCCESS;
out:
	nvt_qpair_destroy(qp);
	for (i = 0; cmds && i < inflight; i++)
		nvt_buf_free(cmds[i].buf);
	free(cmds);
	nvt_ns_close(ns);
	nvt_ctrl_close(ctrl);
	return status;
}

static int io_read(char **args, unsigned int flags, char **values)
{
	return io_run(IO_READ, args, flags, values);
}

static int io_write(char **args, unsigned int flags, char **values)
{
	return io_run(IO_WRITE, args, flags, values);
}

static int io_trim(char **args, unsigned int flags, char **values)
{
	return io_run(IO_TRIM, args, flags, values);
}

#define IO_FLAGS_COMMON(verify_help)							\
	[OPT_NSID] = { "nsid", "the namespace (default 1)", "N", 'n' },			\
	[OPT_LBA] = { "lba", "the first LBA (default 0)", "LBA", 'l' },			\
	[OPT_COUNT] = { "count", "how many LBAs (default 1)", "C", 'c' },			\
	[OPT_VERIFY] = { "verify", verify_help, NULL, 0 },				\
	[OPT_QID] = { "qid", "the IO queue id (default: the lowest free one)", "Q", 0 },	\
	[OPT_DEPTH] = { "depth", "entries of the IO queues (default 64)", "D", 0 },		\
	[OPT_TIMEOUT] = { "timeout", "host timeout of each command in ms (0: none; default 10000)",\
			  "MS", 0 },							\
	[OPT_INIT] = CLI_FLAG_INIT

static const struct cli_flag read_flags[] = {
	IO_FLAGS_COMMON("check the data read against the namespace's verification table"),
	[OPT_X1] = { "dump", "print the data read as a hex dump", NULL, 0 },
	[OPT_X2] = { "fua", "Force Unit Access (CDW12 bit 30)", NULL, 0 },
	{ NULL, NULL, NULL, 0 },
};

static const struct cli_flag write_flags[] = {
	IO_FLAGS_COMMON("stamp each LBA and record its CRC in the namespace's verification table"),
	[OPT_X1] = { "pattern", "the data: zero (default), one, 0xVALUE (32 bits) or random[:PCT]",
		     "P", 'p' },
	[OPT_X2] = { "fua", "Force Unit Access (CDW12 bit 30)", NULL, 0 },
	{ NULL, NULL, NULL, 0 },
};

static const struct cli_flag trim_flags[] = {
	IO_FLAGS_COMMON("forget the LBAs in the namespace's verification table"),
	{ NULL, NULL, NULL, 0 },
};

#define IO_HELP_COMMON									\
	"A range larger than the controller's MDTS is split into several commands.\n"	\
	"Prints the status of each command that fails, in pynvme's words (\"ERROR\n"	\
	"status: 02/81 Unrecovered Read Error\"), then the status and latency.\n"	\
	"Verification uses the kernel's table of the namespace, shared by every\n"	\
	"process that verifies it while the controller stays bound; a read that\n"	\
	"fails its check reports 07/81 and the LBA and reason.\n"			\
	"The controller is opened as by `nvmetest identify` (see its --help).\n"	\
	"Exit status 1 if a command fails, 2 for bad options.\n"

const struct cli_cmd cmd_read = {
	.name = "read",
	.args = "DEV",
	.summary = "read LBAs of a namespace (Read, 02h)",
	.help = "Reads --count LBAs from --lba of namespace --nsid through a new IO queue\n"
		"pair; --dump prints the data (offsets from the first LBA read).\n"
		IO_HELP_COMMON,
	.flags = read_flags,
	.nargs = 1,
	.run = io_read,
};

const struct cli_cmd cmd_write = {
	.name = "write",
	.args = "DEV",
	.summary = "write LBAs of a namespace (Write, 01h)",
	.help = "Writes --count LBAs from --lba of namespace --nsid with a data pattern\n"
		"through a new IO queue pair. With --verify each LBA carries its LBA number\n"
		"in its first 8 bytes and a write token in its last 8, as pynvme writes.\n"
		IO_HELP_COMMON,
	.flags = write_flags,
	.nargs = 1,
	.run = io_write,
};

const struct cli_cmd cmd_trim = {
	.name = "trim",
	.args = "DEV",
	.summary = "deallocate LBAs of a namespace (Dataset Management, 09h)",
	.help = "Sends Dataset Management with the Deallocate attribute for --count LBAs\n"
		"from --lba of namespace --nsid, in ranges of up to 2^32 - 1 LBAs.\n"
		IO_HELP_COMMON,
	.flags = trim_flags,
	.nargs = 1,
	.run = io_trim,
};
