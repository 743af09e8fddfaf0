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

#define MB (1024LL * 1024)

static void test_memfree_holds_and_releases(void **state)
{
	struct para_sched s;
	struct para_sched_limits l = { 1000 * MB, 0, 0 };

	(void)state;
	plain_jobs(&s, 4, "abc");
	para_sched_set_limits(&s, &l);
	para_sched_observe(&s, 900 * MB, -1, 0);
	assert_string_equal(start_all(&s), "");
	assert_int_equal(s.hold, PARA_SCHED_HOLD_MEMORY);
	assert_int_equal(para_sched_stuck(&s), 0);
	para_sched_observe(&s, 1000 * MB, -1, 10);
	assert_string_equal(start_all(&s), "");
	para_sched_observe(&s, 1001 * MB, -1, 20);
	assert_string_equal(start_all(&s), "a b c");
	assert_int_equal(s.hold, PARA_SCHED_GO);
	para_sched_dispose(&s);
}

static void test_unknown_reading_holds_nothing(void **state)
{
	struct para_sched s;
	struct para_sched_limits l = { 1000 * MB, 1.0, 0 };

	(void)state;
	plain_jobs(&s, 2, "ab");
	para_sched_set_limits(&s, &l);
	para_sched_observe(&s, -1, -1, 0);
	assert_string_equal(start_all(&s), "a b");
	para_sched_dispose(&s);
}

static void test_load_limit(void **state)
{
	struct para_sched s;
	struct para_sched_limits l = { 0, 1.5, 0 };

	(void)state;
	plain_jobs(&s, 3, "abc");
	para_sched_set_limits(&s, &l);
	para_sched_observe(&s, -1, 1.51, 0);
	assert_string_equal(start_all(&s), "");
	assert_int_equal(s.hold, PARA_SCHED_HOLD_LOAD);
	para_sched_observe(&s, -1, 1.5, 0);
	assert_string_equal(start_all(&s), "a b c");
	para_sched_dispose(&s);
}

static void test_delay_between_starts(void **state)
{
	struct para_sched s;
	struct para_sched_limits l = { 0, 0, 100 };
	size_t i;

	(void)state;
	plain_jobs(&s, 3, "abc");
	para_sched_set_limits(&s, &l);
	para_sched_observe(&s, -1, -1, 5000);
	assert_string_equal(start_all(&s), "a");
	assert_int_equal(s.hold, PARA_SCHED_HOLD_DELAY);
	assert_int_equal(para_sched_delay_left(&s), 100);
	para_sched_observe(&s, -1, -1, 5060);
	assert_int_equal(para_sched_next(&i, &s), 0);
	assert_int_equal(para_sched_delay_left(&s), 40);
	para_sched_observe(&s, -1, -1, 5100);
	assert_string_equal(start_all(&s), "b");
	para_sched_observe(&s, -1, -1, 5250);
	assert_string_equal(start_all(&s), "c");
	/* a start that took long: the delay counts from its end */
	para_sched_restamp(&s, 5300);
	para_sched_retry(&s, 2);
	para_sched_observe(&s, -1, -1, 5350);
	assert_int_equal(para_sched_next(&i, &s), 0);
	assert_int_equal(para_sched_delay_left(&s), 50);
	para_sched_dispose(&s);
}

static void test_declared_memory_fits(void **state)
{
	struct para_sched s;
	struct para_sched_limits l = { 100 * MB, 0, 0 };

	(void)state;
	plain_jobs(&s, 4, "abcd");
	para_sched_set_limits(&s, &l);
	para_sched_set_mem(&s, 0, 300 * MB);
	para_sched_set_mem(&s, 1, 300 * MB);
	para_sched_set_mem(&s, 2, 300 * MB);
	para_sched_set_mem(&s, 3, 100 * MB);
	/* 800M available, 700M to hand out: a, b, then d (c waits) */
	para_sched_observe(&s, 800 * MB, -1, 0);
	assert_string_equal(start_all(&s), "a b d");
	assert_int_equal(s.hold, PARA_SCHED_HOLD_FIT);
	/* the memory the tasks use is not counted a second time */
	para_sched_observe(&s, 200 * MB, -1, 0);
	para_sched_finish(&s, 0, 1);
	assert_string_equal(start_all(&s), "c");
	para_sched_dispose(&s);
}

static void test_too_big_runs_alone(void **state)
{
	struct para_sched s;

	(void)state;
	plain_jobs(&s, 2, "ab");
	para_sched_set_mem(&s, 0, 900 * MB);
	para_sched_set_mem(&s, 1, 900 * MB);
	para_sched_observe(&s, 500 * MB, -1, 0);
	assert_string_equal(start_all(&s), "a");
	para_sched_finish(&s, 0, 1);
	assert_string_equal(start_all(&s), "b");
	para_sched_dispose(&s);
}

static void test_preempt_youngest_once(void **state)
{
	struct para_sched s;
	struct para_sched_limits l = { 1000 * MB, 0, 0 };
	size_t victim = 99;

	(void)state;
	plain_jobs(&s, 3, "abc");
	para_sched_set_limits(&s, &l);
	para_sched_observe(&s, 2000 * MB, -1, 0);
	assert_string_equal(start_all(&s), "a b c");
	/* below memfree but above half of it: only no new starts */
	para_sched_observe(&s, 500 * MB, -1, 0);
	assert_int_equal(para_sched_victim(&victim, &s), 0);
	para_sched_observe(&s, 499 * MB, -1, 0);
	assert_int_equal(para_sched_victim(&victim, &s), 1);
	assert_int_equal(victim, 2);
	para_sched_stopping(&s, victim);
	/* until its memory is back, nothing more is stopped */
	assert_int_equal(para_sched_victim(&victim, &s), 0);
	para_sched_retry(&s, 2);
	assert_int_equal(para_sched_victim(&victim, &s), 1);
	assert_int_equal(victim, 1);
	para_sched_stopping(&s, victim);
	para_sched_retry(&s, 1);
	/* a job started again is the youngest */
	para_sched_observe(&s, 2000 * MB, -1, 0);
	assert_string_equal(start_all(&s), "b c");
	para_sched_finish(&s, 1, 1);
	para_sched_observe(&s, 100 * MB, -1, 0);
	assert_int_equal(para_sched_victim(&victim, &s), 1);
	assert_int_equal(victim, 2);
	para_sched_dispose(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jobs_limit_and_slots),
		cmocka_unit_test(test_dependencies_and_skips),
		cmocka_unit_test(test_exclusive_and_locks),
		cmocka_unit_test(test_retry_halt_and_cycle),
		cmocka_unit_test(test_memfree_holds_and_releases),
		cmocka_unit_test(test_unknown_reading_holds_nothing),
		cmocka_unit_test(test_load_limit),
		cmocka_unit_test(test_delay_between_starts),
		cmocka_unit_test(test_declared_memory_fits),
		cmocka_unit_test(test_too_big_runs_alone),
		cmocka_unit_test(test_preempt_youngest_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
