// SPDX-License-Identifier: MIT
/*
 * struct nvt_buf: a kernel DMA buffer (NVT_IOCTL_ALLOC_BUF) mapped into the
 * process, with pynvme's Buffer conveniences over pattern.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "private.h"

struct nvt_buf {
	struct nvt_ctrl *ctrl;		/* our reference */
	void *data;			/* the mapping, map_size bytes */
	size_t map_size;
	size_t size;			/* as asked */
	size_t offset;			/* where commands' data starts */
	size_t xfer;			/* bytes commands transfer; 0: to the end */
	uint64_t iova;
	uint32_t handle;
	char name[NVT_BUF_NAME_MAX + 1];
};

static void free_handle(int fd, uint32_t handle)
{
	struct nvt_ioctl_free_buf fb = { .handle = handle };

	if (ioctl(fd, NVT_IOCTL_FREE_BUF, &fb))
		nvt__err("nvt_buf_free: buffer %u: %s", handle, strerror(errno));
}

int nvt_buf_alloc(struct nvt_ctrl *ctrl, size_t size, struct nvt_buf **out)
{
	struct nvt_ioctl_alloc_buf ab = { .size = size };
	struct nvt_buf *buf;
	int ret;

	if (out)
		*out = NULL;
	if (!ctrl || !out) {
		nvt__err("nvt_buf_alloc: %s is NULL", ctrl ? "out" : "ctrl");
		return -EINVAL;
	}
	if (!size || size > NVT_BUF_MAX_SIZE) {
		nvt__err("nvt_buf_alloc: size %zu: a buffer has 1 to %llu bytes", size,
			 (unsigned long long)NVT_BUF_MAX_SIZE);
		return -EINVAL;
	}
	if (!(ctrl->info.features & NVT_FEATURE_DMABUF)) {
		nvt__err("nvt_buf_alloc: this nvmetest.ko has no DMA buffers");
		return -EOPNOTSUPP;
	}
	buf = calloc(1, sizeof(*buf));
	if (!buf)
		return -ENOMEM;
	if (ioctl(ctrl->fd, NVT_IOCTL_ALLOC_BUF, &ab)) {
		ret = -errno;
		nvt__err("nvt_buf_alloc: %zu bytes of DMA memory from %s: %s", size,
			 ctrl->info.bdf, strerror(-ret));
		free(buf);
		return ret;
	}
	buf->data = mmap(NULL, ab.mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, ctrl->fd,
			 (off_t)ab.mmap_offset);
	if (buf->data == MAP_FAILED) {
		ret = -errno;
		nvt__err("nvt_buf_alloc: mapping buffer %u (%llu bytes): %s", ab.handle,
			 (unsigned long long)ab.mmap_size, strerror(-ret));
		free_handle(ctrl->fd, ab.handle);
		free(buf);
		return ret;
	}
	buf->ctrl = nvt_ctrl_ref(ctrl);
	buf->map_size = ab.mmap_size;
	buf->size = size;
	buf->iova = ab.iova;
	buf->handle = ab.handle;
	strcpy(buf->name, "buffer");
	*out = buf;
	return 0;
}

void nvt_buf_free(struct nvt_buf *buf)
{
	if (!buf)
		return;
	munmap(buf->data, buf->map_size);
	/* The kernel keeps the memory while a command still uses it. */
	free_handle(buf->ctrl->fd, buf->handle);
	nvt_ctrl_close(buf->ctrl);
	free(buf);
}

int nvt__buf_range(const char *fn, struct nvt_ctrl *ctrl, const struct nvt_buf *buf,
		   uint32_t *handle, uint64_t *offset, uint32_t *len)
{
	size_t n = buf->xfer ? buf->xfer : buf->size - buf->offset;

	if (buf->ctrl != ctrl) {
		nvt__err("%s: buffer \"%s\" belongs to %s, not to %s", fn, buf->name,
			 buf->ctrl->info.bdf, ctrl->info.bdf);
		return -EINVAL;
	}
	if (buf->offset >= buf->size || n > buf->size - buf->offset) {
		nvt__err("%s: buffer \"%s\": offset %zu + transfer size %zu is beyond its %zu bytes",
			 fn, buf->name, buf->offset, n, buf->size);
		return -ERANGE;
	}
	*handle = buf->handle;
	*offset = buf->offset;
	*len = (uint32_t)n;
	return 0;
}

