// SPDX-License-Identifier: MIT
/*
 * Option values of the subcommands.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "cli.h"

int cli_number(const char *opt, const char *value, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(value, &end, 0);
	if (!*value || *end || errno || *value == '-' || v > max) {
		cli_err("%s: '%s' is not a number from 0 to %" PRIu64 " (0x%" PRIx64 ")", opt,
			value, max, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

int cli_option(unsigned int flags, char **values, int i, const char *opt, uint64_t max,
	       uint64_t *out)
{
	if (!(flags & (1u << i)))
		return 0;
	return cli_number(opt, values[i], max, out);
}
