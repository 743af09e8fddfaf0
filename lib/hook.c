#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "child.h"
#include "config.h"
#include "duration.h"
#include "error.h"
#include "hook.h"
#include "run-log.h"
#include "strbuf.h"
#include "task-env.h"
#include "task-state.h"

/* Spelled as the key table spells it; the event replaces "<event>". */
static const char hook_key[] = "para.hook.<event>";

/* Output kept of one hook run; the rest is counted, not kept. */
#define HOOK_OUTPUT_MAX (64 * 1024)

static const char *const event_names[PARA_HOOK__COUNT] = {
	[PARA_HOOK_STATE] = "state",
	[PARA_HOOK_ADD] = "add",
	[PARA_HOOK_MERGE] = "merge",
	[PARA_HOOK_PRUNE] = "prune",
};

static void (*warning_fn)(const char *msg);

const char *para_hook_event_name(enum para_hook_event event)
{
	return event_names[event];
}

void para_hook_set_warning(void (*fn)(const char *msg))
{
	warning_fn = fn;
}

static void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void warn(const char *fmt, ...)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	va_list ap;

	if (!warning_fn)
		return;
	va_start(ap, fmt);
	para_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	warning_fn(sb.buf);
	para_strbuf_dispose(&sb);
}

/* What is configured for `event`: the commands and their time limit. */
struct hook_config {
	char *key;
	struct para_strvec commands;
	long long timeout;	/* ms, 0 for none */
};

static char *event_key(enum para_hook_event event)
{
	return para_xstrfmt("%.*s%s", (int)(strchr(hook_key, '<') - hook_key),
			    hook_key, event_names[event]);
}

/* The commands the values of the key give. */
static void take_commands(struct para_strvec *commands,
			  const struct para_strvec *all)
{
	size_t i;

	/* an empty value drops the commands before it, as `-c key=` does */
	for (i = 0; i < all->nr; i++) {
		if (!*all->v[i])
			para_strvec_dispose(commands);
		else
			para_strvec_push(commands, all->v[i]);
	}
}

static int read_config(struct hook_config *hc, struct para_repo *repo,
		       enum para_hook_event event)
{
	struct para_config *config = NULL;
	struct para_strvec all = PARA_STRVEC_INIT;
	int error;

	hc->key = event_key(event);
	if ((error = para_config_open(&config, repo)) < 0 ||
	    (error = para_config_get_all(&all, config, hc->key)) < 0 ||
	    (error = para_config_duration(&hc->timeout, config,
					  "para.hookTimeout")) < 0)
		goto out;
	take_commands(&hc->commands, &all);
out:
	para_strvec_dispose(&all);
	para_config_free(config);
	return error;
}

static void hook_config_dispose(struct hook_config *hc)
{
	free(hc->key);
	para_strvec_dispose(&hc->commands);
}

static int is_dir(const char *path)
{
	struct stat st;

	return path && !stat(path, &st) && S_ISDIR(st.st_mode);
}

static void build_env(struct para_strvec *env, struct para_repo *repo,
		      enum para_hook_event event, const struct para_task *task,
		      enum para_task_state old_state)
{
	struct para_strvec extra = PARA_STRVEC_INIT;
	char *log = para_state_log_path(repo, task->name, 0);
	long long end;

