// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The admin queue of nvmetest.ko against QEMU's emulated controller, with
 * raw ioctls: the init of NVMe 1.4 section 7.6.1 done by hand
 * (NVT_IOCTL_SETUP_ADMIN between CC writes), commands and their PRPs,
 * completions (reap and poll), host timeouts, cancellation by reset, by
 * close and by unbind, the command log, and the netlink events.
 *
 * Every test starts from a fresh init of /dev/nvmetest0 (or $NVT_DEV) with
 * a 32-entry admin queue, and leaves the controller bound.
 *
 * Run: tests/vm/run [--kernel 6.1|6.12] -- build/tests/kmod/test_admin
 */
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <sys/wait.h>

#include "kmod_test.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define DEPTH 32

static int fd = -1;
static struct nvt_ioctl_get_info info;
static char bdf[32];		/* set by main() */

/* BAR0 offset of MSI-X table entry 0's Vector Control, or 0 without MSI-X. */
static uint64_t msix_vector0_ctrl(int f)
{
	uint64_t v, cap, table;

	if (cfg_read(f, 1, PCI_CAPABILITY_LIST, &cap))
		return 0;
	while (cap) {
		if (cfg_read(f, 1, cap, &v))
			return 0;
		if (v == PCI_CAP_ID_MSIX)
			break;
		if (cfg_read(f, 1, cap + 1, &cap))
			return 0;
	}
	if (!cap || cfg_read(f, 4, cap + PCI_MSIX_TABLE, &table) ||
	    (table & PCI_MSIX_TABLE_BIR))
		return 0;
	return (table & PCI_MSIX_TABLE_OFFSET) + PCI_MSIX_ENTRY_VECTOR_CTRL;
}

/*
 * A failed assertion ends a test at once (Check's fork mode skips the
 * teardown), so the setup undoes what a test may have left: an unbound
 * controller, a masked interrupt.
 */
static void setup(void)
{
	uint64_t vc_off, vc;

	if (!bdf_is_bound(bdf))
		sysfs_write("/sys/bus/pci/drivers_probe", bdf);
	fd = dev_open();
	ck_assert_int_eq(get_info(fd, &info), 0);
	vc_off = msix_vector0_ctrl(fd);
	if (vc_off && !reg_read(fd, 4, vc_off, &vc) && (vc & PCI_MSIX_ENTRY_CTRL_MASKBIT))
		reg_write(fd, 4, vc_off, vc & ~PCI_MSIX_ENTRY_CTRL_MASKBIT);
	reg_write(fd, 4, REG_INTMC, 0xffffffff);
	nstash = 0;
	ctrl_init(fd, DEPTH);
}

static void teardown(void)
{
	if (fd >= 0)
		close(fd);
}

static const char *expected_serial(void)
{
	static char sn[32];

	snprintf(sn, sizeof(sn), "NVT%08u", info.out.minor);
	return sn;
}

/* An ASCII field of Identify data, trailing spaces cut. */
static void id_string(char *dst, const unsigned char *src, size_t len)
{
	memcpy(dst, src, len);
	while (len && dst[len - 1] == ' ')
		len--;
	dst[len] = 0;
}

/* ---- GET_INFO ---- */

START_TEST(test_get_info_reports_admin_features)
{
	const uint64_t want = NVT_FEATURE_DMABUF | NVT_FEATURE_ADMIN |
			      NVT_FEATURE_CMDLOG | NVT_FEATURE_EVENTS | NVT_FEATURE_QPAIR |
			      NVT_FEATURE_IRQ | NVT_FEATURE_CRC;

	ck_assert_uint_eq(info.out.features & want, want);
}
END_TEST

/* ---- SETUP_ADMIN ---- */

START_TEST(test_setup_admin_with_controller_enabled_is_ebusy)
{
	uint64_t cc;

	ck_assert_int_eq(setup_admin(fd, DEPTH, DEPTH), -EBUSY);
	/* Nothing changed: the queue still works. */
	ck_assert_int_eq(reg_read(fd, 4, REG_CC, &cc), 0);
	ck_assert_uint_eq(cc & CC_EN, 1);
	{
		struct test_buf b = buf_new(fd, 4096);

		ck_assert_int_eq(identify(fd, 1, b.a.handle, 0), 0);
		buf_del(fd, &b);
	}
}
END_TEST

START_TEST(test_setup_admin_bad_fields_are_einval)
{
	struct nvt_ioctl_setup_admin s = { .sq_depth = DEPTH, .cq_depth = DEPTH };
	static const uint16_t bad_depth[] = { 0, 1, NVT_ADMIN_MAX_DEPTH + 1, 0xffff };

	ck_assert_int_eq(ctrl_disable(fd), 0);
	switch (_i) {
	case 0:
		s.flags = 1;
		break;
	case 1:
		s.flags = 0x80000000u;
		break;
	case 2: case 3: case 4:
		s.reserved[_i - 2] = 1;
		break;
	case 5: case 6: case 7: case 8:
		s.sq_depth = bad_depth[_i - 5];
		break;
	default:
		s.cq_depth = bad_depth[_i - 9];
		break;
	}
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_SETUP_ADMIN, &s), -EINVAL);
}
END_TEST

START_TEST(test_setup_admin_programs_aqa_asq_acq)
{
	uint64_t aqa, asq, acq;

	ck_assert_int_eq(ctrl_disable(fd), 0);
	ck_assert_int_eq(setup_admin(fd, 64, 16), 0);
	ck_assert_int_eq(reg_read(fd, 4, REG_AQA, &aqa), 0);
	ck_assert_uint_eq(aqa, (16 - 1) << 16 | (64 - 1));
	ck_assert_int_eq(reg_read(fd, 8, REG_ASQ, &asq), 0);
	ck_assert_int_eq(reg_read(fd, 8, REG_ACQ, &acq), 0);
	ck_assert_uint_ne(asq, 0);
	ck_assert_uint_ne(acq, 0);
	ck_assert_uint_eq(asq % 4096, 0);
	ck_assert_uint_eq(acq % 4096, 0);
	ck_assert_uint_ne(asq, acq);
	ck_assert_int_eq(ctrl_enable(fd), 0);
	{
		struct test_buf b = buf_new(fd, 4096);

		ck_assert_int_eq(identify(fd, 1, b.a.handle, 0), 0);
		buf_del(fd, &b);
	}
}
END_TEST

/* The largest queue NVMe allows, and the smallest (one command at a time). */
START_TEST(test_setup_admin_extreme_depths_work)
{
	static const uint16_t depth[] = { NVT_ADMIN_MAX_DEPTH, 2 };
	struct test_buf b = buf_new(fd, 4096);

	ck_assert_int_eq(ctrl_disable(fd), 0);
	ck_assert_int_eq(setup_admin(fd, depth[_i], depth[_i]), 0);
	ck_assert_int_eq(ctrl_enable(fd), 0);
	/* Enough commands to wrap the small queue many times. */
	for (int i = 0; i < 10; i++)
		ck_assert_int_eq(identify(fd, 1, b.a.handle, 0), 0);
	buf_del(fd, &b);
}
END_TEST

/* ---- commands ---- */

START_TEST(test_identify_controller_reports_qemu)
{
	struct test_buf b = buf_new(fd, 4096);
	struct nvt_completion c;
	uint64_t before = now_ns();
	uint32_t sqe[16];
	char sn[21], mn[41];
	uint16_t cid;

	sqe_init(sqe, OPC_IDENTIFY, 0, 1, 0);
	ck_assert_int_eq(submit(fd, sqe, b.a.handle, 0, 4096, 0, 0x1234567890abcdefull, &cid), 0);
	ck_assert_int_eq(reap_tag(fd, 0x1234567890abcdefull, 10000, &c), 0);
	ck_assert_uint_eq(cpl_status(&c), 0);
	ck_assert_uint_eq(c.flags, 0);
	ck_assert_uint_eq(c.cid, cid);
	ck_assert_uint_eq(c.cqe[3] & 0xffff, cid);
	ck_assert_uint_eq(c.sqid, 0);
	ck_assert_uint_ge(c.submit_ns, before);
	ck_assert_uint_ge(c.complete_ns, c.submit_ns);
	ck_assert_uint_le(c.complete_ns, now_ns());

	id_string(sn, b.p + 4, 20);
	id_string(mn, b.p + 24, 40);
	ck_assert_str_eq(sn, expected_serial());
	ck_assert_str_eq(mn, "QEMU NVMe Ctrl");
	/* VID and SSVID (bytes 3:0) are the PCI ids. */
	ck_assert_uint_eq(b.p[0] | b.p[1] << 8, info.out.vendor_id);
	buf_del(fd, &b);
}
END_TEST

