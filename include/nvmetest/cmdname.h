/* SPDX-License-Identifier: MIT */
/*
 * NVMe command names by opcode: the admin command set (NVMe Base 2.0
 * Figure 28) and the I/O commands of the NVM command set 1.0, with the
 * Zoned Namespace and Flexible Data Placement additions.
 */
#ifndef NVMETEST_CMDNAME_H
#define NVMETEST_CMDNAME_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * nvt_admin_cmdname() - the name of an admin command.
 * @opcode: the command's opcode (CDW0 bits 7:0).
 *
 * Return: a static string such as "Identify" (06h) or "Format NVM" (80h);
 * "Vendor Specific" for C0h-FFh, "Unknown" for any other opcode without a
 * name. Never NULL.
 *
 * Thread-safety: reentrant.
 */
const char *nvt_admin_cmdname(uint8_t opcode);

/**
 * nvt_io_cmdname() - the name of an I/O command of the NVM command set.
 * @opcode: the command's opcode (CDW0 bits 7:0).
 *
 * Return: a static string such as "Write" (01h) or "Zone Append" (7Dh);
 * "Vendor Specific" for 80h-FFh (vendor specific in the NVM command set,
 * as in pynvme), "Unknown" for any other opcode without a name. Never NULL.
 *
 * Thread-safety: reentrant.
 */
const char *nvt_io_cmdname(uint8_t opcode);

#ifdef __cplusplus
}
#endif

#endif /* NVMETEST_CMDNAME_H */
