#include <pthread.h>
#include <stdlib.h>

#include "parallel.h"
#include "strbuf.h"
#include "sysinfo.h"

struct pool {
	size_t next, nr;
	void (*fn)(size_t i, void *data);
	void *data;
};

static void *work(void *arg)
{
	struct pool *p = arg;
	size_t i;

	while ((i = __atomic_fetch_add(&p->next, 1, __ATOMIC_RELAXED)) < p->nr)
		p->fn(i, p->data);
	return NULL;
}

void para_parallel_each(size_t nr, unsigned max,
			void (*fn)(size_t i, void *data), void *data)
{
	struct pool p = { 0, nr, fn, data };
	pthread_t *threads;
	size_t started = 0, want, i;

	if (!max)
		max = (unsigned)para_sysinfo_cpus();
	want = nr < max ? nr : max;
	threads = want > 1 ? para_calloc(want - 1, sizeof(*threads)) : NULL;
	while (started + 1 < want &&
	       !pthread_create(&threads[started], NULL, work, &p))
		started++;
	work(&p);
	for (i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	free(threads);
}
