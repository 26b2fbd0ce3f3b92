// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * nvmetest.ko ioctls against /dev/nvmetest0 (or $NVT_DEV) in the QEMU guest:
 * every bad field of every ioctl gives its documented errno, outputs are
 * zero-filled and never longer than asked, and the values read are those of
 * QEMU's emulated NVMe controller.
 *
 * Run: tests/vm/run [--kernel 6.1|6.12] -- build/tests/kmod/test_ioctl
 */
#include <stddef.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "kmod_test.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int fd = -1;
static struct nvt_ioctl_get_info info;	/* the device's, read in setup() */
static long page_size;

static void setup(void)
{
	fd = dev_open();
	ck_assert_int_eq(get_info(fd, &info), 0);
	page_size = sysconf(_SC_PAGESIZE);
}

static void teardown(void)
{
	close(fd);
}

static const struct {
	unsigned long req;
	const char *name;
} ioctls[] = {
	{ NVT_IOCTL_GET_INFO, "GET_INFO" },
	{ NVT_IOCTL_READ_REG, "READ_REG" },
	{ NVT_IOCTL_WRITE_REG, "WRITE_REG" },
	{ NVT_IOCTL_READ_CONFIG, "READ_CONFIG" },
	{ NVT_IOCTL_WRITE_CONFIG, "WRITE_CONFIG" },
	{ NVT_IOCTL_ALLOC_BUF, "ALLOC_BUF" },
	{ NVT_IOCTL_FREE_BUF, "FREE_BUF" },
	{ NVT_IOCTL_SETUP_ADMIN, "SETUP_ADMIN" },
	{ NVT_IOCTL_SUBMIT_ADMIN, "SUBMIT_ADMIN" },
	{ NVT_IOCTL_REAP_ADMIN, "REAP_ADMIN" },
	{ NVT_IOCTL_MAP_CMDLOG, "MAP_CMDLOG" },
	{ NVT_IOCTL_CREATE_QPAIR, "CREATE_QPAIR" },
	{ NVT_IOCTL_DELETE_QPAIR, "DELETE_QPAIR" },
	{ NVT_IOCTL_MAP_IRQS, "MAP_IRQS" },
	{ NVT_IOCTL_CTL_IRQ, "CTL_IRQ" },
	{ NVT_IOCTL_MAP_CRC_TABLE, "MAP_CRC_TABLE" },
};

/* Two pages, the second inaccessible: whatever lies past the first faults. */
static unsigned char *guarded_page(void)
{
	unsigned char *p = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert_ptr_ne(p, MAP_FAILED);
	ck_assert_int_eq(mprotect(p + page_size, page_size, PROT_NONE), 0);
	return p;
}

/* An access that is valid for @req: a read or a same-value write of a harmless field. */
static struct nvt_ioctl_access valid_access(unsigned long req)
{
	struct nvt_ioctl_access a = { .width = 4 };
	uint64_t v;

	if (req == NVT_IOCTL_READ_REG || req == NVT_IOCTL_WRITE_REG) {
		a.offset = REG_AQA;
		ck_assert_int_eq(reg_read(fd, 4, REG_AQA, &v), 0);
	} else {
		a.offset = PCI_INTERRUPT_LINE;
		ck_assert_int_eq(cfg_read(fd, 4, a.offset, &v), 0);
	}
	a.value = v;
	return a;
}

/* ---- every ioctl ---- */

START_TEST(test_unknown_ioctl_number_is_enotty)
{
	struct nvt_ioctl_access buf[8] = { 0 };
	const unsigned long reqs[] = {
		_IOWR(NVT_IOCTL_TYPE, 16, struct nvt_ioctl_access),
		_IOWR(NVT_IOCTL_TYPE, 0xff, struct nvt_ioctl_access),
		_IO(NVT_IOCTL_TYPE, 5),
		_IOWR('N', 0, struct nvt_ioctl_get_info),	/* another type byte */
		0,
	};
	unsigned long req = reqs[_i];

	ck_assert_msg(xioctl(fd, req, buf) == -ENOTTY, "ioctl 0x%lx", req);
}
END_TEST

