// SPDX-License-Identifier: MIT
/*
 * NVMe completion status names: NVMe Base 2.0 Figures 101-106 (generic,
 * command specific, media and data integrity, path related), the NVM
 * Command Set 1.0, Zoned Namespace 1.1 and Key Value 1.0 specifications
 * for the codes they own, and nvmetest's host-side statuses in type 7.
 */
#include <errno.h>
#include <stdio.h>

#include <nvmetest/status.h>

#define VENDOR_SC_FIRST	0xc0	/* C0h-FFh of every type: vendor specific */

/* Figure 102 Generic Command Status Values (00h-7Fh), and I/O command set
 * specific 80h-BFh: NVM 80h-84h, Key Value 85h-89h. */
static const char *const generic[256] = {
	[0x00] = "Successful Completion",
	[0x01] = "Invalid Command Opcode",
	[0x02] = "Invalid Field in Command",
	[0x03] = "Command ID Conflict",
	[0x04] = "Data Transfer Error",
	[0x05] = "Commands Aborted due to Power Loss Notification",
	[0x06] = "Internal Error",
	[0x07] = "Command Abort Requested",
	[0x08] = "Command Aborted due to SQ Deletion",
	[0x09] = "Command Aborted due to Failed Fused Command",
	[0x0a] = "Command Aborted due to Missing Fused Command",
	[0x0b] = "Invalid Namespace or Format",
	[0x0c] = "Command Sequence Error",
	[0x0d] = "Invalid SGL Segment Descriptor",
	[0x0e] = "Invalid Number of SGL Descriptors",
	[0x0f] = "Data SGL Length Invalid",
	[0x10] = "Metadata SGL Length Invalid",
	[0x11] = "SGL Descriptor Type Invalid",
	[0x12] = "Invalid Use of Controller Memory Buffer",
	[0x13] = "PRP Offset Invalid",
	[0x14] = "Atomic Write Unit Exceeded",
	[0x15] = "Operation Denied",
	[0x16] = "SGL Offset Invalid",
	[0x18] = "Host Identifier Inconsistent Format",
	[0x19] = "Keep Alive Timer Expired",
	[0x1a] = "Keep Alive Timeout Invalid",
	[0x1b] = "Command Aborted due to Preempt and Abort",
	[0x1c] = "Sanitize Failed",
	[0x1d] = "Sanitize In Progress",
	[0x1e] = "SGL Data Block Granularity Invalid",
	[0x1f] = "Command Not Supported for Queue in CMB",
	[0x20] = "Namespace is Write Protected",
	[0x21] = "Command Interrupted",
	[0x22] = "Transient Transport Error",
	[0x23] = "Command Prohibited by Command and Feature Lockdown",
	[0x24] = "Admin Command Media Not Ready",
	[0x80] = "LBA Out of Range",
	[0x81] = "Capacity Exceeded",
	[0x82] = "Namespace Not Ready",
	[0x83] = "Reservation Conflict",
	[0x84] = "Format In Progress",
	[0x85] = "Invalid Value Size",
	[0x86] = "Invalid Key Size",
	[0x87] = "KV Key Does Not Exist",
	[0x88] = "Unrecovered Error",
	[0x89] = "Key Exists",
};

/* Figure 103 Command Specific Status Values (00h-7Fh); NVM command set
 * 80h-83h; Zoned Namespace command set B6h-BFh. */
