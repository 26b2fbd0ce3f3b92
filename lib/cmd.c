// SPDX-License-Identifier: MIT
/*
 * Admin command builders (NVMe 1.4 section 5): each fills a struct
 * nvt_cmd from pynvme-style arguments and sends it with nvt__submit().
 * Field positions cite the figure of the command's dwords.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "private.h"

/* Refuse a field that does not fit in its bits. */
#define CHECK_MAX(fn, field, max) do {						\
	if ((field) > (max)) {							\
		nvt__err("%s: %s %u is above its maximum %u", fn, #field,	\
			 (unsigned int)(field), (unsigned int)(max));		\
		return -EINVAL;							\
	}									\
} while (0)

static int submit_user(struct nvt_ctrl *ctrl, const struct nvt_cmd *cmd, struct nvt_buf *buf,
		       nvt_cb cb, void *ctx)
{
	return nvt__submit(ctrl, cmd, buf, cb, ctx, NVT__REQ_USER, NULL);
}

static int need_buf(const char *fn, const struct nvt_buf *buf)
{
	if (buf)
		return 0;
	nvt__err("%s: this command needs a buffer", fn);
	return -EINVAL;
}

/* Bytes a command transfers from @buf (its transfer size, or to the end). */
static size_t buf_bytes(const struct nvt_buf *buf)
{
	size_t x = nvt_buf_xfer_size(buf);

	if (x)
		return x;
	return nvt_buf_size(buf) > nvt_buf_offset(buf) ? nvt_buf_size(buf) - nvt_buf_offset(buf)
							: 0;
}

/*
 * A data length given in bytes for a field of 0's based dwords: 0 takes
 * the buffer's; it must be a non-zero multiple of 4 and, with a buffer,
 * fit in what the buffer transfers.
 */
static int dword_len(const char *fn, const struct nvt_buf *buf, uint32_t *size)
{
	if (!*size && buf)
		*size = (uint32_t)(buf_bytes(buf) & ~(size_t)3);
	if (!*size || *size % 4) {
		nvt__err("%s: the transfer length (%u bytes) must be a non-zero multiple of 4", fn,
			 *size);
		return -EINVAL;
	}
	if (buf && *size > buf_bytes(buf)) {
		nvt__err("%s: %u bytes asked, buffer \"%s\" transfers %zu", fn, *size,
			 nvt_buf_name(buf), buf_bytes(buf));
		return -ERANGE;
	}
	return 0;
}

int nvt__identify_cmd(struct nvt_cmd *cmd, uint32_t nsid, uint8_t cns, uint16_t cntid,
		      uint8_t csi)
{
	/* Figure 242/243: CNS 07:00, CNTID 31:16; CDW11 CSI 31:24 (2.0). */
	*cmd = (struct nvt_cmd) {
		.opcode = NVT_ADMIN_IDENTIFY,
		.nsid = nsid,
		.cdw10 = (uint32_t)cntid << 16 | cns,
		.cdw11 = (uint32_t)csi << 24,
	};
	return 0;
}

int nvt_ctrl_identify(struct nvt_ctrl *ctrl, struct nvt_buf *buf, uint32_t nsid, uint8_t cns,
		      uint16_t cntid, uint8_t csi, nvt_cb cb, void *ctx)
{
	struct nvt_cmd cmd;
	int ret = need_buf(__func__, buf);

	if (ret)
		return ret;
	nvt__identify_cmd(&cmd, nsid, cns, cntid, csi);
	return submit_user(ctrl, &cmd, buf, cb, ctx);
}

