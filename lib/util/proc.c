#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/pidfd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "error.h"
#include "proc.h"
#include "strbuf.h"

const char *para_proc_boot_id(void)
{
	static char boot_id[64];
	FILE *f;

	if (boot_id[0])
		return boot_id;
	f = fopen("/proc/sys/kernel/random/boot_id", "re");
	if (!f)
		return "";
	if (!fgets(boot_id, sizeof(boot_id), f))
		boot_id[0] = '\0';
	fclose(f);
	boot_id[strcspn(boot_id, "\n")] = '\0';
	return boot_id;
}

/*
 * Field 22 of /proc/PID/stat, read after the last ')' of the name.  A
 * zombie has finished: it counts as gone.
 */
static int start_time(unsigned long long *out, pid_t pid)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	char *path = para_xstrfmt("/proc/%ld/stat", (long)pid);
	const char *p;
	int field, error = -1;

	if (para_strbuf_read_whole(&sb, path) < 0)
		goto out;
	p = strrchr(sb.buf, ')');
	if (p && (!strncmp(p, ") Z", 3) || !strncmp(p, ") X", 3)))
		goto out;
	/* after ") " comes field 3 (state); field 22 is 19 fields on */
	for (field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (p && sscanf(p + 1, "%llu", out) == 1)
		error = 0;
out:
	free(path);
	para_strbuf_dispose(&sb);
	return error;
}

long long para_proc_start_epoch(pid_t pid)
{
	unsigned long long ticks, btime = 0;
	long hz = sysconf(_SC_CLK_TCK);
	char line[256];
	FILE *f;

	if (start_time(&ticks, pid) < 0 || hz <= 0 ||
	    !(f = fopen("/proc/stat", "r")))
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "btime %llu", &btime) == 1)
			break;
	fclose(f);
	return btime ? (long long)(btime + ticks / (unsigned long long)hz) : -1;
}

int para_proc_identify(struct para_proc *out, pid_t pid)
{
	unsigned long long start;

	if (!pid)
		pid = getpid();
	if (start_time(&start, pid) < 0)
		return para_error_set(PARA_ENOTFOUND, "no process %ld",
				      (long)pid);
	free(out->boot_id);
	out->pid = pid;
	out->start = start;
	out->boot_id = para_strdup(para_proc_boot_id());
	return 0;
}

/*
 * When this process started: it never changes, and a runner asks about
 * itself at every task it claims.  Kept with the pid it was read for, so
 * that a forked child reads its own.
 */
static int self_start(unsigned long long *out, pid_t pid)
{
	static pid_t known;
	static unsigned long long start;

	if (known != pid) {
		if (start_time(&start, pid) < 0)
			return -1;
		known = pid;
	}
	*out = start;
	return 0;
}

int para_proc_alive(const struct para_proc *proc)
{
	unsigned long long start;
	pid_t self = getpid();

	if (proc->pid <= 0 || !proc->boot_id ||
	    strcmp(proc->boot_id, para_proc_boot_id()))
		return 0;
	if ((proc->pid == self ? self_start(&start, self)
			       : start_time(&start, proc->pid)) < 0)
		return 0;
	return start == proc->start;
}

/*
 * Whether `/proc/<pid>/stat` (`name` the pid) shows a live process of
 * session or group `id` that started at `start` or later.
 */
static int member_of(const char *name, pid_t id, unsigned long long start)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	char *path = para_xstrfmt("/proc/%s/stat", name);
	unsigned long long began;
	long pgrp, session;
	const char *p;
	char state;
	int found = 0;

	if (para_strbuf_read_whole(&sb, path) < 0 ||
	    !(p = strrchr(sb.buf, ')')) ||
	    sscanf(p + 1, " %c %*d %ld %ld", &state, &pgrp, &session) != 3 ||
	    state == 'Z' || state == 'X' || (pgrp != id && session != id))
		goto out;
	/* after ") " comes field 3 (state); field 22 is 19 fields on */
	for (found = 2; p && found < 22; found++)
		p = strchr(p + 1, ' ');
	found = p && sscanf(p + 1, "%llu", &began) == 1 && began >= start;
