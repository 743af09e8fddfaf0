#ifndef PARA_WORKTREE_STATUS_H
#define PARA_WORKTREE_STATUS_H

#include <git2.h>

#include "config.h"
#include "strbuf.h"
#include "strvec.h"

/*
 * Is a task's worktree clean, and how dirty is it: one answer for
 * `git para status`, `run` (what to commit when a task ends) and
 * `prune` (would removing it lose work).  The cheapest way that can
 * answer is taken first:
 *  1. the in-process clean proof from the index (clean-check.h);
 *  2. libgit2's status, for small worktrees (up to
 *     PARA_WORKTREE_SMALL_ENTRIES index entries): starting `git status`
 *     costs more there than the whole job;
 *  3. `git status`, which is faster on large worktrees and knows sparse
 *     checkouts, filters and the untracked cache.
 */

#define PARA_WORKTREE_SMALL_ENTRIES 1000

/* Files that `git status` would list, by kind; -1 when unknown. */
struct para_worktree_counts {
	long dirty;		/* all of them */
	long staged, unstaged, untracked, conflicted;
};

#define PARA_WORKTREE_COUNTS_UNKNOWN { -1, -1, -1, -1, -1 }

/* Which of the ways above may be taken; the others are for tests. */
enum para_worktree_via {
	PARA_WORKTREE_VIA_AUTO = 0,
	PARA_WORKTREE_VIA_LIBGIT2,	/* no clean proof, libgit2 if small */
	PARA_WORKTREE_VIA_GIT		/* always `git status` */
};

/* What the in-process ways need to know of one worktree. */
struct para_worktree_look {
	const char *worktree;
	const char *index_path;		/* its index file */
	const git_tree *head;		/* the tree of its HEAD commit */
	enum para_worktree_via via;
	int hash_racy;	/* see para_worktree_proven_clean() */
	const char *racy_cache;		/* may be NULL */
	int retarget;	/* `repo` is shared: point it at this worktree */
	struct para_strvec *paths;	/* if set, gets the dirty paths */
	long long *usage;	/* if set, what the worktree takes on disk
				   when proven clean, else -1 (see
				   para_worktree_proven_clean()) */
};

/*
 * Counts the worktree's files in process (ways 1 and 2) with `repo`,
 * the worktree's repository or, with `retarget`, one shared by many
 * worktrees that is pointed at this one (opening a repository costs
 * more than a small status).  0; 1 (no error set) when it is too large
 * for that and may be given to para_worktree_prove_large(); -1 (no
 * error set) to leave it to `git status`: not to be looked at this way.
 */
int para_worktree_count(struct para_worktree_counts *out, git_repository *repo,
			const struct para_worktree_look *look);

/*
 * A worktree too large for para_worktree_count(), to be proven clean
 * beside others: the clean proof of a large worktree costs about what
 * `git status` does, but runs in process, on all CPUs at once, and
 * stops at the first file that differs.  What it cannot prove clean
 * is for `git status` to count.
 */
struct para_worktree_large {
	const char *worktree;
	char *index_path;		/* malloc'd: its index file */
	char *racy_cache;		/* malloc'd, may be NULL */
	unsigned char tree[GIT_OID_RAWSZ];	/* of its HEAD commit */
	int hash_racy;
	int clean;			/* set: proven clean */
};

/*
 * Proves each of the `nr` worktrees of `v` clean, or not, on up to
 * `threads` threads (0: one for each CPU), setting their `clean`.
 */
void para_worktree_prove_large(struct para_worktree_large *v, size_t nr,
			       unsigned threads);
void para_worktree_large_dispose(struct para_worktree_large *l);

/*
 * What spares the clean proof of one worktree a full status when its
 * files are racily clean (newer than its index, as right after `add`):
 * whether their bytes may be hashed (para_worktree_bytes_are_canonical())
 * and where those proven unchanged are remembered (may be NULL).
 */
struct para_worktree_proof {
	int hash_racy;
	const char *racy_cache;
	git_repository *shared;	/* of the common dir, opened bare, to look
				   through (see para_worktree_count());
				   NULL: the worktree's own is opened */
};

/*
 * "gitdir: <path>" of a worktree's .git file, made absolute (malloc'd);
 * "<worktree>/.git" when that is a directory; NULL when it is neither.
 */
char *para_worktree_gitdir(const char *worktree);

/*
 * The tree of the commit `commit` (hex), else of the commit that `ref`
 * names, looked up in `shared`.  0, or -1 (a libgit2 error may be set).
 */
int para_worktree_head_tree(git_tree **out, git_repository *shared,
			    const char *ref, const char *commit);

/*
 * 1 when `worktree` is certainly clean, found in process; 0 when it may
 * not be, or is too large to judge here: ask `git status` then (run
 * does, as a child of its own).  `proof` may be NULL.  `usage`, unless
 * NULL, gets what a worktree proven clean takes on disk, else -1.
 */
int para_worktree_clean_in_process(const char *worktree,
				   const struct para_worktree_proof *proof,
				   long long *usage);

/*
 * 1 when `worktree` has uncommitted or untracked files, or its status
 * cannot be read; 0 when it is clean.  In process when it can be, else
 * with `git status`.  `proof` may be NULL.
 */
int para_worktree_is_dirty(const char *worktree,
			   const struct para_worktree_proof *proof);

/* The arguments after `git` of the status whose output parse reads. */
void para_worktree_status_args(struct para_strvec *args, const char *worktree);

/* Counts the records of `git status --porcelain -z --no-renames`. */
/* The paths `git status --porcelain -z` output lists, into `out`. */
void para_worktree_paths_parse(struct para_strvec *out,
			       const struct para_strbuf *porcelain);

void para_worktree_counts_parse(struct para_worktree_counts *out,
				const struct para_strbuf *porcelain);

/*
 * Whether git hashes a worktree file's bytes as they are, so that the
 * clean proof may compare them with a blob (its `hash_racy`): neither
 * core.autocrlf nor an attributes file outside the worktrees can
 * convert them.  `config` may be NULL (then 0).
 */
int para_worktree_bytes_are_canonical(const char *commondir,
				      struct para_config *config);

/*
 * What the clean proofs of all the worktrees of `commondir` share:
 * `hash_racy` (from `config`, which may be NULL) and `shared`, the
 * common dir opened once, bare (NULL where it cannot be).  `racy_cache`
 * is left NULL: it is each worktree's own.
 */
void para_worktree_proof_init(struct para_worktree_proof *out,
			      const char *commondir,
			      struct para_config *config);
void para_worktree_proof_dispose(struct para_worktree_proof *proof);

#endif
