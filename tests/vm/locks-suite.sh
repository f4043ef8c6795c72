#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest-side tests of tokens, the MP lock and message-port aborts: the
# tokens, mplock and abort workloads, their parameter checks, and a clean
# kernel log. Needs at least two CPUs (written for --smp 4); sized for
# qemu TCG. Usage (inside scripts/vm-run):
#   tests/vm/locks-suite.sh MODDIR [SCALE]
# SCALE divides the iteration counts (default 1; the debug kernel is slower).
. "$(dirname "$0")/lib.sh"
MODDIR=$1
SCALE=${2:-1}

# Token and MP lock misuse reports count as splats here.
splat_extra='lwkt_token_uninit|rel_mplock:|lwkt_reltoken:'

need_cpus 2 locks

s0=$(splats)
check load lwkt_load

# tokens: several tokens, random subsets; then one token everybody wants
# (contention is certain); then many tokens.
tokens() {
	local t=$1 k=$2 m=$3
	ctl_expect "tokens threads=$t iters=$k ntokens=$m" updates $((t * k)) \
		lost_updates 0 owner_violations 0 havetoken_failures 0 || return 1
	[ "$4" != contended ] || ctl_positive contention
}
tk=$(n 1000)
check tokens-8x$tk-m4 tokens 8 $tk 4
show tokens-8x$tk-m4
check tokens-16x$(n 500)-m1 tokens 16 $(n 500) 1 contended
show tokens-16x$(n 500)-m1
check tokens-4x$(n 500)-m32 tokens 4 $(n 500) 32
show tokens-4x$(n 500)-m32
check tokens-1x$(n 200)-m3 tokens 1 $(n 200) 3

# mplock: the same under the MP lock; -1 = nobody holds it at the end.
mplock() {
	ctl_expect "mplock threads=$1 iters=$2" updates $(($1 * $2)) \
		lost_updates 0 owner_violations 0 held_failures 0 \
		try_failures 0 mp_lock_end -1 || return 1
	[ "$3" != contended ] || ctl_positive contention
}
mk=$(n 1000)
check mplock-8x$mk mplock 8 $mk contended
show mplock-8x$mk
check mplock-1x$(n 200) mplock 1 $(n 200)

# abort: each message replied exactly once, whatever the abort met.
abort() {
	local k=$1 share=$2
	shift 2
	ctl_expect "abort iters=$k share=$share $*" sent $k replies $k \
		double_replies 0 lost 0 abort_missed 0 spurious_aborts 0 || return 1
	if [ "$share" = 0 ]; then
		[ "$(ctl_get aborted)" = 0 ] || { cat $LWKT_DEBUGFS/ctl; return 1; }
	else
		ctl_positive aborted && ctl_positive aborted_in_service
	fi
}
ak=$(n 2000)
check abort-$ak-50 abort $ak 50
show abort-$ak-50
check abort-$(n 1000)-100-reverse abort $(n 1000) 100 server=$((ncpu - 1)) client=0
show abort-$(n 1000)-100-reverse
check abort-$(n 500)-0 abort $(n 500) 0
# An abort held back on the server's CPU past the reply must not hit the
# message's next use: collecting the reply waits for it.
check abort-reuse ctl_expect "abort iters=$(n 20) reuse=1" \
	reuse_trials $(n 20) reuse_hits 0 lost 0
show abort-reuse

check locks-errors python3 "$here/ctl_errors.py" \
	EINVAL "tokens threads=x" ERANGE "tokens threads=0" \
	ERANGE "tokens ntokens=33" EINVAL "tokens bogus=1" \
	ERANGE "mplock iters=0" ERANGE "mplock threads=257" \
	EINVAL "abort server=1 client=1" EINVAL "abort server=1" \
	ERANGE "abort client=$ncpu" ERANGE "abort share=101" \
	EINVAL "abort iters=-1"

# help lists the three, and still fits in one result.
help_lists() {
	ctl_run help || return 1
	grep -q '^truncated' $LWKT_DEBUGFS/ctl && { echo truncated; return 1; }
	for w in tokens mplock abort; do
		grep -q "^$w " $LWKT_DEBUGFS/ctl || { echo "no $w"; cat $LWKT_DEBUGFS/ctl; return 1; }
	done
}
check help-lists-them help_lists

# A signal stops a long run promptly: every thread gone, nothing left held.
interrupt() {
	local pid i=0
	sh -c "echo '$1' > $LWKT_DEBUGFS/ctl" 2>/dev/null &
	pid=$!
	sleep 2
	kill -TERM $pid
	while kill -0 $pid 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -0 $pid 2>/dev/null && { echo "still running 10 s after the signal"; return 1; }
	wait $pid 2>/dev/null
	dmesg | tail -n 5 | grep -q "$2: interrupted by a signal" || { dmesg | tail -n 5; return 1; }
	threads_settle || { echo "threads $(stat_all threads)"; return 1; }
}
check interrupt-tokens interrupt "tokens threads=8 iters=10000000" tokens
check interrupt-mplock interrupt "mplock threads=8 iters=10000000" mplock
# Big enough that a quiet machine is still sending when the signal comes.
check interrupt-abort interrupt "abort iters=1000000" abort
check after-interrupt-mplock-free mplock 4 $(n 100)

check threads-gauge-zero test "$(stat_all threads)" = 0
check unload lwkt_unload
check no-splats test "$(splats)" = "$s0"
[ "$(splats)" = "$s0" ] || dmesg | tail -n 60

finish
