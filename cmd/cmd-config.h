#ifndef PARA_CMD_CONFIG_H
#define PARA_CMD_CONFIG_H

#include "config.h"

/*
 * Config lookups for commands: the key's default (config-keys.h; NULL,
 * 0 when it has none) when it is not set, and
 * "fatal: bad ... value 'x' for 'para.key'" (exit 128) when its value is
 * bad.
 */
const char *cfg_string(struct para_config *config, const char *key);
int cfg_bool(struct para_config *config, const char *key);
long cfg_int(struct para_config *config, const char *key, long min, long max,
	     long def);
long long cfg_duration(struct para_config *config, const char *key);
/* Every value of a multi-valued key (append to `out`). */
void cfg_all(struct para_strvec *out, struct para_config *config,
	     const char *key);

/*
 * Whether to colour standard output: `when` as --color gave it
 * ("always", "never", "auto"; a bad one is fatal), else color.para,
 * else color.ui, else on a terminal; NO_COLOR turns the config off.
 */
int cfg_color(struct para_config *config, const char *when);

#endif
