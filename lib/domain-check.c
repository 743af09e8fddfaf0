#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "domain-check.h"
#include "error.h"
#include "task-state.h"

struct para_domain_checker {
	const struct para_repo *repo;
	struct para_strvec shared;
	const struct para_task **known;
	size_t known_nr, known_alloc;
};

int para_domain_checker_new(struct para_domain_checker **out,
			    const struct para_repo *repo,
			    const struct para_strvec *shared)
{
	struct para_domain_checker *c = para_calloc(1, sizeof(*c));
	struct para_strvec init = PARA_STRVEC_INIT;
	size_t i;
	int error;

	*out = NULL;
	c->repo = repo;
	c->shared = init;
	for (i = 0; shared && i < shared->nr; i++) {
		if ((error = para_pattern_validate(shared->v[i])) < 0) {
			para_domain_checker_free(c);
			return error;
		}
		para_strvec_push(&c->shared, shared->v[i]);
	}
	*out = c;
	return 0;
}

void para_domain_checker_free(struct para_domain_checker *c)
{
	if (!c)
		return;
	para_strvec_dispose(&c->shared);
	free(c->known);
	free(c);
}

void para_domain_checker_know(struct para_domain_checker *c,
			      const struct para_task *task)
{
	c->known = para_grow(c->known, &c->known_alloc, c->known_nr + 1,
			     sizeof(*c->known));
	c->known[c->known_nr++] = task;
}

static const struct para_task *find_known(const struct para_domain_checker *c,
					  const char *name)
{
	size_t i;

	for (i = 0; i < c->known_nr; i++)
		if (c->known[i]->name && !strcmp(c->known[i]->name, name))
			return c->known[i];
	return NULL;
}

/* Appends the domain of the dependency `name`. */
static void add_dependency(struct para_strvec *out,
			   const struct para_domain_checker *c,
			   const char *name)
{
	const struct para_task *dep = find_known(c, name);
	struct para_task loaded;

	if (dep) {
		para_strvec_pushv(out, (const char *const *)dep->paths.v);
		return;
	}
	if (para_state_load(&loaded, c->repo, name) < 0) {
		para_error_clear();
		return;
	}
	para_strvec_pushv(out, (const char *const *)loaded.paths.v);
	para_task_dispose(&loaded);
}

/* What `task` may change: see domain-check.h. */
static void allowed(struct para_strvec *out,
		    const struct para_domain_checker *c,
		    const struct para_task *task)
{
	size_t i;

	para_strvec_pushv(out, (const char *const *)task->paths.v);
	for (i = 0; i < task->after.nr; i++)
		add_dependency(out, c, task->after.v[i]);
	para_strvec_pushv(out, (const char *const *)c->shared.v);
}

int para_domain_check(enum para_domain_verdict *verdict,
		      struct para_strvec *outside,
		      struct para_domain_checker *c,
		      const struct para_task *task,
		      const struct para_strvec *changed)
{
	struct para_strvec patterns = PARA_STRVEC_INIT;
	struct para_domain *domain = NULL;
	enum para_domain_verdict v = PARA_DOMAIN_NONE;
	size_t i, found = 0;
	int error = 0, covered;

	if (!task->paths.nr)
		goto out;
	v = PARA_DOMAIN_UNKNOWN;
	allowed(&patterns, c, task);
	if ((error = para_domain_new(&domain, (const char *const *)patterns.v,
				     patterns.nr)) < 0)
		goto out;
	for (i = 0; i < changed->nr; i++) {
		if ((covered = para_domain_covers(domain, changed->v[i])) < 0) {
			error = covered;
			goto out;
		}
		if (!covered) {
			para_strvec_push(outside, changed->v[i]);
			found++;
		}
	}
	v = found ? PARA_DOMAIN_OUTSIDE : PARA_DOMAIN_OK;
out:
	if (verdict)
		*verdict = v;
	para_domain_free(domain);
	para_strvec_dispose(&patterns);
	return error;
}