out:
	free(path);
	para_strbuf_dispose(&sb);
	return found;
}

int para_proc_session_alive(const struct para_proc *proc)
{
	struct dirent *de;
	DIR *dir;
	int alive = 0;

	if (para_proc_alive(proc))
		return 1;
	if (proc->pid <= 1 || !proc->boot_id ||
	    strcmp(proc->boot_id, para_proc_boot_id()))
		return 0;
	/*
	 * The leader is gone; its pid names the group and the session as
	 * long as one member lives (the kernel reuses no pid still in use
	 * as either), and members start no earlier than their leader.
	 */
	if (!(dir = opendir("/proc")))
		return 0;
	while (!alive && (de = readdir(dir)))
		if (de->d_name[0] >= '1' && de->d_name[0] <= '9')
			alive = member_of(de->d_name, proc->pid, proc->start);
	closedir(dir);
	return alive;
}

static int group_exists(pid_t pgid)
{
	return kill(-pgid, 0) == 0 || errno == EPERM;
}

void para_proc_kill_group(pid_t pgid, long long grace_ms)
{
	long long deadline = para_now_ms() + grace_ms;
	struct timespec tick = { 0, 20 * 1000 * 1000 };

	if (pgid <= 1 || kill(-pgid, SIGTERM) < 0)
		return;
	while (group_exists(pgid) && para_now_ms() < deadline)
		nanosleep(&tick, NULL);
	if (!group_exists(pgid))
		return;
	kill(-pgid, SIGKILL);
	deadline = para_now_ms() + 2000;
	while (group_exists(pgid) && para_now_ms() < deadline)
		nanosleep(&tick, NULL);
}

/* The start time of live process `name` (a /proc entry), or 0. */
static unsigned long long started(const char *name)
{
	unsigned long long start;
	char *end;
	long pid = strtol(name, &end, 10);

	if (*end || pid <= 1 || start_time(&start, (pid_t)pid) < 0)
		return 0;
	return start;
}

/* Does the environment of `pid` hold every "K=V" of `pairs`? */
static int env_holds(pid_t pid, const char *const *pairs)
{
	int all = 1;

	for (; *pairs && all; pairs++) {
		const char *eq = strchr(*pairs, '=');
		char *key = para_strndup(*pairs, eq - *pairs);
		char *value = para_proc_getenv(pid, key);

		all = value && !strcmp(value, eq + 1);
		free(value);
		free(key);
	}
	return all;
}

void para_proc_kill_by_env(const char *const *pairs, unsigned long long since,
			   long long grace_ms)
{
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	long long deadline = para_now_ms() + grace_ms;
	int sig = SIGTERM, round;

	for (round = 0; round < 200; round++) {
		struct dirent *de;
		DIR *dir = opendir("/proc");
		int found = 0;

		if (!dir)
			return;
		while ((de = readdir(dir))) {
			unsigned long long start = started(de->d_name);
			pid_t pid = (pid_t)atol(de->d_name);

			if (!start || start < since || pid == getpid() ||
			    !env_holds(pid, pairs))
				continue;
			found = 1;
			kill(pid, sig);
		}
		closedir(dir);
		if (!found)
			return;
		if (para_now_ms() >= deadline)
			sig = SIGKILL;
		nanosleep(&tick, NULL);
	}
}

char *para_proc_getenv(pid_t pid, const char *name)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	char *path = para_xstrfmt("/proc/%ld/environ", (long)pid);
	size_t len = strlen(name), at = 0;
	char *value = NULL;

	if (para_strbuf_read_file(&sb, path) < 0)
		goto out;
	while (at < sb.len) {
		const char *entry = sb.buf + at;
		size_t elen = strnlen(entry, sb.len - at);

		if (elen > len && !strncmp(entry, name, len) &&
		    entry[len] == '=') {
			value = para_strndup(entry + len + 1, elen - len - 1);
			break;
		}
		at += elen + 1;
	}
