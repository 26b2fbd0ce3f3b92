// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * IO queue pairs of nvmetest.ko against QEMU's emulated controller, with raw
 * ioctls and the rings driven by hand: CREATE_QPAIR and DELETE_QPAIR (every
 * bad field, the ids the controller grants, the device's statuses), IO
 * through the mapped SQ, doorbells and CQ (PRP1, a PRP list up to MDTS,
 * MDTS + 1 refused by the device), stale queues after a reset, queues of a
 * closed file, buffers kept while queues live, and an unbind with queues,
 * counters and CRC tables mapped.
 *
 * Every test starts from a fresh init of /dev/nvmetest0 (or $NVT_DEV): a
 * 32-entry admin queue, then Set Features Number of Queues for 16 pairs.
 * Namespace 1 of nvmetest0 has 512-byte LBAs; MDTS is 128 KiB.
 *
 * Run: tests/vm/run [--kernel 6.1|6.12] -- build/tests/kmod/test_qpair
 */
#include <signal.h>
#include <stddef.h>
#include <sys/wait.h>

#include "kmod_test.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define DEPTH 32
#define NSID 1
#define LBA_SIZE 512
#define MDTS (128 * 1024)

static int fd = -1;
static struct nvt_ioctl_get_info info;
static char bdf[32];
static int granted;		/* IO queue pairs the controller granted */
static uint64_t cap;

static void setup(void)
{
	if (!bdf_is_bound(bdf))
		sysfs_write("/sys/bus/pci/drivers_probe", bdf);
	fd = dev_open();
	ck_assert_int_eq(get_info(fd, &info), 0);
	ck_assert_int_eq(reg_read(fd, 8, REG_CAP, &cap), 0);
	nstash = 0;
	ctrl_init(fd, DEPTH);
	granted = set_nr_queues(fd, 16);
	ck_assert_int_gt(granted, 0);
}

static void teardown(void)
{
	if (fd >= 0)
		close(fd);
}

static unsigned int mqes(void)
{
	return cap & 0xffff;
}

static void fill(unsigned char *p, size_t len, uint32_t seed)
{
	for (size_t i = 0; i < len; i++) {
		seed = seed * 1103515245 + 12345;
		p[i] = seed >> 16;
	}
}

static const struct nvt_cmdlog_header *map_admin_cmdlog(size_t *len)
{
	struct nvt_ioctl_map_cmdlog m = { .qid = 0 };
	const struct nvt_cmdlog_header *h;

	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_MAP_CMDLOG, &m), 0);
	h = mmap(NULL, m.mmap_size, PROT_READ, MAP_SHARED, fd, m.mmap_offset);
	ck_assert_ptr_ne(h, MAP_FAILED);
	*len = m.mmap_size;
	return h;
}

/* The admin command logged @back commands before the newest. */
static const struct nvt_cmdlog_entry *admin_logged(const struct nvt_cmdlog_header *h, int back)
{
	return (const struct nvt_cmdlog_entry *)(h + 1) + (h->next - 1 - back) % h->nr_entries;
}

/* ---- create ---- */

START_TEST(test_get_info_reports_io_features)
{
	const uint64_t want = NVT_FEATURE_QPAIR | NVT_FEATURE_IRQ | NVT_FEATURE_CRC;

	ck_assert_uint_eq(info.out.features & want, want);
	ck_assert_int_eq(granted, 16);
}
END_TEST

START_TEST(test_create_gives_rings_doorbells_and_cmdlog)
{
	struct test_qpair q = qpair_new(fd, 0, 64, 0, 0);
	const struct nvt_cmdlog_header *h, *log;
	const struct nvt_cmdlog_entry *e;
	long ps = sysconf(_SC_PAGESIZE);
	uint64_t off[4] = { q.c.sq_mmap_offset, q.c.cq_mmap_offset, q.c.db_mmap_offset,
			    q.c.cmdlog_mmap_offset };
	size_t len;

	ck_assert_uint_eq(q.c.qid, 1);
	ck_assert_uint_ge(q.c.sq_mmap_size, 64 * 64);
	ck_assert_uint_ge(q.c.cq_mmap_size, 64 * 16);
	ck_assert_uint_eq(q.c.db_mmap_size, 4096);	/* 17 pairs of 4-byte doorbells */
	ck_assert_uint_eq(q.c.sq_db_offset, 2 * 1 * 4);
	ck_assert_uint_eq(q.c.cq_db_offset, (2 * 1 + 1) * 4);
	ck_assert_uint_ge(q.c.cmdlog_mmap_size, sizeof(struct nvt_cmdlog_header) +
			  NVT_CMDLOG_ENTRIES * sizeof(struct nvt_cmdlog_entry));
	for (int i = 0; i < 4; i++) {
		ck_assert_uint_eq(off[i] % ps, 0);
		for (int j = 0; j < i; j++)
			ck_assert_uint_ne(off[i], off[j]);
	}
	/* The rings start zeroed (every CQ phase tag 0). */
	for (size_t i = 0; i < q.c.cq_mmap_size / 4; i++)
		ck_assert_uint_eq(q.cq[i], 0);

	/* The command log, ready for the library, writable by this file. */
	log = mmap(NULL, q.c.cmdlog_mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   q.c.cmdlog_mmap_offset);
	ck_assert_ptr_ne(log, MAP_FAILED);
	ck_assert_uint_eq(log->magic, NVT_CMDLOG_MAGIC);
	ck_assert_uint_eq(log->qid, 1);
	ck_assert_uint_eq(log->entry_size, sizeof(struct nvt_cmdlog_entry));
	ck_assert_uint_eq(log->nr_entries, NVT_CMDLOG_ENTRIES);
	ck_assert_uint_eq(log->next, 0);
	((struct nvt_cmdlog_header *)log)->next = 7;
	munmap((void *)log, q.c.cmdlog_mmap_size);

	/* The kernel sent Create I/O CQ, then Create I/O SQ (PC, QSIZE 63, QID 1). */
	h = map_admin_cmdlog(&len);
	e = admin_logged(h, 1);
	ck_assert_uint_eq(e->sqe[0] & 0xff, OPC_CREATE_CQ);
	ck_assert_uint_eq(e->sqe[10], 63u << 16 | 1);
	ck_assert_uint_eq(e->sqe[11], 1);	/* IV 0, IEN 0, PC 1 */
	ck_assert_uint_ne(e->sqe[6] | (uint64_t)e->sqe[7] << 32, 0);
	ck_assert_uint_eq(e->cqe[3] >> 17, 0);
	e = admin_logged(h, 0);
	ck_assert_uint_eq(e->sqe[0] & 0xff, OPC_CREATE_SQ);
	ck_assert_uint_eq(e->sqe[10], 63u << 16 | 1);
	ck_assert_uint_eq(e->sqe[11], 1u << 16 | 1);	/* CQID 1, QPRIO 0, PC */
	ck_assert_uint_eq(e->cqe[3] >> 17, 0);
	munmap((void *)h, len);
	qpair_del(&q);
}
END_TEST