/* A known number with another size or direction encoded is unknown. */
START_TEST(test_wrong_size_encoded_is_enotty)
{
	unsigned char buf[512] = { 0 };
	unsigned long req = ioctls[_i / 4].req;
	unsigned int size = _IOC_SIZE(req), dir = _IOC_DIR(req);
	unsigned long bad;

	switch (_i % 4) {
	case 0:
		bad = _IOC(dir, NVT_IOCTL_TYPE, _IOC_NR(req), size + 8);
		break;
	case 1:
		bad = _IOC(dir, NVT_IOCTL_TYPE, _IOC_NR(req), size - 8);
		break;
	case 2:
		bad = _IOC(dir, NVT_IOCTL_TYPE, _IOC_NR(req), 0);
		break;
	default:
		bad = _IOC(dir == _IOC_WRITE ? _IOC_READ | _IOC_WRITE : _IOC_WRITE,
			   NVT_IOCTL_TYPE, _IOC_NR(req), size);
		break;
	}
	memcpy(buf, &(struct nvt_ioctl_get_info){ .in.output_size_bytes = 120 },
	       sizeof(struct nvt_ioctl_get_info));
	ck_assert_msg(xioctl(fd, bad, buf) == -ENOTTY, "%s as 0x%lx", ioctls[_i / 4].name, bad);
}
END_TEST

START_TEST(test_null_argument_is_efault)
{
	ck_assert_msg(xioctl(fd, ioctls[_i].req, NULL) == -EFAULT, "%s", ioctls[_i].name);
}
END_TEST

START_TEST(test_unmapped_argument_is_efault)
{
	unsigned char *p = guarded_page();

	ck_assert_msg(xioctl(fd, ioctls[_i].req, p + page_size) == -EFAULT,
		      "%s", ioctls[_i].name);
	/* Straddling the guard: the first bytes are readable, the rest are not. */
	ck_assert_msg(xioctl(fd, ioctls[_i].req, p + page_size - 8) == -EFAULT,
		      "%s straddling", ioctls[_i].name);
	munmap(p, 2 * page_size);
}
END_TEST

/* Reads whose result cannot be written back fail with EFAULT. */
START_TEST(test_unwritable_output_is_efault)
{
	static const unsigned long reqs[] = {
		NVT_IOCTL_GET_INFO, NVT_IOCTL_READ_REG, NVT_IOCTL_READ_CONFIG,
	};
	unsigned char *p = guarded_page();

	if (reqs[_i] == NVT_IOCTL_GET_INFO) {
		struct nvt_ioctl_get_info gi = { .in.output_size_bytes = sizeof(gi.out) };

		memcpy(p, &gi, sizeof(gi));
	} else {
		struct nvt_ioctl_access a = valid_access(reqs[_i]);

		memcpy(p, &a, sizeof(a));
	}
	ck_assert_int_eq(mprotect(p, page_size, PROT_READ), 0);
	ck_assert_int_eq(xioctl(fd, reqs[_i], p), -EFAULT);
	munmap(p, 2 * page_size);
}
END_TEST

/* Writes only read their argument: a read-only one is fine. */
START_TEST(test_write_accepts_read_only_argument)
{
	static const unsigned long reqs[] = { NVT_IOCTL_WRITE_REG, NVT_IOCTL_WRITE_CONFIG };
	struct nvt_ioctl_access a = valid_access(reqs[_i]);
	unsigned char *p = guarded_page();

	memcpy(p, &a, sizeof(a));
	ck_assert_int_eq(mprotect(p, page_size, PROT_READ), 0);
	ck_assert_int_eq(xioctl(fd, reqs[_i], p), 0);
	munmap(p, 2 * page_size);
}
END_TEST

/* ---- GET_INFO ---- */

