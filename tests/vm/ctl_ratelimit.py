#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Refused ctl writes log at a bounded rate.

Writes N (default 100) refused lines to ctl, back to back, and checks that
each fails with EINVAL and that the kernel log got at least one and at most
BURST (10, the ctl warnings' burst per 5 s) new "lwkt:" lines. Prints one
PASS/FAIL line. The module must be loaded.
"""
import sys

from lwktfs import kmsg_lwkt_lines, write_ctl

BURST = 10


def main(n):
    before = kmsg_lwkt_lines()
    errs = [write_ctl("pong cpu=0") for _ in range(n)]
    lines = kmsg_lwkt_lines() - before
    why = []
    if any(e != "EINVAL" for e in errs):
        why.append("not all EINVAL: %s" % sorted(set(errs)))
    if not 1 <= lines <= BURST:
        why.append("%d log lines for %d refused writes, want 1..%d" % (
            lines, n, BURST))
    if why:
        print("FAIL ctl-warnings-ratelimited: " + ", ".join(why))
        return 1
    print("PASS ctl-warnings-ratelimited (%d lines for %d writes)" % (
        lines, n))
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100))
