/* SPDX-License-Identifier: MIT */
/*
 * libnvmetest: drive NVMe controllers bound to nvmetest.ko.
 *
 * Conventions of every function:
 *  - return 0 on success, a negative errno on failure, or a positive NVMe
 *    status (SCT << 8 | SC) for a command the device failed;
 *  - constructors return int and hand the object through an out-parameter;
 *    destructors accept NULL;
 *  - nothing is printed: failures are described through the nvt_set_log()
 *    callback.
 */
#ifndef NVMETEST_NVMETEST_H
#define NVMETEST_NVMETEST_H

#include <nvmetest/uapi.h>
#include <nvmetest/spec.h>
#include <nvmetest/log.h>
#include <nvmetest/pcie.h>
#include <nvmetest/ctrl.h>
#include <nvmetest/reset.h>
#include <nvmetest/subsystem.h>
#include <nvmetest/regs.h>
#include <nvmetest/list.h>
#include <nvmetest/buf.h>
#include <nvmetest/admin.h>
#include <nvmetest/cmdlog.h>
#include <nvmetest/events.h>
#include <nvmetest/status.h>
#include <nvmetest/cmdname.h>
#include <nvmetest/pattern.h>
#include <nvmetest/verify.h>
#include <nvmetest/qpair.h>
#include <nvmetest/ns.h>
#include <nvmetest/io.h>
#include <nvmetest/ioworker.h>
#include <nvmetest/vmchannel.h>

#endif /* NVMETEST_NVMETEST_H */
