/*
 * The manifest reader (lib/manifest.c, on iniparser), on any bytes: it
 * must accept or refuse without a crash or a leak, and a manifest it
 * accepts must keep its promises (lib/manifest.h): a task per section
 * with a name, no two sections of the same name, `issue` in digits,
 * never both `prompt` and `prompt-file`, no empty value where one is
 * refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "error.h"
#include "manifest.h"

#define MAX_INPUT 8192

static void check_task(const struct para_manifest *m, size_t i)
{
	const struct para_manifest_task *t = &m->tasks[i];
	size_t j;

	if (!t->name || !*t->name || t->line < 1)
		fuzz_fail("task %zu has no name or line", i);
	for (j = 0; j < i; j++)
		if (!strcasecmp(m->tasks[j].name, t->name))
			fuzz_fail("section '%s' twice", t->name);
	if (t->issue && (!*t->issue || strspn(t->issue, "0123456789") !=
					       strlen(t->issue)))
		fuzz_fail("issue '%s' of '%s' is not a number", t->issue,
			  t->name);
	if (t->prompt && t->prompt_file)
		fuzz_fail("'%s' has both prompt and prompt-file", t->name);
	if ((t->prompt && !*t->prompt) || (t->base && !*t->base) ||
	    (t->branch && !*t->branch) ||
	    (t->prompt_file && t->prompt_file[0] != '/'))
		fuzz_fail("'%s' has an empty or relative value", t->name);
	if (t->exclusive != 0 && t->exclusive != 1)
		fuzz_fail("'%s': exclusive is %d", t->name, t->exclusive);
	if (t->mem < 0 || t->cpus < 0)
		fuzz_fail("'%s': negative mem or cpus", t->name);
	for (j = 0; j < t->paths.nr; j++)
		if (!*t->paths.v[j])
			fuzz_fail("'%s' has an empty path", t->name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct para_manifest m;
	size_t i;

	if (size > MAX_INPUT)
		return 0;
	memset(&m, 0, sizeof(m));
	if (para_manifest_load(&m, fuzz_scratch_file(data, size)) < 0) {
		if (!para_error_last() || !*para_error_last())
			fuzz_fail("a refusal without a message");
		para_manifest_dispose(&m);
		return 0;
	}
	for (i = 0; i < m.nr; i++)
		check_task(&m, i);
	para_manifest_dispose(&m);
	return 0;
}
