#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest-side lock torture: the "torture" workload (src/workloads/torture.c)
# for every lock type (token, pool, mplock, and a Linux spinlock as the
# control), each with errors 0 and every op done; then the kernel log must
# hold no lockdep, KASAN, WARNING/BUG or hung-task report. Meant for the
# test kernel (KASAN + lockdep):
#   make -s test-module
#   scripts/vm-run --kernel test -- 'tests/vm/torture-suite.sh build/test 1'
# Usage (inside scripts/vm-run): tests/vm/torture-suite.sh MODDIR [SCALE]
# SCALE divides the iteration counts (default 1). Needs 2 CPUs or more.
. "$(dirname "$0")/lib.sh"
MODDIR=$1
SCALE=${2:-1}

# The reports the kernel log must not have (lockdep, KASAN, splats, hung
# tasks), counted: the splats, and any line naming KASAN.
splat_extra=KASAN
refusals() { dmesg | grep -c 'refusing to switch away'; }

need_cpus 2 torture

reports0=$(splats)
check load lwkt_load

# torture TYPE THREADS ITERS: every writer does all its ops, no error; the
# locktorture-style lines reach the kernel log; nothing refused a switch
# (a spinlock holder must never try one).
torture() {
	local type=$1 t=$2 k=$3 ops r0 stats
	ops=$((ncpu * t * k))
	r0=$(refusals)
	ctl_run "torture type=$type threads=$t iters=$k stats=$(n 10000)" || return 1
	[ "$(ctl_get type)" = "$type" ] || { cat $LWKT_DEBUGFS/ctl; return 1; }
	[ "$(ctl_get ops)" = "$ops" ] || { echo "ops $(ctl_get ops), want $ops"; cat $LWKT_DEBUGFS/ctl; return 1; }
	[ "$(ctl_get errors)" = 0 ] || { echo "errors $(ctl_get errors)"; cat $LWKT_DEBUGFS/ctl; return 1; }
	[ "$(ctl_get threads)" = $((ncpu * t)) ] || { cat $LWKT_DEBUGFS/ctl; return 1; }
	stats=$(dmesg | grep -c "lwkt-torture $type: Writes: Total: ")
	[ "$stats" -ge 1 ] || { echo "no stats line"; return 1; }
	dmesg | grep "lwkt-torture $type: Writes: Total: $ops " | grep -q "Fail: 0 End of test: SUCCESS" ||
		{ dmesg | grep "lwkt-torture $type" | tail -n 3; return 1; }
	[ "$(refusals)" = "$r0" ] || { dmesg | grep 'refusing to switch' | tail -n 3; return 1; }
}

# Print the result of the last run as one info line, and its last stats
# lines from the kernel log (the console may not show pr_info()).
info() {
	echo "info torture $1: $(tr '\n' ' ' < $LWKT_DEBUGFS/ctl)"
	dmesg | grep "lwkt-torture $2: Writes:" | tail -n 2 | sed 's/^/info   /'
}

ti=$(n 5000)
for type in token pool mplock spinlock; do
	check torture-$type-2x$ti torture $type 2 "$ti"
	info "$type 2x$ti" "$type"
done
# More writers per CPU: tokens and the MP lock change hands between the
# threads of one CPU too (they yield inside their holds).
for type in token mplock; do
	check torture-$type-6x$(n 1000) torture $type 6 "$(n 1000)"
	info "$type 6x$(n 1000)" "$type"
done
check torture-token-1x1 torture token 1 1

check torture-errors python3 "$here/ctl_errors.py" \
	EINVAL "torture type=rwlock" EINVAL "torture type=" \
	ERANGE "torture threads=0" ERANGE "torture threads=17" \
	ERANGE "torture iters=0"

check unload lwkt_unload

# Nothing the runs above could have provoked in the log.
no_reports() {
	local r
	r=$(splats)
	[ "$r" = "$reports0" ] && return 0
	dmesg | grep -E -A 8 "$(splat_ere)" | head -n 40
	return 1
}
check no-lockdep-kasan-hung-reports no_reports

finish
