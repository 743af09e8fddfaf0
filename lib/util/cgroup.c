/* cgroup file operations (see cgroup.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "error.h"
#include "strbuf.h"

/*
 * Under PARA_TEST_CGROUP_ROOT the tree is plain directories: the files
 * are made on first write and every write is appended, for the tests
 * to read back; a process listed in cgroup.procs is in it while it
 * lives.
 */
static int fake_tree(void)
{
	const char *test = getenv("PARA_TEST_CGROUP_ROOT");

	return test && *test;
}

static int write_text(const char *dir, const char *file, const char *text)
{
	char *path = para_xstrfmt("%s/%s", dir, file);
	size_t len = strlen(text);
	int fd = open(path, fake_tree() ? O_WRONLY | O_CREAT | O_APPEND |
				O_CLOEXEC : O_WRONLY | O_CLOEXEC, 0644);
	int error = 0;

	if (fd < 0 || write(fd, text, len) != (ssize_t)len)
		error = para_error_errno(PARA_ERROR, "cannot write '%s' to '%s'",
					 text, path);
	if (fd >= 0)
		close(fd);
	free(path);
	return error;
}

/* The whole of dir/file, malloc'd, or NULL. */
static char *read_text(const char *dir, const char *file)
{
	char *path = para_xstrfmt("%s/%s", dir, file);
	struct para_strbuf sb = PARA_STRBUF_INIT;
	int error = para_strbuf_read_file(&sb, path);

	free(path);
	if (error < 0) {
		para_strbuf_dispose(&sb);
		return NULL;
	}
	return para_strbuf_detach(&sb);
}

/* Is `word` in the list of words, separated by any of `seps`? */
static int has_word(const char *list, const char *word, const char *seps)
{
	size_t n = strlen(word);
	const char *p = list;

	while (p && (p = strstr(p, word))) {
		if ((p == list || strchr(seps, p[-1])) &&
		    (!p[n] || strchr(seps, p[n])))
			return 1;
		p += n;
	}
	return 0;
}

/*
 * The mount point of the hierarchy: cgroup2, or (`controller` set) the
 * v1 one that has that controller, from /proc/self/mounts.
 */
static char *find_mount(const char *controller)
{
	FILE *f = fopen("/proc/self/mounts", "re");
	char dev[256], dir[4096], type[64], opts[1024];
	char *found = NULL;

	if (!f)
		return NULL;
	while (!found && fscanf(f, "%255s %4095s %63s %1023s %*[^\n]", dev,
				dir, type, opts) == 4)
		if (controller ? !strcmp(type, "cgroup") &&
				 has_word(opts, controller, ",")
			       : !strcmp(type, "cgroup2"))
			found = para_strdup(dir);
	fclose(f);
	return found;
}

/*
 * Our place in a hierarchy, from /proc/self/cgroup: the "0::" line for
 * v2, else the line that lists `controller` ("4:memory:/x").
 */
static char *find_own(const char *controller)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[4096], *names, *place;
	char *found = NULL;

	if (!f)
		return NULL;
	while (!found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!(names = strchr(line, ':')))
			continue;
		*names++ = '\0';
		if (!(place = strchr(names, ':')))
			continue;
		*place++ = '\0';
		if (controller ? has_word(names, controller, ",")
			       : !strcmp(line, "0") && !*names)
			found = para_strdup(place);
	}
	fclose(f);
	return found;
}

/* Our directory in a hierarchy (as find_mount() and find_own()), or NULL. */
static char *own_dir(const char *controller)
{
	char *mount = find_mount(controller), *own = find_own(controller);
	char *dir = NULL;

	if (mount && own)
		dir = para_xstrfmt("%s%s", mount, strcmp(own, "/") ? own : "");
	free(mount);
	free(own);
	return dir;
}

/* Our v1 directory of `controller`, when we may make groups there. */
static char *own_v1_dir(const char *controller)
{
	char *dir = own_dir(controller);

	if (dir && access(dir, W_OK)) {
		free(dir);
		dir = NULL;
	}
	return dir;
}

static void probe_limits(struct para_cgroup_root *root)
{
	char *controllers = read_text(root->own.path, "cgroup.controllers");

	if (!root->can_create) {
		root->reason = para_xstrfmt("cgroup '%s' is not writable",
					    root->own.path);
	} else if (controllers && has_word(controllers, "memory", " \n") &&
		   has_word(controllers, "cpu", " \n")) {
		root->can_limit = 1;
	} else if (!fake_tree() && (root->own.memory = own_v1_dir("memory")) &&
		   (root->own.cpu = own_v1_dir("cpu"))) {
		root->can_limit = 1;
	} else {
		root->reason = para_xstrfmt(
			"the memory and cpu controllers are not available in cgroup '%s'%s",
			root->own.path, fake_tree() ? ""
				: " nor writable in cgroup v1");
		free(root->own.memory);
		root->own.memory = NULL;
	}
	free(controllers);
}