	para_task_env_base(env);
	para_strvec_pushf(&extra, "PARA_EVENT=%s", event_names[event]);
	para_strvec_pushf(&extra, "PARA_STATE=%s",
			  para_task_state_name(task->state));
	para_strvec_pushf(&extra, "PARA_OLD_STATE=%s",
			  event == PARA_HOOK_STATE ?
			  para_task_state_name(old_state) : "");
	para_strvec_pushf(&extra, "PARA_AGENT_STATE=%s",
			  task->agent_state ? task->agent_state : "");
	para_strvec_pushf(&extra, "PARA_STALLED=%s",
			  task->state == PARA_STATE_RUNNING && task->stalled ?
			  "1" : "");
	para_strvec_pushf(&extra, "PARA_RETRYING=%s",
			  task->retrying ? "1" : "");
	if (task->exit_code >= 0)
		para_strvec_pushf(&extra, "PARA_EXIT_CODE=%d", task->exit_code);
	else
		para_strvec_push(&extra, "PARA_EXIT_CODE=");
	end = task->finished >= task->started ? task->finished : 0;
	if (task->started)
		para_strvec_pushf(&extra, "PARA_ELAPSED_MS=%lld",
				  (end ? end : para_now_ms()) - task->started);
	else
		para_strvec_push(&extra, "PARA_ELAPSED_MS=");
	para_strvec_pushf(&extra, "PARA_ATTEMPT=%d", task->attempt);
	para_strvec_pushf(&extra, "PARA_LOG=%s", log);
	para_task_env_build_in(env, repo, task, PARA_TASK_ENV_DOMAIN,
			       (const char *const *)extra.v);
	para_strvec_dispose(&extra);
	free(log);
}

static void read_output(struct para_hook_exec *r, int fd)
{
	char buf[8192];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0 ||
	       (n < 0 && errno == EINTR)) {
		size_t room = HOOK_OUTPUT_MAX - r->out.len;

		if (n < 0)
			continue;
		if ((size_t)n > room)
			r->dropped += (size_t)n - room;
		para_strbuf_add(&r->out, buf, (size_t)n > room ? room : (size_t)n);
	}
}

/* Waits for the leader, at most until `deadline` (0: forever). */
static void supervise(struct para_hook_exec *r, struct para_child *child,
		      long long deadline)
{
	struct pollfd pfd[2];

	pfd[0].fd = child->pidfd;
	pfd[0].events = POLLIN;
	pfd[1].fd = child->out;
	pfd[1].events = POLLIN;
	while (!para_child_poll(child)) {
		long long left = deadline ? deadline - para_monotonic_ms() : -1;

		if (deadline && left <= 0) {
			r->timed_out = 1;
			para_child_signal(child, SIGKILL);
			deadline = 0;
			continue;
		}
		if (poll(pfd, 2, left > 1000 || left < 0 ? 1000 : (int)left) < 0 &&
		    errno != EINTR)
			break;
		if (pfd[1].revents)
			read_output(r, child->out);
	}
	read_output(r, child->out);
	/* whatever it left behind in its group goes with it */
	para_child_signal(child, SIGKILL);
	para_child_reap(child);
	r->code = child->code;
	r->signal = child->signal;
}

int para_hook_exec(struct para_hook_exec *out, const char *const *argv,
		   const char *const *env, const char *dir, long long timeout)
{
	struct para_spawn spawn = { argv, env, dir, -1, 0, NULL, -1, 0 };
	struct para_child child;
	long long start = para_monotonic_ms();

	memset(out, 0, sizeof(*out));
	if (para_child_spawn(&child, &spawn) < 0)
		return -1;
	supervise(out, &child, timeout ? start + timeout : 0);
	return 0;
}

void para_hook_exec_dispose(struct para_hook_exec *r)
{
	para_strbuf_dispose(&r->out);
}

/* One entry of the hooks' log, written in one piece. */
static void log_run(struct para_repo *repo, const struct hook_config *hc,
		    const struct para_task *task, const char *command,
		    const struct para_hook_exec *r, const char *result)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	char when[32], *dir = NULL, *path = NULL;
	int fd = -1;

	if (para_repo_state_path(&dir, repo, PARA_STATE_LOGS) < 0)
		goto out;
	path = para_state_hooks_log_path(repo);
	para_format_time(when, sizeof(when), para_now_ms());
	para_strbuf_addf(&sb, "[%s] %s %s: %s\n", when, hc->key, task->name,
			 command);
	if (r->out.len)
		para_strbuf_add(&sb, r->out.buf, r->out.len);
	if (r->out.len && r->out.buf[r->out.len - 1] != '\n')
		para_strbuf_addch(&sb, '\n');
	if (r->dropped)
		para_strbuf_addf(&sb, "[%s] ... %zu more bytes not kept\n",
				 when, r->dropped);
	para_strbuf_addf(&sb, "[%s] %s\n", when, result);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
	if (fd < 0 || flock(fd, LOCK_EX) < 0 ||
	    write(fd, sb.buf, sb.len) != (ssize_t)sb.len)
		warn("cannot write the hooks' log '%s': %s", path,
		     strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	para_strbuf_dispose(&sb);
	free(dir);
	free(path);
}

