// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Lifetime of nvmetest.ko in the QEMU guest: unbinding a controller with a
 * file open makes every ioctl on that file fail with ENODEV (never a crash),
 * the controller comes back on rebind; an open file pins the module
 * (delete_module fails with EWOULDBLOCK, which is EAGAIN: the kernel's
 * "in use"; EBUSY is only for a module still initialising or going away),
 * and after the last close the module unloads, reloads from $NVT_KMOD and
 * binds again.
 *
 * Each test leaves the controllers bound as it found them. The guest's
 * kernel log is checked by tests/vm/run for BUG/WARNING/Oops afterwards.
 *
 * Run: tests/vm/run [--kernel 6.1|6.12] -- build/tests/kmod/test_unbind
 */
#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "kmod_test.h"

#define MAX_CTRLS 16

static int fd = -1;
static struct nvt_ioctl_get_info info;
static char bdf[32];

static bool is_bound(const char *b)
{
	char path[128];

	snprintf(path, sizeof(path), DRIVER_DIR "/%s", b);
	return access(path, F_OK) == 0;
}

static bool module_loaded(void)
{
	return access("/sys/module/nvmetest", F_OK) == 0;
}

static void unbind(const char *b)
{
	ck_assert_int_eq(sysfs_write(DRIVER_DIR "/unbind", b), 0);
	ck_assert(!is_bound(b));
}

/* driver_override still says nvmetest, so a probe binds it again. */
static void rebind(const char *b)
{
	char path[128];

	ck_assert_int_eq(sysfs_write("/sys/bus/pci/drivers_probe", b), 0);
	ck_assert_msg(is_bound(b), "%s did not bind again", b);
	snprintf(path, sizeof(path), "/dev/nvmetest%u", info.out.minor);
	ck_assert_msg(access(path, F_OK) == 0, "%s: %s", path, strerror(errno));
}

static void setup(void)
{
	fd = dev_open();
	ck_assert_int_eq(get_info(fd, &info), 0);
	info_bdf(&info, bdf, sizeof(bdf));
}

/* If a test failed half-way, bind the controller again for the next one. */
static void teardown(void)
{
	if (fd >= 0)
		close(fd);
	if (!is_bound(bdf))
		sysfs_write("/sys/bus/pci/drivers_probe", bdf);
}

/* Every ioctl, with valid arguments, fails with @err on @f. */
static void assert_all_ioctls_fail(int f, int err)
{
	struct nvt_ioctl_get_info gi = { .in.output_size_bytes = sizeof(gi.out) };
	struct {
		unsigned long req;
		uint32_t width;
		uint64_t offset;
	} acc[] = {
		{ NVT_IOCTL_READ_REG, 4, REG_VS },
		{ NVT_IOCTL_READ_REG, 8, REG_CAP },
		{ NVT_IOCTL_WRITE_REG, 4, REG_AQA },
		{ NVT_IOCTL_READ_CONFIG, 2, PCI_VENDOR_ID },
		{ NVT_IOCTL_WRITE_CONFIG, 1, PCI_INTERRUPT_LINE },
	};

	struct nvt_ioctl_alloc_buf ab = { .size = 4096 };
	struct nvt_ioctl_free_buf fb = { .handle = 1 };
	struct nvt_ioctl_setup_admin sa = { .sq_depth = 32, .cq_depth = 32 };
	struct nvt_ioctl_submit_admin su = { .sqe = { 0x0a, [10] = 1 } };
	struct nvt_completion c;
	struct nvt_ioctl_reap_admin ra = { .max_entries = 1, .entries = (uintptr_t)&c };
	struct nvt_ioctl_map_cmdlog mc = { .qid = 0 };
	struct nvt_ioctl_create_qpair cq = { .depth = 16 };
	struct nvt_ioctl_delete_qpair dq = { .qid = 1 };
	struct nvt_ioctl_map_irqs mi = { 0 };
	struct nvt_ioctl_ctl_irq ci = { .flags = NVT_IRQ_F_MASK, .vector = 1 };
	struct nvt_ioctl_map_crc_table mt = { .nsid = 1, .nlba = 1024 };

	memset(&gi.out, 0xa5, sizeof(gi.out));
	ck_assert_int_eq(xioctl(f, NVT_IOCTL_GET_INFO, &gi), -err);
	ck_assert_uint_eq(gi.out.abi_version, 0xa5a5a5a5);	/* nothing written */
	for (size_t i = 0; i < sizeof(acc) / sizeof(acc[0]); i++) {
		struct nvt_ioctl_access a = { .width = acc[i].width, .offset = acc[i].offset };

		ck_assert_msg(xioctl(f, acc[i].req, &a) == -err, "ioctl 0x%lx offset 0x%llx",
			      acc[i].req, (unsigned long long)acc[i].offset);
	}
	ck_assert_int_eq(xioctl(f, NVT_IOCTL_ALLOC_BUF, &ab), -err);
	ck_assert_int_eq(xioctl(f, NVT_IOCTL_FREE_BUF, &fb), -err);
	ck_assert_int_eq(xioctl(f, NVT_IOCTL_SETUP_ADMIN, &sa), -err);
	ck_assert_int_eq(xioctl(f, NVT_IOCTL_SUBMIT_ADMIN, &su), -err);
	ck_assert_int_eq(xioctl(f, NVT_IOCTL_REAP_ADMIN, &ra), -err);
	ck_assert_int_eq(xioctl(f, NVT_IOCTL_MAP_CMDLOG, &mc), -err);
	ck_assert_int_eq(xioctl(f, NVT_IOCTL_CREATE_QPAIR, &cq), -err);
	ck_assert_int_eq(xioctl(f, NVT_IOCTL_DELETE_QPAIR, &dq), -err);
	ck_assert_int_eq(xioctl(f, NVT_IOCTL_MAP_IRQS, &mi), -err);
	ck_assert_int_eq(xioctl(f, NVT_IOCTL_CTL_IRQ, &ci), -err);
	ck_assert_int_eq(xioctl(f, NVT_IOCTL_MAP_CRC_TABLE, &mt), -err);
}

