// SPDX-License-Identifier: MIT
/*
 * lib/cmdlog.c: reading a command log ring with the sequence protocol of
 * uapi.h, over memory laid out as the kernel maps it, and its decoding.
 */
#include <nvmetest/cmdlog.h>

#include "unit.h"

#define NR	8	/* a small ring: wraps quickly */

static struct {
	struct nvt_cmdlog_header hdr;
	struct nvt_cmdlog_entry e[NR];
} ring;

/* Log command @index as the kernel does: seq odd, fields, seq even. */
static void put(uint64_t index, uint8_t opcode, uint16_t cid, bool completed, uint16_t status)
{
	struct nvt_cmdlog_entry *e = &ring.e[index % NR];

	e->seq++;
	memset(e->sqe, 0, sizeof(e->sqe));
	e->sqe[0] = opcode | (uint32_t)cid << 16;
	e->sqe[1] = 1;
	e->sqe[10] = 0x1234;
	memset(e->cqe, 0, sizeof(e->cqe));
	e->submit_ns = 1000000;
	e->complete_ns = 0;
	e->flags = 0;
	e->index = index;
	if (completed) {
		e->cqe[0] = 0xab;
		e->cqe[3] = (uint32_t)status << 17 | cid;
		e->complete_ns = 1000000 + 153000;
	}
	e->seq++;
	ring.hdr.next = index + 1;
}

static struct nvt_cmdlog *wrap(void)
{
	struct nvt_cmdlog *log;

	ck_assert_int_eq(nvt__cmdlog_wrap(&ring, sizeof(ring), 0, &log), 0);
	return log;
}

static void reset_ring(void)
{
	memset(&ring, 0, sizeof(ring));
	ring.hdr.magic = NVT_CMDLOG_MAGIC;
	ring.hdr.entry_size = sizeof(struct nvt_cmdlog_entry);
	ring.hdr.nr_entries = NR;
}

START_TEST(test_header_is_checked)
{
	struct nvt_cmdlog *log;

	unit_log_reset();
	reset_ring();
	ck_assert_int_eq(nvt__cmdlog_wrap(&ring, 32, 0, &log), -EPROTO);
	ring.hdr.magic = 0;
	ck_assert_int_eq(nvt__cmdlog_wrap(&ring, sizeof(ring), 0, &log), -EPROTO);
	ck_assert_log_contains("magic 0x00000000");
	reset_ring();
	ring.hdr.nr_entries = 6;	/* not a power of two */
	ck_assert_int_eq(nvt__cmdlog_wrap(&ring, sizeof(ring), 0, &log), -EPROTO);
	ring.hdr.nr_entries = 16;	/* more than the memory holds */
	ck_assert_int_eq(nvt__cmdlog_wrap(&ring, sizeof(ring), 0, &log), -EPROTO);
	reset_ring();
	ring.hdr.entry_size = 64;	/* smaller than ours */
	ck_assert_int_eq(nvt__cmdlog_wrap(&ring, sizeof(ring), 0, &log), -EPROTO);
	reset_ring();
	log = wrap();
	ck_assert_uint_eq(nvt_cmdlog_size(log), NR);
	ck_assert_uint_eq(nvt_cmdlog_count(log), 0);
	nvt_cmdlog_close(log);
	nvt_cmdlog_close(NULL);
}
END_TEST

