/* SPDX-License-Identifier: MIT */
/*
 * What the library's device tests share: the devices under test and the
 * library's log, kept for assertions and echoed (warnings and worse) to stderr.
 */
#ifndef NVT_LIB_TEST_H
#define NVT_LIB_TEST_H

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <unistd.h>

#include <nvmetest/nvmetest.h>

#define EXIT_SKIP	77

/* The controller under test: $NVT_DEV, else /dev/nvmetest0. */
static inline const char *dev_path(void)
{
	const char *p = getenv("NVT_DEV");

	return p && *p ? p : "/dev/nvmetest0";
}

/* The second controller (the null namespace): $NVT_DEV2, else /dev/nvmetest1. */
static inline const char *dev2_path(void)
{
	const char *p = getenv("NVT_DEV2");

	return p && *p ? p : "/dev/nvmetest1";
}

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_text[64 * 1024];	/* "LEVEL message\n" lines, under log_lock */
static size_t log_len;

/* The nvt_set_log() callback. */
static inline void on_log(int level, const char *msg, void *ctx)
{
	(void)ctx;
	if (level <= NVT_LOG_WARN)
		fprintf(stderr, "  [lib %d] %s\n", level, msg);
	pthread_mutex_lock(&log_lock);
	if (log_len + strlen(msg) + 8 < sizeof(log_text))
		log_len += (size_t)sprintf(log_text + log_len, "%d %s\n", level, msg);
	pthread_mutex_unlock(&log_lock);
}

static inline void log_clear(void)
{
	pthread_mutex_lock(&log_lock);
	log_len = 0;
	log_text[0] = '\0';
	pthread_mutex_unlock(&log_lock);
}

/* Whether a message containing @needle was logged at @level (0: any level). */
static inline bool logged(int level, const char *needle)
{
	char pat[8];
	bool found = false;
	const char *line;

	snprintf(pat, sizeof(pat), "%d ", level);
	pthread_mutex_lock(&log_lock);
	for (line = log_text; *line; line = strchr(line, '\n') + 1) {
		const char *end = strchr(line, '\n');
		const char *hit = strstr(line, needle);

		if (hit && hit < end && (!level || !strncmp(line, pat, strlen(pat)))) {
			found = true;
			break;
		}
	}
	pthread_mutex_unlock(&log_lock);
	return found;
}

/*
 * main() of a device test: skip (77) when a device is missing or the module
 * lacks a feature in @need (NVT_FEATURE_*), else run @s: 0 passed, 1 failed.
 */
static inline int run_device_suite(Suite *s, uint64_t need, bool need_dev2)
{
	struct nvt_pcie_info info;
	struct nvt_pcie *p;
	SRunner *sr;
	int failed;

	if (access(dev_path(), F_OK) || (need_dev2 && access(dev2_path(), F_OK))) {
		fprintf(stderr, "SKIP: %s%s%s does not exist\n", dev_path(),
			need_dev2 ? " or " : "", need_dev2 ? dev2_path() : "");
		return EXIT_SKIP;
	}
	if (nvt_pcie_open(dev_path(), &p)) {
		fprintf(stderr, "FAIL: cannot open %s\n", dev_path());
		return 1;
	}
	nvt_pcie_info(p, &info);
	nvt_pcie_close(p);
	if ((info.features & need) != need) {
		fprintf(stderr, "SKIP: this nvmetest.ko lacks features 0x%llx (has 0x%llx)\n",
			(unsigned long long)(need & ~info.features),
			(unsigned long long)info.features);
		return EXIT_SKIP;
	}
	sr = srunner_create(s);
	srunner_run_all(sr, CK_VERBOSE);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

#endif /* NVT_LIB_TEST_H */
