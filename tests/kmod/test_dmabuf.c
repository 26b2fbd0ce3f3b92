// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * DMA buffers of nvmetest.ko in the QEMU guest: NVT_IOCTL_ALLOC_BUF and
 * NVT_IOCTL_FREE_BUF, every bad field, and mmap() of the buffers: sizes up
 * to NVT_BUF_MAX_SIZE, zeroed memory, page-aligned device addresses, and
 * mappings that outlive the handle.
 *
 * Run: tests/vm/run [--kernel 6.1|6.12] -- build/tests/kmod/test_dmabuf
 */
#include <stddef.h>
#include <sys/wait.h>

#include "kmod_test.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int fd = -1;
static long page_size;

static void setup(void)
{
	fd = dev_open();
	page_size = sysconf(_SC_PAGESIZE);
}

static void teardown(void)
{
	close(fd);
}

static uint64_t round_up(uint64_t v, uint64_t to)
{
	return (v + to - 1) / to * to;
}

static const uint64_t good_sizes[] = { 1, 4096, 2 << 20, NVT_BUF_MAX_SIZE, 4097, 12345 };

START_TEST(test_alloc_gives_handle_offset_size_and_aligned_iova)
{
	struct nvt_ioctl_alloc_buf a;
	uint64_t size = good_sizes[_i];

	ck_assert_int_eq(buf_alloc(fd, size, &a), 0);
	ck_assert_uint_ne(a.handle, 0);
	ck_assert_uint_eq(a.mmap_size, round_up(size, page_size));
	ck_assert_uint_eq(a.mmap_offset % page_size, 0);
	ck_assert_uint_ne(a.iova, 0);
	ck_assert_uint_eq(a.iova % page_size, 0);
	/* The in fields are the caller's, the rest zero. */
	ck_assert_uint_eq(a.size, size);
	ck_assert_uint_eq(a.flags, 0);
	for (size_t i = 0; i < ARRAY_SIZE(a.reserved); i++)
		ck_assert_uint_eq(a.reserved[i], 0);
	ck_assert_int_eq(buf_free(fd, a.handle), 0);
}
END_TEST

START_TEST(test_mapped_buffer_is_zeroed_and_keeps_data)
{
	uint64_t size = good_sizes[_i];
	struct test_buf b = buf_new(fd, size);
	uint64_t *w = (uint64_t *)b.p;
	size_t n = b.a.mmap_size / sizeof(*w);

	for (size_t i = 0; i < n; i++)
		ck_assert_msg(w[i] == 0, "word %zu is 0x%llx", i, (unsigned long long)w[i]);
	for (size_t i = 0; i < n; i++)
		w[i] = i * 0x9e3779b97f4a7c15ull;
	for (size_t i = 0; i < n; i++)
		ck_assert(w[i] == i * 0x9e3779b97f4a7c15ull);
	/* A second mapping sees the same memory. */
	{
		uint64_t *w2 = mmap(NULL, b.a.mmap_size, PROT_READ, MAP_SHARED, fd,
				    b.a.mmap_offset);

		ck_assert_ptr_ne(w2, MAP_FAILED);
		ck_assert_mem_eq(w2, w, b.a.mmap_size);
		munmap(w2, b.a.mmap_size);
	}
	buf_del(fd, &b);
}
END_TEST

START_TEST(test_output_fields_are_overwritten)
{
	struct nvt_ioctl_alloc_buf a;

	memset(&a, 0xa5, sizeof(a));
	a.flags = 0;
	memset(a.reserved, 0, sizeof(a.reserved));
	a.size = 100;
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_ALLOC_BUF, &a), 0);
	ck_assert_uint_ne(a.handle, 0xa5a5a5a5);
	ck_assert_uint_eq(a.mmap_size, page_size);
	ck_assert_uint_ne(a.mmap_offset, 0xa5a5a5a5a5a5a5a5ull);
	ck_assert_uint_ne(a.iova, 0xa5a5a5a5a5a5a5a5ull);
	ck_assert_uint_eq(a.iova % page_size, 0);
	ck_assert_int_eq(buf_free(fd, a.handle), 0);
}
END_TEST

START_TEST(test_alloc_bad_size_is_einval)
{
	static const uint64_t bad[] = {
		0, NVT_BUF_MAX_SIZE + 1, NVT_BUF_MAX_SIZE * 2, 1ull << 32, ~0ull,
	};
	struct nvt_ioctl_alloc_buf a;

	ck_assert_int_eq(buf_alloc(fd, bad[_i], &a), -EINVAL);
}
END_TEST

