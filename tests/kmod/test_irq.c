// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Interrupts of nvmetest.ko's IO queues against QEMU's emulated controller
 * (MSI-X, 65 vectors), with raw ioctls: the counter page of MAP_IRQS, an IO
 * completion counted on its CQ's vector (and the CQ entry left alone),
 * CTL_IRQ mask and unmask (the MSI-X mask bit, the pending interrupt
 * arriving at the unmask, idempotence), eventfds, vector 0 shared with an
 * IO CQ, and every bad field.
 *
 * Every test starts from a fresh init of /dev/nvmetest0 (or $NVT_DEV), with
 * vectors 1-16 unmasked and without eventfds.
 *
 * Run: tests/vm/run [--kernel 6.1|6.12] -- build/tests/kmod/test_irq
 */
#include <poll.h>
#include <sys/eventfd.h>

#include "kmod_test.h"

#define DEPTH 32
#define NSID 1

static int fd = -1;
static struct nvt_ioctl_map_irqs irqs;
static volatile uint64_t *counters;

static int ctl_irq(int f, uint32_t flags, uint32_t vector, uint32_t efd)
{
	struct nvt_ioctl_ctl_irq c = { .flags = flags, .vector = vector, .eventfd = efd };

	return xioctl(f, NVT_IOCTL_CTL_IRQ, &c);
}

static void setup(void)
{
	fd = dev_open();
	nstash = 0;
	ctrl_init(fd, DEPTH);
	ck_assert_int_eq(set_nr_queues(fd, 16), 16);
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_MAP_IRQS, &irqs), 0);
	counters = mmap(NULL, irqs.mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			irqs.mmap_offset);
	ck_assert_ptr_ne((void *)counters, MAP_FAILED);
	for (uint32_t v = 1; v <= 16; v++) {
		ck_assert_int_eq(ctl_irq(fd, NVT_IRQ_F_UNMASK, v, 0), 0);
		ck_assert_int_eq(ctl_irq(fd, NVT_IRQ_F_EVENTFD, v, 0xffffffff), 0);
	}
}

static void teardown(void)
{
	if (fd >= 0)
		close(fd);
}

/* BAR0 offset of MSI-X table entry @v's Vector Control, or 0 without MSI-X in BAR0. */
static uint64_t msix_vector_ctrl(uint32_t v)
{
	uint64_t val, cap, table;

	ck_assert_int_eq(cfg_read(fd, 1, PCI_CAPABILITY_LIST, &cap), 0);
	while (cap) {
		ck_assert_int_eq(cfg_read(fd, 1, cap, &val), 0);
		if (val == PCI_CAP_ID_MSIX)
			break;
		ck_assert_int_eq(cfg_read(fd, 1, cap + 1, &cap), 0);
	}
	if (!cap || cfg_read(fd, 4, cap + PCI_MSIX_TABLE, &table) || (table & PCI_MSIX_TABLE_BIR))
		return 0;
	return (table & PCI_MSIX_TABLE_OFFSET) + v * PCI_MSIX_ENTRY_SIZE +
	       PCI_MSIX_ENTRY_VECTOR_CTRL;
}

static bool msix_masked(uint32_t v)
{
	uint64_t off = msix_vector_ctrl(v), vc;

	ck_assert_msg(off, "no MSI-X table in BAR0");
	ck_assert_int_eq(reg_read(fd, 4, off, &vc), 0);
	return vc & PCI_MSIX_ENTRY_CTRL_MASKBIT;
}

/* Waits up to @ms for counters[@v] to reach @min; returns its value. */
static uint64_t wait_counter(uint32_t v, uint64_t min, int ms)
{
	for (int i = 0; i < ms && counters[v] < min; i++)
		usleep(1000);
	return counters[v];
}

/* Submits a read on @q and waits for its completion entry (without reaping it). */
static void submit_read(struct test_qpair *q, struct test_buf *b, uint16_t cid)
{
	uint32_t sqe[16];

	io_sqe(sqe, OPC_IO_READ, NSID, 0, 1, b->a.iova, 0);
	qpair_submit(q, sqe, cid);
	for (int i = 0; i < 10000 && !qpair_cq_ready(q); i++)
		usleep(1000);
	ck_assert(qpair_cq_ready(q));
}

static void reap_ok(struct test_qpair *q)
{
	uint32_t cqe[4];

	ck_assert_int_eq(qpair_reap(q, cqe, 10000, true), 0);
	ck_assert_uint_eq(cqe_status(cqe), 0);
}

