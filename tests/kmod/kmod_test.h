/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Helpers shared by the nvmetest.ko integration tests (tests/kmod/test_*.c).
 * They use raw ioctls on /dev/nvmetestN, never libnvmetest, so that they test
 * the kernel ABI itself. Each helper returns 0 or -errno unless its comment
 * says otherwise; helpers named *_new, ctrl_init and genl_ctrl_of fail the
 * test themselves.
 *
 * The tests run in the QEMU guest (tests/vm/run) with the module loaded and
 * the controllers bound; they exit 0 (pass), 1 (fail) or 77 (skip: no device).
 */
#ifndef NVT_KMOD_TEST_H
#define NVT_KMOD_TEST_H

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/pci_regs.h>
#include <nvmetest/uapi.h>

#define EXIT_SKIP 77

/* NVMe 1.4 section 3.1: controller registers. */
#define REG_CAP		0x00
#define REG_VS		0x08
#define REG_INTMS	0x0c
#define REG_INTMC	0x10
#define REG_CC		0x14
#define REG_CSTS	0x1c
#define REG_AQA		0x24
#define REG_ASQ		0x28
#define REG_ACQ		0x30

#define CC_EN		0x1
/* CC with IOCQES 4 (16-byte CQEs), IOSQES 6 (64-byte SQEs), MPS 0, EN. */
#define CC_ENABLE	(4u << 20 | 6u << 16 | CC_EN)
#define CSTS_RDY	0x1
#define CSTS_CFS	0x2

/* Admin opcodes (NVMe 1.4 figure 139). */
#define OPC_DELETE_SQ		0x00
#define OPC_GET_LOG_PAGE	0x02
#define OPC_CREATE_SQ		0x01
#define OPC_CREATE_CQ		0x05
#define OPC_DELETE_CQ		0x04
#define OPC_IDENTIFY		0x06
#define OPC_SET_FEATURES	0x09
#define OPC_GET_FEATURES	0x0a
#define OPC_AER			0x0c
#define OPC_DBBC		0x7c
#define OPC_UNASSIGNED		0x03	/* reserved in NVMe 1.4: no vendor meaning either */
#define FID_NR_QUEUES		0x07

/* NVM command set opcodes (NVMe 1.4 figure 346). */
#define OPC_IO_FLUSH		0x00
#define OPC_IO_WRITE		0x01
#define OPC_IO_READ		0x02

/* QEMU 7.2's emulated controller (docs: shared/qemu-nvme.md (beside the repository)). */
#define QEMU_VENDOR_ID	0x1b36
#define QEMU_DEVICE_ID	0x0010
#define NVME_CLASS	0x010802

static inline const char *dev_path(void)
{
	const char *p = getenv("NVT_DEV");

	return p && *p ? p : "/dev/nvmetest0";
}

/* Opens the device under test; the test fails if it cannot. */
static inline int dev_open(void)
{
	int fd = open(dev_path(), O_RDWR | O_CLOEXEC);

	ck_assert_msg(fd >= 0, "open %s: %s", dev_path(), strerror(errno));
	return fd;
}

/* Exits 77 when there is no device to test (not in the VM, or not bound). */
static inline void require_device(void)
{
	if (access(dev_path(), F_OK) != 0) {
		fprintf(stderr, "SKIP: %s: %s\n", dev_path(), strerror(errno));
		exit(EXIT_SKIP);
	}
}

static inline int xioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) == 0 ? 0 : -errno;
}

static inline int get_info(int fd, struct nvt_ioctl_get_info *info)
{
	memset(info, 0, sizeof(*info));
	info->in.output_size_bytes = sizeof(info->out);
	return xioctl(fd, NVT_IOCTL_GET_INFO, info);
}

static inline int access_op(int fd, unsigned long req, uint32_t width,
			    uint64_t offset, uint64_t *value)
{
	struct nvt_ioctl_access a = {
		.width = width,
		.offset = offset,
		.value = *value,
	};
	int ret = xioctl(fd, req, &a);

	if (!ret)
		*value = a.value;
	return ret;
}

