#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "duration.h"
#include "error.h"
#include "json.h"
#include "status-format.h"
#include "task-ports.h"
#include "task-result.h"
#include "du.h"

#define COLOR_RESET "\033[m"
#define COLOR_RED "\033[31m"
#define COLOR_GREEN "\033[32m"
#define COLOR_YELLOW "\033[33m"
#define COLOR_MAGENTA "\033[35m"
#define COLOR_BOLD "\033[1m"
#define COLOR_DIM "\033[2m"

#define LOG_LINES 5
#define LOG_TAIL_BYTES 8192

enum column {
	COL_TASK, COL_STATE, COL_BRANCH, COL_AHEAD, COL_CHANGED, COL_DIRTY,
	COL_DOMAIN, COL_TIME, COL_EXIT, COL_COST, COL_TOKENS, COL_NOTE,
	COL__COUNT
};

static const char *const headers[COL__COUNT] = {
	"TASK", "STATE", "BRANCH", "AHEAD", "CHANGED", "DIRTY", "DOMAIN",
	"TIME", "EXIT", "COST", "TOKENS", "NOTE"
};

struct cell {
	char *text;
	const char *color;	/* NULL for none */
};

const char *para_status_state_word(const struct para_facts *f)
{
	return f->damaged ? "damaged" : para_task_state_name(f->state);
}

static const char *state_color(const struct para_facts *f)
{
	if (f->damaged)
		return COLOR_RED;
	switch (f->state) {
	case PARA_STATE_SUCCEEDED:
	case PARA_STATE_MERGED:
	case PARA_STATE_PUSHED:
	case PARA_STATE_PR_OPEN:
		return COLOR_GREEN;
	case PARA_STATE_FAILED:
	case PARA_STATE_TIMED_OUT:
	case PARA_STATE_STALLED:
	case PARA_STATE_UNVERIFIED:
	case PARA_STATE_LOST:
	case PARA_STATE_INCOMPLETE:
	case PARA_STATE_REJECTED:
	case PARA_STATE_OVER_BUDGET:
	case PARA_STATE_OOM:
		return COLOR_RED;
	case PARA_STATE_RUNNING:
	case PARA_STATE_QUEUED:
	case PARA_STATE_CREATING:
		return COLOR_YELLOW;
	case PARA_STATE_EMPTY:
	case PARA_STATE_ORPHANED:
	case PARA_STATE_UNKNOWN:
	case PARA_STATE_CANCELLED:
	case PARA_STATE_PREEMPTED:
	case PARA_STATE_RATE_LIMITED:
	case PARA_STATE_SKIPPED:
	case PARA_STATE_CONFLICT:
		return COLOR_MAGENTA;
	default:
		return NULL;
	}
}

static char *number_or_dash(long n)
{
	return n < 0 ? para_strdup("-") : para_xstrfmt("%ld", n);
}

static char *run_time_text(const struct para_facts *f, long long now)
{
	long long ms = para_facts_run_time(f, now);
	char buf[32];

	if (ms < 0)
		return para_strdup("-");
	para_duration_format(buf, sizeof(buf), ms);
	return para_strdup(buf);
}

static char *exit_text(const struct para_facts *f)
{
	const char *abbrev;

	if (f->damaged)
		return para_strdup("-");
	if (f->task.signal > 0) {
		abbrev = sigabbrev_np(f->task.signal);
		return abbrev ? para_xstrfmt("SIG%s", abbrev)
			      : para_xstrfmt("signal %d", f->task.signal);
	}
	return number_or_dash(f->task.exit_code);
}

static char *domain_text(const struct para_facts *f, const char **color)
{
	*color = NULL;
	switch (f->domain) {
	case PARA_DOMAIN_NONE:
		return para_strdup("none");
	case PARA_DOMAIN_OK:
		*color = COLOR_GREEN;
		return para_strdup("ok");
	case PARA_DOMAIN_OUTSIDE:
		*color = COLOR_RED;
		return para_xstrfmt("%zu outside", f->outside.nr);
	default:
		return para_strdup("-");
	}
}