/* ---- MAP_IRQS ---- */

START_TEST(test_map_irqs_reports_msix_vectors)
{
	struct nvt_ioctl_map_irqs m;

	memset(&m, 0xff, sizeof(m));
	m.flags = 0;
	memset(m.reserved, 0, sizeof(m.reserved));
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_MAP_IRQS, &m), 0);
	ck_assert_uint_eq(m.irq_type, NVT_IRQ_TYPE_MSIX);
	ck_assert_uint_eq(m.nr_vectors, 65);	/* QEMU's msix_qsize */
	ck_assert_uint_eq(m.pad0, 0);
	ck_assert_uint_eq(m.mmap_size, 4096);
	ck_assert_uint_eq(m.mmap_offset % 4096, 0);
	ck_assert_uint_eq(m.mmap_offset, irqs.mmap_offset);
}
END_TEST

START_TEST(test_map_irqs_bad_fields_are_einval)
{
	struct nvt_ioctl_map_irqs m = { 0 };

	if (_i == 0)
		m.flags = 1;
	else if (_i == 1)
		m.flags = 0x80000000u;
	else
		m.reserved[_i - 2] = 1;
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_MAP_IRQS, &m), -EINVAL);
	ck_assert_uint_eq(m.mmap_offset, 0);
}
END_TEST

START_TEST(test_counter_mapping_rules)
{
	void *p = mmap(NULL, irqs.mmap_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd,
		       irqs.mmap_offset);

	ck_assert_ptr_eq(p, MAP_FAILED);
	ck_assert_int_eq(errno, EINVAL);
	p = mmap(NULL, irqs.mmap_size + 4096, PROT_READ, MAP_SHARED, fd, irqs.mmap_offset);
	ck_assert_ptr_eq(p, MAP_FAILED);
	ck_assert_int_eq(errno, EINVAL);
	/* A second mapping shows the same counters. */
	p = mmap(NULL, irqs.mmap_size, PROT_READ, MAP_SHARED, fd, irqs.mmap_offset);
	ck_assert_ptr_ne(p, MAP_FAILED);
	counters[5] = 555;
	ck_assert_uint_eq(((volatile uint64_t *)p)[5], 555);
	counters[5] = 0;
	munmap(p, irqs.mmap_size);
}
END_TEST

/* ---- counting ---- */

/* The completion is counted on its vector, and its CQ entry is left for the reaper. */
START_TEST(test_io_interrupt_counts_on_its_vector)
{
	struct test_qpair q = qpair_new(fd, 0, DEPTH, NVT_QPAIR_F_IEN, 1);
	struct test_buf b = buf_new(fd, 4096);
	uint64_t others[65];

	counters[1] = 0;
	for (uint32_t v = 2; v < irqs.nr_vectors; v++)
		others[v] = counters[v];
	submit_read(&q, &b, 1);
	ck_assert_uint_ge(wait_counter(1, 1, 2000), 1);
	/* The handler never consumed the entry: it is still new, still at the head. */
	ck_assert(qpair_cq_ready(&q));
	reap_ok(&q);
	for (int i = 0; i < 5; i++) {
		submit_read(&q, &b, 2 + i);
		reap_ok(&q);
	}
	ck_assert_uint_ge(wait_counter(1, 6, 2000), 6);
	for (uint32_t v = 2; v < irqs.nr_vectors; v++)
		ck_assert_msg(counters[v] == others[v], "vector %u counted", v);
	buf_del(fd, &b);
	qpair_del(&q);
}
END_TEST

START_TEST(test_counters_clear_by_writing)
{
	struct test_qpair q = qpair_new(fd, 0, DEPTH, NVT_QPAIR_F_IEN, 2);
	struct test_buf b = buf_new(fd, 4096);

	counters[2] = 12345;
	ck_assert_uint_eq(counters[2], 12345);
	counters[2] = 0;
	ck_assert_uint_eq(counters[2], 0);
	submit_read(&q, &b, 1);
	reap_ok(&q);
	ck_assert_uint_eq(wait_counter(2, 1, 2000), 1);
	buf_del(fd, &b);
	qpair_del(&q);
}
END_TEST

