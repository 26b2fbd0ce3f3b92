// SPDX-License-Identifier: MIT
/*
 * The IO path's device-free parts: LBA range checks (lib/io.c), Copy
 * range entries, and the NULL and bad-argument handling of the qpair,
 * namespace and IO calls (lib/qpair.c, lib/ns.c, lib/io.c) before any
 * device is touched.
 */
#include <nvmetest/nvmetest.h>

#include "unit.h"

START_TEST(test_lba_check_inside)
{
	unit_log_reset();
	ck_assert_int_eq(nvt__lba_check("f", 1, 1000, 0, 1), 0);
	ck_assert_int_eq(nvt__lba_check("f", 1, 1000, 0, 1000), 0);
	ck_assert_int_eq(nvt__lba_check("f", 1, 1000, 999, 1), 0);
	ck_assert_str_eq(unit_log, "");
}
END_TEST

START_TEST(test_lba_check_outside)
{
	unit_log_reset();
	ck_assert_int_eq(nvt__lba_check("nvt_ns_read", 2, 1000, 999, 2), -ERANGE);
	ck_assert_log_contains("nvt_ns_read: LBAs 0x3e7..0x3e8 (2) are outside namespace 2 (0x0..0x3e7)");
	ck_assert_int_eq(nvt__lba_check("f", 1, 1000, 1000, 1), -ERANGE);
	ck_assert_int_eq(nvt__lba_check("f", 1, 1000, 0, 1001), -ERANGE);
	/* no wrap-around past 2^64 */
	ck_assert_int_eq(nvt__lba_check("f", 1, 1000, UINT64_MAX, 2), -ERANGE);
	ck_assert_int_eq(nvt__lba_check("f", 1, 1000, 500, UINT64_MAX), -ERANGE);
}
END_TEST

