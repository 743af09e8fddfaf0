#ifndef PARA_STATUS_FORMAT_H
#define PARA_STATUS_FORMAT_H

#include <stddef.h>
#include "status-gather.h"
#include "strbuf.h"

/*
 * The three faces of `git para status`, written into a buffer: aligned
 * columns for people, tab-separated lines (--porcelain) and one JSON
 * document (--json).  The machine formats are documented in
 * Documentation/git-para-status.adoc and are stable.
 */
struct para_status_format {
	int verbose;
	int color;
	long long now;		/* ms since the epoch, for run times */
};

void para_status_human(struct para_strbuf *out, struct para_facts *facts,
		       size_t nr, const struct para_status_format *fmt);
void para_status_porcelain(struct para_strbuf *out, struct para_facts *facts,
			   size_t nr, const struct para_status_format *fmt);
void para_status_json(struct para_strbuf *out, struct para_facts *facts,
		      size_t nr, const struct para_status_format *fmt);

/* The state word shown: "damaged" for an unreadable state file. */
const char *para_status_state_word(const struct para_facts *f);

/* The last `n` lines of a file, at most `max` bytes from its end. */
void para_status_log_tail(struct para_strvec *out, const char *path,
			  size_t n, size_t max);

#endif
