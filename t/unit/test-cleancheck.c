#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <git2.h>

#include "clean-check.h"
#include "du.h"
#include "clean-index.h"
#include "strbuf.h"

/*
 * Each test builds a worktree and an index by hand, so that the stat
 * data, the recorded blob ids and the racy window are exactly as wanted.
 */
struct fixture {
	char dir[64];
	char *index;
	unsigned char tree[20];
};

static void put_be32(struct para_strbuf *sb, unsigned long v)
{
	unsigned char b[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 8), (unsigned char)v };

	para_strbuf_add(sb, b, 4);
}

static void write_file(struct fixture *fx, const char *path, const char *data)
{
	char *full = para_xstrfmt("%s/%s", fx->dir, path);
	FILE *f = fopen(full, "w");

	assert_non_null(f);
	fputs(data, f);
	fclose(f);
	free(full);
}

static void make_dir(struct fixture *fx, const char *path)
{
	char *full = para_xstrfmt("%s/%s", fx->dir, path);

	assert_int_equal(mkdir(full, 0755), 0);
	free(full);
}

/* An index entry for `path` as it is now, recording the blob of `blob`. */
static void add_entry(struct para_strbuf *ix, struct fixture *fx,
		      const char *path, const char *blob)
{
	char *full = para_xstrfmt("%s/%s", fx->dir, path);
	size_t len = strlen(path), pad;
	struct stat st;
	git_oid oid;

	assert_int_equal(lstat(full, &st), 0);
	put_be32(ix, (unsigned long)st.st_ctim.tv_sec);
	put_be32(ix, (unsigned long)st.st_ctim.tv_nsec);
	put_be32(ix, (unsigned long)st.st_mtim.tv_sec);
	put_be32(ix, (unsigned long)st.st_mtim.tv_nsec);
	put_be32(ix, (unsigned long)st.st_dev);
	put_be32(ix, (unsigned long)st.st_ino);
	put_be32(ix, (st.st_mode & 0100) ? 0100755 : 0100644);
	put_be32(ix, (unsigned long)st.st_uid);
	put_be32(ix, (unsigned long)st.st_gid);
	put_be32(ix, (unsigned long)st.st_size);
	assert_int_equal(git_odb_hash(&oid, blob, strlen(blob),
				      GIT_OBJECT_BLOB), 0);
	para_strbuf_add(ix, oid.id, 20);
	para_strbuf_addch(ix, (int)(len >> 8));
	para_strbuf_addch(ix, (int)(len & 0xff));
	para_strbuf_add(ix, path, len);
	pad = 8 - (62 + len) % 8;
	para_strbuf_add(ix, "\0\0\0\0\0\0\0\0", pad);
	free(full);
}

/*
 * Writes the index of `nr` entries (path, blob contents pairs, sorted)
 * with a valid root tree; `racy` dates the index like its files.
 */
static void write_index(struct fixture *fx, const char **entries, int nr,
			int racy)
{
	struct para_strbuf ix = PARA_STRBUF_INIT;
	struct timespec times[2];
	struct stat st;
	char *first;
	FILE *f;
	int i;

	para_strbuf_add(&ix, "DIRC", 4);
	put_be32(&ix, 2);
	put_be32(&ix, (unsigned long)nr);
	for (i = 0; i < nr; i++)
		add_entry(&ix, fx, entries[2 * i], entries[2 * i + 1]);
	para_strbuf_add(&ix, "TREE", 4);
	put_be32(&ix, 1 + 4 + 20);
	para_strbuf_add(&ix, "\0" "1 0\n", 5);
	para_strbuf_add(&ix, fx->tree, 20);
	para_strbuf_add(&ix, "01234567890123456789", 20);
	f = fopen(fx->index, "w");
	assert_non_null(f);
	fwrite(ix.buf, 1, ix.len, f);
	fclose(f);
	para_strbuf_dispose(&ix);
	first = para_xstrfmt("%s/%s", fx->dir, entries[0]);
	assert_int_equal(lstat(first, &st), 0);
	free(first);
	times[0] = st.st_mtim;
	times[1] = st.st_mtim;
	if (!racy)
		times[1].tv_sec += 10;
	assert_int_equal(utimensat(AT_FDCWD, fx->index, times, 0), 0);
}