START_TEST(test_write_then_read_back)
{
	struct test_qpair q = qpair_new(fd, 0, DEPTH, 0, 0);
	struct test_buf w = buf_new(fd, 4096), r = buf_new(fd, 4096);
	uint32_t sqe[16];

	fill(w.p, 4096, 1);
	io_sqe(sqe, OPC_IO_WRITE, NSID, 1000, 8, w.a.iova, 0);
	ck_assert_int_eq(qpair_sync(&q, sqe), 0);
	io_sqe(sqe, OPC_IO_READ, NSID, 1000, 8, r.a.iova, 0);
	ck_assert_int_eq(qpair_sync(&q, sqe), 0);
	ck_assert_mem_eq(r.p, w.p, 4096);
	/* A flush, and an LBA past the end: 00/80 LBA Out of Range. */
	io_sqe(sqe, OPC_IO_FLUSH, NSID, 0, 1, 0, 0);
	sqe[12] = 0;
	ck_assert_int_eq(qpair_sync(&q, sqe), 0);
	io_sqe(sqe, OPC_IO_READ, NSID, (1ull << 30) / LBA_SIZE, 1, r.a.iova, 0);
	ck_assert_int_eq(qpair_sync(&q, sqe), 0x080);
	buf_del(fd, &w);
	buf_del(fd, &r);
	qpair_del(&q);
}
END_TEST

/* PRP1 with an offset: the data lands there, nothing around it moves. */
START_TEST(test_read_at_buffer_offset)
{
	struct test_qpair q = qpair_new(fd, 0, DEPTH, 0, 0);
	struct test_buf w = buf_new(fd, 4096), r = buf_new(fd, 8192);
	uint32_t sqe[16];

	fill(w.p, 4096, 2);
	io_sqe(sqe, OPC_IO_WRITE, NSID, 2000, 1, w.a.iova, 0);
	ck_assert_int_eq(qpair_sync(&q, sqe), 0);
	memset(r.p, 0xa5, 8192);
	/* 512 bytes at offset 0xf00: crosses into the second page, PRP2 its address. */
	io_sqe(sqe, OPC_IO_READ, NSID, 2000, 1, r.a.iova + 0xf00, r.a.iova + 4096);
	ck_assert_int_eq(qpair_sync(&q, sqe), 0);
	ck_assert_mem_eq(r.p + 0xf00, w.p, 512);
	ck_assert_uint_eq(r.p[0xeff], 0xa5);
	ck_assert_uint_eq(r.p[0xf00 + 512], 0xa5);
	buf_del(fd, &w);
	buf_del(fd, &r);
	qpair_del(&q);
}
END_TEST

/* 128 KiB (MDTS) through a PRP list in a second buffer; MDTS + 1 refused by the device. */
START_TEST(test_prp_list_up_to_mdts)
{
	struct test_qpair q = qpair_new(fd, 0, DEPTH, 0, 0);
	struct test_buf w = buf_new(fd, MDTS + 4096), r = buf_new(fd, MDTS + 4096);
	struct test_buf wl = buf_new(fd, 4096), rl = buf_new(fd, 4096);
	uint64_t *wlist = (uint64_t *)wl.p, *rlist = (uint64_t *)rl.p;
	uint32_t sqe[16];

	fill(w.p, MDTS + 4096, 3);
	for (int i = 0; i < MDTS / 4096; i++) {
		wlist[i] = w.a.iova + 4096 * (i + 1);
		rlist[i] = r.a.iova + 4096 * (i + 1);
	}
	io_sqe(sqe, OPC_IO_WRITE, NSID, 4096, MDTS / LBA_SIZE, w.a.iova, wl.a.iova);
	ck_assert_int_eq(qpair_sync(&q, sqe), 0);
	io_sqe(sqe, OPC_IO_READ, NSID, 4096, MDTS / LBA_SIZE, r.a.iova, rl.a.iova);
	ck_assert_int_eq(qpair_sync(&q, sqe), 0);
	ck_assert_mem_eq(r.p, w.p, MDTS);
	/* One LBA more than MDTS: 00/02 Invalid Field in Command. */
	io_sqe(sqe, OPC_IO_READ, NSID, 4096, MDTS / LBA_SIZE + 1, r.a.iova, rl.a.iova);
	ck_assert_int_eq(qpair_sync(&q, sqe), 0x002);
	buf_del(fd, &w);
	buf_del(fd, &r);
	buf_del(fd, &wl);
	buf_del(fd, &rl);
	qpair_del(&q);
}
END_TEST

