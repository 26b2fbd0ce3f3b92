// SPDX-License-Identifier: MIT
/*
 * Interrupts of the IO queues: the kernel's per-vector counter page
 * (NVT_IOCTL_MAP_IRQS), mask and unmask of a vector, and an eventfd per
 * vector that the kernel signals at each interrupt (NVT_IOCTL_CTL_IRQ).
 * One set per controller object, shared by its qpairs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "private.h"

#define NO_EVENTFD	0xffffffffu	/* detaches, for NVT_IRQ_F_EVENTFD */

int nvt__irq_map(struct nvt_ctrl *ctrl)
{
	struct nvt_ioctl_map_irqs mi = { 0 };
	struct nvt__irqs *irqs = &ctrl->irqs;
	unsigned int i;
	void *map;
	int ret = 0;

	pthread_mutex_lock(&ctrl->lock);
	if (irqs->mapped)
		goto out;
	if (!(ctrl->info.features & NVT_FEATURE_IRQ)) {
		nvt__err("%s: this nvmetest.ko has no interrupt counters (NVT_FEATURE_IRQ)",
			 ctrl->info.bdf);
		ret = -EOPNOTSUPP;
		goto out;
	}
	if (ioctl(ctrl->fd, NVT_IOCTL_MAP_IRQS, &mi)) {
		ret = -errno;
		nvt__err("%s: NVT_IOCTL_MAP_IRQS: %s", ctrl->info.bdf,
			 ret == -EIO ? "no interrupt vectors" : strerror(-ret));
		goto out;
	}
	if (!mi.nr_vectors || mi.mmap_size < mi.nr_vectors * sizeof(uint64_t)) {
		nvt__err("%s: the kernel reports %u vectors in %llu bytes of counters",
			 ctrl->info.bdf, mi.nr_vectors, (unsigned long long)mi.mmap_size);
		ret = -EPROTO;
		goto out;
	}
	irqs->eventfds = malloc(mi.nr_vectors * sizeof(*irqs->eventfds));
	if (!irqs->eventfds) {
		ret = -ENOMEM;
		goto out;
	}
	map = mmap(NULL, mi.mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, ctrl->fd,
		   (off_t)mi.mmap_offset);
	if (map == MAP_FAILED) {
		ret = -errno;
		nvt__err("%s: mapping the interrupt counters: %s", ctrl->info.bdf,
			 strerror(-ret));
		free(irqs->eventfds);
		irqs->eventfds = NULL;
		goto out;
	}
	for (i = 0; i < mi.nr_vectors; i++)
		irqs->eventfds[i] = -1;
	irqs->counters = map;
	irqs->map_size = mi.mmap_size;
	irqs->type = mi.irq_type;
	irqs->nr_vectors = mi.nr_vectors;
	irqs->mapped = true;
out:
	pthread_mutex_unlock(&ctrl->lock);
	return ret;
}

void nvt__irq_fini(struct nvt_ctrl *ctrl)
{
	struct nvt__irqs *irqs = &ctrl->irqs;
	unsigned int i;

	if (!irqs->mapped)
		return;
	for (i = 0; i < irqs->nr_vectors; i++) {
		struct nvt_ioctl_ctl_irq ci = {
			.flags = NVT_IRQ_F_EVENTFD, .vector = i, .eventfd = NO_EVENTFD,
		};

		if (irqs->eventfds[i] < 0)
			continue;
		/* Detach first: the eventfd is closed right after. */
		ioctl(ctrl->fd, NVT_IOCTL_CTL_IRQ, &ci);
		close(irqs->eventfds[i]);
	}
	free(irqs->eventfds);
	munmap(irqs->counters, irqs->map_size);
	memset(irqs, 0, sizeof(*irqs));
}

int nvt__irq_eventfd(struct nvt_ctrl *ctrl, uint16_t vector, int *fd)
{
	struct nvt__irqs *irqs = &ctrl->irqs;
	struct nvt_ioctl_ctl_irq ci = { .flags = NVT_IRQ_F_EVENTFD, .vector = vector };
	int ret = 0, efd;

	pthread_mutex_lock(&ctrl->lock);
	if (irqs->eventfds[vector] >= 0) {
		*fd = irqs->eventfds[vector];
		goto out;
	}
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (efd < 0) {
		ret = -errno;
		nvt__err("%s: eventfd for vector %u: %s", ctrl->info.bdf, vector, strerror(-ret));
		goto out;
	}
	ci.eventfd = (uint32_t)efd;
	if (ioctl(ctrl->fd, NVT_IOCTL_CTL_IRQ, &ci)) {
		ret = -errno;
		nvt__err("%s: attaching an eventfd to vector %u: %s", ctrl->info.bdf, vector,
			 strerror(-ret));
		close(efd);
		goto out;
	}
	irqs->eventfds[vector] = efd;
	*fd = efd;
out:
	pthread_mutex_unlock(&ctrl->lock);
	return ret;
}

int nvt__irq_ctl(struct nvt_ctrl *ctrl, uint16_t vector, uint32_t flag)
{
	struct nvt_ioctl_ctl_irq ci = { .flags = flag, .vector = vector };
	int ret;

	if (!ioctl(ctrl->fd, NVT_IOCTL_CTL_IRQ, &ci))
		return 0;
	ret = -errno;
	nvt__err("%s: %s vector %u: %s", ctrl->info.bdf,
		 flag == NVT_IRQ_F_MASK ? "masking" : "unmasking", vector, strerror(-ret));
	return ret;
}

int nvt_ctrl_irq_info(struct nvt_ctrl *ctrl, uint32_t *type, uint32_t *nr_vectors)
{
	int ret;

	if (!ctrl) {
		nvt__err("nvt_ctrl_irq_info: ctrl is NULL");
		return -EINVAL;
	}
	ret = nvt__irq_map(ctrl);
	if (ret)
		return ret;
	if (type)
		*type = ctrl->irqs.type;
	if (nr_vectors)
		*nr_vectors = ctrl->irqs.nr_vectors;
	return 0;
}
