#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A signal stops a running workload: the write returns within a second.

Starts "ping cpu=0 iters=1000000000" (minutes of work), interrupts it with
SIGALRM after 0.5 s, and checks that the write came back interrupted (the
handler's exception) within one second of the signal. Prints PASS/FAIL.
"""
import os
import signal
import sys
import time

from lwktfs import CTL


class Interrupted(Exception):
    pass


def on_alarm(signum, frame):
    # Python runs this only once the write has returned EINTR.
    raise Interrupted()


signal.signal(signal.SIGALRM, on_alarm)
fd = os.open(CTL, os.O_WRONLY)
fired = time.monotonic() + 0.5
signal.setitimer(signal.ITIMER_REAL, 0.5)
try:
    os.write(fd, b"ping cpu=0 iters=1000000000")
    print("FAIL ctl-interrupt: the write completed")
    sys.exit(1)
except Interrupted:
    delay = time.monotonic() - fired
    os.close(fd)
    if delay > 1.0:
        print("FAIL ctl-interrupt: returned %.2f s after the signal" % delay)
        sys.exit(1)
    print("PASS ctl-interrupt")