int nvt__features_cmd(const char *fn, struct nvt_cmd *cmd, uint8_t opcode, uint8_t fid,
		      uint8_t sel_sv, uint32_t nsid, uint32_t cdw11, uint32_t cdw12,
		      uint32_t cdw13, uint32_t cdw14, uint32_t cdw15)
{
	uint32_t cdw10 = fid;

	/* Get Features SEL 10:08 (Figure 265); Set Features SV bit 31 (Figure 268). */
	if (opcode == NVT_ADMIN_GET_FEATURES) {
		CHECK_MAX(fn, sel_sv, 7);
		cdw10 |= (uint32_t)sel_sv << 8;
	} else {
		CHECK_MAX(fn, sel_sv, 1);
		cdw10 |= (uint32_t)sel_sv << 31;
	}
	*cmd = (struct nvt_cmd) {
		.opcode = opcode, .nsid = nsid, .cdw10 = cdw10, .cdw11 = cdw11,
		.cdw12 = cdw12, .cdw13 = cdw13, .cdw14 = cdw14, .cdw15 = cdw15,
	};
	return 0;
}

static int features(const char *fn, struct nvt_ctrl *ctrl, uint8_t opcode, uint8_t fid,
		    uint8_t sel_sv, uint32_t nsid, const uint32_t cdw[5], struct nvt_buf *buf,
		    nvt_cb cb, void *ctx)
{
	struct nvt_cmd cmd;
	int ret;

	ret = nvt__features_cmd(fn, &cmd, opcode, fid, sel_sv, nsid, cdw[0], cdw[1], cdw[2],
				cdw[3], cdw[4]);
	return ret ? ret : submit_user(ctrl, &cmd, buf, cb, ctx);
}

int nvt_ctrl_getfeatures(struct nvt_ctrl *ctrl, uint8_t fid, uint8_t sel, uint32_t nsid,
			 uint32_t cdw11, uint32_t cdw12, uint32_t cdw13, uint32_t cdw14,
			 uint32_t cdw15, struct nvt_buf *buf, nvt_cb cb, void *ctx)
{
	const uint32_t cdw[5] = { cdw11, cdw12, cdw13, cdw14, cdw15 };

	return features(__func__, ctrl, NVT_ADMIN_GET_FEATURES, fid, sel, nsid, cdw, buf, cb,
			ctx);
}

int nvt_ctrl_setfeatures(struct nvt_ctrl *ctrl, uint8_t fid, uint8_t sv, uint32_t nsid,
			 uint32_t cdw11, uint32_t cdw12, uint32_t cdw13, uint32_t cdw14,
			 uint32_t cdw15, struct nvt_buf *buf, nvt_cb cb, void *ctx)
{
	const uint32_t cdw[5] = { cdw11, cdw12, cdw13, cdw14, cdw15 };

	return features(__func__, ctrl, NVT_ADMIN_SET_FEATURES, fid, sv, nsid, cdw, buf, cb,
			ctx);
}

int nvt__getlogpage_cmd(const char *fn, struct nvt_cmd *cmd, uint8_t lid, uint32_t size,
			uint64_t offset, uint32_t nsid, uint8_t lsp, uint8_t rae)
{
	uint32_t numd;

	CHECK_MAX(fn, lsp, 15);
	CHECK_MAX(fn, rae, 1);
	if (!size || size % 4 || offset % 4) {
		nvt__err("%s: size %u and offset %llu must be multiples of 4 (size not 0)", fn,
			 size, (unsigned long long)offset);
		return -EINVAL;
	}
	/* Figure 189/190: NUMDL 31:16, RAE 15, LSP 11:08, LID 07:00; NUMDU; LPOL; LPOU. */
	numd = size / 4 - 1;
	*cmd = (struct nvt_cmd) {
		.opcode = NVT_ADMIN_GET_LOG_PAGE,
		.nsid = nsid,
		.cdw10 = (numd & 0xffff) << 16 | (uint32_t)rae << 15 | (uint32_t)lsp << 8 | lid,
		.cdw11 = numd >> 16,
		.cdw12 = (uint32_t)offset,
		.cdw13 = (uint32_t)(offset >> 32),
	};
	return 0;
}

