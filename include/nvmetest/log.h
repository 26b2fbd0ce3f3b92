/* SPDX-License-Identifier: MIT */
/*
 * libnvmetest logging.
 *
 * The library never prints and never exits. Everything it has to say goes to
 * one process-wide callback; by default there is none and messages are
 * dropped. Every failing call logs one NVT_LOG_ERR line saying what failed
 * and why, so installing a callback is all a program needs for clear errors.
 */
#ifndef NVMETEST_LOG_H
#define NVMETEST_LOG_H

#ifdef __cplusplus
extern "C" {
#endif

/* Levels, as syslog(3) numbers them: lower is more severe. */
#define NVT_LOG_ERR	3
#define NVT_LOG_WARN	4
#define NVT_LOG_INFO	6
#define NVT_LOG_DEBUG	7

/**
 * typedef nvt_log_fn - receives one library message.
 * @level: NVT_LOG_ERR, NVT_LOG_WARN, NVT_LOG_INFO or NVT_LOG_DEBUG.
 * @msg: the message, one line without a trailing newline; valid only
 *	during the call.
 * @ctx: the pointer given to nvt_set_log().
 *
 * Called in the thread that made the failing library call. It must not call
 * nvt_set_log() or nvt_set_log_level().
 */
typedef void (*nvt_log_fn)(int level, const char *msg, void *ctx);

/**
 * nvt_set_log() - install the log callback.
 * @fn: the callback, or NULL to drop every message (the default).
 * @ctx: passed back to @fn unchanged.
 *
 * Thread-safety: safe to call at any time; a message being delivered while
 * the callback changes goes to either the old or the new one, never to a
 * mix of the old function and the new context.
 */
void nvt_set_log(nvt_log_fn fn, void *ctx);

/**
 * nvt_set_log_level() - choose the most verbose level delivered.
 * @level: messages with a level number above this are dropped;
 *	the default is NVT_LOG_INFO.
 *
 * Thread-safety: safe to call at any time.
 */
void nvt_set_log_level(int level);

/**
 * nvt_log_level() - the level set by nvt_set_log_level().
 *
 * Return: the current most verbose level delivered.
 *
 * Thread-safety: safe to call at any time.
 */
int nvt_log_level(void);

#ifdef __cplusplus
}
#endif

#endif /* NVMETEST_LOG_H */
