#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <git2.h>

#include "error-git.h"
#include "fs.h"
#include "task-state.h"
#include "strbuf.h"

enum field_type { F_STR, F_INT, F_LL, F_BOOL, F_LIST, F_STATE, F_PID, F_ULL };

struct field {
	const char *key;	/* lower case, as libgit2 reports it */
	const char *name;	/* as written */
	enum field_type type;
	size_t offset;
};

#define FIELD(key, name, type, member) \
	{ key, name, type, offsetof(struct para_task, member) }

/* The file format: one row per key, written in this order. */
static const struct field fields[] = {
	FIELD("task.name", "name", F_STR, name),
	FIELD("task.branch", "branch", F_STR, branch),
	FIELD("task.worktree", "worktree", F_STR, worktree),
	FIELD("task.base", "base", F_STR, base),
	FIELD("task.baseref", "baseRef", F_STR, base_ref),
	FIELD("task.issue", "issue", F_STR, issue),
	FIELD("task.title", "title", F_STR, title),
	FIELD("task.prompt", "prompt", F_STR, prompt),
	FIELD("task.command", "command", F_STR, command),
	FIELD("task.verify", "verify", F_STR, verify),
	FIELD("task.path", "path", F_LIST, paths),
	FIELD("task.after", "after", F_LIST, after),
	FIELD("task.lock", "lock", F_LIST, locks),
	FIELD("task.exclusive", "exclusive", F_BOOL, exclusive),
	FIELD("task.mem", "mem", F_LL, mem),
	FIELD("task.cpus", "cpus", F_INT, cpus),
	FIELD("task.sparse", "sparse", F_BOOL, sparse),
	FIELD("task.reusedbranch", "reusedBranch", F_BOOL, reused_branch),
	FIELD("task.creating", "creating", F_BOOL, creating),
	FIELD("task.creatorpid", "creatorPid", F_PID, creator.pid),
	FIELD("task.creatorstart", "creatorStart", F_ULL, creator.start),
	FIELD("task.creatorbootid", "creatorBootId", F_STR, creator.boot_id),
	FIELD("task.created", "created", F_LL, created),
	FIELD("task.port", "port", F_LIST, ports),
	FIELD("task.diskuse", "diskUse", F_LL, disk_use),
	FIELD("task.sessionid", "sessionId", F_STR, session_id),
	FIELD("run.state", "state", F_STATE, state),
	FIELD("run.attempt", "attempt", F_INT, attempt),
	FIELD("run.attempts", "attempts", F_INT, attempts),
	FIELD("run.pid", "pid", F_PID, proc.pid),
	FIELD("run.pidstart", "pidStart", F_ULL, proc.start),
	FIELD("run.bootid", "bootId", F_STR, proc.boot_id),
	FIELD("run.runnerpid", "runnerPid", F_PID, runner.pid),
	FIELD("run.runnerstart", "runnerStart", F_ULL, runner.start),
	FIELD("run.runnerbootid", "runnerBootId", F_STR, runner.boot_id),
	FIELD("run.started", "started", F_LL, started),
	FIELD("run.finished", "finished", F_LL, finished),
	FIELD("run.exitcode", "exitCode", F_INT, exit_code),
	FIELD("run.signal", "signal", F_INT, signal),
	FIELD("run.slot", "slot", F_INT, slot),
	FIELD("run.stoprequested", "stopRequested", F_LL, stop_requested),
	FIELD("run.agentstate", "agentState", F_STR, agent_state),
	FIELD("run.agentmessage", "agentMessage", F_STR, agent_message),
	FIELD("run.stalled", "stalled", F_LL, stalled),
	FIELD("run.retrying", "retrying", F_BOOL, retrying),
	FIELD("run.startcommit", "startCommit", F_STR, start_commit),
	FIELD("run.cluster", "cluster", F_STR, cluster),
	FIELD("run.jobid", "jobId", F_STR, job_id),
	FIELD("run.submitted", "submitted", F_LL, submitted),
	FIELD("run.agentsessionid", "agentSessionId", F_STR, agent_session),
	FIELD("run.tmuxsocket", "tmuxSocket", F_STR, tmux_socket),
	FIELD("run.tmuxpane", "tmuxPane", F_STR, tmux_pane),
	FIELD("run.result", "result", F_LIST, results),
	FIELD("run.cgroup", "cgroup", F_LIST, cgroups),
	FIELD("collect.prurl", "prUrl", F_STR, pr_url),
	FIELD("collect.prstate", "prState", F_STR, pr_state),
	FIELD("collect.prchecks", "prChecks", F_STR, pr_checks),
	FIELD("collect.prmergedat", "prMergedAt", F_STR, pr_merged_at),
	FIELD("collect.prrefreshed", "prRefreshed", F_LL, pr_refreshed),
	FIELD("collect.mergedinto", "mergedInto", F_STR, merged_into),
	FIELD("collect.pushedto", "pushedTo", F_STR, pushed_to),
	FIELD("collect.conflict", "conflict", F_LIST, conflicts),
	FIELD("collect.conflictwith", "conflictWith", F_STR, conflict_with),
	FIELD("collect.conflictbranch", "conflictBranch", F_STR,
	      conflict_branch),
	FIELD("collect.resolving", "resolving", F_STR, resolving),
};

