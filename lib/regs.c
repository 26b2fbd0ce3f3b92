// SPDX-License-Identifier: MIT
/*
 * Controller registers as text (NVMe 1.4 section 3.1). One table describes
 * every register and field; the bit ranges come from spec.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>

#include "private.h"

/* How a field's value reads. */
enum fmt {
	F_DEC,		/* 12 */
	F_HEX,		/* 0x1f */
	F_COUNT,	/* 0's based: 2047 (2048 entries) */
	F_MS500,	/* 500 ms units: 15 (7500 ms) */
	F_PAGE,		/* 2 ^ (12 + n) bytes: 4 (64 KiB) */
	F_STRIDE,	/* 2 ^ (2 + n) bytes: 0 (4 bytes) */
	F_POW2,		/* 2 ^ n bytes: 6 (64 bytes) */
	F_ADDR,		/* the field in place, an address: 0x7f000 */
	F_ENUM,		/* a value from names[]: 0 (round robin) */
	F_BITS,		/* a bit mask, names[] per bit: 0xc1 (NVM, ...) */
};

struct field {
	const char *name;
	unsigned int hi, lo;
	enum fmt fmt;
	const char *const *names;
	unsigned int n_names;
};

struct reg {
	uint32_t offset;
	unsigned int width;
	const char *name;
	const struct field *fields;
	unsigned int n_fields;
};

