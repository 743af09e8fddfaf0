#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "error.h"
#include "lock.h"
#include "strbuf.h"

static char tmpdir[] = "/tmp/para-lock-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char *cmd = para_xstrfmt("rm -rf '%s'", tmpdir);

	(void)state;
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	free(cmd);
	return 0;
}

/* 0 when the lock `fd` holds is the file at `path`. */
static int holds_path(int fd, const char *path)
{
	struct stat a, b;

	if (fstat(fd, &a) < 0 || stat(path, &b) < 0)
		return 1;
	return a.st_ino != b.st_ino || a.st_dev != b.st_dev;
}

/*
 * A waiter that opened the file before its holder removed it must not
 * end up holding the removed file: it locks the file now at the path.
 */
static void waiter_after_remove_holds_the_file_at_the_path(void **state)
{
	char *path = para_xstrfmt("%s/locks/task.lock", tmpdir);
	struct para_lock held = PARA_LOCK_INIT, waiter = PARA_LOCK_INIT;
	int status;
	pid_t pid;

	(void)state;
	assert_int_equal(para_lock_take(&held, path, 0), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		/* a copy of the holder's descriptor would hold it too */
		close(held.fd);
		if (para_lock_take(&waiter, path, PARA_LOCK_WAIT) < 0)
			_exit(2);
		_exit(holds_path(waiter.fd, path));
	}
	/* let the waiter open the file and block in flock() */
	usleep(300 * 1000);
	assert_int_equal(para_lock_remove(&held, path), 0);
	assert_int_equal(held.fd, -1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	free(path);
}

static void remove_unlinks_and_releases(void **state)
{
	char *path = para_xstrfmt("%s/gone.lock", tmpdir);
	struct para_lock lock = PARA_LOCK_INIT;

	(void)state;
	assert_int_equal(para_lock_take(&lock, path, 0), 0);
	assert_int_equal(para_lock_remove(&lock, path), 0);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(para_lock_remove(&lock, path), PARA_ERROR);
	free(path);
}

static void a_held_lock_is_refused_without_wait(void **state)
{
	char *path = para_xstrfmt("%s/busy.lock", tmpdir);
	struct para_lock a = PARA_LOCK_INIT, b = PARA_LOCK_INIT;

	(void)state;
	assert_int_equal(para_lock_take(&a, path, 0), 0);
	assert_int_equal(para_lock_take(&b, path, 0), PARA_ELOCKED);
	para_lock_release(&a);
	assert_int_equal(para_lock_take(&b, path, 0), 0);
	para_lock_release(&b);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(waiter_after_remove_holds_the_file_at_the_path),
		cmocka_unit_test(remove_unlinks_and_releases),
		cmocka_unit_test(a_held_lock_is_refused_without_wait),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
