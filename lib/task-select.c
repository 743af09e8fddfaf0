#include "error.h"
#include "task.h"
#include "task-select.h"
#include "task-state.h"

int para_task_select(struct para_strvec *out, const struct para_repo *repo,
		     const char **names, size_t nr, unsigned flags)
{
	size_t i;

	if (!nr)
		return para_state_list(out, repo);
	for (i = 0; i < nr; i++) {
		if ((flags & PARA_SELECT_EXISTING) &&
		    (para_task_name_validate(names[i]) < 0 ||
		     !para_state_exists(repo, names[i])))
			return para_error_set(PARA_ENOTFOUND,
					      "no such task '%s'", names[i]);
		if (!para_strvec_contains(out, names[i]))
			para_strvec_push(out, names[i]);
	}
	return 0;
}
