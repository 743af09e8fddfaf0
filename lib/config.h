#ifndef PARA_CONFIG_H
#define PARA_CONFIG_H

#include "repo.h"
#include "strvec.h"

/*
 * `para.*` configuration: the repository's config files through libgit2,
 * overlaid with `git -c key=value` (GIT_CONFIG_PARAMETERS, which libgit2
 * does not read).  Typed getters fail naming the key and the value.
 */
struct para_config;

int para_config_open(struct para_config **out, struct para_repo *repo);
void para_config_free(struct para_config *config);

/*
 * Each getter returns 0 and sets `*out`, PARA_ENOTFOUND when the key is
 * not set (leaving `*out` alone), or PARA_EINVALID for a bad value.
 * Strings are borrowed from the config and live as long as it does.
 */
int para_config_get_string(const char **out, struct para_config *config,
			   const char *key);
int para_config_get_bool(int *out, struct para_config *config,
			 const char *key);
/* A whole number in [min, max]. */
int para_config_get_int(long *out, struct para_config *config,
			const char *key, long min, long max);
/* A duration in milliseconds (see duration.h). */
int para_config_get_duration(long long *out, struct para_config *config,
			     const char *key);
/* An amount of memory in bytes (see size.h). */
int para_config_get_size(long long *out, struct para_config *config,
			 const char *key);
/* Appends every value of a multi-valued key, files first, then `-c`. */
int para_config_get_all(struct para_strvec *out, struct para_config *config,
			const char *key);

/*
 * The same, read from the repository's configuration as it is now (its
 * files are read again when they changed), without a snapshot of all of
 * it: for a key asked for again and again, at every change of a task.
 */
int para_config_get_all_now(struct para_strvec *out, struct para_repo *repo,
			    const char *key);

/*
 * The last value of that list, malloc'd, or NULL when it is empty: one
 * lookup, not a walk of all the entries, unless `-c` or a bare key make
 * the list needed.
 */
int para_config_get_last_now(char **out, struct para_repo *repo,
			     const char *key);

/*
 * As the getters above, but a key of the table (config-keys.h) that is
 * not set gets its default from there; PARA_ENOTFOUND only for a key
 * without a default.
 */
int para_config_string(const char **out, struct para_config *config,
		       const char *key);
int para_config_bool(int *out, struct para_config *config, const char *key);
int para_config_duration(long long *out, struct para_config *config,
			 const char *key);

/*
 * A boolean as git spells it (true, yes, on, 1, false, no, off, 0, ""),
 * case-insensitive; PARA_EINVALID naming `key` for anything else.
 */
int para_config_parse_bool(int *out, const char *value, const char *key);

/*
 * Parses GIT_CONFIG_PARAMETERS in either of git's formats
 * ('k=v' 'k2=v2', or 'k'='v' 'k2') into alternating key, value entries
 * (a key without value gets NULL, as git's "true").  Keys are lowered in
 * their section and name parts.  Exposed for the unit tests.
 */
int para_config_parse_parameters(struct para_strvec *keys,
				 struct para_strvec *values, const char *text);

#endif
