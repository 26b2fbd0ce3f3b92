// SPDX-License-Identifier: MIT
/*
 * The verification table as the IO path uses it: verify.c's entry logic
 * applied to runs of LBAs, minding the kernel's page bitmap so that reads
 * never touch (and so never create) a table page that does not exist.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

bool nvt__vtable_page_exists(const struct nvt__vtable *t, uint64_t page)
{
	if (page >= t->nr_pages)
		return false;
	/* The kernel sets bits as a bitmap of unsigned longs: little-endian. */
	return __atomic_load_n(&t->bitmap[page / 8], __ATOMIC_ACQUIRE) >> (page % 8) & 1;
}

uint64_t nvt__vtable_page_lbas(const struct nvt__vtable *t, uint64_t page, uint64_t *first)
{
	*first = page * t->page_entries;
	if (*first >= t->nlba || !nvt__vtable_page_exists(t, page))
		return 0;
	return t->nlba - *first < t->page_entries ? t->nlba - *first : t->page_entries;
}

static int runs_push(struct nvt__vruns *runs, uint64_t slba, uint64_t nlb)
{
	struct nvt__vrun *v;

	if (runs->n && runs->v[runs->n - 1].slba + runs->v[runs->n - 1].nlb == slba) {
		runs->v[runs->n - 1].nlb += nlb;
		return 0;
	}
	if (runs->n == runs->cap) {
		unsigned int cap = runs->cap ? runs->cap * 2 : 4;

		v = realloc(runs->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		runs->v = v;
		runs->cap = cap;
	}
	runs->v[runs->n++] = (struct nvt__vrun) { .slba = slba, .nlb = nlb };
	return 0;
}

int nvt__vruns_add(struct nvt__vruns *runs, const struct nvt__vtable *t, uint64_t slba,
		   uint64_t nlb, bool existing_only)
{
	uint64_t end, page_end;
	int ret;

	if (slba >= t->nlba || !nlb)
		return 0;
	end = nlb > t->nlba - slba ? t->nlba : slba + nlb;
	if (!existing_only)
		return runs_push(runs, slba, end - slba);
	while (slba < end) {
		uint64_t page = slba / t->page_entries;

		page_end = (page + 1) * t->page_entries;
		if (page_end > end)
			page_end = end;
		if (nvt__vtable_page_exists(t, page)) {
			ret = runs_push(runs, slba, page_end - slba);
			if (ret)
				return ret;
		}
		slba = page_end;
	}
	return 0;
}

static int run_cmp(const void *a, const void *b)
{
	const struct nvt__vrun *x = a, *y = b;

	return x->slba < y->slba ? -1 : x->slba > y->slba;
}

void nvt__vruns_normalise(struct nvt__vruns *runs)
{
	unsigned int i, out = 0;

	if (runs->n < 2)
		return;
	qsort(runs->v, runs->n, sizeof(*runs->v), run_cmp);
	for (i = 1; i < runs->n; i++) {
		struct nvt__vrun *last = &runs->v[out];
		uint64_t end = runs->v[i].slba + runs->v[i].nlb;

		if (runs->v[i].slba <= last->slba + last->nlb) {
			if (end > last->slba + last->nlb)
				last->nlb = end - last->slba;
		} else {
			runs->v[++out] = runs->v[i];
		}
	}
	runs->n = out + 1;
}

void nvt__vruns_free(struct nvt__vruns *runs)
{
	free(runs->v);
	memset(runs, 0, sizeof(*runs));
}

/*
 * verify.c takes 32-bit LBA counts: walk a run in pieces that fit.
 * @fn returns 0 or a negative errno; the first failure stops the walk.
 */
#define PIECE	0x80000000u

int nvt__vtable_trylock(const struct nvt__vtable *t, const struct nvt__vruns *runs)
{
	unsigned int i;
	uint64_t done;

	for (i = 0; i < runs->n; i++) {
		const struct nvt__vrun *r = &runs->v[i];

		for (done = 0; done < r->nlb; done += PIECE) {
			uint32_t n = r->nlb - done > PIECE ? PIECE : (uint32_t)(r->nlb - done);

			if (!nvt_verify_trylock(t->entries, t->nlba, r->slba + done, n))
				continue;
			/* give back what this call took, in this run and before it */
			if (done)
				nvt_verify_unlock(t->entries, t->nlba, r->slba, (uint32_t)done);
			{
				struct nvt__vruns before = { .v = runs->v, .n = i };

				nvt__vtable_unlock(t, &before);
			}
			return -EAGAIN;
		}
	}
	return 0;
}

void nvt__vtable_unlock(const struct nvt__vtable *t, const struct nvt__vruns *runs)
{
	unsigned int i;
	uint64_t done;

	for (i = 0; i < runs->n; i++)
		for (done = 0; done < runs->v[i].nlb; done += PIECE)
			nvt_verify_unlock(t->entries, t->nlba, runs->v[i].slba + done,
					  runs->v[i].nlb - done > PIECE ? PIECE :
					  (uint32_t)(runs->v[i].nlb - done));
}

void nvt__vtable_clear(const struct nvt__vtable *t, const struct nvt__vruns *runs)
{
	unsigned int i;

	for (i = 0; i < runs->n; i++)
		nvt_verify_clear(t->entries, t->nlba, runs->v[i].slba, runs->v[i].nlb);
}

void nvt__vtable_mark_uncorrectable(const struct nvt__vtable *t, const struct nvt__vruns *runs)
{
	unsigned int i;

	for (i = 0; i < runs->n; i++)
		nvt_verify_mark_uncorrectable(t->entries, t->nlba, runs->v[i].slba,
					      runs->v[i].nlb);
}

void nvt__vtable_unlock_all(const struct nvt__vtable *t)
{
	uint64_t page, first, n;

	for (page = 0; page < t->nr_pages; page++) {
		n = nvt__vtable_page_lbas(t, page, &first);
		if (n)
			nvt_verify_unlock(t->entries, t->nlba, first, (uint32_t)n);
	}
}

int nvt__vtable_check(const struct nvt__vtable *t, const struct nvt__vruns *runs,
		      const void *data, uint64_t slba, uint32_t lba_size, char *msg,
		      size_t msglen)
{
	const uint8_t *base = data;
	unsigned int i;
	int ret;

	for (i = 0; i < runs->n; i++) {
		const struct nvt__vrun *r = &runs->v[i];

		if (r->slba < slba || r->nlb > UINT32_MAX)
			return -EINVAL;
		ret = nvt_verify_read(t->entries, t->nlba, base + (r->slba - slba) * lba_size,
				      r->slba, (uint32_t)r->nlb, lba_size, msg, msglen);
		if (ret)
			return ret;
	}
	return 0;
}

void nvt__vtable_write_done(const struct nvt__vtable *t, const struct nvt__vruns *runs,
			    const void *data, uint64_t slba, uint32_t lba_size)
{
	const uint8_t *base = data;
	unsigned int i;

	for (i = 0; i < runs->n; i++) {
		const struct nvt__vrun *r = &runs->v[i];

		if (r->slba >= slba && r->nlb <= UINT32_MAX)
			nvt_verify_write_done(t->entries, t->nlba,
					      base + (r->slba - slba) * lba_size, r->slba,
					      (uint32_t)r->nlb, lba_size);
	}
}

uint64_t nvt__vtable_pages(const struct nvt__vtable *t)
{
	uint64_t page, count = 0;

	for (page = 0; page < t->nr_pages; page++)
		count += nvt__vtable_page_exists(t, page);
	return count;
}
