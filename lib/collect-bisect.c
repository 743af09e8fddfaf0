#include <stdlib.h>
#include <string.h>

#include "collect-bisect.h"
#include "error.h"
#include "strbuf.h"

struct state {
	struct para_bisect *b;
	const struct para_bisect_ops *ops;
	void *payload;
	size_t *list;		/* still to decide, in merge order */
	size_t nl;
	size_t *seq;		/* scratch: in + a part of list */
};

static void reject(struct state *s, size_t item)
{
	s->b->verdict[item] = PARA_BISECT_REJECTED;
	if (s->ops->rejected)
		s->ops->rejected(s->payload, item);
}

/* The rejected item `item` waits for, directly or not; n when none. */
static size_t blocker(struct state *s, size_t item)
{
	size_t j;

	for (j = 0; j < s->b->n; j++) {
		if (j == item || s->b->verdict[j] == PARA_BISECT_IN ||
		    !s->ops->depends(s->payload, j, item))
			continue;
		return s->b->verdict[j] == PARA_BISECT_REJECTED ?
		       j : s->b->held_by[j];
	}
	return s->b->n;
}

/* Takes the items depending on a rejected one off the list. */
static void drop_held(struct state *s)
{
	size_t i, kept = 0, by;

	for (i = 0; i < s->nl; i++) {
		size_t item = s->list[i];

		if ((by = blocker(s, item)) < s->b->n) {
			s->b->verdict[item] = PARA_BISECT_HELD;
			s->b->held_by[item] = by;
		} else {
			s->list[kept++] = item;
		}
	}
	s->nl = kept;
}

/* Verifies `in` followed by the first `len` items of the list. */
static int try_part(struct state *s, size_t len)
{
	memcpy(s->seq, s->b->in, s->b->in_nr * sizeof(*s->seq));
	memcpy(s->seq + s->b->in_nr, s->list, len * sizeof(*s->seq));
	return s->ops->verify(s->payload, s->seq, s->b->in_nr + len);
}

/* Moves the first `len` items of the list into `in`. */
static void take(struct state *s, size_t len)
{
	memcpy(s->b->in + s->b->in_nr, s->list, len * sizeof(*s->list));
	s->b->in_nr += len;
	memmove(s->list, s->list + len, (s->nl - len) * sizeof(*s->list));
	s->nl -= len;
}

static int one_by_one(struct state *s)
{
	int r;

	while (s->nl) {
		if ((r = try_part(s, 1)) < 0)
			return r;
		if (r) {
			take(s, 1);
		} else {
			reject(s, s->list[0]);
			s->nl--;
			memmove(s->list, s->list + 1, s->nl * sizeof(*s->list));
		}
		drop_held(s);
	}
	return 0;
}

/* The smallest failing part, knowing the whole list fails: its length. */
static int smallest_failing(size_t *out, struct state *s)
{
	size_t lo = 0, hi = s->nl;
	int r;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if ((r = try_part(s, mid)) < 0)
			return r;
		if (r)
			lo = mid;
		else
			hi = mid;
	}
	*out = hi;
	return 0;
}

static int halving(struct state *s)
{
	int r, base_ok = 0, suspect = 0;
	size_t hi;

	for (;;) {
		drop_held(s);
		if (!s->nl)
			break;
		if ((r = try_part(s, s->nl)) < 0)
			return r;
		if (r) {
			take(s, s->nl);
			return 0;
		}
		if ((r = smallest_failing(&hi, s)) < 0)
			return r;
		if (hi == 1 && !base_ok && suspect) {
			if ((r = try_part(s, 0)) <= 0) {
				s->b->base_broken = !r;
				return r;
			}
			base_ok = 1;
		}
		if (hi == 1 && !base_ok)
			suspect = 1;
		take(s, hi - 1);
		base_ok |= hi > 1;
		reject(s, s->list[0]);
		s->nl--;
		memmove(s->list, s->list + 1, s->nl * sizeof(*s->list));
	}
	/* the combination left is the base alone, never seen to pass */
	if (suspect && !base_ok && !s->b->in_nr) {
		if ((r = try_part(s, 0)) < 0)
			return r;
		s->b->base_broken = !r;
	}
	return 0;
}

int para_bisect_run(struct para_bisect *out, size_t n, int by_one,
		    const struct para_bisect_ops *ops, void *payload)
{
	struct para_bisect init = PARA_BISECT_INIT;
	struct state s;
	size_t i;
	int error;

	*out = init;
	out->n = n;
	out->verdict = para_calloc(n + 1, sizeof(*out->verdict));
	out->held_by = para_calloc(n + 1, sizeof(*out->held_by));
	out->in = para_calloc(n + 1, sizeof(*out->in));
	s.b = out;
	s.ops = ops;
	s.payload = payload;
	s.list = para_calloc(n + 1, sizeof(*s.list));
	s.seq = para_calloc(n + 1, sizeof(*s.seq));
	for (i = 0; i < n; i++)
		s.list[i] = i;
	s.nl = n;
	error = by_one ? one_by_one(&s) : halving(&s);
	free(s.list);
	free(s.seq);
	return error;
}

void para_bisect_dispose(struct para_bisect *b)
{
	struct para_bisect init = PARA_BISECT_INIT;

	free(b->verdict);
	free(b->held_by);
	free(b->in);
	*b = init;
}