START_TEST(test_alloc_flags_nonzero_is_einval)
{
	struct nvt_ioctl_alloc_buf a = { .size = 4096, .flags = _i ? 0x80000000u : 1 };

	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_ALLOC_BUF, &a), -EINVAL);
}
END_TEST

START_TEST(test_alloc_reserved_nonzero_is_einval)
{
	struct nvt_ioctl_alloc_buf a = { .size = 4096 };

	a.reserved[_i % 3] = _i / 3 ? 1ull << 63 : 1;
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_ALLOC_BUF, &a), -EINVAL);
	ck_assert_uint_eq(a.handle, 0);	/* nothing written */
}
END_TEST

START_TEST(test_free_unknown_handle_is_enoent)
{
	static const uint32_t bad[] = { 0, 1, 12345, 0x7fffffff, 0xffffffff };

	ck_assert_int_eq(buf_free(fd, bad[_i]), -ENOENT);
}
END_TEST

START_TEST(test_double_free_is_enoent)
{
	struct nvt_ioctl_alloc_buf a;

	ck_assert_int_eq(buf_alloc(fd, 4096, &a), 0);
	ck_assert_int_eq(buf_free(fd, a.handle), 0);
	ck_assert_int_eq(buf_free(fd, a.handle), -ENOENT);
}
END_TEST

START_TEST(test_free_bad_fields_is_einval)
{
	struct nvt_ioctl_alloc_buf a;
	struct nvt_ioctl_free_buf f;

	ck_assert_int_eq(buf_alloc(fd, 4096, &a), 0);
	memset(&f, 0, sizeof(f));
	f.handle = a.handle;
	if (_i < 2)
		f.flags = _i ? 0x80000000u : 1;
	else
		f.reserved[(_i - 2) % 3] = 1;
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_FREE_BUF, &f), -EINVAL);
	/* The buffer was not freed. */
	ck_assert_int_eq(buf_free(fd, a.handle), 0);
}
END_TEST

/* Handles belong to the file that allocated them. */
START_TEST(test_handle_of_another_file_is_enoent)
{
	int fd2 = dev_open();
	struct nvt_ioctl_alloc_buf a;
	void *p;

	ck_assert_int_eq(buf_alloc(fd, 4096, &a), 0);
	ck_assert_int_eq(buf_free(fd2, a.handle), -ENOENT);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd2, a.mmap_offset);
	ck_assert_ptr_eq(p, MAP_FAILED);
	ck_assert_int_eq(errno, ENOENT);
	close(fd2);
	ck_assert_int_eq(buf_free(fd, a.handle), 0);
}
END_TEST

START_TEST(test_buffers_get_distinct_handles_offsets_and_iovas)
{
	struct nvt_ioctl_alloc_buf a[8];

	for (int i = 0; i < 8; i++) {
		ck_assert_int_eq(buf_alloc(fd, 8192, &a[i]), 0);
		for (int j = 0; j < i; j++) {
			ck_assert_uint_ne(a[i].handle, a[j].handle);
			ck_assert_uint_ne(a[i].mmap_offset, a[j].mmap_offset);
			ck_assert(a[i].iova + 8192 <= a[j].iova || a[j].iova + 8192 <= a[i].iova);
		}
	}
	for (int i = 0; i < 8; i++)
		ck_assert_int_eq(buf_free(fd, a[i].handle), 0);
}
END_TEST

/* A freed handle is not handed out again at once (stale handles stay stale). */
START_TEST(test_freed_handle_is_not_reused_at_once)
{
	struct nvt_ioctl_alloc_buf a, b;

	ck_assert_int_eq(buf_alloc(fd, 4096, &a), 0);
	ck_assert_int_eq(buf_free(fd, a.handle), 0);
	ck_assert_int_eq(buf_alloc(fd, 4096, &b), 0);
	ck_assert_uint_ne(a.handle, b.handle);
	ck_assert_int_eq(buf_free(fd, b.handle), 0);
}
END_TEST