static inline int reg_read(int fd, uint32_t width, uint64_t offset, uint64_t *value)
{
	*value = 0;
	return access_op(fd, NVT_IOCTL_READ_REG, width, offset, value);
}

static inline int reg_write(int fd, uint32_t width, uint64_t offset, uint64_t value)
{
	return access_op(fd, NVT_IOCTL_WRITE_REG, width, offset, &value);
}

static inline int cfg_read(int fd, uint32_t width, uint64_t offset, uint64_t *value)
{
	*value = 0;
	return access_op(fd, NVT_IOCTL_READ_CONFIG, width, offset, value);
}

static inline int cfg_write(int fd, uint32_t width, uint64_t offset, uint64_t value)
{
	return access_op(fd, NVT_IOCTL_WRITE_CONFIG, width, offset, &value);
}

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

/* ---- DMA buffers ---- */

struct test_buf {
	struct nvt_ioctl_alloc_buf a;	/* handle, mmap_offset, mmap_size, iova */
	unsigned char *p;		/* mapped, or NULL */
};

static inline int buf_alloc(int fd, uint64_t size, struct nvt_ioctl_alloc_buf *a)
{
	memset(a, 0, sizeof(*a));
	a->size = size;
	return xioctl(fd, NVT_IOCTL_ALLOC_BUF, a);
}

static inline int buf_free(int fd, uint32_t handle)
{
	struct nvt_ioctl_free_buf f = { .handle = handle };

	return xioctl(fd, NVT_IOCTL_FREE_BUF, &f);
}

/* Allocates and maps a buffer; the test fails if it cannot. */
static inline struct test_buf buf_new(int fd, uint64_t size)
{
	struct test_buf b;
	int ret = buf_alloc(fd, size, &b.a);

	ck_assert_msg(ret == 0, "ALLOC_BUF %llu: %s", (unsigned long long)size, strerror(-ret));
	b.p = mmap(NULL, b.a.mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   b.a.mmap_offset);
	ck_assert_msg(b.p != MAP_FAILED, "mmap: %s", strerror(errno));
	return b;
}

static inline void buf_del(int fd, struct test_buf *b)
{
	if (b->p)
		munmap(b->p, b->a.mmap_size);
	b->p = NULL;
	ck_assert_int_eq(buf_free(fd, b->a.handle), 0);
}

/* ---- the admin queue ---- */

static inline int setup_admin(int fd, uint16_t sq_depth, uint16_t cq_depth)
{
	struct nvt_ioctl_setup_admin s = { .sq_depth = sq_depth, .cq_depth = cq_depth };

	return xioctl(fd, NVT_IOCTL_SETUP_ADMIN, &s);
}

/* Waits up to 5 s (QEMU: CAP.TO 7.5 s, but it is instant) for CSTS.RDY == @rdy. */
static inline int wait_rdy(int fd, int rdy)
{
	for (int i = 0; i < 5000; i++) {
		uint64_t csts;
		int ret = reg_read(fd, 4, REG_CSTS, &csts);

		if (ret)
			return ret;
		if ((int)(csts & CSTS_RDY) == rdy)
			return 0;
		usleep(1000);
	}
	return -ETIMEDOUT;
}

static inline int ctrl_disable(int fd)
{
	int ret = reg_write(fd, 4, REG_CC, 0);

	return ret ? ret : wait_rdy(fd, 0);
}

static inline int ctrl_enable(int fd)
{
	int ret = reg_write(fd, 4, REG_CC, CC_ENABLE);

	return ret ? ret : wait_rdy(fd, 1);
}

/* The initialisation of NVMe 1.4 section 7.6.1, done by hand. */
static inline void ctrl_init(int fd, uint16_t depth)
{
	ck_assert_int_eq(ctrl_disable(fd), 0);
	ck_assert_int_eq(setup_admin(fd, depth, depth), 0);
	ck_assert_int_eq(ctrl_enable(fd), 0);
}

