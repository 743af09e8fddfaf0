/* The helpers of fuzz.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

void fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static char scratch_dir[64];
static char scratch_path[96];

static void scratch_remove(void)
{
	unlink(scratch_path);
	rmdir(scratch_dir);
}

const char *fuzz_scratch_file(const uint8_t *data, size_t size)
{
	int fd;

	if (!scratch_dir[0]) {
		const char *base = access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm";

		snprintf(scratch_dir, sizeof(scratch_dir), "%s/para-fuzz-XXXXXX",
			 base);
		if (!mkdtemp(scratch_dir))
			fuzz_fail("mkdtemp: %s", strerror(errno));
		snprintf(scratch_path, sizeof(scratch_path), "%s/input",
			 scratch_dir);
		atexit(scratch_remove);
	}
	fd = open(scratch_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		fuzz_fail("open '%s': %s", scratch_path, strerror(errno));
	while (size) {
		ssize_t n = write(fd, data, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			fuzz_fail("write '%s': %s", scratch_path, strerror(errno));
		data += n;
		size -= (size_t)n;
	}
	close(fd);
	return scratch_path;
}
