#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "command.h"

/* Runs `argv` as cmd says; its stdout and stderr into out. */
static int run(struct para_command *cmd, struct para_strbuf *out,
	       const char *const *argv)
{
	para_strvec_pushv(&cmd->args, argv);
	cmd->out = out;
	cmd->err_to_out = 1;
	return para_command_run(cmd);
}

static int sh(struct para_command *cmd, struct para_strbuf *out,
	      const char *script)
{
	return run(cmd, out, (const char *const[]){ "sh", "-c", script, NULL });
}

static void test_environment(void **state)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	struct para_strbuf out = PARA_STRBUF_INIT;

	(void)state;
	setenv("PARA_UNIT_KEPT", "kept", 1);
	setenv("PARA_UNIT_GONE", "there", 1);
	setenv("PARA_UNIT_SET", "old", 1);
	para_strvec_push(&cmd.env, "PARA_UNIT_GONE");
	para_strvec_push(&cmd.env, "PARA_UNIT_SET=first");
	/* the last of two wins, as with setenv() one after the other */
	para_strvec_push(&cmd.env, "PARA_UNIT_SET=second");
	para_strvec_push(&cmd.env, "PARA_UNIT_NEW=new");
	assert_int_equal(sh(&cmd, &out, "echo \"$PARA_UNIT_KEPT "
			    "${PARA_UNIT_GONE-unset} $PARA_UNIT_SET "
			    "$PARA_UNIT_NEW\"; env | grep -c '^PARA_UNIT_SET='"),
			 0);
	assert_string_equal(out.buf, "kept unset second new\n1\n");
	/* ours are as they were */
	assert_string_equal(getenv("PARA_UNIT_GONE"), "there");
	assert_string_equal(getenv("PARA_UNIT_SET"), "old");
	para_strbuf_dispose(&out);
}

static void test_path_of_the_child(void **state)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	struct para_strbuf out = PARA_STRBUF_INIT;

	(void)state;
	/* the program is looked for in the PATH the child gets */
	para_strvec_push(&cmd.env, "PATH=/para-unit-no-such-dir");
	assert_int_equal(run(&cmd, &out, (const char *const[]){ "true", NULL }),
			 127);
	assert_string_equal(out.buf, "fatal: cannot run 'true': No such file "
			    "or directory\n");
	para_strbuf_dispose(&out);
}

static void test_git_clears_repository_variables(void **state)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	struct para_strbuf out = PARA_STRBUF_INIT;

	(void)state;
	setenv("GIT_DIR", "/nowhere", 1);
	setenv("GIT_WORK_TREE", "/nowhere", 1);
	cmd.git = 1;
	cmd.out = &out;
	para_strvec_pushv(&cmd.args, (const char *const[]){
		"-c", "alias.show-env=!echo ${GIT_DIR-unset} "
		"${GIT_WORK_TREE-unset}", "show-env", NULL });
	cmd.dir = "/";
	assert_int_equal(para_command_run(&cmd), 0);
	assert_string_equal(out.buf, "unset unset\n");
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	para_strbuf_dispose(&out);
}

static void test_dir_stdin_and_status(void **state)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	struct para_strbuf out = PARA_STRBUF_INIT;

	(void)state;
	cmd.dir = "/";
	cmd.stdin_null = 1;
	assert_int_equal(sh(&cmd, &out, "pwd; cat; exit 3"), 3);
	assert_string_equal(out.buf, "/\n");
	para_strbuf_reset(&out);
	cmd = (struct para_command)PARA_COMMAND_INIT;
	cmd.in = "fed\n";
	assert_int_equal(sh(&cmd, &out, "cat"), 0);
	assert_string_equal(out.buf, "fed\n");
	para_strbuf_reset(&out);
	cmd = (struct para_command)PARA_COMMAND_INIT;
	/* SIGPIPE is the default again: a writer to a closed pipe dies */
	assert_int_equal(sh(&cmd, &out, "trap - PIPE; kill -PIPE $$"),
			 128 + 13);
	para_strbuf_dispose(&out);
}

static void test_cannot_run(void **state)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	struct para_strbuf out = PARA_STRBUF_INIT;

	(void)state;
	assert_int_equal(run(&cmd, &out, (const char *const[]){
		"para-unit-no-such-program", NULL }), 127);
	assert_string_equal(out.buf, "fatal: cannot run "
			    "'para-unit-no-such-program': No such file or "
			    "directory\n");
	para_strbuf_reset(&out);
	cmd = (struct para_command)PARA_COMMAND_INIT;
	cmd.dir = "/para-unit-no-such-dir";
	assert_int_equal(sh(&cmd, &out, "true"), 128);
	assert_string_equal(out.buf, "fatal: cannot change to "
			    "'/para-unit-no-such-dir': No such file or "
			    "directory\n");
	para_strbuf_dispose(&out);
}

static void test_timeout_kills_the_group(void **state)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	struct para_strbuf out = PARA_STRBUF_INIT;

	(void)state;
	cmd.timeout = 200;
	assert_int_equal(sh(&cmd, &out, "sleep 5 & wait"), 128 + 9);
	assert_true(cmd.timed_out);
	para_strbuf_dispose(&out);
}

static void test_batch(void **state)
{
	struct para_batch_job jobs[3] = {
		PARA_BATCH_JOB_INIT, PARA_BATCH_JOB_INIT, PARA_BATCH_JOB_INIT
	};
	size_t i;

	(void)state;
	para_strvec_pushv(&jobs[0].args, (const char *const[]){
		"-c", "alias.a=!echo $PARA_UNIT_JOB", "a", NULL });
	para_strvec_push(&jobs[0].env, "PARA_UNIT_JOB=one");
	para_strvec_pushv(&jobs[1].args, (const char *const[]){
		"-c", "alias.b=!echo two >&2; exit 4", "b", NULL });
	para_strvec_push(&jobs[2].args, "no-such-git-command-of-para");
	assert_int_equal(para_batch_run(jobs, 3, 2), 0);
	assert_int_equal(jobs[0].status, 0);
	assert_string_equal(jobs[0].out.buf, "one\n");
	assert_int_equal(jobs[1].status, 4);
	assert_string_equal(jobs[1].err.buf, "two\n");
	assert_int_equal(jobs[2].status, 1);
	assert_non_null(strstr(jobs[2].err.buf, "no-such-git-command-of-para"));
	for (i = 0; i < 3; i++)
		para_batch_job_dispose(&jobs[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_environment),
		cmocka_unit_test(test_path_of_the_child),
		cmocka_unit_test(test_git_clears_repository_variables),
		cmocka_unit_test(test_dir_stdin_and_status),
		cmocka_unit_test(test_cannot_run),
		cmocka_unit_test(test_timeout_kills_the_group),
		cmocka_unit_test(test_batch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
