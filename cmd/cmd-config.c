#include <stdlib.h>
#include <strings.h>

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

/* "always", "never", "auto", or a boolean as git takes it; -1 for none. */
static int color_word(const char *value)
{
	if (!strcasecmp(value, "always"))
		return 1;
	if (!strcasecmp(value, "never"))
		return 0;
	if (!strcasecmp(value, "auto"))
		return 2;
	return -1;
}

int cfg_color(struct para_config *config, const char *when)
{
	const char *value = NULL, *no_color = getenv("NO_COLOR");
	int b, w;

	if (when) {
		if ((w = color_word(when)) < 0)
			die("invalid value '%s' for '--color': expected always, never or auto",
			    when);
		return w == 2 ? isatty_fd(1) : w;
	}
	if (no_color && *no_color)
		return 0;
	if (para_config_get_string(&value, config, "color.para") < 0 &&
	    para_config_get_string(&value, config, "color.ui") < 0)
		value = "auto";
	if ((w = color_word(value)) >= 0)
		return w == 2 ? isatty_fd(1) : w;
	if (para_config_get_bool(&b, config, "color.para") == 0 ||
	    para_config_get_bool(&b, config, "color.ui") == 0)
		return b && isatty_fd(1);
	return isatty_fd(1);
}