static inline void sqe_init(uint32_t *sqe, uint8_t opcode, uint32_t nsid,
			    uint32_t cdw10, uint32_t cdw11)
{
	memset(sqe, 0, 64);
	sqe[0] = opcode;
	sqe[1] = nsid;
	sqe[10] = cdw10;
	sqe[11] = cdw11;
}

static inline int submit(int fd, const uint32_t *sqe, uint32_t handle, uint64_t off,
			 uint32_t len, uint32_t timeout_ms, uint64_t tag, uint16_t *cid)
{
	struct nvt_ioctl_submit_admin s = {
		.buf_handle = handle, .buf_offset = off, .buf_len = len,
		.timeout_ms = timeout_ms, .tag = tag,
	};
	int ret;

	memcpy(s.sqe, sqe, sizeof(s.sqe));
	ret = xioctl(fd, NVT_IOCTL_SUBMIT_ADMIN, &s);
	if (!ret && cid)
		*cid = s.cid;
	return ret;
}

/* Reaps up to @max completions; returns how many, or -errno. */
static inline int reap(int fd, struct nvt_completion *out, uint32_t max, uint32_t timeout_ms)
{
	struct nvt_ioctl_reap_admin r = {
		.timeout_ms = timeout_ms, .max_entries = max,
		.entries = (uintptr_t)out,
	};
	int ret = xioctl(fd, NVT_IOCTL_REAP_ADMIN, &r);

	return ret ? ret : (int)r.count;
}

/* Completions reaped while waiting for another tag, oldest first. */
static struct nvt_completion stash[32];
static int nstash;

/* Waits up to @timeout_ms for the completion tagged @tag; 0 or -errno. */
static inline int reap_tag(int fd, uint64_t tag, uint32_t timeout_ms, struct nvt_completion *out)
{
	uint64_t end = now_ns() + (uint64_t)timeout_ms * 1000000;

	for (;;) {
		struct nvt_completion c;
		uint64_t now;
		int n;

		for (int i = 0; i < nstash; i++) {
			if (stash[i].tag == tag) {
				*out = stash[i];
				memmove(&stash[i], &stash[i + 1], (--nstash - i) * sizeof(stash[0]));
				return 0;
			}
		}
		now = now_ns();
		if (now >= end)
			return -ETIMEDOUT;
		n = reap(fd, &c, 1, (end - now) / 1000000 + 1);
		if (n < 0)
			return n;
		if (n == 1 && nstash < (int)(sizeof(stash) / sizeof(stash[0])))
			stash[nstash++] = c;
	}
}

static uint64_t next_tag = 0x7a60000000000000ull;

/* Submits and waits up to 10 s for the completion; 0 or -errno. */
static inline int admin_sync(int fd, const uint32_t *sqe, uint32_t handle, uint64_t off,
			     uint32_t len, struct nvt_completion *out)
{
	uint64_t tag = ++next_tag;
	int ret = submit(fd, sqe, handle, off, len, 0, tag, NULL);

	return ret ? ret : reap_tag(fd, tag, 10000, out);
}

/* The completion's status field (DW3 bits 31:17) and its parts (figure 125). */
static inline uint16_t cpl_sf(const struct nvt_completion *c)
{
	return c->cqe[3] >> 17;
}

static inline uint16_t cpl_status(const struct nvt_completion *c)	/* SCT << 8 | SC */
{
	return cpl_sf(c) & 0x7ff;
}

static inline bool cpl_dnr(const struct nvt_completion *c)
{
	return cpl_sf(c) >> 14 & 1;
}

/* Identify (CNS @cns) into @handle at @off; returns the status, or -errno. */
static inline int identify(int fd, uint32_t cns, uint32_t handle, uint64_t off)
{
	struct nvt_completion c;
	uint32_t sqe[16];
	int ret;

	sqe_init(sqe, OPC_IDENTIFY, 0, cns, 0);
	ret = admin_sync(fd, sqe, handle, off, 4096, &c);
	return ret ? ret : cpl_status(&c);
}

/* Set Features Number of Queues (NVMe 1.4 section 5.21.1.7): asks for @n pairs; returns the
 * pairs granted (min(NSQA, NCQA) + 1), or -errno / -status. */
