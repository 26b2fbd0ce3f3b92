// SPDX-License-Identifier: MIT
/*
 * lib/cmd.c, lib/admin.c, lib/buf.c, lib/init.c without a device: the
 * dwords of the commands init sends, and argument checking that happens
 * before anything reaches the kernel.
 */
#include <nvmetest/nvmetest.h>

#include "unit.h"

START_TEST(test_identify_dwords)
{
	struct nvt_cmd c;

	ck_assert_int_eq(nvt__identify_cmd(&c, 7, NVT_CNS_CTRL_NS_LIST, 0x1234, 2), 0);
	ck_assert_uint_eq(c.opcode, 0x06);
	ck_assert_uint_eq(c.nsid, 7);
	ck_assert_uint_eq(c.cdw10, 0x12340012);
	ck_assert_uint_eq(c.cdw11, 2u << 24);
	ck_assert_uint_eq(c.flags, 0);
}
END_TEST

START_TEST(test_features_dwords)
{
	struct nvt_cmd c;

	unit_log_reset();
	ck_assert_int_eq(nvt__features_cmd("f", &c, NVT_ADMIN_GET_FEATURES, 4, NVT_SEL_SUPPORTED,
					   1, 11, 12, 13, 14, 15), 0);
	ck_assert_uint_eq(c.opcode, 0x0a);
	ck_assert_uint_eq(c.cdw10, 3u << 8 | 4);
	ck_assert_uint_eq(c.nsid, 1);
	ck_assert_uint_eq(c.cdw11, 11);
	ck_assert_uint_eq(c.cdw15, 15);
	ck_assert_int_eq(nvt__features_cmd("f", &c, NVT_ADMIN_SET_FEATURES, 7, 1, 0,
					   0x30003, 0, 0, 0, 0), 0);
	ck_assert_uint_eq(c.opcode, 0x09);
	ck_assert_uint_eq(c.cdw10, 1u << 31 | 7);
	ck_assert_int_eq(nvt__features_cmd("f", &c, NVT_ADMIN_GET_FEATURES, 4, 8, 0, 0, 0, 0, 0,
					   0), -EINVAL);
	ck_assert_log_contains("sel_sv 8 is above its maximum 7");
	ck_assert_int_eq(nvt__features_cmd("f", &c, NVT_ADMIN_SET_FEATURES, 4, 2, 0, 0, 0, 0, 0,
					   0), -EINVAL);
}
END_TEST

START_TEST(test_getlogpage_dwords)
{
	struct nvt_cmd c;

	/* 4096 bytes: NUMD 1023 (NUMDL 03FFh, NUMDU 0); RAE, LSP, LID. */
	ck_assert_int_eq(nvt__getlogpage_cmd("g", &c, 0x05, 4096, 0, 0, 0, 0), 0);
	ck_assert_uint_eq(c.cdw10, 0x03ff0005);
	ck_assert_uint_eq(c.cdw11, 0);
	ck_assert_int_eq(nvt__getlogpage_cmd("g", &c, 0x02, 512, 0x100000008ULL, 0xffffffff, 3,
					     1), 0);
	ck_assert_uint_eq(c.nsid, 0xffffffff);
	ck_assert_uint_eq(c.cdw10, 127u << 16 | 1u << 15 | 3u << 8 | 2);
	ck_assert_uint_eq(c.cdw12, 8);
	ck_assert_uint_eq(c.cdw13, 1);
	/* 1 MiB: NUMD 3FFFFh splits into NUMDL FFFFh and NUMDU 3. */
	ck_assert_int_eq(nvt__getlogpage_cmd("g", &c, 0x07, 1 << 20, 0, 0, 0, 0), 0);
	ck_assert_uint_eq(c.cdw10 >> 16, 0xffff);
	ck_assert_uint_eq(c.cdw11, 3);
	ck_assert_int_eq(nvt__getlogpage_cmd("g", &c, 2, 0, 0, 0, 0, 0), -EINVAL);
	ck_assert_int_eq(nvt__getlogpage_cmd("g", &c, 2, 6, 0, 0, 0, 0), -EINVAL);
	ck_assert_int_eq(nvt__getlogpage_cmd("g", &c, 2, 8, 2, 0, 0, 0), -EINVAL);
	ck_assert_int_eq(nvt__getlogpage_cmd("g", &c, 2, 8, 0, 0, 16, 0), -EINVAL);
	ck_assert_int_eq(nvt__getlogpage_cmd("g", &c, 2, 8, 0, 0, 0, 2), -EINVAL);
}
END_TEST

