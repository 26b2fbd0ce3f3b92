// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The "nvmetest" generic netlink family in the QEMU guest: the dump of
 * NVT_GENL_CMD_GET_CTRL lists every bound controller, matching what
 * NVT_IOCTL_GET_INFO says about its node, and anyone may ask for it.
 *
 * Run: tests/vm/run [--kernel 6.1|6.12] -- build/tests/kmod/test_genl
 */
#include <sys/wait.h>

#include "kmod_test.h"

#define MAX_CTRLS 16

START_TEST(test_family_is_registered)
{
	int s = genl_socket();

	ck_assert_int_ge(s, 0);
	ck_assert_int_gt(genl_family_id(s), 0);
	close(s);
}
END_TEST

START_TEST(test_dump_lists_every_bound_controller_in_minor_order)
{
	struct genl_ctrl c[MAX_CTRLS];
	char bdfs[MAX_CTRLS][32];
	int n, nbound;

	n = genl_dump_ctrls(c, MAX_CTRLS);
	nbound = bound_bdfs(bdfs, MAX_CTRLS);
	ck_assert_int_ge(nbound, 1);
	ck_assert_int_eq(n, nbound);

	for (int i = 0; i < n; i++) {
		struct nvt_ioctl_get_info info;
		char path[64], bdf[32];
		bool found = false;
		int fd;

		if (i)
			ck_assert_uint_gt(c[i].minor, c[i - 1].minor);
		for (int j = 0; j < nbound; j++)
			found |= !strcmp(bdfs[j], c[i].bdf);
		ck_assert_msg(found, "%s is in the dump but not bound", c[i].bdf);

		snprintf(path, sizeof(path), "/dev/nvmetest%u", c[i].minor);
		fd = open(path, O_RDWR | O_CLOEXEC);
		ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
		ck_assert_int_eq(get_info(fd, &info), 0);
		close(fd);
		info_bdf(&info, bdf, sizeof(bdf));
		ck_assert_str_eq(c[i].bdf, bdf);
		ck_assert_uint_eq(c[i].minor, info.out.minor);
		ck_assert_uint_eq(c[i].vendor_id, info.out.vendor_id);
		ck_assert_uint_eq(c[i].device_id, info.out.device_id);
		/*
		 * Serial and model are sent only once an Identify Controller
		 * told them (test_admin checks when); then they are QEMU's.
		 */
		ck_assert_int_eq(c[i].has_serial, c[i].has_model);
		if (c[i].has_serial) {
			char sn[32];

			snprintf(sn, sizeof(sn), "NVT%08u", c[i].minor);
			ck_assert_str_eq(c[i].serial, sn);
			ck_assert_str_eq(c[i].model, "QEMU NVMe Ctrl");
		}
	}
}
END_TEST

/* Listing is harmless: no CAP_NET_ADMIN needed. */
START_TEST(test_dump_works_unprivileged)
{
	struct genl_ctrl c[MAX_CTRLS];
	int n = genl_dump_ctrls(c, MAX_CTRLS), status;
	pid_t pid;

	ck_assert_int_ge(n, 1);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		struct genl_ctrl u[MAX_CTRLS];

		if (setgid(65534) || setuid(65534) || genl_dump_ctrls(u, MAX_CTRLS) != n)
			_exit(1);
		for (int i = 0; i < n; i++)
			if (u[i].minor != c[i].minor || strcmp(u[i].bdf, c[i].bdf))
				_exit(1);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "unprivileged dump: status 0x%x", status);
}
END_TEST

static Suite *genl_suite(void)
{
	Suite *s = suite_create("genl");
	TCase *tc = tcase_create("dump");

	tcase_add_test(tc, test_family_is_registered);
	tcase_add_test(tc, test_dump_lists_every_bound_controller_in_minor_order);
	tcase_add_test(tc, test_dump_works_unprivileged);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	require_device();
	return run_suite(genl_suite());
}