static inline int set_nr_queues(int fd, unsigned int n)
{
	struct nvt_completion c;
	uint32_t sqe[16];
	int ret;

	sqe_init(sqe, OPC_SET_FEATURES, 0, FID_NR_QUEUES, (n - 1) << 16 | (n - 1));
	ret = admin_sync(fd, sqe, 0, 0, 0, &c);
	if (ret)
		return ret;
	if (cpl_status(&c))
		return -(int)cpl_status(&c);
	return (int)((c.cqe[0] & 0xffff) < (c.cqe[0] >> 16) ? (c.cqe[0] & 0xffff) :
		     (c.cqe[0] >> 16)) + 1;
}

/* ---- IO queue pairs, driven by hand through the mapped rings ---- */

struct test_qpair {
	struct nvt_ioctl_create_qpair c;	/* what CREATE_QPAIR gave back */
	int fd;
	uint32_t *sq;				/* mapped rings and doorbells */
	volatile uint32_t *cq;
	volatile uint32_t *db;
	uint16_t sq_tail, cq_head;
	uint8_t phase;
};

static inline int create_qpair(int fd, uint16_t qid, uint16_t depth, uint32_t flags,
			       uint16_t vector, struct nvt_ioctl_create_qpair *c)
{
	memset(c, 0, sizeof(*c));
	c->flags = flags;
	c->qid = qid;
	c->depth = depth;
	c->vector = vector;
	return xioctl(fd, NVT_IOCTL_CREATE_QPAIR, c);
}

static inline int delete_qpair(int fd, uint16_t qid, struct nvt_ioctl_delete_qpair *d)
{
	memset(d, 0, sizeof(*d));
	d->qid = qid;
	return xioctl(fd, NVT_IOCTL_DELETE_QPAIR, d);
}

/* Creates a queue pair and maps its rings and doorbells; the test fails if it cannot. */
static inline struct test_qpair qpair_new(int fd, uint16_t qid, uint16_t depth, uint32_t flags,
					  uint16_t vector)
{
	struct test_qpair q = { .fd = fd, .phase = 1 };
	int ret = create_qpair(fd, qid, depth, flags, vector, &q.c);

	ck_assert_msg(ret == 0, "CREATE_QPAIR: %s", strerror(-ret));
	ck_assert_msg(!q.c.cq_status && !q.c.sq_status, "create statuses %#x %#x",
		      q.c.cq_status, q.c.sq_status);
	q.sq = mmap(NULL, q.c.sq_mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    q.c.sq_mmap_offset);
	ck_assert_msg(q.sq != MAP_FAILED, "mmap SQ: %s", strerror(errno));
	q.cq = mmap(NULL, q.c.cq_mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    q.c.cq_mmap_offset);
	ck_assert_msg(q.cq != MAP_FAILED, "mmap CQ: %s", strerror(errno));
	q.db = mmap(NULL, q.c.db_mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    q.c.db_mmap_offset);
	ck_assert_msg(q.db != MAP_FAILED, "mmap doorbells: %s", strerror(errno));
	return q;
}

static inline void qpair_unmap(struct test_qpair *q)
{
	munmap(q->sq, q->c.sq_mmap_size);
	munmap((void *)q->cq, q->c.cq_mmap_size);
	munmap((void *)q->db, q->c.db_mmap_size);
}

/* Deletes (both statuses 0) and unmaps. */
static inline void qpair_del(struct test_qpair *q)
{
	struct nvt_ioctl_delete_qpair d;

	ck_assert_int_eq(delete_qpair(q->fd, q->c.qid, &d), 0);
	ck_assert_uint_eq(d.sq_status, 0);
	ck_assert_uint_eq(d.cq_status, 0);
	qpair_unmap(q);
}

