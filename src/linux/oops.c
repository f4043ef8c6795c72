// SPDX-License-Identifier: GPL-2.0
/*
 * An oops on a host names the LWKT thread that was running: the kernel's
 * report names only the host task ("Comm: lwkt/N"), which runs every LWKT
 * thread of its CPU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kdebug.h>
#include <linux/notifier.h>

#include "linux/internal.h"

static int lwkt_oops_notify(struct notifier_block *nb, unsigned long val,
			    void *data)
{
	struct lwkt_globaldata *gd;

	if (val != DIE_OOPS || !lwkt_on_host())
		return NOTIFY_DONE;
	gd = lwkt_mycpu();
	pr_emerg("oops in LWKT thread %s on cpu %d (stack %px..%px)\n",
		 gd->gd_curthread->td_comm, gd->gd_cpuid,
		 gd->gd_curthread->td_kstack,
		 gd->gd_curthread->td_kstack + gd->gd_curthread->td_kstack_size);
	return NOTIFY_DONE;
}

static struct notifier_block lwkt_oops_nb = {
	.notifier_call = lwkt_oops_notify,
};

int lwkt_oops_init(void)
{
	return register_die_notifier(&lwkt_oops_nb);
}

void lwkt_oops_exit(void)
{
	unregister_die_notifier(&lwkt_oops_nb);
}
