/* SPDX-License-Identifier: MIT */
/*
 * NVM Express definitions, named as in the specification.
 *
 * Controller registers: NVM Express Base Specification 1.4 (June 2019),
 * section 3.1 "Register Definition". Offsets are NVT_REG_<NAME>; each field
 * is NVT_<REG>_<FIELD>, defined as its bit range "hi, lo" (as the spec
 * writes "15:00"), to be used with NVT_BITS_GET() and NVT_BITS_PREP():
 *
 *	mqes = NVT_BITS_GET(cap, NVT_CAP_MQES);
 *	cc |= NVT_BITS_PREP(6, NVT_CC_IOSQES);
 */
#ifndef NVMETEST_SPEC_H
#define NVMETEST_SPEC_H

#include <stdint.h>

/* Mask of bits hi..lo of a 64-bit value, in place. */
#define NVT_GENMASK(hi, lo)	((~0ULL >> (63 - (hi))) & (~0ULL << (lo)))
/* Field value of bit range "hi, lo" in @v. */
#define NVT_BITS_GET(v, range)	NVT__BITS_GET(v, range)
/* @v moved into bit range "hi, lo" (bits that do not fit are dropped). */
#define NVT_BITS_PREP(v, range)	NVT__BITS_PREP(v, range)
#define NVT__BITS_GET(v, hi, lo)	(((uint64_t)(v) & NVT_GENMASK(hi, lo)) >> (lo))
#define NVT__BITS_PREP(v, hi, lo)	(((uint64_t)(v) << (lo)) & NVT_GENMASK(hi, lo))

/* Register offsets in BAR0 (section 3.1) */
#define NVT_REG_CAP	0x00	/* 64 Controller Capabilities */
#define NVT_REG_VS	0x08	/* 32 Version */
#define NVT_REG_INTMS	0x0c	/* 32 Interrupt Mask Set */
#define NVT_REG_INTMC	0x10	/* 32 Interrupt Mask Clear */
#define NVT_REG_CC	0x14	/* 32 Controller Configuration */
#define NVT_REG_CSTS	0x1c	/* 32 Controller Status */
#define NVT_REG_NSSR	0x20	/* 32 NVM Subsystem Reset */
#define NVT_REG_AQA	0x24	/* 32 Admin Queue Attributes */
#define NVT_REG_ASQ	0x28	/* 64 Admin Submission Queue Base Address */
#define NVT_REG_ACQ	0x30	/* 64 Admin Completion Queue Base Address */
#define NVT_REG_CMBLOC	0x38	/* 32 Controller Memory Buffer Location */
#define NVT_REG_CMBSZ	0x3c	/* 32 Controller Memory Buffer Size */
#define NVT_REG_BPINFO	0x40	/* 32 Boot Partition Information */
#define NVT_REG_BPRSEL	0x44	/* 32 Boot Partition Read Select */
#define NVT_REG_BPMBL	0x48	/* 64 Boot Partition Memory Buffer Location */
#define NVT_REG_CMBMSC	0x50	/* 64 CMB Memory Space Control */
#define NVT_REG_CMBSTS	0x58	/* 32 CMB Status */
#define NVT_REG_PMRCAP	0xe00	/* 32 Persistent Memory Capabilities */
#define NVT_REG_PMRCTL	0xe04	/* 32 PMR Control */
#define NVT_REG_PMRSTS	0xe08	/* 32 PMR Status */
#define NVT_REG_PMREBS	0xe0c	/* 32 PMR Elasticity Buffer Size */
#define NVT_REG_PMRSWTP	0xe10	/* 32 PMR Sustained Write Throughput */
#define NVT_REG_PMRMSCL	0xe14	/* 32 PMR Memory Space Control, low dword */
#define NVT_REG_PMRMSCU	0xe18	/* 32 PMR Memory Space Control, high dword */
#define NVT_REG_DBS	0x1000	/* doorbells, stride 4 << CAP.DSTRD (3.1.24) */

/* 3.1.1 CAP - Controller Capabilities */
#define NVT_CAP_MQES	15, 0	/* Maximum Queue Entries Supported, 0's based */
#define NVT_CAP_CQR	16, 16	/* Contiguous Queues Required */
#define NVT_CAP_AMS	18, 17	/* Arbitration Mechanism Supported: bit 17 WRR
				 * with urgent, bit 18 vendor specific */
#define NVT_CAP_TO	31, 24	/* Timeout, in 500 ms units */
#define NVT_CAP_DSTRD	35, 32	/* Doorbell Stride: 2 ^ (2 + DSTRD) bytes */
#define NVT_CAP_NSSRS	36, 36	/* NVM Subsystem Reset Supported */
#define NVT_CAP_CSS	44, 37	/* Command Sets Supported: bit 37 NVM, bit 43
				 * I/O command sets (2.0), bit 44 no I/O */