static bool in_dump(const char *b)
{
	struct genl_ctrl c[MAX_CTRLS];
	int n = genl_dump_ctrls(c, MAX_CTRLS);

	ck_assert_int_ge(n, 0);
	for (int i = 0; i < n && i < MAX_CTRLS; i++)
		if (!strcmp(c[i].bdf, b))
			return true;
	return false;
}

START_TEST(test_unbind_with_file_open_gives_enodev)
{
	int fd2 = dev_open();
	uint64_t vs;

	unbind(bdf);
	assert_all_ioctls_fail(fd, ENODEV);
	assert_all_ioctls_fail(fd2, ENODEV);
	/* Unknown ioctls stay unknown. */
	ck_assert_int_eq(xioctl(fd, _IO(NVT_IOCTL_TYPE, 0x7f), NULL), -ENOTTY);
	/* The node and the netlink entry are gone; nothing new can open it. */
	ck_assert_int_eq(access(dev_path(), F_OK), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert(!in_dump(bdf));
	/* The last close frees the controller: close in the other order than opened. */
	close(fd);
	fd = -1;
	assert_all_ioctls_fail(fd2, ENODEV);
	close(fd2);

	rebind(bdf);
	fd = dev_open();
	ck_assert_int_eq(reg_read(fd, 4, REG_VS, &vs), 0);
	ck_assert_uint_eq(vs, 0x00010400);
	ck_assert(in_dump(bdf));
}
END_TEST

START_TEST(test_rebind_gives_same_node_and_controller)
{
	struct nvt_ioctl_get_info again;

	close(fd);
	fd = -1;
	unbind(bdf);
	rebind(bdf);
	fd = dev_open();
	ck_assert_int_eq(get_info(fd, &again), 0);
	ck_assert_mem_eq(&again.out, &info.out, sizeof(again.out));
}
END_TEST

/* A file opened before an unbind stays dead after the rebind: it belongs to the old binding. */
START_TEST(test_old_file_stays_dead_after_rebind)
{
	int fresh;
	uint64_t vs;

	unbind(bdf);
	rebind(bdf);
	assert_all_ioctls_fail(fd, ENODEV);
	fresh = dev_open();
	ck_assert_int_eq(reg_read(fresh, 4, REG_VS, &vs), 0);
	ck_assert_uint_eq(vs, 0x00010400);
	close(fresh);
}
END_TEST

/* ---- unbind racing with ioctls ---- */

static atomic_bool hammer_stop;

struct hammer {
	unsigned long ok, dead;	/* ioctls that worked, and that gave ENODEV */
	int bad;		/* the first other result, or 0 */
};

/*
 * Reads VS in a loop; when the controller goes away, reopens the node until
 * it is back. Every ioctl must either work and read VS, or give ENODEV.
 */
static void *hammer_thread(void *arg)
{
	struct hammer *h = arg;
	int f = -1;

	while (!atomic_load(&hammer_stop) && !h->bad) {
		uint64_t vs;
		int ret;

		if (f < 0) {
			f = open(dev_path(), O_RDWR | O_CLOEXEC);
			if (f < 0 && errno != ENOENT && errno != ENODEV)
				h->bad = errno;
			continue;
		}
		ret = reg_read(f, 4, REG_VS, &vs);
		if (!ret && vs == 0x00010400) {
			h->ok++;
		} else if (ret == -ENODEV) {
			h->dead++;
			close(f);
			f = -1;
		} else {
			h->bad = ret ? -ret : EPROTO;
		}
	}
	if (f >= 0)
		close(f);
	return NULL;
}

START_TEST(test_unbind_while_ioctls_run_is_safe)
{
	struct hammer h[2] = { 0 };
	pthread_t t[2];

	close(fd);
	fd = -1;
	atomic_store(&hammer_stop, false);
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, hammer_thread, &h[i]), 0);
	for (int cycle = 0; cycle < 20; cycle++) {
		usleep(20000);
		unbind(bdf);
		usleep(5000);
		rebind(bdf);
	}
	usleep(20000);
	atomic_store(&hammer_stop, true);
	for (int i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		ck_assert_msg(!h[i].bad, "thread %d: %s", i, strerror(h[i].bad));
		ck_assert_uint_gt(h[i].ok, 0);
	}
	/* At least some unbinds happened under a thread's open file. */
	ck_assert_uint_gt(h[0].dead + h[1].dead, 0);
}
END_TEST

