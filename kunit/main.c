// SPDX-License-Identifier: GPL-2.0
/*
 * lwkt_kunit: the KUnit suites of the lwkt module. Each kunit/<area>_test.c file
 * registers its own suites; they run when this module is loaded, after
 * lwkt.ko.
 */
#include <linux/module.h>

MODULE_DESCRIPTION("KUnit tests for lwkt");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(LWKT_INTERNAL);