int nvt_ctrl_getlogpage(struct nvt_ctrl *ctrl, uint8_t lid, struct nvt_buf *buf, uint32_t size,
			uint64_t offset, uint32_t nsid, uint8_t lsp, uint8_t rae, nvt_cb cb,
			void *ctx)
{
	struct nvt_cmd cmd;
	int ret = need_buf(__func__, buf);

	if (!ret)
		ret = dword_len(__func__, buf, &size);
	if (!ret)
		ret = nvt__getlogpage_cmd(__func__, &cmd, lid, size, offset, nsid, lsp, rae);
	return ret ? ret : submit_user(ctrl, &cmd, buf, cb, ctx);
}

int nvt_ctrl_format(struct nvt_ctrl *ctrl, uint32_t nsid, uint8_t lbaf, uint8_t ses,
		    uint8_t pil, uint8_t pi, uint8_t mset, nvt_cb cb, void *ctx)
{
	struct nvt_cmd cmd = { .opcode = NVT_ADMIN_FORMAT_NVM, .nsid = nsid };

	CHECK_MAX(__func__, lbaf, 63);
	CHECK_MAX(__func__, ses, 7);
	CHECK_MAX(__func__, pil, 1);
	CHECK_MAX(__func__, pi, 7);
	CHECK_MAX(__func__, mset, 1);
	/* Figure 320 (2.0: LBAFU 13:12): SES 11:09, PIL 08, PI 07:05, MSET 04, LBAFL 03:00. */
	cmd.cdw10 = (uint32_t)(lbaf >> 4) << 12 | (uint32_t)ses << 9 | (uint32_t)pil << 8 |
		    (uint32_t)pi << 5 | (uint32_t)mset << 4 | (lbaf & 0xfu);
	return submit_user(ctrl, &cmd, NULL, cb, ctx);
}

int nvt_ctrl_sanitize(struct nvt_ctrl *ctrl, uint8_t sanact, uint8_t ause, uint8_t owpass,
		      uint8_t oipbp, uint8_t nodas, uint32_t ovrpat, nvt_cb cb, void *ctx)
{
	struct nvt_cmd cmd = { .opcode = NVT_ADMIN_SANITIZE, .cdw11 = ovrpat };

	CHECK_MAX(__func__, sanact, 7);
	CHECK_MAX(__func__, ause, 1);
	CHECK_MAX(__func__, owpass, 15);
	CHECK_MAX(__func__, oipbp, 1);
	CHECK_MAX(__func__, nodas, 1);
	/* Figure 326: NDAS 09, OIPBP 08, OWPASS 07:04, AUSE 03, SANACT 02:00. */
	cmd.cdw10 = (uint32_t)nodas << 9 | (uint32_t)oipbp << 8 | (uint32_t)owpass << 4 |
		    (uint32_t)ause << 3 | sanact;
	return submit_user(ctrl, &cmd, NULL, cb, ctx);
}

int nvt_ctrl_dst(struct nvt_ctrl *ctrl, uint8_t stc, uint32_t nsid, nvt_cb cb, void *ctx)
{
	/* Figure 162: STC 03:00. */
	struct nvt_cmd cmd = { .opcode = NVT_ADMIN_DEV_SELF_TEST, .nsid = nsid, .cdw10 = stc };

	CHECK_MAX(__func__, stc, 15);
	return submit_user(ctrl, &cmd, NULL, cb, ctx);
}

int nvt_ctrl_fw_download(struct nvt_ctrl *ctrl, struct nvt_buf *buf, uint64_t offset,
			 uint32_t size, nvt_cb cb, void *ctx)
{
	struct nvt_cmd cmd = { .opcode = NVT_ADMIN_FW_DOWNLOAD };
	int ret = need_buf(__func__, buf);

	if (!ret)
		ret = dword_len(__func__, buf, &size);
	if (ret)
		return ret;
	if (offset % 4 || offset / 4 > UINT32_MAX) {
		nvt__err("%s: offset %llu must be a multiple of 4 below 16 GiB", __func__,
			 (unsigned long long)offset);
		return -EINVAL;
	}
	/* Figure 176/177: NUMD 0's based dwords; OFST in dwords. */
	cmd.cdw10 = size / 4 - 1;
	cmd.cdw11 = (uint32_t)(offset / 4);
	return submit_user(ctrl, &cmd, buf, cb, ctx);
}

