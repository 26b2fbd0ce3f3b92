// SPDX-License-Identifier: MIT
/*
 * NVM command set IO command builders (NVM Command Set 1.0 section 3.2):
 * argument and LBA range checks, the command's dwords, and what data
 * verification does around it; qpair.c submits.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

int nvt__lba_check(const char *fn, uint32_t nsid, uint64_t nsze, uint64_t lba, uint64_t count)
{
	if (lba < nsze && count <= nsze - lba)
		return 0;
	nvt__err("%s: LBAs 0x%llx..0x%llx (%llu) are outside namespace %u (0x0..0x%llx)", fn,
		 (unsigned long long)lba, (unsigned long long)(lba + count - 1),
		 (unsigned long long)count, nsid, (unsigned long long)(nsze - 1));
	return -ERANGE;
}

static int check_pair(const char *fn, struct nvt_ns *ns, struct nvt_qpair *qp)
{
	if (!ns || !qp) {
		nvt__err("%s: %s is NULL", fn, ns ? "qp" : "ns");
		return -EINVAL;
	}
	if (nvt__qpair_ctrl(qp) != ns->ctrl) {
		nvt__err("%s: qpair %u belongs to another controller than namespace %u", fn,
			 nvt_qpair_qid(qp), ns->nsid);
		return -EINVAL;
	}
	return 0;
}

static int check_count(const char *fn, uint32_t lba_count)
{
	if (lba_count && lba_count <= NVT_IO_MAX_LBAS)
		return 0;
	nvt__err("%s: lba_count %u: a command moves 1 to %u LBAs", fn, lba_count,
		 NVT_IO_MAX_LBAS);
	return -EINVAL;
}

/* What verification does for an LBA command of @opcode. */
static enum nvt__vop lba_vop(uint8_t opcode)
{
	switch (opcode) {
	case NVT_IO_WRITE:
		return NVT__VOP_WRITE;
	case NVT_IO_READ:
		return NVT__VOP_READ;
	case NVT_IO_COMPARE:
		return NVT__VOP_LOCK;
	case NVT_IO_WRITE_ZEROES:	/* zeroes, or deallocated with DEAC */
		return NVT__VOP_CLEAR;
	case NVT_IO_WRITE_UNCORRECTABLE:
		return NVT__VOP_UNCORR;
	default:
		return NVT__VOP_NONE;
	}
}

/* Clears of more LBAs than this lock only table pages that exist. */
#define CLEAR_CREATES_MAX	65536

static bool has_data(uint8_t opcode)
{
	return opcode == NVT_IO_READ || opcode == NVT_IO_WRITE || opcode == NVT_IO_COMPARE;
}

