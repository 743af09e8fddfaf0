#ifndef PARA_MANIFEST_H
#define PARA_MANIFEST_H

#include <stddef.h>
#include "strvec.h"

/*
 * A manifest (`git para add --from <file>`): an INI file, one section per
 * task (Documentation/git-para-add.adoc).  Parsed with iniparser; errors name the file and
 * the line ("tasks.ini:7: unknown key 'colour' in section 'backend'").
 */
struct para_manifest_task {
	char *name;		/* section name, as written */
	int line;		/* line of the section header */
	char *issue;		/* decimal digits, NULL when absent */
	struct para_strvec paths;
	struct para_strvec after;
	struct para_strvec locks;
	int exclusive;
	long long mem;		/* bytes, 0 when absent */
	int cpus;		/* 0 when absent */
	char *prompt;		/* NULL when absent */
	char *prompt_file;	/* absolute, from the manifest's directory */
	char *base;
	char *branch;
};

struct para_manifest {
	char *path;
	struct para_manifest_task *tasks;
	size_t nr;
};

/*
 * Loads `path`.  Refuses an unknown key, a bare key, a line longer than
 * iniparser accepts, a duplicate section, a duplicate key, a key outside
 * a section, `exclusive` that is not a boolean, `issue` that is not a
 * number, and both `prompt` and `prompt-file` in one section.  Task-name
 * rules, overlap and cycles are checked by the caller.  Also refused: a
 * line ending in '\' (iniparser would join it to the next), a NUL byte,
 * an empty or malformed section header, and an empty `prompt`,
 * `prompt-file`, `base` or `branch`.  `exclusive` takes true/false,
 * yes/no, on/off, 1/0 in any case.
 *
 * Section and key names are compared without case, as iniparser does;
 * task names are returned as written.  Values are what iniparser reads:
 * an unquoted value ends at the first ';' or '#', a quoted one ("..." or
 * '...') at the next quote, and there are no escapes.  `issue` is stored
 * as its decimal number ("#042" gives "42").  `prompt-file` is made
 * absolute against the manifest's directory; it is not read.  Errors are
 * PARA_EINVALID ("FILE:LINE: ..."), or PARA_ENOTFOUND / PARA_ERROR when
 * the file cannot be read.  Not thread-safe: iniparser's error callback
 * is global.
 */
int para_manifest_load(struct para_manifest *out, const char *path);
void para_manifest_dispose(struct para_manifest *manifest);

#endif