#define MEMBER(task, f, type) ((type *)((char *)(task) + (f)->offset))

char *para_state_task_path(const struct para_repo *repo, const char *name)
{
	return para_xstrfmt("%s/" PARA_STATE_TASKS "/%s", repo->state_dir,
			    name);
}

char *para_state_tasks_path(const struct para_repo *repo)
{
	return para_xstrfmt("%s/" PARA_STATE_TASKS, repo->state_dir);
}

char *para_state_lock_path(const struct para_repo *repo, const char *what)
{
	return para_xstrfmt("%s/locks/%s.lock", repo->state_dir, what);
}

/*
 * A task name has no "..": "<name>..exec.log" is never the log of a task
 * called "<name>.exec", as "<name>.exec.log" would be.
 */
const char *para_state_log_suffix(int kind)
{
	static const char *const suffix[] = {
		[PARA_STATE_LOG_TASK] = ".log",
		[PARA_STATE_LOG_EXEC] = "..exec.log",
		[PARA_STATE_LOG_VERIFY] = "..verify.log",
	};

	return suffix[kind];
}

char *para_state_log_path(const struct para_repo *repo, const char *name,
			  int kind)
{
	return para_xstrfmt("%s/" PARA_STATE_LOGS "/%s%s", repo->state_dir,
			    name, para_state_log_suffix(kind));
}

char *para_state_hooks_log_path(const struct para_repo *repo)
{
	return para_xstrfmt("%s/" PARA_STATE_LOGS "/hooks.log",
			    repo->state_dir);
}

char *para_state_context_path(const struct para_repo *repo)
{
	return para_xstrfmt("%s/context.md", repo->state_dir);
}

char *para_state_agent_path(const struct para_repo *repo, const char *name)
{
	return para_xstrfmt("%s/" PARA_STATE_AGENT "/%s.status",
			    repo->state_dir, name);
}

static char *state_file(const struct para_repo *repo, const char *dir,
			const char *name, const char *suffix)
{
	if (!name)
		return para_xstrfmt("%s/%s", repo->state_dir, dir);
	return para_xstrfmt("%s/%s/%s%s", repo->state_dir, dir, name,
			    suffix ? suffix : "");
}

char *para_state_attic_path(const struct para_repo *repo, const char *name,
			    const char *suffix)
{
	return state_file(repo, PARA_STATE_ATTIC, name, suffix);
}

char *para_state_provision_path(const struct para_repo *repo,
				const char *name, const char *suffix)
{
	return state_file(repo, PARA_STATE_PROVISION, name, suffix);
}

char *para_state_job_path(const struct para_repo *repo, const char *name,
			  const char *suffix)
{
	return state_file(repo, PARA_STATE_JOBS, name, suffix);
}

char *para_state_result_path(const struct para_repo *repo, const char *name,
			     const char *file)
{
	if (!name)
		return state_file(repo, PARA_STATE_RESULTS, NULL, NULL);
	return para_xstrfmt("%s/" PARA_STATE_RESULTS "/%s/%s", repo->state_dir,
			    name, file);
}

