#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest-side tests of the observability interfaces: the lwkt tracepoints,
# the bpftrace tools of scripts/bpftrace/ (each runs while a workload runs
# and prints what its header promises; the token and message-port ones
# need the tokens and msgport workloads), lwkt_switch events against the
# switch_count counter, and the debugfs "threads" view against a spawn in
# progress. Usage (inside scripts/vm-run, stock kernel: bpftrace needs it):
#   tests/vm/trace-suite.sh MODDIR
. "$(dirname "$0")/lib.sh"
MODDIR=$1
BT=scripts/bpftrace
D=$LWKT_DEBUGFS
EV=/sys/kernel/tracing/events/lwkt
out=/tmp/trace-suite.out

# A histogram bucket line; under TCG waits reach [4K, 8K) and beyond.
HIST='\[[0-9]*[KMG]\{0,1\}, [0-9]*[KMG]\{0,1\}) *[0-9]* |@'

# work NAME BODY: a workload script for bpftrace -c, which splits its
# argument on spaces without quoting: "/bin/sh /tmp/NAME.sh" (the guest's
# /tmp does not allow exec).
work() {
	printf 'D=%s\n%s\n' "$D" "$2" > "/tmp/$1.sh"
}

check load lwkt_load

events_exist() {
	local e
	for e in lwkt_switch lwkt_schedule lwkt_deschedule lwkt_preempt \
		 lwkt_thread_create lwkt_thread_exit lwkt_ipiq_send lwkt_ipiq_run \
		 lwkt_migrate lwkt_block lwkt_signal lwkt_token_contended \
		 lwkt_msg_send lwkt_msg_reply; do
		[ -r $EV/$e/format ] || { echo "no event $e"; return 1; }
	done
}
check tracepoints-registered events_exist

# Every event fires and prints, through tracefs (no bpftrace involved).
events_print() {
	local t=/sys/kernel/tracing
	echo > $t/trace
	echo 1 > $EV/enable
	ctl_run "preempt cpu=2 iters=3" && ctl_run "spawn cpu=2 threads=2"
	local rc=$?
	echo 0 > $EV/enable
	[ $rc -eq 0 ] || return 1
	cat $t/trace > $out
	for p in 'lwkt_switch: cpu=2 prev=' 'lwkt_schedule: tid=[0-9]* pri=[0-9]* cpu=2->2 local' \
		 'lwkt_deschedule: tid=' 'lwkt_preempt: cpu=2 .*: hit' \
		 'lwkt_thread_create: tid=[0-9]* cpu=2 pri=12 comm=spawn/1' \
		 'lwkt_thread_exit: tid=[0-9]* cpu=2 switches=[0-9]* comm=spawn/1'; do
		grep -q "$p" $out || { echo "no line like '$p'"; grep lwkt_ $out | head -n 5; return 1; }
	done
}
check tracepoints-print events_print

# bpftrace's lwkt_switch count on CPU 1 equals CPU 1's switch_count delta
# over the same window (the -c command runs only while the probe is
# attached). Preemptions also switch; pingpong has none, and they are
# counted to say so.
switch_count_matches() {
	work window 'a=$(awk '"'"'$1 == "cpu1" && $2 == "switch_count" { print $3 }'"'"' $D/stats)
echo "pingpong cpu=1 iters=2000" > $D/ctl
b=$(awk '"'"'$1 == "cpu1" && $2 == "switch_count" { print $3 }'"'"' $D/stats)
echo "delta $((b - a))"'
	bpftrace -e 'tracepoint:lwkt:lwkt_switch /args->cpu == 1/ { @n = count(); }
		tracepoint:lwkt:lwkt_preempt /args->cpu == 1 && args->result == 0/ { @hits = count(); }' \
		-c "/bin/sh /tmp/window.sh" > $out 2>&1 || { cat $out; return 1; }
	local delta n hits
	delta=$(awk '$1 == "delta" { print $2 }' $out)
	n=$(awk '$1 == "@n:" { print $2 }' $out)
	hits=$(awk '$1 == "@hits:" { print $2 }' $out)
	echo "info switch events $n, switch_count delta $delta, preempt hits ${hits:-0}"
	[ -n "$delta" ] && [ "$delta" -ge 4000 ] || { cat $out; return 1; }
	[ "$n" = "$((delta + ${hits:-0}))" ] || { cat $out; return 1; }
}
check switch-events-match-switch_count switch_count_matches