/* The smallest queue wraps (and flips its phase) many times; the largest works. */
START_TEST(test_depth_extremes)
{
	const uint16_t depths[] = { 2, mqes() + 1 };
	struct test_qpair q = qpair_new(fd, 0, depths[_i], 0, 0);
	struct test_buf b = buf_new(fd, 4096);
	uint32_t sqe[16];

	for (int i = 0; i < 9; i++) {
		io_sqe(sqe, OPC_IO_WRITE, NSID, 3000 + i, 1, b.a.iova, 0);
		ck_assert_int_eq(qpair_sync(&q, sqe), 0);
	}
	buf_del(fd, &b);
	qpair_del(&q);
}
END_TEST

/* Several commands in flight at once on one queue. */
START_TEST(test_many_commands_in_flight)
{
	struct test_qpair q = qpair_new(fd, 0, DEPTH, 0, 0);
	struct test_buf b = buf_new(fd, (DEPTH - 1) * 4096);
	bool seen[DEPTH] = { 0 };
	uint32_t sqe[16], cqe[4];

	for (int i = 0; i < DEPTH - 1; i++) {
		io_sqe(sqe, OPC_IO_READ, NSID, 8 * i, 8, b.a.iova + 4096 * i, 0);
		qpair_submit(&q, sqe, i);
	}
	for (int i = 0; i < DEPTH - 1; i++) {
		ck_assert_int_eq(qpair_reap(&q, cqe, 10000, true), 0);
		ck_assert_uint_eq(cqe_status(cqe), 0);
		ck_assert_uint_lt(cqe[3] & 0xffff, DEPTH - 1);
		ck_assert(!seen[cqe[3] & 0xffff]);
		seen[cqe[3] & 0xffff] = true;
	}
	buf_del(fd, &b);
	qpair_del(&q);
}
END_TEST

/* As many pairs as granted, in id order; then -ENOSPC, -EEXIST, -EINVAL above the grant. */
START_TEST(test_every_granted_queue_then_enospc)
{
	struct nvt_ioctl_create_qpair c;
	struct nvt_ioctl_delete_qpair d;

	for (int i = 1; i <= granted; i++) {
		ck_assert_int_eq(create_qpair(fd, 0, 2, 0, 0, &c), 0);
		ck_assert_uint_eq(c.cq_status, 0);
		ck_assert_uint_eq(c.sq_status, 0);
		ck_assert_uint_eq(c.qid, i);
	}
	ck_assert_int_eq(create_qpair(fd, 0, 2, 0, 0, &c), -ENOSPC);
	ck_assert_int_eq(create_qpair(fd, 5, 2, 0, 0, &c), -EEXIST);
	ck_assert_int_eq(create_qpair(fd, granted + 1, 2, 0, 0, &c), -EINVAL);
	ck_assert_int_eq(create_qpair(fd, 0xffff, 2, 0, 0, &c), -EINVAL);
	/* A freed id is the lowest free one again. */
	ck_assert_int_eq(delete_qpair(fd, 7, &d), 0);
	ck_assert_int_eq(create_qpair(fd, 0, 2, 0, 0, &c), 0);
	ck_assert_uint_eq(c.qid, 7);
	for (int i = 1; i <= granted; i++) {
		ck_assert_int_eq(delete_qpair(fd, i, &d), 0);
		ck_assert_uint_eq(d.sq_status, 0);
		ck_assert_uint_eq(d.cq_status, 0);
	}
}
END_TEST

/*
 * With no Number of Queues answer since the reset, any id goes to the
 * device, which refuses one it did not grant (01/01 Invalid Queue
 * Identifier): the ioctl gives 0 with the status, and no queue exists.
 */
START_TEST(test_unknown_grant_lets_the_device_answer)
{
	struct nvt_ioctl_create_qpair c;
	struct nvt_ioctl_map_cmdlog m = { .qid = 17 };

	ctrl_init(fd, DEPTH);
	memset(&c, 0xff, sizeof(c));
	c.flags = 0;
	c.qid = 17;
	c.depth = 16;
	c.vector = 0;
	c.sq_prio = 0;
	c.pad0 = 0;
	memset(c.reserved, 0, sizeof(c.reserved));
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_CREATE_QPAIR, &c), 0);
	ck_assert_uint_eq(c.cq_status, 0x101);
	ck_assert_uint_eq(c.sq_status, 0);	/* not sent */
	ck_assert_uint_eq(c.qid, 17);
	ck_assert_uint_eq(c.sq_mmap_offset | c.sq_mmap_size | c.cq_mmap_offset |
			  c.cq_mmap_size | c.db_mmap_offset | c.db_mmap_size |
			  c.cmdlog_mmap_offset | c.cmdlog_mmap_size, 0);
	ck_assert_uint_eq(c.sq_db_offset | c.cq_db_offset, 0);
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_MAP_CMDLOG, &m), -ENOENT);
	/* Not taken: asking again gets the device's answer again. */
	ck_assert_int_eq(create_qpair(fd, 17, 16, 0, 0, &c), 0);
	ck_assert_uint_eq(c.cq_status, 0x101);
	/* A granted one works without the kernel knowing the grant. */
	ck_assert_int_eq(create_qpair(fd, 16, 16, 0, 0, &c), 0);
	ck_assert_uint_eq(c.cq_status, 0);
	ck_assert_uint_eq(c.sq_status, 0);
	ck_assert_uint_eq(c.db_mmap_size, 4096);	/* clamped to the doorbell page */
}
END_TEST

