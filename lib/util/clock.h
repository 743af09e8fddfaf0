#ifndef PARA_CLOCK_H
#define PARA_CLOCK_H

/* Milliseconds since the epoch (for recorded times). */
long long para_now_ms(void);

/* Milliseconds on the monotonic clock (for deadlines). */
long long para_monotonic_ms(void);

#endif
