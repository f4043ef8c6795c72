/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The intrusive doubly linked list node shared by C and C++ (run queues,
 * the all-threads list, the free-thread cache, wait queues). Circular
 * with a head node, like the kernel's list_head, so insert and remove need
 * no branches; a node pointing at itself is "on no list". The C++ core
 * wraps it in type-safe helpers (src/core/list.h).
 */
#ifndef LWKT_LIST_H
#define LWKT_LIST_H

struct lwkt_list {
	struct lwkt_list *next;
	struct lwkt_list *prev;
};

#endif /* LWKT_LIST_H */