static const char *short_ref(const char *ref)
{
	return strncmp(ref, "refs/heads/", 11) ? ref : ref + 11;
}

/* 1 if the worktree's HEAD is somewhere else than the task's branch. */
static int head_elsewhere(const struct para_facts *f)
{
	return f->head && strcmp(short_ref(f->head), f->task.branch) != 0;
}

static char *note_text(const struct para_facts *f)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	const char *sep = "";

	if (f->damaged)
		return para_strdup(f->error);
	if (f->scheduler) {
		para_strbuf_addstr(&sb, f->scheduler);
		sep = ", ";
	}
	if (!f->worktree_exists) {
		para_strbuf_addstr(&sb, "worktree missing");
		sep = ", ";
	}
	if (!f->branch_exists) {
		para_strbuf_addf(&sb, "%sbranch deleted", sep);
		sep = ", ";
	}
	if (f->detached) {
		para_strbuf_addf(&sb, "%sdetached HEAD", sep);
		sep = ", ";
	} else if (head_elsewhere(f)) {
		para_strbuf_addf(&sb, "%sHEAD on '%s'", sep,
				 short_ref(f->head));
	}
	return para_strbuf_detach(&sb);
}

static int pr_failing(const struct para_facts *f)
{
	return !f->damaged && f->task.pr_checks &&
	       !strcmp(f->task.pr_checks, "failing");
}

/* "PR merged, checks passing", as the last refresh found it. */
static void add_pr_note(char **note, const struct para_facts *f)
{
	char *joined;

	if (f->damaged || !f->task.pr_state)
		return;
	joined = para_xstrfmt("%s%sPR %s%s%s", *note, **note ? ", " : "",
			      f->task.pr_state,
			      f->task.pr_checks ? ", checks " : "",
			      f->task.pr_checks ? f->task.pr_checks : "");
	free(*note);
	*note = joined;
}

/* COST and TOKENS: what every attempt of the task reported, added up. */
static void fill_usage(struct cell *row, const struct para_facts *f)
{
	struct para_result r;
	char buf[32];

	row[COL_COST].text = para_strdup("-");
	row[COL_TOKENS].text = para_strdup("-");
	if (f->damaged || para_result_total(&r, &f->task) < 0) {
		para_error_clear();
		return;
	}
	if (r.has & PARA_RESULT_COST) {
		para_result_format_cost(buf, sizeof(buf), r.cost_usd);
		free(row[COL_COST].text);
		row[COL_COST].text = para_strdup(buf);
	}
	if (r.has & (PARA_RESULT_TOKENS_IN | PARA_RESULT_TOKENS_OUT)) {
		para_result_format_tokens(buf, sizeof(buf),
					  r.tokens_in + r.tokens_out);
		free(row[COL_TOKENS].text);
		row[COL_TOKENS].text = para_strdup(buf);
	}
	para_result_dispose(&r);
}

/*
 * The state with what is known of it beyond the word: what a running
 * command reported and whether it stalled ("running: waiting",
 * "running: stalled"), or that its run tries it again.
 */
static char *state_text(const struct para_facts *f, int known)
{
	const struct para_task *t = &f->task;
	const char *word = para_status_state_word(f);

	if (!known)
		return para_strdup(word);
	if (f->state == PARA_STATE_RUNNING && t->agent_state)
		return para_xstrfmt("%s: %s%s", word, t->agent_state,
				    t->stalled ? ", stalled" : "");
	if (f->state == PARA_STATE_RUNNING && t->stalled)
		return para_xstrfmt("%s: stalled", word);
	if (f->state != PARA_STATE_RUNNING && para_task_retrying(t))
		return para_xstrfmt("%s: retrying", word);
	return para_strdup(word);
}