static int lba_io(const char *fn, struct nvt_ns *ns, struct nvt_qpair *qp, struct nvt_buf *buf,
		  const struct nvt_io *io, nvt_cb cb, void *ctx)
{
	struct nvt_cmd cmd = { 0 };
	struct nvt__vrun range;
	struct nvt__vio v = { 0 };
	uint64_t offset = 0, len = 0;
	int ret;

	ret = check_pair(fn, ns, qp);
	if (!ret)
		ret = check_count(fn, io->lba_count);
	if (ret)
		return ret;
	if (has_data(io->opcode)) {
		if (!buf) {
			nvt__err("%s: this command needs a buffer", fn);
			return -EINVAL;
		}
		offset = nvt_buf_offset(buf);
		len = (uint64_t)io->lba_count * ns->lba_size;
		if (len > nvt_buf_size(buf) - offset) {
			nvt__err("%s: %u LBAs of %u bytes need %llu bytes; buffer \"%s\" has %zu from its offset %llu",
				 fn, io->lba_count, ns->lba_size, (unsigned long long)len,
				 nvt_buf_name(buf), nvt_buf_size(buf) - (size_t)offset,
				 (unsigned long long)offset);
			return -ERANGE;
		}
	} else {
		buf = NULL;
	}
	ret = nvt__lba_check(fn, ns->nsid, ns->nsze, io->lba, io->lba_count);
	if (ret)
		return ret;
	/* Figure 26 ff.: SLBA CDW10-11, NLB CDW12 15:00, flags CDW12 31:16 */
	cmd.opcode = io->opcode;
	cmd.fuse = io->fuse;
	cmd.nsid = ns->nsid;
	cmd.cdw2 = io->cdw2;
	cmd.cdw3 = io->cdw3;
	cmd.cdw10 = (uint32_t)io->lba;
	cmd.cdw11 = (uint32_t)(io->lba >> 32);
	cmd.cdw12 = (uint32_t)io->io_flags << 16 | (io->lba_count - 1);
	cmd.cdw13 = io->cdw13;
	cmd.cdw14 = io->cdw14;
	cmd.cdw15 = io->cdw15;
	cmd.flags = io->flags;
	cmd.timeout_ms = io->timeout_ms;
	range = (struct nvt__vrun) { .slba = io->lba, .nlb = io->lba_count };
	v = (struct nvt__vio) {
		.op = lba_vop(io->opcode),
		.ns = ns,
		.slba = io->lba,
		.nlb = io->lba_count,
		.ranges = &range,
		.nranges = 1,
	};
	v.existing_only = v.op == NVT__VOP_READ || v.op == NVT__VOP_LOCK ||
			  (v.op == NVT__VOP_CLEAR && io->lba_count > CLEAR_CREATES_MAX);
	return nvt__qpair_submit(qp, fn, &cmd, buf, offset, len, cb, ctx, &v);
}

int nvt_ns_io(struct nvt_ns *ns, struct nvt_qpair *qp, struct nvt_buf *buf,
	      const struct nvt_io *io, nvt_cb cb, void *ctx)
{
	unsigned int i;

	if (!io) {
		nvt__err("nvt_ns_io: io is NULL");
		return -EINVAL;
	}
	switch (io->opcode) {
	case NVT_IO_READ: case NVT_IO_WRITE: case NVT_IO_COMPARE: case NVT_IO_WRITE_ZEROES:
	case NVT_IO_WRITE_UNCORRECTABLE: case NVT_IO_VERIFY:
		break;
	default:
		nvt__err("nvt_ns_io: opcode 0x%02x is not an LBA command nvt_ns_io() builds (nvt_qpair_send_cmd() sends anything)",
			 io->opcode);
		return -EINVAL;
	}
	for (i = 0; i < NVT_ARRAY_SIZE(io->rsvd); i++) {
		if (io->rsvd[i]) {
			nvt__err("nvt_ns_io: reserved fields of struct nvt_io must be 0");
			return -EINVAL;
		}
	}
	return lba_io("nvt_ns_io", ns, qp, buf, io, cb, ctx);
}

#define SIMPLE(fn, op, b, l, n, f)						\
	do {									\
		struct nvt_io io_ = {						\
			.opcode = (op), .lba = (l), .lba_count = (n), .io_flags = (f),\
		};								\
		return lba_io(fn, ns, qp, (b), &io_, cb, ctx);			\
	} while (0)

int nvt_ns_read(struct nvt_ns *ns, struct nvt_qpair *qp, struct nvt_buf *buf, uint64_t lba,
		uint32_t lba_count, uint16_t io_flags, nvt_cb cb, void *ctx)
{
	SIMPLE(__func__, NVT_IO_READ, buf, lba, lba_count, io_flags);
}

int nvt_ns_write(struct nvt_ns *ns, struct nvt_qpair *qp, struct nvt_buf *buf, uint64_t lba,
		 uint32_t lba_count, uint16_t io_flags, nvt_cb cb, void *ctx)
{
	SIMPLE(__func__, NVT_IO_WRITE, buf, lba, lba_count, io_flags);
}

int nvt_ns_compare(struct nvt_ns *ns, struct nvt_qpair *qp, struct nvt_buf *buf, uint64_t lba,
		   uint32_t lba_count, uint16_t io_flags, nvt_cb cb, void *ctx)
{
	SIMPLE(__func__, NVT_IO_COMPARE, buf, lba, lba_count, io_flags);
}

