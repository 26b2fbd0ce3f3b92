/* SPDX-License-Identifier: MIT */
/*
 * struct nvt_buf: a DMA buffer, pynvme's Buffer.
 *
 * The memory is the kernel's (NVT_IOCTL_ALLOC_BUF), mapped into the process;
 * commands name it by handle and the kernel builds the PRPs, so the device
 * never reaches memory outside a buffer. A buffer belongs to the open file
 * of its controller and may be used only with that controller's commands.
 * It holds a reference to the controller, so buffer and controller may be
 * freed in any order.
 *
 * What a command transfers is the range [offset, offset + transfer size)
 * of the buffer: by default the whole buffer. A non-zero offset reaches
 * PRP1 as it is, so a test can send an unaligned PRP1 (pynvme's
 * buf.offset).
 */
#ifndef NVMETEST_BUF_H
#define NVMETEST_BUF_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nvt_ctrl;
struct nvt_buf;

/* Longest buffer name kept by nvt_buf_set_name(), NUL excluded. */
#define NVT_BUF_NAME_MAX	63

/**
 * nvt_buf_alloc() - allocate a zeroed DMA buffer and map it.
 * @ctrl: the controller whose commands will use the buffer; the buffer
 *	takes a reference to it.
 * @size: bytes, 1 .. NVT_BUF_MAX_SIZE (4 MiB, physically contiguous). The
 *	kernel rounds the memory up to whole pages; nvt_buf_size() is @size.
 * @out: receives the buffer, named "buffer", offset 0, transfer size 0
 *	(the whole buffer).
 *
 * Return: 0; -EINVAL (NULL argument, @size 0 or above NVT_BUF_MAX_SIZE);
 * -EOPNOTSUPP (the module has no NVT_FEATURE_DMABUF); -ENOMEM (no
 * contiguous DMA memory of that size); -ENODEV (the device went away);
 * another negative errno of the ioctl or of mmap(2).
 *
 * Thread-safety: safe; any thread may allocate buffers of one controller.
 */
int nvt_buf_alloc(struct nvt_ctrl *ctrl, size_t size, struct nvt_buf **out);

/**
 * nvt_buf_free() - unmap and give back a buffer.
 * @buf: the buffer, or NULL (then nothing happens).
 *
 * Safe while a command still uses the buffer: the kernel keeps the memory
 * until that command completes (or its queue is set up again), so the
 * device never writes into reused memory, and the completion still comes
 * to nvt_ctrl_waitdone(). The data pointer is invalid afterwards. Drops
 * the buffer's controller reference.
 *
 * Thread-safety: no other thread may use @buf during or after the call.
 */
void nvt_buf_free(struct nvt_buf *buf);

/**
 * nvt_buf_data() - the buffer's memory.
 * @buf: the buffer.
 *
 * Return: the mapped memory, nvt_buf_size() bytes (readable and writable
 * up to the page-rounded size), valid until nvt_buf_free(); NULL if @buf is
 * NULL. The device writes it directly: read it only after the command's
 * completion was reaped.
 *
 * Thread-safety: safe.
 */
void *nvt_buf_data(struct nvt_buf *buf);

/**
 * nvt_buf_size() - the size asked of nvt_buf_alloc().
 * @buf: the buffer.
 *
 * Return: the size in bytes; 0 if @buf is NULL.
 *
 * Thread-safety: safe.
 */
size_t nvt_buf_size(const struct nvt_buf *buf);

/**
 * nvt_buf_name() - the buffer's name, for messages and dumps.
 * @buf: the buffer.
 *
 * Return: the name, valid until it is set again or the buffer is freed;
 * "" if @buf is NULL.
 *
 * Thread-safety: not against nvt_buf_set_name() on the same buffer.
 */
const char *nvt_buf_name(const struct nvt_buf *buf);

/**
 * nvt_buf_set_name() - rename the buffer.
 * @buf: the buffer.
 * @name: the new name; longer than NVT_BUF_NAME_MAX bytes is truncated.
 *
 * Return: 0; -EINVAL (NULL argument).
 *
 * Thread-safety: one thread per buffer.
 */
int nvt_buf_set_name(struct nvt_buf *buf, const char *name);

/**
 * nvt_buf_offset() - the byte offset at which commands' data starts.
 * @buf: the buffer.
 *
 * Return: the offset (0 unless set); 0 if @buf is NULL.
 *
 * Thread-safety: safe.
 */
size_t nvt_buf_offset(const struct nvt_buf *buf);

/**
 * nvt_buf_set_offset() - make commands' data start at a byte offset.
 * @buf: the buffer.
 * @offset: bytes from the start of the buffer, below nvt_buf_size(); any
 *	alignment (PRP1 then has that offset in its page: NVMe requires
 *	dword alignment, a test may break that on purpose).
 *
 * Commands that use the buffer transfer from @offset on: the kernel gets
 * buf_offset = @offset and buf_len = the transfer size, or
 * nvt_buf_size() - @offset when the transfer size is 0.
 *
 * Return: 0; -EINVAL (@buf NULL); -ERANGE (@offset not below the size).
 *
 * Thread-safety: one thread per buffer; takes effect for commands
 * submitted afterwards.
 */
int nvt_buf_set_offset(struct nvt_buf *buf, size_t offset);

