/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The workloads of the token and message-port API: msgport (cross-CPU RPC
 * with lwkt_domsg/lwkt_sendmsg against a completion-based Linux RPC),
 * tokbench (an uncontended token against a Linux spinlock) and service (a
 * sharded key-value service built the LWKT way).
 */
#ifndef LWKT_LINUX_MSGWL_H
#define LWKT_LINUX_MSGWL_H

#include "ctl/ctl.h"

extern const struct lwkt_ctl_workload lwkt_wl_msgport;
extern const struct lwkt_ctl_workload lwkt_wl_tokbench;
extern const struct lwkt_ctl_workload lwkt_wl_service;

#endif /* LWKT_LINUX_MSGWL_H */