START_TEST(test_identify_fills_netlink_serial_and_model)
{
	struct test_buf b = buf_new(fd, 4096);
	struct genl_ctrl c;

	ck_assert_int_eq(identify(fd, 1, b.a.handle, 0), 0);
	c = genl_ctrl_of(info.out.minor);
	ck_assert(c.has_serial && c.has_model);
	ck_assert_str_eq(c.serial, expected_serial());
	ck_assert_str_eq(c.model, "QEMU NVMe Ctrl");
	buf_del(fd, &b);
}
END_TEST

/* An unaligned PRP1 with the data crossing into PRP2's page. */
START_TEST(test_identify_at_unaligned_offset_works)
{
	static const uint64_t offsets[] = { 0x100, 0x804, 0xffc };
	struct test_buf b = buf_new(fd, 3 * 4096);
	uint64_t off = offsets[_i];

	memset(b.p, 0xa5, b.a.mmap_size);
	ck_assert_int_eq(identify(fd, 1, b.a.handle, 0), 0);
	ck_assert_int_eq(identify(fd, 1, b.a.handle, 4096 + off), 0);
	ck_assert_mem_eq(b.p + 4096 + off, b.p, 4096);
	/* Nothing around the range was touched. */
	ck_assert_uint_eq(b.p[4096 + off - 1], 0xa5);
	ck_assert_uint_eq(b.p[2 * 4096 + off], 0xa5);
	buf_del(fd, &b);
}
END_TEST

/* A 64 KiB range needs a PRP list; QEMU transfers the 4 KiB log page. */
START_TEST(test_get_log_page_into_64k_uses_prp_list)
{
	struct test_buf b = buf_new(fd, 64 * 1024);
	struct nvt_ioctl_map_cmdlog m = { .qid = 0 };
	const struct nvt_cmdlog_header *h;
	const struct nvt_cmdlog_entry *e;
	struct nvt_completion c;
	uint32_t sqe[16], acs_identify;
	uint64_t prp1, prp2;

	memset(b.p, 0xa5, b.a.mmap_size);
	/* Commands Supported and Effects (05h), NUMD = 16K dwords - 1. */
	sqe_init(sqe, OPC_GET_LOG_PAGE, 0xffffffff, 0x05 | (16384 - 1) << 16, 0);
	ck_assert_int_eq(admin_sync(fd, sqe, b.a.handle, 0, 64 * 1024, &c), 0);
	ck_assert_uint_eq(cpl_status(&c), 0);
	memcpy(&acs_identify, b.p + 4 * OPC_IDENTIFY, 4);
	ck_assert_uint_eq(acs_identify & 1, 1);	/* CSUPP */
	ck_assert_uint_eq(b.p[4096], 0xa5);
	ck_assert_uint_eq(b.p[64 * 1024 - 1], 0xa5);

	/* The SQE as sent: PRP1 the buffer, PRP2 a list pointer elsewhere. */
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_MAP_CMDLOG, &m), 0);
	h = mmap(NULL, m.mmap_size, PROT_READ, MAP_SHARED, fd, m.mmap_offset);
	ck_assert_ptr_ne(h, MAP_FAILED);
	e = (const struct nvt_cmdlog_entry *)(h + 1) + (h->next - 1) % h->nr_entries;
	ck_assert_uint_eq(e->sqe[0] & 0xff, OPC_GET_LOG_PAGE);
	prp1 = e->sqe[6] | (uint64_t)e->sqe[7] << 32;
	prp2 = e->sqe[8] | (uint64_t)e->sqe[9] << 32;
	ck_assert_uint_eq(prp1, b.a.iova);
	ck_assert_uint_ne(prp2, 0);
	ck_assert_uint_eq(prp2 % 4096, 0);
	ck_assert(prp2 < b.a.iova || prp2 >= b.a.iova + b.a.mmap_size);
	munmap((void *)h, m.mmap_size);
	buf_del(fd, &b);
}
END_TEST

/* The SQE of the newest command in the admin command log. */
static const struct nvt_cmdlog_entry *last_entry(const struct nvt_cmdlog_header *h)
{
	return (const struct nvt_cmdlog_entry *)(h + 1) + (h->next - 1) % h->nr_entries;
}

static uint64_t entry_prp(const struct nvt_cmdlog_entry *e, int n)
{
	return e->sqe[6 + 2 * n] | (uint64_t)e->sqe[7 + 2 * n] << 32;
}

/* A kernel page: not 0, memory page aligned, outside the buffer. */
static void assert_kernel_page(uint64_t prp, const struct test_buf *b)
{
	ck_assert_uint_ne(prp, 0);
	ck_assert_uint_eq(prp % 4096, 0);
	ck_assert(prp + 4096 <= b->a.iova || prp >= b->a.iova + b->a.mmap_size);
}

/*
 * PRP2 is always a kernel-owned list (the range's pages, then the sink) so
 * that no device transfer goes beyond the range; without data PRP1 is the
 * sink. A range that crosses exactly one page boundary has its second page
 * in PRP2 only for a host-to-controller command (opcode bits 01b): the
 * device can only read there.
 */
START_TEST(test_prp_entries_as_sent)
{
	struct test_buf b = buf_new(fd, 4 * 4096);
	struct nvt_ioctl_map_cmdlog m = { .qid = 0 };
	const struct nvt_cmdlog_header *h;
	const struct nvt_cmdlog_entry *e;
	uint32_t sqe[16];
	struct nvt_completion c;
	uint64_t sink, list;

	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_MAP_CMDLOG, &m), 0);
	h = mmap(NULL, m.mmap_size, PROT_READ, MAP_SHARED, fd, m.mmap_offset);
	ck_assert_ptr_ne(h, MAP_FAILED);

	/* Get Features Arbitration: no data; PSDT and MPTR given are cleared. */
	sqe_init(sqe, OPC_GET_FEATURES, 0, 0x01, 0);
	sqe[0] |= 3 << 14 | 0xabcd0000u;
	sqe[4] = 0x11111111;
	sqe[5] = 0x22222222;
	sqe[6] = 0x33333333;
	sqe[9] = 0x44444444;
	sqe[2] = 0x55555555;	/* CDW2-3 go as given */
	ck_assert_int_eq(admin_sync(fd, sqe, 0, 0, 0, &c), 0);
	e = last_entry(h);
	ck_assert_uint_eq(e->sqe[0], OPC_GET_FEATURES | (uint32_t)c.cid << 16);
	ck_assert_uint_eq(e->sqe[4], 0);
	ck_assert_uint_eq(e->sqe[5], 0);
	sink = entry_prp(e, 0);
	assert_kernel_page(sink, &b);
	assert_kernel_page(entry_prp(e, 1), &b);
	ck_assert_uint_ne(entry_prp(e, 1), sink);
	ck_assert_uint_eq(e->sqe[2], 0x55555555);
	ck_assert_uint_eq(e->sqe[10], 0x01);

	/* Again: the same sink, a list page of the command's own. */
	ck_assert_int_eq(admin_sync(fd, sqe, 0, 0, 0, &c), 0);
	ck_assert_uint_eq(entry_prp(last_entry(h), 0), sink);

	/* One page at an offset: PRP2 a list of sink entries. */
	sqe_init(sqe, OPC_IDENTIFY, 0, 1, 0);
	ck_assert_int_eq(admin_sync(fd, sqe, b.a.handle, 4096, 4096, &c), 0);
	e = last_entry(h);
	ck_assert_uint_eq(entry_prp(e, 0), b.a.iova + 4096);
	list = entry_prp(e, 1);
	assert_kernel_page(list, &b);
	ck_assert_uint_ne(list, sink);

	/* Crossing one page boundary, controller to host: a list again. */
	ck_assert_int_eq(admin_sync(fd, sqe, b.a.handle, 4096 + 0x200, 4096, &c), 0);
	e = last_entry(h);
	ck_assert_uint_eq(entry_prp(e, 0), b.a.iova + 4096 + 0x200);
	assert_kernel_page(entry_prp(e, 1), &b);

	/* Crossing one page boundary, host to controller (Set Features): the second page. */
	sqe_init(sqe, OPC_SET_FEATURES, 0, 0x7f, 0);	/* no such feature: nothing changes */
	ck_assert_int_eq(admin_sync(fd, sqe, b.a.handle, 4096 + 0x200, 4096, &c), 0);
	e = last_entry(h);
	ck_assert_uint_eq(entry_prp(e, 0), b.a.iova + 4096 + 0x200);
	ck_assert_uint_eq(entry_prp(e, 1), b.a.iova + 2 * 4096);
	munmap((void *)h, m.mmap_size);
	buf_del(fd, &b);
}
END_TEST