/**
 * nvt_buf_xfer_size() - the bytes commands transfer.
 * @buf: the buffer.
 *
 * Return: the transfer size set, or 0 when it follows the buffer (then
 * nvt_buf_size() - nvt_buf_offset() is transferred); 0 if @buf is NULL.
 *
 * Thread-safety: safe.
 */
size_t nvt_buf_xfer_size(const struct nvt_buf *buf);

/**
 * nvt_buf_set_xfer_size() - limit the bytes commands transfer.
 * @buf: the buffer.
 * @size: bytes, at most nvt_buf_size(); 0 goes back to "the rest of the
 *	buffer from the offset".
 *
 * The PRPs describe exactly this range; the device decides by the command
 * how much it moves, so the size should be what the command transfers.
 * Offset plus transfer size beyond the buffer is refused at submission
 * (-ERANGE), not here, so the two may be changed in any order.
 *
 * Return: 0; -EINVAL (@buf NULL); -ERANGE (@size above nvt_buf_size()).
 *
 * Thread-safety: one thread per buffer.
 */
int nvt_buf_set_xfer_size(struct nvt_buf *buf, size_t size);

/**
 * nvt_buf_iova() - the device address of byte 0 of the buffer.
 * @buf: the buffer.
 *
 * The buffer is contiguous in the device's address space, for tests that
 * build their own PRP lists or SGLs inside a buffer.
 *
 * Return: the IOVA; 0 if @buf is NULL.
 *
 * Thread-safety: safe.
 */
uint64_t nvt_buf_iova(const struct nvt_buf *buf);

/**
 * nvt_buf_handle() - the kernel's handle of the buffer (its ioctl name).
 * @buf: the buffer.
 *
 * Return: the handle (never 0); 0 if @buf is NULL.
 *
 * Thread-safety: safe.
 */
uint32_t nvt_buf_handle(const struct nvt_buf *buf);

/**
 * nvt_buf_ctrl() - the controller a buffer belongs to.
 * @buf: the buffer.
 *
 * Return: the controller, borrowed (valid while @buf lives); NULL if @buf
 * is NULL.
 *
 * Thread-safety: safe.
 */
struct nvt_ctrl *nvt_buf_ctrl(const struct nvt_buf *buf);

/**
 * nvt_buf_fill() - fill the whole buffer with a pynvme data pattern.
 * @buf: the buffer.
 * @ptype: NVT_PATTERN_BIT, NVT_PATTERN_DWORD or NVT_PATTERN_RANDOM.
 * @pvalue: the pattern value (see nvt_pattern_fill()).
 *
 * Return: 0; -EINVAL (@buf NULL, or as nvt_pattern_fill()).
 *
 * Thread-safety: one thread per buffer.
 */
int nvt_buf_fill(struct nvt_buf *buf, uint32_t ptype, uint32_t pvalue);

/**
 * nvt_buf_field() - read a little-endian field, pynvme's buf.data(end, begin).
 * @buf: the buffer.
 * @end: the field's last byte, included.
 * @begin: the field's first byte.
 * @value: receives the value.
 *
 * Note the order: end first, as pynvme's data(byte_end, byte_begin).
 *
 * Return: 0; -EINVAL (NULL argument, @end < @begin, wider than 8 bytes);
 * -ERANGE (@end beyond the buffer).
 *
 * Thread-safety: safe.
 */
int nvt_buf_field(const struct nvt_buf *buf, unsigned int end, unsigned int begin,
		  uint64_t *value);

/**
 * nvt_buf_str() - read a string field, pynvme's buf.data(end, begin, str).
 * @buf: the buffer.
 * @end: the field's last byte, included.
 * @begin: the field's first byte.
 * @out: receives the string, trailing blanks and NULs removed.
 * @outlen: size of @out.
 *
 * Return: 0; -EINVAL; -ERANGE; -ENOSPC (as nvt_str_field()).
 *
 * Thread-safety: safe.
 */
int nvt_buf_str(const struct nvt_buf *buf, unsigned int end, unsigned int begin,
		char *out, size_t outlen);

/**
 * nvt_buf_dump() - hex dump of the start of the buffer, pynvme's buf.dump(n).
 * @buf: the buffer.
 * @size: bytes to show; 0 or more than the buffer shows the whole buffer.
 * @out: receives the text (see nvt_hexdump()); may be NULL if @outlen is 0.
 * @outlen: size of @out.
 *
 * Return: the length of the whole text, like snprintf(3); -EINVAL.
 *
 * Thread-safety: safe.
 */
int nvt_buf_dump(const struct nvt_buf *buf, size_t size, char *out, size_t outlen);

/**
 * nvt_buf_set_dsm_range() - write one Dataset Management range,
 *	pynvme's buf.set_dsm_range(index, lba, lba_count, attr).
 * @buf: the buffer.
 * @index: the range number (16 bytes each, from byte 0).
 * @slba: starting LBA.
 * @nlb: number of logical blocks, not 0's based.
 * @attr: context attributes.
 *
 * Return: 0; -EINVAL (@buf NULL); -ERANGE (the range is beyond the buffer).
 *
 * Thread-safety: one thread per buffer.
 */
int nvt_buf_set_dsm_range(struct nvt_buf *buf, unsigned int index, uint64_t slba,
			  uint32_t nlb, uint32_t attr);

#ifdef __cplusplus
}
#endif

#endif /* NVMETEST_BUF_H */
