#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "strbuf.h"

static char *slurp(const char *dir, const char *file)
{
	char *path = para_xstrfmt("%s/%s", dir, file);
	struct para_strbuf sb = PARA_STRBUF_INIT;

	assert_int_equal(para_strbuf_read_file(&sb, path), 0);
	free(path);
	return para_strbuf_detach(&sb);
}

static void assert_file(const char *dir, const char *file, const char *expect)
{
	char *text = slurp(dir, file);

	assert_string_equal(text, expect);
	free(text);
}

/* A fake tree (PARA_TEST_CGROUP_ROOT): what is written where. */
static void test_fake_tree(void **state)
{
	char dir[] = "/tmp/para-cgroup-XXXXXX", *cg, *text;
	struct para_cgroup_root root;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	setenv("PARA_TEST_CGROUP_ROOT", dir, 1);
	assert_int_equal(para_cgroup_probe(&root), 0);
	assert_true(root.can_create);
	assert_false(root.can_limit);
	assert_non_null(strstr(root.reason, "controllers are not available"));
	para_cgroup_root_dispose(&root);

	text = para_xstrfmt("%s/cgroup.controllers", dir);
	f = fopen(text, "w");
	assert_non_null(f);
	fputs("cpuset cpu io memory pids\n", f);
	fclose(f);
	assert_int_equal(para_cgroup_probe(&root), 0);
	assert_true(root.can_limit);
	assert_null(root.reason);

	assert_int_equal(para_cgroup_create(&cg, &root, "task-a", 1), 0);
	assert_int_equal(para_cgroup_set_memory(cg, 1073741824LL), 0);
	assert_int_equal(para_cgroup_set_cpus(cg, 1.5), 0);
	assert_int_equal(para_cgroup_attach(cg, 4242), 0);
	assert_int_equal(para_cgroup_kill(cg), 0);
	free(text);
	assert_file(dir, "cgroup.subtree_control", "+memory +cpu");
	assert_file(cg, "memory.max", "1073741824");
	assert_file(cg, "cpu.max", "150000 100000");
	assert_file(cg, "cgroup.procs", "4242");
	assert_file(cg, "cgroup.kill", "1");
	assert_int_equal(para_cgroup_remove(cg), 0);
	assert_int_equal(access(cg, F_OK), -1);
	free(cg);
	para_cgroup_root_dispose(&root);
	text = para_xstrfmt("rm -rf '%s'", dir);
	assert_int_equal(system(text), 0);
	free(text);
	unsetenv("PARA_TEST_CGROUP_ROOT");
}

/*
 * The real hierarchy, where we may write to it (root on these machines):
 * a daemon that left its session is killed with the cgroup.
 */
static void test_real_kill(void **state)
{
	struct para_cgroup_root root;
	char *cg, name[64];
	pid_t pid;
	int status;

	(void)state;
	if (para_cgroup_probe(&root) < 0 || !root.can_create) {
		para_cgroup_root_dispose(&root);
		skip();
	}
	snprintf(name, sizeof(name), "para-test-%ld", (long)getpid());
	if (para_cgroup_create(&cg, &root, name, 0) < 0) {
		para_cgroup_root_dispose(&root);
		skip();
	}
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		if (para_cgroup_attach(cg, 0) < 0)
			_exit(1);
		/* double fork and a new session: out of reach of a group kill */
		if (!fork()) {
			setsid();
			if (!fork())
				execlp("sleep", "sleep", "600", (char *)NULL);
			_exit(0);
		}
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	while (para_cgroup_empty(cg))
		usleep(10000);	/* the grandchild may not have forked yet */
	assert_int_equal(para_cgroup_kill(cg), 0);
	while (!para_cgroup_empty(cg))
		usleep(10000);
	assert_int_equal(para_cgroup_remove(cg), 0);
	assert_int_equal(access(cg, F_OK), -1);
	free(cg);
	para_cgroup_root_dispose(&root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fake_tree),
		cmocka_unit_test(test_real_kill),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