/* Vector 0 is the admin queue's; an IO CQ may use it too, and both work. */
START_TEST(test_vector_0_shared_by_admin_and_io)
{
	struct test_qpair q = qpair_new(fd, 0, DEPTH, NVT_QPAIR_F_IEN, 0);
	struct test_buf b = buf_new(fd, 4096);
	uint64_t before = counters[0];

	submit_read(&q, &b, 1);
	reap_ok(&q);
	ck_assert_uint_gt(wait_counter(0, before + 1, 2000), before);
	before = counters[0];
	ck_assert_int_eq(identify(fd, 1, b.a.handle, 0), 0);
	ck_assert_uint_gt(wait_counter(0, before + 1, 2000), before);
	buf_del(fd, &b);
	qpair_del(&q);
}
END_TEST

/* ---- mask and unmask ---- */

/* Masked: the MSI-X mask bit is set, nothing is counted; the unmask brings the pending one. */
START_TEST(test_mask_holds_interrupts_and_unmask_delivers_the_pending_one)
{
	struct test_qpair q = qpair_new(fd, 0, DEPTH, NVT_QPAIR_F_IEN, 3);
	struct test_buf b = buf_new(fd, 4096);

	ck_assert(!msix_masked(3));
	ck_assert_int_eq(ctl_irq(fd, NVT_IRQ_F_MASK, 3, 0), 0);
	ck_assert(msix_masked(3));
	counters[3] = 0;
	for (int i = 0; i < 3; i++) {
		submit_read(&q, &b, 1 + i);
		reap_ok(&q);
	}
	usleep(300000);
	ck_assert_uint_eq(counters[3], 0);
	ck_assert_int_eq(ctl_irq(fd, NVT_IRQ_F_UNMASK, 3, 0), 0);
	ck_assert(!msix_masked(3));
	/* One message for what was pending, however many completions. */
	ck_assert_uint_eq(wait_counter(3, 1, 2000), 1);
	usleep(200000);
	ck_assert_uint_eq(counters[3], 1);
	submit_read(&q, &b, 9);
	reap_ok(&q);
	ck_assert_uint_eq(wait_counter(3, 2, 2000), 2);
	buf_del(fd, &b);
	qpair_del(&q);
}
END_TEST

/* Unbalanced calls: a second mask is no deeper, an unmask of an unmasked vector is a no-op. */
START_TEST(test_mask_and_unmask_are_idempotent)
{
	struct test_qpair q = qpair_new(fd, 0, DEPTH, NVT_QPAIR_F_IEN, 4);
	struct test_buf b = buf_new(fd, 4096);

	ck_assert_int_eq(ctl_irq(fd, NVT_IRQ_F_UNMASK, 4, 0), 0);
	ck_assert(!msix_masked(4));
	ck_assert_int_eq(ctl_irq(fd, NVT_IRQ_F_MASK, 4, 0), 0);
	ck_assert_int_eq(ctl_irq(fd, NVT_IRQ_F_MASK, 4, 0), 0);
	ck_assert(msix_masked(4));
	ck_assert_int_eq(ctl_irq(fd, NVT_IRQ_F_UNMASK, 4, 0), 0);
	ck_assert(!msix_masked(4));
	counters[4] = 0;
	submit_read(&q, &b, 1);
	reap_ok(&q);
	ck_assert_uint_eq(wait_counter(4, 1, 2000), 1);
	buf_del(fd, &b);
	qpair_del(&q);
}
END_TEST

/* A vector masked before any CQ uses it (CTL_IRQ installs its handler). */
START_TEST(test_mask_before_the_queue_exists)
{
	struct test_qpair q;
	struct test_buf b = buf_new(fd, 4096);

	ck_assert_int_eq(ctl_irq(fd, NVT_IRQ_F_MASK, 9, 0), 0);
	ck_assert(msix_masked(9));
	q = qpair_new(fd, 0, DEPTH, NVT_QPAIR_F_IEN, 9);
	counters[9] = 0;
	submit_read(&q, &b, 1);
	reap_ok(&q);
	usleep(200000);
	ck_assert_uint_eq(counters[9], 0);
	ck_assert_int_eq(ctl_irq(fd, NVT_IRQ_F_UNMASK, 9, 0), 0);
	ck_assert_uint_eq(wait_counter(9, 1, 2000), 1);
	buf_del(fd, &b);
	qpair_del(&q);
}
END_TEST

/* ---- eventfd ---- */