/*
 * Create I/O SQ refused (the user made SQ 3 by hand, which the kernel does not
 * track): the kernel deletes the CQ it made, and the id stays free.
 */
START_TEST(test_sq_refused_deletes_the_cq)
{
	struct nvt_ioctl_create_qpair c;
	const struct nvt_cmdlog_header *h;
	struct nvt_completion cpl;
	uint32_t sqe[16];
	size_t len;

	/* The user takes SQ 3 by hand, on its own CQ 9 (with a pinned buffer). */
	{
		struct test_buf b = buf_new(fd, 4096);

		sqe_init(sqe, OPC_CREATE_CQ, 0, 15u << 16 | 9, 1);
		ck_assert_int_eq(admin_sync(fd, sqe, b.a.handle, 0, 4096, &cpl), 0);
		ck_assert_uint_eq(cpl_status(&cpl), 0);
		sqe_init(sqe, OPC_CREATE_SQ, 0, 15u << 16 | 3, 9u << 16 | 1);
		ck_assert_int_eq(admin_sync(fd, sqe, b.a.handle, 0, 1024, &cpl), 0);
		ck_assert_uint_eq(cpl_status(&cpl), 0);
	}
	ck_assert_int_eq(create_qpair(fd, 3, 16, 0, 0, &c), 0);
	ck_assert_uint_eq(c.cq_status, 0);
	ck_assert_uint_ne(c.sq_status, 0);
	h = map_admin_cmdlog(&len);
	ck_assert_uint_eq(admin_logged(h, 0)->sqe[0] & 0xff, OPC_DELETE_CQ);
	ck_assert_uint_eq(admin_logged(h, 0)->sqe[10], 3);
	ck_assert_uint_eq(admin_logged(h, 0)->cqe[3] >> 17, 0);
	munmap((void *)h, len);
	/* The id is free in the kernel (the device still has the user's SQ 3). */
	ck_assert_int_eq(create_qpair(fd, 3, 16, 0, 0, &c), 0);
	ck_assert_uint_ne(c.sq_status, 0);
}
END_TEST

/* Every output is written: garbage put there by the caller is gone. */
START_TEST(test_create_output_is_overwritten)
{
	struct nvt_ioctl_create_qpair c;
	struct nvt_ioctl_delete_qpair d;

	memset(&c, 0xee, sizeof(c));
	c.flags = 0;
	c.qid = 0;
	c.depth = 16;
	c.vector = 0;
	c.sq_prio = 2;
	c.pad0 = 0;
	memset(c.reserved, 0, sizeof(c.reserved));
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_CREATE_QPAIR, &c), 0);
	ck_assert_uint_eq(c.qid, 1);
	ck_assert_uint_eq(c.cq_status, 0);
	ck_assert_uint_eq(c.sq_status, 0);
	ck_assert_uint_eq(c.sq_mmap_size, 4096);
	ck_assert_uint_eq(c.cq_mmap_size, 4096);
	ck_assert_uint_eq(c.db_mmap_size, 4096);
	ck_assert_uint_eq(c.sq_db_offset, 8);
	ck_assert_uint_eq(c.cq_db_offset, 12);
	ck_assert_uint_ne(c.sq_mmap_offset, 0xeeeeeeeeeeeeeeeeull);
	ck_assert_uint_ne(c.cq_mmap_offset, 0xeeeeeeeeeeeeeeeeull);
	ck_assert_uint_ne(c.db_mmap_offset, 0xeeeeeeeeeeeeeeeeull);
	ck_assert_uint_ne(c.cmdlog_mmap_offset, 0xeeeeeeeeeeeeeeeeull);
	ck_assert_uint_ne(c.cmdlog_mmap_size, 0xeeeeeeeeeeeeeeeeull);
	/* Inputs come back as given. */
	ck_assert_uint_eq(c.depth, 16);
	ck_assert_uint_eq(c.sq_prio, 2);
	ck_assert_uint_eq(c.flags | c.pad0, 0);
	ck_assert_int_eq(delete_qpair(fd, 1, &d), 0);
}
END_TEST

START_TEST(test_create_bad_fields_are_einval)
{
	struct nvt_ioctl_create_qpair c = { .depth = 16 };
	struct nvt_ioctl_map_cmdlog m = { .qid = 1 };
	struct nvt_ioctl_map_irqs mi = { 0 };

	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_MAP_IRQS, &mi), 0);
	switch (_i) {
	case 0: c.flags = 2; break;
	case 1: c.flags = 0x80000000u; break;
	case 2: case 3: case 4: case 5: c.reserved[_i - 2] = 1; break;
	case 6: c.pad0 = 1; break;
	case 7: c.sq_prio = 4; break;
	case 8: c.depth = 0; break;
	case 9: c.depth = 1; break;
	case 10: c.depth = mqes() + 2; break;
	case 11: c.vector = mi.nr_vectors; break;
	case 12: c.vector = 0xffff; c.flags = NVT_QPAIR_F_IEN; break;
	case 13: c.qid = granted + 1; break;
	default: c.depth = 0xffff; break;	/* above MQES + 1 = 2048 */
	}
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_CREATE_QPAIR, &c), -EINVAL);
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_MAP_CMDLOG, &m), -ENOENT);
}
END_TEST

