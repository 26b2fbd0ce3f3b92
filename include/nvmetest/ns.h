/* SPDX-License-Identifier: MIT */
/*
 * struct nvt_ns: a namespace of a controller, pynvme's Namespace.
 *
 * Opening a namespace reads its Identify Namespace data (NVMe 1.4 Figure
 * 245) and keeps it: the capacity (NSZE), the LBA data size and metadata
 * size of the format in use (FLBAS). IO commands on it are in io.h.
 *
 * Data verification (pynvme's, see verify.h) is per namespace and off
 * until nvt_ns_verify_enable(). When on, the namespace maps the kernel's
 * CRC table of the namespace (NVT_IOCTL_MAP_CRC_TABLE), shared by every
 * process and thread that verifies the same namespace of the controller;
 * it covers the first nvt_ns_verify_nlba() LBAs: the capacity, or fewer
 * with nvt_ns_verify_limit() (pynvme's nlba_verify). Every process must
 * use the same limit: mapping the table with another one clears it. The
 * table's memory follows the LBAs written (table pages are created when
 * a write first touches them), not the capacity: reads, trims and write
 * zeroes of LBAs whose table page does not exist leave them unchecked and
 * create nothing.
 *
 * A namespace holds a reference to its controller; commands in flight hold
 * a reference to the namespace, so any destruction order is safe.
 *
 * Threads: the calls that only read (nvt_ns_nsid() .. nvt_ns_cmdname())
 * are safe from any thread. nvt_ns_format(), nvt_ns_refresh() and the
 * verification settings must not run while another thread submits IO on
 * the namespace. IO on one namespace through several qpairs (one thread
 * each) is safe: the LBA locks of the table serialise overlapping
 * commands.
 */
#ifndef NVMETEST_NS_H
#define NVMETEST_NS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nvt_ctrl;
struct nvt_ns;

/**
 * nvt_ns_open() - open a namespace, pynvme's Namespace(nvme, nsid).
 * @ctrl: the controller, enabled; the namespace takes a reference.
 * @nsid: the namespace id, 1 .. 0xfffffffe.
 * @out: receives the namespace; NULL unless 0 is returned.
 *
 * Sends Identify Namespace (CNS 00h) and waits for it (other admin
 * completions are kept for nvt_ctrl_waitdone()).
 *
 * Return: 0; the status of Identify (e.g. 00/0B Invalid Namespace or
 * Format); -ENOENT (the namespace is not active: Identify returned an
 * NSZE of 0); -EINVAL (NULL argument, @nsid 0 or broadcast); -EDEADLK
 * (from a callback of @ctrl); -ENOMEM; -errno of the admin path.
 *
 * Thread-safety: safe.
 */
int nvt_ns_open(struct nvt_ctrl *ctrl, uint32_t nsid, struct nvt_ns **out);

/**
 * nvt_ns_close() - drop the namespace.
 * @ns: the namespace, or NULL (then nothing happens).
 *
 * Unmaps the verification table once no command in flight uses it, and
 * drops the controller reference. The table itself stays in the kernel
 * for other processes and for later opens.
 *
 * Thread-safety: no other thread may use @ns during or after the call.
 */
void nvt_ns_close(struct nvt_ns *ns);

/**
 * nvt_ns_nsid() - the namespace id.
 * @ns: the namespace.
 *
 * Return: the id; 0 if @ns is NULL.
 *
 * Thread-safety: safe.
 */
uint32_t nvt_ns_nsid(const struct nvt_ns *ns);

/**
 * nvt_ns_ctrl() - the controller of a namespace.
 * @ns: the namespace.
 *
 * Return: the controller, borrowed; NULL if @ns is NULL.
 *
 * Thread-safety: safe.
 */
struct nvt_ctrl *nvt_ns_ctrl(const struct nvt_ns *ns);

/**
 * nvt_ns_capacity() - the size of the namespace in LBAs (NSZE).
 * @ns: the namespace.
 *
 * pynvme's Namespace.capacity is NVMCAP in bytes: that is
 * nvt_ns_id_data(ns, 63, 48, &v).
 *
 * Return: NSZE; 0 if @ns is NULL.
 *
 * Thread-safety: safe.
 */
uint64_t nvt_ns_capacity(const struct nvt_ns *ns);

/**
 * nvt_ns_lba_size() - bytes of data per LBA in the format in use.
 * @ns: the namespace.
 *
 * Return: 2 ^ LBADS of LBA format FLBAS (e.g. 512, 4096); 0 if @ns is
 * NULL.
 *
 * Thread-safety: safe.
 */
