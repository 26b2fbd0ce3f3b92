// SPDX-License-Identifier: MIT
/*
 * Physical Region Page entries for an IO command (NVMe 1.4 section 4.3):
 * PRP1 points at the first byte, with any offset in its memory page; the
 * rest of the transfer is page aligned, described by PRP2 directly when
 * it fits in one more page, else by a PRP list that PRP2 points to.
 */
#include <errno.h>

#include "private.h"

int nvt__prp_build(uint64_t addr, uint64_t len, uint32_t page, uint64_t *list,
		   unsigned int max, uint64_t list_iova, uint64_t *prp1, uint64_t *prp2)
{
	uint64_t first, rest, next, entries, i;

	if (page < 8 || (page & (page - 1)))
		return -EINVAL;
	*prp1 = addr;
	*prp2 = 0;
	/* bytes PRP1 covers: up to the end of its memory page */
	first = page - (addr & (page - 1));
	if (len <= first)
		return 0;
	rest = len - first;
	next = addr + first;
	if (rest <= page) {
		*prp2 = next;
		return 0;
	}
	entries = (rest + page - 1) / page;
	if (entries > max)
		return -E2BIG;
	for (i = 0; i < entries; i++)
		list[i] = next + i * page;
	*prp2 = list_iova;
	return (int)entries;
}