int nvt_ns_write_zeroes(struct nvt_ns *ns, struct nvt_qpair *qp, uint64_t lba,
			uint32_t lba_count, uint16_t io_flags, nvt_cb cb, void *ctx)
{
	SIMPLE(__func__, NVT_IO_WRITE_ZEROES, NULL, lba, lba_count, io_flags);
}

int nvt_ns_write_uncorrectable(struct nvt_ns *ns, struct nvt_qpair *qp, uint64_t lba,
			       uint32_t lba_count, nvt_cb cb, void *ctx)
{
	SIMPLE(__func__, NVT_IO_WRITE_UNCORRECTABLE, NULL, lba, lba_count, 0);
}

int nvt_ns_verify(struct nvt_ns *ns, struct nvt_qpair *qp, uint64_t lba, uint32_t lba_count,
		  uint16_t io_flags, nvt_cb cb, void *ctx)
{
	SIMPLE(__func__, NVT_IO_VERIFY, NULL, lba, lba_count, io_flags);
}

int nvt_ns_flush(struct nvt_ns *ns, struct nvt_qpair *qp, nvt_cb cb, void *ctx)
{
	struct nvt_cmd cmd = { .opcode = NVT_IO_FLUSH };
	int ret = check_pair(__func__, ns, qp);

	if (ret)
		return ret;
	cmd.nsid = ns->nsid;
	return nvt__qpair_submit(qp, __func__, &cmd, NULL, 0, 0, cb, ctx, NULL);
}

static uint64_t get_le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* The buffer of a range-list command: @bytes from its offset. */
static int range_buf(const char *fn, struct nvt_buf *buf, uint64_t bytes, const uint8_t **list)
{
	size_t offset;

	if (!buf) {
		nvt__err("%s: the ranges go in a buffer: buf is NULL", fn);
		return -EINVAL;
	}
	offset = nvt_buf_offset(buf);
	if (bytes > nvt_buf_size(buf) - offset) {
		nvt__err("%s: %llu bytes of ranges; buffer \"%s\" has %zu from its offset %zu", fn,
			 (unsigned long long)bytes, nvt_buf_name(buf), nvt_buf_size(buf) - offset,
			 offset);
		return -ERANGE;
	}
	*list = (const uint8_t *)nvt_buf_data(buf) + offset;
	return 0;
}

int nvt_ns_dsm(struct nvt_ns *ns, struct nvt_qpair *qp, struct nvt_buf *buf,
	       unsigned int range_count, uint32_t attribute, nvt_cb cb, void *ctx)
{
	struct nvt__vrun ranges[NVT_DSM_MAX_RANGES];
	struct nvt_cmd cmd = { .opcode = NVT_IO_DSM };
	struct nvt__vio v = { 0 };
	const uint8_t *list;
	unsigned int i;
	int ret;

	ret = check_pair(__func__, ns, qp);
	if (ret)
		return ret;
	if (!range_count || range_count > NVT_DSM_MAX_RANGES) {
		nvt__err("nvt_ns_dsm: range_count %u: 1 to %u ranges", range_count,
			 NVT_DSM_MAX_RANGES);
		return -EINVAL;
	}
	ret = range_buf(__func__, buf, 16ull * range_count, &list);
	if (ret)
		return ret;
	if (attribute & NVT_DSM_AD) {
		/* Figure 39: attributes 03:00, NLB 07:04, SLBA 15:08 */
		for (i = 0; i < range_count; i++) {
			ranges[i].nlb = get_le(list + 16 * i + 4, 4);
			ranges[i].slba = get_le(list + 16 * i + 8, 8);
			if (!ranges[i].nlb)
				continue;
			ret = nvt__lba_check(__func__, ns->nsid, ns->nsze, ranges[i].slba,
					     ranges[i].nlb);
			if (ret)
				return ret;
		}
		v = (struct nvt__vio) {
			.op = NVT__VOP_CLEAR, .ns = ns, .ranges = ranges, .nranges = range_count,
		};
		for (i = 0; i < range_count; i++)
			if (ranges[i].nlb > CLEAR_CREATES_MAX)
				v.existing_only = true;
	}
	/* Figure 37/38: NR 07:00 (0's based); attributes in CDW11 */
	cmd.nsid = ns->nsid;
	cmd.cdw10 = range_count - 1;
	cmd.cdw11 = attribute;
	return nvt__qpair_submit(qp, __func__, &cmd, buf, nvt_buf_offset(buf), 16ull * range_count,
				 cb, ctx, &v);
}

