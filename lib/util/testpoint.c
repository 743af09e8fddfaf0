#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "testpoint.h"

static int named(const char *var, const char *step)
{
	const char *v = getenv(var);

	return v && !strcmp(v, step);
}

void para_test_crash(const char *step)
{
	if (named("GIT_TEST_PARA_CRASH", step))
		kill(getpid(), SIGKILL);
}

int para_test_fail(const char *step)
{
	if (!named("GIT_TEST_PARA_FAIL", step))
		return 0;
	errno = ENOSPC;
	return para_error_errno(PARA_ERROR, "cannot write at step '%s'", step);
}
