#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A signal stops every workload, whatever its size, and leaves nothing behind.

Usage: ctl_signal_each.py [--limit S] [WORKLOAD ...]   (default: every
workload "help" lists; LIMIT 2 s, more for a slow debug kernel)

For each workload: a child process writes it to ctl with every size key
(iters, yields, hops, rounds, msgs, requests, ms) at the maximum "help"
shows, the other keys at their defaults and a required CPU key at the last
CPU; after DELAY s the parent sends the child SIGINT, once caught (the write
must fail with EINTR) and once with the default action (the child dies).
Checks, per workload and signal (one PASS/FAIL line each):
  - the write ends within LIMIT s of the signal;
  - afterwards no LWKT thread is left (debugfs stats, "all threads" back to
    its value before, within SETTLE s);
  - a small "ping" runs.
A workload with no size key may be over before the signal. A workload the
table below excludes is named with the reason. The module must be loaded;
unloading it afterwards is the caller's check.

The signal must reach the writer: a shell's background job ignores SIGINT
("echo ... > ctl &" then "kill -INT" stops nothing, by POSIX), so the
writer here is a process of our own.
"""
import ctypes
import errno
import os
import re
import signal
import sys
import time

from lwktfs import CTL, D

DELAY = 0.5     # s between the start of the write and the signal
LIMIT = 2.0     # s the write may take to return after the signal
SETTLE = 2.0    # s the threads may take to be reaped after the write returned

# Keys that scale a workload's run time; set to their maximum.
SIZE_KEYS = {"iters", "yields", "hops", "rounds", "msgs", "requests", "ms"}
# Workloads not run here, and why.
EXCLUDED = {
    "help": "returns at once",
    "park": "returns at once and leaves its threads behind by design",
    "warn": "provokes a kernel warning by design",
    "overflow": "oopses by design",
}

libc = ctypes.CDLL(None, use_errno=True)


def help_lines():
    with open(CTL, "w") as f:
        f.write("help")
    with open(CTL) as f:
        return f.read().splitlines()[2:]


def huge_line(spec, ncpu):
    """'name key=lo..hi(default d) ... : text' -> the line to run."""
    head = spec.split(" : ")[0]
    name, out = head.split()[0], [head.split()[0]]
    sized = False
    for key, val in re.findall(r"(\w+)=(<[^>]*>\S*|\S+)", head):
        m = re.match(r"(\d+)\.\.(\d+)", val)
        if m and key in SIZE_KEYS:
            out.append("%s=%s" % (key, m.group(2)))
            sized = True
        elif val.startswith("<hosted cpu") and "(default" not in val:
            out.append("%s=%d" % (key, ncpu - 1))
    return name, " ".join(out), sized


def live_threads():
    with open(D + "/stats") as f:
        for line in f:
            scope, name, value = line.split()
            if scope == "all" and name == "threads":
                return int(value)
    raise RuntimeError("no 'all threads' in stats")


def child(line, fatal):
    """Write @line to ctl; exit 0 on EINTR, 1 if it completed, 2 + errno."""
    if fatal:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
    else:
        signal.signal(signal.SIGINT, lambda *a: None)
    fd = os.open(CTL, os.O_WRONLY)
    data = line.encode()
    # libc's write, not os.write: that one retries after EINTR (PEP 475).
    n = libc.write(fd, data, len(data))
    if n >= 0:
        os._exit(1)
    e = ctypes.get_errno()
    os._exit(0 if e == errno.EINTR else 2 + e)


def run_one(line, sized, fatal):
    """One run; returns an error text or None."""
    before = live_threads()
    pid = os.fork()
    if pid == 0:
        child(line, fatal)
    time.sleep(DELAY)
    done, status = os.waitpid(pid, os.WNOHANG)
    if done and sized:
        return "'%s' finished before the signal (%d): too small to test" % (
            line, status)
    if done:
        return None         # a fixed-size workload, over already
    os.kill(pid, signal.SIGINT)
    sent = time.monotonic()
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        took = time.monotonic() - sent
        if done:
            break
        if took > LIMIT + 28:
            return "'%s' still running %.0f s after SIGINT" % (line, took)
        time.sleep(0.02)
    code = os.waitstatus_to_exitcode(status)
    if fatal and code == -signal.SIGINT:
        code = 0
    if code == 1:
        return "'%s' completed despite SIGINT" % line
    if code != 0:
        return "'%s' failed with %s, not EINTR" % (
            line, errno.errorcode.get(code - 2, code - 2))
    if took > LIMIT:
        return "'%s' returned EINTR %.2f s after SIGINT (limit %.1f s)" % (
            line, took, LIMIT)
    end = time.monotonic() + SETTLE
    while live_threads() != before and time.monotonic() < end:
        time.sleep(0.05)
    after = live_threads()
    if after != before:
        return "%d LWKT threads left behind by '%s' (%d before, %d after)" % (
            after - before, line, before, after)
    try:
        with open(CTL, "w") as f:
            f.write("ping cpu=0 iters=10")
    except OSError as e:
        return "a ping after '%s' failed: %s" % (line, e)
    return None


def main(only):
    ncpu = os.cpu_count()
    bad = 0
    busy = None
    for spec in help_lines():
        name, line, sized = huge_line(spec, ncpu)
        if only and name not in only:
            continue
        if busy:
            print("FAIL signal-stop-%s: not run, %s still holds ctl" % (
                name, busy))
            bad += 1
            continue
        if name in EXCLUDED:
            print("skip signal-stop-%s: %s" % (name, EXCLUDED[name]))
            continue
        for fatal in (False, True):
            test = "signal-stop-%s%s" % (name, "-fatal" if fatal else "")
            why = run_one(line, sized, fatal)
            if why:
                print("FAIL %s: %s" % (test, why))
                bad += 1
            else:
                print("PASS %s" % test)
            sys.stdout.flush()
            if why and "still running" in why:
                busy = name     # nothing more can run
                break
    return 1 if bad else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--limit"]:
        LIMIT = float(args[1])
        args = args[2:]
    sys.exit(main(args))
