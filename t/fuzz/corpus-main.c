/*
 * The corpus runner: a harness linked with this file instead of
 * libFuzzer feeds LLVMFuzzerTestOneInput() each file named on the
 * command line, or each file of each directory named, and reports one
 * TAP line per file, so that `make test` checks the corpus with any
 * compiler.  Without arguments, `fuzz-<name>` runs over its corpus,
 * t/fuzz/corpus/<name>.  A disagreement aborts the program (fuzz_fail()).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int count;

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t len = 0, alloc = 0, n;

	if (!f) {
		printf("not ok %d - %s: %s\n", ++count, path, strerror(errno));
		exit(1);
	}
	do {
		if (len == alloc) {
			alloc = alloc ? alloc * 2 : 4096;
			buf = realloc(buf, alloc);
			if (!buf)
				abort();
		}
		n = fread(buf + len, 1, alloc - len, f);
		len += n;
	} while (n);
	fclose(f);
	fflush(stdout);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	printf("ok %d - %s\n", ++count, path);
}

static void run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t nr = 0, i;

	if (!d) {
		printf("not ok %d - %s: %s\n", ++count, dir, strerror(errno));
		exit(1);
	}
	while ((de = readdir(d))) {
		size_t len;

		if (de->d_name[0] == '.')
			continue;
		names = realloc(names, (nr + 1) * sizeof(*names));
		len = strlen(dir) + strlen(de->d_name) + 2;
		if (!names || !(names[nr] = malloc(len)))
			abort();
		snprintf(names[nr++], len, "%s/%s", dir, de->d_name);
	}
	closedir(d);
	qsort(names, nr, sizeof(*names), cmp_names);
	for (i = 0; i < nr; i++) {
		run_file(names[i]);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	struct stat st;
	int i;

	if (argc == 1) {
		const char *name = strrchr(argv[0], '/');
		char dir[4096];

		name = name ? name + 1 : argv[0];
		if (!strncmp(name, "fuzz-", 5))
			name += 5;
		snprintf(dir, sizeof(dir), "%s/%s", FUZZ_CORPUS_DIR, name);
		run_dir(dir);
	}
	for (i = 1; i < argc; i++) {
		if (!stat(argv[i], &st) && S_ISDIR(st.st_mode))
			run_dir(argv[i]);
		else
			run_file(argv[i]);
	}
	printf("1..%d\n", count);
	return 0;
}