/* Guest physical memory from address 0 (x86 lets root read the first 1 MiB). */
static bool read_low_memory(unsigned char *out, size_t len)
{
	int f = open("/dev/mem", O_RDONLY | O_CLOEXEC);
	bool ok;

	if (f < 0)
		return false;
	ok = pread(f, out, len, 0) == (ssize_t)len;
	close(f);
	return ok;
}

#define LOW_MEMORY (16 * 4096)

/*
 * A device that moves more than the range (Identify moves 4 KiB) into a
 * 16-byte range at the end of a buffer: 16 bytes land in the range, the
 * rest in the command's own PRP list page; physical address 0 and the
 * buffer outside the range are untouched.
 */
START_TEST(test_short_range_never_lets_the_device_write_outside)
{
	static unsigned char before[LOW_MEMORY], after[LOW_MEMORY];
	struct test_buf b = buf_new(fd, 4096), id = buf_new(fd, 4096);
	uint32_t sqe[16];
	struct nvt_completion c;

	ck_assert_msg(read_low_memory(before, sizeof(before)), "/dev/mem: %s", strerror(errno));
	ck_assert_int_eq(identify(fd, 1, id.a.handle, 0), 0);
	memset(b.p, 0x5a, 4096);
	sqe_init(sqe, OPC_IDENTIFY, 0, 1, 0);
	ck_assert_int_eq(admin_sync(fd, sqe, b.a.handle, 4096 - 16, 16, &c), 0);
	ck_assert_uint_eq(cpl_status(&c), 0);
	ck_assert_mem_eq(b.p + 4096 - 16, id.p, 16);
	for (int i = 0; i < 4096 - 16; i++)
		ck_assert_msg(b.p[i] == 0x5a, "byte %d: 0x%02x", i, b.p[i]);
	ck_assert(read_low_memory(after, sizeof(after)));
	ck_assert_msg(!memcmp(before, after, sizeof(after)), "low memory changed");
	ck_assert_ptr_null(memmem(after, sizeof(after), id.p + 4, 20));	/* the serial */
	buf_del(fd, &id);
	buf_del(fd, &b);
}
END_TEST

/*
 * Commands without a buffer whose device moves data anyway (Get Features
 * Timestamp: 8 bytes; Identify: 4 KiB): PRP1 is the sink, not address 0.
 */
START_TEST(test_no_buffer_data_goes_to_the_sink)
{
	static unsigned char before[LOW_MEMORY], after[LOW_MEMORY];
	struct test_buf id = buf_new(fd, 4096);
	struct nvt_completion c;
	uint32_t sqe[16];

	ck_assert_int_eq(identify(fd, 1, id.a.handle, 0), 0);
	ck_assert_msg(read_low_memory(before, sizeof(before)), "/dev/mem: %s", strerror(errno));
	sqe_init(sqe, OPC_GET_FEATURES, 0, 0x0e, 0);	/* Timestamp */
	ck_assert_int_eq(admin_sync(fd, sqe, 0, 0, 0, &c), 0);
	ck_assert_uint_eq(cpl_status(&c), 0);
	sqe_init(sqe, OPC_IDENTIFY, 0, 1, 0);
	ck_assert_int_eq(admin_sync(fd, sqe, 0, 0, 0, &c), 0);
	ck_assert_uint_eq(cpl_status(&c), 0);
	ck_assert(read_low_memory(after, sizeof(after)));
	ck_assert_msg(!memcmp(before, after, sizeof(after)), "low memory changed");
	ck_assert_ptr_null(memmem(after, sizeof(after), id.p + 4, 20));
	buf_del(fd, &id);
}
END_TEST

/*
 * A two-page range (controller to host) whose device moves less: nothing
 * of the range's second page changes when the device stays in the first,
 * and only what it moved when it crosses into the second (SMART log, 512
 * bytes, from 256 bytes before a page boundary).
 */
START_TEST(test_two_page_range_device_moving_less)
{
	struct test_buf b = buf_new(fd, 3 * 4096), ref = buf_new(fd, 4096);
	struct nvt_completion c;
	uint32_t sqe[16];

	memset(b.p, 0xa5, b.a.mmap_size);
	ck_assert_int_eq(identify(fd, 1, ref.a.handle, 0), 0);
	sqe_init(sqe, OPC_IDENTIFY, 0, 1, 0);
	ck_assert_int_eq(admin_sync(fd, sqe, b.a.handle, 0, 8192, &c), 0);
	ck_assert_uint_eq(cpl_status(&c), 0);
	ck_assert_mem_eq(b.p, ref.p, 4096);
	for (int i = 4096; i < 3 * 4096; i++)
		ck_assert_msg(b.p[i] == 0xa5, "byte %d: 0x%02x", i, b.p[i]);

	memset(b.p, 0xa5, b.a.mmap_size);
	sqe_init(sqe, OPC_GET_LOG_PAGE, 0xffffffff, 0x02 | (512 / 4 - 1) << 16, 0);
	ck_assert_int_eq(admin_sync(fd, sqe, ref.a.handle, 0, 512, &c), 0);
	ck_assert_uint_eq(cpl_status(&c), 0);
	ck_assert_int_eq(admin_sync(fd, sqe, b.a.handle, 4096 - 256, 4096, &c), 0);
	ck_assert_uint_eq(cpl_status(&c), 0);
	/* Bytes 2..3 are the temperature, which may tick between the two reads. */
	ck_assert_mem_eq(b.p + 4096 - 256 + 5, ref.p + 5, 512 - 5);
	for (int i = 4096 + 256; i < 3 * 4096; i++)
		ck_assert_msg(b.p[i] == 0xa5, "byte %d: 0x%02x", i, b.p[i]);
	for (int i = 0; i < 4096 - 256; i++)
		ck_assert_msg(b.p[i] == 0xa5, "byte %d: 0x%02x", i, b.p[i]);
	buf_del(fd, &ref);
	buf_del(fd, &b);
}
END_TEST

START_TEST(test_unassigned_opcode_is_invalid_opcode_with_dnr)
{
	struct nvt_completion c;
	uint32_t sqe[16];

	sqe_init(sqe, OPC_UNASSIGNED, 0, 0, 0);
	ck_assert_int_eq(admin_sync(fd, sqe, 0, 0, 0, &c), 0);
	ck_assert_uint_eq(cpl_status(&c), 0x001);	/* 00/01 Invalid Command Opcode */
	ck_assert(cpl_dnr(&c));
	ck_assert_uint_eq(c.flags, 0);
}
END_TEST

/* Many commands in flight at once, all complete, each with its own CID. */
START_TEST(test_many_outstanding_commands_complete)
{
	struct test_buf b = buf_new(fd, (DEPTH - 1) * 4096);
	struct nvt_completion c[DEPTH];
	bool seen[DEPTH] = { 0 };
	uint16_t cids[DEPTH];
	uint32_t sqe[16];
	int got = 0;

	sqe_init(sqe, OPC_IDENTIFY, 0, 1, 0);
	for (int i = 0; i < DEPTH - 1; i++)
		ck_assert_int_eq(submit(fd, sqe, b.a.handle, i * 4096, 4096, 0, i, &cids[i]), 0);
	while (got < DEPTH - 1) {
		int n = reap(fd, c, DEPTH, 10000);

		ck_assert_int_gt(n, 0);
		for (int i = 0; i < n; i++) {
			ck_assert_uint_lt(c[i].tag, DEPTH - 1);
			ck_assert(!seen[c[i].tag]);
			seen[c[i].tag] = true;
			ck_assert_uint_eq(c[i].cid, cids[c[i].tag]);
			ck_assert_uint_eq(cpl_status(&c[i]), 0);
		}
		got += n;
	}
	for (int i = 0; i < DEPTH - 1; i++)
		ck_assert_mem_eq(b.p + i * 4096, b.p, 4096);
	buf_del(fd, &b);
}
END_TEST

/* ---- SUBMIT_ADMIN: bad fields ---- */

START_TEST(test_submit_bad_fields_are_einval)
{
	struct nvt_ioctl_submit_admin s = { 0 };

	sqe_init(s.sqe, OPC_GET_FEATURES, 0, 1, 0);
	switch (_i) {
	case 0:
		s.flags = 1;
		break;
	case 1:
		s.flags = 0x80000000u;
		break;
	case 2: case 3:
		s.reserved[_i - 2] = 1;
		break;
	case 4:
		s.buf_offset = 4096;	/* without a buffer */
		break;
	default:
		s.buf_len = 4096;	/* without a buffer */
		break;
	}
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_SUBMIT_ADMIN, &s), -EINVAL);
	ck_assert_int_eq(reap(fd, &(struct nvt_completion){ 0 }, 1, 0), 0);
}
END_TEST