START_TEST(test_copy_range_set)
{
	uint8_t mem[2 * NVT_COPY_RANGE_SIZE];
	uint64_t v;

	memset(mem, 0xff, sizeof(mem));
	ck_assert_int_eq(nvt_copy_range_set(mem, sizeof(mem), 1, 0x1122334455667788ull, 8), 0);
	ck_assert_uint_eq(mem[0], 0xff);	/* entry 0 untouched */
	ck_assert_int_eq(nvt_le_field(mem, sizeof(mem), 40, 47, &v), 0);
	ck_assert_uint_eq(v, 0x1122334455667788ull);
	ck_assert_int_eq(nvt_le_field(mem, sizeof(mem), 48, 49, &v), 0);
	ck_assert_uint_eq(v, 7);		/* 0's based */
	ck_assert_int_eq(nvt_le_field(mem, sizeof(mem), 32, 39, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(nvt_copy_range_set(mem, sizeof(mem), 2, 0, 1), -ERANGE);
	ck_assert_int_eq(nvt_copy_range_set(mem, sizeof(mem), 0, 0, 0), -EINVAL);
	ck_assert_int_eq(nvt_copy_range_set(mem, sizeof(mem), 0, 0, 65537), -EINVAL);
	ck_assert_int_eq(nvt_copy_range_set(NULL, 64, 0, 0, 1), -EINVAL);
}
END_TEST

static void cb(void *ctx, const struct nvt_cpl *cpl)
{
	(void)ctx;
	(void)cpl;
}

START_TEST(test_null_qpair)
{
	struct nvt_qpair *qp = (struct nvt_qpair *)1;
	struct nvt_cmd cmd = { .opcode = NVT_IO_FLUSH };
	uint64_t count;

	unit_log_reset();
	ck_assert_int_eq(nvt_qpair_create(NULL, 16, NULL, &qp), -EINVAL);
	ck_assert_ptr_null(qp);
	ck_assert_log_contains("ctrl is NULL");
	ck_assert_int_eq(nvt_qpair_destroy(NULL), 0);
	ck_assert_uint_eq(nvt_qpair_qid(NULL), 0);
	ck_assert_uint_eq(nvt_qpair_depth(NULL), 0);
	ck_assert_int_eq(nvt_qpair_vector(NULL), -EINVAL);
	ck_assert_ptr_null(nvt_qpair_ctrl(NULL));
	ck_assert_int_eq(nvt_qpair_send_cmd(NULL, &cmd, NULL, cb, NULL), -EINVAL);
	ck_assert_int_eq(nvt_qpair_waitdone(NULL, 1), -EINVAL);
	ck_assert_log_contains("nvt_qpair_waitdone: qp is NULL");
	ck_assert_uint_eq(nvt_qpair_outstanding(NULL), 0);
	ck_assert_uint_eq(nvt_qpair_cids_held(NULL), 0);
	ck_assert_int_eq(nvt_qpair_set_timeout(NULL, 1), -EINVAL);
	ck_assert_uint_eq(nvt_qpair_get_timeout(NULL), 0);
	ck_assert_uint_eq(nvt_qpair_latest_cid(NULL), 0);
	ck_assert_uint_eq(nvt_qpair_latest_latency(NULL), 0);
	ck_assert_uint_eq(nvt_qpair_latest_cdw0(NULL), 0);
	ck_assert_int_eq(nvt_qpair_msix_clear(NULL), -EINVAL);
	ck_assert_int_eq(nvt_qpair_msix_isset(NULL), -EINVAL);
	ck_assert_int_eq(nvt_qpair_msix_mask(NULL), -EINVAL);
	ck_assert_int_eq(nvt_qpair_msix_unmask(NULL), -EINVAL);
	ck_assert_int_eq(nvt_qpair_irq_count(NULL, &count), -EINVAL);
	ck_assert_int_eq(nvt_qpair_wait_irq(NULL, 0), -EINVAL);
	ck_assert_int_eq(nvt_ctrl_irq_info(NULL, NULL, NULL), -EINVAL);
}
END_TEST

START_TEST(test_null_ns)
{
	struct nvt_ns *ns = (struct nvt_ns *)1;
	uint64_t v;
	char id[16];

	unit_log_reset();
	ck_assert_int_eq(nvt_ns_open(NULL, 1, &ns), -EINVAL);
	ck_assert_ptr_null(ns);
	nvt_ns_close(NULL);
	ck_assert_uint_eq(nvt_ns_nsid(NULL), 0);
	ck_assert_ptr_null(nvt_ns_ctrl(NULL));
	ck_assert_uint_eq(nvt_ns_capacity(NULL), 0);
	ck_assert_uint_eq(nvt_ns_lba_size(NULL), 0);
	ck_assert_uint_eq(nvt_ns_meta_size(NULL), 0);
	ck_assert_int_eq(nvt_ns_lba_format(NULL), -EINVAL);
	ck_assert_int_eq(nvt_ns_id_data(NULL, 7, 0, &v), -EINVAL);
	ck_assert_int_eq(nvt_ns_id_copy(NULL, id, sizeof(id)), -EINVAL);
	ck_assert_int_eq(nvt_ns_refresh(NULL), -EINVAL);
	ck_assert_int_eq(nvt_ns_get_lba_format(NULL, 512, 0), -EINVAL);
	ck_assert_int_eq(nvt_ns_format(NULL, 512, 0, 0), -EINVAL);
	ck_assert_int_eq(nvt_ns_supports(NULL, 1), -EINVAL);
	ck_assert_str_eq(nvt_ns_cmdname(NULL, NVT_IO_WRITE), "Write");
	ck_assert_str_eq(nvt_ns_cmdname(NULL, NVT_IO_COPY), "Copy");
	ck_assert_int_eq(nvt_ns_verify_enable(NULL, true), -EINVAL);
	ck_assert(!nvt_ns_verify_enabled(NULL));
	ck_assert_int_eq(nvt_ns_verify_limit(NULL, 1), -EINVAL);
	ck_assert_uint_eq(nvt_ns_verify_nlba(NULL), 0);
	ck_assert_int_eq(nvt_ns_verify_reset(NULL), -EINVAL);
	ck_assert_int_eq(nvt_ns_verify_pages(NULL, &v), -EINVAL);
}
END_TEST

START_TEST(test_null_io)
{
	struct nvt_io io = { .opcode = NVT_IO_READ, .lba_count = 1 };

	unit_log_reset();
	ck_assert_int_eq(nvt_ns_read(NULL, NULL, NULL, 0, 1, 0, cb, NULL), -EINVAL);
	ck_assert_log_contains("nvt_ns_read: ns is NULL");
	ck_assert_int_eq(nvt_ns_write(NULL, NULL, NULL, 0, 1, 0, cb, NULL), -EINVAL);
	ck_assert_int_eq(nvt_ns_compare(NULL, NULL, NULL, 0, 1, 0, cb, NULL), -EINVAL);
	ck_assert_int_eq(nvt_ns_flush(NULL, NULL, cb, NULL), -EINVAL);
	ck_assert_int_eq(nvt_ns_write_zeroes(NULL, NULL, 0, 1, 0, cb, NULL), -EINVAL);
	ck_assert_int_eq(nvt_ns_write_uncorrectable(NULL, NULL, 0, 1, cb, NULL), -EINVAL);
	ck_assert_int_eq(nvt_ns_verify(NULL, NULL, 0, 1, 0, cb, NULL), -EINVAL);
	ck_assert_int_eq(nvt_ns_dsm(NULL, NULL, NULL, 1, NVT_DSM_AD, cb, NULL), -EINVAL);
	ck_assert_int_eq(nvt_ns_copy(NULL, NULL, NULL, 0, 1, 0, cb, NULL), -EINVAL);
	ck_assert_int_eq(nvt_ns_io(NULL, NULL, NULL, NULL, cb, NULL), -EINVAL);
	ck_assert_log_contains("io is NULL");
	io.opcode = NVT_IO_DSM;
	ck_assert_int_eq(nvt_ns_io(NULL, NULL, NULL, &io, cb, NULL), -EINVAL);
	ck_assert_log_contains("not an LBA command");
	io.opcode = NVT_IO_READ;
	io.rsvd[2] = 1;
	ck_assert_int_eq(nvt_ns_io(NULL, NULL, NULL, &io, cb, NULL), -EINVAL);
	ck_assert_log_contains("reserved fields");
}
END_TEST

static Suite *io_suite(void)
{
	Suite *s = suite_create("io");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_lba_check_inside);
	tcase_add_test(tc, test_lba_check_outside);
	tcase_add_test(tc, test_copy_range_set);
	tcase_add_test(tc, test_null_qpair);
	tcase_add_test(tc, test_null_ns);
	tcase_add_test(tc, test_null_io);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(io_suite)
