#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "collect.h"
#include "collect-pairs.h"
#include "collect-report.h"
#include "collect-state.h"
#include "json.h"
#include "strbuf.h"
#include "task.h"

#include "lib-unit.h"

/* Whether two tasks changing `a` and `b` (space-separated) may conflict. */
static int touch(const char *a, const char *b)
{
	struct para_strvec pa = PARA_STRVEC_INIT, pb = PARA_STRVEC_INIT;
	struct para_strvec da = PARA_STRVEC_INIT, db = PARA_STRVEC_INIT;
	int ret;

	para_strvec_split(&pa, a);
	para_strvec_split(&pb, b);
	para_strvec_sort(&pa);
	para_strvec_sort(&pb);
	para_collect_dirs(&da, &pa);
	para_collect_dirs(&db, &pb);
	ret = para_collect_paths_touch(&pa, &da, &pb, &db);
	assert_int_equal(ret, para_collect_paths_touch(&pb, &db, &pa, &da));
	para_strvec_dispose(&pa);
	para_strvec_dispose(&pb);
	para_strvec_dispose(&da);
	para_strvec_dispose(&db);
	return ret;
}

static void test_disjoint(void **state)
{
	(void)state;
	assert_int_equal(touch("src/api/a.c src/api/b.c", "src/db/x.sql"), 0);
	assert_int_equal(touch("a", "b"), 0);
	assert_int_equal(touch("ab/c", "a/c"), 0);
	assert_int_equal(touch("a.c", "a"), 0);
	assert_int_equal(touch("a-b/c", "a/b"), 0);
	assert_int_equal(touch("", "a"), 0);
}

static void test_same_file(void **state)
{
	(void)state;
	assert_int_equal(touch("x README", "README"), 1);
	assert_int_equal(touch("d/e/f", "a d/e/f z"), 1);
}

static void test_file_against_directory(void **state)
{
	(void)state;
	assert_int_equal(touch("gen", "gen/out.txt"), 1);
	assert_int_equal(touch("a/b", "a/b/c/d"), 1);
	assert_int_equal(touch("a/b/c", "a"), 1);
}

static void test_dirs_unique(void **state)
{
	struct para_strvec paths = PARA_STRVEC_INIT, dirs = PARA_STRVEC_INIT;

	(void)state;
	para_strvec_split(&paths, "a/b/c a/b/d a/e x");
	para_collect_dirs(&dirs, &paths);
	assert_int_equal(dirs.nr, 2);
	assert_string_equal(dirs.v[0], "a");
	assert_string_equal(dirs.v[1], "a/b");
	para_strvec_dispose(&paths);
	para_strvec_dispose(&dirs);
}

static void test_json_string(void **state)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;

	(void)state;
	para_json_quote(&sb, "a\"b\\c\nd\x01 é");
	assert_string_equal(sb.buf, "\"a\\\"b\\\\c\\nd\\u0001 é\"");
	para_strbuf_dispose(&sb);
}

static void test_pr_title(void **state)
{
	struct para_task task;
	char *title;
	char long_prompt[200];

	(void)state;
	para_task_init(&task);
	task.name = strdup("api");
	title = para_collect_pr_title(&task, NULL);
	assert_string_equal(title, "Task api");
	free(title);
	task.prompt = strdup("\n  Add the API  \nmore text");
	title = para_collect_pr_title(&task, NULL);
	assert_string_equal(title, "Add the API");
	free(title);
	/* 70 ASCII bytes, then two-byte characters: never cut one in half */
	memset(long_prompt, 'x', 70);
	strcpy(long_prompt + 70, "\xc3\xa9\xc3\xa9\xc3\xa9");
	free(task.prompt);
	task.prompt = strdup(long_prompt);
	title = para_collect_pr_title(&task, NULL);
	assert_int_equal(strlen(title), 72);
	free(title);
	long_prompt[71] = '\0';
	long_prompt[70] = 'y';
	memset(long_prompt, 'x', 70);
	strcpy(long_prompt + 71, "\xc3\xa9\xc3\xa9");
	free(task.prompt);
	task.prompt = strdup(long_prompt);
	title = para_collect_pr_title(&task, NULL);
	assert_int_equal(strlen(title), 71);
	free(title);
	para_task_dispose(&task);
}