START_TEST(test_submit_unknown_buffer_is_enoent)
{
	static const uint32_t bad[] = { 1, 777, 0xffffffff };
	uint32_t sqe[16];

	sqe_init(sqe, OPC_IDENTIFY, 0, 1, 0);
	ck_assert_int_eq(submit(fd, sqe, bad[_i], 0, 4096, 0, 0, NULL), -ENOENT);
}
END_TEST

START_TEST(test_submit_range_beyond_buffer_is_erange)
{
	static const struct { uint64_t off; uint32_t len; } bad[] = {
		{ 0, 8193 }, { 4096, 4097 }, { 8192, 0 }, { 8192, 1 }, { 8191, 2 },
		{ 1ull << 40, 1 }, { ~0ull, 2 }, { 0, 0xffffffff },
	};
	struct test_buf b = buf_new(fd, 8192);
	uint32_t sqe[16];

	sqe_init(sqe, OPC_IDENTIFY, 0, 1, 0);
	ck_assert_int_eq(submit(fd, sqe, b.a.handle, bad[_i].off, bad[_i].len, 0, 0, NULL),
			 -ERANGE);
	buf_del(fd, &b);
}
END_TEST

/* Commands whose data holds addresses, or that use memory after completion. */
START_TEST(test_submit_unsafe_memory_commands_are_refused)
{
	struct test_buf b = buf_new(fd, 4 * 4096);
	uint32_t sqe[16];

	/* Set Features Host Memory Buffer with EHB: a list of addresses. */
	sqe_init(sqe, OPC_SET_FEATURES, 0, 0x0d, 1);
	ck_assert_int_eq(submit(fd, sqe, b.a.handle, 0, 4096, 0, 0, NULL), -EPERM);
	/* Create I/O CQ/SQ without PC: PRP1 would be a PRP list. */
	sqe_init(sqe, OPC_CREATE_CQ, 0, 1 | 15 << 16, 0);
	ck_assert_int_eq(submit(fd, sqe, b.a.handle, 0, 4096, 0, 0, NULL), -EPERM);
	sqe_init(sqe, OPC_CREATE_SQ, 0, 1 | 15 << 16, 1 << 16);
	ck_assert_int_eq(submit(fd, sqe, b.a.handle, 0, 4096, 0, 0, NULL), -EPERM);
	/* Queues larger than the range: 65 x 64 bytes, 257 x 16 bytes. */
	sqe_init(sqe, OPC_CREATE_SQ, 0, 1 | 64 << 16, 1 | 1 << 16);
	ck_assert_int_eq(submit(fd, sqe, b.a.handle, 0, 4096, 0, 0, NULL), -ERANGE);
	sqe_init(sqe, OPC_CREATE_CQ, 0, 1 | 256 << 16, 1);
	ck_assert_int_eq(submit(fd, sqe, b.a.handle, 0, 4096, 0, 0, NULL), -ERANGE);
	ck_assert_int_eq(submit(fd, sqe, 0, 0, 0, 0, 0, NULL), -ERANGE);
	/* Doorbell Buffer Config: two whole pages, page aligned. */
	sqe_init(sqe, OPC_DBBC, 0, 0, 0);
	ck_assert_int_eq(submit(fd, sqe, b.a.handle, 0, 4096, 0, 0, NULL), -ERANGE);
	ck_assert_int_eq(submit(fd, sqe, b.a.handle, 0, 3 * 4096, 0, 0, NULL), -ERANGE);
	ck_assert_int_eq(submit(fd, sqe, b.a.handle, 8, 2 * 4096, 0, 0, NULL), -ERANGE);
	ck_assert_int_eq(submit(fd, sqe, 0, 0, 0, 0, 0, NULL), -ERANGE);
	/* Nothing was sent. */
	ck_assert_int_eq(reap(fd, &(struct nvt_completion){ 0 }, 1, 200), 0);
	buf_del(fd, &b);
}
END_TEST

/* A queue the kernel lets through: the buffer stays pinned until reset. */
START_TEST(test_create_and_delete_io_cq_pins_buffer)
{
	struct test_buf b = buf_new(fd, 4096);
	struct nvt_completion c;
	uint32_t sqe[16];

	/* Create I/O CQ 1: 256 entries of 16 bytes, PC, no interrupts. */
	sqe_init(sqe, OPC_CREATE_CQ, 0, 1 | 255 << 16, 1);
	ck_assert_int_eq(admin_sync(fd, sqe, b.a.handle, 0, 4096, &c), 0);
	ck_assert_uint_eq(cpl_status(&c), 0);
	/* The handle goes, the memory stays for the device. */
	munmap(b.p, 4096);
	ck_assert_int_eq(buf_free(fd, b.a.handle), 0);
	sqe_init(sqe, OPC_DELETE_CQ, 0, 1, 0);
	ck_assert_int_eq(admin_sync(fd, sqe, 0, 0, 0, &c), 0);
	ck_assert_uint_eq(cpl_status(&c), 0);
	/* The reset lets the buffer go. */
	ctrl_init(fd, DEPTH);
}
END_TEST

/* The kernel writes the CID and zeroes the padding. */
START_TEST(test_submit_output_is_cid_and_zero_padding)
{
	struct nvt_ioctl_submit_admin s = { .tag = 5 };
	struct nvt_completion c;

	sqe_init(s.sqe, OPC_GET_FEATURES, 0, 1, 0);
	s.cid = 0xeeee;
	memset(s.pad0, 0xee, sizeof(s.pad0));
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_SUBMIT_ADMIN, &s), 0);
	ck_assert_uint_lt(s.cid, DEPTH);
	for (size_t i = 0; i < ARRAY_SIZE(s.pad0); i++)
		ck_assert_uint_eq(s.pad0[i], 0);
	ck_assert_int_eq(reap_tag(fd, 5, 10000, &c), 0);
	ck_assert_uint_eq(c.cid, s.cid);
}
END_TEST

/* A read-only argument: nothing is sent. */
START_TEST(test_submit_unwritable_argument_is_efault)
{
	long ps = sysconf(_SC_PAGESIZE);
	struct nvt_ioctl_submit_admin s = { .tag = 6 };
	void *p = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert_ptr_ne(p, MAP_FAILED);
	sqe_init(s.sqe, OPC_GET_FEATURES, 0, 1, 0);
	memcpy(p, &s, sizeof(s));
	ck_assert_int_eq(mprotect(p, ps, PROT_READ), 0);
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_SUBMIT_ADMIN, p), -EFAULT);
	ck_assert_int_eq(reap(fd, &(struct nvt_completion){ 0 }, 1, 200), 0);
	munmap(p, ps);
}
END_TEST

/* ---- REAP_ADMIN and poll ---- */

START_TEST(test_reap_with_timeout_0_returns_0)
{
	struct nvt_completion c;
	uint64_t t = now_ns();

	ck_assert_int_eq(reap(fd, &c, 1, 0), 0);
	ck_assert_uint_lt(now_ns() - t, 500000000ull);
}
END_TEST

START_TEST(test_reap_timeout_waits)
{
	struct nvt_completion c;
	uint64_t t = now_ns();

	ck_assert_int_eq(reap(fd, &c, 1, 300), 0);
	ck_assert_uint_ge(now_ns() - t, 290000000ull);
}
END_TEST

START_TEST(test_reap_bad_fields_are_einval)
{
	struct nvt_completion c;
	struct nvt_ioctl_reap_admin r = { .max_entries = 1, .entries = (uintptr_t)&c };

	switch (_i) {
	case 0:
		r.flags = 1;
		break;
	case 1:
		r.flags = 0x80000000u;
		break;
	case 2: case 3:
		r.reserved[_i - 2] = 1;
		break;
	case 4:
		r.max_entries = 0;
		break;
	default:
		r.max_entries = 4097;
		break;
	}
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_REAP_ADMIN, &r), -EINVAL);
}
END_TEST

/* A bad entries pointer loses nothing: the completion is still there. */
START_TEST(test_reap_bad_entries_pointer_is_efault_and_loses_nothing)
{
	struct nvt_ioctl_reap_admin r = { .max_entries = 4, .timeout_ms = 5000, .entries = 8 };
	struct nvt_completion c;
	uint32_t sqe[16];

	sqe_init(sqe, OPC_GET_FEATURES, 0, 1, 0);
	ck_assert_int_eq(submit(fd, sqe, 0, 0, 0, 0, 77, NULL), 0);
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_REAP_ADMIN, &r), -EFAULT);
	ck_assert_int_eq(reap(fd, &c, 4, 5000), 1);
	ck_assert_uint_eq(c.tag, 77);
}
END_TEST

static void on_alarm(int sig)
{
	(void)sig;
}

START_TEST(test_reap_interrupted_by_signal_is_eintr)
{
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	struct nvt_completion c;

	ck_assert_int_eq(sigaction(SIGALRM, &sa, NULL), 0);
	alarm(1);
	ck_assert_int_eq(reap(fd, &c, 1, 20000), -EINTR);
}
END_TEST