START_TEST(test_create_with_controller_disabled_is_enxio)
{
	struct nvt_ioctl_create_qpair c;

	ck_assert_int_eq(ctrl_disable(fd), 0);
	ck_assert_int_eq(create_qpair(fd, 0, 16, 0, 0, &c), -ENXIO);
	ck_assert_int_eq(ctrl_enable(fd), 0);
}
END_TEST

START_TEST(test_create_unwritable_argument_is_efault_and_creates_nothing)
{
	long ps = sysconf(_SC_PAGESIZE);
	struct nvt_ioctl_create_qpair c = { .depth = 16 };
	struct nvt_ioctl_map_cmdlog m = { .qid = 1 };
	void *p = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert_ptr_ne(p, MAP_FAILED);
	memcpy(p, &c, sizeof(c));
	ck_assert_int_eq(mprotect(p, ps, PROT_READ), 0);
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_CREATE_QPAIR, p), -EFAULT);
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_MAP_CMDLOG, &m), -ENOENT);
	munmap(p, ps);
}
END_TEST

/* ---- delete ---- */

START_TEST(test_delete_then_the_queue_is_gone)
{
	struct test_qpair q = qpair_new(fd, 0, DEPTH, 0, 0);
	struct test_buf b = buf_new(fd, 4096);
	struct nvt_ioctl_delete_qpair d;
	struct nvt_ioctl_map_cmdlog m = { .qid = q.c.qid };
	const struct nvt_cmdlog_header *h;
	uint32_t sqe[16];
	size_t len;
	void *p;

	io_sqe(sqe, OPC_IO_READ, NSID, 0, 1, b.a.iova, 0);
	ck_assert_int_eq(qpair_sync(&q, sqe), 0);
	memset(&d, 0xff, sizeof(d));
	d.flags = 0;
	d.qid = q.c.qid;
	d.pad0 = 0;
	d.pad1 = 0;
	memset(d.reserved, 0, sizeof(d.reserved));
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_DELETE_QPAIR, &d), 0);
	ck_assert_uint_eq(d.sq_status, 0);
	ck_assert_uint_eq(d.cq_status, 0);
	h = map_admin_cmdlog(&len);
	ck_assert_uint_eq(admin_logged(h, 1)->sqe[0] & 0xff, OPC_DELETE_SQ);
	ck_assert_uint_eq(admin_logged(h, 1)->sqe[10], q.c.qid);
	ck_assert_uint_eq(admin_logged(h, 0)->sqe[0] & 0xff, OPC_DELETE_CQ);
	ck_assert_uint_eq(admin_logged(h, 0)->sqe[10], q.c.qid);
	munmap((void *)h, len);

	ck_assert_int_eq(delete_qpair(fd, q.c.qid, &d), -ENOENT);
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_MAP_CMDLOG, &m), -ENOENT);
	/* The rings stay while mapped; no new mapping. */
	ck_assert_uint_eq(q.sq[0] & 0xff, OPC_IO_READ);
	ck_assert_uint_eq(q.cq[3] >> 16 & 1, 1);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, q.c.sq_mmap_offset);
	ck_assert_ptr_eq(p, MAP_FAILED);
	ck_assert_int_eq(errno, ENOENT);
	qpair_unmap(&q);
	buf_del(fd, &b);
}
END_TEST

START_TEST(test_delete_bad_fields)
{
	struct test_qpair q = qpair_new(fd, 0, DEPTH, 0, 0);
	struct nvt_ioctl_delete_qpair d = { .qid = q.c.qid };
	int want = -EINVAL;

	switch (_i) {
	case 0: d.flags = 1; break;
	case 1: d.flags = 0x80000000u; break;
	case 2: d.pad0 = 1; break;
	case 3: d.pad1 = 1; break;
	case 4: case 5: case 6: d.reserved[_i - 4] = 1; break;
	case 7: d.qid = 0; want = -ENOENT; break;
	case 8: d.qid = q.c.qid + 1; want = -ENOENT; break;
	default: d.qid = 0xffff; want = -ENOENT; break;
	}
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_DELETE_QPAIR, &d), want);
	qpair_del(&q);
}
END_TEST