char *para_state_status_cache_path(const struct para_repo *repo,
				   const char *name, const char *kind)
{
	if (!name)
		return para_xstrfmt("%s/" PARA_STATE_STATUS_CACHE,
				    repo->state_dir);
	return para_xstrfmt("%s/" PARA_STATE_STATUS_CACHE "/%s.%s",
			    repo->state_dir, name, kind);
}

char *para_state_verify_cache_path(const struct para_repo *repo,
				   const char *name)
{
	return state_file(repo, PARA_STATE_VERIFY_CACHE, name, "");
}

char *para_state_verify_worktree_path(const struct para_repo *repo)
{
	return para_xstrfmt("%s/" PARA_STATE_VERIFY_WORKTREE, repo->state_dir);
}

/*
 * Quotes a value for git's config format.  Everything but NUL survives:
 * '\\', '"', '\n', '\t' and '\b' have escapes, and other bytes are
 * taken literally inside double quotes.
 */
static void add_quoted(struct para_strbuf *out, const char *value)
{
	const char *p;

	para_strbuf_addch(out, '"');
	for (p = value; *p; p++) {
		switch (*p) {
		case '\\': para_strbuf_addstr(out, "\\\\"); break;
		case '"': para_strbuf_addstr(out, "\\\""); break;
		case '\n': para_strbuf_addstr(out, "\\n"); break;
		case '\t': para_strbuf_addstr(out, "\\t"); break;
		case '\b': para_strbuf_addstr(out, "\\b"); break;
		default: para_strbuf_addch(out, *p);
		}
	}
	para_strbuf_addch(out, '"');
}

static void format_field(struct para_strbuf *out, const struct para_task *task,
			 const struct field *f)
{
	const struct para_strvec *list;
	const char *str;
	size_t i;

	switch (f->type) {
	case F_STR:
		str = *MEMBER(task, f, char *const);
		if (!str)
			return;
		para_strbuf_addf(out, "\t%s = ", f->name);
		add_quoted(out, str);
		para_strbuf_addch(out, '\n');
		return;
	case F_LIST:
		list = MEMBER(task, f, const struct para_strvec);
		for (i = 0; i < list->nr; i++) {
			para_strbuf_addf(out, "\t%s = ", f->name);
			add_quoted(out, list->v[i]);
			para_strbuf_addch(out, '\n');
		}
		return;
	case F_BOOL:
		para_strbuf_addf(out, "\t%s = %s\n", f->name,
				 *MEMBER(task, f, const int) ? "true" : "false");
		return;
	case F_INT:
		para_strbuf_addf(out, "\t%s = %d\n", f->name,
				 *MEMBER(task, f, const int));
		return;
	case F_LL:
		para_strbuf_addf(out, "\t%s = %lld\n", f->name,
				 *MEMBER(task, f, const long long));
		return;
	case F_ULL:
		para_strbuf_addf(out, "\t%s = %llu\n", f->name,
				 *MEMBER(task, f, const unsigned long long));
		return;
	case F_PID:
		para_strbuf_addf(out, "\t%s = %ld\n", f->name,
				 (long)*MEMBER(task, f, const pid_t));
		return;
	case F_STATE:
		para_strbuf_addf(out, "\t%s = %s\n", f->name,
			para_task_state_name(*MEMBER(task, f,
					const enum para_task_state)));
		return;
	}
}

static int same_section(const char *a, const char *b)
{
	size_t len = strcspn(a, ".");

	return len == strcspn(b, ".") && !strncmp(a, b, len);
}

void para_state_format(struct para_strbuf *out, const struct para_task *task)
{
	size_t i;

	para_strbuf_addf(out, "# git-para task state: read it with git-para-status(1)\n"
			 "[para]\n\tversion = %d\n", PARA_STATE_VERSION);
	for (i = 0; i < sizeof(fields) / sizeof(*fields); i++) {
		if (!i || !same_section(fields[i - 1].key, fields[i].key))
			para_strbuf_addf(out, "[%.*s]\n",
					 (int)strcspn(fields[i].key, "."),
					 fields[i].key);
		format_field(out, task, &fields[i]);
	}
	/* written last, so that a truncated file is noticed */
	para_strbuf_addstr(out, "[end]\n\tcomplete = true\n");
}