/* Completions go to the file that submitted them, and only there. */
START_TEST(test_completions_go_to_submitting_file)
{
	int fd2 = dev_open();
	struct nvt_completion c;
	uint32_t sqe[16];

	sqe_init(sqe, OPC_GET_FEATURES, 0, 1, 0);
	ck_assert_int_eq(submit(fd2, sqe, 0, 0, 0, 0, 42, NULL), 0);
	ck_assert_int_eq(reap(fd, &c, 1, 500), 0);
	ck_assert_int_eq(reap(fd2, &c, 1, 5000), 1);
	ck_assert_uint_eq(c.tag, 42);
	close(fd2);
}
END_TEST

START_TEST(test_poll_signals_completion)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct nvt_completion c;
	uint32_t sqe[16];

	ck_assert_int_eq(poll(&p, 1, 0), 0);
	sqe_init(sqe, OPC_GET_FEATURES, 0, 1, 0);
	ck_assert_int_eq(submit(fd, sqe, 0, 0, 0, 0, 3, NULL), 0);
	ck_assert_int_eq(poll(&p, 1, 10000), 1);
	ck_assert(p.revents & POLLIN);
	ck_assert_int_eq(reap(fd, &c, 1, 0), 1);
	ck_assert_int_eq(poll(&p, 1, 0), 0);
}
END_TEST

/*
 * A masked interrupt never strands a completion: with MSI-X vector 0
 * masked in the table (QEMU ignores INTMS under MSI-X; it is set too), the
 * tick reaps the CQ.
 */
START_TEST(test_masked_interrupt_still_completes)
{
	uint64_t vc_off = msix_vector0_ctrl(fd), vc;
	struct test_buf b = buf_new(fd, 4096);

	ck_assert_msg(vc_off, "no MSI-X table in BAR0");
	ck_assert_int_eq(reg_read(fd, 4, vc_off, &vc), 0);
	ck_assert_uint_eq(vc & PCI_MSIX_ENTRY_CTRL_MASKBIT, 0);
	ck_assert_int_eq(reg_write(fd, 4, vc_off, vc | PCI_MSIX_ENTRY_CTRL_MASKBIT), 0);
	ck_assert_int_eq(reg_write(fd, 4, REG_INTMS, 1), 0);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(identify(fd, 1, b.a.handle, 0), 0);
	ck_assert_int_eq(reg_write(fd, 4, REG_INTMC, 1), 0);
	ck_assert_int_eq(reg_write(fd, 4, vc_off, vc), 0);
	ck_assert_int_eq(identify(fd, 1, b.a.handle, 0), 0);
	buf_del(fd, &b);
}
END_TEST

/* ---- host timeouts ---- */

START_TEST(test_aer_with_host_timeout_times_out_and_controller_works)
{
	struct test_buf b = buf_new(fd, 4096);
	struct nvt_completion c;
	uint32_t sqe[16];
	uint64_t t0 = now_ns(), dt;
	uint16_t cid;

	sqe_init(sqe, OPC_AER, 0, 0, 0);
	ck_assert_int_eq(submit(fd, sqe, 0, 0, 0, 1000, 11, &cid), 0);
	ck_assert_int_eq(reap_tag(fd, 11, 10000, &c), 0);
	dt = now_ns() - t0;
	ck_assert_msg(dt >= 1000000000ull && dt < 5000000000ull, "after %llu ns",
		      (unsigned long long)dt);
	ck_assert_uint_eq(c.flags, NVT_CPL_F_TIMEOUT);
	ck_assert_uint_eq(cpl_status(&c), NVT_STATUS_HOST_TIMEOUT);	/* 07/FF */
	ck_assert_uint_eq(c.cqe[3], (uint32_t)NVT_STATUS_HOST_TIMEOUT << 17 | cid);
	ck_assert_uint_eq(c.cqe[0] | c.cqe[1] | c.cqe[2], 0);
	ck_assert_uint_eq(c.cid, cid);
	/* The controller goes on; the timed-out CID stays taken. */
	for (int i = 0; i < 3; i++) {
		struct nvt_completion d;

		sqe_init(sqe, OPC_IDENTIFY, 0, 1, 0);
		ck_assert_int_eq(submit(fd, sqe, b.a.handle, 0, 4096, 0, 20 + i, &cid), 0);
		ck_assert_int_eq(reap_tag(fd, 20 + i, 10000, &d), 0);
		ck_assert_uint_eq(cpl_status(&d), 0);
		ck_assert_uint_ne(d.cid, c.cid);
	}
	/* Only one completion for the timed-out command. */
	ck_assert_int_eq(reap(fd, &c, 1, 300), 0);
	buf_del(fd, &b);
}
END_TEST

/* Identify completes long before a generous timeout: no timeout flag. */
START_TEST(test_command_within_timeout_completes_normally)
{
	struct test_buf b = buf_new(fd, 4096);
	struct nvt_completion c;
	uint32_t sqe[16];

	sqe_init(sqe, OPC_IDENTIFY, 0, 1, 0);
	ck_assert_int_eq(submit(fd, sqe, b.a.handle, 0, 4096, 5000, 8, NULL), 0);
	ck_assert_int_eq(reap_tag(fd, 8, 10000, &c), 0);
	ck_assert_uint_eq(c.flags, 0);
	ck_assert_uint_eq(cpl_status(&c), 0);
	/* And no late made-up completion either. */
	ck_assert_int_eq(reap(fd, &c, 1, 300), 0);
	buf_del(fd, &b);
}
END_TEST

/* ---- lifetime: free, close, reset ---- */

/* The buffer lives until the command is done; the mapping shows the data. */
START_TEST(test_free_buffer_while_command_outstanding)
{
	struct test_buf b = buf_new(fd, 4096);
	struct nvt_completion c;
	uint32_t sqe[16];
	char sn[21];

	sqe_init(sqe, OPC_IDENTIFY, 0, 1, 0);
	ck_assert_int_eq(submit(fd, sqe, b.a.handle, 0, 4096, 0, 9, NULL), 0);
	ck_assert_int_eq(buf_free(fd, b.a.handle), 0);
	ck_assert_int_eq(reap_tag(fd, 9, 10000, &c), 0);
	ck_assert_uint_eq(cpl_status(&c), 0);
	id_string(sn, b.p + 4, 20);
	ck_assert_str_eq(sn, expected_serial());
	munmap(b.p, 4096);

	/* Unmapped and freed before the command completes. */
	b = buf_new(fd, 4096);
	ck_assert_int_eq(submit(fd, sqe, b.a.handle, 0, 4096, 0, 10, NULL), 0);
	munmap(b.p, 4096);
	ck_assert_int_eq(buf_free(fd, b.a.handle), 0);
	ck_assert_int_eq(reap_tag(fd, 10, 10000, &c), 0);
	ck_assert_uint_eq(cpl_status(&c), 0);
}
END_TEST

/* A child submits an AER and an Identify and exits without reaping. */
START_TEST(test_close_with_commands_outstanding_is_clean)
{
	struct test_buf b = buf_new(fd, 4096);
	int status;
	pid_t pid;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		int f = open(dev_path(), O_RDWR | O_CLOEXEC);
		struct nvt_ioctl_alloc_buf a;
		uint32_t sqe[16];

		if (f < 0 || buf_alloc(f, 4096, &a))
			_exit(2);
		sqe_init(sqe, OPC_AER, 0, 0, 0);
		if (submit(f, sqe, 0, 0, 0, 0, 1, NULL))
			_exit(3);
		sqe_init(sqe, OPC_IDENTIFY, 0, 1, 0);
		if (submit(f, sqe, a.handle, 0, 4096, 0, 2, NULL))
			_exit(4);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status 0x%x", status);
	/* Nothing of the child's arrives here, and the controller works. */
	ck_assert_int_eq(identify(fd, 1, b.a.handle, 0), 0);
	ck_assert_int_eq(reap(fd, &(struct nvt_completion){ 0 }, 1, 200), 0);
	/* The reset cancels the child's AER into the void. */
	ctrl_init(fd, DEPTH);
	ck_assert_int_eq(identify(fd, 1, b.a.handle, 0), 0);
	buf_del(fd, &b);
}
END_TEST

