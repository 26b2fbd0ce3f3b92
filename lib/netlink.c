// SPDX-License-Identifier: MIT
/*
 * Discovery through the module's generic netlink family (uapi.h):
 * a dump of NVT_GENL_CMD_GET_CTRL, one message per bound controller.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "private.h"

struct dump {
	struct nvt_ctrl_entry *entries;
	unsigned int max;
	unsigned int count;
	int err;
};

/* A libnl error (NLE_*, positive) as an errno. */
int nvt__nl_errno(int nle)
{
	switch (nle) {
	case NLE_NOMEM:		return ENOMEM;
	case NLE_PERM:		return EPERM;
	case NLE_NOACCESS:	return EACCES;
	case NLE_AGAIN:		return EAGAIN;
	case NLE_INVAL:		return EINVAL;
	case NLE_OBJ_NOTFOUND:	return ENOENT;
	case NLE_OPNOTSUPP:	return EOPNOTSUPP;
	case NLE_MSG_TRUNC:
	case NLE_MSG_TOOSHORT:
	case NLE_PARSE_ERR:	return EPROTO;
	default:		return EIO;
	}
}

/* Copy a string attribute without the blanks that pad Identify fields. */
static void copy_str(char *dst, size_t len, const struct nlattr *attr)
{
	size_t n;

	dst[0] = '\0';
	if (!attr)
		return;
	nla_strlcpy(dst, attr, len);
	for (n = strlen(dst); n && dst[n - 1] == ' '; n--)
		dst[n - 1] = '\0';
}

static int on_ctrl(struct nl_msg *msg, void *arg)
{
	static struct nla_policy policy[NVT_GENL_A_MAX + 1] = {
		[NVT_GENL_A_MINOR]	= { .type = NLA_U32 },
		[NVT_GENL_A_BDF]	= { .type = NLA_STRING },
		[NVT_GENL_A_VENDOR_ID]	= { .type = NLA_U16 },
		[NVT_GENL_A_DEVICE_ID]	= { .type = NLA_U16 },
		[NVT_GENL_A_SERIAL]	= { .type = NLA_STRING },
		[NVT_GENL_A_MODEL]	= { .type = NLA_STRING },
	};
	struct nlattr *tb[NVT_GENL_A_MAX + 1];
	struct dump *d = arg;
	struct nvt_ctrl_entry *e;
	int ret;

	ret = genlmsg_parse(nlmsg_hdr(msg), 0, tb, NVT_GENL_A_MAX, policy);
	if (ret < 0 || !tb[NVT_GENL_A_MINOR] || !tb[NVT_GENL_A_BDF]) {
		nvt__err("nvt_list: malformed controller message from nvmetest.ko%s",
			 ret < 0 ? "" : " (no minor or BDF)");
		d->err = -EPROTO;
		return NL_SKIP;
	}
	if (d->count++ >= d->max)
		return NL_OK;
	e = &d->entries[d->count - 1];
	memset(e, 0, sizeof(*e));
	e->minor = nla_get_u32(tb[NVT_GENL_A_MINOR]);
	copy_str(e->bdf, sizeof(e->bdf), tb[NVT_GENL_A_BDF]);
	if (tb[NVT_GENL_A_VENDOR_ID])
		e->vendor_id = nla_get_u16(tb[NVT_GENL_A_VENDOR_ID]);
	if (tb[NVT_GENL_A_DEVICE_ID])
		e->device_id = nla_get_u16(tb[NVT_GENL_A_DEVICE_ID]);
	copy_str(e->serial, sizeof(e->serial), tb[NVT_GENL_A_SERIAL]);
	copy_str(e->model, sizeof(e->model), tb[NVT_GENL_A_MODEL]);
	return NL_OK;
}

static int by_minor(const void *a, const void *b)
{
	const struct nvt_ctrl_entry *x = a, *y = b;

	return (x->minor > y->minor) - (x->minor < y->minor);
}

/* Send the dump request and collect the replies into @d. */
static int dump_ctrls(struct nl_sock *sk, struct dump *d)
{
	struct nl_msg *msg;
	int family, ret;

	family = genl_ctrl_resolve(sk, NVT_GENL_NAME);
	if (family < 0) {
		if (family == -NLE_OBJ_NOTFOUND)
			nvt__err("nvmetest module not loaded (no generic netlink family \"%s\"): run modprobe nvmetest",
				 NVT_GENL_NAME);
		else
			nvt__err("nvt_list: resolving generic netlink family \"%s\": %s",
				 NVT_GENL_NAME, nl_geterror(family));
		return -nvt__nl_errno(-family);
	}
	msg = nlmsg_alloc();
	if (!msg)
		return -ENOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, NLM_F_DUMP,
			 NVT_GENL_CMD_GET_CTRL, NVT_GENL_VERSION)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	ret = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (ret >= 0)
		ret = nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_ctrl, d);
	if (ret >= 0)
		ret = nl_recvmsgs_default(sk);
	if (ret < 0) {
		nvt__err("nvt_list: controller dump from nvmetest.ko: %s", nl_geterror(ret));
		return -nvt__nl_errno(-ret);
	}
	return d->err;
}

int nvt_list(struct nvt_ctrl_entry *entries, unsigned int max, unsigned int *count)
{
	struct dump d = { .entries = entries, .max = max };
	struct nl_sock *sk;
	int ret;

	if (!count || (!entries && max)) {
		nvt__err("nvt_list: %s is NULL", count ? "entries" : "count");
		return -EINVAL;
	}
	*count = 0;
	sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	ret = genl_connect(sk);
	if (ret < 0) {
		nvt__err("nvt_list: generic netlink socket: %s", nl_geterror(ret));
		ret = -nvt__nl_errno(-ret);
	} else {
		ret = dump_ctrls(sk, &d);
	}
	nl_socket_free(sk);
	if (ret)
		return ret;
	if (entries)
		qsort(entries, d.count < max ? d.count : max, sizeof(*entries), by_minor);
	*count = d.count;
	return 0;
}
