#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the KUnit tier: load lwkt.ko, then lwkt_kunit.ko (its suites
# run at load), unload both, and print the kernel log between markers for
# scripts/kunit-verdict to parse.
MODDIR=${1:-build/test}
rc=0
insmod "$MODDIR/lwkt.ko" || rc=1
# Only our suites' KTAP: the kernel prints an empty report of its own at boot.
dmesg -C
insmod "$MODDIR/lwkt_kunit.ko" || rc=1
rmmod lwkt_kunit || rc=1
rmmod lwkt || rc=1
# kmemleak (test kernel): scan twice, report anything the module leaked.
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan > /sys/kernel/debug/kmemleak
	echo scan > /sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak
fi
echo "@@KTAP-BEGIN@@"
dmesg
echo "@@KTAP-END@@"
exit $rc