static const struct field *find_field(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(*fields); i++)
		if (!strcmp(fields[i].key, key))
			return &fields[i];
	return NULL;
}

static int parse_number(long long *out, const char *value, long long min,
			long long max)
{
	char *end;

	errno = 0;
	*out = strtoll(value, &end, 10);
	return (!*value || *end || errno || *out < min || *out > max) ? -1 : 0;
}

static int set_field(struct para_task *task, const struct field *f,
		     const char *value)
{
	long long n;
	char **str;

	switch (f->type) {
	case F_STR:
		str = MEMBER(task, f, char *);
		free(*str);
		*str = para_strdup(value);
		return 0;
	case F_LIST:
		para_strvec_push(MEMBER(task, f, struct para_strvec), value);
		return 0;
	case F_BOOL:
		if (strcmp(value, "true") && strcmp(value, "false"))
			return -1;
		*MEMBER(task, f, int) = !strcmp(value, "true");
		return 0;
	case F_STATE:
		if (para_task_state_parse(value) < 0)
			return -1;
		*MEMBER(task, f, enum para_task_state) =
			(enum para_task_state)para_task_state_parse(value);
		return 0;
	case F_INT:
		if (parse_number(&n, value, -2147483647LL, 2147483647LL) < 0)
			return -1;
		*MEMBER(task, f, int) = (int)n;
		return 0;
	case F_PID:
		if (parse_number(&n, value, 0, 2147483647LL) < 0)
			return -1;
		*MEMBER(task, f, pid_t) = (pid_t)n;
		return 0;
	case F_LL:
		if (parse_number(&n, value, 0, 9223372036854775807LL) < 0)
			return -1;
		*MEMBER(task, f, long long) = n;
		return 0;
	case F_ULL:
		if (parse_number(&n, value, 0, 9223372036854775807LL) < 0)
			return -1;
		*MEMBER(task, f, unsigned long long) = (unsigned long long)n;
		return 0;
	}
	return -1;
}

static int corrupt(const char *path, const char *why)
{
	return para_error_set(PARA_ECORRUPT, "damaged state file '%s': %s",
			      path, why);
}

/* Applies one entry; returns 0, or an error about the file. */
static int read_entry(struct para_task *task, int *version, int *complete,
		      const char *name, const char *raw, const char *path)
{
	/* a bare key (no '=') has no value: we never write one */
	const char *value = raw ? raw : "";
	const struct field *f;
	long long n;

	if (!strcmp(name, "para.version")) {
		if (parse_number(&n, value, 1, 1000000) < 0)
			return corrupt(path, "bad version");
		*version = (int)n;
		return 0;
	}
	if (!strcmp(name, "end.complete")) {
		*complete = !strcmp(value, "true");
		return 0;
	}
	f = find_field(name);
	if (f && (!raw || set_field(task, f, value) < 0))
		return para_error_set(PARA_ECORRUPT,
			"damaged state file '%s': bad value '%s' for '%s'",
			path, value, name);
	return 0;
}

static int check_loaded(const struct para_task *task, int version,
			int complete, const char *path)
{
	if (!version)
		return corrupt(path, "no format version");
	if (version > PARA_STATE_VERSION)
		return para_error_set(PARA_ECORRUPT,
			"state file '%s' has format version %d; this git-para reads version %d",
			path, version, PARA_STATE_VERSION);
	if (!complete)
		return corrupt(path, "it is truncated");
	if (!task->name || !task->branch || !task->worktree || !task->base)
		return corrupt(path, "a required field is missing");
	return 0;
}

/* Reads the file through libgit2's config parser: any valid syntax. */
static int parse_with_libgit2(struct para_task *out, int *version,
			      int *complete, const char *path)
{
	git_config *cfg = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *entry;
	int error;

	if (git_config_open_ondisk(&cfg, path) < 0 ||
	    git_config_iterator_new(&it, cfg) < 0) {
		error = para_error_git(PARA_ECORRUPT,
				       "damaged state file '%s'", path);
		goto out;
	}
	while ((error = git_config_next(&entry, it)) == 0)
		if ((error = read_entry(out, version, complete, entry->name,
					entry->value, path)) < 0)
			goto out;
	if (error != GIT_ITEROVER)
		error = para_error_git(PARA_ECORRUPT,
				       "damaged state file '%s'", path);
	else
		error = 0;
out:
	git_config_iterator_free(it);
	git_config_free(cfg);
	return error;
}