#define NVT_CAP_BPS	45, 45	/* Boot Partition Support */
#define NVT_CAP_MPSMIN	51, 48	/* Memory Page Size Minimum: 2 ^ (12 + n) */
#define NVT_CAP_MPSMAX	55, 52	/* Memory Page Size Maximum: 2 ^ (12 + n) */
#define NVT_CAP_PMRS	56, 56	/* Persistent Memory Region Supported */
#define NVT_CAP_CMBS	57, 57	/* Controller Memory Buffer Supported */

#define NVT_CAP_CSS_NVM		(1 << 0)	/* NVM command set */
#define NVT_CAP_CSS_IOCS	(1 << 6)	/* I/O command sets (NVMe 2.0) */
#define NVT_CAP_CSS_NOIOCS	(1 << 7)	/* no I/O command set */

/* 3.1.2 VS - Version */
#define NVT_VS_MJR	31, 16	/* Major Version Number */
#define NVT_VS_MNR	15, 8	/* Minor Version Number */
#define NVT_VS_TER	7, 0	/* Tertiary Version Number */
#define NVT_VS(mjr, mnr, ter)	(((mjr) << 16) | ((mnr) << 8) | (ter))

/* 3.1.3 INTMS - Interrupt Mask Set, 3.1.4 INTMC - Interrupt Mask Clear */
#define NVT_INTMS_IVMS	31, 0	/* Interrupt Vector Mask Set */
#define NVT_INTMC_IVMC	31, 0	/* Interrupt Vector Mask Clear */

/* 3.1.5 CC - Controller Configuration */
#define NVT_CC_EN	0, 0	/* Enable */
#define NVT_CC_CSS	6, 4	/* I/O Command Set Selected */
#define NVT_CC_MPS	10, 7	/* Memory Page Size: 2 ^ (12 + MPS) */
#define NVT_CC_AMS	13, 11	/* Arbitration Mechanism Selected */
#define NVT_CC_SHN	15, 14	/* Shutdown Notification */
#define NVT_CC_IOSQES	19, 16	/* I/O Submission Queue Entry Size: 2 ^ n */
#define NVT_CC_IOCQES	23, 20	/* I/O Completion Queue Entry Size: 2 ^ n */

#define NVT_CC_CSS_NVM		0	/* NVM command set */
#define NVT_CC_CSS_CSI		6	/* all supported I/O command sets (2.0) */
#define NVT_CC_CSS_ADMIN	7	/* admin command set only */
#define NVT_CC_AMS_RR		0	/* round robin */
#define NVT_CC_AMS_WRRU		1	/* weighted round robin with urgent */
#define NVT_CC_AMS_VS		7	/* vendor specific */
#define NVT_CC_SHN_NONE		0	/* no notification */
#define NVT_CC_SHN_NORMAL	1	/* normal shutdown */
#define NVT_CC_SHN_ABRUPT	2	/* abrupt shutdown */

/* 3.1.6 CSTS - Controller Status */
#define NVT_CSTS_RDY	0, 0	/* Ready */
#define NVT_CSTS_CFS	1, 1	/* Controller Fatal Status */
#define NVT_CSTS_SHST	3, 2	/* Shutdown Status */
#define NVT_CSTS_NSSRO	4, 4	/* NVM Subsystem Reset Occurred (RW1C) */
#define NVT_CSTS_PP	5, 5	/* Processing Paused */

#define NVT_CSTS_SHST_NORMAL	0	/* normal operation */
#define NVT_CSTS_SHST_OCCURRING	1	/* shutdown processing occurring */
#define NVT_CSTS_SHST_COMPLETE	2	/* shutdown processing complete */

/* 3.1.7 NSSR - NVM Subsystem Reset */
#define NVT_NSSR_NSSRC	31, 0	/* NVM Subsystem Reset Control */
#define NVT_NSSR_RESET	0x4e564d65	/* "NVMe": writing it resets */

/* 3.1.8 AQA - Admin Queue Attributes */
#define NVT_AQA_ASQS	11, 0	/* Admin Submission Queue Size, 0's based */
#define NVT_AQA_ACQS	27, 16	/* Admin Completion Queue Size, 0's based */

/* 3.1.9 ASQ, 3.1.10 ACQ - admin queue base addresses, 4 KiB aligned */
#define NVT_ASQ_ASQB	63, 12	/* Admin Submission Queue Base */
#define NVT_ACQ_ACQB	63, 12	/* Admin Completion Queue Base */

/* 3.1.11 CMBLOC - Controller Memory Buffer Location */
#define NVT_CMBLOC_BIR		2, 0	/* Base Indicator Register */
#define NVT_CMBLOC_CQMMS	3, 3	/* CMB Queue Mixed Memory Support */
#define NVT_CMBLOC_CQPDS	4, 4	/* CMB Queue Physically Discontiguous */
#define NVT_CMBLOC_CDPMLS	5, 5	/* CMB Data Pointer Mixed Locations */
#define NVT_CMBLOC_CDPCILS	6, 6	/* CMB Data Pointer and Command Independent
					 * Locations Support */
