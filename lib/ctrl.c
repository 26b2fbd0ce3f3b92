// SPDX-License-Identifier: MIT
/*
 * struct nvt_ctrl: an NVMe controller on an nvt_pcie: its life, its
 * registers (NVMe 1.4 section 3.1) and what Identify told about it.
 * Bring-up is in init.c, commands in admin.c and cmd.c.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

/* BAR0 must hold at least the registers up to CMBSTS (section 3.1). */
#define REGS_MIN_SIZE	(NVT_REG_CMBSTS + 4)

static int check_opts(const struct nvt_ctrl_opts *o)
{
	unsigned int i;

	if (o->flags & ~NVT_CTRL_OPEN_NO_INIT) {
		nvt__err("nvt_ctrl_create_opts: unknown flags 0x%x", o->flags);
		return -EINVAL;
	}
	if (o->rsvd0)
		goto rsvd;
	for (i = 0; i < NVT_ARRAY_SIZE(o->rsvd); i++)
		if (o->rsvd[i])
			goto rsvd;
	if (o->sq_depth == 1 || o->sq_depth > NVT_ADMIN_MAX_DEPTH ||
	    o->cq_depth == 1 || o->cq_depth > NVT_ADMIN_MAX_DEPTH) {
		nvt__err("nvt_ctrl_create_opts: admin queue depths %u/%u: each must be 2 to %u (0: default)",
			 o->sq_depth, o->cq_depth, NVT_ADMIN_MAX_DEPTH);
		return -EINVAL;
	}
	return 0;
rsvd:
	nvt__err("nvt_ctrl_create_opts: reserved fields of struct nvt_ctrl_opts must be 0");
	return -EINVAL;
}

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct nvt_ctrl *registry;

static void ctrl_register(struct nvt_ctrl *ctrl)
{
	pthread_mutex_lock(&registry_lock);
	ctrl->registry_next = registry;
	registry = ctrl;
	pthread_mutex_unlock(&registry_lock);
}

static void ctrl_unregister(struct nvt_ctrl *ctrl)
{
	struct nvt_ctrl **pp;

	pthread_mutex_lock(&registry_lock);
	for (pp = &registry; *pp; pp = &(*pp)->registry_next) {
		if (*pp == ctrl) {
			*pp = ctrl->registry_next;
			break;
		}
	}
	pthread_mutex_unlock(&registry_lock);
}

void nvt__ctrls_on(const char *bdf, void (*fn)(struct nvt_ctrl *ctrl, void *arg), void *arg)
{
	struct nvt_ctrl *ctrl;

	pthread_mutex_lock(&registry_lock);
	for (ctrl = registry; ctrl; ctrl = ctrl->registry_next)
		if (!strcmp(ctrl->info.bdf, bdf))
			fn(ctrl, arg);
	pthread_mutex_unlock(&registry_lock);
}

static void ctrl_free(struct nvt_ctrl *ctrl)
{
	ctrl_unregister(ctrl);
	nvt_cmdlog_close(ctrl->cmdlog);
	nvt__irq_fini(ctrl);
	nvt__admin_fini(ctrl);
	nvt_pcie_close(ctrl->pcie);
	free(ctrl);
}

int nvt_ctrl_create_opts(struct nvt_pcie *pcie, const struct nvt_ctrl_opts *opts,
			 struct nvt_ctrl **out)
{
	static const struct nvt_ctrl_opts defaults;
	struct nvt_ctrl *ctrl;
	int ret;