/* An NVM command: CDW10-11 SLBA, CDW12 NLB (0's based), PRP1/PRP2. */
static inline void io_sqe(uint32_t *sqe, uint8_t opcode, uint32_t nsid, uint64_t slba,
			  uint32_t nlb, uint64_t prp1, uint64_t prp2)
{
	memset(sqe, 0, 64);
	sqe[0] = opcode;
	sqe[1] = nsid;
	sqe[6] = (uint32_t)prp1;
	sqe[7] = prp1 >> 32;
	sqe[8] = (uint32_t)prp2;
	sqe[9] = prp2 >> 32;
	sqe[10] = (uint32_t)slba;
	sqe[11] = slba >> 32;
	sqe[12] = nlb - 1;
}

/* Writes the SQE at the tail with CID @cid and rings the SQ tail doorbell. */
static inline void qpair_submit(struct test_qpair *q, uint32_t *sqe, uint16_t cid)
{
	sqe[0] = (sqe[0] & 0xffff) | (uint32_t)cid << 16;
	memcpy(q->sq + (size_t)q->sq_tail * 16, sqe, 64);
	q->sq_tail = (q->sq_tail + 1) % q->c.depth;
	/* The entry is in memory before the doorbell write reaches the device. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	q->db[q->c.sq_db_offset / 4] = q->sq_tail;
}

/* Whether the entry at the CQ head is new (its phase tag is the current phase). */
static inline bool qpair_cq_ready(struct test_qpair *q)
{
	return (q->cq[q->cq_head * 4 + 3] >> 16 & 1) == q->phase;
}

/*
 * Polls the CQ for one entry up to @timeout_ms, consumes it (head doorbell) and returns 0, or
 * -ETIMEDOUT. With @ring_head false the CQ head doorbell is not written.
 */
static inline int qpair_reap(struct test_qpair *q, uint32_t *cqe, int timeout_ms, bool ring_head)
{
	uint64_t end = now_ns() + (uint64_t)timeout_ms * 1000000;

	while (!qpair_cq_ready(q)) {
		if (now_ns() > end)
			return -ETIMEDOUT;
		usleep(100);
	}
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	for (int i = 0; i < 4; i++)
		cqe[i] = q->cq[q->cq_head * 4 + i];
	if (++q->cq_head == q->c.depth) {
		q->cq_head = 0;
		q->phase ^= 1;
	}
	if (ring_head)
		q->db[q->c.cq_db_offset / 4] = q->cq_head;
	return 0;
}

static inline uint16_t cqe_status(const uint32_t *cqe)
{
	return cqe[3] >> 17 & 0x7ff;
}

/* Submits one command and waits for it; returns its status, or -errno. */
static inline int qpair_sync(struct test_qpair *q, uint32_t *sqe)
{
	static uint16_t cid;
	uint32_t cqe[4];
	int ret;

	qpair_submit(q, sqe, ++cid);
	ret = qpair_reap(q, cqe, 10000, true);
	if (ret)
		return ret;
	ck_assert_uint_eq(cqe[3] & 0xffff, cid);
	ck_assert_uint_eq(cqe[2] >> 16, q->c.qid);	/* SQ identifier */
	return cqe_status(cqe);
}

/* ---- sysfs binding ---- */

#define DRIVER_DIR "/sys/bus/pci/drivers/nvmetest"

static inline bool bdf_is_bound(const char *b)
{
	char path[128];

	snprintf(path, sizeof(path), DRIVER_DIR "/%s", b);
	return access(path, F_OK) == 0;
}

/* "dddd:bb:dd.f", as in sysfs and the netlink dump. */
static inline void info_bdf(const struct nvt_ioctl_get_info *info, char *buf, size_t len)
{
	snprintf(buf, len, "%04x:%02x:%02x.%x", info->out.pci_domain,
		 info->out.pci_bus, info->out.pci_dev, info->out.pci_fn);
}

/* Writes @text to the sysfs file @path. */
static inline int sysfs_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	err = errno;
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : n < 0 ? -err : -EIO;
}