#define NVT_CMBLOC_CDMMMS	7, 7	/* CMB Data Metadata Mixed Memory Support */
#define NVT_CMBLOC_CQDA		8, 8	/* CMB Queue Dword Alignment */
#define NVT_CMBLOC_OFST		31, 12	/* Offset, in CMBSZ.SZU units */

/* 3.1.12 CMBSZ - Controller Memory Buffer Size */
#define NVT_CMBSZ_SQS	0, 0	/* Submission Queue Support */
#define NVT_CMBSZ_CQS	1, 1	/* Completion Queue Support */
#define NVT_CMBSZ_LISTS	2, 2	/* PRP SGL List Support */
#define NVT_CMBSZ_RDS	3, 3	/* Read Data Support */
#define NVT_CMBSZ_WDS	4, 4	/* Write Data Support */
#define NVT_CMBSZ_SZU	11, 8	/* Size Units: 4 KiB * 16 ^ SZU */
#define NVT_CMBSZ_SZ	31, 12	/* Size, in SZU units */

/* 3.1.13 BPINFO - Boot Partition Information */
#define NVT_BPINFO_BPSZ		14, 0	/* Boot Partition Size, 128 KiB units */
#define NVT_BPINFO_BRS		25, 24	/* Boot Read Status */
#define NVT_BPINFO_ABPID	31, 31	/* Active Boot Partition ID */

/* 3.1.14 BPRSEL - Boot Partition Read Select */
#define NVT_BPRSEL_BPRSZ	9, 0	/* Read Size, 4 KiB units */
#define NVT_BPRSEL_BPROF	29, 10	/* Read Offset, 4 KiB units */
#define NVT_BPRSEL_BPID		31, 31	/* Boot Partition Identifier */

/* 3.1.15 BPMBL - Boot Partition Memory Buffer Location */
#define NVT_BPMBL_BMBBA	63, 12	/* Boot Partition Memory Buffer Base Address */

/* 3.1.16 CMBMSC - Controller Memory Buffer Memory Space Control */
#define NVT_CMBMSC_CRE	0, 0	/* Capabilities Registers Enabled */
#define NVT_CMBMSC_CMSE	1, 1	/* Controller Memory Space Enable */
#define NVT_CMBMSC_CBA	63, 12	/* Controller Base Address */

/* 3.1.17 CMBSTS - Controller Memory Buffer Status */
#define NVT_CMBSTS_CBAI	0, 0	/* Controller Base Address Invalid */

/* 3.1.18 PMRCAP - Persistent Memory Region Capabilities */
#define NVT_PMRCAP_RDS		3, 3	/* Read Data Support */
#define NVT_PMRCAP_WDS		4, 4	/* Write Data Support */
#define NVT_PMRCAP_BIR		7, 5	/* Base Indicator Register */
#define NVT_PMRCAP_PMRTU	9, 8	/* PMR Time Units: 0 500 ms, 1 minutes */
#define NVT_PMRCAP_PMRWBM	13, 10	/* PMR Write Barrier Mechanisms */
#define NVT_PMRCAP_PMRTO	23, 16	/* PMR Timeout, in PMRTU units */
#define NVT_PMRCAP_CMSS		24, 24	/* Controller Memory Space Supported */

/* 3.1.19 PMRCTL - Persistent Memory Region Control */
#define NVT_PMRCTL_EN	0, 0	/* Enable */

/* 3.1.20 PMRSTS - Persistent Memory Region Status */
#define NVT_PMRSTS_ERR	7, 0	/* Error */
#define NVT_PMRSTS_NRDY	8, 8	/* Not Ready */
#define NVT_PMRSTS_HSTS	11, 9	/* Health Status */
#define NVT_PMRSTS_CBAI	12, 12	/* Controller Base Address Invalid */

/* 3.1.21 PMREBS - Persistent Memory Region Elasticity Buffer Size */
#define NVT_PMREBS_PMRSZU	3, 0	/* Size Units: 0 bytes, 1 KiB, 2 MiB, 3 GiB */
#define NVT_PMREBS_RBB		4, 4	/* Read Bypass Behavior */
#define NVT_PMREBS_PMRWBZ	31, 8	/* Elasticity Buffer Size, in PMRSZU */

/* 3.1.22 PMRSWTP - Persistent Memory Region Sustained Write Throughput */
#define NVT_PMRSWTP_PMRSWTU	3, 0	/* Units: 0 B/s, 1 KiB/s, 2 MiB/s, 3 GiB/s */
#define NVT_PMRSWTP_PMRSWTV	31, 8	/* Throughput, in PMRSWTU units */

/* 3.1.23 PMRMSC - Persistent Memory Region Memory Space Control, as dwords */
#define NVT_PMRMSCL_CMSE	1, 1	/* Controller Memory Space Enable */
#define NVT_PMRMSCL_CBA		31, 12	/* Controller Base Address, bits 31:12 */
#define NVT_PMRMSCU_CBA		31, 0	/* Controller Base Address, bits 63:32 */

#endif /* NVMETEST_SPEC_H */