START_TEST(test_reset_cancels_outstanding_command)
{
	struct test_buf b = buf_new(fd, 4096);
	struct nvt_completion c;
	uint32_t sqe[16];
	uint16_t cid;

	sqe_init(sqe, OPC_AER, 0, 0, 0);
	ck_assert_int_eq(submit(fd, sqe, 0, 0, 0, 0, 31, &cid), 0);
	ck_assert_int_eq(reap(fd, &c, 1, 300), 0);
	ck_assert_int_eq(ctrl_disable(fd), 0);
	/* Disabling alone completes nothing: the kernel never recovers by itself. */
	ck_assert_int_eq(reap(fd, &c, 1, 300), 0);
	ck_assert_int_eq(setup_admin(fd, DEPTH, DEPTH), 0);
	ck_assert_int_eq(reap(fd, &c, 1, 1000), 1);
	ck_assert_uint_eq(c.tag, 31);
	ck_assert_uint_eq(c.cid, cid);
	ck_assert_uint_eq(c.flags, NVT_CPL_F_CANCELLED);
	ck_assert_uint_eq(cpl_status(&c), NVT_STATUS_HOST_CANCELLED);
	ck_assert_uint_eq(c.cqe[3], (uint32_t)NVT_STATUS_HOST_CANCELLED << 17 | cid);
	ck_assert_int_eq(ctrl_enable(fd), 0);
	ck_assert_int_eq(identify(fd, 1, b.a.handle, 0), 0);
	buf_del(fd, &b);
}
END_TEST

/* A timed-out AER still holds its CID; the reset frees it, silently. */
START_TEST(test_reset_after_timeout_delivers_nothing_more)
{
	struct nvt_completion c;
	uint32_t sqe[16];

	sqe_init(sqe, OPC_AER, 0, 0, 0);
	ck_assert_int_eq(submit(fd, sqe, 0, 0, 0, 300, 12, NULL), 0);
	ck_assert_int_eq(reap_tag(fd, 12, 5000, &c), 0);
	ck_assert_uint_eq(c.flags, NVT_CPL_F_TIMEOUT);
	ctrl_init(fd, DEPTH);
	ck_assert_int_eq(reap(fd, &c, 1, 300), 0);
}
END_TEST

START_TEST(test_submit_without_queue_space_is_ebusy)
{
	uint32_t sqe[16];

	ck_assert_int_eq(ctrl_disable(fd), 0);
	ck_assert_int_eq(setup_admin(fd, 2, 2), 0);
	ck_assert_int_eq(ctrl_enable(fd), 0);
	sqe_init(sqe, OPC_AER, 0, 0, 0);
	ck_assert_int_eq(submit(fd, sqe, 0, 0, 0, 0, 1, NULL), 0);
	ck_assert_int_eq(submit(fd, sqe, 0, 0, 0, 0, 2, NULL), -EBUSY);
	ctrl_init(fd, DEPTH);
}
END_TEST

/* ---- the command log ---- */

static const struct nvt_cmdlog_header *map_cmdlog(int f, size_t *len)
{
	struct nvt_ioctl_map_cmdlog m = { .qid = 0 };
	const struct nvt_cmdlog_header *h;

	ck_assert_int_eq(xioctl(f, NVT_IOCTL_MAP_CMDLOG, &m), 0);
	h = mmap(NULL, m.mmap_size, PROT_READ, MAP_SHARED, f, m.mmap_offset);
	ck_assert_ptr_ne(h, MAP_FAILED);
	*len = m.mmap_size;
	return h;
}

/* A consistent copy of the entry of log index @index (the protocol of uapi.h). */
static bool cmdlog_read(const struct nvt_cmdlog_header *h, uint64_t index,
			struct nvt_cmdlog_entry *out)
{
	const volatile struct nvt_cmdlog_entry *e =
		(const struct nvt_cmdlog_entry *)(h + 1) + index % h->nr_entries;

	for (int tries = 0; tries < 1000; tries++) {
		uint64_t s1 = e->seq, s2;

		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		memcpy(out, (const void *)e, sizeof(*out));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s2 = e->seq;
		if (s1 && !(s1 & 1) && s1 == s2)
			return out->index == index;
	}
	return false;
}

START_TEST(test_cmdlog_records_commands_and_completions)
{
	struct test_buf b = buf_new(fd, 4096);
	const struct nvt_cmdlog_header *h;
	struct nvt_cmdlog_entry e;
	struct nvt_completion c1, c2;
	uint64_t next, t0 = now_ns();
	uint32_t sqe[16];
	size_t len;

	h = map_cmdlog(fd, &len);
	ck_assert_uint_eq(h->magic, NVT_CMDLOG_MAGIC);
	ck_assert_uint_eq(h->entry_size, sizeof(struct nvt_cmdlog_entry));
	ck_assert_uint_eq(h->nr_entries, NVT_CMDLOG_ENTRIES);
	ck_assert_uint_eq(h->qid, 0);
	ck_assert_uint_ge(len, sizeof(*h) + NVT_CMDLOG_ENTRIES * sizeof(e));
	ck_assert_uint_eq(len % sysconf(_SC_PAGESIZE), 0);

	next = h->next;
	sqe_init(sqe, OPC_IDENTIFY, 0, 1, 0);
	ck_assert_int_eq(admin_sync(fd, sqe, b.a.handle, 0, 4096, &c1), 0);
	sqe_init(sqe, OPC_UNASSIGNED, 0, 0, 0);
	ck_assert_int_eq(admin_sync(fd, sqe, 0, 0, 0, &c2), 0);
	ck_assert_uint_eq(h->next, next + 2);

	ck_assert(cmdlog_read(h, next, &e));
	ck_assert_uint_eq(e.sqe[0], OPC_IDENTIFY | (uint32_t)c1.cid << 16);
	ck_assert_uint_eq(e.sqe[6] | (uint64_t)e.sqe[7] << 32, b.a.iova);
	ck_assert_mem_eq(e.cqe, c1.cqe, sizeof(e.cqe));
	ck_assert_uint_eq(e.submit_ns, c1.submit_ns);
	ck_assert_uint_eq(e.complete_ns, c1.complete_ns);
	ck_assert_uint_ge(e.submit_ns, t0);
	ck_assert_uint_eq(e.flags, 0);

	ck_assert(cmdlog_read(h, next + 1, &e));
	ck_assert_uint_eq(e.sqe[0] & 0xff, OPC_UNASSIGNED);
	ck_assert_mem_eq(e.cqe, c2.cqe, sizeof(e.cqe));
	ck_assert_uint_ge(e.complete_ns, e.submit_ns);
	munmap((void *)h, len);
	buf_del(fd, &b);
}
END_TEST

/* Timeout, then cancel by reset: both written into the same entry. */
START_TEST(test_cmdlog_records_timeout_and_cancel)
{
	const struct nvt_cmdlog_header *h;
	struct nvt_cmdlog_entry e;
	struct nvt_completion c;
	uint32_t sqe[16];
	uint64_t next, seq;
	size_t len;

	h = map_cmdlog(fd, &len);
	next = h->next;
	sqe_init(sqe, OPC_AER, 0, 0, 0);
	ck_assert_int_eq(submit(fd, sqe, 0, 0, 0, 200, 1, NULL), 0);
	ck_assert(cmdlog_read(h, next, &e));
	ck_assert_uint_eq(e.complete_ns, 0);
	ck_assert_uint_eq(e.flags, 0);
	seq = e.seq;
	ck_assert_int_eq(reap_tag(fd, 1, 5000, &c), 0);
	ck_assert(cmdlog_read(h, next, &e));
	ck_assert_uint_eq(e.flags, NVT_CPL_F_TIMEOUT);
	ck_assert_mem_eq(e.cqe, c.cqe, sizeof(e.cqe));
	ck_assert_uint_gt(e.seq, seq);
	seq = e.seq;
	ctrl_init(fd, DEPTH);
	ck_assert(cmdlog_read(h, next, &e));
	ck_assert_uint_eq(e.flags, NVT_CPL_F_TIMEOUT | NVT_CPL_F_CANCELLED);
	ck_assert_uint_eq(e.cqe[3] >> 17, NVT_STATUS_HOST_CANCELLED);
	ck_assert_uint_gt(e.seq, seq);
	munmap((void *)h, len);
}
END_TEST

