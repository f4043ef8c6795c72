/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Type-safe helpers around struct lwkt_list (include/lwkt/list.h).
 * A ThreadList type names which node of a thread it links (RunList:
 * td_threadq, AllList: td_allq), so a run queue cannot be walked through
 * td_allq by mistake.
 */
#ifndef LWKT_CORE_LIST_H
#define LWKT_CORE_LIST_H

#include <lwkt/thread.h>

namespace lwkt {

inline void list_init(struct lwkt_list *l)
{
	l->next = l;
	l->prev = l;
}

inline bool list_empty(const struct lwkt_list *l)
{
	return l->next == l;
}

/* Insert @n before @at (at the tail when @at is the head). */
inline void list_insert_before(struct lwkt_list *at, struct lwkt_list *n)
{
	n->prev = at->prev;
	n->next = at;
	at->prev->next = n;
	at->prev = n;
}

/* Unlink @n and leave it pointing at itself ("on no list"). */
inline void list_remove(struct lwkt_list *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	list_init(n);
}

/* True when a node initialised by list_init() is linked somewhere. */
inline bool list_linked(const struct lwkt_list *n)
{
	return n->next != n;
}

/* Off: offset of the linking node inside struct lwkt_thread. */
template <unsigned long Off>
class ThreadList {
public:
	explicit ThreadList(struct lwkt_list *head) : head_(head) {}

	static struct lwkt_list *node(struct lwkt_thread *td)
	{
		return reinterpret_cast<struct lwkt_list *>(
			reinterpret_cast<char *>(td) + Off);
	}
	/* container_of */
	static struct lwkt_thread *owner(struct lwkt_list *n)
	{
		return reinterpret_cast<struct lwkt_thread *>(
			reinterpret_cast<char *>(n) - Off);
	}

	bool empty() const { return list_empty(head_); }
	struct lwkt_thread *first() const
	{
		return empty() ? nullptr : owner(head_->next);
	}
	/* The thread after @td, or nullptr at the end. */
	struct lwkt_thread *next(struct lwkt_thread *td) const
	{
		struct lwkt_list *n = node(td)->next;

		return n == head_ ? nullptr : owner(n);
	}
	void push_tail(struct lwkt_thread *td)
	{
		list_insert_before(head_, node(td));
	}
	void push_head(struct lwkt_thread *td)
	{
		list_insert_before(head_->next, node(td));
	}
	static void remove(struct lwkt_thread *td) { list_remove(node(td)); }

private:
	struct lwkt_list *head_;
};

using RunList = ThreadList<__builtin_offsetof(struct lwkt_thread, td_threadq)>;
using AllList = ThreadList<__builtin_offsetof(struct lwkt_thread, td_allq)>;

} // namespace lwkt

#endif /* LWKT_CORE_LIST_H */