static bool efd_readable(int efd, int ms)
{
	struct pollfd p = { .fd = efd, .events = POLLIN };

	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

START_TEST(test_eventfd_signalled_per_interrupt)
{
	struct test_qpair q = qpair_new(fd, 0, DEPTH, NVT_QPAIR_F_IEN, 1);
	struct test_buf b = buf_new(fd, 4096);
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC), f2;
	uint64_t v;

	ck_assert_int_ge(efd, 0);
	ck_assert_int_eq(ctl_irq(fd, NVT_IRQ_F_EVENTFD, 1, efd), 0);
	ck_assert(!efd_readable(efd, 0));
	submit_read(&q, &b, 1);
	ck_assert(efd_readable(efd, 2000));
	ck_assert_int_eq(read(efd, &v, sizeof(v)), sizeof(v));
	ck_assert_uint_ge(v, 1);
	reap_ok(&q);

	/* Detached: no more signals. */
	ck_assert_int_eq(ctl_irq(fd, NVT_IRQ_F_EVENTFD, 1, 0xffffffff), 0);
	submit_read(&q, &b, 2);
	reap_ok(&q);
	ck_assert(!efd_readable(efd, 300));

	/* Attached through another file, detached when that file is closed. */
	f2 = dev_open();
	ck_assert_int_eq(ctl_irq(f2, NVT_IRQ_F_EVENTFD, 1, efd), 0);
	submit_read(&q, &b, 3);
	reap_ok(&q);
	ck_assert(efd_readable(efd, 2000));
	ck_assert_int_eq(read(efd, &v, sizeof(v)), sizeof(v));
	close(f2);
	submit_read(&q, &b, 4);
	reap_ok(&q);
	ck_assert(!efd_readable(efd, 300));
	close(efd);
	buf_del(fd, &b);
	qpair_del(&q);
}
END_TEST

/* ---- CTL_IRQ: bad fields ---- */

START_TEST(test_ctl_irq_bad_fields)
{
	struct nvt_ioctl_ctl_irq c = { .flags = NVT_IRQ_F_MASK, .vector = 1 };
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	int want = -EINVAL;

	ck_assert_int_ge(devnull, 0);
	switch (_i) {
	case 0: c.flags = 0; break;
	case 1: c.flags = NVT_IRQ_F_MASK | NVT_IRQ_F_UNMASK; break;
	case 2: c.flags = NVT_IRQ_F_UNMASK | NVT_IRQ_F_EVENTFD; break;
	case 3: c.flags = 8; break;
	case 4: c.flags = 0x80000000u; break;
	case 5: c.vector = 0; break;
	case 6: c.vector = irqs.nr_vectors; break;
	case 7: c.vector = 0xffffffff; break;
	case 8: c.pad0 = 1; break;
	case 9: c.reserved[0] = 1; break;
	case 10: c.reserved[1] = 1; break;
	case 11: c.eventfd = 3; break;			/* without NVT_IRQ_F_EVENTFD */
	case 12: c.flags = NVT_IRQ_F_EVENTFD; c.eventfd = devnull; want = -EBADF; break;
	case 13: c.flags = NVT_IRQ_F_EVENTFD; c.eventfd = fd; want = -EBADF; break;
	case 14: c.flags = NVT_IRQ_F_EVENTFD; c.eventfd = 9999; want = -EBADF; break;
	default: c.flags = NVT_IRQ_F_EVENTFD; c.eventfd = 0xfffffffe; want = -EBADF; break;
	}
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_CTL_IRQ, &c), want);
	ck_assert(!msix_masked(1));
	close(devnull);
}
END_TEST

static Suite *irq_suite(void)
{
	Suite *s = suite_create("irq");
	TCase *tc;

	tc = tcase_create("map");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_map_irqs_reports_msix_vectors);
	tcase_add_loop_test(tc, test_map_irqs_bad_fields_are_einval, 0, 5);
	tcase_add_test(tc, test_counter_mapping_rules);
	suite_add_tcase(s, tc);

	tc = tcase_create("count");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_io_interrupt_counts_on_its_vector);
	tcase_add_test(tc, test_counters_clear_by_writing);
	tcase_add_test(tc, test_vector_0_shared_by_admin_and_io);
	suite_add_tcase(s, tc);

	tc = tcase_create("mask");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_mask_holds_interrupts_and_unmask_delivers_the_pending_one);
	tcase_add_test(tc, test_mask_and_unmask_are_idempotent);
	tcase_add_test(tc, test_mask_before_the_queue_exists);
	suite_add_tcase(s, tc);

	tc = tcase_create("eventfd");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_eventfd_signalled_per_interrupt);
	tcase_add_loop_test(tc, test_ctl_irq_bad_fields, 0, 16);
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	require_device();
	return run_suite(irq_suite());
}
