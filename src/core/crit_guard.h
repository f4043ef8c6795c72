/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A critical section as a C++ scope. It pins the thread it entered with:
 * after a switch inside the scope, curthread is that same thread again, and
 * the exit must drop the level of the thread that took it.
 */
#ifndef LWKT_CORE_CRIT_GUARD_H
#define LWKT_CORE_CRIT_GUARD_H

#include <lwkt/thread.h>

namespace lwkt {

class CritSection {
public:
	explicit CritSection(struct lwkt_thread *td) : td_(td)
	{
		crit_enter_quick(td_);
	}
	CritSection() : CritSection(curthread) {}
	~CritSection() { crit_exit_quick(td_); }
	CritSection(const CritSection &) = delete;
	CritSection &operator=(const CritSection &) = delete;

private:
	struct lwkt_thread *td_;
};

} // namespace lwkt

#endif /* LWKT_CORE_CRIT_GUARD_H */