uint32_t nvt_ns_lba_size(const struct nvt_ns *ns);

/**
 * nvt_ns_meta_size() - bytes of metadata per LBA in the format in use.
 * @ns: the namespace.
 *
 * Return: MS of LBA format FLBAS (0: none); 0 if @ns is NULL.
 *
 * Thread-safety: safe.
 */
uint32_t nvt_ns_meta_size(const struct nvt_ns *ns);

/**
 * nvt_ns_lba_format() - the LBA format in use.
 * @ns: the namespace.
 *
 * Return: the index from FLBAS (bits 3:0, and 6:5 above 16 formats);
 * -EINVAL if @ns is NULL.
 *
 * Thread-safety: safe.
 */
int nvt_ns_lba_format(const struct nvt_ns *ns);

/**
 * nvt_ns_id_data() - read a field of the cached Identify Namespace data,
 *	pynvme's Namespace.id_data(end, begin).
 * @ns: the namespace.
 * @end: the field's last byte, included.
 * @begin: the field's first byte.
 * @value: receives the little-endian value.
 *
 * E.g. NSZE nvt_ns_id_data(ns, 7, 0, &v), FLBAS (26, 26).
 *
 * Return: 0; -EINVAL (NULL argument, @end < @begin, wider than 8 bytes);
 * -ERANGE (@end above 4095).
 *
 * Thread-safety: safe, except against nvt_ns_refresh()/nvt_ns_format().
 */
int nvt_ns_id_data(const struct nvt_ns *ns, unsigned int end, unsigned int begin,
		   uint64_t *value);

/**
 * nvt_ns_id_copy() - copy the cached Identify Namespace data.
 * @ns: the namespace.
 * @out: receives up to @len bytes of the 4096-byte structure.
 * @len: bytes to copy, at most 4096.
 *
 * Return: 0; -EINVAL.
 *
 * Thread-safety: as nvt_ns_id_data().
 */
int nvt_ns_id_copy(const struct nvt_ns *ns, void *out, size_t len);

/**
 * nvt_ns_refresh() - read Identify Namespace again.
 * @ns: the namespace.
 *
 * For a format made some other way than nvt_ns_format(). If the capacity
 * changed while verification is on, the table is mapped again for the new
 * size (which clears it).
 *
 * Return: 0; the status of Identify; -ENOENT (no longer active);
 * -EBUSY (commands in flight use the verification table); -EINVAL;
 * -EDEADLK; -errno of the admin path.
 *
 * Thread-safety: no IO on @ns meanwhile.
 */
int nvt_ns_refresh(struct nvt_ns *ns);

/**
 * nvt_ns_get_lba_format() - find an LBA format by its sizes, pynvme's
 *	get_lba_format(data_size, meta_size).
 * @ns: the namespace.
 * @data_size: bytes of data per LBA (e.g. 512, 4096).
 * @meta_size: bytes of metadata per LBA.
 *
 * Looks through the NLBAF + 1 formats of the Identify data.
 *
 * Return: the lowest matching index (0 .. 63); -ENOENT (none matches);
 * -EINVAL (@ns NULL).
 *
 * Thread-safety: as nvt_ns_id_data().
 */
int nvt_ns_get_lba_format(const struct nvt_ns *ns, uint32_t data_size, uint32_t meta_size);

/**
 * nvt_ns_format() - Format NVM this namespace, pynvme's
 *	Namespace.format(data_size, meta_size, ses).
 * @ns: the namespace.
 * @data_size: bytes of data per LBA of the format wanted.
 * @meta_size: bytes of metadata per LBA of the format wanted.
 * @ses: Secure Erase Settings, 0 .. 7.
 *
 * nvt_ns_get_lba_format(), then Format NVM (80h) for this NSID through the
 * admin path with a host timeout of at least 100 s, waited for; then
 * nvt_ns_refresh() and a reset of the verification table (when it is
 * mapped; with the new capacity if it changed).
 *
 * Return: 0; the status of Format NVM (logged); -ENOENT (no such LBA
 * format); -EINVAL (@ses above 7); -EBUSY (commands in flight use the
 * verification table); -EDEADLK; -errno of the admin path.
 *
 * Thread-safety: no IO on @ns meanwhile; not from a callback.
 */
int nvt_ns_format(struct nvt_ns *ns, uint32_t data_size, uint32_t meta_size, uint8_t ses);

