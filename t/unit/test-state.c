#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "error.h"
#include "proc.h"
#include "repo.h"
#include "task-state.h"
#include "strbuf.h"

static char tmpdir[] = "/tmp/para-state-XXXXXX";

static int setup(void **st)
{
	(void)st;
	if (!mkdtemp(tmpdir))
		return -1;
	return para_lib_init();
}

static int teardown(void **st)
{
	char *cmd = para_xstrfmt("rm -rf '%s'", tmpdir);

	(void)st;
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	free(cmd);
	return 0;
}

static struct para_repo fake_repo(void)
{
	struct para_repo repo;

	memset(&repo, 0, sizeof(repo));
	repo.state_dir = tmpdir;
	return repo;
}

static void fill(struct para_task *t, const char *name, const char *prompt)
{
	para_task_init(t);
	t->name = para_strdup(name);
	t->branch = para_strdup("solve/x");
	t->worktree = para_strdup("/tmp/wt/x y");
	t->base = para_strdup("0123456789abcdef0123456789abcdef01234567");
	t->prompt = para_strdup(prompt);
	para_strvec_push(&t->paths, "src/api");
	para_strvec_push(&t->paths, "docs/*.md");
	para_strvec_push(&t->after, "setup-db");
	t->exclusive = 1;
	t->state = PARA_STATE_TIMED_OUT;
	t->exit_code = 124;
	t->proc.pid = 4242;
	t->proc.start = 123456789ULL;
	t->proc.boot_id = para_strdup("boot-id");
	t->started = 1700000000123LL;
	t->stalled = 1700000000456LL;
	t->retrying = 1;
}

/* A prompt full of what breaks naive formats: quotes, ;, #, \, newlines, UTF-8. */
static char *hostile_prompt(size_t size)
{
	static const char piece[] = "say \"hi\"; # not a comment \\ back\\slash\n"
		"\ttab [section] key = value \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 ' \r\n";
	struct para_strbuf sb = PARA_STRBUF_INIT;

	para_strbuf_addstr(&sb, "  leading and trailing spaces ");
	while (sb.len < size)
		para_strbuf_addstr(&sb, piece);
	para_strbuf_addstr(&sb, " end  ");
	return para_strbuf_detach(&sb);
}

static void test_round_trip_100k(void **st)
{
	struct para_repo repo = fake_repo();
	struct para_task in, out;
	char *prompt = hostile_prompt(100 * 1024);

	(void)st;
	fill(&in, "round-trip", prompt);
	in.agent_state = para_strdup("waiting");
	in.agent_message = para_strdup("needs \"approval\"\nto run rm");
	assert_int_equal(para_state_save(&repo, &in), 0);
	assert_int_equal(para_state_load(&out, &repo, "round-trip"), 0);
	assert_string_equal(out.prompt, prompt);
	assert_string_equal(out.worktree, "/tmp/wt/x y");
	assert_int_equal(out.paths.nr, 2);
	assert_string_equal(out.paths.v[1], "docs/*.md");
	assert_string_equal(out.after.v[0], "setup-db");
	assert_int_equal(out.exclusive, 1);
	assert_int_equal(out.state, PARA_STATE_TIMED_OUT);
	assert_int_equal(out.exit_code, 124);
	assert_int_equal(out.proc.pid, 4242);
	assert_true(out.proc.start == 123456789ULL);
	assert_true(out.started == 1700000000123LL);
	assert_null(out.issue);
	assert_string_equal(out.agent_state, "waiting");
	assert_string_equal(out.agent_message, "needs \"approval\"\nto run rm");
	assert_true(out.stalled == 1700000000456LL);
	assert_int_equal(out.retrying, 1);
	para_task_dispose(&in);
	para_task_dispose(&out);
	free(prompt);
}

