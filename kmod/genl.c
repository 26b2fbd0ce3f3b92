// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "nvmetest": discovery of bound controllers and the
 * "events" multicast group.
 *
 * NVT_GENL_CMD_GET_CTRL with NLM_F_DUMP sends one message per bound
 * controller, in minor order. Anyone may dump (no GENL_ADMIN_PERM): the list
 * says nothing that sysfs does not. Anyone may listen to the events too: they
 * carry no data, only what happened to which controller.
 *
 * Events are published from any context (the admin interrupt, the tick,
 * ioctls, remove): nvtk_genl_event() builds the message with GFP_ATOMIC and
 * queues it; a work item sends the queue in order from process context, so
 * that no socket buffer is freed in hard interrupt context.
 */
#include <linux/skbuff.h>
#include <net/genetlink.h>

#include "nvtk.h"

static const struct nla_policy nvtk_genl_policy[NVT_GENL_A_MAX + 1] = {
	[NVT_GENL_A_MINOR]	= { .type = NLA_U32 },
	[NVT_GENL_A_BDF]	= { .type = NLA_NUL_STRING },
	[NVT_GENL_A_VENDOR_ID]	= { .type = NLA_U16 },
	[NVT_GENL_A_DEVICE_ID]	= { .type = NLA_U16 },
	[NVT_GENL_A_SERIAL]	= { .type = NLA_NUL_STRING, .len = NVTK_SERIAL_LEN },
	[NVT_GENL_A_MODEL]	= { .type = NLA_NUL_STRING, .len = NVTK_MODEL_LEN },
	[NVT_GENL_A_EVENT]	= { .type = NLA_U32 },
	[NVT_GENL_A_CDW0]	= { .type = NLA_U32 },
	[NVT_GENL_A_STATUS]	= { .type = NLA_U32 },
	[NVT_GENL_A_OPCODE]	= { .type = NLA_U32 },
	[NVT_GENL_A_CID]	= { .type = NLA_U32 },
	[NVT_GENL_A_QID]	= { .type = NLA_U32 },
	[NVT_GENL_A_RESET_TYPE]	= { .type = NLA_U32 },
	[NVT_GENL_A_PCI_STATE]	= { .type = NLA_U32 },
};

/* Index 0 is what genlmsg_multicast() calls group 0. */
static const struct genl_multicast_group nvtk_genl_mcgrps[] = {
	{ .name = NVT_GENL_MCGRP_EVENTS },
};

static int nvtk_genl_dump_ctrl(struct sk_buff *skb, struct netlink_callback *cb);

static const struct genl_ops nvtk_genl_ops[] = {
	{
		.cmd	= NVT_GENL_CMD_GET_CTRL,
		.dumpit	= nvtk_genl_dump_ctrl,
	},
};

static struct genl_family nvtk_genl_family __ro_after_init = {
	.name		= NVT_GENL_NAME,
	.version	= NVT_GENL_VERSION,
	.maxattr	= NVT_GENL_A_MAX,
	.policy		= nvtk_genl_policy,
	.module		= THIS_MODULE,
	.ops		= nvtk_genl_ops,
	.n_ops		= ARRAY_SIZE(nvtk_genl_ops),
	.mcgrps		= nvtk_genl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(nvtk_genl_mcgrps),
	/* Strict validation for every command: there are no legacy ones. */
	.resv_start_op	= NVT_GENL_CMD_MAX + 1,
};

