#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command.h"
#include "parse-options.h"
#include "usage.h"

#define USAGE_OPTS_WIDTH 24
#define USAGE_GAP 2

static void print_usage(FILE *out, const char *const *usagestr,
			const struct option *opts)
{
	const struct option *o;
	int first = 1;

	for (; *usagestr; usagestr++, first = 0)
		fprintf(out, "%s%s\n", first ? "usage: " : "   or: ", *usagestr);
	for (o = opts; o->type != OPT_END_; o++) {
		int pos;

		if (o->flags & OPT_HIDDEN)
			continue;
		if (o->type == OPT_GROUP_) {
			fprintf(out, "\n%s%s", *o->help ? o->help : "",
				*o->help ? ":\n" : "");
			continue;
		}
		if (o == opts)
			fputc('\n', out);
		pos = fprintf(out, "    ");
		if (o->short_name)
			pos += fprintf(out, "-%c%s", o->short_name,
				       o->long_name ? ", " : "");
		if (o->long_name)
			pos += fprintf(out, "--%s", o->long_name);
		if (o->argh)
			pos += fprintf(out, (o->flags & OPT_OPTARG) ? "[=%s]" :
				       " %s", o->argh);
		if (pos <= USAGE_OPTS_WIDTH)
			fprintf(out, "%*s", USAGE_OPTS_WIDTH + USAGE_GAP - pos, "");
		else
			fprintf(out, "\n%*s", USAGE_OPTS_WIDTH + USAGE_GAP, "");
		fprintf(out, "%s\n", o->help);
	}
	fputc('\n', out);
}

void usage_with_options(const char *const *usagestr,
			const struct option *options)
{
	fflush(stdout);
	print_usage(stderr, usagestr, options);
	exit(129);
}

void usage_msg_opt(const char *msg, const char *const *usagestr,
		   const struct option *options)
{
	fflush(stdout);
	fprintf(stderr, "error: %s\n\n", msg);
	usage_with_options(usagestr, options);
}

static void completion_helper(const struct option *opts)
{
	const struct option *o;
	const char *sep = "";

	for (o = opts; o->type != OPT_END_; o++) {
		if (o->type == OPT_GROUP_ || !o->long_name ||
		    (o->flags & OPT_HIDDEN))
			continue;
		printf("%s--%s%s", sep, o->long_name,
		       o->argh && !(o->flags & OPT_OPTARG) ? "=" : "");
		sep = " ";
	}
	printf("%s--", sep);
	for (o = opts; o->type != OPT_END_; o++)
		if ((o->type == OPT_BOOL_ || o->type == OPT_COUNTUP_) &&
		    o->long_name && !(o->flags & (OPT_NONEG | OPT_HIDDEN)))
			printf(" --no-%s", o->long_name);
	putchar('\n');
	exit(0);
}

/* `git help` opens the page; a failure of it is ours: exit 128. */
static void open_manual(void)
{
	struct para_command cmd = PARA_COMMAND_INIT;

	para_strvec_pushv(&cmd.args, (const char *const[]){ "git", "help",
		para_program, NULL });
	fflush(stdout);
	exit(para_command_run(&cmd) ? 128 : 0);
}

static void bad_option(const char *what, const char *name, int is_long,
		       const char *const *usagestr, const struct option *opts)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "%s%s '%s'", what,
		 is_long ? "" : " switch", name);
	usage_msg_opt(msg, usagestr, opts);
}

static int get_int(const char *arg, const char *name, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end)
		die("option '%s' expects a non-negative whole number, not '%s'",
		    name, arg);
	if (errno == ERANGE || n > OPT_INT_MAX)
		die("option '%s' is out of range: '%s' (expected 0 to %d)",
		    name, arg, OPT_INT_MAX);
	*out = (int)n;
	return 0;
}

/*
 * Applies option `o`; `arg` is its inline argument (or NULL) and
 * `next` the following word, consumed when needed.  Returns the number
 * of extra words used, or -1 if an argument is missing.
 */
static int apply(const struct option *o, const char *arg, const char *next,
		 int unset, const char *name)
{
	int used = 0;

	if (unset) {
		if (o->type == OPT_LIST_)
			para_strvec_dispose(o->value);
		else if (o->type == OPT_STRING_)
			*(const char **)o->value = NULL;
		else
			*(int *)o->value = 0;
		return 0;
	}
	if (o->type == OPT_BOOL_ || o->type == OPT_COUNTUP_) {
		*(int *)o->value = o->type == OPT_BOOL_ ? 1 :
				   *(int *)o->value + 1;
		return 0;
	}
	if (!arg && (o->flags & OPT_OPTARG)) {
		*(const char **)o->value = o->defval;
		return 0;
	}
	if (!arg) {
		if (!next)
			return -1;
		arg = next;
		used = 1;
	}
	if (o->type == OPT_STRING_)
		*(const char **)o->value = arg;
	else if (o->type == OPT_LIST_)
		para_strvec_push(o->value, arg);
	else if (o->type == OPT_INT_)
		get_int(arg, name, o->value);
	return used;
}