/* The mapping holds the memory: freeing the handle does not pull it away. */
START_TEST(test_munmap_after_free_is_safe)
{
	struct test_buf b = buf_new(fd, 3 * 4096);

	memset(b.p, 0x5a, b.a.mmap_size);
	ck_assert_int_eq(buf_free(fd, b.a.handle), 0);
	for (size_t i = 0; i < b.a.mmap_size; i++)
		ck_assert_uint_eq(b.p[i], 0x5a);
	memset(b.p, 0x3c, b.a.mmap_size);
	ck_assert_uint_eq(b.p[b.a.mmap_size - 1], 0x3c);
	ck_assert_int_eq(munmap(b.p, b.a.mmap_size), 0);
}
END_TEST

/* Even closing the file keeps the mapping's memory. */
START_TEST(test_mapping_outlives_close)
{
	int fd2 = dev_open();
	struct test_buf b = buf_new(fd2, 4096);

	memset(b.p, 0x77, 4096);
	close(fd2);
	ck_assert_uint_eq(b.p[4095], 0x77);
	b.p[0] = 1;
	ck_assert_int_eq(munmap(b.p, 4096), 0);
}
END_TEST

START_TEST(test_mmap_after_free_is_enoent)
{
	struct nvt_ioctl_alloc_buf a;
	void *p;

	ck_assert_int_eq(buf_alloc(fd, 4096, &a), 0);
	ck_assert_int_eq(buf_free(fd, a.handle), 0);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, a.mmap_offset);
	ck_assert_ptr_eq(p, MAP_FAILED);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_mmap_private_is_einval)
{
	struct nvt_ioctl_alloc_buf a;
	void *p;

	ck_assert_int_eq(buf_alloc(fd, 4096, &a), 0);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, a.mmap_offset);
	ck_assert_ptr_eq(p, MAP_FAILED);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(buf_free(fd, a.handle), 0);
}
END_TEST

START_TEST(test_mmap_beyond_buffer_is_einval)
{
	struct nvt_ioctl_alloc_buf a;
	void *p;

	ck_assert_int_eq(buf_alloc(fd, 2 * 4096, &a), 0);
	/* Too long, and starting past the end. */
	p = mmap(NULL, 3 * 4096, PROT_READ, MAP_SHARED, fd, a.mmap_offset);
	ck_assert_ptr_eq(p, MAP_FAILED);
	ck_assert_int_eq(errno, EINVAL);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, a.mmap_offset + 2 * 4096);
	ck_assert_ptr_eq(p, MAP_FAILED);
	ck_assert_int_eq(errno, EINVAL);
	p = mmap(NULL, 2 * 4096, PROT_READ, MAP_SHARED, fd, a.mmap_offset + 4096);
	ck_assert_ptr_eq(p, MAP_FAILED);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(buf_free(fd, a.handle), 0);
}
END_TEST

/* An offset no ioctl handed out. */
START_TEST(test_mmap_unknown_offset_fails)
{
	void *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);

	ck_assert_ptr_eq(p, MAP_FAILED);
	ck_assert_int_eq(errno, ENOENT);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 1ull << 47);
	ck_assert_ptr_eq(p, MAP_FAILED);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* Mapping from the second page maps the buffer's second page. */
START_TEST(test_mmap_at_page_offset_sees_that_page)
{
	struct test_buf b = buf_new(fd, 3 * 4096);
	unsigned char *p;

	for (int i = 0; i < 3; i++)
		memset(b.p + i * 4096, i + 1, 4096);
	p = mmap(NULL, 2 * 4096, PROT_READ, MAP_SHARED, fd, b.a.mmap_offset + 4096);
	ck_assert_ptr_ne(p, MAP_FAILED);
	ck_assert_uint_eq(p[0], 2);
	ck_assert_uint_eq(p[4096], 3);
	munmap(p, 2 * 4096);
	buf_del(fd, &b);
}
END_TEST

