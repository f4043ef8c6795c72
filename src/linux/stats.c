// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs "stats": one counter a line, "<scope> <name> <value>", scope
 * "cpuN" for each hosted CPU and then "all" for the sum.
 */
#include <linux/percpu.h>
#include <linux/seq_file.h>

#include "linux/internal.h"

static const char *const lwkt_counter_names[] = {
#define LWKT_COUNTER_NAME(name) #name,
	LWKT_COUNTERS(LWKT_COUNTER_NAME)
#undef LWKT_COUNTER_NAME
};

static_assert(ARRAY_SIZE(lwkt_counter_names) == LWKT_NR_COUNTERS);

/* The counters live in each CPU's globaldata, written by its host only. */
struct lwkt_counters *lwkt_cpu_counters(unsigned int cpu)
{
	return &lwkt_cpu_gd(cpu)->gd_cnt;
}

/* Counters are written only by their own CPU; a racy sum is fine here. */
static u64 lwkt_counter_get(const struct lwkt_counters *c, unsigned int i)
{
	return READ_ONCE(((const u64 *)c)[i]);
}

void lwkt_counters_sum(struct lwkt_counters *sum)
{
	unsigned int cpu, i;

	memset(sum, 0, sizeof(*sum));
	for_each_cpu(cpu, lwkt_hosted_mask())
		for (i = 0; i < LWKT_NR_COUNTERS; i++)
			((u64 *)sum)[i] += lwkt_counter_get(lwkt_cpu_counters(cpu), i);
}

int lwkt_stats_show(struct seq_file *m, void *unused)
{
	struct lwkt_counters sum;
	unsigned int cpu, i;

	for_each_cpu(cpu, lwkt_hosted_mask())
		for (i = 0; i < LWKT_NR_COUNTERS; i++)
			seq_printf(m, "cpu%u %s %llu\n", cpu, lwkt_counter_names[i],
				   lwkt_counter_get(lwkt_cpu_counters(cpu), i));

	lwkt_counters_sum(&sum);
	for (i = 0; i < LWKT_NR_COUNTERS; i++)
		seq_printf(m, "all %s %llu\n", lwkt_counter_names[i],
			   lwkt_counter_get(&sum, i));
	return 0;
}
