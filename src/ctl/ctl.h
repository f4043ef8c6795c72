/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The debugfs "ctl" contract: a table of workloads, each with typed keys and
 * ranges, a parser for "<workload> key=value ..." lines, and the result
 * buffer a workload fills with "key value" lines.
 *
 * The parser and the formatter are freestanding C++ in src/ctl/, built with
 * the core so the userland tests reach them; the table and the run
 * functions are kernel C in src/workloads/.
 */
#ifndef LWKT_CTL_CTL_H
#define LWKT_CTL_CTL_H

#include <lwkt/types.h>

LWKT_EXTERN_C_BEGIN

#define LWKT_CTL_MAX_KEYS	8
#define LWKT_CTL_LINE_MAX	256
#define LWKT_CTL_RESULT_MAX	4096
/* The largest count any workload accepts (and 0 is never a valid count). */
#define LWKT_CTL_COUNT_MAX	1000000000ULL

enum lwkt_ctl_key_kind {
	LWKT_KEY_COUNT,	/* decimal, within [min, max] (max 0 = COUNT_MAX) */
	LWKT_KEY_CPU,	/* decimal, must name a hosted CPU */
	LWKT_KEY_CHOICE,	/* one word of ->choices; the value is its index */
};

struct lwkt_ctl_key {
	const char *name;
	enum lwkt_ctl_key_kind kind;
	u64 min;
	u64 max;
	u64 def;	/* value used when the key is omitted */
	bool required;
	/* LWKT_KEY_CHOICE: the words, NULL-terminated (min, max unused) */
	const char *const *choices;
};

struct lwkt_ctl_result;
struct lwkt_ctl_request;

/*
 * run() returns 0 when the workload ran to completion (its checks may still
 * have failed: it then sets result->failed), or a negative error, e.g.
 * -LWKT_EINTR when a signal stopped it.
 */
struct lwkt_ctl_workload {
	const char *name;
	const char *help;
	const struct lwkt_ctl_key *keys;
	unsigned int nkeys;
	int (*run)(const struct lwkt_ctl_request *req,
		   struct lwkt_ctl_result *res);
};

struct lwkt_ctl_request {
	const struct lwkt_ctl_workload *wl;
	u64 args[LWKT_CTL_MAX_KEYS];	/* indexed like wl->keys */
};

struct lwkt_ctl_result {
	unsigned long len;
	bool failed;
	bool truncated;
	char buf[LWKT_CTL_RESULT_MAX];
};

/**
 * lwkt_ctl_parse - parse one ctl line against the workload table
 * @table:	workloads
 * @n:		number of entries in @table
 * @line:	the text written (need not be NUL-terminated)
 * @len:	its length; one trailing newline is accepted
 * @cpu_hosted:	predicate for LWKT_KEY_CPU values
 * @req:	filled on success
 * @why:	on failure, a one-line reason (NUL-terminated)
 * @whylen:	size of @why
 *
 * Return: 0, -LWKT_EINVAL (unknown workload or key, duplicate key, missing
 * required key, malformed or non-numeric value, a word that is not one of
 * a choice key's, a workload with more than LWKT_CTL_MAX_KEYS keys) or
 * -LWKT_ERANGE (value out of range, CPU not hosted).
 */
int lwkt_ctl_parse(const struct lwkt_ctl_workload *const *table,
		   unsigned int n, const char *line, unsigned long len,
		   bool (*cpu_hosted)(u64 cpu), struct lwkt_ctl_request *req,
		   char *why, unsigned long whylen);

/**
 * lwkt_ctl_check_table - check a workload table before it is used
 * @table:	workloads
 * @n:		number of entries in @table
 * @why:	on failure, a one-line reason naming the bad entry
 * @whylen:	size of @why
 *
 * Every entry must be non-NULL, with a name no other entry has, a run
 * hook and at most LWKT_CTL_MAX_KEYS keys (the parser's req->args[]);
 * every key must have a name no other key of its workload has and a
 * default within its own range (a count within [min, max], a choice an
 * index of its words).
 *
 * Return: 0, or -LWKT_EINVAL for the first bad entry.
 */
int lwkt_ctl_check_table(const struct lwkt_ctl_workload *const *table,
			 unsigned int n, char *why, unsigned long whylen);

/* Result lines; a line that does not fit sets ->truncated and is dropped. */
void lwkt_result_reset(struct lwkt_ctl_result *res);
void lwkt_result_u64(struct lwkt_ctl_result *res, const char *key, u64 v);
void lwkt_result_s64(struct lwkt_ctl_result *res, const char *key, s64 v);
void lwkt_result_str(struct lwkt_ctl_result *res, const char *key,
		     const char *v);
/* "key num/den" printed with two decimals, rounded; den 0 prints "inf". */
void lwkt_result_ratio(struct lwkt_ctl_result *res, const char *key,
		       u64 num, u64 den);

/* The "help" listing: one line per workload, "<name> <key>=<min>..<max> ...". */
void lwkt_ctl_format_help(const struct lwkt_ctl_workload *const *table,
			  unsigned int n, u64 ncpus,
			  struct lwkt_ctl_result *res);

LWKT_EXTERN_C_END

#endif /* LWKT_CTL_CTL_H */
