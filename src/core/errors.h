/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Error numbers the core returns (negated, kernel style). The core cannot
 * include <linux/errno.h> or <errno.h>; these values are Linux's on every
 * architecture we build for, and the glue checks that at compile time.
 */
#ifndef LWKT_CORE_ERRORS_H
#define LWKT_CORE_ERRORS_H

#define LWKT_EINTR	4
#define LWKT_EBUSY	16
#define LWKT_EINVAL	22
#define LWKT_ERANGE	34
#define LWKT_ENOBUFS	105

#endif /* LWKT_CORE_ERRORS_H */
