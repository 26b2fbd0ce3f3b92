/* SPDX-License-Identifier: MIT */
/*
 * Controller registers as text: names, widths, field values and a one-line
 * decoding of each register of NVMe 1.4 section 3.1 (offsets in spec.h).
 */
#ifndef NVMETEST_REGS_H
#define NVMETEST_REGS_H

#include <stddef.h>
#include <stdint.h>
#include <nvmetest/spec.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * nvt_reg_name() - the name of the register at an offset.
 * @offset: byte offset in BAR0.
 *
 * Return: a static string such as "CAP", or NULL if no known register
 * starts at @offset.
 *
 * Thread-safety: reentrant.
 */
const char *nvt_reg_name(uint32_t offset);

/**
 * nvt_reg_offset() - the offset of a register by name.
 * @name: a register name such as "CSTS", any case.
 *
 * Return: the offset (>= 0), or -ENOENT for an unknown name (-EINVAL if
 * @name is NULL).
 *
 * Thread-safety: reentrant.
 */
int nvt_reg_offset(const char *name);

/**
 * nvt_reg_width() - the width of the register at an offset.
 * @offset: byte offset in BAR0.
 *
 * Return: 4 or 8 (bytes), or -ENOENT if no known register starts there.
 *
 * Thread-safety: reentrant.
 */
int nvt_reg_width(uint32_t offset);

/**
 * nvt_reg_field() - extract a field of a register value by name.
 * @offset: byte offset of the register, e.g. NVT_REG_CAP.
 * @field: the field's spec name, e.g. "MQES", any case.
 * @value: the register value.
 * @out: receives the raw field value (not adjusted: MQES stays 0's based).
 *
 * Return: 0; -ENOENT (unknown register or field); -EINVAL (NULL argument).
 *
 * Thread-safety: reentrant.
 */
int nvt_reg_field(uint32_t offset, const char *field, uint64_t value, uint64_t *out);

/**
 * nvt_reg_decode() - describe a register value in one line.
 * @offset: byte offset of the register, e.g. NVT_REG_CAP.
 * @value: the register value.
 * @buf: receives the NUL-terminated text, truncated to fit; may be NULL
 *	if @len is 0.
 * @len: size of @buf.
 *
 * The text lists the fields as NAME=value, with the meaning in brackets
 * where a number needs it, e.g. for CAP "MQES=2047 (2048 entries) CQR=1
 * ... TO=15 (7500 ms) ...", and for VS "1.4.0 (MJR=1 MNR=4 TER=0)".
 *
 * Return: the length of the whole text, like snprintf(3): a value >= @len
 * means it was truncated; -ENOENT for an unknown register; -EINVAL if
 * @buf is NULL and @len is not 0.
 *
 * Thread-safety: reentrant.
 */
int nvt_reg_decode(uint32_t offset, uint64_t value, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* NVMETEST_REGS_H */