START_TEST(test_read_newest_last_and_wrapping)
{
	struct nvt_cmdlog_entry out[NR];
	struct nvt_cmdlog *log;
	unsigned int n, i;

	reset_ring();
	log = wrap();
	ck_assert_int_eq(nvt_cmdlog_read(log, 4, out, &n), 0);
	ck_assert_uint_eq(n, 0);		/* nothing logged yet */
	put(0, 6, 0, true, 0);
	put(1, 9, 1, false, 0);
	ck_assert_int_eq(nvt_cmdlog_read(log, 4, out, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(out[0].index, 0);
	ck_assert_uint_eq(out[1].index, 1);
	ck_assert_uint_eq(out[1].complete_ns, 0);	/* outstanding */

	/* 13 commands in a ring of 8: the last 8, oldest first. */
	for (i = 2; i < 13; i++)
		put(i, 2, (uint16_t)i, true, 0);
	ck_assert_int_eq(nvt_cmdlog_read(log, 0, out, &n), 0);
	ck_assert_uint_eq(n, NR);
	for (i = 0; i < NR; i++)
		ck_assert_uint_eq(out[i].index, 5 + i);
	ck_assert_int_eq(nvt_cmdlog_read(log, 3, out, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(out[0].index, 10);
	ck_assert_uint_eq(out[2].index, 12);
	ck_assert_uint_eq(nvt_cmdlog_count(log), 13);
	nvt_cmdlog_close(log);
}
END_TEST

START_TEST(test_entries_being_written_or_overwritten_are_skipped)
{
	struct nvt_cmdlog_entry out[NR];
	struct nvt_cmdlog *log;
	unsigned int n;

	reset_ring();
	log = wrap();
	put(0, 6, 0, true, 0);
	put(1, 6, 1, true, 0);
	put(2, 6, 2, true, 0);
	ring.e[1].seq++;		/* the writer is inside entry 1: odd */
	ck_assert_int_eq(nvt_cmdlog_read(log, 3, out, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(out[0].index, 0);
	ck_assert_uint_eq(out[1].index, 2);
	ring.e[1].seq++;
	ring.e[2].index = 10;		/* overwritten by a newer command */
	ck_assert_int_eq(nvt_cmdlog_read(log, 3, out, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(out[1].index, 1);
	ring.e[0].seq = 0;		/* never written */
	ck_assert_int_eq(nvt_cmdlog_read(log, 3, out, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(nvt_cmdlog_read(log, 3, NULL, &n), -EINVAL);
	ck_assert_int_eq(nvt_cmdlog_read(NULL, 3, out, &n), -EINVAL);
	nvt_cmdlog_close(log);
}
END_TEST

START_TEST(test_format)
{
	char text[256];
	int len;

	reset_ring();
	put(7, 0x06, 3, true, 0);
	len = nvt_cmdlog_format(&ring.e[7], 0, text, sizeof(text));
	ck_assert_str_eq(text, "#7 Identify (06h) cid 3 nsid 0x1 cdw10 0x00001234 status 00/00 cdw0 0xab latency 153 us");
	ck_assert_int_eq(len, (int)strlen(text));
	put(8, 0x03, 4, true, 0x001);
	nvt_cmdlog_format(&ring.e[8 % NR], 0, text, sizeof(text));
	ck_assert_ptr_nonnull(strstr(text, "status 00/01 Invalid Command Opcode"));
	put(9, 0x02, 5, false, 0);
	nvt_cmdlog_format(&ring.e[9 % NR], 1, text, sizeof(text));
	ck_assert_str_eq(text, "#9 Read (02h) cid 5 nsid 0x1 cdw10 0x00001234 outstanding");
	ring.e[9 % NR].complete_ns = 5;
	ring.e[9 % NR].flags = NVT_CPL_F_TIMEOUT;
	nvt_cmdlog_format(&ring.e[9 % NR], 0, text, sizeof(text));
	ck_assert_str_eq(text, "#9 Get Log Page (02h) cid 5 nsid 0x1 cdw10 0x00001234 timeout");
	ring.e[9 % NR].flags = NVT_CPL_F_CANCELLED;
	nvt_cmdlog_format(&ring.e[9 % NR], 0, text, sizeof(text));
	ck_assert_ptr_nonnull(strstr(text, " cancelled"));

	/* like snprintf */
	len = nvt_cmdlog_format(&ring.e[7], 0, NULL, 0);
	ck_assert_int_eq(len, (int)strlen("#7 Identify (06h) cid 3 nsid 0x1 cdw10 0x00001234 status 00/00 cdw0 0xab latency 153 us"));
	ck_assert_int_eq(nvt_cmdlog_format(&ring.e[7], 0, text, 10), len);
	ck_assert_str_eq(text, "#7 Identi");
	ck_assert_int_eq(nvt_cmdlog_format(NULL, 0, text, 10), -EINVAL);
	ck_assert_int_eq(nvt_cmdlog_format(&ring.e[7], 0, NULL, 10), -EINVAL);
}
END_TEST

static Suite *cmdlog_suite(void)
{
	Suite *s = suite_create("cmdlog");
	TCase *tc = tcase_create("cmdlog");

	tcase_add_test(tc, test_header_is_checked);
	tcase_add_test(tc, test_read_newest_last_and_wrapping);
	tcase_add_test(tc, test_entries_being_written_or_overwritten_are_skipped);
	tcase_add_test(tc, test_format);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(cmdlog_suite)