out:
	free(path);
	para_strbuf_dispose(&sb);
	return value;
}

static int marked(pid_t pid, const char *const *env)
{
	size_t i;

	for (i = 0; env[i]; i++) {
		const char *eq = strchr(env[i], '=');
		char *name = para_strndup(env[i], (size_t)(eq - env[i]));
		char *value = para_proc_getenv(pid, name);
		int same = value && !strcmp(value, eq + 1);

		free(name);
		free(value);
		if (!same)
			return 0;
	}
	return 1;
}

/* pidfds of the marked processes, each checked after it was opened. */
static size_t open_marked(int **out, const char *const *env)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	size_t nr = 0, alloc = 0;
	char *end;

	*out = NULL;
	while (d && (de = readdir(d))) {
		long pid = strtol(de->d_name, &end, 10);
		int fd;

		if (*end || pid <= 1 || pid == (long)getpid())
			continue;
		/* opened first: checked second, the pid cannot be reused */
		if ((fd = pidfd_open((pid_t)pid, 0)) < 0)
			continue;
		if (!marked((pid_t)pid, env)) {
			close(fd);
			continue;
		}
		*out = para_grow(*out, &alloc, nr + 1, sizeof(**out));
		(*out)[nr++] = fd;
	}
	if (d)
		closedir(d);
	return nr;
}

size_t para_proc_kill_marked(const char *const *env, long long grace_ms)
{
	long long kill_at = para_monotonic_ms() + grace_ms;
	struct pollfd *pfd;
	int *fds;
	size_t nr = open_marked(&fds, env), i, left = nr;
	int killed = 0;

	pfd = para_calloc(nr + 1, sizeof(*pfd));
	for (i = 0; i < nr; i++) {
		pfd[i].fd = fds[i];
		pfd[i].events = POLLIN;
		pidfd_send_signal(fds[i], SIGTERM, NULL, 0);
	}
	while (left) {
		long long ms = kill_at - para_monotonic_ms();

		if (ms <= 0 && killed)
			break;		/* SIGKILL a second ago: not ours to wait */
		if (ms <= 0) {
			for (i = 0; i < nr; i++)
				if (pfd[i].fd >= 0)
					pidfd_send_signal(pfd[i].fd, SIGKILL,
							  NULL, 0);
			killed = 1;
			kill_at = para_monotonic_ms() + 1000;
			ms = 1000;
		}
		if (poll(pfd, nr, (int)ms) < 0 && errno != EINTR)
			break;
		for (i = 0; i < nr; i++)
			if (pfd[i].fd >= 0 && pfd[i].revents) {
				pfd[i].fd = -1;
				left--;
			}
	}
	for (i = 0; i < nr; i++)
		close(fds[i]);
	free(fds);
	free(pfd);
	return nr;
}

int para_proc_file_open(const char *path)
{
	DIR *procs = opendir("/proc"), *fds;
	struct dirent *p, *f;
	char dir[300], link[PATH_MAX], *real = realpath(path, NULL);
	int found = 0;

	if (!procs || !real)
		goto out;
	while (!found && (p = readdir(procs))) {
		if (p->d_name[0] < '0' || p->d_name[0] > '9')
			continue;
		snprintf(dir, sizeof(dir), "/proc/%s/fd", p->d_name);
		if (!(fds = opendir(dir)))
			continue;
		while (!found && (f = readdir(fds))) {
			char *fd = para_xstrfmt("%s/%s", dir, f->d_name);
			ssize_t n = readlink(fd, link, sizeof(link) - 1);

			if (n > 0) {
				link[n] = '\0';
				found = !strcmp(link, real);
			}
			free(fd);
		}
		closedir(fds);
	}
out:
	if (procs)
		closedir(procs);
	free(real);
	return found;
}
