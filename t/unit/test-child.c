#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "child.h"
#include "strbuf.h"

static const char *const no_env[] = { "PATH=/usr/bin:/bin", NULL };

static int sigfd = -1;

static int setup(void **state)
{
	(void)state;
	/* as the runner does: its signals blocked, read from a signalfd */
	return para_runner_signalfd(&sigfd);
}

static void spawn_init(struct para_spawn *spawn, const char *const *argv)
{
	memset(spawn, 0, sizeof(*spawn));
	spawn->argv = argv;
	spawn->env = no_env;
	spawn->out_fd = -1;
	spawn->cgroup_fd = -1;
}

/* Waits for the child to exit; what it wrote into `out`; its code. */
static int finish(struct para_child *child, struct para_strbuf *out)
{
	struct pollfd pfd = { child->pidfd, POLLIN, 0 };
	char buf[4096];
	ssize_t n;

	while (!para_child_poll(child))
		poll(&pfd, 1, 1000);
	/* nothing else holds the pipe: EOF once it is read */
	for (;;) {
		n = read(child->out, buf, sizeof(buf));
		if (n > 0)
			para_strbuf_add(out, buf, (size_t)n);
		else if (n == 0 || errno != EAGAIN)
			break;
		else
			poll(&(struct pollfd){ child->out, POLLIN, 0 }, 1, 1000);
	}
	para_child_reap(child);
	return child->signal ? 128 + child->signal : child->code;
}

static int run(const char *const *argv, const char *dir, int gated,
	       struct para_strbuf *out)
{
	struct para_spawn spawn;
	struct para_child child;

	spawn_init(&spawn, argv);
	spawn.dir = dir;
	spawn.gated = gated;
	assert_int_equal(para_child_spawn(&child, &spawn), 0);
	if (gated)
		assert_int_equal(para_child_release(&child), 0);
	return finish(&child, out);
}

static void test_output_and_status(void **state)
{
	struct para_strbuf out = PARA_STRBUF_INIT;
	int gated;

	(void)state;
	/* the ungated child (our memory shared) and the gated (forked) */
	for (gated = 0; gated < 2; gated++) {
		para_strbuf_reset(&out);
		assert_int_equal(run((const char *const[]){ "sh", "-c",
				     "pwd; echo $PATH; echo err >&2; exit 3",
				     NULL }, "/tmp", gated, &out), 3);
		assert_string_equal(out.buf, "/tmp\n/usr/bin:/bin\nerr\n");
	}
	para_strbuf_dispose(&out);
}

static void test_signals_as_they_were(void **state)
{
	struct para_strbuf out = PARA_STRBUF_INIT;
	sigset_t now;
	int gated;

	(void)state;
	for (gated = 0; gated < 2; gated++) {
		para_strbuf_reset(&out);
		/* nothing blocked in the child, whatever we block */
		assert_int_equal(run((const char *const[]){ "grep", "^SigBlk",
				     "/proc/self/status", NULL }, NULL, gated,
				     &out), 0);
		assert_string_equal(out.buf, "SigBlk:\t0000000000000000\n");
	}
	/* and what we block is blocked still */
	sigprocmask(SIG_SETMASK, NULL, &now);
	assert_true(sigismember(&now, SIGINT));
	assert_true(sigismember(&now, SIGCHLD));
	assert_false(sigismember(&now, SIGUSR2));
	para_strbuf_dispose(&out);
}

static void test_cannot_run(void **state)
{
	struct para_strbuf out = PARA_STRBUF_INIT;
	int gated;

	(void)state;
	for (gated = 0; gated < 2; gated++) {
		para_strbuf_reset(&out);
		assert_int_equal(run((const char *const[]){
				     "para-unit-no-such-program", NULL }, NULL,
				     gated, &out), 127);
		assert_string_equal(out.buf, "fatal: cannot run "
				    "'para-unit-no-such-program': No such "
				    "file or directory\n");
		para_strbuf_reset(&out);
		assert_int_equal(run((const char *const[]){ "true", NULL },
				     "/para-unit-no-such-dir", gated, &out),
				 126);
		assert_string_equal(out.buf, "fatal: cannot change to "
				    "'/para-unit-no-such-dir': No such file "
				    "or directory\n");
	}
	para_strbuf_dispose(&out);
}

