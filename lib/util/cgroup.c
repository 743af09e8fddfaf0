/* cgroup v2 file operations (see cgroup.h). */
#include <errno.h>
#include <fcntl.h>
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
 * to read back.
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

/* The first line of dir/file, malloc'd, or NULL. */
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

static int has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	while (p && (p = strstr(p, word))) {
		if ((p == list || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\n' || !p[n]))
			return 1;
		p += n;
	}
	return 0;
}

/* The cgroup2 mount point, from /proc/self/mounts. */
static char *find_mount(void)
{
	FILE *f = fopen("/proc/self/mounts", "re");
	char dev[256], dir[4096], type[64];
	char *found = NULL;

	if (!f)
		return NULL;
	while (!found && fscanf(f, "%255s %4095s %63s %*[^\n]", dev, dir,
				type) == 3)
		if (!strcmp(type, "cgroup2"))
			found = para_strdup(dir);
	fclose(f);
	return found;
}

/* Our place in the v2 hierarchy: the "0::" line of /proc/self/cgroup. */
static char *find_own(void)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[4096];
	char *found = NULL;

	if (!f)
		return NULL;
	while (!found && fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = '\0';
			found = para_strdup(line + 3);
		}
	fclose(f);
	return found;
}

static void probe_limits(struct para_cgroup_root *root)
{
	char *controllers = read_text(root->path, "cgroup.controllers");

	if (!root->can_create)
		root->reason = para_xstrfmt("cgroup '%s' is not writable",
					    root->path);
	else if (!controllers || !has_word(controllers, "memory") ||
		 !has_word(controllers, "cpu"))
		root->reason = para_xstrfmt(
			"the memory and cpu controllers are not available in cgroup '%s'",
			root->path);
	else
		root->can_limit = 1;
	free(controllers);
}

int para_cgroup_probe(struct para_cgroup_root *out)
{
	char *mount = NULL, *own = NULL, *kill_path;

	memset(out, 0, sizeof(*out));
	if (fake_tree()) {
		out->path = para_strdup(getenv("PARA_TEST_CGROUP_ROOT"));
	} else {
		mount = find_mount();
		own = find_own();
		if (!mount || !own) {
			free(mount);
			free(own);
			return para_error_set(PARA_ENOTFOUND,
				"no cgroup v2 hierarchy is mounted");
		}
		out->path = para_xstrfmt("%s%s", mount,
					 strcmp(own, "/") ? own : "");
		free(mount);
		free(own);
	}
	out->can_create = !access(out->path, W_OK);
	kill_path = para_xstrfmt("%s/cgroup.kill", out->path);
	/* the root cgroup has none: look at what a child would have */
	out->can_kill = !access(kill_path, F_OK) ||
			!access(out->path, W_OK);
	free(kill_path);
	probe_limits(out);
	return 0;
}

void para_cgroup_root_dispose(struct para_cgroup_root *root)
{
	free(root->path);
	free(root->reason);
	memset(root, 0, sizeof(*root));
}

int para_cgroup_create(char **out, const struct para_cgroup_root *root,
		       const char *name, int limits)
{
	char *path;
	int error;

	*out = NULL;
	if (limits &&
	    (error = write_text(root->path, "cgroup.subtree_control",
				"+memory +cpu")) < 0)
		return error;
	path = para_xstrfmt("%s/%s", root->path, name);
	if (mkdir(path, 0755) < 0 && errno != EEXIST) {
		error = para_error_errno(PARA_ERROR, "cannot create cgroup '%s'",
					 path);
		free(path);
		return error;
	}
	*out = path;
	return 0;
}

int para_cgroup_set_memory(const char *cgroup, long long bytes)
{
	char text[32];

	if (bytes > 0)
		snprintf(text, sizeof(text), "%lld", bytes);
	else
		snprintf(text, sizeof(text), "max");
	return write_text(cgroup, "memory.max", text);
}

#define CPU_PERIOD 100000

int para_cgroup_set_cpus(const char *cgroup, double cpus)
{
	char text[48];

	if (cpus > 0)
		snprintf(text, sizeof(text), "%lld %d",
			 (long long)(cpus * CPU_PERIOD + 0.5), CPU_PERIOD);
	else
		snprintf(text, sizeof(text), "max %d", CPU_PERIOD);
	return write_text(cgroup, "cpu.max", text);
}

int para_cgroup_attach(const char *cgroup, pid_t pid)
{
	char text[24];

	snprintf(text, sizeof(text), "%ld", (long)(pid ? pid : getpid()));
	return write_text(cgroup, "cgroup.procs", text);
}

int para_cgroup_kill(const char *cgroup)
{
	return write_text(cgroup, "cgroup.kill", "1");
}

long para_cgroup_oom_kills(const char *cgroup)
{
	char *path = para_xstrfmt("%s/memory.events", cgroup);
	FILE *f = fopen(path, "re");
	char key[64];
	long n, found = 0;

	free(path);
	if (!f)
		return 0;
	while (fscanf(f, "%63s %ld", key, &n) == 2)
		if (!strcmp(key, "oom_kill"))
			found = n;
	fclose(f);
	return found;
}

int para_cgroup_empty(const char *cgroup)
{
	char *procs = read_text(cgroup, "cgroup.procs");
	int empty = !procs || !procs[strspn(procs, " \n")];

	free(procs);
	return empty;
}

static const char *const fake_files[] = {
	"memory.max", "cpu.max", "cgroup.procs", "cgroup.kill", NULL
};

int para_cgroup_remove(const char *cgroup)
{
	const char *const *f;
	char *path;

	/* cgroupfs removes its files with the directory; a fake tree not */
	for (f = fake_files; fake_tree() && *f; f++) {
		path = para_xstrfmt("%s/%s", cgroup, *f);
		unlink(path);
		free(path);
	}
	if (rmdir(cgroup) < 0 && errno != ENOENT)
		return para_error_errno(PARA_ERROR, "cannot remove cgroup '%s'",
					cgroup);
	return 0;
}
