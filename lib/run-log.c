#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "duration.h"
#include "error.h"
#include "run-log.h"
#include "task-state.h"
#include "strbuf.h"

int para_runlog_path(char **out, struct para_repo *repo, const char *name,
		     int exec)
{
	char *dir = NULL;
	int error = para_repo_state_path(&dir, repo, PARA_STATE_LOGS);

	if (error < 0)
		return error;
	*out = para_state_log_path(repo, name, exec);
	free(dir);
	return 0;
}

int para_runlog_open(int *out, const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0666);

	if (fd < 0)
		return para_error_errno(PARA_ERROR, "cannot open log '%s'",
					path);
	*out = fd;
	return 0;
}

void para_format_time(char *buf, unsigned long size, long long ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void write_line(int fd, struct para_strbuf *sb)
{
	const char *p = sb->buf;
	size_t left = sb->len;

	while (left) {
		ssize_t n = write(fd, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		left -= (size_t)n;
	}
}

/* Our lines start a line of their own: the output may have stopped mid-line. */
static void start_line(struct para_strbuf *sb, int fd)
{
	struct stat st;
	char last = '\n';

	if (!fstat(fd, &st) && st.st_size > 0 &&
	    pread(fd, &last, 1, st.st_size - 1) != 1)
		last = '\n';
	if (last != '\n')
		para_strbuf_addch(sb, '\n');
}

/* A command on one line, whatever it holds, cut at 200 bytes. */
static void add_command(struct para_strbuf *sb, const char *command)
{
	const char *p;

	for (p = command; *p && p - command < 200; p++)
		para_strbuf_addch(sb, *p == '\n' || *p == '\r' ? ' ' : *p);
	if (*p)
		para_strbuf_addstr(sb, "...");
	para_strbuf_addch(sb, '\n');
}

void para_runlog_header(int fd, const char *name, const struct para_attempt *a,
			const char *command, int slot)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	char when[32];

	para_format_time(when, sizeof(when), a->started);
	para_strbuf_addf(&sb, "=== git para run: task '%s', attempt %d, started %s, slot %d: ",
			 name, a->number, when, slot);
	add_command(&sb, command);
	write_line(fd, &sb);
	para_strbuf_dispose(&sb);
}

int para_runlog_header_attempt(const char *line, size_t len)
{
	static const char start[] = "=== git para run: task '";
	static const char mid[] = "', attempt ";
	const char *end = line + len, *p;
	int n = 0;

	if (len < sizeof(start) - 1 || memcmp(line, start, sizeof(start) - 1))
		return 0;
	/* a task name holds no quote: the first one ends it */
	p = memchr(line + sizeof(start) - 1, '\'', len - (sizeof(start) - 1));
	if (!p || (size_t)(end - p) < sizeof(mid) - 1 ||
	    memcmp(p, mid, sizeof(mid) - 1))
		return 0;
	for (p += sizeof(mid) - 1; p < end && *p >= '0' && *p <= '9' &&
	     n < 100000000; p++)
		n = 10 * n + (*p - '0');
	if (p + 9 > end || memcmp(p, ", started", 9))
		return 0;
	return n;
}

void para_runlog_note(int fd, const char *fmt, ...)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	va_list ap;

	start_line(&sb, fd);
	para_strbuf_addstr(&sb, "=== git para run: ");
	va_start(ap, fmt);
	para_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	para_strbuf_addch(&sb, '\n');
	write_line(fd, &sb);
	para_strbuf_dispose(&sb);
}

void para_runlog_verify_header(int fd, const char *name, int number,
			       const char *command)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;

	start_line(&sb, fd);
	para_strbuf_addf(&sb, "=== git para run: task '%s', attempt %d, verify: ",
			 name, number);
	add_command(&sb, command);
	write_line(fd, &sb);
	para_strbuf_dispose(&sb);
}

void para_attempt_describe(char *buf, unsigned long size,
			   const struct para_attempt *a)
{
	const char *state = para_task_state_name(a->state);
	char *p;

	if (a->note)
		snprintf(buf, size, "%s: %s", state, a->note);
	else if (a->signal)
		snprintf(buf, size, "%s (killed by signal %d)", state,
			 a->signal);
	else if (!para_task_state_ok(a->state) && a->code >= 0)
		snprintf(buf, size, "%s with exit code %d", state, a->code);
	else
		snprintf(buf, size, "%s", state);
	/* a result is one line, whatever a note brought in */
	for (p = buf; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
}

void para_runlog_result(int fd, const struct para_attempt *a)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	char what[512], when[32], took[32];

	start_line(&sb, fd);
	para_attempt_describe(what, sizeof(what), a);
	para_format_time(when, sizeof(when), a->finished);
	para_duration_format(took, sizeof(took), a->finished - a->started);
	para_strbuf_addf(&sb, "=== attempt %d %s, after %s, finished %s\n",
			 a->number, what, took, when);
	write_line(fd, &sb);
	para_strbuf_dispose(&sb);
}

void para_runlog_end(struct para_repo *repo, const struct para_task *task,
		     enum para_task_state state, const char *note)
{
	struct para_attempt a;
	char *path = NULL;
	int fd = -1;

	if (para_runlog_path(&path, repo, task->name, 0) < 0 ||
	    para_runlog_open(&fd, path) < 0) {
		free(path);
		return;
	}
	memset(&a, 0, sizeof(a));
	a.number = task->attempt;
	a.state = state;
	a.code = -1;
	a.started = task->started;
	a.finished = para_now_ms();
	a.note = note;
	para_runlog_result(fd, &a);
	close(fd);
	free(path);
}
