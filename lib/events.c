// SPDX-License-Identifier: MIT
/*
 * Events of nvmetest.ko: the "events" multicast group of the generic
 * netlink family (uapi.h), through libnl-genl.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "private.h"

/* Events parsed but not yet handed out: one receive may bring several. */
#define EVQ_SIZE	64

struct nvt_events {
	struct nl_sock *sk;
	struct nvt_event q[EVQ_SIZE];	/* ring: head .. head + count */
	unsigned int head, count;
	int err;			/* a malformed event seen while parsing */
};

/* An optional u32 attribute: its value (0 if absent), noting it in @present. */
static uint32_t opt_u32(const struct nlattr *attr, uint32_t bit, uint32_t *present)
{
	if (!attr)
		return 0;
	*present |= bit;
	return nla_get_u32((struct nlattr *)attr);
}

static int on_event(struct nl_msg *msg, void *arg)
{
	static struct nla_policy policy[NVT_GENL_A_MAX + 1] = {
		[NVT_GENL_A_MINOR]	= { .type = NLA_U32 },
		[NVT_GENL_A_BDF]	= { .type = NLA_STRING },
		[NVT_GENL_A_EVENT]	= { .type = NLA_U32 },
		[NVT_GENL_A_CDW0]	= { .type = NLA_U32 },
		[NVT_GENL_A_STATUS]	= { .type = NLA_U32 },
		[NVT_GENL_A_OPCODE]	= { .type = NLA_U32 },
		[NVT_GENL_A_CID]	= { .type = NLA_U32 },
		[NVT_GENL_A_QID]	= { .type = NLA_U32 },
		[NVT_GENL_A_RESET_TYPE]	= { .type = NLA_U32 },
		[NVT_GENL_A_PCI_STATE]	= { .type = NLA_U32 },
	};
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));
	struct nlattr *tb[NVT_GENL_A_MAX + 1];
	struct nvt_events *ev = arg;
	struct nvt_event *e;

	if (gh->cmd != NVT_GENL_CMD_EVENT)
		return NL_SKIP;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, NVT_GENL_A_MAX, policy) < 0 ||
	    !tb[NVT_GENL_A_EVENT] || !tb[NVT_GENL_A_MINOR]) {
		nvt__err("nvt_events_next: a malformed event from nvmetest.ko");
		ev->err = -EPROTO;
		return NL_SKIP;
	}
	if (ev->count == EVQ_SIZE) {	/* cannot happen: we parse one batch at a time */
		ev->head = (ev->head + 1) % EVQ_SIZE;
		ev->count--;
	}
	e = &ev->q[(ev->head + ev->count++) % EVQ_SIZE];
	memset(e, 0, sizeof(*e));
	e->type = nla_get_u32(tb[NVT_GENL_A_EVENT]);
	e->minor = nla_get_u32(tb[NVT_GENL_A_MINOR]);
	if (tb[NVT_GENL_A_BDF])
		nla_strlcpy(e->bdf, tb[NVT_GENL_A_BDF], sizeof(e->bdf));
	e->cdw0 = opt_u32(tb[NVT_GENL_A_CDW0], NVT_EVENT_HAS_CDW0, &e->present);
	e->status = (uint16_t)opt_u32(tb[NVT_GENL_A_STATUS], NVT_EVENT_HAS_STATUS, &e->present);
	e->opcode = (uint8_t)opt_u32(tb[NVT_GENL_A_OPCODE], NVT_EVENT_HAS_OPCODE, &e->present);
	e->cid = (uint16_t)opt_u32(tb[NVT_GENL_A_CID], NVT_EVENT_HAS_CID, &e->present);
	e->qid = (uint16_t)opt_u32(tb[NVT_GENL_A_QID], NVT_EVENT_HAS_QID, &e->present);
	e->reset_type = opt_u32(tb[NVT_GENL_A_RESET_TYPE], NVT_EVENT_HAS_RESET_TYPE, &e->present);
	e->pci_state = opt_u32(tb[NVT_GENL_A_PCI_STATE], NVT_EVENT_HAS_PCI_STATE, &e->present);
	return NL_OK;
}