	if (out)
		*out = NULL;
	if (!pcie || !out) {
		nvt__err("nvt_ctrl_create: %s is NULL", pcie ? "out" : "pcie");
		return -EINVAL;
	}
	if (!opts)
		opts = &defaults;
	ret = check_opts(opts);
	if (ret)
		return ret;
	ctrl = calloc(1, sizeof(*ctrl));
	if (!ctrl)
		return -ENOMEM;
	nvt_pcie_info(pcie, &ctrl->info);
	if (!(ctrl->info.features & NVT_FEATURE_REGS)) {
		nvt__err("%s: nvmetest.ko does not offer register access", ctrl->info.bdf);
		free(ctrl);
		return -ENXIO;
	}
	if (ctrl->info.bar0_size < REGS_MIN_SIZE) {
		nvt__err("%s: BAR0 has %llu bytes, too few for the NVMe registers",
			 ctrl->info.bdf, (unsigned long long)ctrl->info.bar0_size);
		free(ctrl);
		return -ENXIO;
	}
	if (!(opts->flags & NVT_CTRL_OPEN_NO_INIT) &&
	    !(ctrl->info.features & NVT_FEATURE_ADMIN)) {
		nvt__err("%s: this nvmetest.ko cannot run admin commands, so the controller cannot be initialised (open it with NVT_CTRL_OPEN_NO_INIT for register access only)",
			 ctrl->info.bdf);
		free(ctrl);
		return -EOPNOTSUPP;
	}
	ret = nvt__admin_init(ctrl);
	if (ret) {
		free(ctrl);
		return ret;
	}
	ctrl->refs = 1;
	ctrl->pcie = nvt_pcie_ref(pcie);
	ctrl->fd = nvt_pcie_fd(pcie);
	ctrl->bar0 = (struct nvt__space) {
		.name = "BAR0",
		.read_req = NVT_IOCTL_READ_REG,
		.write_req = NVT_IOCTL_WRITE_REG,
		.size = ctrl->info.bar0_size,
	};
	ctrl->opts = *opts;
	if (!ctrl->opts.sq_depth)
		ctrl->opts.sq_depth = NVT_CTRL_DEFAULT_ADMIN_DEPTH;
	if (!ctrl->opts.cq_depth)
		ctrl->opts.cq_depth = NVT_CTRL_DEFAULT_ADMIN_DEPTH;
	if (!ctrl->opts.timeout_ms)
		ctrl->opts.timeout_ms = NVT_CTRL_DEFAULT_TIMEOUT_MS;
	ctrl->timeout_ms = ctrl->opts.timeout_ms;
	ctrl_register(ctrl);
	ret = nvt_ctrl_reg_read64(ctrl, NVT_REG_CAP, &ctrl->cap);
	if (!ret && !(opts->flags & NVT_CTRL_OPEN_NO_INIT))
		ret = nvt__ctrl_run_init(ctrl);
	if (ret) {
		nvt_ctrl_close(ctrl);
		return ret;
	}
	*out = ctrl;
	return 0;
}

int nvt_ctrl_create(struct nvt_pcie *pcie, struct nvt_ctrl **out)
{
	return nvt_ctrl_create_opts(pcie, NULL, out);
}

int nvt_ctrl_open_opts(const char *name, const struct nvt_ctrl_opts *opts,
		       struct nvt_ctrl **out)
{
	struct nvt_pcie *pcie;
	int ret;

	if (!out) {
		nvt__err("nvt_ctrl_open: out is NULL");
		return -EINVAL;
	}
	*out = NULL;
	ret = nvt_pcie_open(name, &pcie);
	if (ret)
		return ret;
	ret = nvt_ctrl_create_opts(pcie, opts, out);
	nvt_pcie_close(pcie);
	return ret;
}

int nvt_ctrl_open(const char *name, struct nvt_ctrl **out)
{
	return nvt_ctrl_open_opts(name, NULL, out);
}

struct nvt_ctrl *nvt_ctrl_ref(struct nvt_ctrl *ctrl)
{
	if (ctrl)
		__atomic_add_fetch(&ctrl->refs, 1, __ATOMIC_RELAXED);
	return ctrl;
}

void nvt_ctrl_close(struct nvt_ctrl *ctrl)
{
	if (!ctrl || __atomic_sub_fetch(&ctrl->refs, 1, __ATOMIC_ACQ_REL))
		return;
	ctrl_free(ctrl);
}

struct nvt_pcie *nvt_ctrl_pcie(struct nvt_ctrl *ctrl)
{
	return ctrl ? ctrl->pcie : NULL;
}

uint32_t nvt_ctrl_generation(struct nvt_ctrl *ctrl)
{
	return ctrl ? __atomic_load_n(&ctrl->generation, __ATOMIC_ACQUIRE) : 0;
}

static int reg_access(const char *fn, struct nvt_ctrl *ctrl, bool write, uint32_t offset,
		      unsigned int width, uint64_t *value)
{
	if (!ctrl || !value) {
		nvt__err("%s: %s is NULL", fn, ctrl ? "value" : "ctrl");
		return -EINVAL;
	}
	return nvt__access(fn, ctrl->fd, &ctrl->bar0, write, offset, width, value);
}

