// SPDX-License-Identifier: MIT
/*
 * Output helpers of the subcommands: hex dumps, bit names, wide counters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void cli_hexdump(const void *mem, size_t len, size_t base)
{
	int n = nvt_hexdump(mem, len, base, NULL, 0);
	char *text;

	if (n <= 0)
		return;
	text = malloc((size_t)n + 1);
	if (!text) {
		cli_err("out of memory");
		return;
	}
	nvt_hexdump(mem, len, base, text, (size_t)n + 1);
	fputs(text, stdout);
	free(text);
}

const char *cli_bits(uint64_t v, const char *const *names, unsigned int n, char *buf,
		     size_t len)
{
	size_t at = 0;
	unsigned int bit;
	int w;

	buf[0] = '\0';
	for (bit = 0; bit < 64 && at < len; bit++) {
		if (!(v >> bit & 1))
			continue;
		if (bit < n && names[bit])
			w = snprintf(buf + at, len - at, "%s%s", at ? " " : "", names[bit]);
		else
			w = snprintf(buf + at, len - at, "%sbit%u", at ? " " : "", bit);
		if (w < 0)
			break;
		at += (size_t)w;
	}
	if (!buf[0])
		snprintf(buf, len, "-");
	return buf;
}

const char *cli_u128(const uint8_t *le, char *buf, size_t len)
{
	unsigned __int128 v = 0;
	char digits[48];
	int i = (int)sizeof(digits) - 1;

	for (int b = 15; b >= 0; b--)
		v = v << 8 | le[b];
	digits[i] = '\0';
	do {
		digits[--i] = (char)('0' + (int)(v % 10));
		v /= 10;
	} while (v);
	snprintf(buf, len, "%s", digits + i);
	return buf;
}
