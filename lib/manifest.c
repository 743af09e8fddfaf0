#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <iniparser.h>

#include "error.h"
#include "manifest.h"
#include "size.h"
#include "task.h"
#include "similar.h"
#include "strbuf.h"

/*
 * iniparser reads the values; our own line scanner runs first, because
 * iniparser lowercases names, forgets line numbers, keeps the last of two
 * equal keys without a word, and fails the whole file on a long line or a
 * bare key with a message on its error callback only.  The scanner
 * accepts a subset of what iniparser accepts, so every value we return is
 * exactly the one iniparser stored:
 *
 *  - Names are compared without case (iniparser lowercases them), so
 *    `[Backend]` after `[backend]` is a duplicate section; the task name
 *    is returned as written, for the caller to judge.
 *  - An unquoted value ends at the first ';' or '#' anywhere, spaces
 *    around it are dropped: `prompt = fix a;b` is "fix a", and
 *    `issue = #42` is empty (so refused, with a hint to write 42).
 *  - A value in double or single quotes is everything up to the next
 *    quote of the same kind, spaces and ';' and '#' included, and what
 *    follows that quote is ignored: `"a ; b" c` is "a ; b".  There are no
 *    escapes: `"say \"hi\""` is `say \`.  `""` is empty.
 *  - iniparser joins a line ending in '\' to the next one, even a comment
 *    line; we refuse such a line instead, so nothing is swallowed.
 */

#define LINE_MAX_BYTES 1022	/* iniparser's buffer, less the newline */

enum manifest_key {
	KEY_ISSUE,
	KEY_PATHS,
	KEY_AFTER,
	KEY_LOCKS,
	KEY_EXCLUSIVE,
	KEY_PROMPT,
	KEY_PROMPT_FILE,
	KEY_BASE,
	KEY_BRANCH,
	KEY_MEM,
	KEY_CPUS,
	KEY_NR
};

static const char *const key_names[KEY_NR + 1] = {
	"issue", "paths", "after", "locks", "exclusive", "prompt",
	"prompt-file", "base", "branch", "mem", "cpus", NULL
};

struct scan_section {
	char *name;		/* as written */
	char *lower;		/* as iniparser stores it */
	int line;
	int key_line[KEY_NR];	/* 0 when the key is absent */
};

struct scan {
	const char *path;
	int line;
	struct scan_section *sections;
	size_t nr, alloc;
};

static int line_error(const char *path, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int line_error(const char *path, int line, const char *fmt, ...)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	va_list ap;
	int error;

	va_start(ap, fmt);
	para_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	error = para_error_set(PARA_EINVALID, "%s:%d: %s", path, line, sb.buf);
	para_strbuf_dispose(&sb);
	return error;
}

static char *strip(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	return s;
}

/* ASCII only, as iniparser's tolower() in the C locale. */
static char *lowercase(const char *s)
{
	char *copy = para_strdup(s), *p;

	for (p = copy; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return copy;
}

static int key_index(const char *name)
{
	int i;

	for (i = 0; i < KEY_NR; i++)
		if (!strcasecmp(name, key_names[i]))
			return i;
	return -1;
}

static struct scan_section *find_section(const struct scan *s,
					 const char *lower)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		if (!strcmp(s->sections[i].lower, lower))
			return &s->sections[i];
	return NULL;
}

static int scan_section(struct scan *s, char *line)
{
	char *close = strchr(line, ']'), *name, *lower;
	struct scan_section *dup, *sec;

	if (close[1])
		return line_error(s->path, s->line,
			"malformed section header '%s' (expected '[name]' alone on its line)",
			line);
	*close = '\0';
	name = strip(line + 1);
	if (!*name)
		return line_error(s->path, s->line, "empty section name");
	lower = lowercase(name);
	if ((dup = find_section(s, lower))) {
		free(lower);
		return line_error(s->path, s->line,
				  "duplicate section '%s' (first at line %d)",
				  name, dup->line);
	}
	s->sections = para_grow(s->sections, &s->alloc, s->nr + 1,
				sizeof(*s->sections));
	sec = &s->sections[s->nr++];
	memset(sec, 0, sizeof(*sec));
	sec->name = para_strdup(name);
	sec->lower = lower;
	sec->line = s->line;
	return 0;
}