/* The states of verify and of empty work, and the fields they need. */
static void test_verify_fields_and_states(void **st)
{
	struct para_repo repo = fake_repo();
	struct para_task in, out;
	int i;

	(void)st;
	fill(&in, "verified", "p");
	in.verify = para_strdup("make test && echo \"ok\"\nsecond line");
	in.start_commit = para_strdup("89abcdef0123456789abcdef0123456789abcdef");
	in.state = PARA_STATE_UNVERIFIED;
	assert_int_equal(para_state_save(&repo, &in), 0);
	assert_int_equal(para_state_load(&out, &repo, "verified"), 0);
	assert_string_equal(out.verify, in.verify);
	assert_string_equal(out.start_commit, in.start_commit);
	assert_int_equal(out.state, PARA_STATE_UNVERIFIED);
	para_task_dispose(&out);
	in.state = PARA_STATE_EMPTY;
	assert_int_equal(para_state_save(&repo, &in), 0);
	assert_int_equal(para_state_load(&out, &repo, "verified"), 0);
	assert_int_equal(out.state, PARA_STATE_EMPTY);
	para_task_dispose(&out);
	para_task_dispose(&in);

	assert_string_equal(para_task_state_name(PARA_STATE_UNVERIFIED),
			    "unverified");
	assert_string_equal(para_task_state_name(PARA_STATE_EMPTY), "empty");
	for (i = 0; i < PARA_STATE__COUNT; i++)
		assert_int_equal(para_task_state_parse(
			para_task_state_name((enum para_task_state)i)), i);
	/* empty is done and lets dependents go on; unverified is neither */
	assert_true(para_task_state_done(PARA_STATE_EMPTY));
	assert_true(para_task_state_ok(PARA_STATE_EMPTY));
	assert_true(para_task_state_ok(PARA_STATE_SUCCEEDED));
	assert_false(para_task_state_done(PARA_STATE_UNVERIFIED));
	assert_false(para_task_state_ok(PARA_STATE_UNVERIFIED));
	assert_false(para_task_state_ok(PARA_STATE_MERGED));
	assert_false(para_task_state_ok(PARA_STATE_FAILED));
}

static void test_log_paths(void **st)
{
	struct para_repo repo = fake_repo();
	char *p;

	(void)st;
	p = para_state_log_path(&repo, "t", PARA_STATE_LOG_VERIFY);
	assert_string_equal(p + strlen(tmpdir), "/logs/t..verify.log");
	free(p);
	p = para_state_log_path(&repo, "t", PARA_STATE_LOG_EXEC);
	assert_string_equal(p + strlen(tmpdir), "/logs/t..exec.log");
	free(p);
	p = para_state_log_path(&repo, "t", PARA_STATE_LOG_TASK);
	assert_string_equal(p + strlen(tmpdir), "/logs/t.log");
	free(p);
}

static void write_file(const char *path, const char *data)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(data, f);
	fclose(f);
}

static void test_damaged_and_truncated(void **st)
{
	struct para_repo repo = fake_repo();
	struct para_strbuf data = PARA_STRBUF_INIT;
	struct para_task t, out;
	char *path;

	(void)st;
	fill(&t, "cut", "prompt");
	para_state_format(&data, &t);
	path = para_state_task_path(&repo, "cut");
	/* every truncation point but the final newline is refused */
	para_strbuf_setlen(&data, data.len - 1);
	while (data.len > 0) {
		para_strbuf_setlen(&data, data.len - 1);
		write_file(path, data.buf);
		assert_int_equal(para_state_load(&out, &repo, "cut"),
				 PARA_ECORRUPT);
	}
	write_file(path, "[task\nname = x\n");
	assert_int_equal(para_state_load(&out, &repo, "cut"), PARA_ECORRUPT);
	assert_non_null(strstr(para_error_last(), "damaged state file"));
	write_file(path, "[para]\n\tversion = 99\n[end]\n\tcomplete = true\n");
	assert_int_equal(para_state_load(&out, &repo, "cut"), PARA_ECORRUPT);
	assert_non_null(strstr(para_error_last(), "version 99"));
	free(path);
	para_strbuf_dispose(&data);
	para_task_dispose(&t);
}

/* A file edited by hand in other valid git-config syntax still loads. */
static void test_hand_written(void **st)
{
	struct para_repo repo = fake_repo();
	struct para_task out;
	char *path = para_state_task_path(&repo, "hand");

	(void)st;
	write_file(path,
		"; edited by hand\n"
		"[para] version = 1\n"
		"[TASK]\n"
		"  name=hand ; a comment\n"
		"  branch = solve/hand\n"
		"  worktree = \"/tmp/a b\"\n"
		"  base = 0123456789abcdef0123456789abcdef01234567\n"
		"  prompt = two \\\n words\n"
		"  path = src/a.c\n"
		"[run]\n\tstate = failed\n"
		"[end]\n\tcomplete = true\n");
	assert_int_equal(para_state_load(&out, &repo, "hand"), 0);
	assert_string_equal(out.worktree, "/tmp/a b");
	assert_string_equal(out.prompt, "two  words");
	assert_string_equal(out.paths.v[0], "src/a.c");
	assert_int_equal(out.state, PARA_STATE_FAILED);
	para_task_dispose(&out);
	free(path);
}