static int setup(void **state)
{
	struct fixture *fx = para_calloc(1, sizeof(*fx));

	git_libgit2_init();
	strcpy(fx->dir, "/tmp/test-cleancheck.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	fx->index = para_xstrfmt("%s.index", fx->dir);
	memset(fx->tree, 0xab, sizeof(fx->tree));
	write_file(fx, ".git", "gitdir: elsewhere\n");
	write_file(fx, "a.c", "a\n");
	make_dir(fx, "sub");
	write_file(fx, "sub/b.c", "b\n");
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char *cmd = para_xstrfmt("rm -rf '%s' '%s'", fx->dir, fx->index);

	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(fx->index);
	free(fx);
	git_libgit2_shutdown();
	return 0;
}

static int check(struct fixture *fx, int hash_racy)
{
	return para_worktree_proven_clean(fx->dir, fx->index, fx->tree, 1000,
					  hash_racy, NULL, NULL);
}

static const char *both[] = { "a.c", "a\n", "sub/b.c", "b\n" };

static void test_clean(void **state)
{
	struct fixture *fx = *state;

	write_index(fx, both, 2, 0);
	assert_int_equal(check(fx, 0), 1);
}

static void test_other_head(void **state)
{
	struct fixture *fx = *state;
	unsigned char other[20];

	write_index(fx, both, 2, 0);
	memset(other, 0xcd, sizeof(other));
	assert_int_equal(para_worktree_proven_clean(fx->dir, fx->index, other,
						    1000, 1, NULL, NULL), 0);
}

static void test_too_big(void **state)
{
	struct fixture *fx = *state;

	write_index(fx, both, 2, 0);
	assert_int_equal(para_worktree_proven_clean(fx->dir, fx->index,
						    fx->tree, 1, 1, NULL, NULL),
			 0);
}

static void test_modified(void **state)
{
	struct fixture *fx = *state;

	write_index(fx, both, 2, 0);
	write_file(fx, "sub/b.c", "changed\n");
	assert_int_equal(check(fx, 1), 0);
}

static void test_deleted(void **state)
{
	struct fixture *fx = *state;
	char *path = para_xstrfmt("%s/a.c", fx->dir);

	write_index(fx, both, 2, 0);
	unlink(path);
	free(path);
	assert_int_equal(check(fx, 1), 0);
}

static void test_untracked(void **state)
{
	struct fixture *fx = *state;

	write_index(fx, both, 2, 0);
	write_file(fx, "sub/new.c", "new\n");
	assert_int_equal(check(fx, 1), 0);
}

static void test_untracked_dir(void **state)
{
	struct fixture *fx = *state;

	make_dir(fx, "empty");
	write_index(fx, both, 2, 0);
	assert_int_equal(check(fx, 1), 0);
}

static void test_symlinked_dir(void **state)
{
	struct fixture *fx = *state;
	char *from = para_xstrfmt("%s/sub", fx->dir);
	char *to = para_xstrfmt("%s.elsewhere", fx->dir);

	write_index(fx, both, 2, 0);
	assert_int_equal(check(fx, 1), 1);
	/* the same file, reached through a symlink: git sees it deleted */
	assert_int_equal(rename(from, to), 0);
	assert_int_equal(symlink(to, from), 0);
	assert_int_equal(check(fx, 1), 0);
	unlink(from);
	assert_int_equal(rename(to, from), 0);
	free(from);
	free(to);
}

/*
 * The files of a directory need not come together in the index: "a/b-x/f"
 * sorts before "a/b/c", and "a/b0" after it.  Deep directories too.
 */
static const char *tree[] = {
	"a.c", "a\n",
	"d/b-x/f", "f\n",
	"d/b/c", "c\n",
	"d/b0", "0\n",
	"d/e/1/2/3/4/5/6/7/8/9/10/deep", "deep\n",
	"d/z", "z\n",
	"sub/b.c", "b\n",
};

static void make_tree(struct fixture *fx)
{
	const char *dirs[] = { "d", "d/b-x", "d/b", "d/e", "d/e/1", "d/e/1/2",
			       "d/e/1/2/3", "d/e/1/2/3/4", "d/e/1/2/3/4/5",
			       "d/e/1/2/3/4/5/6", "d/e/1/2/3/4/5/6/7",
			       "d/e/1/2/3/4/5/6/7/8", "d/e/1/2/3/4/5/6/7/8/9",
			       "d/e/1/2/3/4/5/6/7/8/9/10" };
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(*dirs); i++)
		make_dir(fx, dirs[i]);
	for (i = 0; i < sizeof(tree) / sizeof(*tree); i += 2)
		write_file(fx, tree[i], tree[i + 1]);
	write_index(fx, tree, sizeof(tree) / sizeof(*tree) / 2, 0);
}