/* Another file's queue is not this file's to delete, nor are its rings to map. */
START_TEST(test_other_file_cannot_delete_or_map_rings_but_reads_cmdlog)
{
	struct test_qpair q = qpair_new(fd, 0, DEPTH, 0, 0);
	struct nvt_ioctl_map_cmdlog m = { .qid = q.c.qid };
	struct nvt_ioctl_delete_qpair d;
	struct nvt_cmdlog_header *mine;
	const struct nvt_cmdlog_header *theirs;
	int f2 = dev_open();
	void *p;

	ck_assert_int_eq(delete_qpair(f2, q.c.qid, &d), -ENOENT);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, f2, q.c.sq_mmap_offset);
	ck_assert_ptr_eq(p, MAP_FAILED);
	ck_assert_int_eq(errno, ENOENT);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, f2, q.c.cq_mmap_offset);
	ck_assert_ptr_eq(p, MAP_FAILED);
	ck_assert_int_eq(errno, ENOENT);

	mine = mmap(NULL, q.c.cmdlog_mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    q.c.cmdlog_mmap_offset);
	ck_assert_ptr_ne(mine, MAP_FAILED);
	ck_assert_int_eq(xioctl(f2, NVT_IOCTL_MAP_CMDLOG, &m), 0);
	ck_assert_uint_eq(m.mmap_offset, q.c.cmdlog_mmap_offset);
	ck_assert_uint_eq(m.mmap_size, q.c.cmdlog_mmap_size);
	p = mmap(NULL, m.mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, f2, m.mmap_offset);
	ck_assert_ptr_eq(p, MAP_FAILED);
	ck_assert_int_eq(errno, EPERM);
	theirs = mmap(NULL, m.mmap_size, PROT_READ, MAP_SHARED, f2, m.mmap_offset);
	ck_assert_ptr_ne(theirs, MAP_FAILED);
	ck_assert_int_eq(mprotect((void *)theirs, m.mmap_size, PROT_READ | PROT_WRITE), -1);
	ck_assert_int_eq(errno, EACCES);
	mine->next = 42;
	((struct nvt_cmdlog_entry *)(mine + 1))[41].sqe[0] = 0x1234;
	ck_assert_uint_eq(theirs->next, 42);
	ck_assert_uint_eq(((const struct nvt_cmdlog_entry *)(theirs + 1))[41].sqe[0], 0x1234);
	munmap(mine, q.c.cmdlog_mmap_size);
	munmap((void *)theirs, m.mmap_size);
	close(f2);
	qpair_del(&q);
}
END_TEST

START_TEST(test_mappings_beyond_or_private_are_refused)
{
	struct test_qpair q = qpair_new(fd, 0, 128, 0, 0);	/* an 8 KiB SQ */
	const struct { uint64_t off, size; } m[] = {
		{ q.c.sq_mmap_offset, q.c.sq_mmap_size },
		{ q.c.cq_mmap_offset, q.c.cq_mmap_size },
		{ q.c.db_mmap_offset, q.c.db_mmap_size },
		{ q.c.cmdlog_mmap_offset, q.c.cmdlog_mmap_size },
	};

	for (size_t i = 0; i < ARRAY_SIZE(m); i++) {
		void *p = mmap(NULL, m[i].size + 4096, PROT_READ, MAP_SHARED, fd, m[i].off);

		ck_assert_msg(p == MAP_FAILED && errno == EINVAL, "region %zu beyond", i);
		p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, m[i].off + m[i].size);
		ck_assert_msg(p == MAP_FAILED && errno == EINVAL, "region %zu past its end", i);
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, m[i].off);
		ck_assert_msg(p == MAP_FAILED && errno == EINVAL, "region %zu private", i);
	}
	/* No split either. */
	ck_assert_uint_eq(q.c.sq_mmap_size, 8192);
	ck_assert_int_eq(munmap(q.sq, 4096), -1);
	ck_assert_int_eq(errno, EINVAL);
	qpair_del(&q);
}
END_TEST

/* ---- resets, closes, buffers ---- */

/*
 * SETUP_ADMIN resets the controller: the queue is stale (-ESTALE once, and
 * freed), its mappings stay memory, its id can be made again.
 */
START_TEST(test_reset_makes_qpairs_stale)
{
	struct test_qpair q = qpair_new(fd, 0, DEPTH, 0, 0), q2;
	struct test_buf b = buf_new(fd, 4096);
	struct nvt_ioctl_map_cmdlog m = { .qid = q.c.qid };
	struct nvt_ioctl_delete_qpair d;
	struct nvt_ioctl_create_qpair c;
	uint32_t sqe[16];
	void *p;

	io_sqe(sqe, OPC_IO_READ, NSID, 0, 1, b.a.iova, 0);
	ck_assert_int_eq(qpair_sync(&q, sqe), 0);
	ctrl_init(fd, DEPTH);
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_MAP_CMDLOG, &m), -ESTALE);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, q.c.sq_mmap_offset);
	ck_assert_ptr_eq(p, MAP_FAILED);
	ck_assert_int_eq(errno, ESTALE);
	/* Still memory: read and write. */
	ck_assert_uint_eq(q.sq[0] & 0xff, OPC_IO_READ);
	ck_assert_uint_eq(q.cq[3] >> 16 & 1, 1);
	q.sq[100] = 0xdeadbeef;
	ck_assert_uint_eq(q.sq[100], 0xdeadbeef);
	ck_assert_int_eq(delete_qpair(fd, q.c.qid, &d), -ESTALE);
	ck_assert_int_eq(delete_qpair(fd, q.c.qid, &d), -ENOENT);
	ck_assert_uint_eq(q.sq[100], 0xdeadbeef);
	qpair_unmap(&q);

	/* The same id again, after the library's init. */
	ck_assert_int_eq(set_nr_queues(fd, 16), 16);
	q2 = qpair_new(fd, q.c.qid, DEPTH, 0, 0);
	ck_assert_int_eq(qpair_sync(&q2, sqe), 0);
	/* A stale queue of this file is replaced by a new one of its id. */
	ctrl_init(fd, DEPTH);
	ck_assert_int_eq(set_nr_queues(fd, 16), 16);
	ck_assert_int_eq(create_qpair(fd, q.c.qid, DEPTH, 0, 0, &c), 0);
	ck_assert_uint_eq(c.cq_status | c.sq_status, 0);
	ck_assert_int_eq(delete_qpair(fd, q.c.qid, &d), 0);
	ck_assert_uint_eq(d.sq_status | d.cq_status, 0);
	qpair_unmap(&q2);
	buf_del(fd, &b);
}
END_TEST

