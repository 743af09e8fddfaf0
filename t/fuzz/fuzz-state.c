/*
 * The task state file parser (lib/task-state.c), on any bytes: it must
 * accept or refuse without a crash or a leak, and what it accepts must
 * survive a round trip: formatted again and parsed again, it gives the
 * same text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <git2.h>

#include "fuzz.h"
#include "error.h"
#include "strbuf.h"
#include "task-state.h"

#define MAX_INPUT 16384

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int initialised;
	struct para_strbuf once = PARA_STRBUF_INIT, twice = PARA_STRBUF_INIT;
	struct para_task task, again;
	const char *path;

	if (size > MAX_INPUT)
		return 0;
	if (!initialised) {
		git_libgit2_init();
		initialised = 1;
	}
	path = fuzz_scratch_file(data, size);
	if (para_state_parse_file(&task, path) < 0)
		return 0;
	para_state_format(&once, &task);
	path = fuzz_scratch_file((const uint8_t *)once.buf, once.len);
	if (para_state_parse_file(&again, path) < 0)
		fuzz_fail("a formatted state does not parse: %s\n%s",
			  para_error_last(), once.buf);
	para_state_format(&twice, &again);
	if (strcmp(once.buf, twice.buf))
		fuzz_fail("the round trip changed the state:\n%s\n---\n%s",
			  once.buf, twice.buf);
	para_task_dispose(&task);
	para_task_dispose(&again);
	para_strbuf_dispose(&once);
	para_strbuf_dispose(&twice);
	return 0;
}
