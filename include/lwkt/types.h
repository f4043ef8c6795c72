/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fixed-width types for headers shared by the kernel glue (C), the
 * freestanding C++ core and the userland build. The core never includes a
 * Linux or libc header, so it gets the same names from here; the
 * definitions match <linux/types.h> exactly, so both may meet in one
 * translation unit.
 */
#ifndef LWKT_TYPES_H
#define LWKT_TYPES_H

#if defined(__KERNEL__) && !defined(__cplusplus)
#include <linux/types.h>
#else
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long long s64;
#ifndef __cplusplus
#include <stdbool.h>
#include <stddef.h>
#endif
#endif

/* The kernel's spelling, which scripts/kernel-doc knows to skip. */
#ifndef __printf
#define __printf(a, b) __attribute__((format(printf, a, b)))
#endif

#ifdef __cplusplus
#define LWKT_EXTERN_C_BEGIN extern "C" {
#define LWKT_EXTERN_C_END }
#else
#define LWKT_EXTERN_C_BEGIN
#define LWKT_EXTERN_C_END
#endif

#endif /* LWKT_TYPES_H */
