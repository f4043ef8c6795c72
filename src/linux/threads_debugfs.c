// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs "threads": every LWKT thread, one line each
 * (Documentation/debugfs.rst).
 *
 * A CPU's thread list may only be walked by that CPU, in LWKT context. So
 * open() posts a request to each hosted CPU and waits: the CPU copies its
 * threads into the request (lwkt_threads_snapshot()) at its next switch
 * (the switch trace hook, enabled by LWKT_TRACE_SNAPSHOT while requests are
 * out) or, when it has nothing to run, in its idle loop after being woken.
 * The reader then formats the copy at leisure; no live thread is touched
 * outside its CPU.
 */
#include <linux/debugfs.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "ctl/threads_view.h"
#include "linux/internal.h"

struct lwkt_threads_req {
	struct lwkt_thread_snap *snap;
	unsigned int cap;
	unsigned int n;		/* threads found (may exceed cap) */
	struct completion done;
};

/* The request each CPU has to serve, or NULL; taken with xchg(). */
static DEFINE_PER_CPU(struct lwkt_threads_req *, lwkt_threads_pending);
/* One reader at a time owns the requests and the mask bit. */
static DEFINE_MUTEX(lwkt_threads_lock);

/* In LWKT context on @gd's CPU, inside a critical section. */
void lwkt_threads_serve(struct lwkt_globaldata *gd)
{
	struct lwkt_threads_req **slot, *req;

	slot = per_cpu_ptr(&lwkt_threads_pending, gd->gd_cpuid);
	/* The idle loop calls this at every turn: no locked op for nothing. */
	if (!READ_ONCE(*slot))
		return;
	req = xchg(slot, NULL);
	if (!req)
		return;
	req->n = lwkt_threads_snapshot(gd, req->snap, req->cap);
	complete(&req->done);
}

/* As a call from outside LWKT context: reaches a CPU that never switches. */
static void lwkt_threads_serve_here(void *arg)
{
	lwkt_threads_serve(lwkt_mycpu());
}

/* Take back a request no CPU has started; else wait until it is served. */
static void lwkt_threads_withdraw(unsigned int cpu, struct lwkt_threads_req *req)
{
	if (cmpxchg(per_cpu_ptr(&lwkt_threads_pending, cpu), req, NULL) != req)
		wait_for_completion(&req->done);
}

/* Snapshot one CPU into @req (allocated here); -EINTR on a signal. */
static int lwkt_threads_one(unsigned int cpu, struct lwkt_threads_req *req)
{
	struct lwkt_globaldata *gd = lwkt_cpu_gd(cpu);
	unsigned int want = READ_ONCE(gd->gd_cnt.threads) + 16;
	int err;

	for (;;) {
		req->cap = want;
		req->snap = kvmalloc_array(want, sizeof(*req->snap), GFP_KERNEL);
		if (!req->snap)
			return -ENOMEM;
		init_completion(&req->done);
		xchg(per_cpu_ptr(&lwkt_threads_pending, cpu), req);
		/*
		 * A CPU whose only thread yields forever never switches, so
		 * the switch hook alone would not serve it: a call does.
		 */
		lwkt_host_run_on(cpu, lwkt_threads_serve_here, NULL, 0,
				 MAX_SCHEDULE_TIMEOUT);
		err = wait_for_completion_interruptible(&req->done);
		if (err) {
			lwkt_threads_withdraw(cpu, req);
			kvfree(req->snap);
			req->snap = NULL;
			return -EINTR;
		}
		if (req->n <= req->cap)
			return 0;
		/* Threads were created meanwhile: retry with room to spare. */
		want = req->n + req->n / 4 + 16;
		kvfree(req->snap);
		req->snap = NULL;
	}
}

struct lwkt_threads_view {
	unsigned int n;
	struct lwkt_thread_snap snap[];
};

static struct lwkt_threads_view *lwkt_threads_collect(void)
{
	struct lwkt_threads_req *reqs;
	struct lwkt_threads_view *v = NULL;
	unsigned int cpu, total = 0;
	int err = 0;

	reqs = kcalloc(nr_cpu_ids, sizeof(*reqs), GFP_KERNEL);
	if (!reqs)
		return ERR_PTR(-ENOMEM);
	if (mutex_lock_interruptible(&lwkt_threads_lock)) {
		kfree(reqs);
		return ERR_PTR(-EINTR);
	}
	set_bit(LWKT_TRACE_SNAPSHOT, &lwkt_trace_mask);
	for_each_cpu(cpu, lwkt_hosted_mask()) {
		err = lwkt_threads_one(cpu, &reqs[cpu]);
		if (err)
			break;
		total += reqs[cpu].n;
	}
	clear_bit(LWKT_TRACE_SNAPSHOT, &lwkt_trace_mask);
	mutex_unlock(&lwkt_threads_lock);

	if (!err) {
		v = kvmalloc(struct_size(v, snap, total), GFP_KERNEL);
		if (!v)
			err = -ENOMEM;
	}
	if (!err) {
		v->n = 0;
		for_each_cpu(cpu, lwkt_hosted_mask()) {
			memcpy(&v->snap[v->n], reqs[cpu].snap,
			       reqs[cpu].n * sizeof(*v->snap));
			v->n += reqs[cpu].n;
		}
	}
	for_each_cpu(cpu, lwkt_hosted_mask())
		kvfree(reqs[cpu].snap);
	kfree(reqs);
	return err ? ERR_PTR(err) : v;
}

/* seq_file position 0 is the header, position i the thread i - 1. */
static void *lwkt_threads_start(struct seq_file *m, loff_t *pos)
{
	struct lwkt_threads_view *v = m->private;

	return *pos <= v->n ? (void *)(uintptr_t)(*pos + 1) : NULL;
}

static void *lwkt_threads_next(struct seq_file *m, void *p, loff_t *pos)
{
	++*pos;
	return lwkt_threads_start(m, pos);
}

static void lwkt_threads_stop(struct seq_file *m, void *p)
{
}

static int lwkt_threads_show(struct seq_file *m, void *p)
{
	struct lwkt_threads_view *v = m->private;
	unsigned long i = (uintptr_t)p - 1;
	char line[256];

	if (lwkt_threads_format(i ? &v->snap[i - 1] : NULL, line,
				sizeof(line)) < 0)
		return -EOVERFLOW;
	seq_puts(m, line);
	return 0;
}

static const struct seq_operations lwkt_threads_seq_ops = {
	.start	= lwkt_threads_start,
	.next	= lwkt_threads_next,
	.stop	= lwkt_threads_stop,
	.show	= lwkt_threads_show,
};

static int lwkt_threads_open(struct inode *inode, struct file *file)
{
	struct lwkt_threads_view *v;
	int err;

	v = lwkt_threads_collect();
	if (IS_ERR(v))
		return PTR_ERR(v);
	err = seq_open(file, &lwkt_threads_seq_ops);
	if (err) {
		kvfree(v);
		return err;
	}
	((struct seq_file *)file->private_data)->private = v;
	return 0;
}

static int lwkt_threads_release(struct inode *inode, struct file *file)
{
	kvfree(((struct seq_file *)file->private_data)->private);
	return seq_release(inode, file);
}

static const struct file_operations lwkt_threads_fops = {
	.owner		= THIS_MODULE,
	.open		= lwkt_threads_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= lwkt_threads_release,
};

void lwkt_threads_init(struct dentry *parent)
{
	debugfs_create_file("threads", 0444, parent, NULL, &lwkt_threads_fops);
}