int nvt_copy_range_set(void *mem, size_t size, unsigned int index, uint64_t slba, uint32_t nlb)
{
	uint8_t *e;
	uint64_t v;
	uint16_t n;

	if (!mem || !nlb || nlb > NVT_IO_MAX_LBAS) {
		nvt__err("nvt_copy_range_set: %s", mem ? "nlb is 1 to 65536" : "mem is NULL");
		return -EINVAL;
	}
	if ((uint64_t)index * NVT_COPY_RANGE_SIZE + NVT_COPY_RANGE_SIZE > size) {
		nvt__err("nvt_copy_range_set: range %u does not fit in %zu bytes", index, size);
		return -ERANGE;
	}
	e = (uint8_t *)mem + (size_t)index * NVT_COPY_RANGE_SIZE;
	memset(e, 0, NVT_COPY_RANGE_SIZE);
	/* Figure 42: SLBA 15:08, NLB 17:16 (0's based) */
	v = htole64(slba);
	memcpy(e + 8, &v, sizeof(v));
	n = htole16((uint16_t)(nlb - 1));
	memcpy(e + 16, &n, sizeof(n));
	return 0;
}

int nvt_ns_copy(struct nvt_ns *ns, struct nvt_qpair *qp, struct nvt_buf *buf, uint64_t lba,
		unsigned int range_count, uint16_t io_flags, nvt_cb cb, void *ctx)
{
	struct nvt_cmd cmd = { .opcode = NVT_IO_COPY };
	struct nvt__vrun dest;
	struct nvt__vio v;
	const uint8_t *list;
	uint64_t total = 0;
	unsigned int i;
	int ret;

	ret = check_pair(__func__, ns, qp);
	if (ret)
		return ret;
	if (!range_count || range_count > NVT_COPY_MAX_RANGES) {
		nvt__err("nvt_ns_copy: range_count %u: 1 to %u ranges", range_count,
			 NVT_COPY_MAX_RANGES);
		return -EINVAL;
	}
	ret = range_buf(__func__, buf, (uint64_t)NVT_COPY_RANGE_SIZE * range_count, &list);
	if (ret)
		return ret;
	for (i = 0; i < range_count; i++) {
		const uint8_t *e = list + (size_t)i * NVT_COPY_RANGE_SIZE;
		uint64_t n = get_le(e + 16, 2) + 1;

		ret = nvt__lba_check(__func__, ns->nsid, ns->nsze, get_le(e + 8, 8), n);
		if (ret)
			return ret;
		total += n;
	}
	ret = nvt__lba_check(__func__, ns->nsid, ns->nsze, lba, total);
	if (ret)
		return ret;
	dest = (struct nvt__vrun) { .slba = lba, .nlb = total };
	v = (struct nvt__vio) {
		.op = NVT__VOP_CLEAR, .ns = ns, .ranges = &dest, .nranges = 1,
		.existing_only = total > CLEAR_CREATES_MAX,
	};
	/* Copy: SDLBA CDW10-11; CDW12 NR 07:00, format 11:08 (0), flags 31:16 */
	cmd.nsid = ns->nsid;
	cmd.cdw10 = (uint32_t)lba;
	cmd.cdw11 = (uint32_t)(lba >> 32);
	cmd.cdw12 = (uint32_t)io_flags << 16 | (range_count - 1);
	return nvt__qpair_submit(qp, __func__, &cmd, buf, nvt_buf_offset(buf),
				 (uint64_t)NVT_COPY_RANGE_SIZE * range_count, cb, ctx, &v);
}
