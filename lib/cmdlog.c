// SPDX-License-Identifier: MIT
/*
 * Command logs: the kernel's per-queue ring of commands and completions
 * (NVT_IOCTL_MAP_CMDLOG), mapped read-only and read with the sequence
 * count protocol of uapi.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "private.h"

struct nvt_cmdlog {
	struct nvt_pcie *pcie;		/* our reference */
	const void *map;
	size_t map_size;
	const struct nvt_cmdlog_header *hdr;
	const unsigned char *entries;	/* nr_entries of entry_size bytes */
	uint32_t entry_size;
	uint32_t nr_entries;
	uint16_t qid;
	bool mapped;			/* @map is ours to munmap() */
};

/* Attempts at copying an entry that is being rewritten. */
#define READ_TRIES	16

int nvt__cmdlog_wrap(const void *map, size_t size, uint16_t qid, struct nvt_cmdlog **out)
{
	const struct nvt_cmdlog_header *hdr = map;
	struct nvt_cmdlog *log;

	if (size < sizeof(*hdr)) {
		nvt__err("command log: %zu bytes, less than its header", size);
		return -EPROTO;
	}
	if (hdr->magic != NVT_CMDLOG_MAGIC ||
	    hdr->entry_size < sizeof(struct nvt_cmdlog_entry) || hdr->entry_size % 8 ||
	    !hdr->nr_entries || (hdr->nr_entries & (hdr->nr_entries - 1)) ||
	    (size - sizeof(*hdr)) / hdr->entry_size < hdr->nr_entries) {
		nvt__err("command log: magic 0x%08x, %u entries of %u bytes in %zu bytes: not a log of ABI %u",
			 hdr->magic, hdr->nr_entries, hdr->entry_size, size, NVT_ABI_VERSION);
		return -EPROTO;
	}
	log = calloc(1, sizeof(*log));
	if (!log)
		return -ENOMEM;
	log->map = map;
	log->map_size = size;
	log->hdr = hdr;
	log->entries = (const unsigned char *)map + sizeof(*hdr);
	log->entry_size = hdr->entry_size;
	log->nr_entries = hdr->nr_entries;
	log->qid = qid;
	*out = log;
	return 0;
}

int nvt_cmdlog_open(struct nvt_pcie *pcie, uint16_t qid, struct nvt_cmdlog **out)
{
	struct nvt_ioctl_map_cmdlog mc = { .qid = qid };
	struct nvt_pcie_info info;
	struct nvt_cmdlog *log;
	void *map;
	int ret;

	if (out)
		*out = NULL;
	if (!pcie || !out) {
		nvt__err("nvt_cmdlog_open: %s is NULL", pcie ? "out" : "pcie");
		return -EINVAL;
	}
	nvt_pcie_info(pcie, &info);
	if (!(info.features & NVT_FEATURE_CMDLOG)) {
		nvt__err("nvt_cmdlog_open: %s: this nvmetest.ko has no command logs", info.bdf);
		return -EOPNOTSUPP;
	}
	if (ioctl(nvt_pcie_fd(pcie), NVT_IOCTL_MAP_CMDLOG, &mc)) {
		ret = -errno;
		nvt__err("nvt_cmdlog_open: %s queue %u: %s", info.bdf, qid,
			 ret == -ENOENT ? "no such queue" : strerror(-ret));
		return ret;
	}
	map = mmap(NULL, mc.mmap_size, PROT_READ, MAP_SHARED, nvt_pcie_fd(pcie),
		   (off_t)mc.mmap_offset);
	if (map == MAP_FAILED) {
		ret = -errno;
		nvt__err("nvt_cmdlog_open: %s: mapping the log of queue %u: %s", info.bdf, qid,
			 strerror(-ret));
		return ret;
	}
	ret = nvt__cmdlog_wrap(map, mc.mmap_size, qid, &log);
	if (ret) {
		nvt__err("nvt_cmdlog_open: %s: the log of queue %u is not one this library reads",
			 info.bdf, qid);
		munmap(map, mc.mmap_size);
		return ret;
	}
	log->pcie = nvt_pcie_ref(pcie);
	log->mapped = true;
	*out = log;
	return 0;
}

int nvt__cmdlog_remap(struct nvt_cmdlog *log)
{
	struct nvt_ioctl_map_cmdlog mc = { .qid = log->qid };
	int fd = nvt_pcie_fd(log->pcie);

	if (ioctl(fd, NVT_IOCTL_MAP_CMDLOG, &mc))
		return -errno;
	if (mc.mmap_size != log->map_size)
		return -EPROTO;
	/* In place, so that pointers into the log stay valid. */
	if (mmap((void *)log->map, log->map_size, PROT_READ, MAP_SHARED | MAP_FIXED, fd,
		 (off_t)mc.mmap_offset) == MAP_FAILED)
		return -errno;
	return 0;
}

void nvt_cmdlog_close(struct nvt_cmdlog *log)
{
	if (!log)
		return;
	if (log->mapped)
		munmap((void *)log->map, log->map_size);
	nvt_pcie_close(log->pcie);
	free(log);
}

unsigned int nvt_cmdlog_size(struct nvt_cmdlog *log)
{
	return log ? log->nr_entries : 0;
}

