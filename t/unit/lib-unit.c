#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <git2.h>

#include "lib-unit.h"
#include "domain.h"
#include "error.h"
#include "strbuf.h"
#include "strvec.h"

char unit_tmpdir[PATH_MAX];
static char topdir[PATH_MAX];

void unit_sh(const char *fmt, ...)
{
	struct para_strbuf cmd = PARA_STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	para_strbuf_addstr(&cmd, "exec >/dev/null 2>&1; ");
	para_strbuf_vaddf(&cmd, fmt, ap);
	va_end(ap);
	assert_int_equal(system(cmd.buf), 0);
	para_strbuf_dispose(&cmd);
}

struct para_domain *unit_domain(const char *patterns)
{
	struct para_strvec sv = PARA_STRVEC_INIT;
	struct para_domain *d = NULL;

	para_strvec_split(&sv, patterns);
	if (para_domain_new(&d, (const char *const *)sv.v, sv.nr) < 0)
		fail_msg("domain '%s': %s", patterns, para_error_last());
	para_strvec_dispose(&sv);
	return d;
}

unsigned unit_rng(uint64_t *state, unsigned n)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return (unsigned)(*state >> 32) % n;
}

int unit_task_repo_setup(struct unit_task_repo *out, const char *name)
{
	git_oid base;

	memset(out, 0, sizeof(*out));
	snprintf(unit_tmpdir, sizeof(unit_tmpdir), "/tmp/para-%s-XXXXXX", name);
	if (!getcwd(topdir, sizeof(topdir)) || !mkdtemp(unit_tmpdir))
		return -1;
	unit_sh("cd %s && git init -q -b main r && cd r && "
		"git config user.name t && git config user.email t@t && "
		"echo a >a && git add a && git commit -q -m a && "
		"git worktree add -q -b solve/t ../wt", unit_tmpdir);
	if (chdir(unit_tmpdir) < 0 || chdir("r") < 0 ||
	    para_lib_init() < 0 || para_repo_open(&out->repo) < 0)
		return -1;
	para_task_init(&out->task);
	out->task.name = para_strdup("t");
	out->task.branch = para_strdup("solve/t");
	out->task.worktree = para_xstrfmt("%s/wt", unit_tmpdir);
	if (para_repo_resolve_commit(&base, out->repo, "HEAD") < 0)
		return -1;
	out->task.base = para_strdup(git_oid_tostr_s(&base));
	return 0;
}

int unit_task_repo_teardown(struct unit_task_repo *r)
{
	if (chdir(topdir) < 0)
		return -1;
	para_task_dispose(&r->task);
	para_repo_free(r->repo);
	r->repo = NULL;
	unit_sh("rm -rf %s", unit_tmpdir);
	unit_tmpdir[0] = '\0';
	return 0;
}
