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
#include "error.h"
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

static void put(const char *dir, const char *file, const char *text)
{
	char *path = para_xstrfmt("%s/%s", dir, file);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(path);
}

/* A fake tree (PARA_TEST_CGROUP_ROOT): what is written where. */
static void test_fake_tree(void **state)
{
	char dir[] = "/tmp/para-cgroup-XXXXXX", *text;
	struct para_cgroup_root root;
	struct para_cgroup run, cg, back;
	struct para_strvec rec = PARA_STRVEC_INIT, names = PARA_STRVEC_INIT;

	(void)state;
	assert_non_null(mkdtemp(dir));
	setenv("PARA_TEST_CGROUP_ROOT", dir, 1);
	assert_int_equal(para_cgroup_probe(&root), 0);
	assert_true(root.can_create);
	assert_false(root.can_limit);
	assert_non_null(strstr(root.reason, "controllers are not available"));
	para_cgroup_root_dispose(&root);

	put(dir, "cgroup.controllers", "cpuset cpu io memory pids\n");
	assert_int_equal(para_cgroup_probe(&root), 0);
	assert_true(root.can_limit);
	assert_null(root.reason);
	assert_null(root.own.memory);

	assert_int_equal(para_cgroup_create(&run, &root.own, "git-para.1.2", 1),
			 0);
	assert_int_equal(para_cgroup_create(&cg, &run, "task-a.1", 1), 0);
	assert_int_equal(para_cgroup_set_memory(&cg, 1073741824LL), 0);
	assert_int_equal(para_cgroup_set_cpus(&cg, 1.5), 0);
	assert_int_equal(para_cgroup_attach(&cg, 4242), 0);
	assert_int_equal(para_cgroup_kill(&cg), 0);
	assert_file(dir, "cgroup.subtree_control", "+memory +cpu");
	assert_file(run.path, "cgroup.subtree_control", "+memory +cpu");
	assert_file(cg.path, "memory.max", "1073741824");
	assert_file(cg.path, "cpu.max", "150000 100000");
	assert_file(cg.path, "cgroup.procs", "4242");
	assert_file(cg.path, "cgroup.kill", "1");
	assert_int_equal(para_cgroup_oom_kills(&cg), 0);
	put(cg.path, "memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 2\n");
	assert_int_equal(para_cgroup_oom_kills(&cg), 2);

	/* a fake tree's process is in it while it lives */
	put(cg.path, "cgroup.procs", "999999999\n");
	assert_true(para_cgroup_empty(&cg));
	text = para_xstrfmt("%ld\n", (long)getpid());
	put(cg.path, "cgroup.procs", text);
	free(text);
	assert_false(para_cgroup_empty(&cg));

	para_cgroup_record(&rec, &cg);
	assert_int_equal(rec.nr, 1);
	assert_string_equal(rec.v[0], cg.path);
	assert_int_equal(para_cgroup_from_record(&back, &rec), 0);
	assert_string_equal(back.path, cg.path);
	assert_null(back.memory);
	para_cgroup_dispose(&back);

	assert_int_equal(para_cgroup_list(&names, &root.own, "git-para."), 0);
	assert_int_equal(names.nr, 1);
	assert_string_equal(names.v[0], "git-para.1.2");
	para_strvec_dispose(&names);

	put(cg.path, "cgroup.procs", "");
	assert_int_equal(para_cgroup_remove(&cg), 0);
	assert_int_equal(access(cg.path, F_OK), -1);
	assert_int_equal(para_cgroup_remove(&run), 0);
	assert_int_equal(access(run.path, F_OK), -1);
	/* gone already is fine */
	assert_int_equal(para_cgroup_remove(&cg), 0);
	para_cgroup_dispose(&cg);
	para_cgroup_dispose(&run);
	para_cgroup_root_dispose(&root);
	para_strvec_dispose(&rec);
	text = para_xstrfmt("rm -rf '%s'", dir);
	assert_int_equal(system(text), 0);
	free(text);
	unsetenv("PARA_TEST_CGROUP_ROOT");
}
/* What was recorded comes back; what was not is refused. */
static void test_record(void **state)
{
	struct para_cgroup cg = { "/sys/fs/cgroup/unified/g/t.1",
				  "/sys/fs/cgroup/memory/g/t.1",
				  "/sys/fs/cgroup/cpu/g/t.1" }, back;
	struct para_strvec rec = PARA_STRVEC_INIT;

	(void)state;
	para_cgroup_record(&rec, &cg);
	assert_int_equal(rec.nr, 3);
	assert_string_equal(rec.v[1], "memory:/sys/fs/cgroup/memory/g/t.1");
	assert_string_equal(rec.v[2], "cpu:/sys/fs/cgroup/cpu/g/t.1");
	assert_int_equal(para_cgroup_from_record(&back, &rec), 0);
	assert_string_equal(back.path, cg.path);
	assert_string_equal(back.memory, cg.memory);
	assert_string_equal(back.cpu, cg.cpu);
	para_cgroup_dispose(&back);
	para_strvec_dispose(&rec);
	para_strvec_push(&rec, "memory:/x");
	para_strvec_push(&rec, "relative/path");
	assert_int_equal(para_cgroup_from_record(&back, &rec), PARA_ENOTFOUND);
	assert_null(back.path);
	para_strvec_dispose(&rec);
}