#define F(reg, fld, fmt)	{ #fld, NVT_##reg##_##fld, fmt, NULL, 0 }
#define FN(reg, fld, fmt, names) \
	{ #fld, NVT_##reg##_##fld, fmt, names, NVT_ARRAY_SIZE(names) }
#define REG(reg, width, fields) \
	{ NVT_REG_##reg, width, #reg, fields, NVT_ARRAY_SIZE(fields) }

static const char *const cap_ams[] = { "weighted round robin with urgent", "vendor specific" };
static const char *const cap_css[] = {
	[0] = "NVM", [6] = "I/O command sets", [7] = "no I/O command set",
};
static const struct field cap[] = {
	F(CAP, MQES, F_COUNT), F(CAP, CQR, F_DEC), FN(CAP, AMS, F_BITS, cap_ams),
	F(CAP, TO, F_MS500), F(CAP, DSTRD, F_STRIDE), F(CAP, NSSRS, F_DEC),
	FN(CAP, CSS, F_BITS, cap_css), F(CAP, BPS, F_DEC), F(CAP, MPSMIN, F_PAGE),
	F(CAP, MPSMAX, F_PAGE), F(CAP, PMRS, F_DEC), F(CAP, CMBS, F_DEC),
};
static const struct field vs[] = { F(VS, MJR, F_DEC), F(VS, MNR, F_DEC), F(VS, TER, F_DEC) };
static const struct field intms[] = { F(INTMS, IVMS, F_HEX) };
static const struct field intmc[] = { F(INTMC, IVMC, F_HEX) };

static const char *const cc_css[] = { [0] = "NVM", [6] = "all I/O command sets", [7] = "admin only" };
static const char *const cc_ams[] = {
	[0] = "round robin", [1] = "weighted round robin with urgent", [7] = "vendor specific",
};
static const char *const cc_shn[] = { "none", "normal", "abrupt" };
static const struct field cc[] = {
	F(CC, EN, F_DEC), FN(CC, CSS, F_ENUM, cc_css), F(CC, MPS, F_PAGE),
	FN(CC, AMS, F_ENUM, cc_ams), FN(CC, SHN, F_ENUM, cc_shn), F(CC, IOSQES, F_POW2),
	F(CC, IOCQES, F_POW2),
};
static const char *const csts_shst[] = { "normal", "shutdown occurring", "shutdown complete" };
static const struct field csts[] = {
	F(CSTS, RDY, F_DEC), F(CSTS, CFS, F_DEC), FN(CSTS, SHST, F_ENUM, csts_shst),
	F(CSTS, NSSRO, F_DEC), F(CSTS, PP, F_DEC),
};
static const struct field nssr[] = { F(NSSR, NSSRC, F_HEX) };
static const struct field aqa[] = { F(AQA, ASQS, F_COUNT), F(AQA, ACQS, F_COUNT) };
static const struct field asq[] = { F(ASQ, ASQB, F_ADDR) };
static const struct field acq[] = { F(ACQ, ACQB, F_ADDR) };
static const struct field cmbloc[] = {
	F(CMBLOC, BIR, F_DEC), F(CMBLOC, CQMMS, F_DEC), F(CMBLOC, CQPDS, F_DEC),
	F(CMBLOC, CDPMLS, F_DEC), F(CMBLOC, CDPCILS, F_DEC), F(CMBLOC, CDMMMS, F_DEC),
	F(CMBLOC, CQDA, F_DEC), F(CMBLOC, OFST, F_HEX),
};
static const char *const cmbsz_szu[] = {
	"4 KiB", "64 KiB", "1 MiB", "16 MiB", "256 MiB", "4 GiB", "64 GiB",
};
static const struct field cmbsz[] = {
	F(CMBSZ, SQS, F_DEC), F(CMBSZ, CQS, F_DEC), F(CMBSZ, LISTS, F_DEC),
	F(CMBSZ, RDS, F_DEC), F(CMBSZ, WDS, F_DEC), FN(CMBSZ, SZU, F_ENUM, cmbsz_szu),
	F(CMBSZ, SZ, F_DEC),
};
static const char *const bpinfo_brs[] = { "no read", "in progress", "complete", "error" };
static const struct field bpinfo[] = {
	F(BPINFO, BPSZ, F_DEC), FN(BPINFO, BRS, F_ENUM, bpinfo_brs), F(BPINFO, ABPID, F_DEC),
};
static const struct field bprsel[] = {
	F(BPRSEL, BPRSZ, F_DEC), F(BPRSEL, BPROF, F_DEC), F(BPRSEL, BPID, F_DEC),
};
static const struct field bpmbl[] = { F(BPMBL, BMBBA, F_ADDR) };
static const struct field cmbmsc[] = {
	F(CMBMSC, CRE, F_DEC), F(CMBMSC, CMSE, F_DEC), F(CMBMSC, CBA, F_ADDR),
};
static const struct field cmbsts[] = { F(CMBSTS, CBAI, F_DEC) };
static const char *const pmrcap_pmrtu[] = { "500 ms", "minutes" };
static const struct field pmrcap[] = {
	F(PMRCAP, RDS, F_DEC), F(PMRCAP, WDS, F_DEC), F(PMRCAP, BIR, F_DEC),
	FN(PMRCAP, PMRTU, F_ENUM, pmrcap_pmrtu), F(PMRCAP, PMRWBM, F_HEX),
	F(PMRCAP, PMRTO, F_DEC), F(PMRCAP, CMSS, F_DEC),
};
static const struct field pmrctl[] = { F(PMRCTL, EN, F_DEC) };
static const char *const pmrsts_hsts[] = { "normal", "restore error", "read only", "unreliable" };
static const struct field pmrsts[] = {
	F(PMRSTS, ERR, F_HEX), F(PMRSTS, NRDY, F_DEC), FN(PMRSTS, HSTS, F_ENUM, pmrsts_hsts),
	F(PMRSTS, CBAI, F_DEC),
};
static const char *const pmr_units[] = { "bytes", "KiB", "MiB", "GiB" };
static const char *const pmr_rate_units[] = { "bytes/s", "KiB/s", "MiB/s", "GiB/s" };
static const struct field pmrebs[] = {
	FN(PMREBS, PMRSZU, F_ENUM, pmr_units), F(PMREBS, RBB, F_DEC), F(PMREBS, PMRWBZ, F_DEC),
};
static const struct field pmrswtp[] = {
	FN(PMRSWTP, PMRSWTU, F_ENUM, pmr_rate_units), F(PMRSWTP, PMRSWTV, F_DEC),
};
static const struct field pmrmscl[] = { F(PMRMSCL, CMSE, F_DEC), F(PMRMSCL, CBA, F_ADDR) };
static const struct field pmrmscu[] = { F(PMRMSCU, CBA, F_HEX) };

static const struct reg regs[] = {
	REG(CAP, 8, cap), REG(VS, 4, vs), REG(INTMS, 4, intms), REG(INTMC, 4, intmc),
	REG(CC, 4, cc), REG(CSTS, 4, csts), REG(NSSR, 4, nssr), REG(AQA, 4, aqa),
	REG(ASQ, 8, asq), REG(ACQ, 8, acq), REG(CMBLOC, 4, cmbloc), REG(CMBSZ, 4, cmbsz),
	REG(BPINFO, 4, bpinfo), REG(BPRSEL, 4, bprsel), REG(BPMBL, 8, bpmbl),
	REG(CMBMSC, 8, cmbmsc), REG(CMBSTS, 4, cmbsts), REG(PMRCAP, 4, pmrcap),
	REG(PMRCTL, 4, pmrctl), REG(PMRSTS, 4, pmrsts), REG(PMREBS, 4, pmrebs),
	REG(PMRSWTP, 4, pmrswtp), REG(PMRMSCL, 4, pmrmscl), REG(PMRMSCU, 4, pmrmscu),
};

static const struct reg *find_reg(uint32_t offset)
{
	unsigned int i;

	for (i = 0; i < NVT_ARRAY_SIZE(regs); i++)
		if (regs[i].offset == offset)
			return &regs[i];
	return NULL;
}

const char *nvt_reg_name(uint32_t offset)
{
	const struct reg *r = find_reg(offset);

	return r ? r->name : NULL;
}

int nvt_reg_offset(const char *name)
{
	unsigned int i;

	if (!name)
		return -EINVAL;
	for (i = 0; i < NVT_ARRAY_SIZE(regs); i++)
		if (!strcasecmp(regs[i].name, name))
			return (int)regs[i].offset;
	return -ENOENT;
}

int nvt_reg_width(uint32_t offset)
{
	const struct reg *r = find_reg(offset);

	return r ? (int)r->width : -ENOENT;
}

static uint64_t field_get(const struct field *f, uint64_t value)
{
	return (value & NVT_GENMASK(f->hi, f->lo)) >> f->lo;
}

int nvt_reg_field(uint32_t offset, const char *field, uint64_t value, uint64_t *out)
{
	const struct reg *r = find_reg(offset);
	unsigned int i;

	if (!field || !out)
		return -EINVAL;
	for (i = 0; r && i < r->n_fields; i++) {
		if (!strcasecmp(r->fields[i].name, field)) {
			*out = field_get(&r->fields[i], value);
			return 0;
		}
	}
	return -ENOENT;
}

/* snprintf that appends and keeps counting past the end of the buffer. */
struct text {
	char *buf;
	size_t len;
	size_t pos;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
	bool room = t->pos < t->len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? t->buf + t->pos : NULL, room ? t->len - t->pos : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->pos += (size_t)n;
}

/* A power-of-two byte count in the largest unit that divides it. */
static void put_size(struct text *t, uint64_t bytes)
{
	static const char *const units[] = { "bytes", "KiB", "MiB", "GiB", "TiB" };
	unsigned int u = 0;

	while (u + 1 < NVT_ARRAY_SIZE(units) && bytes >= 1024 && !(bytes % 1024)) {
		bytes /= 1024;
		u++;
	}
	put(t, "%llu %s", (unsigned long long)bytes, units[u]);
}

static const char *name_of(const struct field *f, uint64_t v)
{
	return v < f->n_names && f->names[v] ? f->names[v] : NULL;
}

static void put_bits(struct text *t, const struct field *f, uint64_t v)
{
	const char *sep = " (";
	unsigned int bit;

	put(t, "0x%llx", (unsigned long long)v);
	for (bit = 0; bit <= f->hi - f->lo; bit++) {
		if (!(v & (1ULL << bit)))
			continue;
		if (name_of(f, bit))
			put(t, "%s%s", sep, name_of(f, bit));
		else
			put(t, "%sbit %u", sep, f->lo + bit);
		sep = ", ";
	}
	if (v)
		put(t, ")");
}

static void put_field(struct text *t, const struct field *f, uint64_t value)
{
	unsigned long long v = field_get(f, value);

	put(t, "%s=", f->name);
	switch (f->fmt) {
	case F_DEC:
		put(t, "%llu", v);
		break;
	case F_HEX:
		put(t, "0x%llx", v);
		break;
	case F_COUNT:
		put(t, "%llu (%llu entries)", v, v + 1);
		break;
	case F_MS500:
		put(t, "%llu (%llu ms)", v, v * 500);
		break;
	case F_PAGE:
	case F_STRIDE:
	case F_POW2:
		put(t, "%llu (", v);
		put_size(t, 1ULL << (v + (f->fmt == F_PAGE ? 12 : f->fmt == F_STRIDE ? 2 : 0)));
		put(t, ")");
		break;
	case F_ADDR:
		put(t, "0x%llx", v << f->lo);
		break;
	case F_ENUM:
		put(t, "%llu (%s)", v, name_of(f, v) ? name_of(f, v) : "reserved");
		break;
	case F_BITS:
		put_bits(t, f, v);
		break;
	}
}

int nvt_reg_decode(uint32_t offset, uint64_t value, char *buf, size_t len)
{
	const struct reg *r = find_reg(offset);
	struct text t = { .buf = buf, .len = len };
	unsigned int i;

	if (!buf && len)
		return -EINVAL;
	if (!r)
		return -ENOENT;
	if (len)
		buf[0] = '\0';
	if (r->offset == NVT_REG_VS)
		put(&t, "%llu.%llu.%llu (", (unsigned long long)NVT_BITS_GET(value, NVT_VS_MJR),
		    (unsigned long long)NVT_BITS_GET(value, NVT_VS_MNR),
		    (unsigned long long)NVT_BITS_GET(value, NVT_VS_TER));
	for (i = 0; i < r->n_fields; i++) {
		if (i)
			put(&t, " ");
		put_field(&t, &r->fields[i], value);
	}
	if (r->offset == NVT_REG_VS)
		put(&t, ")");
	return t.pos > INT32_MAX ? INT32_MAX : (int)t.pos;
}