/*
 * Reads one double-quoted value as para_state_format() writes it; returns
 * the position after the closing quote, or NULL for anything else.
 */
static const char *fast_quoted(struct para_strbuf *value, const char *p)
{
	for (p++; *p && *p != '"'; p++) {
		if (*p == '\n')
			return NULL;
		if (*p != '\\') {
			para_strbuf_addch(value, *p);
			continue;
		}
		switch (*++p) {
		case '\\': para_strbuf_addch(value, '\\'); break;
		case '"': para_strbuf_addch(value, '"'); break;
		case 'n': para_strbuf_addch(value, '\n'); break;
		case 't': para_strbuf_addch(value, '\t'); break;
		case 'b': para_strbuf_addch(value, '\b'); break;
		default: return NULL;
		}
	}
	return *p == '"' ? p + 1 : NULL;
}

/*
 * Parses one `key = value` line of the fast path into `name` (lowered
 * "section.key") and `value`.  Returns 0, or -1 for anything the fast
 * path does not know.
 */
static int fast_line(struct para_strbuf *name, struct para_strbuf *value,
		     const char *section, const char *p, const char *eol)
{
	const char *key = p;

	while (p < eol && (isalnum((unsigned char)*p) || *p == '-'))
		p++;
	if (p == key || !*section)
		return -1;
	para_strbuf_reset(name);
	para_strbuf_addstr(name, section);
	para_strbuf_addch(name, '.');
	for (; key < p; key++)
		para_strbuf_addch(name, tolower((unsigned char)*key));
	if (strncmp(p, " = ", 3))
		return -1;
	p += 3;
	para_strbuf_reset(value);
	if (*p == '"')
		p = fast_quoted(value, p);
	else
		while (p < eol && (isalnum((unsigned char)*p) || *p == '-'))
			para_strbuf_addch(value, *p++);
	return p == eol ? 0 : -1;
}

/*
 * The files git-para writes use a small part of git's config syntax;
 * reading that part directly is ten times cheaper than libgit2's parser
 * (which matters with hundreds of tasks).  Returns 1 when the file holds
 * anything else, for the caller to hand it to libgit2.
 */
static int parse_fast(struct para_task *out, int *version, int *complete,
		      const char *path)
{
	struct para_strbuf data = PARA_STRBUF_INIT, name = PARA_STRBUF_INIT;
	struct para_strbuf value = PARA_STRBUF_INIT;
	char section[16] = "";
	const char *p, *eol;
	int error = 0;

	if (para_strbuf_read_whole(&data, path) < 0) {
		error = errno == ENOENT ?
			para_error_set(PARA_ENOTFOUND, "no state file '%s'",
				       path) :
			para_error_errno(PARA_ECORRUPT,
					 "cannot read state file '%s'", path);
		goto out;
	}
	for (p = data.buf; *p && !error; p = *eol ? eol + 1 : eol) {
		eol = strchrnul(p, '\n');
		while (*p == '\t')
			p++;
		if (p == eol || *p == '#')
			continue;
		if (*p == '[' && eol - p < (long)sizeof(section) &&
		    eol[-1] == ']') {
			memcpy(section, p + 1, (size_t)(eol - p - 2));
			section[eol - p - 2] = '\0';
			continue;
		}
		if (fast_line(&name, &value, section, p, eol) < 0)
			error = 1;
		else
			error = read_entry(out, version, complete, name.buf,
					   value.buf, path);
	}
out:
	para_strbuf_dispose(&data);
	para_strbuf_dispose(&name);
	para_strbuf_dispose(&value);
	return error;
}

