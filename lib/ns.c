// SPDX-License-Identifier: MIT
/*
 * struct nvt_ns: a namespace, its Identify Namespace data (NVMe 1.4
 * Figure 245) and its data verification table, the kernel's
 * (NVT_IOCTL_MAP_CRC_TABLE) mapped shared with every other user.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "private.h"

/* Identify Namespace fields (Figure 245). */
#define ID_NSZE		0	/* 8 bytes */
#define ID_NLBAF	25	/* number of LBA formats, 0's based */
#define ID_FLBAS	26	/* 3:0 format, 4 extended LBA, 6:5 format 5:4 (2.0) */
#define ID_LBAF		128	/* LBA format i at 128 + 4 * i: MS 15:0, LBADS 23:16 */
#define FORMAT_TIMEOUT_MS	100000	/* pynvme's floor for Format NVM */

static uint64_t le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* Decode the cached data; 0 or -ENOENT (inactive), -EPROTO. */
static int parse_id(struct nvt_ns *ns)
{
	const uint8_t *id = ns->id;
	unsigned int flbas = id[ID_FLBAS], lbads;
	uint32_t f;

	ns->nsze = le(id + ID_NSZE, 8);
	if (!ns->nsze) {
		nvt__err("%s: namespace %u is not active (Identify Namespace: NSZE 0)",
			 ns->ctrl->info.bdf, ns->nsid);
		return -ENOENT;
	}
	ns->lbaf = (int)((flbas & 0xf) | ((flbas >> 5) & 0x3) << 4);
	ns->extended = flbas & 0x10;
	f = (uint32_t)le(id + ID_LBAF + 4 * ns->lbaf, 4);
	lbads = (f >> 16) & 0xff;
	if (lbads < 9 || lbads > 30) {
		nvt__err("%s: namespace %u: LBA format %d has LBADS %u: not a usable LBA size",
			 ns->ctrl->info.bdf, ns->nsid, ns->lbaf, lbads);
		return -EPROTO;
	}
	ns->lba_size = 1u << lbads;
	ns->meta_size = f & 0xffff;
	return 0;
}

static int identify(struct nvt_ns *ns)
{
	struct nvt_buf *buf;
	struct nvt_cmd cmd;
	int ret;

	ret = nvt_buf_alloc(ns->ctrl, sizeof(ns->id), &buf);
	if (ret)
		return ret;
	nvt_buf_set_name(buf, "identify namespace");
	nvt__identify_cmd(&cmd, ns->nsid, NVT_CNS_NS, 0, 0);
	ret = nvt__cmd_sync(ns->ctrl, &cmd, buf, NULL);
	if (ret)
		nvt__err("%s: Identify Namespace %u failed", ns->ctrl->info.bdf, ns->nsid);
	else
		memcpy(ns->id, nvt_buf_data(buf), sizeof(ns->id));
	nvt_buf_free(buf);
	return ret ? ret : parse_id(ns);
}

/* ---- the verification table ---- */

static void vt_unmap(struct nvt_ns *ns)
{
	if (ns->vt_map)
		munmap(ns->vt_map, ns->vt_map_size);
	if (ns->vt_bitmap_map)
		munmap(ns->vt_bitmap_map, ns->vt_bitmap_size);
	ns->vt_map = NULL;
	ns->vt_bitmap_map = NULL;
	memset(&ns->vt, 0, sizeof(ns->vt));
}