START_TEST(test_get_info_flags_nonzero_is_einval)
{
	static const uint32_t flags[] = { 1, 0x80000000u, 0xffffffffu };
	struct nvt_ioctl_get_info gi = { .in.output_size_bytes = sizeof(gi.out) };

	gi.in.flags = flags[_i];
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_GET_INFO, &gi), -EINVAL);
}
END_TEST

START_TEST(test_get_info_reserved_nonzero_is_einval)
{
	struct nvt_ioctl_get_info gi = { .in.output_size_bytes = sizeof(gi.out) };

	memset(&gi.out, 0xa5, sizeof(gi.out));
	gi.in.reserved[_i / 2] = _i % 2 ? 1ULL << 63 : 1;
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_GET_INFO, &gi), -EINVAL);
	/* Nothing is written on error. */
	ck_assert_int_eq(gi.out.abi_version, 0xa5a5a5a5);
}
END_TEST

START_TEST(test_get_info_reports_emulated_nvme)
{
	ck_assert_uint_eq(info.out.output_size_bytes, sizeof(info.out));
	ck_assert_uint_eq(info.out.abi_version, NVT_ABI_VERSION);
	ck_assert_uint_eq(info.out.features,
			  NVT_FEATURE_REGS | NVT_FEATURE_CONFIG | NVT_FEATURE_GENL |
			  NVT_FEATURE_DMABUF | NVT_FEATURE_ADMIN | NVT_FEATURE_CMDLOG |
			  NVT_FEATURE_EVENTS | NVT_FEATURE_QPAIR | NVT_FEATURE_IRQ |
			  NVT_FEATURE_CRC | NVT_FEATURE_RESET);
	ck_assert_uint_eq(info.out.vendor_id, QEMU_VENDOR_ID);
	ck_assert_uint_eq(info.out.device_id, QEMU_DEVICE_ID);
	ck_assert_uint_eq(info.out.class_code, NVME_CLASS);
	ck_assert_uint_eq(info.out.config_size, 4096);
	/* QEMU 7.2: registers, doorbells and the MSI-X table share BAR0 (16 KiB). */
	ck_assert_uint_ge(info.out.bar0_size, 0x2000);
	ck_assert_uint_eq(info.out.bar0_size & (info.out.bar0_size - 1), 0);
}
END_TEST

static uint64_t sysfs_u64(const char *dir, const char *name)
{
	char path[256];
	unsigned long long v;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(fscanf(f, "%llx", &v), 1);
	fclose(f);
	return v;
}

