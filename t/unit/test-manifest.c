#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <iniparser.h>

#include "error.h"
#include "manifest.h"
#include "strbuf.h"

/*
 * Each test runs in a fresh temporary directory, so that messages name
 * "tasks.ini" as a user running `git para add --from tasks.ini` sees it.
 */
struct fixture {
	char dir[64];
	char *old_cwd;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/test-manifest.XXXXXX");
	f->old_cwd = getcwd(NULL, 0);
	if (!f->old_cwd || !mkdtemp(f->dir) || chdir(f->dir) < 0)
		return -1;
	*state = f;
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	return remove(path);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int ret = chdir(f->old_cwd);

	if (nftw(f->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) < 0)
		ret = -1;
	free(f->old_cwd);
	free(f);
	return ret;
}

static void write_bytes(const char *path, const char *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static void write_file(const char *path, const char *text)
{
	write_bytes(path, text, strlen(text));
}

static void load_ok(struct para_manifest *m, const char *text)
{
	write_file("tasks.ini", text);
	if (para_manifest_load(m, "tasks.ini") < 0)
		fail_msg("load failed: %s", para_error_last());
}

static void assert_error_at(const char *path, int code, const char *message)
{
	struct para_manifest m;

	assert_int_equal(para_manifest_load(&m, path), code);
	assert_string_equal(para_error_last(), message);
	assert_null(m.tasks);
	assert_int_equal(m.nr, 0);
	assert_null(m.path);
}

static void assert_error(const char *text, const char *message)
{
	write_file("tasks.ini", text);
	assert_error_at("tasks.ini", PARA_EINVALID, message);
}

static char *joined(const struct para_strvec *sv)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	size_t i;

	for (i = 0; i < sv->nr; i++)
		para_strbuf_addf(&sb, "%s%s", i ? "|" : "", sv->v[i]);
	return para_strbuf_detach(&sb);
}

static void assert_list(const struct para_strvec *sv, const char *expect)
{
	char *got = joined(sv);

	assert_string_equal(got, expect);
	free(got);
}

static char *in_cwd(const char *rel)
{
	char *cwd = getcwd(NULL, 0);
	char *path = para_xstrfmt("%s/%s", cwd, rel);

	free(cwd);
	return path;
}

static void test_all_keys(void **state)
{
	struct para_manifest m;
	struct para_manifest_task *t;
	char *prompt_file = in_cwd("prompts/db.md");

	load_ok(&m, "; tasks for the orders feature\n"
		"\n"
		"[backend]\n"
		"issue   = 41\n"
		"paths   = src/api/ src/db/schema.sql\n"
		"after   = setup-db\n"
		"locks   = db  port-range\n"
		"prompt  = Implement the orders API\n"
		"base    = origin/main\n"
		"branch  = feature/orders\n"
		"\n"
		"# the schema first\n"
		"[setup-db]\n"
		"paths       = migrations/\n"
		"exclusive   = true\n"
		"prompt-file = prompts/db.md\n");
	assert_string_equal(m.path, "tasks.ini");
	assert_int_equal(m.nr, 2);
	t = &m.tasks[0];
	assert_string_equal(t->name, "backend");
	assert_int_equal(t->line, 3);
	assert_string_equal(t->issue, "41");
	assert_list(&t->paths, "src/api/|src/db/schema.sql");
	assert_list(&t->after, "setup-db");
	assert_list(&t->locks, "db|port-range");
	assert_int_equal(t->exclusive, 0);
	assert_string_equal(t->prompt, "Implement the orders API");
	assert_null(t->prompt_file);
	assert_string_equal(t->base, "origin/main");
	assert_string_equal(t->branch, "feature/orders");
	t = &m.tasks[1];
	assert_string_equal(t->name, "setup-db");
	assert_int_equal(t->line, 13);
	assert_null(t->issue);
	assert_list(&t->paths, "migrations/");
	assert_int_equal(t->after.nr, 0);
	assert_int_equal(t->locks.nr, 0);
	assert_int_equal(t->exclusive, 1);
	assert_null(t->prompt);
	assert_string_equal(t->prompt_file, prompt_file);
	assert_null(t->base);
	assert_null(t->branch);
	para_manifest_dispose(&m);
	free(prompt_file);
}