int nvt_ctrl_fw_commit(struct nvt_ctrl *ctrl, uint8_t slot, uint8_t action, uint8_t bpid,
		       nvt_cb cb, void *ctx)
{
	struct nvt_cmd cmd = { .opcode = NVT_ADMIN_FW_COMMIT };

	CHECK_MAX(__func__, slot, 7);
	CHECK_MAX(__func__, action, 7);
	CHECK_MAX(__func__, bpid, 1);
	/* Figure 172: BPID 31, CA 05:03, FS 02:00. */
	cmd.cdw10 = (uint32_t)bpid << 31 | (uint32_t)action << 3 | slot;
	return submit_user(ctrl, &cmd, NULL, cb, ctx);
}

int nvt_ctrl_abort(struct nvt_ctrl *ctrl, uint16_t sqid, uint16_t cid, nvt_cb cb, void *ctx)
{
	/* Figure 150: CID 31:16, SQID 15:00. */
	struct nvt_cmd cmd = {
		.opcode = NVT_ADMIN_ABORT,
		.cdw10 = (uint32_t)cid << 16 | sqid,
	};

	return submit_user(ctrl, &cmd, NULL, cb, ctx);
}

int nvt_ctrl_aer(struct nvt_ctrl *ctrl, nvt_cb cb, void *ctx)
{
	static const struct nvt_cmd cmd = { .opcode = NVT_ADMIN_ASYNC_EVENT };

	return nvt__submit(ctrl, &cmd, NULL, cb, ctx, NVT__REQ_AER, NULL);
}

static int security(const char *fn, struct nvt_ctrl *ctrl, uint8_t opcode, struct nvt_buf *buf,
		    uint8_t secp, uint16_t spsp, uint8_t nssf, uint32_t size, nvt_cb cb,
		    void *ctx)
{
	struct nvt_cmd cmd = { .opcode = opcode };
	int ret = need_buf(fn, buf);

	if (ret)
		return ret;
	if (!size)
		size = (uint32_t)buf_bytes(buf);
	if (size > buf_bytes(buf)) {
		nvt__err("%s: %u bytes asked, buffer \"%s\" transfers %zu", fn, size,
			 nvt_buf_name(buf), buf_bytes(buf));
		return -ERANGE;
	}
	/* Figure 329/331: SECP 31:24, SPSP1 23:16, SPSP0 15:08, NSSF 07:00; TL/AL. */
	cmd.cdw10 = (uint32_t)secp << 24 | (uint32_t)spsp << 8 | nssf;
	cmd.cdw11 = size;
	return submit_user(ctrl, &cmd, buf, cb, ctx);
}

int nvt_ctrl_security_send(struct nvt_ctrl *ctrl, struct nvt_buf *buf, uint8_t secp,
			   uint16_t spsp, uint8_t nssf, uint32_t size, nvt_cb cb, void *ctx)
{
	return security(__func__, ctrl, NVT_ADMIN_SECURITY_SEND, buf, secp, spsp, nssf, size,
			cb, ctx);
}

int nvt_ctrl_security_receive(struct nvt_ctrl *ctrl, struct nvt_buf *buf, uint8_t secp,
			      uint16_t spsp, uint8_t nssf, uint32_t size, nvt_cb cb, void *ctx)
{
	return security(__func__, ctrl, NVT_ADMIN_SECURITY_RECV, buf, secp, spsp, nssf, size,
			cb, ctx);
}

