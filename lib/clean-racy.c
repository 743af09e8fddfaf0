#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clean-racy.h"
#include "sorted.h"

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* "<sec>.<nsec>" */
static int parse_time(long long *sec, long *nsec, const char **p)
{
	char *end;

	*sec = strtoll(*p, &end, 10);
	if (end == *p || *end != '.')
		return -1;
	*p = end + 1;
	*nsec = strtol(*p, &end, 10);
	if (end == *p || *end != ' ')
		return -1;
	*p = end + 1;
	return 0;
}

static int parse_record(struct para_racy_record *r, const char *p)
{
	char *end;
	int i;

	r->text = p;
	r->dev = strtoull(p, &end, 10);
	if (end == p || *end != ' ')
		return -1;
	r->ino = strtoull(p = end + 1, &end, 10);
	if (end == p || *end != ' ')
		return -1;
	r->size = strtoll(p = end + 1, &end, 10);
	if (end == p || *end != ' ')
		return -1;
	p = end + 1;
	if (parse_time(&r->mtime_s, &r->mtime_ns, &p) < 0 ||
	    parse_time(&r->ctime_s, &r->ctime_ns, &p) < 0)
		return -1;
	for (i = 0; i < PARA_OID_RAW; i++) {
		int hi = hex_value(p[2 * i]), lo;

		if (hi < 0 || (lo = hex_value(p[2 * i + 1])) < 0)
			return -1;
		r->oid[i] = (unsigned char)(hi << 4 | lo);
	}
	p += 2 * PARA_OID_RAW;
	if (*p != ' ' || !p[1])
		return -1;
	r->path = p + 1;
	return 0;
}

void para_racy_cache_load(struct para_racy_cache *c, const char *path)
{
	const char *p, *end;
	size_t alloc = 0;

	if (!path || para_strbuf_read_whole(&c->loaded, path) < 0)
		return;
	for (p = c->loaded.buf, end = p + c->loaded.len; p < end;
	     p += strlen(p) + 1) {
		c->known = para_grow(c->known, &alloc, c->known_nr + 1,
				     sizeof(*c->known));
		if (!parse_record(&c->known[c->known_nr], p))
			c->known_nr++;
	}
}

static int record_fits(const struct para_racy_record *r,
		       const struct stat *st, const unsigned char *oid)
{
	return r->dev == (unsigned long long)st->st_dev &&
	       r->ino == (unsigned long long)st->st_ino &&
	       r->size == (long long)st->st_size &&
	       r->mtime_s == (long long)st->st_mtim.tv_sec &&
	       r->mtime_ns == st->st_mtim.tv_nsec &&
	       r->ctime_s == (long long)st->st_ctim.tv_sec &&
	       r->ctime_ns == st->st_ctim.tv_nsec &&
	       !memcmp(r->oid, oid, PARA_OID_RAW);
}

const struct para_racy_record *para_racy_cache_find(
	const struct para_racy_cache *c, const char *path,
	const struct stat *st, const unsigned char *oid)
{
	size_t at;

	if (PARA_SORTED_FIND(&at, struct para_racy_record, c->known,
			     c->known_nr, path, path) < 0)
		return NULL;
	return record_fits(&c->known[at], st, oid) ? &c->known[at] : NULL;
}

void para_racy_cache_keep(struct para_racy_cache *c,
			  const struct para_racy_record *r)
{
	para_strbuf_add(&c->confirmed, r->text, strlen(r->text) + 1);
	c->confirmed_nr++;
}

void para_racy_cache_add(struct para_racy_cache *c,
			 const struct para_index_entry *e,
			 const struct stat *st)
{
	static const char hex[] = "0123456789abcdef";
	int i;

	para_strbuf_addf(&c->confirmed, "%llu %llu %lld %lld.%09ld %lld.%09ld ",
			 (unsigned long long)st->st_dev,
			 (unsigned long long)st->st_ino,
			 (long long)st->st_size,
			 (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
			 (long long)st->st_ctim.tv_sec, st->st_ctim.tv_nsec);
	for (i = 0; i < PARA_OID_RAW; i++) {
		para_strbuf_addch(&c->confirmed, hex[e->oid[i] >> 4]);
		para_strbuf_addch(&c->confirmed, hex[e->oid[i] & 15]);
	}
	para_strbuf_addch(&c->confirmed, ' ');
	para_strbuf_add(&c->confirmed, e->path, strlen(e->path) + 1);
	c->confirmed_nr++;	c->new_records = 1;
}

void para_racy_cache_save(struct para_racy_cache *c, const char *path)
{
	char *tmp;
	int fd;

	if (!path || (!c->new_records && c->confirmed_nr == c->known_nr))
		return;
	if (!c->confirmed_nr) {
		unlink(path);
		return;
	}
	tmp = para_xstrfmt("%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd >= 0 && write(fd, c->confirmed.buf, c->confirmed.len) ==
		       (ssize_t)c->confirmed.len && !close(fd)) {
		fd = -1;
		if (!rename(tmp, path))
			goto out;
	}
	if (fd >= 0)
		close(fd);
	unlink(tmp);
out:
	free(tmp);
}

void para_racy_cache_dispose(struct para_racy_cache *cache)
{
	free(cache->known);
	para_strbuf_dispose(&cache->loaded);
	para_strbuf_dispose(&cache->confirmed);
}