# lwkt-runqlat.bt: a histogram per priority.
runqlat() {
	work rq 'echo "pingpong cpu=1 iters=2000" > $D/ctl && echo "prio cpu=2" > $D/ctl'
	bpftrace $BT/lwkt-runqlat.bt -c "/bin/sh /tmp/rq.sh" > $out 2>&1 || { cat $out; return 1; }
	grep -q '^@usecs\[12\]:' $out && grep -q '^\[[0-9]*, [0-9]*) *[0-9]* |@' $out ||
		{ cat $out; return 1; }
	# prio runs threads at several priorities: more than one histogram.
	[ "$(grep -c '^@usecs\[' $out)" -ge 2 ] || { cat $out; return 1; }
}
check bpftrace-lwkt-runqlat runqlat

# lwkt-switchrate.bt: per-CPU counts each second, for a ~3 s workload.
switchrate() {
	work sr 'end=$(($(date +%s) + 3))
while [ "$(date +%s)" -lt $end ]; do echo "pingpong cpu=2 iters=2000" > $D/ctl; done'
	bpftrace $BT/lwkt-switchrate.bt -c "/bin/sh /tmp/sr.sh" > $out 2>&1 || { cat $out; return 1; }
	[ "$(grep -c '^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$' $out)" -ge 2 ] || { cat $out; return 1; }
	grep -q '^@switches\[2\]: [1-9][0-9]*$' $out || { cat $out; return 1; }
	! grep -q '^@switches\[[013]\]' $out || { echo "other cpus switched"; cat $out; return 1; }
}
check bpftrace-lwkt-switchrate switchrate

# lwkt-top.bt: the pingpong threads lead by run time, by tid and name.
top() {
	work top 'echo "pingpong cpu=3 iters=5000" > $D/ctl'
	bpftrace $BT/lwkt-top.bt -c "/bin/sh /tmp/top.sh" > $out 2>&1 || { cat $out; return 1; }
	grep -q '^@run_ns\[[0-9]*, pingpong/0\]: [1-9][0-9]*$' $out &&
		grep -q '^@run_ns\[[0-9]*, pingpong/1\]: [1-9][0-9]*$' $out ||
		{ cat $out; return 1; }
}
check bpftrace-lwkt-top top

# lwkt-ipilat.bt: a latency histogram and a message count per CPU pair,
# for the remote schedules of an xcpu run between CPUs 1 and 2.
ipilat() {
	work il 'echo "xcpu src=1 dst=2 iters=500" > $D/ctl'
	bpftrace $BT/lwkt-ipilat.bt -c "/bin/sh /tmp/il.sh" > $out 2>&1 || { cat $out; return 1; }
	grep -q '^@usecs\[1, 2\]:' $out && grep -q '^@usecs\[2, 1\]:' $out &&
		grep -q '^\[[0-9]*, [0-9]*) *[0-9]* |@' $out || { cat $out; return 1; }
	# At least one message each way per round trip.
	awk '$1 == "@msgs[1," && $2 == "2]:" && $3 >= 500 { a = 1 }
	     $1 == "@msgs[2," && $2 == "1]:" && $3 >= 500 { b = 1 }
	     END { exit !(a && b) }' $out || { cat $out; return 1; }
}
check bpftrace-lwkt-ipilat ipilat