/* A group of our own in the real hierarchy, or a skip. */
static int real_group(struct para_cgroup_root *root, struct para_cgroup *cg,
		      int limits)
{
	char name[64];

	if (para_cgroup_probe(root) < 0 || !root->can_create ||
	    (limits && !root->can_limit))
		return -1;
	snprintf(name, sizeof(name), "para-test-%ld", (long)getpid());
	return para_cgroup_create(cg, &root->own, name, limits);
}

/*
 * The real hierarchy, where we may write to it (root on these machines):
 * a daemon that left its session is killed with the cgroup.
 */
static void test_real_kill(void **state)
{
	struct para_cgroup_root root;
	struct para_cgroup cg;
	pid_t pid;
	int status;

	(void)state;
	if (real_group(&root, &cg, 0) < 0) {
		para_cgroup_root_dispose(&root);
		skip();
	}
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		if (para_cgroup_attach(&cg, 0) < 0)
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
	while (para_cgroup_empty(&cg))
		usleep(10000);	/* the grandchild may not have forked yet */
	assert_int_equal(para_cgroup_kill(&cg), 0);
	while (!para_cgroup_empty(&cg))
		usleep(10000);
	assert_int_equal(para_cgroup_remove(&cg), 0);
	assert_int_equal(access(cg.path, F_OK), -1);
	para_cgroup_dispose(&cg);
	para_cgroup_root_dispose(&root);
}

/*
 * Where limits can be set (v2 controllers, or v1 ones on a hybrid
 * system): a child that allocates past the memory limit is killed by the
 * kernel, and the kill is counted.
 */
static void test_real_oom(void **state)
{
	struct para_cgroup_root root;
	struct para_cgroup cg;
	pid_t pid;
	int status;

	(void)state;
	if (real_group(&root, &cg, 1) < 0) {
		para_cgroup_root_dispose(&root);
		skip();
	}
	assert_int_equal(para_cgroup_set_memory(&cg, 32LL << 20), 0);
	assert_int_equal(para_cgroup_set_cpus(&cg, 1), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		size_t i, size = (size_t)256 << 20;
		char *p;

		if (para_cgroup_attach(&cg, 0) < 0)
			_exit(1);
		p = malloc(size);
		for (i = 0; p && i < size; i += 4096)
			p[i] = 1;
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
	assert_true(para_cgroup_oom_kills(&cg) >= 1);
	assert_true(para_cgroup_empty(&cg));
	assert_int_equal(para_cgroup_remove(&cg), 0);
	assert_int_equal(access(cg.path, F_OK), -1);
	if (cg.memory)
		assert_int_equal(access(cg.memory, F_OK), -1);
	para_cgroup_dispose(&cg);
	para_cgroup_root_dispose(&root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fake_tree),
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_real_kill),
		cmocka_unit_test(test_real_oom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