/**
 * nvt_ns_supports() - is an IO command supported, pynvme's
 *	Namespace.supports(opcode).
 * @ns: the namespace.
 * @opcode: the IO opcode, 0 .. 255.
 *
 * The I/O part of the Commands Supported and Effects log (CSUPP), as
 * nvt_ctrl_supports(ctrl, 256 + @opcode).
 *
 * Return: 1; 0; -EINVAL (@ns NULL, @opcode above 255); -ENODATA.
 *
 * Thread-safety: safe.
 */
int nvt_ns_supports(const struct nvt_ns *ns, unsigned int opcode);

/**
 * nvt_ns_cmdname() - the name of an IO command, pynvme's
 *	Namespace.cmdname(opcode).
 * @ns: the namespace (unused: names follow the NVM command set).
 * @opcode: the opcode.
 *
 * Return: a static string, as nvt_io_cmdname(). Never NULL.
 *
 * Thread-safety: safe.
 */
const char *nvt_ns_cmdname(const struct nvt_ns *ns, uint8_t opcode);

/* ---- data verification ---- */

/**
 * nvt_ns_verify_enable() - switch data verification on or off, pynvme's
 *	Namespace.verify_enable(enable).
 * @ns: the namespace.
 * @enable: true to verify.
 *
 * On: maps the namespace's table (NVT_IOCTL_MAP_CRC_TABLE) for
 * nvt_ns_verify_nlba() LBAs, creating it if this is the first user, and
 * from then on io.h's commands stamp, lock, record and check (see io.h).
 * Off: commands submitted afterwards are not verified; the table stays
 * mapped (for a later enable) until nvt_ns_close(), and the kernel keeps
 * it for other processes.
 *
 * Return: 0; -EOPNOTSUPP (the module has no NVT_FEATURE_CRC; or the
 * format puts metadata inside the LBA data, FLBAS bit 4: the stamps would
 * not be where the check looks); -EBUSY (commands in flight use the
 * table); -EINVAL (@ns NULL); -ENOMEM; -errno of the ioctl or mmap(2).
 *
 * Thread-safety: no IO on @ns meanwhile.
 */
int nvt_ns_verify_enable(struct nvt_ns *ns, bool enable);

/**
 * nvt_ns_verify_enabled() - is data verification on.
 * @ns: the namespace.
 *
 * Return: true when on; false if off or @ns is NULL.
 *
 * Thread-safety: safe.
 */
bool nvt_ns_verify_enabled(const struct nvt_ns *ns);

/**
 * nvt_ns_verify_limit() - verify only the first LBAs, pynvme's
 *	nlba_verify.
 * @ns: the namespace.
 * @nlba: LBAs verified from LBA 0; 0 (the default) or more than the
 *	capacity for the whole namespace.
 *
 * LBAs at or beyond the limit are never stamped, locked or checked. With
 * verification on, the table is mapped again for the new size (the kernel
 * clears it when the size changes).
 *
 * Return: 0; -EBUSY (commands in flight use the table); -EINVAL;
 * -errno of the ioctl or mmap(2) (then verification is off).
 *
 * Thread-safety: no IO on @ns meanwhile.
 */
int nvt_ns_verify_limit(struct nvt_ns *ns, uint64_t nlba);

/**
 * nvt_ns_verify_nlba() - LBAs the verification covers.
 * @ns: the namespace.
 *
 * Return: min(capacity, limit) (capacity when no limit); 0 if @ns is NULL.
 *
 * Thread-safety: safe.
 */
uint64_t nvt_ns_verify_nlba(const struct nvt_ns *ns);

/**
 * nvt_ns_verify_reset() - forget every LBA of the table (as after a
 *	format), for every process sharing it.
 * @ns: the namespace, verification on.
 *
 * NVT_IOCTL_MAP_CRC_TABLE with NVT_CRC_F_RESET.
 *
 * Return: 0; -ENODATA (verification is off); -EBUSY (commands in flight
 * use the table); -EINVAL; -errno of the ioctl.
 *
 * Thread-safety: no IO on @ns meanwhile.
 */
int nvt_ns_verify_reset(struct nvt_ns *ns);

/**
 * nvt_ns_verify_pages() - memory the table costs now.
 * @ns: the namespace, verification on.
 * @pages: receives the table pages that exist (bits set in the kernel's
 *	page bitmap); each is one memory page of 4-byte entries.
 *
 * Return: 0; -ENODATA (verification is off); -EINVAL.
 *
 * Thread-safety: safe.
 */
int nvt_ns_verify_pages(const struct nvt_ns *ns, uint64_t *pages);

#ifdef __cplusplus
}
#endif

#endif /* NVMETEST_NS_H */