/* A queue the controller lost without a SETUP_ADMIN: -ENXIO while disabled. */
START_TEST(test_delete_with_controller_disabled_is_enxio)
{
	struct test_qpair q = qpair_new(fd, 0, DEPTH, 0, 0);
	struct nvt_ioctl_delete_qpair d;

	ck_assert_int_eq(ctrl_disable(fd), 0);
	ck_assert_int_eq(delete_qpair(fd, q.c.qid, &d), -ENXIO);
	ck_assert_int_eq(setup_admin(fd, DEPTH, DEPTH), 0);
	ck_assert_int_eq(ctrl_enable(fd), 0);
	ck_assert_int_eq(delete_qpair(fd, q.c.qid, &d), -ESTALE);
	qpair_unmap(&q);
}
END_TEST

/* A process that exits with a queue: the kernel deletes it, the id is free again. */
START_TEST(test_close_deletes_the_files_qpairs)
{
	const struct nvt_cmdlog_header *h;
	struct nvt_ioctl_create_qpair c;
	struct nvt_ioctl_delete_qpair d;
	int status;
	size_t len;
	pid_t pid;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		int f = open(dev_path(), O_RDWR | O_CLOEXEC);
		struct nvt_ioctl_create_qpair cc;

		if (f < 0 || create_qpair(f, 3, 16, 0, 0, &cc) || cc.cq_status || cc.sq_status)
			_exit(2);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status 0x%x", status);
	h = map_admin_cmdlog(&len);
	ck_assert_uint_eq(admin_logged(h, 1)->sqe[0] & 0xff, OPC_DELETE_SQ);
	ck_assert_uint_eq(admin_logged(h, 1)->sqe[10], 3);
	ck_assert_uint_eq(admin_logged(h, 0)->sqe[0] & 0xff, OPC_DELETE_CQ);
	ck_assert_uint_eq(admin_logged(h, 0)->cqe[3] >> 17, 0);
	munmap((void *)h, len);
	ck_assert_int_eq(create_qpair(fd, 3, 16, 0, 0, &c), 0);
	ck_assert_uint_eq(c.cq_status | c.sq_status, 0);
	ck_assert_int_eq(delete_qpair(fd, 3, &d), 0);
}
END_TEST

/*
 * A buffer freed (and unmapped) while the file has a live queue keeps its
 * memory: a read into its old address lands in none of the buffers
 * allocated afterwards.
 */
START_TEST(test_freed_buffer_memory_is_kept_while_qpairs_live)
{
	struct test_qpair q = qpair_new(fd, 0, DEPTH, 0, 0);
	struct test_buf w = buf_new(fd, 4096), old = buf_new(fd, 4096), fresh[16];
	uint64_t iova = old.a.iova;
	uint32_t sqe[16];

	fill(w.p, 4096, 4);
	io_sqe(sqe, OPC_IO_WRITE, NSID, 5000, 8, w.a.iova, 0);
	ck_assert_int_eq(qpair_sync(&q, sqe), 0);
	buf_del(fd, &old);
	for (size_t i = 0; i < ARRAY_SIZE(fresh); i++)
		fresh[i] = buf_new(fd, 4096);
	io_sqe(sqe, OPC_IO_READ, NSID, 5000, 8, iova, 0);
	ck_assert_int_eq(qpair_sync(&q, sqe), 0);
	for (size_t i = 0; i < ARRAY_SIZE(fresh); i++) {
		ck_assert_uint_ne(fresh[i].a.iova, iova);
		ck_assert_msg(memcmp(fresh[i].p, w.p, 64), "buffer %zu got the data", i);
	}
	for (size_t i = 0; i < ARRAY_SIZE(fresh); i++)
		buf_del(fd, &fresh[i]);
	buf_del(fd, &w);
	qpair_del(&q);
}
END_TEST

/* ---- the unbind ---- */

/*
 * Unbind with a queue, its mappings, the counters and a CRC table mapped:
 * every ioctl gives -ENODEV, every mapping stays usable (the doorbells
 * turn into a page of zeroes), the controller was disabled, and after the
 * close and a rebind it works again.
 */
