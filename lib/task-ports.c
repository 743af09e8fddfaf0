#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "port.h"
#include "strbuf.h"
#include "task-ports.h"

#define PORT_MAX 65535

static int parse_range(long *lo, long *hi, const char *text)
{
	char *end;

	*lo = strtol(text, &end, 10);
	if (end == text || *end != '-')
		return -1;
	text = end + 1;
	*hi = strtol(text, &end, 10);
	if (end == text || *end || *lo < 1 || *hi > PORT_MAX || *lo > *hi)
		return -1;
	return 0;
}

static int taken(const struct para_task *const *others, size_t nr, long port)
{
	size_t i, j;

	for (i = 0; i < nr; i++)
		for (j = 0; j < others[i]->ports.nr; j++)
			if (strtol(others[i]->ports.v[j], NULL, 10) == port)
				return 1;
	return 0;
}

/* 1 when ports [first, first + n) are held by no task and bindable. */
static int block_free(const struct para_task *const *others, size_t nr,
		      long first, long n)
{
	long p;

	for (p = first; p < first + n; p++)
		if (taken(others, nr, p))
			return 0;
	for (p = first; p < first + n; p++)
		if (!para_port_bindable((int)p))
			return 0;
	return 1;
}

int para_ports_lease(struct para_task *task, struct para_config *config,
		     const struct para_task *const *others, size_t nr)
{
	const char *range = NULL;
	long lo, hi, n = 1, first, p;
	int error;

	error = para_config_get_string(&range, config, "para.portRange");
	if (error == PARA_ENOTFOUND)
		return 0;
	if (error < 0)
		return error;
	if (parse_range(&lo, &hi, range) < 0)
		return para_error_set(PARA_EINVALID, "bad para.portRange value "
				      "'%s' (<lo>-<hi>, ports 1 to 65535)",
				      range);
	error = para_config_get_int(&n, config, "para.portsPerTask", 1,
				    PORT_MAX);
	if (error < 0 && error != PARA_ENOTFOUND)
		return error;
	for (first = lo; first + n - 1 <= hi; first += n)
		if (block_free(others, nr, first, n)) {
			para_strvec_dispose(&task->ports);
			for (p = first; p < first + n; p++)
				para_strvec_pushf(&task->ports, "%ld", p);
			return 0;
		}
	return para_error_set(PARA_EEXISTS, "no block of %ld free port%s left "
			      "in para.portRange %ld-%ld for task '%s'", n,
			      n == 1 ? "" : "s", lo, hi, task->name);
}

char *para_ports_id(const char *name)
{
	char *id = para_strdup(name), *p;

	for (p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			*p = '_';
	return id;
}
