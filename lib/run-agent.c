#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run-internal.h"
#include "strbuf.h"
#include "task-state.h"

/* What is kept of a report: a word, and one line of message. */
#define AGENT_WORD_MAX 32
#define AGENT_MESSAGE_MAX 300

void para_run_agent_prepare(struct para_strvec *env, struct para_run *run,
			    struct para_run_job *job)
{
	char *dir = NULL, *path = para_state_agent_path(run->repo,
							job->task.name);

	/*
	 * What an earlier attempt said is not this one's.  Once the file is
	 * known to be gone, the first poll has nothing to take (the running
	 * state this attempt writes has no report); otherwise it looks.
	 */
	job->agent_mtime = 0;
	job->agent_size = -2;
	if (para_repo_state_path(&dir, run->repo, PARA_STATE_AGENT) == 0 &&
	    (!unlink(path) || errno == ENOENT))
		job->agent_size = -1;
	para_strvec_pushf(env, "PARA_STATUS_FILE=%s", path);
	free(dir);
	free(path);
}

struct report {
	char *word;		/* NULL: nothing reported */
	char *message;
	const struct para_run *run;
	int changed;		/* taken into the state */
};

/* "waiting needs approval to run rm\n..." -> "waiting", "needs ..." */
static void parse(struct report *r, const char *text)
{
	const char *p = text + strspn(text, " \t\n"), *end;
	size_t n = 0;

	while (p[n] && (isalnum((unsigned char)p[n]) || p[n] == '-' ||
			p[n] == '_') && n < AGENT_WORD_MAX)
		n++;
	if (!n)
		return;
	r->word = para_strndup(p, n);
	p += n;
	p += strspn(p, " \t");
	end = p + strcspn(p, "\n");
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	if (end > p)
		r->message = para_strndup(p, (size_t)(end - p) > AGENT_MESSAGE_MAX
					  ? AGENT_MESSAGE_MAX : (size_t)(end - p));
}

static int same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static int take(struct para_task *task, void *data)
{
	struct report *r = data;

	if (task->state != PARA_STATE_RUNNING ||
	    task->runner.pid != r->run->self.pid ||
	    (same(task->agent_state, r->word) &&
	     same(task->agent_message, r->message)))
		return 1;
	free(task->agent_state);
	free(task->agent_message);
	task->agent_state = r->word ? para_strdup(r->word) : NULL;
	task->agent_message = r->message ? para_strdup(r->message) : NULL;
	r->changed = r->word != NULL;
	return 0;
}

static void poll_job(struct para_run *run, struct para_run_job *job)
{
	struct para_strbuf text = PARA_STRBUF_INIT;
	struct report r = { NULL, NULL, run, 0 };
	char *path = para_state_agent_path(run->repo, job->task.name);
	struct stat st;
	long long mtime = 0, size = -1;

	if (!stat(path, &st)) {
		mtime = (long long)st.st_mtim.tv_sec * 1000000000LL +
			st.st_mtim.tv_nsec;
		size = (long long)st.st_size;
	}
	if (mtime == job->agent_mtime && size == job->agent_size)
		goto out;
	job->agent_mtime = mtime;
	job->agent_size = size;
	if (size >= 0 && para_strbuf_read_file(&text, path) == 0)
		parse(&r, text.buf);
	para_state_update(run->repo, job->task.name, take, &r);
	if (r.changed && !strcmp(r.word, "waiting")) {
		char *what = r.message ? para_xstrfmt("waiting: %s", r.message)
				       : para_strdup("waiting");

		para_run_notify(run, job, PARA_NOTIFY_WAITING, what);
		free(what);
	}
out:
	free(r.word);
	free(r.message);
	para_strbuf_dispose(&text);
	free(path);
}

void para_run_agent_poll(struct para_run *run)
{
	size_t i;

	if (run->opts.exec_argv)
		return;
	for (i = 0; i < run->nr; i++)
		if (run->jobs[i].active && !run->jobs[i].checking)
			poll_job(run, &run->jobs[i]);
}
