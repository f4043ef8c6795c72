#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write lines to /sys/kernel/debug/lwkt/ctl and report the errno.

Usage: ctl_errors.py EXPECT LINE [EXPECT LINE ...]
EXPECT is OK or an errno name (EINVAL, ERANGE, ...). For each pair, checks
that the write fails with that errno, that at most one new "lwkt:" kernel
log line appears (the warnings are ratelimited: a burst of refused writes
logs fewer, see ctl_ratelimit.py), and that the last result read back from
ctl is unchanged.
Prints PASS/FAIL lines.
"""
import sys

from lwktfs import kmsg_lwkt_lines, read_ctl, write_ctl


def main(args):
    bad = 0
    for expect, line in zip(args[0::2], args[1::2]):
        before, logs = read_ctl(), kmsg_lwkt_lines()
        got = write_ctl(line)
        after, newlogs = read_ctl(), kmsg_lwkt_lines() - logs
        name = "ctl-error %s %r" % (expect, line)
        why = []
        if got != expect:
            why.append("returned %s" % got)
        if expect != "OK" and newlogs > 1:
            why.append("%d log lines, want at most 1" % newlogs)
        if expect != "OK" and after != before:
            why.append("last result changed")
        if why:
            bad += 1
            print("FAIL %s: %s" % (name, ", ".join(why)))
        else:
            print("PASS %s" % name)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
