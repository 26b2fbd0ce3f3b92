// SPDX-License-Identifier: MIT
/*
 * lib/events.c: event names and text, AER decoding.
 */
#include <nvmetest/events.h>

#include "unit.h"

START_TEST(test_event_names)
{
	ck_assert_str_eq(nvt_event_name(NVT_EVENT_AER), "aer");
	ck_assert_str_eq(nvt_event_name(NVT_EVENT_FATAL), "fatal");
	ck_assert_str_eq(nvt_event_name(NVT_EVENT_TIMEOUT), "timeout");
	ck_assert_str_eq(nvt_event_name(NVT_EVENT_RESET), "reset");
	ck_assert_str_eq(nvt_event_name(NVT_EVENT_REMOVED), "removed");
	ck_assert_str_eq(nvt_event_name(99), "unknown");
}
END_TEST

START_TEST(test_aer_describe)
{
	char text[128];

	nvt__aer_describe(0x00020101, text, sizeof(text));
	ck_assert_str_eq(text, "SMART / health: temperature threshold, log page 02h");
	nvt__aer_describe(0x00040002, text, sizeof(text));
	ck_assert_str_eq(text, "notice: namespace attribute changed, log page 04h");
	nvt__aer_describe(0x00010100, text, sizeof(text));
	ck_assert_str_eq(text, "error: invalid doorbell write value, log page 01h");
	nvt__aer_describe(0x00c0ff07, text, sizeof(text));
	ck_assert_str_eq(text, "vendor specific: information ffh, log page c0h");
	nvt__aer_describe(0x00000003, text, sizeof(text));
	ck_assert_str_eq(text, "reserved type: information 00h, log page 00h");
}
END_TEST

START_TEST(test_event_format)
{
	struct nvt_event e = { .type = NVT_EVENT_AER, .minor = 0, .bdf = "0000:01:00.0",
			       .present = NVT_EVENT_HAS_CDW0 | NVT_EVENT_HAS_STATUS,
			       .cdw0 = 0x00020101 };
	char text[256];
	int len;

	len = nvt_event_format(&e, text, sizeof(text));
	ck_assert_str_eq(text, "nvmetest0 0000:01:00.0 aer cdw0 0x00020101 (SMART / health: temperature threshold, log page 02h)");
	ck_assert_int_eq(len, (int)strlen(text));
	e.status = 0x105;
	nvt_event_format(&e, text, sizeof(text));
	ck_assert_str_eq(text, "nvmetest0 0000:01:00.0 aer status 01/05 Asynchronous Event Request Limit Exceeded");
	e = (struct nvt_event) { .type = NVT_EVENT_TIMEOUT, .minor = 1, .bdf = "0000:02:00.0",
				 .opcode = 0x0c, .cid = 5 };
	nvt_event_format(&e, text, sizeof(text));
	ck_assert_str_eq(text, "nvmetest1 0000:02:00.0 timeout opcode 0x0c Asynchronous Event Request cid 5 qid 0");
	e.type = NVT_EVENT_RESET;
	nvt_event_format(&e, text, sizeof(text));
	ck_assert_str_eq(text, "nvmetest1 0000:02:00.0 reset");
	ck_assert_int_eq(nvt_event_format(&e, NULL, 0), (int)strlen(text));
	ck_assert_int_eq(nvt_event_format(NULL, text, sizeof(text)), -EINVAL);
	ck_assert_int_eq(nvt_event_format(&e, NULL, 4), -EINVAL);
}
END_TEST

START_TEST(test_bad_arguments)
{
	struct nvt_event e;

	ck_assert_int_eq(nvt_events_open(NULL), -EINVAL);
	ck_assert_int_eq(nvt_events_fd(NULL), -EINVAL);
	ck_assert_int_eq(nvt_events_next(NULL, &e, 0), -EINVAL);
	nvt_events_close(NULL);
}
END_TEST

static Suite *events_suite(void)
{
	Suite *s = suite_create("events");
	TCase *tc = tcase_create("events");

	tcase_add_test(tc, test_event_names);
	tcase_add_test(tc, test_aer_describe);
	tcase_add_test(tc, test_event_format);
	tcase_add_test(tc, test_bad_arguments);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(events_suite)