START_TEST(test_get_info_matches_sysfs)
{
	char bdf[32], dir[128], link[256], target[256];
	unsigned long long start, end;
	struct stat st;
	ssize_t n;
	FILE *f;

	info_bdf(&info, bdf, sizeof(bdf));
	snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s", bdf);
	ck_assert_uint_eq(sysfs_u64(dir, "vendor"), info.out.vendor_id);
	ck_assert_uint_eq(sysfs_u64(dir, "device"), info.out.device_id);
	ck_assert_uint_eq(sysfs_u64(dir, "subsystem_vendor"), info.out.subsys_vendor_id);
	ck_assert_uint_eq(sysfs_u64(dir, "subsystem_device"), info.out.subsys_device_id);
	ck_assert_uint_eq(sysfs_u64(dir, "class"), info.out.class_code);

	snprintf(link, sizeof(link), "%s/resource", dir);
	f = fopen(link, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%llx %llx", &start, &end), 2);
	fclose(f);
	ck_assert_uint_eq(end - start + 1, info.out.bar0_size);

	/* The node's minor, and the class device's parent, are this function. */
	ck_assert_int_eq(stat(dev_path(), &st), 0);
	ck_assert_uint_eq(minor(st.st_rdev), info.out.minor);
	snprintf(link, sizeof(link), "/sys/class/nvmetest/nvmetest%u/device", info.out.minor);
	n = readlink(link, target, sizeof(target) - 1);
	ck_assert_int_gt(n, 0);
	target[n] = 0;
	ck_assert_str_eq(strrchr(target, '/') + 1, bdf);
}
END_TEST

START_TEST(test_dev_node_is_mode_0600)
{
	struct stat st;

	ck_assert_int_eq(stat(dev_path(), &st), 0);
	ck_assert(S_ISCHR(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
}
END_TEST

START_TEST(test_get_info_zero_fills_output)
{
	struct nvt_ioctl_get_info gi;

	memset(&gi, 0xa5, sizeof(gi));
	memset(&gi.in, 0, sizeof(gi.in));
	gi.in.output_size_bytes = sizeof(gi.out);
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_GET_INFO, &gi), 0);
	ck_assert_uint_eq(gi.out.pad0, 0);
	ck_assert_uint_eq(gi.out.pad1, 0);
	for (size_t i = 0; i < ARRAY_SIZE(gi.out.reserved); i++)
		ck_assert_uint_eq(gi.out.reserved[i], 0);
	ck_assert_mem_eq(&gi.out, &info.out, sizeof(gi.out));
	/* The in half is the caller's: left alone. */
	ck_assert_uint_eq(gi.in.output_size_bytes, sizeof(gi.out));
}
END_TEST

/*
 * output_size_bytes = n: exactly n bytes of out are written. The struct sits
 * so that out + n is the first byte of an inaccessible page, so writing one
 * byte more would fail with EFAULT; bytes before out + n are checked.
 */
START_TEST(test_get_info_copies_only_output_size_bytes)
{
	static const uint32_t sizes[] = { 0, 1, 4, 8, 16, 55, 56, 119 };
	const size_t out_off = offsetof(struct nvt_ioctl_get_info, out);
	struct nvt_ioctl_get_info gi = { 0 };
	uint32_t n = sizes[_i];
	unsigned char *p = guarded_page();
	unsigned char *arg = p + page_size - out_off - n;

	memset(p, 0xa5, page_size);
	gi.in.output_size_bytes = n;
	memcpy(arg, &gi.in, sizeof(gi.in));
	ck_assert_msg(xioctl(fd, NVT_IOCTL_GET_INFO, arg) == 0, "n=%u: %s", n, strerror(errno));
	ck_assert_mem_eq(arg + out_off, &info.out, n);
	ck_assert_mem_eq(arg, &gi.in, sizeof(gi.in));
	munmap(p, 2 * page_size);
}
END_TEST

/* A caller that knows a longer out (a newer header) gets sizeof(out) bytes. */
START_TEST(test_get_info_larger_output_size_is_clamped)
{
	static const uint32_t sizes[] = { 121, 4096, 0xffffffffu };
	const size_t len = sizeof(struct nvt_ioctl_get_info);
	struct nvt_ioctl_get_info gi = { 0 };
	unsigned char *p = guarded_page();
	unsigned char *arg = p + page_size - len;

	gi.in.output_size_bytes = sizes[_i];
	memcpy(arg, &gi.in, sizeof(gi.in));
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_GET_INFO, arg), 0);
	memcpy(&gi, arg, len);
	ck_assert_mem_eq(&gi.out, &info.out, sizeof(gi.out));
	ck_assert_uint_eq(gi.out.output_size_bytes, 120);
	munmap(p, 2 * page_size);
}
END_TEST

/* ---- READ_REG / WRITE_REG and READ_CONFIG / WRITE_CONFIG: bad fields ---- */

static const unsigned long access_reqs[] = {
	NVT_IOCTL_READ_REG, NVT_IOCTL_WRITE_REG,
	NVT_IOCTL_READ_CONFIG, NVT_IOCTL_WRITE_CONFIG,
};

static const char *req_name(unsigned long req)
{
	for (size_t i = 0; i < ARRAY_SIZE(ioctls); i++)
		if (ioctls[i].req == req)
			return ioctls[i].name;
	return "?";
}

static bool is_reg(unsigned long req)
{
	return req == NVT_IOCTL_READ_REG || req == NVT_IOCTL_WRITE_REG;
}