# The cross-CPU events print: a migration, a wait-queue block and signal.
xcpu_events() {
	local t=/sys/kernel/tracing
	for e in lwkt_ipiq_send lwkt_ipiq_run lwkt_migrate lwkt_block lwkt_signal; do
		echo 1 > $t/events/lwkt/$e/enable || return 1
	done
	echo > $t/trace
	echo "migrate threads=1 hops=5" > $D/ctl
	echo "waitq waiters=1 rounds=2" > $D/ctl
	for e in lwkt_ipiq_send lwkt_ipiq_run lwkt_migrate lwkt_block lwkt_signal; do
		echo 0 > $t/events/lwkt/$e/enable
	done
	cat $t/trace > $out
	grep -q 'lwkt_migrate: tid=[0-9]* comm=migrate/0 cpu [0-9]* -> [0-9]*' $out &&
		grep -q 'lwkt_ipiq_send: src=[0-9]* dst=[0-9]* seq=[0-9]* func=' $out &&
		grep -q 'lwkt_ipiq_run: src=[0-9]* dst=[0-9]* seq=[0-9]* func=' $out &&
		grep -q 'lwkt_block: tid=[0-9]* cpu=[0-9]* wait=.* wmesg=' $out &&
		grep -q 'lwkt_signal: wait=.* count=-\?[0-9]* woken=[0-9]*' $out ||
		{ grep -c lwkt_ $out; head -n 40 $out; return 1; }
}
check cross-cpu-events-print xcpu_events

# lwkt-tokens.bt: threads on every CPU taking two tokens contend for them;
# the tool counts the contention by token (address and name) and by
# waiting thread, the same events both ways, and times the waits. (Not
# against token_contention_count: the switcher counts there every pass
# that skips a waiter, too.)
tokens() {
	# Contention is likely, not certain: up to 3 runs, until the workload
	# reports collisions (t_collisions, one per event).
	work tk 'i=0
while [ $i -lt 3 ]; do
	echo "tokens threads=8 iters=200 ntokens=2" > $D/ctl; cat $D/ctl
	awk "\$1 == \"collisions\" && \$2 > 0 { f = 1 } END { exit !f }" $D/ctl && break
	i=$((i + 1))
done'
	bpftrace $BT/lwkt-tokens.bt -c "/bin/sh /tmp/tk.sh" > $out 2>&1 || { cat $out; return 1; }
	grep -qx 'status ok' $out && grep -q '^@by_token\[0x[0-9a-f]*, [^]]*\]: [1-9][0-9]*$' $out &&
		grep -q '^@by_thread\[[0-9]*, [^]]*\]: [1-9][0-9]*$' $out &&
		grep -q '^@wait_usecs\[' $out && grep -q "^$HIST" $out ||
		{ cat $out; return 1; }
	# One line per token: ntokens=2 names at most two; equal totals.
	[ "$(grep -c '^@by_token\[' $out)" -le 2 ] || { echo "tokens repeated"; cat $out; return 1; }
	# The same events both ways, and as many as the runs' collisions.
	awk '$1 ~ /^@by_token\[/ { a += $NF } $1 ~ /^@by_thread\[/ { b += $NF }
	     $1 == "collisions" { c += $2; seen = 1 }
	     END { print "info contention events", a, "collisions", c
		   exit !(a > 0 && a == b && (!seen || a == c)) }' $out ||
		{ cat $out; return 1; }
}
check bpftrace-lwkt-tokens tokens

# lwkt_msg_send and lwkt_msg_reply fire once per message each way during
# a msgport run (every message is replied); lwkt-msgs.bt counts them per
# CPU pair and times the service.
msgs() {
	work mp 'echo "msgport clients=2 iters=50" > $D/ctl; cat $D/ctl'
	bpftrace $BT/lwkt-msgs.bt -c "/bin/sh /tmp/mp.sh" > $out 2>&1 || { cat $out; return 1; }
	grep -qx 'status ok' $out && grep -q '^@service_usecs\[[0-9]*\]:' $out && grep -q "^$HIST" $out ||
		{ cat $out; return 1; }
	awk '$1 ~ /^@sends\[/ { s += $NF } $1 ~ /^@replies\[/ { r += $NF }
	     END { print "info sends", s, "replies", r; exit !(s >= 100 && s == r) }' $out ||
		{ cat $out; return 1; }
}
check bpftrace-lwkt-msgs msgs

