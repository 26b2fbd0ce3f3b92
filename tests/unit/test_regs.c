// SPDX-License-Identifier: MIT
/*
 * lib/regs.c and spec.h: register names, fields and their decoding.
 */
#include "unit.h"

/* CAP and VS of QEMU 7.2's emulated controller, as read in the test VM. */
#define QEMU_CAP	0x004018200f0107ffULL
#define QEMU_VS		0x00010400

static char text[1024];

static const char *decode(uint32_t offset, uint64_t value)
{
	int n = nvt_reg_decode(offset, value, text, sizeof(text));

	ck_assert_int_ge(n, 0);
	ck_assert_uint_eq((size_t)n, strlen(text));
	return text;
}

START_TEST(test_cap_qemu)
{
	ck_assert_str_eq(decode(NVT_REG_CAP, QEMU_CAP),
			 "MQES=2047 (2048 entries) CQR=1 AMS=0x0 TO=15 (7500 ms) "
			 "DSTRD=0 (4 bytes) NSSRS=0 "
			 "CSS=0xc1 (NVM, I/O command sets, no I/O command set) BPS=0 "
			 "MPSMIN=0 (4 KiB) MPSMAX=4 (64 KiB) PMRS=0 CMBS=0");
}
END_TEST

START_TEST(test_cap_fields)
{
	uint64_t v;

	ck_assert_uint_eq(NVT_BITS_GET(QEMU_CAP, NVT_CAP_MQES), 2047);
	ck_assert_uint_eq(NVT_BITS_GET(QEMU_CAP, NVT_CAP_TO), 15);
	ck_assert_uint_eq(NVT_BITS_GET(QEMU_CAP, NVT_CAP_MPSMAX), 4);
	ck_assert_int_eq(nvt_reg_field(NVT_REG_CAP, "mqes", QEMU_CAP, &v), 0);
	ck_assert_uint_eq(v, 2047);
	ck_assert_int_eq(nvt_reg_field(NVT_REG_CAP, "CSS", QEMU_CAP, &v), 0);
	ck_assert_uint_eq(v, NVT_CAP_CSS_NVM | NVT_CAP_CSS_IOCS | NVT_CAP_CSS_NOIOCS);
	ck_assert_int_eq(nvt_reg_field(NVT_REG_CAP, "NOPE", QEMU_CAP, &v), -ENOENT);
	ck_assert_int_eq(nvt_reg_field(0x1234, "MQES", QEMU_CAP, &v), -ENOENT);
	ck_assert_int_eq(nvt_reg_field(NVT_REG_CAP, NULL, QEMU_CAP, &v), -EINVAL);
	ck_assert_int_eq(nvt_reg_field(NVT_REG_CAP, "MQES", QEMU_CAP, NULL), -EINVAL);
}
END_TEST

START_TEST(test_cap_edges)
{
	/* Every field at its maximum; unnamed bits are named by position. */
	ck_assert_ptr_nonnull(strstr(decode(NVT_REG_CAP, ~0ULL), "MQES=65535 (65536 entries)"));
	ck_assert_ptr_nonnull(strstr(text, "TO=255 (127500 ms)"));
	ck_assert_ptr_nonnull(strstr(text, "DSTRD=15 (128 KiB)"));
	ck_assert_ptr_nonnull(strstr(text, "MPSMAX=15 (128 MiB)"));
	ck_assert_ptr_nonnull(strstr(text, "AMS=0x3 (weighted round robin with urgent, vendor specific)"));
	ck_assert_ptr_nonnull(strstr(decode(NVT_REG_CAP, 1ULL << 38), "CSS=0x2 (bit 38)"));
	ck_assert_ptr_nonnull(strstr(decode(NVT_REG_CAP, 0), "MQES=0 (1 entries) CQR=0 AMS=0x0 TO=0 (0 ms)"));
}
END_TEST

START_TEST(test_vs)
{
	ck_assert_str_eq(decode(NVT_REG_VS, QEMU_VS), "1.4.0 (MJR=1 MNR=4 TER=0)");
	ck_assert_str_eq(decode(NVT_REG_VS, NVT_VS(2, 0, 1)), "2.0.1 (MJR=2 MNR=0 TER=1)");
	ck_assert_uint_eq(NVT_VS(1, 4, 0), QEMU_VS);
}
END_TEST

START_TEST(test_cc)
{
	uint32_t cc = NVT_BITS_PREP(1, NVT_CC_EN) | NVT_BITS_PREP(6, NVT_CC_IOSQES) |
		      NVT_BITS_PREP(4, NVT_CC_IOCQES);

	ck_assert_uint_eq(cc, 0x00460001);
	ck_assert_str_eq(decode(NVT_REG_CC, cc),
			 "EN=1 CSS=0 (NVM) MPS=0 (4 KiB) AMS=0 (round robin) SHN=0 (none) "
			 "IOSQES=6 (64 bytes) IOCQES=4 (16 bytes)");
	ck_assert_ptr_nonnull(strstr(decode(NVT_REG_CC, NVT_BITS_PREP(NVT_CC_SHN_ABRUPT, NVT_CC_SHN) |
					    NVT_BITS_PREP(7, NVT_CC_CSS)),
				     "CSS=7 (admin only)"));
	ck_assert_ptr_nonnull(strstr(text, "SHN=2 (abrupt)"));
	ck_assert_ptr_nonnull(strstr(decode(NVT_REG_CC, NVT_BITS_PREP(3, NVT_CC_SHN)), "SHN=3 (reserved)"));
	/* PREP drops what does not fit the field. */
	ck_assert_uint_eq(NVT_BITS_PREP(0x1f, NVT_CC_IOSQES), 0xf0000);
}
END_TEST

