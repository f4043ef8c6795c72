# SPDX-License-Identifier: GPL-2.0
#
# The kernel log lines that start a splat: one extended regular expression,
# the single definition both sides use. scripts/vm-run (host side) fails a
# run when a timestamped console line matches it; tests/vm/lib.sh (guest
# side) counts the dmesg lines matching it in splats(). Sourced by both, so
# plain POSIX sh. Lockdep's reports, KASAN's, kmemleak's and a hung task's
# are all listed: a report that is not is still caught by vm-run through
# its stray "Call Trace:", but not by the guest-side count.
LWKT_SPLAT_ERE='WARNING:|BUG:|possible recursive locking|possible circular locking|inconsistent lock state|suspicious RCU usage|lock held when returning|INFO: task|KASAN:|UBSAN:|general protection|Oops|Kernel panic|unreferenced object'