static void run_one(struct para_repo *repo, const struct hook_config *hc,
		    const struct para_task *task, const char *command,
		    const char *const *env)
{
	const char *argv[] = { "/bin/sh", "-c", command, NULL };
	struct para_hook_exec r;
	struct para_strbuf result = PARA_STRBUF_INIT;
	char limit[32];

	if (para_hook_exec(&r, argv, env, is_dir(task->worktree) ?
			   task->worktree : para_repo_git_cwd(repo),
			   hc->timeout) < 0) {
		warn("%s hook '%s' for task '%s': %s", hc->key, command,
		     task->name, para_error_last());
		return;
	}
	para_duration_format(limit, sizeof(limit), hc->timeout);
	if (r.timed_out)
		para_strbuf_addf(&result, "timed out after %s; killed", limit);
	else if (r.signal)
		para_strbuf_addf(&result, "killed by signal %d", r.signal);
	else
		para_strbuf_addf(&result, "exit code %d", r.code);
	log_run(repo, hc, task, command, &r, result.buf);
	if (r.timed_out || r.signal || r.code) {
		char *log = para_state_hooks_log_path(repo);

		warn("%s hook '%s' for task '%s' failed: %s (see '%s')", hc->key,
		     command, task->name, result.buf, log);
		free(log);
	}
	para_strbuf_dispose(&result);
	para_hook_exec_dispose(&r);
}

/* What para_hook_configured() said in this turn: 0 unknown, 1 no, 2 yes. */
static struct para_repo *turn_repo;
static unsigned char turn_known[PARA_HOOK__COUNT];

void para_hook_turn(struct para_repo *repo)
{
	turn_repo = repo;
	memset(turn_known, 0, sizeof(turn_known));
}

int para_hook_configured(struct para_repo *repo, enum para_hook_event event)
{
	char *key, *last = NULL;
	int any;

	if (repo == turn_repo && turn_known[event])
		return turn_known[event] - 1;
	key = event_key(event);

	/*
	 * Asked at every change of a task, so read as cheaply as can be:
	 * since an empty value drops the commands before it (take_commands),
	 * there are commands when the last value is not empty.  A
	 * configuration that cannot be read is for para_hook_run to say.
	 */
	any = para_config_get_last_now(&last, repo, key) < 0 ||
	      (last && *last);
	para_error_clear();
	free(last);
	free(key);
	if (repo == turn_repo)
		turn_known[event] = any ? 2 : 1;
	return any;
}

void para_hook_run(struct para_repo *repo, enum para_hook_event event,
		   const struct para_task *task, enum para_task_state old_state)
{
	struct hook_config hc = { NULL, PARA_STRVEC_INIT, 0 };
	struct para_strvec env = PARA_STRVEC_INIT;
	size_t i;

	if (read_config(&hc, repo, event) < 0) {
		warn("%s hooks not run for task '%s': %s", hc.key, task->name,
		     para_error_last());
		goto out;
	}
	if (!hc.commands.nr)
		goto out;
	build_env(&env, repo, event, task, old_state);
	for (i = 0; i < hc.commands.nr; i++)
		run_one(repo, &hc, task, hc.commands.v[i],
			(const char *const *)env.v);
out:
	para_strvec_dispose(&env);
	hook_config_dispose(&hc);
}
