// SPDX-License-Identifier: MIT
/*
 * The library's only output: one process-wide log callback.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

#include "private.h"

/* log_lock protects log_fn and log_ctx, so they always change as a pair. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static nvt_log_fn log_fn;
static void *log_ctx;
static int log_max = NVT_LOG_INFO;	/* atomic: read on every message */

void nvt_set_log(nvt_log_fn fn, void *ctx)
{
	pthread_mutex_lock(&log_lock);
	log_fn = fn;
	log_ctx = ctx;
	pthread_mutex_unlock(&log_lock);
}

void nvt_set_log_level(int level)
{
	__atomic_store_n(&log_max, level, __ATOMIC_RELAXED);
}

int nvt_log_level(void)
{
	return __atomic_load_n(&log_max, __ATOMIC_RELAXED);
}

void nvt__log(int level, const char *fmt, ...)
{
	int saved_errno = errno;
	char msg[512];
	nvt_log_fn fn;
	va_list ap;
	void *ctx;

	if (level > nvt_log_level())
		return;
	pthread_mutex_lock(&log_lock);
	fn = log_fn;
	ctx = log_ctx;
	pthread_mutex_unlock(&log_lock);
	if (fn) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		fn(level, msg, ctx);
	}
	errno = saved_errno;
}
