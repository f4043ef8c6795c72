// SPDX-License-Identifier: GPL-2.0
/*
 * The trace mask (src/platform.h, src/core/trace.h). It lives in the core so
 * both hosts share one definition: a plain zero-initialised global, because
 * the kernel runs no constructors, and every event starts disabled.
 */
#include "platform.h"

unsigned long lwkt_trace_mask;