START_TEST(test_access_flags_nonzero_is_einval)
{
	unsigned long req = access_reqs[_i / 2];
	struct nvt_ioctl_access a = valid_access(req);

	a.flags = _i % 2 ? 0x80000000u : 1;
	ck_assert_msg(xioctl(fd, req, &a) == -EINVAL, "%s flags 0x%x", req_name(req), a.flags);
}
END_TEST

START_TEST(test_access_reserved_nonzero_is_einval)
{
	unsigned long req = access_reqs[_i / 4];
	struct nvt_ioctl_access a = valid_access(req);

	a.reserved[_i % 2] = (_i / 2) % 2 ? 1ULL << 63 : 1;
	ck_assert_msg(xioctl(fd, req, &a) == -EINVAL, "%s reserved[%d]", req_name(req), _i % 2);
}
END_TEST

START_TEST(test_access_bad_width_is_einval)
{
	static const uint32_t reg_bad[] = { 0, 1, 2, 3, 5, 6, 7, 9, 16, 32, 64, 0xffffffffu };
	static const uint32_t cfg_bad[] = { 0, 3, 5, 6, 7, 8, 9, 16, 32, 64, 0x80000004u, 0xffffffffu };
	unsigned long req = access_reqs[_i / 12];
	struct nvt_ioctl_access a = { .offset = 0 };

	_Static_assert(ARRAY_SIZE(reg_bad) == 12 && ARRAY_SIZE(cfg_bad) == 12, "loop");
	a.width = is_reg(req) ? reg_bad[_i % 12] : cfg_bad[_i % 12];
	ck_assert_msg(xioctl(fd, req, &a) == -EINVAL, "%s width %u", req_name(req), a.width);
}
END_TEST

START_TEST(test_access_misaligned_offset_is_einval)
{
	static const struct { uint32_t width; uint64_t offset; } reg_bad[] = {
		{ 4, 1 }, { 4, 2 }, { 4, 3 }, { 8, 4 }, { 8, 0xc }, { 8, 1 },
	}, cfg_bad[] = {
		{ 2, 1 }, { 2, 0xfff }, { 4, 1 }, { 4, 2 }, { 4, 0x3e }, { 4, 0xffe },
	};
	unsigned long req = access_reqs[_i / 6];
	struct nvt_ioctl_access a = { 0 };

	a.width = is_reg(req) ? reg_bad[_i % 6].width : cfg_bad[_i % 6].width;
	a.offset = is_reg(req) ? reg_bad[_i % 6].offset : cfg_bad[_i % 6].offset;
	ck_assert_msg(xioctl(fd, req, &a) == -EINVAL, "%s width %u offset 0x%llx",
		      req_name(req), a.width, (unsigned long long)a.offset);
}
END_TEST

START_TEST(test_access_offset_past_end_is_erange)
{
	unsigned long req = access_reqs[_i / 6];
	uint64_t end = is_reg(req) ? info.out.bar0_size : info.out.config_size;
	const struct { uint32_t width; uint64_t offset; } cases[] = {
		{ 4, end }, { is_reg(req) ? 8 : 1, end }, { 4, end + 0x1000 },
		{ 4, 1ULL << 40 }, { 4, ~3ULL }, { is_reg(req) ? 8 : 2, ~7ULL },
	};
	struct nvt_ioctl_access a = { .width = cases[_i % 6].width, .offset = cases[_i % 6].offset };

	ck_assert_msg(xioctl(fd, req, &a) == -ERANGE, "%s width %u offset 0x%llx",
		      req_name(req), a.width, (unsigned long long)a.offset);
}
END_TEST