static const char *const cmd_specific[256] = {
	[0x00] = "Completion Queue Invalid",
	[0x01] = "Invalid Queue Identifier",
	[0x02] = "Invalid Queue Size",
	[0x03] = "Abort Command Limit Exceeded",
	[0x05] = "Asynchronous Event Request Limit Exceeded",
	[0x06] = "Invalid Firmware Slot",
	[0x07] = "Invalid Firmware Image",
	[0x08] = "Invalid Interrupt Vector",
	[0x09] = "Invalid Log Page",
	[0x0a] = "Invalid Format",
	[0x0b] = "Firmware Activation Requires Conventional Reset",
	[0x0c] = "Invalid Queue Deletion",
	[0x0d] = "Feature Identifier Not Saveable",
	[0x0e] = "Feature Not Changeable",
	[0x0f] = "Feature Not Namespace Specific",
	[0x10] = "Firmware Activation Requires NVM Subsystem Reset",
	[0x11] = "Firmware Activation Requires Controller Level Reset",
	[0x12] = "Firmware Activation Requires Maximum Time Violation",
	[0x13] = "Firmware Activation Prohibited",
	[0x14] = "Overlapping Range",
	[0x15] = "Namespace Insufficient Capacity",
	[0x16] = "Namespace Identifier Unavailable",
	[0x18] = "Namespace Already Attached",
	[0x19] = "Namespace Is Private",
	[0x1a] = "Namespace Not Attached",
	[0x1b] = "Thin Provisioning Not Supported",
	[0x1c] = "Controller List Invalid",
	[0x1d] = "Device Self-test In Progress",
	[0x1e] = "Boot Partition Write Prohibited",
	[0x1f] = "Invalid Controller Identifier",
	[0x20] = "Invalid Secondary Controller State",
	[0x21] = "Invalid Number of Controller Resources",
	[0x22] = "Invalid Resource Identifier",
	[0x23] = "Sanitize Prohibited While Persistent Memory Region is Enabled",
	[0x24] = "ANA Group Identifier Invalid",
	[0x25] = "ANA Attach Failed",
	[0x26] = "Insufficient Capacity",
	[0x27] = "Namespace Attachment Limit Exceeded",
	[0x28] = "Prohibition of Command Execution Not Supported",
	[0x29] = "I/O Command Set Not Supported",
	[0x2a] = "I/O Command Set Not Enabled",
	[0x2b] = "I/O Command Set Combination Rejected",
	[0x2c] = "Invalid I/O Command Set",
	[0x2d] = "Identifier Unavailable",
	[0x80] = "Conflicting Attributes",
	[0x81] = "Invalid Protection Information",
	[0x82] = "Attempted Write to Read Only Range",
	[0x83] = "Command Size Limit Exceeded",
	[0xb6] = "Invalid Zone Operation Request",
	[0xb7] = "ZRWA Resources Unavailable",
	[0xb8] = "Zone Boundary Error",
	[0xb9] = "Zone Is Full",
	[0xba] = "Zone Is Read Only",
	[0xbb] = "Zone Is Offline",
	[0xbc] = "Zone Invalid Write",
	[0xbd] = "Too Many Active Zones",
	[0xbe] = "Too Many Open Zones",
	[0xbf] = "Invalid Zone State Transition",
};

/* Figure 104 Media and Data Integrity Error Values. */
static const char *const media[256] = {
	[0x80] = "Write Fault",
	[0x81] = "Unrecovered Read Error",
	[0x82] = "End-to-end Guard Check Error",
	[0x83] = "End-to-end Application Tag Check Error",
	[0x84] = "End-to-end Reference Tag Check Error",
	[0x85] = "Compare Failure",
	[0x86] = "Access Denied",
	[0x87] = "Deallocated or Unwritten Logical Block",
	[0x88] = "End-to-End Storage Tag Check Error",
};

/* Figure 105 Path Related Status Values. */
static const char *const path[256] = {
	[0x00] = "Internal Path Error",
	[0x01] = "Asymmetric Access Persistent Loss",
	[0x02] = "Asymmetric Access Inaccessible",
	[0x03] = "Asymmetric Access Transition",
	[0x60] = "Controller Pathing Error",
	[0x70] = "Host Pathing Error",
	[0x71] = "Command Aborted By Host",
};

/* Type 7 is vendor specific: these are nvmetest's own. */
static const char *const host[256] = {
	[0x81] = "Data verification failed",
	[0xfe] = "Host cancelled",
	[0xff] = "Host timeout",
};

static const char *const *const types[8] = {
	[NVT_SCT_GENERIC] = generic,
	[NVT_SCT_CMD_SPECIFIC] = cmd_specific,
	[NVT_SCT_MEDIA] = media,
	[NVT_SCT_PATH] = path,
	[NVT_SCT_VENDOR] = host,
};

uint16_t nvt_status_from_cqe_dw3(uint32_t dw3)
{
	return (uint16_t)(dw3 >> 17 & 0x7ff);
}

const char *nvt_status_name(uint16_t status)
{
	unsigned int sct = NVT_STATUS_SCT(status), sc = NVT_STATUS_SC(status);
	const char *const *names = types[sct];

	if (names && names[sc])
		return names[sc];
	if (sct == NVT_SCT_VENDOR || (names && sc >= VENDOR_SC_FIRST))
		return "Vendor specific";
	return "Unknown status";
}

int nvt_status_format(uint16_t status, char *buf, size_t len)
{
	if (!buf && len)
		return -EINVAL;
	return snprintf(buf, len, "ERROR status: %02x/%02x %s", NVT_STATUS_SCT(status),
			NVT_STATUS_SC(status), nvt_status_name(status));
}