static void fill_row(struct cell *row, const struct para_facts *f,
		     long long now)
{
	int known = !f->damaged;

	memset(row, 0, COL__COUNT * sizeof(*row));
	row[COL_TASK].text = para_strdup(f->name);
	row[COL_STATE].text = state_text(f, known);
	row[COL_STATE].color = state_color(f);
	row[COL_BRANCH].text = para_strdup(known ? f->task.branch : "-");
	row[COL_AHEAD].text = f->ahead < 0 ? para_strdup("-") :
		para_xstrfmt("+%ld -%ld", f->ahead, f->behind);
	row[COL_CHANGED].text = number_or_dash(f->changed);
	row[COL_DIRTY].text = number_or_dash(f->dirty);
	if (f->dirty > 0)
		row[COL_DIRTY].color = COLOR_YELLOW;
	row[COL_DOMAIN].text = domain_text(f, &row[COL_DOMAIN].color);
	row[COL_TIME].text = run_time_text(f, now);
	row[COL_EXIT].text = exit_text(f);
	if (known && (f->task.exit_code > 0 || f->task.signal > 0))
		row[COL_EXIT].color = COLOR_RED;
	fill_usage(row, f);
	row[COL_NOTE].text = note_text(f);
	if (*row[COL_NOTE].text || pr_failing(f))
		row[COL_NOTE].color = COLOR_RED;
	add_pr_note(&row[COL_NOTE].text, f);
}

/* Columns of a UTF-8 string, counting each character as one. */
static size_t text_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

static void add_cell(struct para_strbuf *out, const struct cell *c,
		     size_t width, int last, int color)
{
	size_t w = text_width(c->text);

	if (color && c->color)
		para_strbuf_addf(out, "%s%s%s", c->color, c->text,
				 COLOR_RESET);
	else
		para_strbuf_addstr(out, c->text);
	if (last)
		return;
	for (; w < width + 2; w++)
		para_strbuf_addch(out, ' ');
}

static void add_row(struct para_strbuf *out, const struct cell *row,
		    const size_t *widths, const int *hidden, int color)
{
	int last = COL__COUNT - 1, i;

	/* an empty note column leaves no trailing blanks */
	while (last > 0 && (!*row[last].text || hidden[last]))
		last--;
	for (i = 0; i <= last; i++)
		if (!hidden[i])
			add_cell(out, &row[i], widths[i], i == last, color);
	para_strbuf_addch(out, '\n');
}

void para_status_log_tail(struct para_strvec *out, const char *path,
			  size_t n, size_t max)
{
	struct para_strvec lines = PARA_STRVEC_INIT;
	struct para_strbuf sb = PARA_STRBUF_INIT;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf, *start;
	ssize_t got;
	size_t i;

	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || st.st_size <= 0) {
		close(fd);
		return;
	}
	if ((size_t)st.st_size > max)
		lseek(fd, st.st_size - (off_t)max, SEEK_SET);
	buf = para_malloc(max + 1);
	got = read(fd, buf, max);
	close(fd);
	if (got > 0) {
		para_strbuf_add(&sb, buf, (size_t)got);
		start = sb.buf;
		/* a partial first line is not shown */
		if ((size_t)st.st_size > max && strchr(start, '\n'))
			start = strchr(start, '\n') + 1;
		para_strvec_split_lines(&lines, start);
	}
	for (i = lines.nr > n ? lines.nr - n : 0; i < lines.nr; i++)
		para_strvec_push(out, lines.v[i]);
	para_strvec_dispose(&lines);
	para_strbuf_dispose(&sb);
	free(buf);
}

/* The issue's title on one line, its control characters made harmless. */
static void add_title(struct para_strbuf *out, const struct para_task *t)
{
	const unsigned char *p;

	para_strbuf_addf(out, "    issue #%s: ", t->issue ? t->issue : "?");
	for (p = (const unsigned char *)t->title; *p; p++)
		para_strbuf_addch(out, *p < 0x20 || *p == 0x7f ? '?' : *p);
	para_strbuf_addch(out, '\n');
}

