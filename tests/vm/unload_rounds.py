#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Load, run, unload ROUNDS times: every vmalloc area comes back, nothing leaks.

Usage: unload_rounds.py MODDIR ROUNDS   (lwkt not loaded; left unloaded)

Each round loads MODDIR/lwkt.ko, runs workloads that create and free
hundreds of LWKT threads (whose stacks are vmalloc'd) on every CPU, reads
/proc/vmallocinfo, unloads, and reads it again. An area belongs to lwkt if
the function that allocated it lies in the module's text (its range from
/proc/modules, kept from while it was loaded: after the unload the callers
show as bare addresses). Checks (one PASS/FAIL line each):
  - vmalloc-owned-while-loaded: the probe sees lwkt's areas while loaded;
  - vmalloc-owned-after-unload-rN: none is left after round N's unload,
    nor the module's own memory;
  - vmalloc-no-growth: the live areas (without the "unpurged vm_area"
    lines: areas already freed, whose address range the kernel purges
    lazily) after the last unload are at most SLACK more than after the
    first (process stacks of the test itself come and go);
  - kmemleak-clean (only where /sys/kernel/debug/kmemleak exists): a scan
    after the rounds reports no unreferenced object.
"""
import os
import re
import subprocess
import sys
import time

from lwktfs import D

KMEMLEAK = "/sys/kernel/debug/kmemleak"
SLACK = 8
WORKLOADS = [
    "spawn cpu=%d threads=200 yields=2",
    "migrate threads=8 hops=50",
    "tokens threads=16 iters=100",
    "msgport clients=2 iters=100",
]

bad = 0


def verdict(name, why):
    global bad
    if why:
        bad += 1
        print("FAIL %s: %s" % (name, why))
    else:
        print("PASS %s" % name)
    sys.stdout.flush()


def module_range():
    with open("/proc/modules") as f:
        for line in f:
            w = line.split()
            if w[0] == "lwkt":
                base = int(w[5], 16)
                if not base:
                    raise RuntimeError("/proc/modules hides the address")
                return base, base + int(w[1])
    raise RuntimeError("lwkt is not loaded")


def areas():
    """(start, caller text, caller address or None) of each live area."""
    out = []
    with open("/proc/vmallocinfo") as f:
        for line in f:
            w = line.split()
            if len(w) < 3 or w[2] in ("unpurged", "vm_map_ram"):
                continue
            start = int(w[0].split("-")[0], 16)
            addr = int(w[2], 16) if re.match(r"0x[0-9a-f]+$", w[2]) else None
            caller = w[2] + (" " + w[3] if len(w) > 3 and w[3][0] == "[" else "")
            out.append((start, caller, addr))
    return out


def owned(lo, hi, loaded):
    """lwkt's areas: by symbol while loaded, by bare address after."""
    n = []
    for start, caller, addr in areas():
        if addr is not None and lo <= addr < hi:
            n.append(caller)
        elif loaded and caller.endswith("[lwkt]"):
            n.append(caller)
    return n


def run(*cmd):
    subprocess.run(cmd, check=True)


def ctl(line):
    with open(D + "/ctl", "w") as f:
        f.write(line)
    with open(D + "/ctl") as f:
        if "status ok" not in f.read():
            raise RuntimeError("'%s' did not end with status ok" % line)


def main(moddir, rounds):
    ncpu = os.cpu_count()
    # vmallocinfo prints area addresses with %pK: real ones for root only
    # with kptr_restrict 1 (0 hashes them).
    with open("/proc/sys/kernel/kptr_restrict", "w") as f:
        f.write("1")
    if os.path.exists(KMEMLEAK):
        with open(KMEMLEAK, "w") as f:
            f.write("clear")        # earlier reports are not ours
    first = last = None
    for r in range(1, rounds + 1):
        run("insmod", os.path.join(moddir, "lwkt.ko"))
        lo, hi = module_range()
        for cpu in range(ncpu):
            ctl(WORKLOADS[0] % cpu)
        for line in WORKLOADS[1:]:
            ctl(line)
        # Threads left alive keep their stacks (a KASAN kernel's free
        # cache drops a stack when its thread exits): the unload frees
        # these too.
        ctl("park cpu=%d threads=3" % (ncpu - 1))
        with open(D + "/threads") as f:
            f.read()
        mine = owned(lo, hi, True)
        if r == 1:
            verdict("vmalloc-owned-while-loaded",
                    None if mine else "no area of lwkt seen while loaded")
        run("rmmod", "lwkt")
        left = owned(lo, hi, False)
        left += ["the module itself at %#x" % lo
                 for start, caller, _ in areas() if start == lo]
        verdict("vmalloc-owned-after-unload-r%d" % r,
                "%d left (of %d while loaded): %s" % (
                    len(left), len(mine), " ".join(left[:5]))
                if left else None)
        last = len(areas())
        with open("/proc/vmallocinfo") as f:
            lazy = sum(" unpurged vm_area" in line for line in f)
        print("info round %d: %d lwkt areas while loaded; after unload %d "
              "live areas, %d freed awaiting the lazy purge" % (
                  r, len(mine), last, lazy))
        if first is None:
            first = last
    verdict("vmalloc-no-growth",
            "%d live areas after round 1, %d after round %d" % (
                first, last, rounds) if last > first + SLACK else None)
    if os.path.exists(KMEMLEAK):
        # kmemleak reports only objects older than 5 s: wait that long.
        time.sleep(6)
        with open(KMEMLEAK, "w") as f:
            f.write("scan")
        with open(KMEMLEAK) as f:
            report = f.read()
        n = report.count("unreferenced object")
        if n:
            print(report[:4000])
        verdict("kmemleak-clean",
                "%d unreferenced objects after %d rounds" % (n, rounds)
                if n else None)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