int para_cgroup_probe(struct para_cgroup_root *out)
{
	char *kill_path;

	memset(out, 0, sizeof(*out));
	if (fake_tree())
		out->own.path = para_strdup(getenv("PARA_TEST_CGROUP_ROOT"));
	else if (!(out->own.path = own_dir(NULL)))
		return para_error_set(PARA_ENOTFOUND,
				      "no cgroup v2 hierarchy is mounted");
	out->can_create = !access(out->own.path, W_OK);
	kill_path = para_xstrfmt("%s/cgroup.kill", out->own.path);
	/* the root cgroup has none: look at what a child would have */
	out->can_kill = !access(kill_path, F_OK) || out->can_create;
	free(kill_path);
	probe_limits(out);
	return 0;
}

void para_cgroup_root_dispose(struct para_cgroup_root *root)
{
	para_cgroup_dispose(&root->own);
	free(root->reason);
	memset(root, 0, sizeof(*root));
}

void para_cgroup_child(struct para_cgroup *out,
		       const struct para_cgroup *parent, const char *name)
{
	out->path = para_xstrfmt("%s/%s", parent->path, name);
	out->memory = parent->memory ?
		para_xstrfmt("%s/%s", parent->memory, name) : NULL;
	out->cpu = parent->cpu ? para_xstrfmt("%s/%s", parent->cpu, name)
			       : NULL;
}

static int make_dir(const char *path)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return para_error_errno(PARA_ERROR, "cannot create cgroup '%s'",
					path);
	return 0;
}

int para_cgroup_create(struct para_cgroup *out,
		       const struct para_cgroup *parent, const char *name,
		       int limits)
{
	int error = 0;

	memset(out, 0, sizeof(*out));
	if (limits && !parent->memory &&
	    (error = write_text(parent->path, "cgroup.subtree_control",
				"+memory +cpu")) < 0)
		return error;
	para_cgroup_child(out, parent, name);
	if (!limits) {
		free(out->memory);
		free(out->cpu);
		out->memory = out->cpu = NULL;
	}
	if ((error = make_dir(out->path)) < 0 ||
	    (out->memory && (error = make_dir(out->memory)) < 0) ||
	    (out->cpu && (error = make_dir(out->cpu)) < 0)) {
		para_cgroup_remove(out);
		para_cgroup_dispose(out);
	}
	return error;
}

void para_cgroup_dispose(struct para_cgroup *cg)
{
	free(cg->path);
	free(cg->memory);
	free(cg->cpu);
	memset(cg, 0, sizeof(*cg));
}

void para_cgroup_record(struct para_strvec *out, const struct para_cgroup *cg)
{
	if (!cg->path)
		return;
	para_strvec_push(out, cg->path);
	if (cg->memory)
		para_strvec_pushf(out, "memory:%s", cg->memory);
	if (cg->cpu)
		para_strvec_pushf(out, "cpu:%s", cg->cpu);
}

int para_cgroup_from_record(struct para_cgroup *out,
			    const struct para_strvec *record)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < record->nr; i++) {
		const char *s = record->v[i];

		if (*s == '/' && !out->path)
			out->path = para_strdup(s);
		else if (!strncmp(s, "memory:/", 8) && !out->memory)
			out->memory = para_strdup(s + 7);
		else if (!strncmp(s, "cpu:/", 5) && !out->cpu)
			out->cpu = para_strdup(s + 4);
	}
	if (out->path)
		return 0;
	para_cgroup_dispose(out);
	return para_error_set(PARA_ENOTFOUND, "no cgroup is recorded");
}

int para_cgroup_set_memory(const struct para_cgroup *cg, long long bytes)
{
	char text[32];
	int error;

	if (!cg->memory) {
		if (bytes > 0)
			snprintf(text, sizeof(text), "%lld", bytes);
		else
			snprintf(text, sizeof(text), "max");
		return write_text(cg->path, "memory.max", text);
	}
	snprintf(text, sizeof(text), "%lld", bytes > 0 ? bytes : -1LL);
	if ((error = write_text(cg->memory, "memory.limit_in_bytes",
				text)) < 0)
		return error;
	/* with swap accounting, swap is no way around the limit */
	if (write_text(cg->memory, "memory.memsw.limit_in_bytes", text) < 0)
		para_error_clear();
	return 0;
}

#define CPU_PERIOD 100000

int para_cgroup_set_cpus(const struct para_cgroup *cg, double cpus)
{
	long long quota = cpus > 0 ? (long long)(cpus * CPU_PERIOD + 0.5) : -1;
	char text[48];
	int error;

	if (cg->cpu) {
		snprintf(text, sizeof(text), "%d", CPU_PERIOD);
		if ((error = write_text(cg->cpu, "cpu.cfs_period_us",
					text)) < 0)
			return error;
		snprintf(text, sizeof(text), "%lld", quota);
		return write_text(cg->cpu, "cpu.cfs_quota_us", text);
	}
	if (quota > 0)
		snprintf(text, sizeof(text), "%lld %d", quota, CPU_PERIOD);
	else
		snprintf(text, sizeof(text), "max %d", CPU_PERIOD);
	return write_text(cg->path, "cpu.max", text);
}