static void test_empty_section_is_a_task(void **state)
{
	struct para_manifest m;

	load_ok(&m, "[docs]\n[tests]\n");
	assert_int_equal(m.nr, 2);
	assert_string_equal(m.tasks[1].name, "tests");
	assert_int_equal(m.tasks[1].line, 2);
	assert_int_equal(m.tasks[1].paths.nr, 0);
	assert_null(m.tasks[1].paths.v);
	para_manifest_dispose(&m);
}

static void test_names_as_written(void **state)
{
	struct para_manifest m;

	load_ok(&m, "[Backend]\nPaths = src/\nPROMPT = Go\n[  spaced  ]\n");
	assert_string_equal(m.tasks[0].name, "Backend");
	assert_list(&m.tasks[0].paths, "src/");
	assert_string_equal(m.tasks[0].prompt, "Go");
	assert_string_equal(m.tasks[1].name, "spaced");
	para_manifest_dispose(&m);
}

static void test_layout_tolerated(void **state)
{
	struct para_manifest m;

	load_ok(&m, "  ; indented comment\r\n"
		"\t[a]\r\n"
		"   paths=x y\r\n"
		"\tprompt\t=\t  tabs  \r\n"
		"   # comment\r\n"
		"branch = no-newline-at-end");
	assert_list(&m.tasks[0].paths, "x|y");
	assert_string_equal(m.tasks[0].prompt, "tabs");
	assert_string_equal(m.tasks[0].branch, "no-newline-at-end");
	para_manifest_dispose(&m);
}

static void test_inline_comments_and_quotes(void **state)
{
	struct para_manifest m;

	load_ok(&m, "[a]\n"
		"paths = src/ ; the api\n"
		"prompt = fix a;b\n"
		"base = main#stable\n"
		"[b]\n"
		"prompt = \"keep ; and # inside\" ignored\n"
		"locks = 'db ; x'\n"
		"branch = \"say \\\"hi\\\"\"\n"
		"[c]\n"
		"prompt = '  padded  '\n"
		"paths = a=b\n"
		"issue = \"#42\"\n");
	assert_list(&m.tasks[0].paths, "src/");
	assert_string_equal(m.tasks[0].prompt, "fix a");
	assert_string_equal(m.tasks[0].base, "main");
	assert_string_equal(m.tasks[1].prompt, "keep ; and # inside");
	assert_list(&m.tasks[1].locks, "db|;|x");
	assert_string_equal(m.tasks[1].branch, "say \\");
	assert_string_equal(m.tasks[2].prompt, "  padded  ");
	assert_list(&m.tasks[2].paths, "a=b");
	assert_string_equal(m.tasks[2].issue, "42");
	para_manifest_dispose(&m);
}

/* Whatever the scanner accepts, the value is the one iniparser reads. */
static void test_values_match_iniparser(void **state)
{
	static const char *const values[] = {
		"plain text", "a;b", "a ; b", "a#b", "\"q ; #\" tail",
		"'single' tail", "\"\"", "''", "\"unclosed", "'it's'",
		"x = y", "\"say \\\"hi\\\"\"", "  lots   of   space  ",
		"\"", "; only a comment", "caf\xc3\xa9 \xe2\x9c\x93", "\\n \\t",
	};
	size_t i;

	for (i = 0; i < sizeof(values) / sizeof(*values); i++) {
		char *text = para_xstrfmt("[t]\nprompt = x\nbase = %s\n",
					  values[i]);
		struct para_manifest m;
		dictionary *dict;
		const char *expect;

		write_file("tasks.ini", text);
		dict = iniparser_load("tasks.ini");
		assert_non_null(dict);
		expect = iniparser_getstring(dict, "t:base", NULL);
		assert_non_null(expect);
		if (!*expect) {
			assert_int_equal(para_manifest_load(&m, "tasks.ini"),
					 PARA_EINVALID);
			assert_string_equal(para_error_last(),
				"tasks.ini:3: empty value for 'base' in section 't'");
		} else {
			assert_int_equal(para_manifest_load(&m, "tasks.ini"), 0);
			assert_string_equal(m.tasks[0].base, expect);
			para_manifest_dispose(&m);
		}
		iniparser_freedict(dict);
		free(text);
	}
}