int para_state_parse_file(struct para_task *out, const char *path)
{
	int version = 0, complete = 0, error;

	para_task_init(out);
	/* a file that is not there is PARA_ENOTFOUND, from parse_fast() */
	error = parse_fast(out, &version, &complete, path);
	if (error > 0) {
		/* written by hand or by another tool: let libgit2 judge */
		para_task_dispose(out);
		version = complete = 0;
		error = parse_with_libgit2(out, &version, &complete, path);
	}
	if (!error)
		error = check_loaded(out, version, complete, path);
	if (error < 0)
		para_task_dispose(out);
	/* files written before the lifetime count had only the last number */
	else if (out->attempts < out->attempt)
		out->attempts = out->attempt;
	return error;
}

int para_state_load(struct para_task *out, const struct para_repo *repo,
		    const char *name)
{
	char *path = para_state_task_path(repo, name);
	int error = para_state_parse_file(out, path);

	if (error == PARA_ENOTFOUND)
		para_error_set(PARA_ENOTFOUND, "no such task '%s'", name);
	else if (!error && strcmp(out->name, name)) {
		error = para_error_set(PARA_ECORRUPT,
			"damaged state file '%s': it names task '%s'",
			path, out->name);
		para_task_dispose(out);
	}
	free(path);
	return error;
}

static int write_state(const char *path, const struct para_task *task,
		       const struct para_strbuf *data)
{
	/*
	 * A queued mark need not outlive a crash of the machine: losing it
	 * gives the task back the state it had, which is what a mark of a
	 * run that died is turned into anyway.  Every other state is synced.
	 */
	return task->state == PARA_STATE_QUEUED ?
		para_write_file_replace(path, data->buf, data->len) :
		para_write_file_atomic(path, data->buf, data->len);
}

int para_state_save(const struct para_repo *repo,
		    const struct para_task *task)
{
	struct para_strbuf data = PARA_STRBUF_INIT;
	char *dir = NULL, *path = para_state_task_path(repo, task->name);
	int error;

	para_state_format(&data, task);
	/* the directory is made when it is missing, not looked at first */
	if ((error = write_state(path, task, &data)) < 0 &&
	    para_repo_state_path(&dir, (struct para_repo *)repo,
				 PARA_STATE_TASKS) == 0) {
		para_error_clear();
		error = write_state(path, task, &data);
	}
	para_strbuf_dispose(&data);
	free(dir);
	free(path);
	return error;
}

int para_state_remove(const struct para_repo *repo, const char *name)
{
	char *path = para_state_task_path(repo, name);
	int error = 0;

	if (unlink(path) < 0 && errno != ENOENT)
		error = para_error_errno(PARA_ERROR, "cannot remove '%s'",
					 path);
	free(path);
	return error;
}

int para_state_exists(const struct para_repo *repo, const char *name)
{
	char *path = para_state_task_path(repo, name);
	int exists = access(path, F_OK) == 0;

	free(path);
	return exists;
}

int para_state_list(struct para_strvec *out, const struct para_repo *repo)
{
	char *dir = para_state_tasks_path(repo);
	DIR *d = opendir(dir);
	struct dirent *de;
	int error = 0;

	if (!d) {
		if (errno != ENOENT)
			error = para_error_errno(PARA_ERROR,
						 "cannot read '%s'", dir);
		free(dir);
		return error;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] != '.') {
			para_strvec_push(out, de->d_name);
		} else if (para_tmp_is_stale(dir, de->d_name)) {
			char *tmp = para_xstrfmt("%s/%s", dir, de->d_name);

			unlink(tmp);	/* what a killed writer left */
			free(tmp);
		}
	}
	closedir(d);
	free(dir);
	para_strvec_sort(out);
	return 0;
}

void para_state_sweep(const struct para_repo *repo)
{
	para_remove_stale_tmp(repo->state_dir, 2);
}

int para_state_lock(struct para_lock *lock, const struct para_repo *repo,
		    const char *what, int flags)
{
	char *path = para_state_lock_path(repo, what);
	int error = para_lock_take(lock, path, flags);

	free(path);
	return error;
}

int para_state_lock_remove(struct para_lock *lock,
			   const struct para_repo *repo, const char *what)
{
	char *path = para_xstrfmt("%s/locks/%s.lock", repo->state_dir, what);
	int error = para_lock_remove(lock, path);

	free(path);
	return error;
}
