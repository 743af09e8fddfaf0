#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "repo.h"
#include "strbuf.h"
#include "worktree-provision.h"

/*
 * A repository with one task worktree, built with the git CLI in a
 * temporary directory; the tests provision files into the worktree and
 * check what git then sees there.
 */
struct fixture {
	char dir[64];
	char *main, *wt, *old_cwd;
	struct para_repo *repo;
};

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int sh(const char *fmt, ...)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	va_list ap;
	int status;

	va_start(ap, fmt);
	para_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	status = system(sb.buf);
	para_strbuf_dispose(&sb);
	return status;
}

static char *git_out(const char *dir, const char *args)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	char *cmd = para_xstrfmt("git -C '%s' %s", dir, args);
	FILE *p = popen(cmd, "r");
	char buf[4096];
	size_t n;

	assert_non_null(p);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		para_strbuf_add(&sb, buf, n);
	pclose(p);
	free(cmd);
	return para_strbuf_detach(&sb);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	strcpy(fx->dir, "/tmp/para-provision-XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	fx->main = para_xstrfmt("%s/main", fx->dir);
	fx->wt = para_xstrfmt("%s/wt", fx->dir);
	setenv("HOME", fx->dir, 1);
	unsetenv("XDG_CONFIG_HOME");
	if (sh("cd %s && git init -q main && cd main && echo a >a && "
	       "git add a && git -c user.name=t -c user.email=t@t commit -qm i "
	       "&& git worktree add -q ../wt -b task", fx->dir))
		return -1;
	fx->old_cwd = getcwd(NULL, 0);
	if (chdir(fx->main) < 0 || para_lib_init() < 0 ||
	    para_repo_open(&fx->repo) < 0)
		return -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	para_repo_free(fx->repo);
	if (chdir(fx->old_cwd) < 0)
		return -1;
	sh("rm -rf %s", fx->dir);
	free(fx->main);
	free(fx->wt);
	free(fx->old_cwd);
	free(fx);
	return 0;
}

static void test_hidden_from_git(void **state)
{
	struct fixture *fx = *state;
	struct para_provision p = PARA_PROVISION_INIT;
	char *status;

	assert_int_equal(sh("echo SECRET >%s/.env && mkdir %s/build && "
			    "echo o >%s/build/out && echo w >%s/work.c",
			    fx->wt, fx->wt, fx->wt, fx->wt), 0);
	assert_int_equal(para_provision_add(&p, fx->wt, ".env",
					    PARA_PROVISION_COPY), 0);
	assert_int_equal(para_provision_add(&p, fx->wt, "build/",
					    PARA_PROVISION_SETUP), 0);
	assert_int_equal(strlen(p.v[0].hash), 40);
	assert_string_equal(p.v[1].hash, "");
	assert_int_equal(para_provision_save(fx->repo, "task", fx->wt, &p), 0);

	/* the task's own file stays visible; what was provisioned does not */
	status = git_out(fx->wt, "status --porcelain -uall");
	assert_string_equal(status, "?? work.c\n");
	free(status);
	assert_int_equal(sh("git -C %s add -A", fx->wt), 0);
	status = git_out(fx->wt, "diff --cached --name-only");
	assert_string_equal(status, "work.c\n");
	free(status);

	/* the main worktree is not touched */
	assert_int_equal(sh("echo S >%s/.env", fx->main), 0);
	status = git_out(fx->main, "status --porcelain");
	assert_string_equal(status, "?? .env\n");
	free(status);
	para_provision_dispose(&p);
}

static void test_user_excludes_kept(void **state)
{
	struct fixture *fx = *state;
	struct para_provision p = PARA_PROVISION_INIT;
	char *status;

	assert_int_equal(sh("mkdir -p %s/.config/git && "
			    "echo '*.swp' >%s/.config/git/ignore && "
			    "echo x >%s/a.swp && echo y >%s/.env",
			    fx->dir, fx->dir, fx->wt, fx->wt), 0);
	assert_int_equal(para_provision_add(&p, fx->wt, ".env",
					    PARA_PROVISION_COPY), 0);
	assert_int_equal(para_provision_save(fx->repo, "task", fx->wt, &p), 0);
	status = git_out(fx->wt, "status --porcelain");
	assert_string_equal(status, "");
	free(status);
	para_provision_dispose(&p);
}