static void test_exclusive_booleans(void **state)
{
	static const char *const yes[] = { "true", "yes", "on", "1", "TRUE" };
	static const char *const no[] = { "false", "no", "off", "0", "No" };
	size_t i;

	for (i = 0; i < 5; i++) {
		struct para_manifest m;
		char *text = para_xstrfmt("[a]\nexclusive = %s\n"
					  "[b]\nexclusive = %s ; why\n",
					  yes[i], no[i]);

		load_ok(&m, text);
		assert_int_equal(m.tasks[0].exclusive, 1);
		assert_int_equal(m.tasks[1].exclusive, 0);
		para_manifest_dispose(&m);
		free(text);
	}
	assert_error("[a]\n\nexclusive = maybe\n",
		     "tasks.ini:3: invalid value 'maybe' for 'exclusive' in section 'a' (expected true or false)");
	assert_error("[a]\nexclusive = truely\n",
		     "tasks.ini:2: invalid value 'truely' for 'exclusive' in section 'a' (expected true or false)");
	assert_error("[a]\nexclusive =\n",
		     "tasks.ini:2: invalid value '' for 'exclusive' in section 'a' (expected true or false)");
}

static void test_issue(void **state)
{
	struct para_manifest m;

	load_ok(&m, "[a]\nissue = 042\n[b]\nissue = \"#7\"\n"
		"[c]\nissue = 2147483647\n");
	assert_string_equal(m.tasks[0].issue, "42");
	assert_string_equal(m.tasks[1].issue, "7");
	assert_string_equal(m.tasks[2].issue, "2147483647");
	para_manifest_dispose(&m);
	assert_error("[backend]\nissue = abc\n",
		     "tasks.ini:2: invalid value 'abc' for 'issue' in section 'backend' (expected a positive number)");
	assert_error("[backend]\nissue = 0\n",
		     "tasks.ini:2: invalid value '0' for 'issue' in section 'backend' (expected a positive number)");
	assert_error("[backend]\nissue = -3\n",
		     "tasks.ini:2: invalid value '-3' for 'issue' in section 'backend' (expected a positive number)");
	assert_error("[backend]\nissue = 12x\n",
		     "tasks.ini:2: invalid value '12x' for 'issue' in section 'backend' (expected a positive number)");
	assert_error("[backend]\nissue = 2147483648\n",
		     "tasks.ini:2: invalid value '2147483648' for 'issue' in section 'backend' (expected a positive number)");
	assert_error("[backend]\nissue =\n",
		     "tasks.ini:2: invalid value '' for 'issue' in section 'backend' (expected a positive number)");
	assert_error("[backend]\nissue = \"##4\"\n",
		     "tasks.ini:2: invalid value '##4' for 'issue' in section 'backend' (expected a positive number)");
	assert_error("[backend]\nissue = #42\n",
		     "tasks.ini:2: invalid value '#42' for 'issue' in section 'backend' (an unquoted '#' starts a comment: write 'issue = 42')");
	assert_error("[backend]\nissue = #42 ; the api\n",
		     "tasks.ini:2: invalid value '#42 ; the api' for 'issue' in section 'backend' (an unquoted '#' starts a comment: write 'issue = 42')");
	assert_error("[backend]\nissue = # todo\n",
		     "tasks.ini:2: invalid value '# todo' for 'issue' in section 'backend' (an unquoted '#' starts a comment)");
}

static void test_unknown_key(void **state)
{
	assert_error("[frontend]\npaths = web/\n\n[backend]\npaths = src/\n"
		     "prompt = x\ncolour = blue\n",
		     "tasks.ini:7: unknown key 'colour' in section 'backend'");
	assert_error("[a]\nprompt file = x\n",
		     "tasks.ini:2: unknown key 'prompt file' in section 'a' (did you mean 'prompt-file'?)");
}

static void test_command_refused(void **state)
{
	assert_error("[a]\npaths = x\n\ncommand = rm -rf /\n",
		     "tasks.ini:4: key 'command' is not allowed in a manifest (set para.command or pass --command)");
	assert_error("[a]\nCommand = make\n",
		     "tasks.ini:2: key 'Command' is not allowed in a manifest (set para.command or pass --command)");
}

