#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "run-sched.h"

/* Starts whatever may start; returns the names, space-separated. */
static const char *start_all(struct para_sched *s)
{
	static char buf[256];
	size_t i;

	buf[0] = '\0';
	while (para_sched_next(&i, s)) {
		para_sched_start(s, i);
		if (buf[0])
			strcat(buf, " ");
		strcat(buf, s->jobs[i].name);
	}
	return buf;
}

/* A scheduler of `max` slots with plain jobs named after `names`' letters. */
static void plain_jobs(struct para_sched *s, int max, const char *names)
{
	static const char *const letters[] = { "a", "b", "c", "d" };

	para_sched_init(s, max);
	for (; *names; names++)
		para_sched_add(s, letters[*names - 'a'], NULL, 0, 0);
}

static void test_jobs_limit_and_slots(void **state)
{
	struct para_sched s;

	(void)state;
	plain_jobs(&s, 2, "abc");
	assert_string_equal(start_all(&s), "a b");
	assert_int_equal(s.jobs[0].slot, 0);
	assert_int_equal(s.jobs[1].slot, 1);
	para_sched_finish(&s, 0, 1);
	assert_string_equal(start_all(&s), "c");
	assert_int_equal(s.jobs[2].slot, 0);
	para_sched_finish(&s, 1, 1);
	para_sched_finish(&s, 2, 1);
	assert_int_equal(para_sched_count(&s, PARA_SCHED_SUCCEEDED), 3);
	para_sched_dispose(&s);
}

static void test_dependencies_and_skips(void **state)
{
	struct para_sched s;

	(void)state;
	plain_jobs(&s, 4, "abcd");
	para_sched_depend(&s, 1, 0);	/* b after a */
	para_sched_depend(&s, 2, 1);	/* c after b */
	assert_string_equal(start_all(&s), "a d");
	para_sched_finish(&s, 0, 1);
	assert_string_equal(start_all(&s), "b");
	para_sched_finish(&s, 1, 0);
	assert_int_equal(s.jobs[2].state, PARA_SCHED_SKIPPED);
	assert_int_equal(s.jobs[2].cause, 1);
	assert_string_equal(start_all(&s), "");
	para_sched_finish(&s, 3, 1);
	assert_false(para_sched_stuck(&s));
	para_sched_dispose(&s);
}

static void test_exclusive_and_locks(void **state)
{
	static const char *const db[] = { "db" };
	static const char *const db_gpu[] = { "db", "gpu" };
	struct para_sched s;

	(void)state;
	para_sched_init(&s, 8);
	para_sched_add(&s, "a", db, 1, 0);
	para_sched_add(&s, "b", db_gpu, 2, 0);
	para_sched_add(&s, "x", NULL, 0, 1);
	para_sched_add(&s, "c", NULL, 0, 0);
	assert_string_equal(start_all(&s), "a c");
	para_sched_finish(&s, 0, 1);
	assert_string_equal(start_all(&s), "b");
	para_sched_finish(&s, 1, 1);
	para_sched_finish(&s, 3, 1);
	assert_string_equal(start_all(&s), "x");
	para_sched_dispose(&s);
}

static void test_retry_halt_and_cycle(void **state)
{
	struct para_sched s;

	(void)state;
	plain_jobs(&s, 1, "abcd");
	para_sched_depend(&s, 2, 3);
	para_sched_depend(&s, 3, 2);
	assert_string_equal(start_all(&s), "a");
	para_sched_retry(&s, 0);
	assert_string_equal(start_all(&s), "a");
	para_sched_finish(&s, 0, 1);
	assert_string_equal(start_all(&s), "b");
	para_sched_finish(&s, 1, 1);
	assert_true(para_sched_stuck(&s));
	para_sched_halt(&s);
	assert_int_equal(para_sched_count(&s, PARA_SCHED_DROPPED), 2);
	para_sched_dispose(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jobs_limit_and_slots),
		cmocka_unit_test(test_dependencies_and_skips),
		cmocka_unit_test(test_exclusive_and_locks),
		cmocka_unit_test(test_retry_halt_and_cycle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