START_TEST(test_cmdlog_writable_mapping_is_refused)
{
	struct nvt_ioctl_map_cmdlog m = { .qid = 0 };
	void *p;

	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_MAP_CMDLOG, &m), 0);
	p = mmap(NULL, m.mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, m.mmap_offset);
	ck_assert_ptr_eq(p, MAP_FAILED);
	ck_assert_int_eq(errno, EPERM);
	p = mmap(NULL, m.mmap_size, PROT_WRITE, MAP_PRIVATE, fd, m.mmap_offset);
	ck_assert_ptr_eq(p, MAP_FAILED);
	ck_assert_int_eq(errno, EPERM);
	/* Read-only, and it stays so. */
	p = mmap(NULL, m.mmap_size, PROT_READ, MAP_SHARED, fd, m.mmap_offset);
	ck_assert_ptr_ne(p, MAP_FAILED);
	ck_assert_int_eq(mprotect(p, m.mmap_size, PROT_READ | PROT_WRITE), -1);
	ck_assert_int_eq(errno, EACCES);
	munmap(p, m.mmap_size);
	/* Beyond the log. */
	p = mmap(NULL, m.mmap_size + 4096, PROT_READ, MAP_SHARED, fd, m.mmap_offset);
	ck_assert_ptr_eq(p, MAP_FAILED);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(test_cmdlog_read_live_by_another_process)
{
	struct test_buf b = buf_new(fd, 4096);
	struct nvt_completion c;
	int pipefd[2], status;
	uint32_t sqe[16];
	uint64_t index;
	pid_t pid;

	ck_assert_int_eq(pipe(pipefd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		/* Its own open file and mapping; it waits for the parent's command. */
		struct nvt_ioctl_map_cmdlog m = { .qid = 0 };
		const struct nvt_cmdlog_header *h;
		struct nvt_cmdlog_entry e;
		int f = open(dev_path(), O_RDWR | O_CLOEXEC);
		uint64_t want;

		if (f < 0 || xioctl(f, NVT_IOCTL_MAP_CMDLOG, &m))
			_exit(2);
		h = mmap(NULL, m.mmap_size, PROT_READ, MAP_SHARED, f, m.mmap_offset);
		if (h == MAP_FAILED)
			_exit(3);
		close(pipefd[1]);
		if (read(pipefd[0], &want, sizeof(want)) != sizeof(want))
			_exit(4);
		if (h->next <= want || !cmdlog_read(h, want, &e))
			_exit(5);
		if ((e.sqe[0] & 0xff) != OPC_IDENTIFY || !e.complete_ns || (e.cqe[3] >> 17))
			_exit(6);
		_exit(0);
	}
	close(pipefd[0]);
	sqe_init(sqe, OPC_IDENTIFY, 0, 1, 0);
	ck_assert_int_eq(admin_sync(fd, sqe, b.a.handle, 0, 4096, &c), 0);
	{
		size_t len;
		const struct nvt_cmdlog_header *h = map_cmdlog(fd, &len);

		index = h->next - 1;
		munmap((void *)h, len);
	}
	ck_assert_int_eq(write(pipefd[1], &index, sizeof(index)), sizeof(index));
	close(pipefd[1]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status 0x%x", status);
	buf_del(fd, &b);
}
END_TEST

START_TEST(test_map_cmdlog_bad_fields)
{
	struct nvt_ioctl_map_cmdlog m = { 0 };
	int want = -EINVAL;

	switch (_i) {
	case 0:
		m.flags = 1;
		break;
	case 1: case 2: case 3:
		m.reserved[_i - 1] = 1;
		break;
	case 4:
		m.qid = 1;
		want = -ENOENT;
		break;
	default:
		m.qid = 0xffff;
		want = -ENOENT;
		break;
	}
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_MAP_CMDLOG, &m), want);
	ck_assert_uint_eq(m.mmap_offset, 0);
}
END_TEST

START_TEST(test_map_cmdlog_output_is_overwritten)
{
	struct nvt_ioctl_map_cmdlog m;

	memset(&m, 0, sizeof(m));
	m.mmap_offset = ~0ull;
	m.mmap_size = ~0ull;
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_MAP_CMDLOG, &m), 0);
	ck_assert_uint_ne(m.mmap_offset, ~0ull);
	ck_assert_uint_eq(m.mmap_offset % sysconf(_SC_PAGESIZE), 0);
	ck_assert_uint_eq(m.mmap_size % sysconf(_SC_PAGESIZE), 0);
	ck_assert_uint_ge(m.mmap_size, sizeof(struct nvt_cmdlog_header) +
			  NVT_CMDLOG_ENTRIES * sizeof(struct nvt_cmdlog_entry));
	ck_assert_uint_eq(m.qid, 0);
	ck_assert_uint_eq(m.flags, 0);
}
END_TEST

/* ---- events ---- */

static void check_event_header(const struct genl_event *ev)
{
	ck_assert(ev->has_minor && ev->has_bdf);
	ck_assert_uint_eq(ev->minor, info.out.minor);
	ck_assert_str_eq(ev->bdf, bdf);
}

START_TEST(test_events_reset_and_timeout)
{
	int s = genl_events_socket();
	struct genl_event ev;
	struct nvt_completion c;
	uint32_t sqe[16];
	uint16_t cid;

	ck_assert_int_ge(s, 0);
	ctrl_init(fd, DEPTH);
	ck_assert_int_eq(genl_event_wait(s, NVT_EVENT_RESET, info.out.minor, 5000, &ev), 0);
	check_event_header(&ev);

	sqe_init(sqe, OPC_AER, 0, 0, 0);
	ck_assert_int_eq(submit(fd, sqe, 0, 0, 0, 300, 1, &cid), 0);
	ck_assert_int_eq(genl_event_wait(s, NVT_EVENT_TIMEOUT, info.out.minor, 5000, &ev), 0);
	check_event_header(&ev);
	ck_assert(ev.has_opcode && ev.has_cid && ev.has_qid);
	ck_assert_uint_eq(ev.opcode, OPC_AER);
	ck_assert_uint_eq(ev.cid, cid);
	ck_assert_uint_eq(ev.qid, 0);
	ck_assert_int_eq(reap_tag(fd, 1, 5000, &c), 0);
	close(s);
}
END_TEST

static int set_feature(uint8_t fid, uint32_t value, struct nvt_completion *c)
{
	uint32_t sqe[16];

	sqe_init(sqe, OPC_SET_FEATURES, 0, fid, value);
	return admin_sync(fd, sqe, 0, 0, 0, c);
}

/*
 * A real asynchronous event (qemu-nvme.md): enable the SMART events, then
 * put the temperature threshold under QEMU's 323 K.
 */
START_TEST(test_events_aer_from_temperature_threshold)
{
	struct test_buf b = buf_new(fd, 4096);
	int s = genl_events_socket();
	struct nvt_completion c, aer;
	struct genl_event ev;
	uint32_t sqe[16], old_aec;

	ck_assert_int_ge(s, 0);
	sqe_init(sqe, OPC_GET_FEATURES, 0, 0x0b, 0);
	ck_assert_int_eq(admin_sync(fd, sqe, 0, 0, 0, &c), 0);
	ck_assert_uint_eq(cpl_status(&c), 0);
	old_aec = c.cqe[0];

	sqe_init(sqe, OPC_AER, 0, 0, 0);
	ck_assert_int_eq(submit(fd, sqe, 0, 0, 0, 0, 500, NULL), 0);
	ck_assert_int_eq(set_feature(0x0b, 0x1ff, &c), 0);
	ck_assert_uint_eq(cpl_status(&c), 0);
	ck_assert_int_eq(set_feature(0x04, 300, &c), 0);	/* over-temperature 300 K */
	ck_assert_uint_eq(cpl_status(&c), 0);

	ck_assert_int_eq(reap_tag(fd, 500, 10000, &aer), 0);
	ck_assert_uint_eq(aer.flags, 0);
	ck_assert_uint_eq(cpl_status(&aer), 0);
	ck_assert_uint_eq(aer.cqe[0], 0x00020101);	/* SMART, temperature, log 02h */
	ck_assert_int_eq(genl_event_wait(s, NVT_EVENT_AER, info.out.minor, 5000, &ev), 0);
	check_event_header(&ev);
	ck_assert(ev.has_cdw0 && ev.has_status);
	ck_assert_uint_eq(ev.cdw0, 0x00020101);
	ck_assert_uint_eq(ev.status, 0);

	/* Put things back: read the SMART log (RAE 0), threshold 373 K, AEC. */
	sqe_init(sqe, OPC_GET_LOG_PAGE, 0xffffffff, 0x02 | (512 / 4 - 1) << 16, 0);
	ck_assert_int_eq(admin_sync(fd, sqe, b.a.handle, 0, 512, &c), 0);
	ck_assert_uint_eq(cpl_status(&c), 0);
	ck_assert_uint_ne(b.p[0] & 0x02, 0);	/* critical warning: temperature */
	ck_assert_int_eq(set_feature(0x04, 0x175, &c), 0);
	ck_assert_int_eq(set_feature(0x0b, old_aec, &c), 0);
	close(s);
	buf_del(fd, &b);
}
END_TEST

/* ---- unbind ---- */

struct reaper {
	int fd;
	int n;
	struct nvt_completion c;
	uint64_t ns;
};

static void *reaper_thread(void *arg)
{
	struct reaper *r = arg;
	uint64_t t = now_ns();

	r->n = reap(r->fd, &r->c, 1, 30000);
	r->ns = now_ns() - t;
	return NULL;
}