static void test_bare_key(void **state)
{
	assert_error("[a]\npaths = x\nexclusive\n",
		     "tasks.ini:3: bare key 'exclusive' (expected 'key = value')");
	assert_error("[a]\n= x\n", "tasks.ini:2: missing key name before '='");
}

static void test_key_before_section(void **state)
{
	assert_error("; header\npaths = src/\n[a]\n",
		     "tasks.ini:2: key 'paths' before any section");
}

static void test_duplicate_section(void **state)
{
	assert_error("[a]\npaths = x\n[b]\n[a]\n",
		     "tasks.ini:4: duplicate section 'a' (first at line 1)");
	assert_error("[backend]\n\n[Backend]\n",
		     "tasks.ini:3: duplicate section 'Backend' (first at line 1)");
}

static void test_duplicate_key(void **state)
{
	assert_error("[a]\npaths = x\nprompt = p\npaths = y\n",
		     "tasks.ini:4: duplicate key 'paths' in section 'a' (first at line 2)");
	assert_error("[a]\nprompt = p\nPrompt = q\n",
		     "tasks.ini:3: duplicate key 'Prompt' in section 'a' (first at line 2)");
}

static void test_prompt_and_prompt_file(void **state)
{
	assert_error("[a]\nprompt-file = p.md\npaths = x\nprompt = hi\n",
		     "tasks.ini:4: section 'a' sets both 'prompt' and 'prompt-file'");
	assert_error("[a]\nprompt = hi\nprompt-file = p.md\n",
		     "tasks.ini:3: section 'a' sets both 'prompt' and 'prompt-file'");
}

static void test_empty_values(void **state)
{
	assert_error("[a]\nbranch =\n",
		     "tasks.ini:2: empty value for 'branch' in section 'a'");
	assert_error("[a]\nprompt = ; later\n",
		     "tasks.ini:2: empty value for 'prompt' in section 'a'");
	assert_error("[a]\nprompt-file = \"\"\n",
		     "tasks.ini:2: empty value for 'prompt-file' in section 'a'");
}

static void test_malformed_sections(void **state)
{
	assert_error("[a]\n[]\n", "tasks.ini:2: empty section name");
	assert_error("[ \t]\n", "tasks.ini:1: empty section name");
	assert_error("[backend] ; the api\n",
		     "tasks.ini:1: malformed section header '[backend] ; the api' (expected '[name]' alone on its line)");
	assert_error("[a]b]\n",
		     "tasks.ini:1: malformed section header '[a]b]' (expected '[name]' alone on its line)");
	assert_error("[a\n",
		     "tasks.ini:1: malformed section header '[a' (expected '[name]' alone on its line)");
}

static void test_continuation_refused(void **state)
{
	assert_error("[a]\nprompt = one \\\n  two\n",
		     "tasks.ini:2: line ends with '\\', which iniparser would join to the next line");
	assert_error("[a]\n; C:\\\n[b]\n",
		     "tasks.ini:2: line ends with '\\', which iniparser would join to the next line");
}

static void test_nul_byte(void **state)
{
	static const char text[] = "[a]\nprompt = x\0y\n";

	write_bytes("tasks.ini", text, sizeof(text) - 1);
	assert_error_at("tasks.ini", PARA_EINVALID,
			"tasks.ini:2: line contains a NUL byte");
}

/* A line of `len` bytes (without its newline) holding a prompt. */
static char *prompt_line(size_t len)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	size_t i;

	para_strbuf_addstr(&sb, "prompt = ");
	for (i = sb.len; i < len; i++)
		para_strbuf_addch(&sb, (char)('a' + i % 26));
	return para_strbuf_detach(&sb);
}

static void test_longest_line(void **state)
{
	struct para_manifest m;
	char *line = prompt_line(1022);
	char *text = para_xstrfmt("[a]\n%s\n[b]\n", line);

	load_ok(&m, text);
	assert_string_equal(m.tasks[0].prompt, line + strlen("prompt = "));
	assert_int_equal(m.nr, 2);
	para_manifest_dispose(&m);
	free(text);
	text = para_xstrfmt("[a]\n%s", line);
	load_ok(&m, text);
	assert_int_equal(strlen(m.tasks[0].prompt), 1022 - 9);
	para_manifest_dispose(&m);
	free(text);
	free(line);
}