static void add_verbose(struct para_strbuf *out, const struct para_facts *f,
			int color)
{
	struct para_strvec tail = PARA_STRVEC_INIT;
	size_t i;

	if (!f->damaged && f->task.proc.pid > 0)
		para_strbuf_addf(out, "    pid %ld (%s)\n",
				 (long)f->task.proc.pid,
				 f->proc_alive ? "alive" : "gone");
	if (!f->damaged && f->task.title)
		add_title(out, &f->task);
	if (!f->damaged)
		para_strbuf_addf(out, "    worktree %s\n", f->task.worktree);
	if (!f->damaged && f->task.pr_url)
		para_strbuf_addf(out, "    pr %s%s%s%s\n", f->task.pr_url,
				 f->task.pr_state ? " (" : "",
				 f->task.pr_state ? f->task.pr_state : "",
				 f->task.pr_state ? ")" : "");
	if (!f->damaged && f->task.ports.nr) {
		para_strbuf_addstr(out, "    ports");
		for (i = 0; i < f->task.ports.nr; i++)
			para_strbuf_addf(out, " %s", f->task.ports.v[i]);
		para_strbuf_addch(out, '\n');
	}
	if (!f->damaged && f->task.disk_use > 0) {
		para_strbuf_addstr(out, "    disk ");
		para_strbuf_add_size(out,
				     (unsigned long long)f->task.disk_use);
		para_strbuf_addch(out, '\n');
	}
	for (i = 0; i < f->provisioned.nr; i++)
		para_strbuf_addf(out, "    provisioned %s (%s)\n",
				 f->provisioned.v[i].path,
				 para_provision_how_name(f->provisioned.v[i].how));
	para_strbuf_addf(out, "    log %s\n", f->log_path);
	para_status_log_tail(&tail, f->log_path, LOG_LINES, LOG_TAIL_BYTES);
	for (i = 0; i < tail.nr; i++)
		para_strbuf_addf(out, "    %s|%s %s\n", color ? COLOR_DIM : "",
				 color ? COLOR_RESET : "", tail.v[i]);
	para_strvec_dispose(&tail);
}

void para_status_human(struct para_strbuf *out, struct para_facts *facts,
		       size_t nr, const struct para_status_format *fmt)
{
	struct cell *rows = para_calloc((nr + 1) * COL__COUNT, sizeof(*rows));
	size_t widths[COL__COUNT] = { 0 }, i;
	int c, any_note = 0, hidden[COL__COUNT] = { 0 };

	if (!nr) {
		para_strbuf_addstr(out, "no tasks\n");
		free(rows);
		return;
	}
	for (c = 0; c < COL__COUNT; c++) {
		rows[c].text = para_strdup(headers[c]);
		rows[c].color = COLOR_BOLD;
	}
	for (i = 0; i < nr; i++) {
		fill_row(rows + (i + 1) * COL__COUNT, &facts[i], fmt->now);
		any_note |= *rows[(i + 1) * COL__COUNT + COL_NOTE].text != 0;
	}
	if (!any_note)
		rows[COL_NOTE].text[0] = '\0';
	/* COST and TOKENS only when some task reported them */
	hidden[COL_COST] = hidden[COL_TOKENS] = 1;
	for (i = 1; i <= nr; i++)
		for (c = COL_COST; c <= COL_TOKENS; c++)
			if (strcmp(rows[i * COL__COUNT + c].text, "-"))
				hidden[COL_COST] = hidden[COL_TOKENS] = 0;
	for (i = 0; i <= nr; i++)
		for (c = 0; c < COL__COUNT; c++) {
			size_t w = text_width(rows[i * COL__COUNT + c].text);

			if (w > widths[c])
				widths[c] = w;
		}
	for (i = 0; i <= nr; i++) {
		add_row(out, rows + i * COL__COUNT, widths, hidden,
			fmt->color);
		if (i && fmt->verbose)
			add_verbose(out, &facts[i - 1], fmt->color);
	}
	for (i = 0; i < (nr + 1) * COL__COUNT; i++)
		free(rows[i].text);
	free(rows);
}