static void test_missing_and_list(void **st)
{
	struct para_repo repo = fake_repo();
	struct para_strvec names = PARA_STRVEC_INIT;
	struct para_task t, out;

	(void)st;
	assert_int_equal(para_state_load(&out, &repo, "nothing"),
			 PARA_ENOTFOUND);
	assert_string_equal(para_error_last(), "no such task 'nothing'");
	fill(&t, "listed", "p");
	assert_int_equal(para_state_save(&repo, &t), 0);
	assert_int_equal(para_state_list(&names, &repo), 0);
	assert_true(para_strvec_contains(&names, "listed"));
	assert_int_equal(para_state_remove(&repo, "listed"), 0);
	assert_int_equal(para_state_exists(&repo, "listed"), 0);
	para_strvec_dispose(&names);
	para_task_dispose(&t);
}

/* The tasks' directory is made when missing; one that cannot be is said. */
static void test_save_makes_its_directory(void **st)
{
	struct para_repo repo = fake_repo();
	char *tasks = para_xstrfmt("%s/tasks", tmpdir), *cmd;
	struct para_task t, out;
	struct stat sb;

	(void)st;
	cmd = para_xstrfmt("rm -rf '%s'", tasks);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	fill(&t, "again", "p");
	assert_int_equal(para_state_save(&repo, &t), 0);
	assert_int_equal(stat(tasks, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(para_state_load(&out, &repo, "again"), 0);
	assert_string_equal(out.prompt, "p");
	para_task_dispose(&out);

	/* a file where the directory goes: an error, and nothing written */
	cmd = para_xstrfmt("rm -rf '%s' && : >'%s'", tasks, tasks);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	assert_true(para_state_save(&repo, &t) < 0);
	assert_non_null(strstr(para_error_last(), "tasks"));
	assert_int_equal(stat(tasks, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_size, 0);
	assert_int_equal(unlink(tasks), 0);
	para_task_dispose(&t);
	free(tasks);
}

/* This process is alive as itself, not as a record of its pid's past. */
static void test_self_alive(void **st)
{
	struct para_proc self = { 0 }, other = { 0 };
	pid_t pid;
	int status;

	(void)st;
	assert_int_equal(para_proc_identify(&self, 0), 0);
	assert_int_equal(self.pid, getpid());
	assert_true(para_proc_alive(&self));
	assert_true(para_proc_alive(&self));	/* kept, and still right */
	other.pid = self.pid;
	other.start = self.start + 1;
	other.boot_id = para_strdup(self.boot_id);
	assert_false(para_proc_alive(&other));
	/* a forked child is not its parent, though it asked the same */
	pid = fork();
	if (!pid)
		_exit(para_proc_alive(&self) ? 0 : 1);
	waitpid(pid, &status, 0);
	assert_int_equal(WEXITSTATUS(status), 0);
	pid = fork();
	if (!pid) {
		struct para_proc child = { 0 };

		if (para_proc_identify(&child, 0) < 0)
			_exit(2);
		_exit(para_proc_alive(&child) && child.pid != self.pid ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	assert_int_equal(WEXITSTATUS(status), 0);
	free(self.boot_id);
	free(other.boot_id);
}

static void test_lock_excludes(void **st)
{
	struct para_repo repo = fake_repo();
	struct para_lock a = PARA_LOCK_INIT, b = PARA_LOCK_INIT;
	pid_t pid;
	int status;

	(void)st;
	assert_int_equal(para_state_lock(&a, &repo, "x", 0), 0);
	/* flock is per open file: another process sees it held */
	pid = fork();
	if (!pid)
		_exit(para_state_lock(&b, &repo, "x", 0) == PARA_ELOCKED ? 0 : 1);
	waitpid(pid, &status, 0);
	assert_int_equal(WEXITSTATUS(status), 0);
	para_lock_release(&a);
	assert_int_equal(para_state_lock(&b, &repo, "x", 0), 0);
	para_lock_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_100k),
		cmocka_unit_test(test_verify_fields_and_states),
		cmocka_unit_test(test_log_paths),
		cmocka_unit_test(test_damaged_and_truncated),
		cmocka_unit_test(test_hand_written),
		cmocka_unit_test(test_missing_and_list),
		cmocka_unit_test(test_lock_excludes),
		cmocka_unit_test(test_save_makes_its_directory),
		cmocka_unit_test(test_self_alive),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