/* Map the table for nvt_ns_verify_nlba() LBAs; @flags NVT_CRC_F_*. */
static int vt_map(struct nvt_ns *ns, uint32_t flags)
{
	struct nvt_ioctl_map_crc_table mc = {
		.flags = flags, .nsid = ns->nsid, .nlba = nvt_ns_verify_nlba(ns),
	};
	struct nvt_ctrl *ctrl = ns->ctrl;
	long page = sysconf(_SC_PAGESIZE);
	void *table, *bitmap;
	int ret;

	if (ioctl(ctrl->fd, NVT_IOCTL_MAP_CRC_TABLE, &mc)) {
		ret = -errno;
		nvt__err("%s: namespace %u: the verification table of %llu LBAs: %s",
			 ctrl->info.bdf, ns->nsid, (unsigned long long)mc.nlba, strerror(-ret));
		return ret;
	}
	if (mc.table_mmap_size < mc.nlba * 4 || page < 4096 ||
	    mc.bitmap_mmap_size * 8 < (mc.nlba * 4 + (uint64_t)page - 1) / (uint64_t)page) {
		nvt__err("%s: namespace %u: the kernel's table (%llu bytes, bitmap %llu) does not fit %llu LBAs",
			 ctrl->info.bdf, ns->nsid, (unsigned long long)mc.table_mmap_size,
			 (unsigned long long)mc.bitmap_mmap_size, (unsigned long long)mc.nlba);
		return -EPROTO;
	}
	table = mmap(NULL, mc.table_mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, ctrl->fd,
		     (off_t)mc.table_mmap_offset);
	if (table == MAP_FAILED) {
		ret = -errno;
		nvt__err("%s: namespace %u: mapping the verification table: %s", ctrl->info.bdf,
			 ns->nsid, strerror(-ret));
		return ret;
	}
	bitmap = mmap(NULL, mc.bitmap_mmap_size, PROT_READ, MAP_SHARED, ctrl->fd,
		      (off_t)mc.bitmap_mmap_offset);
	if (bitmap == MAP_FAILED) {
		ret = -errno;
		nvt__err("%s: namespace %u: mapping the table's page bitmap: %s", ctrl->info.bdf,
			 ns->nsid, strerror(-ret));
		munmap(table, mc.table_mmap_size);
		return ret;
	}
	ns->vt_map = table;
	ns->vt_map_size = mc.table_mmap_size;
	ns->vt_bitmap_map = bitmap;
	ns->vt_bitmap_size = mc.bitmap_mmap_size;
	ns->vt = (struct nvt__vtable) {
		.entries = table,
		.bitmap = bitmap,
		.nlba = mc.nlba,
		.nr_pages = (mc.nlba * 4 + (uint64_t)page - 1) / (uint64_t)page,
		.page_entries = (uint32_t)(page / 4),
	};
	nvt__debug("%s: namespace %u: verification table of %llu LBAs mapped, %llu pages exist",
		   ctrl->info.bdf, ns->nsid, (unsigned long long)mc.nlba,
		   (unsigned long long)mc.pages);
	return 0;
}

/* Map the new binding's table and copy the old one into it. */
static int vt_reattach(struct nvt_ns *ns)
{
	struct nvt__vtable old = ns->vt;
	void *old_map = ns->vt_map, *old_bitmap = ns->vt_bitmap_map;
	size_t old_size = ns->vt_map_size, old_bitmap_size = ns->vt_bitmap_size;
	uint64_t page, first, n;
	int ret;

	if (!old_map)
		return 0;
	ns->vt_map = NULL;
	ns->vt_bitmap_map = NULL;
	ret = vt_map(ns, 0);
	/* Copy the pages that exist; the commands holding locks are gone. */
	for (page = 0; !ret && page < old.nr_pages; page++) {
		n = nvt__vtable_page_lbas(&old, page, &first);
		memcpy(ns->vt.entries + first, old.entries + first, n * sizeof(*old.entries));
	}
	if (ret)
		ns->verify = false;
	else
		nvt__vtable_unlock_all(&ns->vt);
	munmap(old_map, old_size);
	munmap(old_bitmap, old_bitmap_size);
	return ret;
}

static int check_idle(const char *fn, const struct nvt_ns *ns)
{
	unsigned int n = __atomic_load_n(&ns->inflight, __ATOMIC_ACQUIRE);

	if (!n)
		return 0;
	nvt__err("%s: namespace %u: %u command%s in flight use%s the verification table: reap %s first",
		 fn, ns->nsid, n, n == 1 ? "" : "s", n == 1 ? "s" : "", n == 1 ? "it" : "them");
	return -EBUSY;
}

/* Map the table again for the current size (the kernel clears it if it changed). */
static int vt_remap(struct nvt_ns *ns, uint32_t flags)
{
	int ret;

	vt_unmap(ns);
	if (!ns->verify)
		return 0;
	ret = vt_map(ns, flags);
	if (ret)
		ns->verify = false;
	return ret;
}

/* ---- life ---- */