static void test_walk_order(void **state)
{
	struct fixture *fx = *state;
	const char *untracked[] = { "d/new", "d/b/new", "d/b-x/new",
				    "d/e/1/2/3/4/5/6/7/8/9/10/new",
				    "d/e/1/2/3/new", "new" };
	size_t i;

	make_tree(fx);
	assert_int_equal(check(fx, 1), 1);
	for (i = 0; i < sizeof(untracked) / sizeof(*untracked); i++) {
		char *path = para_xstrfmt("%s/%s", fx->dir, untracked[i]);

		write_file(fx, untracked[i], "new\n");
		assert_int_equal(check(fx, 1), 0);
		assert_int_equal(unlink(path), 0);
		assert_int_equal(check(fx, 1), 1);
		free(path);
	}
	/* an empty directory beside the deep one; a tracked one replaced */
	make_dir(fx, "d/e/1/2/empty");
	assert_int_equal(check(fx, 1), 0);
	{
		char *path = para_xstrfmt("%s/d/e/1/2/empty", fx->dir);

		assert_int_equal(rmdir(path), 0);
		free(path);
	}
	write_file(fx, "d/z", "changed\n");
	assert_int_equal(check(fx, 1), 0);
}

static void test_racy_same_bytes(void **state)
{
	struct fixture *fx = *state;

	write_index(fx, both, 2, 1);
	assert_int_equal(check(fx, 1), 1);
	/* without hashing, a racy file proves nothing */
	assert_int_equal(check(fx, 0), 0);
}

static void test_racy_other_bytes(void **state)
{
	struct fixture *fx = *state;
	static const char *stale[] = { "a.c", "x\n", "sub/b.c", "b\n" };

	/* stat data as now, but the index knew other contents: only the
	   racy rule can tell */
	write_index(fx, stale, 2, 1);
	assert_int_equal(check(fx, 1), 0);
}

static void test_racy_attributes(void **state)
{
	struct fixture *fx = *state;
	static const char *with_attrs[] = {
		".gitattributes", "* text\n", "a.c", "a\n", "sub/b.c", "b\n"
	};

	write_file(fx, ".gitattributes", "* text\n");
	write_index(fx, with_attrs, 3, 1);
	assert_int_equal(check(fx, 1), 0);
}

/*
 * What a worktree proven clean takes on disk, found on the way, is what
 * the disk usage walk counts; -1 when not proven, or when .git is a
 * directory (the walk would count what is in it).
 */
static void test_usage(void **state)
{
	struct fixture *fx = *state;
	unsigned long long walked;
	long long usage = 0;
	char *a = para_xstrfmt("%s/a.c", fx->dir);
	char *twin = para_xstrfmt("%s.twin", fx->dir);
	char *git = para_xstrfmt("%s/.git", fx->dir);

	write_index(fx, both, 2, 0);
	assert_int_equal(para_worktree_proven_clean(fx->dir, fx->index,
						    fx->tree, 1000, 0, NULL,
						    &usage), 1);
	assert_int_equal(para_disk_usage(&walked, fx->dir), 0);
	assert_true(usage > 0);
	assert_int_equal(usage, (long long)walked);

	/* a file with a second link elsewhere counts for neither */
	assert_int_equal(link(a, twin), 0);
	write_index(fx, both, 2, 0);
	assert_int_equal(para_worktree_proven_clean(fx->dir, fx->index,
						    fx->tree, 1000, 0, NULL,
						    &usage), 1);
	assert_int_equal(para_disk_usage(&walked, fx->dir), 0);
	assert_int_equal(usage, (long long)walked);
	assert_int_equal(unlink(twin), 0);

	/* not proven: not known */
	write_file(fx, "stray", "x\n");
	assert_int_equal(para_worktree_proven_clean(fx->dir, fx->index,
						    fx->tree, 1000, 0, NULL,
						    &usage), 0);
	assert_int_equal(usage, -1);
	assert_int_equal(unlink(git), 0);
	free(git);
	git = para_xstrfmt("%s/stray", fx->dir);
	assert_int_equal(unlink(git), 0);
	free(git);

	/* a .git directory: proven clean, its size left to the walk */
	make_dir(fx, ".git");
	write_file(fx, ".git/HEAD", "ref: refs/heads/main\n");
	write_index(fx, both, 2, 0);
	assert_int_equal(para_worktree_proven_clean(fx->dir, fx->index,
						    fx->tree, 1000, 0, NULL,
						    &usage), 1);
	assert_int_equal(usage, -1);
	free(a);
	free(twin);
}

static int check_cached(struct fixture *fx, const char *cache, int hash_racy)
{
	return para_worktree_proven_clean(fx->dir, fx->index, fx->tree, 1000,
					  hash_racy, cache, NULL);
}