/* Called with nvtk_ctrls_lock held (it protects @serial and @model). */
static int nvtk_genl_fill_ctrl(struct sk_buff *skb, struct netlink_callback *cb,
			       struct nvtk_ctrl *ctrl)
{
	struct pci_dev *pdev = ctrl->pdev;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &nvtk_genl_family, NLM_F_MULTI, NVT_GENL_CMD_GET_CTRL);
	if (!hdr)
		return -EMSGSIZE;

	/* pci_name() is "dddd:bb:dd.f". */
	if (nla_put_u32(skb, NVT_GENL_A_MINOR, ctrl->minor) ||
	    nla_put_string(skb, NVT_GENL_A_BDF, pci_name(pdev)) ||
	    nla_put_u16(skb, NVT_GENL_A_VENDOR_ID, pdev->vendor) ||
	    nla_put_u16(skb, NVT_GENL_A_DEVICE_ID, pdev->device) ||
	    (ctrl->serial[0] &&
	     nla_put_string(skb, NVT_GENL_A_SERIAL, ctrl->serial)) ||
	    (ctrl->model[0] &&
	     nla_put_string(skb, NVT_GENL_A_MODEL, ctrl->model))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * cb->args[0] is the first minor not yet sent, so a dump split over several
 * skbs neither repeats nor skips a controller that stays bound meanwhile.
 */
static int nvtk_genl_dump_ctrl(struct sk_buff *skb, struct netlink_callback *cb)
{
	unsigned long next = cb->args[0];
	struct nvtk_ctrl *ctrl;

	spin_lock_irq(&nvtk_ctrls_lock);
	list_for_each_entry(ctrl, &nvtk_ctrls, node) {
		if ((unsigned long)ctrl->minor < next)
			continue;
		if (nvtk_genl_fill_ctrl(skb, cb, ctrl))
			break;
		next = ctrl->minor + 1;
	}
	spin_unlock_irq(&nvtk_ctrls_lock);

	cb->args[0] = next;
	return skb->len;
}

/* Events built and waiting to be sent, in order; the queue has its own lock. */
static struct sk_buff_head nvtk_events;

static void nvtk_genl_send_events(struct work_struct *work)
{
	struct sk_buff *skb;

	/* -ESRCH (nobody listens) is no error for a broadcast. */
	while ((skb = skb_dequeue(&nvtk_events)))
		genlmsg_multicast(&nvtk_genl_family, skb, 0, 0, GFP_KERNEL);
}

static DECLARE_WORK(nvtk_events_work, nvtk_genl_send_events);

/**
 * nvtk_genl_event() - publish an event on the "events" multicast group.
 * @ctrl: the controller it is about (MINOR and BDF are taken from it).
 * @ev: the event; see uapi.h for the attributes each type carries.
 *
 * Callable from any context, hard interrupts included. An event that finds
 * no memory, or nobody listening, is dropped.
 */
void nvtk_genl_event(struct nvtk_ctrl *ctrl, const struct nvtk_event *ev)
{
	struct sk_buff *skb;
	void *hdr;
	int ret;

	if (!genl_has_listeners(&nvtk_genl_family, &init_net, 0))
		return;
	skb = genlmsg_new(256, GFP_ATOMIC);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &nvtk_genl_family, 0, NVT_GENL_CMD_EVENT);
	if (!hdr)
		goto err;
	ret = nla_put_u32(skb, NVT_GENL_A_MINOR, ctrl->minor) ||
	      nla_put_string(skb, NVT_GENL_A_BDF, pci_name(ctrl->pdev)) ||
	      nla_put_u32(skb, NVT_GENL_A_EVENT, ev->type);
	switch (ev->type) {
	case NVT_EVENT_AER:
		ret = ret || nla_put_u32(skb, NVT_GENL_A_CDW0, ev->cdw0) ||
		      nla_put_u32(skb, NVT_GENL_A_STATUS, ev->status);
		break;
	case NVT_EVENT_TIMEOUT:
		ret = ret || nla_put_u32(skb, NVT_GENL_A_OPCODE, ev->opcode) ||
		      nla_put_u32(skb, NVT_GENL_A_CID, ev->cid) ||
		      nla_put_u32(skb, NVT_GENL_A_QID, ev->qid);
		break;
	case NVT_EVENT_RESET:
		ret = ret || nla_put_u32(skb, NVT_GENL_A_RESET_TYPE, ev->reset_type);
		break;
	case NVT_EVENT_PCI_ERROR:
		ret = ret || nla_put_u32(skb, NVT_GENL_A_PCI_STATE, ev->pci_state);
		break;
	}
	if (ret)
		goto err;
	genlmsg_end(skb, hdr);
	skb_queue_tail(&nvtk_events, skb);
	queue_work(nvtk_wq, &nvtk_events_work);
	return;
err:
	nlmsg_free(skb);
}

/**
 * nvtk_genl_flush() - send every event published so far. Process context.
 */
void nvtk_genl_flush(void)
{
	flush_work(&nvtk_events_work);
}

/**
 * nvtk_genl_init() - register the "nvmetest" generic netlink family.
 *
 * Return: 0 or a negative errno.
 */
int __init nvtk_genl_init(void)
{
	skb_queue_head_init(&nvtk_events);
	return genl_register_family(&nvtk_genl_family);
}

/**
 * nvtk_genl_exit() - unregister the family; safe in the init unwind path.
 *
 * Nothing publishes any more (no controller is bound); events still queued
 * are sent first.
 */
void nvtk_genl_exit(void)
{
	cancel_work_sync(&nvtk_events_work);
	nvtk_genl_send_events(NULL);
	genl_unregister_family(&nvtk_genl_family);
}
