# SPDX-License-Identifier: GPL-2.0
"""What the guest-side Python checks share: lwkt's debugfs paths, writes
that report their errno, the kernel log's lwkt lines, the stats file."""
import errno
import os

D = "/sys/kernel/debug/lwkt"
CTL = D + "/ctl"


def write_errno(path, data):
    """Write the bytes @data to @path in one write(2): "OK" or the errno name."""
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, data)
        return "OK"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))
    finally:
        os.close(fd)


def write_ctl(line):
    return write_errno(CTL, line.encode())


def read_ctl():
    with open(CTL, "rb") as f:
        return f.read()


def kmsg_lwkt_lines():
    """Count the lwkt lines in the kernel log (non-blocking /dev/kmsg read)."""
    n = 0
    fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
    try:
        while True:
            try:
                rec = os.read(fd, 8192)
            except BlockingIOError:
                break
            except OSError as e:  # EPIPE: a record was overwritten; go on
                if e.errno == errno.EPIPE:
                    continue
                raise
            if b";lwkt: " in rec:
                n += 1
    finally:
        os.close(fd)
    return n
