/* SPDX-License-Identifier: ISC */
/* The zero-copy send flags (zc_report.c), shared by send_zc and sendmsg_zc. */
#ifndef CURING_LIB_ZC_REPORT_H
#define CURING_LIB_ZC_REPORT_H

#include "ring.h"

/* Whether the kernel takes IORING_SEND_ZC_REPORT_USAGE (6.2): 1 or 0. */
int uring__zc_report_supported(void);
/* 0, or -EINVAL (bits other than URING_SEND_ZC_REPORT_USAGE),
 * -EOPNOTSUPP (the report before 6.2). */
int uring__zc_flags_check(unsigned zc_flags);

#endif
