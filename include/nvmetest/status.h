/* SPDX-License-Identifier: MIT */
/*
 * NVMe completion status: names and text (NVMe Base 2.0 section 4.6.1.2,
 * NVM, Zoned Namespace and Key Value command set specifications).
 *
 * A status is the 11-bit value SCT << 8 | SC, the form in which the library
 * returns a command the device failed. nvmetest adds host-side statuses in
 * the vendor specific type 7, for failures the host detects itself.
 */
#ifndef NVMETEST_STATUS_H
#define NVMETEST_STATUS_H

#include <nvmetest/uapi.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status Code Type (SCT), bits 10:8 of a status. */
#define NVT_SCT_GENERIC		0x0	/* Generic Command Status */
#define NVT_SCT_CMD_SPECIFIC	0x1	/* Command Specific Status */
#define NVT_SCT_MEDIA		0x2	/* Media and Data Integrity Errors */
#define NVT_SCT_PATH		0x3	/* Path Related Status */
#define NVT_SCT_VENDOR		0x7	/* Vendor Specific */

/* Parts of a status (SCT << 8 | SC). */
#define NVT_STATUS_SCT(status)	(((status) >> 8) & 0x7)
#define NVT_STATUS_SC(status)	((status) & 0xff)
#define NVT_STATUS(sct, sc)	((uint16_t)(((sct) & 0x7) << 8 | ((sc) & 0xff)))

/*
 * Host-side statuses (type 7, vendor specific), as pynvme reports them.
 * NVT_STATUS_VERIFY_FAILED: a read returned data that fails the data
 * verification (wrong LBA, CRC mismatch, or an LBA written uncorrectable).
 * NVT_STATUS_HOST_TIMEOUT (07/FF, uapi.h): the host gave up waiting for the
 * completion. NVT_STATUS_HOST_CANCELLED (07/FE, uapi.h): the queue was torn
 * down (reset, unbind) before the device completed the command.
 */
#define NVT_STATUS_VERIFY_FAILED	0x781	/* 07/81 */

/* Generic statuses the library acts on (NVMe 1.4 figure 128). */
#define NVT_STATUS_CMD_SEQ_ERROR	0x00c	/* 00/0C Command Sequence Error */

/*
 * Completion queue entry dword 3 (NVMe Base 2.0 Figure 89, 92):
 * bits 15:0 CID, 16 Phase Tag, 31:17 Status: 24:17 SC, 27:25 SCT,
 * 29:28 CRD (Command Retry Delay), 30 M (More), 31 DNR (Do Not Retry).
 */
#define NVT_CQE_CID(dw3)	((dw3) & 0xffff)		/* 15:0 */
#define NVT_CQE_PHASE(dw3)	(((dw3) >> 16) & 0x1)		/* 16 */
#define NVT_CQE_SC(dw3)		(((dw3) >> 17) & 0xff)		/* 24:17 */
#define NVT_CQE_SCT(dw3)	(((dw3) >> 25) & 0x7)		/* 27:25 */
#define NVT_CQE_CRD(dw3)	(((dw3) >> 28) & 0x3)		/* 29:28 */
#define NVT_CQE_MORE(dw3)	(((dw3) >> 30) & 0x1)		/* 30 */
#define NVT_CQE_DNR(dw3)	(((dw3) >> 31) & 0x1)		/* 31 */

/**
 * nvt_status_from_cqe_dw3() - the status of a completion queue entry.
 * @dw3: dword 3 of the completion queue entry, as read (CPU byte order).
 *
 * Return: SCT << 8 | SC (0 for success). CRD, More and DNR are not part
 * of it: read them with NVT_CQE_CRD(), NVT_CQE_MORE() and NVT_CQE_DNR().
 *
 * Thread-safety: reentrant.
 */
uint16_t nvt_status_from_cqe_dw3(uint32_t dw3);

/**
 * nvt_status_name() - the specification's name of a status.
 * @status: SCT << 8 | SC; bits above 10 are ignored.
 *
 * Names follow NVMe Base 2.0 and the NVM, Zoned Namespace and Key Value
 * command set specifications, e.g. 0x002 "Invalid Field in Command",
 * 0x10a "Invalid Format", 0x285 "Compare Failure", and the host-side
 * 0x781 "Data verification failed" and 0x7ff "Host timeout". Where command
 * sets give one code two meanings, the NVM command set's name is used.
 *
 * Return: a static string; "Vendor specific" for codes C0h-FFh and for
 * type 7, "Unknown status" for any other code without a name. Never NULL.
 *
 * Thread-safety: reentrant.
 */
const char *nvt_status_name(uint16_t status);

/**
 * nvt_status_format() - describe a status the way pynvme warns about it.
 * @status: SCT << 8 | SC; bits above 10 are ignored.
 * @buf: receives the NUL-terminated text, truncated to fit; may be NULL if
 *	@len is 0.
 * @len: size of @buf.
 *
 * The text is pynvme's "ERROR status: %02x/%02x" (SCT/SC in two-digit
 * lowercase hex) followed by a space and nvt_status_name(), e.g.
 * "ERROR status: 00/01 Invalid Command Opcode".
 *
 * Return: the length of the whole text, like snprintf(3): a value >= @len
 * means it was truncated; -EINVAL if @buf is NULL and @len is not 0.
 *
 * Thread-safety: reentrant.
 */
int nvt_status_format(uint16_t status, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* NVMETEST_STATUS_H */