int nvt_ns_open(struct nvt_ctrl *ctrl, uint32_t nsid, struct nvt_ns **out)
{
	struct nvt_ns *ns;
	int ret;

	if (out)
		*out = NULL;
	if (!ctrl || !out) {
		nvt__err("nvt_ns_open: %s is NULL", ctrl ? "out" : "ctrl");
		return -EINVAL;
	}
	if (!nsid || nsid == 0xffffffff) {
		nvt__err("nvt_ns_open: nsid 0x%x: a namespace id is 1 to 0xfffffffe", nsid);
		return -EINVAL;
	}
	ns = calloc(1, sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	ns->refs = 1;
	ns->ctrl = nvt_ctrl_ref(ctrl);
	ns->nsid = nsid;
	ret = identify(ns);
	if (ret) {
		nvt_ctrl_close(ctrl);
		free(ns);
		return ret;
	}
	pthread_mutex_lock(&ctrl->lock);
	ns->next = ctrl->namespaces;
	ctrl->namespaces = ns;
	pthread_mutex_unlock(&ctrl->lock);
	*out = ns;
	return 0;
}

static void ns_free(struct nvt_ns *ns)
{
	struct nvt_ctrl *ctrl = ns->ctrl;
	struct nvt_ns **pp;

	pthread_mutex_lock(&ctrl->lock);
	for (pp = &ctrl->namespaces; *pp && *pp != ns; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = ns->next;
	pthread_mutex_unlock(&ctrl->lock);
	vt_unmap(ns);
	nvt_ctrl_close(ctrl);
	free(ns);
}

void nvt_ns_close(struct nvt_ns *ns)
{
	if (ns && !__atomic_sub_fetch(&ns->refs, 1, __ATOMIC_ACQ_REL))
		ns_free(ns);
}

void nvt__ns_get(struct nvt_ns *ns)
{
	__atomic_add_fetch(&ns->refs, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&ns->inflight, 1, __ATOMIC_RELAXED);
}

void nvt__ns_put(struct nvt_ns *ns)
{
	__atomic_sub_fetch(&ns->inflight, 1, __ATOMIC_RELEASE);
	nvt_ns_close(ns);
}

int nvt__ns_reattach_all(struct nvt_ctrl *ctrl)
{
	struct nvt_ns *ns;
	int ret = 0, r;

	pthread_mutex_lock(&ctrl->lock);
	for (ns = ctrl->namespaces; ns; ns = ns->next) {
		r = vt_reattach(ns);
		ret = ret ? ret : r;
	}
	pthread_mutex_unlock(&ctrl->lock);
	return ret;
}

const struct nvt__vtable *nvt__ns_vtable(const struct nvt_ns *ns)
{
	return ns->verify && ns->vt_map ? &ns->vt : NULL;
}

/* Forget every LBA of the pages that exist (the memory is the same for all). */
static void vt_reset_existing(const struct nvt__vtable *t)
{
	uint64_t page, first, n;

	for (page = 0; page < t->nr_pages; page++) {
		n = nvt__vtable_page_lbas(t, page, &first);
		if (n)
			nvt_verify_clear(t->entries, t->nlba, first, n);
	}
}

void nvt__ns_erased(struct nvt_ctrl *ctrl, uint32_t nsid)
{
	struct nvt_ns *ns;

	pthread_mutex_lock(&ctrl->lock);
	for (ns = ctrl->namespaces; ns; ns = ns->next) {
		if ((nsid != 0xffffffff && ns->nsid != nsid) || !ns->vt_map)
			continue;
		vt_reset_existing(&ns->vt);
		nvt__debug("%s: namespace %u erased: its verification table is reset",
			   ctrl->info.bdf, ns->nsid);
	}
	pthread_mutex_unlock(&ctrl->lock);
}

/* ---- what Identify says ---- */

uint32_t nvt_ns_nsid(const struct nvt_ns *ns)
{
	return ns ? ns->nsid : 0;
}

struct nvt_ctrl *nvt_ns_ctrl(const struct nvt_ns *ns)
{
	return ns ? ns->ctrl : NULL;
}

uint64_t nvt_ns_capacity(const struct nvt_ns *ns)
{
	return ns ? ns->nsze : 0;
}

uint32_t nvt_ns_lba_size(const struct nvt_ns *ns)
{
	return ns ? ns->lba_size : 0;
}

uint32_t nvt_ns_meta_size(const struct nvt_ns *ns)
{
	return ns ? ns->meta_size : 0;
}

int nvt_ns_lba_format(const struct nvt_ns *ns)
{
	if (!ns) {
		nvt__err("nvt_ns_lba_format: ns is NULL");
		return -EINVAL;
	}
	return ns->lbaf;
}

int nvt_ns_id_data(const struct nvt_ns *ns, unsigned int end, unsigned int begin,
		   uint64_t *value)
{
	int ret;

	if (!ns) {
		nvt__err("nvt_ns_id_data: ns is NULL");
		return -EINVAL;
	}
	ret = nvt_le_field(ns->id, sizeof(ns->id), begin, end, value);
	if (ret)
		nvt__err("nvt_ns_id_data: bytes %u..%u: %s", begin, end, strerror(-ret));
	return ret;
}

int nvt_ns_id_copy(const struct nvt_ns *ns, void *out, size_t len)
{
	if (!ns || !out || len > sizeof(ns->id)) {
		nvt__err("nvt_ns_id_copy: %s", !ns ? "ns is NULL" : !out ? "out is NULL" :
			 "more than 4096 bytes asked");
		return -EINVAL;
	}
	memcpy(out, ns->id, len);
	return 0;
}

int nvt_ns_refresh(struct nvt_ns *ns)
{
	uint64_t old_nlba;
	int ret;

	if (!ns) {
		nvt__err("nvt_ns_refresh: ns is NULL");
		return -EINVAL;
	}
	ret = check_idle(__func__, ns);
	if (ret)
		return ret;
	old_nlba = nvt_ns_verify_nlba(ns);
	ret = identify(ns);
	if (!ret && ns->vt_map && nvt_ns_verify_nlba(ns) != old_nlba)
		ret = vt_remap(ns, 0);
	return ret;
}

int nvt_ns_get_lba_format(const struct nvt_ns *ns, uint32_t data_size, uint32_t meta_size)
{
	unsigned int i, n;

	if (!ns) {
		nvt__err("nvt_ns_get_lba_format: ns is NULL");
		return -EINVAL;
	}
	n = ns->id[ID_NLBAF] + 1u;
	if (n > 64)
		n = 64;
	for (i = 0; i < n; i++) {
		uint32_t f = (uint32_t)le(ns->id + ID_LBAF + 4 * i, 4);
		unsigned int lbads = (f >> 16) & 0xff;

		if (lbads < 32 && (1u << lbads) == data_size && (f & 0xffff) == meta_size)
			return (int)i;
	}
	nvt__err("nvt_ns_get_lba_format: namespace %u has no LBA format of %u data and %u metadata bytes",
		 ns->nsid, data_size, meta_size);
	return -ENOENT;
}

int nvt_ns_format(struct nvt_ns *ns, uint32_t data_size, uint32_t meta_size, uint8_t ses)
{
	struct nvt_cmd cmd = { .opcode = NVT_ADMIN_FORMAT_NVM, .flags = NVT_CMD_F_TIMEOUT };
	uint32_t timeout;
	uint64_t old_nlba;
	int lbaf, ret;

	if (!ns || ses > 7) {
		nvt__err("nvt_ns_format: %s", ns ? "ses is 0 to 7" : "ns is NULL");
		return -EINVAL;
	}
	ret = check_idle(__func__, ns);
	if (ret)
		return ret;
	lbaf = nvt_ns_get_lba_format(ns, data_size, meta_size);
	if (lbaf < 0)
		return lbaf;
	timeout = nvt_ctrl_get_timeout(ns->ctrl);
	/* Figure 320: SES 11:09, LBAF 03:00 (2.0: LBAFU 13:12) */
	cmd.nsid = ns->nsid;
	cmd.cdw10 = (uint32_t)(lbaf >> 4) << 12 | (uint32_t)ses << 9 | (lbaf & 0xf);
	cmd.timeout_ms = timeout && timeout < FORMAT_TIMEOUT_MS ? FORMAT_TIMEOUT_MS : timeout;
	ret = nvt__cmd_sync(ns->ctrl, &cmd, NULL, NULL);
	if (ret) {
		nvt__err("nvt_ns_format: namespace %u: Format NVM (LBA format %d, SES %u) failed",
			 ns->nsid, lbaf, ses);
		return ret;
	}
	old_nlba = nvt_ns_verify_nlba(ns);
	ret = identify(ns);
	if (ret || !ns->vt_map)
		return ret;
	/* a new size clears the table by itself */
	return vt_remap(ns, nvt_ns_verify_nlba(ns) == old_nlba ? NVT_CRC_F_RESET : 0);
}

int nvt_ns_supports(const struct nvt_ns *ns, unsigned int opcode)
{
	if (!ns || opcode > 255) {
		nvt__err("nvt_ns_supports: %s", ns ? "an IO opcode is 0 to 255" : "ns is NULL");
		return -EINVAL;
	}
	return nvt_ctrl_supports(ns->ctrl, 256 + opcode);
}

const char *nvt_ns_cmdname(const struct nvt_ns *ns, uint8_t opcode)
{
	(void)ns;
	return nvt_io_cmdname(opcode);
}

/* ---- verification settings ---- */

int nvt_ns_verify_enable(struct nvt_ns *ns, bool enable)
{
	int ret;

	if (!ns) {
		nvt__err("nvt_ns_verify_enable: ns is NULL");
		return -EINVAL;
	}
	if (!enable || ns->verify) {
		ns->verify = enable;
		return 0;
	}
	if (!(ns->ctrl->info.features & NVT_FEATURE_CRC)) {
		nvt__err("nvt_ns_verify_enable: %s: this nvmetest.ko has no verification tables (NVT_FEATURE_CRC)",
			 ns->ctrl->info.bdf);
		return -EOPNOTSUPP;
	}
	if (ns->extended && ns->meta_size) {
		nvt__err("nvt_ns_verify_enable: namespace %u: LBA format %d puts %u bytes of metadata inside each LBA: not verifiable",
			 ns->nsid, ns->lbaf, ns->meta_size);
		return -EOPNOTSUPP;
	}
	if (!ns->vt_map) {
		ret = check_idle(__func__, ns);
		if (!ret)
			ret = vt_map(ns, 0);
		if (ret)
			return ret;
	}
	ns->verify = true;
	return 0;
}

bool nvt_ns_verify_enabled(const struct nvt_ns *ns)
{
	return ns && ns->verify;
}

uint64_t nvt_ns_verify_nlba(const struct nvt_ns *ns)
{
	if (!ns)
		return 0;
	return ns->limit && ns->limit < ns->nsze ? ns->limit : ns->nsze;
}

int nvt_ns_verify_limit(struct nvt_ns *ns, uint64_t nlba)
{
	uint64_t old;
	int ret;

	if (!ns) {
		nvt__err("nvt_ns_verify_limit: ns is NULL");
		return -EINVAL;
	}
	ret = check_idle(__func__, ns);
	if (ret)
		return ret;
	old = nvt_ns_verify_nlba(ns);
	ns->limit = nlba;
	if (!ns->vt_map || nvt_ns_verify_nlba(ns) == old)
		return 0;
	return vt_remap(ns, 0);
}

int nvt_ns_verify_reset(struct nvt_ns *ns)
{
	int ret;

	if (!ns) {
		nvt__err("nvt_ns_verify_reset: ns is NULL");
		return -EINVAL;
	}
	if (!ns->verify) {
		nvt__err("nvt_ns_verify_reset: namespace %u: verification is off", ns->nsid);
		return -ENODATA;
	}
	ret = check_idle(__func__, ns);
	return ret ? ret : vt_remap(ns, NVT_CRC_F_RESET);
}

int nvt_ns_verify_pages(const struct nvt_ns *ns, uint64_t *pages)
{
	if (!ns || !pages) {
		nvt__err("nvt_ns_verify_pages: %s is NULL", ns ? "pages" : "ns");
		return -EINVAL;
	}
	if (!ns->vt_map) {
		nvt__err("nvt_ns_verify_pages: namespace %u: verification is off", ns->nsid);
		return -ENODATA;
	}
	*pages = nvt__vtable_pages(&ns->vt);
	return 0;
}