START_TEST(test_null_arguments)
{
	struct nvt_ctrl *c = (struct nvt_ctrl *)1;
	struct nvt_buf *b = (struct nvt_buf *)1;
	struct nvt_cmd cmd = { .opcode = 6 };
	uint64_t v;
	char s[8];

	unit_log_reset();
	ck_assert_int_eq(nvt_ctrl_open_opts("nvmetest0", NULL, NULL), -EINVAL);
	ck_assert_int_eq(nvt_ctrl_create_opts(NULL, NULL, &c), -EINVAL);
	ck_assert_ptr_null(c);
	ck_assert_int_eq(nvt_buf_alloc(NULL, 4096, &b), -EINVAL);
	ck_assert_ptr_null(b);
	ck_assert_int_eq(nvt_ctrl_send_cmd(NULL, &cmd, NULL, NULL, NULL), -EINVAL);
	ck_assert_int_eq(nvt_ctrl_waitdone(NULL, 1), -EINVAL);
	ck_assert_int_eq(nvt_ctrl_reset(NULL), -EINVAL);
	ck_assert_int_eq(nvt_ctrl_shutdown(NULL, 0), -EINVAL);
	ck_assert_int_eq(nvt_ctrl_disable(NULL), -EINVAL);
	ck_assert_int_eq(nvt_ctrl_enable(NULL), -EINVAL);
	ck_assert_int_eq(nvt_ctrl_init_adminq(NULL), -EINVAL);
	ck_assert_int_eq(nvt_ctrl_identify_init(NULL), -EINVAL);
	ck_assert_int_eq(nvt_ctrl_aer_arm(NULL), -EINVAL);
	ck_assert_int_eq(nvt_ctrl_id_data(NULL, 1, 0, &v), -EINVAL);
	ck_assert_int_eq(nvt_ctrl_id_str(NULL, 1, 0, s, sizeof(s)), -EINVAL);
	ck_assert_int_eq(nvt_ctrl_supports(NULL, 6), -EINVAL);
	ck_assert_int_eq(nvt_ctrl_set_timeout(NULL, 1), -EINVAL);
	ck_assert_int_eq(nvt_ctrl_set_aer_cb(NULL, NULL, NULL), -EINVAL);
	ck_assert_int_eq(nvt_ctrl_cmdlog(NULL, 1, NULL, NULL), -EINVAL);
	ck_assert_int_eq(nvt_ctrl_download_firmware(NULL, "x", 0, 0, 0), -EINVAL);
	ck_assert_uint_eq(nvt_ctrl_get_timeout(NULL), 0);
	ck_assert_uint_eq(nvt_ctrl_outstanding(NULL), 0);
	ck_assert_uint_eq(nvt_ctrl_latest_cid(NULL), 0);
	ck_assert_uint_eq(nvt_ctrl_latest_cdw0(NULL), 0);
	ck_assert_uint_eq(nvt_ctrl_latest_latency(NULL), 0);
	ck_assert_uint_eq(nvt_ctrl_generation(NULL), 0);
	ck_assert_ptr_null(nvt_ctrl_ref(NULL));
	ck_assert_str_eq(nvt_ctrl_cmdname(NULL, 0x80), "Format NVM");
	nvt_ctrl_close(NULL);

	ck_assert_ptr_null(nvt_buf_data(NULL));
	ck_assert_uint_eq(nvt_buf_size(NULL), 0);
	ck_assert_str_eq(nvt_buf_name(NULL), "");
	ck_assert_int_eq(nvt_buf_set_name(NULL, "x"), -EINVAL);
	ck_assert_int_eq(nvt_buf_set_offset(NULL, 0), -EINVAL);
	ck_assert_int_eq(nvt_buf_set_xfer_size(NULL, 0), -EINVAL);
	ck_assert_int_eq(nvt_buf_fill(NULL, 0, 0), -EINVAL);
	ck_assert_int_eq(nvt_buf_field(NULL, 1, 0, &v), -EINVAL);
	ck_assert_int_eq(nvt_buf_str(NULL, 1, 0, s, sizeof(s)), -EINVAL);
	ck_assert_int_eq(nvt_buf_dump(NULL, 0, s, sizeof(s)), -EINVAL);
	ck_assert_int_eq(nvt_buf_set_dsm_range(NULL, 0, 0, 1, 0), -EINVAL);
	ck_assert_uint_eq(nvt_buf_iova(NULL), 0);
	ck_assert_uint_eq(nvt_buf_handle(NULL), 0);
	ck_assert_ptr_null(nvt_buf_ctrl(NULL));
	nvt_buf_free(NULL);
}
END_TEST

static Suite *cmd_suite(void)
{
	Suite *s = suite_create("cmd");
	TCase *tc = tcase_create("cmd");

	tcase_add_test(tc, test_identify_dwords);
	tcase_add_test(tc, test_features_dwords);
	tcase_add_test(tc, test_getlogpage_dwords);
	tcase_add_test(tc, test_null_arguments);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(cmd_suite)
