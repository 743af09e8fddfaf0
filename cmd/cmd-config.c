#include "cmd-config.h"
#include "error.h"
#include "usage.h"

static void check(int error)
{
	if (error < 0 && error != PARA_ENOTFOUND)
		die_lib();
}

const char *cfg_string(struct para_config *config, const char *key)
{
	const char *value = NULL;

	check(para_config_string(&value, config, key));
	return value;
}

int cfg_bool(struct para_config *config, const char *key)
{
	int value = 0;

	check(para_config_bool(&value, config, key));
	return value;
}

long cfg_int(struct para_config *config, const char *key, long min, long max,
	     long def)
{
	long value = def;

	check(para_config_get_int(&value, config, key, min, max));
	return value;
}

long long cfg_duration(struct para_config *config, const char *key)
{
	long long value = 0;

	check(para_config_duration(&value, config, key));
	return value;
}

void cfg_all(struct para_strvec *out, struct para_config *config,
	     const char *key)
{
	check(para_config_get_all(out, config, key));
}
