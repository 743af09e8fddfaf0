#ifndef PARA_PARSE_OPTIONS_H
#define PARA_PARSE_OPTIONS_H

#include "strvec.h"

/*
 * Command-line options the way git parses them: `-b x`, `-bx`, `--base x`,
 * `--base=x`, `--no-<bool>`, bundled short booleans, `--` ending the
 * options, options after arguments.  `-h` prints the usage to stdout and
 * exits 129; an unknown option prints "error: unknown option 'x'" and the
 * usage to stderr and exits 129; `--help` opens the man page and
 * `--git-completion-helper` lists the options for bash completion.
 */
enum opt_type {
	OPT_END_,
	OPT_GROUP_,
	OPT_BOOL_,		/* int, set to 1 (or 0 for --no-x) */
	OPT_STRING_,		/* const char *; optional arg with OPT_OPTARG */
	OPT_LIST_,		/* struct para_strvec, repeatable */
	OPT_INT_,		/* int, 0 to OPT_INT_MAX */
	OPT_COUNTUP_		/* int, +1 each time, 0 for --no-x */
};

/* The largest value an OPT_INT takes: beyond it is "out of range". */
#define OPT_INT_MAX 100000

enum opt_flags {
	OPT_OPTARG = 1 << 0,	/* `--x` or `--x=<arg>` only */
	OPT_NONEG = 1 << 1,	/* no `--no-x` form */
	OPT_HIDDEN = 1 << 2	/* not in the usage */
};

struct option {
	enum opt_type type;
	int short_name;
	const char *long_name;
	void *value;
	const char *argh;	/* "<branch>" */
	const char *help;
	int flags;
	const char *defval;	/* value of an OPT_OPTARG string without arg */
};

#define OPT_END() { OPT_END_, 0, NULL, NULL, NULL, NULL, 0, NULL }
#define OPT_GROUP(h) { OPT_GROUP_, 0, NULL, NULL, NULL, (h), 0, NULL }
#define OPT_BOOL(s, l, v, h) { OPT_BOOL_, (s), (l), (v), NULL, (h), 0, NULL }
#define OPT_COUNTUP(s, l, v, h) { OPT_COUNTUP_, (s), (l), (v), NULL, (h), 0, NULL }
#define OPT_STRING(s, l, v, a, h) { OPT_STRING_, (s), (l), (v), (a), (h), OPT_NONEG, NULL }
#define OPT_STRING_OPTARG(s, l, v, a, h, d) \
	{ OPT_STRING_, (s), (l), (v), (a), (h), OPT_OPTARG | OPT_NONEG, (d) }
#define OPT_LIST(s, l, v, a, h) { OPT_LIST_, (s), (l), (v), (a), (h), OPT_NONEG, NULL }
#define OPT_INT(s, l, v, a, h) { OPT_INT_, (s), (l), (v), (a), (h), OPT_NONEG, NULL }

enum parse_opt_flags {
	PARSE_OPT_KEEP_DASHDASH = 1 << 0,	/* leave "--" in the result */
	PARSE_OPT_STOP_AT_NON_OPTION = 1 << 1
};

/*
 * Parses argv[1..]; returns the number of arguments left, moved to the
 * front of argv (argv[0] is dropped).
 */
int parse_options(int argc, const char **argv, const struct option *options,
		  const char *const *usagestr, int flags);

/* Prints the usage to stderr and exits 129. */
void usage_with_options(const char *const *usagestr,
			const struct option *options)
	__attribute__((noreturn));

/* "error: <msg>", then the usage, exit 129. */
void usage_msg_opt(const char *msg, const char *const *usagestr,
		   const struct option *options) __attribute__((noreturn));

#endif