int nvt_events_open(struct nvt_events **out)
{
	struct nvt_events *ev;
	int grp, ret;

	if (!out) {
		nvt__err("nvt_events_open: out is NULL");
		return -EINVAL;
	}
	*out = NULL;
	ev = calloc(1, sizeof(*ev));
	if (!ev)
		return -ENOMEM;
	ev->sk = nl_socket_alloc();
	if (!ev->sk) {
		free(ev);
		return -ENOMEM;
	}
	/* Multicast messages carry no sequence numbers of ours. */
	nl_socket_disable_seq_check(ev->sk);
	ret = genl_connect(ev->sk);
	if (ret < 0) {
		nvt__err("nvt_events_open: generic netlink socket: %s", nl_geterror(ret));
		ret = -nvt__nl_errno(-ret);
		goto err;
	}
	grp = genl_ctrl_resolve_grp(ev->sk, NVT_GENL_NAME, NVT_GENL_MCGRP_EVENTS);
	if (grp < 0) {
		if (grp == -NLE_OBJ_NOTFOUND) {
			ret = genl_ctrl_resolve(ev->sk, NVT_GENL_NAME) < 0 ? -ENOENT : -EOPNOTSUPP;
			nvt__err("nvt_events_open: %s", ret == -ENOENT ?
				 "nvmetest module not loaded (no generic netlink family \"nvmetest\"): run modprobe nvmetest" :
				 "this nvmetest.ko has no \"events\" multicast group");
		} else {
			nvt__err("nvt_events_open: resolving the \"%s\" group: %s",
				 NVT_GENL_MCGRP_EVENTS, nl_geterror(grp));
			ret = -nvt__nl_errno(-grp);
		}
		goto err;
	}
	ret = nl_socket_add_membership(ev->sk, grp);
	if (!ret)
		ret = nl_socket_modify_cb(ev->sk, NL_CB_VALID, NL_CB_CUSTOM, on_event, ev);
	if (!ret)
		ret = nl_socket_set_nonblocking(ev->sk);
	if (ret < 0) {
		nvt__err("nvt_events_open: subscribing: %s", nl_geterror(ret));
		ret = -nvt__nl_errno(-ret);
		goto err;
	}
	/* Room for bursts (a reset publishes several events at once). */
	nl_socket_set_buffer_size(ev->sk, 1 << 20, 0);
	*out = ev;
	return 0;
err:
	nl_socket_free(ev->sk);
	free(ev);
	return ret;
}

int nvt_events_fd(struct nvt_events *ev)
{
	return ev ? nl_socket_get_fd(ev->sk) : -EINVAL;
}

void nvt_events_close(struct nvt_events *ev)
{
	if (!ev)
		return;
	nl_socket_free(ev->sk);
	free(ev);
}

int nvt_events_next(struct nvt_events *ev, struct nvt_event *out, int timeout_ms)
{
	int64_t deadline = nvt__now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	struct pollfd pfd;
	int ret;

	if (!ev || !out) {
		nvt__err("nvt_events_next: %s is NULL", ev ? "out" : "ev");
		return -EINVAL;
	}
	pfd.fd = nl_socket_get_fd(ev->sk);
	pfd.events = POLLIN;
	for (;;) {
		int wait;

		if (ev->count) {
			*out = ev->q[ev->head];
			ev->head = (ev->head + 1) % EVQ_SIZE;
			ev->count--;
			return 0;
		}
		if (ev->err) {
			ret = ev->err;
			ev->err = 0;
			return ret;
		}
		/* Non-blocking: 0 and nothing parsed when nothing is there. */
		ret = nl_recvmsgs_default(ev->sk);
		if (ret == -NLE_NOMEM) {	/* recvmsg: ENOBUFS, the socket overflowed */
			nvt__warn("nvt_events_next: events were lost (the socket overflowed)");
			return -ENOBUFS;
		}
		if (ret < 0 && ret != -NLE_AGAIN) {
			nvt__err("nvt_events_next: %s", nl_geterror(ret));
			return -nvt__nl_errno(-ret);
		}
		if (ev->count || ev->err)
			continue;
		if (timeout_ms < 0) {
			wait = -1;
		} else {
			int64_t left = deadline - nvt__now_ms();

			if (left <= 0 && timeout_ms > 0)
				return -ETIMEDOUT;
			wait = left > 0 ? (int)left : 0;
		}
		ret = poll(&pfd, 1, wait);
		if (ret < 0)
			return -errno;
		if (!ret)
			return -ETIMEDOUT;
	}
}