/* "unknown key", naming the key that was probably meant */
static int unknown_key_guess(const struct scan *s, const char *key,
			     const struct scan_section *sec)
{
	char *lower = para_strdup(key), *p;
	const char *similar;
	int error;

	for (p = lower; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	similar = para_most_similar(lower, key_names);
	if (similar)
		error = line_error(s->path, s->line,
				   "unknown key '%s' in section '%s' "
				   "(did you mean '%s'?)", key, sec->name,
				   similar);
	else
		error = line_error(s->path, s->line,
				   "unknown key '%s' in section '%s'", key,
				   sec->name);
	free(lower);
	return error;
}

static int unknown_key(const struct scan *s, const char *key,
		       const struct scan_section *sec)
{
	if (!strcasecmp(key, "command"))
		return line_error(s->path, s->line,
			"key '%s' is not allowed in a manifest (set para.command or pass --command)",
			key);
	if (!strcasecmp(key, "verify"))
		return line_error(s->path, s->line,
			"key '%s' is not allowed in a manifest (set para.verify or pass --verify)",
			key);
	return unknown_key_guess(s, key, sec);
}

/* iniparser reads `issue = #42` as an empty value: say why. */
static int commented_issue(const struct scan *s, const char *value,
			   const struct scan_section *sec)
{
	int digits = (int)strspn(value + 1, "0123456789");

	if (!digits)
		return line_error(s->path, s->line,
			"invalid value '%s' for 'issue' in section '%s' (an unquoted '#' starts a comment)",
			value, sec->name);
	return line_error(s->path, s->line,
		"invalid value '%s' for 'issue' in section '%s' (an unquoted '#' starts a comment: write 'issue = %.*s')",
		value, sec->name, digits, value + 1);
}

static int scan_key(struct scan *s, char *line, char *eq)
{
	struct scan_section *sec = s->nr ? &s->sections[s->nr - 1] : NULL;
	char *key, *value = strip(eq + 1);
	int k;

	*eq = '\0';
	key = strip(line);
	if (!*key)
		return line_error(s->path, s->line,
				  "missing key name before '='");
	if (!sec)
		return line_error(s->path, s->line,
				  "key '%s' before any section", key);
	if ((k = key_index(key)) < 0)
		return unknown_key(s, key, sec);
	if (sec->key_line[k])
		return line_error(s->path, s->line,
			"duplicate key '%s' in section '%s' (first at line %d)",
			key, sec->name, sec->key_line[k]);
	if (k == KEY_ISSUE && *value == '#')
		return commented_issue(s, value, sec);
	sec->key_line[k] = s->line;
	return 0;
}

static int scan_line(struct scan *s, char *line, size_t len)
{
	char *eq;

	if (len > LINE_MAX_BYTES)
		return line_error(s->path, s->line,
			"line too long (%zu bytes, iniparser's limit is %d); put long prompts in prompt-file",
			len, LINE_MAX_BYTES);
	if (memchr(line, '\0', len))
		return line_error(s->path, s->line, "line contains a NUL byte");
	line[len] = '\0';
	line = strip(line);
	len = strlen(line);
	if (len && line[len - 1] == '\\')
		return line_error(s->path, s->line,
			"line ends with '\\', which iniparser would join to the next line");
	if (!len || *line == ';' || *line == '#')
		return 0;
	if (*line == '[' && line[len - 1] == ']')
		return scan_section(s, line);
	if (*line == '[')
		return line_error(s->path, s->line,
			"malformed section header '%s' (expected '[name]' alone on its line)",
			line);
	if ((eq = strchr(line, '=')))
		return scan_key(s, line, eq);
	return line_error(s->path, s->line,
			  "bare key '%s' (expected 'key = value')", line);
}

static int scan_buffer(struct scan *s, struct para_strbuf *sb)
{
	char *p = sb->buf, *end = sb->buf + sb->len;
	int error = 0;

	while (p < end && !error) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		s->line++;
		error = scan_line(s, p, len);
		p += len + 1;
	}
	return error;
}

static void scan_dispose(struct scan *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++) {
		free(s->sections[i].name);
		free(s->sections[i].lower);
	}
	free(s->sections);
	s->sections = NULL;
	s->nr = s->alloc = 0;
}

/*
 * iniparser reports errors only through a global callback, as text such
 * as "iniparser: syntax error in FILE (LINE):\n-> text\n".  Keep the first
 * one of this thread's load and rewrite it as "FILE:LINE: message".
 */
static __thread char ini_message[2048];

static int capture_ini_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int capture_ini_error(const char *fmt, ...)
{
	va_list ap;

	if (ini_message[0])
		return 0;
	va_start(ap, fmt);
	vsnprintf(ini_message, sizeof(ini_message), fmt, ap);
	va_end(ap);
	return 0;
}