void *nvt_buf_data(struct nvt_buf *buf)
{
	return buf ? buf->data : NULL;
}

size_t nvt_buf_size(const struct nvt_buf *buf)
{
	return buf ? buf->size : 0;
}

const char *nvt_buf_name(const struct nvt_buf *buf)
{
	return buf ? buf->name : "";
}

int nvt_buf_set_name(struct nvt_buf *buf, const char *name)
{
	if (!buf || !name) {
		nvt__err("nvt_buf_set_name: %s is NULL", buf ? "name" : "buf");
		return -EINVAL;
	}
	snprintf(buf->name, sizeof(buf->name), "%s", name);
	return 0;
}

size_t nvt_buf_offset(const struct nvt_buf *buf)
{
	return buf ? buf->offset : 0;
}

int nvt_buf_set_offset(struct nvt_buf *buf, size_t offset)
{
	if (!buf) {
		nvt__err("nvt_buf_set_offset: buf is NULL");
		return -EINVAL;
	}
	if (offset >= buf->size) {
		nvt__err("nvt_buf_set_offset: offset %zu is not inside buffer \"%s\" (%zu bytes)",
			 offset, buf->name, buf->size);
		return -ERANGE;
	}
	buf->offset = offset;
	return 0;
}

size_t nvt_buf_xfer_size(const struct nvt_buf *buf)
{
	return buf ? buf->xfer : 0;
}

int nvt_buf_set_xfer_size(struct nvt_buf *buf, size_t size)
{
	if (!buf) {
		nvt__err("nvt_buf_set_xfer_size: buf is NULL");
		return -EINVAL;
	}
	if (size > buf->size) {
		nvt__err("nvt_buf_set_xfer_size: %zu bytes is more than buffer \"%s\" holds (%zu)",
			 size, buf->name, buf->size);
		return -ERANGE;
	}
	buf->xfer = size;
	return 0;
}

uint64_t nvt_buf_iova(const struct nvt_buf *buf)
{
	return buf ? buf->iova : 0;
}

uint32_t nvt_buf_handle(const struct nvt_buf *buf)
{
	return buf ? buf->handle : 0;
}

struct nvt_ctrl *nvt_buf_ctrl(const struct nvt_buf *buf)
{
	return buf ? buf->ctrl : NULL;
}

int nvt_buf_fill(struct nvt_buf *buf, uint32_t ptype, uint32_t pvalue)
{
	if (!buf) {
		nvt__err("nvt_buf_fill: buf is NULL");
		return -EINVAL;
	}
	return nvt_pattern_fill(buf->data, buf->size, ptype, pvalue);
}

int nvt_buf_field(const struct nvt_buf *buf, unsigned int end, unsigned int begin,
		  uint64_t *value)
{
	if (!buf) {
		nvt__err("nvt_buf_field: buf is NULL");
		return -EINVAL;
	}
	return nvt_le_field(buf->data, buf->size, begin, end, value);
}

int nvt_buf_str(const struct nvt_buf *buf, unsigned int end, unsigned int begin, char *out,
		size_t outlen)
{
	if (!buf) {
		nvt__err("nvt_buf_str: buf is NULL");
		return -EINVAL;
	}
	return nvt_str_field(buf->data, buf->size, begin, end, out, outlen);
}

int nvt_buf_dump(const struct nvt_buf *buf, size_t size, char *out, size_t outlen)
{
	if (!buf) {
		nvt__err("nvt_buf_dump: buf is NULL");
		return -EINVAL;
	}
	if (!size || size > buf->size)
		size = buf->size;
	return nvt_hexdump(buf->data, size, 0, out, outlen);
}

int nvt_buf_set_dsm_range(struct nvt_buf *buf, unsigned int index, uint64_t slba,
			  uint32_t nlb, uint32_t attr)
{
	if (!buf) {
		nvt__err("nvt_buf_set_dsm_range: buf is NULL");
		return -EINVAL;
	}
	return nvt_dsm_range_set(buf->data, buf->size, index, slba, nlb, attr);
}
