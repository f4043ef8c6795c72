#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest suites of the vm-stock and vm-test tiers, one after another in
# one boot (inside scripts/vm-run):
#   tests/vm/suites.sh MODDIR CYCLES SPAWN SCALE
# module-suite.sh MODDIR CYCLES, lwkt-suite.sh MODDIR SPAWN, xcpu-suite.sh,
# locks-suite.sh MODDIR SCALE, busy-suite.sh MODDIR, msgport-suite.sh
# MODDIR SCALE. Every suite runs whatever the others did; the exit status
# is non-zero if any failed: msgport-suite.sh's own status if it failed,
# else 1 if one of the four in between failed, else module-suite.sh's.
[ $# -eq 4 ] || { echo "usage: $0 MODDIR CYCLES SPAWN SCALE" >&2; exit 2; }
moddir=$1 cycles=$2 spawn=$3 scale=$4
dir=$(dirname "$0")

"$dir/module-suite.sh" "$moddir" "$cycles"
r=$?
"$dir/lwkt-suite.sh" "$moddir" "$spawn" || r=1
"$dir/xcpu-suite.sh" "$moddir" "$scale" || r=1
"$dir/locks-suite.sh" "$moddir" "$scale" || r=1
"$dir/busy-suite.sh" "$moddir" || r=1
"$dir/msgport-suite.sh" "$moddir" "$scale" || exit
exit $r
