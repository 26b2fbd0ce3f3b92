// SPDX-License-Identifier: MIT
/*
 * NVMe command names: NVMe Base 2.0 Figure 28 (Opcodes for Admin Commands)
 * and NVM Command Set 1.0 Figure 18 (Opcodes for NVM Commands), with Zoned
 * Namespace 1.1 and Flexible Data Placement (TP4146) I/O opcodes.
 */
#include <nvmetest/cmdname.h>

static const char *const admin[256] = {
	[0x00] = "Delete I/O Submission Queue",
	[0x01] = "Create I/O Submission Queue",
	[0x02] = "Get Log Page",
	[0x04] = "Delete I/O Completion Queue",
	[0x05] = "Create I/O Completion Queue",
	[0x06] = "Identify",
	[0x08] = "Abort",
	[0x09] = "Set Features",
	[0x0a] = "Get Features",
	[0x0c] = "Asynchronous Event Request",
	[0x0d] = "Namespace Management",
	[0x10] = "Firmware Commit",
	[0x11] = "Firmware Image Download",
	[0x14] = "Device Self-test",
	[0x15] = "Namespace Attachment",
	[0x18] = "Keep Alive",
	[0x19] = "Directive Send",
	[0x1a] = "Directive Receive",
	[0x1c] = "Virtualization Management",
	[0x1d] = "NVMe-MI Send",
	[0x1e] = "NVMe-MI Receive",
	[0x20] = "Capacity Management",
	[0x24] = "Lockdown",
	[0x7c] = "Doorbell Buffer Config",
	[0x7f] = "Fabrics Commands",
	/* I/O command set specific admin commands (NVM command set). */
	[0x80] = "Format NVM",
	[0x81] = "Security Send",
	[0x82] = "Security Receive",
	[0x84] = "Sanitize",
	[0x86] = "Get LBA Status",
};

static const char *const io[256] = {
	[0x00] = "Flush",
	[0x01] = "Write",
	[0x02] = "Read",
	[0x04] = "Write Uncorrectable",
	[0x05] = "Compare",
	[0x08] = "Write Zeroes",
	[0x09] = "Dataset Management",
	[0x0c] = "Verify",
	[0x0d] = "Reservation Register",
	[0x0e] = "Reservation Report",
	[0x11] = "Reservation Acquire",
	[0x12] = "I/O Management Receive",
	[0x15] = "Reservation Release",
	[0x19] = "Copy",
	[0x1d] = "I/O Management Send",
	[0x79] = "Zone Management Send",
	[0x7a] = "Zone Management Receive",
	[0x7d] = "Zone Append",
	[0x7f] = "Fabrics Commands",
};

static const char *name_of(const char *const names[256], uint8_t opcode, uint8_t vendor_first)
{
	if (names[opcode])
		return names[opcode];
	return opcode >= vendor_first ? "Vendor Specific" : "Unknown";
}

const char *nvt_admin_cmdname(uint8_t opcode)
{
	return name_of(admin, opcode, 0xc0);
}

const char *nvt_io_cmdname(uint8_t opcode)
{
	return name_of(io, opcode, 0x80);
}