/*
 * Unbind with a waiter, commands outstanding, a buffer and the command log
 * mapped: the waiter gets the cancellation at once, every new call gives
 * -ENODEV, the mappings stay readable and writable memory, and after close
 * and rebind the controller comes back clean (no admin queue, no serial).
 */
START_TEST(test_unbind_with_commands_outstanding_and_buffers_mapped)
{
	struct test_buf b = buf_new(fd, 2 * 4096), b2;
	int s = genl_events_socket();
	const struct nvt_cmdlog_header *h;
	struct nvt_completion c;
	struct genl_event ev;
	struct reaper r = { .fd = fd };
	struct pollfd p = { .fd = fd, .events = POLLIN };
	pthread_t t;
	uint32_t sqe[16];
	size_t len;
	uint16_t cid;

	ck_assert_int_ge(s, 0);
	h = map_cmdlog(fd, &len);
	memset(b.p, 0x6b, b.a.mmap_size);
	ck_assert_int_eq(identify(fd, 1, b.a.handle, 4096), 0);
	sqe_init(sqe, OPC_AER, 0, 0, 0);
	ck_assert_int_eq(submit(fd, sqe, 0, 0, 0, 0, 1, &cid), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, reaper_thread, &r), 0);
	usleep(200000);

	ck_assert_int_eq(sysfs_write(DRIVER_DIR "/unbind", bdf), 0);
	pthread_join(t, NULL);
	ck_assert_int_eq(r.n, 1);
	ck_assert_uint_lt(r.ns, 5000000000ull);
	ck_assert_uint_eq(r.c.tag, 1);
	ck_assert_uint_eq(r.c.cid, cid);
	ck_assert_uint_eq(r.c.flags, NVT_CPL_F_CANCELLED);
	ck_assert_int_eq(genl_event_wait(s, NVT_EVENT_REMOVED, info.out.minor, 5000, &ev), 0);
	check_event_header(&ev);

	/* Every call is -ENODEV now. */
	ck_assert_int_eq(reap(fd, &c, 1, 0), -ENODEV);
	ck_assert_int_eq(reap(fd, &c, 1, 1000), -ENODEV);
	ck_assert_int_eq(buf_alloc(fd, 4096, &b2.a), -ENODEV);
	ck_assert_int_eq(buf_free(fd, b.a.handle), -ENODEV);
	ck_assert_int_eq(setup_admin(fd, DEPTH, DEPTH), -ENODEV);
	sqe_init(sqe, OPC_IDENTIFY, 0, 1, 0);
	ck_assert_int_eq(submit(fd, sqe, b.a.handle, 0, 4096, 0, 0, NULL), -ENODEV);
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_MAP_CMDLOG, &(struct nvt_ioctl_map_cmdlog){ 0 }),
			 -ENODEV);
	ck_assert_ptr_eq(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, b.a.mmap_offset),
			 MAP_FAILED);
	ck_assert_int_eq(errno, ENODEV);
	ck_assert_int_eq(poll(&p, 1, 0), 1);
	ck_assert(p.revents & POLLHUP);

	/* The mappings are still memory. */
	ck_assert_uint_eq(b.p[0], 0x6b);
	ck_assert_uint_eq(b.p[4096 + 4], 'N');	/* the serial Identify wrote */
	memset(b.p, 0x11, b.a.mmap_size);
	ck_assert_uint_eq(b.p[b.a.mmap_size - 1], 0x11);
	ck_assert_uint_eq(h->magic, NVT_CMDLOG_MAGIC);
	ck_assert_uint_ge(h->next, 2);

	close(fd);
	fd = -1;
	ck_assert_uint_eq(b.p[1], 0x11);
	munmap(b.p, b.a.mmap_size);
	munmap((void *)h, len);

	ck_assert_int_eq(sysfs_write("/sys/bus/pci/drivers_probe", bdf), 0);
	ck_assert(bdf_is_bound(bdf));
	fd = dev_open();
	{
		struct genl_ctrl g = genl_ctrl_of(info.out.minor);

		ck_assert(!g.has_serial && !g.has_model);
	}
	/* A new binding has no admin queue until SETUP_ADMIN. */
	sqe_init(sqe, OPC_GET_FEATURES, 0, 1, 0);
	ck_assert_int_eq(submit(fd, sqe, 0, 0, 0, 0, 0, NULL), -ENXIO);
	ctrl_init(fd, DEPTH);
	b = buf_new(fd, 4096);
	ck_assert_int_eq(identify(fd, 1, b.a.handle, 0), 0);
	buf_del(fd, &b);
	close(s);
}
END_TEST

static Suite *admin_suite(void)
{
	Suite *s = suite_create("admin");
	TCase *tc;

	tc = tcase_create("setup");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_get_info_reports_admin_features);
	tcase_add_test(tc, test_setup_admin_with_controller_enabled_is_ebusy);
	tcase_add_loop_test(tc, test_setup_admin_bad_fields_are_einval, 0, 13);
	tcase_add_test(tc, test_setup_admin_programs_aqa_asq_acq);
	tcase_add_loop_test(tc, test_setup_admin_extreme_depths_work, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("commands");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_identify_controller_reports_qemu);
	tcase_add_test(tc, test_identify_fills_netlink_serial_and_model);
	tcase_add_loop_test(tc, test_identify_at_unaligned_offset_works, 0, 3);
	tcase_add_test(tc, test_get_log_page_into_64k_uses_prp_list);
	tcase_add_test(tc, test_prp_entries_as_sent);
	tcase_add_test(tc, test_short_range_never_lets_the_device_write_outside);
	tcase_add_test(tc, test_no_buffer_data_goes_to_the_sink);
	tcase_add_test(tc, test_two_page_range_device_moving_less);
	tcase_add_test(tc, test_unassigned_opcode_is_invalid_opcode_with_dnr);
	tcase_add_test(tc, test_many_outstanding_commands_complete);
	tcase_add_test(tc, test_create_and_delete_io_cq_pins_buffer);
	suite_add_tcase(s, tc);

	tc = tcase_create("submit");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_submit_bad_fields_are_einval, 0, 6);
	tcase_add_loop_test(tc, test_submit_unknown_buffer_is_enoent, 0, 3);
	tcase_add_loop_test(tc, test_submit_range_beyond_buffer_is_erange, 0, 8);
	tcase_add_test(tc, test_submit_unsafe_memory_commands_are_refused);
	tcase_add_test(tc, test_submit_output_is_cid_and_zero_padding);
	tcase_add_test(tc, test_submit_unwritable_argument_is_efault);
	tcase_add_test(tc, test_submit_without_queue_space_is_ebusy);
	suite_add_tcase(s, tc);

	tc = tcase_create("reap");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_reap_with_timeout_0_returns_0);
	tcase_add_test(tc, test_reap_timeout_waits);
	tcase_add_loop_test(tc, test_reap_bad_fields_are_einval, 0, 6);
	tcase_add_test(tc, test_reap_bad_entries_pointer_is_efault_and_loses_nothing);
	tcase_add_test(tc, test_reap_interrupted_by_signal_is_eintr);
	tcase_add_test(tc, test_completions_go_to_submitting_file);
	tcase_add_test(tc, test_poll_signals_completion);
	tcase_add_test(tc, test_masked_interrupt_still_completes);
	suite_add_tcase(s, tc);

	tc = tcase_create("lifetime");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_aer_with_host_timeout_times_out_and_controller_works);
	tcase_add_test(tc, test_command_within_timeout_completes_normally);
	tcase_add_test(tc, test_free_buffer_while_command_outstanding);
	tcase_add_test(tc, test_close_with_commands_outstanding_is_clean);
	tcase_add_test(tc, test_reset_cancels_outstanding_command);
	tcase_add_test(tc, test_reset_after_timeout_delivers_nothing_more);
	suite_add_tcase(s, tc);

	tc = tcase_create("cmdlog");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_cmdlog_records_commands_and_completions);
	tcase_add_test(tc, test_cmdlog_records_timeout_and_cancel);
	tcase_add_test(tc, test_cmdlog_writable_mapping_is_refused);
	tcase_add_test(tc, test_cmdlog_read_live_by_another_process);
	tcase_add_loop_test(tc, test_map_cmdlog_bad_fields, 0, 6);
	tcase_add_test(tc, test_map_cmdlog_output_is_overwritten);
	suite_add_tcase(s, tc);

	tc = tcase_create("events");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_events_reset_and_timeout);
	tcase_add_test(tc, test_events_aer_from_temperature_threshold);
	suite_add_tcase(s, tc);

	tc = tcase_create("unbind");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_unbind_with_commands_outstanding_and_buffers_mapped);
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	return run_suite_with_bdf(admin_suite(), bdf, sizeof(bdf));
}