static void test_line_too_long(void **state)
{
	char *line = prompt_line(1023);
	char *text = para_xstrfmt("[a]\npaths = x\n%s\n[b]\n", line);

	assert_error(text,
		     "tasks.ini:3: line too long (1023 bytes, iniparser's limit is 1022); put long prompts in prompt-file");
	free(text);
	text = para_xstrfmt("[a]\n%s", line);
	assert_error(text,
		     "tasks.ini:2: line too long (1023 bytes, iniparser's limit is 1022); put long prompts in prompt-file");
	free(text);
	free(line);
	line = prompt_line(5000);
	text = para_xstrfmt("; %s\n[a]\n", line);
	assert_error(text,
		     "tasks.ini:1: line too long (5002 bytes, iniparser's limit is 1022); put long prompts in prompt-file");
	free(text);
	free(line);
}

static void test_prompt_file_resolution(void **state)
{
	struct para_manifest m;
	char *expect, *abs_manifest;

	assert_int_equal(mkdir("sub", 0777), 0);
	write_file("sub/tasks.ini", "[a]\nprompt-file = prompts/a.md\n"
		   "[b]\nprompt-file = /etc/b.md\n"
		   "[c]\nprompt-file = ../c.md\n");
	assert_int_equal(para_manifest_load(&m, "sub/tasks.ini"), 0);
	expect = in_cwd("sub/prompts/a.md");
	assert_string_equal(m.tasks[0].prompt_file, expect);
	assert_string_equal(m.tasks[1].prompt_file, "/etc/b.md");
	free(expect);
	expect = in_cwd("sub/../c.md");
	assert_string_equal(m.tasks[2].prompt_file, expect);
	free(expect);
	para_manifest_dispose(&m);

	abs_manifest = in_cwd("sub/tasks.ini");
	assert_int_equal(para_manifest_load(&m, abs_manifest), 0);
	expect = in_cwd("sub/prompts/a.md");
	assert_string_equal(m.tasks[0].prompt_file, expect);
	assert_string_equal(m.path, abs_manifest);
	para_manifest_dispose(&m);
	free(expect);
	free(abs_manifest);
}

static void test_unreadable(void **state)
{
	assert_error_at("nope.ini", PARA_ENOTFOUND,
			"cannot read manifest 'nope.ini': No such file or directory");
	assert_int_equal(mkdir("adir", 0777), 0);
	assert_error_at("adir", PARA_ERROR,
			"cannot read manifest 'adir': Is a directory");
}

static void test_no_tasks(void **state)
{
	assert_error("", "manifest 'tasks.ini' declares no tasks");
	assert_error("; nothing yet\n\n# really\n",
		     "manifest 'tasks.ini' declares no tasks");
}

static void test_first_error_wins(void **state)
{
	assert_error("[a]\ncolour = x\n[a]\n",
		     "tasks.ini:2: unknown key 'colour' in section 'a'");
}

static void test_dispose_twice(void **state)
{
	struct para_manifest m;

	load_ok(&m, "[a]\npaths = x\n");
	para_manifest_dispose(&m);
	para_manifest_dispose(&m);
	para_manifest_dispose(NULL);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_all_keys),
		T(test_empty_section_is_a_task),
		T(test_names_as_written),
		T(test_layout_tolerated),
		T(test_inline_comments_and_quotes),
		T(test_values_match_iniparser),
		T(test_exclusive_booleans),
		T(test_issue),
		T(test_unknown_key),
		T(test_command_refused),
		T(test_bare_key),
		T(test_key_before_section),
		T(test_duplicate_section),
		T(test_duplicate_key),
		T(test_prompt_and_prompt_file),
		T(test_empty_values),
		T(test_malformed_sections),
		T(test_continuation_refused),
		T(test_nul_byte),
		T(test_longest_line),
		T(test_line_too_long),
		T(test_prompt_file_resolution),
		T(test_unreadable),
		T(test_no_tasks),
		T(test_first_error_wins),
		T(test_dispose_twice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