/* A path as git quotes it: in double quotes with C escapes, if need be. */
static void add_quoted_path(struct para_strbuf *out, const char *path)
{
	const unsigned char *p;

	if (!strpbrk(path, "\"\\\t\n\r") && !strchr(path, '\033')) {
		for (p = (const unsigned char *)path; *p && *p >= 0x20; p++)
			;
		if (!*p) {
			para_strbuf_addstr(out, path);
			return;
		}
	}
	para_strbuf_addch(out, '"');
	for (p = (const unsigned char *)path; *p; p++) {
		if (*p == '"' || *p == '\\')
			para_strbuf_addf(out, "\\%c", *p);
		else if (*p == '\t')
			para_strbuf_addstr(out, "\\t");
		else if (*p == '\n')
			para_strbuf_addstr(out, "\\n");
		else if (*p < 0x20 || *p == 0x7f)
			para_strbuf_addf(out, "\\%03o", *p);
		else
			para_strbuf_addch(out, *p);
	}
	para_strbuf_addch(out, '"');
}

static const char *domain_word(const struct para_facts *f)
{
	switch (f->domain) {
	case PARA_DOMAIN_NONE: return "none";
	case PARA_DOMAIN_OK: return "ok";
	case PARA_DOMAIN_OUTSIDE: return "outside";
	default: return "-";
	}
}

static void add_flags(struct para_strbuf *out, const struct para_facts *f)
{
	size_t start = out->len;

	if (f->damaged)
		para_strbuf_addstr(out, "damaged,");
	else {
		if (!f->worktree_exists)
			para_strbuf_addstr(out, "worktree-missing,");
		if (!f->branch_exists)
			para_strbuf_addstr(out, "branch-missing,");
		if (f->detached)
			para_strbuf_addstr(out, "detached,");
		else if (head_elsewhere(f))
			para_strbuf_addstr(out, "head-elsewhere,");
	}
	if (out->len == start)
		para_strbuf_addch(out, '-');
	else
		para_strbuf_setlen(out, out->len - 1);
}

static void add_num(struct para_strbuf *out, long long n)
{
	if (n < 0)
		para_strbuf_addstr(out, "\t-");
	else
		para_strbuf_addf(out, "\t%lld", n);
}

void para_status_porcelain(struct para_strbuf *out, struct para_facts *facts,
			   size_t nr, const struct para_status_format *fmt)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		const struct para_facts *f = &facts[i];
		int known = !f->damaged;

		para_strbuf_addf(out, "%s\t%s\t%s", f->name,
				 para_status_state_word(f),
				 known ? f->task.branch : "-");
		add_num(out, f->ahead);
		add_num(out, f->behind);
		add_num(out, f->changed);
		add_num(out, f->dirty);
		para_strbuf_addf(out, "\t%s", domain_word(f));
		add_num(out, f->domain == PARA_DOMAIN_UNKNOWN ||
			     f->domain == PARA_DOMAIN_NONE ? -1 :
			     (long long)f->outside.nr);
		add_num(out, para_facts_run_time(f, fmt->now));
		add_num(out, known ? f->task.exit_code : -1);
		/* a pid to signal only while it is verifiably the task's */
		add_num(out, known && f->task.proc.pid > 0 && f->proc_alive ?
			     f->task.proc.pid : -1);
		para_strbuf_addch(out, '\t');
		add_flags(out, f);
		para_strbuf_addch(out, '\t');
		if (known)
			add_quoted_path(out, f->task.worktree);
		else
			para_strbuf_addch(out, '-');
		add_num(out, known && f->task.proc.pid > 0 ?
			     f->task.proc.pid : -1);
		para_strbuf_addch(out, '\n');
	}
}

static void json_list(struct para_json *j, const char *key,
		      const struct para_strvec *list)
{
	size_t i;

	para_json_array_open(j, key);
	for (i = 0; i < list->nr; i++)
		para_json_string(j, NULL, list->v[i]);
	para_json_array_close(j);
}

static void json_count(struct para_json *j, const char *key, long long n)
{
	if (n < 0)
		para_json_null(j, key);
	else
		para_json_int(j, key, n);
}

static void json_time(struct para_json *j, const char *key, long long ms)
{
	json_count(j, key, ms > 0 ? ms : -1);
}

static void json_proc(struct para_json *j, const char *key,
		      const struct para_proc *proc, int alive)
{
	if (proc->pid <= 0) {
		para_json_null(j, key);
		return;
	}
	para_json_object_open(j, key);
	/* `pid` only while it is verifiably the process; `lastPid` always */
	json_count(j, "pid", alive ? proc->pid : -1);
	para_json_int(j, "lastPid", proc->pid);
	para_json_int(j, "startTime", (long long)proc->start);
	para_json_string(j, "bootId", proc->boot_id);
	para_json_bool(j, "alive", alive);
	para_json_object_close(j);
}