/* A record for `path` as it is now, claiming the blob of `blob`. */
static void write_record(struct fixture *fx, const char *cache,
			 const char *path, const char *blob)
{
	char *full = para_xstrfmt("%s/%s", fx->dir, path);
	char hex[GIT_OID_HEXSZ + 1];
	struct stat st;
	git_oid oid;
	FILE *f;

	assert_int_equal(lstat(full, &st), 0);
	assert_int_equal(git_odb_hash(&oid, blob, strlen(blob),
				      GIT_OBJECT_BLOB), 0);
	git_oid_tostr(hex, sizeof(hex), &oid);
	f = fopen(cache, "w");
	assert_non_null(f);
	fprintf(f, "%llu %llu %lld %lld.%09ld %lld.%09ld %s %s%c",
		(unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
		(long long)st.st_size, (long long)st.st_mtim.tv_sec,
		st.st_mtim.tv_nsec, (long long)st.st_ctim.tv_sec,
		st.st_ctim.tv_nsec, hex, path, 0);
	fclose(f);
	free(full);
}

static void test_racy_remembered(void **state)
{
	struct fixture *fx = *state;
	static const char *stale[] = { "a.c", "x\n", "sub/b.c", "b\n" };
	char *cache = para_xstrfmt("%s.racy", fx->dir);
	struct timespec tick = { 0, 50 * 1000 * 1000 };
	struct para_strbuf sb = PARA_STRBUF_INIT;
	FILE *f;

	write_index(fx, both, 2, 1);
	/* files stamped in the current clock tick are not remembered */
	nanosleep(&tick, NULL);
	assert_int_equal(check_cached(fx, cache, 1), 1);
	assert_int_equal(para_strbuf_read_file(&sb, cache), 0);
	assert_non_null(memmem(sb.buf, sb.len, " a.c\0", 5));
	assert_non_null(memmem(sb.buf, sb.len, " sub/b.c\0", 9));
	/* records say nothing when the bytes may be converted */
	assert_int_equal(check_cached(fx, cache, 0), 0);

	/* a record is believed without reading the file: here it lies */
	write_index(fx, stale, 2, 1);
	assert_int_equal(check_cached(fx, cache, 1), 0);
	write_record(fx, cache, "a.c", "x\n");
	assert_int_equal(check_cached(fx, cache, 1), 1);
	/* but not once the stat data moved on */
	write_file(fx, "a.c", "a\n");
	assert_int_equal(check_cached(fx, cache, 1), 0);

	/* a damaged cache only costs the hashing */
	write_index(fx, both, 2, 1);
	f = fopen(cache, "w");
	assert_non_null(f);
	fputs("junk", f);
	fputc(0, f);
	fputs("1 2 3 4.5 6.7 zz a.c", f);
	fclose(f);
	assert_int_equal(check_cached(fx, cache, 1), 1);
	para_strbuf_dispose(&sb);
	unlink(cache);
	free(cache);
}

static void test_not_an_index(void **state)
{
	struct fixture *fx = *state;
	FILE *f = fopen(fx->index, "w");

	fputs("DIRC garbage", f);
	fclose(f);
	assert_int_equal(check(fx, 1), 0);
	unlink(fx->index);
	assert_int_equal(check(fx, 1), 0);
}

/*
 * An entry whose name ends before the checksum but whose padding does
 * not: refused, and nothing of it kept (found by t/fuzz/fuzz-index.c; the
 * leak shows under `make test SANITIZE=1`).
 */
static void test_unpadded_entry(void **state)
{
	struct fixture *fx = *state;
	struct para_strbuf sb = PARA_STRBUF_INIT;
	struct para_index ix = PARA_INDEX_INIT;
	struct timespec mtime;
	unsigned char fixed[62] = { 0 };
	FILE *f;

	para_strbuf_addstr(&sb, "DIRC");
	put_be32(&sb, 2);
	put_be32(&sb, 1);
	para_strbuf_add(&sb, fixed, sizeof(fixed));
	para_strbuf_add(&sb, "abcdef", 7);
	para_strbuf_add(&sb, fixed, 20);	/* the checksum */
	f = fopen(fx->index, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(sb.buf, 1, sb.len, f), sb.len);
	fclose(f);
	assert_int_equal(para_index_read(&ix, &mtime, fx->index, 10), -1);
	para_index_dispose(&ix);
	para_strbuf_dispose(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_clean, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_head, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_big, setup, teardown),
		cmocka_unit_test_setup_teardown(test_modified, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deleted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_untracked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_untracked_dir, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_symlinked_dir, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_walk_order, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_racy_same_bytes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_racy_other_bytes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_racy_attributes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_racy_remembered, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_not_an_index, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unpadded_entry, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
