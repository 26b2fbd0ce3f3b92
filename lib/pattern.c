// SPDX-License-Identifier: MIT
/*
 * Data in buffers: pynvme's data patterns (Buffer.__cinit__ and
 * buffer_init() in its driver.c), the per-thread random number generator
 * behind them, a hex dump in SPDK's spdk_log_dump() layout, and fields of
 * NVMe data structures.
 */
#include <endian.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <nvmetest/pattern.h>

/*
 * Random numbers: xoshiro256** (Blackman and Vigna, 2018), one state per
 * thread, seeded through splitmix64 so that any 64-bit seed gives a good
 * state.
 */
struct rng {
	uint64_t s[4];
	bool seeded;
};

static __thread struct rng thread_rng;
static _Atomic uint64_t process_seed;	/* the last nvt_srand(), or entropy */
static _Atomic uint64_t threads_seeded;	/* threads that seeded themselves */
static pthread_once_t process_seed_once = PTHREAD_ONCE_INIT;

#define GOLDEN_GAMMA	0x9e3779b97f4a7c15ull

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += GOLDEN_GAMMA);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
	r->seeded = true;
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static void process_seed_init(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	atomic_store(&process_seed, (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec +
		     ((uint64_t)getpid() << 40));
}

void nvt_srand(uint64_t seed)
{
	pthread_once(&process_seed_once, process_seed_init);
	atomic_store(&process_seed, seed);
	rng_seed(&thread_rng, seed);
}

uint64_t nvt_rand(void)
{
	struct rng *r = &thread_rng;
	uint64_t result, t;

	if (!r->seeded) {
		pthread_once(&process_seed_once, process_seed_init);
		rng_seed(r, atomic_load(&process_seed) +
			 GOLDEN_GAMMA * (atomic_fetch_add(&threads_seeded, 1) + 1));
	}
	result = rotl(r->s[1] * 5, 7) * 9;
	t = r->s[1] << 17;
	r->s[2] ^= r->s[0];
	r->s[3] ^= r->s[1];
	r->s[1] ^= r->s[2];
	r->s[0] ^= r->s[3];
	r->s[2] ^= t;
	r->s[3] = rotl(r->s[3], 45);
	return result;
}

static void fill_random(uint8_t *p, size_t len)
{
	uint64_t v;

	for (; len >= sizeof(v); p += sizeof(v), len -= sizeof(v)) {
		v = nvt_rand();
		memcpy(p, &v, sizeof(v));
	}
	if (len) {
		v = nvt_rand();
		memcpy(p, &v, len);
	}
}

static void fill_dword(uint8_t *p, size_t len, uint32_t pvalue)
{
	uint32_t le = htole32(pvalue);
	size_t i, whole = len - len % sizeof(le);

	for (i = 0; i < whole; i += sizeof(le))
		memcpy(p + i, &le, sizeof(le));
	memset(p + whole, 0, len - whole);
}

int nvt_pattern_fill(void *mem, size_t len, uint32_t ptype, uint32_t pvalue)
{
	size_t count;

	if ((!mem && len) || (ptype != NVT_PATTERN_BIT && ptype != NVT_PATTERN_DWORD &&
			      ptype != NVT_PATTERN_RANDOM) ||
	    (ptype == NVT_PATTERN_RANDOM && pvalue > 100))
		return -EINVAL;
	if (!len)
		return 0;
	switch (ptype) {
	case NVT_PATTERN_BIT:
		memset(mem, pvalue ? 0xff : 0, len);
		break;
	case NVT_PATTERN_DWORD:
		fill_dword(mem, len, pvalue);
		break;
	default:
		/* len * pvalue / 100 rounded down, without overflowing. */
		count = len / 100 * pvalue + len % 100 * pvalue / 100;
		fill_random(mem, count);
		memset((uint8_t *)mem + count, 0, len - count);
		break;
	}
	return 0;
}

/* Text written byte by byte into a buffer that may be too small: pos counts
 * every byte, stored or not. */
struct text {
	char *buf;
	size_t len;
	size_t pos;
};

static void emit(struct text *t, char c)
{
	if (t->pos + 1 < t->len)
		t->buf[t->pos] = c;
	t->pos++;
}

static void emit_str(struct text *t, const char *s)
{
	while (*s)
		emit(t, *s++);
}

/* @value in lowercase hex, at least @digits digits. */
static void emit_hex(struct text *t, uint64_t value, unsigned int digits)
{
	static const char hex[] = "0123456789abcdef";
	unsigned int n = 1;

	while (n < 16 && value >> (4 * n))
		n++;
	if (n < digits)
		n = digits;
	while (n--)
		emit(t, hex[(value >> (4 * n)) & 0xf]);
}

/* One line of at most 16 bytes, SPDK's fdump() layout. */
static void dump_line(struct text *t, const uint8_t *p, size_t n, size_t offset, bool last)
{
	size_t j;

	emit_hex(t, offset, 8);
	emit(t, ' ');
	for (j = 0; j < 16; j++) {
		if (j % 8 == 0)
			emit(t, ' ');
		if (j < n) {
			emit_hex(t, p[j], 2);
			emit(t, ' ');
		} else {
			emit_str(t, "   ");
		}
	}
	emit_str(t, last ? "  " : " ");
	for (j = 0; j < n; j++)
		emit(t, p[j] >= 0x20 && p[j] < 0x7f ? (char)p[j] : '.');
	emit(t, '\n');
}

int nvt_hexdump(const void *mem, size_t len, size_t base, char *out, size_t outlen)
{
	struct text t = { .buf = out, .len = outlen };
	const uint8_t *p = mem;
	size_t i, n;

	if ((!mem && len) || (!out && outlen))
		return -EINVAL;
	for (i = 0; i < len; i += n) {
		n = len - i < 16 ? len - i : 16;
		dump_line(&t, p + i, n, base + i, i + n == len);
	}
	if (outlen)
		out[t.pos < outlen ? t.pos : outlen - 1] = '\0';
	return t.pos > INT_MAX ? -EOVERFLOW : (int)t.pos;
}

/* Checks shared by the field readers: bytes @begin to @end of @size. */
static int field_check(const void *mem, size_t size, unsigned int begin, unsigned int end)
{
	if (!mem || end < begin)
		return -EINVAL;
	return end < size ? 0 : -ERANGE;
}

int nvt_le_field(const void *mem, size_t size, unsigned int begin, unsigned int end,
		 uint64_t *value)
{
	const uint8_t *p = mem;
	uint64_t v = 0;
	unsigned int i;
	int ret;

	if (!value || (end >= begin && end - begin >= sizeof(v)))
		return -EINVAL;
	ret = field_check(mem, size, begin, end);
	if (ret)
		return ret;
	for (i = end + 1; i-- > begin;)
		v = v << 8 | p[i];
	*value = v;
	return 0;
}

static bool trailing_blank(uint8_t c)
{
	return c == '\0' || c == ' ' || (c >= '\t' && c <= '\r');
}

int nvt_str_field(const void *mem, size_t size, unsigned int begin, unsigned int end,
		  char *out, size_t outlen)
{
	const uint8_t *p = mem;
	size_t n, copy;
	int ret;

	if (!out || !outlen)
		return -EINVAL;
	ret = field_check(mem, size, begin, end);
	if (ret)
		return ret;
	n = (size_t)end - begin + 1;
	while (n && trailing_blank(p[begin + n - 1]))
		n--;
	copy = n < outlen ? n : outlen - 1;
	memcpy(out, p + begin, copy);
	out[copy] = '\0';
	return copy == n ? 0 : -ENOSPC;
}

int nvt_dsm_range_set(void *mem, size_t size, unsigned int index, uint64_t slba, uint32_t nlb,
		      uint32_t attr)
{
	/* NVM Command Set 1.0 Figure 39: Dataset Management Range */
	struct {
		uint32_t cattr;		/* 03:00 Context Attributes */
		uint32_t nlb;		/* 07:04 Length in logical blocks */
		uint64_t slba;		/* 15:08 Starting LBA */
	} range = { htole32(attr), htole32(nlb), htole64(slba) };
	size_t offset = (size_t)index * sizeof(range);

	_Static_assert(sizeof(range) == 16, "DSM range is 16 bytes");
	if (!mem)
		return -EINVAL;
	if (offset > size || size - offset < sizeof(range))
		return -ERANGE;
	memcpy((uint8_t *)mem + offset, &range, sizeof(range));
	return 0;
}
