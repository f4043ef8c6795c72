#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest-side tests of the module: hosts, debugfs contract, ctl errors, ping,
# load/unload cycles. Usage (inside scripts/vm-run):
#   tests/vm/module-suite.sh MODDIR [CYCLES]
# MODDIR holds lwkt.ko (build/stock or build/test); CYCLES load/unload rounds
# (default 20).
. "$(dirname "$0")/lib.sh"
MODDIR=$1
CYCLES=${2:-20}

check load lwkt_load

hosts_ok() {
	local cpu pid n=0
	for pid in $(lwkt_host_pids); do
		cpu=$(cut -d/ -f2 "/proc/$pid/comm")
		grep -q "^Cpus_allowed_list:[[:space:]]*$cpu\$" "/proc/$pid/status" ||
			{ echo "lwkt/$cpu not bound to $cpu"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -eq "$ncpu" ] || { echo "$n hosts for $ncpu cpus"; return 1; }
}
check hosts-one-per-cpu-bound hosts_ok

hosts_sleep() {
	local pid st
	sleep 1
	for pid in $(lwkt_host_pids); do
		st=$(awk '{ print $3 }' "/proc/$pid/stat")
		[ "$st" = S ] || { echo "host $pid state $st"; return 1; }
	done
}
check hosts-sleep-when-idle hosts_sleep

check debugfs-files test -r $LWKT_DEBUGFS/stats -a -w $LWKT_DEBUGFS/ctl

stats_format() {
	local names="switch_count preempt_hit preempt_miss preempt_weird token_contention_count mplock_contention_count ipiq_count ipiq_fifofull threads"
	local s=$LWKT_DEBUGFS/stats cpu n
	awk 'NF != 3 || $3 !~ /^[0-9]+$/ { print "bad line: " $0; bad = 1 } END { exit bad }' $s || return 1
	for scope in $(seq -f 'cpu%g' 0 $((ncpu - 1))) all; do
		for n in $names; do
			grep -q "^$scope $n [0-9]*\$" $s || { echo "no $scope $n"; return 1; }
		done
	done
	# "all" comes last and is the sum of the CPUs.
	tail -n 1 $s | grep -q '^all ' || { echo "all is not last"; return 1; }
	awk '$1 != "all" { sum[$2] += $3 } $1 == "all" { if (sum[$2] != $3) { print "sum " $2; bad = 1 } } END { exit bad }' $s
}
check stats-format stats_format

ping_cpu() {
	ctl_run "ping cpu=$1" || return 1
	grep -qx 'workload ping' $LWKT_DEBUGFS/ctl || return 1
	[ "$(head -n 1 $LWKT_DEBUGFS/ctl)" = "workload ping" ] || return 1
	[ "$(sed -n 2p $LWKT_DEBUGFS/ctl)" = "status ok" ] || return 1
	[ "$(ctl_get ran_on)" = "$1" ] || { echo "ran_on $(ctl_get ran_on)"; return 1; }
}
for cpu in $(seq 0 $((ncpu - 1))); do
	check "ping-cpu$cpu" ping_cpu $cpu
done

check ping-iters ctl_run "ping cpu=$((ncpu - 1)) iters=1000"

help_lists() {
	ctl_run help || return 1
	grep -q '^ping cpu=' $LWKT_DEBUGFS/ctl && grep -q '^help ' $LWKT_DEBUGFS/ctl
}
check ctl-help help_lists

# Every bad input gets its errno, one log line, and changes nothing.
ctl_run "ping cpu=0" >/dev/null
python3 "$here/ctl_errors.py" \
	EINVAL "pong cpu=0" \
	EINVAL "" \
	EINVAL "ping cpu=0 colour=red" \
	EINVAL "ping cpu=zero" \
	EINVAL "ping cpu=0x1" \
	EINVAL "ping cpu" \
	EINVAL "ping cpu=0 cpu=1" \
	EINVAL "ping" \
	ERANGE "ping cpu=$ncpu" \
	ERANGE "ping cpu=4096" \
	ERANGE "ping cpu=0 iters=0" \
	ERANGE "ping cpu=0 iters=1000000001" \
	OK "ping cpu=0" || nfail=$((nfail + 1))

busy() {
	echo "ping cpu=0 iters=1000000000" > $LWKT_DEBUGFS/ctl 2>/dev/null &
	local bg=$! rc=0
	sleep 1
	python3 "$here/ctl_errors.py" EBUSY "ping cpu=1" | grep -q ^PASS || rc=1
	kill $bg
	wait $bg 2>/dev/null
	return $rc
}
check ctl-ebusy busy

python3 "$here/ctl_interrupt.py" || nfail=$((nfail + 1))

# knobs/: read 0/1, accept exactly 0 or 1, reject anything else.
knob_ok() {
	local k=$LWKT_DEBUGFS/knobs/$1 v
	[ "$(cat $k)" = 0 ] || { echo "$1 starts at $(cat $k)"; return 1; }
	for v in '1\n' '0\n' '1' '0'; do
		[ "$(python3 "$here/write_errno.py" $k "$v")" = OK ] || { echo "$1 refused $v"; return 1; }
		[ "$(cat $k)" = "${v%\\n}" ] || { echo "$1 reads $(cat $k) after $v"; return 1; }
	done
	for v in 2 x 10 ' 1' '1\n\n' '-1' '01'; do
		[ "$(python3 "$here/write_errno.py" $k "$v")" = EINVAL ] || { echo "$1 took '$v'"; return 1; }
	done
	[ "$(cat $k)" = 0 ]
}
check knob-untimely_switch knob_ok untimely_switch
check knob-panic_on_cscount knob_ok panic_on_cscount
check ctl-free-after-interrupt ctl_run "ping cpu=0"

check unload lwkt_unload

check unload-leaves-nothing lwkt_gone

cycles() {
	local i
	for i in $(seq "$CYCLES"); do
		lwkt_load || return 1
		[ "$(lwkt_host_pids | wc -l)" -eq "$ncpu" ] || { echo "round $i: hosts"; return 1; }
		ctl_run "ping cpu=$((i % ncpu))" || return 1
		lwkt_unload || return 1
		lwkt_gone || return 1
	done
}
check "load-unload-x$CYCLES" cycles

finish