static int takes_arg(const struct option *o)
{
	return o->type == OPT_STRING_ || o->type == OPT_LIST_ ||
	       o->type == OPT_INT_;
}

/* 1 if `name` (of `len` bytes) is `o`'s long name; 2 if it abbreviates it */
static int long_match(const struct option *o, const char *name, size_t len)
{
	if (!o->long_name || strncmp(o->long_name, name, len))
		return 0;
	return strlen(o->long_name) == len ? 1 : 2;
}

/*
 * Finds the option `--name` names: exactly, as `--no-<name>`, or as an
 * unambiguous abbreviation of either, as git does.  An ambiguous
 * abbreviation is a usage error naming two candidates.
 */
static const struct option *find_long(const struct option *opts,
				      const char *name, size_t len, int *unset,
				      const char *const *usagestr)
{
	const struct option *o, *abbrev = NULL, *other = NULL;
	int abbrev_unset = 0, m;

	*unset = 0;
	for (o = opts; o->type != OPT_END_; o++) {
		if ((m = long_match(o, name, len)) == 1)
			return o;
		if (m == 2) {
			if (abbrev && abbrev != o)
				other = o;
			else
				abbrev = o, abbrev_unset = 0;
		}
	}
	if (len > 3 && !strncmp(name, "no-", 3)) {
		for (o = opts; o->type != OPT_END_; o++) {
			if (o->flags & OPT_NONEG)
				continue;
			if ((m = long_match(o, name + 3, len - 3)) == 1) {
				*unset = 1;
				return o;
			}
			if (m == 2) {
				if (abbrev && abbrev != o)
					other = o;
				else
					abbrev = o, abbrev_unset = 1;
			}
		}
	}
	if (other) {
		char msg[512];

		snprintf(msg, sizeof(msg),
			 "ambiguous option: %.*s (could be --%s%s or --%s)",
			 (int)len, name, abbrev_unset ? "no-" : "",
			 abbrev->long_name, other->long_name);
		usage_msg_opt(msg, usagestr, opts);
	}
	*unset = abbrev_unset;
	return abbrev;
}

static int parse_long(const char **argv, int i, const struct option *opts,
		      const char *const *usagestr)
{
	const char *name = argv[i] + 2;
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct option *o;
	char dashed[256];
	int unset, used;

	o = find_long(opts, name, len, &unset, usagestr);
	snprintf(dashed, sizeof(dashed), "%.*s", (int)len, name);
	if (!o)
		bad_option("unknown option", dashed, 1, usagestr, opts);
	if (eq && (!takes_arg(o) || unset)) {
		snprintf(dashed, sizeof(dashed), "option '%.*s' takes no value",
			 (int)len, name);
		usage_msg_opt(dashed, usagestr, opts);
	}
	used = apply(o, eq ? eq + 1 : NULL,
		     (o->flags & OPT_OPTARG) ? NULL : argv[i + 1], unset,
		     dashed);
	if (used < 0) {
		snprintf(dashed, sizeof(dashed), "option '%.*s' requires a value",
			 (int)len, name);
		usage_msg_opt(dashed, usagestr, opts);
	}
	return used;
}

static int parse_short(const char **argv, int i, const struct option *opts,
		       const char *const *usagestr)
{
	const char *p;

	for (p = argv[i] + 1; *p; p++) {
		const struct option *o;
		char name[2] = { *p, 0 };
		int used;

		for (o = opts; o->type != OPT_END_; o++)
			if (o->short_name == *p)
				break;
		if (o->type == OPT_END_)
			bad_option("unknown", name, 0, usagestr, opts);
		if (!takes_arg(o)) {
			apply(o, NULL, NULL, 0, name);
			continue;
		}
		used = apply(o, p[1] ? p + 1 : NULL, argv[i + 1], 0, name);
		if (used < 0) {
			char msg[64];

			snprintf(msg, sizeof(msg), "switch '%c' requires a value",
				 *p);
			usage_msg_opt(msg, usagestr, opts);
		}
		return used;
	}
	return 0;
}

int parse_options(int argc, const char **argv, const struct option *options,
		  const char *const *usagestr, int flags)
{
	int i, out = 0;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!strcmp(arg, "--")) {
			if (flags & PARSE_OPT_KEEP_DASHDASH)
				argv[out++] = arg;
			for (i++; i < argc; i++)
				argv[out++] = argv[i];
			break;
		}
		if (arg[0] != '-' || !arg[1]) {
			if (flags & PARSE_OPT_STOP_AT_NON_OPTION) {
				for (; i < argc; i++)
					argv[out++] = argv[i];
				break;
			}
			argv[out++] = arg;
			continue;
		}
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help-all")) {
			print_usage(stdout, usagestr, options);
			exit(129);
		}
		if (!strcmp(arg, "--help"))
			open_manual();
		if (!strcmp(arg, "--git-completion-helper"))
			completion_helper(options);
		if (arg[1] == '-')
			i += parse_long(argv, i, options, usagestr);
		else
			i += parse_short(argv, i, options, usagestr);
	}
	argv[out] = NULL;
	return out;
}