START_TEST(test_unbind_with_qpairs_counters_and_tables_mapped)
{
	struct test_qpair q = qpair_new(fd, 0, DEPTH, NVT_QPAIR_F_IEN, 1);
	struct test_buf b = buf_new(fd, 4096);
	struct nvt_ioctl_map_irqs mi = { 0 };
	struct nvt_ioctl_map_crc_table mt = { .flags = NVT_CRC_F_RESET, .nsid = 1,
					      .nlba = (1u << 30) / LBA_SIZE };
	struct nvt_ioctl_delete_qpair d;
	struct nvt_ioctl_create_qpair c;
	volatile uint64_t *counters;
	volatile uint32_t *table;
	struct nvt_cmdlog_header *log;
	uint32_t sqe[16];
	uint64_t v;

	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_MAP_IRQS, &mi), 0);
	counters = mmap(NULL, mi.mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			mi.mmap_offset);
	ck_assert_ptr_ne((void *)counters, MAP_FAILED);
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_MAP_CRC_TABLE, &mt), 0);
	table = mmap(NULL, mt.table_mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		     mt.table_mmap_offset);
	ck_assert_ptr_ne((void *)table, MAP_FAILED);
	log = mmap(NULL, q.c.cmdlog_mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   q.c.cmdlog_mmap_offset);
	ck_assert_ptr_ne(log, MAP_FAILED);
	table[0] = 0x1234;
	io_sqe(sqe, OPC_IO_READ, NSID, 0, 1, b.a.iova, 0);
	ck_assert_int_eq(qpair_sync(&q, sqe), 0);
	/* Outstanding at the unbind: a command the device holds (an AER). */
	sqe_init(sqe, OPC_AER, 0, 0, 0);
	ck_assert_int_eq(submit(fd, sqe, 0, 0, 0, 0, 1, NULL), 0);

	ck_assert_int_eq(sysfs_write(DRIVER_DIR "/unbind", bdf), 0);
	ck_assert_int_eq(delete_qpair(fd, q.c.qid, &d), -ENODEV);
	ck_assert_int_eq(create_qpair(fd, 0, DEPTH, 0, 0, &c), -ENODEV);
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_MAP_IRQS, &mi), -ENODEV);
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_MAP_CRC_TABLE, &mt), -ENODEV);

	/* Every mapping is still memory. */
	ck_assert_uint_eq(q.sq[0] & 0xff, OPC_IO_READ);
	q.sq[16] = 0x5a5a5a5a;
	ck_assert_uint_eq(q.cq[3] >> 16 & 1, 1);
	q.cq[8] = 7;
	q.db[q.c.sq_db_offset / 4] = 1;		/* rings nothing */
	ck_assert_uint_eq(q.db[q.c.sq_db_offset / 4], 1);	/* a page of memory now */
	v = counters[1];
	counters[1] = v + 1;
	ck_assert_uint_eq(table[0], 0x1234);
	table[4096] = 0x4321;			/* a new page, still made */
	ck_assert_uint_eq(table[4096], 0x4321);
	ck_assert_uint_eq(log->magic, NVT_CMDLOG_MAGIC);
	log->next = 3;

	close(fd);
	fd = -1;
	ck_assert_uint_eq(q.sq[16], 0x5a5a5a5a);
	ck_assert_uint_eq(table[4096], 0x4321);
	qpair_unmap(&q);
	munmap((void *)counters, mi.mmap_size);
	munmap((void *)table, mt.table_mmap_size);
	munmap(log, q.c.cmdlog_mmap_size);
	munmap(b.p, b.a.mmap_size);

	ck_assert_int_eq(sysfs_write("/sys/bus/pci/drivers_probe", bdf), 0);
	fd = dev_open();
	/* The unbind disabled the controller: it lets go of the freed queues. */
	ck_assert_int_eq(reg_read(fd, 4, REG_CC, &v), 0);
	ck_assert_uint_eq(v & CC_EN, 0);
	ck_assert_int_eq(reg_read(fd, 4, REG_CSTS, &v), 0);
	ck_assert_uint_eq(v & CSTS_RDY, 0);
	nstash = 0;
	ctrl_init(fd, DEPTH);
	ck_assert_int_eq(set_nr_queues(fd, 16), 16);
	q = qpair_new(fd, 0, DEPTH, NVT_QPAIR_F_IEN, 1);
	b = buf_new(fd, 4096);
	io_sqe(sqe, OPC_IO_READ, NSID, 0, 1, b.a.iova, 0);
	ck_assert_int_eq(qpair_sync(&q, sqe), 0);
	/* The new binding's table starts empty. */
	mt.flags = 0;
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_MAP_CRC_TABLE, &mt), 0);
	ck_assert_uint_eq(mt.pages, 0);
	buf_del(fd, &b);
	qpair_del(&q);
}
END_TEST

static Suite *qpair_suite(void)
{
	Suite *s = suite_create("qpair");
	TCase *tc;

	tc = tcase_create("create");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_get_info_reports_io_features);
	tcase_add_test(tc, test_create_gives_rings_doorbells_and_cmdlog);
	tcase_add_test(tc, test_every_granted_queue_then_enospc);
	tcase_add_test(tc, test_unknown_grant_lets_the_device_answer);
	tcase_add_test(tc, test_sq_refused_deletes_the_cq);
	tcase_add_test(tc, test_create_output_is_overwritten);
	tcase_add_loop_test(tc, test_create_bad_fields_are_einval, 0, 15);
	tcase_add_test(tc, test_create_with_controller_disabled_is_enxio);
	tcase_add_test(tc, test_create_unwritable_argument_is_efault_and_creates_nothing);
	suite_add_tcase(s, tc);

	tc = tcase_create("io");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_write_then_read_back);
	tcase_add_test(tc, test_read_at_buffer_offset);
	tcase_add_test(tc, test_prp_list_up_to_mdts);
	tcase_add_loop_test(tc, test_depth_extremes, 0, 2);
	tcase_add_test(tc, test_many_commands_in_flight);
	suite_add_tcase(s, tc);

	tc = tcase_create("delete");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_delete_then_the_queue_is_gone);
	tcase_add_loop_test(tc, test_delete_bad_fields, 0, 10);
	tcase_add_test(tc, test_other_file_cannot_delete_or_map_rings_but_reads_cmdlog);
	tcase_add_test(tc, test_mappings_beyond_or_private_are_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("lifetime");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_reset_makes_qpairs_stale);
	tcase_add_test(tc, test_delete_with_controller_disabled_is_enxio);
	tcase_add_test(tc, test_close_deletes_the_files_qpairs);
	tcase_add_test(tc, test_freed_buffer_memory_is_kept_while_qpairs_live);
	suite_add_tcase(s, tc);

	tc = tcase_create("unbind");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_unbind_with_qpairs_counters_and_tables_mapped);
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	return run_suite_with_bdf(qpair_suite(), bdf, sizeof(bdf));
}
