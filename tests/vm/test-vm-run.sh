#!/bin/bash
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

# check NAME EXPECTED_RC GREP_ERE|"" VM-RUN-ARGS...: pass if vm-run exits with
# EXPECTED_RC and (if given) its stdout+stderr match GREP_ERE.
check() {
  local name=$1 want=$2 re=$3 rc=0; shift 3
  scripts/vm-run --kernel "$kernel" "$@" >"$out" 2>&1 </dev/null || rc=$?
  if [ "$rc" = "$want" ] && { [ -z "$re" ] || grep -qE "$re" "$out"; }; then
    echo "PASS $name"; pass=$((pass + 1))
  else
    echo "FAIL $name (exit $rc, wanted $want${re:+ and output matching /$re/})"
    tail -n 25 "$out" | sed 's/^/    /'
    fail=$((fail + 1))
  fi
}

check cpu-count-4     0   '^4$'                    -- 'grep -c ^processor /proc/cpuinfo'
check exit-status-3   3   ''                       -- 'exit 3'
check warn-detected   125 'vm-run: kernel splat'   -- scripts/vm-provoke-warn
check expect-splat    0   ''                       --expect-splat WARNING -- scripts/vm-provoke-warn
check expect-missing  125 'never appeared'         --expect-splat WARNING -- true
check timeout-124     124 'timeout'                --timeout 20 -- 'sleep 100'

echo "vm-run-$kernel: $pass passed, $fail failed"
[ "$fail" = 0 ]
