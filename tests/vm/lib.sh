# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the guest-side test scripts (run inside scripts/vm-run).
# Each check prints "PASS <name>" or "FAIL <name>: <why>"; scripts/check
# counts those lines.

LWKT_DEBUGFS=/sys/kernel/debug/lwkt
nfail=0

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; nfail=$((nfail + 1)); }

# check NAME COMMAND...: PASS when COMMAND succeeds.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		pass "$name"
	else
		fail "$name" "$(printf '%s' "$out" | tail -n 5 | tr '\n' ' ')"
	fi
}

# Module directory: build/stock or build/test, chosen by the caller.
lwkt_load() { insmod "$MODDIR/lwkt.ko" "$@"; }
lwkt_unload() { rmmod lwkt; }

# PIDs of the host kthreads, one per line.
lwkt_host_pids() {
	local p
	for p in /proc/[0-9]*; do
		case "$(cat "$p/comm" 2>/dev/null)" in
		lwkt/*) echo "${p#/proc/}" ;;
		esac
	done
}

# ctl_run LINE: run a workload, fail unless it returns 0 and says status ok.
ctl_run() {
	echo "$1" > "$LWKT_DEBUGFS/ctl" || return 1
	grep -qx 'status ok' "$LWKT_DEBUGFS/ctl" || { cat "$LWKT_DEBUGFS/ctl"; return 1; }
}

# ctl_get KEY: a value of the last result.
ctl_get() { awk -v k="$1" '$1 == k { print $2 }' "$LWKT_DEBUGFS/ctl"; }

finish() {
	echo "vm-suite: $nfail failed"
	[ "$nfail" -eq 0 ]
}