/* What collect leaves out even when named, and why. */
static void test_skip_reason(void **state)
{
	int i;

	(void)state;
	assert_non_null(strstr(para_collect_skip_reason(PARA_STATE_EMPTY),
			       "empty"));
	assert_non_null(strstr(para_collect_skip_reason(PARA_STATE_UNVERIFIED),
			       "verify"));
	for (i = 0; i < PARA_STATE__COUNT; i++) {
		if (i == PARA_STATE_EMPTY || i == PARA_STATE_UNVERIFIED)
			continue;
		assert_null(para_collect_skip_reason((enum para_task_state)i));
	}
	assert_false(para_collect_selected_by_default(PARA_STATE_EMPTY));
	assert_false(para_collect_selected_by_default(PARA_STATE_UNVERIFIED));
	assert_false(para_collect_may_push(PARA_STATE_UNVERIFIED));
}

static void test_pr_title_of_issue(void **state)
{
	struct para_task task;
	char *title;

	(void)state;
	para_task_init(&task);
	task.name = strdup("issue-42");
	task.branch = strdup("solve/issue-42");
	task.issue = strdup("42");
	task.prompt = strdup("Solve issue #42: Orders\n\nbody");
	task.title = strdup("Orders\tfail\r\n");
	title = para_collect_pr_title(&task, NULL);
	assert_string_equal(title, "Orders fail");
	free(title);
	title = para_collect_pr_title(&task, "[%(issue)] %(title) %(task) "
				      "%(branch) %(subject) %% %(x) %( % ");
	assert_string_equal(title, "[42] Orders fail   issue-42 "
			    "solve/issue-42 Solve issue #42: Orders % %(x) %( %");
	free(title);
	title = para_collect_pr_title(&task, "");
	assert_string_equal(title, "Orders fail");
	free(title);
	para_task_dispose(&task);
}

static uint64_t rng_state = 0x243f6a8885a308d3ULL;

static const char *const some_paths[] = {
	"a", "b", "a/x", "a/y", "b/x", "a/x/1", "a/x/2", "c/d/e", "c/d", "c",
	"README", "ab", "a.c"
};
#define NPATHS (sizeof(some_paths) / sizeof(*some_paths))

/*
 * The pairs found through the paths are those a look at every pair
 * finds: same tip never, other base always, else when the paths touch.
 */
static void test_pairs_agree(void **state)
{
	struct para_collect_item items[60];
	size_t nr = sizeof(items) / sizeof(*items), i, j, k, n, *pairs;
	size_t want = 0;

	(void)state;
	memset(items, 0, sizeof(items));
	for (i = 0; i < nr; i++) {
		para_task_init(&items[i].task);
		items[i].task.base = para_strdup(unit_rng(&rng_state, 6) ?
						 "b1" : "b2");
		snprintf(items[i].tip, sizeof(items[i].tip), "tip%u",
			 unit_rng(&rng_state, 50));
		for (k = unit_rng(&rng_state, 3); k > 0; k--) {
			const char *p =
				some_paths[unit_rng(&rng_state, NPATHS)];

			if (!para_strvec_contains(&items[i].touched, p))
				para_strvec_push(&items[i].touched, p);
		}
		para_strvec_sort(&items[i].touched);
		para_collect_dirs(&items[i].dirs, &items[i].touched);
	}
	n = para_collect_pairs(&pairs, items, nr);
	for (i = 0, k = 0; i < nr; i++)
		for (j = i + 1; j < nr; j++) {
			int conflict = strcmp(items[i].tip, items[j].tip) &&
				(strcmp(items[i].task.base, items[j].task.base) ||
				 para_collect_paths_touch(&items[i].touched,
							  &items[i].dirs,
							  &items[j].touched,
							  &items[j].dirs));

			if (!conflict)
				continue;
			want++;
			assert_true(k < n);
			assert_int_equal(pairs[2 * k], i);
			assert_int_equal(pairs[2 * k + 1], j);
			k++;
		}
	assert_int_equal(n, want);
	assert_true(want > 0 && want < nr * (nr - 1) / 2);
	free(pairs);
	for (i = 0; i < nr; i++) {
		para_task_dispose(&items[i].task);
		para_strvec_dispose(&items[i].touched);
		para_strvec_dispose(&items[i].dirs);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disjoint),
		cmocka_unit_test(test_pr_title_of_issue),
		cmocka_unit_test(test_same_file),
		cmocka_unit_test(test_file_against_directory),
		cmocka_unit_test(test_dirs_unique),
		cmocka_unit_test(test_pairs_agree),
		cmocka_unit_test(test_json_string),
		cmocka_unit_test(test_pr_title),
		cmocka_unit_test(test_skip_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