/* A batch job's record and, when Slurm was asked, Slurm's view of it. */
static void json_slurm(struct para_json *j, const struct para_facts *f)
{
	const struct para_task *t = &f->task;

	if (!t->job_id) {
		para_json_null(j, "slurm");
		return;
	}
	para_json_object_open(j, "slurm");
	para_json_string(j, "cluster", t->cluster);
	para_json_string(j, "jobId", t->job_id);
	json_time(j, "submitted", t->submitted);
	para_json_bool(j, "asked", f->slurm_asked);
	para_json_string(j, "state", f->slurm_state);
	para_json_string(j, "reason", f->slurm_reason);
	para_json_string(j, "node", f->slurm_node);
	para_json_string(j, "view", f->scheduler);
	para_json_object_close(j);
}

static void json_git(struct para_json *j, const struct para_facts *f)
{
	para_json_bool(j, "worktreeExists", f->worktree_exists);
	para_json_string(j, "head", f->head);
	para_json_bool(j, "detached", f->detached);
	para_json_string(j, "headCommit", f->head_commit);
	para_json_bool(j, "branchExists", f->branch_exists);
	para_json_string(j, "tip", f->tip);
	para_json_string(j, "compareRef", f->compare_ref);
	para_json_string(j, "compareCommit", f->compare);
	para_json_string(j, "mergeBase", f->merge_base);
	json_count(j, "ahead", f->ahead);
	json_count(j, "behind", f->behind);
	json_count(j, "changed", f->changed);
	json_list(j, "changedFiles", &f->changed_files);
	if (f->dirty < 0) {
		para_json_null(j, "dirty");
	} else {
		para_json_object_open(j, "dirty");
		para_json_int(j, "total", f->dirty);
		para_json_int(j, "staged", f->staged);
		para_json_int(j, "unstaged", f->unstaged);
		para_json_int(j, "untracked", f->untracked);
		para_json_int(j, "conflicted", f->conflicted);
		para_json_object_close(j);
	}
	para_json_object_open(j, "domain");
	para_json_string(j, "check", domain_word(f)[0] == '-' ? NULL :
			 domain_word(f));
	json_list(j, "patterns", &f->task.paths);
	json_list(j, "outside", &f->outside);
	para_json_object_close(j);
}

/* "provisioned": [{"path": ..., "how": "copy" | "setup"}, ...] */
static void json_provisioned(struct para_json *j, const struct para_provision *p)
{
	size_t i;

	para_json_array_open(j, "provisioned");
	for (i = 0; i < p->nr; i++) {
		para_json_object_open(j, NULL);
		para_json_string(j, "path", p->v[i].path);
		para_json_string(j, "how", para_provision_how_name(p->v[i].how));
		para_json_object_close(j);
	}
	para_json_array_close(j);
}

/* "id": PARA_ID, "ports": [3000, 3001] */
static void json_ports(struct para_json *j, const struct para_task *t)
{
	char *id = para_ports_id(t->name ? t->name : "");
	size_t i;

	para_json_string(j, "id", id);
	free(id);
	para_json_array_open(j, "ports");
	for (i = 0; i < t->ports.nr; i++)
		para_json_int(j, NULL, strtoll(t->ports.v[i], NULL, 10));
	para_json_array_close(j);
}

/*
 * "result": what all attempts reported added up, or null; "results":
 * one object per attempt that reported something.
 */
static void json_results(struct para_json *j, const struct para_task *t)
{
	struct para_result r;
	size_t i;

	if (para_result_total(&r, t) == 0) {
		para_json_object_open(j, "result");
		para_result_json(j, &r, 0);
		para_json_object_close(j);
		para_result_dispose(&r);
	} else {
		para_error_clear();
		para_json_null(j, "result");
	}
	para_json_array_open(j, "results");
	for (i = 0; i < t->results.nr; i++) {
		if (para_result_parse_record(&r, t->results.v[i]) < 0) {
			para_error_clear();
			continue;
		}
		para_json_object_open(j, NULL);
		para_result_json(j, &r, 1);
		para_json_object_close(j);
		para_result_dispose(&r);
	}
	para_json_array_close(j);
}

