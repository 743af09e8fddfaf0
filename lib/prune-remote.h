#ifndef PARA_PRUNE_REMOTE_H
#define PARA_PRUNE_REMOTE_H

#include "prune.h"
#include "strbuf.h"

/*
 * `prune --remote`: the task's branch pushed to a remote goes too, but
 * only when the task is merged, and only when the remote's branch holds
 * nothing the task's tip lacks (someone may have pushed to it since).
 * The deletion is leased on the tip seen, so a push in between wins.
 */

enum para_prune_remote_state {
	PARA_PRUNE_REMOTE_NONE = 0,	/* the remote has no such branch */
	PARA_PRUNE_REMOTE_DELETE,	/* it may be deleted */
	PARA_PRUNE_REMOTE_UNMERGED,	/* the task is not merged: kept */
	PARA_PRUNE_REMOTE_AHEAD		/* it has commits the task lacks: kept */
};

struct para_prune_remote {
	enum para_prune_remote_state state;
	const char *remote;		/* borrowed */
	char tip[GIT_OID_HEXSZ + 1];	/* the remote branch's tip */
};

/*
 * Asks `remote` about the branch of task `t` judged `v`.  Fails when
 * the remote cannot be asked.
 */
int para_prune_remote_check(struct para_prune_remote *out,
			    struct para_repo *repo, const struct para_task *t,
			    const struct para_prune_verdict *v,
			    const char *remote);

/* Deletes the branch of `t` on the remote `r` found deletable. */
int para_prune_remote_delete(struct para_repo *repo,
			     const struct para_task *t,
			     const struct para_prune_remote *r);

/*
 * "branch deleted on 'origin'", "branch kept on 'origin': not merged",
 * ...; nothing for NONE.
 */
void para_prune_remote_describe(struct para_strbuf *out,
				const struct para_prune_remote *r);

#endif