int nvt_ctrl_ns_mgmt(struct nvt_ctrl *ctrl, uint8_t sel, struct nvt_buf *buf, uint32_t nsid,
		     uint8_t csi, nvt_cb cb, void *ctx)
{
	/* Figure 252/253: SEL 03:00; CDW11 CSI 31:24 (2.0). */
	struct nvt_cmd cmd = {
		.opcode = NVT_ADMIN_NS_MGMT,
		.nsid = nsid,
		.cdw10 = sel,
		.cdw11 = (uint32_t)csi << 24,
	};

	CHECK_MAX(__func__, sel, 15);
	return submit_user(ctrl, &cmd, buf, cb, ctx);
}

int nvt_ctrl_ns_attach(struct nvt_ctrl *ctrl, uint8_t sel, uint32_t nsid, struct nvt_buf *buf,
		       nvt_cb cb, void *ctx)
{
	/* Figure 249: SEL 03:00. */
	struct nvt_cmd cmd = { .opcode = NVT_ADMIN_NS_ATTACH, .nsid = nsid, .cdw10 = sel };
	int ret = need_buf(__func__, buf);

	if (ret)
		return ret;
	CHECK_MAX(__func__, sel, 15);
	return submit_user(ctrl, &cmd, buf, cb, ctx);
}

static int directive(const char *fn, struct nvt_ctrl *ctrl, uint8_t opcode, uint32_t nsid,
		     uint8_t doper, uint8_t dtype, uint16_t dspec, struct nvt_buf *buf,
		     uint32_t size, uint32_t cdw12, uint32_t cdw13, nvt_cb cb, void *ctx)
{
	struct nvt_cmd cmd = { .opcode = opcode, .nsid = nsid, .cdw12 = cdw12, .cdw13 = cdw13 };
	int ret;

	if (size || buf) {
		ret = dword_len(fn, buf, &size);
		if (ret)
			return ret;
		cmd.cdw10 = size / 4 - 1;	/* NUMD, 0's based dwords */
	}
	/* Figure 164/167: DSPEC 31:16, DTYPE 15:08, DOPER 07:00. */
	cmd.cdw11 = (uint32_t)dspec << 16 | (uint32_t)dtype << 8 | doper;
	return submit_user(ctrl, &cmd, buf, cb, ctx);
}

int nvt_ctrl_directive_send(struct nvt_ctrl *ctrl, uint32_t nsid, uint8_t doper, uint8_t dtype,
			    uint16_t dspec, struct nvt_buf *buf, uint32_t size, uint32_t cdw12,
			    uint32_t cdw13, nvt_cb cb, void *ctx)
{
	return directive(__func__, ctrl, NVT_ADMIN_DIRECTIVE_SEND, nsid, doper, dtype, dspec,
			 buf, size, cdw12, cdw13, cb, ctx);
}

int nvt_ctrl_directive_receive(struct nvt_ctrl *ctrl, uint32_t nsid, uint8_t doper,
			       uint8_t dtype, uint16_t dspec, struct nvt_buf *buf, uint32_t size,
			       uint32_t cdw12, uint32_t cdw13, nvt_cb cb, void *ctx)
{
	return directive(__func__, ctrl, NVT_ADMIN_DIRECTIVE_RECV, nsid, doper, dtype, dspec,
			 buf, size, cdw12, cdw13, cb, ctx);
}

/* ---- pynvme's downfw() ---- */

#define FW_CHUNK_DEFAULT	(32 * 1024)
#define ID_FWUG			319	/* Firmware Update Granularity, 4 KiB units */

static uint32_t fw_chunk(struct nvt_ctrl *ctrl)
{
	uint64_t mdts = 0, fwug = 0;
	uint32_t chunk = FW_CHUNK_DEFAULT;

	if (!nvt_ctrl_mdts(ctrl, &mdts) && mdts && mdts < chunk)
		chunk = (uint32_t)mdts;
	/* FWUG 0: no information; FFh: no restriction. */
	if (!nvt_ctrl_id_data(ctrl, ID_FWUG, ID_FWUG, &fwug) && fwug && fwug != 0xff &&
	    fwug * 4096 < chunk)
		chunk = (uint32_t)fwug * 4096;
	return chunk;
}

