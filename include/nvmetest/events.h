/* SPDX-License-Identifier: MIT */
/*
 * Events of nvmetest.ko: the "events" multicast group of the generic
 * netlink family NVT_GENL_NAME (uapi.h): AER completions, controller fatal
 * status, host timeouts, resets (admin queue set up again) and removals,
 * of every bound controller. Reading them needs no open device, so a
 * monitor can watch a test that runs in another process.
 */
#ifndef NVMETEST_EVENTS_H
#define NVMETEST_EVENTS_H

#include <stddef.h>
#include <stdint.h>
#include <nvmetest/pcie.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nvt_events;

/* struct nvt_event.present: which optional attributes the event carried. */
#define NVT_EVENT_HAS_CDW0	(1U << 0)
#define NVT_EVENT_HAS_STATUS	(1U << 1)
#define NVT_EVENT_HAS_OPCODE	(1U << 2)
#define NVT_EVENT_HAS_CID	(1U << 3)
#define NVT_EVENT_HAS_QID	(1U << 4)
#define NVT_EVENT_HAS_RESET_TYPE	(1U << 5)
#define NVT_EVENT_HAS_PCI_STATE	(1U << 6)

/**
 * struct nvt_event - one event.
 * @type: NVT_EVENT_AER, _FATAL, _TIMEOUT, _RESET, _REMOVED or _PCI_ERROR (uapi.h);
 *	other numbers may come from newer modules.
 * @minor: N of /dev/nvmetestN.
 * @bdf: the controller's PCI address.
 * @present: NVT_EVENT_HAS_* bits; fields not present are 0.
 * @cdw0: AER: completion dword 0 (the event).
 * @status: AER: SCT << 8 | SC.
 * @opcode: timeout: the command's opcode.
 * @cid: timeout: its command identifier.
 * @qid: timeout: its queue.
 * @reset_type: reset: NVT_RESET_* (0: SETUP_ADMIN or a reset from elsewhere).
 * @pci_state: PCI error: NVT_PCI_STATE_*.
 */
struct nvt_event {
	uint32_t type;
	uint32_t minor;
	char bdf[NVT_BDF_LEN];
	uint32_t present;
	uint32_t cdw0;
	uint16_t status;
	uint16_t cid;
	uint16_t qid;
	uint8_t opcode;
	uint8_t rsvd0;
	uint32_t reset_type;
	uint32_t pci_state;
};

/**
 * nvt_events_open() - subscribe to the events of every bound controller.
 * @out: receives the subscription.
 *
 * Only events published after this call are seen.
 *
 * Return: 0; -EINVAL (@out NULL); -ENOENT (the module is not loaded);
 * -EOPNOTSUPP (the module has no "events" group); -ENOMEM; another
 * negative errno from netlink.
 *
 * Thread-safety: reentrant.
 */
int nvt_events_open(struct nvt_events **out);

/**
 * nvt_events_fd() - the netlink socket, for poll(2)/select(2).
 * @ev: the subscription.
 *
 * POLLIN means nvt_events_next() has something (or a message to skip).
 *
 * Return: the descriptor, owned by @ev; -EINVAL if @ev is NULL.
 *
 * Thread-safety: safe.
 */
int nvt_events_fd(struct nvt_events *ev);

/**
 * nvt_events_next() - the next event.
 * @ev: the subscription.
 * @out: receives the event.
 * @timeout_ms: the longest wait; 0 does not wait, -1 waits forever.
 *
 * Messages that are not events are skipped.
 *
 * Return: 0; -ETIMEDOUT (none came in time); -ENOBUFS (the socket
 * overflowed: events were lost; the next call goes on with the newer
 * ones); -EINTR (a signal came); -EINVAL (NULL argument); -EPROTO (a
 * malformed event); another negative errno from netlink.
 *
 * Thread-safety: one thread per subscription.
 */
int nvt_events_next(struct nvt_events *ev, struct nvt_event *out, int timeout_ms);

/**
 * nvt_events_close() - unsubscribe.
 * @ev: the subscription, or NULL (then nothing happens).
 *
 * Thread-safety: no other thread may use @ev during or after the call.
 */
void nvt_events_close(struct nvt_events *ev);

/**
 * nvt_event_name() - the name of an event type.
 * @type: NVT_EVENT_*.
 *
 * Return: a static string: "aer", "fatal", "timeout", "reset", "removed",
 * or "unknown".
 *
 * Thread-safety: reentrant.
 */
const char *nvt_event_name(uint32_t type);

/**
 * nvt_event_format() - describe an event on one line.
 * @e: the event.
 * @buf: receives the NUL-terminated text, truncated to fit; may be NULL
 *	if @len is 0.
 * @len: size of @buf.
 *
 * E.g. "nvmetest0 0000:00:04.0 aer cdw0 0x00020101 (SMART / health:
 * temperature threshold, log page 02h)", "nvmetest0 0000:00:04.0 timeout
 * opcode 0x0c Asynchronous Event Request cid 5 qid 0".
 *
 * Return: the length of the whole text, like snprintf(3); -EINVAL (@e
 * NULL, or @buf NULL with @len not 0).
 *
 * Thread-safety: reentrant.
 */
int nvt_event_format(const struct nvt_event *e, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* NVMETEST_EVENTS_H */
