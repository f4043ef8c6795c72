#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest-side tests of a workload's and the module's life cycle: a signal
# stops every workload, whatever its size, and leaves nothing behind;
# refused ctl writes log at a bounded rate; load/workload/unload rounds
# give back every vmalloc area and (on the test kernel) leak nothing.
# Usage (inside scripts/vm-run):
#   tests/vm/lifecycle-suite.sh MODDIR [ROUNDS [LIMIT]]
# MODDIR holds lwkt.ko (build/stock or build/test); ROUNDS load/unload
# rounds (default 5); LIMIT the seconds a workload may take to stop after
# a signal (default 2; more for the slower debug kernel).
. "$(dirname "$0")/lib.sh"
MODDIR=$1
ROUNDS=${2:-5}
LIMIT=${3:-2}

python3 -B "$here/unload_rounds.py" "$MODDIR" "$ROUNDS" || nfail=$((nfail + 1))

check load lwkt_load
python3 -B "$here/ctl_ratelimit.py" 100 || nfail=$((nfail + 1))
# Last: a workload that does not stop keeps the module loaded.
python3 -B "$here/ctl_signal_each.py" --limit "$LIMIT" || nfail=$((nfail + 1))
check unload-after-signals lwkt_unload

finish
