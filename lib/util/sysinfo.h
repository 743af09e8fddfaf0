#ifndef PARA_SYSINFO_H
#define PARA_SYSINFO_H

/*
 * What the machine has to spare right now: the kernel's estimate of
 * the memory available for new work (MemAvailable in /proc/meminfo)
 * and the 1-minute load average (/proc/loadavg).
 *
 * For tests only, PARA_TEST_MEMINFO and PARA_TEST_LOADAVG name files
 * read instead, in the same format ("MemAvailable: 1024 kB", "0.50 ...");
 * a test rewrites them while a run goes on to play a machine that fills
 * up.  Like git's GIT_TEST_* variables they are not for users.
 */
struct para_sysinfo {
	long long mem_available;	/* bytes, -1 when unknown */
	double load;			/* 1-minute load average, -1 unknown */
};

/*
 * Reads what `want` asks for (PARA_SYSINFO_MEMORY, PARA_SYSINFO_LOAD);
 * what it does not ask for or cannot read is unknown.  Never fails.
 */
#define PARA_SYSINFO_MEMORY 1
#define PARA_SYSINFO_LOAD 2
void para_sysinfo_read(struct para_sysinfo *out, unsigned int want);

/* The number of online CPUs (at least 1). */
int para_sysinfo_cpus(void);

/*
 * Parses a load limit: a 1-minute load average ("1.5"), or a share of
 * the online CPUs ("80%" of 2 CPUs is 1.6).  Returns 0, or PARA_EINVALID
 * ("invalid load 'high'").
 */
int para_sysinfo_parse_load(double *out, const char *text);

#endif
