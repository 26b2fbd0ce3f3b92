/* SPDX-License-Identifier: MIT */
/*
 * Shared by the unit tests: one Check suite per program, exit 0 (pass),
 * 1 (fail) or 77 (skip), and a log catcher for the library's messages.
 */
#ifndef NVT_UNIT_H
#define NVT_UNIT_H

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

/* The last message the library logged, "" if none since unit_log_reset(). */
static char unit_log[1024];

static void unit_log_fn(int level, const char *msg, void *ctx)
{
	(void)level;
	(void)ctx;
	snprintf(unit_log, sizeof(unit_log), "%s", msg);
}

static inline void unit_log_reset(void)
{
	unit_log[0] = '\0';
	nvt_set_log(unit_log_fn, NULL);
}

#define ck_assert_log_contains(needle) \
	ck_assert_msg(strstr(unit_log, needle), "log '%s' lacks '%s'", unit_log, needle)

/* main(): run the suite made by @make_suite, Check's usual summary. */
#define UNIT_MAIN(make_suite)						\
int main(void)								\
{									\
	SRunner *sr = srunner_create(make_suite());			\
	int failed;							\
									\
	srunner_run_all(sr, CK_NORMAL);					\
	failed = srunner_ntests_failed(sr);				\
	srunner_free(sr);						\
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;			\
}

#endif /* NVT_UNIT_H */