# The token and message events print through tracefs, fields named.
tokmsg_events() {
	local t=/sys/kernel/tracing e
	for e in lwkt_token_contended lwkt_msg_send lwkt_msg_reply; do
		echo 1 > $t/events/lwkt/$e/enable || return 1
	done
	echo > $t/trace
	local rc=0 i=0
	ctl_run "msgport clients=1 iters=5" || rc=1
	# Until a contention shows (likely at once, not certain).
	while [ $rc -eq 0 ] && [ $i -lt 5 ] && ! grep -q lwkt_token_contended $t/trace; do
		ctl_run "tokens threads=8 iters=200 ntokens=1" || rc=1
		i=$((i + 1))
	done
	for e in lwkt_token_contended lwkt_msg_send lwkt_msg_reply; do
		echo 0 > $t/events/lwkt/$e/enable
	done
	[ $rc -eq 0 ] || return 1
	cat $t/trace > $out
	grep -q 'lwkt_token_contended: token=[0-9a-f]* desc=.* tid=[0-9]* comm=.* cpu=[0-9]* owner_tid=[0-9]*' $out &&
		grep -q 'lwkt_msg_send: msg=[0-9a-f]* cmd=[0-9]* flags=0x[0-9a-f]* cpu [0-9]* -> [0-9]* error=0' $out &&
		grep -q 'lwkt_msg_reply: msg=[0-9a-f]* cmd=[0-9]* flags=0x[0-9a-f]* cpu [0-9]* -> [0-9]* error=-\?[0-9]*' $out ||
		{ head -n 20 $out; echo "events: $(grep -c lwkt_ $out), contended: $(grep -c lwkt_token_contended $out) after $i tokens runs"; return 1; }
}
check token-msg-events-print tokmsg_events

# debugfs "threads": exactly the threads of a spawn in progress (the
# parent and its children, each yielding), then none once it stopped.
threads_view() {
	local n=40 bg i want got
	echo "spawn cpu=1 threads=$n yields=1000000" > $D/ctl 2>/dev/null &
	bg=$!
	i=0
	while [ "$(stat_of cpu1 threads)" != $((n + 1)) ]; do
		i=$((i + 1)); [ $i -lt 300 ] || { echo "threads $(stat_of cpu1 threads)"; kill $bg; return 1; }
		sleep 0.1
	done
	cat $D/threads > $out
	kill $bg; wait $bg 2>/dev/null
	head -n 1 $out | grep -qx 'tid cpu pri crit flags state refs tokens mpcount switches stack_used stack_size wmesg comm' ||
		{ echo "bad header"; head -n 1 $out; return 1; }
	want=$( (echo spawn/parent; i=0; while [ $i -lt $n ]; do echo spawn/$i; i=$((i + 1)); done) | sort)
	got=$(tail -n +2 $out | awk '{ print $NF }' | sort)
	[ "$want" = "$got" ] || { echo "threads listed:"; cat $out; return 1; }
	# Every line: 14 columns, cpu 1, a live state, a sane stack, unique tids.
	tail -n +2 $out | awk '
		NF != 14 || $2 != 1 || $6 !~ /^(run|runq|blocked)$/ ||
		$11 <= 0 || $11 >= $12 || $12 < 16384 || seen[$1]++ { print "bad: " $0; bad = 1 }
		$6 == "run" { run++ }
		END { if (run != 1) { print "running: " run; bad = 1 }; exit bad }' || { cat $out; return 1; }
	# After the interrupted spawn the threads exit (the last ones shortly after).
	i=0
	while [ "$(wc -l < $D/threads)" != 1 ]; do
		i=$((i + 1)); [ $i -lt 50 ] || { echo "left after the spawn:"; cat $D/threads; return 1; }
		sleep 0.1
	done
}
check threads-view-spawn-in-progress threads_view

# A CPU with nothing to run answers from its idle loop; with threads
# parked (blocked and forever yielding) from its switch path.
threads_parked() {
	ctl_run "park cpu=3 threads=9" || return 1
	[ "$(grep -c ' park/[0-9]*$' $D/threads)" = 9 ] || { cat $D/threads; return 1; }
	[ "$(awk '$NF ~ /^park\// && $6 == "blocked"' $D/threads | wc -l)" = 6 ]
}
check threads-view-parked threads_parked

check unload lwkt_unload
finish
