#ifndef PARA_MANIFEST_H
#define PARA_MANIFEST_H

#include <stddef.h>
#include "strvec.h"

/*
 * A manifest (`git para add --from <file>`): an INI file, one section per
 * task (SPEC section 3).  Parsed with iniparser; errors name the file and
 * the line ("tasks.ini:7: unknown key 'colour' in section 'backend'").
 */
struct para_manifest_task {
	char *name;		/* section name, as written */
	int line;		/* line of the section header */
	char *issue;		/* NULL when absent */
	struct para_strvec paths;
	struct para_strvec after;
	struct para_strvec locks;
	int exclusive;
	char *prompt;		/* NULL when absent */
	char *prompt_file;	/* resolved against the manifest's directory */
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
 * rules, overlap and cycles are checked by the caller.
 */
int para_manifest_load(struct para_manifest *out, const char *path);
void para_manifest_dispose(struct para_manifest *manifest);

#endif