int nvt_ctrl_download_firmware(struct nvt_ctrl *ctrl, const char *path, uint8_t slot,
			       uint8_t action, uint32_t chunk)
{
	struct nvt_buf *buf = NULL;
	struct nvt_cmd cmd;
	uint64_t off = 0;
	struct stat st;
	int fd, ret;

	if (!ctrl || !path) {
		nvt__err("nvt_ctrl_download_firmware: %s is NULL", ctrl ? "path" : "ctrl");
		return -EINVAL;
	}
	CHECK_MAX(__func__, slot, 7);
	CHECK_MAX(__func__, action, 7);
	if (nvt__in_callback(ctrl)) {
		nvt__err("nvt_ctrl_download_firmware: called from a completion callback: refused");
		return -EDEADLK;
	}
	if (!chunk)
		chunk = fw_chunk(ctrl);
	if (chunk % 4 || chunk > NVT_BUF_MAX_SIZE) {
		nvt__err("nvt_ctrl_download_firmware: chunk %u must be a non-zero multiple of 4 up to %llu",
			 chunk, (unsigned long long)NVT_BUF_MAX_SIZE);
		return -EINVAL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		ret = -errno;
		nvt__err("nvt_ctrl_download_firmware: %s: %s", path, strerror(-ret));
		goto out;
	}
	if (!st.st_size || (uint64_t)st.st_size > (4ULL << 30)) {
		nvt__err("nvt_ctrl_download_firmware: %s: %lld bytes: an image has 1 byte to 4 GiB",
			 path, (long long)st.st_size);
		ret = st.st_size ? -EFBIG : -EINVAL;
		goto out;
	}
	ret = nvt_buf_alloc(ctrl, chunk, &buf);
	if (ret)
		goto out;
	nvt_buf_set_name(buf, "firmware");
	while (off < (uint64_t)st.st_size) {
		uint64_t left = (uint64_t)st.st_size - off;
		uint32_t n = left < chunk ? (uint32_t)left : chunk;
		ssize_t got;

		memset(nvt_buf_data(buf), 0, chunk);
		got = pread(fd, nvt_buf_data(buf), n, (off_t)off);
		if (got != (ssize_t)n) {
			ret = got < 0 ? -errno : -EIO;
			nvt__err("nvt_ctrl_download_firmware: reading %s at %llu: %s", path,
				 (unsigned long long)off, got < 0 ? strerror(-ret) : "short read");
			goto out;
		}
		n = (n + 3) & ~3u;	/* the last piece padded with zeroes to a dword */
		nvt_buf_set_xfer_size(buf, n);
		cmd = (struct nvt_cmd) {
			.opcode = NVT_ADMIN_FW_DOWNLOAD,
			.cdw10 = n / 4 - 1,
			.cdw11 = (uint32_t)(off / 4),
		};
		ret = nvt__cmd_sync(ctrl, &cmd, buf, NULL);
		if (ret) {
			nvt__err("nvt_ctrl_download_firmware: Firmware Image Download at offset %llu failed",
				 (unsigned long long)off);
			goto out;
		}
		off += n;
	}
	cmd = (struct nvt_cmd) {
		.opcode = NVT_ADMIN_FW_COMMIT,
		.cdw10 = (uint32_t)action << 3 | slot,
	};
	ret = nvt__cmd_sync(ctrl, &cmd, NULL, NULL);
	if (ret)
		nvt__err("nvt_ctrl_download_firmware: Firmware Commit (slot %u, action %u) failed",
			 slot, action);
out:
	nvt_buf_free(buf);
	if (fd >= 0)
		close(fd);
	return ret;
}