int para_cgroup_attach_v1(const struct para_cgroup *cg, pid_t pid)
{
	char text[24];
	int error;

	snprintf(text, sizeof(text), "%ld", (long)(pid ? pid : getpid()));
	if ((cg->memory &&
	     (error = write_text(cg->memory, "cgroup.procs", text)) < 0) ||
	    (cg->cpu && (error = write_text(cg->cpu, "cgroup.procs", text)) < 0))
		return error;
	return 0;
}

int para_cgroup_attach(const struct para_cgroup *cg, pid_t pid)
{
	char text[24];
	int error;

	if ((error = para_cgroup_attach_v1(cg, pid)) < 0)
		return error;
	snprintf(text, sizeof(text), "%ld", (long)(pid ? pid : getpid()));
	return write_text(cg->path, "cgroup.procs", text);
}

static int alive(pid_t pid)
{
	return !kill(pid, 0) || errno == EPERM;
}

/*
 * The processes of the cgroup (v2 knows them all), for each of which
 * `fn` is called until it returns nonzero; returns what it returned.
 */
static int each_process(const struct para_cgroup *cg,
			int (*fn)(pid_t pid, void *data), void *data)
{
	char *procs = read_text(cg->path, "cgroup.procs"), *p, *end;
	int stop = 0;

	for (p = procs; p && *p && !stop; p = end) {
		long pid = strtol(p, &end, 10);

		if (end == p)
			break;
		/* a fake tree lists what once was put in it */
		if (pid > 0 && (!fake_tree() || alive((pid_t)pid)))
			stop = fn((pid_t)pid, data);
	}
	free(procs);
	return stop;
}

static int send(pid_t pid, void *data)
{
	kill(pid, *(int *)data);
	return 0;
}

void para_cgroup_signal(const struct para_cgroup *cg, int sig)
{
	each_process(cg, send, &sig);
}

int para_cgroup_kill(const struct para_cgroup *cg)
{
	char *path = para_xstrfmt("%s/cgroup.kill", cg->path);
	int has = fake_tree() || !access(path, F_OK);

	free(path);
	if (has)
		return write_text(cg->path, "cgroup.kill", "1");
	para_cgroup_signal(cg, SIGKILL);
	return 0;
}

/* The number after `key` in a "key value" file, 0 when none. */
static long keyed_value(const char *dir, const char *file, const char *key)
{
	char *path = para_xstrfmt("%s/%s", dir, file);
	FILE *f = fopen(path, "re");
	char word[64];
	long n, found = 0;

	free(path);
	if (!f)
		return 0;
	while (fscanf(f, "%63s %ld", word, &n) == 2)
		if (!strcmp(word, key))
			found = n;
	fclose(f);
	return found;
}

long para_cgroup_oom_kills(const struct para_cgroup *cg)
{
	if (cg->memory)
		return keyed_value(cg->memory, "memory.oom_control",
				   "oom_kill");
	return keyed_value(cg->path, "memory.events", "oom_kill");
}

static int found(pid_t pid, void *data)
{
	(void)pid;
	(void)data;
	return 1;
}

int para_cgroup_empty(const struct para_cgroup *cg)
{
	return !each_process(cg, found, NULL);
}

static const char *const fake_files[] = {
	"memory.max", "cpu.max", "cgroup.procs", "cgroup.kill",
	"cgroup.subtree_control", "memory.events", NULL
};

static int remove_dir(const char *dir)
{
	const char *const *f;
	char *path;

	/* cgroupfs removes its files with the directory; a fake tree not */
	for (f = fake_files; fake_tree() && *f; f++) {
		path = para_xstrfmt("%s/%s", dir, *f);
		unlink(path);
		free(path);
	}
	if (rmdir(dir) < 0 && errno != ENOENT)
		return para_error_errno(PARA_ERROR, "cannot remove cgroup '%s'",
					dir);
	return 0;
}

int para_cgroup_remove(const struct para_cgroup *cg)
{
	int error = 0;

	if (cg->memory && remove_dir(cg->memory) < 0)
		error = -1;
	if (cg->cpu && remove_dir(cg->cpu) < 0)
		error = -1;
	if (cg->path && remove_dir(cg->path) < 0)
		error = -1;
	return error;
}

int para_cgroup_list(struct para_strvec *out, const struct para_cgroup *cg,
		     const char *prefix)
{
	DIR *dir = opendir(cg->path);
	struct dirent *de;
	size_t len = strlen(prefix);

	if (!dir)
		return para_error_errno(PARA_ERROR, "cannot read cgroup '%s'",
					cg->path);
	while ((de = readdir(dir)))
		if (de->d_type == DT_DIR && !strncmp(de->d_name, prefix, len) &&
		    strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			para_strvec_push(out, de->d_name);
	closedir(dir);
	return 0;
}
