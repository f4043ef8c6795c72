/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The error numbers LWKT returns (negated, kernel style), under names the
 * freestanding core can use: it cannot include <linux/errno.h> or
 * <errno.h>. Each is Linux's value on every architecture the module builds
 * for (the glue checks that at compile time, src/linux/ctl.c), so a client
 * module compares against -EINVAL, -ENOMEM... as usual.
 */
#ifndef LWKT_ERRNO_H
#define LWKT_ERRNO_H

#define LWKT_EINTR	4
#define LWKT_ENOMEM	12
#define LWKT_EBUSY	16
#define LWKT_EINVAL	22
#define LWKT_ERANGE	34
#define LWKT_ECONNABORTED 103	/* a message aborted while still queued */
#define LWKT_ENOBUFS	105

#endif /* LWKT_ERRNO_H */