START_TEST(test_write_value_too_wide_is_einval)
{
	static const struct { unsigned long req; uint32_t width; uint64_t value; } cases[] = {
		{ NVT_IOCTL_WRITE_REG, 4, 1ULL << 32 },
		{ NVT_IOCTL_WRITE_REG, 4, ~0ULL },
		{ NVT_IOCTL_WRITE_CONFIG, 1, 0x100 },
		{ NVT_IOCTL_WRITE_CONFIG, 2, 0x10000 },
		{ NVT_IOCTL_WRITE_CONFIG, 4, 1ULL << 32 },
		{ NVT_IOCTL_WRITE_CONFIG, 1, ~0ULL },
	};
	struct nvt_ioctl_access a = valid_access(cases[_i].req);
	uint64_t before = 0, after = 0;

	a.width = cases[_i].width;
	if (a.width < 4)
		a.offset = PCI_INTERRUPT_LINE;
	a.value = cases[_i].value;
	ck_assert_int_eq(access_op(fd, is_reg(cases[_i].req) ? NVT_IOCTL_READ_REG :
				   NVT_IOCTL_READ_CONFIG, a.width, a.offset, &before), 0);
	ck_assert_msg(xioctl(fd, cases[_i].req, &a) == -EINVAL, "%s width %u value 0x%llx",
		      req_name(cases[_i].req), a.width, (unsigned long long)a.value);
	ck_assert_int_eq(access_op(fd, is_reg(cases[_i].req) ? NVT_IOCTL_READ_REG :
				   NVT_IOCTL_READ_CONFIG, a.width, a.offset, &after), 0);
	ck_assert_uint_eq(before, after);
}
END_TEST

/* ---- registers (NVMe 1.4 section 3.1) ---- */

START_TEST(test_reg_vs_is_1_4)
{
	uint64_t vs;

	ck_assert_int_eq(reg_read(fd, 4, REG_VS, &vs), 0);
	ck_assert_uint_eq(vs, 0x00010400);
}
END_TEST

START_TEST(test_reg_cap_mqes_is_2047)
{
	uint64_t cap;

	ck_assert_int_eq(reg_read(fd, 8, REG_CAP, &cap), 0);
	ck_assert_uint_eq(cap & 0xffff, 2047);
}
END_TEST

START_TEST(test_reg_cap_64bit_equals_two_32bit_reads)
{
	uint64_t cap, lo, hi;

	ck_assert_int_eq(reg_read(fd, 8, REG_CAP, &cap), 0);
	ck_assert_int_eq(reg_read(fd, 4, REG_CAP, &lo), 0);
	ck_assert_int_eq(reg_read(fd, 4, REG_CAP + 4, &hi), 0);
	ck_assert_uint_eq(cap, lo | hi << 32);
	ck_assert_uint_ne(hi, 0);	/* CAP.CSS, MPSMIN/MAX live in the top half */
}
END_TEST

/* The input value of a read is ignored, and the output zero-extended. */
START_TEST(test_read_ignores_input_value)
{
	struct nvt_ioctl_access a = { .width = 4, .offset = REG_VS, .value = ~0ULL };

	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_READ_REG, &a), 0);
	ck_assert_uint_eq(a.value, 0x00010400);
	a = (struct nvt_ioctl_access){ .width = 1, .offset = PCI_VENDOR_ID, .value = ~0ULL };
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_READ_CONFIG, &a), 0);
	ck_assert_uint_eq(a.value, QEMU_VENDOR_ID & 0xff);
}
END_TEST

START_TEST(test_reg_last_bytes_of_bar0_are_in_range)
{
	uint64_t v;

	ck_assert_int_eq(reg_read(fd, 4, info.out.bar0_size - 4, &v), 0);
	ck_assert_int_eq(reg_read(fd, 8, info.out.bar0_size - 8, &v), 0);
}
END_TEST

/*
 * AQA and ASQ (NVMe 1.4 sections 3.1.8, 3.1.9) only take effect when CC.EN
 * goes to 1, so writing them and restoring them is harmless. (QEMU stores
 * them whatever CC.EN is; a real controller may want CC.EN = 0.)
 */
START_TEST(test_reg_aqa_write_reads_back)
{
	uint64_t orig, v;

	ck_assert_int_eq(reg_read(fd, 4, REG_AQA, &orig), 0);
	ck_assert_int_eq(reg_write(fd, 4, REG_AQA, 0x001f003f), 0);
	ck_assert_int_eq(reg_read(fd, 4, REG_AQA, &v), 0);
	ck_assert_uint_eq(v, 0x001f003f);
	ck_assert_int_eq(reg_write(fd, 4, REG_AQA, orig), 0);
	ck_assert_int_eq(reg_read(fd, 4, REG_AQA, &v), 0);
	ck_assert_uint_eq(v, orig);
}
END_TEST