START_TEST(test_csts)
{
	ck_assert_str_eq(decode(NVT_REG_CSTS, 1), "RDY=1 CFS=0 SHST=0 (normal) NSSRO=0 PP=0");
	ck_assert_str_eq(decode(NVT_REG_CSTS, 0x3b),
			 "RDY=1 CFS=1 SHST=2 (shutdown complete) NSSRO=1 PP=1");
	ck_assert_ptr_nonnull(strstr(decode(NVT_REG_CSTS, 0xc), "SHST=3 (reserved)"));
}
END_TEST

START_TEST(test_admin_queue_regs)
{
	ck_assert_str_eq(decode(NVT_REG_AQA, 0x001f003f), "ASQS=63 (64 entries) ACQS=31 (32 entries)");
	ck_assert_str_eq(decode(NVT_REG_ASQ, 0x123456789abcdfffULL), "ASQB=0x123456789abcd000");
	ck_assert_str_eq(decode(NVT_REG_ACQ, 0x1000), "ACQB=0x1000");
	ck_assert_str_eq(decode(NVT_REG_CMBSZ, 0x00001f00), "SQS=0 CQS=0 LISTS=0 RDS=0 WDS=0 SZU=15 (reserved) SZ=1");
	ck_assert_str_eq(decode(NVT_REG_CMBLOC, 0x00003002),
			 "BIR=2 CQMMS=0 CQPDS=0 CDPMLS=0 CDPCILS=0 CDMMMS=0 CQDA=0 OFST=0x3");
	ck_assert_str_eq(decode(NVT_REG_NSSR, NVT_NSSR_RESET), "NSSRC=0x4e564d65");
}
END_TEST

START_TEST(test_names_and_widths)
{
	ck_assert_str_eq(nvt_reg_name(NVT_REG_CAP), "CAP");
	ck_assert_str_eq(nvt_reg_name(NVT_REG_CC), "CC");
	ck_assert_str_eq(nvt_reg_name(NVT_REG_PMRMSCU), "PMRMSCU");
	ck_assert_ptr_null(nvt_reg_name(0x04));		/* inside CAP */
	ck_assert_ptr_null(nvt_reg_name(NVT_REG_DBS));
	ck_assert_int_eq(nvt_reg_width(NVT_REG_CAP), 8);
	ck_assert_int_eq(nvt_reg_width(NVT_REG_ACQ), 8);
	ck_assert_int_eq(nvt_reg_width(NVT_REG_VS), 4);
	ck_assert_int_eq(nvt_reg_width(0x18), -ENOENT);
	ck_assert_int_eq(nvt_reg_offset("csts"), NVT_REG_CSTS);
	ck_assert_int_eq(nvt_reg_offset("CMBMSC"), NVT_REG_CMBMSC);
	ck_assert_int_eq(nvt_reg_offset("MQES"), -ENOENT);
	ck_assert_int_eq(nvt_reg_offset(NULL), -EINVAL);
}
END_TEST

/* Every register decodes any value, and names round-trip. */
START_TEST(test_every_register)
{
	uint32_t off;
	int n = 0;

	for (off = 0; off < NVT_REG_DBS; off += 4) {
		const char *name = nvt_reg_name(off);

		if (!name) {
			ck_assert_int_eq(nvt_reg_decode(off, 0, text, sizeof(text)), -ENOENT);
			continue;
		}
		n++;
		ck_assert_int_eq(nvt_reg_offset(name), (int)off);
		ck_assert_int_eq(off % (uint32_t)nvt_reg_width(off), 0);
		ck_assert_int_gt(strlen(decode(off, 0)), 0);
		ck_assert_int_gt(strlen(decode(off, ~0ULL)), 0);
	}
	ck_assert_int_eq(n, 24);
}
END_TEST

START_TEST(test_truncation)
{
	char small[8];
	int full = nvt_reg_decode(NVT_REG_CAP, QEMU_CAP, NULL, 0);

	ck_assert_int_gt(full, (int)sizeof(small));
	memset(small, 'x', sizeof(small));
	ck_assert_int_eq(nvt_reg_decode(NVT_REG_CAP, QEMU_CAP, small, sizeof(small)), full);
	ck_assert_str_eq(small, "MQES=20");
	ck_assert_int_eq(nvt_reg_decode(NVT_REG_CAP, QEMU_CAP, small, 1), full);
	ck_assert_str_eq(small, "");
	ck_assert_int_eq(nvt_reg_decode(NVT_REG_CAP, QEMU_CAP, NULL, 4), -EINVAL);
	ck_assert_int_eq(nvt_reg_decode(0x1001, 0, small, sizeof(small)), -ENOENT);
}
END_TEST

static Suite *regs_suite(void)
{
	Suite *s = suite_create("regs");
	TCase *tc = tcase_create("decode");

	tcase_add_test(tc, test_cap_qemu);
	tcase_add_test(tc, test_cap_fields);
	tcase_add_test(tc, test_cap_edges);
	tcase_add_test(tc, test_vs);
	tcase_add_test(tc, test_cc);
	tcase_add_test(tc, test_csts);
	tcase_add_test(tc, test_admin_queue_regs);
	tcase_add_test(tc, test_names_and_widths);
	tcase_add_test(tc, test_every_register);
	tcase_add_test(tc, test_truncation);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(regs_suite)
