/*
 * The index reader of the clean check (lib/clean-index.c), on any
 * bytes: it must accept or refuse without a crash or a leak, and an
 * index it accepts must be what it promises: no more entries than its
 * header and the limit say, paths strictly sorted, found again by
 * para_index_lower_bound().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz.h"
#include "clean-index.h"

#define MAX_INPUT 65536
#define MAX_ENTRIES 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct para_index ix = PARA_INDEX_INIT;
	struct timespec mtime;
	const char *path;
	long count;
	size_t i;

	if (size > MAX_INPUT)
		return 0;
	path = fuzz_scratch_file(data, size);
	count = para_index_entry_count(path);
	if (para_index_read(&ix, &mtime, path, MAX_ENTRIES) < 0)
		goto out;
	if (count < 0 || (size_t)count != ix.nr || ix.nr > MAX_ENTRIES)
		fuzz_fail("%zu entries read, the header says %ld", ix.nr,
			  count);
	for (i = 0; i < ix.nr; i++) {
		if (!ix.entries[i].path)
			fuzz_fail("entry %zu has no path", i);
		if (i && strcmp(ix.entries[i - 1].path, ix.entries[i].path) >= 0)
			fuzz_fail("entries %zu and %zu are not sorted", i - 1, i);
		if (para_index_lower_bound(&ix, ix.entries[i].path) != i)
			fuzz_fail("entry %zu ('%s') is not found again", i,
				  ix.entries[i].path);
	}
out:
	para_index_dispose(&ix);
	return 0;
}