static void test_found_once(void **state)
{
	struct para_strbuf out = PARA_STRBUF_INIT;
	struct para_spawn spawn;
	struct para_child child;
	char *path = para_child_find("echo");

	(void)state;
	assert_non_null(path);
	assert_int_equal(path[0], '/');
	spawn_init(&spawn, (const char *const[]){ "echo", "found", NULL });
	spawn.path = path;
	assert_int_equal(para_child_spawn(&child, &spawn), 0);
	assert_int_equal(finish(&child, &out), 0);
	assert_string_equal(out.buf, "found\n");
	assert_null(para_child_find("para-unit-no-such-program"));
	assert_null(para_child_find("./echo"));
	free(path);
	para_strbuf_dispose(&out);
}

static void test_gate_holds_it(void **state)
{
	struct para_strbuf out = PARA_STRBUF_INIT;
	char dir[] = "/tmp/para-unit-child.XXXXXX", file[64];
	struct para_spawn spawn;
	struct para_child child;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/ran", dir);
	spawn_init(&spawn, (const char *const[]){ "sh", "-c", "echo >ran",
						  NULL });
	spawn.dir = dir;
	spawn.gated = 1;
	assert_int_equal(para_child_spawn(&child, &spawn), 0);
	/* it waits on us: nothing of it has run */
	assert_false(para_child_poll(&child));
	assert_int_equal(stat(file, &st), -1);
	assert_int_equal(para_child_release(&child), 0);
	assert_int_equal(finish(&child, &out), 0);
	assert_int_equal(stat(file, &st), 0);

	/* never released: it exits without running anything */
	unlink(file);
	assert_int_equal(para_child_spawn(&child, &spawn), 0);
	para_child_reap(&child);
	assert_int_equal(stat(file, &st), -1);
	rmdir(dir);
	para_strbuf_dispose(&out);
}

static void test_script_without_hashbang(void **state)
{
	char dir[] = "/tmp/para-unit-child.XXXXXX", file[64], *path;
	struct para_strbuf out = PARA_STRBUF_INIT;
	const char *old = getenv("PATH");
	char *saved = para_strdup(old ? old : "/usr/bin:/bin");
	int gated, fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/para-unit-script", dir);
	fd = open(file, O_WRONLY | O_CREAT, 0755);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "echo script \"$@\"\n", 18), 18);
	close(fd);
	/* found in PATH (a directory before it has no such file) */
	path = para_xstrfmt("/para-unit-no-such-dir:%s:%s", dir, saved);
	setenv("PATH", path, 1);
	for (gated = 0; gated < 2; gated++) {
		para_strbuf_reset(&out);
		assert_int_equal(run((const char *const[]){ "para-unit-script",
				     "a", "b", NULL }, NULL, gated, &out), 0);
		assert_string_equal(out.buf, "script a b\n");
	}
	setenv("PATH", saved, 1);
	unlink(file);
	rmdir(dir);
	free(path);
	free(saved);
	para_strbuf_dispose(&out);
}

static void test_gated_child_leaves_our_errno(void **state)
{
	struct para_spawn spawn;
	struct para_child child;
	struct pollfd pfd;

	(void)state;
	spawn_init(&spawn, (const char *const[]){ "para-unit-no-such-program",
						  NULL });
	spawn.gated = 1;
	assert_int_equal(para_child_spawn(&child, &spawn), 0);
	/* it fails to exec while we go on, in our memory where it may */
	errno = 4242;
	assert_int_equal(write(child.gate, "g", 1), 1);
	pfd.fd = child.pidfd;
	pfd.events = POLLIN;
	while (poll(&pfd, 1, 1000) != 1)
		;
	assert_int_equal(errno, 4242);
	assert_true(para_child_poll(&child));
	assert_int_equal(child.code, 127);
	para_child_reap(&child);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void test_many_leave_nothing(void **state)
{
	struct para_strbuf out = PARA_STRBUF_INIT;
	int before = count_fds(), i;

	(void)state;
	for (i = 0; i < 100; i++) {
		para_strbuf_reset(&out);
		assert_int_equal(run((const char *const[]){ "sh", "-c",
				     "echo $$", NULL }, NULL, i % 2, &out), 0);
		assert_true(out.len > 1);
	}
	assert_int_equal(count_fds(), before);
	para_strbuf_dispose(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_output_and_status),
		cmocka_unit_test(test_signals_as_they_were),
		cmocka_unit_test(test_cannot_run),
		cmocka_unit_test(test_found_once),
		cmocka_unit_test(test_gate_holds_it),
		cmocka_unit_test(test_script_without_hashbang),
		cmocka_unit_test(test_gated_child_leaves_our_errno),
		cmocka_unit_test(test_many_leave_nothing),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