int nvt_ctrl_reg_read32(struct nvt_ctrl *ctrl, uint32_t offset, uint32_t *value)
{
	uint64_t v;
	int ret;

	ret = reg_access(__func__, ctrl, false, offset, 4, value ? &v : NULL);
	if (!ret)
		*value = (uint32_t)v;
	return ret;
}

int nvt_ctrl_reg_read64(struct nvt_ctrl *ctrl, uint32_t offset, uint64_t *value)
{
	return reg_access(__func__, ctrl, false, offset, 8, value);
}

int nvt_ctrl_reg_write32(struct nvt_ctrl *ctrl, uint32_t offset, uint32_t value)
{
	uint64_t v = value;

	return reg_access(__func__, ctrl, true, offset, 4, &v);
}

int nvt_ctrl_reg_write64(struct nvt_ctrl *ctrl, uint32_t offset, uint64_t value)
{
	return reg_access(__func__, ctrl, true, offset, 8, &value);
}

int nvt_ctrl_cap(struct nvt_ctrl *ctrl, uint64_t *cap)
{
	return reg_access(__func__, ctrl, false, NVT_REG_CAP, 8, cap);
}

/* ---- the cached Identify Controller data ---- */

/* Lock @ctrl if it is identified; else log and return -ENODATA. */
static int lock_identified(const char *fn, struct nvt_ctrl *ctrl)
{
	if (!ctrl) {
		nvt__err("%s: ctrl is NULL", fn);
		return -EINVAL;
	}
	pthread_mutex_lock(&ctrl->lock);
	if (ctrl->identified)
		return 0;
	pthread_mutex_unlock(&ctrl->lock);
	nvt__err("%s: %s is not identified yet (nvt_ctrl_identify_init())", fn, ctrl->info.bdf);
	return -ENODATA;
}

int nvt_ctrl_id_data(struct nvt_ctrl *ctrl, unsigned int end, unsigned int begin,
		     uint64_t *value)
{
	int ret = lock_identified(__func__, ctrl);

	if (ret)
		return ret;
	ret = nvt_le_field(ctrl->id, sizeof(ctrl->id), begin, end, value);
	pthread_mutex_unlock(&ctrl->lock);
	if (ret)
		nvt__err("nvt_ctrl_id_data: bytes %u..%u: %s", begin, end, strerror(-ret));
	return ret;
}

int nvt_ctrl_id_str(struct nvt_ctrl *ctrl, unsigned int end, unsigned int begin, char *out,
		    size_t outlen)
{
	int ret = lock_identified(__func__, ctrl);

	if (ret)
		return ret;
	ret = nvt_str_field(ctrl->id, sizeof(ctrl->id), begin, end, out, outlen);
	pthread_mutex_unlock(&ctrl->lock);
	if (ret)
		nvt__err("nvt_ctrl_id_str: bytes %u..%u: %s", begin, end, strerror(-ret));
	return ret;
}

int nvt_ctrl_id_copy(struct nvt_ctrl *ctrl, void *out, size_t len)
{
	int ret;

	if (!out || len > sizeof(ctrl->id)) {
		nvt__err("nvt_ctrl_id_copy: %s", out ? "more than 4096 bytes asked" : "out is NULL");
		return -EINVAL;
	}
	ret = lock_identified(__func__, ctrl);
	if (ret)
		return ret;
	memcpy(out, ctrl->id, len);
	pthread_mutex_unlock(&ctrl->lock);
	return 0;
}

/* Identify Controller fields (NVMe 1.4 Figure 247), little-endian. */
static unsigned int id16(const uint8_t *id, unsigned int at)
{
	return id[at] | id[at + 1] << 8;
}

#define ID_OACS		256	/* Optional Admin Command Support, 2 bytes */
#define ID_ONCS		520	/* Optional NVM Command Support, 2 bytes */

/*
 * Without a Commands Supported and Effects log: the mandatory commands and
 * those the Identify data advertises (OACS, ONCS, SANICAP: section 5.15.2.1).
 */
