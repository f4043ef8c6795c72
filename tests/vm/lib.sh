# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the guest-side test scripts (run inside scripts/vm-run), which
# source it as '. "$(dirname "$0")/lib.sh"'. Each check prints
# "PASS <name>" or "FAIL <name>: <why>"; scripts/check counts those lines.
# Sets here (the suites' directory), ncpu (the guest's CPUs) and nfail.

here=$(dirname "$0")
. "$here/splat.sh"

LWKT_DEBUGFS=/sys/kernel/debug/lwkt
ncpu=$(grep -c ^processor /proc/cpuinfo)
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

finish() {
	echo "vm-suite: $nfail failed"
	[ "$nfail" -eq 0 ]
}

# need_cpus N SUITE: with fewer than N CPUs, fail SUITE-needs-N-cpus and
# end the script.
need_cpus() {
	[ "$ncpu" -ge "$1" ] && return 0
	fail "$2-needs-$1-cpus" "$ncpu cpu"
	finish
	exit
}

# n COUNT: COUNT divided by SCALE (the suite's size divisor, default 1),
# at least 1.
n() {
	local v=$(($1 / ${SCALE:-1}))
	[ "$v" -ge 1 ] || v=1
	echo "$v"
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

# lwkt_gone: no host kthread and no debugfs directory is left.
lwkt_gone() {
	[ -z "$(lwkt_host_pids)" ] || { echo "hosts left: $(lwkt_host_pids)"; return 1; }
	[ ! -e $LWKT_DEBUGFS ] || { echo "debugfs left"; return 1; }
}

# stat_of SCOPE NAME: a value of debugfs "stats" (SCOPE cpuN or all).
stat_of() { awk -v s="$1" -v n="$2" '$1 == s && $2 == n { print $3 }' $LWKT_DEBUGFS/stats; }
stat_all() { stat_of all "$1"; }

# threads_settle: wait up to 5 s for the "all threads" gauge to reach 0
# (threads already out of their function may still be reaped); fail if it
# does not.
threads_settle() {
	local i=0
	while [ "$(stat_all threads)" != 0 ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(stat_all threads)" = 0 ]
}

# ctl_run LINE: run a workload, fail unless it returns 0 and says status ok.
ctl_run() {
	echo "$1" > "$LWKT_DEBUGFS/ctl" || return 1
	grep -qx 'status ok' "$LWKT_DEBUGFS/ctl" || { cat "$LWKT_DEBUGFS/ctl"; return 1; }
}

# ctl_get KEY: a value of the last result.
ctl_get() { awk -v k="$1" '$1 == k { print $2 }' "$LWKT_DEBUGFS/ctl"; }

# ctl_expect LINE KEY VALUE [KEY VALUE...]: the workload succeeds and each
# KEY has its VALUE.
ctl_expect() {
	local line=$1
	shift
	ctl_run "$line" || return 1
	while [ $# -ge 2 ]; do
		[ "$(ctl_get "$1")" = "$2" ] || { echo "$1 = $(ctl_get "$1"), want $2"; cat $LWKT_DEBUGFS/ctl; return 1; }
		shift 2
	done
}

# ctl_positive KEY: the last result's KEY is above 0.
ctl_positive() {
	[ "$(ctl_get "$1")" -gt 0 ] 2>/dev/null || { echo "$1 = $(ctl_get "$1"), want > 0"; cat $LWKT_DEBUGFS/ctl; return 1; }
}

# show NAME: the last result on one line, for the log.
show() { echo "info $1: $(tail -n +2 $LWKT_DEBUGFS/ctl | tr '\n' ' ')"; }

# splats: how many kernel log lines match LWKT_SPLAT_ERE (tests/vm/splat.sh,
# the pattern scripts/vm-run fails a run on) or the suite's own additions,
# splat_extra (an ERE, empty by default). A suite compares the count before
# and after its runs.
splat_extra=
splats() { dmesg | grep -cE "$(splat_ere)"; }
splat_ere() { echo "$LWKT_SPLAT_ERE${splat_extra:+|$splat_extra}"; }