START_TEST(test_mapping_cannot_be_split_or_grown)
{
	struct test_buf b = buf_new(fd, 2 * 4096);
	void *p;

	ck_assert_int_eq(munmap(b.p + 4096, 4096), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(mprotect(b.p, 4096, PROT_READ), -1);
	ck_assert_int_eq(errno, EINVAL);
	p = mremap(b.p, 2 * 4096, 4 * 4096, 0);
	ck_assert_ptr_eq(p, MAP_FAILED);
	/* Still whole and usable. */
	b.p[2 * 4096 - 1] = 9;
	ck_assert_uint_eq(b.p[2 * 4096 - 1], 9);
	buf_del(fd, &b);
}
END_TEST

/* A forked child shares the mapping; each copy holds the memory. */
START_TEST(test_mapping_is_shared_with_forked_child)
{
	struct test_buf b = buf_new(fd, 4096);
	int status;
	pid_t pid;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		b.p[0] = 0x42;
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_uint_eq(b.p[0], 0x42);
	buf_del(fd, &b);
}
END_TEST

/* Closing a file with buffers allocated and mapped frees them all. */
START_TEST(test_close_with_buffers_is_clean)
{
	for (int round = 0; round < 4; round++) {
		int fd2 = dev_open();
		struct nvt_ioctl_alloc_buf a;

		for (int i = 0; i < 16; i++)
			ck_assert_int_eq(buf_alloc(fd2, (i + 1) * 4096, &a), 0);
		close(fd2);
	}
}
END_TEST

/* A 4 MiB buffer, many times over: what is freed really goes back. */
START_TEST(test_alloc_free_largest_repeatedly)
{
	for (int i = 0; i < 64; i++) {
		struct nvt_ioctl_alloc_buf a;

		ck_assert_int_eq(buf_alloc(fd, NVT_BUF_MAX_SIZE, &a), 0);
		ck_assert_int_eq(buf_free(fd, a.handle), 0);
	}
}
END_TEST

/* If the result cannot be written back, nothing stays allocated. */
START_TEST(test_alloc_unwritable_output_is_efault)
{
	unsigned char *p = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct nvt_ioctl_alloc_buf a = { .size = 4096 };

	ck_assert_ptr_ne(p, MAP_FAILED);
	memcpy(p, &a, sizeof(a));
	ck_assert_int_eq(mprotect(p, page_size, PROT_READ), 0);
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_ALLOC_BUF, p), -EFAULT);
	/* The handle it would have been is not there. */
	ck_assert_int_eq(buf_alloc(fd, 4096, &a), 0);
	ck_assert_int_eq(buf_free(fd, a.handle - 1), -ENOENT);
	ck_assert_int_eq(buf_free(fd, a.handle), 0);
	munmap(p, page_size);
}
END_TEST

static Suite *dmabuf_suite(void)
{
	Suite *s = suite_create("dmabuf");
	TCase *tc;

	tc = tcase_create("alloc");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_alloc_gives_handle_offset_size_and_aligned_iova, 0,
			    ARRAY_SIZE(good_sizes));
	tcase_add_loop_test(tc, test_mapped_buffer_is_zeroed_and_keeps_data, 0,
			    ARRAY_SIZE(good_sizes));
	tcase_add_test(tc, test_output_fields_are_overwritten);
	tcase_add_loop_test(tc, test_alloc_bad_size_is_einval, 0, 5);
	tcase_add_loop_test(tc, test_alloc_flags_nonzero_is_einval, 0, 2);
	tcase_add_loop_test(tc, test_alloc_reserved_nonzero_is_einval, 0, 6);
	tcase_add_test(tc, test_buffers_get_distinct_handles_offsets_and_iovas);
	tcase_add_test(tc, test_freed_handle_is_not_reused_at_once);
	tcase_add_test(tc, test_alloc_free_largest_repeatedly);
	tcase_add_test(tc, test_alloc_unwritable_output_is_efault);
	suite_add_tcase(s, tc);

	tc = tcase_create("free");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_free_unknown_handle_is_enoent, 0, 5);
	tcase_add_test(tc, test_double_free_is_enoent);
	tcase_add_loop_test(tc, test_free_bad_fields_is_einval, 0, 5);
	tcase_add_test(tc, test_handle_of_another_file_is_enoent);
	tcase_add_test(tc, test_close_with_buffers_is_clean);
	suite_add_tcase(s, tc);

	tc = tcase_create("mmap");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_munmap_after_free_is_safe);
	tcase_add_test(tc, test_mapping_outlives_close);
	tcase_add_test(tc, test_mmap_after_free_is_enoent);
	tcase_add_test(tc, test_mmap_private_is_einval);
	tcase_add_test(tc, test_mmap_beyond_buffer_is_einval);
	tcase_add_test(tc, test_mmap_unknown_offset_fails);
	tcase_add_test(tc, test_mmap_at_page_offset_sees_that_page);
	tcase_add_test(tc, test_mapping_cannot_be_split_or_grown);
	tcase_add_test(tc, test_mapping_is_shared_with_forked_child);
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	require_device();
	return run_suite(dmabuf_suite());
}
