/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Assertions and logging for the core, on top of the platform seam.
 * Assertions stay on in every build: they guard scheduler invariants whose
 * violation corrupts a CPU silently, and each costs one predictable branch.
 */
#ifndef LWKT_CORE_DEBUG_H
#define LWKT_CORE_DEBUG_H

#include "platform.h"

#define LWKT_STR2(x) #x
#define LWKT_STR(x) LWKT_STR2(x)

#define LWKT_ASSERT(cond)						\
	do {								\
		if (__builtin_expect(!(cond), 0))			\
			lwkt_plat_panic("assertion \"%s\" failed at %s", \
					#cond,				\
					__FILE__ ":" LWKT_STR(__LINE__)); \
	} while (0)

#endif /* LWKT_CORE_DEBUG_H */