/* The BDFs bound to nvmetest, sorted; returns how many (at most @max), or -errno. */
static inline int bound_bdfs(char (*bdfs)[32], int max)
{
	struct dirent **names;
	int n, count = 0;

	n = scandir(DRIVER_DIR, &names, NULL, alphasort);
	if (n < 0)
		return -errno;
	for (int i = 0; i < n; i++) {
		/* The links named after a BDF ("dddd:bb:dd.f"); the rest are attributes. */
		if (strchr(names[i]->d_name, ':') && count < max)
			snprintf(bdfs[count++], 32, "%.31s", names[i]->d_name);
		free(names[i]);
	}
	free(names);
	return count;
}

/* ---- generic netlink, raw (no libnl), for the "nvmetest" family ---- */

/* One controller of the NVT_GENL_CMD_GET_CTRL dump. */
struct genl_ctrl {
	uint32_t minor;
	char bdf[32];
	uint16_t vendor_id;
	uint16_t device_id;
	bool has_serial;
	bool has_model;
	char serial[48];
	char model[48];
};

struct genl_msg {
	struct nlmsghdr nlh;
	struct genlmsghdr genl;
	char attrs[256];
};

static inline int genl_socket(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);

	if (s < 0)
		return -errno;
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;

		close(s);
		return err;
	}
	return s;
}

static inline int genl_send(int s, uint16_t type, uint16_t flags, uint8_t cmd,
			    uint8_t version, const struct nlattr *attr)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct genl_msg m = { 0 };
	size_t alen = attr ? NLA_ALIGN(attr->nla_len) : 0;

	m.nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN + alen);
	m.nlh.nlmsg_type = type;
	m.nlh.nlmsg_flags = NLM_F_REQUEST | flags;
	m.nlh.nlmsg_seq = 1;
	m.genl.cmd = cmd;
	m.genl.version = version;
	if (attr)
		memcpy(m.attrs, attr, attr->nla_len);
	if (sendto(s, &m, m.nlh.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

/* Iterates @a over the attributes of the genl message @nlh. */
#define genl_for_each_attr(nlh, a, rem)						\
	for (a = (struct nlattr *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN),		\
	     rem = (int)(nlh)->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);		\
	     rem >= (int)sizeof(*a) && a->nla_len >= sizeof(*a) && a->nla_len <= rem;	\
	     rem -= NLA_ALIGN(a->nla_len), a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))

#define NLA_DATA(a) ((void *)((char *)(a) + NLA_HDRLEN))