static void json_task(struct para_json *j, const struct para_facts *f,
		      long long now)
{
	const struct para_task *t = &f->task;

	para_json_object_open(j, NULL);
	para_json_string(j, "name", f->name);
	para_json_string(j, "state", para_status_state_word(f));
	para_json_string(j, "error", f->error);
	para_json_string(j, "log", f->log_path);
	if (f->damaged) {
		para_json_object_close(j);
		return;
	}
	para_json_string(j, "recordedState", para_task_state_name(t->state));
	para_json_string(j, "agentState", t->agent_state);
	para_json_string(j, "agentMessage", t->agent_message);
	para_json_bool(j, "stalled", t->state == PARA_STATE_RUNNING &&
		       t->stalled);
	para_json_bool(j, "retrying", t->state != PARA_STATE_RUNNING &&
		       para_task_retrying(t));
	para_json_string(j, "branch", t->branch);
	para_json_string(j, "worktree", t->worktree);
	para_json_string(j, "base", t->base);
	para_json_string(j, "baseRef", t->base_ref);
	json_git(j, f);
	para_json_string(j, "issue", t->issue);
	para_json_string(j, "title", t->title);
	para_json_string(j, "prompt", t->prompt);
	para_json_string(j, "command", t->command);
	para_json_string(j, "verify", t->verify);
	json_list(j, "after", &t->after);
	json_list(j, "locks", &t->locks);
	para_json_bool(j, "exclusive", t->exclusive);
	json_count(j, "mem", t->mem ? t->mem : -1);
	json_count(j, "cpus", t->cpus ? t->cpus : -1);
	para_json_bool(j, "sparse", t->sparse);
	json_time(j, "created", t->created);
	json_time(j, "started", t->started);
	json_time(j, "finished", t->finished);
	json_count(j, "runTimeMs", para_facts_run_time(f, now));
	para_json_int(j, "attempt", t->attempt);
	para_json_int(j, "attempts", t->attempts);
	json_count(j, "exitCode", t->exit_code);
	json_count(j, "signal", t->signal > 0 ? t->signal : -1);
	json_count(j, "slot", t->slot);
	para_json_string(j, "startCommit", t->start_commit);
	json_proc(j, "process", &t->proc, f->proc_alive);
	json_proc(j, "runner", &t->runner, f->runner_alive);
	json_slurm(j, f);
	para_json_string(j, "prUrl", t->pr_url);
	para_json_string(j, "prState", t->pr_state);
	para_json_string(j, "prChecks", t->pr_checks);
	para_json_string(j, "prMergedAt", t->pr_merged_at);
	json_time(j, "prRefreshed", t->pr_refreshed);
	para_json_string(j, "mergedInto", t->merged_into);
	para_json_string(j, "pushedTo", t->pushed_to);
	json_list(j, "conflicts", &t->conflicts);
	para_json_string(j, "conflictWith", t->conflict_with);
	para_json_string(j, "conflictBranch", t->conflict_branch);
	para_json_string(j, "resolving", t->resolving);
	json_provisioned(j, &f->provisioned);
	json_ports(j, t);
	json_count(j, "diskUse", t->disk_use > 0 ? t->disk_use : -1);
	json_results(j, t);
	para_json_object_close(j);
}

void para_status_json(struct para_strbuf *out, struct para_facts *facts,
		      size_t nr, const struct para_status_format *fmt)
{
	struct para_json j;
	size_t i;

	para_json_init(&j, out);
	para_json_object_open(&j, NULL);
	para_json_int(&j, "version", 1);
	para_json_array_open(&j, "tasks");
	for (i = 0; i < nr; i++)
		json_task(&j, &facts[i], fmt->now);
	para_json_array_close(&j);
	para_json_object_close(&j);
	para_strbuf_addch(out, '\n');
}