static bool supported_by_id(const uint8_t *id, unsigned int opcode)
{
	static const struct { uint16_t bit; uint8_t opc; } oacs[] = {
		{ 0, NVT_ADMIN_SECURITY_SEND }, { 0, NVT_ADMIN_SECURITY_RECV },
		{ 1, NVT_ADMIN_FORMAT_NVM },
		{ 2, NVT_ADMIN_FW_DOWNLOAD }, { 2, NVT_ADMIN_FW_COMMIT },
		{ 3, NVT_ADMIN_NS_MGMT }, { 3, NVT_ADMIN_NS_ATTACH },
		{ 4, NVT_ADMIN_DEV_SELF_TEST },
		{ 5, NVT_ADMIN_DIRECTIVE_SEND }, { 5, NVT_ADMIN_DIRECTIVE_RECV },
		{ 6, NVT_ADMIN_NVME_MI_SEND }, { 6, NVT_ADMIN_NVME_MI_RECV },
		{ 7, NVT_ADMIN_VIRT_MGMT }, { 8, NVT_ADMIN_DBBUF_CONFIG },
		{ 9, NVT_ADMIN_GET_LBA_STATUS },
	};
	/* NVM command set I/O opcodes by ONCS bit (NVM 1.0 Figure 97). */
	static const struct { uint16_t bit; uint8_t opc; } oncs[] = {
		{ 0, 0x05 }, { 1, 0x04 }, { 2, 0x09 }, { 3, 0x08 },
		{ 5, 0x0d }, { 5, 0x0e }, { 5, 0x0f }, { 5, 0x11 },
		{ 7, 0x0c }, { 8, 0x19 },
	};
	unsigned int i, oacs_v = id16(id, ID_OACS), oncs_v = id16(id, ID_ONCS);

	if (opcode >= 256) {
		opcode -= 256;
		if (opcode <= 0x02)	/* Flush, Write, Read */
			return true;
		for (i = 0; i < NVT_ARRAY_SIZE(oncs); i++)
			if (oncs[i].opc == opcode && (oncs_v >> oncs[i].bit & 1))
				return true;
		return false;
	}
	switch (opcode) {
	case NVT_ADMIN_DELETE_SQ: case NVT_ADMIN_CREATE_SQ: case NVT_ADMIN_GET_LOG_PAGE:
	case NVT_ADMIN_DELETE_CQ: case NVT_ADMIN_CREATE_CQ: case NVT_ADMIN_IDENTIFY:
	case NVT_ADMIN_ABORT: case NVT_ADMIN_SET_FEATURES: case NVT_ADMIN_GET_FEATURES:
	case NVT_ADMIN_ASYNC_EVENT:
		return true;
	case NVT_ADMIN_SANITIZE:	/* SANICAP bytes 331:328, any method */
		return (id[328] & 0x7) != 0;
	}
	for (i = 0; i < NVT_ARRAY_SIZE(oacs); i++)
		if (oacs[i].opc == opcode && (oacs_v >> oacs[i].bit & 1))
			return true;
	return false;
}

int nvt_ctrl_supports(struct nvt_ctrl *ctrl, unsigned int opcode)
{
	int ret;

	if (opcode > 511) {
		nvt__err("nvt_ctrl_supports: opcode %u: 0-255 admin, 256-511 I/O", opcode);
		return -EINVAL;
	}
	ret = lock_identified(__func__, ctrl);
	if (ret)
		return ret;
	if (ctrl->have_effects)
		ret = ctrl->effects[opcode] & 1;	/* CSUPP (Figure 210) */
	else
		ret = supported_by_id(ctrl->id, opcode);
	pthread_mutex_unlock(&ctrl->lock);
	return ret;
}

const char *nvt_ctrl_cmdname(struct nvt_ctrl *ctrl, uint8_t opcode)
{
	(void)ctrl;
	return nvt_admin_cmdname(opcode);
}

int nvt_ctrl_mdts(struct nvt_ctrl *ctrl, uint64_t *bytes)
{
	unsigned int mdts, shift;
	int ret;

	if (!bytes) {
		nvt__err("nvt_ctrl_mdts: bytes is NULL");
		return -EINVAL;
	}
	ret = lock_identified(__func__, ctrl);
	if (ret)
		return ret;
	mdts = ctrl->id[77];
	pthread_mutex_unlock(&ctrl->lock);
	/* In units of CAP.MPSMIN (section 5.15.2.1, MDTS). */
	shift = mdts + 12 + NVT_BITS_GET(ctrl->cap, NVT_CAP_MPSMIN);
	*bytes = mdts && shift < 64 ? 1ULL << shift : 0;
	return 0;
}
