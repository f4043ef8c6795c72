#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's stack checks while an LWKT thread runs, each in its own VM
# (they provoke kernel reports on purpose):
#  - a WARN() in an LWKT thread prints a backtrace with the thread's frames,
#    down to lwkt_thread_trampoline;
#  - a stack overflow hits the guard page and the oops names the thread.
#   tests/vm/stackcheck.sh [stock|test]
set -uo pipefail
cd "$(dirname "$0")/../.."
kernel=${1:-stock}
mod=build/$kernel/lwkt.ko
ctl=/sys/kernel/debug/lwkt/ctl
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0

scripts/vm-run --kernel "$kernel" --expect-splat 'WARNING:.*lwkt_stackcheck_warn_here' -- \
	"insmod $mod && echo 'warn cpu=1' > $ctl && rmmod lwkt" > "$out" 2>&1
rc=$?
trace=$(sed -n '/WARNING:.*lwkt_stackcheck_warn_here/,/end trace/p' "$out")
if [ $rc -eq 0 ] && grep -q 'lwkt_job_main' <<<"$trace" &&
	grep -q 'lwkt_thread_trampoline' <<<"$trace"; then
	echo "PASS stackcheck-$kernel-warn-backtrace-shows-lwkt-frames"
else
	tail -n 40 "$out"
	echo "FAIL stackcheck-$kernel-warn-backtrace-shows-lwkt-frames (vm-run $rc)"
	status=1
fi

# The overflow oopses in the double-fault handler, which panics: the VM
# dies, so the verdict comes from the console only.
scripts/vm-run --kernel "$kernel" --timeout 300 \
	--expect-splat 'stack guard page was hit|Kernel panic|Fatal exception|lwkt: oops' -- \
	"insmod $mod && echo 'overflow cpu=2' > $ctl" > "$out" 2>&1
if grep -q 'BUG: .*stack guard page was hit' "$out" &&
	grep -q 'lwkt: oops in LWKT thread stackcheck/overflow' "$out"; then
	echo "PASS stackcheck-$kernel-overflow-hits-guard-page-names-thread"
else
	tail -n 40 "$out"
	echo "FAIL stackcheck-$kernel-overflow-hits-guard-page-names-thread"
	status=1
fi
exit $status
