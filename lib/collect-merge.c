#include <stdlib.h>

#include "collect-merge.h"
#include "error.h"
#include "graph.h"

int para_collect_merge_order(size_t *order, struct para_collect *c)
{
	struct para_graph_node *nodes = para_calloc(c->nr + 1, sizeof(*nodes));
	struct para_strvec *deps = para_calloc(c->nr + 1, sizeof(*deps));
	size_t i, j;
	int error;

	for (i = 0; i < c->nr; i++) {
		const struct para_task *t = &c->items[i].task;

		for (j = 0; j < t->after.nr; j++)
			if (para_collect_find(c, t->after.v[j]))
				para_strvec_push(&deps[i], t->after.v[j]);
		nodes[i].name = t->name;
		nodes[i].after = (const char *const *)deps[i].v;
		nodes[i].after_nr = deps[i].nr;
	}
	error = para_graph_order(order, nodes, c->nr);
	for (i = 0; i < c->nr; i++)
		para_strvec_dispose(&deps[i]);
	free(deps);
	free(nodes);
	return error;
}

static int check_branch_name(const char *branch)
{
	char *ref = para_xstrfmt("refs/heads/%s", branch);
	int valid = 0, error = 0;

	if (git_reference_name_is_valid(&valid, ref) < 0 || !valid) {
		git_error_clear();
		error = para_error_set(PARA_EINVALID,
				       "'%s' is not a valid branch name",
				       branch);
	}
	free(ref);
	return error;
}

int para_collect_merge_prepare(struct para_repo *repo, const char *branch,
			       const char *start)
{
	char *where = NULL;
	int error;

	if ((error = check_branch_name(branch)) < 0 ||
	    (error = para_merge_checked_out(&where, repo, branch)) < 0)
		return error;
	if (where) {
		error = para_error_set(PARA_ELOCKED, "cannot merge into branch "
				       "'%s': it is checked out at '%s'",
				       branch, where);
		free(where);
		return error;
	}
	return para_merge_create_branch(repo, branch, start);
}

char *para_collect_merge_message(const struct para_collect_item *it)
{
	return para_xstrfmt("Merge task '%s' (branch '%s')", it->task.name,
			    it->task.branch);
}

int para_collect_merge_item(struct para_merge_result *out,
			    struct para_repo *repo,
			    const struct para_collect_item *it,
			    const char *branch)
{
	char *msg = para_collect_merge_message(it);
	int error = para_merge_into(out, repo, branch, it->tip, msg);

	free(msg);
	return error;
}

void para_collect_merge_touched_by(struct para_strbuf *out,
				   const struct para_collect *c,
				   const size_t *order, size_t k,
				   const char *path)
{
	size_t j;

	for (j = 0; j < k; j++) {
		const struct para_collect_item *it = &c->items[order[j]];

		if (para_strvec_contains(&it->touched, path))
			para_strbuf_addf(out, "%s%s", out->len ? ", " : "",
					 it->task.name);
	}
}
