#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Acceptance checks of scripts/vm-run against one kernel:
#   tests/vm/test-vm-run.sh [--kernel stock|test]
# Prints "PASS name" / "FAIL name" per check (with the run's output tail on
# failure) and exits non-zero if any check failed. Each check boots a VM.
set -euo pipefail

kernel=stock
case "${1-}" in
	--kernel) kernel=${2:?--kernel needs stock or test} ;;
	"") ;;
	*) echo "usage: $0 [--kernel stock|test]" >&2; exit 2 ;;
esac
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
pass=0 fail=0

# verdict NAME OK WHY: "PASS NAME" if OK is 0, else "FAIL NAME (WHY)" and
# the tail of the run's output.
verdict() {
	if [ "$2" = 0 ]; then
		echo "PASS $1"; pass=$((pass + 1))
	else
		echo "FAIL $1 ($3)"
		tail -n 25 "$out" | sed 's/^/    /'
		fail=$((fail + 1))
	fi
}

# check NAME EXPECTED_RC GREP_ERE|"" VM-RUN-ARGS...: pass if vm-run exits with
# EXPECTED_RC and (if given) its stdout+stderr match GREP_ERE.
check() {
	local name=$1 want=$2 re=$3 rc=0 ok=1; shift 3
	scripts/vm-run --kernel "$kernel" "$@" >"$out" 2>&1 </dev/null || rc=$?
	[ "$rc" = "$want" ] && { [ -z "$re" ] || grep -qE "$re" "$out"; } && ok=0
	verdict "$name" $ok "exit $rc, wanted $want${re:+ and output matching /$re/}"
}

check cpu-count-4     0   '^4$'                    -- 'grep -c ^processor /proc/cpuinfo'
check exit-status-3   3   ''                       -- 'exit 3'
check warn-detected   125 'vm-run: kernel splat'   -- scripts/vm-provoke-warn
check expect-splat    0   ''                       --expect-splat WARNING -- scripts/vm-provoke-warn
check expect-missing  125 'never appeared'         --expect-splat WARNING -- true
check timeout-124     124 'timeout'                --timeout 20 -- 'sleep 100'

# A timeout dumps the guest's state before the kill: every task with its
# backtrace (the command's sleep in do_nanosleep), each CPU's backtrace and
# lwkt's debugfs files; the dump's backtraces are no splat (exit 124).
# The timeout leaves time to boot (the test kernel boots slowly under TCG).
timeout_dump() {
	local t=40 rc=0 re miss='' ok=1
	[ "$kernel" = test ] && t=240
	scripts/vm-run --kernel "$kernel" --timeout "$t" -- \
		"insmod build/$kernel/lwkt.ko && sleep 1000" >"$out" 2>&1 </dev/null || rc=$?
	for re in 'sysrq: Show State' 'task:sleep ' 'do_nanosleep' \
		'sysrq: Show backtrace of all active CPUs' '^all switch_count [0-9]+' \
		'@@VM-DUMP-END@@' 'vm-run: timeout after'; do
		grep -qE "$re" "$out" || miss="$miss /$re/"
	done
	grep -q 'vm-run: kernel splat' "$out" && miss="$miss (a splat reported)"
	[ "$rc" = 124 ] && [ -z "$miss" ] && ok=0
	verdict timeout-dumps-state $ok "exit $rc, wanted 124; missing:$miss"
}
if [ -f "build/$kernel/lwkt.ko" ]; then
	timeout_dump
else
	echo "FAIL timeout-dumps-state: build/$kernel/lwkt.ko not built"; fail=$((fail + 1))
fi

# The test kernel's runs end with a kmemleak scan.
if [ "$kernel" = test ]; then
	check kmemleak-scan-at-end 0 'vm-init: kmemleak scan: 0 unreferenced objects' -- true
fi

echo "vm-run-$kernel: $pass passed, $fail failed"
[ "$fail" = 0 ]