uint64_t nvt_cmdlog_count(struct nvt_cmdlog *log)
{
	return log ? __atomic_load_n(&log->hdr->next, __ATOMIC_ACQUIRE) : 0;
}

/* Copy the entry of log index @index; false if it holds another by now. */
static bool read_entry(const struct nvt_cmdlog *log, uint64_t index,
		       struct nvt_cmdlog_entry *out)
{
	const struct nvt_cmdlog_entry *e = (const void *)(log->entries +
		(size_t)(index & (log->nr_entries - 1)) * log->entry_size);
	uint64_t s1, s2;
	int i;

	for (i = 0; i < READ_TRIES; i++) {
		s1 = __atomic_load_n(&e->seq, __ATOMIC_ACQUIRE);
		if (!s1 || (s1 & 1))
			continue;
		memcpy(out, (const void *)e, sizeof(*out));
		/* The copy is done before @seq is read again. */
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s2 = __atomic_load_n(&e->seq, __ATOMIC_RELAXED);
		if (s1 != s2)
			continue;
		return out->index == index;
	}
	return false;
}

int nvt_cmdlog_read(struct nvt_cmdlog *log, unsigned int n, struct nvt_cmdlog_entry *out,
		    unsigned int *count)
{
	uint64_t next, first, i;
	unsigned int got = 0;

	if (count)
		*count = 0;
	if (!log || !out || !count) {
		nvt__err("nvt_cmdlog_read: %s is NULL", !log ? "log" : !out ? "out" : "count");
		return -EINVAL;
	}
	if (!n || n > log->nr_entries)
		n = log->nr_entries;
	next = nvt_cmdlog_count(log);
	first = next > n ? next - n : 0;
	for (i = first; i < next; i++)
		if (read_entry(log, i, &out[got]))
			got++;
	*count = got;
	return 0;
}

int nvt_cmdlog_format(const struct nvt_cmdlog_entry *e, uint16_t qid, char *buf, size_t len)
{
	uint8_t opcode;
	const char *name;
	char status[96];
	int n;

	if (!e || (!buf && len)) {
		nvt__err("nvt_cmdlog_format: %s is NULL", e ? "buf" : "entry");
		return -EINVAL;
	}
	opcode = e->sqe[0] & 0xff;
	name = qid ? nvt_io_cmdname(opcode) : nvt_admin_cmdname(opcode);
	if (!e->complete_ns) {
		snprintf(status, sizeof(status), "outstanding");
	} else if (e->flags & NVT_CPL_F_TIMEOUT) {
		snprintf(status, sizeof(status), "timeout");
	} else if (e->flags & NVT_CPL_F_CANCELLED) {
		snprintf(status, sizeof(status), "cancelled");
	} else {
		uint16_t st = nvt_status_from_cqe_dw3(e->cqe[3]);

		if (st)
			snprintf(status, sizeof(status), "status %02x/%02x %s cdw0 0x%x",
				 NVT_STATUS_SCT(st), NVT_STATUS_SC(st), nvt_status_name(st),
				 e->cqe[0]);
		else
			snprintf(status, sizeof(status), "status 00/00 cdw0 0x%x", e->cqe[0]);
	}
	n = snprintf(buf, len, "#%llu %s (%02xh) cid %u nsid 0x%x cdw10 0x%08x %s",
		     (unsigned long long)e->index, name, opcode, e->sqe[0] >> 16, e->sqe[1],
		     e->sqe[10], status);
	if (n >= 0 && e->complete_ns && !(e->flags & (NVT_CPL_F_TIMEOUT | NVT_CPL_F_CANCELLED))) {
		uint64_t us = e->complete_ns > e->submit_ns ?
			      (e->complete_ns - e->submit_ns) / 1000 : 0;
		size_t at = (size_t)n < len ? (size_t)n : (len ? len - 1 : 0);
		int m = snprintf(buf ? buf + at : NULL, len - at, " latency %llu us",
				 (unsigned long long)us);

		n = m < 0 ? m : n + m;
	}
	return n < 0 ? -EINVAL : n;
}

int nvt_ctrl_cmdlog(struct nvt_ctrl *ctrl, unsigned int n, struct nvt_cmdlog_entry *out,
		    unsigned int *count)
{
	struct nvt_cmdlog *log, *old = NULL;
	int ret;

	if (!ctrl) {
		nvt__err("nvt_ctrl_cmdlog: ctrl is NULL");
		return -EINVAL;
	}
	pthread_mutex_lock(&ctrl->lock);
	log = ctrl->cmdlog;
	pthread_mutex_unlock(&ctrl->lock);
	if (!log) {
		ret = nvt_cmdlog_open(ctrl->pcie, 0, &log);
		if (ret)
			return ret;
		pthread_mutex_lock(&ctrl->lock);
		if (ctrl->cmdlog) {	/* another thread was faster */
			old = log;
			log = ctrl->cmdlog;
		} else {
			ctrl->cmdlog = log;
		}
		pthread_mutex_unlock(&ctrl->lock);
		nvt_cmdlog_close(old);
	}
	return nvt_cmdlog_read(log, n, out, count);
}