START_TEST(test_reg_asq_64bit_write_reads_back)
{
	const uint64_t val = 0x0000001234567000ULL;
	uint64_t orig, v, lo, hi;

	ck_assert_int_eq(reg_read(fd, 8, REG_ASQ, &orig), 0);
	ck_assert_int_eq(reg_write(fd, 8, REG_ASQ, val), 0);
	ck_assert_int_eq(reg_read(fd, 8, REG_ASQ, &v), 0);
	ck_assert_uint_eq(v, val);
	ck_assert_int_eq(reg_read(fd, 4, REG_ASQ, &lo), 0);
	ck_assert_int_eq(reg_read(fd, 4, REG_ASQ + 4, &hi), 0);
	ck_assert_uint_eq(lo, val & 0xffffffff);
	ck_assert_uint_eq(hi, val >> 32);
	ck_assert_int_eq(reg_write(fd, 8, REG_ASQ, orig), 0);
	ck_assert_int_eq(reg_read(fd, 8, REG_ASQ, &v), 0);
	ck_assert_uint_eq(v, orig);
}
END_TEST

/* ---- config space ---- */

START_TEST(test_config_ids_and_class_code)
{
	uint64_t v;

	ck_assert_int_eq(cfg_read(fd, 4, PCI_VENDOR_ID, &v), 0);
	ck_assert_uint_eq(v, (uint64_t)QEMU_DEVICE_ID << 16 | QEMU_VENDOR_ID);
	ck_assert_int_eq(cfg_read(fd, 2, PCI_VENDOR_ID, &v), 0);
	ck_assert_uint_eq(v, QEMU_VENDOR_ID);
	ck_assert_int_eq(cfg_read(fd, 2, PCI_DEVICE_ID, &v), 0);
	ck_assert_uint_eq(v, QEMU_DEVICE_ID);
	ck_assert_int_eq(cfg_read(fd, 1, PCI_VENDOR_ID + 1, &v), 0);
	ck_assert_uint_eq(v, QEMU_VENDOR_ID >> 8);
	ck_assert_int_eq(cfg_read(fd, 4, PCI_CLASS_REVISION, &v), 0);
	ck_assert_uint_eq(v >> 8, NVME_CLASS);
	ck_assert_int_eq(cfg_read(fd, 1, PCI_CLASS_PROG, &v), 0);
	ck_assert_uint_eq(v, NVME_CLASS & 0xff);
	ck_assert_int_eq(cfg_read(fd, 2, PCI_CLASS_DEVICE, &v), 0);
	ck_assert_uint_eq(v, NVME_CLASS >> 8);
	ck_assert_int_eq(cfg_read(fd, 2, PCI_SUBSYSTEM_VENDOR_ID, &v), 0);
	ck_assert_uint_eq(v, info.out.subsys_vendor_id);
	ck_assert_int_eq(cfg_read(fd, 2, PCI_SUBSYSTEM_ID, &v), 0);
	ck_assert_uint_eq(v, info.out.subsys_device_id);
}
END_TEST

/* The whole 4 KiB is reachable: the extended space and its last dword. */
START_TEST(test_config_extended_space_is_in_range)
{
	uint64_t v;

	ck_assert_int_eq(cfg_read(fd, 4, 0x100, &v), 0);
	ck_assert_int_eq(cfg_read(fd, 4, info.out.config_size - 4, &v), 0);
	ck_assert_int_eq(cfg_read(fd, 2, info.out.config_size - 2, &v), 0);
	ck_assert_int_eq(cfg_read(fd, 1, info.out.config_size - 1, &v), 0);
}
END_TEST

