// SPDX-License-Identifier: GPL-2.0
// The core's log lines (lwkt_plat_log(), from any CPU), captured for the
// tests that count what the core said: scoped, or for a whole test with
// the CPUs' start and stop included.
#ifndef LWKT_TESTS_LOG_CAPTURE_H
#define LWKT_TESTS_LOG_CAPTURE_H

#include <stddef.h>

#include <mutex>
#include <string>
#include <vector>

#include "lwkt_fixture.h"

namespace lt {

namespace log_detail {
inline std::mutex mu;
inline std::vector<std::string> lines;

inline void hook(const char *line)
{
	std::lock_guard<std::mutex> l(mu);
	lines.push_back(line);
}
} // namespace log_detail

// From construction (which forgets the lines of an earlier capture) to
// stop() or destruction. One at a time: the platform has one log hook.
class LogCapture {
public:
	LogCapture()
	{
		{
			std::lock_guard<std::mutex> l(log_detail::mu);
			log_detail::lines.clear();
		}
		lwkt_user_set_log_hook(log_detail::hook);
	}
	~LogCapture() { stop(); }
	LogCapture(const LogCapture &) = delete;
	LogCapture &operator=(const LogCapture &) = delete;

	void stop() { lwkt_user_set_log_hook(nullptr); }
};

// Lines captured so far.
inline size_t log_size()
{
	std::lock_guard<std::mutex> l(log_detail::mu);

	return log_detail::lines.size();
}

// Lines captured so far that contain @needle.
inline size_t log_count(const char *needle)
{
	std::lock_guard<std::mutex> l(log_detail::mu);
	size_t n = 0;

	for (auto &s : log_detail::lines)
		if (s.find(needle) != std::string::npos)
			++n;
	return n;
}

} // namespace lt

// LwktCpus<N> whose test sees the core's log from before the CPUs start
// until after they stopped.
template <int N = 1>
class LwktLogTest : public LwktCpus<N> {
protected:
	lt::LogCapture log_;
};

#endif // LWKT_TESTS_LOG_CAPTURE_H