static void test_round_trip_and_changed(void **state)
{
	struct fixture *fx = *state;
	struct para_provision p = PARA_PROVISION_INIT, q = PARA_PROVISION_INIT;
	struct para_strvec changed = PARA_STRVEC_INIT;

	assert_int_equal(sh("echo one >%s/.env && echo two >'%s/odd name*'",
			    fx->wt, fx->wt), 0);
	assert_int_equal(para_provision_add(&p, fx->wt, ".env",
					    PARA_PROVISION_COPY), 0);
	assert_int_equal(para_provision_add(&p, fx->wt, "odd name*",
					    PARA_PROVISION_SETUP), 0);
	assert_int_equal(para_provision_add(&p, fx->wt, "node_modules/",
					    PARA_PROVISION_SETUP), 0);
	assert_int_equal(para_provision_save(fx->repo, "task", fx->wt, &p), 0);
	assert_int_equal(para_provision_load(&q, fx->repo, "task"), 0);
	assert_int_equal(q.nr, 3);
	assert_string_equal(q.v[1].path, "odd name*");
	assert_int_equal(q.v[1].how, PARA_PROVISION_SETUP);
	assert_string_equal(q.v[0].hash, p.v[0].hash);
	assert_true(para_provision_covers(&q, "node_modules/a/b.js"));
	assert_false(para_provision_covers(&q, "node_modules"));
	assert_false(para_provision_covers(&q, ".envrc"));

	assert_int_equal(para_provision_changed(&changed, &q, fx->wt), 0);
	assert_int_equal(changed.nr, 0);
	assert_int_equal(sh("echo changed >%s/.env && rm '%s/odd name*'",
			    fx->wt, fx->wt), 0);
	assert_int_equal(para_provision_changed(&changed, &q, fx->wt), 0);
	assert_int_equal(changed.nr, 1);
	assert_string_equal(changed.v[0], ".env");

	para_provision_remove(fx->repo, "task");
	para_provision_dispose(&q);
	assert_int_equal(para_provision_load(&q, fx->repo, "task"), 0);
	assert_int_equal(q.nr, 0);
	para_strvec_dispose(&changed);
	para_provision_dispose(&p);
	para_provision_dispose(&q);
}

static void test_scan(void **state)
{
	struct fixture *fx = *state;
	struct para_strvec out = PARA_STRVEC_INIT, mod = PARA_STRVEC_INIT;

	assert_int_equal(sh("echo i >%s/.gitignore && git -C %s add .gitignore"
			    " && mkdir -p %s/d/e && echo x >%s/d/e/f && "
			    "echo y >%s/i && echo z >>%s/a",
			    fx->wt, fx->wt, fx->wt, fx->wt, fx->wt, fx->wt), 0);
	assert_int_equal(para_provision_scan(&out, &mod, fx->wt), 0);
	assert_int_equal(out.nr, 2);
	assert_string_equal(out.v[0], "d/");
	assert_string_equal(out.v[1], "i");
	assert_int_equal(mod.nr, 2);
	para_strvec_dispose(&out);
	para_strvec_dispose(&mod);
}

static void test_damaged_record(void **state)
{
	struct fixture *fx = *state;
	struct para_provision q = PARA_PROVISION_INIT;

	assert_int_equal(sh("mkdir -p %s/.git/para/provision && "
			    "echo 'copy xyz .env' >%s/.git/para/provision/task",
			    fx->main, fx->main), 0);
	assert_int_equal(para_provision_load(&q, fx->repo, "task"),
			 PARA_ECORRUPT);
	para_provision_dispose(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hidden_from_git, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_user_excludes_kept, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_round_trip_and_changed,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_scan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_record, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
