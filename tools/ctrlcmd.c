// SPDX-License-Identifier: MIT
/*
 * Opening a controller for the admin subcommands (identify, log, features,
 * admin, reset), and running one command at a time.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* CC.EN and CSTS.RDY set, no shutdown asked or done, no fatal status. */
static bool ready(struct nvt_ctrl *ctrl)
{
	uint32_t cc, csts;

	if (nvt_ctrl_reg_read32(ctrl, NVT_REG_CC, &cc) ||
	    nvt_ctrl_reg_read32(ctrl, NVT_REG_CSTS, &csts) || csts == 0xffffffff)
		return false;
	return NVT_BITS_GET(cc, NVT_CC_EN) && !NVT_BITS_GET(cc, NVT_CC_SHN) &&
	       NVT_BITS_GET(csts, NVT_CSTS_RDY) && !NVT_BITS_GET(csts, NVT_CSTS_CFS) &&
	       !NVT_BITS_GET(csts, NVT_CSTS_SHST);
}

int cli_ctrl_open(const char *dev, bool init, struct nvt_ctrl **out)
{
	static const struct nvt_ctrl_opts no_init = { .flags = NVT_CTRL_OPEN_NO_INIT };
	struct nvt_ctrl *ctrl;
	int ret;

	*out = NULL;
	ret = nvt_ctrl_open_opts(dev, &no_init, &ctrl);
	if (ret)
		return ret;
	if (!init && ready(ctrl)) {
		/*
		 * Identify through the kernel's admin queue as it is; -ENXIO means
		 * there is none yet (e.g. the firmware enabled the controller before
		 * nvmetest was bound), and the messages saying so are not news.
		 */
		cli_log_hold();
		ret = nvt_ctrl_identify_init(ctrl);
		cli_log_release(ret && ret != -ENXIO);
		if (ret != -ENXIO)
			goto out;
	}
	if (!init)
		cli_err("note: %s is not set up for admin commands: running the default init (a controller reset)",
			dev);
	/* NVT_CTRL_OPEN_NO_INIT: the reset runs the library's default init. */
	ret = nvt_ctrl_reset(ctrl);
out:
	if (ret) {
		cli_print_failure(stderr, "initialising the controller", ret);
		nvt_ctrl_close(ctrl);
		return ret;
	}
	*out = ctrl;
	return 0;
}

void cli_cpl_cb(void *ctx, const struct nvt_cpl *cpl)
{
	struct cli_cpl *c = ctx;

	c->cpl = *cpl;
	c->done = true;
}

int cli_wait(struct nvt_ctrl *ctrl, struct cli_cpl *c)
{
	int ret = nvt_ctrl_waitdone(ctrl, 1);

	if (!c->done && !ret)
		ret = -EPROTO;	/* cannot happen: the one command outstanding is ours */
	return ret;
}

void cli_print_failure(FILE *f, const char *what, int ret)
{
	char text[128];

	if (ret > 0)
		nvt_status_format((uint16_t)ret, text, sizeof(text));
	else
		snprintf(text, sizeof(text), "ERROR: %s", strerror(-ret));
	if (f == stderr)
		cli_err("%s: %s", what, text);
	else
		fprintf(f, "%s\n", text);
}

int cli_known_queues(struct nvt_ctrl *ctrl)
{
	int ret;

	cli_log_hold();
	ret = nvt_ctrl_queues_granted(ctrl, NULL, NULL);
	cli_log_release(false);
	if (!ret)
		return 0;
	/* Set Features Number of Queues (NVMe 1.4 section 5.21.1.7), or Get once fixed. */
	ret = nvt_ctrl_init_queues(ctrl, 0, 0);
	if (ret)
		cli_print_failure(stderr, "learning the Number of Queues", ret);
	return ret;
}