/* Family id of "nvmetest", or -errno (-ENOENT when not registered). */
static inline int genl_family_id(int s)
{
	struct {
		struct nlattr a;
		char name[sizeof(NVT_GENL_NAME)];
	} name = { { NLA_HDRLEN + sizeof(NVT_GENL_NAME), CTRL_ATTR_FAMILY_NAME }, NVT_GENL_NAME };
	char buf[8192];
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nlattr *a;
	ssize_t n;
	int ret, rem;

	ret = genl_send(s, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1, &name.a);
	if (ret)
		return ret;
	n = recv(s, buf, sizeof(buf), 0);
	if (n < 0)
		return -errno;
	if (!NLMSG_OK(nlh, n))
		return -EIO;
	if (nlh->nlmsg_type == NLMSG_ERROR)
		return ((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
	genl_for_each_attr(nlh, a, rem)
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			return *(uint16_t *)NLA_DATA(a);
	return -EIO;
}

/*
 * Dumps the bound controllers into @out (room for @max).
 * Returns how many there are (may exceed @max), or -errno.
 */
static inline int genl_dump_ctrls(struct genl_ctrl *out, int max)
{
	char buf[32768];
	int s, family, count = 0, ret = 0;

	s = genl_socket();
	if (s < 0)
		return s;
	family = genl_family_id(s);
	if (family < 0) {
		close(s);
		return family;
	}
	ret = genl_send(s, family, NLM_F_DUMP, NVT_GENL_CMD_GET_CTRL, NVT_GENL_VERSION, NULL);
	while (!ret) {
		ssize_t n = recv(s, buf, sizeof(buf), 0);
		struct nlmsghdr *nlh;

		if (n < 0) {
			ret = -errno;
			break;
		}
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
			struct genl_ctrl c = { 0 };
			struct nlattr *a;
			int rem;

			if (nlh->nlmsg_type == NLMSG_DONE)
				goto done;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				ret = ((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
				goto done;
			}
			genl_for_each_attr(nlh, a, rem) {
				switch (a->nla_type) {
				case NVT_GENL_A_MINOR:
					c.minor = *(uint32_t *)NLA_DATA(a);
					break;
				case NVT_GENL_A_BDF:
					snprintf(c.bdf, sizeof(c.bdf), "%.*s",
						 (int)(a->nla_len - NLA_HDRLEN), (char *)NLA_DATA(a));
					break;
				case NVT_GENL_A_VENDOR_ID:
					c.vendor_id = *(uint16_t *)NLA_DATA(a);
					break;
				case NVT_GENL_A_DEVICE_ID:
					c.device_id = *(uint16_t *)NLA_DATA(a);
					break;
				case NVT_GENL_A_SERIAL:
					c.has_serial = true;
					snprintf(c.serial, sizeof(c.serial), "%.*s",
						 (int)(a->nla_len - NLA_HDRLEN), (char *)NLA_DATA(a));
					break;
				case NVT_GENL_A_MODEL:
					c.has_model = true;
					snprintf(c.model, sizeof(c.model), "%.*s",
						 (int)(a->nla_len - NLA_HDRLEN), (char *)NLA_DATA(a));
					break;
				}
			}
			if (count < max)
				out[count] = c;
			count++;
		}
	}
done:
	close(s);
	return ret ? ret : count;
}

/* The dump's entry for @minor; the test fails if there is none. */
static inline struct genl_ctrl genl_ctrl_of(uint32_t minor)
{
	struct genl_ctrl c[16];
	int n = genl_dump_ctrls(c, 16);

	ck_assert_int_ge(n, 0);
	for (int i = 0; i < n && i < 16; i++)
		if (c[i].minor == minor)
			return c[i];
	ck_abort_msg("minor %u is not in the dump", minor);
	return c[0];
}

/* ---- the "events" multicast group ---- */

/* One NVT_GENL_CMD_EVENT message; has_* say which attributes came. */
struct genl_event {
	uint32_t event, minor, cdw0, status, opcode, cid, qid;
	char bdf[32];
	bool has_minor, has_bdf, has_cdw0, has_status, has_opcode, has_cid, has_qid;
};

/*
 * A socket subscribed to "events" (and bound to nothing else), or -errno.
 * The group id comes from the CTRL_ATTR_MCAST_GROUPS of the family.
 */
static inline int genl_events_socket(void)
{
	struct {
		struct nlattr a;
		char name[sizeof(NVT_GENL_NAME)];
	} name = { { NLA_HDRLEN + sizeof(NVT_GENL_NAME), CTRL_ATTR_FAMILY_NAME }, NVT_GENL_NAME };
	char buf[8192];
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nlattr *a;
	int s, ret, rem, group = -1;
	ssize_t n;

	s = genl_socket();
	if (s < 0)
		return s;
	ret = genl_send(s, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1, &name.a);
	if (ret)
		goto err;
	n = recv(s, buf, sizeof(buf), 0);
	ret = n < 0 ? -errno : !NLMSG_OK(nlh, n) || nlh->nlmsg_type == NLMSG_ERROR ? -EIO : 0;
	if (ret)
		goto err;
	genl_for_each_attr(nlh, a, rem) {
		struct nlattr *grp, *g;
		int grem, gr;

		if (a->nla_type != CTRL_ATTR_MCAST_GROUPS)
			continue;
		/* A nest of nests, each with a name and an id. */
		for (grp = NLA_DATA(a), grem = a->nla_len - NLA_HDRLEN;
		     grem >= (int)sizeof(*grp) && grp->nla_len >= sizeof(*grp) && grp->nla_len <= grem;
		     grem -= NLA_ALIGN(grp->nla_len),
		     grp = (struct nlattr *)((char *)grp + NLA_ALIGN(grp->nla_len))) {
			const char *gname = NULL;
			int id = -1;

			for (g = NLA_DATA(grp), gr = grp->nla_len - NLA_HDRLEN;
			     gr >= (int)sizeof(*g) && g->nla_len >= sizeof(*g) && g->nla_len <= gr;
			     gr -= NLA_ALIGN(g->nla_len),
			     g = (struct nlattr *)((char *)g + NLA_ALIGN(g->nla_len))) {
				if (g->nla_type == CTRL_ATTR_MCAST_GRP_NAME)
					gname = NLA_DATA(g);
				else if (g->nla_type == CTRL_ATTR_MCAST_GRP_ID)
					id = *(uint32_t *)NLA_DATA(g);
			}
			if (gname && !strcmp(gname, NVT_GENL_MCGRP_EVENTS))
				group = id;
		}
	}
	ret = -ENOENT;
	if (group < 0)
		goto err;
	if (setsockopt(s, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0) {
		ret = -errno;
		goto err;
	}
	return s;
err:
	close(s);
	return ret;
}

/*
 * Waits up to @timeout_ms for an event of type @type about @minor, skipping
 * others; 0 or -ETIMEDOUT.
 */
static inline int genl_event_wait(int s, uint32_t type, uint32_t minor, int timeout_ms,
				  struct genl_event *out)
{
	uint64_t end = now_ns() + (uint64_t)timeout_ms * 1000000;
	char buf[8192];

	for (;;) {
		struct pollfd p = { .fd = s, .events = POLLIN };
		uint64_t now = now_ns();
		struct nlmsghdr *nlh;
		ssize_t n;

		if (now >= end)
			return -ETIMEDOUT;
		if (poll(&p, 1, (end - now) / 1000000 + 1) <= 0)
			continue;
		n = recv(s, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0)
			continue;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
			struct genlmsghdr *g = NLMSG_DATA(nlh);
			struct genl_event ev = { 0 };
			struct nlattr *a;
			int rem;

			if (nlh->nlmsg_type < NLMSG_MIN_TYPE || g->cmd != NVT_GENL_CMD_EVENT)
				continue;
			genl_for_each_attr(nlh, a, rem) {
				uint32_t v = *(uint32_t *)NLA_DATA(a);

				switch (a->nla_type) {
				case NVT_GENL_A_EVENT: ev.event = v; break;
				case NVT_GENL_A_MINOR: ev.minor = v; ev.has_minor = true; break;
				case NVT_GENL_A_CDW0: ev.cdw0 = v; ev.has_cdw0 = true; break;
				case NVT_GENL_A_STATUS: ev.status = v; ev.has_status = true; break;
				case NVT_GENL_A_OPCODE: ev.opcode = v; ev.has_opcode = true; break;
				case NVT_GENL_A_CID: ev.cid = v; ev.has_cid = true; break;
				case NVT_GENL_A_QID: ev.qid = v; ev.has_qid = true; break;
				case NVT_GENL_A_BDF:
					ev.has_bdf = true;
					snprintf(ev.bdf, sizeof(ev.bdf), "%.*s",
						 (int)(a->nla_len - NLA_HDRLEN), (char *)NLA_DATA(a));
					break;
				}
			}
			if (ev.event == type && ev.minor == minor) {
				*out = ev;
				return 0;
			}
		}
	}
}

/* Runs @s; returns the process exit status (0 all passed, 1 otherwise). */
static inline int run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

/*
 * main() of a test that needs the device's PCI address: skips (77) without
 * a device, puts "dddd:bb:dd.f" in @bdf, then runs @s.
 */
static inline int run_suite_with_bdf(Suite *s, char *bdf, size_t len)
{
	struct nvt_ioctl_get_info gi;
	int f;

	require_device();
	f = open(dev_path(), O_RDWR | O_CLOEXEC);
	if (f < 0 || get_info(f, &gi)) {
		fprintf(stderr, "%s: %s\n", dev_path(), strerror(errno));
		return 1;
	}
	info_bdf(&gi, bdf, len);
	close(f);
	return run_suite(s);
}

#endif /* NVT_KMOD_TEST_H */
