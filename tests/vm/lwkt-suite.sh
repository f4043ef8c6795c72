#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest-side tests of the LWKT core on every CPU: the pingpong, spawn, prio
# and preempt workloads, a Linux sleep inside an LWKT thread, and unload
# with live threads. Usage (inside scripts/vm-run):
#   tests/vm/lwkt-suite.sh MODDIR [SPAWN_THREADS]
. "$(dirname "$0")/lib.sh"
MODDIR=$1
SPAWN=${2:-10000}
cpus=$(seq 0 $((ncpu - 1)))

check load lwkt_load

for cpu in $cpus; do
	check "pingpong-cpu$cpu" ctl_expect "pingpong cpu=$cpu iters=20000" switches 40002
	ratio=$(ctl_get ratio)
	echo "info pingpong cpu$cpu ns_per_switch $(ctl_get ns_per_switch) baseline $(ctl_get baseline_ns_per_switch) ratio $ratio"
done

switches_counted() {
	local before after
	before=$(stat_all switch_count)
	ctl_run "pingpong cpu=0 iters=1000" || return 1
	after=$(stat_all switch_count)
	[ $((after - before)) -ge 2000 ] || { echo "switch_count +$((after - before))"; return 1; }
}
check stats-switch-count switches_counted

for cpu in $cpus; do
	check "spawn-$SPAWN-cpu$cpu" ctl_expect "spawn cpu=$cpu threads=$SPAWN yields=2" live_after 0
	echo "info spawn cpu$cpu ns_per_create $(ctl_get ns_per_create)"
done
check threads-gauge-zero test "$(stat_all threads)" = 0

for cpu in $cpus; do
	check "prio-cpu$cpu" ctl_expect "prio cpu=$cpu" order_ok 1
	check "preempt-cpu$cpu" ctl_expect "preempt cpu=$cpu iters=500" preempt_hit 500
done

check linux-sleep-in-lwkt-thread ctl_expect "sleep cpu=1 ms=50" survived stackcheck/sleep

check unload lwkt_unload

# Unload right after a spawn, and with parked (blocked, runnable,
# forever-yielding) threads: nothing may be left behind.
after_spawn() {
	lwkt_load || return 1
	ctl_run "spawn cpu=1 threads=500 yields=1" || return 1
	lwkt_unload || return 1
	lwkt_gone
}
check unload-after-spawn after_spawn

with_parked() {
	local killed
	lwkt_load || return 1
	for cpu in $cpus; do
		ctl_run "park cpu=$cpu threads=30" || return 1
	done
	[ "$(stat_all threads)" = $((30 * ncpu)) ] || { echo "threads $(stat_all threads)"; return 1; }
	lwkt_unload || return 1
	lwkt_gone || return 1
	killed=$(dmesg | grep -c 'teardown: killing')
	[ "$killed" -eq $((30 * ncpu)) ] || { echo "killed $killed"; return 1; }
}
check unload-with-live-threads with_parked

finish
