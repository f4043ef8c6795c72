#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest-side tests of tokens and message ports: the msgport workload
# (lwkt_domsg and lwkt_sendmsg round trips across CPUs, every reply checked
# against its request), the service workload (servers per CPU owning
# shards, statistics under a token: its counters must add up), tokbench
# (runs; its figures are the benchmark's), bad parameters, and a clean
# kernel log. Needs at least two CPUs (written for --smp 4); sized for qemu
# TCG. Usage (inside scripts/vm-run):
#   tests/vm/msgport-suite.sh MODDIR [SCALE]
# SCALE divides the iteration counts (default 1; the debug kernel is slower).
. "$(dirname "$0")/lib.sh"
MODDIR=$1
SCALE=${2:-1}

need_cpus 2 msgport

s0=$(splats)
check load lwkt_load

# msgport: one client (the benchmark's case), then a client on every other
# CPU and more clients than CPUs, with the server elsewhere than CPU 0.
mi=$(n 2000)
check msgport-1x$mi ctl_expect "msgport clients=1 iters=$mi" \
	rpcs $mi async $mi served $((2 * mi)) mismatched 0
echo "info msgport clients=1 ns_per_rpc $(ctl_get ns_per_rpc) baseline $(ctl_get baseline_ns_per_rpc) ratio $(ctl_get ratio) ns_per_async $(ctl_get ns_per_async)"
c=$((ncpu - 1))
check msgport-${c}x$mi ctl_expect "msgport clients=$c iters=$mi" \
	rpcs $((c * mi)) async $((c * mi)) mismatched 0
echo "info msgport clients=$c ns_per_rpc $(ctl_get ns_per_rpc) ratio $(ctl_get ratio)"
c=$((2 * ncpu + 1)) mi=$(n 500)
check msgport-${c}x$mi-server$((ncpu - 1)) ctl_expect \
	"msgport clients=$c iters=$mi server=$((ncpu - 1))" \
	rpcs $((c * mi)) async $((c * mi)) mismatched 0 server_cpu $((ncpu - 1))
check msgport-1x1 ctl_expect "msgport iters=1" rpcs 1 async 1 mismatched 0

# service: the counters add up. requests issued = clients * R; what the
# servers counted under the token (served, per CPU, local + remote,
# sync + async, gets + puts) is the same total.
service_check() {
	local cpc=$1 r=$2 keys=$3 want
	want=$((cpc * ncpu * r))
	ctl_expect "service clients=$cpc requests=$r keys=$keys" \
		servers "$ncpu" clients $((cpc * ncpu)) requests $want served $want \
		mismatched 0 || return 1
	awk -v want="$want" -v ncpu="$ncpu" '
		{ v[$1] = $2 }
		$1 ~ /^cpu[0-9]+_requests$/ { sum += $2; n++; if ($2 == 0) { print "idle shard: " $0; bad = 1 } }
		END {
			if (n != ncpu) { print n " per-CPU lines, want " ncpu; bad = 1 }
			if (sum != want) { print "per-CPU sum " sum ", want " want; bad = 1 }
			if (v["local"] + v["remote"] != want) { print "local+remote " v["local"] + v["remote"]; bad = 1 }
			if (v["sync"] + v["async"] != want) { print "sync+async " v["sync"] + v["async"]; bad = 1 }
			if (v["gets"] + v["puts"] != want) { print "gets+puts " v["gets"] + v["puts"]; bad = 1 }
			if (v["local"] == 0 || v["remote"] == 0) { print "no local or no remote requests"; bad = 1 }
			exit bad
		}' $LWKT_DEBUGFS/ctl || { cat $LWKT_DEBUGFS/ctl; return 1; }
}
sr=$(n 1000)
check service-2x$sr service_check 2 "$sr" 64
echo "info service $(tail -n +3 $LWKT_DEBUGFS/ctl | tr '\n' ' ')"
check service-4x$(n 200)-keys$ncpu service_check 4 "$(n 200)" "$ncpu"

check tokbench ctl_expect "tokbench cpu=1 iters=$(n 100000)" iters $(n 100000)
echo "info tokbench ns_per_token $(ctl_get ns_per_token) pool $(ctl_get ns_per_pool_token) spinlock $(ctl_get baseline_ns_per_spinlock) ratio $(ctl_get ratio) best_ratio $(ctl_get best_ratio)"

check msgport-errors python3 "$here/ctl_errors.py" \
	EINVAL "msgport clients=x" EINVAL "msgport iters=1 iters=2" \
	EINVAL "msgport window=4" ERANGE "msgport clients=0" \
	ERANGE "msgport clients=65" ERANGE "msgport iters=0" \
	ERANGE "msgport server=$ncpu" \
	EINVAL "service keys=$((ncpu - 1))" ERANGE "service clients=17" \
	ERANGE "service requests=0" EINVAL "service keys=-1" \
	ERANGE "tokbench iters=0" ERANGE "tokbench cpu=$ncpu"

# A signal stops a run within seconds and leaves no thread behind. The
# write is in a child shell: SIGTERM interrupts it and kills the child.
interrupted() {
	local line=$1 wl=${1%% *} pid t0
	sh -c "echo '$line' > $LWKT_DEBUGFS/ctl" &
	pid=$!
	sleep 2
	t0=$(date +%s)
	kill -TERM $pid
	wait $pid && { echo "the run was not interrupted"; return 1; }
	[ $(($(date +%s) - t0)) -le 5 ] || { echo "took $(($(date +%s) - t0)) s to stop"; return 1; }
	dmesg | tail -n 5 | grep -q "ctl: $wl: interrupted by a signal" || { dmesg | tail -n 5; return 1; }
	threads_settle || { echo "threads left: $(stat_all threads)"; cat $LWKT_DEBUGFS/threads; return 1; }
}
check msgport-interrupted interrupted "msgport clients=$((2 * ncpu)) iters=1000000"
check service-interrupted interrupted "service clients=4 requests=1000000"
check msgport-after-interrupt ctl_expect "msgport clients=2 iters=$(n 200)" \
	rpcs $((2 * $(n 200))) mismatched 0

check threads-gauge-zero test "$(stat_all threads)" = 0
check unload lwkt_unload
check no-splats test "$(splats)" = "$s0"

finish
