// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The layout of every struct in include/nvmetest/uapi.h, pinned.
 * Compiling this file is the test: a change to the ABI that moves a field
 * fails the build. Extend only by appending (then add the new fields here).
 */
#include <stddef.h>

#include <nvmetest/uapi.h>

#define SIZE(type, size) \
	_Static_assert(sizeof(type) == (size), "sizeof(" #type ")")
#define FIELD(type, field, off, size) \
	_Static_assert(offsetof(type, field) == (off), "offsetof(" #type ", " #field ")"); \
	_Static_assert(sizeof(((type *)0)->field) == (size), "sizeof(" #type "." #field ")")

/* Every struct is a multiple of 8 bytes, so 32- and 64-bit layouts agree. */
#define MULTIPLE_OF_8(type) \
	_Static_assert(sizeof(type) % 8 == 0, "sizeof(" #type ") % 8")

typedef struct nvt_ioctl_get_info get_info;

SIZE(get_info, 152);
MULTIPLE_OF_8(get_info);
FIELD(get_info, in, 0, 32);
FIELD(get_info, in.output_size_bytes, 0, 4);
FIELD(get_info, in.flags, 4, 4);
FIELD(get_info, in.reserved, 8, 24);
FIELD(get_info, out, 32, 120);
FIELD(get_info, out.output_size_bytes, 32, 4);
FIELD(get_info, out.abi_version, 36, 4);
FIELD(get_info, out.features, 40, 8);
FIELD(get_info, out.pci_domain, 48, 4);
FIELD(get_info, out.pci_bus, 52, 1);
FIELD(get_info, out.pci_dev, 53, 1);
FIELD(get_info, out.pci_fn, 54, 1);
FIELD(get_info, out.pad0, 55, 1);
FIELD(get_info, out.vendor_id, 56, 2);
FIELD(get_info, out.device_id, 58, 2);
FIELD(get_info, out.subsys_vendor_id, 60, 2);
FIELD(get_info, out.subsys_device_id, 62, 2);
FIELD(get_info, out.class_code, 64, 4);
FIELD(get_info, out.config_size, 68, 4);
FIELD(get_info, out.bar0_size, 72, 8);
FIELD(get_info, out.minor, 80, 4);
FIELD(get_info, out.pad1, 84, 4);
FIELD(get_info, out.reserved, 88, 64);

typedef struct nvt_ioctl_access access_;

SIZE(access_, 40);
MULTIPLE_OF_8(access_);
FIELD(access_, flags, 0, 4);
FIELD(access_, width, 4, 4);
FIELD(access_, offset, 8, 8);
FIELD(access_, value, 16, 8);
FIELD(access_, reserved, 24, 16);

typedef struct nvt_ioctl_alloc_buf alloc_buf;

SIZE(alloc_buf, 64);
MULTIPLE_OF_8(alloc_buf);
FIELD(alloc_buf, flags, 0, 4);
FIELD(alloc_buf, handle, 4, 4);
FIELD(alloc_buf, size, 8, 8);
FIELD(alloc_buf, mmap_offset, 16, 8);
FIELD(alloc_buf, mmap_size, 24, 8);
FIELD(alloc_buf, iova, 32, 8);
FIELD(alloc_buf, reserved, 40, 24);

typedef struct nvt_ioctl_free_buf free_buf;

SIZE(free_buf, 32);
MULTIPLE_OF_8(free_buf);
FIELD(free_buf, flags, 0, 4);
FIELD(free_buf, handle, 4, 4);
FIELD(free_buf, reserved, 8, 24);

typedef struct nvt_ioctl_setup_admin setup_admin;

SIZE(setup_admin, 32);
MULTIPLE_OF_8(setup_admin);
FIELD(setup_admin, flags, 0, 4);
FIELD(setup_admin, sq_depth, 4, 2);
FIELD(setup_admin, cq_depth, 6, 2);
FIELD(setup_admin, reserved, 8, 24);

typedef struct nvt_ioctl_submit_admin submit_admin;

SIZE(submit_admin, 120);
MULTIPLE_OF_8(submit_admin);
FIELD(submit_admin, flags, 0, 4);
FIELD(submit_admin, buf_handle, 4, 4);
FIELD(submit_admin, buf_offset, 8, 8);
FIELD(submit_admin, buf_len, 16, 4);
FIELD(submit_admin, timeout_ms, 20, 4);
FIELD(submit_admin, tag, 24, 8);
FIELD(submit_admin, sqe, 32, 64);
FIELD(submit_admin, cid, 96, 2);
FIELD(submit_admin, pad0, 98, 6);
FIELD(submit_admin, reserved, 104, 16);

typedef struct nvt_completion completion;

SIZE(completion, 48);
MULTIPLE_OF_8(completion);
FIELD(completion, cqe, 0, 16);
FIELD(completion, tag, 16, 8);
FIELD(completion, submit_ns, 24, 8);
FIELD(completion, complete_ns, 32, 8);
FIELD(completion, flags, 40, 4);
FIELD(completion, cid, 44, 2);
FIELD(completion, sqid, 46, 2);

typedef struct nvt_ioctl_reap_admin reap_admin;

SIZE(reap_admin, 40);
MULTIPLE_OF_8(reap_admin);
FIELD(reap_admin, flags, 0, 4);
FIELD(reap_admin, timeout_ms, 4, 4);
FIELD(reap_admin, max_entries, 8, 4);
FIELD(reap_admin, count, 12, 4);
FIELD(reap_admin, entries, 16, 8);
FIELD(reap_admin, reserved, 24, 16);

typedef struct nvt_cmdlog_header cmdlog_header;

SIZE(cmdlog_header, 64);
MULTIPLE_OF_8(cmdlog_header);
FIELD(cmdlog_header, magic, 0, 4);
FIELD(cmdlog_header, entry_size, 4, 4);
FIELD(cmdlog_header, nr_entries, 8, 4);
FIELD(cmdlog_header, qid, 12, 4);
FIELD(cmdlog_header, next, 16, 8);
FIELD(cmdlog_header, reserved, 24, 40);

typedef struct nvt_cmdlog_entry cmdlog_entry;

SIZE(cmdlog_entry, 128);
MULTIPLE_OF_8(cmdlog_entry);
FIELD(cmdlog_entry, sqe, 0, 64);
FIELD(cmdlog_entry, cqe, 64, 16);
FIELD(cmdlog_entry, submit_ns, 80, 8);
FIELD(cmdlog_entry, complete_ns, 88, 8);
FIELD(cmdlog_entry, seq, 96, 8);
FIELD(cmdlog_entry, flags, 104, 4);
FIELD(cmdlog_entry, pad0, 108, 4);
FIELD(cmdlog_entry, index, 112, 8);
FIELD(cmdlog_entry, reserved, 120, 8);

typedef struct nvt_ioctl_map_cmdlog map_cmdlog;

SIZE(map_cmdlog, 48);
MULTIPLE_OF_8(map_cmdlog);
FIELD(map_cmdlog, flags, 0, 4);
FIELD(map_cmdlog, qid, 4, 4);
FIELD(map_cmdlog, mmap_offset, 8, 8);
FIELD(map_cmdlog, mmap_size, 16, 8);
FIELD(map_cmdlog, reserved, 24, 24);

typedef struct nvt_ioctl_create_qpair create_qpair;

SIZE(create_qpair, 120);
MULTIPLE_OF_8(create_qpair);
FIELD(create_qpair, flags, 0, 4);
FIELD(create_qpair, qid, 4, 2);
FIELD(create_qpair, depth, 6, 2);
FIELD(create_qpair, vector, 8, 2);
FIELD(create_qpair, sq_prio, 10, 1);
FIELD(create_qpair, pad0, 11, 1);
FIELD(create_qpair, cq_status, 12, 2);
FIELD(create_qpair, sq_status, 14, 2);
FIELD(create_qpair, sq_mmap_offset, 16, 8);
FIELD(create_qpair, sq_mmap_size, 24, 8);
FIELD(create_qpair, cq_mmap_offset, 32, 8);
FIELD(create_qpair, cq_mmap_size, 40, 8);
FIELD(create_qpair, db_mmap_offset, 48, 8);
FIELD(create_qpair, db_mmap_size, 56, 8);
FIELD(create_qpair, sq_db_offset, 64, 4);
FIELD(create_qpair, cq_db_offset, 68, 4);
FIELD(create_qpair, cmdlog_mmap_offset, 72, 8);
FIELD(create_qpair, cmdlog_mmap_size, 80, 8);
FIELD(create_qpair, reserved, 88, 32);

typedef struct nvt_ioctl_delete_qpair delete_qpair;

SIZE(delete_qpair, 40);
MULTIPLE_OF_8(delete_qpair);
FIELD(delete_qpair, flags, 0, 4);
FIELD(delete_qpair, qid, 4, 2);
FIELD(delete_qpair, pad0, 6, 2);
FIELD(delete_qpair, sq_status, 8, 2);
FIELD(delete_qpair, cq_status, 10, 2);
FIELD(delete_qpair, pad1, 12, 4);
FIELD(delete_qpair, reserved, 16, 24);

typedef struct nvt_ioctl_map_irqs map_irqs;

SIZE(map_irqs, 56);
MULTIPLE_OF_8(map_irqs);
FIELD(map_irqs, flags, 0, 4);
FIELD(map_irqs, irq_type, 4, 4);
FIELD(map_irqs, nr_vectors, 8, 4);
FIELD(map_irqs, pad0, 12, 4);
FIELD(map_irqs, mmap_offset, 16, 8);
FIELD(map_irqs, mmap_size, 24, 8);
FIELD(map_irqs, reserved, 32, 24);

typedef struct nvt_ioctl_ctl_irq ctl_irq;

SIZE(ctl_irq, 32);
MULTIPLE_OF_8(ctl_irq);
FIELD(ctl_irq, flags, 0, 4);
FIELD(ctl_irq, vector, 4, 4);
FIELD(ctl_irq, eventfd, 8, 4);
FIELD(ctl_irq, pad0, 12, 4);
FIELD(ctl_irq, reserved, 16, 16);

typedef struct nvt_ioctl_map_crc_table map_crc_table;

SIZE(map_crc_table, 80);
MULTIPLE_OF_8(map_crc_table);
FIELD(map_crc_table, flags, 0, 4);
FIELD(map_crc_table, nsid, 4, 4);
FIELD(map_crc_table, nlba, 8, 8);
FIELD(map_crc_table, table_mmap_offset, 16, 8);
FIELD(map_crc_table, table_mmap_size, 24, 8);
FIELD(map_crc_table, bitmap_mmap_offset, 32, 8);
FIELD(map_crc_table, bitmap_mmap_size, 40, 8);
FIELD(map_crc_table, pages, 48, 8);
FIELD(map_crc_table, reserved, 56, 24);

typedef struct nvt_ioctl_reset reset_;

SIZE(reset_, 24);
MULTIPLE_OF_8(reset_);
FIELD(reset_, type, 0, 4);
FIELD(reset_, flags, 4, 4);
FIELD(reset_, reserved, 8, 16);

/* Constants user space depends on. */
_Static_assert(NVT_ABI_VERSION == 1, "NVT_ABI_VERSION");
_Static_assert(NVT_FEATURE_REGS == 1 && NVT_FEATURE_CONFIG == 2 && NVT_FEATURE_GENL == 4 &&
	       NVT_FEATURE_DMABUF == 8 && NVT_FEATURE_ADMIN == 16 &&
	       NVT_FEATURE_CMDLOG == 32 && NVT_FEATURE_EVENTS == 64 &&
	       NVT_FEATURE_QPAIR == 128 && NVT_FEATURE_IRQ == 256 && NVT_FEATURE_CRC == 512 &&
	       NVT_FEATURE_RESET == 1024,
	       "NVT_FEATURE_*");
_Static_assert(NVT_QPAIR_F_IEN == 1, "NVT_QPAIR_F_*");
_Static_assert(NVT_IRQ_TYPE_MSIX == 1 && NVT_IRQ_TYPE_MSI == 2 && NVT_IRQ_TYPE_INTX == 3,
	       "NVT_IRQ_TYPE_*");
_Static_assert(NVT_IRQ_F_MASK == 1 && NVT_IRQ_F_UNMASK == 2 && NVT_IRQ_F_EVENTFD == 4,
	       "NVT_IRQ_F_*");
_Static_assert(NVT_CRC_F_RESET == 1, "NVT_CRC_F_*");
_Static_assert(NVT_BUF_MAX_SIZE == 4 << 20, "NVT_BUF_MAX_SIZE");
_Static_assert(NVT_ADMIN_MAX_DEPTH == 4096, "NVT_ADMIN_MAX_DEPTH");
_Static_assert(NVT_CPL_F_TIMEOUT == 1 && NVT_CPL_F_CANCELLED == 2, "NVT_CPL_F_*");
_Static_assert(NVT_STATUS_HOST_TIMEOUT == 0x7ff && NVT_STATUS_HOST_CANCELLED == 0x7fe,
	       "NVT_STATUS_HOST_*");
_Static_assert(NVT_CMDLOG_MAGIC == 0x4e56434c && NVT_CMDLOG_ENTRIES == 2048, "NVT_CMDLOG_*");

/* The ioctl numbers are ABI too: type, number, direction and size. */
_Static_assert(NVT_IOCTL_TYPE == 0xE4, "NVT_IOCTL_TYPE");
_Static_assert(NVT_IOCTL_GET_INFO == _IOWR(0xE4, 0, get_info), "GET_INFO");
_Static_assert(NVT_IOCTL_READ_REG == _IOWR(0xE4, 1, access_), "READ_REG");
_Static_assert(NVT_IOCTL_WRITE_REG == _IOW(0xE4, 2, access_), "WRITE_REG");
_Static_assert(NVT_IOCTL_READ_CONFIG == _IOWR(0xE4, 3, access_), "READ_CONFIG");
_Static_assert(NVT_IOCTL_WRITE_CONFIG == _IOW(0xE4, 4, access_), "WRITE_CONFIG");
_Static_assert(NVT_IOCTL_ALLOC_BUF == _IOWR(0xE4, 5, alloc_buf), "ALLOC_BUF");
_Static_assert(NVT_IOCTL_FREE_BUF == _IOW(0xE4, 6, free_buf), "FREE_BUF");
_Static_assert(NVT_IOCTL_SETUP_ADMIN == _IOW(0xE4, 7, setup_admin), "SETUP_ADMIN");
_Static_assert(NVT_IOCTL_SUBMIT_ADMIN == _IOWR(0xE4, 8, submit_admin), "SUBMIT_ADMIN");
_Static_assert(NVT_IOCTL_REAP_ADMIN == _IOWR(0xE4, 9, reap_admin), "REAP_ADMIN");
_Static_assert(NVT_IOCTL_MAP_CMDLOG == _IOWR(0xE4, 10, map_cmdlog), "MAP_CMDLOG");
_Static_assert(NVT_IOCTL_CREATE_QPAIR == _IOWR(0xE4, 11, create_qpair), "CREATE_QPAIR");
_Static_assert(NVT_IOCTL_DELETE_QPAIR == _IOWR(0xE4, 12, delete_qpair), "DELETE_QPAIR");
_Static_assert(NVT_IOCTL_MAP_IRQS == _IOWR(0xE4, 13, map_irqs), "MAP_IRQS");
_Static_assert(NVT_IOCTL_CTL_IRQ == _IOW(0xE4, 14, ctl_irq), "CTL_IRQ");
_Static_assert(NVT_IOCTL_MAP_CRC_TABLE == _IOWR(0xE4, 15, map_crc_table), "MAP_CRC_TABLE");
_Static_assert(NVT_IOCTL_RESET == _IOW(0xE4, 16, reset_), "RESET");
_Static_assert(NVT_IOCTL_GET_INFO == 0xc098e400, "GET_INFO is frozen");

/* Generic netlink numbers are ABI as well. */
_Static_assert(NVT_GENL_CMD_GET_CTRL == 1, "NVT_GENL_CMD_GET_CTRL");
_Static_assert(NVT_GENL_CMD_EVENT == 2 && NVT_GENL_CMD_MAX == 2, "NVT_GENL_CMD_EVENT");
_Static_assert(NVT_GENL_A_MINOR == 1 && NVT_GENL_A_BDF == 2 &&
	       NVT_GENL_A_VENDOR_ID == 3 && NVT_GENL_A_DEVICE_ID == 4 &&
	       NVT_GENL_A_SERIAL == 5 && NVT_GENL_A_MODEL == 6 &&
	       NVT_GENL_A_EVENT == 7 && NVT_GENL_A_CDW0 == 8 &&
	       NVT_GENL_A_STATUS == 9 && NVT_GENL_A_OPCODE == 10 &&
	       NVT_GENL_A_CID == 11 && NVT_GENL_A_QID == 12 &&
	       NVT_GENL_A_RESET_TYPE == 13 && NVT_GENL_A_PCI_STATE == 14 &&
	       NVT_GENL_A_MAX == 14, "NVT_GENL_A_*");
_Static_assert(NVT_EVENT_AER == 1 && NVT_EVENT_FATAL == 2 && NVT_EVENT_TIMEOUT == 3 &&
	       NVT_EVENT_RESET == 4 && NVT_EVENT_REMOVED == 5 && NVT_EVENT_PCI_ERROR == 6,
	       "NVT_EVENT_*");
_Static_assert(NVT_PCI_STATE_NORMAL == 1 && NVT_PCI_STATE_FROZEN == 2 &&
	       NVT_PCI_STATE_FAILED == 3 && NVT_PCI_STATE_RESUMED == 4, "NVT_PCI_STATE_*");
_Static_assert(NVT_RESET_CONTROLLER == 1 && NVT_RESET_NSSR == 2 && NVT_RESET_FLR == 3 &&
	       NVT_RESET_HOT == 4 && NVT_RESET_LINK == 5, "NVT_RESET_*");