static int ini_error(const char *path)
{
	struct para_strbuf where = PARA_STRBUF_INIT;
	char *msg = ini_message, *at, *rest;
	long line = 0;
	int error;

	if (!strncmp(msg, "iniparser: ", 11))
		msg += 11;
	para_strbuf_addf(&where, " in %s (", path);
	at = strstr(msg, where.buf);
	if (at)
		line = strtol(at + where.len, &rest, 10);
	if (!at || *rest != ')') {
		error = para_error_set(PARA_EINVALID, "%s: %s", path,
				       strip(msg));
		goto out;
	}
	*at = '\0';
	rest = strip(rest + 1 + (rest[1] == ':'));
	if (!strncmp(rest, "->", 2))
		rest = strip(rest + 2);
	error = para_error_set(PARA_EINVALID, "%s:%ld: %s%s%s", path, line,
			       msg, *rest ? ": " : "", rest);
out:
	para_strbuf_dispose(&where);
	return error;
}

static int ini_load(dictionary **out, const char *path)
{
	ini_message[0] = '\0';
	iniparser_set_error_callback(capture_ini_error);
	*out = iniparser_load(path);
	iniparser_set_error_callback(NULL);
	if (*out)
		return 0;
	if (!ini_message[0])
		snprintf(ini_message, sizeof(ini_message), "cannot parse");
	return ini_error(path);
}

static const char *ini_value(const dictionary *dict,
			     const struct scan_section *sec, int k)
{
	char *entry;
	const char *value;

	if (!sec->key_line[k])
		return NULL;
	entry = para_xstrfmt("%s:%s", sec->lower, key_names[k]);
	value = dictionary_get(dict, entry, NULL);
	free(entry);
	return value;
}

static int parse_issue(char **out, const char *value)
{
	const char *digits = value + (*value == '#');
	unsigned long n;
	char *end;

	if (*digits < '0' || *digits > '9')
		return -1;
	errno = 0;
	n = strtoul(digits, &end, 10);
	if (*end || errno || !n || n > INT_MAX)
		return -1;
	*out = para_xstrfmt("%lu", n);
	return 0;
}

static int parse_bool(int *out, const char *value)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(*yes); i++) {
		if (!strcasecmp(value, yes[i])) {
			*out = 1;
			return 0;
		}
		if (!strcasecmp(value, no[i])) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

static int resolve_prompt_file(char **out, const char *manifest,
			       const char *file)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	const char *slash = strrchr(manifest, '/');
	char *cwd;

	if (*file == '/') {
		*out = para_strdup(file);
		return 0;
	}
	if (*manifest != '/') {
		if (!(cwd = getcwd(NULL, 0)))
			return para_error_errno(PARA_ERROR,
				"cannot resolve prompt-file '%s'", file);
		para_strbuf_addstr(&sb, cwd);
		free(cwd);
		if (sb.len && sb.buf[sb.len - 1] == '/')
			para_strbuf_setlen(&sb, sb.len - 1);
		if (slash)
			para_strbuf_addch(&sb, '/');
	}
	if (slash)
		para_strbuf_add(&sb, manifest, (size_t)(slash - manifest));
	para_strbuf_addf(&sb, "/%s", file);
	*out = para_strbuf_detach(&sb);
	return 0;
}

/* Single-valued keys: present but empty is a mistake, not a default. */
static int check_not_empty(const char *path, const struct scan_section *sec,
			   const dictionary *dict)
{
	static const int keys[] = {
		KEY_PROMPT, KEY_PROMPT_FILE, KEY_BASE, KEY_BRANCH
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
		const char *value = ini_value(dict, sec, keys[i]);

		if (value && !*value)
			return line_error(path, sec->key_line[keys[i]],
				"empty value for '%s' in section '%s'",
				key_names[keys[i]], sec->name);
	}
	if (sec->key_line[KEY_PROMPT] && sec->key_line[KEY_PROMPT_FILE])
		return line_error(path, sec->key_line[KEY_PROMPT] >
				  sec->key_line[KEY_PROMPT_FILE] ?
				  sec->key_line[KEY_PROMPT] :
				  sec->key_line[KEY_PROMPT_FILE],
			"section '%s' sets both 'prompt' and 'prompt-file'",
			sec->name);
	return 0;
}

