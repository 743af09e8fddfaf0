#include <stdio.h>
#include <string.h>

#include "collect-queue.h"
#include "json.h"

static const char *name_of(const struct para_queue *q,
			   const struct para_collect *c, size_t k)
{
	return c->items[q->entries[k].item].task.name;
}

/* The last `max` lines of `text`. */
static const char *tail_lines(const struct para_strbuf *text, int max)
{
	size_t end = text->len;
	int lines = 0;

	while (end && text->buf[end - 1] == '\n')
		end--;
	while (end > 0) {
		if (text->buf[end - 1] == '\n' && ++lines == max)
			return text->buf + end;
		end--;
	}
	return text->buf ? text->buf : "";
}

void para_queue_format_json(struct para_strbuf *out,
			    const struct para_queue *q,
			    const struct para_collect *c)
{
	struct para_json j;
	size_t k, i;

	para_json_init(&j, out);
	para_json_object_open(&j, NULL);
	para_json_int(&j, "version", 1);
	para_json_string(&j, "branch", q->branch);
	para_json_string(&j, "from", *q->old ? q->old : NULL);
	para_json_string(&j, "to", *q->tip ? q->tip : NULL);
	para_json_string(&j, "verify", q->verify);
	para_json_int(&j, "verifyRuns", (long long)q->verify_runs);
	para_json_int(&j, "verifyKnown", (long long)q->verify_cached);
	para_json_bool(&j, "branchFailsVerify", q->base_broken);
	para_json_array_open(&j, "tasks");
	for (k = 0; k < q->nr; k++) {
		const struct para_queue_entry *e = &q->entries[k];

		para_json_object_open(&j, NULL);
		para_json_string(&j, "name", name_of(q, c, k));
		para_json_string(&j, "result", para_queue_result_name(e->result));
		if (e->result == PARA_QUEUE_MERGED)
			para_json_string(&j, "commit", e->commit);
		if (e->result == PARA_QUEUE_CONFLICT) {
			para_json_array_open(&j, "files");
			for (i = 0; i < e->files.nr; i++)
				para_json_string(&j, NULL, e->files.v[i]);
			para_json_array_close(&j);
		}
		if (e->result >= PARA_QUEUE_CONFLICT &&
		    e->result != PARA_QUEUE_REJECTED)
			para_json_string(&j, "with", e->with ? e->with
							     : q->branch);
		if (e->result == PARA_QUEUE_REJECTED)
			para_json_string(&j, "verifyOutput", e->output.buf ?
					 e->output.buf : "");
		para_json_object_close(&j);
	}
	para_json_array_close(&j);
	para_json_object_close(&j);
	para_strbuf_addch(out, '\n');
}

static void md_entry(struct para_strbuf *out, const struct para_queue *q,
		     const struct para_collect *c, size_t k)
{
	const struct para_queue_entry *e = &q->entries[k];
	const char *with = e->with ? e->with : q->branch;
	size_t i;

	para_strbuf_addf(out, "| %s | %s | ", name_of(q, c, k),
			 para_queue_result_name(e->result));
	switch (e->result) {
	case PARA_QUEUE_MERGED:
		para_strbuf_addf(out, "`%.7s`", e->commit);
		break;
	case PARA_QUEUE_ALREADY:
		para_strbuf_addf(out, "in `%s` before", q->branch);
		break;
	case PARA_QUEUE_CONFLICT:
		para_strbuf_addf(out, "conflicts with %s in", with);
		for (i = 0; i < e->files.nr; i++)
			para_strbuf_addf(out, "%s `%s`", i ? "," : "",
					 e->files.v[i]);
		break;
	case PARA_QUEUE_REJECTED:
		para_strbuf_addf(out, "the merge with it fails `%s`",
				 q->verify);
		break;
	case PARA_QUEUE_HELD:
		para_strbuf_addf(out, "depends on %s, which is out", with);
		break;
	case PARA_QUEUE_NOT_TRIED:
		if (e->with)
			para_strbuf_addf(out, "not tried: stopped at %s",
					 e->with);
		else
			para_strbuf_addf(out, "not tried: `%s` fails by "
					 "itself", q->branch);
		break;
	}
	para_strbuf_addstr(out, " |\n");
}

void para_queue_format_report(struct para_strbuf *out,
			      const struct para_queue *q,
			      const struct para_collect *c)
{
	size_t k;

	para_strbuf_addf(out, "\n## Merge queue into `%s`\n\n", q->branch);
	if (q->base_broken)
		para_strbuf_addf(out, "`%s` fails `%s` without any task: "
				 "nothing was merged.\n\n", q->branch,
				 q->verify);
	else if (strcmp(q->old, q->tip))
		para_strbuf_addf(out, "`%s` moved from `%.7s` to `%.7s`%s.\n\n",
				 q->branch, q->old, q->tip,
				 q->verify ? ", a verified commit" : "");
	else
		para_strbuf_addf(out, "`%s` stays at `%.7s`.\n\n", q->branch,
				 q->old);
	if (q->verify)
		para_strbuf_addf(out, "Verify command `%s`: %zu run%s, %zu "
				 "result%s known from before.\n\n", q->verify,
				 q->verify_runs, q->verify_runs == 1 ? "" : "s",
				 q->verify_cached,
				 q->verify_cached == 1 ? "" : "s");
	para_strbuf_addstr(out, "| task | result | why |\n|---|---|---|\n");
	for (k = 0; k < q->nr; k++)
		md_entry(out, q, c, k);
	for (k = 0; k < q->nr; k++) {
		const struct para_queue_entry *e = &q->entries[k];

		if (e->result != PARA_QUEUE_REJECTED)
			continue;
		para_strbuf_addf(out, "\n### %s: verify output (end)\n\n```\n%s",
				 name_of(q, c, k), tail_lines(&e->output, 20));
		if (out->len && out->buf[out->len - 1] != '\n')
			para_strbuf_addch(out, '\n');
		para_strbuf_addstr(out, "```\n");
	}
}

const char *para_queue_output_tail(const struct para_strbuf *text, int max)
{
	return tail_lines(text, max);
}