START_TEST(test_unload_with_file_open_is_in_use)
{
	uint64_t vs;

	errno = 0;
	ck_assert_int_eq(syscall(SYS_delete_module, "nvmetest", O_NONBLOCK), -1);
	ck_assert_int_eq(errno, EWOULDBLOCK);
	ck_assert(module_loaded());
	ck_assert(is_bound(bdf));
	ck_assert_int_eq(reg_read(fd, 4, REG_VS, &vs), 0);
	ck_assert_uint_eq(vs, 0x00010400);
}
END_TEST

/* Even a dead file (its controller unbound) pins the module until closed. */
START_TEST(test_unload_with_dead_file_open_is_in_use)
{
	unbind(bdf);
	errno = 0;
	ck_assert_int_eq(syscall(SYS_delete_module, "nvmetest", O_NONBLOCK), -1);
	ck_assert_int_eq(errno, EWOULDBLOCK);
	ck_assert(module_loaded());
	assert_all_ioctls_fail(fd, ENODEV);
	rebind(bdf);
}
END_TEST

/*
 * With no file open the module unloads (unbinding every controller); then it
 * loads again from $NVT_KMOD and every controller, whose driver_override
 * still names nvmetest, is bound again and works.
 */
START_TEST(test_unload_after_close_then_reload_works)
{
	char before[MAX_CTRLS][32], after[MAX_CTRLS][32];
	const char *ko = getenv("NVT_KMOD");
	int n, kfd;

	close(fd);
	fd = -1;
	n = bound_bdfs(before, MAX_CTRLS);
	ck_assert_int_ge(n, 1);

	ck_assert_msg(syscall(SYS_delete_module, "nvmetest", O_NONBLOCK) == 0,
		      "delete_module: %s", strerror(errno));
	ck_assert(!module_loaded());
	ck_assert_int_eq(access(dev_path(), F_OK), -1);
	for (int i = 0; i < n; i++) {
		char path[128];

		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%.31s/driver", before[i]);
		ck_assert_msg(access(path, F_OK) == -1, "%s still bound", before[i]);
	}

	kfd = open(ko, O_RDONLY | O_CLOEXEC);
	ck_assert_msg(kfd >= 0, "%s: %s", ko, strerror(errno));
	ck_assert_msg(syscall(SYS_finit_module, kfd, "", 0) == 0,
		      "finit_module %s: %s", ko, strerror(errno));
	close(kfd);
	ck_assert(module_loaded());

	/* Registering the driver binds them already; a probe of a bound one is a no-op. */
	for (int i = 0; i < n; i++)
		if (!is_bound(before[i]))
			ck_assert_int_eq(sysfs_write("/sys/bus/pci/drivers_probe", before[i]), 0);
	ck_assert_int_eq(bound_bdfs(after, MAX_CTRLS), n);
	for (int i = 0; i < n; i++)
		ck_assert_str_eq(after[i], before[i]);

	for (int i = 0; i < n; i++) {
		char path[64];
		uint64_t vs, cap;
		int f;

		snprintf(path, sizeof(path), "/dev/nvmetest%d", i);
		f = open(path, O_RDWR | O_CLOEXEC);
		ck_assert_msg(f >= 0, "%s: %s", path, strerror(errno));
		ck_assert_int_eq(reg_read(f, 4, REG_VS, &vs), 0);
		ck_assert_uint_eq(vs, 0x00010400);
		ck_assert_int_eq(reg_read(f, 8, REG_CAP, &cap), 0);
		ck_assert_uint_eq(cap & 0xffff, 2047);
		close(f);
	}
	ck_assert(in_dump(bdf));
}
END_TEST

static Suite *unbind_suite(void)
{
	Suite *s = suite_create("unbind");
	TCase *tc;

	tc = tcase_create("unbind");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_unbind_with_file_open_gives_enodev);
	tcase_add_test(tc, test_rebind_gives_same_node_and_controller);
	tcase_add_test(tc, test_old_file_stays_dead_after_rebind);
	tcase_add_test(tc, test_unbind_while_ioctls_run_is_safe);
	suite_add_tcase(s, tc);

	tc = tcase_create("unload");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_unload_with_file_open_is_in_use);
	tcase_add_test(tc, test_unload_with_dead_file_open_is_in_use);
	tcase_add_test(tc, test_unload_after_close_then_reload_works);
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	const char *ko = getenv("NVT_KMOD");

	require_device();
	if (!ko || !*ko) {
		fprintf(stderr, "SKIP: NVT_KMOD (the nvmetest.ko to reload) is not set\n");
		return EXIT_SKIP;
	}
	return run_suite(unbind_suite());
}