static int read_scalars(struct para_manifest_task *task, const char *path,
			const struct scan_section *sec, const dictionary *dict)
{
	const char *issue = ini_value(dict, sec, KEY_ISSUE);
	const char *exclusive = ini_value(dict, sec, KEY_EXCLUSIVE);
	const char *mem = ini_value(dict, sec, KEY_MEM);
	const char *cpus = ini_value(dict, sec, KEY_CPUS);

	if (issue && parse_issue(&task->issue, issue) < 0)
		return line_error(path, sec->key_line[KEY_ISSUE],
			"invalid value '%s' for 'issue' in section '%s' (expected a positive number)",
			issue, sec->name);
	if (exclusive && parse_bool(&task->exclusive, exclusive) < 0)
		return line_error(path, sec->key_line[KEY_EXCLUSIVE],
			"invalid value '%s' for 'exclusive' in section '%s' (expected true or false)",
			exclusive, sec->name);
	if (mem && (para_size_parse(&task->mem, mem) < 0 || !task->mem))
		return line_error(path, sec->key_line[KEY_MEM],
			"invalid value '%s' for 'mem' in section '%s' (expected a size such as 512M or 2G)",
			mem, sec->name);
	if (cpus && para_task_cpus_parse(&task->cpus, cpus) < 0)
		return line_error(path, sec->key_line[KEY_CPUS],
			"invalid value '%s' for 'cpus' in section '%s' (expected a number of CPUs from 1 to 4096)",
			cpus, sec->name);
	return 0;
}

static char *dup_or_null(const char *s)
{
	return s ? para_strdup(s) : NULL;
}

static int read_task(struct para_manifest_task *task, const char *path,
		     const struct scan_section *sec, const dictionary *dict)
{
	const char *prompt_file;
	int error;

	task->name = para_strdup(sec->name);
	task->line = sec->line;
	if ((error = check_not_empty(path, sec, dict)) < 0 ||
	    (error = read_scalars(task, path, sec, dict)) < 0)
		return error;
	para_strvec_split(&task->paths, ini_value(dict, sec, KEY_PATHS));
	para_strvec_split(&task->after, ini_value(dict, sec, KEY_AFTER));
	para_strvec_split(&task->locks, ini_value(dict, sec, KEY_LOCKS));
	task->prompt = dup_or_null(ini_value(dict, sec, KEY_PROMPT));
	task->base = dup_or_null(ini_value(dict, sec, KEY_BASE));
	task->branch = dup_or_null(ini_value(dict, sec, KEY_BRANCH));
	prompt_file = ini_value(dict, sec, KEY_PROMPT_FILE);
	if (prompt_file)
		return resolve_prompt_file(&task->prompt_file, path,
					   prompt_file);
	return 0;
}

static int read_file(struct para_strbuf *sb, const char *path)
{
	if (para_strbuf_read_file(sb, path) < 0)
		return para_error_errno(errno == ENOENT ? PARA_ENOTFOUND :
					PARA_ERROR,
					"cannot read manifest '%s'", path);
	return 0;
}

int para_manifest_load(struct para_manifest *out, const char *path)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	struct scan scan = { path, 0, NULL, 0, 0 };
	dictionary *dict = NULL;
	size_t i;
	int error;

	memset(out, 0, sizeof(*out));
	out->path = para_strdup(path);
	if ((error = read_file(&sb, path)) < 0 ||
	    (error = scan_buffer(&scan, &sb)) < 0)
		goto out;
	if (!scan.nr) {
		error = para_error_set(PARA_EINVALID,
				       "manifest '%s' declares no tasks", path);
		goto out;
	}
	if ((error = ini_load(&dict, path)) < 0)
		goto out;
	out->tasks = para_calloc(scan.nr, sizeof(*out->tasks));
	for (i = 0; i < scan.nr && !error; i++, out->nr++)
		error = read_task(&out->tasks[i], path, &scan.sections[i],
				  dict);

out:
	if (error < 0)
		para_manifest_dispose(out);
	if (dict)
		iniparser_freedict(dict);
	scan_dispose(&scan);
	para_strbuf_dispose(&sb);
	return error;
}

static void task_dispose(struct para_manifest_task *task)
{
	free(task->name);
	free(task->issue);
	para_strvec_dispose(&task->paths);
	para_strvec_dispose(&task->after);
	para_strvec_dispose(&task->locks);
	free(task->prompt);
	free(task->prompt_file);
	free(task->base);
	free(task->branch);
}

void para_manifest_dispose(struct para_manifest *manifest)
{
	size_t i;

	if (!manifest)
		return;
	for (i = 0; i < manifest->nr; i++)
		task_dispose(&manifest->tasks[i]);
	free(manifest->tasks);
	free(manifest->path);
	memset(manifest, 0, sizeof(*manifest));
}
