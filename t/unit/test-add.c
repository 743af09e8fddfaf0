#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "add.h"
#include "error.h"
#include "lock.h"
#include "strbuf.h"
#include "task-state.h"

extern char **environ;

static char tmpdir[] = "/tmp/para-add-XXXXXX";
static char *repodir;

/* A git of our own: no caller's repository, config or identity. */
static void clean_environment(void)
{
	struct para_strvec names = PARA_STRVEC_INIT;
	char **e;
	size_t i;

	for (e = environ; *e; e++)
		if (!strncmp(*e, "GIT_", 4) || !strncmp(*e, "PARA_", 5))
			para_strvec_push(&names, *e);
	for (i = 0; i < names.nr; i++) {
		*strchr(names.v[i], '=') = '\0';
		unsetenv(names.v[i]);
	}
	para_strvec_dispose(&names);
	setenv("HOME", tmpdir, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_AUTHOR_NAME", "A U Thor", 1);
	setenv("GIT_AUTHOR_EMAIL", "author@example.com", 1);
	setenv("GIT_COMMITTER_NAME", "C O Mitter", 1);
	setenv("GIT_COMMITTER_EMAIL", "committer@example.com", 1);
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int sh(const char *fmt, ...)
{
	struct para_strbuf cmd = PARA_STRBUF_INIT;
	va_list ap;
	int status;

	va_start(ap, fmt);
	para_strbuf_vaddf(&cmd, fmt, ap);
	va_end(ap);
	status = system(cmd.buf);
	para_strbuf_dispose(&cmd);
	return status;
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	clean_environment();
	repodir = para_xstrfmt("%s/repo", tmpdir);
	if (sh("cd '%s' && git init -q -b main repo && cd repo && "
	       "mkdir -p src/api lib && echo a >src/api/a.c && "
	       "echo l >lib/l && git add . && git commit -q -m init",
	       tmpdir) || chdir(repodir) < 0)
		return -1;
	return para_lib_init();
}

static int teardown(void **state)
{
	(void)state;
	if (chdir("/") < 0 || sh("rm -rf '%s'", tmpdir))
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	free(repodir);
	return 0;
}

/* One transaction on the test repository, with `-c`-style config. */
struct fixture {
	struct para_repo *repo;
	struct para_config *config;
	struct para_add *add;
};

static void open_add(struct fixture *fx, const char *config,
		     const struct para_add_options *opts)
{
	if (config)
		setenv("GIT_CONFIG_PARAMETERS", config, 1);
	else
		unsetenv("GIT_CONFIG_PARAMETERS");
	assert_int_equal(para_repo_open(&fx->repo), 0);
	assert_int_equal(para_config_open(&fx->config, fx->repo), 0);
	assert_int_equal(para_add_new(&fx->add, fx->repo, fx->config, opts), 0);
}

static void close_add(struct fixture *fx)
{
	para_add_free(fx->add);
	para_config_free(fx->config);
	para_repo_free(fx->repo);
	unsetenv("GIT_CONFIG_PARAMETERS");
}

static int plan(struct fixture *fx, const char *name, const char *paths)
{
	struct para_strvec p = PARA_STRVEC_INIT;
	struct para_add_input in = { 0 };
	int error;

	para_strvec_split(&p, paths);
	in.name = name;
	in.paths = &p;
	error = para_add_plan(fx->add, &in);
	para_strvec_dispose(&p);
	return error;
}

static void assert_error_contains(const char *what)
{
	if (!strstr(para_error_last(), what))
		fail_msg("error '%s' does not say '%s'", para_error_last(), what);
}

static char *head_hex(void)
{
	struct para_strbuf out = PARA_STRBUF_INIT;
	FILE *f = popen("git rev-parse HEAD", "r");
	char buf[64];

	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	pclose(f);
	para_strbuf_add(&out, buf, strcspn(buf, "\n"));
	return para_strbuf_detach(&out);
}

static void test_plan_from_issue(void **state)
{
	struct para_strvec paths = PARA_STRVEC_INIT;
	struct para_add_input in = { 0 };
	struct para_add_options offline = { 0 };
	struct fixture fx;
	const struct para_task *t;
	char *head = head_hex(), *wt;

	(void)state;
	offline.offline = 1;
	open_add(&fx, NULL, &offline);
	para_strvec_split(&paths, "src/api/ src/api lib");
	in.issue = "#42";
	in.paths = &paths;
	assert_int_equal(para_add_plan(fx.add, &in), 0);
	assert_int_equal(para_add_count(fx.add), 1);
	t = para_add_task(fx.add, 0);
	assert_string_equal(t->name, "issue-42");
	assert_string_equal(t->issue, "42");
	assert_string_equal(t->branch, "solve/issue-42");
	assert_string_equal(t->prompt, "Solve issue #42");
	assert_string_equal(t->base, head);
	assert_string_equal(t->base_ref, "refs/heads/main");
	assert_int_equal(t->paths.nr, 2);
	assert_string_equal(t->paths.v[0], "src/api");
	assert_string_equal(t->paths.v[1], "lib");
	wt = para_xstrfmt("%s/repo-worktrees/issue-42", tmpdir);
	assert_string_equal(t->worktree, wt);
	free(wt);
	free(head);
	para_strvec_dispose(&paths);
	close_add(&fx);
}

static void test_plan_branch_and_base(void **state)
{
	struct para_add_input in = { 0 };
	struct fixture fx;

	(void)state;
	open_add(&fx, "'para.branchPrefix'='feat/'", NULL);
	assert_int_equal(plan(&fx, "one", ""), 0);
	assert_string_equal(para_add_task(fx.add, 0)->branch, "feat/one");
	in.name = "two";
	in.branch = "mine";
	in.base = "HEAD";
	assert_int_equal(para_add_plan(fx.add, &in), 0);
	assert_string_equal(para_add_task(fx.add, 1)->branch, "mine");
	in.name = "three";
	in.branch = NULL;
	in.base = "nosuchrev";
	assert_true(para_add_plan(fx.add, &in) < 0);
	assert_error_contains("invalid base for task 'three'");
	assert_int_equal(para_add_count(fx.add), 2);
	close_add(&fx);
}

/* Each refusal names the rule, and leaves the plan as it was. */
static void test_plan_refusals(void **state)
{
	struct para_add_options sparse = { .sparse = 1 };
	struct para_add_input in = { 0 };
	struct fixture fx;

	(void)state;
	open_add(&fx, NULL, NULL);
	assert_true(plan(&fx, "A", "") < 0);
	assert_error_contains("invalid task name 'A'");
	assert_true(plan(&fx, NULL, "") < 0);
	assert_error_contains("a task needs a name or --issue <n>");
	assert_true(plan(&fx, "pat", "src/../x") < 0);
	assert_error_contains("invalid path pattern 'src/../x'");
	in.name = "br";
	in.branch = "bad..name";
	assert_true(para_add_plan(fx.add, &in) < 0);
	assert_error_contains("'bad..name' is not a valid branch name");
	assert_int_equal(para_add_count(fx.add), 0);
	close_add(&fx);

	open_add(&fx, NULL, &sparse);
	assert_true(plan(&fx, "nodomain", "") < 0);
	assert_error_contains("--sparse needs a domain");
	assert_int_equal(plan(&fx, "withdomain", "lib"), 0);
	assert_true(para_add_task(fx.add, 0)->sparse);
	close_add(&fx);
}

/* The tasks lock is free again after a refused check. */
static void assert_lock_free(struct fixture *fx)
{
	struct para_lock lock = PARA_LOCK_INIT;

	assert_int_equal(para_state_lock(&lock, fx->repo, "tasks", 0), 0);
	para_lock_release(&lock);
}

static void test_check_overlap(void **state)
{
	struct para_add_options allow = { .allow_overlap = 1 };
	struct fixture fx;

	(void)state;
	open_add(&fx, NULL, NULL);
	assert_int_equal(plan(&fx, "wide", "src/*"), 0);
	assert_int_equal(plan(&fx, "narrow", "src/api/x"), 0);
	assert_true(para_add_check(fx.add) < 0);
	assert_error_contains("the domain of task 'narrow' overlaps task "
			      "'wide': 'src/api/x' and 'src/*' both cover "
			      "'src/api/x'");
	assert_lock_free(&fx);
	close_add(&fx);

	open_add(&fx, NULL, &allow);
	assert_int_equal(plan(&fx, "wide", "src/*"), 0);
	assert_int_equal(plan(&fx, "narrow", "src/api/x"), 0);
	assert_int_equal(para_add_check(fx.add), 0);
	close_add(&fx);
}

static char *write_manifest(const char *name, const char *text)
{
	char *path = para_xstrfmt("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_check_cycle_and_lines(void **state)
{
	char *cycle = write_manifest("cycle.ini", "[a]\nafter = b\n"
				     "[b]\nafter = a\n");
	char *bad = write_manifest("bad.ini", "[ok]\npaths = lib\n\n"
				   "[lk]\nlocks = x!\n");
	struct fixture fx;
	char *want;

	(void)state;
	open_add(&fx, NULL, NULL);
	assert_int_equal(para_add_plan_manifest(fx.add, cycle, NULL), 0);
	assert_int_equal(para_add_count(fx.add), 2);
	assert_true(para_add_check(fx.add) < 0);
	want = para_xstrfmt("%s: dependency cycle: a -> b -> a", cycle);
	assert_string_equal(para_error_last(), want);
	free(want);
	assert_lock_free(&fx);
	close_add(&fx);

	open_add(&fx, NULL, NULL);
	assert_true(para_add_plan_manifest(fx.add, bad, NULL) < 0);
	want = para_xstrfmt("%s:4: invalid lock name 'x!'", bad);
	assert_error_contains(want);
	free(want);
	close_add(&fx);
	free(cycle);
	free(bad);
}

/* Nothing of task `name` is left: state, branch, worktree, metadata. */
static void assert_no_task(struct fixture *fx, const char *name)
{
	char *ref = para_xstrfmt("refs/heads/solve/%s", name);
	char *wt = para_xstrfmt("%s/repo-worktrees/%s", tmpdir, name);
	char *meta = para_xstrfmt("%s/.git/worktrees/%s", repodir, name);

	assert_false(para_state_exists(fx->repo, name));
	assert_false(para_repo_ref_exists(fx->repo, ref));
	assert_int_not_equal(access(wt, F_OK), 0);
	assert_int_not_equal(access(meta, F_OK), 0);
	free(ref);
	free(wt);
	free(meta);
}

static void test_create_and_refuse_again(void **state)
{
	struct fixture fx;
	char *wt = para_xstrfmt("%s/repo-worktrees/made", tmpdir);

	(void)state;
	open_add(&fx, NULL, NULL);
	assert_int_equal(plan(&fx, "made", "made"), 0);
	assert_int_equal(para_add_check(fx.add), 0);
	assert_int_equal(para_add_create(fx.add), 0);
	assert_true(para_state_exists(fx.repo, "made"));
	assert_true(para_repo_ref_exists(fx.repo, "refs/heads/solve/made"));
	assert_int_equal(access(wt, F_OK), 0);
	assert_lock_free(&fx);
	close_add(&fx);

	open_add(&fx, NULL, NULL);
	assert_int_equal(plan(&fx, "made", "other"), 0);
	assert_true(para_add_check(fx.add) < 0);
	assert_string_equal(para_error_last(), "task 'made' already exists");
	close_add(&fx);
	free(wt);
}

/* The second task's setup fails: the first is removed too. */
static void test_rollback_failed_setup(void **state)
{
	struct fixture fx;

	(void)state;
	open_add(&fx, "'para.setup'='test \"$PARA_TASK\" != second'", NULL);
	assert_int_equal(plan(&fx, "first", "first"), 0);
	assert_int_equal(plan(&fx, "second", "second"), 0);
	assert_int_equal(para_add_check(fx.add), 0);
	assert_true(para_add_create(fx.add) < 0);
	assert_error_contains("para.setup failed in");
	assert_error_contains("(exit code 1); task 'second' was not created");
	assert_false(para_add_interrupted(fx.add));
	assert_no_task(&fx, "first");
	assert_no_task(&fx, "second");
	assert_lock_free(&fx);
	close_add(&fx);
}

/* A worktree directory git cannot create: nothing of the task stays. */
static void test_rollback_uncreatable_worktree(void **state)
{
	struct fixture fx;
	char *config;

	(void)state;
	assert_int_equal(sh("echo x >'%s/afile'", tmpdir), 0);
	config = para_xstrfmt("'para.worktreeDir'='%s/afile/sub'", tmpdir);
	open_add(&fx, config, NULL);
	assert_int_equal(plan(&fx, "blocked", "blocked"), 0);
	assert_int_equal(para_add_check(fx.add), 0);
	assert_true(para_add_create(fx.add) < 0);
	assert_error_contains("cannot create the worktree of task 'blocked'");
	assert_no_task(&fx, "blocked");
	assert_int_not_equal(access("../afile/sub", F_OK), 0);
	close_add(&fx);
	free(config);
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

/* A signal while para.setup runs: what was made by then is removed. */
static void test_rollback_interrupted(void **state)
{
	struct para_add_options opts = { .interrupted = &stop };
	struct fixture fx;

	(void)state;
	signal(SIGTERM, on_signal);
	open_add(&fx, "'para.setup'='kill -TERM $PPID; echo made >here'",
		 &opts);
	assert_int_equal(plan(&fx, "stopped", "stopped"), 0);
	assert_int_equal(para_add_check(fx.add), 0);
	assert_true(para_add_create(fx.add) < 0);
	assert_int_equal(stop, SIGTERM);
	assert_string_equal(para_error_last(),
			    "interrupted; task 'stopped' was not created");
	assert_true(para_add_interrupted(fx.add));
	assert_no_task(&fx, "stopped");
	close_add(&fx);
	signal(SIGTERM, SIG_DFL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_from_issue),
		cmocka_unit_test(test_plan_branch_and_base),
		cmocka_unit_test(test_plan_refusals),
		cmocka_unit_test(test_check_overlap),
		cmocka_unit_test(test_check_cycle_and_lines),
		cmocka_unit_test(test_create_and_refuse_again),
		cmocka_unit_test(test_rollback_failed_setup),
		cmocka_unit_test(test_rollback_uncreatable_worktree),
		cmocka_unit_test(test_rollback_interrupted),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
