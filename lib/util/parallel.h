#ifndef PARA_PARALLEL_H
#define PARA_PARALLEL_H

#include <stddef.h>

/*
 * Calls `fn(i, data)` for each i in [0, nr), on at most `max` threads
 * (0: the number of online CPUs), the calling one among them; returns
 * once every call has returned.  Each index is taken by one thread, in
 * order, as threads become free, so long and short calls share the
 * threads well.  `fn` must be safe to run beside itself: errors are
 * thread-local (error.h), so it may set and clear them.  Where no
 * thread can be started the calls are made here, one after the other.
 */
void para_parallel_each(size_t nr, unsigned max,
			void (*fn)(size_t i, void *data), void *data);

#endif