/* Interrupt Line (0x3c) is a scratch register for software: no effect on the device. */
START_TEST(test_config_interrupt_line_write_reads_back)
{
	uint64_t orig, v;

	ck_assert_int_eq(cfg_read(fd, 1, PCI_INTERRUPT_LINE, &orig), 0);
	ck_assert_int_eq(cfg_write(fd, 1, PCI_INTERRUPT_LINE, orig ^ 0x5a), 0);
	ck_assert_int_eq(cfg_read(fd, 1, PCI_INTERRUPT_LINE, &v), 0);
	ck_assert_uint_eq(v, orig ^ 0x5a);
	ck_assert_int_eq(cfg_read(fd, 4, PCI_INTERRUPT_LINE, &v), 0);
	ck_assert_uint_eq(v & 0xff, orig ^ 0x5a);
	ck_assert_int_eq(cfg_write(fd, 1, PCI_INTERRUPT_LINE, orig), 0);
	ck_assert_int_eq(cfg_read(fd, 1, PCI_INTERRUPT_LINE, &v), 0);
	ck_assert_uint_eq(v, orig);
}
END_TEST

static Suite *ioctl_suite(void)
{
	Suite *s = suite_create("ioctl");
	TCase *tc;

	tc = tcase_create("any");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_unknown_ioctl_number_is_enotty, 0, 5);
	tcase_add_loop_test(tc, test_wrong_size_encoded_is_enotty, 0, 4 * ARRAY_SIZE(ioctls));
	tcase_add_loop_test(tc, test_null_argument_is_efault, 0, ARRAY_SIZE(ioctls));
	tcase_add_loop_test(tc, test_unmapped_argument_is_efault, 0, ARRAY_SIZE(ioctls));
	tcase_add_loop_test(tc, test_unwritable_output_is_efault, 0, 3);
	tcase_add_loop_test(tc, test_write_accepts_read_only_argument, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("get_info");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_get_info_flags_nonzero_is_einval, 0, 3);
	tcase_add_loop_test(tc, test_get_info_reserved_nonzero_is_einval, 0, 6);
	tcase_add_test(tc, test_get_info_reports_emulated_nvme);
	tcase_add_test(tc, test_get_info_matches_sysfs);
	tcase_add_test(tc, test_dev_node_is_mode_0600);
	tcase_add_test(tc, test_get_info_zero_fills_output);
	tcase_add_loop_test(tc, test_get_info_copies_only_output_size_bytes, 0, 8);
	tcase_add_loop_test(tc, test_get_info_larger_output_size_is_clamped, 0, 3);
	suite_add_tcase(s, tc);

	tc = tcase_create("access");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_access_flags_nonzero_is_einval, 0, 2 * 4);
	tcase_add_loop_test(tc, test_access_reserved_nonzero_is_einval, 0, 4 * 4);
	tcase_add_loop_test(tc, test_access_bad_width_is_einval, 0, 12 * 4);
	tcase_add_loop_test(tc, test_access_misaligned_offset_is_einval, 0, 6 * 4);
	tcase_add_loop_test(tc, test_access_offset_past_end_is_erange, 0, 6 * 4);
	tcase_add_loop_test(tc, test_write_value_too_wide_is_einval, 0, 6);
	tcase_add_test(tc, test_read_ignores_input_value);
	suite_add_tcase(s, tc);

	tc = tcase_create("regs");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_reg_vs_is_1_4);
	tcase_add_test(tc, test_reg_cap_mqes_is_2047);
	tcase_add_test(tc, test_reg_cap_64bit_equals_two_32bit_reads);
	tcase_add_test(tc, test_reg_last_bytes_of_bar0_are_in_range);
	tcase_add_test(tc, test_reg_aqa_write_reads_back);
	tcase_add_test(tc, test_reg_asq_64bit_write_reads_back);
	suite_add_tcase(s, tc);

	tc = tcase_create("config");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_config_ids_and_class_code);
	tcase_add_test(tc, test_config_extended_space_is_in_range);
	tcase_add_test(tc, test_config_interrupt_line_write_reads_back);
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	require_device();
	return run_suite(ioctl_suite());
}
