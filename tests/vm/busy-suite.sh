#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest-side tests: calls from Linux reach a CPU whose LWKT threads never
# let its idle loop run (parked forever-yielding threads), at its next
# switch or IPI: thread creation, a host call (ping), the threads view, a
# cross-CPU workload touching it, and unload. Every step is bounded: a
# writer that does not come back in time is a failure, not a hang. Also
# prints the ping latency, idle and busy. Usage (inside scripts/vm-run):
#   tests/vm/busy-suite.sh MODDIR
. "$(dirname "$0")/lib.sh"
MODDIR=$1
D=$LWKT_DEBUGFS
need_cpus 2 busy

# within SECS COMMAND...: COMMAND must finish within SECS seconds (a writer
# stuck in the kernel would ignore timeout's signal, so poll for it).
within() {
	local secs=$1 pid i=0
	shift
	"$@" &
	pid=$!
	while kill -0 $pid 2>/dev/null; do
		[ $i -ge $((secs * 10)) ] && { echo "still running after ${secs}s"; return 1; }
		sleep 0.1
		i=$((i + 1))
	done
	wait $pid
}

ping_ok() {
	ctl_run "ping cpu=$1 iters=$2" || return 1
	[ "$(ctl_get ran_on)" = "$1" ] && [ "$(ctl_get wrong_cpu)" = 0 ] || { cat $D/ctl; return 1; }
}

check load lwkt_load
check ping-idle within 30 ping_ok 1 200
echo "info ping idle cpu 1: mean $(ctl_get ns_per_ping) p50 $(ctl_get p50_ns) p90 $(ctl_get p90_ns) p99 $(ctl_get p99_ns) max $(ctl_get max_ns) ns"

# CPU 1 busy for good: a third of the parked threads yield forever.
check park-busy within 30 ctl_run "park cpu=1 threads=3"
host_calls() { stat_of "cpu$1" host_calls; }
hc0=$(host_calls 1)
check ping-busy within 15 ping_ok 1 200
counted() { [ $(($(host_calls 1) - hc0)) -ge 200 ] || { grep host_calls $D/stats; return 1; }; }
check host-calls-counted counted
echo "info ping busy cpu 1: mean $(ctl_get ns_per_ping) p50 $(ctl_get p50_ns) p90 $(ctl_get p90_ns) p99 $(ctl_get p99_ns) max $(ctl_get max_ns) ns"
check create-on-busy within 30 ctl_run "park cpu=1 threads=30"
threads_busy() {
	[ "$(grep -c ' park/[0-9]*$' $D/threads)" = 33 ] || { cat $D/threads; return 1; }
}
check threads-view-busy within 15 threads_busy
check xcpu-to-busy within 60 ctl_run "xcpu src=0 dst=1 iters=200"
check xcpu-from-busy within 60 ctl_run "xcpu src=1 dst=$((ncpu - 1)) iters=200"
check ping-busy-again within 15 ping_ok 1 10
check unload-busy within 30 lwkt_unload
hosts_gone() { [ -z "$(lwkt_host_pids)" ]; }
check hosts-gone hosts_gone
check reload within 30 lwkt_load
check ping-after-reload within 15 ping_ok 1 10
check unload within 30 lwkt_unload

# A request for more threads than memory allows is refused (-ENOMEM inside,
# one warning), not an OOM: here the stacks are capped at 2 MiB.
capped() {
	local parked i
	lwkt_load max_stack_mb=2 || return 1
	# Freed stacks are given back to the cap (under KASAN too, where a
	# cached thread drops its stack): ten spawns of 40 fit one by one.
	for i in 1 2 3 4 5 6 7 8 9 10; do
		ctl_run "spawn cpu=1 threads=40 yields=1" || { echo "spawn $i"; return 1; }
	done
	echo "park cpu=1 threads=1000" > $D/ctl
	parked=$(ctl_get parked)
	grep -qx 'status fail' $D/ctl || { cat $D/ctl; return 1; }
	[ "$parked" -gt 0 ] && [ "$parked" -lt 1000 ] || { echo "parked $parked"; return 1; }
	dmesg | grep -q 'LWKT stacks would pass 2 MiB' || { echo "no warning"; return 1; }
	ping_ok 1 10 || return 1
	lwkt_unload
}
check stack-cap within 120 capped
finish