const char *nvt_event_name(uint32_t type)
{
	switch (type) {
	case NVT_EVENT_AER:	return "aer";
	case NVT_EVENT_FATAL:	return "fatal";
	case NVT_EVENT_TIMEOUT:	return "timeout";
	case NVT_EVENT_RESET:	return "reset";
	case NVT_EVENT_REMOVED:	return "removed";
	case NVT_EVENT_PCI_ERROR:	return "pci-error";
	default:		return "unknown";
	}
}

/* Asynchronous event information by type (NVMe 1.4 Figures 146-149). */
int nvt__aer_describe(uint32_t cdw0, char *buf, size_t len)
{
	static const char *const error[] = {
		"write to invalid doorbell register", "invalid doorbell write value",
		"diagnostic failure", "persistent internal error",
		"transient internal error", "firmware image load error",
	};
	static const char *const smart[] = {
		"NVM subsystem reliability", "temperature threshold", "spare below threshold",
	};
	static const char *const notice[] = {
		"namespace attribute changed", "firmware activation starting",
		"telemetry log changed", "asymmetric namespace access change",
		"predictable latency event aggregate log change", "LBA status information alert",
		"endurance group event aggregate log page change",
	};
	unsigned int type = cdw0 & 0x7, info = (cdw0 >> 8) & 0xff, lid = (cdw0 >> 16) & 0xff;
	const char *tname, *iname = NULL;

	switch (type) {
	case 0:
		tname = "error";
		if (info < NVT_ARRAY_SIZE(error))
			iname = error[info];
		break;
	case 1:
		tname = "SMART / health";
		if (info < NVT_ARRAY_SIZE(smart))
			iname = smart[info];
		break;
	case 2:
		tname = "notice";
		if (info < NVT_ARRAY_SIZE(notice))
			iname = notice[info];
		break;
	case 6:
		tname = "I/O command set specific";
		break;
	case 7:
		tname = "vendor specific";
		break;
	default:
		tname = "reserved type";
		break;
	}
	if (iname)
		return snprintf(buf, len, "%s: %s, log page %02xh", tname, iname, lid);
	return snprintf(buf, len, "%s: information %02xh, log page %02xh", tname, info, lid);
}

int nvt_event_format(const struct nvt_event *e, char *buf, size_t len)
{
	char more[160] = "";

	if (!e || (!buf && len)) {
		nvt__err("nvt_event_format: %s is NULL", e ? "buf" : "event");
		return -EINVAL;
	}
	if (e->type == NVT_EVENT_AER && (e->present & NVT_EVENT_HAS_CDW0)) {
		char what[96];

		nvt__aer_describe(e->cdw0, what, sizeof(what));
		if (e->status)
			snprintf(more, sizeof(more), " status %02x/%02x %s", NVT_STATUS_SCT(e->status),
				 NVT_STATUS_SC(e->status), nvt_status_name(e->status));
		else
			snprintf(more, sizeof(more), " cdw0 0x%08x (%s)", e->cdw0, what);
	} else if (e->type == NVT_EVENT_TIMEOUT) {
		snprintf(more, sizeof(more), " opcode 0x%02x %s cid %u qid %u", e->opcode,
			 e->qid ? nvt_io_cmdname(e->opcode) : nvt_admin_cmdname(e->opcode),
			 e->cid, e->qid);
	} else if (e->type == NVT_EVENT_RESET && e->reset_type) {
		snprintf(more, sizeof(more), " %s", nvt_reset_type_name(e->reset_type) ?: "?");
	} else if (e->type == NVT_EVENT_PCI_ERROR) {
		static const char *const states[] = { "?", "normal", "frozen", "failed", "resumed" };

		snprintf(more, sizeof(more), " %s",
			 states[e->pci_state < NVT_ARRAY_SIZE(states) ? e->pci_state : 0]);
	}
	return snprintf(buf, len, "nvmetest%u %s %s%s", e->minor, e->bdf, nvt_event_name(e->type),
			more);
}
