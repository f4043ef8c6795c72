#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest-side tests of the cross-CPU layer: the xcpu, ipistorm, migrate and
# waitq workloads, the debugfs "ipiq" file, and unload while storm and
# migration threads are live. Needs at least two CPUs (written for
# --smp 4); sized for qemu TCG. Usage (inside scripts/vm-run):
#   tests/vm/xcpu-suite.sh MODDIR [SCALE]
# SCALE divides the iteration counts (default 1; the debug kernel is slower).
. "$(dirname "$0")/lib.sh"
MODDIR=$1
SCALE=${2:-1}
pairs=$((ncpu * (ncpu - 1)))

ipiq_sent() { awk 'NR > 1 { s += $8 } END { print s + 0 }' $LWKT_DEBUGFS/ipiq; }

need_cpus 2 xcpu

check load lwkt_load

ipiq_format() {
	local f=$LWKT_DEBUGFS/ipiq
	[ "$(head -n 1 $f)" = "src dst windex rindex xindex depth hiwat sent received" ] || { head -n 1 $f; return 1; }
	[ "$(tail -n +2 $f | wc -l)" -eq "$pairs" ] || { cat $f; return 1; }
	tail -n +2 $f | awk -v n="$ncpu" '
		NF != 9 || $1 == $2 || $1 >= n || $2 >= n { print "bad line: " $0; bad = 1 }
		{ for (i = 1; i <= 9; i++) if ($i !~ /^[0-9]+$/) { print "bad field: " $0; bad = 1 } }
		{ if (seen[$1 " " $2]++) { print "dup: " $0; bad = 1 } }
		END { exit bad }'
}
check ipiq-format ipiq_format

# xcpu: both directions of a pair, and another pair.
xi=$(n 10000)
check xcpu-0-1 ctl_expect "xcpu src=0 dst=1 iters=$xi" roundtrips $xi
echo "info xcpu 0->1 ns_per_roundtrip $(ctl_get ns_per_roundtrip) baseline $(ctl_get baseline_ns_per_roundtrip) ratio $(ctl_get ratio)"
check xcpu-$((ncpu - 1))-0 ctl_expect "xcpu src=$((ncpu - 1)) dst=0 iters=$(n 2000)" roundtrips $(n 2000)
check xcpu-errors python3 "$here/ctl_errors.py" \
	EINVAL "xcpu src=1 dst=1" ERANGE "xcpu dst=$ncpu" \
	ERANGE "xcpu iters=0" ERANGE "migrate hops=0" \
	ERANGE "ipistorm detach=2" EINVAL "waitq waiters=x"

# ipistorm: every pair, in order, nothing lost; the ipiq file counts it.
storm() {
	local k=$1 before after
	before=$(ipiq_sent)
	ctl_expect "ipistorm iters=$k" sent $((pairs * k)) received $((pairs * k)) \
		lost 0 reordered 0 || return 1
	after=$(ipiq_sent)
	[ $((after - before)) -ge $((pairs * k)) ] || { echo "ipiq sent +$((after - before))"; return 1; }
	# Every pair got its k messages and nothing is left queued.
	tail -n +2 $LWKT_DEBUGFS/ipiq | awk -v k="$k" '
		$6 != 0 || $3 != $4 || $4 != $5 { print "not drained: " $0; bad = 1 }
		$8 < k || $9 < k { print "short: " $0; bad = 1 }
		END { exit bad }'
}
si=$(n 5000)
check ipistorm-$si storm $si
echo "info ipistorm fifofull $(ctl_get fifofull) kicks $(ctl_get kicks) kicks_avoided $(ctl_get kicks_avoided)"
check ipistorm-1 storm 1

migrations() {
	local before after
	before=$(stat_all migrations)
	ctl_expect "migrate threads=8 hops=$1" hops_ok $((8 * $1)) hops_bad 0 || return 1
	after=$(stat_all migrations)
	[ $((after - before)) -ge $((8 * $1)) ] || { echo "migrations +$((after - before))"; return 1; }
}
check migrate-8x$(n 500) migrations $(n 500)

wr=$(n 100)
check waitq-4x$wr ctl_expect "waitq waiters=4 rounds=$wr" \
	wakeups $((4 * ncpu * wr)) lost_wakeups 0
check waitq-1x1 ctl_expect "waitq waiters=1 rounds=1" wakeups "$ncpu" lost_wakeups 0

check threads-gauge-zero test "$(stat_all threads)" = 0
check unload lwkt_unload

# Unload while storm and migration threads are live. A ctl write holds a
# module reference until the workload returns (rmmod says "in use"), so the
# threads are started detached (detach=1) and outlive the ctl call. The
# migration starts first and with fewer threads than CPUs: starting a
# workload needs each CPU's idle loop now and then (threads are created
# there), and the storm never lets it run again.
unload_live_check() {
	local s0 mt=$((ncpu / 2)) sent0 mig0 t
	s0=$(splats)
	lwkt_load || return 1
	ctl_expect "migrate threads=$mt hops=10000000 detach=1" detached $mt || return 1
	ctl_expect "ipistorm iters=100000000 detach=1" detached "$ncpu" || return 1
	sent0=$(ipiq_sent)
	mig0=$(stat_all migrations)
	sleep 2
	# A thread in flight between CPUs is on neither CPU's list.
	t=$(stat_all threads)
	[ "$t" -ge "$ncpu" ] && [ "$t" -le $((ncpu + mt)) ] || { echo "threads $t"; return 1; }
	[ "$(ipiq_sent)" -gt "$sent0" ] || { echo "storm not running"; return 1; }
	[ "$(stat_all migrations)" -gt "$mig0" ] || { echo "migration not running"; return 1; }
	lwkt_unload || return 1
	lsmod | grep -q '^lwkt ' && { echo "still loaded"; return 1; }
	lwkt_gone || return 1
	dmesg | grep -q "teardown: killing" || { echo "no thread killed"; return 1; }
	[ "$(splats)" = "$s0" ] || { dmesg | tail -n 40; return 1; }
}
# Whatever failed, do not leave a storm running (the VM could not shut down).
unload_live() {
	unload_live_check && return 0
	rmmod lwkt 2>/dev/null
	return 1
}
check unload-with-live-storm-and-migration unload_live

# A run in progress pins the module: rmmod fails, the run completes.
unload_busy() {
	local bg i=0
	lwkt_load || return 1
	echo "migrate threads=4 hops=$(n 50000)" > $LWKT_DEBUGFS/ctl &
	bg=$!
	# Its threads are hopping (the threads gauge misses those in flight
	# between CPUs, which is most of them: watch the migrations instead).
	while [ "$(stat_all migrations)" = 0 ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(stat_all migrations)" != 0 ] || { echo "the run did not start"; wait $bg; lwkt_unload; return 1; }
	rmmod lwkt 2>/dev/null && { echo "rmmod succeeded during a run"; return 1; }
	wait $bg || return 1
	grep -qx 'status ok' $LWKT_DEBUGFS/ctl || { cat $LWKT_DEBUGFS/ctl; return 1; }
	lwkt_unload
}
check unload-refused-during-run unload_busy

finish
