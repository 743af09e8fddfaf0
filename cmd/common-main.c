#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hook.h"
#include "usage.h"

static void hook_warning(const char *msg)
{
	warning("%s", msg);
}

/* "git-para-add" or "/x/git-para-add" -> "para-add" */
static const char *program_name(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');
	const char *base = slash ? slash + 1 : argv0;

	return strncmp(base, "git-", 4) ? base : base + 4;
}

int main(int argc, char **argv)
{
	int status;

	para_program = program_name(argc ? argv[0] : "git-para");
	para_hook_set_warning(hook_warning);
	status = cmd_main(argc, (const char **)argv);
	if (fflush(stdout) || ferror(stdout)) {
		if (errno != EPIPE)
			die("write failure on standard output: %s",
			    strerror(errno));
	}
	/* our exit codes are ours: never pass a child's 126/127 or 128+n on */
	if (status < 0)
		status = 128;
	return status;
}
