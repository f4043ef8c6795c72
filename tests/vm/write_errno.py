#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""write_errno.py FILE DATA: write DATA (Python escapes allowed, e.g. '1\\n')
to FILE in one write(2) and print OK or the errno name."""
import sys

from lwktfs import write_errno

path, data = sys.argv[1], sys.argv[2].encode().decode("unicode_escape").encode()
print(write_errno(path, data))
